"""Black-box: the five certificates of non-local families (issue 3 §6,
R-COL-9, R-COL-12) and the minimal staff side they need: staff sessions
(R-ORG-4, lockout, CSRF), the district's review queue and decisions in
the actor's scope (R-ORG-3), the study permit number, the audit trail
(R-ADM-3).

Identity verification (R-COL-5) answers through the PSB gateway, which
these tests do not drive: where a test needs a verified identity it moves
the registration from submitted to id_verified with SQL, standing in for
a psb_match answer (domain/regstate.h: non-local, certificates none)."""
import re
import time

from parent import certs, new_child, reg_body, signed_up
from staff import DEMO_PASSWORD, SESSION, Staff, new_account, signed_in
from xjtest import run, test

REVIEWS = "/api/school/v1/certificate-reviews"
CHAOYANG, HAIDIAN = "110105", "110108"
CHAOYANG_SCHOOL = "1110500001"        # 北京市朝阳区第一实验小学 (src/ctl/seed.c)
NONLOCAL_HUKOU = "440305000000"       # 深圳市南山区


def nonlocal_reg(s, district=CHAOYANG, verified=False):
    """(parent, prereg_no) of a new non-local family's registration."""
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child(), district=district, hukou=NONLOCAL_HUKOU))
    s.eq(st, 201, "registration: %r" % (b,))
    s.eq(b["local_family"], False)
    if verified:
        verify_identity(s, b["prereg_no"])
    return p, b["prereg_no"]


def verify_identity(s, no):
    # stands in for the PSB flow (psb_match of a non-local family whose
    # certificates are not filed yet: submitted/none -> id_verified/none)
    s.sql("UPDATE registration SET state = 'id_verified' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND cert_state = 'none'" % no)
    s.eq(s.sql("SELECT state FROM registration WHERE prereg_no = '%s'" % no), [["id_verified"]])


def file_certs(p, no, body=None, headers=None):
    return p.call("POST", "/api/parent/v1/registrations/%s/certificates" % no,
                  body if body is not None else certs(), headers=headers)


def reg_of(p, no):
    st, h, b = p.call("GET", "/api/parent/v1/registrations/" + no)
    assert st == 200, (st, b)
    return b


def queue(staff, query=""):
    st, h, b = staff.call("GET", REVIEWS + query)
    assert st == 200, (st, b)
    return b


def decide(staff, no, decision, reason=None, csrf=True):
    body = {"decision": decision}
    if reason is not None:
        body["reason"] = reason
    return staff.call("POST", "%s/%s/decision" % (REVIEWS, no), body, csrf=csrf)


# ---- staff sessions ----------------------------------------------------

@test("staff login answers 200 with an HttpOnly SameSite=Strict cookie; who-am-I names role and org")
def _(s):
    st_ = Staff(s, new_account(s, "110105.reviewer"))
    st, h, b = st_.login()
    s.eq(st, 200, "login: %r" % (b,))
    s.ok("__Host-xj_staff=" in h["set-cookie"] and "HttpOnly" in h["set-cookie"]
         and "SameSite=Strict" in h["set-cookie"], h["set-cookie"])
    s.ok(b["csrf_token"], "csrf token")
    st, h, me = st_.call("GET", SESSION)
    s.eq(st, 200)
    acc = me["account"]
    s.eq(acc["login"], st_.login_name)
    s.eq(acc["role"], "reviewer")
    s.eq(acc["display_name"], "朝阳区教委审核员")
    s.eq((acc["org"]["kind"], acc["org"]["code"], acc["org"]["name"]), ("county", CHAOYANG, "朝阳区"))
    s.ok(acc["org"]["id"] > 0 and me["csrf_token"], me)
    n = s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.login' AND actor_type = 'staff'"
              " AND actor_role = 'reviewer' AND target_id = '%s'" % acc["id"])[0][0]
    s.eq(n, "1", "login audited")


@test("staff logout ends the session: the old cookie is refused")
def _(s):
    st_ = signed_in(s, "110105.admin")
    old = st_.cookie
    st, h, b = st_.call("DELETE", SESSION)
    s.eq(st, 204)
    s.ok("__Host-xj_staff=;" in h.get("set-cookie", ""), "cookie cleared: %r" % h.get("set-cookie"))
    st, h, b = s.http("GET", SESSION, headers={"Cookie": "__Host-xj_staff=" + old})
    s.eq(st, 401, "old cookie: %r" % (b,))
    s.ok(int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.logout'")[0][0]) >= 1,
         "logout audited")


