/* sms.c -- the jobs runner's SMS jobs (issue 10, A; docs/sms.md):
 *   sms-deliver  send due outbox messages to the gateway, one bounded
 *                batch per call: claim up to [sms] batch rows with a
 *                lease, send each (signed POST, timeouts), settle each:
 *                sent (body blanked), retry later (exponential backoff
 *                with jitter, domain/otp.h), or given up (failed after
 *                max_attempts or a refusal; expired when a code's message
 *                is too late to matter). At least once: a runner that dies
 *                leaves its lease to run out; the gateway drops a msg_id
 *                it has seen, so the phone shows a message once.
 *   sms-purge    delete expired codes, idle rate counters and old settled
 *                outbox rows.
 * Logs name the message by its random msg_id and say what happened;
 * never the phone, the text or a code. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/err.h"
#include "core/json.h"
#include "core/log.h"
#include "crypto/field.h"
#include "crypto/keys.h"
#include "ctl/ctl.h"
#include "domain/otp.h"
#include "sms/gateway.h"
#include "store/phonecode.h"
#include "store/ratelimit.h"
#include "store/smsoutbox.h"

static struct {
	int		 state;		/* 0 not set up, 1 ready, 2 no gateway, -1 broken */
	struct xj_sms_gw gw;
} S;

static void
teardown(void)
{
	xj_gw_close(&S.gw);
	curl_global_cleanup();
}

static int
setup(struct xj_ctl *x)
{
	char err[256];
	int rc;

	if (S.state != 0)
		return S.state;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "sms-deliver: curl_global_init failed\n");
		return S.state = -1;
	}
	atexit(teardown);
	if ((rc = xj_gw_open(&S.gw, &x->conf, err, sizeof(err))) == 1) {
		xj_log(XJ_LOG_WARN, "sms_no_gateway", "");
		return S.state = 2;
	}
	if (rc != 0) {
		fprintf(stderr, "sms-deliver: %s\n", err);
		return S.state = -1;
	}
	return S.state = 1;
}

/* The request: our account, the message's id and signature name, then
 * the stored fields (a JSON object's members: phone, template, params). */
static int
compose(const struct xj_sms_row *r, const char *pt, size_t ptlen, const char *sign_name,
    char *out, size_t cap, size_t *len)
{
	char sn[200];
	int n;

	if (ptlen < 2 || pt[0] != '{' || xj_json_escape(sign_name, sn, sizeof(sn)) != 0)
		return -1;
	n = snprintf(out, cap, "{\"app_id\":\"%s\",\"msg_id\":\"%s\",\"sign_name\":\"%s\",%.*s",
	    S.gw.app_id, r->msg_id, sn, (int)(ptlen - 1), pt + 1);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	*len = (size_t)n;
	return 0;
}

/* The message's fields, decrypted with the runner's ring (read from the
 * key files again first when recheck). 0 or -1. */
static int
open_body(struct xj_ctl *x, const struct xj_sms_row *r, int recheck, char *pt, size_t cap,
    size_t *len)
{
	const struct xj_keys *k = xj_ctl_job_keys(x, recheck);

	return k == NULL || xj_field_decrypt(k, "sms_outbox.body", r->msg_id, r->body_ct,
	    r->body_ct_len, pt, cap, len) != 0 ? -1 : 0;
}

/* Try again after the backoff, or give up after [sms] max_attempts. */
static int
later(struct xj_ctl *x, const struct xj_sms_row *r, const char *token, int status)
{
	const struct xj_conf *c = &x->conf;
	uint32_t rnd = 0;
	unsigned delay;

	if (r->attempts + 1 >= c->sms_max_attempts) {
		xj_log(XJ_LOG_WARN, "sms_failed", "%s%d%d", "msg_id", r->msg_id, "status",
		    status, "attempt", r->attempts + 1);
		return xj_sms_give_up(&x->db, r->id, token, "failed", 1, status);
	}
	if (RAND_bytes((unsigned char *)&rnd, sizeof(rnd)) != 1)
		rnd = 0;
	delay = xj_otp_backoff_s((unsigned)r->attempts + 1, (unsigned)c->sms_backoff_base,
	    (unsigned)c->sms_backoff_max, rnd);
	xj_log(XJ_LOG_WARN, "sms_retry", "%s%d%d%u", "msg_id", r->msg_id, "status", status,
	    "attempt", r->attempts + 1, "delay_s", delay);
	return xj_sms_retry(&x->db, r->id, token, status, delay);
}

