"""Black-box: scope and audit (issue 10, review security-2026-12 M5, M6,
L9, L12 and the statistics bug of the acceptance run), through nginx.

M5: a school sees an applicant only when the family chose it (or the
school holds the child), or when its clerk presents the printed form: the
form's token (the QR code's text or the printed token) or the child's
identity number with the pre-registration number; never a form that does
not print yet; wrong forms count per account; nginx limits lookups per
staff session. M6: reads of full identifiers and bulk lists leave an
audit entry (actor, target or filter, row count, request id) and the
worker's request line names the actor. L9: only the child's county
decides a five-certificate review. L12: wide searches need a filter;
province statistics are cached per scope. The statistics bug: county rows
count the in-school students of their schools."""
import json
import os
import re
import time
from urllib.parse import quote

from parent import certs, new_child, reg_body, signed_up
from psbclient import PsbClient, load_key, REQUESTS_PATH
from staff import signed_in
from xjtest import run, test

API = "/api/school/v1"
APPL = API + "/applicants/"
CHAOYANG, HAIDIAN = "110105", "110108"
CY1, CY2, HD1 = "1110500001", "1110500002", "1110800001"     # src/ctl/seed.c
NONLOCAL_HUKOU = "440305000000"


# ---- helpers -----------------------------------------------------------------

def reg(s, school=None, district=CHAOYANG, printable=True, hukou=None):
    """(parent, prereg_no, child): a local family's registration choosing
    `school`, moved to printable with SQL (standing in for the PSB match)."""
    p = signed_up(s)
    child = new_child()
    over = {"school_code": school} if school else {}
    st, h, b = p.register(reg_body(child, district=district,
                                   hukou=hukou or district + "000000", **over))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    if printable:
        s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
              " AND state = 'submitted' AND local_family = 1" % no)
        s.eq(state(s, no), "printable")
    return p, no, child


def state(s, no):
    return s.sql("SELECT state FROM registration WHERE prereg_no = '%s'" % no)[0][0]


def form_token(s, p, no):
    """The token printed on the family's form (and in its QR code)."""
    st, h, page = p.call("GET", "/api/parent/v1/registrations/%s/form" % no,
                         headers={"Accept": "text/html"})
    s.eq(st, 200, "form: %r" % (page,))
    m = re.search(r'id="form-token">[^<：]*：([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})<', page)
    s.ok(m, "the form prints its token")
    return m.group(1)


def audit(s, action, target=None, after_id=0):
    """The newest audit entry of `action` (and target): a dict."""
    where = "action = '%s' AND id > %d" % (action, after_id)
    if target is not None:
        where += " AND target_id = '%s'" % target
    rows = s.sql("SELECT id, actor_type, COALESCE(actor_id, ''), COALESCE(actor_org_id, ''),"
                 " target_type, target_id, COALESCE(row_count, 'NULL'), COALESCE(filter, 'NULL'),"
                 " request_id FROM audit_log WHERE %s ORDER BY id DESC LIMIT 1" % where)
    if not rows:
        return None
    k = ("id", "actor_type", "actor_id", "actor_org_id", "target_type", "target_id", "rows",
         "filter", "request_id")
    return dict(zip(k, rows[0]))


def audit_mark(s):
    return int(s.sql("SELECT COALESCE(MAX(id), 0) FROM audit_log")[0][0])


def staff_ids(s, staff):
    return s.sql("SELECT id, org_id FROM staff_account WHERE login = '%s'" % staff.login_name)[0]


