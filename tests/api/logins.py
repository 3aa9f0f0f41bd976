"""Black-box: logins after the security review (issue 10, part D): attempts
reserved before hashing (M2), locked answers like unknown (M1c), staff
lockout per (account, client address) (M3), parent password-change
failures counted (L10), the staff password change, forced change, admin
reset and TOTP second factor (M10), xuejictl staff-create (L11).

This file's stack requires a second factor of city staff
([security] staff_totp_required = city, set through the environment
before the stack starts); the other kinds keep it optional. A second
client address is 127.0.0.2: Linux owns all of 127/8, and nginx passes
the connection's address on as REMOTE_ADDR."""
import base64
import hashlib
import hmac
import os
import pty
import select
import struct
import subprocess
import threading
import time

from parent import Parent, signed_up
from staff import DEMO_PASSWORD, SESSION, Staff, new_account, signed_in
from xjtest import run, test

os.environ["XUEJI_SECURITY_STAFF_TOTP_REQUIRED"] = "city"

PARENT_SESSION = "/api/parent/v1/session"
PASSWORD = "/api/school/v1/account/password"
ENROL = "/api/school/v1/account/second-factor"
CONFIRM = ENROL + "/confirmation"
ACCOUNTS = "/api/school/v1/accounts"
PARENT_MAX, STAFF_MAX = 5, 3          # [security] defaults (src/core/conf.c)
NEW_PW = "Kaixue2026new"
ATTACKER = "127.0.0.2"


def parallel(n, fn):
    """fn(i) in n threads released at once; the results in order."""
    out = [None] * n
    gate = threading.Barrier(n)

    def one(i):
        gate.wait()
        out[i] = fn(i)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def audits(s, action, target_id):
    return int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND target_id = '%s'"
                     % (action, target_id))[0][0])


def staff_id(s, login):
    return s.sql("SELECT id FROM staff_account WHERE login = '%s'" % login)[0][0]


def parent_id(s, phone_owner):
    st, h, b = phone_owner.call("GET", PARENT_SESSION)
    s.eq(st, 200, "parent session: %r" % (b,))
    return str(b["account"]["id"])


def staff_login_from(s, source, login, password, otp=None):
    body = {"login": login, "password": password}
    if otp is not None:
        body["otp"] = otp
    return s.http_from(source, "POST", SESSION, body)


