/* xuejictl.c -- the administration command: keys, schema migrations, the
 * application's database grants, policy, demo data and the jobs runner.
 * Operators run it from one place (not from every worker host); `jobs`
 * runs under supervision beside the workers. The commands are the rows of
 * xj_ctl_cmds (ctl/ctl.h); this file loads, connects and runs one. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mysql.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "ctl/ctl.h"
#include "db/db.h"
#include "store/schema.h"
#include "store/sql.h"

static int
cmd_version(struct xj_ctl *x, int argc, char **argv)
{
	(void)x;
	(void)argv;
	if (argc != 1)
		return xj_ctl_usage("version");
	printf("xuejictl %s (schema %d)\n", PACKAGE_VERSION, XJ_SCHEMA_VERSION);
	return 0;
}

const struct xj_ctl_cmd xj_ctl_cmds[] = {
	{ "keygen", 0, xj_ctl_keygen,
"  keygen DIR            write session.key, csrf.key, blind.key, sms.key, enc.key,\n"
"                        psb.key, db_app.pw and the audit signing key\n"
"                        audit_sign.key (mode 0600) in DIR unless they exist,\n"
"                        appending a new audit key's public half to\n"
"                        audit_verify.pem; blind.key is a copy of an existing\n"
"                        hmac.key (upgrade); prints the paths\n"
"  keygen --rotate FILE  add a key with the next id to the key ring FILE: it becomes\n"
"                        the current key once the workers restart (docs/operations.md)\n"
"                        keygen DIR also writes the document signing key\n"
"                        doc_sign.key and appends its public half to doc_verify.pem\n"
"                        (certificates of student status, docs/certificates.md)\n" },
	{ "migrate", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_migrate,
"  migrate [--status]    apply pending sql/NNNN_*.sql migrations in order (or list\n"
"                        them); refuses a database newer than this build\n" },
	{ "grant-app", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_grant_app_cmd,
"  grant-app [--host H]  create/update the application DB user ([db] user, password\n"
"                        from [db] password_file) at host H (default localhost),\n"
"                        revoke what it had and grant, table by table, what the\n"
"                        workers and jobs use (src/ctl/grant.c); fails on a table\n"
"                        its map does not know\n" },
	{ "seed-demo", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_seed_demo_cmd,
"  seed-demo [--password PW]\n"
"                        demo schools and staff accounts (Beijing, 16 districts)\n"
"                        and the working-day calendars of [paths] calendar_dir;\n"
"                        refused when [server] environment = production\n" },
	{ "staff-create", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_staff_create,
"  staff-create --org CODE [--kind KIND] --login L --name N [--role R]\n"
"               [--password-fd N]\n"
"                        a staff account (role admin by default: the first\n"
"                        administrator of a fresh install); the password is read\n"
"                        from the terminal without echo, or from file descriptor\n"
"                        N, never from the command line; it must be changed at\n"
"                        first login; audited\n" },
	{ "org", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_org,
"  org import [--scope CODE] [--dry-run] FILE\n"
"                        load the official school list (CSV, docs/operations.md\n"
"                        \"Loading the school list\") of a province, or of the city\n"
"                        or county CODE: adds new schools, updates changed ones,\n"
"                        closes (never deletes) open schools it no longer names;\n"
"                        all or nothing: any bad row is reported with its line\n"
"                        and nothing is written; one transaction, audited\n" },
	{ "window-set", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_window_set_cmd,
"  window-set --year Y --division CODE --opens 'YYYY-MM-DD HH:MM' --closes '...'\n"
"                        set the collection window (R-COL-1) of a province, city or\n"
"                        county for year Y, in Beijing time; closes is exclusive\n" },
	{ "age-policy-set", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_age_set_cmd,
"  age-policy-set --province XX0000 --min-age N --cutoff MM-DD\n"
"                        the entry age cut-off of a province (R-COL-8)\n" },
	{ "purge-keys", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_purge_keys,
"  purge-keys [--hours N | --days N]\n"
"                        delete Idempotency-Key records older than N hours (days)\n"
"                        now; default [collection] idempotency_retention (48 h);\n"
"                        the jobs runner does it on its own every hour\n" },
	{ "rekey", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_rekey,
"  rekey [--batch N] [--pause-ms MS] [--dry-run]\n"
"                        re-encrypt every encrypted column to the current enc.key\n"
"                        version, bound to its row, in batches of N (default 200)\n"
"                        while the system runs; run again to resume; --dry-run\n"
"                        counts (docs/operations.md \"Rotating enc.key\")\n" },
	{ "jobs", XJ_CTL_CONF | XJ_CTL_APP, xj_ctl_jobs,
"  jobs [--once [--batches N]] [--list] [NAME...]\n"
"                        run the periodic jobs (all, or those named) as the\n"
"                        application's DB user until SIGTERM; --once runs each\n"
"                        named job until a batch finds nothing left (or N\n"
"                        batches), then exits;\n"
"                        --list prints the jobs (docs/operations.md \"Jobs\")\n" },
	{ "audit", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_audit,
"  audit verify [--max-unsealed-age S]\n"
"                        check the audit trail against its signed seals ([audit]\n"
"                        verify_key_file): names the first entry altered, removed or\n"
"                        inserted below a seal and exits 1; with S, also fails when\n"
"                        an entry older than S seconds is not sealed\n" },
	{ "retention", XJ_CTL_CONF | XJ_CTL_APP, xj_ctl_retention,
"  retention run [--months N]\n"
"                        delete registrations that did not become student records,\n"
"                        with their guardians and stored answers, N months (default\n"
"                        [privacy] retention_months) after their school year began;\n"
"                        audited, in batches; the job retention-purge does the same\n" },
	{ "calendar", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_calendar,
"  calendar import [--source TEXT] FILE\n"
"                        import the working-day calendar (public holidays and\n"
"                        make-up working days, R-MOV-3) from a CSV file; each\n"
"                        (year, province) in it replaces what was there, in one\n"
"                        transaction, audited; any bad row: errors with line\n"
"                        numbers and nothing imported (docs/operations.md\n"
"                        \"Working-day calendar\")\n"
"  calendar status       the years imported, per province, with their source\n" },
	{ "verify-document", 0, xj_ctl_verify_document,
"  verify-document --key PEMFILE [TEXT]\n"
"                        check a certificate of student status: TEXT (or stdin) is\n"
"                        its QR code's content, PEMFILE the published public key(s)\n"
"                        (doc_verify.pem); prints what it certifies; exit 0 when the\n"
"                        signature holds, 1 when not (docs/certificates.md)\n" },
	{ "workflow", XJ_CTL_CONF | XJ_CTL_APP, xj_ctl_workflow,
"  workflow tick [--today YYYY-MM-DD]\n"
"                        remind the orgs of workflow steps due within 2 working\n"
"                        days and mark overdue steps, once each; --today stands\n"
"                        for the day of the run (tests, catch-up); the job\n"
"                        workflow-tick does the same for today\n" },
	{ "graduate-move-window", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_graduate_move_window,
"  graduate-move-window set --province CODE --from DATE --to DATE [--reason TEXT]\n"
"  graduate-move-window lift --province CODE --from DATE\n"
"  graduate-move-window list\n"
"                        open graduate moves from another province (R-MOV-5) in a\n"
"                        province for a period within the national one (both days\n"
"                        included), lift a window, list them (audited)\n" },
	{ "transfer-freeze", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_transfer_freeze,
"  transfer-freeze set --province CODE --from DATE --to DATE [--reason TEXT]\n"
"  transfer-freeze lift --province CODE --from DATE\n"
"  transfer-freeze list\n"
"                        freeze new transfers in a province for a period (both\n"
"                        days included), lift a freeze, list them (audited)\n" },
	{ "key-fields", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_key_fields,
"  key-fields show --org CODE|national\n"
"  key-fields set --org CODE|national FIELD[,FIELD...]\n"
"                        the controlled fields (R-KEY-1) in force at an org, with\n"
"                        the level that set each; set the whole list in force at a\n"
"                        province, city or county (or nationally): what an upper\n"
"                        level set must stay in it (refused otherwise), the org's\n"
"                        additions are stored (audited)\n" },
	{ "grade-change", XJ_CTL_CONF | XJ_CTL_ADMIN, xj_ctl_grade_change,
"  grade-change set --province CODE --kind repeat|skip --on|--off\n"
"  grade-change list\n"
"                        switch repeating (留级) or skipping (跳级) a year on or\n"
"                        off in a province (off where never set); list the\n"
"                        switches (audited)\n" },
	/* issue 13 items 4-5 (ctl/exchangeout.c) */
	{ "exchange", XJ_CTL_CONF, xj_ctl_exchange,
"  exchange export-batch --synthetic N FILE\n"
"                        write a StudentBatch of N made-up records to FILE with the\n"
"                        streaming writer; prints records/s and peak RSS (bench)\n"
"  exchange import-batch FILE|-\n"
"                        read a StudentBatch with the streaming reader, validated\n"
"                        against [paths] xsd_dir's XSD as it is read, in constant\n"
"                        memory; prints records/s and peak RSS; exit 3 and the\n"
"                        refusal code when refused\n" },
	{ "exchange-keygen", 0, xj_ctl_exchange_keygen,
"  exchange-keygen [--alg ecdsa-p256-sha256|sm2-sm3] PRIVATE PUBLIC\n"
"                        write a key pair for the ministry exchange: PRIVATE (PEM,\n"
"                        mode 0600, never overwritten) for [exchange]\n"
"                        signing_key_file, PUBLIC (PEM) to give the ministry with\n"
"                        its key id (docs/operations.md \"Exchange keys\")\n" },
	{ "version", 0, cmd_version,
"  version               print the version and the schema level of this build\n" },
	{ NULL, 0, NULL, NULL }
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: xuejictl [-c FILE] [--sql-dir DIR] COMMAND [ARGS]\n"
	    "       xuejictl --help | --version\n\nCommands:\n");
	for (const struct xj_ctl_cmd *c = xj_ctl_cmds; c->name; c++)
		fputs(c->usage, f);
	fprintf(f,
"\n"
"  -c, --config FILE     the INI configuration shared with xuejid; XUEJI_<SECTION>_<KEY>\n"
"                        environment variables override it. Database commands connect\n"
"                        as [admin_db] user (default: [db] user); jobs as [db] user.\n"
"  --sql-dir DIR         migrations directory (default: [paths] sql_dir)\n");
}

