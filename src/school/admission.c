/* admission.c -- admission lists (R-ADM-1, R-ADM-2):
 *   POST /api/school/v1/admission-lists                 201 | 403 | 409 nothing_to_submit
 *        a school's reviewer sends every ticked (or returned) child to the county
 *   GET  /api/school/v1/admission-lists?state=          200 {items}: lists in scope
 *   GET  /api/school/v1/admission-lists/{id}            200 | 404: the list and its children
 *   POST /api/school/v1/admission-lists/{id}/decision   200 | 403 | 404 | 409 | 422
 *        {decision: approve|return, reason, children: [{prereg_no, decision, reason}]}
 * The decision is the territorial county's (reviewer or admin). `decision`
 * applies to every child not named in `children`; a return needs a reason,
 * which the school reads. Approval makes the admission final: the state
 * machine moves the registration to district_approved and the student
 * record is created in the same transaction (R-ADM-2: only an approved
 * admission creates a record, store/student.h). A returned child goes back
 * to the school, which unticks it or sends it again in a new list. Every
 * step has its registration_event and audit entry (R-ADM-3). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "store/admission.h"
#include "store/student.h"
#include "school.h"

#define MAX_CHILDREN	2000	/* one school's intake is far below this */

static int
list_id_param(struct xj_req *r, unsigned long long *id)
{
	struct xj_str s = xj_route_param(&r->params, "id");

	*id = 0;
	if (s.len == 0 || s.len > 18)
		return XJ_E_NOT_FOUND;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_NOT_FOUND;
		*id = *id * 10 + (unsigned long long)(s.p[i] - '0');
	}
	return *id ? XJ_OK : XJ_E_NOT_FOUND;
}

/* R-ORG-3: the school's own lists; a bureau's schools' or counties' lists */
static int
list_in_scope(const struct xj_school_actor *a, const struct xj_adm_list *l)
{
	return xj_school_in_scope(a, l->school_path) ||
	    (l->county_path[0] && xj_school_in_scope(a, l->county_path));
}

static void
gen_list_head(yajl_gen g, const struct xj_adm_list *l)
{
	xj_gen_int(g, "id", (long long)l->id);
	xj_gen_key(g, "school");
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", l->school_code);
	xj_gen_str(g, "name", l->school_name);
	yajl_gen_map_close(g);
	xj_gen_str(g, "district", l->county);
	xj_gen_str(g, "state", l->state);
	xj_gen_int(g, "children", l->children);
	xj_gen_int(g, "approved", l->approved);
	xj_gen_int(g, "returned", l->returned);
	xj_school_gen_time(g, "submitted_at", l->submitted_at);
	xj_school_gen_time(g, "decided_at", l->decided_at);
}

static void
child_item(const struct xj_adm_child *c, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", c->prereg);
	xj_gen_str(g, "name", c->child_name);
	xj_gen_str(g, "sex", c->sex);
	xj_gen_str(g, "birth_date", c->birth_date);
	xj_gen_bool(g, "local_family", c->local_family);
	xj_gen_str(g, "registration_state", c->reg_state);
	xj_gen_str(g, "state", c->state);
	xj_gen_str(g, "reason", c->reason[0] ? c->reason : NULL);
	yajl_gen_map_close(g);
}

