/* orgcsv.c -- the school list's CSV records and rows (orgcsv.h). */
#include "config.h"

#include <string.h>

#include "domain/orgcsv.h"

void
xj_csv_init(struct xj_csv *c, const char *buf, size_t len)
{
	c->p = buf;
	c->len = len;
	c->pos = 0;
	c->line = 1;
	/* spreadsheet programs write a byte order mark */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
}

/* Past the end of the current line (after a malformed record's rest). */
static void
skip_line(struct xj_csv *c)
{
	while (c->pos < c->len && c->p[c->pos] != '\n')
		c->pos++;
	if (c->pos < c->len) {
		c->pos++;
		c->line++;
	}
}

int
xj_csv_next(struct xj_csv *c, char f[][XJ_ORGCSV_FIELD_MAX], int max, long *line,
    const char **err)
{
	const char *bad;
	size_t flen;
	int n, quoted;

again:
	if (c->pos >= c->len)
		return 0;
	*line = c->line;
	bad = NULL;
	n = 0;
	flen = 0;
	quoted = 0;
	if (max > 0)
		f[0][0] = '\0';
	for (;;) {
		char ch;

		if (c->pos >= c->len) {
			if (quoted)
				bad = "a quoted field is not closed";
			break;
		}
		ch = c->p[c->pos++];
		if (quoted == 1) {		/* inside quotes */
			if (ch == '"') {
				if (c->pos < c->len && c->p[c->pos] == '"')
					c->pos++;	/* "" is one quote */
				else {
					quoted = 2;	/* closed: a comma or the end must follow */
					continue;
				}
			} else if (ch == '\n')
				c->line++;
		} else if (ch == ',' || ch == '\n' || ch == '\r') {
			if (n < max)
				f[n][flen] = '\0';
			n++;
			flen = 0;
			quoted = 0;
			if (ch == ',') {
				if (n < max)
					f[n][0] = '\0';
				continue;
			}
			if (ch == '\r' && c->pos < c->len && c->p[c->pos] == '\n')
				c->pos++;
			c->line++;
			if (n == 1 && f[0][0] == '\0' && bad == NULL)
				goto again;	/* a blank line */
			goto end;
		} else if (quoted == 2) {
			bad = "text after a closing quote";
			skip_line(c);
			goto out;
		} else if (ch == '"') {
			if (flen != 0) {
				bad = "a quote inside an unquoted field";
				skip_line(c);
				goto out;
			}
			quoted = 1;
			continue;
		}
		if (n < max) {
			if (flen + 1 >= XJ_ORGCSV_FIELD_MAX) {
				if (bad == NULL)
					bad = "a field is too long";
			} else
				f[n][flen++] = ch;
		}
	}
	/* the end of the input ends the last record */
	if (n < max)
		f[n][flen] = '\0';
	n++;
	if (n == 1 && f[0][0] == '\0' && bad == NULL)
		return 0;
end:
	if (bad == NULL && n > max)
		bad = "too many fields";
out:
	if (bad != NULL) {
		*err = bad;
		return -1;
	}
	return n;
}

int
xj_orgcsv_header(char f[][XJ_ORGCSV_FIELD_MAX], int n)
{
	static const char *cols[XJ_ORGCSV_NCOLS] = {
		"code", "name", "county", "supervisor", "ownership", "main_campus", "licensed"
	};

	if (n != XJ_ORGCSV_NCOLS)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(f[i], cols[i]) != 0)
			return -1;
	return 0;
}

int
xj_orgcsv_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return i == n;
}

/* Spaces and tabs off both ends, in place. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Characters of valid UTF-8 without control characters, or -1. */
static long
utf8_chars(const unsigned char *s)
{
	long n = 0;

	while (*s) {
		unsigned c = *s;
		int k;
		unsigned cp;

		if (c < 0x20 || c == 0x7f)
			return -1;
		if (c < 0x80) {
			s++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else
			return -1;
		for (int i = 1; i <= k; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -1;	/* overlong, out of range, surrogate */
		s += k + 1;
		n++;
	}
	return n;
}

int
xj_orgcsv_row(char f[][XJ_ORGCSV_FIELD_MAX], int n, long line, struct xj_orgrow *o,
    const char **field, const char **err)
{
	char *code, *name, *county, *sup, *own, *main, *lic;
	long chars;

	memset(o, 0, sizeof(*o));
	o->line = line;
	if (n != XJ_ORGCSV_NCOLS) {
		*field = "";
		*err = n < XJ_ORGCSV_NCOLS ? "too few fields (7 expected)" : "too many fields (7 expected)";
		return -1;
	}
	code = trim(f[0]);
	name = trim(f[1]);
	county = trim(f[2]);
	sup = trim(f[3]);
	own = trim(f[4]);
	main = trim(f[5]);
	lic = trim(f[6]);
	*field = "code";
	if (!xj_orgcsv_digits(code, 10)) {
		*err = "must be 10 digits (学校标识码)";
		return -1;
	}
	*field = "name";
	chars = utf8_chars((const unsigned char *)name);
	if (chars < 0) {
		*err = "must be UTF-8 text without control characters";
		return -1;
	}
	if (chars == 0 || chars > XJ_ORGCSV_NAME_MAX) {
		*err = "must have 1 to 100 characters";
		return -1;
	}
	*field = "county";
	if (!xj_orgcsv_digits(county, 6)) {
		*err = "must be a 6-digit division code";
		return -1;
	}
	*field = "supervisor";
	if (*sup != '\0' && !xj_orgcsv_digits(sup, 6)) {
		*err = "must be empty or a 6-digit bureau code";
		return -1;
	}
	*field = "ownership";
	if (strcmp(own, "public") == 0 || strcmp(own, "公办") == 0)
		own = "public";
	else if (strcmp(own, "private") == 0 || strcmp(own, "民办") == 0)
		own = "private";
	else {
		*err = "must be public or private (公办 or 民办)";
		return -1;
	}
	*field = "main_campus";
	if (*main != '\0' && !xj_orgcsv_digits(main, 10)) {
		*err = "must be empty or the 10-digit code of the main campus";
		return -1;
	}
	if (strcmp(main, code) == 0) {
		*err = "a school is not its own branch";
		return -1;
	}
	*field = "licensed";
	if (*lic == '\0' || strcmp(lic, "1") == 0 || strcmp(lic, "yes") == 0 || strcmp(lic, "是") == 0)
		o->licensed = 1;
	else if (strcmp(lic, "0") == 0 || strcmp(lic, "no") == 0 || strcmp(lic, "否") == 0)
		o->licensed = 0;
	else {
		*err = "must be 1 or 0 (是 or 否)";
		return -1;
	}
	memcpy(o->code, code, 11);
	memcpy(o->name, name, strlen(name) + 1);
	memcpy(o->county, county, 7);
	memcpy(o->supervisor, *sup ? sup : county, 7);
	strcpy(o->ownership, own);
	memcpy(o->main, main, strlen(main) + 1);
	*field = *err = "";
	return 0;
}
