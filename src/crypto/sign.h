/* sign.h -- signatures of the public-security (PSB) gateway's callbacks
 * (DESIGN.md "Outside parties"): lower-case hex HMAC-SHA256, under the key
 * shared with the gateway, of
 *
 *   timestamp "\n" nonce "\n" METHOD "\n" path_with_query "\n" body
 *
 * The design's first sketch signed timestamp + body only; that lets a
 * captured callback be replayed within the window with a fresh nonce, or
 * sent to another path (another endpoint with the same body shape). The
 * nonce, method and path are therefore signed too. Newlines separate the
 * parts, and none but the body (last) may hold one, so no two inputs sign
 * the same string. The receiver also checks, in this order: the timestamp
 * is within the window (xj_sign_ts_fresh, 5 minutes), the nonce is well
 * formed (xj_sign_nonce_ok), the signature (xj_sign_psb_verify), and only
 * then records the nonce, refusing one seen before within the window.
 *
 * Pure functions (OpenSSL only), thread-safe. */
#ifndef XJ_SIGN_H
#define XJ_SIGN_H

#include <stddef.h>

#define XJ_SIGN_HEX_LEN		64
#define XJ_SIGN_KEY_MIN		16	/* bytes; the gateway key is random */
#define XJ_SIGN_METHOD_MAX	16
#define XJ_SIGN_TS_DIGITS	12
#define XJ_SIGN_NONCE_MIN	16
#define XJ_SIGN_NONCE_MAX	64

/* Write the signature (64 lower-case hex digits and a NUL) to hex_out.
 * ts, nonce and path are C strings without '\n', method is 1..16
 * upper-case letters ("POST"), key has at least XJ_SIGN_KEY_MIN bytes,
 * body may be NULL when len is 0. 0 or -1 (bad argument, OpenSSL
 * failure). */
int	xj_sign_psb(const unsigned char *key, size_t keylen, const char *ts,
	    const char *nonce, const char *method, const char *path,
	    const void *body, size_t len, char hex_out[XJ_SIGN_HEX_LEN + 1]);
/* 1 when hex_sig (siglen bytes: 64 hex digits, either case) is the
 * signature of the request, else 0 -- also on any error, never negative.
 * The comparison is constant time. */
int	xj_sign_psb_verify(const unsigned char *key, size_t keylen,
	    const char *ts, const char *nonce, const char *method,
	    const char *path, const void *body, size_t len,
	    const char *hex_sig, size_t siglen);
/* 1 when ts is a decimal unix time (1..12 digits, nothing else) within
 * window_s seconds of now either way, else 0. */
int	xj_sign_ts_fresh(const char *ts, long long now, long window_s);
/* 1 when nonce is 16..64 characters of [A-Za-z0-9_-], else 0. */
int	xj_sign_nonce_ok(const char *nonce, size_t len);

#endif
