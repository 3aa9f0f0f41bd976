"""Black-box: problem records (问题学籍) detected at the door (issue 12
item 1, R-DUP-1, R-COL-7, R-REC-5, R-MOV-2 code 2003) and the problem
groups as staff read them.

Records come into being through the real chain (parent registers, school
ticks, list, county approval); the approval runs the duplicate check in
its transaction. What no endpoint of ours produces yet is stood in for
with SQL, said where:
 - the PSB answer (a local family's registration made printable), as in
   records.py;
 - a record of another level carrying the same identity number (what the
   ministry exchange or a batch import will bring: both are later parts),
   made by re-pointing an existing record's identity index;
 - data that disagrees with its identity number or a name typed with a
   space (a later key-data change or an import), written into the
   registration before the approval copies it;
 - the resolution of a group (issue 12 item 3, not built), to show a
   group reappearing."""
import re

import samplefiles
from parent import new_child, reg_body, signed_up
from staff import signed_in
from xjtest import run, test

import population

API = "/api/school/v1"
GROUPS = API + "/problem-groups"
CHAOYANG, HAIDIAN = "110105", "110108"
CY1, CY2, CY3 = "1110500001", "1110500002", "1110500003"
HD1 = "1110800001"


def q1(s, sql):
    return s.sql(sql)[0][0]


def registered(s, child, school, county=CHAOYANG):
    """child (a population.Person) registered by a new family choosing
    school; printable (the PSB answer stood in for). Its prereg_no."""
    p = signed_up(s)
    st, h, b = p.register(reg_body(child, district=county, hukou=county + "000000",
                                   school_code=school))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND local_family = 1" % no)
    return no


