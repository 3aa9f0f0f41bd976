/* idnum.c -- ID number structure, birth date and check character
 * (GB 11643, R-COL-7). Pure functions; no I/O. */
#include "config.h"

#include "core/str.h"

#include <string.h>

#include "core/err.h"
#include "idnum.h"

static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };

char
xj_idnum_check_char(const char *d)
{
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (d[i] - '0') * weight[i];
	return "10X98765432"[sum % 11];
}

int
xj_date_valid(int y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static int
num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int
xj_date_parse(struct xj_str s, int *y, int *m, int *d)
{
	if (s.len != 10 || s.p[4] != '-' || s.p[7] != '-' || !xj_all_digits(s.p, 4) ||
	    !xj_all_digits(s.p + 5, 2) || !xj_all_digits(s.p + 8, 2))
		return XJ_E_F_DATE;
	*y = num(s.p, 4);
	*m = num(s.p + 5, 2);
	*d = num(s.p + 8, 2);
	return xj_date_valid(*y, *m, *d) ? XJ_OK : XJ_E_F_DATE;
}

int
xj_date_check(struct xj_str s)
{
	int y, m, d;

	return xj_date_parse(s, &y, &m, &d);
}

int
xj_idnum_parse(struct xj_str s, struct xj_idnum *out)
{
	char up[18];

	if (s.len == 15 && xj_all_digits(s.p, 15))
		return XJ_E_F_ID_15;
	if (s.len != 18 || !xj_all_digits(s.p, 17) ||
	    !(xj_all_digits(s.p + 17, 1) || s.p[17] == 'X' || s.p[17] == 'x'))
		return XJ_E_F_ID_FORMAT;
	memcpy(up, s.p, 18);
	if (up[17] == 'x')
		up[17] = 'X';
	memcpy(out->area, up, 6);
	out->area[6] = '\0';
	out->year = num(up + 6, 4);
	out->month = num(up + 10, 2);
	out->day = num(up + 12, 2);
	out->male = (up[16] - '0') % 2 == 1;
	if (!xj_date_valid(out->year, out->month, out->day))
		return XJ_E_F_ID_BIRTH;
	if (xj_idnum_check_char(up) != up[17])
		return XJ_E_F_ID_CHECK;
	return XJ_OK;
}

int
xj_idnum_area_ok(const char *area, int (*ever)(const char *, void *), void *arg)
{
	char city[7];

	if (strcmp(area, "810000") == 0 || strcmp(area, "820000") == 0 ||
	    strcmp(area, "830000") == 0)
		return 1;
	if (ever(area, arg))
		return 1;
	/* xxxx01 (市辖区) where xxxx00 is a prefecture-level city */
	if (strcmp(area + 4, "01") == 0 && strcmp(area + 2, "0001") != 0) {
		memcpy(city, area, 4);
		memcpy(city + 4, "00", 3);
		return ever(city, arg);
	}
	return 0;
}
