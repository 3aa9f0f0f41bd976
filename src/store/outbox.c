/* outbox.c -- the outbox the ministry pulls (see outbox.h). */
#include "config.h"

#include <openssl/crypto.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "crypto/field.h"
#include "db/db.h"
#include "outbox.h"
#include "sql.h"

#define BODY_AAD	"exchange_outbox.body"

int
xj_xoutbox_write(struct xj_db *db, const struct xj_keys *keys, const char *message_id,
    const char *type, const char *receiver, const char *body, size_t len,
    const char *signature, unsigned long long *id)
{
	unsigned char *ct;
	size_t ctlen;
	int rc;

	/* the ciphertext on the heap, sized to the message (a thread-local
	 * buffer of the largest field would sit in every thread) */
	if (len == 0 || len > XJ_XOB_BODY_MAX ||
	    (ct = OPENSSL_malloc(XJ_FIELD_CT_LEN(len))) == NULL)
		return XJ_E_INTERNAL;
	if (xj_field_encrypt(keys, BODY_AAD, message_id, body, len, ct, XJ_FIELD_CT_LEN(len),
	    &ctlen) != 0) {
		OPENSSL_free(ct);
		return XJ_E_INTERNAL;
	}
	{
		struct xj_val v[5] = { XJ_VS(message_id), XJ_VS(type), XJ_VS(receiver),
		    XJ_VB(ct, ctlen), XJ_VS(signature) };
		rc = xj_db_exec(db, XJ_Q_XOB_INSERT, v, 5);
	}
	OPENSSL_free(ct);
	if (rc != XJ_OK)
		return rc;
	*id = xj_db_insert_id(db, XJ_Q_XOB_INSERT);
	return XJ_OK;
}

int
xj_xoutbox_add_record(struct xj_db *db, unsigned long long outbox_id, const char *ref,
    unsigned long long student_id)
{
	struct xj_val v[3] = { XJ_VI(outbox_id), XJ_VS(ref), XJ_VI(student_id) };

	return xj_db_exec(db, XJ_Q_XOB_RECORD_ADD, v, 3);
}

/* rows of XOB_PAGE or XOB_REOFFER appended to out[cap] */
static int
read_meta(struct xj_db *db, int q, const struct xj_val *in, unsigned nin,
    struct xj_xob_msg *out, unsigned cap, unsigned *n, int again)
{
	int rc;

	if ((rc = xj_db_exec(db, q, in, nin)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_xob_msg t, *m = &t;
		struct xj_col c[7];
		c[0] = XJ_COL_INT;
		c[1] = XJ_COL_STR(m->message_id, sizeof(m->message_id));
		c[2] = XJ_COL_STR(m->type, sizeof(m->type));
		c[3] = XJ_COL_STR(m->created, sizeof(m->created));
		c[4] = XJ_COL_STR(m->signature, sizeof(m->signature));
		c[5] = XJ_COL_INT;
		c[6] = XJ_COL_INT;
		if ((rc = xj_db_fetch(db, q, c, 7)) != XJ_OK)
			break;
		if (*n >= cap) {
			rc = XJ_E_INTERNAL;	/* the statement's LIMIT bounds it */
			break;
		}
		m->id = (unsigned long long)c[0].i;
		m->offered = (unsigned)c[5].i;
		m->len = (size_t)c[6].i;
		m->again = again;
		m->body = NULL;
		out[(*n)++] = t;
	}
	xj_db_done(db, q);
	if (rc == XJ_NO_ROW)
		return XJ_OK;
	return rc;
}

static int
open_body(struct xj_db *db, const struct xj_keys *keys, struct xj_arena *a,
    struct xj_xob_msg *m)
{
	struct xj_val v = XJ_VI(m->id);
	char mid[65];
	unsigned char *ct;
	size_t ptlen;
	int rc;

