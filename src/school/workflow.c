/* workflow.c -- the workflow engine (issue 11 §1, §3, §4; R-MOV-1..3,
 * R-ORG-6): one engine for every approval chain of a student record.
 * A chain is data (sql/0019: workflow_type, workflow_type_step, per
 * province); a case copies its chain into workflow_step rows and walks
 * them: the open step's org decides; a rejection ends the case with its
 * reason (the initiator may start again); an approval does what the step
 * says (on_approve: a row of `effects` below) and opens the next step
 * with its deadline in working days, or closes the case approved. Every
 * transition is one transaction with its audit entry. Two reviewers
 * deciding one step: the case row is locked and the step's update is
 * conditional on it being open, so exactly one decides and the other
 * gets 409 workflow_step_decided. A step of the ministry exchange
 * (by_exchange) is never decided here.
 *   GET  /api/school/v1/workflow/inbox                200 {items, notices, counts}
 *   GET  /api/school/v1/workflow/cases/{id}           200 | 404
 *   POST /api/school/v1/workflow/cases/{id}/decision  200 | 403 | 404 | 409 | 422
 *   POST /api/school/v1/workflow/cases/{id}/escalation 200 | 403 | 404 | 409 | 422
 *   GET  /api/school/v1/students/{id}/workflow-cases  200 | 404: the record's
 *        history of cases (a transfer's sending and receiving schools)
 * Scope: a case is visible to the orgs of its parties and the bureaus
 * above them; others get 404. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "store/student.h"
#include "store/workflow.h"
#include "keydata.h"
#include "problem.h"
#include "school.h"
#include "workflow.h"

#define INBOX_MAX	200
#define NOTICES_MAX	50
#define STARTED_MAX	50
#define COUNTS_MAX	500

/* What an approval does, by the name in workflow_type_step.on_approve. */
static const struct {
	const char	*name;
	int		(*fn)(struct xj_db *, struct xj_req *, const struct xj_wf_case *);
} effects[] = {
	{ "advance", NULL },
	{ "transfer_pull", xj_transfer_pull },	/* R-MOV-4, transfer.c */
	{ "problem_resolve", xj_problem_wf_resolve },	/* R-DUP-2, problem.c */
	{ "key_data_apply", xj_kd_wf_apply },	/* R-KEY-1, R-KEY-2, keydata.c */
	{ "status_apply", xj_status_change_apply },	/* R-MOV-6, R-REC-3, statuschange.c */
	{ "xmove_request", xj_xmove_request },	/* issue 13 item 7, xmove.c */
	{ "dossier_send", xj_xsend_dossier },	/* R-MOV-4 across provinces, exchange/xsend.c */
};

/* What a decision of a step tells someone else, by the case's type: run
 * for every decided step (approved or rejected), before the approval's
 * effect, in the decision's transaction. The sending side of a
 * cross-province move answers each decision to the receiving side with a
 * TransferDecision through the ministry (issue 13 item 7). */
static const struct {
	const char	*type;
	int		(*fn)(struct xj_db *, struct xj_req *, const struct xj_wf_case *,
			    const struct xj_wf_step *, int approved, const char *reason);
} decided[] = {
	{ "transfer_national_out", xj_xsend_decided },	/* exchange/xsend.c */
	{ "graduate_move_out", xj_xsend_decided },
};

static int
decided_hook(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w,
    const struct xj_wf_step *s, int approved, const char *reason)
{
	for (size_t i = 0; i < sizeof(decided) / sizeof(decided[0]); i++)
		if (strcmp(decided[i].type, w->type) == 0)
			return decided[i].fn(db, r, w, s, approved, reason);
	return XJ_OK;
}

static const struct xj_wf_org *party(const struct xj_wf_parties *, const char *);

static int
effect(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w, const char *name)
{
	for (size_t i = 0; i < sizeof(effects) / sizeof(effects[0]); i++)
		if (strcmp(effects[i].name, name) == 0)
			return effects[i].fn ? effects[i].fn(db, r, w) : XJ_OK;
	return XJ_E_INTERNAL;	/* a type row naming no effect: a bad migration */
}

