/* certificates.c -- a non-local family files its five certificates
 * (五证, R-COL-9, R-COL-12) for the district's review (issue 3 §6):
 *   POST /api/parent/v1/registrations/{no}/certificates
 *        200 | 403 collection_window_closed | 404 | 409 certificates_not_required
 *        | 409 invalid_transition | 422 validation_failed | 422 idempotency_key_reused
 *   GET  /api/parent/v1/registrations/{no}/certificates   200 | 404 | 422
 * The five items -- work in the city, residence in the city, the family's
 * hukou book, the residence permit, the no-guardian-at-home certificate
 * -- and, for renters, the rental-housing verification that runs
 * alongside, go through field tables and are kept as canonical JSON in
 * cert_review.details. Filing is a parent action, so only inside the
 * collection window (R-COL-1). The state machine (domain/regstate.h)
 * decides when: first filing, or again after a rejection; never while
 * under review or after approval. Before identity is verified only the
 * certificate track moves; afterwards the main state moves with it.
 * A first filing accepts an Idempotency-Key header. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/json.h"
#include "core/req.h"
#include "crypto/field.h"
#include "crypto/fieldmask.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/contact.h"
#include "domain/idnum.h"
#include "domain/regstate.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/certreview.h"
#include "store/idempotency.h"
#include "store/policy.h"
#include "store/registration.h"
#include "parent.h"
#include "regview.h"

struct work_in {
	struct xj_str	 employer, permit_or_contract_no, since;
};
struct residence_in {
	struct xj_str	 address, proof_no;
};
struct hukou_in {
	struct xj_str	 holder_name, book_no;
};
struct permit_in {
	struct xj_str	 permit_no, valid_until;
};
struct noguard_in {
	struct xj_str	 certificate_no, issued_by;
};
struct rental_in {
	struct xj_str	 contract_no, address;
};

struct certs_in {
	struct work_in		 work;
	struct residence_in	 residence;
	struct hukou_in		 hukou;
	struct permit_in	 permit;
	struct noguard_in	 noguard;
	struct rental_in	 rental;		/* contract_no.p == NULL: not a renter */
	char			 holder[256];		/* holder_name, normalised */
};

#define F(name, flags, lo, hi, chk, st, member) \
	{ name, XJ_F_STR, flags, lo, hi, chk, offsetof(st, member), NULL, 0, 0, 0 }
#define OBJ(name, flags, member, sub) \
	{ name, XJ_F_OBJ, flags, 0, 0, NULL, offsetof(struct certs_in, member), sub, 0, 0, 0 }

/* 在京务工就业证明: employer, work permit or labour contract number, since when */
static const struct xj_field work_fields[] = {
	F("employer", XJ_REQ, 1, 100, NULL, struct work_in, employer),
	F("permit_or_contract_no", XJ_REQ, 1, 64, NULL, struct work_in, permit_or_contract_no),
	F("since", XJ_REQ, 10, 10, xj_date_check, struct work_in, since),
	XJ_FIELD_END
};
/* 在京实际住所居住证明: the address and the proof (deed, lease) number */
static const struct xj_field residence_fields[] = {
	F("address", XJ_REQ, 1, 200, NULL, struct residence_in, address),
	F("proof_no", XJ_REQ, 1, 64, NULL, struct residence_in, proof_no),
	XJ_FIELD_END
};
/* 全家户口簿: the head of household as printed, and the book's number */
static const struct xj_field hukou_fields[] = {
	F("holder_name", XJ_REQ, 1, 60, NULL, struct hukou_in, holder_name),
	F("book_no", XJ_REQ, 1, 64, NULL, struct hukou_in, book_no),
	XJ_FIELD_END
};
/* 北京市居住证 (or a residence registration card still valid) */
static const struct xj_field permit_fields[] = {
	F("permit_no", XJ_REQ, 1, 64, NULL, struct permit_in, permit_no),
	F("valid_until", XJ_REQ, 10, 10, xj_date_check, struct permit_in, valid_until),
	XJ_FIELD_END
};
/* 户籍所在地无监护条件证明: its number and the street office or township that issued it */
static const struct xj_field noguard_fields[] = {
	F("certificate_no", XJ_REQ, 1, 64, NULL, struct noguard_in, certificate_no),
	F("issued_by", XJ_REQ, 1, 100, NULL, struct noguard_in, issued_by),
	XJ_FIELD_END
};
/* 租赁信息核验: renters only */
static const struct xj_field rental_fields[] = {
	F("contract_no", XJ_REQ, 1, 64, NULL, struct rental_in, contract_no),
	F("address", XJ_REQ, 1, 200, NULL, struct rental_in, address),
	XJ_FIELD_END
};

