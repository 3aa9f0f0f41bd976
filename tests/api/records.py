"""Black-box: student records, classes, roster and search, record
maintenance, term registration and statistics (issue 4 §4-6; R-ADM-2,
R-REC-1..5, R-REC-10, R-ORG-3).

Records come into being only through the county's approval of a school's
admission list (R-ADM-2): `admitted()` drives that chain over HTTP --
parent registers, school ticks, school reviewer submits the list, county
reviewer approves -- and the approval calls store/student.h inside its
transaction. Two steps have no endpoint of ours and are stood in for with
SQL, each said where it happens: the PSB answer (a local family's
registration moved from submitted to printable, as a psb_match would) and
the problem flag / a status other than in school (the duplicate-check and
status-change modules are not built; they will set these columns)."""
import datetime
import re
from urllib.parse import quote

from parent import new_child, reg_body, signed_up
from staff import signed_in
from xjtest import run, test

from students import API, CHAOYANG, HAIDIAN, SCHOOL, SCHOOL2, HAIDIAN_SCHOOL  # noqa: F401
from students import school_year, q1, registered, admitted  # noqa: F401


def record(staff, sid):
    st, h, b = staff.call("GET", "%s/students/%d" % (API, sid))
    assert st == 200, (st, b)
    return b


# ---- records come from approval only ---------------------------------

@test("R-ADM-2 R-REC-1 approval creates an in-school record with a temporary L number")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    b = record(clerk, sid)
    reg = s.sql("SELECT r.county_code, DATE_FORMAT(r.birth_date, '%%Y%%m%%d'), r.year, r.child_name,"
                " r.id_number_ct = s.id_number_ct, r.child_bidx = s.child_bidx"
                " FROM registration r JOIN student s ON s.registration_id = r.id WHERE s.id = %d" % sid)[0]
    s.ok(re.fullmatch(r"L%s%s\d{4}" % (reg[0], reg[1]), b["student_no"]),
         "L + district + birth date + 4 digits: %r" % b["student_no"])
    s.eq((b["student_no_kind"], b["temporary_number"]), ("L", True))
    s.eq((b["status"], b["level"], b["entry_year"], b["class_code"]), ("in_school", 1, int(reg[2]), None))
    s.eq(b["entry_month"], "%s-09" % reg[2])
    grade = school_year() - int(reg[2]) + 1
    s.eq(b["grade"], grade if grade >= 1 else None, "grade derived (R-REC-10)")
    s.eq(b["name"], reg[3])
    # L1: the ciphertext is re-encrypted for the student's row (bound to it);
    # the blind index, a function of the number, is copied
    s.eq((reg[4], reg[5]), ("0", "1"), "identity re-encrypted for the student row, blind index copied")
    s.eq(b["school"]["code"], SCHOOL)
    s.eq(b["guardians"], 1, "guardians copied")
    s.eq(q1(s, "SELECT student_id FROM student_no_issued WHERE student_no = '%s'" % b["student_no"]),
         str(sid), "the number is kept among those ever issued")
    s.ok("id_number" not in b, "no identity number in clear")


