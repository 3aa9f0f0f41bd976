/* fuzz_datetime.c -- xj_datetime_parse_local (src/domain/window.c) on
 * window and deadline times typed by staff. A parsed instant formats
 * back (as Beijing time with +08:00) to text that parses to the same
 * instant, unless the Beijing year left 1800..9999 through the offset;
 * the UTC <-> Beijing conversions agree. */
#include "config.h"

#include "core/err.h"
#include "domain/idnum.h"
#include "domain/window.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xj_localtime lt;
	long long utc = 0, back = 0;
	char out[26], *buf;
	int rc;

	if (size > 4096)
		return 0;
	buf = fz_copy(data, size);
	rc = xj_datetime_parse_local((struct xj_str){ size, buf }, &utc);
	FZ_ASSERT(rc == XJ_OK || rc == XJ_E_F_DATETIME);
	if (rc == XJ_OK) {
		FZ_ASSERT(size >= 16);
		xj_utc_to_shanghai(utc, &lt);
		FZ_ASSERT(xj_shanghai_to_utc(lt.year, lt.month, lt.day, lt.hour,
		    lt.min, lt.sec) == utc);
		FZ_ASSERT(lt.month >= 1 && lt.month <= 12 && lt.day >= 1 &&
		    lt.day <= 31 && lt.hour >= 0 && lt.hour <= 23 &&
		    lt.min >= 0 && lt.min <= 59 && lt.sec >= 0 && lt.sec <= 59 &&
		    lt.wday >= 0 && lt.wday <= 6);
		FZ_ASSERT(xj_date_valid(lt.year, lt.month, lt.day) ||
		    lt.year < 1800 || lt.year > 9999);
		if (xj_datetime_format_local(utc, out) == XJ_OK) {
			FZ_ASSERT(strlen(out) == 25);
			if (lt.year >= 1800) {
				FZ_ASSERT(xj_datetime_parse_local(xj_str_c(out), &back) == XJ_OK);
				FZ_ASSERT(back == utc);
			}
		}
	}
	free(buf);
	return 0;
}
