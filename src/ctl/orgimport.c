/* orgimport.c -- xuejictl org import: load the official school list of a
 * province (or of a city or county: --scope) from CSV (domain/orgcsv.h,
 * docs/operations.md "Loading the school list"), issue 15 item 6.
 *
 * All or nothing: every row is checked first, on its own (orgcsv.c) and
 * against the file (duplicate codes, a branch whose main campus is not
 * listed or is a branch itself, R-ORG-2), then inside one transaction
 * against the database (the county exists and lies in the scope, the
 * supervising bureau exists, a listed school is not closed and has not
 * moved county). Any error: every error is printed with its line number
 * and the transaction rolls back, nothing written. Otherwise, in that
 * transaction: a school not in the database is added, one whose name,
 * supervisor, ownership, main campus or licence changed is updated, and an
 * open school of the scope that the list no longer names is CLOSED (status
 * 'closed', closed_on today in Beijing), never deleted (R-ORG-5): its
 * students, classes and history stay readable. Each change has its audit
 * entry (org.create, org.update, org.close) and the import one more
 * (org.import: the file's SHA-256 and the counts). Running the same file
 * again changes nothing. --dry-run does all of it and rolls back. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/orgcsv.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/sql.h"
#include "ctl.h"

#define FILE_MAX	(64L << 20)	/* bytes: a national list is ~250k rows, ~30 MB */
#define ERR_KEEP	1000		/* errors printed; the rest only counted */
#define PATH_CAP	130

struct imp_err {
	long	line;
	char	msg[320];
};

struct bureau {
	char		code[7];
	char		kind[12];
	char		path[PATH_CAP];
	unsigned	id;
};

struct open_school {
	unsigned	id;
	char		code[13];
	char		name[XJ_ORGCSV_NAME_MAX * 4 + 1];
};

struct imp {
	const char		*file;
	const char		*scope_opt;	/* --scope, or NULL: the rows' province */
	int			 dry_run;
	unsigned char		 sha[32];
	struct xj_orgrow	*rows;
	size_t			 nrows;
	size_t			*by_code;	/* row indexes sorted by code */
	unsigned		*ids;		/* org id of each row, once known */
	char			 today[11];
	/* per transaction attempt */
	struct bureau		*cache;
	size_t			 ncache, capcache;
	struct bureau		 scope;
	int			 have_scope;
	long			 added, updated, closed, unchanged;
	int			 dry_done;		/* the dry run got to its end */
	struct imp_err		*errs;
	long			 nerrs, nerrs_pre;	/* all, and those found before the database */
	struct open_school	*gone;			/* closed by this import */
	size_t			 ngone, capgone;
};

static struct imp *sort_ctx;

static int
cmp_code(const void *a, const void *b)
{
	const struct xj_orgrow *r = sort_ctx->rows;
	int c = strcmp(r[*(const size_t *)a].code, r[*(const size_t *)b].code);

	if (c != 0)
		return c;
	return r[*(const size_t *)a].line < r[*(const size_t *)b].line ? -1 : 1;
}

/* The row listing code, or NULL. */
static const struct xj_orgrow *
row_of(struct imp *m, const char *code, size_t *idx)
{
	size_t lo = 0, hi = m->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->rows[m->by_code[mid]].code, code);

		if (c == 0) {
			/* the first of equal codes */
			while (mid > 0 && strcmp(m->rows[m->by_code[mid - 1]].code, code) == 0)
				mid--;
			if (idx)
				*idx = m->by_code[mid];
			return &m->rows[m->by_code[mid]];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void __attribute__((format(printf, 4, 5)))
err(struct imp *m, long line, const char *field, const char *fmt, ...)
{
	va_list ap;
	struct imp_err *e;
	int k;

	if (m->nerrs++ >= ERR_KEEP)
		return;
	e = &m->errs[m->nerrs - 1];
	e->line = line;
	k = snprintf(e->msg, sizeof(e->msg), "%s%s", field, *field ? ": " : "");
	if (k < 0 || (size_t)k >= sizeof(e->msg))
		k = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg + k, sizeof(e->msg) - (size_t)k, fmt, ap);
	va_end(ap);
}

