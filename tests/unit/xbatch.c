/* xbatch.c -- unit tests of the StudentBatch writer and streaming reader
 * (src/exchange/batchw.h, issue 13 item 5): what the writer writes, the
 * streaming reader reads back field for field and the tree reader
 * (xmlin.c) accepts too; a DOCTYPE (billion laughs), a schema violation
 * at the end of a large stream, a truncated stream, deep nesting, a huge
 * text run and a tag of 50,000 attributes are each refused with their
 * code, the large stream in constant memory. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include <libxml/xmlwriter.h>

#include "core/err.h"
#include "exchange/batchw.h"
#include "exchange/xmlin.h"
#include "tap.h"

static const struct xj_xml_limits lim = { 32, 65536, 200000 };

static long
rss_peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
rec_of(unsigned long long i, char ref[24], char idn[20], struct xj_xbrec *e)
{
	snprintf(ref, 24, "s%llu", i);
	snprintf(idn, 20, "31010420190315%04llu", i % 10000);
	*e = (struct xj_xbrec){ ref, "new", "L310104201903150042", "张小明", "M", "2019-03-15",
	    "1", idn, i % 2 ? "01" : "", "中国", "", "3101040001", "310104", "in_school", 2026,
	    1 };
}

/* n records to path; bad: the last record's Sex is not in the XSD */
static int
write_file(const char *path, unsigned long long n, int bad)
{
	struct xj_xhdr h = { "310000-b-unit", "310000", "MOE", "2026-12-06T09:00:00+08:00", NULL };
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
	char ref[24], idn[20];
	int rc = -1;

	if (w == NULL || xj_xbatch_begin(w, &h, 1, 1) != 0)
		goto out;
	for (unsigned long long i = 1; i <= n; i++) {
		struct xj_xbrec e;
		rec_of(i, ref, idn, &e);
		if (bad && i == n)
			e.sex = "Q";
		if (xj_xbatch_record(w, &e) != 0)
			goto out;
	}
	rc = xj_xbatch_end(w);
out:
	if (w)
		xmlFreeTextWriter(w);
	return rc;
}

struct check {
	unsigned long long	 n;
	int			 mismatch;
};

static int
check_rec(const struct xj_xbrec *r, void *arg)
{
	struct check *c = arg;
	char ref[24], idn[20];
	struct xj_xbrec e;

	rec_of(++c->n, ref, idn, &e);
	if (strcmp(r->ref, ref) || strcmp(r->id_number, idn) || strcmp(r->name, e.name) ||
	    strcmp(r->ethnicity, e.ethnicity) || strcmp(r->hukou_code, "") ||
	    r->entry_year != 2026 || r->level != 1 || strcmp(r->action, "new") ||
	    strcmp(r->county, "310104") || strcmp(r->birth, "2019-03-15"))
		c->mismatch++;
	return 0;
}

static int
read_path(const char *path, unsigned long long *n, struct check *c)
{
	struct xj_xml_where w;
	int fd = open(path, O_RDONLY), rc;

	if (fd < 0)
		return -1;
	rc = xj_xbatch_read_fd(fd, &lim, c ? check_rec : NULL, c, n, &w);
	close(fd);
	return rc;
}

