#!/usr/bin/env python3
"""bench.py -- the May-peak benchmark (docs/benchmarks.md, issue 5).

    bench/run [--quick|--full|--smoke] [--build DIR] [--report FILE] [--keep]
              [--repeat N] [--soak [MINUTES]] [--school-batch N]

Starts its own private stack (scripts/stack.py, durable MariaDB:
innodb_flush_log_at_trx_commit=1, binlog with sync_binlog=1; one xuejid
with --threads; nginx from nginx/dev.conf.in plus a `location =
/bench/static` fixed JSON answer and a `location /bench/fcgi/` passed to
bench/fcgiceil, a bare FastCGI responder beside xuejid), loads a city
with bench/gen, logs in parents, then measures in the same run the
ceilings (nginx alone, xuejid's FastCGI without DB and + one SELECT,
bare FastCGI without DB, + one SELECT, + one durable INSERT, MariaDB
alone doing the registration transaction) and the scenarios (registration burst, status
polling, login storm, login storm during registrations, mixed first
morning) with wrk + bench/lua/xj.lua, and (e) the mixed profile again with
bench/school.py beside it (schools tick, counties approve; the student
rows are counted). --soak runs only the mixed profile for MINUTES and
samples the worker's VmRSS every 30 s. --repeat N runs every ceiling and
scenario N times (default 1, --full 3; fresh children for every write
run) and reports the median by req/s with the min-max range; the checks
hold for every repetition. Every loop is bounded in time and count;
everything listens on 127.0.0.1 or unix sockets only.
"""
import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, "scripts"))
from stack import Stack, wait_for, which  # noqa: E402

PASSWORD = "Bench12345"          # XJB_PASSWORD in bench/benchdata.h
RANGE_HTTP = 1000000             # XJB_RANGE_HTTP
DBLOAD_SPAN = 16 * 366 * 1000 - 3000000   # XJB_MAX_CHILD - XJB_RANGE_DBLOAD
# the body of the "FastCGI + one durable INSERT" ceiling: ~200 bytes of
# JSON, stored as the row's payload by bench/fcgiceil
INSERT_BODY = json.dumps({"bench": "ceiling", "kind": "insert", "note": "x" * 150})

PROFILES = {
    # rows: pre-loaded registrations; secs: per wrk run; pool: children for HTTP
    # schools: how many schools tick in (e) (one per district, own children)
    # repeat: runs per ceiling and scenario, the median reported
    "smoke": dict(rows=300, secs=1, pool=300, sessions=8, conns=8, wrk_threads=1,
                  threads=8, db_threads=4, scrypt=10, schools=2, repeat=1),
    "quick": dict(rows=20000, secs=5, pool=20000, sessions=64, conns=64, wrk_threads=2,
                  threads=32, db_threads=32, scrypt=14, schools=8, repeat=1),
    "full": dict(rows=200000, secs=15, pool=60000, sessions=256, conns=64, wrk_threads=2,
                 threads=32, db_threads=32, scrypt=14, schools=16, repeat=3),
}


class BenchStack(Stack):
    """The stack of scripts/stack.py with the bench's fixed-answer location
    and bench/fcgiceil (the bare-FastCGI ceilings) beside xuejid."""

    ceil_proc = None

    @property
    def fcgiceil_socket(self):
        return self.path("run", "fcgiceil.sock")

    def start_fcgiceil(self):
        """bench/fcgiceil on its own unix socket, as root over MariaDB's
        socket (it creates bench_ceiling), with xuejid's thread count."""
        sock = self.fcgiceil_socket
        out = open(self.path("log", "fcgiceil.log"), "a")
        p = subprocess.Popen([self.bin(os.path.join("bench", "fcgiceil")), "--listen", sock,
                              "--threads", str(self.threads), "--socket", self.db_socket,
                              "--user", "root", "--db", "xueji"],
                             stdout=out, stderr=out, env=self.worker_env(),
                             start_new_session=True)
        out.close()
        self.ceil_proc = p
        wait_for(lambda: os.path.exists(sock) or p.poll() is not None, 30, "fcgiceil")
        if p.poll() is not None:
            raise RuntimeError("fcgiceil exited; see " + self.path("log", "fcgiceil.log"))
        return p

    def stop_workers(self):
        try:
            super().stop_workers()
        finally:
            p, self.ceil_proc = self.ceil_proc, None
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            if p is not None and p.returncode != 0:
                raise RuntimeError("fcgiceil exited with %d; see %s" % (
                    p.returncode, self.path("log", "fcgiceil.log")))

    def write_nginx_conf(self):
        path = super().write_nginx_conf()
        with open(path) as f:
            text = f.read()
        loc = ("        location = /bench/static {\n"
               "            default_type application/json;\n"
               "            return 200 '{\"status\":\"ok\",\"bench\":true}';\n"
               "        }\n"
               "        location /bench/fcgi/ {\n"
               "            include %s;\n"
               "            fastcgi_pass unix:%s;\n"
               "        }\n" % (os.path.join(self.srcdir, "nginx", "fastcgi_xueji_params"),
                               self.fcgiceil_socket))
        marker = "        location = /healthz {"
        assert marker in text
        text = text.replace(marker, loc + marker, 1)
        with open(path, "w") as f:
            f.write(text)
        return path


def cpu_ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])     # utime + stime
    except OSError:
        return 0


def children_of(pid):
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


def rss_kib(pid, key="VmRSS"):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def route_latencies(path, offset):
    """Per route (method and route pattern, nginx's access log from offset
    on): requests and p99 of nginx's request_time in ms, so that a mixed
    run tells each kind's latency (wrk reports one for all)."""
    by = {}
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            for line in f:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                by.setdefault("%s %s" % (d.get("method"), d.get("uri")), []).append(
                    float(d.get("rt") or 0))
    except OSError:
        return {}
    out = {}
    for k, v in by.items():
        v.sort()
        out[k] = {"n": len(v), "p99_ms": 1000.0 * v[min(len(v) - 1, int(0.99 * len(v)))]}
    return out


