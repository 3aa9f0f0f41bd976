"""Black-box: status changes of a student record on the workflow engine
(issue 11 item 6; R-MOV-6, R-REC-3; seeds 002 §四 §十八, 003, 004 第一篇 二):
suspension (休学: school submits, school reviews, county re-reviews),
resumption, abroad, left, dropped out, death; repeat and skip where the
province has them on (xuejictl grade-change); a province's own chain; the
roster, in-school queries, statistics and term registration; the family's
view in words.

Students come into being through the real chain (wfcases.admitted()).
Stood in for with SQL, said where: a pupil's entry year (an admitted child
is in its first year; repeat/skip need a grade with room above or below)
and a province's variant chain (documented SQL, docs/operations.md)."""
import datetime

from staff import signed_in
from wfcases import (API, CASES, CHAOYANG, CY1, CY2, CY3, TRANSFERS, admitted, admitted_with_parent,
                     approved, beijing_today, decide, notices, q1, start, student)
from xjtest import run, test

SCHOOL, COUNTY = CY2, CHAOYANG      # the records of this file live here


def path(sid):
    return "%s/students/%d/status-changes" % (API, sid)


def body(kind, **over):
    b = {"type": kind, "reason": "家长申请：%s" % kind, "effective_date": beijing_today()}
    if kind == "suspension":
        b["requested_by"] = "guardian"
    b.update(over)
    return b


def sc_start(staff, sid, kind, **over):
    return staff.call("POST", path(sid), body(kind, **over))


def sc_started(s, sid, kind, who=None, **over):
    st, h, b = sc_start(signed_in(s, who or SCHOOL + ".clerk"), sid, kind, **over)
    s.eq(st, 201, "%s start: %r" % (kind, b))
    return b


def status(s, sid):
    return q1(s, "SELECT status FROM student WHERE id = %d" % sid)


# the deciders of each chain's steps after the start, in order
CHAIN = {
    "suspension": [SCHOOL + ".reviewer", COUNTY + ".reviewer"],
    "resumption": [COUNTY + ".reviewer"],
    "abroad": [COUNTY + ".reviewer"],
    "left": [COUNTY + ".reviewer"],
    "dropout": [COUNTY + ".reviewer"],
    "death": [COUNTY + ".reviewer"],
    "repeat": [COUNTY + ".reviewer"],
    "skip": [COUNTY + ".reviewer"],
}


def through(s, sid, kind, **over):
    """Start `kind` and approve every step: the closed case."""
    b = sc_started(s, sid, kind, **over)
    for seq, who in enumerate(CHAIN[kind], start=2):
        b = approved(s, signed_in(s, who), b["id"], seq)
    s.eq(b["state"], "approved", "%s approved: %r" % (kind, b))
    return b


def events(s, sid):
    st, h, b = signed_in(s, SCHOOL + ".clerk").call("GET", "%s/students/%d/history" % (API, sid))
    s.eq(st, 200, "history: %r" % (b,))
    return b["items"]


def school_year():
    d = datetime.date.fromisoformat(beijing_today())
    return d.year if d.month >= 9 else d.year - 1


# ---- R-MOV-6: suspension, end to end -----------------------------------------------------

