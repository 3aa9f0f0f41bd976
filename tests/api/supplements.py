"""Black-box: 补建学籍 and batch import (issue 12 item 5, the batch-import
entry path of issue 12 item 1; R-DUP-4, R-REC-8, R-DUP-1).

A school keys in the record of a pupil above grade 1 who has none
(POST /students/supplements) or sends a CSV file of them
(POST /students/imports). Each record is made by the one function of
school/supplement.c: a temporary L number, the check at the door in the
same transaction, status pending_check until the ministry's national check
answers (national_action supplement). Grade 1 of primary school is
admission's path and refused. An import is atomic: one bad line refuses
the file and names the line, field and code.

Children are the PSB simulator's fixture population (tests/psbsim); their
birth dates are a first-grader's, which does not matter here (age is a
warning, R-COL-8, and the grade follows from the entry year)."""
import base64
import datetime
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import xchange
from parent import new_child, population
from staff import signed_in
from students import school_year
from xchange import Key, message, parse_receipt
from xjtest import BUILDDIR, Failure, run, test

API = "/api/school/v1"
SUPP = API + "/students/supplements"
IMPORTS = API + "/students/imports"
CHAOYANG = "110105"
CY1, CY2 = "1110500001", "1110500002"
HD1 = "1110800001"

# the ministry's side (tests/api/xchange.py), as exchange_national.py acts it
NS = "{urn:xueji:exchange:1}"
ORG = "110000"
XPATH = "/exchange/ministry/v1/messages"
PULL = "/exchange/ministry/v1/outbox"
KEYDIR = tempfile.mkdtemp(prefix="xj-xsupp-")
MOE = Key(KEYDIR, "MOE-1", "MOE")
subprocess.run([os.path.join(BUILDDIR, "xuejictl"), "exchange-keygen",
                os.path.join(KEYDIR, "own.key"), os.path.join(KEYDIR, "own.pem")],
               check=True, capture_output=True)
xchange.peers_file(os.path.join(KEYDIR, "peers"), [MOE])
CONF = {"exchange": {"org_code": ORG,
                     "signing_key_file": os.path.join(KEYDIR, "own.key"),
                     "signing_key_id": ORG + "-1",
                     "peer_keys_file": os.path.join(KEYDIR, "peers"),
                     "batch_records": 100,
                     "message_limit": 4 << 20,
                     "outbox_page_bytes": 1 << 20},
        "server": {"body_limit": 8 << 20, "arena_size": 12 << 20}}

COLUMNS = ["name", "sex", "birth_date", "id_doc_type", "id_number", "ethnicity", "nationality",
           "hukou_nature", "hukou_location", "birthplace", "native_place", "current_address",
           "home_address", "contact_address", "entry_year", "level"]


def q1(s, sql):
    return s.sql(sql)[0][0]


def body(p, grade=3, level=1, **over):
    """The record of child p (a population.Person) in `grade` of `level`."""
    b = {"name": p.name, "sex": p.sex, "birth_date": p.birth_date, "id_doc_type": "1",
         "id_number": p.id_number, "ethnicity": "01", "nationality": "中国",
         "hukou_nature": "resident", "hukou_location": CHAOYANG + "000000",
         "birthplace": "北京市朝阳区", "native_place": "北京市",
         "current_address": "北京市朝阳区建国路1号院2号楼301",
         "home_address": "北京市朝阳区建国路1号院2号楼301",
         "contact_address": "北京市朝阳区建国路1号院2号楼301",
         "entry_year": school_year() - grade + 1, "level": level}
    b.update(over)
    return b


def twin(p):
    """Another child with p's name, sex and birth date and another valid number."""
    seq = int(p.id_number[14:17])
    seq2 = (seq + 2) % 1000 or 2 + seq % 2
    y, m, d = (int(x) for x in p.birth_date.split("-"))
    return population.Person(index=-1, name=p.name, sex=p.sex, birth_date=p.birth_date,
                             id_doc_type="1", id_number=population.make_id(p.area, y, m, d, seq2),
                             area=p.area)