int
xj_ctl_usage(const char *name)
{
	for (const struct xj_ctl_cmd *c = xj_ctl_cmds; c->name; c++)
		if (strcmp(c->name, name) == 0)
			fprintf(stderr, "usage:\n%s", c->usage);
	return 2;
}

int
xj_ctl_getopt(int argc, char **argv, const char *shortopts, const void *longopts)
{
	return getopt_long(argc, argv, shortopts, (const struct option *)longopts, NULL);
}

int
xj_ctl_int(const char *cmd, const char *opt, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "%s: %s must be a whole number from %ld to %ld\n", cmd, opt,
		    min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
connect_db(struct xj_ctl *x, int admin)
{
	struct xj_conf *c = &x->conf;
	const char *user = c->db_user, *pw = c->db_password;

	if (admin && c->admin_user[0]) {
		user = c->admin_user;
		pw = c->admin_password;
	}
	if (xj_db_init(&x->db, c, user, pw, NULL, xj_store_sql, XJ_Q__COUNT) != XJ_OK)
		return -1;
	if (xj_db_ensure(&x->db) != XJ_OK) {
		fprintf(stderr, "xuejictl: cannot connect to MariaDB as %s (error %u)\n",
		    user, x->db.err);
		xj_db_fini(&x->db);
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "sql-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct xj_ctl x;
	const struct xj_ctl_cmd *cmd;
	char err[512];
	int ch, rc;

	memset(&x, 0, sizeof(x));
	while ((ch = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1)
		switch (ch) {
		case 'c': x.conf_file = optarg; break;
		case 's': x.sql_dir = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': return cmd_version(&x, 1, argv);
		default: usage(stderr); return 2;
		}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (cmd = xj_ctl_cmds; cmd->name; cmd++)
		if (strcmp(cmd->name, argv[optind]) == 0)
			break;
	if (cmd->name == NULL) {
		fprintf(stderr, "xuejictl: unknown command '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	xj_log_init(XJ_LOG_WARN);
	if (cmd->flags & XJ_CTL_CONF) {
		if (xj_conf_load(&x.conf, x.conf_file, err, sizeof(err)) != 0 ||
		    xj_conf_load_secrets(&x.conf, (cmd->flags & XJ_CTL_ADMIN) != 0, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "xuejictl: %s\n", err);
			return 1;
		}
	}
	if (cmd->flags & (XJ_CTL_ADMIN | XJ_CTL_APP)) {
		if (mysql_library_init(0, NULL, NULL) != 0 ||
		    connect_db(&x, (cmd->flags & XJ_CTL_ADMIN) != 0) != 0)
			return 1;
	}
	/* the command parses its own options: argv[0] is its name */
	argc -= optind;
	argv += optind;
	optind = 0;
	rc = cmd->run(&x, argc, argv);
	if (cmd->flags & (XJ_CTL_ADMIN | XJ_CTL_APP)) {
		xj_db_fini(&x.db);
		mysql_library_end();
	}
	return rc;
}
