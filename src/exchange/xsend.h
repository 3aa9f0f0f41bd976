/* xsend.h -- cross-province moves, the sending side (issue 13 item 7):
 * the inbound handlers of handlers.c's table (exchange/xsend.c). */
#ifndef XJ_EXCHANGE_XSEND_H
#define XJ_EXCHANGE_XSEND_H

#include "exchange/exchange.h"

int	xj_xsend_on_transfer_request(struct xj_db *, struct xj_req *, const struct xj_xmsg *,
	    struct xj_xreceipt *);
int	xj_xsend_on_graduate_move(struct xj_db *, struct xj_req *, const struct xj_xmsg *,
	    struct xj_xreceipt *);

#endif
