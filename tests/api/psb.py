"""Black-box: identity verification with public security (R-COL-5, issue 3
§8, docs/psb.md) through nginx, with the PSB simulator (tests/psbsim) as
the gateway: signed pulls that lease requests, results that move the
registration by the state table, idempotent and refused answers, leases
that run out, concurrent pulls."""
import json
import threading
import time

from parent import new_child, reg_body, signed_up
from psbclient import PsbClient, load_key, REQUESTS_PATH, RESULTS_PATH
from population import Population
from psbsim import Simulator
from xjtest import Failure, test, run


def client(s):
    return PsbClient(s.stack.base_url, load_key(s.stack.path("secrets", "psb.key"), warn=False))


def knowing(*children):
    """A PSB register that knows exactly these children."""
    pop = Population()
    for c in children:
        pop.add(c)
    return pop


def registered(s, child=None, parent=None, **over):
    """A parent registers a child: (parent, prereg_no, child)."""
    child = child or new_child()
    p = parent or signed_up(s)
    st, h, b = p.register(reg_body(child, **over))
    s.eq(st, 201, "registration: %r" % (b,))
    return p, b["prereg_no"], child


def vid_of(s, no):
    """The open verification id of a registration (read as root)."""
    rows = s.sql("SELECT q.token FROM psb_request q JOIN registration r ON r.id = q.registration_id"
                 " WHERE r.prereg_no = '%s' AND q.state IN ('pending', 'offered') ORDER BY q.id" % no)
    s.eq(len(rows), 1, "one open request for %s: %r" % (no, rows))
    return rows[0][0]


def pull_until(s, c, vid, tries=20):
    """Pull until the request vid is handed out; return its item."""
    for _ in range(tries):
        reqs = c.pull(500)
        for q in reqs:
            if q["verification_id"] == vid:
                return q
        if not reqs:
            break
    raise Failure("request %s was not handed out" % vid)


def request_row(s, vid):
    return s.sql("SELECT state, offers, COALESCE(outcome, ''), COALESCE(mismatched, '')"
                 " FROM psb_request WHERE token = '%s'" % vid)[0]


def state(s, p, no):
    st, h, b = p.call("GET", "/api/parent/v1/registrations/" + no)
    s.eq(st, 200, "registration read: %r" % (b,))
    return b["state"]


def history(s, p, no):
    st, h, b = p.call("GET", "/api/parent/v1/registrations/%s/status" % no)
    s.eq(st, 200, "status read: %r" % (b,))
    return [(e["event"], e["state"], e["detail"]) for e in b["history"]]


def post(s, c, results):
    st, h, b = c.call("POST", RESULTS_PATH, {"results": results})
    s.eq(st, 200, "results: %r" % (b,))
    return [(r["verification_id"], r["status"], r["code"]) for r in b["results"]]


def worker_logs(s):
    text = ""
    for i in range(s.stack.nworkers):
        with open(s.stack.path("log", "xuejid-%d.log" % i), encoding="utf-8", errors="replace") as f:
            text += f.read()
    return text


# ---- the happy paths ---------------------------------------------------------

@test("R-COL-5 a pull hands out the registration with the decrypted ID number; match makes a local family's form printable")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    q = pull_until(s, c, vid)
    s.eq(q, {"verification_id": vid, "name": child.name, "sex": child.sex,
             "birth_date": child.birth_date, "id_doc_type": "1", "id_number": child.id_number,
             "guardian": None})
    s.eq(request_row(s, vid)[:2], ["offered", "1"], "leased once")
    s.eq(post(s, c, [knowing(child).decide(q)]), [(vid, "applied", None)])
    s.eq(state(s, p, no), "printable")
    st, h, b = p.call("GET", "/api/parent/v1/registrations/" + no)
    s.eq(b["form_printable"], True)
    s.eq(history(s, p, no)[-1], ("psb_match", "printable", None))
    s.eq(request_row(s, vid), ["answered", "1", "match", ""])
    s.eq(s.sql("SELECT actor_type, target_type FROM audit_log WHERE action = 'psb.result'"
               " AND target_id = '%s'" % no), [["psb", "registration"]])


