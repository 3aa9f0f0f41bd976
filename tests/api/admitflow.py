"""admitflow.py -- a registration carried through admission for tests
that need one further on (the parent's notice, the browser pages): the
PSB simulator's signed client verifies the child, the chosen school's
clerk checks documents and ticks, its reviewer sends the list, the county
approves and the school issues the notice (R-ADM-1). The same steps as
tests/api/admission.py's chain test, as functions that return what the
caller needs."""
from parent import new_child, reg_body
from population import Population
from psbclient import PsbClient, RESULTS_PATH, load_key
from staff import signed_in
from xjtest import Failure

APPL = "/api/school/v1/applicants/"
LISTS = "/api/school/v1/admission-lists"
ADM = "/api/school/v1/admissions/"


def verify(s, no, child, decision=None):
    """The PSB answers this registration's open request: `match` for the
    population's child, or the decision given ("mismatch" ...)."""
    vid = s.sql("SELECT q.token FROM psb_request q JOIN registration r ON r.id = q.registration_id"
                " WHERE r.prereg_no = '%s' AND q.state IN ('pending', 'offered')" % no)[0][0]
    c = PsbClient(s.stack.base_url, load_key(s.stack.path("secrets", "psb.key"), warn=False))
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


def registered(s, p, district="110105", child=None, **over):
    """(prereg_no, child): a registration of family p, the district's
    first school chosen unless school_code says otherwise."""
    over.setdefault("school_code", "111%s00001" % district[4:])
    if over["school_code"] is None:
        del over["school_code"]
    child = child or new_child()
    over.setdefault("hukou", district + "000000")
    st, h, b = p.register(reg_body(child, district=district, **over))
    s.eq(st, 201, "registration: %r" % (b,))
    return b["prereg_no"], child


def admit(s, no, district="110105"):
    """Registration no (verified, printable, the district's first school
    chosen) admitted: documents, tick, list, approval, notice. Returns
    the notice number."""
    school = "111%s00001" % district[4:]
    clerk = signed_in(s, school + ".clerk")
    st, h, b = clerk.call("POST", APPL + no + "/documents-checked",
                          {"items": ["hukou_book", "residence_proof", "birth_certificate"]})
    s.eq(st, 200, "documents: %r" % (b,))
    st, h, b = clerk.call("POST", APPL + no + "/tick")
    s.eq(st, 200, "tick: %r" % (b,))
    rev = signed_in(s, school + ".reviewer")
    st, h, lst = rev.call("POST", LISTS)
    s.eq(st, 201, "submit: %r" % (lst,))
    county = signed_in(s, district + ".reviewer")
    st, h, b = county.call("POST", "%s/%d/decision" % (LISTS, lst["id"]), {"decision": "approve"})
    s.eq(st, 200, "decision: %r" % (b,))
    st, h, b = rev.call("POST", ADM + no + "/notice")
    s.eq(st, 200, "notice: %r" % (b,))
    return b["notice_no"]
