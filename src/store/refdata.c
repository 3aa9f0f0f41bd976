/* refdata.c -- reference data load, publish and lookup (see refdata.h). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "refdata.h"
#include "sql.h"

static pthread_rwlock_t lock;
static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;
static struct xj_refdata *current;
static unsigned long generation;
static __thread int held;	/* this thread's request holds the read lock */

void
xj_ref_global_init(void)
{
	pthread_rwlockattr_t at;

	pthread_rwlockattr_init(&at);
	/* a reload must not starve behind a steady stream of readers */
	pthread_rwlockattr_setkind_np(&at, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&lock, &at);
	pthread_rwlockattr_destroy(&at);
}

static void
ref_free(struct xj_refdata *d)
{
	if (d == NULL)
		return;
	free(d->div);
	free(d->hist);
	free(d->eth);
	free(d->doc);
	free(d);
}

void
xj_ref_global_fini(void)
{
	ref_free(current);
	current = NULL;
	pthread_rwlock_destroy(&lock);
}

/* Grow-as-you-go array of fixed-size rows. */
static void *
push(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		void *p = realloc(*arr, nc * size);
		if (p == NULL)
			return NULL;
		*arr = p;
		*cap = nc;
	}
	return (char *)*arr + (*n)++ * size;
}

static int
load_codes(struct xj_db *db, int q, struct xj_ref_code **out, size_t *n)
{
	struct xj_col c[2];
	char code[8], name[257];
	size_t cap = 0;
	int rc;

	if ((rc = xj_db_exec(db, q, NULL, 0)) != XJ_OK)
		return rc;
	c[0] = XJ_COL_STR(code, sizeof(code));
	c[1] = XJ_COL_STR(name, sizeof(name));
	while ((rc = xj_db_fetch(db, q, c, 2)) == XJ_OK) {
		struct xj_ref_code *r = push((void **)out, n, &cap, sizeof(*r));
		if (r == NULL) {
			rc = XJ_E_INTERNAL;
			break;
		}
		snprintf(r->code, sizeof(r->code), "%s", code);
		snprintf(r->name, sizeof(r->name), "%s", name);
	}
	xj_db_done(db, q);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

static int
load(struct xj_db *db, struct xj_refdata *d)
{
	struct xj_col c[4];
	char code[8], name[257], parent[8];
	size_t cap = 0;
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_REF_DIVISIONS, NULL, 0)) != XJ_OK)
		return rc;
	c[0] = XJ_COL_STR(code, sizeof(code));
	c[1] = XJ_COL_STR(name, sizeof(name));
	c[2] = XJ_COL_INT;
	c[3] = XJ_COL_STR(parent, sizeof(parent));
	while ((rc = xj_db_fetch(db, XJ_Q_REF_DIVISIONS, c, 4)) == XJ_OK) {
		struct xj_ref_div *r = push((void **)&d->div, &d->ndiv, &cap, sizeof(*r));
		if (r == NULL) {
			rc = XJ_E_INTERNAL;
			break;
		}
		snprintf(r->code, sizeof(r->code), "%s", code);
		snprintf(r->name, sizeof(r->name), "%s", name);
		r->level = (int)c[2].i;
		snprintf(r->parent, sizeof(r->parent), "%s", parent);
	}
	xj_db_done(db, XJ_Q_REF_DIVISIONS);
	if (rc != XJ_NO_ROW)
		return rc;

	if ((rc = xj_db_exec(db, XJ_Q_REF_HISTORY_CODES, NULL, 0)) != XJ_OK)
		return rc;
	cap = 0;
	c[0] = XJ_COL_STR(code, sizeof(code));
	while ((rc = xj_db_fetch(db, XJ_Q_REF_HISTORY_CODES, c, 1)) == XJ_OK) {
		char *r = push((void **)&d->hist, &d->nhist, &cap, sizeof(*d->hist));
		if (r == NULL) {
			rc = XJ_E_INTERNAL;
			break;
		}
		snprintf(r, 7, "%s", code);
	}
	xj_db_done(db, XJ_Q_REF_HISTORY_CODES);
	if (rc != XJ_NO_ROW)
		return rc;
	if ((rc = load_codes(db, XJ_Q_REF_ETHNICITIES, &d->eth, &d->neth)) != XJ_OK)
		return rc;
	return load_codes(db, XJ_Q_REF_DOC_TYPES, &d->doc, &d->ndoc);
}

int
xj_ref_reload(struct xj_db *db)
{
	struct xj_refdata *d = calloc(1, sizeof(*d)), *old;
	int rc;

	if (d == NULL)
		return XJ_E_INTERNAL;
	if ((rc = load(db, d)) != XJ_OK) {
		ref_free(d);
		return rc;
	}
	d->loaded_at = time(NULL);
	pthread_rwlock_wrlock(&lock);
	old = current;
	d->generation = ++generation;
	current = d;
	pthread_rwlock_unlock(&lock);
	ref_free(old);		/* no reader can hold it: we had the write lock */
	xj_log(XJ_LOG_INFO, "refdata_loaded", "%ld%ld%ld", "generation",
	    (long)d->generation, "divisions", (long)d->ndiv,
	    "history_codes", (long)d->nhist);
	return XJ_OK;
}

static void
release(void *arg)
{
	(void)arg;
	held = 0;
	pthread_rwlock_unlock(&lock);
}

const struct xj_refdata *
xj_ref_acquire(struct xj_db *db, struct xj_arena *a)
{
	/* a second rdlock by one thread could deadlock behind a waiting
	 * writer; within one request the data cannot change anyway */
	if (held)
		return current;
	pthread_rwlock_rdlock(&lock);
	if (current == NULL) {
		pthread_rwlock_unlock(&lock);
		pthread_mutex_lock(&load_mu);
		if (current == NULL)
			xj_ref_reload(db);
		pthread_mutex_unlock(&load_mu);
		pthread_rwlock_rdlock(&lock);
		if (current == NULL) {
			pthread_rwlock_unlock(&lock);
			return NULL;
		}
	}
	if (xj_arena_cleanup(a, release, NULL) != 0) {
		pthread_rwlock_unlock(&lock);
		return NULL;
	}
	held = 1;
	return current;
}

static int
cmp_div(const void *k, const void *e)
{
	return strcmp(k, ((const struct xj_ref_div *)e)->code);
}

static int
cmp_code(const void *k, const void *e)
{
	return strcmp(k, ((const struct xj_ref_code *)e)->code);
}

static int
cmp_hist(const void *k, const void *e)
{
	return strcmp(k, (const char *)e);
}

const struct xj_ref_div *
xj_ref_division(const struct xj_refdata *d, const char *code6)
{
	return d->ndiv ? bsearch(code6, d->div, d->ndiv, sizeof(*d->div), cmp_div) : NULL;
}

int
xj_ref_code_ever(const struct xj_refdata *d, const char *code6)
{
	return d->nhist && bsearch(code6, d->hist, d->nhist, sizeof(*d->hist), cmp_hist) != NULL;
}

const struct xj_ref_code *
xj_ref_ethnicity(const struct xj_refdata *d, const char *code)
{
	return d->neth ? bsearch(code, d->eth, d->neth, sizeof(*d->eth), cmp_code) : NULL;
}

const struct xj_ref_code *
xj_ref_doc_type(const struct xj_refdata *d, const char *code)
{
	return d->ndoc ? bsearch(code, d->doc, d->ndoc, sizeof(*d->doc), cmp_code) : NULL;
}
