/* xsend.c -- cross-province moves, the SENDING side (issue 13 item 7;
 * R-MOV-1, R-MOV-2, R-MOV-4, R-MOV-5; docs/architecture.md
 * "Cross-province moves: the sending side"; the wire: docs/xml/README.md
 * and transfer.xsd). This deployment holds the student's record; the
 * receiving school and county live in another province's deployment and
 * their requests come relayed by the ministry:
 *
 *   TransferRequest (inbound, handlers.c's table): the record named by
 *     StudentNo among ours, in the school named in From, checked as a
 *     local transfer is (R-MOV-2): no such record or another name 2001,
 *     not in school or another case open 2002, a problem record 2003.
 *     A refusal is answered at once by a TransferDecision (Step
 *     sending_school, rejected, RefusalCode); so is a request while our
 *     province's transfer freeze holds (no RefusalCode: none of the
 *     national codes means it; the Reason names the freeze and its last
 *     day; audited exchange.transfer_frozen); otherwise a case of
 *     `transfer_national_out` opens (sending school, then sending county)
 *     with the TransferId and the receiving parties stored beside it.
 *   GraduateMove (inbound): the record must be a graduate of the named
 *     school and year, else 2001; a case of `graduate_move_out` (the
 *     graduating county) opens.
 *   Every decision of those steps: a TransferDecision (the engine's
 *     decision hook, xj_xsend_decided); the last approval's effect
 *     `dossier_send` (xj_xsend_dossier): the Dossier (the StudentRecord
 *     with the identity number decrypted for the message only, its
 *     guardians, up to 256 history events) and the record marked
 *     `transferred` (a graduate stays `graduated`).
 *
 * A TransferId is answered once: the same request relayed again under a
 * new MessageId finds its xsend_request row and changes nothing. Every
 * outbound message is built here in the transaction of what causes it
 * and queued for the signing job (xqueue.h, store/outbox.h): a
 * reviewer's worker never holds the signing key. Identity numbers live
 * only in the message's bytes, sealed at rest, and are wiped from memory
 * after; they are never logged. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/req.h"
#include "auth/auth.h"
#include "crypto/field.h"
#include "db/db.h"
#include "domain/window.h"
#include "school/school.h"
#include "school/workflow.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/student.h"
#include "store/workflow.h"
#include "store/xsend.h"
#include "batchw.h"
#include "exchange.h"
#include "xqueue.h"
#include "xsend.h"

#define W(x)	do { if ((x) < 0) goto fail; } while (0)

/* R-MOV-2's refusal codes as the national system numbers them */
#define REFUSE_MISMATCH	"2001"
#define REFUSE_BUSY	"2002"
#define REFUSE_PROBLEM	"2003"

static const char *
org_code(void)
{
	return xj_school_conf->exchange_org_code;
}

/* A TransferDecision (transfer.xsd) into the outbox. */
static int
write_decision(struct xj_db *db, const char *transfer_id, const char *step, int approved,
    const char *refusal, const char *reason, const char *correlation)
{
	struct xj_xqueued o;
	char decided[26];
	int rc;

	if ((rc = xj_xqueued_begin(&o, org_code(), 't', "TransferDecision", correlation)) != XJ_OK)
		return rc;
	if (xj_datetime_format_local((long long)time(NULL), decided) != XJ_OK)
		goto fail;
	W(xmlTextWriterWriteElement(o.w, BAD_CAST "TransferId", BAD_CAST transfer_id));
	W(xmlTextWriterWriteElement(o.w, BAD_CAST "Step", BAD_CAST step));
	W(xmlTextWriterWriteElement(o.w, BAD_CAST "Decision",
	    BAD_CAST (approved ? "approved" : "rejected")));
	if (refusal != NULL && refusal[0])
		W(xmlTextWriterWriteElement(o.w, BAD_CAST "RefusalCode", BAD_CAST refusal));
	if (reason != NULL && reason[0])
		W(xmlTextWriterWriteElement(o.w, BAD_CAST "Reason", BAD_CAST reason));
	W(xmlTextWriterWriteElement(o.w, BAD_CAST "Decided", BAD_CAST decided));
	return xj_xqueued_end(db, &o, 1);
fail:
	xj_xqueued_end(db, &o, 0);
	return XJ_E_INTERNAL;
}

