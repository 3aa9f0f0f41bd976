"""Student records for black-box tests: children admitted to a school
through the real chain (R-ADM-2), shared by tests/api/records.py and
tests/api/certificate_docs.py. Records come into being only through the
county's approval of a school's admission list: `admitted()` drives that
chain over HTTP -- parent registers, school ticks, school reviewer submits
the list, county reviewer approves. The PSB answer is stood in for with
SQL (a local family's registration moved from submitted to printable, as
a psb_match would)."""
import datetime

from parent import new_child, reg_body, signed_up
from staff import signed_in

API = "/api/school/v1"
CHAOYANG, HAIDIAN = "110105", "110108"
SCHOOL = "1110500001"        # 北京市110105第一小学 (src/ctl/seed.c)
SCHOOL2 = "1110500002"       # 北京市110105第二中学
HAIDIAN_SCHOOL = "1110800001"


def school_year(today=None):
    d = today or datetime.date.today()     # the stack runs on this machine's clock
    return d.year if d.month >= 9 else d.year - 1


def q1(s, sql):
    return s.sql(sql)[0][0]


def registered(s, district=CHAOYANG, school=None):
    """A local family's registration, identity verified (stand-in: SQL);
    the family chooses `school` (the school that ticks it, review M5)."""
    p = signed_up(s)
    child = new_child()
    over = {"school_code": school} if school else {}
    st, h, b = p.register(reg_body(child, district=district,
                                   hukou=district + "000000", **over))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    # stands in for the PSB gateway's psb_match of a local family
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND local_family = 1" % no)
    s.eq(q1(s, "SELECT state FROM registration WHERE prereg_no = '%s'" % no), "printable")
    return no, child


def admitted(s, n=1, school=SCHOOL, county=CHAOYANG):
    """n children admitted to `school` through tick -> list -> county
    approval; their student ids (created by the approval, R-ADM-2)."""
    clerk = signed_in(s, school + ".clerk")
    reviewer = signed_in(s, school + ".reviewer")
    bureau = signed_in(s, county + ".reviewer")
    nos = []
    for _ in range(n):
        no, child = registered(s, county, school)
        st, h, b = clerk.call("POST", "%s/applicants/%s/tick" % (API, no))
        s.ok(st in (200, 201), "tick %s: %s %r" % (no, st, b))
        nos.append(no)
    st, h, lst = reviewer.call("POST", API + "/admission-lists")
    s.ok(st in (200, 201), "list submit: %s %r" % (st, lst))
    st, h, b = bureau.call("POST", "%s/admission-lists/%s/decision" % (API, lst["id"]),
                           {"decision": "approve"})
    s.eq(st, 200, "county approval: %r" % (b,))
    ids = []
    for no in nos:
        sid = q1(s, "SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                    " WHERE r.prereg_no = '%s'" % no)
        s.ok(sid, "a record for %s" % no)
        ids.append(int(sid))
    return ids
