/* calendar.c -- xuejictl calendar import FILE and calendar status: the
 * working-day calendar (R-MOV-3, docs/operations.md "Working-day
 * calendar"). A file is CSV, one special day a line:
 *
 *   # source: 国务院办公厅关于2026年部分节假日安排的通知 (...)
 *   date,kind,name[,province]
 *   2026-02-15,holiday,春节
 *   2026-02-14,workday,春节调休上班
 *
 * Lines starting with '#' are comments; "# source: TEXT" names the notice
 * (or --source). No quoting: names hold no comma. Every row is checked
 * first and every error printed with its line number; one error and
 * nothing is written. Then each (year, province) the file covers replaces
 * what was there for it, all in one transaction with one audit entry per
 * (year, province): importing the same file again changes nothing. */
#include "config.h"

#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/err.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/workday.h"
#include "store/audit.h"
#include "store/calendar.h"
#include "store/sql.h"
#include "ctl.h"

#define MAX_FILE	(1024 * 1024)
#define MAX_ROWS	4000
#define MAX_GROUPS	64
#define MAX_ERRORS	50
#define NAME_CHARS	32	/* calendar_day.name VARCHAR(32) */

struct group {
	int	year;
	char	province[7];	/* "" national */
	int	first, n;	/* rows[first .. first + n) after sorting */
	char	digest[65];	/* of the rows and the source */
	int	changed;	/* set by import_tx */
};

struct imp {
	const char		*path;
	char			*text;
	size_t			 len;
	char			 source[513];
	struct xj_calendar_row	*rows;
	char			(*prov)[7];
	int			*line;
	int			 nrows;
	struct group		 groups[MAX_GROUPS];
	int			 ngroups;
	int			 errors;
};

static void	row_error(struct imp *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
row_error(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	if (++im->errors <= MAX_ERRORS) {
		fprintf(stderr, "%s:%d: ", im->path, line);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

/* Characters of a UTF-8 string, or -1 when it is not valid UTF-8 or holds
 * a control character. */
static int
utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0, more;

	while (*p) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if (*p < 0x80)
			more = 0;
		else if ((*p & 0xe0) == 0xc0 && *p >= 0xc2)
			more = 1;
		else if ((*p & 0xf0) == 0xe0)
			more = 2;
		else if ((*p & 0xf8) == 0xf0 && *p <= 0xf4)
			more = 3;
		else
			return -1;
		p++;
		while (more-- > 0) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			p++;
		}
		n++;
	}
	return n;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int
read_file(struct imp *im)
{
	FILE *f = fopen(im->path, "rb");
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "calendar import: cannot open %s\n", im->path);
		return -1;
	}
	im->text = malloc(MAX_FILE + 1);
	n = im->text ? fread(im->text, 1, MAX_FILE + 1, f) : 0;
	fclose(f);
	if (im->text == NULL || n > MAX_FILE) {
		fprintf(stderr, "calendar import: %s: larger than %d bytes\n", im->path, MAX_FILE);
		return -1;
	}
	im->text[n] = '\0';
	im->len = n;
	if (strlen(im->text) != n) {
		fprintf(stderr, "calendar import: %s: holds a NUL byte\n", im->path);
		return -1;
	}
	return 0;
}

static int
cmp_row(const void *a, const void *b, void *arg)
{
	const struct imp *im = arg;
	int i = *(const int *)a, j = *(const int *)b, c;

	if ((c = strcmp(im->prov[i], im->prov[j])) != 0)
		return c;
	return strcmp(im->rows[i].date, im->rows[j].date);
}

