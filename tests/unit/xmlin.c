/* xmlin.c -- unit tests of the hardened inbound reader (src/exchange/
 * xmlin.h): the examples of docs/xml validate; a DOCTYPE (internal
 * subset, XXE by file and by network, billion laughs) is refused at the
 * DOCTYPE; deep nesting and long text stop at their limits; another
 * namespace is another version; schema and type mismatches. */
#include "config.h"

#include <dirent.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "exchange/xmlin.h"
#include "tap.h"

static const struct xj_xml_limits lim = { 32, 65536, 200000 };

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;

	*len = 0;
	if (f == NULL)
		return NULL;
	b = malloc(1 << 20);
	*len = fread(b, 1, (1 << 20) - 1, f);
	b[*len] = '\0';
	fclose(f);
	return b;
}

static int
rd(const char *s)
{
	struct xj_xmsg m;
	struct xj_xml_where w;
	int rc = xj_xmlin_read(s, strlen(s), &lim, 1, &m, &w);

	xj_xmlin_free(&m);
	return rc;
}

#define HEAD "<Message xmlns=\"urn:xueji:exchange:1\" schemaVersion=\"1.0\"><Header>" \
	"<MessageId>MOE-00000001</MessageId><MessageType>Receipt</MessageType>" \
	"<Sender>MOE</Sender><Receiver>310000</Receiver>" \
	"<Created>2026-12-06T09:00:00+08:00</Created></Header><Body><Receipt>"
#define TAIL "</Receipt></Body></Message>"

