/* studypermit.h -- the study permit number (就读证明编号, R-COL-9): the
 * district issues one when it approves a non-local family's five
 * certificates; the family shows it with the collection form.
 *
 *   JD YYYY CCCCCC NNNNNN     18 characters, e.g. JD2026110105000001
 *
 * "JD" (就读), the collection year, the county code of the district that
 * approved, and a 6-digit sequence per county and year starting at 000001
 * (store/certreview.c draws it from a counter row, in the approving
 * transaction). Beijing's largest district enrols far fewer than a million
 * first-graders a year, so six digits never run out; the make function
 * refuses rather than wrap. Pure functions; no I/O. */
#ifndef XJ_STUDYPERMIT_H
#define XJ_STUDYPERMIT_H

#include "core/str.h"

#define XJ_STUDY_PERMIT_LEN	18
#define XJ_STUDY_PERMIT_MAXSEQ	999999u

/* Build a number: year 2000..2099, a county code (xj_county_code_check),
 * 1 <= seq <= XJ_STUDY_PERMIT_MAXSEQ. XJ_OK, XJ_E_F_RANGE or
 * XJ_E_F_DIVISION; out gets 18 characters and a NUL ("" on error). */
int	xj_study_permit_make(int year, const char *county6, unsigned seq, char out[19]);
/* XJ_OK if s has the layout above with a real county code and a
 * non-zero sequence, else XJ_E_F_FORMAT. */
int	xj_study_permit_check(struct xj_str s);

#endif
