/* exchange.h -- the ministry exchange (issue 13, R-EXC-1;
 * docs/architecture.md "Ministry exchange", docs/xml/README.md): the
 * routes of --portal exchange, /exchange/ministry/v1/. Every route has
 * role XJ_ROLE_EXCHANGE: the dispatcher has the detached signature
 * checked (xj_exchange_verify) over the raw body before anything parses
 * it, and every refusal, also the dispatcher's own (size, method), is
 * answered with a signed Receipt (xj_exchange_refuse). */
#ifndef XJ_EXCHANGE_H
#define XJ_EXCHANGE_H

#include <stddef.h>

#include "core/router.h"
#include "crypto/xsign.h"
#include "exchange/xmlin.h"

extern const struct xj_route xj_exchange_routes[];

struct xj_conf;
struct xj_req;

/* Once at start, in the main thread: our key, the peers' keys and the
 * XSDs, when [exchange] org_code is set (otherwise the routes answer
 * exchange_not_configured). 0 or -1 with err. */
int	xj_exchange_init(const struct xj_conf *, char *err, size_t errlen);
void	xj_exchange_fini(void);

/* The dispatcher's auth hook for XJ_ROLE_EXCHANGE: the Xueji-Signature
 * header over the raw body. XJ_OK with actor_type XJ_ACTOR_MINISTRY and
 * actor_role the verifying key's id, or XJ_E_X_SIG_MISSING,
 * XJ_E_X_SIG_INVALID, XJ_E_X_UNAVAILABLE. */
int	xj_exchange_verify(struct xj_req *);
/* The dispatcher's refusal hook: for an exchange route, answer err as a
 * signed Receipt and return 1; 0 for any other route. */
int	xj_exchange_refuse(struct xj_req *, int role, int err);

/* what the exchange module holds for the process (exchange.c) */
struct xj_exchange {
	const struct xj_conf	*conf;
	struct xj_xkeys		 keys;
	struct xj_xml_limits	 lim;
	int			 ready;
};
extern struct xj_exchange xj_exchange;

/* receipt.c: one record's status in a receipt */
struct xj_xrec {
	char	 ref[41];
	int	 err;		/* XJ_OK: accepted */
};
/* the receipt of one message */
struct xj_xreceipt {
	int		 err;		/* message-level refusal, XJ_OK when none */
	struct xj_xrec	*rec;		/* arena */
	size_t		 nrec;
	const char	*status;	/* accepted partial refused (set by xj_xreceipt_build) */
	char		*xml;		/* arena */
	size_t		 len;
};
/* Build the receipt's bytes in r's arena answering message id corr
 * (NULL: a message that could not be read) from sender (NULL: "MOE").
 * where (may be NULL) adds the line and element of a format refusal.
 * XJ_OK or an error. */
int	xj_xreceipt_build(struct xj_req *, struct xj_xreceipt *, const char *corr,
	    const char *to, const struct xj_xml_where *where);
/* Send receipt bytes signed with our key, HTTP status by the receipt. */
int	xj_xreceipt_send(struct xj_req *, const char *xml, size_t len, int http_status);
/* The HTTP status a receipt goes with. */
int	xj_xreceipt_http(const struct xj_xreceipt *);

/* handlers.c: the inbound message types, a table of handlers. A
 * handler runs inside the message's transaction; it either refuses the
 * whole message (rc->err, having written nothing) or applies its records
 * and fills rc->rec. Returns XJ_OK (receipt filled), XJ_RETRY or an
 * error that rolls the transaction back. */
struct xj_db;
typedef int (*xj_xhandler)(struct xj_db *, struct xj_req *, const struct xj_xmsg *,
	    struct xj_xreceipt *);
/* checkresult.c (issue 13 item 6): CheckResult applied */
int	xj_exchange_check_result(struct xj_db *, struct xj_req *, const struct xj_xmsg *,
	    struct xj_xreceipt *);
/* xrecv.c: a cross-province move started here (issue 13 item 7) */
int	xj_xrecv_decision(struct xj_db *, struct xj_req *, const struct xj_xmsg *,
	    struct xj_xreceipt *);
int	xj_xrecv_dossier(struct xj_db *, struct xj_req *, const struct xj_xmsg *,
	    struct xj_xreceipt *);
/* the handler of a type, NULL when this deployment does not take it */
xj_xhandler	xj_exchange_handler(const char *type);

/* inbound.c: POST /exchange/ministry/v1/messages */
int	xj_exchange_inbound(struct xj_req *);

/* outbox.c (issue 13 item 4): the pull and the acknowledgement by cursor.
 * Their signature covers the request, not a message:
 * xj_exchange_signed_request builds what was signed (METHOD, path, query,
 * Xueji-Date, body) in the arena; XJ_OK, XJ_E_X_SIG_MISSING (no date) or
 * XJ_E_X_SIG_INVALID (a date further than XJ_XREQ_SKEW from our clock). */
#define XJ_XREQ_SKEW	300
int	xj_exchange_signed_request(struct xj_req *, const char **data, size_t *len);
int	xj_exchange_pull(struct xj_req *);
int	xj_exchange_ack(struct xj_req *);

#endif
