/* school.h -- the school and education-bureau portal, /api/school/v1/
 * (R-ORG-1..4): staff sign-in with one live session per account, and the
 * district's five-certificate review (R-COL-9). */
#ifndef XJ_SCHOOL_H
#define XJ_SCHOOL_H

#include <stddef.h>

#include "core/router.h"
#include "store/org.h"
#include "core/req.h"

struct xj_conf;
extern const struct xj_route xj_school_routes[];
extern const struct xj_conf *xj_school_conf;	/* set by xj_school_setup */
void	xj_school_setup(const struct xj_conf *);

struct xj_req;
/* session.c */
int	xj_school_login(struct xj_req *);
int	xj_school_whoami(struct xj_req *);
int	xj_school_logout(struct xj_req *);
/* certreview.c */
int	xj_school_certreview_list(struct xj_req *);
int	xj_school_certreview_get(struct xj_req *);
int	xj_school_certreview_decide(struct xj_req *);
/* alerts.c: what staff should know now (calendar_missing, R-MOV-3) */
int	xj_school_alerts(struct xj_req *);
/* noidreview.c: the district's check of a no-ID certificate (R-COL-7) */
int	xj_school_noid_list(struct xj_req *);
int	xj_school_noid_decide(struct xj_req *);

/* problem.c: problem groups (issue 12, R-DUP-1) */
int	xj_school_problem_list(struct xj_req *);
int	xj_school_problem_get(struct xj_req *);
int	xj_school_problem_resolve(struct xj_req *);

/* scope.c: the access table (R-ORG-3) */
enum xj_school_act {
	XJ_ACT_APPLICANT, XJ_ACT_TICK, XJ_ACT_LIST_SUBMIT, XJ_ACT_LIST_READ,
	XJ_ACT_LIST_DECIDE, XJ_ACT_NOTICE_ISSUE, XJ_ACT_NOTICE_READ, XJ_ACT_ACCOUNTS,
	XJ_ACT_CHANGE_READ, XJ_ACT_CHANGE_DECIDE, XJ_ACT_NOID_READ, XJ_ACT_NOID_DECIDE,
	XJ_ACT_CERT_READ, XJ_ACT_CERT_DECIDE,
	XJ_ACT_REG_VOID, XJ_ACT_CLAIM_LOOKUP,
	XJ_ACT_ALERTS_READ,	/* issue 11 item 3: alerts.c */
	/* certificates of student status (R-REC-7): statuscert.c */
	XJ_ACT_SCERT_ISSUE, XJ_ACT_SCERT_PRINT, XJ_ACT_SCERT_READ,
	/* issue 11 (wf): the workflow engine and transfers */
	XJ_ACT_TRANSFER_START, XJ_ACT_WF_READ, XJ_ACT_WF_DECIDE, XJ_ACT_WF_ESCALATE,
	/* issue 11 item 8: year-end batches, the record's history */
	XJ_ACT_YEAREND_RUN, XJ_ACT_YEAREND_READ, XJ_ACT_RECORD_HISTORY,
	/* issue 12: problem records (problem.c) */
	XJ_ACT_PROBLEM_READ, XJ_ACT_PROBLEM_RESOLVE,
	XJ_ACT__N
};
struct xj_school_actor {
	struct xj_org	 org;
	int		 school;	/* the actor's org is a school */
	char		 county[7];	/* a school's territorial county; a county's own code */
};
/* XJ_OK with the actor's org; XJ_E_FORBIDDEN when the actor's role or org
 * kind may not take this action at all. */
int	xj_school_may(struct xj_req *, enum xj_school_act, struct xj_school_actor *);
/* The names of the actions an org kind and role may take, as JSON strings
 * into an open array (the session answer's "may", issue 14). */
void	xj_school_may_gen(yajl_gen, const char *kind, const char *role);
/* 1 when an org path lies within the actor's org. */
int	xj_school_in_scope(const struct xj_school_actor *, const char *path);
/* The numeric {id} path parameter (1..18 digits, not 0): XJ_OK, or
 * XJ_E_NOT_FOUND for anything else, which no row could have. */
int	xj_school_id_param(struct xj_req *, unsigned long long *id);
/* applicant.c; helpers the other handlers share */
struct xj_applicant;
struct xj_db;
/* "YYYY-MM-DD HH:MM:SS" UTC -> Beijing time with offset; "" or NULL -> "" */
void	xj_school_time(const char *utc, char out[26]);
void	xj_school_gen_time(yajl_gen, const char *key, const char *utc);
/* session.c, shared with credentials.c (review M2, M3, M10) */
struct xj_staff_login;
#define XJ_CLIENT_KEY_MAX	48
#define XJ_TOTP_AAD		"staff_account.totp_secret"
/* The lockout key of a client address: IPv4 as is, IPv6 its /64. */
void	xj_school_client_key(const char *addr, char out[XJ_CLIENT_KEY_MAX]);
/* One evaluated password guess on acc from this client: a hashing slot,
 * the reservation on the (account, address) row, then the hash. 1
 * match, 0 no (*locked: refused unhashed, audited as `what`), <0 error
 * (XJ_E_BUSY: nothing counted). */