@test("R-ORG-4 a second login of the same account ends the first session with session_replaced")
def _(s):
    login = new_account(s, "110105.reviewer")
    first, second = Staff(s, login), Staff(s, login)
    s.eq(first.login()[0], 200)
    s.eq(first.call("GET", SESSION)[0], 200, "first session alive")
    s.eq(second.login()[0], 200)
    st, h, b = first.call("GET", SESSION)
    s.error_body(b, "session_replaced", 401, st)
    st, h, b = first.call("GET", REVIEWS)
    s.error_body(b, "session_replaced", 401, st)
    s.eq(second.call("GET", SESSION)[0], 200, "the newer session lives")


@test("staff lockout: 3 wrong passwords in a row from one address lock it out of the account, even with the right one")
def _(s):
    st_ = Staff(s, new_account(s, "110108.admin"))
    for i in range(3):
        st, h, b = st_.login("wrong-%d" % i)
        s.error_body(b, "invalid_credentials", 401, st)
    st, h, b = st_.login()
    # M1c: answered as an unknown login; M3: locked for this address only
    s.error_body(b, "invalid_credentials", 401, st)
    left = s.sql("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), g.locked_until) FROM staff_login_guard g"
                 " JOIN staff_account a ON a.id = g.account_id WHERE a.login = '%s'" % st_.login_name)
    s.ok(left and 1700 <= int(left[0][0]) <= 1800, "locked ~30 min: %r" % left)
    n = s.sql("SELECT COUNT(*) FROM audit_log a JOIN staff_account s ON a.target_id = s.id"
              " WHERE a.action = 'staff.login_failed' AND s.login = '%s'" % st_.login_name)[0][0]
    s.eq(n, "3", "failures audited")


@test("an unknown login answers the same 401 as a wrong password")
def _(s):
    st, h, b = Staff(s, "nobody.%d" % time.time_ns()).login()
    s.error_body(b, "invalid_credentials", 401, st)


@test("a disabled staff account cannot sign in, and its live session ends")
def _(s):
    st_ = signed_in(s, "110105.reviewer")
    s.sql("UPDATE staff_account SET status = 'disabled' WHERE login = '%s'" % st_.login_name)
    st, h, b = st_.call("GET", SESSION)
    s.error_body(b, "unauthenticated", 401, st)
    st, h, b = Staff(s, st_.login_name).login()
    s.error_body(b, "account_disabled", 403, st)
    st, h, b = Staff(s, st_.login_name).login("wrong-password")
    s.error_body(b, "invalid_credentials", 401, st)


@test("CSRF: staff state changes without the X-CSRF-Token header are refused with 403")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    s.eq(file_certs(p, no)[0], 200)
    rev = signed_in(s, "110105.reviewer")
    st, h, b = decide(rev, no, "approve", csrf=False)
    s.error_body(b, "csrf_token_invalid", 403, st)
    st, h, b = rev.call("POST", "%s/%s/decision" % (REVIEWS, no), {"decision": "approve"},
                        headers={"X-CSRF-Token": "x" * 43}, csrf=False)
    s.error_body(b, "csrf_token_invalid", 403, st)
    st, h, b = rev.call("DELETE", SESSION, csrf=False)
    s.error_body(b, "csrf_token_invalid", 403, st)
    s.eq(queue(rev, "?state=submitted")["items"] != [], True, "nothing was decided")
    s.eq(reg_of(p, no)["certificates"]["state"], "review")


# ---- filing --------------------------------------------------------------

@test("R-COL-12 a local family files no certificates: 409 certificates_not_required")
def _(s):
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child()))
    s.eq(b["local_family"], True)
    st, h, b = file_certs(p, b["prereg_no"])
    s.error_body(b, "certificates_not_required", 409, st)


