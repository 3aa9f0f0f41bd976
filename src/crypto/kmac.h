/* kmac.h -- HMAC-SHA256 under a key derived from a master key for one
 * purpose: HMAC(HKDF-SHA256(master, info), msg). Session tokens, CSRF
 * tokens and blind indexes all have this shape.
 *
 * The keyed HMAC state of each (master, info) pair is computed once and
 * kept in a small process-wide table; a call copies it (EVP_MAC_CTX_dup),
 * feeds the message and finishes. OpenSSL 3 otherwise fetches the KDF,
 * the MAC and the digest by name on every one-shot call, which took ~10%
 * of the worker's CPU on the status poll (docs/benchmarks.md). The table
 * holds XJ_KMAC_SLOTS pairs; beyond that calls take the slow path, with
 * the same result. Thread-safe. */
#ifndef XJ_KMAC_H
#define XJ_KMAC_H

#include <stddef.h>

#define XJ_KMAC_LEN	32
#define XJ_KMAC_SLOTS	32

/* 0, or -1 (bad input, OpenSSL failure). master: 32 bytes. */
int	xj_kmac(const unsigned char master[32], const char *info,
	    const void *msg, size_t len, unsigned char out[XJ_KMAC_LEN]);
/* The MAC a one-time SMS code is stored as (issue 10, H1):
 * HMAC(HKDF(key, "xueji sms code"), purpose "\n" phone "\n" code), so a
 * code row is bound to its number and purpose and a database dump does
 * not give codes away. The worker checks codes with it; bench/gen plants
 * codes with it. 0 or -1. */
int	xj_sms_code_mac(const unsigned char key[32], const char *purpose, const char *phone,
	    const char *code, size_t codelen, unsigned char out[XJ_KMAC_LEN]);
/* Free the table (at exit; not needed for correctness). */
void	xj_kmac_clear(void);

#endif
