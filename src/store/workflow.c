/* workflow.c -- the workflow engine's rows (store/workflow.h, sql/0019).
 * Every function runs inside its caller's transaction where it writes;
 * none knows what a chain means. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "db/db.h"
#include "domain/window.h"
#include "calendar.h"
#include "sql.h"
#include "workflow.h"

#define S(b)	XJ_COL_STR((b), sizeof(b))

int
xj_wf_type(struct xj_db *db, const char *code, const char *province, char variant[7],
    struct xj_wf_def defs[XJ_WF_MAX_STEPS], int *n)
{
	struct xj_val v[2] = { XJ_VS(code), XJ_VS(province) };
	struct xj_col c[1] = { XJ_COL_STR(variant, 7) };
	int rc;

	*n = 0;
	if ((rc = xj_db_row(db, XJ_Q_WF_TYPE_PICK, v, 2, c, 1)) != XJ_OK)
		return rc;
	v[1] = XJ_VS(variant);
	if ((rc = xj_db_exec(db, XJ_Q_WF_TYPE_STEPS, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_wf_def d;
		struct xj_col o[6] = { XJ_COL_INT, S(d.party), S(d.role), XJ_COL_INT, S(d.on_approve),
		    XJ_COL_INT };

		memset(&d, 0, sizeof(d));
		if ((rc = xj_db_fetch(db, XJ_Q_WF_TYPE_STEPS, o, 6)) != XJ_OK)
			break;
		if (*n >= XJ_WF_MAX_STEPS)
			continue;	/* a chain longer than the engine holds: refused below */
		d.seq = (int)o[0].i;
		d.days = (int)o[3].i;
		d.by_exchange = (int)o[5].i;
		defs[(*n)++] = d;
	}
	xj_db_done(db, XJ_Q_WF_TYPE_STEPS);
	if (rc != XJ_NO_ROW)
		return rc;
	return *n > 0 ? XJ_OK : XJ_NO_ROW;
}

int
xj_wf_org(struct xj_db *db, unsigned id, struct xj_wf_org *o)
{
	struct xj_val v[1] = { XJ_VI(id) };
	char status[8] = "";
	struct xj_col c[7] = { S(o->kind), S(o->code), S(o->name), S(o->path), XJ_COL_INT, XJ_COL_INT,
	    S(status) };
	int rc;

	memset(o, 0, sizeof(*o));
	c[0].buf = o->kind; c[1].buf = o->code; c[2].buf = o->name; c[3].buf = o->path;
	if ((rc = xj_db_row(db, XJ_Q_WF_ORG, v, 1, c, 7)) != XJ_OK)
		return rc;
	o->id = id;
	o->county_id = (unsigned)c[4].i;
	o->parent_id = (unsigned)c[5].i;
	o->closed = strcmp(status, "closed") == 0;
	return XJ_OK;
}

int
xj_wf_org_by_path(struct xj_db *db, const char *path, unsigned *id)
{
	struct xj_val v[1] = { XJ_VS(path) };
	struct xj_col c[1] = { XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_WF_ORG_BY_PATH, v, 1, c, 1);

	*id = rc == XJ_OK ? (unsigned)c[0].i : 0;
	return rc;
}

int
xj_wf_student_by_no(struct xj_db *db, const char *no, struct xj_wf_student *s)
{
	struct xj_val v[1] = { XJ_VS(no) };
	struct xj_col c[7] = { XJ_COL_INT, S(s->name), XJ_COL_INT, S(s->status), XJ_COL_INT,
	    XJ_COL_INT, XJ_COL_INT };
	int rc;

	memset(s, 0, sizeof(*s));
	c[1].buf = s->name; c[3].buf = s->status;
	if ((rc = xj_db_row(db, XJ_Q_WF_STUDENT_BY_NO, v, 1, c, 7)) != XJ_OK)
		return rc;
	s->id = (unsigned long long)c[0].i;
	s->school_org_id = (unsigned)c[2].i;
	s->problem_open = (int)c[4].i;
	s->entry_year = (int)c[5].i;
	s->level = (int)c[6].i;
	return XJ_OK;
}