@test("R-COL-9 a non-local family files after identity verification: cert_review, in 朝阳区's queue, not 海淀区's")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    st, h, b = file_certs(p, no)
    s.eq(st, 200, "filing: %r" % (b,))
    s.eq((b["state"], b["registration_state"]), ("review", "cert_review"))
    s.eq(b["details"]["hukou_book"]["holder_name"], "王建国")
    s.eq(b["details"]["rental_verification"]["contract_no"], "ZL-2024-5566")
    s.ok(b["submitted_at"].endswith("+08:00"), b["submitted_at"])
    reg = reg_of(p, no)
    s.eq((reg["state"], reg["certificates"]["state"]), ("cert_review", "review"))
    rid = s.sql("SELECT id FROM registration WHERE prereg_no = '%s'" % no)[0][0]
    s.eq(s.sql("SELECT event, state FROM registration_event WHERE registration_id = %s"
               " ORDER BY id" % rid)[-1], ["certs_submitted", "cert_review"])
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'certificates.submit'"
               " AND target_id = '%s' AND actor_type = 'parent'" % no)[0][0], "1")
    cy = queue(signed_in(s, "110105.reviewer"))
    item = [i for i in cy["items"] if i["prereg_no"] == no]
    s.eq(len(item), 1, "in 朝阳区's queue")
    s.eq((item[0]["state"], item[0]["district"]["name"], item[0]["registration_state"]),
         ("submitted", "朝阳区", "cert_review"))
    s.ok(item[0]["child_name"] and item[0]["submitted_at"].endswith("+08:00"), item[0])
    hd = queue(signed_in(s, "110108.reviewer"))
    s.ok(all(i["prereg_no"] != no for i in hd["items"]), "not in 海淀区's queue")
    city = queue(signed_in(s, "bj.city.reviewer"), "?limit=100")
    s.ok(any(i["prereg_no"] == no for i in city["items"]) or city["next_after"],
         "the city sees its districts")


@test("R-COL-9 certificates filed before identity verification move only the certificate track")
def _(s):
    p, no = nonlocal_reg(s)
    st, h, b = file_certs(p, no)
    s.eq(st, 200, b)
    s.eq((b["state"], b["registration_state"]), ("review", "submitted"))
    reg = reg_of(p, no)
    s.eq((reg["state"], reg["certificates"]["state"]), ("submitted", "review"))
    s.eq(s.sql("SELECT state, cert_state FROM registration WHERE prereg_no = '%s'" % no),
         [["submitted", "review"]])
    rev = signed_in(s, "110105.reviewer")
    st, h, got = rev.call("GET", "%s/%s" % (REVIEWS, no))
    s.eq((st, got["identity_verified"], got["registration_state"]), (200, False, "submitted"))
    st, h, b = decide(rev, no, "approve")
    s.eq(st, 200, b)
    reg = reg_of(p, no)
    s.eq((reg["state"], reg["certificates"]["state"]), ("submitted", "approved"),
         "identity still pending: not printable yet")
    s.eq(reg["form_printable"], False)
    s.ok(reg["certificates"]["study_permit_no"], "permit issued all the same")


@test("R-COL-9 the five items are validated at the edge, every field error at once")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    bad = certs(work_in_city={"employer": "", "permit_or_contract_no": "HT-1", "since": "2999-01-01"},
                residence_permit={"permit_no": "P-1", "valid_until": "2001-01-01"},
                hukou_book={"holder_name": "王 建国1", "book_no": "x" * 65},
                no_guardian_at_home={"certificate_no": "N-1", "issued_by": "某街道", "extra": 1},
                rental_verification={"contract_no": "C-1"})
    del bad["residence_in_city"]
    st, h, b = file_certs(p, no, bad)
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(sorted((f["field"], f["code"]) for f in e["fields"]), sorted([
        ("work_in_city.employer", "required"),
        ("work_in_city.since", "date_in_future"),
        ("residence_in_city", "required"),
        ("residence_permit.valid_until", "document_expired"),
        ("hukou_book.book_no", "too_long"),
        ("hukou_book.holder_name", "person_name_format"),
        ("no_guardian_at_home.extra", "unknown_field"),
        ("rental_verification.address", "required"),
    ]))
    st, h, b = file_certs(p, no, certs(work_in_city={"employer": "某公司", "permit_or_contract_no": "1",
                                                     "since": "2023-02-30"}))
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("work_in_city.since", "invalid_date")])
    s.eq(reg_of(p, no)["certificates"]["state"], "none", "nothing was filed")


