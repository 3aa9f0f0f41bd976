/* xrecv.c -- the inbound messages of a cross-province move started here
 * (issue 13 item 7, the receiving side; docs/architecture.md
 * "Cross-province moves: the receiving side"), rows of handlers.c's
 * table. Each runs inside the message's transaction, with the inbox row:
 *
 *   TransferDecision: a step of the other province decided. Recorded as
 *     the case's progress (xmove_decision, shown in the case view,
 *     R-MOV-7); a rejection ends the case rejected with its reason and
 *     RefusalCode (2001..2003, R-MOV-2) and tells the receiving school
 *     (a 'decided' notice, as the engine does); an approval is progress.
 *   Dossier: the record arrives (调档, R-MOV-4): created at the case's
 *     receiving school (registration NULL, origin transfer_in, the same
 *     number and kind, national check issued for a G/J number, due for
 *     an L one, status in school, the Dossier's events as its history),
 *     checked at the door (xj_problem_check, origin "transfer"), and the
 *     case's exchange step approved, which completes it. A record of
 *     ours that left for another province (status transferred) comes
 *     back as the same row with the Dossier's data.
 *
 * Refusals (the whole message, nothing written): from another sender
 * than the ministry (type_not_accepted: the answers come relayed), a
 * TransferId of no case
 * of ours (transfer_unknown), a case not waiting (closed, or its request
 * not sent yet: transfer_not_waiting), a Step of another kind of move
 * (transfer_step_invalid), a Dossier of another student number than the
 * one claimed (transfer_student_mismatch), a birth date that is not a
 * real date or lies in the future (invalid_date, date_in_future), a
 * number that is a record of ours in school (transfer_record_here). */
#include "config.h"

#include <openssl/rand.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "crypto/field.h"
#include "db/db.h"
#include "domain/contact.h"
#include "domain/relation.h"
#include "school/keydata.h"
#include "school/problem.h"
#include "school/workflow.h"
#include "store/audit.h"
#include "store/keydata.h"
#include "store/refdata.h"
#include "store/student.h"
#include "store/workflow.h"
#include "store/xmove.h"
#include "exchange.h"

#define TXT(parent, name, buf) \
	xj_xml_text(xj_xml_child((parent), NULL, (name)), (buf), sizeof(buf))

/* The case a TransferId names, locked, with its steps: XJ_OK, or the
 * refusal in rc->err (XJ_OK returned, nothing written). */
struct xcase {
	struct xj_xmove		 x;
	struct xj_wf_case	 w;
	struct xj_wf_step	 s[XJ_WF_MAX_STEPS];
	int			 n;
	const struct xj_wf_step	*ex;	/* the open exchange step */
	int			 arrived; /* approved: the Dossier came (the last step) */
};

static int
load(struct xj_db *db, const struct xj_xmsg *m, struct xcase *c, struct xj_xreceipt *rc)
{
	const char *org = xj_exchange.conf->exchange_org_code;
	char tid[41], state[10];
	size_t ol = strlen(org);
	int rv, cur;

	if (TXT(m->payload, "TransferId", tid) != 0)
		return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
	/* the other province's answers come relayed by the ministry (SHARED
	 * contract); a peer province's own key may sign its own messages,
	 * not our cases' answers */
	if (strcmp(m->sender, "MOE") != 0) {
		rc->err = XJ_E_X_TYPE_NOT_ACCEPTED;
		return XJ_OK;
	}
	/* ours only: made by us as `<our org code>-...` */
	if (strncmp(tid, org, ol) != 0 || tid[ol] != '-') {
		rc->err = XJ_E_XMOVE_UNKNOWN;
		return XJ_OK;
	}
	if ((rv = xj_xmove_by_transfer(db, tid, &c->x)) == XJ_NO_ROW) {
		rc->err = XJ_E_XMOVE_UNKNOWN;
		return XJ_OK;
	}
	if (rv != XJ_OK)
		return rv;
	/* the case row: the staff's decisions and escalations queue here */
	if ((rv = xj_wf_lock(db, c->x.wf, state, &cur)) != XJ_OK)
		return rv == XJ_NO_ROW ? XJ_E_INTERNAL : rv;
	if ((rv = xj_wf_get(db, c->x.wf, &c->w)) != XJ_OK ||
	    (rv = xj_wf_steps(db, c->x.wf, c->s, &c->n)) != XJ_OK)
		return rv == XJ_NO_ROW ? XJ_E_INTERNAL : rv;
	c->ex = NULL;
	for (int i = 0; i < c->n; i++)
		if (c->s[i].by_exchange && c->s[i].seq == cur && strcmp(c->s[i].state, "open") == 0)
			c->ex = &c->s[i];
	if (strcmp(state, "open") != 0 || strcmp(c->x.request, "sent") != 0 || c->ex == NULL)
		rc->err = XJ_E_XMOVE_NOT_WAITING;
	/* the exchange step is the case's last: approved, only by a Dossier */
	c->arrived = strcmp(state, "approved") == 0 && strcmp(c->x.request, "sent") == 0;
	return XJ_OK;
}

