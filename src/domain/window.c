/* window.c -- collection windows and Beijing time (R-COL-1). Pure; no I/O,
 * no TZ: see window.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "idnum.h"
#include "window.h"

/* floor division, for instants before 1970 */
static long long
fdiv(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

long long
xj_days_from_civil(int y, int m, int d)
{
	long long yy = (long long)y - (m <= 2);
	long long era = fdiv(yy, 400);
	long long yoe = yy - era * 400;				/* 0..399 */
	long long mp = (m + 9) % 12;				/* March = 0 */
	long long doy = (153 * mp + 2) / 5 + d - 1;		/* 0..365 */
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* 0..146096 */

	return era * 146097 + doe - 719468;
}

long long
xj_shanghai_to_utc(int y, int mo, int d, int h, int mi, int s)
{
	/* month overflow (13 = January next year) normalised first */
	long long ym = (long long)y * 12 + (mo - 1);
	int yy = (int)fdiv(ym, 12), mm = (int)(ym - (long long)yy * 12) + 1;

	return xj_days_from_civil(yy, mm, 1) * 86400 + (long long)(d - 1) * 86400 +
	    (long long)h * 3600 + (long long)mi * 60 + s - XJ_SHANGHAI_OFFSET;
}

void
xj_utc_to_shanghai(long long t, struct xj_localtime *out)
{
	long long local = t + XJ_SHANGHAI_OFFSET;
	long long z = fdiv(local, 86400), sod = local - z * 86400;
	long long era, doe, yoe, doy, mp, y;

	out->hour = (int)(sod / 3600);
	out->min = (int)(sod / 60 % 60);
	out->sec = (int)(sod % 60);
	out->wday = (int)((z % 7 + 11) % 7);	/* 1970-01-01 was a Thursday */
	z += 719468;
	era = fdiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(y + (out->month <= 2));
}

const struct xj_window *
xj_window_pick(const struct xj_window *w, size_t n, const char *county6)
{
	char want[3][7];

	if (county6 == NULL || strlen(county6) != 6)
		return NULL;
	memcpy(want[0], county6, 7);
	memcpy(want[1], county6, 4);
	memcpy(want[1] + 4, "00", 3);
	memcpy(want[2], county6, 2);
	memcpy(want[2] + 2, "0000", 5);
	for (int level = 0; level < 3; level++)
		for (size_t i = 0; i < n; i++)
			if (strcmp(w[i].division, want[level]) == 0)
				return &w[i];
	return NULL;
}

int
xj_window_open(const struct xj_window *w, long long now)
{
	return w != NULL && w->opens_utc <= now && now < w->closes_utc;
}

/* n digits at p, or -1 */
static int
num(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int
xj_datetime_parse_local(struct xj_str s, long long *utc)
{
	const char *p = s.p;
	size_t n = s.len, i;
	int y, mo, d, h, mi, sec = 0, off = XJ_SHANGHAI_OFFSET;

	/* YYYY-MM-DD?HH:MM is 16 characters */
	if (n < 16 || p[4] != '-' || p[7] != '-' || (p[10] != ' ' && p[10] != 'T') ||
	    p[13] != ':')
		return XJ_E_F_DATETIME;
	y = num(p, 4);
	mo = num(p + 5, 2);
	d = num(p + 8, 2);
	h = num(p + 11, 2);
	mi = num(p + 14, 2);
	i = 16;
	if (i < n && p[i] == ':') {
		if (n < 19 || (sec = num(p + 17, 2)) < 0)
			return XJ_E_F_DATETIME;
		i = 19;
	}
	if (i < n && p[i] == 'Z' && i + 1 == n) {
		off = 0;
		i = n;
	} else if (i < n && (p[i] == '+' || p[i] == '-') && n - i == 6 && p[i + 3] == ':') {
		int oh = num(p + i + 1, 2), om = num(p + i + 4, 2);
		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return XJ_E_F_DATETIME;
		off = (oh * 3600 + om * 60) * (p[i] == '-' ? -1 : 1);
		i = n;
	}
	if (i != n || y < 0 || !xj_date_valid(y, mo, d) || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec > 59)
		return XJ_E_F_DATETIME;
	*utc = xj_shanghai_to_utc(y, mo, d, h, mi, sec) + XJ_SHANGHAI_OFFSET - off;
	return XJ_OK;
}

int
xj_datetime_format_local(long long utc, char out[26])
{
	struct xj_localtime t;

	out[0] = '\0';
	/* 0000-01-01 and 10000-01-01 Beijing time */
	if (utc < -62167248000LL || utc >= 253402272000LL)
		return XJ_E_F_RANGE;
	xj_utc_to_shanghai(utc, &t);
	snprintf(out, 26, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", t.year, t.month,
	    t.day, t.hour, t.min, t.sec);
	return XJ_OK;
}

void
xj_datetime_format_db(const char *utc, char out[26])
{
	int y, mo, d, h, mi, s;

	out[0] = '\0';
	if (utc == NULL || sscanf(utc, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6 ||
	    !xj_date_valid(y, mo, d) || h > 23 || mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0)
		return;
	(void)xj_datetime_format_local(xj_days_from_civil(y, mo, d) * 86400LL +
	    h * 3600 + mi * 60 + s, out);	/* "" out of range */
}
