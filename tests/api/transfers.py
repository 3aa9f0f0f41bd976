"""Black-box: transfers (转学) on the workflow engine (issue 11 §5, §7;
R-MOV-1, R-MOV-2, R-MOV-4, R-MOV-7, R-REC-4, R-ORG-5).

Students come into being through the real chain (records.py's
admitted(): parent registers, school ticks, list, county approval). What
no endpoint of ours sets yet is stood in for with SQL, said where: the
problem flag (the duplicate-check module's), a status other than in
school (status changes are a later part of issue 11), a closed school
(R-ORG-5, set by the org administration of another issue) and a school in
another province (the demo seed has Beijing only)."""
import threading

from parent import signed_up
from staff import signed_in
from wfcases import (API, CASES, CHAOYANG, CY1, CY3, HAIDIAN, HD1, INBOX, TRANSFERS,
                     admitted, admitted_with_parent, approved, beijing_today, date_add, decide,
                     notices, q1, start, started, student, workdays_after)
from xjtest import run, test


def steps_state(case):
    return [(x["seq"], x["party"], x["state"]) for x in case["steps"]]


# ---- same county (R-MOV-1): receiving school -> sending school -> county ----

@test("R-MOV-1 R-MOV-4 R-REC-4 same county: receiving school applies, sending school and county approve; the record moves, entry year kept, sending school notified")
def _(s):
    (sid,) = admitted(s, school=CY1)
    no, name, school, year = student(s, sid)
    recv = signed_in(s, CY3 + ".clerk")
    b = started(s, recv, sid)
    case = b["id"]
    s.eq((b["type"], b["state"], b["current_step"]), ("transfer_county", "open", 2))
    s.eq(steps_state(b), [(1, "receiving_school", "approved"), (2, "sending_school", "open"),
                          (3, "sending_county", "waiting")])
    s.eq((b["steps"][1]["deadline"], b["steps"][1]["deadline_provisional"]),
         workdays_after(s, beijing_today(), 10), "the open step's deadline: 10 working days")
    s.eq(b["steps"][1]["org"]["code"], CY1, "the sending school acts")
    # the sending school's inbox lists it; the receiving school's does not
    send = signed_in(s, CY1 + ".reviewer")
    st, h, box = send.call("GET", INBOX)
    s.eq(st, 200)
    mine = [x for x in box["items"] if x["case_id"] == case]
    s.eq(len(mine), 1, "in the sending school's inbox")
    s.eq((mine[0]["step"], mine[0]["overdue"], mine[0]["student_name"]), (2, False, name))
    st, h, box = signed_in(s, CY3 + ".reviewer").call("GET", INBOX)
    s.ok(case not in [x["case_id"] for x in box["items"]], "not the receiving school's step now")
    b = approved(s, send, case, 2)
    s.eq((b["current_step"], b["steps"][2]["state"], b["steps"][2]["org"]["code"]), (3, "open", CHAOYANG))
    s.eq(q1(s, "SELECT o.code FROM student s JOIN org o ON o.id = s.school_org_id WHERE s.id = %d" % sid),
         CY1, "nothing moves before the last approval")
    county = signed_in(s, CHAOYANG + ".reviewer")
    b = approved(s, county, case, 3)
    s.eq((b["state"], b["current_step"]), ("approved", 0))
    s.ok(b["closed_at"], "closed")
    no2, name2, school2, year2 = student(s, sid)
    s.eq((school2, year2, no2, name2), (CY3, year, no, name),
         "R-MOV-4: the receiving school holds the record; R-REC-4: entry year and number unchanged")
    s.eq(q1(s, "SELECT COALESCE(class_id, 0) FROM student WHERE id = %d" % sid), "0",
         "no class chosen: the receiving school assigns one")
    s.eq(len(notices(send, "transferred_out", case)), 1, "the sending school is notified")
    s.eq(len(notices(signed_in(s, CY3 + ".reviewer"), "decided", case)), 1,
         "the receiving school learns the outcome")
    # the history stays: the case, each decision audited
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE target_type = 'workflow' AND target_id = '%d'"
             " AND action IN ('transfer.start', 'workflow.approve')" % case), "3")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'student.transfer'"
             " AND target_id = '%d'" % sid), "1")
    # the receiving school now has the student on its roster (in-school query)
    st, h, b = signed_in(s, CY3 + ".clerk").call("GET", "%s/students/%d" % (API, sid))
    s.eq((st, b.get("school", {}).get("code")), (200, CY3))
    st, h, b = signed_in(s, CY1 + ".clerk").call("GET", "%s/students/%d" % (API, sid))
    s.eq(st, 404, "the sending school no longer sees the record")
    # the record's history of cases: from which school to which
    st, h, b = signed_in(s, CY3 + ".clerk").call("GET", "%s/students/%d/workflow-cases" % (API, sid))
    s.eq(st, 200, "%r" % (b,))
    s.eq([(x["id"], x["state"], x["from_school"]["code"], x["to_school"]["code"]) for x in b["items"]],
         [(case, "approved", CY1, CY3)])
    st, h, b = signed_in(s, CY1 + ".clerk").call("GET", "%s/students/%d/workflow-cases" % (API, sid))
    s.eq(st, 404, "not the old school's record any more")
    st, h, b = signed_in(s, CY1 + ".reviewer").call("GET", "%s/%d" % (CASES, case))
    s.eq(st, 200, "the old school still reads the case itself")


