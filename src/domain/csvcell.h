/* csvcell.h -- one cell of a CSV file that we write for a spreadsheet
 * (the roster export, school/roster.c): RFC 4180 quoting, and the
 * neutralisation of formula injection (OWASP "CSV Injection"). A cell that
 * begins with = + - @ TAB or CR is read by Excel, WPS and LibreOffice as a
 * formula (=HYPERLINK(...), +cmd|...): such a cell gets a leading
 * apostrophe, which the spreadsheet shows as text and which a person sees
 * for what it is. Every cell is quoted ("...", a quote doubled), so commas
 * and line breaks inside stay in the cell. Pure; libc only. */
#ifndef XJ_CSVCELL_H
#define XJ_CSVCELL_H

#include <stddef.h>

/* the UTF-8 byte order mark: Excel on Windows reads a file without it in
 * the local code page (GBK), and Chinese names come out garbled */
#define XJ_CSV_BOM	"\xEF\xBB\xBF"

/* Append the cell for v (len bytes) to out (cap bytes) at *pos: a comma
 * first unless *pos is the start of a line (first), then the quoted,
 * neutralised value. 0, or -1 with *pos unchanged when it does not fit. */
int	xj_csv_cell(char *out, size_t cap, size_t *pos, int first, const char *v, size_t len);
/* 1 when a spreadsheet would read v as a formula (the first byte). */
int	xj_csv_formula_lead(const char *v, size_t len);

#endif
