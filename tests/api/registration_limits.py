"""Black-box: per-account limits on registrations (issue 10, A; review H1):
at most [parent] max_registrations_per_year live registrations per account
and collection year (3), also under concurrent creates, and at most
[parent] registration_rate creates per window (this file: 5 an hour),
cancelled ones included. Both are checked inside the registration's one
CALL (sql/0009), so they add no round trip."""
import threading

from parent import new_child, reg_body, signed_up
from xjtest import test, run

RATE = 5


def live(s, p):
    acc = p.call("GET", "/api/parent/v1/session")[2]["account"]["id"]
    return int(s.sql("SELECT COUNT(*) FROM registration WHERE parent_id = %d"
                     " AND state NOT IN ('cancelled', 'void')" % acc)[0][0])


@test("H1 cap: the 4th live registration of an account answers 409 registration_limit and writes nothing")
def _(s):
    p = signed_up(s)
    for i in range(3):
        st, h, b = p.register(reg_body(new_child()))
        s.eq(st, 201, "registration %d: %r" % (i + 1, b))
    n = int(s.sql("SELECT COUNT(*) FROM registration")[0][0])
    child = new_child()
    st, h, b = p.register(reg_body(child))
    s.error_body(b, "registration_limit", 409, st)
    s.eq(int(s.sql("SELECT COUNT(*) FROM registration")[0][0]), n, "no row")
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.create'"
               " AND request_id = '%s'" % b["error"]["request_id"])[0][0], "0", "no audit entry")
    # the child is not held by the refused attempt
    s.eq(signed_up(s).register(reg_body(child))[0], 201)


@test("H1 cap: a cancelled registration frees its place")
def _(s):
    p = signed_up(s)
    nos = [p.register(reg_body(new_child()))[2]["prereg_no"] for _ in range(3)]
    s.eq(p.register(reg_body(new_child()))[0], 409)
    st, h, b = p.call("POST", "/api/parent/v1/registrations/%s/cancel" % nos[0])
    s.eq(st, 200, "cancel: %r" % (b,))
    s.eq(p.register(reg_body(new_child()))[0], 201)
    s.eq(live(s, p), 3)


@test("H1 cap: 12 concurrent creates from one account never pass the cap")
def _(s):
    p = signed_up(s)
    out = []

    def one():
        st, h, b = p.register(reg_body(new_child()))
        out.append((st, b["error"]["code"] if st != 201 else None))
    ts = [threading.Thread(target=one) for _ in range(12)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    s.eq(sorted(out, key=str), sorted([(201, None)] * 3 + [(409, "registration_limit")] * 9,
                                      key=str))
    s.eq(live(s, p), 3)


@test("H1 cap: an Idempotency-Key replay of the 3rd registration still answers its 201")
def _(s):
    p = signed_up(s)
    for _ in range(2):
        s.eq(p.register(reg_body(new_child()))[0], 201)
    body = reg_body(new_child())
    st, h, first = p.register(body, headers={"Idempotency-Key": "third-1"})
    s.eq(st, 201)
    st, h, again = p.register(body, headers={"Idempotency-Key": "third-1"})
    s.eq(st, 201, "replay: %r" % (again,))
    s.eq(h.get("idempotent-replayed"), "true")
    s.eq(again["prereg_no"], first["prereg_no"])


@test("H1 rate: creates past registration_rate per window answer 429 with Retry-After, cancelled ones counted")
def _(s):
    p = signed_up(s)
    for i in range(RATE):
        st, h, b = p.register(reg_body(new_child()))
        s.eq(st, 201, "create %d: %r" % (i + 1, b))
        s.eq(p.call("POST", "/api/parent/v1/registrations/%s/cancel" % b["prereg_no"])[0], 200)
    st, h, b = p.register(reg_body(new_child()))
    s.error_body(b, "registration_rate_limited", 429, st)
    s.ok(3500 <= int(h["retry-after"]) <= 3600, h.get("retry-after"))
    s.eq(live(s, p), 0)
    # another account is not slowed down by this one
    s.eq(signed_up(s).register(reg_body(new_child()))[0], 201)


run(conf={"parent": {"registration_rate": RATE, "registration_rate_window": 3600}})
