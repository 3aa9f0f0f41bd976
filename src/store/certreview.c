/* certreview.c -- five-certificate reviews and study permits (see
 * certreview.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "certreview.h"
#include "sql.h"

/* M9: the residence permit number is the holder's citizen ID number and
 * the hukou book number names the household; the other numbers and the
 * addresses are shown in full, because reviewers check them with the
 * offices that issued them; the whole filing is encrypted at rest. */
const char *const xj_cert_masked_members[] = {
	"residence_permit.permit_no", "hukou_book.book_no", NULL
};

int
xj_certreview_get(struct xj_db *db, const char *prereg, struct xj_certreview *o)
{
	char state[25], cert[17];
	struct xj_val v = XJ_VS(prereg);
	struct xj_col c[23] = {
		XJ_COL_INT, XJ_COL_STR(o->prereg, sizeof(o->prereg)), XJ_COL_INT,
		XJ_COL_STR(o->county, sizeof(o->county)), XJ_COL_INT,
		XJ_COL_STR(state, sizeof(state)), XJ_COL_STR(cert, sizeof(cert)), XJ_COL_INT,
		XJ_COL_STR(o->child_name, sizeof(o->child_name)), XJ_COL_STR(o->sex, sizeof(o->sex)),
		XJ_COL_STR(o->birth_date, sizeof(o->birth_date)),
		XJ_COL_STR(o->hukou_code, sizeof(o->hukou_code)),
		XJ_COL_STR(o->study_permit, sizeof(o->study_permit)),
		XJ_COL_STR(o->state, sizeof(o->state)),
		XJ_COL_STR(o->details, sizeof(o->details)),
		XJ_COL_STR(o->submitted_at, sizeof(o->submitted_at)),
		XJ_COL_STR(o->reviewed_at, sizeof(o->reviewed_at)), XJ_COL_INT,
		XJ_COL_STR(o->reviewer_name, sizeof(o->reviewer_name)),
		XJ_COL_STR(o->reason, sizeof(o->reason)), XJ_COL_INT,
		XJ_COL_STR(o->county_path, sizeof(o->county_path)),
		XJ_COL_BLOB((char *)o->details_ct, sizeof(o->details_ct)),
	};
	int rc = xj_db_row(db, XJ_Q_CERT_GET, &v, 1, c, 23);

	if (rc != XJ_OK)
		return rc;
	o->reg_id = (unsigned long long)c[0].i;
	o->year = (int)c[2].i;
	o->parent_id = (unsigned long long)c[4].i;
	o->pos.state = (enum xj_reg_state)xj_reg_state_parse(state);
	o->pos.cert = (enum xj_cert_state)xj_cert_state_parse(cert);
	if ((int)o->pos.state < 0 || (int)o->pos.cert < 0)
		return XJ_E_INTERNAL;
	o->local_family = (int)c[7].i;
	o->details_len = c[14].len;
	o->reviewer_id = (unsigned)c[17].i;
	o->county_org_id = (unsigned)c[20].i;
	o->details_ct_len = c[22].len;
	return XJ_OK;
}

int
xj_certreview_lock(struct xj_db *db, unsigned long long reg_id, struct xj_reg_pos *pos,
    int *local_family, char review_state[16])
{
	char state[25], cert[17];
	struct xj_val v = XJ_VI(reg_id);
	struct xj_col c[4] = { XJ_COL_STR(state, sizeof(state)), XJ_COL_STR(cert, sizeof(cert)),
	    XJ_COL_INT, XJ_COL_STR(review_state, 16) };
	int rc = xj_db_row(db, XJ_Q_CERT_LOCK, &v, 1, c, 4);

	if (rc != XJ_OK)
		return rc;
	pos->state = (enum xj_reg_state)xj_reg_state_parse(state);
	pos->cert = (enum xj_cert_state)xj_cert_state_parse(cert);
	if ((int)pos->state < 0 || (int)pos->cert < 0)
		return XJ_E_INTERNAL;
	*local_family = (int)c[2].i;
	return XJ_OK;
}

int
xj_certreview_file(struct xj_db *db, unsigned long long reg_id, const char *county,
    const unsigned char *ct, size_t len, int refile)
{
	int rc;

	if (!refile) {
		struct xj_val v[3] = { XJ_VI(reg_id), XJ_VS(county), XJ_VB(ct, len) };
		return xj_db_exec(db, XJ_Q_CERT_INSERT, v, 3);
	} else {
		struct xj_val v[2] = { XJ_VB(ct, len), XJ_VI(reg_id) };
		if ((rc = xj_db_exec(db, XJ_Q_CERT_REFILE, v, 2)) != XJ_OK)
			return rc;
		return xj_db_affected(db, XJ_Q_CERT_REFILE) == 1 ? XJ_OK : XJ_E_CONFLICT;
	}
}

int
xj_certreview_clear_batch(struct xj_db *db, struct xj_cert_clear *out, int *n)
{
	struct xj_col c[3];
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_CERT_CLEAR_BATCH, NULL, 0)) != XJ_OK)
		return rc;
	for (;;) {
		if (*n == XJ_CERT_CLEAR_BATCH)	/* the LIMIT says so */
			break;
		c[0] = XJ_COL_INT;
		c[1] = XJ_COL_STR(out[*n].details, sizeof(out[*n].details));
		c[2] = XJ_COL_STR(out[*n].prereg, sizeof(out[*n].prereg));
		if ((rc = xj_db_fetch(db, XJ_Q_CERT_CLEAR_BATCH, c, 3)) != XJ_OK)
			break;
		out[*n].reg_id = (unsigned long long)c[0].i;
		out[*n].len = c[1].len;
		(*n)++;
	}
	xj_db_done(db, XJ_Q_CERT_CLEAR_BATCH);
	return rc == XJ_NO_ROW || *n == XJ_CERT_CLEAR_BATCH ? XJ_OK : rc;
}

