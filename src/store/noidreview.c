/* noidreview.c -- the district's check of a no-ID certificate (see
 * noidreview.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "noidreview.h"
#include "sql.h"

int
xj_noid_target(struct xj_db *db, const char *prereg, struct xj_noid_target *o)
{
	struct xj_val v = XJ_VS(prereg);
	struct xj_col c[4] = { XJ_COL_INT, XJ_COL_STR(o->prereg, sizeof(o->prereg)),
	    XJ_COL_STR(o->county, sizeof(o->county)),
	    XJ_COL_STR(o->county_path, sizeof(o->county_path)) };
	int rc = xj_db_row(db, XJ_Q_NOID_TARGET, &v, 1, c, 4);

	if (rc != XJ_OK)
		return rc;
	o->reg_id = (unsigned long long)c[0].i;
	return XJ_OK;
}

int
xj_noid_lock(struct xj_db *db, unsigned long long reg_id, struct xj_noid_pos *o)
{
	char state[25], cert[17], doc[2];
	struct xj_val v = XJ_VI(reg_id);
	struct xj_col c[6] = { XJ_COL_STR(state, sizeof(state)), XJ_COL_STR(cert, sizeof(cert)),
	    XJ_COL_INT, XJ_COL_INT, XJ_COL_STR(doc, sizeof(doc)), XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_NOID_LOCK, &v, 1, c, 6);

	if (rc != XJ_OK)
		return rc;
	o->pos.state = (enum xj_reg_state)xj_reg_state_parse(state);
	o->pos.cert = (enum xj_cert_state)xj_cert_state_parse(cert);
	if ((int)o->pos.state < 0 || (int)o->pos.cert < 0)
		return XJ_E_INTERNAL;
	o->version = (unsigned)c[2].i;
	o->local_family = (int)c[3].i;
	o->noid = xj_reg_noid(doc, (size_t)c[5].i);
	return XJ_OK;
}

int
xj_noid_queue(struct xj_db *db, const char *path_prefix, unsigned long long after_id,
    int limit, void (*fn)(const struct xj_noid_item *, void *), void *arg)
{
	struct xj_noid_item it;
	char like[136];
	struct xj_val v[4];
	struct xj_col c[11] = {
		XJ_COL_INT, XJ_COL_STR(it.prereg, sizeof(it.prereg)),
		XJ_COL_STR(it.county, sizeof(it.county)),
		XJ_COL_STR(it.child_name, sizeof(it.child_name)), XJ_COL_STR(it.sex, sizeof(it.sex)),
		XJ_COL_STR(it.birth_date, sizeof(it.birth_date)), XJ_COL_INT,
		XJ_COL_STR(it.cert, sizeof(it.cert)), XJ_COL_INT,
		XJ_COL_STR(it.created_at, sizeof(it.created_at)),
		XJ_COL_STR(it.updated_at, sizeof(it.updated_at)),
	};
	int rc;

	/* org paths are digits and '/': nothing LIKE would read as a pattern */
	snprintf(like, sizeof(like), "%s%%", path_prefix);
	v[0] = XJ_VS(xj_reg_state_name(XJ_REG_SUBMITTED));
	v[1] = XJ_VS(like);
	v[2] = XJ_VI(after_id);
	v[3] = XJ_VI(limit);
	if ((rc = xj_db_exec(db, XJ_Q_NOID_QUEUE, v, 4)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_NOID_QUEUE, c, 11)) == XJ_OK) {
		it.reg_id = (unsigned long long)c[0].i;
		it.local_family = (int)c[6].i;
		it.version = (unsigned)c[8].i;
		fn(&it, arg);
	}
	xj_db_done(db, XJ_Q_NOID_QUEUE);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}
