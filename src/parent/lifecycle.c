/* lifecycle.c -- what a parent does with a registration after creating
 * it (R-COL-4, issue 3 §4):
 *   PUT  /api/parent/v1/registrations/{no}          correct (inside the window):
 *        the whole form again; identity verification starts over
 *        (R-COL-5); 200 | 403 window closed | 409 invalid_transition |
 *        409 duplicate_child (a corrected number of a registered child) | 422
 *   POST /api/parent/v1/registrations/{no}/cancel   (inside the window):
 *        frees the child for another district; 200 | 403 | 409
 *   POST /api/parent/v1/registrations/{no}/district-change
 *        (after the window): a request the old district revokes and the
 *        new district approves (school portal); 201 | 409
 *   GET  /api/parent/v1/registrations/{no}/district-change   its requests */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/age.h"
#include "domain/division.h"
#include "domain/idnum.h"
#include "domain/regstate.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/certreview.h"
#include "store/org.h"
#include "store/policy.h"
#include "store/refdata.h"
#include "store/registration.h"
#include "parent.h"
#include "regform.h"
#include "regview.h"

/* R-COL-1: is the window of the registration's district open now? */
static int
window_open(struct xj_req *r, const char *county, int *open)
{
	struct xj_window w;
	struct xj_localtime now;
	int rc;

	xj_utc_to_shanghai((long long)time(NULL), &now);
	rc = xj_policy_window(r->db, now.year, county, &w);
	if (rc == XJ_NO_ROW) {
		*open = 0;
		return XJ_OK;
	}
	if (rc != XJ_OK)
		return rc;
	*open = xj_window_open(&w, (long long)time(NULL));
	return XJ_OK;
}

static int
audit(struct xj_db *db, struct xj_req *r, const char *action, const char *prereg)
{
	struct xj_actor who = { XJ_ACTOR_PARENT, r->actor_id, NULL, 0, r->id, r->client_addr };
	struct xj_audit a = { action, "registration", xj_str_c(prereg), XJ_STR_NULL, XJ_STR_NULL };

	return xj_audit_append(db, &who, &a);
}

/* ---- correct ------------------------------------------------------- */

struct correct_tx {
	struct xj_req		*r;
	const struct xj_refdata	*ref;
	struct xj_reg_rec	*old, *rec;
	struct xj_org		*school;
};

