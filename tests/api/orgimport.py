"""Black-box: `xuejictl org import FILE`, the official school list (issue 15
item 6; R-ORG-1, R-ORG-2, R-ORG-5, R-REC-9; docs/operations.md "Loading
the school list"). The command runs against the test stack's MariaDB as an
operator would; what it wrote is read back with SQL, and a closed school's
student through the API. Tests run in order: the Tianjin ones build on the
sample file's import, the Chaoyang one closes a demo school last."""
import os
import subprocess

from parent import new_child, reg_body, signed_up
from staff import signed_in
from xjtest import SRCDIR, run, test

API = "/api/school/v1"
SAMPLE = os.path.join(SRCDIR, "data", "orgs-sample.csv")
HEADER = "code,name,county,supervisor,ownership,main_campus,licensed\n"
CHAOYANG = "110105"


def ctl(s, *args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file] + list(args),
                          capture_output=True, text=True, env=e)


def write(s, name, text):
    path = s.stack.path(name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def imported(s, *args):
    r = ctl(s, "org", "import", *args)
    s.eq(r.returncode, 0, "org import: " + r.stdout + r.stderr)
    return r.stdout


def q1(s, sql):
    rows = s.sql(sql)
    return rows[0][0] if rows else None


def school(s, code):
    """(name, county code, supervisor code, ownership, main campus code,
    licensed, status, closed_on, path) of a school, or None."""
    rows = s.sql("SELECT o.name, c.code, COALESCE(v.code, ''), COALESCE(o.ownership, ''),"
                 " COALESCE(m.code, ''), o.licensed, o.status, COALESCE(o.closed_on, ''), o.path"
                 " FROM org o JOIN org c ON c.id = o.county_id"
                 " LEFT JOIN org v ON v.id = o.supervisor_id"
                 " LEFT JOIN org m ON m.id = o.main_campus_id"
                 " WHERE o.kind = 'school' AND o.code = '%s'" % code)
    return tuple(rows[0]) if rows else None


def state(s):
    """Everything an import may change: the org table and the audit trail's length."""
    return (s.sql("SELECT id, code, name, COALESCE(supervisor_id, 0), COALESCE(ownership, ''),"
                  " COALESCE(main_campus_id, 0), licensed, status, COALESCE(closed_on, '')"
                  " FROM org ORDER BY id"),
            q1(s, "SELECT COUNT(*) FROM audit_log"))


def audits(s, action, since):
    return s.sql("SELECT target_id FROM audit_log WHERE action = '%s' AND id > %d ORDER BY id"
                 % (action, since))


def last_audit(s):
    return int(q1(s, "SELECT COALESCE(MAX(id), 0) FROM audit_log"))


@test("issue 15 item 6: the sample list imports: schools, bureaus, ownership, branches (R-ORG-2), licences (R-REC-9)")
def _(s):
    mark = last_audit(s)
    out = imported(s, SAMPLE)
    s.ok("province 120000: 7 added, 0 updated, 0 closed, 0 unchanged" in out, out)
    s.eq(school(s, "1120100001"),
         ("天津市和平区第一实验小学", "120101", "120101", "public", "", "1", "open", "",
          "/120000/120100/120101/1120100001/"))
    s.eq(school(s, "1120100002")[2], "120101", "an empty supervisor is the county")
    s.eq(school(s, "1120100003")[0], "天津市和平区新华路小学(南校区)", "a quoted name")
    s.eq(school(s, "1120100004")[3:6], ("private", "1120100001", "1"),
         "R-ORG-2 a private school without its own code: a branch of a public one")
    s.eq(school(s, "1120200001")[3:6], ("public", "", "1"), "公办 / 是 read as public / 1")
    s.eq(school(s, "1120200002")[1:3], ("120102", "120100"),
         "R-ORG-1 territorial county and supervising bureau differ")
    s.eq(school(s, "1120200003")[5], "0", "R-REC-9 an unlicensed school")
    s.eq(len(audits(s, "org.create", mark)), 7, "one audit entry per school added")
    s.eq(audits(s, "org.import", mark), [["120000"]], "one for the import")


@test("issue 15 item 6: importing the same list again changes nothing (idempotent)")
def _(s):
    before = state(s)
    out = imported(s, SAMPLE)
    s.ok("0 added, 0 updated, 0 closed, 7 unchanged" in out, out)
    after = state(s)
    s.eq(after[0], before[0], "org rows unchanged")
    s.eq(int(after[1]), int(before[1]) + 1, "only the import's own audit entry")


@test("issue 15 item 6: bad rows are rejected with their line numbers and nothing is written")
def _(s):
    with open(SAMPLE, encoding="utf-8") as f:
        good = f.read().splitlines()[1:]
    bad = write(s, "bad.csv", HEADER + "\n".join([
        "1120300001,天津市河西区新学校,120103,,public,,1",       # 2: fine on its own
        "112030000X,天津市河西区坏代码小学,120103,,public,,1",   # 3: code
        "1120300002,天津市某小学,129999,,public,,1",            # 4: no such county
        "1120300003,,120103,,public,,1",                       # 5: empty name
        "1120300004,天津市河西区小学,120103,,state,,1",          # 6: ownership
        "1120300001,天津市河西区重复小学,120103,,public,,1",      # 7: listed twice
        "1120300005,天津市河西区分校,120103,,private,1120399999,1",  # 8: main not listed
        "1120300006,北京市的学校,110105,,public,,1",             # 9: outside Tianjin
        "1120300007,天津市河西区第七小学,120103,,public,,maybe",  # 10: licensed
        "1120300008,\"天津市河西区\"未闭合,120103,,public,,1",     # 11: CSV quoting
    ] + good) + "\n")
    before = state(s)
    r = ctl(s, "org", "import", bad)
    s.eq(r.returncode, 1, r.stdout + r.stderr)
    for line, field in ((3, "code"), (4, "county"), (5, "name"), (6, "ownership"),
                        (7, "code"), (8, "main_campus"), (9, "county"), (10, "licensed")):
        s.ok("%s:%d: %s: " % (bad, line, field) in r.stderr, "line %d %s: %s" % (line, field, r.stderr))
    s.ok("%s:11: " % bad in r.stderr, "line 11 quoting: " + r.stderr)
    s.ok("listed twice (first on line 2)" in r.stderr, r.stderr)
    s.ok("nothing was written" in r.stderr, r.stderr)
    s.eq(state(s), before, "no org row and no audit entry written")
    s.eq(school(s, "1120300001"), None, "the good row was not added either")
    # an empty list would close every school of its scope: refused
    r = ctl(s, "org", "import", "--scope", "120000", write(s, "empty.csv", HEADER))
    s.eq(r.returncode, 1, r.stdout + r.stderr)
    s.ok("lists no school" in r.stderr, r.stderr)
    s.eq(state(s), before)
    # a file without the header is refused before anything is read
    r = ctl(s, "org", "import", write(s, "nohdr.csv", "\n".join(good) + "\n"))
    s.eq(r.returncode, 1)
    s.ok("header" in r.stderr, r.stderr)
    s.eq(state(s), before)


@test("issue 15 item 6: --dry-run reports what would change and writes nothing")
def _(s):
    with open(SAMPLE, encoding="utf-8") as f:
        rows = f.read().splitlines()[1:]
    path = write(s, "dry.csv", HEADER + "\n".join(rows[1:]) + "\n")   # 1120100001 gone
    before = state(s)
    r = ctl(s, "org", "import", "--dry-run", path)
    # the branches name 1120100001 as their main campus: that is an error
    s.eq(r.returncode, 1, r.stdout + r.stderr)
    s.ok("main_campus: 1120100001 is not in the list" in r.stderr, r.stderr)
    path = write(s, "dry2.csv", HEADER + "\n".join(rows[:-1]) + "\n")  # 1120200003 gone
    out = imported(s, "--dry-run", path)
    s.ok("dry run" in out and "0 added, 0 updated, 1 closed, 6 unchanged" in out, out)
    s.ok("closed: 1120200003 " in out, out)
    s.eq(state(s), before, "nothing written")


def admitted(s, school, county):
    """A child admitted to `school` through tick -> list -> county approval
    (as tests/api/records.py does); the student's id."""
    p = signed_up(s)
    child = new_child()
    st, h, b = p.register(reg_body(child, district=county, hukou=county + "000000",
                                   school_code=school))
    s.eq(st, 201, "registration: %r" % (b,))
    no = b["prereg_no"]
    # stands in for the PSB gateway's psb_match of a local family
    s.sql("UPDATE registration SET state = 'printable' WHERE prereg_no = '%s'"
          " AND state = 'submitted' AND local_family = 1" % no)
    clerk = signed_in(s, school + ".clerk")
    st, h, b = clerk.call("POST", "%s/applicants/%s/tick" % (API, no))
    s.ok(st in (200, 201), "tick: %s %r" % (st, b))
    st, h, lst = signed_in(s, school + ".reviewer").call("POST", API + "/admission-lists")
    s.ok(st in (200, 201), "list: %s %r" % (st, lst))
    st, h, b = signed_in(s, county + ".reviewer").call(
        "POST", "%s/admission-lists/%s/decision" % (API, lst["id"]), {"decision": "approve"})
    s.eq(st, 200, "approval: %r" % (b,))
    return int(q1(s, "SELECT s.id FROM student s JOIN registration r ON r.id = s.registration_id"
                     " WHERE r.prereg_no = '%s'" % no))


@test("R-ORG-5 re-import renames a school and closes (never deletes) a vanished one; its students stay readable")
def _(s):
    sid = admitted(s, "1110500002", CHAOYANG)
    ids = dict(s.sql("SELECT code, id FROM org WHERE code IN ('1110500001', '1110500002', '1110500003')"))
    path = write(s, "chaoyang.csv", HEADER +
                 "1110500001,北京市朝阳区第一实验小学(更名),110105,,public,,1\n"
                 "1110500003,北京市朝阳区第三九年一贯制学校,110105,,public,,1\n")
    mark = last_audit(s)
    out = imported(s, "--scope", CHAOYANG, path)
    s.ok("county 110105: 0 added, 2 updated, 1 closed, 0 unchanged" in out, out)
    today = q1(s, "SELECT DATE(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', '+08:00'))")
    s.eq(school(s, "1110500001")[0], "北京市朝阳区第一实验小学(更名)", "renamed")
    gone = school(s, "1110500002")
    s.ok(gone is not None, "the vanished school is still there")
    s.eq(gone[6:8], ("closed", today), "closed today (Beijing)")
    s.eq(dict(s.sql("SELECT code, id FROM org WHERE code IN ('1110500001', '1110500002',"
                    " '1110500003')")), ids, "same rows, same ids")
    s.eq([a[0] for a in audits(s, "org.close", mark)], ["1110500002"])
    s.eq(sorted(a[0] for a in audits(s, "org.update", mark)), ["1110500001", "1110500003"])
    # the other districts' schools are outside the scope: untouched
    s.eq(q1(s, "SELECT COUNT(*) FROM org WHERE kind = 'school' AND status = 'closed'"
               " AND code NOT LIKE '11105%'"), "0")
    # its student's record stays, readable by the county
    s.eq(q1(s, "SELECT school_org_id FROM student WHERE id = %d" % sid), ids["1110500002"])
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", "%s/students/%d" % (API, sid))
    s.eq(st, 200, "the county reads the closed school's student: %r" % (b,))
    s.eq(b["school"]["code"], "1110500002")
    # a closed school is not reopened by listing it again: nothing changes
    before = state(s)
    path = write(s, "reopen.csv", HEADER +
                 "1110500001,北京市朝阳区第一实验小学(更名),110105,,public,,1\n"
                 "1110500002,北京市朝阳区第二中学,110105,,public,,1\n"
                 "1110500003,北京市朝阳区第三九年一贯制学校,110105,,public,,1\n")
    r = ctl(s, "org", "import", "--scope", CHAOYANG, path)
    s.eq(r.returncode, 1, r.stdout + r.stderr)
    s.ok("%s:3: code: 1110500002 is a closed school" % path in r.stderr, r.stderr)
    s.eq(state(s), before)
    # the audit chain holds across the imports
    r = ctl(s, "jobs", "--once", "audit-seal", env={"XUEJI_AUDIT_SEAL_AFTER": "0"})
    s.eq(r.returncode, 0, r.stdout + r.stderr)
    r = ctl(s, "audit", "verify")
    s.eq(r.returncode, 0, r.stdout + r.stderr)
    s.ok(" 0 entries sealed" not in r.stdout, r.stdout)


run()