def admit(s, no, school=CY1, county=CHAOYANG):
    """Tick, list, county approval: the child's student id."""
    rev = signed_in(s, school + ".reviewer")
    st, h, b = rev.call("POST", APPL + no + "/tick")
    s.eq(st, 200, "tick: %r" % (b,))
    st, h, lst = rev.call("POST", API + "/admission-lists")
    s.eq(st, 201, "submit: %r" % (lst,))
    st, h, b = signed_in(s, county + ".reviewer").call(
        "POST", "%s/admission-lists/%d/decision" % (API, lst["id"]), {"decision": "approve"})
    s.eq(st, 200, "approval: %r" % (b,))
    return int(s.sql("SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                     " WHERE r.prereg_no = '%s'" % no)[0][0])


# ---- M5: who sees an applicant -----------------------------------------------------

@test("M5: the chosen school 200; another school of the county without the form 404; with the QR token 200; with the ID number 200; with a wrong ID number 404")
def _(s):
    p, no, child = reg(s, school=CY1)
    token = form_token(s, p, no)
    chosen = signed_in(s, CY1 + ".clerk")
    other = signed_in(s, CY2 + ".clerk")
    st, h, b = chosen.call("GET", APPL + no)
    s.eq((st, b.get("prereg_no")), (200, no), "chosen school: %r" % (b,))
    st, h, b = other.call("GET", APPL + no)
    s.error_body(b, "not_found", 404, st)
    qr = no + "-" + token.replace("-", "")
    for what, hdr in (("QR text", {"X-Form-Token": qr}),
                      ("printed token", {"X-Form-Token": token}),
                      ("typed token", {"X-Form-Token": token.lower()}),
                      ("ID number", {"X-Child-Id-Number": child.id_number})):
        st, h, b = other.call("GET", APPL + no, headers=hdr)
        s.eq((st, b.get("prereg_no") if isinstance(b, dict) else b), (200, no), what)
    wrong = child.id_number[:-2] + ("00" if child.id_number[-2:] != "00" else "11")
    for what, hdr in (("wrong ID", {"X-Child-Id-Number": wrong}),
                      ("wrong token", {"X-Form-Token": "0000-0000-0000-0000"}),
                      ("another child's token", {"X-Form-Token": form_token(s, *reg(s, school=CY1)[:2])})):
        st, h, b = other.call("GET", APPL + no, headers=hdr)
        s.error_body(b, "not_found", 404, st)
    # another county's school with the right form: still 404
    st, h, b = signed_in(s, HD1 + ".clerk").call("GET", APPL + no, headers={"X-Form-Token": qr})
    s.error_body(b, "not_found", 404, st)
    # the actions too: documents-checked with the form works, without it 404
    st, h, b = other.call("POST", APPL + no + "/documents-checked", {"items": ["hukou_book"]})
    s.error_body(b, "not_found", 404, st)
    st, h, b = other.call("POST", APPL + no + "/documents-checked", {"items": ["hukou_book"]},
                          headers={"X-Form-Token": qr})
    s.eq(st, 200, "documents with the form: %r" % (b,))
    st, h, b = other.call("POST", APPL + no + "/tick")
    s.error_body(b, "not_found", 404, st)
    st, h, b = other.call("POST", APPL + no + "/tick", headers={"X-Child-Id-Number": child.id_number})
    s.eq((st, b["admission"]["school"]["code"]), (200, CY2), "tick with the form: %r" % (b,))
    # the school holding the child needs no form any more; the chosen one
    # still sees its applicant (now ticked elsewhere)
    s.eq(other.call("GET", APPL + no)[0], 200, "the ticking school")
    st, h, b = chosen.call("GET", APPL + no)
    s.eq((st, b["admission"]["ours"]), (200, False))


@test("M5: a registration that does not print yet is hidden from schools the family did not choose, even with its ID number")
def _(s):
    p, no, child = reg(s, school=CY1, printable=False)
    s.eq(state(s, no), "submitted")
    st, h, b = signed_in(s, CY1 + ".clerk").call("GET", APPL + no)
    s.eq((st, b["registration_state"]), (200, "submitted"), "the chosen school sees it")
    st, h, b = signed_in(s, CY2 + ".clerk").call("GET", APPL + no,
                                                 headers={"X-Child-Id-Number": child.id_number})
    s.error_body(b, "not_found", 404, st)
    # and without a chosen school nobody sees it
    p, no, child = reg(s, printable=False)
    st, h, b = signed_in(s, CY1 + ".clerk").call("GET", APPL + no,
                                                 headers={"X-Child-Id-Number": child.id_number})
    s.error_body(b, "not_found", 404, st)


@test("M5: wrong forms count per staff account: after 10 in 10 minutes even the right form answers 429 lookup_limited; another account is not held")
def _(s):
    p, no, child = reg(s, school=CY1)
    guesser = signed_in(s, CY2 + ".clerk")
    for i in range(10):
        wrong = "1101052015%04d%03d" % (i, 17)
        st, h, b = guesser.call("GET", APPL + no, headers={"X-Child-Id-Number": wrong[:17] + "X"})
        s.error_body(b, "not_found", 404, st)
    gid = staff_ids(s, guesser)[0]
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'applicant.proof_refused'"
               " AND actor_id = %s AND target_id = '%s'" % (gid, no)), [["10"]], "refusals audited")
    st, h, b = guesser.call("GET", APPL + no, headers={"X-Child-Id-Number": child.id_number})
    s.error_body(b, "lookup_limited", 429, st)
    s.ok(int(h.get("retry-after", "0")) > 0, "Retry-After: %r" % h.get("retry-after"))
    # the lock is the account's, not the school's or the child's
    st, h, b = signed_in(s, CY2 + ".clerk").call("GET", APPL + no,
                                                 headers={"X-Child-Id-Number": child.id_number})
    s.eq(st, 200, "a colleague: %r" % (b,))


