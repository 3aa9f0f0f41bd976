/* keydata.c -- key-data changes (关键数据变更, issue 12 item 4; R-KEY-1,
 * R-KEY-2; seed 004 §七):
 *   GET   /api/school/v1/key-fields                       200 {items}
 *   PATCH /api/school/v1/students/{id}                    (records.c; xj_kd_patch)
 *   POST  /api/school/v1/students/{id}/key-data-changes   201 | 403 | 404 | 409 | 422
 * Which fields are controlled (受控字段) is data (sql/0026 key_field): the
 * ministry's rows are the national defaults, a province, city or county
 * adds to them for what lies under it, never removes (xuejictl
 * key-fields). A controlled field changes only through a change request:
 * a case of the workflow engine (type key_data_change: the school applies,
 * its county -- and further levels where a province's variant says so --
 * approve); the last approval applies the change in its transaction,
 * checks the record at the door again (R-KEY-2: it may open or join a
 * problem group) and appends the record's history. The other fields keep
 * the direct edit. Identity numbers are never in clear outside memory:
 * the change keeps them as ciphertexts, reads show them masked by the one
 * masking rule (domain/mask.h), logs and audit entries never hold them. */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "auth/readaudit.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "crypto/field.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/age.h"
#include "domain/contact.h"
#include "domain/division.h"
#include "domain/idnum.h"
#include "domain/mask.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/evidence.h"
#include "store/keydata.h"
#include "store/refdata.h"
#include "store/student.h"
#include "store/workflow.h"
#include "keydata.h"
#include "problem.h"
#include "school.h"
#include "workflow.h"

#define KD_AAD		"key_data_change.id_number"

/* ---- the fields as a body names them ---------------------------------- */

struct kd_in {
	struct xj_str	 s[XJ_KD__N];	/* text fields */
	struct xj_num	 b[XJ_KD__N];	/* booleans */
};

static int
sex_check(struct xj_str s)
{
	return xj_str_eq(s, "M") || xj_str_eq(s, "F") ? XJ_OK : XJ_E_F_CODE;
}

static int
hukou_nature_check(struct xj_str s)
{
	return xj_str_eq(s, "agricultural") || xj_str_eq(s, "non_agricultural") ||
	    xj_str_eq(s, "resident") ? XJ_OK : XJ_E_F_CODE;
}

#define KS(name, f, lo, hi, chk) \
	{ name, XJ_F_STR, XJ_OPT, lo, hi, chk, offsetof(struct kd_in, s) + (f) * sizeof(struct xj_str), \
	  NULL, 0, 0, 0 }
#define KB(name, f) \
	{ name, XJ_F_BOOL, XJ_OPT, 0, 1, NULL, offsetof(struct kd_in, b) + (f) * sizeof(struct xj_num), \
	  NULL, 0, 0, 0 }

/* the same bounds as the registration form (parent/regfields.c); the
 * addresses as the direct edit had them */
static const struct xj_field kd_fields[] = {
	KS("name", XJ_KD_NAME, 1, 60, NULL),
	KS("sex", XJ_KD_SEX, 1, 1, sex_check),
	KS("birth_date", XJ_KD_BIRTH_DATE, 10, 10, xj_date_check),
	KS("id_doc_type", XJ_KD_ID_DOC_TYPE, 1, 1, NULL),
	KS("id_number", XJ_KD_ID_NUMBER, 1, 32, NULL),
	KS("ethnicity", XJ_KD_ETHNICITY, 2, 2, NULL),
	KS("nationality", XJ_KD_NATIONALITY, 1, 32, NULL),
	KS("hukou_nature", XJ_KD_HUKOU_NATURE, 1, 16, hukou_nature_check),
	KS("hukou_location", XJ_KD_HUKOU_LOCATION, 12, 12, xj_hukou_code_check),
	KS("birthplace", XJ_KD_BIRTHPLACE, 1, 128, NULL),
	KS("native_place", XJ_KD_NATIVE_PLACE, 1, 128, NULL),
	KS("current_address", XJ_KD_CURRENT_ADDRESS, 2, 200, NULL),
	KS("home_address", XJ_KD_HOME_ADDRESS, 2, 200, NULL),
	KS("contact_address", XJ_KD_CONTACT_ADDRESS, 2, 200, NULL),
	KB("left_behind", XJ_KD_LEFT_BEHIND),
	KB("boarding", XJ_KD_BOARDING),
	XJ_FIELD_END
};

