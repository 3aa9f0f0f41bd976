/* idempotency.c -- Idempotency-Keys and what they created (see
 * idempotency.h). */
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/err.h"
#include "db/db.h"
#include "idempotency.h"
#include "sql.h"

void
xj_idem_prepare(struct xj_idem *i, unsigned long long owner, const char *scope,
    const char *key, size_t keylen, const void *body, size_t bodylen)
{
	memset(i, 0, sizeof(*i));
	i->owner = owner;
	i->scope = scope;
	SHA256((const unsigned char *)key, keylen, i->key_hash);
	SHA256((const unsigned char *)body, bodylen, i->req_hash);
}

int
xj_idem_load(struct xj_db *db, struct xj_idem *i)
{
	struct xj_val v[3] = { XJ_VI(i->owner), XJ_VS(i->scope), XJ_VB(i->key_hash, 32) };
	unsigned char hash[32];
	struct xj_col c[3];
	int rc;

	c[0] = XJ_COL_BLOB((char *)hash, sizeof(hash));
	c[1] = XJ_COL_INT;
	c[2] = XJ_COL_STR(i->replay_target, sizeof(i->replay_target));
	if ((rc = xj_db_row(db, XJ_Q_IDEM_GET, v, 3, c, 3)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_RETRY : rc;	/* it rolled back meanwhile */
	if (CRYPTO_memcmp(hash, i->req_hash, 32) != 0)
		return XJ_E_IDEM_REUSED;
	/* the CHECK of 0011 keeps anything but a number out of the column */
	if (c[2].len != XJ_IDEM_TARGET_MAX)
		return XJ_E_INTERNAL;
	i->replay_status = (int)c[1].i;
	return XJ_NO_ROW;
}

int
xj_idem_begin(struct xj_db *db, struct xj_idem *i)
{
	struct xj_val v[4] = { XJ_VI(i->owner), XJ_VS(i->scope), XJ_VB(i->key_hash, 32),
	    XJ_VB(i->req_hash, 32) };
	int rc = xj_db_exec(db, XJ_Q_IDEM_INSERT, v, 4);

	if (rc != XJ_E_CONFLICT)
		return rc;
	/* the other request committed (we waited on its row): read it */
	return xj_idem_load(db, i);
}

int
xj_idem_start(struct xj_db *db, struct xj_idem *i, int *replay)
{
	int rc;

	*replay = 0;
	if (i == NULL)
		return XJ_OK;
	rc = xj_idem_begin(db, i);
	if (rc == XJ_NO_ROW) {
		*replay = 1;
		return XJ_OK;
	}
	return rc;
}

int
xj_idem_finish(struct xj_db *db, const struct xj_idem *i, int status, const char *target)
{
	struct xj_val v[5] = { XJ_VI(status), XJ_VS(target), XJ_VI(i->owner),
	    XJ_VS(i->scope), XJ_VB(i->key_hash, 32) };

	if (strlen(target) != XJ_IDEM_TARGET_MAX)
		return XJ_E_INTERNAL;
	return xj_db_exec(db, XJ_Q_IDEM_FINISH, v, 5);
}

int
xj_idem_purge_batch(struct xj_db *db, int hours, unsigned long long *n)
{
	struct xj_val v = XJ_VI(hours);
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_IDEM_PURGE, &v, 1)) != XJ_OK)
		return rc;
	*n = xj_db_affected(db, XJ_Q_IDEM_PURGE);
	return XJ_OK;
}

int
xj_idem_purge(struct xj_db *db, int hours, unsigned long long *n)
{
	unsigned long long k;
	int rc;

	*n = 0;
	/* small batches in autocommit: no long lock on a busy table */
	do {
		if ((rc = xj_idem_purge_batch(db, hours, &k)) != XJ_OK)
			return rc;
		*n += k;
	} while (k == XJ_IDEM_PURGE_BATCH);
	return XJ_OK;
}
