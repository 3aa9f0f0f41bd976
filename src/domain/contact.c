/* contact.c -- names and mobile numbers of children and guardians
 * (R-COL-6, R-REC-10 "names are stored without inner spaces", R-REC-11).
 * Pure functions; no I/O, no locale. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "contact.h"

#define MIDDLE_DOT	0x00B7u

/* One UTF-8 sequence at s[0..n): its code point and length, or length 0
 * when it is not well-formed (overlong, surrogate, above U+10FFFF, cut). */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		if (s[0] == 0xE0)
			lo = 0xA0;
		else if (s[0] == 0xED)
			hi = 0x9F;	/* U+D800..DFFF are not characters */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		if (s[0] == 0xF0)
			lo = 0x90;
		else if (s[0] == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return len;
}

int
xj_mobile_check(struct xj_str s)
{
	if (s.len != 11 || s.p[0] != '1' || s.p[1] < '3' || s.p[1] > '9')
		return XJ_E_F_PHONE;
	for (size_t i = 2; i < 11; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_F_PHONE;
	return XJ_OK;
}

size_t
xj_mobile_normalize(const char *in, size_t len, char *out)
{
	size_t n = 0, skip = 0;

	for (size_t i = 0; i < len; i++)
		if (in[i] != ' ' && in[i] != '-')
			out[n++] = in[i];
	if (n == 14 && memcmp(out, "+86", 3) == 0)
		skip = 3;
	else if (n == 15 && memcmp(out, "0086", 4) == 0)
		skip = 4;
	else if (n == 13 && memcmp(out, "86", 2) == 0)
		skip = 2;
	if (skip > 0) {
		memmove(out, out + skip, n - skip);
		n -= skip;
	}
	return n;
}

/* Letters and combining marks of the scripts names are written in, in
 * code-point order. Digit blocks inside a script (Arabic-Indic U+0660,
 * U+06F0, Tibetan U+0F20, Mongolian U+1810, New Tai Lue U+19D0, ...) lie
 * outside every range: "no digits" holds for every script, not just ASCII. */
enum { LETTER, MARK };

static const struct crange {
	uint32_t	lo, hi;
	int		kind;
} ranges[] = {
	{ 0x0041, 0x005A, LETTER }, { 0x0061, 0x007A, LETTER },
	{ 0x00C0, 0x00D6, LETTER }, { 0x00D8, 0x00F6, LETTER },	/* not × ÷ */
	{ 0x00F8, 0x02AF, LETTER },	/* Latin Extended-A/B, IPA */
	{ 0x0300, 0x036F, MARK },
	{ 0x0386, 0x0386, LETTER }, { 0x0388, 0x03F5, LETTER },	/* Greek */
	{ 0x03F7, 0x03FF, LETTER },
	{ 0x0400, 0x0481, LETTER }, { 0x0483, 0x0487, MARK },
	{ 0x048A, 0x052F, LETTER },	/* Cyrillic */
	{ 0x0531, 0x0556, LETTER }, { 0x0561, 0x0587, LETTER },	/* Armenian */
	{ 0x05D0, 0x05EA, LETTER },	/* Hebrew */
	{ 0x0620, 0x064A, LETTER }, { 0x064B, 0x065F, MARK },	/* Arabic: Uyghur, Kazakh */
	{ 0x066E, 0x066F, LETTER }, { 0x0670, 0x0670, MARK },
	{ 0x0671, 0x06D3, LETTER }, { 0x06D5, 0x06D5, LETTER },
	{ 0x06D6, 0x06DC, MARK }, { 0x06DF, 0x06E4, MARK },
	{ 0x06E7, 0x06E8, MARK }, { 0x06EA, 0x06ED, MARK },
	{ 0x06EE, 0x06EF, LETTER }, { 0x06FA, 0x06FC, LETTER },
	{ 0x06FF, 0x06FF, LETTER },
	{ 0x0F40, 0x0F47, LETTER }, { 0x0F49, 0x0F6C, LETTER },	/* Tibetan */
	{ 0x0F71, 0x0F84, MARK }, { 0x0F86, 0x0F87, MARK },
	{ 0x0F88, 0x0F8C, LETTER }, { 0x0F8D, 0x0F97, MARK },
	{ 0x0F99, 0x0FBC, MARK },
	{ 0x1100, 0x11FF, LETTER },	/* Hangul Jamo */
	{ 0x1820, 0x1878, LETTER }, { 0x1880, 0x18AA, LETTER },	/* Mongolian */
	{ 0x1950, 0x196D, LETTER }, { 0x1970, 0x1974, LETTER },	/* Tai Le */
	{ 0x1980, 0x19AB, LETTER }, { 0x19B0, 0x19C9, LETTER },	/* New Tai Lue */
	{ 0x1E00, 0x1EFF, LETTER },	/* Latin Extended Additional (Vietnamese) */
	{ 0x1F00, 0x1FBC, LETTER }, { 0x1FBE, 0x1FBE, LETTER },	/* Greek Extended, */
	{ 0x1FC2, 0x1FCC, LETTER }, { 0x1FD0, 0x1FDB, LETTER },	/* not its spacing */
	{ 0x1FE0, 0x1FEC, LETTER }, { 0x1FF2, 0x1FFC, LETTER },	/* accents */
	{ 0x3005, 0x3005, LETTER },	/* 々 iteration mark */
	{ 0x3007, 0x3007, LETTER },	/* 〇: a Han character in names, not a digit */
	{ 0x3041, 0x3096, LETTER }, { 0x3099, 0x309A, MARK },
	{ 0x309D, 0x309F, LETTER },	/* Hiragana */
	{ 0x30A1, 0x30FA, LETTER }, { 0x30FC, 0x30FF, LETTER },	/* Katakana, not ・ */
	{ 0x3400, 0x4DBF, LETTER },	/* CJK Extension A */
	{ 0x4E00, 0x9FFF, LETTER },	/* CJK Unified Ideographs */
	{ 0xA000, 0xA48C, LETTER },	/* Yi syllables */
	{ 0xAC00, 0xD7A3, LETTER },	/* Hangul syllables */
	{ 0xF900, 0xFAD9, LETTER },	/* CJK compatibility */
	{ 0x20000, 0x2A6DF, LETTER },	/* CJK Extension B: rare name characters */
	{ 0x2A700, 0x2EBEF, LETTER },	/* Extensions C..F, I */
	{ 0x2F800, 0x2FA1F, LETTER },	/* compatibility supplement */
	{ 0x30000, 0x323AF, LETTER },	/* Extensions G, H */
};

/* LETTER, MARK, or -1 */
static int
char_kind(uint32_t c)
{
	size_t lo = 0, hi = sizeof(ranges) / sizeof(ranges[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c < ranges[mid].lo)
			hi = mid;
		else if (c > ranges[mid].hi)
			lo = mid + 1;
		else
			return ranges[mid].kind;
	}
	return -1;
}

int
xj_person_name_check(struct xj_str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, n;
	long chars = 0;
	int prev_sep = 1;	/* at the start, as after a separator */
	uint32_t c;

	if (s.len == 0)
		return XJ_E_F_REQUIRED;
	while (i < s.len) {
		if ((n = utf8_next(p + i, s.len - i, &c)) == 0)
			return XJ_E_F_FORMAT;
		i += n;
		chars++;
		if (c == MIDDLE_DOT || c == 0x0F0B) {
			/* "·" between two parts: not first, last or doubled */
			if (prev_sep)
				return XJ_E_F_NAME;
			prev_sep = 1;
			continue;
		}
		switch (char_kind(c)) {
		case LETTER:
			break;
		case MARK:
			if (prev_sep)	/* a mark needs a letter to sit on */
				return XJ_E_F_NAME;
			break;
		default:
			return XJ_E_F_NAME;
		}
		prev_sep = 0;
	}
	if (prev_sep)
		return XJ_E_F_NAME;
	return chars > XJ_NAME_MAX_CHARS ? XJ_E_F_TOO_LONG : XJ_OK;
}

size_t
xj_person_name_normalize(const char *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, n;
	uint32_t c;

	while (i < len) {
		if ((n = utf8_next(p + i, len - i, &c)) == 0) {
			out[o++] = in[i++];	/* not UTF-8: the check refuses it */
			continue;
		}
		switch (c) {
		case ' ': case '\t': case 0x00A0: case 0x3000:
			break;
		case 0x2022: case 0x2027: case 0x2219: case 0x22C5:
		case 0x30FB: case 0xFF65: case 0xFF0E:
			out[o++] = (char)0xC2;	/* U+00B7 in UTF-8: 2 bytes for 3 */
			out[o++] = (char)0xB7;
			break;
		default:
			if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A))
				out[o++] = (char)(c - 0xFF21 + 'A');
			else {
				memmove(out + o, in + i, n);
				o += n;
			}
		}
		i += n;
	}
	return o;
}