static int
correct_tx(struct xj_db *db, void *arg)
{
	struct correct_tx *t = arg;
	int rc;

	/* the child's identity may have been the mistake: move the claim */
	if (memcmp(t->old->child_bidx, t->rec->child_bidx, 32) != 0) {
		if ((rc = xj_reg_unclaim(db, t->old->id)) != XJ_OK)
			return rc;
		if ((rc = xj_reg_claim(db, t->rec->child_bidx, t->old->id)) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_DUPLICATE_CHILD : rc;
	}
	if ((rc = xj_reg_update(db, t->rec, t->old->pos, t->old->version)) != XJ_OK ||
	    (rc = xj_reg_psb_supersede(db, t->old->id)) != XJ_OK ||
	    (t->rec->idn_ct_len &&
	    (rc = xj_reg_psb_enqueue(db, t->old->id, t->old->version + 1)) != XJ_OK) ||
	    (rc = xj_reg_event(db, t->old->id, xj_reg_event_name(XJ_REV_CORRECTED),
	    xj_reg_state_name(t->rec->pos.state), "")) != XJ_OK)
		return rc;
	return audit(db, t->r, "registration.correct", t->old->prereg);
}

int
xj_parent_reg_correct(struct xj_req *r)
{
	const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
	struct xj_reg_rec *old = xj_calloc(r->arena, 1, sizeof(*old));
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct xj_ferrs fe = { 0 };
	struct xj_org county, school;
	struct correct_tx t;
	char school_code[11];
	int rc, open;

	if (ref == NULL)
		return XJ_E_UNAVAILABLE;
	if (old == NULL || rec == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, old)) != XJ_OK || r->responded)
		return rc;
	if ((rc = xj_regform_read(r, ref, rec, school_code, &fe)) != XJ_OK)
		return rc;
	/* another district is a new registration (cancel first) */
	if (rec->county[0] && strcmp(rec->county, old->county) != 0)
		xj_ferr_add(&fe, r->arena, "district", XJ_E_F_CODE);
	memset(&school, 0, sizeof(school));
	if (!fe.n && school_code[0]) {
		if ((rc = xj_org_by_code(r->db, "county", old->county, &county)) != XJ_OK)
			return rc;
		rc = xj_org_by_code(r->db, "school", school_code, &school);
		if (rc == XJ_OK && xj_org_within(&school, &county))
			rc = xj_org_by_id(r->db, school.id, &school);
		else if (rc == XJ_OK || rc == XJ_NO_ROW) {
			xj_ferr_add(&fe, r->arena, "school_code", XJ_E_F_CODE);
			rc = XJ_OK;
		}
		if (rc != XJ_OK)
			return rc;
	}
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((rc = window_open(r, old->county, &open)) != XJ_OK)
		return rc;
	if (!open)
		return XJ_E_WINDOW_CLOSED;
	if ((rc = xj_reg_next(old->pos, XJ_REV_CORRECTED, old->local_family, &rec->pos)) != XJ_OK)
		return rc;
	/* what does not come from the form stays */
	rec->id = old->id;
	memcpy(rec->prereg, old->prereg, sizeof(rec->prereg));
	if ((rc = xj_regform_seal(rec)) != XJ_OK)
		return rc;
	rec->year = old->year;
	rec->parent_id = old->parent_id;
	rec->school_org_id = school.id;
	rec->age_warning = old->age_warning;
	{
		int min_age, cm, cd, by, bm, bd;
		char prov[7];
		snprintf(prov, sizeof(prov), "%.2s0000", old->county);
		rc = xj_policy_age(r->db, prov, &min_age, &cm, &cd);
		if (rc == XJ_OK && xj_date_parse(xj_str_c(rec->birth_date), &by, &bm, &bd) == XJ_OK)
			rec->age_warning = xj_age_ok_for_entry(by, bm, bd, old->year, cm, cd, min_age) == 0;
		else if (rc != XJ_OK && rc != XJ_NO_ROW)
			return rc;
	}
	/* the local/non-local verdict follows the corrected hukou; a change
	 * of it is a different family situation: refuse once certificates
	 * were filed, rather than guess what they mean */
	if (rec->local_family != old->local_family && old->pos.cert != XJ_CERT_NONE) {
		xj_ferr_add(&fe, r->arena, "child.hukou_location", XJ_E_F_CODE);
		return xj_resp_ferrs(r, &fe);
	}
	t.r = r;
	t.ref = ref;
	t.old = old;
	t.rec = rec;
	t.school = &school;
	rc = xj_tx_run(r->db, correct_tx, &t);
	if (rc == XJ_E_CONFLICT)
		return XJ_E_REG_TRANSITION;
	if (rc != XJ_OK)
		return rc;
	if ((rc = xj_reg_get(r->db, old->prereg, rec)) != XJ_OK)
		return rc;
	xj_resp_json(r, 200);
	xj_regview(r, r->gen, ref, rec, school.id ? school.code : NULL, school.id ? school.name : NULL);
	return xj_resp_send(r);
}

/* ---- cancel -------------------------------------------------------- */

struct cancel_tx {
	struct xj_req		*r;
	struct xj_reg_rec	*rec;
	struct xj_reg_pos	 to;
};

static int
cancel_tx(struct xj_db *db, void *arg)
{
	struct cancel_tx *t = arg;
	int rc;

	if ((rc = xj_reg_move(db, t->rec->id, t->rec->pos, t->to)) != XJ_OK ||
	    (rc = xj_reg_unclaim(db, t->rec->id)) != XJ_OK ||
	    (rc = xj_reg_psb_supersede(db, t->rec->id)) != XJ_OK ||
	    (rc = xj_certreview_withdraw(db, t->rec->id)) != XJ_OK ||
	    (rc = xj_reg_event(db, t->rec->id, xj_reg_event_name(XJ_REV_CANCEL),
	    xj_reg_state_name(t->to.state), "")) != XJ_OK)
		return rc;
	return audit(db, t->r, "registration.cancel", t->rec->prereg);
}