def cell(v):
    v = str(v)
    if any(c in v for c in ',"\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def csv(rows, columns=None, bom=False):
    """A UTF-8 CSV file of the records rows (dicts as body() makes)."""
    cols = columns or sorted({k for r in rows for k in r}, key=lambda k: (
        COLUMNS.index(k) if k in COLUMNS else 99, k))
    lines = [",".join(cols)]
    for r in rows:
        lines.append(",".join(cell(int(r[c]) if isinstance(r.get(c), bool) else r.get(c, ""))
                              for c in cols))
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def send(staff, data, key=None, ctype="text/csv; charset=utf-8"):
    h = {"Content-Type": ctype}
    if key:
        h["Idempotency-Key"] = key
    return staff.call("POST", IMPORTS, raw=data, headers=h)


def groups_of(s, sid):
    return [(r[0], r[1], r[2]) for r in s.sql(
        "SELECT g.kind, g.state, m.reason FROM problem_member m"
        " JOIN problem_group g ON g.id = m.group_id WHERE m.student_id = %d ORDER BY g.id" % sid)]


def students_of(s, school):
    return int(q1(s, "SELECT COUNT(*) FROM student s JOIN org o ON o.id = s.school_org_id"
                     " WHERE o.code = '%s'" % school))


def field_errors(b):
    return sorted((f["field"], f["code"]) for f in b["error"]["fields"])


# ---- 补建: one record ---------------------------------------------------------

@test("R-DUP-4 补建 above grade 1: 201 pending_check with an L number, national_action supplement, origin supplement; its history and audit")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("POST", SUPP, body(new_child(), grade=3))
    s.eq(st, 201, "supplement: %r" % (b,))
    s.eq((b["status"], b["national_check"], b["national_action"], b["origin"], b["grade"]),
         ("pending_check", "due", "supplement", "supplement", 3))
    s.ok(b["temporary_number"] and b["student_no"].startswith("L" + CHAOYANG), b["student_no"])
    s.eq((b["problem_open"], b["problems"]), (False, []))
    sid = b["id"]
    row = s.sql("SELECT registration_id IS NULL, origin, national_check, national_action, status,"
                " student_no_kind, id_number_ct <> '', person_bidx IS NOT NULL FROM student"
                " WHERE id = %d" % sid)[0]
    s.eq(list(row), ["1", "supplement", "due", "supplement", "pending_check", "L", "1", "1"])
    s.eq(q1(s, "SELECT student_id FROM student_no_issued WHERE student_no = '%s'" % b["student_no"]),
         str(sid))
    s.eq(q1(s, "SELECT kind FROM student_event WHERE student_id = %d" % sid), "supplement")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'student.supplement'"
               " AND target_id = '%d'" % sid), "1")


@test("R-DUP-4 a pending record is visible as such: the record view, the list ?status=pending_check for the school and its county")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("POST", SUPP, body(new_child(), grade=4))
    s.eq(st, 201, "%r" % (b,))
    sid = b["id"]
    st, h, v = clerk.call("GET", "%s/students/%d" % (API, sid))
    s.eq(st, 200)
    s.eq((v["status"], v["national_check"], v["national_action"], v["origin"]),
         ("pending_check", "due", "supplement", "supplement"))
    st, h, lst = clerk.call("GET", API + "/students?status=pending_check&limit=200")
    s.eq(st, 200, "%r" % (lst,))
    s.ok(sid in [i["id"] for i in lst["items"]], "listed pending for the school")
    s.ok(all(i["status"] == "pending_check" for i in lst["items"]), "only pending records")
    county = signed_in(s, CHAOYANG + ".reviewer")
    st, h, lst = county.call("GET", API + "/students?status=pending_check&school=%s&limit=200" % CY1)
    s.eq(st, 200, "%r" % (lst,))
    s.ok(sid in [i["id"] for i in lst["items"]], "listed pending for the county")