int
xj_wf_problem_record(struct xj_db *db, unsigned long long student_id)
{
	struct xj_val v[1] = { XJ_VI(student_id) };
	struct xj_col c[1] = { XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_WF_PROBLEM_OPEN, v, 1, c, 1);

	if (rc == XJ_NO_ROW)
		return 0;
	return rc != XJ_OK ? rc : c[0].i != 0;
}

int
xj_wf_insert(struct xj_db *db, const struct xj_wf_new *w, unsigned long long *id)
{
	struct xj_val v[12] = { XJ_VS(w->type), XJ_VS(w->variant), XJ_VI(w->subject_id),
	    XJ_VI(w->subject_id), XJ_VI(w->initiator), XJ_VI(w->recv_school), XJ_VI(w->recv_county),
	    XJ_VI(w->send_school), XJ_VI(w->send_county), XJ_VI(w->above),
	    w->target_class ? XJ_VI(w->target_class) : XJ_VNULL, XJ_VI(w->started_by) };
	int rc = xj_db_exec(db, XJ_Q_WF_INSERT, v, 12);

	*id = rc == XJ_OK ? xj_db_insert_id(db, XJ_Q_WF_INSERT) : 0;
	return rc;
}

int
xj_wf_step_insert(struct xj_db *db, unsigned long long wf, const struct xj_wf_def *d,
    unsigned party_org, const char *org_path)
{
	struct xj_val v[10] = { XJ_VI(wf), XJ_VI(d->seq), XJ_VS(d->party), XJ_VS(d->role),
	    XJ_VI(d->days), XJ_VS(d->on_approve), XJ_VI(d->by_exchange), XJ_VI(party_org),
	    XJ_VI(party_org), XJ_VS(org_path) };

	return xj_db_exec(db, XJ_Q_WF_STEP_INSERT, v, 10);
}

int
xj_wf_step_open(struct xj_db *db, unsigned long long wf, int seq, const char *deadline,
    int provisional)
{
	struct xj_val v[4] = { XJ_VS(deadline), XJ_VI(provisional), XJ_VI(wf), XJ_VI(seq) };
	int rc = xj_db_exec(db, XJ_Q_WF_STEP_OPEN, v, 4);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_WF_STEP_OPEN) != 1)
		return XJ_E_CONFLICT;
	return rc != XJ_OK ? rc : xj_wf_set_seq(db, wf, seq);
}

int
xj_wf_set_seq(struct xj_db *db, unsigned long long wf, int seq)
{
	struct xj_val v[2] = { XJ_VI(seq), XJ_VI(wf) };

	return xj_db_exec(db, XJ_Q_WF_SET_SEQ, v, 2);
}

int
xj_wf_lock(struct xj_db *db, unsigned long long wf, char state[10], int *seq)
{
	struct xj_val v[1] = { XJ_VI(wf) };
	struct xj_col c[2] = { XJ_COL_STR(state, 10), XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_WF_LOCK, v, 1, c, 2);

	*seq = rc == XJ_OK ? (int)c[1].i : 0;
	return rc;
}

int
xj_wf_get(struct xj_db *db, unsigned long long wf, struct xj_wf_case *w)
{
	struct xj_val v[1] = { XJ_VI(wf) };
	struct xj_col c[19];
	int rc, i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < 19; i++)
		c[i] = XJ_COL_INT;
	c[1] = S(w->type); c[2] = S(w->variant); c[4] = S(w->state); c[13] = S(w->reason);
	c[14] = S(w->started_at); c[15] = S(w->closed_at); c[16] = S(w->student_name);
	c[17] = S(w->student_no); c[18] = S(w->type_name);
	if ((rc = xj_db_row(db, XJ_Q_WF_GET, v, 1, c, 19)) != XJ_OK)
		return rc;
	w->id = (unsigned long long)c[0].i;
	w->subject_id = (unsigned long long)c[3].i;
	w->current_seq = (int)c[5].i;
	w->initiator = (unsigned)c[6].i;
	w->recv_school = (unsigned)c[7].i;
	w->recv_county = (unsigned)c[8].i;
	w->send_school = (unsigned)c[9].i;
	w->send_county = (unsigned)c[10].i;
	w->above = (unsigned)c[11].i;
	w->target_class = (unsigned)c[12].i;
	return XJ_OK;
}

