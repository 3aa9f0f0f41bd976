/* batchw.c -- the StudentBatch writer and streaming reader (see
 * batchw.h). The reader never holds more than the reader's window and
 * one record: the XSD is checked by libxml2's streaming validator
 * (xmlTextReaderSetSchema, the schema xmlin.c loaded), and a record is
 * handed on only when it is complete and everything read so far is
 * valid. What the tree reader (xmlin.c) refuses is refused here too, on
 * the raw bytes before the parser sees them: a DOCTYPE or ENTITY
 * declaration ("<!D", "<!E": our writer never writes CDATA, so these
 * bytes are never data), more than XJ_XML_MAX_ATTRS attributes in a tag;
 * while parsing: depth over xml_max_depth, a text run over xml_text_max. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "core/err.h"
#include "domain/window.h"
#include "batchw.h"

#define W(x)	do { if ((x) < 0) return -1; } while (0)

int
xj_xdoc_number_ok(const char *s, size_t n)
{
	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int
xj_xmsg_new_id(const char *org, char tag, char id[XJ_XMSG_ID_MAX + 1], char created[26])
{
	unsigned char rnd[8];

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd) ||
	    xj_datetime_format_local((long long)time(NULL), created) != XJ_OK)
		return -1;
	snprintf(id, XJ_XMSG_ID_MAX + 1, "%s-%c-%02x%02x%02x%02x%02x%02x%02x%02x", org, tag,
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	return 0;
}

int
xj_xmsg_begin(xmlTextWriterPtr w, const struct xj_xhdr *h, const char *type)
{
	W(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	W(xmlTextWriterStartElement(w, BAD_CAST "Message"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST XJ_XMSG_NS));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "schemaVersion", BAD_CAST "1.0"));
	W(xmlTextWriterStartElement(w, BAD_CAST "Header"));
	W(xmlTextWriterWriteElement(w, BAD_CAST "MessageId", BAD_CAST h->id));
	W(xmlTextWriterWriteElement(w, BAD_CAST "MessageType", BAD_CAST type));
	W(xmlTextWriterWriteElement(w, BAD_CAST "Sender", BAD_CAST h->sender));
	W(xmlTextWriterWriteElement(w, BAD_CAST "Receiver", BAD_CAST h->receiver));
	W(xmlTextWriterWriteElement(w, BAD_CAST "Created", BAD_CAST h->created));
	if (h->correlation != NULL && h->correlation[0])
		W(xmlTextWriterWriteElement(w, BAD_CAST "CorrelationId",
		    BAD_CAST h->correlation));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterStartElement(w, BAD_CAST "Body"));
	W(xmlTextWriterStartElement(w, BAD_CAST type));
	return 0;
}

int
xj_xbatch_begin(xmlTextWriterPtr w, const struct xj_xhdr *h, unsigned part, unsigned parts)
{
	W(xj_xmsg_begin(w, h, "StudentBatch"));
	if (parts > 1) {
		W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "part", "%u", part));
		W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "parts", "%u", parts));
	}
	return 0;
}

static int
opt(xmlTextWriterPtr w, const char *name, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return 0;
	return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST v);
}

int
xj_xbatch_record(xmlTextWriterPtr w, const struct xj_xbrec *r)
{
	W(xmlTextWriterStartElement(w, BAD_CAST "Record"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "ref", BAD_CAST r->ref));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "action", BAD_CAST r->action));
	W(xj_xstudent_write(w, r, NULL, 0));
	W(xmlTextWriterEndElement(w));
	return 0;
}

int
xj_xstudent_write(xmlTextWriterPtr w, const struct xj_xbrec *r, const struct xj_xguardian *g,
    int ng)
{
	W(xmlTextWriterStartElement(w, BAD_CAST "Student"));
	W(xmlTextWriterWriteElement(w, BAD_CAST "StudentNo", BAD_CAST r->student_no));
	W(xmlTextWriterWriteElement(w, BAD_CAST "Name", BAD_CAST r->name));
	W(xmlTextWriterWriteElement(w, BAD_CAST "Sex", BAD_CAST r->sex));
	W(xmlTextWriterWriteElement(w, BAD_CAST "BirthDate", BAD_CAST r->birth));
	W(xmlTextWriterWriteElement(w, BAD_CAST "IdDocType", BAD_CAST r->doc_type));
	/* none for a child without a document (type Z): the element is left
	 * out, never written empty */
	W(opt(w, "IdNumber", r->id_number));
	W(opt(w, "Ethnicity", r->ethnicity));
	W(opt(w, "Nationality", r->nationality));
	W(opt(w, "HukouCode", r->hukou_code));
	W(xmlTextWriterWriteElement(w, BAD_CAST "SchoolCode", BAD_CAST r->school_code));
	W(xmlTextWriterWriteElement(w, BAD_CAST "County", BAD_CAST r->county));
	W(xmlTextWriterWriteFormatElement(w, BAD_CAST "EntryYear", "%04d", r->entry_year));
	W(xmlTextWriterWriteFormatElement(w, BAD_CAST "Level", "%d", r->level));
	W(xmlTextWriterWriteElement(w, BAD_CAST "Status", BAD_CAST r->status));
	for (int i = 0; i < ng; i++) {
		W(xmlTextWriterStartElement(w, BAD_CAST "Guardian"));
		W(xmlTextWriterWriteElement(w, BAD_CAST "Relation", BAD_CAST g[i].relation));
		W(xmlTextWriterWriteElement(w, BAD_CAST "Name", BAD_CAST g[i].name));
		W(opt(w, "IdDocType", g[i].doc_type));
		W(opt(w, "IdNumber", g[i].id_number));
		W(xmlTextWriterEndElement(w));
	}
	W(xmlTextWriterEndElement(w));
	return 0;
}

