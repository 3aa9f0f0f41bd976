/* accounts.c -- staff accounts managed by bureau administrators (R-ORG-3):
 *   POST /api/school/v1/accounts                   201 | 403 | 404 | 409 login_taken | 422
 *        {org_code, org_kind, login, display_name, role, password}
 *   GET  /api/school/v1/accounts?org=&after=&limit=  200 {items, next_after} | 400 | 403 | 404
 *        the accounts of the administrator's org and below (issue 14), or
 *        of one org of that scope and below it, in id order (keyset)
 *   POST /api/school/v1/accounts/{login}/disable   200 | 403 | 404 | 409
 *   POST /api/school/v1/accounts/{login}/enable    200 | 403 | 404 | 409
 *        a disabled account active again (issue 14: a disable undone);
 *        its password stays, its sessions ended with the disable
 *   POST /api/school/v1/accounts/{login}/password-reset {new_password}
 *                                                  200 | 403 | 404 | 409 | 422
 * Who: administrators of a bureau (scope.c). Scope: the account's org must
 * be the administrator's own or lie below it; any other org or login
 * answers 404. A school's roles are clerk and reviewer, a bureau's
 * reviewer and admin. Staff passwords are stricter than parents': at
 * least 10 characters with letters and digits. Disabling bumps the
 * session generation, so the account's live session ends at once
 * (R-ORG-4). A new account, and one whose password an administrator
 * resets, must change its password at its next login before anything
 * else (review M10: the administrator knows it); a reset also drops the
 * account's second factor (the lost-phone path) and its lockout rows,
 * and ends its session. Each is audited. */
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
#include "crypto/password.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/pwpolicy.h"
#include "store/staff.h"
#include "store/admission.h"
#include "school.h"
#include "records.h"
#include "store/student.h"

struct account_in {
	struct xj_str	 org_code;
	struct xj_str	 org_kind;
	struct xj_str	 login;
	struct xj_str	 display_name;
	struct xj_str	 role;
	struct xj_str	 password;
};

static int
kind_check(struct xj_str s)
{
	return xj_str_eq(s, "school") || xj_str_eq(s, "county") || xj_str_eq(s, "city") ||
	    xj_str_eq(s, "province") || xj_str_eq(s, "ministry") ? XJ_OK : XJ_E_F_CODE;
}

static int
role_check(struct xj_str s)
{
	return xj_str_eq(s, "clerk") || xj_str_eq(s, "reviewer") || xj_str_eq(s, "admin") ?
	    XJ_OK : XJ_E_F_CODE;
}

/* letters, digits and . _ - : the demo logins' shape (110105.reviewer) */
static int
login_check(struct xj_str s)
{
	for (size_t i = 0; i < s.len; i++)
		if (!isalnum((unsigned char)s.p[i]) && s.p[i] != '.' && s.p[i] != '_' && s.p[i] != '-')
			return XJ_E_F_FORMAT;
	return XJ_OK;
}

static int
code_check(struct xj_str s)
{
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_F_FORMAT;
	return XJ_OK;
}

