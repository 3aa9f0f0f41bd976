"""Black-box: admission (issue 4 §1-3, R-ADM-1..3, R-COL-4, R-COL-12,
R-ORG-3) through nginx: a school checks an applicant and ticks (打钩) the
child, sends its list to the county, the county approves or returns it,
the school issues the admission notice and the parent sees "admitted";
the scope of every step; two schools ticking one child at once; district
changes after the window. Identity verification goes through the PSB
gateway with the simulator's signed client (tests/psbsim), as psb.py."""
import re
import threading

from parent import new_child, reg_body, signed_up
from population import Population
from psbclient import PsbClient, load_key, REQUESTS_PATH, RESULTS_PATH
from staff import signed_in
from xjtest import Failure, SRCDIR, run, test

APPL = "/api/school/v1/applicants/"
LISTS = "/api/school/v1/admission-lists"
ADM = "/api/school/v1/admissions/"
CHANGES = "/api/school/v1/district-changes"
CHAOYANG, HAIDIAN = "110105", "110108"
CY1, CY2, HD1 = "1110500001", "1110500002", "1110800001"     # src/ctl/seed.c


# ---- helpers -----------------------------------------------------------------

def psb(s):
    return PsbClient(s.stack.base_url, load_key(s.stack.path("secrets", "psb.key"), warn=False))


def verify(s, no, child):
    """The PSB answers `match` for this registration's open request."""
    vid = s.sql("SELECT q.token FROM psb_request q JOIN registration r ON r.id = q.registration_id"
                " WHERE r.prereg_no = '%s' AND q.state IN ('pending', 'offered')" % no)[0][0]
    c = psb(s)
    pop = Population()
    pop.add(child)
    for _ in range(50):
        reqs = c.pull(500)
        mine = [q for q in reqs if q["verification_id"] == vid]
        if mine:
            st, h, b = c.call("POST", RESULTS_PATH, {"results": [pop.decide(mine[0])]})
            s.eq(st, 200, "psb result: %r" % (b,))
            s.eq(b["results"][0]["status"], "applied")
            return
        if not reqs:
            break
    raise Failure("request %s was not handed out" % vid)


def printable(s, district=CHAOYANG, **over):
    """(parent, prereg_no, child): a local family's registration, verified.
    The family chooses the district's first school unless `school_code` says
    otherwise (None: no choice); only the chosen school sees the child
    without the printed form (review M5)."""
    over.setdefault("school_code", "111%s00001" % district[4:])
    if over["school_code"] is None:
        del over["school_code"]
    child = new_child()
    p = signed_up(s)
    st, h, b = p.register(reg_body(child, district=district,
                                   hukou=district + "000000", **over))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    verify(s, no, child)
    s.eq(reg_state(s, no), "printable")
    return p, no, child


def reg_state(s, no):
    return s.sql("SELECT state FROM registration WHERE prereg_no = '%s'" % no)[0][0]


def audits(s, action, target):
    return int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND target_id = '%s'"
                     " AND actor_type = 'staff'" % (action, target))[0][0])


def tick(staff, no, on=True, headers=None):
    return staff.call("POST", APPL + no + ("/tick" if on else "/untick"), headers=headers)


def form_of(child):
    """What the clerk of a school the family did not choose presents: the
    child's identity number with the pre-registration number (M5)."""
    return {"X-Child-Id-Number": child.id_number}


def submit(s, reviewer):
    st, h, b = reviewer.call("POST", LISTS)
    s.eq(st, 201, "submit: %r" % (b,))
    return b


def decide(county, list_id, body):
    return county.call("POST", "%s/%d/decision" % (LISTS, list_id), body)


def parent_reg(s, p, no):
    st, h, b = p.call("GET", "/api/parent/v1/registrations/" + no)
    s.eq(st, 200, "parent read: %r" % (b,))
    return b


