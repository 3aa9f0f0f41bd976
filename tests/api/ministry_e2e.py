"""Black-box, end to end: two Xueji deployments and the ministry simulator
between them (issue 13 item 8; tests/api/xjpair.py, tests/ministry/).
A is Beijing (110000, the demo province), B is Tianjin (120000, its
schools imported from data/orgs-sample.csv). Everything crosses the wire
as in production: each deployment's jobs runner writes its StudentBatch
(job exchange-batch, run here with --once), the ministry pulls each outbox
by cursor with a signed GET, verifies and validates every message,
answers with signed CheckResults and relays transfer messages.

Stood in for with SQL, said where: a record of B's province (B's schools
have no admission window or staff in the demo seed; the record is what
the exchange and the national check see, and B's staff accounts are
clones of demo accounts placed in B's orgs).

Crashes: the ministry's own between processing and acknowledging (the
outbox offers the batch again), and A's workers SIGKILLed while applying
the ministry's CheckResult (the same lock trick as
tests/api/exchange_national.py's 5,000-record case, here through the
simulator's delivery queue)."""
import json
import os
import signal
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import xjpair  # noqa: I100 (puts tests/ministry on the path)
import sim
import xchange
from parent import new_child, reg_body, signed_up
import population  # noqa: E402 (tests/psbsim, on the path through parent)
from staff import Staff, DEMO_PASSWORD, signed_in
from wfcases import CASES, INBOX, TRANSFERS, CHAOYANG, CY3, beijing_today, date_add, decide
from xjtest import Failure, key_ring, test

CY1 = "1110500001"
TJ_SCHOOL, TJ_COUNTY = "1120100001", "120101"       # data/orgs-sample.csv
GROUPS = "/api/school/v1/problem-groups"


def q1(s, sql):
    rows = s.sql(sql)
    return rows[0][0] if rows else None


