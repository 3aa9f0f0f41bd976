/* bind.c -- JSON to struct through field tables (see bind.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "err.h"

long
xj_utf8_len(struct xj_str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	long n = 0;
	size_t i = 0;

	/* RFC 3629 / Unicode Table 3-7: no overlong forms, no surrogates,
	 * nothing above U+10FFFF (yajl checks only the shape) */
	while (i < s.len) {
		unsigned c = p[i], lo = 0x80, hi = 0xbf;
		size_t k;
		if (c < 0x80)
			k = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			k = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			k = 3;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 4;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return -1;
		if (k > s.len - i)
			return -1;
		for (size_t j = 1; j < k; j++, lo = 0x80, hi = 0xbf)
			if (p[i + j] < lo || p[i + j] > hi)
				return -1;
		i += k;
		n++;
	}
	return n;
}

void
xj_ferr_add(struct xj_ferrs *e, struct xj_arena *a, const char *path, int code)
{
	const char *p;

	if (e->n == XJ_MAX_FERRS)
		return;
	p = xj_strndup(a, path, strlen(path));
	e->e[e->n].field = p ? p : "";
	e->e[e->n].code = code;
	e->n++;
}

static const char *
join(struct xj_arena *a, const char *prefix, const char *name)
{
	if (prefix == NULL || *prefix == '\0')
		return name;
	return xj_printf(a, "%s.%s", prefix, name);
}