/* ---- the Dossier ------------------------------------------------------- */

struct dossier {
	struct xj_xs_record	 rec;
	struct xj_xs_guardian	 g[XJ_XS_GUARDIANS_MAX];
	int			 ng;
	char			 idn[40];
	char			 gidn[XJ_XS_GUARDIANS_MAX][40];
	struct xj_xguardian	 xg[XJ_XS_GUARDIANS_MAX];
	xmlTextWriterPtr	 w;
};

static int
event_write(const struct xj_xs_event *e, void *arg)
{
	struct dossier *d = arg;
	char at[26], note[801];

	xj_school_time(e->at, at);
	if (e->school[0] == '\0')
		/* an event that came with a Dossier: as the other side wrote it */
		snprintf(note, sizeof(note), "%s", e->note);
	else if (e->to_grade)
		snprintf(note, sizeof(note), "school %s, status %s, grade %d -> %d", e->school,
		    e->status, e->from_grade, e->to_grade);
	else
		snprintf(note, sizeof(note), "school %s, status %s", e->school, e->status);
	if (xmlTextWriterStartElement(d->w, BAD_CAST "Event") < 0 ||
	    xmlTextWriterWriteElement(d->w, BAD_CAST "Kind", BAD_CAST e->kind) < 0 ||
	    xmlTextWriterWriteElement(d->w, BAD_CAST "At", BAD_CAST at) < 0 ||
	    (note[0] && xmlTextWriterWriteElement(d->w, BAD_CAST "Note", BAD_CAST note) < 0) ||
	    xmlTextWriterEndElement(d->w) < 0)
		return XJ_E_INTERNAL;
	return XJ_OK;
}

