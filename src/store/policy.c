/* policy.c -- collection windows and age cut-offs (see policy.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "policy.h"
#include "sql.h"

int
xj_policy_window(struct xj_db *db, int year, const char *county6, struct xj_window *out)
{
	struct xj_window w[3];
	const struct xj_window *pick;
	char city[7], prov[7], code[8];
	struct xj_val v[4];
	struct xj_col c[3] = { XJ_COL_STR(code, sizeof(code)), XJ_COL_INT, XJ_COL_INT };
	size_t n = 0;
	int rc;

	snprintf(city, sizeof(city), "%.4s00", county6);
	snprintf(prov, sizeof(prov), "%.2s0000", county6);
	v[0] = XJ_VI(year);
	v[1] = XJ_VS(county6);
	v[2] = XJ_VS(city);
	v[3] = XJ_VS(prov);
	if ((rc = xj_db_exec(db, XJ_Q_WINDOWS_FOR, v, 4)) != XJ_OK)
		return rc;
	while (n < 3 && (rc = xj_db_fetch(db, XJ_Q_WINDOWS_FOR, c, 3)) == XJ_OK) {
		snprintf(w[n].division, sizeof(w[n].division), "%s", code);
		w[n].opens_utc = c[1].i;
		w[n].closes_utc = c[2].i;
		n++;
	}
	xj_db_done(db, XJ_Q_WINDOWS_FOR);
	if (rc != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	if ((pick = xj_window_pick(w, n, county6)) == NULL)
		return XJ_NO_ROW;
	*out = *pick;
	return XJ_OK;
}

int
xj_policy_window_set(struct xj_db *db, int year, const char *division6,
    long long opens_utc, long long closes_utc)
{
	struct xj_val v[4] = { XJ_VI(year), XJ_VS(division6), XJ_VI(opens_utc), XJ_VI(closes_utc) };

	return xj_db_exec(db, XJ_Q_WINDOW_UPSERT, v, 4);
}

int
xj_policy_age(struct xj_db *db, const char *province6, int *min_age, int *month, int *day)
{
	struct xj_val v = XJ_VS(province6);
	struct xj_col c[3] = { XJ_COL_INT, XJ_COL_INT, XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_AGE_POLICY, &v, 1, c, 3);

	*min_age = (int)c[0].i;
	*month = (int)c[1].i;
	*day = (int)c[2].i;
	return rc;
}

int
xj_policy_age_set(struct xj_db *db, const char *province6, int min_age, int month, int day)
{
	struct xj_val v[4] = { XJ_VS(province6), XJ_VI(min_age), XJ_VI(month), XJ_VI(day) };

	return xj_db_exec(db, XJ_Q_AGE_POLICY_UPSERT, v, 4);
}