@test("R-COL-5 the simulator end to end: pull, decide, post; the response says how long a lease lasts")
def _(s):
    children = [new_child() for _ in range(5)]
    regs = [registered(s, ch) for ch in children]
    c = client(s)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=1")
    s.eq(st, 200)
    s.eq(b["lease_seconds"], 300)
    s.eq(len(b["requests"]), 1, "max=1 hands out one")
    s.sql("UPDATE psb_request SET offered_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND"
          " WHERE token = '%s'" % b["requests"][0]["verification_id"])
    summary = Simulator(c, knowing(*children), max_batch=500).drain()
    s.eq(summary["http_errors"], 0, "summary: %r" % summary)
    s.eq(summary["errors"], [])
    for p, no, _ in regs:
        s.eq(state(s, p, no), "printable", no)


@test("R-COL-5 mismatch sends the registration back to the parent (id_mismatch) with the differing fields in the history")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pop = knowing(child)
    pop.set_official(child.id_number, name="欧阳官方", birth_date="2020-01-02")
    q = pull_until(s, c, vid)
    res = pop.decide(q)
    s.eq(res, {"verification_id": vid, "outcome": "mismatch",
               "mismatched_fields": ["name", "birth_date"], "guardian_link": "unknown"})
    s.eq(post(s, c, [res]), [(vid, "applied", None)])
    s.eq(state(s, p, no), "id_mismatch")
    s.eq(history(s, p, no)[-1], ("psb_mismatch", "id_mismatch", "name,birth_date"))
    s.eq(request_row(s, vid)[2:], ["mismatch", "name,birth_date"])


@test("R-COL-5 mismatched_fields may name the ID number; the stored set is ordered and compares in any order")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pull_until(s, c, vid)
    s.eq(post(s, c, [{"verification_id": vid, "outcome": "mismatch",
                      "mismatched_fields": ["id_number", "sex"]}]), [(vid, "applied", None)])
    s.eq(history(s, p, no)[-1], ("psb_mismatch", "id_mismatch", "sex,id_number"))
    s.eq(post(s, c, [{"verification_id": vid, "outcome": "mismatch",
                      "mismatched_fields": ["sex", "id_number"]}]), [(vid, "duplicate", None)])


@test("R-COL-5 not_found voids the registration (id_rejected)")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    q = pull_until(s, c, vid)
    res = Population().decide(q)        # PSB knows nobody
    s.eq(res["outcome"], "not_found")
    s.eq(post(s, c, [res]), [(vid, "applied", None)])
    s.eq(state(s, p, no), "id_rejected")
    s.eq(history(s, p, no)[-1], ("psb_not_found", "id_rejected", None))


# ---- authentication --------------------------------------------------------------

@test("a pull with a bad signature is refused 401 bad_signature and hands nothing out")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=500", signature="0" * 64)
    s.error_body(b, "bad_signature", 401, st)
    wrong = PsbClient(s.stack.base_url, b"\x07" * 32)
    st, h, b = wrong.call("GET", REQUESTS_PATH + "?max=500")
    s.error_body(b, "bad_signature", 401, st)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=500", omit=("X-PSB-Nonce",))
    s.error_body(b, "bad_signature", 401, st)
    s.eq(request_row(s, vid)[:2], ["pending", "0"], "nothing leased")
    st, h, b = c.call("POST", RESULTS_PATH, {"results": [{"verification_id": vid, "outcome": "match"}]},
                      signature="f" * 64)
    s.error_body(b, "bad_signature", 401, st)
    s.eq(state(s, p, no), "submitted", "nothing applied")


@test("a replayed nonce is refused 409 replayed_nonce")
def _(s):
    c = client(s)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=1")
    s.eq(st, 200)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=1", nonce=c.last_nonce)
    s.error_body(b, "replayed_nonce", 409, st)
    # the identical bytes again (same timestamp and signature): also refused
    method, target, hdrs, data = c.last_request
    st, h, b = s.http(method, target, headers=hdrs)
    s.error_body(b, "replayed_nonce", 409, st)


