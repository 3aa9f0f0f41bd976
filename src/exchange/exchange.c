/* exchange.c -- the exchange portal's process state, its route table, the
 * signature check the dispatcher runs before anything parses a body, and
 * the refusal hook that answers every refusal with a signed Receipt (see
 * exchange.h). */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "store/audit.h"
#include "exchange.h"

struct xj_exchange xj_exchange;

const struct xj_route xj_exchange_routes[] = {
	/* the body limit is [exchange] message_limit, checked by the
	 * dispatcher against [server] body_limit too (the smaller wins) */
	{ XJ_M_POST, "/exchange/ministry/v1/messages", XJ_ROLE_EXCHANGE, 64L << 20,
	  xj_exchange_inbound },
	XJ_ROUTE_END
};

int
xj_exchange_init(const struct xj_conf *c, char *err, size_t errlen)
{
	char e[512];

	memset(&xj_exchange, 0, sizeof(xj_exchange));
	xj_exchange.conf = c;
	xj_exchange.lim.max_depth = c->exchange_xml_max_depth;
	xj_exchange.lim.text_max = (size_t)c->exchange_xml_text_max;
	xj_exchange.lim.max_nodes = (size_t)c->exchange_xml_max_nodes;
	if (c->exchange_org_code[0] == '\0')
		return 0;	/* not configured: the route says so */
	/* the body is read whole into the request's arena: a limit the
	 * worker cannot honour would refuse every large message at run time */
	if (c->body_limit < c->exchange_message_limit ||
	    c->arena_size < c->exchange_message_limit + (1L << 20)) {
		snprintf(err, errlen, "[exchange] message_limit %ld needs [server] body_limit >= it and arena_size >= it + 1 MiB (now %ld, %ld)",
		    c->exchange_message_limit, c->body_limit, c->arena_size);
		return -1;
	}
	if (c->exchange_signing_key_file[0] == '\0' || c->exchange_peer_keys_file[0] == '\0') {
		snprintf(err, errlen, "[exchange] org_code is set: signing_key_file and peer_keys_file are required");
		return -1;
	}
	if (xj_xkeys_load(c->exchange_signing_key_file, c->exchange_signing_key_id,
	    c->exchange_org_code, c->exchange_peer_keys_file, &xj_exchange.keys, err,
	    errlen) != 0)
		return -1;
	if (xj_xmlin_init(c->xsd_dir, e, sizeof(e)) != 0) {
		snprintf(err, errlen, "[paths] xsd_dir: %s", e);
		xj_xkeys_free(&xj_exchange.keys);
		return -1;
	}
	xj_exchange.ready = 1;
	return 0;
}

void
xj_exchange_fini(void)
{
	if (xj_exchange.ready)
		xj_xmlin_fini();
	xj_xkeys_free(&xj_exchange.keys);
	xj_exchange.ready = 0;
}

/* Refused signatures come from anyone who reaches the port: at most
 * LOG_BURST lines a second per process, the rest counted (as the PSB's,
 * auth.c). The key id is logged only when it is one of our list's. */
#define LOG_BURST	5
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static time_t log_sec;
static unsigned log_n, log_dropped;

static void
sig_refused(const struct xj_req *r, const char *reason, const char *key_id)
{
	time_t now = time(NULL);
	unsigned dropped = 0;
	int say;

	pthread_mutex_lock(&log_mu);
	if (now != log_sec) {
		log_sec = now;
		log_n = 0;
	}
	if ((say = log_n < LOG_BURST) != 0) {
		log_n++;
		dropped = log_dropped;
		log_dropped = 0;
	} else
		log_dropped++;
	pthread_mutex_unlock(&log_mu);
	if (!say)
		return;
	if (dropped)
		xj_log(XJ_LOG_WARN, "exchange_refused_unlogged", "%u", "count", dropped);
	xj_log(XJ_LOG_WARN, "exchange_refused", "%s%s%s", "reason", reason, "client",
	    r->client_addr ? r->client_addr : "", "key_id", key_id);
}

int
xj_exchange_verify(struct xj_req *r)
{
	const char *h = xj_req_param(r, "HTTP_XUEJI_SIGNATURE");
	char keyid[XJ_XKEYID_MAX + 1];
	unsigned char sig[XJ_XSIG_MAX];
	const struct xj_xkey *k;
	enum xj_xalg alg;
	size_t siglen;

	if (!xj_exchange.ready)
		return XJ_E_X_UNAVAILABLE;
	if (h == NULL || xj_xsig_parse(h, strlen(h), keyid, &alg, sig, &siglen) != 0) {
		sig_refused(r, "signature_missing", "-");
		return XJ_E_X_SIG_MISSING;
	}
	k = xj_xkeys_peer(&xj_exchange.keys, keyid);
	if (!xj_xverify(k, alg, r->body.p, r->body.len, sig, siglen)) {
		sig_refused(r, "signature_invalid", k ? k->id : "unknown");
		return XJ_E_X_SIG_INVALID;
	}
	r->actor_type = XJ_ACTOR_MINISTRY;
	r->actor_role = k->id;	/* long-lived: the key ring's */
	return XJ_OK;
}

int
xj_exchange_refuse(struct xj_req *r, int role, int err)
{
	struct xj_xreceipt rc;

	if (role != XJ_ROLE_EXCHANGE || !xj_exchange.ready)
		return 0;
	/* the dispatcher's generic refusals in the exchange's words */
	if (err == XJ_E_BODY_TOO_LARGE)
		err = XJ_E_X_TOO_LARGE;
	memset(&rc, 0, sizeof(rc));
	rc.err = err;
	if (xj_xreceipt_build(r, &rc, NULL, NULL, NULL) != XJ_OK)
		return 0;
	r->err = err;
	xj_xreceipt_send(r, rc.xml, rc.len, xj_xreceipt_http(&rc));
	return 1;
}