int
main(void)
{
	char err[512], path[1024];
	struct xj_xmsg m;
	struct xj_xml_where w;
	size_t len;
	char *buf;
	int rc;

	plan_lazy();
	ok(xj_xmlin_init(XJ_SRCDIR "/docs/xml/v1", err, sizeof(err)) == 0, "the XSDs load (%s)", err);

	snprintf(path, sizeof(path), "%s/docs/xml/examples/check-result.xml", XJ_SRCDIR);
	buf = slurp(path, &len);
	ok(buf != NULL, "example read");
	rc = xj_xmlin_read(buf, len, &lim, 1, &m, &w);
	is_int(rc, XJ_OK, "the CheckResult example validates");
	is_str(m.id, "MOE-20261206-778812", "message id read");
	is_str(m.type, "CheckResult", "type read");
	is_str(m.sender, "MOE", "sender read");
	is_str(m.correlation, "310000-20261206-000001", "correlation read");
	ok(m.payload != NULL && strcmp((const char *)m.payload->name, "CheckResult") == 0,
	    "payload found");
	xj_xmlin_free(&m);
	free(buf);

	/* every example of docs/xml/examples reads: one of each payload */
	{
		DIR *d = opendir(XJ_SRCDIR "/docs/xml/examples");
		struct dirent *e;
		int n = 0;
		while (d != NULL && (e = readdir(d)) != NULL) {
			if (strstr(e->d_name, ".xml") == NULL)
				continue;
			snprintf(path, sizeof(path), "%s/docs/xml/examples/%s", XJ_SRCDIR, e->d_name);
			buf = slurp(path, &len);
			rc = buf ? xj_xmlin_read(buf, len, &lim, 1, &m, &w) : -1;
			is_int(rc, XJ_OK, e->d_name);
			xj_xmlin_free(&m);
			free(buf);
			n++;
		}
		if (d != NULL)
			closedir(d);
		ok(n >= 7, "the examples cover the seven payloads (%d files)", n);
	}
	is_int(rd(HEAD "<Status>accepted</Status>" TAIL), XJ_OK, "a minimal receipt validates");
	is_int(rd("<Message"), XJ_E_X_MALFORMED, "truncated XML is malformed");
	is_int(rd(HEAD "<Status>accepted</Status></Receipt></Body>"), XJ_E_X_MALFORMED,
	    "unclosed root is malformed");
	is_int(rd("<!DOCTYPE Message [<!ENTITY x \"y\">]>" HEAD "<Status>&x;</Status>" TAIL),
	    XJ_E_X_DOCTYPE, "an internal subset is refused at the DOCTYPE");
	is_int(rd("<?xml version=\"1.0\"?><!DOCTYPE Message SYSTEM \"file:///etc/passwd\">" HEAD
	    "<Status>accepted</Status>" TAIL), XJ_E_X_DOCTYPE, "XXE (file) is refused");
	is_int(rd("<!DOCTYPE Message [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]>" HEAD
	    "<Status>&x;</Status>" TAIL), XJ_E_X_DOCTYPE, "XXE (network) is refused");
	is_int(rd("<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><l>&c;</l>"), XJ_E_X_DOCTYPE,
	    "billion laughs is refused at the DOCTYPE");
	is_int(rd(HEAD "<Status>&amp;&#x41;</Status>" TAIL), XJ_E_X_SCHEMA,
	    "predefined and character references still parse (then the schema refuses the value)");
	is_int(rd(HEAD "<Status>&undefined;</Status>" TAIL), XJ_E_X_MALFORMED,
	    "an undeclared entity is malformed");

	/* nesting: 100000 levels stop at the limit */
	{
		size_t n = 100000, k = 0;
		char *d = malloc(n * 7 + 16);
		for (size_t i = 0; i < n; i++)
			k += (size_t)sprintf(d + k, "<a>");
		d[k] = '\0';
		is_int(rd(d), XJ_E_X_LIMIT, "100k-deep nesting stops at the depth limit");
		free(d);
	}
	/* one text run of 8 MiB stops at the text limit */
	{
		size_t n = 8u << 20;
		char *d = malloc(n + 512);
		int k = sprintf(d, HEAD "<Status>");
		memset(d + k, 'a', n);
		strcpy(d + k + n, "</Status>" TAIL);
		is_int(rd(d), XJ_E_X_LIMIT, "an 8 MiB text node stops at the text limit");
		{
			/* the same 8 MiB as an attribute's value */
			char *a = malloc(n + 512);
			int ka = sprintf(a, "<Message xmlns=\"urn:xueji:exchange:1\" schemaVersion=\"");
			memset(a + ka, '1', n);
			strcpy(a + ka + n, "\"/>");
			is_int(rd(a), XJ_E_X_LIMIT, "an 8 MiB attribute value stops at the text limit");
			free(a);
		}
		memcpy(d + k, "<![CDATA[", 9);
		memcpy(d + k + n - 3, "]]>", 3);
		is_int(rd(d), XJ_E_X_LIMIT, "CDATA counts as text");
		free(d);
	}
	/* 8 MiB of empty elements: 2 million nodes would be a 270 MB tree */
	{
		size_t n = 8u << 20;
		char *d = malloc(n + 64);
		struct rusage ru0, ru1;
		size_t k = (size_t)sprintf(d, "<Message xmlns=\"urn:xueji:exchange:1\">");
		while (k + 4 < n)
			k += (size_t)sprintf(d + k, "<R/>");
		d[k] = '\0';
		getrusage(RUSAGE_SELF, &ru0);
		is_int(rd(d), XJ_E_X_LIMIT, "8 MiB of empty elements stop at the node limit");
		getrusage(RUSAGE_SELF, &ru1);
		diag("peak RSS %ld kB -> %ld kB", ru0.ru_maxrss, ru1.ru_maxrss);
#ifdef XJ_SANITIZERS
		/* ASan's redzones and quarantine measure ASan, not the tree */
		ok(1, "# SKIP the tree's size is measured in the plain build");
#else
		ok(ru1.ru_maxrss - ru0.ru_maxrss < 48 * 1024, "the tree stayed under 48 MB (%ld kB more)",
		    ru1.ru_maxrss - ru0.ru_maxrss);
#endif
		free(d);
	}
	/* a million empty comments, then processing instructions: nodes too */
	{
		static const char *const kinds[] = { "<!---->", "<?p?>" };
		for (int i = 0; i < 2; i++) {
			size_t n = 8u << 20, k = 0, l = strlen(kinds[i]);
			char *d = malloc(n + 64);
			k = (size_t)sprintf(d, "<Message xmlns=\"urn:xueji:exchange:1\">");
			while (k + l < n) {
				memcpy(d + k, kinds[i], l);
				k += l;
			}
			d[k] = '\0';
			is_int(rd(d), XJ_E_X_LIMIT, i ? "8 MiB of processing instructions stop at the node limit" :
			    "8 MiB of empty comments stop at the node limit");
			free(d);
		}
	}
	/* 100,000 attributes: libxml2 2.9 would check them pairwise */
	{
		size_t n = 100000, k = 0;
		char *d = malloc(n * 16 + 64);
		k += (size_t)sprintf(d, "<Message xmlns=\"urn:xueji:exchange:1\"");
		for (size_t i = 0; i < n; i++)
			k += (size_t)sprintf(d + k, " a%zu=\"\"", i);
		strcpy(d + k, "/>");
		is_int(rd(d), XJ_E_X_LIMIT, "100,000 attributes are refused before the parser runs");
		free(d);
	}
	is_int(rd("<Message xmlns=\"urn:xueji:exchange:1\" a=\"x=y>z\" b='=' schemaVersion=\"1.0\">"
	    "<!-- = = = = = = = = = = = = = = = = = = = = = = = = = = = = = = = = = = = = -->"
	    "</Message>"), XJ_E_X_SCHEMA, "quoted and commented '=' are not attributes");
	is_int(rd("<Message xmlns=\"urn:xueji:exchange:2\" schemaVersion=\"2.0\"/>"),
	    XJ_E_X_VERSION, "another namespace is another version");
	is_int(rd("<Message schemaVersion=\"1.0\"/>"), XJ_E_X_VERSION, "no namespace: unknown version");
	is_int(rd("<Message xmlns=\"urn:xueji:exchange:1\" schemaVersion=\"2.0\"/>"), XJ_E_X_VERSION,
	    "schemaVersion 2.x in our namespace: unknown version");
	is_int(rd("<Message xmlns=\"urn:xueji:exchange:1\" schemaVersion=\"1.7\"/>"), XJ_E_X_SCHEMA,
	    "a minor version of ours goes on to the XSD");
	rc = xj_xmlin_read(HEAD "<Status>maybe</Status>" TAIL, strlen(HEAD "<Status>maybe</Status>" TAIL),
	    &lim, 1, &m, &w);
	is_int(rc, XJ_E_X_SCHEMA, "a value outside the enumeration is a schema violation");
	is_str(w.element, "Status", "the receipt can name the element");
	ok(w.line > 0, "and the line");
	is_int(rd("<Message xmlns=\"urn:xueji:exchange:1\" schemaVersion=\"1.0\"><Header>"
	    "<MessageId>MOE-00000001</MessageId><MessageType>CheckResult</MessageType>"
	    "<Sender>MOE</Sender><Receiver>310000</Receiver>"
	    "<Created>2026-12-06T09:00:00+08:00</Created></Header><Body><Receipt>"
	    "<Status>accepted</Status>" TAIL), XJ_E_X_TYPE_MISMATCH,
	    "MessageType must name the payload");
	{
		/* not UTF-8: a Latin-1 byte */
		static const char lat[] = HEAD "<Status>accept\xe9</Status>" TAIL;
		is_int(rd(lat), XJ_E_X_MALFORMED, "bytes that are not UTF-8 are malformed");
		static const char decl[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
		    HEAD "<Status>accept\xe9</Status>" TAIL;
		is_int(rd(decl), XJ_E_X_MALFORMED, "a declared other encoding is ignored: still not UTF-8");
		static const char bom[] = "\xef\xbb\xbf" HEAD "<Status>accepted</Status>" TAIL;
		is_int(rd(bom), XJ_OK, "a UTF-8 byte-order mark is fine");
		static const char u16[] = "\xff\xfe<\0M\0";
		is_int(xj_xmlin_read(u16, sizeof(u16) - 1, &lim, 1, &m, &w), XJ_E_X_MALFORMED,
		    "UTF-16 is refused before the parser could switch to it");
		xj_xmlin_free(&m);
		static const char ebc[] = "\x4c\x6f\xa7\x94";
		is_int(rd(ebc), XJ_E_X_MALFORMED, "EBCDIC is refused too");
	}
	xj_xmlin_fini();
	return done_testing();
}
