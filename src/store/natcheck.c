/* natcheck.c -- the national check in the database (see natcheck.h). */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "natcheck.h"
#include "sql.h"

#define S(b)	XJ_COL_STR((b), sizeof(b))

int
xj_natcheck_due(struct xj_db *db, unsigned long long sid)
{
	struct xj_val v = XJ_VI(sid);

	return xj_db_exec(db, XJ_Q_NC_DUE, &v, 1);
}

int
xj_natcheck_sent(struct xj_db *db, unsigned long long sid)
{
	struct xj_val v = XJ_VI(sid);

	return xj_db_exec(db, XJ_Q_NC_SENT, &v, 1);
}

int
xj_natcheck_subject(struct xj_db *db, unsigned long long outbox_id, const char *ref,
    struct xj_nc_subject *p)
{
	struct xj_val v[2] = { XJ_VI(outbox_id), XJ_VS(ref) };
	struct xj_col c[8];
	int rc;

	memset(p, 0, sizeof(*p));
	c[0] = XJ_COL_INT;
	c[1] = S(p->student_no);
	c[2] = S(p->kind);
	c[3] = S(p->doc_type);
	c[4] = XJ_COL_BLOB((char *)p->ct, sizeof(p->ct));
	c[5] = S(p->status);
	c[6] = S(p->national);
	c[7] = XJ_COL_INT;
	if ((rc = xj_db_row(db, XJ_Q_NC_SUBJECT, v, 2, c, 8)) != XJ_OK)
		return rc;
	p->id = (unsigned long long)c[0].i;
	p->ctlen = c[4].len;
	p->latest = c[7].i != 0;
	return XJ_OK;
}

int
xj_natcheck_answered(struct xj_db *db, const char *message_id, unsigned long long outbox_id,
    const char *ref)
{
	struct xj_val v[3] = { XJ_VS(message_id), XJ_VI(outbox_id), XJ_VS(ref) };

	return xj_db_exec(db, XJ_Q_NC_ANSWERED, v, 3);
}

int
xj_natcheck_issue(struct xj_db *db, unsigned long long sid, const char *no)
{
	struct xj_val v[2] = { XJ_VS(no), XJ_VI(sid) };
	int rc = xj_db_exec(db, XJ_Q_NC_NO_ISSUE, v, 2);

	if (rc == XJ_OK)
		xj_db_done(db, XJ_Q_NC_NO_ISSUE);
	return rc;
}

int
xj_natcheck_answer(struct xj_db *db, const struct xj_nc_subject *p, const char *state,
    const char *no, const char *kind, int *entered)
{
	struct xj_val v[5] = { no ? XJ_VS(no) : XJ_VNULL, kind ? XJ_VS(kind) : XJ_VNULL,
	    XJ_VI(p->latest), XJ_VS(state), XJ_VI(p->id) };
	int rc;

	*entered = 0;
	if ((rc = xj_db_exec(db, XJ_Q_NC_STATE, v, 5)) != XJ_OK)
		return rc;
	if (no != NULL) {
		struct xj_val ev[4] = { XJ_VS("number_issued"), XJ_VS(p->student_no), XJ_VS(no),
		    XJ_VI(p->id) };
		if ((rc = xj_db_exec(db, XJ_Q_NC_EVENT, ev, 4)) != XJ_OK)
			return rc;
	}
	if (strcmp(p->status, "pending_check") != 0)
		return XJ_OK;
	/* the record was locked with its status: it entered the school now */
	{
		struct xj_val ev[4] = { XJ_VS("check_answered"), XJ_VNULL, XJ_VNULL, XJ_VI(p->id) };
		if ((rc = xj_db_exec(db, XJ_Q_NC_EVENT, ev, 4)) != XJ_OK)
			return rc;
	}
	*entered = 1;
	return XJ_OK;
}
