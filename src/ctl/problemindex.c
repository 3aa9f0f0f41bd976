/* problemindex.c -- the job problem-person-index (issue 12, R-DUP-1):
 * the same-person blind index (student.person_bidx, sql/0024) of the
 * records written before the migration, so that the check at the door
 * finds them. The key is an HMAC under the deployment's blind key, so the
 * migration could not compute it; this job does, PERSON_BATCH records a
 * transaction, skipping rows another runner holds. A record whose name
 * has no key (blank: never through the form) gets an index of its own id
 * under another purpose, which matches nothing and is not NULL again.
 *
 * Not done here: checking those old records against each other (two
 * pre-0024 records of one person form no group until one of them is
 * checked again, e.g. by a change); the next increment runs the check of
 * school/problem.c on them. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "crypto/field.h"
#include "ctl/ctl.h"
#include "db/tx.h"
#include "store/problem.h"
#include "store/student.h"

#define PERSON_BATCH	200

struct person_tx {
	const struct xj_keys		*k;
	unsigned long long		 ids[PERSON_BATCH];
	struct xj_student_identity	 rows[PERSON_BATCH];
	long				 done;
};

static int
person_tx(struct xj_db *db, void *arg)
{
	struct person_tx *t = arg;
	int n, rc;

	t->done = 0;
	if ((rc = xj_problem_person_todo(db, PERSON_BATCH, t->ids, t->rows, &n)) != XJ_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		struct xj_student_identity *p = &t->rows[i];
		int has = xj_student_person_bidx(t->k, p->name, p->sex, p->birth, p->person_bidx);

		if (has < 0)
			return XJ_E_INTERNAL;
		if (!has) {
			char own[32];
			snprintf(own, sizeof(own), "s%llu", t->ids[i]);
			if (xj_blind_index(t->k, "student.person.none", own, strlen(own),
			    p->person_bidx) != 0)
				return XJ_E_INTERNAL;
		}
		if ((rc = xj_problem_set_person(db, t->ids[i], p->person_bidx)) != XJ_OK)
			return rc;
	}
	t->done = n;
	return XJ_OK;
}

int
xj_ctl_job_problem_person(struct xj_ctl *x, long *done)
{
	static struct person_tx t;	/* ~200 KiB: not on the stack */
	int rc;

	*done = 0;
	memset(&t, 0, sizeof(t));
	if ((t.k = xj_ctl_job_keys(x, 0)) == NULL)
		return XJ_E_INTERNAL;
	rc = xj_tx_run(&x->db, person_tx, &t);
	*done = t.done;
	memset(&t, 0, sizeof(t));
	return rc;
}
