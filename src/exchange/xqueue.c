/* xqueue.c -- a message a worker causes, queued for the signer (see
 * xqueue.h). */
#include "config.h"

#include <string.h>

#include "auth/auth.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "store/outbox.h"
#include "batchw.h"
#include "exchange.h"
#include "xqueue.h"

int
xj_xqueued_begin(struct xj_xqueued *q, const char *org, char tag, const char *type,
    const char *correlation)
{
	char created[26];
	struct xj_xhdr h;

	memset(q, 0, sizeof(*q));
	q->type = type;
	if (xj_xmsg_new_id(org, tag, q->mid, created) != 0)
		return XJ_E_INTERNAL;
	h = (struct xj_xhdr){ q->mid, org, "MOE", created, correlation };
	if ((q->buf = xmlBufferCreate()) == NULL ||
	    (q->w = xmlNewTextWriterMemory(q->buf, 0)) == NULL ||
	    xj_xmsg_begin(q->w, &h, type) != 0) {
		xj_xqueued_end(NULL, q, 0);
		return XJ_E_INTERNAL;
	}
	return XJ_OK;
}

/* The bytes as the signing job will read them (ctl/exchangesign.c: the
 * hardened reader, the XSD): a message it would drop must not be
 * queued, or the change that caused it commits without its message -- a
 * record marked transferred whose Dossier never leaves (review R6). */
static int
carried(const struct xj_xqueued *q, const char *body, size_t len)
{
	struct xj_xml_where where;
	struct xj_xmsg m;
	int rc;

	if (!xj_xmlin_ready())
		return XJ_E_X_UNAVAILABLE;
	memset(&where, 0, sizeof(where));
	if ((rc = xj_xmlin_read(body, len, &xj_exchange.lim, 1, &m, &where)) != XJ_OK) {
		/* where names the line and element, never a value */
		xj_log(XJ_LOG_ERROR, "exchange_unsendable", "%s%s%d%s", "type", q->type,
		    "message_id", q->mid, "line", where.line, "element", where.element);
		return rc == XJ_E_INTERNAL ? rc : XJ_E_X_UNSENDABLE;
	}
	xj_xmlin_free(&m);
	return XJ_OK;
}

int
xj_xqueued_end(struct xj_db *db, struct xj_xqueued *q, int ok)
{
	int rc = XJ_E_INTERNAL;

	if (ok && q->w != NULL && xj_xbatch_end(q->w) == 0) {
		const char *body = (const char *)xmlBufferContent(q->buf);
		size_t len = (size_t)xmlBufferLength(q->buf);

		xmlFreeTextWriter(q->w);
		q->w = NULL;
		if ((rc = carried(q, body, len)) == XJ_OK)
			rc = xj_xoutbox_queue(db, xj_auth_keys(), q->mid, q->type, "MOE", body,
			    len);
	}
	if (q->w != NULL)
		xmlFreeTextWriter(q->w);
	if (q->buf != NULL) {
		explicit_bzero(q->buf->content, q->buf->size);
		xmlBufferFree(q->buf);
	}
	q->w = NULL;
	q->buf = NULL;
	return rc;
}
