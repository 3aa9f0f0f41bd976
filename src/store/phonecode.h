/* phonecode.h -- one-time codes proving a phone's owner (issue 10, review
 * H1): one live code per (phone, purpose), kept as its MAC only, with a
 * count of tries left and an expiry. */
#ifndef XJ_STORE_PHONECODE_H
#define XJ_STORE_PHONECODE_H

#include <stddef.h>

struct xj_db;

#define XJ_CODE_MAC_LEN	32

/* Store a new code for (phone, purpose), replacing the live one. */
int	xj_code_put(struct xj_db *, const unsigned char *phone_bidx,
	    const char *purpose, const unsigned char mac[XJ_CODE_MAC_LEN],
	    int tries, int ttl_s);
/* Inside the caller's transaction: lock the code, count one try, compare.
 * *ok = 1 when a live code with tries left has this MAC, else 0 (no code,
 * expired, no tries left, or another code: one answer for all, so that
 * nothing tells whether the phone was sent a code). */
int	xj_code_try(struct xj_db *, const unsigned char *phone_bidx,
	    const char *purpose, const unsigned char mac[XJ_CODE_MAC_LEN], int *ok);
/* Use the code up (inside the transaction that acts on it): XJ_OK when
 * this live code was there and is now gone, XJ_NO_ROW when not (used by
 * a concurrent request, or expired meanwhile). */
int	xj_code_take(struct xj_db *, const unsigned char *phone_bidx,
	    const char *purpose, const unsigned char mac[XJ_CODE_MAC_LEN]);
/* Delete codes expired for an hour: one bounded batch, *n deleted. */
int	xj_code_purge(struct xj_db *, unsigned long long *n);

#endif
