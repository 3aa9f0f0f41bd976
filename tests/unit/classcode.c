/* classcode.c -- unit tests of class codes (src/domain/classcode.h,
 * R-REC-2, R-REC-10): layout YYYY L NN, levels, number range, grades from
 * the entry year and the school year (which starts on 1 September), and
 * branch campuses continuing the main campus's class numbers. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "domain/classcode.h"
#include "tap.h"

static int
parse(const char *s, struct xj_classcode *c)
{
	return xj_classcode_parse(xj_str_c(s), c);
}

int
main(void)
{
	struct xj_classcode c;
	char out[8];

	plan_lazy();

	is_int(parse("2011101", &c), XJ_OK, "classcode_seed_example_2011101_valid");
	is_int(c.entry_year, 2011, "classcode_entry_year");
	is_int(c.level, XJ_LEVEL_PRIMARY, "classcode_level_primary");
	is_int(c.number, 1, "classcode_number_01");
	is_int(parse("2026212", &c), XJ_OK, "classcode_junior_valid");
	is_int(c.level, XJ_LEVEL_JUNIOR, "classcode_level_junior");
	is_int(c.number, 12, "classcode_number_12");
	is_int(parse("2026399", &c), XJ_OK, "classcode_senior_class_99_valid");
	is_int(parse("2026100", &c), XJ_E_F_CLASS_CODE, "classcode_class_00_refused");
	is_int(parse("2026401", &c), XJ_E_F_CLASS_CODE, "classcode_level_4_refused");
	is_int(parse("2026001", &c), XJ_E_F_CLASS_CODE, "classcode_level_0_refused");
	is_int(parse("1949101", &c), XJ_E_F_CLASS_CODE, "classcode_year_too_early");
	is_int(parse("2100101", &c), XJ_E_F_CLASS_CODE, "classcode_year_too_late");
	is_int(parse("202610", &c), XJ_E_F_CLASS_CODE, "classcode_six_digits");
	is_int(parse("20261011", &c), XJ_E_F_CLASS_CODE, "classcode_eight_digits");
	is_int(parse("2026-01", &c), XJ_E_F_CLASS_CODE, "classcode_non_digit");
	is_int(xj_classcode_parse(XJ_STR_NULL, &c), XJ_E_F_CLASS_CODE, "classcode_null");
	is_int(xj_classcode_check(XJ_STR("2026101")), XJ_OK, "classcode_validator_table_form");

	c = (struct xj_classcode){ 2026, XJ_LEVEL_PRIMARY, 3 };
	is_int(xj_classcode_format(&c, out), XJ_OK, "classcode_format_ok");
	is_str(out, "2026103", "classcode_format_pads_number");
	c = (struct xj_classcode){ 2026, XJ_LEVEL_SENIOR, 100 };
	is_int(xj_classcode_format(&c, out), XJ_E_F_RANGE, "classcode_format_number_100_refused");
	is_str(out, "", "classcode_format_error_leaves_empty");
	c = (struct xj_classcode){ 2026, 4, 1 };
	is_int(xj_classcode_format(&c, out), XJ_E_F_RANGE, "classcode_format_level_4_refused");

	/* R-REC-10: grade derived from entry year and school year */
	is_int(xj_school_year(2026, 9, 1), 2026, "school_year_starts_1_september");
	is_int(xj_school_year(2026, 8, 31), 2025, "school_year_31_august_is_previous");
	is_int(xj_school_year(2027, 1, 15), 2026, "school_year_january_is_previous");
	is_int(xj_class_grade(2026, 2026), 1, "grade_1_in_entry_school_year");
	is_int(xj_class_grade(2011, 2016), 6, "grade_6_five_years_later");
	is_int(xj_class_grade(2027, 2026), 0, "grade_before_entry_is_0");
	is_int(xj_grade_entry_year(3, 2026), 2024, "grade_3_in_2026_entered_2024");
	is_int(xj_class_grade(xj_grade_entry_year(4, 2030), 2030), 4, "grade_entry_year_round_trip");
	is_int(xj_level_grades(XJ_LEVEL_PRIMARY), 6, "level_primary_six_grades");
	is_int(xj_level_grades(XJ_LEVEL_JUNIOR), 3, "level_junior_three_grades");
	is_int(xj_level_grades(XJ_LEVEL_SENIOR), 3, "level_senior_three_grades");
	is_int(xj_level_grades(4), 0, "level_unknown_no_grades");

	/* R-REC-2: branch campuses continue after the main campus */
	is_int(xj_class_next_number(0, 0), 1, "class_next_first_is_01");
	is_int(xj_class_next_number(10, 0), 11, "class_next_branch_after_main_10_is_11");
	is_int(xj_class_next_number(10, 12), 13, "class_next_after_branch_12_is_13");
	is_int(xj_class_next_number(3, 0), 4, "class_next_main_continues");
	is_int(xj_class_next_number(99, 0), 0, "class_next_none_after_99");
	is_int(xj_class_next_number(10, 99), 0, "class_next_none_after_branch_99");
	ok(xj_class_branch_number_ok(11, 10), "class_branch_11_after_main_10_ok");
	ok(!xj_class_branch_number_ok(10, 10), "class_branch_10_with_main_10_refused");
	ok(!xj_class_branch_number_ok(5, 10), "class_branch_inside_main_range_refused");
	ok(xj_class_branch_number_ok(1, 0), "class_branch_01_when_main_has_none_ok");
	ok(!xj_class_branch_number_ok(100, 10), "class_branch_100_refused");
	return done_testing();
}