@test("R-MOV-6 suspension: the guardian's request, school submits, school reviews, county re-reviews; the record is suspended, in its history and audit")
def _(s):
    (sid,) = admitted(s, school=SCHOOL)
    b = sc_started(s, sid, "suspension")
    case = b["id"]
    s.eq((b["type"], b["state"], b["current_step"]), ("status_suspension", "open", 2))
    s.eq([(x["seq"], x["party"], x["role"], x["state"], x["org"]["code"]) for x in b["steps"]],
         [(1, "receiving_school", "clerk", "approved", SCHOOL),
          (2, "receiving_school", "reviewer", "open", SCHOOL),
          (3, "receiving_county", "reviewer", "waiting", COUNTY)])
    s.eq(status(s, sid), "in_school", "nothing changes before the last approval")
    # the clerk who submitted does not review: the step is the reviewer's
    st, h, e = decide(signed_in(s, SCHOOL + ".clerk"), case, 2)
    s.error_body(e, "forbidden", 403, st)
    # the school reviewer's inbox lists it
    st, h, box = signed_in(s, SCHOOL + ".reviewer").call("GET", API + "/workflow/inbox")
    s.ok(case in [x["case_id"] for x in box["items"]], "in the school reviewer's inbox")
    st, h, e = decide(signed_in(s, COUNTY + ".reviewer"), case, 2)
    s.error_body(e, "workflow_not_your_step", 403, st)
    b = approved(s, signed_in(s, SCHOOL + ".reviewer"), case, 2)
    s.eq((b["current_step"], b["steps"][2]["state"]), (3, "open"))
    s.eq(status(s, sid), "in_school")
    b = approved(s, signed_in(s, COUNTY + ".reviewer"), case, 3)
    s.eq((b["state"], b["current_step"]), ("approved", 0))
    s.eq(status(s, sid), "suspended", "R-REC-3: suspended on the last approval")
    ev = events(s, sid)
    s.eq([(e["kind"], e["status"], e["school"]) for e in ev][-1:], [("suspension", "suspended", SCHOOL)])
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'student.status_change'"
             " AND target_id = '%d'" % sid), "1")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE target_type = 'workflow' AND target_id = '%d'"
             " AND action IN ('status_change.start', 'workflow.approve')" % case), "3",
         "the start and two approvals audited")
    st, h, lst = signed_in(s, COUNTY + ".reviewer").call("GET", path(sid))
    s.eq(st, 200, "list: %r" % (lst,))
    s.eq(lst["status"], "suspended")
    s.eq([(x["case_id"], x["type"], x["state"], x["from_status"], x["to_status"], x["requested_by"],
           x["effective_date"]) for x in lst["items"]],
         [(case, "suspension", "approved", "in_school", "suspended", "guardian", beijing_today())])
    s.eq(len(notices(signed_in(s, SCHOOL + ".clerk"), "decided", case)), 1, "the school learns the outcome")
    # the record's history of cases names it too
    st, h, hb = signed_in(s, SCHOOL + ".clerk").call("GET", "%s/students/%d/workflow-cases" % (API, sid))
    s.eq([(x["id"], x["type"], x["state"]) for x in hb["items"]], [(case, "status_suspension", "approved")])


@test("R-MOV-6 R-REC-3 every chain end to end: suspension, resumption, abroad, left, dropout, death, each with its status and history event")
def _(s):
    (sid,) = admitted(s, school=SCHOOL)
    walk = [("suspension", "suspended"), ("resumption", "in_school"), ("abroad", "abroad"),
            ("resumption", "in_school"), ("left", "left"), ("resumption", "in_school"),
            ("dropout", "dropped_out"), ("resumption", "in_school"), ("suspension", "suspended"),
            ("death", "deceased")]
    for kind, want in walk:
        b = through(s, sid, kind)
        s.eq(len(b["steps"]), len(CHAIN[kind]) + 1, "%s: its chain" % kind)
        s.eq(status(s, sid), want, "after %s" % kind)
    s.eq([(e["kind"], e["status"]) for e in events(s, sid)], walk)
    # nothing starts from a deceased record
    for kind in ("resumption", "suspension", "death", "abroad"):
        st, h, e = sc_start(signed_in(s, SCHOOL + ".clerk"), sid, kind)
        s.error_body(e, "status_change_not_allowed", 409, st)


