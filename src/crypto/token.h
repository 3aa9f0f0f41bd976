/* token.h -- stateless session tokens (the value of the HttpOnly,
 * SameSite=Strict session cookie) and anti-CSRF tokens (DESIGN.md
 * "Processes"). A session token is
 *
 *   "v2." base64url(payload) "." base64url(HMAC-SHA256(K_s, "v2." base64url(payload)))
 *
 * (base64url without padding, 91 characters) where the payload is 33
 * bytes: key id (4), kind, account (8), gen (4), iat (8), seen (8),
 * big-endian; K_s = HKDF(session key of that id, "xueji session"). The
 * key id lets the session key rotate with an overlap (review M11): new
 * tokens are made under the current (highest) id, and a token of any id
 * still listed in the session key file verifies; a sliding refresh
 * re-issues it under the current id. The MAC covers the version prefix
 * and the key id, so a later format cannot be confused with this one;
 * v1 tokens (under the old single hmac.key) are refused.
 *
 * The token proves only that this instance issued it. The caller decides
 * whether it is still good: xj_session_fresh() for the idle and absolute
 * limits, and the account row for gen, which a logout, a password change
 * or a new staff login increments (one live session per staff account,
 * R-ORG-4) so that every older token dies at once.
 *
 * The CSRF token, sent by the pages in a request header on every state
 * change, is base64url(key id (4) | HMAC-SHA256(K_c, kind|account|gen|iat))
 * (48 characters) with K_c = HKDF(csrf key of that id, "xueji csrf"),
 * rotating like the session key: it is bound to one session (not to
 * seen, so it stays the same while the session slides) and is useless with
 * any other, and it cannot be derived from the cookie.
 *
 * Pure functions (OpenSSL only), thread-safe. Comparisons of MACs are
 * constant time. */
#ifndef XJ_TOKEN_H
#define XJ_TOKEN_H

#include <stddef.h>

#include "crypto/keys.h"

#define XJ_TOKEN_LEN		91	/* length of a session token */
#define XJ_TOKEN_MAX		256	/* longer input is refused unread */
#define XJ_CSRF_LEN		48	/* length of a CSRF token */
/* buffer sizes for xj_token_make / xj_csrf_make, with the NUL */
#define XJ_TOKEN_BUF		(XJ_TOKEN_LEN + 1)
#define XJ_CSRF_BUF		(XJ_CSRF_LEN + 1)
/* how far iat or seen may lie in the future (clock skew between hosts) */
#define XJ_SESSION_SKEW		60

#define XJ_TOKEN_E_INPUT	(-1)	/* bad argument, buffer too small */
#define XJ_TOKEN_E_FORMAT	(-2)	/* not a token of this format */
#define XJ_TOKEN_E_MAC		(-3)	/* MAC mismatch: altered or foreign */
#define XJ_TOKEN_E_CRYPTO	(-4)	/* OpenSSL failed */

struct xj_session {
	char			kind;	 /* 'p' parent, 's' staff */
	unsigned long long	account;
	unsigned		gen;	 /* must equal the account row's */
	long long		iat;	 /* issued at, unix seconds, >= 0 */
	long long		seen;	 /* last activity, unix seconds, >= 0 */
};

/* Write the session token of s (kind 'p' or 's', iat and seen >= 0,
 * gen < 2^32) and a NUL to out (cap >= XJ_TOKEN_BUF). 0 or negative. */
int	xj_token_make(const struct xj_keys *k, const struct xj_session *s,
	    char *out, size_t cap);
/* Verify tok (len bytes, no NUL needed) and fill out: 0, or
 * XJ_TOKEN_E_FORMAT for anything but exactly the format above (oversize,
 * truncated, trailing bytes, other version, bad alphabet, bad kind),
 * XJ_TOKEN_E_MAC for a token this key did not make. Expiry is not
 * checked here. out is zeroed on failure. */
int	xj_token_parse(const struct xj_keys *k, const char *tok, size_t len,
	    struct xj_session *out);
/* 1 when the session is fresh at now: now - seen <= idle_s, now - iat <=
 * absolute_s, and neither iat nor seen lies more than XJ_SESSION_SKEW
 * seconds in the future; 0 otherwise (also for negative limits). */
int	xj_session_fresh(const struct xj_session *s, long long now,
	    long idle_s, long absolute_s);

/* Write the CSRF token of s and a NUL to out (cap >= XJ_CSRF_BUF). */
int	xj_csrf_make(const struct xj_keys *k, const struct xj_session *s,
	    char *out, size_t cap);
/* 1 when tok (len bytes) is the CSRF token of s, else 0 -- also on any
 * error, never negative, so "if (!xj_csrf_check(...)) refuse" is safe. */
int	xj_csrf_check(const struct xj_keys *k, const struct xj_session *s,
	    const char *tok, size_t len);

#endif
