/* classcode.c -- class codes, grades and branch-campus numbering
 * (R-REC-2, R-REC-10). Pure functions; no I/O. */
#include "config.h"

#include <stdio.h>

#include "core/err.h"
#include "classcode.h"

int
xj_classcode_parse(struct xj_str s, struct xj_classcode *out)
{
	int v[XJ_CLASSCODE_LEN];

	if (s.p == NULL || s.len != XJ_CLASSCODE_LEN)
		return XJ_E_F_CLASS_CODE;
	for (size_t i = 0; i < XJ_CLASSCODE_LEN; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_F_CLASS_CODE;
		v[i] = s.p[i] - '0';
	}
	out->entry_year = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	out->level = v[4];
	out->number = v[5] * 10 + v[6];
	if (out->entry_year < XJ_ENTRY_YEAR_MIN || out->entry_year > XJ_ENTRY_YEAR_MAX ||
	    out->level < XJ_LEVEL_PRIMARY || out->level > XJ_LEVEL_SENIOR ||
	    out->number < 1 || out->number > XJ_CLASS_NUMBER_MAX)
		return XJ_E_F_CLASS_CODE;
	return XJ_OK;
}

int
xj_classcode_check(struct xj_str s)
{
	struct xj_classcode c;

	return xj_classcode_parse(s, &c);
}

int
xj_classcode_format(const struct xj_classcode *c, char out[XJ_CLASSCODE_LEN + 1])
{
	out[0] = '\0';
	if (c->entry_year < XJ_ENTRY_YEAR_MIN || c->entry_year > XJ_ENTRY_YEAR_MAX ||
	    c->level < XJ_LEVEL_PRIMARY || c->level > XJ_LEVEL_SENIOR ||
	    c->number < 1 || c->number > XJ_CLASS_NUMBER_MAX)
		return XJ_E_F_RANGE;
	snprintf(out, XJ_CLASSCODE_LEN + 1, "%04d%d%02d", c->entry_year, c->level, c->number);
	return XJ_OK;
}

int
xj_school_year(int y, int m, int d)
{
	(void)d;	/* the year turns on the 1st: the day never matters */
	return m >= 9 ? y : y - 1;
}

int
xj_class_grade(int entry_year, int sy)
{
	return sy - entry_year + 1;
}

int
xj_grade_entry_year(int grade, int sy)
{
	return sy - grade + 1;
}

int
xj_level_grades(int level)
{
	switch (level) {
	case XJ_LEVEL_PRIMARY:
		return 6;
	case XJ_LEVEL_JUNIOR:
	case XJ_LEVEL_SENIOR:
		return 3;
	default:
		return 0;
	}
}

int
xj_class_next_number(int main_max, int branch_max)
{
	int top = main_max > branch_max ? main_max : branch_max;

	if (top < 0)
		top = 0;
	return top >= XJ_CLASS_NUMBER_MAX ? 0 : top + 1;
}

int
xj_class_branch_number_ok(int number, int main_max)
{
	return number > main_max && number >= 1 && number <= XJ_CLASS_NUMBER_MAX;
}
