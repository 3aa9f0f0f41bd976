/* age.c -- full years and the school-entry age rule (R-COL-8). Pure. */
#include "config.h"

#include "core/err.h"
#include "age.h"
#include "idnum.h"

int
xj_age_on(int by, int bm, int bd, int y, int m, int d)
{
	int age;

	if (!xj_date_valid(by, bm, bd) || !xj_date_valid(y, m, d))
		return -1;
	age = y - by;
	/* Before the birthday this year? Compared as (month, day) pairs, a
	 * 29 February birthday in a common year is not reached on 28 February
	 * and is passed on 1 March: the 1 March rule needs no special case. */
	if (m < bm || (m == bm && d < bd))
		age--;
	return age < 0 ? -1 : age;
}

int
xj_age_ok_for_entry(int by, int bm, int bd, int cy, int cm, int cd, int min_age)
{
	int age;

	if (!xj_date_valid(by, bm, bd) || !xj_date_valid(cy, cm, cd))
		return XJ_E_F_DATE;
	/* born after the cut-off day: not even 0 on it, so under any age */
	if ((age = xj_age_on(by, bm, bd, cy, cm, cd)) < 0)
		return 0;
	return age >= min_age;
}

int
xj_birth_date_check(int by, int bm, int bd, int ty, int tm, int td)
{
	if (!xj_date_valid(by, bm, bd) || !xj_date_valid(ty, tm, td))
		return XJ_E_F_DATE;
	if (by != ty)
		return by < ty ? XJ_OK : XJ_E_F_FUTURE_DATE;
	if (bm != tm)
		return bm < tm ? XJ_OK : XJ_E_F_FUTURE_DATE;
	return bd <= td ? XJ_OK : XJ_E_F_FUTURE_DATE;
}
