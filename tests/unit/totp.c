/* totp.c -- unit tests of the staff second factor (src/crypto/totp.h)
 * against RFC 6238 appendix B's SHA-1 test vectors (8 digits, key
 * "12345678901234567890"), their 6-digit forms, the ±1 step window, a
 * used step refused (review M10), and base32 (RFC 4648 §10). */
#include "config.h"

#include <string.h>

#include "crypto/totp.h"
#include "tap.h"

static const unsigned char key[] = "12345678901234567890";

static const struct {
	long long	t;
	long		code8;
} rfc6238[] = {
	{ 59LL,		94287082 },
	{ 1111111109LL,	7081804 },
	{ 1111111111LL,	14050471 },
	{ 1234567890LL,	89005924 },
	{ 2000000000LL,	69279037 },
	{ 20000000000LL, 65353130 },
};

static void
six(long code8, char out[7])
{
	long v = code8 % 1000000;

	for (int i = 5; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
	out[6] = '\0';
}

int
main(void)
{
	char b32[64], c[7];
	long long m = 0;
	size_t n;

	plan_lazy();

	for (size_t i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++) {
		long long s = xj_totp_step(rfc6238[i].t);
		is_int(xj_totp_code(key, 20, s, 8), rfc6238[i].code8, "totp_rfc6238_sha1_8_digits");
		is_int(xj_totp_code(key, 20, s, 6), rfc6238[i].code8 % 1000000, "totp_rfc6238_sha1_6_digits");
	}
	is_int(xj_totp_step(59), 1, "totp_step_59s_is_1");
	is_int(xj_totp_step(60), 2, "totp_step_60s_is_2");

	/* 1111111111 is step 37037037: its code, the one before, the one after */
	six(14050471, c);
	ok(xj_totp_verify(key, 20, 1111111111LL, c, 6, -1, &m) && m == 37037037,
	    "totp_verify_current_step");
	ok(xj_totp_verify(key, 20, 1111111111LL + 30, c, 6, -1, &m) && m == 37037037,
	    "totp_verify_previous_step_accepted");
	ok(xj_totp_verify(key, 20, 1111111111LL - 30, c, 6, -1, &m) && m == 37037037,
	    "totp_verify_next_step_accepted");
	ok(!xj_totp_verify(key, 20, 1111111111LL + 60, c, 6, -1, &m),
	    "totp_verify_two_steps_late_refused");
	ok(!xj_totp_verify(key, 20, 1111111111LL, c, 6, 37037037, &m),
	    "totp_verify_used_step_refused");
	ok(!xj_totp_verify(key, 20, 1111111111LL, "14050", 5, -1, &m), "totp_verify_short_refused");
	ok(!xj_totp_verify(key, 20, 1111111111LL, "05047a", 6, -1, &m), "totp_verify_nondigit_refused");
	c[0] = c[0] == '9' ? '0' : (char)(c[0] + 1);
	ok(!xj_totp_verify(key, 20, 1111111111LL, c, 6, -1, &m), "totp_verify_wrong_code_refused");

	/* RFC 4648 §10: BASE32("foobar") = "MZXW6YTBOI======" (unpadded) */
	n = xj_totp_base32((const unsigned char *)"foobar", 6, b32, sizeof(b32));
	is_str(b32, "MZXW6YTBOI", "base32_rfc4648_foobar");
	is_int((long long)n, 10, "base32_length");
	n = xj_totp_base32(key, 20, b32, sizeof(b32));
	is_int((long long)n, XJ_TOTP_B32_LEN, "base32_20_bytes_is_32_chars");
	is_str(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "base32_rfc6238_key");
	return done_testing();
}
