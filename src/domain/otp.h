/* otp.h -- one-time codes sent by SMS (issue 10, review H1): six decimal
 * digits drawn uniformly, and the schedule of delivery retries. Pure
 * functions, no I/O: the caller brings the randomness. */
#ifndef XJ_OTP_H
#define XJ_OTP_H

#include <stddef.h>
#include <stdint.h>

#define XJ_OTP_DIGITS	6

/* A code from one 32-bit random draw: 0 with out = 6 digits and a NUL, or
 * -1 when the draw falls in the top 4 294 967 296 mod 10^6 values, which
 * would bias the low codes: draw again (a chance of 1 in 4 570). */
int	xj_otp_from_random(uint32_t rnd, char out[XJ_OTP_DIGITS + 1]);
/* 1 when s (len bytes) is exactly six ASCII digits, else 0. */
int	xj_otp_format_ok(const char *s, size_t len);
/* Seconds to wait after failed try number `attempt` (1, 2, ...) before
 * the next: base * 2^(attempt-1), at most max, plus a jitter of up to a
 * quarter of it taken from rnd (so runners retrying one gateway outage do
 * not all come back in the same second), never above max. */
unsigned	xj_otp_backoff_s(unsigned attempt, unsigned base, unsigned max,
	    uint32_t rnd);

#endif
