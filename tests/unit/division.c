/* division.c -- unit tests of division-code forms (src/domain/division.h,
 * R-COL-6 hukou location = 6-digit county code + "000000"): county codes,
 * the prefecture-level cities without counties (东莞 441900), hukou codes
 * and the county taken from them. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "domain/division.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		const char	*s;
		int		 rc;
		const char	*why;
	} counties[] = {
		{ "110105", XJ_OK, "R-COL-2 county code 110105 (朝阳区) accepted" },
		{ "652201", XJ_OK, "R-COL-2 county code 652201 accepted" },
		{ "441900", XJ_OK, "R-COL-2 东莞 441900, a city without counties, is a county-level code" },
		{ "442000", XJ_OK, "R-COL-2 中山 442000, a city without counties, is a county-level code" },
		{ "460400", XJ_OK, "R-COL-2 儋州 460400, a city without counties, is a county-level code" },
		{ "110000", XJ_E_F_DIVISION, "R-COL-2 province code 110000 is not a county" },
		{ "440000", XJ_E_F_DIVISION, "R-COL-2 province code 440000 is not a county" },
		{ "011234", XJ_E_F_DIVISION, "R-COL-2 province part 01 never existed" },
		{ "101234", XJ_E_F_DIVISION, "R-COL-2 province part 10 never existed" },
		{ "11010", XJ_E_F_DIVISION, "R-COL-2 county code of 5 digits refused" },
		{ "1101050", XJ_E_F_DIVISION, "R-COL-2 county code of 7 digits refused" },
		{ "11010a", XJ_E_F_DIVISION, "R-COL-2 county code with a letter refused" },
		{ "", XJ_E_F_DIVISION, "R-COL-2 empty county code refused" },
	};
	static const struct {
		const char	*s;
		int		 rc;
		const char	*why;
	} hukous[] = {
		{ "110105000000", XJ_OK, "R-COL-6 hukou location 110105000000 accepted" },
		{ "441900000000", XJ_OK, "R-COL-6 hukou location in 东莞 441900000000 accepted" },
		{ "110105001000", XJ_E_F_DIVISION, "R-COL-6 hukou location must end in 000000 (township codes refused)" },
		{ "110000000000", XJ_E_F_DIVISION, "R-COL-6 hukou location at province level refused" },
		{ "110105", XJ_E_F_DIVISION, "R-COL-6 hukou location of 6 digits refused" },
		{ "1101050000000", XJ_E_F_DIVISION, "R-COL-6 hukou location of 13 digits refused" },
		{ "11010x000000", XJ_E_F_DIVISION, "R-COL-6 hukou location with a letter refused" },
		{ "", XJ_E_F_DIVISION, "R-COL-6 empty hukou location refused" },
	};
	char county[7];

	plan_lazy();
	for (size_t i = 0; i < sizeof(counties) / sizeof(counties[0]); i++)
		is_int(xj_county_code_check(xj_str_c(counties[i].s)), counties[i].rc,
		    counties[i].why);
	for (size_t i = 0; i < sizeof(hukous) / sizeof(hukous[0]); i++)
		is_int(xj_hukou_code_check(xj_str_c(hukous[i].s)), hukous[i].rc,
		    hukous[i].why);

	is_int(xj_hukou_county(xj_str_c("320102000000"), county), XJ_OK,
	    "R-REC-10 county of a hukou location found");
	is_str(county, "320102", "R-REC-10 county of hukou 320102000000 is 320102");
	memcpy(county, "junk!", 6);
	is_int(xj_hukou_county(xj_str_c("320102001000"), county), XJ_E_F_DIVISION,
	    "R-REC-10 county of a malformed hukou location refused");
	is_str(county, "", "R-REC-10 county left empty on error");
	/* strings carry their length: bytes after len are never read */
	is_int(xj_hukou_code_check((struct xj_str){ 12, "110105000000999" }), XJ_OK,
	    "R-COL-6 only len bytes are read");
	/* local (R-COL-6): the same city, for a municipality the province */
	is_int(xj_division_local("110108000000", "110105"), 1, "R-COL-6 Haidian hukou is local in Chaoyang (municipality)");
	is_int(xj_division_local("120101000000", "110105"), 0, "R-COL-6 Tianjin hukou is not local in Beijing");
	is_int(xj_division_local("320105000000", "320102"), 1, "R-COL-6 the same city (3201) is local");
	is_int(xj_division_local("320205000000", "320102"), 0, "R-COL-6 another city of the province (3202) is not local");
	is_int(xj_division_local("500101000000", "500103"), 1, "R-COL-6 Chongqing is a municipality: the province counts");
	return done_testing();
}