static const struct xj_field certs_fields[] = {
	OBJ("work_in_city", XJ_REQ, work, work_fields),
	OBJ("residence_in_city", XJ_REQ, residence, residence_fields),
	OBJ("hukou_book", XJ_REQ, hukou, hukou_fields),
	OBJ("residence_permit", XJ_REQ, permit, permit_fields),
	OBJ("no_guardian_at_home", XJ_REQ, noguard, noguard_fields),
	OBJ("rental_verification", XJ_OPT, rental, rental_fields),
	XJ_FIELD_END
};

/* Bind and apply the rules no single field can check. Today is Beijing's. */
static int
read_certs(struct xj_req *r, struct certs_in *in, struct xj_ferrs *fe)
{
	struct xj_localtime now;
	char today[11];
	int rc;

	memset(in, 0, sizeof(*in));
	if ((rc = xj_bind(r->arena, r->json, certs_fields, in, fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	xj_utc_to_shanghai((long long)time(NULL), &now);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", now.year % 10000, now.month, now.day);
	/* YYYY-MM-DD strings, checked dates: text order is date order */
	if (in->work.since.p && memcmp(in->work.since.p, today, 10) > 0)
		xj_ferr_add(fe, r->arena, "work_in_city.since", XJ_E_F_FUTURE_DATE);
	if (in->permit.valid_until.p && memcmp(in->permit.valid_until.p, today, 10) < 0)
		xj_ferr_add(fe, r->arena, "residence_permit.valid_until", XJ_E_F_EXPIRED);
	/* as printed in the book, without the spaces people type (seed 004 §三.2) */
	if (in->hukou.holder_name.p) {
		size_t n;
		/* normalising never lengthens; 60 characters fit */
		if (in->hukou.holder_name.len >= sizeof(in->holder))
			rc = XJ_E_F_TOO_LONG;
		else {
			n = xj_person_name_normalize(in->hukou.holder_name.p,
			    in->hukou.holder_name.len, in->holder);
			in->holder[n] = '\0';
			rc = xj_person_name_check((struct xj_str){ n, in->holder });
		}
		if (rc != XJ_OK)
			xj_ferr_add(fe, r->arena, "hukou_book.holder_name", rc);
	}
	return XJ_OK;
}

static void
pair(yajl_gen g, const char *key, const char *k1, struct xj_str v1, const char *k2,
    struct xj_str v2, const char *k3, struct xj_str v3)
{
	xj_gen_key(g, key);
	yajl_gen_map_open(g);
	xj_gen_strn(g, k1, v1);
	xj_gen_strn(g, k2, v2);
	if (k3 != NULL)
		xj_gen_strn(g, k3, v3);
	yajl_gen_map_close(g);
}

/* The canonical JSON kept in cert_review.details: fixed member order,
 * rental_verification null for a family that does not rent. */
static void
details_json(yajl_gen g, void *arg)
{
	const struct certs_in *in = arg;

	yajl_gen_map_open(g);
	pair(g, "work_in_city", "employer", in->work.employer, "permit_or_contract_no",
	    in->work.permit_or_contract_no, "since", in->work.since);
	pair(g, "residence_in_city", "address", in->residence.address, "proof_no",
	    in->residence.proof_no, NULL, XJ_STR_NULL);
	pair(g, "hukou_book", "holder_name", xj_str_c(in->holder), "book_no",
	    in->hukou.book_no, NULL, XJ_STR_NULL);
	pair(g, "residence_permit", "permit_no", in->permit.permit_no, "valid_until",
	    in->permit.valid_until, NULL, XJ_STR_NULL);
	pair(g, "no_guardian_at_home", "certificate_no", in->noguard.certificate_no,
	    "issued_by", in->noguard.issued_by, NULL, XJ_STR_NULL);
	if (in->rental.contract_no.p)
		pair(g, "rental_verification", "contract_no", in->rental.contract_no,
		    "address", in->rental.address, NULL, XJ_STR_NULL);
	else
		xj_gen_null(g, "rental_verification");
	yajl_gen_map_close(g);
}

/* What the parent reads: where the review stands, what was filed (its
 * identity-like numbers masked), the district's reason for a refusal and
 * the study permit number. Built into the response; sent by the caller. */
static int
view(struct xj_req *r, const struct xj_certreview *rv)
{
	static const struct xj_json_limits lim = { 4, 64, XJ_CERT_DETAILS_MAX };
	struct xj_json *details = NULL;
	yajl_gen g;
	char t[26];
	int rc;

	char row[XJ_REG_ROW_MAX];

	xj_reg_row(rv->prereg, -1, row);
	if ((rc = xj_field_json_masked(xj_auth_keys(), XJ_CERT_DETAILS_AAD, row, rv->details_ct,
	    rv->details_ct_len, rv->details, rv->details_len, r->arena, &lim,
	    xj_cert_masked_members, &details)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", rv->prereg);
	xj_gen_bool(g, "required", !rv->local_family);
	xj_gen_str(g, "state", xj_cert_state_name(rv->pos.cert));
	xj_gen_key(g, "state_text");
	yajl_gen_map_open(g);
	xj_gen_str(g, "zh", xj_cert_state_zh(rv->pos.cert));
	xj_gen_str(g, "en", xj_cert_state_en(rv->pos.cert));
	yajl_gen_map_close(g);
	xj_gen_str(g, "registration_state", xj_reg_state_name(rv->pos.state));
	xj_gen_tree(g, "details", details);
	xj_regview_time(rv->submitted_at, t);
	xj_gen_str(g, "submitted_at", t[0] ? t : NULL);
	xj_regview_time(rv->reviewed_at, t);
	xj_gen_str(g, "reviewed_at", t[0] ? t : NULL);
	xj_gen_str(g, "reason", rv->reason[0] ? rv->reason : NULL);
	xj_gen_str(g, "study_permit_no", rv->study_permit[0] ? rv->study_permit : NULL);
	yajl_gen_map_close(g);
	return XJ_OK;
}

struct file_tx {
	struct xj_req		*r;
	const struct xj_reg_rec	*rec;
	struct xj_str		 details;
	unsigned char		*details_ct;	/* M9: what is stored */
	size_t			 details_ct_len;
	struct xj_certreview	*rv;		/* out: read back for the answer */
	struct xj_idem		*idem;		/* NULL without Idempotency-Key */
	int			 replay;
};

static int
file_tx(struct xj_db *db, void *arg)
{
	struct file_tx *t = arg;
	const struct xj_reg_rec *rec = t->rec;
	struct xj_actor who = { XJ_ACTOR_PARENT, t->r->actor_id, NULL, 0, t->r->id, t->r->client_addr };
	struct xj_audit a = { "certificates.submit", "registration", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR_NULL };
	struct xj_reg_pos from, to;
	char review[16];
	int rc, local;

	if ((rc = xj_idem_start(db, t->idem, &t->replay)) != XJ_OK || t->replay)
		return rc;
	if ((rc = xj_certreview_lock(db, rec->id, &from, &local, review)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_reg_next(from, XJ_REV_CERTS_SUBMITTED, local, &to)) != XJ_OK)
		return rc;
	/* the table allows a filing from none (first) or rejected (again) */
	rc = xj_certreview_file(db, rec->id, rec->county, t->details_ct, t->details_ct_len,
	    from.cert == XJ_CERT_REJECTED);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if ((rc = xj_reg_move(db, rec->id, from, to)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if ((rc = xj_reg_event(db, rec->id, xj_reg_event_name(XJ_REV_CERTS_SUBMITTED),
	    xj_reg_state_name(to.state), "")) != XJ_OK)
		return rc;
	a.target_id = xj_str_c(rec->prereg);
	a.after = t->details;
	if ((rc = xj_audit_append(db, &who, &a)) != XJ_OK)
		return rc;
	/* the key keeps the registration's number, not the answer (H3) */
	if (t->idem != NULL && (rc = xj_idem_finish(db, t->idem, 200, rec->prereg)) != XJ_OK)
		return rc;
	if ((rc = xj_certreview_get(db, rec->prereg, t->rv)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	return view(t->r, t->rv);
}

int
xj_parent_certs_submit(struct xj_req *r)
{
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct xj_certreview *rv = xj_calloc(r->arena, 1, sizeof(*rv));
	struct certs_in *in = xj_calloc(r->arena, 1, sizeof(*in));
	struct xj_ferrs fe = { 0 };
	struct xj_localtime now;
	struct xj_window win;
	struct xj_idem idem;
	struct file_tx t;
	char row[XJ_REG_ROW_MAX];
	const char *key;
	int rc;

	if (rec == NULL || rv == NULL || in == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	/* R-COL-12: a local family brings its three certificates to the
	 * school instead; nothing to file here */
	if (rec->local_family)
		return XJ_E_CERTS_NOT_REQUIRED;
	if ((rc = read_certs(r, in, &fe)) != XJ_OK)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	/* R-COL-1: filing is a parent action of the collection window */
	xj_utc_to_shanghai((long long)time(NULL), &now);
	rc = xj_policy_window(r->db, now.year, rec->county, &win);
	if (rc == XJ_NO_ROW || (rc == XJ_OK && !xj_window_open(&win, (long long)time(NULL))))
		return XJ_E_WINDOW_CLOSED;
	if (rc != XJ_OK)
		return rc;

	memset(&t, 0, sizeof(t));
	t.r = r;
	t.rec = rec;
	t.rv = rv;
	if ((rc = xj_gen_text(r->arena, details_json, in, &t.details)) != XJ_OK)
		return rc;
	if (t.details.len > XJ_CERT_DETAILS_MAX)	/* the field limits exclude it */
		return XJ_E_INTERNAL;
	/* M9: stored encrypted, like identity numbers */
	if ((t.details_ct = xj_alloc(r->arena, XJ_FIELD_CT_LEN(t.details.len))) == NULL)
		return XJ_E_TOO_COMPLEX;
	xj_reg_row(rec->prereg, -1, row);
	if (xj_field_encrypt(xj_auth_keys(), XJ_CERT_DETAILS_AAD, row, t.details.p, t.details.len,
	    t.details_ct, XJ_FIELD_CT_LEN(t.details.len), &t.details_ct_len) != 0)
		return XJ_E_INTERNAL;
	key = xj_req_param(r, "HTTP_IDEMPOTENCY_KEY");
	if (key != NULL) {
		size_t kl = strlen(key);
		char *k;
		if (kl == 0 || kl > 128) {
			xj_ferr_add(&fe, r->arena, "Idempotency-Key", XJ_E_F_TOO_LONG);
			return xj_resp_ferrs(r, &fe);
		}
		/* siblings share a family's certificates, so the body alone
		 * does not name the filing: the key is per registration */
		if ((k = xj_printf(r->arena, "%s:%s", rec->prereg, key)) == NULL)
			return XJ_E_TOO_COMPLEX;
		xj_idem_prepare(&idem, r->actor_id, "certificates", k, strlen(k), r->body.p,
		    r->body.len);
		t.idem = &idem;
	}
	if ((rc = xj_tx_run(r->db, file_tx, &t)) != XJ_OK)
		return rc;
	if (t.replay) {
		/* the filing as it stands now (docs/security.md "Idempotency-Key") */
		if ((rc = xj_certreview_get(r->db, idem.replay_target, rv)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
		if (rv->parent_id != r->actor_id)
			return XJ_E_NOT_FOUND;
		if ((rc = view(r, rv)) != XJ_OK)
			return rc;
		xj_resp_header(r, "Idempotent-Replayed", "true");
	}
	return xj_resp_send(r);
}

int
xj_parent_certs_get(struct xj_req *r)
{
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct xj_certreview *rv = xj_calloc(r->arena, 1, sizeof(*rv));
	int rc;

	if (rec == NULL || rv == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	if ((rc = xj_certreview_get(r->db, rec->prereg, rv)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = view(r, rv)) != XJ_OK)
		return rc;
	return xj_resp_send(r);
}