@test("a timestamp more than 300 s off is refused 401 stale_timestamp and does not burn its nonce")
def _(s):
    c = client(s)
    nonce = "fresh-nonce-%d" % int(time.time() * 1000)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=1", ts=int(time.time()) - 400, nonce=nonce)
    s.error_body(b, "stale_timestamp", 401, st)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=1", ts=int(time.time()) + 400)
    s.error_body(b, "stale_timestamp", 401, st)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=1", nonce=nonce)
    s.eq(st, 200, "the stale call's nonce is still unused")
    refused = [json.loads(line) for line in worker_logs(s).splitlines()
               if '"stale_timestamp"' in line]
    s.ok(any(400 <= e.get("skew_s", 0) <= 410 for e in refused) and
         any(-410 <= e.get("skew_s", 0) <= -400 for e in refused),
         "the clock difference is logged: %r" % refused)
    s.eq((refused[0]["route"], refused[0]["method"]), ("/callback/psb/v1/requests", "GET"))


@test("a timestamp that is not plain digits counts as a bad signature, even when signed")
def _(s):
    c = client(s)
    for ts in ("12a4", "+%d" % int(time.time()), "%d.5" % int(time.time()), ""):
        st, h, b = c.call("GET", REQUESTS_PATH + "?max=1", ts=ts)
        s.error_body(b, "bad_signature", 401, st)


# ---- idempotency and refusals ----------------------------------------------------------

@test("a second delivery of the same answer is duplicate and changes nothing")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pull_until(s, c, vid)
    res = {"verification_id": vid, "outcome": "match"}
    s.eq(post(s, c, [res]), [(vid, "applied", None)])
    s.eq(post(s, c, [res, res]), [(vid, "duplicate", None), (vid, "duplicate", None)])
    s.eq(state(s, p, no), "printable")
    s.eq([e[0] for e in history(s, p, no)], ["registered", "psb_match"])
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'psb.result'"
               " AND target_id = '%s'" % no)[0][0], "1")


@test("a different second answer is refused conflicting_result; the first answer stands and the refusal is logged without personal data")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pull_until(s, c, vid)
    s.eq(post(s, c, [{"verification_id": vid, "outcome": "mismatch", "mismatched_fields": ["name"]}]),
         [(vid, "applied", None)])
    s.eq(post(s, c, [{"verification_id": vid, "outcome": "match"},
                     {"verification_id": vid, "outcome": "not_found"},
                     {"verification_id": vid, "outcome": "mismatch", "mismatched_fields": ["sex"]}]),
         [(vid, "refused", "conflicting_result")] * 3)
    s.eq(state(s, p, no), "id_mismatch")
    s.eq(request_row(s, vid)[2:], ["mismatch", "name"])
    logs = worker_logs(s)
    refused = [json.loads(line) for line in logs.splitlines()
               if '"psb_result_refused"' in line and vid in line]
    s.eq(len(refused), 3, "one warning per refusal")
    s.eq((refused[0]["level"], refused[0]["reason"], refused[0]["verification_id"],
          refused[0]["stored"], refused[0]["offered"]),
         ("warn", "conflicting_result", vid, "mismatch", "match"))
    for secret in (child.id_number, child.name, child.birth_date):
        s.ok(secret not in logs, "%r must not appear in the worker logs" % secret)


@test("an unknown verification id is refused unknown_request, alone in its batch")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pull_until(s, c, vid)
    s.eq(post(s, c, [{"verification_id": "nobody-knows-this-id", "outcome": "match"},
                     {"verification_id": vid, "outcome": "match"}]),
         [("nobody-knows-this-id", "refused", "unknown_request"), (vid, "applied", None)])
    s.ok('"reason":"unknown_request","verification_id":"nobody-knows-this-id"' in worker_logs(s),
         "refusal logged with reason and id")


