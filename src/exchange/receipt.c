/* receipt.c -- the Receipt that answers every inbound message (SIF 3's
 * per-object status; docs/xml/README.md "Receipt"): written from our own
 * codes and the message's record refs only (both pattern-restricted by
 * the XSD), never from a value of the message, and signed with our key
 * over its exact bytes like every message we send. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "domain/window.h"
#include "batchw.h"
#include "exchange.h"

/* SIF 3's categories, narrowed to what the sender does next */
static const struct {
	int		 err;
	const char	*category;
} CATEGORIES[] = {
	{ XJ_E_X_SIG_MISSING, "transport" }, { XJ_E_X_SIG_INVALID, "transport" },
	{ XJ_E_X_TOO_LARGE, "transport" }, { XJ_E_X_MEDIA_TYPE, "transport" },
	{ XJ_E_X_SENDER, "transport" }, { XJ_E_METHOD, "transport" },
	{ XJ_E_X_MALFORMED, "format" }, { XJ_E_X_DOCTYPE, "format" },
	{ XJ_E_X_LIMIT, "format" }, { XJ_E_X_VERSION, "format" },
	{ XJ_E_X_SCHEMA, "format" }, { XJ_E_X_TYPE_MISMATCH, "format" },
	{ XJ_E_X_ID_REUSED, "duplicate" },
	{ XJ_E_X_RECEIVER, "data" }, { XJ_E_X_CORRELATION, "data" },
	{ XJ_E_X_NOT_SENT, "data" }, { XJ_E_X_CURSOR_UNKNOWN, "data" },
	{ XJ_E_X_NC_MISMATCH, "data" }, { XJ_E_X_NC_TAKEN, "data" }, { XJ_E_X_NC_INVALID, "data" },
	{ XJ_E_BAD_QUERY, "format" }, { XJ_E_VALIDATION, "format" },
	{ XJ_E_X_TYPE_NOT_ACCEPTED, "state" },
	/* issue 13 item 7: the transfer messages of a case of ours */
	{ XJ_E_XMOVE_UNKNOWN, "data" }, { XJ_E_XMOVE_STUDENT_MISMATCH, "data" },
	{ XJ_E_XMOVE_STEP, "data" }, { XJ_E_XMOVE_NOT_WAITING, "state" },
	{ XJ_E_XMOVE_RECORD_HERE, "state" },
	/* a Dossier's birth date that is none of ours, a name of spaces, a
	 * number with no document type Z or type Z with a number (xrecv.c) */
	{ XJ_E_F_DATE, "data" }, { XJ_E_F_FUTURE_DATE, "data" }, { XJ_E_F_REQUIRED, "data" },
	{ XJ_E_F_FORMAT, "data" },
};

static const char *
category(int err)
{
	for (size_t i = 0; i < sizeof(CATEGORIES) / sizeof(CATEGORIES[0]); i++)
		if (CATEGORIES[i].err == err)
			return CATEGORIES[i].category;
	return "internal";
}

struct buf {
	char	*p;
	size_t	 len, cap;
	int	 over;
};

static void
put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		b->over = 1;
	else
		b->len += (size_t)n;
}

/* our own texts only (the error table's English), escaped all the same */
static void
put_text(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': put(b, "&lt;"); break;
		case '>': put(b, "&gt;"); break;
		case '&': put(b, "&amp;"); break;
		default: put(b, "%c", *s);
		}
}

static void
put_refusal(struct buf *b, int err, const char *ind, const struct xj_xml_where *w)
{
	const struct xj_errinfo *e = xj_err_info(err);

	put(b, "%s<Refusal>\n%s  <Code>%s</Code>\n%s  <Category>%s</Category>\n%s  <Message>",
	    ind, ind, e->code, ind, category(err), ind);
	put_text(b, e->en);
	if (w != NULL && w->line > 0) {
		/* a line number and an element's name (an XML Name, at
		 * most 47 bytes, escaped): never a value of the message */
		put(b, " (line %d", w->line);
		if (w->element[0]) {
			put(b, ", element ");
			put_text(b, w->element);
		}
		put(b, ")");
	}
	put(b, "</Message>\n%s</Refusal>\n", ind);
}

