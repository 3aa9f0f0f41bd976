/* workflow.c -- unit tests of the workflow engine's pure parts: the
 * weekend-only working-day count every deadline uses until the holiday
 * calendar is merged (store/workflow.h, R-MOV-3: "the 10th working day
 * after D" counts from D+1), and the province of an org path. */
#include "config.h"

#include <string.h>

#include "store/workflow.h"
#include "school/workflow.h"
#include "tap.h"

static const char *
after(const char *from, int n)
{
	static char out[XJ_WF_DATE];

	if (xj_wf_weekdays_after(from, n, out) != 0)
		return "error";
	return out;
}

int
main(void)
{
	char p[7];

	plan_lazy();
	/* 2026-12-04 is a Friday */
	is_str(after("2026-12-04", 1), "2026-12-07", "workdays_friday_plus_1_is_monday");
	is_str(after("2026-12-04", 10), "2026-12-18", "workdays_10_from_friday_two_weeks");
	is_str(after("2026-12-05", 1), "2026-12-07", "workdays_saturday_plus_1_is_monday");
	is_str(after("2026-12-07", 0), "2026-12-07", "workdays_zero_is_the_day_itself");
	is_str(after("2026-12-07", 2), "2026-12-09", "workdays_counts_from_the_next_day");
	is_str(after("2026-12-28", 5), "2027-01-04", "workdays_across_the_year_end");
	is_str(after("2028-02-25", 3), "2028-03-01", "workdays_across_a_leap_february");
	is_str(after("2026-13-01", 1), "error", "workdays_month_13_refused");
	is_str(after("2026-1-01", 1), "error", "workdays_short_date_refused");
	xj_wf_province_of("/110000/110100/110105/1110500001/", p);
	is_str(p, "110000", "province_of_a_school_path");
	xj_wf_province_of("/", p);
	is_str(p, "", "province_of_the_ministry_is_none");
	return done_testing();
}