@test("M5: nginx limits applicant lookups per staff session (429 rate_limited past the burst); another session is served")
def _(s):
    p, no, child = reg(s, school=CY1)
    clerk = signed_in(s, CY1 + ".clerk")
    codes = []
    for _ in range(45):
        st, h, b = clerk.call("GET", APPL + no)
        codes.append(st)
        if st == 429:
            s.error_body(b, "rate_limited", 429, st)
    s.ok(codes.count(200) >= 30 and codes.count(429) >= 1 and set(codes) <= {200, 429},
         "burst then limited: %r" % codes)
    s.eq(signed_in(s, CY1 + ".clerk").call("GET", APPL + no)[0], 200, "another session")


# ---- M6: audited reads ------------------------------------------------------------

@test("M6: the printable form and the applicant view are audited: actor, target, row count, request id, on what grounds")
def _(s):
    p, no, child = reg(s, school=CY1)
    mark = audit_mark(s)
    st, h, page = p.call("GET", "/api/parent/v1/registrations/%s/form" % no,
                         headers={"Accept": "text/html"})
    s.eq(st, 200)
    a = audit(s, "registration.form", no, mark)
    s.ok(a, "a form entry")
    pid = s.sql("SELECT parent_id FROM registration WHERE prereg_no = '%s'" % no)[0][0]
    s.eq((a["actor_type"], a["actor_id"], a["target_type"], a["rows"], a["request_id"]),
         ("parent", pid, "registration", "1", h["x-request-id"]))
    clerk = signed_in(s, CY1 + ".clerk")
    sid, org = staff_ids(s, clerk)
    st, h, b = clerk.call("GET", APPL + no)
    s.eq(st, 200)
    a = audit(s, "applicant.read", no, mark)
    s.eq((a["actor_type"], a["actor_id"], a["actor_org_id"], a["rows"], a["filter"], a["request_id"]),
         ("staff", sid, org, "1", "chosen", h["x-request-id"]))
    other = signed_in(s, CY2 + ".clerk")
    st, h, b = other.call("GET", APPL + no, headers={"X-Child-Id-Number": child.id_number})
    s.eq(st, 200)
    a = audit(s, "applicant.read", no, mark)
    s.eq((a["actor_id"], a["filter"]), (staff_ids(s, other)[0], "id_number"))
    # a refused lookup reads nothing: no read entry
    before = audit(s, "applicant.read", no, mark)["id"]
    s.eq(signed_in(s, CY2 + ".clerk").call("GET", APPL + no)[0], 404)
    s.eq(audit(s, "applicant.read", no, mark)["id"], before, "no entry for a 404")
    # no identity number anywhere in the trail
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE id > %d AND (target_id LIKE '%%%s%%'"
               " OR COALESCE(filter, '') LIKE '%%%s%%')" % (mark, child.id_number, child.id_number)),
         [["0"]])


