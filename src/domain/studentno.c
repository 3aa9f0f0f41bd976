/* studentno.c -- national student numbers (R-REC-1): check G, J and L
 * numbers, build temporary L numbers. Pure functions; no I/O. */
#include "config.h"

#include "core/str.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "idnum.h"
#include "studentno.h"

static int
num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* 6 digits that could be a division code: not all zeros. Whether the code
 * ever existed is not asked here: the ministry issues J numbers with
 * codes we may not know, and an L number carries the county code of the
 * school that issued it. */
static int
area_ok(const char *a)
{
	return xj_all_digits(a, 6) && memcmp(a, "000000", 6) != 0;
}

/* The 18 characters after a J: area, birth date, sequence, check. */
static int
check_selfcode(const char *s)
{
	char c;

	if (!xj_all_digits(s, 17) || !area_ok(s))
		return XJ_E_F_STUDENTNO_FORMAT;
	c = s[17] == 'x' ? 'X' : s[17];
	if (!((c >= '0' && c <= '9') || c == 'X'))
		return XJ_E_F_STUDENTNO_FORMAT;
	if (!xj_date_valid(num(s + 6, 4), num(s + 10, 2), num(s + 12, 2)))
		return XJ_E_F_STUDENTNO_BIRTH;
	return xj_idnum_check_char(s) == c ? XJ_OK : XJ_E_F_STUDENTNO_CHECK;
}

int
xj_studentno_check(struct xj_str s, char *kind)
{
	int rc;

	if (s.p == NULL || s.len != XJ_STUDENTNO_LEN)
		return XJ_E_F_STUDENTNO_FORMAT;
	switch (s.p[0]) {
	case 'G': {
		struct xj_idnum id;
		/* the ID number as GB 11643 defines it; its codes mapped onto
		 * the student number's */
		rc = xj_idnum_parse((struct xj_str){ 18, s.p + 1 }, &id);
		if (rc == XJ_E_F_ID_BIRTH)
			rc = XJ_E_F_STUDENTNO_BIRTH;
		else if (rc == XJ_E_F_ID_CHECK)
			rc = XJ_E_F_STUDENTNO_CHECK;
		else if (rc != XJ_OK)
			rc = XJ_E_F_STUDENTNO_FORMAT;
		else if (!area_ok(s.p + 1))
			rc = XJ_E_F_STUDENTNO_FORMAT;
		break;
	}
	case 'J':
		rc = check_selfcode(s.p + 1);
		break;
	case 'L':
		if (!xj_all_digits(s.p + 1, 18) || !area_ok(s.p + 1))
			rc = XJ_E_F_STUDENTNO_FORMAT;
		else if (!xj_date_valid(num(s.p + 7, 4), num(s.p + 11, 2), num(s.p + 13, 2)))
			rc = XJ_E_F_STUDENTNO_BIRTH;
		else
			rc = XJ_OK;
		break;
	default:
		rc = XJ_E_F_STUDENTNO_FORMAT;	/* no such type letter */
	}
	if (rc == XJ_OK && kind != NULL)
		*kind = s.p[0];
	return rc;
}

int
xj_studentno_validate(struct xj_str s)
{
	return xj_studentno_check(s, NULL);
}

int
xj_studentno_temp(const char *area6, int y, int m, int d, unsigned rand4,
    char out[XJ_STUDENTNO_LEN + 1])
{
	out[0] = '\0';
	if (area6 == NULL || strlen(area6) != 6 || !area_ok(area6) || y < 1900 ||
	    !xj_date_valid(y, m, d) || rand4 >= XJ_STUDENTNO_RAND_MAX)
		return XJ_E_F_RANGE;
	snprintf(out, XJ_STUDENTNO_LEN + 1, "L%.6s%04d%02d%02d%04u", area6, y, m, d, rand4);
	return XJ_OK;
}
