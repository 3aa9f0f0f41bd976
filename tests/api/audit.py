"""Black-box: the tamper-evident audit trail (R-ADM-3, review M7,
docs/security.md "Audit trail"). The sealer (`xuejictl jobs --once
audit-seal`) chains entries under signed heads; `xuejictl audit verify`
checks them. Rows are edited, deleted and inserted directly in MariaDB as
root, and verify must name the entry each time; every test puts the row
back and verify is clean again, so the tests run in any order."""
import os
import subprocess
import threading
import time

from xjtest import test, run
from parent import new_child, reg_body, signed_up


def ctl(s, *args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file] + list(args),
                          capture_output=True, text=True, env=e)


def app_sql(s, query):
    with open(s.stack.path("secrets", "db_app.pw")) as f:
        pw = f.read().strip()
    return s.stack.sql(query, user="xueji_app", password=pw)


def seal(s, after=0):
    """Seal everything older than `after` seconds, as the jobs runner does."""
    for _ in range(3):  # the stack's own runner may have sealed one batch meanwhile
        r = ctl(s, "jobs", "--once", "audit-seal", env={"XUEJI_AUDIT_SEAL_AFTER": str(after)})
        s.eq(r.returncode, 0, r.stdout + r.stderr)
    return r


def verify(s, *args):
    return ctl(s, "audit", "verify", *args)


def verified(s):
    r = verify(s)
    s.eq(r.returncode, 0, r.stdout + r.stderr)
    s.ok("audit verify: ok:" in r.stdout, r.stdout)
    return r


def failed_at(s, entry, reason):
    r = verify(s)
    s.ok(r.returncode == 1, "verify must fail: %s" % r.stdout)
    s.ok("FAILED at entry %d:" % entry in r.stdout and reason in r.stdout,
         "names entry %d (%s): %s" % (entry, reason, r.stdout))


def entries(s, n, tag):
    """n new audit entries written as the application user; their ids."""
    for i in range(n):
        app_sql(s, "INSERT INTO audit_log (request_id, actor_type, action, target_type,"
                   " target_id) VALUES ('%s', 'system', 'test.%s', 'test', '%d')" % (tag, tag, i))
    return [int(r[0]) for r in s.sql("SELECT id FROM audit_log WHERE request_id = '%s'"
                                     " ORDER BY id" % tag)]


def sealed_ids(s):
    return {int(r[0]) for r in s.sql("SELECT audit_id FROM audit_chain")}


@test("M7: a sealed log verifies clean, every head signed, entries chained in id order")
def _(s):
    ids = entries(s, 5, "clean")
    seal(s)
    s.ok(set(ids) <= sealed_ids(s), "the new entries are sealed")
    heads = s.sql("SELECT id, LENGTH(signature), key_id FROM audit_seal ORDER BY id")
    s.ok(heads and all(h[1] == "64" and len(h[2]) == 16 for h in heads), heads)
    s.eq([h[0] for h in heads], [str(i) for i in range(1, len(heads) + 1)], "heads 1..n")
    r = verified(s)
    s.ok("0 entries not sealed yet" in r.stdout, r.stdout)


@test("M7: verify names an entry edited directly in MariaDB")
def _(s):
    ids = entries(s, 3, "edit")
    seal(s)
    victim = ids[1]
    for col, forged in (("target_id", "'forged'"), ("at", "'2020-01-01 00:00:00'"),
                        ("actor_id", "42"), ("after_digest", "REPEAT('x', 32)")):
        old = s.sql("SELECT HEX(%s) FROM audit_log WHERE id = %d" % (col, victim))[0][0]
        s.sql("UPDATE audit_log SET %s = %s WHERE id = %d" % (col, forged, victim))
        try:
            failed_at(s, victim, "altered")
        finally:
            s.sql("UPDATE audit_log SET %s = %s WHERE id = %d"
                  % (col, "NULL" if old == "NULL" else
                     ("CAST(UNHEX('%s') AS CHAR)" % old if col != "after_digest"
                      else "UNHEX('%s')" % old), victim))
        verified(s)


@test("M7: verify names an entry deleted directly in MariaDB")
def _(s):
    ids = entries(s, 3, "delete")
    seal(s)
    victim = ids[1]
    s.sql("CREATE TABLE audit_keep AS SELECT * FROM audit_log WHERE id = %d" % victim)
    try:
        s.sql("DELETE FROM audit_log WHERE id = %d" % victim)
        failed_at(s, victim, "removed")
        # with its chain row too: the next entry no longer follows
        s.sql("CREATE TABLE chain_keep AS SELECT * FROM audit_chain WHERE audit_id = %d" % victim)
        s.sql("DELETE FROM audit_chain WHERE audit_id = %d" % victim)
        failed_at(s, ids[2], "altered")
        s.sql("INSERT INTO audit_chain SELECT * FROM chain_keep")
    finally:
        s.sql("INSERT IGNORE INTO audit_log SELECT * FROM audit_keep")
        s.sql("DROP TABLE IF EXISTS audit_keep, chain_keep")
    verified(s)