def student_values_bound(s, no, child):
    """L1: the student's id number is not the registration's ciphertext
    but one bound to the student row ("s" + id, AAD student.id_number):
    decrypted here with the instance's enc.key (format of crypto/field.h)."""
    from xjtest import key_ring
    sid, sct, rct = s.sql("SELECT st.id, HEX(st.id_number_ct), HEX(r.id_number_ct) FROM student st"
                          " JOIN registration r ON r.id = st.registration_id"
                          " WHERE r.prereg_no = '%s'" % no)[0]
    s.ok(sct != rct, "the student row holds its own ciphertext")
    ct = bytes.fromhex(sct)
    s.eq(ct[0], 2, "row-bound format")
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:     # without python3-cryptography: the server's own check
        import subprocess
        r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "rekey",
                            "--dry-run"], capture_output=True, text=True)
        s.ok(re.search(r"student\.id_number_ct: [1-9]\d* values, 0 to re-encrypt, 0 changed"
                       r" meanwhile, 0 failed", r.stdout), r.stdout + r.stderr)
        return
    key = key_ring(s.stack.path("secrets", "enc.key"))[int.from_bytes(ct[1:5], "big")]
    pt = AESGCM(key).decrypt(ct[5:17], ct[17:], ct[:5] + b"student.id_number\0s" + sid.encode())
    s.eq(pt.decode(), child.id_number, "decrypts for the student's row")
    try:
        AESGCM(key).decrypt(ct[5:17], ct[17:], ct[:5] + b"registration.id_number\0" + no.encode())
        raise Failure("the student's ciphertext must not decrypt as the registration's")
    except Exception as e:
        if isinstance(e, Failure):
            raise


# ---- the whole chain -----------------------------------------------------------

@test("R-ADM-1 the whole chain: register, PSB verifies, school checks and ticks, county approves, notice, parent sees admitted")
def _(s):
    p, no, child = printable(s)
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("GET", APPL + no)
    s.eq(st, 200, "applicant: %r" % (b,))
    s.eq((b["prereg_no"], b["registration_state"], b["identity"], b["form_printable"]),
         (no, "printable", "verified", True))
    s.eq(b["child"]["name"], child.name)
    idm = b["child"]["id_number_masked"]
    # H2: the area code only, the birth date is beside it
    s.ok(idm == child.id_number[:6] + "*" * 12 and child.id_number not in str(b),
         "masked id: %r" % idm)
    s.eq(b["certificates"]["required"], False)
    s.eq(b["documents"]["required"], ["hukou_book", "residence_proof", "birth_certificate"])
    s.eq(b["admission"], None)
    # R-COL-12: the three documents of a local family
    st, h, b = clerk.call("POST", APPL + no + "/documents-checked",
                          {"items": ["hukou_book", "residence_proof", "birth_certificate"],
                           "note": "原件已核对"})
    s.eq(st, 200, "documents: %r" % (b,))
    s.eq((b["documents"]["complete"], b["documents"]["note"]), (True, "原件已核对"))
    st, h, b = tick(clerk, no)
    s.eq(st, 200, "tick: %r" % (b,))
    s.eq((b["registration_state"], b["admission"]["state"], b["admission"]["ours"],
          b["admission"]["school"]["code"]), ("school_accepted", "ticked", True, CY1))
    r = parent_reg(s, p, no)
    s.eq((r["state"], r["school"]["code"]), ("school_accepted", CY1))
    # the school's reviewer sends the list; the county approves it
    rev = signed_in(s, CY1 + ".reviewer")
    lst = submit(s, rev)
    s.eq((lst["state"], lst["school"]["code"], lst["district"]), ("submitted", CY1, CHAOYANG))
    s.ok(no in [c["prereg_no"] for c in lst["items"]], "child on the list")
    county = signed_in(s, CHAOYANG + ".reviewer")
    st, h, b = county.call("GET", LISTS + "?state=submitted")
    s.eq(st, 200)
    s.ok(lst["id"] in [x["id"] for x in b["items"]], "county sees the list")
    st, h, b = decide(county, lst["id"], {"decision": "approve"})
    s.eq(st, 200, "decision: %r" % (b,))
    s.eq(b["state"], "decided")
    s.ok(all(c["state"] == "approved" for c in b["items"]), b)
    s.eq(reg_state(s, no), "district_approved")
    # R-ADM-2: the approval created the student record
    s.eq(s.sql("SELECT COUNT(*) FROM admission a JOIN registration r ON r.id = a.registration_id"
               " WHERE r.prereg_no = '%s' AND a.student_id IS NOT NULL" % no), [["1"]])
    # L1: its copied ciphertexts were re-encrypted for the student's rows
    student_values_bound(s, no, child)
    # the notice
    st, h, b = rev.call("POST", ADM + no + "/notice")
    s.eq(st, 200, "notice: %r" % (b,))
    s.eq(b["state"], "admitted")
    s.ok(b["notice_no"].startswith("LQ" + CY1), b["notice_no"])
    st, h, page = clerk.call("GET", ADM + no + "/notice")
    s.eq(st, 200)
    s.ok(h["content-type"].startswith("text/html"), h["content-type"])
    s.ok("default-src 'none'" in h["content-security-policy"], h["content-security-policy"])
    s.ok("录取通知书" in page and child.name in page and b["notice_no"] in page, "notice page")
    r = parent_reg(s, p, no)
    s.eq((r["state"], r["school"]["code"]), ("admitted", CY1))
    st, h, stat = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)
    s.eq(st, 200)
    s.ok([e for e in stat["history"] if e["event"] == "admit"], "admit in the history")
    # R-ADM-3: each step audited
    for action in ("admission.documents_checked", "admission.tick", "admission.approve",
                   "admission.notice"):
        s.eq(audits(s, action, no), 1, action)
    s.eq(audits(s, "admission_list.submit", str(lst["id"])), 1)
    s.eq(audits(s, "admission_list.decide", str(lst["id"])), 1)
    # a notice is issued once
    st, h, b = rev.call("POST", ADM + no + "/notice")
    s.error_body(b, "invalid_transition", 409, st)