	if (m->len <= XJ_FIELD_OVERHEAD || (ct = xj_alloc(a, m->len)) == NULL ||
	    (m->body = xj_alloc(a, m->len)) == NULL)
		return m->len <= XJ_FIELD_OVERHEAD ? XJ_E_INTERNAL : XJ_E_TOO_COMPLEX;
	{
		struct xj_col c[2] = { XJ_COL_STR(mid, sizeof(mid)),
		    XJ_COL_BLOB((char *)ct, m->len) };
		if ((rc = xj_db_row(db, XJ_Q_XOB_BODY, &v, 1, c, 2)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
		if (c[1].len != m->len)
			return XJ_E_INTERNAL;
	}
	/* bound to its message id: a body copied onto another row does
	 * not open */
	if (xj_field_decrypt(keys, BODY_AAD, m->message_id, ct, m->len, m->body, m->len,
	    &ptlen) != 0)
		return XJ_E_INTERNAL;
	m->len = ptlen;
	{
		struct xj_val u = XJ_VI(m->id);
		return xj_db_exec(db, XJ_Q_XOB_OFFERED, &u, 1);
	}
}

int
xj_xoutbox_page(struct xj_db *db, const struct xj_keys *keys, struct xj_arena *a,
    const char *receiver, unsigned long long after, unsigned limit, long deadline_s,
    size_t max_bytes, struct xj_xob_msg *out, unsigned *n, int *more)
{
	size_t bytes = 0;
	unsigned i, keep;
	int rc;

	*n = 0;
	*more = 0;
	{
		struct xj_val v[4] = { XJ_VS(receiver), XJ_VI(after), XJ_VI(deadline_s),
		    XJ_VI(limit) };
		if (after > 0 && (rc = read_meta(db, XJ_Q_XOB_REOFFER, v, 4, out, limit + 1, n,
		    1)) != XJ_OK)
			return rc;
	}
	/* one more than fits: whether there is more after the page */
	{
		struct xj_val v[3] = { XJ_VS(receiver), XJ_VI(after), XJ_VI(limit - *n + 1) };
		if ((rc = read_meta(db, XJ_Q_XOB_PAGE, v, 3, out, limit + 1, n, 0)) != XJ_OK)
			return rc;
	}
	if (*n > limit) {
		*more = 1;
		*n = limit;
	}
	/* the byte budget: stop before the message that would pass it */
	for (i = 0, keep = 0; i < *n; i++) {
		if (i > 0 && bytes + out[i].len > max_bytes)
			break;
		bytes += out[i].len;
		keep++;
	}
	if (keep < *n)
		*more = 1;
	*n = keep;
	for (i = 0; i < *n; i++)
		if ((rc = open_body(db, keys, a, &out[i])) != XJ_OK)
			return rc;
	return XJ_OK;
}

int
xj_xoutbox_ack_upto(struct xj_db *db, const char *receiver, unsigned long long upto,
    unsigned long long *acked)
{
	struct xj_val r = XJ_VS(receiver);
	struct xj_col c = XJ_COL_INT;
	int rc;

	*acked = 0;
	if (upto > 0) {
		struct xj_val v[2] = { XJ_VS(receiver), XJ_VI(upto) };
		struct xj_col o = XJ_COL_INT;
		if ((rc = xj_db_row(db, XJ_Q_XOB_WAS_OFFERED, v, 2, &o, 1)) != XJ_OK)
			return rc;
		if (o.i == 0)
			return XJ_NO_ROW;	/* never offered: not the reader's to ack */
		if ((rc = xj_db_exec(db, XJ_Q_XOB_ACK, v, 2)) != XJ_OK)
			return rc;
	}
	rc = xj_db_row(db, XJ_Q_XOB_ACKED_UPTO, &r, 1, &c, 1);
	if (rc == XJ_NO_ROW)
		return XJ_OK;
	if (rc == XJ_OK)
		*acked = (unsigned long long)c.i;
	return rc;
}

int
xj_xoutbox_overdue(struct xj_db *db, long deadline_s, unsigned limit,
    void (*fn)(unsigned long long, const char *, const char *, unsigned), unsigned *n)
{
	struct xj_val v[2] = { XJ_VI(deadline_s), XJ_VI(limit) };
	unsigned long long ids[256];
	int rc;

	*n = 0;
	if (limit > 256)
		limit = 256;
	if ((rc = xj_db_exec(db, XJ_Q_XOB_OVERDUE, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		char mid[65], recv[17];
		struct xj_col c[4] = { XJ_COL_INT, XJ_COL_STR(mid, sizeof(mid)),
		    XJ_COL_STR(recv, sizeof(recv)), XJ_COL_INT };
		if ((rc = xj_db_fetch(db, XJ_Q_XOB_OVERDUE, c, 4)) != XJ_OK)
			break;
		ids[*n] = (unsigned long long)c[0].i;
		(*n)++;
		fn((unsigned long long)c[0].i, mid, recv, (unsigned)c[3].i);
	}
	xj_db_done(db, XJ_Q_XOB_OVERDUE);
	if (rc != XJ_NO_ROW)
		return rc;
	for (unsigned i = 0; i < *n; i++) {
		struct xj_val u = XJ_VI(ids[i]);
		if ((rc = xj_db_exec(db, XJ_Q_XOB_ALERTED, &u, 1)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

/* ---- messages waiting for their signature (sql/0034, xsend) ------------- */

#define PENDING_AAD	"exchange_outbox_pending.body"

int
xj_xoutbox_queue(struct xj_db *db, const struct xj_keys *keys, const char *message_id,
    const char *type, const char *receiver, const char *body, size_t len)
{
	unsigned char *ct;
	size_t ctlen;
	int rc;

	if (len == 0 || len > XJ_XOB_BODY_MAX ||
	    (ct = OPENSSL_malloc(XJ_FIELD_CT_LEN(len))) == NULL)
		return XJ_E_INTERNAL;
	if (xj_field_encrypt(keys, PENDING_AAD, message_id, body, len, ct, XJ_FIELD_CT_LEN(len),
	    &ctlen) != 0) {
		OPENSSL_free(ct);
		return XJ_E_INTERNAL;
	}
	{
		struct xj_val v[4] = { XJ_VS(message_id), XJ_VS(type), XJ_VS(receiver),
		    XJ_VB(ct, ctlen) };
		rc = xj_db_exec(db, XJ_Q_XOBP_INSERT, v, 4);
	}
	OPENSSL_free(ct);
	return rc;
}

int
xj_xoutbox_pending_next(struct xj_db *db, const struct xj_keys *keys,
    struct xj_xob_pending *p)
{
	unsigned char *ct;
	size_t ptlen;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((ct = OPENSSL_malloc(XJ_FIELD_CT_LEN(XJ_XOB_BODY_MAX))) == NULL)
		return XJ_E_INTERNAL;
	{
		struct xj_col c[5] = { XJ_COL_INT, XJ_COL_STR(p->message_id, sizeof(p->message_id)),
		    XJ_COL_STR(p->type, sizeof(p->type)), XJ_COL_STR(p->receiver, sizeof(p->receiver)),
		    XJ_COL_BLOB((char *)ct, XJ_FIELD_CT_LEN(XJ_XOB_BODY_MAX)) };
		if ((rc = xj_db_row(db, XJ_Q_XOBP_NEXT, NULL, 0, c, 5)) != XJ_OK) {
			OPENSSL_free(ct);
			return rc;
		}
		p->id = (unsigned long long)c[0].i;
		if (c[4].len <= XJ_FIELD_OVERHEAD ||
		    (p->body = OPENSSL_malloc(c[4].len)) == NULL ||
		    xj_field_decrypt(keys, PENDING_AAD, p->message_id, ct, c[4].len, p->body,
		    c[4].len, &ptlen) != 0) {
			OPENSSL_free(ct);
			OPENSSL_free(p->body);
			p->body = NULL;
			return XJ_E_INTERNAL;
		}
	}
	OPENSSL_free(ct);
	p->len = ptlen;
	return XJ_OK;
}

void
xj_xoutbox_pending_free(struct xj_xob_pending *p)
{
	if (p->body != NULL) {
		OPENSSL_cleanse(p->body, p->len);
		OPENSSL_free(p->body);
	}
	p->body = NULL;
}

int
xj_xoutbox_pending_done(struct xj_db *db, unsigned long long id)
{
	struct xj_val v = XJ_VI(id);

	return xj_db_exec(db, XJ_Q_XOBP_DELETE, &v, 1);
}
