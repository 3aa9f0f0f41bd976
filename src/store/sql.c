/* sql.c -- the statement registry's table (see sql.h). */
#include "config.h"

#include "sql.h"

const struct xj_sqldef xj_store_sql[XJ_Q__COUNT] = {
#define XJ_Q_ROW(name, flags, sql) { #name, sql, flags },
	XJ_STORE_SQL(XJ_Q_ROW)
#undef XJ_Q_ROW
};
