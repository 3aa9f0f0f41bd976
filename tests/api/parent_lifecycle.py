"""Black-box: after a registration is made (issue 3 §4-5, R-COL-4/5):
correct inside the window (identity verification starts over), cancel
and register again elsewhere, the status in plain words, and the
district-change request after the window."""
import time

from parent import new_child, prereg_with_check, reg_body, signed_up
from xjtest import test, run

YEAR = time.gmtime(time.time() + 8 * 3600).tm_year


def registered(s, p=None, **kw):
    p = p or signed_up(s)
    child = new_child()
    st, h, b = p.register(reg_body(child, **kw))
    s.eq(st, 201, b)
    return p, child, b["prereg_no"]


def set_state(s, no, state, cert="none"):
    # the PSB and school steps are tested in psb.py and certificates.py;
    # here only the parent's side of a state matters
    s.sql("UPDATE registration SET state = '%s', cert_state = '%s' WHERE prereg_no = '%s'"
          % (state, cert, no))


def close_window(s, county):
    s.stack.xuejictl("window-set", "--year", str(YEAR), "--division", county,
                     "--opens", "%d-05-07 00:00" % (YEAR - 1), "--closes", "%d-06-01 00:00" % (YEAR - 1))


def open_window(s, county):
    s.sql("DELETE FROM collection_window WHERE division_code = '%s'" % county)


@test("R-COL-4/5 a correction inside the window re-triggers identity verification")
def _(s):
    p, child, no = registered(s)
    body = reg_body(child, child_current_address="北京市朝阳区光华路5号")
    st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no, body)
    s.eq(st, 200, b)
    s.eq(b["child"]["current_address"], "北京市朝阳区光华路5号")
    s.eq(b["state"], "submitted")
    rid = s.sql("SELECT id, version FROM registration WHERE prereg_no = '%s'" % no)[0]
    s.eq(rid[1], "2", "version bumped")
    reqs = s.sql("SELECT reg_version, state FROM psb_request WHERE registration_id = %s ORDER BY id" % rid[0])
    s.eq(reqs, [["1", "superseded"], ["2", "pending"]])
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.correct'"
               " AND target_id = '%s'" % no)[0][0], "1")


@test("R-COL-5 a registration sent back after a PSB mismatch can be corrected")
def _(s):
    p, child, no = registered(s)
    set_state(s, no, "id_mismatch")
    st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no, reg_body(child))
    s.eq(st, 200, b)
    s.eq(b["state"], "submitted")


@test("correcting the ID number to one of a child registered elsewhere is refused with 409")
def _(s):
    a, other, _ = registered(s)
    p, child, no = registered(s)
    body = reg_body(other)
    st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no, body)
    s.error_body(b, "duplicate_child", 409, st)
    s.eq(p.call("GET", "/api/parent/v1/registrations/" + no)[2]["child"]["name"], child.name,
         "unchanged")


@test("a correction after identity was verified is refused with invalid_transition")
def _(s):
    p, child, no = registered(s)
    set_state(s, no, "printable")
    st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no, reg_body(child))
    s.error_body(b, "invalid_transition", 409, st)


@test("a correction cannot move the registration to another district")
def _(s):
    p, child, no = registered(s)
    st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no, reg_body(child, district="110108"))
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(e["fields"][0]["field"], "district")


@test("R-COL-4 cancel inside the window frees the child to register in another district")
def _(s):
    p, child, no = registered(s)
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % no)
    s.eq(st, 200, b)
    s.eq(b["state"], "cancelled")
    s.eq(s.sql("SELECT r.state FROM psb_request r JOIN registration g ON g.id = r.registration_id"
               " WHERE g.prereg_no = '%s'" % no), [["superseded"]])
    st, h, b = p.register(reg_body(child, district="110108"))
    s.eq(st, 201, b)
    s.eq(b["district"]["code"], "110108")


@test("R-COL-4 cancel is refused once a school accepted the child")
def _(s):
    p, child, no = registered(s)
    set_state(s, no, "school_accepted")
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % no)
    s.error_body(b, "registration_accepted", 409, st)


@test("R-COL-1 cancel and correct are refused outside the window")
def _(s):
    p, child, no = registered(s, district="110106", hukou="110106000000")
    close_window(s, "110106")
    try:
        st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % no)
        s.error_body(b, "collection_window_closed", 403, st)
        st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no,
                          reg_body(child, district="110106", hukou="110106000000"))
        s.error_body(b, "collection_window_closed", 403, st)
    finally:
        open_window(s, "110106")


