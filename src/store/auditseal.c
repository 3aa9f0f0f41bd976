/* auditseal.c -- audit chain and head rows (see auditseal.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "auditseal.h"
#include "sql.h"

void
xj_audit_row_entry(const struct xj_audit_row *r, struct xj_ac_entry *e)
{
	e->id = r->id;
	for (int i = 0; i < XJ_AE__COUNT; i++) {
		e->f[i].p = r->buf[i];
		e->f[i].len = r->null[i] ? 0 : r->len[i];
		e->f[i].null = r->null[i];
	}
}

/* the entry's columns (XJ_AE_* order) bound into c[0..XJ_AE__COUNT) */
static void
bind_fields(struct xj_audit_row *r, struct xj_col *c)
{
	for (int i = 0; i < XJ_AE__COUNT; i++)
		c[i] = (i == XJ_AE_BEFORE || i == XJ_AE_AFTER) ?
		    XJ_COL_BLOB(r->buf[i], XJ_AUDIT_FIELD) :
		    XJ_COL_STR(r->buf[i], XJ_AUDIT_FIELD);
}

static void
keep_fields(struct xj_audit_row *r, const struct xj_col *c)
{
	for (int i = 0; i < XJ_AE__COUNT; i++) {
		r->len[i] = c[i].is_null ? 0 : c[i].len;
		r->null[i] = c[i].is_null ? 1 : 0;
	}
}

/* a head's columns (AUDIT_SEAL_LAST, AUDIT_SEALS) into h */
struct headcols {
	char		at[32], kid[32], sig[XJ_AC_SIG + 1];
	struct xj_col	c[7];
};

static void
head_bind(struct headcols *hc, struct xj_ac_head *h)
{
	hc->c[0] = XJ_COL_INT;
	hc->c[1] = XJ_COL_INT;
	hc->c[2] = XJ_COL_INT;
	hc->c[3] = XJ_COL_BLOB((char *)h->chain, XJ_AC_HASH);
	hc->c[4] = XJ_COL_STR(hc->at, sizeof(hc->at));
	hc->c[5] = XJ_COL_STR(hc->kid, sizeof(hc->kid));
	hc->c[6] = XJ_COL_BLOB(hc->sig, sizeof(hc->sig));
}

static void
head_keep(const struct headcols *hc, struct xj_ac_head *h)
{
	h->seal_id = (unsigned long long)hc->c[0].i;
	h->last_id = (unsigned long long)hc->c[1].i;
	h->entries = (unsigned long long)hc->c[2].i;
	snprintf(h->sealed_at, sizeof(h->sealed_at), "%s", hc->at);
	snprintf(h->key_id, sizeof(h->key_id), "%s", hc->kid);
	/* a signature or chain of another length cannot verify: zeros do not */
	memset(h->sig, 0, XJ_AC_SIG);
	if (hc->c[6].len == XJ_AC_SIG)
		memcpy(h->sig, hc->sig, XJ_AC_SIG);
	if (hc->c[3].len != XJ_AC_HASH)
		memset(h->chain, 0, XJ_AC_HASH);
}

int
xj_auditseal_last(struct xj_db *db, struct xj_ac_head *h)
{
	struct headcols hc;
	int rc;

	head_bind(&hc, h);
	if ((rc = xj_db_row(db, XJ_Q_AUDIT_SEAL_LAST, NULL, 0, hc.c, 7)) != XJ_OK)
		return rc;
	head_keep(&hc, h);
	return XJ_OK;
}