static int
is_bool(int f)
{
	return f == XJ_KD_LEFT_BEHIND || f == XJ_KD_BOARDING;
}

static int
present(const struct kd_in *in, int f)
{
	return is_bool(f) ? in->b[f].set : in->s[f].p != NULL;
}

/* The value of field f (not the number) checked as the form checks it and
 * normalised into out: XJ_OK or an XJ_E_F_* code. */
static int
value_of(const struct xj_refdata *ref, const struct kd_in *in, int f, char *out, size_t cap)
{
	struct xj_str v = in->s[f];
	struct xj_localtime today;
	int y, m, d, rc;

	if (is_bool(f)) {
		snprintf(out, cap, "%d", in->b[f].v != 0);
		return XJ_OK;
	}
	if (v.len >= cap)
		return XJ_E_F_TOO_LONG;
	memcpy(out, v.p, v.len);
	out[v.len] = '\0';
	switch (f) {
	case XJ_KD_NAME: {
		char buf[512];
		size_t n;

		if (v.len >= sizeof(buf) / 2)
			return XJ_E_F_TOO_LONG;
		n = xj_person_name_normalize(v.p, v.len, buf);
		buf[n] = '\0';
		if ((rc = xj_person_name_check((struct xj_str){ n, buf })) != XJ_OK)
			return rc;
		snprintf(out, cap, "%s", buf);
		return XJ_OK;
	}
	case XJ_KD_BIRTH_DATE:
		xj_utc_to_shanghai((long long)time(NULL), &today);
		if (xj_date_parse(v, &y, &m, &d) != XJ_OK)
			return XJ_E_F_DATE;
		return xj_birth_date_check(y, m, d, today.year, today.month, today.day) == XJ_OK ?
		    XJ_OK : XJ_E_F_FUTURE_DATE;
	case XJ_KD_ID_DOC_TYPE:
		/* no document (Z) is the no-ID review's, not a change of data */
		return ref != NULL && xj_ref_doc_type(ref, out) != NULL && out[0] != 'Z' ?
		    XJ_OK : XJ_E_F_CODE;
	case XJ_KD_ETHNICITY:
		return ref != NULL && xj_ref_ethnicity(ref, out) != NULL ? XJ_OK : XJ_E_F_CODE;
	case XJ_KD_HUKOU_LOCATION: {
		char county[7];
		if (xj_hukou_county(v, county) != XJ_OK)
			return XJ_E_F_DIVISION;
		return ref != NULL && xj_ref_division(ref, county) != NULL ? XJ_OK :
		    XJ_E_F_UNKNOWN_DIVISION;
	}
	default:
		return XJ_OK;
	}
}

static char *
field_path(struct xj_req *r, const char *prefix, int f)
{
	char p[48];

	snprintf(p, sizeof(p), "%s%s", prefix, xj_kd_names[f]);
	return xj_strndup(r->arena, p, strlen(p));
}

/* The set in force for the record's school; the identity is controlled
 * whatever the rows say (the duplicate check reads it). */
static int
controlled(struct xj_db *db, const char *school_path, unsigned *mask)
{
	int rc = xj_kd_controlled_mask(db, school_path, mask);

	for (int f = 0; f < XJ_KD__N; f++)
		if (xj_kd_identity(f))
			*mask |= 1u << f;
	return rc;
}

/* ---- GET /api/school/v1/key-fields ------------------------------------ */

struct fields_ctx {
	const char	*by[XJ_KD__N];	/* the org path that set it */
	struct xj_arena	*arena;
};

static void
set_by(int f, const char *org, void *arg)
{
	struct fields_ctx *c = arg;

	if (c->by[f] == NULL)	/* the highest level that set it */
		c->by[f] = xj_strndup(c->arena, org, strlen(org));
}

/* "/11/1101/110105/" -> "110105"; "/" -> "national" */
static void
level_code(const char *path, char out[13])
{
	size_t n = strlen(path), i;

	if (n <= 1) {
		snprintf(out, 13, "national");
		return;
	}
	i = n - 1;
	while (i > 0 && path[i - 1] != '/')
		i--;
	snprintf(out, 13, "%.*s", (int)(n - 1 - i), path + i);
}

