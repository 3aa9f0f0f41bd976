#!/usr/bin/env python3
"""stack.py -- start and stop a private Xueji stack: MariaDB with its own
datadir, xuejid workers on unix sockets, the jobs runner, nginx on
127.0.0.1, and the SMS gateway simulator (tests/smssim/) that [sms] points
at: its log, log/smssim.log, is the phones' screen (sign-up codes). The
demo (`up`) also configures the ministry exchange (issue 13: [exchange]
with a key pair of its own and the ministry's public key) and runs the
ministry simulator (tests/ministry/sim.py) against its nginx: its log,
log/ministry.log, shows each pull; its registry is moe/registry.sqlite3.

The README's run command (`scripts/run`) uses it to bring up a persistent
local instance under ./var; the black-box tests (tests/api/) use it to
bring up a throwaway one per test file under /tmp. No system service is
touched: every process runs from files under the stack's own directory.

    stack.py up   [--dir DIR] [--port 8080] [--build BUILDDIR] [--db-tls]   # foreground until Ctrl-C
    stack.py down [--dir DIR]                                     # stop one left running
"""
import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_PASSWORD = "xueji-demo"
# the demo's exchange (issue 13): seed-demo's province is Beijing, which
# signs as 110000-1; the simulated ministry signs as MOE-1
DEMO_ORG = "110000"
MOE_KEY_ID = "MOE-1"


def which(name, extra=("/usr/sbin", "/usr/bin", "/sbin")):
    found = shutil.which(name)
    if found:
        return found
    for d in extra:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    raise RuntimeError("%s not found: run scripts/install-deps" % name)


def make_tls_certs(d, name="127.0.0.1"):
    """A CA and a server certificate for `name` (IP and DNS subject
    alternative names) in directory d, made with the openssl CLI: returns
    {"ca", "cert", "key"} paths (PEM). Called again with another d, it
    makes an unrelated CA (a test's wrong CA)."""
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o700)
    p = lambda n: os.path.join(d, n)
    run = lambda *a: subprocess.run(["openssl"] + list(a), check=True,
                                    capture_output=True)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=xueji test CA", "-keyout", p("ca-key.pem"), "-out", p("ca.pem"))
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
        "-keyout", p("server-key.pem"), "-out", p("server.csr"))
    with open(p("san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca-key.pem"),
        "-CAcreateserial", "-days", "2", "-extfile", p("san.ext"), "-out", p("server.pem"))
    for n in ("ca-key.pem", "server-key.pem"):
        os.chmod(p(n), 0o600)
    return {"ca": p("ca.pem"), "cert": p("server.pem"), "key": p("server-key.pem")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port, host="127.0.0.1"):
    """True when nothing listens on host:port (a bind would succeed)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def listener_inodes(port):
    """Socket inodes listening on TCP `port` (any address), from /proc."""
    inodes = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    # local_address is HEX_IP:HEX_PORT; state 0A is LISTEN
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(fields[9])
        except OSError:
            pass
    return inodes


def owns_listener(pid, port):
    """True when process `pid` holds a socket listening on TCP `port`: the
    answer on that port is really its own, not another server's (D5)."""
    want = listener_inodes(port)
    if not want:
        return False
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return False
    for fd in fds:
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in want:
            return True
    return False


class PortBusy(RuntimeError):
    pass


def require_free_port(port, what, option):
    if not port_free(port):
        raise PortBusy("port %d on 127.0.0.1 (%s) is already in use by another program; "
                       "stop it or choose another port with %s" % (port, what, option))


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise RuntimeError("timed out waiting for " + what)