/* Parse a JSON number into a scaled integer; exact, no floating point. */
static int
parse_scaled(struct xj_str s, int scale, long long *out)
{
	long long v = 0;
	size_t i = 0;
	int neg = 0, frac = -1;

	if (i < s.len && s.p[i] == '-') {
		neg = 1;
		i++;
	}
	if (i == s.len)
		return -1;
	for (; i < s.len; i++) {
		char c = s.p[i];
		if (c == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (c < '0' || c > '9')
			return -1;	/* exponents are refused: not a form value */
		if (frac >= 0 && ++frac > scale)
			return -1;
		if (v > (LLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (c - '0');
	}
	for (frac = frac < 0 ? 0 : frac; frac < scale; frac++) {
		if (v > LLONG_MAX / 10)
			return -1;
		v *= 10;
	}
	*out = neg ? -v : v;
	return 0;
}

static int bind_obj(struct xj_arena *, const struct xj_json *,
    const struct xj_field *, void *, struct xj_ferrs *, const char *);

/* Characters in a text value, or -1 if it is not valid UTF-8 or holds a
 * control character: never; MULTILINE admits only tab, LF and CR (the
 * others are not even representable in the XML 1.0 exchange). */
static long
text_len(const struct xj_field *f, struct xj_str s)
{
	long n;

	if ((n = xj_utf8_len(s)) < 0)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.p[i];
		if ((ch < 0x20 || ch == 0x7f) && !((f->flags & XJ_MULTILINE) &&
		    (ch == '\t' || ch == '\n' || ch == '\r')))
			return -1;
	}
	return n;
}

static int
bind_str(const struct xj_field *f, const struct xj_json *v, void *out)
{
	struct xj_str *dst = (struct xj_str *)((char *)out + f->off);
	long n;

	if (v->type != XJ_J_STR)
		return XJ_E_F_TYPE;
	if ((n = text_len(f, v->s)) < 0)
		return XJ_E_F_FORMAT;
	if (n < f->min)
		return n == 0 && (f->flags & XJ_REQ) ? XJ_E_F_REQUIRED : XJ_E_F_TOO_SHORT;
	if (f->max > 0 && n > f->max)
		return XJ_E_F_TOO_LONG;
	if (f->check != NULL) {
		int rc = f->check(v->s);
		if (rc != XJ_OK)
			return rc;
	}
	*dst = v->s;
	return XJ_OK;
}

static int
bind_num(const struct xj_field *f, const struct xj_json *v, void *out)
{
	struct xj_num *dst = (struct xj_num *)((char *)out + f->off);
	long long x;

	if (f->type == XJ_F_BOOL) {
		if (v->type != XJ_J_BOOL)
			return XJ_E_F_TYPE;
		dst->set = 1;
		dst->v = v->b;
		return XJ_OK;
	}
	if (v->type != XJ_J_NUM)
		return XJ_E_F_TYPE;
	if (parse_scaled(v->s, f->type == XJ_F_DEC ? f->scale : 0, &x) != 0)
		return f->type == XJ_F_DEC ? XJ_E_F_FORMAT : XJ_E_F_TYPE;
	if (x < f->min || x > f->max)
		return XJ_E_F_RANGE;
	dst->set = 1;
	dst->v = x;
	return XJ_OK;
}

static int
bind_arr(struct xj_arena *a, const struct xj_field *f, const struct xj_json *v,
    void *out, struct xj_ferrs *e, const char *path)
{
	void **dst = (void **)((char *)out + f->off);
	size_t *cnt = (size_t *)((char *)out + f->off_n);
	const struct xj_json *it;
	char *items;
	size_t i = 0;
	int rc = XJ_OK;

	if (v->type != XJ_J_ARR)
		return XJ_E_F_TYPE;
	if ((long long)v->n < f->min)
		return v->n == 0 ? XJ_E_F_REQUIRED : XJ_E_F_TOO_SHORT;
	if ((long long)v->n > f->max)
		return XJ_E_F_TOO_MANY;
	if ((items = xj_calloc(a, v->n ? v->n : 1, f->sub_size)) == NULL)
		return XJ_E_TOO_COMPLEX;
	for (it = v->child; it; it = it->next, i++) {
		const char *p = xj_printf(a, "%s[%zu]", path, i);
		if (p == NULL)
			return XJ_E_TOO_COMPLEX;
		if (it->type != XJ_J_OBJ) {
			xj_ferr_add(e, a, p, XJ_E_F_TYPE);
			continue;
		}
		rc = bind_obj(a, it, f->sub, items + i * f->sub_size, e, p);
		if (rc == XJ_E_TOO_COMPLEX)
			return rc;
	}
	*dst = items;
	*cnt = v->n;
	return XJ_OK;
}

static int
bind_strs(struct xj_arena *a, const struct xj_field *f, const struct xj_json *v,
    void *out, struct xj_ferrs *e, const char *path)
{
	struct xj_str **dst = (struct xj_str **)((char *)out + f->off);
	size_t *cnt = (size_t *)((char *)out + f->off_n);
	const struct xj_json *it;
	struct xj_str *items;
	size_t i = 0;

	if (v->type != XJ_J_ARR)
		return XJ_E_F_TYPE;
	if ((long long)v->n < f->min)
		return v->n == 0 ? XJ_E_F_REQUIRED : XJ_E_F_TOO_SHORT;
	if ((long long)v->n > f->max)
		return XJ_E_F_TOO_MANY;
	if ((items = xj_calloc(a, v->n ? v->n : 1, sizeof(*items))) == NULL)
		return XJ_E_TOO_COMPLEX;
	for (it = v->child; it; it = it->next, i++) {
		int rc = XJ_OK;
		const char *p;

		if (it->type != XJ_J_STR)
			rc = XJ_E_F_TYPE;
		else if (text_len(f, it->s) < 0)
			rc = XJ_E_F_FORMAT;
		else if (f->check != NULL)
			rc = f->check(it->s);
		if (rc == XJ_OK) {
			items[i] = it->s;
			continue;
		}
		if ((p = xj_printf(a, "%s[%zu]", path, i)) == NULL)
			return XJ_E_TOO_COMPLEX;
		xj_ferr_add(e, a, p, rc);
	}
	*dst = items;
	*cnt = v->n;
	return XJ_OK;
}

static int
bind_ids(struct xj_arena *a, const struct xj_field *f, const struct xj_json *v,
    void *out, struct xj_ferrs *e, const char *path)
{
	long long **dst = (long long **)((char *)out + f->off);
	size_t *cnt = (size_t *)((char *)out + f->off_n);
	const struct xj_json *it;
	long long *items;
	size_t i = 0;

	if (v->type != XJ_J_ARR)
		return XJ_E_F_TYPE;
	if ((long long)v->n < f->min)
		return v->n == 0 ? XJ_E_F_REQUIRED : XJ_E_F_TOO_SHORT;
	if ((long long)v->n > f->max)
		return XJ_E_F_TOO_MANY;
	if ((items = xj_calloc(a, v->n ? v->n : 1, sizeof(*items))) == NULL)
		return XJ_E_TOO_COMPLEX;
	for (it = v->child; it; it = it->next, i++) {
		int rc = XJ_OK;
		const char *p;
		long long x = 0;

		if (it->type != XJ_J_NUM || parse_scaled(it->s, 0, &x) != 0)
			rc = XJ_E_F_TYPE;
		else if (x < 1 || x > 999999999999999999LL)
			rc = XJ_E_F_RANGE;
		if (rc == XJ_OK) {
			items[i] = x;
			continue;
		}
		if ((p = xj_printf(a, "%s[%zu]", path, i)) == NULL)
			return XJ_E_TOO_COMPLEX;
		xj_ferr_add(e, a, p, rc);
	}
	*dst = items;
	*cnt = v->n;
	return XJ_OK;
}

static int
bind_obj(struct xj_arena *a, const struct xj_json *obj,
    const struct xj_field *fields, void *out, struct xj_ferrs *e,
    const char *prefix)
{
	const struct xj_field *f;
	const struct xj_json *v;

	/* members that no row names */
	for (v = obj->child; v; v = v->next) {
		for (f = fields; f->name; f++)
			if (xj_str_eq(v->key, f->name))
				break;
		if (f->name == NULL) {
			size_t kl = v->key.len > 64 ? 64 : v->key.len;
			char *k;
			/* cut on a character boundary: the path is echoed in JSON */
			while (kl > 0 && kl < v->key.len &&
			    ((unsigned char)v->key.p[kl] & 0xc0) == 0x80)
				kl--;
			/* the name is echoed in the error: only if it is text */
			if (xj_utf8_len((struct xj_str){ kl, v->key.p }) < 0)
				k = xj_strndup(a, "?", 1);
			else
				k = xj_strndup(a, v->key.p, kl);
			const char *p = k ? join(a, prefix, k) : NULL;
			if (p == NULL)
				return XJ_E_TOO_COMPLEX;
			xj_ferr_add(e, a, p, XJ_E_F_UNKNOWN);
		}
	}
	for (f = fields; f->name; f++) {
		const char *path = join(a, prefix, f->name);
		int rc;

		if (path == NULL)
			return XJ_E_TOO_COMPLEX;
		v = xj_json_get(obj, f->name);
		if (v == NULL || v->type == XJ_J_NULL) {
			if (f->flags & XJ_REQ)
				xj_ferr_add(e, a, path, XJ_E_F_REQUIRED);
			continue;
		}
		switch (f->type) {
		case XJ_F_STR:
			rc = bind_str(f, v, out);
			break;
		case XJ_F_INT:
		case XJ_F_DEC:
		case XJ_F_BOOL:
			rc = bind_num(f, v, out);
			break;
		case XJ_F_OBJ:
			if (v->type != XJ_J_OBJ)
				rc = XJ_E_F_TYPE;
			else
				rc = bind_obj(a, v, f->sub, (char *)out + f->off, e, path);
			break;
		case XJ_F_ARR:
			rc = bind_arr(a, f, v, out, e, path);
			break;
		case XJ_F_STRS:
			rc = bind_strs(a, f, v, out, e, path);
			break;
		case XJ_F_IDS:
			rc = bind_ids(a, f, v, out, e, path);
			break;
		default:
			rc = XJ_E_INTERNAL;
		}
		if (rc == XJ_E_TOO_COMPLEX || rc == XJ_E_INTERNAL)
			return rc;
		if (rc != XJ_OK)
			xj_ferr_add(e, a, path, rc);
	}
	return XJ_OK;
}

int
xj_bind(struct xj_arena *a, const struct xj_json *root,
    const struct xj_field *fields, void *out, struct xj_ferrs *e)
{
	int rc;

	if (root == NULL || root->type != XJ_J_OBJ)
		return XJ_E_BAD_JSON;
	rc = bind_obj(a, root, fields, out, e, "");
	if (rc != XJ_OK)
		return rc;
	return e->n ? XJ_E_VALIDATION : XJ_OK;
}

int
xj_ferr_has(const struct xj_ferrs *fe, const char *path)
{
	for (size_t i = 0; i < fe->n; i++)
		if (fe->e[i].field != NULL && strcmp(fe->e[i].field, path) == 0)
			return 1;
	return 0;
}
