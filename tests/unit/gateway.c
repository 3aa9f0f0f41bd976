/* gateway.c -- unit tests of the SMS gateway credentials file parser
 * (src/sms/gateway.h; docs/sms.md): "APP_ID SECRET_HEX", the key at
 * least 16 bytes, nothing else on the line. */
#include "config.h"

#include <string.h>

#include "sms/gateway.h"
#include "tap.h"

int
main(void)
{
	struct xj_sms_gw g;
	const char *key32 = "00112233445566778899aabbccddeeff";

	plan_lazy();
	memset(&g, 0, sizeof(g));
	ok(xj_gw_parse_credentials("xueji-bj 00112233445566778899aabbccddeeff\n", &g) == 0,
	    "credentials_app_id_and_key");
	is_str(g.app_id, "xueji-bj", "credentials_app_id");
	is_int((long long)g.keylen, 16, "credentials_key_length");
	ok(g.key[0] == 0x00 && g.key[15] == 0xff, "credentials_key_bytes");
	ok(xj_gw_parse_credentials("a 00112233445566778899AABBCCDDEEFF", &g) == 0,
	    "credentials_upper_hex");
	ok(xj_gw_parse_credentials("a 00112233445566778899aabbccddee", &g) == -1,
	    "credentials_short_key_refused");
	ok(xj_gw_parse_credentials(key32, &g) == -1, "credentials_without_app_id_refused");
	ok(xj_gw_parse_credentials("a 00112233445566778899aabbccddeef", &g) == -1,
	    "credentials_odd_hex_refused");
	ok(xj_gw_parse_credentials("a 00112233445566778899aabbccddeeff extra", &g) == -1,
	    "credentials_trailing_words_refused");
	ok(xj_gw_parse_credentials("a\"b 00112233445566778899aabbccddeeff", &g) == -1,
	    "credentials_app_id_quote_refused");
	ok(xj_gw_parse_credentials("", &g) == -1, "credentials_empty_refused");
	return done_testing();
}
