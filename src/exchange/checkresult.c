/* checkresult.c -- the ministry's CheckResult applied (issue 13 item 6,
 * R-REC-1, R-DUP-1, R-DUP-4; docs/architecture.md "Ministry exchange: the
 * national check"). A row of HANDLERS[] (handlers.c): it runs inside the
 * message's one transaction, the one that also stores the inbox row, so a
 * message is applied exactly once -- a worker killed halfway leaves
 * nothing, the resend applies it, a later resend gets the stored receipt.
 *
 * Per Record of the StudentBatch named by CorrelationId:
 *
 *   Issued   Replaces must be the record's current L number
 *            (number_mismatch), the new number a valid G or J number, a G
 *            number "G" + the record's identity number when it has a
 *            resident ID (number_invalid), issued to no other record
 *            (number_taken). The record takes it; the new number joins
 *            student_no_issued, the L row stays (never reused); the
 *            history gets number_issued with both. The same number again
 *            is accepted and changes nothing.
 *   Passed   checked, nothing to change.
 *   Problem  the record joins the national group of the ministry's id
 *            (school/problem.c's joining: flag, scope rows, history), the
 *            other provinces' records stored as sent (masked).
 *
 * Each answer moves the record's national_check (issued, passed,
 * problem) when this batch is its latest and no change waits, and brings
 * a 补建 record waiting for it into the school (store/natcheck.c,
 * xj_natcheck_answer). Records of another batch, or never sent:
 * record_not_sent. One audit entry per message with the counts; never an
 * identity number in a log line or an audit entry.
 *
 * 20,000 records in one message: the records are applied a chunk of
 * XJ_NC_CHUNK at a time (session 7, ncspeed; store/natcheck.c): one
 * locking read for the chunk's subjects, one insert of its numbers, one
 * update of its records, one insert of its history, one update of its
 * batch rows -- the store's prepared statements, each taking the chunk
 * as one JSON array -- instead of about six round trips per record.
 * What each record gets is what it got one at a time: a number taken
 * (by another record, or twice in the chunk) fails the chunk's insert
 * alone, and the chunk's numbers are then inserted one by one so that
 * exactly the records of the taken ones are refused; two records of the
 * chunk naming one student (a ref twice) are applied one at a time, the
 * second seeing what the first changed. Allocated once per message: the
 * receipt's array, the chunk's lists and items; the others of a Problem
 * live on the stack. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "crypto/field.h"
#include "db/db.h"
#include "domain/mask.h"
#include "domain/studentno.h"
#include "school/problem.h"
#include "store/audit.h"
#include "store/exchange.h"
#include "store/natcheck.h"
#include "store/problem.h"
#include "store/student.h"
#include "exchange.h"

struct counts {
	unsigned	 issued, same, passed, problem, entered, refused;
};

/* A G number must be "G" + the record's identity number when the record
 * has a resident ID (type 1): decrypted in memory, compared, wiped. J
 * numbers are the ministry's self-codes: no number to compare. */
static int
number_fits(const struct xj_nc_subject *p, const char *no, char kind)
{
	char row[XJ_STUDENT_ROW_MAX], num[XJ_DOCNO_MAX_BYTES + 1];
	size_t len = 0;
	int ok;

	if (kind != 'G')
		return XJ_OK;
	if (p->doc_type[0] != '1' || p->ctlen == 0)
		return XJ_E_X_NC_INVALID;	/* no resident ID: a G number is not its */
	xj_student_row(p->id, -1, row);
	if (xj_field_decrypt(xj_auth_keys(), "student.id_number", row, p->ct, p->ctlen, num,
	    sizeof(num), &len) != 0 || len >= sizeof(num)) {
		xj_log(XJ_LOG_ERROR, "check_result_decrypt_failed", "%llu", "student", p->id);
		return XJ_E_INTERNAL;
	}
	num[len] = '\0';
	for (char *c = num; *c; c++)
		if (*c == 'x')
			*c = 'X';
	ok = len == XJ_STUDENTNO_LEN - 1 && memcmp(num, no + 1, len) == 0;
	explicit_bzero(num, sizeof(num));
	return ok ? XJ_OK : XJ_E_X_NC_INVALID;
}

