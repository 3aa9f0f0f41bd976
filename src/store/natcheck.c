/* natcheck.c -- the national check in the database (see natcheck.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "natcheck.h"
#include "sql.h"

#define S(b)	XJ_COL_STR((b), sizeof(b))

int
xj_natcheck_due(struct xj_db *db, unsigned long long sid)
{
	struct xj_val v = XJ_VI(sid);

	return xj_db_exec(db, XJ_Q_NC_DUE, &v, 1);
}

int
xj_natcheck_sent(struct xj_db *db, unsigned long long sid)
{
	struct xj_val v = XJ_VI(sid);

	return xj_db_exec(db, XJ_Q_NC_SENT, &v, 1);
}

int
xj_natcheck_issue(struct xj_db *db, unsigned long long sid, const char *no)
{
	struct xj_val v[2] = { XJ_VS(no), XJ_VI(sid) };
	int rc = xj_db_exec(db, XJ_Q_NC_NO_ISSUE, v, 2);

	if (rc == XJ_OK)
		xj_db_done(db, XJ_Q_NC_NO_ISSUE);
	return rc;
}

/* ---- a chunk of a CheckResult (session 7, ncspeed) ---------------------- */

/* The longest row of each list, its separator included: a ref is at most
 * 40 bytes (types.xsd RecordRef), a student number 19, a number 20
 * digits, every string escaped (at most 6 bytes a byte, never for these
 * alphabets but bounded all the same by the append's check). */
#define REF_ROW		(2 + 40 + 1)
#define NO_ROW		(4 + 20 + 19)
#define STATE_ROW	(12 + 20 + 19 + 1 + 1 + 8)
#define EVENT_ROW	(14 + 20 + 14 + 19 + 19)

static int
list_init(struct xj_arena *a, struct xj_nc_list *l, unsigned max, size_t row)
{
	l->cap = max * row + 3;
	l->len = l->n = 0;
	if ((l->buf = xj_alloc(a, l->cap)) == NULL)
		return XJ_E_TOO_COMPLEX;
	return XJ_OK;
}

int
xj_nc_chunk_init(struct xj_arena *a, struct xj_nc_chunk *c, unsigned max)
{
	if (max < 1 || max > XJ_NC_CHUNK)
		return XJ_E_INTERNAL;
	if (list_init(a, &c->refs, max, REF_ROW) != XJ_OK ||
	    list_init(a, &c->nos, max, NO_ROW) != XJ_OK ||
	    list_init(a, &c->states, max, STATE_ROW) != XJ_OK ||
	    list_init(a, &c->events, max, 2 * EVENT_ROW) != XJ_OK ||
	    list_init(a, &c->answered, max, REF_ROW) != XJ_OK)
		return XJ_E_TOO_COMPLEX;
	xj_nc_chunk_reset(c);
	return XJ_OK;
}

static void
list_reset(struct xj_nc_list *l)
{
	l->buf[0] = '[';
	l->buf[1] = '\0';
	l->len = 1;
	l->n = 0;
}

void
xj_nc_chunk_reset(struct xj_nc_chunk *c)
{
	list_reset(&c->refs);
	list_reset(&c->nos);
	list_reset(&c->states);
	list_reset(&c->events);
	list_reset(&c->answered);
}

static int
put(struct xj_nc_list *l, const char *s, size_t n)
{
	if (l->len + n + 2 > l->cap)	/* room for "]" and the NUL */
		return XJ_E_INTERNAL;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
	return XJ_OK;
}

/* s as a JSON string, NULL as null */
static int
put_str(struct xj_nc_list *l, const char *s)
{
	char esc[6 * 40 + 1];

	if (s == NULL)
		return put(l, "null", 4);
	if (xj_json_escape(s, esc, sizeof(esc)) != 0)
		return XJ_E_INTERNAL;
	if (put(l, "\"", 1) != XJ_OK || put(l, esc, strlen(esc)) != XJ_OK)
		return XJ_E_INTERNAL;
	return put(l, "\"", 1);
}

static int
put_int(struct xj_nc_list *l, unsigned long long i)
{
	char b[24];

	return put(l, b, (size_t)snprintf(b, sizeof(b), "%llu", i));
}

/* the next row's opening: "," between rows */
static int
row(struct xj_nc_list *l, int open)
{
	int rc = l->n > 0 ? put(l, ",", 1) : XJ_OK;

	if (rc == XJ_OK && open)
		rc = put(l, "[", 1);
	l->n++;
	return rc;
}

/* the list as the statement's JSON array (its "]" written, not counted) */
static struct xj_val
list_val(const struct xj_nc_list *l)
{
	l->buf[l->len] = ']';
	return XJ_VSL(l->buf, l->len + 1);
}

int
xj_nc_want(struct xj_nc_chunk *c, const char *ref)
{
	int rc;

	if ((rc = row(&c->refs, 0)) != XJ_OK)
		return rc;
	return put_str(&c->refs, ref);
}

