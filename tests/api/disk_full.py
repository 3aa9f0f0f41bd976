"""Black-box: a full disk under the binary log (issue 15 D4). Reads keep
working when the disk is full, so a health check that only reads says 200
while every commit waits. This file puts MariaDB's binary log on a small
tmpfs (the tests run as root), fills it, and checks that /healthz answers
503 db_write within [db] health_write_timeout (+ its one-second cache), that
the stalled write really waits, and how long recovery takes after the space
is freed (MariaDB's own retry sleep: it looks again for free space once a
minute; docs/operations.md "Disk space")."""
import os
import subprocess
import threading
import time

from xjtest import test, run, Failure

WRITE_TIMEOUT = 2   # [db] health_write_timeout, set below


def fill(path):
    """Write to path until the filesystem is full (ENOSPC)."""
    n = 0
    with open(path, "wb") as f:
        chunk = b"\0" * 65536
        try:
            while True:
                f.write(chunk)
                f.flush()
                n += len(chunk)
        except OSError:
            pass
    # the page cache may accept a little more: fill the last bytes
    try:
        with open(path + ".2", "wb") as f:
            while True:
                f.write(b"\0" * 512)
                f.flush()
    except OSError:
        pass
    return n


@test("D4: /healthz answers 503 db_write while the binary log's disk is full, "
      "200 again after space is freed (recovery measured)")
def _(s):
    if os.geteuid() != 0:
        raise Failure("needs root to mount a tmpfs for the binary log")
    st = s.stack
    mnt = st.path("binlogfs")
    os.makedirs(mnt, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt], check=True)
    writer = {}
    try:
        # MariaDB again, durable as in production, its binary log on the tmpfs
        st.stop_db()
        st.durable = True
        st.binlog_dir = mnt
        st.start_db()
        s.wait_until(lambda: s.http("GET", "/healthz")[0] == 200, 30, "healthz 200 on the new binlog")
        filler = os.path.join(mnt, "filler")
        fill(filler)

        # a write now waits for space (the proof that the fault is real)
        def write():
            t0 = time.monotonic()
            try:
                # commits one by one: the binary log's last page has room
                # for a few events even when the filesystem has no page left
                st.sql(";".join("INSERT INTO rate_counter (scope, subject, window_start, hits)"
                                " VALUES ('test', UNHEX(SHA2('disk_full %d', 256)),"
                                " UTC_TIMESTAMP(6), 1)" % i for i in range(200)))
                writer["ok"] = True
            except Exception as e:
                writer["error"] = str(e)
            writer["done"] = time.monotonic()
            writer["took"] = writer["done"] - t0
        th = threading.Thread(target=write, daemon=True)
        th.start()
        time.sleep(WRITE_TIMEOUT + 1)
        s.ok("done" not in writer, "the write waits while the disk is full: %r" % writer)

        # reads work, so the old health check said 200; now: 503 db_write
        t0 = time.monotonic()
        seen = []

        def unhealthy():
            st_, h, b = s.http("GET", "/healthz", timeout=15)
            seen.append(st_)
            return st_ == 503 and b["error"]["field"] == "db_write"
        s.wait_until(unhealthy, 3 * WRITE_TIMEOUT + 5, "healthz 503 db_write")
        detect = time.monotonic() - t0
        print("# full disk seen by /healthz after %.2f s" % detect)
        st_, h, b = s.http("GET", "/healthz")
        s.error_body(b, "service_unavailable", 503, st_)
        s.eq(b["error"]["field"], "db_write", "the reason")
        s.ok(h.get("retry-after", "").isdigit(), "Retry-After")
        # cheap while stalled: every worker thread answers at once (a
        # stalled probe is looked for, not started again)
        for _ in range(20):
            t1 = time.monotonic()
            st_, h, b = s.http("GET", "/healthz", timeout=15)
            s.eq(st_, 503, "still 503 while full")
            s.ok(time.monotonic() - t1 < WRITE_TIMEOUT + 1.5,
                 "a health check while stalled takes at most the probe bound")
        nconn = int(st.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                           " WHERE USER = 'xueji_app'", db=None)[0][0])
        s.ok(nconn <= 2 * 4 + 2 * 2 + 2, "no pile-up of waiting probe connections: %d" % nconn)

        # free the space; measure until writes and /healthz recover
        freed = time.monotonic()
        for f in (filler, filler + ".2"):
            os.unlink(f)
        s.wait_until(lambda: "done" in writer, 90, "the waiting write to finish")
        s.ok(writer.get("ok"), "the waiting write committed once space was freed: %r" % writer)
        s.wait_until(lambda: s.http("GET", "/healthz")[0] == 200, 90, "healthz 200 again")
        print("# after freeing space: the waiting write committed after %.1f s,"
              " /healthz 200 after %.1f s" % (writer["done"] - freed, time.monotonic() - freed))
        # a new write is immediate again
        t2 = time.monotonic()
        st.sql("UPDATE rate_counter SET hits = hits + 1 WHERE scope = 'test'")
        s.ok(time.monotonic() - t2 < 2, "writes are fast again")
    finally:
        # back to the stack every other test file runs
        for f in ("filler", "filler.2"):
            try:
                os.unlink(os.path.join(mnt, f))
            except FileNotFoundError:
                pass
        st.stop_db()
        st.durable = False
        st.binlog_dir = None
        subprocess.run(["umount", mnt])
        st.start_db()


@test("healthz answers 200 again on the stack's ordinary MariaDB")
def _(s):
    s.wait_until(lambda: s.http("GET", "/healthz")[0] == 200, 30, "healthz 200")


run(conf={"db": {"health_write_timeout": WRITE_TIMEOUT}})