/* one record of a chunk */
struct item {
	struct xj_xrec		*e;
	xmlNodePtr		 x;
	char			 no[XJ_STUDENTNO_LEN + 1];
	char			 kind[2];
	int			 issue;	/* its number waits for student_no_issued */
};

/* An Issued answer checked against its record; it->issue when its number
 * is to be recorded (store/natcheck.c: with the chunk's others). */
static int
issued(const struct xj_nc_subject *p, xmlNodePtr x, struct item *it, struct counts *n,
    int *err)
{
	char rep[XJ_STUDENTNO_LEN + 1] = "";
	int rc;

	*err = XJ_OK;
	if (xj_xml_text(xj_xml_child(x, NULL, "StudentNo"), it->no, sizeof(it->no)) != 0)
		return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
	if (xj_xml_child(x, NULL, "Replaces") != NULL &&
	    xj_xml_text(xj_xml_child(x, NULL, "Replaces"), rep, sizeof(rep)) != 0)
		return XJ_E_INTERNAL;
	/* the same number again (SHARED: a result may come more than once) */
	if (strcmp(p->student_no, it->no) == 0) {
		n->same++;
		return XJ_OK;
	}
	if (p->kind[0] != 'L' || strcmp(rep, p->student_no) != 0) {
		*err = XJ_E_X_NC_MISMATCH;
		return XJ_OK;
	}
	memset(it->kind, 0, sizeof(it->kind));
	if (xj_studentno_check(xj_str_c(it->no), &it->kind[0]) != XJ_OK || it->kind[0] == 'L') {
		*err = XJ_E_X_NC_INVALID;
		return XJ_OK;
	}
	if ((rc = number_fits(p, it->no, it->kind[0])) != XJ_OK) {
		if (rc != XJ_E_X_NC_INVALID)
			return rc;
		*err = rc;
		return XJ_OK;
	}
	it->issue = 1;
	return XJ_OK;
}

/* the Problem's others, as sent (masked there), their numbers masked here */
static int
problem(struct xj_db *db, struct xj_nc_chunk *c, const struct xj_nc_subject *p, const char *ref,
    xmlNodePtr x, struct xj_problem_other *o, struct counts *n, int *err)
{
	char gid[41], kind[25], no[XJ_STUDENTNO_LEN + 1];
	int k = 0, rc, joined, entered;

	if (xj_xml_attr(x, "id", gid, sizeof(gid)) != 0 ||
	    xj_xml_attr(x, "kind", kind, sizeof(kind)) != 0)
		return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
	for (xmlNodePtr e = xj_xml_child(x, NULL, "Other"); e && k < 64;
	    e = xj_xml_child(x, e, "Other"), k++) {
		struct xj_problem_other *q = &o[k];
		xmlNodePtr idn = xj_xml_child(e, NULL, "IdNumber");

		memset(q, 0, sizeof(*q));
		if (xj_xml_text(xj_xml_child(e, NULL, "StudentNo"), no, sizeof(no)) != 0 ||
		    xj_xml_text(xj_xml_child(e, NULL, "Name"), q->name, sizeof(q->name)) != 0 ||
		    xj_xml_text(xj_xml_child(e, NULL, "Sex"), q->sex, sizeof(q->sex)) != 0 ||
		    (idn != NULL && xj_xml_text(idn, q->id_masked, sizeof(q->id_masked)) != 0) ||
		    xj_xml_text(xj_xml_child(e, NULL, "Province"), q->province,
		    sizeof(q->province)) != 0 ||
		    xj_xml_text(xj_xml_child(e, NULL, "SchoolName"), q->school_name,
		    sizeof(q->school_name)) != 0)
			return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
		/* a G number holds an identity number: stored masked */
		xj_mask_student_no(no, q->student_no, sizeof(q->student_no));
		explicit_bzero(no, sizeof(no));
		/* xs:date may carry a zone or a five-digit year: the record
		 * refused (invalid_date), not the message failed (review R10) */
		if (xj_xml_date(xj_xml_child(e, NULL, "BirthDate"), q->birth) != XJ_OK) {
			*err = XJ_E_F_DATE;
			return XJ_OK;
		}
	}
	if ((rc = xj_problem_join_national(db, p->id, gid, kind, o, k, &joined)) != XJ_OK ||
	    (rc = xj_nc_answer(c, p, ref, "problem", NULL, NULL, &entered)) != XJ_OK)
		return rc;
	n->problem++;
	n->entered += (unsigned)entered;
	return XJ_OK;
}

