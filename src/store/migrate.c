/* migrate.c -- the migration runner (see migrate.h). Migration files are
 * part of the installation, not input: their statements run as text. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/sha.h>

#include "core/err.h"
#include "db/db.h"
#include "migrate.h"
#include "sql.h"

#define MAX_MIGRATIONS	1000
#define MAX_FILE	(16u << 20)

/* "--" starts a comment only when a blank or control byte follows
 * (MariaDB reads "a--1" as a minus minus 1). */
static int
dash_comment(const char *t, size_t len, size_t i)
{
	return i + 1 < len && t[i] == '-' && t[i + 1] == '-' &&
	    (i + 2 == len || isspace((unsigned char)t[i + 2]) ||
	    iscntrl((unsigned char)t[i + 2]));
}

/* Index of the first byte in [i, len) that is neither blank nor inside a
 * comment (-- , #, slash-star); len if none. An executable comment
 * (slash-star-bang, slash-star-M-bang) is text. An unterminated comment
 * runs to len. */
static size_t
skip_blank(const char *t, size_t len, size_t i)
{
	for (;;) {
		while (i < len && isspace((unsigned char)t[i]))
			i++;
		if (i < len && (t[i] == '#' || dash_comment(t, len, i))) {
			while (i < len && t[i] != '\n')
				i++;
		} else if (i + 1 < len && t[i] == '/' && t[i + 1] == '*' &&
		    !(i + 2 < len && t[i + 2] == '!') &&
		    !(i + 3 < len && t[i + 2] == 'M' && t[i + 3] == '!')) {
			for (i += 2; i + 1 < len && !(t[i] == '*' && t[i + 1] == '/'); i++)
				;
			i = i + 1 < len ? i + 2 : len;
		} else
			return i;
	}
}

/* Deliver t[start, end) unless it holds only blanks and comments. */
static int
deliver(const char *t, size_t start, size_t end,
    int (*fn)(const char *, size_t, void *), void *arg)
{
	if (skip_blank(t, end, start) == end)
		return 0;
	while (isspace((unsigned char)t[start]))
		start++;
	return fn(t + start, end - start, arg);
}

#define MAX_DELIM	16

/* "DELIMITER x" on a line of its own (the mariadb client's directive, so
 * that a migration holding a procedure body runs the same through the
 * client and through xuejictl migrate): at position i, after blanks and
 * comments, read every such line, setting delim; returns the position
 * after the last one (i if none), or len + 1 for an empty or overlong
 * delimiter. */
static size_t
directives(const char *t, size_t len, size_t i, char *delim, size_t *dl)
{
	static const char kw[] = "DELIMITER";

	for (;;) {
		size_t s = skip_blank(t, len, i), e, k;
		if (len - s <= sizeof(kw) - 1 || strncasecmp(t + s, kw, sizeof(kw) - 1) != 0 ||
		    (t[s + sizeof(kw) - 1] != ' ' && t[s + sizeof(kw) - 1] != '\t'))
			return i;
		for (k = s + sizeof(kw) - 1; k < len && (t[k] == ' ' || t[k] == '\t'); k++)
			;
		for (e = k; e < len && !isspace((unsigned char)t[e]); e++)
			;
		if (e == k || e - k >= MAX_DELIM)
			return len + 1;
		memcpy(delim, t + k, e - k);
		delim[e - k] = '\0';
		*dl = e - k;
		while (e < len && t[e] != '\n')
			e++;
		i = e;
	}
}

