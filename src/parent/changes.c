/* changes.c -- the family's view of changes to its child's student record
 * (R-MOV-7, issue 11 §5, §6): every workflow case of the record made from
 * one of the family's registrations, with its progress in words -- a
 * transfer's parties as the receiving and sending sides, a status change's
 * (R-MOV-6) as the school and its education bureau, and the status it
 * gave (domain/statusmove.h).
 *   GET /api/parent/v1/registrations/{no}/record-changes   200 {items} | 404
 * No staff names, no org codes: the parties by role ("转出学校") and the
 * schools by name, each step's state and date, a rejection's reason. A
 * registration that has no student record yet answers an empty list. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "domain/statusmove.h"
#include "domain/window.h"
#include "store/keydata.h"
#include "store/registration.h"
#include "store/workflow.h"
#include "parent.h"

#define CASES_MAX	20

static const struct {
	const char	*party, *zh, *en;
} parties[] = {
	{ "receiving_school", "转入学校", "the receiving school" },
	{ "receiving_county", "转入地教育行政部门", "the receiving county's education bureau" },
	{ "sending_school", "转出学校", "the sending school" },
	{ "sending_county", "转出地教育行政部门", "the sending county's education bureau" },
	{ "bureau_above", "上级教育行政部门", "the education bureau above both" },
	{ "exchange", "全国学籍系统", "the national student-record system" },
};

/* A case about the record in its own school (a status change, a problem
 * record's resolution): both school parties are the school, both county
 * parties its county. */
static const struct {
	const char	*party, *zh, *en;
} local_parties[] = {
	{ "receiving_school", "学校", "the school" },
	{ "sending_school", "学校", "the school" },
	{ "receiving_county", "县级教育行政部门", "the county's education bureau" },
	{ "sending_county", "县级教育行政部门", "the county's education bureau" },
	{ "bureau_above", "上级教育行政部门", "the education bureau above the county" },
};

static int
is_transfer(const struct xj_wf_case *w)
{
	return strncmp(w->type, "transfer_", 9) == 0;
}

static const char *
party_word(const struct xj_wf_case *w, const char *party, int en)
{
	if (!is_transfer(w)) {
		for (size_t i = 0; i < sizeof(local_parties) / sizeof(local_parties[0]); i++)
			if (strcmp(local_parties[i].party, party) == 0)
				return en ? local_parties[i].en : local_parties[i].zh;
	}
	for (size_t i = 0; i < sizeof(parties) / sizeof(parties[0]); i++)
		if (strcmp(parties[i].party, party) == 0)
			return en ? parties[i].en : parties[i].zh;
	return en ? "the next party" : "下一环节";
}

/* UTC "YYYY-MM-DD HH:MM:SS" in the one time format of the API, or null */
static void
gen_time(yajl_gen g, const char *key, const char *utc)
{
	char out[26] = "";

	if (utc != NULL)
		xj_datetime_format_db(utc, out);
	xj_gen_str(g, key, out[0] ? out : NULL);
}

static void
progress(const struct xj_wf_case *w, const struct xj_wf_step *s, int n, const char *school,
    char *zh, size_t zn, char *en, size_t enn)
{
	const struct xj_wf_step *cur = NULL, *rej = NULL;
	const struct xj_status_move *m = xj_status_move_by_type(w->type);
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(s[i].state, "open") == 0)
			cur = &s[i];
		if (strcmp(s[i].state, "rejected") == 0)
			rej = &s[i];
	}
	if (strcmp(w->state, "approved") == 0 && is_transfer(w)) {
		snprintf(zh, zn, "%s已办结：学籍已转入%s", w->type_name, school);
		/* a school of another province is no org here: no English name */
		snprintf(en, enn, "completed: the record has moved to %s",
		    w->recv_school ? school : "a school in another province");
	} else if (strcmp(w->state, "approved") == 0 && m != NULL && m->grade_delta != 0) {
		snprintf(zh, zn, "%s已办结：年级已%s一级", w->type_name,
		    m->grade_delta < 0 ? "下调" : "上调");
		snprintf(en, enn, "completed (%s): the grade has moved %s by one",
		    xj_status_move_word(m, 1), m->grade_delta < 0 ? "down" : "up");
	} else if (strcmp(w->state, "approved") == 0 && m != NULL) {
		snprintf(zh, zn, "%s已办结：学籍状态已变更为“%s”", w->type_name, xj_status_word(m->to, 0));
		snprintf(en, enn, "completed (%s): the record's status is now %s",
		    xj_status_move_word(m, 1), xj_status_word(m->to, 1));
	} else if (strcmp(w->state, "approved") == 0) {
		snprintf(zh, zn, "%s已办结", w->type_name);
		snprintf(en, enn, "completed");
	} else if (rej != NULL) {
		snprintf(zh, zn, "%s未获同意：%s不同意（原因：%s）", w->type_name,
		    party_word(w, rej->party, 0), w->reason);
		snprintf(en, enn, "not agreed: %s said no (reason: %s)", party_word(w, rej->party, 1),
		    w->reason);
	} else if (cur != NULL) {
		snprintf(zh, zn, "%s办理中：等待%s审核（第%d步，共%d步）%s", w->type_name,
		    cur->escalations ? party_word(w, "bureau_above", 0) : party_word(w, cur->party, 0),
		    cur->seq, n, cur->escalations ? "，已提请上级督办" : "");
		snprintf(en, enn, "in progress: waiting for %s (step %d of %d)%s",
		    cur->escalations ? party_word(w, "bureau_above", 1) : party_word(w, cur->party, 1),
		    cur->seq, n, cur->escalations ? ", escalated to the bureau above" : "");
	} else {
		snprintf(zh, zn, "%s办理中", w->type_name);
		snprintf(en, enn, "in progress");
	}
}

