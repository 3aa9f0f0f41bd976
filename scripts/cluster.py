#!/usr/bin/env python3
"""cluster.py -- a 3-node MariaDB Galera cluster with two worker hosts and
nginx in front, on loopback (issue 15 "Galera, on this machine";
docs/operations.md "Galera").

Built from scripts/stack.py's pieces, nothing copied:
  - node1..node3: each a Stack used for its MariaDB alone (own datadir,
    socket, SQL port, Galera ports), with the wsrep options; node1
    bootstraps (--wsrep-new-cluster), node2 and node3 join by SST
    (wsrep_sst_method=rsync) and, after a crash, by IST;
  - host a, host b: the "worker hosts", each a Stack whose xuejid
    processes have their own configuration and socket; by default host a's
    workers talk to node1, host b's to node2 and node3 (one each), and to
    the next node of their list ([db] socket) when theirs fails;
  - the front: a Stack holding the secrets every host shares, the SMS
    simulator, the jobs runner and nginx whose upstream lists every
    worker of both hosts with the production template's max_fails and
    FastCGI failover directives (nginx/dev.conf.in, issue 15 D3). Its
    `sql()` and its configuration (jobs runner, xuejictl) go to node3.

    cluster up     [--dir DIR] [--port 8090] [--build BUILDDIR]   # foreground until Ctrl-C
    cluster down   [--dir DIR]
    cluster status [--dir DIR]                                   # wsrep state of each node

Network namespaces are not used: the workers reach nginx and MariaDB over
unix sockets, which a network namespace does not separate, so a namespace
would change nothing but the appearance; a "host" here is its own
directory, configuration, sockets and process group, and killing one is
killing every process of it.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from stack import Stack, SRCDIR, free_port, wait_for  # noqa: E402

GALERA_PROVIDER = "/usr/lib/galera/libgalera_smm.so"
NODES = 3
# worker host -> the node each of its workers talks to (1-based)
DEFAULT_HOSTS = {"a": [1, 1], "b": [2, 3]}


# docs/operations.md "Galera": a family's requests go to one worker host
# (so through one node) by a consistent hash of its session cookie
FAMILY_HASH = r"""    map $http_cookie $xj_family {
        "~(?:^|;\s*)__Host-xj_parent=(?<xj_f>[^;]+)"  $xj_f;
        default                                       "";
    }
