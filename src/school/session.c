/* session.c -- staff sign-in for schools and education bureaus
 * (R-ORG-3, R-ORG-4; review M1c, M2, M3, M10):
 *   POST   /api/school/v1/session   {login, password, otp?}
 *                                   200 + session | 401 invalid_credentials
 *                                   | 401 otp_required | 401 otp_invalid
 *                                   | 403 account_disabled
 *   GET    /api/school/v1/session   200 who am I: account, role, org,
 *                                   must_change_password, second_factor, csrf_token
 *   DELETE /api/school/v1/session   204
 * R-ORG-4, one live session per account: every successful login starts a
 * new session generation, so the token of the previous login is refused
 * with session_replaced on its next request (auth/auth.c); a logout bumps
 * it too.
 * Lockout per (account, client address) (M3): [security]
 * staff_max_failures attempts in a row from one address (default 3) lock
 * that address out of that account for staff_lockout seconds; the owner
 * signs in from any other address meanwhile, so an attacker can lock only
 * himself. Each attempt takes a hashing slot, then reserves itself on its
 * address's row in its own transaction, and only then is the password
 * hashed (M2): parallel guesses never outnumber the limit. A locked
 * address hears the same 401 invalid_credentials as an unknown login or a
 * wrong password, after the same work (M1c); the audit log keeps
 * staff.login_locked for the owner's administrators. With a second
 * factor enrolled (credentials.c) a right password also needs the TOTP
 * code of a step not used before. Password checks run outside any
 * transaction, inside the bounded hashing pool (auth.h). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <netinet/in.h>

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
#include "store/audit.h"
#include "store/staff.h"
#include "school.h"

struct cred_in {
	struct xj_str	 login;
	struct xj_str	 password;
	struct xj_str	 otp;
};

static const struct xj_field cred_fields[] = {
	{ "login", XJ_F_STR, XJ_REQ, 1, 64, NULL, offsetof(struct cred_in, login), NULL, 0, 0, 0 },
	{ "password", XJ_F_STR, XJ_REQ, 1, 128, NULL, offsetof(struct cred_in, password), NULL, 0, 0, 0 },
	{ "otp", XJ_F_STR, XJ_OPT, 1, 16, NULL, offsetof(struct cred_in, otp), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

void
xj_school_client_key(const char *addr, char out[XJ_CLIENT_KEY_MAX])
{
	struct in6_addr a6;

	/* an IPv6 client holds at least a /64: one key for all of it */
	if (addr != NULL && strchr(addr, ':') != NULL && inet_pton(AF_INET6, addr, &a6) == 1) {
		snprintf(out, XJ_CLIENT_KEY_MAX, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64",
		    a6.s6_addr[0], a6.s6_addr[1], a6.s6_addr[2], a6.s6_addr[3],
		    a6.s6_addr[4], a6.s6_addr[5], a6.s6_addr[6], a6.s6_addr[7]);
		return;
	}
	snprintf(out, XJ_CLIENT_KEY_MAX, "%s", addr != NULL ? addr : "");
}

struct guard_tx {
	struct xj_req		*r;
	struct xj_staff_login	*acc;
	const char		*key;		/* the client's address key */
	const char		*what;		/* audit action of a refusal */
	int			 locked;	/* out */
};

/* Reserve one attempt of this client on this account (M2, M3), in its
 * own transaction so that parallel attempts see it; a refusal (locked)
 * is audited. */
static int
guard_tx(struct xj_db *db, void *arg)
{
	const struct xj_conf *c = xj_school_conf;
	struct guard_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_STAFF, t->acc->id, t->acc->role, t->acc->org_id,
	    t->r->id, t->r->client_addr };
	struct xj_audit a = { t->what, "staff_account", XJ_STR_NULL, XJ_STR_NULL, XJ_STR("locked") };
	char idbuf[24];
	int rc;

	t->locked = 0;
	rc = xj_staff_guard_reserve(db, t->acc->id, t->key, c->staff_max_failures, c->staff_lockout);
	if (rc != XJ_E_ACCOUNT_LOCKED)
		return rc;
	t->locked = 1;
	snprintf(idbuf, sizeof(idbuf), "%llu", t->acc->id);
	a.target_id = xj_str_c(idbuf);
	return xj_audit_append(db, &who, &a);
}

int
xj_school_attempt(struct xj_req *r, struct xj_staff_login *acc, const char *what,
    struct xj_str pw, int *locked)
{
	struct guard_tx t;
	char key[XJ_CLIENT_KEY_MAX];
	int rc;

	xj_school_client_key(r->client_addr, key);
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.acc = acc;
	t.key = key;
	t.what = what;
	/* the slot first: an attempt answered busy (503) counts nothing */
	if (xj_auth_hash_enter() != 0)
		return XJ_E_BUSY;
	if ((rc = xj_tx_run(r->db, guard_tx, &t)) == XJ_OK)
		rc = xj_auth_password_verify_held(pw.p, pw.len, t.locked ? NULL : acc->pw_hash);
	xj_auth_hash_leave();
	*locked = t.locked;
	return rc < 0 ? rc : t.locked ? 0 : rc;
}

