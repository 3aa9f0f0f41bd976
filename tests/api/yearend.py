"""Black-box: year-end batches (issue 11 item 8, R-REC-3, R-REC-10) through
nginx: the dry-run count, promotion of a school and of a county, graduation
of the last grade, a jobs runner killed between two chunks (and stopped
after N chunks) resuming with every student changed exactly once, a second
batch for the same year refused, and who may do what (scope.c).

Each test builds a county of its own with its own schools and staff under
the demo city (SQL, as the seed does: the org tree has no route), so that a
county batch sees only the test's records. Records are inserted with SQL
too: only a district-approved admission creates one (tests/api/records.py
drives that chain), and a grade-5 pupil would need five years of it. The
batches themselves run as in production: created and started over HTTP,
applied by `xuejictl jobs` (job `yearend`, [yearend] chunk = 4 here). The
background runner of the stack is stopped so that the tests decide when a
chunk runs."""
import datetime
import random
import signal
import subprocess
import time

from xjtest import Failure, run, test          # first: it puts scripts/ on the path
from stack import which
from staff import DEMO_PASSWORD, Staff



def school_year(today=None):
    """as tests/api/records.py (not imported: importing a test file runs it)"""
    d = today or datetime.date.today()     # the stack runs on this machine's clock
    return d.year if d.month >= 9 else d.year - 1


API = "/api/school/v1"
BATCHES = API + "/yearend-batches"
CHUNK = 4
YEAR = school_year() - 1        # the school year that ended last summer

_seq = [random.randrange(1000, 9000)]
_reg = [random.randrange(10 ** 12, 2 * 10 ** 12)]


# ---- fixtures ------------------------------------------------------------------

def q1(s, sql):
    return s.sql(sql)[0][0]


def quiet_runner(s):
    """No background jobs runner: the tests run the chunks."""
    s.stack.stop_jobs()


def account(s, org_id, role):
    _seq[0] += 1
    login = "ye%d.%s" % (_seq[0], role)
    s.sql("INSERT INTO staff_account (org_id, login, display_name, role, pw_hash)"
          " SELECT %d, '%s', display_name, '%s', pw_hash FROM staff_account"
          " WHERE login = '110105.reviewer'" % (org_id, login, role))
    st = Staff(s, login, DEMO_PASSWORD)
    code, h, b = st.login()
    s.eq(code, 200, "login %s: %r" % (login, b))
    return st


class County:
    """A county of its own under the demo city, with n schools."""

    def __init__(self, s, n=2):
        self.s = s
        _seq[0] += 1
        self.code = "99%04d" % (_seq[0] % 10000)
        city_id, city_path = s.sql("SELECT id, path FROM org WHERE kind = 'city' AND code = '110100'")[0]
        self.path = "%s%s/" % (city_path, self.code)
        s.sql("INSERT INTO org (kind, code, name, parent_id, path) VALUES"
              " ('county', '%s', '测试区%s', %s, '%s')" % (self.code, self.code, city_id, self.path))
        self.id = int(q1(s, "SELECT id FROM org WHERE kind = 'county' AND code = '%s'" % self.code))
        self.schools = []
        for k in range(n):
            code = "9%s%03d" % (self.code, k + 1)
            s.sql("INSERT INTO org (kind, code, name, parent_id, path, county_id, supervisor_id)"
                  " VALUES ('school', '%s', '测试小学%s', %d, '%s%s/', %d, %d)"
                  % (code, code, self.id, self.path, code, self.id, self.id))
            sid = int(q1(s, "SELECT id FROM org WHERE kind = 'school' AND code = '%s'" % code))
            self.schools.append((sid, code))

    def staff(self, role="reviewer", school=None):
        return account(self.s, self.schools[school][0] if school is not None else self.id, role)


