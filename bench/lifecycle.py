#!/usr/bin/env python3
"""lifecycle.py -- issues 11 and 12 "Speed" at 2,000,000 records
(docs/benchmarks.md "Lifecycle at 2,000,000 records").

    python3 bench/lifecycle.py [--smoke] [--students N] [--counties C]
        [--schools S] [--cases K] [--groups G] [--lists L] [--transfers T]
        [--clients X,Y] [--samples R] [--buffer-pool SIZE] [--threads W]
        [--chunk C] [--profile] [--hold SECONDS] [--report FILE]

Runs on the black-box harness's template (tests/api/xjtest.py: migrated,
demo-seeded), in a stack of its own under /var/tmp/lcbench-* (two xuejid
workers of --threads 16, nginx, the SMS simulator), with MariaDB made
durable as in production (flush at commit, ROW binary log, sync_binlog=1),
a buffer pool of --buffer-pool (default 2G) and its tmpdir in the stack
directory. No jobs runner runs in the background: every job is run with
`xuejictl jobs --once` when a step needs it (the SMS codes of the
sign-ups, the promotion).

The city (not timed as a measurement; its time and the data size are
reported): C bench counties (990001...) under Beijing of S schools each,
N student records spread evenly over the schools and grades 1-6 (INSERT
... SELECT from the sequence engine in 50,000-row transactions, as
bench/yearend.py and bench/problemcheck.py do: distinct child and person
blind indexes, a 51-byte identity ciphertext, the size field.c writes,
a valid temporary student number L..., its student_no_issued row), K open
workflow cases (a quarter transfer_province between two bench counties,
the rest transfer_county, the open step anywhere in the chain, deadlines
from 10 working days ago to 30 ahead: about a quarter overdue, marked as
the tick marks them) and G two-member same-person problem groups (half
open) in one county. Then, through nginx:

  inbox     GET /workflow/inbox of a county reviewer and a school reviewer,
            R times each, one keep-alive connection, each followed by GET
            /api/version (the machine's noise at that moment): p50 / p99
            (< 50 ms), nginx's upstream time, the stack's CPU per request
  problems  GET /problem-groups?limit=50 of the county's reviewer (< 50 ms)
  admission the county approves L lists of 10 children registered over
            HTTP (problemcheck.py's method: Server-Timing decide and
            problem_check of the same request; with vs without < 15%)
  transfers X client threads, each a receiving school's clerk starting a
            same-county transfer, the sending school's reviewer and the
            county's approving (3 transitions a case), T cases a round, a
            round per X of --clients (16,32): transitions per second
            (>= 300/s), statements, commits, fsyncs and the stack's CPU
            per transition; then bench/dbload --mode insert (the
            machine's durable commits per second at that moment)
  promotion the promotion batch of county 990001 (N/C records): created and
            started over HTTP, applied by `xuejictl jobs --once yearend`
            (< 2 min for 200,000)

Prints TAP with the tables as comments; --report FILE writes the markdown
table and FILE.json. The load average is sampled beside every figure.
--smoke: 20,000 records, 2 counties of 10 schools, 1,000 cases, 500
groups, 2 lists, 30 transfers (about 15 s; proves the scenario, no
figure; tests/bench_smoke.sh runs it). --profile: every statement of the
transfer rounds in the slow log, the costliest printed. --hold S: keep
the stack up S seconds after the report (EXPLAIN, ANALYZE by hand)."""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "api"))

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--smoke", action="store_true")
ap.add_argument("--students", type=int)
ap.add_argument("--counties", type=int)
ap.add_argument("--schools", type=int, help="schools per bench county")
ap.add_argument("--cases", type=int, help="open workflow cases")
ap.add_argument("--groups", type=int, help="problem groups")
ap.add_argument("--lists", type=int, help="admission lists of 10 approved")
ap.add_argument("--transfers", type=int, help="transfer cases started and approved")
ap.add_argument("--clients", default="16,32", help="client threads for the transfers, one round each")
ap.add_argument("--samples", type=int, default=400, help="requests per latency figure")
ap.add_argument("--buffer-pool", default="2G")
ap.add_argument("--threads", type=int, default=16, help="xuejid threads per worker (2 workers)")
ap.add_argument("--profile", action="store_true",
                help="log every statement of the transfers (slow log, long_query_time 0) and print the costliest")
ap.add_argument("--hold", type=int, default=0, help="seconds to keep the stack up after the report")
ap.add_argument("--chunk", default="500", help="[yearend] chunk")
ap.add_argument("--report")
A = ap.parse_args()
SMOKE = dict(students=20000, counties=2, schools=10, cases=1000, groups=500, lists=2, transfers=30)
FULL = dict(students=2000000, counties=10, schools=100, cases=100000, groups=50000, lists=20,
            transfers=2400)
for k, v in (SMOKE if A.smoke else FULL).items():
    if getattr(A, k) is None:
        setattr(A, k, v)
A.clients = [int(x) for x in str(A.clients).split(",")]
if A.smoke:
    A.samples = min(A.samples, 50)
if A.students < 6 * A.counties * A.schools or A.counties < 2 or not 1 <= A.schools <= 999:
    raise SystemExit("need 2+ counties, 1-999 schools each, 6+ records per school")
sys.argv[1:] = []

import xjtest  # noqa: E402
from parent import new_child, reg_body, signed_up  # noqa: E402
from staff import signed_in  # noqa: E402
from xjtest import Failure, Session, run_on, test  # noqa: E402
import population  # noqa: E402

API = "/api/school/v1"
LOAD_BATCH = 50000
BASE_REG = 900000000000
TARGET_MS, TARGET_STEPS, TARGET_YEAREND_S, TARGET_SHARE = 50.0, 300.0, 120.0, 0.15
R = {"params": {k: getattr(A, k) for k in ("students", "counties", "schools", "cases", "groups",
                                            "lists", "transfers", "clients", "samples", "buffer_pool")},
     "figures": {}}
