"""Black-box: database faults of issue 15. D1: connections the server
closed while idle (KILL, restart, wait_timeout) are replaced before a
statement is sent, so no request answers 503 while MariaDB is up."""
import threading

from parent import new_child, reg_body, signed_up
from xjtest import test, run

WORKERS, THREADS = 2, 4


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


run(workers=WORKERS, threads=THREADS,
    conf={"parent": {"max_registrations_per_year": 0, "registration_rate": 0}},
    allow_log=("db_connect_failed",))
