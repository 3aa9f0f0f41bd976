"""Black-box: the national check applied (issue 13 item 6, R-REC-1,
R-DUP-1, R-DUP-3, R-DUP-4, R-KEY-2; docs/architecture.md "Ministry
exchange: the national check") through nginx, the tests acting as the
ministry (tests/api/xchange.py): they pull our StudentBatch messages,
answer with signed CheckResult messages and read what changed.

Records come from the real admission chain where the test needs staff to
see them (a G number is "G" + the child's identity number); records the
chain cannot make -- one without a resident ID, a 补建 record waiting for
the answer (helper supplement's), 5,000 records for the kill test -- are
stood in for with SQL, said where."""
import base64
import datetime
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET

import samplefiles
import xchange
from parent import new_child, population, reg_body, signed_up
from staff import signed_in
from xchange import Key, message, parse_receipt
from xjtest import BUILDDIR, Failure, key_ring, test, run

NS = "{urn:xueji:exchange:1}"
ORG = "110000"
PATH = "/exchange/ministry/v1/messages"
PULL = "/exchange/ministry/v1/outbox"
API = "/api/school/v1"
CASES = API + "/workflow/cases"
GROUPS = API + "/problem-groups"
CHAOYANG, CY1 = "110105", "1110500001"

KEYDIR = tempfile.mkdtemp(prefix="xj-xnat-")


def _keys():
    keys = {k.kid: k for k in (Key(KEYDIR, "MOE-1", "MOE"),)}
    xchange.deployment_keys(BUILDDIR, KEYDIR, keys.values())
    return keys


KEYS = _keys()

CONF = {"exchange": {"org_code": ORG,
                     "signing_key_file": os.path.join(KEYDIR, "own.key"),
                     "signing_key_id": ORG + "-1",
                     "peer_keys_file": os.path.join(KEYDIR, "peers"),
                     "batch_records": 100,
                     "message_limit": 4 << 20,
                     "outbox_page_bytes": 1 << 20},
        "server": {"body_limit": 8 << 20, "arena_size": 12 << 20}}


def q1(s, sql):
    return s.sql(sql)[0][0]


# ---- the ministry's side ----------------------------------------------------

def beijing_now():
    t = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def signed(method, path, query=""):
    date = beijing_now()
    data = ("%s\n%s\n%s\n%s\n" % (method, path, query, date)).encode()
    return {"Xueji-Signature": KEYS["MOE-1"].sign(data), "Xueji-Date": date}


def jobs(s, *names):
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once"]
                       + list(names), capture_output=True, text=True, env=s.stack.worker_env(),
                       timeout=120)
    if r.returncode != 0:
        raise Failure("jobs %s: %d %s" % (names, r.returncode, r.stderr))
    return r.stdout + r.stderr


_cursor = [0]


def batches(s):
    """Every StudentBatch written since the last call, pulled as the
    ministry: [(message id, {ref: action})]; the producer runs until
    nothing is due."""
    s.stack.stop_jobs()
    for _ in range(500):
        if "exchange_batch_written" not in jobs(s, "exchange-batch"):
            break
    out = []
    while True:
        q = "after=%d&limit=100" % _cursor[0]
        st, h, b = s.http("GET", PULL + "?" + q, headers=signed("GET", PULL, q))
        s.eq(st, 200, "pull: %r" % (str(b)[:300],))
        for m in b["messages"]:
            raw = base64.b64decode(m["body"])
            doc = ET.fromstring(raw)
            recs = doc.findall(NS + "Body/" + NS + "StudentBatch/" + NS + "Record")
            out.append((m["message_id"], {r.get("ref"): r.get("action") for r in recs}))
        _cursor[0] = b["next"] or _cursor[0]
        if not b["more"]:
            break
    return out


def sent_in(s, sid):
    """The batch the record went in now and its action there."""
    ref = "s%d" % sid
    for mid, recs in batches(s):
        if ref in recs:
            return mid, recs[ref]
    raise Failure("record %d in no new batch" % sid)


def post(s, data):
    h = {"Content-Type": "application/xml", "Xueji-Signature": KEYS["MOE-1"].sign(data)}
    st, hdrs, text = s.http("POST", PATH, raw=data, headers=h, timeout=120)
    s.ok("xml" in hdrs.get("content-type", ""), "a receipt: %r" % (str(text)[:300],))
    return st, parse_receipt(text.encode()), text


def check_result(s, batch, records):
    """A CheckResult answering batch: records [(ref, outcome xml)]."""
    payload = "<CheckResult>%s</CheckResult>" % "".join(
        '<Record ref="%s">%s</Record>' % r for r in records)
    return post(s, message("CheckResult", payload, receiver=ORG, corr=batch)[0])


def issued(no, replaces):
    return "<Issued><StudentNo>%s</StudentNo><Replaces>%s</Replaces></Issued>" % (no, replaces)


def j_number(area, y, m, d, seq):
    """A ministry self-code: the ID number's scheme behind a J."""
    return "J" + population.make_id(area, y, m, d, seq)


# ---- records ------------------------------------------------------------------

