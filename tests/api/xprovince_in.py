"""Black-box: cross-province moves, the receiving side (issue 13 item 7;
R-MOV-1's third chain, R-MOV-2, R-MOV-4, R-MOV-5, R-MOV-7;
docs/architecture.md "Cross-province moves: the receiving side").

This deployment is Beijing (110000, the demo seed's province). The
ministry is played here with xchange.py: its key signs the messages it
delivers (POST /exchange/ministry/v1/messages, Sender MOE) and the
requests by which it pulls our outbox. The other province's answers
(TransferDecision, Dossier) are written here as the sending side would
write them, relayed unchanged in the ministry's envelope (SHARED
contract: CorrelationId = the original message's id)."""
import base64
import datetime
import os
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET

import xchange
from xchange import Key, message, parse_receipt
from parent import new_child, reg_body, signed_up
from staff import signed_in
from wfcases import (API, CASES, CHAOYANG, CY1, CY3, HAIDIAN, HD1, INBOX, TRANSFERS, admitted,
                     approved, beijing_today, date_add, decide, notices, q1, student)
from xjtest import BUILDDIR, SRCDIR, Failure, test, run

sys.path.insert(0, os.path.join(SRCDIR, "tests", "psbsim"))
import population  # noqa: E402

NS = "{urn:xueji:exchange:1}"
ORG = "110000"
MSGS = "/exchange/ministry/v1/messages"
PULL = "/exchange/ministry/v1/outbox"
GRAD = API + "/graduate-moves"
# a school and county of Shanghai: not orgs of ours
SH_SCHOOL, SH_COUNTY = "3101040001", "310104"

KEYDIR = tempfile.mkdtemp(prefix="xj-xrecv-")


def _keys():
    keys = {"MOE-1": Key(KEYDIR, "MOE-1", "MOE"), "SH-1": Key(KEYDIR, "SH-1", "310000")}
    xchange.deployment_keys(BUILDDIR, KEYDIR, keys.values())
    return keys


KEYS = _keys()
CONF = {"exchange": {"org_code": ORG,
                     "signing_key_file": os.path.join(KEYDIR, "own.key"),
                     "signing_key_id": ORG + "-1",
                     "peer_keys_file": os.path.join(KEYDIR, "peers"),
                     "message_limit": 1 << 20,
                     "outbox_page_bytes": 1 << 20},
        "server": {"body_limit": 2 << 20, "arena_size": 8 << 20}}

_seq = [500 + os.getpid() % 400]


def new_no(area=SH_COUNTY, year=2019):
    """(G number, ID number, name, sex, birth) of a pupil of another
    province: a valid ID number (R-COL-7), so the number passes ours."""
    _seq[0] += 1
    seq = _seq[0] % 1000
    idn = population.make_id(area, year, 4, 7, seq)
    return "G" + idn, idn, "沪生%03d" % seq, "M" if seq % 2 else "F", "%d-04-07" % year


def beijing_now():
    t = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def jobs(s, *names):
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once"]
                       + list(names), capture_output=True, text=True, env=s.stack.worker_env(),
                       timeout=120)
    if r.returncode != 0:
        raise Failure("jobs %s: %d %s" % (names, r.returncode, r.stderr))
    return r.stdout + r.stderr


def signed_req(method, path, query=""):
    date = beijing_now()
    data = ("%s\n%s\n%s\n%s\n" % (method, path, query, date)).encode()
    return {"Xueji-Signature": KEYS["MOE-1"].sign(data), "Xueji-Date": date}


def outbox(s):
    """Every message in our outbox for the ministry, oldest first: a list
    of (type, raw bytes), each verified with our public key."""
    out, after = [], 0
    while True:
        q = "after=%d&limit=100" % after
        st, h, b = s.http("GET", PULL + "?" + q, headers=signed_req("GET", PULL, q))
        s.eq(st, 200, "pull: %r" % (str(b)[:300],))
        for m in b["messages"]:
            raw = base64.b64decode(m["body"])
            s.ok(xchange.verify(os.path.join(KEYDIR, "own.pem"), m["signature"], raw),
                 "message %s verifies with our public key" % m["message_id"])
            out.append((m["type"], raw, m["message_id"]))
        after = b["next"]
        if not b["more"]:
            return out


def request_of(s, tid):
    """(type, parsed payload element, message id) of the outbox message of
    TransferId tid; fails when there is not exactly one."""
    found = []
    for t, raw, mid in outbox(s):
        if t not in ("TransferRequest", "GraduateMove"):
            continue
        root = ET.fromstring(raw)
        p = root.find(NS + "Body/" + NS + t)
        if p.find(NS + "TransferId").text == tid:
            found.append((t, p, mid, raw, root))
    s.eq(len(found), 1, "one message of %s in the outbox" % tid)
    return found[0]


def xsd_valid(s, raw):
    with tempfile.NamedTemporaryFile(suffix=".xml") as f:
        f.write(raw)
        f.flush()
        r = subprocess.run(["xmllint", "--noout", "--nonet", "--schema",
                            os.path.join(SRCDIR, "docs", "xml", "v1", "exchange.xsd"), f.name],
                           capture_output=True, text=True)
    s.eq(r.returncode, 0, "valid against docs/xml/v1: %s" % r.stderr[-300:])


def deliver(s, mtype, payload, corr=None, expect=None, kid="MOE-1"):
    """The ministry (or the key kid's org) delivers a relayed payload:
    (HTTP status, receipt)."""
    data, mid = message(mtype, payload, sender=KEYS[kid].org, receiver=ORG, corr=corr)
    st, h, text = s.http("POST", MSGS, raw=data, headers={
        "Content-Type": "application/xml", "Xueji-Signature": KEYS[kid].sign(data)})
    rc = parse_receipt(text.encode())
    if expect is not None:
        s.eq((rc["status"], rc["code"]), expect, "receipt of %s: %r" % (mtype, text[:400]))
    return st, rc, data


def decision(tid, step, dec, code=None, reason=None):
    return ("<TransferDecision><TransferId>%s</TransferId><Step>%s</Step><Decision>%s</Decision>"
            "%s%s<Decided>%s</Decided></TransferDecision>"
            % (tid, step, dec, "<RefusalCode>%s</RefusalCode>" % code if code else "",
               "<Reason>%s</Reason>" % reason if reason else "", beijing_now()))


