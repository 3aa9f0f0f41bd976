/* workday.c -- unit tests of working days under the official calendar
 * (src/domain/workday.h, R-MOV-3): "the Nth working day after D" counts
 * from D+1; weekends are off unless a make-up working day (调休); public
 * holidays are off; a count touching a year without an imported calendar
 * is provisional. The vectors are worked out by hand from the State
 * Council notices (国务院办公厅关于2025年/2026年部分节假日安排的通知),
 * typed in here independently of the files in data/calendar. */
#include "config.h"

#include <string.h>

#include "domain/window.h"
#include "domain/workday.h"
#include "tap.h"

/* holiday periods (every day off) and make-up working days, per notice */
static const struct { int y, m, d, days; } holidays[] = {
	/* 2024 */
	{ 2024, 1, 1, 1 }, { 2024, 2, 10, 8 }, { 2024, 4, 4, 3 }, { 2024, 5, 1, 5 },
	{ 2024, 6, 10, 1 }, { 2024, 9, 15, 3 }, { 2024, 10, 1, 7 },
	/* 2025: 元旦 1, 春节 1-28..2-4, 清明 4-4..6, 劳动节 5-1..5, 端午 5-31..6-2,
	 * 国庆中秋 10-1..8 */
	{ 2025, 1, 1, 1 }, { 2025, 1, 28, 8 }, { 2025, 4, 4, 3 }, { 2025, 5, 1, 5 },
	{ 2025, 5, 31, 3 }, { 2025, 10, 1, 8 },
	/* 2026: 元旦 1-1..3, 春节 2-15..23, 清明 4-4..6, 劳动节 5-1..5, 端午
	 * 6-19..21, 中秋 9-25..27, 国庆 10-1..7 */
	{ 2026, 1, 1, 3 }, { 2026, 2, 15, 9 }, { 2026, 4, 4, 3 }, { 2026, 5, 1, 5 },
	{ 2026, 6, 19, 3 }, { 2026, 9, 25, 3 }, { 2026, 10, 1, 7 },
};
static const struct { int y, m, d; } makeup[] = {
	{ 2024, 2, 4 }, { 2024, 2, 18 }, { 2024, 4, 7 }, { 2024, 4, 28 }, { 2024, 5, 11 },
	{ 2024, 9, 14 }, { 2024, 9, 29 }, { 2024, 10, 12 },
	{ 2025, 1, 26 }, { 2025, 2, 8 }, { 2025, 4, 27 }, { 2025, 9, 28 }, { 2025, 10, 11 },
	{ 2026, 1, 4 }, { 2026, 2, 14 }, { 2026, 2, 28 }, { 2026, 5, 9 }, { 2026, 9, 20 },
	{ 2026, 10, 10 },
};

static struct xj_specialday days2526[128], days2425[128];

