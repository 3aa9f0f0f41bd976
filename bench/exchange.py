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
No database, no stack: the commands need only [paths] xsd_dir."""
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "_build", "default"))
    ap.add_argument("--sizes", default="10000,100000,1000000")
    args = ap.parse_args()
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
