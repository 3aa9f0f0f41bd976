/* statuscert.c -- serial number and QR text of the certificate of student
 * status (see statuscert.h for the format). The parser reads untrusted
 * input (any scanner's output, xuejictl verify-document's argument):
 * it accepts exactly the texts xj_sc_message + xj_sc_text write and
 * nothing else, and it never lets a control character through, so what
 * verify-document prints cannot drive the terminal. */
#include "config.h"

#include "core/str.h"

#include <stdio.h>
#include <string.h>

#include "mask.h"
#include "statuscert.h"

#define NFIELDS		16	/* magic .. key_id, then the signature */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
xj_sc_serial(const char *school_code, int year, long seq, char out[XJ_SC_SERIAL_LEN + 1])
{
	out[0] = '\0';
	if (school_code == NULL || strlen(school_code) != 10 || !xj_all_digits(school_code, 10) ||
	    year < 2000 || year > 9999 || seq < 1 || seq > 999999)
		return -1;
	snprintf(out, XJ_SC_SERIAL_LEN + 1, "ZM%s%04d%06ld", school_code, year, seq);
	return 0;
}

int
xj_sc_serial_ok(const char *s, size_t len)
{
	return s != NULL && len == XJ_SC_SERIAL_LEN && s[0] == 'Z' && s[1] == 'M' &&
	    xj_all_digits(s + 2, 20) && memcmp(s + 16, "000000", 6) != 0;
}

/* printable UTF-8 of lo..hi bytes: no control character, no '|' or '%'
 * left unescaped is the encoder's business, not a value's */
static int
text_ok(const char *s, size_t lo, size_t hi)
{
	size_t n = strlen(s), k;

	if (n < lo || n > hi)
		return 0;
	for (size_t i = 0; i < n; i += k) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return 0;
		if ((k = xj_utf8_char((const unsigned char *)s + i, n - i)) == 0)
			return 0;
	}
	return 1;
}

