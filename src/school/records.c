/* records.c -- student records (学籍) in the school portal (R-ADM-2,
 * R-REC-1..5, R-REC-10; issue 4 §4-5):
 *   POST  /api/school/v1/classes                 201 | 403 | 409 | 422
 *   GET   /api/school/v1/classes?school=         200 {items}
 *   GET   /api/school/v1/students/{id}           200 | 404
 *   PATCH /api/school/v1/students/{id}           200 | 403 | 404 | 409 | 422
 *   POST  /api/school/v1/students/{id}/class     200 | 403 | 404 | 409 | 422
 *   POST  /api/school/v1/term-registrations      200 | 403 | 422
 * Records are never created here: only a district-approved admission
 * creates one (store/student.h, called by the admission flow). A school
 * keeps its own records (classes, the uncontrolled fields -- keydata.c
 * says which are controlled --, term registration); bureaus read what
 * lies in their scope. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/readaudit.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/classcode.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/org.h"
#include "store/student.h"
#include "keydata.h"
#include "records.h"
#include "school.h"

/* ---- who may do what ------------------------------------------------ */

/* Who may do what is scope.c's table (the routes name XJ_ACT_REC_CLASSES,
 * _RECORD_READ, _RECORD_MAINTAIN, _STATS); this keeps the old entry point
 * for handlers written against it. */
int
xj_rec_actor(struct xj_req *r, enum xj_rec_act act, struct xj_org *org)
{
	static const enum xj_school_act as[XJ_REC__N] = {
		[XJ_REC_CLASSES] = XJ_ACT_REC_CLASSES, [XJ_REC_MAINTAIN] = XJ_ACT_REC_MAINTAIN,
		[XJ_REC_READ] = XJ_ACT_REC_READ, [XJ_REC_STATS] = XJ_ACT_REC_STATS,
	};
	struct xj_school_actor a;
	int rc;

	if ((unsigned)act >= XJ_REC__N)
		return XJ_E_FORBIDDEN;
	if ((rc = xj_school_may(r, as[act], &a)) != XJ_OK)
		return rc;
	*org = a.org;
	return XJ_OK;
}

int
xj_rec_query(struct xj_req *r, const char *name, size_t max, const char **out)
{
	int err;
	struct xj_str q = xj_req_query(r, name, &err);

	*out = NULL;
	if (err != XJ_OK || (q.p != NULL && (q.len > max || memchr(q.p, '\0', q.len) != NULL)))
		return xj_resp_error(r, XJ_E_BAD_QUERY, name);
	if (q.p != NULL && (*out = xj_strndup(r->arena, q.p, q.len)) == NULL)
		return XJ_E_TOO_COMPLEX;
	return XJ_OK;
}

int
xj_rec_query_uint(struct xj_req *r, const char *name, unsigned long long max,
    unsigned long long *out)
{
	const char *s;
	int rc;

	*out = 0;
	if ((rc = xj_rec_query(r, name, 20, &s)) != XJ_OK || r->responded || s == NULL)
		return rc;
	if (*s == '\0')
		return xj_resp_error(r, XJ_E_BAD_QUERY, name);
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || *out > max / 10)
			return xj_resp_error(r, XJ_E_BAD_QUERY, name);
		*out = *out * 10 + (unsigned long long)(*s - '0');
	}
	if (*out < 1 || *out > max)
		return xj_resp_error(r, XJ_E_BAD_QUERY, name);
	return XJ_OK;
}

int
xj_rec_school_year(void)
{
	struct xj_localtime now;

	xj_utc_to_shanghai((long long)time(NULL), &now);
	return xj_school_year(now.year, now.month, now.day);
}

static int
audit(struct xj_db *db, struct xj_req *r, const char *action, const char *type,
    const char *id, struct xj_str before, struct xj_str after)
{
	struct xj_actor who = { XJ_ACTOR_STAFF, r->actor_id, r->actor_role, r->actor_org,
	    r->id, r->client_addr };
	struct xj_audit a = { action, type, xj_str_c(id), before, after };

	return xj_audit_append(db, &who, &a);
}

