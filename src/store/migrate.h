/* migrate.h -- numbered schema migrations (sql/NNNN_name.sql) and the
 * schema_migrations table. Applied in order, each recorded with a SHA-256
 * of its text; a migration that only holds INSERT/UPDATE/DELETE runs in
 * one transaction with its record (MariaDB commits DDL implicitly, so a
 * DDL migration is written to be re-runnable: CREATE ... IF NOT EXISTS).
 * Refuses to run against a database whose schema is newer than this
 * build, or whose applied migrations were edited since. */
#ifndef XJ_MIGRATE_H
#define XJ_MIGRATE_H

#include <stddef.h>
#include <stdio.h>

struct xj_db;

/* Split SQL text into statements at ';' outside quotes and comments;
 * calls fn for each non-empty statement (pure; unit-tested). A line
 * "DELIMITER x" between statements makes x the delimiter from there on,
 * as in the mariadb client (procedure bodies hold ';'). Returns 0, or -1
 * for an unterminated quote or comment or an empty or overlong
 * delimiter. */
int	xj_sql_split(const char *text, size_t len,
	    int (*fn)(const char *stmt, size_t len, void *arg), void *arg);
/* 1 if the statement is DML (INSERT/UPDATE/DELETE/REPLACE). */
int	xj_sql_is_dml(const char *stmt, size_t len);

/* The highest applied migration into *level: XJ_OK or a db error. One
 * query, so /healthz uses it as its database round trip. */
int	xj_schema_level(struct xj_db *, long long *level);

/* Apply (or with status_only, list) migrations from dir. Messages to out.
 * 0 ok, -1 failure (message printed). */
int	xj_migrate(struct xj_db *, const char *dir, int max_known,
	    int status_only, FILE *out);

#endif
