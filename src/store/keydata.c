/* keydata.c -- key-data changes in the database (keydata.h; sql/0026). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "keydata.h"
#include "sql.h"

#define S(b)	XJ_COL_STR((b), sizeof(b))

const char *const xj_kd_names[XJ_KD__N] = {
	[XJ_KD_NAME] = "name", [XJ_KD_SEX] = "sex", [XJ_KD_BIRTH_DATE] = "birth_date",
	[XJ_KD_ID_DOC_TYPE] = "id_doc_type", [XJ_KD_ETHNICITY] = "ethnicity",
	[XJ_KD_NATIONALITY] = "nationality", [XJ_KD_HUKOU_NATURE] = "hukou_nature",
	[XJ_KD_HUKOU_LOCATION] = "hukou_location", [XJ_KD_BIRTHPLACE] = "birthplace",
	[XJ_KD_NATIVE_PLACE] = "native_place", [XJ_KD_CURRENT_ADDRESS] = "current_address",
	[XJ_KD_HOME_ADDRESS] = "home_address", [XJ_KD_CONTACT_ADDRESS] = "contact_address",
	[XJ_KD_LEFT_BEHIND] = "left_behind", [XJ_KD_BOARDING] = "boarding",
	[XJ_KD_ID_NUMBER] = "id_number",
};

int
xj_kd_field_of(const char *name, size_t len)
{
	for (int i = 0; i < XJ_KD__N; i++)
		if (strlen(xj_kd_names[i]) == len && memcmp(xj_kd_names[i], name, len) == 0)
			return i;
	return -1;
}

int
xj_kd_identity(int f)
{
	return f == XJ_KD_NAME || f == XJ_KD_SEX || f == XJ_KD_BIRTH_DATE ||
	    f == XJ_KD_ID_DOC_TYPE || f == XJ_KD_ID_NUMBER;
}

/* The prefixes of path ("/", "/11/", "/11/1101/", ...): at most six, the
 * rest repeat the last (the statement has six places). */
static void
prefixes(const char *path, char p[6][129])
{
	int n = 0;
	size_t len = strlen(path);

	for (size_t i = 0; i < len && n < 6; i++)
		if (path[i] == '/') {
			snprintf(p[n], 129, "%.*s", (int)(i + 1), path);
			n++;
		}
	if (n == 0)
		snprintf(p[n++], 129, "/");
	for (; n < 6; n++)
		memcpy(p[n], p[n - 1], 129);
}

int
xj_kd_controlled(struct xj_db *db, const char *path,
    void (*fn)(int field, const char *org_path, void *), void *arg)
{
	char p[6][129], field[25], org[129];
	struct xj_val v[6];
	int rc;

	prefixes(path, p);
	for (int i = 0; i < 6; i++)
		v[i] = XJ_VS(p[i]);
	if ((rc = xj_db_exec(db, XJ_Q_KD_FIELDS, v, 6)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c[2] = { S(field), S(org) };
		int f;

		if ((rc = xj_db_fetch(db, XJ_Q_KD_FIELDS, c, 2)) != XJ_OK)
			break;
		/* a name no longer in the catalogue: ignored */
		if ((f = xj_kd_field_of(field, strlen(field))) >= 0)
			fn(f, org, arg);
	}
	xj_db_done(db, XJ_Q_KD_FIELDS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

static void
mask_add(int f, const char *org, void *arg)
{
	(void)org;
	*(unsigned *)arg |= 1u << f;
}

int
xj_kd_controlled_mask(struct xj_db *db, const char *path, unsigned *mask)
{
	*mask = 0;
	return xj_kd_controlled(db, path, mask_add, mask);
}

int
xj_kd_set(struct xj_db *db, const char *org_path, unsigned mask)
{
	struct xj_val d = XJ_VS(org_path);
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_KD_FIELDS_DELETE, &d, 1)) != XJ_OK)
		return rc;
	for (int f = 0; f < XJ_KD__N; f++)
		if (mask & (1u << f)) {
			struct xj_val v[2] = { XJ_VS(org_path), XJ_VS(xj_kd_names[f]) };
			if ((rc = xj_db_exec(db, XJ_Q_KD_FIELDS_ADD, v, 2)) != XJ_OK)
				return rc;
		}
	return XJ_OK;
}

