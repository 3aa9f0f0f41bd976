/* xmove.c -- cross-province moves, the receiving side: rows (see xmove.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "store/sql.h"
#include "store/xmove.h"

unsigned long long
xj_xmove_subject(const char *no)
{
	unsigned long long v = 0, off;
	size_t i;

	if (no == NULL || strlen(no) != 19)
		return 0;
	if (no[0] == 'G' || no[0] == 'J') {
		for (i = 1; i < 18; i++) {
			if (no[i] < '0' || no[i] > '9')
				return 0;
			v = v * 10 + (unsigned long long)(no[i] - '0');
		}
		if (no[18] == 'X')
			v = v * 11 + 10;
		else if (no[18] >= '0' && no[18] <= '9')
			v = v * 11 + (unsigned long long)(no[18] - '0');
		else
			return 0;
		off = no[0] == 'G' ? 0 : 1100000000000000000ULL;
	} else if (no[0] == 'L') {
		for (i = 1; i < 19; i++) {
			if (no[i] < '0' || no[i] > '9')
				return 0;
			v = v * 10 + (unsigned long long)(no[i] - '0');
		}
		off = 2200000000000000000ULL;
	} else
		return 0;
	return (1ULL << 62) + off + v;
}

int
xj_xmove_insert(struct xj_db *db, const struct xj_xmove *x)
{
	struct xj_val v[11] = { XJ_VI(x->wf), XJ_VS(x->transfer_id), XJ_VS(x->kind),
	    XJ_VS(x->student_no), XJ_VS(x->name), XJ_VS(x->from_school), XJ_VS(x->from_county),
	    XJ_VS(x->to_school), XJ_VS(x->to_county),
	    x->graduation_year ? XJ_VI(x->graduation_year) : XJ_VNULL, XJ_VS(x->reason) };

	return xj_db_exec(db, XJ_Q_XMV_INSERT, v, 11);
}

int
xj_xmove_get(struct xj_db *db, unsigned long long wf, struct xj_xmove *x)
{
	struct xj_val v = XJ_VI(wf);
	struct xj_col c[13] = { XJ_COL_STR(x->transfer_id, sizeof(x->transfer_id)),
	    XJ_COL_STR(x->kind, sizeof(x->kind)), XJ_COL_STR(x->student_no, sizeof(x->student_no)),
	    XJ_COL_STR(x->name, sizeof(x->name)), XJ_COL_STR(x->from_school, sizeof(x->from_school)),
	    XJ_COL_STR(x->from_county, sizeof(x->from_county)),
	    XJ_COL_STR(x->to_school, sizeof(x->to_school)),
	    XJ_COL_STR(x->to_county, sizeof(x->to_county)), XJ_COL_INT,
	    XJ_COL_STR(x->reason, sizeof(x->reason)), XJ_COL_STR(x->request, sizeof(x->request)),
	    XJ_COL_INT, XJ_COL_STR(x->requested, sizeof(x->requested)) };
	int rc;

	memset(x, 0, sizeof(*x));
	if ((rc = xj_db_row(db, XJ_Q_XMV_GET, &v, 1, c, 13)) != XJ_OK)
		return rc;
	x->wf = wf;
	x->graduation_year = (int)c[8].i;
	x->student_id = (unsigned long long)c[11].i;
	return XJ_OK;
}

int
xj_xmove_by_transfer(struct xj_db *db, const char *tid, struct xj_xmove *x)
{
	struct xj_val v = XJ_VS(tid);
	struct xj_col c[5] = { XJ_COL_INT, XJ_COL_STR(x->kind, sizeof(x->kind)),
	    XJ_COL_STR(x->student_no, sizeof(x->student_no)),
	    XJ_COL_STR(x->request, sizeof(x->request)), XJ_COL_INT };
	int rc;

	memset(x, 0, sizeof(*x));
	if ((rc = xj_db_row(db, XJ_Q_XMV_BY_TRANSFER, &v, 1, c, 5)) != XJ_OK)
		return rc;
	x->wf = (unsigned long long)c[0].i;
	x->graduation_year = (int)c[4].i;
	snprintf(x->transfer_id, sizeof(x->transfer_id), "%s", tid);
	return XJ_OK;
}

int
xj_xmove_sent(struct xj_db *db, unsigned long long wf, const char *mid)
{
	struct xj_val v[2] = { XJ_VS(mid), XJ_VI(wf) };
	int rc = xj_db_exec(db, XJ_Q_XMV_SENT, v, 2);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_XMV_SENT) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_xmove_decision_add(struct xj_db *db, unsigned long long wf, const struct xj_xmove_decision *d,
    const char *mid)
{
	struct xj_val v[7] = { XJ_VI(wf), XJ_VS(d->step), XJ_VS(d->decision),
	    d->code[0] ? XJ_VS(d->code) : XJ_VNULL, XJ_VS(d->reason), XJ_VS(d->decided),
	    XJ_VS(mid) };

	return xj_db_exec(db, XJ_Q_XMV_DECISION_ADD, v, 7);
}

int
xj_xmove_decisions(struct xj_db *db, unsigned long long wf,
    struct xj_xmove_decision out[XJ_XMOVE_DECISIONS_MAX], int *n)
{
	struct xj_val v[2] = { XJ_VI(wf), XJ_VI(XJ_XMOVE_DECISIONS_MAX) };
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_XMV_DECISIONS, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_xmove_decision *d = &out[*n];
		struct xj_col c[5] = { XJ_COL_STR(d->step, sizeof(d->step)),
		    XJ_COL_STR(d->decision, sizeof(d->decision)), XJ_COL_STR(d->code, sizeof(d->code)),
		    XJ_COL_STR(d->reason, sizeof(d->reason)),
		    XJ_COL_STR(d->decided, sizeof(d->decided)) };
		if (*n >= XJ_XMOVE_DECISIONS_MAX || (rc = xj_db_fetch(db, XJ_Q_XMV_DECISIONS, c, 5)) != XJ_OK)
			break;
		(*n)++;
	}
	xj_db_done(db, XJ_Q_XMV_DECISIONS);
	return rc == XJ_NO_ROW || rc == XJ_OK ? XJ_OK : rc;
}

int
xj_xmove_set_student(struct xj_db *db, unsigned long long wf, unsigned long long sid)
{
	struct xj_val v[2] = { XJ_VI(sid), XJ_VI(wf) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_XMV_SET_STUDENT, v, 2)) != XJ_OK)
		return rc;
	return xj_db_exec(db, XJ_Q_XMV_WF_SUBJECT, v, 2);
}

int
xj_gmw_open(struct xj_db *db, const char *province, const char *today, int *open)
{
	char until[11];
	struct xj_val v[3] = { XJ_VS(province), XJ_VS(today), XJ_VS(today) };
	struct xj_col c[1] = { XJ_COL_STR(until, sizeof(until)) };
	int rc = xj_db_row(db, XJ_Q_GMW_OPEN, v, 3, c, 1);

	*open = rc == XJ_OK;
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_gmw_set(struct xj_db *db, const char *province, const char *from, const char *to,
    const char *reason)
{
	struct xj_val v[4] = { XJ_VS(province), XJ_VS(from), XJ_VS(to), XJ_VS(reason) };

	return xj_db_exec(db, XJ_Q_GMW_SET, v, 4);
}

int
xj_gmw_delete(struct xj_db *db, const char *province, const char *from)
{
	struct xj_val v[2] = { XJ_VS(province), XJ_VS(from) };
	int rc = xj_db_exec(db, XJ_Q_GMW_DEL, v, 2);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_GMW_DEL) == 0)
		return XJ_NO_ROW;
	return rc;
}

int
xj_gmw_list(struct xj_db *db, void (*fn)(const char *, const char *, const char *, const char *,
    void *), void *arg)
{
	char p[8], f[11], t[11], r[801];
	struct xj_col c[4] = { XJ_COL_STR(p, sizeof(p)), XJ_COL_STR(f, sizeof(f)),
	    XJ_COL_STR(t, sizeof(t)), XJ_COL_STR(r, sizeof(r)) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_GMW_LIST, NULL, 0)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_GMW_LIST, c, 4)) == XJ_OK)
		fn(p, f, t, r, arg);
	xj_db_done(db, XJ_Q_GMW_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_xmove_revive(struct xj_db *db, unsigned long long sid, const struct xj_xmove_record *x)
{
	struct xj_val v[16] = { XJ_VI(x->school), XJ_VS(x->county_code), XJ_VS(x->name),
	    XJ_VS(x->sex), XJ_VS(x->birth), XJ_VS(x->doc_type), XJ_VB(x->child_bidx, 32),
	    x->person_bidx ? XJ_VB(x->person_bidx, 32) : XJ_VNULL, XJ_VS(x->ethnicity),
	    XJ_VS(x->nationality), XJ_VS(x->hukou_code), XJ_VI(x->entry_year), XJ_VI(x->level),
	    x->class_id ? XJ_VI(x->class_id) : XJ_VNULL, XJ_VS(x->national_check), XJ_VI(sid) };
	int rc = xj_db_exec(db, XJ_Q_XMV_STU_REVIVE, v, 16);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_XMV_STU_REVIVE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_xmove_class_fits(struct xj_db *db, unsigned class_id, unsigned school, int entry_year, int level)
{
	struct xj_val v[4] = { XJ_VI(class_id), XJ_VI(school), XJ_VI(entry_year), XJ_VI(level) };
	struct xj_col c = XJ_COL_INT;
	int rc = xj_db_row(db, XJ_Q_XMV_CLASS_FITS, v, 4, &c, 1);

	return rc == XJ_OK ? 1 : rc == XJ_NO_ROW ? 0 : rc;
}

int
xj_xmove_set_ct(struct xj_db *db, unsigned long long sid, const unsigned char *ct, size_t len)
{
	struct xj_val v[2] = { XJ_VB(ct, len), XJ_VI(sid) };

	return xj_db_exec(db, XJ_Q_STU_SET_CT, v, 2);
}

int
xj_xmove_guardian(struct xj_db *db, unsigned long long sid, int idx, const char *relation,
    const char *relation_desc, const char *name, const char *doc_type,
    const unsigned char *idn_ct, size_t idn_len, const unsigned char *phone_ct, size_t phone_len)
{
	struct xj_val u[8] = { XJ_VS(relation), XJ_VS(relation_desc), XJ_VS(name),
	    doc_type && doc_type[0] ? XJ_VS(doc_type) : XJ_VNULL,
	    idn_len ? XJ_VB(idn_ct, idn_len) : XJ_VNULL, XJ_VB(phone_ct, phone_len), XJ_VI(sid),
	    XJ_VI(idx) };
	struct xj_val v[8] = { XJ_VI(sid), XJ_VI(idx), XJ_VS(relation), XJ_VS(relation_desc),
	    XJ_VS(name), doc_type && doc_type[0] ? XJ_VS(doc_type) : XJ_VNULL,
	    idn_len ? XJ_VB(idn_ct, idn_len) : XJ_VNULL, XJ_VB(phone_ct, phone_len) };
	int rc;

	/* the ciphertexts are fresh (a new nonce): a row there always changes */
	if ((rc = xj_db_exec(db, XJ_Q_XMV_GUARDIAN_SET, u, 8)) != XJ_OK)
		return rc;
	if (xj_db_affected(db, XJ_Q_XMV_GUARDIAN_SET) == 1)
		return XJ_OK;
	return xj_db_exec(db, XJ_Q_XMV_GUARDIAN_ADD, v, 8);
}

