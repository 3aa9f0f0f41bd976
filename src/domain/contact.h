/* contact.h -- a person's name and a mainland mobile number, as parents
 * type them for a child and its guardians (R-COL-6, R-REC-10, R-REC-11).
 * Pure functions; no I/O, no locale: the character classes are tables here,
 * so the answer does not depend on setlocale() in some other thread.
 *
 * Normalise first, then check: seed 004 §三.2 says the system itself removes
 * the spaces people put in names ("张  三" to line up with three-character
 * names), so a name with spaces is not an error the parent must fix. The
 * bind table gives a validator the raw string; a handler that wants the
 * seed's behaviour normalises the raw value and checks the result. */
#ifndef XJ_CONTACT_H
#define XJ_CONTACT_H

#include <stddef.h>

#include "core/str.h"

#define XJ_NAME_MAX_CHARS	30

/* A mainland mobile number: 11 digits, "1" then 3..9. XJ_OK or XJ_E_F_PHONE. */
int	xj_mobile_check(struct xj_str s);
/* Drop spaces and '-' and a leading +86 / 0086 / 86 country code in front
 * of 11 digits. out holds at least len bytes and may be in; returns the
 * new length (no NUL written). The result still needs xj_mobile_check(). */
size_t	xj_mobile_normalize(const char *in, size_t len, char *out);

/* A person's name after normalisation: 1..30 characters of UTF-8; letters
 * of any script (Han including the supplementary planes, Latin, Cyrillic,
 * Greek, Arabic script for Uyghur and Kazakh, Mongolian, Tibetan, Yi,
 * Hangul, kana, Tai Le, New Tai Lue) with their combining marks; the
 * middle dot "·" U+00B7 (the separator of ID cards' minority and foreign
 * names) and the Tibetan tsheg U+0F0B only between letters; no digits, no
 * spaces, no other signs. XJ_OK, XJ_E_F_REQUIRED (empty), XJ_E_F_TOO_LONG,
 * XJ_E_F_FORMAT (not UTF-8) or XJ_E_F_NAME. */
int	xj_person_name_check(struct xj_str s);
/* Remove every space (ASCII space and tab, U+00A0, U+3000), map the
 * look-alikes of the middle dot people type (U+2022 •, U+2027 ‧,
 * U+2219 ∙, U+22C5 ⋅, U+30FB ・, U+FF65 ･, U+FF0E ．) to U+00B7, and
 * full-width Latin letters to ASCII. Bytes that are not UTF-8 are copied
 * unchanged, for the check to refuse. out holds at least len bytes (the
 * result is never longer) and may be in itself; returns the new length
 * (no NUL written). */
size_t	xj_person_name_normalize(const char *in, size_t len, char *out);

#endif