def admit(s, child, school=CY1, county=CHAOYANG):
    """child through the real chain (registration, tick, list, county
    approval; the PSB answer stood in for as in problems.py): its id."""
    p = signed_up(s)
    st, h, b = p.register(reg_body(child, district=county, hukou=county + "000000",
                                   school_code=school))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND local_family = 1" % no)
    st, h, b = signed_in(s, school + ".clerk").call("POST", "%s/applicants/%s/tick" % (API, no))
    s.ok(st in (200, 201), "tick: %s %r" % (st, b))
    st, h, lst = signed_in(s, school + ".reviewer").call("POST", API + "/admission-lists")
    s.ok(st in (200, 201), "list: %s %r" % (st, lst))
    st, h, b = signed_in(s, county + ".reviewer").call(
        "POST", "%s/admission-lists/%s/decision" % (API, lst["id"]), {"decision": "approve"})
    s.eq(st, 200, "county approval: %r" % (b,))
    return int(q1(s, "SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                     " WHERE r.prereg_no = '%s'" % no))


_reg = [800000000 + os.getpid() % 1000 * 100000]


def sql_records(s, n, doc="2", status="in_school", action="new", sealed=True):
    """n records made with SQL in school CY1 with an L number and an
    identity document of type doc (not a resident ID: no G number fits;
    ciphertext a placeholder nobody decrypts). A stand-in for records the
    chain does not make: their ids, in order."""
    school = q1(s, "SELECT id FROM org WHERE code = '%s'" % CY1)
    first = _reg[0] + 1
    _reg[0] += n
    s.sql("INSERT INTO student (registration_id, school_org_id, county_code, student_no,"
          " student_no_kind, name, sex, birth_date, id_doc_type, id_number_ct, child_bidx,"
          " ethnicity, nationality, hukou_nature, hukou_code, birthplace, native_place,"
          " current_address, home_address, contact_address, local_family, left_behind,"
          " migrant_worker_child, entry_year, level, status, origin, national_action, created_at,"
          " updated_at) SELECT %d + seq, %s, '110105', CONCAT('L1101059999', LPAD(%d + seq, 8, '0')),"
          " 'L', CONCAT('学生', seq), 'F', '2019-03-15', '%s', x'00',"
          " UNHEX(SHA2(CONCAT('nc', %d + seq), 256)), '01', '中国', '非农业', '110105000000',"
          " '北京', '北京', '北京', '北京', '北京', 1, 0, 0, 2026, 1, '%s', 'admission', '%s',"
          " UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_0_to_%d"
          % (first, school, (first) % 100000000, doc, first, status, action, n - 1))
    ids = [int(r[0]) for r in s.sql(
        "SELECT id FROM student WHERE registration_id BETWEEN %d AND %d ORDER BY id"
        % (first, first + n - 1))]
    if sealed:
        # the producer decrypts the document number: a real ciphertext
        # (crypto/field.h format 0x02, bound to the row), as exchange_outbox.py
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        ring = key_ring(s.stack.path("secrets", "enc.key"))
        ver = max(ring)
        for sid in ids:
            hdr = bytes([2]) + ver.to_bytes(4, "big")
            nonce = os.urandom(12)
            ct = hdr + nonce + AESGCM(ring[ver]).encrypt(
                nonce, ("E%08d" % sid).encode(), hdr + b"student.id_number\0s" + str(sid).encode())
            s.sql("UPDATE student SET id_number_ct = UNHEX('%s') WHERE id = %d" % (ct.hex(), sid))
    return ids


def fake_batch(s, ids, tag):
    """A StudentBatch of ours holding records ids (sent), written with
    SQL: the producer's batches hold at most 100 records. Its body is
    never pulled (the pull cursor moves past it). Its message id."""
    mid = ORG + "-" + tag + "-" + uuid.uuid4().hex[:12]
    s.sql("UPDATE student SET national_check = 'sent' WHERE id BETWEEN %d AND %d" % (ids[0], ids[-1]))
    s.sql("INSERT INTO exchange_outbox (message_id, message_type, receiver, body, signature,"
          " created_at, acked_at) VALUES ('%s', 'StudentBatch', 'MOE', '', '', UTC_TIMESTAMP(6),"
          " UTC_TIMESTAMP(6))" % mid)
    s.sql("INSERT INTO exchange_outbox_record (outbox_id, ref, student_id) SELECT o.id,"
          " CONCAT('s', s.id), s.id FROM exchange_outbox o JOIN student s ON s.id BETWEEN %d AND %d"
          " WHERE o.message_id = '%s'" % (ids[0], ids[-1], mid))
    _cursor[0] = int(q1(s, "SELECT id FROM exchange_outbox WHERE message_id = '%s'" % mid))
    return mid


def record(s, sid, who=CY1 + ".reviewer"):
    st, h, b = signed_in(s, who).call("GET", "%s/students/%d" % (API, sid))
    s.eq(st, 200, "record: %r" % (b,))
    return b


def history(s, sid, who=CY1 + ".reviewer"):
    st, h, b = signed_in(s, who).call("GET", "%s/students/%d/history" % (API, sid))
    s.eq(st, 200, "history: %r" % (b,))
    return b["items"]


def col(s, sid, c):
    return q1(s, "SELECT %s FROM student WHERE id = %d" % (c, sid))


def filed(s, who, sid):
    st, h, b = signed_in(s, who).call("POST", "%s/students/%d/evidence-files" % (API, sid),
                                      raw=samplefiles.jpeg(),
                                      headers={"Content-Type": "image/jpeg"})
    s.eq(st, 201, "evidence upload: %r" % (b,))
    return b["file"]["id"]


# ---- the tests ------------------------------------------------------------------

@test("R-REC-1 Issued: an L record sent as new gets its G number (G + its identity number); the L number is retired, never reused (both in student_no_issued), the history shows both, the record shows the G number masked; no identity number in a log or the audit")
def _(s):
    batches(s)      # earlier records out of the way
    a = new_child()
    sid = admit(s, a)
    lno = col(s, sid, "student_no")
    s.eq((lno[0], col(s, sid, "national_check"), col(s, sid, "national_action")),
         ("L", "due", "new"), "admitted: L, due as new")
    batch, action = sent_in(s, sid)
    s.eq((action, col(s, sid, "national_check")), ("new", "sent"), "sent as new, marked sent")
    g = "G" + a.id_number
    st, rc, text = check_result(s, batch, [("s%d" % sid, issued(g, lno))])
    s.eq((st, rc["status"], rc["records"]), (200, "accepted", {"s%d" % sid: ("accepted", None)}),
         "accepted: %s" % text[:400])
    s.eq((col(s, sid, "student_no"), col(s, sid, "student_no_kind"), col(s, sid, "national_check")),
         (g, "G", "issued"), "the record has the G number")
    s.eq(sorted(r[0] for r in s.sql("SELECT student_no FROM student_no_issued WHERE student_id = %d"
                                     % sid)), sorted([lno, g]), "L retired (kept), G issued")
    ev = [e for e in history(s, sid) if e["kind"] == "number_issued"]
    s.eq(len(ev), 1, "one number_issued event: %r" % ev)
    s.eq((ev[0]["student_no_old"], ev[0]["student_no_new"]), (lno, "G" + a.id_number[:6] + "*" * 12),
         "both numbers in the history, the G one masked")
    b = record(s, sid)
    s.eq(b["student_no"], "G" + a.id_number[:6] + "*" * 12, "the record shows the G number masked")
    s.eq(q1(s, "SELECT answered_message_id IS NOT NULL FROM exchange_outbox_record WHERE"
               " outbox_id = (SELECT id FROM exchange_outbox WHERE message_id = '%s') AND ref = 's%d'"
               % (batch, sid)), "1", "the batch's record is answered")
    n = q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'exchange.check_result'")
    s.ok(int(n) >= 1, "one audit entry per message")
    dump = "\n".join("\t".join(r) for r in s.sql(
        "SELECT action, target_type, target_id, request_id FROM audit_log"))
    s.ok(a.id_number not in dump, "no identity number in the audit trail")
    logs = ""
    for name in os.listdir(s.stack.path("log")):
        with open(s.stack.path("log", name), errors="replace") as f:
            logs += f.read()
    s.ok(a.id_number not in logs, "no identity number in the logs")
    # the L number is never drawn again: it stays in student_no_issued
    s.eq(q1(s, "SELECT student_id FROM student_no_issued WHERE student_no = '%s'" % lno), str(sid))


@test("SHARED: Issued again with the same number is accepted and changes nothing; with another number refused number_mismatch; a G number that is not G + the record's identity number refused number_invalid; a record never sent record_not_sent")
def _(s):
    batches(s)
    a, b_ = new_child(), new_child()
    sid, other = admit(s, a), admit(s, b_)
    lno, lother = col(s, sid, "student_no"), col(s, other, "student_no")
    batch, _ = sent_in(s, sid)
    g = "G" + a.id_number
    st, rc, _ = check_result(s, batch, [("s%d" % sid, issued(g, lno))])
    s.eq(rc["status"], "accepted")
    events = q1(s, "SELECT COUNT(*) FROM student_event WHERE student_id = %d" % sid)
    version = col(s, sid, "version")
    # the same answer again in a new message (the ministry found more later)
    st, rc, _ = check_result(s, batch, [("s%d" % sid, issued(g, lno))])
    s.eq((st, rc["records"]["s%d" % sid]), (200, ("accepted", None)), "same number: accepted")
    s.eq((q1(s, "SELECT COUNT(*) FROM student_event WHERE student_id = %d" % sid),
          col(s, sid, "version"), col(s, sid, "student_no")), (events, version, g), "nothing changed")
    # another number for it: refused
    g2 = "G" + b_.id_number
    st, rc, _ = check_result(s, batch, [("s%d" % sid, issued(g2, lno))])
    s.eq((st, rc["status"], rc["records"]["s%d" % sid]), (422, "refused", ("refused", "number_mismatch")))
    s.eq(col(s, sid, "student_no"), g, "unchanged")
    # the other record (same batch or another): a G number of another child
    ref = "s%d" % other
    in_batch = q1(s, "SELECT COUNT(*) FROM exchange_outbox_record r JOIN exchange_outbox o ON"
                     " o.id = r.outbox_id WHERE o.message_id = '%s' AND r.ref = '%s'" % (batch, ref))
    if in_batch == "0":
        batch2 = q1(s, "SELECT o.message_id FROM exchange_outbox_record r JOIN exchange_outbox o ON"
                       " o.id = r.outbox_id WHERE r.ref = '%s' ORDER BY o.id DESC LIMIT 1" % ref)
    else:
        batch2 = batch
    st, rc, _ = check_result(s, batch2, [(ref, issued("G" + a.id_number, lother))])
    s.eq(rc["records"][ref], ("refused", "number_invalid"), "G + another child's number")
    st, rc, _ = check_result(s, batch2, [(ref, issued("L110105201900000001", lother))])
    s.eq(rc["records"][ref], ("refused", "number_invalid"), "an L number is not issued")
    st, rc, _ = check_result(s, batch2, [(ref, issued("G" + b_.id_number, "L110105201900000001"))])
    s.eq(rc["records"][ref], ("refused", "number_mismatch"), "Replaces is not its L number")
    s.eq((col(s, other, "student_no"), col(s, other, "national_check")), (lother, "sent"),
         "refused: nothing applied")
    # never sent: a ref of no record of the batch
    st, rc, _ = check_result(s, batch, [("s999999999", "<Passed/>")])
    s.eq((st, rc["records"]["s999999999"]), (422, ("refused", "record_not_sent")))


@test("R-REC-1 J issued for a record without a resident ID (a G number refused number_invalid); a number already issued to another record refused number_taken; Passed marks the record passed")
def _(s):
    batches(s)
    one, two, three = sql_records(s, 3)
    batch, action = sent_in(s, one)
    s.eq(action, "new")
    l1, l2 = col(s, one, "student_no"), col(s, two, "student_no")
    j = j_number("110105", 2019, 3, 15, 101)
    st, rc, _ = check_result(s, batch, [
        ("s%d" % one, issued("G" + population.make_id("110105", 2019, 3, 15, 2), l1)),
    ])
    s.eq(rc["records"]["s%d" % one], ("refused", "number_invalid"), "no resident ID: no G number")
    st, rc, t = check_result(s, batch, [("s%d" % one, issued(j, l1)),
                                        ("s%d" % two, issued(j, l2)),
                                        ("s%d" % three, "<Passed/>")])
    s.eq((st, rc["status"]), (200, "partial"), t[:500])
    s.eq(rc["records"], {"s%d" % one: ("accepted", None), "s%d" % two: ("refused", "number_taken"),
                         "s%d" % three: ("accepted", None)})
    s.eq((col(s, one, "student_no"), col(s, one, "student_no_kind"), col(s, one, "national_check")),
         (j, "J", "issued"))
    s.eq((col(s, two, "student_no"), col(s, two, "national_check")), (l2, "sent"), "taken: unchanged")
    s.eq((col(s, three, "student_no"), col(s, three, "national_check")),
         (col(s, three, "student_no"), "passed"), "passed")


@test("R-DUP-4 a 补建 record waiting for the answer (status pending_check, sent as supplement) enters the school on Issued, with a history event; on Problem it enters flagged")
def _(s):
    batches(s)
    # helper supplement's records, stood in for with SQL
    sid, = sql_records(s, 1, status="pending_check", action="supplement")
    batch, action = sent_in(s, sid)
    s.eq(action, "supplement", "sent as a supplement")
    j = j_number("110105", 2018, 6, 1, 7)
    st, rc, _ = check_result(s, batch, [("s%d" % sid, issued(j, col(s, sid, "student_no")))])
    s.eq(rc["status"], "accepted")
    s.eq((col(s, sid, "status"), col(s, sid, "national_check"), col(s, sid, "student_no")),
         ("in_school", "issued", j), "in school with its J number")
    s.eq([e["kind"] for e in history(s, sid) if e["kind"] in ("number_issued", "check_answered")],
         ["number_issued", "check_answered"])
    # answered with a Problem: in school, flagged; the problem workflow takes over
    sid2, = sql_records(s, 1, status="pending_check", action="supplement")
    batch, action = sent_in(s, sid2)
    prob = ('<Problem id="MOE-S-%s" kind="same_id_number"><Other><StudentNo>J320102201903150021'
            '</StudentNo><Name>李*</Name><Sex>F</Sex><BirthDate>2019-03-15</BirthDate>'
            '<Province>320000</Province><SchoolName>某小学</SchoolName></Other></Problem>'
            % uuid.uuid4().hex[:10])
    st, rc, t = check_result(s, batch, [("s%d" % sid2, prob)])
    s.eq(rc["status"], "accepted", t[:300])
    s.eq((col(s, sid2, "status"), col(s, sid2, "national_check"), col(s, sid2, "problem_open")),
         ("in_school", "problem", "1"), "in school with its problem flagged")
    s.eq(q1(s, "SELECT g.kind FROM problem_group g JOIN problem_member m ON m.group_id = g.id"
               " WHERE m.student_id = %d" % sid2), "same_id")


@test("R-DUP-1 Problem: a national group the school sees with the other province's masked record; resolved by corroboration with county approval, the record is due again and goes to the ministry as changed in the next StudentBatch")
def _(s):
    batches(s)
    a = new_child()
    sid = admit(s, a)
    batch, _ = sent_in(s, sid)
    gid = "MOE-G-" + uuid.uuid4().hex[:12]
    other = ("<Other><StudentNo>G320102201903150021</StudentNo><Name>张*明</Name><Sex>%s</Sex>"
             "<BirthDate>%s</BirthDate><IdNumber>320102************</IdNumber>"
             "<Province>320000</Province><SchoolName>南京市某小学</SchoolName></Other>"
             % (a.sex, a.birth_date))
    prob = '<Problem id="%s" kind="same_name_sex_birth">%s</Problem>' % (gid, other)
    st, rc, t = check_result(s, batch, [("s%d" % sid, prob)])
    s.eq((st, rc["status"]), (200, "accepted"), t[:400])
    s.eq((col(s, sid, "national_check"), col(s, sid, "problem_open")), ("problem", "1"))
    # the same Problem again (resent by the ministry in a new message): one group, one member
    st, rc, t = check_result(s, batch, [("s%d" % sid, prob)])
    s.eq(rc["status"], "accepted")
    rows = s.sql("SELECT g.id, g.kind, m.reason, m.origin FROM problem_group g JOIN problem_member m"
                 " ON m.group_id = g.id WHERE g.national_id = '%s'" % gid)
    s.eq(len(rows), 1, "one group, one member: %r" % rows)
    g_id, kind, reason, origin = rows[0]
    s.eq((kind, reason, origin), ("same_person", "same_name_sex_birth", "exchange"))
    reviewer = signed_in(s, CY1 + ".reviewer")
    st, h, b = reviewer.call("GET", GROUPS)
    s.eq(st, 200)
    s.eq([x["national"] for x in b["items"] if x["id"] == int(g_id)], [True],
         "the school lists the group, national")
    st, h, b = reviewer.call("GET", "%s/%s" % (GROUPS, g_id))
    s.eq(st, 200, "group: %r" % (b,))
    s.eq((b["national"]["group_id"], b["national"]["kind"]), (gid, "same_name_sex_birth"))
    s.eq(b["national"]["others"], [{"student_no": "G320102************", "name": "张*明",
                                    "sex": a.sex, "birth_date": a.birth_date,
                                    "id_number_masked": "320102************",
                                    "province": "320000", "school_name": "南京市某小学"}],
         "the other province's record, masked")
    s.eq([(m["student_id"], m["in_scope"], m["origin"]) for m in b["members"]],
         [(sid, True, "exchange")], "our member")
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", "%s/%s" % (GROUPS, g_id))
    s.eq(st, 200, "the county sees it too")
    # the school corroborates with evidence, the county approves
    body = {"student_id": sid, "action": "corroborate", "evidence": "另一省份的学生不是本人",
            "evidence_files": [filed(s, CY1 + ".reviewer", sid)]}
    st, h, case = reviewer.call("POST", "%s/%s/resolutions" % (GROUPS, g_id), body)
    s.eq(st, 201, "corroborate: %r" % (case,))
    s.eq(col(s, sid, "national_check"), "problem", "not due before the county approves")
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call(
        "POST", "%s/%d/decision" % (CASES, case["id"]), {"step": 2, "decision": "approve"})
    s.eq((st, b.get("state")), (200, "approved"), "approved: %r" % (b,))
    s.eq(q1(s, "SELECT state FROM problem_group WHERE id = %s" % g_id), "resolved",
         "our only member resolved: the group resolves here (R-DUP-3 counts ours)")
    s.eq((col(s, sid, "national_check"), col(s, sid, "national_action"), col(s, sid, "problem_open")),
         ("due", "changed", "0"), "due again as changed")
    batch2, action = sent_in(s, sid)
    s.eq(action, "changed", "the next StudentBatch tells the ministry")
    s.ok(batch2 != batch, "a new batch")
    # a Problem after Issued keeps the number (SHARED)
    g = "G" + a.id_number
    lno = col(s, sid, "student_no")
    check_result(s, batch2, [("s%d" % sid, issued(g, lno))])
    s.eq(col(s, sid, "student_no"), g)
    gid2 = "MOE-G-" + uuid.uuid4().hex[:12]
    st, rc, _ = check_result(s, batch2, [("s%d" % sid, prob.replace(gid, gid2))])
    s.eq(rc["status"], "accepted")
    s.eq((col(s, sid, "student_no"), col(s, sid, "national_check"), col(s, sid, "problem_open")),
         (g, "problem", "1"), "the G number stays; the record is in the new group")


def national_group(s, sid, kind, other_idm):
    """The ministry answers record sid's batch with a Problem of kind
    (one Other record of Jiangsu; none when other_idm is None: an
    invalid number's group may hold our record alone): the group's (id,
    our kind, reason, origin) rows for the record."""
    batch, _ = sent_in(s, sid)
    gid = "MOE-G-" + uuid.uuid4().hex[:12]
    other = "" if other_idm is None else (
        "<Other><StudentNo>G320102201903150021</StudentNo><Name>张*明</Name><Sex>F</Sex>"
        "<BirthDate>2019-03-15</BirthDate><IdNumber>%s</IdNumber>"
        "<Province>320000</Province><SchoolName>南京市某小学</SchoolName></Other>" % other_idm)
    st, rc, t = check_result(s, batch, [("s%d" % sid, '<Problem id="%s" kind="%s">%s</Problem>'
                                         % (gid, kind, other))])
    s.eq((st, rc["status"]), (200, "accepted"), t[:400])
    return gid, s.sql("SELECT g.kind, g.national_kind, m.reason, m.origin FROM problem_group g"
                      " JOIN problem_member m ON m.group_id = g.id WHERE g.national_id = '%s'" % gid)


@test("R-DUP-1 same_id through the ministry exchange: a Problem same_id_number (the same identity number in another province) puts our record in a same_id group (origin exchange), flagged, the number masked for the school")
def _(s):
    batches(s)
    a = new_child()
    sid = admit(s, a)
    gid, rows = national_group(s, sid, "same_id_number", a.id_number[:6] + "*" * 12)
    s.eq(rows, [["same_id", "same_id_number", "same_id_number", "exchange"]], "the group: %r" % rows)
    s.eq((col(s, sid, "national_check"), col(s, sid, "problem_open")), ("problem", "1"))
    st, h, b = signed_in(s, CY1 + ".reviewer").call(
        "GET", "%s/%s" % (GROUPS, q1(s, "SELECT id FROM problem_group WHERE national_id = '%s'"
                                         % gid)))
    s.eq((st, b["kind"], b["national"]["kind"]), (200, "same_id", "same_id_number"), "%r" % (b,))
    s.ok(a.id_number not in str(b), "no identity number in clear")


@test("R-DUP-1 R-COL-7 invalid_id through the ministry exchange: a Problem invalid_id_number (what the ministry knows and we cannot, e.g. a number the PSB has cancelled) puts our record, valid here, in an invalid_id group (origin exchange) of its own -- no Other record --, flagged")
def _(s):
    batches(s)
    sid = admit(s, new_child())
    s.eq(col(s, sid, "problem_open"), "0", "valid at our door")
    # no Other record: the ministry's invalid-number group of our record alone
    gid, rows = national_group(s, sid, "invalid_id_number", None)
    s.eq(rows, [["invalid_id", "invalid_id_number", "invalid_id_number", "exchange"]],
         "the group: %r" % rows)
    s.eq((col(s, sid, "national_check"), col(s, sid, "problem_open")), ("problem", "1"))


@test("R-KEY-2 an approved key-data change of a national-check field puts the record in the next StudentBatch as changed; a record answered for an older batch keeps waiting for the newer one")
def _(s):
    batches(s)
    a = new_child()
    sid = admit(s, a)
    batch, _ = sent_in(s, sid)
    lno = col(s, sid, "student_no")
    check_result(s, batch, [("s%d" % sid, issued("G" + a.id_number, lno))])
    s.eq(col(s, sid, "national_check"), "issued")
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("POST", "%s/students/%d/evidence-files" % (API, sid),
                          raw=samplefiles.jpeg(), headers={"Content-Type": "image/jpeg"})
    s.eq(st, 201)
    st, h, case = clerk.call("POST", "%s/students/%d/key-data-changes" % (API, sid),
                             {"changes": {"name": a.name + "然"}, "reason": "户口簿与学籍不一致",
                              "evidence": "户口簿", "evidence_files": [b["file"]["id"]]})
    s.eq(st, 201, "apply: %r" % (case,))
    s.eq(col(s, sid, "national_check"), "issued", "nothing before the approval")
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call(
        "POST", "%s/%d/decision" % (CASES, case["id"]), {"step": 2, "decision": "approve"})
    s.eq((st, b.get("state")), (200, "approved"), "approved: %r" % (b,))
    s.eq((col(s, sid, "national_check"), col(s, sid, "national_action")), ("due", "changed"))
    batch2, action = sent_in(s, sid)
    s.eq(action, "changed", "sent as changed")
    # a late answer to the first batch does not mark it answered: the newer waits
    st, rc, _ = check_result(s, batch, [("s%d" % sid, "<Passed/>")])
    s.eq(rc["status"], "accepted")
    s.eq(col(s, sid, "national_check"), "sent", "still waiting for the answer to the newer batch")
    check_result(s, batch2, [("s%d" % sid, "<Passed/>")])
    s.eq(col(s, sid, "national_check"), "passed")
    # a deleted record is never sent
    s.sql("UPDATE student SET status = 'deleted', national_check = 'due' WHERE id = %d" % sid)
    s.ok(all("s%d" % sid not in recs for _, recs in batches(s)), "deleted: not sent")
    s.sql("UPDATE student SET national_check = 'passed' WHERE id = %d" % sid)


@test("a receipt longer than its message (2,000 refused records) is stored and sent again byte for byte on a resend (the stored receipt is read by its own length)")
def _(s):
    batches(s)
    sid, = sql_records(s, 1)
    batch, _ = sent_in(s, sid)
    payload = "<CheckResult>%s</CheckResult>" % "".join(
        '<Record ref="x%d"><Passed/></Record>' % i for i in range(2000))
    data, rid = message("CheckResult", payload, receiver=ORG, corr=batch)
    st, rc, t1 = post(s, data)
    s.eq((st, rc["status"], len(rc["records"])), (422, "refused", 2000), "all record_not_sent")
    s.ok(len(t1) > 4 * len(data), "the receipt (%d bytes) is longer than the message (%d)"
         % (len(t1), len(data)))
    st, rc, t2 = post(s, data)
    s.eq((st, t2), (422, t1), "the stored receipt again, byte for byte")


@test("a record whose identity number does not open is logged (exchange_batch_decrypt_failed, its id only) and left due; the records behind it are sent (it crashed the runner before)")
def _(s):
    batches(s)
    bad, = sql_records(s, 1, sealed=False)
    good, = sql_records(s, 1)
    out = []
    s.stack.stop_jobs()
    out.append(jobs(s, "exchange-batch"))
    s.ok("exchange_batch_decrypt_failed" in out[0] and '"student":%d' % bad in out[0],
         "logged: %s" % out[0][-300:])
    s.eq((col(s, bad, "national_check"), col(s, good, "national_check")), ("due", "sent"),
         "the bad one waits, the good one went")
    s.ok(any("s%d" % good in recs and "s%d" % bad not in recs for _, recs in batches(s)),
         "the batch holds the good record only")
    s.sql("UPDATE student SET status = 'deleted' WHERE id = %d" % bad)


@test("review R10: a Problem's other record with a schema-valid xs:date BirthDate -- a zone after it, a five-digit year -- is applied (the zone dropped) or refused per record (invalid_date); before, either failed the whole CheckResult with an internal error the ministry resends forever")
def _(s):
    batches(s)
    a, b = sql_records(s, 2)
    sent = {}
    for mid, recs in batches(s):
        for ref in recs:
            sent[ref] = mid
    s.eq(sent.get("s%d" % a) is not None and sent.get("s%d" % a) == sent.get("s%d" % b), True,
         "both in one batch: %r" % sent)

    def prob(birth):
        return ('<Problem id="MOE-G-%s" kind="same_name_sex_birth"><Other><StudentNo>'
                'G320102201903150021</StudentNo><Name>张*明</Name><Sex>F</Sex><BirthDate>%s'
                '</BirthDate><Province>320000</Province><SchoolName>南京市某小学</SchoolName>'
                '</Other></Problem>' % (uuid.uuid4().hex[:12], birth))
    st, rc, t = check_result(s, sent["s%d" % a], [("s%d" % a, prob("2019-03-15+08:00")),
                                                  ("s%d" % b, prob("12019-03-15"))])
    s.eq((st, rc["status"]), (200, "partial"), t[:400])
    s.eq((rc["records"].get("s%d" % a), rc["records"].get("s%d" % b)),
         (("accepted", None), ("refused", "invalid_date")), "per record: %r" % (rc,))
    s.eq((col(s, a, "national_check"), col(s, b, "national_check")), ("problem", "sent"))
    s.eq(q1(s, "SELECT DATE_FORMAT(o.birth_date, '%%Y-%%m-%%d') FROM problem_national_other o JOIN"
               " problem_member m ON m.group_id = o.group_id WHERE m.student_id = %d" % a),
         "2019-03-15", "the zone dropped")
    s.sql("UPDATE student SET status = 'deleted' WHERE id IN (%d, %d)" % (a, b))


N_BIG = 20000


@test("20,000 records in one CheckResult apply in one transaction within the arena ([server] arena_size 12 MiB) and in time; the receipt accepts each")
def _(s):
    batches(s)
    ids = sql_records(s, N_BIG, sealed=False)
    mid = fake_batch(s, ids, "big")
    lnos = dict((int(a), b) for a, b in s.sql(
        "SELECT id, student_no FROM student WHERE id BETWEEN %d AND %d" % (ids[0], ids[-1])))
    recs = []
    for i, sid in enumerate(ids):
        d = datetime.date(2017, 1, 1) + datetime.timedelta(days=i // 900)
        recs.append(("s%d" % sid, issued(j_number("110106", d.year, d.month, d.day, 100 + i % 900),
                                          lnos[sid])))
    t0 = time.monotonic()
    st, rc, _ = check_result(s, mid, recs)
    dt = time.monotonic() - t0
    s.eq((st, rc["status"], len(rc["records"])), (200, "accepted", N_BIG), "all accepted")
    s.eq(q1(s, "SELECT COUNT(*) FROM student WHERE id BETWEEN %d AND %d AND student_no_kind = 'J'"
               % (ids[0], ids[-1])), str(N_BIG))
    s.ok(dt < 120, "in %.1f s" % dt)
    print("# %d records applied in one message in %.1f s" % (N_BIG, dt))


N_KILL = 5000


@test("a worker SIGKILLed while applying a CheckResult of 5,000 records: the resend applies every record exactly once (numbers, events, audit not doubled)")
def _(s):
    from stack import which
    batches(s)
    ids = sql_records(s, N_KILL, sealed=False)
    _remember(s, ids)
    mid = fake_batch(s, ids, "kill")
    recs, nums = [], []
    for i, sid in enumerate(ids):
        d = datetime.date(2019, 1, 1) + datetime.timedelta(days=i // 900)
        j = j_number("110105", d.year, d.month, d.day, 100 + i % 900)
        nums.append(j)
        recs.append(("s%d" % sid, issued(j, col_l(sid, ids))))
    payload = "<CheckResult>%s</CheckResult>" % "".join(
        '<Record ref="%s">%s</Record>' % r for r in recs)
    data, rid = message("CheckResult", payload, receiver=ORG, corr=mid)

    def counts():
        return tuple(int(x) for x in s.sql(
            "SELECT (SELECT COUNT(*) FROM student_no_issued WHERE student_id BETWEEN %d AND %d),"
            " (SELECT COUNT(*) FROM student_event WHERE student_id BETWEEN %d AND %d),"
            " (SELECT COUNT(*) FROM student WHERE id BETWEEN %d AND %d AND student_no_kind = 'J'),"
            " (SELECT COUNT(*) FROM audit_log WHERE action = 'exchange.check_result' AND"
            " target_id = '%s'), (SELECT COUNT(*) FROM exchange_inbox WHERE message_id = '%s')"
            % (ids[0], ids[-1], ids[0], ids[-1], ids[0], ids[-1], rid, rid))[0])
    before = counts()
    s.eq(before, (0, 0, 0, 0, 0), "nothing yet")
    # a row lock on the last record stops the message's transaction after
    # it applied the 4,999 before it
    blocker = subprocess.Popen(
        [which("mariadb"), "--no-defaults", "-S", s.stack.db_socket, "-uroot", "-N", "-B",
         "--unbuffered", "xueji"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    answers = []
    h = {"Content-Type": "application/xml", "Xueji-Signature": KEYS["MOE-1"].sign(data)}
    sender = threading.Thread(target=lambda: answers.append(
        s.http("POST", PATH, raw=data, headers=h, timeout=300)[0]))
    try:
        blocker.stdin.write("BEGIN; SELECT id FROM student WHERE id = %d FOR UPDATE;\n" % ids[-1])
        blocker.stdin.flush()
        blocker.stdout.readline()
        sender.start()
        s.wait_until(lambda: s.sql("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                                   " WHERE trx_state = 'LOCK WAIT'") == [["1"]], timeout=120,
                     what="the message's transaction waits on the last record")
        s.ok(int(q1(s, "SELECT MAX(trx_rows_modified) FROM information_schema.INNODB_TRX")) > N_KILL,
             "thousands of records applied, uncommitted")
        for p in s.stack.worker_procs:
            p.send_signal(signal.SIGKILL)
        for p in s.stack.worker_procs:
            p.wait(10)
    finally:
        blocker.stdin.write("ROLLBACK;\n")
        blocker.stdin.close()
        blocker.wait(10)
        sender.join(300)
        s.stack.start_workers()
    s.ok(answers and answers[0] >= 500, "the sender saw no answer of ours: %r" % answers)
    s.wait_until(lambda: s.sql("SELECT COUNT(*) FROM information_schema.INNODB_TRX") == [["0"]],
                 timeout=120, what="the killed session rolled back")
    s.eq(counts(), before, "nothing of the killed delivery committed")
    t0 = time.monotonic()
    st, rc, _ = post(s, data)
    dt = time.monotonic() - t0
    s.eq((st, rc["status"], len(rc["records"])), (200, "accepted", N_KILL), "the resend applies")
    s.eq(counts(), (N_KILL, N_KILL, N_KILL, 1, 1), "each record once: a number, an event; one audit entry")
    st, rc2, _ = post(s, data)
    s.eq((st, rc2["status"]), (200, "accepted"), "a second resend replays the receipt")
    s.eq(counts(), (N_KILL, N_KILL, N_KILL, 1, 1), "exactly once")
    s.eq(q1(s, "SELECT COUNT(DISTINCT student_no) FROM student WHERE id BETWEEN %d AND %d"
               % (ids[0], ids[-1])), str(N_KILL))
    print("# %d records applied in one message in %.1f s" % (N_KILL, dt))


N_CHUNKS = 1201     # three chunks of src/store/natcheck.h XJ_NC_CHUNK (500)


def receipt_list(text):
    """The receipt's records in order [(ref, status, code)] (a ref may
    come twice: parse_receipt's dict keeps one)."""
    root = ET.fromstring(text.encode())
    out = []
    for rec in root.iter(NS + "Record"):
        code = rec.find(NS + "Refusal/" + NS + "Code")
        out.append((rec.get("ref"), rec.get("status"), code.text if code is not None else None))
    return out


@test("ncspeed: a CheckResult applied 500 records at a time gives each record what it got one at a time: a number taken before refuses only its record among 500 accepted, a number given twice (across chunks) only the second, a ref answered twice in one chunk sees its first answer (the same number: accepted, unchanged) and later with another number number_mismatch; one number, one event each")
def _(s):
    batches(s)
    ids = sql_records(s, N_CHUNKS, sealed=False)
    _remember(s, ids)
    mid = fake_batch(s, ids, "chunks")
    nums = []
    for i, sid in enumerate(ids):
        d = datetime.date(2018, 1, 1) + datetime.timedelta(days=i // 900)
        nums.append(j_number("110108", d.year, d.month, d.day, 100 + i % 900))
    # a number issued before to a record outside the batch
    s.sql("INSERT INTO student_no_issued (student_no, student_id, issued_at) VALUES"
          " ('%s', %d, UTC_TIMESTAMP(6))" % (nums[20], ids[0] - 1))
    recs = [("s%d" % sid, issued(nums[i], col_l(sid, ids))) for i, sid in enumerate(ids)]
    recs[10] = ("s%d" % ids[10], issued(nums[700], col_l(ids[10], ids)))  # 700's, first
    recs.insert(41, ("s%d" % ids[30], issued(nums[30], col_l(ids[30], ids))))  # 30 again
    recs.append(("s%d" % ids[30], issued(nums[31], col_l(ids[30], ids))))  # another
    payload = "<CheckResult>%s</CheckResult>" % "".join(
        '<Record ref="%s">%s</Record>' % r for r in recs)
    st, _, text = post(s, message("CheckResult", payload, receiver=ORG, corr=mid)[0])
    s.eq(st, 200, text[:300])
    want = [("s%d" % sid, "accepted", None) for sid in ids]
    want[20] = ("s%d" % ids[20], "refused", "number_taken")
    want[700] = ("s%d" % ids[700], "refused", "number_taken")
    want.insert(41, ("s%d" % ids[30], "accepted", None))
    want.append(("s%d" % ids[30], "refused", "number_mismatch"))
    got = receipt_list(text)
    s.eq(len(got), len(want), "a receipt record per Record")
    s.eq([g for g, w in zip(got, want) if g != w], [], "each record as one at a time")
    rng = "BETWEEN %d AND %d" % (ids[0], ids[-1])
    s.eq(s.sql("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM student_no_issued WHERE"
               " student_id %s" % rng), [[str(N_CHUNKS - 2)] * 2], "one number each accepted")
    s.eq(s.sql("SELECT COUNT(*), COUNT(DISTINCT student_id) FROM student_event WHERE"
               " student_id %s AND kind = 'number_issued'" % rng), [[str(N_CHUNKS - 2)] * 2],
         "one event each accepted")
    s.eq(s.sql("SELECT COUNT(*) FROM student s JOIN student_event e ON e.student_id = s.id AND"
               " e.student_no_new = s.student_no AND e.student_no_old LIKE 'L%%' JOIN"
               " student_no_issued i ON i.student_id = s.id AND i.student_no = s.student_no"
               " WHERE s.id %s AND s.student_no_kind = 'J' AND s.national_check = 'issued'"
               " AND s.version = 2" % rng), [[str(N_CHUNKS - 2)]],
         "the record, its event and its issued row agree; changed once")
    s.eq((col(s, ids[10], "student_no"), col(s, ids[30], "student_no")), (nums[700], nums[30]))
    for k in (20, 700):
        s.eq((col(s, ids[k], "student_no_kind"), col(s, ids[k], "national_check")), ("L", "sent"),
             "taken: unchanged")
    s.eq(q1(s, "SELECT COUNT(*) FROM exchange_outbox_record WHERE student_id %s AND"
               " answered_message_id IS NOT NULL" % rng), str(N_CHUNKS - 2), "answered")


_lnos = {}


def col_l(sid, ids):
    """The L number sql_records gave sid (its registration id's digits)."""
    return _lnos[sid]


def _remember(s, ids):
    for sid, no in s.sql("SELECT id, student_no FROM student WHERE id BETWEEN %d AND %d"
                         % (ids[0], ids[-1])):
        _lnos[int(sid)] = no


if __name__ == "__main__":
    try:
        run(conf=CONF, allow_log=())
    finally:
        subprocess.run(["rm", "-rf", KEYDIR])
