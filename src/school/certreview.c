/* certreview.c -- the district's review of a non-local family's five
 * certificates (五证, R-COL-9):
 *   GET  /api/school/v1/certificate-reviews?state=&limit=&after=
 *        200 {items, next_after}: the queue of the actor's scope, oldest first
 *   GET  /api/school/v1/certificate-reviews/{no}            200 | 404 | 422
 *   POST /api/school/v1/certificate-reviews/{no}/decision   200 | 403 | 404 | 409 | 422
 * Who (scope.c, XJ_ACT_CERT_READ and _DECIDE, enforced by the
 * dispatcher): reviewers and admins of an education bureau read; the
 * decision is the child's county's (review L9). Anyone else -- a clerk,
 * any school's staff, a bureau above the county deciding -- is refused
 * with 403 whatever the target, so the answer tells nothing about the
 * registration. Scope (R-ORG-3):
 * the registration's county must lie within the actor's org (a county
 * sees its district, a city or province everything below it); outside
 * it, as for a number that does not exist, 404. An approval issues the
 * study permit number (domain/studypermit.h) and, once identity is
 * verified, makes the collection form printable; a rejection carries a
 * reason the parent reads and may answer by filing again. Every decision
 * is audited with the reviewer, role and org, in its own transaction. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "auth/readaudit.h"
#include "auth/auth.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/json.h"
#include "core/req.h"
#include "crypto/fieldmask.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/certreview.h"
#include "store/org.h"
#include "store/refdata.h"
#include "store/registration.h"
#include "school.h"

#define QUEUE_LIMIT_DEFAULT	50
#define QUEUE_LIMIT_MAX		100

/* The review named by {no}, if the actor's scope holds it: XJ_OK; or a
 * 422 already sent for a mistyped number (r->responded); or 404. */
