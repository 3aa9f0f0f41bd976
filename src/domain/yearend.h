/* yearend.h -- which records a year-end batch changes (issue 11 item 8,
 * R-REC-3, R-REC-10; docs/architecture.md "Year-end batches").
 *
 * Grade is derived from the cohort: in school year Y a record is in grade
 * Y - cohort + 1 of its level, where cohort = entry_year - grade_offset
 * (the offset: -1 per repeated year, +1 per skipped one). The batches of
 * the school year Y that ends (Y/Y+1):
 *   promotion   grades 1 .. last-1 of Y move up one (into Y+1)
 *   graduation  the last grade of Y (and any record left beyond it, which
 *               an earlier year failed to graduate) leaves as graduated
 * So the two kinds never take the same record, in whichever order they
 * run. Pure functions; no I/O. */
#ifndef XJ_YEAREND_H
#define XJ_YEAREND_H

enum xj_yearend_kind {
	XJ_YE_PROMOTION = 1,
	XJ_YE_GRADUATION = 2
};

#define XJ_YE_YEAR_MIN	2000
#define XJ_YE_YEAR_MAX	2099

/* "promotion" / "graduation" -> kind, or 0. */
int		xj_yearend_kind_parse(const char *s);
const char	*xj_yearend_kind_name(int kind);
/* The cohort bounds per level (index 0 primary, 1 junior, 2 senior) of
 * the records `kind` changes in school year `year`: cohort in
 * [lo[i], hi[i]]. 0, or -1 for an unknown kind or a year out of range. */
int		xj_yearend_cohorts(int kind, int year, int lo[3], int hi[3]);

#endif