@test("R-MOV-6 a rejection at every step of every chain ends the case with its reason; the status stays; the school may start again")
def _(s):
    (sid,) = admitted(s, school=SCHOOL)
    setup = {"resumption": "suspended"}
    for kind, steps in CHAIN.items():
        if kind in ("repeat", "skip"):
            continue        # their chains: the repeat/skip test below
        for k in range(len(steps)):
            # stands in for the record's status a chain would need first
            s.sql("UPDATE student SET status = '%s' WHERE id = %d" % (setup.get(kind, "in_school"), sid))
            before = status(s, sid)
            b = sc_started(s, sid, kind)
            case = b["id"]
            for seq, who in enumerate(steps[:k], start=2):
                approved(s, signed_in(s, who), case, seq)
            decider = signed_in(s, steps[k])
            st, h, e = decide(decider, case, k + 2, "reject")
            s.eq(st, 422, "a rejection needs a reason: %r" % (e,))
            st, h, b = decide(decider, case, k + 2, "reject", "材料不全 %s %d" % (kind, k + 2))
            s.eq(st, 200, "reject %s step %d: %r" % (kind, k + 2, b))
            s.eq((b["state"], b["reason"]), ("rejected", "材料不全 %s %d" % (kind, k + 2)))
            s.eq([x["state"] for x in b["steps"]],
                 ["approved"] * (k + 1) + ["rejected"] + ["cancelled"] * (len(steps) - k - 1))
            s.eq(status(s, sid), before, "%s rejected at step %d: nothing changed" % (kind, k + 2))
    s.sql("UPDATE student SET status = 'in_school' WHERE id = %d" % sid)
    s.eq(q1(s, "SELECT COUNT(*) FROM student_event WHERE student_id = %d" % sid), "0", "no event")
    through(s, sid, "suspension")


@test("R-MOV-6 four eyes: the reviewer who submitted a suspension does not also review it (workflow_same_person); another reviewer does")
def _(s):
    (sid,) = admitted(s, school=SCHOOL)
    me = signed_in(s, SCHOOL + ".reviewer")
    st, h, b = sc_start(me, sid, "suspension")
    s.eq(st, 201, "start: %r" % (b,))
    st, h, e = decide(me, b["id"], 2)
    s.error_body(e, "workflow_same_person", 403, st)
    s.eq(b["steps"][1]["state"], "open")
    b = approved(s, signed_in(s, SCHOOL + ".reviewer"), b["id"], 2)
    s.eq(b["current_step"], 3)


# ---- invalid moves, input, scope ---------------------------------------------------------

@test("R-REC-3 invalid moves are refused (status_change_not_allowed), bad input is 422, other orgs 403/404")
def _(s):
    (sid,) = admitted(s, school=SCHOOL)
    clerk = signed_in(s, SCHOOL + ".clerk")
    st, h, e = sc_start(clerk, sid, "resumption")
    s.error_body(e, "status_change_not_allowed", 409, st)
    for st_, kinds in (("graduated", ("resumption", "suspension", "death")),
                       ("deleted", ("resumption", "death"))):
        # stands in for a graduation batch / a problem record's deletion
        s.sql("UPDATE student SET status = '%s' WHERE id = %d" % (st_, sid))
        for kind in kinds:
            st, h, e = sc_start(clerk, sid, kind)
            s.error_body(e, "status_change_not_allowed", 409, st)
    s.sql("UPDATE student SET status = 'in_school' WHERE id = %d" % sid)
    st, h, e = sc_start(clerk, sid, "graduation")
    e = s.error_body(e, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("type", "unknown_code")])
    # R-MOV-6: a suspension is the family's request
    st, h, e = clerk.call("POST", path(sid), {"type": "suspension", "reason": "x",
                                              "effective_date": beijing_today()})
    e = s.error_body(e, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("requested_by", "required")])
    st, h, e = sc_start(clerk, sid, "suspension", requested_by="school")
    e = s.error_body(e, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("requested_by", "unknown_code")])
    st, h, e = sc_start(clerk, sid, "left", effective_date="2026-02-30", reason="")
    e = s.error_body(e, "validation_failed", 422, st)
    s.eq(sorted(f["field"] for f in e["fields"]), ["effective_date", "reason"])
    # only the record's own school applies; bureaus never
    st, h, e = sc_start(signed_in(s, CY1 + ".clerk"), sid, "left")
    s.error_body(e, "not_found", 404, st)
    st, h, e = sc_start(signed_in(s, COUNTY + ".reviewer"), sid, "left")
    s.error_body(e, "forbidden", 403, st)
    st, h, e = signed_in(s, "1110800001.clerk").call("GET", path(sid))
    s.error_body(e, "not_found", 404, st)
    for who in (SCHOOL + ".clerk", COUNTY + ".reviewer", "bj.city.admin"):
        st, h, e = signed_in(s, who).call("GET", path(sid))
        s.eq(st, 200, "%s reads: %r" % (who, e))
    # R-ORG-5: a closed school starts nothing (stands in for the org administration's closing)
    s.sql("UPDATE org SET status = 'closed' WHERE kind = 'school' AND code = '%s'" % SCHOOL)
    try:
        st, h, e = sc_start(clerk, sid, "left")
        s.error_body(e, "school_closed", 409, st)
    finally:
        s.sql("UPDATE org SET status = 'open' WHERE kind = 'school' AND code = '%s'" % SCHOOL)
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d" % sid), "0", "nothing started")