@test("R-ADM-1 only a printable registration can be ticked; a mistyped number is 422")
def _(s):
    child = new_child()
    p = signed_up(s)
    st, h, b = p.register(reg_body(child, school_code=CY1))
    no = b["prereg_no"]
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("GET", APPL + no)
    s.eq((st, b["identity"], b["form_printable"]), (200, "pending", False))
    st, h, b = tick(clerk, no)
    s.error_body(b, "invalid_transition", 409, st)
    bad = no[:-1] + ("0" if no[-1] != "0" else "1")
    st, h, b = clerk.call("GET", APPL + bad)
    s.error_body(b, "validation_failed", 422, st)


@test("R-COL-12 documents checked must be the family's: a non-local item for a local family is not_allowed")
def _(s):
    p, no, child = printable(s)
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("POST", APPL + no + "/documents-checked",
                          {"items": ["hukou_book", "residence_permit", "hukou_book", "nonsense"]})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(sorted((f["field"], f["code"]) for f in e["fields"]),
         [("items[3]", "unknown_code")])
    st, h, b = clerk.call("POST", APPL + no + "/documents-checked",
                          {"items": ["hukou_book", "residence_permit", "hukou_book"]})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(sorted((f["field"], f["code"]) for f in e["fields"]),
         [("items[1]", "not_allowed"), ("items[2]", "duplicate_item")])


# ---- one school per child ---------------------------------------------------------

@test("R-ADM-1 two schools ticking one child at once: exactly one wins, the other gets 409 already_ticked")
def _(s):
    for _ in range(3):
        p, no, child = printable(s)
        a = signed_in(s, CY1 + ".clerk")
        b_ = signed_in(s, CY2 + ".clerk")
        res = {}
        go = threading.Barrier(2)

        def run_tick(name, who):
            go.wait()
            st, h, b = tick(who, no, headers=form_of(child))
            res[name] = (st, b["error"]["code"] if st != 200 else None)
        ts = [threading.Thread(target=run_tick, args=(n, w)) for n, w in (("a", a), ("b", b_))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        got = sorted(res.values(), key=lambda x: x[0])
        s.eq(got, [(200, None), (409, "already_ticked")], "race: %r" % res)
        s.eq(s.sql("SELECT COUNT(*) FROM admission a JOIN registration r ON r.id = a.registration_id"
                   " WHERE r.prereg_no = '%s'" % no), [["1"]])
        s.eq(reg_state(s, no), "school_accepted")
        s.eq(audits(s, "admission.tick", no), 1)


@test("R-ADM-1 untick frees the child for another school; retick works; the parent's chosen school comes back")
def _(s):
    p, no, child = printable(s, school_code=CY2)
    a = signed_in(s, CY1 + ".clerk")
    b_ = signed_in(s, CY2 + ".clerk")
    s.eq(tick(a, no, headers=form_of(child))[0], 200)
    st, h, b = tick(b_, no)
    s.error_body(b, "already_ticked", 409, st)
    st, h, b = tick(b_, no, on=False)          # not theirs to untick
    s.error_body(b, "invalid_transition", 409, st)
    s.eq(parent_reg(s, p, no)["school"]["code"], CY1)
    st, h, b = tick(a, no, on=False)
    s.eq(st, 200, "untick: %r" % (b,))
    s.eq((b["registration_state"], b["admission"]), ("printable", None))
    s.eq(parent_reg(s, p, no)["school"]["code"], CY2, "the parent's choice restored")
    s.eq(tick(b_, no)[0], 200)
    s.eq(audits(s, "admission.untick", no), 1)
    st, h, stat = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)
    s.eq([e["event"] for e in stat["history"] if e["event"].startswith("school_")],
         ["school_tick", "school_untick", "school_tick"])