@test("R-COL-9 rental verification is for renters only: without it the filing stands")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    body = certs()
    del body["rental_verification"]
    st, h, b = file_certs(p, no, body)
    s.eq(st, 200, b)
    s.eq(b["details"]["rental_verification"], None)


@test("R-COL-1 outside the collection window certificates cannot be filed")
def _(s):
    p, no = nonlocal_reg(s, district="110106", verified=True)
    year = time.gmtime(time.time() + 8 * 3600).tm_year
    s.stack.xuejictl("window-set", "--year", str(year), "--division", "110106",
                     "--opens", "%d-05-07 00:00" % (year - 1), "--closes", "%d-06-01 00:00" % (year - 1))
    try:
        st, h, b = file_certs(p, no)
        s.error_body(b, "collection_window_closed", 403, st)
    finally:
        s.sql("DELETE FROM collection_window WHERE division_code = '110106'")
    s.eq(file_certs(p, no)[0], 200, "open again")


@test("another family's registration answers 404 for certificates, like a number that does not exist")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    other = signed_up(s)
    st, h, b = file_certs(other, no)
    s.error_body(b, "not_found", 404, st)
    st, h, b = other.call("GET", "/api/parent/v1/registrations/%s/certificates" % no)
    s.error_body(b, "not_found", 404, st)


@test("a retried first filing with the same Idempotency-Key returns the first answer")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    st1, h1, b1 = file_certs(p, no, headers={"Idempotency-Key": "certs-1"})
    s.eq(st1, 200, b1)
    st2, h2, b2 = file_certs(p, no, headers={"Idempotency-Key": "certs-1"})
    s.eq((st2, h2.get("idempotent-replayed")), (200, "true"), b2)
    s.eq(b2, b1)
    st3, h3, b3 = file_certs(p, no)
    s.error_body(b3, "invalid_transition", 409, st3)
    # a sibling's filing with the same body and key is a filing of its own
    st, h, b = p.register(reg_body(new_child(), hukou=NONLOCAL_HUKOU))
    sib = b["prereg_no"]
    verify_identity(s, sib)
    st4, h4, b4 = file_certs(p, sib, headers={"Idempotency-Key": "certs-1"})
    s.eq((st4, h4.get("idempotent-replayed"), b4["prereg_no"]), (200, None, sib), b4)


# ---- review ----------------------------------------------------------------

@test("R-ORG-3 a school's clerk (and a school's reviewer) cannot review: 403 forbidden")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    file_certs(p, no)
    clerk = signed_in(s, CHAOYANG_SCHOOL + ".clerk")
    st, h, b = decide(clerk, no, "approve")
    s.error_body(b, "forbidden", 403, st)
    st, h, b = clerk.call("GET", REVIEWS)
    s.error_body(b, "forbidden", 403, st)
    school_rev = signed_in(s, CHAOYANG_SCHOOL + ".reviewer")
    st, h, b = decide(school_rev, no, "approve")
    s.error_body(b, "forbidden", 403, st)
    county_clerk = signed_in(s, "110105.reviewer", role="clerk")
    st, h, b = decide(county_clerk, no, "approve")
    s.error_body(b, "forbidden", 403, st)
    s.eq(reg_of(p, no)["certificates"]["state"], "review")


@test("R-ORG-3 a reviewer of another county gets 404 for the review and for a decision")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    file_certs(p, no)
    hd = signed_in(s, "110108.reviewer")
    st, h, b = hd.call("GET", "%s/%s" % (REVIEWS, no))
    s.error_body(b, "not_found", 404, st)
    st, h, b = decide(hd, no, "approve")
    s.error_body(b, "not_found", 404, st)
    s.eq(reg_of(p, no)["certificates"]["state"], "review")
    st, h, b = signed_in(s, "bj.reviewer").call("GET", "%s/%s" % (REVIEWS, no))
    s.eq((st, b["district"]["code"]), (200, CHAOYANG), "the province sees it")


