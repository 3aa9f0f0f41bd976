/* supplement.c -- records that do not come through admission (issue 12
 * item 5, the batch-import entry path of item 1; R-DUP-4, R-REC-8):
 *   POST /api/school/v1/students/supplements   201 | 403 | 409 | 422
 *   POST /api/school/v1/students/imports       201 | 403 | 409 | 413 | 415 | 422
 *   GET  /api/school/v1/students/imports/template   200 text/csv (the header line)
 * 补建学籍: a school keys in the record of a pupil above grade 1 who has
 * none (seed 002 §六); an import is a CSV file of such records (R-REC-8).
 * Both go through supp_create(), the one function that makes a record
 * without a registration: the data checked by the validators of the form
 * and the key-data change (keydata.h), a temporary number drawn as
 * admission draws it, the identity number encrypted with its blind
 * indexes, and the check at the door in the same transaction
 * (xj_problem_check_identity, origin supplement | import), so a duplicate
 * opens or joins its problem group at once. The record waits for the
 * ministry's national duplicate check (R-DUP-4): status pending_check --
 * not in the roster, term registration, statistics, transfers or
 * certificates, which read in_school -- national_check due and
 * national_action supplement; the StudentBatch producer sends it and the
 * CheckResult moves it to in_school (exchange/, not here).
 *
 * No approval before the ministry: seed 002 §六 has the school report the
 * pupil and the bureaus relay it level by level to the ministry's check
 * (上报 ... 逐级报送 ... 提交教育部进行全国学籍查重); the province's relay
 * is this deployment's StudentBatch. The county sees the pending records
 * of its schools (GET /students?status=pending_check).
 *
 * An import is atomic: a bad line refuses the whole file (422, every line
 * at fault named by its line number and field, at most XJ_MAX_FERRS), and
 * nothing is written; the clerk corrects the file and sends it again. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/json.h"
#include "core/log.h"
#include "core/req.h"
#include "crypto/field.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/classcode.h"
#include "domain/csvcell.h"
#include "domain/division.h"
#include "domain/idnum.h"
#include "parent/regfields.h"
#include "domain/orgcsv.h"
#include "store/idempotency.h"
#include "store/keydata.h"
#include "store/refdata.h"
#include "store/sql.h"
#include "store/student.h"
#include "keydata.h"
#include "problem.h"
#include "records.h"
#include "school.h"

#define SUPP_STATUS		"pending_check"
#define SUPP_ACTION		"supplement"
#define IMPORT_MAX_LINES	2000	/* records a file, after the header */

/* ---- the data of one record, from JSON or from a CSV line -------------- */

struct supp_in {
	struct xj_str	 s[XJ_KD__TEXT];	/* text fields of store/keydata.h (bools unused) */
	struct xj_str	 id_number, class_code;
	struct xj_num	 entry_year, level, left_behind, boarding, as_printed;
};

#define SS(name, f, lo, hi, chk) \
	{ name, XJ_F_STR, XJ_REQ, lo, hi, chk, offsetof(struct supp_in, s) + (f) * sizeof(struct xj_str), \
	  NULL, 0, 0, 0 }
#define SN(name, type, flags, lo, hi, member) \
	{ name, type, flags, lo, hi, NULL, offsetof(struct supp_in, member), NULL, 0, 0, 0 }