static int
read_text(const char *tmp, const char *text, size_t len)
{
	unsigned long long n;
	FILE *f = fopen(tmp, "wb");

	fwrite(text, 1, len, f);
	fclose(f);
	return read_path(tmp, &n, NULL);
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<Message xmlns=\"urn:xueji:exchange:1\" schemaVersion=\"1.0\"><Header>" \
	"<MessageId>310000-b-unit</MessageId><MessageType>StudentBatch</MessageType>" \
	"<Sender>310000</Sender><Receiver>MOE</Receiver>" \
	"<Created>2026-12-06T09:00:00+08:00</Created></Header><Body><StudentBatch>"

int
main(void)
{
	char err[512], tmp[] = "/tmp/xj-xbatch-XXXXXX", path[64], tmp2[80];
	unsigned long long n = 0;
	struct check c = { 0, 0 };
	long before;
	char *big;
	int rc;

	if (mkdtemp(tmp) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/b.xml", tmp);
	snprintf(tmp2, sizeof(tmp2), "%s/t.xml", tmp);
	ok(xj_xmlin_init(XJ_SRCDIR "/docs/xml/v1", err, sizeof(err)) == 0, "the XSDs load (%s)", err);

	/* round trip */
	ok(write_file(path, 2000, 0) == 0, "2,000 records written with xmlTextWriter");
	rc = read_path(path, &n, &c);
	ok(rc == XJ_OK && n == 2000 && c.n == 2000, "the streaming reader validates and reads them all (%d, %llu)",
	    rc, n);
	ok(c.mismatch == 0, "every field reads back as written (%d mismatches)", c.mismatch);

	/* the memory writer's bytes pass the tree reader too: one format */
	{
		struct xj_xhdr h = { "310000-b-mem", "310000", "MOE", "2026-12-06T09:00:00+08:00",
		    NULL };
		xmlBufferPtr b = xmlBufferCreate();
		xmlTextWriterPtr w = xmlNewTextWriterMemory(b, 0);
		char ref[24], idn[20];
		struct xj_xbrec e;
		struct xj_xmsg m;
		struct xj_xml_where wh;
		xj_xbatch_begin(w, &h, 1, 1);
		rec_of(1, ref, idn, &e);
		xj_xbatch_record(w, &e);
		xj_xbatch_end(w);
		xmlFreeTextWriter(w);
		rc = xj_xmlin_read((const char *)xmlBufferContent(b), (size_t)xmlBufferLength(b),
		    &lim, 1, &m, &wh);
		ok(rc == XJ_OK && strcmp(m.type, "StudentBatch") == 0,
		    "a message of the outbox passes the inbound tree reader (%d)", rc);
		if (rc == XJ_OK)
			xj_xmlin_free(&m);
		xmlBufferFree(b);
	}

	/* the one StudentRecord writer in another payload (issue 13 item 7):
	 * a Dossier with guardians (one without a document) and an event
	 * is valid against the XSD */
	{
		struct xj_xhdr h = { "110000-t-mem", "110000", "MOE", "2026-12-06T09:00:00+08:00",
		    "MOE-relayed-1" };
		const struct xj_xguardian g[2] = { { "父亲", "张大", "1", "110105198001010011" },
		    { "母亲", "李二", "", "" } };
		xmlBufferPtr b = xmlBufferCreate();
		xmlTextWriterPtr w = xmlNewTextWriterMemory(b, 0);
		char ref[24], idn[20];
		struct xj_xbrec e;
		struct xj_xmsg m;
		struct xj_xml_where wh;
		xj_xmsg_begin(w, &h, "Dossier");
		xmlTextWriterWriteElement(w, BAD_CAST "TransferId", BAD_CAST "320000-T17");
		rec_of(2, ref, idn, &e);
		xj_xstudent_write(w, &e, g, 2);
		xmlTextWriterStartElement(w, BAD_CAST "Event");
		xmlTextWriterWriteElement(w, BAD_CAST "Kind", BAD_CAST "promoted");
		xmlTextWriterWriteElement(w, BAD_CAST "At", BAD_CAST "2026-08-31T10:00:00+08:00");
		xmlTextWriterEndElement(w);
		xj_xbatch_end(w);
		xmlFreeTextWriter(w);
		rc = xj_xmlin_read((const char *)xmlBufferContent(b), (size_t)xmlBufferLength(b),
		    &lim, 1, &m, &wh);
		ok(rc == XJ_OK && strcmp(m.type, "Dossier") == 0,
		    "a Dossier with guardians passes the XSD (%d, line %d %s)", rc, wh.line, wh.element);
		if (rc == XJ_OK)
			xj_xmlin_free(&m);
		xmlBufferFree(b);
	}

	/* a large stream with its one bad record at the end: refused, in
	 * constant memory (the file is ~28 MB) */
	ok(write_file(path, 50000, 1) == 0, "50,000 records, the last invalid");
	before = rss_peak_kb();
	rc = read_path(path, &n, NULL);
	ok(rc == XJ_E_X_SCHEMA, "refused schema_violation at the end (%d)", rc);
	ok(n >= 49990 && n < 50000, "the valid records before it were read (%llu)", n);
#ifdef XJ_SANITIZERS
	/* ASan's redzones and quarantine measure ASan, not the reader */
	ok(1, "# SKIP memory is measured in the plain build");
	(void)before;
#else
	ok(rss_peak_kb() - before < 16 * 1024, "peak RSS grew by %ld KiB (< 16 MiB) over a 28 MB stream",
	    rss_peak_kb() - before);
#endif

	/* truncated */
	{
		FILE *f = fopen(path, "rb");
		char *b = malloc(100000);
		size_t len = fread(b, 1, 100000, f);
		fclose(f);
		rc = read_text(tmp2, b, len);
		ok(rc == XJ_E_X_MALFORMED || rc == XJ_E_X_SCHEMA, "a truncated stream is refused (%d)", rc);
		free(b);
	}

	/* DOCTYPE: billion laughs, XXE */
	{
		static const char bl[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n"
		    "<Message xmlns=\"urn:xueji:exchange:1\" schemaVersion=\"1.0\">&lol2;</Message>";
		static const char xxe[] = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM "
		    "\"file:///etc/passwd\">]><Message xmlns=\"urn:xueji:exchange:1\" "
		    "schemaVersion=\"1.0\">&x;</Message>";
		ok(read_text(tmp2, bl, sizeof(bl) - 1) == XJ_E_X_DOCTYPE, "billion laughs: xml_doctype_refused");
		ok(read_text(tmp2, xxe, sizeof(xxe) - 1) == XJ_E_X_DOCTYPE, "XXE: xml_doctype_refused");
	}

	/* another version */
	{
		static const char v2[] = "<Message xmlns=\"urn:xueji:exchange:2\" schemaVersion=\"2.0\"/>";
		ok(read_text(tmp2, v2, sizeof(v2) - 1) == XJ_E_X_VERSION, "another namespace: unknown_version");
	}

	/* 100,000-deep nesting inside a record's student */
	{
		size_t k = 100000, len = 0;
		char *b = malloc(strlen(HEAD) + k * 8 + 64);
		len += (size_t)sprintf(b, "%s<Record ref=\"s1\" action=\"new\"><Student>", HEAD);
		for (size_t i = 0; i < k; i++)
			len += (size_t)sprintf(b + len, "<Name>");
		rc = read_text(tmp2, b, len);
		ok(rc == XJ_E_X_LIMIT || rc == XJ_E_X_SCHEMA, "100k-deep nesting refused (%d)", rc);
		free(b);
	}

	/* an 8 MiB text run: over xml_text_max, memory bounded */
	{
		size_t k = 8u << 20, len;
		big = malloc(strlen(HEAD) + k + 256);
		len = (size_t)sprintf(big, "%s<Record ref=\"s1\" action=\"new\"><Student><StudentNo>", HEAD);
		memset(big + len, 'A', k);
		len += k;
		len += (size_t)sprintf(big + len, "</StudentNo></Student></Record></StudentBatch></Body></Message>");
		before = rss_peak_kb();
		rc = read_text(tmp2, big, len);
		ok(rc == XJ_E_X_LIMIT || rc == XJ_E_X_SCHEMA, "an 8 MiB text run refused (%d)", rc);
#ifdef XJ_SANITIZERS
		ok(1, "# SKIP memory is measured in the plain build");
#else
		ok(rss_peak_kb() - before < 64 * 1024, "within 64 MB (%ld KiB)", rss_peak_kb() - before);
#endif
		free(big);
	}

	/* 50,000 attributes in one tag: refused on the raw bytes, at once */
	{
		size_t k = 50000, len;
		char *b = malloc(strlen(HEAD) + k * 16 + 64);
		len = (size_t)sprintf(b, "%s<Record ref=\"s1\" action=\"new\"", HEAD);
		for (size_t i = 0; i < k; i++)
			len += (size_t)sprintf(b + len, " a%zu=\"1\"", i);
		len += (size_t)sprintf(b + len, ">");
		rc = read_text(tmp2, b, len);
		ok(rc == XJ_E_X_LIMIT, "50,000 attributes: xml_limit_exceeded (%d)", rc);
		free(b);
	}

	unlink(path);
	unlink(tmp2);
	rmdir(tmp);
	xj_xmlin_fini();
	return done_testing();
}
