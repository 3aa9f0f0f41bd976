/* pwpolicy.c -- the staff password rule (see pwpolicy.h). */
#include "config.h"

#include "core/err.h"
#include "pwpolicy.h"

int
xj_pwpolicy_staff(struct xj_str pw)
{
	int alpha = 0, digit = 0;
	size_t chars = 0;

	for (size_t i = 0; pw.p && i < pw.len; i++) {
		unsigned char c = (unsigned char)pw.p[i];

		/* any non-ASCII letter counts as a letter (汉字 passwords) */
		alpha |= (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
		digit |= c >= '0' && c <= '9';
		chars += (c & 0xc0) != 0x80;	/* code points: skip continuation bytes */
	}
	return chars >= XJ_STAFF_PW_MIN && alpha && digit ? XJ_OK : XJ_E_F_WEAK_STAFF_PASSWORD;
}
