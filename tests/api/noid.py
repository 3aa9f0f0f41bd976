"""Black-box: the district's check of a no-ID certificate (R-COL-7) through
nginx. A child registered with document type Z ("其他") and no number
gets no public-security request (R-COL-5); the county bureau of its
district finds it in its queue and approves (noid_verified: the
consequences of psb_match) or rejects with a reason (noid_rejected: back
to the parent like a PSB mismatch). The parent's status names the
district's check; an approved local child's form is printable and a
school can tick it. Scope (R-ORG-3): another county gets 404, schools
and clerks 403; a registration not waiting for this check is 409
invalid_transition, and nothing changes."""
import re

from parent import new_child, reg_body, signed_up
from staff import signed_in
from xjtest import run, test

QUEUE = "/api/school/v1/no-id-reviews"
CHAOYANG, HAIDIAN = "110105", "110108"
CY1 = "1110500001"                    # a Chaoyang school (src/ctl/seed.c)
NONLOCAL_HUKOU = "440305000000"       # 深圳市南山区
GUARDIAN_ID = "11010519491231002X"    # GB 11643's example (R-REC-11: required without a child's ID)


def z_body(child=None, district=CHAOYANG, hukou=None, **over):
    b = reg_body(child or new_child(), district=district,
                 hukou=hukou or district + "000000", child_id_doc_type="Z", **over)
    del b["child"]["id_number"]
    b["guardians"][0].update({"id_doc_type": "1", "id_number": GUARDIAN_ID})
    return b


def z_reg(s, district=CHAOYANG, hukou=None):
    """(parent, prereg_no, child, body) of a new type-Z registration."""
    child = new_child()
    p = signed_up(s)
    body = z_body(child, district=district, hukou=hukou)
    st, h, b = p.register(body)
    s.eq(st, 201, "registration: %r" % (b,))
    s.eq(b["state"], "submitted")
    return p, b["prereg_no"], child, body


def queued(staff, no):
    """The queue item of registration no, walking every page; None if absent."""
    after = None
    for _ in range(100):
        st, h, b = staff.call("GET", QUEUE + "?limit=100" + ("&after=" + after if after else ""))
        assert st == 200, (st, b)
        for it in b["items"]:
            if it["prereg_no"] == no:
                return it
        after = b["next_after"]
        if after is None:
            return None
    return None


def decide(staff, no, body):
    return staff.call("POST", "%s/%s/decision" % (QUEUE, no), body)


def status(s, p, no):
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)
    s.eq(st, 200, "status: %r" % (b,))
    return b


def step(b, name):
    return [x for x in b["steps"] if x["step"] == name][0]


def reg_row(s, no):
    return s.sql("SELECT state, cert_state, version FROM registration WHERE prereg_no = '%s'" % no)[0]


def counts(s, no):
    """(history events, audit entries of no-ID decisions) of registration no."""
    ev = s.sql("SELECT COUNT(*) FROM registration_event e JOIN registration r"
               " ON r.id = e.registration_id WHERE r.prereg_no = '%s'" % no)[0][0]
    au = s.sql("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'noid.%%' AND target_id = '%s'" % no)[0][0]
    return ev, au


def psb_requests(s, no):
    return s.sql("SELECT q.state FROM psb_request q JOIN registration r ON r.id = q.registration_id"
                 " WHERE r.prereg_no = '%s' ORDER BY q.id" % no)


# ---- the whole way ---------------------------------------------------------------

