/* orgcsv.h -- the official school list as CSV (xuejictl org import,
 * docs/operations.md "Loading the school list"): RFC 4180 records (commas,
 * double quotes with "" inside, CRLF or LF; a UTF-8 byte order mark is
 * skipped), a header naming the columns of XJ_ORGCSV_HEADER in that order,
 * then one school a line:
 *
 *   code        10-digit 学校标识码 (a branch campus: the code its bureau
 *               gave it, R-ORG-2)
 *   name        1..100 characters, UTF-8, no control characters; spaces
 *               around it are dropped
 *   county      6-digit division code of the territorial county (属地, R-ORG-1)
 *   supervisor  6-digit code of the supervising bureau (主管); empty = county
 *   ownership   public | private (公办 | 民办 also read)
 *   main_campus empty, or the code of the main campus this school is a
 *               branch of (R-ORG-2; listed in the same file, not a branch)
 *   licensed    1 | 0 (是 | 否, yes | no also read); empty = 1 (R-REC-9)
 *
 * Blank lines are skipped. Pure: no I/O, no database (the checks that need
 * the database are in src/ctl/orgimport.c). */
#ifndef XJ_ORGCSV_H
#define XJ_ORGCSV_H

#include <stddef.h>

#define XJ_ORGCSV_HEADER	"code,name,county,supervisor,ownership,main_campus,licensed"
#define XJ_ORGCSV_NCOLS		7
#define XJ_ORGCSV_FIELD_MAX	1024	/* bytes of one field, unquoted (a student import's
					   address: 200 characters, up to 800 bytes) */
#define XJ_ORGCSV_NAME_MAX	100	/* characters (org.name VARCHAR(100)) */

/* A reader over a whole file in memory. */
struct xj_csv {
	const char	*p;
	size_t		 len, pos;
	long		 line;		/* line the next record starts on (1-based) */
};

void	xj_csv_init(struct xj_csv *, const char *buf, size_t len);
/* The next record's fields, unquoted, into f[0..max) (each NUL-terminated,
 * at most XJ_ORGCSV_FIELD_MAX - 1 bytes); *line = the line it starts on.
 * Returns the number of fields (a blank line is skipped), 0 at the end,
 * -1 when malformed (*err says why; the reader has moved past the record
 * so the caller may go on and report more). */
int	xj_csv_next(struct xj_csv *, char f[][XJ_ORGCSV_FIELD_MAX], int max,
	    long *line, const char **err);

/* One school of the list. */
struct xj_orgrow {
	long	line;
	char	code[11];
	char	name[XJ_ORGCSV_NAME_MAX * 4 + 1];
	char	county[7];
	char	supervisor[7];		/* the county's code when the file left it empty */
	char	ownership[8];		/* "public" or "private" */
	char	main[11];		/* "" = not a branch */
	int	licensed;
};

/* 0 when the header names the columns in order (a UTF-8 BOM skipped by
 * the reader already), -1 otherwise. */
int	xj_orgcsv_header(char f[][XJ_ORGCSV_FIELD_MAX], int n);
/* Check and normalise one record into *out: 0, or -1 with *field the
 * column at fault and *err what is wrong. */
int	xj_orgcsv_row(char f[][XJ_ORGCSV_FIELD_MAX], int n, long line,
	    struct xj_orgrow *out, const char **field, const char **err);
/* 1 when s is exactly n ASCII digits. */
int	xj_orgcsv_digits(const char *s, size_t n);

#endif
