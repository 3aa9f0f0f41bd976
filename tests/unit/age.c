/* age.c -- unit tests of the school-entry age rule (src/domain/age.h,
 * R-COL-8): full years on a date, the cut-off day inclusive, 29 February
 * birthdays counted on 1 March in common years, invalid dates refused. */
#include "config.h"

#include "core/err.h"
#include "domain/age.h"
#include "tap.h"

int
main(void)
{
	plan_lazy();

	is_int(xj_age_on(2018, 5, 10, 2024, 5, 9), 5, "R-COL-8 the day before the 6th birthday: 5");
	is_int(xj_age_on(2018, 5, 10, 2024, 5, 10), 6, "R-COL-8 on the 6th birthday: 6");
	is_int(xj_age_on(2018, 5, 10, 2024, 5, 11), 6, "R-COL-8 the day after the 6th birthday: 6");
	is_int(xj_age_on(2018, 12, 31, 2024, 1, 1), 5, "R-COL-8 across the new year: 5");
	is_int(xj_age_on(2018, 5, 10, 2018, 5, 10), 0, "R-COL-8 on the day of birth: 0");
	is_int(xj_age_on(2018, 5, 10, 2018, 5, 9), -1, "R-COL-8 a date before the birth: -1");
	is_int(xj_age_on(2018, 2, 30, 2024, 5, 9), -1, "R-COL-8 a birth date that does not exist: -1");
	is_int(xj_age_on(2018, 5, 10, 2023, 2, 29), -1, "R-COL-8 a reference date that does not exist: -1");

	/* born on 29 February */
	is_int(xj_age_on(2016, 2, 29, 2022, 2, 28), 5, "R-COL-8 29 Feb birthday: still 5 on 28 Feb of a common year");
	is_int(xj_age_on(2016, 2, 29, 2022, 3, 1), 6, "R-COL-8 29 Feb birthday: 6 on 1 March of a common year");
	is_int(xj_age_on(2016, 2, 29, 2024, 2, 28), 7, "R-COL-8 29 Feb birthday: still 7 on 28 Feb of a leap year");
	is_int(xj_age_on(2016, 2, 29, 2024, 2, 29), 8, "R-COL-8 29 Feb birthday: 8 on 29 Feb of a leap year");
	is_int(xj_age_on(2096, 2, 29, 2100, 3, 1), 4, "R-COL-8 29 Feb birthday: 1 March in 2100 (century, not leap)");

	/* 6 by 31 August (R-COL-8's example), entry 2024 */
	is_int(xj_age_ok_for_entry(2018, 8, 31, 2024, 8, 31, 6), 1,
	    "R-COL-8 born 31 August: 6 on the cut-off day, old enough");
	is_int(xj_age_ok_for_entry(2018, 9, 1, 2024, 8, 31, 6), 0,
	    "R-COL-8 born 1 September: under age (a warning, not a refusal)");
	is_int(xj_age_ok_for_entry(2018, 1, 1, 2024, 8, 31, 6), 1,
	    "R-COL-8 born in January: old enough");
	is_int(xj_age_ok_for_entry(2015, 1, 1, 2024, 8, 31, 6), 1,
	    "R-COL-8 older children pass the minimum-age rule");
	is_int(xj_age_ok_for_entry(2018, 2, 29, 2024, 8, 31, 6), XJ_E_F_DATE,
	    "R-COL-8 29 February 2018 is no birth date");
	is_int(xj_age_ok_for_entry(2025, 1, 1, 2024, 8, 31, 6), 0,
	    "under_age bug: born after the cut-off day is under age (a warning), not a date error");
	is_int(xj_age_ok_for_entry(2024, 9, 1, 2024, 8, 31, 6), 0,
	    "under_age bug: born the day after the cut-off of the collection year is under age");
	is_int(xj_age_ok_for_entry(2024, 8, 31, 2024, 8, 31, 0), 1,
	    "R-COL-8 born on the cut-off day is 0 on it (a minimum age of 0 is met)");
	/* a province whose cut-off falls on 28 February of a common year */
	is_int(xj_age_ok_for_entry(2017, 2, 28, 2023, 2, 28, 6), 1,
	    "R-COL-8 cut-off on the 6th birthday itself: old enough");
	is_int(xj_age_ok_for_entry(2016, 2, 29, 2022, 2, 28, 6), 0,
	    "R-COL-8 born 29 Feb, cut-off 28 Feb of a common year: not yet 6");
	is_int(xj_age_ok_for_entry(2016, 2, 29, 2022, 3, 1, 6), 1,
	    "R-COL-8 born 29 Feb, cut-off 1 March of a common year: 6");
	is_int(xj_age_ok_for_entry(2018, 8, 31, 2024, 8, 31, 7), 0,
	    "R-COL-8 minimum age is the province's (7 here)");

	/* future birth dates (bug: accepted by the ID check and registration) */
	is_int(xj_birth_date_check(2026, 12, 6, 2026, 12, 6), XJ_OK,
	    "future-birth bug: born today is a birth date");
	is_int(xj_birth_date_check(2026, 12, 7, 2026, 12, 6), XJ_E_F_FUTURE_DATE,
	    "future-birth bug: born tomorrow is refused as date_in_future");
	is_int(xj_birth_date_check(2027, 1, 1, 2026, 12, 31), XJ_E_F_FUTURE_DATE,
	    "future-birth bug: born next year is refused");
	is_int(xj_birth_date_check(2026, 11, 30, 2026, 12, 1), XJ_OK,
	    "future-birth bug: born last month is a birth date");
	is_int(xj_birth_date_check(2026, 12, 1, 2026, 11, 30), XJ_E_F_FUTURE_DATE,
	    "future-birth bug: born next month is refused");
	is_int(xj_birth_date_check(2023, 2, 29, 2026, 12, 6), XJ_E_F_DATE,
	    "a birth date that does not exist is a date error");
	return done_testing();
}
