"""Black-box: the access matrix of the school portal, generated from its
one policy table (issue 11 item 2, R-ORG-3; src/school/scope.c).

`xuejid --print-access-policy` prints, for every staff route, the action
it names, the org kinds and roles that may take it and the scope of the
target it needs. For every route x every kind of demo account (src/ctl/
seed.c: school clerk and reviewer, county reviewer and admin, city,
province, ministry) x a target in and out of the account's scope, the
expected answer is derived from that printed row and checked against the
running stack:
  - role or org kind not in the row: 403 forbidden (the dispatcher's,
    whatever the target);
  - allowed, the target outside the scope: 404 (as for a target that does
    not exist);
  - allowed and in scope: the handler ran -- neither 403 nor 404 (2xx, or
    its own 409/422...);
  - the scopes naming one party of a case (the open step's org, the
    initiating school, a district change's old or new county): another
    party that sees the case gets the handler's 403.
Targets come from a fixture table below: per path parameter ({no}, {id}
of a list/student/case/group/batch/change, {serial}, {login}) one target
of 北京市朝阳区 school 1110500001 (A) and one of 海淀区 school 1110800001
(C); each account meets both. Routes without a target check the role x
kind part only. The hand-written cases that need what a table cannot say
(the printed form, QR and identity number presented at another school,
review M5) stay in tests/api/access_matrix.txt.

The test fails when a row and its handler disagree: e.g. a row naming
scope `own-school` where the handler lets the county read (the county gets
200 where the row says 404; tried: PROBLEM_READ's scope set to own-school
fails here), a handler still refusing a role the row allows, or a staff
route that names no action (xuejid then refuses to print, as to start).
What it cannot catch is a row that is wrong by itself -- looser than the
domain rules say: the dispatcher enforces the row, so table and answers
agree. tests/api/access_matrix.txt's hand-written expectations, written
from the rules, catch that."""
import os
import subprocess

from parent import certs, new_child, reg_body, signed_up
from staff import new_account, signed_in
from wfcases import admitted_with_parent, started
from xjtest import BUILDDIR, run, test

import population
import samplefiles

API = "/api/school/v1"
CHAOYANG, HAIDIAN, DONGCHENG = "110105", "110108", "110101"
A, A2 = "1110500001", "1110500002"     # 朝阳: A, and the school A's transfer comes from
C, C2 = "1110800001", "1110800002"     # 海淀: C, and C's
NONLOCAL_HUKOU = "440305000000"

# the demo accounts: (login to clone, org kind, role, org code, county, path)
ACCOUNTS = [
    (A + ".clerk", "school", "clerk", A, CHAOYANG),
    (A + ".reviewer", "school", "reviewer", A, CHAOYANG),
    (C + ".clerk", "school", "clerk", C, HAIDIAN),
    (C + ".reviewer", "school", "reviewer", C, HAIDIAN),
    (CHAOYANG + ".reviewer", "county", "reviewer", CHAOYANG, CHAOYANG),
    (CHAOYANG + ".admin", "county", "admin", CHAOYANG, CHAOYANG),
    (HAIDIAN + ".reviewer", "county", "reviewer", HAIDIAN, HAIDIAN),
    (HAIDIAN + ".admin", "county", "admin", HAIDIAN, HAIDIAN),
    (DONGCHENG + ".reviewer", "county", "reviewer", DONGCHENG, DONGCHENG),
    ("bj.city.reviewer", "city", "reviewer", "110100", None),
    ("bj.city.admin", "city", "admin", "110100", None),
    ("bj.reviewer", "province", "reviewer", "110000", None),
    ("bj.admin", "province", "admin", "110000", None),
    ("moe.reviewer", "ministry", "reviewer", "000000", None),
    ("moe.admin", "ministry", "admin", "000000", None),
]