def approve(s, nos, school, county=CHAOYANG):
    """The children nos ticked by school, listed and approved by county:
    (their student ids, the approval's response headers)."""
    clerk = signed_in(s, school + ".clerk")
    for no in nos:
        st, h, b = clerk.call("POST", "%s/applicants/%s/tick" % (API, no))
        s.ok(st in (200, 201), "tick %s: %s %r" % (no, st, b))
    st, h, lst = signed_in(s, school + ".reviewer").call("POST", API + "/admission-lists")
    s.ok(st in (200, 201), "list submit: %s %r" % (st, lst))
    st, h, b = signed_in(s, county + ".reviewer").call(
        "POST", "%s/admission-lists/%s/decision" % (API, lst["id"]), {"decision": "approve"})
    s.eq(st, 200, "county approval: %r" % (b,))
    ids = [int(q1(s, "SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                     " WHERE r.prereg_no = '%s'" % no)) for no in nos]
    return ids, h


def admit(s, child, school=CY1, county=CHAOYANG, before=None):
    """One child admitted; before(prereg_no) runs between registration and
    approval (a stand-in that changes the registration). Its student id."""
    no = registered(s, child, school, county)
    if before:
        before(no)
    return approve(s, [no], school, county)[0][0]


def twin(p):
    """Another child with p's name, sex and birth date: the same area and
    birth date, another sequence number of the same parity (so another,
    valid identity number)."""
    seq = int(p.id_number[14:17])
    seq2 = (seq + 2) % 1000 or 2 + seq % 2
    y, m, d = (int(x) for x in p.birth_date.split("-"))
    return population.Person(index=-1, name=p.name, sex=p.sex, birth_date=p.birth_date,
                             id_doc_type="1", id_number=population.make_id(p.area, y, m, d, seq2),
                             area=p.area)


def groups_of(s, sid):
    """The problem groups record sid is a member of: [(group id, kind, state, member state, reason)]."""
    return [(int(r[0]), r[1], r[2], r[3], r[4]) for r in s.sql(
        "SELECT g.id, g.kind, g.state, m.state, m.reason FROM problem_member m"
        " JOIN problem_group g ON g.id = m.group_id WHERE m.student_id = %d ORDER BY g.id" % sid)]


def flag(s, sid):
    return q1(s, "SELECT problem_open FROM student WHERE id = %d" % sid)


def group(staff, gid):
    return staff.call("GET", "%s/%d" % (GROUPS, gid))


def listed(s, staff, limit=200):
    st, h, b = staff.call("GET", "%s?limit=%d" % (GROUPS, limit))
    s.eq(st, 200, "list: %r" % (b,))
    return [g["id"] for g in b["items"]]


# ---- no hit ------------------------------------------------------------

@test("R-DUP-1 an admission without a problem opens no group; its person index is written")
def _(s):
    sid = admit(s, new_child())
    s.eq(groups_of(s, sid), [], "no group")
    s.eq(flag(s, sid), "0")
    s.eq(q1(s, "SELECT person_bidx IS NOT NULL AND LENGTH(person_bidx) = 32 FROM student"
               " WHERE id = %d" % sid), "1", "the normalised blind index is stored")
    s.eq(q1(s, "SELECT COUNT(*) FROM student_event WHERE student_id = %d"
               " AND kind = 'problem_open'" % sid), "0")


# ---- each kind at admission ---------------------------------------------

@test("R-DUP-1 same name + sex + birth date at admission (a spaced name normalised): one group, both records flagged, the school sees why")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    b = twin(a)
    spaced = a.name[0] + " " + a.name[1:]

    # stands in for an import that keeps a name typed with a space
    def space(no):
        s.sql("UPDATE registration SET child_name = '%s' WHERE prereg_no = '%s'" % (spaced, no))
    second = admit(s, b, school=CY3, before=space)
    s.eq(q1(s, "SELECT name FROM student WHERE id = %d" % second), spaced, "the spaced name as typed")
    g1, g2 = groups_of(s, first), groups_of(s, second)
    s.eq(len(g2), 1, "one group: %r" % (g2,))
    gid, kind, state, mstate, reason = g2[0]
    s.eq((kind, state, mstate, reason), ("same_person", "open", "open", "same_person"))
    s.eq(g1, g2, "the earlier record joined the same group")
    s.eq((flag(s, first), flag(s, second)), ("1", "1"), "both flagged")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'problem.detect'"
               " AND target_id = '%d'" % second), "1", "the detection is audited with the approval")
    # the school of the new record reads why at once
    st, h, body = group(signed_in(s, CY3 + ".clerk"), gid)
    s.eq(st, 200, "group: %r" % (body,))
    s.eq((body["kind"], body["state"], body["resolved_at"]), ("same_person", "open", None))
    m = {x["student_id"]: x for x in body["members"]}
    s.eq(set(m), {first, second})
    s.eq((m[second]["in_scope"], m[second]["name"], m[second]["reason"], m[second]["origin"]),
         (True, spaced, "same_person", "admission"))
    # another school's pupil: which school, not who
    s.eq((m[first]["in_scope"], m[first]["name"], m[first]["student_no"], m[first]["school_code"]),
         (False, None, None, CY1))
    for x in m.values():
        s.ok(re.fullmatch(r"\d{6}\*{12}", x["id_number_masked"]),
             "masked by the one rule: %r" % x["id_number_masked"])
        s.ok(a.id_number not in str(body) and b.id_number not in str(body), "no number in clear")
    # the record's history says it
    st, h, hist = signed_in(s, CY3 + ".clerk").call("GET", "%s/students/%d/history" % (API, second))
    s.eq(st, 200)
    s.ok("problem_open" in [e["kind"] for e in hist["items"]], "history: %r" % (hist,))


@test("R-DUP-1 same identity number at admission (a record of another level holding it): a same_id group of both")
def _(s):
    (other,) = [admit(s, new_child(), school=CY2)]
    c = new_child()
    no = registered(s, c, CY1)
    # stands in for a record the ministry exchange or an import brings: a
    # junior-school record carrying the same number (level 2, so not a
    # repeater of primary school, R-REC-9)
    s.sql("UPDATE student s JOIN registration r ON r.prereg_no = '%s'"
          " SET s.child_bidx = r.child_bidx, s.level = 2 WHERE s.id = %d" % (no, other))
    (sid,), h = approve(s, [no], CY1)
    g = groups_of(s, sid)
    s.eq([(k, st, r) for _, k, st, _, r in g], [("same_id", "open", "same_id")], "groups: %r" % (g,))
    s.eq(groups_of(s, other), g, "the other record is in it")
    s.eq((flag(s, sid), flag(s, other)), ("1", "1"))
    s.eq(q1(s, "SELECT COUNT(*) FROM problem_group g JOIN problem_member m ON m.group_id = g.id"
               " WHERE m.student_id = %d AND g.kind = 'same_person'" % sid), "0",
         "same number: not a second, same-person group")


@test("R-DUP-1 R-COL-7 an invalid identity number at admission (sex disagrees with the number): an invalid_id group of one")
def _(s):
    c = new_child()

    # stands in for data changed after the form's check (a later key-data
    # change, an import): the declared sex no longer agrees with the number
    def other_sex(no):
        s.sql("UPDATE registration SET sex = IF(sex = 'M', 'F', 'M') WHERE prereg_no = '%s'" % no)
    sid = admit(s, c, before=other_sex)
    g = groups_of(s, sid)
    s.eq([(k, st, r) for _, k, st, _, r in g], [("invalid_id", "open", "id_sex")], "groups: %r" % (g,))
    s.eq(flag(s, sid), "1")
    st, h, b = group(signed_in(s, CY1 + ".reviewer"), g[0][0])
    s.eq((st, len(b["members"]), b["members"][0]["reason"]), (200, 1, "id_sex"))


@test("R-DUP-1 R-COL-7 a birth date that disagrees with the number is an invalid_id record (id_birth_mismatch)")
def _(s):
    def other_birth(no):
        s.sql("UPDATE registration SET birth_date = birth_date - INTERVAL 1 DAY"
              " WHERE prereg_no = '%s'" % no)
    sid = admit(s, new_child(), before=other_birth)
    s.eq([(k, r) for _, k, _, _, r in groups_of(s, sid)], [("invalid_id", "id_birth_mismatch")])


# ---- groups reappear ------------------------------------------------------

@test("R-DUP-1 a resolved group reappears when new data arrives: a new open group of every live record of the key")
def _(s):
    a = new_child()
    first = admit(s, a)
    second = admit(s, twin(a))
    ((gid, _, _, _, _),) = groups_of(s, first)
    # stands in for the resolution (issue 12 item 3, not built): both
    # corroborated, the group resolved, the flags cleared
    s.sql("UPDATE problem_group SET state = 'resolved', open_key = NULL,"
          " resolved_at = UTC_TIMESTAMP(6) WHERE id = %d" % gid)
    s.sql("UPDATE problem_member SET state = 'corroborated' WHERE group_id = %d" % gid)
    s.sql("UPDATE problem_scope SET open = 0 WHERE group_id = %d" % gid)
    s.sql("UPDATE student SET problem_open = 0 WHERE id IN (%d, %d)" % (first, second))
    third = admit(s, twin(twin(a)))
    g = groups_of(s, third)
    s.eq(len(g), 1)
    new = g[0][0]
    s.ok(new != gid, "a new group, the old one stays history")
    s.eq(sorted(int(x[0]) for x in s.sql("SELECT student_id FROM problem_member WHERE group_id = %d" % new)),
         sorted([first, second, third]), "every live record of the key")
    s.eq(q1(s, "SELECT state FROM problem_group WHERE id = %d" % gid), "resolved")
    s.eq((flag(s, first), flag(s, second), flag(s, third)), ("1", "1", "1"))
    st, h, lst = signed_in(s, CY1 + ".clerk").call("GET", GROUPS)
    ids = [x["id"] for x in lst["items"]]
    s.ok(new in ids and gid in ids and ids.index(new) < ids.index(gid), "open first: %r" % ids)


# ---- what the flag refuses ----------------------------------------------

@test("R-MOV-2 2003 R-REC-5 a record flagged at the door is refused a transfer and the term registration")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    admit(s, twin(a), school=CY1)
    no, name = s.sql("SELECT student_no, name FROM student WHERE id = %d" % first)[0]
    st, h, b = signed_in(s, CY3 + ".clerk").call("POST", API + "/transfers",
                                                 {"student_no": no, "name": name})
    s.error_body(b, "transfer_refused_2003", 409, st)
    st, h, b = signed_in(s, CY1 + ".reviewer").call("POST", API + "/term-registrations",
                                                    {"term": "2026-1"})
    s.eq(st, 200, "register: %r" % (b,))
    s.ok(first in [r["id"] for r in b["refused"]], "refused: %r" % (b["refused"],))


# ---- reading: scope, paging ------------------------------------------------

@test("R-ORG-3 problem groups: own school, its county and the city see a group; another school and another county do not (404)")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    admit(s, twin(a), school=CY1)
    ((gid, _, _, _, _),) = groups_of(s, first)
    for who in (CY1 + ".clerk", CY1 + ".reviewer", CHAOYANG + ".reviewer", CHAOYANG + ".admin",
                "bj.city.admin", "bj.reviewer", "moe.reviewer"):
        staff = signed_in(s, who)
        st, h, b = group(staff, gid)
        s.eq(st, 200, "%s reads the group: %r" % (who, b))
        s.ok(gid in listed(s, staff), "%s lists it" % who)
    for who in (CY2 + ".clerk", HD1 + ".clerk", HAIDIAN + ".reviewer"):
        staff = signed_in(s, who)
        st, h, b = group(staff, gid)
        s.error_body(b, "not_found", 404, st)
        s.ok(gid not in listed(s, staff), "%s does not list it" % who)
    st, h, b = group(signed_in(s, CY1 + ".clerk"), 999999999999)
    s.error_body(b, "not_found", 404, st)
    n = q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'problem_group.read'"
              " AND target_id = '%d'" % gid)
    s.ok(int(n) >= 7, "reads audited: %s" % n)


