/* registration.c -- registration rows (see registration.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "idempotency.h"
#include "psb.h"
#include "registration.h"
#include "sql.h"

#define VS_OR_NULL(s)	((s)[0] ? XJ_VS(s) : XJ_VNULL)

/* The form's columns, in the order both INSERT and UPDATE list them. */
static int
form_vals(const struct xj_reg_rec *r, struct xj_val *v)
{
	int n = 0;

	v[n++] = XJ_VI(r->local_family);
	v[n++] = VS_OR_NULL(r->special_category);
	v[n++] = XJ_VB(r->child_bidx, 32);
	v[n++] = XJ_VS(r->child_name);
	v[n++] = XJ_VS(r->sex);
	v[n++] = XJ_VS(r->birth_date);
	v[n++] = XJ_VS(r->doc_type);
	v[n++] = XJ_VB(r->idn_ct, r->idn_ct_len);
	v[n++] = XJ_VS(r->ethnicity);
	v[n++] = XJ_VS(r->nationality);
	v[n++] = XJ_VS(r->hukou_nature);
	v[n++] = XJ_VS(r->hukou_code);
	v[n++] = XJ_VS(r->birthplace);
	v[n++] = XJ_VS(r->native_place);
	v[n++] = XJ_VS(r->current_address);
	v[n++] = XJ_VS(r->home_address);
	v[n++] = XJ_VS(r->contact_address);
	v[n++] = XJ_VI(r->left_behind);
	v[n++] = XJ_VI(r->migrant_worker_child);
	v[n++] = XJ_VI(r->distance_dm);
	v[n++] = XJ_VI(r->age_warning);
	return n;
}

static int
psb_token(char out[XJ_PSB_TOKEN_LEN + 1])
{
	unsigned char b[16];

	if (RAND_bytes(b, sizeof(b)) != 1)
		return XJ_E_INTERNAL;
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return XJ_OK;
}

/* The values of procedure xj_reg_create's parameters, in its order
 * (sql/0008): own_tx, the row, four guardians (NULLs past the last), the
 * event's detail, the PSB request's token (NULL: none), the audit entry's
 * request id (NULL: none), client address and digest, the idempotency
 * key's hashes and target, the prereg number (NULL: no key), the privacy
 * notice's version (NULL: none recorded; sql/0016) and the account's
 * limits (sql/0009). */
#define CREATE_VALS	69
static void
create_vals(const struct xj_reg_rec *r, int own_tx, const char *detail, const char *token,
    const struct xj_reg_create_in *in, const unsigned char *after, struct xj_val *v)
{
	int n = 0;

	v[n++] = XJ_VI(own_tx);
	v[n++] = XJ_VS(r->prereg);
	v[n++] = XJ_VI(r->year);
	v[n++] = XJ_VS(r->county);
	v[n++] = r->school_org_id ? XJ_VI(r->school_org_id) : XJ_VNULL;
	v[n++] = XJ_VI(r->parent_id);
	v[n++] = XJ_VS(xj_reg_state_name(r->pos.state));
	v[n++] = XJ_VS(xj_cert_state_name(r->pos.cert));
	n += form_vals(r, v + n);
	for (size_t i = 0; i < XJ_REG_MAX_GUARDIANS; i++) {
		const struct xj_guardian_rec *g = &r->g[i];
		if (i >= r->nguardians) {
			for (int k = 0; k < 7; k++)
				v[n++] = XJ_VNULL;
			continue;
		}
		v[n++] = XJ_VS(g->relation);
		v[n++] = XJ_VS(g->relation_desc);
		v[n++] = XJ_VS(g->name);
		v[n++] = VS_OR_NULL(g->doc_type);
		v[n++] = g->idn_ct_len ? XJ_VB(g->idn_ct, g->idn_ct_len) : XJ_VNULL;
		v[n++] = XJ_VB(g->phone_ct, g->phone_ct_len);
		v[n++] = XJ_VS(g->employer);
	}
	v[n++] = XJ_VS(detail);
	v[n++] = token != NULL ? XJ_VS(token) : XJ_VNULL;
	v[n++] = in != NULL ? XJ_VS(in->request_id ? in->request_id : "") : XJ_VNULL;
	v[n++] = in != NULL ? XJ_VS(in->client_addr ? in->client_addr : "") : XJ_VNULL;
	v[n++] = in != NULL ? XJ_VB(after, SHA256_DIGEST_LENGTH) : XJ_VNULL;
	if (in != NULL && in->idem != NULL) {
		v[n++] = XJ_VB(in->idem->key_hash, 32);
		v[n++] = XJ_VB(in->idem->req_hash, 32);
		/* H3: the key points at the registration, no copy of it */
		v[n++] = XJ_VS(r->prereg);
	} else {
		v[n++] = XJ_VNULL;
		v[n++] = XJ_VNULL;
		v[n++] = XJ_VNULL;
	}
	v[n++] = r->notice_version ? XJ_VI(r->notice_version) : XJ_VNULL;
	/* issue 10 (A: cap): the account's limits (sql/0009) */
	v[n++] = in != NULL && in->cap > 0 ? XJ_VI(in->cap) : XJ_VNULL;
	v[n++] = in != NULL && in->rate > 0 ? XJ_VI(in->rate) : XJ_VNULL;
	v[n++] = in != NULL && in->rate > 0 ? XJ_VI(in->rate_window) : XJ_VNULL;
}

