/* schema.c -- the schema level this build expects (src/store/schema.h)
 * against the migrations in the source tree: XJ_SCHEMA_VERSION is the
 * highest NNNN of sql/NNNN_name.sql, the numbers run 0001, 0002, ...
 * without gap or repeat, every file is named so that the runner
 * (src/store/migrate.c) picks it up, and every one is installed. Fails
 * when a migration is added without raising XJ_SCHEMA_VERSION.
 * XJ_SRCDIR is the absolute source directory, defined by Makefile.am. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/schema.h"
#include "tap.h"

#ifndef XJ_SRCDIR
#error "XJ_SRCDIR (the source directory, a string) must be defined"
#endif

#define MAX_FILES	1000

struct mig {
	int	 num;
	char	 name[256];
};

static struct mig	migs[MAX_FILES];
static int		nmigs;

/* NNNN_[a-z0-9_]+.sql */
static int
well_named(const char *s)
{
	size_t len = strlen(s);

	return len > 9 && strspn(s, "0123456789") == 4 && s[4] == '_' &&
	    strcmp(s + len - 4, ".sql") == 0 &&
	    strspn(s + 5, "abcdefghijklmnopqrstuvwxyz0123456789_") == len - 9;
}

static int
cmp_mig(const void *a, const void *b)
{
	return ((const struct mig *)a)->num - ((const struct mig *)b)->num;
}

/* Every *.sql file directly in sql/; 0, or -1 if the directory is unreadable. */
static int
list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && nmigs < MAX_FILES) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		migs[nmigs].num = atoi(e->d_name);
		snprintf(migs[nmigs].name, sizeof(migs[0].name), "%s", e->d_name);
		nmigs++;
	}
	closedir(d);
	qsort(migs, (size_t)nmigs, sizeof(migs[0]), cmp_mig);
	return 0;
}

static char *
read_text(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long sz;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (sz = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)sz + 1)) != NULL) {
		if (fread(buf, 1, (size_t)sz, fp) == (size_t)sz)
			buf[sz] = '\0';
		else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(fp);
	return buf;
}

int
main(void)
{
	const char *dir = XJ_SRCDIR "/sql";
	int all_named = 1, unique = 1, contiguous = 1, installed = 1;
	char *mk, want[300];

	plan_lazy();
	if (list(dir) != 0) {
		printf("Bail out! %s: %s\n", dir, strerror(errno));
		return 1;
	}
	ok(nmigs > 0, "schema: sql/ holds migrations");

	for (int i = 0; i < nmigs; i++)
		if (!well_named(migs[i].name)) {
			diag("badly named: sql/%s", migs[i].name);
			all_named = 0;
		}
	ok(all_named, "schema: every sql/*.sql file is named NNNN_[a-z0-9_]+.sql");

	for (int i = 1; i < nmigs; i++)
		if (migs[i].num == migs[i - 1].num) {
			diag("sql/%s and sql/%s share a number", migs[i - 1].name,
			    migs[i].name);
			unique = 0;
		}
	ok(unique, "schema: migration numbers are unique");

	for (int i = 0, next = 1; i < nmigs && contiguous; i++) {
		if (i > 0 && migs[i].num == migs[i - 1].num)
			continue;	/* a repeat, reported above */
		if (migs[i].num != next) {
			diag("sql/%s: expected number %04d", migs[i].name, next);
			contiguous = 0;
		}
		next++;
	}
	ok(contiguous, "schema: migration numbers run from 0001 without a gap");

	if (!is_int(XJ_SCHEMA_VERSION, nmigs ? migs[nmigs - 1].num : -1,
	    "schema: XJ_SCHEMA_VERSION is the highest migration number"))
		diag("raise XJ_SCHEMA_VERSION in src/store/schema.h with each migration");

	/* make install copies only what dist_sql_DATA lists */
	if ((mk = read_text(XJ_SRCDIR "/Makefile.am")) == NULL) {
		ok(0, "schema: Makefile.am readable");
		return done_testing();
	}
	for (int i = 0; i < nmigs; i++) {
		snprintf(want, sizeof(want), "sql/%s", migs[i].name);
		if (strstr(mk, want) == NULL) {
			diag("%s is not in Makefile.am", want);
			installed = 0;
		}
	}
	ok(installed, "schema: every migration is listed in Makefile.am (dist_sql_DATA)");
	free(mk);
	return done_testing();
}
