/* person.c -- the same-person key (see person.h, R-DUP-1). */
#include "config.h"

#include <string.h>

#include "mask.h"
#include "person.h"

static unsigned long
decode(const unsigned char *s, size_t n)
{
	switch (n) {
	case 1: return s[0];
	case 2: return (unsigned long)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	case 3: return (unsigned long)(s[0] & 0x0f) << 12 | (unsigned long)(s[1] & 0x3f) << 6 |
		    (s[2] & 0x3f);
	default: return (unsigned long)(s[0] & 0x07) << 18 | (unsigned long)(s[1] & 0x3f) << 12 |
		    (unsigned long)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	}
}

static int
is_space(unsigned long c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' ||
	    c == 0xa0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200b) || c == 0x202f ||
	    c == 0x205f || c == 0xfeff;
}

static int
is_separator(unsigned long c)
{
	return c == '.' || c == 0xb7 || c == 0x2022 || c == 0x2027 || c == 0x30fb ||
	    c == 0xff65 || c == 0xff0e;
}

size_t
xj_person_name_norm(const char *name, size_t len, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, o = 0;

	if (cap == 0)
		return (size_t)-1;
	while (i < len) {
		size_t n = xj_utf8_char(s + i, len - i);
		unsigned long c;
		char tmp[4];
		size_t tn;

		if (n == 0) {		/* not UTF-8: kept as it is */
			tmp[0] = (char)s[i];
			tn = 1;
			n = 1;
		} else {
			c = decode(s + i, n);
			if (c >= 0xff01 && c <= 0xff5e && c != 0xff0e)
				c -= 0xfee0;	/* full-width ASCII forms (NFKC) */
			if (is_space(c)) {
				i += n;
				continue;
			}
			if (is_separator(c)) {
				tmp[0] = (char)0xc2;
				tmp[1] = (char)0xb7;
				tn = 2;
			} else if (c < 0x80) {
				tmp[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
				tn = 1;
			} else {
				memcpy(tmp, s + i, n);
				tn = n;
			}
		}
		if (o + tn + 1 > cap)
			return (size_t)-1;
		memcpy(out + o, tmp, tn);
		o += tn;
		i += n;
	}
	out[o] = '\0';
	return o;
}

size_t
xj_person_key(const char *name, size_t len, const char *sex, const char *birth,
    char *out, size_t cap)
{
	size_t n = xj_person_name_norm(name, len, out, cap), sl = strlen(sex), bl = strlen(birth);

	if (n == (size_t)-1 || n == 0 || n + 2 + sl + bl + 1 > cap)
		return (size_t)-1;
	out[n++] = 0x1f;
	memcpy(out + n, sex, sl);
	n += sl;
	out[n++] = 0x1f;
	memcpy(out + n, birth, bl);
	n += bl;
	out[n] = '\0';
	return n;
}
