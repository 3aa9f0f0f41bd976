/* fuzz_json.c -- xj_json_parse (src/core/json.c) on untrusted request
 * bodies, with the worker's default limits. After a successful parse the
 * tree must be consistent: child counts, parent links, depth and node
 * limits, every string readable for its length and NUL-terminated, no
 * duplicate keys in one object. */
#include "config.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "fuzz.h"

static const struct xj_json_limits lim = { FZ_DEPTH, FZ_NODES, FZ_MAX_STR };

static size_t
walk(const struct xj_json *v, const struct xj_json *parent, int depth)
{
	size_t nodes = 1, n = 0;
	const struct xj_json *c, *o;

	FZ_ASSERT(v->parent == parent);
	FZ_ASSERT(v->type >= XJ_J_NULL && v->type <= XJ_J_ARR);
	if (parent != NULL && parent->type == XJ_J_OBJ) {
		FZ_ASSERT(v->key.p != NULL);
		FZ_ASSERT(v->key.len <= lim.max_str);
		fz_touch(v->key.p, v->key.len + 1);
		FZ_ASSERT(v->key.p[v->key.len] == '\0');
	}
	if (v->type == XJ_J_STR || v->type == XJ_J_NUM) {
		FZ_ASSERT(v->s.p != NULL);
		FZ_ASSERT(v->s.len <= lim.max_str);
		fz_touch(v->s.p, v->s.len + 1);
		FZ_ASSERT(v->s.p[v->s.len] == '\0');
		if (v->type == XJ_J_NUM)
			FZ_ASSERT(v->s.len > 0);
	}
	if (v->type == XJ_J_OBJ || v->type == XJ_J_ARR) {
		FZ_ASSERT(depth <= lim.max_depth);
		for (c = v->child; c; c = c->next) {
			n++;
			if (c->next == NULL)
				FZ_ASSERT(v->last == c);
			if (v->type == XJ_J_OBJ)
				for (o = v->child; o != c; o = o->next)
					FZ_ASSERT(!(o->key.len == c->key.len &&
					    memcmp(o->key.p, c->key.p, c->key.len) == 0));
			nodes += walk(c, v, depth + 1);
		}
		FZ_ASSERT(n == v->n);
		FZ_ASSERT(v->type != XJ_J_OBJ || n <= 256);
	} else
		FZ_ASSERT(v->child == NULL && v->n == 0);
	return nodes;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xj_arena *a;
	struct xj_json *root = NULL;
	const char *where = NULL;
	char *buf;
	int rc;

	if (size > FZ_BODY_MAX)
		return 0;
	buf = fz_copy(data, size);
	if ((a = xj_arena_new(FZ_ARENA)) == NULL)
		abort();
	rc = xj_json_parse(a, buf, size, &lim, &root, &where);
	if (rc == XJ_OK) {
		FZ_ASSERT(root != NULL);
		FZ_ASSERT(walk(root, NULL, 1) <= lim.max_nodes);
		/* the lookup helper on every member of the root */
		if (root->type == XJ_J_OBJ)
			for (const struct xj_json *c = root->child; c; c = c->next)
				if (memchr(c->key.p, 0, c->key.len) == NULL)
					FZ_ASSERT(xj_json_get(root, c->key.p) == c);
	} else {
		FZ_ASSERT(root == NULL);
		FZ_ASSERT(rc == XJ_E_BAD_JSON || rc == XJ_E_JSON_LIMIT ||
		    rc == XJ_E_TOO_COMPLEX || rc == XJ_E_INTERNAL);
		FZ_ASSERT(where != NULL);
	}
	xj_arena_free(a);
	free(buf);
	return 0;
}