/* the bounds of the registration form (parent/regfields.c) */
static const struct xj_field supp_fields[] = {
	SS("name", XJ_KD_NAME, 1, 60, NULL),
	SS("sex", XJ_KD_SEX, 1, 1, xj_regfield_sex),
	SS("birth_date", XJ_KD_BIRTH_DATE, 10, 10, xj_date_check),
	SS("id_doc_type", XJ_KD_ID_DOC_TYPE, 1, 1, NULL),
	{ "id_number", XJ_F_STR, XJ_REQ, 1, 32, NULL, offsetof(struct supp_in, id_number), NULL, 0, 0, 0 },
	SS("ethnicity", XJ_KD_ETHNICITY, 2, 2, NULL),
	SS("nationality", XJ_KD_NATIONALITY, 1, 32, NULL),
	SS("hukou_nature", XJ_KD_HUKOU_NATURE, 1, 16, xj_regfield_hukou_nature),
	SS("hukou_location", XJ_KD_HUKOU_LOCATION, 12, 12, xj_hukou_code_check),
	SS("birthplace", XJ_KD_BIRTHPLACE, 1, 128, NULL),
	SS("native_place", XJ_KD_NATIVE_PLACE, 1, 128, NULL),
	SS("current_address", XJ_KD_CURRENT_ADDRESS, 1, 200, NULL),
	SS("home_address", XJ_KD_HOME_ADDRESS, 1, 200, NULL),
	SS("contact_address", XJ_KD_CONTACT_ADDRESS, 1, 200, NULL),
	SN("entry_year", XJ_F_INT, XJ_REQ, 1900, 2200, entry_year),
	SN("level", XJ_F_INT, XJ_REQ, 1, 3, level),
	{ "class_code", XJ_F_STR, XJ_OPT, 7, 7, NULL, offsetof(struct supp_in, class_code), NULL, 0, 0, 0 },
	SN("left_behind", XJ_F_BOOL, XJ_OPT, 0, 1, left_behind),
	SN("boarding", XJ_F_BOOL, XJ_OPT, 0, 1, boarding),
	/* the number is what the pupil's document says although R-COL-7
	 * refuses it (a check character, an area code, the sex or birth
	 * date): the record is made and the check at the door files it as an
	 * invalid_id problem record at once, to be resolved as such (R-DUP-2)
	 * -- a pupil is not left without a record for a number a PSB issued */
	SN("id_number_as_printed", XJ_F_BOOL, XJ_OPT, 0, 1, as_printed),
	XJ_FIELD_END
};

/* the text fields checked by xj_kd_value, in field order */
static const int text_fields[] = {
	XJ_KD_NAME, XJ_KD_SEX, XJ_KD_BIRTH_DATE, XJ_KD_ID_DOC_TYPE, XJ_KD_ETHNICITY,
	XJ_KD_NATIONALITY, XJ_KD_HUKOU_NATURE, XJ_KD_HUKOU_LOCATION, XJ_KD_BIRTHPLACE,
	XJ_KD_NATIVE_PLACE, XJ_KD_CURRENT_ADDRESS, XJ_KD_HOME_ADDRESS, XJ_KD_CONTACT_ADDRESS,
};
#define NTEXT	(sizeof(text_fields) / sizeof(text_fields[0]))

/* One record checked and ready for xj_student_create_direct. */
struct supp_rec {
	struct xj_student_new	 n;
	char			 v[XJ_KD__TEXT][801];
	char			 num[XJ_DOCNO_MAX_BYTES + 1];	/* wiped after the insert */
	long			 line;				/* an import's line; 0 */
	/* out */
	unsigned long long	 sid;
	char			 no[20];
};

/* The school the actor keys records in for, as the checks need it. */
struct supp_school {
	unsigned	 id;
	char		 county[7];
	int		 school_year;
};

static int
soft_id_error(int rc)
{
	return rc == XJ_E_F_ID_CHECK || rc == XJ_E_F_ID_AREA || rc == XJ_E_F_ID_BIRTH ||
	    rc == XJ_E_F_BIRTH_MISMATCH || rc == XJ_E_F_SEX_MISMATCH;
}

static void
ferr(struct xj_ferrs *fe, struct xj_arena *a, const char *prefix, const char *field, int code)
{
	char p[64];

	snprintf(p, sizeof(p), "%s%s", prefix, field);
	xj_ferr_add(fe, a, p, code);
}

/* Check one bound record into out: every error to fe under prefix ("" or
 * "lines[N]."). XJ_OK (fe may have grown), or a db or internal error. */
