/* xmove.c -- cross-province moves, the receiving side (issue 13 item 7;
 * R-MOV-1's third chain, R-MOV-4, R-MOV-5, R-MOV-7; docs/architecture.md
 * "Cross-province moves: the receiving side"):
 *   POST /api/school/v1/transfers {student_no, name, from_school,
 *        from_county, reason?, class_code?}: a student who is no record
 *        of ours (or one of ours who left for another province, status
 *        transferred) from a county of another province: chain
 *        transfer_national (transfer.c hands it here);
 *   POST /api/school/v1/graduate-moves {student_no, name, from_school,
 *        from_county, graduation_year, reason?, class_code?}: R-MOV-5,
 *        chain graduate_move_in, only while the province's window is
 *        open (xuejictl graduate-move-window).
 * A school may have at most [transfer] xprovince_unanswered_max of these
 * open and not yet answered by the other side: the next start answers 429
 * transfer_unanswered_limit (xstart_tx; docs/security.md "Guessing across
 * provinces counts too").
 * Both chains are receiving school -> receiving county -> exchange. The
 * county's approval (effect xmove_request) writes the TransferRequest /
 * GraduateMove in its transaction and queues it for the jobs runner's
 * signing job (store/outbox.h xj_xoutbox_queue, ctl/exchangesign.c: the
 * workers facing schools hold no exchange key). The other side's
 * TransferDecisions are the case's progress and its Dossier completes the
 * case (exchange/xrecv.c). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/classcode.h"
#include "domain/studentno.h"
#include "domain/window.h"
#include "exchange/xmovew.h"
#include "exchange/xqueue.h"
#include "store/outbox.h"
#include "store/refdata.h"
#include "store/student.h"
#include "store/workflow.h"
#include "store/xmove.h"
#include "school.h"
#include "workflow.h"

int
xj_xmove_chain(const char *type)
{
	return strcmp(type, "transfer_national") == 0 || strcmp(type, "graduate_move_in") == 0;
}

struct xstart {
	struct xj_req		*r;
	struct xj_wf_org	 rs, rc, prov, none;
	char			 type[33];
	char			 variant[7];
	struct xj_wf_def	 defs[XJ_WF_MAX_STEPS];
	int			 n;
	unsigned		 target_class;
	unsigned long long	 subject;
	struct xj_xmove		 x;
	unsigned long long	 id;
};

static int
xstart_tx(struct xj_db *db, void *arg)
{
	struct xstart *t = arg;
	struct xj_wf_parties p = { &t->rs, &t->rc, &t->none, &t->none, &t->prov };
	struct xj_wf_new w;
	long long pending;
	int rc, cap = xj_school_conf->xprovince_unanswered_max;

	/* the school's requests still waiting for the other side's answer:
	 * its 2001 answers count against the starter only when they arrive
	 * (xj_transfer_guesses), so a burst before them is bounded here.
	 * First statement of the transaction: the org row's lock makes two
	 * starts of the school at the edge queue, the second counts the
	 * first's case (docs/security.md "Guessing across provinces") */
	if (cap > 0) {
		if ((rc = xj_xmove_unanswered_locked(db, t->rs.id, &pending)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
		if (pending >= cap)
			return XJ_E_XMOVE_UNANSWERED_LIMIT;
	}
	memset(&w, 0, sizeof(w));
	w.type = t->type;
	w.variant = t->variant;
	w.subject_id = t->subject;
	w.initiator = t->rs.id;
	w.target_class = t->target_class;
	w.started_by = t->r->actor_id;
	rc = xj_wf_start(db, t->r, &w, t->defs, t->n, &p, strcmp(t->x.kind, "transfer") == 0 ?
	    "transfer.start" : "graduate_move.start", &t->id);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_TRANSFER_BUSY : rc;
	/* the id every hop carries (SHARED contract) */
	t->x.wf = t->id;
	snprintf(t->x.transfer_id, sizeof(t->x.transfer_id), "%s-%c%llu",
	    xj_school_conf->exchange_org_code, strcmp(t->x.kind, "transfer") == 0 ? 'T' : 'M',
	    t->id);
	rc = xj_xmove_insert(db, &t->x);
	return rc == XJ_E_CONFLICT ? XJ_E_INTERNAL : rc;
}

int
xj_xmove_start(struct xj_req *r, const struct xj_xmove_claim *c)
{
	struct xstart *t = xj_calloc(r->arena, 1, sizeof(*t));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	const struct xj_refdata *ref;
	char rprov[7], fprov[7], today[XJ_WF_DATE], path[16];
	unsigned prov_id;
	int rc, i, open;

	if (t == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if (xj_school_conf == NULL || xj_school_conf->exchange_org_code[0] == '\0')
		return XJ_E_X_UNAVAILABLE;
	t->r = r;
	t->subject = c->local_id ? c->local_id : xj_xmove_subject(c->student_no);
	if (t->subject == 0)
		return XJ_E_INTERNAL;	/* validated by the form */
	if ((rc = xj_wf_org(r->db, a.org.id, &t->rs)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_FORBIDDEN : rc;
	if (t->rs.closed)
		return XJ_E_SCHOOL_CLOSED;
	/* the other side's 2001 answers count against this account, as
	 * local ones do: a number of another province is not found by trying */
	if ((rc = xj_transfer_guesses(r)) != XJ_OK)
		return rc;
	if ((rc = xj_wf_org(r->db, t->rs.county_id, &t->rc)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	xj_wf_province_of(t->rs.path, rprov);
	/* the other party is a county of another province, one of the
	 * national list (reference data) */
	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	snprintf(fprov, sizeof(fprov), "%.2s0000", c->from_county);
	/* the exchange's Name is one run without blanks (types.xsd): a
	 * name it cannot carry is refused here, not by the ministry */
	if (strpbrk(c->name, " \t\r\n") != NULL || c->name[0] == '\0')
		xj_ferr_add(&fe, r->arena, "name", XJ_E_F_FORMAT);
	if (xj_ref_division(ref, c->from_county) == NULL)
		xj_ferr_add(&fe, r->arena, "from_county", XJ_E_F_UNKNOWN_DIVISION);
	else if (strcmp(fprov, rprov) == 0)
		xj_ferr_add(&fe, r->arena, "from_county", XJ_E_F_XMOVE_SAME_PROVINCE);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	snprintf(path, sizeof(path), "/%s/", rprov);
	if ((rc = xj_wf_org_by_path(r->db, path, &prov_id)) != XJ_OK ||
	    (rc = xj_wf_org(r->db, prov_id, &t->prov)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	xj_wf_today(today);
	if (c->graduation_year == 0) {
		int f;
		char until[XJ_WF_DATE];
		if ((rc = xj_wf_frozen(r->db, rprov, today, &f, until)) != XJ_OK)
			return rc;
		if (f)
			return XJ_E_TRANSFER_FROZEN;
	} else {
		if ((rc = xj_gmw_open(r->db, rprov, today, &open)) != XJ_OK)
			return rc;
		if (!open)
			return XJ_E_XMOVE_WINDOW_CLOSED;
	}
	snprintf(t->type, sizeof(t->type), "%s", c->graduation_year ? "graduate_move_in" :
	    "transfer_national");
	if ((rc = xj_wf_type(r->db, t->type, rprov, t->variant, t->defs, &t->n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	/* this deployment plays the receiving parties and hands the rest to
	 * the exchange: a province's variant naming a sending party here
	 * cannot run (those orgs are not ours) */
	for (i = 0; i < t->n; i++)
		if (strcmp(t->defs[i].party, "receiving_school") != 0 &&
		    strcmp(t->defs[i].party, "receiving_county") != 0 &&
		    strcmp(t->defs[i].party, "exchange") != 0)
			return XJ_E_WF_EXCHANGE;
	if (c->class_code[0]) {
		struct xj_class cl;
		rc = xj_class_by_code(r->db, t->rs.id, c->class_code, &cl);
		if (rc != XJ_OK && rc != XJ_NO_ROW)
			return rc;
		if (rc == XJ_NO_ROW) {
			xj_ferr_add(&fe, r->arena, "class_code", XJ_E_F_CODE);
			return xj_resp_ferrs(r, &fe);
		}
		t->target_class = cl.id;
	}
	snprintf(t->x.kind, sizeof(t->x.kind), "%s", c->graduation_year ? "graduate" : "transfer");
	snprintf(t->x.student_no, sizeof(t->x.student_no), "%s", c->student_no);
	snprintf(t->x.name, sizeof(t->x.name), "%s", c->name);
	snprintf(t->x.from_school, sizeof(t->x.from_school), "%s", c->from_school);
	snprintf(t->x.from_county, sizeof(t->x.from_county), "%s", c->from_county);
	snprintf(t->x.to_school, sizeof(t->x.to_school), "%s", t->rs.code);
	snprintf(t->x.to_county, sizeof(t->x.to_county), "%s", t->rc.code);
	snprintf(t->x.reason, sizeof(t->x.reason), "%s", c->reason);
	t->x.graduation_year = c->graduation_year;
	t->none.path[0] = '\0';
	if ((rc = xj_tx_run(r->db, xstart_tx, t)) != XJ_OK)
		return rc;
	return xj_wf_answer(r, t->id, 201);
}

/* ---- POST /api/school/v1/graduate-moves (R-MOV-5) ------------------------ */

struct gm_in {
	struct xj_str	 student_no, name, from_school, from_county, reason, class_code;
	struct xj_num	 year;
};

static int
school_code_check(struct xj_str s)
{
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_F_FORMAT;
	return s.len == 10 ? XJ_OK : XJ_E_F_FORMAT;
}

static int
county_code_check(struct xj_str s)
{
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_F_FORMAT;
	return s.len == 6 ? XJ_OK : XJ_E_F_FORMAT;
}

int	xj_xmove_check_school(struct xj_str s) { return school_code_check(s); }
int	xj_xmove_check_county(struct xj_str s) { return county_code_check(s); }

static const struct xj_field gm_fields[] = {
	{ "student_no", XJ_F_STR, XJ_REQ, 19, 19, xj_studentno_validate, offsetof(struct gm_in, student_no), NULL, 0, 0, 0 },
	{ "name", XJ_F_STR, XJ_REQ, 1, 64, NULL, offsetof(struct gm_in, name), NULL, 0, 0, 0 },
	{ "from_school", XJ_F_STR, XJ_REQ, 10, 10, school_code_check, offsetof(struct gm_in, from_school), NULL, 0, 0, 0 },
	{ "from_county", XJ_F_STR, XJ_REQ, 6, 6, county_code_check, offsetof(struct gm_in, from_county), NULL, 0, 0, 0 },
	{ "graduation_year", XJ_F_INT, XJ_REQ, 2000, 2100, NULL, offsetof(struct gm_in, year), NULL, 0, 0, 0 },
	{ "reason", XJ_F_STR, XJ_OPT, 0, 200, NULL, offsetof(struct gm_in, reason), NULL, 0, 0, 0 },
	{ "class_code", XJ_F_STR, XJ_OPT, 7, 7, xj_classcode_check, offsetof(struct gm_in, class_code), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static void
cp(char *out, size_t cap, struct xj_str s)
{
	snprintf(out, cap, "%.*s", s.p ? (int)s.len : 0, s.p ? s.p : "");
}

/* the name as the record would hold it: no blanks around it */
void
xj_xmove_trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

int
xj_school_graduate_move_start(struct xj_req *r)
{
	struct xj_xmove_claim *c = xj_calloc(r->arena, 1, sizeof(*c));
	struct xj_ferrs fe = { 0 };
	struct xj_wf_student st;
	struct gm_in in;
	int rc;

	if (c == NULL)
		return XJ_E_TOO_COMPLEX;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, gm_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	cp(c->student_no, sizeof(c->student_no), in.student_no);
	cp(c->name, sizeof(c->name), in.name);
	xj_xmove_trim(c->name);
	cp(c->from_school, sizeof(c->from_school), in.from_school);
	cp(c->from_county, sizeof(c->from_county), in.from_county);
	cp(c->reason, sizeof(c->reason), in.reason);
	cp(c->class_code, sizeof(c->class_code), in.class_code);
	c->graduation_year = (int)in.year.v;
	/* a number of ours: only a record that left for another province
	 * (status transferred) comes back this way */
	rc = xj_wf_student_by_no(r->db, c->student_no, &st);
	if (rc == XJ_OK) {
		if (strcmp(st.status, "transferred") != 0)
			return XJ_E_XMOVE_RECORD_HERE;
		c->local_id = st.id;
	} else if (rc != XJ_NO_ROW)
		return rc;
	return xj_xmove_start(r, c);
}

/* ---- the effect xmove_request: the receiving county approved ------------ */

int
xj_xmove_request(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w)
{
	struct xj_xmove *x = xj_calloc(r->arena, 1, sizeof(*x));
	struct xj_xqueued q;
	int rc;

	if (x == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_xmove_get(db, w->id, x)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if ((rc = xj_xqueued_begin(&q, xj_school_conf->exchange_org_code, 'x',
	    xj_xmove_msg_type(x), NULL)) != XJ_OK)
		return rc;
	/* the message and the mark that it is sent: one transaction, the
	 * approval's; the signing job moves it into the outbox */
	if ((rc = xj_xqueued_end(db, &q, xj_xmove_write(q.w, x) == 0)) != XJ_OK)
		return rc;
	rc = xj_xmove_sent(db, w->id, q.mid);
	if (rc == XJ_E_CONFLICT || rc == XJ_NO_ROW)
		rc = XJ_E_INTERNAL;
	return rc;
}

/* ---- the case view: what the exchange brought (R-MOV-7) ------------------ */

int
xj_xmove_gen_detail(yajl_gen g, struct xj_req *r, const struct xj_wf_case *w)
{
	struct xj_xmove *x = xj_calloc(r->arena, 1, sizeof(*x));
	struct xj_xmove_decision *d = xj_calloc(r->arena, XJ_XMOVE_DECISIONS_MAX, sizeof(*d));
	int rc, n;

	if (x == NULL || d == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_xmove_get(r->db, w->id, x)) == XJ_NO_ROW)
		return XJ_OK;	/* a case of the type from before 0033 */
	if (rc != XJ_OK || (rc = xj_xmove_decisions(r->db, w->id, d, &n)) != XJ_OK)
		return rc;
	xj_gen_key(g, "exchange");
	yajl_gen_map_open(g);
	/* the sending side's case names the receiving parties, this one the
	 * sending parties (exchange/xsend.c's detail, the same member) */
	xj_gen_str(g, "transfer_id", x->transfer_id);
	xj_gen_str(g, "kind", strcmp(x->kind, "graduate") == 0 ? "graduate_move" : "transfer");
	xj_gen_str(g, "sending_school_code", x->from_school);
	xj_gen_str(g, "sending_county_code", x->from_county);
	xj_gen_str(g, "reason", x->reason[0] ? x->reason : NULL);
	xj_gen_str(g, "requested_at", x->requested);
	if (x->graduation_year)
		xj_gen_int(g, "graduation_year", x->graduation_year);
	else
		xj_gen_null(g, "graduation_year");
	xj_gen_str(g, "request", x->request);
	if (x->student_id)
		xj_gen_int(g, "student_id", (long long)x->student_id);
	else
		xj_gen_null(g, "student_id");
	xj_gen_key(g, "decisions");
	yajl_gen_array_open(g);
	for (int i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		xj_gen_str(g, "step", d[i].step);
		xj_gen_str(g, "decision", d[i].decision);
		xj_gen_str(g, "refusal_code", d[i].code[0] ? d[i].code : NULL);
		xj_gen_str(g, "reason", d[i].reason[0] ? d[i].reason : NULL);
		xj_gen_str(g, "decided_at", d[i].decided);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return XJ_OK;
}

/* The sending school's code of a case whose sending school is not an
 * org of ours (the history of a record that arrived). */
int
xj_xmove_from_code(struct xj_db *db, unsigned long long wf, char code[13])
{
	struct xj_xmove x;
	int rc;

	if ((rc = xj_xmove_get(db, wf, &x)) != XJ_OK)
		return rc;
	snprintf(code, 13, "%s", x.from_school);
	return XJ_OK;
}