static int
settle(struct xj_ctl *x, const struct xj_sms_row *r, const char *token)
{
	const struct xj_conf *c = &x->conf;
	char pt[XJ_SMS_BODY_CT_MAX], req[XJ_SMS_BODY_CT_MAX + 512];
	size_t ptlen = 0, reqlen = 0;
	enum xj_gw_result res;
	int status = 0, rc;

	if (r->expired) {
		xj_log(XJ_LOG_INFO, "sms_expired", "%s%d", "msg_id", r->msg_id, "attempts", r->attempts);
		return xj_sms_give_up(&x->db, r->id, token, "expired", 0, 0);
	}
	/* a body the runner cannot open: its ring may predate a rotation (the
	 * workers, restarted, seal under the new version), so read the key
	 * files again; still unreadable (the file not yet on this host, a
	 * damaged row) waits like a failed send and is given up only when
	 * its tries or its code's lifetime run out */
	if (open_body(x, r, 0, pt, sizeof(pt), &ptlen) != 0 &&
	    open_body(x, r, 1, pt, sizeof(pt), &ptlen) != 0) {
		OPENSSL_cleanse(pt, sizeof(pt));
		xj_log(XJ_LOG_ERROR, "sms_unreadable", "%s%d", "msg_id", r->msg_id,
		    "attempt", r->attempts + 1);
		return later(x, r, token, 0);
	}
	if (compose(r, pt, ptlen, c->sms_sign_name, req, sizeof(req), &reqlen) != 0) {
		OPENSSL_cleanse(pt, sizeof(pt));
		xj_log(XJ_LOG_ERROR, "sms_unreadable", "%s", "msg_id", r->msg_id);
		return xj_sms_give_up(&x->db, r->id, token, "failed", 0, 0);
	}
	res = xj_gw_send(&S.gw, req, reqlen, &status);
	OPENSSL_cleanse(pt, sizeof(pt));
	OPENSSL_cleanse(req, sizeof(req));
	switch (res) {
	case XJ_GW_SENT:
		rc = xj_sms_sent(&x->db, r->id, token, status);
		xj_log(XJ_LOG_INFO, "sms_sent", "%s%d%d", "msg_id", r->msg_id, "status", status,
		    "attempt", r->attempts + 1);
		return rc;
	case XJ_GW_REFUSED:
		xj_log(XJ_LOG_WARN, "sms_refused", "%s%d%d", "msg_id", r->msg_id, "status", status,
		    "attempt", r->attempts + 1);
		return xj_sms_give_up(&x->db, r->id, token, "failed", 1, status);
	case XJ_GW_RETRY:
	default:
		return later(x, r, token, status);
	}
}

int
xj_ctl_job_sms_deliver(struct xj_ctl *x, long *done)
{
	const struct xj_conf *c = &x->conf;
	struct xj_sms_row *rows;
	unsigned char rb[16];
	char token[XJ_SMS_TOKEN_LEN + 1];
	int n = 0, rc, lease;

	*done = 0;
	if ((rc = setup(x)) == 2)
		return XJ_OK;		/* no gateway: messages wait */
	if (rc != 1)
		return XJ_E_INTERNAL;
	if (RAND_bytes(rb, sizeof(rb)) != 1)
		return XJ_E_INTERNAL;
	for (int i = 0; i < 16; i++)
		snprintf(token + 2 * i, 3, "%02x", rb[i]);
	/* the lease outlasts the slowest batch: every message timing out */
	lease = c->sms_batch * ((c->sms_timeout_ms + c->sms_connect_timeout_ms) / 1000 + 1) + 30;
	if ((rows = calloc((size_t)c->sms_batch, sizeof(*rows))) == NULL)
		return XJ_E_INTERNAL;
	rc = xj_sms_claim(&x->db, token, lease, c->sms_batch, rows, &n);
	for (int i = 0; rc == XJ_OK && i < n; i++)
		rc = settle(x, &rows[i], token);
	OPENSSL_cleanse(rows, (size_t)c->sms_batch * sizeof(*rows));
	free(rows);
	*done = n;
	return rc;
}

int
xj_ctl_job_sms_purge(struct xj_ctl *x, long *done)
{
	unsigned long long a = 0, b = 0, c = 0;
	int rc;

	if ((rc = xj_code_purge(&x->db, &a)) == XJ_OK &&
	    (rc = xj_rate_purge(&x->db, &b)) == XJ_OK)
		rc = xj_sms_purge(&x->db, x->conf.sms_keep_days, &c);
	*done = (long)(a + b + c);
	return rc;
}
