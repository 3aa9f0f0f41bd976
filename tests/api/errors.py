"""Black-box: the error format for every kind of bad request (unknown
routes, wrong methods, oversized, malformed, over-deep and non-JSON
bodies, field validation) through nginx, and that a bad request changes
nothing."""
import json
import re

from xjtest import test, run

CHECK = "/api/ref/v1/id-number-checks"


@test("an unknown route answers 404 in the error format, in Chinese and English")
def _(s):
    for path in ("/api/nope", "/api/parent/v1/nothing", "/callback/psb/v1/x", "/healthz/x"):
        st, h, b = s.http("GET", path)
        e = s.error_body(b, "not_found", 404, st)
        s.ok(re.search(r"[\u4e00-\u9fff]", e["message"]), "Chinese message")
        s.eq(e["request_id"], h["x-request-id"], "request_id = X-Request-Id")


@test("a known path with the wrong method answers 405 with Allow")
def _(s):
    st, h, b = s.http("DELETE", "/healthz")
    s.error_body(b, "method_not_allowed", 405, st)
    s.eq(h.get("allow"), "GET, HEAD")
    st, h, b = s.http("GET", CHECK)
    s.error_body(b, "method_not_allowed", 405, st)
    s.eq(h.get("allow"), "POST")


@test("a body over nginx's limit is refused by nginx with 413 in the error format")
def _(s):
    st, h, b = s.http("POST", CHECK, raw=b"{" + b" " * 100000 + b"}",
                      headers={"Content-Type": "application/json"})
    s.error_body(b, "body_too_large", 413, st)


@test("a body over the route's own limit is refused by the worker with 413")
def _(s):
    body = json.dumps({"id_number": "x" * 3000})
    st, h, b = s.http("POST", CHECK, raw=body, headers={"Content-Type": "application/json"})
    s.error_body(b, "body_too_large", 413, st)


@test("a body on a route that takes none is refused with 413")
def _(s):
    st, h, b = s.http("GET", "/api/version", raw=b'{"a":1}',
                      headers={"Content-Type": "application/json"})
    s.error_body(b, "body_too_large", 413, st)


@test("malformed JSON answers 400 malformed_json")
def _(s):
    for raw in ('{"id_number": ', '{"id_number": "1"} trailing', "[1,2", "nul",
                '{"id_number": "\xff"}'.encode("latin-1"), b'{"a":"\xc0\xae"}'):
        st, h, b = s.http("POST", CHECK, raw=raw, headers={"Content-Type": "application/json"})
        s.ok(st in (400, 422), "status %d for %r" % (st, raw))
        if st == 400:
            s.error_body(b, "malformed_json", 400, st)


@test("a duplicate key in an object is refused as malformed")
def _(s):
    st, h, b = s.http("POST", CHECK, raw='{"id_number":"1","id_number":"2"}',
                      headers={"Content-Type": "application/json"})
    s.error_body(b, "malformed_json", 400, st)


@test("JSON nested deeper than the limit answers 400 json_limit_exceeded")
def _(s):
    raw = "[" * 40 + "]" * 40
    st, h, b = s.http("POST", CHECK, raw=raw, headers={"Content-Type": "application/json"})
    s.error_body(b, "json_limit_exceeded", 400, st)


@test("a body that is not application/json answers 415")
def _(s):
    st, h, b = s.http("POST", CHECK, raw="id_number=1",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    s.error_body(b, "unsupported_media_type", 415, st)


@test("a JSON body that is not an object is refused")
def _(s):
    st, h, b = s.http("POST", CHECK, body=["11010519491231002X"])
    s.error_body(b, "malformed_json", 400, st)


@test("validation returns every field error at once, each with code and messages")
def _(s):
    st, h, b = s.http("POST", CHECK, body={"birth_date": "2019-02-29", "sex": "X", "extra": 1})
    e = s.error_body(b, "validation_failed", 422, st)
    got = {(f["field"], f["code"]) for f in e["fields"]}
    s.eq(got, {("id_number", "required"), ("birth_date", "invalid_date"),
               ("sex", "unknown_code"), ("extra", "unknown_field")}, "field errors")
    for f in e["fields"]:
        s.ok(f["message"] and f["message_en"], "messages for %s" % f["field"])


@test("R-COL-7 GB 11643 example 11010519491231002X is valid, female, born 1949-12-31")
def _(s):
    st, h, b = s.http("POST", CHECK, body={"id_number": "11010519491231002X",
                                           "birth_date": "1949-12-31", "sex": "F"})
    s.eq(st, 200)
    s.eq(b, {"valid": True, "area_code": "110105", "area_name": "朝阳区",
             "birth_date": "1949-12-31", "sex": "F"})


@test("R-COL-7 abolished area code 440524 (潮阳县) is still valid, with no current name")
def _(s):
    st, h, b = s.http("POST", CHECK, body={"id_number": "440524188001010014"})
    s.eq(st, 200)
    s.eq(b["area_code"], "440524")
    s.eq(b["area_name"], None)
    s.eq(b["sex"], "M")


@test("R-COL-7 a wrong check character is refused with id_number_check_char")
def _(s):
    st, h, b = s.http("POST", CHECK, body={"id_number": "110105194912310021"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("id_number", "id_number_check_char")])


@test("R-COL-7 declared birth date and sex must agree with the number")
def _(s):
    st, h, b = s.http("POST", CHECK, body={"id_number": "11010519491231002X",
                                           "birth_date": "1949-12-30", "sex": "M"})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq({(f["field"], f["code"]) for f in e["fields"]},
         {("birth_date", "birth_date_mismatch"), ("sex", "sex_mismatch")})


@test("a request id in the error body appears in the worker's log line")
def _(s):
    st, h, b = s.http("GET", "/api/missing-route")
    rid = b["error"]["request_id"]
    logs = ""
    for i in range(s.stack.nworkers):
        with open(s.stack.path("log", "xuejid-%d.log" % i)) as f:
            logs += f.read()
    s.ok('"req":"%s"' % rid in logs, "request id %s logged" % rid)


@test("the worker logs no identity number it was sent")
def _(s):
    s.http("POST", CHECK, body={"id_number": "11010519491231002X"})
    s.http("POST", CHECK, body={"id_number": "110105194912310021"})
    for i in range(s.stack.nworkers):
        with open(s.stack.path("log", "xuejid-%d.log" % i)) as f:
            text = f.read()
        s.ok("194912310" not in text, "no ID number in xuejid-%d.log" % i)
    with open(s.stack.path("log", "nginx-access.log")) as f:
        s.ok("194912310" not in f.read(), "no ID number in nginx access log")


@test("future-birth bug: the ID check refuses an ID number and a birth date after today")
def _(s):
    import datetime
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "psbsim"))
    import population
    tomorrow = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
                + datetime.timedelta(days=1))
    pid = population.make_id("110105", tomorrow.year, tomorrow.month, tomorrow.day, 13)
    st, h, b = s.http("POST", CHECK, body={"id_number": pid, "birth_date": tomorrow.isoformat()})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(sorted((f["field"], f["code"]) for f in e["fields"]),
         [("birth_date", "date_in_future"), ("id_number", "date_in_future")])
    today = tomorrow - datetime.timedelta(days=1)
    pid = population.make_id("110105", today.year, today.month, today.day, 13)
    st, h, b = s.http("POST", CHECK, body={"id_number": pid, "birth_date": today.isoformat()})
    s.eq(st, 200, b)


run()