static int
supp_check(struct xj_req *r, const struct xj_refdata *ref, const struct supp_school *sch,
    const struct supp_in *in, struct supp_rec *out, const char *prefix, struct xj_ferrs *fe)
{
	size_t n0 = fe->n;
	int rc, field, grade;

	memset(&out->n, 0, sizeof(out->n));
	for (size_t i = 0; i < NTEXT; i++) {
		int f = text_fields[i];

		out->v[f][0] = '\0';
		if ((rc = xj_kd_value(ref, f, in->s[f], out->v[f], sizeof(out->v[f]))) != XJ_OK)
			ferr(fe, r->arena, prefix, xj_kd_names[f], rc);
	}
	/* the document, against the sex and birth date of the record (not
	 * when those are wrong already: one error, the first cause) */
	if (fe->n == n0 || (!xj_ferr_has(fe, "sex") && !xj_ferr_has(fe, "birth_date") &&
	    !xj_ferr_has(fe, "id_doc_type"))) {
		rc = xj_kd_document(ref, out->v[XJ_KD_ID_DOC_TYPE], in->id_number,
		    out->v[XJ_KD_SEX], out->v[XJ_KD_BIRTH_DATE], out->num, out->n.child_bidx, &field);
		if (rc == XJ_E_INTERNAL)
			return rc;
		if (rc != XJ_OK && !(soft_id_error(rc) && in->as_printed.v))
			ferr(fe, r->arena, prefix, field == XJ_KD_ID_NUMBER ? "id_number" :
			    xj_kd_names[field], rc);
	}
	/* R-DUP-4, R-ADM-2: grade 1 of primary school is admission's; a
	 * grade the level does not have is a typing error (R-REC-10: the
	 * grade follows from the entry year and the school year) */
	grade = xj_class_grade((int)in->entry_year.v, sch->school_year);
	if (in->level.v == 1 && grade == 1)
		ferr(fe, r->arena, prefix, "entry_year", XJ_E_F_SUPP_GRADE_ONE);
	else if (grade < 1 || grade > xj_level_grades((int)in->level.v))
		ferr(fe, r->arena, prefix, "entry_year", XJ_E_F_RANGE);
	if (in->class_code.p != NULL) {
		struct xj_class cl;
		char code[8];

		snprintf(code, sizeof(code), "%.*s", (int)in->class_code.len, in->class_code.p);
		rc = xj_class_by_code(r->db, sch->id, code, &cl);
		if (rc == XJ_NO_ROW)
			ferr(fe, r->arena, prefix, "class_code", XJ_E_F_CODE);
		else if (rc != XJ_OK)
			return rc;
		else if (cl.entry_year != in->entry_year.v || cl.level != in->level.v)
			ferr(fe, r->arena, prefix, "class_code", XJ_E_F_CLASS_MISMATCH);
		else
			out->n.class_id = cl.id;
	}
	if (fe->n != n0) {
		memset(out->num, 0, sizeof(out->num));
		return XJ_OK;
	}
	out->n.school_org_id = sch->id;
	snprintf(out->n.county, sizeof(out->n.county), "%s", sch->county);
	out->n.name = out->v[XJ_KD_NAME];
	out->n.sex = out->v[XJ_KD_SEX];
	out->n.birth = out->v[XJ_KD_BIRTH_DATE];
	out->n.doc_type = out->v[XJ_KD_ID_DOC_TYPE];
	out->n.ethnicity = out->v[XJ_KD_ETHNICITY];
	out->n.nationality = out->v[XJ_KD_NATIONALITY];
	out->n.hukou_nature = out->v[XJ_KD_HUKOU_NATURE];
	out->n.hukou_code = out->v[XJ_KD_HUKOU_LOCATION];
	out->n.birthplace = out->v[XJ_KD_BIRTHPLACE];
	out->n.native_place = out->v[XJ_KD_NATIVE_PLACE];
	out->n.current_address = out->v[XJ_KD_CURRENT_ADDRESS];
	out->n.home_address = out->v[XJ_KD_HOME_ADDRESS];
	out->n.contact_address = out->v[XJ_KD_CONTACT_ADDRESS];
	out->n.id_number = out->num;
	/* R-COL-6 as the form derives it; R-REC-10: a migrant-worker child
	 * follows from the hukou against the school's place, never typed */
	out->n.local_family = xj_division_local(out->n.hukou_code, sch->county);
	out->n.migrant_worker_child = !out->n.local_family;
	out->n.left_behind = in->left_behind.set && in->left_behind.v;
	out->n.boarding = in->boarding.set && in->boarding.v;
	out->n.entry_year = (int)in->entry_year.v;
	out->n.level = (int)in->level.v;
	out->n.status = SUPP_STATUS;
	out->n.national_action = SUPP_ACTION;
	return XJ_OK;
}

