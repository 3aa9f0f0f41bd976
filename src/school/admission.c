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
 * step has its registration_event and audit entry (R-ADM-3).
 *
 * A list is decided in chunks of DECIDE_CHUNK children, one transaction
 * each (submitted -> deciding -> decided), so that a list of hundreds
 * holds no locks for minutes and makes no huge Galera write set. A chunk
 * that fails leaves the chunks before it committed and the list
 * `deciding`; any decision that agrees with the children decided so far
 * (the same request again, typically) finishes it, and one that does not
 * -- a whole-list return after approvals, say -- is refused with 409
 * list_partly_decided: approved children have their student records, and
 * the county returns single children by naming them. Deciders of one list
 * take turns on its row lock, chunk by chunk, and take only children still
 * listed: nobody is decided twice. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "store/admission.h"
#include "store/refdata.h"
#include "store/student.h"
#include "problem.h"
#include "school.h"

/* Children decided per transaction. One approval writes about a dozen
 * rows (admission, registration, its event, the student record, its
 * number, guardians, audit) and locks the child's rows until commit: 50
 * keep a chunk's locks and its Galera write set small and a retry after a
 * conflict cheap, while a list of 2000 still takes only 40 transactions. */
#define DECIDE_CHUNK	50

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
	/* still listed: while `deciding`, the children a repeated decision takes */
	xj_gen_int(g, "pending", l->children > l->approved + l->returned ?
	    l->children - l->approved - l->returned : 0);
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

	a = *xj_school_actor(r);
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

	a = *xj_school_actor(r);
	qs = xj_req_query(r, "state", &e);
	if (e != XJ_OK)
		return e;
	if (qs.p != NULL) {
		if (xj_str_eq(qs, "submitted"))
			state = "submitted";
		else if (xj_str_eq(qs, "deciding"))
			state = "deciding";
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
	a = *xj_school_actor(r);
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
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

/* One named child's fate (children[]), resolved before the first chunk;
 * sorted by number. A child named twice: the last entry counts. */
struct fate {
	char		 prereg[17];
	int		 approve;
	const char	*reason;	/* "" = the list's */
	int		 on_list;	/* seen among the list's children */
};

static int
fate_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fate *)a)->prereg, ((const struct fate *)b)->prereg);
}

struct decide_tx {
	struct xj_req			*r;
	const struct xj_school_actor	*a;
	unsigned long long		 list_id;
	struct xj_adm_list		*list;
	struct decision_in		*in;
	struct xj_ferrs			*fe;	/* named children not on the list */
	int				 approve;	/* the whole list's decision */
	const char			*reason;	/* the whole list's, "" = none */
	struct fate			*named;
	size_t				 nnamed;
	size_t				*slot;	/* children[j] -> named[slot[j]] */
	unsigned long long		 ids[DECIDE_CHUNK + 1];
	/* per chunk, reset on every (re)run */
	unsigned			 approved, returned;
	int				 disagree;	/* a decided child with another outcome */
	int				 done;		/* the list is decided */
	/* issue 12: the reference data of the R-COL-7 check, the time the
	 * duplicate check took over the whole request (Server-Timing) */
	const struct xj_refdata		*ref;
	long long			 check_ns;
	struct xj_student_identity	 ident;	/* the child's, as just recorded */
};

static struct fate *
fate_of(struct decide_tx *t, const char *prereg)
{
	struct fate key;

	memcpy(key.prereg, prereg, sizeof(key.prereg));
	key.prereg[16] = '\0';
	return t->nnamed ? bsearch(&key, t->named, t->nnamed, sizeof(*t->named), fate_cmp) : NULL;
}

/* What is decided already must agree with this request: the child's
 * outcome is the one the request gives it. A named child must be on the
 * list (cleared on each run: seen again by the callback). */
static void
outcome_child(const char *prereg, const char *state, void *arg)
{
	struct decide_tx *t = arg;
	struct fate *f = fate_of(t, prereg);
	int approve = f ? f->approve : t->approve;

	if (f)
		f->on_list = 1;
	if (strcmp(state, "listed") == 0)
		return;
	if ((strcmp(state, "returned") == 0) == approve)
		t->disagree = 1;
}

