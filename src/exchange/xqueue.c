/* xqueue.c -- a message a worker causes, queued for the signer (see
 * xqueue.h). */
#include "config.h"

#include <string.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "store/outbox.h"
#include "batchw.h"
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

int
xj_xqueued_end(struct xj_db *db, struct xj_xqueued *q, int ok)
{
	int rc = XJ_E_INTERNAL;

	if (ok && q->w != NULL && xj_xbatch_end(q->w) == 0) {
		xmlFreeTextWriter(q->w);
		q->w = NULL;
		rc = xj_xoutbox_queue(db, xj_auth_keys(), q->mid, q->type, "MOE",
		    (const char *)xmlBufferContent(q->buf), (size_t)xmlBufferLength(q->buf));
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
