/* handlers.c -- the inbound message types, a table of handlers (one row
 * per type this deployment takes). Each runs inside the message's
 * transaction, the one that also stores the inbox row, so its effects and
 * the record that the message was received commit together or not at all.
 * A handler that refuses the whole message decides before it writes.
 *
 * A Receipt acknowledges a message of ours; a CheckResult applies the
 * national check's answers (checkresult.c, issue 13 item 6); a request to
 * move a record of ours is xsend.c's, the answers to a cross-province move
 * started here, TransferDecision and Dossier, are xrecv.c's (issue 13
 * item 7). A type not in the table is answered type_not_accepted. */
#include "config.h"

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "store/exchange.h"
#include "exchange.h"
#include "xsend.h"

/* Receipt: the first acknowledgement of an outbox message stands; the
 * message it names must be ours and sent to the receipt's sender. */
static int
on_receipt(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m,
    struct xj_xreceipt *rc)
{
	struct xj_xoutbox_row ob;
	char status[16];
	int rv, changed;

	(void)r;
	if (m->correlation[0] == '\0') {
		rc->err = XJ_E_X_CORRELATION;
		return XJ_OK;
	}
	rv = xj_xoutbox_find(db, m->correlation, &ob);
	if (rv == XJ_NO_ROW || (rv == XJ_OK && strcmp(ob.receiver, m->sender) != 0)) {
		rc->err = XJ_E_X_CORRELATION;
		return XJ_OK;
	}
	if (rv != XJ_OK)
		return rv;
	if (xj_xml_text(xj_xml_child(m->payload, NULL, "Status"), status, sizeof(status)) != 0)
		return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
	return xj_xoutbox_ack(db, ob.id, status, m->id, &changed);
}

static const struct {
	const char	*type;
	xj_xhandler	 fn;
} HANDLERS[] = {
	{ "Receipt", on_receipt },
	{ "CheckResult", xj_exchange_check_result },	/* checkresult.c */
	/* issue 13 item 7: a move started here, the other side's answers
	 * (xrecv.c) */
	{ "TransferDecision", xj_xrecv_decision },
	{ "Dossier", xj_xrecv_dossier },
	/* issue 13 item 7, the sending side (exchange/xsend.c) */
	{ "TransferRequest", xj_xsend_on_transfer_request },
	{ "GraduateMove", xj_xsend_on_graduate_move },
};

xj_xhandler
xj_exchange_handler(const char *type)
{
	for (size_t i = 0; i < sizeof(HANDLERS) / sizeof(HANDLERS[0]); i++)
		if (strcmp(HANDLERS[i].type, type) == 0)
			return HANDLERS[i].fn;
	return NULL;
}
