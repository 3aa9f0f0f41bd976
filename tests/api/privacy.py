"""Black-box: privacy (PIPL; review findings M12 and L2, docs/privacy.md):
the published privacy notice and the version a registration records,
retention (xuejictl retention run, the job retention-purge), a parent's
account deletion, and nginx logs that hold route patterns, not numbers."""
import datetime
import os
import re
import subprocess

from parent import Parent, new_child, reg_body, signed_up
from staff import signed_in
from xjtest import run, test

NOTICE = "/api/ref/v1/privacy-notice"


def ctl(s, *args):
    return subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file] + list(args),
                          capture_output=True, text=True)


def q1(s, sql):
    return s.sql(sql)[0][0]


def reg_id(s, no):
    return q1(s, "SELECT id FROM registration WHERE prereg_no = '%s'" % no)


def leftovers(s, rid):
    """Rows that still hang off registration id `rid`, per table."""
    out = {}
    for t, col in (("registration", "id"), ("registration_guardian", "registration_id"),
                   ("child_claim", "registration_id"), ("registration_event", "registration_id"),
                   ("psb_request", "registration_id"), ("cert_review", "registration_id")):
        n = int(q1(s, "SELECT COUNT(*) FROM %s WHERE %s = %s" % (t, col, rid)))
        if n:
            out[t] = n
    return out


@test("M12: the privacy notice in force is published with its version and text")
def _(s):
    st, h, b = s.http("GET", NOTICE)
    s.eq(st, 200, b)
    s.eq(b["version"], 1)
    s.ok("个人信息" in b["text"]["zh"] and "privacy" in b["text"]["en"].lower(), b["text"])
    s.ok(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", b["published_at"]), b["published_at"])


@test("M12: a registration records the notice version accepted; none or an outdated one is refused")
def _(s):
    p = signed_up(s)
    body = reg_body(new_child())
    del body["privacy_notice_version"]
    st, h, b = p.register(body)
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("privacy_notice_version", "required")])
    st, h, b = p.register(reg_body(new_child(), privacy_notice_version=7))
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]],
         [("privacy_notice_version", "privacy_notice_outdated")])
    st, h, b = p.register(reg_body(new_child()))
    s.eq(st, 201, b)
    s.eq(q1(s, "SELECT privacy_notice_version FROM registration WHERE prereg_no = '%s'"
            % b["prereg_no"]), "1")
    # a new version published: from now on the old one is outdated
    s.sql("INSERT INTO privacy_notice VALUES (2, UTC_TIMESTAMP(6), '第2版', 'version 2')")
    try:
        s.eq(s.http("GET", NOTICE)[2]["version"], 2)
        st, h, b = p.register(reg_body(new_child()))
        e = s.error_body(b, "validation_failed", 422, st)
        s.eq(e["fields"][0]["code"], "privacy_notice_outdated")
        st, h, b = p.register(reg_body(new_child(), privacy_notice_version=2))
        s.eq(st, 201, b)
        s.eq(q1(s, "SELECT privacy_notice_version FROM registration WHERE prereg_no = '%s'"
                % b["prereg_no"]), "2")
    finally:
        s.sql("DELETE FROM privacy_notice WHERE version = 2")


def old_registrations(s, n, key=None):
    """n registrations moved back two school years (stand-in for time
    passing: their school year began more than [privacy] retention_months
    ago); the first made with an Idempotency-Key when key is given."""
    p = signed_up(s)
    nos = []
    for i in range(n):
        st, h, b = p.register(reg_body(new_child()),
                              headers={"Idempotency-Key": key} if key and i == 0 else None)
        s.eq(st, 201, b)
        nos.append(b["prereg_no"])
    year = datetime.date.today().year - 2
    s.sql("UPDATE registration SET year = %d WHERE prereg_no IN (%s)"
          % (year, ", ".join("'%s'" % no for no in nos)))
    return p, nos


@test("M12: retention deletes non-admitted registrations of past school years with guardians, answers and history, audited")
def _(s):
    p, nos = old_registrations(s, 2, key="retention-key-1")
    _, kept_admitted = old_registrations(s, 1)
    s.sql("UPDATE registration SET state = 'admitted' WHERE prereg_no = '%s'" % kept_admitted[0])
    current = signed_up(s).register(reg_body(new_child()))[2]["prereg_no"]
    ids = [reg_id(s, no) for no in nos]
    s.eq(q1(s, "SELECT COUNT(*) FROM idempotency_key WHERE owner_id = "
               "(SELECT parent_id FROM registration WHERE id = %s)" % ids[0]), "1", "stored answer")
    owner = q1(s, "SELECT parent_id FROM registration WHERE id = %s" % ids[0])
    r = ctl(s, "retention", "run")
    s.eq(r.returncode, 0, r.stderr)
    s.ok("deleted" in r.stdout, r.stdout)
    for rid in ids:
        s.eq(leftovers(s, rid), {}, "rows left of registration %s" % rid)
    s.eq(q1(s, "SELECT COUNT(*) FROM idempotency_key WHERE owner_id = %s" % owner), "0",
         "the stored answer is gone")
    for no in nos:
        s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'registration.purge'"
                   " AND target_id = '%s' AND actor_type = 'system'" % no), "1", "audited")
    s.ok(reg_id(s, kept_admitted[0]), "an admitted registration stays")
    s.ok(reg_id(s, current), "this school year's registration stays")
    # the family sees its registrations gone, not an error
    s.eq(p.call("GET", "/api/parent/v1/registrations")[2]["items"], [])


