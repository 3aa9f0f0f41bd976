/* districtchange.c -- a change of district after the collection window
 * (R-COL-4), decided by the two counties concerned:
 *   GET  /api/school/v1/district-changes?state=         200 {items}: requests
 *        from or to a county in the actor's scope, newest first
 *   POST /api/school/v1/district-changes/{id}/revoke    200 | 403 | 404 | 409
 *        the old county revokes the registration made with it
 *   POST /api/school/v1/district-changes/{id}/decision  200 | 403 | 404 | 409 | 422
 *        {decision: approve|refuse, reason}: the new county decides
 * Either county sees the request; the other county's step answers 403,
 * anyone else 404. Approval voids the old registration (state machine:
 * district_change_approved -> void; refused once a school accepted the
 * child), frees the child's claim, and creates the registration in the new
 * district for the same parent with the same child and guardian data: a
 * new pre-registration number, identity verification queued again, the
 * certificate track (non-local families) starting over with the new
 * district. Why a copy rather than letting the parent register anew:
 * docs/architecture.md, "District changes after the window". */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <openssl/rand.h>

#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "store/admission.h"
#include "store/certreview.h"
#include "store/registration.h"
#include "school.h"

#define PREREG_TRIES	8

static void
gen_case(yajl_gen g, const struct xj_change_case *d)
{
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)d->id);
	xj_gen_str(g, "prereg_no", d->prereg);
	xj_gen_str(g, "child_name", d->child_name);
	xj_gen_str(g, "from_district", d->from_county);
	xj_gen_str(g, "to_district", d->to_county);
	xj_gen_str(g, "state", d->state);
	xj_gen_str(g, "reason", d->reason[0] ? d->reason : NULL);
	xj_gen_str(g, "decision_reason", d->decision_reason[0] ? d->decision_reason : NULL);
	xj_school_gen_time(g, "requested_at", d->requested_at);
	xj_school_gen_time(g, "revoked_at", d->revoked_at);
	xj_school_gen_time(g, "decided_at", d->decided_at);
	xj_gen_str(g, "new_prereg_no", d->new_prereg[0] ? d->new_prereg : NULL);
	yajl_gen_map_close(g);
}

static void
case_item(const struct xj_change_case *d, void *arg)
{
	gen_case(arg, d);
}

