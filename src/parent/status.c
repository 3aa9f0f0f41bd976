/* status.c -- GET /api/parent/v1/registrations/{no}/status (issue 3 §5):
 * where the registration stands, in words a parent understands, with the
 * time of each step: registered -> identity verified by public security,
 * or for a child without a document number (type Z, R-COL-7) by the
 * district's check of the no-ID certificate (or sent back) ->
 * five-certificate review (non-local families) -> form printable ->
 * school accepted -> district approved -> admitted; and the full history. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/err.h"
#include "core/bind.h"
#include "domain/prereg.h"
#include "core/req.h"
#include "domain/regstate.h"
#include "store/refdata.h"
#include "store/registration.h"
#include "parent.h"
#include "regview.h"

/* History events in plain words. */
static const struct {
	const char *event, *zh, *en;
} words[] = {
	{ "registered", "提交登记", "registration submitted" },
	{ "psb_match", "公安部门核验身份信息一致", "public security confirmed the identity data" },
	{ "psb_mismatch", "公安部门核验发现信息不一致，请核对后修改", "public security found data that differs: please check and correct it" },
	{ "psb_not_found", "公安部门未查到该儿童的身份信息，登记无效", "public security has no such person: the registration is void" },
	{ "corrected", "修改了登记信息，重新核验身份", "data corrected; identity check starts again" },
	{ "certs_submitted", "提交五证材料，等待区教委审核", "five certificates submitted for district review" },
	{ "certs_approved", "五证审核通过，已开具就读证明", "five certificates approved; study permit issued" },
	{ "certs_rejected", "五证审核未通过", "five certificates refused" },
	{ "cancel", "撤销了登记", "registration cancelled" },
	{ "school_tick", "学校已确认接收", "a school accepted the child" },
	{ "school_untick", "学校撤回了接收确认", "the school withdrew its acceptance" },
	{ "district_approve", "区教委已审批", "the district approved the admission" },
	{ "admit", "已录取，学校已发放入学通知", "admitted; the school issued the admission notice" },
	{ "district_change_requested", "申请变更登记区", "change of district requested" },
	{ "district_change_approved", "变更登记区已批准，原信息采集表作废", "change of district approved; the old form is void" },
	{ "noid_verified", "区教委核验无身份证明通过", "the district verified the no-ID certificate" },
	{ "noid_rejected", "区教委核验无身份证明未通过，请按说明修改或补充身份证件", "the district did not accept the no-ID certificate: please correct the data or supply an identity document as it explains" },
	/* review H1: the detail holds the reason */
	{ "county_void", "区教育行政部门已将本次登记作废，信息采集表无效", "the district education bureau voided this registration: its form no longer counts" },
	{ "mismatch_expired", "身份信息逾期未更正，本次登记作废", "the identity data were not corrected in time: this registration is void" },
};

static const char *
word(const char *event, int en)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].event, event) == 0)
			return en ? words[i].en : words[i].zh;
	return event;
}

struct hist {
	struct xj_reg_event_row	 e[64];
	size_t			 n;
};

static void
collect(const struct xj_reg_event_row *row, void *arg)
{
	struct hist *h = arg;
	size_t max = 0;

	if (h->n < sizeof(h->e) / sizeof(h->e[0])) {
		h->e[h->n++] = *row;
		return;
	}
	/* full (a history longer than any real one): keep the oldest, as
	 * the rows come in no particular order */
	for (size_t i = 1; i < h->n; i++)
		if (h->e[i].id > h->e[max].id)
			max = i;
	if (row->id < h->e[max].id)
		h->e[max] = *row;
}