@test("R-COL-7 a type-Z child is verified by the district's check of its no-ID certificate: printable, then ticked")
def _(s):
    p, no, child, body = z_reg(s)
    s.eq(psb_requests(s, no), [], "no PSB request for a child without a number")
    county = signed_in(s, CHAOYANG + ".reviewer")
    it = queued(county, no)
    s.ok(it is not None, "in the county's queue")
    s.eq((it["child"]["name"], it["child"]["birth_date"], it["child"]["id_doc_type"]),
         (child.name, child.birth_date, "Z"))
    s.eq((it["district"]["code"], it["local_family"], it["cert_state"], it["version"]),
         (CHAOYANG, True, "none", 1))
    s.ok(it["registered_at"].endswith("+08:00"), it["registered_at"])
    st, h, b = decide(county, no, {"decision": "approve", "version": 1})
    s.eq(st, 200, "approve: %r" % (b,))
    s.eq((b["decision"], b["event"], b["state"], b["cert_state"], b["reason"]),
         ("approve", "noid_verified", "printable", "none", None))
    s.eq(reg_row(s, no), ["printable", "none", "1"])
    s.ok(queued(county, no) is None, "decided: out of the queue")
    # one event and one audit entry, with the reviewer
    s.eq(s.sql("SELECT e.event, e.state FROM registration_event e JOIN registration r ON r.id ="
               " e.registration_id WHERE r.prereg_no = '%s' ORDER BY e.id" % no),
         [["registered", "submitted"], ["noid_verified", "printable"]])
    s.eq(s.sql("SELECT actor_type, actor_role, target_type FROM audit_log WHERE action = 'noid.approve'"
               " AND target_id = '%s'" % no), [["staff", "reviewer", "registration"]])
    # the parent's words
    b = status(s, p, no)
    s.eq(b["state"], "printable")
    idv = step(b, "identity_verified")
    s.eq((idv["status"], idv["zh"], idv["en"]),
         ("done", "区教委核验无身份证明", "no-ID certificate checked by the district"))
    s.ok(idv["at"] and idv["at"].endswith("+08:00"), "verified at: %r" % (idv,))
    s.eq(step(b, "form_printable")["status"], "done")
    h_ = [e for e in b["history"] if e["event"] == "noid_verified"]
    s.eq((len(h_), h_[0]["zh"], h_[0]["en"]),
         (1, "区教委核验无身份证明通过", "the district verified the no-ID certificate"))
    # the printable form, then a school of the district ticks the child
    st, h, page = p.call("GET", "/api/parent/v1/registrations/%s/form" % no)
    s.eq(st, 200, "form: %r" % (page,))
    clerk = signed_in(s, CY1 + ".clerk")
    # no identity number to present: the school the family did not choose
    # opens the child with the printed form's token (review M5)
    token = re.search(r'id="form-token">[^<：]*：([0-9A-Z-]+)<', page).group(1)
    st, h, b = clerk.call("POST", "/api/school/v1/applicants/%s/tick" % no,
                          headers={"X-Form-Token": token})
    s.eq(st, 200, "tick: %r" % (b,))
    s.eq(reg_row(s, no)[0], "school_accepted")


@test("R-COL-7 while waiting, the parent reads that the district checks the no-ID certificate, not public security")
def _(s):
    p, no, child, body = z_reg(s)
    b = status(s, p, no)
    s.eq(b["state"], "submitted")
    s.eq(b["state_text"]["zh"], "已登记，等待区教委核验无身份证明")
    idv = step(b, "identity_verified")
    s.eq((idv["status"], idv["zh"]), ("current", "区教委核验无身份证明"))
    st, h, r = p.call("GET", "/api/parent/v1/registrations/" + no)
    s.eq(r["state_text"]["en"], "registered; the district is checking the no-ID certificate")
    st, h, e = p.call("GET", "/api/parent/v1/registrations/%s/form" % no)
    s.eq(st, 409, "not printable yet: %r" % (e,))


@test("R-COL-7 + R-COL-9 a non-local type-Z child verified by the district goes on to the five certificates, not to printable")
def _(s):
    p, no, child, body = z_reg(s, hukou=NONLOCAL_HUKOU)
    county = signed_in(s, CHAOYANG + ".reviewer")
    it = queued(county, no)
    s.eq(it["local_family"], False)
    st, h, b = decide(county, no, {"decision": "approve"})
    s.eq((st, b["state"], b["cert_state"]), (200, "id_verified", "none"), "approve: %r" % (b,))
    st, h, e = p.call("GET", "/api/parent/v1/registrations/%s/form" % no)
    s.eq(st, 409, "not printable before the certificates: %r" % (e,))


# ---- rejection and correction ------------------------------------------------------

@test("R-COL-7 a rejection sends the registration back to the parent with the reason in the status history")
def _(s):
    p, no, child, body = z_reg(s)
    county = signed_in(s, CHAOYANG + ".reviewer")
    reason = "无户籍证明已过期，请补充派出所新开具的证明"
    st, h, b = decide(county, no, {"decision": "reject", "reason": reason})
    s.eq(st, 200, "reject: %r" % (b,))
    s.eq((b["event"], b["state"], b["reason"]), ("noid_rejected", "id_mismatch", reason))
    s.eq(reg_row(s, no)[0], "id_mismatch")
    s.ok(queued(county, no) is None, "rejected: out of the queue")
    b = status(s, p, no)
    s.eq(b["state"], "id_mismatch")
    s.ok("区教委" in b["state_text"]["zh"] and "no-ID certificate" in b["state_text"]["en"], b["state_text"])
    idv = step(b, "identity_verified")
    s.eq((idv["status"], idv["zh"]), ("current", "无身份证明核验未通过，请修改"))
    last = b["history"][-1]
    s.eq((last["event"], last["state"], last["detail"]), ("noid_rejected", "id_mismatch", reason))
    s.ok("无身份证明" in last["zh"], last)
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'noid.reject' AND target_id = '%s'"
               % no)[0][0], "1")