CTX = {}


def load():
    return os.getloadavg()[0]


def note(msg):
    print("# [%s load %.1f] %s" % (time.strftime("%H:%M:%S", time.gmtime()), load(), msg), flush=True)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def q1(s, sql):
    return s.sql(sql)[0][0]


def school_year():
    t = time.gmtime(time.time() + 8 * 3600)     # Beijing
    return t.tm_year if t.tm_mon >= 9 else t.tm_year - 1


class Client:
    """A staff member on one keep-alive connection (no schema check of
    the answers: the client's own CPU is part of what the machine does)."""

    def __init__(self, s, login, password="xueji-demo"):
        self.s = s
        self.port = s.stack.port
        self.conn = None
        self.cookie = self.csrf = None
        st, b, _ = self.call("POST", API + "/session", {"login": login, "password": password})
        if st != 200:
            raise Failure("login %s: %d %r" % (login, st, b))

    def call(self, method, path, body=None):
        h = {"Accept": "application/json"}
        if self.cookie:
            h["Cookie"] = "__Host-xj_staff=" + self.cookie
        if self.csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            h["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            try:
                t0 = time.monotonic()
                self.conn.request(method, path, body=data, headers=h)
                resp = self.conn.getresponse()
                raw = resp.read()
                ms = (time.monotonic() - t0) * 1000
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        for part in (resp.getheader("Set-Cookie", "") or "").split(", "):
            if part.startswith("__Host-xj_staff="):
                self.cookie = part.split(";", 1)[0][len("__Host-xj_staff="):]
        b = json.loads(raw) if raw and raw[:1] in (b"{", b"[") else raw
        if isinstance(b, dict) and b.get("csrf_token"):
            self.csrf = b["csrf_token"]
        return resp.status, b, ms


def account(s, like, tag):
    """A clone of the bench account `like` (same org, role, password)."""
    login = "b%s.%s" % (tag, like)
    s.sql("INSERT IGNORE INTO staff_account (org_id, login, display_name, role, pw_hash) SELECT org_id,"
          " '%s', display_name, role, pw_hash FROM staff_account WHERE login = '%s'" % (login, like))
    return login


def stack_pids(s):
    pids = []
    for name in os.listdir(s.stack.path("run")):
        if name.endswith(".pid") and (name.startswith("mariadb") or name.startswith("xuejid")
                                      or name.startswith("nginx")):
            try:
                with open(s.stack.path("run", name)) as f:
                    pids.append(int(f.read().split()[0]))
            except (OSError, ValueError, IndexError):
                pass
    return pids


def cpu_ms(s):
    """CPU time (user + system, ms) of the stack's MariaDB, workers and
    nginx (with its worker children) and of this client: what a request
    costs the machine, whatever else runs beside it."""
    hz = os.sysconf("SC_CLK_TCK")
    total = 0
    pids = stack_pids(s)
    for pid in list(pids):
        try:     # nginx's master: add its workers
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                pids += [int(x) for x in f.read().split()]
        except OSError:
            pass
    for pid in set(pids):
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) * 1000 // hz
        except (OSError, IndexError, ValueError):
            pass
    me = os.times()
    return total, (me.user + me.system) * 1000


def db_status(s):
    return {k: int(v) for k, v in s.sql("SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit',"
                                         " 'Innodb_data_fsyncs', 'Binlog_commits', 'Binlog_group_commits')")}


def access_log(s):
    return s.stack.path("log", "nginx-access.log")


def log_mark(s):
    try:
        return os.path.getsize(access_log(s))
    except OSError:
        return 0


def server_ms(s, mark, uri_part, method=None):
    """nginx's upstream response times (the worker's time, without the
    client's) of the requests logged since mark whose route holds uri_part."""
    out = []
    with open(access_log(s), "rb") as f:
        f.seek(mark)
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if uri_part in e.get("uri", "") and (method is None or e.get("method") == method):
                try:
                    out.append(float(e["urt"].split(",")[-1]) * 1000)
                except (KeyError, ValueError):
                    pass
    return out


def latency(name, client, path, n, check=None):
    """n requests of path, each followed by a GET /api/version on the same
    connection (answered from memory: what nginx, FastCGI and the client
    cost at this moment's load), so both see the same machine."""
    s = client.s
    ms, ref = [], []
    mark = log_mark(s)
    c0 = cpu_ms(s)
    for _ in range(n):
        st, b, t = client.call("GET", path)
        if st != 200:
            raise Failure("%s: %d %r" % (path, st, b))
        ms.append(t)
        st2, _, t2 = client.call("GET", "/api/version")
        ref.append(t2)
    c1 = cpu_ms(s)
    if check:
        check(b)
    srv = server_ms(s, mark, path.split("?")[0].rsplit("/", 1)[-1], "GET")
    row = {"p50_ms": round(statistics.median(ms), 2), "p90_ms": round(pct(ms, 90), 2),
           "p99_ms": round(pct(ms, 99), 2), "max_ms": round(max(ms), 2), "n": n,
           "version_p50_ms": round(statistics.median(ref), 2), "version_p99_ms": round(pct(ref, 99), 2),
           "stack_cpu_ms_per_request": round((c1[0] - c0[0]) / n, 2),
           "client_cpu_ms_per_request": round((c1[1] - c0[1]) / n, 2),
           "load": round(load(), 1)}
    if srv:
        row.update(server_p50_ms=round(statistics.median(srv), 1), server_p99_ms=round(pct(srv, 99), 1))
    R["figures"][name] = row
    note("%s: %r" % (name, row))
    return row


# ---- the city ------------------------------------------------------------------

