/* token.c -- session and CSRF tokens (see token.h for the format). */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "field.h"
#include "kmac.h"
#include "token.h"

#if UINT_MAX != 0xffffffffu
#error "the session generation is stored in 4 bytes"
#endif

#define PREFIX		"v2."
#define PREFIX_LEN	(sizeof(PREFIX) - 1)
#define PAYLOAD_LEN	33			/* 4 + 1 + 8 + 4 + 8 + 8 */
#define PAYLOAD_B64	44			/* ceil(33 * 4 / 3) */
#define MAC_LEN		32
#define MAC_B64		43			/* ceil(32 * 4 / 3) */
#define SIGNED_LEN	(PREFIX_LEN + PAYLOAD_B64)	/* what the MAC covers */
#define CSRF_MSG_LEN	21			/* 1 + 8 + 4 + 8 */
#define CSRF_RAW_LEN	36			/* key id (4) + MAC */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding; out needs (4n + 2) / 3 bytes and a NUL. */
static size_t
b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned long)in[i] << 16;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Strict decoding of exactly n characters into want bytes: only the
 * alphabet, and the unused low bits of the last character must be zero,
 * so one byte string has one encoding. 0 or -1. */
static int
b64_decode(const char *in, size_t n, unsigned char *out, size_t want)
{
	unsigned long acc = 0;
	size_t o = 0;
	int bits = 0, d;

	if (n != (4 * want + 2) / 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if ((d = b64_value((unsigned char)in[i])) < 0)
			return -1;
		acc = (acc << 6 | (unsigned long)d) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o == want && (acc & ((1ul << bits) - 1)) == 0 ? 0 : -1;
}

/* The bytes of the first n characters (n a multiple of 4) of a base64url
 * text, without the strict end rules: to read a key id in front. */
static int
b64_decode_prefix(const char *in, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i += 4) {
		unsigned long v = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = b64_value((unsigned char)in[i + j]);
			if (d < 0)
				return -1;
			v = v << 6 | (unsigned long)d;
		}
		out[i / 4 * 3] = (unsigned char)(v >> 16);
		out[i / 4 * 3 + 1] = (unsigned char)(v >> 8);
		out[i / 4 * 3 + 2] = (unsigned char)v;
	}
	return 0;
}