@test("R-DUP-4 R-REC-3 R-REC-5 R-MOV-2 a pending record is not in the roster, the term registration, the in-school statistics, a transfer or a certificate")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    c = new_child()
    st, h, b = clerk.call("POST", SUPP, body(c, grade=2))
    s.eq(st, 201, "%r" % (b,))
    sid, no = b["id"], b["student_no"]
    st, h, r = clerk.call("GET", API + "/roster?limit=200&after=%d" % (sid - 1))
    s.eq(st, 200, "%r" % (r,))
    s.ok(sid not in [i["id"] for i in r["items"]], "not in the roster")
    st, h, t = signed_in(s, CY1 + ".reviewer").call("POST", API + "/term-registrations",
                                                   {"term": "%d-1" % school_year()})
    s.eq(st, 200, "term registration: %r" % (t,))
    s.eq(q1(s, "SELECT COUNT(*) FROM student_term WHERE student_id = %d" % sid), "0")
    s.eq(q1(s, "SELECT COUNT(*) FROM student WHERE id = %d AND status = 'in_school'" % sid), "0")
    # another school (Haidian) applies for a transfer of the pending pupil
    st, h, tr = signed_in(s, HD1 + ".clerk").call("POST", API + "/transfers",
                                                 {"student_no": no, "name": c.name})
    s.eq((st, tr["error"]["code"]), (409, "student_not_in_school"), "transfer: %r" % (tr,))
    st, h, ce = clerk.call("POST", "%s/students/%d/status-certificates" % (API, sid))
    s.eq((st, ce["error"]["code"]), (409, "status_not_certifiable"), "certificate: %r" % (ce,))


@test("R-DUP-4 R-ADM-2 grade 1 of primary school is refused (admission is that path); junior grade 1 is a 补建; a grade the level lacks is out of range")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    n = students_of(s, CY1)
    st, h, b = clerk.call("POST", SUPP, body(new_child(), grade=1))
    s.eq(st, 422, "%r" % (b,))
    s.eq(field_errors(b), [("entry_year", "supplement_grade_one")])
    s.ok("admission" in b["error"]["fields"][0]["message_en"], "%r" % (b,))
    st, h, b = clerk.call("POST", SUPP, body(new_child(), grade=7))
    s.eq((st, field_errors(b)), (422, [("entry_year", "out_of_range")]))
    st, h, b = clerk.call("POST", SUPP, body(new_child(), grade=0))
    s.eq((st, field_errors(b)), (422, [("entry_year", "out_of_range")]))
    s.eq(students_of(s, CY1), n, "nothing created")
    st, h, b = clerk.call("POST", SUPP, body(new_child(), grade=1, level=2))
    s.eq((st, b.get("status"), b.get("grade")), (201, "pending_check", 1), "%r" % (b,))


@test("R-COL-7 the data goes through the form's validators: a wrong check character, a sex that disagrees, an unknown code, a spaced name normalised")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    c = new_child()
    bad = c.id_number[:17] + ("0" if c.id_number[17] != "0" else "1")
    st, h, b = clerk.call("POST", SUPP, body(c, id_number=bad))
    s.eq((st, field_errors(b)), (422, [("id_number", "id_number_check_char")]))
    st, h, b = clerk.call("POST", SUPP, body(c, sex="F" if c.sex == "M" else "M"))
    s.eq((st, field_errors(b)), (422, [("sex", "sex_mismatch")]))
    st, h, b = clerk.call("POST", SUPP, body(c, ethnicity="99", hukou_location="999999000000"))
    s.eq(st, 422)
    s.eq(sorted(f for f, code in field_errors(b)), ["ethnicity", "hukou_location"])
    st, h, b = clerk.call("POST", SUPP, body(c, id_doc_type="Z"))
    s.eq((st, field_errors(b)), (422, [("id_doc_type", "unknown_code")]))
    st, h, b = clerk.call("POST", SUPP, {})
    s.eq(st, 422)
    s.ok(("name", "required") in field_errors(b), "%r" % (b,))
    spaced = c.name[0] + " " + c.name[1:]
    st, h, b = clerk.call("POST", SUPP, body(c, name=spaced))
    s.eq((st, b.get("name")), (201, c.name), "%r" % (b,))


@test("R-REC-2 a class of the school with the record's entry year and level is taken; another school's or another year's class is refused")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    year = school_year() - 2
    code = None
    for k in range(1, 99):
        st, h, b = clerk.call("POST", API + "/classes", {"entry_year": year, "level": 1})
        if st == 201:
            code = b["code"]
            break
    s.ok(code, "a class")
    st, h, b = clerk.call("POST", SUPP, body(new_child(), grade=3, class_code=code))
    s.eq((st, b.get("class_code")), (201, code), "%r" % (b,))
    st, h, b = clerk.call("POST", SUPP, body(new_child(), grade=4, class_code=code))
    s.eq((st, field_errors(b)), (422, [("class_code", "class_mismatch")]))
    st, h, b = signed_in(s, CY2 + ".clerk").call("POST", SUPP, body(new_child(), grade=3,
                                                                   class_code=code))
    s.eq((st, field_errors(b)), (422, [("class_code", "unknown_code")]))


