/* fuzz_studentno.c -- xj_studentno_check (src/domain/studentno.c) on
 * national student numbers from imports and forms. A valid number has 19
 * characters and a kind G, J or L; the table validator agrees. */
#include "config.h"

#include "core/err.h"
#include "domain/studentno.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char kind = 0, *buf;
	int rc;

	if (size > 4096)
		return 0;
	buf = fz_copy(data, size);
	rc = xj_studentno_check((struct xj_str){ size, buf }, &kind);
	FZ_ASSERT(rc == XJ_OK || rc == XJ_E_F_STUDENTNO_FORMAT ||
	    rc == XJ_E_F_STUDENTNO_BIRTH || rc == XJ_E_F_STUDENTNO_CHECK);
	if (rc == XJ_OK) {
		FZ_ASSERT(size == XJ_STUDENTNO_LEN);
		FZ_ASSERT(kind == 'G' || kind == 'J' || kind == 'L');
		FZ_ASSERT(kind == buf[0]);
	}
	FZ_ASSERT(xj_studentno_validate((struct xj_str){ size, buf }) == rc);
	FZ_ASSERT(xj_studentno_check((struct xj_str){ size, buf }, NULL) == rc);
	free(buf);
	return 0;
}