@test("time-format bug: student record times are Beijing time with the offset, like every time in the API")
def _(s):
    (sid,) = admitted(s)
    b = record(signed_in(s, SCHOOL + ".clerk"), sid)
    utc = s.sql("SELECT DATE_FORMAT(created_at, '%%Y-%%m-%%d %%H:%%i:%%s') FROM student"
                " WHERE id = %d" % sid)[0][0]
    want = (datetime.datetime.strptime(utc, "%Y-%m-%d %H:%M:%S")
            + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    s.eq(b["created_at"], want, "created_at")
    for k in ("created_at", "updated_at"):
        s.ok(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", b[k]), "%s: %r" % (k, b[k]))


@test("R-ADM-2 no endpoint creates a record: POST /students is not a route")
def _(s):
    clerk = signed_in(s, SCHOOL + ".clerk")
    st, h, b = clerk.call("POST", API + "/students", {"name": "张三"})
    s.eq(st, 405, "POST students: %r" % (b,))


# ---- classes (R-REC-2) ------------------------------------------------

@test("R-REC-2 classes: explicit and next numbers, duplicates 409, bureau 403, bad level 422")
def _(s):
    clerk = signed_in(s, SCHOOL2 + ".clerk")
    st, h, b = clerk.call("POST", API + "/classes", {"entry_year": 2031, "level": 2, "number": 1})
    s.eq(st, 201, "create: %r" % (b,))
    s.eq((b["code"], b["entry_year"], b["level"], b["number"]), ("2031201", 2031, 2, 1))
    st, h, b = clerk.call("POST", API + "/classes", {"entry_year": 2031, "level": 2})
    s.eq((st, b.get("code")), (201, "2031202"), "next number: %r" % (b,))
    st, h, b = clerk.call("POST", API + "/classes", {"entry_year": 2031, "level": 2, "number": 2})
    s.error_body(b, "class_exists", 409, st)
    st, h, b = clerk.call("POST", API + "/classes", {"entry_year": 2031, "level": 4})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([f["field"] for f in e["fields"]], ["level"])
    bureau = signed_in(s, CHAOYANG + ".reviewer")
    st, h, b = bureau.call("POST", API + "/classes", {"entry_year": 2031, "level": 2})
    s.error_body(b, "forbidden", 403, st)
    st, h, b = clerk.call("GET", API + "/classes")
    s.eq(st, 200)
    s.ok({"2031201", "2031202"} <= {c["code"] for c in b["items"]}, b)
    n = q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'class.create' AND actor_role = 'clerk'")
    s.ok(int(n) >= 2, "class creation audited")


@test("R-REC-2 R-ORG-2 a branch campus continues the main campus's class numbers")
def _(s):
    main = s.sql("SELECT id, path, county_id FROM org WHERE kind = 'school' AND code = '%s'" % SCHOOL)[0]
    branch = "1110599901"
    s.sql("INSERT IGNORE INTO org (kind, code, name, parent_id, path, county_id, supervisor_id, main_campus_id)"
          " SELECT 'school', '%s', '北京市朝阳区第一实验小学分校', parent_id, CONCAT(SUBSTRING(path, 1,"
          " LENGTH(path) - 11), '%s/'), county_id, supervisor_id, id FROM org WHERE id = %s"
          % (branch, branch, main[0]))
    s.sql("INSERT IGNORE INTO staff_account (org_id, login, display_name, role, pw_hash)"
          " SELECT o.id, '%s.clerk', '分校学籍管理员', 'clerk', a.pw_hash FROM org o, staff_account a"
          " WHERE o.code = '%s' AND a.login = '%s.clerk'" % (branch, branch, SCHOOL))
    mclerk = signed_in(s, SCHOOL + ".clerk")
    bclerk = signed_in(s, branch + ".clerk")
    for want in ("2032101", "2032102", "2032103"):
        st, h, b = mclerk.call("POST", API + "/classes", {"entry_year": 2032, "level": 1})
        s.eq((st, b.get("code")), (201, want), "main campus: %r" % (b,))
    st, h, b = bclerk.call("POST", API + "/classes", {"entry_year": 2032, "level": 1})
    s.eq((st, b.get("code")), (201, "2032104"), "branch starts after the main campus: %r" % (b,))
    st, h, b = bclerk.call("POST", API + "/classes", {"entry_year": 2032, "level": 1, "number": 2})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("number", "class_number_branch")])
    st, h, b = bclerk.call("POST", API + "/classes", {"entry_year": 2032, "level": 1, "number": 10})
    s.eq((st, b.get("code")), (201, "2032110"))
    st, h, b = mclerk.call("POST", API + "/classes", {"entry_year": 2032, "level": 1})
    s.eq((st, b.get("code")), (201, "2032111"), "numbers never collide inside the group: %r" % (b,))
    st, h, b = mclerk.call("POST", API + "/classes", {"entry_year": 2032, "level": 1, "number": 10})
    s.error_body(b, "class_exists", 409, st)