/* {account: {id, login, display_name, role, org: {id, kind, code, name}},
 *  must_change_password, second_factor: {enrolled, required}, may: [action],
 *  csrf_token} */
int
xj_school_session_body(struct xj_req *r, unsigned long long id)
{
	struct xj_staff_info *si = xj_calloc(r->arena, 1, sizeof(*si));
	struct xj_staff_session ss;
	yajl_gen g;
	int rc;

	if (si == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_staff_by_id(r->db, id, si)) != XJ_OK ||
	    (rc = xj_staff_session(r->db, id, &ss)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_UNAUTHENTICATED : rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "account");
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)id);
	xj_gen_str(g, "login", si->login);
	xj_gen_str(g, "display_name", si->display_name);
	xj_gen_str(g, "role", si->role);
	xj_gen_key(g, "org");
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", si->org_id);
	xj_gen_str(g, "kind", si->org_kind);
	xj_gen_str(g, "code", si->org_code);
	xj_gen_str(g, "name", si->org_name);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	xj_gen_bool(g, "must_change_password", ss.must_change_pw);
	xj_gen_key(g, "second_factor");
	yajl_gen_map_open(g);
	xj_gen_bool(g, "enrolled", ss.totp_enabled);
	xj_gen_bool(g, "required", xj_auth_totp_required(ss.org_kind));
	yajl_gen_map_close(g);
	/* issue 14: what this account may do, from the access policy
	 * (scope.c), so the staff pages offer only that */
	xj_gen_key(g, "may");
	yajl_gen_array_open(g);
	xj_school_may_gen(g, si->org_kind, si->role);
	yajl_gen_array_close(g);
	xj_gen_str(g, "csrf_token", xj_auth_csrf(r));
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

enum attempt { A_OK, A_WRONG, A_DISABLED, A_OTP_MISSING, A_OTP_WRONG };

struct login_tx {
	struct xj_req		*r;
	struct xj_staff_login	*acc;
	enum attempt		 how;
	enum attempt		 result;	/* out: how, or A_OTP_WRONG for a replay */
	long long		 step;		/* the TOTP step to use, or -1 */
	unsigned		 gen;		/* out: the new session generation */
	const char		*rehash;	/* a new hash at today's cost, or NULL */
};

/* Record the attempt: a success uses its TOTP step (once: a replay turns
 * it into A_OTP_WRONG), starts a new generation (R-ORG-4) and forgets
 * this address's failures (the reservation counted the others); each
 * with its audit entry, in one transaction. */