static int
audit(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m, const struct counts *n)
{
	struct xj_actor who = { XJ_ACTOR_MINISTRY, 0, NULL, 0, r->id, r->client_addr };
	struct xj_audit au = { "exchange.check_result", "exchange_message", XJ_STR_NULL,
	    XJ_STR_NULL, XJ_STR_NULL };
	char after[256];

	/* counts only, never a number */
	snprintf(after, sizeof(after), "{\"batch\":\"%s\",\"issued\":%u,\"unchanged\":%u,"
	    "\"passed\":%u,\"problem\":%u,\"entered_school\":%u,\"refused\":%u}", m->correlation,
	    n->issued, n->same, n->passed, n->problem, n->entered, n->refused);
	au.target_id = xj_str_c(m->id);
	au.after = xj_str_c(after);
	return xj_audit_append(db, &who, &au);
}

/* what the chunk's records' answers change, applied together */
struct chunk {
	struct xj_nc_chunk	 lists;
	struct xj_nc_subject	*p;		/* XJ_NC_CHUNK */
	struct xj_problem_other	*others;	/* 64 */
	const char		*message_id;
	unsigned long long	 outbox_id;
};

static int
apply(struct xj_db *db, struct chunk *c, struct item *it, unsigned k, struct counts *n)
{
	struct xj_nc_chunk *l = &c->lists;
	int rv, entered;
	unsigned i;

	xj_nc_chunk_reset(l);
	for (i = 0; i < k; i++)
		if ((rv = xj_nc_want(l, it[i].e->ref)) != XJ_OK)
			return rv;
	rv = xj_natcheck_subjects(db, l, c->outbox_id, c->p);
	if (rv == XJ_E_CONFLICT && k > 1) {
		/* one student twice: one record at a time, nothing changed yet */
		for (i = 0; i < k; i++)
			if ((rv = apply(db, c, &it[i], 1, n)) != XJ_OK)
				return rv;
		return XJ_OK;
	}
	if (rv != XJ_OK)
		return rv;
	for (i = 0; i < k && rv == XJ_OK; i++) {
		struct xj_nc_subject *p = &c->p[i];
		struct xj_xrec *e = it[i].e;
		xmlNodePtr o;

		e->err = XJ_OK;
		it[i].issue = 0;
		if (p->id == 0)
			e->err = XJ_E_X_NOT_SENT;
		else if ((o = xj_xml_child(it[i].x, NULL, "Issued")) != NULL) {
			if ((rv = issued(p, o, &it[i], n, &e->err)) == XJ_OK && it[i].issue)
				rv = xj_nc_issue_add(l, p->id, it[i].no);
		} else if ((o = xj_xml_child(it[i].x, NULL, "Problem")) != NULL)
			rv = problem(db, l, p, e->ref, o, c->others, n, &e->err);
		else if ((rv = xj_nc_answer(l, p, e->ref, "passed", NULL, NULL, &entered)) == XJ_OK) {
			n->passed++;
			n->entered += (unsigned)entered;
		}
		if (e->err != XJ_OK)
			n->refused++;
	}
	/* the numbers: together, or one by one to refuse exactly the taken */
	if (rv == XJ_OK && (rv = xj_natcheck_issue_all(db, l)) == XJ_E_CONFLICT) {
		rv = XJ_OK;
		for (i = 0; i < k && rv == XJ_OK; i++) {
			if (!it[i].issue)
				continue;
			if ((rv = xj_natcheck_issue(db, c->p[i].id, it[i].no)) == XJ_E_CONFLICT) {
				rv = XJ_OK;
				it[i].issue = 0;
				it[i].e->err = XJ_E_X_NC_TAKEN;
				n->refused++;
			}
		}
	}
	for (i = 0; i < k && rv == XJ_OK; i++) {
		if (!it[i].issue)
			continue;
		if ((rv = xj_nc_answer(l, &c->p[i], it[i].e->ref, "issued", it[i].no, it[i].kind,
		    &entered)) == XJ_OK) {
			n->issued++;
			n->entered += (unsigned)entered;
		}
	}
	for (i = 0; i < k; i++)
		explicit_bzero(c->p[i].ct, sizeof(c->p[i].ct));
	if (rv != XJ_OK)
		return rv;
	return xj_natcheck_apply(db, l, c->message_id, c->outbox_id);
}