/* Which key a duplicate of the procedures hit (db->dupkey; newer servers
 * may prefix the table). */
static int
dup_is(const struct xj_db *db, const char *key)
{
	size_t n = strlen(db->dupkey), k = strlen(key);

	return n >= k && strcmp(db->dupkey + n - k, key) == 0 &&
	    (n == k || db->dupkey[n - k - 1] == '.');
}

static int
dup_answer(const struct xj_db *db)
{
	if (dup_is(db, "registration_prereg"))
		return XJ_E_CONFLICT;		/* a number drawn twice: draw again */
	if (dup_is(db, "psb_token"))
		return XJ_RETRY;		/* after rows were written: start over */
	if (dup_is(db, "PRIMARY"))
		return XJ_E_DUPLICATE_CHILD;	/* child_claim's key (R-COL-2) */
	xj_log(XJ_LOG_ERROR, "reg_duplicate_unknown_key", "%s", "key", db->dupkey);
	return XJ_E_INTERNAL;
}

/* One CALL of xj_reg_create; psb: with the PSB request when the child
 * has a document number; in: with the audit entry (and the key's answer),
 * NULL for none. */
static int
call_create(struct xj_db *db, const struct xj_reg_rec *r, int own_tx, const char *detail,
    int psb, const struct xj_reg_create_in *in)
{
	struct xj_val v[CREATE_VALS];
	unsigned char after[SHA256_DIGEST_LENGTH];
	char token[XJ_PSB_TOKEN_LEN + 1];
	int rc;

	psb = psb && r->idn_ct_len;
	if (psb && (rc = psb_token(token)) != XJ_OK)
		return rc;
	/* the audit entry proves which child without naming it */
	if (in != NULL)
		SHA256(r->child_bidx, sizeof(r->child_bidx), after);
	create_vals(r, own_tx, detail, psb ? token : NULL, in, after, v);
	return xj_db_exec(db, XJ_Q_REG_CREATE, v, CREATE_VALS);
}

