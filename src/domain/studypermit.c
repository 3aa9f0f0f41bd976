/* studypermit.c -- study permit numbers (see studypermit.h). Pure. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "division.h"
#include "studypermit.h"

int
xj_study_permit_make(int year, const char *county6, unsigned seq, char out[19])
{
	int rc;

	out[0] = '\0';
	if (year < 2000 || year > 2099 || seq == 0 || seq > XJ_STUDY_PERMIT_MAXSEQ)
		return XJ_E_F_RANGE;
	if ((rc = xj_county_code_check(xj_str_c(county6))) != XJ_OK)
		return rc;
	snprintf(out, 19, "JD%04d%.6s%06u", year, county6, seq);
	return XJ_OK;
}

int
xj_study_permit_check(struct xj_str s)
{
	if (s.len != XJ_STUDY_PERMIT_LEN || s.p[0] != 'J' || s.p[1] != 'D')
		return XJ_E_F_FORMAT;
	for (size_t i = 2; i < XJ_STUDY_PERMIT_LEN; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_F_FORMAT;
	if (s.p[2] != '2' || s.p[3] != '0' ||
	    xj_county_code_check((struct xj_str){ 6, s.p + 6 }) != XJ_OK ||
	    memcmp(s.p + 12, "000000", 6) == 0)
		return XJ_E_F_FORMAT;
	return XJ_OK;
}