@test("M6: the PSB pull is audited with the number of identity numbers it handed out")
def _(s):
    reg(s, printable=False)
    reg(s, printable=False)
    c = PsbClient(s.stack.base_url, load_key(s.stack.path("secrets", "psb.key"), warn=False))
    mark = audit_mark(s)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=500")
    s.eq(st, 200, "pull: %r" % (b,))
    n = len(b["requests"])
    s.ok(n >= 2, "requests handed out: %d" % n)
    a = audit(s, "psb.pull", None, mark)
    s.ok(a, "a pull entry")
    s.eq((a["actor_type"], a["rows"], a["request_id"], a["target_id"]),
         ("psb", str(n), h["x-request-id"], b["requests"][0]["verification_id"]))
    s.ok(a["filter"].startswith("max=500 first="), a["filter"])
    # an empty pull (the gateway's idle poll) leaves none
    mark = audit_mark(s)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=500")
    s.eq((st, b["requests"]), (200, []))
    s.eq(audit(s, "psb.pull", None, mark), None)


@test("M6: the student record, the roster and the student search are audited with filter and row count; a student number stays out of the trail")
def _(s):
    p, no, child = reg(s, school=CY1)
    sid = admit(s, no)
    mark = audit_mark(s)
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, rec = clerk.call("GET", "%s/students/%d" % (API, sid))
    s.eq(st, 200, "record: %r" % (rec,))
    a = audit(s, "student.read", str(sid), mark)
    s.eq((a["actor_type"], a["actor_id"], a["target_type"], a["rows"], a["request_id"]),
         ("staff", staff_ids(s, clerk)[0], "student", "1", h["x-request-id"]))
    st, h, b = clerk.call("GET", API + "/roster?limit=200")
    s.eq(st, 200)
    a = audit(s, "student.roster", CY1, mark)
    s.eq((a["target_type"], a["rows"], a["request_id"]),
         ("org", str(len(b["items"])), h["x-request-id"]))
    s.ok("school=%s" % CY1 in a["filter"] and "limit=200" in a["filter"], a["filter"])
    county = signed_in(s, CHAOYANG + ".reviewer")
    prefix = child.name[:1]
    st, h, b = county.call("GET", API + "/students?limit=200&name=" + quote(prefix))
    s.eq(st, 200)
    a = audit(s, "student.search", CHAOYANG, mark)
    s.eq((a["rows"], a["request_id"]), (str(len(b["items"])), h["x-request-id"]))
    s.ok(a["filter"].endswith("name=" + prefix), a["filter"])
    st, h, b = county.call("GET", API + "/students?student_no=" + rec["student_no"])
    s.eq((st, len(b["items"])), (200, 1))
    a = audit(s, "student.search", CHAOYANG, mark)
    s.eq((a["rows"], a["request_id"]), ("1", h["x-request-id"]))
    s.ok("student_no=*" in a["filter"] and rec["student_no"] not in a["filter"], a["filter"])


