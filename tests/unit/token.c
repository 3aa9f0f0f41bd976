/* token.c -- unit tests of session and CSRF tokens (src/crypto/token.h):
 * a token round-trips every field, is short and cookie-safe; any changed,
 * missing or extra character, or another key, is refused; freshness
 * follows the idle and absolute limits with 60 s of clock skew; a CSRF
 * token is good for one session only; both carry a key id, so the keys
 * rotate with an overlap (review M11). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keys.h"
#include "crypto/token.h"
#include "tap.h"

#define HEX_A	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX_B	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define ALPHABET \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

#define NOW	1760000000LL

static struct xj_keys	ka, kb;
/* rotation: kr lists id 1 (HEX_A, as ka) and id 2 (HEX_B, current); kn
 * only id 2, after the overlap */
static struct xj_keys	kr, kn;

static void
make_keys(struct xj_keys *k, const char *hmac)
{
	char err[256];

	memset(k, 0, sizeof(*k));
	if (xj_keyring_parse(hmac, "session", &k->session, err, sizeof(err)) != 0 ||
	    xj_keyring_parse(hmac, "csrf", &k->csrf, err, sizeof(err)) != 0 ||
	    xj_keys_parse_enc("1 " HEX_A, k, err, sizeof(err)) != 0) {
		printf("Bail out! keys: %s\n", err);
		exit(1);
	}
}

static struct xj_session
parent(void)
{
	return (struct xj_session){ 'p', 4242, 7, NOW - 600, NOW - 30 };
}

static int
parse(const struct xj_keys *k, const char *tok, size_t len)
{
	struct xj_session s;

	return xj_token_parse(k, tok, len, &s);
}

static void
test_round_trip(void)
{
	struct xj_session s = parent(), got;
	struct xj_session staff = { 's', 18446744073709551615ull, 4294967295u,
	    999999999999LL, 999999999999LL };
	char tok[XJ_TOKEN_BUF], tok2[XJ_TOKEN_BUF];
	int rc;

	rc = xj_token_make(&ka, &s, tok, sizeof(tok));
	is_int(rc, 0, "token: make succeeds");
	is_int(strlen(tok), XJ_TOKEN_LEN, "token: 91 characters");
	ok(strncmp(tok, "v2.", 3) == 0, "token: starts with the version v2.");
	ok(strspn(tok, ALPHABET) == strlen(tok),
	    "token: cookie-safe characters only (base64url and dots)");
	rc = xj_token_parse(&ka, tok, strlen(tok), &got);
	is_int(rc, 0, "token: parse of a made token succeeds");
	ok(rc == 0 && got.kind == 'p' && got.account == 4242 && got.gen == 7 &&
	    got.iat == s.iat && got.seen == s.seen,
	    "token: round trip preserves kind, account, gen, iat, seen");
	xj_token_make(&ka, &s, tok2, sizeof(tok2));
	is_str(tok2, tok, "token: deterministic for one session");
	/* computed outside OpenSSL's C API from the format in token.h:
	 * Python struct + base64 + hmac, key from openssl kdf (HKDF) */
	is_str(tok, "v2.AAAAAXAAAAAAAAAQkgAAAAcAAAAAaOd1qAAAAABo53fi."
	    "2n5_uzlMgDqqyOIIoqElT4YibXUQjPIl_6HUwBaSbvc",
	    "token: known answer (format of token.h, key id 1)");

	rc = xj_token_make(&ka, &staff, tok, sizeof(tok));
	ok(rc == 0 && xj_token_parse(&ka, tok, strlen(tok), &got) == 0 &&
	    got.kind == 's' && got.account == staff.account &&
	    got.gen == staff.gen && got.iat == staff.iat && got.seen == staff.seen,
	    "token: staff kind and extreme values preserved");
	s.gen = 8;
	xj_token_make(&ka, &s, tok2, sizeof(tok2));
	ok(xj_token_parse(&ka, tok2, strlen(tok2), &got) == 0 && got.gen == 8,
	    "token: gen preserved");

	s = parent();
	s.kind = 'x';
	is_int(xj_token_make(&ka, &s, tok, sizeof(tok)), XJ_TOKEN_E_INPUT,
	    "token: make refuses an unknown kind");
	s = parent();
	s.iat = -1;
	is_int(xj_token_make(&ka, &s, tok, sizeof(tok)), XJ_TOKEN_E_INPUT,
	    "token: make refuses a negative time");
	s = parent();
	is_int(xj_token_make(&ka, &s, tok, XJ_TOKEN_LEN), XJ_TOKEN_E_INPUT,
	    "token: make refuses a buffer without room for the NUL");
}