def dossier(tid, no, idn, name, sex, birth, year=2025, level=1, events=(("entered",
            "2025-09-01T08:00:00+08:00", "入学"),), guardians=(("母亲", "王芳"),)):
    ev = "".join("<Event><Kind>%s</Kind><At>%s</At>%s</Event>" % (k, at, "<Note>%s</Note>" % n
                                                                   if n else "")
                 for k, at, n in events)
    gs = "".join("<Guardian><Relation>%s</Relation><Name>%s</Name></Guardian>" % g
                 for g in guardians)
    return ("<Dossier><TransferId>%s</TransferId><Student><StudentNo>%s</StudentNo><Name>%s</Name>"
            "<Sex>%s</Sex><BirthDate>%s</BirthDate><IdDocType>1</IdDocType><IdNumber>%s</IdNumber>"
            "<Ethnicity>01</Ethnicity><SchoolCode>%s</SchoolCode><County>%s</County>"
            "<EntryYear>%d</EntryYear><Level>%d</Level><Status>in_school</Status>%s</Student>%s"
            "</Dossier>" % (tid, no, name, sex, birth, idn, SH_SCHOOL, SH_COUNTY, year, level, gs,
                            ev))


def xstart(staff, no, name, **over):
    body = {"student_no": no, "name": name, "from_school": SH_SCHOOL, "from_county": SH_COUNTY,
            "reason": "随父母迁居"}
    body.update(over)
    body = {k: v for k, v in body.items() if v is not None}
    return staff.call("POST", TRANSFERS, body)


def case_of(s, staff, case):
    st, h, b = staff.call("GET", "%s/%d" % (CASES, case))
    s.eq(st, 200, "case %d: %r" % (case, b))
    return b


def sent_case(s, kind="transfer", pupil=None):
    """A cross-province transfer started by CY3, approved by Chaoyang and
    its request written into the outbox: (case, tid, pupil, request msg id)."""
    pupil = pupil or new_no()
    st, h, b = xstart(signed_in(s, CY3 + ".clerk"), pupil[0], pupil[2])
    s.eq(st, 201, "start: %r" % (b,))
    case = b["id"]
    approved(s, signed_in(s, CHAOYANG + ".reviewer"), case, 2)
    jobs(s, "exchange-sign")
    tid = "%s-T%d" % (ORG, case)
    t, p, mid, raw, root = request_of(s, tid)
    return case, tid, pupil, mid


def setup(s):
    s.stack.stop_jobs()     # the tests run the jobs themselves


@test("item 7 R-MOV-1: a student of another province: receiving school starts (transfer_national, step 3 the exchange), the county's approval queues one TransferRequest with the SHARED payload, signed into the outbox by the runner; staff never decide the exchange step")
def start_and_request(s):
    setup(s)
    no, idn, name, sex, birth = new_no()
    clerk = signed_in(s, CY3 + ".clerk")
    st, h, b = xstart(clerk, no, " %s " % name)
    s.eq(st, 201, "start: %r" % (b,))
    case = b["id"]
    s.eq((b["type"], b["state"], b["current_step"]), ("transfer_national", "open", 2))
    s.eq([(x["seq"], x["party"], x["state"], x["by_exchange"]) for x in b["steps"]],
         [(1, "receiving_school", "approved", False), (2, "receiving_county", "open", False),
          (3, "exchange", "waiting", True)])
    s.eq((b["student"]["name"], b["student"]["student_no"][:1]), (name, "G"),
         "the claimed student (trimmed) is the case's")
    tid = "%s-T%d" % (ORG, case)
    x = b["exchange"]
    s.eq((x["transfer_id"], x["kind"], x["request"], x["sending_school_code"],
          x["sending_county_code"], x["reason"]),
         (tid, "transfer", "waiting", SH_SCHOOL, SH_COUNTY, "随父母迁居"))
    # one open case per claimed number (2002), from any school
    st, h, e = xstart(signed_in(s, HD1 + ".clerk"), no, name)
    s.error_body(e, "transfer_refused_2002", 409, st)
    # the county's inbox has it; nothing is sent before its approval
    jobs(s, "exchange-sign")
    s.eq([x for x in outbox(s) if x[0] == "TransferRequest" and tid.encode() in x[1]], [],
         "no request before the receiving county approved")
    county = signed_in(s, CHAOYANG + ".reviewer")
    st, h, box = county.call("GET", INBOX)
    s.ok(case in [x["case_id"] for x in box["items"]], "in the receiving county's inbox")
    b = approved(s, county, case, 2)
    s.eq((b["current_step"], b["steps"][2]["state"], b["steps"][2]["org"]["code"]),
         (3, "open", ORG), "the exchange step is open, held by the province")
    s.eq(b["exchange"]["request"], "sent", "queued in the approval's transaction")
    # staff cannot decide the exchange's step, not even the province's
    st, h, e = decide(signed_in(s, "bj.reviewer"), case, 3)
    s.error_body(e, "workflow_exchange_unavailable", 409, st)
    s.ok(s.sql("SELECT COUNT(*) FROM exchange_outbox_pending WHERE message_type ="
               " 'TransferRequest' AND LOCATE('%s', body) > 0" % no) == [["0"]],
         "queued sealed: the number is not in the pending row")
    out = jobs(s, "exchange-sign")
    s.ok(idn not in out and no not in out, "the runner's log holds no number")
    jobs(s, "exchange-sign")
    t, p, mid, raw, root = request_of(s, tid)      # exactly one, also after a second run
    xsd_valid(s, raw)
    g = lambda path: p.find("/".join(NS + x for x in path.split("/"))).text
    s.eq((t, g("Student/StudentNo"), g("Student/Name"), g("From/School"), g("From/County"),
          g("To/School"), g("To/County"), g("Reason")),
         ("TransferRequest", no, name, SH_SCHOOL, SH_COUNTY, CY3, CHAOYANG, "随父母迁居"))
    s.ok(g("Requested").endswith("+08:00"), "Beijing time")
    hdr = lambda x: root.find(NS + "Header/" + NS + x).text
    s.eq((hdr("Sender"), hdr("Receiver"), hdr("MessageType")), (ORG, "MOE", "TransferRequest"))
    b = case_of(s, clerk, case)
    s.eq((b["exchange"]["request"], b["state"], b["current_step"]), ("sent", "open", 3))