@test("R-COL-7 a correction after a rejection goes back to submitted and into the district's queue again")
def _(s):
    p, no, child, body = z_reg(s)
    county = signed_in(s, CHAOYANG + ".reviewer")
    s.eq(decide(county, no, {"decision": "reject", "reason": "证明上的姓名与登记不一致"})[0], 200)
    body["child"]["current_address"] = "北京市朝阳区光华路5号"
    st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no, body)
    s.eq(st, 200, "correct: %r" % (b,))
    s.eq(b["state"], "submitted")
    s.eq(reg_row(s, no), ["submitted", "none", "2"])
    s.eq(psb_requests(s, no), [], "still no number: still no PSB request")
    it = queued(county, no)
    s.ok(it is not None and it["version"] == 2, "queued again at version 2: %r" % (it,))
    st, h, b = decide(county, no, {"decision": "approve", "version": 2})
    s.eq((st, b["state"]), (200, "printable"), "approve: %r" % (b,))


@test("R-COL-5 + R-COL-7 a correction that supplies an identity document goes to public security instead")
def _(s):
    p, no, child, body = z_reg(s)
    county = signed_in(s, CHAOYANG + ".reviewer")
    s.eq(decide(county, no, {"decision": "reject", "reason": "请补充儿童的居民身份证号码"})[0], 200)
    st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no, reg_body(child))
    s.eq(st, 200, "correct: %r" % (b,))
    s.eq(b["state"], "submitted")
    s.eq(psb_requests(s, no), [["pending"]], "a PSB request for the new number")
    s.ok(queued(county, no) is None, "not in the district's queue")
    st, h, b = decide(county, no, {"decision": "approve"})
    s.error_body(b, "invalid_transition", 409, st)
    s.eq(step(status(s, p, no), "identity_verified")["zh"], "公安部门核验身份")


@test("R-COL-4 + R-COL-7 after a district change a type-Z child waits for the new district's check, with no PSB request")
def _(s):
    p, no, child, body = z_reg(s)
    year = s.sql("SELECT year FROM registration WHERE prereg_no = '%s'" % no)[0][0]
    # close the window (the seed opens it all year), then reopen it
    s.sql("UPDATE collection_window SET closes_at = UTC_TIMESTAMP(6) - INTERVAL 1 DAY"
          " WHERE year = %s AND division_code = '110000'" % year)
    try:
        st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/district-change" % no,
                          {"district": HAIDIAN, "reason": "搬家到海淀"})
        s.eq(st, 201, "change request: %r" % (b,))
        cid = b["items"][-1]["id"]
        old = signed_in(s, CHAOYANG + ".reviewer")
        new = signed_in(s, HAIDIAN + ".reviewer")
        s.eq(old.call("POST", "/api/school/v1/district-changes/%d/revoke" % cid)[0], 200)
        st, h, b = new.call("POST", "/api/school/v1/district-changes/%d/decision" % cid,
                            {"decision": "approve"})
        s.eq(st, 200, "approve: %r" % (b,))
        new_no = b["new_prereg_no"]
    finally:
        s.sql("UPDATE collection_window SET closes_at = MAKEDATE(%d, 1)"
              " WHERE year = %s AND division_code = '110000'" % (int(year) + 1, year))
    s.eq(psb_requests(s, new_no), [], "no PSB request for a child without a number")
    s.ok(queued(old, new_no) is None, "not in the old county's queue")
    it = queued(new, new_no)
    s.ok(it is not None and it["district"]["code"] == HAIDIAN, "in the new county's queue: %r" % (it,))
    st, h, b = decide(new, new_no, {"decision": "approve"})
    s.eq((st, b["state"]), (200, "printable"), "approve: %r" % (b,))


# ---- refusals ----------------------------------------------------------------------

@test("R-COL-7 a second decision is 409 invalid_transition and changes nothing")
def _(s):
    p, no, child, body = z_reg(s)
    county = signed_in(s, CHAOYANG + ".reviewer")
    s.eq(decide(county, no, {"decision": "approve"})[0], 200)
    before = (reg_row(s, no), counts(s, no))
    for again in ({"decision": "approve"}, {"decision": "reject", "reason": "再次审核"}):
        st, h, b = decide(county, no, again)
        s.error_body(b, "invalid_transition", 409, st)
    s.eq((reg_row(s, no), counts(s, no)), before, "nothing changed")
    # a rejected one cannot be decided either until the parent corrects
    p, no, child, body = z_reg(s)
    s.eq(decide(county, no, {"decision": "reject", "reason": "证明不清晰"})[0], 200)
    st, h, b = decide(county, no, {"decision": "approve"})
    s.error_body(b, "invalid_transition", 409, st)