static int
cmp(const void *a, const void *b)
{
	const struct xj_specialday *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

/* The special days of the years [lo, hi] (into days[128]) and those years
 * imported. */
static struct xj_workcal
calendar(struct xj_specialday *days, int lo, int hi)
{
	struct xj_workcal c = { days, 0, lo, 0 };
	size_t ndays = 0;

	for (size_t i = 0; i < sizeof(holidays) / sizeof(holidays[0]); i++)
		if (holidays[i].y >= lo && holidays[i].y <= hi)
			for (int k = 0; k < holidays[i].days; k++)
				days[ndays++] = (struct xj_specialday){ xj_days_from_civil(holidays[i].y,
				    holidays[i].m, holidays[i].d) + k, XJ_DAY_HOLIDAY };
	for (size_t i = 0; i < sizeof(makeup) / sizeof(makeup[0]); i++)
		if (makeup[i].y >= lo && makeup[i].y <= hi)
			days[ndays++] = (struct xj_specialday){ xj_days_from_civil(makeup[i].y,
			    makeup[i].m, makeup[i].d), XJ_DAY_WORKDAY };
	qsort(days, ndays, sizeof(days[0]), cmp);
	c.ndays = ndays;
	for (int y = lo; y <= hi; y++)
		c.years_known |= 1u << (y - lo);
	return c;
}

static long long
D(const char *s)
{
	long long d = -1;

	if (xj_workday_parse(s, &d) != 0)
		diag("bad date %s in a test", s);
	return d;
}

/* the date n working days after from, and whether provisional */
static const char *
add(const struct xj_workcal *c, const char *from, int n, int *prov)
{
	static char out[11];
	long long r;

	if (xj_workday_add(c, D(from), n, D(from) + 4000, &r, prov) != 0)
		return "(limit)";
	xj_workday_format(r, out);
	return out;
}

int
main(void)
{
	struct xj_workcal c = calendar(days2526, 2025, 2026), none = { NULL, 0, 2025, 0 }, c24;
	long long d, r;
	int prov = -1;
	char out[11];

	plan_lazy();

	/* dates */
	ok(xj_workday_parse("2024-02-29", &d) == 0, "2024-02-29 is a date (leap year)");
	ok(xj_workday_parse("2025-02-29", &d) != 0, "2025-02-29 is not a date");
	ok(xj_workday_parse("2025-1-05", &d) != 0, "a date is exactly YYYY-MM-DD");
	ok(xj_workday_parse("2025-01-05x", &d) != 0, "nothing may follow the date");
	ok(xj_workday_parse(NULL, &d) != 0, "no date is not a date");
	xj_workday_format(D("2026-12-06"), out);
	is_str(out, "2026-12-06", "format is the inverse of parse");
	xj_workday_format(D("2000-02-29"), out);
	is_str(out, "2000-02-29", "format over a century leap day");
	is_int(xj_workday_wday(D("2026-12-06")), 0, "2026-12-06 is a Sunday");
	is_int(xj_workday_wday(D("2025-10-11")), 6, "2025-10-11 is a Saturday");
	is_int(xj_workday_year(D("2026-12-31")), 2026, "the year of 2026-12-31");
	is_int(xj_workday_year(D("2027-01-01")), 2027, "the year of 2027-01-01");

	/* which days are worked */
	ok(!xj_workday_is_working(&c, D("2025-10-08")), "a holiday on a Wednesday is off (2025-10-08)");
	ok(xj_workday_is_working(&c, D("2025-10-11")), "a make-up Saturday is worked (2025-10-11)");
	ok(!xj_workday_is_working(&c, D("2025-10-12")), "a plain Sunday is off");
	ok(xj_workday_is_working(&c, D("2025-10-09")), "a plain Thursday is worked");
	ok(xj_workday_is_working(&c, D("2026-01-04")), "a make-up Sunday is worked (2026-01-04)");

	/* R-MOV-3: the 10th working day after D counts from D+1 */
	is_str(add(&c, "2025-01-24", 10, &prov), "2025-02-13",
	    "2025 Spring Festival: 10 working days after Fri 2025-01-24 is 2025-02-13 (make-up 1-26 and 2-8 count)");
	is_int(prov, 0, "  inside imported years: final");
	is_str(add(&c, "2025-09-26", 10, &prov), "2025-10-16",
	    "2025 National Day: 10 working days after Fri 2025-09-26 is 2025-10-16 (make-up 9-28 and 10-11 count)");
	is_str(add(&c, "2026-02-13", 10, &prov), "2026-03-05",
	    "2026 Spring Festival: 10 working days after Fri 2026-02-13 is 2026-03-05 (make-up 2-14 and 2-28 count)");
	is_str(add(&c, "2026-09-18", 10, &prov), "2026-10-09",
	    "2026 Mid-Autumn and National Day: 10 working days after Fri 2026-09-18 is 2026-10-09 (make-up 9-20 counts)");
	is_str(add(&c, "2026-09-18", 11, &prov), "2026-10-10",
	    "  and the 11th is the make-up Saturday 2026-10-10");
	is_str(add(&c, "2025-03-07", 1, &prov), "2025-03-10", "the 1st working day after a Friday is the Monday");
	is_str(add(&c, "2025-01-28", 1, &prov), "2025-02-05", "counting from a holiday: the first day back");
	is_str(add(&c, "2025-02-08", 1, &prov), "2025-02-10",
	    "D itself never counts, even a make-up working day");
	is_str(add(&c, "2025-01-28", 0, &prov), "2025-01-28", "0 working days after D is D");
	is_int(prov, 0, "  and examines no day: final");

	/* a year without an imported calendar: weekends only there, provisional */
	is_str(add(&c, "2026-12-18", 5, &prov), "2026-12-25", "5 working days after 2026-12-18 stay in 2026");
	is_int(prov, 0, "  final");
	is_str(add(&c, "2026-12-25", 10, &prov), "2027-01-08",
	    "10 working days after 2026-12-25 run into 2027, counted on weekends only");
	is_int(prov, 1, "  provisional: 2027 is not imported");
	is_str(add(&none, "2025-01-24", 10, &prov), "2025-02-07",
	    "without any calendar the Spring Festival is not skipped (weekends only)");
	is_int(prov, 1, "  and the answer says so: provisional, not 'no holidays'");
	c24 = calendar(days2425, 2024, 2025);
	is_str(add(&c24, "2024-12-27", 5, &prov), "2025-01-06",
	    "across New Year 2025 with both years imported: 1-1 is off");
	is_int(prov, 0, "  final");

	/* the caller's loaded span is a limit, never silently exceeded */
	ok(xj_workday_add(&c, D("2025-01-24"), 10, D("2025-02-12"), &r, &prov) == -1,
	    "a count past the loaded span reports it instead of guessing");
	ok(xj_workday_add(&c, D("2025-01-24"), 10, D("2025-02-13"), &r, &prov) == 0 &&
	    r == D("2025-02-13"), "a count ending on the span's last day is fine");

	/* between: (from, to], negative when to < from */
	is_int(xj_workday_between(&c, D("2025-01-24"), D("2025-02-13"), &prov), 10,
	    "working days between 2025-01-24 and 2025-02-13: 10");
	is_int(xj_workday_between(&c, D("2025-02-13"), D("2025-01-24"), &prov), -10,
	    "  the other way round: -10");
	is_int(xj_workday_between(&c, D("2026-09-18"), D("2026-10-09"), &prov), 10,
	    "working days between 2026-09-18 and 2026-10-09: 10");
	is_int(prov, 0, "  final");
	is_int(xj_workday_between(&c, D("2025-05-05"), D("2025-05-05"), &prov), 0, "none between a day and itself");
	is_int(xj_workday_between(&c, D("2026-12-31"), D("2027-01-04"), &prov), 2,
	    "2026-12-31 to 2027-01-04: Fri 1-1 and Mon 1-4 on weekends only");
	is_int(prov, 1, "  provisional");
	for (int n = 0; n <= 60; n++) {
		long long from = D("2025-09-20"), to;

		if (xj_workday_add(&c, from, n, from + 400, &to, &prov) != 0 ||
		    xj_workday_between(&c, from, to, &prov) != n) {
			ok(0, "between(from, add(from, n)) == n for n = %d", n);
			break;
		}
		if (n == 60)
			ok(1, "between(from, add(from, n)) == n for n = 0..60 over National Day 2025");
	}
	return done_testing();
}
