/* sign.c -- unit tests of PSB callback signatures (src/crypto/sign.h): a
 * known answer computed with openssl(1); any change of timestamp, nonce,
 * method, path or body breaks the signature; signature text is 64 hex
 * digits in either case; the timestamp window and the nonce alphabet. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "crypto/sign.h"
#include "tap.h"

#define KEY	"psb-shared-key-0123456789abcdef"
#define TS	"1700000000"
#define NONCE	"AbCdEfGhIjKlMnOp_-01"
#define PATH	"/psb/v1/callback?batch=7"
#define BODY	"{\"request\":\"r-1\",\"result\":\"match\"}"
/* msg=$(printf '1700000000\nAbCdEfGhIjKlMnOp_-01\nPOST\n/psb/v1/callback?batch=7\n%s' "$BODY")
 * printf '%s' "$msg" | openssl dgst -sha256 -hmac 'psb-shared-key-0123456789abcdef' */
#define WANT	"e3853bd940eb7917d80562aef834e0845d041f7f04f3280f1bd2d615ba8b9157"

static const unsigned char	*key = (const unsigned char *)KEY;
static const size_t		 keylen = sizeof(KEY) - 1;

static int
verify(const char *ts, const char *nonce, const char *method, const char *path,
    const char *body, const char *sig)
{
	return xj_sign_psb_verify(key, keylen, ts, nonce, method, path, body,
	    strlen(body), sig, strlen(sig));
}

/* The vectors the PSB simulator checks itself against
 * (tests/psbsim/selftest.py, "published test vectors"): key bytes 0..31. */
static void
test_vectors(void)
{
	static const char post[] = "{\"results\":[{\"verification_id\":\"vr-000001\","
	    "\"outcome\":\"mismatch\",\"mismatched_fields\":[\"name\"]}]}";
	unsigned char k[32];
	char hex[XJ_SIGN_HEX_LEN + 1];

	for (int i = 0; i < 32; i++)
		k[i] = (unsigned char)i;
	ok(xj_sign_psb(k, sizeof(k), "1767225600", "0123456789abcdef-_XY", "GET",
	    "/callback/psb/v1/requests?max=100", NULL, 0, hex) == 0 &&
	    strcmp(hex, "73e4899d3940045a7c2555dd61ee077ba47a5467a8e988402e3d5c3d0193f399") == 0,
	    "sign: matches the PSB simulator's GET vector");
	ok(xj_sign_psb(k, sizeof(k), "1767225600", "0123456789abcdef-_XZ", "POST",
	    "/callback/psb/v1/results", post, strlen(post), hex) == 0 &&
	    strcmp(hex, "e8c8950b0d3ebe596cc4f67aa509fb3933b15f1f3b16fda3a87333e3c760558b") == 0,
	    "sign: matches the PSB simulator's POST vector");
}

static void
test_sign(void)
{
	char hex[XJ_SIGN_HEX_LEN + 1], up[XJ_SIGN_HEX_LEN + 1], bad[80];
	int rc;

	rc = xj_sign_psb(key, keylen, TS, NONCE, "POST", PATH, BODY, strlen(BODY), hex);
	is_int(rc, 0, "sign: signing succeeds");
	is_str(hex, WANT, "sign: known answer (openssl dgst -hmac)");
	is_int(verify(TS, NONCE, "POST", PATH, BODY, WANT), 1, "sign: verify accepts the signature");
	test_vectors();
	for (size_t i = 0; i <= XJ_SIGN_HEX_LEN; i++)
		up[i] = (char)toupper((unsigned char)WANT[i]);
	is_int(verify(TS, NONCE, "POST", PATH, BODY, up), 1,
	    "sign: verify accepts upper-case hex");

	is_int(verify("1700000001", NONCE, "POST", PATH, BODY, WANT), 0,
	    "sign: changed timestamp refused");
	is_int(verify(TS, "AbCdEfGhIjKlMnOp_-02", "POST", PATH, BODY, WANT), 0,
	    "sign: replay with a fresh nonce refused");
	is_int(verify(TS, NONCE, "PUT", PATH, BODY, WANT), 0, "sign: changed method refused");
	is_int(verify(TS, NONCE, "POST", "/psb/v1/callback?batch=8", BODY, WANT), 0,
	    "sign: changed query refused");
	is_int(verify(TS, NONCE, "POST", "/psb/v1/other?batch=7", BODY, WANT), 0,
	    "sign: replay to another path refused");
	is_int(verify(TS, NONCE, "POST", PATH,
	    "{\"request\":\"r-1\",\"result\":\"nomatch\"}", WANT), 0,
	    "sign: changed body refused");
	is_int(verify(TS, NONCE, "POST", PATH, BODY " ", WANT), 0,
	    "sign: body with an appended byte refused");
	is_int(verify(TS, NONCE, "POST", PATH, "", WANT), 0, "sign: empty body refused");
	is_int(xj_sign_psb_verify((const unsigned char *)"psb-shared-key-0123456789abcdeF",
	    keylen, TS, NONCE, "POST", PATH, BODY, strlen(BODY), WANT, 64), 0,
	    "sign: other key refused");

	snprintf(bad, sizeof(bad), "%s", WANT);
	bad[63] = 'g';
	is_int(verify(TS, NONCE, "POST", PATH, BODY, bad), 0, "sign: non-hex digit refused");
	bad[63] = WANT[63] == '7' ? '6' : '7';
	is_int(verify(TS, NONCE, "POST", PATH, BODY, bad), 0, "sign: last digit changed refused");
	bad[63] = '\0';
	is_int(verify(TS, NONCE, "POST", PATH, BODY, bad), 0, "sign: 63 digits refused");
	snprintf(bad, sizeof(bad), "%s0", WANT);
	is_int(verify(TS, NONCE, "POST", PATH, BODY, bad), 0, "sign: 65 digits refused");
	snprintf(bad, sizeof(bad), " %.63s", WANT);
	is_int(verify(TS, NONCE, "POST", PATH, BODY, bad), 0, "sign: leading space refused");
	is_int(verify(TS, NONCE, "POST", PATH, BODY, ""), 0, "sign: empty signature refused");
	is_int(xj_sign_psb_verify(key, keylen, TS, NONCE, "POST", PATH, BODY,
	    strlen(BODY), NULL, 0), 0, "sign: missing signature refused");

	/* parts other than the body may not hold the separator, so that the
	 * signed string has one reading */
	is_int(xj_sign_psb(key, keylen, TS "\n" NONCE, "x", "POST", PATH, BODY,
	    strlen(BODY), hex), -1, "sign: newline in the timestamp refused");
	is_int(xj_sign_psb(key, keylen, TS, NONCE, "POST", PATH "\nx", BODY,
	    strlen(BODY), hex), -1, "sign: newline in the path refused");
	is_int(xj_sign_psb(key, keylen, TS, NONCE, "post", PATH, BODY,
	    strlen(BODY), hex), -1, "sign: lower-case method refused");
	is_int(xj_sign_psb(key, keylen, TS, NONCE, "", PATH, BODY,
	    strlen(BODY), hex), -1, "sign: empty method refused");
	is_int(xj_sign_psb(key, 15, TS, NONCE, "POST", PATH, BODY,
	    strlen(BODY), hex), -1, "sign: key under 16 bytes refused");
	is_int(xj_sign_psb(key, keylen, TS, NONCE, "GET", PATH, NULL, 0, hex), 0,
	    "sign: empty body (NULL, 0) signs");
}

