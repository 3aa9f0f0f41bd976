/* workday.h -- working days under the official calendar (R-MOV-3).
 *
 * A day is a working day when it is Monday..Friday and not a public
 * holiday, or when it is a make-up working day (调休: a Saturday or Sunday
 * the State Council notice declares worked). "The Nth working day after D"
 * counts from D+1: D itself never counts, whatever it is, and n = 0 is D.
 *
 * The special days come from the calendar tables (store/calendar.c) for
 * the days touched, national and the province's overlay merged, sorted by
 * day, one entry per day. A year that has no imported calendar is not
 * "a year without holidays": a count that touches it is provisional
 * (weekends only there) and becomes final once the year is imported.
 *
 * Days are counted as days since 1970-01-01 (xj_days_from_civil), pure
 * arithmetic, no time zone: every date here is a Beijing calendar date. */
#ifndef XJ_WORKDAY_H
#define XJ_WORKDAY_H

#include <stddef.h>

enum xj_daykind {
	XJ_DAY_HOLIDAY	= 1,	/* off, though it may be a weekday */
	XJ_DAY_WORKDAY	= 2,	/* on, though it may be a weekend (调休) */
};

struct xj_specialday {
	long long	day;	/* days since 1970-01-01 */
	int		kind;	/* enum xj_daykind */
};

/* What a count needs to know: the special days of the span (sorted by day,
 * unique) and which years have an imported calendar. Years outside
 * [year_lo, year_lo + 32) count as not imported. */
struct xj_workcal {
	const struct xj_specialday	*days;
	size_t				 ndays;
	int				 year_lo;
	unsigned			 years_known;	/* bit i: year_lo + i imported */
};

/* "YYYY-MM-DD" (exactly 10 characters, a real date) to days since the
 * epoch: 0, or -1 when it is not one. */
int	xj_workday_parse(const char *s, long long *day);
/* Days since the epoch to "YYYY-MM-DD" and a NUL. */
void	xj_workday_format(long long day, char out[11]);
/* The civil year of a day. */
int	xj_workday_year(long long day);
/* 0 Sunday .. 6 Saturday. */
int	xj_workday_wday(long long day);
/* 1 if the day is worked under cal, else 0. */
int	xj_workday_is_working(const struct xj_workcal *cal, long long day);
/* The day n (>= 0) working days after from, counting from from + 1, into
 * *out; *provisional = 1 when a day examined (from + 1 .. *out) lies in a
 * year without an imported calendar. Returns 0, or -1 when the answer lies
 * after limit (the caller loaded special days only up to limit). */
int	xj_workday_add(const struct xj_workcal *cal, long long from, int n,
	    long long limit, long long *out, int *provisional);
/* Working days in (from, to] when from <= to, minus those in (to, from]
 * when to < from; *provisional as for xj_workday_add over the days
 * examined. */
int	xj_workday_between(const struct xj_workcal *cal, long long from,
	    long long to, int *provisional);

#endif
