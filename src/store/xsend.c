/* xsend.c -- the rows of cross-province moves on the sending side
 * (sql/0034; see xsend.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "store/sql.h"
#include "store/xsend.h"

#define S(b)	XJ_COL_STR(b, sizeof(b))

int
xj_xs_req_get(struct xj_db *db, const char *transfer_id, struct xj_xs_req *q)
{
	struct xj_val v = XJ_VS(transfer_id);
	struct xj_col o[12];
	int rc;

	memset(q, 0, sizeof(*q));
	snprintf(q->transfer_id, sizeof(q->transfer_id), "%s", transfer_id);
	o[0] = S(q->kind);
	o[1] = XJ_COL_INT;
	o[2] = XJ_COL_INT;
	o[3] = S(q->refusal);
	o[4] = S(q->recv_school);
	o[5] = S(q->recv_county);
	o[6] = S(q->from_school);
	o[7] = S(q->from_county);
	o[8] = S(q->reason);
	o[9] = XJ_COL_INT;
	o[10] = S(q->requested);
	o[11] = S(q->message_id);
	if ((rc = xj_db_row(db, XJ_Q_XS_REQ_GET, &v, 1, o, 12)) != XJ_OK)
		return rc;
	q->wf = (unsigned long long)o[1].i;
	q->student_id = (unsigned long long)o[2].i;
	q->graduation_year = (int)o[9].i;
	return XJ_OK;
}

int
xj_xs_req_by_case(struct xj_db *db, unsigned long long wf, struct xj_xs_req *q)
{
	struct xj_val v = XJ_VI(wf);
	struct xj_col o[11];
	int rc;

	memset(q, 0, sizeof(*q));
	q->wf = wf;
	o[0] = S(q->transfer_id);
	o[1] = S(q->kind);
	o[2] = XJ_COL_INT;
	o[3] = S(q->recv_school);
	o[4] = S(q->recv_county);
	o[5] = S(q->from_school);
	o[6] = S(q->from_county);
	o[7] = S(q->reason);
	o[8] = XJ_COL_INT;
	o[9] = S(q->requested);
	o[10] = S(q->message_id);
	if ((rc = xj_db_row(db, XJ_Q_XS_REQ_BY_CASE, &v, 1, o, 11)) != XJ_OK)
		return rc;
	q->student_id = (unsigned long long)o[2].i;
	q->graduation_year = (int)o[8].i;
	return XJ_OK;
}

int
xj_xs_req_insert(struct xj_db *db, const struct xj_xs_req *q)
{
	struct xj_val v[13] = { XJ_VS(q->transfer_id), XJ_VS(q->kind),
	    q->wf ? XJ_VI(q->wf) : XJ_VNULL, q->student_id ? XJ_VI(q->student_id) : XJ_VNULL,
	    q->refusal[0] ? XJ_VS(q->refusal) : XJ_VNULL, XJ_VS(q->recv_school),
	    XJ_VS(q->recv_county), XJ_VS(q->from_school), XJ_VS(q->from_county), XJ_VS(q->reason),
	    q->graduation_year ? XJ_VI(q->graduation_year) : XJ_VNULL, XJ_VS(q->requested),
	    XJ_VS(q->message_id) };

	return xj_db_exec(db, XJ_Q_XS_REQ_INSERT, v, 13);
}

int
xj_xs_record(struct xj_db *db, unsigned long long student, struct xj_xs_record *x)
{
	struct xj_val v = XJ_VI(student);
	struct xj_col o[14];
	int rc;

	memset(x, 0, sizeof(*x));
	o[0] = S(x->no);
	o[1] = S(x->name);
	o[2] = S(x->sex);
	o[3] = S(x->birth);
	o[4] = S(x->doc);
	o[5] = XJ_COL_BLOB((char *)x->ct, sizeof(x->ct));
	o[6] = S(x->eth);
	o[7] = S(x->nat);
	o[8] = S(x->hukou);
	o[9] = S(x->school);
	o[10] = S(x->county);
	o[11] = XJ_COL_INT;
	o[12] = XJ_COL_INT;
	o[13] = S(x->status);
	if ((rc = xj_db_row(db, XJ_Q_XS_RECORD, &v, 1, o, 14)) != XJ_OK)
		return rc;
	x->ctlen = o[5].len;
	x->year = (int)o[11].i;
	x->level = (int)o[12].i;
	return XJ_OK;
}

int
xj_xs_guardians(struct xj_db *db, unsigned long long student,
    struct xj_xs_guardian g[XJ_XS_GUARDIANS_MAX], int *n)
{
	struct xj_val v = XJ_VI(student);
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_XS_GUARDIANS, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_xs_guardian t;
		struct xj_col o[6];
		memset(&t, 0, sizeof(t));
		o[0] = XJ_COL_INT;
		o[1] = S(t.relation);
		o[2] = S(t.relation_desc);
		o[3] = S(t.name);
		o[4] = S(t.doc);
		o[5] = XJ_COL_BLOB((char *)t.ct, sizeof(t.ct));
		if ((rc = xj_db_fetch(db, XJ_Q_XS_GUARDIANS, o, 6)) != XJ_OK)
			break;
		if (*n >= XJ_XS_GUARDIANS_MAX)
			continue;	/* LIMIT 4: cannot happen */
		t.idx = (int)o[0].i;
		t.ctlen = o[5].is_null ? 0 : o[5].len;
		g[(*n)++] = t;
	}
	xj_db_done(db, XJ_Q_XS_GUARDIANS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_xs_events(struct xj_db *db, unsigned long long student, int limit,
    int (*fn)(const struct xj_xs_event *, void *), void *arg)
{
	struct xj_val v[2] = { XJ_VI(student), XJ_VI(limit) };
	int rc, frc = XJ_OK;

	if ((rc = xj_db_exec(db, XJ_Q_XS_EVENTS, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_xs_event e;
		struct xj_col o[7];
		memset(&e, 0, sizeof(e));
		o[0] = S(e.kind);
		o[1] = S(e.status);
		o[2] = S(e.school);
		o[3] = XJ_COL_INT;
		o[4] = XJ_COL_INT;
		o[5] = S(e.at);
		o[6] = S(e.note);
		if ((rc = xj_db_fetch(db, XJ_Q_XS_EVENTS, o, 7)) != XJ_OK)
			break;
		e.from_grade = (int)o[3].i;
		e.to_grade = (int)o[4].i;
		if (frc == XJ_OK)
			frc = fn(&e, arg);
	}
	xj_db_done(db, XJ_Q_XS_EVENTS);
	if (rc != XJ_NO_ROW)
		return rc;
	return frc;
}

int
xj_xs_mark_transferred(struct xj_db *db, unsigned long long student)
{
	struct xj_val v = XJ_VI(student);
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_XS_TRANSFERRED, &v, 1)) != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_XS_TRANSFERRED) == 1 ? XJ_OK : XJ_E_CONFLICT;
}

int
xj_xs_event_add(struct xj_db *db, unsigned long long student, const char *kind,
    unsigned long long wf, const char *note)
{
	struct xj_val v[4] = { XJ_VS(kind), XJ_VI(wf), XJ_VS(note), XJ_VI(student) };

	return xj_db_exec(db, XJ_Q_XS_EVENT, v, 4);
}

int
xj_xs_grad_year(struct xj_db *db, unsigned long long student, int *year)
{
	struct xj_val v = XJ_VI(student);
	struct xj_col o = XJ_COL_INT;
	int rc;

	*year = 0;
	if ((rc = xj_db_row(db, XJ_Q_XS_GRAD_YEAR, &v, 1, &o, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_OK : rc;
	*year = (int)o.i;
	return XJ_OK;
}