/* Parse and check the whole file; rows into im, errors printed. */
static void
parse(struct imp *im)
{
	char *line, *next, *f[5];
	int lineno = 0, header = 0, ncols = 0;

	for (line = im->text; line != NULL; line = next) {
		char *s;
		int nf = 0;
		long long day;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		s = trim(line);
		if (*s == '\0')
			continue;
		if (*s == '#') {
			s = trim(s + 1);
			if (strncmp(s, "source:", 7) == 0 && im->source[0] == '\0') {
				s = trim(s + 7);
				if (strlen(s) >= sizeof(im->source) || utf8_chars(s) < 0)
					row_error(im, lineno, "%s", "the source is longer than 512 bytes or not UTF-8");
				else
					snprintf(im->source, sizeof(im->source), "%s", s);
			}
			continue;
		}
		for (f[nf++] = s; nf < 5 && (s = strchr(s, ',')) != NULL; f[nf++] = ++s)
			*s = '\0';
		for (int i = 0; i < nf; i++)
			f[i] = trim(f[i]);
		if (!header) {
			header = 1;
			if (nf == 3 && !strcmp(f[0], "date") && !strcmp(f[1], "kind") && !strcmp(f[2], "name"))
				ncols = 3;
			else if (nf == 4 && !strcmp(f[0], "date") && !strcmp(f[1], "kind") &&
			    !strcmp(f[2], "name") && !strcmp(f[3], "province"))
				ncols = 4;
			else {
				row_error(im, lineno, "%s", "the header must be date,kind,name or date,kind,name,province");
				return;
			}
			continue;
		}
		if (nf != ncols && !(ncols == 4 && nf == 3)) {
			row_error(im, lineno, "%s", ncols == 3 ? "expected 3 fields: date,kind,name (names hold no comma)" :
			    "expected 3 or 4 fields: date,kind,name[,province] (names hold no comma)");
			continue;
		}
		if (im->nrows == MAX_ROWS) {
			row_error(im, lineno, "%s", "more than 4000 rows in one file");
			return;
		}
		{
			struct xj_calendar_row *r = &im->rows[im->nrows];
			char *pv = im->prov[im->nrows];
			int bad = 0, nchars;

			memset(r, 0, sizeof(*r));
			pv[0] = '\0';
			if (xj_workday_parse(f[0], &day) != 0) {
				row_error(im, lineno, "date '%.20s' is not a real date YYYY-MM-DD", f[0]);
				bad = 1;
			} else
				snprintf(r->date, sizeof(r->date), "%s", f[0]);
			if (strcmp(f[1], "holiday") == 0)
				r->kind = XJ_DAY_HOLIDAY;
			else if (strcmp(f[1], "workday") == 0)
				r->kind = XJ_DAY_WORKDAY;
			else {
				row_error(im, lineno, "kind '%.20s' is neither holiday nor workday", f[1]);
				bad = 1;
			}
			nchars = utf8_chars(f[2]);
			if (nchars < 1 || nchars > NAME_CHARS) {
				row_error(im, lineno, "%s", "name: 1 to 32 characters of UTF-8 text");
				bad = 1;
			} else
				snprintf(r->name, sizeof(r->name), "%s", f[2]);
			if (nf == 4 && f[3][0] != '\0') {
				if (strlen(f[3]) != 6 || strspn(f[3], "0123456789") != 6 ||
				    strcmp(f[3] + 2, "0000") != 0 || strncmp(f[3], "00", 2) == 0) {
					row_error(im, lineno, "province '%.20s' is not a province code xx0000", f[3]);
					bad = 1;
				} else
					memcpy(pv, f[3], 7);
			}
			/* a make-up working day (调休) is always a weekend day */
			if (!bad && r->kind == XJ_DAY_WORKDAY &&
			    xj_workday_wday(day) != 0 && xj_workday_wday(day) != 6) {
				row_error(im, lineno, "%s is a weekday: a workday row is a make-up working "
				    "Saturday or Sunday", r->date);
				bad = 1;
			}
			if (!bad)
				im->line[im->nrows++] = lineno;
		}
	}
	if (!header)
		row_error(im, lineno, "%s", "no header line date,kind,name[,province]");
	if (im->source[0] == '\0')
		row_error(im, lineno, "%s", "no source: a '# source: ...' line naming the notice, or --source");
}

/* SHA-256 over the source and the group's rows in order, as hex. */
static void
digest(const struct imp *im, struct group *g)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	g->digest[0] = '\0';	/* matches no stored digest: imported anew */
	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		goto out;
	EVP_DigestUpdate(c, im->source, strlen(im->source) + 1);
	for (int i = g->first; i < g->first + g->n; i++) {
		const struct xj_calendar_row *r = &im->rows[i];

		EVP_DigestUpdate(c, r->date, 10);
		EVP_DigestUpdate(c, r->kind == XJ_DAY_HOLIDAY ? "h" : "w", 1);
		EVP_DigestUpdate(c, r->name, strlen(r->name) + 1);
	}
	if (EVP_DigestFinal_ex(c, md, &mdlen) != 1 || mdlen != 32)
		goto out;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(g->digest + 2 * i, 3, "%02x", md[i]);
