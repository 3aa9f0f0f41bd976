/* calendar.c -- the working-day calendar in the database (see calendar.h;
 * counting rules in domain/workday.h). A count loads the special days of
 * the span it may touch with one query, and which years of that span are
 * imported with a second; never a query per day. For add_workdays the span
 * is bounded before counting: n working days need at most 2n + 40 calendar
 * days (weekends take 2 of 7, and the longest run of holidays plus
 * weekends in any notice is 9 days, Spring Festival 2025 and National Day
 * 2026; 2n + 40 leaves room for several such runs). Should a count still
 * run past it, the span is doubled and loaded once more. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "domain/window.h"
#include "domain/workday.h"
#include "calendar.h"
#include "sql.h"

/* special days of a span: at most ~40 a year nationally, more with an
 * overlay; 11 years of span (XJ_CALENDAR_MAX_SPAN + slack) fit */
#define MAXDAYS	1024

struct span {
	struct xj_specialday	days[MAXDAYS];
	struct xj_workcal	cal;
};

static int
province_key(const char *province, char key[7])
{
	if (province == NULL || *province == '\0') {
		key[0] = '\0';
		return XJ_OK;
	}
	if (strlen(province) != 6 || strspn(province, "0123456789") != 6)
		return XJ_E_F_DIVISION;
	memcpy(key, province, 2);
	memcpy(key + 2, "0000", 5);
	return XJ_OK;
}

/* The special days of [lo, hi] for the province key and the imported
 * years of that span into s. */
static int
load(struct xj_db *db, const char *key, long long lo, long long hi, struct span *s)
{
	char a[11], b[11];
	struct xj_val v[3];
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
	size_t n = 0;
	int rc, ylo = xj_workday_year(lo), yhi = xj_workday_year(hi);

	xj_workday_format(lo, a);
	xj_workday_format(hi, b);
	v[0] = XJ_VS(key);
	v[1] = XJ_VS(a);
	v[2] = XJ_VS(b);
	if ((rc = xj_db_exec(db, XJ_Q_CAL_DAYS_RANGE, v, 3)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_CAL_DAYS_RANGE, c, 2)) == XJ_OK) {
		/* ordered by day, national first: an overlay row replaces the
		 * national row of its day */
		if (n > 0 && s->days[n - 1].day == c[0].i)
			n--;
		if (n == MAXDAYS) {
			rc = XJ_E_F_RANGE;
			break;
		}
		s->days[n].day = c[0].i;
		s->days[n].kind = (int)c[1].i;
		n++;
	}
	xj_db_done(db, XJ_Q_CAL_DAYS_RANGE);
	if (rc != XJ_NO_ROW)
		return rc == XJ_OK ? XJ_E_INTERNAL : rc;
	s->cal.days = s->days;
	s->cal.ndays = n;
	s->cal.year_lo = ylo;
	s->cal.years_known = 0;
	v[0] = XJ_VI(ylo);
	v[1] = XJ_VI(yhi);
	if ((rc = xj_db_exec(db, XJ_Q_CAL_YEARS_RANGE, v, 2)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_CAL_YEARS_RANGE, c, 1)) == XJ_OK)
		if (c[0].i >= ylo && c[0].i < ylo + 32)
			s->cal.years_known |= 1u << (c[0].i - ylo);
	xj_db_done(db, XJ_Q_CAL_YEARS_RANGE);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_calendar_add_workdays(struct xj_db *db, const char *province, const char *from, int n,
    char out[11], int *provisional)
{
	struct span *s;
	char key[7];
	long long d, hi, res;
	int rc, tries;

	out[0] = '\0';
	*provisional = 0;
	if ((rc = province_key(province, key)) != XJ_OK)
		return rc;
	if (xj_workday_parse(from, &d) != 0)
		return XJ_E_F_DATE;
	/* the doubled span must stay a YYYY-MM-DD date (year 9999 at most) */
	if (n < 0 || n > XJ_CALENDAR_MAX_N ||
	    d + 4LL * n + 80 > xj_days_from_civil(9999, 12, 31))
		return XJ_E_F_RANGE;
	if ((s = malloc(sizeof(*s))) == NULL)
		return XJ_E_INTERNAL;
	hi = d + 2LL * n + 40;
	for (tries = 0; tries < 2; tries++, hi = d + 2 * (hi - d)) {
		if ((rc = load(db, key, d + 1, hi, s)) != XJ_OK)
			goto out;
		if (xj_workday_add(&s->cal, d, n, hi, &res, provisional) == 0) {
			xj_workday_format(res, out);
			rc = XJ_OK;
			goto out;
		}
	}
	rc = XJ_E_F_RANGE;	/* no 2n + 40 calendar notice has ever needed */
out:
	free(s);
	return rc;
}

