"""Black-box: schema migrations, the application user's grants, the
reference data and org tree, demo data, and secret-file permissions."""
import os
import stat
import subprocess

from xjtest import test, run


def ctl(s, *args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([s.stack.bin("xuejictl"), "-c", s.stack.conf_file] + list(args),
                          capture_output=True, text=True, env=e)


def app_sql(s, query):
    with open(s.stack.path("secrets", "db_app.pw")) as f:
        pw = f.read().strip()
    return s.stack.sql(query, user="xueji_app", password=pw)


def app_denied(s, *queries):
    """Each query, run as the application user, is refused for want of rights."""
    for q in queries:
        try:
            app_sql(s, q)
            raise AssertionError("allowed: " + q)
        except RuntimeError as e:
            s.ok("denied" in str(e), "refused: %s (%s)" % (q, e))


@test("migrate a second time applies nothing and reports the schema level")
def _(s):
    before = s.sql("SELECT COUNT(*) FROM schema_migrations")[0][0]
    r = ctl(s, "migrate")
    s.eq(r.returncode, 0, r.stderr)
    s.ok("schema at version" in r.stdout and "applied " not in r.stdout, r.stdout)
    s.eq(s.sql("SELECT COUNT(*) FROM schema_migrations")[0][0], before)


@test("migrate --status lists every migration as applied")
def _(s):
    r = ctl(s, "migrate", "--status")
    s.eq(r.returncode, 0, r.stderr)
    lines = r.stdout.splitlines()
    s.ok(lines and all(l.startswith("applied ") for l in lines), r.stdout)


@test("migrate refuses a database whose schema is newer than the build")
def _(s):
    s.sql("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', REPEAT('0',64), NOW())")
    try:
        r = ctl(s, "migrate")
        s.ok(r.returncode != 0, "must fail")
        s.ok("newer than this build" in r.stdout + r.stderr, r.stdout + r.stderr)
    finally:
        s.sql("DELETE FROM schema_migrations WHERE version = 9999")


@test("migrate refuses when an applied migration file was edited")
def _(s):
    old = s.sql("SELECT checksum FROM schema_migrations WHERE version = 1")[0][0]
    s.sql("UPDATE schema_migrations SET checksum = REPEAT('a', 64) WHERE version = 1")
    try:
        r = ctl(s, "migrate")
        s.ok(r.returncode != 0, "must fail")
        s.ok("changed after it was applied" in r.stdout + r.stderr, r.stdout)
    finally:
        s.sql("UPDATE schema_migrations SET checksum = '%s' WHERE version = 1" % old)


@test("R-ADM-3 the application user can append to audit_log but not change or delete it")
def _(s):
    app_sql(s, "INSERT INTO audit_log (request_id, actor_type, action, target_type, target_id)"
               " VALUES ('test', 'system', 'test.append', 'test', '1')")
    s.ok(app_sql(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'test.append'")[0][0] == "1",
         "row appended")
    app_denied(s, "UPDATE audit_log SET action = 'x' WHERE action = 'test.append'",
               "DELETE FROM audit_log WHERE action = 'test.append'")


@test("M7: the server sets an audit entry's time and id: the application user cannot name them")
def _(s):
    app_denied(s, "INSERT INTO audit_log (at, request_id, actor_type, action, target_type, target_id)"
                  " VALUES ('2020-01-01', 'forged', 'system', 'test.forged', 'test', '1')",
               "INSERT INTO audit_log (id, request_id, actor_type, action, target_type, target_id)"
               " VALUES (1, 'forged', 'system', 'test.forged', 'test', '1')",
               "INSERT INTO audit_log SET at = DEFAULT, request_id = 'forged', actor_type = 'system',"
               " action = 'test.forged', target_type = 'test', target_id = '1'")
    # nor move the clock the default reads: the session's time zone does not
    # shift it and the session's timestamp cannot be set (secure_timestamp)
    app_sql(s, "SET time_zone = '+12:00'; INSERT INTO audit_log (request_id, actor_type,"
               " action, target_type, target_id) VALUES ('tz', 'system', 'test.tz', 'test', '1')")
    age = s.sql("SELECT TIMESTAMPDIFF(SECOND, at, UTC_TIMESTAMP(6)) FROM audit_log"
                " WHERE action = 'test.tz'")[0][0]
    s.ok(abs(int(age)) < 60, "UTC time whatever the session's zone: %s s" % age)
    try:
        app_sql(s, "SET timestamp = 1000000000")
        raise AssertionError("allowed: SET timestamp")
    except RuntimeError as e:
        s.ok("secure-timestamp" in str(e), str(e))
    s.eq(s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'test.forged'")[0][0], "0")


@test("M7: the history of a registration and the audit seals are append-only for the application user")
def _(s):
    app_denied(s, "DELETE FROM registration_event LIMIT 1",
               "UPDATE registration_event SET detail = 'x' LIMIT 1",
               "DELETE FROM audit_chain LIMIT 1", "UPDATE audit_chain SET seal_id = 0 LIMIT 1",
               "DELETE FROM audit_seal LIMIT 1", "UPDATE audit_seal SET entries = 0 LIMIT 1")


@test("M8: reference, policy and org tables are read-only for the application user")
def _(s):
    app_denied(s, "UPDATE org SET path = '/' WHERE kind = 'school' LIMIT 1",
               "INSERT INTO org (kind, code, name, path) VALUES ('school', '9999999999', 'x', '/x/')",
               "DELETE FROM org WHERE kind = 'school' LIMIT 1",
               "UPDATE collection_window SET closes_at = '2099-01-01' LIMIT 1",
               "INSERT INTO collection_window (year, division_code, opens_at, closes_at)"
               " VALUES (2099, '110000', NOW(), NOW())",
               "UPDATE age_policy SET min_age = 1", "DELETE FROM age_policy",
               "UPDATE division SET name = 'x' LIMIT 1", "DELETE FROM division_history LIMIT 1",
               "INSERT INTO ethnicity VALUES ('99', 'x')", "UPDATE id_doc_type SET name = 'x'")
    # reads stay
    s.ok(int(app_sql(s, "SELECT COUNT(*) FROM org")[0][0]) > 0, "org readable")


@test("M8: no DELETE where the code deletes nothing, no UPDATE where it updates nothing")
def _(s):
    app_denied(s, "DELETE FROM registration LIMIT 1",
               "DELETE FROM staff_account LIMIT 1", "DELETE FROM psb_request LIMIT 1",
               "DELETE FROM cert_review LIMIT 1", "DELETE FROM student LIMIT 1",
               "DELETE FROM student_guardian LIMIT 1",
               # a guardian's data is updated in place by a Dossier of a
               # record coming back (sql/0033), never moved to another record
               "UPDATE student_guardian SET student_id = 0 LIMIT 1",
               "UPDATE registration_guardian SET name = 'x' LIMIT 1",
               "UPDATE child_claim SET registration_id = 0 LIMIT 1",
               "UPDATE school_class SET code = 'x' LIMIT 1", "DELETE FROM school_class LIMIT 1",
               "DELETE FROM district_change LIMIT 1", "DELETE FROM admission_list LIMIT 1",
               "UPDATE schema_migrations SET name = 'x'")


@test("M8: grant-app revokes a right taken out of the map when it runs again")
def _(s):
    s.sql("GRANT UPDATE, DELETE ON xueji.org TO 'xueji_app'@'localhost'")
    r = ctl(s, "grant-app")
    s.eq(r.returncode, 0, r.stderr)
    s.ok("grant SELECT on org to xueji_app@localhost" in r.stdout, r.stdout)
    app_denied(s, "UPDATE org SET name = name WHERE id = 1", "DELETE FROM org WHERE id = 0")


@test("M8: grant-app refuses, changing nothing, while a table has no row in its map")
def _(s):
    s.sql("CREATE TABLE unmapped_thing (id INT PRIMARY KEY)")
    try:
        r = ctl(s, "grant-app")
        s.ok(r.returncode != 0, "must fail")
        s.ok("unmapped_thing has no row in the grant map" in r.stderr, r.stderr)
        app_denied(s, "SELECT * FROM unmapped_thing")
        # the workers keep their rights meanwhile
        s.ok(int(app_sql(s, "SELECT COUNT(*) FROM registration")[0][0]) >= 0, "still granted")
    finally:
        s.sql("DROP TABLE unmapped_thing")
    r = ctl(s, "grant-app")
    s.eq(r.returncode, 0, r.stderr)
    s.ok("warning" not in r.stderr, "secure_timestamp is on in the test stack: " + r.stderr)


@test("the application user may run the registration procedure, with its own rights only")
def _(s):
    rows = s.sql("SELECT routine_name, security_type FROM information_schema.routines"
                 " WHERE routine_schema = DATABASE() ORDER BY routine_name")
    # xj_reg_erase (sql/0017) is the owner's door for retention and account
    # deletion: the app user has no DELETE on the history itself
    s.eq(rows, [["xj_reg_create", "INVOKER"], ["xj_reg_erase", "DEFINER"]])
    grants = " ".join(r[0] for r in app_sql(s, "SHOW GRANTS"))
    s.ok("GRANT EXECUTE ON PROCEDURE `xueji`.`xj_reg_create`" in grants, grants)
    app_denied(s, "DROP PROCEDURE xj_reg_create",
               "CREATE PROCEDURE evil() SQL SECURITY DEFINER DELETE FROM audit_log")


# xj_reg_create's parameters and the columns they fill (sql/0008)
REG_PARAM_COLUMNS = dict(
    [("p_" + p, "registration." + c) for p, c in (
        ("prereg", "prereg_no"), ("year", "year"), ("county", "county_code"),
        ("school", "school_org_id"), ("parent", "parent_id"), ("state", "state"),
        ("cert", "cert_state"), ("local", "local_family"), ("special", "special_category"),
        ("bidx", "child_bidx"), ("name", "child_name"), ("sex", "sex"), ("birth", "birth_date"),
        ("doc", "id_doc_type"), ("idn", "id_number_ct"), ("eth", "ethnicity"),
        ("nat", "nationality"), ("hnat", "hukou_nature"), ("hcode", "hukou_code"),
        ("bplace", "birthplace"), ("native", "native_place"), ("cur", "current_address"),
        ("home", "home_address"), ("contact", "contact_address"), ("left", "left_behind"),
        ("migrant", "migrant_worker_child"), ("dist", "distance_dm"), ("agew", "age_warning"))]
    + [("p_g%d_%s" % (i, p), "registration_guardian." + c) for i in range(4) for p, c in (
        ("rel", "relation"), ("rdesc", "relation_desc"), ("name", "name"),
        ("doc", "id_doc_type"), ("idn", "id_number_ct"), ("phone", "phone_ct"),
        ("emp", "employer"))]
    + [("p_detail", "registration_event.detail"), ("p_psb_token", "psb_request.token"),
       ("p_request_id", "audit_log.request_id"), ("p_client_addr", "audit_log.client_addr"),
       ("p_after_digest", "audit_log.after_digest"), ("p_idem_key", "idempotency_key.key_hash"),
       ("p_idem_request", "idempotency_key.request_hash"),
       ("p_idem_response", "idempotency_key.response"),
       ("p_notice", "registration.privacy_notice_version")])  # sql/0016 (issue 10, H)


@test("every parameter of the registration procedure has exactly its column's type")
def _(s):
    params = s.sql("SELECT parameter_name, dtd_identifier FROM information_schema.parameters"
                   " WHERE specific_schema = DATABASE() AND specific_name = 'xj_reg_create'"
                   " ORDER BY ordinal_position")
    cols = {"%s.%s" % (t, c): ty for t, c, ty in s.sql(
        "SELECT table_name, column_name, column_type FROM information_schema.columns"
        " WHERE table_schema = DATABASE()")}
    s.eq(params[0], ["p_own_tx", "tinyint(4)"])
    # issue 10 (A: cap; sql/0009): the account's limits fill no column
    s.eq(params[-3:], [["p_cap", "smallint(5) unsigned"], ["p_rate", "smallint(5) unsigned"],
                       ["p_rate_window", "int(10) unsigned"]])
    params = params[:-3]
    s.eq(sorted(p for p, _ in params[1:]), sorted(REG_PARAM_COLUMNS))
    wrong = [(p, ty, cols[REG_PARAM_COLUMNS[p]]) for p, ty in params[1:]
             if ty.lower() != cols[REG_PARAM_COLUMNS[p]].lower()]
    s.eq(wrong, [], "parameter, its type, its column's type")


@test("the application user cannot alter schema_migrations or drop tables")
def _(s):
    app_denied(s, "DELETE FROM schema_migrations", "DROP TABLE org",
               "CREATE TABLE evil (id INT PRIMARY KEY)")


@test("R-ORG-1 the org tree runs ministry -> 31 provinces -> cities -> counties")
def _(s):
    rows = dict(s.sql("SELECT kind, COUNT(*) FROM org WHERE kind <> 'school' GROUP BY kind"))
    s.eq(rows.get("ministry"), "1")
    s.eq(rows.get("province"), "31")
    s.ok(int(rows.get("county", 0)) > 2900, "counties: %r" % rows)
    orphans = s.sql("SELECT COUNT(*) FROM org c LEFT JOIN org p ON p.id = c.parent_id"
                    " WHERE c.kind <> 'ministry' AND (p.id IS NULL OR"
                    " c.path NOT LIKE CONCAT(p.path, '%'))")[0][0]
    s.eq(orphans, "0", "every org under its parent's path")
    bj = s.sql("SELECT COUNT(*) FROM org WHERE kind = 'county' AND path LIKE '/110000/110100/%'")
    s.eq(bj[0][0], "16", "Beijing's 16 districts")


@test("demo data: 3 schools with 10-digit codes in each of Beijing's 16 districts")
def _(s):
    rows = s.sql("SELECT p.code, COUNT(*) FROM org sc JOIN org p ON p.id = sc.parent_id"
                 " WHERE sc.kind = 'school' GROUP BY p.code")
    s.eq(len(rows), 16)
    s.ok(all(int(n) >= 3 for _, n in rows), "3 per district")
    codes = [r[0] for r in s.sql("SELECT code FROM org WHERE kind = 'school'")]
    s.ok(all(len(c) == 10 and c.isdigit() for c in codes), "10-digit codes")


@test("demo data: accounts for every role at every level, each with an audit entry")
def _(s):
    rows = s.sql("SELECT o.kind, a.role, COUNT(*) FROM staff_account a JOIN org o ON o.id = a.org_id"
                 " GROUP BY o.kind, a.role")
    have = {(k, r) for k, r, _ in rows}
    for k in ("ministry", "province", "city", "county"):
        s.ok((k, "admin") in have and (k, "reviewer") in have, "%s admin+reviewer" % k)
    s.ok(("school", "clerk") in have and ("school", "reviewer") in have, "school roles")
    n_acc = s.sql("SELECT COUNT(*) FROM staff_account")[0][0]
    n_aud = s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.create'")[0][0]
    s.eq(n_aud, n_acc, "one audit entry per account")
    s.ok(s.sql("SELECT COUNT(*) FROM staff_account WHERE pw_hash NOT LIKE '$scrypt$%'")[0][0] == "0",
         "scrypt hashes")


@test("seed-demo a second time adds nothing")
def _(s):
    before = s.sql("SELECT (SELECT COUNT(*) FROM org), (SELECT COUNT(*) FROM staff_account),"
                   " (SELECT COUNT(*) FROM audit_log)")
    r = ctl(s, "seed-demo")
    s.eq(r.returncode, 0, r.stderr)
    s.ok("0 schools and 0 accounts" in r.stdout, r.stdout)
    s.eq(s.sql("SELECT (SELECT COUNT(*) FROM org), (SELECT COUNT(*) FROM staff_account),"
               " (SELECT COUNT(*) FROM audit_log)"), before)


@test("seed-demo is refused in a production environment")
def _(s):
    r = ctl(s, "seed-demo", env={"XUEJI_SERVER_ENVIRONMENT": "production"})
    s.ok(r.returncode != 0 and "production" in r.stderr, r.stderr)


@test("xuejid refuses to start with a key file readable by others")
def _(s):
    key = s.stack.path("secrets", "session.key")
    os.chmod(key, 0o644)
    try:
        r = subprocess.run([s.stack.bin("xuejid"), "-c", s.stack.conf_file, "--check-config"],
                           capture_output=True, text=True)
        s.ok(r.returncode != 0, "must refuse")
        s.ok("0644" in r.stderr and "session.key" in r.stderr, r.stderr)
    finally:
        os.chmod(key, 0o600)
    r = subprocess.run([s.stack.bin("xuejid"), "-c", s.stack.conf_file, "--check-config"],
                       capture_output=True, text=True)
    s.eq(r.returncode, 0, r.stderr)


@test("an environment variable overrides the configuration file")
def _(s):
    e = dict(os.environ, XUEJI_SERVER_THREADS="not-a-number")
    r = subprocess.run([s.stack.bin("xuejid"), "-c", s.stack.conf_file, "--check-config"],
                       capture_output=True, text=True, env=e)
    s.ok(r.returncode != 0 and "XUEJI_SERVER_THREADS" in r.stderr, r.stderr)



@test("xuejictl purge-keys deletes old Idempotency-Key records and keeps recent ones")
def _(s):
    s.sql("INSERT INTO idempotency_key VALUES (1, 'test', REPEAT('a', 32), REPEAT('b', 32), 201,"
          " '2611010565951835', UTC_TIMESTAMP(6) - INTERVAL 9 DAY),"
          " (1, 'test', REPEAT('c', 32), REPEAT('d', 32), 201, '2611010565951835',"
          " UTC_TIMESTAMP(6))")
    r = ctl(s, "purge-keys", "--days", "7")
    s.eq(r.returncode, 0, r.stderr)
    s.ok("1 idempotency keys" in r.stdout, r.stdout)
    s.eq(s.sql("SELECT COUNT(*) FROM idempotency_key WHERE scope = 'test'")[0][0], "1")


@test("the jobs runner runs beside the workers and purges old Idempotency-Key records on its own")
def _(s):
    p = s.stack.jobs_proc
    s.ok(p is not None and p.poll() is None, "xuejictl jobs is running")
    s.sql("INSERT INTO idempotency_key VALUES (1, 'jobs', REPEAT('e', 32), REPEAT('f', 32), 201,"
          " '2611010565951835', UTC_TIMESTAMP(6) - INTERVAL 30 DAY),"
          " (1, 'jobs', REPEAT('g', 32), REPEAT('h', 32), 201, '2611010565951835',"
          " UTC_TIMESTAMP(6))")
    r = ctl(s, "jobs", "--once", "idempotency-purge")
    s.eq(r.returncode, 0, r.stderr)
    s.ok("job idempotency-purge: 1 done" in r.stdout, r.stdout)
    s.eq(s.sql("SELECT COUNT(*) FROM idempotency_key WHERE scope = 'jobs'")[0][0], "1")
    r = ctl(s, "jobs", "--list")
    s.ok("idempotency-purge" in r.stdout, r.stdout)
    r = ctl(s, "jobs", "--once", "no-such-job")
    s.eq(r.returncode, 2, r.stderr)
    s.ok("unknown job" in r.stderr, r.stderr)


@test("xuejictl commands parse their own options: a bad number is a usage error, not a zero")
def _(s):
    r = ctl(s, "purge-keys", "--days", "seven")
    s.eq(r.returncode, 2, r.stderr)
    s.ok("--days" in r.stderr, r.stderr)
    r = ctl(s, "migrate", "--no-such-option")
    s.eq(r.returncode, 2, r.stderr)
    r = ctl(s, "no-such-command")
    s.eq(r.returncode, 2, r.stderr)
    s.ok("unknown command" in r.stderr, r.stderr)


@test("M7/M12: the erase procedure refuses a live registration of this year; the app user still cannot delete history")
def _(s):
    from parent import new_child, reg_body, signed_up
    p = signed_up(s)
    st, h, b = p.register(reg_body(new_child()))
    s.eq(st, 201, b)
    rid = s.sql("SELECT id FROM registration WHERE prereg_no = '%s'" % b["prereg_no"])[0][0]
    try:
        app_sql(s, "CALL xj_reg_erase(%s)" % rid)
        raise AssertionError("a live registration was erased")
    except RuntimeError as e:
        s.ok("may not be erased" in str(e), str(e))
    s.eq(s.sql("SELECT COUNT(*) FROM registration_event WHERE registration_id = %s" % rid)[0][0],
         "1", "its history is whole")
    app_denied(s, "DELETE FROM registration_event WHERE registration_id = %s" % rid)

run()
