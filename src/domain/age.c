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
	int age = xj_age_on(by, bm, bd, cy, cm, cd);

	if (age < 0)
		return XJ_E_F_DATE;
	return age >= min_age;
}
