/* ratelimit.c -- request counters (see ratelimit.h). */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "ratelimit.h"
#include "sql.h"

int
xj_rate_hit(struct xj_db *db, const char *scope, const unsigned char subject[32],
    int window_s, int limit, long *retry_after)
{
	struct xj_val hit[4] = { XJ_VS(scope), XJ_VB(subject, 32), XJ_VI(window_s), XJ_VI(window_s) };
	struct xj_val rd[3] = { XJ_VI(window_s), XJ_VS(scope), XJ_VB(subject, 32) };
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
	int rc;

	*retry_after = 0;
	if ((rc = xj_db_exec(db, XJ_Q_RATE_HIT, hit, 4)) != XJ_OK)
		return rc;
	if ((rc = xj_db_row(db, XJ_Q_RATE_READ, rd, 3, c, 2)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (c[0].i <= limit)
		return XJ_OK;
	*retry_after = c[1].i > 0 ? (long)c[1].i : 1;
	return XJ_E_RATE_LIMITED;
}

int
xj_rate_purge(struct xj_db *db, unsigned long long *n)
{
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_RATE_PURGE, NULL, 0)) != XJ_OK)
		return rc;
	*n = xj_db_affected(db, XJ_Q_RATE_PURGE);
	return XJ_OK;
}
