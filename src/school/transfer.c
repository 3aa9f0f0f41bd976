/* transfer.c -- transfers (转学, R-MOV-1, 2, 4; issue 11 §5) on the
 * workflow engine (school/workflow.c):
 *   POST /api/school/v1/transfers   {student_no, name, class_code?}
 *        201 the case | 403 | 409 | 422
 * The receiving school starts a case by the student's name and national
 * (or temporary) number. Refusals mirror the national system: 2001 the
 * name and number do not match a record (also: no record has that
 * number -- the same answer, so the form is no oracle for numbers; ten
 * of them within ten minutes stop the account's starts for a while),
 * 2002 business in progress, 2003 a problem record. Only an in-school
 * student can move; closed schools (R-ORG-5) start and receive nothing;
 * a province's freeze (issue 11 §7) refuses new cases. The chain is the
 * workflow type of the two schools' relation: same county, same province,
 * or other province (its exchange step is not connected: refused). When
 * the last party approves, the effect "transfer_pull" moves the record
 * (调档, R-MOV-4): school and class change in the student row, the entry
 * year stays (R-REC-4), the case stays as the history, and the sending
 * school gets a notice. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "auth/readaudit.h"
#include "store/audit.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/classcode.h"
#include "domain/studentno.h"
#include "store/student.h"
#include "store/workflow.h"
#include "school.h"
#include "workflow.h"

/* Refusals 2001 an account may collect within GUESS_WINDOW seconds before
 * its starts are refused (429): as the applicant check's wrong forms
 * (review M5), enough for typos at a counter, far too few to find a
 * student's number by trying (its birth date and sequence digits). */
#define GUESS_FAILS	10
#define GUESS_WINDOW	600

struct start_in {
	struct xj_str	 student_no;
	struct xj_str	 name;
	struct xj_str	 class_code;
	/* issue 13 item 7: a student of another province (school/xmove.c) */
	struct xj_str	 from_school, from_county, reason;
};