def policy():
    """The printed table: [(method, path, action, kinds, roles, scope)]."""
    out = subprocess.run([os.path.join(BUILDDIR, "xuejid"), "--print-access-policy"],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m, p, act, kinds, roles, scope = line.split("\t")
        rows.append((m, p, act, set(kinds.split(",")) - {"-"}, set(roles.split(",")) - {"-"},
                     scope))
    return rows


def holds(acc, school, county):
    """1 when the account's org is the school, its county, or a bureau above
    (the demo seed has one province and one city)."""
    kind, code = acc[1], acc[3]
    if kind == "school":
        return code == school
    if kind == "county":
        return code == county
    return True


class Target:
    """One target of a route: its path value and who holds it.
    `at`: (school, county) of the target; `party`: the orgs that see a
    case; `acts`: the (org code, role) that is the one party of
    step/initiator/old-/new-county; `refuse`: who sees it but is not the
    one party (the handler's 403)."""

    def __init__(self, value, school, county, parties=None, one=None):
        self.value = value
        self.school, self.county = school, county
        self.parties = parties or [(school, county)]
        self.one = one          # (org code, roles) the acting party, if the scope names one

    def visible(self, acc):
        return any(holds(acc, sch, cty) for sch, cty in self.parties)


def expect(row, acc, tgt):
    """(set of allowed statuses or None for 'handler ran', why)"""
    m, p, act, kinds, roles, scope = row
    if acc[1] not in kinds or acc[2] not in roles:
        return {403}, "forbidden by the row"
    if tgt is None:
        return None, "allowed, no target"
    if scope in ("step", "initiator", "old-county", "new-county"):
        if not tgt.visible(acc):
            return {404}, "allowed, out of scope"
        code, who = tgt.one
        if acc[3] == code and acc[2] in who:
            return None, "allowed, the acting party"
        return {403}, "allowed, sees the case but is not the acting party"
    if scope == "party":
        return (None, "allowed, a party") if tgt.visible(acc) else ({404}, "allowed, not a party")
    if scope == "path":
        inside = holds(acc, tgt.school, tgt.county)
    elif scope in ("own-school", "applicant"):
        # the target's own school (the chosen or holding one); the printed
        # form that opens an applicant to the county's other schools is
        # access_matrix.txt's
        inside = acc[1] == "school" and acc[3] == tgt.school
    elif scope == "county":
        inside = acc[1] == "county" and acc[3] == tgt.county
    else:
        return {0}, "a scope this test does not know: %s" % scope
    return (None, "allowed, in scope") if inside else ({404}, "allowed, out of scope")


# ---- fixtures: one target of school A (朝阳) and one of school C (海淀) ----

def printable(s, school, county):
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child(), district=county, hukou=county + "000000",
                                   school_code=school))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    # stands in for the PSB gateway's psb_match of a local family
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND local_family = 1" % no)
    return p, no


def ticked(s, school, county):
    p, no = printable(s, school, county)
    st, h, b = signed_in(s, school + ".clerk").call("POST", "%s/applicants/%s/tick" % (API, no))
    s.ok(st in (200, 201), "tick: %s %r" % (st, b))
    return no


def with_certificates(s, county):
    """a non-local family's registration with its five certificates filed"""
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child(), district=county, hukou=NONLOCAL_HUKOU))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/certificates" % no, certs())
    s.ok(st in (200, 201), "certificates: %s %r" % (st, b))
    return no


def a_list(s, school, county):
    ticked(s, school, county)
    st, h, b = signed_in(s, school + ".reviewer").call("POST", API + "/admission-lists")
    s.ok(st in (200, 201), "list: %s %r" % (st, b))
    return b["id"]


def twins(s, school, county):
    """a problem group: one child and its namesake twin admitted to school"""
    a = new_child()
    seq = int(a.id_number[14:17])
    seq2 = (seq + 2) % 1000 or 2 + seq % 2
    y, m, d = (int(x) for x in a.birth_date.split("-"))
    b = population.Person(index=-1, name=a.name, sex=a.sex, birth_date=a.birth_date,
                          id_doc_type="1", id_number=population.make_id(a.area, y, m, d, seq2),
                          area=a.area)
    sids = []
    for child in (a, b):
        p = signed_up(s)
        st, h, r = p.register(reg_body(child, district=county, hukou=county + "000000",
                                       school_code=school))
        s.eq(st, 201, "registration: %r" % (r,))
        no = r["prereg_no"]
        s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
              " AND state = 'submitted' AND local_family = 1" % no)
        st, h, r = signed_in(s, school + ".clerk").call("POST", "%s/applicants/%s/tick" % (API, no))
        s.ok(st in (200, 201), "tick: %s %r" % (st, r))
        st, h, lst = signed_in(s, school + ".reviewer").call("POST", API + "/admission-lists")
        st, h, r = signed_in(s, county + ".reviewer").call(
            "POST", "%s/admission-lists/%s/decision" % (API, lst["id"]), {"decision": "approve"})
        s.eq(st, 200, "approval: %r" % (r,))
        sids.append(int(s.sql("SELECT s.id FROM student s JOIN registration r ON"
                              " r.id = s.registration_id WHERE r.prereg_no = '%s'" % no)[0][0]))
    gid = s.sql("SELECT m.group_id FROM problem_member m WHERE m.student_id = %d" % sids[1])
    s.ok(gid, "a problem group for the twins")
    return int(gid[0][0]), sids[1]


