/* totp.c -- RFC 6238 TOTP / RFC 4226 HOTP (see totp.h). */
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "totp.h"

long long
xj_totp_step(long long t)
{
	return t >= 0 ? t / XJ_TOTP_STEP : -((-t + XJ_TOTP_STEP - 1) / XJ_TOTP_STEP);
}

long
xj_totp_code(const unsigned char *key, size_t keylen, long long step, int digits)
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	unsigned long long c = (unsigned long long)step;
	unsigned long bin, mod = 1;
	int off;

	if (digits < 6 || digits > 8)
		return -1;
	for (int i = 7; i >= 0; i--, c >>= 8)
		msg[i] = (unsigned char)(c & 0xff);
	if (HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), mac, &maclen) == NULL ||
	    maclen != 20)
		return -1;
	/* RFC 4226 §5.3 dynamic truncation */
	off = mac[19] & 0x0f;
	bin = ((unsigned long)(mac[off] & 0x7f) << 24) | ((unsigned long)mac[off + 1] << 16) |
	    ((unsigned long)mac[off + 2] << 8) | (unsigned long)mac[off + 3];
	for (int i = 0; i < digits; i++)
		mod *= 10;
	OPENSSL_cleanse(mac, sizeof(mac));
	return (long)(bin % mod);
}

int
xj_totp_verify(const unsigned char *key, size_t keylen, long long t, const char *code,
    size_t codelen, long long last_step, long long *matched)
{
	long long now = xj_totp_step(t);
	int found = 0;

	if (codelen != XJ_TOTP_DIGITS)
		return 0;
	for (size_t i = 0; i < codelen; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	/* every candidate is computed and compared, whichever matches */
	for (long long s = now - 1; s <= now + 1; s++) {
		char want[XJ_TOTP_DIGITS + 1];
		long v = xj_totp_code(key, keylen, s, XJ_TOTP_DIGITS);
		int eq;

		if (v < 0)
			return 0;
		for (int i = XJ_TOTP_DIGITS - 1; i >= 0; i--, v /= 10)
			want[i] = (char)('0' + v % 10);
		eq = CRYPTO_memcmp(want, code, XJ_TOTP_DIGITS) == 0;
		if (eq && s > last_step && !found) {
			found = 1;
			*matched = s;
		}
	}
	return found;
}

size_t
xj_totp_base32(const unsigned char *in, size_t len, char *out, size_t cap)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned long buf = 0;
	int bits = 0;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			if (n + 1 >= cap)
				goto out;
			out[n++] = a[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && n + 1 < cap)
		out[n++] = a[(buf << (5 - bits)) & 31];
out:
	if (cap > 0)
		out[n] = '\0';
	return n;
}
