/* smsoutbox.c -- the SMS outbox (see smsoutbox.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "smsoutbox.h"
#include "sql.h"

int
xj_sms_put(struct xj_db *db, const char *msg_id, const char *purpose, const char *kind,
    const unsigned char *ct, size_t ct_len, int ttl_s)
{
	struct xj_val v[5] = { XJ_VS(msg_id), XJ_VS(purpose), XJ_VS(kind), XJ_VB(ct, ct_len),
	    XJ_VI(ttl_s) };

	return xj_db_exec(db, XJ_Q_SMS_PUT, v, 5);
}

int
xj_sms_claim(struct xj_db *db, const char *token, int lease_s, int max,
    struct xj_sms_row *rows, int *n)
{
	struct xj_val v[3] = { XJ_VS(token), XJ_VI(lease_s), XJ_VI(max) };
	struct xj_val t = XJ_VS(token);
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_SMS_CLAIM, v, 3)) != XJ_OK)
		return rc;
	if (xj_db_affected(db, XJ_Q_SMS_CLAIM) == 0)
		return XJ_OK;
	if ((rc = xj_db_exec(db, XJ_Q_SMS_CLAIMED, &t, 1)) != XJ_OK)
		return rc;
	while (*n < max) {
		struct xj_sms_row *r = &rows[*n];
		struct xj_col c[6] = { XJ_COL_INT, XJ_COL_STR(r->msg_id, sizeof(r->msg_id)),
		    XJ_COL_STR(r->purpose, sizeof(r->purpose)),
		    XJ_COL_BLOB((char *)r->body_ct, sizeof(r->body_ct)), XJ_COL_INT, XJ_COL_INT };
		if ((rc = xj_db_fetch(db, XJ_Q_SMS_CLAIMED, c, 6)) != XJ_OK)
			break;
		r->id = (unsigned long long)c[0].i;
		r->body_ct_len = c[3].is_null ? 0 : c[3].len;
		r->attempts = (int)c[4].i;
		r->expired = c[5].i != 0;
		(*n)++;
	}
	xj_db_done(db, XJ_Q_SMS_CLAIMED);
	return rc == XJ_NO_ROW || rc == XJ_OK ? XJ_OK : rc;
}

int
xj_sms_sent(struct xj_db *db, unsigned long long id, const char *token, int status)
{
	struct xj_val v[3] = { XJ_VI(status), XJ_VI(id), XJ_VS(token) };

	return xj_db_exec(db, XJ_Q_SMS_SENT, v, 3);
}

int
xj_sms_retry(struct xj_db *db, unsigned long long id, const char *token, int status,
    unsigned delay_s)
{
	struct xj_val v[4] = { XJ_VI(status), XJ_VI(delay_s), XJ_VI(id), XJ_VS(token) };

	return xj_db_exec(db, XJ_Q_SMS_RETRY, v, 4);
}

int
xj_sms_give_up(struct xj_db *db, unsigned long long id, const char *token,
    const char *state, int tried, int status)
{
	struct xj_val v[5] = { XJ_VS(state), XJ_VI(tried ? 1 : 0), XJ_VI(status), XJ_VI(id),
	    XJ_VS(token) };

	return xj_db_exec(db, XJ_Q_SMS_GIVE_UP, v, 5);
}

int
xj_sms_purge(struct xj_db *db, int days, unsigned long long *n)
{
	struct xj_val v = XJ_VI(days);
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_SMS_PURGE, &v, 1)) != XJ_OK)
		return rc;
	*n = xj_db_affected(db, XJ_Q_SMS_PURGE);
	return XJ_OK;
}