static void
test_ts(void)
{
	const long long now = 1700000000;

	is_int(xj_sign_ts_fresh("1700000000", now, 300), 1, "ts: now is fresh");
	is_int(xj_sign_ts_fresh("1700000300", now, 300), 1, "ts: window ahead, inclusive");
	is_int(xj_sign_ts_fresh("1699999700", now, 300), 1, "ts: window behind, inclusive");
	is_int(xj_sign_ts_fresh("1700000301", now, 300), 0, "ts: one second beyond ahead refused");
	is_int(xj_sign_ts_fresh("1699999699", now, 300), 0, "ts: one second beyond behind refused");
	is_int(xj_sign_ts_fresh("+1700000000", now, 300), 0, "ts: plus sign refused");
	is_int(xj_sign_ts_fresh("-1700000000", now, 300), 0, "ts: minus sign refused");
	is_int(xj_sign_ts_fresh(" 1700000000", now, 300), 0, "ts: leading space refused");
	is_int(xj_sign_ts_fresh("1700000000 ", now, 300), 0, "ts: trailing space refused");
	is_int(xj_sign_ts_fresh("1700000000.5", now, 300), 0, "ts: fraction refused");
	is_int(xj_sign_ts_fresh("1700000000000", 1700000000000LL, 300), 0,
	    "ts: 13 digits refused");
	is_int(xj_sign_ts_fresh("999999999999", 999999999999LL, 300), 1,
	    "ts: 12 digits accepted");
	is_int(xj_sign_ts_fresh("", now, 300), 0, "ts: empty refused");
	is_int(xj_sign_ts_fresh(NULL, now, 300), 0, "ts: missing refused");
	is_int(xj_sign_ts_fresh("1700000000", now, -1), 0, "ts: negative window refused");
}

static void
test_nonce(void)
{
	char n[80];

	memset(n, 'a', sizeof(n));
	is_int(xj_sign_nonce_ok(n, 16), 1, "nonce: 16 characters accepted");
	is_int(xj_sign_nonce_ok(n, 15), 0, "nonce: 15 characters refused");
	is_int(xj_sign_nonce_ok(n, 64), 1, "nonce: 64 characters accepted");
	is_int(xj_sign_nonce_ok(n, 65), 0, "nonce: 65 characters refused");
	is_int(xj_sign_nonce_ok("ABCXYZabcxyz0189_-", 18), 1,
	    "nonce: letters, digits, '_' and '-' accepted");
	memcpy(n, "0123456789abcdef", 16);
	{
		static const char refused[] = "+/=. \n\t\"'\\%\x7f\xe4";
		int all = 1;

		for (const char *c = refused; *c; c++) {
			n[7] = *c;
			if (xj_sign_nonce_ok(n, 16) != 0)
				all = 0;
		}
		ok(all, "nonce: any other character refused (base64 +/=, dot, space, controls, UTF-8)");
	}
	n[7] = '\0';
	is_int(xj_sign_nonce_ok(n, 16), 0, "nonce: embedded NUL refused");
	is_int(xj_sign_nonce_ok(NULL, 16), 0, "nonce: missing refused");
}

int
main(void)
{
	plan_lazy();
	test_sign();
	test_ts();
	test_nonce();
	return done_testing();
}
