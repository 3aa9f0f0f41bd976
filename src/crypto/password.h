/* password.h -- password hashing with scrypt (OpenSSL EVP) and a random
 * 16-byte salt per account. The stored string describes itself:
 *   $scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>
 * so that raising the cost later re-hashes at the next login without
 * invalidating old hashes (xj_pw_needs_rehash). */
#ifndef XJ_PASSWORD_H
#define XJ_PASSWORD_H

#include <stddef.h>

#define XJ_PW_HASH_MAX	128

int	xj_pw_hash(const char *pw, size_t len, int log2n, int r, int p,
	    char *out, size_t cap);
/* 1 match, 0 no match, -1 malformed stored hash. Constant time in the
 * comparison; cost follows the stored parameters. */
int	xj_pw_verify(const char *pw, size_t len, const char *stored);
int	xj_pw_needs_rehash(const char *stored, int log2n, int r, int p);

#endif
