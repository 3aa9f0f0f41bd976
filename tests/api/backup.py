"""Black-box: backup and restore as docs/operations.md "Backup and restore"
tells an operator (issue 15 item 7; usability review 2026-12 Q5: "the repo
has no backup or restore test"). Each backup is restored into a fresh
datadir served by a second MariaDB, then checked: every table holds the
same rows (count and CHECKSUM TABLE), the registration procedures are
there, and `xuejictl audit verify` passes against the restored database
(and fails once a restored audit row is altered: the check can fail).

  - physical: mariadb-backup --backup, --prepare, --copy-back;
  - logical: mariadb-dump --single-transaction --routines --triggers,
    loaded into a freshly initialised server;
  - point in time: the physical backup, then the binary log replayed from
    the backup's position up to just before an "incident".

The tools come from the packages mariadb-backup and mariadb-client
(scripts/install-deps); XJ_MARIADB_TOOLS=DIR names a directory holding them
instead (a `dpkg -x` of those packages, for a machine without them)."""
import os
import shutil
import subprocess
import tempfile

from xjtest import BUILDDIR, SRCDIR, run, test
from stack import Stack, which

SAMPLE = os.path.join(SRCDIR, "data", "orgs-sample.csv")


def tool(name):
    d = os.environ.get("XJ_MARIADB_TOOLS")
    if d and os.access(os.path.join(d, name), os.X_OK):
        return os.path.join(d, name)
    return which(name)