# ---- returned children ------------------------------------------------------------

@test("R-ADM-1 the county returns one child with a reason and approves the other; the school resubmits the returned one")
def _(s):
    # a district no other test ticks in, so the list holds just these two
    school, district = "1110600001", "110106"
    rev = signed_in(s, school + ".reviewer")
    county = signed_in(s, district + ".admin")
    p1, no1, _ = printable(s, district=district)
    p2, no2, _ = printable(s, district=district)
    for no in (no1, no2):
        s.eq(tick(rev, no)[0], 200)
    lst = submit(s, rev)
    # a return without a reason is refused
    st, h, b = decide(county, lst["id"], {"decision": "approve",
                                          "children": [{"prereg_no": no2, "decision": "return"}]})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([f["field"] for f in e["fields"]], ["children[0].reason"])
    st, h, b = decide(county, lst["id"], {"decision": "approve", "children": [
        {"prereg_no": no2, "decision": "return", "reason": "房产证明<与户籍不符>"}]})
    s.eq(st, 200, "decision: %r" % (b,))
    by = {c["prereg_no"]: (c["state"], c["reason"]) for c in b["items"]}
    s.eq(by[no1], ("approved", None))
    s.eq(by[no2], ("returned", "房产证明<与户籍不符>"))
    s.eq((b["approved"], b["returned"]), (1, 1))
    s.eq(reg_state(s, no2), "school_accepted")
    st, h, b = rev.call("GET", APPL + no2)
    s.eq((b["admission"]["state"], b["admission"]["reason"]), ("returned", "房产证明<与户籍不符>"))
    # a decided list is decided once
    st, h, b = decide(county, lst["id"], {"decision": "approve"})
    s.error_body(b, "invalid_transition", 409, st)
    lst2 = submit(s, rev)
    s.eq([c["prereg_no"] for c in lst2["items"]], [no2])
    st, h, b = decide(county, lst2["id"], {"decision": "approve"})
    s.eq(st, 200)
    s.eq(reg_state(s, no2), "district_approved")
    s.eq(audits(s, "admission.return", no2), 1)
    # nothing left to send
    st, h, b = rev.call("POST", LISTS)
    s.error_body(b, "nothing_to_submit", 409, st)


@test("the notice page escapes every value (a school name with markup stays text)")
def _(s):
    code = CY2
    s.sql("UPDATE org SET name = '北京市<b>\"朝阳\"</b>&第二中学' WHERE kind = 'school' AND code = '%s'" % code)
    try:
        p, no, child = printable(s, school_code=code)
        rev = signed_in(s, code + ".reviewer")
        s.eq(tick(rev, no)[0], 200)
        lst = submit(s, rev)
        county = signed_in(s, CHAOYANG + ".reviewer")
        s.eq(decide(county, lst["id"], {"decision": "approve"})[0], 200)
        st, h, b = rev.call("GET", ADM + no + "/notice")
        s.error_body(b, "notice_not_issued", 409, st)
        s.eq(rev.call("POST", ADM + no + "/notice")[0], 200)
        st, h, page = rev.call("GET", ADM + no + "/notice")
        s.eq(st, 200)
        s.ok("<b>" not in page and "&lt;b&gt;&quot;朝阳&quot;&lt;/b&gt;&amp;第二中学" in page,
             "escaped: %r" % page[page.find("录取学校"):][:200])
    finally:
        s.sql("UPDATE org SET name = '北京市朝阳区第二中学' WHERE kind = 'school' AND code = '%s'" % code)


# ---- scope (R-ORG-3) -----------------------------------------------------------------

