/* policy.h -- configurable collection policy kept in the database
 * (DOMAIN.md: "configurable" means policy tables, never code): collection
 * windows per year and division (R-COL-1) and the age cut-off per
 * province (R-COL-8). */
#ifndef XJ_STORE_POLICY_H
#define XJ_STORE_POLICY_H

#include "domain/window.h"

struct xj_db;

/* The window that applies to a county in a year (county, else its city,
 * else its province): XJ_OK with *out, or XJ_NO_ROW. */
int	xj_policy_window(struct xj_db *, int year, const char *county6, struct xj_window *out);
int	xj_policy_window_set(struct xj_db *, int year, const char *division6,
	    long long opens_utc, long long closes_utc);
/* XJ_OK with the province's rule, or XJ_NO_ROW (no cut-off configured). */
int	xj_policy_age(struct xj_db *, const char *province6, int *min_age, int *month, int *day);
int	xj_policy_age_set(struct xj_db *, const char *province6, int min_age, int month, int day);

#endif
