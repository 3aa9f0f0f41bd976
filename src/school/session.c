/* session.c -- staff sign-in for schools and education bureaus
 * (R-ORG-3, R-ORG-4):
 *   POST   /api/school/v1/session   200 + session | 401 invalid_credentials
 *                                   | 403 account_locked | 403 account_disabled
 *   GET    /api/school/v1/session   200 who am I: account, role, org, csrf_token
 *   DELETE /api/school/v1/session   204
 * R-ORG-4, one live session per account: every successful login starts a
 * new session generation, so the token of the previous login is refused
 * with session_replaced on its next request (auth/auth.c); a logout bumps
 * it too. [security] staff_max_failures wrong passwords in a row (default
 * 3) lock the account for staff_lockout seconds. Password checks run
 * outside any transaction, inside the bounded hashing pool (auth.h), as
 * for parents (parent/account.c). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "crypto/password.h"
#include "db/db.h"
#include "db/tx.h"
#include "store/audit.h"
#include "store/staff.h"
#include "school.h"

struct cred_in {
	struct xj_str	 login;
	struct xj_str	 password;
};

static const struct xj_field cred_fields[] = {
	{ "login", XJ_F_STR, XJ_REQ, 1, 64, NULL, offsetof(struct cred_in, login), NULL, 0, 0, 0 },
	{ "password", XJ_F_STR, XJ_REQ, 1, 128, NULL, offsetof(struct cred_in, password), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static int
verify_password(struct xj_str pw, const char *stored)
{
	return xj_auth_password_verify(pw.p, pw.len, stored);
}

/* {account: {id, login, display_name, role, org: {id, kind, code, name}},
 *  csrf_token} */
static int
session_body(struct xj_req *r, unsigned long long id)
{
	struct xj_staff_info *si = xj_calloc(r->arena, 1, sizeof(*si));
	yajl_gen g;
	int rc;

	if (si == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_staff_by_id(r->db, id, si)) != XJ_OK)
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
	xj_gen_str(g, "csrf_token", xj_auth_csrf(r));
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

enum attempt { A_OK, A_WRONG, A_DISABLED };

struct login_tx {
	struct xj_req		*r;
	struct xj_staff_login	*acc;
	enum attempt		 how;
	unsigned		 gen;		/* out: the new session generation */
	const char		*rehash;	/* a new hash at today's cost, or NULL */
};

/* Record the attempt: a success starts a new generation (R-ORG-4) and
 * resets the failures, a wrong password counts one (the max-th locks);
 * each with its audit entry, in one transaction. */
static int
login_tx(struct xj_db *db, void *arg)
{
	const struct xj_conf *c = xj_school_conf;
	struct login_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_STAFF, t->acc->id, t->acc->role, t->acc->org_id,
	    t->r->id, t->r->client_addr };
	struct xj_audit a = { NULL, "staff_account", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	char idbuf[24];
	int rc = XJ_OK;

	snprintf(idbuf, sizeof(idbuf), "%llu", t->acc->id);
	a.target_id = xj_str_c(idbuf);
	switch (t->how) {
	case A_OK:
		a.action = "staff.login";
		rc = xj_staff_login_ok(db, t->acc->id, &t->gen);
		if (rc == XJ_E_CONFLICT)	/* disabled between read and write */
			rc = XJ_E_ACCOUNT_DISABLED;
		if (rc == XJ_OK && t->rehash != NULL)
			rc = xj_staff_rehash(db, t->acc->id, t->rehash);
		break;
	case A_WRONG:
		a.action = "staff.login_failed";
		rc = xj_staff_login_failed(db, t->acc->id, c->staff_max_failures, c->staff_lockout);
		break;
	case A_DISABLED:
		a.action = "staff.login_refused";
		break;
	}
	if (rc != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

int
xj_school_login(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_staff_login *acc;
	struct cred_in in;
	struct login_tx t;
	char login[65], ra[24];
	int rc, ok;

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
		verify_password(in.password, NULL);
		return XJ_E_BAD_CREDENTIALS;
	}
	if (rc != XJ_OK)
		return rc;
	if (acc->locked_for > 0) {
		snprintf(ra, sizeof(ra), "%lld", acc->locked_for);
		xj_resp_header(r, "Retry-After", ra);
		return xj_resp_error(r, XJ_E_ACCOUNT_LOCKED, NULL);
	}
	if ((ok = verify_password(in.password, acc->pw_hash)) < 0)
		return ok == XJ_E_BUSY ? XJ_E_BUSY : XJ_E_INTERNAL;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.acc = acc;
	/* a disabled account is told so only with the right password: the
	 * answer then reveals nothing its holder does not know */
	t.how = !ok ? A_WRONG : strcmp(acc->status, "active") != 0 ? A_DISABLED : A_OK;
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
	if (t.how == A_WRONG)
		return XJ_E_BAD_CREDENTIALS;
	if (t.how == A_DISABLED)
		return XJ_E_ACCOUNT_DISABLED;
	if ((rc = xj_auth_start(r, 's', acc->id, t.gen)) != XJ_OK)
		return rc;
	return session_body(r, acc->id);
}

int
xj_school_whoami(struct xj_req *r)
{
	return session_body(r, r->actor_id);
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