out:
	EVP_MD_CTX_free(c);
}

/* Sort by (province, date); find duplicates and the (year, province)
 * groups. */
static void
group(struct imp *im)
{
	int *ix = malloc(sizeof(int) * (size_t)(im->nrows ? im->nrows : 1));
	struct xj_calendar_row *rows = malloc(sizeof(*rows) * (size_t)(im->nrows ? im->nrows : 1));
	char (*prov)[7] = malloc(sizeof(*prov) * (size_t)(im->nrows ? im->nrows : 1));
	int *line = malloc(sizeof(int) * (size_t)(im->nrows ? im->nrows : 1));
	int i;

	if (!ix || !rows || !prov || !line) {
		im->errors++;
		fprintf(stderr, "calendar import: out of memory\n");
		goto out;
	}
	for (i = 0; i < im->nrows; i++)
		ix[i] = i;
	qsort_r(ix, (size_t)im->nrows, sizeof(int), cmp_row, im);
	for (i = 0; i < im->nrows; i++) {
		rows[i] = im->rows[ix[i]];
		memcpy(prov[i], im->prov[ix[i]], 7);
		line[i] = im->line[ix[i]];
	}
	memcpy(im->rows, rows, sizeof(*rows) * (size_t)im->nrows);
	memcpy(im->prov, prov, sizeof(*prov) * (size_t)im->nrows);
	memcpy(im->line, line, sizeof(int) * (size_t)im->nrows);
	for (i = 0; i < im->nrows; i++) {
		int year = atoi(im->rows[i].date);
		struct group *g = im->ngroups ? &im->groups[im->ngroups - 1] : NULL;

		if (i > 0 && strcmp(im->prov[i], im->prov[i - 1]) == 0 &&
		    strcmp(im->rows[i].date, im->rows[i - 1].date) == 0) {
			char msg[64];

			snprintf(msg, sizeof(msg), "line %d", im->line[i - 1]);
			row_error(im, im->line[i], "the same date and province as %s", msg);
			continue;
		}
		if (g == NULL || g->year != year || strcmp(g->province, im->prov[i]) != 0) {
			if (im->ngroups == MAX_GROUPS) {
				row_error(im, im->line[i], "%s", "more than 64 (year, province) sets in one file");
				break;
			}
			g = &im->groups[im->ngroups++];
			g->year = year;
			memcpy(g->province, im->prov[i], 7);
			g->first = i;
			g->n = 0;
		}
		g->n++;
	}
	for (i = 0; i < im->ngroups; i++)
		digest(im, &im->groups[i]);
out:
	free(ix);
	free(rows);
	free(prov);
	free(line);
}

static int
import_tx(struct xj_db *db, void *arg)
{
	struct imp *im = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl", "" };
	int rc = XJ_OK;

	for (int i = 0; i < im->ngroups && rc == XJ_OK; i++) {
		struct group *g = &im->groups[i];
		char target[16], old[65];
		struct xj_audit a = { "calendar.import", "calendar_year", XJ_STR_NULL,
		    XJ_STR_NULL, XJ_STR_NULL };

		g->changed = 0;
		rc = xj_calendar_year_digest(db, g->year, g->province, old);
		if (rc == XJ_OK && strcmp(old, g->digest) == 0)
			continue;	/* the same set again: nothing to change or audit */
		if (rc != XJ_OK && rc != XJ_NO_ROW)
			break;
		snprintf(target, sizeof(target), "%d%s%s", g->year, g->province[0] ? "/" : "",
		    g->province);
		a.target_id = xj_str_c(target);
		a.before = rc == XJ_OK ? xj_str_c(old) : XJ_STR_NULL;
		a.after = xj_str_c(g->digest);
		if ((rc = xj_calendar_replace_year(db, g->year, g->province, im->rows + g->first,
		    g->n, im->source, g->digest)) == XJ_OK)
			rc = xj_audit_append(db, &who, &a);
		g->changed = 1;
	}
	return rc;
}

