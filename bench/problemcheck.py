#!/usr/bin/env python3
"""problemcheck.py -- what the duplicate check at the door costs an
admission approval (issue 12 "Speed": within 15% of an approval without
it; docs/benchmarks.md "Problem records at the door").

    XJ_BENCH_STUDENTS=N XJ_BENCH_LISTS=L XJ_BENCH_REPORT=FILE \\
        python3 bench/problemcheck.py

Runs on the black-box harness (tests/api/xjtest.py: a private MariaDB,
two workers, nginx), because an approval needs the real chain: families
register (over HTTP, with encrypted identity numbers the check decrypts),
the school ticks, its reviewer submits a list, the county approves.
First N student records (default 200,000) are loaded with INSERT ...
SELECT from the sequence engine: distinct identity and person blind
indexes, so the check's index lookups run against an index of that size
(not measured). Then L lists (default 20) of 10 children each are
approved one after the other, and for every approval the worker's
Server-Timing header gives, measured inside the same request:

  decide         the whole decision (every transaction of the request)
  problem_check  the part spent in xj_problem_check()

"Without the check" is decide - problem_check of the same request: the
same run, the same data, the same transactions. Every fifth list carries
one child whose name, sex and birth date repeat an earlier child's (a
same-person hit: the group is written too). Prints a markdown table (TAP
comments) and writes it to XJ_BENCH_REPORT when set."""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "api"))
from parent import new_child, reg_body, signed_up  # noqa: E402
from staff import signed_in  # noqa: E402
from xjtest import run, test  # noqa: E402

import population  # noqa: E402

API = "/api/school/v1"
COUNTY, SCHOOL = "110105", "1110500001"
STUDENTS = int(os.environ.get("XJ_BENCH_STUDENTS", "200000"))
LISTS = int(os.environ.get("XJ_BENCH_LISTS", "20"))
PER_LIST = 10
LOAD_BATCH = 50000
TARGET = 0.15


def twin(p):
    seq = int(p.id_number[14:17])
    y, m, d = (int(x) for x in p.birth_date.split("-"))
    return population.Person(index=-1, name=p.name, sex=p.sex, birth_date=p.birth_date,
                             id_doc_type="1",
                             id_number=population.make_id(p.area, y, m, d, (seq + 2) % 1000 or 2),
                             area=p.area)


def timing(h):
    """{metric: ms} of a Server-Timing header."""
    out = {}
    v = next((v for k, v in h.items() if k.lower() == "server-timing"), "") if isinstance(h, dict) \
        else (h.get("Server-Timing") or "")
    for part in v.split(","):
        name, _, dur = part.strip().partition(";dur=")
        if dur:
            out[name] = float(dur)
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