int
xj_xbatch_end(xmlTextWriterPtr w)
{
	W(xmlTextWriterEndDocument(w));
	W(xmlTextWriterFlush(w));
	return 0;
}

/* ---- the streaming reader ---------------------------------------------- */

/* the raw-byte guard between the file and the parser */
struct feed {
	int		 fd;
	int		 refused;	/* XJ_E_X_DOCTYPE, XJ_E_X_LIMIT */
	char		 prev[2];	/* the last two bytes of the previous chunk */
	int		 in_tag, attrs;
	char		 quote;
};

static int
feed_read(void *arg, char *buf, int len)
{
	struct feed *f = arg;
	ssize_t n;

	do
		n = read(f->fd, buf, (size_t)len);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? 0 : -1;
	for (ssize_t i = 0; i < n; i++) {
		char c = buf[i];
		char p1 = i >= 1 ? buf[i - 1] : f->prev[1];
		char p2 = i >= 2 ? buf[i - 2] : i == 1 ? f->prev[1] : f->prev[0];
		if (p2 == '<' && p1 == '!' && (c == 'D' || c == 'E')) {
			f->refused = XJ_E_X_DOCTYPE;
			return -1;
		}
		if (f->quote) {
			if (c == f->quote)
				f->quote = 0;
		} else if (c == '<') {
			f->in_tag = 1;
			f->attrs = 0;
		} else if (f->in_tag && (c == '"' || c == '\'')) {
			f->quote = c;
		} else if (f->in_tag && c == '=') {
			if (++f->attrs > XJ_XML_MAX_ATTRS) {
				f->refused = XJ_E_X_LIMIT;
				return -1;
			}
		} else if (c == '>')
			f->in_tag = 0;
	}
	if (n >= 2) {
		f->prev[0] = buf[n - 2];
		f->prev[1] = buf[n - 1];
	} else {
		f->prev[0] = f->prev[1];
		f->prev[1] = buf[0];
	}
	return (int)n;
}

static int
feed_close(void *arg)
{
	(void)arg;
	return 0;
}

