/* xmlin.c -- the hardened reading of one inbound message (see xmlin.h for
 * the rules). libxml2 2.9 (Debian 12) has no per-context amplification
 * limit (xmlCtxtSetMaxAmplification came in 2.11) and no option refusing
 * a DTD; both are unnecessary here because the parser is stopped at the
 * DOCTYPE itself, before any declaration is read. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "core/err.h"
#include "domain/idnum.h"
#include "xmlin.h"

static xmlSchemaPtr schema;

/* what the parser callbacks see (ctxt->_private) */
struct pstate {
	const struct xj_xml_limits	*lim;
	int				 depth;
	size_t				 run;		/* bytes of the current text run */
	size_t				 nodes;		/* elements and text runs so far */
	int				 refused;	/* XJ_E_X_DOCTYPE / XJ_E_X_LIMIT */
	struct xj_xml_where		*where;
};

static void
where_set(struct xj_xml_where *w, int line, const xmlChar *name)
{
	if (w == NULL || w->line)
		return;
	w->line = line;
	snprintf(w->element, sizeof(w->element), "%s", name ? (const char *)name : "");
}

static void
stop(xmlParserCtxtPtr ctxt, int why)
{
	struct pstate *ps = ctxt->_private;

	if (!ps->refused)
		ps->refused = why;
	where_set(ps->where, xmlSAX2GetLineNumber(ctxt), ctxt->name);
	xmlStopParser(ctxt);
}

/* <!DOCTYPE name ...: called before the internal subset is read */
static void
on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	stop(ctx, XJ_E_X_DOCTYPE);
}

/* declarations can only come from a DTD; refuse them too (belt and braces) */
static void
on_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
    const xmlChar *sys, xmlChar *content)
{
	(void)name, (void)type, (void)pub, (void)sys, (void)content;
	stop(ctx, XJ_E_X_DOCTYPE);
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **nss, int nattr, int ndef, const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct pstate *ps = ctxt->_private;

	ps->run = 0;
	if (++ps->depth > ps->lim->max_depth || ++ps->nodes > ps->lim->max_nodes) {
		stop(ctxt, XJ_E_X_LIMIT);
		return;
	}
	/* an attribute's value is text too: (localname, prefix, URI,
	 * value, end) per attribute */
	for (int i = 0; i < nattr; i++)
		if ((size_t)(attrs[i * 5 + 4] - attrs[i * 5 + 3]) > ps->lim->text_max) {
			stop(ctxt, XJ_E_X_LIMIT);
			return;
		}
	xmlSAX2StartElementNs(ctx, local, prefix, uri, nns, nss, nattr, ndef, attrs);
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct pstate *ps = ctxt->_private;

	ps->run = 0;
	ps->depth--;
	xmlSAX2EndElementNs(ctx, local, prefix, uri);
}

static void
on_chars(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct pstate *ps = ctxt->_private;

	if ((ps->run == 0 && ++ps->nodes > ps->lim->max_nodes) ||
	    (ps->run += (size_t)len) > ps->lim->text_max) {
		stop(ctxt, XJ_E_X_LIMIT);
		return;
	}
	xmlSAX2Characters(ctx, ch, len);
}

/* comments and processing instructions are nodes of the tree too: a
 * million empty comments would be a tree as large as a million elements */
static int
count_node(xmlParserCtxtPtr ctxt)
{
	struct pstate *ps = ctxt->_private;

	ps->run = 0;
	if (++ps->nodes > ps->lim->max_nodes) {
		stop(ctxt, XJ_E_X_LIMIT);
		return 0;
	}
	return 1;
}

static void
on_comment(void *ctx, const xmlChar *value)
{
	if (count_node(ctx))
		xmlSAX2Comment(ctx, value);
}

static void
on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	if (count_node(ctx))
		xmlSAX2ProcessingInstruction(ctx, target, data);
}

/* libxml2's errors are counted, never printed (they may quote input) */
static void
on_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = ctx;

	if (ctxt != NULL && ctxt->_private != NULL && e != NULL && e->level >= XML_ERR_ERROR)
		where_set(((struct pstate *)ctxt->_private)->where, e->line, NULL);
}

static void
quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx, (void)msg;
}

static void
quiet_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx, (void)e;
}

/* schema errors: the line and the element's name, never the value */
static void
on_schema_error(void *ctx, xmlErrorPtr e)
{
	struct xj_xml_where *w = ctx;

	if (e == NULL || w == NULL || w->line)
		return;
	w->line = e->line;
	if (e->node != NULL && ((xmlNodePtr)e->node)->type == XML_ELEMENT_NODE)
		snprintf(w->element, sizeof(w->element), "%s", (const char *)((xmlNodePtr)e->node)->name);
}