static int
list_view(struct xj_req *r, int status, unsigned long long id)
{
	struct xj_adm_list *l = xj_calloc(r->arena, 1, sizeof(*l));
	yajl_gen g;
	int rc;

	if (l == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_adm_list_get(r->db, id, l)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	g = xj_resp_json(r, status);
	yajl_gen_map_open(g);
	gen_list_head(g, l);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_adm_list_children(r->db, id, child_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* ---- submit ---------------------------------------------------------------- */

struct submit_tx {
	struct xj_req			*r;
	const struct xj_school_actor	*a;
	unsigned long long		 id;
	unsigned			 n;
};

static int
submit_tx(struct xj_db *db, void *arg)
{
	struct submit_tx *t = arg;
	char idbuf[24];
	int rc;

	if ((rc = xj_adm_list_create(db, t->a->org.id, t->a->county, t->r->actor_id, &t->id,
	    &t->n)) != XJ_OK)
		return rc;
	if (t->n == 0)
		return XJ_E_NOTHING_TO_SUBMIT;	/* rolls the empty list back */
	snprintf(idbuf, sizeof(idbuf), "%llu", t->id);
	return xj_school_audit(db, t->r, "admission_list.submit", "admission_list", idbuf,
	    xj_str_c(t->a->org.code));
}

int
xj_school_list_submit(struct xj_req *r)
{
	struct xj_school_actor a;
	struct submit_tx t;
	int rc;

	if ((rc = xj_school_may(r, XJ_ACT_LIST_SUBMIT, &a)) != XJ_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.a = &a;
	if ((rc = xj_tx_run(r->db, submit_tx, &t)) != XJ_OK)
		return rc;
	return list_view(r, 201, t.id);
}

/* ---- read -------------------------------------------------------------------- */

static void
list_item(const struct xj_adm_list *l, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	gen_list_head(g, l);
	yajl_gen_map_close(g);
}

int
xj_school_list_index(struct xj_req *r)
{
	struct xj_school_actor a;
	struct xj_str qs;
	const char *state = "";
	yajl_gen g;
	int rc, e;

	if ((rc = xj_school_may(r, XJ_ACT_LIST_READ, &a)) != XJ_OK)
		return rc;
	qs = xj_req_query(r, "state", &e);
	if (e != XJ_OK)
		return e;
	if (qs.p != NULL) {
		if (xj_str_eq(qs, "submitted"))
			state = "submitted";
		else if (xj_str_eq(qs, "decided"))
			state = "decided";
		else
			return xj_resp_error(r, XJ_E_BAD_QUERY, "state");
	}
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_adm_lists(r->db, a.org.path, state, list_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_school_list_get(struct xj_req *r)
{
	struct xj_adm_list *l = xj_calloc(r->arena, 1, sizeof(*l));
	struct xj_school_actor a;
	unsigned long long id;
	int rc;

	if (l == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_school_may(r, XJ_ACT_LIST_READ, &a)) != XJ_OK)
		return rc;
	if ((rc = list_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_adm_list_get(r->db, id, l)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (!list_in_scope(&a, l))
		return XJ_E_NOT_FOUND;
	return list_view(r, 200, id);
}

/* ---- the county's decision ---------------------------------------------------- */

struct child_in {
	struct xj_str	 prereg_no;
	struct xj_str	 decision;
	struct xj_str	 reason;
};

struct decision_in {
	struct xj_str	 decision;
	struct xj_str	 reason;
	struct child_in	*children;
	size_t		 nchildren;
};

static int
decision_check(struct xj_str s)
{
	return xj_str_eq(s, "approve") || xj_str_eq(s, "return") ? XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field child_fields[] = {
	{ "prereg_no", XJ_F_STR, XJ_REQ, 16, 22, NULL, offsetof(struct child_in, prereg_no), NULL, 0, 0, 0 },
	{ "decision", XJ_F_STR, XJ_REQ, 1, 16, decision_check, offsetof(struct child_in, decision), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 200, NULL, offsetof(struct child_in, reason), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static const struct xj_field decision_fields[] = {
	{ "decision", XJ_F_STR, XJ_REQ, 1, 16, decision_check, offsetof(struct decision_in, decision), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 200, NULL, offsetof(struct decision_in, reason), NULL, 0, 0, 0 },
	{ "children", XJ_F_ARR, XJ_OPT, 0, 200, NULL, offsetof(struct decision_in, children), child_fields,
	  sizeof(struct child_in), offsetof(struct decision_in, nchildren), 0 },
	XJ_FIELD_END
};

static int
blank(struct xj_str s)
{
	for (size_t i = 0; s.p && i < s.len; i++)
		if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\n' && s.p[i] != '\r')
			return 0;
	return 1;
}

/* One child's fate, resolved before the transaction. */
struct fate {
	char		 prereg[17];
	int		 approve;
	const char	*reason;
};

struct collect {
	struct xj_arena		*arena;
	unsigned long long	*ids;
	char			(*prereg)[17];
	size_t			 n, cap;
	int			 err;
};

static void
collect_child(const struct xj_adm_child *c, void *arg)
{
	struct collect *k = arg;

	if (strcmp(c->state, "listed") != 0)
		return;
	if (k->n == k->cap) {
		k->err = XJ_E_TOO_COMPLEX;
		return;
	}
	k->ids[k->n] = c->reg_id;
	memcpy(k->prereg[k->n], c->prereg, 17);
	k->n++;
}

struct decide_tx {
	struct xj_req			*r;
	const struct xj_school_actor	*a;
	unsigned long long		 list_id;
	unsigned			 school_id;
	struct xj_adm_list		*list;
	struct decision_in		*in;
	struct xj_ferrs			*fe;	/* named children not in the list */
	const char			*reason;	/* the whole list's, "" = none */
	unsigned			 approved, returned;
};

static int
decide_child(struct xj_db *db, struct decide_tx *t, unsigned long long reg_id, int approve,
    const char *reason)
{
	struct xj_applicant ap;
	struct xj_reg_pos to;
	unsigned long long student = 0;
	int rc;

	memset(&ap, 0, sizeof(ap));
	if ((rc = xj_adm_applicant_lock(db, reg_id, &ap)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (approve) {
		if ((rc = xj_reg_next(ap.pos, XJ_REV_DISTRICT_APPROVE, ap.local_family, &to)) != XJ_OK)
			return rc;
		if ((rc = xj_adm_decide_child(db, reg_id, t->list_id, "approved", "")) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		if ((rc = xj_reg_move(db, reg_id, ap.pos, to)) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		/* R-ADM-2: the approved admission, and only it, creates the record */
		rc = xj_student_create_from_registration(db, reg_id, ap.adm_school_id, &student);
		if (rc != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		if ((rc = xj_adm_set_student(db, reg_id, student)) != XJ_OK ||
		    (rc = xj_reg_event(db, reg_id, xj_reg_event_name(XJ_REV_DISTRICT_APPROVE),
		    xj_reg_state_name(to.state), t->list->school_name)) != XJ_OK)
			return rc;
		t->approved++;
	} else {
		if ((rc = xj_adm_decide_child(db, reg_id, t->list_id, "returned", reason)) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		/* the child stays accepted by the school, which decides again */
		if ((rc = xj_reg_event(db, reg_id, "district_return",
		    xj_reg_state_name(ap.pos.state), reason)) != XJ_OK)
			return rc;
		t->returned++;
	}
	return xj_school_audit(db, t->r, approve ? "admission.approve" : "admission.return",
	    "registration", ap.prereg, xj_str_c(reason));
}

static int
decide_tx(struct xj_db *db, void *arg)
{
	struct decide_tx *t = arg;
	struct collect k;
	char state[13], idbuf[24], *used;
	int rc;

	t->approved = t->returned = 0;
	if ((rc = xj_adm_list_lock(db, t->list_id, state)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (strcmp(state, "submitted") != 0)
		return XJ_E_REG_TRANSITION;
	memset(&k, 0, sizeof(k));
	k.cap = MAX_CHILDREN;
	k.ids = xj_calloc(t->r->arena, k.cap, sizeof(*k.ids));
	k.prereg = xj_calloc(t->r->arena, k.cap, sizeof(*k.prereg));
	used = xj_calloc(t->r->arena, t->in->nchildren + 1, 1);
	if (k.ids == NULL || k.prereg == NULL || used == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_adm_list_children(db, t->list_id, collect_child, &k)) != XJ_OK)
		return rc;
	if (k.err)
		return k.err;
	for (size_t i = 0; i < k.n; i++) {
		int approve = xj_str_eq(t->in->decision, "approve");
		const char *reason = t->reason;
		for (size_t j = 0; j < t->in->nchildren; j++) {
			struct child_in *c = &t->in->children[j];
			struct xj_prereg p;
			if (xj_prereg_parse(c->prereg_no, &p) != XJ_OK || strcmp(p.canon, k.prereg[i]) != 0)
				continue;
			used[j] = 1;
			approve = xj_str_eq(c->decision, "approve");
			if (!blank(c->reason))
				reason = xj_strndup(t->r->arena, c->reason.p, c->reason.len);
			if (reason == NULL)
				return XJ_E_TOO_COMPLEX;
		}
		if ((rc = decide_child(db, t, k.ids[i], approve, approve ? "" : reason)) != XJ_OK)
			return rc;
	}
	/* a child named who is not (or no longer) on this list */
	t->fe->n = 0;
	for (size_t j = 0; j < t->in->nchildren; j++)
		if (!used[j]) {
			char path[48];
			snprintf(path, sizeof(path), "children[%zu].prereg_no", j);
			xj_ferr_add(t->fe, t->r->arena, path, XJ_E_F_NOT_ALLOWED);
		}
	if (t->fe->n)
		return XJ_E_VALIDATION;
	if ((rc = xj_adm_list_close(db, t->list_id, t->approved, t->returned, t->r->actor_id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	snprintf(idbuf, sizeof(idbuf), "%llu", t->list_id);
	return xj_school_audit(db, t->r, "admission_list.decide", "admission_list", idbuf,
	    t->in->decision);
}

int
xj_school_list_decide(struct xj_req *r)
{
	struct xj_adm_list *l = xj_calloc(r->arena, 1, sizeof(*l));
	struct xj_ferrs *fe = xj_calloc(r->arena, 1, sizeof(*fe));
	struct xj_school_actor a;
	struct decision_in in;
	struct decide_tx t;
	unsigned long long id;
	int rc, whole_return;

	if (l == NULL || fe == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_school_may(r, XJ_ACT_LIST_DECIDE, &a)) != XJ_OK)
		return rc;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, decision_fields, &in, fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	/* a return must say why: the school reads it (per child, or for all) */
	whole_return = in.decision.p && xj_str_eq(in.decision, "return");
	if (whole_return && blank(in.reason))
		xj_ferr_add(fe, r->arena, "reason", XJ_E_F_REQUIRED);
	for (size_t j = 0; j < in.nchildren; j++) {
		struct child_in *c = &in.children[j];
		char path[48];
		if (c->prereg_no.p) {
			struct xj_prereg p;
			int prc = xj_prereg_parse(c->prereg_no, &p);
			if (prc != XJ_OK) {
				snprintf(path, sizeof(path), "children[%zu].prereg_no", j);
				xj_ferr_add(fe, r->arena, path, prc);
			}
		}
		if (c->decision.p && xj_str_eq(c->decision, "return") && blank(c->reason) &&
		    blank(in.reason)) {
			snprintf(path, sizeof(path), "children[%zu].reason", j);
			xj_ferr_add(fe, r->arena, path, XJ_E_F_REQUIRED);
		}
	}
	if (fe->n)
		return xj_resp_ferrs(r, fe);
	if ((rc = list_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_adm_list_get(r->db, id, l)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* the county of the list decides; nobody else sees it exists */
	if (l->county_path[0] == '\0' || !xj_school_in_scope(&a, l->county_path))
		return XJ_E_NOT_FOUND;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.a = &a;
	t.list_id = id;
	t.list = l;
	t.in = &in;
	t.fe = fe;
	t.reason = blank(in.reason) ? "" : xj_strndup(r->arena, in.reason.p, in.reason.len);
	if (t.reason == NULL)
		return XJ_E_TOO_COMPLEX;
	rc = xj_tx_run(r->db, decide_tx, &t);
	if (rc == XJ_E_VALIDATION && fe->n)
		return xj_resp_ferrs(r, fe);
	if (rc != XJ_OK)
		return rc;
	return list_view(r, 200, id);
}