int
xj_ctl_calendar_import_file(struct xj_db *db, const char *path, const char *source)
{
	struct imp im;
	int rc, status = 1;
	char *copy = NULL;

	memset(&im, 0, sizeof(im));
	im.path = path;
	if (source != NULL)
		snprintf(im.source, sizeof(im.source), "%s", source);
	im.rows = calloc(MAX_ROWS, sizeof(*im.rows));
	im.prov = calloc(MAX_ROWS, sizeof(*im.prov));
	im.line = calloc(MAX_ROWS, sizeof(*im.line));
	if (!im.rows || !im.prov || !im.line || read_file(&im) != 0)
		goto out;
	/* parse() cuts the text into fields; the audit digest is of the file */
	if ((copy = malloc(im.len + 1)) == NULL)
		goto out;
	memcpy(copy, im.text, im.len + 1);
	parse(&im);
	group(&im);	/* duplicates among the good rows are errors too */
	if (im.errors == 0 && im.nrows == 0)
		row_error(&im, 1, "%s", "no rows: a year without special days is still a file with its rows");
	if (im.errors > 0) {
		if (im.errors > MAX_ERRORS)
			fprintf(stderr, "%s: %d more errors\n", path, im.errors - MAX_ERRORS);
		fprintf(stderr, "calendar import: %s: %d error%s, nothing imported\n", path,
		    im.errors, im.errors == 1 ? "" : "s");
		status = 1;
		goto out;
	}
	memcpy(im.text, copy, im.len + 1);
	if ((rc = xj_tx_run(db, import_tx, &im)) != XJ_OK) {
		fprintf(stderr, "calendar import: %s: failed (%s, MariaDB error %u), nothing imported\n",
		    path, xj_err_info(rc)->code, db->err);
		goto out;
	}
	for (int i = 0; i < im.ngroups; i++)
		printf("calendar %d %s: %d special days %s from %s\n", im.groups[i].year,
		    im.groups[i].province[0] ? im.groups[i].province : "national", im.groups[i].n,
		    im.groups[i].changed ? "imported" : "unchanged", path);
	status = 0;
out:
	free(copy);
	free(im.text);
	free(im.rows);
	free(im.prov);
	free(im.line);
	return status;
}

static int
status_cmd(struct xj_ctl *x)
{
	char prov[8], at[32], source[520];
	struct xj_col c[5] = { XJ_COL_INT, XJ_COL_STR(prov, sizeof(prov)), XJ_COL_INT,
	    XJ_COL_STR(at, sizeof(at)), XJ_COL_STR(source, sizeof(source)) };
	int rc, n = 0;

	if ((rc = xj_db_exec(&x->db, XJ_Q_CAL_YEARS_LIST, NULL, 0)) != XJ_OK)
		goto fail;
	while ((rc = xj_db_fetch(&x->db, XJ_Q_CAL_YEARS_LIST, c, 5)) == XJ_OK) {
		printf("%lld %-8s %3lld days  imported %s UTC  source: %s\n", c[0].i,
		    prov[0] ? prov : "national", c[2].i, at, source);
		n++;
	}
	xj_db_done(&x->db, XJ_Q_CAL_YEARS_LIST);
	if (rc != XJ_NO_ROW)
		goto fail;
	if (n == 0)
		printf("no calendar imported: every deadline is provisional (weekends only)\n");
	return 0;
fail:
	fprintf(stderr, "calendar status: failed (%s, MariaDB error %u)\n", xj_err_info(rc)->code,
	    x->db.err);
	return 1;
}

int
xj_ctl_calendar(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *source = NULL;
	int ch;

	if (argc < 2)
		return xj_ctl_usage("calendar");
	if (strcmp(argv[1], "status") == 0 && argc == 2)
		return status_cmd(x);
	if (strcmp(argv[1], "import") != 0)
		return xj_ctl_usage("calendar");
	while ((ch = xj_ctl_getopt(argc - 1, argv + 1, "s:", opts)) != -1)
		switch (ch) {
		case 's': source = optarg; break;
		default: return xj_ctl_usage("calendar");
		}
	if (optind + 1 != argc - 1)
		return xj_ctl_usage("calendar");
	return xj_ctl_calendar_import_file(&x->db, argv[optind + 1], source);
}

int
xj_ctl_calendar_import_dir(struct xj_db *db, const char *dir, int *files)
{
	struct dirent **names = NULL;
	int n, i, rc = 0;

	*files = 0;
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		size_t len = strlen(nm);
		char path[1024];

		if (rc == 0 && len > 4 && strcmp(nm + len - 4, ".csv") == 0 && nm[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, nm);
			if (xj_ctl_calendar_import_file(db, path, NULL) != 0)
				rc = -1;
			else
				(*files)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}
