/* claims.c -- contested claims (R-COL-2; review H1, M1a):
 *   POST /api/school/v1/registrations/{no}/void   {reason}
 *        200 | 403 | 404 | 409 invalid_transition | 409 registration_accepted | 422
 *   POST /api/school/v1/claims/lookup              {id_doc_type, id_number}
 *        200 {claim: {...} | null} | 403 | 422 | 429 lookup_limited
 *
 * Whoever registers a child first holds its claim (child_claim's key), so
 * a squatter locks the real family out. The family is no longer told where
 * the child is registered (409 duplicate_child names no district, M1a): it
 * goes to the education bureau of a district of its own choice, whose staff
 * look the claim up here -- the ID number travels in the POST body, never
 * in a URL or a log line -- and see the holding county, the
 * pre-registration number, the state and the dates, with the child's name
 * masked. The holding county (its reviewers and administrators, and the
 * bureaus above it) then voids the registration: the state table moves it
 * to void (county_void, from any state before a school accepted the
 * child), the claim is deleted, open PSB and certificate checks are
 * retired, the family that filed it reads the reason in its history, its
 * form stops printing (410 registration_void), and the child can be
 * registered again -- all in one transaction with its audit entry.
 * Look-ups are audited and limited per staff account ([claims]
 * lookup_per_hour). Who may do either: scope.c. */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "crypto/field.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/idnum.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "store/audit.h"
#include "store/claim.h"
#include "store/refdata.h"
#include "school.h"

/* ---- void ----------------------------------------------------------------- */

struct void_in {
	struct xj_str	 reason;
};