@test("R-ORG-3 a school reading or ticking another county's applicant gets 404")
def _(s):
    p, no, child = printable(s)          # Chaoyang
    hd = signed_in(s, HD1 + ".clerk")
    for method, path in (("GET", APPL + no), ("POST", APPL + no + "/tick"),
                         ("POST", APPL + no + "/documents-checked")):
        st, h, b = hd.call(method, path, {"items": []} if "documents" in path else None)
        s.error_body(b, "not_found", 404, st)


@test("R-ORG-3 a county acting outside its territory gets 404; a clerk doing a reviewer's step gets 403")
def _(s):
    p, no, child = printable(s)
    clerk = signed_in(s, CY1 + ".clerk")
    s.eq(tick(clerk, no)[0], 200)
    st, h, b = clerk.call("POST", LISTS)
    s.error_body(b, "forbidden", 403, st)
    rev = signed_in(s, CY1 + ".reviewer")
    lst = submit(s, rev)
    hd = signed_in(s, HAIDIAN + ".reviewer")
    st, h, b = decide(hd, lst["id"], {"decision": "approve"})
    s.error_body(b, "not_found", 404, st)
    st, h, b = hd.call("GET", "%s/%d" % (LISTS, lst["id"]))
    s.error_body(b, "not_found", 404, st)
    st, h, b = hd.call("GET", LISTS)
    s.ok(lst["id"] not in [x["id"] for x in b["items"]], "not in Haidian's lists")
    # a school cannot decide, a clerk cannot issue the notice
    st, h, b = decide(rev, lst["id"], {"decision": "approve"})
    s.error_body(b, "forbidden", 403, st)
    county = signed_in(s, CHAOYANG + ".reviewer")
    s.eq(decide(county, lst["id"], {"decision": "approve"})[0], 200)
    st, h, b = clerk.call("POST", ADM + no + "/notice")
    s.error_body(b, "forbidden", 403, st)
    # another school of the same county does not see this admission's notice
    other = signed_in(s, CY2 + ".reviewer")
    st, h, b = other.call("POST", ADM + no + "/notice")
    s.error_body(b, "not_found", 404, st)
    # the city sees the list, but the decision is the county's
    city = signed_in(s, "bj.city.reviewer")
    st, h, b = city.call("GET", "%s/%d" % (LISTS, lst["id"]))
    s.eq(st, 200)


@test("R-ORG-3 the access matrix (tests/api/access_matrix.txt) holds for every row")
def _(s):
    import os
    p, no, child = printable(s)
    owner = signed_in(s, CY1 + ".reviewer")
    s.eq(tick(owner, no)[0], 200)
    lst = submit(s, owner)
    fails = []
    with open(os.path.join(SRCDIR, "tests", "api", "access_matrix.txt"), encoding="utf-8") as f:
        rows = [l.split("#")[0].strip() for l in f]
    # the rows of certificates of student status need a student record and
    # a certificate: tests/api/certificate_docs.py runs them
    rows = [[c.strip() for c in l.split(",")] for l in rows if l and "status-certificates" not in l]
    s.ok(all(len(r) in (4, 5) for r in rows), "four or five columns per row")
    s.ok(len(rows) >= 20, "matrix rows: %d" % len(rows))
    st, h, page = p.call("GET", "/api/parent/v1/registrations/%s/form" % no,
                         headers={"Accept": "text/html"})
    s.eq(st, 200)
    token = re.search(r'id="form-token">[^<：]*：([0-9A-Z-]+)<', page).group(1)
    proofs = {"form": {"X-Form-Token": token}, "qr": {"X-Form-Token": no + "-" + token.replace("-", "")},
              "id": form_of(child), "wrong-id": {"X-Child-Id-Number": "110101201001010011"}}
    for row in rows:
        like, scope, endpoint, want = row[:4]
        headers = proofs[row[4]] if len(row) == 5 else None
        staff = signed_in(s, like)
        method, path = endpoint.split(" ", 1)
        path = path.replace("{no}", no).replace("{list}", str(lst["id"]))
        body = None
        if path.endswith("/decision"):
            body = {"decision": "return", "reason": "matrix"}
        elif path.endswith("/documents-checked"):
            body = {"items": ["hukou_book"]}
        elif path.endswith("/void"):
            body = {"reason": "matrix"}
        elif path.endswith("/resolutions"):
            body = {"student_id": 1, "action": "delete", "evidence": "matrix"}
        st, h, b = staff.call(method, path, body, headers=headers)
        if str(st) != want:
            fails.append("%s %s %s %s: got %d, want %s (%r)" % (like, scope, endpoint,
                                                                 row[4:], st, want, b))
    s.eq(fails, [])


