"""Black-box: parent accounts (issue 3 §1): sign-up, login, sessions as
HMAC-signed cookies, anti-CSRF header, lockout, logout, password change."""
from parent import Parent, new_phone, signed_up
from xjtest import scrypt_hash, session_token, test, run


@test("sign-up with a mobile number answers 201 with an HttpOnly SameSite=Strict session cookie")
def _(s):
    p = Parent(s)
    code = p.code("signup")
    st, h, b = p.call("POST", "/api/parent/v1/accounts",
                      {"phone": p.phone, "code": code, "password": "Secret123"})
    s.eq(st, 201)
    cookie = h["set-cookie"]
    s.ok("HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie)
    s.ok(b["csrf_token"] and b["account"]["id"] > 0, b)
    st, h, b = p.call("GET", "/api/parent/v1/session")
    s.eq(st, 200)


@test("the phone number is stored encrypted with a blind index, never in clear")
def _(s):
    p = signed_up(s)
    rows = s.sql("SELECT HEX(phone_ct), HEX(phone_bidx) FROM parent_account")
    s.ok(all(p.phone.encode().hex().upper() not in r[0] for r in rows), "no plaintext")
    s.ok(s.sql("SELECT COUNT(*) FROM parent_account WHERE phone_ct LIKE '%%%s%%'" % p.phone)[0][0] == "0",
         "not found as text")


@test("a second sign-up with the same number gets no code: the phone is told it has an account")
def _(s):
    # issue 10 (M1b): no longer 409 phone_registered, which told anyone
    # that the number has an account (tests/api/phone_ownership.py)
    p = signed_up(s)
    q = Parent(s, phone=p.phone)
    st, h, b = q.request_code("signup")
    s.eq(st, 202)
    msgs = s.sms_wait(p.phone, 2)
    s.eq(msgs[-1]["template"], "XJ_REGISTERED", "a notice, not a code")
    st, h, b = q.call("POST", "/api/parent/v1/accounts",
                      {"phone": p.phone, "code": msgs[0]["params"]["code"], "password": "Other1234"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(e["fields"][0]["code"], "sms_code_invalid", "the used sign-up code is dead")


@test("sign-up refuses a malformed number and a weak password, both at once")
def _(s):
    st, h, b = Parent(s).call("POST", "/api/parent/v1/accounts",
                              {"phone": "1234", "code": "12345", "password": "short"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq({(f["field"], f["code"]) for f in e["fields"]},
         {("phone", "mobile_number_format"), ("password", "weak_password"),
          ("code", "sms_code_invalid")})


@test("login with the right password starts a session; a wrong one answers 401")
def _(s):
    p = signed_up(s)
    q = Parent(s, phone=p.phone)
    st, h, b = q.login("Wrong1234")
    s.error_body(b, "invalid_credentials", 401, st)
    st, h, b = q.login()
    s.eq(st, 200)
    s.eq(q.call("GET", "/api/parent/v1/session")[0], 200)


@test("an unknown number answers the same 401 as a wrong password")
def _(s):
    st, h, b = Parent(s).login("Secret123")
    s.error_body(b, "invalid_credentials", 401, st)


@test("five wrong passwords lock the account for 15 minutes, even for the right password (answered as unknown: M1c)")
def _(s):
    p = signed_up(s)
    q = Parent(s, phone=p.phone)
    for i in range(5):
        st, h, b = q.login("Wrong%04d" % i)
        s.eq(st, 401, "attempt %d" % (i + 1))
    st, h, b = q.login()
    s.error_body(b, "invalid_credentials", 401, st)
    s.ok("retry-after" not in h, "no Retry-After: it would tell a locked account from none")
    left = s.sql("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), locked_until) FROM parent_account"
                 " WHERE failed_logins = 5 AND locked_until IS NOT NULL ORDER BY id DESC LIMIT 1")
    s.ok(left and 800 <= int(left[0][0]) <= 900, "locked ~15 min: %r" % left)
    n = s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'parent.login_failed'")[0][0]
    s.ok(int(n) >= 5, "failures audited")


@test("a state change without the X-CSRF-Token header is refused with 403")
def _(s):
    p = signed_up(s)
    st, h, b = p.call("DELETE", "/api/parent/v1/session", csrf=False)
    s.error_body(b, "csrf_token_invalid", 403, st)
    st, h, b = p.call("DELETE", "/api/parent/v1/session", headers={"X-CSRF-Token": "x" * 43},
                      csrf=False)
    s.error_body(b, "csrf_token_invalid", 403, st)
    s.eq(p.call("GET", "/api/parent/v1/session")[0], 200, "session still alive")


@test("no cookie, a forged cookie or a cookie of another kind answers 401")
def _(s):
    for cookie in (None, "v1.AAAA.BBBB", "garbage"):
        h = {"Cookie": "__Host-xj_parent=" + cookie} if cookie else {}
        st, hdr, b = s.http("GET", "/api/parent/v1/registrations", headers=h)
        s.error_body(b, "unauthenticated", 401, st)


@test("logout ends the session: the old cookie no longer works")
def _(s):
    p = signed_up(s)
    old = p.cookie
    st, h, b = p.call("DELETE", "/api/parent/v1/session")
    s.eq(st, 204)
    st, h, b = s.http("GET", "/api/parent/v1/session", headers={"Cookie": "__Host-xj_parent=" + old})
    s.error_body(b, "session_expired", 401, st)


@test("a password change ends other sessions and keeps the current one")
def _(s):
    p = signed_up(s)
    other = Parent(s, phone=p.phone)
    s.eq(other.login()[0], 200)
    st, h, b = p.call("PUT", "/api/parent/v1/account/password",
                      {"current_password": "Secret123", "new_password": "Newer4567"})
    s.eq(st, 200)
    s.eq(p.call("GET", "/api/parent/v1/session")[0], 200, "this session lives")
    st, h, b = other.call("GET", "/api/parent/v1/session")
    s.error_body(b, "session_expired", 401, st)
    s.eq(Parent(s, phone=p.phone).login("Newer4567")[0], 200)


@test("password change with a wrong current password is refused and changes nothing")
def _(s):
    p = signed_up(s)
    st, h, b = p.call("PUT", "/api/parent/v1/account/password",
                      {"current_password": "Nope12345", "new_password": "Newer4567"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq((e["fields"][0]["field"], e["fields"][0]["code"]),
         ("current_password", "wrong_current_password"), "a field code, as the spec says")
    s.eq(Parent(s, phone=p.phone).login()[0], 200)



def forged_token(s, account, gen, iat, seen, kind=b"p"):
    """A session token signed with the instance's own key (crypto/token.c's
    layout), to put a session at a chosen age without waiting for it."""
    return session_token(s.stack, account, gen, iat, seen, kind)


@test("a session unused for longer than the idle limit (30 min) has expired")
def _(s):
    import time
    p = signed_up(s)
    acc = p.call("GET", "/api/parent/v1/session")[2]["account"]["id"]
    gen = int(s.sql("SELECT session_gen FROM parent_account WHERE id = %d" % acc)[0][0])
    now = int(time.time())

    def whoami(tok):
        return s.http("GET", "/api/parent/v1/session", headers={"Cookie": "__Host-xj_parent=" + tok})
    st, h, b = whoami(forged_token(s, acc, gen, now - 100, now - 100))
    s.eq(st, 200, "a fresh forged token is accepted: the layout is right")
    # a margin of a minute: time(NULL) in the worker reads the kernel's
    # coarse clock, which may still show the previous second
    st, h, b = whoami(forged_token(s, acc, gen, now - 2000, now - 1860))
    s.error_body(b, "session_expired", 401, st)


@test("a session older than the absolute limit (12 h) has expired although in use")
def _(s):
    import time
    p = signed_up(s)
    acc = p.call("GET", "/api/parent/v1/session")[2]["account"]["id"]
    gen = int(s.sql("SELECT session_gen FROM parent_account WHERE id = %d" % acc)[0][0])
    now = int(time.time())
    tok = forged_token(s, acc, gen, now - 43260, now - 10)
    st, h, b = s.http("GET", "/api/parent/v1/session", headers={"Cookie": "__Host-xj_parent=" + tok})
    s.error_body(b, "session_expired", 401, st)


@test("an active session gets a fresh cookie now and then (sliding idle expiry)")
def _(s):
    import time
    p = signed_up(s)
    acc = p.call("GET", "/api/parent/v1/session")[2]["account"]["id"]
    gen = int(s.sql("SELECT session_gen FROM parent_account WHERE id = %d" % acc)[0][0])
    now = int(time.time())
    st, h, b = s.http("GET", "/api/parent/v1/session",
                      headers={"Cookie": "__Host-xj_parent=" + forged_token(s, acc, gen, now - 600, now - 300)})
    s.eq(st, 200)
    s.ok("__Host-xj_parent=v2." in h.get("set-cookie", ""), "renewed cookie: %r" % h.get("set-cookie"))

@test("a login with a hash of another cost re-hashes the password at today's cost, in the same transaction")
def _(s):
    p = signed_up(s)
    acc = p.call("GET", "/api/parent/v1/session")[2]["account"]["id"]
    old = scrypt_hash("Secret123", 11)
    s.sql("UPDATE parent_account SET pw_hash = '%s' WHERE id = %d" % (old, acc))
    s.eq(Parent(s, phone=p.phone).login()[0], 200, "the old hash still verifies")
    now = s.sql("SELECT pw_hash FROM parent_account WHERE id = %d" % acc)[0][0]
    s.ok(now != old and now.startswith("$scrypt$ln=10,r=8,p=1$"), "re-hashed at the stack's cost: %r" % now[:24])
    s.eq(Parent(s, phone=p.phone).login()[0], 200, "the new hash verifies")
    s.eq(Parent(s, phone=p.phone).login("Wrong1234")[0], 401)


run()