def admit(s, child, school=CY1, county=CHAOYANG):
    """child admitted to school through the real chain (parent registers,
    school ticks, list, county approval; the PSB answer stood in for with
    SQL as tests/api/problems.py does). Its student id."""
    p = signed_up(s)
    st, h, b = p.register(reg_body(child, district=county, hukou=county + "000000",
                                   school_code=school))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND local_family = 1" % no)
    st, h, b = signed_in(s, school + ".clerk").call("POST", "/api/school/v1/applicants/%s/tick" % no)
    s.ok(st in (200, 201), "tick: %s %r" % (st, b))
    st, h, lst = signed_in(s, school + ".reviewer").call("POST", "/api/school/v1/admission-lists")
    s.ok(st in (200, 201), "list submit: %s %r" % (st, lst))
    st, h, b = signed_in(s, county + ".reviewer").call(
        "POST", "/api/school/v1/admission-lists/%s/decision" % lst["id"], {"decision": "approve"})
    s.eq(st, 200, "county approval: %r" % (b,))
    return int(q1(s, "SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                     " WHERE r.prereg_no = '%s'" % no))


def jobs(s, *names):
    import subprocess
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once"]
                       + list(names), capture_output=True, text=True, env=s.stack.worker_env(),
                       timeout=120)
    if r.returncode != 0:
        raise Failure("jobs %s: %d %s" % (names, r.returncode, r.stderr))
    return r.stdout + r.stderr


_seq = [0]


def staff_at(s, org_code, like):
    """A signed-in staff client in org org_code (B's imported orgs have no
    accounts): a clone of demo account `like` (its role, the demo
    password) placed in that org."""
    _seq[0] += 1
    login = "e2e%d-%d.%s" % (os.getpid() % 10000, _seq[0], like)
    s.sql("INSERT INTO staff_account (org_id, login, display_name, role, pw_hash)"
          " SELECT o.id, '%s', a.display_name, a.role, a.pw_hash FROM staff_account a"
          " JOIN org o ON o.code = '%s' WHERE a.login = '%s'" % (login, org_code, like))
    st = Staff(s, login, DEMO_PASSWORD)
    code, h, b = st.login()
    s.eq(code, 200, "staff login %s: %r" % (login, b))
    return st


_reg = [0]


def record_in_b(s, child, student_no=None, status="in_school", entry_year=2026):
    """A record of B's province for child (stand-in, see the docstring):
    L number unless student_no (a national number) is given, its identity
    number sealed with B's field key as crypto/field.c does. Its id."""
    return record_at(s.b, child, TJ_SCHOOL, TJ_COUNTY, student_no, status, entry_year)


def record_at(b, child, school, county, student_no=None, status="in_school", entry_year=2026):
    """record_in_b's record in deployment b's school."""
    _reg[0] += 1
    y, m, d = child.birth_date.split("-")
    no = student_no or "L%s%s%s%s%04d" % (county, y, m, d, (os.getpid() + _reg[0]) % 10000)
    kind = no[0]
    sid_org = q1(b, "SELECT id FROM org WHERE kind = 'school' AND code = '%s'" % school)
    b.sql("INSERT INTO student (registration_id, origin, national_check, school_org_id, county_code,"
          " student_no, student_no_kind, name, sex, birth_date, id_doc_type, id_number_ct,"
          " child_bidx, ethnicity, nationality, hukou_nature, hukou_code, birthplace,"
          " native_place, current_address, home_address, contact_address, local_family,"
          " left_behind, migrant_worker_child, entry_year, level, status, created_at, updated_at)"
          " VALUES (NULL, 'import', '%s', %s, '%s', '%s', '%s', '%s', '%s', '%s', '1', x'00',"
          " UNHEX(SHA2(UUID(), 256)), '01', '中国', '非农业', '120101000000', '天津', '天津', '天津',"
          " '天津', '天津', 1, 0, 0, %d, 1, '%s', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"
          % ("issued" if kind in "GJ" else "due", sid_org, county, no, kind, child.name,
             child.sex, child.birth_date, entry_year, status))
    sid = int(q1(b, "SELECT id FROM student WHERE student_no = '%s'" % no))
    ring = key_ring(b.stack.path("secrets", "enc.key"))
    ver = max(ring)
    hdr = bytes([2]) + ver.to_bytes(4, "big")
    nonce = os.urandom(12)
    ct = hdr + nonce + AESGCM(ring[ver]).encrypt(
        nonce, child.id_number.encode(), hdr + b"student.id_number\0s" + str(sid).encode())
    b.sql("UPDATE student SET id_number_ct = UNHEX('%s') WHERE id = %d" % (ct.hex(), sid))
    b.sql("INSERT INTO student_no_issued (student_no, student_id, issued_at) VALUES"
          " ('%s', %d, UTC_TIMESTAMP(6))" % (no, sid))
    return sid


def a_record(s, sid):
    return tuple(s.a.sql("SELECT student_no, student_no_kind, national_check FROM student"
                         " WHERE id = %d" % sid)[0])


def acked(x, mid):
    """Whether the ministry's cursor in x covers outbox message mid."""
    return q1(x, "SELECT COUNT(*) FROM exchange_outbox o JOIN exchange_outbox_cursor c ON"
                 " c.receiver = 'MOE' AND c.acked_upto >= o.id WHERE o.message_id = '%s'"
              % mid) == "1"


def inbox_from_moe(x, mtype):
    return int(q1(x, "SELECT COUNT(*) FROM exchange_inbox WHERE sender = 'MOE' AND"
                     " message_type = '%s'" % mtype))


def exchange_jobs(x):
    """The jobs of x's runner that write to the outbox: the national
    check's batch, and the signing of what workers queued (a transfer
    request, decision, Dossier); exchange-xmove where a build still has the
    receiving side's own job."""
    if not hasattr(x, "xjobs"):
        import subprocess
        out = subprocess.run([x.stack.bin("xuejictl"), "-c", x.stack.conf_file, "jobs", "--list"],
                             capture_output=True, text=True, env=x.stack.worker_env()).stdout
        have = {line.split()[0] for line in out.splitlines() if line.strip()}
        x.xjobs = [j for j in ("exchange-batch", "exchange-xmove", "exchange-sign") if j in have]
    return x.xjobs


def settle(s):
    """Each deployment's batch job, then one ministry step; the
    ministry's problems (answers not accepted) must stay empty."""
    for x in (s.a, s.b):
        jobs(x, *exchange_jobs(x))
    k = len(s.moe.problems)
    n = s.moe.step()
    s.eq(s.moe.problems[k:], [], "every answer of the ministry accepted")
    return n


# ---- national numbers ------------------------------------------------------------

@test("issue 13 item 8: an admission in A gets its national G number through the ministry; the L number is retired, never reused; a second step changes nothing")
def numbers(s):
    child = new_child()
    sid = admit(s.a, child, school=CY1)
    l_no, kind, _ = a_record(s, sid)
    s.eq(kind, "L", "admitted with a temporary number")
    n = settle(s)
    s.ok(n >= 2, "the batch processed and its CheckResult delivered: %d" % n)
    reg = s.moe.q("SELECT student_no, replaced, province, school FROM record"
                  " WHERE province = '110000' AND ref = ?", "s%d" % sid)
    s.eq(reg, [("G" + child.id_number, l_no, "110000", CY1)], "the national registry holds it")
    s.eq(a_record(s, sid), ("G" + child.id_number, "G", "issued"), "A's record has its G number")
    s.eq(sorted(r[0] for r in s.a.sql("SELECT student_no FROM student_no_issued WHERE"
                                      " student_id = %d" % sid)),
         sorted(["G" + child.id_number, l_no]), "both numbers issued: the L one retired")
    s.eq(q1(s.a, "SELECT COUNT(*) FROM student WHERE student_no = '%s'" % l_no), "0",
         "no record carries the L number any more")
    s.eq(settle(s), 0, "nothing new: nothing processed, nothing delivered")
    s.eq(s.moe.q("SELECT COUNT(*) FROM issued WHERE record_id IN (SELECT id FROM record WHERE"
                 " province = '110000' AND ref = ?)", "s%d" % sid), [(1,)], "one number issued")


@test("issue 13 item 8: a child without a usable ID number (a J number): the ministry's J is area + birth date + sequence + MOD 11-2 and A takes it")
def j_number(s):
    child = new_child()
    sid = admit(s.a, child, school=CY1)
    s.a.sql("UPDATE student SET id_doc_type = '2' WHERE id = %d" % sid)    # stand-in: not a resident ID
    settle(s)
    no, kind, state = a_record(s, sid)
    s.eq((kind, state), ("J", "issued"), "a J number: %s" % no)
    s.eq(no[1:7], "110105", "the area: the record's county")
    s.eq(no[7:15], child.birth_date.replace("-", ""), "the birth date")
    s.eq(no[18], sim.mod11_2(no[1:18]), "MOD 11-2")


# ---- a national duplicate ----------------------------------------------------------

def group_seen(s, x, staff, sid, other_province, idn, name):
    """x's record sid is in an open national group that staff sees, with
    the other province's record masked."""
    rows = x.sql("SELECT m.group_id, m.origin, m.state, g.state FROM problem_member m JOIN"
                 " problem_group g ON g.id = m.group_id WHERE m.student_id = %d" % sid)
    s.eq(len(rows), 1, "one group for the record: %r" % rows)
    gid, origin, mstate, gstate = rows[0]
    s.eq((origin, mstate, gstate), ("exchange", "open", "open"), "a national group, open")
    s.eq(q1(x, "SELECT problem_open FROM student WHERE id = %d" % sid), "1", "flagged")
    st, h, b = staff.call("GET", "%s?limit=200" % GROUPS)
    s.eq(st, 200, "list: %r" % (b,))
    s.ok(int(gid) in [g["id"] for g in b["items"]], "the school lists the group")
    st, h, b = staff.call("GET", "%s/%s" % (GROUPS, gid))
    s.eq(st, 200, "group: %r" % (b,))
    text = json.dumps(b, ensure_ascii=False)
    s.ok(other_province in text, "the other province named: %s" % text[:600])
    s.ok(idn[:6] + "*" * 12 in text, "the other's ID number masked: %s" % text[:600])
    s.ok(sim.mask_name(name) in text, "the other's name masked: %s" % text[:600])
    s.ok(idn not in text, "no identity number in clear")
    return int(gid)


@test("issue 13 item 8 R-DUP-1: the same child (same ID number) admitted in A and in B: a national problem group on both sides, each school sees the other province's record masked; A keeps its G number")
def national_duplicate(s):
    child = new_child()
    sid_a = admit(s.a, child, school=CY1)
    settle(s)
    g_no = a_record(s, sid_a)[0]
    s.eq(g_no, "G" + child.id_number, "A's record was unique when it came: numbered")
    sid_b = record_in_b(s, child)
    before_a = inbox_from_moe(s.a, "CheckResult")
    settle(s)
    grp = s.moe.q("SELECT g.id, g.kind, COUNT(*) FROM grp g JOIN member m ON m.group_id = g.id"
                  " JOIN record r ON r.id = m.record_id WHERE r.id_number = ? GROUP BY g.id",
                  child.id_number)
    s.eq([(k, n) for _, k, n in grp], [("same_id_number", 2)], "one national group of two")
    s.eq(inbox_from_moe(s.a, "CheckResult"), before_a + 1,
         "A heard of its record once more, correlated to its own batch")
    s.eq(a_record(s, sid_a), (g_no, "G", "problem"), "A keeps the G number, the record in the group")
    s.eq(q1(s.b, "SELECT student_no_kind FROM student WHERE id = %d" % sid_b), "L",
         "B's duplicate is not numbered")
    group_seen(s, s.a, staff_at(s.a, CY1, CY1 + ".clerk"), sid_a, "120000", child.id_number,
               child.name)
    group_seen(s, s.b, staff_at(s.b, TJ_SCHOOL, CY1 + ".clerk"), sid_b, "110000",
               child.id_number, child.name)


@test("issue 13 item 8 R-DUP-1: the same name, sex and birth date (another ID number) in A and B: a same_name_sex_birth national group, both records flagged")
def national_same_person(s):
    child = new_child()
    sid_a = admit(s.a, child, school=CY1)
    settle(s)
    y, m, d = (int(v) for v in child.birth_date.split("-"))
    seq = (int(child.id_number[14:17]) + 2) % 1000
    other = population.Person(index=-1, name=child.name, sex=child.sex,
                              birth_date=child.birth_date, id_doc_type="1",
                              id_number=population.make_id("120101", y, m, d, seq), area="120101")
    sid_b = record_in_b(s, other)
    settle(s)
    kinds = s.moe.q("SELECT DISTINCT g.kind FROM grp g JOIN member m ON m.group_id = g.id JOIN"
                    " record r ON r.id = m.record_id WHERE r.id_number IN (?, ?)",
                    child.id_number, other.id_number)
    s.eq(kinds, [("same_name_sex_birth",)], "a group by name + sex + birth date")
    s.eq(q1(s.b, "SELECT problem_open FROM student WHERE id = %d" % sid_b), "1", "B's flagged")
    s.eq(q1(s.a, "SELECT problem_open FROM student WHERE id = %d" % sid_a), "1", "A's flagged")


# ---- redelivery ------------------------------------------------------------------------

@test("issue 13 item 8: the ministry crashes after processing a batch and before acknowledging; restarted, it is offered the batch again after the deadline (redelivered) and nothing is lost or doubled")
def redelivered(s):
    child = new_child()
    sid = admit(s.a, child, school=CY1)
    jobs(s.a, "exchange-batch")
    mid = q1(s.a, "SELECT o.message_id FROM exchange_outbox o JOIN exchange_outbox_record r ON"
                  " r.outbox_id = o.id WHERE r.student_id = %d" % sid)
    before = inbox_from_moe(s.a, "CheckResult")
    try:
        s.moe.step(crash="before_ack")
        raise Failure("no crash")
    except sim.Crash:
        pass
    s.eq(acked(s.a, mid), False, "not acknowledged")
    s.eq(a_record(s, sid)[1], "L", "nothing delivered before the crash")
    moe = xjpair.restart_ministry(s)
    time.sleep(xjpair.DEADLINE + 1)
    moe.step()
    s.eq(int(q1(s.a, "SELECT offered_count FROM exchange_outbox WHERE message_id = '%s'" % mid)), 2,
         "offered twice: the pull after the crash got it again")
    s.eq(acked(s.a, mid), True, "acknowledged now")
    s.eq(moe.q("SELECT COUNT(*) FROM seen WHERE sender = '110000' AND message_id = ?", mid),
         [(1,)], "processed once")
    s.eq(moe.q("SELECT COUNT(*) FROM outgoing WHERE corr = ?", mid), [(1,)], "answered once")
    s.eq(inbox_from_moe(s.a, "CheckResult"), before + 1, "A received one CheckResult")
    s.eq(moe.q("SELECT COUNT(*) FROM issued WHERE number = ?", "G" + child.id_number), [(1,)],
         "one number in the registry")
    # the answer resent (the ministry lost its receipt): A answers with its first receipt
    row = moe.q("SELECT body, signature FROM outgoing WHERE corr = ?", mid)[0]
    d = moe.deps["110000"]
    st, h, body = d.http("POST", sim.POST, body=bytes(row[0]),
                         headers={"Content-Type": "application/xml", "Xueji-Signature": row[1]})
    s.eq(xchange.parse_receipt(body)["status"],
         moe.q("SELECT receipt_status FROM outgoing WHERE corr = ?", mid)[0][0],
         "resent: the first receipt again (%d)" % st)
    s.eq(inbox_from_moe(s.a, "CheckResult"), before + 1, "still one")
    # what A made of it (wp-natcheck applies CheckResults)
    s.eq(moe.problems, [], "answers accepted (a restarted ministry's list starts empty)")
    s.eq(a_record(s, sid), ("G" + child.id_number, "G", "issued"), "numbered once")


N_KILL = 30


@test("issue 13 item 8: A's workers SIGKILLed while applying the ministry's CheckResult (a record locked holds the transaction open): nothing of it commits; the ministry delivers it again and every record gets its number exactly once")
def killed_while_applying(s):
    import subprocess
    import threading
    from stack import which
    ids = sorted(record_at(s.a, new_child(), CY1, CHAOYANG) for _ in range(N_KILL))
    jobs(s.a, "exchange-batch")
    dep = s.moe.deps["110000"]
    s.moe.poll(dep)
    s.moe.acknowledge(dep)
    (mid,) = [r[0] for r in s.moe.q("SELECT message_id FROM outgoing WHERE state = 'pending'")]
    span = "BETWEEN %d AND %d" % (ids[0], ids[-1])

    def counts():
        return tuple(int(x) for x in s.a.sql(
            "SELECT (SELECT COUNT(*) FROM student_no_issued WHERE student_id %s),"
            " (SELECT COUNT(*) FROM student WHERE id %s AND student_no_kind = 'G'),"
            " (SELECT COUNT(*) FROM student_event WHERE student_id %s),"
            " (SELECT COUNT(*) FROM exchange_inbox WHERE message_id = '%s')"
            % (span, span, span, mid))[0])
    before = counts()
    s.eq(before[1], 0, "no G number yet")
    blocker = subprocess.Popen(
        [which("mariadb"), "--no-defaults", "-S", s.a.stack.db_socket, "-uroot", "-N", "-B",
         "--unbuffered", "xueji"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def killer():
        s.a.wait_until(lambda: s.a.sql("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                                       " WHERE trx_state = 'LOCK WAIT'") == [["1"]], timeout=60,
                       what="the CheckResult's transaction waits on the last record")
        for p in s.a.stack.worker_procs:
            p.send_signal(signal.SIGKILL)
        for p in s.a.stack.worker_procs:
            p.wait(10)
    k = threading.Thread(target=killer)
    try:
        blocker.stdin.write("BEGIN; SELECT id FROM student WHERE id = %d FOR UPDATE;\n" % ids[-1])
        blocker.stdin.flush()
        blocker.stdout.readline()
        k.start()
        s.eq(s.moe.deliver(), 0, "the delivery got no receipt (the worker died)")
    finally:
        k.join(90)
        blocker.stdin.write("ROLLBACK;\n")
        blocker.stdin.close()
        blocker.wait(10)
        s.a.stack.start_workers()
    s.a.wait_until(lambda: s.a.sql("SELECT COUNT(*) FROM information_schema.INNODB_TRX") ==
                   [["0"]], timeout=60, what="the killed session rolled back")
    s.eq(counts(), before, "nothing of the killed delivery committed")
    s.eq(s.moe.q("SELECT state, attempts FROM outgoing WHERE message_id = ?", mid),
         [("pending", 1)], "the ministry keeps the answer to send again")
    k0 = len(s.moe.problems)
    s.eq(s.moe.deliver(), 1, "delivered again")
    s.eq(s.moe.problems[k0:], [], "accepted")
    after = counts()
    s.eq((after[0] - before[0], after[1], after[3]), (N_KILL, N_KILL, 1),
         "each record one more number (its G), one inbox row")
    s.ok(after[2] - before[2] >= N_KILL, "a history event per record at least")
    # a second delivery of the same bytes (the ministry's own retry) changes nothing
    row = s.moe.q("SELECT body, signature FROM outgoing WHERE message_id = ?", mid)[0]
    st, h, body = dep.http("POST", sim.POST, body=bytes(row[0]),
                           headers={"Content-Type": "application/xml", "Xueji-Signature": row[1]})
    s.eq(st, 200, "resent: %r" % body[:200])
    s.eq(counts(), after, "exactly once")


# ---- the cross-province transfer ------------------------------------------------------

def case_in_inbox(s, staff, name):
    st, h, box = staff.call("GET", INBOX)
    s.eq(st, 200, "inbox: %r" % (box,))
    mine = [x for x in box["items"] if x.get("student_name") == name]
    s.eq(len(mine), 1, "the case in the inbox: %r" % (box["items"][:5],))
    return mine[0]["case_id"]


def approve_current(s, staff, case):
    st, h, b = staff.call("GET", "%s/%d" % (CASES, case))
    s.eq(st, 200, "case: %r" % (b,))
    st, h, b = decide(staff, case, b["current_step"])
    s.eq(st, 200, "approve: %r" % (b,))
    return b


@test("issue 13 item 8 R-MOV-1 R-MOV-4: the whole cross-province transfer B -> A: A's school starts, A's county approves, the ministry relays, B's school and county approve, the decisions and the Dossier come back; A has the record, B's is transferred")
def transfer(s):
    child = new_child()
    g_no = "G" + child.id_number
    sid_b = record_in_b(s, child)
    settle(s)       # B's record in the national registry, numbered
    s.eq(q1(s.b, "SELECT student_no FROM student WHERE id = %d" % sid_b), g_no, "B's G number")
    recv = staff_at(s.a, CY3, CY3 + ".clerk")
    st, h, b = recv.call("POST", TRANSFERS, {"student_no": g_no, "name": child.name,
                                             "from_school": TJ_SCHOOL, "from_county": TJ_COUNTY})
    s.eq(st, 201, "start: %r" % (b,))
    case = b["id"]
    s.eq(b["type"], "transfer_national", "a cross-province case")
    approve_current(s, staff_at(s.a, CHAOYANG, CHAOYANG + ".reviewer"), case)
    settle(s)
    tid = "110000-T%d" % case
    s.eq(s.moe.q("SELECT type, sender, receiver FROM relay WHERE transfer_id = ?", tid),
         [("TransferRequest", "110000", "120000")], "relayed to the sending province")
    out_case = case_in_inbox(s, staff_at(s.b, TJ_SCHOOL, CY1 + ".reviewer"), child.name)
    approve_current(s, staff_at(s.b, TJ_SCHOOL, CY1 + ".reviewer"), out_case)
    approve_current(s, staff_at(s.b, TJ_COUNTY, CHAOYANG + ".reviewer"), out_case)
    s.eq(q1(s.b, "SELECT status FROM student WHERE id = %d" % sid_b), "transferred",
         "B: transferred out")
    settle(s)
    hops = [r[0] for r in s.moe.q("SELECT type FROM relay WHERE transfer_id = ? ORDER BY id", tid)]
    s.eq(hops, ["TransferRequest", "TransferDecision", "TransferDecision", "Dossier"],
         "every hop relayed once")
    rows = s.a.sql("SELECT s.id, o.code, s.status, s.origin, s.student_no_kind FROM student s"
                   " JOIN org o ON o.id = s.school_org_id WHERE s.student_no = '%s'" % g_no)
    s.eq([tuple(r[1:]) for r in rows], [(CY3, "in_school", "transfer_in", "G")],
         "A holds the record at the receiving school")
    st, h, b = recv.call("GET", "%s/%d" % (CASES, case))
    s.eq((st, b.get("state")), (200, "approved"), "A's case complete: %r" % (b,))
    # the national record moved with the Dossier: A's next batch of it
    # (stand-in: made due as a key-data change does) is that record, not a
    # national duplicate of the one B keeps as transferred
    sid_a = int(rows[0][0])
    s.a.sql("UPDATE student SET national_check = 'due', national_action = 'changed'"
            " WHERE id = %d" % sid_a)
    settle(s)
    s.eq(s.moe.q("SELECT province, ref FROM record WHERE student_no = ?", g_no),
         [("110000", "s%d" % sid_a)], "the registry's record is A's now")
    s.eq(q1(s.a, "SELECT national_check FROM student WHERE id = %d" % sid_a), "passed",
         "checked again: Passed")
    s.eq(q1(s.a, "SELECT COUNT(*) FROM problem_member WHERE student_id = %d" % sid_a), "0",
         "no national group")
    s.eq(s.moe.q("SELECT message_id, receipt_status FROM outgoing WHERE corr IN (SELECT in_mid"
                 " FROM relay WHERE transfer_id = ?) AND receipt_status <> 'accepted'", tid), [],
         "every relayed message accepted")


@test("issue 13 item 8 R-MOV-5: a graduate move B -> A within A's window: A's school and county, the ministry relays the GraduateMove to the graduating county's province, B's county approves, the Dossier comes back; A has the record at the next level, B's stays graduated")
def graduate_move(s):
    child = new_child()
    g_no = "G" + child.id_number
    sid_b = record_in_b(s, child, student_no=g_no, status="graduated", entry_year=2020)
    # stands in for B's year-end graduation batch of school year 2025
    s.b.sql("INSERT INTO student_event (student_id, kind, school_org_id, status, yearend_year,"
            " created_at) SELECT id, 'graduated', school_org_id, 'graduated', 2025,"
            " UTC_TIMESTAMP(6) FROM student WHERE id = %d" % sid_b)
    today = beijing_today()
    s.a.stack.xuejictl("graduate-move-window", "set", "--province", xjpair.A_ORG, "--from",
                       date_add(today, -1), "--to", date_add(today, 1))
    recv = staff_at(s.a, CY3, CY3 + ".clerk")
    try:
        st, h, b = recv.call("POST", "/api/school/v1/graduate-moves", {
            "student_no": g_no, "name": child.name, "from_school": TJ_SCHOOL,
            "from_county": TJ_COUNTY, "graduation_year": 2026})
    finally:
        s.a.stack.xuejictl("graduate-move-window", "lift", "--province", xjpair.A_ORG, "--from",
                           date_add(today, -1))
    s.eq(st, 201, "start: %r" % (b,))
    case = b["id"]
    s.eq(b["type"], "graduate_move_in")
    approve_current(s, staff_at(s.a, CHAOYANG, CHAOYANG + ".reviewer"), case)
    settle(s)
    tid = "110000-M%d" % case
    s.eq(s.moe.q("SELECT type, receiver FROM relay WHERE transfer_id = ?", tid),
         [("GraduateMove", "120000")], "relayed to the graduating province")
    county_b = staff_at(s.b, TJ_COUNTY, CHAOYANG + ".reviewer")
    approve_current(s, county_b, case_in_inbox(s, county_b, child.name))
    settle(s)
    hops = [r[0] for r in s.moe.q("SELECT type FROM relay WHERE transfer_id = ? ORDER BY id", tid)]
    s.eq(hops, ["GraduateMove", "TransferDecision", "Dossier"], "every hop relayed once")
    rows = s.a.sql("SELECT o.code, s.status, s.origin, s.level FROM student s JOIN org o ON"
                   " o.id = s.school_org_id WHERE s.student_no = '%s'" % g_no)
    s.eq([tuple(r) for r in rows], [(CY3, "in_school", "transfer_in", "2")],
         "A holds the record at the next level")
    s.eq(q1(s.b, "SELECT status FROM student WHERE id = %d" % sid_b), "graduated",
         "B's stays graduated")
    st, h, b = recv.call("GET", "%s/%d" % (CASES, case))
    s.eq((st, b.get("state")), (200, "approved"), "A's case complete: %r" % (b,))


if __name__ == "__main__":
    xjpair.run()