/* ---- classes (R-REC-2) ---------------------------------------------- */

struct class_in {
	struct xj_num	 entry_year, level, number;
};

static const struct xj_field class_fields[] = {
	{ "entry_year", XJ_F_INT, XJ_REQ, XJ_ENTRY_YEAR_MIN, XJ_ENTRY_YEAR_MAX, NULL, offsetof(struct class_in, entry_year), NULL, 0, 0, 0 },
	{ "level", XJ_F_INT, XJ_REQ, XJ_LEVEL_PRIMARY, XJ_LEVEL_SENIOR, NULL, offsetof(struct class_in, level), NULL, 0, 0, 0 },
	{ "number", XJ_F_INT, XJ_OPT, 1, XJ_CLASS_NUMBER_MAX, NULL, offsetof(struct class_in, number), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct class_tx {
	struct xj_req	*r;
	unsigned	 school, group;
	int		 branch, auto_number;
	struct xj_class	 c;
	int		 refused;	/* out: XJ_E_F_CLASS_BRANCH */
};

/* A class's members (the caller opens and closes the object). */
static void
class_members(yajl_gen g, const struct xj_class *c)
{
	int grade = xj_class_grade(c->entry_year, xj_rec_school_year());

	xj_gen_int(g, "id", c->id);
	xj_gen_str(g, "code", c->code);
	xj_gen_int(g, "entry_year", c->entry_year);
	xj_gen_int(g, "level", c->level);
	xj_gen_int(g, "number", c->number);
	/* R-REC-10: derived, never stored; null before the class starts */
	if (grade >= 1)
		xj_gen_int(g, "grade", grade);
	else
		xj_gen_null(g, "grade");
}

static void
class_json(yajl_gen g, void *arg)
{
	yajl_gen_map_open(g);
	class_members(g, arg);
	yajl_gen_map_close(g);
}

static int
class_tx(struct xj_db *db, void *arg)
{
	struct class_tx *t = arg;
	int main_max, branch_max, rc;
	char id[24];
	struct xj_str after;

	t->refused = 0;
	if ((rc = xj_class_group_max(db, t->group, t->c.entry_year, t->c.level, &main_max,
	    &branch_max)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (t->auto_number) {
		/* the branch continues after the main campus and after every
		 * branch; the main campus after everything as well, so numbers
		 * never collide inside the group */
		if ((t->c.number = xj_class_next_number(main_max, branch_max)) == 0)
			return XJ_E_CLASS_FULL;
	} else if (t->branch && !xj_class_branch_number_ok(t->c.number, main_max)) {
		t->refused = XJ_E_F_CLASS_BRANCH;
		return XJ_OK;
	}
	{
		struct xj_classcode cc = { t->c.entry_year, t->c.level, t->c.number };
		if (xj_classcode_format(&cc, t->c.code) != XJ_OK)
			return XJ_E_INTERNAL;
	}
	rc = xj_class_insert(db, t->school, t->group, &t->c);
	if (rc == XJ_E_CONFLICT)
		/* a drawn number taken meanwhile by a racing request: draw again */
		return t->auto_number ? XJ_RETRY : XJ_E_CLASS_EXISTS;
	if (rc != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%u", t->c.id);
	if ((rc = xj_gen_text(t->r->arena, class_json, &t->c, &after)) != XJ_OK)
		return rc;
	return audit(db, t->r, "class.create", "school_class", id, XJ_STR_NULL, after);
}

int
xj_school_class_create(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct class_in in;
	struct class_tx t;
	struct xj_org actor;
	char kind[12], status[8];
	unsigned main_campus;
	yajl_gen g;
	int rc;

	actor = xj_school_actor(r)->org;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, class_fields, &in, &fe)) != XJ_OK)
		return rc == XJ_E_VALIDATION ? xj_resp_ferrs(r, &fe) : rc;
	if ((rc = xj_school_campus(r->db, actor.id, kind, &main_campus, status)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_FORBIDDEN : rc;
	if (strcmp(status, "open") != 0)
		return XJ_E_FORBIDDEN;	/* R-ORG-5: a closed school is read-only */
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.school = actor.id;
	t.branch = main_campus != 0;
	t.group = main_campus ? main_campus : actor.id;
	t.auto_number = !in.number.set;
	t.c.entry_year = (int)in.entry_year.v;
	t.c.level = (int)in.level.v;
	t.c.number = (int)in.number.v;
	if ((rc = xj_tx_run(r->db, class_tx, &t)) != XJ_OK)
		return rc;
	if (t.refused) {
		xj_ferr_add(&fe, r->arena, "number", t.refused);
		return xj_resp_ferrs(r, &fe);
	}
	g = xj_resp_json(r, 201);
	class_json(g, &t.c);
	return xj_resp_send(r);
}

/* The school a request names with ?school=CODE, or the actor's own
 * school; bureaus must name one. XJ_OK with *school; 404 outside the
 * actor's scope (R-ORG-3); or a 400 sent. */
static int
school_param(struct xj_req *r, const struct xj_org *actor, struct xj_org *school)
{
	const char *code;
	int rc;

	if ((rc = xj_rec_query(r, "school", 12, &code)) != XJ_OK || r->responded)
		return rc;
	if (code == NULL) {
		if (strcmp(actor->kind, "school") != 0)
			return xj_resp_error(r, XJ_E_BAD_QUERY, "school");
		*school = *actor;
		return XJ_OK;
	}
	if ((rc = xj_org_by_code(r->db, "school", code, school)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return xj_org_within(school, actor) ? XJ_OK : XJ_E_NOT_FOUND;
}

static void
class_item(const struct xj_class *c, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	class_members(g, c);
	xj_gen_int(g, "students_in_school", c->students);
	yajl_gen_map_close(g);
}

int
xj_school_class_list(struct xj_req *r)
{
	struct xj_org actor, school;
	yajl_gen g;
	int rc;

	actor = xj_school_actor(r)->org;
	if ((rc = school_param(r, &actor, &school)) != XJ_OK || r->responded)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "school", school.code);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_class_list(r->db, school.id, class_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* ---- one record ----------------------------------------------------- */

/* The record {id} if the actor's scope holds it (R-ORG-3): XJ_OK; 404
 * for an id that is malformed, unknown or outside the scope. */
static int
load(struct xj_req *r, const struct xj_org *actor, struct xj_student *s)
{
	struct xj_str p = xj_route_param(&r->params, "id");
	unsigned long long id = 0;
	struct xj_org school;
	int rc;

	if (p.len == 0 || p.len > 19)
		return XJ_E_NOT_FOUND;
	for (size_t i = 0; i < p.len; i++) {
		if (p.p[i] < '0' || p.p[i] > '9')
			return XJ_E_NOT_FOUND;
		id = id * 10 + (unsigned long long)(p.p[i] - '0');
	}
	if ((rc = xj_student_get(r->db, id, s)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	memset(&school, 0, sizeof(school));
	snprintf(school.path, sizeof(school.path), "%s", s->school_path);
	return xj_org_within(&school, actor) ? XJ_OK : XJ_E_NOT_FOUND;
}

/* What the class assignment's audit entry shows of the record. */
static void
uncontrolled_json(yajl_gen g, void *arg)
{
	const struct xj_student *s = arg;

	yajl_gen_map_open(g);
	xj_gen_str(g, "current_address", s->current_address);
	xj_gen_str(g, "home_address", s->home_address);
	xj_gen_str(g, "contact_address", s->contact_address);
	xj_gen_bool(g, "left_behind", s->left_behind);
	xj_gen_bool(g, "boarding", s->boarding);
	xj_gen_str(g, "class_code", s->class_code[0] ? s->class_code : NULL);
	yajl_gen_map_close(g);
}

static int
view(struct xj_req *r, const struct xj_student *s)
{
	yajl_gen g = xj_resp_json(r, 200);
	/* R-REC-10 with the record's repeat/skip offset (issue 11 item 6) */
	int grade = xj_class_grade(s->entry_year, xj_rec_school_year()) + s->grade_offset;
	char entry[8];

	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)s->id);
	xj_school_gen_student_no(g, "student_no", s->student_no);
	xj_gen_str(g, "student_no_kind", s->student_no_kind);
	xj_gen_bool(g, "temporary_number", s->student_no_kind[0] == 'L');
	xj_gen_str(g, "name", s->name);
	xj_gen_str(g, "sex", s->sex);
	xj_gen_str(g, "birth_date", s->birth_date);
	xj_gen_str(g, "id_doc_type", s->id_doc_type);
	xj_gen_str(g, "ethnicity", s->ethnicity);
	xj_gen_str(g, "nationality", s->nationality);
	xj_gen_str(g, "hukou_nature", s->hukou_nature);
	xj_gen_str(g, "hukou_location", s->hukou_code);
	xj_gen_str(g, "birthplace", s->birthplace);
	xj_gen_str(g, "native_place", s->native_place);
	xj_gen_str(g, "current_address", s->current_address);
	xj_gen_str(g, "home_address", s->home_address);
	xj_gen_str(g, "contact_address", s->contact_address);
	xj_gen_bool(g, "local_family", s->local_family);
	xj_gen_bool(g, "left_behind", s->left_behind);
	xj_gen_bool(g, "migrant_worker_child", s->migrant_worker_child);
	xj_gen_bool(g, "boarding", s->boarding);
	xj_gen_int(g, "entry_year", s->entry_year);
	/* R-REC-4: 入学年月, the first grade of the level, in September */
	snprintf(entry, sizeof(entry), "%04d-09", s->entry_year);
	xj_gen_str(g, "entry_month", entry);
	xj_gen_int(g, "level", s->level);
	if (grade >= 1)
		xj_gen_int(g, "grade", grade);
	else
		xj_gen_null(g, "grade");
	xj_gen_str(g, "class_code", s->class_code[0] ? s->class_code : NULL);
	xj_gen_str(g, "status", s->status);
	xj_gen_bool(g, "problem_open", s->problem_open);
	/* sql/0030: the entry path and the national check (a 补建 record
	 * shows pending_check and national_action supplement, R-DUP-4) */
	{
		char origin[17], check[9], action[13];
		if (xj_student_national(r->db, s->id, origin, check, action) == XJ_OK) {
			xj_gen_str(g, "origin", origin);
			xj_gen_str(g, "national_check", check);
			xj_gen_str(g, "national_action", action);
		}
	}
	xj_gen_key(g, "school");
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", s->school_org_id);
	xj_gen_str(g, "code", s->school_code);
	xj_gen_str(g, "name", s->school_name);
	yajl_gen_map_close(g);
	xj_gen_str(g, "district", s->county);
	xj_gen_int(g, "guardians", s->guardians);
	xj_gen_int(g, "version", s->version);
	xj_school_gen_time(g, "created_at", s->created_at);
	xj_school_gen_time(g, "updated_at", s->updated_at);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_school_student_get(struct xj_req *r)
{
	struct xj_student *s = xj_calloc(r->arena, 1, sizeof(*s));
	struct xj_org actor;
	char id[24];
	int rc;

	if (s == NULL)
		return XJ_E_TOO_COMPLEX;
	actor = xj_school_actor(r)->org;
	if ((rc = load(r, &actor, s)) != XJ_OK)
		return rc;
	/* M6: a child's record read */
	snprintf(id, sizeof(id), "%llu", s->id);
	if ((rc = xj_audit_read(r, "student.read", "student", id, NULL, 1)) != XJ_OK)
		return rc;
	return view(r, s);
}

/* ---- maintenance: the record's data fields (PATCH, keydata.c: the
 * uncontrolled ones directly, controlled ones only through a key-data
 * change request, R-KEY-1) and its class ------------------------------ */

struct change_tx {
	struct xj_req		*r;
	struct xj_student	*s;		/* as loaded; rewritten with the change */
	const struct xj_class	*cl;		/* the class assigned */
	int			 not_in_school;	/* out */
};

static int
change_tx(struct xj_db *db, void *arg)
{
	struct change_tx *t = arg;
	struct xj_student *s = t->s;
	struct xj_str before, after;
	char status[17], id[24];
	unsigned version;
	int rc;

	t->not_in_school = 0;
	if ((rc = xj_student_lock(db, s->id, &version, status)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* the row as it is now, under the lock (the request read it before) */
	if ((rc = xj_student_get(db, s->id, s)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_gen_text(t->r->arena, uncontrolled_json, s, &before)) != XJ_OK)
		return rc;
	/* R-REC-3: a class holds in-school students only */
	if (strcmp(status, "in_school") != 0) {
		t->not_in_school = 1;
		return XJ_E_STUDENT_NOT_IN_SCHOOL;
	}
	if ((rc = xj_student_set_class(db, s->id, t->cl->id, version)) != XJ_OK)
		return rc;
	snprintf(s->class_code, sizeof(s->class_code), "%s", t->cl->code);
	s->class_id = t->cl->id;
	s->version = version + 1;
	snprintf(id, sizeof(id), "%llu", s->id);
	if ((rc = xj_gen_text(t->r->arena, uncontrolled_json, s, &after)) != XJ_OK)
		return rc;
	return audit(db, t->r, "student.assign_class", "student", id, before, after);
}

/* The record {id} of the actor's own school (a school maintains only its
 * own records): XJ_OK, 403 (not a school's clerk or reviewer) or 404. */
static int
own_record(struct xj_req *r, struct xj_student *s)
{
	struct xj_org actor;
	int rc;

	actor = xj_school_actor(r)->org;
	if ((rc = load(r, &actor, s)) != XJ_OK)
		return rc;
	return s->school_org_id == actor.id ? XJ_OK : XJ_E_NOT_FOUND;
}

int
xj_school_student_patch(struct xj_req *r)
{
	struct xj_student *s = xj_calloc(r->arena, 1, sizeof(*s));
	int rc;

	if (s == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = own_record(r, s)) != XJ_OK)
		return rc;
	/* uncontrolled fields only (R-KEY-1): keydata.c */
	if ((rc = xj_kd_patch(r, s)) != XJ_OK || r->responded)
		return rc;
	return view(r, s);
}

struct assign_in {
	struct xj_str	 class_code;
};

static const struct xj_field assign_fields[] = {
	{ "class_code", XJ_F_STR, XJ_REQ, 7, 7, xj_classcode_check, offsetof(struct assign_in, class_code), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

int
xj_school_student_class(struct xj_req *r)
{
	struct xj_student *s = xj_calloc(r->arena, 1, sizeof(*s));
	struct xj_ferrs fe = { 0 };
	struct assign_in in;
	struct xj_class cl;
	struct change_tx t;
	char code[8];
	int rc;

	if (s == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = own_record(r, s)) != XJ_OK)
		return rc;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, assign_fields, &in, &fe)) != XJ_OK)
		return rc == XJ_E_VALIDATION ? xj_resp_ferrs(r, &fe) : rc;
	snprintf(code, sizeof(code), "%.*s", (int)in.class_code.len, in.class_code.p);
	if ((rc = xj_class_by_code(r->db, s->school_org_id, code, &cl)) == XJ_NO_ROW)
		xj_ferr_add(&fe, r->arena, "class_code", XJ_E_F_CODE);	/* no such class here */
	else if (rc != XJ_OK)
		return rc;
	/* the class of the record's cohort: its entry year, moved by a
	 * repeated (-1) or skipped (+1) year (issue 11 item 6) */
	else if (cl.entry_year != s->entry_year - s->grade_offset || cl.level != s->level)
		xj_ferr_add(&fe, r->arena, "class_code", XJ_E_F_CLASS_MISMATCH);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.s = s;
	t.cl = &cl;
	if ((rc = xj_tx_run(r->db, change_tx, &t)) != XJ_OK)
		return rc;
	return view(r, s);
}

/* ---- term registration (R-REC-5) ------------------------------------ */

#define REFUSED_LIST_MAX	200

/* "YYYY-1" (autumn) or "YYYY-2" (spring) of the school year YYYY/YYYY+1. */
static int
term_check(struct xj_str s)
{
	if (s.len != 6 || s.p[4] != '-' || (s.p[5] != '1' && s.p[5] != '2'))
		return XJ_E_F_TERM;
	for (int i = 0; i < 4; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_F_TERM;
	return atoi(s.p) >= 2000 && atoi(s.p) <= 2099 ? XJ_OK : XJ_E_F_TERM;
}

struct term_in {
	struct xj_str	 term;
};

static const struct xj_field term_fields[] = {
	{ "term", XJ_F_STR, XJ_REQ, 6, 6, term_check, offsetof(struct term_in, term), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct term_tx {
	struct xj_req	*r;
	unsigned	 school;
	char		 school_code[13];
	char		 term[7];
	long long	 before, after;
};

static void
term_json(yajl_gen g, void *arg)
{
	struct term_tx *t = arg;

	yajl_gen_map_open(g);
	xj_gen_str(g, "term", t->term);
	xj_gen_int(g, "registered", t->after);
	xj_gen_int(g, "newly_registered", t->after - t->before);
	yajl_gen_map_close(g);
}

static int
term_tx(struct xj_db *db, void *arg)
{
	struct term_tx *t = arg;
	struct xj_str after;
	char id[32];
	int rc;

	if ((rc = xj_term_register(db, t->school, t->term, t->r->actor_id, &t->before,
	    &t->after)) != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%s/%s", t->school_code, t->term);
	if ((rc = xj_gen_text(t->r->arena, term_json, t, &after)) != XJ_OK)
		return rc;
	return audit(db, t->r, "student.term_register", "school_term", id, XJ_STR_NULL, after);
}

static void
refused_item(unsigned long long id, const char *no, const char *name, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)id);
	xj_school_gen_student_no(g, "student_no", no);
	xj_gen_str(g, "name", name);
	xj_gen_str(g, "reason", "problem_open");
	yajl_gen_map_close(g);
}

int
xj_school_term_register(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_org actor;
	struct term_in in;
	struct term_tx t;
	long long refused = 0;
	yajl_gen g;
	int rc;

	actor = xj_school_actor(r)->org;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, term_fields, &in, &fe)) != XJ_OK)
		return rc == XJ_E_VALIDATION ? xj_resp_ferrs(r, &fe) : rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.school = actor.id;
	snprintf(t.school_code, sizeof(t.school_code), "%s", actor.code);
	snprintf(t.term, sizeof(t.term), "%.*s", (int)in.term.len, in.term.p);
	if ((rc = xj_tx_run(r->db, term_tx, &t)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "school", actor.code);
	xj_gen_str(g, "term", t.term);
	xj_gen_int(g, "registered", t.after);
	xj_gen_int(g, "newly_registered", t.after - t.before);
	/* records with an open problem (R-REC-5, seed 003): listed, not registered */
	xj_gen_key(g, "refused");
	yajl_gen_array_open(g);
	if ((rc = xj_term_refused(r->db, actor.id, REFUSED_LIST_MAX, refused_item, g,
	    &refused)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	xj_gen_int(g, "refused_count", refused);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
