/* staff.c -- staff account rows (see staff.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "sql.h"
#include "staff.h"

static int
auth_row(struct xj_db *db, int q, struct xj_val *v, struct xj_staff_login *out)
{
	struct xj_col c[12] = { XJ_COL_INT, XJ_COL_STR(out->status, sizeof(out->status)),
	    XJ_COL_STR(out->pw_hash, sizeof(out->pw_hash)), XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_STR(out->role, sizeof(out->role)), XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_BLOB((char *)out->totp_ct, sizeof(out->totp_ct)), XJ_COL_INT };
	int rc = xj_db_row(db, q, v, 1, c, 12);

	if (rc == XJ_OK) {
		out->id = (unsigned long long)c[0].i;
		out->gen = (unsigned)c[3].i;
		out->failed = (unsigned)c[4].i;
		out->locked_for = c[5].i;
		out->org_id = (unsigned)c[7].i;
		out->must_change_pw = c[8].i != 0;
		out->totp_enabled = c[9].i != 0;
		out->totp_ct_len = c[10].len;
		out->totp_last_step = c[11].i;
	}
	return rc;
}

int
xj_staff_by_login(struct xj_db *db, const char *login, struct xj_staff_login *out)
{
	struct xj_val v = XJ_VS(login);

	return auth_row(db, XJ_Q_STAFF_BY_LOGIN, &v, out);
}

int
xj_staff_auth_by_id(struct xj_db *db, unsigned long long id, struct xj_staff_login *out)
{
	struct xj_val v = XJ_VI(id);

	return auth_row(db, XJ_Q_STAFF_AUTH_BY_ID, &v, out);
}

int
xj_staff_session(struct xj_db *db, unsigned long long id, struct xj_staff_session *out)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[7] = { XJ_COL_INT, XJ_COL_STR(out->status, sizeof(out->status)),
	    XJ_COL_STR(out->role, sizeof(out->role)), XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_STR(out->org_kind, sizeof(out->org_kind)) };
	int rc = xj_db_row(db, XJ_Q_STAFF_SESSION, &v, 1, c, 7);

	if (rc == XJ_OK) {
		out->gen = (unsigned)c[0].i;
		out->org_id = (unsigned)c[3].i;
		out->must_change_pw = c[4].i != 0;
		out->totp_enabled = c[5].i != 0;
	}
	return rc;
}

int
xj_staff_by_id(struct xj_db *db, unsigned long long id, struct xj_staff_info *out)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[7] = { XJ_COL_STR(out->login, sizeof(out->login)),
	    XJ_COL_STR(out->display_name, sizeof(out->display_name)),
	    XJ_COL_STR(out->role, sizeof(out->role)), XJ_COL_INT,
	    XJ_COL_STR(out->org_kind, sizeof(out->org_kind)),
	    XJ_COL_STR(out->org_code, sizeof(out->org_code)),
	    XJ_COL_STR(out->org_name, sizeof(out->org_name)) };
	int rc = xj_db_row(db, XJ_Q_STAFF_BY_ID, &v, 1, c, 7);

	out->org_id = (unsigned)c[3].i;
	return rc;
}

int
xj_staff_login_ok(struct xj_db *db, unsigned long long id, unsigned *gen)
{
	struct xj_val v = XJ_VI(id);
	char status[16], role[16];
	struct xj_col c[4] = { XJ_COL_INT, XJ_COL_STR(status, sizeof(status)),
	    XJ_COL_STR(role, sizeof(role)), XJ_COL_INT };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_STAFF_LOGIN_OK, &v, 1)) != XJ_OK)
		return rc;
	if (xj_db_affected(db, XJ_Q_STAFF_LOGIN_OK) != 1)
		return XJ_E_CONFLICT;
	/* our own update holds the row: this reads the generation we made,
	 * also when two logins race (the later one wins, R-ORG-4) */
	if ((rc = xj_db_row(db, XJ_Q_STAFF_GEN, &v, 1, c, 4)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_CONFLICT : rc;
	*gen = (unsigned)c[0].i;
	return XJ_OK;
}

int
xj_staff_guard_reserve(struct xj_db *db, unsigned long long id, const char *client_key,
    int max, int lockout)
{
	struct xj_val o[2] = { XJ_VI(id), XJ_VS(client_key) };
	/* left-to-right assignment: locked_until sees the new count, so the
	 * max-th reservation locks; a locked row matches nothing */
	struct xj_val v[4] = { XJ_VI(max), XJ_VI(lockout), XJ_VI(id), XJ_VS(client_key) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_STAFF_GUARD_OPEN, o, 2)) != XJ_OK ||
	    (rc = xj_db_exec(db, XJ_Q_STAFF_GUARD_RESERVE, v, 4)) != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_STAFF_GUARD_RESERVE) == 1 ? XJ_OK : XJ_E_ACCOUNT_LOCKED;
}

int
xj_staff_guard_clear(struct xj_db *db, unsigned long long id, const char *client_key)
{
	struct xj_val v[2] = { XJ_VI(id), XJ_VS(client_key) };

	return xj_db_exec(db, XJ_Q_STAFF_GUARD_CLEAR, v, 2);
}

int
xj_staff_guard_purge(struct xj_db *db, long older_than, int batch, unsigned long long *n)
{
	struct xj_val v[2] = { XJ_VI(older_than), XJ_VI(batch) };
	int rc = xj_db_exec(db, XJ_Q_STAFF_GUARD_PURGE, v, 2);

	*n = rc == XJ_OK ? xj_db_affected(db, XJ_Q_STAFF_GUARD_PURGE) : 0;
	return rc;
}