static int
date_ok(const char *s)
{
	int m, d;

	if (strlen(s) != 10 || !xj_all_digits(s, 4) || s[4] != '-' || !xj_all_digits(s + 5, 2) ||
	    s[7] != '-' || !xj_all_digits(s + 8, 2))
		return 0;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int
studentno_ok(const char *s)
{
	if (strlen(s) != 19 || (s[0] != 'G' && s[0] != 'J' && s[0] != 'L'))
		return 0;
	/* a G number is shown masked: G, the 6-digit area code, 12 stars
	 * (domain/mask.h) */
	if (s[0] == 'G') {
		for (int i = 1; i < 19; i++)
			if (i <= 6 ? !(s[i] >= '0' && s[i] <= '9') : s[i] != '*')
				return 0;
		return 1;
	}
	for (int i = 1; i < 19; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

int
xj_sc_valid(const struct xj_sc *c)
{
	size_t k = strlen(c->key_id);

	if (!xj_sc_serial_ok(c->serial, strlen(c->serial)) || !date_ok(c->issued) ||
	    strlen(c->school_code) != 10 || !xj_all_digits(c->school_code, 10) ||
	    !text_ok(c->school_name, 1, sizeof(c->school_name) - 1) ||
	    !text_ok(c->name, 1, sizeof(c->name) - 1) ||
	    (strcmp(c->sex, "M") != 0 && strcmp(c->sex, "F") != 0) ||
	    !date_ok(c->birth_date) || !text_ok(c->id_masked, 0, sizeof(c->id_masked) - 1) ||
	    !studentno_ok(c->student_no) || xj_sc_status_zh(c->status) == NULL ||
	    c->entry_year < 1000 || c->entry_year > 9999 || c->grade < 0 || c->grade > 12 ||
	    (c->class_code[0] != '\0' && (strlen(c->class_code) != 7 || !xj_all_digits(c->class_code, 7))) ||
	    k != XJ_SC_KEYID)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (!((c->key_id[i] >= '0' && c->key_id[i] <= '9') ||
		    (c->key_id[i] >= 'a' && c->key_id[i] <= 'f')))
			return 0;
	/* the serial names the school and the year of issue */
	return memcmp(c->serial + 2, c->school_code, 10) == 0 &&
	    memcmp(c->serial + 12, c->issued, 4) == 0;
}

const char *
xj_sc_status_zh(const char *status)
{
	if (strcmp(status, "in_school") == 0)
		return "在我校就读";
	if (strcmp(status, "graduated") == 0)
		return "已在我校毕业";
	return NULL;
}

/* ---- encoding ------------------------------------------------------------- */

struct out {
	char	*p;
	size_t	 n, cap;
	int	 err;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->err || n > o->cap - o->n) {
		o->err = 1;
		return;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

/* a value with '|' and '%' escaped, then the separator */
static void
field(struct out *o, const char *s)
{
	char e[3];

	for (; *s; s++) {
		if (*s == '|' || *s == '%') {
			snprintf(e, sizeof(e), "%02X", (unsigned char)*s);
			put(o, "%", 1);
			put(o, e, 2);
		} else
			put(o, s, 1);
	}
	put(o, "|", 1);
}

size_t
xj_sc_message(const struct xj_sc *c, char *out, size_t cap)
{
	struct out o = { out, 0, cap, 0 };
	char y[8], g[4];

	if (!xj_sc_valid(c))
		return 0;
	snprintf(y, sizeof(y), "%d", c->entry_year);
	snprintf(g, sizeof(g), "%d", c->grade);
	field(&o, XJ_SC_MAGIC);
	field(&o, c->serial);
	field(&o, c->issued);
	field(&o, c->school_code);
	field(&o, c->school_name);
	field(&o, c->name);
	field(&o, c->sex);
	field(&o, c->birth_date);
	field(&o, c->id_masked);
	field(&o, c->student_no);
	field(&o, c->status);
	field(&o, y);
	field(&o, g);
	field(&o, c->class_code);
	field(&o, c->key_id);
	if (o.err || o.n >= cap)
		return 0;
	out[o.n] = '\0';
	return o.n;
}

size_t
xj_sc_text(const char *msg, size_t msglen, const unsigned char sig[XJ_SC_SIG], char *out,
    size_t cap)
{
	size_t n = 0;

	if (msglen + XJ_SC_SIG_B64 + 1 > cap)
		return 0;
	memmove(out, msg, msglen);
	n = msglen;
	for (size_t i = 0; i < XJ_SC_SIG; i += 3) {
		unsigned long v = (unsigned long)sig[i] << 16;
		size_t left = XJ_SC_SIG - i;
		if (left > 1)
			v |= (unsigned long)sig[i + 1] << 8;
		if (left > 2)
			v |= sig[i + 2];
		out[n++] = b64[(v >> 18) & 63];
		out[n++] = b64[(v >> 12) & 63];
		out[n++] = left > 1 ? b64[(v >> 6) & 63] : '=';
		out[n++] = left > 2 ? b64[v & 63] : '=';
	}
	out[n] = '\0';
	return n;
}

/* ---- parsing -------------------------------------------------------------- */

static int
b64val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* 88 characters of standard base64 holding exactly 64 bytes, padding
 * "==", the unused low bits zero (one text per signature) */
static int
sig_decode(const char *s, size_t n, unsigned char sig[XJ_SC_SIG])
{
	size_t o = 0;

	if (n != XJ_SC_SIG_B64 || s[86] != '=' || s[87] != '=')
		return -1;
	for (size_t i = 0; i < 84; i += 4) {
		int a = b64val(s[i]), b = b64val(s[i + 1]), c = b64val(s[i + 2]),
		    d = b64val(s[i + 3]);
		if (a < 0 || b < 0 || c < 0 || d < 0)
			return -1;
		sig[o++] = (unsigned char)(a << 2 | b >> 4);
		sig[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		sig[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	{
		int a = b64val(s[84]), b = b64val(s[85]);
		if (a < 0 || b < 0 || (b & 15) != 0)
			return -1;
		sig[o++] = (unsigned char)(a << 2 | b >> 4);
	}
	return o == XJ_SC_SIG ? 0 : -1;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* One escaped value s[0..n) into out (cap bytes with the NUL): only %7C
 * and %25 are escapes, and '%' is never raw. 0 or -1. */
static int
unescape(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\0')
			return -1;
		if (c == '%') {
			int h, l;
			if (i + 2 >= n)
				return -1;
			if ((h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0)
				return -1;
			c = (char)(h << 4 | l);
			if (c != '|' && c != '%')
				return -1;
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* a canonical decimal in [lo, hi]: no sign, no leading zero */
static int
number(const char *s, size_t n, int lo, int hi, int *v)
{
	long x = 0;

	if (n == 0 || n > 4 || !xj_all_digits(s, n) || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + (s[i] - '0');
	if (x < lo || x > hi)
		return -1;
	*v = (int)x;
	return 0;
}

int
xj_sc_parse(const char *text, size_t len, struct xj_sc *c, size_t *msglen,
    unsigned char sig[XJ_SC_SIG], const char **why)
{
	const char *f[NFIELDS];
	size_t fl[NFIELDS], k = 0, start = 0;
	char *dst[] = { NULL, c->serial, c->issued, c->school_code, c->school_name, c->name,
	    c->sex, c->birth_date, c->id_masked, c->student_no, c->status, NULL, NULL,
	    c->class_code, c->key_id };
	size_t cap[] = { 0, sizeof(c->serial), sizeof(c->issued), sizeof(c->school_code),
	    sizeof(c->school_name), sizeof(c->name), sizeof(c->sex), sizeof(c->birth_date),
	    sizeof(c->id_masked), sizeof(c->student_no), sizeof(c->status), 0, 0,
	    sizeof(c->class_code), sizeof(c->key_id) };
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	memset(c, 0, sizeof(*c));
	*msglen = 0;
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (len > XJ_SC_TEXT_MAX) {
		*why = "longer than any certificate's text";
		return -1;
	}
	for (size_t i = 0; i <= len; i++)
		if (i == len || text[i] == '|') {
			if (k == NFIELDS) {
				*why = "more fields than a certificate has";
				return -1;
			}
			f[k] = text + start;
			fl[k++] = i - start;
			start = i + 1;
		}
	if (k != NFIELDS) {
		*why = "fewer fields than a certificate has";
		return -1;
	}
	if (fl[0] != strlen(XJ_SC_MAGIC) || memcmp(f[0], XJ_SC_MAGIC, fl[0]) != 0) {
		*why = "not a Xueji certificate of student status (XJSC1)";
		return -1;
	}
	for (int i = 1; i < NFIELDS - 1; i++) {
		if (dst[i] == NULL)
			continue;
		if (unescape(f[i], fl[i], dst[i], cap[i]) != 0) {
			*why = "a field is too long or wrongly escaped";
			return -1;
		}
	}
	if (number(f[11], fl[11], 1000, 9999, &c->entry_year) != 0 ||
	    number(f[12], fl[12], 0, 12, &c->grade) != 0) {
		*why = "entry year or grade is not a number in range";
		return -1;
	}
	if (!xj_sc_valid(c)) {
		*why = "a field does not have its documented shape";
		return -1;
	}
	if (sig_decode(f[NFIELDS - 1], fl[NFIELDS - 1], sig) != 0) {
		*why = "the signature is not 88 characters of base64";
		return -1;
	}
	*msglen = (size_t)(f[NFIELDS - 1] - text);
	return 0;
}
