/* exchangesign.c -- job exchange-sign (issue 13 item 7, sql/0034): the
 * messages a worker without the signing key built inside the transaction
 * of the change that caused them (a reviewer's decision on a
 * cross-province move: a TransferDecision, a Dossier) wait in
 * exchange_outbox_pending with their final bytes; this job signs each
 * with our key and moves it into the outbox (xj_xoutbox_write), the
 * pending row deleted in the same transaction, oldest first. Why not sign
 * in the worker: the workers facing schools never hold the exchange's
 * signing key (docs/architecture.md "Ministry exchange: the outbox"). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "crypto/xsign.h"
#include "db/tx.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "ctl.h"

#define SIGN_BATCH	100

struct sign {
	const struct xj_keys	*keys;
	const struct xj_xkey	*key;
	int			 done;	/* 1: one moved, 0: queue empty */
};

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
	int rc;

	*done = 0;
	if (x->conf.exchange_org_code[0] == '\0')
		return XJ_OK;
	memset(&s, 0, sizeof(s));
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