int
xj_parent_reg_cancel(struct xj_req *r)
{
	const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct cancel_tx t;
	int rc, open;

	if (ref == NULL)
		return XJ_E_UNAVAILABLE;
	if (rec == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	if ((rc = window_open(r, rec->county, &open)) != XJ_OK)
		return rc;
	if (!open)
		return XJ_E_WINDOW_CLOSED;
	if ((rc = xj_reg_next(rec->pos, XJ_REV_CANCEL, rec->local_family, &t.to)) != XJ_OK)
		return rc;
	t.r = r;
	t.rec = rec;
	rc = xj_tx_run(r->db, cancel_tx, &t);
	if (rc == XJ_E_CONFLICT)
		return XJ_E_REG_TRANSITION;
	if (rc != XJ_OK)
		return rc;
	rec->pos = t.to;
	xj_resp_json(r, 200);
	xj_regview(r, r->gen, ref, rec, NULL, NULL);
	return xj_resp_send(r);
}

/* ---- district change after the window ------------------------------ */

struct change_in {
	struct xj_str	 district;
	struct xj_str	 reason;
};

static const struct xj_field change_fields[] = {
	{ "district", XJ_F_STR, XJ_REQ, 6, 6, xj_county_code_check, offsetof(struct change_in, district), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_REQ, 1, 200, NULL, offsetof(struct change_in, reason), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct change_tx {
	struct xj_req		*r;
	struct xj_reg_rec	*rec;
	char			 to[7];
	char			*reason;
};

static int
change_tx(struct xj_db *db, void *arg)
{
	struct change_tx *t = arg;
	long long open;
	int rc;

	/* FOR UPDATE on the registration's requests: one open at a time */
	if ((rc = xj_change_open_count(db, t->rec->id, &open)) != XJ_OK)
		return rc;
	if (open > 0)
		return XJ_E_CONFLICT;
	if ((rc = xj_change_insert(db, t->rec->id, t->rec->county, t->to, t->reason)) != XJ_OK ||
	    (rc = xj_reg_event(db, t->rec->id, "district_change_requested",
	    xj_reg_state_name(t->rec->pos.state), t->to)) != XJ_OK)
		return rc;
	return audit(db, t->r, "registration.district_change_request", t->rec->prereg);
}

static void
change_item(const struct xj_change_row *c, void *arg)
{
	yajl_gen g = arg;
	char t[26];

	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)c->id);
	xj_gen_str(g, "from_district", c->from_county);
	xj_gen_str(g, "to_district", c->to_county);
	xj_gen_str(g, "state", c->state);
	xj_gen_str(g, "reason", c->reason);
	xj_regview_time(c->requested_at, t);
	xj_gen_str(g, "requested_at", t);
	xj_regview_time(c->decided_at, t);
	xj_gen_str(g, "decided_at", t[0] ? t : NULL);
	yajl_gen_map_close(g);
}

static int
change_list(struct xj_req *r, const struct xj_reg_rec *rec, int status)
{
	yajl_gen g = xj_resp_json(r, status);
	int rc;

	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", rec->prereg);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_change_list(r->db, rec->id, change_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_parent_change_request(struct xj_req *r)
{
	const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct xj_ferrs fe = { 0 };
	struct change_in in;
	struct xj_reg_pos to;
	struct xj_org county;
	struct change_tx t;
	int rc, open;

	if (ref == NULL)
		return XJ_E_UNAVAILABLE;
	if (rec == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, change_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	memset(&t, 0, sizeof(t));
	if (in.district.p) {
		memcpy(t.to, in.district.p, 6);
		if (strcmp(t.to, rec->county) == 0)
			xj_ferr_add(&fe, r->arena, "district", XJ_E_F_CODE);
		else if ((rc = xj_org_by_code(r->db, "county", t.to, &county)) == XJ_NO_ROW)
			xj_ferr_add(&fe, r->arena, "district", XJ_E_F_UNKNOWN_DIVISION);
		else if (rc != XJ_OK)
			return rc;
	}
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	/* inside the window a parent cancels and registers again */
	if ((rc = window_open(r, rec->county, &open)) != XJ_OK)
		return rc;
	if (open)
		return XJ_E_CHANGE_IN_WINDOW;
	/* R-COL-4: not once a school accepted the child */
	if ((rc = xj_reg_next(rec->pos, XJ_REV_DISTRICT_CHANGE_APPROVED, rec->local_family, &to)) != XJ_OK)
		return rc;
	t.r = r;
	t.rec = rec;
	t.reason = xj_strndup(r->arena, in.reason.p, in.reason.len);
	rc = xj_tx_run(r->db, change_tx, &t);
	if (rc == XJ_E_CONFLICT)
		return XJ_E_CHANGE_PENDING;
	if (rc != XJ_OK)
		return rc;
	return change_list(r, rec, 201);
}

int
xj_parent_change_list(struct xj_req *r)
{
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	int rc;

	if (rec == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	return change_list(r, rec, 200);
}