# ---- district changes after the window (R-COL-4) ----------------------------------------

@test("R-COL-4 after the window: the old county revokes, the new county approves; the old form is void and the child is registered in the new district")
def _(s):
    p, no, child = printable(s, school_code=None)
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
        other = signed_in(s, "110101.reviewer")
        for who in (old, new):
            st, h, b = who.call("GET", CHANGES)
            s.ok(cid in [x["id"] for x in b["items"]], "both counties see it")
        st, h, b = other.call("GET", CHANGES)
        s.ok(cid not in [x["id"] for x in b["items"]], "a third county does not")
        st, h, b = other.call("POST", "%s/%d/revoke" % (CHANGES, cid))
        s.error_body(b, "not_found", 404, st)
        st, h, b = new.call("POST", "%s/%d/revoke" % (CHANGES, cid))
        s.error_body(b, "forbidden", 403, st)
        # the new county decides only after the revoke
        st, h, b = new.call("POST", "%s/%d/decision" % (CHANGES, cid), {"decision": "approve"})
        s.error_body(b, "invalid_transition", 409, st)
        st, h, b = old.call("POST", "%s/%d/revoke" % (CHANGES, cid))
        s.eq((st, b["state"]), (200, "revoked"), "revoke: %r" % (b,))
        st, h, b = new.call("POST", "%s/%d/decision" % (CHANGES, cid), {"decision": "approve"})
        s.eq(st, 200, "approve: %r" % (b,))
        s.eq(b["state"], "approved")
        new_no = b["new_prereg_no"]
        s.ok(new_no and new_no != no and new_no[2:8] == HAIDIAN, new_no)
        s.eq(reg_state(s, no), "void")
        s.eq(s.sql("SELECT county_code, state, parent_id = (SELECT parent_id FROM registration"
                   " WHERE prereg_no = '%s') FROM registration WHERE prereg_no = '%s'" % (no, new_no)),
             [[HAIDIAN, "submitted", "1"]])
        s.eq(s.sql("SELECT COUNT(*) FROM psb_request q JOIN registration r ON r.id = q.registration_id"
                   " WHERE r.prereg_no = '%s' AND q.state = 'pending'" % new_no), [["1"]])
        r = parent_reg(s, p, new_no)
        s.eq((r["district"]["code"], r["child"]["name"]), (HAIDIAN, child.name))
        s.eq(audits(s, "district_change.revoke", no), 1)
        s.eq(audits(s, "district_change.approve", no), 1)
    finally:
        s.sql("UPDATE collection_window SET closes_at = MAKEDATE(%d, 1)"
              " WHERE year = %s AND division_code = '110000'" % (int(year) + 1, year))


@test("R-COL-4 a district change is not possible once a school ticked the child; refusing needs a reason")
def _(s):
    p, no, child = printable(s)
    year = s.sql("SELECT year FROM registration WHERE prereg_no = '%s'" % no)[0][0]
    s.sql("UPDATE collection_window SET closes_at = UTC_TIMESTAMP(6) - INTERVAL 1 DAY"
          " WHERE year = %s AND division_code = '110000'" % year)
    try:
        st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/district-change" % no,
                          {"district": HAIDIAN, "reason": "搬家"})
        s.eq(st, 201)
        cid = b["items"][-1]["id"]
        clerk = signed_in(s, CY1 + ".clerk")
        s.eq(tick(clerk, no)[0], 200)
        old = signed_in(s, CHAOYANG + ".admin")
        new = signed_in(s, HAIDIAN + ".admin")
        s.eq(old.call("POST", "%s/%d/revoke" % (CHANGES, cid))[0], 200)
        st, h, b = new.call("POST", "%s/%d/decision" % (CHANGES, cid), {"decision": "approve"})
        s.error_body(b, "registration_accepted", 409, st)
        s.eq(reg_state(s, no), "school_accepted")
        st, h, b = new.call("POST", "%s/%d/decision" % (CHANGES, cid), {"decision": "refuse"})
        s.error_body(b, "validation_failed", 422, st)
        st, h, b = new.call("POST", "%s/%d/decision" % (CHANGES, cid),
                            {"decision": "refuse", "reason": "学校已确认接收"})
        s.eq((st, b["state"]), (200, "refused"))
    finally:
        s.sql("UPDATE collection_window SET closes_at = MAKEDATE(%d, 1)"
              " WHERE year = %s AND division_code = '110000'" % (int(year) + 1, year))