# ---- each problem kind through the supplement path --------------------------

@test("R-DUP-1 same_id through 补建: a second record with the number opens a same_id group of both at once")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    c = new_child()
    st, h, a = clerk.call("POST", SUPP, body(c, grade=3))
    s.eq(st, 201)
    st, h, b = signed_in(s, HD1 + ".clerk").call("POST", SUPP, body(c, grade=3,
                                                                  hukou_location="110108000000"))
    s.eq(st, 201, "%r" % (b,))
    s.eq((b["problem_open"], [p["kind"] for p in b["problems"]]), (True, ["same_id"]))
    s.eq(groups_of(s, b["id"]), [("same_id", "open", "same_id")])
    s.eq(groups_of(s, a["id"]), [("same_id", "open", "same_id")])
    s.eq(q1(s, "SELECT origin FROM problem_member WHERE student_id = %d" % b["id"]), "supplement")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'problem.detect'"
               " AND target_id = '%d'" % b["id"]), "1")


@test("R-DUP-1 same_person through 补建: same name, sex and birth date with another number: a same_person group")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    c = new_child()
    st, h, a = clerk.call("POST", SUPP, body(c, grade=3))
    s.eq(st, 201)
    st, h, b = clerk.call("POST", SUPP, body(twin(c), grade=3))
    s.eq(st, 201, "%r" % (b,))
    s.eq([p["kind"] for p in b["problems"]], ["same_person"])
    s.eq(groups_of(s, a["id"]), [("same_person", "open", "same_person")])


@test("R-DUP-1 R-COL-7 invalid_id through 补建: a number kept as printed (id_number_as_printed) although its sex disagrees: an invalid_id group at once")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    c = new_child()
    other = "F" if c.sex == "M" else "M"
    st, h, b = clerk.call("POST", SUPP, body(c, sex=other, id_number_as_printed=True))
    s.eq(st, 201, "%r" % (b,))
    s.eq([p["kind"] for p in b["problems"]], ["invalid_id"])
    s.eq(groups_of(s, b["id"]), [("invalid_id", "open", "id_sex")])
    # a number that is not one at all is refused even so
    st, h, b = clerk.call("POST", SUPP, body(new_child(), id_number="12345",
                                            id_number_as_printed=True))
    s.eq((st, field_errors(b)), (422, [("id_number", "id_number_format")]))


# ---- scope ------------------------------------------------------------------

@test("R-ORG-3 scope: a county or city may not 补建 or import (403); another school neither sees the record (404) nor can class it")
def _(s):
    for acc in (CHAOYANG + ".reviewer", CHAOYANG + ".admin", "bj.city.admin"):
        st, h, b = signed_in(s, acc).call("POST", SUPP, body(new_child()))
        s.eq(st, 403, "%s: %r" % (acc, b))
        st, h, b = send(signed_in(s, acc), csv([body(new_child())]))
        s.eq(st, 403, "%s import: %r" % (acc, b))
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, b = clerk.call("POST", SUPP, body(new_child()))
    s.eq(st, 201)
    s.eq(q1(s, "SELECT o.code FROM student s JOIN org o ON o.id = s.school_org_id"
               " WHERE s.id = %d" % b["id"]), CY1, "the actor's own school")
    for acc in (CY2 + ".clerk", HD1 + ".reviewer", "110108.reviewer"):
        st, h, v = signed_in(s, acc).call("GET", "%s/students/%d" % (API, b["id"]))
        s.eq(st, 404, "%s reads: %r" % (acc, v))
        st, h, v = signed_in(s, acc).call("POST", "%s/students/%d/class" % (API, b["id"]),
                                          {"class_code": "2024101"})
        s.ok(st in (403, 404), "%s classes: %d" % (acc, st))


@test("Idempotency-Key: a re-sent 补建 creates nothing twice and answers the record as it is; another body with the key is refused")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    b1 = body(new_child())
    st, h, a = clerk.call("POST", SUPP, b1, headers={"Idempotency-Key": "supp-1"})
    s.eq(st, 201, "%r" % (a,))
    n = students_of(s, CY1)
    st, h, b = clerk.call("POST", SUPP, b1, headers={"Idempotency-Key": "supp-1"})
    s.eq((st, b["id"], b["student_no"]), (201, a["id"], a["student_no"]))
    s.eq(h.get("idempotent-replayed"), "true")
    s.eq(students_of(s, CY1), n, "nothing created twice")
    st, h, b = clerk.call("POST", SUPP, body(new_child()), headers={"Idempotency-Key": "supp-1"})
    s.eq((st, b["error"]["code"]), (422, "idempotency_key_reused"))


