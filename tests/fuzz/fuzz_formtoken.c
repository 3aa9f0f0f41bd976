/* fuzz_formtoken.c -- the printed form's token as a clerk types or scans
 * it (X-Form-Token, review M5; src/crypto/formtoken.c). The input is the
 * header's text. Invariants: the real token of a fixed number is
 * accepted in its printed spelling; the checker never accepts text that
 * differs from it in more than spelling (Crockford aliases, case, '-' and
 * ' '); it never reads past the text. */
#include "config.h"

#include <ctype.h>

#include "crypto/formtoken.h"
#include "fuzz.h"

static const unsigned char key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

/* the token's canonical characters of text, or -1 past 16 of them */
static int
canon(const char *t, size_t n, char out[XJ_FORM_TOKEN_LEN + 1])
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int c = toupper((unsigned char)t[i]);
		if (c == '-' || c == ' ')
			continue;
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (k == XJ_FORM_TOKEN_LEN)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return (int)k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prereg[] = "2611010512345678";
	char tok[XJ_FORM_TOKEN_LEN + 1], disp[20], c[XJ_FORM_TOKEN_LEN + 1];
	char *text;

	if (size > 256)
		return 0;
	FZ_ASSERT(xj_form_token(key, prereg, tok) == 0 && strlen(tok) == XJ_FORM_TOKEN_LEN);
	xj_form_token_display(tok, disp);
	FZ_ASSERT(xj_form_token_check(key, prereg, disp, strlen(disp)) == 1);
	text = fz_copy(data, size);
	if (xj_form_token_check(key, prereg, text, size) == 1)
		FZ_ASSERT(canon(text, size, c) == XJ_FORM_TOKEN_LEN && strcmp(c, tok) == 0);
	free(text);
	return 0;
}