@test("M6: certificate-review details are audited")
def _(s):
    p, no, child = reg(s, hukou=NONLOCAL_HUKOU, printable=False)
    s.sql("UPDATE registration SET state = 'id_verified' WHERE prereg_no = '%s'" % no)
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/certificates" % no, certs())
    s.eq(st, 200, "certificates: %r" % (b,))
    mark = audit_mark(s)
    prov = signed_in(s, "bj.reviewer")
    st, h, b = prov.call("GET", "%s/certificate-reviews/%s" % (API, no))
    s.eq(st, 200, "details: %r" % (b,))
    a = audit(s, "certificate_review.read", no, mark)
    s.eq((a["actor_type"], a["actor_id"], a["rows"], a["request_id"]),
         ("staff", staff_ids(s, prov)[0], "1", h["x-request-id"]))


@test("M6: the worker's request line names the actor type, id and org, never a number")
def _(s):
    p, no, child = reg(s, school=CY1)
    clerk = signed_in(s, CY1 + ".clerk")
    sid, org = staff_ids(s, clerk)
    st, h, b = clerk.call("GET", APPL + no)
    s.eq(st, 200)
    rid = h["x-request-id"]
    lines = []

    def found():
        lines[:] = []
        logdir = s.stack.path("log")
        for name in os.listdir(logdir):
            if name.startswith("xuejid"):
                with open(os.path.join(logdir, name), errors="replace") as f:
                    lines.extend(l for l in f if rid in l and '"msg":"request"' in l)
        return lines
    s.wait_until(found, 10, "the request line")
    line = json.loads(lines[0])
    s.eq((line["route"], line["actor"], str(line["actor_id"]), str(line["org"])),
         ("/api/school/v1/applicants/{no}", "staff", sid, org))
    s.ok(no not in lines[0] and child.id_number not in lines[0], lines[0])


@test("M6: the hot paths stay as they were: a registration and its status poll leave no read entry")
def _(s):
    mark = audit_mark(s)
    p, no, child = reg(s, printable=False)
    for _ in range(3):
        st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)
        s.eq(st, 200)
    st, h, b = p.call("GET", "/api/parent/v1/registrations/" + no)
    s.eq(st, 200)
    s.eq(s.sql("SELECT action FROM audit_log WHERE id > %d AND action NOT LIKE 'parent.%%' AND action NOT LIKE 'sms.%%'"
               " ORDER BY id" % mark), [["registration.create"]])


# ---- L9: the certificate decision is the county's --------------------------------

@test("L9: only the child's county decides a five-certificate review; the city, province and ministry read it and get 403 on the decision")
def _(s):
    p, no, child = reg(s, hukou=NONLOCAL_HUKOU, printable=False)
    s.sql("UPDATE registration SET state = 'id_verified' WHERE prereg_no = '%s'" % no)
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/certificates" % no, certs())
    s.eq(st, 200, "certificates: %r" % (b,))
    for like in ("bj.city.reviewer", "bj.reviewer", "moe.reviewer", "moe.admin"):
        higher = signed_in(s, like)
        st, h, b = higher.call("GET", "%s/certificate-reviews/%s" % (API, no))
        s.eq(st, 200, "%s reads: %r" % (like, b))
        st, h, b = higher.call("POST", "%s/certificate-reviews/%s/decision" % (API, no),
                               {"decision": "approve"})
        s.error_body(b, "forbidden", 403, st)
    s.eq(s.sql("SELECT cert_state FROM registration WHERE prereg_no = '%s'" % no), [["review"]])
    st, h, b = signed_in(s, HAIDIAN + ".reviewer").call(
        "POST", "%s/certificate-reviews/%s/decision" % (API, no), {"decision": "approve"})
    s.error_body(b, "not_found", 404, st)
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call(
        "POST", "%s/certificate-reviews/%s/decision" % (API, no), {"decision": "approve"})
    s.eq((st, b.get("state")), (200, "approved"), "the county decides: %r" % (b,))


# ---- L12: wide reads --------------------------------------------------------------