static int
audit(struct xj_db *db, struct xj_req *r, const char *action, const char *type,
    unsigned long long id, const char *after)
{
	struct xj_actor who = { XJ_ACTOR_MINISTRY, 0, r->actor_role, 0, r->id, r->client_addr };
	struct xj_audit au = { action, type, XJ_STR_NULL, XJ_STR_NULL, xj_str_c(after) };
	char sid[24];

	snprintf(sid, sizeof(sid), "%llu", id);
	au.target_id = xj_str_c(sid);
	return xj_audit_append(db, &who, &au);
}

static int
guess_counted(struct xj_db *db, struct xj_req *r, const struct xcase *c)
{
	struct xj_actor who = { XJ_ACTOR_STAFF, 0, NULL, c->w.initiator, r->id, r->client_addr };
	struct xj_audit au = { "transfer.refused_2001", "workflow", XJ_STR_NULL, XJ_STR_NULL,
	    XJ_STR_NULL };
	char id[24];
	int rc;

	if ((rc = xj_xmove_starter(db, c->x.wf, &who.id)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (who.id == 0)
		return XJ_OK;
	snprintf(id, sizeof(id), "%llu", c->x.wf);
	au.target_id = xj_str_c(id);
	return xj_audit_append(db, &who, &au);
}

/* s cut after its first n UTF-8 characters (XSD text is valid UTF-8) */
static void
utf8_cut(char *s, size_t n)
{
	size_t i = 0;

	for (; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n-- == 0)
			break;
	s[i] = '\0';
}

/* 1 when the case has d's step decided as d, 0 if not, <0 an error */
static int
decided_before(struct xj_db *db, struct xj_req *r, unsigned long long wf,
    const struct xj_xmove_decision *d)
{
	struct xj_xmove_decision *got = xj_alloc(r->arena, XJ_XMOVE_DECISIONS_MAX * sizeof(*got));
	int n, rv;

	if (got == NULL)
		return XJ_E_TOO_COMPLEX;
	rv = xj_xmove_decisions(db, wf, got, &n);
	for (int i = 0; rv == XJ_OK && i < n; i++)
		if (strcmp(got[i].step, d->step) == 0 && strcmp(got[i].decision, d->decision) == 0)
			rv = 1;
	return rv;
}

int
xj_xrecv_decision(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m,
    struct xj_xreceipt *rc)
{
	struct xcase *c = xj_calloc(r->arena, 1, sizeof(*c));
	struct xj_xmove_decision d;
	char after[96], why[4 * 205 + 1];
	int rv;

	if (c == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rv = load(db, m, c, rc)) != XJ_OK)
		return rv;
	/* a decision relayed after the Dossier (the ministry relays in any
	 * order) is still the chain's progress, below */
	if (rc->err != XJ_OK && !(rc->err == XJ_E_XMOVE_NOT_WAITING && c->arrived))
		return XJ_OK;
	memset(&d, 0, sizeof(d));
	if (TXT(m->payload, "Step", d.step) != 0 || TXT(m->payload, "Decision", d.decision) != 0 ||
	    TXT(m->payload, "Decided", d.decided) != 0)
		return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
	if (xj_xml_child(m->payload, NULL, "RefusalCode") != NULL &&
	    TXT(m->payload, "RefusalCode", d.code) != 0)
		return XJ_E_INTERNAL;
	if (xj_xml_child(m->payload, NULL, "Reason") != NULL &&
	    TXT(m->payload, "Reason", d.reason) != 0)
		return XJ_E_INTERNAL;
	/* a transfer's steps are the sending school's and county's, a
	 * graduate move's the graduating county's */
	if (strcmp(c->x.kind, "graduate") == 0 ? strcmp(d.step, "graduating_county") != 0 :
	    strcmp(d.step, "sending_school") != 0 && strcmp(d.step, "sending_county") != 0) {
		rc->err = XJ_E_XMOVE_STEP;
		return XJ_OK;
	}
	/* after the Dossier only an approval can be true: the record came */
	if (c->arrived && strcmp(d.decision, "approved") != 0)
		return XJ_OK;	/* rc->err: transfer_not_waiting */
	rc->err = XJ_OK;
	/* a step's decision relayed again (SHARED: a message may come more
	 * than once, under a new MessageId) is recorded once */
	if ((rv = decided_before(db, r, c->x.wf, &d)) != 0)
		return rv < 0 ? rv : XJ_OK;
	if ((rv = xj_xmove_decision_add(db, c->x.wf, &d, m->id)) != XJ_OK)
		return rv;
	snprintf(after, sizeof(after), "%s %s%s%s", d.step, d.decision, d.code[0] ? " " : "",
	    d.code);
	if (strcmp(d.decision, "rejected") == 0) {
		/* the case ends with the other side's reason, its code first
		 * (what the receiving school reads, R-MOV-7) */
		snprintf(why, sizeof(why), "%s%s%s", d.code, d.code[0] && d.reason[0] ? " " : "",
		    d.reason);
		/* the reason columns hold 200 characters: cut at one, never
		 * inside a character (invalid UTF-8 is a database error) */
		utf8_cut(why, 200);
		/* the engine's rejection (step, case, notice), in the name of
		 * the org that holds the exchange step (our province) */
		r->actor_org = c->ex->org;
		if ((rv = xj_wf_reject(db, r, &c->w, c->s, c->n, c->ex->seq, why)) != XJ_OK)
			return rv == XJ_E_WF_STEP_DECIDED ? XJ_RETRY : rv;
		/* a 2001 (no such record by that name) counts against the
		 * account that started the case, as a local 2001 does
		 * (school/transfer.c's guess limit): the same audit action in
		 * that account's name, now that the answer is known */
		if (strcmp(d.code, "2001") == 0 && (rv = guess_counted(db, r, c)) != XJ_OK)
			return rv;
	}
	return audit(db, r, "xmove.decision", "workflow", c->x.wf, after);
}

/* ---- Dossier ------------------------------------------------------------ */

struct dossier {
	char			 no[20], name[257], sex[4], birth[11], doc[4], idn[40];
	char			 eth[16], nat[808], hukou[808], status[808];
	char			 year[8], level[8];
	unsigned char		 child_bidx[32], person_bidx[32];
	unsigned char		 ct[XJ_CT_MAX], ct2[XJ_CT_MAX];
	char			 row[XJ_STUDENT_ROW_MAX];
	char			 buf[808], at[32], note[808], kind[64];
	struct xj_wf_org	 school, county;
	struct xj_student_identity ident;
};

/* "YYYY-MM-DDTHH:MM:SS+08:00" -> "YYYY-MM-DD HH:MM:SS" (schema-valid) */
static void
beijing(const char *t, char out[20])
{
	snprintf(out, 20, "%.10s %.8s", t, t + 11);
}

static int
seal(const char *aad, const char *row, const char *pt, unsigned char *out, size_t cap,
    size_t *len)
{
	return xj_field_encrypt(xj_auth_keys(), aad, row, pt, strlen(pt), out, cap, len) == 0 ?
	    XJ_OK : XJ_E_INTERNAL;
}

/* text of an optional element into out, "" when absent or too long */
static void
optional(xmlNodePtr st, const char *name, char *out, size_t cap)
{
	if (xj_xml_child(st, NULL, name) == NULL ||
	    xj_xml_text(xj_xml_child(st, NULL, name), out, cap) != 0)
		out[0] = '\0';
}

/* v (cap bytes) checked and normalised in place by the validators of
 * the records that do not come through admission (xj_kd_value, as
 * 补建's and the key-data change's): XJ_OK or an XJ_E_F_* code */
static int
kd(const struct xj_refdata *ref, int f, char *v, size_t cap, char *tmp, size_t tcap)
{
	int rv = xj_kd_value(ref, f, xj_str_c(v), tmp, tcap);

	if (rv == XJ_OK)
		snprintf(v, cap, "%s", tmp);
	return rv;
}

/* The Dossier's data as our records hold it, before anything is written
 * (review R3, R4): XJ_OK or the refusal.
 *  - BirthDate is xs:date (xj_xml_date: a zone dropped, a year of four
 *    digits), then a birth date of ours: not after today in Beijing.
 *  - Name without inner spaces (R-REC-10), as every name of ours; not
 *    refused by our stricter name rule (another province's record of a
 *    pupil is the name of record).
 *  - Ethnicity and HukouCode kept when they are codes of our reference
 *    lists, Nationality when it fits its column; else left empty, as an
 *    absent optional field. */
static int
fields(const struct xj_refdata *ref, xmlNodePtr st, struct dossier *d)
{
	size_t n;
	int rv;

	if ((rv = xj_xml_date(xj_xml_child(st, NULL, "BirthDate"), d->birth)) != XJ_OK ||
	    (rv = kd(ref, XJ_KD_BIRTH_DATE, d->birth, sizeof(d->birth), d->buf,
	    sizeof(d->buf))) != XJ_OK)
		return rv;
	n = xj_person_name_normalize(d->name, strlen(d->name), d->name);
	d->name[n] = '\0';
	if (n == 0)
		return XJ_E_F_REQUIRED;
	optional(st, "Ethnicity", d->eth, sizeof(d->eth));
	if (d->eth[0] && kd(ref, XJ_KD_ETHNICITY, d->eth, sizeof(d->eth), d->buf,
	    sizeof(d->buf)) != XJ_OK)
		d->eth[0] = '\0';
	optional(st, "HukouCode", d->hukou, sizeof(d->hukou));
	if (d->hukou[0] && kd(ref, XJ_KD_HUKOU_LOCATION, d->hukou, sizeof(d->hukou), d->buf,
	    sizeof(d->buf)) != XJ_OK)
		d->hukou[0] = '\0';
	optional(st, "Nationality", d->nat, sizeof(d->nat));
	if (strlen(d->nat) > 32)
		d->nat[0] = '\0';
	return XJ_OK;
}

static int
guardians(struct xj_db *db, struct dossier *d, xmlNodePtr st, unsigned long long sid)
{
	int idx = 0, rv;

	for (xmlNodePtr g = xj_xml_child(st, NULL, "Guardian"); g;
	    g = xj_xml_child(st, g, "Guardian"), idx++) {
		char rel[808], desc[808] = "", gname[257], gdoc[4] = "", gidn[40] = "";
		char row[XJ_STUDENT_ROW_MAX];
		size_t n1 = 0, n2 = 0;
		if (TXT(g, "Relation", rel) != 0 || TXT(g, "Name", gname) != 0)
			return XJ_E_INTERNAL;
		if (xj_xml_child(g, NULL, "IdDocType") != NULL)
			TXT(g, "IdDocType", gdoc);
		if (xj_xml_child(g, NULL, "IdNumber") != NULL)
			TXT(g, "IdNumber", gidn);
		/* R-COL-6: one of our relations, else 其他 and the text as
		 * its description (the sending side sends a description in
		 * Relation), cut to the description column's characters:
		 * strict mode refuses a longer value, and that database
		 * error would be the ministry's to resend forever */
		if (!xj_relation_known(rel, strlen(rel))) {
			utf8_cut(rel, XJ_RELATION_DESC_CHARS);
			snprintf(desc, sizeof(desc), "%s", rel);
			snprintf(rel, sizeof(rel), "%s", XJ_RELATION_OTHER);
		}
		xj_student_row(sid, idx, row);
		if (gidn[0] && (rv = seal("student_guardian.id_number", row, gidn, d->ct,
		    sizeof(d->ct), &n1)) != XJ_OK)
			return rv;
		if ((rv = seal("student_guardian.phone", row, "", d->ct2, sizeof(d->ct2), &n2)) != XJ_OK)
			return rv;
		explicit_bzero(gidn, sizeof(gidn));
		if ((rv = xj_xmove_guardian(db, sid, idx, rel, desc, gname, gdoc, d->ct, n1, d->ct2,
		    n2)) != XJ_OK)
			return rv;
	}
	return XJ_OK;
}

/* A new record: the one function that makes every record that does not
 * come through admission (store/student.h), with the Dossier's number
 * kept, in school, its identity number sealed for its row there. */
static int
create(struct xj_db *db, struct dossier *d, const struct xj_xmove_record *rec,
    unsigned long long *sid)
{
	struct xj_student_new n;
	char no[20];

	memset(&n, 0, sizeof(n));
	n.school_org_id = rec->school;
	snprintf(n.county, sizeof(n.county), "%s", rec->county_code);
	n.name = rec->name;
	n.sex = rec->sex;
	n.birth = rec->birth;
	n.doc_type = rec->doc_type;
	n.ethnicity = rec->ethnicity;
	n.nationality = rec->nationality;
	n.hukou_nature = n.birthplace = n.native_place = "";
	n.current_address = n.home_address = n.contact_address = "";
	n.hukou_code = rec->hukou_code;
	n.id_number = d->idn;
	memcpy(n.child_bidx, rec->child_bidx, sizeof(n.child_bidx));
	n.entry_year = rec->entry_year;
	n.level = rec->level;
	n.class_id = rec->class_id;
	n.status = "in_school";
	n.origin = "transfer_in";
	n.national_action = "new";
	n.student_no = rec->student_no;
	n.national_check = rec->national_check;
	return xj_student_create_direct(db, xj_auth_keys(), &n, sid, no, &d->ident);
}

int
xj_xrecv_dossier(struct xj_db *db, struct xj_req *r, const struct xj_xmsg *m,
    struct xj_xreceipt *rc)
{
	struct xcase *c = xj_calloc(r->arena, 1, sizeof(*c));
	struct dossier *d = xj_calloc(r->arena, 1, sizeof(*d));
	struct xj_xmove_record rec;
	struct xj_wf_student here;
	const struct xj_refdata *ref;
	xmlNodePtr st;
	unsigned long long sid = 0;
	char kinds[XJ_PROBLEM_KINDS_MAX], bidx_in[64];
	size_t n;
	int rv, fits, entry_year, level;

	if (c == NULL || d == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rv = load(db, m, c, rc)) != XJ_OK || rc->err != XJ_OK)
		return rv;
	st = xj_xml_child(m->payload, NULL, "Student");
	if (st == NULL || TXT(st, "StudentNo", d->no) != 0 || TXT(st, "Name", d->name) != 0 ||
	    TXT(st, "Sex", d->sex) != 0 ||
	    TXT(st, "IdDocType", d->doc) != 0 ||
	    TXT(st, "EntryYear", d->year) != 0 || TXT(st, "Level", d->level) != 0)
		return XJ_E_INTERNAL;	/* schema-valid: cannot happen */
	/* none: a child without a document (type Z, R-COL-7), and only then */
	optional(st, "IdNumber", d->idn, sizeof(d->idn));
	if ((d->idn[0] == '\0') != (strcmp(d->doc, "Z") == 0)) {
		rc->err = d->idn[0] == '\0' ? XJ_E_F_REQUIRED : XJ_E_F_FORMAT;
		goto out;
	}
	if (strcmp(d->no, c->x.student_no) != 0) {
		rc->err = XJ_E_XMOVE_STUDENT_MISMATCH;
		goto out;
	}
	if ((ref = xj_ref_acquire(db, r->arena)) == NULL) {
		rv = XJ_E_UNAVAILABLE;
		goto out;
	}
	if ((rc->err = fields(ref, st, d)) != XJ_OK)
		goto out;	/* refused before anything is written */
	entry_year = atoi(d->year);
	level = atoi(d->level);
	/* R-REC-4: the entry year counts from grade 1 of the level. A
	 * graduate (R-MOV-5) enters grade 1 of the next level in the year
	 * of graduation; a transfer keeps the record's. */
	if (strcmp(c->x.kind, "graduate") == 0) {
		entry_year = c->x.graduation_year ? c->x.graduation_year : entry_year;
		level = level < 3 ? level + 1 : 3;
	}
	if ((rv = xj_wf_org(db, c->w.recv_school, &d->school)) != XJ_OK ||
	    (rv = xj_wf_org(db, d->school.county_id, &d->county)) != XJ_OK)
		return rv == XJ_NO_ROW ? XJ_E_INTERNAL : rv;
	fits = c->w.target_class ? xj_xmove_class_fits(db, c->w.target_class, c->w.recv_school,
	    entry_year, level) : 0;
	if (fits < 0)
		return fits;
	for (char *p = d->idn; *p; p++)
		if (*p == 'x')
			*p = 'X';
	/* R-COL-2: the child is its document, anywhere; a child without one
	 * has a random claim that never collides, as at registration
	 * (parent/regform.c: its duplicates are name + sex + birth date's) */
	snprintf(bidx_in, sizeof(bidx_in), "%s:%s", d->doc, d->idn);
	if (d->idn[0] == '\0' ? RAND_bytes(d->child_bidx, sizeof(d->child_bidx)) != 1 :
	    xj_blind_index(xj_auth_keys(), "child.document", bidx_in, strlen(bidx_in),
	    d->child_bidx) != 0) {
		rv = XJ_E_INTERNAL;
		goto out;
	}
	if ((rv = xj_student_person_bidx(xj_auth_keys(), d->name, d->sex, d->birth,
	    d->person_bidx)) < 0) {
		rv = XJ_E_INTERNAL;
		goto out;
	}
	memset(&rec, 0, sizeof(rec));
	rec.school = c->w.recv_school;
	rec.county_code = d->county.code;
	rec.student_no = d->no;
	rec.kind = d->no[0] == 'G' ? "G" : d->no[0] == 'J' ? "J" : "L";
	rec.name = d->name;
	rec.sex = d->sex;
	rec.birth = d->birth;
	rec.doc_type = d->doc;
	rec.child_bidx = d->child_bidx;
	rec.person_bidx = rv == 1 ? d->person_bidx : NULL;
	rec.ethnicity = d->eth;
	rec.nationality = d->nat;
	rec.hukou_code = d->hukou;
	rec.entry_year = entry_year;
	rec.level = level;
	rec.class_id = fits == 1 ? c->w.target_class : 0;
	rec.national_check = d->no[0] == 'L' ? "due" : "issued";
	/* a record of ours by that number (any number it ever had) */
	rv = xj_wf_student_by_no(db, d->no, &here);
	if (rv == XJ_OK) {
		if (strcmp(here.status, "transferred") != 0) {
			rc->err = XJ_E_XMOVE_RECORD_HERE;
			rv = XJ_OK;
			goto out;
		}
		sid = here.id;
		if ((rv = xj_xmove_revive(db, sid, &rec)) == XJ_OK) {
			xj_student_row(sid, -1, d->row);
			if ((rv = seal("student.id_number", d->row, d->idn, d->ct, sizeof(d->ct),
			    &n)) == XJ_OK)
				rv = xj_xmove_set_ct(db, sid, d->ct, n);
		}
	} else if (rv == XJ_NO_ROW)
		rv = create(db, d, &rec, &sid);
	if (rv == XJ_E_CONFLICT)
		rv = XJ_RETRY;	/* the number taken meanwhile: read again */
	if (rv != XJ_OK || (rv = guardians(db, d, st, sid)) != XJ_OK)
		goto out;
	/* the history it brings, then its arrival here */
	for (xmlNodePtr e = xj_xml_child(m->payload, NULL, "Event"); e;
	    e = xj_xml_child(m->payload, e, "Event")) {
		char at[20];
		d->note[0] = '\0';
		if (TXT(e, "Kind", d->kind) != 0 || TXT(e, "At", d->at) != 0) {
			rv = XJ_E_INTERNAL;
			goto out;
		}
		if (xj_xml_child(e, NULL, "Note") != NULL)
			TXT(e, "Note", d->note);
		beijing(d->at, at);
		if ((rv = xj_xmove_event(db, sid, d->kind, 0, "", c->x.wf, d->note, at)) != XJ_OK)
			goto out;
	}
	if ((rv = xj_xmove_event_now(db, sid, "transfer_in", c->w.recv_school, c->x.wf)) != XJ_OK)
		goto out;
	/* the check at the door (issue 12): a same-ID record here, a same
	 * person, an invalid number open or join a problem group */
	if ((rv = xj_problem_check(db, xj_auth_keys(), ref, sid, "transfer", kinds)) != XJ_OK)
		goto out;
	/* the case is about the record now; its exchange step approved
	 * completes it (the initiator is told, as of every outcome) */
	if ((rv = xj_xmove_set_student(db, c->x.wf, sid)) != XJ_OK)
		goto out;
	c->w.subject_id = sid;
	/* decided in the name of the org that holds the exchange step (our
	 * province), as the rejection above: the record's history names it */
	r->actor_org = c->ex->org;
	if ((rv = xj_wf_approve(db, r, &c->w, c->s, c->n, c->ex->seq, "")) != XJ_OK)
		goto out;
	rv = audit(db, r, "xmove.dossier", "student", sid, c->x.transfer_id);
out:
	explicit_bzero(d->idn, sizeof(d->idn));
	explicit_bzero(bidx_in, sizeof(bidx_in));
	return rv == XJ_E_WF_STEP_DECIDED ? XJ_RETRY : rv;
}