static int
load(struct xj_req *r, const struct xj_org *actor, struct xj_certreview *rv)
{
	struct xj_str no = xj_route_param(&r->params, "no");
	struct xj_ferrs fe = { 0 };
	struct xj_prereg p;
	struct xj_org county;
	int rc;

	if ((rc = xj_prereg_parse(no, &p)) != XJ_OK) {
		xj_ferr_add(&fe, r->arena, "prereg_no", rc);
		return xj_resp_ferrs(r, &fe);
	}
	if ((rc = xj_certreview_get(r->db, p.canon, rv)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	memset(&county, 0, sizeof(county));
	snprintf(county.path, sizeof(county.path), "%s", rv->county_path);
	/* R-ORG-3; and a registration without filed certificates has no
	 * review to show */
	if (rv->county_org_id == 0 || !xj_org_within(&county, actor) || rv->state[0] == '\0')
		return XJ_E_NOT_FOUND;
	return XJ_OK;
}

static void
gen_district(yajl_gen g, const struct xj_refdata *ref, const char *county)
{
	const struct xj_ref_div *div = ref ? xj_ref_division(ref, county) : NULL;

	xj_gen_key(g, "district");
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", county);
	xj_gen_str(g, "name", div ? div->name : NULL);
	yajl_gen_map_close(g);
}

/* The review as a reviewer reads it. */
static int
view(struct xj_req *r, const struct xj_certreview *rv)
{
	static const struct xj_json_limits lim = { 4, 64, XJ_CERT_DETAILS_MAX };
	const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
	struct xj_json *details = NULL;
	char disp[20];
	yajl_gen g;
	int rc;

	char row[XJ_REG_ROW_MAX];

	/* M9: decrypted, the permit and hukou book numbers masked; bound to
	 * the registration's row (L1) */
	xj_reg_row(rv->prereg, -1, row);
	if ((rc = xj_field_json_masked(xj_auth_keys(), XJ_CERT_DETAILS_AAD, row, rv->details_ct,
	    rv->details_ct_len, rv->details, rv->details_len, r->arena, &lim,
	    xj_cert_masked_members, &details)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", rv->prereg);
	xj_prereg_display(rv->prereg, disp);
	xj_gen_str(g, "prereg_no_display", disp);
	xj_gen_int(g, "year", rv->year);
	gen_district(g, ref, rv->county);
	xj_gen_key(g, "child");
	yajl_gen_map_open(g);
	xj_gen_str(g, "name", rv->child_name);
	xj_gen_str(g, "sex", rv->sex);
	xj_gen_str(g, "birth_date", rv->birth_date);
	xj_gen_str(g, "hukou_location", rv->hukou_code);
	yajl_gen_map_close(g);
	xj_gen_str(g, "registration_state", xj_reg_state_name(rv->pos.state));
	xj_gen_bool(g, "identity_verified", rv->pos.state != XJ_REG_SUBMITTED &&
	    rv->pos.state != XJ_REG_ID_MISMATCH && rv->pos.state != XJ_REG_ID_REJECTED);
	xj_gen_str(g, "state", rv->state);
	xj_gen_tree(g, "details", details);
	xj_school_gen_time(g, "submitted_at", rv->submitted_at);
	xj_school_gen_time(g, "reviewed_at", rv->reviewed_at);
	xj_gen_key(g, "reviewer");
	if (rv->reviewer_id) {
		yajl_gen_map_open(g);
		xj_gen_int(g, "id", rv->reviewer_id);
		xj_gen_str(g, "display_name", rv->reviewer_name);
		yajl_gen_map_close(g);
	} else
		yajl_gen_null(g);
	xj_gen_str(g, "reason", rv->reason[0] ? rv->reason : NULL);
	xj_gen_str(g, "study_permit_no", rv->study_permit[0] ? rv->study_permit : NULL);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_school_certreview_get(struct xj_req *r)
{
	struct xj_certreview *rv = xj_calloc(r->arena, 1, sizeof(*rv));
	struct xj_org actor;
	int rc;

	if (rv == NULL)
		return XJ_E_TOO_COMPLEX;
	actor = xj_school_actor(r)->org;
	if ((rc = load(r, &actor, rv)) != XJ_OK || r->responded)
		return rc;
	/* M6: the filed certificates name guardians and their documents */
	if ((rc = xj_audit_read(r, "certificate_review.read", "registration", rv->prereg,
	    NULL, 1)) != XJ_OK)
		return rc;
	return view(r, rv);
}

/* ---- the queue ------------------------------------------------------ */

/* The keyset cursor is the last item's submitted_at as 20 digits
 * (YYYYMMDDHHMMSSffffff, UTC) and its registration id: "digits.id".
 * Into at "YYYY-MM-DD HH:MM:SS.ffffff" and *id; -1 if malformed. */
static int
cursor_parse(struct xj_str c, char at[27], unsigned long long *id)
{
	const char *d = c.p;
	size_t i;

	if (c.len < 22 || c.len > 41 || d[20] != '.')
		return -1;
	for (i = 0; i < c.len; i++)
		if (i != 20 && (d[i] < '0' || d[i] > '9'))
			return -1;
	snprintf(at, 27, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s.%.6s", d, d + 4, d + 6, d + 8,
	    d + 10, d + 12, d + 14);
	*id = 0;
	for (i = 21; i < c.len; i++) {
		if (*id > (~0ULL - 9) / 10)
			return -1;
		*id = *id * 10 + (unsigned long long)(d[i] - '0');
	}
	return 0;
}

struct queue_ctx {
	yajl_gen			 g;
	const struct xj_refdata		*ref;
	int				 n;
	char				 last[44];
};

static void
queue_item(const struct xj_certreview_item *it, void *arg)
{
	struct queue_ctx *q = arg;
	yajl_gen g = q->g;
	char disp[20];

	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", it->prereg);
	xj_prereg_display(it->prereg, disp);
	xj_gen_str(g, "prereg_no_display", disp);
	xj_gen_str(g, "child_name", it->child_name);
	gen_district(g, q->ref, it->county);
	xj_gen_str(g, "state", it->state);
	xj_gen_str(g, "registration_state", it->reg_state);
	xj_school_gen_time(g, "submitted_at", it->submitted_at);
	xj_school_gen_time(g, "reviewed_at", it->reviewed_at);
	yajl_gen_map_close(g);
	q->n++;
	snprintf(q->last, sizeof(q->last), "%s.%llu", it->cursor, it->reg_id);
}

int
xj_school_certreview_list(struct xj_req *r)
{
	static const char *const states[] = { "submitted", "approved", "rejected", NULL };
	struct qargs {
		const char		*state;
		int			 limit;
		char			 at[27];	/* keyset: after this submitted_at ... */
		unsigned long long	 id;		/* ... and registration id */
	} a = { "submitted", QUEUE_LIMIT_DEFAULT, "1000-01-01 00:00:00.000000", 0 };
	struct xj_str qs, ql, qa;
	struct queue_ctx q;
	struct xj_org actor;
	int rc, e1, e2, e3;

	actor = xj_school_actor(r)->org;
	qs = xj_req_query(r, "state", &e1);
	ql = xj_req_query(r, "limit", &e2);
	qa = xj_req_query(r, "after", &e3);
	if (e1 != XJ_OK || e2 != XJ_OK || e3 != XJ_OK)
		return e1 != XJ_OK ? e1 : e2 != XJ_OK ? e2 : e3;
	if (qs.p != NULL) {
		const char *const *s;
		for (s = states; *s && !xj_str_eq(qs, *s); s++)
			;
		if (*s == NULL)
			return xj_resp_error(r, XJ_E_BAD_QUERY, "state");
		a.state = *s;
	}
	if (ql.p != NULL) {
		a.limit = 0;
		for (size_t i = 0; i < ql.len; i++) {
			if (ql.p[i] < '0' || ql.p[i] > '9' || a.limit > QUEUE_LIMIT_MAX)
				return xj_resp_error(r, XJ_E_BAD_QUERY, "limit");
			a.limit = a.limit * 10 + (ql.p[i] - '0');
		}
		if (a.limit < 1 || a.limit > QUEUE_LIMIT_MAX)
			return xj_resp_error(r, XJ_E_BAD_QUERY, "limit");
	}
	if (qa.p != NULL && cursor_parse(qa, a.at, &a.id) != 0)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "after");

	memset(&q, 0, sizeof(q));
	q.ref = xj_ref_acquire(r->db, r->arena);
	q.g = xj_resp_json(r, 200);
	yajl_gen_map_open(q.g);
	xj_gen_key(q.g, "items");
	yajl_gen_array_open(q.g);
	if ((rc = xj_certreview_queue(r->db, actor.path, a.state, a.at, a.id, a.limit,
	    queue_item, &q)) != XJ_OK)
		return rc;
	yajl_gen_array_close(q.g);
	/* a full page may have a next one; an empty next page ends the walk */
	xj_gen_str(q.g, "next_after", q.n == a.limit ? q.last : NULL);
	yajl_gen_map_close(q.g);
	return xj_resp_send(r);
}

/* ---- the decision --------------------------------------------------- */

struct decision_in {
	struct xj_str	 decision;
	struct xj_str	 reason;
};

static int
decision_check(struct xj_str s)
{
	return xj_str_eq(s, "approve") || xj_str_eq(s, "reject") ? XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field decision_fields[] = {
	{ "decision", XJ_F_STR, XJ_REQ, 1, 16, decision_check, offsetof(struct decision_in, decision), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 200, NULL, offsetof(struct decision_in, reason), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct decide_tx {
	struct xj_req		*r;
	struct xj_certreview	*rv;
	int			 approve;
	const char		*reason;	/* "" = none */
	char			 permit[XJ_STUDY_PERMIT_LEN + 1];
};

static void
decision_json(yajl_gen g, void *arg)
{
	struct decide_tx *t = arg;

	yajl_gen_map_open(g);
	xj_gen_str(g, "decision", t->approve ? "approve" : "reject");
	xj_gen_str(g, "reason", t->reason[0] ? t->reason : NULL);
	xj_gen_str(g, "study_permit_no", t->permit[0] ? t->permit : NULL);
	yajl_gen_map_close(g);
}

static int
decide_tx(struct xj_db *db, void *arg)
{
	struct decide_tx *t = arg;
	struct xj_req *r = t->r;
	struct xj_certreview *rv = t->rv;
	struct xj_actor who = { XJ_ACTOR_STAFF, r->actor_id, r->actor_role, r->actor_org,
	    r->id, r->client_addr };
	struct xj_audit a = { t->approve ? "certificates.approve" : "certificates.reject",
	    "registration", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	struct xj_reg_pos from, to;
	char review[16];
	int rc, local;

	t->permit[0] = '\0';
	if ((rc = xj_certreview_lock(db, rv->reg_id, &from, &local, review)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* decided already (or refiled since the reviewer looked: the lock
	 * says what holds now) */
	if (strcmp(review, "submitted") != 0)
		return XJ_E_REG_TRANSITION;
	if ((rc = xj_reg_next(from, t->approve ? XJ_REV_CERTS_APPROVED : XJ_REV_CERTS_REJECTED,
	    local, &to)) != XJ_OK)
		return rc;
	rc = xj_certreview_decide(db, rv->reg_id, t->approve ? "approved" : "rejected",
	    r->actor_id, t->reason);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if (t->approve && (rc = xj_study_permit_issue(db, rv->reg_id, rv->county, rv->year,
	    t->permit)) != XJ_OK)
		return rc;
	if ((rc = xj_reg_move(db, rv->reg_id, from, to)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if ((rc = xj_reg_event(db, rv->reg_id,
	    xj_reg_event_name(t->approve ? XJ_REV_CERTS_APPROVED : XJ_REV_CERTS_REJECTED),
	    xj_reg_state_name(to.state), t->approve ? t->permit : t->reason)) != XJ_OK)
		return rc;
	a.target_id = xj_str_c(rv->prereg);
	a.before = (struct xj_str){ rv->details_len, rv->details };
	if ((rc = xj_gen_text(r->arena, decision_json, t, &a.after)) != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

int
xj_school_certreview_decide(struct xj_req *r)
{
	struct xj_certreview *rv = xj_calloc(r->arena, 1, sizeof(*rv));
	struct xj_ferrs fe = { 0 };
	struct decision_in in;
	struct decide_tx t;
	struct xj_org actor;
	int rc;

	if (rv == NULL)
		return XJ_E_TOO_COMPLEX;
	actor = xj_school_actor(r)->org;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, decision_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	/* a refusal must say why: the parent reads it and files again */
	if (in.decision.p && xj_str_eq(in.decision, "reject") &&
	    (in.reason.p == NULL || xj_str_blank(in.reason)) && !xj_ferr_has(&fe, "reason"))
		xj_ferr_add(&fe, r->arena, "reason", XJ_E_F_REQUIRED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((rc = load(r, &actor, rv)) != XJ_OK || r->responded)
		return rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.rv = rv;
	t.approve = xj_str_eq(in.decision, "approve");
	t.reason = in.reason.p && !xj_str_blank(in.reason) ?
	    xj_strndup(r->arena, in.reason.p, in.reason.len) : "";
	if (t.reason == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_tx_run(r->db, decide_tx, &t)) != XJ_OK)
		return rc;
	if ((rc = xj_certreview_get(r->db, rv->prereg, rv)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return view(r, rv);
}
