"""Black-box: cross-province moves, the SENDING side (issue 13 item 7;
R-MOV-1, R-MOV-2, R-MOV-4, R-MOV-5, R-REC-3; docs/architecture.md
"Cross-province moves: the sending side"). This stack is Beijing's
deployment (org code 110000) and holds the student's record; the
receiving school and county are in Jiangsu's (320000), whose requests the
ministry relays: the tests play the ministry with xchange.py -- post the
relayed TransferRequest / GraduateMove signed as MOE, pull our outbox with
signed requests, verify every message with our public key and validate
its bytes against docs/xml/v1/exchange.xsd with xmllint.

Students come into being through the real admission chain
(wfcases.admitted). Stood in for with SQL, said where: the problem flag,
and a graduate (the year-end batch's status and history event)."""
import base64
import datetime
import glob
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import xchange
from xchange import Key, message, parse_receipt
from staff import signed_in
from wfcases import (API, CASES, CHAOYANG, CY1, CY2, HAIDIAN, HD1, INBOX, admitted,
                     admitted_with_parent, beijing_today, date_add, decide, q1, student)
from xjtest import BUILDDIR, SRCDIR, Failure, key_ring, run, test

NS = "{urn:xueji:exchange:1}"
MSGS = "/exchange/ministry/v1/messages"
PULL = "/exchange/ministry/v1/outbox"
ORG = "110000"
OTHER = "320000"                 # the receiving side's province
RECV_SCHOOL, RECV_COUNTY = "3201020001", "320102"

KEYDIR = tempfile.mkdtemp(prefix="xj-xsend-")


def _keys():
    keys = {"MOE-1": Key(KEYDIR, "MOE-1", "MOE")}
    xchange.deployment_keys(BUILDDIR, KEYDIR, keys.values())
    return keys


KEYS = _keys()
CONF = {"exchange": {"org_code": ORG,
                     "signing_key_file": os.path.join(KEYDIR, "own.key"),
                     "signing_key_id": ORG + "-1",
                     "peer_keys_file": os.path.join(KEYDIR, "peers"),
                     "message_limit": 1 << 20,
                     "outbox_page_bytes": 1 << 20},
        "server": {"arena_size": 8 << 20}}

_seq = [0]


def tid(kind="T"):
    """A TransferId as the receiving side makes it: <its org>-T<case id>."""
    _seq[0] += 1
    return "%s-%s%d%03d" % (OTHER, kind, os.getpid(), _seq[0])


def jobs(s, *names):
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once"]
                       + list(names), capture_output=True, text=True, env=s.stack.worker_env(),
                       timeout=120)
    if r.returncode != 0:
        raise Failure("jobs %s: %d %s" % (names, r.returncode, r.stderr))
    return r.stdout + r.stderr


def relay(s, mtype, payload, expect="accepted"):
    """The ministry relays a message of the other province to us: a new
    envelope (Sender MOE, a new MessageId); the receipt verified."""
    data, mid = message(mtype, payload, receiver=ORG, corr="%s-x-%s" % (OTHER, os.urandom(4).hex()))
    st, h, text = s.http("POST", MSGS, raw=data, headers={
        "Content-Type": "application/xml", "Xueji-Signature": KEYS["MOE-1"].sign(data)})
    raw = text.encode()
    s.ok(xchange.verify(os.path.join(KEYDIR, "own.pem"), h.get("xueji-signature"), raw),
         "the receipt is signed with our key")
    rc = parse_receipt(raw)
    s.eq((st, rc["status"]), (200, expect), "receipt of %s: %s" % (mtype, text[:400]))
    return mid


def request_xml(t, no, name, school=CY1, county=CHAOYANG, reason="随父母工作调动"):
    return ("<TransferRequest><TransferId>%s</TransferId><Student><StudentNo>%s</StudentNo>"
            "<Name>%s</Name></Student><From><School>%s</School><County>%s</County></From>"
            "<To><School>%s</School><County>%s</County></To><Reason>%s</Reason>"
            "<Requested>2026-12-06T09:00:00+08:00</Requested></TransferRequest>"
            % (t, no, name, school, county, RECV_SCHOOL, RECV_COUNTY, reason))