int
xj_xmlin_init(const char *dir, char *err, size_t errlen)
{
	xmlSchemaParserCtxtPtr pc;
	char path[1024];

	xmlInitParser();
	/* the defaults for every thread created from now on, and this one */
	xmlThrDefSetGenericErrorFunc(NULL, quiet_generic);
	xmlThrDefSetStructuredErrorFunc(NULL, quiet_structured);
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
	snprintf(path, sizeof(path), "%s/exchange.xsd", dir);
	if ((pc = xmlSchemaNewParserCtxt(path)) == NULL) {
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (schema == NULL) {
		snprintf(err, errlen, "%s: not a valid XSD (check with xmllint --schema)", path);
		return -1;
	}
	return 0;
}

void
xj_xmlin_fini(void)
{
	if (schema != NULL)
		xmlSchemaFree(schema);
	schema = NULL;
	xmlCleanupParser();
}

int
xj_xmlin_ready(void)
{
	return schema != NULL;
}

/* the loaded schema, shared read-only (the streaming reader, batchw.c) */
void *
xj_xmlin_schema(void)
{
	return schema;
}

static int
is_ours(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    strcmp((const char *)n->ns->href, XJ_XMSG_NS) == 0 &&
	    (name == NULL || strcmp((const char *)n->name, name) == 0);
}

xmlNodePtr
xj_xml_child(xmlNodePtr parent, xmlNodePtr prev, const char *name)
{
	for (xmlNodePtr n = prev ? prev->next : parent->children; n != NULL; n = n->next)
		if (is_ours(n, name))
			return n;
	return NULL;
}

int
xj_xml_text(xmlNodePtr n, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (xmlNodePtr c = n ? n->children : NULL; c != NULL; c = c->next) {
		size_t l;
		if (c->type != XML_TEXT_NODE || c->content == NULL)
			continue;
		l = strlen((const char *)c->content);
		if (len + l >= cap)
			return -1;
		memcpy(out + len, c->content, l);
		len += l;
		out[len] = '\0';
	}
	return 0;
}

int
xj_xml_date(xmlNodePtr n, char out[11])
{
	char t[32];
	size_t len;
	int y, m, d;

	out[0] = '\0';
	if (xj_xml_text(n, t, sizeof(t)) != 0 || (len = strlen(t)) < 10 ||
	    (len > 10 && t[10] != 'Z' && t[10] != '+' && t[10] != '-') ||
	    xj_date_parse((struct xj_str){ 10, t }, &y, &m, &d) != XJ_OK)
		return XJ_E_F_DATE;
	memcpy(out, t, 10);
	out[10] = '\0';
	return XJ_OK;
}

int
xj_xml_attr(xmlNodePtr n, const char *name, char *out, size_t cap)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	int rc = -1;

	if (v != NULL && strlen((const char *)v) < cap) {
		memcpy(out, v, strlen((const char *)v) + 1);
		rc = 0;
	}
	xmlFree(v);
	return rc;
}

/* The header's elements (schema-valid: each present and bounded). */
static int
read_header(struct xj_xmsg *m)
{
	xmlNodePtr root = xmlDocGetRootElement(m->doc);
	xmlNodePtr h = xj_xml_child(root, NULL, "Header");
	xmlNodePtr b = xj_xml_child(root, NULL, "Body");

	if (h == NULL || b == NULL ||
	    xj_xml_text(xj_xml_child(h, NULL, "MessageId"), m->id, sizeof(m->id)) != 0 ||
	    xj_xml_text(xj_xml_child(h, NULL, "MessageType"), m->type, sizeof(m->type)) != 0 ||
	    xj_xml_text(xj_xml_child(h, NULL, "Sender"), m->sender, sizeof(m->sender)) != 0 ||
	    xj_xml_text(xj_xml_child(h, NULL, "Receiver"), m->receiver, sizeof(m->receiver)) != 0 ||
	    xj_xml_text(xj_xml_child(h, NULL, "Created"), m->created, sizeof(m->created)) != 0 ||
	    xj_xml_text(xj_xml_child(h, NULL, "CorrelationId"), m->correlation,
	    sizeof(m->correlation)) != 0)
		return XJ_E_X_SCHEMA;
	if ((m->payload = xj_xml_child(b, NULL, NULL)) == NULL)
		return XJ_E_X_SCHEMA;
	/* XSD 1.0 cannot tie MessageType to the payload's name */
	if (strcmp((const char *)m->payload->name, m->type) != 0)
		return XJ_E_X_TYPE_MISMATCH;
	return XJ_OK;
}

/* Skip from p to just past the end marker, or to the end. */
static size_t
skip_to(const char *buf, size_t len, size_t p, const char *end)
{
	const char *e = memmem(buf + p, len - p, end, strlen(end));

	return e ? (size_t)(e - buf) + strlen(end) : len;
}

/* The most '=' outside quotes in one tag (start or end tag), on the raw
 * bytes: comments, CDATA and processing instructions are skipped. O(n);
 * what is not XML is left to the parser, this only bounds it. */
