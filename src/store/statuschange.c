/* statuschange.c -- the rows of status changes (sql/0025; see
 * statuschange.h). Store functions only. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "store/sql.h"
#include "store/statuschange.h"

#define S(b)	XJ_COL_STR(b, sizeof(b))

int
xj_sc_insert(struct xj_db *db, unsigned long long wf, const struct xj_status_change *c)
{
	struct xj_val v[9] = { XJ_VI(wf), XJ_VI(c->student_id), XJ_VS(c->kind), XJ_VS(c->from_status),
	    XJ_VS(c->to_status), XJ_VI(c->grade_delta), XJ_VS(c->requested_by),
	    XJ_VS(c->effective_date), XJ_VS(c->reason) };

	return xj_db_exec(db, XJ_Q_SC_INSERT, v, 9);
}

int
xj_sc_get(struct xj_db *db, unsigned long long wf, struct xj_status_change *c)
{
	struct xj_val v = XJ_VI(wf);
	struct xj_col o[8];
	int rc;

	memset(c, 0, sizeof(*c));
	o[0] = XJ_COL_INT;
	o[1] = S(c->kind);
	o[2] = S(c->from_status);
	o[3] = S(c->to_status);
	o[4] = XJ_COL_INT;
	o[5] = S(c->requested_by);
	o[6] = S(c->effective_date);
	o[7] = S(c->reason);
	if ((rc = xj_db_row(db, XJ_Q_SC_GET, &v, 1, o, 8)) != XJ_OK)
		return rc;
	c->student_id = (unsigned long long)o[0].i;
	c->grade_delta = (int)o[4].i;
	return XJ_OK;
}

int
xj_sc_list(struct xj_db *db, unsigned long long student, int limit,
    void (*fn)(const struct xj_sc_item *, void *), void *arg)
{
	struct xj_val v[2] = { XJ_VI(student), XJ_VI(limit) };
	struct xj_sc_item it;
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_SC_LIST, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col o[11];
		memset(&it, 0, sizeof(it));
		o[0] = XJ_COL_INT;
		o[1] = S(it.state);
		o[2] = S(it.started_at);
		o[3] = S(it.closed_at);
		o[4] = S(it.c.kind);
		o[5] = S(it.c.from_status);
		o[6] = S(it.c.to_status);
		o[7] = XJ_COL_INT;
		o[8] = S(it.c.requested_by);
		o[9] = S(it.c.effective_date);
		o[10] = S(it.c.reason);
		if ((rc = xj_db_fetch(db, XJ_Q_SC_LIST, o, 11)) != XJ_OK)
			break;
		it.wf = (unsigned long long)o[0].i;
		it.c.student_id = student;
		it.c.grade_delta = (int)o[7].i;
		fn(&it, arg);
	}
	xj_db_done(db, XJ_Q_SC_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_sc_student(struct xj_db *db, unsigned long long id, int lock, struct xj_sc_student *s)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col o[6];
	int rc;

	memset(s, 0, sizeof(*s));
	o[0] = XJ_COL_INT;
	o[1] = S(s->school_path);
	o[2] = S(s->status);
	o[3] = XJ_COL_INT;
	o[4] = XJ_COL_INT;
	o[5] = XJ_COL_INT;
	if ((rc = xj_db_row(db, lock ? XJ_Q_SC_STUDENT_LOCK : XJ_Q_SC_STUDENT, &v, 1, o, 6)) != XJ_OK)
		return rc;
	s->school_org_id = (unsigned)o[0].i;
	s->entry_year = (int)o[3].i;
	s->level = (int)o[4].i;
	s->grade_offset = (int)o[5].i;
	return XJ_OK;
}

int
xj_sc_apply(struct xj_db *db, unsigned long long id, const char *from, const char *to,
    int grade_delta)
{
	struct xj_val v[5] = { XJ_VS(to), XJ_VI(grade_delta), XJ_VI(grade_delta), XJ_VI(id),
	    XJ_VS(from) };
	int rc = xj_db_exec(db, XJ_Q_SC_APPLY, v, 5);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_SC_APPLY) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_sc_event(struct xj_db *db, unsigned long long id, const char *kind, int from_grade,
    int to_grade)
{
	struct xj_val v[4] = { XJ_VS(kind), from_grade ? XJ_VI(from_grade) : XJ_VNULL,
	    to_grade ? XJ_VI(to_grade) : XJ_VNULL, XJ_VI(id) };
	int rc = xj_db_exec(db, XJ_Q_SC_EVENT, v, 4);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_SC_EVENT) != 1)
		return XJ_E_INTERNAL;
	return rc;
}

int
xj_sc_grade_policy(struct xj_db *db, const char *province, const char *kind, int *on)
{
	struct xj_val v[2] = { XJ_VS(province), XJ_VS(kind) };
	struct xj_col o[1] = { XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_SC_GRADE_POLICY, v, 2, o, 1);

	*on = rc == XJ_OK && o[0].i != 0;
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_sc_grade_policy_set(struct xj_db *db, const char *province, const char *kind, int on)
{
	struct xj_val v[3] = { XJ_VS(province), XJ_VS(kind), XJ_VI(on ? 1 : 0) };

	return xj_db_exec(db, XJ_Q_SC_GRADE_POLICY_SET, v, 3);
}

int
xj_sc_grade_policy_list(struct xj_db *db, void (*fn)(const char *, const char *, int,
    const char *, void *), void *arg)
{
	char province[7], kind[8], at[20];
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_SC_GRADE_POLICY_LIST, NULL, 0)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col o[4] = { S(province), S(kind), XJ_COL_INT, S(at) };
		if ((rc = xj_db_fetch(db, XJ_Q_SC_GRADE_POLICY_LIST, o, 4)) != XJ_OK)
			break;
		fn(province, kind, (int)o[2].i, at, arg);
	}
	xj_db_done(db, XJ_Q_SC_GRADE_POLICY_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}
