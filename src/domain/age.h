/* age.h -- a child's age for school entry (R-COL-8): the province sets a
 * cut-off date and a minimum age (e.g. 6 by 31 August); an under-age child
 * is a warning for staff, never a refusal (seed 004 §五.4, R-REC-8).
 * Pure functions; no I/O.
 *
 * A child born on 29 February turns a year older on 1 March in a year
 * without 29 February: its birthday has not come while 28 February lasts.
 * (The other convention, 28 February, would make the child older than the
 * calendar says by a day; no seed rule asks for it.) So a child born
 * 2016-02-29 is 5 on 2022-02-28 and 6 on 2022-03-01. */
#ifndef XJ_AGE_H
#define XJ_AGE_H

/* Full years of a child born by-bm-bd on y-m-d. -1 if either date is not
 * a real date (xj_date_valid) or y-m-d is before the birth. */
int	xj_age_on(int by, int bm, int bd, int y, int m, int d);
/* 1 if the child is at least min_age full years old on the cut-off date
 * (inclusive: born 2016-08-31 is 6 on 2022-08-31), 0 if younger (a
 * warning) -- also when born after the cut-off day, a child not yet born
 * on it being younger than any minimum age -- and XJ_E_F_DATE if a date
 * is not real. */
int	xj_age_ok_for_entry(int by, int bm, int bd, int cy, int cm, int cd,
	    int min_age);
/* A birth date is a real date and not later than today (ty-tm-td, the
 * Beijing date): XJ_OK, XJ_E_F_DATE or XJ_E_F_FUTURE_DATE. Born today is
 * allowed; a number or a form that says "born tomorrow" is a typo. */
int	xj_birth_date_check(int by, int bm, int bd, int ty, int tm, int td);

#endif
