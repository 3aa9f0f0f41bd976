"""Black-box: the admission notice the family opens (issue 14, R-ADM-1):
GET /api/parent/v1/registrations/{no}/notice. The family's own
registration only, only once the school issued the notice, the same page
the school prints, each read audited (review M6)."""
from admitflow import admit, registered, verify, ADM
from parent import Parent, signed_up
from staff import signed_in
from xjtest import run, test

NOTICE = "/api/parent/v1/registrations/%s/notice"


def reads(s, no):
    return int(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.notice'"
                     " AND target_id = '%s' AND actor_type = 'parent'" % no)[0][0])


@test("issue 14: the family opens the admission notice once the school issued it, the page the school prints; each read audited")
def _(s):
    p = signed_up(s)
    no, child = registered(s, p)
    # registered, not admitted: not issued
    st, h, b = p.call("GET", NOTICE % no)
    s.error_body(b, "notice_not_issued", 409, st)
    verify(s, no, child)
    st, h, b = p.call("GET", NOTICE % no)
    s.error_body(b, "notice_not_issued", 409, st)
    s.eq(reads(s, no), 0, "a refused read is not a read")
    notice_no = admit(s, no)
    st, h, page = p.call("GET", NOTICE % no)
    s.eq(st, 200, "notice: %r" % (page,))
    s.ok(h["content-type"].startswith("text/html"), h["content-type"])
    csp = h["content-security-policy"]
    s.ok("default-src 'none'" in csp and "script-src" not in csp, csp)
    s.ok("录取通知书" in page and child.name in page and notice_no in page, "notice page")
    s.ok(no[:2] + "-" + no[2:8] in page, "the pre-registration number in its display form")
    s.eq(reads(s, no), 1, "the read is audited")
    # the same page as the school's
    rev = signed_in(s, "1110500001.reviewer")
    st, h, staff_page = rev.call("GET", ADM + no + "/notice")
    s.eq(st, 200)
    s.eq(page, staff_page, "one page for the school and the family")


@test("issue 14: another family's number answers 404 for the notice, a mistyped one 422; signed out 401")
def _(s):
    p = signed_up(s)
    no, child = registered(s, p)
    verify(s, no, child)
    admit(s, no)
    other = signed_up(s)
    st, h, b = other.call("GET", NOTICE % no)
    s.error_body(b, "not_found", 404, st)
    bad = no[:15] + ("0" if no[15] != "0" else "1")
    st, h, b = p.call("GET", NOTICE % bad)
    s.eq(st, 422, "mistyped: %r" % (b,))
    st, h, b = Parent(s).call("GET", NOTICE % no)
    s.eq(st, 401, "signed out: %r" % (b,))
    s.eq(reads(s, no), 0, "refused reads are not audited")


@test("issue 14: the notice escapes the child's name (markup stays text)")
def _(s):
    from parent import new_child
    p = signed_up(s)
    child = new_child()
    no, _c = registered(s, p, child=child)
    verify(s, no, child)
    admit(s, no)
    s.sql("UPDATE registration SET child_name = '<b>x</b>&' WHERE prereg_no = '%s'" % no)
    st, h, page = p.call("GET", NOTICE % no)
    s.eq(st, 200)
    s.ok("&lt;b&gt;x&lt;/b&gt;&amp;" in page and "<b>x</b>" not in page, "escaped")


run()