@test("item 7 R-MOV-2 R-MOV-7: a TransferDecision rejected with 2001 ends the case; the school reads the code and reason and is notified; a later decision is refused transfer_not_waiting")
def rejected_2001(s):
    setup(s)
    case, tid, pupil, mid = sent_case(s)
    st, rc, _ = deliver(s, "TransferDecision", decision(tid, "sending_school", "rejected", "2001",
                                                        "姓名与学籍号不符"), corr=mid,
                        expect=("accepted", None))
    s.eq(st, 200)
    clerk = signed_in(s, CY3 + ".clerk")
    b = case_of(s, clerk, case)
    s.eq((b["state"], b["current_step"]), ("rejected", 0))
    s.ok(b["reason"].startswith("2001"), "the code first in the reason: %r" % b["reason"])
    s.eq([(d["step"], d["decision"], d["refusal_code"]) for d in b["exchange"]["decisions"]],
         [("sending_school", "rejected", "2001")])
    s.eq([x["state"] for x in b["steps"]], ["approved", "approved", "rejected"])
    s.eq(len(notices(clerk, "decided", case)), 1, "the receiving school learns the outcome")
    st, rc, _ = deliver(s, "TransferDecision", decision(tid, "sending_county", "approved"),
                        corr=mid, expect=("refused", "transfer_not_waiting"))
    s.eq(st, 409)
    s.eq(q1(s, "SELECT COUNT(*) FROM xmove_decision WHERE workflow_id = %d" % case), "1",
         "the refused message wrote nothing")
    # the receiving school may start again (R-MOV-1)
    st, h, b = xstart(clerk, pupil[0], pupil[2])
    s.eq(st, 201, "started again: %r" % (b,))


