/* staff.c -- staff account rows (see staff.h). */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "sql.h"
#include "staff.h"

int
xj_staff_by_login(struct xj_db *db, const char *login, struct xj_staff_login *out)
{
	struct xj_val v = XJ_VS(login);
	struct xj_col c[8] = { XJ_COL_INT, XJ_COL_STR(out->status, sizeof(out->status)),
	    XJ_COL_STR(out->pw_hash, sizeof(out->pw_hash)), XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
	    XJ_COL_STR(out->role, sizeof(out->role)), XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_STAFF_BY_LOGIN, &v, 1, c, 8);

	if (rc == XJ_OK) {
		out->id = (unsigned long long)c[0].i;
		out->gen = (unsigned)c[3].i;
		out->failed = (unsigned)c[4].i;
		out->locked_for = c[5].i;
		out->org_id = (unsigned)c[7].i;
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
xj_staff_login_failed(struct xj_db *db, unsigned long long id, int max, int lockout)
{
	/* left-to-right assignment: the IF sees the incremented count, so
	 * the max-th failure locks (as for parents, store/parent.c) */
	struct xj_val v[3] = { XJ_VI(max), XJ_VI(lockout), XJ_VI(id) };

	return xj_db_exec(db, XJ_Q_STAFF_LOGIN_FAIL, v, 3);
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