int
xj_certreview_seal(struct xj_db *db, unsigned long long reg_id, const char *details,
    size_t len, const unsigned char *ct, size_t ctlen)
{
	struct xj_val v[3] = { XJ_VB(ct, ctlen), XJ_VI(reg_id), XJ_VSL(details, len) };

	return xj_db_exec(db, XJ_Q_CERT_SEAL, v, 3);
}

int
xj_certreview_decide(struct xj_db *db, unsigned long long reg_id, const char *state,
    unsigned long long reviewer, const char *reason)
{
	struct xj_val v[4] = { XJ_VS(state), XJ_VI(reviewer), XJ_VS(reason ? reason : ""),
	    XJ_VI(reg_id) };
	int rc = xj_db_exec(db, XJ_Q_CERT_DECIDE, v, 4);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_CERT_DECIDE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

/* The sequence comes from a counter row per county and year, advanced in
 * the approving transaction, and not from an AUTO_INCREMENT column:
 *  - numbers are per county and year (the format says so), which one
 *    AUTO_INCREMENT cannot give;
 *  - InnoDB hands out AUTO_INCREMENT values outside the transaction: a
 *    rolled-back or retried approval (xj_tx_run reruns on deadlock) would
 *    burn a number and leave a hole in a series printed on paper, while
 *    the counter row rolls back with the approval;
 *  - under Galera, auto_increment_increment/offset make values jump by
 *    the cluster size and depend on the node that served the request.
 * The cost is that approvals in one county queue on one row for the few
 * milliseconds of a commit (human-paced: fine); two Galera nodes updating
 * it at once fail certification and xj_tx_run reruns the loser. The
 * UNIQUE key on registration.study_permit_no backs the whole scheme. */
int
xj_study_permit_issue(struct xj_db *db, unsigned long long reg_id, const char *county,
    int year, char out[XJ_STUDY_PERMIT_LEN + 1])
{
	struct xj_val k[2] = { XJ_VS(county), XJ_VI(year) };
	struct xj_col c = XJ_COL_INT;
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_PERMIT_SEQ_NEXT, k, 2)) != XJ_OK)
		return rc;
	/* our own upsert holds the row: this reads the value we wrote */
	if ((rc = xj_db_row(db, XJ_Q_PERMIT_SEQ_GET, k, 2, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (c.i < 1 || (unsigned long long)c.i > XJ_STUDY_PERMIT_MAXSEQ ||
	    xj_study_permit_make(year, county, (unsigned)c.i, out) != XJ_OK) {
		xj_log(XJ_LOG_ERROR, "study_permit_exhausted", "%s%d", "county", county, "year", year);
		return XJ_E_INTERNAL;
	}
	{
		struct xj_val v[2] = { XJ_VS(out), XJ_VI(reg_id) };
		if ((rc = xj_db_exec(db, XJ_Q_PERMIT_SET, v, 2)) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_INTERNAL : rc;
		if (xj_db_affected(db, XJ_Q_PERMIT_SET) != 1)
			return XJ_E_CONFLICT;
	}
	return XJ_OK;
}

int
xj_certreview_queue(struct xj_db *db, const char *path_prefix, const char *state,
    const char *after_at, unsigned long long after_id, int limit,
    void (*fn)(const struct xj_certreview_item *, void *), void *arg)
{
	struct xj_certreview_item it;
	char like[136];
	struct xj_val v[6];
	struct xj_col c[9] = {
		XJ_COL_STR(it.prereg, sizeof(it.prereg)), XJ_COL_STR(it.county, sizeof(it.county)),
		XJ_COL_STR(it.reg_state, sizeof(it.reg_state)),
		XJ_COL_STR(it.child_name, sizeof(it.child_name)),
		XJ_COL_STR(it.state, sizeof(it.state)),
		XJ_COL_STR(it.submitted_at, sizeof(it.submitted_at)),
		XJ_COL_STR(it.cursor, sizeof(it.cursor)), XJ_COL_INT,
		XJ_COL_STR(it.reviewed_at, sizeof(it.reviewed_at)),
	};
	int rc;

	/* org paths are digits and '/': nothing LIKE would read as a pattern */
	snprintf(like, sizeof(like), "%s%%", path_prefix);
	v[0] = XJ_VS(like);
	v[1] = XJ_VS(state);
	v[2] = XJ_VS(after_at);
	v[3] = XJ_VS(after_at);
	v[4] = XJ_VI(after_id);
	v[5] = XJ_VI(limit);
	if ((rc = xj_db_exec(db, XJ_Q_CERT_QUEUE, v, 6)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_CERT_QUEUE, c, 9)) == XJ_OK) {
		it.reg_id = (unsigned long long)c[7].i;
		fn(&it, arg);
	}
	xj_db_done(db, XJ_Q_CERT_QUEUE);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_certreview_withdraw(struct xj_db *db, unsigned long long reg_id)
{
	struct xj_val v = XJ_VI(reg_id);

	return xj_db_exec(db, XJ_Q_CERT_WITHDRAW, &v, 1);
}
