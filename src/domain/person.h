/* person.h -- the key of the same-person check (R-DUP-1: same name + sex
 * + birth date), normalised so that two spellings of one name that a
 * clerk or a parent cannot tell apart on paper give one key. Pure
 * functions; libc only.
 *
 * What is normalised, and why:
 *  - every white space (ASCII blanks, U+00A0, U+3000 ideographic space,
 *    the U+2000..U+200B spaces) is removed, inside the name too: names are
 *    stored without inner spaces (R-REC-10, seed 004 §三.2), so "张 三" and
 *    "张三" are one name typed twice;
 *  - full-width ASCII forms U+FF01..U+FF5E become their ASCII characters
 *    (what NFKC does to them): a Latin name typed with a Chinese input
 *    method in full-width mode;
 *  - ASCII letters are folded to lower case: a foreign pupil's Latin
 *    name in capitals on one form and not on the other;
 *  - the separators of transliterated names (间隔号, minority and foreign
 *    names such as 阿依古丽·买买提) typed as U+00B7, U+2022, U+2027,
 *    U+30FB, U+FF65, U+FF0E or '.' all become U+00B7, the one GB 2312
 *    has.
 * Not normalised: traditional vs simplified characters. The mapping is not
 * one to one (髮 and 發 are both 发, 乾 is 干 or stays 乾 in names) and a
 * name written in traditional characters on a Hong Kong, Macao or Taiwan
 * document is the name of record: folding them would make different
 * people one key. Bytes that are not valid UTF-8 are kept as they are. */
#ifndef XJ_PERSON_H
#define XJ_PERSON_H

#include <stddef.h>

/* the longest name (VARCHAR(64) of up to 4 bytes), normalised: never longer */
#define XJ_PERSON_NAME_MAX	256
/* name (normalised) + 0x1f + sex + 0x1f + YYYY-MM-DD */
#define XJ_PERSON_KEY_MAX	(XJ_PERSON_NAME_MAX + 16)

/* The normalised name of len bytes into out (cap bytes, NUL-terminated).
 * Returns the bytes written without the NUL, or (size_t)-1 when out is too
 * small. The output is never longer than the input. */
size_t	xj_person_name_norm(const char *name, size_t len, char *out, size_t cap);
/* The key of the same-person check: normalised name, sex, birth date.
 * Returns its length or (size_t)-1 (too long, or an empty name). */
size_t	xj_person_key(const char *name, size_t len, const char *sex, const char *birth,
	    char *out, size_t cap);

#endif