int
xj_wf_steps(struct xj_db *db, unsigned long long wf, struct xj_wf_step s[XJ_WF_MAX_STEPS], int *n)
{
	struct xj_val v[1] = { XJ_VI(wf) };
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_WF_STEPS, v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_wf_step t;
		struct xj_col c[21] = { XJ_COL_INT, S(t.party), S(t.role), S(t.on_approve), XJ_COL_INT,
		    XJ_COL_INT, XJ_COL_INT, S(t.org_code), S(t.org_name), S(t.org_path), S(t.state),
		    S(t.deadline), XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, S(t.escalated_at),
		    S(t.escalation_reason), S(t.decided_at), S(t.reason), XJ_COL_INT, XJ_COL_INT };

		memset(&t, 0, sizeof(t));
		if ((rc = xj_db_fetch(db, XJ_Q_WF_STEPS, c, 21)) != XJ_OK)
			break;
		if (*n >= XJ_WF_MAX_STEPS)
			continue;
		t.seq = (int)c[0].i;
		t.by_exchange = (int)c[4].i;
		t.party_org = (unsigned)c[5].i;
		t.org = (unsigned)c[6].i;
		t.provisional = (int)c[12].i;
		t.overdue = (int)c[13].i;
		t.escalations = (int)c[14].i;
		t.days = (int)c[19].i;
		t.decided_by = (unsigned long long)c[20].i;
		s[(*n)++] = t;
	}
	xj_db_done(db, XJ_Q_WF_STEPS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_wf_step_decide(struct xj_db *db, unsigned long long wf, int seq, const char *state,
    unsigned long long actor, unsigned org, const char *reason)
{
	struct xj_val v[6] = { XJ_VS(state), XJ_VI(actor), XJ_VI(org),
	    reason && *reason ? XJ_VS(reason) : XJ_VNULL, XJ_VI(wf), XJ_VI(seq) };
	int rc = xj_db_exec(db, XJ_Q_WF_STEP_DECIDE, v, 6);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_WF_STEP_DECIDE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_wf_close(struct xj_db *db, unsigned long long wf, const char *state, const char *reason)
{
	struct xj_val v[3] = { XJ_VS(state), XJ_VS(reason ? reason : ""), XJ_VI(wf) };
	struct xj_val c[1] = { XJ_VI(wf) };
	int rc = xj_db_exec(db, XJ_Q_WF_CLOSE, v, 3);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_WF_CLOSE) != 1)
		return XJ_E_CONFLICT;
	return rc != XJ_OK ? rc : xj_db_exec(db, XJ_Q_WF_CANCEL_REST, c, 1);
}

