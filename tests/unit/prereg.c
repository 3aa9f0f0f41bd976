/* prereg.c -- unit tests of pre-registration numbers (src/domain/prereg.h,
 * R-COL-3): layout YY CCCCCC NNNNNNN K, the MOD 11-2 check character (the
 * ID-number scheme of R-COL-7), the display form, and the promise that a
 * mistyped number is refused before any lookup -- proved exhaustively for
 * a few numbers: every single-character substitution, every transposition
 * of neighbours, of characters one apart, and every twin error. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "domain/idnum.h"
#include "domain/prereg.h"
#include "tap.h"

static const char alphabet[] = "0123456789X";

static int
parse(const char *s, struct xj_prereg *p)
{
	return xj_prereg_parse(xj_str_c(s), p);
}

/* Every single-character change of good is refused. Returns the number of
 * variants that were accepted (0 is the promise). */
static int
singles(const char *good)
{
	struct xj_prereg p;
	char v[17];
	int bad = 0;

	for (int i = 0; i < XJ_PREREG_LEN; i++)
		for (const char *a = alphabet; *a; a++) {
			if (*a == good[i])
				continue;
			memcpy(v, good, 17);
			v[i] = *a;
			/* a digit for a digit must be a check error, not luck */
			if (parse(v, &p) != (i < 15 && *a == 'X' ?
			    XJ_E_F_PREREG_FORMAT : XJ_E_F_PREREG_CHECK))
				bad++;
		}
	return bad;
}

/* Every swap of positions i and i + gap that changes the number is
 * refused. */
static int
swaps(const char *good, int gap)
{
	struct xj_prereg p;
	char v[17];
	int bad = 0;

	for (int i = 0; i + gap < XJ_PREREG_LEN; i++) {
		if (good[i] == good[i + gap])
			continue;
		memcpy(v, good, 17);
		v[i] = good[i + gap];
		v[i + gap] = good[i];
		if (parse(v, &p) == XJ_OK)
			bad++;
	}
	return bad;
}

/* Twin errors: "aa" typed as "bb" for neighbours. */
static int
twins(const char *good)
{
	struct xj_prereg p;
	char v[17];
	int bad = 0;

	for (int i = 0; i + 1 < XJ_PREREG_LEN; i++) {
		if (good[i] != good[i + 1])
			continue;
		for (const char *b = alphabet; *b; b++) {
			if (*b == good[i])
				continue;
			memcpy(v, good, 17);
			v[i] = v[i + 1] = *b;
			if (parse(v, &p) == XJ_OK)
				bad++;
		}
	}
	return bad;
}