@test("classes: assignment checks year and level, is audited, refuses other schools (404) and bureaus (403)")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    year = int(q1(s, "SELECT entry_year FROM student WHERE id = %d" % sid))
    code = None
    for _ in range(2):
        st, h, b = clerk.call("POST", API + "/classes", {"entry_year": year, "level": 1})
        s.eq(st, 201, "class: %r" % (b,))
        code = code or b["code"]
    st, h, other = clerk.call("POST", API + "/classes", {"entry_year": year + 1, "level": 1})
    s.eq(st, 201)
    path = "%s/students/%d/class" % (API, sid)
    st, h, b = clerk.call("POST", path, {"class_code": other["code"]})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("class_code", "class_mismatch")])
    st, h, b = clerk.call("POST", path, {"class_code": "%d199" % year})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("class_code", "unknown_code")])
    st, h, b = clerk.call("POST", path, {"class_code": "20261"})
    s.error_body(b, "validation_failed", 422, st)
    st, h, b = clerk.call("POST", path, {"class_code": code})
    s.eq((st, b.get("class_code")), (200, code), "assigned: %r" % (b,))
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'student.assign_class'"
               " AND target_id = '%d'" % sid), "1")
    st, h, b = clerk.call("GET", "%s/roster?class=%s" % (API, code))
    s.eq(st, 200)
    s.ok(sid in [i["id"] for i in b["items"]], "the class roster lists the student")
    s.ok(all(i["class_code"] == code for i in b["items"]), b)
    other_school = signed_in(s, SCHOOL2 + ".clerk")
    st, h, b = other_school.call("POST", path, {"class_code": code})
    s.error_body(b, "not_found", 404, st)
    bureau = signed_in(s, CHAOYANG + ".reviewer")
    st, h, b = bureau.call("POST", path, {"class_code": code})
    s.error_body(b, "forbidden", 403, st)


# ---- roster and search (R-REC-3, R-ORG-3) -------------------------------

@test("R-REC-3 the roster lists in-school students only, pages by keyset, and stays in scope")
def _(s):
    ids = admitted(s, 3)
    # stands in for a suspension approved through its workflow (R-MOV-6, not built)
    s.sql("UPDATE student SET status = 'suspended' WHERE id = %d" % ids[2])
    clerk = signed_in(s, SCHOOL + ".clerk")
    seen, after, pages = [], None, 0
    while True:
        st, h, b = clerk.call("GET", API + "/roster?limit=2" + ("&after=%s" % after if after else ""))
        s.eq(st, 200, "roster: %r" % (b,))
        seen += [i["id"] for i in b["items"]]
        pages += 1
        s.ok(all(i["status"] == "in_school" for i in b["items"]), b)
        after = b["next_after"]
        if after is None:
            break
        s.ok(pages < 1000, "paging ends")
    s.eq(len(seen), len(set(seen)), "no student twice across pages")
    s.ok(ids[0] in seen and ids[1] in seen, "in-school students listed")
    s.ok(ids[2] not in seen, "a suspended student is not on the roster")
    want = int(q1(s, "SELECT COUNT(*) FROM student s JOIN org o ON o.id = s.school_org_id"
                     " WHERE o.code = '%s' AND s.status = 'in_school'" % SCHOOL))
    s.eq(len(seen), want, "every in-school student of the school")
    year = int(q1(s, "SELECT entry_year FROM student WHERE id = %d" % ids[0]))
    grade = school_year() - year + 1
    if 1 <= grade <= 6:
        st, h, b = clerk.call("GET", API + "/roster?level=1&grade=%d&limit=200" % grade)
        s.ok(ids[0] in [i["id"] for i in b["items"]], "grade filter")
    # R-ORG-3: another school, another county
    st, h, b = signed_in(s, SCHOOL2 + ".clerk").call("GET", API + "/roster?school=" + SCHOOL)
    s.error_body(b, "not_found", 404, st)
    bureau = signed_in(s, CHAOYANG + ".reviewer")
    st, h, b = bureau.call("GET", API + "/roster")
    s.error_body(b, "bad_query", 400, st)
    st, h, b = bureau.call("GET", API + "/roster?limit=200&school=" + SCHOOL)
    s.eq(st, 200)
    s.ok(ids[0] in [i["id"] for i in b["items"]], "the county reads its school's roster")
    st, h, b = signed_in(s, HAIDIAN + ".reviewer").call("GET", API + "/roster?school=" + SCHOOL)
    s.error_body(b, "not_found", 404, st)
    st, h, b = clerk.call("GET", API + "/roster?limit=0")
    s.error_body(b, "bad_query", 400, st)