@test("R-DUP-1 the list pages: open first, a full page carries the next cursor; a bad cursor or limit is 400")
def _(s):
    for _ in range(2):
        a = new_child()
        admit(s, a)
        admit(s, twin(a))
    staff = signed_in(s, CY1 + ".clerk")
    seen, after, pages = [], None, 0
    while pages < 100:
        path = "%s?limit=1" % GROUPS + ("&after=" + after if after else "")
        st, h, b = staff.call("GET", path)
        s.eq(st, 200, "page: %r" % (b,))
        seen += [(g["state"], g["id"]) for g in b["items"]]
        pages += 1
        after = b["next"]
        if after is None:
            break
        s.ok(re.fullmatch(r"(open|resolved)\.\d+", after), "cursor: %r" % after)
    s.eq(len(seen), len(set(seen)), "no group twice")
    s.eq(seen, sorted(seen, key=lambda x: (x[0] != "open", -x[1])), "open first, newest first")
    s.eq([i for _, i in seen], listed(s, staff), "the pages add up to the whole list")
    for bad in ("after=x.1", "after=open.", "after=open.0", "limit=0", "limit=201", "limit=x"):
        st, h, b = staff.call("GET", "%s?%s" % (GROUPS, bad))
        s.error_body(b, "bad_query", 400, st)


# ---- resolution: delete and the automatic last corroboration -------------