int
xj_reg_insert(struct xj_db *db, struct xj_reg_rec *r, const char *detail, int psb)
{
	struct xj_val p = XJ_VS(r->prereg);
	struct xj_col c = XJ_COL_INT;
	int rc;

	if ((rc = call_create(db, r, 0, detail, psb, NULL)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? dup_answer(db) : rc;
	if ((rc = xj_db_row(db, XJ_Q_REG_ID_BY_PREREG, &p, 1, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	r->id = (unsigned long long)c.i;
	r->version = 1;
	return XJ_OK;
}

int
xj_reg_create(struct xj_db *db, struct xj_arena *a, const struct xj_reg_rec *r,
    struct xj_reg_create_in *in)
{
	int rc;

	(void)a;
	if ((rc = call_create(db, r, 1, "", 1, in)) != XJ_E_CONFLICT)
		return rc;
	/* issue 10 (A: cap): the procedure's refusals (sql/0009) */
	if (strcmp(db->signal, "registration_limit") == 0)
		return XJ_E_REG_LIMIT;
	if (strncmp(db->signal, "registration_rate ", 18) == 0) {
		in->retry_after = strtol(db->signal + 18, NULL, 10);
		return XJ_E_REG_RATE;
	}
	/* the procedure rolled back; a repeated key is answered as before */
	if (in->idem != NULL && dup_is(db, "idempotency_key"))
		return xj_idem_load(db, in->idem);
	return dup_answer(db);
}

int
xj_reg_insert_guardians(struct xj_db *db, const struct xj_reg_rec *r)
{
	for (size_t i = 0; i < r->nguardians; i++) {
		const struct xj_guardian_rec *g = &r->g[i];
		struct xj_val v[9] = {
			XJ_VI(r->id), XJ_VI(i), XJ_VS(g->relation), XJ_VS(g->relation_desc),
			XJ_VS(g->name), VS_OR_NULL(g->doc_type),
			g->idn_ct_len ? XJ_VB(g->idn_ct, g->idn_ct_len) : XJ_VNULL,
			XJ_VB(g->phone_ct, g->phone_ct_len), XJ_VS(g->employer)
		};
		int rc = xj_db_exec(db, XJ_Q_REG_GUARDIAN_INSERT, v, 9);
		if (rc != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

int
xj_reg_claim(struct xj_db *db, const unsigned char *bidx, unsigned long long reg_id)
{
	struct xj_val v[2] = { XJ_VB(bidx, 32), XJ_VI(reg_id) };

	return xj_db_exec(db, XJ_Q_REG_CLAIM, v, 2);
}

int
xj_reg_unclaim(struct xj_db *db, unsigned long long reg_id)
{
	struct xj_val v = XJ_VI(reg_id);

	return xj_db_exec(db, XJ_Q_REG_UNCLAIM, &v, 1);
}

static int
get_guardians(struct xj_db *db, struct xj_reg_rec *r)
{
	struct xj_val v = XJ_VI(r->id);
	int rc;

	r->nguardians = 0;
	if ((rc = xj_db_exec(db, XJ_Q_REG_GUARDIANS, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_guardian_rec *g = &r->g[r->nguardians];
		struct xj_col c[7] = {
			XJ_COL_STR(g->relation, sizeof(g->relation)),
			XJ_COL_STR(g->relation_desc, sizeof(g->relation_desc)),
			XJ_COL_STR(g->name, sizeof(g->name)),
			XJ_COL_STR(g->doc_type, sizeof(g->doc_type)),
			XJ_COL_BLOB((char *)g->idn_ct, sizeof(g->idn_ct)),
			XJ_COL_BLOB((char *)g->phone_ct, sizeof(g->phone_ct)),
			XJ_COL_STR(g->employer, sizeof(g->employer)),
		};
		if (r->nguardians == XJ_REG_MAX_GUARDIANS)
			break;
		if ((rc = xj_db_fetch(db, XJ_Q_REG_GUARDIANS, c, 7)) != XJ_OK)
			break;
		g->idn_ct_len = c[4].is_null ? 0 : c[4].len;
		g->phone_ct_len = c[5].len;
		r->nguardians++;
	}
	xj_db_done(db, XJ_Q_REG_GUARDIANS);
	return rc == XJ_NO_ROW || rc == XJ_OK ? XJ_OK : rc;
}

static int	get_core(struct xj_db *, const char *, struct xj_reg_rec *);

int
xj_reg_get(struct xj_db *db, const char *prereg, struct xj_reg_rec *r)
{
	int rc = get_core(db, prereg, r);

	return rc == XJ_OK ? get_guardians(db, r) : rc;
}

/* The row without its guardians (nguardians = 0). */
static int
get_core(struct xj_db *db, const char *prereg, struct xj_reg_rec *r)
{
	char state[25], cert[17];
	struct xj_val v = XJ_VS(prereg);
	struct xj_col c[34] = {
		XJ_COL_INT, XJ_COL_STR(r->prereg, sizeof(r->prereg)), XJ_COL_INT,
		XJ_COL_STR(r->county, sizeof(r->county)), XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(state, sizeof(state)), XJ_COL_STR(cert, sizeof(cert)), XJ_COL_INT,
		XJ_COL_INT, XJ_COL_STR(r->special_category, sizeof(r->special_category)),
		XJ_COL_STR(r->child_name, sizeof(r->child_name)), XJ_COL_STR(r->sex, sizeof(r->sex)),
		XJ_COL_STR(r->birth_date, sizeof(r->birth_date)),
		XJ_COL_STR(r->doc_type, sizeof(r->doc_type)),
		XJ_COL_BLOB((char *)r->idn_ct, sizeof(r->idn_ct)),
		XJ_COL_STR(r->ethnicity, sizeof(r->ethnicity)),
		XJ_COL_STR(r->nationality, sizeof(r->nationality)),
		XJ_COL_STR(r->hukou_nature, sizeof(r->hukou_nature)),
		XJ_COL_STR(r->hukou_code, sizeof(r->hukou_code)),
		XJ_COL_STR(r->birthplace, sizeof(r->birthplace)),
		XJ_COL_STR(r->native_place, sizeof(r->native_place)),
		XJ_COL_STR(r->current_address, sizeof(r->current_address)),
		XJ_COL_STR(r->home_address, sizeof(r->home_address)),
		XJ_COL_STR(r->contact_address, sizeof(r->contact_address)),
		XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(r->study_permit, sizeof(r->study_permit)),
		XJ_COL_STR(r->created_at, sizeof(r->created_at)),
		XJ_COL_STR(r->updated_at, sizeof(r->updated_at)),
		XJ_COL_BLOB((char *)r->child_bidx, sizeof(r->child_bidx)), XJ_COL_INT,
	};
	int rc = xj_db_row(db, XJ_Q_REG_BY_PREREG, &v, 1, c, 34);

	if (rc != XJ_OK)
		return rc;
	r->id = (unsigned long long)c[0].i;
	r->year = (int)c[2].i;
	r->school_org_id = (unsigned)c[4].i;
	r->parent_id = (unsigned long long)c[5].i;
	r->pos.state = (enum xj_reg_state)xj_reg_state_parse(state);
	r->pos.cert = (enum xj_cert_state)xj_cert_state_parse(cert);
	if ((int)r->pos.state < 0 || (int)r->pos.cert < 0)
		return XJ_E_INTERNAL;
	r->version = (unsigned)c[8].i;
	r->local_family = (int)c[9].i;
	r->idn_ct_len = c[15].len;
	r->left_behind = (int)c[25].i;
	r->migrant_worker_child = (int)c[26].i;
	r->distance_dm = (unsigned)c[27].i;
	r->age_warning = (int)c[28].i;
	r->notice_version = (unsigned)c[33].i;
	r->nguardians = 0;
	return XJ_OK;
}

int
xj_reg_move(struct xj_db *db, unsigned long long id, struct xj_reg_pos from,
    struct xj_reg_pos to)
{
	struct xj_val v[5] = {
		XJ_VS(xj_reg_state_name(to.state)), XJ_VS(xj_cert_state_name(to.cert)),
		XJ_VI(id), XJ_VS(xj_reg_state_name(from.state)),
		XJ_VS(xj_cert_state_name(from.cert))
	};
	int rc = xj_db_exec(db, XJ_Q_REG_TRANSITION, v, 5);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_REG_TRANSITION) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_reg_event(struct xj_db *db, unsigned long long id, const char *event,
    const char *state, const char *detail)
{
	struct xj_val v[4] = { XJ_VI(id), XJ_VS(event), XJ_VS(state), XJ_VS(detail ? detail : "") };

	return xj_db_exec(db, XJ_Q_REG_EVENT_INSERT, v, 4);
}

int
xj_reg_update(struct xj_db *db, const struct xj_reg_rec *r, struct xj_reg_pos from,
    unsigned version)
{
	struct xj_val v[28];
	struct xj_val d = XJ_VI(r->id);
	int n = 0, rc;

	v[n++] = r->school_org_id ? XJ_VI(r->school_org_id) : XJ_VNULL;
	v[n++] = XJ_VS(xj_reg_state_name(r->pos.state));
	v[n++] = XJ_VS(xj_cert_state_name(r->pos.cert));
	n += form_vals(r, v + n);
	v[n++] = XJ_VI(r->id);
	v[n++] = XJ_VS(xj_reg_state_name(from.state));
	v[n++] = XJ_VS(xj_cert_state_name(from.cert));
	v[n++] = XJ_VI(version);
	if ((rc = xj_db_exec(db, XJ_Q_REG_UPDATE, v, (unsigned)n)) != XJ_OK)
		return rc;
	if (xj_db_affected(db, XJ_Q_REG_UPDATE) != 1)
		return XJ_E_CONFLICT;
	if ((rc = xj_db_exec(db, XJ_Q_REG_GUARDIANS_DELETE, &d, 1)) != XJ_OK)
		return rc;
	return xj_reg_insert_guardians(db, r);
}

int
xj_reg_status_read(struct xj_db *db, unsigned long long parent_id, const char *prereg,
    int *found, unsigned *gen, struct xj_reg_rec *rec,
    void (*fn)(const struct xj_reg_event_row *, void *), void *arg)
{
	struct xj_reg_event_row e;
	char state[25], cert[17];
	struct xj_val v[2] = { XJ_VS(prereg), XJ_VI(parent_id) };
	struct xj_col c[12] = { XJ_COL_INT, XJ_COL_INT, XJ_COL_STR(state, sizeof(state)),
	    XJ_COL_STR(cert, sizeof(cert)), XJ_COL_INT,
	    XJ_COL_STR(e.at, sizeof(e.at)), XJ_COL_STR(e.event, sizeof(e.event)),
	    XJ_COL_STR(e.state, sizeof(e.state)), XJ_COL_STR(e.detail, sizeof(e.detail)),
	    XJ_COL_INT, XJ_COL_STR(rec->doc_type, sizeof(rec->doc_type)), XJ_COL_INT };
	int rc, first = 1, bad = 0;

	*found = 0;
	*gen = 0;
	rec->id = 0;
	if ((rc = xj_db_exec(db, XJ_Q_REG_STATUS, v, 2)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_REG_STATUS, c, 12)) == XJ_OK) {
		if (first) {
			first = 0;
			*found = 1;
			*gen = (unsigned)c[0].i;
			if (c[1].is_null)
				continue;	/* not this parent's: no events either */
			rec->id = (unsigned long long)c[1].i;
			rec->parent_id = parent_id;
			rec->pos.state = (enum xj_reg_state)xj_reg_state_parse(state);
			rec->pos.cert = (enum xj_cert_state)xj_cert_state_parse(cert);
			rec->local_family = (int)c[4].i;
			rec->idn_ct_len = (unsigned long)c[11].i;	/* the length only */
			bad = (int)rec->pos.state < 0 || (int)rec->pos.cert < 0;
		}
		if (!bad && rec->id && !c[6].is_null) {
			e.id = (unsigned long long)c[9].i;
			fn(&e, arg);
		}
	}
	xj_db_done(db, XJ_Q_REG_STATUS);
	if (rc != XJ_NO_ROW)
		return rc;
	return bad ? XJ_E_INTERNAL : XJ_OK;
}

int
xj_reg_psb_supersede(struct xj_db *db, unsigned long long id)
{
	struct xj_val v = XJ_VI(id);

	return xj_db_exec(db, XJ_Q_PSB_SUPERSEDE, &v, 1);
}

int
xj_change_open_count(struct xj_db *db, unsigned long long reg_id, long long *n)
{
	struct xj_val v = XJ_VI(reg_id);
	struct xj_col c = XJ_COL_INT;
	int rc = xj_db_row(db, XJ_Q_CHANGE_OPEN, &v, 1, &c, 1);

	*n = c.i;
	return rc;
}

int
xj_change_insert(struct xj_db *db, unsigned long long reg_id, const char *from,
    const char *to, const char *reason)
{
	struct xj_val v[4] = { XJ_VI(reg_id), XJ_VS(from), XJ_VS(to), XJ_VS(reason) };

	return xj_db_exec(db, XJ_Q_CHANGE_INSERT, v, 4);
}

int
xj_change_list(struct xj_db *db, unsigned long long reg_id,
    void (*fn)(const struct xj_change_row *, void *), void *arg)
{
	struct xj_change_row row;
	struct xj_val v = XJ_VI(reg_id);
	struct xj_col c[7] = { XJ_COL_INT, XJ_COL_STR(row.from_county, sizeof(row.from_county)),
	    XJ_COL_STR(row.to_county, sizeof(row.to_county)), XJ_COL_STR(row.state, sizeof(row.state)),
	    XJ_COL_STR(row.reason, sizeof(row.reason)),
	    XJ_COL_STR(row.requested_at, sizeof(row.requested_at)),
	    XJ_COL_STR(row.decided_at, sizeof(row.decided_at)) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_CHANGE_LIST, &v, 1)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_CHANGE_LIST, c, 7)) == XJ_OK) {
		row.id = (unsigned long long)c[0].i;
		fn(&row, arg);
	}
	xj_db_done(db, XJ_Q_CHANGE_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_reg_list_by_parent(struct xj_db *db, unsigned long long parent_id,
    void (*fn)(const struct xj_reg_summary *, void *), void *arg)
{
	struct xj_reg_summary sm;
	struct xj_val v = XJ_VI(parent_id);
	struct xj_col c[8] = { XJ_COL_STR(sm.prereg, sizeof(sm.prereg)),
	    XJ_COL_STR(sm.county, sizeof(sm.county)), XJ_COL_STR(sm.state, sizeof(sm.state)),
	    XJ_COL_STR(sm.cert, sizeof(sm.cert)), XJ_COL_STR(sm.child_name, sizeof(sm.child_name)),
	    XJ_COL_STR(sm.created_at, sizeof(sm.created_at)),
	    XJ_COL_STR(sm.doc_type, sizeof(sm.doc_type)), XJ_COL_INT };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_REG_LIST_BY_PARENT, &v, 1)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_REG_LIST_BY_PARENT, c, 8)) == XJ_OK) {
		sm.idn_ct_len = c[7].is_null ? 0 : c[7].i;
		fn(&sm, arg);
	}
	xj_db_done(db, XJ_Q_REG_LIST_BY_PARENT);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_reg_psb_enqueue(struct xj_db *db, unsigned long long id, unsigned version)
{
	char token[XJ_PSB_TOKEN_LEN + 1];
	struct xj_val v[3];
	int rc;

	if ((rc = psb_token(token)) != XJ_OK)
		return rc;
	v[0] = XJ_VS(token);
	v[1] = XJ_VI(id);
	v[2] = XJ_VI(version);
	return xj_db_exec(db, XJ_Q_PSB_ENQUEUE, v, 3);
}

int
xj_reg_context(struct xj_db *db, unsigned long long parent, const char *county6,
    const char *school_code, int year, struct xj_reg_ctx *x)
{
	struct xj_window w[3];
	const struct xj_window *pick;
	char city[7], prov[7], code[8];
	char cpath[sizeof(x->county.path)], sname[sizeof(x->school.name)];
	char spath[sizeof(x->school.path)];
	struct xj_val v[8];
	struct xj_col c[13];
	size_t n = 0;
	int rc;

	memset(x, 0, sizeof(*x));
	snprintf(city, sizeof(city), "%.4s00", county6);
	snprintf(prov, sizeof(prov), "%.2s0000", county6);
	v[0] = XJ_VS(county6);
	v[1] = XJ_VS(school_code);
	v[2] = XJ_VI(year);
	v[3] = XJ_VS(county6);
	v[4] = XJ_VS(city);
	v[5] = XJ_VS(prov);
	v[6] = XJ_VS(prov);
	v[7] = XJ_VI(parent);
	c[0] = XJ_COL_INT;
	c[1] = XJ_COL_INT;
	c[2] = XJ_COL_STR(cpath, sizeof(cpath));
	c[3] = XJ_COL_INT;
	c[4] = XJ_COL_STR(sname, sizeof(sname));
	c[5] = XJ_COL_STR(spath, sizeof(spath));
	c[6] = XJ_COL_STR(code, sizeof(code));
	c[7] = XJ_COL_INT;
	c[8] = XJ_COL_INT;
	c[9] = XJ_COL_INT;
	c[10] = XJ_COL_INT;
	c[11] = XJ_COL_INT;
	c[12] = XJ_COL_INT;
	if ((rc = xj_db_exec(db, XJ_Q_REG_CONTEXT, v, 8)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_REG_CONTEXT, c, 13)) == XJ_OK) {
		if (!x->account) {
			x->account = 1;
			x->session_gen = (unsigned)c[0].i;
			if (!c[1].is_null) {
				x->county.id = (unsigned)c[1].i;
				snprintf(x->county.kind, sizeof(x->county.kind), "county");
				snprintf(x->county.code, sizeof(x->county.code), "%s", county6);
				memcpy(x->county.path, cpath, sizeof(cpath));
			}
			if (!c[3].is_null) {
				x->school.id = (unsigned)c[3].i;
				snprintf(x->school.kind, sizeof(x->school.kind), "school");
				snprintf(x->school.code, sizeof(x->school.code), "%s", school_code);
				memcpy(x->school.name, sname, sizeof(sname));
				memcpy(x->school.path, spath, sizeof(spath));
			}
			if (!c[9].is_null) {
				x->has_age = 1;
				x->min_age = (int)c[9].i;
				x->cutoff_month = (int)c[10].i;
				x->cutoff_day = (int)c[11].i;
			}
			x->notice_version = c[12].is_null ? 0 : (unsigned)c[12].i;
		}
		if (!c[6].is_null && n < 3) {
			snprintf(w[n].division, sizeof(w[n].division), "%s", code);
			w[n].opens_utc = c[7].i;
			w[n].closes_utc = c[8].i;
			n++;
		}
	}
	xj_db_done(db, XJ_Q_REG_CONTEXT);
	if (rc != XJ_NO_ROW)
		return rc;
	if ((pick = xj_window_pick(w, n, county6)) != NULL) {
		x->has_window = 1;
		x->window = *pick;
	}
	return XJ_OK;
}

void
xj_reg_row(const char *prereg, int guardian, char out[XJ_REG_ROW_MAX])
{
	if (guardian < 0)
		snprintf(out, XJ_REG_ROW_MAX, "%.16s", prereg);
	else
		snprintf(out, XJ_REG_ROW_MAX, "%.16s/%d", prereg, guardian);
}