int
xj_school_key_fields(struct xj_req *r)
{
	struct fields_ctx c;
	struct xj_school_actor a;
	char code[13];
	yajl_gen g;
	int rc;

	if ((rc = xj_school_may(r, XJ_ACT_KEYFIELD_READ, &a)) != XJ_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	c.arena = r->arena;
	if ((rc = xj_kd_controlled(r->db, a.org.path, set_by, &c)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "org", a.org.code);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	for (int f = 0; f < XJ_KD__N; f++) {
		yajl_gen_map_open(g);
		xj_gen_str(g, "field", xj_kd_names[f]);
		xj_gen_bool(g, "controlled", c.by[f] != NULL || xj_kd_identity(f));
		xj_gen_bool(g, "identity", xj_kd_identity(f));
		if (c.by[f] != NULL) {
			level_code(c.by[f], code);
			xj_gen_str(g, "set_by", code);
		} else
			xj_gen_str(g, "set_by", xj_kd_identity(f) ? "national" : NULL);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* ---- the direct edit of uncontrolled fields --------------------------- */

struct patch_tx {
	struct xj_req		*r;
	struct xj_student	*s;
	struct xj_kd_update	 u;
	struct xj_kd_record	*before;
	char			 fields[256];
};

static void
values_json(yajl_gen g, void *arg)
{
	struct patch_tx *t = arg;

	yajl_gen_map_open(g);
	for (int f = 0; f < XJ_KD__TEXT; f++)
		if (t->u.v[f] != NULL)
			xj_gen_str(g, xj_kd_names[f], t->before->v[f]);
	yajl_gen_map_close(g);
}

static void
new_json(yajl_gen g, void *arg)
{
	struct patch_tx *t = arg;

	yajl_gen_map_open(g);
	for (int f = 0; f < XJ_KD__TEXT; f++)
		if (t->u.v[f] != NULL)
			xj_gen_str(g, xj_kd_names[f], t->u.v[f]);
	yajl_gen_map_close(g);
}

static int
patch_tx(struct xj_db *db, void *arg)
{
	struct patch_tx *t = arg;
	struct xj_str before, after;
	char status[17], id[24];
	unsigned version;
	int rc;

	if ((rc = xj_student_lock(db, t->s->id, &version, status)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* a record that moved to another province is that deployment's to
	 * keep now: here it is history, read only (issue 13 item 7) */
	if (strcmp(status, "transferred") == 0)
		return XJ_E_STUDENT_NOT_IN_SCHOOL;
	if ((rc = xj_kd_current(db, t->s->id, t->before)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_gen_text(t->r->arena, values_json, t, &before)) != XJ_OK ||
	    (rc = xj_gen_text(t->r->arena, new_json, t, &after)) != XJ_OK)
		return rc;
	if ((rc = xj_kd_apply(db, t->s->id, &t->u)) != XJ_OK ||
	    (rc = xj_kd_event(db, t->s->id, "edited", 0, t->fields)) != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%llu", t->s->id);
	{
		struct xj_actor who = { XJ_ACTOR_STAFF, t->r->actor_id, t->r->actor_role,
		    t->r->actor_org, t->r->id, t->r->client_addr };
		struct xj_audit au = { "student.update", "student", xj_str_c(id), before, after };
		return xj_audit_append(db, &who, &au);
	}
}

static void
fields_add(char *buf, size_t cap, int f)
{
	size_t n = strlen(buf);

	snprintf(buf + n, cap - n, "%s%s", n ? "," : "", xj_kd_names[f]);
}

int
xj_kd_patch(struct xj_req *r, struct xj_student *s)
{
	struct patch_tx *t = xj_calloc(r->arena, 1, sizeof(*t));
	struct xj_kd_record *before = xj_calloc(r->arena, 1, sizeof(*before));
	struct kd_in *in = xj_calloc(r->arena, 1, sizeof(*in));
	struct xj_ferrs fe = { 0 };
	const struct xj_refdata *ref;
	unsigned mask;
	int rc, any = 0;

	if (t == NULL || before == NULL || in == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_bind(r->arena, r->json, kd_fields, in, &fe)) != XJ_OK && rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	if ((rc = controlled(r->db, s->school_path, &mask)) != XJ_OK)
		return rc;
	/* R-KEY-1: a controlled field changes through a change request only.
	 * The whole body is refused, not the uncontrolled part written: the
	 * clerk sees every field that needs a request and nothing is half
	 * done. */
	for (int f = 0; f < XJ_KD__N; f++)
		if (present(in, f) && (mask & (1u << f)))
			xj_ferr_add(&fe, r->arena, field_path(r, "", f), XJ_E_F_CONTROLLED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	for (int f = 0; f < XJ_KD__TEXT; f++) {
		char *v;
		if (!present(in, f))
			continue;
		if ((v = xj_calloc(r->arena, 1, 801)) == NULL)
			return XJ_E_TOO_COMPLEX;
		if ((rc = value_of(ref, in, f, v, 801)) != XJ_OK)
			xj_ferr_add(&fe, r->arena, field_path(r, "", f), rc);
		t->u.v[f] = v;
		fields_add(t->fields, sizeof(t->fields), f);
		any = 1;
	}
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if (any) {
		t->r = r;
		t->s = s;
		t->before = before;
		if ((rc = xj_tx_run(r->db, patch_tx, t)) != XJ_OK)
			return rc;
	}
	if ((rc = xj_student_get(r->db, s->id, s)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return XJ_OK;
}

/* ---- POST /api/school/v1/students/{id}/key-data-changes --------------- */

struct start_in {
	struct kd_in	 changes;
	struct xj_str	 reason, evidence;
	long long	*files;		/* evidence files of the record (issue 12 item 3) */
	size_t		 nfiles;
};

static const struct xj_field start_fields[] = {
	{ "changes", XJ_F_OBJ, XJ_REQ, 0, 0, NULL, offsetof(struct start_in, changes), kd_fields, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_REQ | XJ_MULTILINE, 1, 500, NULL, offsetof(struct start_in, reason), NULL, 0, 0, 0 },
	{ "evidence", XJ_F_STR, XJ_REQ | XJ_MULTILINE, 1, 500, NULL, offsetof(struct start_in, evidence), NULL, 0, 0, 0 },
	{ "evidence_files", XJ_F_IDS, XJ_OPT, 0, XJ_EVIDENCE_PER_CASE, NULL, offsetof(struct start_in, files),
	  NULL, 0, offsetof(struct start_in, nfiles), 0 },
	XJ_FIELD_END
};

struct start_tx {
	struct xj_req			*r;
	struct xj_student		*s;
	struct xj_kd_change_field	 f[XJ_KD__N];
	int				 n;
	char				 num[XJ_DOCNO_MAX_BYTES + 1];	/* the new number, wiped */
	const char			*reason, *evidence;
	const long long			*files;
	size_t				 nfiles;
	unsigned long long		 wf;
	struct xj_wf_org		 o[3];
	struct xj_kd_record		 cur;
};

static int
start_tx(struct xj_db *db, void *arg)
{
	struct start_tx *t = arg;
	struct xj_wf_def defs[XJ_WF_MAX_STEPS];
	struct xj_wf_parties p;
	struct xj_wf_new w;
	char province[7], variant[7], status[17], row[XJ_STUDENT_ROW_MAX], krow[40];
	unsigned version, above;
	int rc, n;

	/* the record as it is under the lock: the old values */
	if ((rc = xj_student_lock(db, t->s->id, &version, status)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* a deleted record, or one that moved to another province (its
	 * key data are that deployment's now) */
	if (strcmp(status, "deleted") == 0 || strcmp(status, "transferred") == 0)
		return XJ_E_STUDENT_NOT_IN_SCHOOL;
	if ((rc = xj_kd_current(db, t->s->id, &t->cur)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_wf_org(db, t->s->school_org_id, &t->o[0])) != XJ_OK ||
	    (rc = xj_wf_org(db, t->o[0].county_id, &t->o[1])) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	/* bureau_above, for this chain: the county's parent bureau (a city,
	 * or a municipality's province) -- a province's variant names it as
	 * a further level */
	above = t->o[1].parent_id ? t->o[1].parent_id : t->o[1].id;
	if ((rc = xj_wf_org(db, above, &t->o[2])) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	xj_wf_province_of(t->o[0].path, province);
	if ((rc = xj_wf_type(db, "key_data_change", province, variant, defs, &n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	/* a province's rows (docs/operations.md): the change is applied by
	 * the last step and by no other; a chain otherwise would approve
	 * without applying, or apply twice */
	for (int i = 0; i < n; i++)
		if ((strcmp(defs[i].on_approve, "key_data_apply") == 0) != (i == n - 1)) {
			xj_log(XJ_LOG_ERROR, "key_data_chain_invalid", "%s", "province", province);
			return XJ_E_INTERNAL;
		}
	memset(&p, 0, sizeof(p));
	p.recv_school = p.send_school = &t->o[0];
	p.recv_county = p.send_county = &t->o[1];
	p.above = &t->o[2];
	memset(&w, 0, sizeof(w));
	w.type = "key_data_change";
	w.variant = variant;
	w.subject_id = t->s->id;
	w.initiator = t->o[0].id;
	w.started_by = t->r->actor_id;
	/* one business in progress per record (the engine's open_subject) */
	rc = xj_wf_start(db, t->r, &w, defs, n, &p, "key_data.apply", &t->wf);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_TRANSFER_BUSY : rc;
	if ((rc = xj_kd_insert(db, t->wf, t->s->id, t->reason, t->evidence)) != XJ_OK)
		return rc;
	/* the documents go with the case (R-KEY-1: a change request carries
	 * its evidence; workflow_type.needs_evidence) */
	if ((rc = xj_evidence_attach(db, t->wf, "key_data_change", variant, t->s->id, t->files,
	    t->nfiles)) != XJ_OK)
		return rc;
	xj_student_row(t->s->id, -1, row);
	for (int i = 0; i < t->n; i++) {
		struct xj_kd_change_field *x = &t->f[i];
		size_t len;

		if (x->field != XJ_KD_ID_NUMBER) {
			snprintf(x->old_value, sizeof(x->old_value), "%s", t->cur.v[x->field]);
			if ((rc = xj_kd_field_insert(db, t->wf, x)) != XJ_OK)
				return rc;
			continue;
		}
		/* the number: the old one resealed from the record's row, the
		 * new one sealed, both to this case's rows; the plaintext of the
		 * old never leaves crypto/field.c */
		snprintf(x->old_value, sizeof(x->old_value), "%s", t->cur.v[XJ_KD_ID_DOC_TYPE]);
		x->old_ct_len = 0;
		if (t->cur.idn_ct_len > 0) {
			/* a value of the column-only format (before review L1,
			 * not yet rekeyed) is under the registration's column */
			const char *from = t->cur.idn_ct[0] == XJ_FIELD_ALG_AES256GCM ?
			    "registration.id_number" : "student.id_number";
			snprintf(krow, sizeof(krow), "k%llu/old", t->wf);
			if (xj_field_reseal(xj_auth_keys(), from, row, KD_AAD, krow, t->cur.idn_ct,
			    t->cur.idn_ct_len, x->old_ct, sizeof(x->old_ct), &len) != 0)
				return XJ_E_INTERNAL;
			x->old_ct_len = len;
		}
		snprintf(krow, sizeof(krow), "k%llu/new", t->wf);
		if (xj_field_encrypt(xj_auth_keys(), KD_AAD, krow, t->num, strlen(t->num), x->new_ct,
		    sizeof(x->new_ct), &len) != 0)
			return XJ_E_INTERNAL;
		x->new_ct_len = len;
		if ((rc = xj_kd_field_insert(db, t->wf, x)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

static int
ever(const char *code, void *arg)
{
	return xj_ref_code_ever(arg, code);
}

/* The new document (type and number) of a change: checked as the form
 * checks a child's (R-COL-7), against the sex and birth date the record
 * will have; its blind index (the key of the same-number check) into x.
 * XJ_OK or an XJ_E_F_* code for `*field`. */
static int
new_document(struct start_tx *t, const struct xj_refdata *ref, const struct kd_in *in,
    const char *type, const char *sex, const char *birth, struct xj_kd_change_field *x,
    int *field)
{
	struct xj_localtime today;
	struct xj_idnum id;
	unsigned char bidx_in[2 + XJ_DOCNO_MAX_BYTES + 1];
	struct xj_str v = in->s[XJ_KD_ID_NUMBER];
	char d[11];
	int rc;

	*field = XJ_KD_ID_NUMBER;
	if (v.len >= sizeof(t->num))
		return XJ_E_F_TOO_LONG;
	memcpy(t->num, v.p, v.len);
	t->num[v.len] = '\0';
	if (type[0] == '1') {
		for (char *p = t->num; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if ((rc = xj_idnum_parse(xj_str_c(t->num), &id)) != XJ_OK)
			return rc;
		if (!xj_idnum_area_ok(id.area, ever, (void *)ref))
			return XJ_E_F_ID_AREA;
		xj_utc_to_shanghai((long long)time(NULL), &today);
		if ((rc = xj_birth_date_check(id.year, id.month, id.day, today.year, today.month,
		    today.day)) != XJ_OK)
			return rc;
		snprintf(d, sizeof(d), "%04d-%02d-%02d", id.year, id.month, id.day);
		if (strcmp(d, birth) != 0) {
			*field = XJ_KD_BIRTH_DATE;
			return XJ_E_F_BIRTH_MISMATCH;
		}
		if ((sex[0] == 'M') != id.male) {
			*field = XJ_KD_SEX;
			return XJ_E_F_SEX_MISMATCH;
		}
	}
	snprintf((char *)bidx_in, sizeof(bidx_in), "%s:%s", type, t->num);
	if (xj_blind_index(xj_auth_keys(), "child.document", bidx_in, strlen((char *)bidx_in),
	    x->new_bidx) != 0)
		return XJ_E_INTERNAL;
	x->has_bidx = 1;
	snprintf(x->new_value, sizeof(x->new_value), "%s", type);
	return XJ_OK;
}

int
xj_school_key_data_start(struct xj_req *r)
{
	struct start_tx *t = xj_calloc(r->arena, 1, sizeof(*t));
	struct xj_student *s = xj_calloc(r->arena, 1, sizeof(*s));
	struct start_in *in = xj_calloc(r->arena, 1, sizeof(*in));
	struct xj_kd_record *cur = xj_calloc(r->arena, 1, sizeof(*cur));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	const struct xj_refdata *ref;
	unsigned long long id;
	unsigned mask;
	const char *sex, *birth, *type;
	int rc, ndoc = -1, nnum = -1;

	if (t == NULL || s == NULL || in == NULL || cur == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_school_may(r, XJ_ACT_KEYDATA_START, &a)) != XJ_OK ||
	    (rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	/* the record's own school applies (R-KEY-1); any other: not there */
	if ((rc = xj_student_get(r->db, id, s)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (s->school_org_id != a.org.id)
		return XJ_E_NOT_FOUND;
	if ((rc = xj_bind(r->arena, r->json, start_fields, in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	if ((rc = controlled(r->db, s->school_path, &mask)) != XJ_OK ||
	    (rc = xj_kd_current(r->db, s->id, cur)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* seed 004 §七.3: only controlled fields change here; the others in
	 * the record's maintenance (PATCH) */
	for (int f = 0; f < XJ_KD__N; f++) {
		struct xj_kd_change_field *x;

		if (!present(&in->changes, f))
			continue;
		if (!(mask & (1u << f))) {
			xj_ferr_add(&fe, r->arena, field_path(r, "changes.", f), XJ_E_F_NOT_CONTROLLED);
			continue;
		}
		x = &t->f[t->n];
		x->field = f;
		if (f == XJ_KD_ID_DOC_TYPE)
			ndoc = t->n;
		if (f == XJ_KD_ID_NUMBER)
			nnum = t->n;
		t->n++;
		if (f == XJ_KD_ID_NUMBER)
			continue;	/* below, with its type */
		if ((rc = value_of(ref, &in->changes, f, x->new_value, sizeof(x->new_value))) != XJ_OK)
			xj_ferr_add(&fe, r->arena, field_path(r, "changes.", f), rc);
		else if (strcmp(x->new_value, cur->v[f]) == 0)
			xj_ferr_add(&fe, r->arena, field_path(r, "changes.", f), XJ_E_F_UNCHANGED);
	}
	if (t->n == 0 && fe.n == 0)
		xj_ferr_add(&fe, r->arena, "changes", XJ_E_F_REQUIRED);
	/* a document is its type and number: a new type needs its number, a
	 * record without a document (Z) a type for its new number */
	if (ndoc >= 0 && nnum < 0)
		xj_ferr_add(&fe, r->arena, "changes.id_number", XJ_E_F_REQUIRED);
	if (nnum >= 0 && ndoc < 0 && cur->v[XJ_KD_ID_DOC_TYPE][0] == 'Z')
		xj_ferr_add(&fe, r->arena, "changes.id_doc_type", XJ_E_F_REQUIRED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if (nnum >= 0) {
		int bad;
		type = ndoc >= 0 ? t->f[ndoc].new_value : cur->v[XJ_KD_ID_DOC_TYPE];
		sex = cur->v[XJ_KD_SEX];
		birth = cur->v[XJ_KD_BIRTH_DATE];
		for (int i = 0; i < t->n; i++) {
			if (t->f[i].field == XJ_KD_SEX)
				sex = t->f[i].new_value;
			if (t->f[i].field == XJ_KD_BIRTH_DATE)
				birth = t->f[i].new_value;
		}
		rc = new_document(t, ref, &in->changes, type, sex, birth, &t->f[nnum], &bad);
		if (rc == XJ_E_INTERNAL)
			return rc;
		if (rc != XJ_OK)
			xj_ferr_add(&fe, r->arena, field_path(r, "changes.", bad), rc);
		else if (memcmp(t->f[nnum].new_bidx, cur->child_bidx, 32) == 0)
			/* the same document: nothing to change */
			xj_ferr_add(&fe, r->arena, "changes.id_number", XJ_E_F_UNCHANGED);
		if (fe.n) {
			memset(t->num, 0, sizeof(t->num));
			return xj_resp_ferrs(r, &fe);
		}
	}
	t->r = r;
	t->s = s;
	if ((t->reason = xj_strndup(r->arena, in->reason.p, in->reason.len)) == NULL ||
	    (t->evidence = xj_strndup(r->arena, in->evidence.p, in->evidence.len)) == NULL)
		return XJ_E_TOO_COMPLEX;
	t->files = in->files;
	t->nfiles = in->nfiles;
	rc = xj_tx_run(r->db, start_tx, t);
	memset(t->num, 0, sizeof(t->num));
	if (rc == XJ_E_EVIDENCE_REQUIRED || rc == XJ_E_EVIDENCE_UNKNOWN)
		return xj_resp_error(r, rc, "evidence_files");
	if (rc != XJ_OK)
		return rc;
	return xj_wf_answer(r, t->wf, 201);
}

/* ---- the effect: the last approval applies the change ------------------ */

struct apply {
	struct xj_kd_change_field	 f[XJ_KD__N];
	unsigned char			 ct[XJ_CT_MAX];
	char				 reason[501], evidence[501], fields[256];
};

int
xj_kd_wf_apply(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w)
{
	struct apply *A = xj_calloc(r->arena, 1, sizeof(*A));
	struct xj_kd_update u;
	unsigned long long sid;
	char status[17], row[XJ_STUDENT_ROW_MAX], krow[40], id[24], kinds[XJ_PROBLEM_KINDS_MAX];
	unsigned version;
	int rc, n, identity = 0;

	if (A == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_kd_get(db, w->id, &sid, A->reason, A->evidence)) != XJ_OK ||
	    (rc = xj_kd_fields(db, w->id, A->f, XJ_KD__N, &n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if ((rc = xj_student_lock(db, sid, &version, status)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	memset(&u, 0, sizeof(u));
	xj_student_row(sid, -1, row);
	for (int i = 0; i < n; i++) {
		struct xj_kd_change_field *x = &A->f[i];

		fields_add(A->fields, sizeof(A->fields), x->field);
		identity |= xj_kd_identity(x->field);
		if (x->field != XJ_KD_ID_NUMBER) {
			u.v[x->field] = x->new_value;
			continue;
		}
		/* the new number to the record's row, and its blind index */
		snprintf(krow, sizeof(krow), "k%llu/new", w->id);
		{
			size_t len;
			if (!x->has_bidx || xj_field_reseal(xj_auth_keys(), KD_AAD, krow,
			    "student.id_number", row, x->new_ct, x->new_ct_len, A->ct, sizeof(A->ct),
			    &len) != 0)
				return XJ_E_INTERNAL;
			u.idn_ct = A->ct;
			u.idn_ct_len = len;
		}
		u.bidx = x->new_bidx;
		u.v[XJ_KD_ID_DOC_TYPE] = x->new_value;
	}
	if ((rc = xj_kd_apply(db, sid, &u)) != XJ_OK)
		return rc;
	/* R-KEY-2: the changed record is checked at the door again; a hit
	 * opens or joins a problem group (and flags the record) here */
	if (identity) {
		const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
		unsigned long long gids[8];
		int ng;

		if ((rc = xj_problem_check(db, xj_auth_keys(), ref, sid, "change", kinds)) != XJ_OK)
			return rc;
		/* ... and a group whose problem the change removed counts the
		 * record as changed (R-DUP-3): a same-number problem is
		 * corrected here, the problem chain cannot change a number */
		if ((rc = xj_kd_open_groups(db, sid, gids, 8, &ng)) != XJ_OK ||
		    (rc = xj_problem_key_changed(db, r, ref, sid, gids, ng)) != XJ_OK)
			return rc;
	}
	if ((rc = xj_kd_event(db, sid, "key_change", w->id, A->fields)) != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%llu", sid);
	return xj_school_audit(db, r, "student.key_change", "student", id, xj_str_c(A->fields));
}

/* ---- reading ------------------------------------------------------------ */

/* A number of the case (old or new) masked; "" when there is none. */
static void
gen_number(yajl_gen g, const char *key, unsigned long long wf, const char *which, const char *type,
    const unsigned char *ct, size_t len)
{
	char krow[40], num[XJ_DOCNO_MAX_BYTES + 1], masked[XJ_MASK_CAP];
	size_t nl = 0;

	if (len == 0) {
		xj_gen_null(g, key);
		return;
	}
	snprintf(krow, sizeof(krow), "k%llu/%s", wf, which);
	if (xj_field_decrypt(xj_auth_keys(), KD_AAD, krow, ct, len, num, sizeof(num), &nl) != 0 ||
	    nl >= sizeof(num)) {
		xj_log(XJ_LOG_ERROR, "key_data_decrypt_failed", "%llu", "workflow", wf);
		nl = 0;
	}
	xj_mask(type[0], num, nl, masked, sizeof(masked));
	memset(num, 0, sizeof(num));
	xj_gen_str(g, key, masked);
}

int
xj_kd_gen_detail(yajl_gen g, struct xj_req *r, const struct xj_wf_case *w)
{
	struct xj_db *db = r->db;
	struct apply *A;
	unsigned long long sid;
	char id[24];
	int rc, n;

	if (strcmp(w->type, "key_data_change") != 0)
		return XJ_OK;
	/* M6: the old and new data of a child's record, read (the answers
	 * to the school's start and to a decision are its own writes) */
	snprintf(id, sizeof(id), "%llu", w->id);
	if (!xj_req_changes_state(r) &&
	    (rc = xj_audit_read(r, "key_data_change.read", "workflow", id, NULL, 1)) != XJ_OK)
		return rc;
	if ((A = calloc(1, sizeof(*A))) == NULL)
		return XJ_E_INTERNAL;
	if ((rc = xj_kd_get(db, w->id, &sid, A->reason, A->evidence)) != XJ_OK ||
	    (rc = xj_kd_fields(db, w->id, A->f, XJ_KD__N, &n)) != XJ_OK) {
		free(A);
		return rc == XJ_NO_ROW ? XJ_OK : rc;
	}
	xj_gen_str(g, "change_reason", A->reason);
	xj_gen_str(g, "change_evidence", A->evidence);
	xj_gen_key(g, "changes");
	yajl_gen_array_open(g);
	for (int i = 0; i < n; i++) {
		const struct xj_kd_change_field *x = &A->f[i];

		yajl_gen_map_open(g);
		xj_gen_str(g, "field", xj_kd_names[x->field]);
		if (x->field == XJ_KD_ID_NUMBER) {
			/* the one masking rule: never the number in clear */
			gen_number(g, "old", w->id, "old", x->old_value, x->old_ct, x->old_ct_len);
			gen_number(g, "new", w->id, "new", x->new_value, x->new_ct, x->new_ct_len);
		} else if (is_bool(x->field)) {
			xj_gen_bool(g, "old", x->old_value[0] == '1');
			xj_gen_bool(g, "new", x->new_value[0] == '1');
		} else {
			xj_gen_str(g, "old", x->old_value);
			xj_gen_str(g, "new", x->new_value);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	free(A);
	return XJ_OK;
}