@test("M12: the jobs runner's retention-purge does the same in bounded batches; --months is checked")
def _(s):
    _, nos = old_registrations(s, 3)
    r = ctl(s, "jobs", "--once", "retention-purge")
    s.eq(r.returncode, 0, r.stderr)
    s.ok(re.search(r"job retention-purge: [1-9]\d* done", r.stdout), r.stdout)
    for no in nos:
        s.eq(s.sql("SELECT id FROM registration WHERE prereg_no = '%s'" % no), [], no)
    r = ctl(s, "jobs", "--list")
    s.ok("retention-purge" in r.stdout, r.stdout)
    r = ctl(s, "retention", "run", "--months", "many")
    s.eq(r.returncode, 2, r.stderr)
    r = ctl(s, "retention", "nothing")
    s.eq(r.returncode, 2, r.stderr)


@test("M12: a parent deletes the account once nothing live depends on it; a live registration refuses it (409)")
def _(s):
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child()))
    s.eq(st, 201, b)
    no = b["prereg_no"]
    rid = reg_id(s, no)
    account = q1(s, "SELECT parent_id FROM registration WHERE id = %s" % rid)
    st, h, b = p.call("DELETE", "/api/parent/v1/account")
    s.error_body(b, "account_in_use", 409, st)
    s.eq(q1(s, "SELECT COUNT(*) FROM parent_account WHERE id = %s" % account), "1")
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % no)
    s.eq(st, 200, b)
    st, h, b = p.call("DELETE", "/api/parent/v1/account", csrf=False)
    s.error_body(b, "csrf_token_invalid", 403, st)
    st, h, b = p.call("DELETE", "/api/parent/v1/account")
    s.eq(st, 204, b)
    s.eq(q1(s, "SELECT COUNT(*) FROM parent_account WHERE id = %s" % account), "0")
    s.eq(leftovers(s, rid), {}, "the cancelled registration is gone with the account")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'parent.delete'"
               " AND target_id = '%s'" % account), "1", "audited")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'registration.erase'"
               " AND target_id = '%s'" % no), "1", "the erased registration is audited")
    s.eq(p.call("GET", "/api/parent/v1/session")[0], 401, "the session is over")
    again = Parent(s, phone=p.phone)
    st, h, b = again.call("POST", "/api/parent/v1/session",
                          {"phone": p.phone, "password": p.password})
    s.error_body(b, "invalid_credentials", 401, st)
    code = again.code("signup")     # a new sign-up proves the phone again (H1)
    st, h, b = again.call("POST", "/api/parent/v1/accounts",
                          {"phone": p.phone, "code": code, "password": p.password})
    s.eq(st, 201, "the phone may sign up again: %r" % (b,))


@test("L2: nginx logs hold route patterns, not pre-registration numbers, ids, logins or query strings")
def _(s):
    p = signed_up(s)
    no = p.register(reg_body(new_child()))[2]["prereg_no"]
    p.call("GET", "/api/parent/v1/registrations/%s" % no)
    p.call("GET", "/api/parent/v1/registrations/%s/form" % no)
    clerk = signed_in(s, "1110500001.clerk")
    clerk.call("GET", "/api/school/v1/applicants/%s" % no)
    clerk.call("GET", "/api/school/v1/students/918273645")
    clerk.call("GET", "/api/school/v1/students?name=%E7%8E%8B&student_no=G110105201801011234")
    clerk.call("POST", "/api/school/v1/accounts/%s/disable" % "1110500001.someone")
    s.http("GET", "/nothing/110105201801011234")

    def logged():
        with open(s.stack.path("log", "nginx-access.log"), encoding="utf-8") as f:
            return f.read()
    # nginx writes a request's line after its answer: wait for the last one
    s.wait_until(lambda: '"{redacted}"' in logged(), 10, "the last request's access line")
    access = logged()
    with open(s.stack.path("log", "nginx-error.log"), encoding="utf-8") as f:
        error = f.read()
    for secret in (no, "918273645", "110105201801011234", "1110500001.someone",
                   "1110500001.clerk", "student_no="):
        s.ok(secret not in access, "%r in the access log" % secret)
        s.ok(secret not in error, "%r in the error log" % secret)
    for pattern in ("/api/parent/v1/registrations/{id}", "/api/parent/v1/registrations/{id}/form",
                    "/api/school/v1/applicants/{id}", "/api/school/v1/students/{id}",
                    "/api/school/v1/accounts/{login}/disable", "{redacted}"):
        s.ok('"%s"' % pattern in access, "%s logged" % pattern)


run()
