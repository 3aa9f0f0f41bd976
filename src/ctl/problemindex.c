/* problemindex.c -- the job problem-person-index (issue 12, R-DUP-1,
 * R-COL-7): the records written before migration 0024 get their
 * same-person blind index (student.person_bidx) and then the check at the
 * door (school/problem.c, origin `backfill`), in the transaction that
 * writes the index. The key is an HMAC under the deployment's blind key,
 * so the migration could not compute it; this job does, PERSON_BATCH
 * records a transaction, skipping rows another runner holds. A record
 * whose name has no key (blank: never through the form) gets an index of
 * its own id under another purpose, which matches nothing and is not NULL
 * again.
 *
 * Why checking each record right after indexing it finds every pair: a
 * pair of one person is found by whichever of its two records is indexed
 * later, since by then the other one's key is there -- a new record's
 * since its admission, an old one's written earlier in the same
 * transaction (the batch goes in id order; a transaction reads its own
 * writes) or committed by an earlier batch. Two runners (or a runner and
 * an admission) indexing the two records at once: each writes its key
 * before its peers' lookup, which is a locking read (PROB_PEERS, LOCK IN
 * SHARE MODE) -- it waits for the other's uncommitted key and then sees
 * it, or the two wait for each other, and the deadlock victim, retried by
 * xj_tx_run, sees the winner's committed key. Same-number pairs and
 * invalid numbers need no other record's new key (child_bidx predates
 * 0024): the first of the two records checked finds them. A record is
 * checked at most once (its index is then not NULL), so running the job
 * again adds nothing; a member joins a group once (problem_member's key).
 * Graduated and deleted records are indexed but not checked: the check's
 * peers leave them out too.
 *
 * A record with a hit gets the audit entry the admission writes,
 * `problem.detect`, by the system actor `job:problem-person-index`. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "crypto/field.h"
#include "ctl/ctl.h"
#include "db/tx.h"
#include "school/problem.h"
#include "store/audit.h"
#include "store/problem.h"
#include "store/student.h"

#define PERSON_BATCH	200

struct person_tx {
	const struct xj_keys		*k;
	const struct xj_refdata		*ref;
	unsigned long long		 ids[PERSON_BATCH];
	struct xj_student_identity	 rows[PERSON_BATCH];
	int				 live[PERSON_BATCH];
	long				 done;
};

static int
person_tx(struct xj_db *db, void *arg)
{
	struct person_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "job:problem-person-index", "" };
	int n, rc;

	t->done = 0;
	if ((rc = xj_problem_person_pending(db, PERSON_BATCH, t->ids, t->rows, t->live, &n)) != XJ_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		struct xj_student_identity *p = &t->rows[i];
		char kinds[XJ_PROBLEM_KINDS_MAX], sidbuf[24];
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
		p->has_person = has;
		if ((rc = xj_problem_set_person(db, t->ids[i], p->person_bidx)) != XJ_OK)
			return rc;
		if (!t->live[i])
			continue;
		if ((rc = xj_problem_check_identity(db, t->k, t->ref, t->ids[i], p, "backfill",
		    kinds)) != XJ_OK)
			return rc;
		if (kinds[0]) {
			struct xj_audit au = { "problem.detect", "student", XJ_STR_NULL, XJ_STR_NULL,
			    XJ_STR_NULL };

			snprintf(sidbuf, sizeof(sidbuf), "%llu", t->ids[i]);
			au.target_id = xj_str_c(sidbuf);
			au.after = xj_str_c(kinds);
			if ((rc = xj_audit_append(db, &who, &au)) != XJ_OK)
				return rc;
		}
	}
	t->done = n;
	return XJ_OK;
}

int
xj_ctl_job_problem_person(struct xj_ctl *x, long *done)
{
	static struct person_tx t;	/* ~250 KiB: not on the stack */
	struct xj_arena *a;
	int rc;

	*done = 0;
	memset(&t, 0, sizeof(t));
	if ((t.k = xj_ctl_job_keys(x, 0)) == NULL)
		return XJ_E_INTERNAL;
	if ((a = xj_arena_new(64 * 1024)) == NULL)
		return XJ_E_INTERNAL;
	/* the R-COL-7 check needs the area codes of the day: no batch without */
	if ((t.ref = xj_ctl_job_ref(x, a)) == NULL) {
		xj_arena_free(a);
		return XJ_E_UNAVAILABLE;
	}
	rc = xj_tx_run(&x->db, person_tx, &t);
	*done = t.done;
	memset(&t, 0, sizeof(t));	/* names, numbers' ciphertexts */
	xj_arena_free(a);
	return rc;
}