# ---- batch import -----------------------------------------------------------

@test("R-REC-8 an import of 3 lines (BOM, CRLF, quoted cells): 201, each line with its L number, pending_check, origin import")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    rows = [body(new_child(), grade=2), body(new_child(), grade=5, left_behind=True),
            body(new_child(), grade=2, level=3, current_address='北京市朝阳区建国路1号, "东"院')]
    st, h, b = send(clerk, csv(rows, bom=True))
    s.eq(st, 201, "import: %r" % (b,))
    s.eq((b["records"], [i["line"] for i in b["items"]]), (3, [2, 3, 4]))
    s.ok(all(i["status"] == "pending_check" and i["student_no"].startswith("L") for i in b["items"]),
         "pending, L numbers")
    ids = [i["id"] for i in b["items"]]
    got = s.sql("SELECT origin, national_action, left_behind, current_address FROM student"
                " WHERE id IN (%s) ORDER BY id" % ",".join(map(str, ids)))
    s.eq([g[0] for g in got], ["import"] * 3)
    s.eq([g[1] for g in got], ["supplement"] * 3)
    s.eq(got[1][2], "1")
    s.eq(got[2][3], '北京市朝阳区建国路1号, "东"院')
    s.eq(q1(s, "SELECT line_count FROM student_import WHERE id = %d" % b["id"]), "3")
    s.eq(q1(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'student.import'"
               " AND target_id IN (%s)" % ",".join("'%d'" % i for i in ids)), "3")


@test("R-REC-8 the template is the header an import reads: the school's clerk gets it (BOM, every column), a county 403; a file made from it goes in")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    st, h, raw = clerk.call("GET", IMPORTS + "/template")
    s.eq(st, 200, "%r" % (raw,))
    s.ok(h.get("content-type", "").startswith("text/csv"), "%r" % (h,))
    text = raw if isinstance(raw, str) else raw.decode("utf-8")
    s.ok(text.startswith("\ufeff") and text.endswith("\r\n"), "%r" % (text[:40],))
    cols = text.lstrip("\ufeff").strip().split(",")
    s.eq(cols[:len(COLUMNS)], COLUMNS)
    s.eq(cols[len(COLUMNS):], ["class_code", "left_behind", "boarding", "id_number_as_printed"])
    st, h, b = send(clerk, csv([body(new_child())], columns=cols, bom=True))
    s.eq((st, b.get("records")), (201, 1), "%r" % (b,))
    st, h, b = signed_in(s, CHAOYANG + ".reviewer").call("GET", IMPORTS + "/template")
    s.eq(st, 403)


@test("R-REC-8 an import with one bad line changes nothing and names the line, field and code of every error")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    n = students_of(s, CY1)
    imports = q1(s, "SELECT COUNT(*) FROM student_import")
    c = new_child()
    bad = c.id_number[:17] + ("0" if c.id_number[17] != "0" else "1")
    rows = [body(new_child()), body(c, id_number=bad), body(new_child(), grade=1),
            body(new_child(), sex="X")]
    st, h, b = send(clerk, csv(rows))
    s.eq(st, 422, "%r" % (b,))
    s.eq(field_errors(b), [("lines[3].id_number", "id_number_check_char"),
                           ("lines[4].entry_year", "supplement_grade_one"),
                           ("lines[5].sex", "unknown_code")])
    s.eq(students_of(s, CY1), n, "no record created")
    s.eq(q1(s, "SELECT COUNT(*) FROM student_import"), imports, "no import row")
    # the file corrected and sent again goes through
    rows[1] = body(c)
    rows[2] = body(new_child())
    rows[3] = body(new_child())
    st, h, b = send(clerk, csv(rows))
    s.eq((st, b.get("records")), (201, 4), "%r" % (b,))


