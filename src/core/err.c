/* err.c -- the error table (see err.h). */
#include "config.h"

#include <string.h>

#include "err.h"

static const struct xj_errinfo table[] = {
#define XJ_ERR_ROW(name, st, code, zh, en) { st, code, zh, en },
	XJ_ERRORS(XJ_ERR_ROW)
#undef XJ_ERR_ROW
};

#define NERR ((int)(sizeof(table) / sizeof(table[0])))

const struct xj_errinfo *
xj_err_info(int err)
{
	int i = err - (XJ_E__FIRST + 1);

	if (i < 0 || i >= NERR)
		return &table[0];
	return &table[i];
}

int
xj_err_by_code(const char *code)
{
	for (int i = 0; i < NERR; i++)
		if (strcmp(table[i].code, code) == 0)
			return XJ_E__FIRST + 1 + i;
	return 0;
}
