/* formtoken.c -- the collection form's token (formtoken.h). */
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>

#include "formtoken.h"
#include "kmac.h"

static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int
xj_form_token(const unsigned char key[32], const char *prereg, char out[XJ_FORM_TOKEN_LEN + 1])
{
	unsigned char m[XJ_KMAC_LEN], acc = 0;
	size_t n = prereg ? strlen(prereg) : 0;

	out[0] = '\0';
	for (size_t i = 0; i < 32; i++)
		acc |= key[i];
	if (acc == 0 || n == 0 || xj_kmac(key, "xueji form token", prereg, n, m) != 0)
		return -1;
	/* 16 characters x 5 bits = the first 10 bytes of the MAC */
	for (int i = 0; i < XJ_FORM_TOKEN_LEN; i++) {
		int bit = i * 5, v = (m[bit / 8] << 8 | m[bit / 8 + 1]) >> (11 - bit % 8) & 31;
		out[i] = b32[v];
	}
	out[XJ_FORM_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(m, sizeof(m));
	return 0;
}

int
xj_form_token_check(const unsigned char key[32], const char *prereg, const char *text, size_t len)
{
	char want[XJ_FORM_TOKEN_LEN + 1], got[XJ_FORM_TOKEN_LEN + 1];
	size_t n = 0;
	int ok;

	if (text == NULL || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		c = c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c;
		if (strchr(b32, c) == NULL || c == '\0' || n == XJ_FORM_TOKEN_LEN)
			return 0;
		got[n++] = c;
	}
	if (n != XJ_FORM_TOKEN_LEN || xj_form_token(key, prereg, want) != 0)
		return 0;
	ok = CRYPTO_memcmp(want, got, XJ_FORM_TOKEN_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

void
xj_form_token_display(const char *token, char out[20])
{
	size_t k = 0;

	for (int i = 0; i < XJ_FORM_TOKEN_LEN; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		out[k++] = token[i];
	}
	out[k] = '\0';
}