def graduate_xml(t, no, name, year, school=CY1, county=CHAOYANG):
    return ("<GraduateMove><TransferId>%s</TransferId><Student><StudentNo>%s</StudentNo>"
            "<Name>%s</Name></Student><GraduatedFrom><School>%s</School><County>%s</County>"
            "</GraduatedFrom><To><School>%s</School><County>%s</County></To>"
            "<GraduationYear>%d</GraduationYear><Requested>2026-12-06T09:00:00+08:00</Requested>"
            "</GraduateMove>" % (t, no, name, school, county, RECV_SCHOOL, RECV_COUNTY, year))


def signed_get(query):
    date = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime(
        "%Y-%m-%dT%H:%M:%S+08:00")
    data = ("GET\n%s\n%s\n%s\n" % (PULL, query, date)).encode()
    return {"Xueji-Signature": KEYS["MOE-1"].sign(data), "Xueji-Date": date}


def outbox(s, transfer_id):
    """Sign what waits (job exchange-sign), pull everything, and return the
    messages about transfer_id in order: [(type, root element, raw)], each
    verified with our public key and valid against the XSD."""
    jobs(s, "exchange-sign")
    out, after = [], 0
    while True:
        q = "after=%d&limit=100" % after
        st, h, b = s.http("GET", PULL + "?" + q, headers=signed_get(q))
        s.eq(st, 200, "pull: %r" % (str(b)[:300],))
        for m in b["messages"]:
            raw = base64.b64decode(m["body"])
            if m["type"] not in ("TransferDecision", "Dossier"):
                continue
            root = ET.fromstring(raw)
            p = root.find(NS + "Body/" + NS + m["type"])
            if p.find(NS + "TransferId").text != transfer_id:
                continue
            s.ok(xchange.verify(os.path.join(KEYDIR, "own.pem"), m["signature"], raw),
                 "message %s verifies with our public key" % m["message_id"])
            xsd_valid(s, raw)
            hdr = root.find(NS + "Header")
            s.eq((hdr.find(NS + "Sender").text, hdr.find(NS + "Receiver").text), (ORG, "MOE"),
                 "Sender us, Receiver the ministry")
            out.append((m["type"], p, raw))
        after = b["next"]
        if not b["more"]:
            break
    return out


def xsd_valid(s, raw):
    with tempfile.NamedTemporaryFile(suffix=".xml") as f:
        f.write(raw)
        f.flush()
        r = subprocess.run(["xmllint", "--noout", "--nonet", "--schema",
                            os.path.join(SRCDIR, "docs", "xml", "v1", "exchange.xsd"), f.name],
                           capture_output=True, text=True)
    s.eq(r.returncode, 0, "valid against exchange.xsd: %s" % r.stderr[-400:])


def decision(p):
    g = lambda n: (p.find(NS + n).text if p.find(NS + n) is not None else None)
    return g("Step"), g("Decision"), g("RefusalCode")


def case_of(s, transfer_id):
    r = s.sql("SELECT COALESCE(workflow_id, 0), COALESCE(refusal_code, '') FROM xsend_request"
              " WHERE transfer_id = '%s'" % transfer_id)
    return (int(r[0][0]), r[0][1]) if r else (None, None)