@test("R-MOV-2 2002: a status change and a transfer exclude each other; a suspended student cannot transfer (student_not_in_school)")
def _(s):
    a, b2 = admitted(s, n=2, school=SCHOOL)
    sc_started(s, a, "left")
    st, h, e = start(s, signed_in(s, CY3 + ".clerk"), a)
    s.error_body(e, "transfer_refused_2002", 409, st)
    st, h, e = sc_start(signed_in(s, SCHOOL + ".clerk"), a, "abroad")
    s.error_body(e, "transfer_refused_2002", 409, st)
    st, h, t = start(s, signed_in(s, CY3 + ".clerk"), b2)
    s.eq(st, 201, "transfer: %r" % (t,))
    st, h, e = sc_start(signed_in(s, SCHOOL + ".clerk"), b2, "suspension")
    s.error_body(e, "transfer_refused_2002", 409, st)
    # the transfer rejected: the record is free again; suspended through the chain,
    # it cannot be transferred
    st, h, x = decide(signed_in(s, SCHOOL + ".reviewer"), t["id"], 2, "reject", "家长撤回")
    s.eq(st, 200, "%r" % (x,))
    through(s, b2, "suspension")
    st, h, e = start(s, signed_in(s, CY3 + ".clerk"), b2)
    s.error_body(e, "student_not_in_school", 409, st)


# ---- the in-school queries (R-REC-3, seed 004 第五篇 4) ---------------------------------

def roster_ids(staff):
    out, after = [], None
    while True:
        st, h, b = staff.call("GET", API + "/roster?limit=200" + ("&after=%s" % after if after else ""))
        assert st == 200, (st, b)
        out += [i["id"] for i in b["items"]]
        after = b["next_after"]
        if after is None:
            return out


def in_school_ids(staff):
    st, h, b = staff.call("GET", API + "/students?status=in_school&limit=200")
    assert st == 200, (st, b)
    return [i["id"] for i in b["items"]]


def in_school_count(s):
    st, h, b = signed_in(s, SCHOOL + ".clerk").call("GET", API + "/statistics")
    s.eq(st, 200, "statistics: %r" % (b,))
    row = [x for x in b["schools"] if x["code"] == SCHOOL]
    return row[0]["students_in_school"] if row else 0


def term_registered(s, sid, term):
    st, h, b = signed_in(s, SCHOOL + ".reviewer").call("POST", API + "/term-registrations", {"term": term})
    s.eq(st, 200, "term registration: %r" % (b,))
    return q1(s, "SELECT COUNT(*) FROM student_term WHERE student_id = %d AND term = '%s'" % (sid, term)) == "1"