int
xj_natcheck_subjects(struct xj_db *db, const struct xj_nc_chunk *c,
    unsigned long long outbox_id, struct xj_nc_subject *p)
{
	struct xj_val v[2] = { list_val(&c->refs), XJ_VI(outbox_id) };
	struct xj_nc_subject q;
	struct xj_col col[9];
	int rc;

	for (unsigned i = 0; i < c->refs.n; i++)
		p[i].id = 0;
	if ((rc = xj_db_exec(db, XJ_Q_NC_SUBJECTS, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		memset(&q, 0, sizeof(q));
		col[0] = XJ_COL_INT;
		col[1] = XJ_COL_INT;
		col[2] = S(q.student_no);
		col[3] = S(q.kind);
		col[4] = S(q.doc_type);
		col[5] = XJ_COL_BLOB((char *)q.ct, sizeof(q.ct));
		col[6] = S(q.status);
		col[7] = S(q.national);
		col[8] = XJ_COL_INT;
		if ((rc = xj_db_fetch(db, XJ_Q_NC_SUBJECTS, col, 9)) != XJ_OK)
			break;
		/* the ordinal of the ref in the list: 1.. */
		if (col[0].i < 1 || (unsigned long long)col[0].i > c->refs.n) {
			rc = XJ_E_INTERNAL;
			break;
		}
		q.id = (unsigned long long)col[1].i;
		q.ctlen = col[5].len;
		q.latest = col[8].i != 0;
		p[col[0].i - 1] = q;
	}
	explicit_bzero(&q, sizeof(q));
	xj_db_done(db, XJ_Q_NC_SUBJECTS);
	if (rc != XJ_NO_ROW)
		return rc;
	/* two refs of one record (never from our producer: a ref is the
	 * record's id): quadratic in a chunk, 125,000 comparisons at most */
	for (unsigned i = 0; i < c->refs.n; i++)
		for (unsigned j = i + 1; p[i].id != 0 && j < c->refs.n; j++)
			if (p[j].id == p[i].id)
				return XJ_E_CONFLICT;
	return XJ_OK;
}

int
xj_nc_issue_add(struct xj_nc_chunk *c, unsigned long long sid, const char *no)
{
	int rc;

	if ((rc = row(&c->nos, 1)) != XJ_OK || (rc = put_int(&c->nos, sid)) != XJ_OK ||
	    (rc = put(&c->nos, ",", 1)) != XJ_OK || (rc = put_str(&c->nos, no)) != XJ_OK)
		return rc;
	return put(&c->nos, "]", 1);
}

int
xj_natcheck_issue_all(struct xj_db *db, const struct xj_nc_chunk *c)
{
	struct xj_val v = list_val(&c->nos);
	int rc;

	if (c->nos.n == 0)
		return XJ_OK;
	/* a duplicate key fails the statement alone: InnoDB takes back its
	 * rows, the transaction goes on */
	if ((rc = xj_db_exec(db, XJ_Q_NC_NO_ISSUE_ALL, &v, 1)) == XJ_OK)
		xj_db_done(db, XJ_Q_NC_NO_ISSUE_ALL);
	return rc;
}

static int
event(struct xj_nc_chunk *c, unsigned long long sid, const char *kind, const char *old,
    const char *no)
{
	struct xj_nc_list *l = &c->events;
	int rc;

	if ((rc = row(l, 1)) != XJ_OK || (rc = put_int(l, sid)) != XJ_OK ||
	    (rc = put(l, ",", 1)) != XJ_OK || (rc = put_str(l, kind)) != XJ_OK ||
	    (rc = put(l, ",", 1)) != XJ_OK || (rc = put_str(l, old)) != XJ_OK ||
	    (rc = put(l, ",", 1)) != XJ_OK || (rc = put_str(l, no)) != XJ_OK)
		return rc;
	return put(l, "]", 1);
}

int
xj_nc_answer(struct xj_nc_chunk *c, const struct xj_nc_subject *p, const char *ref,
    const char *state, const char *no, const char *kind, int *entered)
{
	struct xj_nc_list *l = &c->states;
	int rc;

	*entered = 0;
	if ((rc = row(l, 1)) != XJ_OK || (rc = put_int(l, p->id)) != XJ_OK ||
	    (rc = put(l, ",", 1)) != XJ_OK || (rc = put_str(l, no)) != XJ_OK ||
	    (rc = put(l, ",", 1)) != XJ_OK || (rc = put_str(l, kind)) != XJ_OK ||
	    (rc = put(l, p->latest ? ",1," : ",0,", 3)) != XJ_OK ||
	    (rc = put_str(l, state)) != XJ_OK || (rc = put(l, "]", 1)) != XJ_OK)
		return rc;
	if ((rc = row(&c->answered, 0)) != XJ_OK || (rc = put_str(&c->answered, ref)) != XJ_OK)
		return rc;
	if (no != NULL && (rc = event(c, p->id, "number_issued", p->student_no, no)) != XJ_OK)
		return rc;
	if (strcmp(p->status, "pending_check") != 0)
		return XJ_OK;
	/* the record was locked with its status: it enters the school now */
	if ((rc = event(c, p->id, "check_answered", NULL, NULL)) != XJ_OK)
		return rc;
	*entered = 1;
	return XJ_OK;
}

int
xj_natcheck_apply(struct xj_db *db, const struct xj_nc_chunk *c, const char *message_id,
    unsigned long long outbox_id)
{
	struct xj_val a[3] = { list_val(&c->answered), XJ_VI(outbox_id), XJ_VS(message_id) };
	struct xj_val v;
	int rc;

	if (c->states.n == 0)
		return XJ_OK;
	/* the records first: their history rows copy the status they now have */
	v = list_val(&c->states);
	if ((rc = xj_db_exec(db, XJ_Q_NC_STATE_ALL, &v, 1)) != XJ_OK)
		return rc;
	if (c->events.n > 0) {
		v = list_val(&c->events);
		if ((rc = xj_db_exec(db, XJ_Q_NC_EVENT_ALL, &v, 1)) != XJ_OK)
			return rc;
	}
	return xj_db_exec(db, XJ_Q_NC_ANSWERED_ALL, a, 3);
}