static int
by_id(const void *a, const void *b)
{
	const struct xj_reg_event_row *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Time of the last event named ev (or reaching state st), "" if none. */
static const char *
when(const struct hist *h, const char *ev, const char *st)
{
	for (size_t i = h->n; i-- > 0;)
		if ((ev && strcmp(h->e[i].event, ev) == 0) || (st && strcmp(h->e[i].state, st) == 0))
			return h->e[i].at;
	return "";
}

/* Time identity was verified: by public security, or for a child without
 * a document number by the district (R-COL-7); the later one counts. */
static const char *
when_verified(const struct hist *h)
{
	for (size_t i = h->n; i-- > 0;)
		if (strcmp(h->e[i].event, xj_reg_event_name(XJ_REV_PSB_MATCH)) == 0 ||
		    strcmp(h->e[i].event, xj_reg_event_name(XJ_REV_NOID_VERIFIED)) == 0)
			return h->e[i].at;
	return "";
}

static void
step(yajl_gen g, const char *name, const char *zh, const char *en, int done,
    int current, const char *at)
{
	char t[26] = "";

	yajl_gen_map_open(g);
	xj_gen_str(g, "step", name);
	xj_gen_str(g, "zh", zh);
	xj_gen_str(g, "en", en);
	xj_gen_str(g, "status", done ? "done" : current ? "current" : "pending");
	if (done && at && *at)
		xj_regview_time(at, t);
	xj_gen_str(g, "at", t[0] ? t : NULL);
	yajl_gen_map_close(g);
}

int
xj_parent_reg_status(struct xj_req *r)
{
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct hist *h = xj_alloc(r->arena, sizeof(*h));	/* 70 KB: not zeroed */
	enum xj_reg_state st;
	int verified, certs_ok, printable, accepted, approved, admitted, noid, rc;
	const char *id_zh, *id_en;
	yajl_gen g;

	struct xj_prereg p;
	unsigned gen;
	int found;

	if (rec == NULL || h == NULL)
		return XJ_E_TOO_COMPLEX;
	h->n = 0;
	if ((rc = xj_parent_prereg_param(r, &p)) != XJ_OK || r->responded)
		return rc;
	/* one round trip: session generation, the row if it is this
	 * parent's (404 otherwise, issue 3 §9) and its history */
	if ((rc = xj_reg_status_read(r->db, r->actor_id, p.canon, &found, &gen, rec,
	    collect, h)) != XJ_OK)
		return rc;
	if ((rc = xj_auth_confirm(r, found, gen)) != XJ_OK)
		return rc;
	if (rec->id == 0)
		return XJ_E_NOT_FOUND;
	snprintf(rec->prereg, sizeof(rec->prereg), "%s", p.canon);
	qsort(h->e, h->n, sizeof(h->e[0]), by_id);
	st = rec->pos.state;
	admitted = st == XJ_REG_ADMITTED;
	approved = admitted || st == XJ_REG_DISTRICT_APPROVED;
	accepted = approved || st == XJ_REG_SCHOOL_ACCEPTED;
	printable = accepted || st == XJ_REG_PRINTABLE;
	verified = printable || st == XJ_REG_ID_VERIFIED || st == XJ_REG_CERT_REVIEW ||
	    st == XJ_REG_CERT_REJECTED;
	certs_ok = rec->pos.cert == XJ_CERT_APPROVED;
	/* R-COL-7: without a document number the district checks the no-ID
	 * certificate; public security has nothing to check */
	noid = xj_reg_noid(rec->doc_type, rec->idn_ct_len);
	if (st == XJ_REG_ID_MISMATCH) {
		id_zh = noid ? "无身份证明核验未通过，请修改" : "身份信息不一致，请修改";
		id_en = noid ? "no-ID certificate not accepted: please correct" :
		    "identity data differs: please correct it";
	} else {
		id_zh = noid ? "区教委核验无身份证明" : "公安部门核验身份";
		id_en = noid ? "no-ID certificate checked by the district" :
		    "identity checked by public security";
	}

	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", rec->prereg);
	xj_gen_str(g, "state", xj_reg_state_name(st));
	xj_gen_key(g, "state_text");
	yajl_gen_map_open(g);
	xj_gen_str(g, "zh", xj_reg_state_zh_doc(st, noid));
	xj_gen_str(g, "en", xj_reg_state_en_doc(st, noid));
	yajl_gen_map_close(g);
	xj_gen_key(g, "steps");
	yajl_gen_array_open(g);
	step(g, "registered", "已登记", "registered", 1, 0, when(h, "registered", NULL));
	step(g, "identity_verified", id_zh, id_en, verified, !verified, when_verified(h));
	if (!rec->local_family)
		step(g, "certificates_approved", "五证审核", "five-certificate review", certs_ok,
		    !certs_ok && rec->pos.cert != XJ_CERT_NONE, when(h, "certs_approved", NULL));
	step(g, "form_printable", "可打印信息采集表", "collection form printable", printable,
	    0, when(h, NULL, "printable"));
	step(g, "school_accepted", "学校确认接收", "accepted by a school", accepted, printable && !accepted,
	    when(h, "school_tick", NULL));
	step(g, "district_approved", "区教委审批", "approved by the district", approved,
	    accepted && !approved, when(h, "district_approve", NULL));
	step(g, "admitted", "录取", "admitted", admitted, approved && !admitted, when(h, "admit", NULL));
	yajl_gen_array_close(g);
	xj_gen_key(g, "history");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < h->n; i++) {
		char t[26];
		yajl_gen_map_open(g);
		xj_regview_time(h->e[i].at, t);
		xj_gen_str(g, "at", t);
		xj_gen_str(g, "event", h->e[i].event);
		xj_gen_str(g, "zh", word(h->e[i].event, 0));
		xj_gen_str(g, "en", word(h->e[i].event, 1));
		xj_gen_str(g, "state", h->e[i].state);
		xj_gen_str(g, "detail", h->e[i].detail[0] ? h->e[i].detail : NULL);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
