/* statuschange.c -- status changes of a student record on the workflow
 * engine (issue 11 item 6; R-MOV-6, R-REC-3; seeds 002 §四 §十八, 004
 * 第一篇 二):
 *   POST /api/school/v1/students/{id}/status-changes
 *        {type, reason, effective_date, requested_by?}
 *        201 the case | 403 | 404 | 409 | 422
 *   GET  /api/school/v1/students/{id}/status-changes   200 {items} | 404
 * The record's school applies: suspension (休学), resumption (复学),
 * abroad (出国(境)), left (其他离校), dropped out (辍学), death (死亡), and
 * repeat (留级) / skip (跳级) a year where the province has switched them
 * on (grade_change_policy, `xuejictl grade-change`). Which move is valid
 * from which status is domain/statusmove.c's one table. Each kind is a
 * workflow type of sql/0025 (the province's variant where it has one);
 * its steps are decided through the engine's decision route and inbox
 * (school/workflow.c); the last approval's effect "status_apply" changes
 * the record's status (or grade offset) with a history event and an
 * audit entry, in the decision's transaction. One business in progress
 * per record: a status change and a transfer exclude each other (the
 * engine's open_subject, transfer_refused_2002). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/bind.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/classcode.h"
#include "domain/idnum.h"
#include "domain/statusmove.h"
#include "store/statuschange.h"
#include "store/workflow.h"
#include "records.h"
#include "school.h"
#include "workflow.h"

#define LIST_MAX	50

struct start_in {
	struct xj_str	 type;
	struct xj_str	 reason;
	struct xj_str	 effective_date;
	struct xj_str	 requested_by;
};

static int
type_check(struct xj_str s)
{
	return xj_status_move_by_kind(s.p, s.len) ? XJ_OK : XJ_E_F_CODE;
}

static int
requester_check(struct xj_str s)
{
	return xj_str_eq(s, "student") || xj_str_eq(s, "guardian") || xj_str_eq(s, "school") ?
	    XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field start_fields[] = {
	{ "type", XJ_F_STR, XJ_REQ, 1, 16, type_check, offsetof(struct start_in, type), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_REQ | XJ_MULTILINE, 1, 200, NULL, offsetof(struct start_in, reason), NULL, 0, 0, 0 },
	{ "effective_date", XJ_F_STR, XJ_REQ, 10, 10, xj_date_check, offsetof(struct start_in, effective_date), NULL, 0, 0, 0 },
	{ "requested_by", XJ_F_STR, XJ_OPT, 1, 12, requester_check, offsetof(struct start_in, requested_by), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

/* The grade of a record in school year sy (R-REC-10 with the offset). */
static int
grade_of(const struct xj_sc_student *s, int sy)
{
	return xj_class_grade(s->entry_year, sy) + s->grade_offset;
}

/* The move refused for the record as it is now: XJ_OK or the code. */
static int
refused(const struct xj_status_move *m, const struct xj_sc_student *s)
{
	if (!xj_status_move_from_ok(m, s->status))
		return XJ_E_STATUS_MOVE_INVALID;
	if (!xj_status_move_grade_ok(m, grade_of(s, xj_rec_school_year()), xj_level_grades(s->level)))
		return XJ_E_GRADE_CHANGE_RANGE;
	return XJ_OK;
}

/* The rules a status-change chain's rows keep (docs/operations.md,
 * "Status-change chains per province"): the school applies (step 1), the
 * last step applies the change, every step between advances, and nobody
 * but the parties of a status change acts. A province's rows that break
 * them would approve a case without changing the record, or change it
 * before its last step: refused at the start, and logged. */
static int
chain_ok(const struct xj_wf_def *d, int n)
{
	if (n < 2 || strcmp(d[0].party, "receiving_school") != 0)
		return 0;
	for (int i = 0; i < n; i++) {
		if (d[i].by_exchange || strcmp(d[i].party, "exchange") == 0)
			return 0;
		if (strcmp(d[i].on_approve, i == n - 1 ? "status_apply" : "advance") != 0)
			return 0;
	}
	return 1;
}