static void
test_refusals(void)
{
	struct xj_session s = parent(), got;
	char tok[XJ_TOKEN_BUF], bad[400];
	size_t n, i;
	int all, rc;

	xj_token_make(&ka, &s, tok, sizeof(tok));
	n = strlen(tok);

	all = 1;
	for (i = 0; i < n; i++)
		for (const char *c = ALPHABET; *c; c++) {
			if (*c == tok[i])
				continue;
			memcpy(bad, tok, n);
			bad[i] = *c;
			if (parse(&ka, bad, n) == 0) {
				diag("'%c' at %zu accepted", *c, i);
				all = 0;
			}
		}
	ok(all, "token: every character changed to any other refused");
	memcpy(bad, tok, n);
	bad[10] = tok[10] == 'A' ? 'B' : 'A';
	is_int(parse(&ka, bad, n), XJ_TOKEN_E_MAC, "token: changed payload fails the MAC");

	all = 1;
	for (i = 0; i < n; i++)
		if (parse(&ka, tok, i) == 0)
			all = 0;
	ok(all, "token: every truncation refused");
	snprintf(bad, sizeof(bad), "%sA", tok);
	is_int(parse(&ka, bad, n + 1), XJ_TOKEN_E_FORMAT, "token: an appended character refused");
	snprintf(bad, sizeof(bad), "%s.", tok);
	is_int(parse(&ka, bad, n + 1), XJ_TOKEN_E_FORMAT, "token: trailing garbage refused");
	memset(bad, 'A', sizeof(bad));
	memcpy(bad, tok, n);
	is_int(parse(&ka, bad, 300), XJ_TOKEN_E_FORMAT, "token: oversize input refused");
	memcpy(bad, tok, n);
	bad[n - 1] = '\0';
	is_int(parse(&ka, bad, n), XJ_TOKEN_E_FORMAT, "token: an embedded NUL refused");
	memcpy(bad, tok, n);
	bad[20] = '+';
	is_int(parse(&ka, bad, n), XJ_TOKEN_E_FORMAT,
	    "token: standard base64 '+' refused (url alphabet only)");
	memcpy(bad, tok, n);
	bad[1] = '1';
	is_int(parse(&ka, bad, n), XJ_TOKEN_E_FORMAT, "token: another version (v1) refused");
	is_int(parse(&ka, "", 0), XJ_TOKEN_E_FORMAT, "token: empty input refused");

	is_int(parse(&kb, tok, n), XJ_TOKEN_E_MAC, "token: another key refused");
	xj_token_make(&kb, &s, bad, sizeof(bad));
	is_int(parse(&ka, bad, n), XJ_TOKEN_E_MAC, "token: a token of another key refused");

	got.account = 99;
	memcpy(bad, tok, n);
	bad[n - 1] = bad[n - 1] == 'A' ? 'B' : 'A';
	rc = xj_token_parse(&ka, bad, n, &got);
	ok(rc != 0 && got.account == 0 && got.kind == 0, "token: refused parse zeroes out");
}

static void
test_rotation(void)
{
	struct xj_session s = parent(), got;
	char t1[XJ_TOKEN_BUF], t2[XJ_TOKEN_BUF], c1[XJ_CSRF_BUF], c2[XJ_CSRF_BUF];

	xj_token_make(&ka, &s, t1, sizeof(t1));
	xj_token_make(&kr, &s, t2, sizeof(t2));
	ok(strcmp(t1, t2) != 0 && strncmp(t2, "v2.AAAAAn", 9) == 0,
	    "M11: after rotation new tokens carry the current key id 2");
	ok(xj_token_parse(&kr, t1, strlen(t1), &got) == 0 && got.account == s.account,
	    "M11: a token of the previous key id still verifies during the overlap");
	is_int(xj_token_parse(&kr, t2, strlen(t2), &got), 0,
	    "M11: a token of the current key id verifies");
	is_int(xj_token_parse(&kn, t1, strlen(t1), &got), XJ_TOKEN_E_MAC,
	    "M11: once the old id is removed its tokens are refused");
	is_int(xj_token_parse(&ka, t2, strlen(t2), &got), XJ_TOKEN_E_MAC,
	    "M11: a token of an id the ring does not list is refused");
	xj_csrf_make(&ka, &s, c1, sizeof(c1));
	xj_csrf_make(&kr, &s, c2, sizeof(c2));
	ok(strncmp(c2, "AAAAA", 5) == 0 && c2[5] != c1[5],
	    "M11: CSRF tokens carry their key id");
	is_int(xj_csrf_check(&kr, &s, c1, strlen(c1)), 1,
	    "M11: a CSRF token of the previous key id still verifies during the overlap");
	is_int(xj_csrf_check(&kr, &s, c2, strlen(c2)), 1, "M11: a CSRF token of the current id verifies");
	is_int(xj_csrf_check(&kn, &s, c1, strlen(c1)), 0,
	    "M11: once the old id is removed its CSRF tokens are refused");
}