/* The school of the actor: open and licensed (R-REC-9, R-ORG-5). */
static int
supp_school(struct xj_req *r, unsigned org, struct supp_school *sch)
{
	char kind[12], status[8];
	struct xj_val v = XJ_VI(org);
	struct xj_col c[4] = { XJ_COL_STR(kind, sizeof(kind)), XJ_COL_STR(status, sizeof(status)),
	    XJ_COL_INT, XJ_COL_STR(sch->county, sizeof(sch->county)) };
	int rc = xj_db_row(r->db, XJ_Q_SUPP_SCHOOL, &v, 1, c, 4);

	if (rc != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (strcmp(kind, "school") != 0 || strlen(sch->county) != 6)
		return XJ_E_FORBIDDEN;
	if (strcmp(status, "open") != 0)
		return XJ_E_SCHOOL_CLOSED;
	if (c[2].i == 0)
		return XJ_E_SCHOOL_UNLICENSED;
	sch->id = org;
	sch->school_year = xj_rec_school_year();
	return XJ_OK;
}

/* ---- the one function that creates the record ------------------------- */

/* In the caller's transaction: the record, the check at the door (origin
 * = the entry path), the history event, the audit entries. */
static int
supp_create(struct xj_db *db, struct xj_req *r, const struct xj_refdata *ref,
    struct supp_rec *rec, struct xj_student_identity *id, const char *origin)
{
	char kinds[XJ_PROBLEM_KINDS_MAX], sid[24], after[96];
	int rc;

	rec->n.origin = origin;
	if ((rc = xj_student_create_direct(db, xj_auth_keys(), &rec->n, &rec->sid, rec->no,
	    id)) != XJ_OK)
		return rc;
	/* R-DUP-1: the record never exists unflagged */
	if ((rc = xj_problem_check_identity(db, xj_auth_keys(), ref, rec->sid, id, origin,
	    kinds)) != XJ_OK)
		return rc;
	/* the history: the entry path (no fields: the record is new) */
	if ((rc = xj_kd_event(db, rec->sid, origin, 0, "")) != XJ_OK)
		return rc;
	snprintf(sid, sizeof(sid), "%llu", rec->sid);
	snprintf(after, sizeof(after), "{\"student_no\":\"%s\",\"status\":\"%s\",\"origin\":\"%s\"}",
	    rec->no, SUPP_STATUS, origin);
	if ((rc = xj_school_audit(db, r, strcmp(origin, "import") == 0 ? "student.import" :
	    "student.supplement", "student", sid, xj_str_c(after))) != XJ_OK)
		return rc;
	if (kinds[0] && (rc = xj_school_audit(db, r, "problem.detect", "student", sid,
	    xj_str_c(kinds))) != XJ_OK)
		return rc;
	return XJ_OK;
}

/* ---- Idempotency-Key ----------------------------------------------------- */

static int
idem_setup(struct xj_req *r, const char *scope, struct xj_idem *idem, struct xj_idem **out)
{
	const char *key = xj_req_param(r, "HTTP_IDEMPOTENCY_KEY");
	struct xj_ferrs fe = { 0 };

	*out = NULL;
	if (key == NULL)
		return XJ_OK;
	if (strlen(key) == 0 || strlen(key) > 128) {
		xj_ferr_add(&fe, r->arena, "Idempotency-Key", XJ_E_F_TOO_LONG);
		return xj_resp_ferrs(r, &fe);
	}
	xj_idem_prepare(idem, r->actor_id, scope, key, strlen(key), r->body.p, r->body.len);
	*out = idem;
	return XJ_OK;
}

/* "S" or "I" and 15 digits: the pointer sql/0032 admits */
static void
idem_target(char kind, unsigned long long id, char out[XJ_IDEM_TARGET_MAX + 1])
{
	snprintf(out, XJ_IDEM_TARGET_MAX + 1, "%c%015llu", kind, id);
}

static int
idem_id(const struct xj_idem *i, char kind, unsigned long long *id)
{
	if (i->replay_target[0] != kind)
		return XJ_E_INTERNAL;
	*id = strtoull(i->replay_target + 1, NULL, 10);
	return XJ_OK;
}

/* ---- POST /api/school/v1/students/supplements ------------------------- */

struct one_tx {
	struct xj_req		*r;
	const struct xj_refdata	*ref;
	struct supp_rec		*rec;
	struct xj_student_identity *id;
	struct xj_idem		*idem;
	int			 replay;
};

static int
one_tx(struct xj_db *db, void *arg)
{
	struct one_tx *t = arg;
	char target[XJ_IDEM_TARGET_MAX + 1];
	int rc;

	if ((rc = xj_idem_start(db, t->idem, &t->replay)) != XJ_OK || t->replay)
		return rc;
	if ((rc = supp_create(db, t->r, t->ref, t->rec, t->id, "supplement")) != XJ_OK)
		return rc;
	if (t->idem == NULL)
		return XJ_OK;
	idem_target('S', t->rec->sid, target);
	return xj_idem_finish(db, t->idem, 201, target);
}

/* The open problem groups of a record: [{group, kind}]. */
static int
gen_problems(yajl_gen g, struct xj_db *db, unsigned long long sid)
{
	char kind[16];
	struct xj_val v = XJ_VI(sid);
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_STR(kind, sizeof(kind)) };
	int rc;

	xj_gen_key(g, "problems");
	yajl_gen_array_open(g);
	if ((rc = xj_db_exec(db, XJ_Q_SUPP_PROBLEMS, &v, 1)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_SUPP_PROBLEMS, c, 2)) == XJ_OK) {
		yajl_gen_map_open(g);
		xj_gen_int(g, "group", c[0].i);
		xj_gen_str(g, "kind", kind);
		yajl_gen_map_close(g);
	}
	xj_db_done(db, XJ_Q_SUPP_PROBLEMS);
	yajl_gen_array_close(g);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

