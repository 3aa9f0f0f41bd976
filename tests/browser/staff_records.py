#!/usr/bin/env python3
"""staff_records.py -- the staff pages of the roster, the student record,
the statistics and the accounts (issue 14) in a real browser: a private
stack (xjtest.py's), students admitted through the real chain
(tests/api/students.py), then staff_records.mjs in Debian's chromium
through npm playwright-core; its results become TAP lines here.
Screenshots (360 and 1280 px) and results.json go to
tests/browser/out-staff-records/ in the build directory (run.py's out/ is
its own: the two files may run at once).

Skipped, never failed, when the browser packages are not installed
(browserlib.skip_reason)."""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from browserlib import run_driver, skip_reason  # noqa: E402

why = skip_reason()
if why:
    print("1..0 # SKIP " + why)
    sys.exit(0)

SRCDIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "api"))
from xjtest import test, run, BUILDDIR  # noqa: E402
from staff import new_account, signed_in, DEMO_PASSWORD  # noqa: E402
from students import API, CHAOYANG, SCHOOL, admitted  # noqa: E402

OUT = os.path.join(BUILDDIR, "tests", "browser", "out-staff-records")
_res = {}
INJECTION = '=HYPERLINK("http://evil.example/","x")'
G_NUMBER = "G110105201901015678"


def fixture(s):
    """Three Chaoyang students of SCHOOL (one with a G number, one whose
    name a spreadsheet would run as a formula, one in a class), and fresh
    accounts: the school's clerk, the county's reviewer and administrator."""
    ids = admitted(s, 3)
    s.sql("UPDATE student SET student_no = '%s', student_no_kind = 'G' WHERE id = %d"
          % (G_NUMBER, ids[0]))
    s.sql("UPDATE student SET name = '%s' WHERE id = %d" % (INJECTION.replace("'", "''"), ids[1]))
    # the third student in a class of its own
    maker = signed_in(s, SCHOOL + ".clerk")
    year = int(s.sql("SELECT entry_year FROM student WHERE id = %d" % ids[2])[0][0])
    st, h, c = maker.call("POST", API + "/classes", {"entry_year": year, "level": 1})
    s.eq(st, 201, "class: %r" % (c,))
    st, h, b = maker.call("POST", API + "/students/%d/class" % ids[2], {"class_code": c["code"]})
    s.eq(st, 200, "class assignment: %r" % (b,))
    clerk = new_account(s, SCHOOL + ".clerk")
    return {"students": ids, "clerk": clerk, "class": c["code"],
            "reviewer": new_account(s, CHAOYANG + ".reviewer"),
            "admin": new_account(s, CHAOYANG + ".admin"),
            "victim": new_account(s, SCHOOL + ".reviewer"),
            "password": DEMO_PASSWORD, "school": SCHOOL, "county": CHAOYANG,
            "g_number": G_NUMBER, "injection": INJECTION, "api": API,
            "new_login": "web%d.%s.clerk" % (random.randrange(10 ** 6), SCHOOL)}


def results(s):
    """staff_records.mjs's results, run once for all the tests below."""
    if "checks" not in _res:
        _res["fixture"] = fx = fixture(s)
        _res.update(run_driver("staff_records.mjs", OUT, {
            "XJ_BASE": "http://localhost:%d" % s.stack.port,
            "XJ_FIXTURE": json.dumps(fx, ensure_ascii=False)}))
        print("# staff_records.mjs: %.1f s; screenshots in %s" % (_res["seconds"], OUT))
        for name, w in sorted(_res.get("weights", {}).items()):
            print("# weight %s: %d bytes in %d requests" % (name, w["bytes"], w["requests"]))
    return _res


def expect(s, *names):
    r = results(s)
    run_check = r["checks"].get("run")
    s.ok(not run_check or run_check["ok"], "staff_records.mjs ran: %s" % (run_check or {}).get("diag", ""))
    for n in names:
        c = r["checks"].get(n)
        s.ok(c is not None, "staff_records.mjs did not get to %s" % n)
        s.ok(c["ok"], c["diag"])


@test("issue 14: the roster page lists the school's students as the API does; grade, class and status filters; "
      "a county names a school")
def _(s):
    expect(s, "roster", "filters", "bureau")


@test("issue 14: the roster downloads as CSV from the page: BOM, every student, G number masked, formula neutralised")
def _(s):
    expect(s, "csv")
    # the download left its one audit entry
    n = s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'student.roster_export'")[0][0]
    s.ok(int(n) >= 1, "the export is audited")


@test("issue 14: a student's record opens in place (no id in the URL): record, history, cases; "
      "a certificate of student status issued and printed")
def _(s):
    expect(s, "record", "certificate")


@test("issue 14: the statistics chart draws the API's numbers; the table holds the same; a county drills down")
def _(s):
    expect(s, "chart", "drill")


@test("issue 14: an administrator lists, creates, disables (and enables again) and resets accounts from the page")
def _(s):
    expect(s, "accounts")
    victim = results(s)["fixture"]["victim"]
    st = s.sql("SELECT status, must_change_pw FROM staff_account WHERE login = '%s'" % victim)
    s.eq(st[0][0], "disabled", "the account disabled on the page is disabled in the database")
    acts = [r[0] for r in s.sql("SELECT action FROM audit_log WHERE target_id = '%s' AND action LIKE 'staff.%%'"
                                " ORDER BY id" % victim)]
    s.eq(acts, ["staff.disable", "staff.enable", "staff.disable"], "each step audited")
    made = s.sql("SELECT role, must_change_pw FROM staff_account WHERE login = '%s'"
                 % results(s)["fixture"]["new_login"])
    s.eq(made and list(made[0]), ["clerk", "1"], "the account created on the page must change its password")


@test("issue 14: axe-core finds no serious or critical violation on the roster, record, statistics and account pages")
def _(s):
    expect(s, "axe")


@test("issue 14: staff pages: no personal data in URLs or storage, no CSP refusal, no console error, "
      "X-CSRF-Token on every change")
def _(s):
    expect(s, "privacy", "csp", "console", "csrf")


@test("issue 14: each staff records page's first load weighs < 150 KB on the wire")
def _(s):
    expect(s, "weight")


run()