def totp(secret_b32, step):
    """RFC 6238 with HMAC-SHA1, 6 digits (what an authenticator app shows)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[19] & 15
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff) % 1000000)


def now_step():
    return int(time.time()) // 30


def same_answer(s, a, b, what):
    """Two answers a client cannot tell apart: status, code, message, and
    no Retry-After."""
    (sa, ha, ba), (sb, hb, bb) = a, b
    s.eq((sa, ba.get("code"), ba.get("message")), (sb, bb.get("code"), bb.get("message")), what)
    s.ok("retry-after" not in ha and "retry-after" not in hb, "%s: no Retry-After" % what)


# ---- M2: reserved before hashing ------------------------------------------

@test("M2: 32 parallel wrong parent passwords count every evaluated one and evaluate at most the limit")
def _(s):
    p = signed_up(s)
    pid = parent_id(s, p)
    res = parallel(32, lambda i: Parent(s, phone=p.phone).login("Wrong%04d" % i))
    codes = [r[0] for r in res]
    s.ok(set(codes) <= {401, 503}, "answers: %r" % codes)
    # more than the limit got past the hashing pool (before M2 each of
    # them was evaluated); else this run proves nothing
    s.ok(codes.count(401) > PARENT_MAX, "401s: %d" % codes.count(401))
    failed = audits(s, "parent.login_failed", pid)
    locked = audits(s, "parent.login_locked", pid)
    s.ok(1 <= failed <= PARENT_MAX, "evaluated guesses %d, limit %d" % (failed, PARENT_MAX))
    s.eq(failed + locked, codes.count(401), "every 401 was counted (evaluated or refused locked)")
    n = int(s.sql("SELECT failed_logins FROM parent_account WHERE id = %s" % pid)[0][0])
    s.eq(n, failed, "failed_logins counts the evaluated guesses")
    if failed == PARENT_MAX:
        st, h, b = Parent(s, phone=p.phone).login()
        s.error_body(b, "invalid_credentials", 401, st)


@test("M2: 32 parallel wrong staff passwords from one address evaluate at most the limit")
def _(s):
    login = new_account(s, "110105.reviewer")
    sid = staff_id(s, login)
    res = parallel(32, lambda i: Staff(s, login).login("wrong-%d" % i))
    codes = [r[0] for r in res]
    s.ok(set(codes) <= {401, 503}, "answers: %r" % codes)
    s.ok(codes.count(401) > STAFF_MAX, "401s: %d" % codes.count(401))
    failed = audits(s, "staff.login_failed", sid)
    locked = audits(s, "staff.login_locked", sid)
    s.ok(1 <= failed <= STAFF_MAX, "evaluated guesses %d, limit %d" % (failed, STAFF_MAX))
    s.eq(failed + locked, codes.count(401), "every 401 was counted")
    n = int(s.sql("SELECT COALESCE(SUM(failed), 0) FROM staff_login_guard WHERE account_id = %s"
                  % sid)[0][0])
    s.eq(n, failed, "the guard row counts the evaluated guesses")


@test("M2: a correct password resets the count")
def _(s):
    p = signed_up(s)
    pid = parent_id(s, p)
    q = Parent(s, phone=p.phone)
    for i in range(PARENT_MAX - 1):
        s.eq(q.login("Wrong%04d" % i)[0], 401)
    s.eq(q.login()[0], 200)
    s.eq(s.sql("SELECT failed_logins FROM parent_account WHERE id = %s" % pid), [["0"]])
    for i in range(PARENT_MAX - 1):
        s.eq(q.login("Again%04d" % i)[0], 401)
    s.eq(q.login()[0], 200, "not locked: the count started again")


# ---- M1c: no existence oracle ------------------------------------------------

@test("M1c: a locked staff account answers exactly as an unknown login, even with the right password")
def _(s):
    login = new_account(s, "110108.admin")
    for i in range(STAFF_MAX):
        st, h, b = Staff(s, login).login("wrong-%d" % i)
        s.error_body(b, "invalid_credentials", 401, st)
    locked = Staff(s, login).login()
    unknown = Staff(s, "nobody.%d" % time.time_ns()).login()
    s.error_body(locked[2], "invalid_credentials", 401, locked[0])
    same_answer(s, locked, unknown, "locked vs unknown")
    s.eq(audits(s, "staff.login_locked", staff_id(s, login)), 1, "the refusal is audited")


@test("M1c: a locked parent account answers exactly as an unknown number")
def _(s):
    p = signed_up(s)
    q = Parent(s, phone=p.phone)
    for i in range(PARENT_MAX):
        s.eq(q.login("Wrong%04d" % i)[0], 401)
    locked = q.login()
    unknown = Parent(s).login("Secret123")
    s.error_body(locked[2], "invalid_credentials", 401, locked[0])
    same_answer(s, locked, unknown, "locked vs unknown")


# ---- M3: an attacker locks only himself -------------------------------------

@test("M3: the owner still signs in from another address while an attacker's address is locked")
def _(s):
    login = new_account(s, "110105.admin")
    for i in range(STAFF_MAX + 2):
        st, h, b = staff_login_from(s, ATTACKER, login, "guess-%d" % i)
        s.error_body(b, "invalid_credentials", 401, st)
    st, h, b = staff_login_from(s, ATTACKER, login, DEMO_PASSWORD)
    s.error_body(b, "invalid_credentials", 401, st)      # locked there, even for the right one
    rows = s.sql("SELECT client_key, failed, locked_until IS NOT NULL FROM staff_login_guard"
                 " WHERE account_id = %s" % staff_id(s, login))
    s.eq(rows, [[ATTACKER, str(STAFF_MAX), "1"]], "one locked row, the attacker's")
    st, h, b = Staff(s, login).login()                    # the owner, from 127.0.0.1
    s.eq(st, 200, "owner: %r" % (b,))
    st, h, b = staff_login_from(s, ATTACKER, login, DEMO_PASSWORD)
    s.error_body(b, "invalid_credentials", 401, st)      # the owner's success unlocked nothing


# ---- L10: the parent's current password is a counted guess -----------------

@test("L10: wrong current passwords of a parent's password change are counted and audited under the login lockout")
def _(s):
    p = signed_up(s)
    pid = parent_id(s, p)
    for i in range(PARENT_MAX):
        st, h, b = p.call("PUT", "/api/parent/v1/account/password",
                          {"current_password": "Wrong%04d" % i, "new_password": "Better1234"})
        e = s.error_body(b, "validation_failed", 422, st)
        s.eq([(f["field"], f["code"]) for f in e["fields"]], [("current_password", "wrong_current_password")])
    s.eq(audits(s, "parent.password_change_failed", pid), PARENT_MAX)
    st, h, b = p.call("PUT", "/api/parent/v1/account/password",
                      {"current_password": p.password, "new_password": "Better1234"})
    s.error_body(b, "account_locked", 403, st)
    st, h, b = Parent(s, phone=p.phone).login()
    s.error_body(b, "invalid_credentials", 401, st)      # the same lockout as logins


# ---- M10: password change, forced change, admin reset ------------------------

@test("M10: staff change their own password; the old one and other sessions stop working; audited")
def _(s):
    me = signed_in(s, "110105.reviewer")
    other = Staff(s, me.login_name)
    st, h, b = me.call("PUT", PASSWORD, {"current_password": "wrong-one-1", "new_password": NEW_PW})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("current_password", "wrong_current_password")])
    st, h, b = me.call("PUT", PASSWORD, {"current_password": DEMO_PASSWORD, "new_password": "short1"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("new_password", "weak_staff_password")])
    st, h, b = me.call("PUT", PASSWORD, {"current_password": DEMO_PASSWORD, "new_password": DEMO_PASSWORD + "1"})
    s.eq(st, 200, "change: %r" % (b,))
    s.eq(b["must_change_password"], False)
    s.eq(me.call("GET", SESSION)[0], 200, "this session goes on with its new cookie")
    s.eq(Staff(s, me.login_name).login()[0], 401, "the old password is refused")
    s.eq(other.login(DEMO_PASSWORD + "1")[0], 200)
    sid = staff_id(s, me.login_name)
    s.eq((audits(s, "staff.password_change", sid), audits(s, "staff.password_change_failed", sid)), (1, 1))


@test("M10: a new account must change its password before anything else (403 password_change_required)")
def _(s):
    admin = signed_in(s, "110105.admin")
    login = "t%d.newclerk" % (time.time_ns() % 10 ** 9)
    st, h, b = admin.call("POST", ACCOUNTS, {"org_kind": "school", "org_code": "1110500001",
                                             "login": login, "display_name": "新学籍员",
                                             "role": "clerk", "password": "Kaixue2026ok"})
    s.eq(st, 201, "create: %r" % (b,))
    clerk = Staff(s, login, "Kaixue2026ok")
    st, h, b = clerk.login()
    s.eq((st, b["must_change_password"]), (200, True), "first login: %r" % (b,))
    st, h, b = clerk.call("GET", "/api/school/v1/classes")
    s.error_body(b, "password_change_required", 403, st)
    s.eq(clerk.call("GET", SESSION)[0], 200, "who-am-I answers")
    st, h, b = clerk.call("PUT", PASSWORD, {"current_password": "Kaixue2026ok", "new_password": "Kaixue2026ok"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("new_password", "same_password")])
    st, h, b = clerk.call("PUT", PASSWORD, {"current_password": "Kaixue2026ok", "new_password": NEW_PW})
    s.eq((st, b.get("must_change_password")), (200, False), "change: %r" % (b,))
    s.eq(clerk.call("GET", "/api/school/v1/classes")[0], 200, "the portal opens")


@test("M10: an administrator resets another account's password: audited, forced change, sessions end; 404 outside the scope")
def _(s):
    admin = signed_in(s, "110105.admin")
    victim = signed_in(s, "1110500001.clerk")
    reset = "%s/%s/password-reset" % (ACCOUNTS, victim.login_name)
    st, h, b = admin.call("POST", reset, {"new_password": "short"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("new_password", "weak_staff_password")])
    st, h, b = admin.call("POST", reset, {"new_password": "Reset2026abc"})
    s.eq((st, b.get("must_change_password")), (200, True), "reset: %r" % (b,))
    s.eq(victim.call("GET", SESSION)[0], 401, "the live session ended")
    fresh = Staff(s, victim.login_name, "Reset2026abc")
    st, h, b = fresh.login()
    s.eq((st, b["must_change_password"]), (200, True))
    st, h, b = fresh.call("GET", "/api/school/v1/classes")
    s.error_body(b, "password_change_required", 403, st)
    s.eq(int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.password_reset'"
                   " AND target_id = '%s' AND actor_role = 'admin'" % victim.login_name)[0][0]), 1)
    # outside the scope, and oneself
    other = new_account(s, "1110800001.clerk")
    st, h, b = admin.call("POST", "%s/%s/password-reset" % (ACCOUNTS, other), {"new_password": "Reset2026abc"})
    s.error_body(b, "not_found", 404, st)
    st, h, b = admin.call("POST", "%s/%s/password-reset" % (ACCOUNTS, admin.login_name),
                          {"new_password": "Reset2026abc"})
    s.error_body(b, "conflict", 409, st)
    st, h, b = victim.call("POST", reset, {"new_password": "Reset2026abc"})
    s.ok(st in (401, 403), "a clerk cannot reset: %r" % st)


# ---- M10: TOTP ---------------------------------------------------------------

def enrol(s, who):
    st, h, b = who.call("POST", ENROL)
    s.eq(st, 201, "enrol: %r" % (b,))
    s.ok(b["otpauth_uri"].startswith("otpauth://totp/Xueji:%s?secret=%s&" % (who.login_name, b["secret"])),
         b["otpauth_uri"])
    return b["secret"]


@test("M10: TOTP enrolment, confirmation and login; a replayed code is refused; the secret is encrypted at rest")
def _(s):
    me = signed_in(s, "110106.reviewer")
    secret = enrol(s, me)
    ct = s.sql("SELECT HEX(totp_secret_ct), totp_enabled FROM staff_account WHERE login = '%s'"
               % me.login_name)[0]
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex().upper()
    s.ok(raw not in ct[0] and ct[1] == "0", "pending, encrypted: %r" % ct)
    st, h, b = me.call("POST", CONFIRM, {"code": "000000" if totp(secret, now_step()) != "000000" else "111111"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("code", "wrong_otp")])
    step = now_step()
    st, h, b = me.call("POST", CONFIRM, {"code": totp(secret, step)})
    s.eq((st, b.get("second_factor", {}).get("enrolled")), (200, True), "confirm: %r" % (b,))
    st, h, b = me.call("POST", ENROL)
    s.error_body(b, "second_factor_enrolled", 409, st)
    # the password alone no longer signs in
    st, h, b = Staff(s, me.login_name).login()
    s.error_body(b, "otp_required", 401, st)
    # the confirmation's code was used: refused at login (a replay)
    st, h, b = staff_login_from(s, None, me.login_name, DEMO_PASSWORD, totp(secret, step))
    s.error_body(b, "otp_invalid", 401, st)
    # the next step's code (within ±1) signs in once, not twice
    code = totp(secret, step + 1)
    st, h, b = staff_login_from(s, None, me.login_name, DEMO_PASSWORD, code)
    s.eq(st, 200, "login with the code: %r" % (b,))
    st, h, b = staff_login_from(s, None, me.login_name, DEMO_PASSWORD, code)
    s.error_body(b, "otp_invalid", 401, st)
    sid = staff_id(s, me.login_name)
    s.eq(audits(s, "staff.login_otp_failed", sid), 2)


@test("M10: a province requires TOTP of city staff: until enrolled the session may only enrol")
def _(s):
    me = signed_in(s, "bj.city.admin")
    st, h, b = me.call("GET", SESSION)
    s.eq(b["second_factor"], {"enrolled": False, "required": True})
    st, h, b = me.call("GET", "/api/school/v1/statistics")
    s.error_body(b, "second_factor_enrolment_required", 403, st)
    secret = enrol(s, me)
    st, h, b = me.call("POST", CONFIRM, {"code": totp(secret, now_step())})
    s.eq(st, 200, "confirm: %r" % (b,))
    s.eq(me.call("GET", "/api/school/v1/statistics")[0], 200, "the portal opens")
    county = signed_in(s, "110105.admin")
    st, h, b = county.call("GET", SESSION)
    s.eq(b["second_factor"], {"enrolled": False, "required": False}, "a county's staff: optional")


@test("M3: nginx (dev.conf.in as production) rate-limits staff sign-in per address; 127.0.0.1 is exempt")
def _(s):
    body = {"login": "nobody.%d" % time.time_ns(), "password": "x"}
    other = [s.http_from(ATTACKER, "POST", SESSION, body)[0] for _ in range(16)]
    s.ok(429 in other and set(other) <= {401, 429}, "from %s: %r" % (ATTACKER, other))
    local = [s.http("POST", SESSION, body)[0] for _ in range(16)]
    s.ok(429 not in local, "from 127.0.0.1: %r" % local)


@test("M3: xuejictl jobs purges lockout rows untouched for a day, never a locked one")
def _(s):
    sid = staff_id(s, new_account(s, "110101.reviewer"))
    s.sql("INSERT INTO staff_login_guard (account_id, client_key, failed, locked_until, updated_at) VALUES"
          " (%s, '192.0.2.1', 1, NULL, UTC_TIMESTAMP() - INTERVAL 2 DAY),"
          " (%s, '192.0.2.2', 3, UTC_TIMESTAMP() + INTERVAL 1 HOUR, UTC_TIMESTAMP() - INTERVAL 2 DAY),"
          " (%s, '192.0.2.3', 1, NULL, UTC_TIMESTAMP())" % (sid, sid, sid))
    r = ctl(s, "jobs", "--once", "staff-login-guard-purge")
    s.eq(r.returncode, 0, r.stderr)
    s.eq(s.sql("SELECT client_key FROM staff_login_guard WHERE account_id = %s ORDER BY client_key" % sid),
         [["192.0.2.2"], ["192.0.2.3"]])


# ---- L11: xuejictl staff-create ----------------------------------------------

def ctl(s, *args, pass_fds=(), stdin=subprocess.DEVNULL):
    return subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file] + list(args),
                          capture_output=True, text=True, pass_fds=pass_fds, stdin=stdin,
                          env=dict(os.environ), start_new_session=True)


@test("L11: xuejictl staff-create reads the password from a pipe, never an argument; forced change at first login; audited")
def _(s):
    login = "t%d.firstadmin" % (time.time_ns() % 10 ** 9)
    rfd, wfd = os.pipe()
    os.write(wfd, b"Bootstrap2026x\n")
    os.close(wfd)
    try:
        r = ctl(s, "staff-create", "--org", "110000", "--login", login, "--name", "省级管理员",
                "--role", "admin", "--password-fd", str(rfd), pass_fds=(rfd,))
    finally:
        os.close(rfd)
    s.eq(r.returncode, 0, "staff-create: %s %s" % (r.stdout, r.stderr))
    s.ok("Bootstrap2026x" not in r.stdout + r.stderr, "the password is not echoed")
    s.eq(s.sql("SELECT role, must_change_pw FROM staff_account WHERE login = '%s'" % login), [["admin", "1"]])
    s.eq(int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.create' AND target_id = '%s'"
                   " AND actor_type = 'system'" % login)[0][0]), 1)
    me = Staff(s, login, "Bootstrap2026x")
    st, h, b = me.login()
    s.eq((st, b["must_change_password"]), (200, True))
    st, h, b = me.call("GET", "/api/school/v1/statistics")
    s.error_body(b, "password_change_required", 403, st)
    st, h, b = me.call("PUT", PASSWORD, {"current_password": "Bootstrap2026x", "new_password": NEW_PW})
    s.eq(st, 200, "change: %r" % (b,))
    s.eq(me.call("GET", "/api/school/v1/statistics")[0], 200)
    # no terminal and no descriptor: refused; a weak password: refused; a taken login: refused
    r = ctl(s, "staff-create", "--org", "110000", "--login", login + "x", "--name", "x")
    s.ok(r.returncode != 0 and "--password-fd" in r.stderr, r.stderr)
    rfd, wfd = os.pipe()
    os.write(wfd, b"weak\n")
    os.close(wfd)
    r = ctl(s, "staff-create", "--org", "110000", "--login", login + "y", "--name", "x",
            "--password-fd", str(rfd), pass_fds=(rfd,))
    os.close(rfd)
    s.ok(r.returncode != 0 and "10 characters" in r.stderr, r.stderr)
    r = ctl(s, "staff-create", "--org", "110000", "--login", login, "--name", "x", "--password", "x")
    s.eq(r.returncode, 2, "no --password option: %s" % r.stderr)


def on_terminal(argv, answers, timeout=20):
    """Run argv with a pseudo-terminal as its controlling terminal, type
    each answer after its prompt; (exit status, everything the terminal
    showed)."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    shown, pending, end = b"", list(answers), time.time() + timeout
    try:
        while time.time() < end:
            if pending and shown.rstrip().endswith(pending[0][0].encode()):
                os.write(fd, pending.pop(0)[1].encode() + b"\n")
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(fd, 1024)
                except OSError:
                    break
                if not data:
                    break
                shown += data
    finally:
        # a child still waiting for input when time is up is killed: the
        # test then fails instead of hanging
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, 9)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")


@test("L11: xuejictl staff-create reads the password from the terminal without echo, typed twice")
def _(s):
    login = "t%d.ttyadmin" % (time.time_ns() % 10 ** 9)
    argv = [s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "staff-create", "--org", "110100",
            "--login", login, "--name", "市级管理员"]
    code, shown = on_terminal(argv, [("Password for %s:" % login, "Terminal2026pw"),
                                     ("Again:", "Terminal2026pw")])
    s.eq(code, 0, "staff-create on a terminal: %r" % shown)
    s.ok("Terminal2026pw" not in shown, "the password is not echoed: %r" % shown)
    s.eq(s.sql("SELECT must_change_pw FROM staff_account WHERE login = '%s'" % login), [["1"]])
    s.eq(Staff(s, login, "Terminal2026pw").login()[0], 200)
    code, shown = on_terminal(argv[:-4] + ["--login", login + "z", "--name", "x"],
                              [("Password for %s:" % (login + "z"), "Terminal2026pw"),
                               ("Again:", "Terminal2026px")])
    s.ok(code != 0 and "differ" in shown, "two different passwords: %r" % shown)


# enough hashing slots in flight (3 workers x 4) that the pre-M2 code
# evaluated more guesses than the limit
run(workers=3, threads=12)