@test("R-ORG-3 search: counties and above by name prefix, number or class; nothing outside the scope")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    rec = record(clerk, sid)
    county = signed_in(s, CHAOYANG + ".reviewer")
    st, h, b = county.call("GET", API + "/students?student_no=" + rec["student_no"])
    s.eq((st, [i["id"] for i in b["items"]]), (200, [sid]), "by number: %r" % (b,))
    prefix = rec["name"][:1]
    st, h, b = county.call("GET", API + "/students?limit=200&name=" + quote(prefix))
    s.eq(st, 200)
    s.ok(all(i["name"].startswith(prefix) for i in b["items"]), "prefix match: %r" % b)
    st, h, b = county.call("GET", API + "/students?name=%s&student_no=%s" % (quote(rec["name"]), rec["student_no"]))
    s.eq([i["id"] for i in b["items"]], [sid])
    city = signed_in(s, "bj.city.reviewer")
    st, h, b = city.call("GET", API + "/students?student_no=" + rec["student_no"])
    s.eq([i["id"] for i in b["items"]], [sid], "the city sees its counties' records")
    haidian = signed_in(s, HAIDIAN + ".reviewer")
    st, h, b = haidian.call("GET", API + "/students?student_no=" + rec["student_no"])
    s.eq((st, b["items"]), (200, []), "another county finds nothing")
    st, h, b = haidian.call("GET", API + "/students?school=" + SCHOOL)
    s.error_body(b, "not_found", 404, st)
    st, h, b = haidian.call("GET", "%s/students/%d" % (API, sid))
    s.error_body(b, "not_found", 404, st)
    st, h, b = signed_in(s, SCHOOL2 + ".clerk").call("GET", "%s/students/%d" % (API, sid))
    s.error_body(b, "not_found", 404, st)
    st, h, b = county.call("GET", API + "/students?student_no=L12345")
    s.error_body(b, "bad_query", 400, st)
    st, h, b = county.call("GET", API + "/students?status=expelled")
    s.error_body(b, "bad_query", 400, st)
    st, h, b = county.call("GET", "%s/students?name=%%25" % API)
    s.eq((st, b["items"]), (200, []), "a LIKE sign is a character, not a pattern")


# ---- maintenance (R-KEY-1) ----------------------------------------------

@test("R-KEY-1 the school edits uncontrolled fields with audit; controlled ones are not editable here")
def _(s):
    (sid,) = admitted(s)
    clerk = signed_in(s, SCHOOL + ".clerk")
    path = "%s/students/%d" % (API, sid)
    before = record(clerk, sid)
    st, h, b = clerk.call("PATCH", path, {"current_address": "北京市朝阳区望京街10号院3号楼501",
                                          "boarding": True})
    s.eq(st, 200, "patch: %r" % (b,))
    s.eq((b["current_address"], b["boarding"], b["home_address"]),
         ("北京市朝阳区望京街10号院3号楼501", True, before["home_address"]))
    s.eq(b["version"], before["version"] + 1)
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'student.update' AND target_id = '%d'"
               " AND before_digest <> after_digest" % sid), "1")
    st, h, b = clerk.call("PATCH", path, {"name": "李四"})
    e = s.error_body(b, "validation_failed", 422, st)
    # issue 12 item 4: a field of the record that is controlled, named as
    # such (tests/api/key_data.py has the rest)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("name", "key_field_controlled")])
    s.eq(record(clerk, sid)["name"], before["name"])
    st, h, b = signed_in(s, SCHOOL2 + ".clerk").call("PATCH", path, {"boarding": False})
    s.error_body(b, "not_found", 404, st)
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("PATCH", path, {"boarding": False})
    s.error_body(b, "forbidden", 403, st)


