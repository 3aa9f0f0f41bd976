/* fieldmask.c -- decrypt and mask (see fieldmask.h). */
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "crypto/field.h"
#include "fieldmask.h"

int
xj_field_masked(const struct xj_keys *k, const char *aad, const char *row,
    const unsigned char *ct,
    size_t len, int kind, char *out, size_t cap)
{
	/* one byte more than the longest number, so that "longer than the
	 * rules allow" is seen rather than cut (and never written past) */
	char pt[XJ_DOCNO_MAX_BYTES + 1];
	size_t n = 0;
	int rc = -1;

	if (cap > 0)
		out[0] = '\0';
	if (len == 0 || cap == 0)
		return -1;
	if (xj_field_decrypt(k, aad, row, ct, len, pt, sizeof(pt), &n) != 0 ||
	    n > XJ_DOCNO_MAX_BYTES)
		goto out;
	xj_mask(kind, pt, n, out, cap);
	rc = 0;
out:
	OPENSSL_cleanse(pt, sizeof(pt));
	return rc;
}

/* The member "obj.member" of root, or NULL. */
static struct xj_json *
member(struct xj_json *root, const char *path)
{
	const char *dot = strchr(path, '.');
	char obj[64];
	const struct xj_json *o;

	if (dot == NULL || (size_t)(dot - path) >= sizeof(obj))
		return NULL;
	memcpy(obj, path, (size_t)(dot - path));
	obj[dot - path] = '\0';
	if ((o = xj_json_get(root, obj)) == NULL || o->type != XJ_J_OBJ)
		return NULL;
	/* the tree is the caller's (parsed here into its arena) */
	return (struct xj_json *)xj_json_get(o, dot + 1);
}

int
xj_field_json_masked(const struct xj_keys *k, const char *aad, const char *row, const unsigned char *ct,
    size_t ctlen, const char *clear, size_t clearlen, struct xj_arena *a,
    const struct xj_json_limits *lim, const char *const *paths, struct xj_json **out)
{
	const char *text = clear;
	size_t n = clearlen;
	int rc;

	*out = NULL;
	if (ctlen > 0) {
		char *pt;
		if (ctlen < XJ_FIELD_OVERHEAD ||
		    (pt = xj_alloc(a, ctlen - XJ_FIELD_OVERHEAD + 1)) == NULL)
			return ctlen < XJ_FIELD_OVERHEAD ? XJ_E_INTERNAL : XJ_E_TOO_COMPLEX;
		if (xj_field_decrypt(k, aad, row, ct, ctlen, pt, ctlen - XJ_FIELD_OVERHEAD + 1,
		    &n) != 0)
			return XJ_E_INTERNAL;
		text = pt;
	}
	if (n == 0)
		return XJ_OK;
	if ((rc = xj_json_parse(a, text, n, lim, out, NULL)) != XJ_OK)
		return rc == XJ_E_TOO_COMPLEX ? rc : XJ_E_INTERNAL;
	for (; paths && *paths; paths++) {
		struct xj_json *m = member(*out, *paths);
		char *v;
		if (m == NULL || m->type != XJ_J_STR)
			continue;
		if ((v = xj_alloc(a, m->s.len + 1)) == NULL)
			return XJ_E_TOO_COMPLEX;
		m->s.len = xj_mask('Z', m->s.p, m->s.len, v, m->s.len + 1);
		m->s.p = v;
	}
	return XJ_OK;
}