static int
cmp_err(const void *a, const void *b)
{
	const struct imp_err *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/* ---- the file -------------------------------------------------------- */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		size_t k;

		if (n == cap) {
			char *nb;

			if (cap >= (size_t)FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap + 1)) == NULL)
				goto fail;
			buf = nb;
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* Read and check the file on its own: 0, or -1 (a message printed) when
 * it cannot be read at all. Row errors go to m->errs. */
static int
load(struct imp *m)
{
	static char f[XJ_ORGCSV_NCOLS + 1][XJ_ORGCSV_FIELD_MAX];
	struct xj_csv c;
	size_t len, cap = 0;
	const char *why, *field;
	char *buf;
	long line;
	int n;

	if ((buf = slurp(m->file, &len)) == NULL) {
		fprintf(stderr, "org import: cannot read %s: %s\n", m->file, strerror(errno));
		return -1;
	}
	EVP_Digest(buf, len, m->sha, NULL, EVP_sha256(), NULL);
	xj_csv_init(&c, buf, len);
	n = xj_csv_next(&c, f, XJ_ORGCSV_NCOLS + 1, &line, &why);
	if (n <= 0 || xj_orgcsv_header(f, n) != 0) {
		fprintf(stderr, "%s:%ld: the first line must be the header %s\n", m->file,
		    n == 0 ? 1 : line, XJ_ORGCSV_HEADER);
		free(buf);
		return -1;
	}
	while ((n = xj_csv_next(&c, f, XJ_ORGCSV_NCOLS + 1, &line, &why)) != 0) {
		if (m->nrows == cap) {
			struct xj_orgrow *nr;

			cap = cap ? cap * 2 : 1024;
			if ((nr = realloc(m->rows, cap * sizeof(*nr))) == NULL) {
				fprintf(stderr, "org import: out of memory\n");
				free(buf);
				return -1;
			}
			m->rows = nr;
		}
		if (n < 0)
			err(m, line, "", "%s", why);
		else if (xj_orgcsv_row(f, n, line, &m->rows[m->nrows], &field, &why) != 0)
			err(m, line, field, "%s", why);
		else
			m->nrows++;
	}
	free(buf);
	if ((m->by_code = malloc((m->nrows + 1) * sizeof(size_t))) == NULL ||
	    (m->ids = calloc(m->nrows + 1, sizeof(unsigned))) == NULL) {
		fprintf(stderr, "org import: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < m->nrows; i++)
		m->by_code[i] = i;
	sort_ctx = m;
	qsort(m->by_code, m->nrows, sizeof(size_t), cmp_code);
	/* against the file: one row a code, a branch's main campus listed
	 * and not a branch itself (R-ORG-2) */
	for (size_t i = 1; i < m->nrows; i++) {
		const struct xj_orgrow *a = &m->rows[m->by_code[i - 1]], *b = &m->rows[m->by_code[i]];

		if (strcmp(a->code, b->code) == 0)
			err(m, b->line, "code", "listed twice (first on line %ld)", a->line);
	}
	for (size_t i = 0; i < m->nrows; i++) {
		const struct xj_orgrow *r = &m->rows[i], *main;

		if (r->main[0] == '\0')
			continue;
		if ((main = row_of(m, r->main, NULL)) == NULL)
			err(m, r->line, "main_campus", "%s is not in the list", r->main);
		else if (main->main[0] != '\0')
			err(m, r->line, "main_campus", "%s is itself a branch of %s (line %ld)",
			    r->main, main->main, main->line);
	}
	m->nerrs_pre = m->nerrs;
	return 0;
}

/* ---- against the database -------------------------------------------- */

/* A bureau by code (cached for the attempt): XJ_OK, XJ_NO_ROW or an error. */
static int
bureau(struct xj_db *db, struct imp *m, const char *code, const struct bureau **out)
{
	struct bureau b;
	int rc;

	for (size_t i = 0; i < m->ncache; i++)
		if (strcmp(m->cache[i].code, code) == 0) {
			*out = m->cache[i].id ? &m->cache[i] : NULL;
			return *out ? XJ_OK : XJ_NO_ROW;
		}
	memset(&b, 0, sizeof(b));
	snprintf(b.code, sizeof(b.code), "%s", code);
	{
		struct xj_val v = XJ_VS(code);
		struct xj_col c[3] = { XJ_COL_INT, XJ_COL_STR(b.kind, sizeof(b.kind)),
		    XJ_COL_STR(b.path, sizeof(b.path)) };

		rc = xj_db_row(db, XJ_Q_ORGIMP_BUREAU, &v, 1, c, 3);
		if (rc != XJ_OK && rc != XJ_NO_ROW)
			return rc;
		b.id = rc == XJ_OK ? (unsigned)c[0].i : 0;
	}
	if (m->ncache == m->capcache) {
		struct bureau *nc;

		m->capcache = m->capcache ? m->capcache * 2 : 256;
		if ((nc = realloc(m->cache, m->capcache * sizeof(*nc))) == NULL)
			return XJ_E_INTERNAL;
		m->cache = nc;
	}
	m->cache[m->ncache++] = b;
	*out = b.id ? &m->cache[m->ncache - 1] : NULL;
	return *out ? XJ_OK : XJ_NO_ROW;
}

/* the canonical JSON of a school as the list states it (audit digests) */
static void
school_json(char *out, size_t cap, const char *code, const char *name, unsigned county,
    unsigned supervisor, const char *ownership, unsigned main, int licensed)
{
	char qn[XJ_ORGCSV_NAME_MAX * 8 + 1];

	(void)xj_json_escape(name, qn, sizeof(qn));
	snprintf(out, cap, "{\"code\":\"%s\",\"county_id\":%u,\"licensed\":%d,\"main_campus_id\":%u,"
	    "\"name\":\"%s\",\"ownership\":\"%s\",\"supervisor_id\":%u}", code, county, licensed,
	    main, qn, ownership, supervisor);
}

static int
audit(struct xj_db *db, const char *action, const char *target, const char *before,
    const char *after)
{
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "org-import", "" };
	struct xj_audit a = { action, "org", xj_str_c(target),
	    before ? xj_str_c(before) : XJ_STR_NULL, after ? xj_str_c(after) : XJ_STR_NULL };

	return xj_audit_append(db, &who, &a);
}

/* The scope whose open schools the list is complete for. */
static int
find_scope(struct xj_db *db, struct imp *m)
{
	const struct bureau *b;
	char province[7];
	int rc;

	if (m->scope_opt != NULL) {
		if ((rc = bureau(db, m, m->scope_opt, &b)) == XJ_NO_ROW) {
			fprintf(stderr, "org import: --scope %s: no bureau has this code\n", m->scope_opt);
			return XJ_E_NOT_FOUND;
		}
		if (rc != XJ_OK)
			return rc;
		m->scope = *b;
		m->have_scope = 1;
		return XJ_OK;
	}
	/* the province of the first row whose county exists: its path is
	 * /PROVINCE/CITY/COUNTY/ */
	for (size_t i = 0; i < m->nrows; i++) {
		if ((rc = bureau(db, m, m->rows[i].county, &b)) == XJ_NO_ROW)
			continue;
		if (rc != XJ_OK)
			return rc;
		if (strcmp(b->kind, "county") != 0 || strlen(b->path) < 8)
			continue;
		memcpy(province, b->path + 1, 6);
		province[6] = '\0';
		if ((rc = bureau(db, m, province, &b)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
		m->scope = *b;
		m->have_scope = 1;
		return XJ_OK;
	}
	return XJ_OK;	/* no row names a county: the rows' errors say so */
}

/* One row: checked, then added, updated or left. */
static int
apply_row(struct xj_db *db, struct imp *m, size_t i)
{
	const struct xj_orgrow *r = &m->rows[i];
	const struct bureau *county, *sup;
	char name[XJ_ORGCSV_NAME_MAX * 4 + 1], own[8], status[8];
	char before[1200], after[1200], path[PATH_CAP + 12];
	unsigned main = 0;
	int rc, bad = 0;
	struct xj_col c[8] = { XJ_COL_INT, XJ_COL_STR(name, sizeof(name)), XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_STR(own, sizeof(own)), XJ_COL_INT, XJ_COL_INT, XJ_COL_STR(status, sizeof(status)) };

	if ((rc = bureau(db, m, r->county, &county)) != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	if (county == NULL || strcmp(county->kind, "county") != 0) {
		err(m, r->line, "county", "no county bureau has the code %s", r->county);
		bad = 1;
	} else if (m->have_scope && strncmp(county->path, m->scope.path, strlen(m->scope.path)) != 0) {
		err(m, r->line, "county", "%s lies outside the import's scope (%s %s): one "
		    "province a file, or name a wider --scope", r->county, m->scope.kind,
		    m->scope.code);
		bad = 1;
	}
	if ((rc = bureau(db, m, r->supervisor, &sup)) != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	if (sup == NULL && strcmp(r->supervisor, r->county) == 0)
		bad = 1;	/* the county's error says it */
	else if (sup == NULL) {
		err(m, r->line, "supervisor", "no bureau has the code %s", r->supervisor);
		bad = 1;
	}
	if (r->main[0] != '\0') {
		size_t k;

		if (row_of(m, r->main, &k) != NULL)
			main = m->ids[k];
		if (main == 0)
			bad = 1;	/* the main campus's own row failed */
	}
	{
		struct xj_val v = XJ_VS(r->code);

		rc = xj_db_row(db, XJ_Q_ORGIMP_SCHOOL, &v, 1, c, 8);
	}
	if (rc != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	if (rc == XJ_OK) {
		if (strcmp(status, "open") != 0) {
			err(m, r->line, "code", "%s is a closed school: it is kept as it was and not "
			    "reopened (R-ORG-5); list the school under a new code", r->code);
			return XJ_OK;
		}
		if (county != NULL && (unsigned)c[2].i != county->id) {
			err(m, r->line, "county", "%s stands in another county in the database; a "
			    "school does not move: close it and list it under a new code", r->code);
			return XJ_OK;
		}
	}
	if (bad)
		return XJ_OK;	/* reported; any error rolls the whole import back */
	school_json(after, sizeof(after), r->code, r->name, county->id, sup->id, r->ownership,
	    main, r->licensed);
	if (rc == XJ_NO_ROW) {
		struct xj_val v[9];

		snprintf(path, sizeof(path), "%s%s/", county->path, r->code);
		v[0] = XJ_VS(r->code);
		v[1] = XJ_VS(r->name);
		v[2] = XJ_VI(county->id);
		v[3] = XJ_VS(path);
		v[4] = XJ_VI(county->id);
		v[5] = XJ_VI(sup->id);
		v[6] = XJ_VS(r->ownership);
		v[7] = main ? XJ_VI(main) : XJ_VNULL;
		v[8] = XJ_VI(r->licensed);
		if ((rc = xj_db_exec(db, XJ_Q_ORGIMP_INSERT, v, 9)) == XJ_E_CONFLICT) {
			err(m, r->line, "code", "%s collides with an org already stored", r->code);
			return XJ_OK;
		}
		if (rc != XJ_OK)
			return rc;
		m->ids[i] = (unsigned)xj_db_insert_id(db, XJ_Q_ORGIMP_INSERT);
		m->added++;
		return audit(db, "org.create", r->code, NULL, after);
	}
	m->ids[i] = (unsigned)c[0].i;
	if (strcmp(name, r->name) == 0 && (unsigned)c[3].i == sup->id &&
	    strcmp(own, r->ownership) == 0 && (unsigned)c[5].i == main && c[6].i == r->licensed) {
		m->unchanged++;
		return XJ_OK;
	}
	school_json(before, sizeof(before), r->code, name, (unsigned)c[2].i, (unsigned)c[3].i, own,
	    (unsigned)c[5].i, (int)c[6].i);
	{
		struct xj_val v[6] = { XJ_VS(r->name), XJ_VI(sup->id), XJ_VS(r->ownership),
		    main ? XJ_VI(main) : XJ_VNULL, XJ_VI(r->licensed), XJ_VI(m->ids[i]) };

		if ((rc = xj_db_exec(db, XJ_Q_ORGIMP_UPDATE, v, 6)) != XJ_OK)
			return rc;
	}
	m->updated++;
	return audit(db, "org.update", r->code, before, after);
}

/* Close the scope's open schools the list does not name (R-ORG-5). */
static int
close_vanished(struct xj_db *db, struct imp *m)
{
	struct open_school s;
	char like[PATH_CAP + 2], before[1200], qn[XJ_ORGCSV_NAME_MAX * 8 + 1];
	int rc;

	snprintf(like, sizeof(like), "%s%%", m->scope.path);
	{
		struct xj_val v = XJ_VS(like);
		struct xj_col c[3] = { XJ_COL_INT, XJ_COL_STR(s.code, sizeof(s.code)),
		    XJ_COL_STR(s.name, sizeof(s.name)) };

		if ((rc = xj_db_exec(db, XJ_Q_ORGIMP_OPEN_IN, &v, 1)) != XJ_OK)
			return rc;
		while ((rc = xj_db_fetch(db, XJ_Q_ORGIMP_OPEN_IN, c, 3)) == XJ_OK) {
			s.id = (unsigned)c[0].i;
			if (row_of(m, s.code, NULL) != NULL)
				continue;
			if (m->ngone == m->capgone) {
				struct open_school *ng;

				m->capgone = m->capgone ? m->capgone * 2 : 64;
				if ((ng = realloc(m->gone, m->capgone * sizeof(*ng))) == NULL) {
					rc = XJ_E_INTERNAL;
					break;
				}
				m->gone = ng;
			}
			m->gone[m->ngone++] = s;
		}
		xj_db_done(db, XJ_Q_ORGIMP_OPEN_IN);
		if (rc != XJ_NO_ROW)
			return rc;
	}
	for (size_t i = 0; i < m->ngone; i++) {
		struct xj_val v[2] = { XJ_VS(m->today), XJ_VI(m->gone[i].id) };

		if ((rc = xj_db_exec(db, XJ_Q_ORGIMP_CLOSE, v, 2)) != XJ_OK)
			return rc;
		(void)xj_json_escape(m->gone[i].name, qn, sizeof(qn));
		snprintf(before, sizeof(before), "{\"code\":\"%s\",\"name\":\"%s\",\"status\":\"open\"}",
		    m->gone[i].code, qn);
		if ((rc = audit(db, "org.close", m->gone[i].code, before,
		    "{\"status\":\"closed\"}")) != XJ_OK)
			return rc;
		m->closed++;
	}
	return XJ_OK;
}

static int
import_tx(struct xj_db *db, void *arg)
{
	struct imp *m = arg;
	char summary[400], hex[65];
	int rc;

	/* a rerun (deadlock) starts over: database findings and counts */
	m->nerrs = m->nerrs_pre;
	m->ncache = 0;
	m->have_scope = 0;
	m->added = m->updated = m->closed = m->unchanged = 0;
	m->ngone = 0;
	memset(m->ids, 0, (m->nrows + 1) * sizeof(unsigned));
	m->dry_done = 0;
	if ((rc = find_scope(db, m)) != XJ_OK)
		return rc;
	/* no row names a known county: the rows' errors say so */
	if (m->have_scope) {
		/* one import of a scope at a time: the scope's org row is the lock */
		struct xj_val v = XJ_VI(m->scope.id);
		struct xj_col c = XJ_COL_INT;

		if ((rc = xj_db_row(db, XJ_Q_ORGIMP_LOCK, &v, 1, &c, 1)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	}
	/* main campuses first: a branch refers to its main campus's id */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->nrows; i++)
			if ((m->rows[i].main[0] != '\0') == pass &&
			    (rc = apply_row(db, m, i)) != XJ_OK)
				return rc;
	if (m->nerrs > 0 || !m->have_scope)
		return XJ_E_VALIDATION;
	if ((rc = close_vanished(db, m)) != XJ_OK)
		return rc;
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", m->sha[i]);
	snprintf(summary, sizeof(summary), "{\"added\":%ld,\"closed\":%ld,\"file_sha256\":\"%s\","
	    "\"rows\":%zu,\"scope\":\"%s\",\"unchanged\":%ld,\"updated\":%ld}", m->added, m->closed,
	    hex, m->nrows, m->scope.code, m->unchanged, m->updated);
	if ((rc = audit(db, "org.import", m->scope.code, NULL, summary)) != XJ_OK)
		return rc;
	if (m->dry_run) {
		m->dry_done = 1;
		return XJ_E_CONFLICT;	/* a dry run rolls back */
	}
	return XJ_OK;
}

int
xj_ctl_org(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scope", required_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct imp m;
	struct xj_localtime now;
	int ch, rc, ret = 1;

	memset(&m, 0, sizeof(m));
	if (argc < 2 || strcmp(argv[1], "import") != 0)
		return xj_ctl_usage(argv[0]);
	argc--;
	argv++;
	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 's': m.scope_opt = optarg; break;
		case 'n': m.dry_run = 1; break;
		default: return xj_ctl_usage("org");
		}
	if (optind + 1 != argc ||
	    (m.scope_opt && !xj_orgcsv_digits(m.scope_opt, 6)))
		return xj_ctl_usage("org");
	m.file = argv[optind];
	if ((m.errs = calloc(ERR_KEEP, sizeof(*m.errs))) == NULL) {
		fprintf(stderr, "org import: out of memory\n");
		return 1;
	}
	xj_utc_to_shanghai((long long)time(NULL), &now);
	snprintf(m.today, sizeof(m.today), "%04d-%02d-%02d", now.year, now.month, now.day);
	if (load(&m) != 0)
		goto out;
	if (m.nrows == 0 && m.nerrs == 0) {
		/* it would close every school of the scope: never what is meant */
		fprintf(stderr, "org import: %s lists no school; nothing was written\n", m.file);
		goto out;
	}
	rc = xj_tx_run(&x->db, import_tx, &m);
	if (rc == XJ_E_VALIDATION) {
		long shown = m.nerrs < ERR_KEEP ? m.nerrs : ERR_KEEP;

		qsort(m.errs, (size_t)shown, sizeof(*m.errs), cmp_err);
		for (long i = 0; i < shown; i++)
			fprintf(stderr, "%s:%ld: %s\n", m.file, m.errs[i].line, m.errs[i].msg);
		if (m.nerrs > shown)
			fprintf(stderr, "... and %ld more errors\n", m.nerrs - shown);
		fprintf(stderr, "org import: %ld error%s in %s; nothing was written\n", m.nerrs,
		    m.nerrs == 1 ? "" : "s", m.file);
		goto out;
	}
	if (rc != XJ_OK && !(m.dry_done && rc == XJ_E_CONFLICT)) {
		if (rc != XJ_E_NOT_FOUND)	/* --scope unknown: said already */
			fprintf(stderr, "org import: failed (%s, MariaDB error %u); nothing was "
			    "written\n", xj_err_info(rc)->code, x->db.err);
		goto out;
	}
	for (size_t i = 0; i < m.ngone; i++)
		printf("closed: %s %s\n", m.gone[i].code, m.gone[i].name);
	printf("org import%s: %s %s: %ld added, %ld updated, %ld closed, %ld unchanged\n",
	    m.dry_run ? " (dry run, nothing written)" : "", m.scope.kind, m.scope.code,
	    m.added, m.updated, m.closed, m.unchanged);
	ret = 0;
out:
	free(m.rows);
	free(m.by_code);
	free(m.ids);
	free(m.cache);
	free(m.errs);
	free(m.gone);
	return ret;
}