static int
login_tx(struct xj_db *db, void *arg)
{
	struct login_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_STAFF, t->acc->id, t->acc->role, t->acc->org_id,
	    t->r->id, t->r->client_addr };
	struct xj_audit a = { NULL, "staff_account", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	char idbuf[24], key[XJ_CLIENT_KEY_MAX];
	enum attempt how = t->how;	/* t stays as given: xj_tx_run may rerun us */
	int rc = XJ_OK;

	snprintf(idbuf, sizeof(idbuf), "%llu", t->acc->id);
	a.target_id = xj_str_c(idbuf);
	if (how == A_OK && t->step >= 0 &&
	    (rc = xj_staff_totp_use(db, t->acc->id, t->step)) == XJ_E_CONFLICT) {
		how = A_OTP_WRONG;	/* this step was used: a replay */
		rc = XJ_OK;
	}
	if (rc != XJ_OK)
		return rc;
	t->result = how;
	switch (how) {
	case A_OK:
		a.action = "staff.login";
		xj_school_client_key(t->r->client_addr, key);
		rc = xj_staff_login_ok(db, t->acc->id, &t->gen);
		if (rc == XJ_E_CONFLICT)	/* disabled between read and write */
			rc = XJ_E_ACCOUNT_DISABLED;
		if (rc == XJ_OK)
			rc = xj_staff_guard_clear(db, t->acc->id, key);
		if (rc == XJ_OK && t->rehash != NULL)
			rc = xj_staff_rehash(db, t->acc->id, t->rehash);
		break;
	case A_WRONG:
		a.action = "staff.login_failed";
		break;
	case A_DISABLED:
		a.action = "staff.login_refused";
		break;
	case A_OTP_MISSING:
		a.action = "staff.login_otp_missing";
		break;
	case A_OTP_WRONG:
		a.action = "staff.login_otp_failed";
		break;
	}
	if (rc != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

/* The account's TOTP code: the step it matches above the last one used,
 * or -1. */
static long long
otp_step(const struct xj_staff_login *acc, struct xj_str code)
{
	char secret[XJ_TOTP_SECRET_LEN + 1];
	size_t n = 0;
	long long step = -1;

	char row[24];

	snprintf(row, sizeof(row), "%llu", acc->id);	/* bound to the account (L1) */
	if (acc->totp_ct_len == 0 ||
	    xj_field_decrypt(xj_auth_keys(), XJ_TOTP_AAD, row, acc->totp_ct, acc->totp_ct_len,
	    secret, sizeof(secret), &n) != 0 || n != XJ_TOTP_SECRET_LEN)
		return -1;
	if (!xj_totp_verify((const unsigned char *)secret, n, (long long)time(NULL), code.p,
	    code.len, acc->totp_last_step, &step))
		step = -1;
	OPENSSL_cleanse(secret, sizeof(secret));
	return step;
}

int
xj_school_login(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_staff_login *acc;
	struct cred_in in;
	struct login_tx t;
	char login[65];
	int rc, ok, locked;

	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, cred_fields, &in, &fe)) != XJ_OK)
		return rc == XJ_E_VALIDATION ? xj_resp_ferrs(r, &fe) : rc;
	if ((acc = xj_calloc(r->arena, 1, sizeof(*acc))) == NULL)
		return XJ_E_TOO_COMPLEX;
	/* 64 characters may be more bytes than the column: no such login */
	if (in.login.len >= sizeof(login))
		rc = XJ_NO_ROW;
	else {
		memcpy(login, in.login.p, in.login.len);
		login[in.login.len] = '\0';
		rc = xj_staff_by_login(r->db, login, acc);
	}
	if (rc == XJ_NO_ROW) {
		if ((rc = xj_auth_password_verify(in.password.p, in.password.len, NULL)) < 0)
			return rc;
		return XJ_E_BAD_CREDENTIALS;
	}
	if (rc != XJ_OK)
		return rc;
	if ((ok = xj_school_attempt(r, acc, "staff.login_locked", in.password, &locked)) < 0)
		return ok;
	/* M1c: a locked address hears what an unknown login hears */
	if (locked)
		return XJ_E_BAD_CREDENTIALS;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.acc = acc;
	t.step = -1;
	/* a disabled account is told so only with the right password: the
	 * answer then reveals nothing its holder does not know */
	t.how = !ok ? A_WRONG : strcmp(acc->status, "active") != 0 ? A_DISABLED : A_OK;
	/* the second factor, once the password is right; a missing or
	 * wrong code leaves the reservation counted */
	if (t.how == A_OK && acc->totp_enabled) {
		if (in.otp.p == NULL)
			t.how = A_OTP_MISSING;
		else if ((t.step = otp_step(acc, in.otp)) < 0)
			t.how = A_OTP_WRONG;
	}
	/* the cost was raised since this hash was made: re-hash now, while
	 * the password is at hand (as parents' logins do) */
	if (t.how == A_OK && xj_pw_needs_rehash(acc->pw_hash, xj_school_conf->scrypt_log2n,
	    xj_school_conf->scrypt_r, xj_school_conf->scrypt_p)) {
		char *h = xj_alloc(r->arena, XJ_PW_HASH_MAX);
		if (h == NULL)
			return XJ_E_TOO_COMPLEX;
		if ((rc = xj_auth_password_hash(in.password.p, in.password.len, h)) != XJ_OK)
			return rc;
		t.rehash = h;
	}
	if ((rc = xj_tx_run(r->db, login_tx, &t)) != XJ_OK)
		return rc;
	switch (t.result) {
	case A_WRONG:
		return XJ_E_BAD_CREDENTIALS;
	case A_DISABLED:
		return XJ_E_ACCOUNT_DISABLED;
	case A_OTP_MISSING:
		return XJ_E_OTP_REQUIRED;
	case A_OTP_WRONG:
		return XJ_E_OTP_INVALID;
	case A_OK:
		break;
	}
	if ((rc = xj_auth_start(r, 's', acc->id, t.gen)) != XJ_OK)
		return rc;
	return xj_school_session_body(r, acc->id);
}

int
xj_school_whoami(struct xj_req *r)
{
	return xj_school_session_body(r, r->actor_id);
}

static int
logout_tx(struct xj_db *db, void *arg)
{
	struct xj_req *r = arg;
	struct xj_actor who = { XJ_ACTOR_STAFF, r->actor_id, r->actor_role, r->actor_org,
	    r->id, r->client_addr };
	struct xj_audit a = { "staff.logout", "staff_account", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	char idbuf[24];
	int rc;

	snprintf(idbuf, sizeof(idbuf), "%llu", r->actor_id);
	a.target_id = xj_str_c(idbuf);
	if ((rc = xj_staff_bump_gen(db, r->actor_id)) != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

int
xj_school_logout(struct xj_req *r)
{
	int rc;

	if ((rc = xj_tx_run(r->db, logout_tx, r)) != XJ_OK)
		return rc;
	xj_auth_clear(r, 's');
	return xj_resp_body(r, 204, "application/json; charset=utf-8", "", 0);
}
