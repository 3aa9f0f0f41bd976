/* yearend.c -- year-end batches in the school portal (issue 11 item 8,
 * R-REC-3; docs/architecture.md "Year-end batches"):
 *   POST /api/school/v1/yearend-batches              200 dry run | 201 | 403 | 404 | 409 | 422
 *        {kind: promotion|graduation, school_year, scope?, dry_run?}
 *   GET  /api/school/v1/yearend-batches?school_year= 200 {items}: the batches in scope
 *   GET  /api/school/v1/yearend-batches/{id}         200 | 404: the batch and its progress
 *   POST /api/school/v1/yearend-batches/{id}/start   200 | 403 | 404 | 409 yearend_batch_started
 *   GET  /api/school/v1/students/{id}/history        200 | 404: the record's events
 * A school's reviewer runs its own school's batches, a county's reviewer
 * or administrator its county's (every school whose territorial county it
 * is) or one of its schools' (scope.c). Creating counts the records the
 * batch will change (the dry run answers with that count and creates
 * nothing); starting hands the batch to the jobs runner, which applies
 * it chunk by chunk (ctl/yearend.c). One batch per kind and school year
 * covers a school: a second one -- the same scope, or a county's over one
 * of its schools' or the reverse -- is refused with 409
 * yearend_batch_exists. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "auth/readaudit.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/yearend.h"
#include "store/admission.h"
#include "store/keydata.h"
#include "store/org.h"
#include "store/student.h"
#include "store/yearend.h"
#include "records.h"
#include "school.h"

struct ye_in {
	struct xj_str	 kind, scope;
	struct xj_num	 school_year, dry_run;
};

static const struct xj_field ye_fields[] = {
	{ "kind", XJ_F_STR, XJ_REQ, 1, 16, NULL, offsetof(struct ye_in, kind), NULL, 0, 0, 0 },
	{ "school_year", XJ_F_INT, XJ_REQ, XJ_YE_YEAR_MIN, XJ_YE_YEAR_MAX, NULL,
	  offsetof(struct ye_in, school_year), NULL, 0, 0, 0 },
	{ "scope", XJ_F_STR, XJ_OPT, 6, 12, NULL, offsetof(struct ye_in, scope), NULL, 0, 0, 0 },
	{ "dry_run", XJ_F_BOOL, XJ_OPT, 0, 1, NULL, offsetof(struct ye_in, dry_run), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static void
scope_json(yajl_gen g, const char *code, const char *kind, const char *name)
{
	xj_gen_key(g, "scope");
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", code);
	xj_gen_str(g, "kind", kind);
	xj_gen_str(g, "name", name);
	yajl_gen_map_close(g);
}

static void
batch_json(yajl_gen g, const struct xj_ye_batch *b)
{
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)b->id);
	xj_gen_str(g, "kind", xj_yearend_kind_name(b->kind));
	xj_gen_int(g, "school_year", b->school_year);
	scope_json(g, b->scope_code, b->scope_kind, b->scope_name);
	xj_gen_str(g, "state", b->state);
	xj_gen_int(g, "total", b->total);
	xj_gen_int(g, "done", b->done);
	xj_gen_int(g, "chunks", b->chunks);
	xj_school_gen_time(g, "created_at", b->created_at);
	xj_school_gen_time(g, "started_at", b->started_at);
	xj_school_gen_time(g, "finished_at", b->finished_at);
	yajl_gen_map_close(g);
}

static int
batch_view(struct xj_req *r, int status, const struct xj_ye_batch *b)
{
	batch_json(xj_resp_json(r, status), b);
	return xj_resp_send(r);
}

/* The scope a request names (default: the actor's own org), within the
 * actor's reach: a school its own; a county itself or a school whose
 * territorial county it is. XJ_OK with the org and the county's id (a
 * school's county; a county itself); 404 otherwise; 409 school_closed
 * for a closed school (R-ORG-5: readable, it starts nothing). */
static int
resolve_scope(struct xj_req *r, const struct xj_school_actor *a, struct xj_str code,
    struct xj_org *org, unsigned *county_id)
{
	char buf[13], county[7], kind[12], status[8];
	unsigned main_campus;
	struct xj_org c;
	int rc;