@test("lifecycle: a city of bench counties, schools, student records, open cases and problem groups")
def _(s):
    t_all = time.monotonic()
    year = school_year() - 1            # the school year that ended (yearend.py)
    CTX["year"] = year
    city_id, city_path = s.sql("SELECT id, path FROM org WHERE kind = 'city' AND code = '110100'")[0]
    pw = q1(s, "SELECT pw_hash FROM staff_account WHERE login = '110105.reviewer'")
    counties = ["99%04d" % (c + 1) for c in range(A.counties)]
    s.sql("INSERT INTO org (kind, code, name, parent_id, path) VALUES "
          + ", ".join("('county', '%s', 'bench county %s', %s, '%s%s/')" % (c, c, city_id, city_path, c)
                      for c in counties))
    cids = {}
    for c in counties:
        cid, cpath = s.sql("SELECT id, path FROM org WHERE kind = 'county' AND code = '%s'" % c)[0]
        cids[c] = int(cid)
        s.sql("INSERT INTO org (kind, code, name, parent_id, path, county_id, supervisor_id) VALUES "
              + ", ".join("('school', '9%s%03d', 'bench school %s-%d', %s, '%s9%s%03d/', %s, %s)"
                          % (c, k, c, k, cid, cpath, c, k, cid, cid) for k in range(A.schools)))
    CTX["counties"], CTX["cids"] = counties, cids
    # the school number k of the city: county k DIV S, school k MOD S
    s.sql("CREATE TABLE bench_school (k INT PRIMARY KEY, id INT UNSIGNED NOT NULL,"
          " county_code CHAR(6) NOT NULL, county_id INT UNSIGNED NOT NULL, path VARCHAR(128) NOT NULL)")
    s.sql("INSERT INTO bench_school SELECT ROW_NUMBER() OVER (ORDER BY o.code) - 1, o.id, c.code, c.id, o.path"
          " FROM org o JOIN org c ON c.id = o.county_id WHERE o.kind = 'school' AND c.code LIKE '99____'")
    # staff of every bench org, with the demo password
    s.sql("INSERT INTO staff_account (org_id, login, display_name, role, pw_hash)"
          " SELECT o.id, CONCAT(o.code, '.', r.role), CONCAT('bench ', r.role), r.role, '%s'"
          " FROM org o JOIN (SELECT 'clerk' AS role UNION ALL SELECT 'reviewer') r"
          " WHERE (o.kind = 'school' AND o.code LIKE '999____%%') OR (o.kind = 'county' AND o.code LIKE '99____')"
          % pw)
    total = A.counties * A.schools
    t = time.monotonic()
    surnames = "'王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡','郭','何','林','罗','高'"
    given = ("'子涵','浩然','一诺','欣怡','宇轩','梓萱','思远','雨桐','俊杰','诗涵','明轩','佳怡',"
             "'子墨','若曦','天佑','可馨','博文','雅琪','晨阳','梦瑶','志强','欣然','文博','静怡'")
    for lo in range(0, A.students, LOAD_BATCH):
        hi = min(A.students, lo + LOAD_BATCH) - 1
        # birth date = 2012-01-01 + seq DIV 10000 days: (date, seq MOD
        # 10000) makes the temporary number unique (domain/studentno.c)
        s.sql("INSERT INTO student (registration_id, school_org_id, county_code, student_no,"
              " student_no_kind, name, sex, birth_date, id_doc_type, id_number_ct, child_bidx, person_bidx,"
              " ethnicity, nationality, hukou_nature, hukou_code, birthplace, native_place,"
              " current_address, home_address, contact_address, local_family, left_behind,"
              " migrant_worker_child, entry_year, level, status, created_at, updated_at)"
              " SELECT %d + q.seq, b.id, b.county_code,"
              " CONCAT('L', b.county_code, DATE_FORMAT(DATE'2012-01-01' + INTERVAL (q.seq DIV 10000) DAY,"
              " '%%Y%%m%%d'), LPAD(q.seq MOD 10000, 4, '0')), 'L',"
              " CONCAT(ELT(1 + q.seq MOD 20, %s), ELT(1 + (q.seq DIV 20) MOD 24, %s)),"
              " IF(q.seq MOD 2, 'M', 'F'), DATE'2012-01-01' + INTERVAL (q.seq DIV 10000) DAY, '1',"
              " CONCAT(x'02', UNHEX(SHA2(CONCAT('ct', q.seq), 384)), x'0000'),"
              " UNHEX(SHA2(CONCAT('c', q.seq), 256)), UNHEX(SHA2(CONCAT('p', q.seq), 256)),"
              " '01', '中国', '非农业', CONCAT(b.county_code, '000000'), '北京市', '北京市',"
              " CONCAT('北京市某区某街道', q.seq MOD 997, '号'), CONCAT('北京市某区某街道', q.seq MOD 997, '号'),"
              " CONCAT('北京市某区某街道', q.seq MOD 997, '号'), 1, 0, 0,"
              " %d - ((q.seq DIV %d) MOD 6), 1, 'in_school', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)"
              " FROM seq_%d_to_%d q JOIN bench_school b ON b.k = q.seq MOD %d"
              % (BASE_REG, surnames, given, year, total, lo, hi, total))
        s.sql("INSERT INTO student_no_issued (student_no, student_id, issued_at)"
              " SELECT student_no, id, created_at FROM student WHERE registration_id BETWEEN %d AND %d"
              % (BASE_REG + lo, BASE_REG + hi))
        if lo % 500000 == 0:
            note("records: %d loaded" % (hi + 1))
    load_students = time.monotonic() - t
    # K open cases. Record seq is in school seq MOD T (T schools in all)
    # of "round" seq DIV T; the subjects are every school's records of the
    # rounds r with r MOD stride = 1, so every school sends as many cases
    rounds = A.students // total
    stride = max(2, A.students // A.cases)
    k = min(A.cases, len(range(1, rounds, stride)) * total)
    t = time.monotonic()
    s.sql("CREATE TABLE bench_case (j INT PRIMARY KEY, student_id BIGINT UNSIGNED, type_code VARCHAR(32),"
          " nsteps INT, cur INT, send_school INT UNSIGNED, send_county INT UNSIGNED,"
          " recv_school INT UNSIGNED, recv_county INT UNSIGNED, above INT UNSIGNED, dl_days INT)")
    # the sending school is the record's; the receiving school the next of
    # its county (county chain) or the same-numbered one of the next county
    # (every fourth case: the province chain, the city above both)
    # STRAIGHT_JOIN: left alone, the optimizer drives by the 1,000 schools
    # and probes every sequence row for each (10^8 lookups)
    s.sql("INSERT INTO bench_case SELECT STRAIGHT_JOIN q.seq, st.id, IF(q.seq MOD 4 = 3, 'transfer_province', 'transfer_county'),"
          " IF(q.seq MOD 4 = 3, 4, 3), 0, b.id, b.county_id, r.id, r.county_id,"
          " IF(q.seq MOD 4 = 3, %s, b.county_id), CAST(q.seq MOD 40 AS SIGNED) - 10"
          " FROM seq_0_to_%d q JOIN student st"
          "  ON st.registration_id = %d + ((q.seq DIV %d) * %d + 1) * %d + q.seq MOD %d"
          " JOIN bench_school b ON b.id = st.school_org_id"
          " JOIN bench_school r ON r.k = IF(q.seq MOD 4 = 3, (b.k + %d) MOD %d,"
          "  b.k - b.k MOD %d + (b.k + 1) MOD %d)"
          % (city_id, k - 1, BASE_REG, total, stride, total, total, A.schools, total, A.schools, A.schools))
    s.sql("UPDATE bench_case SET cur = 2 + j MOD (nsteps - 1)")
    base = int(q1(s, "SELECT COALESCE(MAX(id), 0) FROM workflow"))
    staff0 = int(q1(s, "SELECT id FROM staff_account WHERE login = '110105.reviewer'"))
    s.sql("INSERT INTO workflow (id, type_code, province, subject_id, state, open_subject, current_seq,"
          " initiator_org_id, receiving_school_id, receiving_county_id, sending_school_id, sending_county_id,"
          " bureau_above_id, started_by, started_at) SELECT %d + j + 1, type_code, '', student_id, 'open', student_id,"
          " cur, recv_school, recv_school, recv_county, send_school, send_county, above, %d,"
          " UTC_TIMESTAMP(6) - INTERVAL (30 - dl_days) DAY FROM bench_case" % (base, staff0))
    # every step of the chain: decided before the current one, open at
    # it (its deadline dl_days from today), waiting after
    s.sql("INSERT INTO workflow_step (workflow_id, seq, party, role, days, on_approve, by_exchange,"
          " party_org_id, org_id, org_path, state, opened_at, deadline, overdue, decided_by,"
          " decided_org_id, decided_at)"
          " SELECT STRAIGHT_JOIN %d + c.j + 1, t.seq, t.party, t.role, t.days, t.on_approve, 0, o.id, o.id, o.path,"
          " IF(t.seq < c.cur, 'approved', IF(t.seq = c.cur, 'open', 'waiting')),"
          " IF(t.seq <= c.cur, UTC_TIMESTAMP(6) - INTERVAL (30 - c.dl_days) DAY, NULL),"
          " IF(t.seq = c.cur, CURDATE() + INTERVAL c.dl_days DAY, NULL),"
          " IF(t.seq = c.cur AND c.dl_days < 0, 1, 0),"
          " IF(t.seq < c.cur, %d, NULL), IF(t.seq < c.cur, o.id, NULL),"
          " IF(t.seq < c.cur, UTC_TIMESTAMP(6) - INTERVAL (30 - c.dl_days) DAY, NULL)"
          " FROM bench_case c JOIN workflow_type_step t ON t.type_code = c.type_code AND t.province = ''"
          " JOIN org o ON o.id = CASE t.party WHEN 'receiving_school' THEN c.recv_school"
          "  WHEN 'receiving_county' THEN c.recv_county WHEN 'sending_school' THEN c.send_school"
          "  WHEN 'sending_county' THEN c.send_county ELSE c.above END" % (base, staff0))
    load_cases = time.monotonic() - t
    # G same-person groups of two records of one county (the third bench
    # county when there is one), half open: as problemcheck.py loads them
    t = time.monotonic()
    gc = counties[2 % A.counties]
    CTX["problem_county"] = gc
    gbase = int(q1(s, "SELECT COALESCE(MAX(id), 0) FROM problem_group"))
    s.sql("CREATE TABLE bench_pm (rn INT PRIMARY KEY, id BIGINT UNSIGNED, school INT UNSIGNED, path VARCHAR(128))")
    s.sql("INSERT INTO bench_pm SELECT ROW_NUMBER() OVER (ORDER BY st.id), st.id, b.id, b.path FROM student st"
          " JOIN bench_school b ON b.id = st.school_org_id WHERE b.county_code = '%s'"
          " AND (st.registration_id - %d) DIV %d MOD %d <> 1 ORDER BY st.id LIMIT %d"
          % (gc, BASE_REG, total, stride, 2 * A.groups))
    s.sql("INSERT INTO problem_group (id, kind, key_bidx, state, open_key, members, created_at)"
          " SELECT %d + q.seq, 'same_person', UNHEX(SHA2(CONCAT('g', q.seq), 256)),"
          " IF(q.seq MOD 2, 'open', 'resolved'), IF(q.seq MOD 2, CONCAT('bench:', q.seq), NULL), 2,"
          " UTC_TIMESTAMP(6) FROM seq_1_to_%d q" % (gbase, A.groups))
    s.sql("INSERT INTO problem_member (group_id, student_id, school_org_id, school_path, reason, origin,"
          " joined_at) SELECT %d + (m.rn + 1) DIV 2, m.id, m.school, m.path, 'same_person', 'admission',"
          " UTC_TIMESTAMP(6) FROM bench_pm m" % gbase)
    depth = q1(s, "SELECT path FROM bench_school LIMIT 1").count("/")
    for n in range(1, depth + 1):
        s.sql("INSERT IGNORE INTO problem_scope (scope_path, group_id, open)"
              " SELECT CONCAT(SUBSTRING_INDEX(m.school_path, '/', %d), '/'), m.group_id, g.state = 'open'"
              " FROM problem_member m JOIN problem_group g ON g.id = m.group_id WHERE m.group_id > %d"
              % (n, gbase))
    s.sql("ANALYZE TABLE student, student_no_issued, workflow, workflow_step, problem_group,"
          " problem_member, problem_scope")
    load_groups = time.monotonic() - t
    size = s.sql("SELECT table_name, ROUND((data_length + index_length) / 1048576), table_rows"
                 " FROM information_schema.tables WHERE table_schema = 'xueji'"
                 " ORDER BY data_length + index_length DESC LIMIT 6")
    du = subprocess.run(["du", "-sm", s.stack.path("db")], capture_output=True, text=True).stdout.split()[0]
    CTX["stride"], CTX["total"] = stride, total
    R["figures"]["city"] = {
        "students": int(q1(s, "SELECT COUNT(*) FROM student")),
        "open_steps": int(q1(s, "SELECT COUNT(*) FROM workflow_step WHERE state = 'open'")),
        "overdue_steps": int(q1(s, "SELECT COUNT(*) FROM workflow_step WHERE state = 'open' AND overdue = 1")),
        "open_groups": int(q1(s, "SELECT COUNT(*) FROM problem_group WHERE state = 'open'")),
        "load_students_s": round(load_students, 1), "load_cases_s": round(load_cases, 1),
        "load_groups_s": round(load_groups, 1), "total_s": round(time.monotonic() - t_all, 1),
        "datadir_mb": int(du), "largest_tables_mb": {r[0]: int(r[1]) for r in size}, "load": round(load(), 1)}
    note("city: %r" % (R["figures"]["city"],))
    s.eq(R["figures"]["city"]["students"], A.students + int(q1(s, "SELECT COUNT(*) FROM student"
                                                                   " WHERE registration_id < %d" % BASE_REG)))
    s.eq(R["figures"]["city"]["open_steps"], k)


# ---- reads -------------------------------------------------------------------------

def explain(s, sql):
    for row in s.sql("EXPLAIN " + sql):
        note("explain: %s" % " | ".join(row))


@test("lifecycle: the workflow inbox of a county and of a school (p99 < 50 ms)")
def _(s):
    county = CTX["counties"][1]
    cid = CTX["cids"][county]
    # the school of that county with the most open steps
    sid, code, n = s.sql("SELECT st.org_id, o.code, COUNT(*) FROM workflow_step st JOIN org o ON o.id = st.org_id"
                         " WHERE st.state = 'open' AND o.kind = 'school' AND o.county_id = %d"
                         " GROUP BY st.org_id ORDER BY COUNT(*) DESC LIMIT 1" % cid)[0]
    cn = q1(s, "SELECT COUNT(*) FROM workflow_step WHERE state = 'open' AND org_id = %d" % cid)
    scope = q1(s, "SELECT COUNT(*) FROM workflow_step WHERE state = 'open' AND org_path LIKE"
                  " (SELECT CONCAT(path, '%%') FROM org WHERE id = %d)" % cid)
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    explain(s, "SELECT st.workflow_id FROM workflow_step st JOIN workflow w ON w.id = st.workflow_id"
               " JOIN student s ON s.id = w.subject_id WHERE st.org_id = %d AND st.state = 'open'"
               " ORDER BY st.deadline, st.id LIMIT 200" % cid)
    explain(s, "SELECT org_id, COUNT(*), SUM(overdue = 1 OR deadline < '%s') FROM workflow_step"
               " WHERE state = 'open' AND org_path LIKE (SELECT CONCAT(path, '%%') FROM org WHERE id = %d)"
               " GROUP BY org_path, org_id LIMIT 500" % (today, cid))
    c = Client(s, county + ".reviewer")
    row = latency("inbox_county", c, API + "/workflow/inbox", A.samples,
                  lambda b: s.ok(len(b["items"]) > 0 and len(b["counts"]) > 0, "county inbox has items and counts"))
    row.update(own_open_steps=int(cn), scope_open_steps=int(scope))
    c = Client(s, code + ".reviewer")
    row = latency("inbox_school", c, API + "/workflow/inbox", A.samples,
                  lambda b: s.ok(len(b["items"]) > 0, "school inbox has items"))
    row.update(own_open_steps=int(n))


@test("lifecycle: a county's open-problem list (p99 < 50 ms)")
def _(s):
    gc = CTX["problem_county"]
    c = Client(s, gc + ".reviewer")
    row = latency("problems_county", c, API + "/problem-groups?limit=50", A.samples,
                  lambda b: s.eq(b["items"][0]["state"], "open"))
    row["groups_in_scope"] = A.groups


# ---- admission with and without the check (problemcheck.py's method) -----------------

def timing(h):
    out = {}
    v = h.get("server-timing") or h.get("Server-Timing") or ""
    for part in v.split(","):
        name, _, dur = part.strip().partition(";dur=")
        if dur:
            out[name] = float(dur)
    return out


def twin(p):
    seq = int(p.id_number[14:17])
    y, m, d = (int(x) for x in p.birth_date.split("-"))
    return population.Person(index=-1, name=p.name, sex=p.sex, birth_date=p.birth_date, id_doc_type="1",
                             id_number=population.make_id(p.area, y, m, d, (seq + 2) % 1000 or 2), area=p.area)


@test("lifecycle: an admission approval with the duplicate check vs without, same run (< 15%)")
def _(s):
    COUNTY, SCHOOL = "110105", "1110500001"
    clerk = signed_in(s, SCHOOL + ".clerk")
    reviewer = signed_in(s, SCHOOL + ".reviewer")
    county = signed_in(s, COUNTY + ".reviewer")
    rows, earlier = [], []
    for k in range(A.lists):
        children = [new_child() for _ in range(10)]
        if k % 5 == 4 and earlier:
            children[-1] = twin(earlier[-1])
        earlier += children
        for ch in children:
            p = signed_up(s)
            st, h, b = p.register(reg_body(ch, district=COUNTY, hukou=COUNTY + "000000", school_code=SCHOOL))
            s.eq(st, 201, "registration: %r" % (b,))
            no = b["prereg_no"]
            s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
                  " AND state = 'submitted' AND local_family = 1" % no)
            st, h, b = clerk.call("POST", "%s/applicants/%s/tick" % (API, no))
            s.ok(st in (200, 201), "tick: %s %r" % (st, b))
        st, h, lst = reviewer.call("POST", API + "/admission-lists")
        s.ok(st in (200, 201), "list: %s %r" % (st, lst))
        t0 = time.monotonic()
        st, h, b = county.call("POST", "%s/admission-lists/%s/decision" % (API, lst["id"]), {"decision": "approve"})
        client_ms = (time.monotonic() - t0) * 1000
        s.eq(st, 200, "approval: %r" % (b,))
        tm = timing(h)
        s.ok("decide" in tm and "problem_check" in tm, "Server-Timing: %r" % (h,))
        rows.append((tm["decide"], tm["problem_check"], client_ms))
    with_ = [r[0] for r in rows]
    check = [r[1] for r in rows]
    without = [r[0] - r[1] for r in rows]
    share = sum(check) / sum(without)
    R["figures"]["admission"] = {
        "lists": A.lists, "with_p50_ms": round(statistics.median(with_), 2), "with_p90_ms": round(pct(with_, 90), 2),
        "check_p50_ms": round(statistics.median(check), 2), "check_p90_ms": round(pct(check, 90), 2),
        "without_p50_ms": round(statistics.median(without), 2), "without_p90_ms": round(pct(without, 90), 2),
        "client_p50_ms": round(statistics.median([r[2] for r in rows]), 2),
        "share": round(share, 4), "load": round(load(), 1)}
    note("admission: %r" % (R["figures"]["admission"],))


