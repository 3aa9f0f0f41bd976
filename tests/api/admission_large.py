"""Black-box: a county deciding a large admission list (R-ADM-1, R-ADM-2,
R-ADM-3) through nginx. The decision runs in chunks of DECIDE_CHUNK
children, one transaction each (src/school/admission.c); these tests use
lists one chunk and a bit long and prove that the whole list is decided
with exactly one student record per child, that a worker killed between
two chunks leaves a consistent, partly decided list that the same request
finishes, that a whole-list return is refused once children are approved,
and that concurrent decisions never decide a child twice.

Each test uses a school of its own district, so its list holds only its
children. A crash is made real: a row lock held from a second MariaDB
session stops the second chunk at its first child, and the workers are
killed (SIGKILL) while it waits, so the server rolls that chunk back."""
import os
import re
import signal
import subprocess
import threading
import time

from parent import new_child, reg_body, signed_up
from population import Population
from psbclient import PsbClient, load_key
from psbsim import Simulator
from staff import signed_in
from stack import which
from xjtest import Failure, SRCDIR, run, test

APPL = "/api/school/v1/applicants/"
LISTS = "/api/school/v1/admission-lists"


def chunk_size():
    with open(os.path.join(SRCDIR, "src", "school", "admission.c"), encoding="utf-8") as f:
        m = re.search(r"^#define\s+DECIDE_CHUNK\s+(\d+)", f.read(), re.M)
    if not m:
        raise Failure("DECIDE_CHUNK not found in src/school/admission.c")
    return int(m.group(1))


CHUNK = chunk_size()
N = CHUNK + 7           # two chunks: a full one and 7 children


# ---- helpers -----------------------------------------------------------------

def printable_children(s, district, n):
    """n local-family registrations in `district`, verified by the PSB
    simulator: their numbers."""
    pop, nos = Population(), []
    for _ in range(n):
        child = new_child()
        p = signed_up(s)
        st, h, b = p.register(reg_body(child, district=district, hukou=district + "000000",
                                       school_code="111%s00001" % district[4:]))
        s.eq(st, 201, "registration: %r" % (b,))
        pop.add(child)
        nos.append(b["prereg_no"])
    c = PsbClient(s.stack.base_url, load_key(s.stack.path("secrets", "psb.key"), warn=False))
    Simulator(c, pop, max_batch=500).drain()
    s.eq(count(s, "SELECT COUNT(*) FROM registration WHERE state = 'printable' AND prereg_no IN (%s)"
               % quoted(nos)), n, "printable")
    return nos


def quoted(nos):
    return ",".join("'%s'" % no for no in nos)


def count(s, query):
    return int(s.sql(query)[0][0])


def submitted_list(s, district, n=N):
    """(county reviewer, list id, the children's numbers in registration id
    order: the order the chunks take them)."""
    school = "111%s00001" % district[4:]
    nos = printable_children(s, district, n)
    rev = signed_in(s, school + ".reviewer")
    for no in nos:
        st, h, b = rev.call("POST", APPL + no + "/tick")
        s.eq(st, 200, "tick: %r" % (b,))
    st, h, lst = rev.call("POST", LISTS)
    s.eq(st, 201, "submit: %r" % (lst,))
    s.eq((lst["children"], lst["pending"]), (n, n))
    ordered = [r[0] for r in s.sql("SELECT prereg_no FROM registration WHERE prereg_no IN (%s)"
                                   " ORDER BY id" % quoted(nos))]
    return signed_in(s, district + ".reviewer"), lst["id"], ordered, rev


def decide(county, list_id, body):
    return county.call("POST", "%s/%d/decision" % (LISTS, list_id), body)


def students_per_child(s, nos):
    """{prereg_no: number of student rows}."""
    rows = s.sql("SELECT r.prereg_no, COUNT(st.id) FROM registration r"
                 " LEFT JOIN student st ON st.registration_id = r.id"
                 " WHERE r.prereg_no IN (%s) GROUP BY r.prereg_no" % quoted(nos))
    return {no: int(c) for no, c in rows}


def audits_per_child(s, action, nos):
    rows = s.sql("SELECT target_id, COUNT(*) FROM audit_log WHERE action = '%s'"
                 " AND target_id IN (%s) GROUP BY target_id" % (action, quoted(nos)))
    got = {no: 0 for no in nos}
    got.update({no: int(c) for no, c in rows})
    return got


