/* otp.c -- one-time codes and the delivery backoff (see otp.h). */
#include "config.h"

#include <stdio.h>

#include "otp.h"

/* the largest multiple of 10^6 that fits in 2^32 */
#define OTP_LIMIT	4294000000u

int
xj_otp_from_random(uint32_t rnd, char out[XJ_OTP_DIGITS + 1])
{
	uint32_t v;

	if (rnd >= OTP_LIMIT)
		return -1;
	v = rnd % 1000000u;
	for (int i = XJ_OTP_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[XJ_OTP_DIGITS] = '\0';
	return 0;
}

int
xj_otp_format_ok(const char *s, size_t len)
{
	if (s == NULL || len != XJ_OTP_DIGITS)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

unsigned
xj_otp_backoff_s(unsigned attempt, unsigned base, unsigned max, uint32_t rnd)
{
	unsigned long long d = base ? base : 1;

	if (attempt == 0)
		attempt = 1;
	for (unsigned i = 1; i < attempt && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	d += rnd % (d / 4 + 1);
	return (unsigned)(d > max ? max : d);
}