@test("R-MOV-4 a class of the receiving school chosen at the start is the student's class after the pull; a class of another year is refused")
def _(s):
    (sid,) = admitted(s, school=CY1)
    _, _, _, year = student(s, sid)
    recv = signed_in(s, CY3 + ".clerk")
    st, h, c = recv.call("POST", API + "/classes", {"entry_year": year, "level": 1})
    s.ok(st in (200, 201), "class: %r" % (c,))
    st, h, b = start(s, recv, sid, class_code="%d199" % (year + 1))
    s.eq(st, 422, "unknown class: %r" % (b,))
    st, h, b = start(s, recv, sid, class_code=c["code"])
    s.eq(st, 201, "start: %r" % (b,))
    approved(s, signed_in(s, CY1 + ".reviewer"), b["id"], 2)
    approved(s, signed_in(s, CHAOYANG + ".reviewer"), b["id"], 3)
    s.eq(q1(s, "SELECT c.code FROM student s JOIN school_class c ON c.id = s.class_id WHERE s.id = %d" % sid),
         c["code"])


# ---- same province (R-MOV-1): receiving school -> receiving county -> sending school -> sending county

@test("R-MOV-1 same province, other county: receiving school, receiving county, sending school, sending county; the record moves")
def _(s):
    (sid,) = admitted(s, school=CY1)
    recv = signed_in(s, HD1 + ".clerk")
    b = started(s, recv, sid)
    case = b["id"]
    s.eq(b["type"], "transfer_province")
    s.eq([(x["party"], x["org"]["code"]) for x in b["steps"]],
         [("receiving_school", HD1), ("receiving_county", HAIDIAN), ("sending_school", CY1),
          ("sending_county", CHAOYANG)])
    approved(s, signed_in(s, HAIDIAN + ".reviewer"), case, 2)
    approved(s, signed_in(s, CY1 + ".reviewer"), case, 3)
    b = approved(s, signed_in(s, CHAOYANG + ".admin"), case, 4)
    s.eq(b["state"], "approved")
    s.eq(student(s, sid)[2], HD1)


# ---- a rejection at every step ends the chain; the initiator starts again -------