/* The answer: the record as it is now (also for a replayed key). */
static int
supp_answer(struct xj_req *r, unsigned long long sid, int replay)
{
	struct xj_student *s = xj_calloc(r->arena, 1, sizeof(*s));
	char origin[17], check[9], action[13];
	yajl_gen g;
	int rc, grade;

	if (s == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_student_get(r->db, sid, s)) != XJ_OK ||
	    (rc = xj_student_national(r->db, sid, origin, check, action)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* a replay by the same account after it moved to another school: not
	 * its record any more */
	if (s->school_org_id != xj_school_actor(r)->org.id)
		return XJ_E_NOT_FOUND;
	grade = xj_class_grade(s->entry_year, xj_rec_school_year()) + s->grade_offset;
	g = xj_resp_json(r, 201);
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)s->id);
	xj_school_gen_student_no(g, "student_no", s->student_no);
	xj_gen_bool(g, "temporary_number", s->student_no_kind[0] == 'L');
	xj_gen_str(g, "name", s->name);
	xj_gen_int(g, "entry_year", s->entry_year);
	xj_gen_int(g, "level", s->level);
	xj_gen_int(g, "grade", grade);
	xj_gen_str(g, "class_code", s->class_code[0] ? s->class_code : NULL);
	xj_gen_str(g, "status", s->status);
	xj_gen_str(g, "origin", origin);
	xj_gen_str(g, "national_check", check);
	xj_gen_str(g, "national_action", action);
	xj_gen_bool(g, "problem_open", s->problem_open);
	if ((rc = gen_problems(g, r->db, sid)) != XJ_OK)
		return rc;
	yajl_gen_map_close(g);
	if (replay)
		xj_resp_header(r, "Idempotent-Replayed", "true");
	return xj_resp_send(r);
}

