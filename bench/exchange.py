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
workers' hottest symbols (perf record -g on the worker processes).

    python3 bench/exchange.py --check-result [--records N] [--per-message M]
                              [--compare OLD-BUILD] [--report FILE]

CheckResult mode (issue 13 item 6 at a province's scale; docs/benchmarks.md
"Ministry exchange: a CheckResult applied"): a private stack, N records
with L numbers inserted with SQL and sent in StudentBatches of up to M
records (exchange_outbox + exchange_outbox_record rows, as
tests/api/exchange_national.py stands them in), then one signed
CheckResult per batch, every record Issued a J number, posted through
nginx one after the other. Each message is applied in its one
transaction (inbox row, every record, audit). Prints records/s and the
workers' and MariaDB's CPU per record, and verifies that every record got
its number exactly once (one student_no_issued row, one number_issued
event, answered by its message). With --compare OLD-BUILD the same run is
made first on OLD-BUILD's binaries (e.g. a copy of _build/default made
before a change) and the ratio printed: before and after on one machine
in one invocation."""
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

# the process CPU readers bench.py measures the registrations with
from bench import children_of as _children, cpu_ticks as _cpu_ticks  # noqa: E402


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


# ---- CheckResult mode ------------------------------------------------------

CR_ORG, CR_SCHOOL = "110000", "1110500001"


def check_result(args):
    """One stack on args.build (XJ_BUILDDIR): N records, CheckResults of
    up to M records each. Prints a result line "CR n wall cpu_w cpu_db"."""
    import base64
    import datetime
    import shutil
    import time
    import uuid
    sys.path.insert(0, os.path.join(TOP, "tests", "api"))
    sys.path.insert(0, os.path.join(TOP, "tests", "psbsim"))
    import population
    import xchange
    import xjtest
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    org = CR_ORG
    keydir = tempfile.mkdtemp(prefix="xj-xcrbench-")
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
                         "message_limit": 4 << 20},
            "server": {"body_limit": 8 << 20, "arena_size": 12 << 20}}
    n, per = args.records, args.per_message

    @xjtest.test("bench: %d records Issued in CheckResults of up to %d records" % (n, per))
    def _(s):
        import http.client
        school = s.sql("SELECT id FROM org WHERE code = '%s'" % CR_SCHOOL)[0][0]
        base = 700000000
        # the records: L numbers, no resident ID (a J number fits any)
        s.sql("INSERT INTO student (registration_id, school_org_id, county_code, student_no,"
              " student_no_kind, name, sex, birth_date, id_doc_type, id_number_ct, child_bidx,"
              " ethnicity, nationality, hukou_nature, hukou_code, birthplace, native_place,"
              " current_address, home_address, contact_address, local_family, left_behind,"
              " migrant_worker_child, entry_year, level, status, origin, national_action,"
              " national_check, created_at, updated_at) SELECT %d + seq, %s, '110105',"
              " CONCAT('L1101059999', LPAD(seq, 8, '0')), 'L', CONCAT('学生', seq), 'F',"
              " '2019-03-15', '2', x'00', UNHEX(SHA2(CONCAT('cr', seq), 256)), '01', '中国',"
              " '非农业', '110105000000', '北京', '北京', '北京', '北京', '北京', 1, 0, 0, 2026, 1,"
              " 'in_school', 'admission', 'new', 'sent', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)"
              " FROM seq_1_to_%d" % (base, school, n))
        rows = s.sql("SELECT id, student_no FROM student WHERE registration_id > %d ORDER BY id"
                     % base)
        ids = [int(r[0]) for r in rows]
        lno = dict((int(a), b) for a, b in rows)
        msgs, t = [], time.monotonic()
        for k in range(0, n, per):
            part = ids[k:k + per]
            mid = "%s-crbench-%s" % (org, uuid.uuid4().hex[:12])
            s.sql("INSERT INTO exchange_outbox (message_id, message_type, receiver, body,"
                  " signature, created_at, acked_at) VALUES ('%s', 'StudentBatch', 'MOE', '',"
                  " '', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))" % mid)
            s.sql("INSERT INTO exchange_outbox_record (outbox_id, ref, student_id) SELECT o.id,"
                  " CONCAT('s', s.id), s.id FROM exchange_outbox o JOIN student s ON s.id"
                  " BETWEEN %d AND %d WHERE o.message_id = '%s'" % (part[0], part[-1], mid))
            recs = []
            for i, sid in enumerate(part, k):
                d = datetime.date(2010, 1, 1) + datetime.timedelta(days=i // 900)
                no = "J" + population.make_id("110106", d.year, d.month, d.day, 100 + i % 900)
                recs.append('<Record ref="s%d"><Issued><StudentNo>%s</StudentNo><Replaces>%s'
                            '</Replaces></Issued></Record>' % (sid, no, lno[sid]))
            body, _ = xchange.message("CheckResult", "<CheckResult>%s</CheckResult>"
                                      % "".join(recs), receiver=org, corr=mid)
            sig = base64.b64encode(pk.sign(body, ec.ECDSA(hashes.SHA256()))).decode()
            msgs.append((body, "keyid=MOE-1; alg=ecdsa-p256-sha256; sig=" + sig, len(part)))
        print("# %d records in %d batches, %d CheckResults of %d-%d bytes made and signed in"
              " %.1f s (before the clock)" % (n, len(msgs), len(msgs),
                                              min(len(m[0]) for m in msgs),
                                              max(len(m[0]) for m in msgs),
                                              time.monotonic() - t), flush=True)
        workers = [p.pid for p in s.stack.worker_procs]
        db = [s.stack.db_proc.pid] if s.stack.db_proc else []
        hz = float(os.sysconf("SC_CLK_TCK"))
        w0, d0 = sum(_cpu_ticks(p) for p in workers), sum(_cpu_ticks(p) for p in db)
        la0 = open("/proc/loadavg").read().split()[0]
        t0 = time.monotonic()
        for body, sig, cnt in msgs:
            conn = http.client.HTTPConnection("127.0.0.1", s.stack.port, timeout=600)
            tm = time.monotonic()
            conn.request("POST", "/exchange/ministry/v1/messages", body=body,
                         headers={"Content-Type": "application/xml", "Xueji-Signature": sig})
            r = conn.getresponse()
            text = r.read()
            conn.close()
            rc = xchange.parse_receipt(text)
            s.eq((r.status, rc["status"], len(rc["records"])), (200, "accepted", cnt),
                 "the CheckResult accepted")
            s.eq(sorted(set(v for v in rc["records"].values())), [("accepted", None)],
                 "every record accepted")
            print("# %d records in %.2f s" % (cnt, time.monotonic() - tm), flush=True)
        wall = time.monotonic() - t0
        cw = (sum(_cpu_ticks(p) for p in workers) - w0) / hz
        cd = (sum(_cpu_ticks(p) for p in db) - d0) / hz
        got = [int(x) for x in s.sql(
            "SELECT (SELECT COUNT(*) FROM student WHERE registration_id > %d AND"
            " student_no_kind = 'J'), (SELECT COUNT(DISTINCT s.student_no) FROM student s WHERE"
            " s.registration_id > %d), (SELECT COUNT(*) FROM student_no_issued i JOIN student s"
            " ON s.id = i.student_id AND s.student_no = i.student_no WHERE s.registration_id > %d),"
            " (SELECT COUNT(*) FROM student_no_issued WHERE student_id BETWEEN %d AND %d),"
            " (SELECT COUNT(*) FROM student_event e JOIN student s ON s.id = e.student_id AND"
            " e.kind = 'number_issued' AND e.student_no_new = s.student_no AND"
            " e.student_no_old LIKE 'L%%' WHERE s.registration_id > %d),"
            " (SELECT COUNT(*) FROM student_event WHERE student_id BETWEEN %d AND %d),"
            " (SELECT COUNT(*) FROM exchange_outbox_record WHERE student_id BETWEEN %d AND %d"
            " AND answered_message_id IS NOT NULL), (SELECT COUNT(*) FROM student WHERE"
            " registration_id > %d AND national_check = 'issued')"
            % (base, base, base, ids[0], ids[-1], base, ids[0], ids[-1], ids[0], ids[-1],
               base))[0]]
        print("# load average at the start: %s, at the end: %s" % (
            la0, open("/proc/loadavg").read().split()[0]))
        s.eq(got, [n] * 8, "every record its number exactly once (J, distinct, one issued row"
             " of it and no other, one number_issued event and no other, answered, issued)")
        print("CR %d %.3f %.3f %.3f" % (n, wall, cw, cd), flush=True)

    try:
        xjtest.run(workers=args.workers, threads=args.threads, conf=conf, allow_log=())
    finally:
        shutil.rmtree(keydir, ignore_errors=True)


def check_result_compare(args):
    """Runs check_result on each build in its own process; prints the table."""
    builds = ([("before", args.compare)] if args.compare else []) + [("after", args.build)]
    report, res = [], {}

    def say(line):
        print(line, flush=True)
        report.append(line)

    for name, b in builds:
        env = dict(os.environ, XJ_BUILDDIR=os.path.abspath(b))
        cmd = [sys.executable, os.path.abspath(__file__), "--check-result", "--one",
               "--build", os.path.abspath(b), "--records", str(args.records),
               "--per-message", str(args.per_message), "--workers", str(args.workers),
               "--threads", str(args.threads)]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        sys.stdout.write(p.stdout)
        m = re.search(r"^CR (\d+) ([\d.]+) ([\d.]+) ([\d.]+)$", p.stdout, re.M)
        if p.returncode != 0 or not m:
            sys.stderr.write(p.stderr)
            sys.exit("%s: the run on %s failed" % (name, b))
        res[name] = (int(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)))
    say("| build | records | per message | wall s | records/s | worker CPU s |"
        " worker CPU us/record | MariaDB CPU s | MariaDB CPU us/record |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, _ in builds:
        n, wall, cw, cd = res[name]
        say("| %s | %d | %d | %.2f | %.0f | %.2f | %.0f | %.2f | %.0f |" % (
            name, n, args.per_message, wall, n / wall, cw, cw * 1e6 / n, cd, cd * 1e6 / n))
    if args.compare:
        say("# after/before: records/s x%.2f, worker CPU per record x%.2f, MariaDB CPU per"
            " record x%.2f" % (res["before"][1] / res["after"][1],
                               res["after"][2] / max(res["before"][2], 1e-9),
                               res["after"][3] / max(res["before"][3], 1e-9)))
    if args.report:
        with open(args.report, "w") as f:
            f.write("\n".join(report) + "\n")


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
    ap.add_argument("--check-result", action="store_true")
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--per-message", type=int, default=20000)
    ap.add_argument("--compare")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.check_result and args.one:
        return check_result(args)
    if args.check_result:
        return check_result_compare(args)
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
