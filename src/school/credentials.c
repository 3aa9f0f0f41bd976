/* credentials.c -- a staff member's own password and second factor
 * (review M10, 等保 8.1.4.1):
 *   PUT  /api/school/v1/account/password   {current_password, new_password}
 *        200 + new session | 403 account_locked | 422
 *   POST /api/school/v1/account/second-factor               201 {secret, otpauth_uri}
 *        | 409 second_factor_enrolled
 *   POST /api/school/v1/account/second-factor/confirmation  {code}
 *        200 + session | 409 | 422 code otp_invalid
 * All three answer a session that must first change its password or
 * enrol a required second factor (XJ_ROLE_STAFF_SETUP); every other
 * staff route refuses it (auth/auth.c). The current password is a guess
 * like a login's: counted on the same (account, address) lockout and
 * audited. A change ends every other session (a new generation). The
 * TOTP secret (RFC 6238, crypto/totp.h) is 20 random bytes, encrypted at
 * rest (crypto/field.h); it is shown once, by the enrolment that made
 * it, and is live only after a code confirms it. Losing the phone is an
 * administrator's password reset (accounts.c), which also drops the
 * second factor. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "crypto/field.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/pwpolicy.h"
#include "store/staff.h"
#include "school.h"

struct pw_in {
	struct xj_str	 current;
	struct xj_str	 next;
};

static const struct xj_field pw_fields[] = {
	{ "current_password", XJ_F_STR, XJ_REQ, 1, 128, NULL, offsetof(struct pw_in, current), NULL, 0, 0, 0 },
	{ "new_password", XJ_F_STR, XJ_REQ, 1, 128, xj_pwpolicy_staff, offsetof(struct pw_in, next), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct code_in {
	struct xj_str	 code;
};

static const struct xj_field code_fields[] = {
	{ "code", XJ_F_STR, XJ_REQ, 1, 16, NULL, offsetof(struct code_in, code), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static const char *
idstr(struct xj_req *r)
{
	char *b = xj_alloc(r->arena, 24);

	if (b != NULL)
		snprintf(b, 24, "%llu", r->actor_id);
	return b != NULL ? b : "";
}

struct pw_tx {
	struct xj_req	*r;
	const char	*hash;		/* NULL: a wrong current password */
	unsigned	 gen;		/* out */
};

