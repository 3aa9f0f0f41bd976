/* json.c -- bounded JSON parsing into an arena tree (see json.h). */
#include "config.h"

#include <stdio.h>

#include <string.h>
#include <yajl/yajl_parse.h>

#include "err.h"
#include "json.h"

/* The duplicate-key check is linear per member: bound the members of one
 * object (our largest form has a few dozen) so that it stays cheap. */
#define MAX_MEMBERS	256

struct pctx {
	struct xj_arena			*a;
	const struct xj_json_limits	*lim;
	struct xj_json			*root;
	struct xj_json			*cur;		/* open container */
	struct xj_str			 key;		/* pending member name */
	int				 depth;
	size_t				 nodes;
	int				 err;
	const char			*why;
};

static int
fail(struct pctx *c, int err, const char *why)
{
	c->err = err;
	c->why = why;
	return 0;	/* cancels yajl */
}

static struct xj_json *
add(struct pctx *c, enum xj_jtype t)
{
	struct xj_json *v;

	if (++c->nodes > c->lim->max_nodes) {
		fail(c, XJ_E_JSON_LIMIT, "too many elements");
		return NULL;
	}
	if ((v = xj_calloc(c->a, 1, sizeof(*v))) == NULL) {
		fail(c, XJ_E_TOO_COMPLEX, "arena exhausted");
		return NULL;
	}
	v->type = t;
	if (c->cur == NULL) {
		if (c->root != NULL) {
			fail(c, XJ_E_BAD_JSON, "trailing value");
			return NULL;
		}
		c->root = v;
		return v;
	}
	if (c->cur->type == XJ_J_OBJ) {
		const struct xj_json *o;
		if (c->cur->n >= MAX_MEMBERS) {
			fail(c, XJ_E_JSON_LIMIT, "too many members");
			return NULL;
		}
		if (c->key.p == NULL) {
			fail(c, XJ_E_BAD_JSON, "missing key");
			return NULL;
		}
		for (o = c->cur->child; o; o = o->next)
			if (o->key.len == c->key.len &&
			    memcmp(o->key.p, c->key.p, o->key.len) == 0) {
				fail(c, XJ_E_BAD_JSON, "duplicate key");
				return NULL;
			}
		v->key = c->key;
		c->key = XJ_STR_NULL;
	}
	v->parent = c->cur;
	if (c->cur->last)
		c->cur->last->next = v;
	else
		c->cur->child = v;
	c->cur->last = v;
	c->cur->n++;
	return v;
}

static int
copy_str(struct pctx *c, struct xj_str *dst, const unsigned char *s, size_t n)
{
	char *p;

	if (n > c->lim->max_str)
		return fail(c, XJ_E_JSON_LIMIT, "string too long");
	if ((p = xj_strndup(c->a, (const char *)s, n)) == NULL)
		return fail(c, XJ_E_TOO_COMPLEX, "arena exhausted");
	dst->p = p;
	dst->len = n;
	return 1;
}

static int
cb_null(void *ctx)
{
	return add(ctx, XJ_J_NULL) != NULL;
}

static int
cb_bool(void *ctx, int b)
{
	struct xj_json *v = add(ctx, XJ_J_BOOL);

	if (v == NULL)
		return 0;
	v->b = b;
	return 1;
}

static int
cb_number(void *ctx, const char *s, size_t n)
{
	struct xj_json *v = add(ctx, XJ_J_NUM);

	return v != NULL && copy_str(ctx, &v->s, (const unsigned char *)s, n);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t n)
{
	struct xj_json *v = add(ctx, XJ_J_STR);

	return v != NULL && copy_str(ctx, &v->s, s, n);
}

static int
open_container(struct pctx *c, enum xj_jtype t)
{
	struct xj_json *v;

	if (++c->depth > c->lim->max_depth)
		return fail(c, XJ_E_JSON_LIMIT, "nesting too deep");
	if ((v = add(c, t)) == NULL)
		return 0;
	c->cur = v;
	return 1;
}

static int
cb_start_map(void *ctx)
{
	return open_container(ctx, XJ_J_OBJ);
}

static int
cb_map_key(void *ctx, const unsigned char *s, size_t n)
{
	struct pctx *c = ctx;

	return copy_str(c, &c->key, s, n);
}

static int
close_container(void *ctx)
{
	struct pctx *c = ctx;

	c->depth--;
	c->cur = c->cur->parent;
	return 1;
}

static int
cb_start_array(void *ctx)
{
	return open_container(ctx, XJ_J_ARR);
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_map_key, close_container,
	cb_start_array, close_container
};

int
xj_json_parse(struct xj_arena *a, const char *buf, size_t len,
    const struct xj_json_limits *lim, struct xj_json **out, const char **where)
{
	struct pctx c;
	yajl_handle h;
	yajl_status st;
	int rc = XJ_E_BAD_JSON;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.lim = lim;
	c.why = "syntax error";
	*out = NULL;
	if ((h = yajl_alloc(&callbacks, NULL, &c)) == NULL)
		return XJ_E_INTERNAL;
	st = yajl_parse(h, (const unsigned char *)buf, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st == yajl_status_ok && c.root != NULL) {
		*out = c.root;
		rc = XJ_OK;
	} else if (c.err != 0)
		rc = c.err;
	else if (st == yajl_status_ok)
		c.why = "empty document";
	yajl_free(h);
	if (rc != XJ_OK && where != NULL)
		*where = c.why;
	return rc;
}

const struct xj_json *
xj_json_get(const struct xj_json *obj, const char *key)
{
	const struct xj_json *v;

	if (obj == NULL || obj->type != XJ_J_OBJ)
		return NULL;
	for (v = obj->child; v; v = v->next)
		if (xj_str_eq(v->key, key))
			return v;
	return NULL;
}

int
xj_json_escape(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	if (cap == 0)
		return -1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (n + 7 > cap) {
			out[n] = '\0';
			return -1;
		}
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20)
			n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}