@test("L12: above a county a student search needs a school, a county or a student number (400 filter_required); county= narrows it")
def _(s):
    p, no, child = reg(s, school=CY1)
    admit(s, no)
    prefix = quote(child.name[:1])
    for like in ("bj.reviewer", "moe.reviewer", "bj.city.reviewer"):
        st, h, b = signed_in(s, like).call("GET", API + "/students?name=" + prefix)
        s.error_body(b, "filter_required", 400, st)
        s.eq(b["error"]["field"], "county")
    prov = signed_in(s, "bj.reviewer")
    st, h, b = prov.call("GET", API + "/students?limit=200&county=%s&name=%s" % (CHAOYANG, prefix))
    s.eq(st, 200, "with a county: %r" % (b,))
    s.ok(any(i["name"] == child.name for i in b["items"]), "found in the county")
    st, h, b = prov.call("GET", API + "/students?county=%s&name=%s" % (HAIDIAN, quote(child.name)))
    s.eq((st, [i for i in b["items"] if i["name"] == child.name]), (200, []), "not in another county")
    st, h, b = prov.call("GET", API + "/students?limit=200&school=%s&name=%s" % (CY1, prefix))
    s.eq(st, 200)
    # a county outside the actor's scope is 404; a county's own search needs no filter
    st, h, b = signed_in(s, HAIDIAN + ".reviewer").call(
        "GET", API + "/students?county=%s&name=%s" % (CHAOYANG, prefix))
    s.error_body(b, "not_found", 404, st)
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", API + "/students?name=" + prefix)
    s.eq(st, 200)


@test("L12: province statistics are cached per scope for minutes (as_of says when); a county's are computed on each call")
def _(s):
    prov = signed_in(s, "bj.reviewer")
    first = []
    for _ in range(4):                  # every worker process computes once
        st, h, b = prov.call("GET", API + "/statistics")
        s.eq((st, b["scope"]["kind"]), (200, "province"))
        s.ok(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", b["as_of"]), b["as_of"])
        first.append(b)
    county = signed_in(s, CHAOYANG + ".reviewer")
    c0 = county.call("GET", API + "/statistics")[2]["totals"]["registrations"]
    time.sleep(1.1)
    reg(s, school=CY1)
    c1 = county.call("GET", API + "/statistics")[2]
    s.eq(c1["totals"]["registrations"], c0 + 1, "the county's answer is fresh")
    for _ in range(4):
        st, h, b = prov.call("GET", API + "/statistics")
        s.ok(b["as_of"] in [x["as_of"] for x in first], "cached: %r" % b["as_of"])
        s.eq(b["totals"], [x for x in first if x["as_of"] == b["as_of"]][0]["totals"], "the cached totals")
    # the scope check still runs on each call
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", API + "/statistics?scope=110000")
    s.error_body(b, "not_found", 404, st)


# ---- the acceptance run's statistics bug -------------------------------------------

@test("statistics: county rows count the in-school students of their schools (they showed 0)")
def _(s):
    p, no, child = reg(s, school=CY1)
    admit(s, no)
    want = int(s.sql("SELECT COUNT(*) FROM student st JOIN org o ON o.id = st.school_org_id"
                     " JOIN org c ON c.id = o.county_id WHERE c.code = '%s'"
                     " AND st.status = 'in_school'" % CHAOYANG)[0][0])
    s.ok(want >= 1, "students in Chaoyang: %d" % want)
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", API + "/statistics")
    s.eq(st, 200)
    row = [c for c in b["counties"] if c["code"] == CHAOYANG]
    s.eq(row[0]["students_in_school"], want, "the county row")
    s.eq(b["totals"]["students_in_school"], want, "the totals")
    s.eq(sum(x["students_in_school"] for x in b["schools"]), want, "the school rows add up")
    st, h, b = signed_in(s, "bj.city.reviewer").call("GET", API + "/statistics")
    row = [c for c in b["counties"] if c["code"] == CHAOYANG]
    s.eq(row[0]["students_in_school"], want, "the county row in the city's answer")


run()