static int
password_tx(struct xj_db *db, void *arg)
{
	struct pw_tx *t = arg;
	char key[XJ_CLIENT_KEY_MAX];
	int rc;

	if (t->hash == NULL)
		return xj_school_audit(db, t->r, "staff.password_change_failed", "staff_account",
		    idstr(t->r), XJ_STR_NULL);
	xj_school_client_key(t->r->client_addr, key);
	if ((rc = xj_staff_set_password(db, t->r->actor_id, t->hash, &t->gen)) != XJ_OK ||
	    (rc = xj_staff_guard_clear(db, t->r->actor_id, key)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_UNAUTHENTICATED : rc;
	return xj_school_audit(db, t->r, "staff.password_change", "staff_account", idstr(t->r),
	    XJ_STR_NULL);
}

int
xj_school_password_change(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_staff_login *acc;
	struct pw_in in;
	struct pw_tx t;
	char hash[XJ_PW_HASH_MAX];
	int rc, ok, locked;

	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, pw_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((acc = xj_calloc(r->arena, 1, sizeof(*acc))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_staff_auth_by_id(r->db, r->actor_id, acc)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_UNAUTHENTICATED : rc;
	if ((ok = xj_school_attempt(r, acc, "staff.password_change_locked", in.current,
	    &locked)) < 0)
		return ok;
	if (locked)
		return XJ_E_ACCOUNT_LOCKED;	/* signed in: no oracle to hide */
	memset(&t, 0, sizeof(t));
	t.r = r;
	if (!ok) {
		if ((rc = xj_tx_run(r->db, password_tx, &t)) != XJ_OK)
			return rc;
		xj_ferr_add(&fe, r->arena, "current_password", XJ_E_F_WRONG_PASSWORD);
		return xj_resp_ferrs(r, &fe);
	}
	/* the current one is right, so equal strings are the same password */
	if (in.next.len == in.current.len && memcmp(in.next.p, in.current.p, in.next.len) == 0) {
		xj_ferr_add(&fe, r->arena, "new_password", XJ_E_F_SAME_PASSWORD);
		return xj_resp_ferrs(r, &fe);
	}
	if ((rc = xj_auth_password_hash(in.next.p, in.next.len, hash)) != XJ_OK)
		return rc;
	t.hash = hash;
	if ((rc = xj_tx_run(r->db, password_tx, &t)) != XJ_OK)
		return rc;
	/* every other session ended with the new generation; this one goes on */
	if ((rc = xj_auth_start(r, 's', r->actor_id, t.gen)) != XJ_OK)
		return rc;
	return xj_school_session_body(r, r->actor_id);
}

struct totp_tx {
	struct xj_req		*r;
	const unsigned char	*ct;		/* enrol: the encrypted secret */
	size_t			 ct_len;
	long long		 step;		/* confirm: the code's step */
};

static int
enrol_tx(struct xj_db *db, void *arg)
{
	struct totp_tx *t = arg;
	int rc;

	if ((rc = xj_staff_totp_pending(db, t->r->actor_id, t->ct, t->ct_len)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_OTP_ENROLLED : rc;
	return xj_school_audit(db, t->r, "staff.totp_enrol", "staff_account", idstr(t->r),
	    xj_str_c("pending"));
}

int
xj_school_totp_enrol(struct xj_req *r)
{
	unsigned char secret[XJ_TOTP_SECRET_LEN], ct[XJ_FIELD_CT_LEN(XJ_TOTP_SECRET_LEN)];
	char b32[XJ_TOTP_B32_LEN + 1], uri[256], row[24];
	struct xj_staff_info si;
	struct totp_tx t;
	size_t ct_len = 0;
	yajl_gen g;
	int rc;

	if ((rc = xj_staff_by_id(r->db, r->actor_id, &si)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_UNAUTHENTICATED : rc;
	snprintf(row, sizeof(row), "%llu", r->actor_id);	/* bound to the account (L1) */
	if (RAND_bytes(secret, sizeof(secret)) != 1 ||
	    xj_field_encrypt(xj_auth_keys(), XJ_TOTP_AAD, row, secret, sizeof(secret), ct,
	    sizeof(ct), &ct_len) != 0) {
		OPENSSL_cleanse(secret, sizeof(secret));
		return XJ_E_INTERNAL;
	}
	xj_totp_base32(secret, sizeof(secret), b32, sizeof(b32));
	OPENSSL_cleanse(secret, sizeof(secret));
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.ct = ct;
	t.ct_len = ct_len;
	if ((rc = xj_tx_run(r->db, enrol_tx, &t)) != XJ_OK) {
		OPENSSL_cleanse(b32, sizeof(b32));
		return rc;
	}
	/* logins are [A-Za-z0-9._-] (accounts.c): nothing to escape */
	snprintf(uri, sizeof(uri), "otpauth://totp/Xueji:%s?secret=%s&issuer=Xueji"
	    "&algorithm=SHA1&digits=%d&period=%d", si.login, b32, XJ_TOTP_DIGITS, XJ_TOTP_STEP);
	g = xj_resp_json(r, 201);
	yajl_gen_map_open(g);
	xj_gen_str(g, "secret", b32);
	xj_gen_str(g, "otpauth_uri", uri);
	xj_gen_int(g, "digits", XJ_TOTP_DIGITS);
	xj_gen_int(g, "period", XJ_TOTP_STEP);
	yajl_gen_map_close(g);
	OPENSSL_cleanse(b32, sizeof(b32));
	OPENSSL_cleanse(uri, sizeof(uri));
	return xj_resp_send(r);
}

static int
confirm_tx(struct xj_db *db, void *arg)
{
	struct totp_tx *t = arg;
	int rc;

	if ((rc = xj_staff_totp_enable(db, t->r->actor_id, t->step)) != XJ_OK)
		return rc;
	return xj_school_audit(db, t->r, "staff.totp_confirm", "staff_account", idstr(t->r),
	    xj_str_c("enrolled"));
}

int
xj_school_totp_confirm(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_staff_login *acc;
	struct code_in in;
	struct totp_tx t;
	char secret[XJ_TOTP_SECRET_LEN + 1], row[24];
	size_t n = 0;
	long long step = -1;
	int rc, ok;

	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, code_fields, &in, &fe)) != XJ_OK)
		return rc == XJ_E_VALIDATION ? xj_resp_ferrs(r, &fe) : rc;
	if ((acc = xj_calloc(r->arena, 1, sizeof(*acc))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_staff_auth_by_id(r->db, r->actor_id, acc)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_UNAUTHENTICATED : rc;
	if (acc->totp_enabled)
		return XJ_E_OTP_ENROLLED;
	if (acc->totp_ct_len == 0)
		return XJ_E_CONFLICT;		/* nothing pending: enrol first */
	snprintf(row, sizeof(row), "%llu", acc->id);
	if (xj_field_decrypt(xj_auth_keys(), XJ_TOTP_AAD, row, acc->totp_ct, acc->totp_ct_len,
	    secret, sizeof(secret), &n) != 0 || n != XJ_TOTP_SECRET_LEN)
		return XJ_E_INTERNAL;
	ok = xj_totp_verify((const unsigned char *)secret, n, (long long)time(NULL), in.code.p,
	    in.code.len, -1, &step);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (!ok) {
		xj_ferr_add(&fe, r->arena, "code", XJ_E_F_WRONG_OTP);
		return xj_resp_ferrs(r, &fe);
	}
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.step = step;
	if ((rc = xj_tx_run(r->db, confirm_tx, &t)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_OTP_ENROLLED : rc;
	return xj_school_session_body(r, r->actor_id);
}