@test("R-MOV-1 a rejection at each step of both chains ends the case with its reason; nothing moves; the receiving school may start again")
def _(s):
    (sid,) = admitted(s, school=CY1)
    chains = {
        CY3: [(2, CY1 + ".reviewer"), (3, CHAOYANG + ".reviewer")],
        HD1: [(2, HAIDIAN + ".reviewer"), (3, CY1 + ".reviewer"), (4, CHAOYANG + ".reviewer")],
    }
    for recv_school, steps in chains.items():
        recv = signed_in(s, recv_school + ".clerk")
        for k, (seq, who) in enumerate(steps):
            b = started(s, recv, sid)     # also: starting again after the last rejection
            case = b["id"]
            for seq0, who0 in steps[:k]:
                approved(s, signed_in(s, who0), case, seq0)
            decider = signed_in(s, who)
            st, h, e = decide(decider, case, seq, "reject")
            s.eq(st, 422, "a rejection needs a reason: %r" % (e,))
            st, h, b = decide(decider, case, seq, "reject", "材料不全 %d" % seq)
            s.eq(st, 200, "reject step %d: %r" % (seq, b))
            s.eq((b["state"], b["reason"], b["current_step"]), ("rejected", "材料不全 %d" % seq, 0))
            s.eq([x["state"] for x in b["steps"]],
                 ["approved"] * seq_index(b, seq) + ["rejected"] +
                 ["cancelled"] * (len(b["steps"]) - seq_index(b, seq) - 1))
            st, h, e = decide(decider, case, seq, "approve")
            s.error_body(e, "workflow_step_decided", 409, st)
            s.eq(student(s, sid)[2], CY1, "nothing moved")
            s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.reject'"
                     " AND target_id = '%d'" % case), "1")
            s.eq(len(notices(signed_in(s, recv_school + ".reviewer"), "decided", case)), 1,
                 "the receiving school learns of the rejection")
    started(s, signed_in(s, CY3 + ".clerk"), sid)


def seq_index(case, seq):
    return [x["seq"] for x in case["steps"]].index(seq)


# ---- refusals (R-MOV-2): 2001, 2002, 2003 and the rest ---------------------------

@test("R-MOV-2 2001: a name that does not match the number, and a number no record has, are refused alike")
def _(s):
    (sid,) = admitted(s, school=CY1)
    recv = signed_in(s, CY3 + ".clerk")
    no, name, _, _ = student(s, sid)
    st, h, b = recv.call("POST", TRANSFERS, {"student_no": no, "name": name + "明"})
    e = s.error_body(b, "transfer_refused_2001", 422, st)
    s.eq(e["field"], "student_no")
    other = no[:-4] + ("0000" if no[-4:] != "0000" else "0001")
    if q1(s, "SELECT COUNT(*) FROM student_no_issued WHERE student_no = '%s'" % other) == "0":
        st, h, b = recv.call("POST", TRANSFERS, {"student_no": other, "name": name})
        s.error_body(b, "transfer_refused_2001", 422, st)
    st, h, b = recv.call("POST", TRANSFERS, {"student_no": "X123", "name": name})
    s.eq(st, 422, "a malformed number is a field error: %r" % (b,))
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d" % sid), "0")


@test("M5 R-MOV-2 ten 2001 refusals within ten minutes stop the account's starts (429 lookup_limited), even with the right name; another account is not stopped")
def _(s):
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    guesser = signed_in(s, CY3 + ".clerk")
    for k in range(10):
        st, h, b = guesser.call("POST", TRANSFERS, {"student_no": no, "name": "错名%d" % k})
        s.error_body(b, "transfer_refused_2001", 422, st)
    st, h, b = guesser.call("POST", TRANSFERS, {"student_no": no, "name": name})
    s.error_body(b, "lookup_limited", 429, st)
    s.eq(h.get("retry-after"), "600")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.refused_2001'"
             " AND target_id = '%d'" % sid), "10", "each refusal recorded, against the record, not the number")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE target_id = '%s'" % no), "0",
         "the typed number is never written to the trail")
    started(s, signed_in(s, CY3 + ".clerk"), sid)


