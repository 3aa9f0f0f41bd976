/* workday.c -- working days under the official calendar (see workday.h,
 * R-MOV-3). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "domain/idnum.h"
#include "domain/window.h"
#include "workday.h"

/* Howard Hinnant's civil_from_days, the inverse of xj_days_from_civil. */
static void
civil(long long z, int *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
xj_workday_parse(const char *s, long long *day)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") != 2)
		return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (!xj_date_valid(y, m, d))
		return -1;
	*day = xj_days_from_civil(y, m, d);
	return 0;
}

void
xj_workday_format(long long day, char out[11])
{
	int y, m, d;

	civil(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m, d);
}

int
xj_workday_year(long long day)
{
	int y, m, d;

	civil(day, &y, &m, &d);
	return y;
}

int
xj_workday_wday(long long day)
{
	/* 1970-01-01 was a Thursday (4) */
	long long w = (day + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

static int
special(const struct xj_workcal *cal, long long day)
{
	size_t lo = 0, hi = cal->ndays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->days[mid].day == day)
			return cal->days[mid].kind;
		if (cal->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
xj_workday_is_working(const struct xj_workcal *cal, long long day)
{
	int w;

	switch (special(cal, day)) {
	case XJ_DAY_HOLIDAY:
		return 0;
	case XJ_DAY_WORKDAY:
		return 1;
	}
	w = xj_workday_wday(day);
	return w != 0 && w != 6;
}

static int
year_known(const struct xj_workcal *cal, int year)
{
	int i = year - cal->year_lo;

	return i >= 0 && i < 32 && (cal->years_known >> i & 1u);
}

/* 1 if some year of the days [a, b] (a <= b) has no imported calendar. */
static int
provisional(const struct xj_workcal *cal, long long a, long long b)
{
	int y, ylast = xj_workday_year(b);

	for (y = xj_workday_year(a); y <= ylast; y++)
		if (!year_known(cal, y))
			return 1;
	return 0;
}

int
xj_workday_add(const struct xj_workcal *cal, long long from, int n, long long limit,
    long long *out, int *prov)
{
	long long day = from;

	*prov = 0;
	while (n > 0) {
		if (++day > limit)
			return -1;
		if (xj_workday_is_working(cal, day))
			n--;
	}
	*out = day;
	if (day > from)
		*prov = provisional(cal, from + 1, day);
	return 0;
}

int
xj_workday_between(const struct xj_workcal *cal, long long from, long long to, int *prov)
{
	long long lo = from < to ? from : to, hi = from < to ? to : from, day;
	int n = 0;

	*prov = 0;
	for (day = lo + 1; day <= hi; day++)
		n += xj_workday_is_working(cal, day);
	if (hi > lo)
		*prov = provisional(cal, lo + 1, hi);
	return to < from ? -n : n;
}