int
xj_wf_escalate(struct xj_db *db, unsigned long long wf, int seq, unsigned org, const char *path,
    unsigned long long actor, const char *reason, const char *deadline, int provisional,
    const char *today)
{
	struct xj_val v[9] = { XJ_VI(org), XJ_VS(path), XJ_VI(actor), XJ_VS(reason),
	    XJ_VS(deadline), XJ_VI(provisional), XJ_VI(wf), XJ_VI(seq), XJ_VS(today) };
	int rc = xj_db_exec(db, XJ_Q_WF_ESCALATE, v, 9);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_WF_ESCALATE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_wf_notice(struct xj_db *db, unsigned org, unsigned long long wf, int seq, const char *kind)
{
	struct xj_val v[4] = { XJ_VI(org), XJ_VI(wf), XJ_VI(seq), XJ_VS(kind) };

	return xj_db_exec(db, XJ_Q_WF_NOTICE_ADD, v, 4);
}

int
xj_wf_inbox(struct xj_db *db, unsigned org, const char *today, int limit,
    void (*fn)(const struct xj_wf_item *, void *), void *arg)
{
	struct xj_val v[3] = { XJ_VS(today), XJ_VI(org), XJ_VI(limit) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_WF_INBOX, v, 3)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_wf_item it;
		struct xj_col c[13] = { XJ_COL_INT, XJ_COL_INT, S(it.party), S(it.type), S(it.deadline),
		    XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, S(it.student_name), S(it.student_no),
		    S(it.asked_school), S(it.asked_county), S(it.asked_reason) };

		memset(&it, 0, sizeof(it));
		if ((rc = xj_db_fetch(db, XJ_Q_WF_INBOX, c, 13)) != XJ_OK)
			break;
		it.wf = (unsigned long long)c[0].i;
		it.seq = (int)c[1].i;
		it.provisional = (int)c[5].i;
		it.overdue = (int)c[6].i;
		it.escalations = (int)c[7].i;
		fn(&it, arg);
	}
	xj_db_done(db, XJ_Q_WF_INBOX);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct xj_wf_count *)a)->path, ((const struct xj_wf_count *)b)->path);
}

int
xj_wf_counts(struct xj_db *db, const char *path, const char *today, int limit,
    void (*fn)(const struct xj_wf_count *, void *), void *arg)
{
	struct xj_wf_count *k;	/* 280 KiB at most: the heap, freed here */
	char like[132];
	struct xj_val v[3] = { XJ_VS(today), XJ_VNULL, XJ_VI(limit > XJ_WF_COUNTS_MAX ?
	    XJ_WF_COUNTS_MAX : limit) };
	int rc, n = 0, i;

	/* paths hold digits and '/' only: nothing to escape for LIKE */
	snprintf(like, sizeof(like), "%s%%", path);
	v[1] = XJ_VS(like);
	if ((k = calloc(XJ_WF_COUNTS_MAX, sizeof(*k))) == NULL)
		return XJ_E_INTERNAL;
	if ((rc = xj_db_exec(db, XJ_Q_WF_COUNTS, v, 3)) != XJ_OK)
		goto out;
	/* one round trip: the orgs' code, name and path come with the counts
	 * (a read per org counted made a county's inbox 100 round trips,
	 * docs/benchmarks.md "Lifecycle at 2,000,000 records") */
	for (;;) {
		struct xj_wf_count x;
		struct xj_col c[6] = { XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, S(x.code), S(x.name), S(x.path) };

		memset(&x, 0, sizeof(x));
		if ((rc = xj_db_fetch(db, XJ_Q_WF_COUNTS, c, 6)) != XJ_OK)
			break;
		if (n < XJ_WF_COUNTS_MAX) {
			x.org = (unsigned)c[0].i;
			x.open = c[1].i;
			x.overdue = c[2].i;
			k[n++] = x;
		}
	}
	xj_db_done(db, XJ_Q_WF_COUNTS);
	if (rc != XJ_NO_ROW)
		goto out;
	qsort(k, (size_t)n, sizeof(k[0]), by_path);
	for (i = 0; i < n; i++)
		fn(&k[i], arg);
	rc = XJ_OK;
out:
	free(k);
	return rc;
}