def idn_of(s, sid):
    """The record's identity number, opened here with the stack's field key
    (crypto/field.h format 0x02, aad column NUL row)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    ct = bytes.fromhex(q1(s, "SELECT HEX(id_number_ct) FROM student WHERE id = %d" % sid))
    ring = key_ring(s.stack.path("secrets", "enc.key"))
    hdr = ct[:5]
    ver = int.from_bytes(ct[1:5], "big")
    return AESGCM(ring[ver]).decrypt(ct[5:17], ct[17:], hdr + b"student.id_number\0s" +
                                     str(sid).encode()).decode()


# ---- a request opens a case, once ------------------------------------------

@test("R-MOV-1: a relayed TransferRequest for a record here opens a case transfer_national_out in the sending school's inbox, with who asks; relayed again under a new MessageId it opens no second case")
def _(s):
    p, prereg, sid = admitted_with_parent(s, CY1, CHAOYANG)
    no, name, school, year = student(s, sid)
    t = tid()
    relay(s, "TransferRequest", request_xml(t, no, name))
    case, refusal = case_of(s, t)
    s.ok(case and refusal == "", "a case opened: %r" % ((case, refusal),))
    rev = signed_in(s, CY1 + ".reviewer")
    st, h, box = rev.call("GET", INBOX)
    mine = [x for x in box["items"] if x["case_id"] == case]
    s.eq([(x["type"], x["party"], x["step"], x["asked_by"]) for x in mine],
         [("transfer_national_out", "sending_school", 1,
           {"school_code": RECV_SCHOOL, "county_code": RECV_COUNTY, "reason": "随父母工作调动"})],
         "in the sending school's inbox, with who asks")
    st, h, b = rev.call("GET", "%s/%d" % (CASES, case))
    s.eq(st, 200, "the case: %r" % (b,))
    s.eq([(x["party"], x["state"], x["org"]["code"]) for x in b["steps"]],
         [("sending_school", "open", CY1), ("sending_county", "waiting", CHAOYANG)])
    s.eq((b["exchange"]["transfer_id"], b["exchange"]["receiving_school_code"],
          b["exchange"]["receiving_county_code"], b["exchange"]["reason"]),
         (t, RECV_SCHOOL, RECV_COUNTY, "随父母工作调动"), "who asks, and why")
    # scope: a school that is no party sees nothing of it
    st, h, b = signed_in(s, HD1 + ".reviewer").call("GET", "%s/%d" % (CASES, case))
    s.eq(st, 404, "another school: %r" % (b,))
    # R-MOV-7: the family follows it in words
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/record-changes" % prereg)
    s.eq((st, [(x["id"], x["state"]) for x in b.get("items", [])]), (200, [(case, "open")]),
         "%r" % (b,))
    s.ok("转出学校" in b["items"][0]["progress"], b["items"][0]["progress"])
    # the ministry relays the same request again (a new envelope)
    relay(s, "TransferRequest", request_xml(t, no, name))
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d" % sid), "1",
         "one case for one TransferId")
    s.eq(outbox(s, t), [], "nothing written to the other side yet")
    # the record's history of cases names the other province's school as null
    st, h, b = signed_in(s, CY1 + ".clerk").call("GET", "%s/students/%d/workflow-cases" % (API, sid))
    s.eq((st, [(x["type"], x["to_school"]["code"]) for x in b.get("items", [])]),
         (200, [("transfer_national_out", None)]), "history: %r" % (b,))


@test("R-MOV-2: one request relayed 6 times at once under 6 MessageIds opens one case and writes no refusal (the TransferId's key and the engine's open_subject, retried)")
def _(s):
    import threading
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    t = tid()
    errs, mids = [], []

    def one():
        try:
            mids.append(relay(s, "TransferRequest", request_xml(t, no, name)))
        except Exception as e:          # noqa: BLE001 -- reported below
            errs.append(e)
    th = [threading.Thread(target=one) for _ in range(6)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    s.eq(errs, [], "every relay accepted")
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d" % sid), "1", "one case")
    case, refusal = case_of(s, t)
    s.ok(case > 0 and refusal == "", "the request's row names it: %r" % ((case, refusal),))
    s.eq(q1(s, "SELECT COUNT(*) FROM exchange_inbox WHERE sender = 'MOE' AND message_id IN (%s)"
            % ", ".join("'%s'" % m for m in mids)), "6", "each relay stored once in the inbox")
    s.eq(outbox(s, t), [], "no refusal went out")


# ---- refused at once (R-MOV-2) ---------------------------------------------

@test("R-MOV-2 2001: a name that does not match the record is answered at once by a TransferDecision rejected 2001 in the outbox; no case opens; the request's receipt is accepted")
def _(s):
    (sid,) = admitted(s, school=CY1)
    no, name, school, year = student(s, sid)
    t = tid()
    relay(s, "TransferRequest", request_xml(t, no, name + "甲"))
    s.eq(case_of(s, t), (0, "2001"))
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d" % sid), "0", "no case")
    msgs = outbox(s, t)
    s.eq([(m[0],) + decision(m[1]) for m in msgs],
         [("TransferDecision", "sending_school", "rejected", "2001")])
    # relayed again: answered from the stored refusal, no second decision
    relay(s, "TransferRequest", request_xml(t, no, name + "甲"))
    s.eq(len(outbox(s, t)), 1, "one decision for one TransferId")
    # a record of another school of ours: not the one the request names
    t2 = tid()
    relay(s, "TransferRequest", request_xml(t2, no, name, school=CY2))
    s.eq(case_of(s, t2), (0, "2001"), "the record is not in the school named in From")


@test("R-MOV-2 2003: a problem record is refused 2003 at once; 2002: a record with a case open, or not in school, is refused 2002")
def _(s):
    (a, b) = admitted(s, n=2, school=CY1)
    # stands in for the duplicate check's flag (issue 12)
    s.sql("UPDATE student SET problem_open = 1 WHERE id = %d" % a)
    no, name, _, _ = student(s, a)
    t = tid()
    relay(s, "TransferRequest", request_xml(t, no, name))
    s.eq(case_of(s, t), (0, "2003"))
    s.eq([decision(m[1]) for m in outbox(s, t)], [("sending_school", "rejected", "2003")])
    no, name, _, _ = student(s, b)
    t1, t2 = tid(), tid()
    relay(s, "TransferRequest", request_xml(t1, no, name))
    relay(s, "TransferRequest", request_xml(t2, no, name))
    s.ok(case_of(s, t1)[0] > 0, "the first opens a case")
    s.eq(case_of(s, t2), (0, "2002"), "business in progress")
    s.eq([decision(m[1]) for m in outbox(s, t2)], [("sending_school", "rejected", "2002")])


@test("issue 11 §7: our province's transfer freeze holds for a relayed TransferRequest: answered at once by a TransferDecision rejected (sending_school, no RefusalCode: no national code fits) whose reason names the freeze and its last day; no case opens; audited; lifted, a request opens its case")
def _(s):
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    today = beijing_today()
    until = date_add(today, 1)
    s.stack.xuejictl("transfer-freeze", "set", "--province", ORG, "--from", date_add(today, -1),
                     "--to", until, "--reason", "升级批次")
    try:
        t = tid()
        relay(s, "TransferRequest", request_xml(t, no, name))
        s.eq(case_of(s, t), (0, ""), "refused, no code stored")
    finally:
        s.stack.xuejictl("transfer-freeze", "lift", "--province", ORG, "--from",
                         date_add(today, -1))
    s.eq(q1(s, "SELECT COUNT(*) FROM workflow WHERE subject_id = %d" % sid), "0", "no case")
    msgs = outbox(s, t)
    s.eq([(m[0],) + decision(m[1]) for m in msgs],
         [("TransferDecision", "sending_school", "rejected", None)])
    why = msgs[0][1].find(NS + "Reason").text
    s.ok("frozen" in why and "暂停" in why and until in why, "the reason names the freeze: %r" % why)
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'exchange.transfer_frozen' AND"
               " target_id = '%s'" % t), "1", "audited")
    # relayed again after the freeze: the TransferId was answered, nothing new
    relay(s, "TransferRequest", request_xml(t, no, name))
    s.eq(len(outbox(s, t)), 1, "one decision for one TransferId")
    t2 = tid()
    relay(s, "TransferRequest", request_xml(t2, no, name))
    s.ok(case_of(s, t2)[0] > 0, "no freeze: a case opens")


# ---- decisions ---------------------------------------------------------------

@test("R-MOV-1: the sending school rejects: a TransferDecision rejected with its reason, written in the decision's transaction; the case ends; the record stays")
def _(s):
    s.stack.stop_jobs()     # exchange-sign runs when this test says
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    t = tid()
    relay(s, "TransferRequest", request_xml(t, no, name))
    case, _ = case_of(s, t)
    st, h, b = decide(signed_in(s, CY1 + ".reviewer"), case, 1, "reject", "家长撤回申请")
    s.eq((st, b.get("state")), (200, "rejected"), "%r" % (b,))
    s.eq(q1(s, "SELECT COUNT(*) FROM exchange_outbox_pending p WHERE message_type ="
               " 'TransferDecision'") != "0", True, "queued with the decision, before any job ran")
    msgs = outbox(s, t)
    s.eq([decision(m[1]) for m in msgs], [("sending_school", "rejected", None)])
    s.eq(msgs[0][1].find(NS + "Reason").text, "家长撤回申请")
    s.eq(q1(s, "SELECT status FROM student WHERE id = %d" % sid), "in_school")


@test("R-MOV-4: sending school and county approve: two TransferDecisions and the Dossier (signed, XSD-valid, the identity number only in the signed message), the record transferred, off the roster, still readable by its school and county; another county cannot decide")
def _(s):
    p, prereg, sid = admitted_with_parent(s, CY1, CHAOYANG)
    no, name, _, year = student(s, sid)
    idn = idn_of(s, sid)
    # stands in for a year-end promotion: a record with some history
    s.sql("INSERT INTO student_event (student_id, kind, school_org_id, from_grade, to_grade,"
          " status, created_at) SELECT id, 'promoted', school_org_id, 1, 2, 'in_school',"
          " UTC_TIMESTAMP(6) FROM student WHERE id = %d" % sid)
    t = tid()
    relay(s, "TransferRequest", request_xml(t, no, name))
    case, _ = case_of(s, t)
    st, h, b = decide(signed_in(s, CY1 + ".reviewer"), case, 1)
    s.eq((st, b.get("current_step")), (200, 2), "%r" % (b,))
    s.eq([decision(m[1]) for m in outbox(s, t)], [("sending_school", "approved", None)],
         "the school's approval is answered at once")
    # scope: a county that is not the record's decides nothing
    st, h, b = decide(signed_in(s, HAIDIAN + ".reviewer"), case, 2)
    s.ok(st in (403, 404), "another county: %s %r" % (st, b))
    st, h, b = decide(signed_in(s, CHAOYANG + ".reviewer"), case, 2)
    s.eq((st, b.get("state")), (200, "approved"), "%r" % (b,))
    msgs = outbox(s, t)
    s.eq([(m[0],) + (decision(m[1]) if m[0] == "TransferDecision" else ()) for m in msgs],
         [("TransferDecision", "sending_school", "approved", None),
          ("TransferDecision", "sending_county", "approved", None), ("Dossier",)])
    d = msgs[2][1]
    st_ = d.find(NS + "Student")
    g = lambda n: st_.find(NS + n).text
    s.eq((g("StudentNo"), g("Name"), g("SchoolCode"), g("County"), int(g("EntryYear")),
          g("IdNumber")), (no, name, CY1, CHAOYANG, year, idn), "the record, with its identity number")
    s.eq([(e.find(NS + "Kind").text, e.find(NS + "Note").text) for e in d.findall(NS + "Event")],
         [("promoted", "school %s, status in_school, grade 1 -> 2" % CY1)],
         "its history goes with it")
    s.ok(len(st_.findall(NS + "Guardian")) >= 1, "its guardians go with it")
    # at rest and in the logs: never the identity number
    s.eq(q1(s, "SELECT COUNT(*) FROM exchange_outbox WHERE LOCATE('%s', body) > 0" % idn), "0",
         "the stored body is ciphertext")
    logs = "".join(open(f, errors="replace").read()
                   for f in glob.glob(s.stack.path("log", "*")) if os.path.isfile(f))
    s.ok(idn not in logs, "no identity number in any log")
    # R-REC-3: transferred out -- not in school, readable
    s.eq(q1(s, "SELECT status FROM student WHERE id = %d" % sid), "transferred")
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/record-changes" % prereg)
    s.eq((st, b["items"][0]["state"], b["items"][0]["progress_en"]),
         (200, "approved", "completed: the record has moved to a school in another province"),
         "the family reads the outcome: %r" % (b,))
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("GET", "%s/students/%d" % (API, sid))
    s.eq((st, b.get("status")), (200, "transferred"), "its school still reads it")
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", "%s/students/%d" % (API, sid))
    s.eq(st, 200, "its county reads it")
    st, h, b = clerk.call("PATCH", "%s/students/%d" % (API, sid), {"home_address": "北京市朝阳区"})
    s.eq((st, b.get("error", {}).get("code")), (409, "student_not_in_school"),
         "read only here now: %r" % (b,))
    st, h, b = clerk.call("GET", API + "/roster")
    s.eq(st, 200, "%r" % (b,))
    s.ok(sid not in [x["id"] for x in b["items"]], "off the roster")
    s.eq(q1(s, "SELECT COUNT(*) FROM student_event WHERE student_id = %d AND kind ="
               " 'transferred_out' AND fields = '%s'" % (sid, t)), "1", "a history event")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'student.transfer_out' AND"
               " target_id = '%d'" % sid), "1", "audited")


@test("R-MOV-4: a record that came from another province (its Dossier's events at school 0, kinds longer than ours, notes) moves out again: the new Dossier carries those events with their notes, then ours (an inner join dropped them)")
def _(s):
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    # stands in for a Dossier's history as exchange/xrecv.c stores it
    # (XMV_EVENT: school 0, status '', the other side's kind and note)
    s.sql("INSERT INTO student_event (student_id, kind, school_org_id, status, note, created_at)"
          " VALUES (%d, 'entered', 0, '', '入学', '2025-09-01 00:00:00'),"
          " (%d, 'promoted_in_shanghai_primary', 0, '', NULL, '2026-07-01 02:00:00')"
          % (sid, sid))
    s.sql("INSERT INTO student_event (student_id, kind, school_org_id, status, created_at)"
          " SELECT id, 'transfer_in', school_org_id, 'in_school', UTC_TIMESTAMP(6) FROM student"
          " WHERE id = %d" % sid)
    t = tid()
    relay(s, "TransferRequest", request_xml(t, no, name))
    case, _ = case_of(s, t)
    st, h, b = decide(signed_in(s, CY1 + ".reviewer"), case, 1)
    s.eq(st, 200, "%r" % (b,))
    st, h, b = decide(signed_in(s, CHAOYANG + ".reviewer"), case, 2)
    s.eq((st, b.get("state")), (200, "approved"), "%r" % (b,))
    msgs = [m for m in outbox(s, t) if m[0] == "Dossier"]
    s.eq(len(msgs), 1, "one Dossier")
    ev = [(e.find(NS + "Kind").text, e.find(NS + "Note").text if e.find(NS + "Note") is not None
           else None) for e in msgs[0][1].findall(NS + "Event")]
    s.eq(ev, [("entered", "入学"), ("promoted_in_shanghai_primary", None),
              ("transfer_in", "school %s, status in_school" % CY1)],
         "the events it came with, then ours")


# ---- the signing queue ----------------------------------------------------------

def queue_sealed(s, mid, mtype, body):
    """A row of exchange_outbox_pending as a worker would write it (sealed
    with the stack's field key, aad column NUL message id)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    ring = key_ring(s.stack.path("secrets", "enc.key"))
    ver = max(ring)
    hdr = bytes([2]) + ver.to_bytes(4, "big")
    nonce = os.urandom(12)
    ct = hdr + nonce + AESGCM(ring[ver]).encrypt(nonce, body, hdr + b"exchange_outbox_pending.body\0"
                                                 + mid.encode())
    s.sql("INSERT INTO exchange_outbox_pending (message_id, message_type, receiver, body,"
          " created_at) VALUES ('%s', '%s', 'MOE', UNHEX('%s'), UTC_TIMESTAMP(6))"
          % (mid, mtype, ct.hex()))


@test("exchange-sign signs only what a worker may queue: a queued message not from us, or of a type workers do not queue, or not schema-valid, is dropped, logged and audited, never signed")
def _(s):
    t = tid()
    dec = ("<TransferDecision><TransferId>%s</TransferId><Step>sending_school</Step>"
           "<Decision>approved</Decision><Decided>2026-12-06T09:00:00+08:00</Decided>"
           "</TransferDecision>" % t)
    bad = []
    for sender, mtype, payload in (("MOE", "TransferDecision", dec),        # not from us
                                   (ORG, "Receipt", "<Receipt><Status>accepted</Status></Receipt>"),
                                   (ORG, "TransferDecision", dec.replace("approved", "maybe"))):
        data, mid = message(mtype, payload, sender=sender, receiver="MOE")
        queue_sealed(s, mid, mtype, data)
        bad.append(mid)
    data, good = message("TransferDecision", dec, sender=ORG, receiver="MOE")
    queue_sealed(s, good, "TransferDecision", data)
    out = jobs(s, "exchange-sign")
    s.ok("exchange_sign_refused" in out, "logged: %s" % out[-400:])
    ids = ", ".join("'%s'" % m for m in bad + [good])
    s.eq(s.sql("SELECT message_id FROM exchange_outbox WHERE message_id IN (%s)" % ids), [[good]],
         "only the well-formed message of ours is signed")
    s.eq(q1(s, "SELECT COUNT(*) FROM exchange_outbox_pending WHERE message_id IN (%s)" % ids), "0",
         "the queue drains")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'exchange.sign_refused' AND"
               " target_id IN (%s)" % ids), "3", "each refusal audited")