class Stack:
    """One private stack rooted at `root`."""

    def __init__(self, root, builddir, srcdir=SRCDIR, port=0, workers=2,
                 threads=4, durable=True, scrypt_log2n=14, scrypt_p=5, quiet=False,
                 jobs=True, db_port=None, exchange=False):
        self.root = os.path.abspath(root)
        self.builddir = os.path.abspath(builddir)
        self.srcdir = os.path.abspath(srcdir)
        self.port = port or free_port()
        self.nworkers = workers
        self.threads = threads
        self.durable = durable
        self.scrypt_log2n = scrypt_log2n
        self.scrypt_p = scrypt_p
        self.quiet = quiet
        self.run_jobs = jobs
        # MariaDB with TLS on TCP (review M13): {"ca", "cert", "key", "port"};
        # the workers then connect over TCP with [db] ssl_ca = db_tls_ca
        # (default: the server's own CA; a test sets another to see a refusal)
        self.db_tls = None
        self.db_tls_ca = None
        self.db_tls_conf = False     # the conf names the TLS address
        self.jobs_proc = None
        self.smssim_proc = None
        # the ministry exchange configured and the ministry simulator run
        # (the demo; tests that need the exchange set it up themselves,
        # tests/api/xjpair.py): seconds between the simulator's pulls
        self.exchange = exchange
        self.ministry_interval = 5
        self.ministry_proc = None
        self.sms_port = free_port()
        # more [section] key = value lines for the configuration
        self.extra_conf = {}
        self.db_proc = None
        self.worker_procs = []
        self.nginx_proc = None
        # stop_*() fall back to the pid files for `stack.py down`; an `up`
        # that failed stops only what it started (a stack already running
        # in the same directory is not its own)
        self.adopt_pidfiles = True
        # where the binary log goes when durable (default: the datadir); a
        # test puts it on a small filesystem it fills (issue 15 D4)
        self.binlog_dir = None
        # scripts/cluster builds a Galera cluster out of these pieces: a
        # node is a Stack used for its MariaDB alone (db_port: also on
        # 127.0.0.1:db_port; db_extra_args: the wsrep options), a worker
        # host a Stack whose workers (worker_names, worker_conf: a
        # configuration per worker) talk to another Stack's MariaDB
        # (db_socket_path), and nginx's upstream may list sockets of
        # several hosts (upstream_sockets)
        self.db_port = db_port
        # mariadbd --user when started as root (a Galera node runs as
        # mysql: the rsync daemon of its state transfer would otherwise
        # drop to nobody and fail to write the datadir)
        self.db_user = "root" if os.geteuid() == 0 else None
        self.db_extra_args = []
        self.db_socket_path = None
        self.worker_names = None
        self.worker_conf = {}
        self.upstream_sockets = None
        for d in ("db", "run", "log", "secrets", "etc", "nginx"):
            os.makedirs(self.path(d), exist_ok=True)
        os.chmod(self.path("secrets"), 0o700)

    # ---- paths -------------------------------------------------------
    def path(self, *p):
        return os.path.join(self.root, *p)

    @property
    def db_socket(self):
        return self.db_socket_path or self.path("run", "mariadb.sock")

    @property
    def conf_file(self):
        return self.path("etc", "xueji.conf")

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def worker_socket(self, i):
        return self.path("run", "xuejid-%s.sock" % i)

    def worker_ids(self):
        """The workers' names (numbers 0..workers-1 unless named)."""
        return list(self.worker_names) if self.worker_names else list(range(self.nworkers))

    def bin(self, name):
        return os.path.join(self.builddir, name)

    def log(self, msg):
        if not self.quiet:
            print(msg, flush=True)

    # ---- secrets and configuration ------------------------------------
    def keygen(self):
        subprocess.run([self.bin("xuejictl"), "keygen", self.path("secrets")],
                       check=True, stdout=subprocess.DEVNULL)
        self.sms_credentials()

    @property
    def sms_cred_file(self):
        return self.path("secrets", "sms.cred")

    def sms_credentials(self):
        """The SMS gateway account shared with the simulator (docs/sms.md)."""
        if os.path.exists(self.sms_cred_file):
            return
        fd = os.open(self.sms_cred_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("xueji-local %s\n" % os.urandom(32).hex())

    def write_conf(self, path=None, db_socket=None):
        """The configuration (default: conf_file); db_socket: the workers'
        MariaDB socket instead of this stack's own."""
        s = self.path("secrets")
        text = """# generated by scripts/stack.py for a local instance
[server]
environment = development
# every route sets its own body limit (the PSB results 128 KiB, docs/psb.md
# §8; an evidence file 2 MiB, issue 12): the server-wide one is left at
# its default (4 MiB) unless the exchange is configured (8 MiB messages)
[db]
{dbaddr}
name = xueji
user = xueji_app
password_file = {s}/db_app.pw
[admin_db]
user = root
[security]
session_key_file = {s}/session.key
csrf_key_file = {s}/csrf.key
blind_key_file = {s}/blind.key
sms_key_file = {s}/sms.key
enc_key_file = {s}/enc.key
psb_key_file = {s}/psb.key
scrypt_log2n = {ln}
scrypt_p = {p}
[audit]
signing_key_file = {s}/audit_sign.key
verify_key_file = {s}/audit_verify.pem
[documents]
signing_key_file = {s}/doc_sign.key
[log]
level = info
[paths]
sql_dir = {sql}
calendar_dir = {cal}
xsd_dir = {xsd}
""".format(dbaddr=("socket = " + db_socket) if db_socket else self.db_addr_conf(), s=s, ln=self.scrypt_log2n, p=self.scrypt_p,
           sql=os.path.join(self.srcdir, "sql"),
           cal=os.path.join(self.srcdir, "data", "calendar"),
           xsd=os.path.join(self.srcdir, "docs", "xml", "v1"))
        # tests/smssim/ plays the gateway (docs/sms.md)
        sections = {"sms": {
            "gateway_url": "http://127.0.0.1:%d/sms/v1/send" % self.sms_port,
            "credentials_file": self.sms_cred_file}}
        if self.exchange:
            sections.update(self.exchange_conf())
        for section, keys in self.extra_conf.items():
            sections.setdefault(section, {}).update(keys)
        for section, keys in sections.items():
            text += "[%s]\n" % section
            for k, v in keys.items():
                text += "%s = %s\n" % (k, v)
        self.sms_credentials()
        with open(path or self.conf_file, "w") as f:
            f.write(text)

    # ---- the ministry exchange (issue 13; the demo) ---------------------------
    @property
    def exchange_key(self):
        return self.path("secrets", "exchange-1.key")

    @property
    def exchange_pub(self):
        return self.path("etc", "exchange-1.pem")

    @property
    def exchange_peers(self):
        return self.path("etc", "exchange-peers")

    @property
    def moe_dir(self):
        return self.path("moe")

    def exchange_conf(self):
        """[exchange] as docs/operations.md "Exchange keys" sets it up; the
        workers (all portals) then take messages of the default
        message_limit (8 MiB), which needs [server] body_limit >= it and
        arena_size >= it + 1 MiB: the production exchange pool's values
        (docs/operations.md "Running workers"; the arena is a ceiling,
        grown in chunks). [paths] xsd_dir is set above."""
        return {"exchange": {"org_code": DEMO_ORG,
                             "signing_key_file": self.exchange_key,
                             "signing_key_id": DEMO_ORG + "-1",
                             "peer_keys_file": self.exchange_peers},
                "server": {"body_limit": 8 << 20, "arena_size": 16 << 20}}

    def exchange_keygen(self):
        """Our key pair (`xuejictl exchange-keygen`), the ministry's (the
        openssl commands of tests/ministry/README.md) in moe/, and the
        peer-keys list naming the ministry's public key. Made once: a second
        start keeps them (the ministry's registry knows our key)."""
        if not os.path.exists(self.exchange_key):
            subprocess.run([self.bin("xuejictl"), "exchange-keygen", self.exchange_key,
                            self.exchange_pub], check=True, stdout=subprocess.DEVNULL)
        ossl = lambda *a: subprocess.run(["openssl"] + list(a), check=True, capture_output=True)
        if not os.path.exists(self.exchange_pub):
            ossl("pkey", "-in", self.exchange_key, "-pubout", "-out", self.exchange_pub)
        os.makedirs(self.moe_dir, exist_ok=True)
        os.chmod(self.moe_dir, 0o700)
        moe_key = os.path.join(self.moe_dir, MOE_KEY_ID + ".key")
        moe_pub = os.path.join(self.moe_dir, MOE_KEY_ID + ".pem")
        if not os.path.exists(moe_key):
            old = os.umask(0o077)
            try:
                ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-out", moe_key)
            finally:
                os.umask(old)
        if not os.path.exists(moe_pub):
            ossl("pkey", "-in", moe_key, "-pubout", "-out", moe_pub)
        with open(self.exchange_peers, "w") as f:
            f.write("# key id   org   public key (docs/operations.md \"Exchange keys\")\n"
                    "%s  MOE  %s\n" % (MOE_KEY_ID, moe_pub))
        # the simulator's configuration (tests/ministry/README.md)
        with open(os.path.join(self.moe_dir, "sim.conf"), "w") as f:
            f.write("[ministry]\ndir = %s\nkey_file = %s\nkey_id = %s\ninterval = %s\n\n"
                    "[deployment %s]\nhost = 127.0.0.1\nport = %d\npublic_key = %s\n"
                    % (self.moe_dir, moe_key, MOE_KEY_ID, self.ministry_interval,
                       DEMO_ORG, self.port, self.exchange_pub))

    def db_addr_conf(self):
        if not (self.db_tls and self.db_tls_conf):
            return "socket = " + self.db_socket
        return "host = 127.0.0.1\nport = %d\nssl_ca = %s" % (
            self.db_tls["port"], self.db_tls_ca or self.db_tls["ca"])

    def use_db_tls(self, certs, port=None):
        """Serve MariaDB with TLS on 127.0.0.1:port as well as the socket, and
        write a conf whose workers connect there (restart the DB and workers
        to apply)."""
        self.db_tls = dict(certs, port=port or free_port())
        self.db_tls_conf = True
        self.write_conf()

    # ---- MariaDB ------------------------------------------------------
    def db_initialised(self):
        return os.path.isdir(self.path("db", "mysql"))

    def init_db(self):
        user = self.db_user
        cmd = [which("mariadb-install-db"), "--no-defaults",
               "--datadir=" + self.path("db"),
               "--auth-root-authentication-method=normal",
               "--skip-test-db", "--skip-name-resolve",
               # no hostname lookup: a host without /etc/hosts or DNS works too
               "--force"]
        if user:
            cmd.append("--user=" + user)
        log = self.path("log", "mariadb-install.log")
        with open(log, "w") as out:
            r = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            with open(log, errors="replace") as f:
                raise RuntimeError("mariadb-install-db failed: " + f.read()[-1500:])

    def db_args(self):
        args = [which("mariadbd"), "--no-defaults",
                "--datadir=" + self.path("db"),
                "--socket=" + self.db_socket,
                "--pid-file=" + self.path("run", "mariadb.pid"),
                "--log-error=" + self.path("log", "mariadb.err"),
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_bin",
                "--innodb-buffer-pool-size=256M",
                "--innodb-log-file-size=64M",
                "--max-connections=500",
                # no session may set its own clock: audit entries take the
                # server's time (docs/operations.md "MariaDB settings")
                "--secure-timestamp=YES"]
        if self.db_tls:
            args += ["--port=%d" % self.db_tls["port"], "--bind-address=127.0.0.1",
                     "--ssl-ca=" + self.db_tls["ca"], "--ssl-cert=" + self.db_tls["cert"],
                     "--ssl-key=" + self.db_tls["key"]]
        elif self.db_port:
            args += ["--port=%d" % self.db_port, "--bind-address=127.0.0.1"]
        else:
            args.append("--skip-networking")
        if self.db_user:
            args.append("--user=" + self.db_user)
        if self.durable:
            # what a replicated production deployment runs (DESIGN.md)
            # (docs/operations.md "MariaDB settings": ROW, as Galera needs)
            args += ["--innodb-flush-log-at-trx-commit=1",
                     "--log-bin=" + os.path.join(self.binlog_dir or self.path("db"), "binlog"), "--binlog-format=ROW",
                     "--server-id=1", "--sync-binlog=1"]
        else:
            # functional tests may relax durability (STYLE.md L14)
            args += ["--innodb-flush-log-at-trx-commit=0", "--skip-log-bin",
                     "--innodb-doublewrite=0"]
        return args + list(self.db_extra_args)

    def sql(self, query, db="xueji", user="root", password=None):
        """Run SQL as root over the socket; rows as lists of strings."""
        cmd = [which("mariadb"), "--no-defaults", "-S", self.db_socket,
               "-u" + user, "-N", "-B", "--default-character-set=utf8mb4"]
        if password is not None:
            cmd.append("-p" + password)
        if db:
            cmd.append(db)
        r = subprocess.run(cmd + ["-e", query], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("SQL failed: %s" % r.stderr.strip())
        return [line.split("\t") for line in r.stdout.splitlines()]

    def db_alive(self):
        try:
            self.sql("SELECT 1", db=None)
            return True
        except RuntimeError:
            return False

    def start_db(self, extra=(), timeout=120):
        """Start mariadbd (extra: options for this start only, e.g.
        --wsrep-new-cluster) and wait until it answers."""
        if self.db_tls:
            require_free_port(self.db_tls["port"], "MariaDB over TLS", "another run")
        with open(self.path("log", "mariadbd.out"), "a") as out:
            self.db_proc = subprocess.Popen(self.db_args() + list(extra), stdout=out,
                                            stderr=subprocess.STDOUT,
                                            start_new_session=True)
        def ready():
            if self.db_proc.poll() is not None:
                raise RuntimeError("mariadbd exited; see " + self.path("log", "mariadb.err"))
            return os.path.exists(self.db_socket) and self.db_alive()
        wait_for(ready, timeout, "MariaDB")

    def stop_db(self):
        p = self.db_proc
        if p is None:
            pid = self._pidfile("mariadb.pid")
            if pid:
                self._kill_pid(pid, 120)
            return
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(120)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.db_proc = None

    def xuejictl(self, *args):
        r = subprocess.run([self.bin("xuejictl"), "-c", self.conf_file] + list(args),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("xuejictl %s failed: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r.stdout

    def setup_schema(self, demo=True):
        self.sql("CREATE DATABASE IF NOT EXISTS xueji CHARACTER SET utf8mb4 "
                 "COLLATE utf8mb4_bin", db=None)
        self.log(self.xuejictl("migrate").strip())
        self.xuejictl("grant-app")
        if demo:
            self.log(self.xuejictl("seed-demo", "--password", DEMO_PASSWORD).strip())

    # ---- workers --------------------------------------------------------
    def worker_env(self):
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        return env

    def start_worker(self, i):
        sock = self.worker_socket(i)
        # a dead worker's socket file would pass for the new one's
        try:
            os.unlink(sock)
        except FileNotFoundError:
            pass
        out = open(self.path("log", "xuejid-%s.log" % i), "a")
        p = subprocess.Popen([self.bin("xuejid"), "-c", self.worker_conf.get(i, self.conf_file),
                              "--listen", sock, "--threads", str(self.threads)],
                             stdout=out, stderr=out, env=self.worker_env(),
                             start_new_session=True)
        out.close()
        wait_for(lambda: os.path.exists(sock) or p.poll() is not None, 30, "xuejid")
        if p.poll() is not None:
            raise RuntimeError("xuejid exited; see " + self.path("log", "xuejid-%s.log" % i))
        with open(self.path("run", "xuejid-%s.pid" % i), "w") as f:
            f.write(str(p.pid))
        return p

    def start_workers(self):
        self.worker_procs = [self.start_worker(i) for i in self.worker_ids()]

    def stop_workers(self):
        for i, p in enumerate(self.worker_procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.worker_procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if not self.worker_procs:
            for i in self.worker_ids():
                pid = self._pidfile("xuejid-%s.pid" % i)
                if pid:
                    self._kill_pid(pid, 30)
        # a stale pid file could later name an unrelated process
        for i in self.worker_ids():
            try:
                os.unlink(self.path("run", "xuejid-%s.pid" % i))
            except FileNotFoundError:
                pass
        self.worker_procs = []

    # ---- the SMS gateway simulator (tests/smssim/) -------------------------
    @property
    def sms_url(self):
        return "http://127.0.0.1:%d" % self.sms_port

    def start_smssim(self):
        self.sms_credentials()
        require_free_port(self.sms_port, "the SMS simulator", "another run (a free one is picked)")
        self.smssim_proc = subprocess.Popen(
            [sys.executable, os.path.join(self.srcdir, "tests", "smssim", "smssim.py"),
             "--port", str(self.sms_port), "--credentials", self.sms_cred_file,
             "--log", self.path("log", "smssim.log")],
            stdout=subprocess.DEVNULL, stderr=open(self.path("log", "smssim.err"), "a"),
            start_new_session=True)
        with open(self.path("run", "smssim.pid"), "w") as f:
            f.write(str(self.smssim_proc.pid))

        def up():
            if self.smssim_proc.poll() is not None:
                raise RuntimeError("smssim exited; see " + self.path("log", "smssim.err"))
            return owns_listener(self.smssim_proc.pid, self.sms_port)
        wait_for(up, 30, "smssim")

    def stop_smssim(self):
        p = self.smssim_proc
        if p is None:
            pid = self._pidfile("smssim.pid")
            if pid:
                self._kill_pid(pid, 10)
        elif p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.smssim_proc = None
        try:
            os.unlink(self.path("run", "smssim.pid"))
        except FileNotFoundError:
            pass

    # ---- helper processes: one way to start and stop them -----------------
    def _spawn(self, name, argv, env=None):
        """argv in its own session, stdout and stderr to log/NAME.log, its
        pid in run/NAME.pid; the Popen."""
        out = open(self.path("log", name + ".log"), "a")
        proc = subprocess.Popen(argv, stdout=out, stderr=out, env=env, start_new_session=True)
        out.close()
        with open(self.path("run", name + ".pid"), "w") as f:
            f.write(str(proc.pid))
        return proc

    def _halt(self, proc, name, timeout):
        """Stop proc (or, started by another run, the pid in run/NAME.pid):
        SIGTERM, SIGKILL after timeout seconds; the pid file goes."""
        if proc is None:
            pid = self._pidfile(name + ".pid")
            if pid:
                self._kill_pid(pid, timeout)
        elif proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        try:
            os.unlink(self.path("run", name + ".pid"))
        except FileNotFoundError:
            pass

    # ---- the ministry simulator (tests/ministry/) ---------------------------
    def start_ministry(self):
        """tests/ministry/sim.py --conf moe/sim.conf: pulls our outbox
        through nginx every ministry_interval seconds, answers, logs to
        log/ministry.log (made by exchange_keygen, after nginx is up)."""
        self.ministry_proc = self._spawn(
            "ministry", [sys.executable, os.path.join(self.srcdir, "tests", "ministry", "sim.py"),
                         "--conf", os.path.join(self.moe_dir, "sim.conf")])

    def stop_ministry(self):
        # a step is one sqlite transaction per message (README: exactly
        # once), so SIGTERM anywhere loses nothing
        self._halt(self.ministry_proc, "ministry", 10)
        self.ministry_proc = None

    # ---- the jobs runner (src/ctl/jobs.c) ----------------------------------
    def start_jobs(self):
        self.jobs_proc = self._spawn("jobs", [self.bin("xuejictl"), "-c", self.conf_file, "jobs"],
                                     env=self.worker_env())

    def stop_jobs(self):
        self._halt(self.jobs_proc, "jobs", 30)
        self.jobs_proc = None

    # ---- nginx ------------------------------------------------------------
    def write_nginx_conf(self):
        with open(os.path.join(self.srcdir, "nginx", "dev.conf.in")) as f:
            text = f.read()
        # max_fails/fail_timeout as production.conf.template (issue 15 D3)
        socks = self.upstream_sockets or [self.worker_socket(i) for i in self.worker_ids()]
        servers = "".join("        server unix:%s max_fails=3 fail_timeout=10s;\n" % sock
                          for sock in socks)
        # the sign-in pool: its own sockets when set (bench/run --storm),
        # else the same workers
        auth = getattr(self, "auth_sockets", None)
        auth_servers = servers if not auth else "".join(
            "        server unix:%s max_fails=3 fail_timeout=10s;\n" % a for a in auth)
        subst = {
            "@AUTH_UPSTREAM_SERVERS@": auth_servers.rstrip("\n").lstrip(),
            "@PREFIX@": self.path("nginx"),
            "@LOGDIR@": self.path("log"),
            "@RUNDIR@": self.path("run"),
            "@LISTEN@": "127.0.0.1:%d" % self.port,
            "@UPSTREAM_SERVERS@": servers.rstrip("\n").lstrip(),
            "@STATIC_ROOT@": os.path.join(self.srcdir, "www"),
            "@FASTCGI_PARAMS@": os.path.join(self.srcdir, "nginx", "fastcgi_xueji_params"),
            "@NGINX_DIR@": os.path.join(self.srcdir, "nginx"),
            "@USER@": "user root;" if os.geteuid() == 0 else "",
        }
        for k, v in subst.items():
            text = text.replace(k, v)
        path = self.path("etc", "nginx.conf")
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_nginx(self):
        require_free_port(self.port, "nginx", "--port")
        conf = self.write_nginx_conf()
        nginx = which("nginx")
        r = subprocess.run([nginx, "-t", "-q", "-p", self.path("nginx"), "-c", conf],
                           capture_output=True, text=True,
                           env={k: v for k, v in os.environ.items() if k != "NGINX"})
        if r.returncode != 0:
            raise RuntimeError("nginx config test failed: " + r.stderr)
        out = open(self.path("log", "nginx.out"), "a")
        # nginx reads inherited listen sockets from $NGINX (binary
        # upgrade); automake's test environment sets NGINX to the binary
        env = {k: v for k, v in os.environ.items() if k != "NGINX"}
        self.nginx_proc = subprocess.Popen([nginx, "-p", self.path("nginx"), "-c", conf],
                                           stdout=out, stderr=out, env=env,
                                           start_new_session=True)
        out.close()

        def up():
            if self.nginx_proc.poll() is not None:
                raise RuntimeError("nginx exited (%s); see %s" % (
                    self._last_line("nginx-error.log") or self._last_line("nginx.out"),
                    self.path("log", "nginx-error.log")))
            # a connection alone could reach another server on the port
            # (issue 15 D5): nginx's master must hold the listener itself
            return owns_listener(self.nginx_proc.pid, self.port)
        wait_for(up, 30, "nginx to listen on port %d" % self.port)

    def stop_nginx(self):
        p = self.nginx_proc
        if p is None:
            pid = self._pidfile("nginx.pid")
            if pid:
                self._kill_pid(pid, 30, signal.SIGQUIT)
            return
        if p.poll() is None:
            p.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.nginx_proc = None

    # ---- whole stack --------------------------------------------------------
    def up(self, demo=True, db_tls=False):
        self.keygen()
        if self.exchange:
            self.exchange_keygen()
        if db_tls:
            self.db_tls = dict(make_tls_certs(self.path("tls")), port=free_port())
        self.write_conf()
        fresh = not self.db_initialised()
        if fresh:
            self.log("initialising MariaDB datadir in " + self.path("db"))
            self.init_db()
        self.start_db()
        self.setup_schema(demo=demo)
        if db_tls:
            # the workers' user over TCP, then their conf names the TLS address
            self.xuejictl("grant-app", "--host", "127.0.0.1")
            self.db_tls_conf = True
            self.write_conf()
        self.start_workers()
        self.start_smssim()
        if self.run_jobs:
            self.start_jobs()
        self.start_nginx()
        if self.exchange:
            self.start_ministry()

    def down(self):
        errors = []
        for step in (self.stop_ministry, self.stop_nginx, self.stop_jobs, self.stop_smssim, self.stop_workers,
                     self.stop_db):
            try:
                step()
            except Exception as e:  # keep stopping the rest
                errors.append(str(e))
        return errors

    def _last_line(self, name):
        try:
            with open(self.path("log", name), errors="replace") as f:
                lines = [l.strip() for l in f.read().splitlines() if l.strip()]
            return lines[-1][-300:] if lines else ""
        except OSError:
            return ""

    def _pidfile(self, name):
        if not self.adopt_pidfiles:
            return None
        try:
            with open(self.path("run", name)) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    @staticmethod
    def _kill_pid(pid, timeout, sig=signal.SIGTERM):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def log_problems(self):
        """Sanitizer reports, worker errors and nginx alerts in the logs."""
        problems = []
        for name in sorted(os.listdir(self.path("log"))):
            full = self.path("log", name)
            try:
                with open(full, errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            for line in text.splitlines():
                bad = ("AddressSanitizer" in line or "LeakSanitizer" in line
                       or "runtime error:" in line or "UndefinedBehaviorSanitizer" in line)
                if name.startswith("nginx") and ("[alert]" in line or "[emerg]" in line
                                                 or "[crit]" in line):
                    bad = True
                if bad:
                    problems.append("%s: %s" % (name, line[:300]))
        return problems


def cmd_up(args):
    st = Stack(args.dir, args.build, port=args.port, workers=args.workers,
               threads=args.threads, exchange=True)
    st.adopt_pidfiles = False
    stop = {"now": False}

    def on_signal(signum, frame):
        stop["now"] = True
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        # before anything starts: another server on the port is the most
        # common reason a run fails (issue 15 D5)
        require_free_port(args.port, "nginx", "--port")
        st.up(db_tls=args.db_tls)
    except Exception as e:
        print("error: %s" % e, file=sys.stderr)
        st.down()
        return 1
    print("""
Xueji is running.
  URL:        %(url)s/            health: %(url)s/healthz
  API:        %(url)s/api/version
  logs:       %(log)s
  database:   mariadb -S %(sock)s -uroot xueji
  SMS codes:  tail -f %(log)s/smssim.log      (the simulated phones' screen)
  ministry:   tail -f %(log)s/ministry.log    (the simulated ministry's pulls and answers:
              an admitted child's national number; registry %(moe)s/registry.sqlite3)

Demo staff accounts (password for all: %(pw)s):
  ministry       moe.admin, moe.reviewer
  province       bj.admin, bj.reviewer                 (北京市, 110000)
  city           bj.city.admin, bj.city.reviewer       (110100)
  county         110101.admin, 110101.reviewer         (东城区; likewise 110102 ... 110119)
  school clerk   1110100001.clerk                      (first school of 东城区)
  school review  1110100001.reviewer
  (each of the 16 districts has 3 schools: 111DD00001..3, DD = district code digits 5-6)

Press Ctrl-C to stop (or run: python3 scripts/stack.py down --dir %(dir)s).
""" % {"url": st.base_url, "log": st.path("log"), "sock": st.db_socket,
       "pw": DEMO_PASSWORD, "dir": args.dir, "moe": st.moe_dir}, flush=True)
    sup = Supervisor(st)
    try:
        while not stop["now"]:
            time.sleep(0.5)
            problem = sup.check()
            if problem:
                print(problem + "; stopping", file=sys.stderr, flush=True)
                stop["now"] = True
    finally:
        print("stopping ...", flush=True)
        for e in st.down():
            print("while stopping: " + e, file=sys.stderr)
        print("stopped.")
    return 0


class Supervisor:
    """What systemd does for the units in dist/systemd/ (Restart=always,
    StartLimitBurst=5 in StartLimitIntervalSec=10), for the local stack
    (issue 15 D5): a worker or the jobs runner that exits is started again
    and the rest keeps serving, and so is the ministry simulator (it plays
    a remote system: the exchange must survive its restarts); one that
    keeps dying (5 starts in 10 s) or the death of MariaDB, nginx or the
    SMS simulator stops the stack with the reason."""
    BURST, INTERVAL = 5, 10.0

    def __init__(self, st, out=sys.stderr):
        self.st = st
        self.out = out
        self.starts = {}

    def _may_restart(self, name):
        now = time.monotonic()
        recent = [t for t in self.starts.get(name, []) if now - t < self.INTERVAL]
        recent.append(now)
        self.starts[name] = recent
        return len(recent) <= self.BURST

    def _say(self, msg):
        print(msg, file=self.out, flush=True)

    def check(self):
        st = self.st
        for name, p in (("mariadbd", st.db_proc), ("nginx", st.nginx_proc),
                        ("smssim", st.smssim_proc)):
            if p is not None and p.poll() is not None:
                return "%s exited unexpectedly (status %s)" % (name, p.returncode)
        for k, (i, p) in enumerate(zip(st.worker_ids(), st.worker_procs)):
            if p.poll() is None:
                continue
            name = "xuejid-%s" % i
            if not self._may_restart(name):
                return "%s keeps exiting (%d starts in %.0f s); see %s" % (
                    name, self.BURST, self.INTERVAL, st.path("log", name + ".log"))
            self._say("%s (pid %d) exited with status %s; restarting it" % (name, p.pid, p.returncode))
            try:
                st.worker_procs[k] = st.start_worker(i)
                self._say("%s restarted (pid %d)" % (name, st.worker_procs[k].pid))
            except RuntimeError as e:
                self._say("%s did not start: %s" % (name, e))
        p = st.jobs_proc
        if p is not None and p.poll() is not None:
            if not self._may_restart("jobs"):
                return "the jobs runner keeps exiting; see " + st.path("log", "jobs.log")
            self._say("the jobs runner (pid %d) exited with status %s; restarting it"
                      % (p.pid, p.returncode))
            st.start_jobs()
        p = st.ministry_proc
        if p is not None and p.poll() is not None:
            if not self._may_restart("ministry"):
                return "the ministry simulator keeps exiting; see " + st.path("log", "ministry.log")
            self._say("the ministry simulator (pid %d) exited with status %s; restarting it"
                      % (p.pid, p.returncode))
            st.start_ministry()
        return None


def cmd_down(args):
    st = Stack(args.dir, args.build, quiet=True)
    st.nworkers = 64  # stop whatever pid files exist
    for e in st.down():
        print(e, file=sys.stderr)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["up", "down"])
    ap.add_argument("--dir", default=os.path.join(SRCDIR, "var"))
    ap.add_argument("--build", default=os.path.join(SRCDIR, "_build", "default"))
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--db-tls", action="store_true",
                    help="MariaDB also on 127.0.0.1 with TLS (certificates made with openssl "
                         "in DIR/tls); the workers connect there with [db] ssl_ca")
    args = ap.parse_args()
    return cmd_up(args) if args.command == "up" else cmd_down(args)


if __name__ == "__main__":
    sys.exit(main())
