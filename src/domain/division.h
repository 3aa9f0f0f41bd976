/* division.h -- the form of administrative division codes (GB/T 2260):
 * a county code (6 digits) and a hukou location (12 digits: the county
 * code and "000000", R-COL-6). Pure functions; no I/O. Whether a code
 * exists is the reference data's question (store/refdata: today's codes
 * for hukou and address, data/divisions/), not this module's.
 *
 * A county code is "PPCCDD": province PP, prefecture CC, county DD. A
 * province code (PP0000) is never a county. A prefecture code (PPCC00)
 * usually is not one either, but four prefecture-level cities have no
 * counties and stand in the county list with their own PPCC00 code:
 * 东莞 441900, 中山 442000, 儋州 460400 (data/divisions/areas.csv) and,
 * in older lists, 嘉峪关 620200. Refusing every xxxx00 would refuse these
 * families' hukou, so the form check accepts PPCC00 and leaves "is it a
 * county" to the reference data. */
#ifndef XJ_DIVISION_H
#define XJ_DIVISION_H

#include "core/str.h"

/* 6 digits, province part 11..99, not a province code (xx0000).
 * XJ_OK or XJ_E_F_DIVISION. */
int	xj_county_code_check(struct xj_str s);
/* 12 digits: a county code as above followed by "000000".
 * XJ_OK or XJ_E_F_DIVISION. */
int	xj_hukou_code_check(struct xj_str s);
/* The county of a hukou location: checks it as xj_hukou_code_check does
 * and copies its first six digits and a NUL into county. */
int	xj_hukou_county(struct xj_str hukou, char county[7]);
/* Local (R-COL-6): a hukou (its county code or location, the first
 * digits are read) in the same city as the county `district` -- for the
 * four municipalities (11, 12, 31, 50) the same province. 1 or 0. The
 * registration form (a special category counts as local there too) and
 * the records made without one (school/supplement.c) derive it so. */
int	xj_division_local(const char *hukou, const char *district);

#endif
