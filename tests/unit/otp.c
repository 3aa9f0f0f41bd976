/* otp.c -- unit tests of one-time codes and the SMS delivery backoff
 * (src/domain/otp.h; issue 10, review H1): six digits, uniform (the
 * draws that would bias the low codes are refused), the format check, and
 * the retry schedule: doubling from the base, capped, jitter within a
 * quarter and never past the cap. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/otp.h"
#include "tap.h"

int
main(void)
{
	char c[XJ_OTP_DIGITS + 1];
	unsigned hist[10] = { 0 };
	int bad = 0;

	plan_lazy();

	ok(xj_otp_from_random(0, c) == 0 && strcmp(c, "000000") == 0, "otp_zero_is_six_zeros");
	ok(xj_otp_from_random(123456, c) == 0 && strcmp(c, "123456") == 0, "otp_keeps_value");
	ok(xj_otp_from_random(1000042, c) == 0 && strcmp(c, "000042") == 0, "otp_mod_million_padded");
	ok(xj_otp_from_random(4293999999u, c) == 0 && strcmp(c, "999999") == 0,
	    "otp_last_unbiased_draw_accepted");
	ok(xj_otp_from_random(4294000000u, c) == -1, "otp_first_biased_draw_refused");
	ok(xj_otp_from_random(UINT32_MAX, c) == -1, "otp_top_draw_refused");
	/* every accepted draw gives 6 digits; each leading digit equally often
	 * over a full stride of draws */
	for (uint32_t k = 0; k < 200000; k++) {
		uint32_t r = k * 2654435761u;	/* spread over the whole range */
		int rc = xj_otp_from_random(r, c);
		if (r < 4294000000u && (rc != 0 || strlen(c) != 6))
			bad++;
		if (rc == 0)
			hist[c[0] - '0']++;
	}
	ok(bad == 0, "otp_every_draw_below_limit_accepted");
	{
		unsigned lo = hist[0], hi = hist[0];
		for (int i = 1; i < 10; i++) {
			lo = hist[i] < lo ? hist[i] : lo;
			hi = hist[i] > hi ? hist[i] : hi;
		}
		ok(hi - lo <= hi / 10, "otp_leading_digits_spread_evenly (%u..%u)", lo, hi);
	}

	ok(xj_otp_format_ok("012345", 6), "otp_format_six_digits");
	ok(!xj_otp_format_ok("12345", 5), "otp_format_five_refused");
	ok(!xj_otp_format_ok("1234567", 7), "otp_format_seven_refused");
	ok(!xj_otp_format_ok("12a456", 6), "otp_format_letter_refused");
	ok(!xj_otp_format_ok("12 456", 6), "otp_format_space_refused");
	ok(!xj_otp_format_ok("１２３４５６", 6), "otp_format_fullwidth_refused");
	ok(!xj_otp_format_ok(NULL, 0), "otp_format_null_refused");

	/* backoff: base 5, max 300, no jitter (rnd 0) */
	is_int(xj_otp_backoff_s(1, 5, 300, 0), 5, "backoff_first_retry_is_base");
	is_int(xj_otp_backoff_s(2, 5, 300, 0), 10, "backoff_doubles");
	is_int(xj_otp_backoff_s(3, 5, 300, 0), 20, "backoff_doubles_again");
	is_int(xj_otp_backoff_s(6, 5, 300, 0), 160, "backoff_sixth");
	is_int(xj_otp_backoff_s(7, 5, 300, 0), 300, "backoff_capped");
	is_int(xj_otp_backoff_s(60, 5, 300, 0), 300, "backoff_no_overflow_far_out");
	is_int(xj_otp_backoff_s(0, 5, 300, 0), 5, "backoff_attempt_zero_as_first");
	{
		int within = 1, varied = 0;
		for (uint32_t r = 0; r < 1000; r++) {
			unsigned d = xj_otp_backoff_s(3, 5, 300, r * 2654435761u);
			within &= d >= 20 && d <= 25;
			varied |= d != 20;
		}
		ok(within, "backoff_jitter_within_a_quarter");
		ok(varied, "backoff_jitter_varies");
	}
	{
		int capped = 1;
		for (uint32_t r = 0; r < 1000; r++)
			capped &= xj_otp_backoff_s(9, 5, 300, r * 2654435761u) <= 300;
		ok(capped, "backoff_jitter_never_past_cap");
	}
	return done_testing();
}