@test("M7: verify names an entry inserted directly in MariaDB below a sealed head")
def _(s):
    # an id that never committed (a rolled-back transaction leaves one)
    gap = int(s.sql("INSERT INTO audit_log (request_id, actor_type, action, target_type,"
                    " target_id) VALUES ('gap', 'system', 'test.gap', 'test', '0');"
                    " SELECT LAST_INSERT_ID()")[0][0])
    s.sql("DELETE FROM audit_log WHERE id = %d" % gap)
    ids = entries(s, 2, "insert")
    seal(s)
    s.ok(gap < ids[0] and ids[0] in sealed_ids(s) and gap not in sealed_ids(s), "gap below a seal")
    s.sql("INSERT INTO audit_log (id, at, request_id, actor_type, action, target_type, target_id)"
          " VALUES (%d, UTC_TIMESTAMP(6) - INTERVAL 1 DAY, 'late', 'staff', 'staff.create',"
          " 'staff', '1')" % gap)
    try:
        failed_at(s, gap, "inserted below seal")
    finally:
        s.sql("DELETE FROM audit_log WHERE id = %d" % gap)
    verified(s)


@test("M7: a head forged without the key, or a removed head, fails verify")
def _(s):
    entries(s, 1, "head")
    seal(s)
    last = s.sql("SELECT id, last_audit_id, key_id FROM audit_seal ORDER BY id DESC LIMIT 1")[0]
    # the application user may append heads (the sealer is it), but cannot sign them
    app_sql(s, "INSERT INTO audit_seal VALUES (%d, %d, 0, REPEAT('a', 32), UTC_TIMESTAMP(),"
               " '%s', REPEAT('b', 64))" % (int(last[0]) + 1, int(last[1]) + 1, last[2]))
    try:
        r = verify(s)
        s.ok(r.returncode == 1 and "signature does not verify" in r.stdout, r.stdout)
        # and the sealer refuses to build on it
        entries(s, 1, "onforged")
        r = ctl(s, "jobs", "--once", "audit-seal", env={"XUEJI_AUDIT_SEAL_AFTER": "0"})
        s.ok(r.returncode == 1 and "audit-seal failed" in r.stderr, r.stdout + r.stderr)
        s.eq(s.sql("SELECT COUNT(*) FROM audit_seal WHERE id > %d" % (int(last[0]) + 1))[0][0], "0")
    finally:
        s.sql("DELETE FROM audit_seal WHERE id = %d" % (int(last[0]) + 1))
    verified(s)
    # a head removed in the middle
    if int(last[0]) >= 2:
        s.sql("CREATE TABLE seal_keep AS SELECT * FROM audit_seal WHERE id = %d" % (int(last[0]) - 1))
        try:
            s.sql("DELETE FROM audit_seal WHERE id = %d" % (int(last[0]) - 1))
            r = verify(s)
            s.ok(r.returncode == 1 and "were removed" in r.stdout, r.stdout)
        finally:
            s.sql("INSERT INTO audit_seal SELECT * FROM seal_keep")
            s.sql("DROP TABLE seal_keep")
        verified(s)


@test("M7: chain rows forged ahead of the last seal fail verify")
def _(s):
    entries(s, 1, "stray")
    seal(s)
    last = s.sql("SELECT id, last_audit_id FROM audit_seal ORDER BY id DESC LIMIT 1")[0]
    app_sql(s, "INSERT INTO audit_chain VALUES (%d, %s, REPEAT('c', 32))"
               % (int(last[1]) + 1000000, last[0]))
    try:
        r = verify(s)
        s.ok(r.returncode == 1 and "chain rows lie beyond the last seal" in r.stdout, r.stdout)
    finally:
        s.sql("DELETE FROM audit_chain WHERE audit_id = %d" % (int(last[1]) + 1000000))
    verified(s)


@test("M7: entries younger than seal_after wait; verify can require a sealer that runs")
def _(s):
    seal(s)
    ids = entries(s, 1, "young")
    seal(s, after=300)
    s.ok(ids[0] not in sealed_ids(s), "a fresh entry is not sealed before seal_after")
    r = verified(s)
    s.ok("1 entries not sealed yet" in r.stdout, r.stdout)
    time.sleep(2.2)
    r = verify(s, "--max-unsealed-age", "1")
    s.ok(r.returncode == 1 and "not sealed" in r.stdout, r.stdout)
    seal(s)
    s.ok(ids[0] in sealed_ids(s), "sealed once old enough")
    verified(s)


@test("M7: concurrent registrations while sealing stay intact and verify clean")
def _(s):
    done, errors, prenos = [], [], []
    # signed up first, one after another: sign-ups wait for the hashing pool
    parents = [signed_up(s) for _ in range(8)]

    def register(k):
        try:
            for p in parents[2 * k:2 * k + 2] * 2:
                st, h, b = p.register(reg_body(new_child()))
                if st != 201:
                    errors.append((st, b))
                else:
                    prenos.append(b["prereg_no"])
        except Exception as e:  # reported below
            errors.append(repr(e))
        finally:
            done.append(k)

    threads = [threading.Thread(target=register, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    seals = 0
    while len(done) < len(threads):
        r = ctl(s, "jobs", "--once", "audit-seal", env={"XUEJI_AUDIT_SEAL_AFTER": "1"})
        s.eq(r.returncode, 0, r.stderr)
        seals += 1
    for t in threads:
        t.join()
    s.eq(errors, [], "every registration answered 201")
    time.sleep(1.2)
    seal(s, after=1)
    verified(s)
    chained = s.sql("SELECT COUNT(*) FROM audit_log a JOIN audit_chain c ON c.audit_id = a.id"
                    " WHERE a.action = 'registration.create' AND a.target_id IN (%s)"
                    % ",".join("'%s'" % n for n in prenos))[0][0]
    s.eq(int(chained), len(prenos), "every registration's entry is sealed (%d sealer runs)" % seals)


run()
