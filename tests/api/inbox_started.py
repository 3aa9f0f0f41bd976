"""Black-box: the inbox's `started` (issue 14, pages): the open cases an
org started, so that a receiving school follows its transfer once its own
step is done (a cross-province one waits on the other province, whose
approvals arrive as progress without a notice). Cases are transfers
through the real chain (wfcases.py)."""
from staff import signed_in
from wfcases import API, CHAOYANG, CY1, CY3, INBOX, admitted, decide, started
from xjtest import run, test


def started_ids(staff):
    st, h, b = staff.call("GET", INBOX)
    assert st == 200, b
    return b["started"]


@test("pages: the initiating school lists its open applications (newest first, with the open step); the "
      "other school and the county do not; a closed case leaves the list")
def _(s):
    a, b = admitted(s, 2)
    clerk = signed_in(s, CY3 + ".clerk")
    c1 = started(s, clerk, a)["id"]
    c2 = started(s, clerk, b)["id"]
    mine = [x for x in started_ids(clerk) if x["case_id"] in (c1, c2)]
    s.eq([(x["case_id"], x["type"], x["step"], x["cross_province"]) for x in mine],
         [(c2, "transfer_county", 2, False), (c1, "transfer_county", 2, False)],
         "newest first, waiting at step 2")
    s.ok(all(x["student_name"] and x["started_at"].endswith("+08:00") for x in mine),
         "the student's name and Beijing time: %r" % (mine,))
    s.eq([x for x in started_ids(signed_in(s, CY1 + ".reviewer")) if x["case_id"] in (c1, c2)], [],
         "the sending school started neither")
    s.eq([x for x in started_ids(signed_in(s, CHAOYANG + ".reviewer")) if x["case_id"] in (c1, c2)],
         [], "nor did the county")
    # the sending school refuses the first: it leaves the list
    st, h, r = decide(signed_in(s, CY1 + ".reviewer"), c1, 2, "reject", "学位已满")
    s.eq(st, 200, "reject: %r" % (r,))
    s.eq([x["case_id"] for x in started_ids(clerk) if x["case_id"] in (c1, c2)], [c2],
         "only the open one")
    # index-backed: a range of workflow_initiator in its order (no sort)
    org = s.sql("SELECT id FROM org WHERE code = '%s'" % CY3)[0][0]
    plan = repr(s.sql("EXPLAIN SELECT w.id FROM workflow w LEFT JOIN xsend_request xs"
                      " ON xs.workflow_id = w.id WHERE w.initiator_org_id = %s AND w.state = 'open'"
                      " AND xs.workflow_id IS NULL ORDER BY w.id DESC LIMIT 50" % org))
    s.ok("workflow_initiator" in plan and "filesort" not in plan, "plan: %s" % plan)


run()
