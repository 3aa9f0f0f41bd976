/* regstate.c -- the registration state machine as one table (R-COL-1..5,
 * R-COL-7, R-COL-9, R-ADM-1); see regstate.h for the two tracks. Pure; no
 * I/O. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "regstate.h"

#define N	XJ_CERT_BIT(XJ_CERT_NONE)
#define R	XJ_CERT_BIT(XJ_CERT_REVIEW)
#define A	XJ_CERT_BIT(XJ_CERT_APPROVED)
#define J	XJ_CERT_BIT(XJ_CERT_REJECTED)
#define ALL	XJ_CERT_ANY
#define KEEP	XJ_CERT_KEEP
#define ANY	XJ_FAM_ANY
#define LOC	XJ_FAM_LOCAL
#define NONL	XJ_FAM_NONLOCAL
#define DOC	XJ_DOC_ANY
#define NUM	XJ_DOC_NUMBER
#define NOID	XJ_DOC_NOID

/* One row per allowed move; anything else is refused. At most one row
 * matches a (position, event, family, document): the unit test proves it.
 * doc: NUM rows need a document number (public security checks it), NOID
 * rows its absence (type Z: the district checks the no-ID certificate,
 * R-COL-7), DOC rows apply either way. */
static const struct xj_reg_rule rules[] = {
	/* from                     event                            who   certs  to                        cert_to           doc */
	/* identity pending: PSB answers (R-COL-5) */
	{ XJ_REG_SUBMITTED,         XJ_REV_PSB_MATCH,                LOC,  N,     XJ_REG_PRINTABLE,         KEEP,             NUM },
	{ XJ_REG_SUBMITTED,         XJ_REV_PSB_MATCH,                NONL, N,     XJ_REG_ID_VERIFIED,       KEEP,             NUM },
	{ XJ_REG_SUBMITTED,         XJ_REV_PSB_MATCH,                NONL, R,     XJ_REG_CERT_REVIEW,       KEEP,             NUM },
	{ XJ_REG_SUBMITTED,         XJ_REV_PSB_MATCH,                NONL, J,     XJ_REG_CERT_REJECTED,     KEEP,             NUM },
	{ XJ_REG_SUBMITTED,         XJ_REV_PSB_MATCH,                NONL, A,     XJ_REG_PRINTABLE,         KEEP,             NUM },
	{ XJ_REG_SUBMITTED,         XJ_REV_PSB_MISMATCH,             ANY,  ALL,   XJ_REG_ID_MISMATCH,       KEEP,             NUM },
	{ XJ_REG_SUBMITTED,         XJ_REV_PSB_NOT_FOUND,            ANY,  ALL,   XJ_REG_ID_REJECTED,       KEEP,             NUM },
	/* identity pending, no document number (type Z, R-COL-7): the
	 * district's check of the no-ID certificate stands in for public
	 * security, with the same consequences for both families */
	{ XJ_REG_SUBMITTED,         XJ_REV_NOID_VERIFIED,            LOC,  N,     XJ_REG_PRINTABLE,         KEEP,             NOID },
	{ XJ_REG_SUBMITTED,         XJ_REV_NOID_VERIFIED,            NONL, N,     XJ_REG_ID_VERIFIED,       KEEP,             NOID },
	{ XJ_REG_SUBMITTED,         XJ_REV_NOID_VERIFIED,            NONL, R,     XJ_REG_CERT_REVIEW,       KEEP,             NOID },
	{ XJ_REG_SUBMITTED,         XJ_REV_NOID_VERIFIED,            NONL, J,     XJ_REG_CERT_REJECTED,     KEEP,             NOID },
	{ XJ_REG_SUBMITTED,         XJ_REV_NOID_VERIFIED,            NONL, A,     XJ_REG_PRINTABLE,         KEEP,             NOID },
	{ XJ_REG_SUBMITTED,         XJ_REV_NOID_REJECTED,            ANY,  ALL,   XJ_REG_ID_MISMATCH,       KEEP,             NOID },
	/* a correction before the answer supersedes the pending check */
	{ XJ_REG_SUBMITTED,         XJ_REV_CORRECTED,                ANY,  ALL,   XJ_REG_SUBMITTED,         KEEP,             DOC },
	{ XJ_REG_ID_MISMATCH,       XJ_REV_CORRECTED,                ANY,  ALL,   XJ_REG_SUBMITTED,         KEEP,             DOC },
	/* certificates while identity is pending: only the cert track moves (R-COL-9) */
	{ XJ_REG_SUBMITTED,         XJ_REV_CERTS_SUBMITTED,          NONL, N | J, XJ_REG_SUBMITTED,         XJ_CERT_REVIEW,   DOC },
	{ XJ_REG_SUBMITTED,         XJ_REV_CERTS_APPROVED,           NONL, R,     XJ_REG_SUBMITTED,         XJ_CERT_APPROVED, DOC },
	{ XJ_REG_SUBMITTED,         XJ_REV_CERTS_REJECTED,           NONL, R,     XJ_REG_SUBMITTED,         XJ_CERT_REJECTED, DOC },
	{ XJ_REG_ID_MISMATCH,       XJ_REV_CERTS_SUBMITTED,          NONL, N | J, XJ_REG_ID_MISMATCH,       XJ_CERT_REVIEW,   DOC },
	{ XJ_REG_ID_MISMATCH,       XJ_REV_CERTS_APPROVED,           NONL, R,     XJ_REG_ID_MISMATCH,       XJ_CERT_APPROVED, DOC },
	{ XJ_REG_ID_MISMATCH,       XJ_REV_CERTS_REJECTED,           NONL, R,     XJ_REG_ID_MISMATCH,       XJ_CERT_REJECTED, DOC },
	/* certificates once identity is verified: both tracks move together */
	{ XJ_REG_ID_VERIFIED,       XJ_REV_CERTS_SUBMITTED,          NONL, N,     XJ_REG_CERT_REVIEW,       XJ_CERT_REVIEW,   DOC },
	{ XJ_REG_CERT_REVIEW,       XJ_REV_CERTS_APPROVED,           NONL, R,     XJ_REG_PRINTABLE,         XJ_CERT_APPROVED, DOC },
	{ XJ_REG_CERT_REVIEW,       XJ_REV_CERTS_REJECTED,           NONL, R,     XJ_REG_CERT_REJECTED,     XJ_CERT_REJECTED, DOC },
	{ XJ_REG_CERT_REJECTED,     XJ_REV_CERTS_SUBMITTED,          NONL, J,     XJ_REG_CERT_REVIEW,       XJ_CERT_REVIEW,   DOC },
	/* admission (R-ADM-1) */
	{ XJ_REG_PRINTABLE,         XJ_REV_SCHOOL_TICK,              ANY,  N | A, XJ_REG_SCHOOL_ACCEPTED,   KEEP,             DOC },
	{ XJ_REG_SCHOOL_ACCEPTED,   XJ_REV_SCHOOL_UNTICK,            ANY,  N | A, XJ_REG_PRINTABLE,         KEEP,             DOC },
	{ XJ_REG_SCHOOL_ACCEPTED,   XJ_REV_DISTRICT_APPROVE,         ANY,  N | A, XJ_REG_DISTRICT_APPROVED, KEEP,             DOC },
	{ XJ_REG_DISTRICT_APPROVED, XJ_REV_ADMIT,                    ANY,  N | A, XJ_REG_ADMITTED,          KEEP,             DOC },
	/* leaving: cancel in the window, district change after it, both only
	 * before a school accepted the child (R-COL-4) */
	{ XJ_REG_SUBMITTED,         XJ_REV_CANCEL,                   ANY,  ALL,   XJ_REG_CANCELLED,         KEEP,             DOC },
	{ XJ_REG_ID_VERIFIED,       XJ_REV_CANCEL,                   ANY,  ALL,   XJ_REG_CANCELLED,         KEEP,             DOC },
	{ XJ_REG_ID_MISMATCH,       XJ_REV_CANCEL,                   ANY,  ALL,   XJ_REG_CANCELLED,         KEEP,             DOC },
	{ XJ_REG_CERT_REVIEW,       XJ_REV_CANCEL,                   ANY,  ALL,   XJ_REG_CANCELLED,         KEEP,             DOC },
	{ XJ_REG_CERT_REJECTED,     XJ_REV_CANCEL,                   ANY,  ALL,   XJ_REG_CANCELLED,         KEEP,             DOC },
	{ XJ_REG_PRINTABLE,         XJ_REV_CANCEL,                   ANY,  ALL,   XJ_REG_CANCELLED,         KEEP,             DOC },
	{ XJ_REG_SUBMITTED,         XJ_REV_DISTRICT_CHANGE_APPROVED, ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_ID_VERIFIED,       XJ_REV_DISTRICT_CHANGE_APPROVED, ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_ID_MISMATCH,       XJ_REV_DISTRICT_CHANGE_APPROVED, ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_CERT_REVIEW,       XJ_REV_DISTRICT_CHANGE_APPROVED, ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_CERT_REJECTED,     XJ_REV_DISTRICT_CHANGE_APPROVED, ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_PRINTABLE,         XJ_REV_DISTRICT_CHANGE_APPROVED, ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	/* the county undoes a squat (H1): it voids the registration and the
	 * child's claim is released, from any state before a school accepted
	 * the child (the school unticks first) -- id_rejected too, whose claim
	 * would otherwise block the child for ever (docs/psb.md §12.7) */
	{ XJ_REG_SUBMITTED,         XJ_REV_COUNTY_VOID,              ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_ID_VERIFIED,       XJ_REV_COUNTY_VOID,              ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_ID_MISMATCH,       XJ_REV_COUNTY_VOID,              ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_ID_REJECTED,       XJ_REV_COUNTY_VOID,              ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_CERT_REVIEW,       XJ_REV_COUNTY_VOID,              ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_CERT_REJECTED,     XJ_REV_COUNTY_VOID,              ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	{ XJ_REG_PRINTABLE,         XJ_REV_COUNTY_VOID,              ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	/* a claim held in id_mismatch past [claims] mismatch_release_days is
	 * released by the claim-release job (xuejictl jobs) */
	{ XJ_REG_ID_MISMATCH,       XJ_REV_MISMATCH_EXPIRED,         ANY,  ALL,   XJ_REG_VOID,              KEEP,             DOC },
	/* admitted, cancelled and void are final: no rows */
};

#define NRULES	(sizeof(rules) / sizeof(rules[0]))

const struct xj_reg_rule *
xj_reg_rules(size_t *n)
{
	*n = NRULES;
	return rules;
}

int
xj_reg_pos_valid(struct xj_reg_pos p, int local)
{
	if ((unsigned)p.state >= XJ_REG__N || (unsigned)p.cert >= XJ_CERT__N)
		return 0;
	if (local)	/* no certificate track; identity verified means printable */
		return p.cert == XJ_CERT_NONE && p.state != XJ_REG_ID_VERIFIED &&
		    p.state != XJ_REG_CERT_REVIEW && p.state != XJ_REG_CERT_REJECTED;
	switch (p.state) {
	case XJ_REG_ID_VERIFIED:
		return p.cert == XJ_CERT_NONE;
	case XJ_REG_CERT_REVIEW:
		return p.cert == XJ_CERT_REVIEW;
	case XJ_REG_CERT_REJECTED:
		return p.cert == XJ_CERT_REJECTED;
	case XJ_REG_PRINTABLE:
	case XJ_REG_SCHOOL_ACCEPTED:
	case XJ_REG_DISTRICT_APPROVED:
	case XJ_REG_ADMITTED:
		return p.cert == XJ_CERT_APPROVED;
	default:
		return 1;
	}
}

int
xj_reg_noid(const char *doc_type, size_t number_len)
{
	return doc_type != NULL && doc_type[0] == 'Z' && doc_type[1] == '\0' && number_len == 0;
}

int
xj_reg_next(struct xj_reg_pos from, enum xj_reg_event ev, int local,
    struct xj_reg_pos *to)
{
	return xj_reg_next_doc(from, ev, local, 0, to);
}

int
xj_reg_next_doc(struct xj_reg_pos from, enum xj_reg_event ev, int local, int noid,
    struct xj_reg_pos *to)
{
	if (!xj_reg_pos_valid(from, local))
		return XJ_E_REG_TRANSITION;
	for (size_t i = 0; i < NRULES; i++) {
		const struct xj_reg_rule *r = &rules[i];
		if (r->from != from.state || r->ev != ev ||
		    (r->family == XJ_FAM_LOCAL && !local) ||
		    (r->family == XJ_FAM_NONLOCAL && local) ||
		    (r->doc == XJ_DOC_NUMBER && noid) ||
		    (r->doc == XJ_DOC_NOID && !noid) ||
		    !(r->certs & XJ_CERT_BIT(from.cert)))
			continue;
		to->state = r->to;
		to->cert = r->cert_to == XJ_CERT_KEEP ? from.cert :
		    (enum xj_cert_state)r->cert_to;
		return XJ_OK;
	}
	if ((ev == XJ_REV_CANCEL || ev == XJ_REV_DISTRICT_CHANGE_APPROVED ||
	    ev == XJ_REV_COUNTY_VOID) &&
	    (from.state == XJ_REG_SCHOOL_ACCEPTED ||
	    from.state == XJ_REG_DISTRICT_APPROVED || from.state == XJ_REG_ADMITTED))
		return XJ_E_REG_ACCEPTED;
	return XJ_E_REG_TRANSITION;
}

static const struct {
	const char	*name, *zh, *en;
} states[XJ_REG__N] = {
	[XJ_REG_SUBMITTED] = { "submitted",
	    "已登记，等待公安部门核验身份信息",
	    "registered; identity check with public security pending" },
	[XJ_REG_ID_VERIFIED] = { "id_verified",
	    "身份信息已核验通过，请提交“五证”材料供区教委审核",
	    "identity verified; please file the five certificates for the district's review" },
	[XJ_REG_ID_MISMATCH] = { "id_mismatch",
	    "填写的身份信息与公安部门登记不一致，请对照户口簿核对并修改",
	    "the identity data differ from public security records: please check them against the hukou book and correct them" },
	[XJ_REG_ID_REJECTED] = { "id_rejected",
	    "经公安部门核验，登记的身份信息不真实，本次登记无效",
	    "public security found the identity data untrue: this registration is void" },
	[XJ_REG_CERT_REVIEW] = { "cert_review",
	    "身份信息已核验通过，“五证”材料正在区教委审核中",
	    "identity verified; the five certificates are under review by the district" },
	[XJ_REG_CERT_REJECTED] = { "cert_rejected",
	    "“五证”审核未通过，请按区教委的说明补充后重新提交",
	    "the five certificates were not approved: please complete them as the district explains and file them again" },
	[XJ_REG_PRINTABLE] = { "printable",
	    "审核已通过，请打印信息采集表，带齐材料到学校验证",
	    "checks passed: print the collection form and take it with your documents to the school" },
	[XJ_REG_SCHOOL_ACCEPTED] = { "school_accepted",
	    "学校已确认接收，等待区教委审核",
	    "the school has accepted your child; waiting for the district's approval" },
	[XJ_REG_DISTRICT_APPROVED] = { "district_approved",
	    "区教委已审核通过，等待学校发放录取通知书",
	    "approved by the district; the school will send the admission notice" },
	[XJ_REG_ADMITTED] = { "admitted",
	    "已录取，请按录取通知书的要求入学",
	    "admitted: please follow the admission notice" },
	[XJ_REG_CANCELLED] = { "cancelled",
	    "本次登记已撤销",
	    "this registration was cancelled" },
	[XJ_REG_VOID] = { "void",
	    "本次登记已作废，信息采集表无效（原因见登记记录；如已更换登记区，以新采集表为准）",
	    "this registration is void and its form no longer counts (the history says why; after a change of district the new form counts)" },
};

static const char *const events[XJ_REV__N] = {
	[XJ_REV_PSB_MATCH] = "psb_match",
	[XJ_REV_PSB_MISMATCH] = "psb_mismatch",
	[XJ_REV_PSB_NOT_FOUND] = "psb_not_found",
	[XJ_REV_CORRECTED] = "corrected",
	[XJ_REV_CERTS_SUBMITTED] = "certs_submitted",
	[XJ_REV_CERTS_APPROVED] = "certs_approved",
	[XJ_REV_CERTS_REJECTED] = "certs_rejected",
	[XJ_REV_CANCEL] = "cancel",
	[XJ_REV_SCHOOL_TICK] = "school_tick",
	[XJ_REV_SCHOOL_UNTICK] = "school_untick",
	[XJ_REV_DISTRICT_APPROVE] = "district_approve",
	[XJ_REV_ADMIT] = "admit",
	[XJ_REV_DISTRICT_CHANGE_APPROVED] = "district_change_approved",
	[XJ_REV_NOID_VERIFIED] = "noid_verified",
	[XJ_REV_NOID_REJECTED] = "noid_rejected",
	[XJ_REV_COUNTY_VOID] = "county_void",
	[XJ_REV_MISMATCH_EXPIRED] = "mismatch_expired",
};

static const struct {
	const char	*name, *zh, *en;
} certs[XJ_CERT__N] = {
	[XJ_CERT_NONE] = { "none",
	    "尚未提交“五证”材料",
	    "the five certificates have not been filed" },
	[XJ_CERT_REVIEW] = { "review",
	    "“五证”材料正在区教委审核中",
	    "the five certificates are under review by the district" },
	[XJ_CERT_APPROVED] = { "approved",
	    "“五证”审核已通过，已开具就读证明",
	    "the five certificates are approved; the study permit is issued" },
	[XJ_CERT_REJECTED] = { "rejected",
	    "“五证”审核未通过，可补充后重新提交",
	    "the five certificates were not approved; they may be completed and filed again" },
};

const char *
xj_reg_state_name(enum xj_reg_state s)
{
	return (unsigned)s < XJ_REG__N ? states[s].name : NULL;
}

const char *
xj_reg_state_zh(enum xj_reg_state s)
{
	return (unsigned)s < XJ_REG__N ? states[s].zh : NULL;
}

const char *
xj_reg_state_en(enum xj_reg_state s)
{
	return (unsigned)s < XJ_REG__N ? states[s].en : NULL;
}

/* R-COL-7: a child without a document number is checked by the district,
 * not by public security; the words of the states that name the check. */
static const struct {
	enum xj_reg_state	 state;
	const char		*zh, *en;
} noid_states[] = {
	{ XJ_REG_SUBMITTED,
	  "已登记，等待区教委核验无身份证明",
	  "registered; the district is checking the no-ID certificate" },
	{ XJ_REG_ID_MISMATCH,
	  "区教委核验无身份证明未通过，请按说明修改登记信息或补充身份证件",
	  "the district did not accept the no-ID certificate: please correct the data or supply an identity document as it explains" },
};

const char *
xj_reg_state_zh_doc(enum xj_reg_state s, int noid)
{
	for (size_t i = 0; noid && i < sizeof(noid_states) / sizeof(noid_states[0]); i++)
		if (noid_states[i].state == s)
			return noid_states[i].zh;
	return xj_reg_state_zh(s);
}

const char *
xj_reg_state_en_doc(enum xj_reg_state s, int noid)
{
	for (size_t i = 0; noid && i < sizeof(noid_states) / sizeof(noid_states[0]); i++)
		if (noid_states[i].state == s)
			return noid_states[i].en;
	return xj_reg_state_en(s);
}

int
xj_reg_state_parse(const char *name)
{
	for (int i = 0; name != NULL && i < XJ_REG__N; i++)
		if (strcmp(states[i].name, name) == 0)
			return i;
	return -1;
}

const char *
xj_reg_event_name(enum xj_reg_event e)
{
	return (unsigned)e < XJ_REV__N ? events[e] : NULL;
}

int
xj_reg_event_parse(const char *name)
{
	for (int i = 0; name != NULL && i < XJ_REV__N; i++)
		if (strcmp(events[i], name) == 0)
			return i;
	return -1;
}

const char *
xj_cert_state_name(enum xj_cert_state c)
{
	return (unsigned)c < XJ_CERT__N ? certs[c].name : NULL;
}

const char *
xj_cert_state_zh(enum xj_cert_state c)
{
	return (unsigned)c < XJ_CERT__N ? certs[c].zh : NULL;
}

const char *
xj_cert_state_en(enum xj_cert_state c)
{
	return (unsigned)c < XJ_CERT__N ? certs[c].en : NULL;
}

int
xj_cert_state_parse(const char *name)
{
	for (int i = 0; name != NULL && i < XJ_CERT__N; i++)
		if (strcmp(certs[i].name, name) == 0)
			return i;
	return -1;
}

int
xj_reg_form_printable(enum xj_reg_state s)
{
	return s == XJ_REG_PRINTABLE || s == XJ_REG_SCHOOL_ACCEPTED ||
	    s == XJ_REG_DISTRICT_APPROVED || s == XJ_REG_ADMITTED;
}
