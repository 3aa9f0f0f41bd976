/* classcode.h -- class codes (班级代码, R-REC-2; seed 004 §三.6-7, §五.1):
 *
 *   YYYY L NN     7 digits, e.g. 2011101
 *   │    │ └ class number 01..99
 *   │    └ level: 1 primary (小学), 2 junior (初中), 3 senior (高中)
 *   └ entry year (入学年份) of the level's first grade (R-REC-4)
 *
 * Grade is derived, never typed (R-REC-10): the school year starting on
 * 1 September of year S is grade S - entry year + 1 of its level. A
 * branch campus (分校区, R-ORG-2) continues the class numbers of its main
 * campus: the main campus has classes 01..10 of a year and level, so the
 * branch's start at 11. Pure functions; no I/O. */
#ifndef XJ_CLASSCODE_H
#define XJ_CLASSCODE_H

#include "core/str.h"

#define XJ_CLASSCODE_LEN	7
#define XJ_CLASS_NUMBER_MAX	99
#define XJ_ENTRY_YEAR_MIN	1950
#define XJ_ENTRY_YEAR_MAX	2099

enum xj_level {
	XJ_LEVEL_PRIMARY = 1,
	XJ_LEVEL_JUNIOR = 2,
	XJ_LEVEL_SENIOR = 3
};

struct xj_classcode {
	int	entry_year;	/* XJ_ENTRY_YEAR_MIN..MAX */
	int	level;		/* enum xj_level */
	int	number;		/* 1..XJ_CLASS_NUMBER_MAX */
};

/* 7 digits with a year in range, level 1..3 and a number 01..99: XJ_OK or
 * XJ_E_F_CLASS_CODE. */
int	xj_classcode_parse(struct xj_str s, struct xj_classcode *out);
/* A table validator (xj_field.check). */
int	xj_classcode_check(struct xj_str s);
/* The code of valid parts: XJ_OK, or XJ_E_F_RANGE ("" in out). */
int	xj_classcode_format(const struct xj_classcode *, char out[XJ_CLASSCODE_LEN + 1]);
/* The school year (its first calendar year) of a date: from 1 September
 * on the year itself, before it the year before. */
int	xj_school_year(int y, int m, int d);
/* The grade of the level in school year sy: sy - entry_year + 1. May be
 * < 1 (entered in a later year) or beyond the level's last grade (the
 * caller decides: such a pupil should have moved on or graduated). */
int	xj_class_grade(int entry_year, int sy);
/* The entry year of grade `grade` in school year sy (the inverse). */
int	xj_grade_entry_year(int grade, int sy);
/* Grades a level has (Beijing's 6-3-3; R-REC-9: no repeating years). */
int	xj_level_grades(int level);
/* The next class number of a year and level in a campus group: one after
 * the highest number used by the main campus or any of its branches
 * (main_max, branch_max: 0 = none yet). So a main campus with 10 classes
 * gives its branch 11 next (R-REC-2). 0 when 99 are used up. */
int	xj_class_next_number(int main_max, int branch_max);
/* Whether a branch campus may take `number`: it must come after every
 * class number of its main campus for that year and level (R-REC-2). */
int	xj_class_branch_number_ok(int number, int main_max);

#endif