def students(s, school_id, county, specs):
    """Insert records: specs are (entry_year, level, status, grade_offset,
    class_id or None); their ids in order."""
    rows = []
    for entry_year, level, status, offset, cls in specs:
        _reg[0] += 1
        r = _reg[0]
        rows.append("(%d, %d, '%s', 'T%018d', 'L', '学生%d', 'M', '2015-03-01', '1', x'00',"
                    " UNHEX(SHA2('%d', 256)), '01', '中国', '非农业', '110105000000', '北京', '北京',"
                    " '北京', '北京', '北京', 1, 0, 0, %d, %d, %d, %s, '%s', UTC_TIMESTAMP(6),"
                    " UTC_TIMESTAMP(6))" % (r, school_id, county, r, r % 1000, r, entry_year, level,
                                            offset, cls if cls else "NULL", status))
    s.sql("INSERT INTO student (registration_id, school_org_id, county_code, student_no,"
          " student_no_kind, name, sex, birth_date, id_doc_type, id_number_ct, child_bidx, ethnicity,"
          " nationality, hukou_nature, hukou_code, birthplace, native_place, current_address,"
          " home_address, contact_address, local_family, left_behind, migrant_worker_child,"
          " entry_year, level, grade_offset, class_id, status, created_at, updated_at) VALUES "
          + ", ".join(rows))
    first = _reg[0] - len(specs) + 1
    return [int(x[0]) for x in s.sql("SELECT id FROM student WHERE registration_id BETWEEN %d AND %d"
                                     " ORDER BY registration_id" % (first, _reg[0]))]


def a_class(s, school_id, entry_year, level=1, number=1):
    code = "%d%d%02d" % (entry_year, level, number)
    s.sql("INSERT INTO school_class (school_org_id, campus_group_id, entry_year, level, number, code,"
          " created_at) VALUES (%d, %d, %d, %d, %d, '%s', UTC_TIMESTAMP(6))"
          % (school_id, school_id, entry_year, level, number, code))
    return int(q1(s, "SELECT id FROM school_class WHERE school_org_id = %d AND code = '%s'"
                  % (school_id, code))), code


def primary_school(s, school_id, county, per_grade=2, year=YEAR):
    """per_grade in-school pupils of each primary grade 1..6 of `year`, a
    suspended grade-3 pupil and a junior grade-1 pupil: {grade: [ids]},
    with 'suspended' and 'junior'."""
    out = {}
    for g in range(1, 7):
        out[g] = students(s, school_id, county, [(year - g + 1, 1, "in_school", 0, None)] * per_grade)
    out["suspended"] = students(s, school_id, county, [(year - 2, 1, "suspended", 0, None)])
    out["junior"] = students(s, school_id, county, [(year, 2, "in_school", 0, None)])
    return out


def jobs(s, *args, check=True):
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs"] + list(args),
                       capture_output=True, text=True, env=s.stack.worker_env(), timeout=120)
    if check and r.returncode != 0:
        raise Failure("xuejictl jobs %s: %d %s" % (" ".join(args), r.returncode, r.stderr))
    return r


def created(s, who, kind, scope=None, year=YEAR):
    body = {"kind": kind, "school_year": year}
    if scope:
        body["scope"] = scope
    st, h, b = who.call("POST", BATCHES, body)
    s.eq(st, 201, "create: %r" % (b,))
    return b


def started(s, who, batch):
    st, h, b = who.call("POST", "%s/%d/start" % (BATCHES, batch["id"]))
    s.eq(st, 200, "start: %r" % (b,))
    s.eq(b["state"], "running")
    return b


def events_of(s, ids, year=YEAR):
    """{student id: number of year-end events of `year`}"""
    rows = s.sql("SELECT student_id, COUNT(*) FROM student_event WHERE yearend_year = %d"
                 " AND student_id IN (%s) GROUP BY student_id" % (year, ",".join(map(str, ids))))
    return {int(a): int(n) for a, n in rows}


def status_of(s, ids):
    return {int(a): st for a, st in s.sql("SELECT id, status FROM student WHERE id IN (%s)"
                                         % ",".join(map(str, ids)))}


# ---- dry run -------------------------------------------------------------------

