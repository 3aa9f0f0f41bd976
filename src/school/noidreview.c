/* noidreview.c -- the district's check of a no-ID certificate (R-COL-7):
 *   GET  /api/school/v1/no-id-reviews?limit=&after=
 *        200 {items, next_after}: registrations of type Z without a
 *        number waiting in `submitted`, in the actor's scope, oldest first
 *   POST /api/school/v1/no-id-reviews/{no}/decision   200 | 403 | 404 | 409 | 422
 * A child registered with document type Z ("其他") has no number public
 * security could check (R-COL-5), so the county bureau of its district
 * checks the no-ID certificate on file: an approval is the state
 * machine's noid_verified, with exactly the consequences of psb_match
 * (local: printable; non-local: the position its five-certificate track
 * says); a rejection is noid_rejected, back to the parent like a PSB
 * mismatch, with a reason the parent reads in the status history.
 * Who: the queue is read by reviewers and admins of any education bureau,
 * within their org (R-ORG-3); the decision is the county's alone
 * (scope.c). A staff member outside those rows gets 403 whatever the
 * target; a registration outside the actor's scope is 404, as one that
 * does not exist. A registration that is not waiting for this check -- a
 * child with a document number, or one already decided -- is 409
 * invalid_transition: the state table refuses the event, nothing changes.
 * Each decision is one transaction: the row locked, the table applied,
 * the conditional move, the history event and the audit entry. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "store/audit.h"
#include "store/noidreview.h"
#include "store/refdata.h"
#include "store/registration.h"
#include "school.h"

#define QUEUE_LIMIT_DEFAULT	50
#define QUEUE_LIMIT_MAX		100
#define REASON_MAX		200	/* characters, as the certificate review's */

/* ---- the queue ------------------------------------------------------ */

/* A decimal number without sign or leading garbage, at most max; -1 if not. */
static int
parse_uint(struct xj_str s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (s.len == 0 || s.len > 20)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9' || v > (max - (unsigned)(s.p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	*out = v;
	return 0;
}

struct queue_ctx {
	yajl_gen			 g;
	const struct xj_refdata		*ref;
	int				 n;
	unsigned long long		 last;
};

static void
queue_item(const struct xj_noid_item *it, void *arg)
{
	struct queue_ctx *q = arg;
	const struct xj_ref_div *div = q->ref ? xj_ref_division(q->ref, it->county) : NULL;
	yajl_gen g = q->g;
	char disp[20];

	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", it->prereg);
	xj_prereg_display(it->prereg, disp);
	xj_gen_str(g, "prereg_no_display", disp);
	xj_gen_key(g, "district");
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", it->county);
	xj_gen_str(g, "name", div ? div->name : NULL);
	yajl_gen_map_close(g);
	xj_gen_key(g, "child");
	yajl_gen_map_open(g);
	xj_gen_str(g, "name", it->child_name);
	xj_gen_str(g, "sex", it->sex);
	xj_gen_str(g, "birth_date", it->birth_date);
	xj_gen_str(g, "id_doc_type", "Z");
	yajl_gen_map_close(g);
	xj_gen_bool(g, "local_family", it->local_family);
	xj_gen_str(g, "cert_state", it->cert);
	xj_gen_int(g, "version", it->version);
	xj_school_gen_time(g, "registered_at", it->created_at);
	xj_school_gen_time(g, "updated_at", it->updated_at);
	yajl_gen_map_close(g);
	q->n++;
	q->last = it->reg_id;
}

