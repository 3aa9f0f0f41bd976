/* inbound.c -- POST /exchange/ministry/v1/messages (issue 13 item 3).
 * The dispatcher has verified the signature over the raw body already
 * (exchange.c); then, in this order:
 *
 *   1. content type application/xml, size within [exchange] message_limit;
 *   2. the hardened read (xmlin.c): no DOCTYPE, limits, version, XSD;
 *   3. the Sender is the org of the key that signed (else sender_mismatch:
 *      not stored, so nobody can take another org's message ids);
 *   4. one transaction: the inbox row of (sender, message id) -- the same
 *      bytes again get the stored receipt, other bytes message_id_reused;
 *      otherwise the type's handler applies the message and the inbox row
 *      with its receipt and the audit entry are written with its effects.
 *
 * Refusals in 1-3 apply and store nothing; their receipt carries no
 * CorrelationId when the message could not be read. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "store/audit.h"
#include "store/exchange.h"
#include "exchange.h"

struct inbound {
	struct xj_req		*r;
	struct xj_xmsg		*m;
	unsigned char		 sha[32];
	/* out */
	struct xj_xreceipt	 rc;
	int			 replay;	/* 1: stored receipt, 2: other bytes */
	char			*stored;
	size_t			 stored_len;
	int			 stored_refused;
};

static int
is_xml(struct xj_str ct)
{
	static const char *const want[] = { "application/xml", "text/xml" };

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(want[i]);
		if (ct.len >= n && strncasecmp(ct.p, want[i], n) == 0 &&
		    (ct.len == n || ct.p[n] == ';' || ct.p[n] == ' '))
			return 1;
	}
	return 0;
}

static int
audit(struct xj_db *db, struct inbound *in)
{
	/* the key id (up to 64 characters) is in the entry's after-digest,
	 * not in actor_role (a role name, VARCHAR(16)) */
	struct xj_actor who = { XJ_ACTOR_MINISTRY, 0, NULL, 0, in->r->id, in->r->client_addr };
	struct xj_audit au = { "exchange.inbound", "exchange_message", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR_NULL };
	char after[256];

	/* the ids, type and outcome; never the message's content */
	snprintf(after, sizeof(after), "{\"sender\":\"%s\",\"message_id\":\"%s\",\"type\":\"%s\","
	    "\"status\":\"%s\",\"key_id\":\"%s\"}", in->m->sender, in->m->id, in->m->type,
	    in->rc.status, in->r->actor_role);
	au.target_id = xj_str_c(in->m->id);
	au.after = xj_str_c(after);
	return xj_audit_append(db, &who, &au);
}

/* The unit of work; re-runnable (state reset on entry). */
static int
apply_tx(struct xj_db *db, void *arg)
{
	struct inbound *in = arg;
	const struct xj_xmsg *m = in->m;
	struct xj_xinbox_row row;
	xj_xhandler fn;
	int rv;

	memset(&in->rc, 0, sizeof(in->rc));
	in->replay = 0;
	rv = xj_xinbox_get(db, m->sender, m->id, &row);
	if (rv == XJ_OK) {
		if (memcmp(row.sha, in->sha, 32) != 0) {
			in->replay = 2;
			return XJ_OK;
		}
		/* the stored receipt, in a buffer of its own size: not sized
		 * by the message (a receipt of refused records is longer), and
		 * nothing taken from the arena before the handler needs it */
		if ((in->stored = xj_alloc(in->r->arena, row.receipt_len + 1)) == NULL)
			return XJ_E_TOO_COMPLEX;
		if ((rv = xj_xinbox_receipt(db, row.id, in->stored, row.receipt_len)) != XJ_OK)
			return rv;
		in->replay = 1;
		in->stored_len = row.receipt_len;
		/* the stored receipt's own status decides the HTTP status */
		in->stored_refused = memmem(in->stored, row.receipt_len,
		    "<Status>refused</Status>", 24) != NULL;
		return XJ_OK;
	}
	if (rv != XJ_NO_ROW)
		return rv;
	if (strcmp(m->receiver, xj_exchange.conf->exchange_org_code) != 0)
		in->rc.err = XJ_E_X_RECEIVER;
	else if ((fn = xj_exchange_handler(m->type)) == NULL)
		in->rc.err = XJ_E_X_TYPE_NOT_ACCEPTED;
	else if ((rv = fn(db, in->r, m, &in->rc)) != XJ_OK)
		return rv;
	if ((rv = xj_xreceipt_build(in->r, &in->rc, m->id, m->sender, NULL)) != XJ_OK)
		return rv;
	rv = xj_xinbox_insert(db, m->sender, m->id, m->type, m->correlation, in->sha,
	    in->r->actor_role, in->rc.status, in->rc.xml, in->rc.len);
	if (rv == XJ_E_CONFLICT)
		return XJ_RETRY;	/* another worker stored it first: read its row */
	if (rv != XJ_OK)
		return rv;
	return audit(db, in);
}