static int
write_dossier(struct xj_db *db, struct xj_req *r, unsigned long long student,
    const char *transfer_id, const char *correlation)
{
	const struct xj_keys *keys = xj_auth_keys();
	struct dossier *d = xj_calloc(r->arena, 1, sizeof(*d));
	char row[XJ_STUDENT_ROW_MAX];
	struct xj_xbrec e;
	struct xj_xqueued o;
	size_t n;
	int rc, i;

	if (d == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_xs_record(db, student, &d->rec)) != XJ_OK ||
	    (rc = xj_xs_guardians(db, student, d->g, &d->ng)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	/* the identity number in clear in this message only (student.xsd) */
	xj_student_row(student, -1, row);
	if (xj_field_decrypt(keys, "student.id_number", row, d->rec.ct, d->rec.ctlen, d->idn,
	    sizeof(d->idn), &n) != 0 || n >= sizeof(d->idn)) {
		rc = XJ_E_INTERNAL;
		goto wipe;
	}
	for (i = 0; i < d->ng; i++) {
		struct xj_xs_guardian *g = &d->g[i];
		d->xg[i].relation = g->relation_desc[0] ? g->relation_desc : g->relation;
		d->xg[i].name = g->name;
		d->xg[i].doc_type = "";
		d->xg[i].id_number = "";
		if (g->ctlen == 0)
			continue;
		xj_student_row(student, g->idx, row);
		if (xj_field_decrypt(keys, "student_guardian.id_number", row, g->ct, g->ctlen,
		    d->gidn[i], sizeof(d->gidn[i]), &n) != 0 || n >= sizeof(d->gidn[i])) {
			rc = XJ_E_INTERNAL;
			goto wipe;
		}
		/* a document number the XSD cannot carry is left out, not sent
		 * malformed */
		if (xj_xdoc_number_ok(d->gidn[i], n)) {
			d->xg[i].doc_type = g->doc;
			d->xg[i].id_number = d->gidn[i];
		}
	}
	e = (struct xj_xbrec){ NULL, NULL, d->rec.no, d->rec.name, d->rec.sex, d->rec.birth,
	    d->rec.doc, d->idn, d->rec.eth, d->rec.nat, d->rec.hukou, d->rec.school,
	    d->rec.county, d->rec.status, d->rec.year, d->rec.level };
	if ((rc = xj_xqueued_begin(&o, org_code(), 't', "Dossier", correlation)) != XJ_OK)
		goto wipe;
	d->w = o.w;
	if (xmlTextWriterWriteElement(o.w, BAD_CAST "TransferId", BAD_CAST transfer_id) < 0 ||
	    xj_xstudent_write(o.w, &e, d->xg, d->ng) != 0) {
		xj_xqueued_end(db, &o, 0);
		rc = XJ_E_INTERNAL;
		goto wipe;
	}
	if ((rc = xj_xs_events(db, student, XJ_XS_EVENTS_MAX, event_write, d)) != XJ_OK) {
		xj_xqueued_end(db, &o, 0);
		goto wipe;
	}
	rc = xj_xqueued_end(db, &o, 1);
wipe:
	explicit_bzero(d->idn, sizeof(d->idn));
	explicit_bzero(d->gidn, sizeof(d->gidn));
	return rc;
}

/* ---- the engine's hook and effect -------------------------------------- */

/* The TransferDecision's Step of a decided step of ours. */
static const char *
step_name(const struct xj_xs_req *q, const struct xj_wf_step *s)
{
	if (strcmp(q->kind, "graduate_move") == 0)
		return "graduating_county";
	return strcmp(s->party, "sending_school") == 0 ? "sending_school" : "sending_county";
}

int
xj_xsend_decided(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w,
    const struct xj_wf_step *s, int approved, const char *reason)
{
	struct xj_xs_req *q = xj_calloc(r->arena, 1, sizeof(*q));
	int rc;

	if (q == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_xs_req_by_case(db, w->id, q)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	return write_decision(db, q->transfer_id, step_name(q, s), approved, NULL, reason,
	    q->message_id);
}

int
xj_xsend_dossier(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w)
{
	struct xj_xs_req *q = xj_calloc(r->arena, 1, sizeof(*q));
	char status[17], id[24];
	unsigned version;
	int rc, graduate;

	if (q == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_xs_req_by_case(db, w->id, q)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	graduate = strcmp(q->kind, "graduate_move") == 0;
	/* the record as it is now, locked: a status change since the
	 * request (a suspension approved meanwhile) stops the move */
	if ((rc = xj_student_lock(db, w->subject_id, &version, status)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (strcmp(status, graduate ? "graduated" : "in_school") != 0)
		return XJ_E_STUDENT_NOT_IN_SCHOOL;
	if ((rc = write_dossier(db, r, w->subject_id, q->transfer_id, q->message_id)) != XJ_OK)
		return rc;
	if (!graduate && (rc = xj_xs_mark_transferred(db, w->subject_id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	if ((rc = xj_xs_event_add(db, w->subject_id, graduate ? "graduate_moved" : "transferred_out",
	    w->id, q->transfer_id)) != XJ_OK)
		return rc;
	if ((rc = xj_wf_notice(db, w->send_school, w->id, 0, "transferred_out")) != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%llu", w->subject_id);
	return xj_school_audit(db, r, graduate ? "student.graduate_move_out" :
	    "student.transfer_out", "student", id, xj_str_c(q->transfer_id));
}

int
xj_xsend_gen_detail(yajl_gen g, struct xj_req *r, const struct xj_wf_case *w)
{
	struct xj_xs_req *q = xj_calloc(r->arena, 1, sizeof(*q));
	int rc;

	if (q == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_xs_req_by_case(r->db, w->id, q)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_OK : rc;
	xj_gen_key(g, "exchange");
	yajl_gen_map_open(g);
	xj_gen_str(g, "transfer_id", q->transfer_id);
	xj_gen_str(g, "kind", q->kind);
	xj_gen_str(g, "receiving_school_code", q->recv_school);
	xj_gen_str(g, "receiving_county_code", q->recv_county);
	xj_gen_str(g, "reason", q->reason[0] ? q->reason : NULL);
	if (q->graduation_year)
		xj_gen_int(g, "graduation_year", q->graduation_year);
	else
		xj_gen_null(g, "graduation_year");
	xj_gen_str(g, "requested_at", q->requested);
	yajl_gen_map_close(g);
	return XJ_OK;
}

/* ---- inbound: TransferRequest, GraduateMove ---------------------------- */

/* an element's text at a path of children; -1 when absent or too long */
static int
text_at(xmlNodePtr n, const char *a, const char *b, char *out, size_t cap)
{
	xmlNodePtr x = xj_xml_child(n, NULL, a);

	if (x != NULL && b != NULL)
		x = xj_xml_child(x, NULL, b);
	return x == NULL ? -1 : xj_xml_text(x, out, cap);
}

/* Same name as the record's, ignoring surrounding blanks (as transfer.c). */
static int
name_matches(const char *rec, const char *typed)
{
	size_t n;

	while (*typed == ' ' || *typed == '\t')
		typed++;
	n = strlen(typed);
	while (n && (typed[n - 1] == ' ' || typed[n - 1] == '\t'))
		n--;
	return strlen(rec) == n && memcmp(rec, typed, n) == 0;
}

struct inreq {
	struct xj_xs_req	 q;
	char			 no[20], name[257];
	struct xj_wf_student	 st;
	struct xj_wf_org	 ss, sc, above, none;
	struct xj_wf_def	 defs[XJ_WF_MAX_STEPS];
	char			 variant[7];
	int			 n;
};

static int
audit_in(struct xj_db *db, struct xj_req *r, const char *action, const struct xj_xs_req *q)
{
	struct xj_actor who = { XJ_ACTOR_MINISTRY, 0, NULL, 0, r->id, r->client_addr };
	struct xj_audit au = { action, "exchange_transfer", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	char after[160];

	/* ids and outcome only, never the claimed number or name */
	snprintf(after, sizeof(after), "{\"workflow_id\":%llu,\"refusal\":\"%s\",\"message_id\":\"%s\"}",
	    q->wf, q->refusal, q->message_id);
	au.target_id = xj_str_c(q->transfer_id);
	au.after = xj_str_c(after);
	return xj_audit_append(db, &who, &au);
}

/* Refused at once: the decision to the receiving side (code "" sends no
 * RefusalCode) and the request stored with its code, audited as action. */
static int
refuse_with(struct xj_db *db, struct xj_req *r, struct inreq *t, const char *code,
    const char *reason, const char *step, const char *action)
{
	int rc;

	snprintf(t->q.refusal, sizeof(t->q.refusal), "%s", code);
	t->q.wf = 0;
	if ((rc = write_decision(db, t->q.transfer_id, step, 0, code, reason,
	    t->q.message_id)) != XJ_OK)
		return rc;
	if ((rc = xj_xs_req_insert(db, &t->q)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	return audit_in(db, r, action, &t->q);
}

/* Refused at once (R-MOV-2): the national code and its words. */
static int
refuse(struct xj_db *db, struct xj_req *r, struct inreq *t, const char *code,
    const char *step)
{
	static const struct {
		const char *code, *reason;
	} why[] = {
		{ REFUSE_MISMATCH, "学生信息不符（2001）/ the name and the student number do not match a record" },
		{ REFUSE_BUSY, "该学生有未办结的业务或不在校（2002）/ business in progress or not in school" },
		{ REFUSE_PROBLEM, "该学生的学籍为问题学籍（2003）/ the record is a problem record" },
	};
	const char *reason = "";

	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++)
		if (strcmp(why[i].code, code) == 0)
			reason = why[i].reason;
	return refuse_with(db, r, t, code, reason, step, "exchange.transfer_refused");
}

/* The record named by the claim among ours, in school `school` of
 * county `county`: XJ_OK with t->st, t->ss and t->sc; XJ_NO_ROW when it
 * is not ours (2001). */
static int
find_record(struct xj_db *db, struct inreq *t, const char *school, const char *county)
{
	int rc;

	rc = xj_wf_student_by_no(db, t->no, &t->st);
	if (rc != XJ_OK)
		return rc;
	if (!name_matches(t->st.name, t->name))
		return XJ_NO_ROW;
	if ((rc = xj_wf_org(db, t->st.school_org_id, &t->ss)) != XJ_OK ||
	    (rc = xj_wf_org(db, t->ss.county_id, &t->sc)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (strcmp(t->ss.code, school) != 0 || strcmp(t->sc.code, county) != 0)
		return XJ_NO_ROW;
	return XJ_OK;
}

static int
open_case(struct xj_db *db, struct xj_req *r, struct inreq *t, const char *type)
{
	struct xj_wf_parties p = { &t->none, &t->none, &t->ss, &t->sc, &t->above };
	char province[7];
	struct xj_wf_new w;
	int rc;

	xj_wf_province_of(t->ss.path, province);
	if ((rc = xj_wf_type(db, type, province, t->variant, t->defs, &t->n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	/* the bureau above the county (escalation, R-ORG-6), else the county */
	if (t->sc.parent_id == 0 || (rc = xj_wf_org(db, t->sc.parent_id, &t->above)) != XJ_OK) {
		if (t->sc.parent_id != 0 && rc != XJ_NO_ROW)
			return rc;
		t->above = t->sc;
	}
	memset(&w, 0, sizeof(w));
	w.type = type;
	w.variant = t->variant;
	w.subject_id = t->st.id;
	/* the case's notices (a decision, the record gone) go to the school
	 * that holds the record: the initiator is in another deployment */
	w.initiator = t->ss.id;
	w.started_by = 0;	/* the ministry's relay, no staff account */
	rc = xj_wf_start_received(db, &w, t->defs, t->n, &p, &t->q.wf);
	if (rc == XJ_E_CONFLICT)
		return refuse(db, r, t, REFUSE_BUSY, strcmp(type, "graduate_move_out") == 0 ?
		    "graduating_county" : "sending_school");
	if (rc != XJ_OK)
		return rc;
	if ((rc = xj_xs_req_insert(db, &t->q)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	return audit_in(db, r, "exchange.transfer_received", &t->q);
}

/* What both requests share: the TransferId answered before? */
static int
seen_before(struct xj_db *db, struct inreq *t, int *seen)
{
	struct xj_xs_req old;
	int rc = xj_xs_req_get(db, t->q.transfer_id, &old);

	*seen = rc == XJ_OK;
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_xsend_on_transfer_request(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m,
    struct xj_xreceipt *rc)
{
	struct inreq *t = xj_calloc(r->arena, 1, sizeof(*t));
	xmlNodePtr p = m->payload;
	int rv, seen;

	(void)rc;
	if (t == NULL)
		return XJ_E_TOO_COMPLEX;
	/* schema-valid: every element is there and within its bounds */
	if (text_at(p, "TransferId", NULL, t->q.transfer_id, sizeof(t->q.transfer_id)) != 0 ||
	    text_at(p, "Student", "StudentNo", t->no, sizeof(t->no)) != 0 ||
	    text_at(p, "Student", "Name", t->name, sizeof(t->name)) != 0 ||
	    text_at(p, "From", "School", t->q.from_school, sizeof(t->q.from_school)) != 0 ||
	    text_at(p, "From", "County", t->q.from_county, sizeof(t->q.from_county)) != 0 ||
	    text_at(p, "To", "School", t->q.recv_school, sizeof(t->q.recv_school)) != 0 ||
	    text_at(p, "To", "County", t->q.recv_county, sizeof(t->q.recv_county)) != 0 ||
	    text_at(p, "Reason", NULL, t->q.reason, sizeof(t->q.reason)) != 0 ||
	    text_at(p, "Requested", NULL, t->q.requested, sizeof(t->q.requested)) != 0)
		return XJ_E_INTERNAL;
	snprintf(t->q.kind, sizeof(t->q.kind), "transfer");
	snprintf(t->q.message_id, sizeof(t->q.message_id), "%s", m->id);
	/* relayed again under a new MessageId: answered by the stored case */
	if ((rv = seen_before(db, t, &seen)) != XJ_OK || seen)
		return rv;
	rv = find_record(db, t, t->q.from_school, t->q.from_county);
	if (rv == XJ_NO_ROW)
		return refuse(db, r, t, REFUSE_MISMATCH, "sending_school");
	if (rv != XJ_OK)
		return rv;
	t->q.student_id = t->st.id;
	/* our province's freeze (issue 11 §7) holds for the cases the other
	 * side starts too: no national code fits, so none is sent, and the
	 * reason names the freeze and its last day */
	{
		char prov[7], today[XJ_WF_DATE], until[XJ_WF_DATE], why[256];
		int f;

		xj_wf_province_of(t->ss.path, prov);
		xj_wf_today(today);
		if ((rv = xj_wf_frozen(db, prov, today, &f, until)) != XJ_OK)
			return rv;
		if (f) {
			snprintf(why, sizeof(why), "转出省份暂停办理转学至 %s / transfers are frozen in "
			    "the sending province until %s", until, until);
			return refuse_with(db, r, t, "", why, "sending_school",
			    "exchange.transfer_frozen");
		}
	}
	if (strcmp(t->st.status, "in_school") != 0)
		return refuse(db, r, t, REFUSE_BUSY, "sending_school");
	if ((rv = xj_wf_problem_record(db, t->st.id)) < 0)
		return rv;
	if (rv == 1)
		return refuse(db, r, t, REFUSE_PROBLEM, "sending_school");
	return open_case(db, r, t, "transfer_national_out");
}

int
xj_xsend_on_graduate_move(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m,
    struct xj_xreceipt *rc)
{
	struct inreq *t = xj_calloc(r->arena, 1, sizeof(*t));
	xmlNodePtr p = m->payload;
	char year[8];
	int rv, seen, grad;

	(void)rc;
	if (t == NULL)
		return XJ_E_TOO_COMPLEX;
	if (text_at(p, "TransferId", NULL, t->q.transfer_id, sizeof(t->q.transfer_id)) != 0 ||
	    text_at(p, "Student", "StudentNo", t->no, sizeof(t->no)) != 0 ||
	    text_at(p, "Student", "Name", t->name, sizeof(t->name)) != 0 ||
	    text_at(p, "GraduatedFrom", "School", t->q.from_school, sizeof(t->q.from_school)) != 0 ||
	    text_at(p, "GraduatedFrom", "County", t->q.from_county, sizeof(t->q.from_county)) != 0 ||
	    text_at(p, "To", "School", t->q.recv_school, sizeof(t->q.recv_school)) != 0 ||
	    text_at(p, "To", "County", t->q.recv_county, sizeof(t->q.recv_county)) != 0 ||
	    text_at(p, "GraduationYear", NULL, year, sizeof(year)) != 0 ||
	    text_at(p, "Requested", NULL, t->q.requested, sizeof(t->q.requested)) != 0)
		return XJ_E_INTERNAL;
	snprintf(t->q.kind, sizeof(t->q.kind), "graduate_move");
	snprintf(t->q.message_id, sizeof(t->q.message_id), "%s", m->id);
	/* xs:gYear: four digits here (a year with a sign or a zone is
	 * schema-valid but no graduation of ours) */
	t->q.graduation_year = (year[0] >= '0' && year[0] <= '9') ? atoi(year) : 0;
	if ((rv = seen_before(db, t, &seen)) != XJ_OK || seen)
		return rv;
	rv = find_record(db, t, t->q.from_school, t->q.from_county);
	if (rv == XJ_NO_ROW)
		return refuse(db, r, t, REFUSE_MISMATCH, "graduating_county");
	if (rv != XJ_OK)
		return rv;
	t->q.student_id = t->st.id;
	/* a graduate of that school and year (R-MOV-5): the year-end batch
	 * that graduated it ran in school year N, which ends in year N + 1 */
	if (strcmp(t->st.status, "graduated") != 0)
		return refuse(db, r, t, REFUSE_MISMATCH, "graduating_county");
	if ((rv = xj_xs_grad_year(db, t->st.id, &grad)) != XJ_OK)
		return rv;
	if (grad == 0 || grad + 1 != t->q.graduation_year)
		return refuse(db, r, t, REFUSE_MISMATCH, "graduating_county");
	return open_case(db, r, t, "graduate_move_out");
}
