"""wfcases.py -- helpers for the workflow-engine and transfer black-box
tests (tests/api/workflow.py, transfers.py): students admitted through
the real chain (as records.py's admitted()), their numbers, a transfer
started by a receiving school, decisions, deadlines counted on the
stack's working-day calendar, and the tick run as the operator runs it
(`xuejictl workflow tick --today D`: time is a parameter, so the tests
never sleep)."""
import datetime

from parent import new_child, reg_body, signed_up
from staff import signed_in

API = "/api/school/v1"
# src/ctl/seed.c: 北京市 (110000) > 市辖区 (110100) > 朝阳 110105, 海淀 110108
CHAOYANG, HAIDIAN = "110105", "110108"
CY1, CY2, CY3 = "1110500001", "1110500002", "1110500003"
HD1, HD3 = "1110800001", "1110800003"

TRANSFERS = API + "/transfers"
CASES = API + "/workflow/cases"
INBOX = API + "/workflow/inbox"



def q1(s, sql):
    return s.sql(sql)[0][0]


def admitted_with_parent(s, school, county):
    """One child admitted to `school` through the real chain (as
    records.py's admitted(), which cannot be imported: its module runs its
    own tests): parent registers, school ticks, list, county approval.
    The PSB answer has no endpoint of ours: stood in for with SQL.
    (parent, prereg_no, student id)."""
    p = signed_up(s)
    child = new_child()
    st, h, b = p.register(reg_body(child, district=county, hukou=county + "000000",
                                   school_code=school))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    # stands in for the PSB gateway's psb_match of a local family
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND local_family = 1" % no)
    st, h, b = signed_in(s, school + ".clerk").call("POST", "%s/applicants/%s/tick" % (API, no))
    s.ok(st in (200, 201), "tick %s: %s %r" % (no, st, b))
    st, h, lst = signed_in(s, school + ".reviewer").call("POST", API + "/admission-lists")
    s.ok(st in (200, 201), "list submit: %s %r" % (st, lst))
    st, h, b = signed_in(s, county + ".reviewer").call(
        "POST", "%s/admission-lists/%s/decision" % (API, lst["id"]), {"decision": "approve"})
    s.eq(st, 200, "county approval: %r" % (b,))
    sid = int(q1(s, "SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                    " WHERE r.prereg_no = '%s'" % no))
    return p, no, sid


def admitted(s, n=1, school=CY1, county=CHAOYANG):
    """n children admitted to `school`: their student ids."""
    return [admitted_with_parent(s, school, county)[2] for _ in range(n)]


def student(s, sid):
    """(student_no, name, school code, entry_year) of a record."""
    r = s.sql("SELECT s.student_no, s.name, o.code, s.entry_year FROM student s"
              " JOIN org o ON o.id = s.school_org_id WHERE s.id = %d" % sid)[0]
    return r[0], r[1], r[2], int(r[3])


def start(s, staff, sid, **over):
    no, name, _, _ = student(s, sid)
    body = {"student_no": no, "name": name}
    body.update(over)
    return staff.call("POST", TRANSFERS, body)


def started(s, staff, sid):
    st, h, b = start(s, staff, sid)
    s.eq(st, 201, "transfer start: %r" % (b,))
    return b


def decide(staff, case, step, decision="approve", reason=None):
    body = {"step": step, "decision": decision}
    if reason is not None:
        body["reason"] = reason
    return staff.call("POST", "%s/%d/decision" % (CASES, case), body)


def approved(s, staff, case, step):
    st, h, b = decide(staff, case, step)
    s.eq(st, 200, "approve step %d: %r" % (step, b))
    return b


def tick(s, today):
    """`xuejictl workflow tick --today D`: its output line."""
    return s.stack.xuejictl("workflow", "tick", "--today", today).strip()


def date_add(d, days):
    return (datetime.date.fromisoformat(d) + datetime.timedelta(days=days)).isoformat()


def weekdays_after(d, n):
    """The n-th weekday after d, weekends only."""
    x = datetime.date.fromisoformat(d)
    while n > 0:
        x += datetime.timedelta(days=1)
        if x.weekday() < 5:
            n -= 1
    return x.isoformat()


def workdays_after(s, d, n, province="110000"):
    """(date, provisional): the n-th working day after d on the calendar
    the stack holds (calendar_day, calendar_year; the province's overlay
    over the national rows), counted here independently of the engine:
    a year without an imported calendar counts weekends only and makes
    the answer provisional (R-MOV-3)."""
    special = {}
    for day, kind, prov in s.sql("SELECT DATE_FORMAT(day, '%Y-%m-%d'), kind, prov_key FROM calendar_day"
                                 " WHERE prov_key IN ('', '" + province + "') ORDER BY day, prov_key"):
        special[day] = kind            # the overlay comes last and wins
    years = {int(r[0]) for r in s.sql("SELECT year FROM calendar_year WHERE prov_key = ''")}
    x = datetime.date.fromisoformat(d)
    provisional = False
    while n > 0:
        x += datetime.timedelta(days=1)
        if x.year not in years:
            provisional = True
            work = x.weekday() < 5
        else:
            k = special.get(x.isoformat())
            work = k == "workday" if k else x.weekday() < 5
        if work:
            n -= 1
    return x.isoformat(), provisional


def beijing_today():
    return (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date().isoformat()


def notices(staff, kind=None, case=None):
    st, h, b = staff.call("GET", INBOX)
    assert st == 200, (st, b)
    return [n for n in b["notices"] if (kind is None or n["kind"] == kind)
            and (case is None or n["case_id"] == case)]
