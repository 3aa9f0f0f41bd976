/* studentno.c -- unit tests of national student numbers
 * (src/domain/studentno.h, R-REC-1): the type letters G, J and L, the
 * layout of each, birth dates, check characters (G: GB 11643, J: the same
 * MOD 11-2 scheme) and temporary L numbers. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "domain/idnum.h"
#include "domain/studentno.h"
#include "tap.h"

static int
check(const char *s)
{
	return xj_studentno_check(xj_str_c(s), NULL);
}

/* A J number: J + area + date + seq + its check character. */
static void
make_j(const char *first17, char out[20])
{
	out[0] = 'J';
	memcpy(out + 1, first17, 17);
	out[18] = xj_idnum_check_char(first17);
	out[19] = '\0';
}

int
main(void)
{
	char j[20], bad[20], out[20];
	char kind = 0;

	plan_lazy();

	/* G: the ID number itself */
	is_int(xj_studentno_check(XJ_STR("G11010519491231002X"), &kind), XJ_OK,
	    "studentno_g_gb11643_example_valid");
	is_int(kind, 'G', "studentno_g_kind_reported");
	is_int(check("G440524188001010014"), XJ_OK, "studentno_g_second_gb11643_example_valid");
	is_int(check("G11010519491231002x"), XJ_OK, "studentno_g_lower_case_x_accepted");
	is_int(check("G110105194912310021"), XJ_E_F_STUDENTNO_CHECK, "studentno_g_check_char_wrong");
	is_int(check("G110105194902300023"), XJ_E_F_STUDENTNO_BIRTH, "studentno_g_birth_feb30");
	is_int(check("G1101051949123100AX"), XJ_E_F_STUDENTNO_FORMAT, "studentno_g_letters_in_body");
	is_int(check("G000000194912310027"), XJ_E_F_STUDENTNO_FORMAT, "studentno_g_area_zero");

	/* J: ministry self-code, MOD 11-2 */
	make_j("11010520190901001", j);
	is_int(xj_studentno_check(xj_str_c(j), &kind), XJ_OK, "studentno_j_valid");
	is_int(kind, 'J', "studentno_j_kind_reported");
	strcpy(bad, j);
	bad[18] = bad[18] == '0' ? '1' : '0';
	is_int(check(bad), XJ_E_F_STUDENTNO_CHECK, "studentno_j_check_char_wrong");
	strcpy(bad, j);
	bad[16] = bad[16] == '9' ? '8' : (char)(bad[16] + 1);	/* a sequence digit */
	is_int(check(bad), XJ_E_F_STUDENTNO_CHECK, "studentno_j_single_digit_change_caught");
	make_j("11010520190229001", bad);
	is_int(check(bad), XJ_E_F_STUDENTNO_BIRTH, "studentno_j_birth_feb29_nonleap");
	make_j("11010520200229001", bad);
	is_int(check(bad), XJ_OK, "studentno_j_birth_feb29_leap");
	make_j("11010520191301001", bad);
	is_int(check(bad), XJ_E_F_STUDENTNO_BIRTH, "studentno_j_birth_month_13");
	make_j("00000020190901001", bad);
	is_int(check(bad), XJ_E_F_STUDENTNO_FORMAT, "studentno_j_area_zero");
	is_int(check("J11010520190901001Y"), XJ_E_F_STUDENTNO_FORMAT, "studentno_j_check_char_not_digit_or_x");

	/* L: temporary, no check character */
	is_int(xj_studentno_check(XJ_STR("L110105201909010123"), &kind), XJ_OK, "studentno_l_valid");
	is_int(kind, 'L', "studentno_l_kind_reported");
	is_int(check("L110105201909019999"), XJ_OK, "studentno_l_any_last_four_digits");
	is_int(check("L11010520190901012X"), XJ_E_F_STUDENTNO_FORMAT, "studentno_l_no_check_char_x");
	is_int(check("L110105201902300123"), XJ_E_F_STUDENTNO_BIRTH, "studentno_l_birth_feb30");
	is_int(check("L000000201909010123"), XJ_E_F_STUDENTNO_FORMAT, "studentno_l_area_zero");

	/* layout and type */
	is_int(check("X110105201909010123"), XJ_E_F_STUDENTNO_FORMAT, "studentno_unknown_type_letter");
	is_int(check("g11010519491231002X"), XJ_E_F_STUDENTNO_FORMAT, "studentno_lower_case_type_refused");
	is_int(check("11010519491231002X"), XJ_E_F_STUDENTNO_FORMAT, "studentno_bare_id_number_refused");
	is_int(check("L11010520190901012"), XJ_E_F_STUDENTNO_FORMAT, "studentno_18_characters");
	is_int(check("L1101052019090101234"), XJ_E_F_STUDENTNO_FORMAT, "studentno_20_characters");
	is_int(check(""), XJ_E_F_STUDENTNO_FORMAT, "studentno_empty");
	is_int(xj_studentno_check(XJ_STR_NULL, NULL), XJ_E_F_STUDENTNO_FORMAT, "studentno_null");
	is_int(xj_studentno_validate(XJ_STR("G11010519491231002X")), XJ_OK, "studentno_validator_table_form");

	/* temporary numbers */
	is_int(xj_studentno_temp("110105", 2019, 9, 1, 123, out), XJ_OK, "studentno_temp_made");
	is_str(out, "L110105201909010123", "studentno_temp_layout_area_date_four_digits");
	is_int(check(out), XJ_OK, "studentno_temp_passes_check");
	is_int(xj_studentno_temp("110105", 2019, 9, 1, 0, out), XJ_OK, "studentno_temp_rand_zero");
	is_str(out, "L110105201909010000", "studentno_temp_rand_zero_padded");
	is_int(xj_studentno_temp("110105", 2019, 9, 1, 9999, out), XJ_OK, "studentno_temp_rand_9999");
	is_int(xj_studentno_temp("110105", 2019, 9, 1, 10000, out), XJ_E_F_RANGE, "studentno_temp_rand_10000_refused");
	is_str(out, "", "studentno_temp_error_leaves_empty");
	is_int(xj_studentno_temp("110105", 2019, 2, 29, 1, out), XJ_E_F_RANGE, "studentno_temp_bad_date_refused");
	is_int(xj_studentno_temp("11010", 2019, 9, 1, 1, out), XJ_E_F_RANGE, "studentno_temp_short_area_refused");
	is_int(xj_studentno_temp("000000", 2019, 9, 1, 1, out), XJ_E_F_RANGE, "studentno_temp_zero_area_refused");
	is_int(xj_studentno_temp("11a105", 2019, 9, 1, 1, out), XJ_E_F_RANGE, "studentno_temp_letter_in_area_refused");
	return done_testing();
}
