/* xretention.c -- the exchange's retention (see xretention.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "db/tx.h"
#include "audit.h"
#include "sql.h"
#include "xretention.h"

struct purge {
	int			 pick, del, del_rec;	/* statements */
	const char		*action, *target;
	int			 days;
	unsigned		 limit;
	const struct xj_actor	*who;
	unsigned long		 n;
};

static int
purge_tx(struct xj_db *db, void *arg)
{
	struct purge *p = arg;
	struct xj_val v[2] = { XJ_VI(p->days), XJ_VI(p->limit) };
	unsigned long long ids[XJ_XRET_BATCH];
	char range[48], after[96];
	struct xj_audit au = { p->action, p->target, XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	unsigned long n = 0;
	int rc;

	p->n = 0;
	if ((rc = xj_db_exec(db, p->pick, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c = XJ_COL_INT;
		if (n >= p->limit || (rc = xj_db_fetch(db, p->pick, &c, 1)) != XJ_OK)
			break;
		ids[n++] = (unsigned long long)c.i;
	}
	xj_db_done(db, p->pick);
	if (rc != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	if (n == 0)
		return XJ_OK;
	for (unsigned long i = 0; i < n; i++) {
		struct xj_val id = XJ_VI(ids[i]);
		if (p->del_rec >= 0 && (rc = xj_db_exec(db, p->del_rec, &id, 1)) != XJ_OK)
			return rc;
		if ((rc = xj_db_exec(db, p->del, &id, 1)) != XJ_OK)
			return rc;
	}
	/* one entry a batch: the rows' ids (oldest first) and how many */
	snprintf(range, sizeof(range), "%llu..%llu", ids[0], ids[n - 1]);
	snprintf(after, sizeof(after), "{\"deleted\":%lu,\"retention_days\":%d}", n, p->days);
	au.target_id = xj_str_c(range);
	au.after = xj_str_c(after);
	if ((rc = xj_audit_append(db, p->who, &au)) != XJ_OK)
		return rc;
	p->n = n;
	return XJ_OK;
}

static int
purge(struct xj_db *db, struct purge *p, unsigned long *n)
{
	int rc;

	if (p->limit == 0 || p->limit > XJ_XRET_BATCH)
		p->limit = XJ_XRET_BATCH;
	rc = xj_tx_run(db, purge_tx, p);
	*n = rc == XJ_OK ? p->n : 0;
	return rc;
}

int
xj_xret_outbox_batch(struct xj_db *db, int days, unsigned limit, const struct xj_actor *who,
    unsigned long *n)
{
	struct purge p = { XJ_Q_XRET_OUTBOX_PICK, XJ_Q_XRET_OUTBOX_DELETE,
	    XJ_Q_XRET_OUTBOX_RECORDS_DELETE, "exchange.outbox_purge", "exchange_outbox", days,
	    limit, who, 0 };

	return purge(db, &p, n);
}

int
xj_xret_inbox_batch(struct xj_db *db, int days, unsigned limit, const struct xj_actor *who,
    unsigned long *n)
{
	struct purge p = { XJ_Q_XRET_INBOX_PICK, XJ_Q_XRET_INBOX_DELETE, -1,
	    "exchange.inbox_purge", "exchange_inbox", days, limit, who, 0 };

	return purge(db, &p, n);
}