@test("item 7 R-MOV-4 R-MOV-7: the sending school's approval is progress; the Dossier creates the record at the receiving school (transfer_in, no registration, national check issued, history from the dossier), the door check puts a same-ID record here in a group, and the case completes -- once, also when the message is delivered again")
def dossier_creates(s):
    setup(s)
    # a record of ours with the identity number the arriving pupil has
    p = signed_up(s)
    child = new_child()
    st, h, b = p.register(reg_body(child, district=CHAOYANG, hukou=CHAOYANG + "000000",
                                   school_code=CY1))
    s.eq(st, 201, "registration: %r" % (b,))
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'" % b["prereg_no"])
    prereg = b["prereg_no"]
    st, h, b = signed_in(s, CY1 + ".clerk").call("POST", "%s/applicants/%s/tick" % (API, prereg))
    st, h, lst = signed_in(s, CY1 + ".reviewer").call("POST", API + "/admission-lists")
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call(
        "POST", "%s/admission-lists/%s/decision" % (API, lst["id"]), {"decision": "approve"})
    s.eq(st, 200, "admitted: %r" % (b,))
    local = int(q1(s, "SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                      " WHERE r.prereg_no = '%s'" % prereg))

    case, tid, pupil, mid = sent_case(s)
    no, _, name, sex, birth = pupil
    clerk = signed_in(s, CY3 + ".clerk")
    deliver(s, "TransferDecision", decision(tid, "sending_school", "approved"), corr=mid,
            expect=("accepted", None))
    b = case_of(s, clerk, case)
    s.eq((b["state"], b["current_step"]), ("open", 3), "progress only")
    s.eq([(d["step"], d["decision"]) for d in b["exchange"]["decisions"]],
         [("sending_school", "approved")])
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", "%s/%d" % (CASES, case))
    s.eq((st, len(b["exchange"]["decisions"])), (200, 1), "the receiving county reads it too")
    # a Dossier of another number than the one claimed is refused
    other = new_no()
    deliver(s, "Dossier", dossier(tid, other[0], other[1], name, sex, birth), corr=mid,
            expect=("refused", "transfer_student_mismatch"))
    deliver(s, "TransferDecision", decision(tid, "sending_county", "approved"), corr=mid,
            expect=("accepted", None))
    # the child's identity number with its sex and birth date (a valid
    # number), another name: the same ID as our record, not the same person
    payload = dossier(tid, no, child.id_number, name, child.sex, child.birth_date,
                      events=(("entered", "2025-09-01T08:00:00+08:00", "入学"),
                              ("promoted_in_shanghai", "2026-07-01T10:00:00+08:00", None)))
    data, dmid = message("Dossier", payload, sender="MOE", receiver=ORG, corr=mid)
    hdrs = {"Content-Type": "application/xml", "Xueji-Signature": KEYS["MOE-1"].sign(data)}
    st, h, text = s.http("POST", MSGS, raw=data, headers=hdrs)
    rc = parse_receipt(text.encode())
    s.eq((st, rc["status"], rc["code"]), (200, "accepted", None), "dossier: %r" % text[:400])
    rows = s.sql("SELECT s.id, o.code, s.origin, COALESCE(s.registration_id, 0), s.national_check,"
                 " s.status, s.student_no_kind, s.entry_year, s.level, s.name FROM student s"
                 " JOIN org o ON o.id = s.school_org_id WHERE s.student_no = '%s'" % no)
    s.eq(len(rows), 1, "one record")
    sid = int(rows[0][0])
    s.eq(rows[0][1:], [CY3, "transfer_in", "0", "issued", "in_school", "G", "2025", "1", name])
    b = case_of(s, clerk, case)
    s.eq((b["state"], b["steps"][2]["state"], b["exchange"]["student_id"], b["student"]["id"]),
         ("approved", "approved", sid, sid))
    s.eq(len(notices(clerk, "decided", case)), 1, "the receiving school is told")
    # in the school's roster and readable by it
    st, h, r = clerk.call("GET", "%s/students?student_no=%s" % (API, no))
    s.eq(st, 200, "roster: %r" % (r,))
    s.eq([x["id"] for x in r["items"]], [sid], "in the receiving school's records")
    st, h, hist = clerk.call("GET", "%s/students/%d/history" % (API, sid))
    s.eq(st, 200, "history: %r" % (hist,))
    kinds = [e["kind"] for e in hist["items"]]
    s.ok(kinds[:3] == ["entered", "promoted_in_shanghai", "transfer_in"],
         "the dossier's events, then the arrival: %r" % kinds)
    arrival = hist["items"][2]
    s.eq((arrival["school"], arrival["case"], hist["items"][0]["school"]), (CY3, case, ""),
         "the arrival here, by the case; the dossier's events at no school of ours")
    s.eq([(x["step"], x["org"]["code"]) for x in arrival["approvals"]],
         [(1, CY3), (2, CHAOYANG), (3, ORG)], "who approved: the exchange step in the province's name")
    st, h, cs = clerk.call("GET", "%s/students/%d/workflow-cases" % (API, sid))
    s.eq((st, [(x["id"], x["from_school"]["code"], x["to_school"]["code"]) for x in cs["items"]]),
         (200, [(case, SH_SCHOOL, CY3)]), "the record's history of cases")
    # the check at the door ran (origin transfer): same ID as a record here
    g = s.sql("SELECT g.kind, m.origin FROM problem_member m JOIN problem_group g ON"
              " g.id = m.group_id WHERE m.student_id = %d" % sid)
    s.eq(g, [["same_id", "transfer"]], "a same-ID group with the record of ours")
    s.eq(s.sql("SELECT problem_open FROM student WHERE id IN (%d, %d) ORDER BY id" % (local, sid)),
         [["1"], ["1"]], "both flagged")
    # the identity number is sealed at rest
    s.eq(q1(s, "SELECT LOCATE('%s', id_number_ct) FROM student WHERE id = %d"
               % (child.id_number, sid)), "0")
    # delivered again: the same receipt, nothing applied twice
    st, h, text2 = s.http("POST", MSGS, raw=data, headers=hdrs)
    s.eq((st, text2), (200, text), "the stored receipt again")
    s.eq(q1(s, "SELECT COUNT(*) FROM student WHERE student_no = '%s'" % no), "1")
    # a Dossier for a case that is no longer waiting
    deliver(s, "Dossier", payload, corr=mid, expect=("refused", "transfer_not_waiting"))


def local_record(s, child, school=CY1, county=CHAOYANG):
    """child admitted here through the real chain (the PSB answer stood in
    for, as in problems.py): its student id."""
    p = signed_up(s)
    st, h, b = p.register(reg_body(child, district=county, hukou=county + "000000",
                                   school_code=school))
    s.eq(st, 201, "registration: %r" % (b,))
    prereg = b["prereg_no"]
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'" % prereg)
    st, h, b = signed_in(s, school + ".clerk").call("POST", "%s/applicants/%s/tick" % (API, prereg))
    st, h, lst = signed_in(s, school + ".reviewer").call("POST", API + "/admission-lists")
    st, h, b = signed_in(s, county + ".reviewer").call(
        "POST", "%s/admission-lists/%s/decision" % (API, lst["id"]), {"decision": "approve"})
    s.eq(st, 200, "admitted: %r" % (b,))
    return int(q1(s, "SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                     " WHERE r.prereg_no = '%s'" % prereg))


def arrived(s, pupil, sex=None):
    """pupil (G number, ID number, name, sex, birth) of another province
    moves here: started, approved, both sending steps approved, the Dossier
    delivered (with sex, when given, instead of the pupil's). The new
    record's id and the case."""
    case, tid, pupil, mid = sent_case(s, pupil=pupil)
    no, idn, name, psex, birth = pupil
    for step in ("sending_school", "sending_county"):
        deliver(s, "TransferDecision", decision(tid, step, "approved"), corr=mid,
                expect=("accepted", None))
    deliver(s, "Dossier", dossier(tid, no, idn, name, sex or psex, birth), corr=mid,
            expect=("accepted", None))
    return int(q1(s, "SELECT id FROM student WHERE student_no = '%s'" % no)), case


def groups_of(s, sid):
    return s.sql("SELECT g.kind, g.state, m.reason, m.origin FROM problem_member m JOIN problem_group g"
                 " ON g.id = m.group_id WHERE m.student_id = %d ORDER BY g.id" % sid)


@test("R-DUP-1 same_person through the arrival by cross-province transfer: a Dossier of another identity number with the name, sex and birth date of a record here opens a same_person group of both (origin transfer), both flagged")
def _(s):
    setup(s)
    child = new_child()
    local = local_record(s, child)
    # the same child's name, sex and birth date under another valid number
    seq = int(child.id_number[14:17])
    y, m, d = (int(x) for x in child.birth_date.split("-"))
    idn = population.make_id(SH_COUNTY, y, m, d, (seq + 2) % 1000 or 2 + seq % 2)
    sid, case = arrived(s, ("G" + idn, idn, child.name, child.sex, child.birth_date))
    s.eq(groups_of(s, sid), [["same_person", "open", "same_person", "transfer"]],
         "a same-person group, origin transfer")
    s.eq(groups_of(s, local), [["same_person", "open", "same_person", "transfer"]],
         "the record here joins it (origin: the path that found the pair)")
    s.eq(s.sql("SELECT problem_open FROM student WHERE id IN (%d, %d) ORDER BY id" % (local, sid)),
         [["1"], ["1"]], "both flagged")
    st, h, b = signed_in(s, CY3 + ".clerk").call("GET", "%s/%d" % (CASES, case))
    s.eq((st, b.get("state")), (200, "approved"), "the case completes all the same: %r" % (b,))


@test("R-DUP-1 R-COL-7 invalid_id through the arrival by cross-province transfer: a Dossier whose sex disagrees with its identity number (the other province's data, not re-checked by the exchange) creates the record and an invalid_id group of one (id_sex, origin transfer)")
def _(s):
    setup(s)
    pupil = new_no()
    other = "F" if pupil[3] == "M" else "M"
    sid, case = arrived(s, pupil, sex=other)
    s.eq(q1(s, "SELECT sex FROM student WHERE id = %d" % sid), other, "the Dossier's data kept")
    s.eq(groups_of(s, sid), [["invalid_id", "open", "id_sex", "transfer"]],
         "an invalid_id group of one")
    s.eq(q1(s, "SELECT problem_open FROM student WHERE id = %d" % sid), "1", "flagged")
    st, h, b = signed_in(s, CY3 + ".reviewer").call(
        "GET", "%s/problem-groups/%s" % (API, q1(s, "SELECT group_id FROM problem_member"
                                                    " WHERE student_id = %d" % sid)))
    s.eq((st, [(m_["student_id"], m_["reason"]) for m_ in b.get("members", [])]),
         (200, [(sid, "id_sex")]), "the receiving school sees why: %r" % (b,))


@test("R-MOV-2 2001 guess limit across provinces: the other side's TransferDecision rejected 2001 counts against the account that started the case (audited transfer.refused_2001 in its name); with 9 local 2001s it is the 10th, and that account's next starts, cross-province and local, answer 429 lookup_limited")
def _(s):
    setup(s)
    clerk = signed_in(s, CY3 + ".clerk")
    me = int(q1(s, "SELECT id FROM staff_account WHERE login = '%s'" % clerk.login_name))
    pupil = new_no()
    st, h, b = xstart(clerk, pupil[0], pupil[2])
    s.eq(st, 201, "start: %r" % (b,))
    case = b["id"]
    approved(s, signed_in(s, CHAOYANG + ".reviewer"), case, 2)
    jobs(s, "exchange-sign")
    tid = "%s-T%d" % (ORG, case)
    t, p, mid, raw, root = request_of(s, tid)
    # nine local 2001s (numbers no record of ours has), audited at once
    for _ in range(9):
        st, h, b = clerk.call("POST", TRANSFERS, {"student_no": new_no()[0], "name": "无此人"})
        s.error_body(b, "transfer_refused_2001", 422, st)
    count = lambda: q1(s, "SELECT COUNT(*) FROM audit_log WHERE actor_type = 'staff' AND actor_id = %d"
                          " AND action = 'transfer.refused_2001'" % me)
    s.eq(count(), "9")
    # the other province answers 2001: the tenth
    deliver(s, "TransferDecision", decision(tid, "sending_school", "rejected", "2001",
                                            "学生信息不符"), corr=mid, expect=("accepted", None))
    s.eq(count(), "10", "the answer counted against the starter")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE actor_id = %d AND action ="
               " 'transfer.refused_2001' AND target_type = 'workflow' AND target_id = '%d'"
               % (me, case)), "1", "in the starter's name, the case its target")
    other = new_no()
    st, h, b = xstart(clerk, other[0], other[2])
    s.error_body(b, "lookup_limited", 429, st)
    s.ok(h.get("retry-after"), "Retry-After: %r" % (h,))
    st, h, b = clerk.call("POST", TRANSFERS, {"student_no": new_no()[0], "name": "无此人"})
    s.error_body(b, "lookup_limited", 429, st)
    # another account of the same school is not limited
    st, h, b = xstart(signed_in(s, CY3 + ".clerk"), other[0], other[2])
    s.eq(st, 201, "another account starts: %r" % (b,))


@test("item 7: a Dossier or decision for a TransferId no case of ours has (unknown id, another province's prefix) is refused transfer_unknown; one before the request was sent transfer_not_waiting; one signed by the other province itself, not relayed by the ministry, type_not_accepted; nothing is written")
def unknown_refused(s):
    setup(s)
    no, idn, name, sex, birth = new_no()
    before = q1(s, "SELECT COUNT(*) FROM student")
    for tid in ("%s-T999999999" % ORG, "320000-T1", "T110000-1"):
        st, rc, _ = deliver(s, "Dossier", dossier(tid, no, idn, name, sex, birth),
                            expect=("refused", "transfer_unknown"))
        s.eq((st, rc["category"]), (422, "data"))
        deliver(s, "TransferDecision", decision(tid, "sending_school", "approved"),
                expect=("refused", "transfer_unknown"))
    # started, not approved by the county yet: nothing was sent
    st, h, b = xstart(signed_in(s, CY3 + ".clerk"), no, name)
    s.eq(st, 201)
    tid = "%s-T%d" % (ORG, b["id"])
    st, rc, _ = deliver(s, "Dossier", dossier(tid, no, idn, name, sex, birth),
                        expect=("refused", "transfer_not_waiting"))
    s.eq((st, rc["category"]), (409, "state"))
    # the other province's own key does not answer our cases: only the
    # ministry's relay does (SHARED contract)
    approved(s, signed_in(s, CHAOYANG + ".reviewer"), b["id"], 2)
    jobs(s, "exchange-sign")
    deliver(s, "Dossier", dossier(tid, no, idn, name, sex, birth), kid="SH-1",
            expect=("refused", "type_not_accepted"))
    deliver(s, "TransferDecision", decision(tid, "sending_school", "rejected", "2002"),
            kid="SH-1", expect=("refused", "type_not_accepted"))
    s.eq(case_of(s, signed_in(s, CY3 + ".clerk"), b["id"])["state"], "open")
    s.eq(q1(s, "SELECT COUNT(*) FROM student"), before, "no record created")
    s.eq(q1(s, "SELECT COUNT(*) FROM xmove_decision WHERE workflow_id = %d" % b["id"]), "0")


@test("item 7: the other party must be a county of another province; a number of a record of ours in school keeps today's rules")
def start_rules(s):
    setup(s)
    no, idn, name, sex, birth = new_no()
    clerk = signed_in(s, CY3 + ".clerk")
    st, h, e = xstart(clerk, no, name, from_county=HAIDIAN)
    s.eq((st, e["error"]["fields"][0]["field"], e["error"]["fields"][0]["code"]),
         (422, "from_county", "transfer_same_province"))
    st, h, e = xstart(clerk, no, "Anna Li")
    s.eq((st, e["error"]["fields"][0]["field"], e["error"]["fields"][0]["code"]),
         (422, "name", "bad_format"), "a name the exchange's Name cannot carry")
    st, h, e = xstart(clerk, no, name, from_county="999999")
    s.eq((st, e["error"]["fields"][0]["code"]), (422, "unknown_division"))
    st, h, e = xstart(clerk, no, name, from_county=None)
    s.eq((st, e["error"]["fields"][0]["field"], e["error"]["fields"][0]["code"]), (422, "from_county", "required"),
         "from_school without from_county: %r" % (e,))
    # a record of ours in school: from_* changes nothing, today's chain
    (sid,) = admitted(s, school=CY1)
    rno, rname, _, _ = student(s, sid)
    st, h, b = xstart(clerk, rno, rname)
    s.eq((st, b.get("type")), (201, "transfer_county"), "today's rules: %r" % (b,))
    s.ok("exchange" not in b, "no exchange member")
    # a graduate move for a record of ours in school is refused
    st, h, e = clerk.call("POST", GRAD, {"student_no": rno, "name": rname, "from_school": SH_SCHOOL,
                                         "from_county": SH_COUNTY, "graduation_year": 2026})
    s.ok(st == 409 and e["error"]["code"] in ("transfer_record_here", "graduate_move_closed"),
         "%r" % (e,))


@test("item 7 R-MOV-5: a graduate move outside the province's window is refused graduate_move_closed; inside it the full chain: GraduateMove in the outbox, the graduating county's decision, the Dossier's record in the next level from the graduation year")
def graduate_move(s):
    setup(s)
    no, idn, name, sex, birth = new_no(year=2013)
    clerk = signed_in(s, CY3 + ".clerk")
    body = {"student_no": no, "name": name, "from_school": SH_SCHOOL, "from_county": SH_COUNTY,
            "graduation_year": 2026}
    today = beijing_today()
    s.stack.xuejictl("graduate-move-window", "set", "--province", ORG, "--from",
                     date_add(today, 2), "--to", date_add(today, 9))
    st, h, e = clerk.call("POST", GRAD, body)
    s.error_body(e, "graduate_move_closed", 409, st)
    s.stack.xuejictl("graduate-move-window", "set", "--province", ORG, "--from",
                     date_add(today, -1), "--to", date_add(today, 1), "--reason", "毕业生转入")
    s.ok("%s\t%s\t%s" % (ORG, date_add(today, -1), date_add(today, 1))
         in s.stack.xuejictl("graduate-move-window", "list"), "listed")
    try:
        st, h, b = clerk.call("POST", GRAD, body)
        s.eq(st, 201, "start: %r" % (b,))
    finally:
        s.stack.xuejictl("graduate-move-window", "lift", "--province", ORG, "--from",
                         date_add(today, -1))
    case = b["id"]
    s.eq((b["type"], [x["party"] for x in b["steps"]]),
         ("graduate_move_in", ["receiving_school", "receiving_county", "exchange"]))
    approved(s, signed_in(s, CHAOYANG + ".reviewer"), case, 2)
    jobs(s, "exchange-sign")
    tid = "%s-M%d" % (ORG, case)
    t, p, mid, raw, root = request_of(s, tid)
    xsd_valid(s, raw)
    g = lambda path: p.find("/".join(NS + x for x in path.split("/"))).text
    s.eq((t, g("Student/StudentNo"), g("GraduatedFrom/School"), g("GraduatedFrom/County"),
          g("To/School"), g("GraduationYear")),
         ("GraduateMove", no, SH_SCHOOL, SH_COUNTY, CY3, "2026"))
    deliver(s, "TransferDecision", decision(tid, "sending_school", "approved"), corr=mid,
            expect=("refused", "transfer_step_invalid"))
    deliver(s, "TransferDecision", decision(tid, "graduating_county", "approved"), corr=mid,
            expect=("accepted", None))
    deliver(s, "Dossier", dossier(tid, no, idn, name, sex, birth, year=2020, level=1), corr=mid,
            expect=("accepted", None))
    r = s.sql("SELECT o.code, s.entry_year, s.level, s.origin FROM student s JOIN org o ON"
              " o.id = s.school_org_id WHERE s.student_no = '%s'" % no)
    s.eq(r, [[CY3, "2026", "2", "transfer_in"]],
         "R-REC-4: grade 1 of the next level, counted from the graduation year")
    s.eq(case_of(s, clerk, case)["state"], "approved")


@test("item 7 R-MOV-7 scope: another school and another county can neither read nor decide the case; the province reads it")
def scope(s):
    setup(s)
    no, idn, name, sex, birth = new_no()
    st, h, b = xstart(signed_in(s, CY3 + ".clerk"), no, name)
    s.eq(st, 201)
    case = b["id"]
    for acct in (CY1 + ".reviewer", HD1 + ".reviewer", HAIDIAN + ".reviewer"):
        other = signed_in(s, acct)
        st, h, e = other.call("GET", "%s/%d" % (CASES, case))
        s.eq(st, 404, "%s reads: %r" % (acct, e))
        st, h, e = decide(other, case, 2)
        s.eq(st, 404, "%s decides: %r" % (acct, e))
    st, h, e = decide(signed_in(s, CY3 + ".reviewer"), case, 2)
    s.error_body(e, "workflow_not_your_step", 403, st)
    st, h, b = signed_in(s, "bj.reviewer").call("GET", "%s/%d" % (CASES, case))
    s.eq(st, 200, "the province is a party (its exchange step)")


@test("item 7: a record of ours that left for another province (status transferred) comes back: the same row takes the Dossier's data")
def comes_back(s):
    setup(s)
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    # stands in for the sending side's mark (helper xsend's)
    s.sql("UPDATE student SET status = 'transferred' WHERE id = %d" % sid)
    clerk = signed_in(s, CY3 + ".clerk")
    st, h, b = xstart(clerk, no, name)
    s.eq(st, 201, "start: %r" % (b,))
    case = b["id"]
    s.eq(b["student"]["id"], sid, "the case is about our row")
    approved(s, signed_in(s, CHAOYANG + ".reviewer"), case, 2)
    jobs(s, "exchange-sign")
    tid = "%s-T%d" % (ORG, case)
    t, p, mid, raw, root = request_of(s, tid)
    idn = population.make_id("110105", 2019, 5, 5, 21)
    deliver(s, "Dossier", dossier(tid, no, idn, name, "M", "2019-05-05", year=2024), corr=mid,
            expect=("accepted", None))
    s.eq(s.sql("SELECT o.code, s.status, s.origin, s.entry_year FROM student s JOIN org o ON"
               " o.id = s.school_org_id WHERE s.id = %d" % sid), [[CY3, "in_school", "transfer_in",
                                                                   "2024"]])
    s.eq(q1(s, "SELECT COUNT(*) FROM student WHERE student_no = '%s'" % no), "1", "the same row")


def guardians_of(s, sid):
    return s.sql("SELECT relation, relation_desc, name FROM student_guardian WHERE student_id = %d"
                 " ORDER BY idx" % sid)


@test("review R1: a Dossier's guardian relation other than ours (a description, or longer than the 8-character column) is applied as 其他 with its description, not a database error the ministry resends forever")
def dossier_guardian_relation(s):
    setup(s)
    case, tid, pupil, mid = sent_case(s)
    no, idn, name, sex, birth = pupil
    st, rc, _ = deliver(s, "Dossier", dossier(tid, no, idn, name, sex, birth, guardians=(
        ("母亲", "王芳"), ("stepfather", "李四"), ("姑姑", "王红"))), corr=mid)
    s.eq((st, rc["status"], rc["code"]), (200, "accepted", None), "dossier: %r" % (rc,))
    sid = int(q1(s, "SELECT id FROM student WHERE student_no = '%s'" % no))
    s.eq(guardians_of(s, sid), [["母亲", "", "王芳"], ["其他", "stepfather", "李四"],
                                ["其他", "姑姑", "王红"]])
    s.eq(case_of(s, signed_in(s, CY3 + ".clerk"), case)["state"], "approved")


@test("review R2: a TransferDecision relayed after the Dossier (either order, R-MOV-7) is recorded as progress, not refused; relayed again it is not recorded twice; a rejection after the record arrived is refused")
def decision_after_dossier(s):
    setup(s)
    case, tid, pupil, mid = sent_case(s)
    no, idn, name, sex, birth = pupil
    deliver(s, "Dossier", dossier(tid, no, idn, name, sex, birth), corr=mid,
            expect=("accepted", None))
    clerk = signed_in(s, CY3 + ".clerk")
    s.eq(case_of(s, clerk, case)["state"], "approved", "the Dossier completes the case")
    for step in ("sending_school", "sending_county", "sending_county"):
        st, rc, _ = deliver(s, "TransferDecision", decision(tid, step, "approved"), corr=mid)
        s.eq((st, rc["status"], rc["code"]), (200, "accepted", None), "%s: %r" % (step, rc))
    b = case_of(s, clerk, case)
    s.eq((b["state"], [(d["step"], d["decision"]) for d in b["exchange"]["decisions"]]),
         ("approved", [("sending_school", "approved"), ("sending_county", "approved")]))
    deliver(s, "TransferDecision", decision(tid, "sending_county", "rejected", "2002"), corr=mid,
            expect=("refused", "transfer_not_waiting"))
    s.eq(q1(s, "SELECT COUNT(*) FROM xmove_decision WHERE workflow_id = %d" % case), "2")
    s.eq(q1(s, "SELECT COUNT(*) FROM student WHERE student_no = '%s'" % no), "1")


@test("review R3: a Dossier's BirthDate is checked as a birth date: a zone suffix (schema-valid xs:date) is the date, a future date is refused invalid data -- neither is an internal error resent forever")
def dossier_birth_date(s):
    setup(s)
    case, tid, pupil, mid = sent_case(s)
    no, idn, name, sex, birth = pupil
    st, rc, _ = deliver(s, "Dossier", dossier(tid, no, idn, name, sex, "2099-04-07"), corr=mid)
    s.eq((st, rc["status"], rc["code"]), (422, "refused", "date_in_future"), "future: %r" % (rc,))
    s.eq(q1(s, "SELECT COUNT(*) FROM student WHERE student_no = '%s'" % no), "0", "nothing written")
    st, rc, _ = deliver(s, "Dossier", dossier(tid, no, idn, name, sex, birth + "+08:00"), corr=mid)
    s.eq((st, rc["status"], rc["code"]), (200, "accepted", None), "zoned: %r" % (rc,))
    s.eq(q1(s, "SELECT DATE_FORMAT(birth_date, '%%Y-%%m-%%d') FROM student WHERE student_no = '%s'"
               % no), birth)
    case2, tid2, pupil2, mid2 = sent_case(s)
    st, rc, _ = deliver(s, "Dossier", dossier(tid2, pupil2[0], pupil2[1], pupil2[2], pupil2[3],
                                              pupil2[4] + "Z"), corr=mid2)
    s.eq((st, rc["status"], rc["code"]), (200, "accepted", None), "Z: %r" % (rc,))


@test("review R4: a Dossier's data goes through the validators of every record not from admission: the name without inner spaces (R-REC-10), an ethnicity or hukou code that is none of ours left empty, a valid one kept; a name of spaces only refused")
def dossier_fields(s):
    setup(s)
    case, tid, pupil, mid = sent_case(s)
    no, idn, name, sex, birth = pupil
    spaced = name[0] + "\u3000" + name[1:]
    payload = dossier(tid, no, idn, spaced, sex, birth).replace(
        "<Ethnicity>01</Ethnicity>", "<Ethnicity>zz</Ethnicity><HukouCode>abc</HukouCode>")
    deliver(s, "Dossier", payload.replace("<Name>%s</Name>" % spaced, "<Name>\u3000</Name>", 1),
            corr=mid, expect=("refused", "required"))
    deliver(s, "Dossier", payload, corr=mid, expect=("accepted", None))
    s.eq(s.sql("SELECT name, ethnicity, hukou_code FROM student WHERE student_no = '%s'" % no),
         [[name, "", ""]])
    case2, tid2, pupil2, mid2 = sent_case(s)
    payload = dossier(tid2, pupil2[0], pupil2[1], pupil2[2], pupil2[3], pupil2[4]).replace(
        "<Ethnicity>01</Ethnicity>", "<Ethnicity>01</Ethnicity><HukouCode>310104000000</HukouCode>")
    deliver(s, "Dossier", payload, corr=mid2, expect=("accepted", None))
    s.eq(s.sql("SELECT ethnicity, hukou_code FROM student WHERE student_no = '%s'" % pupil2[0]),
         [["01", "310104000000"]])


@test("review R9: a rejection's Reason of up to 200 characters (x:Text) is kept whole, with its code, cut at a character: before, it was cut at 200 bytes inside a character -- invalid UTF-8, a database error the ministry resends forever")
def long_rejection_reason(s):
    setup(s)
    case, tid, pupil, mid = sent_case(s)
    reason = "学生信息与学籍号不符请核实" * 7 + "核"      # 92 characters, 276 bytes
    st, rc, _ = deliver(s, "TransferDecision", decision(tid, "sending_school", "rejected", None,
                                                        reason), corr=mid)
    s.eq((st, rc["status"], rc["code"]), (200, "accepted", None), "%r" % (rc,))
    b = case_of(s, signed_in(s, CY3 + ".clerk"), case)
    s.eq((b["state"], b["reason"]), ("rejected", reason), "the whole reason")
    case2, tid2, pupil2, mid2 = sent_case(s)
    reason = "拒" * 200
    st, rc, _ = deliver(s, "TransferDecision", decision(tid2, "sending_school", "rejected", "2001",
                                                        reason), corr=mid2)
    s.eq((st, rc["status"], rc["code"]), (200, "accepted", None), "%r" % (rc,))
    b = case_of(s, signed_in(s, CY3 + ".clerk"), case2)
    s.eq((b["state"], b["reason"]), ("rejected", "2001 " + "拒" * 195),
         "the code first, cut at 200 characters")



@test("R-REC-1 R-COL-7 a Dossier of a child without a document (type Z, a J number) leaves out IdNumber and creates the record with a claim of its own; a resident ID card without its number is refused required")
def _(s):
    setup(s)
    idn = population.make_id(SH_COUNTY, 2019, 5, 9, 700 + os.getpid() % 99)
    pupil = ("J" + idn, "", "沪无证%03d" % (os.getpid() % 1000), "F", "2019-05-09")
    case, tid, pupil, mid = sent_case(s, pupil=pupil)
    no, _, name, sex, birth = pupil
    full = dossier(tid, no, "0", name, sex, birth)
    without = full.replace("<IdNumber>0</IdNumber>", "")
    deliver(s, "Dossier", without, corr=mid, expect=("refused", "required"))
    deliver(s, "Dossier", without.replace("<IdDocType>1</IdDocType>", "<IdDocType>Z</IdDocType>"),
            corr=mid, expect=("accepted", None))
    rows = s.sql("SELECT id, id_doc_type, student_no_kind, national_check, origin FROM student"
                 " WHERE student_no = '%s'" % no)
    s.eq([r[1:] for r in rows], [["Z", "J", "issued", "transfer_in"]], "the record: %r" % rows)
    s.eq(q1(s, "SELECT COUNT(*) FROM student WHERE child_bidx = (SELECT child_bidx FROM student"
               " WHERE id = %s)" % rows[0][0]), "1", "a claim that collides with no other record")


# ---- session 7 (capcase): a school's unanswered cross-province starts ----

CAP = 20    # [transfer] xprovince_unanswered_max, its default (not set in CONF)
UNANSWERED = ("SELECT COUNT(*) FROM workflow w JOIN xmove x ON x.workflow_id = w.id"
              " JOIN org o ON o.id = w.initiator_org_id WHERE o.kind = 'school' AND o.code = '%s'"
              " AND w.state = 'open' AND NOT EXISTS (SELECT 1 FROM xmove_decision d"
              " WHERE d.workflow_id = w.id)")


def unanswered(s, school):
    return int(q1(s, UNANSWERED % school))


def fill(s, school, upto):
    """Start cross-province transfers at `school` (each by a fresh clerk)
    until it has `upto` unanswered ones: the new cases' ids."""
    cases = []
    for _ in range(upto - unanswered(s, school)):
        pupil = new_no()
        st, h, b = xstart(signed_in(s, school + ".clerk"), pupil[0], pupil[2])
        s.eq(st, 201, "start %d below the cap: %r" % (len(cases) + 1, b))
        cases.append(b["id"])
    s.eq(unanswered(s, school), upto)
    return cases


def started_at(s, school):
    return q1(s, "SELECT COUNT(*) FROM workflow w JOIN org o ON o.id = w.initiator_org_id"
                 " WHERE o.kind = 'school' AND o.code = '%s'" % school)


@test("capcase R-MOV-2: a school's cross-province starts the other side has not answered are capped at [transfer] xprovince_unanswered_max (20): the 21st, by any account of the school, transfer or graduate move, answers 429 transfer_unanswered_limit (zh/en) and writes nothing; an answer (TransferDecision) or the county's rejection frees a slot; another school is not limited")
def _(s):
    setup(s)
    cases = fill(s, HD1, CAP)
    before, starts = started_at(s, HD1), q1(s, "SELECT COUNT(*) FROM audit_log WHERE action ="
                                               " 'transfer.start'")
    pupil = new_no()
    st, h, b = xstart(signed_in(s, HD1 + ".clerk"), pupil[0], pupil[2])
    e = s.error_body(b, "transfer_unanswered_limit", 429, st)
    s.ok("等待" in e["message"] and "wait" in e["message_en"], "tells to wait: %r" % (e,))
    s.eq((started_at(s, HD1), q1(s, "SELECT COUNT(*) FROM audit_log WHERE action ="
                                    " 'transfer.start'")), (before, starts), "nothing written")
    # a graduate move is the same kind of request and counts alike
    today = beijing_today()
    s.stack.xuejictl("graduate-move-window", "set", "--province", ORG, "--from",
                     date_add(today, -1), "--to", date_add(today, 1), "--reason", "毕业生转入")
    try:
        g = new_no(year=2013)
        st, h, b = signed_in(s, HD1 + ".clerk").call("POST", GRAD, {
            "student_no": g[0], "name": g[2], "from_school": SH_SCHOOL,
            "from_county": SH_COUNTY, "graduation_year": 2026})
        s.error_body(b, "transfer_unanswered_limit", 429, st)
    finally:
        s.stack.xuejictl("graduate-move-window", "lift", "--province", ORG, "--from",
                         date_add(today, -1))
    # another school's starts are its own
    st, h, b = xstart(signed_in(s, CY1 + ".clerk"), pupil[0], pupil[2])
    s.eq(st, 201, "another school starts: %r" % (b,))
    # the county approves the first: sent, still unanswered
    approved(s, signed_in(s, HAIDIAN + ".reviewer"), cases[0], 2)
    jobs(s, "exchange-sign")
    tid = "%s-T%d" % (ORG, cases[0])
    mid = request_of(s, tid)[2]
    s.eq(unanswered(s, HD1), CAP, "a request sent is not an answer")
    # the sending school's approval is an answer: one slot
    deliver(s, "TransferDecision", decision(tid, "sending_school", "approved"), corr=mid,
            expect=("accepted", None))
    s.eq(unanswered(s, HD1), CAP - 1)
    again = new_no()
    st, h, b = xstart(signed_in(s, HD1 + ".clerk"), again[0], again[2])
    s.eq(st, 201, "a slot after the answer: %r" % (b,))
    st, h, b = xstart(signed_in(s, HD1 + ".clerk"), pupil[0], pupil[2])
    s.error_body(b, "transfer_unanswered_limit", 429, st)
    # the county's rejection closes a case here: one slot
    st, h, b = decide(signed_in(s, HAIDIAN + ".reviewer"), cases[1], 2, "reject", "材料不全")
    s.eq(st, 200, "county rejects: %r" % (b,))
    third = new_no()
    st, h, b = xstart(signed_in(s, HD1 + ".clerk"), third[0], third[2])
    s.eq(st, 201, "a slot after the rejection: %r" % (b,))
    s.eq(unanswered(s, HD1), CAP)


@test("capcase R-MOV-2 concurrency: two accounts of a school one below the cap start at once, six times: each time exactly one passes (201) and the other answers 429 transfer_unanswered_limit")
def _(s):
    import threading
    setup(s)
    school = CY1
    fill(s, school, CAP - 1)
    rev = signed_in(s, CHAOYANG + ".reviewer")
    for rnd in range(6):
        clerks = [signed_in(s, school + ".clerk") for _ in range(2)]
        pupils = [new_no() for _ in range(2)]
        out = [None, None]
        go = threading.Barrier(2)

        def one(i):
            go.wait()
            out[i] = xstart(clerks[i], pupils[i][0], pupils[i][2])

        ts = [threading.Thread(target=one, args=(i,)) for i in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        sts = sorted(o[0] for o in out)
        s.eq(sts, [201, 429], "round %d: %r" % (rnd, [(o[0], o[2]) for o in out]))
        s.eq(unanswered(s, school), CAP, "round %d" % rnd)
        loser = [o for o in out if o[0] == 429][0]
        s.error_body(loser[2], "transfer_unanswered_limit", 429, loser[0])
        # back to one below the cap: the county rejects the winner's case
        won = [o for o in out if o[0] == 201][0][2]["id"]
        st, h, b = decide(rev, won, 2, "reject", "重复申请")
        s.eq(st, 200, "reject: %r" % (b,))


if __name__ == "__main__":
    try:
        run(conf=CONF, allow_log=())
    finally:
        subprocess.run(["rm", "-rf", KEYDIR])