int
xj_exchange_inbound(struct xj_req *r)
{
	const struct xj_xkey *k = xj_xkeys_peer(&xj_exchange.keys, r->actor_role);
	struct xj_xml_where where;
	struct xj_xmsg m;
	struct inbound in;
	int rv;

	memset(&in, 0, sizeof(in));
	if (!is_xml(r->content_type))
		return XJ_E_X_MEDIA_TYPE;	/* refuse hook: a receipt */
	if (r->body.len > (size_t)xj_exchange.conf->exchange_message_limit)
		return XJ_E_X_TOO_LARGE;
	rv = xj_xmlin_read(r->body.p, r->body.len, &xj_exchange.lim, 1, &m, &where);
	if (rv != XJ_OK) {
		in.rc.err = rv;
		xj_log(XJ_LOG_INFO, "exchange_refused", "%s%d", "reason", xj_err_info(rv)->code,
		    "line", where.line);
		if ((rv = xj_xreceipt_build(r, &in.rc, NULL, k ? k->org : NULL, &where)) != XJ_OK)
			return rv;
		r->err = in.rc.err;
		return xj_xreceipt_send(r, in.rc.xml, in.rc.len, xj_xreceipt_http(&in.rc));
	}
	if (k == NULL || strcmp(k->org, m.sender) != 0) {
		in.rc.err = XJ_E_X_SENDER;
		goto refuse;
	}
	SHA256((const unsigned char *)r->body.p, r->body.len, in.sha);
	in.r = r;
	in.m = &m;
	if ((rv = xj_tx_run(r->db, apply_tx, &in)) != XJ_OK) {
		xj_xmlin_free(&m);
		return rv;
	}
	if (in.replay == 1) {
		xj_xmlin_free(&m);
		return xj_xreceipt_send(r, in.stored, in.stored_len, in.stored_refused ? 422 : 200);
	}
	if (in.replay == 2) {
		memset(&in.rc, 0, sizeof(in.rc));
		in.rc.err = XJ_E_X_ID_REUSED;
		goto refuse;
	}
	xj_log(XJ_LOG_INFO, "exchange_received", "%s%s%s", "type", m.type, "status",
	    in.rc.status, "message_id", m.id);
	if (in.rc.err != XJ_OK)
		r->err = in.rc.err;
	xj_xmlin_free(&m);
	return xj_xreceipt_send(r, in.rc.xml, in.rc.len, xj_xreceipt_http(&in.rc));
refuse:
	xj_log(XJ_LOG_INFO, "exchange_refused", "%s", "reason", xj_err_info(in.rc.err)->code);
	rv = xj_xreceipt_build(r, &in.rc, m.id, m.sender, NULL);
	xj_xmlin_free(&m);
	if (rv != XJ_OK)
		return rv;
	r->err = in.rc.err;
	return xj_xreceipt_send(r, in.rc.xml, in.rc.len, xj_xreceipt_http(&in.rc));
}