def filed(s, who, sid):
    """A JPEG filed for record sid by `who`'s school (issue 12 item 3):
    its evidence file id."""
    st, h, b = signed_in(s, who).call("POST", "%s/students/%d/evidence-files" % (API, sid),
                                      raw=samplefiles.jpeg(),
                                      headers={"Content-Type": "image/jpeg"})
    s.eq(st, 201, "evidence upload: %r" % (b,))
    return b["file"]["id"]


def resolve(s, who, gid, sid, action="delete", evidence="重复建籍，本校学籍作废", files=None):
    """A resolution; a corroboration or change carries a file of the
    record (R-DUP-2) unless files says otherwise."""
    body = {"student_id": sid, "action": action, "evidence": evidence}
    if files is None and action != "delete":
        files = [filed(s, who, sid)]
    if files is not None:
        body["evidence_files"] = files
    return signed_in(s, who).call("POST", "%s/%d/resolutions" % (GROUPS, gid), body)


@test("R-DUP-2 R-DUP-3 the school deletes its record (self-approved, still readable); the last record is corroborated automatically, the group resolves, the flags clear")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    second = admit(s, twin(a), school=CY3)
    ((gid, _, _, _, _),) = groups_of(s, second)
    st, h, b = resolve(s, CY3 + ".reviewer", gid, second)
    s.eq(st, 200, "delete: %r" % (b,))
    m = {x["student_id"]: x["state"] for x in b["members"]}
    s.eq(m, {first: "auto_corroborated", second: "deleted"}, "R-DUP-3: the last one corroborated")
    s.eq(b["state"], "resolved")
    s.ok(b["resolved_at"], "resolved_at")
    s.eq((flag(s, first), flag(s, second)), ("0", "0"), "flags follow the member rows")
    s.eq(q1(s, "SELECT status FROM student WHERE id = %d" % second), "deleted")
    s.eq(q1(s, "SELECT status FROM student WHERE id = %d" % first), "in_school")
    # still visible to the school and the county (R-DUP-2)
    for who in (CY3 + ".clerk", CHAOYANG + ".reviewer"):
        st, h, rec = signed_in(s, who).call("GET", "%s/students/%d" % (API, second))
        s.eq((st, rec.get("status")), (200, "deleted"), "%s reads the deleted record: %r" % (who, rec))
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'problem.delete'"
               " AND target_id = '%d'" % second), "1")
    kinds = [x[0] for x in s.sql("SELECT kind FROM student_event WHERE student_id = %d ORDER BY id" % first)]
    s.ok("problem_auto_ok" in kinds, "history of the last record: %r" % kinds)
    # the record that stayed is free again: a transfer starts
    no, name = s.sql("SELECT student_no, name FROM student WHERE id = %d" % first)[0]
    st, h, b = signed_in(s, CY3 + ".clerk").call("POST", API + "/transfers",
                                                 {"student_no": no, "name": name})
    s.eq(st, 201, "transfer after the resolution: %r" % (b,))
    # a deleted record no longer counts as a peer: a new twin finds only the live one
    third = admit(s, twin(twin(a)), school=CY1)
    (g3,) = groups_of(s, third)
    s.eq(sorted(int(x[0]) for x in s.sql("SELECT student_id FROM problem_member WHERE group_id = %d" % g3[0])),
         sorted([first, third]), "the deleted record is out of the checks")


@test("R-DUP-3 three records: one deleted leaves the group open; the second deleted corroborates the third")
def _(s):
    a = new_child()
    ids = [admit(s, a), admit(s, twin(a)), admit(s, twin(twin(a)))]
    ((gid, _, _, _, _),) = groups_of(s, ids[0])
    st, h, b = resolve(s, CY1 + ".reviewer", gid, ids[0])
    s.eq(st, 200, "delete 1: %r" % (b,))
    s.eq(b["state"], "open", "two open records: still a problem")
    s.eq((flag(s, ids[1]), flag(s, ids[2])), ("1", "1"))
    st, h, b = resolve(s, CY1 + ".reviewer", gid, ids[1])
    s.eq(st, 200, "delete 2: %r" % (b,))
    s.eq({x["student_id"]: x["state"] for x in b["members"]},
         {ids[0]: "deleted", ids[1]: "deleted", ids[2]: "auto_corroborated"})
    s.eq((b["state"], flag(s, ids[2])), ("resolved", "0"))


