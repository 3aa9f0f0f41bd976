/* account.c -- parent accounts: sign-up with a mobile number, the code
 * sent to it and a password; login with lockout, logout, password change
 * and reset by code (issue 3 §1; issue 10: review H1, M1b, M4).
 *   POST   /api/parent/v1/accounts          201 + session | 409 phone_registered | 422
 *   POST   /api/parent/v1/session           200 + session | 401 invalid_credentials
 *   GET    /api/parent/v1/session           200 {account, csrf_token} | 401
 *   DELETE /api/parent/v1/session           204 (ends every session of the account)
 *   PUT    /api/parent/v1/account/password  200 + new session | 401 | 403 account_locked | 422
 *   POST   /api/parent/v1/password-reset    204 (ends every session) | 422
 * Sign-up and reset check the SMS code (smscode.c) before any password
 * hash is computed: without a valid code no request costs a scrypt (M4).
 * Password hashing runs outside any transaction and inside the bounded
 * hashing pool (auth.h), so a login storm cannot hold every thread.
 * Lockout (review M2, M1c, L10): each attempt takes a slot of the pool,
 * then reserves itself on the account's failure count in its own
 * transaction, and only then is its password hashed; the
 * parent_max_failures-th reservation locks. So N parallel guesses count N
 * and at most parent_max_failures of them are ever evaluated; a correct
 * password resets the count. A locked account answers exactly as an
 * unknown number or a wrong password (401 invalid_credentials, after the
 * same hashing work), so the answer tells nobody whether a number has an
 * account. The password change's current_password counts on the same
 * lockout; there the caller is signed in, so it may hear account_locked. */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "crypto/field.h"
#include "crypto/password.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/contact.h"
#include "domain/otp.h"
#include "store/audit.h"
#include "store/privacy.h"
#include "store/parent.h"
#include "store/phonecode.h"
#include "parent.h"

extern const struct xj_conf *xj_parent_conf;	/* routes.c */

/* sign-in: the phone and either its password or a code of purpose
 * "login" sent to it (issue 16: no password hash on the hot path) */
struct cred_in {
	struct xj_str	 phone;
	struct xj_str	 password;
	struct xj_str	 code;
};