int
xj_wf_notices(struct xj_db *db, unsigned org, int limit,
    void (*fn)(const struct xj_wf_note *, void *), void *arg)
{
	struct xj_val v[2] = { XJ_VI(org), XJ_VI(limit) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_WF_NOTICES, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_wf_note n;
		struct xj_col c[5] = { XJ_COL_INT, XJ_COL_INT, S(n.kind), S(n.at), S(n.student_name) };

		memset(&n, 0, sizeof(n));
		if ((rc = xj_db_fetch(db, XJ_Q_WF_NOTICES, c, 5)) != XJ_OK)
			break;
		n.wf = (unsigned long long)c[0].i;
		n.seq = (int)c[1].i;
		fn(&n, arg);
	}
	xj_db_done(db, XJ_Q_WF_NOTICES);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_wf_started(struct xj_db *db, unsigned org, int limit,
    void (*fn)(const struct xj_wf_started *, void *), void *arg)
{
	struct xj_val v[2] = { XJ_VI(org), XJ_VI(limit) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_WF_STARTED, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_wf_started w;
		struct xj_col c[6] = { XJ_COL_INT, S(w.type), XJ_COL_INT, S(w.at), S(w.student_name),
		    XJ_COL_INT };

		memset(&w, 0, sizeof(w));
		if ((rc = xj_db_fetch(db, XJ_Q_WF_STARTED, c, 6)) != XJ_OK)
			break;
		w.wf = (unsigned long long)c[0].i;
		w.step = (int)c[2].i;
		w.exchange = c[5].i != 0;
		fn(&w, arg);
	}
	xj_db_done(db, XJ_Q_WF_STARTED);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_wf_by_subject(struct xj_db *db, unsigned long long subject, unsigned long long *ids, int max,
    int *n)
{
	struct xj_val v[2] = { XJ_VI(subject), XJ_VI(max) };
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_WF_BY_SUBJECT, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c[1] = { XJ_COL_INT };

		if ((rc = xj_db_fetch(db, XJ_Q_WF_BY_SUBJECT, c, 1)) != XJ_OK)
			break;
		if (*n < max)
			ids[(*n)++] = (unsigned long long)c[0].i;
	}
	xj_db_done(db, XJ_Q_WF_BY_SUBJECT);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_wf_student_of_registration(struct xj_db *db, unsigned long long reg, unsigned long long *student)
{
	struct xj_val v[1] = { XJ_VI(reg) };
	struct xj_col c[1] = { XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_WF_STUDENT_OF_REG, v, 1, c, 1);

	*student = rc == XJ_OK ? (unsigned long long)c[0].i : 0;
	return rc;
}

int
xj_wf_student_move(struct xj_db *db, unsigned long long student, unsigned school,
    unsigned class_id, unsigned version)
{
	struct xj_val v[4] = { XJ_VI(school), class_id ? XJ_VI(class_id) : XJ_VNULL, XJ_VI(student),
	    XJ_VI(version) };
	int rc = xj_db_exec(db, XJ_Q_WF_STUDENT_MOVE, v, 4);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_WF_STUDENT_MOVE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

/* ---- the tick ------------------------------------------------------------ */

struct due {
	unsigned long long	 wf;
	int			 seq;
	unsigned		 org, initiator;
};

#define TICK_MAX	500

int
xj_wf_tick_remind(struct xj_db *db, const char *today, const char *horizon, int limit, long *n)
{
	static struct due d[TICK_MAX];
	struct xj_val v[3] = { XJ_VS(today), XJ_VS(horizon), XJ_VI(limit > TICK_MAX ? TICK_MAX : limit) };
	int rc, k = 0, i;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_WF_DUE_REMIND, v, 3)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c[3] = { XJ_COL_INT, XJ_COL_INT, XJ_COL_INT };

		if ((rc = xj_db_fetch(db, XJ_Q_WF_DUE_REMIND, c, 3)) != XJ_OK)
			break;
		if (k < TICK_MAX)
			d[k++] = (struct due){ (unsigned long long)c[0].i, (int)c[1].i, (unsigned)c[2].i, 0 };
	}
	xj_db_done(db, XJ_Q_WF_DUE_REMIND);
	if (rc != XJ_NO_ROW)
		return rc;
	for (i = 0; i < k; i++) {
		struct xj_val u[3] = { XJ_VS(today), XJ_VI(d[i].wf), XJ_VI(d[i].seq) };

		if ((rc = xj_db_exec(db, XJ_Q_WF_MARK_REMINDED, u, 3)) != XJ_OK)
			return rc;
		if (xj_db_affected(db, XJ_Q_WF_MARK_REMINDED) != 1)
			continue;	/* another runner took it */
		if ((rc = xj_wf_notice(db, d[i].org, d[i].wf, d[i].seq, "reminder")) != XJ_OK)
			return rc;
		(*n)++;
	}
	return XJ_OK;
}

int
xj_wf_tick_overdue(struct xj_db *db, const char *today, int limit, long *n)
{
	static struct due d[TICK_MAX];
	struct xj_val v[2] = { XJ_VS(today), XJ_VI(limit > TICK_MAX ? TICK_MAX : limit) };
	int rc, k = 0, i;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_WF_DUE_OVERDUE, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c[4] = { XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, XJ_COL_INT };

		if ((rc = xj_db_fetch(db, XJ_Q_WF_DUE_OVERDUE, c, 4)) != XJ_OK)
			break;
		if (k < TICK_MAX)
			d[k++] = (struct due){ (unsigned long long)c[0].i, (int)c[1].i, (unsigned)c[2].i,
			    (unsigned)c[3].i };
	}
	xj_db_done(db, XJ_Q_WF_DUE_OVERDUE);
	if (rc != XJ_NO_ROW)
		return rc;
	for (i = 0; i < k; i++) {
		struct xj_val u[2] = { XJ_VI(d[i].wf), XJ_VI(d[i].seq) };

		if ((rc = xj_db_exec(db, XJ_Q_WF_MARK_OVERDUE, u, 2)) != XJ_OK)
			return rc;
		if (xj_db_affected(db, XJ_Q_WF_MARK_OVERDUE) != 1)
			continue;
		/* the acting org, and the initiator, who may now escalate */
		if ((rc = xj_wf_notice(db, d[i].org, d[i].wf, d[i].seq, "overdue")) != XJ_OK ||
		    (d[i].initiator != d[i].org &&
		    (rc = xj_wf_notice(db, d[i].initiator, d[i].wf, d[i].seq, "overdue")) != XJ_OK))
			return rc;
		(*n)++;
	}
	return XJ_OK;
}

