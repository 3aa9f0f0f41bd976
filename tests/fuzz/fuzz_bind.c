/* fuzz_bind.c -- xj_bind (src/core/bind.c) over a parsed body. The table
 * is the registration form of src/parent/regform.c (static there, so
 * replicated: same names, types, bounds and domain checks) plus one row
 * each of the types that form lacks (INT, STRS, a MULTILINE text), so
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
#include "domain/division.h"
#include "domain/idnum.h"
#include "fuzz.h"

#define MAX_GUARDIANS	4	/* XJ_REG_MAX_GUARDIANS */
#define MAX_TAGS	8

struct guardian_in {
	struct xj_str	 relation, relation_desc, name, id_doc_type, id_number, phone, employer;
};

struct child_in {
	struct xj_str	 name, sex, birth_date, id_doc_type, id_number, ethnicity, nationality;
	struct xj_str	 hukou_nature, hukou_location, birthplace, native_place;
	struct xj_str	 current_address, home_address, contact_address;
};

struct reg_in {
	struct xj_str		 district, school_code, special_category;
	struct child_in		 child;
	struct guardian_in	*guardians;
	size_t			 nguardians;
	struct xj_num		 left_behind, migrant_worker_child, distance_km;
	/* not in the registration form: the other field types */
	struct xj_num		 siblings;
	struct xj_str		*tags;
	size_t			 ntags;
	struct xj_str		 remarks;
};

static int
one_of(struct xj_str s, const char *const *list)
{
	for (; *list; list++)
		if (xj_str_eq(s, *list))
			return XJ_OK;
	return XJ_E_F_CODE;
}

static int
sex_check(struct xj_str s)
{
	static const char *const v[] = { "M", "F", NULL };
	return one_of(s, v);
}

static int
relation_check(struct xj_str s)
{
	static const char *const v[] = {
		"父", "母", "父亲", "母亲", "祖父母", "外祖父母", "其他", NULL
	};
	return one_of(s, v);
}

static int
hukou_nature_check(struct xj_str s)
{
	static const char *const v[] = { "agricultural", "non_agricultural", "resident", NULL };
	return one_of(s, v);
}

static int
special_check(struct xj_str s)
{
	static const char *const v[] = {
		"taiwan_compatriot", "postdoc", "work_residence_permit",
		"overseas_chinese", "serviceman", "zhiqing", NULL
	};
	return one_of(s, v);
}

#define F(name, type, flags, lo, hi, chk, st, member) \
	{ name, type, flags, lo, hi, chk, offsetof(st, member), NULL, 0, 0, 0 }

static const struct xj_field guardian_fields[] = {
	F("relation", XJ_F_STR, XJ_REQ, 1, 8, relation_check, struct guardian_in, relation),
	F("relation_desc", XJ_F_STR, XJ_OPT, 0, 32, NULL, struct guardian_in, relation_desc),
	F("name", XJ_F_STR, XJ_REQ, 1, 60, NULL, struct guardian_in, name),
	F("id_doc_type", XJ_F_STR, XJ_OPT, 1, 1, NULL, struct guardian_in, id_doc_type),
	F("id_number", XJ_F_STR, XJ_OPT, 1, 32, NULL, struct guardian_in, id_number),
	F("phone", XJ_F_STR, XJ_REQ, 1, 20, NULL, struct guardian_in, phone),
	F("employer", XJ_F_STR, XJ_OPT, 0, 128, NULL, struct guardian_in, employer),
	XJ_FIELD_END
};

