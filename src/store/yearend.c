/* yearend.c -- year-end batches in the database (see yearend.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "domain/yearend.h"
#include "yearend.h"
#include "sql.h"

/* the six XJ_YE_COHORTS bounds into v */
static int
cohorts(int kind, int year, struct xj_val *v)
{
	int lo[3], hi[3];

	if (xj_yearend_cohorts(kind, year, lo, hi) != 0)
		return XJ_E_INTERNAL;	/* checked by the caller */
	for (int i = 0; i < 3; i++) {
		v[2 * i] = XJ_VI(lo[i]);
		v[2 * i + 1] = XJ_VI(hi[i]);
	}
	return XJ_OK;
}

int
xj_ye_count(struct xj_db *db, int kind, int year, unsigned school_id, unsigned county_id,
    long long *n)
{
	struct xj_val v[7];
	struct xj_col c = XJ_COL_INT;
	int rc;

	*n = 0;
	v[0] = XJ_VI(school_id ? school_id : county_id);
	if ((rc = cohorts(kind, year, v + 1)) != XJ_OK ||
	    (rc = xj_db_row(db, school_id ? XJ_Q_YE_COUNT_SCHOOL : XJ_Q_YE_COUNT_COUNTY, v, 7,
	    &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	*n = c.i;
	return XJ_OK;
}

int
xj_ye_overlap(struct xj_db *db, int kind, int year, unsigned org_id, unsigned county_id,
    unsigned schools_of, long long *n)
{
	struct xj_val v[5] = { XJ_VI(year), XJ_VS(xj_yearend_kind_name(kind)), XJ_VI(org_id),
	    XJ_VI(county_id), XJ_VI(schools_of) };
	struct xj_val cl[3] = { XJ_VI(county_id), XJ_VS(xj_yearend_kind_name(kind)), XJ_VI(year) };
	struct xj_col c = XJ_COL_INT;
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_YE_CLAIM, cl, 3)) != XJ_OK)
		return rc;
	if ((rc = xj_db_row(db, XJ_Q_YE_BATCH_OVERLAP, v, 5, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	*n = c.i;
	return XJ_OK;
}

int
xj_ye_batch_insert(struct xj_db *db, struct xj_ye_batch *b, unsigned long long staff_id)
{
	struct xj_val v[7] = { XJ_VS(xj_yearend_kind_name(b->kind)), XJ_VI(b->scope_org_id),
	    XJ_VS(b->scope_kind), XJ_VS(b->scope_path), XJ_VI(b->school_year), XJ_VI(b->total),
	    XJ_VI(staff_id) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_YE_BATCH_INSERT, v, 7)) != XJ_OK)
		return rc;
	b->id = xj_db_insert_id(db, XJ_Q_YE_BATCH_INSERT);
	return XJ_OK;
}

int
xj_ye_batch_get(struct xj_db *db, unsigned long long id, struct xj_ye_batch *b)
{
	char kind[13];
	struct xj_val v = XJ_VI(id);
	struct xj_col c[17] = { XJ_COL_INT, XJ_COL_STR(kind, sizeof(kind)), XJ_COL_INT,
	    XJ_COL_STR(b->scope_kind, sizeof(b->scope_kind)),
	    XJ_COL_STR(b->scope_path, sizeof(b->scope_path)),
	    XJ_COL_STR(b->scope_code, sizeof(b->scope_code)),
	    XJ_COL_STR(b->scope_name, sizeof(b->scope_name)), XJ_COL_INT,
	    XJ_COL_STR(b->state, sizeof(b->state)), XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_STR(b->created_at, sizeof(b->created_at)),
	    XJ_COL_STR(b->started_at, sizeof(b->started_at)),
	    XJ_COL_STR(b->finished_at, sizeof(b->finished_at)) };
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_YE_BATCH_GET, &v, 1, c, 17)) != XJ_OK)
		return rc;
	b->id = (unsigned long long)c[0].i;
	b->kind = xj_yearend_kind_parse(kind);
	b->scope_org_id = (unsigned)c[2].i;
	b->school_year = (int)c[7].i;
	b->total = c[9].i;
	b->done = c[10].i;
	b->chunks = c[11].i;
	b->cursor_school = (unsigned)c[12].i;
	b->cursor_id = (unsigned long long)c[13].i;
	return XJ_OK;
}