static void
test_fresh(void)
{
	struct xj_session s = { 'p', 1, 1, NOW - 3600, NOW - 600 };
	const long idle = 1800, abs_ = 8 * 3600;

	is_int(xj_session_fresh(&s, NOW, idle, abs_), 1, "fresh: recent session is fresh");
	s.seen = NOW - idle;
	is_int(xj_session_fresh(&s, NOW, idle, abs_), 1, "fresh: idle exactly at the limit is fresh");
	s.seen = NOW - idle - 1;
	is_int(xj_session_fresh(&s, NOW, idle, abs_), 0, "fresh: idle exceeded");
	s = (struct xj_session){ 'p', 1, 1, NOW - abs_, NOW - 10 };
	is_int(xj_session_fresh(&s, NOW, idle, abs_), 1,
	    "fresh: age exactly at the absolute limit is fresh");
	s.iat = NOW - abs_ - 1;
	is_int(xj_session_fresh(&s, NOW, idle, abs_), 0,
	    "fresh: absolute exceeded though recently active");
	s = (struct xj_session){ 'p', 1, 1, NOW + 60, NOW + 60 };
	is_int(xj_session_fresh(&s, NOW, idle, abs_), 1, "fresh: 60 s clock skew allowed");
	s.iat = NOW + 61;
	is_int(xj_session_fresh(&s, NOW, idle, abs_), 0, "fresh: iat in the future refused");
	s = (struct xj_session){ 'p', 1, 1, NOW, NOW + 61 };
	is_int(xj_session_fresh(&s, NOW, idle, abs_), 0, "fresh: seen in the future refused");
	s = (struct xj_session){ 'p', 1, 1, NOW, NOW };
	is_int(xj_session_fresh(&s, NOW, -1, abs_), 0, "fresh: negative idle limit refused");
	is_int(xj_session_fresh(&s, -5, idle, abs_), 0, "fresh: negative now refused");
}

static void
test_csrf(void)
{
	struct xj_session s = parent(), o;
	char c[XJ_CSRF_BUF], tok[XJ_TOKEN_BUF], bad[XJ_CSRF_BUF + 8];
	int all;

	is_int(xj_csrf_make(&ka, &s, c, sizeof(c)), 0, "csrf: make succeeds");
	ok(strlen(c) == XJ_CSRF_LEN && strspn(c, ALPHABET) == XJ_CSRF_LEN,
	    "csrf: 48 base64url characters");
	is_str(c, "AAAAAezg_7QG8ls9iuu4g78AnnhRkEJMFk60FK_77oUrUmja",
	    "csrf: known answer (format of token.h, key id 1)");
	is_int(xj_csrf_check(&ka, &s, c, strlen(c)), 1, "csrf: token of the session accepted");
	o = s;
	o.seen += 500;
	is_int(xj_csrf_check(&ka, &o, c, strlen(c)), 1,
	    "csrf: still good after the session slides (seen changes)");
	o = s;
	o.account++;
	is_int(xj_csrf_check(&ka, &o, c, strlen(c)), 0, "csrf: other account refused");
	o = s;
	o.gen++;
	is_int(xj_csrf_check(&ka, &o, c, strlen(c)), 0, "csrf: other gen refused");
	o = s;
	o.iat++;
	is_int(xj_csrf_check(&ka, &o, c, strlen(c)), 0, "csrf: other iat refused");
	o = s;
	o.kind = 's';
	is_int(xj_csrf_check(&ka, &o, c, strlen(c)), 0, "csrf: other kind refused");
	is_int(xj_csrf_check(&kb, &s, c, strlen(c)), 0, "csrf: other key refused");

	all = 1;
	for (size_t i = 0; i < XJ_CSRF_LEN; i++) {
		memcpy(bad, c, sizeof(c));
		bad[i] = c[i] == 'A' ? 'B' : 'A';
		if (xj_csrf_check(&ka, &s, bad, XJ_CSRF_LEN) != 0)
			all = 0;
	}
	ok(all, "csrf: every changed character refused");
	is_int(xj_csrf_check(&ka, &s, c, XJ_CSRF_LEN - 1), 0, "csrf: truncated refused");
	snprintf(bad, sizeof(bad), "%sA", c);
	is_int(xj_csrf_check(&ka, &s, bad, XJ_CSRF_LEN + 1), 0, "csrf: extended refused");
	is_int(xj_csrf_check(&ka, &s, NULL, 0), 0, "csrf: missing token refused");

	xj_token_make(&ka, &s, tok, sizeof(tok));
	ok(strstr(tok, c) == NULL, "csrf: not contained in the session token");
	is_int(xj_csrf_make(&ka, &s, c, XJ_CSRF_LEN), XJ_TOKEN_E_INPUT,
	    "csrf: make refuses a buffer without room for the NUL");
}

int
main(void)
{
	plan_lazy();
	make_keys(&ka, HEX_A);
	make_keys(&kb, HEX_B);
	make_keys(&kr, "1 " HEX_A "\n2 " HEX_B "\n");
	make_keys(&kn, "2 " HEX_B "\n");
	test_round_trip();
	test_refusals();
	test_rotation();
	test_fresh();
	test_csrf();
	xj_keys_clear(&ka);
	xj_keys_clear(&kb);
	xj_keys_clear(&kr);
	xj_keys_clear(&kn);
	return done_testing();
}