# ---- transfers: transitions per second ------------------------------------------------

@test("lifecycle: starting and approving transfers, transitions per second (>= 300/s)")
def _(s):
    county = CTX["counties"][1]
    cid = CTX["cids"][county]
    schools = [r[0] for r in s.sql("SELECT o.code FROM org o WHERE o.kind = 'school' AND o.county_id = %d"
                                   " ORDER BY o.code" % cid)]
    used = {}
    for i, X in enumerate(A.clients):
        transfer_round(s, county, schools, X, used, "transfers" if i == 0 else "transfers_%d" % X)
    # the machine's durable commits at this moment, same concurrency: one
    # audit row per transaction, no HTTP (bench/dbload --mode insert)
    dbload = os.path.join(xjtest.BUILDDIR, "bench", "dbload")
    if os.path.exists(dbload):
        r = subprocess.run([dbload, "-c", s.stack.conf_file, "--threads", str(A.clients[0]), "--seconds", "5",
                            "--mode", "insert"], capture_output=True, text=True, timeout=120)
        if r.returncode == 0:
            res = json.loads(r.stdout.strip().splitlines()[-1])
            R["figures"]["durable_insert"] = {"threads": A.clients[0], "tps": round(res["tps"]),
                                              "p50_ms": res["p50_ms"], "p99_ms": res["p99_ms"], "load": round(load(), 1)}
            note("durable insert reference: %r" % (R["figures"]["durable_insert"],))


