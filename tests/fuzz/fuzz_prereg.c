/* fuzz_prereg.c -- xj_prereg_parse (src/domain/prereg.c) on numbers as
 * parents and schools type them. A parsed number is 16 canonical
 * characters with the right check character and a year in 2000..2099,
 * and its display form parses back to the same number. */
#include "config.h"

#include "core/err.h"
#include "domain/prereg.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xj_prereg p, q;
	char disp[20], *buf;
	int rc;

	if (size > 4096)
		return 0;
	buf = fz_copy(data, size);
	rc = xj_prereg_parse((struct xj_str){ size, buf }, &p);
	FZ_ASSERT(rc == XJ_OK || rc == XJ_E_F_PREREG_FORMAT || rc == XJ_E_F_PREREG_CHECK);
	if (rc == XJ_OK) {
		FZ_ASSERT(strlen(p.canon) == XJ_PREREG_LEN);
		FZ_ASSERT(xj_prereg_check_char(p.canon) == p.canon[15]);
		FZ_ASSERT(p.year >= 2000 && p.year <= 2099);
		FZ_ASSERT(memcmp(p.county, p.canon + 2, 6) == 0 && p.county[6] == '\0');
		FZ_ASSERT(memcmp(p.serial, p.canon + 8, 7) == 0 && p.serial[7] == '\0');
		xj_prereg_display(p.canon, disp);
		FZ_ASSERT(strlen(disp) == XJ_PREREG_DISPLAY_LEN);
		FZ_ASSERT(xj_prereg_parse(xj_str_c(disp), &q) == XJ_OK);
		FZ_ASSERT(strcmp(p.canon, q.canon) == 0);
	} else
		FZ_ASSERT(p.canon[0] == '\0');
	free(buf);
	return 0;
}
