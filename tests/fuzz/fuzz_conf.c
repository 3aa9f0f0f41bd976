/* fuzz_conf.c -- xj_conf_parse (src/core/conf.c) on INI text. The file
 * is the operator's, but a parser that can write past a buffer on a long
 * line, section or value must not exist. After any parse every string
 * member is NUL-terminated within its buffer and every number within its
 * key's bounds; an error names the file. */
#include "config.h"

#include "core/conf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xj_conf c;
	char err[512], *buf;
	int rc;

	if (size > 65536)
		return 0;
	buf = fz_cstr(data, size);
	xj_conf_defaults(&c);
	err[0] = '\0';
	rc = xj_conf_parse(&c, buf, "fuzz.conf", err, sizeof(err));
	FZ_ASSERT(rc == 0 || rc == -1);
	if (rc != 0)
		FZ_ASSERT(strncmp(err, "fuzz.conf", 9) == 0 && memchr(err, 0, sizeof(err)));
	for (const struct xj_conf_key *k = xj_conf_keys; k->key; k++) {
		const char *m = (const char *)&c + k->off;
		switch (k->type) {
		case XJ_CT_STR:
			FZ_ASSERT(memchr(m, '\0', k->size) != NULL);
			break;
		case XJ_CT_INT:
			FZ_ASSERT(*(const int *)m >= k->min && *(const int *)m <= k->max);
			break;
		case XJ_CT_LONG:
			FZ_ASSERT(*(const long *)m >= k->min && *(const long *)m <= k->max);
			break;
		}
	}
	free(buf);
	return 0;
}
