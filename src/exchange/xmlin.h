/* xmlin.h -- reading one inbound exchange message (issue 13 item 3,
 * docs/security.md "XML hardening"): libxml2 over the exact signed bytes,
 * with
 *
 *   - no DOCTYPE at all: the parser stops the moment it meets one, before
 *     the internal subset is read, so no DTD, no entity declaration, no
 *     external entity (XXE) and no entity expansion (billion laughs) can
 *     ever be processed; XML_PARSE_NOENT and XML_PARSE_DTDLOAD are never
 *     set, XML_PARSE_NONET always is;
 *   - the document's encoding forced to UTF-8;
 *   - at most XJ_XML_MAX_ATTRS attributes in a tag, counted on the raw
 *     bytes first (libxml2 2.9's duplicate check is quadratic);
 *   - a depth limit (elements open at once), a limit on one run of
 *     character data and on the number of nodes, checked while parsing,
 *     so a 100k-deep nesting, a huge text node or millions of empty
 *     elements stop at the limit instead of being built (the tree of
 *     xml_max_nodes nodes is what bounds the memory of one message);
 *   - then the root checked (Message in urn:xueji:exchange:1, else
 *     another version) and the document validated against the XSD,
 *     loaded once at start and shared read-only by every thread (each
 *     validation has its own context: libxml2's thread-safe use).
 *
 * libxml2's own error output is never printed: errors are caught per
 * context, and what a receipt says (line, element name) never quotes the
 * input's values. */
#ifndef XJ_XMLIN_H
#define XJ_XMLIN_H

#include <stddef.h>

#include <libxml/tree.h>

#define XJ_XMSG_ID_MAX		64
#define XJ_XMSG_ORG_MAX		16
#define XJ_XMSG_TYPE_MAX	32
#define XJ_XMSG_NS		"urn:xueji:exchange:1"

struct xj_xml_limits {
	int	 max_depth;	/* [exchange] xml_max_depth */
	size_t	 text_max;	/* [exchange] xml_text_max: bytes of one text run */
	size_t	 max_nodes;	/* [exchange] xml_max_nodes: elements, text runs,
				 * comments and processing instructions */
};

/* Attributes (and namespace declarations) of one tag at most: libxml2
 * 2.9 checks an element's attributes for duplicates pairwise, so 50,000
 * of them cost it half a minute of CPU; the XSD needs 3. Counted on the
 * raw bytes before the parser runs. */
#define XJ_XML_MAX_ATTRS	32

/* Where a refusal happened, for the receipt (no input values). */
struct xj_xml_where {
	int	 line;
	char	 element[48];
};

/* The header of a read message. */
struct xj_xmsg {
	xmlDocPtr	 doc;
	char		 id[XJ_XMSG_ID_MAX + 1];
	char		 type[XJ_XMSG_TYPE_MAX + 1];
	char		 sender[XJ_XMSG_ORG_MAX + 1];
	char		 receiver[XJ_XMSG_ORG_MAX + 1];
	char		 created[32];
	char		 correlation[XJ_XMSG_ID_MAX + 1];	/* "" when absent */
	xmlNodePtr	 payload;	/* Body's one child */
};

/* Once, in the main thread before any other: xmlInitParser and the
 * schema (dir/exchange.xsd). 0 or -1 with err. */
int	xj_xmlin_init(const char *xsd_dir, char *err, size_t errlen);
void	xj_xmlin_fini(void);
/* 1 when a schema is loaded. */
int	xj_xmlin_ready(void);
/* The loaded xmlSchemaPtr (NULL: none), for the streaming reader of
 * large batches (batchw.c): one schema for every reader. */
void	*xj_xmlin_schema(void);

/* Parse, check the root, validate, read the header. XJ_OK with m filled
 * (free with xj_xmlin_free), or XJ_E_X_MALFORMED, XJ_E_X_DOCTYPE,
 * XJ_E_X_LIMIT, XJ_E_X_VERSION, XJ_E_X_SCHEMA, XJ_E_X_TYPE_MISMATCH,
 * XJ_E_INTERNAL, with where filled when known. validate 0 skips the
 * schema (the fuzz target without the files). */
int	xj_xmlin_read(const char *buf, size_t len, const struct xj_xml_limits *,
	    int validate, struct xj_xmsg *m, struct xj_xml_where *where);
void	xj_xmlin_free(struct xj_xmsg *);

/* Children of a node in our namespace: the first element named name
 * after prev (NULL: from the first child), or NULL. */
xmlNodePtr	xj_xml_child(xmlNodePtr parent, xmlNodePtr prev, const char *name);
/* An element's text into out (at most cap-1 bytes; longer: -1), 0. */
int		xj_xml_text(xmlNodePtr, char *out, size_t cap);
/* An attribute's value into out, 0; -1 when absent or too long. */
int		xj_xml_attr(xmlNodePtr, const char *name, char *out, size_t cap);
/* The text of an xs:date element as our dates are, "YYYY-MM-DD" into
 * out: a zone after the date (schema-valid: "Z", "+08:00") is dropped --
 * a birth date has none; a year with a sign or five digits, or not a
 * real date, is XJ_E_F_DATE. XJ_OK. (review R3, R10) */
int		xj_xml_date(xmlNodePtr, char out[11]);

#endif