static const struct xj_field account_fields[] = {
	{ "org_code", XJ_F_STR, XJ_REQ, 6, 12, code_check, offsetof(struct account_in, org_code), NULL, 0, 0, 0 },
	{ "org_kind", XJ_F_STR, XJ_REQ, 1, 12, kind_check, offsetof(struct account_in, org_kind), NULL, 0, 0, 0 },
	{ "login", XJ_F_STR, XJ_REQ, 3, 64, login_check, offsetof(struct account_in, login), NULL, 0, 0, 0 },
	{ "display_name", XJ_F_STR, XJ_REQ, 1, 64, NULL, offsetof(struct account_in, display_name), NULL, 0, 0, 0 },
	{ "role", XJ_F_STR, XJ_REQ, 1, 16, role_check, offsetof(struct account_in, role), NULL, 0, 0, 0 },
	{ "password", XJ_F_STR, XJ_REQ, 1, 128, xj_pwpolicy_staff, offsetof(struct account_in, password), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct create_tx {
	struct xj_req		*r;
	unsigned		 org_id;
	const char		*login, *name, *role, *hash;
	unsigned long long	 id;
};

static int
create_tx(struct xj_db *db, void *arg)
{
	struct create_tx *t = arg;
	int rc;

	rc = xj_staff_create(db, t->org_id, t->login, t->name, t->role, t->hash, &t->id);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_LOGIN_TAKEN : rc;
	return xj_school_audit(db, t->r, "staff.create", "staff_account", t->login,
	    xj_str_c(t->role));
}

int
xj_school_account_create(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct account_in in;
	struct create_tx t;
	char kind[13], code[13], path[129], hash[XJ_PW_HASH_MAX];
	yajl_gen g;
	int rc;

	a = *xj_school_actor(r);
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, account_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	/* a school has clerks and reviewers, a bureau reviewers and admins */
	if (in.org_kind.p && in.role.p && kind_check(in.org_kind) == XJ_OK &&
	    role_check(in.role) == XJ_OK &&
	    (xj_str_eq(in.org_kind, "school") ? xj_str_eq(in.role, "admin") : xj_str_eq(in.role, "clerk")))
		xj_ferr_add(&fe, r->arena, "role", XJ_E_F_NOT_ALLOWED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	snprintf(kind, sizeof(kind), "%.*s", (int)in.org_kind.len, in.org_kind.p);
	snprintf(code, sizeof(code), "%.*s", (int)in.org_code.len, in.org_code.p);
	if ((rc = xj_adm_org_get(r->db, kind, code, &t.org_id, path)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (!xj_school_in_scope(&a, path))
		return XJ_E_NOT_FOUND;
	if ((rc = xj_auth_password_hash(in.password.p, in.password.len, hash)) != XJ_OK)
		return rc;
	t.r = r;
	t.login = xj_strndup(r->arena, in.login.p, in.login.len);
	t.name = xj_strndup(r->arena, in.display_name.p, in.display_name.len);
	t.role = xj_strndup(r->arena, in.role.p, in.role.len);
	t.hash = hash;
	t.id = 0;
	if (t.login == NULL || t.name == NULL || t.role == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_tx_run(r->db, create_tx, &t)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 201);
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)t.id);
	xj_gen_str(g, "login", t.login);
	xj_gen_str(g, "display_name", t.name);
	xj_gen_str(g, "role", t.role);
	xj_gen_str(g, "status", "active");
	xj_gen_key(g, "org");
	yajl_gen_map_open(g);
	xj_gen_str(g, "kind", kind);
	xj_gen_str(g, "code", code);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

struct disable_tx {
	struct xj_req		*r;
	unsigned long long	 id;
	const char		*login;
};

static int
disable_tx(struct xj_db *db, void *arg)
{
	struct disable_tx *t = arg;
	int rc;

	if ((rc = xj_adm_staff_disable(db, t->id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_CONFLICT : rc;
	return xj_school_audit(db, t->r, "staff.disable", "staff_account", t->login,
	    xj_str_c("disabled"));
}

/* The account {login} that an admin acts on: in the admin's scope (404
 * outside it, whatever the body says), and never the admin's own (409:
 * nobody locks themselves out; one's own password is PUT
 * /account/password). login holds 65 bytes. */
static int
admin_target(struct xj_req *r, struct xj_str lg, char login[65], struct xj_staff_target *tg)
{
	struct xj_school_actor a;
	int rc;

	a = *xj_school_actor(r);
	if (lg.len == 0 || lg.len >= 65)
		return XJ_E_NOT_FOUND;
	memcpy(login, lg.p, lg.len);
	login[lg.len] = '\0';
	memset(tg, 0, sizeof(*tg));
	if ((rc = xj_adm_staff_get(r->db, login, tg)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (!xj_school_in_scope(&a, tg->org_path))
		return XJ_E_NOT_FOUND;
	if (tg->id == r->actor_id)
		return XJ_E_CONFLICT;
	return XJ_OK;
}

static int
enable_tx(struct xj_db *db, void *arg)
{
	struct disable_tx *t = arg;
	int rc;

	if ((rc = xj_staff_enable(db, t->id)) != XJ_OK)
		return rc;
	return xj_school_audit(db, t->r, "staff.enable", "staff_account", t->login,
	    xj_str_c("active"));
}

/* Disable or enable an account of the administrator's scope: one
 * transaction (txfn) with its audit entry, then the account as it is. */
static int
set_status(struct xj_req *r, int (*txfn)(struct xj_db *, void *), const char *status)
{
	struct xj_str lg = xj_route_param(&r->params, "login");
	struct xj_staff_target tg;
	struct disable_tx t;
	char login[65];
	yajl_gen g;
	int rc;

	if ((rc = admin_target(r, lg, login, &tg)) != XJ_OK)
		return rc;
	t.r = r;
	t.id = tg.id;
	t.login = login;
	if ((rc = xj_tx_run(r->db, txfn, &t)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)tg.id);
	xj_gen_str(g, "login", login);
	xj_gen_str(g, "role", tg.role);
	xj_gen_str(g, "status", status);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_school_account_disable(struct xj_req *r)
{
	return set_status(r, disable_tx, "disabled");
}

int
xj_school_account_enable(struct xj_req *r)
{
	return set_status(r, enable_tx, "active");
}

struct reset_in {
	struct xj_str	 password;
};

static const struct xj_field reset_fields[] = {
	{ "new_password", XJ_F_STR, XJ_REQ, 1, 128, xj_pwpolicy_staff, offsetof(struct reset_in, password), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct reset_tx {
	struct xj_req		*r;
	unsigned long long	 id;
	const char		*login, *hash;
};

static int
reset_tx(struct xj_db *db, void *arg)
{
	struct reset_tx *t = arg;
	int rc;

	if ((rc = xj_staff_reset_password(db, t->id, t->hash)) != XJ_OK)
		return rc;
	return xj_school_audit(db, t->r, "staff.password_reset", "staff_account", t->login,
	    xj_str_c("must_change_password"));
}

int
xj_school_account_reset(struct xj_req *r)
{
	struct xj_str lg = xj_route_param(&r->params, "login");
	struct xj_ferrs fe = { 0 };
	struct xj_staff_target tg;
	struct reset_in in;
	struct reset_tx t;
	char login[65], hash[XJ_PW_HASH_MAX];
	yajl_gen g;
	int rc;

	if ((rc = admin_target(r, lg, login, &tg)) != XJ_OK)
		return rc;
	/* the body after the scope: outside it, 404 whatever was sent */
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, reset_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((rc = xj_auth_password_hash(in.password.p, in.password.len, hash)) != XJ_OK)
		return rc;
	t.r = r;
	t.id = tg.id;
	t.login = login;
	t.hash = hash;
	if ((rc = xj_tx_run(r->db, reset_tx, &t)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)tg.id);
	xj_gen_str(g, "login", login);
	xj_gen_str(g, "role", tg.role);
	xj_gen_bool(g, "must_change_password", 1);
	xj_gen_bool(g, "second_factor_enrolled", 0);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* ---- the list (issue 14: the administrators' page) ------------------- */

#define LIST_DEFAULT	50
#define LIST_MAX	200

struct list_walk {
	yajl_gen		 g;
	int			 n;
	unsigned long long	 last;
};

static void
list_row(const struct xj_staff_row *it, void *arg)
{
	struct list_walk *w = arg;
	yajl_gen g = w->g;

	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)it->id);
	xj_gen_str(g, "login", it->login);
	xj_gen_str(g, "display_name", it->display_name);
	xj_gen_str(g, "role", it->role);
	xj_gen_str(g, "status", it->status);
	xj_gen_bool(g, "must_change_password", it->must_change_pw);
	xj_gen_bool(g, "second_factor_enrolled", it->totp_enabled);
	xj_gen_key(g, "org");
	yajl_gen_map_open(g);
	xj_gen_str(g, "kind", it->org_kind);
	xj_gen_str(g, "code", it->org_code);
	xj_gen_str(g, "name", it->org_name);
	yajl_gen_map_close(g);
	xj_school_gen_time(g, "created_at", it->created_at);
	yajl_gen_map_close(g);
	w->n++;
	w->last = it->id;
}

int
xj_school_account_list(struct xj_req *r)
{
	struct xj_school_actor a;
	struct xj_org org;
	struct list_walk w;
	unsigned long long limit = 0, after = 0;
	const char *code;
	char next[24];
	int rc;

	/* action: XJ_ACT_ACCOUNTS -- who may manage accounts may list them */
	if ((rc = xj_school_may(r, XJ_ACT_ACCOUNTS, &a)) != XJ_OK)
		return rc;
	if ((rc = xj_rec_query(r, "org", 12, &code)) != XJ_OK || r->responded ||
	    (rc = xj_rec_query_uint(r, "limit", LIST_MAX, &limit)) != XJ_OK || r->responded ||
	    (rc = xj_rec_query_uint(r, "after", ~0ULL >> 1, &after)) != XJ_OK || r->responded)
		return rc;
	org = a.org;
	if (code != NULL) {
		if ((rc = xj_org_by_code_any(r->db, code, &org)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
		if (!xj_school_in_scope(&a, org.path))
			return XJ_E_NOT_FOUND;	/* R-ORG-3 */
	}
	if (limit == 0)
		limit = LIST_DEFAULT;
	memset(&w, 0, sizeof(w));
	w.g = xj_resp_json(r, 200);
	yajl_gen_map_open(w.g);
	xj_gen_key(w.g, "items");
	yajl_gen_array_open(w.g);
	if ((rc = xj_staff_list(r->db, org.path, after, (int)limit, list_row, &w)) != XJ_OK)
		return rc;
	yajl_gen_array_close(w.g);
	snprintf(next, sizeof(next), "%llu", w.last);
	xj_gen_str(w.g, "next_after", w.n == (int)limit ? next : NULL);
	yajl_gen_map_close(w.g);
	return xj_resp_send(r);
}
