/* yearend.c -- unit tests of the records a year-end batch changes
 * (src/domain/yearend.h, issue 11 item 8, R-REC-3, R-REC-10): promotion
 * takes grades 1 .. last-1 of the year that ends, graduation the last
 * grade and anyone beyond it, never the same cohort twice, and a repeater
 * (grade_offset -1) counts as one cohort younger. */
#include "config.h"

#include "domain/classcode.h"
#include "domain/yearend.h"
#include "tap.h"

static int
takes(int kind, int year, int level, int entry_year, int offset)
{
	int lo[3], hi[3], c = entry_year - offset;

	if (xj_yearend_cohorts(kind, year, lo, hi) != 0)
		return -1;
	return c >= lo[level - 1] && c <= hi[level - 1];
}

int
main(void)
{
	int lo[3], hi[3];

	plan_lazy();

	is_int(xj_yearend_kind_parse("promotion"), XJ_YE_PROMOTION, "yearend_kind_promotion");
	is_int(xj_yearend_kind_parse("graduation"), XJ_YE_GRADUATION, "yearend_kind_graduation");
	is_int(xj_yearend_kind_parse("Promotion"), 0, "yearend_kind_case_sensitive");
	is_int(xj_yearend_kind_parse(NULL), 0, "yearend_kind_null");
	is_str(xj_yearend_kind_name(XJ_YE_GRADUATION), "graduation", "yearend_kind_name");

	/* 2025/26 ends: primary grade 1 entered 2025, grade 5 entered 2021 */
	is_int(takes(XJ_YE_PROMOTION, 2025, 1, 2025, 0), 1, "promotion_takes_grade_1");
	is_int(takes(XJ_YE_PROMOTION, 2025, 1, 2021, 0), 1, "promotion_takes_grade_5");
	is_int(takes(XJ_YE_PROMOTION, 2025, 1, 2020, 0), 0, "promotion_leaves_grade_6");
	is_int(takes(XJ_YE_PROMOTION, 2025, 1, 2026, 0), 0, "promotion_leaves_next_years_entrants");
	is_int(takes(XJ_YE_GRADUATION, 2025, 1, 2020, 0), 1, "graduation_takes_grade_6");
	is_int(takes(XJ_YE_GRADUATION, 2025, 1, 2019, 0), 1, "graduation_takes_left_beyond");
	is_int(takes(XJ_YE_GRADUATION, 2025, 1, 2021, 0), 0, "graduation_leaves_grade_5");
	/* junior and senior: three grades */
	is_int(takes(XJ_YE_PROMOTION, 2025, 2, 2024, 0), 1, "promotion_junior_grade_2");
	is_int(takes(XJ_YE_PROMOTION, 2025, 2, 2023, 0), 0, "promotion_leaves_junior_grade_3");
	is_int(takes(XJ_YE_GRADUATION, 2025, 3, 2023, 0), 1, "graduation_senior_grade_3");
	/* a repeater of the 2020 cohort is in grade 5 in 2025: promoted */
	is_int(takes(XJ_YE_PROMOTION, 2025, 1, 2020, -1), 1, "repeater_promoted_not_graduated");
	is_int(takes(XJ_YE_GRADUATION, 2025, 1, 2020, -1), 0, "repeater_not_graduated");
	/* a skipper of the 2021 cohort is in grade 6 in 2025 */
	is_int(takes(XJ_YE_GRADUATION, 2025, 1, 2021, 1), 1, "skipper_graduates_early");
	/* the two kinds are disjoint and cover grades 1 .. beyond */
	for (int level = 1; level <= 3; level++) {
		int both = 0, none = 0;
		for (int e = 1990; e <= 2025; e++) {
			int p = takes(XJ_YE_PROMOTION, 2025, level, e, 0);
			int g = takes(XJ_YE_GRADUATION, 2025, level, e, 0);
			both += p && g;
			none += !p && !g;
		}
		is_int(both, 0, "kinds_disjoint");
		is_int(none, 0, "kinds_cover_every_entered_cohort");
	}
	is_int(xj_yearend_cohorts(XJ_YE_PROMOTION, 1999, lo, hi), -1, "year_below_range_refused");
	is_int(xj_yearend_cohorts(3, 2025, lo, hi), -1, "unknown_kind_refused");
	return done_testing();
}
