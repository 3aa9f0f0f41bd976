/* outbox.c -- the ministry pulls what we send (issue 13 item 4; Ed-Fi
 * change queries' cursor paging; docs/architecture.md "Ministry exchange:
 * the outbox"):
 *
 *   GET  /exchange/ministry/v1/outbox?after=CURSOR&limit=N
 *        200 {messages: [{cursor, message_id, type, created, offered,
 *             redelivered, signature, body}], next, more}
 *   POST /exchange/ministry/v1/outbox/acknowledgements {"upto": CURSOR}
 *        200 {acknowledged_upto}
 *
 * Both are signed requests: the Xueji-Signature header is the ministry's
 * key's signature, as for a message, over
 *
 *   METHOD "\n" PATH "\n" QUERY "\n" XUEJI-DATE "\n" BODY
 *
 * with Xueji-Date in the project's one time format, within
 * XJ_XREQ_SKEW seconds of our clock. A message carries its own meaning
 * and is signed over its bytes; a pull has no body, so what is signed is
 * the request itself: a signature over the body alone (empty) would be
 * the same for every pull and replayable for ever, and one over the path
 * without the query would let a captured pull be re-aimed at another
 * cursor. mTLS at nginx stays the transport's guard (as for messages);
 * the signature is what the worker itself checks, so a wrong nginx
 * configuration does not open the outbox.
 *
 * The receiver of a pull is the org of the key that signed it: a key of
 * MOE reads MOE's messages only. Each message's body is returned as its
 * exact signed bytes (base64) with the signature header made when it was
 * written, so the ministry verifies every message with our public key;
 * the JSON page around them is transport. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/log.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "exchange.h"

#define PAGE_MAX	100

int
xj_exchange_signed_request(struct xj_req *r, const char **data, size_t *len)
{
	const char *date = xj_req_param(r, "HTTP_XUEJI_DATE");
	const char *m = xj_method_name(r->method);
	long long t;
	size_t n;
	char *p;

	if (date == NULL || date[0] == '\0')
		return XJ_E_X_SIG_MISSING;
	if (xj_datetime_parse_local(xj_str_c(date), &t) != XJ_OK ||
	    llabs(t - (long long)time(NULL)) > XJ_XREQ_SKEW)
		return XJ_E_X_SIG_INVALID;
	n = strlen(m) + r->path.len + r->query.len + strlen(date) + 4 + r->body.len;
	if ((p = xj_alloc(r->arena, n + 1)) == NULL)
		return XJ_E_TOO_COMPLEX;
	*data = p;
	*len = n;
	p += sprintf(p, "%s\n", m);
	memcpy(p, r->path.p, r->path.len);
	p += r->path.len;
	*p++ = '\n';
	if (r->query.len)
		memcpy(p, r->query.p, r->query.len);
	p += r->query.len;
	p += sprintf(p, "\n%s\n", date);
	if (r->body.len)
		memcpy(p, r->body.p, r->body.len);
	return XJ_OK;
}

/* a cursor: 1..20 decimal digits */
static int
cursor(struct xj_str s, unsigned long long *out)
{
	unsigned long long v = 0;

	if (s.len == 0 || s.len > 19)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	*out = v;
	return 0;
}

static const char *
receiver_of(const struct xj_req *r)
{
	const struct xj_xkey *k = xj_xkeys_peer(&xj_exchange.keys, r->actor_role);

	return k ? k->org : NULL;
}

static int
audit(struct xj_db *db, struct xj_req *r, const char *action, const char *receiver,
    const char *after)
{
	struct xj_actor who = { XJ_ACTOR_MINISTRY, 0, NULL, 0, r->id, r->client_addr };
	struct xj_audit au = { action, "exchange_outbox", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR_NULL };

	au.target_id = xj_str_c(receiver);
	au.after = xj_str_c(after);
	return xj_audit_append(db, &who, &au);
}

struct pull {
	struct xj_req		*r;
	const char		*receiver;
	unsigned long long	 after;
	unsigned		 limit;
	struct xj_xob_msg	 msg[PAGE_MAX + 1];
	unsigned		 n;
	int			 more;
};

static int
pull_tx(struct xj_db *db, void *arg)
{
	struct pull *p = arg;
	const struct xj_conf *c = xj_exchange.conf;
	char after[160];
	int rc;

	rc = xj_xoutbox_page(db, xj_auth_keys(), p->r->arena, p->receiver, p->after, p->limit,
	    c->exchange_outbox_deadline, (size_t)c->exchange_outbox_page_bytes, p->msg, &p->n,
	    &p->more);
	if (rc != XJ_OK)
		return rc;
	/* who read which messages (they carry identity numbers) */
	snprintf(after, sizeof(after), "{\"after\":%llu,\"count\":%u,\"first\":%llu,\"last\":%llu}",
	    p->after, p->n, p->n ? p->msg[0].id : 0ULL, p->n ? p->msg[p->n - 1].id : 0ULL);
	return audit(db, p->r, "exchange.pull", p->receiver, after);
}