	if (code.p == NULL)
		*org = a->org;
	else {
		if (code.len >= sizeof(buf))
			return XJ_E_NOT_FOUND;
		memcpy(buf, code.p, code.len);
		buf[code.len] = '\0';
		if ((rc = xj_org_by_code_any(r->db, buf, org)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	}
	if (strcmp(org->kind, "county") == 0) {
		if (a->school || org->id != a->org.id)
			return XJ_E_NOT_FOUND;
		*county_id = org->id;
		return XJ_OK;
	}
	if (strcmp(org->kind, "school") != 0)
		return XJ_E_NOT_FOUND;
	if (a->school && org->id != a->org.id)
		return XJ_E_NOT_FOUND;
	if ((rc = xj_adm_school_county(r->db, org->id, county)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (!a->school && strcmp(county, a->org.code) != 0)
		return XJ_E_NOT_FOUND;
	if ((rc = xj_org_by_code(r->db, "county", county, &c)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	*county_id = c.id;
	if ((rc = xj_school_campus(r->db, org->id, kind, &main_campus, status)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return strcmp(status, "open") == 0 ? XJ_OK : XJ_E_SCHOOL_CLOSED;
}

struct create_tx {
	struct xj_req		*r;
	struct xj_ye_batch	*b;
	unsigned		 county_id;
};

static int
create_tx(struct xj_db *db, void *arg)
{
	struct create_tx *t = arg;
	struct xj_ye_batch *b = t->b;
	int county = strcmp(b->scope_kind, "county") == 0;
	char id[24], after[160];
	long long n;
	int rc;

	if ((rc = xj_ye_overlap(db, b->kind, b->school_year, b->scope_org_id, t->county_id,
	    county ? t->county_id : 0, &n)) != XJ_OK)
		return rc;
	if (n > 0)
		return XJ_E_YEAREND_EXISTS;
	/* counted inside the transaction, after the lock: the batch's total */
	if ((rc = xj_ye_count(db, b->kind, b->school_year, county ? 0 : b->scope_org_id,
	    county ? b->scope_org_id : 0, &b->total)) != XJ_OK)
		return rc;
	if ((rc = xj_ye_batch_insert(db, b, t->r->actor_id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_YEAREND_EXISTS : rc;
	snprintf(id, sizeof(id), "%llu", b->id);
	snprintf(after, sizeof(after), "{\"kind\":\"%s\",\"scope\":\"%s\",\"school_year\":%d,"
	    "\"total\":%lld}", xj_yearend_kind_name(b->kind), b->scope_code, b->school_year,
	    b->total);
	return xj_school_audit(db, t->r, "yearend.create", "yearend_batch", id, xj_str_c(after));
}

int
xj_school_yearend_create(struct xj_req *r)
{
	struct xj_ye_batch *b = xj_calloc(r->arena, 1, sizeof(*b));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct xj_org org;
	struct create_tx t;
	struct ye_in in;
	char kind[17];
	int rc, k = 0;

	if (b == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, ye_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (in.kind.p) {
		snprintf(kind, sizeof(kind), "%.*s", (int)in.kind.len, in.kind.p);
		if ((k = xj_yearend_kind_parse(kind)) == 0)
			xj_ferr_add(&fe, r->arena, "kind", XJ_E_F_CODE);
	}
	/* a year that has not begun cannot end */
	if (in.school_year.set && in.school_year.v > xj_rec_school_year() &&
	    !xj_ferr_has(&fe, "school_year"))
		xj_ferr_add(&fe, r->arena, "school_year", XJ_E_F_RANGE);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	memset(&org, 0, sizeof(org));
	memset(&t, 0, sizeof(t));
	if ((rc = resolve_scope(r, &a, in.scope, &org, &t.county_id)) != XJ_OK)
		return rc;
	b->kind = k;
	b->school_year = (int)in.school_year.v;
	b->scope_org_id = org.id;
	snprintf(b->scope_kind, sizeof(b->scope_kind), "%s", org.kind);
	snprintf(b->scope_path, sizeof(b->scope_path), "%s", org.path);
	snprintf(b->scope_code, sizeof(b->scope_code), "%s", org.code);
	snprintf(b->scope_name, sizeof(b->scope_name), "%s", org.name);
	if (in.dry_run.set && in.dry_run.v) {
		int county = strcmp(org.kind, "county") == 0;
		yajl_gen g;
		if ((rc = xj_ye_count(r->db, k, b->school_year, county ? 0 : org.id,
		    county ? org.id : 0, &b->total)) != XJ_OK)
			return rc;
		g = xj_resp_json(r, 200);
		yajl_gen_map_open(g);
		xj_gen_bool(g, "dry_run", 1);
		xj_gen_str(g, "kind", xj_yearend_kind_name(k));
		xj_gen_int(g, "school_year", b->school_year);
		scope_json(g, org.code, org.kind, org.name);
		xj_gen_int(g, "count", b->total);
		yajl_gen_map_close(g);
		return xj_resp_send(r);
	}
	t.r = r;
	t.b = b;
	if ((rc = xj_tx_run(r->db, create_tx, &t)) != XJ_OK)
		return rc;
	if ((rc = xj_ye_batch_get(r->db, b->id, b)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	return batch_view(r, 201, b);
}

/* The batch {id} within the actor's reach, or 404. */
static int
load(struct xj_req *r, const struct xj_school_actor *a, struct xj_ye_batch *b)
{
	unsigned long long id;
	int rc;

	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_ye_batch_get(r->db, id, b)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return xj_school_in_scope(a, b->scope_path) ? XJ_OK : XJ_E_NOT_FOUND;
}

int
xj_school_yearend_get(struct xj_req *r)
{
	struct xj_ye_batch *b = xj_calloc(r->arena, 1, sizeof(*b));
	struct xj_school_actor a;
	int rc;

	if (b == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = load(r, &a, b)) != XJ_OK)
		return rc;
	return batch_view(r, 200, b);
}

/* the newest batches a list shows: a county has two a year */
#define LIST_MAX	100

int
xj_school_yearend_list(struct xj_req *r)
{
	unsigned long long *ids = xj_calloc(r->arena, LIST_MAX, sizeof(*ids));
	struct xj_ye_batch *b = xj_calloc(r->arena, 1, sizeof(*b));
	struct xj_school_actor a;
	unsigned long long year = 0;
	yajl_gen g;
	int rc, n;

	if (ids == NULL || b == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = xj_rec_query_uint(r, "school_year", XJ_YE_YEAR_MAX, &year)) != XJ_OK ||
	    r->responded)
		return rc;
	if (year != 0 && year < XJ_YE_YEAR_MIN)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "school_year");
	/* R-ORG-3: batches whose scope lies in the actor's subtree (a school
	 * sees its own, not its county's) */
	if ((rc = xj_ye_batch_list(r->db, a.org.path, (int)year, LIST_MAX, ids, &n)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	for (int i = 0; i < n; i++) {
		if ((rc = xj_ye_batch_get(r->db, ids[i], b)) == XJ_NO_ROW)
			continue;
		if (rc != XJ_OK)
			return rc;
		batch_json(g, b);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

struct start_tx {
	struct xj_req		*r;
	struct xj_ye_batch	*b;
};

static int
start_tx(struct xj_db *db, void *arg)
{
	struct start_tx *t = arg;
	unsigned first = t->b->scope_org_id;
	char id[24];
	int rc;

	/* a county's batch walks its schools in id order from the first */
	if (strcmp(t->b->scope_kind, "county") == 0 &&
	    (rc = xj_ye_next_school(db, t->b->scope_org_id, 0, &first)) != XJ_OK)
		return rc;
	if ((rc = xj_ye_batch_start(db, t->b->id, first)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_YEAREND_STARTED : rc;
	snprintf(id, sizeof(id), "%llu", t->b->id);
	return xj_school_audit(db, t->r, "yearend.start", "yearend_batch", id, XJ_STR_NULL);
}

int
xj_school_yearend_start(struct xj_req *r)
{
	struct xj_ye_batch *b = xj_calloc(r->arena, 1, sizeof(*b));
	struct xj_school_actor a;
	struct start_tx t;
	int rc;

	if (b == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = load(r, &a, b)) != XJ_OK)
		return rc;
	t.r = r;
	t.b = b;
	if ((rc = xj_tx_run(r->db, start_tx, &t)) != XJ_OK)
		return rc;
	if ((rc = xj_ye_batch_get(r->db, b->id, b)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	return batch_view(r, 200, b);
}

/* ---- the record's history ------------------------------------------- */

static void
approval_item(const struct xj_kd_approval *a, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_int(g, "step", a->seq);
	xj_gen_str(g, "party", a->party);
	xj_gen_key(g, "org");
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", a->org_code);
	xj_gen_str(g, "name", a->org_name);
	yajl_gen_map_close(g);
	xj_gen_str(g, "by", a->staff_name[0] ? a->staff_name : NULL);
	xj_school_gen_time(g, "at", a->at);
	yajl_gen_map_close(g);
}

/* One event; a change's case with who approved at each step (issue 12
 * item 4: every change with who approved). */
static int
event_gen(yajl_gen g, struct xj_db *db, const struct xj_student_event *e)
{
	int rc;

	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)e->id);
	xj_gen_str(g, "kind", e->kind);
	xj_gen_str(g, "school", e->school_code);
	if (e->from_grade)
		xj_gen_int(g, "from_grade", e->from_grade);
	else
		xj_gen_null(g, "from_grade");
	if (e->to_grade)
		xj_gen_int(g, "to_grade", e->to_grade);
	else
		xj_gen_null(g, "to_grade");
	xj_gen_str(g, "status", e->status);
	if (e->yearend_year)
		xj_gen_int(g, "school_year", e->yearend_year);
	else
		xj_gen_null(g, "school_year");
	if (e->batch_id)
		xj_gen_int(g, "batch", (long long)e->batch_id);
	else
		xj_gen_null(g, "batch");
	xj_school_gen_time(g, "at", e->created_at);
	/* a number issued by the ministry (issue 13 item 6): the retired and
	 * the new number, masked as every student number staff read */
	if (e->no_new[0]) {
		xj_school_gen_student_no(g, "student_no_old", e->no_old);
		xj_school_gen_student_no(g, "student_no_new", e->no_new);
	}
	if (e->fields[0]) {
		char f[256], *p, *save = NULL;
		xj_gen_key(g, "fields");
		yajl_gen_array_open(g);
		snprintf(f, sizeof(f), "%s", e->fields);
		for (p = strtok_r(f, ",", &save); p; p = strtok_r(NULL, ",", &save))
			yajl_gen_string(g, (const unsigned char *)p, strlen(p));
		yajl_gen_array_close(g);
	}
	if (e->workflow_id) {
		xj_gen_int(g, "case", (long long)e->workflow_id);
		xj_gen_key(g, "approvals");
		yajl_gen_array_open(g);
		if ((rc = xj_kd_approvals(db, e->workflow_id, approval_item, g)) != XJ_OK)
			return rc;
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
	return XJ_OK;
}

struct events {
	struct xj_student_event	*e;
	int			 n, max;
};

static void
event_item(const struct xj_student_event *e, void *arg)
{
	struct events *c = arg;

	if (c->n < c->max)
		c->e[c->n++] = *e;
}

/* a history is short (a dozen events in twelve years); more than this is
 * cut, oldest first */
#define HISTORY_MAX	500

int
xj_school_student_history(struct xj_req *r)
{
	struct xj_student *s = xj_calloc(r->arena, 1, sizeof(*s));
	struct xj_school_actor a;
	struct events ev;
	unsigned long long id;
	char idbuf[24];
	yajl_gen g;
	int rc;

	if (s == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_student_get(r->db, id, s)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (!xj_school_in_scope(&a, s->school_path))
		return XJ_E_NOT_FOUND;
	/* M6: a child's record read */
	snprintf(idbuf, sizeof(idbuf), "%llu", s->id);
	if ((rc = xj_audit_read(r, "student.history.read", "student", idbuf, NULL, 1)) != XJ_OK)
		return rc;
	/* the events first, then each with its approvals (one statement at
	 * a time) */
	ev.max = HISTORY_MAX;
	ev.n = 0;
	if ((ev.e = xj_calloc(r->arena, HISTORY_MAX, sizeof(*ev.e))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_student_events(r->db, s->id, HISTORY_MAX, event_item, &ev)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_int(g, "student_id", (long long)s->id);
	xj_gen_str(g, "status", s->status);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	for (int i = 0; i < ev.n; i++)
		if ((rc = event_gen(g, r->db, &ev.e[i])) != XJ_OK)
			return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
