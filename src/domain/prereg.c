/* prereg.c -- pre-registration numbers (R-COL-3): make, parse, display.
 * Pure functions; no I/O. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "division.h"
#include "prereg.h"

/* longest input worth reading: the display form with a space around each
 * dash is 25 characters */
#define MAX_TYPED	40

char
xj_prereg_check_char(const char *d)
{
	int sum = 0;

	/* ISO 7064 MOD 11-2 by Horner's rule: weights 2^(16-i) mod 11, the
	 * same as idnum's table for 17 digits with two leading zeros */
	for (int i = 0; i < 15; i++)
		sum = (sum + (d[i] - '0')) * 2 % 11;
	return "10X98765432"[sum];
}

int
xj_prereg_make(int year, const char *county6, unsigned rand7, char out[17])
{
	int rc;

	out[0] = '\0';
	if (year < 2000 || year > 2099 || rand7 >= XJ_PREREG_SERIAL_MAX)
		return XJ_E_F_RANGE;
	if ((rc = xj_county_code_check(xj_str_c(county6))) != XJ_OK)
		return rc;
	out[0] = (char)('0' + year / 10 % 10);
	out[1] = (char)('0' + year % 10);
	memcpy(out + 2, county6, 6);
	for (int i = 14; i >= 8; i--, rand7 /= 10)
		out[i] = (char)('0' + rand7 % 10);
	out[15] = xj_prereg_check_char(out);
	out[16] = '\0';
	return XJ_OK;
}

int
xj_prereg_parse(struct xj_str in, struct xj_prereg *out)
{
	char c[XJ_PREREG_LEN];
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (in.len > MAX_TYPED)
		return XJ_E_F_PREREG_FORMAT;
	for (size_t i = 0; i < in.len; i++) {
		char ch = in.p[i];
		if (ch == '-' || ch == ' ')
			continue;
		if (n == XJ_PREREG_LEN)
			return XJ_E_F_PREREG_FORMAT;
		c[n++] = ch == 'x' ? 'X' : ch;
	}
	if (n != XJ_PREREG_LEN)
		return XJ_E_F_PREREG_FORMAT;
	for (size_t i = 0; i < XJ_PREREG_LEN; i++)
		if (!(c[i] >= '0' && c[i] <= '9') && !(i == 15 && c[i] == 'X'))
			return XJ_E_F_PREREG_FORMAT;
	if (xj_prereg_check_char(c) != c[15])
		return XJ_E_F_PREREG_CHECK;
	/* checked after the check character: a typing error in the county
	 * part is reported as a typing error */
	if (xj_county_code_check((struct xj_str){ 6, c + 2 }) != XJ_OK)
		return XJ_E_F_PREREG_FORMAT;
	memcpy(out->canon, c, XJ_PREREG_LEN);
	out->year = 2000 + (c[0] - '0') * 10 + (c[1] - '0');
	memcpy(out->county, c + 2, 6);
	memcpy(out->serial, c + 8, 7);
	return XJ_OK;
}

void
xj_prereg_display(const char *canon, char out[20])
{
	memcpy(out, canon, 2);
	out[2] = '-';
	memcpy(out + 3, canon + 2, 6);
	out[9] = '-';
	memcpy(out + 10, canon + 8, 7);
	out[17] = '-';
	out[18] = canon[15];
	out[19] = '\0';
}
