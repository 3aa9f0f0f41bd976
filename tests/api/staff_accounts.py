"""Black-box: staff accounts managed by bureau administrators (issue 4 §1,
R-ORG-3, R-ORG-4): an administrator creates and disables accounts of its
own org or the orgs below it, with the staff password policy; anything
outside its scope is 404, a non-administrator 403; disabling ends the
account's live session; every change is audited."""
import random

from staff import DEMO_PASSWORD, SESSION, Staff, signed_in
from xjtest import run, scrypt_hash, test

ACCOUNTS = "/api/school/v1/accounts"
PW = "Kaixue2026ok"
_n = [random.randrange(1, 10_000_000)]


def login_name(prefix="new"):
    _n[0] += 1
    return "%s%d.staff" % (prefix, _n[0])


def body(**over):
    b = {"org_kind": "school", "org_code": "1110500001", "login": login_name(),
         "display_name": "新学籍员", "role": "clerk", "password": PW}
    b.update(over)
    return b


def audited(s, action, login):
    return int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND target_id = '%s'"
                     " AND actor_type = 'staff' AND actor_role = 'admin'" % (action, login))[0][0])


@test("R-ORG-3 a county administrator creates a clerk of one of its schools, who can sign in")
def _(s):
    admin = signed_in(s, "110105.admin")
    b0 = body()
    st, h, b = admin.call("POST", ACCOUNTS, b0)
    s.eq(st, 201, "create: %r" % (b,))
    s.eq((b["login"], b["role"], b["status"], b["org"]["code"]), (b0["login"], "clerk", "active", "1110500001"))
    s.ok("password" not in str(b) and "pw_hash" not in str(b), "no secret in the answer")
    new = Staff(s, b0["login"], PW)
    st, h, me = new.login()
    s.eq(st, 200, "new login: %r" % (me,))
    s.eq((me["account"]["role"], me["account"]["org"]["code"]), ("clerk", "1110500001"))
    s.eq(audited(s, "staff.create", b0["login"]), 1)


@test("R-ORG-3 an administrator may create in its own org and below; the city creates a county reviewer")
def _(s):
    admin = signed_in(s, "bj.city.admin")
    st, h, b = admin.call("POST", ACCOUNTS, body(org_kind="county", org_code="110108", role="reviewer"))
    s.eq(st, 201, "city -> county: %r" % (b,))
    county = signed_in(s, "110105.admin")
    st, h, b = county.call("POST", ACCOUNTS, body(org_kind="county", org_code="110105", role="admin"))
    s.eq(st, 201, "county -> itself: %r" % (b,))


@test("R-ORG-3 outside the administrator's scope the org is 404: another county's school, the city above")
def _(s):
    admin = signed_in(s, "110105.admin")
    for over in ({"org_code": "1110800001"}, {"org_kind": "city", "org_code": "110100", "role": "admin"},
                 {"org_code": "9999999999"}):
        st, h, b = admin.call("POST", ACCOUNTS, body(**over))
        s.error_body(b, "not_found", 404, st)


@test("R-ORG-3 only administrators of a bureau manage accounts: a county reviewer or a school reviewer gets 403")
def _(s):
    for like in ("110105.reviewer", "1110500001.reviewer", "1110500001.clerk"):
        st_ = signed_in(s, like)
        st, h, b = st_.call("POST", ACCOUNTS, body())
        s.error_body(b, "forbidden", 403, st)


@test("staff passwords need 10 characters with letters and digits; roles fit the org; logins are unique")
def _(s):
    admin = signed_in(s, "110105.admin")
    for pw in ("short1a", "onlyletterslong", "1234567890123"):
        st, h, b = admin.call("POST", ACCOUNTS, body(password=pw))
        e = s.error_body(b, "validation_failed", 422, st)
        s.eq([(f["field"], f["code"]) for f in e["fields"]], [("password", "weak_staff_password")])
    st, h, b = admin.call("POST", ACCOUNTS, body(role="admin"))
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("role", "not_allowed")])
    st, h, b = admin.call("POST", ACCOUNTS, body(org_kind="county", org_code="110105", role="clerk"))
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("role", "not_allowed")])
    st, h, b = admin.call("POST", ACCOUNTS, body(login="有 空格"))
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([f["field"] for f in e["fields"]], ["login"])
    st, h, b = admin.call("POST", ACCOUNTS, body(login="1110500001.clerk"))
    s.error_body(b, "login_taken", 409, st)


@test("R-ORG-4 disabling an account ends its live session and refuses its next login; audited")
def _(s):
    admin = signed_in(s, "110105.admin")
    b0 = body()
    s.eq(admin.call("POST", ACCOUNTS, b0)[0], 201)
    victim = Staff(s, b0["login"], PW)
    s.eq(victim.login()[0], 200)
    st, h, b = admin.call("POST", "%s/%s/disable" % (ACCOUNTS, b0["login"]))
    s.eq((st, b["status"]), (200, "disabled"), "disable: %r" % (b,))
    st, h, b = victim.call("GET", SESSION)
    s.eq(st, 401, "old session: %r" % (b,))
    st, h, b = victim.login()
    s.error_body(b, "account_disabled", 403, st)
    st, h, b = admin.call("POST", "%s/%s/disable" % (ACCOUNTS, b0["login"]))
    s.error_body(b, "conflict", 409, st)
    s.eq(audited(s, "staff.disable", b0["login"]), 1)


@test("R-ORG-3 disabling outside the scope is 404; nobody disables their own account")
def _(s):
    admin = signed_in(s, "110105.admin")
    for login in ("1110800001.clerk", "bj.admin", "no.such.login"):
        st, h, b = admin.call("POST", "%s/%s/disable" % (ACCOUNTS, login))
        s.error_body(b, "not_found", 404, st)
    st, h, b = admin.call("POST", "%s/%s/disable" % (ACCOUNTS, admin.login_name))
    s.error_body(b, "conflict", 409, st)
    s.eq(s.sql("SELECT status FROM staff_account WHERE login = '1110800001.clerk'"), [["active"]])


@test("a staff login with a hash of another cost re-hashes the password at today's cost")
def _(s):
    login = "1110100002.clerk"
    old = scrypt_hash(DEMO_PASSWORD, 11)
    s.sql("UPDATE staff_account SET pw_hash = '%s' WHERE login = '%s'" % (old, login))
    s.eq(Staff(s, login).login()[0], 200, "the old hash still verifies")
    now = s.sql("SELECT pw_hash FROM staff_account WHERE login = '%s'" % login)[0][0]
    s.ok(now != old and now.startswith("$scrypt$ln=10,r=8,p=1$"), "re-hashed at the stack's cost: %r" % now[:24])
    s.eq(Staff(s, login).login()[0], 200, "the new hash verifies")
    st, h, b = Staff(s, login).login("wrong-password-1")
    s.error_body(b, "invalid_credentials", 401, st)


run()
