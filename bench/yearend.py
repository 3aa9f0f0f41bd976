#!/usr/bin/env python3
"""yearend.py -- the year-end promotion scenario of the bench (issue 11
"Speed": the promotion batch of a 200,000-student county completes in < 2
minutes on the 2-core machine; docs/benchmarks.md "Year-end promotion").

    python3 bench/yearend.py [--students N] [--schools S] [--chunk C]
                             [--build DIR] [--dir DIR] [--keep] [--report FILE]

Starts its own private stack (scripts/stack.py: durable MariaDB, one
xuejid, nginx; no background jobs runner), makes one county of S schools
(default 100) under the demo city with N in-school primary records
(default 200,000, spread evenly over the schools and grades 1-6, loaded
with INSERT ... SELECT from MariaDB's sequence engine in 50,000-row
transactions; not measured), signs in a county reviewer and then measures
what an operator does:

  dry run     POST /api/school/v1/yearend-batches {dry_run: true}
  create      the same without dry_run (the count again, the batch row)
  start       POST .../{id}/start
  apply       `xuejictl jobs --once yearend` until the batch is done
              ([yearend] chunk records per transaction, default 500)

and checks the result: the batch `done` with done = total = the grades 1-5
records, one student_event per promoted record, none for grade 6. Prints a
markdown table (and writes it to --report, with a .json beside it). The
pass mark is the issue's: apply < 120 s for 200,000 records."""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, "scripts"))
from stack import Stack  # noqa: E402

COUNTY = "990001"
LOAD_BATCH = 50000
TARGET_S = 120.0


def school_year():
    t = time.gmtime(time.time() + 8 * 3600)     # Beijing
    return t.tm_year if t.tm_mon >= 9 else t.tm_year - 1