def transfer_round(s, county, schools, X, used, name):
    per = max(1, A.transfers // X)
    jobs = []
    half = max(1, len(schools) // 2)
    for t in range(X):
        recv, send = schools[(2 * t) % (2 * half)], schools[(2 * t + 1) % (2 * half)]
        # records of the sending school with no open case (seq MOD stride
        # <> 1); threads and rounds sharing a school take disjoint slices
        studs = s.sql("SELECT s.student_no, s.name FROM student s JOIN org o ON o.id = s.school_org_id"
                      " WHERE o.code = '%s' AND s.status = 'in_school' AND s.registration_id >= %d"
                      " AND (s.registration_id - %d) DIV %d MOD %d <> 1 ORDER BY s.id DESC LIMIT %d OFFSET %d"
                      % (send, BASE_REG, BASE_REG, CTX["total"], CTX["stride"], per, used.get(send, 0)))
        used[send] = used.get(send, 0) + per
        s.eq(len(studs), per, "records to transfer from %s" % send)
        # one session per account (a second sign-in ends the first): an
        # account of each role per client thread
        tag = "%s%d" % (X, t)
        jobs.append((Client(s, account(s, recv + ".clerk", tag)), Client(s, account(s, send + ".reviewer", tag)),
                     Client(s, account(s, county + ".reviewer", tag)), studs))
    lat = {"start": [], "approve": []}
    errors = []
    done = [0]
    lock = threading.Lock()

    def worker(job):
        clerk, sender, cty, studs = job
        for no, name in studs:
            try:
                st, b, ms = clerk.call("POST", API + "/transfers", {"student_no": no, "name": name})
                if st != 201:
                    raise Failure("start %s: %d %r" % (no, st, b))
                case = b["id"]
                st, b, ms2 = sender.call("POST", "%s/workflow/cases/%d/decision" % (API, case),
                                         {"step": 2, "decision": "approve"})
                if st != 200:
                    raise Failure("step 2 of %d: %d %r" % (case, st, b))
                st, b, ms3 = cty.call("POST", "%s/workflow/cases/%d/decision" % (API, case),
                                      {"step": 3, "decision": "approve"})
                if st != 200 or b.get("state") != "approved":
                    raise Failure("step 3 of %d: %d %r" % (case, st, b))
                with lock:
                    lat["start"].append(ms)
                    lat["approve"] += [ms2, ms3]
                    done[0] += 3
            except Exception as e:      # noqa: BLE001 -- reported below
                with lock:
                    errors.append(str(e)[:300])
                return

    wf0 = int(q1(s, "SELECT MAX(id) FROM workflow"))
    la0 = load()
    mark = log_mark(s)
    st0 = db_status(s)
    c0 = cpu_ms(s)
    if A.profile:
        s.sql("TRUNCATE mysql.slow_log")
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(j,)) for j in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.monotonic() - t0
    st1 = db_status(s)
    c1 = cpu_ms(s)
    if A.profile:
        s.sql("SET GLOBAL slow_query_log = 0")
        for row in s.sql("SELECT COUNT(*), ROUND(SUM(TIME_TO_SEC(query_time)) * 1000), ROUND(SUM(rows_examined)),"
                         " LEFT(REGEXP_REPLACE(CONVERT(sql_text USING utf8mb4), '[0-9]+', 'N'), 150) AS q"
                         " FROM mysql.slow_log GROUP BY q ORDER BY 2 DESC LIMIT 25"):
            note("profile: n %s, ms %s, rows %s: %s" % tuple(row))
    s.eq(errors, [], "every transfer started and approved")
    moved = int(q1(s, "SELECT COUNT(*) FROM workflow WHERE state = 'approved' AND type_code = 'transfer_county'"
                      " AND id > %d" % wf0))
    R["figures"][name] = fig = {
        "cases": done[0] // 3, "transitions": done[0], "clients": X, "wall_s": round(wall, 2),
        "transitions_per_s": round(done[0] / wall, 1),
        "start_p50_ms": round(statistics.median(lat["start"]), 1), "start_p99_ms": round(pct(lat["start"], 99), 1),
        "approve_p50_ms": round(statistics.median(lat["approve"]), 1),
        "approve_p99_ms": round(pct(lat["approve"], 99), 1), "load_before": round(la0, 1), "load": round(load(), 1),
        "stack_cpu_ms_per_transition": round((c1[0] - c0[0]) / max(1, done[0]), 2),
        "client_cpu_ms_per_transition": round((c1[1] - c0[1]) / max(1, done[0]), 2)}
    # what MariaDB did per transition (statements, commits, fsyncs)
    for key in ("Questions", "Com_commit", "Innodb_data_fsyncs", "Binlog_commits", "Binlog_group_commits"):
        if key in st0 and key in st1 and done[0]:
            fig["per_transition_" + key.lower()] = round((st1[key] - st0[key]) / done[0], 2)
    for what, part in (("start", "/transfers"), ("approve", "/decision")):
        srv = server_ms(s, mark, part, "POST")
        if srv:
            fig.update({"server_%s_p50_ms" % what: round(statistics.median(srv), 1),
                        "server_%s_p99_ms" % what: round(pct(srv, 99), 1)})
    note("%s: %r" % (name, fig))
    s.eq(moved, done[0] // 3, "every case approved, every record pulled")


# ---- the promotion of a county ----------------------------------------------------------

@test("lifecycle: the promotion batch of a county of N/C records (< 2 min per 200,000)")
def _(s):
    county = CTX["counties"][0]
    cid = CTX["cids"][county]
    year = CTX["year"]
    expected = int(q1(s, "SELECT COUNT(*) FROM student s JOIN org o ON o.id = s.school_org_id"
                         " WHERE o.county_id = %d AND s.status = 'in_school' AND s.entry_year > %d"
                         % (cid, year - 5)))
    records = int(q1(s, "SELECT COUNT(*) FROM student s JOIN org o ON o.id = s.school_org_id"
                        " WHERE o.county_id = %d" % cid))
    c = Client(s, county + ".reviewer")
    body = {"kind": "promotion", "school_year": year}
    t0 = time.monotonic()
    st, b, ms_create = c.call("POST", API + "/yearend-batches", body)
    s.eq(st, 201, "create: %r" % (b,))
    bid = b["id"]
    st, b, ms_start = c.call("POST", "%s/yearend-batches/%d/start" % (API, bid))
    s.eq(st, 200, "start: %r" % (b,))
    la0 = load()
    t1 = time.monotonic()
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once", "yearend"],
                       capture_output=True, text=True, env=s.stack.worker_env())
    apply_s = time.monotonic() - t1
    total_s = time.monotonic() - t0
    s.eq(r.returncode, 0, "jobs: %s" % r.stderr[-500:])
    st, b, _ = c.call("GET", "%s/yearend-batches/%d" % (API, bid))
    events = int(q1(s, "SELECT COUNT(*) FROM student_event WHERE batch_id = %d" % bid))
    R["figures"]["promotion"] = {
        "county_records": records, "promoted": b["done"], "chunks": b.get("chunks"), "chunk": int(A.chunk),
        "create_ms": round(ms_create, 1), "start_ms": round(ms_start, 1), "apply_s": round(apply_s, 2),
        "end_to_end_s": round(total_s, 2), "records_per_s": round(b["done"] / apply_s) if apply_s else 0,
        "load_before": round(la0, 1), "load": round(load(), 1)}
    note("promotion: %r" % (R["figures"]["promotion"],))
    s.eq((b["state"], b["done"], events), ("done", expected, expected), "batch done, one event per promoted record")


# ---- report -----------------------------------------------------------------------------

def report():
    f = R["figures"]
    lines = ["| measure | figure | target | load (1 min) |", "|---|---|---|---|"]

    def met(ok):
        return "met" if ok else "**NOT met**"
    def lat(x):
        return ("p50 %.1f ms, p99 %.1f ms (worker p99 %s ms; /api/version beside it p99 %.1f ms; %d requests;"
                " CPU of the stack %.1f ms a request with its /api/version)"
                % (x["p50_ms"], x["p99_ms"], x.get("server_p99_ms", "?"), x["version_p99_ms"], x["n"],
                   x["stack_cpu_ms_per_request"]))
    for key, what in (("inbox_county", "county reviewer's inbox (%s own open steps, counts over %s)"),
                      ("inbox_school", "school reviewer's inbox (%s own open steps)")):
        if key in f:
            x = f[key]
            lab = what % ((x["own_open_steps"], x["scope_open_steps"]) if key == "inbox_county"
                          else (x["own_open_steps"],))
            lines.append("| %s | %s | p99 < 50 ms: %s | %.1f |" % (lab, lat(x), met(x["p99_ms"] < TARGET_MS), x["load"]))
    if "problems_county" in f:
        x = f["problems_county"]
        lines.append("| county's open-problem list, first page of 50 (%d groups) | %s | p99 < 50 ms: %s | %.1f |"
                     % (x["groups_in_scope"], lat(x), met(x["p99_ms"] < TARGET_MS), x["load"]))
    for key in sorted(k for k in f if k.startswith("transfers")):
        x = f[key]
        lines.append("| transfers started and approved, %d clients, %d cases | %.0f transitions/s (start p50 %.0f /"
                     " p99 %.0f ms, approval p50 %.0f / p99 %.0f ms; per transition %s statements, %s fsyncs,"
                     " %s ms CPU of the stack and %s ms of the client)"
                     " | >= 300/s: %s | %.1f -> %.1f |"
                     % (x["clients"], x["cases"], x["transitions_per_s"], x["start_p50_ms"], x["start_p99_ms"],
                        x["approve_p50_ms"], x["approve_p99_ms"], x.get("per_transition_questions", "?"),
                        x.get("per_transition_innodb_data_fsyncs", "?"), x["stack_cpu_ms_per_transition"],
                        x["client_cpu_ms_per_transition"], met(x["transitions_per_s"] >= TARGET_STEPS),
                        x["load_before"], x["load"]))
    if "durable_insert" in f:
        x = f["durable_insert"]
        lines.append("| reference: one durable INSERT per transaction, %d threads, no HTTP (bench/dbload) | %d commits/s"
                     " (p50 %.1f / p99 %.1f ms) | | %.1f |" % (x["threads"], x["tps"], x["p50_ms"], x["p99_ms"], x["load"]))
    if "promotion" in f:
        x = f["promotion"]
        lim = TARGET_YEAREND_S * x["county_records"] / 200000.0
        lines.append("| promotion of a county of %d records (%d promoted, chunks of %d) | end to end %.1f s"
                     " (apply %.1f s, %d records/s) | < %.0f s: %s | %.1f -> %.1f |"
                     % (x["county_records"], x["promoted"], x["chunk"], x["end_to_end_s"], x["apply_s"],
                        x["records_per_s"], lim, met(x["end_to_end_s"] < lim), x["load_before"], x["load"]))
    if "admission" in f:
        x = f["admission"]
        lines.append("| admission approval of 10, %d lists: with the check / the check / without (median) |"
                     " %.1f / %.1f / %.1f ms: the check adds %.1f%% | < 15%%: %s | %.1f |"
                     % (x["lists"], x["with_p50_ms"], x["check_p50_ms"], x["without_p50_ms"], x["share"] * 100,
                        met(x["share"] < TARGET_SHARE), x["load"]))
    if "city" in f:
        x = f["city"]
        lines.append("")
        lines.append("City: %d records (loaded in %.0f s), %d open steps (%d overdue, %.0f s), %d open problem"
                     " groups (%.0f s); %.0f s in all; datadir %d MB; largest tables (MB): %s."
                     % (x["students"], x["load_students_s"], x["open_steps"], x["overdue_steps"], x["load_cases_s"],
                        x["open_groups"], x["load_groups_s"], x["total_s"], x["datadir_mb"],
                        ", ".join("%s %d" % kv for kv in x["largest_tables_mb"].items())))
    text = "\n".join(lines)
    for line in text.splitlines():
        print("# " + line, flush=True)
    if A.report:
        with open(A.report, "w") as fh:
            fh.write(text + "\n")
        with open(A.report + ".json", "w") as fh:
            json.dump(R, fh, indent=1)


@test("lifecycle: report")
def _(s):
    report()
    if A.hold:
        note("holding the stack for %d s: mariadb -S %s" % (A.hold, s.stack.db_socket))
        time.sleep(A.hold)


def make_own_stack():
    """make_stack()'s stack, in a directory of its own under /var/tmp:
    the run takes many minutes and helpers sweeping /tmp/xj-* must not
    take its datadir."""
    import shutil
    import tempfile
    from stack import Stack
    tpl = xjtest._template(xjtest.BUILDDIR)
    root = tempfile.mkdtemp(prefix="lcbench-", dir="/var/tmp")
    shutil.copytree(os.path.join(tpl, "db"), os.path.join(root, "db"), symlinks=True)
    shutil.copytree(os.path.join(tpl, "secrets"), os.path.join(root, "secrets"))
    st = Stack(root, xjtest.BUILDDIR, xjtest.SRCDIR, workers=2, threads=A.threads, durable=True,
               scrypt_log2n=10, scrypt_p=1, quiet=True)
    st.extra_conf = {"sms": {"addr_hourly": 1000000, "phone_interval": 0},
                     "security": {"signin_slots": 1000},
                     "yearend": {"chunk": A.chunk}}
    st.write_conf()
    return st


def start(made):
    st = make_own_stack()
    made.append(st)
    st.db_extra_args = list(st.db_extra_args) + ["--innodb-buffer-pool-size=" + A.buffer_pool,
                                                 "--innodb-log-file-size=512M",
                                                 # its temporary tables beside it: a run lost one to a
                                                 # sweep of /tmp by another suite
                                                 "--tmpdir=" + st.path("tmp")]
    os.makedirs(st.path("tmp"), exist_ok=True)
    if A.profile:   # session variables, taken when the workers connect: from the start
        st.db_extra_args += ["--long-query-time=0", "--log-output=TABLE", "--slow-query-log=1"]
    st.start_db()
    st.start_workers()
    st.start_smssim()
    st.start_nginx()
    note("stack up on port %d, %s" % (st.port, st.root))
    return Session(st)


run_on(start)
