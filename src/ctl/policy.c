/* policy.c -- xuejictl window-set and age-policy-set: the collection
 * window per year and division (R-COL-1, Beijing time) and the age
 * cut-off per province (R-COL-8). Each change is audited. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/idnum.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/policy.h"
#include "ctl.h"

struct wargs {
	int		 year;
	const char	*division;
	long long	 opens, closes;
	int		 min_age, month, day;
};

static int
six_digits(const char *s)
{
	return s != NULL && strlen(s) == 6 && strspn(s, "0123456789") == 6;
}

static int
window_tx(struct xj_db *db, void *arg)
{
	struct wargs *w = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl", "" };
	struct xj_audit a = { "policy.window_set", "collection_window", xj_str_c(w->division),
	    XJ_STR_NULL, XJ_STR_NULL };
	int rc = xj_policy_window_set(db, w->year, w->division, w->opens, w->closes);

	return rc == XJ_OK ? xj_audit_append(db, &who, &a) : rc;
}

int
xj_ctl_window_set(struct xj_db *db, int year, const char *division,
    const char *opens, const char *closes)
{
	struct wargs w = { year, division, 0, 0, 0, 0, 0 };
	char a[26], b[26];

	if (year < 2000 || year > 2100 || !six_digits(division) ||
	    xj_datetime_parse_local(xj_str_c(opens), &w.opens) != XJ_OK ||
	    xj_datetime_parse_local(xj_str_c(closes), &w.closes) != XJ_OK || w.closes <= w.opens) {
		fprintf(stderr, "window-set: need --year YYYY --division CODE6 --opens and --closes as "
		    "'YYYY-MM-DD HH:MM' Beijing time, closes after opens\n");
		return 2;
	}
	if (xj_tx_run(db, window_tx, &w) != XJ_OK) {
		fprintf(stderr, "window-set: MariaDB error %u\n", db->err);
		return 1;
	}
	xj_datetime_format_local(w.opens, a);
	xj_datetime_format_local(w.closes, b);
	printf("window %d %s: %s .. %s (closes exclusive)\n", year, division, a, b);
	return 0;
}

static int
age_tx(struct xj_db *db, void *arg)
{
	struct wargs *w = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl", "" };
	struct xj_audit a = { "policy.age_set", "age_policy", xj_str_c(w->division),
	    XJ_STR_NULL, XJ_STR_NULL };
	int rc = xj_policy_age_set(db, w->division, w->min_age, w->month, w->day);

	return rc == XJ_OK ? xj_audit_append(db, &who, &a) : rc;
}

int
xj_ctl_age_set(struct xj_db *db, const char *province, int min_age, const char *cutoff)
{
	struct wargs w = { 0, province, 0, 0, min_age, 0, 0 };

	if (!six_digits(province) || strcmp(province + 2, "0000") != 0 || min_age < 3 ||
	    min_age > 8 || cutoff == NULL || sscanf(cutoff, "%d-%d", &w.month, &w.day) != 2 ||
	    !xj_date_valid(2000, w.month, w.day)) {
		fprintf(stderr, "age-policy-set: need --province XX0000 --min-age N (3..8) --cutoff MM-DD\n");
		return 2;
	}
	if (xj_tx_run(db, age_tx, &w) != XJ_OK) {
		fprintf(stderr, "age-policy-set: MariaDB error %u\n", db->err);
		return 1;
	}
	printf("age policy %s: %d years by %02d-%02d\n", province, min_age, w.month, w.day);
	return 0;
}
