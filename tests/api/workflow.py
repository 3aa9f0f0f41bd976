"""Black-box: the workflow engine itself (issue 11 §1, §4; R-MOV-3,
R-ORG-6): the inbox and its counts per org, a step going overdue with a
reminder first, the initiating school's forced escalation decided by the
bureau above, two reviewers racing on one step, and the chains as data.
Cases are transfers (tests/api/transfers.py covers the chains).

Time without sleeping: the tick takes the day it stands for
(`xuejictl workflow tick --today D`), so a step's deadline is reached by
running the tick for that day; the escalation accepts a step the tick
marked overdue. Deadlines are counted on the stack's working-day calendar
(2024-2026 imported by seed-demo); wfcases.workdays_after counts them
independently from the calendar's rows."""
import os
import threading

from staff import signed_in
from wfcases import (CASES, CHAOYANG, CY1, CY3, HD1, HAIDIAN, INBOX, admitted, approved, q1,
                     beijing_today, date_add, decide, notices, started, tick, weekdays_after,
                     workdays_after)
from xjtest import run, test


@test("R-MOV-3 a step's deadline is 10 working days on the official calendar after the day it opens, counted from the next day")
def _(s):
    (sid,) = admitted(s, school=CY1)
    b = started(s, signed_in(s, CY3 + ".clerk"), sid)
    step = b["steps"][1]
    s.eq((step["deadline"], step["deadline_provisional"]), workdays_after(s, beijing_today(), 10))
    s.eq(q1(s, "SELECT days FROM workflow_type_step WHERE type_code = 'transfer_county' AND seq = 2"), "10")


@test("R-MOV-3 a deadline counted without the year's calendar is provisional (weekends only) and the tick makes it final once the calendar is imported")
def _(s):
    (sid,) = admitted(s, school=CY1)
    year = beijing_today()[:4]
    # the year's calendar taken away (the stack imported 2024-2026 at seed-demo)
    s.sql("DELETE FROM calendar_year WHERE prov_key = '' AND year = %s" % year)
    try:
        b = started(s, signed_in(s, CY3 + ".clerk"), sid)
        step = b["steps"][1]
        s.eq(step["deadline_provisional"], True, "no calendar for %s: provisional" % year)
        s.eq(step["deadline"], weekdays_after(beijing_today(), 10), "weekends only")
    finally:
        # imported again, as an operator does with the State Council's notice
        path = "%s/data/calendar/cn-%s.csv" % (s.stack.srcdir, year)
        s.ok(os.path.exists(path), "data/calendar holds this year's calendar: %s" % path)
        s.stack.xuejictl("calendar", "import", "--source", "test re-import", path)
    out = tick(s, beijing_today())
    s.ok("1 deadlines recounted" in out or "deadlines recounted" in out, out)
    st, h, b = signed_in(s, CY1 + ".reviewer").call("GET", "%s/%d" % (CASES, b["id"]))
    step = b["steps"][1]
    s.eq((step["deadline"], step["deadline_provisional"]), workdays_after(s, beijing_today(), 10),
         "recounted on the calendar, final")
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow_step WHERE workflow_id = %d AND deadline_provisional = 1" % b["id"]),
         "0")


@test("issue 11 §4 the inbox lists the org's open steps by deadline; bureaus see open and overdue steps per org of their scope")
def _(s):
    a, b2 = admitted(s, n=2, school=CY1)
    recv = signed_in(s, CY3 + ".clerk")
    c1 = started(s, recv, a)["id"]
    s.sql("UPDATE workflow_step SET deadline = deadline - INTERVAL 1 DAY WHERE workflow_id = %d AND seq = 2" % c1)
    c2 = started(s, signed_in(s, HD1 + ".clerk"), b2)["id"]
    approved(s, signed_in(s, HAIDIAN + ".reviewer"), c2, 2)
    st, h, box = signed_in(s, CY1 + ".reviewer").call("GET", INBOX)
    s.eq(st, 200)
    mine = [x["case_id"] for x in box["items"] if x["case_id"] in (c1, c2)]
    s.eq(mine, [c1, c2], "earliest deadline first")
    s.eq(box["counts"], [], "a school has no counts")
    st, h, box = signed_in(s, "bj.city.reviewer").call("GET", INBOX)
    s.eq(st, 200)
    row = [c for c in box["counts"] if c["org_code"] == CY1]
    s.eq(len(row), 1, "a row for the sending school: %r" % box["counts"])
    s.ok(row[0]["open"] >= 2, row)
    st, h, box = signed_in(s, HAIDIAN + ".reviewer").call("GET", INBOX)
    s.ok(not [c for c in box["counts"] if c["org_code"] == CY1], "Haidian's scope holds no Chaoyang school")
    # index-backed: the counts read a range of step_scope, the inbox step_inbox
    plan = s.sql("EXPLAIN SELECT org_id, COUNT(*), SUM(overdue = 1 OR deadline < '2026-01-01')"
                 " FROM workflow_step WHERE state = 'open' AND org_path LIKE '/110000/110100/%'"
                 " GROUP BY org_path, org_id LIMIT 500")
    s.ok("step_scope" in repr(plan) and "Using index" in repr(plan), "counts read step_scope alone: %r" % (plan,))
    s.ok("temporary" not in repr(plan) and "filesort" not in repr(plan), "grouped in index order: %r" % (plan,))
    plan = s.sql("EXPLAIN SELECT workflow_id FROM workflow_step WHERE org_id = 1 AND state = 'open'"
                 " ORDER BY deadline, id LIMIT 200")
    s.ok("step_inbox" in repr(plan), "inbox uses step_inbox: %r" % (plan,))


