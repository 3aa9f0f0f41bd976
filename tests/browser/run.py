#!/usr/bin/env python3
"""run.py -- the browser tests (issue 14): a private stack (xjtest.py's:
real nginx with the pages of www/, workers, MariaDB, the jobs runner and
the SMS simulator), then parent.mjs in Debian's chromium through npm
playwright-core; its results become TAP lines here. Screenshots (360 and
1280 px) and results.json go to tests/browser/out/ in the build directory.

Skipped, never failed, when the browser packages are not installed
(scripts/install-deps --no-browser or XJ_NO_BROWSER=1): chromium, node, or
tests/browser/node_modules (npm ci of package-lock.json).
"""
import json
import os
import shutil
import subprocess
import sys
import time

SRCDIR = os.environ.get("XJ_SRCDIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(SRCDIR, "tests", "browser")
CHROMIUM = "/usr/bin/chromium"


def skip_reason():
    if os.environ.get("XJ_NO_BROWSER") == "1":
        return "XJ_NO_BROWSER=1"
    if not os.access(CHROMIUM, os.X_OK):
        return "chromium not installed (scripts/install-deps)"
    if not shutil.which("node"):
        return "node not installed (scripts/install-deps)"
    for m in ("playwright-core", "axe-core"):
        if not os.path.isdir(os.path.join(HERE, "node_modules", m)):
            return "npm package %s not installed (scripts/install-deps)" % m
    return None


why = skip_reason()
if why:
    print("1..0 # SKIP " + why)
    sys.exit(0)

sys.path.insert(0, os.path.join(SRCDIR, "tests", "api"))
from xjtest import test, run, BUILDDIR  # noqa: E402
from parent import new_child, new_phone  # noqa: E402

OUT = os.path.join(BUILDDIR, "tests", "browser", "out")
_res = {}


def results(s):
    """parent.mjs's results, run once for all the tests below."""
    if "checks" not in _res:
        shutil.rmtree(OUT, ignore_errors=True)
        os.makedirs(OUT)
        child = new_child()
        env = dict(os.environ,
                   XJ_BASE="http://localhost:%d" % s.stack.port,
                   XJ_SMS="http://127.0.0.1:%d" % s.stack.sms_port,
                   XJ_OUT=OUT, XJ_CHROMIUM=CHROMIUM, XJ_PHONE=new_phone(),
                   XJ_CHILD=json.dumps({"name": child.name, "sex": child.sex,
                                        "birth_date": child.birth_date,
                                        "id_number": child.id_number}, ensure_ascii=False))
        t0 = time.monotonic()
        p = subprocess.run(["node", os.path.join(HERE, "parent.mjs")], env=env,
                           capture_output=True, text=True, timeout=600)
        _res["seconds"] = time.monotonic() - t0
        try:
            with open(os.path.join(OUT, "results.json")) as f:
                _res.update(json.load(f))
        except (OSError, ValueError):
            _res["checks"] = {"run": {"ok": False, "diag": "parent.mjs wrote no results (exit %d): %s"
                                      % (p.returncode, (p.stderr or p.stdout)[-600:])}}
        print("# parent.mjs: %.1f s; screenshots in %s" % (_res["seconds"], OUT))
        for name, w in sorted(_res.get("weights", {}).items()):
            print("# weight %s: %d bytes in %d requests" % (name, w["bytes"], w["requests"]))
    return _res


def expect(s, *names):
    r = results(s)
    run_check = r["checks"].get("run")
    s.ok(not run_check or run_check["ok"], "parent.mjs ran: %s" % (run_check or {}).get("diag", ""))
    for n in names:
        c = r["checks"].get(n)
        s.ok(c is not None, "parent.mjs did not get to %s" % n)
        s.ok(c["ok"], c["diag"])


@test("issue 14: a parent signs up with an SMS code (a weak password shown beside its field)")
def _(s):
    expect(s, "signup")


@test("issue 14: signed out, the pages send the parent to sign-in; sign-in by SMS code (a wrong code flagged)")
def _(s):
    expect(s, "signin")


@test("issue 14: the form flags a wrong ID check character and a birth date unlike the ID's before sending")
def _(s):
    expect(s, "form_checks")


@test("issue 14: an error only the server finds is shown beside its field, in the server's words")
def _(s):
    expect(s, "server_errors")


@test("issue 14: signed out while filling in, the parent signs in in another window; the form keeps its values and submits with the new session's CSRF token")
def _(s):
    expect(s, "expired", "submitted")


@test("issue 14: the fixed form submits; the registration, its state and its status timeline show (zh, en)")
def _(s):
    expect(s, "submitted")
    # the registration is the family's, in the database as typed
    rows = s.sql("SELECT COUNT(*) FROM registration")
    s.ok(int(rows[0][0]) >= 1, "the registration is in the database")


def with_check(first17):
    """first17 and its check character (ISO 7064 MOD 11-2)."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


@test("issue 14: signed out, a wrong password refused; the parent resets it with an SMS code, signs in with the new one and finds the registration")
def _(s):
    expect(s, "password_signin")


@test("issue 14: the page's ID checks (www/assets/idcheck.js) answer as the server's, code for code")
def _(s):
    nums = []
    for _i in range(12):
        n = new_child().id_number
        area, seq = n[:6], n[14:17]
        nums += [
            n,                                                    # valid
            n[:17] + "10X98765432"[("10X98765432".index(n[17]) + 3) % 11],  # wrong check
            n[:17] + n[17].lower(),                               # lower-case x
            n[:15],                                               # 15 digits
            n[:17],                                               # too short
            n[:10] + "A" + n[11:],                                # a letter
            with_check(area + n[6:10] + "1301" + seq),            # month 13
            with_check(area + "20190229" + seq),                  # no 29 February
            with_check(area + "17991231" + seq),                  # before 1800
            with_check(area + "20990101" + seq),                  # born after today
            with_check(area + "20200229" + seq),                  # a leap day
        ]
    p = subprocess.run(["node", os.path.join(HERE, "idcheck.mjs")], input=json.dumps(nums),
                       capture_output=True, text=True, timeout=60)
    s.eq(p.returncode, 0, "idcheck.mjs: " + p.stderr[-300:])
    page = json.loads(p.stdout)
    for n, mine in zip(nums, page):
        st, h, b = s.http("POST", "/api/ref/v1/id-number-checks", {"id_number": n})
        if st == 200:
            server = {"birth": b["birth_date"], "sex": b["sex"]}
        else:
            s.eq(st, 422, "server on %s: %r" % (n, b))
            server = {"code": b["error"]["fields"][0]["code"]}
        s.eq(mine, server, "the page and the server on %s" % n)


@test("issue 14: axe-core finds no serious or critical violation on any page")
def _(s):
    expect(s, "axe")


@test("issue 14: no personal data in URLs, storage or the console; no CSP refusal, no console error")
def _(s):
    expect(s, "privacy", "csp", "console")


@test("issue 14: every change behind a session (registrations, sign-out) carries X-CSRF-Token")
def _(s):
    expect(s, "csrf")


@test("issue 14: each page's first load weighs < 150 KB on the wire")
def _(s):
    expect(s, "weight")


run()
