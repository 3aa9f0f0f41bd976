/* handlers.c -- the inbound message types, a table of handlers (one row
 * per type this deployment takes). Each runs inside the message's
 * transaction, the one that also stores the inbox row, so its effects and
 * the record that the message was received commit together or not at all.
 * A handler that refuses the whole message decides before it writes.
 *
 * This increment takes what can be applied for real without the outbox
 * writers: a Receipt acknowledges a message of ours; a CheckResult is
 * checked against the batch it answers, record by record (a record we
 * never sent: record_not_sent). The answers to a cross-province move
 * started here, TransferDecision and Dossier, are xrecv.c's (issue 13
 * item 7). A type not in the table is answered type_not_accepted
 * (docs/architecture.md "Ministry exchange", what is left). */
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

/* CheckResult: every record must answer a record of the StudentBatch
 * named by CorrelationId. Records of ours are checked and locked; taking
 * over the numbers and problem groups they carry is the next increment's
 * (issue 13 item 6), so until then a record we sent is refused
 * type_not_accepted and nothing is written. */
static int
on_check_result(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m,
    struct xj_xreceipt *rc)
{
	struct xj_xoutbox_row ob;
	int rv, batch_ok;
	size_t n = 0;

	for (xmlNodePtr x = xj_xml_child(m->payload, NULL, "Record"); x;
	    x = xj_xml_child(m->payload, x, "Record"))
		n++;
	if ((rc->rec = xj_alloc(r->arena, (n ? n : 1) * sizeof(*rc->rec))) == NULL)
		return XJ_E_TOO_COMPLEX;
	rv = m->correlation[0] ? xj_xoutbox_find(db, m->correlation, &ob) : XJ_NO_ROW;
	if (rv != XJ_OK && rv != XJ_NO_ROW)
		return rv;
	batch_ok = rv == XJ_OK && strcmp(ob.type, "StudentBatch") == 0 &&
	    strcmp(ob.receiver, m->sender) == 0;
	for (xmlNodePtr x = xj_xml_child(m->payload, NULL, "Record"); x;
	    x = xj_xml_child(m->payload, x, "Record")) {
		struct xj_xrec *e = &rc->rec[rc->nrec++];
		int answered;
		if (xj_xml_attr(x, "ref", e->ref, sizeof(e->ref)) != 0)
			return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
		if (!batch_ok) {
			e->err = XJ_E_X_NOT_SENT;
			continue;
		}
		rv = xj_xoutbox_record(db, ob.id, e->ref, &answered);
		if (rv == XJ_NO_ROW)
			e->err = XJ_E_X_NOT_SENT;
		else if (rv != XJ_OK)
			return rv;
		else
			e->err = XJ_E_X_TYPE_NOT_ACCEPTED;
	}
	/* no batch of ours: the message as a whole names nothing we sent */
	if (!batch_ok)
		rc->err = XJ_E_X_CORRELATION;
	return XJ_OK;
}

static const struct {
	const char	*type;
	xj_xhandler	 fn;
} HANDLERS[] = {
	{ "Receipt", on_receipt },
	{ "CheckResult", on_check_result },
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
