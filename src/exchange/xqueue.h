/* xqueue.h -- a message a school-facing worker causes (issue 13 item 7:
 * a TransferDecision, a Dossier, a TransferRequest, a GraduateMove):
 * a new MessageId, the one envelope (batchw.c), the payload written by
 * the caller, then queued for the signing job in the transaction of the
 * change that caused it (store/outbox.h xj_xoutbox_queue) and its bytes
 * wiped -- the workers never hold the signing key. One mechanism for
 * both sides of a cross-province move (exchange/xsend.c, school/xmove.c). */
#ifndef XJ_XQUEUE_H
#define XJ_XQUEUE_H

#include <libxml/xmlwriter.h>

#include "exchange/xmlin.h"	/* XJ_XMSG_ID_MAX */

struct xj_db;

struct xj_xqueued {
	xmlBufferPtr		 buf;
	xmlTextWriterPtr	 w;	/* the payload's children go here */
	char			 mid[XJ_XMSG_ID_MAX + 1];
	const char		*type;
};

/* Message `type` from org to the ministry (correlation: NULL or the
 * message it answers) begun under a new id (tag: xj_xmsg_new_id): XJ_OK
 * with q->w open inside the payload element, or XJ_E_INTERNAL (q
 * released). */
int	xj_xqueued_begin(struct xj_xqueued *q, const char *org, char tag, const char *type,
	    const char *correlation);
/* ok: the message closed, read back as the signing job reads it (the
 * hardened reader, the XSD) and queued in db's transaction; not ok:
 * dropped. Either way its bytes are wiped and freed. XJ_OK,
 * XJ_E_X_UNSENDABLE (the XSD cannot carry it: the caller's transaction
 * must not commit), XJ_E_X_UNAVAILABLE (no schema loaded: the exchange
 * is not configured), XJ_E_INTERNAL (not ok, or a writer error) or the
 * queue's error. */
int	xj_xqueued_end(struct xj_db *db, struct xj_xqueued *q, int ok);

#endif
