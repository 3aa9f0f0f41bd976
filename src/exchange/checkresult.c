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
 * 20,000 records in one message: the statements are the store's prepared
 * ones; per record nothing is allocated (the receipt's array is sized
 * once, the subject and the others live on the stack). */
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

static int
issued(struct xj_db *db, const struct xj_nc_subject *p, xmlNodePtr x, struct counts *n,
    int *err)
{
	char no[XJ_STUDENTNO_LEN + 1], rep[XJ_STUDENTNO_LEN + 1] = "", kind[2] = "";
	int rc, entered;

	*err = XJ_OK;
	if (xj_xml_text(xj_xml_child(x, NULL, "StudentNo"), no, sizeof(no)) != 0)
		return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
	if (xj_xml_child(x, NULL, "Replaces") != NULL &&
	    xj_xml_text(xj_xml_child(x, NULL, "Replaces"), rep, sizeof(rep)) != 0)
		return XJ_E_INTERNAL;
	/* the same number again (SHARED: a result may come more than once) */
	if (strcmp(p->student_no, no) == 0) {
		n->same++;
		return XJ_OK;
	}
	if (p->kind[0] != 'L' || strcmp(rep, p->student_no) != 0) {
		*err = XJ_E_X_NC_MISMATCH;
		return XJ_OK;
	}
	if (xj_studentno_check(xj_str_c(no), &kind[0]) != XJ_OK || kind[0] == 'L') {
		*err = XJ_E_X_NC_INVALID;
		return XJ_OK;
	}
	if ((rc = number_fits(p, no, kind[0])) != XJ_OK) {
		if (rc != XJ_E_X_NC_INVALID)
			return rc;
		*err = rc;
		return XJ_OK;
	}
	/* every number ever issued is a row: a duplicate is another
	 * record's (this one's current number was handled above) */
	rc = xj_natcheck_issue(db, p->id, no);
	if (rc == XJ_E_CONFLICT) {
		*err = XJ_E_X_NC_TAKEN;
		return XJ_OK;
	}
	if (rc != XJ_OK ||
	    (rc = xj_natcheck_answer(db, p, "issued", no, kind, &entered)) != XJ_OK)
		return rc;
	n->issued++;
	n->entered += (unsigned)entered;
	return XJ_OK;
}

/* the Problem's others, as sent (masked there), their numbers masked here */
static int
problem(struct xj_db *db, const struct xj_nc_subject *p, xmlNodePtr x, struct xj_problem_other *o,
    struct counts *n, int *err)
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
	    (rc = xj_natcheck_answer(db, p, "problem", NULL, NULL, &entered)) != XJ_OK)
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

int
xj_exchange_check_result(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m,
    struct xj_xreceipt *rc)
{
	struct xj_problem_other *others;
	struct xj_xoutbox_row ob;
	struct xj_nc_subject p;
	struct counts n;
	int rv, batch_ok;
	size_t cnt = 0;

	memset(&n, 0, sizeof(n));
	for (xmlNodePtr x = xj_xml_child(m->payload, NULL, "Record"); x;
	    x = xj_xml_child(m->payload, x, "Record"))
		cnt++;
	/* once per message (a rerun of the transaction allocates again:
	 * at most XJ_TX retries, bounded by the arena) */
	if ((rc->rec = xj_alloc(r->arena, (cnt ? cnt : 1) * sizeof(*rc->rec))) == NULL ||
	    (others = xj_alloc(r->arena, 64 * sizeof(*others))) == NULL)
		return XJ_E_TOO_COMPLEX;
	rv = m->correlation[0] ? xj_xoutbox_find(db, m->correlation, &ob) : XJ_NO_ROW;
	if (rv != XJ_OK && rv != XJ_NO_ROW)
		return rv;
	batch_ok = rv == XJ_OK && strcmp(ob.type, "StudentBatch") == 0 &&
	    strcmp(ob.receiver, m->sender) == 0;
	for (xmlNodePtr x = xj_xml_child(m->payload, NULL, "Record"); x;
	    x = xj_xml_child(m->payload, x, "Record")) {
		struct xj_xrec *e = &rc->rec[rc->nrec++];
		xmlNodePtr o;
		unsigned same = n.same;
		int entered;

		if (xj_xml_attr(x, "ref", e->ref, sizeof(e->ref)) != 0)
			return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
		e->err = XJ_OK;
		if (!batch_ok) {
			e->err = XJ_E_X_NOT_SENT;
			n.refused++;
			continue;
		}
		rv = xj_natcheck_subject(db, ob.id, e->ref, &p);
		if (rv == XJ_NO_ROW) {
			e->err = XJ_E_X_NOT_SENT;
			n.refused++;
			continue;
		}
		if (rv != XJ_OK)
			return rv;
		if ((o = xj_xml_child(x, NULL, "Issued")) != NULL)
			rv = issued(db, &p, o, &n, &e->err);
		else if ((o = xj_xml_child(x, NULL, "Problem")) != NULL)
			rv = problem(db, &p, o, others, &n, &e->err);
		else {
			rv = xj_natcheck_answer(db, &p, "passed", NULL, NULL, &entered);
			n.passed++;
			n.entered += (unsigned)entered;
		}
		explicit_bzero(p.ct, sizeof(p.ct));
		if (rv != XJ_OK)
			return rv;
		if (e->err != XJ_OK) {
			n.refused++;
			continue;
		}
		if (n.same != same)
			continue;	/* the same number again: nothing changes */
		if ((rv = xj_natcheck_answered(db, m->id, ob.id, e->ref)) != XJ_OK)
			return rv;
	}
	/* no batch of ours: the message as a whole names nothing we sent */
	if (!batch_ok) {
		rc->err = XJ_E_X_CORRELATION;
		return XJ_OK;
	}
	if (n.issued + n.problem + n.refused > 0 || n.passed + n.same > 0)
		xj_log(XJ_LOG_INFO, "check_result_applied", "%s%u%u%u%u%u", "message_id", m->id,
		    "issued", n.issued, "passed", n.passed, "problem", n.problem, "entered_school",
		    n.entered, "refused", n.refused);
	return audit(db, r, m, &n);
}