# ---- graduate moves (R-MOV-5) ----------------------------------------------

@test("R-MOV-5: a GraduateMove for a graduate of the named school and year opens graduate_move_out at the graduating county; approved, a TransferDecision graduating_county and the Dossier; the record stays graduated; a wrong year is refused 2001")
def _(s):
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    # stands in for the year-end graduation batch of school year 2025
    s.sql("UPDATE student SET status = 'graduated' WHERE id = %d" % sid)
    s.sql("INSERT INTO student_event (student_id, kind, school_org_id, status, yearend_year,"
          " created_at) SELECT id, 'graduated', school_org_id, 'graduated', 2025,"
          " UTC_TIMESTAMP(6) FROM student WHERE id = %d" % sid)
    bad = tid("M")
    relay(s, "GraduateMove", graduate_xml(bad, no, name, 2024))
    s.eq(case_of(s, bad), (0, "2001"), "another graduation year")
    s.eq([decision(m[1]) for m in outbox(s, bad)], [("graduating_county", "rejected", "2001")])
    t = tid("M")
    relay(s, "GraduateMove", graduate_xml(t, no, name, 2026))
    case, _ = case_of(s, t)
    s.ok(case > 0, "a case")
    st, h, b = decide(signed_in(s, CY1 + ".reviewer"), case, 1)
    s.ok(st in (403, 404), "the school does not decide a graduate move: %s" % st)
    st, h, b = decide(signed_in(s, CHAOYANG + ".reviewer"), case, 1)
    s.eq((st, b.get("state"), b.get("type")), (200, "approved", "graduate_move_out"), "%r" % (b,))
    msgs = outbox(s, t)
    s.eq([(m[0],) + (decision(m[1]) if m[0] == "TransferDecision" else ()) for m in msgs],
         [("TransferDecision", "graduating_county", "approved", None), ("Dossier",)])
    s.eq(msgs[1][1].find(NS + "Student/" + NS + "Status").text, "graduated")
    s.eq(q1(s, "SELECT status FROM student WHERE id = %d" % sid), "graduated", "stays graduated")
    s.eq(q1(s, "SELECT COUNT(*) FROM student_event WHERE student_id = %d AND kind ="
               " 'graduate_moved'" % sid), "1", "a history event that it moved")
    # an in-school record is no graduate
    (other,) = admitted(s, school=CY1)
    no2, name2, _, _ = student(s, other)
    t3 = tid("M")
    relay(s, "GraduateMove", graduate_xml(t3, no2, name2, 2026))
    s.eq(case_of(s, t3), (0, "2001"), "not a graduate")