/* The province code of an org path "/110000/...": its first component. */
void
xj_wf_province_of(const char *path, char out[7])
{
	size_t n = 0;

	if (path[0] == '/')
		path++;
	while (path[n] && path[n] != '/' && n < 6)
		n++;
	memcpy(out, path, n);
	out[n] = '\0';
}

int
xj_wf_open_step(struct xj_db *db, unsigned long long wf, const char *province,
    const struct xj_wf_step *s, const char *today)
{
	char deadline[XJ_WF_DATE];
	int prov, rc;

	if ((rc = xj_wf_add_workdays(db, province, today, s->days, deadline, &prov)) != XJ_OK)
		return rc;
	return xj_wf_step_open(db, wf, s->seq, deadline, prov);
}

/* Approve step seq of the locked case w as the request's actor: its
 * effect, then the next step opens or the case closes approved. */
int
xj_wf_approve(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w,
    const struct xj_wf_step *steps, int n, int seq, const char *reason)
{
	char province[7];
	int rc, i;

	if ((rc = xj_wf_step_decide(db, w->id, seq, "approved", r->actor_id, r->actor_org,
	    reason)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_WF_STEP_DECIDED : rc;
	for (i = 0; i < n && steps[i].seq != seq; i++)
		;
	if (i == n)
		return XJ_E_INTERNAL;
	if ((rc = decided_hook(db, r, w, &steps[i], 1, reason)) != XJ_OK ||
	    (rc = effect(db, r, w, steps[i].on_approve)) != XJ_OK)
		return rc;
	if (i + 1 == n) {
		/* the last approval: the initiator learns the outcome, as of a
		 * rejection */
		if ((rc = xj_wf_close(db, w->id, "approved", "")) != XJ_OK)
			return rc;
		return xj_wf_notice(db, w->initiator, w->id, seq, "decided");
	}
	xj_wf_province_of(steps[i + 1].org_path, province);
	{
		char today[XJ_WF_DATE];
		xj_wf_today(today);
		return xj_wf_open_step(db, w->id, province, &steps[i + 1], today);
	}
}

int
xj_wf_reject(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w,
    const struct xj_wf_step *steps, int n, int seq, const char *reason)
{
	int rc, i;

	if ((rc = xj_wf_step_decide(db, w->id, seq, "rejected", r->actor_id, r->actor_org,
	    reason)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_WF_STEP_DECIDED : rc;
	for (i = 0; i < n && steps[i].seq != seq; i++)
		;
	if (i == n)
		return XJ_E_INTERNAL;
	if ((rc = decided_hook(db, r, w, &steps[i], 0, reason)) != XJ_OK ||
	    (rc = xj_wf_close(db, w->id, "rejected", reason)) != XJ_OK)
		return rc;
	return xj_wf_notice(db, w->initiator, w->id, seq, "decided");
}

int
xj_wf_start_received(struct xj_db *db, struct xj_wf_new *w, const struct xj_wf_def *defs,
    int n, const struct xj_wf_parties *p, unsigned long long *id)
{
	struct xj_wf_step s;
	char today[XJ_WF_DATE], province[7];
	int rc, i;

	w->recv_school = p->recv_school->id;
	w->recv_county = p->recv_county->id;
	w->send_school = p->send_school->id;
	w->send_county = p->send_county->id;
	w->above = p->above->id;
	if (n < 1)
		return XJ_E_INTERNAL;
	for (i = 0; i < n; i++)
		if (defs[i].by_exchange || strcmp(defs[i].party, "exchange") == 0)
			return XJ_E_INTERNAL;	/* the chain is ours alone: a bad row */
	if ((rc = xj_wf_insert(db, w, id)) != XJ_OK)
		return rc;
	for (i = 0; i < n; i++) {
		const struct xj_wf_org *o = party(p, defs[i].party);
		if (o->id == 0)
			return XJ_E_INTERNAL;	/* a step of the other deployment's */
		if ((rc = xj_wf_step_insert(db, *id, &defs[i], o->id, o->path)) != XJ_OK)
			return rc;
	}
	memset(&s, 0, sizeof(s));
	s.seq = defs[0].seq;
	s.days = defs[0].days;
	xj_wf_today(today);
	xj_wf_province_of(party(p, defs[0].party)->path, province);
	return xj_wf_open_step(db, *id, province, &s, today);
}

/* The org of a party of the case (bureau_above: the lowest common
 * bureau; exchange steps are refused before a case starts). */
static const struct xj_wf_org *
party(const struct xj_wf_parties *p, const char *name)
{
	return strcmp(name, "receiving_school") == 0 ? p->recv_school :
	    strcmp(name, "receiving_county") == 0 ? p->recv_county :
	    strcmp(name, "sending_school") == 0 ? p->send_school :
	    strcmp(name, "sending_county") == 0 ? p->send_county : p->above;
}

int
xj_wf_start(struct xj_db *db, struct xj_req *r, struct xj_wf_new *w,
    const struct xj_wf_def *defs, int n, const struct xj_wf_parties *p, const char *action,
    unsigned long long *id)
{
	struct xj_wf_case *c = xj_calloc(r->arena, 1, sizeof(*c));
	struct xj_wf_step *s = xj_calloc(r->arena, XJ_WF_MAX_STEPS, sizeof(*s));
	char today[XJ_WF_DATE], province[7], sid[24];
	int rc, i, ns;

	if (c == NULL || s == NULL)
		return XJ_E_TOO_COMPLEX;
	/* a step played by the ministry exchange runs only in the chains
	 * that connect it (the cross-province moves, school/xmove.c) */
	for (i = 0; i < n; i++)
		if ((defs[i].by_exchange || strcmp(defs[i].party, "exchange") == 0) &&
		    !xj_xmove_chain(w->type))
			return XJ_E_WF_EXCHANGE;
	w->recv_school = p->recv_school->id;
	w->recv_county = p->recv_county->id;
	w->send_school = p->send_school->id;
	w->send_county = p->send_county->id;
	w->above = p->above->id;
	/* the unique open_subject: a second case of the subject, even a
	 * concurrent one, is XJ_E_CONFLICT (the chain's "business in
	 * progress") */
	if ((rc = xj_wf_insert(db, w, id)) != XJ_OK)
		return rc;
	for (i = 0; i < n; i++) {
		const struct xj_wf_org *o = party(p, defs[i].party);
		if ((rc = xj_wf_step_insert(db, *id, &defs[i], o->id, o->path)) != XJ_OK)
			return rc;
	}
	if ((rc = xj_wf_get(db, *id, c)) != XJ_OK || (rc = xj_wf_steps(db, *id, s, &ns)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (ns < 2)
		return XJ_E_INTERNAL;	/* a chain of the application alone: a bad row */
	/* step 1 is the initiator's application: starting decides it */
	xj_wf_today(today);
	xj_wf_province_of(s[0].org_path, province);
	if ((rc = xj_wf_open_step(db, *id, province, &s[0], today)) != XJ_OK ||
	    (rc = xj_wf_approve(db, r, c, s, ns, s[0].seq, "")) != XJ_OK)
		return rc;
	snprintf(sid, sizeof(sid), "%llu", *id);
	return xj_school_audit(db, r, action, "workflow", sid, xj_str_c(w->type));
}

/* ---- reading ------------------------------------------------------------- */

static void
gen_case_members(yajl_gen g, const struct xj_wf_case *w, const struct xj_wf_step *s, int n,
    const char *today)
{
	xj_gen_int(g, "id", (long long)w->id);
	xj_gen_str(g, "type", w->type);
	xj_gen_str(g, "type_name", w->type_name);
	xj_gen_str(g, "state", w->state);
	xj_gen_int(g, "current_step", strcmp(w->state, "open") == 0 ? w->current_seq : 0);
	xj_gen_key(g, "student");
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)w->subject_id);
	xj_gen_str(g, "name", w->student_name);
	xj_school_gen_student_no(g, "student_no", w->student_no);
	yajl_gen_map_close(g);
	xj_gen_str(g, "reason", w->reason[0] ? w->reason : NULL);
	xj_school_gen_time(g, "started_at", w->started_at);
	xj_school_gen_time(g, "closed_at", w->closed_at);
	xj_gen_key(g, "steps");
	yajl_gen_array_open(g);
	for (int i = 0; i < n; i++) {
		const struct xj_wf_step *t = &s[i];
		int open = strcmp(t->state, "open") == 0;
		yajl_gen_map_open(g);
		xj_gen_int(g, "seq", t->seq);
		xj_gen_str(g, "party", t->party);
		xj_gen_str(g, "role", t->role);
		xj_gen_bool(g, "by_exchange", t->by_exchange);
		xj_gen_key(g, "org");
		yajl_gen_map_open(g);
		xj_gen_str(g, "code", t->org_code);
		xj_gen_str(g, "name", t->org_name);
		yajl_gen_map_close(g);
		xj_gen_str(g, "state", t->state);
		xj_gen_str(g, "deadline", t->deadline[0] ? t->deadline : NULL);
		xj_gen_bool(g, "deadline_provisional", t->provisional);
		xj_gen_bool(g, "overdue", open && t->deadline[0] &&
		    (t->overdue || strcmp(t->deadline, today) < 0));
		xj_gen_int(g, "escalations", t->escalations);
		xj_school_gen_time(g, "escalated_at", t->escalated_at);
		xj_gen_str(g, "escalation_reason", t->escalation_reason[0] ? t->escalation_reason : NULL);
		xj_school_gen_time(g, "decided_at", t->decided_at);
		xj_gen_str(g, "reason", t->reason[0] ? t->reason : NULL);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

void
xj_wf_gen_case(yajl_gen g, const struct xj_wf_case *w, const struct xj_wf_step *s, int n,
    const char *today)
{
	yajl_gen_map_open(g);
	gen_case_members(g, w, s, n, today);
	yajl_gen_map_close(g);
}

/* What a kind of case adds to its view (what it is about), by type. */
static const struct {
	const char	*type;
	int		(*fn)(yajl_gen, struct xj_req *, const struct xj_wf_case *);
} details[] = {
	{ "key_data_change", xj_kd_gen_detail },	/* old -> new, keydata.c */
	{ "transfer_national", xj_xmove_gen_detail },	/* the exchange's progress, xmove.c */
	{ "graduate_move_in", xj_xmove_gen_detail },
	/* who asks, from the other province (exchange/xsend.c) */
	{ "transfer_national_out", xj_xsend_gen_detail },
	{ "graduate_move_out", xj_xsend_gen_detail },
};

struct loaded {
	struct xj_wf_case	w;
	struct xj_wf_step	s[XJ_WF_MAX_STEPS];
	int			n;
};

int
xj_wf_answer(struct xj_req *r, unsigned long long id, int status)
{
	struct loaded *L = xj_calloc(r->arena, 1, sizeof(*L));
	char today[XJ_WF_DATE];
	yajl_gen g;
	int rc;

	if (L == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_wf_get(r->db, id, &L->w)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_wf_steps(r->db, id, L->s, &L->n)) != XJ_OK)
		return rc;
	xj_wf_today(today);
	g = xj_resp_json(r, status);
	yajl_gen_map_open(g);
	gen_case_members(g, &L->w, L->s, L->n, today);
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++)
		if (strcmp(details[i].type, L->w.type) == 0 &&
		    (rc = details[i].fn(g, r, &L->w)) != XJ_OK)
			return rc;
	/* what the case's school filed with it (issue 12 item 3) */
	xj_school_gen_case_evidence(r->db, g, id);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* 1 when the actor's org is one of the case's parties or above one. */
static int
case_in_scope(struct xj_db *db, const struct xj_school_actor *a, const struct loaded *L)
{
	const unsigned orgs[] = { L->w.recv_school, L->w.send_school, L->w.recv_county,
	    L->w.send_county };
	struct xj_wf_org o;

	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		if (xj_wf_org(db, orgs[i], &o) == XJ_OK && xj_school_in_scope(a, o.path))
			return 1;
	for (int i = 0; i < L->n; i++)
		if (xj_school_in_scope(a, L->s[i].org_path))
			return 1;
	return 0;
}

static int
load_case(struct xj_req *r, const struct xj_school_actor *a, struct loaded *L)
{
	unsigned long long id;
	int rc;

	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_wf_get(r->db, id, &L->w)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_wf_steps(r->db, id, L->s, &L->n)) != XJ_OK)
		return rc;
	return case_in_scope(r->db, a, L) ? XJ_OK : XJ_E_NOT_FOUND;
}

int
xj_school_wf_case(struct xj_req *r)
{
	struct loaded *L = xj_calloc(r->arena, 1, sizeof(*L));
	struct xj_school_actor a;
	int rc;

	if (L == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = load_case(r, &a, L)) != XJ_OK)
		return rc;
	return xj_wf_answer(r, L->w.id, 200);
}

static void
inbox_item(const struct xj_wf_item *it, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_int(g, "case_id", (long long)it->wf);
	xj_gen_int(g, "step", it->seq);
	xj_gen_str(g, "party", it->party);
	xj_gen_str(g, "type", it->type);
	xj_gen_str(g, "deadline", it->deadline[0] ? it->deadline : NULL);
	xj_gen_bool(g, "deadline_provisional", it->provisional);
	xj_gen_bool(g, "overdue", it->overdue);
	xj_gen_bool(g, "escalated", it->escalations > 0);
	xj_gen_str(g, "student_name", it->student_name);
	xj_school_gen_student_no(g, "student_no", it->student_no);
	/* who asks, from another province's deployment (issue 13 item 7) */
	if (it->asked_school[0]) {
		xj_gen_key(g, "asked_by");
		yajl_gen_map_open(g);
		xj_gen_str(g, "school_code", it->asked_school);
		xj_gen_str(g, "county_code", it->asked_county);
		xj_gen_str(g, "reason", it->asked_reason[0] ? it->asked_reason : NULL);
		yajl_gen_map_close(g);
	} else
		xj_gen_null(g, "asked_by");
	yajl_gen_map_close(g);
}

static void
notice_item(const struct xj_wf_note *n, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_int(g, "case_id", (long long)n->wf);
	xj_gen_int(g, "step", n->seq);
	xj_gen_str(g, "kind", n->kind);
	xj_school_gen_time(g, "at", n->at);
	xj_gen_str(g, "student_name", n->student_name);
	yajl_gen_map_close(g);
}

static void
started_item(const struct xj_wf_started *w, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_int(g, "case_id", (long long)w->wf);
	xj_gen_str(g, "type", w->type);
	xj_gen_int(g, "step", w->step);
	xj_school_gen_time(g, "started_at", w->at);
	xj_gen_str(g, "student_name", w->student_name);
	xj_gen_bool(g, "cross_province", w->exchange);
	yajl_gen_map_close(g);
}

static void
count_item(const struct xj_wf_count *k, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_str(g, "org_code", k->code);
	xj_gen_str(g, "org_name", k->name);
	xj_gen_int(g, "open", k->open);
	xj_gen_int(g, "overdue", k->overdue);
	yajl_gen_map_close(g);
}

int
xj_school_wf_inbox(struct xj_req *r)
{
	struct xj_school_actor a;
	char today[XJ_WF_DATE];
	yajl_gen g;
	int rc;

	a = *xj_school_actor(r);
	xj_wf_today(today);
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "today", today);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_wf_inbox(r->db, a.org.id, today, INBOX_MAX, inbox_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	xj_gen_key(g, "notices");
	yajl_gen_array_open(g);
	if ((rc = xj_wf_notices(r->db, a.org.id, NOTICES_MAX, notice_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	/* the org's own applications still open (pages, issue 14): a
	 * receiving school follows its transfer once its steps are done */
	xj_gen_key(g, "started");
	yajl_gen_array_open(g);
	if ((rc = xj_wf_started(r->db, a.org.id, STARTED_MAX, started_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	/* bureaus: open steps per org of their scope (their own row too) */
	xj_gen_key(g, "counts");
	yajl_gen_array_open(g);
	if (!a.school && (rc = xj_wf_counts(r->db, a.org.path, today, COUNTS_MAX, count_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* ---- decisions ------------------------------------------------------------ */

struct decision_in {
	struct xj_num	 step;
	struct xj_str	 decision;
	struct xj_str	 reason;
};

static int
decision_check(struct xj_str s)
{
	return xj_str_eq(s, "approve") || xj_str_eq(s, "reject") ? XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field decision_fields[] = {
	{ "step", XJ_F_INT, XJ_REQ, 1, XJ_WF_MAX_STEPS, NULL, offsetof(struct decision_in, step), NULL, 0, 0, 0 },
	{ "decision", XJ_F_STR, XJ_REQ, 1, 16, decision_check, offsetof(struct decision_in, decision), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 200, NULL, offsetof(struct decision_in, reason), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct decide_tx {
	struct xj_req	*r;
	struct loaded	*L;
	int		 seq, approve;
	const char	*reason;
};

static const struct xj_wf_step *
step_of(const struct loaded *L, int seq)
{
	for (int i = 0; i < L->n; i++)
		if (L->s[i].seq == seq)
			return &L->s[i];
	return NULL;
}

static int
decide_tx(struct xj_db *db, void *arg)
{
	struct decide_tx *t = arg;
	struct loaded *L = t->L;
	char state[10], sq[8];
	int rc, cur;

	/* the case row first: deciders of one case queue here */
	if ((rc = xj_wf_lock(db, L->w.id, state, &cur)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (strcmp(state, "open") != 0 || cur != t->seq)
		return XJ_E_WF_STEP_DECIDED;
	if ((rc = xj_wf_get(db, L->w.id, &L->w)) != XJ_OK ||
	    (rc = xj_wf_steps(db, L->w.id, L->s, &L->n)) != XJ_OK)
		return rc;
	snprintf(sq, sizeof(sq), "%d", t->seq);
	if (t->approve) {
		if ((rc = xj_wf_approve(db, t->r, &L->w, L->s, L->n, t->seq, t->reason)) != XJ_OK)
			return rc;
	} else {
		if ((rc = xj_wf_reject(db, t->r, &L->w, L->s, L->n, t->seq, t->reason)) != XJ_OK)
			return rc;
	}
	{
		char id[24];
		snprintf(id, sizeof(id), "%llu", L->w.id);
		return xj_school_audit(db, t->r, t->approve ? "workflow.approve" : "workflow.reject",
		    "workflow", id, xj_str_c(sq));
	}
}

/* The open step's role, a column of the chain's data (workflow_type_step),
 * not a copy of the access table: the table's XJ_ACT_WF_DECIDE row admits
 * reviewers and admins of any org at all, the case's step names which
 * org and role decides it (scope `step`, scope.c); an org's admin may
 * decide any of its steps. */
static int
role_may(const char *actor, const char *step)
{
	return actor != NULL && (strcmp(actor, step) == 0 || strcmp(actor, "admin") == 0);
}

int
xj_school_wf_decide(struct xj_req *r)
{
	struct loaded *L = xj_calloc(r->arena, 1, sizeof(*L));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct decision_in in;
	const struct xj_wf_step *s;
	struct decide_tx t;
	int rc;

	if (L == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, decision_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if ((rc = load_case(r, &a, L)) != XJ_OK)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((s = step_of(L, (int)in.step.v)) == NULL)
		return xj_resp_error(r, XJ_E_WF_STEP_DECIDED, "step");
	if (s->org != a.org.id || !role_may(r->actor_role, s->role))
		return XJ_E_WF_NOT_YOUR_STEP;
	/* four eyes: a step the chain gives to the same org as the step
	 * before (a suspension's school review after the school's
	 * submission, R-MOV-6) is decided by someone else than the one who
	 * decided that step. The chain's parties, not the orgs acting now: a
	 * bureau that decided an escalated step in another's place still
	 * decides its own next step (R-ORG-6). */
	{
		const struct xj_wf_step *prev = step_of(L, s->seq - 1);
		if (prev != NULL && prev->party_org == s->party_org && prev->org == s->org &&
		    prev->decided_by == r->actor_id)
			return XJ_E_WF_SAME_PERSON;
	}
	/* a rejection says why; so does a bureau deciding in another's
	 * place (R-ORG-6) */
	if (in.reason.len == 0 && (xj_str_eq(in.decision, "reject") || s->escalations > 0)) {
		xj_ferr_add(&fe, r->arena, "reason", XJ_E_F_REQUIRED);
		return xj_resp_ferrs(r, &fe);
	}
	if (s->by_exchange)
		return XJ_E_WF_EXCHANGE;
	if (strcmp(s->state, "open") != 0 || strcmp(L->w.state, "open") != 0)
		return XJ_E_WF_STEP_DECIDED;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.L = L;
	t.seq = s->seq;
	t.approve = xj_str_eq(in.decision, "approve");
	t.reason = in.reason.p ? xj_strndup(r->arena, in.reason.p, in.reason.len) : "";
	if (t.reason == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_tx_run(r->db, decide_tx, &t)) != XJ_OK)
		return rc;
	return xj_wf_answer(r, L->w.id, 200);
}

/* ---- forced escalation (强制干预, R-MOV-3, R-ORG-6) ------------------------ */

struct escalate_in {
	struct xj_num	 step;
	struct xj_str	 reason;
};

static const struct xj_field escalate_fields[] = {
	{ "step", XJ_F_INT, XJ_REQ, 1, XJ_WF_MAX_STEPS, NULL, offsetof(struct escalate_in, step), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_REQ | XJ_MULTILINE, 1, 200, NULL, offsetof(struct escalate_in, reason), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct escalate_tx {
	struct xj_req		*r;
	struct loaded		*L;
	int			 seq;
	const char		*reason;
	const struct xj_wf_org	*to;
};

static int
escalate_tx(struct xj_db *db, void *arg)
{
	struct escalate_tx *t = arg;
	const struct xj_wf_step *s = step_of(t->L, t->seq);
	char today[XJ_WF_DATE], deadline[XJ_WF_DATE], province[7], state[10], id[24];
	int rc, cur, prov;

	if ((rc = xj_wf_lock(db, t->L->w.id, state, &cur)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (strcmp(state, "open") != 0 || cur != t->seq)
		return XJ_E_WF_STEP_DECIDED;
	xj_wf_today(today);
	xj_wf_province_of(t->to->path, province);
	/* the bureau gets the step's own time to decide, from today */
	if ((rc = xj_wf_add_workdays(db, province, today, s->days ? s->days : 1, deadline,
	    &prov)) != XJ_OK)
		return rc;
	rc = xj_wf_escalate(db, t->L->w.id, t->seq, t->to->id, t->to->path, t->r->actor_id,
	    t->reason, deadline, prov, today);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_WF_NOT_OVERDUE : rc;
	if ((rc = xj_wf_notice(db, t->to->id, t->L->w.id, t->seq, "escalated")) != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%llu", t->L->w.id);
	return xj_school_audit(db, t->r, "workflow.escalate", "workflow", id, xj_str_c(t->to->code));
}

int
xj_school_wf_escalate(struct xj_req *r)
{
	struct loaded *L = xj_calloc(r->arena, 1, sizeof(*L));
	struct xj_wf_org *cur = xj_calloc(r->arena, 1, sizeof(*cur));
	struct xj_wf_org *to = xj_calloc(r->arena, 1, sizeof(*to));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct escalate_in in;
	const struct xj_wf_step *s;
	struct escalate_tx t;
	char today[XJ_WF_DATE];
	unsigned up;
	int rc;

	if (L == NULL || cur == NULL || to == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, escalate_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if ((rc = load_case(r, &a, L)) != XJ_OK)
		return rc;
	/* only the school that started the case forces it on */
	if (L->w.initiator != a.org.id)
		return XJ_E_FORBIDDEN;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	s = step_of(L, (int)in.step.v);
	if (s == NULL || strcmp(s->state, "open") != 0 || strcmp(L->w.state, "open") != 0)
		return XJ_E_WF_STEP_DECIDED;
	if (s->by_exchange)
		return XJ_E_WF_EXCHANGE;
	xj_wf_today(today);
	if (!s->overdue && !(s->deadline[0] && strcmp(s->deadline, today) < 0))
		return XJ_E_WF_NOT_OVERDUE;
	/* the next bureau up the tree from the org acting now: a school's
	 * territorial county, a bureau's parent */
	if ((rc = xj_wf_org(r->db, s->org, cur)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	up = strcmp(cur->kind, "school") == 0 && cur->county_id ? cur->county_id : cur->parent_id;
	if (up == 0)
		return XJ_E_WF_NOT_OVERDUE;	/* the ministry: nobody above */
	if ((rc = xj_wf_org(r->db, up, to)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.L = L;
	t.seq = s->seq;
	t.to = to;
	t.reason = xj_strndup(r->arena, in.reason.p, in.reason.len);
	if (t.reason == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_tx_run(r->db, escalate_tx, &t)) != XJ_OK)
		return rc;
	return xj_wf_answer(r, L->w.id, 200);
}

/* ---- a record's history of cases ------------------------------------------ */

#define HISTORY_MAX	50

struct history {
	struct xj_student	 st;
	struct xj_wf_case	 w;
	struct xj_wf_org	 from, to;
	unsigned long long	 ids[HISTORY_MAX];
};

/* A party's org; id 0 is a party in another deployment (a school of
 * another province in a cross-province move, issue 13 item 7): no org
 * here, shown as code and name null. */
static int
party_org(struct xj_db *db, unsigned id, struct xj_wf_org *o)
{
	memset(o, 0, sizeof(*o));
	return id == 0 ? XJ_OK : xj_wf_org(db, id, o);
}

static void
gen_org(yajl_gen g, const char *key, const struct xj_wf_org *o)
{
	xj_gen_key(g, key);
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", o->code[0] ? o->code : NULL);
	xj_gen_str(g, "name", o->id ? o->name : NULL);
	yajl_gen_map_close(g);
}

int
xj_school_wf_history(struct xj_req *r)
{
	struct history *h = xj_calloc(r->arena, 1, sizeof(*h));
	struct xj_school_actor a;
	unsigned long long id;
	yajl_gen g;
	int rc, n, i;

	if (h == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	/* the record's scope, as its own GET: its school now and above */
	if ((rc = xj_student_get(r->db, id, &h->st)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (!xj_school_in_scope(&a, h->st.school_path))
		return XJ_E_NOT_FOUND;
	if ((rc = xj_wf_by_subject(r->db, id, h->ids, HISTORY_MAX, &n)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++) {
		if ((rc = xj_wf_get(r->db, h->ids[i], &h->w)) != XJ_OK ||
		    (rc = party_org(r->db, h->w.send_school, &h->from)) != XJ_OK ||
		    (rc = party_org(r->db, h->w.recv_school, &h->to)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
		/* a case of ours from another province names the sending
		 * school, no org of ours, by its code (xrecv, school/xmove.c) */
		if (h->w.send_school == 0 &&
		    (rc = xj_xmove_from_code(r->db, h->w.id, h->from.code)) != XJ_OK &&
		    rc != XJ_NO_ROW)
			return rc;
		yajl_gen_map_open(g);
		xj_gen_int(g, "id", (long long)h->w.id);
		xj_gen_str(g, "type", h->w.type);
		xj_gen_str(g, "type_name", h->w.type_name);
		xj_gen_str(g, "state", h->w.state);
		xj_gen_int(g, "current_step", strcmp(h->w.state, "open") == 0 ? h->w.current_seq : 0);
		gen_org(g, "from_school", &h->from);
		gen_org(g, "to_school", &h->to);
		xj_gen_str(g, "reason", h->w.reason[0] ? h->w.reason : NULL);
		xj_school_gen_time(g, "started_at", h->w.started_at);
		xj_school_gen_time(g, "closed_at", h->w.closed_at);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
