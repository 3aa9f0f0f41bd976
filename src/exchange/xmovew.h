/* xmovew.h -- the two messages a cross-province move started here sends
 * (issue 13 item 7, docs/xml/v1/transfer.xsd): TransferRequest (R-MOV-1)
 * and GraduateMove (R-MOV-5): the payload's children, written with
 * libxml2's xmlTextWriter into the envelope xqueue.h opened (Sender =
 * our org code, Receiver MOE). The receiving county's approval queues
 * them for the signing job (school/xmove.c, exchange/xqueue.h). */
#ifndef XJ_XMOVEW_H
#define XJ_XMOVEW_H

#include <libxml/xmlwriter.h>

#include "exchange/batchw.h"

struct xj_xmove;

/* "TransferRequest" or "GraduateMove", by the case's kind */
const char	*xj_xmove_msg_type(const struct xj_xmove *);
/* The payload's children, inside the payload element. 0 or -1 (writer
 * error). */
int		 xj_xmove_write(xmlTextWriterPtr, const struct xj_xmove *);

#endif
