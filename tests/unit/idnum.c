/* idnum.c -- unit tests of ID-number rules (src/domain/idnum.h, R-COL-7):
 * structure, ISO 7064 MOD 11-2 check character, birth dates (29 February),
 * sex from the sequence digit, the 15-digit form, historic area codes. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "domain/idnum.h"
#include "tap.h"

static int
parse(const char *s, struct xj_idnum *id)
{
	return xj_idnum_parse(xj_str_c(s), id);
}

/* a tiny code history: 110105 and 440524 (abolished), city 320100 */
static int
ever(const char *code, void *arg)
{
	static const char *codes[] = { "110105", "440524", "320100", "110000", NULL };
	(void)arg;
	for (int i = 0; codes[i]; i++)
		if (strcmp(codes[i], code) == 0)
			return 1;
	return 0;
}

int
main(void)
{
	static const struct {
		const char	*id;
		int		 rc;
		const char	*why;
	} rows[] = {
		{ "11010519491231002X", XJ_OK, "R-COL-7 GB 11643 example 11010519491231002X valid" },
		{ "440524188001010014", XJ_OK, "R-COL-7 GB 11643 example 440524188001010014 valid" },
		{ "11010519491231002x", XJ_OK, "R-COL-7 lower-case x accepted as check character" },
		{ "110105194912310021", XJ_E_F_ID_CHECK, "R-COL-7 wrong check character refused" },
		{ "110105194912310020", XJ_E_F_ID_CHECK, "R-COL-7 digit instead of X refused" },
		{ "110105491231002", XJ_E_F_ID_15, "R-COL-7 15-digit first-generation number refused with its own code" },
		{ "11010519491231002", XJ_E_F_ID_FORMAT, "R-COL-7 17 characters refused" },
		{ "11010519491231002X1", XJ_E_F_ID_FORMAT, "R-COL-7 19 characters refused" },
		{ "1101051949123100XX", XJ_E_F_ID_FORMAT, "R-COL-7 X only as the last character" },
		{ "11010519491231 02X", XJ_E_F_ID_FORMAT, "R-COL-7 space inside refused" },
		{ "110105201902290012", XJ_E_F_ID_BIRTH, "R-COL-7 29 February 2019 (not leap) refused" },
		{ "110105190002290014", XJ_E_F_ID_BIRTH, "R-COL-7 29 February 1900 (century, not leap) refused" },
		{ "110105194913310021", XJ_E_F_ID_BIRTH, "R-COL-7 month 13 refused" },
		{ "110105194904310027", XJ_E_F_ID_BIRTH, "R-COL-7 31 April refused" },
		{ "", XJ_E_F_ID_FORMAT, "R-COL-7 empty refused" },
	};
	struct xj_idnum id;
	char buf[19];

	plan_lazy();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		is_int(parse(rows[i].id, &id), rows[i].rc, rows[i].why);

	/* a correct check character for 29 Feb 2020 (leap year) */
	memcpy(buf, "11010520200229001", 17);
	buf[17] = xj_idnum_check_char(buf);
	buf[18] = '\0';
	is_int(parse(buf, &id), XJ_OK, "R-COL-7 29 February 2020 (leap) accepted");
	memcpy(buf, "11010520000229001", 17);
	buf[17] = xj_idnum_check_char(buf);
	is_int(parse(buf, &id), XJ_OK, "R-COL-7 29 February 2000 (400-year leap) accepted");

	parse("11010519491231002X", &id);
	is_str(id.area, "110105", "area code is the first 6 digits");
	ok(id.year == 1949 && id.month == 12 && id.day == 31, "birth date from digits 7-14");
	is_int(id.male, 0, "R-COL-7 even sequence digit (2) is female");
	parse("440524188001010014", &id);
	is_int(id.male, 1, "R-COL-7 odd sequence digit (1) is male");
	ok(xj_idnum_check_char("11010519491231002") == 'X', "MOD 11-2 gives X for remainder 2");

	ok(xj_idnum_area_ok("110105", ever, NULL), "area code in the history accepted");
	ok(xj_idnum_area_ok("440524", ever, NULL), "abolished area code (潮阳县) accepted");
	ok(!xj_idnum_area_ok("999999", ever, NULL), "area code that never existed refused");
	ok(xj_idnum_area_ok("320101", ever, NULL), "xxxx01 accepted where xxxx00 is a city");
	ok(!xj_idnum_area_ok("330101", ever, NULL), "xxxx01 refused where xxxx00 never existed");
	ok(xj_idnum_area_ok("810000", ever, NULL), "Hong Kong residence permit 810000 accepted");
	ok(xj_idnum_area_ok("820000", ever, NULL), "Macao residence permit 820000 accepted");
	ok(xj_idnum_area_ok("830000", ever, NULL), "Taiwan residence permit 830000 accepted");

	is_int(xj_date_check(xj_str_c("2020-02-29")), XJ_OK, "date 2020-02-29 valid");
	is_int(xj_date_check(xj_str_c("2019-02-29")), XJ_E_F_DATE, "date 2019-02-29 invalid");
	is_int(xj_date_check(xj_str_c("2019-2-28")), XJ_E_F_DATE, "date needs two-digit month");
	is_int(xj_date_check(xj_str_c("2019/02/28")), XJ_E_F_DATE, "date needs dashes");
	is_int(xj_date_check(xj_str_c("1799-12-31")), XJ_E_F_DATE, "dates before 1800 refused");
	return done_testing();
}
