/* mask.c -- the one masking rule (see mask.h for the rule and its
 * criterion). */
#include "config.h"

#include <string.h>

#include "mask.h"

size_t
xj_utf8_char(const unsigned char *s, size_t len)
{
	size_t n, i;
	unsigned long c;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return n;
}

int
xj_mask_gb11643_shape(const char *s, size_t len)
{
	if (len != 18)
		return 0;
	for (size_t i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return (s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x';
}

static int
all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len > 0;
}

size_t
xj_mask(int kind, const char *v, size_t len, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t nchars = 0, i, k, o = 0, idx, head, tail;

	if (cap == 0)
		return 0;
	/* characters first: what to show is counted in them */
	for (i = 0; i < len; i += k, nchars++)
		if ((k = xj_utf8_char(s + i, len - i)) == 0)
			k = 1;		/* a stray byte: one character, never shown */
	if (kind == XJ_MASK_PHONE) {
		head = len == 11 && all_digits(v, len) ? 7 : 0;
		tail = 0;
	} else if (xj_mask_gb11643_shape(v, len)) {
		head = 6;
		tail = 0;
	} else if (nchars >= 8) {
		head = 1;
		tail = 1;
	} else {
		head = 0;
		tail = 0;
	}
	for (i = 0, idx = 0; i < len; i += k, idx++) {
		size_t c = xj_utf8_char(s + i, len - i);

		k = c ? c : 1;
		/* a control character is never shown: a NUL would end the
		 * string early (found by fuzz_mask) */
		if (c > 0 && s[i] >= 0x20 && s[i] != 0x7f && (idx < head || idx + tail >= nchars)) {
			if (o + c >= cap)
				break;
			memcpy(out + o, v + i, c);
			o += c;
		} else {
			if (o + 1 >= cap)
				break;
			out[o++] = '*';
		}
	}
	out[o] = '\0';
	return o;
}

size_t
xj_mask_student_no(const char *no, char *out, size_t cap)
{
	size_t len = no ? strlen(no) : 0;

	if (cap == 0)
		return 0;
	if (len == 19 && no[0] == 'G' && cap > 1) {
		out[0] = 'G';
		return 1 + xj_mask('1', no + 1, len - 1, out + 1, cap - 1);
	}
	if (len >= cap)
		len = cap - 1;
	memcpy(out, no ? no : "", len);
	out[len] = '\0';
	return len;
}
