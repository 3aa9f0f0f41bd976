/* window.c -- unit tests of collection windows and Beijing time
 * (src/domain/window.h, R-COL-1): the most specific window for a county,
 * the half-open [opens, closes) interval, UTC+8 conversions checked against
 * known instants and against a day-by-day walk over four centuries, and
 * the accepted and refused spellings of a time. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "domain/window.h"
#include "tap.h"

static int
parse(const char *s, long long *t)
{
	return xj_datetime_parse_local(xj_str_c(s), t);
}

int
main(void)
{
	/* Beijing, 2024: 7 May 00:00 .. 31 May 24:00 (R-COL-1, seed 000) */
	long long may7 = xj_shanghai_to_utc(2024, 5, 7, 0, 0, 0);
	long long jun1 = xj_shanghai_to_utc(2024, 6, 1, 0, 0, 0);
	const struct xj_window w[] = {
		{ "110000", may7, jun1 },					/* Beijing */
		{ "110108", may7 + 86400, jun1 },				/* Haidian opens a day late */
		{ "440000", xj_shanghai_to_utc(2024, 4, 1, 0, 0, 0), 0 },	/* Guangdong */
		{ "440300", xj_shanghai_to_utc(2024, 4, 15, 9, 0, 0), 0 },	/* Shenzhen */
	};
	const size_t nw = sizeof(w) / sizeof(w[0]);
	static const struct {
		const char	*s;
		long long	 utc;
		const char	*why;
	} good[] = {
		{ "1970-01-01 08:00", 0, "R-COL-1 1970-01-01 08:00 Beijing is the epoch" },
		{ "1970-01-01T08:00:00+08:00", 0, "R-COL-1 ISO form with +08:00" },
		{ "1970-01-01T00:00:00Z", 0, "R-COL-1 ISO form with Z" },
		{ "1969-12-31T19:00:00-05:00", 0, "R-COL-1 ISO form with a negative offset" },
		{ "2024-05-07 00:00", 1715011200, "R-COL-1 2024-05-07 00:00 Beijing = 2024-05-06T16:00Z" },
		{ "2024-05-07 00:00:00", 1715011200, "R-COL-1 seconds optional" },
		{ "2024-05-07T00:00", 1715011200, "R-COL-1 T separator without seconds, Beijing time" },
		{ "2024-02-29 12:30:15", 1709181015, "R-COL-1 29 February of a leap year" },
		{ "2000-02-29 00:00", 951753600, "R-COL-1 29 February 2000 (400-year leap)" },
		{ "1900-03-01 08:00", -2203891200LL, "R-COL-1 before 1970 (negative seconds)" },
		{ "2038-01-19 11:14:08", 2147483648LL, "R-COL-1 past 2038 (64-bit seconds)" },
		{ "9999-12-31 23:59:59", 253402271999LL, "R-COL-1 last second of 9999" },
	};
	static const struct {
		const char	*s;
		const char	*why;
	} bad[] = {
		{ "2023-02-29 00:00", "R-COL-1 29 February of a common year refused" },
		{ "1900-02-29 00:00", "R-COL-1 29 February 1900 refused" },
		{ "2024-04-31 00:00", "R-COL-1 31 April refused" },
		{ "2024-13-01 00:00", "R-COL-1 month 13 refused" },
		{ "2024-05-07 24:00", "R-COL-1 hour 24 refused" },
		{ "2024-05-07 23:60", "R-COL-1 minute 60 refused" },
		{ "2024-05-07 23:59:60", "R-COL-1 leap second refused" },
		{ "2024-05-07", "R-COL-1 a date without a time refused" },
		{ "2024-5-7 00:00", "R-COL-1 one-digit month refused" },
		{ "2024/05/07 00:00", "R-COL-1 slashes refused" },
		{ "2024-05-07 00:00:0", "R-COL-1 one-digit seconds refused" },
		{ "2024-05-07 00:00:00+0800", "R-COL-1 offset without colon refused" },
		{ "2024-05-07 00:00:00+15:00", "R-COL-1 offset beyond 14 hours refused" },
		{ "2024-05-07 00:00:00 ", "R-COL-1 trailing space refused" },
		{ "2024-05-07 00:00Zjunk", "R-COL-1 trailing characters refused" },
		{ "1799-12-31 23:59", "R-COL-1 before 1800 refused" },
		{ "", "R-COL-1 empty refused" },
	};
	struct xj_localtime lt;
	char out[26];
	long long t;
	int walk_bad = 0;

	plan_lazy();

	ok(xj_window_pick(w, nw, "110108") == &w[1], "R-COL-1 county window wins over province");
	ok(xj_window_pick(w, nw, "110105") == &w[0], "R-COL-1 province window when the county has none");
	ok(xj_window_pick(w, nw, "440305") == &w[3], "R-COL-1 city window (440300) when the county has none");
	ok(xj_window_pick(w, nw, "440106") == &w[2], "R-COL-1 province window when neither county nor city has one");
	ok(xj_window_pick(w, nw, "310104") == NULL, "R-COL-1 no window for a region without one");
	ok(xj_window_pick(w, nw, "1101") == NULL, "R-COL-1 malformed county: no window");
	ok(xj_window_pick(w, 0, "110108") == NULL, "R-COL-1 empty list: no window");

	ok(!xj_window_open(&w[0], may7 - 1), "R-COL-1 closed the second before it opens");
	ok(xj_window_open(&w[0], may7), "R-COL-1 open at the opening instant");
	ok(xj_window_open(&w[0], xj_shanghai_to_utc(2024, 5, 31, 23, 59, 59)),
	    "R-COL-1 open on 31 May 23:59:59 Beijing time");
	ok(!xj_window_open(&w[0], jun1), "R-COL-1 closed at the closing instant (1 June 00:00)");
	ok(!xj_window_open(&w[1], may7), "R-COL-1 Haidian still closed on 7 May");
	ok(!xj_window_open(NULL, may7), "R-COL-1 no window: closed");
	ok(!xj_window_open(&w[2], xj_shanghai_to_utc(2024, 4, 2, 0, 0, 0)),
	    "R-COL-1 a window that closes at 0 is never open");

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		t = -1;
		is_int(parse(good[i].s, &t), XJ_OK, good[i].why);
		is_int(t, good[i].utc, good[i].why);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse(bad[i].s, &t), XJ_E_F_DATETIME, bad[i].why);
	is_int(xj_datetime_parse_local((struct xj_str){ 16, "2024-05-07 00:00:00" }, &t), XJ_OK,
	    "R-COL-1 only len bytes are read");
	is_int(t, 1715011200, "R-COL-1 16 bytes: 2024-05-07 00:00");

	is_int(xj_datetime_format_local(0, out), XJ_OK, "R-COL-1 epoch formats");
	is_str(out, "1970-01-01T08:00:00+08:00", "R-COL-1 epoch in Beijing time");
	xj_datetime_format_local(1715011200, out);
	is_str(out, "2024-05-07T00:00:00+08:00", "R-COL-1 window opening formats in Beijing time");
	xj_datetime_format_local(-2203891200LL, out);
	is_str(out, "1900-03-01T08:00:00+08:00", "R-COL-1 negative seconds format");
	xj_datetime_format_local(-1, out);
	is_str(out, "1970-01-01T07:59:59+08:00", "R-COL-1 one second before the epoch");
	is_int(xj_datetime_format_local(xj_shanghai_to_utc(10000, 1, 1, 0, 0, 0), out),
	    XJ_E_F_RANGE, "R-COL-1 year 10000 does not format");
	is_str(out, "", "R-COL-1 nothing written out of range");
	is_int(xj_datetime_format_local(xj_shanghai_to_utc(10000, 1, 1, 0, 0, 0) - 1, out),
	    XJ_OK, "R-COL-1 last second of 9999 formats");
	is_str(out, "9999-12-31T23:59:59+08:00", "R-COL-1 last second of 9999");
	is_int(xj_datetime_format_local(xj_shanghai_to_utc(0, 1, 1, 0, 0, 0), out),
	    XJ_OK, "R-COL-1 first second of year 0 formats");
	is_str(out, "0000-01-01T00:00:00+08:00", "R-COL-1 first second of year 0");
	is_int(xj_datetime_format_local(xj_shanghai_to_utc(0, 1, 1, 0, 0, 0) - 1, out),
	    XJ_E_F_RANGE, "R-COL-1 before year 0 does not format");
	xj_datetime_parse_local(xj_str_c("2024-05-31T23:59:59+08:00"), &t);
	xj_datetime_format_local(t, out);
	is_str(out, "2024-05-31T23:59:59+08:00", "R-COL-1 parse and format round-trip");
	ok(xj_shanghai_to_utc(2024, 13, 1, 0, 0, 0) == xj_shanghai_to_utc(2025, 1, 1, 0, 0, 0),
	    "month 13 is January of the next year");

	xj_utc_to_shanghai(1715011200, &lt);
	ok(lt.year == 2024 && lt.month == 5 && lt.day == 7 && lt.hour == 0 &&
	    lt.min == 0 && lt.sec == 0, "R-COL-1 2024-05-06T16:00Z is 7 May 00:00 in Beijing");
	is_int(lt.wday, 2, "R-COL-1 7 May 2024 was a Tuesday");
	xj_utc_to_shanghai(0, &lt);
	is_int(lt.wday, 4, "1 January 1970 was a Thursday");
	xj_utc_to_shanghai(-86400LL * 365, &lt);
	ok(lt.year == 1969 && lt.month == 1 && lt.day == 1 && lt.hour == 8,
	    "365 days before the epoch is 1969-01-01 08:00");

	/* every day 1800..2200: civil -> days -> civil is the identity, days
	 * are consecutive and the weekday advances by one */
	{
		long long prev = xj_days_from_civil(1799, 12, 31);
		int pw = -1;
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		for (int y = 1800; y <= 2200; y++)
			for (int m = 1; m <= 12; m++) {
				int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
				int dm = mdays[m - 1] + (m == 2 && leap);
				for (int d = 1; d <= dm; d++) {
					long long days = xj_days_from_civil(y, m, d);
					t = xj_shanghai_to_utc(y, m, d, 12, 34, 56);
					xj_utc_to_shanghai(t, &lt);
					if (days != prev + 1 || lt.year != y || lt.month != m ||
					    lt.day != d || lt.hour != 12 || lt.min != 34 ||
					    lt.sec != 56 || (pw >= 0 && lt.wday != (pw + 1) % 7) ||
					    t != days * 86400 + 12 * 3600 + 34 * 60 + 56 - 8 * 3600)
						walk_bad++;
					prev = days;
					pw = lt.wday;
				}
			}
	}
	is_int(walk_bad, 0, "R-COL-1 every day 1800..2200 converts both ways, weekdays consecutive");
	return done_testing();
}