struct recount {
	unsigned long long	 id;
	int			 days;
	char			 from[XJ_WF_DATE];
	char			 path[129];
	char			 deadline[XJ_WF_DATE];
};

int
xj_wf_tick_recount(struct xj_db *db, unsigned long long *after, int limit, long *n)
{
	static struct recount d[TICK_MAX];
	struct xj_val v[2] = { XJ_VI(*after), XJ_VI(limit > TICK_MAX ? TICK_MAX : limit) };
	int rc, k = 0, i;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_WF_DUE_RECOUNT, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct recount t;
		struct xj_col c[5] = { XJ_COL_INT, XJ_COL_INT, S(t.from), S(t.path), S(t.deadline) };

		memset(&t, 0, sizeof(t));
		if ((rc = xj_db_fetch(db, XJ_Q_WF_DUE_RECOUNT, c, 5)) != XJ_OK)
			break;
		t.id = (unsigned long long)c[0].i;
		t.days = (int)c[1].i;
		if (k < TICK_MAX)
			d[k++] = t;
	}
	xj_db_done(db, XJ_Q_WF_DUE_RECOUNT);
	if (rc != XJ_NO_ROW)
		return rc;
	*after = k < (int)v[1].i ? 0 : d[k - 1].id;
	for (i = 0; i < k; i++) {
		char province[7], out[XJ_WF_DATE];
		size_t m = 0;
		const char *p = d[i].path[0] == '/' ? d[i].path + 1 : d[i].path;
		int prov;

		while (p[m] && p[m] != '/' && m < 6)
			m++;
		memcpy(province, p, m);
		province[m] = '\0';
		if ((rc = xj_wf_add_workdays(db, province, d[i].from, d[i].days, out, &prov)) != XJ_OK)
			return rc;
		if (prov && strcmp(out, d[i].deadline) == 0)
			continue;	/* still no calendar for it */
		{
			struct xj_val u[3] = { XJ_VS(out), XJ_VI(prov), XJ_VI(d[i].id) };
			if ((rc = xj_db_exec(db, XJ_Q_WF_SET_DEADLINE, u, 3)) != XJ_OK)
				return rc;
		}
		(*n)++;
	}
	return XJ_OK;
}