def a_case(s, recv, send, county):
    """a same-county transfer: recv applies for a student of send; the
    open step's org and role, for the decision"""
    p, no, sid = admitted_with_parent(s, send, county)
    b = started(s, signed_in(s, recv + ".clerk"), sid)
    step = [x for x in b["steps"] if x["state"] == "open"][0]
    return b["id"], step["seq"], step["org"]["code"]


def a_batch(s, school):
    year = s.sql("SELECT YEAR(UTC_DATE()) - IF(MONTH(UTC_DATE()) >= 9, 0, 1) - 1")[0][0]
    st, h, b = signed_in(s, school + ".reviewer").call(
        "POST", API + "/yearend-batches", {"kind": "promotion", "school_year": int(year)})
    s.eq(st, 201, "year-end batch: %r" % (b,))
    return b["id"]


def registered_in(s, county):
    """a local family's printable registration in county, no school chosen"""
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child(), district=county, hukou=county + "000000"))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND local_family = 1" % no)
    return p, no


def a_change(s, p, no, new):
    """a district change of registration no after the window, to county new"""
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/district-change" % no,
                      {"district": new, "reason": "搬家"})
    s.eq(st, 201, "district change: %r" % (b,))
    return b["items"][-1]["id"]


def fixtures(s):
    """{route path: (Target of A, Target of C)}, and the bodies by path"""
    T = {}
    side = {}
    for tag, (sch, sch2, cty) in {"A": (A, A2, CHAOYANG), "C": (C, C2, HAIDIAN)}.items():
        f = {}
        f["no"] = Target(ticked(s, sch, cty), sch, cty)
        f["cert"] = Target(with_certificates(s, cty), None, cty)
        f["list"] = Target(a_list(s, sch, cty), sch, cty)
        p, no, sid = admitted_with_parent(s, sch, cty)
        f["student"] = Target(sid, sch, cty)
        st, h, b = signed_in(s, sch + ".clerk").call(
            "POST", "%s/students/%d/evidence-files" % (API, sid), raw=samplefiles.jpeg(),
            headers={"Content-Type": "image/jpeg"})
        s.eq(st, 201, "evidence file: %r" % (b,))
        f["evfile"] = Target(b["file"]["id"], sch, cty)
        st, h, b = signed_in(s, sch + ".clerk").call(
            "POST", "%s/students/%d/status-certificates" % (API, sid))
        s.eq(st, 201, "certificate: %r" % (b,))
        f["serial"] = Target(b["serial"], sch, cty)
        f["login"] = Target(new_account(s, sch + ".clerk"), sch, cty)
        gid, twin = twins(s, sch, cty)
        f["group"] = Target(gid, sch, cty)
        f["twin"] = twin
        f["batch"] = Target(a_batch(s, sch), sch, cty)
        case, seq, org = a_case(s, sch, sch2, cty)
        parties = [(sch, cty), (sch2, cty)]
        f["case_read"] = Target(case, sch, cty, parties)
        f["case_step"] = Target(case, sch, cty, parties, (org, {"reviewer", "admin"}))
        f["case_init"] = Target(case, sch, cty, parties, (sch, {"reviewer"}))
        f["step"] = seq
        side[tag] = f
    # district changes need the window closed; they go between the two counties
    regs = {CHAOYANG: registered_in(s, CHAOYANG), HAIDIAN: registered_in(s, HAIDIAN)}
    year = s.sql("SELECT year FROM registration WHERE prereg_no = '%s'" % side["A"]["no"].value)[0][0]
    s.sql("UPDATE collection_window SET closes_at = UTC_TIMESTAMP(6) - INTERVAL 1 DAY"
          " WHERE year = %s AND division_code = '110000'" % year)
    try:
        for tag, old, new in (("A", CHAOYANG, HAIDIAN), ("C", HAIDIAN, CHAOYANG)):
            cid = a_change(s, *regs[old], new)
            both = [(None, old), (None, new)]
            side[tag]["revoke"] = Target(cid, None, old, both, (old, {"reviewer", "admin"}))
            side[tag]["decide"] = Target(cid, None, new, both, (new, {"reviewer", "admin"}))
    finally:
        s.sql("UPDATE collection_window SET closes_at = MAKEDATE(%d, 1)"
              " WHERE year = %s AND division_code = '110000'" % (int(year) + 1, year))
    return side