# ---- term registration (R-REC-5) ----------------------------------------

@test("R-REC-5 term registration registers the school's students and refuses records with open problems")
def _(s):
    ids = admitted(s, 2, school=SCHOOL2)
    # stands in for the duplicate-check module (R-DUP-1, not built): an open problem
    s.sql("UPDATE student SET problem_open = 1 WHERE id = %d" % ids[1])
    reviewer = signed_in(s, SCHOOL2 + ".reviewer")
    st, h, b = reviewer.call("POST", API + "/term-registrations", {"term": "2026-1"})
    s.eq(st, 200, "register: %r" % (b,))
    s.eq([r["id"] for r in b["refused"]], [ids[1]])
    s.eq(b["refused"][0]["reason"], "problem_open")
    s.eq(b["refused_count"], 1)
    got = {int(x[0]) for x in s.sql("SELECT student_id FROM student_term WHERE term = '2026-1'")}
    s.ok(ids[0] in got and ids[1] not in got, "registered: %r" % got)
    want = int(q1(s, "SELECT COUNT(*) FROM student s JOIN org o ON o.id = s.school_org_id"
                     " WHERE o.code = '%s' AND s.status IN ('in_school', 'suspended')"
                     " AND s.problem_open = 0" % SCHOOL2))
    s.eq((b["registered"], b["newly_registered"]), (want, want))
    st, h, b = reviewer.call("POST", API + "/term-registrations", {"term": "2026-1"})
    s.eq((st, b["registered"], b["newly_registered"]), (200, want, 0), "a second run adds nobody")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'student.term_register'"
               " AND target_id = '%s/2026-1'" % SCHOOL2), "2")
    st, h, b = reviewer.call("POST", API + "/term-registrations", {"term": "2026-3"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("term", "term_format")])
    st, h, b = signed_in(s, CHAOYANG + ".admin").call("POST", API + "/term-registrations",
                                                      {"term": "2026-1"})
    s.error_body(b, "forbidden", 403, st)


# ---- statistics (issue 4 §6) --------------------------------------------

LIVE_OUT = ("cancelled", "void", "id_rejected")
VERIFIED = ("id_verified", "cert_review", "cert_rejected", "printable", "school_accepted",
            "district_approved", "admitted")


def fold(rows):
    """Counts from (state, local_family, n) rows, as SQL sees them."""
    c = dict(registrations=0, local=0, non_local=0, verified=0, ticked=0, approved=0,
             admitted=0, cancelled_or_void=0)
    for state, local, n in rows:
        n = int(n)
        if state in LIVE_OUT:
            c["cancelled_or_void"] += n
            continue
        c["registrations"] += n
        c["local" if local == "1" else "non_local"] += n
        c["verified"] += n if state in VERIFIED else 0
        c["ticked"] += n if state in ("school_accepted", "district_approved", "admitted") else 0
        c["approved"] += n if state in ("district_approved", "admitted") else 0
        c["admitted"] += n if state == "admitted" else 0
    return c


def strip(d):
    return {k: d[k] for k in ("registrations", "local", "non_local", "verified", "ticked",
                               "approved", "admitted", "cancelled_or_void")}


