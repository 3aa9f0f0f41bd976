/* yearend.c -- the jobs runner's `yearend` job (issue 11 item 8;
 * docs/architecture.md "Year-end batches"): one chunk of a running
 * year-end batch per call. A chunk is one transaction: the batch row
 * locked (FOR UPDATE SKIP LOCKED, so runners on several hosts take
 * different batches), up to [yearend] chunk records of the school under
 * the cursor locked, one history event each (student_event; graduation
 * also sets the status), the cursor moved past them and the chunk's audit
 * entry. A runner killed between chunks leaves the cursor where the last
 * commit put it and the next call continues from there; killed inside a
 * chunk, the server rolls the chunk back. Even a runner that went past the
 * cursor could not apply a record twice: (student_id, yearend_year) is
 * unique in student_event and only a new event changes a record. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "ctl/ctl.h"
#include "db/tx.h"
#include "domain/yearend.h"
#include "store/audit.h"
#include "store/yearend.h"

struct chunk_tx {
	int		 max;
	unsigned long long *ids;
	long		 done;		/* out: records changed, at least 1 per step */
};

static int
chunk_tx(struct xj_db *db, void *arg)
{
	struct chunk_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "job:yearend", "" };
	struct xj_audit au = { "yearend.chunk", "yearend_batch", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR_NULL };
	struct xj_ye_batch b;
	char idbuf[24], after[192];
	unsigned school, next = 0;
	unsigned long long last;
	long long changed = 0;
	int n = 0, rc;

	t->done = 0;
	memset(&b, 0, sizeof(b));
	if ((rc = xj_ye_batch_next(db, &b)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_OK : rc;
	school = b.cursor_school;
	last = b.cursor_id;
	if (school != 0) {
		if ((rc = xj_ye_chunk_ids(db, b.kind, b.school_year, school, b.cursor_id, t->max,
		    t->ids, &n)) != XJ_OK)
			return rc;
		if (n > 0) {
			last = t->ids[n - 1];
			if ((rc = xj_ye_apply(db, &b, school, b.cursor_id, last, &changed)) != XJ_OK)
				return rc;
		}
	}
	if (school != 0 && n == t->max)
		rc = xj_ye_batch_advance(db, b.id, school, last, changed);
	else {
		/* this school is done: a county's next school, or the end */
		if (school != 0 && strcmp(b.scope_kind, "county") == 0 &&
		    (rc = xj_ye_next_school(db, b.scope_org_id, school, &next)) != XJ_OK)
			return rc;
		rc = next ? xj_ye_batch_advance(db, b.id, next, 0, changed) :
		    xj_ye_batch_finish(db, b.id, changed);
	}
	if (rc != XJ_OK)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%llu", b.id);
	snprintf(after, sizeof(after),
	    "{\"school\":%u,\"after\":%llu,\"last\":%llu,\"students\":%lld,\"next_school\":%u}",
	    school, b.cursor_id, last, changed, next);
	au.target_id = xj_str_c(idbuf);
	au.after = xj_str_c(after);
	if ((rc = xj_audit_append(db, &who, &au)) != XJ_OK)
		return rc;
	t->done = changed > 0 ? (long)changed : 1;
	return XJ_OK;
}

int
xj_ctl_job_yearend(struct xj_ctl *x, long *done)
{
	static unsigned long long ids[XJ_YE_CHUNK_MAX];
	struct chunk_tx t = { x->conf.yearend_chunk, ids, 0 };
	int rc;

	*done = 0;
	if (t.max < 1 || t.max > XJ_YE_CHUNK_MAX)
		return XJ_E_INTERNAL;	/* conf.c bounds it */
	rc = xj_tx_run(&x->db, chunk_tx, &t);
	*done = t.done;
	return rc;
}