@test("R-MOV-2 2002: a student with business in progress is refused, from the same and from another school, also when two schools start at once")
def _(s):
    a, b2 = admitted(s, n=2, school=CY1)
    recv = signed_in(s, CY3 + ".clerk")
    started(s, recv, a)
    st, h, b = start(s, recv, a)
    s.error_body(b, "transfer_refused_2002", 409, st)
    st, h, b = start(s, signed_in(s, HD1 + ".clerk"), a)
    s.error_body(b, "transfer_refused_2002", 409, st)
    # two schools at once: exactly one case opens (the unique open subject)
    one, two = signed_in(s, CY3 + ".clerk"), signed_in(s, HD1 + ".clerk")
    out = []
    ts = [threading.Thread(target=lambda w=w: out.append(start(s, w, b2)[:3:2])) for w in (one, two)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    codes = sorted(st for st, _ in out)
    s.eq(codes, [201, 409], "one start wins: %r" % (out,))
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d AND state = 'open'" % b2), "1")


@test("R-MOV-2 2003: a problem record is refused until it is resolved")
def _(s):
    (sid,) = admitted(s, school=CY1)
    recv = signed_in(s, CY3 + ".clerk")
    # stands in for the duplicate-check / problem-record module (R-DUP-1)
    s.sql("UPDATE student SET problem_open = 1 WHERE id = %d" % sid)
    st, h, b = start(s, recv, sid)
    s.error_body(b, "transfer_refused_2003", 409, st)
    s.sql("UPDATE student SET problem_open = 0 WHERE id = %d" % sid)
    started(s, recv, sid)


@test("R-MOV-2 only an in-school student moves; a student of the school itself is refused")
def _(s):
    (sid,) = admitted(s, school=CY1)
    # stands in for a status change (issue 11 §6, a later part)
    s.sql("UPDATE student SET status = 'suspended' WHERE id = %d" % sid)
    st, h, b = start(s, signed_in(s, CY3 + ".clerk"), sid)
    s.error_body(b, "student_not_in_school", 409, st)
    s.sql("UPDATE student SET status = 'in_school' WHERE id = %d" % sid)
    st, h, b = start(s, signed_in(s, CY1 + ".clerk"), sid)
    s.error_body(b, "transfer_same_school", 409, st)


@test("R-ORG-5 a closed school neither starts nor gives a transfer")
def _(s):
    (sid,) = admitted(s, school=CY1)
    recv = signed_in(s, CY3 + ".clerk")
    s.sql("UPDATE org SET status = 'closed' WHERE kind = 'school' AND code = '%s'" % CY1)
    try:
        st, h, b = start(s, recv, sid)
        s.error_body(b, "school_closed", 409, st)
    finally:
        s.sql("UPDATE org SET status = 'open' WHERE kind = 'school' AND code = '%s'" % CY1)
    s.sql("UPDATE org SET status = 'closed' WHERE kind = 'school' AND code = '%s'" % CY3)
    try:
        st, h, b = start(s, recv, sid)
        s.error_body(b, "school_closed", 409, st)
    finally:
        s.sql("UPDATE org SET status = 'open' WHERE kind = 'school' AND code = '%s'" % CY3)


@test("R-MOV-1 R-EXC-1 another province: the chain has the ministry exchange's step, which is not connected: refused, not faked")
def _(s):
    (sid,) = admitted(s, school=CY1)
    # stands in for a school of another province (the demo seed is Beijing's)
    s.sql("INSERT IGNORE INTO org (kind, code, name, parent_id, path, county_id, supervisor_id)"
          " SELECT 'school', '1210100001', '天津市和平区测试小学', id, CONCAT(path, '1210100001/'), id, id"
          " FROM org WHERE kind = 'county' AND code = '120101'")
    s.sql("INSERT IGNORE INTO staff_account (org_id, login, display_name, role, pw_hash)"
          " SELECT o.id, 'tj.wf.clerk', '测试', 'clerk', a.pw_hash FROM org o, staff_account a"
          " WHERE o.kind = 'school' AND o.code = '1210100001' AND a.login = '%s.clerk'" % CY1)
    tj = signed_in(s, "tj.wf.clerk")
    st, h, b = start(s, tj, sid)
    s.error_body(b, "workflow_exchange_unavailable", 409, st)
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d" % sid), "0")


@test("issue 11 §7 a province's freeze (xuejictl transfer-freeze, the owner account) refuses new transfers in its period; lifted, they start again")
def _(s):
    (sid,) = admitted(s, school=CY1)
    recv = signed_in(s, CY3 + ".clerk")
    today = beijing_today()
    s.stack.xuejictl("transfer-freeze", "set", "--province", "110000", "--from", date_add(today, -1),
                     "--to", date_add(today, 1), "--reason", "升级批次")
    try:
        st, h, b = start(s, recv, sid)
        s.error_body(b, "transfer_frozen", 409, st)
        out = s.stack.xuejictl("transfer-freeze", "list")
        s.ok("110000\t%s\t%s" % (date_add(today, -1), date_add(today, 1)) in out, out)
    finally:
        s.stack.xuejictl("transfer-freeze", "lift", "--province", "110000", "--from", date_add(today, -1))
    # a freeze that is over, or not yet begun, does not stop anything
    s.stack.xuejictl("transfer-freeze", "set", "--province", "110000", "--from", date_add(today, 1),
                     "--to", date_add(today, 20))
    try:
        started(s, recv, sid)
    finally:
        s.stack.xuejictl("transfer-freeze", "lift", "--province", "110000", "--from", date_add(today, 1))
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'transfer_freeze.set'"), "2")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'transfer_freeze.lift'"), "2")


