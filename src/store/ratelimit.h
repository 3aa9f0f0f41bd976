/* ratelimit.h -- fixed-window request counters shared by every worker
 * (workers keep no state between requests, so the counters live in
 * MariaDB, table rate_counter). A subject is a keyed hash (blind index) of
 * what is counted -- a phone number, a client address -- never the value. */
#ifndef XJ_STORE_RATELIMIT_H
#define XJ_STORE_RATELIMIT_H

struct xj_db;

/* Count one hit of (scope, subject) in a window of window_s seconds:
 * XJ_OK while the window's hits are at most limit, XJ_E_RATE_LIMITED past
 * it with *retry_after = seconds until the window ends. Two statements;
 * run inside a transaction so that a refused request can be rolled back
 * with the others it was counted in. */
int	xj_rate_hit(struct xj_db *, const char *scope, const unsigned char subject[32],
	    int window_s, int limit, long *retry_after);
/* Delete counters idle for two days: one bounded batch, *n deleted. */
int	xj_rate_purge(struct xj_db *, unsigned long long *n);

#endif