int
main(void)
{
	static const struct {
		int		 year;
		const char	*county;
		unsigned	 serial;
	} samples[] = {
		{ 2024, "110105", 1234567 },
		{ 2025, "441900", 0 },
		{ 2030, "652201", 9999999 },
		{ 2024, "110108", 5500550 },	/* doubled digits for the twin errors */
	};
	struct xj_prereg p;
	char num[17], disp[20], typed[40], ten[18];
	int checks[11] = { 0 }, disagree = 0;

	plan_lazy();

	is_int(xj_prereg_make(2024, "110105", 1234567, num), XJ_OK, "R-COL-3 number made");
	is_int((long long)strlen(num), 16, "R-COL-3 number has 16 characters");
	ok(memcmp(num, "24", 2) == 0, "R-COL-3 YY: last two digits of the year 2024");
	ok(memcmp(num + 2, "110105", 6) == 0, "R-COL-3 CCCCCC: county registered in (R-COL-2)");
	ok(memcmp(num + 8, "1234567", 7) == 0, "R-COL-3 NNNNNNN: the caller's random digits");
	is_int(xj_prereg_make(2024, "110105", 42, num), XJ_OK, "R-COL-3 small serial made");
	ok(memcmp(num + 8, "0000042", 7) == 0, "R-COL-3 serial zero-padded to 7 digits");

	/* the check character is ISO 7064 MOD 11-2, as in ID numbers: the same
	 * as idnum's for the 15 digits behind two zeros */
	memcpy(ten, "00", 2);
	memcpy(ten + 2, "241101050000042", 15);
	ok(xj_prereg_check_char("241101050000042") == xj_idnum_check_char(ten),
	    "R-COL-7 check character agrees with the ID-number MOD 11-2");
	for (unsigned s = 0; s < 2000; s++) {
		xj_prereg_make(2024, "110105", s * 4999u, num);
		memcpy(ten + 2, num, 15);
		if (num[15] != xj_idnum_check_char(ten))
			disagree++;
		checks[num[15] == 'X' ? 10 : num[15] - '0']++;
	}
	is_int(disagree, 0, "R-COL-7 2000 numbers: check character agrees with idnum's");
	ok(checks[10] > 0 && checks[0] > 0 && checks[9] > 0,
	    "R-COL-3 check characters 0, 9 and X all occur");

	is_int(xj_prereg_make(1999, "110105", 1, num), XJ_E_F_RANGE, "R-COL-3 year 1999 refused");
	is_str(num, "", "R-COL-3 no number on error");
	is_int(xj_prereg_make(2100, "110105", 1, num), XJ_E_F_RANGE, "R-COL-3 year 2100 refused");
	is_int(xj_prereg_make(2024, "110105", 10000000, num), XJ_E_F_RANGE,
	    "R-COL-3 serial of 8 digits refused");
	is_int(xj_prereg_make(2024, "110000", 1, num), XJ_E_F_DIVISION,
	    "R-COL-2 a province code is no district to register in");
	is_int(xj_prereg_make(2024, "1101", 1, num), XJ_E_F_DIVISION,
	    "R-COL-2 a short county code refused");

	xj_prereg_make(2024, "110105", 1234567, num);
	is_int(parse(num, &p), XJ_OK, "R-COL-3 canonical number parsed");
	is_str(p.canon, num, "R-COL-3 canonical form kept");
	is_int(p.year, 2024, "R-COL-3 year from YY");
	is_str(p.county, "110105", "R-COL-3 county from CCCCCC");
	is_str(p.serial, "1234567", "R-COL-3 serial from NNNNNNN");
	xj_prereg_display(num, disp);
	snprintf(typed, sizeof(typed), "24-110105-1234567-%c", num[15]);
	is_str(disp, typed, "R-COL-3 display form YY-CCCCCC-NNNNNNN-K");
	is_int(parse(disp, &p), XJ_OK, "R-COL-3 display form parsed");
	is_str(p.canon, num, "R-COL-3 display form gives the canonical number");
	snprintf(typed, sizeof(typed), " 24 110105 1234567 %c ", num[15]);
	is_int(parse(typed, &p), XJ_OK, "R-COL-3 spaces as separators accepted");
	snprintf(typed, sizeof(typed), "24 - 110105 - 1234567 - %c", num[15]);
	is_int(parse(typed, &p), XJ_OK, "R-COL-3 dashes with spaces around accepted");

	/* a number ending in X, typed in lower case */
	for (unsigned s = 0;; s++) {
		xj_prereg_make(2024, "110105", s, num);
		if (num[15] == 'X')
			break;
	}
	memcpy(typed, num, 17);
	typed[15] = 'x';
	is_int(parse(typed, &p), XJ_OK, "R-COL-3 lower-case x accepted as check character");
	is_int(p.canon[15], 'X', "R-COL-3 lower-case x stored as X");

	is_int(parse("", &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 empty number refused");
	is_int(parse("241101051234567", &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 15 characters refused");
	is_int(parse("24110105123456700", &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 17 characters refused");
	is_int(parse("24110105123456X0", &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 X only as the last character");
	is_int(parse("2411010512345a7X", &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 letters refused");
	is_int(parse("24_110105_1234567_X", &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 underscores are no separators");
	memset(typed, '-', 39);
	typed[39] = '\0';
	is_int(parse(typed, &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 nothing but dashes refused");
	memset(typed, '1', 39);
	is_int(parse(typed, &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 overlong input refused");
	/* a well-formed number whose county part is a province code: only a
	 * forged number gets here, since make() refuses such a county */
	memcpy(typed, "241100001234567", 15);
	typed[15] = xj_prereg_check_char(typed);
	typed[16] = '\0';
	is_int(parse(typed, &p), XJ_E_F_PREREG_FORMAT, "R-COL-3 county part must be a county code");

	for (size_t k = 0; k < sizeof(samples) / sizeof(samples[0]); k++) {
		xj_prereg_make(samples[k].year, samples[k].county, samples[k].serial, num);
		is_int(singles(num), 0, "R-COL-3 every single-character error refused (all 160 variants)");
		is_int(swaps(num, 1), 0, "R-COL-3 every transposition of neighbours refused");
		is_int(swaps(num, 2), 0, "R-COL-3 every transposition one apart refused");
		is_int(twins(num), 0, "R-COL-3 every twin error (aa -> bb) refused");
		diag("checked %s", num);
	}
	return done_testing();
}
