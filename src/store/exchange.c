/* exchange.c -- the ministry exchange's inbox and outbox rows (see
 * exchange.h). */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "exchange.h"
#include "sql.h"

int
xj_xinbox_get(struct xj_db *db, const char *sender, const char *message_id,
    struct xj_xinbox_row *row)
{
	struct xj_val in[2] = { XJ_VS(sender), XJ_VS(message_id) };
	struct xj_col out[3] = { XJ_COL_INT, XJ_COL_BLOB((char *)row->sha, sizeof(row->sha)),
	    XJ_COL_INT };
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_XINBOX_GET, in, 2, out, 3)) != XJ_OK)
		return rc;
	if (out[1].len != sizeof(row->sha) || out[2].i < 0)
		return XJ_E_INTERNAL;
	row->id = (unsigned long long)out[0].i;
	row->receipt_len = (size_t)out[2].i;
	return XJ_OK;
}

int
xj_xinbox_receipt(struct xj_db *db, unsigned long long id, char *buf, size_t len)
{
	struct xj_val in = XJ_VI(id);
	struct xj_col out = XJ_COL_BLOB(buf, len);
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_XINBOX_RECEIPT, &in, 1, &out, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	return out.len == len ? XJ_OK : XJ_E_INTERNAL;
}

int
xj_xinbox_insert(struct xj_db *db, const char *sender, const char *message_id,
    const char *type, const char *correlation, const unsigned char sha[32],
    const char *key_id, const char *status, const char *receipt, size_t len)
{
	struct xj_val in[8] = { XJ_VS(sender), XJ_VS(message_id), XJ_VS(type),
	    XJ_VS(correlation), XJ_VB(sha, 32), XJ_VS(key_id), XJ_VS(status),
	    XJ_VB(receipt, len) };
	int rc = xj_db_exec(db, XJ_Q_XINBOX_INSERT, in, 8);

	if (rc == XJ_OK)
		xj_db_done(db, XJ_Q_XINBOX_INSERT);
	return rc;
}

int
xj_xoutbox_find(struct xj_db *db, const char *message_id, struct xj_xoutbox_row *row)
{
	struct xj_val in[1] = { XJ_VS(message_id) };
	struct xj_col out[4] = { XJ_COL_INT, XJ_COL_STR(row->type, sizeof(row->type)),
	    XJ_COL_STR(row->receiver, sizeof(row->receiver)), XJ_COL_INT };
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_XOUTBOX_FIND, in, 1, out, 4)) != XJ_OK)
		return rc;
	row->id = (unsigned long long)out[0].i;
	row->acked = out[3].i != 0;
	return XJ_OK;
}

int
xj_xoutbox_ack(struct xj_db *db, unsigned long long id, const char *status,
    const char *ack_message_id, int *changed)
{
	struct xj_val in[3] = { XJ_VS(status), XJ_VS(ack_message_id), XJ_VI(id) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_XOUTBOX_ACK, in, 3)) != XJ_OK)
		return rc;
	*changed = xj_db_affected(db, XJ_Q_XOUTBOX_ACK) > 0;
	xj_db_done(db, XJ_Q_XOUTBOX_ACK);
	return XJ_OK;
}