@test("statistics agree with the rows created, per county and per school")
def _(s):
    admitted(s, 1)
    registered(s)                           # verified, not ticked
    p = signed_up(s)                        # submitted, not verified: a non-local family
    st, h, b = p.register(reg_body(new_child(), district=CHAOYANG, hukou="440305000000"))
    s.eq(st, 201)
    county = signed_in(s, CHAOYANG + ".reviewer")
    st, h, b = county.call("GET", API + "/statistics")
    s.eq(st, 200, "statistics: %r" % (b,))
    s.eq((b["scope"]["code"], b["scope"]["kind"]), (CHAOYANG, "county"))
    want = fold(s.sql("SELECT state, local_family, COUNT(*) FROM registration"
                      " WHERE county_code = '%s' GROUP BY state, local_family" % CHAOYANG))
    s.eq([c["code"] for c in b["counties"]], [CHAOYANG])
    s.eq(strip(b["counties"][0]), want, "county row")
    s.eq(strip(b["totals"]), want, "totals")
    s.ok(want["admitted"] + want["approved"] >= 1 and want["non_local"] >= 1 and want["verified"] >= 2, want)
    sid = q1(s, "SELECT id FROM org WHERE kind = 'school' AND code = '%s'" % SCHOOL)
    wschool = fold(s.sql("SELECT state, local_family, COUNT(*) FROM registration"
                         " WHERE school_org_id = %s GROUP BY state, local_family" % sid))
    row = [x for x in b["schools"] if x["code"] == SCHOOL]
    s.eq(len(row), 1, "the school has a row")
    s.eq(strip(row[0]), wschool, "school row")
    s.eq(row[0]["students_in_school"],
         int(q1(s, "SELECT COUNT(*) FROM student WHERE school_org_id = %s AND status = 'in_school'" % sid)))
    # the same school seen through its own scope, and by the city
    st, h, b2 = signed_in(s, SCHOOL + ".clerk").call("GET", API + "/statistics")
    s.eq((st, b2["counties"], strip(b2["totals"])), (200, [], wschool), "a school's own scope")
    st, h, b3 = signed_in(s, "bj.city.reviewer").call("GET", API + "/statistics?scope=" + CHAOYANG)
    s.eq((st, strip(b3["totals"])), (200, want), "the city asks for one county")
    st, h, b4 = signed_in(s, "bj.city.reviewer").call("GET", API + "/statistics")
    wcity = fold(s.sql("SELECT r.state, r.local_family, COUNT(*) FROM registration r JOIN org o"
                       " ON o.kind = 'county' AND o.code = r.county_code WHERE o.path LIKE '/110000/110100/%'"
                       " GROUP BY r.state, r.local_family"))
    s.eq(strip(b4["totals"]), wcity, "city totals")


@test("R-ORG-3 statistics outside the actor's scope answer 404")
def _(s):
    st, h, b = signed_in(s, HAIDIAN + ".reviewer").call("GET", API + "/statistics?scope=" + CHAOYANG)
    s.error_body(b, "not_found", 404, st)
    st, h, b = signed_in(s, SCHOOL + ".clerk").call("GET", API + "/statistics?scope=" + CHAOYANG)
    s.error_body(b, "not_found", 404, st)
    st, h, b = signed_in(s, SCHOOL + ".clerk").call("GET", API + "/statistics?scope=" + SCHOOL2)
    s.error_body(b, "not_found", 404, st)
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", API + "/statistics?scope=9999999999")
    s.error_body(b, "not_found", 404, st)


@test("statistics read covering indexes (EXPLAIN): no table rows, no full scan")
def _(s):
    plan = s.sql("EXPLAIN SELECT o.code, o.name, r.state, r.local_family, COUNT(*) FROM org o"
                 " JOIN registration r ON r.county_code = o.code WHERE o.kind = 'county'"
                 " AND o.path LIKE '/110000/%' GROUP BY o.code, r.state, r.local_family ORDER BY o.code")
    reg = [row for row in plan if row[2] == "r"]
    s.eq(len(reg), 1, repr(plan))
    s.ok(reg[0][5] == "registration_stats_county" and "Using index" in reg[0][9],
         "per county: %r" % (reg[0],))
    plan = s.sql("EXPLAIN SELECT o.id, o.code, o.name, r.state, r.local_family, COUNT(*) FROM org o"
                 " JOIN registration r ON r.school_org_id = o.id WHERE o.kind = 'school'"
                 " AND o.path LIKE '/110000/%' GROUP BY o.id, r.state, r.local_family ORDER BY o.id")
    reg = [row for row in plan if row[2] == "r"]
    s.ok(reg and reg[0][5] == "registration_stats_school" and "Using index" in reg[0][9],
         "per school: %r" % (plan,))


run()