static int
decide_child(struct xj_db *db, struct decide_tx *t, unsigned long long reg_id)
{
	struct xj_applicant ap;
	struct xj_reg_pos to;
	const struct fate *f;
	const char *reason;
	unsigned long long student = 0;
	int rc, approve;

	memset(&ap, 0, sizeof(ap));
	if ((rc = xj_adm_applicant_lock(db, reg_id, &ap)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	f = fate_of(t, ap.prereg);
	approve = f ? f->approve : t->approve;
	reason = approve ? "" : f && f->reason[0] ? f->reason : t->reason;
	if (approve) {
		if ((rc = xj_reg_next(ap.pos, XJ_REV_DISTRICT_APPROVE, ap.local_family, &to)) != XJ_OK)
			return rc;
		if ((rc = xj_adm_decide_child(db, reg_id, t->list_id, "approved", "")) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		if ((rc = xj_reg_move(db, reg_id, ap.pos, to)) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		/* R-ADM-2: the approved admission, and only it, creates the record */
		rc = xj_student_create_from_registration(db, xj_auth_keys(), reg_id, ap.adm_school_id,
		    &student, &t->ident);
		if (rc != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		/* issue 12, R-DUP-1: the duplicate check at the door, in this
		 * transaction: the record never exists unflagged */
		{
			char kinds[XJ_PROBLEM_KINDS_MAX], sidbuf[24];
			struct timespec c0, c1;

			clock_gettime(CLOCK_MONOTONIC, &c0);
			rc = xj_problem_check_identity(db, xj_auth_keys(), t->ref, student, &t->ident,
			    "admission", kinds);
			clock_gettime(CLOCK_MONOTONIC, &c1);
			t->check_ns += (c1.tv_sec - c0.tv_sec) * 1000000000LL + (c1.tv_nsec - c0.tv_nsec);
			if (rc != XJ_OK)
				return rc;
			snprintf(sidbuf, sizeof(sidbuf), "%llu", student);
			if (kinds[0] && (rc = xj_school_audit(db, t->r, "problem.detect", "student",
			    sidbuf, xj_str_c(kinds))) != XJ_OK)
				return rc;
		}
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

/* One chunk: at most DECIDE_CHUNK children, their audit entries and the
 * list's counts, in one transaction. The list row is locked first, so
 * deciders of one list take turns chunk by chunk and each chunk sees what
 * the others committed. */
static int
decide_tx(struct xj_db *db, void *arg)
{
	struct decide_tx *t = arg;
	char state[13], idbuf[24];
	unsigned n;
	int rc;

	t->approved = t->returned = 0;
	t->disagree = t->done = 0;
	for (size_t i = 0; i < t->nnamed; i++)
		t->named[i].on_list = 0;
	if ((rc = xj_adm_list_lock(db, t->list_id, state)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_adm_list_outcomes(db, t->list_id, outcome_child, t)) != XJ_OK)
		return rc;
	if (strcmp(state, "decided") == 0) {
		/* the same decision again (a retry, or a twin request that
		 * finished the list): nothing to do; another one is refused */
		if (t->disagree)
			return XJ_E_REG_TRANSITION;
		t->done = 1;
		return XJ_OK;
	}
	/* a child named who is not (or no longer) on this list */
	t->fe->n = 0;
	for (size_t j = 0; j < t->in->nchildren; j++)
		if (!t->named[t->slot[j]].on_list) {
			char path[48];
			snprintf(path, sizeof(path), "children[%zu].prereg_no", j);
			xj_ferr_add(t->fe, t->r->arena, path, XJ_E_F_NOT_ALLOWED);
		}
	if (t->fe->n)
		return XJ_E_VALIDATION;
	/* approved children have their records: no decision undoes that */
	if (t->disagree)
		return XJ_E_LIST_PARTLY_DECIDED;
	if ((rc = xj_adm_list_pending(db, t->list_id, DECIDE_CHUNK + 1, t->ids, &n)) != XJ_OK)
		return rc;
	for (unsigned i = 0; i < n && i < DECIDE_CHUNK; i++)
		if ((rc = decide_child(db, t, t->ids[i])) != XJ_OK)
			return rc;
	snprintf(idbuf, sizeof(idbuf), "%llu", t->list_id);
	if (n > DECIDE_CHUNK) {
		if ((rc = xj_adm_list_advance(db, t->list_id, t->approved, t->returned)) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		return xj_school_audit(db, t->r, "admission_list.decide_part", "admission_list",
		    idbuf, t->in->decision);
	}
	if ((rc = xj_adm_list_close(db, t->list_id, t->approved, t->returned, t->r->actor_id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	t->done = 1;
	return xj_school_audit(db, t->r, "admission_list.decide", "admission_list", idbuf,
	    t->in->decision);
}

/* The named children, deduplicated (the last entry counts) and sorted. */
static int
resolve_named(struct xj_req *r, struct decide_tx *t)
{
	struct decision_in *in = t->in;

	t->named = xj_calloc(r->arena, in->nchildren + 1, sizeof(*t->named));
	t->slot = xj_calloc(r->arena, in->nchildren + 1, sizeof(*t->slot));
	if (t->named == NULL || t->slot == NULL)
		return XJ_E_TOO_COMPLEX;
	for (size_t j = 0; j < in->nchildren; j++) {
		struct child_in *c = &in->children[j];
		struct xj_prereg p;
		struct fate *f = NULL;

		if (xj_prereg_parse(c->prereg_no, &p) != XJ_OK)
			return XJ_E_INTERNAL;	/* checked by the handler */
		for (size_t i = 0; i < t->nnamed && f == NULL; i++)
			if (strcmp(t->named[i].prereg, p.canon) == 0)
				f = &t->named[i];
		if (f == NULL) {
			f = &t->named[t->nnamed++];
			memcpy(f->prereg, p.canon, sizeof(f->prereg));
		}
		f->approve = xj_str_eq(c->decision, "approve");
		f->reason = xj_str_blank(c->reason) ? "" : xj_strndup(r->arena, c->reason.p, c->reason.len);
		if (f->reason == NULL)
			return XJ_E_TOO_COMPLEX;
	}
	qsort(t->named, t->nnamed, sizeof(*t->named), fate_cmp);
	for (size_t j = 0; j < in->nchildren; j++) {
		struct xj_prereg p;
		struct fate key, *f;

		(void)xj_prereg_parse(in->children[j].prereg_no, &p);
		memcpy(key.prereg, p.canon, sizeof(key.prereg));
		f = bsearch(&key, t->named, t->nnamed, sizeof(*t->named), fate_cmp);
		if (f == NULL)
			return XJ_E_INTERNAL;
		t->slot[j] = (size_t)(f - t->named);
	}
	return XJ_OK;
}

int
xj_school_list_decide(struct xj_req *r)
{
	struct xj_adm_list *l = xj_calloc(r->arena, 1, sizeof(*l));
	struct xj_ferrs *fe = xj_calloc(r->arena, 1, sizeof(*fe));
	struct xj_school_actor a;
	struct decision_in in;
	struct decide_tx *t;
	struct timespec t0, t1;
	unsigned long long id;
	long spent_ms;
	int rc, whole_return;

	if (l == NULL || fe == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, decision_fields, &in, fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	/* a return must say why: the school reads it (per child, or for all) */
	whole_return = in.decision.p && xj_str_eq(in.decision, "return");
	if (whole_return && xj_str_blank(in.reason))
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
		if (c->decision.p && xj_str_eq(c->decision, "return") && xj_str_blank(c->reason) &&
		    xj_str_blank(in.reason)) {
			snprintf(path, sizeof(path), "children[%zu].reason", j);
			xj_ferr_add(fe, r->arena, path, XJ_E_F_REQUIRED);
		}
	}
	if (fe->n)
		return xj_resp_ferrs(r, fe);
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_adm_list_get(r->db, id, l)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* the county of the list decides; nobody else sees it exists */
	if (l->county_path[0] == '\0' || !xj_school_in_scope(&a, l->county_path))
		return XJ_E_NOT_FOUND;
	t = xj_calloc(r->arena, 1, sizeof(*t));
	if (t == NULL)
		return XJ_E_TOO_COMPLEX;
	t->r = r;
	t->a = &a;
	t->list_id = id;
	t->list = l;
	t->in = &in;
	t->fe = fe;
	t->approve = xj_str_eq(in.decision, "approve");
	t->reason = xj_str_blank(in.reason) ? "" : xj_strndup(r->arena, in.reason.p, in.reason.len);
	if (t->reason == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = resolve_named(r, t)) != XJ_OK)
		return rc;
	if ((t->ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	/* Chunk after chunk until the list is decided or the time budget
	 * is spent. An error stops here: the chunks committed so far stand
	 * (the list says `deciding`), and the same request again finishes
	 * the rest. So does it after 202: a list of a few thousand children
	 * under load would otherwise outlast nginx's read timeout, and the
	 * county would see a 504 for a decision still running. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		rc = xj_tx_run(r->db, decide_tx, t);
		if (rc == XJ_E_VALIDATION && fe->n)
			return xj_resp_ferrs(r, fe);
		if (rc != XJ_OK)
			return rc;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		spent_ms = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
	} while (!t->done && spent_ms < xj_school_conf->decide_budget_ms);
	/* issue 12: what the duplicate check cost of this request, for
	 * bench/problemcheck.py (docs/benchmarks.md) -- milliseconds */
	{
		char st[96];
		clock_gettime(CLOCK_MONOTONIC, &t1);
		snprintf(st, sizeof(st), "decide;dur=%.3f, problem_check;dur=%.3f",
		    ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e6,
		    t->check_ns / 1e6);
		if ((rc = xj_resp_header(r, "Server-Timing", st)) != XJ_OK)
			return rc;
	}
	return list_view(r, t->done ? 200 : 202, id);
}
