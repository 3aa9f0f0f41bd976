#!/usr/bin/env python3
"""selftest.py -- TAP self-test of the PSB simulator (docs/psb.md).

Needs nothing but Python 3: the fixture population is checked on its own,
then the client and the simulator run end to end against fakeserver.py,
an in-memory implementation of Xueji's side of the contract on 127.0.0.1.
This proves the simulator right independently of the real server.

    python3 tests/psbsim/selftest.py
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import population as P                                   # noqa: E402
from population import Population, person, make_id       # noqa: E402
from psbclient import PsbClient, PsbError, sign, load_key, load_key_id, RESULTS_PATH, REQUESTS_PATH  # noqa: E402
from fakeserver import FakePsbServer                     # noqa: E402
from psbsim import Simulator                             # noqa: E402

KEY = bytes(range(32))
_tests = []


def test(name):
    def deco(fn):
        _tests.append((name, fn))
        return fn
    return deco


class Failure(AssertionError):
    pass


def eq(got, want, what="value"):
    if got != want:
        raise Failure("%s: got %r, want %r" % (what, got, want))


def ok(cond, what):
    if not cond:
        raise Failure(what)


def err_code(body):
    ok(isinstance(body, dict) and isinstance(body.get("error"), dict), "error body: %r" % (body,))
    for k in ("code", "message", "message_en", "field", "request_id"):
        ok(k in body["error"], "error member %r missing" % k)
    return body["error"]["code"]


class Env:
    """A fresh fake server and a client for each test."""

    def __init__(self, **kw):
        self.srv = FakePsbServer(KEY, **kw).start()
        self.client = PsbClient(self.srv.url, KEY, timeout=10)

    def close(self):
        self.client.close()
        self.srv.stop()


def with_env(**kw):
    def deco(fn):
        def run():
            env = Env(**kw)
            try:
                fn(env)
            finally:
                env.close()
        run.__name__ = fn.__name__
        return run
    return deco


# ---- the population ------------------------------------------------------

@test("make_id reproduces GB 11643's own examples")
def _():
    eq(make_id("110105", 1949, 12, 31, 2), "11010519491231002X")
    eq(make_id("440524", 1880, 1, 1, 1), "440524188001010014")
    for bad in (("11010", 2020, 1, 1, 1), ("110105", 2021, 2, 29, 1), ("110105", 2020, 1, 1, 1000)):
        try:
            make_id(*bad)
        except ValueError:
            continue
        raise Failure("make_id%r should fail" % (bad,))


@test("generated IDs carry a correct MOD 11-2 check character, area, birth date and sex")
def _():
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    seen = set()
    for p in P.population(20000):
        s = p.id_number
        ok(len(s) == 18 and s[:17].isdigit(), "structure of %s" % s)
        eq(s[17], "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], weights)) % 11],
           "check character of %s" % s)
        ok(s[:6] in P.AREAS and p.area == s[:6], "area of %s" % s)
        eq("%s-%s-%s" % (s[6:10], s[10:12], s[12:14]), p.birth_date, "birth date in %s" % s)
        eq("M" if int(s[14:17]) % 2 else "F", p.sex, "sex parity of %s" % s)
        ok(1 <= int(s[14:17]) <= 999, "sequence of %s" % s)
        age = P.DEFAULT_YEAR - int(p.birth_date[:4])
        ok(5 <= age <= 7, "age %d of %s" % (age, s))
        datetime.date.fromisoformat(p.birth_date)
        ok(p.name and all("\u4e00" <= c <= "\u9fff" for c in p.name), "name %r" % p.name)
        ok(s not in seen, "ID %s issued twice" % s)
        seen.add(s)
    beijing = sum(1 for s in seen if s.startswith("11"))
    ok(beijing > len(seen) * 0.7, "mostly Beijing: %d of %d" % (beijing, len(seen)))
    ok(any(not s.startswith("11") for s in seen), "some non-Beijing")


@test("the 16 current Beijing districts and the others are real division codes")
def _():
    eq(len(P.BEIJING_AREAS), 16, "Beijing districts")
    codes = os.path.join(HERE, "..", "..", "..", "shared", "data", "divisions_history", "codes.csv")
    if not os.path.exists(codes):
        codes = "/work/shared/data/divisions_history/codes.csv"
    if not os.path.exists(codes):
        return                    # the data file is not here: nothing to compare with
    with open(codes, encoding="utf-8") as f:
        known = {line.split(",")[0] for line in f}
    for a in P.AREAS:
        ok(a in known, "area %s in codes.csv" % a)


@test("person(i) is stable: same value on every call, pinned values, any PYTHONHASHSEED")
def _():
    eq(person(0), person(0), "person(0) twice")
    eq(P.population(3, start=5), [person(5), person(6), person(7)], "population(n, start)")
    eq(person(0).id_number, "440305202006264708", "person(0) pinned")
    eq(person(0).name, "何诺彤", "person(0) name pinned")
    eq(person(6).as_dict(), {"index": 6, "name": "方远", "sex": "M", "birth_date": "2021-06-24",
                             "id_doc_type": "1", "id_number": "110118202106245357",
                             "area": "110118"}, "person(6) pinned")
    code = ("import sys; sys.path.insert(0, %r); import population as P; "
            "print(P.person(12345).id_number, P.person(12345).name)" % HERE)
    outs = set()
    for seed in ("0", "1", "random"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                capture_output=True, text=True).stdout)
    eq(len(outs), 1, "one answer across hash seeds: %r" % outs)
    eq(outs.pop().split()[0], person(12345).id_number, "same as in this process")


@test("index_of inverts person(); other valid numbers are nobody")
def _():
    for i in (0, 1, 2, 999, 123456, 5000000):
        eq(P.index_of(person(i).id_number), i, "index_of(person(%d))" % i)
    eq(P.index_of("11010519491231002X"), None, "too old to be in the population")
    eq(P.index_of("110105202001010011"), None, "bad check character")
    eq(P.index_of("999999202001010010"), None, "foreign area")


@test("Population.decide: match, mismatch with the differing fields, not_found")
def _():
    pop = Population(count=100)
    a, b, c, d, e = person(1), person(2), person(3), person(4), person(500)
    eq(pop.decide(a.as_request("r1")), {"verification_id": "r1", "outcome": "match", "guardian_link": "unknown"})
    q = b.as_request("r2")
    q["name"] = "错名字"
    eq(pop.decide(q), {"verification_id": "r2", "outcome": "mismatch", "mismatched_fields": ["name"], "guardian_link": "unknown"})
    q = b.as_request("r3")
    q.update(sex="M" if b.sex == "F" else "F", birth_date="2019-01-01")
    eq(pop.decide(q)["mismatched_fields"], ["sex", "birth_date"], "several fields, fixed order")
    eq(pop.decide(e.as_request("r4"))["outcome"], "not_found", "outside the range")
    pop.mark_unknown(c.id_number)
    eq(pop.decide(c.as_request("r5"))["outcome"], "not_found", "marked unknown")
    ok(c.id_number not in pop and a.id_number in pop, "__contains__")
    pop.set_official(d.id_number, name="王官方")
    eq(pop.decide(d.as_request("r6")), {"verification_id": "r6", "outcome": "mismatch",
                                         "mismatched_fields": ["name"], "guardian_link": "unknown"}, "official name differs")
    pop.set_official(e.id_number, name=e.name)          # outside the range: now known
    eq(pop.decide(e.as_request("r7"))["outcome"], "match", "explicit record")
    pop.set_official(c.id_number, name=c.name)          # unknown again becomes known
    eq(pop.decide(c.as_request("r8"))["outcome"], "match", "set_official clears unknown")
    q = a.as_request("r9")
    q["id_doc_type"] = "A"
    eq(pop.decide(q)["outcome"], "not_found", "other document types are not in the ID register")
    pop2 = Population(count=10, start=1000)
    eq(pop2.decide(person(1005).as_request("x"))["outcome"], "match", "start offset")
    eq(pop2.decide(person(5).as_request("x"))["outcome"], "not_found", "below start")


# ---- the wire --------------------------------------------------------------

@test("signatures match the published test vectors (docs/psb.md)")
def _():
    eq(sign(KEY, "1767225600", "0123456789abcdef-_XY", "GET",
            "/callback/psb/v1/requests?max=100", b""),
       "73e4899d3940045a7c2555dd61ee077ba47a5467a8e988402e3d5c3d0193f399", "GET vector")
    body = (b'{"results":[{"verification_id":"vr-000001","outcome":"mismatch",'
            b'"mismatched_fields":["name"]}]}')
    eq(sign(KEY, "1767225600", "0123456789abcdef-_XZ", "POST",
            "/callback/psb/v1/results", body),
       "e8c8950b0d3ebe596cc4f67aa509fb3933b15f1f3b16fda3a87333e3c760558b", "POST vector")


@test("load_key reads 64 hex digits or a key ring and refuses anything else")
def _():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "psb.key")
        with open(path, "w") as f:
            f.write(KEY.hex() + "\n")
        os.chmod(path, 0o600)
        eq(load_key(path), KEY, "key bytes")
        with open(path, "w") as f:
            f.write("# ID KEY\n1 %s\n2 %s\n" % ((b"\x01" * 32).hex(), KEY.hex()))
        eq(load_key(path), KEY, "the highest id of a key ring")
        eq(load_key_id(path), 2, "its id")
        with open(path, "w") as f:
            f.write("not a key\n")
        try:
            load_key(path)
        except ValueError:
            return
        raise Failure("a malformed key file must be refused")


@test("a signed pull is accepted; the fake sees a valid signature over the exact target")
@with_env()
def _(env):
    rid = env.srv.enqueue(person(1))
    st, h, b = env.client.call("GET", REQUESTS_PATH + "?max=5")
    eq(st, 200, "status")
    ok(h.get("content-type", "").startswith("application/json"), "JSON answer")
    eq([r["verification_id"] for r in b["requests"]], [rid], "the pending request")
    eq(set(b["requests"][0]), {"verification_id", "name", "sex", "birth_date", "id_doc_type", "guardian",
                               "id_number"}, "request item members")
    eq(env.srv.calls[-1], ("GET", REQUESTS_PATH + "?max=5", 200), "logged call")


@test("end to end: match, mismatch (with fields) and not_found reach the server")
@with_env()
def _(env):
    pop = Population(count=1000)
    good, wrong_name, wrong_both, unknown, outside = (person(10), person(11), person(12),
                                                      person(13), person(5000))
    pop.mark_unknown(unknown.id_number)
    r_good = env.srv.enqueue(good)
    d = wrong_name.as_dict()
    d["name"] = "李错"
    r_name = env.srv.enqueue(d)
    d = wrong_both.as_dict()
    d.update(birth_date="2020-02-29", sex="M" if wrong_both.sex == "F" else "F")
    r_both = env.srv.enqueue(d)
    r_unknown = env.srv.enqueue(unknown)
    r_outside = env.srv.enqueue(outside)
    s = Simulator(env.client, pop).run_once()
    for k, v in (("pulled", 5), ("posted", 5), ("applied", 5), ("duplicate", 0), ("refused", 0),
                 ("match", 1), ("mismatch", 2), ("not_found", 2), ("http_errors", 0)):
        eq(s[k], v, "summary " + k)
    eq(s["errors"], [], "no protocol errors")
    eq(env.srv.answer(r_good), {"outcome": "match", "guardian_link": "unknown"}, "match")
    eq(env.srv.answer(r_name), {"outcome": "mismatch", "mismatched_fields": ["name"], "guardian_link": "unknown"}, "name")
    eq(env.srv.answer(r_both), {"outcome": "mismatch",
                                "mismatched_fields": ["birth_date", "sex"],
                                "guardian_link": "unknown"}, "sex + birth date")
    eq(env.srv.answer(r_unknown), {"outcome": "not_found"}, "unknown")
    eq(env.srv.answer(r_outside), {"outcome": "not_found"}, "outside the population")
    eq(Simulator(env.client, pop).run_once()["pulled"], 0, "answered requests are not offered again")


@test("a second delivery of the same results is reported duplicate and changes nothing")
@with_env()
def _(env):
    pop = Population(count=100)
    rids = [env.srv.enqueue(person(i)) for i in range(3)]
    sim = Simulator(env.client, pop)
    eq(sim.run_once()["applied"], 3)
    first = [r for r, _ in sim.last_results]
    st = env.client.post(first)
    eq([x["status"] for x in st], ["duplicate"] * 3, "statuses")
    eq([x["code"] for x in st], [None] * 3, "codes")
    eq([x["verification_id"] for x in st], rids, "one status per result, same order")
    eq(env.srv.answer(rids[0]), {"outcome": "match", "guardian_link": "unknown"}, "unchanged")


@test("resend_rate: results posted twice in one batch count as duplicates")
@with_env()
def _(env):
    for i in range(50):
        env.srv.enqueue(person(i))
    s = Simulator(env.client, Population(count=100), resend_rate=0.5, seed=7).run_once()
    eq(s["applied"], 50, "applied")
    ok(s["resent"] > 0, "some resent")
    eq(s["duplicate"], s["resent"], "duplicates = resent")


@test("refusals: unknown_request, conflicting_result, stale_request")
@with_env()
def _(env):
    p = person(20)
    rid = env.srv.enqueue(p)
    st = env.client.post([{"verification_id": "vr-nobody-knows", "outcome": "match"},
                          {"verification_id": rid, "outcome": "match"},
                          {"verification_id": rid, "outcome": "not_found"},
                          {"verification_id": rid, "outcome": "mismatch", "mismatched_fields": ["name"]}])
    eq([(x["status"], x["code"]) for x in st],
       [("refused", "unknown_request"), ("applied", None), ("refused", "conflicting_result"),
        ("refused", "conflicting_result")], "statuses")
    eq(env.srv.answer(rid), {"outcome": "match"}, "first answer stays")
    # a mismatch, then the parent corrects: the old request is superseded
    q = person(21).as_dict()
    q["name"] = "张错"
    old = env.srv.enqueue(q)
    s = Simulator(env.client, Population(count=100)).run_once()
    eq((s["mismatch"], s["applied"]), (1, 1), "mismatch applied")
    new = env.srv.correct(old, name=person(21).name)
    st = env.client.post([{"verification_id": old, "outcome": "mismatch", "mismatched_fields": ["name"], "guardian_link": "unknown"}])
    eq(st[0]["status"], "duplicate", "a retried delivery of the applied answer stays duplicate")
    unanswered = env.srv.enqueue(person(22))
    env.srv.correct(unanswered, name="改名")
    st = env.client.post([{"verification_id": unanswered, "outcome": "match"}])
    eq((st[0]["status"], st[0]["code"]), ("refused", "stale_request"), "superseded, unanswered")
    s = Simulator(env.client, Population(count=100)).run_once()
    eq(s["pulled"], 2, "only the two corrected requests are offered")
    eq(env.srv.answer(new), {"outcome": "match", "guardian_link": "unknown"}, "corrected data matches")


@test("refusals are logged with reason and request id, never personal data")
@with_env()
def _(env):
    p = person(30)
    rid = env.srv.enqueue(p)
    env.client.post([{"verification_id": rid, "outcome": "match"}])
    env.client.post([{"verification_id": rid, "outcome": "not_found"}])
    env.client.call("GET", REQUESTS_PATH, signature="0" * 64)
    logged = json.dumps(env.srv.log, ensure_ascii=False)
    ok('"conflicting_result"' in logged and rid in logged, "reason and id logged: %s" % logged)
    ok('"bad_signature"' in logged, "auth refusal logged")
    for secret in (p.name, p.id_number, p.birth_date, KEY.hex()):
        ok(secret not in logged, "%r must not be logged" % secret)


@test("bad or missing signatures are refused with 401 bad_signature")
@with_env()
def _(env):
    env.srv.enqueue(person(40))
    cases = [dict(signature="0" * 64), dict(signature="XYZ"), dict(omit=("X-PSB-Signature",)),
             dict(omit=("X-PSB-Nonce",)), dict(omit=("X-PSB-Timestamp",)),
             dict(nonce="short"), dict(nonce="has space in it 0123"), dict(ts="12a"),
             dict(ts="-5")]
    for kw in cases:
        st, h, b = env.client.call("GET", REQUESTS_PATH, **kw)
        eq((st, err_code(b)), (401, "bad_signature"), "case %r" % (kw,))
        eq(b["error"]["request_id"], h.get("x-request-id"), "request_id = X-Request-Id")
    wrong = PsbClient(env.srv.url, b"\x01" * 32)
    st, h, b = wrong.call("GET", REQUESTS_PATH)
    eq((st, err_code(b)), (401, "bad_signature"), "wrong key")
    wrong.close()
    # the signature covers method, query and body
    st, h, b = env.client.call("GET", REQUESTS_PATH + "?max=1",
                               signature=sign(KEY, str(int(time.time())), "n" * 20, "GET",
                                              REQUESTS_PATH + "?max=2"), nonce="n" * 20)
    eq((st, err_code(b)), (401, "bad_signature"), "query not covered")
    body = b'{"results":[]}'
    ts = str(int(time.time()))
    st, h, b = env.client.call("POST", RESULTS_PATH, body=b'{"results": []}', ts=ts, nonce="m" * 20,
                               signature=sign(KEY, ts, "m" * 20, "POST", RESULTS_PATH, body))
    eq((st, err_code(b)), (401, "bad_signature"), "body not covered byte for byte")
    eq(len(env.srv.pending()), 1, "nothing leased by refused calls")
    eq(env.srv.offers(env.srv.pending()[0]), 0, "never offered")


@test("timestamps outside +-300 s are refused with 401 stale_timestamp")
@with_env()
def _(env):
    now = int(time.time())
    for ts in (now - 400, now + 400, 0):
        st, h, b = env.client.call("GET", REQUESTS_PATH, ts=ts)
        eq((st, err_code(b)), (401, "stale_timestamp"), "ts %d" % ts)
    for ts in (now - 290, now + 290):
        st, h, b = env.client.call("GET", REQUESTS_PATH, ts=ts)
        eq(st, 200, "ts within the window (%+d)" % (ts - now))
    skewed = PsbClient(env.srv.url, KEY, clock_offset=-1000)
    st, h, b = skewed.call("GET", REQUESTS_PATH)
    eq((st, err_code(b)), (401, "stale_timestamp"), "clock_offset")
    skewed.close()


@test("a replayed nonce is refused with 409 replayed_nonce; a bad signature is checked first")
@with_env()
def _(env):
    st, h, b = env.client.call("GET", REQUESTS_PATH)
    eq(st, 200)
    nonce = env.client.last_nonce
    st, h, b = env.client.call("GET", REQUESTS_PATH, nonce=nonce)
    eq((st, err_code(b)), (409, "replayed_nonce"), "same nonce, fresh valid signature")
    st, h, b = env.client.call("POST", RESULTS_PATH, {"results": []}, nonce=nonce)
    eq((st, err_code(b)), (409, "replayed_nonce"), "nonce reused on another route")
    st, h, b = env.client.call("GET", REQUESTS_PATH, nonce=nonce, signature="f" * 64)
    eq((st, err_code(b)), (401, "bad_signature"), "unsigned replay")
    fresh = "fresh-nonce-0123456789"
    st, h, b = env.client.call("GET", REQUESTS_PATH, nonce=fresh, ts=int(time.time()) - 1000)
    eq(err_code(b), "stale_timestamp", "stale call")
    st, h, b = env.client.call("GET", REQUESTS_PATH, nonce=fresh)
    eq(st, 200, "a refused (stale) call does not burn its nonce")


@test("leases: an unanswered request is offered again after the lease timeout, not before")
@with_env(lease_seconds=0.6)
def _(env):
    rids = [env.srv.enqueue(person(i)) for i in range(60, 64)]
    eq([r["verification_id"] for r in env.client.pull(2)], rids[:2], "first two, in order")
    eq([r["verification_id"] for r in env.client.pull(10)], rids[2:], "then the rest")
    eq(env.client.pull(10), [], "all leased")
    time.sleep(0.8)
    sim = Simulator(env.client, Population(count=100), drop_rate=0.5, seed=3)
    s = sim.run_once()
    eq(s["pulled"], 4, "re-offered")
    dropped = s["dropped"]
    ok(0 < dropped < 4, "some dropped: %r" % dropped)
    eq(s["applied"], 4 - dropped, "the rest applied")
    eq(env.client.pull(10), [], "dropped ones stay leased")
    time.sleep(0.8)
    s = Simulator(env.client, Population(count=100)).drain()
    eq((s["pulled"], s["applied"]), (dropped, dropped), "drain: the dropped ones, once more")
    eq(env.srv.pending(), [], "all answered")
    ok(all(env.srv.offers(r) >= 2 for r in rids), "each offered at least twice")


@test("pull: max defaults to 100, must be 1..500; bad input is refused")
@with_env()
def _(env):
    for i in range(120):
        env.srv.enqueue(person(i))
    eq(len(env.client.pull()), 100, "default 100")
    for q in ("?max=0", "?max=501", "?max=abc", "?max=", "?max=1&max=2", "?other=1"):
        st, h, b = env.client.call("GET", REQUESTS_PATH + q)
        eq((st, err_code(b)), (400, "bad_query"), q)
    eq(len(env.client.pull(500)), 20, "the remaining 20")
    st, h, b = env.client.call("POST", REQUESTS_PATH, {})
    eq((st, err_code(b)), (405, "method_not_allowed"), "POST to requests")
    eq(h.get("allow"), "GET")
    st, h, b = env.client.call("GET", "/callback/psb/v1/nothing")
    eq((st, err_code(b)), (404, "not_found"), "unknown route")
    try:
        env.client.pull(1000)
    except PsbError as e:
        eq((e.status, e.code), (400, "bad_query"), "PsbError carries status and code")
    else:
        raise Failure("pull(1000) must raise")


@test("results: malformed or invalid bodies are refused whole (400 / 415 / 422 / 413)")
@with_env()
def _(env):
    rid = env.srv.enqueue(person(70))
    st, h, b = env.client.call("POST", RESULTS_PATH, b'{"results": [')
    eq((st, err_code(b)), (400, "malformed_json"), "malformed")
    st, h, b = env.client.call("POST", RESULTS_PATH, {"results": []},
                               headers={"Content-Type": "text/plain"})
    eq((st, err_code(b)), (415, "unsupported_media_type"), "content type")
    bad = [
        {"results": [{"verification_id": rid, "outcome": "match", "mismatched_fields": ["name"]}]},
        {"results": [{"verification_id": rid, "outcome": "mismatch"}]},
        {"results": [{"verification_id": rid, "outcome": "mismatch", "mismatched_fields": []}]},
        {"results": [{"verification_id": rid, "outcome": "mismatch", "mismatched_fields": ["address"]}]},
        {"results": [{"verification_id": rid, "outcome": "mismatch",
                      "mismatched_fields": ["name", "name"]}]},
        {"results": [{"verification_id": rid, "outcome": "maybe"}]},
        {"results": [{"outcome": "match"}]},
        {"results": [{"verification_id": rid, "outcome": "match"}] * 501},
        {"results": "x"},
        {},
    ]
    for doc in bad:
        st, h, b = env.client.call("POST", RESULTS_PATH, doc)
        eq((st, err_code(b)), (422, "validation_failed"), json.dumps(doc)[:80])
        ok(b["error"]["fields"], "fields listed")
    eq(env.srv.answer(rid), None, "nothing applied by a refused body")
    st, h, b = env.client.call("POST", RESULTS_PATH, b"{" + b" " * 70000 + b"}")
    eq((st, err_code(b)), (413, "body_too_large"), "oversized")


@test("the simulator splits big answers into posts under the body limit")
@with_env(max_body=20000)
def _(env):
    for i in range(400):
        env.srv.enqueue(person(i))
    sim = Simulator(env.client, Population(count=400), max_batch=400, max_body=20000)
    s = sim.run_once()
    eq((s["pulled"], s["applied"], s["http_errors"]), (400, 400, 0), "all applied")
    posts = [c for c in env.srv.calls if c[0] == "POST"]
    ok(len(posts) > 1, "more than one post: %d" % len(posts))


@test("a server error is counted, not raised, by run_once")
@with_env()
def _(env):
    sim = Simulator(PsbClient(env.srv.url, b"\x02" * 32), Population(count=10))
    s = sim.run_once()
    eq(s["http_errors"], 1, "http_errors")
    ok("bad_signature" in s["errors"][0], "error recorded: %r" % s["errors"])


@test("H1 guardian link (protocol 2): parent, household, none, unknown; protocol 1 omits it")
@with_env()
def _(env):
    kids = [person(30 + k) for k in range(5)]
    fam = P.family(30)
    r_parent = env.srv.enqueue(kids[0], guardian=fam["mother"])
    r_house = env.srv.enqueue(kids[0], guardian=fam["grandfather"])
    r_none = env.srv.enqueue(kids[0], guardian=P.family(31)["father"])
    r_unknown = env.srv.enqueue(kids[0])
    wrong = dict(fam["father"].as_guardian(), name="冒名")
    r_wrong = env.srv.enqueue(kids[0], guardian=wrong)
    s = Simulator(env.client, Population(count=100)).run_once()
    eq((s["pulled"], s["applied"]), (5, 5), "summary")
    eq([env.srv.answer(r)["guardian_link"] for r in (r_parent, r_house, r_none, r_unknown, r_wrong)],
       ["parent", "household", "none", "unknown", "none"], "links")
    ok(P.parents_of(30) == (fam["father"], fam["mother"]) and P.family(30) == fam, "stable family")
    ok(all(P.is_valid_id(p.id_number) and P.index_of(p.id_number) is None for p in fam.values()),
       "relatives have valid numbers and are not children of the population")
    r_v1 = env.srv.enqueue(kids[1], guardian=P.family(31)["mother"])
    s = Simulator(env.client, Population(count=100), protocol=1).run_once()
    eq(env.srv.answer(r_v1), {"outcome": "match"}, "protocol 1: no guardian_link")
    r_nf = env.srv.enqueue(person(700))
    for doc in ({"results": [{"verification_id": r_nf, "outcome": "not_found", "guardian_link": "none"}]},
                {"results": [{"verification_id": r_nf, "outcome": "match", "guardian_link": "aunt"}]}):
        st, h, b = env.client.call("POST", RESULTS_PATH, doc)
        eq((st, err_code(b)), (422, "validation_failed"), json.dumps(doc)[:80])


@test("the CLI: --once and --loop print a JSON summary; --unknown and --override apply")
@with_env()
def _(env):
    with tempfile.TemporaryDirectory() as d:
        keyfile = os.path.join(d, "psb.key")
        with open(keyfile, "w") as f:
            f.write(KEY.hex() + "\n")
        os.chmod(keyfile, 0o600)
        unknown, renamed, good = person(80), person(81), person(82)
        r_unknown = env.srv.enqueue(unknown)
        r_renamed = env.srv.enqueue(renamed)
        r_good = env.srv.enqueue(good)
        cmd = [sys.executable, os.path.join(HERE, "psbsim.py"), "--url", env.srv.url,
               "--key-file", keyfile, "--population", "1000"]
        out = subprocess.run(cmd + ["--once", "--unknown", unknown.id_number,
                                    "--override", renamed.id_number + ":name=官方名"],
                             capture_output=True, text=True, timeout=60)
        eq(out.returncode, 0, "exit status (stderr: %s)" % out.stderr)
        s = json.loads(out.stdout)
        eq((s["pulled"], s["applied"], s["match"], s["mismatch"], s["not_found"]),
           (3, 3, 1, 1, 1), "summary")
        eq(env.srv.answer(r_unknown), {"outcome": "not_found"})
        eq(env.srv.answer(r_renamed), {"outcome": "mismatch", "mismatched_fields": ["name"], "guardian_link": "unknown"})
        eq(env.srv.answer(r_good), {"outcome": "match", "guardian_link": "unknown"})
        for i in range(250):
            env.srv.enqueue(person(100 + i))
        t0 = time.monotonic()
        out = subprocess.run(cmd + ["--loop", "--interval", "0.1", "--duration", "1.5",
                                    "--max", "100"], capture_output=True, text=True, timeout=60)
        eq(out.returncode, 0, "loop exit status (stderr: %s)" % out.stderr)
        s = json.loads(out.stdout)
        eq((s["pulled"], s["applied"]), (250, 250), "loop drains the queue")
        ok(time.monotonic() - t0 >= 1.4, "loop runs for its duration")
        out = subprocess.run(cmd[:-2] + ["--once"], capture_output=True, text=True, timeout=60)
        eq(out.returncode, 0, "nothing to do is fine")
        bad = subprocess.run([sys.executable, os.path.join(HERE, "psbsim.py"), "--url",
                              env.srv.url, "--key-file", os.path.join(d, "missing")],
                             capture_output=True, text=True, timeout=60)
        eq(bad.returncode, 2, "missing key file")
        with open(keyfile, "w") as f:
            f.write((b"\x05" * 32).hex())
        out = subprocess.run(cmd + ["--once"], capture_output=True, text=True, timeout=60)
        eq(out.returncode, 1, "a refused call exits 1")
        eq(json.loads(out.stdout)["http_errors"], 1)


def main():
    only = sys.argv[1:]
    tests = [(n, f) for n, f in _tests if not only or any(o in n for o in only)]
    print("1..%d" % len(tests))
    failed = 0
    for i, (name, fn) in enumerate(tests, 1):
        try:
            fn()
            print("ok %d - %s" % (i, name))
        except Exception:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
