/* fuzz_token.c -- session and CSRF tokens (src/crypto/token.c) under a
 * fixed test key (the key of tests/unit/token.c). The first input byte
 * picks a mode:
 *   0..127    the rest is a cookie value: xj_token_parse must refuse it or
 *             return a session whose token is exactly the input (no second
 *             spelling of one token: padding bits, case, trailing bytes);
 *   128..191  the rest describes a session: make, parse back, same
 *             session; its CSRF token checks, a changed one does not;
 *   192..255  the rest is (position, byte) pairs written over a valid
 *             token: the result parses only if it is still that token. */
#include "config.h"

#include "crypto/keys.h"
#include "crypto/token.h"
#include "fuzz.h"

#define HEX_A	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static struct xj_keys keys;
static int have_keys;

static void
init_keys(void)
{
	char err[256];

	if (have_keys)
		return;
	if (xj_keyring_parse(HEX_A, "session", &keys.session, err, sizeof(err)) != 0 ||
	    xj_keyring_parse("1 " HEX_A "\n2 " HEX_A "\n", "csrf", &keys.csrf, err, sizeof(err)) != 0 ||
	    xj_keys_parse_enc("1 " HEX_A, &keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_token: keys: %s\n", err);
		abort();
	}
	have_keys = 1;
}

static unsigned long long
take(const uint8_t **p, size_t *n, size_t bytes)
{
	unsigned long long v = 0;

	for (size_t i = 0; i < bytes; i++) {
		v = v << 8 | (*n ? **p : 0);
		if (*n) {
			(*p)++;
			(*n)--;
		}
	}
	return v;
}

static int
same(const struct xj_session *a, const struct xj_session *b)
{
	return a->kind == b->kind && a->account == b->account &&
	    a->gen == b->gen && a->iat == b->iat && a->seen == b->seen;
}

static void
parse_raw(const uint8_t *data, size_t size)
{
	struct xj_session s;
	char *buf = fz_copy(data, size), again[XJ_TOKEN_BUF];
	int rc;

	memset(&s, 0xa5, sizeof(s));	/* "out is zeroed on failure" */
	rc = xj_token_parse(&keys, buf, size, &s);
	FZ_ASSERT(rc == 0 || rc == XJ_TOKEN_E_FORMAT || rc == XJ_TOKEN_E_MAC ||
	    rc == XJ_TOKEN_E_INPUT);
	if (rc == 0) {
		FZ_ASSERT(size == XJ_TOKEN_LEN);
		FZ_ASSERT(xj_token_make(&keys, &s, again, sizeof(again)) == 0);
		FZ_ASSERT(memcmp(again, buf, XJ_TOKEN_LEN) == 0);
	} else {
		FZ_ASSERT(s.kind == 0 && s.account == 0 && s.gen == 0 &&
		    s.iat == 0 && s.seen == 0);
	}
	/* the same bytes as a CSRF token of some session: never good */
	s = (struct xj_session){ 'p', 1, 1, 1700000000, 1700000000 };
	(void)xj_csrf_check(&keys, &s, buf, size);
	free(buf);
}

static void
roundtrip(const uint8_t *data, size_t size)
{
	struct xj_session s, t;
	char tok[XJ_TOKEN_BUF], csrf[XJ_CSRF_BUF];
	int rc;

	memset(&s, 0, sizeof(s));
	s.kind = (char)take(&data, &size, 1);
	s.account = take(&data, &size, 8);
	s.gen = (unsigned)take(&data, &size, 4);
	s.iat = (long long)take(&data, &size, 8);
	s.seen = (long long)take(&data, &size, 8);
	rc = xj_token_make(&keys, &s, tok, sizeof(tok));
	if (rc != 0) {
		FZ_ASSERT(rc == XJ_TOKEN_E_INPUT);
		FZ_ASSERT((s.kind != 'p' && s.kind != 's') || s.iat < 0 || s.seen < 0);
		return;
	}
	FZ_ASSERT(strlen(tok) == XJ_TOKEN_LEN);
	FZ_ASSERT(xj_token_parse(&keys, tok, XJ_TOKEN_LEN, &t) == 0);
	FZ_ASSERT(same(&s, &t));
	FZ_ASSERT(xj_csrf_make(&keys, &s, csrf, sizeof(csrf)) == 0);
	FZ_ASSERT(strlen(csrf) == XJ_CSRF_LEN);
	FZ_ASSERT(xj_csrf_check(&keys, &s, csrf, XJ_CSRF_LEN) == 1);
	/* the CSRF token ignores seen; any other field changes it */
	t = s;
	t.gen++;
	FZ_ASSERT(xj_csrf_check(&keys, &t, csrf, XJ_CSRF_LEN) == 0);
	FZ_ASSERT(xj_csrf_check(&keys, &s, csrf, XJ_CSRF_LEN - 1) == 0);
}

static void
tamper(const uint8_t *data, size_t size)
{
	static const struct xj_session s = { 's', 42, 7, 1760000000, 1760000100 };
	struct xj_session t;
	char tok[XJ_TOKEN_BUF], orig[XJ_TOKEN_BUF];
	size_t len = XJ_TOKEN_LEN;

	FZ_ASSERT(xj_token_make(&keys, &s, tok, sizeof(tok)) == 0);
	memcpy(orig, tok, sizeof(orig));
	for (; size >= 2; data += 2, size -= 2)
		tok[data[0] % XJ_TOKEN_LEN] = (char)data[1];
	if (size == 1)
		len = data[0] % (XJ_TOKEN_LEN + 1);
	if (xj_token_parse(&keys, tok, len, &t) == 0) {
		FZ_ASSERT(len == XJ_TOKEN_LEN && memcmp(tok, orig, len) == 0);
		FZ_ASSERT(same(&s, &t));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init_keys();
	if (size == 0 || size > 1024)
		return 0;
	if (data[0] < 128)
		parse_raw(data + 1, size - 1);
	else if (data[0] < 192)
		roundtrip(data + 1, size - 1);
	else
		tamper(data + 1, size - 1);
	return 0;
}
