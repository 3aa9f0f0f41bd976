"""Black-box: one test per field rule of the registration form (R-COL-6,
R-COL-7, R-REC-10/11): each bad value is refused with its own code on its
own field, nothing is stored, and all errors come back at once."""
from parent import new_child, reg_body, signed_up
from xjtest import test, run

import population

P = {}


def parent(s):
    if "p" not in P:
        P["p"] = signed_up(s)
    return P["p"]


def refused(s, body, field, code):
    before = s.sql("SELECT COUNT(*) FROM registration")[0][0]
    st, h, b = parent(s).register(body)
    e = s.error_body(b, "validation_failed", 422, st)
    got = [(f["field"], f["code"]) for f in e["fields"]]
    s.ok((field, code) in got, "want %s/%s in %r" % (field, code, got))
    s.eq(s.sql("SELECT COUNT(*) FROM registration")[0][0], before, "nothing stored")
    return got


@test("R-COL-7 a wrong check character is refused (id_number_check_char)")
def _(s):
    c = new_child()
    bad = c.id_number[:17] + ("0" if c.id_number[17] != "0" else "1")
    refused(s, reg_body(c, child_id_number=bad), "child.id_number", "id_number_check_char")


@test("R-COL-7 a 15-digit first-generation number is refused with its own code")
def _(s):
    refused(s, reg_body(new_child(), child_id_number="110105200101012"), "child.id_number",
            "id_number_15_digits")


@test("R-COL-7 an ID number with 29 February of a non-leap year is refused")
def _(s):
    first17 = "110105" + "20190229" + "011"
    pid = first17 + population.check_char(first17)
    refused(s, reg_body(new_child(), child_id_number=pid, child_birth_date="2019-03-01",
                        child_sex="M"), "child.id_number", "id_number_birth_date")


@test("R-COL-7 a birth date of 29 February in a non-leap year is refused")
def _(s):
    refused(s, reg_body(new_child(), child_birth_date="2019-02-29"), "child.birth_date",
            "invalid_date")


@test("R-COL-7 29 February of a leap year is accepted")
def _(s):
    pid = population.make_id("110105", 2020, 2, 29, 11)
    st, h, b = parent(s).register(reg_body(new_child(), child_id_number=pid,
                                           child_birth_date="2020-02-29", child_sex="M"))
    s.eq(st, 201, b)


@test("R-COL-7 a birth date that disagrees with the ID number is refused")
def _(s):
    c = new_child()
    y, m, d = c.birth_date.split("-")
    other = "%s-%s-%02d" % (y, m, 1 if d != "01" else 2)
    refused(s, reg_body(c, child_birth_date=other), "child.birth_date", "birth_date_mismatch")


@test("R-COL-7 a sex that disagrees with the ID number's sequence digit is refused")
def _(s):
    c = new_child()
    refused(s, reg_body(c, child_sex="M" if c.sex == "F" else "F"), "child.sex", "sex_mismatch")


@test("R-COL-7 an area code that never existed is refused")
def _(s):
    pid = population.make_id("999999", 2020, 5, 5, 11)
    refused(s, reg_body(new_child(), child_id_number=pid, child_birth_date="2020-05-05",
                        child_sex="M"), "child.id_number", "id_number_area_code")


@test("R-COL-7 an abolished area code (崇文区 110103) is accepted")
def _(s):
    pid = population.make_id("110103", 2020, 5, 5, 13)
    st, h, b = parent(s).register(reg_body(new_child(), child_id_number=pid,
                                           child_birth_date="2020-05-05", child_sex="M"))
    s.eq(st, 201, b)


@test("R-COL-6 an unknown district code is refused")
def _(s):
    refused(s, reg_body(new_child(), district="110199"), "district", "unknown_division")


@test("R-COL-6 an unknown hukou location is refused")
def _(s):
    refused(s, reg_body(new_child(), hukou="110199000000"), "child.hukou_location",
            "unknown_division")


@test("R-COL-6 a hukou location that is not county code + 000000 is refused")
def _(s):
    refused(s, reg_body(new_child(), hukou="110105001000"), "child.hukou_location",
            "division_code_format")


@test("R-COL-6 an ethnicity outside the code list is refused")
def _(s):
    refused(s, reg_body(new_child(), child_ethnicity="99"), "child.ethnicity", "unknown_code")


@test("R-COL-6 an identity document type outside the code list is refused")
def _(s):
    refused(s, reg_body(new_child(), child_id_doc_type="5"), "child.id_doc_type", "unknown_code")


@test("R-COL-6 a school that is not in the chosen district is refused")
def _(s):
    refused(s, reg_body(new_child(), school_code="1110800001"), "school_code", "unknown_code")


@test("R-COL-6 a guardian's mobile number must have 11 digits")
def _(s):
    b = reg_body(new_child())
    b["guardians"][0]["phone"] = "1380013800"
    refused(s, b, "guardians[0].phone", "mobile_number_format")


@test("R-COL-6 at least one guardian is required")
def _(s):
    b = reg_body(new_child())
    b["guardians"] = []
    refused(s, b, "guardians", "required")


@test("R-COL-6 relation 其他 needs a description")
def _(s):
    b = reg_body(new_child())
    b["guardians"][0]["relation"] = "其他"
    refused(s, b, "guardians[0].relation_desc", "required")


@test("R-COL-6 a relation outside 父/母/祖父母/外祖父母/其他 is refused")
def _(s):
    b = reg_body(new_child())
    b["guardians"][0]["relation"] = "舅舅"
    refused(s, b, "guardians[0].relation", "unknown_code")


@test("R-REC-10 a name with digits is refused; inner spaces are removed")
def _(s):
    refused(s, reg_body(new_child(), child_name="王2明"), "child.name", "person_name_format")
    c = new_child()
    spaced = c.name[0] + " " + c.name[1:]
    st, h, b = parent(s).register(reg_body(c, child_name=spaced))
    s.eq(st, 201, b)
    s.eq(b["child"]["name"], c.name)


@test("R-REC-11 without a child's ID (type Z) a guardian's ID number is required")
def _(s):
    b = reg_body(new_child(), child_id_doc_type="Z")
    del b["child"]["id_number"]
    refused(s, b, "guardians[0].id_number", "required")


@test("R-COL-6 distance in km takes one decimal place at most")
def _(s):
    refused(s, reg_body(new_child(), distance_km=1.25), "distance_km", "bad_format")


@test("every field error is returned at once")
def _(s):
    b = reg_body(new_child(), child_ethnicity="99", district="110199", distance_km=-1)
    b["guardians"][0]["phone"] = "12"
    del b["child"]["native_place"]
    got = refused(s, b, "district", "unknown_division")
    for want in (("child.ethnicity", "unknown_code"), ("guardians[0].phone", "mobile_number_format"),
                 ("child.native_place", "required"), ("distance_km", "out_of_range")):
        s.ok(want in got, "want %r in %r" % (want, got))


run()