@test("R-COL-9 approval issues a study permit number JD+year+county+sequence; the form becomes printable")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    file_certs(p, no)
    rev = signed_in(s, "110105.reviewer")
    st, h, got = rev.call("GET", "%s/%s" % (REVIEWS, no))
    s.eq(st, 200)
    s.eq((got["state"], got["identity_verified"]), ("submitted", True))
    s.eq(got["details"]["work_in_city"]["employer"], "北京某科技有限公司")
    s.eq(got["study_permit_no"], None)
    st, h, b = decide(rev, no, "approve")
    s.eq(st, 200, b)
    year = reg_of(p, no)["year"]
    permit = b["study_permit_no"]
    s.ok(re.fullmatch(r"JD%d%s\d{6}" % (year, CHAOYANG), permit or ""), permit)
    s.eq((b["state"], b["registration_state"], b["reviewer"]["display_name"]),
         ("approved", "printable", "朝阳区教委审核员"))
    reg = reg_of(p, no)
    s.eq((reg["state"], reg["certificates"]["state"], reg["certificates"]["study_permit_no"]),
         ("printable", "approved", permit))
    s.eq(reg["form_printable"], True)
    s.eq(s.sql("SELECT study_permit_no FROM registration WHERE prereg_no = '%s'" % no), [[permit]])
    # the next approval in the county takes the next number
    p2, no2 = nonlocal_reg(s, verified=True)
    file_certs(p2, no2)
    permit2 = decide(rev, no2, "approve")[2]["study_permit_no"]
    s.eq(int(permit2[-6:]), int(permit[-6:]) + 1, "sequence per county and year")
    s.eq(permit2[:12], permit[:12])


@test("R-COL-9 a rejection needs a reason; the parent sees rejected with it and may file again")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    file_certs(p, no)
    rev = signed_in(s, "110105.reviewer")
    st, h, b = decide(rev, no, "reject")
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("reason", "required")])
    st, h, b = decide(rev, no, "reject", "   ")
    s.error_body(b, "validation_failed", 422, st)
    st, h, b = decide(rev, no, "reject", "理" * 201)
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("reason", "too_long")],
         "a reason over 200 characters is too long, not also missing")
    st, h, b = decide(rev, no, "maybe")
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(e["fields"][0]["code"], "unknown_code")
    reason = "居住证已过期，请补充有效期内的居住证"
    st, h, b = decide(rev, no, "reject", reason)
    s.eq(st, 200, b)
    s.eq((b["state"], b["registration_state"], b["reason"], b["study_permit_no"]),
         ("rejected", "cert_rejected", reason, None))
    reg = reg_of(p, no)
    s.eq((reg["state"], reg["certificates"]["state"]), ("cert_rejected", "rejected"))
    st, h, mine = p.call("GET", "/api/parent/v1/registrations/%s/certificates" % no)
    s.eq((st, mine["state"], mine["reason"]), (200, "rejected", reason))
    s.ok(mine["reviewed_at"], "review time shown")
    st, h, status = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)
    s.eq(st, 200, status)
    s.eq([(e["event"], e["detail"]) for e in status["history"] if e["event"] == "certs_rejected"],
         [("certs_rejected", reason)], "the reason is in the status history")
    # refile with a newer permit: back in the queue, then approved
    st, h, b = file_certs(p, no, certs(residence_permit={"permit_no": "110105199001019999",
                                                         "valid_until": "2099-06-30"}))
    s.eq(st, 200, b)
    s.eq((b["state"], b["registration_state"], b["reason"]), ("review", "cert_review", None))
    # M9: the permit number is a citizen ID number: masked in every answer
    s.eq(b["details"]["residence_permit"], {"permit_no": "110105" + "*" * 12,
                                            "valid_until": "2099-06-30"})
    s.ok(any(i["prereg_no"] == no for i in queue(rev, "?limit=100")["items"])
         or queue(rev, "?limit=100")["next_after"], "back in the queue")
    st, h, b = decide(rev, no, "approve")
    s.eq((st, b["state"], b["registration_state"]), (200, "approved", "printable"))


@test("a decision on a decided review, or filing while under review or after approval: 409 invalid_transition")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    file_certs(p, no)
    st, h, b = file_certs(p, no)
    s.error_body(b, "invalid_transition", 409, st)
    rev = signed_in(s, "110105.reviewer")
    s.eq(decide(rev, no, "approve")[0], 200)
    for d, reason in (("approve", None), ("reject", "重复审核")):
        st, h, b = decide(rev, no, d, reason)
        s.error_body(b, "invalid_transition", 409, st)
    st, h, b = file_certs(p, no)
    s.error_body(b, "invalid_transition", 409, st)
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE target_id = '%s'"
               " AND action LIKE 'certificates.%%'" % no)[0][0], "2", "submit + approve only")