/* A key-data change (issue 12 item 4) in words: which items of the
 * record, never their values; the parties are the child's school and the
 * bureaus above it. */
static const char *
kd_party(const char *party, int en)
{
	return strcmp(party, "receiving_school") == 0 || strcmp(party, "sending_school") == 0 ?
	    (en ? "the school" : "学校") :
	    strcmp(party, "receiving_county") == 0 || strcmp(party, "sending_county") == 0 ?
	    (en ? "the county's education bureau" : "区县教育行政部门") :
	    (en ? "the education bureau above the county" : "上级教育行政部门");
}

static void
kd_progress(const struct xj_wf_case *w, const struct xj_wf_step *s, int n, const char *items_zh,
    const char *items_en, char *zh, size_t zn, char *en, size_t enn)
{
	const struct xj_wf_step *cur = NULL, *rej = NULL;

	for (int i = 0; i < n; i++) {
		if (strcmp(s[i].state, "open") == 0)
			cur = &s[i];
		if (strcmp(s[i].state, "rejected") == 0)
			rej = &s[i];
	}
	if (strcmp(w->state, "approved") == 0) {
		snprintf(zh, zn, "%s已办结：学籍中的%s已按申请更正", w->type_name, items_zh);
		snprintf(en, enn, "completed: the record's %s corrected as applied for", items_en);
	} else if (rej != NULL) {
		snprintf(zh, zn, "%s未获同意：%s不同意更正%s（原因：%s），学籍信息未改变", w->type_name,
		    kd_party(rej->party, 0), items_zh, w->reason);
		snprintf(en, enn, "not agreed: %s did not agree to correct the %s (reason: %s); the record is unchanged",
		    kd_party(rej->party, 1), items_en, w->reason);
	} else if (cur != NULL) {
		snprintf(zh, zn, "%s办理中：申请更正%s，等待%s审核（第%d步，共%d步）", w->type_name,
		    items_zh, kd_party(cur->party, 0), cur->seq, n);
		snprintf(en, enn, "in progress: a correction of the %s, waiting for %s (step %d of %d)",
		    items_en, kd_party(cur->party, 1), cur->seq, n);
	} else {
		snprintf(zh, zn, "%s办理中", w->type_name);
		snprintf(en, enn, "in progress");
	}
}

/* The case's receiving school; a school of another province (a
 * cross-province move on the sending side, issue 13 item 7) is no org of
 * this deployment: named by what it is. */
static int
receiving_school(struct xj_db *db, const struct xj_wf_case *w, struct xj_wf_org *o)
{
	if (w->recv_school != 0)
		return xj_wf_org(db, w->recv_school, o);
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", "外省学校");
	return XJ_OK;
}

struct view {
	struct xj_wf_case	 w;
	struct xj_wf_step	 s[XJ_WF_MAX_STEPS];
	struct xj_wf_org	 to;
	char			 zh[1200], en[1200];
	char			 items_zh[400], items_en[600];
};

int
xj_parent_record_changes(struct xj_req *r)
{
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct view *v = xj_calloc(r->arena, 1, sizeof(*v));
	unsigned long long student = 0, ids[CASES_MAX];
	int rc, n = 0, ns, i, j, kd;
	yajl_gen g;

	if (rec == NULL || v == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	rc = xj_wf_student_of_registration(r->db, rec->id, &student);
	if (rc != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	if (rc == XJ_OK && (rc = xj_wf_by_subject(r->db, student, ids, CASES_MAX, &n)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++) {
		if ((rc = xj_wf_get(r->db, ids[i], &v->w)) != XJ_OK ||
		    (rc = xj_wf_steps(r->db, ids[i], v->s, &ns)) != XJ_OK ||
		    (rc = receiving_school(r->db, &v->w, &v->to)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
		kd = strcmp(v->w.type, "key_data_change") == 0;
		if (kd) {
			if ((rc = xj_kd_words(r->db, v->w.id, v->items_zh, sizeof(v->items_zh),
			    v->items_en, sizeof(v->items_en))) != XJ_OK)
				return rc;
			kd_progress(&v->w, v->s, ns, v->items_zh, v->items_en, v->zh, sizeof(v->zh),
			    v->en, sizeof(v->en));
		} else
			progress(&v->w, v->s, ns, v->to.name, v->zh, sizeof(v->zh), v->en,
			    sizeof(v->en));
		yajl_gen_map_open(g);
		xj_gen_int(g, "id", (long long)v->w.id);
		xj_gen_str(g, "type", v->w.type);
		xj_gen_str(g, "type_name", v->w.type_name);
		xj_gen_str(g, "state", v->w.state);
		xj_gen_str(g, "receiving_school", v->to.name);
		xj_gen_str(g, "progress", v->zh);
		xj_gen_str(g, "progress_en", v->en);
		gen_time(g, "started_at", v->w.started_at);
		gen_time(g, "closed_at", v->w.closed_at[0] ? v->w.closed_at : NULL);
		xj_gen_key(g, "steps");
		yajl_gen_array_open(g);
		for (j = 0; j < ns; j++) {
			yajl_gen_map_open(g);
			xj_gen_int(g, "seq", v->s[j].seq);
			xj_gen_str(g, "party", v->s[j].party);
			xj_gen_str(g, "party_name", kd ? kd_party(v->s[j].party, 0) :
			    party_word(&v->w, v->s[j].party, 0));
			xj_gen_str(g, "state", v->s[j].state);
			gen_time(g, "decided_at", v->s[j].decided_at[0] ? v->s[j].decided_at : NULL);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
