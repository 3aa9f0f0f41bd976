/* registration.c -- the collection registration (R-COL-1..8, issue 3 §2):
 *   POST /api/parent/v1/registrations            201 | 403 collection_window_closed
 *        409 duplicate_child | 422 validation_failed | 422 idempotency_key_reused
 *   GET  /api/parent/v1/registrations            200 {items}
 *   GET  /api/parent/v1/registrations/{no}       200 | 404 | 422 (mistyped number)
 * A child registers in one district only (R-COL-2): the child_claim
 * primary key decides races between workers and Galera nodes. Creates
 * accept an Idempotency-Key header (store/idempotency.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>

#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/age.h"
#include "domain/idnum.h"
#include "domain/prereg.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/idempotency.h"
#include "store/org.h"
#include "store/policy.h"
#include "store/refdata.h"
#include "store/registration.h"
#include "parent.h"
#include "regform.h"
#include "regview.h"

#define PREREG_TRIES	8

struct create_tx {
	struct xj_req			*r;
	const struct xj_refdata		*ref;
	struct xj_reg_rec		*rec;
	const char			*school_code;
	const char			*school_name;
	struct xj_idem			*idem;	/* NULL without Idempotency-Key */
	int				 replay;
};

static void
utc_now(char out[20])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* R-COL-5: the public-security check needs a document number; a child
 * without one (type Z) waits for staff to verify its no-ID certificate. */
static int
enqueue_psb(struct xj_db *db, const struct xj_reg_rec *rec)
{
	return rec->idn_ct_len ? xj_reg_psb_enqueue(db, rec->id, rec->version) : XJ_OK;
}