static const struct xj_field child_fields[] = {
	F("name", XJ_F_STR, XJ_REQ, 1, 60, NULL, struct child_in, name),
	F("sex", XJ_F_STR, XJ_REQ, 1, 1, sex_check, struct child_in, sex),
	F("birth_date", XJ_F_STR, XJ_REQ, 10, 10, xj_date_check, struct child_in, birth_date),
	F("id_doc_type", XJ_F_STR, XJ_REQ, 1, 1, NULL, struct child_in, id_doc_type),
	F("id_number", XJ_F_STR, XJ_OPT, 1, 32, NULL, struct child_in, id_number),
	F("ethnicity", XJ_F_STR, XJ_REQ, 2, 2, NULL, struct child_in, ethnicity),
	F("nationality", XJ_F_STR, XJ_REQ, 1, 32, NULL, struct child_in, nationality),
	F("hukou_nature", XJ_F_STR, XJ_REQ, 1, 16, hukou_nature_check, struct child_in, hukou_nature),
	F("hukou_location", XJ_F_STR, XJ_REQ, 12, 12, xj_hukou_code_check, struct child_in, hukou_location),
	F("birthplace", XJ_F_STR, XJ_REQ, 1, 128, NULL, struct child_in, birthplace),
	F("native_place", XJ_F_STR, XJ_REQ, 1, 128, NULL, struct child_in, native_place),
	F("current_address", XJ_F_STR, XJ_REQ, 1, 200, NULL, struct child_in, current_address),
	F("home_address", XJ_F_STR, XJ_REQ, 1, 200, NULL, struct child_in, home_address),
	F("contact_address", XJ_F_STR, XJ_REQ, 1, 200, NULL, struct child_in, contact_address),
	XJ_FIELD_END
};

static const struct xj_field reg_fields[] = {
	F("district", XJ_F_STR, XJ_REQ, 6, 6, xj_county_code_check, struct reg_in, district),
	F("school_code", XJ_F_STR, XJ_OPT, 10, 10, NULL, struct reg_in, school_code),
	{ "child", XJ_F_OBJ, XJ_REQ, 0, 0, NULL, offsetof(struct reg_in, child), child_fields, 0, 0, 0 },
	{ "guardians", XJ_F_ARR, XJ_REQ, 1, MAX_GUARDIANS, NULL,
	  offsetof(struct reg_in, guardians), guardian_fields, sizeof(struct guardian_in),
	  offsetof(struct reg_in, nguardians), 0 },
	F("special_category", XJ_F_STR, XJ_OPT, 1, 32, special_check, struct reg_in, special_category),
	F("left_behind", XJ_F_BOOL, XJ_REQ, 0, 1, NULL, struct reg_in, left_behind),
	F("migrant_worker_child", XJ_F_BOOL, XJ_REQ, 0, 1, NULL, struct reg_in, migrant_worker_child),
	{ "distance_km", XJ_F_DEC, XJ_REQ, 0, 9999, NULL, offsetof(struct reg_in, distance_km), NULL, 0, 0, 1 },
	/* the types the registration form does not use */
	F("siblings", XJ_F_INT, XJ_OPT, -5, 20, NULL, struct reg_in, siblings),
	{ "tags", XJ_F_STRS, XJ_OPT, 0, MAX_TAGS, sex_check, offsetof(struct reg_in, tags),
	  NULL, 0, offsetof(struct reg_in, ntags), 0 },
	F("remarks", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 500, NULL, struct reg_in, remarks),
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
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xj_arena *a;
	struct xj_json *root = NULL;
	struct xj_ferrs fe;
	struct reg_in in;
	char *buf;
	int rc;

	if (size > FZ_BODY_MAX)
		return 0;
	buf = fz_copy(data, size);
	if ((a = xj_arena_new(FZ_ARENA)) == NULL)
		abort();
	if (xj_json_parse(a, buf, size, &lim, &root, NULL) != XJ_OK)
		goto out;
	memset(&in, 0, sizeof(in));
	memset(&fe, 0, sizeof(fe));
	rc = xj_bind(a, root, reg_fields, &in, &fe);
	FZ_ASSERT(rc == XJ_OK || rc == XJ_E_VALIDATION || rc == XJ_E_BAD_JSON ||
	    rc == XJ_E_TOO_COMPLEX);
	FZ_ASSERT(fe.n <= XJ_MAX_FERRS);
	if (rc == XJ_OK) {
		FZ_ASSERT(fe.n == 0);
		check_table(reg_fields, &in);
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
out:
	xj_arena_free(a);
	free(buf);
	return 0;
}
