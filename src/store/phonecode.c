/* phonecode.c -- one-time code rows (see phonecode.h). */
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>

#include "core/err.h"
#include "crypto/field.h"
#include "db/db.h"
#include "phonecode.h"
#include "sql.h"

int
xj_code_put(struct xj_db *db, const unsigned char *bidx, const char *purpose,
    const unsigned char mac[XJ_CODE_MAC_LEN], int tries, int ttl_s)
{
	struct xj_val v[5] = { XJ_VB(bidx, XJ_BLIND_LEN), XJ_VS(purpose),
	    XJ_VB(mac, XJ_CODE_MAC_LEN), XJ_VI(tries), XJ_VI(ttl_s) };

	return xj_db_exec(db, XJ_Q_CODE_PUT, v, 5);
}

int
xj_code_try(struct xj_db *db, const unsigned char *bidx, const char *purpose,
    const unsigned char mac[XJ_CODE_MAC_LEN], int *ok)
{
	struct xj_val v[2] = { XJ_VB(bidx, XJ_BLIND_LEN), XJ_VS(purpose) };
	unsigned char stored[XJ_CODE_MAC_LEN + 1];
	struct xj_col c[3] = { XJ_COL_BLOB((char *)stored, sizeof(stored)), XJ_COL_INT, XJ_COL_INT };
	int rc;

	*ok = 0;
	/* FOR UPDATE: parallel checks of one code queue here, so each sees
	 * the tries the ones before it left */
	rc = xj_db_row(db, XJ_Q_CODE_LOCK, v, 2, c, 3);
	if (rc == XJ_NO_ROW)
		return XJ_OK;
	if (rc != XJ_OK)
		return rc;
	if (c[1].i <= 0 || !c[2].i)
		return XJ_OK;
	if ((rc = xj_db_exec(db, XJ_Q_CODE_TRY, v, 2)) != XJ_OK)
		return rc;
	*ok = c[0].len == XJ_CODE_MAC_LEN &&
	    CRYPTO_memcmp(stored, mac, XJ_CODE_MAC_LEN) == 0;
	return XJ_OK;
}

int
xj_code_take(struct xj_db *db, const unsigned char *bidx, const char *purpose,
    const unsigned char mac[XJ_CODE_MAC_LEN])
{
	struct xj_val v[3] = { XJ_VB(bidx, XJ_BLIND_LEN), XJ_VS(purpose),
	    XJ_VB(mac, XJ_CODE_MAC_LEN) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_CODE_TAKE, v, 3)) != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_CODE_TAKE) == 1 ? XJ_OK : XJ_NO_ROW;
}

int
xj_code_purge(struct xj_db *db, unsigned long long *n)
{
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_CODE_PURGE, NULL, 0)) != XJ_OK)
		return rc;
	*n = xj_db_affected(db, XJ_Q_CODE_PURGE);
	return XJ_OK;
}
