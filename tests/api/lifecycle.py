"""Black-box: the worker process itself: graceful stop with a request in
flight, the FastCGI socket inherited on fd 0, nginx steering around a
stopped worker, and the command line."""
import os
import signal
import socket
import subprocess
import time

import fcgi
from xjtest import test, run


def restart_worker(s, i):
    p = s.stack.worker_procs[i]
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        p.wait(30)
    s.stack.worker_procs[i] = s.stack.start_worker(i)


@test("SIGTERM lets a request in flight finish, then the worker exits 0 and removes its socket")
def _(s):
    sock_path = s.stack.worker_socket(0)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(sock_path)
    fcgi.begin(c)
    fcgi.send_params(c, {"REQUEST_METHOD": "GET"}, terminate=False)
    time.sleep(0.3)  # a thread has accepted and waits for the rest
    p = s.stack.worker_procs[0]
    p.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    s.ok(p.poll() is None, "still running while a request is in flight")
    fcgi.send_params(c, {"DOCUMENT_URI": "/healthz", "CONTENT_LENGTH": "0"})
    fcgi.send_stdin(c)
    out = fcgi.read_response(c).decode()
    c.close()
    s.ok(out.startswith("Status: 200"), "in-flight request answered: %r" % out[:80])
    s.eq(p.wait(20), 0, "exit status")
    s.ok(not os.path.exists(sock_path), "socket removed")
    s.stack.worker_procs[0] = s.stack.start_worker(0)


@test("nginx sends requests to the other worker while one is stopped")
def _(s):
    p = s.stack.worker_procs[0]
    p.send_signal(signal.SIGTERM)
    p.wait(20)
    try:
        for _ in range(20):
            st, h, b = s.http("GET", "/healthz")
            s.eq(st, 200, "status with one worker down")
    finally:
        s.stack.worker_procs[0] = s.stack.start_worker(0)


@test("the worker serves a FastCGI socket inherited on fd 0 (spawn-fcgi/systemd style)")
def _(s):
    path = s.stack.path("run", "inherited.sock")
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(16)
    log = open(s.stack.path("log", "xuejid-inherited.log"), "a")
    p = subprocess.Popen([s.stack.bin("xuejid"), "-c", s.stack.conf_file, "--threads", "2"],
                         stdin=ls.fileno(), stdout=log, stderr=log, env=s.stack.worker_env())
    ls.close()
    log.close()
    try:
        out = fcgi.request(path, uri="/api/version").decode()
        s.ok(out.startswith("Status: 200"), out[:80])
        s.ok('"name":"xueji"' in out, "version body")
    finally:
        p.send_signal(signal.SIGTERM)
        s.eq(p.wait(20), 0, "exit status")
        os.unlink(path)


@test("item 5: the worker serves the socket systemd passes with LISTEN_FDS (fd 3), "
      "as a .socket unit without StandardInput=socket does")
def _(s):
    import shutil
    activate = shutil.which("systemd-socket-activate")
    if not activate:
        raise AssertionError("systemd-socket-activate not found (package systemd)")
    path = s.stack.path("run", "activated.sock")
    log = open(s.stack.path("log", "xuejid-activated.log"), "a")
    # it binds the socket, then execs xuejid with LISTEN_FDS=1 and the socket on fd 3
    p = subprocess.Popen([activate, "-l", path, s.stack.bin("xuejid"), "-c", s.stack.conf_file,
                          "--threads", "2"],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=s.stack.worker_env())
    log.close()
    try:
        s.wait_until(lambda: os.path.exists(path), 10, "the activated socket")
        out = fcgi.request(path, uri="/healthz").decode()
        s.ok(out.startswith("Status: 200"), out[:80])
    finally:
        p.send_signal(signal.SIGTERM)
        s.eq(p.wait(20), 0, "exit status")
        if os.path.exists(path):
            os.unlink(path)


@test("--listen host:port binds a TCP socket that speaks FastCGI")
def _(s):
    from stack import free_port
    port = free_port()
    log = open(s.stack.path("log", "xuejid-tcp.log"), "a")
    p = subprocess.Popen([s.stack.bin("xuejid"), "-c", s.stack.conf_file, "--listen",
                          "127.0.0.1:%d" % port, "--threads", "2"],
                         stdout=log, stderr=log, env=s.stack.worker_env())
    log.close()
    try:
        def up():
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return True
            except OSError:
                return False
        s.wait_until(up, 10, "TCP listener")
        c = socket.create_connection(("127.0.0.1", port), 5)
        out = fcgi.request(c, uri="/healthz").decode()
        s.ok(out.startswith("Status: 200"), out[:80])
    finally:
        p.send_signal(signal.SIGTERM)
        s.eq(p.wait(20), 0, "exit status")


@test("without --listen and without a socket on fd 0 the worker refuses to start")
def _(s):
    r = subprocess.run([s.stack.bin("xuejid"), "-c", s.stack.conf_file],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
    s.ok(r.returncode != 0 and "fd 0 is not a socket" in r.stderr, r.stderr)


@test("--help documents every option, and docs/operations.md names them all")
def _(s):
    r = subprocess.run([s.stack.bin("xuejid"), "--help"], capture_output=True, text=True)
    s.eq(r.returncode, 0)
    with open(os.path.join(s.stack.srcdir, "docs", "operations.md")) as f:
        ops = f.read()
    for opt in ("--config", "--listen", "--portal", "--threads", "--check-config",
                "--help-config", "--version"):
        s.ok(opt in r.stdout, "%s in --help" % opt)
        s.ok(opt in ops, "%s in docs/operations.md" % opt)
    r = subprocess.run([s.stack.bin("xuejictl"), "--help"], capture_output=True, text=True)
    for cmd in ("keygen", "migrate", "grant-app", "seed-demo"):
        s.ok(cmd in r.stdout, "xuejictl %s in --help" % cmd)
        s.ok("xuejictl " + cmd in ops or cmd in ops, "xuejictl %s in docs" % cmd)


@test("--help-config lists every key that docs/xueji.conf.example documents")
def _(s):
    r = subprocess.run([s.stack.bin("xuejid"), "--help-config"], capture_output=True, text=True)
    keys = [l.split("=")[0].strip() for l in r.stdout.splitlines()
            if "=" in l and not l.startswith("#")]
    with open(os.path.join(s.stack.srcdir, "docs", "xueji.conf.example")) as f:
        example = f.read()
    for k in keys:
        s.ok(("%s =" % k) in example or ("# %s =" % k) in example, "%s in the example" % k)


@test("--portal parent reports its portal and still serves the system routes")
def _(s):
    path = s.stack.path("run", "parent-only.sock")
    log = open(s.stack.path("log", "xuejid-parent.log"), "a")
    p = subprocess.Popen([s.stack.bin("xuejid"), "-c", s.stack.conf_file, "--listen", path,
                          "--portal", "parent", "--threads", "1"],
                         stdout=log, stderr=log, env=s.stack.worker_env())
    log.close()
    try:
        s.wait_until(lambda: os.path.exists(path), 10, "socket")
        out = fcgi.request(path, uri="/api/version").decode()
        s.ok('"portal":"parent"' in out, out[-200:])
        out = fcgi.request(path, uri="/healthz").decode()
        s.ok(out.startswith("Status: 200"), out[:60])
    finally:
        p.send_signal(signal.SIGTERM)
        s.eq(p.wait(20), 0)


# nginx logs a refused unix-socket connect as [crit]; here it is the
# point of the "one worker stopped" test
run(allow_log=("xuejid-0.sock failed (2: No such file or directory) while connecting",))