int
xj_school_noid_list(struct xj_req *r)
{
	struct xj_school_actor actor;
	unsigned long long after = 0, limit = QUEUE_LIMIT_DEFAULT;
	struct xj_str ql, qa;
	struct queue_ctx q;
	char next[24];
	int rc, e1, e2;

	actor = *xj_school_actor(r);
	ql = xj_req_query(r, "limit", &e1);
	qa = xj_req_query(r, "after", &e2);
	if (e1 != XJ_OK || e2 != XJ_OK)
		return e1 != XJ_OK ? e1 : e2;
	if (ql.p != NULL && (parse_uint(ql, QUEUE_LIMIT_MAX, &limit) != 0 || limit < 1))
		return xj_resp_error(r, XJ_E_BAD_QUERY, "limit");
	/* the cursor is the last item's registration id; ids are signed
	 * 64-bit in the bound parameter */
	if (qa.p != NULL && parse_uint(qa, 0x7fffffffffffffffULL, &after) != 0)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "after");

	memset(&q, 0, sizeof(q));
	q.ref = xj_ref_acquire(r->db, r->arena);
	q.g = xj_resp_json(r, 200);
	yajl_gen_map_open(q.g);
	xj_gen_key(q.g, "items");
	yajl_gen_array_open(q.g);
	if ((rc = xj_noid_queue(r->db, actor.org.path, after, (int)limit, queue_item, &q)) != XJ_OK)
		return rc;
	yajl_gen_array_close(q.g);
	/* a full page may have a next one; an empty next page ends the walk */
	snprintf(next, sizeof(next), "%llu", q.last);
	xj_gen_str(q.g, "next_after", q.n == (int)limit ? next : NULL);
	yajl_gen_map_close(q.g);
	return xj_resp_send(r);
}

/* ---- the decision --------------------------------------------------- */

struct decision_in {
	struct xj_str	 decision;
	struct xj_str	 reason;
	struct xj_num	 version;
};