@test("item 8: the dry run counts the in-school records a promotion or graduation would change and creates nothing")
def _(s):
    quiet_runner(s)
    c = County(s)
    school = c.schools[0]
    pupils = primary_school(s, school[0], c.code)
    primary_school(s, c.schools[1][0], c.code, per_grade=1)
    rev = c.staff(school=0)
    st, h, b = rev.call("POST", BATCHES, {"kind": "promotion", "school_year": YEAR, "dry_run": True})
    s.eq(st, 200, "dry run: %r" % (b,))
    # grades 1-5 (2 each) and the junior pupil; not grade 6, not the suspended one
    s.eq((b["dry_run"], b["kind"], b["school_year"], b["count"]), (True, "promotion", YEAR, 11))
    s.eq((b["scope"]["code"], b["scope"]["kind"]), (school[1], "school"))
    st, h, b = rev.call("POST", BATCHES, {"kind": "graduation", "school_year": YEAR, "dry_run": True})
    s.eq(b["count"], 2, "grade 6 only")
    county = c.staff()
    st, h, b = county.call("POST", BATCHES, {"kind": "promotion", "school_year": YEAR, "dry_run": True})
    s.eq((st, b["count"], b["scope"]["kind"]), (200, 11 + 6, "county"), "both schools: %r" % (b,))
    s.eq(q1(s, "SELECT COUNT(*) FROM yearend_batch WHERE scope_org_id IN (%d, %d, %d)"
            % (c.id, school[0], c.schools[1][0])), "0", "a dry run creates no batch")
    s.eq(set(status_of(s, pupils[6]).values()), {"in_school"})
    # a year that has not begun cannot end; an unknown kind
    st, h, b = rev.call("POST", BATCHES, {"kind": "promotion", "school_year": school_year() + 1,
                                          "dry_run": True})
    s.error_body(b, "validation_failed", 422, st)
    st, h, b = rev.call("POST", BATCHES, {"kind": "demotion", "school_year": YEAR})
    s.error_body(b, "validation_failed", 422, st)


# ---- promotion -----------------------------------------------------------------

@test("item 8 R-REC-10: promotion of a school moves grades 1-5 up one in their classes, each with a history event, and graduates no one")
def _(s):
    quiet_runner(s)
    c = County(s)
    sid, scode = c.schools[0]
    cls, ccode = a_class(s, sid, YEAR - 1)
    pupils = primary_school(s, sid, c.code)
    classed = students(s, sid, c.code, [(YEAR - 1, 1, "in_school", 0, cls)] * 3)
    repeater = students(s, sid, c.code, [(YEAR - 5, 1, "in_school", -1, None)])  # grade 6 - 1
    rev = c.staff(school=0)
    b = created(s, rev, "promotion")
    s.eq((b["state"], b["total"], b["done"], b["scope"]["code"]), ("created", 11 + 3 + 1, 0, scode))
    started(s, rev, b)
    jobs(s, "--once", "yearend")
    st, h, b = rev.call("GET", "%s/%d" % (BATCHES, b["id"]))
    s.eq((st, b["state"], b["done"], b["total"]), (200, "done", 15, 15), "progress: %r" % (b,))
    s.ok(b["chunks"] >= 15 // CHUNK and b["finished_at"], "chunks and end: %r" % (b,))
    moved = [i for g in range(1, 6) for i in pupils[g]] + pupils["junior"] + classed + repeater
    s.eq(events_of(s, moved), {i: 1 for i in moved}, "one event per promoted record")
    s.eq(events_of(s, pupils[6] + pupils["suspended"]), {}, "grade 6 and the suspended pupil untouched")
    s.eq(set(status_of(s, moved + pupils[6]).values()), {"in_school"}, "promotion graduates no one")
    s.eq(s.sql("SELECT DISTINCT class_id FROM student WHERE id IN (%s)" % ",".join(map(str, classed))),
         [[str(cls)]], "class kept")
    # the record's history says from which grade to which
    st, h, hist = rev.call("GET", "%s/students/%d/history" % (API, pupils[2][0]))
    s.eq(st, 200, "history: %r" % (hist,))
    e = hist["items"][-1]
    s.eq((e["kind"], e["from_grade"], e["to_grade"], e["status"], e["school_year"], e["batch"],
          e["school"]), ("promoted", 2, 3, "in_school", YEAR, b["id"], scode))
    st, h, hist = rev.call("GET", "%s/students/%d/history" % (API, repeater[0]))
    s.eq((hist["items"][-1]["from_grade"], hist["items"][-1]["to_grade"]), (5, 6),
         "a repeater of the cohort now in grade 6 (grade_offset -1) moves from 5 to 6, not out")
    # every chunk is audited, with the batch's create and start
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'yearend.chunk' AND target_id = '%d'"
            % b["id"]), str(b["chunks"]), "one audit entry per chunk")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action IN ('yearend.create', 'yearend.start')"
            " AND target_id = '%d'" % b["id"]), "2")


