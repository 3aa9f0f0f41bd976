/* division.c -- county and hukou-location code forms (GB/T 2260, R-COL-6).
 * Pure functions; no I/O. */
#include "config.h"

#include "core/str.h"

#include <string.h>

#include "core/err.h"
#include "division.h"

int
xj_county_code_check(struct xj_str s)
{
	/* province codes run 11 (北京) .. 82 (澳门); 00..10 never existed */
	if (s.len != 6 || !xj_all_digits(s.p, 6) || s.p[0] == '0' ||
	    (s.p[0] == '1' && s.p[1] == '0') || memcmp(s.p + 2, "0000", 4) == 0)
		return XJ_E_F_DIVISION;
	return XJ_OK;
}

int
xj_hukou_code_check(struct xj_str s)
{
	if (s.len != 12 || memcmp(s.p + 6, "000000", 6) != 0)
		return XJ_E_F_DIVISION;
	return xj_county_code_check((struct xj_str){ 6, s.p });
}

int
xj_hukou_county(struct xj_str hukou, char county[7])
{
	int rc;

	county[0] = '\0';
	if ((rc = xj_hukou_code_check(hukou)) != XJ_OK)
		return rc;
	memcpy(county, hukou.p, 6);
	county[6] = '\0';
	return XJ_OK;
}

int
xj_division_local(const char *hukou, const char *district)
{
	static const char *muni[] = { "11", "12", "31", "50" };

	for (size_t i = 0; i < sizeof(muni) / sizeof(muni[0]); i++)
		if (strncmp(district, muni[i], 2) == 0)
			return strncmp(hukou, district, 2) == 0;
	return strncmp(hukou, district, 4) == 0;
}
