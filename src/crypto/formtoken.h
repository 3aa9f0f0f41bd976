/* formtoken.h -- the secret printed on the collection form (M5, R-COL-3).
 * A school that the family did not choose sees the applicant only when
 * the clerk holds the printed form: its QR code carries the
 * pre-registration number and this token. The token is a MAC of the
 * number, HMAC-SHA256(HKDF(blind key, "xueji form token"), prereg): the blind-index key,
 * which never rotates without a re-index, so printed forms stay valid, cut to
 * 80 bits and written in Crockford base32 (0-9 A-Z without I L O U), 16
 * characters. It is derived, not stored: every reprint shows the same
 * token, a database dump holds nothing that verifies or forges one, and
 * the hot registration path writes nothing for it (docs/security.md,
 * "Who sees an applicant"). */
#ifndef XJ_FORMTOKEN_H
#define XJ_FORMTOKEN_H

#include <stddef.h>

#define XJ_FORM_TOKEN_LEN	16

/* out: 16 characters and a NUL. 0, or -1 (no key, bad input). */
int	xj_form_token(const unsigned char key[32], const char *prereg, char out[XJ_FORM_TOKEN_LEN + 1]);
/* 1 when text is prereg's token: case-insensitive, '-' and ' ' ignored,
 * O read as 0 and I, L as 1 (Crockford); compared in constant time.
 * 0 otherwise (also for any malformed text). */
int	xj_form_token_check(const unsigned char key[32], const char *prereg,
	    const char *text, size_t len);
/* "ABCD-EFGH-JKMN-PQRS" for printing: out holds 20 bytes. */
void	xj_form_token_display(const char *token, char out[20]);

#endif
