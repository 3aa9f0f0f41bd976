#!/usr/bin/env python3
"""demo.py -- two Xueji deployments (Beijing 110000, Tianjin 120000) and
the ministry simulator between them, for trying the exchange by hand
(tests/ministry/README.md). Brings the pair up as tests/api/xjpair.py does
under --dir, writes the simulator's configuration to DIR/moe/sim.conf,
prints where everything is, and runs the simulator's loop (sim.py
--conf's) until Ctrl-C; then stops both stacks.

    python3 tests/ministry/demo.py --dir /tmp/xj-demo-pair [--build _build/default]
"""
import argparse
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser(description="two deployments and the ministry simulator")
    ap.add_argument("--dir", required=True, help="a new directory for both stacks")
    ap.add_argument("--build", default=os.path.join(SRCDIR, "_build", "default"))
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between polls")
    a = ap.parse_args()
    os.environ["XJ_BUILDDIR"] = os.path.abspath(a.build)
    sys.path.insert(0, os.path.join(SRCDIR, "tests", "api"))
    import xjpair
    import sim
    root = os.path.abspath(a.dir)
    os.makedirs(root)
    pair = xjpair.Pair(root)
    stop = {"now": False}
    signal.signal(signal.SIGINT, lambda *x: stop.update(now=True))
    signal.signal(signal.SIGTERM, lambda *x: stop.update(now=True))
    try:
        sessions, deps, moe = xjpair.up(root, pair)
        conf = os.path.join(root, "moe", "sim.conf")
        with open(conf, "w") as f:
            f.write("[ministry]\ndir = %s\nkey_file = %s\nkey_id = %s\ninterval = %s\n"
                    % (os.path.join(root, "moe"), moe.private, moe.kid, a.interval))
            for d in deps:
                # the ministry's register of the province's schools (names
                # for the masked records of a national group)
                csv = os.path.join(root, "moe", "schools-%s.csv" % d.org)
                with open(csv, "w", encoding="utf-8") as c:
                    c.write("code,name\n" + "".join("%s,%s\n" % (k, v.replace(",", " "))
                                                    for k, v in sorted(d.schools.items())))
                f.write("\n[deployment %s]\nhost = %s\nport = %d\npublic_key = %s\n"
                        "schools_csv = %s\n" % (d.org, d.host, d.port, d.public_pem, csv))
        say = lambda msg: print("%s %s" % (sim.beijing_now(), msg), flush=True)
        m, interval = sim.from_conf(conf, log=say)
        print("""
Two deployments and the ministry are running.
  A  Beijing 110000   %s/   (demo accounts as scripts/stack.py up prints)
  B  Tianjin 120000   %s/   (schools of data/orgs-sample.csv; no staff accounts)
  ministry            registry %s, configuration %s
  a StudentBatch now: xuejictl -c %s jobs --once exchange-batch
Ctrl-C stops everything.
""" % (sessions["a"].stack.base_url, sessions["b"].stack.base_url,
            os.path.join(root, "moe", "registry.sqlite3"), conf, sessions["a"].stack.conf_file),
            flush=True)
        while not stop["now"]:
            try:
                n = m.step()
                if n:
                    say("step: %d messages processed or delivered" % n)
            except (sim.MinistryError, OSError) as e:
                say("error: %s" % e)
            for _ in range(int(interval * 10)):
                if stop["now"]:
                    break
                time.sleep(0.1)
    finally:
        print("stopping ...", flush=True)
        for e in pair.down():
            print("while stopping: " + e, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