@test("R-COL-7 a decision on a version the parent has corrected since is 409, and nothing changes")
def _(s):
    p, no, child, body = z_reg(s)
    county = signed_in(s, CHAOYANG + ".reviewer")
    body["child"]["current_address"] = "北京市朝阳区光华路5号"
    s.eq(p.call("PUT", "/api/parent/v1/registrations/" + no, body)[0], 200)
    st, h, b = decide(county, no, {"decision": "approve", "version": 1})
    s.error_body(b, "invalid_transition", 409, st)
    s.eq(reg_row(s, no), ["submitted", "none", "2"])


@test("R-COL-5 a child with a document number is not decided through the no-ID check: 409, nothing changes")
def _(s):
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child()))
    s.eq(st, 201, b)
    no = b["prereg_no"]
    county = signed_in(s, CHAOYANG + ".reviewer")
    s.ok(queued(county, no) is None, "not in the queue")
    before = (reg_row(s, no), counts(s, no))
    st, h, b = decide(county, no, {"decision": "approve"})
    s.error_body(b, "invalid_transition", 409, st)
    s.eq((reg_row(s, no), counts(s, no)), before, "nothing changed")
    s.eq(psb_requests(s, no), [["pending"]], "public security still checks it")


@test("R-ORG-3 another county's reviewer does not see the child and gets 404 on the decision")
def _(s):
    p, no, child, body = z_reg(s)
    other = signed_in(s, HAIDIAN + ".reviewer")
    s.ok(queued(other, no) is None, "not in Haidian's queue")
    st, h, b = decide(other, no, {"decision": "approve"})
    s.error_body(b, "not_found", 404, st)
    # outside the scope the body is not even looked at
    st, h, b = decide(other, no, {"decision": "maybe"})
    s.error_body(b, "not_found", 404, st)
    s.eq(reg_row(s, no)[0], "submitted")


@test("R-ORG-3 schools are refused (403); the city sees the queue but the decision is the county's")
def _(s):
    p, no, child, body = z_reg(s)
    for like in (CY1 + ".clerk", CY1 + ".reviewer"):
        school = signed_in(s, like)
        st, h, b = school.call("GET", QUEUE)
        s.error_body(b, "forbidden", 403, st)
        st, h, b = decide(school, no, {"decision": "approve"})
        s.error_body(b, "forbidden", 403, st)
    city = signed_in(s, "bj.city.reviewer")
    s.ok(queued(city, no) is not None, "the city sees its districts' queue")
    st, h, b = decide(city, no, {"decision": "approve"})
    s.error_body(b, "forbidden", 403, st)
    admin = signed_in(s, CHAOYANG + ".admin")
    s.eq(decide(admin, no, {"decision": "approve"})[0], 200, "a county admin may decide")


@test("R-COL-7 bad input is 422 with every field error: a reject needs a reason of at most 200 characters")
def _(s):
    p, no, child, body = z_reg(s)
    county = signed_in(s, CHAOYANG + ".reviewer")
    cases = [
        ({"decision": "reject"}, [("reason", "required")]),
        ({"decision": "reject", "reason": "  \n "}, [("reason", "required")]),
        ({"decision": "reject", "reason": "长" * 201}, [("reason", "too_long")]),
        ({"decision": "maybe"}, [("decision", "unknown_code")]),
        ({}, [("decision", "required")]),
        ({"decision": "approve", "version": 0}, [("version", "out_of_range")]),
        ({"decision": "approve", "extra": 1}, [("extra", "unknown_field")]),
    ]
    for req, want in cases:
        st, h, b = decide(county, no, req)
        e = s.error_body(b, "validation_failed", 422, st)
        s.eq([(f["field"], f["code"]) for f in e["fields"]], want, "%r" % (req,))
    st, h, b = decide(county, "2611010512345670", {"decision": "approve"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(e["fields"][0]["field"], "prereg_no")
    s.eq(reg_row(s, no)[0], "submitted", "nothing decided")
    s.eq(decide(county, no, {"decision": "reject", "reason": "长" * 200})[0], 200,
         "200 characters are enough")


@test("R-COL-7 the queue pages oldest first with next_after; a bad limit or cursor is 400 bad_query")
def _(s):
    nos = [z_reg(s)[1] for _ in range(3)]
    county = signed_in(s, CHAOYANG + ".reviewer")
    seen, after = [], None
    for _ in range(100):
        st, h, b = county.call("GET", QUEUE + "?limit=1" + ("&after=" + after if after else ""))
        s.eq(st, 200, b)
        s.ok(len(b["items"]) <= 1, "one per page")
        seen += [it["prereg_no"] for it in b["items"]]
        after = b["next_after"]
        if after is None:
            break
    s.eq([n for n in seen if n in nos], nos, "every one once, oldest first")
    s.eq(len(seen), len(set(seen)), "no item twice")
    for q in ("?limit=0", "?limit=101", "?limit=x", "?after=abc", "?after=-1"):
        st, h, b = county.call("GET", QUEUE + q)
        s.error_body(b, "bad_query", 400, st)


run()