@test("R-MOV-3 R-ORG-6 overdue: the tick reminds 2 working days ahead, marks the step overdue, the initiating school escalates, the county above decides in the sending school's place")
def _(s):
    (sid,) = admitted(s, school=CY1)
    recv = signed_in(s, CY3 + ".reviewer")
    b = started(s, signed_in(s, CY3 + ".clerk"), sid)
    case, deadline = b["id"], b["steps"][1]["deadline"]
    send = signed_in(s, CY1 + ".reviewer")
    # not overdue yet: no escalation
    st, h, e = recv.call("POST", "%s/%d/escalation" % (CASES, case), {"step": 2, "reason": "太慢"})
    s.error_body(e, "workflow_not_overdue", 409, st)
    # weeks before the deadline: nothing; on the deadline day: a reminder, once
    tick(s, date_add(deadline, -20))
    s.eq(notices(send, "reminder", case), [])
    out = tick(s, deadline)
    s.ok("reminders" in out, out)
    s.eq(len(notices(send, "reminder", case)), 1, "reminded")
    tick(s, deadline)
    s.eq(len(notices(send, "reminder", case)), 1, "reminded once")
    s.eq(notices(send, "overdue", case), [])
    # the day after the deadline: overdue, the acting org and the initiator told
    tick(s, date_add(deadline, 1))
    s.eq(len(notices(send, "overdue", case)), 1)
    s.eq(len(notices(recv, "overdue", case)), 1, "the initiator learns it may escalate")
    tick(s, date_add(deadline, 2))
    s.eq(len(notices(send, "overdue", case)), 1, "marked once")
    st, h, box = send.call("GET", INBOX)
    s.eq([x["overdue"] for x in box["items"] if x["case_id"] == case], [True])
    # who may escalate: the initiating school's reviewer, with a reason
    st, h, e = signed_in(s, CY3 + ".clerk").call("POST", "%s/%d/escalation" % (CASES, case),
                                                 {"step": 2, "reason": "太慢"})
    s.error_body(e, "forbidden", 403, st)
    st, h, e = send.call("POST", "%s/%d/escalation" % (CASES, case), {"step": 2, "reason": "x"})
    s.error_body(e, "forbidden", 403, st)
    st, h, e = signed_in(s, HD1 + ".reviewer").call("POST", "%s/%d/escalation" % (CASES, case),
                                                    {"step": 2, "reason": "x"})
    s.error_body(e, "not_found", 404, st)
    st, h, e = recv.call("POST", "%s/%d/escalation" % (CASES, case), {"step": 2})
    s.eq(st, 422, "a reason is required: %r" % (e,))
    st, h, b = recv.call("POST", "%s/%d/escalation" % (CASES, case),
                         {"step": 2, "reason": "转出学校逾期未审核"})
    s.eq(st, 200, "escalate: %r" % (b,))
    step = b["steps"][1]
    s.eq((step["state"], step["org"]["code"], step["escalations"], step["overdue"]),
         ("open", CHAOYANG, 1, False), "the county above the sending school holds the step")
    s.eq(step["escalation_reason"], "转出学校逾期未审核")
    s.ok(step["deadline"] > deadline or step["deadline"] >= beijing_today(), step)
    county = signed_in(s, CHAOYANG + ".reviewer")
    s.eq(len(notices(county, "escalated", case)), 1)
    st, h, box = county.call("GET", INBOX)
    s.eq([x["escalated"] for x in box["items"] if x["case_id"] == case], [True])
    # the sending school no longer decides it; the county does, with a reason
    st, h, e = decide(send, case, 2)
    s.error_body(e, "workflow_not_your_step", 403, st)
    st, h, e = decide(county, case, 2)
    s.eq(st, 422, "deciding in another's place needs a reason: %r" % (e,))
    st, h, b = decide(county, case, 2, "approve", "代为审核：材料齐全")
    s.eq(st, 200, "%r" % (b,))
    s.eq((b["steps"][1]["state"], b["steps"][1]["reason"], b["current_step"]),
         ("approved", "代为审核：材料齐全", 3))
    approved(s, county, case, 3)
    s.eq(q1(s, "SELECT o.code FROM student s JOIN org o ON o.id = s.school_org_id WHERE s.id = %d" % sid), CY3)
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.escalate' AND target_id = '%d'" % case), "1")
    s.eq(q1(s, "SELECT decided_org_id = (SELECT id FROM org WHERE kind = 'county' AND code = '%s')"
             " FROM workflow_step WHERE workflow_id = %d AND seq = 2" % (CHAOYANG, case)), "1",
         "the decision is recorded as the county's")


