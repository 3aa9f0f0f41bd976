/* claim.c -- contested claims (see claim.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "store/audit.h"
#include "store/certreview.h"
#include "store/registration.h"
#include "claim.h"
#include "sql.h"

int
xj_claim_target(struct xj_db *db, const char *prereg, unsigned long long *reg_id,
    char county[7], char county_path[129])
{
	struct xj_val v = XJ_VS(prereg);
	struct xj_col c[3] = { XJ_COL_INT, XJ_COL_STR(county, 7), XJ_COL_STR(county_path, 129) };
	int rc = xj_db_row(db, XJ_Q_CLAIM_TARGET, &v, 1, c, 3);

	*reg_id = rc == XJ_OK ? (unsigned long long)c[0].i : 0;
	return rc;
}

int
xj_claim_void(struct xj_db *db, unsigned long long reg_id, enum xj_reg_event ev,
    const char *reason, const struct xj_actor *who, const char *action, char prereg[17])
{
	char state[25], cert[17], before[96], after[160];
	struct xj_val v = XJ_VI(reg_id);
	struct xj_col c[4] = { XJ_COL_STR(prereg, 17), XJ_COL_STR(state, sizeof(state)),
	    XJ_COL_STR(cert, sizeof(cert)), XJ_COL_INT };
	struct xj_audit au = { action, "registration", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	struct xj_reg_pos from, to;
	int rc, s, ce;

	if ((rc = xj_db_row(db, XJ_Q_CLAIM_REG_LOCK, &v, 1, c, 4)) != XJ_OK)
		return rc;
	if ((s = xj_reg_state_parse(state)) < 0 || (ce = xj_cert_state_parse(cert)) < 0)
		return XJ_E_INTERNAL;
	from.state = (enum xj_reg_state)s;
	from.cert = (enum xj_cert_state)ce;
	if ((rc = xj_reg_next(from, ev, (int)c[3].i, &to)) != XJ_OK)
		return rc;
	/* the row is locked: a conflict here would be a bug, rerun */
	if ((rc = xj_reg_move(db, reg_id, from, to)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	if ((rc = xj_reg_unclaim(db, reg_id)) != XJ_OK ||
	    (rc = xj_reg_psb_supersede(db, reg_id)) != XJ_OK ||
	    (rc = xj_certreview_withdraw(db, reg_id)) != XJ_OK ||
	    (rc = xj_reg_event(db, reg_id, xj_reg_event_name(ev), xj_reg_state_name(to.state),
	    reason)) != XJ_OK)
		return rc;
	/* digests only (audit.h): the reason is in the history */
	snprintf(before, sizeof(before), "{\"state\":\"%s\",\"cert\":\"%s\"}", state, cert);
	snprintf(after, sizeof(after), "{\"event\":\"%s\",\"state\":\"%s\",\"claim\":\"released\"}",
	    xj_reg_event_name(ev), xj_reg_state_name(to.state));
	au.target_id = xj_str_c(prereg);
	au.before = xj_str_c(before);
	au.after = xj_str_c(after);
	return xj_audit_append(db, who, &au);
}

int
xj_claim_expired(struct xj_db *db, int days, size_t max, unsigned long long *ids, size_t *n)
{
	struct xj_val v[2] = { XJ_VI(days), XJ_VI(max) };
	struct xj_col c = XJ_COL_INT;
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_CLAIM_EXPIRED, v, 2)) != XJ_OK)
		return rc;
	while (*n < max && (rc = xj_db_fetch(db, XJ_Q_CLAIM_EXPIRED, &c, 1)) == XJ_OK)
		ids[(*n)++] = (unsigned long long)c.i;
	xj_db_done(db, XJ_Q_CLAIM_EXPIRED);
	return rc == XJ_NO_ROW || rc == XJ_OK ? XJ_OK : rc;
}

int
xj_claim_holder(struct xj_db *db, const unsigned char bidx[32], struct xj_claim_holder *h)
{
	struct xj_val v = XJ_VB(bidx, 32);
	struct xj_col c[7] = {
		XJ_COL_STR(h->prereg, sizeof(h->prereg)), XJ_COL_STR(h->county, sizeof(h->county)),
		XJ_COL_STR(h->county_name, sizeof(h->county_name)),
		XJ_COL_STR(h->state, sizeof(h->state)),
		XJ_COL_STR(h->child_name, sizeof(h->child_name)),
		XJ_COL_STR(h->created_at, sizeof(h->created_at)),
		XJ_COL_STR(h->updated_at, sizeof(h->updated_at)),
	};

	return xj_db_row(db, XJ_Q_CLAIM_HOLDER, &v, 1, c, 7);
}

int
xj_claim_quota_take(struct xj_db *db, unsigned long long staff_id, long long *used,
    long long *retry_s)
{
	struct xj_val v = XJ_VI(staff_id);
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_CLAIM_QUOTA_TAKE, &v, 1)) != XJ_OK ||
	    (rc = xj_db_row(db, XJ_Q_CLAIM_QUOTA_GET, &v, 1, c, 2)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	*used = c[0].i;
	*retry_s = c[1].i;
	return XJ_OK;
}