@test("item 8: promotion of a county walks every school of the county and only those")
def _(s):
    quiet_runner(s)
    c = County(s, n=3)
    other = County(s, n=1)
    ids = []
    for sid, code in c.schools:
        ids += students(s, sid, c.code, [(YEAR - 1, 1, "in_school", 0, None)] * 5)
    outside = students(s, other.schools[0][0], other.code, [(YEAR - 1, 1, "in_school", 0, None)] * 2)
    county = c.staff()
    b = created(s, county, "promotion")
    s.eq((b["total"], b["scope"]["kind"]), (15, "county"))
    started(s, county, b)
    jobs(s, "--once", "yearend")
    st, h, b = county.call("GET", "%s/%d" % (BATCHES, b["id"]))
    s.eq((b["state"], b["done"]), ("done", 15), "%r" % (b,))
    s.eq(events_of(s, ids), {i: 1 for i in ids})
    s.eq(events_of(s, outside), {}, "another county's school untouched")


# ---- graduation ----------------------------------------------------------------

@test("R-REC-3 item 8: graduation takes the last grade out of school: status graduated, off the roster, in the history")
def _(s):
    quiet_runner(s)
    c = County(s)
    sid, scode = c.schools[0]
    pupils = primary_school(s, sid, c.code, per_grade=3)
    late = students(s, sid, c.code, [(YEAR - 7, 1, "in_school", 0, None)])   # left behind a year ago
    rev = c.staff(school=0)
    clerk = c.staff("clerk", school=0)
    b = created(s, rev, "graduation")
    s.eq(b["total"], 4)
    started(s, rev, b)
    jobs(s, "--once", "yearend")
    st, h, b = clerk.call("GET", "%s/%d" % (BATCHES, b["id"]))
    s.eq((st, b["state"], b["done"]), (200, "done", 4))
    grads = pupils[6] + late
    s.eq(status_of(s, grads), {i: "graduated" for i in grads})
    s.eq(set(status_of(s, pupils[5] + pupils[1]).values()), {"in_school"}, "grades 1-5 stay")
    st, h, r = clerk.call("GET", API + "/roster?limit=200")
    s.eq(st, 200, "roster: %r" % (r,))
    listed = {i["id"] for i in r["items"]}
    s.ok(not listed & set(grads), "graduates are off the roster")
    s.ok(set(pupils[5]) <= listed, "grade 5 still listed")
    st, h, hist = clerk.call("GET", "%s/students/%d/history" % (API, pupils[6][0]))
    s.eq((hist["status"], hist["items"][-1]["kind"], hist["items"][-1]["from_grade"],
          hist["items"][-1]["to_grade"]), ("graduated", "graduated", 6, None))
    # promotion of the same year afterwards: the graduates are not in school
    b2 = created(s, rev, "promotion")
    s.eq(b2["total"], 3 * 5 + 1, "grades 1-5 and the junior pupil")


# ---- crash and resume ------------------------------------------------------------

@test("item 8: a runner stopped after two chunks leaves a consistent batch that the next run finishes, every student once")
def _(s):
    quiet_runner(s)
    c = County(s)
    sid, _ = c.schools[0]
    ids = students(s, sid, c.code, [(YEAR - 2, 1, "in_school", 0, None)] * 18)
    rev = c.staff(school=0)
    b = started(s, rev, created(s, rev, "promotion"))
    jobs(s, "--once", "--batches", "2", "yearend")
    st, h, b = rev.call("GET", "%s/%d" % (BATCHES, b["id"]))
    s.eq((b["state"], b["done"], b["chunks"]), ("running", 2 * CHUNK, 2), "half way: %r" % (b,))
    s.eq(len(events_of(s, ids)), 2 * CHUNK, "the first two chunks' records, committed")
    s.eq(q1(s, "SELECT cursor_id FROM yearend_batch WHERE id = %d" % b["id"]), str(ids[2 * CHUNK - 1]),
         "the cursor past the last record of chunk 2")
    jobs(s, "--once", "yearend")
    st, h, b = rev.call("GET", "%s/%d" % (BATCHES, b["id"]))
    s.eq((b["state"], b["done"], b["total"]), ("done", 18, 18))
    s.eq(events_of(s, ids), {i: 1 for i in ids})