@test("R-REC-8 the file's form: not text/csv 415; GBK 422 import_encoding; an unknown or missing column, a ragged line, no lines, 2,001 lines 422")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    rows = [body(new_child())]
    st, h, b = send(clerk, csv(rows), ctype="application/json")
    s.eq((st, b["error"]["code"]), (415, "import_media_type"))
    gbk = csv(rows).decode("utf-8").encode("gbk")
    st, h, b = send(clerk, gbk)
    s.eq((st, field_errors(b)), (422, [("body", "import_encoding")]))
    data = csv(rows, columns=COLUMNS + ["shoe_size"])
    st, h, b = send(clerk, data)
    s.eq((st, field_errors(b)), (422, [("header[17]", "import_column_unknown")]))
    st, h, b = send(clerk, csv(rows, columns=[c for c in COLUMNS if c != "name"]))
    s.eq((st, field_errors(b)), (422, [("header.name", "required")]))
    ragged = csv(rows) + b"a,b\r\n"
    st, h, b = send(clerk, ragged)
    s.eq((st, field_errors(b)), (422, [("lines[3]", "import_line_malformed")]))
    st, h, b = send(clerk, (",".join(COLUMNS) + "\r\n").encode())
    s.eq((st, field_errors(b)), (422, [("lines", "required")]))
    line = csv(rows).split(b"\r\n")[1]
    big = (",".join(COLUMNS) + "\r\n").encode() + (line + b"\r\n") * 2001
    st, h, b = send(clerk, big)
    s.eq(st, 422, "%r" % (b.get("error", {}).get("code") if isinstance(b, dict) else b,))
    s.ok(("lines", "too_many_items") in field_errors(b), "%r" % (field_errors(b)[:3],))


@test("R-DUP-1 each problem kind through the import path: same_id, same_person and invalid_id groups opened by the import's transaction")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    a, p, q = new_child(), new_child(), new_child()
    st, h, first = clerk.call("POST", SUPP, body(a))
    s.eq(st, 201)
    other = "F" if q.sex == "M" else "M"
    rows = [body(a),                                  # same number as the 补建 record
            body(p), body(twin(p)),                   # same person, two lines of one file
            body(q, sex=other, id_number_as_printed=1)]
    st, h, b = send(clerk, csv(rows, columns=COLUMNS + ["id_number_as_printed"]))
    s.eq(st, 201, "%r" % (b,))
    ids = [i["id"] for i in b["items"]]
    s.eq([i["problem_open"] for i in b["items"]], [True, True, True, True])
    s.eq(groups_of(s, ids[0]), [("same_id", "open", "same_id")])
    s.eq(groups_of(s, first["id"]), [("same_id", "open", "same_id")])
    s.eq(groups_of(s, ids[1]), [("same_person", "open", "same_person")])
    s.eq(groups_of(s, ids[2]), [("same_person", "open", "same_person")])
    s.eq(groups_of(s, ids[3]), [("invalid_id", "open", "id_sex")])
    s.eq(sorted({r[0] for r in s.sql("SELECT origin FROM problem_member WHERE student_id IN (%s)"
                                     % ",".join(map(str, ids)))}), ["import"])


@test("Idempotency-Key: a re-sent import creates nothing twice and answers every line's number again")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    data = csv([body(new_child()), body(new_child(), grade=4)])
    st, h, a = send(clerk, data, key="import-1")
    s.eq(st, 201, "%r" % (a,))
    n = students_of(s, CY1)
    st, h, b = send(clerk, data, key="import-1")
    s.eq(st, 201, "%r" % (b,))
    s.eq(h.get("idempotent-replayed"), "true")
    s.eq((b["id"], [(i["line"], i["student_no"]) for i in b["items"]]),
         (a["id"], [(i["line"], i["student_no"]) for i in a["items"]]))
    s.eq(students_of(s, CY1), n, "nothing created twice")
    st, h, b = send(clerk, csv([body(new_child())]), key="import-1")
    s.eq((st, b["error"]["code"]), (422, "idempotency_key_reused"))


@test("R-REC-8 a file of 2,000 records (the limit) goes in as one transaction: 2,000 records, 2,000 lines answered")
def _(s):
    import time
    clerk = signed_in(s, CY1 + ".clerk")
    n = students_of(s, CY1)
    rows = [body(new_child(), grade=2 + k % 4) for k in range(2000)]
    data = csv(rows)
    t0 = time.monotonic()
    st, h, b = send(clerk, data)
    took = time.monotonic() - t0
    print("# 2,000 records, %d bytes: %.2f s" % (len(data), took))
    s.eq((st, b.get("records"), len(b.get("items", []))), (201, 2000, 2000),
         "%r" % (str(b)[:300],))
    s.eq(students_of(s, CY1), n + 2000)


