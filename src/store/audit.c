/* audit.c -- append one audit entry in the caller's transaction. */
#include "config.h"

#include <openssl/sha.h>

#include "core/err.h"
#include "db/db.h"
#include "audit.h"
#include "sql.h"

const char *
xj_actor_type_name(enum xj_actor_type t)
{
	static const char *n[] = { "system", "parent", "staff", "psb", "ministry" };

	return (unsigned)t < 5 ? n[t] : "system";
}

static int
append(struct xj_db *db, const struct xj_actor *who, const struct xj_audit *a,
    int read, unsigned long rows, const char *filter)
{
	unsigned char before[SHA256_DIGEST_LENGTH], after[SHA256_DIGEST_LENGTH];
	struct xj_val v[13];

	if (a->before.p != NULL)
		SHA256((const unsigned char *)a->before.p, a->before.len, before);
	if (a->after.p != NULL)
		SHA256((const unsigned char *)a->after.p, a->after.len, after);
	v[0] = XJ_VS(who->request_id ? who->request_id : "");
	v[1] = XJ_VS(xj_actor_type_name(who->type));
	v[2] = who->id ? XJ_VI(who->id) : XJ_VNULL;
	v[3] = who->role ? XJ_VS(who->role) : XJ_VNULL;
	v[4] = who->org_id ? XJ_VI(who->org_id) : XJ_VNULL;
	v[5] = XJ_VS(a->action);
	v[6] = XJ_VS(a->target_type);
	v[7] = XJ_VXS(a->target_id);
	v[8] = XJ_VS(who->client_addr ? who->client_addr : "");
	v[9] = a->before.p ? XJ_VB(before, sizeof(before)) : XJ_VNULL;
	v[10] = a->after.p ? XJ_VB(after, sizeof(after)) : XJ_VNULL;
	if (!read)
		return xj_db_exec(db, XJ_Q_AUDIT_INSERT, v, 11);
	v[11] = XJ_VI(rows);
	v[12] = filter ? XJ_VS(filter) : XJ_VNULL;
	return xj_db_exec(db, XJ_Q_AUDIT_READ_INSERT, v, 13);
}

int
xj_audit_append(struct xj_db *db, const struct xj_actor *who,
    const struct xj_audit *a)
{
	return append(db, who, a, 0, 0, NULL);
}

int
xj_audit_append_read(struct xj_db *db, const struct xj_actor *who,
    const struct xj_audit *a, unsigned long rows, const char *filter)
{
	return append(db, who, a, 1, rows, filter);
}

int
xj_audit_count_recent(struct xj_db *db, enum xj_actor_type type, unsigned long long id,
    const char *action, int seconds, long long *n)
{
	struct xj_val v[4] = { XJ_VI(id), XJ_VS(action), XJ_VS(xj_actor_type_name(type)),
	    XJ_VI(seconds) };
	struct xj_col c[1] = { XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_AUDIT_COUNT_RECENT, v, 4, c, 1);

	*n = rc == XJ_OK ? c[0].i : 0;
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}
