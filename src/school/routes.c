/* routes.c -- the school portal's route table (/api/school/v1/). Every
 * staff route needs a staff session (auth/auth.h); which staff role may do
 * what is the handler's business, after it knows the target (R-ORG-3). */
#include "config.h"

#include <stddef.h>

#include "core/conf.h"
#include "school.h"

const struct xj_conf *xj_school_conf;

void
xj_school_setup(const struct xj_conf *c)
{
	xj_school_conf = c;
}

const struct xj_route xj_school_routes[] = {
	{ XJ_M_POST, "/api/school/v1/session", XJ_ROLE_SIGNIN, 1024, xj_school_login },
	{ XJ_M_GET, "/api/school/v1/session", XJ_ROLE_STAFF_SETUP, 0, xj_school_whoami },
	{ XJ_M_DELETE, "/api/school/v1/session", XJ_ROLE_STAFF_SETUP, 0, xj_school_logout },
	/* the owner's password and second factor (review M10): credentials.c;
	 * a session that must change its password or enrol reaches only
	 * these and the two above (XJ_ROLE_STAFF_SETUP) */
	{ XJ_M_PUT, "/api/school/v1/account/password", XJ_ROLE_STAFF_SETUP, 1024,
	  xj_school_password_change },
	{ XJ_M_POST, "/api/school/v1/account/second-factor", XJ_ROLE_STAFF_SETUP, 0,
	  xj_school_totp_enrol },
	{ XJ_M_POST, "/api/school/v1/account/second-factor/confirmation", XJ_ROLE_STAFF_SETUP, 256,
	  xj_school_totp_confirm },
	{ XJ_M_GET, "/api/school/v1/certificate-reviews", XJ_ROLE_STAFF, 0, xj_school_certreview_list },
	{ XJ_M_GET, "/api/school/v1/certificate-reviews/{no}", XJ_ROLE_STAFF, 0, xj_school_certreview_get },
	{ XJ_M_POST, "/api/school/v1/certificate-reviews/{no}/decision", XJ_ROLE_STAFF, 2048,
	  xj_school_certreview_decide },
	/* the district's check of a no-ID certificate (R-COL-7): noidreview.c */
	{ XJ_M_GET, "/api/school/v1/no-id-reviews", XJ_ROLE_STAFF, 0, xj_school_noid_list },
	{ XJ_M_POST, "/api/school/v1/no-id-reviews/{no}/decision", XJ_ROLE_STAFF, 2048,
	  xj_school_noid_decide },
	/* admission (R-ADM-1..3); who may do what: scope.c */
	{ XJ_M_POST, "/api/school/v1/accounts", XJ_ROLE_STAFF, 2048, xj_school_account_create },
	{ XJ_M_GET, "/api/school/v1/accounts", XJ_ROLE_STAFF, 0, xj_school_account_list }, /* action: XJ_ACT_ACCOUNTS */
	{ XJ_M_POST, "/api/school/v1/accounts/{login}/disable", XJ_ROLE_STAFF, 0, xj_school_account_disable },
	{ XJ_M_POST, "/api/school/v1/accounts/{login}/enable", XJ_ROLE_STAFF, 0, xj_school_account_enable }, /* action: XJ_ACT_ACCOUNTS */
	{ XJ_M_POST, "/api/school/v1/accounts/{login}/password-reset", XJ_ROLE_STAFF, 1024,
	  xj_school_account_reset },
	{ XJ_M_GET, "/api/school/v1/applicants/{no}", XJ_ROLE_STAFF, 0, xj_school_applicant_get },
	{ XJ_M_POST, "/api/school/v1/applicants/{no}/documents-checked", XJ_ROLE_STAFF, 2048,
	  xj_school_applicant_docs },
	{ XJ_M_POST, "/api/school/v1/applicants/{no}/tick", XJ_ROLE_STAFF, 0, xj_school_applicant_tick },
	{ XJ_M_POST, "/api/school/v1/applicants/{no}/untick", XJ_ROLE_STAFF, 0, xj_school_applicant_untick },
	{ XJ_M_POST, "/api/school/v1/admission-lists", XJ_ROLE_STAFF, 0, xj_school_list_submit },
	{ XJ_M_GET, "/api/school/v1/admission-lists", XJ_ROLE_STAFF, 0, xj_school_list_index },
	{ XJ_M_GET, "/api/school/v1/admission-lists/{id}", XJ_ROLE_STAFF, 0, xj_school_list_get },
	{ XJ_M_POST, "/api/school/v1/admission-lists/{id}/decision", XJ_ROLE_STAFF, 65536,
	  xj_school_list_decide },
	{ XJ_M_POST, "/api/school/v1/admissions/{no}/notice", XJ_ROLE_STAFF, 0, xj_school_notice_issue },
	{ XJ_M_GET, "/api/school/v1/admissions/{no}/notice", XJ_ROLE_STAFF, 0, xj_school_notice_get },
	{ XJ_M_GET, "/api/school/v1/district-changes", XJ_ROLE_STAFF, 0, xj_school_change_list },
	{ XJ_M_POST, "/api/school/v1/district-changes/{id}/revoke", XJ_ROLE_STAFF, 0, xj_school_change_revoke },
	{ XJ_M_POST, "/api/school/v1/district-changes/{id}/decision", XJ_ROLE_STAFF, 2048,
	  xj_school_change_decide },
	/* contested claims (review H1, M1a): claims.c */
	{ XJ_M_POST, "/api/school/v1/registrations/{no}/void", XJ_ROLE_STAFF, 2048, xj_school_reg_void },
	{ XJ_M_POST, "/api/school/v1/claims/lookup", XJ_ROLE_STAFF, 1024, xj_school_claim_lookup },
	/* student records, roster, statistics (issue 4 §4-6): records.c, roster.c, stats.c */
	{ XJ_M_POST, "/api/school/v1/classes", XJ_ROLE_STAFF, 1024, xj_school_class_create },
	{ XJ_M_GET, "/api/school/v1/classes", XJ_ROLE_STAFF, 0, xj_school_class_list },
	{ XJ_M_GET, "/api/school/v1/students", XJ_ROLE_STAFF, 0, xj_school_students },
	{ XJ_M_GET, "/api/school/v1/students/{id}", XJ_ROLE_STAFF, 0, xj_school_student_get },
	{ XJ_M_PATCH, "/api/school/v1/students/{id}", XJ_ROLE_STAFF, 4096, xj_school_student_patch },
	{ XJ_M_POST, "/api/school/v1/students/{id}/class", XJ_ROLE_STAFF, 256, xj_school_student_class },
	{ XJ_M_GET, "/api/school/v1/roster", XJ_ROLE_STAFF, 0, xj_school_roster },
	{ XJ_M_POST, "/api/school/v1/term-registrations", XJ_ROLE_STAFF, 256, xj_school_term_register },
	{ XJ_M_GET, "/api/school/v1/statistics", XJ_ROLE_STAFF, 0, xj_school_stats },
	/* issue 11 item 3: alerts.c */
	{ XJ_M_GET, "/api/school/v1/alerts", XJ_ROLE_STAFF, 0, xj_school_alerts },
	/* certificates of student status (R-REC-7, issue 11 item 9): statuscert.c */
	{ XJ_M_POST, "/api/school/v1/students/{id}/status-certificates", XJ_ROLE_STAFF, 0,
	  xj_school_scert_issue },
	{ XJ_M_GET, "/api/school/v1/status-certificates", XJ_ROLE_STAFF, 0, xj_school_scert_list },
	{ XJ_M_GET, "/api/school/v1/status-certificates/{serial}", XJ_ROLE_STAFF, 0,
	  xj_school_scert_get },
	{ XJ_M_GET, "/api/school/v1/status-certificates/{serial}/print", XJ_ROLE_STAFF, 0,
	  xj_school_scert_print },
	/* issue 11 (wf): the workflow engine and transfers: workflow.c, transfer.c */
	{ XJ_M_POST, "/api/school/v1/transfers", XJ_ROLE_STAFF, 1024, xj_school_transfer_start },
	{ XJ_M_GET, "/api/school/v1/workflow/inbox", XJ_ROLE_STAFF, 0, xj_school_wf_inbox },
	{ XJ_M_GET, "/api/school/v1/workflow/cases/{id}", XJ_ROLE_STAFF, 0, xj_school_wf_case },
	{ XJ_M_POST, "/api/school/v1/workflow/cases/{id}/decision", XJ_ROLE_STAFF, 2048, xj_school_wf_decide },
	{ XJ_M_POST, "/api/school/v1/workflow/cases/{id}/escalation", XJ_ROLE_STAFF, 2048,
	  xj_school_wf_escalate },
	{ XJ_M_GET, "/api/school/v1/students/{id}/workflow-cases", XJ_ROLE_STAFF, 0, xj_school_wf_history },
	/* year-end batches, the record's history (issue 11 item 8): yearend.c */
	{ XJ_M_POST, "/api/school/v1/yearend-batches", XJ_ROLE_STAFF, 1024, xj_school_yearend_create },
	{ XJ_M_GET, "/api/school/v1/yearend-batches", XJ_ROLE_STAFF, 0, xj_school_yearend_list },
	{ XJ_M_GET, "/api/school/v1/yearend-batches/{id}", XJ_ROLE_STAFF, 0, xj_school_yearend_get },
	{ XJ_M_POST, "/api/school/v1/yearend-batches/{id}/start", XJ_ROLE_STAFF, 0,
	  xj_school_yearend_start },
	{ XJ_M_GET, "/api/school/v1/students/{id}/history", XJ_ROLE_STAFF, 0, xj_school_student_history },
	/* problem records (issue 12, R-DUP-1): problem.c */
	{ XJ_M_GET, "/api/school/v1/problem-groups", XJ_ROLE_STAFF, 0, xj_school_problem_list },
	{ XJ_M_GET, "/api/school/v1/problem-groups/{id}", XJ_ROLE_STAFF, 0, xj_school_problem_get },
	{ XJ_M_POST, "/api/school/v1/problem-groups/{id}/resolutions", XJ_ROLE_STAFF, 2048,
	  xj_school_problem_resolve },
	XJ_ROUTE_END
};