static int
create_tx(struct xj_db *db, void *arg)
{
	struct create_tx *t = arg;
	struct xj_reg_rec *rec = t->rec;
	struct xj_actor who = { XJ_ACTOR_PARENT, t->r->actor_id, NULL, 0, t->r->id, t->r->client_addr };
	struct xj_audit a = { "registration.create", "registration", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	const unsigned char *buf;
	size_t len;
	int rc, i;

	if ((rc = xj_idem_start(db, t->r->arena, t->idem, &t->replay)) != XJ_OK || t->replay)
		return rc;
	for (i = 0; i < PREREG_TRIES; i++) {
		unsigned rnd;
		if (RAND_bytes((unsigned char *)&rnd, sizeof(rnd)) != 1)
			return XJ_E_INTERNAL;
		if (xj_prereg_make(rec->year, rec->county, rnd % 10000000u, rec->prereg) != XJ_OK)
			return XJ_E_INTERNAL;
		if ((rc = xj_reg_insert(db, rec)) != XJ_E_CONFLICT)
			break;
	}
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_BUSY : rc;
	if ((rc = xj_reg_claim(db, rec->child_bidx, rec->id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_DUPLICATE_CHILD : rc;
	if ((rc = xj_reg_insert_guardians(db, rec)) != XJ_OK ||
	    (rc = xj_reg_event(db, rec->id, "registered", xj_reg_state_name(rec->pos.state), "")) != XJ_OK ||
	    (rc = enqueue_psb(db, rec)) != XJ_OK)
		return rc;
	a.target_id = xj_str_c(rec->prereg);
	a.after = (struct xj_str){ sizeof(rec->child_bidx), (const char *)rec->child_bidx };
	if ((rc = xj_audit_append(db, &who, &a)) != XJ_OK)
		return rc;
	/* the response is part of the unit: stored with the key */
	xj_resp_json(t->r, 201);
	xj_regview(t->r, t->r->gen, t->ref, rec, t->school_code, t->school_name);
	if (t->idem != NULL) {
		yajl_gen_get_buf(t->r->gen, &buf, &len);
		if ((rc = xj_idem_finish(db, t->idem, 201, (const char *)buf, len)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

struct dup_info {
	const struct xj_refdata	*ref;
	char			 county[7];
	char			 prereg[17];
	int			 own;
};

/* 409 duplicate_child: where the child is registered and what to do. A
 * parent sees the number only of their own registration. */
static void
dup_detail(yajl_gen g, void *arg)
{
	struct dup_info *d = arg;
	const struct xj_ref_div *div = xj_ref_division(d->ref, d->county);
	char zh[512], en[512];

	xj_gen_key(g, "registered_in");
	yajl_gen_map_open(g);
	xj_gen_str(g, "district", d->county);
	xj_gen_str(g, "district_name", div ? div->name : NULL);
	xj_gen_str(g, "prereg_no", d->own ? d->prereg : NULL);
	yajl_gen_map_close(g);
	if (d->own) {
		snprintf(zh, sizeof(zh), "您已在%s为该儿童登记（预登记号 %s）。如需改在其他区登记，请在采集期内先撤销原登记；采集期结束后请申请变更登记区。",
		    div ? div->name : d->county, d->prereg);
		snprintf(en, sizeof(en), "You registered this child in %s (number %s). To register in another district, cancel that registration first while the window is open; after it closes, request a change of district.",
		    d->county, d->prereg);
	} else {
		snprintf(zh, sizeof(zh), "该儿童已由他人在%s登记。如有疑问，请携带户口簿和儿童身份证件到%s教育行政部门咨询。",
		    div ? div->name : d->county, div ? div->name : d->county);
		snprintf(en, sizeof(en), "This child was registered by someone else in district %s. Take the hukou book and the child's identity document to that district's education bureau.",
		    d->county);
	}
	xj_gen_str(g, "next_step", zh);
	xj_gen_str(g, "next_step_en", en);
}

static int
duplicate_answer(struct xj_req *r, const struct xj_refdata *ref, const struct xj_reg_rec *rec)
{
	struct dup_info d;
	unsigned long long owner;
	int rc;

	memset(&d, 0, sizeof(d));
	d.ref = ref;
	rc = xj_reg_claim_owner(r->db, rec->child_bidx, d.prereg, d.county, &owner);
	if (rc != XJ_OK)	/* cancelled meanwhile: tell them to retry */
		return rc == XJ_NO_ROW ? XJ_E_CONFLICT : rc;
	d.own = owner == r->actor_id;
	return xj_resp_error_x(r, XJ_E_DUPLICATE_CHILD, "child.id_number", dup_detail, &d);
}

int
xj_parent_reg_create(struct xj_req *r)
{
	const struct xj_refdata *ref;
	struct xj_ferrs fe = { 0 };
	struct xj_reg_rec *rec;
	struct xj_org county, school;
	struct xj_window win;
	struct xj_localtime now;
	struct xj_idem idem;
	struct create_tx t;
	char school_code[11], loc[200];
	const char *key;
	int rc, min_age, cm, cd;

	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	if ((rec = xj_calloc(r->arena, 1, sizeof(*rec))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_regform_read(r, ref, rec, school_code, &fe)) != XJ_OK)
		return rc;
	/* the district must be a county bureau; the school one of its own */
	memset(&school, 0, sizeof(school));
	if (rec->county[0] && !fe.n) {
		rc = xj_org_by_code(r->db, "county", rec->county, &county);
		if (rc == XJ_NO_ROW)
			xj_ferr_add(&fe, r->arena, "district", XJ_E_F_UNKNOWN_DIVISION);
		else if (rc != XJ_OK)
			return rc;
		else if (school_code[0]) {
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
	}
	if (fe.n)
		return xj_resp_ferrs(r, &fe);

	/* R-COL-1: the window of the district, in Beijing time */
	xj_utc_to_shanghai((long long)time(NULL), &now);
	rc = xj_policy_window(r->db, now.year, rec->county, &win);
	if (rc == XJ_NO_ROW || (rc == XJ_OK && !xj_window_open(&win, (long long)time(NULL))))
		return XJ_E_WINDOW_CLOSED;
	if (rc != XJ_OK)
		return rc;
	rec->year = now.year;
	rec->school_org_id = school.id;
	rec->parent_id = r->actor_id;
	rec->pos.state = XJ_REG_SUBMITTED;
	rec->pos.cert = XJ_CERT_NONE;
	utc_now(rec->created_at);
	memcpy(rec->updated_at, rec->created_at, sizeof(rec->updated_at));

	/* R-COL-8: under age is a warning, not a refusal */
	snprintf(loc, sizeof(loc), "%.2s0000", rec->county);
	rc = xj_policy_age(r->db, loc, &min_age, &cm, &cd);
	if (rc == XJ_OK) {
		int by, bm, bd;
		if (xj_date_parse(xj_str_c(rec->birth_date), &by, &bm, &bd) == XJ_OK)
			rec->age_warning = xj_age_ok_for_entry(by, bm, bd, rec->year, cm, cd, min_age) == 0;
	} else if (rc != XJ_NO_ROW)
		return rc;

	memset(&t, 0, sizeof(t));
	t.r = r;
	t.ref = ref;
	t.rec = rec;
	t.school_code = school.id ? school.code : NULL;
	t.school_name = school.id ? school.name : NULL;
	key = xj_req_param(r, "HTTP_IDEMPOTENCY_KEY");
	if (key != NULL) {
		size_t kl = strlen(key);
		if (kl == 0 || kl > 128) {
			xj_ferr_add(&fe, r->arena, "Idempotency-Key", XJ_E_F_TOO_LONG);
			return xj_resp_ferrs(r, &fe);
		}
		xj_idem_prepare(&idem, r->actor_id, "registration", key, kl, r->body.p, r->body.len);
		t.idem = &idem;
	}
	rc = xj_tx_run(r->db, create_tx, &t);
	if (rc == XJ_E_DUPLICATE_CHILD)
		return duplicate_answer(r, ref, rec);
	if (rc != XJ_OK)
		return rc;
	if (t.replay) {
		/* the first answer again, with its Location */
		struct xj_json_limits lim = { 8, 4096, 65536 };
		struct xj_json *first;
		const struct xj_json *no;
		if (idem.replay_status == 201 &&
		    xj_json_parse(r->arena, idem.replay_body, idem.replay_len, &lim, &first, NULL) == XJ_OK &&
		    (no = xj_json_get(first, "prereg_no")) != NULL && no->type == XJ_J_STR &&
		    no->s.len < 20) {
			snprintf(loc, sizeof(loc), "/api/parent/v1/registrations/%.*s", (int)no->s.len, no->s.p);
			xj_resp_header(r, "Location", loc);
		}
		xj_resp_header(r, "Idempotent-Replayed", "true");
		return xj_resp_body(r, idem.replay_status, "application/json; charset=utf-8",
		    idem.replay_body, idem.replay_len);
	}
	snprintf(loc, sizeof(loc), "/api/parent/v1/registrations/%s", rec->prereg);
	xj_resp_header(r, "Location", loc);
	return xj_resp_send(r);
}

struct list_ctx {
	yajl_gen			 g;
	const struct xj_refdata		*ref;
};

static void
list_item(const struct xj_reg_summary *sm, void *arg)
{
	struct list_ctx *l = arg;
	const struct xj_ref_div *div = xj_ref_division(l->ref, sm->county);
	int st = xj_reg_state_parse(sm->state);
	char t[26], disp[20];
	yajl_gen g = l->g;

	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", sm->prereg);
	xj_prereg_display(sm->prereg, disp);
	xj_gen_str(g, "prereg_no_display", disp);
	xj_gen_str(g, "district", sm->county);
	xj_gen_str(g, "district_name", div ? div->name : NULL);
	xj_gen_str(g, "child_name", sm->child_name);
	xj_gen_str(g, "state", sm->state);
	xj_gen_str(g, "state_text", st >= 0 ? xj_reg_state_zh((enum xj_reg_state)st) : NULL);
	xj_regview_time(sm->created_at, t);
	xj_gen_str(g, "created_at", t);
	yajl_gen_map_close(g);
}

int
xj_parent_reg_list(struct xj_req *r)
{
	struct list_ctx l;
	int rc;

	if ((l.ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	l.g = xj_resp_json(r, 200);
	yajl_gen_map_open(l.g);
	xj_gen_key(l.g, "items");
	yajl_gen_array_open(l.g);
	if ((rc = xj_reg_list_by_parent(r->db, r->actor_id, list_item, &l)) != XJ_OK)
		return rc;
	yajl_gen_array_close(l.g);
	yajl_gen_map_close(l.g);
	return xj_resp_send(r);
}

int
xj_parent_prereg_param(struct xj_req *r, struct xj_prereg *p)
{
	struct xj_ferrs fe = { 0 };
	int rc;

	if ((rc = xj_prereg_parse(xj_route_param(&r->params, "no"), p)) != XJ_OK) {
		xj_ferr_add(&fe, r->arena, "prereg_no", rc);
		return xj_resp_ferrs(r, &fe);
	}
	return XJ_OK;
}

/* Parse {no} and load the parent's own registration; 404 for anyone
 * else's, so guessing numbers reveals nothing (issue 3 §9). */
int
xj_parent_reg_load(struct xj_req *r, struct xj_reg_rec *rec)
{
	struct xj_prereg p;
	int rc;

	if ((rc = xj_parent_prereg_param(r, &p)) != XJ_OK || r->responded)
		return rc;
	rc = xj_reg_get(r->db, p.canon, rec);
	if (rc == XJ_NO_ROW || (rc == XJ_OK && rec->parent_id != r->actor_id))
		return XJ_E_NOT_FOUND;
	return rc;
}

int
xj_parent_reg_get(struct xj_req *r)
{
	const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct xj_org school;
	int rc;

	if (ref == NULL)
		return XJ_E_UNAVAILABLE;
	if (rec == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	memset(&school, 0, sizeof(school));
	if (rec->school_org_id && (rc = xj_org_by_id(r->db, rec->school_org_id, &school)) != XJ_OK)
		return rc;
	xj_resp_json(r, 200);
	xj_regview(r, r->gen, ref, rec, school.id ? school.code : NULL, school.id ? school.name : NULL);
	return xj_resp_send(r);
}