struct rstate {
	int			 err;		/* first error */
	int			 parse;		/* first parser (not schema) error */
	struct xj_xml_where	*where;
};

static void
on_error(void *arg, xmlErrorPtr e)
{
	struct rstate *st = arg;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	/* a parser error wins over the schema's (a truncated stream also
	 * misses elements): the first of each kind is kept */
	if (e->domain != XML_FROM_SCHEMASV && st->parse == XJ_OK)
		st->parse = XJ_E_X_MALFORMED;
	if (st->err != XJ_OK)
		return;
	st->err = e->domain == XML_FROM_SCHEMASV ? XJ_E_X_SCHEMA : XJ_E_X_MALFORMED;
	if (st->where != NULL) {
		st->where->line = e->line;
		/* an element's name only, never a value */
		if (e->node != NULL && ((xmlNodePtr)e->node)->type == XML_ELEMENT_NODE)
			snprintf(st->where->element, sizeof(st->where->element), "%s",
			    (const char *)((xmlNodePtr)e->node)->name);
	}
}

/* the record being read: its fields' text, bounded */
#define FIELD_MAX	256
struct rec {
	struct xj_xbrec	 r;
	char		 f[16][FIELD_MAX];
};

static const char *const FIELDS[] = { "StudentNo", "Name", "Sex", "BirthDate", "IdDocType",
	"IdNumber", "Ethnicity", "Nationality", "HukouCode", "SchoolCode", "County",
	"EntryYear", "Level", "Status", "ref", "action" };

static void
rec_reset(struct rec *c)
{
	for (size_t i = 0; i < 16; i++)
		c->f[i][0] = '\0';
}

static void
rec_finish(struct rec *c)
{
	struct xj_xbrec *r = &c->r;

	r->student_no = c->f[0]; r->name = c->f[1]; r->sex = c->f[2]; r->birth = c->f[3];
	r->doc_type = c->f[4]; r->id_number = c->f[5]; r->ethnicity = c->f[6];
	r->nationality = c->f[7]; r->hukou_code = c->f[8]; r->school_code = c->f[9];
	r->county = c->f[10]; r->entry_year = atoi(c->f[11]); r->level = atoi(c->f[12]);
	r->status = c->f[13]; r->ref = c->f[14]; r->action = c->f[15];
}

static int
field_of(const char *name)
{
	for (int i = 0; i < 14; i++)
		if (strcmp(FIELDS[i], name) == 0)
			return i;
	return -1;
}

int
xj_xbatch_read_fd(int fd, const struct xj_xml_limits *lim,
    int (*fn)(const struct xj_xbrec *, void *), void *arg, unsigned long long *count,
    struct xj_xml_where *where)
{
	struct feed f = { .fd = fd };
	struct rstate st = { XJ_OK, XJ_OK, where };
	struct rec *cur = NULL;
	xmlTextReaderPtr rd;
	char mtype[XJ_XMSG_TYPE_MAX + 1] = "";
	int rc = XJ_OK, ret, field = -1, in_type = 0, in_body = 0;

