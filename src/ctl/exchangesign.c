/* exchangesign.c -- job exchange-sign (issue 13 item 7, sql/0034): the
 * messages a worker without the signing key built inside the transaction
 * of the change that caused them (a reviewer's decision on a
 * cross-province move: a TransferDecision, a Dossier; a receiving
 * county's approval: a TransferRequest, a GraduateMove) wait in
 * exchange_outbox_pending with their final bytes; this job signs each
 * with our key and moves it into the outbox (xj_xoutbox_write), the
 * pending row deleted in the same transaction, oldest first. Why not sign
 * in the worker: the workers facing schools never hold the exchange's
 * signing key (docs/architecture.md "Ministry exchange: the outbox").
 *
 * The signer does not sign blindly what a worker queued: each message is
 * read back with the inbound hardened reader and validated against the
 * XSD, and must be of a type workers may queue, from us (Sender = our org
 * code), to the receiver and under the message id of its row. Anything
 * else is dropped, logged exchange_sign_refused and audited: a worker
 * that could write the queue cannot have arbitrary bytes signed. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "crypto/xsign.h"
#include "db/tx.h"
#include "exchange/xmlin.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "ctl.h"

#define SIGN_BATCH	100

/* what a worker may queue: the sending side of a cross-province move
 * (its decisions, the Dossier) and the receiving side (the county's
 * approved request, school/xmove.c) */
static const char *const QUEUED_TYPES[] = { "TransferDecision", "Dossier", "TransferRequest",
	"GraduateMove", NULL };

struct sign {
	const struct xj_conf	*conf;
	const struct xj_keys	*keys;
	const struct xj_xkey	*key;
	struct xj_xml_limits	 lim;
	int			 done;	/* 1: one handled, 0: queue empty */
};

/* 1 when the queued bytes are a message we may sign for this row */
static int
fit(const struct sign *s, const struct xj_xob_pending *p)
{
	struct xj_xml_where where;
	struct xj_xmsg m;
	int ok = 0;

	if (xj_xmlin_read(p->body, p->len, &s->lim, 1, &m, &where) != XJ_OK)
		return 0;
	for (int i = 0; QUEUED_TYPES[i] != NULL; i++)
		if (strcmp(QUEUED_TYPES[i], p->type) == 0)
			ok = 1;
	ok = ok && strcmp(m.type, p->type) == 0 && strcmp(m.id, p->message_id) == 0 &&
	    strcmp(m.sender, s->conf->exchange_org_code) == 0 &&
	    strcmp(m.receiver, p->receiver) == 0;
	xj_xmlin_free(&m);
	return ok;
}

static int
refused(struct xj_db *db, const struct xj_xob_pending *p)
{
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, NULL, NULL };
	struct xj_audit au = { "exchange.sign_refused", "exchange_outbox", XJ_STR_NULL,
	    XJ_STR_NULL, XJ_STR_NULL };
	int rc;

	xj_log(XJ_LOG_ERROR, "exchange_sign_refused", "%s%s", "message_id", p->message_id,
	    "type", p->type);
	if ((rc = xj_xoutbox_pending_done(db, p->id)) != XJ_OK)
		return rc;
	au.target_id = xj_str_c(p->message_id);
	return xj_audit_append(db, &who, &au);
}

static int
sign_tx(struct xj_db *db, void *arg)
{
	struct sign *s = arg;
	struct xj_xob_pending p;
	char sig[XJ_XSIG_HDR_MAX], after[96];
	unsigned long long oid;
	int rc;

	s->done = 0;
	if ((rc = xj_xoutbox_pending_next(db, s->keys, &p)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_OK : rc;
	if (!fit(s, &p)) {
		rc = refused(db, &p);
		xj_xoutbox_pending_free(&p);
		if (rc == XJ_OK)
			s->done = 1;
		return rc;
	}
	if (xj_xsign(s->key, p.body, p.len, sig, sizeof(sig)) != 0)
		rc = XJ_E_INTERNAL;
	else if ((rc = xj_xoutbox_write(db, s->keys, p.message_id, p.type, p.receiver, p.body,
	    p.len, sig, &oid)) == XJ_OK)
		rc = xj_xoutbox_pending_done(db, p.id);
	if (rc == XJ_OK) {
		struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, NULL, NULL };
		struct xj_audit au = { "exchange.outbox_write", "exchange_outbox", XJ_STR_NULL,
		    XJ_STR_NULL, XJ_STR_NULL };
		snprintf(after, sizeof(after), "{\"type\":\"%s\"}", p.type);
		au.target_id = xj_str_c(p.message_id);
		au.after = xj_str_c(after);
		rc = xj_audit_append(db, &who, &au);
	}
	xj_xoutbox_pending_free(&p);
	if (rc == XJ_OK)
		s->done = 1;
	return rc;
}

int
xj_ctl_job_exchange_sign(struct xj_ctl *x, long *done)
{
	struct sign s;
	char err[512];
	int rc;

	*done = 0;
	if (x->conf.exchange_org_code[0] == '\0')
		return XJ_OK;
	/* the XSDs, once per process (whichever job loads them first) */
	if (!xj_xmlin_ready() && xj_xmlin_init(x->conf.xsd_dir, err, sizeof(err)) != 0) {
		xj_log(XJ_LOG_ERROR, "exchange_xsd", "%s", "error", err);
		return XJ_E_INTERNAL;
	}
	memset(&s, 0, sizeof(s));
	s.conf = &x->conf;
	s.lim.max_depth = x->conf.exchange_xml_max_depth;
	s.lim.text_max = (size_t)x->conf.exchange_xml_text_max;
	s.lim.max_nodes = (size_t)x->conf.exchange_xml_max_nodes;
	if ((s.keys = xj_ctl_job_keys(x, 0)) == NULL ||
	    (s.key = xj_ctl_exchange_key(&x->conf)) == NULL)
		return XJ_E_INTERNAL;
	for (int i = 0; i < SIGN_BATCH; i++) {
		if ((rc = xj_tx_run(&x->db, sign_tx, &s)) != XJ_OK)
			return rc;
		if (!s.done)
			break;
		(*done)++;
	}
	if (*done)
		xj_log(XJ_LOG_INFO, "exchange_signed", "%ld", "messages", *done);
	return XJ_OK;
}