int
xj_exchange_pull(struct xj_req *r)
{
	struct xj_str a, l;
	unsigned long long lim = 20, next;
	struct pull *p;
	yajl_gen g;
	int e1 = 0, e2 = 0, rc;

	if ((p = xj_alloc(r->arena, sizeof(*p))) == NULL)
		return XJ_E_TOO_COMPLEX;
	memset(p, 0, sizeof(*p));
	p->r = r;
	if ((p->receiver = receiver_of(r)) == NULL)
		return XJ_E_X_SIG_INVALID;
	a = xj_req_query(r, "after", &e1);
	l = xj_req_query(r, "limit", &e2);
	if (e1 || e2 || (a.p != NULL && cursor(a, &p->after) != 0) ||
	    (l.p != NULL && (cursor(l, &lim) != 0 || lim < 1 || lim > PAGE_MAX)))
		return XJ_E_BAD_QUERY;
	p->limit = (unsigned)lim;
	if ((rc = xj_tx_run(r->db, pull_tx, p)) != XJ_OK)
		return rc;
	next = p->after;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "messages");
	yajl_gen_array_open(g);
	for (unsigned i = 0; i < p->n; i++) {
		const struct xj_xob_msg *m = &p->msg[i];
		char created[26], *b64;
		int bl;

		if ((b64 = xj_alloc(r->arena, 4 * ((m->len + 2) / 3) + 1)) == NULL)
			return XJ_E_TOO_COMPLEX;
		bl = EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)m->body,
		    (int)m->len);
		xj_datetime_format_db(m->created, created);
		if (!m->again && m->id > next)
			next = m->id;
		yajl_gen_map_open(g);
		xj_gen_int(g, "cursor", (long long)m->id);
		xj_gen_str(g, "message_id", m->message_id);
		xj_gen_str(g, "type", m->type);
		xj_gen_str(g, "created", created);
		xj_gen_int(g, "offered", (long long)m->offered + 1);
		xj_gen_bool(g, "redelivered", m->again);
		xj_gen_str(g, "signature", m->signature);
		xj_gen_strn(g, "body", (struct xj_str){ (size_t)bl, b64 });
		yajl_gen_map_close(g);
		if (m->again)
			xj_log(XJ_LOG_WARN, "exchange_outbox_redelivered", "%s%s%u", "receiver",
			    p->receiver, "message_id", m->message_id, "offered", m->offered + 1);
	}
	yajl_gen_array_close(g);
	xj_gen_int(g, "next", (long long)next);
	xj_gen_bool(g, "more", p->more);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

struct ack {
	struct xj_req		*r;
	const char		*receiver;
	unsigned long long	 upto, acked;
	int			 unknown;
};

static int
ack_tx(struct xj_db *db, void *arg)
{
	struct ack *k = arg;
	char after[96];
	int rc;

	k->unknown = 0;
	rc = xj_xoutbox_ack_upto(db, k->receiver, k->upto, &k->acked);
	if (rc == XJ_NO_ROW) {
		k->unknown = 1;
		return XJ_OK;
	}
	if (rc != XJ_OK)
		return rc;
	snprintf(after, sizeof(after), "{\"upto\":%llu,\"acknowledged_upto\":%llu}", k->upto,
	    k->acked);
	return audit(db, k->r, "exchange.ack", k->receiver, after);
}

int
xj_exchange_ack(struct xj_req *r)
{
	static const struct xj_json_limits lim = { 4, 16, 64 };
	const struct xj_json *j, *u;
	struct ack k;
	yajl_gen g;
	int rc;

	memset(&k, 0, sizeof(k));
	k.r = r;
	if ((k.receiver = receiver_of(r)) == NULL)
		return XJ_E_X_SIG_INVALID;
	if (xj_json_parse(r->arena, r->body.p, r->body.len, &lim, (struct xj_json **)&j,
	    NULL) != XJ_OK || j->type != XJ_J_OBJ || (u = xj_json_get(j, "upto")) == NULL ||
	    u->type != XJ_J_NUM || cursor(u->s, &k.upto) != 0 || k.upto == 0)
		return XJ_E_VALIDATION;	/* the refuse hook: a receipt */
	if ((rc = xj_tx_run(r->db, ack_tx, &k)) != XJ_OK)
		return rc;
	if (k.unknown)
		return XJ_E_X_CURSOR_UNKNOWN;
	xj_log(XJ_LOG_INFO, "exchange_outbox_acked", "%s%lld", "receiver", k.receiver,
	    "upto", (long long)k.acked);
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_int(g, "acknowledged_upto", (long long)k.acked);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