static int
decision_check(struct xj_str s)
{
	return xj_str_eq(s, "approve") || xj_str_eq(s, "reject") ? XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field decision_fields[] = {
	{ "decision", XJ_F_STR, XJ_REQ, 1, 16, decision_check, offsetof(struct decision_in, decision), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, REASON_MAX, NULL, offsetof(struct decision_in, reason), NULL, 0, 0, 0 },
	/* the version the reviewer looked at (the queue's): a correction
	 * since then is refused rather than decided unseen */
	{ "version", XJ_F_INT, XJ_OPT, 1, 0xffffffffLL, NULL, offsetof(struct decision_in, version), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct decide_tx {
	struct xj_req			*r;
	const struct xj_noid_target	*tgt;
	enum xj_reg_event		 ev;
	const char			*reason;	/* "" = none */
	long long			 version;	/* 0 = not given */
	/* set by decide_tx */
	struct xj_noid_pos		 from;
	struct xj_reg_pos		 to;
};

static void
after_json(yajl_gen g, void *arg)
{
	struct decide_tx *t = arg;

	yajl_gen_map_open(g);
	xj_gen_str(g, "event", xj_reg_event_name(t->ev));
	xj_gen_str(g, "reason", t->reason);
	xj_gen_str(g, "state", xj_reg_state_name(t->to.state));
	xj_gen_str(g, "cert", xj_cert_state_name(t->to.cert));
	xj_gen_int(g, "version", t->from.version);
	yajl_gen_map_close(g);
}

static int
audit(struct xj_db *db, struct decide_tx *t)
{
	struct xj_req *r = t->r;
	struct xj_actor who = { XJ_ACTOR_STAFF, r->actor_id, r->actor_role, r->actor_org,
	    r->id, r->client_addr };
	struct xj_audit a = { t->ev == XJ_REV_NOID_VERIFIED ? "noid.approve" : "noid.reject",
	    "registration", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	char before[128];
	int rc;

	/* canonical JSON of the change; only its digests are stored */
	snprintf(before, sizeof(before), "{\"state\":\"%s\",\"cert\":\"%s\",\"version\":%u}",
	    xj_reg_state_name(t->from.pos.state), xj_cert_state_name(t->from.pos.cert),
	    t->from.version);
	a.target_id = xj_str_c(t->tgt->prereg);
	a.before = xj_str_c(before);
	if ((rc = xj_gen_text(r->arena, after_json, t, &a.after)) != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

/* The unit of work; re-runnable (everything it sets is set again). */
static int
decide_tx(struct xj_db *db, void *arg)
{
	struct decide_tx *t = arg;
	int rc;

	if ((rc = xj_noid_lock(db, t->tgt->reg_id, &t->from)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* corrected since the reviewer looked: decide what was seen, or nothing */
	if (t->version && (unsigned long long)t->version != t->from.version)
		return XJ_E_REG_TRANSITION;
	/* decided already, a child with a number, a registration that ended:
	 * the table refuses */
	if ((rc = xj_reg_next_doc(t->from.pos, t->ev, t->from.local_family, t->from.noid,
	    &t->to)) != XJ_OK)
		return rc;
	/* the row is locked: a conflict would mean another writer ignored
	 * the lock order; refuse rather than guess */
	if ((rc = xj_reg_move(db, t->tgt->reg_id, t->from.pos, t->to)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if ((rc = xj_reg_event(db, t->tgt->reg_id, xj_reg_event_name(t->ev),
	    xj_reg_state_name(t->to.state), t->reason)) != XJ_OK)
		return rc;
	return audit(db, t);
}

/* The registration {no}, if the actor's scope holds it: XJ_OK; or a 422
 * already sent for a mistyped number (r->responded); or 404. */
static int
load(struct xj_req *r, const struct xj_school_actor *actor, struct xj_noid_target *tgt)
{
	struct xj_str no = xj_route_param(&r->params, "no");
	struct xj_ferrs fe = { 0 };
	struct xj_prereg p;
	int rc;

	if ((rc = xj_prereg_parse(no, &p)) != XJ_OK) {
		xj_ferr_add(&fe, r->arena, "prereg_no", rc);
		return xj_resp_ferrs(r, &fe);
	}
	if ((rc = xj_noid_target(r->db, p.canon, tgt)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* R-ORG-3 */
	if (tgt->county_path[0] == '\0' || !xj_school_in_scope(actor, tgt->county_path))
		return XJ_E_NOT_FOUND;
	return XJ_OK;
}

int
xj_school_noid_decide(struct xj_req *r)
{
	struct xj_noid_target tgt;
	struct xj_school_actor actor;
	struct xj_ferrs fe = { 0 };
	struct decision_in in;
	struct decide_tx t;
	char disp[20];
	yajl_gen g;
	int rc;

	actor = *xj_school_actor(r);
	/* the target before the body: outside the scope every answer is 404 */
	memset(&tgt, 0, sizeof(tgt));
	if ((rc = load(r, &actor, &tgt)) != XJ_OK || r->responded)
		return rc;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, decision_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	/* a refusal must say why: the parent reads it and corrects (a
	 * reason the binder refused is reported once, as it is) */
	if (in.decision.p && xj_str_eq(in.decision, "reject") &&
	    (in.reason.p == NULL || xj_str_blank(in.reason)) && !xj_ferr_has(&fe, "reason"))
		xj_ferr_add(&fe, r->arena, "reason", XJ_E_F_REQUIRED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);

	memset(&t, 0, sizeof(t));
	t.r = r;
	t.tgt = &tgt;
	t.ev = xj_str_eq(in.decision, "approve") ? XJ_REV_NOID_VERIFIED : XJ_REV_NOID_REJECTED;
	t.version = in.version.set ? in.version.v : 0;
	t.reason = in.reason.p && !xj_str_blank(in.reason) ?
	    xj_strndup(r->arena, in.reason.p, in.reason.len) : "";
	if (t.reason == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_tx_run(r->db, decide_tx, &t)) != XJ_OK)
		return rc;

	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", tgt.prereg);
	xj_prereg_display(tgt.prereg, disp);
	xj_gen_str(g, "prereg_no_display", disp);
	xj_gen_str(g, "decision", t.ev == XJ_REV_NOID_VERIFIED ? "approve" : "reject");
	xj_gen_str(g, "event", xj_reg_event_name(t.ev));
	xj_gen_str(g, "reason", t.reason[0] ? t.reason : NULL);
	xj_gen_str(g, "state", xj_reg_state_name(t.to.state));
	xj_gen_str(g, "cert_state", xj_cert_state_name(t.to.cert));
	xj_gen_int(g, "version", t.from.version);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