@test("R-ORG-3 a bureau does not start transfers; a school clerk does not decide")
def _(s):
    (sid,) = admitted(s, school=CY1)
    st, h, b = start(s, signed_in(s, CHAOYANG + ".reviewer"), sid)
    s.error_body(b, "forbidden", 403, st)
    b = started(s, signed_in(s, CY3 + ".clerk"), sid)
    st, h, e = decide(signed_in(s, CY1 + ".clerk"), b["id"], 2)
    s.error_body(e, "forbidden", 403, st)
    # the county is a party, but step 2 is the sending school's
    st, h, e = decide(signed_in(s, CHAOYANG + ".reviewer"), b["id"], 2)
    s.error_body(e, "workflow_not_your_step", 403, st)
    # a third county sees nothing of it
    st, h, e = signed_in(s, "110101.reviewer").call("GET", "%s/%d" % (CASES, b["id"]))
    s.error_body(e, "not_found", 404, st)
    st, h, e = decide(signed_in(s, "110101.reviewer"), b["id"], 2)
    s.error_body(e, "not_found", 404, st)
    # the parties and the bureaus above them do
    for who in (CY1 + ".clerk", CY3 + ".reviewer", CHAOYANG + ".reviewer", "bj.city.reviewer",
                "bj.reviewer"):
        st, h, e = signed_in(s, who).call("GET", "%s/%d" % (CASES, b["id"]))
        s.eq(st, 200, "%s reads the case: %r" % (who, e))


# ---- R-MOV-7: the family sees the progress in words ---------------------------------

@test("R-MOV-7 the family follows the transfer in words, step by step, in the parent portal; another family sees nothing")
def _(s):
    p, no, sid = admitted_with_parent(s, CY1, CHAOYANG)
    path = "/api/parent/v1/registrations/%s/record-changes" % no
    st, h, b = p.call("GET", path)
    s.eq((st, b), (200, {"items": []}))
    case = started(s, signed_in(s, CY3 + ".clerk"), sid)["id"]
    st, h, b = p.call("GET", path)
    s.eq(st, 200)
    s.eq(len(b["items"]), 1)
    it = b["items"][0]
    s.eq((it["id"], it["state"]), (case, "open"))
    s.ok("转出学校" in it["progress"] and "第2步，共3步" in it["progress"], it["progress"])
    s.ok("sending school" in it["progress_en"], it["progress_en"])
    s.eq([x["state"] for x in it["steps"]], ["approved", "open", "waiting"])
    approved(s, signed_in(s, CY1 + ".reviewer"), case, 2)
    st, h, b = p.call("GET", path)
    s.ok("转出地教育行政部门" in b["items"][0]["progress"], b["items"][0]["progress"])
    approved(s, signed_in(s, CHAOYANG + ".reviewer"), case, 3)
    st, h, b = p.call("GET", path)
    it = b["items"][0]
    s.eq(it["state"], "approved")
    s.ok("已办结" in it["progress"] and it["receiving_school"] in it["progress"], it["progress"])
    s.ok(it["closed_at"].endswith("+08:00"), it["closed_at"])
    other = signed_up(s)
    st, h, b = other.call("GET", path)
    s.eq(st, 404, "another family's registration: %r" % (b,))


run()
