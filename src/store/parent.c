/* parent.c -- parent account rows (see parent.h). */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "crypto/field.h"
#include "db/db.h"
#include "parent.h"
#include "sql.h"

int
xj_parent_insert(struct xj_db *db, const unsigned char *bidx,
    const unsigned char *ct, size_t ct_len, const char *hash,
    unsigned long long *id)
{
	struct xj_val v[3] = { XJ_VB(bidx, XJ_BLIND_LEN), XJ_VB(ct, ct_len), XJ_VS(hash) };
	int rc = xj_db_exec(db, XJ_Q_PARENT_INSERT, v, 3);

	if (rc == XJ_OK)
		*id = xj_db_insert_id(db, XJ_Q_PARENT_INSERT);
	return rc;
}

int
xj_parent_by_phone(struct xj_db *db, const unsigned char *bidx,
    struct xj_parent_login *out)
{
	struct xj_val v = XJ_VB(bidx, XJ_BLIND_LEN);
	struct xj_col c[5] = { XJ_COL_INT, XJ_COL_STR(out->pw_hash, sizeof(out->pw_hash)),
	    XJ_COL_INT, XJ_COL_INT, XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_PARENT_BY_PHONE, &v, 1, c, 5);

	if (rc == XJ_OK) {
		out->id = (unsigned long long)c[0].i;
		out->gen = (unsigned)c[2].i;
		out->failed = (unsigned)c[3].i;
		out->locked_for = c[4].i;
	}
	return rc;
}

int
xj_parent_by_id(struct xj_db *db, unsigned long long id, struct xj_parent_login *out)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[2] = { XJ_COL_STR(out->pw_hash, sizeof(out->pw_hash)), XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_PARENT_BY_ID, &v, 1, c, 2);

	out->id = id;
	out->gen = (unsigned)c[1].i;
	return rc;
}

int
xj_parent_gen(struct xj_db *db, unsigned long long id, unsigned *gen)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c = XJ_COL_INT;
	int rc = xj_db_row(db, XJ_Q_PARENT_GEN, &v, 1, &c, 1);

	*gen = (unsigned)c.i;
	return rc;
}

int
xj_parent_login_ok(struct xj_db *db, unsigned long long id)
{
	struct xj_val v = XJ_VI(id);

	return xj_db_exec(db, XJ_Q_PARENT_LOGIN_OK, &v, 1);
}

int
xj_parent_login_reserve(struct xj_db *db, unsigned long long id, int max, int lockout)
{
	/* MariaDB evaluates single-table UPDATE assignments left to right:
	 * locked_until sees the incremented count, so the max-th reservation
	 * locks; a locked row matches nothing (0 rows: refused) */
	struct xj_val v[3] = { XJ_VI(max), XJ_VI(lockout), XJ_VI(id) };
	int rc = xj_db_exec(db, XJ_Q_PARENT_LOGIN_RESERVE, v, 3);

	if (rc != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_PARENT_LOGIN_RESERVE) == 1 ? XJ_OK : XJ_E_ACCOUNT_LOCKED;
}

int
xj_parent_bump_gen(struct xj_db *db, unsigned long long id)
{
	struct xj_val v = XJ_VI(id);

	return xj_db_exec(db, XJ_Q_PARENT_BUMP_GEN, &v, 1);
}

int
xj_parent_set_password(struct xj_db *db, unsigned long long id, const char *hash)
{
	struct xj_val v[2] = { XJ_VS(hash), XJ_VI(id) };

	return xj_db_exec(db, XJ_Q_PARENT_SET_PW, v, 2);
}

int
xj_parent_rehash(struct xj_db *db, unsigned long long id, const char *hash)
{
	struct xj_val v[2] = { XJ_VS(hash), XJ_VI(id) };

	return xj_db_exec(db, XJ_Q_PARENT_REHASH, v, 2);
}

const char *
xj_parent_phone_row(const unsigned char bidx[32], char out[XJ_PARENT_ROW_LEN])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[bidx[i] >> 4];
		out[2 * i + 1] = hex[bidx[i] & 15];
	}
	out[64] = '\0';
	return out;
}