static const struct xj_field start_fields[] = {
	{ "student_no", XJ_F_STR, XJ_REQ, 19, 19, xj_studentno_validate, offsetof(struct start_in, student_no), NULL, 0, 0, 0 },
	{ "name", XJ_F_STR, XJ_REQ, 1, 64, NULL, offsetof(struct start_in, name), NULL, 0, 0, 0 },
	{ "class_code", XJ_F_STR, XJ_OPT, 7, 7, xj_classcode_check, offsetof(struct start_in, class_code), NULL, 0, 0, 0 },
	{ "from_school", XJ_F_STR, XJ_OPT, 10, 10, xj_xmove_check_school, offsetof(struct start_in, from_school), NULL, 0, 0, 0 },
	{ "from_county", XJ_F_STR, XJ_OPT, 6, 6, xj_xmove_check_county, offsetof(struct start_in, from_county), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_OPT, 0, 200, NULL, offsetof(struct start_in, reason), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

/* Everything the start resolved before its transaction. */
struct start {
	struct xj_req		*r;
	struct xj_wf_student	 st;
	struct xj_wf_org	 rs, ss, rc, sc, above;
	char			 type[33];
	char			 variant[7];
	struct xj_wf_def	 defs[XJ_WF_MAX_STEPS];
	int			 n;
	unsigned		 target_class;
	unsigned long long	 id;
};

/* The lowest common bureau of two counties (R-ORG-6): the longest
 * common prefix of their paths that ends at a component. */
static int
common_bureau(struct xj_db *db, const char *a, const char *b, struct xj_wf_org *out)
{
	char path[129];
	size_t i, cut = 0;
	unsigned id;
	int rc;

	for (i = 0; a[i] && a[i] == b[i] && i < sizeof(path) - 1; i++)
		if (a[i] == '/')
			cut = i + 1;
	memcpy(path, a, cut);
	path[cut] = '\0';
	if ((rc = xj_wf_org_by_path(db, path, &id)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	return xj_wf_org(db, id, out);
}

static int
start_tx(struct xj_db *db, void *arg)
{
	struct start *t = arg;
	struct xj_wf_parties p = { &t->rs, &t->rc, &t->ss, &t->sc, &t->above };
	struct xj_wf_new w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.type = t->type;
	w.variant = t->variant;
	w.subject_id = t->st.id;
	w.initiator = t->rs.id;
	w.target_class = t->target_class;
	w.started_by = t->r->actor_id;
	/* a problem flag set since the check outside: read again in here */
	if ((rc = xj_wf_problem_record(db, t->st.id)) < 0)
		return rc;
	if (rc == 1)
		return XJ_E_TRANSFER_PROBLEM;
	rc = xj_wf_start(db, t->r, &w, t->defs, t->n, &p, "transfer.start", &t->id);
	return rc == XJ_E_CONFLICT ? XJ_E_TRANSFER_BUSY : rc;
}

/* Same name as the record's, ignoring surrounding blanks. */
static int
name_matches(const char *rec, struct xj_str typed)
{
	while (typed.len && (typed.p[0] == ' ' || typed.p[0] == '\t'))
		typed.p++, typed.len--;
	while (typed.len && (typed.p[typed.len - 1] == ' ' || typed.p[typed.len - 1] == '\t'))
		typed.len--;
	return strlen(rec) == typed.len && memcmp(rec, typed.p, typed.len) == 0;
}

/* The account's refusals 2001 within the window: its own here (below,
 * audited at once) and the other provinces' answers to the cases it
 * started (exchange/xrecv.c audits them in its name when they arrive).
 * XJ_OK, or 429 lookup_limited with Retry-After. */
int
xj_transfer_guesses(struct xj_req *r)
{
	long long fails = 0;
	char retry[16];
	int rc;

	if ((rc = xj_audit_count_recent(r->db, XJ_ACTOR_STAFF, r->actor_id,
	    "transfer.refused_2001", GUESS_WINDOW, &fails)) != XJ_OK)
		return rc;
	if (fails >= GUESS_FAILS) {
		snprintf(retry, sizeof(retry), "%d", GUESS_WINDOW);
		xj_resp_header(r, "Retry-After", retry);
		return XJ_E_LOOKUP_LIMITED;
	}
	return XJ_OK;
}

static int
frozen(struct xj_db *db, const char *province, const char *today)
{
	char until[XJ_WF_DATE];
	int f, rc;

	if ((rc = xj_wf_frozen(db, province, today, &f, until)) != XJ_OK)
		return rc;
	return f ? XJ_E_TRANSFER_FROZEN : XJ_OK;
}

int
xj_school_transfer_start(struct xj_req *r)
{
	struct start *t = xj_calloc(r->arena, 1, sizeof(*t));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct start_in in;
	char no[20], today[XJ_WF_DATE], rprov[7], sprov[7];
	int rc, i;

	if (t == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, start_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	/* the other province's school and county come together */
	if (in.from_school.p != NULL && in.from_county.p == NULL)
		xj_ferr_add(&fe, r->arena, "from_county", XJ_E_F_REQUIRED);
	if (in.from_county.p != NULL && in.from_school.p == NULL)
		xj_ferr_add(&fe, r->arena, "from_school", XJ_E_F_REQUIRED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	t->r = r;
	if (in.from_county.p != NULL) {
		/* a student who is no record of ours, or one of ours who left
		 * for another province (status transferred): the cross-province
		 * chain (school/xmove.c); the sending side checks the name and
		 * number (R-MOV-2). A record of ours in school keeps today's
		 * rules below. */
		struct xj_xmove_claim *c = xj_calloc(r->arena, 1, sizeof(*c));
		if (c == NULL)
			return XJ_E_TOO_COMPLEX;
		snprintf(c->student_no, sizeof(c->student_no), "%.*s", (int)in.student_no.len,
		    in.student_no.p);
		rc = xj_wf_student_by_no(r->db, c->student_no, &t->st);
		if (rc != XJ_OK && rc != XJ_NO_ROW)
			return rc;
		if (rc == XJ_NO_ROW || strcmp(t->st.status, "transferred") == 0) {
			c->local_id = rc == XJ_OK ? t->st.id : 0;
			snprintf(c->name, sizeof(c->name), "%.*s", (int)in.name.len, in.name.p);
			xj_xmove_trim(c->name);
			snprintf(c->from_school, sizeof(c->from_school), "%.*s",
			    (int)in.from_school.len, in.from_school.p);
			snprintf(c->from_county, sizeof(c->from_county), "%.*s",
			    (int)in.from_county.len, in.from_county.p);
			if (in.reason.p != NULL)
				snprintf(c->reason, sizeof(c->reason), "%.*s", (int)in.reason.len,
				    in.reason.p);
			if (in.class_code.p != NULL)
				snprintf(c->class_code, sizeof(c->class_code), "%.*s",
				    (int)in.class_code.len, in.class_code.p);
			return xj_xmove_start(r, c);
		}
	}
	if ((rc = xj_wf_org(r->db, a.org.id, &t->rs)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_FORBIDDEN : rc;
	if (t->rs.closed)
		return XJ_E_SCHOOL_CLOSED;
	if ((rc = xj_transfer_guesses(r)) != XJ_OK)
		return rc;
	snprintf(no, sizeof(no), "%.*s", (int)in.student_no.len, in.student_no.p);
	rc = xj_wf_student_by_no(r->db, no, &t->st);
	if (rc == XJ_NO_ROW || (rc == XJ_OK && !name_matches(t->st.name, in.name))) {
		/* recorded, so that trying shows in the trail and counts against
		 * the account (above); never the typed number: a national
		 * number G carries the identity number */
		char sid[24];
		snprintf(sid, sizeof(sid), "%llu", rc == XJ_OK ? t->st.id : 0ULL);
		if ((rc = xj_audit_read(r, "transfer.refused_2001", "student", sid, NULL, 0)) != XJ_OK)
			return rc;
		return xj_resp_error(r, XJ_E_TRANSFER_MISMATCH, "student_no");
	}
	if (rc != XJ_OK)
		return rc;
	if (t->st.school_org_id == t->rs.id)
		return XJ_E_TRANSFER_SAME_SCHOOL;
	if (strcmp(t->st.status, "in_school") != 0)
		return XJ_E_STUDENT_NOT_IN_SCHOOL;
	if ((rc = xj_wf_problem_record(r->db, t->st.id)) < 0)
		return rc;
	if (rc == 1)
		return XJ_E_TRANSFER_PROBLEM;
	if ((rc = xj_wf_org(r->db, t->st.school_org_id, &t->ss)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (t->ss.closed)
		return XJ_E_SCHOOL_CLOSED;
	if ((rc = xj_wf_org(r->db, t->rs.county_id, &t->rc)) != XJ_OK ||
	    (rc = xj_wf_org(r->db, t->ss.county_id, &t->sc)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	xj_wf_province_of(t->rs.path, rprov);
	xj_wf_province_of(t->ss.path, sprov);
	xj_wf_today(today);
	if ((rc = frozen(r->db, rprov, today)) != XJ_OK ||
	    (strcmp(rprov, sprov) != 0 && (rc = frozen(r->db, sprov, today)) != XJ_OK))
		return rc;
	snprintf(t->type, sizeof(t->type), "%s", t->rc.id == t->sc.id ? "transfer_county" :
	    strcmp(rprov, sprov) == 0 ? "transfer_province" : "transfer_national");
	/* the chain in force where the student is received */
	if ((rc = xj_wf_type(r->db, t->type, rprov, t->variant, t->defs, &t->n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	for (i = 0; i < t->n; i++)
		if (t->defs[i].by_exchange || strcmp(t->defs[i].party, "exchange") == 0)
			return XJ_E_WF_EXCHANGE;
	if ((rc = common_bureau(r->db, t->rc.path, t->sc.path, &t->above)) != XJ_OK)
		return rc;
	if (in.class_code.p != NULL) {
		struct xj_class cl;
		char code[8];
		snprintf(code, sizeof(code), "%.*s", (int)in.class_code.len, in.class_code.p);
		rc = xj_class_by_code(r->db, t->rs.id, code, &cl);
		if (rc != XJ_OK && rc != XJ_NO_ROW)
			return rc;
		if (rc == XJ_NO_ROW || cl.entry_year != t->st.entry_year || cl.level != t->st.level) {
			xj_ferr_add(&fe, r->arena, "class_code",
			    rc == XJ_NO_ROW ? XJ_E_F_CODE : XJ_E_F_CLASS_MISMATCH);
			return xj_resp_ferrs(r, &fe);
		}
		t->target_class = cl.id;
	}
	if ((rc = xj_tx_run(r->db, start_tx, t)) != XJ_OK)
		return rc;
	return xj_wf_answer(r, t->id, 201);
}

/* The effect of the chain's last approval (R-MOV-4), in its transaction. */
int
xj_transfer_pull(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w)
{
	struct xj_wf_org to;
	char status[17], id[24];
	unsigned version;
	int rc;

	if ((rc = xj_student_lock(db, w->subject_id, &version, status)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (strcmp(status, "in_school") != 0)
		return XJ_E_STUDENT_NOT_IN_SCHOOL;
	if ((rc = xj_wf_org(db, w->recv_school, &to)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (to.closed)
		return XJ_E_SCHOOL_CLOSED;
	if ((rc = xj_wf_student_move(db, w->subject_id, w->recv_school, w->target_class,
	    version)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	if ((rc = xj_wf_notice(db, w->send_school, w->id, 0, "transferred_out")) != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%llu", w->subject_id);
	return xj_school_audit(db, r, "student.transfer", "student", id, xj_str_c(to.code));
}
