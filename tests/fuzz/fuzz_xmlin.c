/* fuzz_xmlin.c -- the inbound exchange reader (src/exchange/xmlin.c):
 * any bytes through the hardened libxml2 read, the root and version
 * check, the XSD (when docs/xml/v1 is found: $XJ_SRCDIR, the compiled
 * source path, or the working directory) and the header read. For every
 * input: a message read as valid has no DTD at all, a payload whose name
 * is its MessageType, and a non-empty id and sender; every refusal is one
 * of the reader's codes. */
#include "config.h"

#include "core/err.h"
#include "exchange/xmlin.h"
#include "fuzz.h"

#ifndef XJ_SRCDIR
#define XJ_SRCDIR "."
#endif

static int validate = -1;

static void
init(void)
{
	const char *dirs[] = { getenv("XJ_SRCDIR"), XJ_SRCDIR, "." };
	char path[1024], err[512];

	validate = 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (dirs[i] == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/docs/xml/v1", dirs[i]);
		if (xj_xmlin_init(path, err, sizeof(err)) == 0) {
			validate = 1;
			return;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct xj_xml_limits lim = { 32, 4096, 20000 };
	struct xj_xml_where w;
	struct xj_xmsg m;
	char *buf;
	int rc;

	if (validate < 0)
		init();
	buf = fz_copy(data, size);
	rc = xj_xmlin_read(buf, size, &lim, validate, &m, &w);
	if (rc == XJ_OK) {
		FZ_ASSERT(m.doc != NULL && m.doc->intSubset == NULL && m.doc->extSubset == NULL);
		FZ_ASSERT(m.payload != NULL && strcmp((const char *)m.payload->name, m.type) == 0);
		FZ_ASSERT(!validate || (m.id[0] != '\0' && m.sender[0] != '\0'));
	} else
		FZ_ASSERT(rc == XJ_E_X_MALFORMED || rc == XJ_E_X_DOCTYPE || rc == XJ_E_X_LIMIT ||
		    rc == XJ_E_X_VERSION || rc == XJ_E_X_SCHEMA || rc == XJ_E_X_TYPE_MISMATCH ||
		    rc == XJ_E_X_TOO_LARGE || rc == XJ_E_INTERNAL);
	xj_xmlin_free(&m);
	free(buf);
	return 0;
}
