/* formtoken.c -- unit tests of the collection form's token
 * (src/crypto/formtoken.h, review M5): 16 Crockford base32 characters,
 * the same for every print of one number, another for another number or
 * key; the check accepts the printed and the typed forms and refuses a
 * changed character, a short or long token and the empty key. */
#include "config.h"

#include <string.h>

#include "crypto/formtoken.h"
#include "tap.h"

int
main(void)
{
	unsigned char k1[32], k2[32], zero[32] = { 0 };
	char a[17], b[17], c[17], disp[20], typed[40];

	plan_lazy();
	memset(k1, 0x11, sizeof(k1));
	memset(k2, 0x22, sizeof(k2));
	ok(xj_form_token(k1, "2611010565951835", a) == 0 && strlen(a) == 16 &&
	    strspn(a, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == 16, "16 Crockford base32 characters");
	ok(xj_form_token(k1, "2611010565951835", b) == 0 && strcmp(a, b) == 0,
	    "every print of one number shows the same token");
	ok(xj_form_token(k1, "2611010565951836", b) == 0 && strcmp(a, b) != 0,
	    "another number, another token");
	ok(xj_form_token(k2, "2611010565951835", c) == 0 && strcmp(a, c) != 0,
	    "another key, another token");
	ok(xj_form_token(zero, "2611010565951835", c) == -1, "a key of zeros is refused");
	ok(xj_form_token_check(k1, "2611010565951835", a, 16), "the token checks");
	xj_form_token_display(a, disp);
	ok(strlen(disp) == 19 && disp[4] == '-' && xj_form_token_check(k1, "2611010565951835", disp, 19),
	    "the printed form (4 groups of 4 characters) checks");
	for (size_t i = 0; i < 20; i++)
		typed[i] = (char)(disp[i] >= 'A' && disp[i] <= 'Z' ? disp[i] - 'A' + 'a' : disp[i]);
	ok(xj_form_token_check(k1, "2611010565951835", typed, 19), "typed in lower case, it checks");
	ok(!xj_form_token_check(k1, "2611010565951836", a, 16), "not for another number");
	ok(!xj_form_token_check(k2, "2611010565951835", a, 16), "not under another key");
	memcpy(b, a, sizeof(b));
	b[7] = b[7] == 'Z' ? 'Y' : 'Z';
	ok(!xj_form_token_check(k1, "2611010565951835", b, 16), "one changed character fails");
	ok(!xj_form_token_check(k1, "2611010565951835", a, 15), "a short token fails");
	memcpy(typed, a, 16);
	typed[16] = '0';
	ok(!xj_form_token_check(k1, "2611010565951835", typed, 17), "a long token fails");
	ok(!xj_form_token_check(k1, "2611010565951835", "", 0), "the empty text fails");
	ok(!xj_form_token_check(k1, "2611010565951835", "UUUUUUUUUUUUUUUU", 16),
	    "a character outside the alphabet fails");
	return done_testing();
}