int
xj_xreceipt_build(struct xj_req *r, struct xj_xreceipt *rc, const char *corr, const char *to,
    const struct xj_xml_where *where)
{
	const struct xj_conf *c = xj_exchange.conf;
	char created[26], id[XJ_XMSG_ID_MAX + 1];
	size_t accepted = 0;
	struct buf b;

	if (xj_xmsg_new_id(c->exchange_org_code, 'r', id, created) != 0)
		return XJ_E_INTERNAL;
	for (size_t i = 0; i < rc->nrec; i++)
		if (rc->rec[i].err == XJ_OK)
			accepted++;
	if (rc->err != XJ_OK)
		rc->status = "refused";
	else if (rc->nrec > 0 && accepted == 0)
		rc->status = "refused";
	else
		rc->status = accepted == rc->nrec ? "accepted" : "partial";
	/* an accepted record is one short line (a ref of at most 40); a
	 * refused one carries its refusal: 20,000 accepted records stay
	 * within the arena */
	b.cap = 2048 + accepted * 96 + (rc->nrec - accepted) * 480;
	b.len = 0;
	b.over = 0;
	if ((b.p = xj_alloc(r->arena, b.cap)) == NULL)
		return XJ_E_TOO_COMPLEX;
	put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<Message xmlns=\"" XJ_XMSG_NS "\" schemaVersion=\"1.0\">\n"
	    "  <Header>\n    <MessageId>%s</MessageId>\n    <MessageType>Receipt</MessageType>\n"
	    "    <Sender>%s</Sender>\n    <Receiver>%s</Receiver>\n    <Created>%s</Created>\n",
	    id, c->exchange_org_code, to ? to : "MOE", created);
	if (corr != NULL && corr[0])
		put(&b, "    <CorrelationId>%s</CorrelationId>\n", corr);
	put(&b, "  </Header>\n  <Body>\n    <Receipt>\n      <Status>%s</Status>\n", rc->status);
	if (rc->err != XJ_OK)
		put_refusal(&b, rc->err, "      ", where);
	for (size_t i = 0; i < rc->nrec; i++) {
		put(&b, "      <Record ref=\"%s\" status=\"%s\"", rc->rec[i].ref,
		    rc->rec[i].err == XJ_OK ? "accepted" : "refused");
		if (rc->rec[i].err == XJ_OK) {
			put(&b, "/>\n");
			continue;
		}
		put(&b, ">\n");
		put_refusal(&b, rc->rec[i].err, "        ", NULL);
		put(&b, "      </Record>\n");
	}
	put(&b, "    </Receipt>\n  </Body>\n</Message>\n");
	if (b.over)
		return XJ_E_INTERNAL;
	rc->xml = b.p;
	rc->len = b.len;
	return XJ_OK;
}

int
xj_xreceipt_http(const struct xj_xreceipt *rc)
{
	if (rc->err != XJ_OK)
		return xj_err_info(rc->err)->status;
	return strcmp(rc->status, "refused") == 0 ? 422 : 200;
}

int
xj_xreceipt_send(struct xj_req *r, const char *xml, size_t len, int http_status)
{
	char hdr[XJ_XSIG_HDR_MAX];

	if (xj_xsign(&xj_exchange.keys.own, xml, len, hdr, sizeof(hdr)) != 0)
		return xj_resp_error(r, XJ_E_INTERNAL, NULL);
	xj_resp_header(r, "Xueji-Signature", hdr);
	if (http_status == 503) {
		/* as every 503 of the API: when to send the same message again */
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", xj_exchange.conf->db_retry_after);
		xj_resp_header(r, "Retry-After", ra);
	}
	return xj_resp_body(r, http_status, "application/xml; charset=utf-8", xml, len);
}