# route -> (fixture key, body or a function of the side's fixtures)
ROUTES = {
    "GET /api/school/v1/certificate-reviews/{no}": ("cert", None),
    "POST /api/school/v1/certificate-reviews/{no}/decision": (
        "cert", {"decision": "reject", "reason": "matrix"}),
    "POST /api/school/v1/no-id-reviews/{no}/decision": ("no", {"decision": "return", "reason": "matrix"}),
    "POST /api/school/v1/accounts/{login}/disable": ("login", None),
    "POST /api/school/v1/accounts/{login}/password-reset": ("login", {"new_password": "matrix2026x"}),
    "POST /api/school/v1/accounts/{login}/enable": ("login", None),
    "GET /api/school/v1/applicants/{no}": ("no", None),
    "POST /api/school/v1/applicants/{no}/documents-checked": ("no", {"items": ["hukou_book"]}),
    "POST /api/school/v1/applicants/{no}/tick": ("no", None),
    "POST /api/school/v1/applicants/{no}/untick": ("no", None),
    "GET /api/school/v1/admission-lists/{id}": ("list", None),
    "POST /api/school/v1/admission-lists/{id}/decision": ("list", {"decision": "return", "reason": "matrix"}),
    "POST /api/school/v1/admissions/{no}/notice": ("no", None),
    "GET /api/school/v1/admissions/{no}/notice": ("no", None),
    "POST /api/school/v1/district-changes/{id}/revoke": ("revoke", None),
    "POST /api/school/v1/district-changes/{id}/decision": ("decide", {"decision": "refuse", "reason": "matrix"}),
    "POST /api/school/v1/registrations/{no}/void": ("no", {"reason": "matrix"}),
    "GET /api/school/v1/students/{id}": ("student", None),
    "PATCH /api/school/v1/students/{id}": ("student", {}),
    "POST /api/school/v1/students/{id}/class": ("student", {"class_code": "0000000"}),
    "POST /api/school/v1/students/{id}/status-certificates": ("student", None),
    "GET /api/school/v1/status-certificates/{serial}": ("serial", None),
    "GET /api/school/v1/status-certificates/{serial}/print": ("serial", None),
    "GET /api/school/v1/workflow/cases/{id}": ("case_read", None),
    "POST /api/school/v1/workflow/cases/{id}/decision": (
        "case_step", lambda f: {"step": f["step"], "decision": "reject", "reason": "matrix"}),
    "POST /api/school/v1/workflow/cases/{id}/escalation": (
        "case_init", lambda f: {"step": f["step"], "reason": "matrix"}),
    "GET /api/school/v1/students/{id}/workflow-cases": ("student", None),
    "GET /api/school/v1/yearend-batches/{id}": ("batch", None),
    "POST /api/school/v1/yearend-batches/{id}/start": ("batch", None),
    "GET /api/school/v1/students/{id}/history": ("student", None),
    "GET /api/school/v1/problem-groups/{id}": ("group", None),
    "POST /api/school/v1/problem-groups/{id}/resolutions": (
        "group", lambda f: {"student_id": f["twin"], "action": "delete", "evidence": "matrix"}),
    # issue 12 item 3: an upload's body is the file itself (bytes, not JSON)
    "POST /api/school/v1/students/{id}/evidence-files": ("student", lambda f: samplefiles.jpeg()),
    "GET /api/school/v1/students/{id}/evidence-files": ("student", None),
    "GET /api/school/v1/evidence-files/{id}": ("evfile", None),
    # issue 11 item 6: a status change the handler refuses (no such type)
    "POST /api/school/v1/students/{id}/status-changes": ("student", {"type": "matrix"}),
    "GET /api/school/v1/students/{id}/status-changes": ("student", None),
    # issue 12 item 4: a change request the handler refuses (no evidence file)
    "POST /api/school/v1/students/{id}/key-data-changes": (
        "student", {"changes": {"name": "矩阵"}, "reason": "matrix", "evidence": "matrix"}),
}

