/* password.c -- scrypt password hashes (see password.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "password.h"

#define SALT_LEN	16
#define DK_LEN		32

static int
derive(const char *pw, size_t len, const unsigned char *salt, size_t slen,
    int log2n, int r, int p, unsigned char *dk)
{
	uint64_t n, maxmem;

	/* the stored parameters come from the database: bound the memory a
	 * hash may demand (2^20 * 128 * 16 = 2 GiB at most) -- before the
	 * shift, which is undefined for ln >= 64 (found by fuzz_password) */
	if (log2n < 1 || log2n > 20 || r < 1 || r > 16 || p < 1 || p > 16)
		return -1;
	n = (uint64_t)1 << log2n;
	/* scrypt needs 128*r*(N+p+2) bytes; allow that plus slack */
	maxmem = 128ull * (uint64_t)r * (n + (uint64_t)p + 2) + (1u << 20);
	return EVP_PBE_scrypt(pw, len, salt, slen, n, (uint64_t)r, (uint64_t)p,
	    maxmem, dk, DK_LEN) == 1 ? 0 : -1;
}

int
xj_pw_hash(const char *pw, size_t len, int log2n, int r, int p, char *out,
    size_t cap)
{
	unsigned char salt[SALT_LEN], dk[DK_LEN];
	char s64[32], d64[64];
	int n;

	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    derive(pw, len, salt, sizeof(salt), log2n, r, p, dk) != 0)
		return -1;
	EVP_EncodeBlock((unsigned char *)s64, salt, sizeof(salt));
	EVP_EncodeBlock((unsigned char *)d64, dk, sizeof(dk));
	OPENSSL_cleanse(dk, sizeof(dk));
	n = snprintf(out, cap, "$scrypt$ln=%d,r=%d,p=%d$%s$%s", log2n, r, p, s64, d64);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

static int
parse(const char *stored, int *log2n, int *r, int *p, unsigned char *salt,
    unsigned char *dk)
{
	char s64[33], d64[65];
	unsigned char tmp[64];
	int n;

	if (sscanf(stored, "$scrypt$ln=%d,r=%d,p=%d$%32[A-Za-z0-9+/=]$%64[A-Za-z0-9+/=]%n",
	    log2n, r, p, s64, d64, &n) != 5 || stored[n] != '\0')
		return -1;
	/* base64 of 16 bytes is 24 chars (2 pad), of 32 bytes 44 (1 pad) */
	if (strlen(s64) != 24 || strlen(d64) != 44)
		return -1;
	if (EVP_DecodeBlock(tmp, (unsigned char *)s64, 24) != 18)
		return -1;
	memcpy(salt, tmp, SALT_LEN);
	if (EVP_DecodeBlock(tmp, (unsigned char *)d64, 44) != 33)
		return -1;
	memcpy(dk, tmp, DK_LEN);
	return 0;
}

int
xj_pw_verify(const char *pw, size_t len, const char *stored)
{
	unsigned char salt[SALT_LEN], want[DK_LEN], got[DK_LEN];
	int log2n, r, p, ok;

	if (parse(stored, &log2n, &r, &p, salt, want) != 0 ||
	    derive(pw, len, salt, sizeof(salt), log2n, r, p, got) != 0)
		return -1;
	ok = CRYPTO_memcmp(want, got, DK_LEN) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}

int
xj_pw_needs_rehash(const char *stored, int log2n, int r, int p)
{
	unsigned char salt[SALT_LEN], dk[DK_LEN];
	int a, b, c;

	if (parse(stored, &a, &b, &c, salt, dk) != 0)
		return 1;
	return a != log2n || b != r || c != p;
}
