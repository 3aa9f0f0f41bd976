/* grant.c -- xuejictl grant-app: create or update the application's DB
 * user and give it exactly what the workers need: SELECT, INSERT, UPDATE
 * and DELETE on the tables, but only SELECT and INSERT on audit_log (the
 * trail is append-only, R-ADM-3) and only SELECT on schema_migrations;
 * EXECUTE on the procedures (sql/0008), which run with the caller's
 * rights (SQL SECURITY INVOKER), so they open no way around these.
 * GRANT cannot take identifiers as parameters, so the names are checked
 * against a strict character set before they are placed in the text. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "store/sql.h"
#include "ctl.h"

static int
safe_ident(const char *s, const char *extra)
{
	if (*s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || strchr(extra, *s)))
			return 0;
	return 1;
}

static int
run(struct xj_db *db, const char *sql)
{
	if (xj_db_query_const(db, sql, strlen(sql)) != XJ_OK) {
		fprintf(stderr, "grant-app: MariaDB error %u\n", db->err);
		return -1;
	}
	return 0;
}

/* The names statement q lists for schema db (tables, procedures) into
 * names[]: how many, or -1 after an error. */
static char	names[256][65];

static int
names_of(struct xj_db *db, int q, const char *schema, const char *what)
{
	char name[65];
	struct xj_col col = XJ_COL_STR(name, sizeof(name));
	struct xj_val v = XJ_VS(schema);
	int n = 0, rc;

	if ((rc = xj_db_exec(db, q, &v, 1)) != XJ_OK) {
		fprintf(stderr, "grant-app: cannot list %s: MariaDB error %u\n", what, db->err);
		return -1;
	}
	while (n < 256 && (rc = xj_db_fetch(db, q, &col, 1)) == XJ_OK)
		snprintf(names[n++], sizeof(names[0]), "%s", name);
	xj_db_done(db, q);
	return n;
}

int
xj_ctl_grant_app(struct xj_db *db, const struct xj_conf *c, const char *host)
{
	char sql[512];
	int n;

	if (!safe_ident(c->db_user, "") || !safe_ident(host, ".%-:") ||
	    !safe_ident(c->db_name, "")) {
		fprintf(stderr, "grant-app: user, host and database names must be [A-Za-z0-9_] (host also . %% - :)\n");
		return 1;
	}
	if (c->db_password[0] == '\0' || !safe_ident(c->db_password, "")) {
		fprintf(stderr, "grant-app: [db] password_file must hold a password of letters and digits (xuejictl keygen writes one)\n");
		return 1;
	}
	snprintf(sql, sizeof(sql), "CREATE USER IF NOT EXISTS '%s'@'%s' IDENTIFIED BY '%s'",
	    c->db_user, host, c->db_password);
	if (run(db, sql) != 0)
		return 1;
	snprintf(sql, sizeof(sql), "ALTER USER '%s'@'%s' IDENTIFIED BY '%s'",
	    c->db_user, host, c->db_password);
	if (run(db, sql) != 0)
		return 1;
	/* start from nothing: a table that became append-only loses rights */
	snprintf(sql, sizeof(sql), "REVOKE ALL PRIVILEGES, GRANT OPTION FROM '%s'@'%s'",
	    c->db_user, host);
	if (run(db, sql) != 0)
		return 1;
	if ((n = names_of(db, XJ_Q_TABLES_OF_SCHEMA, c->db_name, "tables")) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		const char *privs = "SELECT, INSERT, UPDATE, DELETE";
		if (!safe_ident(names[i], "")) {
			fprintf(stderr, "grant-app: skipping table with unusual name\n");
			continue;
		}
		if (strcmp(names[i], "audit_log") == 0)
			privs = "SELECT, INSERT";
		else if (strcmp(names[i], "schema_migrations") == 0)
			privs = "SELECT";
		snprintf(sql, sizeof(sql), "GRANT %s ON `%s`.`%s` TO '%s'@'%s'",
		    privs, c->db_name, names[i], c->db_user, host);
		if (run(db, sql) != 0)
			return 1;
		printf("grant %s on %s to %s@%s\n", privs, names[i], c->db_user, host);
	}
	if ((n = names_of(db, XJ_Q_PROCEDURES_OF_SCHEMA, c->db_name, "procedures")) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		if (!safe_ident(names[i], "")) {
			fprintf(stderr, "grant-app: skipping procedure with unusual name\n");
			continue;
		}
		snprintf(sql, sizeof(sql), "GRANT EXECUTE ON PROCEDURE `%s`.`%s` TO '%s'@'%s'",
		    c->db_name, names[i], c->db_user, host);
		if (run(db, sql) != 0)
			return 1;
		printf("grant EXECUTE on procedure %s to %s@%s\n", names[i], c->db_user, host);
	}
	return 0;
}