	*count = 0;
	if (where != NULL)
		memset(where, 0, sizeof(*where));
	if (xj_xmlin_schema() == NULL)
		return XJ_E_INTERNAL;
	if ((cur = calloc(1, sizeof(*cur))) == NULL)
		return XJ_E_INTERNAL;
	/* no NOENT, no DTDLOAD: entities are never substituted, nothing is
	 * fetched (NONET); the raw guard refuses a DOCTYPE before that */
	rd = xmlReaderForIO(feed_read, feed_close, &f, NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (rd == NULL) {
		free(cur);
		return XJ_E_INTERNAL;
	}
	xmlTextReaderSetStructuredErrorHandler(rd, on_error, &st);
	if (xmlTextReaderSetSchema(rd, (xmlSchemaPtr)xj_xmlin_schema()) != 0) {
		rc = XJ_E_INTERNAL;
		goto out;
	}
	while ((ret = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		int depth = xmlTextReaderDepth(rd);
		const char *name = (const char *)xmlTextReaderConstLocalName(rd);

		if (depth > lim->max_depth) {
			rc = XJ_E_X_LIMIT;
			goto out;
		}
		/* the root's version is checked before the schema's verdict on
		 * it: another version is unknown_version, not a violation */
		if (st.err != XJ_OK && !(depth == 0 && type == XML_READER_TYPE_ELEMENT))
			break;
		switch (type) {
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE:
			rc = XJ_E_X_DOCTYPE;
			goto out;
		case XML_READER_TYPE_ELEMENT:
			if (depth == 0) {
				const char *ns = (const char *)xmlTextReaderConstNamespaceUri(rd);
				xmlChar *v = xmlTextReaderGetAttribute(rd, BAD_CAST "schemaVersion");
				int ok = ns != NULL && strcmp(ns, XJ_XMSG_NS) == 0 &&
				    strcmp(name, "Message") == 0 && v != NULL &&
				    strncmp((const char *)v, "1.", 2) == 0;
				xmlFree(v);
				if (!ok) {
					rc = XJ_E_X_VERSION;
					goto out;
				}
			} else if (depth == 2 && strcmp(name, "MessageType") == 0) {
				in_type = 1;
			} else if (depth == 1) {
				in_body = strcmp(name, "Body") == 0;
			} else if (depth == 2 && in_body) {
				/* Body's payload: the header's type, and ours to read */
				if (strcmp(name, mtype) != 0) {
					rc = XJ_E_X_TYPE_MISMATCH;
					goto out;
				}
				if (strcmp(name, "StudentBatch") != 0) {
					rc = XJ_E_X_TYPE_NOT_ACCEPTED;
					goto out;
				}
			} else if (depth == 3 && strcmp(name, "Record") == 0) {
				xmlChar *a;
				rec_reset(cur);
				if ((a = xmlTextReaderGetAttribute(rd, BAD_CAST "ref")) != NULL)
					snprintf(cur->f[14], FIELD_MAX, "%s", (const char *)a);
				xmlFree(a);
				if ((a = xmlTextReaderGetAttribute(rd, BAD_CAST "action")) != NULL)
					snprintf(cur->f[15], FIELD_MAX, "%s", (const char *)a);
				xmlFree(a);
			} else if (depth == 5)
				field = field_of(name);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
			const char *v = (const char *)xmlTextReaderConstValue(rd);
			size_t n = v ? strlen(v) : 0;
			if (n > lim->text_max) {
				rc = XJ_E_X_LIMIT;
				goto out;
			}
			if (in_type)
				snprintf(mtype, sizeof(mtype), "%s", v ? v : "");
			else if (depth == 6 && field >= 0 && v != NULL)
				snprintf(cur->f[field], FIELD_MAX, "%s", v);
			break;
		}
		case XML_READER_TYPE_END_ELEMENT:
			if (depth == 2)
				in_type = 0;
			if (depth == 5)
				field = -1;
			if (depth == 3 && strcmp(name, "Record") == 0) {
				/* the record's subtree has been validated */
				if (st.err != XJ_OK || xmlTextReaderIsValid(rd) != 1)
					break;
				rec_finish(cur);
				(*count)++;
				if (fn != NULL && (rc = fn(&cur->r, arg)) != 0)
					goto out;
			}
			break;
		default:
			break;
		}
	}
	if (f.refused)
		rc = f.refused;
	else if (st.parse != XJ_OK)
		rc = st.parse;
	else if (st.err != XJ_OK)
		rc = st.err;
	else if (ret != 0)
		rc = XJ_E_X_MALFORMED;
	else if (xmlTextReaderIsValid(rd) != 1)
		rc = XJ_E_X_SCHEMA;
out:
	if (rc != XJ_OK && where != NULL && where->line == 0)
		where->line = xmlTextReaderGetParserLineNumber(rd);
	xmlFreeTextReader(rd);
	free(cur);
	return rc;
}