def seal_idn(s, sid, plain):
    """The record's identity number sealed as the store seals it (aad
    student.id_number NUL row s<id>): a stand-in for a record keyed so."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    ring = key_ring(s.stack.path("secrets", "enc.key"))
    ver = max(ring)
    hdr = bytes([2]) + ver.to_bytes(4, "big")
    nonce = os.urandom(12)
    return hdr + nonce + AESGCM(ring[ver]).encrypt(nonce, plain.encode(), hdr +
                                                   b"student.id_number\0s" + str(sid).encode())


@test("review R6: a record the Dossier cannot carry (a document number with characters outside the XSD's DocNumber, a Hong Kong card's check digit in brackets) is never marked transferred with its Dossier dropped by the signer: the approval that would send it is refused exchange_unsendable, the record stays, nothing is queued")
def _(s):
    s.stack.stop_jobs()
    refused = q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'exchange.sign_refused'")
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    # a number as printed on a Hong Kong identity card, its check digit
    # in brackets: DocNumber ([A-Za-z0-9-]) cannot carry it
    s.sql("UPDATE student SET id_doc_type = '6', id_number_ct = UNHEX('%s') WHERE id = %d"
          % (seal_idn(s, sid, "A123456(7)").hex(), sid))
    t = tid()
    relay(s, "TransferRequest", request_xml(t, no, name))
    case, _ = case_of(s, t)
    st, h, b = decide(signed_in(s, CY1 + ".reviewer"), case, 1)
    s.eq((st, b.get("current_step")), (200, 2), "%r" % (b,))
    st, h, b = decide(signed_in(s, CHAOYANG + ".reviewer"), case, 2)
    s.eq((st, b.get("error", {}).get("code")), (409, "exchange_unsendable"), "%r" % (b,))
    s.eq(q1(s, "SELECT status FROM student WHERE id = %d" % sid), "in_school", "the record stays")
    s.eq(q1(s, "SELECT COUNT(*) FROM exchange_outbox_pending WHERE message_type = 'Dossier'"), "0",
         "nothing queued for the signer to drop")
    s.eq([m[0] for m in outbox(s, t)], ["TransferDecision"], "the school's approval only")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'exchange.sign_refused'"), refused,
         "the signer refused nothing")



@test("R-REC-1 R-COL-7 a child without a document (type Z) moves: its Dossier leaves out IdNumber (the XSD allows it since session 7), is XSD-valid and signed, and the record is transferred")
def _(s):
    (sid,) = admitted(s, school=CY1)
    no, name, _, _ = student(s, sid)
    # stands in for a child admitted without a document (R-COL-7, type Z)
    s.sql("UPDATE student SET id_doc_type = 'Z', id_number_ct = UNHEX('%s') WHERE id = %d"
          % (seal_idn(s, sid, "").hex(), sid))
    t = tid()
    relay(s, "TransferRequest", request_xml(t, no, name))
    case, _ = case_of(s, t)
    st, h, b = decide(signed_in(s, CY1 + ".reviewer"), case, 1)
    s.eq(st, 200, "%r" % (b,))
    st, h, b = decide(signed_in(s, CHAOYANG + ".reviewer"), case, 2)
    s.eq(st, 200, "the county's approval: %r" % (b,))
    s.eq(q1(s, "SELECT status FROM student WHERE id = %d" % sid), "transferred")
    msgs = outbox(s, t)
    s.eq([m[0] for m in msgs], ["TransferDecision", "TransferDecision", "Dossier"],
         "decisions and the Dossier")
    raw = msgs[-1][2]
    s.ok(b"<IdDocType>Z</IdDocType>" in raw and b"IdNumber>" not in raw.split(b"<Guardian")[0],
         "type Z, no IdNumber of the child")


if __name__ == "__main__":
    run(conf=CONF)