int
xj_kd_current(struct xj_db *db, unsigned long long sid, struct xj_kd_record *r)
{
	struct xj_val v = XJ_VI(sid);
	struct xj_col c[XJ_KD__TEXT + 2];
	int rc;

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < XJ_KD__TEXT; i++)
		c[i] = XJ_COL_STR(r->v[i], sizeof(r->v[i]));
	/* booleans come back as integers */
	c[XJ_KD_LEFT_BEHIND] = XJ_COL_INT;
	c[XJ_KD_BOARDING] = XJ_COL_INT;
	c[XJ_KD__TEXT] = XJ_COL_BLOB((char *)r->idn_ct, sizeof(r->idn_ct));
	c[XJ_KD__TEXT + 1] = XJ_COL_BLOB((char *)r->child_bidx, sizeof(r->child_bidx));
	if ((rc = xj_db_row(db, XJ_Q_KD_CURRENT, &v, 1, c, XJ_KD__TEXT + 2)) != XJ_OK)
		return rc;
	snprintf(r->v[XJ_KD_LEFT_BEHIND], 2, "%d", c[XJ_KD_LEFT_BEHIND].i != 0);
	snprintf(r->v[XJ_KD_BOARDING], 2, "%d", c[XJ_KD_BOARDING].i != 0);
	r->idn_ct_len = c[XJ_KD__TEXT].is_null ? 0 : c[XJ_KD__TEXT].len;
	return XJ_OK;
}

int
xj_kd_apply(struct xj_db *db, unsigned long long sid, const struct xj_kd_update *u)
{
	struct xj_val v[XJ_KD__TEXT + 3];
	int rc;

	for (int i = 0; i < XJ_KD__TEXT; i++)
		v[i] = u->v[i] ? XJ_VS(u->v[i]) : XJ_VNULL;
	v[XJ_KD__TEXT] = u->idn_ct ? XJ_VB(u->idn_ct, u->idn_ct_len) : XJ_VNULL;
	v[XJ_KD__TEXT + 1] = u->bidx ? XJ_VB(u->bidx, 32) : XJ_VNULL;
	v[XJ_KD__TEXT + 2] = XJ_VI(sid);
	if ((rc = xj_db_exec(db, XJ_Q_KD_APPLY, v, XJ_KD__TEXT + 3)) != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_KD_APPLY) == 1 ? XJ_OK : XJ_E_INTERNAL;
}

int
xj_kd_event(struct xj_db *db, unsigned long long sid, const char *kind, unsigned long long wf,
    const char *fields)
{
	struct xj_val v[4] = { XJ_VS(kind), wf ? XJ_VI(wf) : XJ_VNULL, XJ_VS(fields), XJ_VI(sid) };

	return xj_db_exec(db, XJ_Q_KD_EVENT, v, 4);
}

int
xj_kd_insert(struct xj_db *db, unsigned long long wf, unsigned long long sid, const char *reason,
    const char *evidence)
{
	struct xj_val v[4] = { XJ_VI(wf), XJ_VI(sid), XJ_VS(reason), XJ_VS(evidence) };

	return xj_db_exec(db, XJ_Q_KD_INSERT, v, 4);
}

int
xj_kd_field_insert(struct xj_db *db, unsigned long long wf, const struct xj_kd_change_field *f)
{
	struct xj_val v[7] = { XJ_VI(wf), XJ_VS(xj_kd_names[f->field]),
	    XJ_VS(f->old_value), XJ_VS(f->new_value),
	    f->old_ct_len ? XJ_VB(f->old_ct, f->old_ct_len) : XJ_VNULL,
	    f->new_ct_len ? XJ_VB(f->new_ct, f->new_ct_len) : XJ_VNULL,
	    f->has_bidx ? XJ_VB(f->new_bidx, 32) : XJ_VNULL };

	return xj_db_exec(db, XJ_Q_KD_FIELD_INSERT, v, 7);
}

int
xj_kd_get(struct xj_db *db, unsigned long long wf, unsigned long long *sid, char reason[501],
    char evidence[501])
{
	struct xj_val v = XJ_VI(wf);
	struct xj_col c[3] = { XJ_COL_INT, XJ_COL_STR(reason, 501), XJ_COL_STR(evidence, 501) };
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_KD_GET, &v, 1, c, 3)) != XJ_OK)
		return rc;
	*sid = (unsigned long long)c[0].i;
	return XJ_OK;
}

