/* sign.c -- HMAC-SHA256 signatures of PSB gateway callbacks (see sign.h
 * for the signed string and the order of the receiver's checks). */
#include "config.h"

#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sign.h"

#define MAC_LEN		32

static int
method_ok(const char *m)
{
	size_t n = 0;

	for (; m[n] != '\0'; n++)
		if (m[n] < 'A' || m[n] > 'Z' || n >= XJ_SIGN_METHOD_MAX)
			return 0;
	return n > 0;
}

/* A part other than the body must not hold the separator, or two
 * different requests could sign the same string. */
static int
part_ok(const char *s)
{
	return s != NULL && *s != '\0' && strchr(s, '\n') == NULL;
}

static int
compute(const unsigned char *key, size_t keylen, const char *ts,
    const char *nonce, const char *method, const char *path, const void *body,
    size_t len, unsigned char out[MAC_LEN])
{
	const char *parts[4] = { ts, nonce, method, path };
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t olen = 0;
	int rc = -1;

	if (key == NULL || keylen < XJ_SIGN_KEY_MIN || !part_ok(ts) ||
	    !part_ok(nonce) || method == NULL || !method_ok(method) ||
	    !part_ok(path) || (body == NULL && len > 0))
		return -1;
	/* OpenSSL declares the parameter non-const; it only reads it */
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(ctx, key, keylen, params) != 1)
		goto out;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (EVP_MAC_update(ctx, (const unsigned char *)parts[i],
		    strlen(parts[i])) != 1 ||
		    EVP_MAC_update(ctx, (const unsigned char *)"\n", 1) != 1)
			goto out;
	if (len > 0 && EVP_MAC_update(ctx, body, len) != 1)
		goto out;
	if (EVP_MAC_final(ctx, out, &olen, MAC_LEN) != 1 || olen != MAC_LEN)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	if (rc != 0)
		OPENSSL_cleanse(out, MAC_LEN);
	return rc;
}

int
xj_sign_psb(const unsigned char *key, size_t keylen, const char *ts,
    const char *nonce, const char *method, const char *path, const void *body,
    size_t len, char hex_out[XJ_SIGN_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char m[MAC_LEN];

	if (hex_out == NULL)
		return -1;
	hex_out[0] = '\0';
	if (compute(key, keylen, ts, nonce, method, path, body, len, m) != 0)
		return -1;
	for (size_t i = 0; i < MAC_LEN; i++) {
		hex_out[2 * i] = hex[m[i] >> 4];
		hex_out[2 * i + 1] = hex[m[i] & 15];
	}
	hex_out[XJ_SIGN_HEX_LEN] = '\0';
	return 0;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
xj_sign_psb_verify(const unsigned char *key, size_t keylen, const char *ts,
    const char *nonce, const char *method, const char *path, const void *body,
    size_t len, const char *hex_sig, size_t siglen)
{
	unsigned char got[MAC_LEN], want[MAC_LEN];
	int hi, lo, same;

	if (hex_sig == NULL || siglen != XJ_SIGN_HEX_LEN)
		return 0;
	/* decoding the caller's text may branch: it is not secret */
	for (size_t i = 0; i < MAC_LEN; i++) {
		if ((hi = hexval((unsigned char)hex_sig[2 * i])) < 0 ||
		    (lo = hexval((unsigned char)hex_sig[2 * i + 1])) < 0)
			return 0;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	if (compute(key, keylen, ts, nonce, method, path, body, len, want) != 0)
		return 0;
	same = CRYPTO_memcmp(got, want, MAC_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return same;
}

int
xj_sign_ts_fresh(const char *ts, long long now, long window_s)
{
	long long t = 0, d;
	size_t n;

	if (ts == NULL || window_s < 0 || now < 0)
		return 0;
	for (n = 0; ts[n] != '\0'; n++) {
		if (ts[n] < '0' || ts[n] > '9' || n >= XJ_SIGN_TS_DIGITS)
			return 0;
		t = t * 10 + (ts[n] - '0');
	}
	if (n == 0)
		return 0;
	/* 0 <= t < 10^12 and now >= 0: no overflow */
	d = t - now;
	return d <= window_s && -d <= window_s;
}

int
xj_sign_nonce_ok(const char *nonce, size_t len)
{
	if (nonce == NULL || len < XJ_SIGN_NONCE_MIN || len > XJ_SIGN_NONCE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)nonce[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}
