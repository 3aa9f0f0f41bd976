/* school.h -- the school and education-bureau portal, /api/school/v1/
 * (R-ORG-1..4): staff sign-in with one live session per account, and the
 * district's five-certificate review (R-COL-9). */
#ifndef XJ_SCHOOL_H
#define XJ_SCHOOL_H

#include <stddef.h>
#include <stdio.h>

#include "core/router.h"
#include "store/org.h"
#include "core/req.h"

struct xj_conf;
extern const struct xj_route xj_school_routes[];
extern const struct xj_conf *xj_school_conf;	/* set by xj_school_setup */
/* 0, or -1 with err when a staff route escapes the access policy */
int	xj_school_setup(const struct xj_conf *, char *err, size_t errlen);

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
/* issue 12 item 3: evidence files (evidence.c) */
int	xj_school_evidence_upload(struct xj_req *);
int	xj_school_evidence_list(struct xj_req *);
int	xj_school_evidence_get(struct xj_req *);
/* keydata.c (issue 12 item 4, R-KEY-1): the controlled fields in force
 * for the actor's org; a change request for a record */
int	xj_school_key_fields(struct xj_req *);
int	xj_school_key_data_start(struct xj_req *);

/* scope.c: the access policy (R-ORG-3), one table for the portal. Each
 * staff route names its action (the route row's .action, routes.c); the
 * table maps the action to the org kinds and roles that may take it and
 * the scope of the target it needs. The dispatcher enforces kind and role
 * before the handler runs (xj_school_policy: 403 forbidden, whatever the
 * target) and hands the handler the resolved actor (xj_school_actor);
 * the handler, which alone knows the target, tests the scope (404 outside
 * it). `xuejid --print-access-policy` prints the table per route;
 * tests/api/access_policy.py derives the black-box matrix from it.
 * XJ_ACT_NONE (0) is no action: a staff route naming none is refused at
 * start-up (xj_school_policy_check). New actions: one value here, one
 * row in scope.c. */
enum xj_school_act {
	XJ_ACT_NONE = 0,
	/* the session and the owner's own credentials: any staff session,
	 * also one that must first change its password (XJ_ROLE_STAFF_SETUP) */
	XJ_ACT_ANY_STAFF,
	XJ_ACT_APPLICANT, XJ_ACT_TICK, XJ_ACT_LIST_SUBMIT, XJ_ACT_LIST_READ,
	XJ_ACT_LIST_DECIDE, XJ_ACT_NOTICE_ISSUE, XJ_ACT_NOTICE_READ, XJ_ACT_ACCOUNTS,
	XJ_ACT_CHANGE_READ, XJ_ACT_CHANGE_REVOKE, XJ_ACT_CHANGE_DECIDE,
	XJ_ACT_NOID_READ, XJ_ACT_NOID_DECIDE,
	XJ_ACT_CERT_READ, XJ_ACT_CERT_DECIDE,
	XJ_ACT_REG_VOID, XJ_ACT_CLAIM_LOOKUP,
	/* student records, roster, statistics (records.c's table before) */
	XJ_ACT_REC_CLASSES, XJ_ACT_REC_READ, XJ_ACT_REC_MAINTAIN, XJ_ACT_REC_STATS,
	XJ_ACT_ALERTS_READ,	/* issue 11 item 3: alerts.c */
	/* certificates of student status (R-REC-7): statuscert.c */
	XJ_ACT_SCERT_ISSUE, XJ_ACT_SCERT_PRINT, XJ_ACT_SCERT_READ,
	/* issue 11 (wf): the workflow engine and transfers */
	XJ_ACT_TRANSFER_START, XJ_ACT_GRADUATE_MOVE_START, XJ_ACT_WF_READ, XJ_ACT_WF_DECIDE, XJ_ACT_WF_ESCALATE,
	/* issue 11 item 8: year-end batches, the record's history */
	XJ_ACT_YEAREND_RUN, XJ_ACT_YEAREND_READ, XJ_ACT_RECORD_HISTORY,
	/* issue 12: problem records (problem.c) */
	XJ_ACT_PROBLEM_READ, XJ_ACT_PROBLEM_RESOLVE,
	XJ_ACT_EVIDENCE_UPLOAD, XJ_ACT_EVIDENCE_READ,	/* issue 12 item 3: evidence.c */
	/* issue 12 item 4: key-data changes (keydata.c) */
	XJ_ACT_KEYFIELD_READ, XJ_ACT_KEYDATA_START,
	/* issue 11 item 6: status changes (statuschange.c) */
	XJ_ACT_STATUS_START, XJ_ACT_STATUS_READ,
	/* issue 12 item 5: 补建学籍 and batch import (supplement.c) */
	XJ_ACT_SUPPLEMENT, XJ_ACT_STUDENT_IMPORT,
	XJ_ACT__N
};
/* The scope of the target an action needs; the handler tests it once it
 * has the target, and answers 404 outside it. For a route without a
 * target in its path the scope bounds what it lists or creates. */
