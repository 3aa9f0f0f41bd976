/* xuejictl.c -- the administration command: keys, schema migrations, the
 * application's database grants and demo data. Operators run it from one
 * place (not from every worker host). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mysql.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keys.h"
#include "ctl/ctl.h"
#include "db/db.h"
#include "store/idempotency.h"
#include "store/migrate.h"
#include "store/schema.h"
#include "store/sql.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: xuejictl [-c FILE] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  keygen DIR            write hmac.key, enc.key, psb.key and db_app.pw (mode 0600)\n"
"                        in DIR\n"
"                        unless they exist; prints the paths\n"
"  migrate [--status]    apply pending sql/NNNN_*.sql migrations in order (or list\n"
"                        them); refuses a database newer than this build\n"
"  grant-app [--host H]  create/update the application DB user ([db] user, password\n"
"                        from [db] password_file) at host H (default localhost) and\n"
"                        grant it SELECT/INSERT/UPDATE/DELETE, only SELECT/INSERT on\n"
"                        audit_log, only SELECT on schema_migrations\n"
"  seed-demo [--password PW]\n"
"                        demo schools and staff accounts (Beijing, 16 districts);\n"
"                        refused when [server] environment = production\n"
"  window-set --year Y --division CODE --opens 'YYYY-MM-DD HH:MM' --closes '...'\n"
"                        set the collection window (R-COL-1) of a province, city or\n"
"                        county for year Y, in Beijing time; closes is exclusive\n"
"  age-policy-set --province XX0000 --min-age N --cutoff MM-DD\n"
"                        the entry age cut-off of a province (R-COL-8)\n"
"  purge-keys [--days N] delete Idempotency-Key records older than N days (default\n"
"                        7; a client retries within minutes): run it daily\n"
"  version               print the version and the schema level of this build\n"
"\n"
"  -c, --config FILE     the INI configuration shared with xuejid; XUEJI_<SECTION>_<KEY>\n"
"                        environment variables override it. Database commands connect\n"
"                        as [admin_db] user (default: [db] user).\n"
"  --sql-dir DIR         migrations directory (default: [paths] sql_dir)\n");
}

static int
connect_admin(struct xj_db *db, struct xj_conf *c)
{
	const char *user = c->admin_user[0] ? c->admin_user : c->db_user;
	const char *pw = c->admin_user[0] ? c->admin_password : c->db_password;

	if (xj_db_init(db, c, user, pw, NULL, xj_store_sql, XJ_Q__COUNT) != XJ_OK)
		return -1;
	if (xj_db_ensure(db) != XJ_OK) {
		fprintf(stderr, "xuejictl: cannot connect to MariaDB as %s (error %u)\n",
		    user, db->err);
		xj_db_fini(db);
		return -1;
	}
	return 0;
}

static int
cmd_keygen(const char *dir)
{
	static const struct { const char *file, *kind; } k[] = {
		{ "hmac.key", "hmac" }, { "enc.key", "enc" }, { "psb.key", "hmac" },
		{ "db_app.pw", "pw" },
	};
	char path[4096], err[512];

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		int rc;
		snprintf(path, sizeof(path), "%s/%s", dir, k[i].file);
		rc = strcmp(k[i].kind, "pw") == 0 ?
		    xj_keys_generate_password(path, err, sizeof(err)) :
		    xj_keys_generate(path, k[i].kind, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "keygen: %s\n", err);
			return 1;
		}
		printf("%s %s\n", rc ? "wrote" : "kept", path);
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "sql-dir", required_argument, NULL, 's' },
		{ "status", no_argument, NULL, 'S' },
		{ "host", required_argument, NULL, 'H' },
		{ "password", required_argument, NULL, 'P' },
		{ "year", required_argument, NULL, 'Y' },
		{ "division", required_argument, NULL, 'D' },
		{ "opens", required_argument, NULL, 'O' },
		{ "closes", required_argument, NULL, 'E' },
		{ "province", required_argument, NULL, 'R' },
		{ "min-age", required_argument, NULL, 'A' },
		{ "cutoff", required_argument, NULL, 'U' },
		{ "days", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfile = NULL, *sqldir = NULL, *host = "localhost";
	const char *demo_pw = "xueji-demo";
	const char *division = NULL, *opens = NULL, *closes = NULL, *province = NULL, *cutoff = NULL;
	int year = 0, min_age = 0, days = 7;
	int status = 0, ch, rc = 1;
	struct xj_conf conf;
	struct xj_db db;
	char err[512];
	const char *cmd;

	while ((ch = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1)
		switch (ch) {
		case 'c': cfile = optarg; break;
		case 's': sqldir = optarg; break;
		case 'S': status = 1; break;
		case 'H': host = optarg; break;
		case 'P': demo_pw = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	/* options may also follow the command */
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1)
		switch (ch) {
		case 'c': cfile = optarg; break;
		case 's': sqldir = optarg; break;
		case 'S': status = 1; break;
		case 'H': host = optarg; break;
		case 'P': demo_pw = optarg; break;
		case 'Y': year = atoi(optarg); break;
		case 'D': division = optarg; break;
		case 'O': opens = optarg; break;
		case 'E': closes = optarg; break;
		case 'R': province = optarg; break;
		case 'A': min_age = atoi(optarg); break;
		case 'U': cutoff = optarg; break;
		case 'N': days = atoi(optarg); break;
		default: usage(stderr); return 2;
		}
	if (strcmp(cmd, "version") == 0) {
		printf("xuejictl %s (schema %d)\n", PACKAGE_VERSION, XJ_SCHEMA_VERSION);
		return 0;
	}
	if (strcmp(cmd, "keygen") == 0) {
		if (optind != argc - 1) {
			usage(stderr);
			return 2;
		}
		return cmd_keygen(argv[optind]);
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	xj_log_init(XJ_LOG_WARN);
	if (xj_conf_load(&conf, cfile, err, sizeof(err)) != 0 ||
	    xj_conf_load_secrets(&conf, 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "xuejictl: %s\n", err);
		return 1;
	}
	if (strcmp(cmd, "migrate") != 0 && strcmp(cmd, "grant-app") != 0 &&
	    strcmp(cmd, "seed-demo") != 0 && strcmp(cmd, "window-set") != 0 &&
	    strcmp(cmd, "age-policy-set") != 0 && strcmp(cmd, "purge-keys") != 0) {
		fprintf(stderr, "xuejictl: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	if (mysql_library_init(0, NULL, NULL) != 0 || connect_admin(&db, &conf) != 0)
		return 1;
	if (strcmp(cmd, "migrate") == 0)
		rc = xj_migrate(&db, sqldir ? sqldir : conf.sql_dir, XJ_SCHEMA_VERSION,
		    status, stdout) == 0 ? 0 : 1;
	else if (strcmp(cmd, "grant-app") == 0)
		rc = xj_ctl_grant_app(&db, &conf, host);
	else if (strcmp(cmd, "window-set") == 0)
		rc = xj_ctl_window_set(&db, year, division, opens ? opens : "", closes ? closes : "");
	else if (strcmp(cmd, "age-policy-set") == 0)
		rc = xj_ctl_age_set(&db, province, min_age, cutoff);
	else if (strcmp(cmd, "purge-keys") == 0) {
		unsigned long long n;
		if (days < 1) {
			fprintf(stderr, "purge-keys: --days must be 1 or more\n");
			rc = 2;
		} else if (xj_idem_purge(&db, days, &n) != XJ_OK) {
			fprintf(stderr, "purge-keys: MariaDB error %u\n", db.err);
			rc = 1;
		} else {
			printf("purge-keys: %llu idempotency keys older than %d days deleted\n", n, days);
			rc = 0;
		}
	}
	else
		rc = xj_ctl_seed_demo(&db, &conf, demo_pw);
	xj_db_fini(&db);
	mysql_library_end();
	return rc;
}
