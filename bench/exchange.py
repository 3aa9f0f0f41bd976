#!/usr/bin/env python3
"""exchange.py -- streaming a large StudentBatch (issue 13 item 5,
docs/benchmarks.md "Ministry exchange: streaming batches").

    python3 bench/exchange.py [--build DIR] [--sizes 10000,100000,1000000]
                              [--keep FILE-DIR]

For each size: `xuejictl exchange export-batch --synthetic N` writes the
batch with the streaming writer (xmlTextWriter) and `xuejictl exchange
import-batch` reads it back with the streaming reader validated against
docs/xml/v1 as it reads (xmlTextReaderSetSchema). Each run is its own
process, so peak RSS (getrusage ru_maxrss, printed by the command) is that
size's alone. Targets: >= 20,000 records/s each way, RSS flat in N.
No database, no stack: the commands need only [paths] xsd_dir.

    python3 bench/exchange.py --inbound [--messages N] [--clients C]
                              [--workers W] [--threads T] [--perf]
                              [--report FILE]

Inbound mode (issue 13 "Speed": >= 500 small messages/s through nginx;
docs/benchmarks.md "Ministry exchange: inbound messages"): a private stack
as the black-box tests bring it up (tests/api/xjtest.py: MariaDB, W
workers of T threads, nginx), N outbox messages of ours (rows written
with SQL: a Receipt needs only the row it acknowledges), then N signed
Receipts from the ministry's key, one per outbox message, sent by C
client processes (one keep-alive connection each) to POST
/exchange/ministry/v1/messages through nginx. Each goes the whole way:
signature check, hardened parse, XSD validation, one transaction (inbox
row, outbox acknowledgement locked and updated, audit entry) and our
signed Receipt back. The messages are made and signed before the clock
starts. Prints messages/s, p50/p99/max latency, the CPU seconds of the
workers, MariaDB, nginx and the clients over the run, and with --perf the
workers' hottest symbols (perf record -g on the worker processes)."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"records=(\d+) seconds=([\d.]+) records_per_s=(\d+) peak_rss_kb=(\d+)"
                  r" cpu_seconds=[\d.]+ records_per_cpu_s=(\d+)", r.stdout)
    if r.returncode != 0 or not m:
        sys.exit("%s: %d %s %s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return int(m.group(1)), int(m.group(3)), int(m.group(5)), int(m.group(4))


# ---- inbound mode --------------------------------------------------------

def _cpu_ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])     # utime + stime
    except OSError:
        return 0


def _children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def _client(job):
    """One client process: its messages in order over one keep-alive
    connection. (latencies in s, {status: n}, its CPU seconds)."""
    import http.client
    import time
    port, msgs, start_at = job
    lat, codes = [], {}
    while time.time() < start_at:
        time.sleep(0.001)
    t0 = os.times()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for body, sig in msgs:
        t = time.monotonic()
        conn.request("POST", "/exchange/ministry/v1/messages", body=body,
                     headers={"Content-Type": "application/xml", "Xueji-Signature": sig})
        r = conn.getresponse()
        r.read()
        lat.append(time.monotonic() - t)
        codes[r.status] = codes.get(r.status, 0) + 1
        if r.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    t1 = os.times()
    return lat, codes, (t1.user - t0.user) + (t1.system - t0.system)


def inbound(args):
    import base64
    import multiprocessing
    import shutil
    import time
    sys.path.insert(0, os.path.join(TOP, "tests", "api"))
    import xchange
    import xjtest
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    org = "310000"
    keydir = tempfile.mkdtemp(prefix="xj-xibench-")
    moe = xchange.Key(keydir, "MOE-1", "MOE")
    subprocess.run([os.path.join(args.build, "xuejictl"), "exchange-keygen",
                    os.path.join(keydir, "own.key"), os.path.join(keydir, "own.pem")],
                   check=True, capture_output=True)
    xchange.peers_file(os.path.join(keydir, "peers"), [moe])
    with open(moe.private, "rb") as f:
        pk = serialization.load_pem_private_key(f.read(), None)
    conf = {"exchange": {"org_code": org,
                         "signing_key_file": os.path.join(keydir, "own.key"),
                         "signing_key_id": org + "-1",
                         "peer_keys_file": os.path.join(keydir, "peers"),
                         "message_limit": 1 << 20},
            "server": {"body_limit": 2 << 20, "arena_size": 8 << 20},
            # the access log is what nginx writes for every request anyway
            }
    n, c = args.messages, args.clients
    report = []

    def say(line):
        print(line, flush=True)
        report.append(line)

    @xjtest.test("bench: %d signed Receipts through nginx from %d client processes" % (n, c))
    def _(s):
        s.sql("INSERT INTO exchange_outbox (message_id, message_type, receiver, body, signature,"
              " created_at) SELECT CONCAT('%s-bench-', seq), 'StudentBatch', 'MOE', x'00', '',"
              " UTC_TIMESTAMP(6) FROM seq_1_to_%d" % (org, n))
        t = time.monotonic()
        msgs = []
        for i in range(1, n + 1):
            body, _ = xchange.message("Receipt", "<Receipt><Status>accepted</Status></Receipt>",
                                      corr="%s-bench-%d" % (org, i), receiver=org)
            sig = base64.b64encode(pk.sign(body, ec.ECDSA(hashes.SHA256()))).decode()
            msgs.append((body, "keyid=MOE-1; alg=ecdsa-p256-sha256; sig=" + sig))
        say("# %d messages of %d-%d bytes made and signed in %.1f s (before the clock)" % (
            n, min(len(m[0]) for m in msgs), max(len(m[0]) for m in msgs),
            time.monotonic() - t))
        workers = [p.pid for p in s.stack.worker_procs]
        nginx = [s.stack.nginx_proc.pid] + _children(s.stack.nginx_proc.pid)
        db = [s.stack.db_proc.pid] if s.stack.db_proc else []
        groups = {"workers": workers, "mariadb": db, "nginx": nginx}
        before = {k: sum(_cpu_ticks(p) for p in v) for k, v in groups.items()}
        perf = None
        if args.perf and shutil.which("perf"):
            perf = subprocess.Popen(["perf", "record", "-q", "-g", "-o",
                                     os.path.join(keydir, "perf.data"), "-p",
                                     ",".join(map(str, workers))],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        start_at = time.time() + 1.0
        jobs = [(s.stack.port, msgs[k::c], start_at) for k in range(c)]
        la0 = open("/proc/loadavg").read().split()[0]
        # close and join, not terminate: the harness turns SIGTERM into
        # KeyboardInterrupt, and the clients inherit its handler
        pool = multiprocessing.Pool(c)
        out = pool.map(_client, jobs)
        pool.close()
        pool.join()
        wall = time.time() - start_at
        after = {k: sum(_cpu_ticks(p) for p in v) for k, v in groups.items()}
        if perf is not None:
            perf.send_signal(2)
            perf.wait()
        hz = os.sysconf("SC_CLK_TCK")
        lat = sorted(x for o in out for x in o[0])
        codes = {}
        for o in out:
            for k, v in o[1].items():
                codes[k] = codes.get(k, 0) + v
        ccpu = sum(o[2] for o in out)
        q = lambda p: lat[min(len(lat) - 1, int(round(p / 100.0 * (len(lat) - 1))))] * 1000
        acked = int(s.sql("SELECT COUNT(*) FROM exchange_outbox WHERE acked_at IS NOT NULL"
                          " AND message_id LIKE '%s-bench-%%'" % org)[0][0])
        say("# load average at the start: %s, at the end: %s" % (
            la0, open("/proc/loadavg").read().split()[0]))
        say("| messages | clients | workers x threads | wall s | messages/s | p50 ms | p99 ms |"
            " max ms | CPU s workers | CPU s MariaDB | CPU s nginx | CPU s clients |"
            " worker CPU ms/message |")
        say("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        cpu = {k: (after[k] - before[k]) / float(hz) for k in groups}
        say("| %d | %d | %d x %d | %.2f | %.0f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f |"
            " %.2f |" % (n, c, len(workers), s.stack.threads, wall, n / wall, q(50), q(99),
                         lat[-1] * 1000, cpu["workers"], cpu["mariadb"], cpu["nginx"], ccpu,
                         cpu["workers"] * 1000.0 / n))
        say("# statuses: %r; outbox messages acknowledged: %d of %d" % (codes, acked, n))
        s.eq(codes, {200: n}, "every message accepted")
        s.eq(acked, n, "every Receipt applied once")
        if perf is not None:
            r = subprocess.run(["perf", "report", "-i", os.path.join(keydir, "perf.data"),
                                "--no-children", "--sort", "dso", "--stdio", "-g", "none",
                                "--comm", "xuejid", "--percent-limit", "0.5"],
                               capture_output=True, text=True)
            for line in r.stdout.splitlines():
                if line.strip() and not line.startswith("#"):
                    say("# perf dso " + line.strip())
            r = subprocess.run(["perf", "report", "-i", os.path.join(keydir, "perf.data"),
                                "--no-children", "--sort", "dso,symbol", "--stdio", "-g", "none", "--comm", "xuejid",
                                "--percent-limit", "0.7"], capture_output=True, text=True)
            for line in r.stdout.splitlines():
                if line.strip() and not line.startswith("#"):
                    say("# perf " + line.strip())

    try:
        xjtest.run(workers=args.workers, threads=args.threads, conf=conf, allow_log=())
    except SystemExit as e:
        if args.report:
            with open(args.report, "w") as f:
                f.write("\n".join(report) + "\n")
        shutil.rmtree(keydir, ignore_errors=True)
        raise e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "_build", "default"))
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--inbound", action="store_true")
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--perf", action="store_true")
    ap.add_argument("--report")
    args = ap.parse_args()
    if args.inbound:
        os.environ.setdefault("XJ_BUILDDIR", args.build)
        return inbound(args)
    ctl = os.path.join(args.build, "xuejictl")
    work = tempfile.mkdtemp(prefix="xj-xbench-")
    conf = os.path.join(work, "bench.conf")
    with open(conf, "w") as f:
        f.write("[paths]\nxsd_dir = %s\n" % os.path.join(TOP, "docs", "xml", "v1"))
    print("load average before: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    print("| records | file MB | export rec/s wall | export rec/CPU-s | export peak RSS MB |"
          " import rec/s wall (validated) | import rec/CPU-s | import peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            path = os.path.join(work, "batch-%d.xml" % n)
            _, wr, wc, wrss = run([ctl, "-c", conf, "exchange", "export-batch", "--synthetic",
                                   str(n), path])
            size = os.path.getsize(path)
            got, rr, rc, rrss = run([ctl, "-c", conf, "exchange", "import-batch", path])
            if got != n:
                sys.exit("read %d of %d records" % (got, n))
            os.unlink(path)
            print("| %d | %.0f | %d | %d | %.1f | %d | %d | %.1f |" % (
                n, size / 1e6, wr, wc, wrss / 1024.0, rr, rc, rrss / 1024.0), flush=True)
    finally:
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