@test("item 8: a runner killed (SIGKILL) inside a chunk loses only that chunk; the rerun applies every student exactly once")
def _(s):
    quiet_runner(s)
    c = County(s)
    sid, _ = c.schools[0]
    ids = students(s, sid, c.code, [(YEAR - 1, 1, "in_school", 0, None)] * 14)
    rev = c.staff(school=0)
    b = started(s, rev, created(s, rev, "promotion"))
    # a row lock held from a second session stops chunk 3 at its first record
    blocker = subprocess.Popen(
        [which("mariadb"), "--no-defaults", "-S", s.stack.db_socket, "-uroot", "-N", "-B",
         "--unbuffered", "xueji"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    runner = None
    try:
        blocker.stdin.write("BEGIN; SELECT id FROM student WHERE id = %d FOR UPDATE;\n" % ids[2 * CHUNK])
        blocker.stdin.flush()
        blocker.stdout.readline()
        log = open(s.stack.path("log", "jobs-yearend.log"), "a")
        runner = subprocess.Popen([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "yearend"],
                                  stdout=log, stderr=log, env=s.stack.worker_env())
        log.close()
        s.wait_until(lambda: q1(s, "SELECT chunks FROM yearend_batch WHERE id = %d" % b["id"]) == "2",
                     what="two chunks committed")
        time.sleep(0.5)                     # the runner waits on the lock in chunk 3
        runner.send_signal(signal.SIGKILL)
        runner.wait(10)
    finally:
        if runner and runner.poll() is None:
            runner.kill()
            runner.wait()
        blocker.stdin.write("ROLLBACK;\n")
        blocker.stdin.close()
        blocker.wait(10)
    s.eq(len(events_of(s, ids)), 2 * CHUNK, "chunk 3 rolled back with the runner")
    s.eq(q1(s, "SELECT CONCAT(state, ' ', done) FROM yearend_batch WHERE id = %d" % b["id"]),
         "running %d" % (2 * CHUNK))
    jobs(s, "--once", "yearend")
    st, h, b = rev.call("GET", "%s/%d" % (BATCHES, b["id"]))
    s.eq((b["state"], b["done"]), ("done", 14))
    s.eq(events_of(s, ids), {i: 1 for i in ids}, "every student exactly once")


@test("item 8: the unique (student, school year) key makes a second application impossible: a cursor moved back re-applies nothing")
def _(s):
    quiet_runner(s)
    c = County(s)
    sid, _ = c.schools[0]
    ids = students(s, sid, c.code, [(YEAR - 5, 1, "in_school", 0, None)] * 6)   # grade 6
    rev = c.staff(school=0)
    b = started(s, rev, created(s, rev, "graduation"))
    jobs(s, "--once", "yearend")
    s.eq(q1(s, "SELECT done FROM yearend_batch WHERE id = %d" % b["id"]), "6")
    # as if a runner had lost its cursor: back to the start, running again,
    # and the pupils back in school as before the batch
    s.sql("UPDATE yearend_batch SET state = 'running', cursor_school = %d, cursor_id = 0,"
          " finished_at = NULL WHERE id = %d" % (sid, b["id"]))
    s.sql("UPDATE student SET status = 'in_school' WHERE id IN (%s)" % ",".join(map(str, ids)))
    jobs(s, "--once", "yearend")
    s.eq(q1(s, "SELECT CONCAT(state, ' ', done) FROM yearend_batch WHERE id = %d" % b["id"]), "done 6",
         "nothing counted twice")
    s.eq(events_of(s, ids), {i: 1 for i in ids}, "no second event")
    s.eq(set(status_of(s, ids).values()), {"in_school"}, "and no second change")


# ---- one batch per year ------------------------------------------------------------

@test("item 8: a second batch of the same kind and year is refused with yearend_batch_exists, also across a county and its schools")
def _(s):
    quiet_runner(s)
    c = County(s)
    students(s, c.schools[0][0], c.code, [(YEAR, 1, "in_school", 0, None)] * 2)
    rev = c.staff(school=0)
    county = c.staff()
    b = created(s, rev, "promotion")
    st, h, e = rev.call("POST", BATCHES, {"kind": "promotion", "school_year": YEAR})
    s.error_body(e, "yearend_batch_exists", 409, st)
    st, h, e = county.call("POST", BATCHES, {"kind": "promotion", "school_year": YEAR})
    s.error_body(e, "yearend_batch_exists", 409, st)
    st, h, e = county.call("POST", BATCHES, {"kind": "promotion", "school_year": YEAR,
                                             "scope": c.schools[0][1]})
    s.error_body(e, "yearend_batch_exists", 409, st)
    # the sibling school, the other kind and another year are free
    created(s, county, "promotion", scope=c.schools[1][1])
    created(s, rev, "graduation")
    created(s, rev, "promotion", year=YEAR - 1)
    # a county batch first: its schools' own are refused
    c2 = County(s)
    created(s, c2.staff(), "graduation")
    st, h, e = c2.staff(school=1).call("POST", BATCHES, {"kind": "graduation", "school_year": YEAR})
    s.error_body(e, "yearend_batch_exists", 409, st)
    # the lists: a school its own batches, the county its own and its schools'
    st, h, l = rev.call("GET", BATCHES + "?school_year=%d" % YEAR)
    s.eq(st, 200, "list: %r" % (l,))
    s.eq(sorted((i["scope"]["code"], i["kind"]) for i in l["items"]),
         [(c.schools[0][1], "graduation"), (c.schools[0][1], "promotion")])
    st, h, l = county.call("GET", BATCHES)
    s.eq(sorted((i["scope"]["code"], i["kind"], i["school_year"]) for i in l["items"]),
         sorted([(c.schools[0][1], "promotion", YEAR), (c.schools[1][1], "promotion", YEAR),
                 (c.schools[0][1], "graduation", YEAR), (c.schools[0][1], "promotion", YEAR - 1)]))
    st, h, l = county.call("GET", BATCHES + "?school_year=1999")
    s.error_body(l, "bad_query", 400, st)
    # started once
    started(s, rev, b)
    st, h, e = rev.call("POST", "%s/%d/start" % (BATCHES, b["id"]))
    s.error_body(e, "yearend_batch_started", 409, st)
    s.eq(q1(s, "SELECT COUNT(*) FROM yearend_batch WHERE scope_org_id = %d AND kind = 'promotion'"
            " AND school_year = %d" % (c.schools[0][0], YEAR)), "1")


@test("item 8: a county and its school creating batches of one kind and year at the same moment: exactly one is created")
def _(s):
    import threading
    quiet_runner(s)
    c = County(s)
    county, rev = c.staff(), c.staff(school=0)
    outcomes = []
    for year in range(YEAR - 12, YEAR - 4):
        got = {}
        gate = threading.Barrier(2)

        def go(who, key):
            gate.wait()
            got[key] = who.call("POST", BATCHES, {"kind": "graduation", "school_year": year})
        ts = [threading.Thread(target=go, args=(county, "county")),
              threading.Thread(target=go, args=(rev, "school"))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        outcomes.append(sorted((got["county"][0], got["school"][0])))
        s.eq([g[2]["error"]["code"] for g in got.values() if g[0] == 409], ["yearend_batch_exists"],
             "year %d: one refused, with the stable code: %r" % (year, got))
    s.eq(outcomes, [[201, 409]] * len(outcomes), "one batch per year, never two")
    s.eq(q1(s, "SELECT COUNT(*) FROM yearend_batch WHERE scope_org_id IN (%d, %d)"
            % (c.id, c.schools[0][0])), str(len(outcomes)))


# ---- who may do what ---------------------------------------------------------------

@test("R-ORG-3 item 8: year-end actions x role x scope (a school its own, a county its schools, bureaus above read)")
def _(s):
    quiet_runner(s)
    c = County(s)
    a, bsch = c.schools
    pupil = students(s, a[0], c.code, [(YEAR, 1, "in_school", 0, None)])[0]
    rev_a = c.staff(school=0)
    batch = created(s, rev_a, "promotion")
    one = "%s/%d" % (BATCHES, batch["id"])
    hist = "%s/students/%d/history" % (API, pupil)
    create = lambda scope=None: ("POST", BATCHES, dict({"kind": "promotion", "school_year": YEAR - 3,
                                                         "dry_run": True}, **({"scope": scope} if scope else {})))
    cases = [
        # (who, (method, path, body), status)
        (c.staff("clerk", school=0), create(), 403),
        (c.staff("clerk", school=0), ("GET", one, None), 200),
        (c.staff("clerk", school=0), ("POST", one + "/start", None), 403),
        (c.staff("clerk", school=0), ("GET", hist, None), 200),
        (rev_a, create(bsch[1]), 404),
        (rev_a, create(c.code), 404),
        (rev_a, create(), 200),
        (c.staff(school=1), ("GET", one, None), 404),
        (c.staff(school=1), ("POST", one + "/start", None), 404),
        (c.staff("clerk", school=1), ("GET", hist, None), 404),
        (c.staff(), create(a[1]), 200),
        (c.staff(), create(), 200),
        (c.staff(), ("GET", one, None), 200),
        (c.staff(), ("GET", hist, None), 200),
        (c.staff("clerk"), create(), 403),
        (account(s, int(q1(s, "SELECT id FROM org WHERE kind = 'county' AND code = '110105'")), "reviewer"),
         create(a[1]), 404),
        (account(s, int(q1(s, "SELECT id FROM org WHERE kind = 'county' AND code = '110105'")), "reviewer"),
         ("GET", one, None), 404),
        (account(s, int(q1(s, "SELECT id FROM org WHERE kind = 'county' AND code = '110105'")), "reviewer"),
         ("GET", hist, None), 404),
        (account(s, int(q1(s, "SELECT id FROM org WHERE kind = 'school' AND code = '1110500001'")),
                 "reviewer"), ("GET", one, None), 404),
        (account(s, int(q1(s, "SELECT id FROM org WHERE kind = 'city' AND code = '110100'")), "reviewer"),
         create(a[1]), 403),
        (account(s, int(q1(s, "SELECT id FROM org WHERE kind = 'city' AND code = '110100'")), "reviewer"),
         ("GET", one, None), 200),
        (account(s, int(q1(s, "SELECT id FROM org WHERE kind = 'city' AND code = '110100'")), "reviewer"),
         ("GET", hist, None), 200),
        (account(s, int(q1(s, "SELECT id FROM org WHERE kind = 'city' AND code = '110100'")), "reviewer"),
         ("POST", one + "/start", None), 403),
        (c.staff(), ("POST", one + "/start", None), 200),     # last: it starts the batch
    ]
    fails = []
    for who, (method, path, body), want in cases:
        st, h, b = who.call(method, path, body)
        if st != want:
            fails.append("%s %s %s: got %d, want %d (%r)" % (who.login_name, method, path, st, want, b))
    s.eq(fails, [])
    st, h, b = rev_a.call("GET", "%s/%d" % (BATCHES, 10 ** 15))
    s.error_body(b, "not_found", 404, st)
    # R-ORG-5: a closed school starts nothing, whoever asks; it stays readable
    s.sql("UPDATE org SET status = 'closed' WHERE id = %d" % bsch[0])
    st, h, b = c.staff().call("POST", BATCHES, {"kind": "promotion", "school_year": YEAR,
                                                "scope": bsch[1]})
    s.error_body(b, "school_closed", 409, st)
    st, h, b = c.staff(school=1).call("POST", BATCHES, {"kind": "promotion", "school_year": YEAR,
                                                        "dry_run": True})
    s.error_body(b, "school_closed", 409, st)
    st, h, b = c.staff("clerk", school=1).call("GET", BATCHES)
    s.eq(st, 200, "a closed school still reads: %r" % (b,))


run(conf={"yearend": {"chunk": str(CHUNK)}})
