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

#include "auth/auth.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/age.h"
#include "domain/idnum.h"
#include "domain/prereg.h"
#include "domain/window.h"
#include "store/idempotency.h"
#include "store/org.h"
#include "store/refdata.h"
#include "store/registration.h"
#include "parent.h"
#include "regform.h"
#include "regview.h"

#define PREREG_TRIES	8

extern const struct xj_conf *xj_parent_conf;	/* routes.c */

struct create_tx {
	struct xj_req			*r;
	const struct xj_refdata		*ref;
	struct xj_reg_rec		*rec;
	const char			*school_code;
	const char			*school_name;
	struct xj_idem			*idem;	/* NULL without Idempotency-Key */
	int				 replay;
	long				 retry_after;	/* with XJ_E_REG_RATE */
};

static void
utc_now(char out[20])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* One attempt (xj_tx_atomic reruns it after a deadlock): draw a number
 * and write everything in one CALL (store/registration.h xj_reg_create).
 * With an Idempotency-Key the key keeps the number, not the answer (H3):
 * the answer is built once, after the commit. */
static int
create_once(struct xj_db *db, void *arg)
{
	struct create_tx *t = arg;
	struct xj_reg_rec *rec = t->rec;
	struct xj_reg_create_in in;
	int rc = XJ_E_CONFLICT, i;

	for (i = 0; i < PREREG_TRIES && rc == XJ_E_CONFLICT; i++) {
		unsigned rnd;
		if (RAND_bytes((unsigned char *)&rnd, sizeof(rnd)) != 1)
			return XJ_E_INTERNAL;
		if (xj_prereg_make(rec->year, rec->county, rnd % 10000000u, rec->prereg) != XJ_OK)
			return XJ_E_INTERNAL;
		/* the ciphertexts name their row: sealed for this number */
		if ((rc = xj_regform_seal(rec)) != XJ_OK)
			return rc;
		memset(&in, 0, sizeof(in));
		in.request_id = t->r->id;
		in.client_addr = t->r->client_addr;
		in.idem = t->idem;
		/* issue 10 (A: cap): checked inside the same CALL (sql/0009) */
		in.cap = xj_parent_conf->max_regs_per_year;
		in.rate = xj_parent_conf->reg_rate;
		in.rate_window = xj_parent_conf->reg_rate_window;
		rc = xj_reg_create(db, t->r->arena, rec, &in);
		t->retry_after = in.retry_after;
	}
	if (rc == XJ_NO_ROW) {		/* the key's first answer */
		t->replay = 1;
		return XJ_OK;
	}
	return rc == XJ_E_CONFLICT ? XJ_E_BUSY : rc;
}

/* A repeated Idempotency-Key: the registration it created, as it is now
 * (docs/security.md "Idempotency-Key"), with the first answer's status and
 * Location. 404 when it no longer exists (purged). */
static int
replay(struct xj_req *r, const struct xj_refdata *ref, const struct xj_idem *idem)
{
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct xj_org school;
	char loc[200];
	int rc;

	if (rec == NULL)
		return XJ_E_TOO_COMPLEX;
	rc = xj_reg_get(r->db, idem->replay_target, rec);
	if (rc == XJ_NO_ROW || (rc == XJ_OK && rec->parent_id != r->actor_id))
		return XJ_E_NOT_FOUND;
	if (rc != XJ_OK)
		return rc;
	memset(&school, 0, sizeof(school));
	if (rec->school_org_id && (rc = xj_org_by_id(r->db, rec->school_org_id, &school)) != XJ_OK)
		return rc;
	xj_resp_json(r, idem->replay_status);
	xj_regview(r, r->gen, ref, rec, school.id ? school.code : NULL, school.id ? school.name : NULL);
	snprintf(loc, sizeof(loc), "/api/parent/v1/registrations/%s", rec->prereg);
	xj_resp_header(r, "Location", loc);
	xj_resp_header(r, "Idempotent-Replayed", "true");
	return xj_resp_send(r);
}