static int
too_many_attrs(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *lt = memchr(buf + i, '<', len - i);
		int eq = 0;
		char q = 0;

		if (lt == NULL)
			break;
		i = (size_t)(lt - buf);
		if (len - i >= 4 && memcmp(lt, "<!--", 4) == 0) {
			i = skip_to(buf, len, i + 4, "-->");
			continue;
		}
		if (len - i >= 9 && memcmp(lt, "<![CDATA[", 9) == 0) {
			i = skip_to(buf, len, i + 9, "]]>");
			continue;
		}
		if (len - i >= 2 && lt[1] == '?') {
			i = skip_to(buf, len, i + 2, "?>");
			continue;
		}
		for (i++; i < len; i++) {
			char c = buf[i];
			if (q) {
				if (c == q)
					q = 0;
			} else if (c == '"' || c == '\'')
				q = c;
			else if (c == '=') {
				if (++eq > XJ_XML_MAX_ATTRS)
					return 1;
			} else if (c == '>')
				break;
		}
	}
	return 0;
}

/* The body can only be read as UTF-8: an optional UTF-8 byte-order mark,
 * then '<' or white space first (so libxml2's detection from the first
 * four bytes finds UTF-8 or nothing, never UTF-16, UCS-4 or EBCDIC), and
 * no NUL byte anywhere (none is allowed in XML). The declaration's
 * encoding is ignored (XML_PARSE_IGNORE_ENC). */
static int
utf8_only(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		p += 3;
		len -= 3;
	}
	if (len == 0 || !(p[0] == '<' || p[0] == ' ' || p[0] == '\t' || p[0] == '\n' ||
	    p[0] == '\r'))
		return 0;
	return memchr(p, '\0', len) == NULL;
}

int
xj_xmlin_read(const char *buf, size_t len, const struct xj_xml_limits *lim, int validate,
    struct xj_xmsg *m, struct xj_xml_where *where)
{
	struct pstate ps = { lim, 0, 0, 0, 0, where };
	xmlParserCtxtPtr ctxt;
	xmlNodePtr root;
	int rc;

	memset(m, 0, sizeof(*m));
	if (where != NULL)
		memset(where, 0, sizeof(*where));
	if (len > (size_t)0x7fffffff)
		return XJ_E_X_TOO_LARGE;
	if (!utf8_only(buf, len))
		return XJ_E_X_MALFORMED;
	if (too_many_attrs(buf, len))
		return XJ_E_X_LIMIT;
	/* per thread: worker threads may predate xj_xmlin_init's defaults */
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return XJ_E_INTERNAL;
	ctxt->_private = &ps;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->externalSubset = on_doctype;
	ctxt->sax->entityDecl = on_entity;
	ctxt->sax->startElementNs = on_start;
	ctxt->sax->endElementNs = on_end;
	ctxt->sax->characters = on_chars;
	ctxt->sax->ignorableWhitespace = on_chars;
	ctxt->sax->comment = on_comment;
	ctxt->sax->processingInstruction = on_pi;
	ctxt->sax->serror = on_error;
	/* NONET; never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE.
	 * NOCDATA: CDATA sections arrive as characters, counted above.
	 * UTF-8 forced (and utf8_only() checked the first bytes), the
	 * declaration's encoding ignored. libxml2 2.9 copies the buffer
	 * here; reading it in place (xmlParserInputBufferCreateStatic)
	 * truncates inputs longer than its first chunk in 2.9.14. */
	m->doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_IGNORE_ENC);
	if (ps.refused)
		rc = ps.refused;
	else if (m->doc == NULL || !ctxt->wellFormed)
		rc = XJ_E_X_MALFORMED;
	else
		rc = XJ_OK;
	xmlFreeParserCtxt(ctxt);
	if (rc != XJ_OK)
		goto out;
	root = xmlDocGetRootElement(m->doc);
	if (!is_ours(root, "Message")) {
		rc = XJ_E_X_VERSION;
		goto out;
	}
	/* a major version other than ours in our namespace is a version
	 * error too, not a schema one (the XSD would say only "pattern") */
	{
		char v[16];
		if (xj_xml_attr(root, "schemaVersion", v, sizeof(v)) == 0 &&
		    strncmp(v, "1.", 2) != 0) {
			rc = XJ_E_X_VERSION;
			goto out;
		}
	}
	if (validate) {
		xmlSchemaValidCtxtPtr vc;
		struct xj_xml_where scratch;
		if (schema == NULL || (vc = xmlSchemaNewValidCtxt(schema)) == NULL) {
			rc = XJ_E_INTERNAL;
			goto out;
		}
		xmlSchemaSetValidStructuredErrors(vc, on_schema_error, where ? where : &scratch);
		memset(&scratch, 0, sizeof(scratch));
		rc = xmlSchemaValidateDoc(vc, m->doc) == 0 ? XJ_OK : XJ_E_X_SCHEMA;
		xmlSchemaFreeValidCtxt(vc);
		if (rc != XJ_OK)
			goto out;
	}
	rc = read_header(m);
out:
	if (rc != XJ_OK)
		xj_xmlin_free(m);
	return rc;
}

void
xj_xmlin_free(struct xj_xmsg *m)
{
	if (m->doc != NULL)
		xmlFreeDoc(m->doc);
	m->doc = NULL;
	m->payload = NULL;
}