/* ---- freezes ------------------------------------------------------------- */

int
xj_wf_frozen(struct xj_db *db, const char *province, const char *today, int *frozen,
    char until[XJ_WF_DATE])
{
	struct xj_val v[3] = { XJ_VS(province), XJ_VS(today), XJ_VS(today) };
	struct xj_col c[1] = { XJ_COL_STR(until, XJ_WF_DATE) };
	int rc = xj_db_row(db, XJ_Q_WF_FROZEN, v, 3, c, 1);

	*frozen = rc == XJ_OK;
	if (rc == XJ_NO_ROW) {
		until[0] = '\0';
		return XJ_OK;
	}
	return rc;
}

int
xj_wf_freeze_set(struct xj_db *db, const char *province, const char *from, const char *to,
    const char *reason)
{
	struct xj_val v[4] = { XJ_VS(province), XJ_VS(from), XJ_VS(to), XJ_VS(reason) };

	return xj_db_exec(db, XJ_Q_WF_FREEZE_SET, v, 4);
}

int
xj_wf_freeze_delete(struct xj_db *db, const char *province, const char *from)
{
	struct xj_val v[2] = { XJ_VS(province), XJ_VS(from) };
	int rc = xj_db_exec(db, XJ_Q_WF_FREEZE_DEL, v, 2);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_WF_FREEZE_DEL) == 0)
		return XJ_NO_ROW;
	return rc;
}

int
xj_wf_freeze_list(struct xj_db *db, void (*fn)(const char *, const char *, const char *,
    const char *, void *), void *arg)
{
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_WF_FREEZE_LIST, NULL, 0)) != XJ_OK)
		return rc;
	for (;;) {
		char p[7], f[XJ_WF_DATE], t[XJ_WF_DATE], r[801];
		struct xj_col c[4] = { S(p), S(f), S(t), S(r) };

		if ((rc = xj_db_fetch(db, XJ_Q_WF_FREEZE_LIST, c, 4)) != XJ_OK)
			break;
		fn(p, f, t, r, arg);
	}
	xj_db_done(db, XJ_Q_WF_FREEZE_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

/* ---- working days -------------------------------------------------------- */

static int
parse_date(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", y, m, d) != 3 || *m < 1 || *m > 12 ||
	    *d < 1 || *d > 31)
		return -1;
	return 0;
}

int
xj_wf_weekdays_after(const char *from, int n, char out[XJ_WF_DATE])
{
	long long days;
	int y, m, d;

	if (parse_date(from, &y, &m, &d) != 0 || n < 0)
		return -1;
	days = xj_days_from_civil(y, m, d);
	while (n > 0) {
		days++;
		/* 1970-01-01 was a Thursday: (days + 4) % 7, 0 = Sunday */
		int wd = (int)(((days + 4) % 7 + 7) % 7);
		if (wd != 0 && wd != 6)
			n--;
	}
	{
		time_t t = (time_t)(days * 86400);
		struct tm tm;
		gmtime_r(&t, &tm);
		snprintf(out, XJ_WF_DATE, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday);
	}
	return 0;
}

int
xj_wf_add_workdays(struct xj_db *db, const char *province, const char *from, int n,
    char out[XJ_WF_DATE], int *provisional)
{
	/* the official calendar with the province's overlay (R-MOV-3); a
	 * year not imported yet counts weekends only and says provisional */
	return xj_calendar_add_workdays(db, province != NULL && province[0] ? province : NULL, from,
	    n, out, provisional);
}

void
xj_wf_today(char out[XJ_WF_DATE])
{
	struct xj_localtime lt;

	xj_utc_to_shanghai((long long)time(NULL), &lt);
	snprintf(out, XJ_WF_DATE, "%04d-%02d-%02d", lt.year, lt.month, lt.day);
}
