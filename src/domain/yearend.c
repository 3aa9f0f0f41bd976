/* yearend.c -- the records a year-end batch changes (see yearend.h). */
#include "config.h"

#include <string.h>

#include "domain/classcode.h"
#include "domain/yearend.h"

int
xj_yearend_kind_parse(const char *s)
{
	if (s == NULL)
		return 0;
	return strcmp(s, "promotion") == 0 ? XJ_YE_PROMOTION :
	    strcmp(s, "graduation") == 0 ? XJ_YE_GRADUATION : 0;
}

const char *
xj_yearend_kind_name(int kind)
{
	return kind == XJ_YE_PROMOTION ? "promotion" : kind == XJ_YE_GRADUATION ? "graduation" : "";
}

int
xj_yearend_cohorts(int kind, int year, int lo[3], int hi[3])
{
	if (year < XJ_YE_YEAR_MIN || year > XJ_YE_YEAR_MAX)
		return -1;
	for (int i = 0; i < 3; i++) {
		int last = xj_level_grades(XJ_LEVEL_PRIMARY + i);

		/* grade g = year - cohort + 1, so cohort = year - g + 1 */
		if (kind == XJ_YE_PROMOTION) {
			lo[i] = year - (last - 1) + 1;		/* grade last-1 */
			hi[i] = year;				/* grade 1 */
		} else if (kind == XJ_YE_GRADUATION) {
			lo[i] = XJ_ENTRY_YEAR_MIN - 20;		/* anyone left beyond */
			hi[i] = year - last + 1;		/* the last grade */
		} else
			return -1;
	}
	return 0;
}