int
xj_parent_reg_create(struct xj_req *r)
{
	const struct xj_refdata *ref;
	struct xj_ferrs fe = { 0 };
	struct xj_reg_rec *rec;
	struct xj_reg_ctx *x;
	struct xj_localtime now;
	struct xj_idem idem;
	struct create_tx t;
	char school_code[11], loc[200];
	long long now_s = (long long)time(NULL);
	const char *key;
	int rc;

	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	if ((rec = xj_calloc(r->arena, 1, sizeof(*rec))) == NULL ||
	    (x = xj_calloc(r->arena, 1, sizeof(*x))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_regform_read(r, ref, rec, school_code, &fe)) != XJ_OK)
		return rc;
	/* one read for the session's account, the county, the school, the
	 * window and the age rule; the session is confirmed before anything
	 * else is answered (routes.c: XJ_ROLE_PARENT_CONFIRM) */
	xj_utc_to_shanghai(now_s, &now);
	if ((rc = xj_reg_context(r->db, r->actor_id, rec->county, school_code, now.year, x)) != XJ_OK)
		return rc;
	if ((rc = xj_auth_confirm(r, x->account, x->session_gen)) != XJ_OK)
		return rc;
	/* M12: the guardian accepted the privacy notice in force (PIPL
	 * arts. 17, 31); the registration records its version */
	if (rec->notice_version == 0)
		xj_ferr_add(&fe, r->arena, "privacy_notice_version", XJ_E_F_REQUIRED);
	else if (rec->notice_version != x->notice_version)
		xj_ferr_add(&fe, r->arena, "privacy_notice_version", XJ_E_F_NOTICE_OUTDATED);
	/* the district must be a county bureau; the school one of its own */
	if (rec->county[0] && !fe.n) {
		if (x->county.id == 0)
			xj_ferr_add(&fe, r->arena, "district", XJ_E_F_UNKNOWN_DIVISION);
		else if (school_code[0] &&
		    (x->school.id == 0 || !xj_org_within(&x->school, &x->county)))
			xj_ferr_add(&fe, r->arena, "school_code", XJ_E_F_CODE);
	}
	if (fe.n)
		return xj_resp_ferrs(r, &fe);

	/* R-COL-1: the window of the district, in Beijing time */
	if (!x->has_window || !xj_window_open(&x->window, now_s))
		return XJ_E_WINDOW_CLOSED;
	rec->year = now.year;
	rec->school_org_id = school_code[0] ? x->school.id : 0;
	rec->parent_id = r->actor_id;
	rec->pos.state = XJ_REG_SUBMITTED;
	rec->pos.cert = XJ_CERT_NONE;
	utc_now(rec->created_at);
	memcpy(rec->updated_at, rec->created_at, sizeof(rec->updated_at));

	/* R-COL-8: under age is a warning, not a refusal */
	if (x->has_age) {
		int by, bm, bd;
		if (xj_date_parse(xj_str_c(rec->birth_date), &by, &bm, &bd) == XJ_OK)
			rec->age_warning = xj_age_ok_for_entry(by, bm, bd, rec->year,
			    x->cutoff_month, x->cutoff_day, x->min_age) == 0;
	}

	memset(&t, 0, sizeof(t));
	t.r = r;
	t.ref = ref;
	t.rec = rec;
	t.school_code = rec->school_org_id ? x->school.code : NULL;
	t.school_name = rec->school_org_id ? x->school.name : NULL;
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
	/* 409 duplicate_child names no district and no number (review M1a:
	 * any free account could otherwise locate a child by its ID number):
	 * the family's own registrations are in its list, and a family that
	 * finds its child claimed by someone else goes to a district bureau
	 * of its choice, which looks the claim up (school/claims.c) */
	rc = xj_tx_atomic(r->db, create_once, &t);
	if (rc == XJ_E_REG_RATE) {
		snprintf(loc, sizeof(loc), "%ld", t.retry_after > 0 ? t.retry_after : 1);
		xj_resp_header(r, "Retry-After", loc);
		return xj_resp_error(r, XJ_E_REG_RATE, NULL);
	}
	if (rc != XJ_OK)
		return rc;
	if (t.replay)
		return replay(r, ref, &idem);
	xj_resp_json(r, 201);
	xj_regview(r, r->gen, ref, rec, t.school_code, t.school_name);
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
	int noid = xj_reg_noid(sm->doc_type, (size_t)sm->idn_ct_len);
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
	/* the same Text object as the registration's own answer */
	xj_gen_key(g, "state_text");
	yajl_gen_map_open(g);
	xj_gen_str(g, "zh", st >= 0 ? xj_reg_state_zh_doc((enum xj_reg_state)st, noid) : NULL);
	xj_gen_str(g, "en", st >= 0 ? xj_reg_state_en_doc((enum xj_reg_state)st, noid) : NULL);
	yajl_gen_map_close(g);
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
