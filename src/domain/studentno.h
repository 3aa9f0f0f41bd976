/* studentno.h -- the national student number (全国学籍号, R-REC-1;
 * seed 004 §三.29), 19 characters: a type letter and 18 characters.
 *
 *   G + an 18-character resident ID number (GB 11643, domain/idnum.h)
 *   J + a ministry self-code (个人标识自编码): 6-digit area code, 8-digit
 *       birth date, 3-digit sequence, MOD 11-2 check character -- the ID
 *       number's own scheme, for a pupil without a usable ID number
 *   L + 6-digit area code, 8-digit birth date, 4 random digits: the
 *       temporary number this system issues until the ministry's G or J
 *       number arrives; no check character. It carries the same rights
 *       meanwhile and is replaced, never reused (the store keeps every
 *       number ever issued, sql/0006_student_records.sql).
 *
 * G and J numbers are issued by the ministry system; we only check them.
 * Pure functions; no I/O. */
#ifndef XJ_STUDENTNO_H
#define XJ_STUDENTNO_H

#include "core/str.h"

#define XJ_STUDENTNO_LEN	19
#define XJ_STUDENTNO_RAND_MAX	10000u		/* L: the random part is < this */

/* Check a number as stored and exchanged (upper-case letters; a lower-case
 * x in a G or J check position is taken as X). XJ_OK or
 * XJ_E_F_STUDENTNO_FORMAT (length, type letter, characters, area code
 * form), XJ_E_F_STUDENTNO_BIRTH (no such date) or XJ_E_F_STUDENTNO_CHECK
 * (G, J: wrong check character). *kind gets 'G', 'J' or 'L' on success
 * (kind may be NULL). */
int	xj_studentno_check(struct xj_str s, char *kind);
/* A table validator (xj_field.check): xj_studentno_check without kind. */
int	xj_studentno_validate(struct xj_str s);
/* A temporary number: area (6 digits, not 000000), a real birth date
 * from 1900 on, rand4 < XJ_STUDENTNO_RAND_MAX. XJ_OK or XJ_E_F_RANGE; out
 * gets 19 characters and a NUL ("" on error). */
int	xj_studentno_temp(const char *area6, int y, int m, int d, unsigned rand4,
	    char out[XJ_STUDENTNO_LEN + 1]);

#endif
