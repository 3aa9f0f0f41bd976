/* fuzz_cursor.c -- the keyset cursor of the certificate-review queue
 * (src/school/certreview.c cursor_parse: "YYYYMMDDHHMMSSffffff.id" from the
 * query string). The parser is static, so the harness includes the file.
 * Invariants: a cursor it accepts gives a 26-character time and an id
 * that fits. */
#include "config.h"

#include "school/certreview.c"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, at[27];
	unsigned long long id;

	if (size > 256)
		return 0;
	in = fz_copy(data, size);
	memset(at, 'x', sizeof(at));
	if (cursor_parse((struct xj_str){ size, in }, at, &id) == 0)
		FZ_ASSERT(strlen(at) == 26 && at[4] == '-' && at[19] == '.');
	free(in);
	return 0;
}