@test("R-REC-3 a suspended student drops out of the roster, the in-school search and the statistics; resumed, it returns")
def _(s):
    a, b = admitted(s, n=2, school=SCHOOL)
    clerk = signed_in(s, SCHOOL + ".clerk")
    n0 = in_school_count(s)
    s.ok(a in roster_ids(clerk) and a in in_school_ids(clerk), "in school: listed")
    through(s, a, "suspension")
    s.ok(a not in roster_ids(clerk), "suspended: not on the roster")
    s.ok(b in roster_ids(clerk), "the other one stays")
    s.ok(a not in in_school_ids(clerk), "suspended: not in the in-school search")
    s.eq(in_school_count(s), n0 - 1, "statistics: one fewer in school")
    st, h, x = clerk.call("GET", API + "/students?status=suspended&limit=200")
    s.ok(a in [i["id"] for i in x["items"]], "the search by status finds it")
    through(s, a, "resumption")
    s.ok(a in roster_ids(clerk) and a in in_school_ids(clerk), "resumed: listed again")
    s.eq(in_school_count(s), n0)


@test("R-REC-5 seed 003 term registration: a suspended student is registered (含休学状态学生), one abroad or dropped out is not; resumed, registered again")
def _(s):
    a, b = admitted(s, n=2, school=SCHOOL)
    through(s, a, "suspension")
    through(s, b, "abroad")
    s.ok(term_registered(s, a, "2026-2"), "seed 003: suspended students register too")
    s.ok(not term_registered(s, b, "2026-2"), "abroad: not registered")
    through(s, b, "resumption")
    s.ok(term_registered(s, b, "2026-2"), "back in school: registered")
    through(s, b, "dropout")
    s.ok(not term_registered(s, b, "2027-1"), "dropped out: not registered")


# ---- repeat and skip (seed 002 §四) --------------------------------------------------------

@test("R-MOV-6 seed 002 §四 repeat and skip: off until the province switches them on (xuejictl grade-change); the grade moves within the level; off again, refused")
def _(s):
    (sid,) = admitted(s, school=SCHOOL)
    # stands in for a pupil in grade 3 (an admitted child is in its first year)
    year = school_year() - 2
    s.sql("UPDATE student SET entry_year = %d WHERE id = %d" % (year, sid))
    clerk = signed_in(s, SCHOOL + ".clerk")
    for kind in ("repeat", "skip"):
        st, h, e = sc_start(clerk, sid, kind)
        s.error_body(e, "grade_change_disabled", 409, st)
    s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "skip", "--on")
    st, h, e = sc_start(clerk, sid, "repeat")
    s.error_body(e, "grade_change_disabled", 409, st)
    out = s.stack.xuejictl("grade-change", "list")
    s.ok("110000\tskip\ton" in out, out)
    # the county rejects a skip: nothing moves
    b = sc_started(s, sid, "skip")
    st, h, x = decide(signed_in(s, COUNTY + ".reviewer"), b["id"], 2, "reject", "成绩证明不足")
    s.eq((st, x.get("state")), (200, "rejected"), "%r" % (x,))
    s.eq(q1(s, "SELECT grade_offset FROM student WHERE id = %d" % sid), "0", "a rejected skip moves nothing")
    b = through(s, sid, "skip")
    s.eq(b["type"], "grade_skip")
    s.eq(q1(s, "SELECT CONCAT(grade_offset, '/', status, '/', entry_year) FROM student WHERE id = %d" % sid),
         "1/in_school/%d" % year, "R-REC-4: entry year kept; one grade up")
    s.eq([(e["kind"], e["from_grade"], e["to_grade"]) for e in events(s, sid)], [("skip", 3, 4)])
    # the record, the roster and the search show the grade moved
    st, h, rec = clerk.call("GET", "%s/students/%d" % (API, sid))
    s.eq(rec["grade"], 4, "the record's grade")
    st, h, x = clerk.call("GET", API + "/students?status=in_school&limit=200")
    s.eq([i["grade"] for i in x["items"] if i["id"] == sid], [4], "the search's grade")
    st, h, x = clerk.call("GET", API + "/roster?limit=200")
    s.eq([i["grade"] for i in x["items"] if i["id"] == sid], [4], "the roster's grade")
    s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "repeat", "--on")
    through(s, sid, "repeat")
    through(s, sid, "repeat")
    s.eq(q1(s, "SELECT grade_offset FROM student WHERE id = %d" % sid), "-1")
    s.eq([(e["kind"], e["from_grade"], e["to_grade"]) for e in events(s, sid)][1:],
         [("repeat", 4, 3), ("repeat", 3, 2)])
    # the level's bounds: grade 2 repeats to 1, not below
    through(s, sid, "repeat")
    st, h, e = sc_start(clerk, sid, "repeat")
    s.error_body(e, "grade_change_out_of_range", 409, st)
    # a suspended pupil neither repeats nor skips
    through(s, sid, "suspension")
    st, h, e = sc_start(clerk, sid, "skip")
    s.error_body(e, "status_change_not_allowed", 409, st)
    s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "repeat", "--off")
    s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "skip", "--off")
    through(s, sid, "resumption")
    st, h, e = sc_start(clerk, sid, "skip")
    s.error_body(e, "grade_change_disabled", 409, st)
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'grade_change_policy.set'"), "4")
    # the county rejects a repeat of another pupil: nothing moves
    (other,) = admitted(s, school=SCHOOL)
    s.sql("UPDATE student SET entry_year = %d WHERE id = %d" % (year, other))
    s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "repeat", "--on")
    try:
        b = sc_started(s, other, "repeat")
        st, h, x = decide(signed_in(s, COUNTY + ".reviewer"), b["id"], 2, "reject", "家长不同意")
        s.eq((st, x.get("state")), (200, "rejected"), "%r" % (x,))
    finally:
        s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "repeat", "--off")
    s.eq(q1(s, "SELECT grade_offset FROM student WHERE id = %d" % other), "0", "a rejected repeat moves nothing")


