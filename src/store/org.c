/* org.c -- organisation lookups (see org.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "org.h"
#include "sql.h"

int
xj_org_by_code(struct xj_db *db, const char *kind, const char *code, struct xj_org *o)
{
	struct xj_val v[2] = { XJ_VS(kind), XJ_VS(code) };
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_STR(o->path, sizeof(o->path)) };
	int rc = xj_db_row(db, XJ_Q_ORG_BY_KIND_CODE, v, 2, c, 2);

	if (rc == XJ_OK) {
		o->id = (unsigned)c[0].i;
		snprintf(o->kind, sizeof(o->kind), "%s", kind);
		snprintf(o->code, sizeof(o->code), "%s", code);
		o->name[0] = '\0';
	}
	return rc;
}

int
xj_org_by_id(struct xj_db *db, unsigned id, struct xj_org *o)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[4] = { XJ_COL_STR(o->kind, sizeof(o->kind)),
	    XJ_COL_STR(o->code, sizeof(o->code)), XJ_COL_STR(o->name, sizeof(o->name)),
	    XJ_COL_STR(o->path, sizeof(o->path)) };
	int rc = xj_db_row(db, XJ_Q_ORG_BY_ID, &v, 1, c, 4);

	o->id = id;
	return rc;
}

int
xj_org_within(const struct xj_org *inner, const struct xj_org *outer)
{
	size_t n = strlen(outer->path);

	return n > 0 && strncmp(inner->path, outer->path, n) == 0;
}