"""


class _FamilyEntry(Stack):
    """nginx over every worker, choosing the worker by the family."""

    def write_nginx_conf(self):
        path = super().write_nginx_conf()
        with open(path) as f:
            text = f.read()
        marker = "    upstream xueji {\n"
        assert marker in text
        text = text.replace(marker, FAMILY_HASH + marker + "        hash $xj_family consistent;\n", 1)
        with open(path, "w") as f:
            f.write(text)
        return path


class Cluster:
    def __init__(self, root, builddir, srcdir=SRCDIR, port=0, hosts=None, threads=4,
                 durable=False, scrypt_log2n=14, scrypt_p=5, quiet=False, jobs=True,
                 extra_conf=None):
        self.root = os.path.abspath(root)
        os.makedirs(self.root, exist_ok=True)
        self.builddir = builddir
        self.entries = {}
        self.quiet = quiet
        state = self._load_state()
        # a cluster made before keeps its layout and ports (down, status)
        self.hosts_layout = dict(hosts or state.get("hosts") or DEFAULT_HOSTS)
        kw = dict(srcdir=srcdir, durable=durable, scrypt_log2n=scrypt_log2n,
                  scrypt_p=scrypt_p, quiet=True)
        self.kw = kw
        self.nodes = []
        for n in range(1, NODES + 1):
            ports = state.get("node%d" % n) or {k: free_port() for k in ("sql", "gcomm", "ist", "sst")}
            node = Stack(self.path("node%d" % n), builddir, db_port=ports["sql"], **kw)
            node.galera = ports
            if os.geteuid() == 0:
                node.db_user = "mysql"       # see Stack.db_user
            self.nodes.append(node)
        gcomm = ",".join("127.0.0.1:%d" % nd.galera["gcomm"] for nd in self.nodes)
        for n, node in enumerate(self.nodes, 1):
            g = node.galera
            node.db_extra_args = [
                "--wsrep-on=ON", "--wsrep-provider=" + GALERA_PROVIDER,
                "--wsrep-cluster-name=xueji", "--wsrep-node-name=node%d" % n,
                "--wsrep-cluster-address=gcomm://" + gcomm,
                "--wsrep-node-address=127.0.0.1:%d" % g["gcomm"],
                "--wsrep-node-incoming-address=127.0.0.1:%d" % g["sql"],
                "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:%d;"
                "ist.recv_addr=127.0.0.1:%d;gcache.size=256M;pc.wait_prim_timeout=PT60S"
                % (g["gcomm"], g["ist"]),
                "--wsrep-sst-method=rsync",
                "--wsrep-sst-receive-address=127.0.0.1:%d" % g["sst"],
                "--wsrep-slave-threads=4",
                # Galera's requirements (docs/operations.md "Galera")
                "--binlog-format=ROW", "--innodb-autoinc-lock-mode=2",
                "--default-storage-engine=InnoDB"]
        self.front = Stack(self.path("front"), builddir, port=port or state.get("port", 0),
                           threads=threads, jobs=jobs, **kw)
        self.front.db_socket_path = self.nodes[2].db_socket
        self.front.extra_conf = dict(extra_conf or {})
        self.hosts = {}
        for name, nodes in self.hosts_layout.items():
            h = Stack(self.path("host-" + name), builddir, threads=threads, **kw)
            h.worker_names = ["%s%d" % (name, i) for i in range(len(nodes))]
            h.node_of = {w: nodes[i] for i, w in enumerate(h.worker_names)}
            h.extra_conf = self.front.extra_conf
            self.hosts[name] = h
        self.front.upstream_sockets = self.worker_sockets()
        self._save_state()

    # ---- bookkeeping ---------------------------------------------------
    def path(self, *p):
        return os.path.join(self.root, *p)

    def log(self, msg):
        if not self.quiet:
            print(msg, flush=True)

    def _load_state(self):
        try:
            with open(self.path("cluster.json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def _save_state(self):
        state = {"node%d" % (i + 1): nd.galera for i, nd in enumerate(self.nodes)}
        state["port"] = self.front.port
        state["hosts"] = self.hosts_layout
        with open(self.path("cluster.json"), "w") as f:
            json.dump(state, f)

    def worker_sockets(self, node=None):
        """Every worker's socket (of the workers talking to `node`)."""
        return [h.worker_socket(w) for h in self.hosts.values() for w in h.worker_names
                if node is None or h.node_of[w] == node]

    @property
    def base_url(self):
        return self.front.base_url

    # ---- Galera nodes ------------------------------------------------------
    def wsrep(self, n):
        """{name: value} of node n's wsrep_% status (empty when down)."""
        try:
            rows = self.nodes[n - 1].sql("SHOW GLOBAL STATUS LIKE 'wsrep_%'", db=None)
        except RuntimeError:
            return {}
        return {r[0]: r[1] if len(r) > 1 else "" for r in rows}

    def synced(self, n):
        w = self.wsrep(n)
        return w.get("wsrep_local_state_comment") == "Synced" and w.get("wsrep_ready") == "ON"

    def wait_synced(self, n, timeout=120):
        wait_for(lambda: self.synced(n), timeout, "node%d Synced" % n)

    def recover_position(self, n):
        """What galera_recovery does: after a crash grastate.dat says seqno
        -1; mariadbd --wsrep-recover reads the last committed position
        from InnoDB, and the node restarts from there (then IST fills the
        rest from a donor's gcache)."""
        node = self.nodes[n - 1]
        log = node.path("log", "wsrep-recover.err")
        try:
            os.unlink(log)
        except FileNotFoundError:
            pass
        args = [a for a in node.db_args() if not a.startswith("--log-error=")]
        subprocess.run(args + ["--wsrep-recover", "--log-error=" + log],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        with open(log, errors="replace") as f:
            m = re.findall(r"WSREP: Recovered position: (\S+:-?\d+)", f.read())
        return m[-1] if m else None

    def grastate(self, n):
        try:
            with open(self.nodes[n - 1].path("db", "grastate.dat")) as f:
                return dict(re.findall(r"^(\w+):\s*(\S*)", f.read(), re.M))
        except OSError:
            return {}

    def start_node(self, n, bootstrap=False):
        node = self.nodes[n - 1]
        if node.db_user and node.db_user != "root":
            subprocess.run(["chown", "-R", node.db_user, node.path("db"), node.path("run"),
                            node.path("log")], check=True)
        extra = []
        if bootstrap:
            extra.append("--wsrep-new-cluster")
        if node.db_initialised() and self.grastate(n).get("seqno") == "-1":
            pos = self.recover_position(n)
            if pos:
                extra.append("--wsrep-start-position=" + pos)
        # a joiner answers only after its state transfer
        node.start_db(extra=extra, timeout=180)
        self.wait_synced(n)

    def kill_node(self, n, sig=signal.SIGKILL):
        node = self.nodes[n - 1]
        if node.db_proc is not None and node.db_proc.poll() is None:
            node.db_proc.send_signal(sig)
            node.db_proc.wait(120)
        node.db_proc = None

    # ---- worker hosts --------------------------------------------------------
    def start_host(self, name):
        h = self.hosts[name]
        # a host that died left its sockets behind, nothing listening
        for w in h.worker_names:
            for f in (h.worker_socket(w), h.path("run", "xuejid-%s.pid" % w)):
                try:
                    os.unlink(f)
                except FileNotFoundError:
                    pass
        # every host holds the same key files (docs/operations.md "Galera")
        shutil.copytree(self.front.path("secrets"), h.path("secrets"), dirs_exist_ok=True)
        for w in h.worker_names:
            conf = h.path("etc", "xueji-%s.conf" % w)
            # its own node first, then the others: a worker whose node
            # fails connects to the next ([db] socket, a list)
            own = h.node_of[w]
            order = [own] + [n for n in range(own + 1, NODES + 1)] + list(range(1, own))
            h.write_conf(path=conf, db_socket=",".join(self.nodes[n - 1].db_socket
                                                         for n in order))
            h.worker_conf[w] = conf
        h.start_workers()

    def kill_host(self, name, sig=signal.SIGKILL):
        """Every process of the host at once (a host lost, not a stop)."""
        h = self.hosts[name]
        for p in h.worker_procs:
            if p.poll() is None:
                p.send_signal(sig)
        for p in h.worker_procs:
            p.wait(30)
        h.worker_procs = []

    # ---- one entry point per node ----------------------------------------------
    def start_entries(self):
        """One more nginx per node, in front of the workers that talk to
        that node only: what a load balancer routing each district to one
        node reaches (bench/cluster; tests that must write through a given
        node). entry(n).base_url, entry(n).port."""
        for n in range(1, NODES + 1):
            if n in self.entries:
                continue
            e = Stack(self.path("entry%d" % n), self.builddir, **self.kw)
            e.upstream_sockets = self.worker_sockets(node=n)
            e.start_nginx()
            self.entries[n] = e

    def entry(self, n):
        return self.entries[n]

    def start_family_entry(self):
        """One more nginx over every worker, choosing a family's worker
        host by its session cookie (FAMILY_HASH): entry("family")."""
        if "family" not in self.entries:
            e = _FamilyEntry(self.path("entry-family"), self.builddir, **self.kw)
            e.upstream_sockets = self.worker_sockets()
            e.start_nginx()
            self.entries["family"] = e

    # ---- whole cluster ---------------------------------------------------------
    def up(self, template=None, demo=True):
        """template: a migrated, seeded datadir with its secrets (as
        tests/api/xjtest.py makes once per build) for node1; else node1
        is initialised and the schema migrated through the cluster."""
        fresh = not self.nodes[0].db_initialised()
        if fresh and template:
            shutil.copytree(os.path.join(template, "db"), self.nodes[0].path("db"),
                            symlinks=True, dirs_exist_ok=True)
            shutil.copytree(os.path.join(template, "secrets"), self.front.path("secrets"),
                            dirs_exist_ok=True)
        self.front.keygen()
        if fresh and not template:
            self.log("initialising node1's datadir")
            self.nodes[0].init_db()
        first = self.bootstrap_node()
        self.log("node%d bootstrapped the cluster" % first)
        for n in range(1, NODES + 1):
            if n != first:
                self.start_node(n)
                self.log("node%d joined (%s)" % (n, "SST" if fresh else "IST or none"))
        self.front.write_conf()
        if fresh and not template:
            self.front.setup_schema(demo=demo)
        for name in self.hosts:
            self.start_host(name)
        self.front.start_smssim()
        if self.front.run_jobs:
            self.front.start_jobs()
        self.front.start_nginx()

    def bootstrap_node(self):
        """The node that may start a new cluster: the one whose grastate
        says safe_to_bootstrap (the last one stopped), else the most
        advanced; node1 for a fresh cluster."""
        best, best_seq = 1, None
        for n in range(1, NODES + 1):
            g = self.grastate(n)
            if g.get("safe_to_bootstrap") == "1":
                best = n
                break
            seq = int(g.get("seqno", "-1") or -1)
            if best_seq is None or seq > best_seq:
                best, best_seq = n, seq
        if self.nodes[best - 1].db_initialised():
            gs = self.nodes[best - 1].path("db", "grastate.dat")
            if os.path.exists(gs):
                with open(gs) as f:
                    text = f.read()
                with open(gs, "w") as f:
                    f.write(re.sub(r"safe_to_bootstrap:\s*0", "safe_to_bootstrap: 1", text))
        self.start_node(best, bootstrap=True)
        return best

    def down(self):
        errors = []
        steps = [e.stop_nginx for e in self.entries.values()]
        steps += [self.front.stop_nginx, self.front.stop_jobs, self.front.stop_smssim]
        steps += [h.stop_workers for h in self.hosts.values()]
        # node1 last: its grastate then says safe_to_bootstrap
        steps += [nd.stop_db for nd in reversed(self.nodes)]
        for step in steps:
            try:
                step()
            except Exception as e:
                errors.append(str(e))
        return errors

    def log_problems(self):
        out = []
        for st in [self.front] + list(self.hosts.values()) + list(self.entries.values()):
            out += st.log_problems()
        return out

    def status(self):
        lines = []
        for n in range(1, NODES + 1):
            w = self.wsrep(n)
            if not w:
                lines.append("node%d: down" % n)
                continue
            lines.append("node%d: %s, cluster size %s, last committed %s, cert failures %s"
                         % (n, w.get("wsrep_local_state_comment"), w.get("wsrep_cluster_size"),
                            w.get("wsrep_last_committed"), w.get("wsrep_local_cert_failures")))
        for name, h in self.hosts.items():
            alive = []
            for w in h.worker_names:
                pid = h._pidfile("xuejid-%s.pid" % w)
                ok = False
                if pid:
                    try:
                        os.kill(pid, 0)
                        ok = True
                    except OSError:
                        pass
                alive.append("%s->node%d %s" % (w, h.node_of[w], "up" if ok else "down"))
            lines.append("host %s: %s" % (name, ", ".join(alive)))
        return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["up", "down", "status"])
    ap.add_argument("--dir", default=os.path.join(SRCDIR, "var", "cluster"))
    ap.add_argument("--build", default=os.path.join(SRCDIR, "_build", "default"))
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    if args.command == "status":
        for line in Cluster(args.dir, args.build, quiet=True).status():
            print(line)
        return 0
    if args.command == "down":
        # the foreground `up` stops on SIGTERM; this stops what pid files name
        c = Cluster(args.dir, args.build, quiet=True)
        for st in [c.front] + list(c.hosts.values()) + list(reversed(c.nodes)):
            for e in st.down():
                print(e, file=sys.stderr)
        return 0
    c = Cluster(args.dir, args.build, port=args.port, threads=args.threads)
    stop = {"now": False}
    signal.signal(signal.SIGINT, lambda *a: stop.update(now=True))
    signal.signal(signal.SIGTERM, lambda *a: stop.update(now=True))
    try:
        c.up()
    except Exception as e:
        print("error: %s" % e, file=sys.stderr)
        c.down()
        return 1
    print("\nXueji on a 3-node Galera cluster: %s/  (demo password %s)" % (
        c.base_url, "xueji-demo"))
    for line in c.status():
        print("  " + line)
    print("Ctrl-C stops it (or: scripts/cluster down --dir %s)" % args.dir, flush=True)
    try:
        while not stop["now"]:
            time.sleep(0.5)
    finally:
        print("stopping ...", flush=True)
        for e in c.down():
            print("while stopping: " + e, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
