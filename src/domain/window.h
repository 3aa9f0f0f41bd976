/* window.h -- collection windows and Beijing time (R-COL-1). A window is
 * configured per year and region (policy tables); the most specific one
 * for a county wins: the county's own, else its city's (xxxx00), else its
 * province's (xx0000). Inside it, parents may create, correct and cancel
 * registrations; outside it they may not.
 *
 * Instants are seconds since the Unix epoch (UTC). People read and type
 * Beijing time: Asia/Shanghai is UTC+8 all year, without daylight saving
 * since 1991 (China had DST in the summers of 1986..1991; times in those
 * summers convert one hour off tzdata, which no window or deadline of this
 * system will meet). The conversions are pure civil-calendar arithmetic
 * (Howard Hinnant's days_from_civil): no timegm(), no TZ, no locale. */
#ifndef XJ_WINDOW_H
#define XJ_WINDOW_H

#include <stddef.h>

#include "core/str.h"

#define XJ_SHANGHAI_OFFSET	(8 * 3600)

struct xj_window {
	char		division[7];	/* county, city (xxxx00) or province (xx0000) code */
	long long	opens_utc;	/* first second inside */
	long long	closes_utc;	/* first second after: 7..31 May closes at 1 June 00:00 */
};

/* A broken-down Beijing time, like struct tm but with real numbers:
 * year 2024, month 1..12, day 1..31, wday 0 = Sunday. */
struct xj_localtime {
	int	year, month, day;
	int	hour, min, sec;
	int	wday;
};

/* The window for county6 among w[0..n): exact county, else city, else
 * province; the first such row when several match equally. NULL if none. */
const struct xj_window	*xj_window_pick(const struct xj_window *w, size_t n,
			    const char *county6);
/* 1 if opens_utc <= now_utc < closes_utc, else 0 (also for w == NULL). */
int	xj_window_open(const struct xj_window *w, long long now_utc);

/* Days from 1970-01-01 to a proleptic Gregorian date (negative before). */
long long	xj_days_from_civil(int y, int m, int d);
/* Beijing wall-clock time to UTC seconds. Fields are not range-checked
 * (month 13 is January next year); parse input with xj_datetime_parse_local. */
long long	xj_shanghai_to_utc(int y, int mo, int d, int h, int mi, int s);
/* UTC seconds to Beijing wall-clock time. */
void		xj_utc_to_shanghai(long long t, struct xj_localtime *out);

/* "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS" (Beijing time), the same with
 * 'T' in place of the space, or ISO 8601 with an offset: "...:SS+08:00",
 * "...:SS-05:00", "...:SSZ". A real date (1800..9999), hours 00..23,
 * minutes and seconds 00..59. XJ_OK and *utc, or XJ_E_F_DATETIME. */
int	xj_datetime_parse_local(struct xj_str s, long long *utc);
/* "YYYY-MM-DDTHH:MM:SS+08:00" and a NUL (26 bytes). XJ_OK, or XJ_E_F_RANGE
 * (out = "") for a year outside 0000..9999. */
int	xj_datetime_format_local(long long utc, char out[26]);
/* The database's "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC: every DATETIME
 * column holds UTC) as the API's one time format, "YYYY-MM-DDTHH:MM:SS
 * +08:00" (xj_datetime_format_local). NULL, "" or anything else: "". */
void	xj_datetime_format_db(const char *utc, char out[26]);

#endif