# ---- the national answer (issue 13 item 6, helper natcheck) --------------------

def signed(method, path, query=""):
    date = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime(
        "%Y-%m-%dT%H:%M:%S+08:00")
    return {"Xueji-Signature": MOE.sign(("%s\n%s\n%s\n%s\n" % (method, path, query, date)).encode()),
            "Xueji-Date": date}


def jobs(s, *names):
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file, "jobs", "--once"]
                       + list(names), capture_output=True, text=True, env=s.stack.worker_env(),
                       timeout=120)
    if r.returncode != 0:
        raise Failure("jobs %s: %d %s" % (names, r.returncode, r.stderr))


def sent_in(s, sid):
    """As the ministry: run the producer until nothing is due, pull every
    StudentBatch and find record sid: (message id, its action)."""
    s.stack.stop_jobs()
    for _ in range(200):
        if q1(s, "SELECT COUNT(*) FROM student WHERE national_check = 'due'"
                 " AND status <> 'deleted'") == "0":
            break
        jobs(s, "exchange-batch")
    after = 0
    while True:
        q = "after=%d&limit=100" % after
        st, h, b = s.http("GET", PULL + "?" + q, headers=signed("GET", PULL, q))
        s.eq(st, 200, "pull: %r" % (str(b)[:300],))
        for m in b["messages"]:
            doc = ET.fromstring(base64.b64decode(m["body"]))
            for r in doc.findall(NS + "Body/" + NS + "StudentBatch/" + NS + "Record"):
                if r.get("ref") == "s%d" % sid:
                    return m["message_id"], r.get("action")
        after = b["next"] or after
        if not b["more"]:
            raise Failure("record %d in no batch" % sid)


def answer(s, batch, ref, outcome):
    data = message("CheckResult", '<CheckResult><Record ref="%s">%s</Record></CheckResult>'
                   % (ref, outcome), receiver=ORG, corr=batch)[0]
    h = {"Content-Type": "application/xml", "Xueji-Signature": MOE.sign(data)}
    st, hdrs, text = s.http("POST", XPATH, raw=data, headers=h, timeout=120)
    return st, parse_receipt(text.encode())


@test("R-DUP-4 pending until the national answer, in school after Issued: a 补建 record goes to the ministry as supplement, stays off the roster while it waits, and enters the roster with its G number")
def _(s):
    clerk = signed_in(s, CY1 + ".clerk")
    c = new_child()
    st, h, b = clerk.call("POST", SUPP, body(c, grade=3))
    s.eq(st, 201, "%r" % (b,))
    sid, lno = b["id"], b["student_no"]
    batch, action = sent_in(s, sid)
    s.eq(action, "supplement", "sent as a supplement")
    st, h, v = clerk.call("GET", "%s/students/%d" % (API, sid))
    s.eq((v["status"], v["national_check"]), ("pending_check", "sent"), "waiting: %r" % (v,))
    st, h, r = clerk.call("GET", API + "/roster?limit=200&after=%d" % (sid - 1))
    s.ok(sid not in [i["id"] for i in r["items"]], "not in the roster while it waits")
    g = "G" + c.id_number
    st, rc = answer(s, batch, "s%d" % sid,
                    "<Issued><StudentNo>%s</StudentNo><Replaces>%s</Replaces></Issued>" % (g, lno))
    s.eq(rc["status"], "accepted", "receipt: %r" % (rc,))
    row = s.sql("SELECT status, national_check, student_no FROM student WHERE id = %d" % sid)[0]
    s.eq(list(row), ["in_school", "issued", g], "in school with its G number")
    st, h, r = clerk.call("GET", API + "/roster?limit=200&after=%d" % (sid - 1))
    s.ok(sid in [i["id"] for i in r["items"]], "in the roster after the answer")
    st, h, t = signed_in(s, CY1 + ".reviewer").call("POST", API + "/term-registrations",
                                                   {"term": "%d-2" % school_year()})
    s.eq(st, 200, "term registration: %r" % (t,))
    s.eq(q1(s, "SELECT COUNT(*) FROM student_term WHERE student_id = %d" % sid), "1",
         "registered for the term once in school")


if __name__ == "__main__":
    try:
        run(conf=CONF, allow_log=())
    finally:
        subprocess.run(["rm", "-rf", KEYDIR])