int
xj_xmove_event(struct xj_db *db, unsigned long long sid, const char *kind, unsigned school,
    const char *status, unsigned long long wf, const char *note, const char *at)
{
	struct xj_val v[7] = { XJ_VI(sid), XJ_VS(kind), XJ_VI(school), XJ_VS(status), XJ_VI(wf),
	    note && note[0] ? XJ_VS(note) : XJ_VNULL, XJ_VS(at) };

	return xj_db_exec(db, XJ_Q_XMV_EVENT, v, 7);
}

int
xj_xmove_event_now(struct xj_db *db, unsigned long long sid, const char *kind, unsigned school,
    unsigned long long wf)
{
	struct xj_val v[4] = { XJ_VI(sid), XJ_VS(kind), XJ_VI(school), XJ_VI(wf) };

	return xj_db_exec(db, XJ_Q_XMV_EVENT_NOW, v, 4);
}

int
xj_xmove_starter(struct xj_db *db, unsigned long long wf, unsigned long long *staff)
{
	struct xj_val v = XJ_VI(wf);
	struct xj_col c[1] = { XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_XMV_STARTER, &v, 1, c, 1);

	*staff = rc == XJ_OK && !c[0].is_null ? (unsigned long long)c[0].i : 0;
	return rc;
}

/* ---- session 7 (capcase): the school's unanswered starts ---------------- */

int
xj_xmove_unanswered_locked(struct xj_db *db, unsigned school, long long *n)
{
	struct xj_val v = XJ_VI(school);
	struct xj_col lock[1] = { XJ_COL_INT }, c[1] = { XJ_COL_INT };
	int rc;

	*n = 0;
	if ((rc = xj_db_row(db, XJ_Q_XMV_CAP_LOCK, &v, 1, lock, 1)) != XJ_OK)
		return rc;
	if ((rc = xj_db_row(db, XJ_Q_XMV_UNANSWERED, &v, 1, c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	*n = c[0].i;
	return XJ_OK;
}