@test("R-COL-5 an answer to a request superseded by the parent's correction is refused stale_request; the new request is offered")
def _(s):
    child = new_child()
    p, no, _ = registered(s, child, child_name="王错字")
    old = vid_of(s, no)
    c = client(s)
    q = pull_until(s, c, old)
    s.eq(q["name"], "王错字")
    st, h, b = p.call("PUT", "/api/parent/v1/registrations/" + no, reg_body(child))
    s.eq(st, 200, "correction: %r" % (b,))
    new = vid_of(s, no)
    s.ok(new != old, "a new request")
    s.eq(post(s, c, [{"verification_id": old, "outcome": "mismatch", "mismatched_fields": ["name"]}]),
         [(old, "refused", "stale_request")])
    s.eq(state(s, p, no), "submitted")
    q = pull_until(s, c, new)
    s.eq(q["name"], child.name, "the corrected data is offered")
    s.eq(post(s, c, [knowing(child).decide(q)]), [(new, "applied", None)])
    s.eq(state(s, p, no), "printable")


@test("R-COL-4 an answer for a registration cancelled after the pull is refused stale_request")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pull_until(s, c, vid)
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % no)
    s.eq(st, 200, "cancel: %r" % (b,))
    s.eq(post(s, c, [{"verification_id": vid, "outcome": "match"}]), [(vid, "refused", "stale_request")])
    s.eq(state(s, p, no), "cancelled")
    s.eq(request_row(s, vid)[0], "superseded")


@test("a request whose registration no longer waits is retired by the pull, never handed out")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    # the registration left `submitted` without retiring its request
    s.sql("UPDATE registration SET state = 'cancelled' WHERE prereg_no = '%s'" % no)
    c = client(s)
    for _ in range(10):
        reqs = c.pull(500)
        s.ok(all(q["verification_id"] != vid for q in reqs), "not handed out")
        if not reqs:
            break
    s.eq(request_row(s, vid)[:2], ["superseded", "0"])
    s.eq(post(s, c, [{"verification_id": vid, "outcome": "match"}]), [(vid, "refused", "stale_request")])


# ---- leases and concurrency ----------------------------------------------------------

@test("a pulled but unanswered request is not offered again during its lease, and is after it")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pull_until(s, c, vid)
    until = s.sql("SELECT offered_until > UTC_TIMESTAMP(6) + INTERVAL 290 SECOND"
                  " FROM psb_request WHERE token = '%s'" % vid)[0][0]
    s.eq(until, "1", "leased for psb_lease (300 s)")
    for _ in range(3):
        s.ok(all(q["verification_id"] != vid for q in c.pull(500)), "not offered while leased")
    s.sql("UPDATE psb_request SET offered_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND"
          " WHERE token = '%s'" % vid)
    q = pull_until(s, c, vid)
    s.eq(q["id_number"], child.id_number, "same request, same data")
    s.eq(request_row(s, vid)[:2], ["offered", "2"])
    s.eq(post(s, c, [{"verification_id": vid, "outcome": "match"}]), [(vid, "applied", None)])


@test("a result is accepted after its lease ran out")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pull_until(s, c, vid)
    s.sql("UPDATE psb_request SET offered_until = UTC_TIMESTAMP(6) - INTERVAL 1 HOUR"
          " WHERE token = '%s'" % vid)
    s.eq(post(s, c, [{"verification_id": vid, "outcome": "match"}]), [(vid, "applied", None)])
    s.eq(state(s, p, no), "printable")