@test("bench: an admission approval with and without the duplicate check at the door")
def _(s):
    t = time.monotonic()
    cid = s.sql("SELECT id FROM org WHERE kind = 'school' AND code = '%s'" % SCHOOL)[0][0]
    for lo in range(0, STUDENTS, LOAD_BATCH):
        hi = min(STUDENTS, lo + LOAD_BATCH) - 1
        s.sql("INSERT INTO student (registration_id, school_org_id, county_code, student_no,"
              " student_no_kind, name, sex, birth_date, id_doc_type, id_number_ct, child_bidx,"
              " person_bidx, ethnicity, nationality, hukou_nature, hukou_code, birthplace,"
              " native_place, current_address, home_address, contact_address, local_family,"
              " left_behind, migrant_worker_child, entry_year, level, status, created_at, updated_at)"
              " SELECT 900000000000 + q.seq, %s, '%s', CONCAT('B', LPAD(q.seq, 18, '0')), 'L',"
              " CONCAT('学生', q.seq MOD 1000), 'F', '2016-05-01', '1', x'00',"
              " UNHEX(SHA2(q.seq, 256)), UNHEX(SHA2(CONCAT('p', q.seq), 256)), '01', '中国',"
              " '非农业', '110105000000', '北京', '北京', '北京', '北京', '北京', 1, 0, 0, 2020, 1,"
              " 'in_school', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_%d_to_%d q"
              % (cid, COUNTY, lo, hi))
    s.sql("ANALYZE TABLE student")
    load_s = time.monotonic() - t
    clerk = signed_in(s, SCHOOL + ".clerk")
    reviewer = signed_in(s, SCHOOL + ".reviewer")
    county = signed_in(s, COUNTY + ".reviewer")
    rows, earlier = [], []
    for k in range(LISTS):
        children = [new_child() for _ in range(PER_LIST)]
        if k % 5 == 4 and earlier:
            children[-1] = twin(earlier[-1])
        earlier += children
        for c in children:
            p = signed_up(s)
            st, h, b = p.register(reg_body(c, district=COUNTY, hukou=COUNTY + "000000",
                                           school_code=SCHOOL))
            s.eq(st, 201, "registration: %r" % (b,))
            no = b["prereg_no"]
            s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
                  " AND state = 'submitted' AND local_family = 1" % no)
            st, h, b = clerk.call("POST", "%s/applicants/%s/tick" % (API, no))
            s.ok(st in (200, 201), "tick: %s %r" % (st, b))
        st, h, lst = reviewer.call("POST", API + "/admission-lists")
        s.ok(st in (200, 201), "list: %s %r" % (st, lst))
        t0 = time.monotonic()
        st, h, b = county.call("POST", "%s/admission-lists/%s/decision" % (API, lst["id"]),
                               {"decision": "approve"})
        client_ms = (time.monotonic() - t0) * 1000
        s.eq(st, 200, "approval: %r" % (b,))
        tm = timing(h)
        s.ok("decide" in tm and "problem_check" in tm, "Server-Timing: %r" % (h,))
        rows.append((tm["decide"], tm["problem_check"], client_ms))
    groups = int(s.sql("SELECT COUNT(*) FROM problem_group")[0][0])
    with_ = [r[0] for r in rows]
    check = [r[1] for r in rows]
    without = [r[0] - r[1] for r in rows]
    client = [r[2] for r in rows]
    share = sum(check) / sum(without)
    lines = ["| per approval of %d children (ms) | median | p90 | max |" % PER_LIST,
             "|---|---|---|---|"]
    for name, xs in (("with the check (decide)", with_), ("the check alone", check),
                     ("without the check (decide - check)", without), ("client round trip", client)):
        lines.append("| %s | %.2f | %.2f | %.2f |" % (name, statistics.median(xs), pct(xs, 90), max(xs)))
    lines.append("")
    lines.append("%d records loaded in %.1f s; %d approvals of %d children; %d problem groups opened;"
                 " the check adds %.1f%% to the decision (target < %.0f%%): %s"
                 % (STUDENTS, load_s, LISTS, PER_LIST, groups, share * 100, TARGET * 100,
                    "met" if share < TARGET else "NOT met"))
    text = "\n".join(lines)
    for line in text.splitlines():
        print("# " + line, flush=True)
    if os.environ.get("XJ_BENCH_REPORT"):
        with open(os.environ["XJ_BENCH_REPORT"], "w") as f:
            f.write(text + "\n")
    s.ok(groups >= (LISTS // 5) - 1, "the hits opened groups: %d" % groups)


GROUPS = int(os.environ.get("XJ_BENCH_GROUPS", "50000"))


@test("bench: a county's open-problem list with many groups in scope (p99)")
def _(s):
    # GROUPS two-member same-person groups over the loaded records (SQL:
    # the list reads rows, whoever wrote them), half of them resolved
    path = s.sql("SELECT path FROM org WHERE kind = 'school' AND code = '%s'" % SCHOOL)[0][0]
    sid = int(s.sql("SELECT id FROM org WHERE kind = 'school' AND code = '%s'" % SCHOOL)[0][0])
    base = int(s.sql("SELECT COALESCE(MAX(id), 0) FROM problem_group")[0][0])
    s.sql("INSERT INTO problem_group (id, kind, key_bidx, state, open_key, members, created_at)"
          " SELECT %d + q.seq, 'same_person', UNHEX(SHA2(CONCAT('g', q.seq), 256)),"
          " IF(q.seq MOD 2, 'open', 'resolved'), IF(q.seq MOD 2, CONCAT('bench:', q.seq), NULL), 2,"
          " UTC_TIMESTAMP(6) FROM seq_1_to_%d q" % (base, GROUPS))
    s.sql("INSERT INTO problem_member (group_id, student_id, school_org_id, school_path, reason, origin,"
          " joined_at) SELECT %d + q.seq, s.id, %d, '%s', 'same_person', 'admission', UTC_TIMESTAMP(6)"
          " FROM seq_1_to_%d q JOIN (SELECT 0 AS k UNION ALL SELECT 1) k"
          " JOIN student s ON s.registration_id = 900000000000 + q.seq * 2 + k.k"
          % (base, sid, path, GROUPS))
    prefixes = [path[:i + 1] for i, ch in enumerate(path) if ch == "/"]
    for pre in prefixes:
        s.sql("INSERT IGNORE INTO problem_scope (scope_path, group_id, open)"
              " SELECT '%s', %d + q.seq, q.seq MOD 2 FROM seq_1_to_%d q" % (pre, base, GROUPS))
    s.sql("ANALYZE TABLE problem_group, problem_member, problem_scope")
    for row in s.sql("EXPLAIN SELECT STRAIGHT_JOIN g.id, g.kind, g.state, g.members FROM problem_scope sc"
                     " FORCE INDEX (problem_scope_list)"
                     " JOIN problem_group g ON g.id = sc.group_id WHERE sc.scope_path = '%s'"
                     " AND (sc.open < 2 OR (sc.open = 2 AND sc.group_id < 999999999))"
                     " ORDER BY sc.open DESC, sc.group_id DESC LIMIT 50" % prefixes[-2]):
        print("# explain: %r" % (row,), flush=True)
    out = {}
    for who in (COUNTY + ".reviewer", SCHOOL + ".clerk"):
        staff = signed_in(s, who)
        ms = []
        for i in range(200):
            t0 = time.monotonic()
            st, h, b = staff.call("GET", "/api/school/v1/problem-groups?limit=50")
            ms.append((time.monotonic() - t0) * 1000)
            s.eq(st, 200)
        s.eq(b["items"][0]["state"], "open")
        out[who] = ms
    lines = ["| %d groups in scope: first page of 50 (ms) | median | p90 | p99 |" % GROUPS, "|---|---|---|---|"]
    for who, ms in out.items():
        lines.append("| %s | %.1f | %.1f | %.1f |" % (who, statistics.median(ms), pct(ms, 90), pct(ms, 99)))
    text = "\n".join(lines)
    for line in text.splitlines():
        print("# " + line, flush=True)
    if os.environ.get("XJ_BENCH_REPORT"):
        with open(os.environ["XJ_BENCH_REPORT"], "a") as f:
            f.write("\n" + text + "\n")


run()