int
xj_ye_batch_list(struct xj_db *db, const char *path, int year, int max,
    unsigned long long *ids, int *n)
{
	struct xj_val v[4] = { XJ_VS(path), XJ_VI(year), XJ_VI(year), XJ_VI(max) };
	struct xj_col c = XJ_COL_INT;
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_YE_BATCH_LIST, v, 4)) != XJ_OK)
		return rc;
	while (*n < max && (rc = xj_db_fetch(db, XJ_Q_YE_BATCH_LIST, &c, 1)) == XJ_OK)
		ids[(*n)++] = (unsigned long long)c.i;
	xj_db_done(db, XJ_Q_YE_BATCH_LIST);
	return rc == XJ_NO_ROW || rc == XJ_OK ? XJ_OK : rc;
}

int
xj_ye_batch_start(struct xj_db *db, unsigned long long id, unsigned first_school)
{
	struct xj_val v[2] = { XJ_VI(first_school), XJ_VI(id) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_YE_BATCH_START, v, 2)) != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_YE_BATCH_START) == 1 ? XJ_OK : XJ_E_CONFLICT;
}

int
xj_ye_batch_next(struct xj_db *db, struct xj_ye_batch *b)
{
	char kind[13];
	struct xj_col c[7] = { XJ_COL_INT, XJ_COL_STR(kind, sizeof(kind)), XJ_COL_INT,
	    XJ_COL_STR(b->scope_kind, sizeof(b->scope_kind)), XJ_COL_INT, XJ_COL_INT, XJ_COL_INT };
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_YE_BATCH_NEXT, NULL, 0, c, 7)) != XJ_OK)
		return rc;
	b->id = (unsigned long long)c[0].i;
	b->kind = xj_yearend_kind_parse(kind);
	b->scope_org_id = (unsigned)c[2].i;
	b->school_year = (int)c[4].i;
	b->cursor_school = (unsigned)c[5].i;
	b->cursor_id = (unsigned long long)c[6].i;
	return b->kind ? XJ_OK : XJ_E_INTERNAL;
}

/* the row is locked by the caller: anything but one row is a bug */
static int
one_row(struct xj_db *db, int q, const struct xj_val *v, unsigned n)
{
	int rc;

	if ((rc = xj_db_exec(db, q, v, n)) != XJ_OK)
		return rc;
	return xj_db_affected(db, q) == 1 ? XJ_OK : XJ_E_INTERNAL;
}

int
xj_ye_batch_advance(struct xj_db *db, unsigned long long id, unsigned school,
    unsigned long long after, long long n)
{
	struct xj_val v[4] = { XJ_VI(school), XJ_VI(after), XJ_VI(n), XJ_VI(id) };

	return one_row(db, XJ_Q_YE_BATCH_ADVANCE, v, 4);
}

int
xj_ye_batch_finish(struct xj_db *db, unsigned long long id, long long n)
{
	struct xj_val v[2] = { XJ_VI(n), XJ_VI(id) };

	return one_row(db, XJ_Q_YE_BATCH_FINISH, v, 2);
}

