/* studypermit.c -- unit tests of study permit numbers
 * (src/domain/studypermit.h, R-COL-9): JD + year + county + 6-digit
 * sequence, refused rather than wrapped or truncated. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "domain/studypermit.h"
#include "tap.h"

int
main(void)
{
	char out[19];

	plan_lazy();
	is_int(xj_study_permit_make(2026, "110105", 1, out), XJ_OK,
	    "studypermit_make_first_of_year");
	is_str(out, "JD2026110105000001", "studypermit_layout_jd_year_county_seq");
	is_int(xj_study_permit_make(2026, "110108", XJ_STUDY_PERMIT_MAXSEQ, out), XJ_OK,
	    "studypermit_make_last_sequence");
	is_str(out, "JD2026110108999999", "studypermit_six_digits_at_most");
	is_int(xj_study_permit_make(2026, "110105", XJ_STUDY_PERMIT_MAXSEQ + 1, out),
	    XJ_E_F_RANGE, "studypermit_sequence_overflow_refused");
	is_str(out, "", "studypermit_refused_leaves_empty");
	is_int(xj_study_permit_make(2026, "110105", 0, out), XJ_E_F_RANGE,
	    "studypermit_sequence_zero_refused");
	is_int(xj_study_permit_make(1999, "110105", 1, out), XJ_E_F_RANGE,
	    "studypermit_year_before_2000_refused");
	is_int(xj_study_permit_make(2026, "110000", 1, out), XJ_E_F_DIVISION,
	    "studypermit_province_code_refused");
	is_int(xj_study_permit_check(xj_str_c("JD2026110105000001")), XJ_OK,
	    "studypermit_check_accepts_issued");
	is_int(xj_study_permit_check(xj_str_c("JD2026110105000000")), XJ_E_F_FORMAT,
	    "studypermit_check_sequence_zero");
	is_int(xj_study_permit_check(xj_str_c("JD202611010500001")), XJ_E_F_FORMAT,
	    "studypermit_check_short");
	is_int(xj_study_permit_check(xj_str_c("jd2026110105000001")), XJ_E_F_FORMAT,
	    "studypermit_check_lower_case_prefix");
	is_int(xj_study_permit_check(xj_str_c("JD2026110000000001")), XJ_E_F_FORMAT,
	    "studypermit_check_province_code");
	return done_testing();
}