int
xj_exchange_check_result(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m,
    struct xj_xreceipt *rc)
{
	struct xj_xoutbox_row ob;
	struct item *it;
	struct chunk c;
	struct counts n;
	int rv, batch_ok;
	size_t cnt = 0;
	unsigned k, max;

	memset(&n, 0, sizeof(n));
	memset(&c, 0, sizeof(c));
	for (xmlNodePtr x = xj_xml_child(m->payload, NULL, "Record"); x;
	    x = xj_xml_child(m->payload, x, "Record"))
		cnt++;
	/* once per message (a rerun of the transaction allocates again:
	 * at most XJ_TX retries, bounded by the arena) */
	if ((rc->rec = xj_alloc(r->arena, (cnt ? cnt : 1) * sizeof(*rc->rec))) == NULL)
		return XJ_E_TOO_COMPLEX;
	rv = m->correlation[0] ? xj_xoutbox_find(db, m->correlation, &ob) : XJ_NO_ROW;
	if (rv != XJ_OK && rv != XJ_NO_ROW)
		return rv;
	batch_ok = rv == XJ_OK && strcmp(ob.type, "StudentBatch") == 0 &&
	    strcmp(ob.receiver, m->sender) == 0;
	/* no batch of ours: the message as a whole names nothing we sent */
	if (!batch_ok) {
		for (xmlNodePtr x = xj_xml_child(m->payload, NULL, "Record"); x;
		    x = xj_xml_child(m->payload, x, "Record")) {
			struct xj_xrec *e = &rc->rec[rc->nrec++];

			if (xj_xml_attr(x, "ref", e->ref, sizeof(e->ref)) != 0)
				return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
			e->err = XJ_E_X_NOT_SENT;
		}
		rc->err = XJ_E_X_CORRELATION;
		return XJ_OK;
	}
	/* a chunk: XJ_NC_CHUNK records, or all of a smaller message's */
	max = cnt < XJ_NC_CHUNK ? (cnt ? (unsigned)cnt : 1) : XJ_NC_CHUNK;
	if ((it = xj_alloc(r->arena, max * sizeof(*it))) == NULL ||
	    (c.p = xj_alloc(r->arena, max * sizeof(*c.p))) == NULL ||
	    (c.others = xj_alloc(r->arena, 64 * sizeof(*c.others))) == NULL ||
	    xj_nc_chunk_init(r->arena, &c.lists, max) != XJ_OK)
		return XJ_E_TOO_COMPLEX;
	c.message_id = m->id;
	c.outbox_id = ob.id;
	k = 0;
	for (xmlNodePtr x = xj_xml_child(m->payload, NULL, "Record"); ; ) {
		if (x != NULL) {
			struct xj_xrec *e = &rc->rec[rc->nrec++];

			if (xj_xml_attr(x, "ref", e->ref, sizeof(e->ref)) != 0)
				return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
			it[k].e = e;
			it[k].x = x;
			k++;
			x = xj_xml_child(m->payload, x, "Record");
		}
		if (k == max || (x == NULL && k > 0)) {
			if ((rv = apply(db, &c, it, k, &n)) != XJ_OK)
				return rv;
			k = 0;
		}
		if (x == NULL)
			break;
	}
	if (n.issued + n.problem + n.refused > 0 || n.passed + n.same > 0)
		xj_log(XJ_LOG_INFO, "check_result_applied", "%s%u%u%u%u%u", "message_id", m->id,
		    "issued", n.issued, "passed", n.passed, "problem", n.problem, "entered_school",
		    n.entered, "refused", n.refused);
	return audit(db, r, m, &n);
}