@test("concurrent pulls never hand out the same request (SELECT ... FOR UPDATE SKIP LOCKED)")
def _(s):
    c = client(s)
    while c.pull(500):              # lease whatever earlier tests left
        pass
    # three children an account: the cap of live registrations (issue 10)
    parents = [signed_up(s) for _ in range(20)]
    regs = [registered(s, parent=parents[i // 3]) for i in range(60)]
    mine = {vid_of(s, no) for _, no, _ in regs}
    got = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def puller():
        cl = client(s)
        start.wait()
        for _ in range(3):
            reqs = cl.pull(5)
            with lock:
                got.extend(q["verification_id"] for q in reqs)
        cl.close()
    threads = [threading.Thread(target=puller) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s.eq(len(got), len(set(got)), "no request handed out twice: %d of %d distinct"
         % (len(set(got)), len(got)))
    s.eq(set(got), mine, "6 x 3 pulls of 5 took all 60")
    s.eq(s.sql("SELECT COUNT(*) FROM psb_request WHERE offers <> 1 AND token IN (%s)"
               % ",".join("'%s'" % v for v in mine))[0][0], "0", "each leased exactly once")


# ---- input -------------------------------------------------------------------------------

@test("pull: max must be 1..500 and the only parameter (400 bad_query); HEAD is refused")
def _(s):
    c = client(s)
    for q in ("?max=0", "?max=501", "?max=abc", "?max=", "?max=1&max=2", "?other=1", "?max=-1",
              "?max=10000"):
        st, h, b = c.call("GET", REQUESTS_PATH + q)
        e = s.error_body(b, "bad_query", 400, st)
        s.eq(e["field"], "max", q)
    st, h, b = c.call("POST", REQUESTS_PATH, {})
    s.error_body(b, "method_not_allowed", 405, st)
    s.eq(h.get("allow"), "GET, HEAD")
    p, no, child = registered(s)
    vid = vid_of(s, no)
    st, h, b = c.call("HEAD", REQUESTS_PATH + "?max=500")
    s.eq((st, h.get("allow")), (405, "GET"), "a HEAD would lease and hand out nothing")
    s.eq(request_row(s, vid)[:2], ["pending", "0"], "nothing leased by HEAD")


@test("results: an invalid body is refused whole with every field error (422), nothing applied")
def _(s):
    p, no, child = registered(s)
    vid = vid_of(s, no)
    c = client(s)
    pull_until(s, c, vid)
    st, h, b = c.call("POST", RESULTS_PATH, {"results": [
        {"verification_id": vid, "outcome": "match"},
        {"verification_id": vid, "outcome": "match", "mismatched_fields": ["name"]},
        {"verification_id": vid, "outcome": "mismatch"},
        {"verification_id": vid, "outcome": "mismatch", "mismatched_fields": []},
        {"verification_id": vid, "outcome": "mismatch", "mismatched_fields": ["name", "address"]},
        {"verification_id": vid, "outcome": "mismatch", "mismatched_fields": ["sex", "sex"]},
        {"verification_id": vid, "outcome": "maybe"},
        {"verification_id": "has space", "outcome": "match"},
        {"verification_id": "x" * 65, "outcome": "match"},
        {"outcome": "match", "extra": 1},
    ]})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq(sorted((f["field"], f["code"]) for f in e["fields"]), sorted([
        ("results[1].mismatched_fields", "not_allowed"),
        ("results[2].mismatched_fields", "required"),
        ("results[3].mismatched_fields", "required"),
        ("results[4].mismatched_fields[1]", "unknown_code"),
        ("results[5].mismatched_fields", "duplicate_item"),
        ("results[6].outcome", "unknown_code"),
        ("results[7].verification_id", "bad_format"),
        ("results[8].verification_id", "too_long"),
        ("results[9].extra", "unknown_field"),
        ("results[9].verification_id", "required"),
    ]))
    s.eq(request_row(s, vid)[0], "offered", "nothing applied")
    st, h, b = c.call("POST", RESULTS_PATH, b'{"results": [')
    s.error_body(b, "malformed_json", 400, st)
    st, h, b = c.call("POST", RESULTS_PATH, {"results": []}, headers={"Content-Type": "text/plain"})
    s.error_body(b, "unsupported_media_type", 415, st)
    s.eq(post(s, c, []), [])


@test("results: a full batch of 500 answers over 64 KiB passes nginx and the worker")
def _(s):
    c = client(s)
    results = [{"verification_id": "%032x" % (0xabc000 + i), "outcome": "mismatch",
                "mismatched_fields": ["name", "sex", "birth_date", "id_number"]} for i in range(500)]
    body = json.dumps({"results": results}).encode()
    s.ok(len(body) > 65536, "body of %d bytes" % len(body))
    st, h, b = c.call("POST", RESULTS_PATH, body)
    s.eq(st, 200, "status: %r" % (b if st != 200 else "",))
    s.eq(len(b["results"]), 500)
    s.ok(all(r["code"] == "unknown_request" for r in b["results"]), "all unknown")
    st, h, b = c.call("POST", RESULTS_PATH, {"results": results + results[:1]})
    e = s.error_body(b, "validation_failed", 422, st)
    s.eq([(f["field"], f["code"]) for f in e["fields"]], [("results", "too_many_items")])


run(allow_log=())
