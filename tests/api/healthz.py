"""Black-box: /healthz and /api/version through nginx, with the database
up, down, and back again (issue 2: 503 + Retry-After while down, 200 after
the restart without restarting the workers)."""
import re

from xjtest import test, run


@test("healthz answers 200 with the database round-trip time")
def _(s):
    st, h, b = s.http("GET", "/healthz")
    s.eq(st, 200, "status")
    s.eq(b["status"], "ok")
    s.ok(b["db"]["ok"] is True, "db.ok")
    s.ok(isinstance(b["db"]["rtt_ms"], (int, float)) and b["db"]["rtt_ms"] >= 0, "rtt_ms number")
    s.ok(re.fullmatch(r"[0-9a-f]{32}", h.get("x-request-id", "")), "X-Request-Id from nginx")
    s.eq(h.get("cache-control"), "no-store", "Cache-Control")


@test("every response carries exactly one X-Request-Id")
def _(s):
    for path in ("/healthz", "/api/version", "/nope", "/"):
        st, h, b = s.http("GET", path)
        s.ok("," not in h.get("x-request-id", ""), "one X-Request-Id on %s: %r" % (path, h))


@test("version names the build, the schema level and the reference data")
def _(s):
    st, h, b = s.http("GET", "/api/version")
    s.eq(st, 200)
    s.eq(b["name"], "xueji")
    s.ok(re.fullmatch(r"\d+\.\d+\.\d+", b["version"]), "semantic version")
    applied = int(s.sql("SELECT MAX(version) FROM schema_migrations")[0][0])
    s.eq(b["schema_version"], applied, "schema level = applied migrations")
    s.eq(b["portal"], "all")
    s.ok(b["reference_data"]["divisions"] > 3000, "divisions loaded")
    s.eq(b["reference_data"]["ethnicities"], 58)
    s.ok(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", b["reference_data"]["loaded_at"]),
         "time-format bug: loaded_at in the API's one time format: %r" % b["reference_data"]["loaded_at"])


@test("healthz answers 503 schema_outdated while the database is behind this build")
def _(s):
    top = s.sql("SELECT MAX(version) FROM schema_migrations")[0][0]
    row = s.sql("SELECT version, name, checksum, applied_at FROM schema_migrations"
                " WHERE version = %s" % top)[0]
    s.sql("DELETE FROM schema_migrations WHERE version = %s" % top)
    try:
        st, h, b = s.http("GET", "/healthz")
        s.error_body(b, "schema_outdated", 503, st)
    finally:
        s.sql("INSERT INTO schema_migrations VALUES (%s, '%s', '%s', '%s')" % tuple(row))
    st, h, b = s.http("GET", "/healthz")
    s.eq(st, 200)
    s.eq(b["db"]["schema_version"], int(top))


@test("healthz answers 503 with Retry-After in the error format while MariaDB is down")
def _(s):
    s.stack.stop_db()
    st, h, b = s.http("GET", "/healthz")
    s.error_body(b, "service_unavailable", 503, st)
    s.ok(h.get("retry-after", "").isdigit(), "Retry-After header: %r" % h)


@test("while MariaDB is down every request gets a quick answer and no worker dies")
def _(s):
    for _ in range(40):
        st, h, b = s.http("GET", "/healthz", timeout=10)
        s.eq(st, 503, "status while down")
    for p in s.stack.worker_procs:
        s.ok(p.poll() is None, "worker %d still running" % p.pid)


@test("reference code lists are served from memory while MariaDB is down")
def _(s):
    st, h, b = s.http("GET", "/api/ref/v1/ethnicities")
    s.eq(st, 200)
    s.eq(len(b["items"]), 58)


@test("healthz answers 200 again after MariaDB restarts, without restarting the workers")
def _(s):
    pids = [p.pid for p in s.stack.worker_procs]
    s.stack.start_db()
    s.wait_until(lambda: s.http("GET", "/healthz")[0] == 200, 20, "healthz 200")
    # every thread of every worker reconnects: many requests, all 200
    for _ in range(40):
        st, h, b = s.http("GET", "/healthz")
        s.eq(st, 200, "status after restart")
    s.eq([p.pid for p in s.stack.worker_procs], pids, "same worker processes")
    s.ok(all(p.poll() is None for p in s.stack.worker_procs), "workers running")


run()