class Bench:
    def __init__(self, args):
        self.a = args
        self.p = dict(PROFILES[args.mode])
        if args.rows:
            self.p["rows"] = args.rows
        if args.secs:
            self.p["secs"] = args.secs
        if args.repeat:
            self.p["repeat"] = args.repeat
        self.hz = os.sysconf("SC_CLK_TCK")
        self.root = args.dir or tempfile.mkdtemp(prefix="xj-bench-", dir="/tmp")
        self.st = BenchStack(self.root, args.build, SRCDIR, workers=1,
                             threads=self.p["threads"], durable=True,
                             scrypt_log2n=self.p["scrypt"], quiet=True)
        # wrk drives hundreds of registrations through each logged-in
        # account (a login costs a scrypt): the per-account cap and create
        # rate (issue 10, A) keep running in every registration, on the
        # route and in bench/dbload alike, with limits this load never hits
        self.st.extra_conf = {"parent": {"max_registrations_per_year": 65000,
                                         "registration_rate": 65000,
                                         "registration_rate_window": 60}}
        self.results = []
        self.ceil = {}
        self.child_next = RANGE_HTTP
        self.db_start = 0
        self.problems = []

    def log(self, msg):
        print("[bench %5.1fs] %s" % (time.monotonic() - self.t0, msg), flush=True)

    def build(self, name):
        return os.path.join(self.a.build, "bench", name)

    # ---- setup ---------------------------------------------------------
    def up(self):
        st = self.st
        st.keygen()
        st.write_conf()
        st.init_db()
        st.start_db()
        st.setup_schema(demo=True)
        self.log("stack: MariaDB durable, schema migrated, demo orgs seeded")
        r = subprocess.run([self.build("gen"), "-c", st.conf_file, "load", "--count",
                            str(self.p["rows"]), "--threads", "2", "--batch", "500",
                            "--sample", str(self.p["sessions"]),
                            "--out", st.path("parents.tsv")],
                           capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            raise RuntimeError("gen failed: " + r.stdout + r.stderr)
        self.gen_line = r.stdout.strip()
        self.log(self.gen_line)
        st.start_workers()
        st.start_fcgiceil()
        st.start_nginx()
        self.pids()
        self.log("workers (1 x %d threads) and nginx on %s" % (self.p["threads"], st.base_url))
        self.login_sessions()
        self.children_pool()

    def pids(self):
        st = self.st
        self.pid_db = st.db_proc.pid
        self.pid_workers = [p.pid for p in st.worker_procs]
        ap = getattr(self, "auth_proc", None)
        if ap is not None and ap.poll() is None:
            self.pid_workers.append(ap.pid)
        self.pid_ceil = [st.ceil_proc.pid] if st.ceil_proc else []
        self.pid_nginx = [st.nginx_proc.pid] + children_of(st.nginx_proc.pid)

    def http(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.st.port, timeout=30)
        try:
            h = {"Accept": "application/json"}
            data = None
            if body is not None:
                data = json.dumps(body, ensure_ascii=False).encode()
                h["Content-Type"] = "application/json"
            h.update(headers or {})
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            return resp.status, resp.getheader("Set-Cookie", ""), resp.read()
        finally:
            conn.close()

    def login_sessions(self):
        with open(self.st.path("parents.tsv")) as f:
            rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
        self.phones = [r[0] for r in rows]

        # sign in by SMS code (issue 16): no password hash, so the set-up
        # does not wait on the hashing threads' low priority
        codes = dict(self.login_codes(len(rows)))

        def one(row):
            # a busy sign-in gate answers 503 busy_retry: retry as a client
            # should, a bounded number of times
            for _ in range(50):
                st, cookie, body = self.http("POST", "/api/parent/v1/session",
                                             {"phone": row[0], "code": codes[row[0]]})
                if st != 503:
                    break
                time.sleep(0.2)
            if st != 200:
                raise RuntimeError("login of %s: %d %r" % (row[0], st, body[:200]))
            c = re.search(r"__Host-xj_parent=([^;]+)", cookie).group(1)
            return {"c": c, "t": json.loads(body)["csrf_token"], "n": row[1], "p": row[2]}
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            self.sessions = list(ex.map(one, rows))
        self.log("%d parents logged in" % len(self.sessions))

    def children_pool(self):
        """Request bodies of distinct, valid children (bench/gen children)."""
        n = self.p["pool"]
        r = subprocess.run([self.build("gen"), "children", "--start", str(self.child_next),
                            "--count", str(n)], capture_output=True, text=True, check=True)
        self.child_next += n
        bodies = []
        for line in r.stdout.splitlines():
            idn, name, sex, birth, dist = line.split("\t")
            bodies.append(json.dumps({
                "district": dist,
                "child": {"name": name, "sex": sex, "birth_date": birth, "id_doc_type": "1",
                          "id_number": idn, "ethnicity": "01", "nationality": "中国",
                          "hukou_nature": "resident", "hukou_location": dist + "000000",
                          "birthplace": "北京市", "native_place": "北京市",
                          "current_address": "北京市朝阳区建国路1号院2号楼301",
                          "home_address": "北京市朝阳区建国路1号院2号楼301",
                          "contact_address": "北京市朝阳区建国路1号院2号楼301"},
                "guardians": [{"relation": "父", "name": "王建国", "phone": "13800138000"}],
                "left_behind": False, "migrant_worker_child": False, "distance_km": 1.5,
                "privacy_notice_version": 1},
                ensure_ascii=False))
        return bodies

    def refresh_sessions(self):
        """A fresh cookie for every session, as a browser keeps the one
        the sliding refresh sends. wrk cannot store cookies, so without
        this every request of a session older than a minute would be
        answered with a new one (src/auth/auth.c REFRESH_AFTER): one
        token and CSRF signature more per request than real traffic
        costs. One GET per session; the CSRF token stays (it depends on
        the session's start, not on its last use)."""
        def one(s):
            st, cookie, body = self.http("GET", "/api/parent/v1/session",
                                         headers={"Cookie": "__Host-xj_parent=" + s["c"]})
            if st != 200:
                raise RuntimeError("session refresh: %d %r" % (st, body[:200]))
            m = re.search(r"__Host-xj_parent=([^;]+)", cookie or "")
            if m:
                s["c"] = m.group(1)
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            list(ex.map(one, self.sessions))

    def datafile(self, bodies, codes=()):
        self.refresh_sessions()
        self.nfiles = getattr(self, "nfiles", 0) + 1
        path = self.st.path("wrkdata-%d.lua" % self.nfiles)
        with open(path, "w") as f:
            f.write("PASSWORD = %s\n" % json.dumps(PASSWORD))
            f.write("SESSIONS = {\n")
            for s in self.sessions:
                f.write('{c=%s,t=%s,n=%s},\n' % (json.dumps(s["c"]), json.dumps(s["t"]),
                                                 json.dumps(s["n"])))
            f.write("}\nPRINTABLE = {\n")
            for s in self.sessions:
                if s["p"] == "1":
                    f.write('{c=%s,t=%s,n=%s},\n' % (json.dumps(s["c"]), json.dumps(s["t"]),
                                                     json.dumps(s["n"])))
            f.write("}\nPHONES = {%s}\nCHILDREN = {\n" % ",".join(json.dumps(p) for p in self.phones))
            for b in bodies:
                f.write("[==[%s]==],\n" % b)
            f.write("}\nCODES = {\n")
            for phone, code in codes:
                f.write('{p="%s",c="%s"},\n' % (phone, code))
            f.write("}\n")
        return path

    def login_codes(self, n=None):
        """Live sign-in codes (purpose login, issue 16) for the first n
        (default: all) pre-loaded parents, planted by bench/gen codes:
        [(phone, code), ...]. Each is used once; planting again replaces
        them."""
        n = min(self.p["rows"], n or self.p["rows"])
        out = self.st.path("codes.tsv")
        r = subprocess.run([self.build("gen"), "-c", self.st.conf_file, "codes", "--count",
                            str(n), "--batch", "500", "--out", out],
                           capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            raise RuntimeError("gen codes failed: " + r.stdout + r.stderr)
        with open(out) as f:
            return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]

    # ---- measuring -------------------------------------------------------
    def cpu_snapshot(self):
        # "workers": xuejid and bench/fcgiceil (one of them is idle in any run)
        return {"nginx": sum(cpu_ticks(p) for p in self.pid_nginx),
                "workers": sum(cpu_ticks(p) for p in self.pid_workers + self.pid_ceil),
                "mariadb": cpu_ticks(self.pid_db)}

    def count_regs(self, table="registration"):
        return int(self.st.sql("SELECT COUNT(*) FROM %s" % table)[0][0])

    def count_students(self):
        return int(self.st.sql("SELECT COUNT(*) FROM student")[0][0])

    def student_mark(self):
        """Where (e)'s window starts: the highest student and list ids."""
        r = self.st.sql("SELECT (SELECT COALESCE(MAX(id), 0) FROM student),"
                        " (SELECT COALESCE(MAX(id), 0) FROM admission_list)")[0]
        return int(r[0]), int(r[1])

    def school_diag(self, mark):
        """(e) as the database has it, for the student check's report:
        every list submitted in the window (its counts, its children
        approved, their student records, those still listed) and the
        records of the window that are no child of those lists."""
        smax, lmax = mark
        lists = [[x if i in (1, 2) else int(x) for i, x in enumerate(row)] for row in self.st.sql(
            "SELECT l.id, o.code, l.state, l.children, l.approved, l.returned,"
            " (SELECT COUNT(*) FROM admission a WHERE a.list_id = l.id AND a.state = 'approved'),"
            " (SELECT COUNT(*) FROM admission a JOIN student s ON s.registration_id ="
            " a.registration_id WHERE a.list_id = l.id),"
            " (SELECT COUNT(*) FROM admission a WHERE a.list_id = l.id AND a.state = 'listed')"
            " FROM admission_list l JOIN org o ON o.id = l.school_org_id WHERE l.id > %d"
            " ORDER BY l.id" % lmax)]
        r = self.st.sql(
            "SELECT COUNT(*), COALESCE(SUM(NOT EXISTS (SELECT 1 FROM admission a"
            " WHERE a.registration_id = s.registration_id AND a.list_id > %d)), 0)"
            " FROM student s WHERE s.id > %d" % (lmax, smax))[0]
        return {"lists": lists, "new_students": int(r[0]), "stray_students": int(r[1]),
                "mark": [smax, lmax]}

    # ---- (e) school staff ------------------------------------------------
    def staff_login(self, login):
        for _ in range(50):
            st, cookie, body = self.http("POST", "/api/school/v1/session",
                                         {"login": login, "password": "xueji-demo"})
            if st != 503:
                break
            time.sleep(0.2)
        if st != 200:
            raise RuntimeError("staff login of %s: %d %r" % (login, st, body[:200]))
        c = re.search(r"__Host-xj_staff=([^;]+)", cookie).group(1)
        return [c, json.loads(body)["csrf_token"]]

    def school_plan(self):
        """(e)'s plan file: the first demo school (src/ctl/seed.c: 111DD00001)
        of the first `schools` districts, each with its own printable
        children of its district (none of the wrk sessions' registrations,
        whose forms (d) fetches), chosen by their families (set here with
        SQL), and the district's county reviewer."""
        mine = set(s["n"] for s in self.sessions)
        dists = [r[0] for r in self.st.sql(
            "SELECT county_code FROM registration WHERE state = 'printable'"
            " GROUP BY county_code ORDER BY county_code")]
        plan = []
        # bench/gen makes the even-numbered registrations printable and
        # spreads them by i % 16, so 8 districts have printable children;
        # more schools than districts take 111DD00002, 111DD00003 too
        per = max(1, min(3, -(-self.p["schools"] // max(1, len(dists)))))
        for d in dists[:self.p["schools"]]:
            kids = [r[0] for r in self.st.sql(
                "SELECT r.prereg_no FROM registration r LEFT JOIN admission a"
                " ON a.registration_id = r.id WHERE r.county_code = '%s' AND r.state = 'printable'"
                " AND a.registration_id IS NULL ORDER BY r.id LIMIT %d" % (d, 3000 * per))
                if r[0] not in mine]
            county = self.staff_login(d + ".reviewer")
            for k in range(per):
                mykids = kids[k::per]
                if not mykids:
                    continue
                code = "111" + d[4:6] + "0000%d" % (k + 1)
                # the families chose this school: only the chosen school
                # ticks without the printed form (review M5)
                for i in range(0, len(mykids), 1000):
                    self.st.sql(
                        "UPDATE registration r JOIN org o ON o.kind = 'school' AND o.code = '%s'"
                        " SET r.school_org_id = o.id WHERE r.prereg_no IN (%s)"
                        % (code, ",".join("'%s'" % n for n in mykids[i:i + 1000])))
                plan.append({"school": code, "clerk": self.staff_login(code + ".clerk"),
                             "reviewer": self.staff_login(code + ".reviewer"),
                             "county": county, "children": mykids})
        path = self.st.path("schoolplan-%d.json" % len(self.results))
        with open(path, "w") as f:
            json.dump(plan, f)
        self.log("(e) plan: %d schools, %d printable children" % (
            len(plan), sum(len(p["children"]) for p in plan)))
        return [sys.executable, os.path.join(HERE, "school.py"), str(self.st.port),
                str(self.p["secs"]), path, str(self.a.school_batch)]

    def wrk(self, name, script_args=None, path="/", conns=None, secs=None, ceiling=None,
            parallel=None, parallel_name="... the login storm beside it", count=None,
            table="registration", rss_pids=None, think_ms=None):
        """One wrk run; CPU split by /proc; returns the result dict.
        count: [METHOD, BODY] runs bench/lua/count.lua at `path` (statuses
        counted); table: whose rows are counted before and after."""
        conns = conns or self.p["conns"]
        secs = secs or self.p["secs"]
        t = min(self.p["wrk_threads"], conns)
        self.cur_conns = conns
        cmd = [which("wrk"), "-t%d" % t, "-c%d" % conns, "-d%ds" % secs, "--timeout", "10s"]
        if count is not None:
            cmd += ["-s", os.path.join(HERE, "lua", "count.lua"), self.st.base_url + path,
                    "--"] + count
        elif script_args is None:
            cmd += ["-s", os.path.join(HERE, "lua", "ceil.lua"), self.st.base_url + path]
        elif think_ms is not None:
            # bench/lua/think.lua: xj.lua with a pause after each answer
            cmd += ["-s", os.path.join(HERE, "lua", "think.lua"), self.st.base_url + "/", "--"] + \
                script_args + [str(t), str(think_ms)]
        else:
            cmd += ["-s", os.path.join(HERE, "lua", "xj.lua"), self.st.base_url + "/", "--"] + \
                script_args + [str(t)]
        return self._run(name, [cmd] + ([parallel] if parallel else []), ceiling, parallel_name,
                         table, rss_pids or self.pid_workers)

    def drain(self, limit=30.0):
        """Wait until the workers are idle (requests of the previous run
        that wrk gave up on may still be hashing): worker CPU still for
        0.5 s, at most `limit` seconds."""
        end = time.monotonic() + limit
        last = self.cpu_snapshot()["workers"]
        while time.monotonic() < end:
            time.sleep(0.5)
            cur = self.cpu_snapshot()["workers"]
            if cur - last <= 1:
                return
            last = cur

    def _run(self, name, cmds, ceiling, parallel_name=None, table="registration",
             rss_pids=None):
        rss_pids = rss_pids or self.pid_workers
        self.drain()
        before_rows = self.count_regs(table)
        before_students = self.count_students()
        mark = self.student_mark()
        alog = self.st.path("log", "nginx-access.log")
        alog_at = os.path.getsize(alog) if os.path.exists(alog) else 0
        c0 = self.cpu_snapshot()
        t0 = time.monotonic()
        procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for c in cmds]
        outs, gen_cpu = [], 0.0
        for p in procs:
            out = p.stdout.read()
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            gen_cpu += ru.ru_utime + ru.ru_stime
            outs.append(out)
        wall = time.monotonic() - t0
        c1 = self.cpu_snapshot()
        results = []
        for out in outs:
            m = re.search(r"^XJRESULT (.*)$", out, re.M)
            if not m:
                raise RuntimeError("%s: no result from wrk:\n%s" % (name, out[-2000:]))
            results.append(json.loads(m.group(1)))
        res = results[0]
        res["name"] = name
        res["rps"] = res["requests"] / (res["duration_us"] / 1e6)
        res["cpu_s"] = {k: (c1[k] - c0[k]) / self.hz for k in c0}
        res["cpu_s"]["loadgen"] = gen_cpu
        res["wall_s"] = wall
        res["rss_kib"] = sum(rss_kib(p) for p in rss_pids)
        res["hwm_kib"] = sum(rss_kib(p, "VmHWM") for p in rss_pids)
        res["rows_table"] = table
        res["rows_delta"] = self.count_regs(table) - before_rows
        res["students_delta"] = self.count_students() - before_students
        if any("ticks" in x for x in results):
            res["school_diag"] = self.school_diag(mark)
        res["ceiling"] = ceiling
        res["conns"] = self.cur_conns
        res["routes"] = route_latencies(alog, alog_at)
        if len(results) > 1:
            res["parallel"] = results[1]
            results[1]["name"] = parallel_name
            results[1]["rps"] = results[1]["requests"] / (results[1]["duration_us"] / 1e6)
        self.results.append(res)
        self.log("%-28s %9.0f req/s p50 %6.1f ms p99 %7.1f ms p99.9 %7.1f ms statuses %s%s" % (
            name, res["rps"], res["p50_us"] / 1e3, res["p99_us"] / 1e3, res["p999_us"] / 1e3,
            res["statuses"] or "-", " EXHAUSTED" if res["exhausted"] else ""))
        return res

    def dbload(self, mode, threads):
        # each run its own range of children: 2 modes x repeat runs share
        # the span bench/benchdata.h leaves dbload
        span = min(500000, DBLOAD_SPAN // (2 * self.p["repeat"]))
        r = subprocess.run([self.build("dbload"), "-c", self.st.conf_file, "--threads",
                            str(threads), "--seconds", str(self.p["secs"]), "--max", str(span),
                            "--start", str(self.db_start), "--mode", mode,
                            "--parents", str(self.p["sessions"])],
                           capture_output=True, text=True, timeout=self.p["secs"] + 120)
        self.db_start += span
        if r.returncode != 0:
            raise RuntimeError("dbload failed: " + r.stdout + r.stderr)
        res = json.loads(r.stdout.strip().splitlines()[-1])
        self.log("dbload %-6s %3d threads %9.0f tx/s p50 %.1f ms p99 %.1f ms errors %d" % (
            mode, threads, res["tps"], res["p50_ms"], res["p99_ms"], res["errors"]))
        return res

    def run(self):
        self.t0 = time.monotonic()
        try:
            self.up()
            if self.a.soak:
                self.soak_run()
            elif self.a.storm:
                self.storm_run()
            else:
                self.scenarios()
        finally:
            self.problems = self.st.down()
            self.problems += self.st.log_problems()
            if not self.a.keep:
                shutil.rmtree(self.root, ignore_errors=True)
            else:
                print("stack kept in " + self.root)
        self.report()
        return 0 if self.ok() else 1

    def repeat(self, fn):
        """Run one measurement -- fn() is one wrk run (which appends its
        result to self.results) or one dbload run -- p["repeat"] times,
        back to back; the median by throughput stands for them all (in
        self.results once), with every run under "reps" and the range
        under "rps_min"/"rps_max". The checks (ok()) look at every run."""
        n = self.p["repeat"]
        mark = len(self.results)
        runs = [fn() for _ in range(n)]
        if n == 1:
            return runs[0]
        wrk_runs = len(self.results) > mark
        del self.results[mark:]
        key = "rps" if wrk_runs else "tps"
        order = sorted(runs, key=lambda r: r[key])
        med = dict(order[(n - 1) // 2])
        med["reps"] = runs
        med["rps_min"], med["rps_max"] = order[0][key], order[-1][key]
        if wrk_runs:
            self.results.append(med)
        self.log("median of %d: %-28s %9.0f/s (%.0f-%.0f)" % (
            n, med.get("name", "dbload " + med.get("mode", "")), med[key],
            med["rps_min"], med["rps_max"]))
        return med

    def scenarios(self):
        p = self.p
        R = self.repeat
        # warm-up: every worker thread connects and prepares
        self.wrk("warm-up", path="/healthz", secs=1)
        self.results.pop()
        self.wrk("warm-up", path="/bench/fcgi/select", secs=1)
        self.results.pop()
        self.ceil["static"] = R(lambda: self.wrk("ceiling: nginx static",
                                                 path="/bench/static"))["rps"]
        self.ceil["fcgi"] = R(lambda: self.wrk("ceiling: FastCGI no DB",
                                               path="/api/version"))["rps"]
        self.ceil["fcgi_select"] = R(lambda: self.wrk("ceiling: FastCGI + SELECT",
                                                      path="/healthz"))["rps"]
        # bench/fcgiceil: FastCGI with nothing of xuejid's in front of the
        # database; the INSERT one is (a)'s reference (issue 5)
        cp = self.pid_ceil
        self.ceil["bare_fcgi"] = R(lambda: self.wrk(
            "ceiling: bare FastCGI no DB", path="/bench/fcgi/none", rss_pids=cp))["rps"]
        self.ceil["bare_select"] = R(lambda: self.wrk(
            "ceiling: bare FastCGI + SELECT", path="/bench/fcgi/select", rss_pids=cp))["rps"]
        self.ceil["fcgi_insert"] = R(lambda: self.wrk(
            "ceiling: FastCGI + one durable INSERT", path="/bench/fcgi/insert",
            count=["POST", INSERT_BODY], table="bench_ceiling", rss_pids=cp))["rps"]
        self.db = {"reg": R(lambda: self.dbload("reg", p["db_threads"])),
                   "insert": R(lambda: self.dbload("insert", p["db_threads"]))}
        self.ceil["db_reg"] = self.db["reg"]["tps"]
        self.ceil["db_insert"] = self.db["insert"]["tps"]
        regceil = ("fcgi_insert", "db_reg")
        burst = R(lambda: self.wrk("(a) registration burst",
                                   [self.datafile(self.children_pool()), "register"],
                                   ceiling=regceil))
        # (a') the same 64 connections, each pausing after every answer so
        # that they offer about half the burst's throughput: the latency a
        # parent sees when the system is busy but not saturated (a closed
        # loop at saturation measures queueing: p50 = 64 / throughput)
        think = max(1, int(1000.0 * p["conns"] / (0.5 * max(burst["rps"], 1.0))))
        R(lambda: self.wrk("(a') registrations, 64 conns, %d ms think time" % think,
                           [self.datafile(self.children_pool()), "register"],
                           ceiling=regceil, think_ms=think))
        R(lambda: self.wrk("(b) status polling", [self.datafile([]), "status"],
                           ceiling=("fcgi_select", "bare_select")))
        # logins/s the hashing pool allows: concurrency = hash_slots (= cores)
        R(lambda: self.wrk("(c) logins at 2 conns (= hash_slots)", [self.datafile([]), "login"],
                           conns=2))
        R(lambda: self.wrk("(c) login storm", [self.datafile([]), "login"]))
        # (c') registrations alone at 16 connections, then beside the
        # sign-in storms, in the production layout (docs/operations.md "The
        # sign-in pool"): sign-ins on an xuejid of their own whose CPU the
        # kernel weighs low; without a writable cpu cgroup, on one pool
        # (said in the report). bench/run --storm compares the layouts.
        pooled = self.auth_pool_start()
        self.pids()
        self.storm_layout = ("the sign-in pool (--portal auth, CPU weight 1/10, quota half "
                             "the cores)" if pooled else "one pool (no writable cpu cgroup)")
        self.log("storms in the layout: " + self.storm_layout)
        # issue 16: the storm as families sign in on the opening morning,
        # by SMS code (no password hash), alone
        R(lambda: self.wrk("(c) code sign-in storm",
                           [self.datafile([], self.login_codes()), "login_code"]))
        for i in range(len(self.STORMS)):
            R(lambda: self.beside_storm(i, regceil))
        if pooled:
            self.auth_pool_stop()
            self.pids()
        R(lambda: self.wrk("(d) mixed first morning",
                           [self.datafile(self.children_pool()), "mixed"]))
        # (e) school ticking + county approving beside (d); every run its
        # own plan of children not ticked yet
        R(lambda: self.wrk("(d) mixed, beside (e)", [self.datafile(self.children_pool()), "mixed"],
                           parallel=self.school_plan(),
                           parallel_name="(e) schools tick, counties approve"))

    # ---- the sign-in storm's levers (issue 16) ----------------------------
    # The storm as the opening morning brings it: families arrive, each
    # signs in and, answered 503, tries again a little later. 64
    # connections pausing STORM_THINK_MS after every answer offer at most
    # 64 / 0.1 s = 640 sign-ins a second -- the rate at which Gauteng's
    # 2016 system fell over (issue 16). think_ms=None: the closed loop
    # with no pause at all, the worst case (a client that ignores
    # Retry-After and hammers; in production nginx's per-address zones
    # answer it with 429 before a worker sees it).
    STORM_THINK_MS = 100

    # registrations at 16 connections alone, then beside each storm: (name,
    # the storm's xj.lua mode, think time or None for the closed loop, the
    # storm's row in the report); storm_lines() reads them in this order
    STORMS = [
        ("registrations alone, 16 conns", None, None, None),
        ("registrations + login storm", "login", STORM_THINK_MS,
         "... the login storm beside it"),
        ("registrations + code sign-in storm", "login_code", STORM_THINK_MS,
         "... the code sign-in storm beside it"),
        ("registrations + login storm, closed loop", "login", None,
         "... the closed-loop login storm beside it"),
    ]

    def beside_storm(self, i, ceiling=None):
        """One run of STORMS[i]; a code storm gets fresh codes planted."""
        name, mode, think, pname = self.STORMS[i]
        storm = None
        if mode:
            storm = self.storm_cmd(mode, self.login_codes() if mode == "login_code" else None,
                                   think_ms=think)
        return self.wrk(name, [self.datafile(self.children_pool()), "register"], conns=16,
                        ceiling=ceiling, parallel=storm, parallel_name=pname)

    def storm_cmd(self, mode, codes=None, think_ms=STORM_THINK_MS):
        data = self.datafile([], codes or ())
        cmd = [which("wrk"), "-t1", "-c64", "-d%ds" % self.p["secs"], "--timeout", "10s"]
        if think_ms is None:
            return cmd + ["-s", os.path.join(HERE, "lua", "xj.lua"), self.st.base_url + "/",
                          "--", data, mode, "1"]
        return cmd + ["-s", os.path.join(HERE, "lua", "think.lua"), self.st.base_url + "/",
                      "--", data, mode, "1", str(think_ms)]

    STORM_VARIANTS = [
        ("as shipped, one pool: hash_slots = half the cores, sign-in gate", {}),
        ("no sign-in gate", {"signin_slots": 4096}),
        ("before issue 16: hash_slots = all cores, nice 0, no gate",
         {"hash_slots": os.cpu_count() or 2, "signin_slots": 4096}),
        # the production layout (docs/operations.md "The sign-in pool"):
        # sign-ins on an xuejid of their own (--portal auth) whose CPU is
        # weighted low and capped at half the cores, as systemd's
        # CPUWeight=/CPUQuota= do (here a cgroup v1 cpu controller)
        ("the sign-in pool: its own xuejid, CPU weight 1/10, quota half the cores", "pool"),
    ]

    CGROUP = "/sys/fs/cgroup/cpu"

    def auth_pool_start(self):
        """An xuejid --portal auth on its own socket, in a cgroup with
        cpu.shares 102 (1/10 of the default) and a quota of half the
        cores; nginx's xueji_auth upstream pointed at it. False when no
        writable cpu cgroup is there (the variant is then skipped)."""
        cg = os.path.join(self.CGROUP, "xj-bench-auth-%d" % os.getpid())
        try:
            os.makedirs(cg, exist_ok=True)
            with open(os.path.join(cg, "cpu.shares"), "w") as f:
                f.write("102")
            with open(os.path.join(cg, "cpu.cfs_period_us"), "w") as f:
                f.write("100000")
            with open(os.path.join(cg, "cpu.cfs_quota_us"), "w") as f:
                f.write(str(50000 * (os.cpu_count() or 2)))
        except OSError as e:
            self.log("no cpu cgroup (%s): the sign-in pool variant is skipped" % e)
            return False
        st = self.st
        sock = st.path("run", "xuejid-auth.sock")
        out = open(st.path("log", "xuejid-auth.log"), "a")
        self.auth_proc = subprocess.Popen([st.bin("xuejid"), "-c", st.conf_file, "--listen", sock,
                                           "--portal", "auth", "--threads", "8"],
                                          stdout=out, stderr=out, env=st.worker_env())
        out.close()
        wait_for(lambda: os.path.exists(sock), 30, "the sign-in pool's socket")
        try:
            with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                f.write(str(self.auth_proc.pid))
        except OSError as e:
            self.log("cannot move the sign-in pool into its cgroup (%s): skipped" % e)
            self.auth_proc.send_signal(signal.SIGTERM)
            self.auth_proc.wait(30)
            os.rmdir(cg)
            return False
        self.auth_cg = cg
        st.auth_sockets = [sock]
        st.write_nginx_conf()
        st.nginx_proc.send_signal(signal.SIGHUP)
        time.sleep(1)
        return True

    def auth_pool_stop(self):
        st = self.st
        st.auth_sockets = None
        st.write_nginx_conf()
        st.nginx_proc.send_signal(signal.SIGHUP)
        time.sleep(1)
        self.auth_proc.send_signal(signal.SIGTERM)
        self.auth_proc.wait(30)
        try:
            os.rmdir(self.auth_cg)
        except OSError:
            pass

    def storm_run(self):
        """--storm: registrations alone, beside a password sign-in storm and
        beside a code sign-in storm, under each variant of the levers
        (workers restarted with its [security] keys): which lever wins,
        measured in one run on one machine (docs/benchmarks.md)."""
        p = self.p
        regceil = None
        self.storm_variants = []
        for label, keys in self.STORM_VARIANTS:
            pool = keys == "pool"
            self.st.extra_conf["security"] = {} if pool else dict(keys)
            self.st.write_conf()
            self.st.stop_workers()
            self.st.start_workers()
            if pool and not self.auth_pool_start():
                continue
            self.pids()
            self.log("variant: %s %s" % (label, json.dumps(keys)))
            mark = len(self.results)
            # each round measures "alone" right before the storms it is
            # compared with, and the ratio is taken per round: a machine
            # whose background load drifts moves both sides of a ratio
            for _ in range(p["repeat"]):
                for i in range(len(self.STORMS)):
                    self.beside_storm(i)
            if pool:
                self.auth_pool_stop()
            for r in self.results[mark:]:
                r["variant"] = label
            self.storm_variants.append((label, self.results[mark:]))
        self.st.extra_conf.pop("security", None)

    # ---- soak --------------------------------------------------------------
    def soak_run(self):
        """The mixed profile (d) for --soak MINUTES without a break, the
        worker's VmRSS sampled every 30 s (issue 5: no growth over a
        10-minute soak). Registrations need distinct children: the pool is
        sized for ~650 registrations/s, at most 420 000 (session 3's
        registrations ran ~500/s in (d) and emptied a 450/s pool); if it runs out the
        wrk thread stops (reported as exhausted, the soak then ends early)."""
        secs = int(self.a.soak * 60)
        self.wrk("warm-up", path="/healthz", secs=1)
        self.results.pop()
        n = min(420000, 650 * secs)
        self.p["pool"] = n
        data = self.datafile(self.children_pool_n(n))
        samples = []
        stop = threading.Event()

        def sample():
            t0 = time.monotonic()
            while True:
                samples.append((time.monotonic() - t0,
                                sum(rss_kib(p) for p in self.pid_workers),
                                sum(rss_kib(p, "VmHWM") for p in self.pid_workers)))
                if stop.wait(30):
                    return
        th = threading.Thread(target=sample, daemon=True)
        th.start()
        try:
            self.wrk("soak: mixed first morning", [data, "mixed"], secs=secs)
        finally:
            stop.set()
            th.join()
        samples.append((samples[-1][0] + 0.0, self.results[-1]["rss_kib"],
                        self.results[-1]["hwm_kib"]))
        # idle after the soak (the hashes wrk gave up on have ended): the
        # number to compare with the idle one before it, free of scrypt's
        # 32 MiB per running hash
        self.drain()
        time.sleep(2)
        self.soak = {"minutes": self.a.soak, "samples": samples,
                     "idle_after": sum(rss_kib(p) for p in self.pid_workers)}

    def children_pool_n(self, n):
        keep = self.p["pool"]
        self.p["pool"] = n
        try:
            return self.children_pool()
        finally:
            self.p["pool"] = keep

    def soak_text(self):
        sm = self.soak["samples"]
        # growth: from the first sample after the first minute (threads have
        # all run, scrypt buffers have come and gone) to the last
        warm = [x for x in sm if x[0] >= 60] or sm
        lo = min(x[1] for x in warm)
        hi = max(x[1] for x in warm)
        t = ["", "soak %.1f min: worker VmRSS MiB every 30 s: %s" % (
            self.soak["minutes"], " ".join("%.0f" % (x[1] / 1024) for x in sm)),
            "after the first minute: min %.1f, max %.1f, first %.1f, last %.1f MiB;"
            " VmHWM %.1f MiB" % (lo / 1024, hi / 1024, warm[0][1] / 1024, warm[-1][1] / 1024,
                                 sm[-1][2] / 1024),
            "idle: %.1f MiB before the soak, %.1f MiB after it (workers drained)" % (
                sm[0][1] / 1024, self.soak.get("idle_after", 0) / 1024), ""]
        return "\n".join(t)

    def storm_text(self):
        """Issue 16's figures, in every run: registrations beside each
        sign-in storm as a share of registrations alone (the goal: >= 70%,
        p99 < 200 ms), and what the storm itself got; per variant of the
        levers under --storm."""
        groups = getattr(self, "storm_variants", None) or [
            (getattr(self, "storm_layout", None), self.results)]
        return "".join(self.storm_lines(label, rs) for label, rs in groups)

    def storm_lines(self, label, results):
        """Per storm: the median over rounds of (registrations beside it /
        registrations alone in the same round), the median p99s, and what
        the storm itself got. results: in order, each round's "alone"
        first (storm_run), or the scenarios' single run."""
        rounds, cur = [], None
        for r in results:
            if r["name"] == "registrations alone, 16 conns":
                cur = {"alone": r}
                rounds.append(cur)
            elif cur is not None and "storm" in r["name"]:
                cur[r["name"]] = r
        if not rounds:
            return ""
        med = lambda v: sorted(v)[(len(v) - 1) // 2]
        t = ["", "sign-in storm (issue 16; goal: registrations >= 70%% of alone, p99 < 200 ms)%s, "
             "%d round(s), medians:" % (" -- " + label if label else "", len(rounds))]
        for name in ("registrations + login storm", "registrations + code sign-in storm",
                     "registrations + login storm, closed loop"):
            pairs = [(x["alone"], x[name]) for x in rounds if name in x and x["alone"]["rps"]]
            if not pairs:
                continue
            ratios = [100.0 * b["rps"] / a["rps"] for a, b in pairs]
            served = [b.get("parallel", {}).get("statuses", {}).get("200", 0) /
                      max(b.get("parallel", {}).get("duration_us", 1) / 1e6, 1e-9) for a, b in pairs]
            shed = [b.get("parallel", {}).get("statuses", {}).get("503", 0) for a, b in pairs]
            t.append("- %s: %.0f%% of alone (rounds: %s), %.0f/s beside vs %.0f/s alone, "
                     "registration p99 %.1f ms (alone %.1f ms); the storm: %.0f sign-ins/s served, "
                     "%d shed (503) a round, its p99 %.1f ms" % (
                         name, med(ratios), " ".join("%.0f%%" % x for x in ratios),
                         med([b["rps"] for a, b in pairs]), med([a["rps"] for a, b in pairs]),
                         med([b["p99_us"] for a, b in pairs]) / 1e3,
                         med([a["p99_us"] for a, b in pairs]) / 1e3, med(served), med(shed),
                         med([b.get("parallel", {}).get("p99_us", 0) for a, b in pairs]) / 1e3))
        return "\n".join(t) + "\n"

    # ---- checks and report -------------------------------------------------
    def errors_of(self, r):
        """Everything but 2xx/3xx is an error (no 409 is expected: children
        are distinct and forms are fetched for printable registrations
        only); "409dup" is a duplicate_child answer, told apart for
        diagnosis."""
        bad = sum(n for st, n in r["statuses"].items()
                  if st == "409dup" or not 200 <= int(st) < 400)
        if r["name"] in ("(c) login storm", "(c) code sign-in storm",
                         "(d) mixed first morning", "(d) mixed, beside (e)",
                         "soak: mixed first morning"):
            # shedding by the hashing pool (503 + Retry-After) is the
            # designed answer to more logins than the cores can hash: it
            # is reported in the statuses, not counted as an error. Only
            # logins answer 503 while the database is up (the worker logs
            # say which route), so nothing else hides here.
            bad -= r["statuses"].get("503", 0)
        sock = r["connect"] + r["read"] + r["write"] + r["timeout"]
        return bad + sock + (r["status_errors"] if not r["statuses"] else 0)

    def row_check(self, r):
        """Every 201 is a row; rows without a counted 201 are at most the
        requests in flight when wrk stopped (their answers are dropped by
        wrk, their transactions commit): one per connection."""
        created = r["statuses"].get("201", 0)
        return created <= r["rows_delta"] <= created + r["conns"]

    def school_errors(self, q):
        """(e): every answer must be 2xx (children are the schools' own, so
        no already_ticked), no socket error."""
        return sum(n for st, n in q["statuses"].items() if not 200 <= int(st) < 300) + \
            q["connect"] + q["read"] + q["write"] + q["timeout"]

    def student_check(self, r):
        """Every approved child got exactly one student record, and no
        record appeared without an approval."""
        q = r.get("parallel") or {}
        return r["students_delta"] == q.get("approved", 0)

    @staticmethod
    def student_diag_text(r):
        """What a failed student check saw, list by list: the client's
        answers (bench/school.py) beside the database's counts, so that
        a mismatch that does not come again can still be told apart (a
        list the client counted but the database did not, a list the
        database decided but the client never heard of, a record outside
        the lists, approved children without a record)."""
        q = r.get("parallel") or {}
        d = r.get("school_diag") or {}
        out = ["(e) student check: students +%d / approved %d MISMATCH; window from student id > %s,"
               " list id > %s: %s new records, %s of no list of the window" % (
                   r["students_delta"], q.get("approved", 0), *(d.get("mark") or ["?", "?"]),
                   d.get("new_students", "?"), d.get("stray_students", "?"))]
        seen = {x[0]: x for x in q.get("lists_seen", [])}
        out.append("(e) list: id school state children approved returned | database: approved"
                   " children, their records, still listed | client: last status, approved, 202s")
        for l in d.get("lists", []):
            c = seen.pop(l[0], None)
            flag = ""
            if l[4] != l[7] or l[6] != l[7] or (c and c[2] is not None and c[2] != l[4]):
                flag = "  <-- disagrees"
            out.append("(e) list %s %s %s %s %s %s | %s %s %s | %s%s" % (
                l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], l[8],
                "%s %s %s" % (c[1], c[2], c[3]) if c else "never decided by the client", flag))
        for c in seen.values():
            out.append("(e) list %s: the client's (status %s, approved %s) but not in the database's"
                       " window" % (c[0], c[1], c[2]))
        return "\n".join(out)

    @staticmethod
    def reps(r):
        """Every run a result stands for (itself unless repeated)."""
        return r.get("reps") or [r]

    def ok(self):
        good = not self.problems
        for r in [x for res in self.results for x in self.reps(res)]:
            if self.errors_of(r):
                good = False
            if not self.row_check(r):
                good = False
            if not self.student_check(r):
                good = False
            q = r.get("parallel")
            if q and "ticks" in q and (self.school_errors(q) or not q["ticks"]):
                good = False
        if getattr(self, "soak", None) and self.soak.get("error"):
            good = False
        return good

    def report(self):
        lines = []
        w = lines.append
        w("| run | req/s | p50 ms | p99 ms | p99.9 ms | errors | 201 / rows added | "
          "CPU s nginx / workers / MariaDB / wrk | worker RSS (peak) MiB | ceiling ratio |")
        w("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
        def rate(r, key="rps"):
            # the median run, and the range of all runs when repeated
            if r.get("reps"):
                return "%.0f (%.0f-%.0f)" % (r[key], r["rps_min"], r["rps_max"])
            return "%.0f" % r[key]

        def pct(r):
            # rps / ceiling, of the median run against the median ceiling
            return ", ".join("%.0f%% of %s" % (100 * r["rps"] / self.ceil[k], k)
                             for k in ([r["ceiling"]] if isinstance(r["ceiling"], str)
                                       else r["ceiling"]))

        for r in self.results:
            c = r["cpu_s"]
            runs = self.reps(r)
            ratio = pct(r) if r["ceiling"] else ""
            w("| %s | %s | %.1f | %.1f | %.1f | %d | %d / %d%s | %.1f / %.1f / %.1f / %.1f | "
              "%.0f (%.0f) | %s |" % (
                  r["name"], rate(r), r["p50_us"] / 1e3, r["p99_us"] / 1e3, r["p999_us"] / 1e3,
                  sum(self.errors_of(x) for x in runs), r["statuses"].get("201", 0),
                  r["rows_delta"], "" if all(self.row_check(x) for x in runs) else " MISMATCH",
                  c["nginx"], c["workers"], c["mariadb"], c["loadgen"],
                  r["rss_kib"] / 1024, r["hwm_kib"] / 1024, ratio))
            if "parallel" in r:
                q = r["parallel"]
                if "ticks" in q:
                    secs = q["duration_us"] / 1e6
                    w("| %s | %.0f | %.1f | %.1f | %.1f | %d | students +%d / approved %d%s | "
                      "%d schools: %.1f ticks/s, %.1f lists/s, %.1f approved/s | | %s |" % (
                          q["name"], q["rps"], q["p50_us"] / 1e3, q["p99_us"] / 1e3,
                          q["p999_us"] / 1e3,
                          sum(self.school_errors(x["parallel"]) for x in runs),
                          r["students_delta"], q["approved"],
                          "" if all(self.student_check(x) for x in runs) else " MISMATCH",
                          q["schools"], q["ticks"] / secs, q["lists"] / secs,
                          q["approved"] / secs, json.dumps(q["statuses"])))
                else:
                    w("| %s | %.0f | %.1f | %.1f | %.1f | %s | | | | |" % (
                        q["name"], q["rps"], q["p50_us"] / 1e3, q["p99_us"] / 1e3,
                        q["p999_us"] / 1e3, json.dumps(q["statuses"])))
        for k in ("reg", "insert"):
            d = self.db[k] if hasattr(self, "db") else None
            if d:
                w("| ceiling: MariaDB alone, %s tx, %d threads | %s | %.1f | %.1f | %.1f | %d | | | | |" % (
                    "registration" if k == "reg" else "1-row INSERT", d["threads"], rate(d, "tps"),
                    d["p50_ms"], d["p99_ms"], d["p999_ms"],
                    sum(x["errors"] for x in self.reps(d))))
        text = "\n".join(lines) + "\n" + self.storm_text()
        head = ("mode %s, %s, rows %d, scrypt ln=%d r=8 p=5, xuejid 1 x %d threads, wrk -c%d, %ds per run%s; %s\n"
                % (self.a.mode, datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
                   self.p["rows"], self.p["scrypt"], self.p["threads"], self.p["conns"],
                   self.p["secs"],
                   ", median of %d runs (min-max req/s), errors summed over all runs"
                   % self.p["repeat"] if self.p["repeat"] > 1 else "",
                   getattr(self, "gen_line", "")))
        print("\n" + head + text)
        for r in self.results:
            q = r.get("parallel") or {}
            if q.get("exhausted"):
                print("note: %s beside %s ran out of %s" % (
                    q.get("name"), r["name"],
                    "printable children" if "ticks" in q else "sign-in codes"))
            if r["exhausted"]:
                print("note: %s ran out of distinct children (pool %d)" % (r["name"], self.p["pool"]))
        for r in self.results:
            if r["name"].startswith("(d)") or "storm" in r["name"]:
                keep = [(k, v) for k, v in sorted(r.get("routes", {}).items())
                        if v["n"] >= 20 and not k.endswith(" -")]
                if keep:
                    line = "%s, per route (nginx request_time): %s" % (r["name"], ", ".join(
                        "%s %d x p99 %.0f ms" % (k, v["n"], v["p99_ms"]) for k, v in keep))
                    print(line)
                    text += "\n" + line + "\n"
        for r in self.results:
            q = r.get("parallel") or {}
            for e in q.get("errors", []):
                print("(e) error: " + e)
            if q.get("kinds"):
                line = "(e) per request kind (lists of up to %d): %s" % (q["batch"], ", ".join(
                    "%s %d x, p50 %.1f ms, p99 %.1f ms" % (k, v["n"], v["p50_ms"], v["p99_ms"])
                    for k, v in sorted(q["kinds"].items())))
                print(line)
                text += "\n" + line + "\n"
        for r in self.results:
            for x in self.reps(r):
                if not self.student_check(x):
                    line = self.student_diag_text(x)
                    print(line)
                    text += "\n" + line + "\n"
        if getattr(self, "soak", None):
            text += self.soak_text()
            print(self.soak_text())
        for pr in self.problems:
            print("problem: " + pr)
        if self.a.report:
            with open(self.a.report, "w") as f:
                f.write(head + "\n" + text)
            with open(self.a.report + ".json", "w") as f:
                json.dump({"profile": self.p, "ceilings": self.ceil, "results": self.results,
                           "db": getattr(self, "db", None)}, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    for m in PROFILES:
        g.add_argument("--" + m, dest="mode", action="store_const", const=m)
    ap.add_argument("--build", default=os.environ.get("XJ_BUILDDIR") or
                    os.path.join(SRCDIR, "_build", "default"))
    ap.add_argument("--dir", help="stack directory (default: a new one under /tmp)")
    ap.add_argument("--report", help="write the markdown table here (+ .json)")
    ap.add_argument("--rows", type=int, help="override the profile's pre-loaded rows")
    ap.add_argument("--secs", type=int, help="override the profile's seconds per run")
    ap.add_argument("--keep", action="store_true", help="keep the stack directory")
    ap.add_argument("--repeat", type=int, metavar="N",
                    help="run every ceiling and scenario N times and report the median "
                    "(default 1; --full 3)")
    ap.add_argument("--school-batch", type=int, default=10, metavar="N",
                    help="(e): children ticked per list the county approves (default 10)")
    ap.add_argument("--storm", action="store_true",
                    help="only the sign-in storm scenarios, under each variant of the levers "
                    "(issue 16)")
    ap.add_argument("--soak", type=float, nargs="?", const=10.0, default=None, metavar="MINUTES",
                    help="only the mixed profile for MINUTES (default 10), worker RSS every 30 s")
    ap.set_defaults(mode="quick")
    args = ap.parse_args()
    if args.repeat is not None and not 1 <= args.repeat <= 9:
        ap.error("--repeat must be 1 to 9")
    args.build = os.path.abspath(args.build)
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
