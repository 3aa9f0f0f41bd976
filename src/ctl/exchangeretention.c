/* exchangeretention.c -- the jobs exchange-outbox-purge and
 * exchange-inbox-purge (session 7, ops; store/xretention.h,
 * docs/operations.md "Exchange retention"): one bounded batch a call, in
 * one transaction with its audit entry. */
#include "config.h"

#include "core/conf.h"
#include "store/audit.h"
#include "store/xretention.h"
#include "ctl.h"

static const struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl-jobs", "" };

int
xj_ctl_job_exchange_outbox_purge(struct xj_ctl *x, long *done)
{
	unsigned long n = 0;
	int rc = xj_xret_outbox_batch(&x->db, x->conf.exchange_outbox_retention_days,
	    XJ_XRET_BATCH, &who, &n);

	*done = (long)n;
	return rc;
}

int
xj_ctl_job_exchange_inbox_purge(struct xj_ctl *x, long *done)
{
	unsigned long n = 0;
	int rc = xj_xret_inbox_batch(&x->db, x->conf.exchange_inbox_retention_days,
	    XJ_XRET_BATCH, &who, &n);

	*done = (long)n;
	return rc;
}