enum xj_school_scope {
	XJ_SCOPE_UNSET = 0,	/* a row without a scope: refused at start-up */
	XJ_SCOPE_SELF,		/* the caller's own account and session */
	XJ_SCOPE_NONE,		/* no target: the actor's own org (alerts, a list to submit) */
	XJ_SCOPE_PATH,		/* the target's org lies within the actor's org */
	XJ_SCOPE_OWN_SCHOOL,	/* the target belongs to the actor's own school */
	XJ_SCOPE_APPLICANT,	/* the chosen or holding school; a school of the
				 * child's territorial county with the printed form (M5) */
	XJ_SCOPE_COUNTY,	/* the target's territorial county itself */
	XJ_SCOPE_OLD_COUNTY,	/* a district change's old county (the new one: 403) */
	XJ_SCOPE_NEW_COUNTY,	/* a district change's new county (the old one: 403) */
	XJ_SCOPE_PARTY,		/* a case's parties (a record's school) and the bureaus above */
	XJ_SCOPE_STEP,		/* the open step's org and role (other parties: 403
				 * workflow_not_your_step) */
	XJ_SCOPE_INITIATOR,	/* the case's initiating school (other parties: 403) */
	XJ_SCOPE_ANYWHERE,	/* a target named in the body, wherever it is (audited) */
	XJ_SCOPE__N
};
struct xj_school_actor {
	struct xj_org	 org;
	int		 school;	/* the actor's org is a school */
	char		 county[7];	/* a school's territorial county; a county's own code */
};
/* The dispatcher's policy hook (core/dispatch.h): for a staff route
 * naming an action, XJ_OK with the resolved actor kept on the request, or
 * XJ_E_FORBIDDEN when the session's role or org kind may not take it. */
int	xj_school_policy(struct xj_req *, const struct xj_route *);
/* The actor the dispatcher resolved for this request's route. Only for
 * handlers of routes naming an action other than XJ_ACT_ANY_STAFF. */
const struct xj_school_actor *xj_school_actor(const struct xj_req *);
/* Compatible with the handlers that check for themselves (routes added
 * before the action field; the lead converts them): XJ_OK with the actor
 * (the dispatcher's, when it resolved one), or XJ_E_FORBIDDEN when the
 * role or org kind may not take this action. */
int	xj_school_may(struct xj_req *, enum xj_school_act, struct xj_school_actor *);
/* 0 when every staff route of the table names an action with a complete
 * policy row; -1 with the first offending route in err. */
int	xj_school_policy_check(const struct xj_route *, char *err, size_t errlen);
/* The action's public name ("list_decide"), or NULL for none. */
const char *xj_school_act_name(enum xj_school_act);
/* Print the policy of every staff route, one tab-separated line each:
 * method, path, action, kinds, roles, scope (docs/architecture.md). */
void	xj_school_policy_print(FILE *);
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
/* A national student number as staff see it: a G number (G + the
 * identity number) masked by the one rule, J and L numbers as they are
 * (domain/mask.h). */
void	xj_school_gen_student_no(yajl_gen, const char *key, const char *no);
/* the files a case carries, as "evidence_files": [...] (evidence.c) */
void	xj_school_gen_case_evidence(struct xj_db *, yajl_gen, unsigned long long workflow_id);
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
/* xmove.c: a graduate of another province (issue 13 item 7, R-MOV-5) */
int	xj_school_graduate_move_start(struct xj_req *);
int	xj_school_wf_inbox(struct xj_req *);
int	xj_school_wf_case(struct xj_req *);
int	xj_school_wf_decide(struct xj_req *);
int	xj_school_wf_escalate(struct xj_req *);
int	xj_school_wf_history(struct xj_req *);
/* statuschange.c: status changes on the workflow engine (issue 11 item 6) */
int	xj_school_status_change_start(struct xj_req *);
int	xj_school_status_change_list(struct xj_req *);
/* issue 12 item 5: 补建学籍 and batch import (supplement.c) */
int	xj_school_supplement(struct xj_req *);
int	xj_school_student_import(struct xj_req *);
int	xj_school_student_import_template(struct xj_req *);

#endif
