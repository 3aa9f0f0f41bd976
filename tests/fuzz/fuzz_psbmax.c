/* fuzz_psbmax.c -- the PSB pull's query string ("max=N",
 * src/psb/requests.c parse_max), the one input of that route before the
 * database. The parser is static, so the harness includes the file.
 * Invariant: an accepted query gives 1 <= max <= cap. */
#include "config.h"

#include "psb/requests.c"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;
	size_t max = 0;

	if (size > 64)
		return 0;
	in = fz_copy(data, size);
	if (parse_max((struct xj_str){ size, in }, 500, &max) == XJ_OK)
		FZ_ASSERT(max >= 1 && max <= 500);
	free(in);
	return 0;
}