def list_audits(s, action, list_id):
    return count(s, "SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND target_id = '%d'"
                 % (action, list_id))


def list_row(s, list_id):
    state, approved, returned = s.sql("SELECT state, approved, returned FROM admission_list"
                                      " WHERE id = %d" % list_id)[0]
    return state, int(approved), int(returned)


def crash_after_first_chunk(s, county, list_id, ordered, body):
    """Start `body` on the list, let the first chunk commit, stop the
    second at its first child with a row lock held from another session,
    kill the workers (SIGKILL) while it waits, release the lock and start
    the workers again. The decision's own answer is lost (502 or a reset),
    as in a real crash."""
    blocker = subprocess.Popen(
        [which("mariadb"), "--no-defaults", "-S", s.stack.db_socket, "-uroot", "-N", "-B",
         "--unbuffered", "xueji"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        blocker.stdin.write("BEGIN; SELECT id FROM registration WHERE prereg_no = '%s' FOR UPDATE;\n"
                            % ordered[CHUNK])
        blocker.stdin.flush()
        blocker.stdout.readline()           # the row: the lock is held
        answer = {}

        def go():
            try:
                answer["r"] = decide(county, list_id, body)
            except OSError as e:
                answer["r"] = (0, {}, str(e))
        t = threading.Thread(target=go)
        t.start()
        s.wait_until(lambda: list_row(s, list_id)[0] == "deciding", 60, "the first chunk")
        # the second chunk waits for the lock: the worker dies in it
        s.wait_until(lambda: count(s, "SELECT COUNT(*) FROM information_schema.innodb_trx"
                                   " WHERE trx_state = 'LOCK WAIT'") >= 1, 30, "the lock wait")
        for p in s.stack.worker_procs:
            p.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        for p in s.stack.worker_procs:
            p.wait(30)
        t.join(60)
        s.ok(not t.is_alive(), "the decision's request ended")
        s.ok(answer["r"][0] != 200, "no 200 from a killed worker: %r" % (answer["r"][:2],))
    finally:
        blocker.stdin.close()               # disconnect: the lock goes
        blocker.wait(30)
    for i in range(len(s.stack.worker_procs)):
        try:
            os.unlink(s.stack.worker_socket(i))
        except FileNotFoundError:
            pass
        s.stack.worker_procs[i] = s.stack.start_worker(i)
    s.wait_until(lambda: s.http("GET", "/healthz")[0] == 200, 30, "workers back")
    # nginx took the worker that died in a request out of the pool for
    # fail_timeout (10 s): let it come back before the next test
    time.sleep(max(0.0, killed + 10.5 - time.monotonic()))


# ---- the tests -------------------------------------------------------------------

@test("R-ADM-2 a list longer than one chunk is approved completely in one request: one student record, one audit entry and one event per child")
def _(s):
    county, lid, nos, _ = submitted_list(s, "110101")
    st, h, b = decide(county, lid, {"decision": "approve"})
    s.eq(st, 200, "decision: %r" % (b,))
    s.eq((b["state"], b["children"], b["approved"], b["returned"], b["pending"]),
         ("decided", N, N, 0, 0))
    s.ok(all(c["state"] == "approved" and c["registration_state"] == "district_approved"
             for c in b["items"]), "every child approved")
    s.eq(students_per_child(s, nos), {no: 1 for no in nos})
    s.eq(count(s, "SELECT COUNT(*) FROM student st JOIN registration r ON r.id = st.registration_id"
                  " JOIN student_guardian g ON g.student_id = st.id WHERE r.prereg_no IN (%s)"
               % quoted(nos)), N, "guardians copied")
    s.eq(audits_per_child(s, "admission.approve", nos), {no: 1 for no in nos})
    s.eq(count(s, "SELECT COUNT(*) FROM registration_event e JOIN registration r"
                  " ON r.id = e.registration_id WHERE e.event = 'district_approve'"
                  " AND r.prereg_no IN (%s)" % quoted(nos)), N)
    # two transactions: the first chunk's progress, then the close
    s.eq((list_audits(s, "admission_list.decide_part", lid),
          list_audits(s, "admission_list.decide", lid)), (1, 1))


@test("R-ADM-2 a worker killed between chunks leaves the first chunk approved with its records and the rest listed; the same request again finishes the list without duplicates")
def _(s):
    county, lid, nos, _ = submitted_list(s, "110102")
    crash_after_first_chunk(s, county, lid, nos, {"decision": "approve"})
    # consistent: the first chunk is approved with its student records,
    # the rest untouched, and the list says it is partly decided
    s.eq(list_row(s, lid), ("deciding", CHUNK, 0))
    s.eq(students_per_child(s, nos), {no: 1 if i < CHUNK else 0 for i, no in enumerate(nos)})
    s.eq([r[0] for r in s.sql("SELECT a.state FROM admission a JOIN registration r"
                              " ON r.id = a.registration_id WHERE r.prereg_no IN (%s)"
                              " ORDER BY r.id" % quoted(nos))],
         ["approved"] * CHUNK + ["listed"] * 7)
    s.eq(audits_per_child(s, "admission.approve", nos),
         {no: 1 if i < CHUNK else 0 for i, no in enumerate(nos)})
    st, h, b = county.call("GET", "%s/%d" % (LISTS, lid))
    s.eq((st, b["state"], b["approved"], b["pending"]), (200, "deciding", CHUNK, 7))
    st, h, b = county.call("GET", LISTS + "?state=deciding")
    s.ok(lid in [x["id"] for x in b["items"]], "listed under ?state=deciding")
    # the same request again finishes the list
    st, h, b = decide(county, lid, {"decision": "approve"})
    s.eq(st, 200, "repeat: %r" % (b,))
    s.eq((b["state"], b["approved"], b["returned"], b["pending"]), ("decided", N, 0, 0))
    s.eq(students_per_child(s, nos), {no: 1 for no in nos})
    s.eq(audits_per_child(s, "admission.approve", nos), {no: 1 for no in nos})
    s.eq(count(s, "SELECT COUNT(*) FROM registration_event e JOIN registration r"
                  " ON r.id = e.registration_id WHERE e.event = 'district_approve'"
                  " AND r.prereg_no IN (%s)" % quoted(nos)), N)
    s.eq(list_audits(s, "admission_list.decide", lid), 1)
    # and once more, after the end: the same answer, nothing written
    st, h, b = decide(county, lid, {"decision": "approve"})
    s.eq((st, b["state"], b["approved"]), (200, "decided", N), "replay: %r" % (b,))
    s.eq(students_per_child(s, nos), {no: 1 for no in nos})
    s.eq(list_audits(s, "admission_list.decide", lid), 1)


@test("R-ADM-1 once children are approved, a whole-list return is refused with list_partly_decided; the county returns single pending children by name")
def _(s):
    county, lid, nos, school = submitted_list(s, "110107")
    first = {"decision": "approve",
             "children": [{"prereg_no": nos[0], "decision": "return", "reason": "户籍证明缺失"}]}
    crash_after_first_chunk(s, county, lid, nos, first)
    s.eq(list_row(s, lid), ("deciding", CHUNK - 1, 1))
    # a child returned from a list still being decided stays on it
    st, h, b = school.call("POST", LISTS)
    s.error_body(b, "nothing_to_submit", 409, st)
    before = students_per_child(s, nos)
    # approved children have their records: no return for the whole list,
    # and none for an approved child by name
    st, h, b = decide(county, lid, {"decision": "return", "reason": "名单有误"})
    s.error_body(b, "list_partly_decided", 409, st)
    st, h, b = decide(county, lid, {"decision": "approve", "children": [
        {"prereg_no": nos[0], "decision": "return", "reason": "户籍证明缺失"},
        {"prereg_no": nos[1], "decision": "return", "reason": "x"}]})
    s.error_body(b, "list_partly_decided", 409, st)
    s.eq(list_row(s, lid), ("deciding", CHUNK - 1, 1), "unchanged")
    s.eq(students_per_child(s, nos), before, "no record added or removed")
    # a decision that agrees with what is decided finishes it: the first
    # child stays returned, a pending one is returned by name
    st, h, b = decide(county, lid, {"decision": "approve", "children": [
        {"prereg_no": nos[0], "decision": "return", "reason": "户籍证明缺失"},
        {"prereg_no": nos[-1], "decision": "return", "reason": "住址不符"}]})
    s.eq(st, 200, "finish: %r" % (b,))
    s.eq((b["state"], b["approved"], b["returned"], b["pending"]), ("decided", N - 2, 2, 0))
    by = {c["prereg_no"]: (c["state"], c["reason"]) for c in b["items"]}
    s.eq((by[nos[0]], by[nos[-1]]), (("returned", "户籍证明缺失"), ("returned", "住址不符")))
    s.eq(students_per_child(s, nos),
         {no: 0 if no in (nos[0], nos[-1]) else 1 for no in nos})
    # the list is decided: the school sends the returned children again
    st, h, b = school.call("POST", LISTS)
    s.eq(st, 201, "resubmit: %r" % (b,))
    s.eq(sorted(c["prereg_no"] for c in b["items"]), sorted([nos[0], nos[-1]]))


@test("R-ADM-2 two identical approvals of one large list at once both answer 200 and decide every child exactly once")
def _(s):
    county, lid, nos, _ = submitted_list(s, "110109")
    other = signed_in(s, "110109.admin")
    res = {}
    go = threading.Barrier(2)

    def run_decide(name, who):
        go.wait()
        st, h, b = decide(who, lid, {"decision": "approve"})
        res[name] = (st, b.get("state") if st == 200 else b)
    ts = [threading.Thread(target=run_decide, args=(n, w)) for n, w in (("a", county), ("b", other))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    s.eq(sorted(res.values(), key=str), [(200, "decided"), (200, "decided")], "answers")
    s.eq(list_row(s, lid), ("decided", N, 0))
    s.eq(students_per_child(s, nos), {no: 1 for no in nos})
    s.eq(audits_per_child(s, "admission.approve", nos), {no: 1 for no in nos})
    s.eq(list_audits(s, "admission_list.decide", lid), 1)


@test("R-ADM-1 an approval and a whole-list return of one large list at once: one is refused with 409, the list ends all approved or all returned")
def _(s):
    county, lid, nos, _ = submitted_list(s, "110111")
    other = signed_in(s, "110111.admin")
    res = {}
    go = threading.Barrier(2)

    def run_decide(name, who, body):
        go.wait()
        st, h, b = decide(who, lid, body)
        res[name] = (st, b["error"]["code"] if st != 200 else None)
    ts = [threading.Thread(target=run_decide, args=a) for a in (
        ("approve", county, {"decision": "approve"}),
        ("return", other, {"decision": "return", "reason": "名单需重新核对"}))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    won = [k for k, v in res.items() if v == (200, None)]
    s.eq(len(won), 1, "one wins: %r" % res)
    lost = res["return" if won == ["approve"] else "approve"]
    s.ok(lost[0] == 409 and lost[1] in ("list_partly_decided", "invalid_transition"),
         "the other: %r" % (lost,))
    state, approved, returned = list_row(s, lid)
    s.eq((state, approved, returned), ("decided", N, 0) if won == ["approve"] else ("decided", 0, N))
    s.eq(students_per_child(s, nos), {no: 1 if won == ["approve"] else 0 for no in nos})
    s.eq(sum(audits_per_child(s, "admission.approve", nos).values()) +
         sum(audits_per_child(s, "admission.return", nos).values()), N, "one entry per child")


def restart_workers(s, env):
    """Every worker again, with these environment overrides (None: unset)."""
    for k, v in env.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    for i, p in enumerate(s.stack.worker_procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            p.wait(30)
        s.stack.worker_procs[i] = s.stack.start_worker(i)
    s.wait_until(lambda: s.http("GET", "/healthz")[0] == 200, what="workers back")


@test("R-ADM-1 a decision that outlasts its time budget answers 202 with the rest pending; the same request again continues until 200")
def _(s):
    county, lid, nos, _ = submitted_list(s, "110114")
    # budget 0: every request ends after its first chunk
    restart_workers(s, {"XUEJI_ADMISSION_DECIDE_BUDGET_MS": "0"})
    try:
        st, h, b = decide(county, lid, {"decision": "approve"})
        s.eq(st, 202, "over budget: %r" % (b,))
        s.eq((b["state"], b["approved"], b["pending"]), ("deciding", CHUNK, N - CHUNK))
        s.eq(sum(students_per_child(s, nos).values()), CHUNK, "the first chunk's records only")
        st, h, b = decide(county, lid, {"decision": "approve"})
        s.eq(st, 200, "the rest fits: %r" % (b,))
        s.eq((b["state"], b["approved"], b["pending"]), ("decided", N, 0))
        s.eq(students_per_child(s, nos), {no: 1 for no in nos})
    finally:
        restart_workers(s, {"XUEJI_ADMISSION_DECIDE_BUDGET_MS": None})


run(allow_log=())