@test("R-REC-9 an unlicensed school cannot tick a child: it gets no student records")
def _(s):
    p, no, child = printable(s, school_code=CY2)
    s.sql("UPDATE org SET licensed = 0 WHERE kind = 'school' AND code = '%s'" % CY2)
    try:
        clerk = signed_in(s, CY2 + ".clerk")
        st, h, b = tick(clerk, no)
        s.error_body(b, "school_unlicensed", 409, st)
        s.eq(reg_state(s, no), "printable", "unchanged")
    finally:
        s.sql("UPDATE org SET licensed = 1 WHERE kind = 'school' AND code = '%s'" % CY2)


@test("R-REC-9 a child who already has a primary-school record is not recorded again (repeater)")
def _(s):
    # an earlier record of the same child: the chain for one registration,
    # then a second registration given that child's identity (as a record
    # from an earlier year or an import would be)
    p, first, child = printable(s)
    clerk = signed_in(s, CY1 + ".clerk")
    reviewer = signed_in(s, CY1 + ".reviewer")
    county = signed_in(s, CHAOYANG + ".reviewer")
    s.eq(tick(clerk, first)[0], 200)
    lst = submit(s, reviewer)
    st, h, b = decide(county, lst["id"], {"decision": "approve"})
    s.eq(st, 200, b)
    s.eq(s.sql("SELECT COUNT(*) FROM student s JOIN registration r ON r.id = s.registration_id"
               " WHERE r.prereg_no = '%s'" % first)[0][0], "1")
    p2, second, _ = printable(s)
    s.sql("UPDATE registration r2 JOIN registration r1 ON r1.prereg_no = '%s'"
          " SET r2.child_bidx = r1.child_bidx WHERE r2.prereg_no = '%s'" % (first, second))
    st, h, b = tick(clerk, second)
    s.error_body(b, "repeater_not_recorded", 409, st)


@test("issue 14: the session lists what the account may do (\"may\"), and each listed or missing action answers so")
def _(s):
    # (route, the action it needs); an unknown target: 404 when allowed
    # (out of scope or none), 403 when the action is not the account's
    probes = [("GET", APPL + "2611010534644218", "applicant"),
              ("POST", APPL + "2611010534644218/tick", "tick"),
              ("POST", LISTS, "list_submit"),      # probed only where refused: it sends a list
              ("POST", LISTS + "/999999999/decision", "list_decide"),
              ("GET", "/api/school/v1/certificate-reviews", "cert_read"),
              ("GET", "/api/school/v1/no-id-reviews", "noid_read"),
              ("GET", CHANGES, "change_read")]
    for like in (CY1 + ".clerk", CY1 + ".reviewer", CHAOYANG + ".reviewer", "bj.city.admin"):
        staff = signed_in(s, like)
        st, h, b = staff.call("GET", "/api/school/v1/session")
        s.eq(st, 200)
        may = b["may"]
        s.ok(len(set(may)) == len(may), "%s: no name twice: %r" % (like, may))
        for method, path, act in probes:
            if act == "list_submit" and act in may:
                continue
            st, h, b = staff.call(method, path, {"reasons": []} if "decision" in path else None)
            if act in may:
                s.ok(st != 403, "%s may %s, but %s %s answers 403" % (like, act, method, path))
            else:
                s.error_body(b, "forbidden", 403, st)
    may = {}
    for like in (CY1 + ".clerk", CY1 + ".reviewer", CHAOYANG + ".reviewer"):
        st, h, b = signed_in(s, like).call("GET", "/api/school/v1/session")
        may[like] = set(b["may"])
    s.ok({"applicant", "tick", "rec_read"} <= may[CY1 + ".clerk"], "a school clerk: %r" % may[CY1 + ".clerk"])
    s.ok("list_submit" not in may[CY1 + ".clerk"], "a clerk does not submit lists")
    s.ok("list_submit" in may[CY1 + ".reviewer"], "a school reviewer submits lists")
    s.ok({"list_decide", "cert_decide", "noid_decide", "change_decide"} <= may[CHAOYANG + ".reviewer"],
         "a county reviewer: %r" % may[CHAOYANG + ".reviewer"])
    s.ok("tick" not in may[CHAOYANG + ".reviewer"], "a county does not tick")


run()