class Bench:
    def __init__(self, a):
        self.a = a
        self.t0 = time.monotonic()
        self.root = a.dir or tempfile.mkdtemp(prefix="xj-bench-yearend-", dir="/tmp")
        self.st = Stack(self.root, a.build, SRCDIR, workers=1, threads=4, durable=True,
                        scrypt_log2n=10, scrypt_p=1, quiet=True, jobs=False)
        self.st.extra_conf = {"yearend": {"chunk": a.chunk}}
        self.year = school_year() - 1           # the school year that ended
        self.cookie = self.csrf = None

    def log(self, msg):
        print("[yearend %6.1fs] %s" % (time.monotonic() - self.t0, msg), flush=True)

    def q1(self, sql):
        return self.st.sql(sql)[0][0]

    def http(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.st.port, timeout=600)
        try:
            h = {"Accept": "application/json"}
            if self.cookie:
                h["Cookie"] = "__Host-xj_staff=" + self.cookie
                h["X-CSRF-Token"] = self.csrf or ""
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                h["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            raw = resp.read()
            for part in (resp.getheader("Set-Cookie", "") or "").split(", "):
                if part.startswith("__Host-xj_staff="):
                    self.cookie = part.split(";", 1)[0][len("__Host-xj_staff="):]
            b = json.loads(raw) if raw else None
            if isinstance(b, dict) and b.get("csrf_token"):
                self.csrf = b["csrf_token"]
            return resp.status, b
        finally:
            conn.close()

    def up(self):
        st = self.st
        st.keygen()
        st.write_conf()
        st.init_db()
        st.start_db()
        st.setup_schema(demo=True)
        st.start_workers()
        st.start_nginx()
        self.log("stack up on %s" % st.base_url)

    def load(self):
        st, a = self.st, self.a
        city_id, city_path = st.sql("SELECT id, path FROM org WHERE kind = 'city' AND code = '110100'")[0]
        path = "%s%s/" % (city_path, COUNTY)
        st.sql("INSERT INTO org (kind, code, name, parent_id, path) VALUES"
               " ('county', '%s', 'bench county', %s, '%s')" % (COUNTY, city_id, path))
        cid = int(self.q1("SELECT id FROM org WHERE kind = 'county' AND code = '%s'" % COUNTY))
        st.sql("INSERT INTO org (kind, code, name, parent_id, path, county_id, supervisor_id) VALUES "
               + ", ".join("('school', '9%s%03d', 'bench school %d', %d, '%s9%s%03d/', %d, %d)"
                           % (COUNTY, k, k, cid, path, COUNTY, k, cid, cid)
                           for k in range(a.schools)))
        st.sql("INSERT INTO staff_account (org_id, login, display_name, role, pw_hash)"
               " SELECT %d, 'bench.yearend', display_name, 'reviewer', pw_hash FROM staff_account"
               " WHERE login = '110105.reviewer'" % cid)
        t = time.monotonic()
        for lo in range(0, a.students, LOAD_BATCH):
            hi = min(a.students, lo + LOAD_BATCH) - 1
            # school: seq mod S; grade: (seq div S) mod 6 + 1, so every
            # school has every grade; registration ids far from any real one
            st.sql("INSERT INTO student (registration_id, school_org_id, county_code, student_no,"
                   " student_no_kind, name, sex, birth_date, id_doc_type, id_number_ct, child_bidx,"
                   " ethnicity, nationality, hukou_nature, hukou_code, birthplace, native_place,"
                   " current_address, home_address, contact_address, local_family, left_behind,"
                   " migrant_worker_child, entry_year, level, status, created_at, updated_at)"
                   " SELECT 900000000000 + q.seq, sc.id, '%s', CONCAT('B', LPAD(q.seq, 18, '0')), 'L',"
                   " CONCAT('学生', q.seq MOD 1000), 'F', '2016-05-01', '1', x'00',"
                   " UNHEX(SHA2(q.seq, 256)), '01', '中国', '非农业', '110105000000', '北京', '北京',"
                   " '北京', '北京', '北京', 1, 0, 0, %d - ((q.seq DIV %d) MOD 6), 1, 'in_school',"
                   " UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)"
                   " FROM seq_%d_to_%d q JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k"
                   " FROM org WHERE kind = 'school' AND county_id = %d) sc ON sc.k = q.seq MOD %d"
                   % (COUNTY, self.year, a.schools, lo, hi, cid, a.schools))
        st.sql("ANALYZE TABLE student")
        n = int(self.q1("SELECT COUNT(*) FROM student s JOIN org o ON o.id = s.school_org_id"
                        " WHERE o.county_id = %d" % cid))
        self.expected = int(self.q1("SELECT COUNT(*) FROM student s JOIN org o ON o.id = s.school_org_id"
                                    " WHERE o.county_id = %d AND s.entry_year > %d"
                                    % (cid, self.year - 5)))
        self.log("loaded %d records in %d schools in %.1f s (%d in grades 1-5)"
                 % (n, a.schools, time.monotonic() - t, self.expected))
        if n != a.students:
            raise SystemExit("load: %d records, expected %d" % (n, a.students))

    def timed(self, what, fn):
        t = time.monotonic()
        r = fn()
        dt = time.monotonic() - t
        self.rows.append((what, dt))
        self.log("%s: %.3f s" % (what, dt))
        return r

    def run(self):
        self.rows = []
        st, b = self.http("POST", "/api/school/v1/session",
                          {"login": "bench.yearend", "password": "xueji-demo"})
        if st != 200:
            raise SystemExit("login: %d %r" % (st, b))
        body = {"kind": "promotion", "school_year": self.year, "dry_run": True}
        st, b = self.timed("dry run (count)", lambda: self.http("POST", "/api/school/v1/yearend-batches", body))
        if st != 200 or b["count"] != self.expected:
            raise SystemExit("dry run: %d %r (expected %d)" % (st, b, self.expected))
        body.pop("dry_run")
        st, b = self.timed("create", lambda: self.http("POST", "/api/school/v1/yearend-batches", body))
        if st != 201:
            raise SystemExit("create: %d %r" % (st, b))
        bid = b["id"]
        st, b = self.timed("start", lambda: self.http("POST", "/api/school/v1/yearend-batches/%d/start" % bid))
        if st != 200:
            raise SystemExit("start: %d %r" % (st, b))
        r = self.timed("apply (xuejictl jobs --once yearend)", lambda: subprocess.run(
            [self.st.bin("xuejictl"), "-c", self.st.conf_file, "jobs", "--once", "yearend"],
            capture_output=True, text=True, env=self.st.worker_env()))
        if r.returncode != 0:
            raise SystemExit("jobs: %s" % r.stderr)
        st, b = self.http("GET", "/api/school/v1/yearend-batches/%d" % bid)
        events = int(self.q1("SELECT COUNT(*) FROM student_event WHERE batch_id = %d" % bid))
        ok = (b["state"] == "done" and b["done"] == b["total"] == self.expected == events)
        apply_s = self.rows[-1][1]
        self.result = {"students": self.a.students, "schools": self.a.schools, "chunk": int(self.a.chunk),
                       "promoted": b["done"], "chunks": b["chunks"], "events": events,
                       "timings_s": {w: round(t, 3) for w, t in self.rows},
                       "records_per_s": round(b["done"] / apply_s) if apply_s else 0,
                       "checks_ok": ok,
                       "target_met": apply_s < TARGET_S * self.a.students / 200000.0}
        self.log("batch %r, %d events" % (b, events))
        if not ok:
            raise SystemExit("check failed: %r, %d events, %d expected" % (b, events, self.expected))

    def report(self):
        r = self.result
        lines = ["| step | seconds |", "|---|---|"]
        lines += ["| %s | %.3f |" % (w, t) for w, t in self.rows]
        lines.append("")
        lines.append("%d records in %d schools, %d promoted in %d chunks of %d: %d records/s; "
                     "checks %s; target (< %.0f s per 200,000) %s"
                     % (r["students"], r["schools"], r["promoted"], r["chunks"], r["chunk"],
                        r["records_per_s"], "ok" if r["checks_ok"] else "FAILED", TARGET_S,
                        "met" if r["target_met"] else "NOT met"))
        text = "\n".join(lines)
        print(text)
        if self.a.report:
            with open(self.a.report, "w") as f:
                f.write(text + "\n")
            with open(self.a.report + ".json", "w") as f:
                json.dump(r, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, default=200000)
    ap.add_argument("--schools", type=int, default=100)
    ap.add_argument("--chunk", default="500", help="[yearend] chunk")
    ap.add_argument("--build", default=os.environ.get("XJ_BUILDDIR") or
                    os.path.join(SRCDIR, "_build", "default"))
    ap.add_argument("--dir", help="stack directory (default: a new one under /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the stack directory")
    ap.add_argument("--report", help="write the markdown table here (+ .json)")
    a = ap.parse_args()
    if a.students < 6 * a.schools or not 1 <= a.schools <= 999:
        raise SystemExit("need 1..999 schools and at least 6 records per school")
    b = Bench(a)
    try:
        b.up()
        b.load()
        b.run()
        b.report()
    finally:
        errors = b.st.down()
        if errors:
            print("stack down: %s" % errors, file=sys.stderr)
        if not a.keep and not a.dir:
            shutil.rmtree(b.root, ignore_errors=True)
    return 0 if b.result["checks_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