struct start {
	struct xj_req			*r;
	unsigned long long		 sid, id;
	const struct xj_status_move	*m;
	struct xj_sc_student		 st;
	struct xj_wf_org		 school, county, above;
	char				 variant[7];
	struct xj_wf_def		 defs[XJ_WF_MAX_STEPS];
	int				 n;
	struct xj_status_change		 c;
};

static int
start_tx(struct xj_db *db, void *arg)
{
	struct start *t = arg;
	struct xj_wf_parties p = { &t->school, &t->county, &t->school, &t->county, &t->above };
	struct xj_wf_new w;
	int rc;

	/* the record again, locked: a batch may have graduated it since */
	if ((rc = xj_sc_student(db, t->sid, 1, &t->st)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (t->st.school_org_id != t->school.id)
		return XJ_E_NOT_FOUND;
	if ((rc = refused(t->m, &t->st)) != XJ_OK)
		return rc;
	memset(&w, 0, sizeof(w));
	w.type = t->m->type;
	w.variant = t->variant;
	w.subject_id = t->sid;
	w.initiator = t->school.id;
	w.started_by = t->r->actor_id;
	rc = xj_wf_start(db, t->r, &w, t->defs, t->n, &p, "status_change.start", &t->id);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_TRANSFER_BUSY : rc;
	snprintf(t->c.from_status, sizeof(t->c.from_status), "%s", t->st.status);
	return xj_sc_insert(db, t->id, &t->c);
}

static void
copy(char *dst, size_t n, struct xj_str s)
{
	snprintf(dst, n, "%.*s", (int)s.len, s.p);
}

int
xj_school_status_change_start(struct xj_req *r)
{
	struct start *t = xj_calloc(r->arena, 1, sizeof(*t));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct start_in in;
	char province[7];
	int rc, on;

	if (t == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_school_may(r, XJ_ACT_STATUS_START, &a)) != XJ_OK)
		return rc;
	if ((rc = xj_school_id_param(r, &t->sid)) != XJ_OK)
		return rc;
	/* the record's own school applies; any other org: not found */
	if ((rc = xj_sc_student(r->db, t->sid, 0, &t->st)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (t->st.school_org_id != a.org.id)
		return XJ_E_NOT_FOUND;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, start_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n == 0 && (t->m = xj_status_move_by_kind(in.type.p, in.type.len)) == NULL)
		return XJ_E_INTERNAL;
	/* R-MOV-6: a suspension is the student's or the guardian's request,
	 * which the school records and submits */
	if (t->m != NULL && t->m->needs_request &&
	    (in.requested_by.p == NULL || xj_str_eq(in.requested_by, "school")))
		xj_ferr_add(&fe, r->arena, "requested_by",
		    in.requested_by.p == NULL ? XJ_E_F_REQUIRED : XJ_E_F_CODE);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	t->r = r;
	snprintf(t->c.kind, sizeof(t->c.kind), "%s", t->m->kind);
	snprintf(t->c.to_status, sizeof(t->c.to_status), "%s", t->m->to);
	t->c.student_id = t->sid;
	t->c.grade_delta = t->m->grade_delta;
	copy(t->c.reason, sizeof(t->c.reason), in.reason);
	copy(t->c.effective_date, sizeof(t->c.effective_date), in.effective_date);
	if (in.requested_by.p != NULL)
		copy(t->c.requested_by, sizeof(t->c.requested_by), in.requested_by);
	else
		snprintf(t->c.requested_by, sizeof(t->c.requested_by), "school");
	if ((rc = xj_wf_org(r->db, a.org.id, &t->school)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_FORBIDDEN : rc;
	if (t->school.closed)
		return XJ_E_SCHOOL_CLOSED;	/* R-ORG-5: starts nothing */
	xj_wf_province_of(t->school.path, province);
	/* seed 002 §四: repeat and skip exist where the province says so */
	if (t->m->grade_delta != 0) {
		if ((rc = xj_sc_grade_policy(r->db, province, t->m->kind, &on)) != XJ_OK)
			return rc;
		if (!on)
			return XJ_E_GRADE_CHANGE_OFF;
	}
	if ((rc = refused(t->m, &t->st)) != XJ_OK)
		return rc;
	/* the parties: the school and its county; above it, the bureau a
	 * province's variant may name for a re-review (a city) */
	if ((rc = xj_wf_org(r->db, t->school.county_id, &t->county)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (t->county.parent_id == 0)
		t->above = t->county;
	else if ((rc = xj_wf_org(r->db, t->county.parent_id, &t->above)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if ((rc = xj_wf_type(r->db, t->m->type, province, t->variant, t->defs, &t->n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (!chain_ok(t->defs, t->n)) {
		xj_log(XJ_LOG_ERROR, "status_chain_invalid", "%s", "type", t->m->type);
		return XJ_E_INTERNAL;
	}
	if ((rc = xj_tx_run(r->db, start_tx, t)) != XJ_OK)
		return rc;
	return xj_wf_answer(r, t->id, 201);
}

/* The effect of the chain's last approval (R-MOV-6, R-REC-3), in its
 * transaction: the record's status (or grade offset) changes, conditional
 * on the status read under the record's lock, with its history event and
 * audit entry. A record that can no longer make the move (a graduation
 * batch took it meanwhile) refuses the approval: the reviewer rejects. */
int
xj_status_change_apply(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w)
{
	struct xj_status_change *c = xj_calloc(r->arena, 1, sizeof(*c));
	const struct xj_status_move *m;
	struct xj_sc_student st;
	char id[24];
	int rc, from_grade = 0, to_grade = 0;

	if (c == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_sc_get(db, w->id, c)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if ((m = xj_status_move_by_kind(c->kind, strlen(c->kind))) == NULL)
		return XJ_E_INTERNAL;
	if ((rc = xj_sc_student(db, w->subject_id, 1, &st)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if ((rc = refused(m, &st)) != XJ_OK)
		return rc;
	if (m->grade_delta != 0) {
		from_grade = grade_of(&st, xj_rec_school_year());
		to_grade = from_grade + m->grade_delta;
	}
	if ((rc = xj_sc_apply(db, w->subject_id, st.status, m->to, m->grade_delta)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	if ((rc = xj_sc_event(db, w->subject_id, m->kind, from_grade, to_grade)) != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%llu", w->subject_id);
	return xj_school_audit(db, r, "student.status_change", "student", id, xj_str_c(m->kind));
}

/* ---- the record's status changes ----------------------------------------- */

static void
item(const struct xj_sc_item *it, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_int(g, "case_id", (long long)it->wf);
	xj_gen_str(g, "type", it->c.kind);
	xj_gen_str(g, "state", it->state);
	xj_gen_str(g, "from_status", it->c.from_status);
	xj_gen_str(g, "to_status", it->c.to_status);
	xj_gen_int(g, "grade_change", it->c.grade_delta);
	xj_gen_str(g, "requested_by", it->c.requested_by);
	xj_gen_str(g, "effective_date", it->c.effective_date);
	xj_gen_str(g, "reason", it->c.reason);
	xj_school_gen_time(g, "started_at", it->started_at);
	xj_school_gen_time(g, "closed_at", it->closed_at);
	yajl_gen_map_close(g);
}

int
xj_school_status_change_list(struct xj_req *r)
{
	struct xj_sc_student st;
	struct xj_school_actor a;
	unsigned long long id;
	yajl_gen g;
	int rc;

	if ((rc = xj_school_may(r, XJ_ACT_STATUS_READ, &a)) != XJ_OK ||
	    (rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_sc_student(r->db, id, 0, &st)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* the record's scope, as its own GET: its school now and above */
	if (!xj_school_in_scope(&a, st.school_path))
		return XJ_E_NOT_FOUND;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_int(g, "student_id", (long long)id);
	xj_gen_str(g, "status", st.status);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_sc_list(r->db, id, LIST_MAX, item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
