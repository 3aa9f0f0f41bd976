"""xjtest.py -- the black-box test harness.

Each test file under tests/api/ is one TAP program run by automake's
tap-driver. It gets its own private stack (scripts/stack.py): a MariaDB
datadir copied from a template that was migrated and seeded once per build
(locked, so parallel test files share it safely), two xuejid workers and
nginx on a free port. Tests talk HTTP to nginx like any client. Teardown
always stops everything and fails the run when a log holds a sanitizer
report or an nginx alert (STYLE.md L14).

    from xjtest import test, run
    @test("unknown route answers 404 in the error format")
    def _(s):
        st, hdr, body = s.http("GET", "/nope")
        s.eq(st, 404)
    run()
"""
import fcntl
import hashlib
import http.client
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

SRCDIR = os.environ.get("XJ_SRCDIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILDDIR = os.environ.get("XJ_BUILDDIR") or os.path.join(SRCDIR, "_build", "default")
sys.path.insert(0, os.path.join(SRCDIR, "scripts"))

from stack import Stack  # noqa: E402
import apischema  # noqa: E402

_tests = []


def test(name):
    def deco(fn):
        _tests.append((name, fn))
        return fn
    return deco


class Failure(AssertionError):
    pass


class Session:
    """What a test sees: the stack plus HTTP and assertion helpers."""

    def __init__(self, stack):
        self.stack = stack
        # answers that disagree with docs/api/openapi.yaml (apischema.py):
        # collected here, from any thread, and failed by run() per test
        self.schema_problems = []

    # ---- HTTP ---------------------------------------------------------
    def http(self, method, path, body=None, headers=None, raw=None, timeout=30):
        """(status, headers dict lower-case, parsed JSON or text)."""
        return self.http_from(None, method, path, body, headers, raw, timeout)

    def http_from(self, source, method, path, body=None, headers=None, raw=None, timeout=30):
        """As http(), from the local address `source` (e.g. "127.0.0.2":
        another client as nginx and the workers see it), or the default."""
        h = {"Accept": "application/json"}
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
            hdrs = {}
            for k, v in resp.getheaders():
                k = k.lower()
                hdrs[k] = hdrs[k] + ", " + v if k in hdrs else v
            ctype = hdrs.get("content-type", "")
            out = text
            if "json" in ctype and text:
                try:
                    out = json.loads(text)
                except ValueError:
                    pass
            self._check_schema(method, path, resp.status, ctype, out)
            return resp.status, hdrs, out
        finally:
            conn.close()

    def _check_schema(self, method, path, status, ctype, body):
        try:
            problems = apischema.spec(SRCDIR).check(method, path, status, ctype, body)
        except Exception as e:      # a schema the validator cannot read
            problems = ["%s %s: schema check failed: %s" % (method, path, e)]
        self.schema_problems.extend(problems)

    def sql(self, query):
        return self.stack.sql(query)

    # ---- the SMS gateway simulator (tests/smssim/) ----------------------
    def sms(self, method, path, body=None):
        """Talk to the simulator: (status, parsed JSON)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.sms_port, timeout=30)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data,
                         headers={"Content-Type": "application/json"} if data else {})
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read() or b"null")
        finally:
            conn.close()

    def sms_deliver(self):
        """Run one sms-deliver pass now (`xuejictl jobs --once`), as tests
        make any job run: a code arrives in tens of milliseconds instead of
        at the background runner's next tick (up to two seconds)."""
        import subprocess
        with open(self.stack.path("log", "jobs-once.log"), "a") as log:
            subprocess.run([self.stack.bin("xuejictl"), "-c", self.stack.conf_file, "jobs",
                            "--once", "sms-deliver"], stdout=subprocess.DEVNULL,
                           stderr=log, env=self.stack.worker_env(), timeout=60)

    def sms_messages(self, phone=None):
        path = "/_messages" + ("?phone=" + phone if phone else "")
        return self.sms("GET", path)[1]

    def sms_wait(self, phone, count=1, timeout=30):
        """The phone's messages once it has at least count of them."""
        box = []

        def arrived():
            box[:] = self.sms_messages(phone)
            return len(box) >= count
        self.wait_until(arrived, timeout, "%d SMS to %s" % (count, phone))
        return box

    # ---- assertions ----------------------------------------------------
    def eq(self, got, want, what=""):
        if got != want:
            raise Failure("%s: got %r, want %r" % (what or "value", got, want))

    def ok(self, cond, what):
        if not cond:
            raise Failure(what)

    def error_body(self, body, code, status=None, st=None):
        """The error format of DESIGN.md with machine code `code`."""
        self.ok(isinstance(body, dict) and isinstance(body.get("error"), dict),
                "error format expected, got %r" % (body,))
        e = body["error"]
        for k in ("code", "message", "message_en", "field", "request_id"):
            self.ok(k in e, "error member %r missing in %r" % (k, e))
        self.eq(e["code"], code, "error code")
        self.ok(e["message"] and e["message_en"], "messages must not be empty")
        if status is not None:
            self.eq(st, status, "status")
        return e

    def wait_until(self, pred, timeout=30, what="condition"):
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            try:
                if pred():
                    return
            except Exception as e:  # keep polling
                last = e
            time.sleep(0.1)
        raise Failure("timed out waiting for %s%s" % (what, (": %s" % last) if last else ""))


def _template(builddir):
    """A migrated, seeded datadir with its secrets, made once per build."""
    h = hashlib.sha256()
    for name in sorted(os.listdir(os.path.join(SRCDIR, "sql"))):
        if name.endswith(".sql"):
            with open(os.path.join(SRCDIR, "sql", name), "rb") as f:
                h.update(name.encode() + f.read())
    # seed-demo imports the working-day calendars (data/calendar)
    for name in sorted(os.listdir(os.path.join(SRCDIR, "data", "calendar"))):
        with open(os.path.join(SRCDIR, "data", "calendar", name), "rb") as f:
            h.update(name.encode() + f.read())
    with open(os.path.join(builddir, "xuejictl"), "rb") as f:
        h.update(f.read())
    cache = os.path.join(builddir, "tests", "api", ".cache")
    os.makedirs(cache, exist_ok=True)
    tpl = os.path.join(cache, "template-" + h.hexdigest()[:16])
    with open(os.path.join(cache, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(tpl):
            for old in os.listdir(cache):
                if old.startswith("template-"):
                    shutil.rmtree(os.path.join(cache, old), ignore_errors=True)
            work = tempfile.mkdtemp(prefix="xj-tpl-", dir="/tmp")
            st = Stack(work, builddir, SRCDIR, durable=False, scrypt_log2n=10, scrypt_p=1, quiet=True)
            try:
                st.keygen()
                st.write_conf()
                st.init_db()
                st.start_db()
                st.setup_schema(demo=True)
            finally:
                st.stop_db()
            os.makedirs(tpl + ".tmp", exist_ok=True)
            shutil.copytree(st.path("db"), os.path.join(tpl + ".tmp", "db"), symlinks=True)
            shutil.copytree(st.path("secrets"), os.path.join(tpl + ".tmp", "secrets"))
            os.rename(tpl + ".tmp", tpl)
            shutil.rmtree(work, ignore_errors=True)
    return tpl


def make_stack(workers=2, threads=4, conf=None):
    """A stack on a copy of the template, not started yet; conf: more
    configuration, {section: {key: value}}."""
    tpl = _template(BUILDDIR)
    root = tempfile.mkdtemp(prefix="xj-", dir="/tmp")
    os.rmdir(root)
    os.makedirs(root)
    shutil.copytree(os.path.join(tpl, "db"), os.path.join(root, "db"), symlinks=True)
    shutil.copytree(os.path.join(tpl, "secrets"), os.path.join(root, "secrets"))
    st = Stack(root, BUILDDIR, SRCDIR, workers=workers, threads=threads,
               durable=False, scrypt_log2n=10, scrypt_p=1, quiet=True)
    # every client of a test stack is 127.0.0.1, so the per-address code
    # limit is lifted, and tests ask one number for a code and then at once
    # for another; short timeouts and backoff let the delivery tests watch
    # retries (tests/api/phone_ownership.py sets the limits back)
    st.extra_conf = {"sms": {"connect_timeout_ms": 1000, "timeout_ms": 2000,
                             "backoff_base": 1, "backoff_max": 4,
                             "addr_hourly": 1000000, "phone_interval": 0},
                     # tests fire dozens of parallel sign-ins at 4 threads a
                     # worker to prove counting under races; the sign-in
                     # gate (issue 16) is tested on its own in
                     # tests/api/signin_storm.py
                     "security": {"signin_slots": 1000}}
    for section, keys in (conf or {}).items():
        st.extra_conf.setdefault(section, {}).update(keys)
    st.write_conf()
    return st



def key_ring(path):
    """A key-ring file (crypto/keys.h: "ID HEX" lines, or one bare key =
    id 1) as {id: bytes}."""
    import re
    with open(path) as f:
        lines = [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]
    if len(lines) == 1 and re.fullmatch(r"[0-9a-fA-F]{64}", lines[0]):
        return {1: bytes.fromhex(lines[0])}
    return {int(i): bytes.fromhex(h) for i, h in (l.split() for l in lines)}


def session_token(stack, account, gen, iat, seen, kind=b"p", key_id=None):
    """A session cookie value made like src/crypto/token.c (v2: key id,
    kind, account, gen, iat, seen under HKDF(session key, "xueji session")),
    with the instance's session key of key_id (default: the current one)."""
    import base64, hmac, struct
    ring = key_ring(stack.path("secrets", "session.key"))
    kid = max(ring) if key_id is None else key_id
    prk = hmac.new(b"\0" * 32, ring[kid], hashlib.sha256).digest()      # HKDF, no salt
    key = hmac.new(prk, b"xueji session" + b"\x01", hashlib.sha256).digest()
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    payload = struct.pack(">I", kid) + kind + struct.pack(">QIqq", account, gen, iat, seen)
    signed = "v2." + b64(payload)
    return signed + "." + b64(hmac.new(key, signed.encode(), hashlib.sha256).digest())


def scrypt_hash(password, log2n, r=8, p=1):
    """A password hash in src/crypto/password.c's format at a chosen cost,
    made here (hashlib's scrypt is OpenSSL's too): to plant a hash of an
    older cost and watch the next login replace it."""
    import base64
    import hashlib
    salt = os.urandom(16)
    dk = hashlib.scrypt(password.encode(), salt=salt, n=2 ** log2n, r=r, p=p,
                        maxmem=256 * 1024 * 1024, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode()
    return "$scrypt$ln=%d,r=%d,p=%d$%s$%s" % (log2n, r, p, b64(salt), b64(dk))

def run(workers=2, threads=4, allow_log=(), conf=None):
    """Run the file's tests against a fresh stack; print TAP; exit 0/1.
    conf: more configuration for the stack, {section: {key: value}}."""
    def start(made):
        stack = make_stack(workers, threads, conf)
        made.append(stack)
        stack.start_db()
        stack.start_workers()
        stack.start_smssim()
        stack.start_jobs()
        stack.start_nginx()
        return Session(stack)
    run_on(start, allow_log)


def run_on(start, allow_log=()):
    """The loop of run() over what start(made) brings up: it appends the
    thing to stop (with down(), log_problems() and root) to `made` as soon
    as it exists, and returns the Session the tests get
    (tests/cluster/ brings up a Galera cluster this way)."""
    failed = 0
    n = 0
    stack = None
    made = []
    keep = os.environ.get("XJ_KEEP_STACK")

    def on_signal(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_signal)
    try:
        try:
            s = start(made)
        except Exception:
            n += 1
            failed += 1
            print("not ok %d - stack starts" % n)
            for line in traceback.format_exc().splitlines():
                print("# " + line)
            raise _StackFailed()
        finally:
            stack = made[0] if made else None
        for name, fn in _tests:
            n += 1
            try:
                del s.schema_problems[:]
                fn(s)
                if s.schema_problems:
                    raise Failure("answers disagree with docs/api/openapi.yaml: "
                                  + " | ".join(sorted(set(s.schema_problems))[:8]))
                print("ok %d - %s" % (n, name), flush=True)
            except Exception as e:
                failed += 1
                print("not ok %d - %s" % (n, name), flush=True)
                # the reason first: CI summaries keep only the top lines
                print("# %s: %s" % (type(e).__name__, str(e)[:300].replace("\n", " ")))
                for line in traceback.format_exc().splitlines()[-12:]:
                    print("# " + line)
    except _StackFailed:
        pass
    finally:
        if stack is not None:
            errs = stack.down()
            n += 1
            problems = [p for p in stack.log_problems()
                        if not any(a in p for a in allow_log)] + errs
            if problems:
                failed += 1
                print("not ok %d - logs hold no sanitizer reports or nginx alerts" % n)
                for p in problems[:20]:
                    print("# " + p)
            else:
                print("ok %d - logs hold no sanitizer reports or nginx alerts" % n)
            if keep or failed:
                print("# stack kept in %s" % stack.root)
            else:
                shutil.rmtree(stack.root, ignore_errors=True)
    print("1..%d" % n)
    sys.exit(1 if failed else 0)


class _StackFailed(Exception):
    pass