int
xj_kd_fields(struct xj_db *db, unsigned long long wf, struct xj_kd_change_field *f, int max,
    int *n)
{
	struct xj_val v = XJ_VI(wf);
	char name[25];
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_KD_FIELD_LIST, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_kd_change_field spare, *x = *n < max ? &f[*n] : &spare;
		struct xj_col c[6];

		memset(x, 0, sizeof(*x));
		c[0] = S(name);
		c[1] = S(x->old_value);
		c[2] = S(x->new_value);
		c[3] = XJ_COL_BLOB((char *)x->old_ct, sizeof(x->old_ct));
		c[4] = XJ_COL_BLOB((char *)x->new_ct, sizeof(x->new_ct));
		c[5] = XJ_COL_BLOB((char *)x->new_bidx, sizeof(x->new_bidx));
		if ((rc = xj_db_fetch(db, XJ_Q_KD_FIELD_LIST, c, 6)) != XJ_OK)
			break;
		if ((x->field = xj_kd_field_of(name, strlen(name))) < 0 || *n >= max)
			continue;
		x->old_ct_len = c[3].is_null ? 0 : c[3].len;
		x->new_ct_len = c[4].is_null ? 0 : c[4].len;
		x->has_bidx = !c[5].is_null && c[5].len == 32;
		(*n)++;
	}
	xj_db_done(db, XJ_Q_KD_FIELD_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_kd_approvals(struct xj_db *db, unsigned long long wf,
    void (*fn)(const struct xj_kd_approval *, void *), void *arg)
{
	struct xj_val v = XJ_VI(wf);
	struct xj_kd_approval a;
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_KD_APPROVALS, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c[6] = { XJ_COL_INT, S(a.party), S(a.org_code), S(a.org_name),
		    S(a.staff_name), S(a.at) };
		if ((rc = xj_db_fetch(db, XJ_Q_KD_APPROVALS, c, 6)) != XJ_OK)
			break;
		a.seq = (int)c[0].i;
		fn(&a, arg);
	}
	xj_db_done(db, XJ_Q_KD_APPROVALS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

/* the family's words for a field (no values: R-MOV-7's view names no number) */
static const struct {
	const char	*zh, *en;
} words[XJ_KD__N] = {
	[XJ_KD_NAME] = { "姓名", "name" },
	[XJ_KD_SEX] = { "性别", "sex" },
	[XJ_KD_BIRTH_DATE] = { "出生日期", "date of birth" },
	[XJ_KD_ID_DOC_TYPE] = { "身份证件类型", "type of identity document" },
	[XJ_KD_ID_NUMBER] = { "身份证件号", "identity document number" },
	[XJ_KD_ETHNICITY] = { "民族", "ethnicity" },
	[XJ_KD_NATIONALITY] = { "国籍/地区", "nationality" },
	[XJ_KD_HUKOU_NATURE] = { "户口性质", "kind of household registration" },
	[XJ_KD_HUKOU_LOCATION] = { "户口所在地", "place of household registration" },
	[XJ_KD_BIRTHPLACE] = { "出生地", "place of birth" },
	[XJ_KD_NATIVE_PLACE] = { "籍贯", "native place" },
	[XJ_KD_CURRENT_ADDRESS] = { "现住址", "current address" },
	[XJ_KD_HOME_ADDRESS] = { "家庭住址", "home address" },
	[XJ_KD_CONTACT_ADDRESS] = { "通信地址", "postal address" },
	[XJ_KD_LEFT_BEHIND] = { "是否留守儿童", "left-behind child" },
	[XJ_KD_BOARDING] = { "是否住校", "boarding" },
};

int
xj_kd_words(struct xj_db *db, unsigned long long wf, char *zh, size_t zn, char *en, size_t en_n)
{
	struct xj_kd_change_field *f = calloc(XJ_KD__N, sizeof(*f));
	int rc, n;

	zh[0] = en[0] = '\0';
	if (f == NULL)
		return XJ_E_INTERNAL;
	if ((rc = xj_kd_fields(db, wf, f, XJ_KD__N, &n)) == XJ_OK)
		for (int i = 0; i < n; i++) {
			size_t a = strlen(zh), b = strlen(en);
			snprintf(zh + a, zn - a, "%s%s", i ? "、" : "", words[f[i].field].zh);
			snprintf(en + b, en_n - b, "%s%s", i ? ", " : "", words[f[i].field].en);
		}
	free(f);
	return rc;
}

int
xj_kd_open_groups(struct xj_db *db, unsigned long long sid, unsigned long long *ids, int max,
    int *n)
{
	struct xj_val v[2] = { XJ_VI(sid), XJ_VI(max) };
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_KD_OPEN_GROUPS, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c[1] = { XJ_COL_INT };
		if ((rc = xj_db_fetch(db, XJ_Q_KD_OPEN_GROUPS, c, 1)) != XJ_OK)
			break;
		if (*n < max)
			ids[(*n)++] = (unsigned long long)c[0].i;
	}
	xj_db_done(db, XJ_Q_KD_OPEN_GROUPS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}