def sh(s, cmd, what, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    s.eq(r.returncode, 0, "%s: %s" % (what, (r.stdout + r.stderr)[-1500:]))
    return r


def ctl(stack, *args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([stack.bin("xuejictl"), "-c", stack.conf_file] + list(args),
                          capture_output=True, text=True, env=e)


def seal(s, stack):
    """Seal every entry now, as the jobs runner does after [audit] seal_after."""
    r = ctl(stack, "jobs", "--once", "audit-seal", env={"XUEJI_AUDIT_SEAL_AFTER": "0"})
    s.eq(r.returncode, 0, r.stdout + r.stderr)


class Restored:
    """A second MariaDB on its own datadir and socket, with the original's
    secrets and a configuration of its own, so xuejictl runs against it."""

    def __init__(self, src):
        self.root = tempfile.mkdtemp(prefix="xj-restore-", dir="/tmp")
        os.rmdir(self.root)
        self.st = Stack(self.root, BUILDDIR, SRCDIR, durable=False, scrypt_log2n=10,
                        scrypt_p=1, quiet=True)
        shutil.rmtree(self.st.path("secrets"))
        shutil.copytree(src.path("secrets"), self.st.path("secrets"))
        self.st.write_conf()

    @property
    def datadir(self):
        return self.st.path("db")

    def start(self):
        self.st.start_db()

    def close(self):
        self.st.stop_db()
        shutil.rmtree(self.root, ignore_errors=True)


def tables(st):
    return [r[0] for r in st.sql("SELECT table_name FROM information_schema.tables"
                                 " WHERE table_schema = 'xueji' AND table_type = 'BASE TABLE'"
                                 " ORDER BY table_name")]


def snapshot(st):
    """{table: (rows, checksum)} and the schema's procedures. The checksum
    is an order-free XOR of each row's CRC32 over every column's hex
    value: CHECKSUM TABLE is not stable for a table with a PERSISTENT
    generated column over a NULL (calendar_day: two values for the same
    rows in one server)."""
    names = tables(st)
    cols = {}
    for t, c in st.sql("SELECT table_name, column_name FROM information_schema.columns"
                       " WHERE table_schema = 'xueji' ORDER BY table_name, ordinal_position"):
        cols.setdefault(t, []).append(c)
    out = {}
    for t in names:
        expr = "CONCAT_WS(',', %s)" % ", ".join("IFNULL(HEX(`%s`), 'N')" % c for c in cols[t])
        n, crc = st.sql("SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(%s)), 0) FROM `%s`"
                        % (expr, t))[0]
        out[t] = (n, crc)
    procs = [r[0] for r in st.sql("SELECT routine_name FROM information_schema.routines"
                                  " WHERE routine_schema = 'xueji' ORDER BY routine_name")]
    return out, procs


def same_data(s, want, got):
    (wt, wp), (gt, gp) = want, got
    s.eq(sorted(gt), sorted(wt), "the same tables")
    diff = ["%s: %s != %s" % (t, gt.get(t), wt[t]) for t in sorted(wt) if gt.get(t) != wt[t]]
    s.eq(diff, [], "every table: same row count and checksum")
    s.ok("xj_reg_create" in gp and "xj_reg_erase" in gp, "the procedures: %r" % (gp,))
    s.eq(gp, wp)
    s.ok(int(wt["audit_log"][0]) > 0 and int(wt["org"][0]) > 0, "there was data: %r" % (wt,))


def audit_verifies(s, r):
    """audit verify against the restored database passes, and fails once an
    audit row is altered there (the check is not vacuous)."""
    v = ctl(r.st, "audit", "verify")
    s.eq(v.returncode, 0, "audit verify on the restored copy: " + v.stdout + v.stderr)
    s.ok("audit verify: ok" in v.stdout and " 0 entries sealed" not in v.stdout, v.stdout)
    r.st.sql("UPDATE audit_log SET target_id = 'tampered' WHERE id = (SELECT MIN(id) FROM"
             " (SELECT id FROM audit_log) a)")
    v = ctl(r.st, "audit", "verify")
    s.eq(v.returncode, 1, "an altered restored row is found: " + v.stdout + v.stderr)


def quiet(s):
    """Nothing writes while a test compares: the jobs runner stopped, the
    audit trail sealed first (the restored copy must verify sealed entries)."""
    s.stack.stop_jobs()
    seal(s, s.stack)


def physical_backup(s, target):
    src = s.stack
    sh(s, [tool("mariadb-backup"), "--no-defaults", "--backup", "--user=root",
           "--socket=" + src.db_socket, "--datadir=" + src.path("db"),
           "--target-dir=" + target], "mariadb-backup --backup")


def restore_physical(s, target, r):
    sh(s, [tool("mariadb-backup"), "--no-defaults", "--prepare", "--target-dir=" + target],
       "mariadb-backup --prepare")
    sh(s, [tool("mariadb-backup"), "--no-defaults", "--copy-back", "--target-dir=" + target,
           "--datadir=" + r.datadir], "mariadb-backup --copy-back")
    r.start()


@test("issue 15 item 7: a mariadb-backup full backup, prepared and copied back into a fresh datadir, has every row and a verifying audit chain")
def _(s):
    quiet(s)
    want = snapshot(s.stack)
    work = tempfile.mkdtemp(prefix="xj-bk-", dir="/tmp")
    r = Restored(s.stack)
    try:
        physical_backup(s, os.path.join(work, "full"))
        s.eq(snapshot(s.stack), want, "nothing changed during the backup")
        restore_physical(s, os.path.join(work, "full"), r)
        same_data(s, want, snapshot(r.st))
        audit_verifies(s, r)
    finally:
        r.close()
        shutil.rmtree(work, ignore_errors=True)


@test("issue 15 item 7: a logical dump with routines and triggers, loaded into a fresh server, has every row, the procedures and a verifying audit chain")
def _(s):
    quiet(s)
    want = snapshot(s.stack)
    work = tempfile.mkdtemp(prefix="xj-dump-", dir="/tmp")
    dump = os.path.join(work, "xueji.sql")
    r = Restored(s.stack)
    try:
        with open(dump, "w") as out:
            p = subprocess.run([tool("mariadb-dump"), "--no-defaults", "-uroot",
                                "--socket=" + s.stack.db_socket, "--single-transaction",
                                "--hex-blob", "--default-character-set=utf8mb4", "--routines",
                                "--triggers", "--databases", "xueji"],
                               stdout=out, stderr=subprocess.PIPE, text=True)
        s.eq(p.returncode, 0, "mariadb-dump: " + p.stderr)
        r.st.init_db()
        r.start()
        with open(dump) as f:
            sh(s, [which("mariadb"), "--no-defaults", "-uroot", "--socket=" + r.st.db_socket,
                   "--default-character-set=utf8mb4"], "load the dump", stdin=f)
        same_data(s, want, snapshot(r.st))
        audit_verifies(s, r)
    finally:
        r.close()
        shutil.rmtree(work, ignore_errors=True)


def binlog_position(st):
    row = st.sql("SHOW MASTER STATUS", db=None)
    return row[0][0], int(row[0][1])


def backup_position(target):
    for name in ("mariadb_backup_binlog_info", "xtrabackup_binlog_info"):
        p = os.path.join(target, name)
        if os.path.exists(p):
            with open(p) as f:
                fields = f.read().split()
            return fields[0], int(fields[1])
    raise AssertionError("the backup recorded no binary log position")


@test("issue 15 item 7: point-in-time recovery: the full backup plus the binary log up to just before an incident")
def _(s):
    src = s.stack
    # production runs with the binary log (docs/operations.md "MariaDB
    # settings"); the functional stack does not: restart with it
    quiet(s)
    src.stop_db()
    src.durable = True
    src.start_db()
    work = tempfile.mkdtemp(prefix="xj-pitr-", dir="/tmp")
    r = Restored(src)
    try:
        physical_backup(s, os.path.join(work, "full"))
        start_file, start_pos = backup_position(os.path.join(work, "full"))
        # work after the backup: the school list of Tianjin, audited and sealed
        out = ctl(src, "org", "import", SAMPLE)
        s.eq(out.returncode, 0, out.stdout + out.stderr)
        seal(s, src)
        want = snapshot(src)
        stop_file, stop_pos = binlog_position(src)
        # the incident: a school renamed by hand, by mistake
        src.sql("UPDATE org SET name = 'incident' WHERE kind = 'school' AND code = '1120100001'")
        restore_physical(s, os.path.join(work, "full"), r)
        s.eq(r.st.sql("SELECT COUNT(*) FROM org WHERE code = '1120100001'")[0][0], "0",
             "the backup itself predates the import")
        # production's setting (docs/operations.md "MariaDB settings"): the
        # row events of the application's writes replay under it
        s.eq(r.st.sql("SELECT @@secure_timestamp", db=None)[0][0], "YES")
        logs = sorted(f for f in os.listdir(src.path("db"))
                      if f.startswith("binlog.") and f[7:].isdigit()
                      and start_file <= f <= stop_file)
        s.ok(logs and logs[0] == start_file, "binary logs %r from %s" % (logs, start_file))
        replay = subprocess.Popen([tool("mariadb-binlog"), "--no-defaults",
                                   "--start-position=%d" % start_pos,
                                   "--stop-position=%d" % stop_pos]
                                  + [src.path("db", f) for f in logs],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        load = subprocess.run([which("mariadb"), "--no-defaults", "-uroot",
                               "--socket=" + r.st.db_socket], stdin=replay.stdout,
                              capture_output=True, text=True)
        replay.stdout.close()
        err = replay.stderr.read().decode(errors="replace")
        s.eq((replay.wait(), load.returncode), (0, 0), "replay: " + err + load.stderr)
        same_data(s, want, snapshot(r.st))
        s.eq(r.st.sql("SELECT name FROM org WHERE code = '1120100001'")[0][0],
             "天津市和平区第一实验小学", "the import is back, the incident is not")
        audit_verifies(s, r)
    finally:
        r.close()
        shutil.rmtree(work, ignore_errors=True)


run()
