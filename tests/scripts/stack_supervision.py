#!/usr/bin/env python3
"""scripts/stack.py up, the README's run command, as a user runs it
(issue 15 D5): it must refuse a port another server holds instead of
reporting "running", and it must restart a worker that dies (as systemd
does with the units in dist/systemd/) instead of tearing the stack down.
The demo is the whole system: the ministry exchange is configured and the
ministry simulator (tests/ministry/sim.py) pulls through the demo's nginx.
TAP on stdout; runs `stack.py up` in a scratch directory made from the
black-box tests' template datadir (tests/api/xjtest.py)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

SRCDIR = os.environ.get("XJ_SRCDIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILDDIR = os.environ.get("XJ_BUILDDIR") or os.path.join(SRCDIR, "_build", "default")
sys.path.insert(0, os.path.join(SRCDIR, "tests", "api"))
sys.path.insert(0, os.path.join(SRCDIR, "scripts"))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "ministry"))
import xjtest  # noqa: E402  (the template datadir)
import stack   # noqa: E402
import sim     # noqa: E402  (the ministry's key and clock)

STACK_PY = os.path.join(SRCDIR, "scripts", "stack.py")
ENV = {k: v for k, v in os.environ.items() if k != "NGINX"}


def scratch():
    tpl = xjtest._template(BUILDDIR)
    root = tempfile.mkdtemp(prefix="xj-sup-", dir="/tmp")
    shutil.copytree(os.path.join(tpl, "db"), os.path.join(root, "db"), symlinks=True)
    shutil.copytree(os.path.join(tpl, "secrets"), os.path.join(root, "secrets"))
    return root


def up(root, port):
    out = open(os.path.join(root, "up.out"), "w")
    p = subprocess.Popen([sys.executable, STACK_PY, "up", "--dir", root, "--port", str(port),
                          "--build", BUILDDIR, "--workers", "2", "--threads", "2"],
                         stdout=out, stderr=subprocess.STDOUT, env=ENV, start_new_session=True)
    out.close()
    return p


def output(root):
    with open(os.path.join(root, "up.out"), errors="replace") as f:
        return f.read()


def wait(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def healthz(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, None
    except OSError:
        return None, None


def pidfile(root, name):
    try:
        with open(os.path.join(root, "run", name)) as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def stop(p, root):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(90)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    # whatever it left behind (a failed test must not leave processes)
    subprocess.run([sys.executable, STACK_PY, "down", "--dir", root, "--build", BUILDDIR],
                   env=ENV, capture_output=True)


TESTS = []


def test(name):
    def deco(fn):
        TESTS.append((name, fn))
        return fn
    return deco


@test("D5: up refuses a port another server holds, says which, and never reports running")
def _():
    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other.listen(8)
    port = other.getsockname()[1]
    root = scratch()
    try:
        p = up(root, port)
        rc = p.wait(120)
        text = output(root)
        assert rc != 0, "exit status %d with the port taken: %s" % (rc, text[-500:])
        assert "running" not in text, "reported running: " + text[-500:]
        assert ("port %d" % port) in text and "--port" in text, \
            "names the port and the option: " + text[-500:]
        # and it started nothing it left behind
        for name in ("mariadb.pid", "nginx.pid", "xuejid-0.pid", "jobs.pid"):
            pid = pidfile(root, name)
            assert pid is None or not alive(pid), "%s left running" % name
        # a client of that port still reaches the other server
        c = socket.create_connection(("127.0.0.1", port), 2)
        c.close()
    finally:
        other.close()
        shutil.rmtree(root, ignore_errors=True)


@test("D5: nginx counts as up only when its own process holds the listening socket")
def _():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    try:
        assert stack.owns_listener(os.getpid(), port), "our own listener"
        assert not stack.owns_listener(os.getppid(), port), "a listener of another process"
        assert not stack.port_free(port), "a held port is not free"
    finally:
        s.close()
    assert stack.port_free(port), "a released port is free"


@test("D5: a worker killed with -9 is restarted, the stack keeps serving, Ctrl-C stops all")
def _():
    port = stack.free_port()
    root = scratch()
    p = up(root, port)
    try:
        wait(lambda: "Xueji is running" in output(root) or p.poll() is not None, 240, "running")
        assert p.poll() is None, "up exited: " + output(root)[-800:]
        st, _ = healthz(port)
        assert st == 200, "healthz %s" % st
        old = pidfile(root, "xuejid-0.pid")
        other = pidfile(root, "xuejid-1.pid")
        t0 = time.monotonic()
        os.kill(old, signal.SIGKILL)
        wait(lambda: pidfile(root, "xuejid-0.pid") not in (None, old), 30, "a new xuejid-0")
        new = pidfile(root, "xuejid-0.pid")
        wait(lambda: os.path.exists(os.path.join(root, "run", "xuejid-0.sock")), 30, "its socket")
        print("# worker restarted in %.2f s" % (time.monotonic() - t0))
        assert alive(new), "the new worker runs"
        assert p.poll() is None, "stack.py up still runs: " + output(root)[-800:]
        assert alive(other), "the other worker was not touched"
        assert "restarting" in output(root), "the restart is reported"
        for _ in range(20):  # both workers serve (nginx round-robins)
            st, body = healthz(port)
            assert st == 200, "healthz after the restart: %s" % st
        # the restarted worker itself answers
        wait(lambda: any(l for l in open(os.path.join(root, "log", "xuejid-0.log"),
                                         errors="replace") if '"started"' in l), 10, "started")
        # the jobs runner is supervised the same way
        jobs = pidfile(root, "jobs.pid")
        os.kill(jobs, signal.SIGKILL)
        wait(lambda: pidfile(root, "jobs.pid") not in (None, jobs), 30, "a new jobs runner")
        assert p.poll() is None, "stack.py up still runs after the jobs runner died"
        pids = [pidfile(root, n) for n in ("mariadb.pid", "xuejid-0.pid", "xuejid-1.pid",
                                           "jobs.pid")]
        p.send_signal(signal.SIGINT)
        p.wait(120)
        assert "stopped." in output(root), output(root)[-500:]
        for pid in pids:
            assert pid and not alive(pid), "pid %s stopped" % pid
    finally:
        stop(p, root)
        shutil.rmtree(root, ignore_errors=True)


def read(root, *p):
    try:
        with open(os.path.join(root, *p), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def outbox(port, headers):
    """GET the outbox as the ministry pulls it: (status, body)."""
    req = urllib.request.Request("http://127.0.0.1:%d/exchange/ministry/v1/outbox?after=0&limit=1"
                                 % port, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@test("demo: up configures the exchange and runs the ministry simulator, which pulls through "
      "nginx; a signed pull is answered, an unsigned one refused; Ctrl-C stops the simulator")
def _():
    port = stack.free_port()
    root = scratch()
    p = up(root, port)
    try:
        wait(lambda: "Xueji is running" in output(root) or p.poll() is not None, 240, "running")
        assert p.poll() is None, "up exited: " + output(root)[-800:]
        conf = read(root, "etc", "xueji.conf")
        assert "[exchange]\norg_code = 110000\n" in conf, "[exchange] in the demo conf: " + conf
        moe = read(root, "etc", "exchange-peers")
        assert "MOE-1  MOE  " in moe, "the peer-keys file names the ministry's key: " + moe
        pid = pidfile(root, "ministry.pid")
        assert pid and alive(pid), "the ministry simulator runs"
        # its first pull is logged (sim.py: "pull ORG after=N: K messages")
        wait(lambda: "pull 110000 after=0: " in read(root, "log", "ministry.log")
             or p.poll() is not None, 60, "the simulator's first pull")
        log = read(root, "log", "ministry.log")
        assert "error" not in log, "the simulator's log: " + log[-800:]
        assert '"uri":"/exchange/ministry/v1/outbox","status":200' in \
            read(root, "log", "nginx-access.log"), "the pull went through the demo's nginx"
        # the route itself: signed with the ministry's key it answers the
        # page, unsigned it is refused (not exchange_not_configured)
        key = sim.load_key(os.path.join(root, "moe", "MOE-1.key"), "MOE-1")
        date = sim.beijing_now()
        path, query = "/exchange/ministry/v1/outbox", "after=0&limit=1"
        sig = key.sign(("GET\n%s\n%s\n%s\n" % (path, query, date)).encode())
        st, body = outbox(port, {"Xueji-Signature": sig, "Xueji-Date": date})
        assert st == 200 and "messages" in json.loads(body), "signed pull: %s %r" % (st, body[:300])
        st, body = outbox(port, {})
        assert st == 401, "unsigned pull: %s %r" % (st, body[:300])
        p.send_signal(signal.SIGINT)
        p.wait(120)
        assert "stopped." in output(root), output(root)[-500:]
        assert not alive(pid), "the ministry simulator stopped"
        assert pidfile(root, "ministry.pid") is None, "its pid file removed"
        # the workers took the exchange's keys and limits without a
        # sanitizer report (the asan build)
        problems = stack.Stack(root, BUILDDIR, quiet=True).log_problems()
        assert not problems, "log problems: %s" % problems[:5]
    finally:
        stop(p, root)
        shutil.rmtree(root, ignore_errors=True)


def main():
    print("1..%d" % len(TESTS), flush=True)
    failed = 0
    for n, (name, fn) in enumerate(TESTS, 1):
        try:
            fn()
            print("ok %d - %s" % (n, name), flush=True)
        except Exception as e:
            failed += 1
            print("not ok %d - %s" % (n, name))
            print("# %s: %s" % (type(e).__name__, str(e)[:400].replace("\n", " ")))
            for line in traceback.format_exc().splitlines()[-8:]:
                print("# " + line)
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