@test("R-MOV-6 R-REC-10 a repeater leaves its class, shows the grade below, joins a class of the next cohort, and keeps its entry year")
def _(s):
    (sid,) = admitted(s, school=SCHOOL)
    # stands in for a pupil in grade 3 (an admitted child is in its first year)
    year = school_year() - 2
    s.sql("UPDATE student SET entry_year = %d WHERE id = %d" % (year, sid))
    reviewer = signed_in(s, SCHOOL + ".reviewer")
    classes = {}
    for y in (year, year + 1):
        st, h, c = reviewer.call("POST", API + "/classes", {"entry_year": y, "level": 1})
        s.ok(st in (200, 201), "class: %r" % (c,))
        classes[y] = c["code"]
    klass = "%s/students/%d/class" % (API, sid)
    st, h, x = reviewer.call("POST", klass, {"class_code": classes[year]})
    s.ok(st in (200, 201), "class set: %r" % (x,))
    st, h, rec = reviewer.call("GET", "%s/students/%d" % (API, sid))
    s.eq((rec["grade"], rec["class_code"]), (3, classes[year]))
    s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "repeat", "--on")
    try:
        through(s, sid, "repeat")
    finally:
        s.stack.xuejictl("grade-change", "set", "--province", "110000", "--kind", "repeat", "--off")
    st, h, rec = reviewer.call("GET", "%s/students/%d" % (API, sid))
    s.eq((rec["grade"], rec["class_code"], rec["entry_year"]), (2, None, year),
         "grade 2, no class, R-REC-4 entry year kept")
    st, h, e = reviewer.call("POST", klass, {"class_code": classes[year]})
    e = s.error_body(e, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("class_code", "class_mismatch")])
    st, h, x = reviewer.call("POST", klass, {"class_code": classes[year + 1]})
    s.ok(st in (200, 201), "the next cohort's class: %r" % (x,))


# ---- configurable per province (R-MOV-6) -------------------------------------------------

VARIANT = [
    (1, "receiving_school", "clerk", 0, "advance"),
    (2, "receiving_school", "reviewer", 10, "advance"),
    (3, "receiving_county", "reviewer", 10, "advance"),
    (4, "bureau_above", "reviewer", 10, "status_apply"),
]