int
xj_school_supplement(struct xj_req *r)
{
	static const struct xj_json empty = { .type = XJ_J_OBJ };
	struct supp_in *in = xj_calloc(r->arena, 1, sizeof(*in));
	struct supp_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct supp_school sch;
	struct xj_idem idem;
	struct one_tx t;
	const struct xj_refdata *ref;
	unsigned long long sid;
	int rc;

	if (in == NULL || rec == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_school_may(r, XJ_ACT_SUPPLEMENT, &a)) != XJ_OK ||
	    (rc = supp_school(r, a.org.id, &sch)) != XJ_OK)
		return rc;
	/* no body: an empty object, every required field named */
	if ((rc = xj_bind(r->arena, r->json != NULL ? r->json : &empty, supp_fields, in,
	    &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	if ((rc = supp_check(r, ref, &sch, in, rec, "", &fe)) != XJ_OK)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.ref = ref;
	t.rec = rec;
	if ((t.id = xj_calloc(r->arena, 1, sizeof(*t.id))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = idem_setup(r, "supplement", &idem, &t.idem)) != XJ_OK || r->responded) {
		memset(rec->num, 0, sizeof(rec->num));
		return rc;
	}
	rc = xj_tx_run(r->db, one_tx, &t);
	memset(rec->num, 0, sizeof(rec->num));
	if (rc != XJ_OK)
		return rc;
	sid = rec->sid;
	if (t.replay && (rc = idem_id(&idem, 'S', &sid)) != XJ_OK)
		return rc;
	return supp_answer(r, sid, t.replay);
}

/* ---- POST /api/school/v1/students/imports ----------------------------- */

#define IMPORT_MAX_COLS	24	/* more than supp_fields has: a repeated column is named */

/* A CSV line as the JSON object supp_fields binds, in nodes (no arena: a
 * file of 2,000 lines is read twice): the cells of the named columns, an
 * empty cell absent (a required one then "required"), whole numbers as
 * numbers, 1/0 (是/否, true/false) as booleans -- anything else stays
 * text and is refused by the field's type. */
static struct xj_json *
line_json(struct xj_json nodes[IMPORT_MAX_COLS + 1], char f[][XJ_ORGCSV_FIELD_MAX], int n,
    const int *col)
{
	struct xj_json *o = &nodes[0], *last = NULL;

	memset(nodes, 0, (IMPORT_MAX_COLS + 1) * sizeof(*nodes));
	o->type = XJ_J_OBJ;
	for (int i = 0; i < n && i < IMPORT_MAX_COLS; i++) {
		const struct xj_field *fd = &supp_fields[col[i]];
		struct xj_json *m = &nodes[i + 1];
		size_t len = strlen(f[i]);

		if (len == 0)
			continue;
		m->key = xj_str_c(fd->name);
		m->parent = o;
		m->type = XJ_J_STR;
		m->s.p = f[i];
		m->s.len = len;
		if (fd->type == XJ_F_INT && len <= 9 && strspn(f[i], "0123456789") == len)
			m->type = XJ_J_NUM;
		else if (fd->type == XJ_F_BOOL) {
			if (strcmp(f[i], "1") == 0 || strcmp(f[i], "是") == 0 ||
			    strcmp(f[i], "true") == 0) {
				m->type = XJ_J_BOOL;
				m->b = 1;
			} else if (strcmp(f[i], "0") == 0 || strcmp(f[i], "否") == 0 ||
			    strcmp(f[i], "false") == 0) {
				m->type = XJ_J_BOOL;
				m->b = 0;
			}
		}
		if (last == NULL)
			o->child = m;
		else
			last->next = m;
		o->last = last = m;
		o->n++;
	}
	return o;
}

struct import {
	struct xj_req		*r;
	const struct xj_refdata	*ref;
	const struct supp_school *sch;
	char			(*f)[XJ_ORGCSV_FIELD_MAX];
	struct xj_json		 nodes[IMPORT_MAX_COLS + 1];
	int			 col[IMPORT_MAX_COLS];
	int			 ncols;
	struct supp_in		 in;
	struct supp_rec		 rec;
	struct xj_student_identity id;
	size_t			 n;		/* records */
	unsigned char		 sha[32];
	struct xj_idem		*idem;
	int			 replay;
	unsigned long long	 import_id;
};

/* The header: each column a field of supp_fields, once; the required
 * ones present. col[i] = the field of column i. */
static void
import_header(struct import *t, int n, struct xj_ferrs *fe)
{
	int seen[sizeof(supp_fields) / sizeof(supp_fields[0])] = { 0 };

	for (int i = 0; i < n; i++) {
		int k;
		for (k = 0; supp_fields[k].name != NULL; k++)
			if (strcmp(t->f[i], supp_fields[k].name) == 0)
				break;
		if (supp_fields[k].name == NULL || seen[k]) {
			/* the column's name is the clerk's text: not echoed
			 * into the path beyond its place */
			char p[32];
			snprintf(p, sizeof(p), "header[%d]", i + 1);
			xj_ferr_add(fe, t->r->arena, p, XJ_E_F_IMPORT_COLUMN);
			t->col[i] = 0;
			continue;
		}
		seen[k] = 1;
		t->col[i] = k;
	}
	for (int k = 0; supp_fields[k].name != NULL; k++)
		if ((supp_fields[k].flags & XJ_REQ) && !seen[k])
			ferr(fe, t->r->arena, "header.", supp_fields[k].name, XJ_E_F_REQUIRED);
}

/* One walk over the file: every line bound and checked; with db, each
 * record created (in db's transaction) as soon as it is checked. Errors
 * into fe, each under "lines[N]." (N = the line in the file, the header
 * being line 1). XJ_OK or an error. */
static int
import_walk(struct import *t, struct xj_db *db, struct xj_ferrs *fe)
{
	struct xj_req *r = t->r;
	struct xj_csv csv;
	const char *why;
	char prefix[32];
	long line;
	int n, rc;

	t->n = 0;
	xj_csv_init(&csv, r->body.p, r->body.len);
	if ((n = xj_csv_next(&csv, t->f, IMPORT_MAX_COLS, &line, &why)) <= 0) {
		xj_ferr_add(fe, r->arena, "header", n == 0 ? XJ_E_F_REQUIRED : XJ_E_F_IMPORT_CSV);
		return XJ_OK;
	}
	t->ncols = n;
	import_header(t, n, fe);
	if (fe->n)
		return XJ_OK;
	while ((n = xj_csv_next(&csv, t->f, IMPORT_MAX_COLS, &line, &why)) != 0) {
		struct xj_ferrs le = { 0 };

		if (t->n == IMPORT_MAX_LINES) {
			xj_ferr_add(fe, r->arena, "lines", XJ_E_F_TOO_MANY);
			break;
		}
		t->n++;
		if (n < 0 || n != t->ncols) {
			snprintf(prefix, sizeof(prefix), "lines[%ld]", line);
			xj_ferr_add(fe, r->arena, prefix, XJ_E_F_IMPORT_CSV);
		} else {
			memset(&t->in, 0, sizeof(t->in));
			if ((rc = xj_bind(r->arena, line_json(t->nodes, t->f, n, t->col), supp_fields,
			    &t->in, &le)) != XJ_OK && rc != XJ_E_VALIDATION)
				return rc;
			if (le.n == 0 && (rc = supp_check(r, t->ref, t->sch, &t->in, &t->rec, "",
			    &le)) != XJ_OK)
				return rc;
			snprintf(prefix, sizeof(prefix), "lines[%ld].", line);
			for (size_t i = 0; i < le.n && fe->n < XJ_MAX_FERRS; i++)
				ferr(fe, r->arena, prefix, le.e[i].field, le.e[i].code);
			if (le.n == 0 && db != NULL && fe->n == 0) {
				t->rec.line = line;
				rc = supp_create(db, r, t->ref, &t->rec, &t->id, "import");
				memset(t->rec.num, 0, sizeof(t->rec.num));
				if (rc != XJ_OK)
					return rc;
				{
					struct xj_val v[3] = { XJ_VI(t->import_id), XJ_VI(line),
					    XJ_VI(t->rec.sid) };
					if ((rc = xj_db_exec(db, XJ_Q_SUPP_IMPORT_LINE, v, 3)) != XJ_OK)
						return rc;
				}
			}
			memset(t->rec.num, 0, sizeof(t->rec.num));
		}
		if (fe->n >= XJ_MAX_FERRS)
			break;
	}
	if (fe->n == 0 && t->n == 0)
		xj_ferr_add(fe, r->arena, "lines", XJ_E_F_REQUIRED);
	return XJ_OK;
}

static int
import_tx(struct xj_db *db, void *arg)
{
	struct import *t = arg;
	char target[XJ_IDEM_TARGET_MAX + 1];
	struct xj_ferrs fe = { 0 };
	int rc;

	if ((rc = xj_idem_start(db, t->idem, &t->replay)) != XJ_OK || t->replay)
		return rc;
	{
		struct xj_val v[3] = { XJ_VI(t->sch->id), XJ_VI(t->r->actor_id), XJ_VB(t->sha, 32) };
		if ((rc = xj_db_exec(db, XJ_Q_SUPP_IMPORT_INSERT, v, 3)) != XJ_OK)
			return rc;
		t->import_id = xj_db_insert_id(db, XJ_Q_SUPP_IMPORT_INSERT);
	}
	/* the second walk creates: the file was checked whole before the
	 * transaction began (what it reads there -- reference data, the
	 * school's classes -- does not change under a request) */
	if ((rc = import_walk(t, db, &fe)) != XJ_OK)
		return rc;
	if (fe.n) {
		xj_log(XJ_LOG_ERROR, "import_recheck_failed", "%llu", "import", t->import_id);
		return XJ_E_INTERNAL;
	}
	{
		struct xj_val v[2] = { XJ_VI(t->n), XJ_VI(t->import_id) };
		if ((rc = xj_db_exec(db, XJ_Q_SUPP_IMPORT_COUNT, v, 2)) != XJ_OK)
			return rc;
	}
	if (t->idem == NULL)
		return XJ_OK;
	idem_target('I', t->import_id, target);
	return xj_idem_finish(db, t->idem, 201, target);
}

/* The answer: the import as it is now, each line with its record. */
static int
import_answer(struct xj_req *r, unsigned long long import_id, int replay)
{
	char when[20], no[20], status[17];
	struct xj_val v = XJ_VI(import_id);
	struct xj_col c[3] = { XJ_COL_INT, XJ_COL_INT, XJ_COL_STR(when, sizeof(when)) };
	struct xj_col l[5] = { XJ_COL_INT, XJ_COL_INT, XJ_COL_STR(no, sizeof(no)),
	    XJ_COL_STR(status, sizeof(status)), XJ_COL_INT };
	yajl_gen g;
	int rc;

	if ((rc = xj_db_row(r->db, XJ_Q_SUPP_IMPORT_GET, &v, 1, c, 3)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((unsigned)c[0].i != xj_school_actor(r)->org.id)
		return XJ_E_NOT_FOUND;
	g = xj_resp_json(r, 201);
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)import_id);
	xj_gen_int(g, "records", c[1].i);
	xj_school_gen_time(g, "created_at", when);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_db_exec(r->db, XJ_Q_SUPP_IMPORT_LINES, &v, 1)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(r->db, XJ_Q_SUPP_IMPORT_LINES, l, 5)) == XJ_OK) {
		yajl_gen_map_open(g);
		xj_gen_int(g, "line", l[0].i);
		xj_gen_int(g, "id", l[1].i);
		xj_school_gen_student_no(g, "student_no", no);
		xj_gen_str(g, "status", status);
		xj_gen_bool(g, "problem_open", l[4].i != 0);
		yajl_gen_map_close(g);
	}
	xj_db_done(r->db, XJ_Q_SUPP_IMPORT_LINES);
	if (rc != XJ_NO_ROW)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (replay)
		xj_resp_header(r, "Idempotent-Replayed", "true");
	return xj_resp_send(r);
}

