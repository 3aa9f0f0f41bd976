"""xjpair.py -- two Xueji deployments and the ministry simulator between
them (issue 13 item 8; tests/ministry/README.md), on the xjtest harness.

run() brings up two private stacks, each its own MariaDB, workers, nginx
and jobs runner, under one directory:

  A  the demo province, Beijing: [exchange] org_code 110000
  B  another province, Tianjin: org_code 120000, its schools loaded with
     `xuejictl org import data/orgs-sample.csv` as an operator would

Each deployment has its own exchange key pair (`xuejictl exchange-keygen`)
and knows only the ministry's public key; the ministry
(tests/ministry/sim.py) knows both deployments' public keys. The tests
get one Session per deployment (s.a, s.b; s itself is A) and s.moe, the
Ministry, whose step() polls both outboxes once and delivers its answers.

Through xjtest.run_on: both stacks are stopped at the end, their logs
checked for sanitizer reports, and kept on failure ("# stack kept in ...":
the pair's directory, with a/ and b/ and the ministry's registry in moe/).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import xchange
import xjtest
from xjtest import BUILDDIR, SRCDIR, Session
from stack import Stack

sys.path.insert(0, os.path.join(SRCDIR, "tests", "ministry"))
import sim  # noqa: E402

A_ORG, B_ORG = "110000", "120000"
# an outbox message passed without an acknowledgement is offered again
# after this many seconds (the redelivery test waits it out)
DEADLINE = 3
TIANJIN = os.path.join(SRCDIR, "data", "orgs-sample.csv")


def _conf(org, keydir):
    return {"exchange": {"org_code": org,
                         "signing_key_file": os.path.join(keydir, "own.key"),
                         "signing_key_id": org + "-1",
                         "peer_keys_file": os.path.join(keydir, "peers"),
                         "outbox_deadline": DEADLINE,
                         "batch_records": 50,
                         "message_limit": 8 << 20,
                         "outbox_page_bytes": 1 << 20},
            "server": {"body_limit": 9 << 20, "arena_size": 16 << 20}}


def _stack(root, conf):
    """A stack rooted at root on a copy of the test template, not started
    (xjtest.make_stack's steps with the root chosen: both stacks of the
    pair live under the pair's directory)."""
    tpl = xjtest._template(BUILDDIR)
    os.makedirs(root)
    shutil.copytree(os.path.join(tpl, "db"), os.path.join(root, "db"), symlinks=True)
    shutil.copytree(os.path.join(tpl, "secrets"), os.path.join(root, "secrets"))
    st = Stack(root, BUILDDIR, SRCDIR, workers=2, threads=4, durable=False, scrypt_log2n=10,
               scrypt_p=1, quiet=True)
    st.extra_conf = {"sms": {"connect_timeout_ms": 1000, "timeout_ms": 2000,
                             "backoff_base": 1, "backoff_max": 4,
                             "addr_hourly": 1000000, "phone_interval": 0},
                     "security": {"signin_slots": 1000}}
    for section, keys in conf.items():
        st.extra_conf.setdefault(section, {}).update(keys)
    st.write_conf()
    return st


class Pair:
    """What run_on stops: both stacks (down, log_problems) and the
    directory that holds them (root)."""

    def __init__(self, root):
        self.root = root
        self.stacks = []

    def down(self):
        errs = []
        for name, st in self.stacks:
            errs += ["%s: %s" % (name, e) for e in st.down()]
        return errs

    def log_problems(self):
        return ["%s/%s" % (name, p) for name, st in self.stacks for p in st.log_problems()]


def schools(st):
    return {r[0]: r[1] for r in st.sql("SELECT code, name FROM org WHERE kind = 'school'")}


def up(root, pair):
    """Both deployments and the ministry's keys under root, started: the
    stacks are appended to pair as they exist (so a failure half way
    stops what runs). (sessions {"a", "b"}, [sim.Deployment], MOE key)."""
    moe_dir = os.path.join(root, "moe")
    os.makedirs(moe_dir)
    moe = xchange.Key(moe_dir, "MOE-1", "MOE")
    sessions, deps = {}, []
    for name, org in (("a", A_ORG), ("b", B_ORG)):
        keydir = os.path.join(root, name + "-keys")
        os.makedirs(keydir)
        subprocess.run([os.path.join(BUILDDIR, "xuejictl"), "exchange-keygen",
                        os.path.join(keydir, "own.key"), os.path.join(keydir, "own.pem")],
                       check=True, capture_output=True)
        xchange.peers_file(os.path.join(keydir, "peers"), [moe])
        st = _stack(os.path.join(root, name), _conf(org, keydir))
        pair.stacks.append((name, st))
        st.start_db()
        if name == "b":
            st.xuejictl("org", "import", TIANJIN)
        st.start_workers()
        st.start_smssim()
        st.start_jobs()
        st.start_nginx()
        s = Session(st)
        s.org = org
        sessions[name] = s
        deps.append(sim.Deployment(org, "127.0.0.1", st.port, os.path.join(keydir, "own.pem"),
                                   schools(st)))
    return sessions, deps, moe


def run(allow_log=()):
    def start(made):
        root = tempfile.mkdtemp(prefix="xj-pair-", dir="/tmp")
        pair = Pair(root)
        made.append(pair)
        sessions, deps, moe = up(root, pair)
        s = sessions["a"]
        s.a, s.b = sessions["a"], sessions["b"]
        s.moe_dir, s.moe_key, s.moe_deps = os.path.join(root, "moe"), moe, deps
        s.moe = sim.Ministry(s.moe_dir, moe, deps)
        for x in (s.a, s.b):
            x.a, x.b, x.moe = s.a, s.b, s.moe
        return s
    xjtest.run_on(start, allow_log)


def restart_ministry(s):
    """The ministry process started again on its directory (a crash: the
    registry is what survives)."""
    s.moe.db.close()
    s.moe = sim.Ministry(s.moe_dir, s.moe_key, s.moe_deps)
    s.a.moe = s.b.moe = s.moe
    return s.moe