int
xj_auditseal_pending(struct xj_db *db, unsigned long long after_id, int seal_after,
    int max, struct xj_audit_row *rows, int *n, char now[20])
{
	struct xj_val v[3] = { XJ_VI(seal_after), XJ_VI(after_id), XJ_VI(max) };
	struct xj_col c[XJ_AE__COUNT + 3];
	char nowbuf[32];
	int rc;

	*n = 0;
	now[0] = '\0';
	if ((rc = xj_db_exec(db, XJ_Q_AUDIT_TO_SEAL, v, 3)) != XJ_OK)
		return rc;
	while (*n < max) {
		struct xj_audit_row *r = &rows[*n];
		c[0] = XJ_COL_INT;
		bind_fields(r, c + 1);
		c[XJ_AE__COUNT + 1] = XJ_COL_INT;
		c[XJ_AE__COUNT + 2] = XJ_COL_STR(nowbuf, sizeof(nowbuf));
		if ((rc = xj_db_fetch(db, XJ_Q_AUDIT_TO_SEAL, c, XJ_AE__COUNT + 3)) != XJ_OK)
			break;
		r->id = (unsigned long long)c[0].i;
		keep_fields(r, c + 1);
		r->settled = c[XJ_AE__COUNT + 1].i != 0;
		r->present = 1;
		r->chained = 0;
		snprintf(now, 20, "%s", nowbuf);
		(*n)++;
	}
	xj_db_done(db, XJ_Q_AUDIT_TO_SEAL);
	return *n == max || rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_auditseal_chain(struct xj_db *db, unsigned long long audit_id,
    unsigned long long seal_id, const unsigned char hash[XJ_AC_HASH])
{
	struct xj_val v[3] = { XJ_VI(audit_id), XJ_VI(seal_id), XJ_VB(hash, XJ_AC_HASH) };

	return xj_db_exec(db, XJ_Q_AUDIT_CHAIN_INSERT, v, 3);
}

int
xj_auditseal_head(struct xj_db *db, const struct xj_ac_head *h)
{
	struct xj_val v[7] = { XJ_VI(h->seal_id), XJ_VI(h->last_id), XJ_VI(h->entries),
	    XJ_VB(h->chain, XJ_AC_HASH), XJ_VS(h->sealed_at), XJ_VS(h->key_id),
	    XJ_VB(h->sig, XJ_AC_SIG) };

	return xj_db_exec(db, XJ_Q_AUDIT_SEAL_INSERT, v, 7);
}

int
xj_auditseal_heads(struct xj_db *db, unsigned long long after, int max,
    struct xj_ac_head *heads, int *n)
{
	struct xj_val v[2] = { XJ_VI(after), XJ_VI(max) };
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_AUDIT_SEALS, v, 2)) != XJ_OK)
		return rc;
	while (*n < max) {
		struct headcols hc;
		head_bind(&hc, &heads[*n]);
		if ((rc = xj_db_fetch(db, XJ_Q_AUDIT_SEALS, hc.c, 7)) != XJ_OK)
			break;
		head_keep(&hc, &heads[*n]);
		(*n)++;
	}
	xj_db_done(db, XJ_Q_AUDIT_SEALS);
	return *n == max || rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_auditseal_walk(struct xj_db *db, unsigned long long after, unsigned long long upto,
    int max, struct xj_audit_row *rows, int *n)
{
	struct xj_val v[5] = { XJ_VI(after), XJ_VI(upto), XJ_VI(after), XJ_VI(upto), XJ_VI(max) };
	struct xj_col c[XJ_AE__COUNT + 4];
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_AUDIT_VERIFY_PAGE, v, 5)) != XJ_OK)
		return rc;
	while (*n < max) {
		struct xj_audit_row *r = &rows[*n];
		char hash[XJ_AC_HASH + 1];
		c[0] = XJ_COL_INT;
		c[1] = XJ_COL_INT;
		bind_fields(r, c + 2);
		c[XJ_AE__COUNT + 2] = XJ_COL_INT;
		c[XJ_AE__COUNT + 3] = XJ_COL_BLOB(hash, sizeof(hash));
		if ((rc = xj_db_fetch(db, XJ_Q_AUDIT_VERIFY_PAGE, c, XJ_AE__COUNT + 4)) != XJ_OK)
			break;
		r->id = (unsigned long long)c[0].i;
		r->present = c[1].i != 0;
		keep_fields(r, c + 2);
		r->chained = !c[XJ_AE__COUNT + 2].is_null;
		r->seal_id = (unsigned long long)c[XJ_AE__COUNT + 2].i;
		memset(r->hash, 0, XJ_AC_HASH);
		if (r->chained && c[XJ_AE__COUNT + 3].len == XJ_AC_HASH)
			memcpy(r->hash, hash, XJ_AC_HASH);
		(*n)++;
	}
	xj_db_done(db, XJ_Q_AUDIT_VERIFY_PAGE);
	return *n == max || rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_auditseal_unsealed(struct xj_db *db, unsigned long long last_id,
    unsigned long long *count, long long *oldest_s, unsigned long long *stray)
{
	struct xj_val v = XJ_VI(last_id);
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
	struct xj_col s = XJ_COL_INT;
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_AUDIT_UNSEALED, &v, 1, c, 2)) != XJ_OK ||
	    (rc = xj_db_row(db, XJ_Q_AUDIT_CHAIN_BEYOND, &v, 1, &s, 1)) != XJ_OK)
		return rc;
	*count = (unsigned long long)c[0].i;
	*oldest_s = c[1].i;
	*stray = (unsigned long long)s.i;
	return XJ_OK;
}

int
xj_auditseal_secure_timestamp(struct xj_db *db, char *out, size_t cap)
{
	struct xj_col c = XJ_COL_STR(out, cap);

	return xj_db_row(db, XJ_Q_SECURE_TIMESTAMP, NULL, 0, &c, 1);
}