@test("R-ORG-6 an overdue county step goes up to the city, which decides; the job workflow-tick is the same pass")
def _(s):
    (sid,) = admitted(s, school=CY1)
    recv = signed_in(s, CY3 + ".reviewer")
    case = started(s, signed_in(s, CY3 + ".clerk"), sid)["id"]
    b = approved(s, signed_in(s, CY1 + ".reviewer"), case, 2)
    deadline = b["steps"][2]["deadline"]
    s.eq(b["steps"][2]["org"]["code"], CHAOYANG)
    out = s.stack.xuejictl("jobs", "--list")
    s.ok("workflow-tick" in out, "the jobs runner has the tick: %r" % out)
    s.stack.xuejictl("jobs", "--once", "workflow-tick")   # today: nothing due yet
    tick(s, date_add(deadline, 1))
    st, h, b = recv.call("POST", "%s/%d/escalation" % (CASES, case), {"step": 3, "reason": "区教育局逾期"})
    s.eq(st, 200, "%r" % (b,))
    s.eq((b["steps"][2]["org"]["code"], b["steps"][2]["escalations"]), ("110100", 1),
         "the county's parent, the city, holds the step")
    st, h, e = decide(signed_in(s, CHAOYANG + ".reviewer"), case, 3)
    s.error_body(e, "workflow_not_your_step", 403, st)
    b = decide(signed_in(s, "bj.city.reviewer"), case, 3, "approve", "市教委代为审核")[2]
    s.eq((b["state"], b["steps"][2]["reason"]), ("approved", "市教委代为审核"))
    s.eq(q1(s, "SELECT o.code FROM student s JOIN org o ON o.id = s.school_org_id WHERE s.id = %d" % sid), CY3)


@test("issue 11 §1 two reviewers deciding one step at once: exactly one decision, the other 409 workflow_step_decided")
def _(s):
    ids = admitted(s, n=4, school=CY1)
    recv = signed_in(s, CY3 + ".clerk")
    # two reviewer accounts of the sending school, each its own session
    one, two = signed_in(s, CY1 + ".reviewer"), signed_in(s, CY1 + ".reviewer")
    for k, sid in enumerate(ids):
        case = started(s, recv, sid)["id"]
        out = []
        go = threading.Barrier(2)
        moves = [("approve", None), ("reject", "不同意")] if k % 2 else [("approve", None), ("approve", None)]

        def run_one(who, mv):
            go.wait()
            out.append(decide(who, case, 2, mv[0], mv[1]))
        ts = [threading.Thread(target=run_one, args=(w, m)) for w, m in zip((one, two), moves)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        sts = sorted(o[0] for o in out)
        s.eq(sts, [200, 409], "one decides: %r" % ([(o[0], o[2]) for o in out],))
        loser = [o for o in out if o[0] == 409][0]
        s.error_body(loser[2], "workflow_step_decided", 409, 409)
        s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE target_type = 'workflow' AND target_id = '%d'"
                 " AND action IN ('workflow.approve', 'workflow.reject')" % case), "1")
        s.eq(q1(s, "SELECT COUNT(*) FROM workflow_step WHERE workflow_id = %d AND seq = 2"
                 " AND decided_at IS NOT NULL" % case), "1")


@test("issue 11 §1 chains are data: a province's own variant of a type replaces the national chain there")
def _(s):
    (sid,) = admitted(s, school=CY1)
    # Beijing's own same-county chain: the county first, then the sending school
    s.sql("INSERT INTO workflow_type (code, province, name) VALUES ('transfer_county', '110000', '县内转学（北京）')")
    s.sql("INSERT INTO workflow_type_step (type_code, province, seq, party, role, days, on_approve) VALUES"
          " ('transfer_county', '110000', 1, 'receiving_school', 'clerk', 0, 'advance'),"
          " ('transfer_county', '110000', 2, 'sending_county', 'reviewer', 5, 'advance'),"
          " ('transfer_county', '110000', 3, 'sending_school', 'reviewer', 5, 'transfer_pull')")
    try:
        b = started(s, signed_in(s, CY3 + ".clerk"), sid)
        s.eq([x["party"] for x in b["steps"]], ["receiving_school", "sending_county", "sending_school"])
        s.eq((b["steps"][1]["deadline"], b["steps"][1]["deadline_provisional"]),
             workdays_after(s, beijing_today(), 5))
        approved(s, signed_in(s, CHAOYANG + ".reviewer"), b["id"], 2)
        b = approved(s, signed_in(s, CY1 + ".reviewer"), b["id"], 3)
        s.eq(b["state"], "approved")
        s.eq(q1(s, "SELECT o.code FROM student s JOIN org o ON o.id = s.school_org_id WHERE s.id = %d" % sid), CY3)
    finally:
        s.sql("DELETE FROM workflow_type_step WHERE province = '110000'")
        s.sql("DELETE FROM workflow_type WHERE province = '110000'")


run()
