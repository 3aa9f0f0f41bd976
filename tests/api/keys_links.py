"""Black-box: keys and links (issue 10 items 16-17; review M11, M13, L1,
L5, L6, L7). Keys per purpose with key ids that rotate with an overlap;
xuejictl rekey over a populated database; ciphertexts bound to their row;
TLS to MariaDB with the server certificate verified; the PSB signature
checked before the body is parsed; nonces purged by the request's
timestamp; secret files of another user refused for root."""
import os
import re
import subprocess
import time

from parent import Parent, new_child, reg_body, signed_up
from psbclient import PsbClient, load_key_ring, new_nonce, REQUESTS_PATH, RESULTS_PATH
from stack import make_tls_certs
from xjtest import key_ring, session_token, test, run


def secret(s, name):
    return s.stack.path("secrets", name)


def write_ring(path, ring):
    """Rewrite a key file with exactly these {id: bytes}, mode 0600."""
    with open(path, "w") as f:
        f.write("# ID KEY\n" + "".join("%d %s\n" % (i, k.hex()) for i, k in sorted(ring.items())))
    os.chmod(path, 0o600)


def restart_workers(s):
    s.stack.stop_workers()
    s.stack.start_workers()


def ctl(s, *args, check=True):
    r = subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file] + list(args),
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError("xuejictl %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
    return r


def check_config(s, env=None):
    return subprocess.run([s.stack.bin("xuejid"), "-c", s.stack.conf_file, "--check-config"],
                          capture_output=True, text=True, env=dict(os.environ, **(env or {})))


def registered(s, child=None, parent=None):
    child = child or new_child()
    p = parent or signed_up(s)
    st, h, b = p.register(reg_body(child))
    s.eq(st, 201, "registration: %r" % (b,))
    return p, b["prereg_no"], child


def masked(child):
    # the one rule of domain/mask.h (H2): a type-1 number shows its area code
    return child.id_number[:6] + "*" * 12


def worker_logs(s):
    text = ""
    for i in range(s.stack.nworkers):
        with open(s.stack.path("log", "xuejid-%d.log" % i), errors="replace") as f:
            text += f.read()
    return text


def psb(s, key_id=None, key=None):
    ring = load_key_ring(secret(s, "psb.key"), warn=False)
    return PsbClient(s.stack.base_url, key or ring[key_id or max(ring)], key_id=key_id)


# ---- M11: keys per purpose, rotation with an overlap ----------------------

@test("M11: every purpose has its own key file, and no two keys are equal")
def _(s):
    keys = {}
    for name in ("session.key", "csrf.key", "blind.key", "sms.key", "enc.key", "psb.key"):
        ring = key_ring(secret(s, name))
        s.eq(sorted(ring), [1], "%s holds key id 1" % name)
        keys[name] = ring[1]
    s.eq(len(set(keys.values())), len(keys), "all keys differ")


@test("M11: a session minted under the previous key id still works during the overlap and fails after")
def _(s):
    path = secret(s, "session.key")
    before = key_ring(path)
    p = signed_up(s)
    old_cookie, old_csrf = p.cookie, p.csrf
    s.ok(old_cookie.startswith("v2.AAAAAX"), "minted under key id 1: %s" % old_cookie[:12])
    try:
        out = ctl(s, "keygen", "--rotate", path).stdout
        s.ok("added key id 2" in out, out)
        restart_workers(s)
        # the overlap: the old cookie and its CSRF token still work
        st, h, b = p.call("GET", "/api/parent/v1/session")
        s.eq(st, 200, "old session during the overlap: %r" % (b,))
        st, h, b = p.register(reg_body(new_child()))
        s.eq(st, 201, "a state change with the old CSRF token: %r" % (b,))
        q = Parent(s, phone=p.phone, password=p.password)
        s.eq(q.login()[0], 200)
        s.ok(q.cookie.startswith("v2.AAAAAn"), "a new session uses key id 2: %s" % q.cookie[:12])
        # a session forged under id 1 for q's account: good during the overlap
        acc = q.call("GET", "/api/parent/v1/session")[2]["account"]["id"]
        gen = int(s.sql("SELECT session_gen FROM parent_account WHERE id = %d" % acc)[0][0])
        now = int(time.time())
        old = session_token(s.stack, acc, gen, now - 60, now - 10, key_id=1)
        s.eq(s.http("GET", "/api/parent/v1/session",
                    headers={"Cookie": "__Host-xj_parent=" + old})[0], 200, "id 1 token in the overlap")
        # the overlap ends: id 1 leaves the file
        ring = key_ring(path)
        del ring[1]
        write_ring(path, ring)
        restart_workers(s)
        st, h, b = s.http("GET", "/api/parent/v1/session", headers={"Cookie": "__Host-xj_parent=" + old})
        s.error_body(b, "unauthenticated", 401, st)
        st, h, b = q.call("GET", "/api/parent/v1/session")
        s.eq(st, 200, "the id 2 session lives on")
    finally:
        write_ring(path, before)
        restart_workers(s)
    s.ok(old_csrf, "had a CSRF token")


@test("M11: a PSB call signed under the previous key id verifies during the overlap, and not after")
def _(s):
    path = secret(s, "psb.key")
    before = key_ring(path)
    try:
        ctl(s, "keygen", "--rotate", path)
        restart_workers(s)
        ring = key_ring(path)
        st, h, b = psb(s, key=ring[1]).call("GET", REQUESTS_PATH + "?max=1")
        s.eq(st, 200, "old key, no X-PSB-Key-Id (= id 1): %r" % (b,))
        st, h, b = psb(s, key_id=1).call("GET", REQUESTS_PATH + "?max=1")
        s.eq(st, 200, "old key named by X-PSB-Key-Id: 1")
        st, h, b = psb(s, key_id=2).call("GET", REQUESTS_PATH + "?max=1")
        s.eq(st, 200, "new key with X-PSB-Key-Id: 2")
        st, h, b = psb(s, key=ring[2]).call("GET", REQUESTS_PATH + "?max=1")
        s.error_body(b, "bad_signature", 401, st)
        st, h, b = psb(s, key_id=9, key=ring[2]).call("GET", REQUESTS_PATH + "?max=1")
        s.error_body(b, "bad_signature", 401, st)
        del ring[1]
        write_ring(path, ring)
        restart_workers(s)
        st, h, b = psb(s, key=before[1]).call("GET", REQUESTS_PATH + "?max=1")
        s.error_body(b, "bad_signature", 401, st)
        st, h, b = psb(s, key_id=2).call("GET", REQUESTS_PATH + "?max=1")
        s.eq(st, 200, "the new key alone")
    finally:
        write_ring(path, before)
        restart_workers(s)


@test("M11: a configuration that still names only hmac_key_file is refused with the upgrade steps")
def _(s):
    r = check_config(s, {"XUEJI_SECURITY_SESSION_KEY_FILE": "",
                         "XUEJI_SECURITY_HMAC_KEY_FILE": secret(s, "blind.key")})
    s.ok(r.returncode != 0, "must refuse")
    s.ok("xuejictl keygen" in r.stderr and "session_key_file" in r.stderr, r.stderr)


@test("M11: keygen next to an old hmac.key makes blind.key from it; the blind indexes stay valid")
def _(s):
    d = s.stack.path("upgrade")
    os.makedirs(d, mode=0o700, exist_ok=True)
    blind = key_ring(secret(s, "blind.key"))[1]
    with open(os.path.join(d, "hmac.key"), "w") as f:
        f.write(blind.hex() + "\n")
    os.chmod(os.path.join(d, "hmac.key"), 0o600)
    out = ctl(s, "keygen", d).stdout
    s.ok("a copy of hmac.key" in out, out)
    s.eq(key_ring(os.path.join(d, "blind.key")), {1: blind})
    for n in ("session.key", "csrf.key", "sms.key"):
        s.ok(key_ring(os.path.join(d, n))[1] != blind, "%s is a new key" % n)


# ---- L1: a ciphertext is bound to its row ---------------------------------

@test("L1: a ciphertext copied to another row via SQL is refused, not shown as the other child's")
def _(s):
    pa, a, ca = registered(s)
    pb, b, cb = registered(s)
    ct = s.sql("SELECT HEX(id_number_ct) FROM registration WHERE prereg_no = '%s'" % a)[0][0]
    own = s.sql("SELECT HEX(id_number_ct) FROM registration WHERE prereg_no = '%s'" % b)[0][0]
    own_ph = s.sql("SELECT HEX(g.phone_ct) FROM registration_guardian g JOIN registration r"
                   " ON r.id = g.registration_id WHERE r.prereg_no = '%s'" % b)[0][0]
    s.sql("UPDATE registration SET id_number_ct = UNHEX('%s') WHERE prereg_no = '%s'" % (ct, b))
    st, h, got = pb.call("GET", "/api/parent/v1/registrations/" + b)
    s.eq(st, 200)
    shown = got["child"]["id_number_masked"]
    s.ok(shown != masked(ca), "the other child's number must not be shown: %r" % shown)
    s.ok(not shown, "no number is shown for a value that fails: %r" % shown)
    # the PSB gateway is never handed the other child's number for b
    for q in psb(s).pull(500):
        s.ok(q.get("id_number") != ca.id_number or q.get("name") == ca.name,
             "PSB pull handed out a moved number: %r" % q)
    s.ok("decrypt_failed" in worker_logs(s), "the refusal is logged for an operator")
    # the guardian's phone of a is bound to a's guardian row too
    ph = s.sql("SELECT HEX(g.phone_ct) FROM registration_guardian g JOIN registration r"
               " ON r.id = g.registration_id WHERE r.prereg_no = '%s'" % a)[0][0]
    s.sql("UPDATE registration_guardian g JOIN registration r ON r.id = g.registration_id"
          " SET g.phone_ct = UNHEX('%s') WHERE r.prereg_no = '%s'" % (ph, b))
    st, h, got = pb.call("GET", "/api/parent/v1/registrations/" + b)
    s.eq(got["guardians"][0]["phone_masked"], "", "a moved phone is not shown")
    st, h, got = pa.call("GET", "/api/parent/v1/registrations/" + a)
    s.eq(got["child"]["id_number_masked"], masked(ca), "the source row still reads")
    # put b's own values back (the rekey test below walks every row)
    s.sql("UPDATE registration SET id_number_ct = UNHEX('%s') WHERE prereg_no = '%s'" % (own, b))
    s.sql("UPDATE registration_guardian g JOIN registration r ON r.id = g.registration_id"
          " SET g.phone_ct = UNHEX('%s') WHERE r.prereg_no = '%s'" % (own_ph, b))
    st, h, got = pb.call("GET", "/api/parent/v1/registrations/" + b)
    s.eq(got["child"]["id_number_masked"], masked(cb), "b's own value reads again")


# ---- rekey ------------------------------------------------------------------

def old_format(s, no, child):
    """Replace a registration's id number by a value of the old column-only
    format (0x01) under enc.key version 1, made here with an independent
    AES-GCM; False when python3-cryptography is missing."""
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        return False
    key = key_ring(secret(s, "enc.key"))[1]
    hdr = bytes([1, 0, 0, 0, 1])
    nonce = os.urandom(12)
    ct = hdr + nonce + AESGCM(key).encrypt(nonce, child.id_number.encode(),
                                           hdr + b"registration.id_number")
    s.sql("UPDATE registration SET id_number_ct = UNHEX('%s') WHERE prereg_no = '%s'"
          % (ct.hex(), no))
    return True


@test("M11: rekey over a populated database re-encrypts everything to the current version; everything still reads")
def _(s):
    regs = [registered(s) for _ in range(5)]
    path = secret(s, "enc.key")
    # one value in the format written before review L1 (0x01: the AAD is
    # the column only), as an upgraded database holds them: still read
    legacy = old_format(s, regs[0][1], regs[0][2])
    if legacy:
        st, h, b = regs[0][0].call("GET", "/api/parent/v1/registrations/" + regs[0][1])
        s.eq(b["child"]["id_number_masked"], masked(regs[0][2]), "an old-format value reads")
    ctl(s, "keygen", "--rotate", path)
    restart_workers(s)
    regs.append(registered(s))             # one under version 2 already
    old_v = ("SELECT COUNT(*) FROM %s WHERE LENGTH(%s) > 0 AND HEX(LEFT(%s, 5)) <> '0200000002'")
    tables = [("registration", "id_number_ct"), ("registration_guardian", "phone_ct"),
              ("registration_guardian", "id_number_ct"), ("parent_account", "phone_ct"),
              ("student", "id_number_ct"), ("student_guardian", "phone_ct")]
    pending = sum(int(s.sql(old_v % (t, c, c))[0][0]) for t, c in tables)
    s.ok(pending >= 10, "values under version 1 before: %d" % pending)
    out = ctl(s, "rekey", "--dry-run").stdout
    s.ok(re.search(r"rekey: \d+ values, %d to re-encrypt, 0 failed" % pending, out), out)
    s.eq(sum(int(s.sql(old_v % (t, c, c))[0][0]) for t, c in tables), pending, "dry run writes nothing")
    out = ctl(s, "rekey", "--batch", "2").stdout
    s.ok(re.search(r"rekey: \d+ values, %d re-encrypted, 0 failed" % pending, out), out)
    s.eq(sum(int(s.sql(old_v % (t, c, c))[0][0]) for t, c in tables), 0, "nothing left under version 1")
    if legacy:
        s.eq(s.sql("SELECT HEX(LEFT(id_number_ct, 1)) FROM registration WHERE prereg_no = '%s'"
                   % regs[0][1])[0][0], "02", "rekey upgraded the old-format value")
    out = ctl(s, "rekey").stdout
    s.ok(re.search(r"rekey: \d+ values, 0 re-encrypted, 0 failed", out), "a second run (resume) has nothing to do: " + out)
    # version 1 can go: everything reads under version 2 alone
    ring = key_ring(path)
    del ring[1]
    write_ring(path, ring)
    restart_workers(s)
    for p, no, child in regs:
        st, h, b = p.call("GET", "/api/parent/v1/registrations/" + no)
        s.eq(st, 200)
        s.eq(b["child"]["id_number_masked"], masked(child), no)
        s.eq(b["guardians"][0]["phone_masked"], "1380013****", b["guardians"])
        s.eq(Parent(s, phone=p.phone, password=p.password).login()[0], 200, "login by phone")


@test("M11: after enc.key rotates and the workers restart, the running jobs runner still delivers SMS codes (reads the key files again), no restart of it")
def _(s):
    def runner_delivers(p):
        before = len(s.sms_messages(p.phone))
        st, h, b = p.request_code("signup")
        s.eq(st, 202, "code request: %r" % (b,))
        # no `jobs --once`: the background runner alone sends it
        return s.sms_wait(p.phone, before + 1)[-1]
    jobs_log = s.stack.path("log", "jobs.log")
    s.eq(runner_delivers(Parent(s))["template"], "XJ_CODE", "delivered under the ring it has")
    with open(jobs_log, errors="replace") as f:
        reloads = f.read().count("job_keys_reloaded")
    ctl(s, "keygen", "--rotate", secret(s, "enc.key"))
    restart_workers(s)
    p = Parent(s)
    msg = runner_delivers(p)               # sealed under the new version
    s.eq(msg["template"], "XJ_CODE")
    st, h, b = p.call("POST", "/api/parent/v1/accounts",
                      {"phone": p.phone, "code": msg["params"]["code"], "password": p.password})
    s.eq(st, 201, "the delivered code signs up: %r" % (b,))
    with open(jobs_log, errors="replace") as f:
        text = f.read()
    s.eq(text.count("job_keys_reloaded"), reloads + 1, "the runner read the key files again, once")
    s.ok("sms_unreadable" not in text and "sms_failed" not in text, "nothing given up")


# ---- L6, L5: the PSB endpoint ---------------------------------------------

@test("L6: an unsigned malformed body answers 401 bad_signature, not 400, and is not parsed")
def _(s):
    before = worker_logs(s).count("json_refused")
    st, h, b = s.http("POST", RESULTS_PATH, raw=b"{not json",
                      headers={"Content-Type": "application/json"})
    s.error_body(b, "bad_signature", 401, st)
    st, h, b = s.http("POST", RESULTS_PATH, raw=b"[" * 5000,
                      headers={"Content-Type": "application/json", "X-PSB-Timestamp": "1",
                               "X-PSB-Nonce": new_nonce(), "X-PSB-Signature": "0" * 64})
    s.error_body(b, "bad_signature", 401, st)
    time.sleep(0.2)
    s.eq(worker_logs(s).count("json_refused"), before, "the body was never parsed")
    # a signed malformed body is parsed, after the signature: 400
    st, h, b = psb(s).call("POST", RESULTS_PATH, body=b"{not json")
    s.eq(st, 400, "signed but malformed: %r" % (b,))


@test("L6: refusal log lines are rate-limited")
def _(s):
    before = worker_logs(s).count('"psb_refused"')
    for _ in range(80):
        s.http("GET", REQUESTS_PATH + "?max=1")
    time.sleep(0.2)
    lines = worker_logs(s).count('"psb_refused"') - before
    s.ok(0 < lines < 60, "80 refusals wrote %d log lines" % lines)


@test("L5: nonces are purged by the request's timestamp, not by when they were seen")
def _(s):
    window = 300
    s.sql("INSERT INTO psb_nonce (nonce, ts, seen_at) VALUES"
          " ('l5-old-timestamp-000001', UNIX_TIMESTAMP() - %d, UTC_TIMESTAMP(6)),"
          " ('l5-fresh-timestamp-00001', UNIX_TIMESTAMP() - 10,"
          "  UTC_TIMESTAMP(6) - INTERVAL 3 HOUR)" % (window + 60 + 30))
    c = psb(s)
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=1")
    s.eq(st, 200)
    left = {r[0] for r in s.sql("SELECT nonce FROM psb_nonce WHERE nonce LIKE 'l5-%'")}
    s.eq(left, {"l5-fresh-timestamp-00001"},
         "the old timestamp is purged, the fresh one kept however long ago it was seen")
    ts = s.sql("SELECT ts FROM psb_nonce WHERE nonce = '%s'" % c.last_nonce)[0][0]
    s.eq(ts, c.last_request[2]["X-PSB-Timestamp"], "the nonce is stored with its request's timestamp")
    # a nonce whose request timestamp is still fresh is never reusable
    st, h, b = c.call("GET", REQUESTS_PATH + "?max=1", nonce="l5-fresh-timestamp-00001")
    s.error_body(b, "replayed_nonce", 409, st)


# ---- L7 ---------------------------------------------------------------------

@test("L7: a key file owned by another uid is refused, also when running as root")
def _(s):
    if os.geteuid() != 0:
        return  # the harness runs as root in CI; nothing to prove otherwise
    path = secret(s, "session.key")
    os.chown(path, 65534, 65534)
    try:
        r = check_config(s)
        s.ok(r.returncode != 0, "must refuse: %s" % r.stdout)
        s.ok("uid 65534" in r.stderr and "session.key" in r.stderr, r.stderr)
    finally:
        os.chown(path, 0, 0)
    s.eq(check_config(s).returncode, 0)


# ---- M13: TLS to MariaDB (last: restarts the database) ----------------------

@test("M13: workers reach MariaDB over TLS with the server certificate verified; a wrong CA is refused")
def _(s):
    st_ = s.stack
    certs = make_tls_certs(st_.path("tls"))
    wrong = make_tls_certs(st_.path("tls-wrong"))
    ctl(s, "grant-app", "--host", "127.0.0.1")
    # the application's user must use TLS: the server enforces it (mariadbd
    # names 127.0.0.1 localhost, so both accounts)
    for host in ("localhost", "127.0.0.1"):
        s.sql("ALTER USER 'xueji_app'@'%s' REQUIRE SSL" % host)
    st_.stop_jobs()
    st_.stop_workers()
    st_.stop_db()
    st_.use_db_tls(certs)
    st_.start_db()
    try:
        st_.start_workers()
        p = signed_up(s)                   # a database write, over TLS only:
        s.eq(p.call("GET", "/api/parent/v1/session")[0], 200)
        # issue 15 D1 checks an idle connection's socket before a statement;
        # a TLS connection must not look closed (no reconnect per request)
        accepts = int(s.sql("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'")[0][1])
        for _ in range(20):
            s.eq(p.call("GET", "/api/parent/v1/registrations")[0], 200)
        s.eq(worker_logs(s).count("db_idle_closed"), 0, "no idle TLS connection taken for closed")
        # threads connect on first use: at most one new connection each
        new = int(s.sql("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'")[0][1]) - accepts
        s.ok(new <= s.stack.nworkers * s.stack.threads,
             "20 requests opened %d TLS connections, not one each" % new)
        tls = s.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                    " WHERE USER = 'xueji_app' AND HOST LIKE '%:%'")[0][0]
        s.ok(int(tls) > 0, "the workers are connected over TCP")
        s.ok(int(s.sql("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'")[0][1]) > 0, "with TLS")
        r = ctl(s, "migrate", "--status", check=False)
        s.eq(r.returncode, 0, "xuejictl over TLS: " + r.stdout + r.stderr)
        # the server's certificate signed by another CA: no connection
        st_.db_tls_ca = wrong["ca"]
        st_.write_conf()
        r = ctl(s, "migrate", "--status", check=False)
        s.ok(r.returncode != 0 and "cannot connect" in r.stderr, r.stdout + r.stderr)
        st_.stop_workers()
        st_.start_workers()
        st, h, b = s.http("POST", "/api/parent/v1/session",
                          {"phone": p.phone, "password": p.password})
        s.error_body(b, "service_unavailable", 503, st)
    finally:
        st_.stop_workers()
        for host in ("localhost", "127.0.0.1"):
            s.sql("ALTER USER 'xueji_app'@'%s' REQUIRE NONE" % host)
        st_.db_tls_ca = None
        st_.write_conf()
        st_.start_workers()
        st_.start_jobs()
    s.eq(Parent(s, phone=p.phone, password=p.password).login()[0], 200, "back with the right CA")


run(allow_log=("decrypt_failed", "db_connect_failed", "student_reseal_failed"))
