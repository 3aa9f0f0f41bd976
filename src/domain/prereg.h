/* prereg.h -- the pre-registration number (预登记号, R-COL-3), printed on
 * the collection form and typed back by schools and parents.
 *
 *   canonical  YYCCCCCCNNNNNNNK   16 characters
 *   display    YY-CCCCCC-NNNNNNN-K
 *
 * YY the last two digits of the collection year, CCCCCC the county code of
 * the district registered in (R-COL-2), NNNNNNN seven random digits chosen
 * by the caller (uniqueness is the store's unique key: retry on a clash),
 * K the ISO 7064 MOD 11-2 check character over the first 15 digits ('0'..
 * '9' or 'X'), the scheme of ID numbers (R-COL-7). MOD 11-2 catches every
 * single-character error, every transposition of two neighbours or of two
 * characters one apart, and every twin error (aa -> bb): a mistyped number
 * is refused before any lookup. Pure functions; no I/O. */
#ifndef XJ_PREREG_H
#define XJ_PREREG_H

#include "core/str.h"

#define XJ_PREREG_LEN		16
#define XJ_PREREG_DISPLAY_LEN	19
#define XJ_PREREG_SERIAL_MAX	10000000u	/* NNNNNNN < this */

struct xj_prereg {
	char	canon[17];	/* YYCCCCCCNNNNNNNK, upper-case X */
	int	year;		/* 2000 + YY */
	char	county[7];
	char	serial[8];
};

/* The check character of 15 digits ('0'..'9' or 'X'). */
char	xj_prereg_check_char(const char *first15);
/* Build a number: year 2000..2099, a county code (xj_county_code_check),
 * rand7 < XJ_PREREG_SERIAL_MAX. XJ_OK, XJ_E_F_RANGE or XJ_E_F_DIVISION;
 * out gets 16 characters and a NUL (an empty string on error). */
int	xj_prereg_make(int year, const char *county6, unsigned rand7, char out[17]);
/* Parse a number as typed: the canonical or the display form; dashes and
 * spaces anywhere are ignored, a lower-case x is taken as X. XJ_OK,
 * XJ_E_F_PREREG_FORMAT (length, characters, or a county part that is no
 * county code) or XJ_E_F_PREREG_CHECK (a typing error). */
int	xj_prereg_parse(struct xj_str in, struct xj_prereg *out);
/* The display form of a canonical number: 19 characters and a NUL. */
void	xj_prereg_display(const char *canon, char out[20]);

#endif