static const struct xj_field void_fields[] = {
	{ "reason", XJ_F_STR, XJ_REQ | XJ_MULTILINE, 1, 200, NULL, offsetof(struct void_in, reason),
	  NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct void_tx {
	struct xj_req		*r;
	unsigned long long	 reg_id;
	const char		*reason;
	char			 prereg[17];
};

static int
void_tx(struct xj_db *db, void *arg)
{
	struct void_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_STAFF, t->r->actor_id, t->r->actor_role,
	    t->r->actor_org, t->r->id, t->r->client_addr };
	int rc = xj_claim_void(db, t->reg_id, XJ_REV_COUNTY_VOID, t->reason, &who,
	    "registration.void", t->prereg);

	return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
}

int
xj_school_reg_void(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct xj_prereg p;
	struct void_in in;
	struct void_tx t;
	char county[7], path[129], disp[20];
	yajl_gen g;
	int rc;

	a = *xj_school_actor(r);
	if ((rc = xj_prereg_parse(xj_route_param(&r->params, "no"), &p)) != XJ_OK) {
		xj_ferr_add(&fe, r->arena, "prereg_no", rc);
		return xj_resp_ferrs(r, &fe);
	}
	memset(&t, 0, sizeof(t));
	/* R-ORG-3: the registration's county or a bureau above it; anyone
	 * else learns nothing (404) */
	if ((rc = xj_claim_target(r->db, p.canon, &t.reg_id, county, path)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (path[0] == '\0' || !xj_school_in_scope(&a, path))
		return XJ_E_NOT_FOUND;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, void_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	t.r = r;
	if ((t.reason = xj_strndup(r->arena, in.reason.p, in.reason.len)) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_tx_run(r->db, void_tx, &t)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", t.prereg);
	xj_prereg_display(t.prereg, disp);
	xj_gen_str(g, "prereg_no_display", disp);
	xj_gen_str(g, "district", county);
	xj_gen_str(g, "state", xj_reg_state_name(XJ_REG_VOID));
	xj_gen_str(g, "event", xj_reg_event_name(XJ_REV_COUNTY_VOID));
	xj_gen_str(g, "reason", t.reason);
	xj_gen_bool(g, "claim_released", 1);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* ---- look-up -------------------------------------------------------------- */

struct lookup_in {
	struct xj_str	 id_doc_type;
	struct xj_str	 id_number;
};

static const struct xj_field lookup_fields[] = {
	{ "id_doc_type", XJ_F_STR, XJ_REQ, 1, 1, NULL, offsetof(struct lookup_in, id_doc_type),
	  NULL, 0, 0, 0 },
	{ "id_number", XJ_F_STR, XJ_REQ, 1, 32, NULL, offsetof(struct lookup_in, id_number),
	  NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct lookup_tx {
	struct xj_req		*r;
	const unsigned char	*bidx;
	struct xj_claim_holder	 h;
	int			 found;
	long long		 retry_s;
};

static int
lookup_tx(struct xj_db *db, void *arg)
{
	struct lookup_tx *t = arg;
	long long used;
	int rc;

	if ((rc = xj_claim_quota_take(db, t->r->actor_id, &used, &t->retry_s)) != XJ_OK)
		return rc;
	if (used > xj_school_conf->claim_lookups_per_hour)
		return XJ_E_LOOKUP_LIMITED;	/* rolled back: the refusal uses nothing */
	memset(&t->h, 0, sizeof(t->h));
	rc = xj_claim_holder(db, t->bidx, &t->h);
	if (rc != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	t->found = rc == XJ_OK;
	/* who looked up which child's claim: the holding registration, never
	 * the number asked for */
	return xj_school_audit(db, t->r, "claim.lookup", "registration",
	    t->found ? t->h.prereg : "none", xj_str_c(t->found ? t->h.county : ""));
}

/* 王小明 -> 王**: the surname and one star per further character, so that
 * the staff can tell the family's child from another without reading the
 * name off the screen. */
static void
mask_name(const char *name, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = 0, first = 1;

	if (*p == '\0') {
		out[0] = '\0';
		return;
	}
	first = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
	for (size_t i = 0; i < first && p[i] && n + 1 < cap; i++)
		out[n++] = (char)p[i];
	p += strnlen((const char *)p, first);
	for (; *p && n + 1 < cap; p++)
		if ((*p & 0xc0) != 0x80)
			out[n++] = '*';
	out[n] = '\0';
}

int
xj_school_claim_lookup(struct xj_req *r)
{
	const struct xj_refdata *ref;
	struct xj_ferrs fe = { 0 };
	struct lookup_in in;
	struct lookup_tx t;
	struct xj_idnum id;
	unsigned char bidx[XJ_BLIND_LEN], src[48];
	char type[2], num[40], masked[257], disp[20], ra[24];
	yajl_gen g;
	int rc;

	/* who may (a bureau's reviewer or admin, anywhere: review M1a) is
	 * the route's action, checked before this runs (scope.c) */
	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, lookup_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	snprintf(type, sizeof(type), "%.*s", (int)in.id_doc_type.len, in.id_doc_type.p);
	snprintf(num, sizeof(num), "%.*s", (int)in.id_number.len, in.id_number.p);
	if (xj_ref_doc_type(ref, type) == NULL)
		xj_ferr_add(&fe, r->arena, "id_doc_type", XJ_E_F_CODE);
	else if (type[0] == '1') {
		/* normalised as the registration normalised it
		 * (parent/regform.c check_doc): upper-case X */
		for (char *q = num; *q; q++)
			*q = (char)toupper((unsigned char)*q);
		if ((rc = xj_idnum_parse(xj_str_c(num), &id)) != XJ_OK)
			xj_ferr_add(&fe, r->arena, "id_number", rc);
	}
	if (fe.n) {
		OPENSSL_cleanse(num, sizeof(num));
		return xj_resp_ferrs(r, &fe);
	}
	/* the child's blind index, as parent/regform.c builds it */
	snprintf((char *)src, sizeof(src), "%s:%s", type, num);
	rc = xj_blind_index(xj_auth_keys(), "child.document", src, strlen((char *)src), bidx);
	OPENSSL_cleanse(num, sizeof(num));
	OPENSSL_cleanse(src, sizeof(src));
	if (rc != 0)
		return XJ_E_INTERNAL;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.bidx = bidx;
	rc = xj_tx_run(r->db, lookup_tx, &t);
	if (rc == XJ_E_LOOKUP_LIMITED) {
		snprintf(ra, sizeof(ra), "%lld", t.retry_s);
		xj_resp_header(r, "Retry-After", ra);
	}
	if (rc != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "claim");
	if (t.found) {
		yajl_gen_map_open(g);
		xj_gen_str(g, "prereg_no", t.h.prereg);
		xj_prereg_display(t.h.prereg, disp);
		xj_gen_str(g, "prereg_no_display", disp);
		xj_gen_str(g, "district", t.h.county);
		xj_gen_str(g, "district_name", t.h.county_name[0] ? t.h.county_name : NULL);
		xj_gen_str(g, "state", t.h.state);
		mask_name(t.h.child_name, masked, sizeof(masked));
		xj_gen_str(g, "child_name_masked", masked);
		xj_school_gen_time(g, "registered_at", t.h.created_at);
		xj_school_gen_time(g, "updated_at", t.h.updated_at);
		yajl_gen_map_close(g);
	} else
		yajl_gen_null(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