int
xj_school_change_list(struct xj_req *r)
{
	static const char *const states[] = { "requested", "revoked", "approved", "refused", NULL };
	struct xj_school_actor a;
	const char *state = "";
	struct xj_str qs;
	yajl_gen g;
	int rc, e;

	a = *xj_school_actor(r);
	qs = xj_req_query(r, "state", &e);
	if (e != XJ_OK)
		return e;
	if (qs.p != NULL) {
		const char *const *s;
		for (s = states; *s && !xj_str_eq(qs, *s); s++)
			;
		if (*s == NULL)
			return xj_resp_error(r, XJ_E_BAD_QUERY, "state");
		state = *s;
	}
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_adm_change_queue(r->db, a.org.path, state, case_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* The request {id} for the county whose step it is (old = 1: the old
 * county's revoke; 0: the new county's decision). The other county: 403;
 * anyone else: 404. */
static int
load(struct xj_req *r, struct xj_school_actor *a, int old, struct xj_change_case *d)
{
	unsigned long long id;
	int rc, mine, other;

	*a = *xj_school_actor(r);
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_adm_change_get(r->db, id, d)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	mine = xj_school_in_scope(a, old ? d->from_path : d->to_path);
	other = xj_school_in_scope(a, old ? d->to_path : d->from_path);
	if (!mine)
		return other ? XJ_E_FORBIDDEN : XJ_E_NOT_FOUND;
	return XJ_OK;
}

static int
answer(struct xj_req *r, unsigned long long id)
{
	struct xj_change_case *d = xj_calloc(r->arena, 1, sizeof(*d));
	yajl_gen g;
	int rc;

	if (d == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_adm_change_get(r->db, id, d)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	g = xj_resp_json(r, 200);
	gen_case(g, d);
	return xj_resp_send(r);
}

struct change_tx {
	struct xj_req		*r;
	struct xj_change_case	*d;
	int			 approve;
	const char		*reason;
	struct xj_reg_rec	*old, *rec;
};

static int
revoke_tx(struct xj_db *db, void *arg)
{
	struct change_tx *t = arg;
	int rc;

	if ((rc = xj_adm_change_revoke(db, t->d->id, t->r->actor_id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	return xj_school_audit(db, t->r, "district_change.revoke", "registration", t->d->prereg,
	    xj_str_c(t->d->to_county));
}

int
xj_school_change_revoke(struct xj_req *r)
{
	struct xj_change_case *d = xj_calloc(r->arena, 1, sizeof(*d));
	struct xj_school_actor a;
	struct change_tx t;
	int rc;

	if (d == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = load(r, &a, 1, d)) != XJ_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.d = d;
	if ((rc = xj_tx_run(r->db, revoke_tx, &t)) != XJ_OK)
		return rc;
	return answer(r, d->id);
}

/* Approval: void the old form, register the same child in the new
 * district (R-COL-4), in one transaction. */
static int
approve(struct xj_db *db, struct change_tx *t)
{
	struct xj_reg_rec *old = t->old, *rec = t->rec;
	struct xj_reg_pos to;
	int rc, i;

	memset(old, 0, sizeof(*old));
	if ((rc = xj_reg_get(db, t->d->prereg, old)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_reg_next(old->pos, XJ_REV_DISTRICT_CHANGE_APPROVED, old->local_family, &to)) != XJ_OK)
		return rc;
	if ((rc = xj_reg_move(db, old->id, old->pos, to)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if ((rc = xj_reg_unclaim(db, old->id)) != XJ_OK ||
	    (rc = xj_reg_psb_supersede(db, old->id)) != XJ_OK ||
	    (rc = xj_certreview_withdraw(db, old->id)) != XJ_OK ||
	    (rc = xj_reg_event(db, old->id, xj_reg_event_name(XJ_REV_DISTRICT_CHANGE_APPROVED),
	    xj_reg_state_name(to.state), t->d->to_county)) != XJ_OK)
		return rc;
	/* the same child and guardians, a new number in the new district;
	 * identity and (non-local) certificates are checked again there */
	memcpy(rec, old, sizeof(*rec));
	snprintf(rec->county, sizeof(rec->county), "%s", t->d->to_county);
	rec->school_org_id = 0;
	rec->pos.state = XJ_REG_SUBMITTED;
	rec->pos.cert = XJ_CERT_NONE;
	rec->study_permit[0] = '\0';
	/* with its claim, guardians, "registered" event (naming the old
	 * number) and R-COL-5's PSB request; a child without a document
	 * number (type Z, R-COL-7) waits for the new district's check of its
	 * no-ID certificate instead */
	rc = XJ_E_CONFLICT;
	for (i = 0; i < PREREG_TRIES && rc == XJ_E_CONFLICT; i++) {
		unsigned rnd;
		if (RAND_bytes((unsigned char *)&rnd, sizeof(rnd)) != 1)
			return XJ_E_INTERNAL;
		if (xj_prereg_make(rec->year, rec->county, rnd % 10000000u, rec->prereg) != XJ_OK)
			return XJ_E_INTERNAL;
		rc = xj_reg_insert(db, rec, old->prereg, 1);
	}
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_BUSY : rc;
	if ((rc = xj_adm_change_decide(db, t->d->id, "revoked", "approved", t->r->actor_id,
	    t->reason, rec->id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	return xj_school_audit(db, t->r, "district_change.approve", "registration", old->prereg,
	    xj_str_c(rec->prereg));
}

static int
decide_tx(struct xj_db *db, void *arg)
{
	struct change_tx *t = arg;
	int rc;

	if (t->approve)
		return approve(db, t);
	rc = xj_adm_change_decide(db, t->d->id, t->d->state, "refused", t->r->actor_id,
	    t->reason, 0);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	return xj_school_audit(db, t->r, "district_change.refuse", "registration", t->d->prereg,
	    xj_str_c(t->reason));
}

struct decision_in {
	struct xj_str	 decision;
	struct xj_str	 reason;
};

static int
decision_check(struct xj_str s)
{
	return xj_str_eq(s, "approve") || xj_str_eq(s, "refuse") ? XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field decision_fields[] = {
	{ "decision", XJ_F_STR, XJ_REQ, 1, 16, decision_check, offsetof(struct decision_in, decision), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 200, NULL, offsetof(struct decision_in, reason), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

int
xj_school_change_decide(struct xj_req *r)
{
	struct xj_change_case *d = xj_calloc(r->arena, 1, sizeof(*d));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct decision_in in;
	struct change_tx t;
	int rc;

	if (d == NULL)
		return XJ_E_TOO_COMPLEX;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, decision_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (in.decision.p && xj_str_eq(in.decision, "refuse") && in.reason.len == 0)
		xj_ferr_add(&fe, r->arena, "reason", XJ_E_F_REQUIRED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((rc = load(r, &a, 0, d)) != XJ_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.d = d;
	t.approve = xj_str_eq(in.decision, "approve");
	t.reason = in.reason.p ? xj_strndup(r->arena, in.reason.p, in.reason.len) : "";
	t.old = xj_calloc(r->arena, 1, sizeof(*t.old));
	t.rec = xj_calloc(r->arena, 1, sizeof(*t.rec));
	if (t.reason == NULL || t.old == NULL || t.rec == NULL)
		return XJ_E_TOO_COMPLEX;
	/* a refusal from a state already decided is refused by the update */
	if (!t.approve && strcmp(d->state, "requested") != 0 && strcmp(d->state, "revoked") != 0)
		return XJ_E_REG_TRANSITION;
	if ((rc = xj_tx_run(r->db, decide_tx, &t)) != XJ_OK)
		return rc;
	return answer(r, d->id);
}
