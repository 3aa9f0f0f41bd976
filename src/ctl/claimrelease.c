/* claimrelease.c -- the job `claim-release` of `xuejictl jobs` (review
 * H1): a registration left in id_mismatch -- public security found its
 * identity data wrong and the family did not correct them -- for more
 * than [claims] mismatch_release_days days is voided (mismatch_expired)
 * and the child's claim released, so that a squatter who typed a known ID
 * number with a wrong name cannot hold the child for the whole year. The
 * clock is the registration's updated_at: the last change of its state or
 * certificates. Each registration is voided through store/claim.c like
 * the county's void, with its history event (the family reads why) and
 * its own audit entry, all of a batch in one transaction; the batch is
 * claimed with SELECT ... FOR UPDATE SKIP LOCKED, so runners on several
 * hosts take disjoint batches and a parent's correction racing the job
 * either comes first (the row is no longer in id_mismatch) or waits. */
#include "config.h"

#include <stdio.h>

#include "core/err.h"
#include "core/log.h"
#include "ctl/ctl.h"
#include "db/tx.h"
#include "domain/regstate.h"
#include "store/audit.h"
#include "store/claim.h"

#define BATCH	100

struct release_tx {
	int	 days;
	long	 done;
};

static int
release_tx(struct xj_db *db, void *arg)
{
	struct release_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "job:claim-release", "" };
	unsigned long long ids[BATCH];
	char reason[256], prereg[17];
	size_t n;
	int rc;

	t->done = 0;
	if ((rc = xj_claim_expired(db, t->days, BATCH, ids, &n)) != XJ_OK)
		return rc;
	snprintf(reason, sizeof(reason),
	    "身份信息与公安部门核验不一致，%d天内未更正，本次登记作废，该儿童可重新登记"
	    " / identity data not corrected within %d days of the public-security mismatch:"
	    " void, the child may be registered again", t->days, t->days);
	for (size_t i = 0; i < n; i++) {
		rc = xj_claim_void(db, ids[i], XJ_REV_MISMATCH_EXPIRED, reason, &who,
		    "registration.claim_release", prereg);
		if (rc == XJ_E_REG_TRANSITION || rc == XJ_NO_ROW)
			continue;	/* cannot happen under the lock; skip, never stall */
		if (rc != XJ_OK)
			return rc;
		t->done++;
	}
	return XJ_OK;
}

int
xj_ctl_job_claim_release(struct xj_ctl *x, long *done)
{
	struct release_tx t = { x->conf.mismatch_release_days, 0 };
	int rc = xj_tx_run(&x->db, release_tx, &t);

	*done = rc == XJ_OK ? t.done : 0;
	return rc;
}
