/* idnum.h -- mainland resident identity numbers (GB 11643, R-COL-7):
 * 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male),
 * check character by ISO 7064 MOD 11-2. Pure functions; no I/O. Whether
 * the address code ever existed is asked through a callback, because the
 * code list is reference data (store/refdata). */
#ifndef XJ_IDNUM_H
#define XJ_IDNUM_H

#include "core/str.h"

struct xj_idnum {
	char	area[7];
	int	year, month, day;
	int	male;
};

/* The check character for 17 digits ('0'..'9' or 'X'). */
char	xj_idnum_check_char(const char *first17);
/* Structure, birth date and check character. XJ_OK or XJ_E_F_ID_15
 * (the 15-digit first-generation form), XJ_E_F_ID_FORMAT, XJ_E_F_ID_BIRTH,
 * XJ_E_F_ID_CHECK. A lower-case x is accepted as X. */
int	xj_idnum_parse(struct xj_str s, struct xj_idnum *out);
/* Area code rule (DESIGN.md "ID area codes are historic"): any code that
 * ever existed since 1980, xxxx01 where xxxx00 existed (市辖区 summary
 * codes the yearly lists omit), and 810000/820000/830000 (Hong Kong,
 * Macao, Taiwan residence permits). ever(code) says whether a code is in
 * the history list. */
int	xj_idnum_area_ok(const char *area, int (*ever)(const char *, void *), void *arg);
/* Calendar checks: 1 if y-m-d is a real date (Gregorian, 1800..9999: GB 11643 itself has an 1880 example). */
int	xj_date_valid(int y, int m, int d);
/* "YYYY-MM-DD" into y, m, d: XJ_OK or XJ_E_F_DATE. */
int	xj_date_parse(struct xj_str s, int *y, int *m, int *d);
/* A table validator for xj_field.check: a valid YYYY-MM-DD date. */
int	xj_date_check(struct xj_str s);

#endif