@test("status says where the registration stands, in words, with the time of each step")
def _(s):
    p, child, no = registered(s)
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)
    s.eq(st, 200)
    s.eq(b["state"], "submitted")
    s.ok("公安" in b["state_text"]["zh"], b["state_text"])
    steps = {x["step"]: x for x in b["steps"]}
    s.eq(steps["registered"]["status"], "done")
    s.ok(steps["registered"]["at"].endswith("+08:00"), steps["registered"])
    s.eq(steps["identity_verified"]["status"], "current")
    s.eq(steps["form_printable"]["status"], "pending")
    s.ok("certificates_approved" not in steps, "local family: no certificate step")
    s.eq([x["event"] for x in b["history"]], ["registered"])
    s.eq(b["history"][0]["zh"], "提交登记")


@test("status of a non-local family shows the five-certificate step")
def _(s):
    p, child, no = registered(s, hukou="440305000000")
    b = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)[2]
    s.ok("certificates_approved" in [x["step"] for x in b["steps"]], b["steps"])


@test("status of another family's registration answers 404")
def _(s):
    p, child, no = registered(s)
    st, h, b = signed_up(s).call("GET", "/api/parent/v1/registrations/%s/status" % no)
    s.error_body(b, "not_found", 404, st)


@test("status confirms the session in its own query: after logout or a password change the old cookie gets 401")
def _(s):
    p, child, no = registered(s)
    path = "/api/parent/v1/registrations/%s/status" % no
    old = p.cookie
    s.eq(p.call("GET", path)[0], 200)
    st, h, b = p.call("PUT", "/api/parent/v1/account/password",
                      {"current_password": "Secret123", "new_password": "Newer4567"})
    s.eq(st, 200, b)
    p.cookie, kept = old, p.cookie
    st, h, b = p.call("GET", path)
    s.error_body(b, "session_expired", 401, st)
    p.cookie = kept
    s.eq(p.call("GET", path)[0], 200, "the session that changed the password lives on")
    before_logout = p.cookie
    s.eq(p.call("DELETE", "/api/parent/v1/session")[0], 204)
    p.cookie = before_logout
    st, h, b = p.call("GET", path)
    s.error_body(b, "session_expired", 401, st)


@test("status of a malformed number is 422 and of an unknown valid one 404, asked the same way")
def _(s):
    p, child, no = registered(s)
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/status" % no[:-1])
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(e["fields"][0]["field"], "prereg_no")
    s.eq(prereg_with_check(no), no, "the helper agrees with the server")
    other = prereg_with_check(no[:8] + "%07d" % ((int(no[8:15]) + 1) % 10_000_000))
    s.eq(s.sql("SELECT COUNT(*) FROM registration WHERE prereg_no = '%s'" % other)[0][0], "0")
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/status" % other)
    s.error_body(b, "not_found", 404, st)


@test("R-COL-4 after the window a change of district becomes a request the districts decide")
def _(s):
    p, child, no = registered(s, district="110107", hukou="110107000000")
    close_window(s, "110107")
    try:
        st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/district-change" % no,
                          {"district": "110108", "reason": "搬家到海淀区"})
        s.eq(st, 201, b)
        s.eq([(i["from_district"], i["to_district"], i["state"]) for i in b["items"]],
             [("110107", "110108", "requested")])
        st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/district-change" % no,
                          {"district": "110105", "reason": "again"})
        s.error_body(b, "district_change_pending", 409, st)
        st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/district-change" % no)
        s.eq(len(b["items"]), 1)
        hist = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)[2]["history"]
        s.eq(hist[-1]["event"], "district_change_requested")
    finally:
        open_window(s, "110107")


@test("inside the window a change of district is refused: cancel and register instead")
def _(s):
    p, child, no = registered(s)
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/district-change" % no,
                      {"district": "110108", "reason": "x"})
    s.error_body(b, "cancel_instead", 409, st)


@test("R-COL-4 no change of district once a school accepted the child")
def _(s):
    p, child, no = registered(s, district="110109", hukou="110109000000")
    set_state(s, no, "school_accepted")
    close_window(s, "110109")
    try:
        st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/district-change" % no,
                          {"district": "110108", "reason": "x"})
        s.error_body(b, "registration_accepted", 409, st)
    finally:
        open_window(s, "110109")


run()