int
xj_staff_create(struct xj_db *db, unsigned org_id, const char *login,
    const char *display_name, const char *role, const char *pw_hash, unsigned long long *id)
{
	struct xj_val v[5] = { XJ_VI(org_id), XJ_VS(login), XJ_VS(display_name), XJ_VS(role),
	    XJ_VS(pw_hash) };
	int rc = xj_db_exec(db, XJ_Q_STAFF_CREATE, v, 5);

	if (rc == XJ_OK)
		*id = xj_db_insert_id(db, XJ_Q_STAFF_CREATE);
	return rc;
}

int
xj_staff_set_password(struct xj_db *db, unsigned long long id, const char *pw_hash,
    unsigned *gen)
{
	struct xj_val v[2] = { XJ_VS(pw_hash), XJ_VI(id) };
	struct xj_staff_session ss;
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_STAFF_SET_PW, v, 2)) != XJ_OK)
		return rc;
	if (xj_db_affected(db, XJ_Q_STAFF_SET_PW) != 1)
		return XJ_E_CONFLICT;
	/* our own update holds the row: the generation we made */
	if ((rc = xj_staff_session(db, id, &ss)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_CONFLICT : rc;
	*gen = ss.gen;
	return XJ_OK;
}

int
xj_staff_reset_password(struct xj_db *db, unsigned long long id, const char *pw_hash)
{
	struct xj_val v[2] = { XJ_VS(pw_hash), XJ_VI(id) };
	struct xj_val w = XJ_VI(id);
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_STAFF_RESET_PW, v, 2)) != XJ_OK)
		return rc;
	return xj_db_exec(db, XJ_Q_STAFF_GUARD_CLEAR_ALL, &w, 1);
}

int
xj_staff_totp_pending(struct xj_db *db, unsigned long long id, const unsigned char *ct,
    size_t len)
{
	struct xj_val v[2] = { XJ_VB(ct, len), XJ_VI(id) };
	int rc = xj_db_exec(db, XJ_Q_STAFF_TOTP_PENDING, v, 2);

	if (rc != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_STAFF_TOTP_PENDING) == 1 ? XJ_OK : XJ_E_CONFLICT;
}

int
xj_staff_totp_enable(struct xj_db *db, unsigned long long id, long long step)
{
	struct xj_val v[2] = { XJ_VI(step), XJ_VI(id) };
	int rc = xj_db_exec(db, XJ_Q_STAFF_TOTP_ENABLE, v, 2);

	if (rc != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_STAFF_TOTP_ENABLE) == 1 ? XJ_OK : XJ_E_CONFLICT;
}

int
xj_staff_totp_use(struct xj_db *db, unsigned long long id, long long step)
{
	/* the row lock orders two logins with the same code: one wins */
	struct xj_val v[3] = { XJ_VI(step), XJ_VI(id), XJ_VI(step) };
	int rc = xj_db_exec(db, XJ_Q_STAFF_TOTP_USE, v, 3);

	if (rc != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_STAFF_TOTP_USE) == 1 ? XJ_OK : XJ_E_CONFLICT;
}

int
xj_staff_bump_gen(struct xj_db *db, unsigned long long id)
{
	struct xj_val v = XJ_VI(id);

	return xj_db_exec(db, XJ_Q_STAFF_BUMP_GEN, &v, 1);
}

int
xj_staff_rehash(struct xj_db *db, unsigned long long id, const char *pw_hash)
{
	struct xj_val v[2] = { XJ_VS(pw_hash), XJ_VI(id) };

	return xj_db_exec(db, XJ_Q_STAFF_REHASH, v, 2);
}

int
xj_staff_list(struct xj_db *db, const char *path, unsigned long long after, int limit,
    void (*fn)(const struct xj_staff_row *, void *), void *arg)
{
	struct xj_staff_row it;
	char like[136];
	struct xj_val v[3];
	struct xj_col c[11] = {
		XJ_COL_INT, XJ_COL_STR(it.login, sizeof(it.login)),
		XJ_COL_STR(it.display_name, sizeof(it.display_name)),
		XJ_COL_STR(it.role, sizeof(it.role)), XJ_COL_STR(it.status, sizeof(it.status)),
		XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(it.org_kind, sizeof(it.org_kind)),
		XJ_COL_STR(it.org_code, sizeof(it.org_code)),
		XJ_COL_STR(it.org_name, sizeof(it.org_name)),
		XJ_COL_STR(it.created_at, sizeof(it.created_at)),
	};
	int rc;

	/* org paths are digits and '/': nothing LIKE would read as a pattern */
	snprintf(like, sizeof(like), "%s%%", path);
	v[0] = XJ_VS(like);
	v[1] = XJ_VI(after);
	v[2] = XJ_VI(limit);
	if ((rc = xj_db_exec(db, XJ_Q_STAFF_LIST, v, 3)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_STAFF_LIST, c, 11)) == XJ_OK) {
		it.id = (unsigned long long)c[0].i;
		it.must_change_pw = c[5].i != 0;
		it.totp_enabled = c[6].i != 0;
		fn(&it, arg);
	}
	xj_db_done(db, XJ_Q_STAFF_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_staff_enable(struct xj_db *db, unsigned long long id)
{
	struct xj_val v = XJ_VI(id);
	int rc = xj_db_exec(db, XJ_Q_STAFF_ENABLE, &v, 1);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_STAFF_ENABLE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}