@test("R-COL-4 a cancelled registration leaves the queue; its review can no longer be decided")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    file_certs(p, no)
    rev = signed_in(s, "110105.reviewer")
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % no)
    s.eq(st, 200, b)
    after, seen = None, []
    while True:
        b = queue(rev, "?limit=100" + ("&after=" + after if after else ""))
        seen += [i["prereg_no"] for i in b["items"]]
        after = b["next_after"]
        if not after:
            break
    s.ok(no not in seen, "not in the queue")
    st, h, b = decide(rev, no, "approve")
    s.error_body(b, "invalid_transition", 409, st)
    s.eq(s.sql("SELECT study_permit_no IS NULL FROM registration WHERE prereg_no = '%s'" % no), [["1"]])


@test("R-ADM-3 every decision is audited with the reviewer, role and org")
def _(s):
    rev = signed_in(s, "110105.admin")
    org = rev.call("GET", SESSION)[2]["account"]
    done = []
    for d, reason in (("approve", None), ("reject", "材料不全")):
        p, no = nonlocal_reg(s, verified=True)
        file_certs(p, no)
        s.eq(decide(rev, no, d, reason)[0], 200)
        done.append((no, "certificates." + d))
    for no, action in done:
        rows = s.sql("SELECT actor_type, actor_id, actor_role, actor_org_id, target_type,"
                     " before_digest IS NOT NULL, after_digest IS NOT NULL FROM audit_log"
                     " WHERE action = '%s' AND target_id = '%s'" % (action, no))
        s.eq(rows, [["staff", str(org["id"]), "admin", str(org["org"]["id"]), "registration",
                     "1", "1"]], action)


@test("the queue lists oldest first and pages with next_after; bad query values answer 400")
def _(s):
    nos = []
    for _ in range(3):
        p, no = nonlocal_reg(s, district="110107", verified=True)
        s.eq(file_certs(p, no)[0], 200)
        nos.append(no)
    rev = signed_in(s, "110107.reviewer")
    seen, after = [], None
    while True:
        b = queue(rev, "?state=submitted&limit=2" + ("&after=" + after if after else ""))
        s.ok(len(b["items"]) <= 2, b)
        seen += [i["prereg_no"] for i in b["items"]]
        after = b["next_after"]
        if not after:
            break
    s.eq([n for n in seen if n in nos], nos, "oldest first, each once")
    s.eq(len(seen), len(set(seen)), "no repeats")
    decide(rev, nos[0], "reject", "材料不清晰")
    s.eq([i["prereg_no"] for i in queue(rev, "?state=rejected")["items"]], [nos[0]])
    for q in ("?state=pending", "?limit=0", "?limit=101", "?limit=x", "?after=123"):
        st, h, b = rev.call("GET", REVIEWS + q)
        s.error_body(b, "bad_query", 400, st)


@test("a mistyped pre-registration number answers 422 before any lookup")
def _(s):
    p, no = nonlocal_reg(s, verified=True)
    typo = no[:5] + str((int(no[5]) + 1) % 10) + no[6:]
    rev = signed_in(s, "110105.reviewer")
    st, h, b = rev.call("GET", "%s/%s" % (REVIEWS, typo))
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(e["fields"][0]["code"], "prereg_number_check_char")
    st, h, b = rev.call("GET", "%s/%s" % (REVIEWS, no))
    s.error_body(b, "not_found", 404, st)   # nothing filed yet: no review



@test("R-COL-4/9 a cancelled registration leaves the district's certificate queue")
def _(s):
    p, no = nonlocal_reg(s)
    st, h, b = file_certs(p, no)
    s.eq(st, 200, b)
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % no)
    s.eq(st, 200, b)
    s.eq(s.sql("SELECT r.state FROM cert_review r JOIN registration g ON g.id = r.registration_id"
               " WHERE g.prereg_no = '%s'" % no), [["withdrawn"]])
    st_ = Staff(s, new_account(s, "110105.reviewer"))
    st_.login()
    s.ok(no not in [i["prereg_no"] for i in queue(st_)["items"]], "not in the queue")

run()
