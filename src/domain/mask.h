/* mask.h -- the one masking rule for every identity number, document
 * number and phone number an answer shows (issue 10, H2, L3): the parent's
 * registration, a school's applicant, the five-certificate review, the
 * stored answers. Pure functions; libc only.
 *
 * The rule is built so that a masked value adds nothing that, together
 * with the other fields of the same answer (birth date, sex, hukou
 * location, names), rebuilds the number. The criterion, tested by
 * enumeration in tests/unit/mask.c and written out in docs/security.md
 * ("What parents see"): with K the other fields of the answer and the
 * area code taken as known, N(K) the numbers consistent with K and N(K, m)
 * those also consistent with the masked value m (check character
 * counted),
 *
 *      N(K, m) >= min(N(K), 10^4)
 *
 * i.e. the mask may narrow the candidates down to ten thousand and never
 * below what the rest of the answer leaves when that is fewer.
 *
 *  - A GB 11643 shaped number (17 digits and a digit or X: type 1, the new
 *    type-9 permanent residence card, a residence permit number) shows its
 *    6-digit area code only: `110105************`. Birth date, sequence
 *    and check character are hidden, because the birth date and sex are
 *    shown beside it and leave only the 500 sequences of that sex.
 *  - Any other document number of n characters shows its first and last
 *    character when n >= 8 (six or more hidden: at least 10^6), otherwise
 *    nothing: `E*******8`, `********`.
 *  - A mainland mobile number (11 digits) shows its first 7 digits, the
 *    carrier prefix and the HLR block that the answer's addresses give
 *    away anyway, and hides the 4 subscriber digits: `1391234****` (10^4
 *    whatever the reader knows of the region; `139****0001` leaves only
 *    the blocks of the region). Anything else is all stars.
 *
 * Masking works on characters: a masked character becomes one `*`, a shown
 * one is copied whole, a byte that is not part of valid UTF-8 is never
 * shown. The output is valid UTF-8 with as many characters as the input
 * and at most as many bytes. */
#ifndef XJ_MASK_H
#define XJ_MASK_H

#include <stddef.h>

/* the longest document number: 32 characters of up to 4 bytes */
#define XJ_DOCNO_MAX_CHARS	32
#define XJ_DOCNO_MAX_BYTES	(4 * XJ_DOCNO_MAX_CHARS)
/* room for any masked value and its NUL */
#define XJ_MASK_CAP		(XJ_DOCNO_MAX_BYTES + 1)

/* kind: a document type code ('1', '6', 'A', ...) or XJ_MASK_PHONE */
#define XJ_MASK_PHONE		0

/* Mask len bytes of v into out (cap bytes, NUL-terminated, never cut
 * inside a character). Returns the bytes written, without the NUL. */
size_t	xj_mask(int kind, const char *v, size_t len, char *out, size_t cap);
/* A national student number as answers show it (R-REC-1): a G number is
 * "G" + the child's identity number, so it is masked like one
 * (`G110105************`); J and L numbers hold no identity number and
 * are copied. out: cap bytes, NUL-terminated; returns the bytes written. */
size_t	xj_mask_student_no(const char *no, char *out, size_t cap);
/* 1 when s is 17 ASCII digits and a digit, X or x. */
int	xj_mask_gb11643_shape(const char *s, size_t len);
/* Length in bytes of the valid UTF-8 character at s (1..4), 0 if the
 * bytes there are not one (RFC 3629: no overlong forms, no surrogates). */
size_t	xj_utf8_char(const unsigned char *s, size_t len);

#endif
