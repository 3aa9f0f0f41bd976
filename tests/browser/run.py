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
import subprocess
import sys

SRCDIR = os.environ.get("XJ_SRCDIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(SRCDIR, "tests", "browser")
sys.path.insert(0, HERE)
from browserlib import run_driver, skip_reason  # noqa: E402

why = skip_reason()
if why:
    print("1..0 # SKIP " + why)
    sys.exit(0)

sys.path.insert(0, os.path.join(SRCDIR, "tests", "api"))
from xjtest import test, run, BUILDDIR  # noqa: E402
from parent import Parent, certs, new_child, new_phone  # noqa: E402
from admitflow import admit, registered, verify  # noqa: E402
from staff import signed_in  # noqa: E402
from wfcases import CY3, started  # noqa: E402

OUT = os.path.join(BUILDDIR, "tests", "browser", "out")
_res = {}


NONLOCAL_HUKOU = "440305000000"       # 深圳市南山区
CERTS_REASON = "居住证已过期，请补充有效期内的居住证"


def family_b(s):
    """A second family, made through the API before the browser starts,
    whose registrations stand where family A's cannot get by itself: one
    admitted (print the form, open the notice, student record changes),
    one of a non-local family to file the five certificates for (then
    cancelled), one whose certificates the district refused with a reason."""
    p = Parent(s, password="Secret123abc").signup()
    fam = {"phone": p.phone, "password": p.password}
    no, child = registered(s, p)
    verify(s, no, child)
    fam["admitted"] = {"name": child.name, "display": "%s-%s-%s-%s" % (no[:2], no[2:8], no[8:15], no[15]),
                       "notice_no": admit(s, no)}
    # a transfer of the new record, asked by another school (R-MOV-7)
    sid = int(s.sql("SELECT a.student_id FROM admission a JOIN registration r ON r.id = a.registration_id"
                    " WHERE r.prereg_no = '%s'" % no)[0][0])
    started(s, signed_in(s, CY3 + ".clerk"), sid)
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/record-changes" % no)
    s.eq((st, len(b["items"])), (200, 1), "the transfer: %r" % (b,))
    fam["admitted"]["progress"] = b["items"][0]["progress"]
    no, child = registered(s, p, hukou=NONLOCAL_HUKOU, school_code=None)
    fam["nonlocal"] = {"name": child.name}
    no, child = registered(s, p, hukou=NONLOCAL_HUKOU, school_code=None)
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/certificates" % no, certs())
    s.eq(st, 200, "certificates: %r" % (b,))
    rev = signed_in(s, "110105.reviewer")
    st, h, b = rev.call("POST", "/api/school/v1/certificate-reviews/%s/decision" % no,
                        {"decision": "reject", "reason": CERTS_REASON})
    s.eq(st, 200, "reject: %r" % (b,))
    fam["rejected"] = {"name": child.name, "reason": CERTS_REASON}
    return fam


def results(s):
    """parent.mjs's results, run once for all the tests below."""
    if "checks" not in _res:
        fam = _res["family"] = family_b(s)
        child = new_child()
        _res.update(run_driver("parent.mjs", OUT, {
            "XJ_BASE": "http://localhost:%d" % s.stack.port,
            "XJ_SMS": "http://127.0.0.1:%d" % s.stack.sms_port,
            "XJ_PHONE": new_phone(),
            "XJ_CHILD": json.dumps({"name": child.name, "sex": child.sex, "birth_date": child.birth_date,
                                    "id_number": child.id_number}, ensure_ascii=False),
            "XJ_FAMILY_B": json.dumps(fam, ensure_ascii=False),
        }))
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


@test("issue 14: the parent corrects a registration: the form comes back filled, identity and phone numbers masked and asked again (the server flags them when left out)")
def _(s):
    expect(s, "correct")


@test("issue 14: a district change: the same county and a missing reason flagged by the page; inside the window the server's advice to cancel instead")
def _(s):
    expect(s, "district_change")


@test("issue 14: password change: two new passwords that differ flagged, a wrong current one shown beside its field; the new one signs in")
def _(s):
    expect(s, "password_change")


@test("issue 14: the collection form opens from the list and prints: PDF with the number, the QR code (svg) on the page, its style applied")
def _(s):
    expect(s, "print")


@test("issue 14: admitted, the parent opens and prints the admission notice (PDF with its number); a transfer of the record under way, in words")
def _(s):
    expect(s, "notice")


@test("issue 14: a non-local family files the five certificates (an expired permit and a missing number flagged by the page, a wrong holder name by the server); a refusal shows the district's reason")
def _(s):
    expect(s, "certificates")
    st = s.sql("SELECT cert_state FROM registration WHERE child_name = '%s'"
               % _res["family"]["nonlocal"]["name"])
    s.ok(st and st[0][0] == "review", "the filing reached the database: %r" % (st,))


@test("issue 14: cancel asks first; 'keep it' keeps it, 'yes' cancels (the actions in English too)")
def _(s):
    expect(s, "cancel")
    st = s.sql("SELECT state FROM registration WHERE child_name = '%s'" % _res["family"]["nonlocal"]["name"])
    s.eq(st, [["cancelled"]], "the registration is cancelled")


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


@test("issue 14: strings.js has every key once per language, the same keys in zh and en, and every key the pages use")
def _(s):
    import re
    www = os.path.join(SRCDIR, "www")
    # the one table: strings.js, and the staff pages' parts that add to it
    # (addStrings in staffstrings.js, staff-records-strings.js, ...)
    tables = sorted(f for f in os.listdir(os.path.join(www, "assets"))
                    if f == "strings.js" or (f.endswith("strings.js") and f != "strings.js"))
    found = {"zh": [], "en": []}
    for name in tables:
        text = open(os.path.join(www, "assets", name), encoding="utf-8").read()
        zh, en = text[:text.index("\ten: {")], text[text.index("\ten: {"):]
        for lang, part in (("zh", zh), ("en", en)):
            found[lang] += re.findall(r"^\t\t([a-z_0-9]+):", part, re.M)
    keys = {}
    for lang in ("zh", "en"):
        dup = sorted({k for k in found[lang] if found[lang].count(k) > 1})
        s.eq(dup, [], "keys twice in %s (the last one wins: a page says the wrong thing)" % lang)
        keys[lang] = set(found[lang])
    s.eq(sorted(keys["zh"] ^ keys["en"]), [], "keys in one language only")
    used = set()
    for root, _d, files in os.walk(www):
        for f in files:
            body = open(os.path.join(root, f), encoding="utf-8").read()
            if f.endswith(".html"):
                used |= set(re.findall(r'data-i18n="([a-z_0-9]+)"', body))
            elif f.endswith(".js") and f not in tables:
                body = re.sub(r"^\s*//.*$", "", body, flags=re.M)
                used |= set(re.findall(r"i18n: '([a-z_0-9]+)'\s*[,}]", body))
                used |= set(re.findall(r"\bt\('([a-z_0-9]+)'\s*[,)]", body))
    s.eq(sorted(used - keys["zh"]), [], "keys the pages use that strings.js lacks")


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
