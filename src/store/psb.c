/* psb.c -- identity verification requests (see psb.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "psb.h"
#include "sql.h"

/* Rows of one claim statement into out[0..*n). */
static int
claim_rows(struct xj_db *db, int q, size_t max, struct xj_psb_claim *out, size_t *n)
{
	struct xj_val v = XJ_VI(max);
	int rc;

	*n = 0;
	if (max == 0)
		return XJ_OK;
	if ((rc = xj_db_exec(db, q, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_psb_claim *c = &out[*n];
		struct xj_col col[4] = { XJ_COL_INT, XJ_COL_STR(c->token, sizeof(c->token)),
		    XJ_COL_INT, XJ_COL_INT };
		if (*n == max)
			break;
		if ((rc = xj_db_fetch(db, q, col, 4)) != XJ_OK)
			break;
		c->id = (unsigned long long)col[0].i;
		c->reg_id = (unsigned long long)col[2].i;
		c->reg_version = (unsigned)col[3].i;
		(*n)++;
	}
	xj_db_done(db, q);
	return rc == XJ_NO_ROW || rc == XJ_OK ? XJ_OK : rc;
}

static int
by_id(const void *a, const void *b)
{
	const struct xj_psb_claim *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int
xj_psb_claim(struct xj_db *db, size_t max, struct xj_psb_claim *out, size_t *n)
{
	size_t ne, np;
	int rc;

	/* Two index-ordered scans of (state, id), each stopping after max
	 * rows, rather than one "pending OR lease expired" query: that one
	 * would sort every candidate first and so lock all of them. Expired
	 * leases are few (at most what gateways hold). The union's max
	 * oldest are kept; rows locked but not kept are released at
	 * commit, moments later, and offered by a later pull. */
	*n = 0;
	if ((rc = claim_rows(db, XJ_Q_PSB_CLAIM_EXPIRED, max, out, &ne)) != XJ_OK ||
	    (rc = claim_rows(db, XJ_Q_PSB_CLAIM_PENDING, max, out + ne, &np)) != XJ_OK)
		return rc;
	qsort(out, ne + np, sizeof(*out), by_id);
	*n = ne + np < max ? ne + np : max;
	return XJ_OK;
}

static int
parse_pos(const char *state, const char *cert, struct xj_reg_pos *pos)
{
	int s = xj_reg_state_parse(state), c = xj_cert_state_parse(cert);

	if (s < 0 || c < 0)
		return XJ_E_INTERNAL;
	pos->state = (enum xj_reg_state)s;
	pos->cert = (enum xj_cert_state)c;
	return XJ_OK;
}

int
xj_psb_subject(struct xj_db *db, unsigned long long reg_id, struct xj_psb_subject *s)
{
	char state[25], cert[17];
	struct xj_val v = XJ_VI(reg_id);
	struct xj_col c[13] = {
		XJ_COL_STR(state, sizeof(state)), XJ_COL_STR(cert, sizeof(cert)),
		XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(s->name, sizeof(s->name)), XJ_COL_STR(s->sex, sizeof(s->sex)),
		XJ_COL_STR(s->birth_date, sizeof(s->birth_date)),
		XJ_COL_STR(s->doc_type, sizeof(s->doc_type)),
		XJ_COL_BLOB((char *)s->idn_ct, sizeof(s->idn_ct)),
		XJ_COL_STR(s->prereg, sizeof(s->prereg)),
		XJ_COL_STR(s->g_name, sizeof(s->g_name)),
		XJ_COL_STR(s->g_doc_type, sizeof(s->g_doc_type)),
		XJ_COL_BLOB((char *)s->g_idn_ct, sizeof(s->g_idn_ct)),
	};
	int rc = xj_db_row(db, XJ_Q_PSB_SUBJECT, &v, 1, c, 13);

	if (rc != XJ_OK)
		return rc;
	s->version = (unsigned)c[2].i;
	s->local_family = (int)c[3].i;
	s->idn_ct_len = c[8].len;
	s->g_idn_ct_len = c[12].is_null ? 0 : c[12].len;
	return parse_pos(state, cert, &s->pos);
}

int
xj_psb_offer(struct xj_db *db, unsigned long long id, int lease)
{
	struct xj_val v[2] = { XJ_VI(lease), XJ_VI(id) };

	return xj_db_exec(db, XJ_Q_PSB_OFFER, v, 2);
}

int
xj_psb_retire(struct xj_db *db, unsigned long long id)
{
	struct xj_val v = XJ_VI(id);

	return xj_db_exec(db, XJ_Q_PSB_RETIRE, &v, 1);
}

static int
req_row(struct xj_db *db, int q, const struct xj_val *v, struct xj_psb_req *p)
{
	struct xj_col c[7] = {
		XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(p->state, sizeof(p->state)),
		XJ_COL_STR(p->outcome, sizeof(p->outcome)),
		XJ_COL_STR(p->mismatched, sizeof(p->mismatched)),
		XJ_COL_STR(p->guardian_link, sizeof(p->guardian_link)),
	};
	int rc = xj_db_row(db, q, v, 1, c, 7);

	if (rc != XJ_OK)
		return rc;
	p->id = (unsigned long long)c[0].i;
	p->reg_id = (unsigned long long)c[1].i;
	p->reg_version = (unsigned)c[2].i;
	return XJ_OK;
}

int
xj_psb_by_token(struct xj_db *db, const char *token, size_t len, struct xj_psb_req *p)
{
	struct xj_val v = XJ_VSL(token, len);

	return req_row(db, XJ_Q_PSB_BY_TOKEN, &v, p);
}

int
xj_psb_lock(struct xj_db *db, unsigned long long id, struct xj_psb_req *p)
{
	struct xj_val v = XJ_VI(id);

	return req_row(db, XJ_Q_PSB_LOCK, &v, p);
}

int
xj_psb_answer(struct xj_db *db, unsigned long long id, const char *outcome,
    const char *mismatched, const char *guardian_link)
{
	struct xj_val v[4] = {
		XJ_VS(outcome), mismatched && *mismatched ? XJ_VS(mismatched) : XJ_VNULL,
		guardian_link && *guardian_link ? XJ_VS(guardian_link) : XJ_VNULL,
		XJ_VI(id)
	};
	int rc = xj_db_exec(db, XJ_Q_PSB_ANSWER, v, 4);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_PSB_ANSWER) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_psb_target_lock(struct xj_db *db, unsigned long long reg_id, struct xj_psb_target *t)
{
	char state[25], cert[17];
	struct xj_val v = XJ_VI(reg_id);
	struct xj_col c[5] = {
		XJ_COL_STR(t->prereg, sizeof(t->prereg)), XJ_COL_STR(state, sizeof(state)),
		XJ_COL_STR(cert, sizeof(cert)), XJ_COL_INT, XJ_COL_INT
	};
	int rc = xj_db_row(db, XJ_Q_PSB_TARGET_LOCK, &v, 1, c, 5);

	if (rc != XJ_OK)
		return rc;
	t->version = (unsigned)c[3].i;
	t->local_family = (int)c[4].i;
	return parse_pos(state, cert, &t->pos);
}

int
xj_psb_set_guardian_link(struct xj_db *db, unsigned long long reg_id, const char *link)
{
	struct xj_val v[2] = { XJ_VS(link), XJ_VI(reg_id) };

	return xj_db_exec(db, XJ_Q_PSB_GUARDIAN_LINK, v, 2);
}
