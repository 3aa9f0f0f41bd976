/* privacy.c -- the privacy notice, retention and account deletion
 * (privacy.h, docs/privacy.md). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "db/tx.h"
#include "store/audit.h"
#include "store/privacy.h"
#include "store/sql.h"

int
xj_privacy_notice_current(struct xj_db *db, struct xj_privacy_notice *n)
{
	struct xj_col c[4] = { XJ_COL_INT,
	    XJ_COL_STR(n->published_at, sizeof(n->published_at)),
	    XJ_COL_STR(n->text_zh, sizeof(n->text_zh)),
	    XJ_COL_STR(n->text_en, sizeof(n->text_en)) };
	int rc = xj_db_row(db, XJ_Q_PRIVACY_NOTICE_CURRENT, NULL, 0, c, 4);

	if (rc == XJ_OK)
		n->version = (unsigned)c[0].i;
	return rc;
}

/* Erase registration `id` (number `prereg`) and what hangs off it, with
 * the audit entry `action`; inside the caller's transaction. */
static int
erase_reg(struct xj_db *db, unsigned long long id, const char *prereg, const char *action,
    const struct xj_actor *who)
{
	struct xj_val v = XJ_VI(id);
	struct xj_audit a = { action, "registration", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	char before[64];
	int rc;

	/* sql/0017: the owner's procedure erases what hangs off it, and
	 * refuses a registration that may not go */
	if ((rc = xj_db_exec(db, XJ_Q_PRIVACY_ERASE, &v, 1)) != XJ_OK)
		return rc;
	/* the trail keeps the number and a digest, never the child */
	snprintf(before, sizeof(before), "{\"prereg_no\":\"%s\"}", prereg);
	a.target_id = xj_str_c(prereg);
	a.before = xj_str_c(before);
	return xj_audit_append(db, who, &a);
}

#define BATCH_MAX	200

struct victim {
	unsigned long long	id;
	char			prereg[17];
};

/* The rows statement q selects (id, prereg_no) into vs[]: how many, or
 * an error (negative). */
static int
victims(struct xj_db *db, int q, const struct xj_val *in, unsigned nin, struct victim *vs,
    int max, int *n)
{
	char prereg[17];
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_STR(prereg, sizeof(prereg)) };
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, q, in, nin)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, q, c, 2)) == XJ_OK) {
		if (*n < max) {
			vs[*n].id = (unsigned long long)c[0].i;
			memcpy(vs[*n].prereg, prereg, sizeof(prereg));
			(*n)++;
		}
	}
	xj_db_done(db, q);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

struct retention {
	int			 last_year, limit;
	const struct xj_actor	*who;
	int			 n;
	struct victim		 vs[BATCH_MAX];
};

static int
retention_tx(struct xj_db *db, void *arg)
{
	struct retention *t = arg;
	struct xj_val v[2] = { XJ_VI(t->last_year), XJ_VI(t->limit) };
	int rc;

	/* FOR UPDATE SKIP LOCKED: runners on several hosts take disjoint batches */
	if ((rc = victims(db, XJ_Q_PRIVACY_RETENTION_PICK, v, 2, t->vs, t->limit, &t->n)) != XJ_OK)
		return rc;
	for (int i = 0; i < t->n; i++)
		if ((rc = erase_reg(db, t->vs[i].id, t->vs[i].prereg, "registration.purge",
		    t->who)) != XJ_OK)
			return rc;
	return XJ_OK;
}

int
xj_privacy_retention_batch(struct xj_db *db, int last_year, int limit,
    const struct xj_actor *who, unsigned long *done)
{
	static struct retention t;	/* xuejictl is one thread */
	int rc;

	*done = 0;
	t.last_year = last_year;
	t.limit = limit < 1 || limit > BATCH_MAX ? BATCH_MAX : limit;
	t.who = who;
	if ((rc = xj_tx_run(db, retention_tx, &t)) == XJ_OK)
		*done = (unsigned long)t.n;
	return rc;
}

int
xj_privacy_account_delete(struct xj_db *db, unsigned long long parent,
    const struct xj_actor *who)
{
	/* a parent's registrations are few (the list shows 50; the cap of
	 * issue 10 keeps them at a handful per year) */
	struct victim vs[64];
	struct xj_val v = XJ_VI(parent);
	struct xj_col c = XJ_COL_INT;
	struct xj_audit a = { "parent.delete", "parent_account", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR_NULL };
	char idbuf[24];
	int n, rc;

	/* the account row first: a concurrent delete or login waits here */
	if ((rc = xj_db_row(db, XJ_Q_PRIVACY_ACCOUNT_LOCK, &v, 1, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_db_row(db, XJ_Q_PRIVACY_ACCOUNT_LIVE, &v, 1, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (c.i > 0)
		return XJ_E_ACCOUNT_IN_USE;
	if ((rc = victims(db, XJ_Q_PRIVACY_ACCOUNT_REGS, &v, 1, vs, 64, &n)) != XJ_OK)
		return rc;
	if (n == 64)		/* more than one batch: never seen; refuse rather than half-do */
		return XJ_E_TOO_COMPLEX;
	for (int i = 0; i < n; i++)
		if ((rc = erase_reg(db, vs[i].id, vs[i].prereg, "registration.erase", who)) != XJ_OK)
			return rc;
	if ((rc = xj_db_exec(db, XJ_Q_PRIVACY_ACCOUNT_IDEM, &v, 1)) != XJ_OK ||
	    (rc = xj_db_exec(db, XJ_Q_PRIVACY_ACCOUNT_DELETE, &v, 1)) != XJ_OK)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%llu", parent);
	a.target_id = xj_str_c(idbuf);
	return xj_audit_append(db, who, &a);
}
