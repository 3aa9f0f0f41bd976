/* totp.h -- time-based one-time passwords (RFC 6238 over RFC 4226's HOTP)
 * for the staff second factor (review M10): HMAC-SHA1 through OpenSSL,
 * 6 digits, 30-second steps, the step before and after the current one
 * accepted for clock drift. Which step was used last is the caller's
 * (store) business: a step is never accepted twice. Pure functions, no
 * global state, thread-safe. */
#ifndef XJ_TOTP_H
#define XJ_TOTP_H

#include <stddef.h>

#define XJ_TOTP_SECRET_LEN	20	/* bytes: 160 bits, RFC 4226 §4 R6 */
#define XJ_TOTP_STEP		30	/* seconds */
#define XJ_TOTP_DIGITS		6
#define XJ_TOTP_B32_LEN		32	/* base32 characters of a 20-byte secret */

/* The step of a Unix time: floor(t / 30) (T0 = 0). */
long long xj_totp_step(long long unix_time);
/* HOTP of step under key, the low `digits` decimal digits (6..8); -1 on
 * an OpenSSL failure. */
long	xj_totp_code(const unsigned char *key, size_t keylen, long long step, int digits);
/* A 6-digit code as typed (exactly 6 ASCII digits) checked against the
 * steps now-1, now, now+1 that are above last_step (-1: none used yet);
 * compared in constant time. 1 with *matched = the step, 0 otherwise. */
int	xj_totp_verify(const unsigned char *key, size_t keylen, long long unix_time,
	    const char *code, size_t codelen, long long last_step, long long *matched);
/* RFC 4648 base32 without padding (what authenticator apps read):
 * out needs ceil(len*8/5)+1 bytes; returns the length written. */
size_t	xj_totp_base32(const unsigned char *in, size_t len, char *out, size_t cap);

#endif
