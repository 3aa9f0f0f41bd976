/* fuzz_bind.c -- xj_bind (src/core/bind.c) over a parsed body, against
 * the registration form's own table (src/parent/regfields.c) and a small
 * table of the types that form lacks (INT, STRS, a MULTILINE text), so
 * that every binder runs. Invariants: the status is one of the
 * documented ones; on XJ_OK every required member is set and within its
 * bounds; every error path is valid UTF-8 (it is echoed in the JSON
 * answer) and at most XJ_MAX_FERRS errors are kept. */
#include "config.h"

#include <stddef.h>

#include "core/arena.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/json.h"
#include "parent/regfields.h"
#include "fuzz.h"

#define MAX_TAGS	8

/* the field types the registration form does not use */
struct extra_in {
	struct xj_num		 siblings;
	struct xj_str		*tags;
	size_t			 ntags;
	struct xj_str		 remarks;
	long long		*ids;		/* evidence files (issue 12) */
	size_t			 nids;
};

static int
sex_check(struct xj_str s)
{
	return xj_str_eq(s, "M") || xj_str_eq(s, "F") ? XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field extra_fields[] = {
	{ "siblings", XJ_F_INT, XJ_OPT, -5, 20, NULL, offsetof(struct extra_in, siblings), NULL, 0, 0, 0 },
	{ "tags", XJ_F_STRS, XJ_OPT, 0, MAX_TAGS, sex_check, offsetof(struct extra_in, tags),
	  NULL, 0, offsetof(struct extra_in, ntags), 0 },
	{ "remarks", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 500, NULL, offsetof(struct extra_in, remarks),
	  NULL, 0, 0, 0 },
	{ "ids", XJ_F_IDS, XJ_OPT, 0, 10, NULL, offsetof(struct extra_in, ids), NULL, 0,
	  offsetof(struct extra_in, nids), 0 },
	XJ_FIELD_END
};

static const struct xj_json_limits lim = { FZ_DEPTH, FZ_NODES, FZ_MAX_STR };

/* A bound text member: set when required, characters within bounds. */
static void
check_str(const struct xj_field *f, const void *base)
{
	const struct xj_str *s = (const struct xj_str *)((const char *)base + f->off);
	long n;

	if (s->p == NULL) {
		FZ_ASSERT(!(f->flags & XJ_REQ));
		FZ_ASSERT(s->len == 0);
		return;
	}
	n = xj_utf8_len(*s);
	FZ_ASSERT(n >= f->min);
	FZ_ASSERT(f->max == 0 || n <= f->max);
	if (f->check != NULL)
		FZ_ASSERT(f->check(*s) == XJ_OK);
	for (size_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->p[i];
		if (c < 0x20 || c == 0x7f)
			FZ_ASSERT((f->flags & XJ_MULTILINE) &&
			    (c == '\t' || c == '\n' || c == '\r'));
	}
}

static void
check_table(const struct xj_field *fields, const void *base)
{
	for (const struct xj_field *f = fields; f->name; f++) {
		const char *m = (const char *)base + f->off;

		switch (f->type) {
		case XJ_F_STR:
			check_str(f, base);
			break;
		case XJ_F_INT:
		case XJ_F_DEC:
		case XJ_F_BOOL: {
			const struct xj_num *x = (const struct xj_num *)m;
			if (!x->set) {
				FZ_ASSERT(!(f->flags & XJ_REQ));
				break;
			}
			FZ_ASSERT(x->v >= f->min && x->v <= f->max);
			break;
		}
		case XJ_F_OBJ:
			check_table(f->sub, m);
			break;
		case XJ_F_ARR: {
			const char *items = *(char *const *)m;
			size_t n = *(const size_t *)((const char *)base + f->off_n);
			if (items == NULL) {
				FZ_ASSERT(!(f->flags & XJ_REQ) && n == 0);
				break;
			}
			FZ_ASSERT((long long)n >= f->min && (long long)n <= f->max);
			for (size_t i = 0; i < n; i++)
				check_table(f->sub, items + i * f->sub_size);
			break;
		}
		case XJ_F_STRS: {
			const struct xj_str *items = *(struct xj_str *const *)m;
			size_t n = *(const size_t *)((const char *)base + f->off_n);
			if (items == NULL) {
				FZ_ASSERT(!(f->flags & XJ_REQ) && n == 0);
				break;
			}
			FZ_ASSERT((long long)n >= f->min && (long long)n <= f->max);
			for (size_t i = 0; i < n; i++) {
				FZ_ASSERT(items[i].p != NULL);
				FZ_ASSERT(xj_utf8_len(items[i]) >= 0);
				if (f->check != NULL)
					FZ_ASSERT(f->check(items[i]) == XJ_OK);
			}
			break;
		}
		case XJ_F_IDS: {
			const long long *items = *(long long *const *)m;
			size_t n = *(const size_t *)((const char *)base + f->off_n);
			if (items == NULL) {
				FZ_ASSERT(!(f->flags & XJ_REQ) && n == 0);
				break;
			}
			FZ_ASSERT((long long)n >= f->min && (long long)n <= f->max);
			for (size_t i = 0; i < n; i++)
				FZ_ASSERT(items[i] >= 1 && items[i] <= 999999999999999999LL);
			break;
		}
		}
	}
}

/* Bind root against fields into out and check every invariant. */
static void
bind_and_check(struct xj_arena *a, const struct xj_json *root,
    const struct xj_field *fields, void *out)
{
	struct xj_ferrs fe;
	int rc;

	memset(&fe, 0, sizeof(fe));
	rc = xj_bind(a, root, fields, out, &fe);
	FZ_ASSERT(rc == XJ_OK || rc == XJ_E_VALIDATION || rc == XJ_E_BAD_JSON ||
	    rc == XJ_E_TOO_COMPLEX);
	FZ_ASSERT(fe.n <= XJ_MAX_FERRS);
	if (rc == XJ_OK) {
		FZ_ASSERT(fe.n == 0);
		check_table(fields, out);
	}
	if (rc == XJ_E_VALIDATION)
		FZ_ASSERT(fe.n > 0);
	if (rc == XJ_E_BAD_JSON)
		FZ_ASSERT(root->type != XJ_J_OBJ);
	for (size_t i = 0; i < fe.n; i++) {
		FZ_ASSERT(fe.e[i].field != NULL);
		FZ_ASSERT(fe.e[i].code != XJ_OK);
		FZ_ASSERT(xj_utf8_len(xj_str_c(fe.e[i].field)) >= 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xj_arena *a;
	struct xj_json *root = NULL;
	struct reg_in in;
	struct extra_in ex;
	char *buf;

	if (size > FZ_BODY_MAX)
		return 0;
	buf = fz_copy(data, size);
	if ((a = xj_arena_new(FZ_ARENA)) == NULL)
		abort();
	if (xj_json_parse(a, buf, size, &lim, &root, NULL) != XJ_OK)
		goto out;
	memset(&in, 0, sizeof(in));
	bind_and_check(a, root, xj_regform_fields, &in);
	memset(&ex, 0, sizeof(ex));
	bind_and_check(a, root, extra_fields, &ex);
out:
	xj_arena_free(a);
	free(buf);
	return 0;
}