# the session and one's own credentials: each account on a session of its own
SELF = {
    "GET /api/school/v1/session": None,
    "PUT /api/school/v1/account/password": {},
    "POST /api/school/v1/account/second-factor": None,
    "POST /api/school/v1/account/second-factor/confirmation": {},
    "DELETE /api/school/v1/session": None,
}


def verdict(st, want):
    if want is None:
        return st not in (401, 403, 404) and st < 500
    return st in want


@test("R-ORG-3 issue 11: every staff route names an action of the one policy table")
def _(s):
    rows = policy()
    s.ok(len(rows) >= 50, "printed rows: %d" % len(rows))
    s.eq([(m, p) for m, p, act, k, r, sc in rows if act == "-"], [], "staff routes without an action")
    targeted = {"%s %s" % (m, p) for m, p, act, k, r, sc in rows if "{" in p}
    s.eq(sorted(targeted - set(ROUTES)), [], "routes with a target and no fixture here")


@test("R-ORG-3 the generated matrix: every route x every kind of account x in and out of scope answers as its policy row says")
def _(s):
    rows = policy()
    side = fixtures(s)
    staff = {acc[0]: signed_in(s, acc[0]) for acc in ACCOUNTS}
    fails, n, seen = [], 0, {}
    for row in rows:
        m, p, act, kinds, roles, scope = row
        key = "%s %s" % (m, p)
        if key in SELF:
            continue
        if "{" not in p:
            # no target: the role x kind part only; a body the handler refuses
            # (422) or a list, never a write that sticks
            body = {} if m in ("POST", "PUT", "PATCH") and "admission-lists" not in p else None
            for acc in ACCOUNTS:
                want, why = expect(row, acc, None)
                st, h, b = staff[acc[0]].call(m, p, body)
                n += 1
                if not verdict(st, want):
                    fails.append("%s %s as %s: %d %r, want %s (%s)" % (m, p, acc[0], st,
                                 b.get("error") if isinstance(b, dict) else b, want or "ran", why))
            continue
        fix, body = ROUTES[key]
        for tag in ("A", "C"):
            f = side[tag]
            tgt = f[fix]
            path = p.replace(p[p.index("{"):p.index("}") + 1], str(tgt.value))
            for acc in ACCOUNTS:
                bd = body(f) if callable(body) else body
                want, why = expect(row, acc, tgt)
                if isinstance(bd, bytes):
                    st, h, b = staff[acc[0]].call(m, path, raw=bd,
                                                  headers={"Content-Type": "application/octet-stream"})
                else:
                    st, h, b = staff[acc[0]].call(m, path, bd)
                n += 1
                seen.setdefault(why, {}).setdefault(st, 0)
                seen[why][st] += 1
                if not verdict(st, want):
                    fails.append("%s %s [%s's] as %s: %d %r, want %s (%s)" % (
                        m, p, tag, acc[0], st, b.get("error") if isinstance(b, dict) else b,
                        want or "ran", why))
    print("# answers by expectation: %r" % seen)
    s.ok(n > 1000, "requests: %d" % n)
    s.eq(fails, [])


@test("R-ORG-3 M10 the session and one's own credentials: every staff member, whatever the org kind and role")
def _(s):
    rows = [r for r in policy() if "%s %s" % (r[0], r[1]) in SELF]
    s.eq(len(rows), len(SELF))
    s.ok(all(r[5] == "self" for r in rows), "scope self: %r" % rows)
    fails = []
    for acc in ACCOUNTS:
        me = signed_in(s, acc[0])
        for row in sorted(rows, key=lambda r: r[0] == "DELETE"):     # logout last
            want, why = expect(row, acc, None)
            st, h, b = me.call(row[0], row[1], SELF["%s %s" % (row[0], row[1])])
            if not verdict(st, want):
                fails.append("%s %s as %s: %d %r" % (row[0], row[1], acc[0], st, b))
    s.eq(fails, [])


run()