static int
is_csv(struct xj_str ct)
{
	static const char want[] = "text/csv";
	size_t n = sizeof(want) - 1;

	if (ct.p == NULL || ct.len < n || strncasecmp(ct.p, want, n) != 0)
		return 0;
	return ct.len == n || ct.p[n] == ';' || ct.p[n] == ' ';
}

int
xj_school_student_import(struct xj_req *r)
{
	struct import *t = xj_calloc(r->arena, 1, sizeof(*t));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct supp_school sch;
	struct xj_idem idem;
	int rc;

	if (t == NULL ||
	    (t->f = xj_calloc(r->arena, IMPORT_MAX_COLS, XJ_ORGCSV_FIELD_MAX)) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_school_may(r, XJ_ACT_STUDENT_IMPORT, &a)) != XJ_OK ||
	    (rc = supp_school(r, a.org.id, &sch)) != XJ_OK)
		return rc;
	if (!is_csv(r->content_type))
		return XJ_E_IMPORT_MEDIA_TYPE;
	/* UTF-8 only (a byte order mark allowed): a file saved as GBK would
	 * store garbled names */
	if (xj_utf8_len(r->body) < 0) {
		xj_ferr_add(&fe, r->arena, "body", XJ_E_F_IMPORT_ENCODING);
		return xj_resp_ferrs(r, &fe);
	}
	t->r = r;
	t->sch = &sch;
	if ((t->ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	/* atomic: the whole file checked first; one bad line refuses it */
	if ((rc = import_walk(t, NULL, &fe)) != XJ_OK)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	SHA256((const unsigned char *)r->body.p, r->body.len, t->sha);
	if ((rc = idem_setup(r, "student_import", &idem, &t->idem)) != XJ_OK || r->responded)
		return rc;
	if ((rc = xj_tx_run(r->db, import_tx, t)) != XJ_OK)
		return rc;
	if (t->replay && (rc = idem_id(&idem, 'I', &t->import_id)) != XJ_OK)
		return rc;
	return import_answer(r, t->import_id, t->replay);
}

/* GET /api/school/v1/students/imports/template: the header line an import
 * starts with (every column, required ones first, as supp_fields has
 * them), with the byte order mark Excel needs to read UTF-8 (csvcell.h). */
int
xj_school_student_import_template(struct xj_req *r)
{
	struct xj_school_actor a;
	char buf[512];
	size_t n;
	int rc;

	if ((rc = xj_school_may(r, XJ_ACT_STUDENT_IMPORT, &a)) != XJ_OK)
		return rc;
	n = (size_t)snprintf(buf, sizeof(buf), "%s", XJ_CSV_BOM);
	for (int k = 0; supp_fields[k].name != NULL && n < sizeof(buf); k++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", k ? "," : "",
		    supp_fields[k].name);
	if (n + 3 > sizeof(buf))
		return XJ_E_INTERNAL;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	if ((rc = xj_resp_header(r, "Content-Disposition",
	    "attachment; filename=\"student-import.csv\"")) != XJ_OK)
		return rc;
	return xj_resp_body(r, 200, "text/csv; charset=utf-8", buf, n);
}