@test("R-DUP-2 R-ORG-3 resolution refusals: another school 404, a clerk or a county 403, twice 409, no evidence or an action not built 422; an invalid_id record deleted resolves its group")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    second = admit(s, twin(a), school=CY3)
    ((gid, _, _, _, _),) = groups_of(s, first)
    st, h, b = resolve(s, CY1 + ".reviewer", gid, second)
    s.error_body(b, "not_found", 404, st)
    st, h, b = resolve(s, CY2 + ".reviewer", gid, first)
    s.error_body(b, "not_found", 404, st)
    st, h, b = resolve(s, CY1 + ".clerk", gid, first)
    s.error_body(b, "forbidden", 403, st)
    st, h, b = resolve(s, CHAOYANG + ".reviewer", gid, first)
    s.error_body(b, "forbidden", 403, st)
    st, h, b = resolve(s, CY1 + ".reviewer", gid, first, evidence="")
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([f["field"] for f in e["fields"]], ["evidence"])
    st, h, b = resolve(s, CY1 + ".reviewer", gid, first, action="merge")
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([f["field"] for f in e["fields"]], ["action"])
    st, h, b = signed_in(s, CY1 + ".reviewer").call("POST", "%s/%d/resolutions" % (GROUPS, gid), {
        "student_id": first, "action": "change", "evidence": "x"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([f["field"] for f in e["fields"]], ["name"], "a change without data")
    st, h, b = signed_in(s, CY1 + ".reviewer").call("POST", "%s/%d/resolutions" % (GROUPS, gid), {
        "student_id": first, "action": "corroborate", "evidence": "x", "name": "张三"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([f["field"] for f in e["fields"]], ["name"], "data only with a change")
    st, h, b = resolve(s, CY1 + ".reviewer", 999999999999, first)
    s.error_body(b, "not_found", 404, st)
    s.eq(resolve(s, CY1 + ".reviewer", gid, first)[0], 200)
    st, h, b = resolve(s, CY1 + ".reviewer", gid, first)
    s.error_body(b, "problem_member_not_open", 409, st)
    st, h, b = resolve(s, CY3 + ".reviewer", gid, second)
    s.error_body(b, "problem_member_not_open", 409, st)

    def other_sex(no):
        s.sql("UPDATE registration SET sex = IF(sex = 'M', 'F', 'M') WHERE prereg_no = '%s'" % no)
    bad = admit(s, new_child(), before=other_sex)
    ((g, _, _, _, _),) = groups_of(s, bad)
    st, h, b = resolve(s, CY1 + ".reviewer", g, bad)
    s.eq((st, b["state"], b["members"][0]["state"], flag(s, bad)), (200, "resolved", "deleted", "0"))


# ---- corroborate and change: the county approves on the workflow engine ----

CASES = API + "/workflow/cases"


def decide(s, who, case, decision="approve", reason=""):
    body = {"step": 2, "decision": decision}
    if reason:
        body["reason"] = reason
    return signed_in(s, who).call("POST", "%s/%d/decision" % (CASES, case), body)


@test("R-DUP-2 corroborate: the school applies with evidence, the county approves on the workflow engine; both corroborated resolve the group")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    second = admit(s, twin(a), school=CY3)
    ((gid, _, _, _, _),) = groups_of(s, first)
    st, h, case = resolve(s, CY1 + ".reviewer", gid, first, "corroborate", "双胞胎，出生证明两份")
    s.eq(st, 201, "corroborate: %r" % (case,))
    s.eq((case["type"], case["state"], case["current_step"]), ("problem_corroborate", "open", 2))
    s.eq(case["steps"][1]["org"]["code"], CHAOYANG, "the record's county approves")
    s.eq(groups_of(s, first)[0][3], "open", "open until the county approves")
    # one case at a time per record (the engine's 2002)
    st, h, b = resolve(s, CY1 + ".reviewer", gid, first, "corroborate", "again")
    s.error_body(b, "transfer_refused_2002", 409, st)
    st, h, b = decide(s, CHAOYANG + ".reviewer", case["id"])
    s.eq((st, b.get("state")), (200, "approved"), "county approves: %r" % (b,))
    s.eq(groups_of(s, first)[0][2:4], ("open", "corroborated"), "corroborated; the group still open")
    s.eq((flag(s, first), flag(s, second)), ("0", "1"), "the corroborated record is free")
    st, h, case = resolve(s, CY3 + ".reviewer", gid, second, "corroborate", "双胞胎")
    s.eq(st, 201, "corroborate 2: %r" % (case,))
    st, h, b = decide(s, CHAOYANG + ".reviewer", case["id"])
    s.eq(st, 200)
    s.eq(groups_of(s, second)[0][2:4], ("resolved", "corroborated"), "all corroborated: resolved")
    s.eq((flag(s, first), flag(s, second)), ("0", "0"))


@test("R-DUP-2 corroborating or changing needs an evidence file: none is 422 evidence_required, a file of another record 422 evidence_file_unknown, a delete with files 422 not_allowed; nothing starts")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    second = admit(s, twin(a), school=CY1)
    ((gid, _, _, _, _),) = groups_of(s, first)
    cases = int(q1(s, "SELECT COUNT(*) FROM workflow"))
    st, h, b = resolve(s, CY1 + ".reviewer", gid, first, "corroborate", "双胞胎", files=[])
    e = s.error_body(b, "evidence_required", 422, st)
    s.eq(e["field"], "evidence_files")
    st, h, b = resolve(s, CY1 + ".reviewer", gid, first, "corroborate", "双胞胎",
                       files=[filed(s, CY1 + ".clerk", second)])
    e = s.error_body(b, "evidence_file_unknown", 422, st)
    s.eq(e["field"], "evidence_files")
    st, h, b = resolve(s, CY1 + ".reviewer", gid, first, "delete", "作废",
                       files=[filed(s, CY1 + ".clerk", first)])
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq((e["fields"][0]["field"], e["fields"][0]["code"]), ("evidence_files", "not_allowed"))
    s.eq(int(q1(s, "SELECT COUNT(*) FROM workflow")), cases, "no case started")
    s.eq(groups_of(s, first)[0][3], "open")


@test("R-DUP-2 the case carries its evidence files; the approving county lists them on the case and downloads them")
def _(s):
    import http.client
    a = new_child()
    first = admit(s, a, school=CY1)
    admit(s, twin(a), school=CY3)
    ((gid, _, _, _, _),) = groups_of(s, first)
    f1, f2 = filed(s, CY1 + ".clerk", first), filed(s, CY1 + ".clerk", first)
    st, h, case = resolve(s, CY1 + ".reviewer", gid, first, "corroborate", "出生医学证明",
                          files=[f1, f2, f1])
    s.eq(st, 201, "corroborate: %r" % (case,))
    s.eq(sorted(x["id"] for x in case["evidence_files"]), [f1, f2], "the files, once each")
    county = signed_in(s, CHAOYANG + ".reviewer")
    st, h, b = county.call("GET", "%s/%d" % (CASES, case["id"]))
    s.eq((st, [x["kind"] for x in b["evidence_files"]]), (200, ["jpg", "jpg"]))
    conn = http.client.HTTPConnection("127.0.0.1", s.stack.port, timeout=30)
    conn.request("GET", "%s/evidence-files/%d" % (API, f1),
                 headers={"Cookie": "__Host-xj_staff=" + county.cookie})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    s.eq((r.status, data[:3]), (200, b"\xff\xd8\xff"), "the county downloads the file")


@test("R-DUP-2 a refused corroboration leaves the record open in its group; the school may apply again")
def _(s):
    a = new_child()
    first = admit(s, a)
    admit(s, twin(a))
    ((gid, _, _, _, _),) = groups_of(s, first)
    st, h, case = resolve(s, CY1 + ".reviewer", gid, first, "corroborate", "证明不足")
    s.eq(st, 201)
    st, h, b = decide(s, CHAOYANG + ".reviewer", case["id"], "reject", "佐证材料不足")
    s.eq((st, b.get("state")), (200, "rejected"), "refusal: %r" % (b,))
    s.eq((groups_of(s, first)[0][3], flag(s, first)), ("open", "1"), "still open, still flagged")
    st, h, case2 = resolve(s, CY1 + ".reviewer", gid, first, "corroborate", "补充材料")
    s.eq(st, 201, "applies again: %r" % (case2,))


@test("R-DUP-2 R-DUP-3 R-KEY-2 change: the county approves the corrected name, the record is checked again, the last record is corroborated automatically")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    second = admit(s, twin(a), school=CY3)
    ((gid, _, _, _, _),) = groups_of(s, second)
    st, h, case = signed_in(s, CY3 + ".reviewer").call("POST", "%s/%d/resolutions" % (GROUPS, gid), {
        "student_id": second, "action": "change", "evidence": "户口簿姓名为准", "name": a.name + "乐",
        "evidence_files": [filed(s, CY3 + ".reviewer", second)]})
    s.eq(st, 201, "change: %r" % (case,))
    s.eq(q1(s, "SELECT name FROM student WHERE id = %d" % second), a.name, "nothing changes before approval")
    st, h, b = decide(s, CHAOYANG + ".reviewer", case["id"])
    s.eq(st, 200, "approve: %r" % (b,))
    s.eq(q1(s, "SELECT name FROM student WHERE id = %d" % second), a.name + "乐", "the corrected name")
    st, h, g = group(signed_in(s, CY1 + ".clerk"), gid)
    s.eq({x["student_id"]: x["state"] for x in g["members"]},
         {first: "auto_corroborated", second: "changed"}, "R-DUP-3 after a change")
    s.eq((g["state"], flag(s, first), flag(s, second)), ("resolved", "0", "0"))
    s.eq(groups_of(s, second)[1:], [], "the changed record, checked again, is in no new group")


@test("R-KEY-2 a change that makes a duplicate opens a new group at approval")
def _(s):
    a, c = new_child(), new_child()
    first = admit(s, a)
    second = admit(s, twin(a))
    other = admit(s, c)
    ((gid, _, _, _, _),) = groups_of(s, second)
    # the second child's name corrected to the third child's -- with the
    # third's sex and birth date too, a same-person duplicate of it
    body = {"student_id": second, "action": "change", "evidence": "更正", "name": c.name,
            "sex": c.sex, "birth_date": c.birth_date,
            "evidence_files": [filed(s, CY1 + ".reviewer", second)]}
    st, h, case = signed_in(s, CY1 + ".reviewer").call("POST", "%s/%d/resolutions" % (GROUPS, gid), body)
    s.eq(st, 201, "change: %r" % (case,))
    st, h, b = decide(s, CHAOYANG + ".reviewer", case["id"])
    s.eq(st, 200, "approve: %r" % (b,))
    kinds = sorted(k for _, k, st_, _, _ in groups_of(s, second) if st_ == "open")
    s.ok("same_person" in kinds, "a new same-person group with the other child: %r" % kinds)
    s.ok(any(g[1] == "same_person" and g[2] == "open" for g in groups_of(s, other)), "the other child joins")
    s.eq(flag(s, other), "1")


@test("R-DUP-3 a change must remove the problem: a cosmetic name change, or any change of a same-number group, is 409 problem_change_no_effect; an invalid number's sex corrected resolves its group")
def _(s):
    a = new_child()
    first = admit(s, a)
    second = admit(s, twin(a))
    ((gid, _, _, _, _),) = groups_of(s, second)
    spaced = a.name[0] + " " + a.name[1:]
    st, h, b = signed_in(s, CY1 + ".reviewer").call("POST", "%s/%d/resolutions" % (GROUPS, gid), {
        "student_id": second, "action": "change", "evidence": "加空格", "name": spaced})
    s.error_body(b, "problem_change_no_effect", 409, st)
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d" % second), "0", "no case started")
    # a same-number group: name, sex, birth date do not change the number
    other = admit(s, new_child(), school=CY2)
    no = registered(s, new_child(), CY1)
    s.sql("UPDATE student s JOIN registration r ON r.prereg_no = '%s'"
          " SET s.child_bidx = r.child_bidx, s.level = 2 WHERE s.id = %d" % (no, other))
    (sid,), h = approve(s, [no], CY1)
    ((g2, kind, _, _, _),) = groups_of(s, sid)
    s.eq(kind, "same_id")
    st, h, b = signed_in(s, CY1 + ".reviewer").call("POST", "%s/%d/resolutions" % (GROUPS, g2), {
        "student_id": sid, "action": "change", "evidence": "改名", "name": "改个名字"})
    s.error_body(b, "problem_change_no_effect", 409, st)

    # an invalid number: the declared sex disagrees; the corrected sex agrees
    def other_sex(no):
        s.sql("UPDATE registration SET sex = IF(sex = 'M', 'F', 'M') WHERE prereg_no = '%s'" % no)
    c = new_child()
    bad = admit(s, c, before=other_sex)
    ((g3, _, _, _, _),) = groups_of(s, bad)
    wrong = "F" if c.sex == "M" else "M"
    st, h, b = signed_in(s, CY1 + ".reviewer").call("POST", "%s/%d/resolutions" % (GROUPS, g3), {
        "student_id": bad, "action": "change", "evidence": "性别录入错误", "sex": wrong})
    s.error_body(b, "problem_change_no_effect", 409, st)
    st, h, case = signed_in(s, CY1 + ".reviewer").call("POST", "%s/%d/resolutions" % (GROUPS, g3), {
        "student_id": bad, "action": "change", "evidence": "性别录入错误", "sex": c.sex,
        "evidence_files": [filed(s, CY1 + ".reviewer", bad)]})
    s.eq(st, 201, "change: %r" % (case,))
    st, h, b = decide(s, CHAOYANG + ".reviewer", case["id"])
    s.eq(st, 200, "approve: %r" % (b,))
    s.eq(groups_of(s, bad)[0][2:4], ("resolved", "changed"))
    s.eq((q1(s, "SELECT sex FROM student WHERE id = %d" % bad), flag(s, bad)), (c.sex, "0"))


# ---- records written before 0024 ---------------------------------------------

def run_job(s, name):
    import subprocess
    with open(s.stack.path("log", "jobs-once.log"), "a") as log:
        r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once", name],
                           stdout=subprocess.DEVNULL, stderr=log, env=s.stack.worker_env(), timeout=120)
    s.eq(r.returncode, 0, "xuejictl jobs --once %s" % name)


def run_job_done(s, name):
    """run_job, and how many items the job reports done."""
    import subprocess
    with open(s.stack.path("log", "jobs-once.log"), "a") as log:
        r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once", name],
                           stdout=subprocess.PIPE, stderr=log, env=s.stack.worker_env(), timeout=120,
                           text=True)
    s.eq(r.returncode, 0, "xuejictl jobs --once %s" % name)
    m = re.search(r"job %s: (\d+) done" % re.escape(name), r.stdout)
    s.ok(m, "the job's report: %r" % r.stdout)
    return int(m.group(1))


def made_old(s, *sids):
    """Stands in for records written before migration 0024: no person
    index, never checked at the door."""
    s.sql("UPDATE student SET person_bidx = NULL WHERE id IN (%s)" % ",".join(str(x) for x in sids))


def members(s, gid):
    """{student id: (origin, member state)} of group gid."""
    return {int(r[0]): (r[1], r[2]) for r in s.sql(
        "SELECT student_id, origin, state FROM problem_member WHERE group_id = %d" % gid)}


def problem_rows(s):
    """Everything the check writes, counted: groups, members, history
    events, audit entries."""
    return s.sql("SELECT (SELECT COUNT(*) FROM problem_group), (SELECT COUNT(*) FROM problem_member),"
                 " (SELECT COUNT(*) FROM student_event WHERE kind = 'problem_open'),"
                 " (SELECT COUNT(*) FROM audit_log WHERE action = 'problem.detect')")[0]


@test("R-DUP-1 a record written before 0024 (no person index) is found by name + sex + birth date once the job problem-person-index has run")
def _(s):
    a = new_child()
    old = admit(s, a)
    made_old(s, old)
    second = admit(s, twin(a))
    s.eq(groups_of(s, second), [], "no index, no hit: the gap the job closes")
    run_job(s, "problem-person-index")
    s.eq(q1(s, "SELECT COUNT(*) FROM student WHERE person_bidx IS NULL"), "0", "every record indexed")
    s.eq(q1(s, "SELECT person_bidx = (SELECT person_bidx FROM student WHERE id = %d) FROM student"
               " WHERE id = %d" % (second, old)), "1", "the job's index is the door's")
    # the job checked the old record: the new one admitted before is its pair
    g = groups_of(s, old)
    s.eq([(k, st, r) for _, k, st, _, r in g], [("same_person", "open", "same_person")],
         "an old and a new record of one person: %r" % (g,))
    s.eq(members(s, g[0][0]), {old: ("backfill", "open"), second: ("backfill", "open")})
    s.eq((flag(s, old), flag(s, second)), ("1", "1"), "both flagged")
    third = admit(s, twin(twin(a)))
    (g3,) = groups_of(s, third)
    s.eq(g3[0], g[0][0], "a later admission joins the open group")
    s.ok(old in members(s, g3[0]), "the old record is found")


@test("R-DUP-1 two records written before 0024 of one person form one group of both when the job runs")
def _(s):
    a = new_child()
    first = admit(s, a, school=CY1)
    made_old(s, first)
    second = admit(s, twin(a), school=CY2)
    made_old(s, second)
    s.eq((groups_of(s, first), groups_of(s, second)), ([], []), "old records: never checked")
    run_job(s, "problem-person-index")
    g1, g2 = groups_of(s, first), groups_of(s, second)
    s.eq([(k, st, r) for _, k, st, _, r in g2], [("same_person", "open", "same_person")],
         "one group: %r" % (g2,))
    s.eq(g1, g2, "of both")
    s.eq(members(s, g2[0][0]), {first: ("backfill", "open"), second: ("backfill", "open")})
    s.eq((flag(s, first), flag(s, second)), ("1", "1"), "both flagged")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'problem.detect' AND target_id IN"
               " ('%d', '%d') AND actor_type = 'system'" % (first, second)), "1",
         "the detection is audited by the job (once: the later record found the earlier)")
    # the school sees why at once, as for an admission
    st, h, body = group(signed_in(s, CY2 + ".clerk"), g2[0][0])
    s.eq(st, 200, "group: %r" % (body,))
    s.eq({m["origin"] for m in body["members"]}, {"backfill"})