int
xj_ye_next_school(struct xj_db *db, unsigned county_id, unsigned after, unsigned *school)
{
	struct xj_val v[2] = { XJ_VI(county_id), XJ_VI(after) };
	struct xj_col c = XJ_COL_INT;
	int rc;

	*school = 0;
	if ((rc = xj_db_row(db, XJ_Q_YE_NEXT_SCHOOL, v, 2, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_OK : rc;
	*school = (unsigned)c.i;
	return XJ_OK;
}

int
xj_ye_chunk_ids(struct xj_db *db, int kind, int year, unsigned school,
    unsigned long long after, int max, unsigned long long *ids, int *n)
{
	struct xj_val v[9];
	struct xj_col c = XJ_COL_INT;
	int rc;

	*n = 0;
	v[0] = XJ_VI(school);
	v[1] = XJ_VI(after);
	if ((rc = cohorts(kind, year, v + 2)) != XJ_OK)
		return rc;
	v[8] = XJ_VI(max);
	if ((rc = xj_db_exec(db, XJ_Q_YE_CHUNK_IDS, v, 9)) != XJ_OK)
		return rc;
	while (*n < max && (rc = xj_db_fetch(db, XJ_Q_YE_CHUNK_IDS, &c, 1)) == XJ_OK)
		ids[(*n)++] = (unsigned long long)c.i;
	xj_db_done(db, XJ_Q_YE_CHUNK_IDS);
	return rc == XJ_NO_ROW || rc == XJ_OK ? XJ_OK : rc;
}

int
xj_ye_apply(struct xj_db *db, const struct xj_ye_batch *b, unsigned school,
    unsigned long long after, unsigned long long last, long long *n)
{
	struct xj_val v[16];
	int promote = b->kind == XJ_YE_PROMOTION, k = 0, q, rc;

	*n = 0;
	/* the grade expressions' year(s), the event's year and batch */
	v[k++] = XJ_VI(b->school_year);
	if (promote)
		v[k++] = XJ_VI(b->school_year);
	v[k++] = XJ_VI(b->school_year);
	v[k++] = XJ_VI(b->id);
	v[k++] = XJ_VI(school);
	v[k++] = XJ_VI(after);
	v[k++] = XJ_VI(last);
	if ((rc = cohorts(b->kind, b->school_year, v + k)) != XJ_OK)
		return rc;
	k += 6;
	v[k++] = XJ_VI(b->school_year);		/* NOT EXISTS: this year's event */
	q = promote ? XJ_Q_YE_EVENTS_PROMOTE : XJ_Q_YE_EVENTS_GRADUATE;
	/* a duplicate: another writer's event committed since the NOT
	 * EXISTS looked; the rerun skips that record */
	if ((rc = xj_db_exec(db, q, v, (unsigned)k)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	*n = (long long)xj_db_affected(db, q);
	if (!promote && *n > 0) {
		struct xj_val g[4] = { XJ_VI(b->id), XJ_VI(school), XJ_VI(after), XJ_VI(last) };
		if ((rc = xj_db_exec(db, XJ_Q_YE_GRADUATE, g, 4)) != XJ_OK)
			return rc;
		/* the chunk's rows are locked: every new event is one graduate */
		if ((long long)xj_db_affected(db, XJ_Q_YE_GRADUATE) != *n)
			return XJ_E_INTERNAL;
	}
	return XJ_OK;
}

int
xj_student_events(struct xj_db *db, unsigned long long student_id, int limit,
    void (*fn)(const struct xj_student_event *, void *), void *arg)
{
	struct xj_student_event e;
	struct xj_val v[2] = { XJ_VI(student_id), XJ_VI(limit) };
	struct xj_col c[13] = { XJ_COL_INT, XJ_COL_STR(e.kind, sizeof(e.kind)),
	    XJ_COL_STR(e.school_code, sizeof(e.school_code)), XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_STR(e.status, sizeof(e.status)), XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_STR(e.created_at, sizeof(e.created_at)), XJ_COL_INT,
	    XJ_COL_STR(e.fields, sizeof(e.fields)), XJ_COL_STR(e.no_old, sizeof(e.no_old)),
	    XJ_COL_STR(e.no_new, sizeof(e.no_new)) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_STU_EVENTS, v, 2)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_STU_EVENTS, c, 13)) == XJ_OK) {
		e.id = (unsigned long long)c[0].i;
		e.workflow_id = (unsigned long long)c[9].i;
		e.from_grade = (int)c[3].i;
		e.to_grade = (int)c[4].i;
		e.yearend_year = (int)c[6].i;
		e.batch_id = (unsigned long long)c[7].i;
		fn(&e, arg);
	}
	xj_db_done(db, XJ_Q_STU_EVENTS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}
