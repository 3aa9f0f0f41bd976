/* fuzz_idnum.c -- xj_idnum_parse and xj_date_parse (src/domain/idnum.c)
 * on typed ID numbers and dates. A parsed number has 18 characters, a
 * real birth date, a six-digit area, the right check character and the
 * sex of its sequence digit; a parsed date is a real date. */
#include "config.h"

#include "core/err.h"
#include "domain/idnum.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xj_idnum id;
	char *buf;
	int rc, y, m, d;

	if (size > 4096)
		return 0;
	buf = fz_copy(data, size);
	memset(&id, 0, sizeof(id));
	rc = xj_idnum_parse((struct xj_str){ size, buf }, &id);
	FZ_ASSERT(rc == XJ_OK || rc == XJ_E_F_ID_15 || rc == XJ_E_F_ID_FORMAT ||
	    rc == XJ_E_F_ID_BIRTH || rc == XJ_E_F_ID_CHECK);
	if (rc == XJ_OK) {
		char check;

		FZ_ASSERT(size == 18);
		FZ_ASSERT(xj_date_valid(id.year, id.month, id.day));
		FZ_ASSERT(strlen(id.area) == 6 && memcmp(id.area, buf, 6) == 0);
		check = xj_idnum_check_char(buf);
		FZ_ASSERT(check == buf[17] || (check == 'X' && buf[17] == 'x'));
		FZ_ASSERT(id.male == ((buf[16] - '0') % 2 == 1));
		FZ_ASSERT(id.year == (buf[6] - '0') * 1000 + (buf[7] - '0') * 100 +
		    (buf[8] - '0') * 10 + (buf[9] - '0'));
	}
	rc = xj_date_parse((struct xj_str){ size, buf }, &y, &m, &d);
	FZ_ASSERT(rc == XJ_OK || rc == XJ_E_F_DATE);
	if (rc == XJ_OK) {
		FZ_ASSERT(size == 10);
		FZ_ASSERT(xj_date_valid(y, m, d));
	}
	FZ_ASSERT((xj_date_check((struct xj_str){ size, buf }) == XJ_OK) == (rc == XJ_OK));
	free(buf);
	return 0;
}