@test("R-DUP-1 two records written before 0024 with one identity number form a same_id group when the job runs")
def _(s):
    x = admit(s, new_child(), school=CY1)
    y = admit(s, new_child(), school=CY2)
    # stands in for an old record of another level carrying x's number
    # (the same stand-in as the same-number test above)
    s.sql("UPDATE student s JOIN student o ON o.id = %d SET s.child_bidx = o.child_bidx, s.level = 2"
          " WHERE s.id = %d" % (x, y))
    made_old(s, x, y)
    run_job(s, "problem-person-index")
    g = groups_of(s, y)
    s.eq([(k, st, r) for _, k, st, _, r in g], [("same_id", "open", "same_id")], "groups: %r" % (g,))
    s.eq(groups_of(s, x), g, "of both")
    s.eq(members(s, g[0][0]), {x: ("backfill", "open"), y: ("backfill", "open")})


@test("R-DUP-1 R-COL-7 a record written before 0024 with an invalid identity number is an invalid_id group when the job runs")
def _(s):
    sid = admit(s, new_child())
    # stands in for an old record whose sex disagrees with its number
    # (written before the door checked anything)
    s.sql("UPDATE student SET sex = IF(sex = 'M', 'F', 'M') WHERE id = %d" % sid)
    made_old(s, sid)
    run_job(s, "problem-person-index")
    g = groups_of(s, sid)
    s.eq([(k, st, r) for _, k, st, _, r in g], [("invalid_id", "open", "id_sex")], "groups: %r" % (g,))
    s.eq(members(s, g[0][0]), {sid: ("backfill", "open")})
    s.eq(flag(s, sid), "1")


@test("R-DUP-1 the job problem-person-index run twice adds nothing: no group, member, event or audit entry")
def _(s):
    a = new_child()
    first = admit(s, a)
    made_old(s, first)
    second = admit(s, twin(a), school=CY2)
    bad = admit(s, new_child(), school=CY3)
    s.sql("UPDATE student SET birth_date = birth_date - INTERVAL 1 DAY WHERE id = %d" % bad)
    made_old(s, second, bad)
    s.ok(run_job_done(s, "problem-person-index") >= 3, "the first run indexes the three")
    before = problem_rows(s)
    s.ok(groups_of(s, first) and groups_of(s, bad), "the first run found both problems")
    s.eq(run_job_done(s, "problem-person-index"), 0, "nothing left to index")
    s.eq(problem_rows(s), before, "the second run wrote nothing")
    # records checked again (their index gone once more) join no group
    # twice: the check's audit entry says it ran and found, nothing else
    made_old(s, first, second)
    run_job(s, "problem-person-index")
    s.eq(problem_rows(s)[:3], before[:3], "checked again: the same groups, nobody joins twice")
    s.eq(len(groups_of(s, first)), 1)

run()