int	xj_school_attempt(struct xj_req *, struct xj_staff_login *acc, const char *what,
	    struct xj_str pw, int *locked);
/* The who-am-I body (200) of the account, with a fresh CSRF token. */
int	xj_school_session_body(struct xj_req *, unsigned long long id);
/* credentials.c: the owner's password and second factor; accounts.c:
 * an administrator's reset */
int	xj_school_password_change(struct xj_req *);
int	xj_school_totp_enrol(struct xj_req *);
int	xj_school_totp_confirm(struct xj_req *);
int	xj_school_account_reset(struct xj_req *);
/* An audit entry of the staff actor, inside the caller's transaction. */
int	xj_school_audit(struct xj_db *, struct xj_req *, const char *action, const char *type,
	    const char *id, struct xj_str after);
/* The applicant {no} in the actor's scope: XJ_OK; a 422 sent for a
 * mistyped number (r->responded); 404 outside the scope. */
int	xj_school_applicant_load(struct xj_req *, const struct xj_school_actor *, struct xj_str no,
	    struct xj_applicant *);
int	xj_school_applicant_get(struct xj_req *);
int	xj_school_applicant_docs(struct xj_req *);
int	xj_school_applicant_tick(struct xj_req *);
int	xj_school_applicant_untick(struct xj_req *);
/* admission.c */
int	xj_school_list_submit(struct xj_req *);
int	xj_school_list_index(struct xj_req *);
int	xj_school_list_get(struct xj_req *);
int	xj_school_list_decide(struct xj_req *);
/* notice.c */
int	xj_school_notice_issue(struct xj_req *);
int	xj_school_notice_get(struct xj_req *);
/* accounts.c */
int	xj_school_account_create(struct xj_req *);
int	xj_school_account_list(struct xj_req *);
int	xj_school_account_disable(struct xj_req *);
int	xj_school_account_enable(struct xj_req *);
/* districtchange.c */
int	xj_school_change_list(struct xj_req *);
int	xj_school_change_revoke(struct xj_req *);
int	xj_school_change_decide(struct xj_req *);
/* claims.c: the county's void of a squatted registration, the claim
 * look-up (review H1, M1a) */
int	xj_school_reg_void(struct xj_req *);
int	xj_school_claim_lookup(struct xj_req *);
/* records.c, roster.c, stats.c: student records (issue 4 §4-6) */
int	xj_school_class_create(struct xj_req *);
int	xj_school_class_list(struct xj_req *);
int	xj_school_student_get(struct xj_req *);
int	xj_school_student_patch(struct xj_req *);
int	xj_school_student_class(struct xj_req *);
int	xj_school_term_register(struct xj_req *);
int	xj_school_roster(struct xj_req *);
int	xj_school_students(struct xj_req *);
int	xj_school_stats(struct xj_req *);
/* yearend.c: year-end batches and the record's history (issue 11 item 8) */
int	xj_school_yearend_create(struct xj_req *);
int	xj_school_yearend_get(struct xj_req *);
int	xj_school_yearend_list(struct xj_req *);
int	xj_school_yearend_start(struct xj_req *);
int	xj_school_student_history(struct xj_req *);
/* Free the statistics cache of wide scopes (at exit). */
void	xj_school_stats_clear(void);
/* statuscert.c: certificates of student status (R-REC-7, issue 11 item 9).
 * init reads [documents] signing_key_file once (an empty key leaves
 * issuing at 503); 0, or -1 with err. fini frees the key at exit. */
struct xj_conf;
int	xj_school_scert_init(const struct xj_conf *, char *err, size_t errlen);
void	xj_school_scert_fini(void);
int	xj_school_scert_issue(struct xj_req *);
int	xj_school_scert_list(struct xj_req *);
int	xj_school_scert_get(struct xj_req *);
int	xj_school_scert_print(struct xj_req *);
/* workflow.c, transfer.c: the workflow engine and transfers (issue 11) */
int	xj_school_transfer_start(struct xj_req *);
int	xj_school_wf_inbox(struct xj_req *);
int	xj_school_wf_case(struct xj_req *);
int	xj_school_wf_decide(struct xj_req *);
int	xj_school_wf_escalate(struct xj_req *);
int	xj_school_wf_history(struct xj_req *);

#endif