static void
put_be(unsigned char *p, unsigned long long v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static unsigned long long
get_be(const unsigned char *p, int n)
{
	unsigned long long v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static int
session_ok(const struct xj_session *s)
{
	return s != NULL && (s->kind == 'p' || s->kind == 's') &&
	    s->iat >= 0 && s->seen >= 0;
}

/* HMAC-SHA256 of msg under HKDF(key, info), key being the ring's key of
 * id (0: the current one, whose id goes to *used). A key the ring does not
 * list, or of zero bytes (never loaded or already wiped), is refused. The
 * keyed state is cached per (key, info) by xj_kmac: this runs on every
 * request. */
static int
mac(const struct xj_keyring *r, unsigned id, const char *info, const void *msg,
    size_t len, unsigned char out[MAC_LEN], unsigned *used)
{
	const unsigned char *key;
	unsigned char acc = 0;

	key = id == 0 ? xj_keyring_current(r, &id) : xj_keyring_get(r, id);
	if (key == NULL)
		return -1;
	for (size_t i = 0; i < XJ_KEY_LEN; i++)
		acc |= key[i];
	if (acc == 0)
		return -1;
	if (used != NULL)
		*used = id;
	return xj_kmac(key, info, msg, len, out);
}

int
xj_token_make(const struct xj_keys *k, const struct xj_session *s, char *out,
    size_t cap)
{
	unsigned char p[PAYLOAD_LEN], m[MAC_LEN];
	unsigned id = 0;

	if (k == NULL || !session_ok(s) || out == NULL || cap < XJ_TOKEN_BUF)
		return XJ_TOKEN_E_INPUT;
	if (xj_keyring_current(&k->session, &id) == NULL)
		return XJ_TOKEN_E_CRYPTO;
	put_be(p, id, 4);
	p[4] = (unsigned char)s->kind;
	put_be(p + 5, s->account, 8);
	put_be(p + 13, s->gen, 4);
	put_be(p + 17, (unsigned long long)s->iat, 8);
	put_be(p + 25, (unsigned long long)s->seen, 8);
	memcpy(out, PREFIX, PREFIX_LEN);
	b64_encode(p, sizeof(p), out + PREFIX_LEN);
	if (mac(&k->session, id, "xueji session", out, SIGNED_LEN, m, NULL) != 0) {
		out[0] = '\0';
		return XJ_TOKEN_E_CRYPTO;
	}
	out[SIGNED_LEN] = '.';
	b64_encode(m, sizeof(m), out + SIGNED_LEN + 1);
	return 0;
}

int
xj_token_parse(const struct xj_keys *k, const char *tok, size_t len,
    struct xj_session *out)
{
	unsigned char p[PAYLOAD_LEN], m[MAC_LEN];
	char want[MAC_B64 + 1];
	struct xj_session s;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (k == NULL || tok == NULL || out == NULL)
		return XJ_TOKEN_E_INPUT;
	/* exact length first: refuses oversize input and trailing bytes */
	if (len > XJ_TOKEN_MAX || len != XJ_TOKEN_LEN ||
	    memcmp(tok, PREFIX, PREFIX_LEN) != 0 || tok[SIGNED_LEN] != '.')
		return XJ_TOKEN_E_FORMAT;
	for (size_t i = PREFIX_LEN; i < len; i++)
		if (i != SIGNED_LEN && b64_value((unsigned char)tok[i]) < 0)
			return XJ_TOKEN_E_FORMAT;

	/* the key id picks the key: decoded before the MAC is checked, but
	 * only to choose among our own keys (an unknown id is a foreign token) */
	if (b64_decode(tok + PREFIX_LEN, PAYLOAD_B64, p, sizeof(p)) != 0)
		return XJ_TOKEN_E_FORMAT;
	if (xj_keyring_get(&k->session, (unsigned)get_be(p, 4)) == NULL)
		return XJ_TOKEN_E_MAC;
	/* compare encodings, not decoded bytes: a MAC has one valid text */
	if (mac(&k->session, (unsigned)get_be(p, 4), "xueji session", tok, SIGNED_LEN,
	    m, NULL) != 0)
		return XJ_TOKEN_E_CRYPTO;
	b64_encode(m, sizeof(m), want);
	rc = CRYPTO_memcmp(want, tok + SIGNED_LEN + 1, MAC_B64);
	OPENSSL_cleanse(m, sizeof(m));
	OPENSSL_cleanse(want, sizeof(want));
	if (rc != 0)
		return XJ_TOKEN_E_MAC;

	s.kind = (char)p[4];
	s.account = get_be(p + 5, 8);
	s.gen = (unsigned)get_be(p + 13, 4);
	s.iat = (long long)get_be(p + 17, 8);
	s.seen = (long long)get_be(p + 25, 8);
	/* only reachable with our key and a foreign writer: still refuse */
	if (!session_ok(&s))
		return XJ_TOKEN_E_FORMAT;
	*out = s;
	return 0;
}

int
xj_session_fresh(const struct xj_session *s, long long now, long idle_s,
    long absolute_s)
{
	/* all four operands non-negative: the differences cannot overflow */
	if (s == NULL || s->iat < 0 || s->seen < 0 || now < 0 ||
	    idle_s < 0 || absolute_s < 0)
		return 0;
	return now - s->seen <= idle_s && now - s->iat <= absolute_s &&
	    s->seen - now <= XJ_SESSION_SKEW && s->iat - now <= XJ_SESSION_SKEW;
}

/* The CSRF token of s under the csrf ring's key of id (0: current). */
static int
csrf_compute(const struct xj_keys *k, const struct xj_session *s, unsigned id,
    char out[XJ_CSRF_BUF])
{
	unsigned char msg[CSRF_MSG_LEN], raw[CSRF_RAW_LEN];

	msg[0] = (unsigned char)s->kind;
	put_be(msg + 1, s->account, 8);
	put_be(msg + 9, s->gen, 4);
	put_be(msg + 13, (unsigned long long)s->iat, 8);
	if (mac(&k->csrf, id, "xueji csrf", msg, sizeof(msg), raw + 4, &id) != 0)
		return XJ_TOKEN_E_CRYPTO;
	put_be(raw, id, 4);
	b64_encode(raw, sizeof(raw), out);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

int
xj_csrf_make(const struct xj_keys *k, const struct xj_session *s, char *out,
    size_t cap)
{
	char buf[XJ_CSRF_BUF];
	int rc;

	if (k == NULL || !session_ok(s) || out == NULL || cap < XJ_CSRF_BUF)
		return XJ_TOKEN_E_INPUT;
	if ((rc = csrf_compute(k, s, 0, buf)) != 0) {
		out[0] = '\0';
		return rc;
	}
	memcpy(out, buf, sizeof(buf));
	return 0;
}

int
xj_csrf_check(const struct xj_keys *k, const struct xj_session *s,
    const char *tok, size_t len)
{
	char want[XJ_CSRF_BUF];
	unsigned char kid[3 * 4];
	int same;

	/* the first 8 characters encode the key id (6 bytes' worth, of
	 * which the first 4 are the id): decode them to pick the key */
	if (k == NULL || !session_ok(s) || tok == NULL || len != XJ_CSRF_LEN ||
	    b64_decode_prefix(tok, 8, kid) != 0 ||
	    csrf_compute(k, s, (unsigned)get_be(kid, 4), want) != 0)
		return 0;
	same = CRYPTO_memcmp(want, tok, XJ_CSRF_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return same;
}