int
xj_calendar_workdays_between(struct xj_db *db, const char *province, const char *from,
    const char *to, int *days, int *provisional)
{
	struct span *s;
	char key[7];
	long long a, b, lo, hi;
	int rc;

	*days = 0;
	*provisional = 0;
	if ((rc = province_key(province, key)) != XJ_OK)
		return rc;
	if (xj_workday_parse(from, &a) != 0 || xj_workday_parse(to, &b) != 0)
		return XJ_E_F_DATE;
	lo = a < b ? a : b;
	hi = a < b ? b : a;
	if (hi - lo > XJ_CALENDAR_MAX_SPAN)
		return XJ_E_F_RANGE;
	if (hi == lo)
		return XJ_OK;
	if ((s = malloc(sizeof(*s))) == NULL)
		return XJ_E_INTERNAL;
	if ((rc = load(db, key, lo + 1, hi, s)) == XJ_OK)
		*days = xj_workday_between(&s->cal, a, b, provisional);
	free(s);
	return rc;
}

int
xj_calendar_year_imported(struct xj_db *db, int year, int *rc)
{
	struct xj_val v[2] = { XJ_VI(year), XJ_VI(year) };
	struct xj_col c = XJ_COL_INT;

	*rc = xj_db_row(db, XJ_Q_CAL_YEARS_RANGE, v, 2, &c, 1);
	if (*rc == XJ_NO_ROW) {
		*rc = XJ_OK;
		return 0;
	}
	return *rc == XJ_OK;
}

int
xj_calendar_replace_year(struct xj_db *db, int year, const char *province6,
    const struct xj_calendar_row *rows, int n, const char *source, const char *digest)
{
	char key[7], a[11], b[11];
	struct xj_val v[5];
	int rc, i;

	if ((rc = province_key(province6, key)) != XJ_OK)
		return rc;
	snprintf(a, sizeof(a), "%04d-01-01", year);
	snprintf(b, sizeof(b), "%04d-12-31", year);
	v[0] = XJ_VS(key);
	v[1] = XJ_VS(a);
	v[2] = XJ_VS(b);
	if ((rc = xj_db_exec(db, XJ_Q_CAL_DAYS_DELETE, v, 3)) != XJ_OK)
		return rc;
	for (i = 0; i < n; i++) {
		v[0] = XJ_VS(rows[i].date);
		v[1] = XJ_VS(key);
		v[2] = XJ_VS(rows[i].kind == XJ_DAY_HOLIDAY ? "holiday" : "workday");
		v[3] = XJ_VS(rows[i].name);
		if ((rc = xj_db_exec(db, XJ_Q_CAL_DAY_INSERT, v, 4)) != XJ_OK)
			return rc;
	}
	v[0] = XJ_VI(year);
	v[1] = XJ_VS(key);
	v[2] = XJ_VS(source);
	v[3] = XJ_VI(n);
	v[4] = XJ_VS(digest);
	return xj_db_exec(db, XJ_Q_CAL_YEAR_UPSERT, v, 5);
}

int
xj_calendar_year_digest(struct xj_db *db, int year, const char *province6, char digest[65])
{
	char key[7];
	struct xj_val v[2];
	struct xj_col c = XJ_COL_STR(digest, 65);
	int rc;

	digest[0] = '\0';
	if ((rc = province_key(province6, key)) != XJ_OK)
		return rc;
	v[0] = XJ_VS(key);
	v[1] = XJ_VI(year);
	return xj_db_row(db, XJ_Q_CAL_YEAR_DIGEST, v, 2, &c, 1);
}
