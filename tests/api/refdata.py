"""Black-box: the public reference code lists (/api/ref/v1/) and their
reload on SIGHUP."""
import signal

from xjtest import test, run


@test("ethnicities list the 58 codes of the reference data, 01 汉族 first")
def _(s):
    st, h, b = s.http("GET", "/api/ref/v1/ethnicities")
    s.eq(st, 200)
    s.eq(len(b["items"]), 58)
    s.eq(b["items"][0], {"code": "01", "name": "汉族"})


@test("identity document types list the 7 codes, 1 居民身份证 first")
def _(s):
    st, h, b = s.http("GET", "/api/ref/v1/id-doc-types")
    s.eq(st, 200)
    s.eq(len(b["items"]), 7)
    s.eq(b["items"][0], {"code": "1", "name": "居民身份证"})


@test("divisions without parent are the 31 provinces")
def _(s):
    st, h, b = s.http("GET", "/api/ref/v1/divisions")
    s.eq(st, 200)
    s.eq(len(b["items"]), 31)
    s.ok({"code": "110000", "name": "北京市", "level": 1} in b["items"], "北京市 listed")


@test("divisions of city 110100 are Beijing's 16 districts")
def _(s):
    st, h, b = s.http("GET", "/api/ref/v1/divisions?parent=110100")
    s.eq(st, 200)
    s.eq(len(b["items"]), 16)
    s.ok(all(i["level"] == 3 for i in b["items"]), "all county level")
    s.ok({"code": "110105", "name": "朝阳区", "level": 3} in b["items"], "朝阳区 listed")


@test("a malformed parent code is refused with bad_query")
def _(s):
    for q in ("11010", "11010x", "1101000", "%27%20or%201"):
        st, h, b = s.http("GET", "/api/ref/v1/divisions?parent=" + q)
        e = s.error_body(b, "bad_query", 400, st)
        s.eq(e["field"], "parent")


@test("an unknown parent code answers 404")
def _(s):
    st, h, b = s.http("GET", "/api/ref/v1/divisions?parent=990000")
    s.error_body(b, "not_found", 404, st)


@test("SIGHUP reloads reference data in every worker without a restart")
def _(s):
    def gens():
        return s.http("GET", "/api/version")[2]["reference_data"]["generation"]
    before = gens()
    s.sql("INSERT INTO ethnicity (code, name) VALUES ('T1', '测试族')")
    try:
        st, h, b = s.http("GET", "/api/ref/v1/ethnicities")
        s.eq(len(b["items"]), 58, "not visible before the reload")
        for p in s.stack.worker_procs:
            p.send_signal(signal.SIGHUP)

        def reloaded():
            # several requests so that both workers answer at least once
            return all(len(s.http("GET", "/api/ref/v1/ethnicities")[2]["items"]) == 59
                       for _ in range(6))
        s.wait_until(reloaded, 20, "59 ethnicities after SIGHUP")
        s.ok(gens() > before, "generation increased")
    finally:
        s.sql("DELETE FROM ethnicity WHERE code = 'T1'")


run()