static const struct xj_field cred_fields[] = {
	{ "phone", XJ_F_STR, XJ_REQ, 1, 20, NULL, offsetof(struct cred_in, phone), NULL, 0, 0, 0 },
	{ "password", XJ_F_STR, XJ_OPT, 1, 128, NULL, offsetof(struct cred_in, password), NULL, 0, 0, 0 },
	{ "code", XJ_F_STR, XJ_OPT, 1, 16, NULL, offsetof(struct cred_in, code), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

/* sign-up and reset: the phone, the code sent to it, a password */
struct code_in {
	struct xj_str	 phone;
	struct xj_str	 code;
	struct xj_str	 password;
};

static const struct xj_field signup_fields[] = {
	{ "phone", XJ_F_STR, XJ_REQ, 1, 20, NULL, offsetof(struct code_in, phone), NULL, 0, 0, 0 },
	{ "code", XJ_F_STR, XJ_REQ, 1, 16, NULL, offsetof(struct code_in, code), NULL, 0, 0, 0 },
	{ "password", XJ_F_STR, XJ_REQ, 1, 128, NULL, offsetof(struct code_in, password), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static const struct xj_field reset_fields[] = {
	{ "phone", XJ_F_STR, XJ_REQ, 1, 20, NULL, offsetof(struct code_in, phone), NULL, 0, 0, 0 },
	{ "code", XJ_F_STR, XJ_REQ, 1, 16, NULL, offsetof(struct code_in, code), NULL, 0, 0, 0 },
	{ "new_password", XJ_F_STR, XJ_REQ, 1, 128, NULL, offsetof(struct code_in, password), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct pw_in {
	struct xj_str	 current;
	struct xj_str	 next;
};

static const struct xj_field pw_fields[] = {
	{ "current_password", XJ_F_STR, XJ_REQ, 1, 128, NULL, offsetof(struct pw_in, current), NULL, 0, 0, 0 },
	{ "new_password", XJ_F_STR, XJ_REQ, 1, 128, NULL, offsetof(struct pw_in, next), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

/* 8..128 characters with at least one letter and one digit. */
static int
password_policy(struct xj_str pw)
{
	int alpha = 0, digit = 0;

	for (size_t i = 0; i < pw.len; i++) {
		alpha |= isalpha((unsigned char)pw.p[i]) || (unsigned char)pw.p[i] >= 0x80;
		digit |= isdigit((unsigned char)pw.p[i]) != 0;
	}
	return xj_utf8_len(pw) >= 8 && alpha && digit ? XJ_OK : XJ_E_F_WEAK_PASSWORD;
}

int
xj_parent_phone_prepare(struct xj_str in, struct xj_parent_phone *p, int encrypt)
{
	size_t n = in.len < sizeof(p->digits) ? in.len : sizeof(p->digits) - 1;
	size_t len = xj_mobile_normalize(in.p, n, p->digits);
	char row[XJ_PARENT_ROW_LEN];
	int rc;

	p->digits[len] = '\0';
	p->len = len;
	if ((rc = xj_mobile_check((struct xj_str){ len, p->digits })) != XJ_OK)
		return rc;
	if (xj_blind_index(xj_auth_keys(), "parent.phone", p->digits, len, p->bidx) != 0)
		return XJ_E_INTERNAL;
	/* the row's identity is its unique blind index (review L1) */
	if (encrypt && xj_field_encrypt(xj_auth_keys(), "parent_account.phone",
	    xj_parent_phone_row(p->bidx, row), p->digits, len, p->ct, sizeof(p->ct),
	    &p->ct_len) != 0)
		return XJ_E_INTERNAL;
	return XJ_OK;
}

static int
hash_password(struct xj_str pw, char *out)
{
	return xj_auth_password_hash(pw.p, pw.len, out);
}

static int
session_body(struct xj_req *r, int status, unsigned long long id)
{
	yajl_gen g = xj_resp_json(r, status);

	yajl_gen_map_open(g);
	xj_gen_key(g, "account");
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)id);
	yajl_gen_map_close(g);
	xj_gen_str(g, "csrf_token", xj_auth_csrf(r));
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

static struct xj_actor
actor_of(struct xj_req *r, unsigned long long id)
{
	struct xj_actor a = { XJ_ACTOR_PARENT, id, NULL, 0, r->id, r->client_addr };

	return a;
}

struct signup_tx {
	struct xj_req		*r;
	struct xj_parent_phone	*ph;
	const unsigned char	*mac;	/* the code's, used up with the insert */
	const char		*hash;
	unsigned long long	 id;
};

static int
signup_tx(struct xj_db *db, void *arg)
{
	struct signup_tx *t = arg;
	struct xj_actor who;
	struct xj_audit a = { "parent.signup", "parent_account", XJ_STR_NULL, XJ_STR_NULL, XJ_STR("created") };
	char idbuf[24];
	int rc;

	/* the code is used up by the account it made, or not at all */
	if ((rc = xj_code_take(db, t->ph->bidx, "signup", t->mac)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_F_SMS_CODE : rc;
	rc = xj_parent_insert(db, t->ph->bidx, t->ph->ct, t->ph->ct_len, t->hash, &t->id);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_PHONE_TAKEN : rc;
	snprintf(idbuf, sizeof(idbuf), "%llu", t->id);
	a.target_id = xj_str_c(idbuf);
	who = actor_of(t->r, t->id);
	return xj_audit_append(db, &who, &a);
}

/* Bind a sign-up or reset body and check everything but the code: XJ_OK,
 * or a 422 sent (r->responded) or an error. */
static int
code_body(struct xj_req *r, const struct xj_field *fields, const char *pwname,
    struct code_in *in, struct xj_parent_phone *ph, int encrypt)
{
	struct xj_ferrs fe = { 0 };
	int rc;

	memset(in, 0, sizeof(*in));
	if ((rc = xj_bind(r->arena, r->json, fields, in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (in->phone.p && (rc = xj_parent_phone_prepare(in->phone, ph, encrypt)) != XJ_OK) {
		if (rc == XJ_E_INTERNAL)
			return rc;
		xj_ferr_add(&fe, r->arena, "phone", rc);
	}
	if (in->code.p && !xj_otp_format_ok(in->code.p, in->code.len))
		xj_ferr_add(&fe, r->arena, "code", XJ_E_F_SMS_CODE);
	if (in->password.p && (rc = password_policy(in->password)) != XJ_OK)
		xj_ferr_add(&fe, r->arena, pwname, rc);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	return XJ_OK;
}

static int
code_refused(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };

	xj_ferr_add(&fe, r->arena, "code", XJ_E_F_SMS_CODE);
	return xj_resp_ferrs(r, &fe);
}

/* Sign-up and reset: the code of purpose first, counting one try, then the
 * password's hash -- no scrypt for a request without a valid code (M4). A
 * bad code is answered here (r->responded); XJ_OK with mac and hash. */
static int
code_then_hash(struct xj_req *r, const char *purpose, const struct xj_parent_phone *ph,
    const struct code_in *in, unsigned char mac[32], char hash[XJ_PW_HASH_MAX])
{
	int rc = xj_parent_code_check(r, purpose, ph, in->code, mac);

	if (rc == XJ_E_F_SMS_CODE)
		return code_refused(r);
	if (rc != XJ_OK)
		return rc;
	return hash_password(in->password, hash);
}

int
xj_parent_signup(struct xj_req *r)
{
	struct code_in in;
	struct xj_parent_phone ph;
	unsigned char mac[32];
	char hash[XJ_PW_HASH_MAX];
	struct signup_tx t;
	int rc;

	if ((rc = code_body(r, signup_fields, "password", &in, &ph, 1)) != XJ_OK || r->responded)
		return rc;
	if ((rc = code_then_hash(r, "signup", &ph, &in, mac, hash)) != XJ_OK || r->responded)
		return rc;
	t.r = r;
	t.ph = &ph;
	t.mac = mac;
	t.hash = hash;
	rc = xj_tx_run(r->db, signup_tx, &t);
	if (rc == XJ_E_F_SMS_CODE)
		return code_refused(r);
	if (rc != XJ_OK)
		return rc;
	if ((rc = xj_auth_start(r, 'p', t.id, 0)) != XJ_OK)
		return rc;
	return session_body(r, 201, t.id);
}

struct reset_tx {
	struct xj_req		*r;
	struct xj_parent_phone	*ph;
	const unsigned char	*mac;
	const char		*hash;
};

static int
reset_tx(struct xj_db *db, void *arg)
{
	struct reset_tx *t = arg;
	struct xj_parent_login acc;
	struct xj_actor who;
	struct xj_audit a = { "parent.password_reset", "parent_account", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR_NULL };
	char idbuf[24];
	int rc;

	if ((rc = xj_code_take(db, t->ph->bidx, "reset", t->mac)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_F_SMS_CODE : rc;
	if ((rc = xj_parent_by_phone(db, t->ph->bidx, &acc)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_F_SMS_CODE : rc;
	/* the new password, every session ended (generation), the lockout
	 * lifted: the owner of the phone proved it */
	if ((rc = xj_parent_set_password(db, acc.id, t->hash)) != XJ_OK ||
	    (rc = xj_parent_login_ok(db, acc.id)) != XJ_OK)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%llu", acc.id);
	a.target_id = xj_str_c(idbuf);
	who = actor_of(t->r, acc.id);
	return xj_audit_append(db, &who, &a);
}

int
xj_parent_password_reset(struct xj_req *r)
{
	struct code_in in;
	struct xj_parent_phone ph;
	unsigned char mac[32];
	char hash[XJ_PW_HASH_MAX];
	struct reset_tx t;
	int rc;

	if ((rc = code_body(r, reset_fields, "new_password", &in, &ph, 0)) != XJ_OK ||
	    r->responded)
		return rc;
	if ((rc = code_then_hash(r, "reset", &ph, &in, mac, hash)) != XJ_OK || r->responded)
		return rc;
	t.r = r;
	t.ph = &ph;
	t.mac = mac;
	t.hash = hash;
	rc = xj_tx_run(r->db, reset_tx, &t);
	if (rc == XJ_E_F_SMS_CODE)
		return code_refused(r);
	if (rc != XJ_OK)
		return rc;
	return xj_resp_body(r, 204, "application/json; charset=utf-8", "", 0);
}

struct login_tx {
	struct xj_req		*r;
	struct xj_parent_login	*acc;
	int			 ok;
	int			 locked;	/* out of reserve_tx */
	const char		*what;		/* audit action of a refused reservation */
	const char		*rehash;	/* a new hash at today's cost, or NULL */
};

/* Reserve the attempt (M2), in its own transaction so that parallel
 * attempts see it; a refusal (locked) is audited, as every failed
 * sign-in is. */
static int
reserve_tx(struct xj_db *db, void *arg)
{
	const struct xj_conf *c = xj_parent_conf;
	struct login_tx *t = arg;
	struct xj_actor who = actor_of(t->r, t->acc->id);
	struct xj_audit a = { t->what, "parent_account", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR("locked") };
	char idbuf[24];
	int rc;

	t->locked = 0;
	rc = xj_parent_login_reserve(db, t->acc->id, c->parent_max_failures, c->parent_lockout);
	if (rc != XJ_E_ACCOUNT_LOCKED)
		return rc;
	t->locked = 1;
	snprintf(idbuf, sizeof(idbuf), "%llu", t->acc->id);
	a.target_id = xj_str_c(idbuf);
	return xj_audit_append(db, &who, &a);
}

/* One evaluated guess: a slot of the hashing pool first (a busy answer
 * counts nothing), then the reservation, then the hash. 1 match, 0 no
 * (t->locked: refused before hashing, after the same work), <0 error. */
static int
attempt(struct xj_req *r, struct login_tx *t, struct xj_str pw)
{
	int rc;

	if (xj_auth_hash_enter() != 0)
		return XJ_E_BUSY;
	if ((rc = xj_tx_run(r->db, reserve_tx, t)) == XJ_OK)
		rc = xj_auth_password_verify_held(pw.p, pw.len, t->locked ? NULL : t->acc->pw_hash);
	xj_auth_hash_leave();
	return rc < 0 ? rc : t->locked ? 0 : rc;
}

/* Record the attempt's outcome: a success resets the count (the
 * failure was counted by the reservation), each with its audit entry,
 * in one transaction. */
static int
login_tx(struct xj_db *db, void *arg)
{
	struct login_tx *t = arg;
	struct xj_actor who = actor_of(t->r, t->acc->id);
	struct xj_audit a = { t->ok ? "parent.login" : "parent.login_failed",
	    "parent_account", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	char idbuf[24];
	int rc = XJ_OK;

	snprintf(idbuf, sizeof(idbuf), "%llu", t->acc->id);
	a.target_id = xj_str_c(idbuf);
	if (t->ok)
		rc = xj_parent_login_ok(db, t->acc->id);
	if (rc == XJ_OK && t->ok && t->rehash != NULL)
		rc = xj_parent_rehash(db, t->acc->id, t->rehash);
	if (rc != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

/* Sign-in by code, in ONE transaction (the opening-morning storm, issue
 * 16): the code's row locked and one try counted, and when it matches,
 * the code used up, the account's lockout lifted (the owner of the phone
 * proved it, as a reset does) and the sign-in audited. A wrong code
 * commits its counted try (t->ok 0). A number without an account never
 * had a login code sent: no row, not ok. */
struct code_login_tx {
	struct xj_req			*r;
	const struct xj_parent_phone	*ph;
	const unsigned char		*mac;
	int				 ok;
	struct xj_parent_login		 acc;
};

static int
code_login_tx(struct xj_db *db, void *arg)
{
	struct code_login_tx *t = arg;
	struct xj_actor who;
	struct xj_audit a = { "parent.login_code", "parent_account", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR_NULL };
	char idbuf[24];
	int rc;

	t->ok = 0;
	if ((rc = xj_code_try(db, t->ph->bidx, "login", t->mac, &t->ok)) != XJ_OK || !t->ok)
		return rc;
	if ((rc = xj_code_take(db, t->ph->bidx, "login", t->mac)) != XJ_OK ||
	    (rc = xj_parent_by_phone(db, t->ph->bidx, &t->acc)) != XJ_OK) {
		t->ok = 0;
		return rc == XJ_NO_ROW ? XJ_OK : rc;
	}
	if ((rc = xj_parent_login_ok(db, t->acc.id)) != XJ_OK)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "%llu", t->acc.id);
	a.target_id = xj_str_c(idbuf);
	who = actor_of(t->r, t->acc.id);
	return xj_audit_append(db, &who, &a);
}

static int
login_by_code(struct xj_req *r, const struct cred_in *in)
{
	struct xj_ferrs fe = { 0 };
	struct xj_parent_phone ph;
	struct code_login_tx t;
	unsigned char mac[32];
	int rc;

	if ((rc = xj_parent_phone_prepare(in->phone, &ph, 0)) != XJ_OK) {
		if (rc == XJ_E_INTERNAL)
			return rc;
		xj_ferr_add(&fe, r->arena, "phone", rc);
	}
	if (!xj_otp_format_ok(in->code.p, in->code.len))
		xj_ferr_add(&fe, r->arena, "code", XJ_E_F_SMS_CODE);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((rc = xj_parent_code_mac("login", &ph, in->code, mac)) != XJ_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.ph = &ph;
	t.mac = mac;
	if ((rc = xj_tx_run(r->db, code_login_tx, &t)) != XJ_OK)
		return rc;
	if (!t.ok)
		return code_refused(r);
	if ((rc = xj_auth_start(r, 'p', t.acc.id, t.acc.gen)) != XJ_OK)
		return rc;
	return session_body(r, 200, t.acc.id);
}

int
xj_parent_login(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_parent_login acc;
	struct cred_in in;
	struct xj_parent_phone ph;
	struct login_tx t;
	int rc, ok;

	memset(&in, 0, sizeof(in));
	rc = xj_bind(r->arena, r->json, cred_fields, &in, &fe);
	if (rc != XJ_OK && rc != XJ_E_VALIDATION)
		return rc;
	/* exactly one of password and code */
	if (rc == XJ_OK && in.password.p == NULL && in.code.p == NULL)
		xj_ferr_add(&fe, r->arena, "password", XJ_E_F_REQUIRED);
	if (rc == XJ_OK && in.password.p != NULL && in.code.p != NULL)
		xj_ferr_add(&fe, r->arena, "code", XJ_E_F_NOT_ALLOWED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if (in.code.p != NULL)
		return login_by_code(r, &in);
	/* a malformed number cannot have an account: same answer as a
	 * wrong password, after the same work */
	rc = xj_parent_phone_prepare(in.phone, &ph, 0);
	if (rc == XJ_E_INTERNAL)
		return rc;
	if (rc != XJ_OK || (rc = xj_parent_by_phone(r->db, ph.bidx, &acc)) == XJ_NO_ROW) {
		if ((rc = xj_auth_password_verify(in.password.p, in.password.len, NULL)) < 0)
			return rc;
		return XJ_E_BAD_CREDENTIALS;
	}
	if (rc != XJ_OK)
		return rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.acc = &acc;
	t.what = "parent.login_locked";
	if ((ok = attempt(r, &t, in.password)) < 0)
		return ok;
	/* M1c: locked answers as unknown; the audit entry was written */
	if (t.locked)
		return XJ_E_BAD_CREDENTIALS;
	t.ok = ok;
	/* the cost was raised since this hash was made: re-hash now, while
	 * the password is at hand */
	if (ok && xj_pw_needs_rehash(acc.pw_hash, xj_parent_conf->scrypt_log2n,
	    xj_parent_conf->scrypt_r, xj_parent_conf->scrypt_p)) {
		char *h = xj_alloc(r->arena, XJ_PW_HASH_MAX);
		if (h == NULL)
			return XJ_E_TOO_COMPLEX;
		if ((rc = hash_password(in.password, h)) != XJ_OK)
			return rc;
		t.rehash = h;
	}
	if ((rc = xj_tx_run(r->db, login_tx, &t)) != XJ_OK)
		return rc;
	if (!ok)
		return XJ_E_BAD_CREDENTIALS;
	if ((rc = xj_auth_start(r, 'p', acc.id, acc.gen)) != XJ_OK)
		return rc;
	return session_body(r, 200, acc.id);
}

int
xj_parent_whoami(struct xj_req *r)
{
	return session_body(r, 200, r->actor_id);
}

static int
logout_tx(struct xj_db *db, void *arg)
{
	struct xj_req *r = arg;
	struct xj_actor who = actor_of(r, r->actor_id);
	char idbuf[24];
	struct xj_audit a = { "parent.logout", "parent_account", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	int rc;

	snprintf(idbuf, sizeof(idbuf), "%llu", r->actor_id);
	a.target_id = xj_str_c(idbuf);
	if ((rc = xj_parent_bump_gen(db, r->actor_id)) != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

int
xj_parent_logout(struct xj_req *r)
{
	int rc;

	if ((rc = xj_tx_run(r->db, logout_tx, r)) != XJ_OK)
		return rc;
	xj_auth_clear(r, 'p');
	return xj_resp_body(r, 204, "application/json; charset=utf-8", "", 0);
}

/* DELETE /api/parent/v1/account (PIPL art. 47, review finding M12): the
 * account goes when nothing live depends on it (store/privacy.h: every
 * registration cancelled or void, none a student record); its closed
 * registrations, guardians and stored answers go with it, audited in the
 * same transaction. 204, or 409 account_in_use. */
static int
delete_tx(struct xj_db *db, void *arg)
{
	struct xj_req *r = arg;
	struct xj_actor who = actor_of(r, r->actor_id);

	return xj_privacy_account_delete(db, r->actor_id, &who);
}

int
xj_parent_account_delete(struct xj_req *r)
{
	int rc;

	if ((rc = xj_tx_run(r->db, delete_tx, r)) != XJ_OK)
		return rc;
	xj_auth_clear(r, 'p');
	return xj_resp_body(r, 204, "application/json; charset=utf-8", "", 0);
}

struct pw_tx {
	struct xj_req	*r;
	const char	*hash;
	const char	*action;	/* parent.password_change or ..._failed */
};

static int
password_tx(struct xj_db *db, void *arg)
{
	struct pw_tx *t = arg;
	struct xj_actor who = actor_of(t->r, t->r->actor_id);
	char idbuf[24];
	struct xj_audit a = { t->action, "parent_account", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	int rc;

	snprintf(idbuf, sizeof(idbuf), "%llu", t->r->actor_id);
	a.target_id = xj_str_c(idbuf);
	/* a right current password ends the failures, as a login does */
	if (t->hash != NULL && ((rc = xj_parent_set_password(db, t->r->actor_id, t->hash)) != XJ_OK ||
	    (rc = xj_parent_login_ok(db, t->r->actor_id)) != XJ_OK))
		return rc;
	return xj_audit_append(db, &who, &a);
}

int
xj_parent_password(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_parent_login acc;
	struct pw_in in;
	char hash[XJ_PW_HASH_MAX];
	struct login_tx lt;
	struct pw_tx t;
	int rc, ok;

	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, pw_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (in.next.p && (rc = password_policy(in.next)) != XJ_OK)
		xj_ferr_add(&fe, r->arena, "new_password", rc);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((rc = xj_parent_by_id(r->db, r->actor_id, &acc)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_UNAUTHENTICATED : rc;
	/* L10: the current password is a guess like a login's, counted and
	 * audited under the same lockout */
	memset(&lt, 0, sizeof(lt));
	lt.r = r;
	lt.acc = &acc;
	lt.what = "parent.password_change_locked";
	if ((ok = attempt(r, &lt, in.current)) < 0)
		return ok;
	if (lt.locked)
		return XJ_E_ACCOUNT_LOCKED;
	t.r = r;
	if (!ok) {
		t.hash = NULL;
		t.action = "parent.password_change_failed";
		if ((rc = xj_tx_run(r->db, password_tx, &t)) != XJ_OK)
			return rc;
		xj_ferr_add(&fe, r->arena, "current_password", XJ_E_F_WRONG_PASSWORD);
		return xj_resp_ferrs(r, &fe);
	}
	if ((rc = hash_password(in.next, hash)) != XJ_OK)
		return rc;
	t.hash = hash;
	t.action = "parent.password_change";
	if ((rc = xj_tx_run(r->db, password_tx, &t)) != XJ_OK)
		return rc;
	/* every other session of the account ended with the generation */
	if ((rc = xj_auth_start(r, 'p', r->actor_id, acc.gen + 1)) != XJ_OK)
		return rc;
	return session_body(r, 200, r->actor_id);
}
