"""Black-box: database faults of issue 15. D1: connections the server
closed while idle (KILL, restart, wait_timeout) are replaced before a
statement is sent, so no request answers 503 while MariaDB is up. D2: a
row lock held elsewhere is waited for [db] lock_wait_timeout seconds, not
MariaDB's 50: the request answers 503 busy_retry quickly, and what it
answers is true (nothing of it commits after the lock is released)."""
import threading
import time

from parent import new_child, reg_body, signed_up
from xjtest import test, run

WORKERS, THREADS = 2, 4
LOCK_WAIT = 2


def app_connections(s):
    return [r[0] for r in s.sql("SELECT id FROM information_schema.processlist"
                                " WHERE user = 'xueji_app'")]


def parallel(n, fn):
    """Run fn(i) for i in range(n) at once; the results in order."""
    out = [None] * n

    def one(i):
        try:
            out[i] = fn(i)
        except Exception as e:      # reported as a result, not lost
            out[i] = ("exception", repr(e))
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def burst(s, parents, rounds=3):
    """rounds x (workers x threads) reads and as many registrations, each
    round all at once so that every worker thread serves some: statuses."""
    n = WORKERS * THREADS
    got = []
    for _ in range(rounds):
        got += parallel(n, lambda i: parents[i].call("GET", "/api/parent/v1/registrations")[0])
        got += parallel(n, lambda i: parents[i].register(reg_body(new_child()))[0])
    return got


@test("D1: after every idle application connection is KILLed, each worker thread's first read and write answer 200/201, none 503")
def _(s):
    parents = [signed_up(s) for _ in range(WORKERS * THREADS)]
    burst(s, parents, 1)            # every thread holds a connection now
    ids = app_connections(s)
    s.ok(len(ids) >= WORKERS * THREADS, "connections before: %r" % ids)
    for i in ids:
        s.sql("KILL CONNECTION %s" % i)
    s.wait_until(lambda: not set(ids) & set(app_connections(s)), 10, "killed connections gone")
    got = burst(s, parents)
    bad = [g for g in got if g not in (200, 201)]
    s.eq(bad, [], "answers after KILL: %r" % got)


@test("D1: after MariaDB restarts, each worker thread's first read and write answer 200/201, none 503")
def _(s):
    parents = [signed_up(s) for _ in range(WORKERS * THREADS)]
    burst(s, parents, 1)
    s.stack.stop_db()
    s.stack.start_db()
    got = burst(s, parents)
    bad = [g for g in got if g not in (200, 201)]
    s.eq(bad, [], "answers after the restart: %r" % got)


@test("D2: a registration behind a row lock answers 503 busy_retry within seconds and commits nothing after the lock is released")
def _(s):
    p = signed_up(s)
    pid = s.sql("SELECT id FROM parent_account ORDER BY id DESC LIMIT 1")[0][0]
    before = s.sql("SELECT reg_creates FROM parent_account WHERE id = %s" % pid)[0][0]
    hold = 4 * LOCK_WAIT + 4
    q = ("START TRANSACTION; SELECT id FROM parent_account WHERE id = %s FOR UPDATE;"
         " SELECT SLEEP(%d); COMMIT;" % (pid, hold))
    t = threading.Thread(target=lambda: s.sql(q))
    t.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    st, h, b = p.register(reg_body(new_child()))
    took = time.monotonic() - t0
    s.error_body(b, "busy_retry", 503, st)
    s.ok(h.get("retry-after", "").isdigit(), "Retry-After: %r" % h)
    s.ok(took < 10, "answered after %.1f s" % took)
    s.ok(t.is_alive(), "the lock was still held when the answer came")
    t.join()
    time.sleep(1)
    s.eq(s.sql("SELECT COUNT(*) FROM registration WHERE parent_id = %s" % pid)[0][0], "0",
         "no registration committed after the 503")
    s.eq(s.sql("SELECT reg_creates FROM parent_account WHERE id = %s" % pid)[0][0], before,
         "the account's counter rolled back")
    # the lock gone, the same parent registers at once
    st, h, b = p.register(reg_body(new_child()))
    s.eq(st, 201, "after the lock: %r" % (b,))


run(workers=WORKERS, threads=THREADS,
    conf={"db": {"lock_wait_timeout": LOCK_WAIT},
          "parent": {"max_registrations_per_year": 0, "registration_rate": 0}},
    allow_log=("tx_retries_exhausted", "db_connect_failed"))