@test("R-MOV-6 configurable per province: Beijing's own suspension chain (the city re-reviews after the county) is the one its schools get; removed, the national chain again")
def _(s):
    (sid,) = admitted(s, school=SCHOOL)
    # the documented SQL of docs/operations.md "Status-change chains per province"
    s.sql("INSERT INTO workflow_type (code, province, name) VALUES ('status_suspension', '110000', '休学（北京）')")
    s.sql("INSERT INTO workflow_type_step (type_code, province, seq, party, role, days, on_approve)"
          " VALUES " + ", ".join("('status_suspension', '110000', %d, '%s', '%s', %d, '%s')" % v
                                 for v in VARIANT))
    try:
        b = sc_started(s, sid, "suspension")
        case = b["id"]
        s.eq([(x["party"], x["org"]["code"]) for x in b["steps"]],
             [("receiving_school", SCHOOL), ("receiving_school", SCHOOL), ("receiving_county", COUNTY),
              ("bureau_above", "110100")])
        approved(s, signed_in(s, SCHOOL + ".reviewer"), case, 2)
        b = approved(s, signed_in(s, COUNTY + ".reviewer"), case, 3)
        s.eq((b["current_step"], status(s, sid)), (4, "in_school"), "the county's approval is not the last")
        st, h, e = decide(signed_in(s, COUNTY + ".reviewer"), case, 4)
        s.error_body(e, "workflow_not_your_step", 403, st)
        b = approved(s, signed_in(s, "bj.city.reviewer"), case, 4)
        s.eq((b["state"], status(s, sid)), ("approved", "suspended"))
    finally:
        s.sql("DELETE FROM workflow_type_step WHERE type_code = 'status_suspension' AND province = '110000'")
        s.sql("DELETE FROM workflow_type WHERE code = 'status_suspension' AND province = '110000'")
    b = through(s, sid, "resumption")
    b = through(s, sid, "suspension")
    s.eq(len(b["steps"]), 3, "the national chain again")


# ---- R-MOV-7: the family sees it in words -------------------------------------------------

@test("R-MOV-7 R-MOV-6 the family follows a suspension in words: the school, the county, the status it gave; a rejection with its reason")
def _(s):
    p, no, sid = admitted_with_parent(s, SCHOOL, COUNTY)
    rc = "/api/parent/v1/registrations/%s/record-changes" % no
    case = sc_started(s, sid, "suspension")["id"]
    st, h, b = p.call("GET", rc)
    s.eq(st, 200)
    it = b["items"][0]
    s.eq((it["id"], it["type"], it["state"]), (case, "status_suspension", "open"))
    s.ok("休学办理中" in it["progress"] and "等待学校审核" in it["progress"] and "第2步，共3步" in it["progress"],
         it["progress"])
    s.ok("转入" not in it["progress"], "no transfer words: %s" % it["progress"])
    s.eq([x["party_name"] for x in it["steps"]], ["学校", "学校", "县级教育行政部门"])
    approved(s, signed_in(s, SCHOOL + ".reviewer"), case, 2)
    st, h, b = p.call("GET", rc)
    s.ok("等待县级教育行政部门审核" in b["items"][0]["progress"], b["items"][0]["progress"])
    approved(s, signed_in(s, COUNTY + ".reviewer"), case, 3)
    st, h, b = p.call("GET", rc)
    it = b["items"][0]
    s.eq(it["state"], "approved")
    s.ok("休学已办结" in it["progress"] and "休学" in it["progress"], it["progress"])
    s.ok("status is now suspended" in it["progress_en"], it["progress_en"])
    # a resumption refused by the county: the reason in words
    case = sc_started(s, sid, "resumption")["id"]
    st, h, x = decide(signed_in(s, COUNTY + ".reviewer"), case, 2, "reject", "医院证明未到期")
    s.eq(st, 200, "%r" % (x,))
    st, h, b = p.call("GET", rc)
    it = [x for x in b["items"] if x["id"] == case][0]
    s.ok("复学未获同意" in it["progress"] and "县级教育行政部门不同意" in it["progress"]
         and "医院证明未到期" in it["progress"], it["progress"])


run()
