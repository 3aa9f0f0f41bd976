/* calendar.h -- the working-day calendar (R-MOV-3) kept in the database:
 * public holidays and make-up working days (调休) per year, national rows
 * (province NULL) plus an optional provincial overlay (province
 * 'xx0000'), and per (year, province) the record that the year is
 * imported, from which notice and when (sql/0018_calendar.sql). The
 * counting rules are in domain/workday.h; this file loads the special days
 * of a span in one prepared query (and the imported years in a second)
 * and counts. Imports: `xuejictl calendar import` (ctl/calendar.c). */
#ifndef XJ_STORE_CALENDAR_H
#define XJ_STORE_CALENDAR_H

struct xj_db;

/* The date `n` working days after `from` (YYYY-MM-DD), counting from the next day, for the
 * province (6-digit code's first 2 digits matter; NULL = national only). *provisional = 1 when a
 * year the count crosses has no imported calendar (weekends only there). XJ_OK or an error. */
int xj_calendar_add_workdays(struct xj_db *, const char *province, const char *from, int n,
    char out[11], int *provisional);
/* Working days from `from` (exclusive) to `to` (inclusive); negative when to < from. */
int xj_calendar_workdays_between(struct xj_db *, const char *province, const char *from,
    const char *to, int *days, int *provisional);

/* Limits (errors XJ_E_F_RANGE beyond them; XJ_E_F_DATE for a date that is
 * not YYYY-MM-DD, XJ_E_F_DIVISION for a province that is not 6 digits):
 * n in 0..XJ_CALENDAR_MAX_N, spans of at most XJ_CALENDAR_MAX_SPAN days. */
#define XJ_CALENDAR_MAX_N	1000
#define XJ_CALENDAR_MAX_SPAN	3660

/* 1 if the national calendar of `year` is imported, 0 if not (or error:
 * then *rc is set to it). */
int xj_calendar_year_imported(struct xj_db *, int year, int *rc);

/* One row of an import (ctl/calendar.c); the whole set of one (year,
 * province) replaces what was there. */
struct xj_calendar_row {
	char	date[11];
	int	kind;		/* enum xj_daykind */
	char	name[97];
};
/* In the caller's transaction: the digest (64 hex digits) the (year,
 * province) was imported with, locked until the transaction ends: XJ_OK,
 * or XJ_NO_ROW when it was never imported. */
int xj_calendar_year_digest(struct xj_db *, int year, const char *province6, char digest[65]);
/* In the caller's transaction: delete the (year, province) rows, insert
 * rows[0..n) and upsert the year's import record with its source and the
 * digest of both. */
int xj_calendar_replace_year(struct xj_db *, int year, const char *province6,
    const struct xj_calendar_row *rows, int n, const char *source, const char *digest);

#endif