int
xj_sql_split(const char *t, size_t len,
    int (*fn)(const char *, size_t, void *), void *arg)
{
	char delim[MAX_DELIM] = ";";
	size_t i, start, dl = 1;
	char q = 0;
	int rc;

	if ((i = start = directives(t, len, 0, delim, &dl)) > len)
		return -1;
	while (i < len) {
		char c = t[i];

		if (q) {
			if (c == '\\' && q != '`' && i + 1 < len)
				i += 2;
			else if (c == q) {
				if (i + 1 < len && t[i + 1] == q)
					i += 2;	/* doubled quote */
				else {
					q = 0;
					i++;
				}
			} else
				i++;
			continue;
		}
		if (c == '\'' || c == '"' || c == '`') {
			q = c;
			i++;
		} else if (c == '#' || dash_comment(t, len, i)) {
			while (i < len && t[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < len && t[i + 1] == '*') {
			const char *e = NULL;
			for (size_t k = i + 2; k + 1 < len; k++)
				if (t[k] == '*' && t[k + 1] == '/') {
					e = t + k;
					break;
				}
			if (e == NULL)
				return -1;
			i = (size_t)(e - t) + 2;
		} else if (len - i >= dl && memcmp(t + i, delim, dl) == 0) {
			if ((rc = deliver(t, start, i, fn, arg)) != 0)
				return rc;
			if ((i = start = directives(t, len, i + dl, delim, &dl)) > len)
				return -1;
		} else
			i++;
	}
	if (q)
		return -1;
	/* a last statement without its delimiter still runs */
	return deliver(t, start, len, fn, arg);
}

/* Skip leading whitespace and comments. */
static const char *
first_word(const char *s, size_t len, size_t *wlen)
{
	size_t i = skip_blank(s, len, 0);

	*wlen = 0;
	while (i + *wlen < len && isalpha((unsigned char)s[i + *wlen]))
		(*wlen)++;
	return s + i;
}

int
xj_sql_is_dml(const char *stmt, size_t len)
{
	static const char *dml[] = { "INSERT", "UPDATE", "DELETE", "REPLACE" };
	size_t n;
	const char *w = first_word(stmt, len, &n);

	for (size_t i = 0; i < sizeof(dml) / sizeof(dml[0]); i++)
		if (n == strlen(dml[i]) && strncasecmp(w, dml[i], n) == 0)
			return 1;
	return 0;
}

int
xj_schema_level(struct xj_db *db, long long *level)
{
	struct xj_col c = XJ_COL_INT;
	int rc = xj_db_row(db, XJ_Q_SCHEMA_VERSION, NULL, 0, &c, 1);

	*level = c.i;
	return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
}

struct mfile {
	int	 version;
	char	 name[200];
};

static int
cmp_mfile(const void *a, const void *b)
{
	return ((const struct mfile *)a)->version - ((const struct mfile *)b)->version;
}

static int
list_files(const char *dir, struct mfile *f, int *n, FILE *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*n = 0;
	if (d == NULL) {
		fprintf(out, "migrate: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 10 || len >= sizeof(f->name) || strspn(e->d_name, "0123456789") != 4 ||
		    e->d_name[4] != '_' || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		if (*n == MAX_MIGRATIONS)
			break;
		f[*n].version = atoi(e->d_name);
		snprintf(f[*n].name, sizeof(f[*n].name), "%s", e->d_name);
		for (int i = 0; i < *n; i++)
			if (f[i].version == f[*n].version) {
				fprintf(out, "migrate: %s and %s share version %d\n",
				    f[i].name, f[*n].name, f[*n].version);
				closedir(d);
				return -1;
			}
		(*n)++;
	}
	closedir(d);
	qsort(f, (size_t)*n, sizeof(*f), cmp_mfile);
	return 0;
}

static char *
read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long sz;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 ||
	    (size_t)sz > MAX_FILE || fseek(fp, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)sz + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	if (fread(buf, 1, (size_t)sz, fp) != (size_t)sz) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	buf[sz] = '\0';
	*len = (size_t)sz;
	return buf;
}

static void
sha_hex(const char *buf, size_t len, char out[65])
{
	unsigned char d[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)buf, len, d);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

struct applied {
	int	 version;
	char	 checksum[65];
};

struct runctx {
	struct xj_db	*db;
	int		 all_dml;
	int		 count;
	int		 failed_at;
};

static int
check_dml(const char *s, size_t len, void *arg)
{
	struct runctx *c = arg;

	if (!xj_sql_is_dml(s, len))
		c->all_dml = 0;
	return 0;
}

static int
exec_stmt(const char *s, size_t len, void *arg)
{
	struct runctx *c = arg;

	c->count++;
	if (xj_db_query_const(c->db, s, len) != XJ_OK) {
		c->failed_at = c->count;
		return -1;
	}
	return 0;
}

static int
apply(struct xj_db *db, const char *dir, const struct mfile *f, FILE *out)
{
	struct runctx c = { db, 1, 0, 0 };
	char path[4096], sum[65];
	struct xj_val v[3];
	size_t len;
	char *text;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, f->name);
	if ((text = read_all(path, &len)) == NULL) {
		fprintf(out, "migrate: cannot read %s\n", path);
		return -1;
	}
	sha_hex(text, len, sum);
	if (xj_sql_split(text, len, check_dml, &c) != 0) {
		fprintf(out, "migrate: %s: unterminated quote or comment\n", f->name);
		goto out;
	}
	if (c.all_dml && xj_db_begin(db) != XJ_OK)
		goto dberr;
	if (xj_sql_split(text, len, exec_stmt, &c) != 0) {
		fprintf(out, "migrate: %s: statement %d failed: MariaDB error %u\n",
		    f->name, c.failed_at, db->err);
		goto dberr_quiet;
	}
	v[0] = XJ_VI(f->version);
	v[1] = XJ_VS(f->name);
	v[2] = XJ_VS(sum);
	if (xj_db_exec(db, XJ_Q_MIG_INSERT, v, 3) != XJ_OK)
		goto dberr;
	if (c.all_dml && xj_db_commit(db) != XJ_OK)
		goto dberr;
	fprintf(out, "applied %s (%d statements%s)\n", f->name, c.count,
	    c.all_dml ? ", one transaction" : "");
	rc = 0;
	goto out;
dberr:
	fprintf(out, "migrate: %s: MariaDB error %u\n", f->name, db->err);
dberr_quiet:
	if (c.all_dml)
		xj_db_rollback(db);
	else
		fprintf(out, "migrate: %s holds DDL, which MariaDB commits at once: "
		    "statements before the failed one stay applied; fix the cause "
		    "and run migrate again (DDL migrations are re-runnable)\n", f->name);
out:
	free(text);
	return rc;
}

int
xj_migrate(struct xj_db *db, const char *dir, int max_known, int status_only,
    FILE *out)
{
	static const char create[] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INT NOT NULL PRIMARY KEY,"
	    " name VARCHAR(200) NOT NULL,"
	    " checksum CHAR(64) NOT NULL,"
	    " applied_at DATETIME(6) NOT NULL"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
	static struct mfile files[MAX_MIGRATIONS];
	static struct applied done[MAX_MIGRATIONS];
	struct xj_col c[3];
	char name[201], sum[65];
	int nfiles, ndone = 0, rc;

	if (list_files(dir, files, &nfiles, out) != 0)
		return -1;
	if (nfiles == 0) {
		fprintf(out, "migrate: no NNNN_name.sql files in %s\n", dir);
		return -1;
	}
	if (files[nfiles - 1].version > max_known) {
		fprintf(out, "migrate: %s is newer than this build (schema %d): "
		    "install the matching xuejictl\n", files[nfiles - 1].name, max_known);
		return -1;
	}
	if (xj_db_query_const(db, create, sizeof(create) - 1) != XJ_OK) {
		fprintf(out, "migrate: cannot create schema_migrations: MariaDB error %u\n", db->err);
		return -1;
	}
	if ((rc = xj_db_exec(db, XJ_Q_MIG_LIST, NULL, 0)) != XJ_OK) {
		fprintf(out, "migrate: cannot read schema_migrations: MariaDB error %u\n", db->err);
		return -1;
	}
	c[0] = XJ_COL_INT;
	c[1] = XJ_COL_STR(name, sizeof(name));
	c[2] = XJ_COL_STR(sum, sizeof(sum));
	while (ndone < MAX_MIGRATIONS && (rc = xj_db_fetch(db, XJ_Q_MIG_LIST, c, 3)) == XJ_OK) {
		done[ndone].version = (int)c[0].i;
		snprintf(done[ndone].checksum, sizeof(done[ndone].checksum), "%s", sum);
		ndone++;
	}
	xj_db_done(db, XJ_Q_MIG_LIST);
	if (rc != XJ_NO_ROW && rc != XJ_OK)
		return -1;
	if (ndone && done[ndone - 1].version > max_known) {
		fprintf(out, "migrate: the database is at schema %d, newer than this build (%d): "
		    "refusing to touch it\n", done[ndone - 1].version, max_known);
		return -1;
	}
	for (int i = 0; i < ndone; i++) {
		int found = 0;
		for (int k = 0; k < nfiles; k++) {
			char path[4096], now[65];
			size_t len;
			char *text;
			if (files[k].version != done[i].version)
				continue;
			found = 1;
			snprintf(path, sizeof(path), "%s/%s", dir, files[k].name);
			if ((text = read_all(path, &len)) == NULL) {
				fprintf(out, "migrate: cannot read %s\n", path);
				return -1;
			}
			sha_hex(text, len, now);
			free(text);
			if (strcmp(now, done[i].checksum) != 0) {
				fprintf(out, "migrate: %s was changed after it was applied "
				    "(checksum differs): add a new migration instead\n", files[k].name);
				return -1;
			}
		}
		if (!found) {
			fprintf(out, "migrate: applied migration %d has no file in %s\n",
			    done[i].version, dir);
			return -1;
		}
	}
	for (int k = 0; k < nfiles; k++) {
		int applied = 0;
		for (int i = 0; i < ndone; i++)
			applied |= done[i].version == files[k].version;
		if (status_only)
			fprintf(out, "%s %s\n", applied ? "applied" : "pending", files[k].name);
		else if (!applied && apply(db, dir, &files[k], out) != 0)
			return -1;
	}
	if (!status_only)
		fprintf(out, "schema at version %d\n", files[nfiles - 1].version);
	return 0;
}
