/* routes.c -- the school portal's route table (/api/school/v1/). Every
 * staff route needs a staff session (auth/auth.h) and names its action:
 * which org kinds and roles may take it is one table (scope.c), enforced
 * by the dispatcher before the handler runs; whether the target lies in
 * the actor's scope is the handler's test, once it knows the target
 * (R-ORG-3). A staff route without an action stops the start. */
#include "config.h"

#include <stddef.h>

#include "core/conf.h"
#include "school.h"

const struct xj_conf *xj_school_conf;

int
xj_school_setup(const struct xj_conf *c, char *err, size_t errlen)
{
	xj_school_conf = c;
	return xj_school_policy_check(xj_school_routes, err, errlen);
}

const struct xj_route xj_school_routes[] = {
	{ XJ_M_POST, "/api/school/v1/session", XJ_ROLE_SIGNIN, 1024, xj_school_login },
	{ XJ_M_GET, "/api/school/v1/session", XJ_ROLE_STAFF_SETUP, 0, xj_school_whoami,
	  .action = XJ_ACT_ANY_STAFF },
	{ XJ_M_DELETE, "/api/school/v1/session", XJ_ROLE_STAFF_SETUP, 0, xj_school_logout,
	  .action = XJ_ACT_ANY_STAFF },
	/* the owner's password and second factor (review M10): credentials.c;
	 * a session that must change its password or enrol reaches only
	 * these and the two above (XJ_ROLE_STAFF_SETUP) */
	{ XJ_M_PUT, "/api/school/v1/account/password", XJ_ROLE_STAFF_SETUP, 1024,
	  xj_school_password_change,
	  .action = XJ_ACT_ANY_STAFF },
	{ XJ_M_POST, "/api/school/v1/account/second-factor", XJ_ROLE_STAFF_SETUP, 0,
	  xj_school_totp_enrol,
	  .action = XJ_ACT_ANY_STAFF },
	{ XJ_M_POST, "/api/school/v1/account/second-factor/confirmation", XJ_ROLE_STAFF_SETUP, 256,
	  xj_school_totp_confirm,
	  .action = XJ_ACT_ANY_STAFF },
	{ XJ_M_GET, "/api/school/v1/certificate-reviews", XJ_ROLE_STAFF, 0, xj_school_certreview_list,
	  .action = XJ_ACT_CERT_READ },
	{ XJ_M_GET, "/api/school/v1/certificate-reviews/{no}", XJ_ROLE_STAFF, 0, xj_school_certreview_get,
	  .action = XJ_ACT_CERT_READ },
	{ XJ_M_POST, "/api/school/v1/certificate-reviews/{no}/decision", XJ_ROLE_STAFF, 2048,
	  xj_school_certreview_decide,
	  .action = XJ_ACT_CERT_DECIDE },
	/* the district's check of a no-ID certificate (R-COL-7): noidreview.c */
	{ XJ_M_GET, "/api/school/v1/no-id-reviews", XJ_ROLE_STAFF, 0, xj_school_noid_list,
	  .action = XJ_ACT_NOID_READ },
	{ XJ_M_POST, "/api/school/v1/no-id-reviews/{no}/decision", XJ_ROLE_STAFF, 2048,
	  xj_school_noid_decide,
	  .action = XJ_ACT_NOID_DECIDE },
	/* admission (R-ADM-1..3); who may do what: scope.c */
	{ XJ_M_POST, "/api/school/v1/accounts", XJ_ROLE_STAFF, 2048, xj_school_account_create,
	  .action = XJ_ACT_ACCOUNTS },
	{ XJ_M_GET, "/api/school/v1/accounts", XJ_ROLE_STAFF, 0, xj_school_account_list,
	  .action = XJ_ACT_ACCOUNTS },
	{ XJ_M_POST, "/api/school/v1/accounts/{login}/disable", XJ_ROLE_STAFF, 0, xj_school_account_disable,
	  .action = XJ_ACT_ACCOUNTS },
	{ XJ_M_POST, "/api/school/v1/accounts/{login}/enable", XJ_ROLE_STAFF, 0, xj_school_account_enable,
	  .action = XJ_ACT_ACCOUNTS },
	{ XJ_M_POST, "/api/school/v1/accounts/{login}/password-reset", XJ_ROLE_STAFF, 1024,
	  xj_school_account_reset,
	  .action = XJ_ACT_ACCOUNTS },
	{ XJ_M_GET, "/api/school/v1/applicants/{no}", XJ_ROLE_STAFF, 0, xj_school_applicant_get,
	  .action = XJ_ACT_APPLICANT },
	{ XJ_M_POST, "/api/school/v1/applicants/{no}/documents-checked", XJ_ROLE_STAFF, 2048,
	  xj_school_applicant_docs,
	  .action = XJ_ACT_TICK },
	{ XJ_M_POST, "/api/school/v1/applicants/{no}/tick", XJ_ROLE_STAFF, 0, xj_school_applicant_tick,
	  .action = XJ_ACT_TICK },
	{ XJ_M_POST, "/api/school/v1/applicants/{no}/untick", XJ_ROLE_STAFF, 0, xj_school_applicant_untick,
	  .action = XJ_ACT_TICK },
	{ XJ_M_POST, "/api/school/v1/admission-lists", XJ_ROLE_STAFF, 0, xj_school_list_submit,
	  .action = XJ_ACT_LIST_SUBMIT },
	{ XJ_M_GET, "/api/school/v1/admission-lists", XJ_ROLE_STAFF, 0, xj_school_list_index,
	  .action = XJ_ACT_LIST_READ },
	{ XJ_M_GET, "/api/school/v1/admission-lists/{id}", XJ_ROLE_STAFF, 0, xj_school_list_get,
	  .action = XJ_ACT_LIST_READ },
	{ XJ_M_POST, "/api/school/v1/admission-lists/{id}/decision", XJ_ROLE_STAFF, 65536,
	  xj_school_list_decide,
	  .action = XJ_ACT_LIST_DECIDE },
	{ XJ_M_POST, "/api/school/v1/admissions/{no}/notice", XJ_ROLE_STAFF, 0, xj_school_notice_issue,
	  .action = XJ_ACT_NOTICE_ISSUE },
	{ XJ_M_GET, "/api/school/v1/admissions/{no}/notice", XJ_ROLE_STAFF, 0, xj_school_notice_get,
	  .action = XJ_ACT_NOTICE_READ },
	{ XJ_M_GET, "/api/school/v1/district-changes", XJ_ROLE_STAFF, 0, xj_school_change_list,
	  .action = XJ_ACT_CHANGE_READ },
	{ XJ_M_POST, "/api/school/v1/district-changes/{id}/revoke", XJ_ROLE_STAFF, 0, xj_school_change_revoke,
	  .action = XJ_ACT_CHANGE_REVOKE },
	{ XJ_M_POST, "/api/school/v1/district-changes/{id}/decision", XJ_ROLE_STAFF, 2048,
	  xj_school_change_decide,
	  .action = XJ_ACT_CHANGE_DECIDE },
	/* contested claims (review H1, M1a): claims.c */
	{ XJ_M_POST, "/api/school/v1/registrations/{no}/void", XJ_ROLE_STAFF, 2048, xj_school_reg_void,
	  .action = XJ_ACT_REG_VOID },
	{ XJ_M_POST, "/api/school/v1/claims/lookup", XJ_ROLE_STAFF, 1024, xj_school_claim_lookup,
	  .action = XJ_ACT_CLAIM_LOOKUP },
	/* student records, roster, statistics (issue 4 §4-6): records.c, roster.c, stats.c */
	{ XJ_M_POST, "/api/school/v1/classes", XJ_ROLE_STAFF, 1024, xj_school_class_create,
	  .action = XJ_ACT_REC_CLASSES },
	{ XJ_M_GET, "/api/school/v1/classes", XJ_ROLE_STAFF, 0, xj_school_class_list,
	  .action = XJ_ACT_REC_READ },
	{ XJ_M_GET, "/api/school/v1/students", XJ_ROLE_STAFF, 0, xj_school_students,
	  .action = XJ_ACT_REC_READ },
	{ XJ_M_GET, "/api/school/v1/students/{id}", XJ_ROLE_STAFF, 0, xj_school_student_get,
	  .action = XJ_ACT_REC_READ },
	{ XJ_M_PATCH, "/api/school/v1/students/{id}", XJ_ROLE_STAFF, 4096, xj_school_student_patch,
	  .action = XJ_ACT_REC_MAINTAIN },
	{ XJ_M_POST, "/api/school/v1/students/{id}/class", XJ_ROLE_STAFF, 256, xj_school_student_class,
	  .action = XJ_ACT_REC_MAINTAIN },
	{ XJ_M_GET, "/api/school/v1/roster", XJ_ROLE_STAFF, 0, xj_school_roster,
	  .action = XJ_ACT_REC_READ },
	{ XJ_M_POST, "/api/school/v1/term-registrations", XJ_ROLE_STAFF, 256, xj_school_term_register,
	  .action = XJ_ACT_REC_MAINTAIN },
	{ XJ_M_GET, "/api/school/v1/statistics", XJ_ROLE_STAFF, 0, xj_school_stats,
	  .action = XJ_ACT_REC_STATS },
	/* issue 11 item 3: alerts.c */
	{ XJ_M_GET, "/api/school/v1/alerts", XJ_ROLE_STAFF, 0, xj_school_alerts,
	  .action = XJ_ACT_ALERTS_READ },
	/* certificates of student status (R-REC-7, issue 11 item 9): statuscert.c */
	{ XJ_M_POST, "/api/school/v1/students/{id}/status-certificates", XJ_ROLE_STAFF, 0,
	  xj_school_scert_issue,
	  .action = XJ_ACT_SCERT_ISSUE },
	{ XJ_M_GET, "/api/school/v1/status-certificates", XJ_ROLE_STAFF, 0, xj_school_scert_list,
	  .action = XJ_ACT_SCERT_READ },
	{ XJ_M_GET, "/api/school/v1/status-certificates/{serial}", XJ_ROLE_STAFF, 0,
	  xj_school_scert_get,
	  .action = XJ_ACT_SCERT_READ },
	{ XJ_M_GET, "/api/school/v1/status-certificates/{serial}/print", XJ_ROLE_STAFF, 0,
	  xj_school_scert_print,
	  .action = XJ_ACT_SCERT_PRINT },
	/* issue 11 (wf): the workflow engine and transfers: workflow.c, transfer.c */
	{ XJ_M_POST, "/api/school/v1/transfers", XJ_ROLE_STAFF, 1024, xj_school_transfer_start,
	  .action = XJ_ACT_TRANSFER_START },
	/* issue 13 item 7: a graduate of another province (R-MOV-5): xmove.c */
	{ XJ_M_POST, "/api/school/v1/graduate-moves", XJ_ROLE_STAFF, 1024,
	  xj_school_graduate_move_start,
	  .action = XJ_ACT_GRADUATE_MOVE_START },	/* action: XJ_ACT_GRADUATE_MOVE_START */
	{ XJ_M_GET, "/api/school/v1/workflow/inbox", XJ_ROLE_STAFF, 0, xj_school_wf_inbox,
	  .action = XJ_ACT_WF_READ },
	{ XJ_M_GET, "/api/school/v1/workflow/cases/{id}", XJ_ROLE_STAFF, 0, xj_school_wf_case,
	  .action = XJ_ACT_WF_READ },
	{ XJ_M_POST, "/api/school/v1/workflow/cases/{id}/decision", XJ_ROLE_STAFF, 2048, xj_school_wf_decide,
	  .action = XJ_ACT_WF_DECIDE },
	{ XJ_M_POST, "/api/school/v1/workflow/cases/{id}/escalation", XJ_ROLE_STAFF, 2048,
	  xj_school_wf_escalate,
	  .action = XJ_ACT_WF_ESCALATE },
	{ XJ_M_GET, "/api/school/v1/students/{id}/workflow-cases", XJ_ROLE_STAFF, 0, xj_school_wf_history,
	  .action = XJ_ACT_WF_READ },
	/* year-end batches, the record's history (issue 11 item 8): yearend.c */
	{ XJ_M_POST, "/api/school/v1/yearend-batches", XJ_ROLE_STAFF, 1024, xj_school_yearend_create,
	  .action = XJ_ACT_YEAREND_RUN },
	{ XJ_M_GET, "/api/school/v1/yearend-batches", XJ_ROLE_STAFF, 0, xj_school_yearend_list,
	  .action = XJ_ACT_YEAREND_READ },
	{ XJ_M_GET, "/api/school/v1/yearend-batches/{id}", XJ_ROLE_STAFF, 0, xj_school_yearend_get,
	  .action = XJ_ACT_YEAREND_READ },
	{ XJ_M_POST, "/api/school/v1/yearend-batches/{id}/start", XJ_ROLE_STAFF, 0,
	  xj_school_yearend_start,
	  .action = XJ_ACT_YEAREND_RUN },
	{ XJ_M_GET, "/api/school/v1/students/{id}/history", XJ_ROLE_STAFF, 0, xj_school_student_history,
	  .action = XJ_ACT_RECORD_HISTORY },
	/* problem records (issue 12, R-DUP-1): problem.c */
	{ XJ_M_GET, "/api/school/v1/problem-groups", XJ_ROLE_STAFF, 0, xj_school_problem_list,
	  .action = XJ_ACT_PROBLEM_READ },
	{ XJ_M_GET, "/api/school/v1/problem-groups/{id}", XJ_ROLE_STAFF, 0, xj_school_problem_get,
	  .action = XJ_ACT_PROBLEM_READ },
	{ XJ_M_POST, "/api/school/v1/problem-groups/{id}/resolutions", XJ_ROLE_STAFF, 2048,
	  xj_school_problem_resolve,
	  .action = XJ_ACT_PROBLEM_RESOLVE },
	/* evidence files (issue 12 item 3, R-DUP-2): evidence.c; the body of
	 * an upload is the file (2 MiB, R-DUP-2's "2 MB") */
	{ XJ_M_POST, "/api/school/v1/students/{id}/evidence-files", XJ_ROLE_STAFF, 2097152,
	  xj_school_evidence_upload, .action = XJ_ACT_EVIDENCE_UPLOAD, .flags = XJ_RT_RAW_BODY },
	{ XJ_M_GET, "/api/school/v1/students/{id}/evidence-files", XJ_ROLE_STAFF, 0,
	  xj_school_evidence_list, .action = XJ_ACT_EVIDENCE_READ },
	{ XJ_M_GET, "/api/school/v1/evidence-files/{id}", XJ_ROLE_STAFF, 0,
	  xj_school_evidence_get, .action = XJ_ACT_EVIDENCE_READ },
	/* key-data changes (issue 12 item 4, R-KEY-1): keydata.c; PATCH
	 * .../students/{id} above refuses controlled fields */
	{ XJ_M_GET, "/api/school/v1/key-fields", XJ_ROLE_STAFF, 0, xj_school_key_fields,
	  .action = XJ_ACT_KEYFIELD_READ },
	{ XJ_M_POST, "/api/school/v1/students/{id}/key-data-changes", XJ_ROLE_STAFF, 4096,
	  xj_school_key_data_start, .action = XJ_ACT_KEYDATA_START },
	/* status changes (issue 11 item 6, R-MOV-6): statuschange.c */
	{ XJ_M_POST, "/api/school/v1/students/{id}/status-changes", XJ_ROLE_STAFF, 2048,
	  xj_school_status_change_start, .action = XJ_ACT_STATUS_START },
	{ XJ_M_GET, "/api/school/v1/students/{id}/status-changes", XJ_ROLE_STAFF, 0,
	  xj_school_status_change_list, .action = XJ_ACT_STATUS_READ },
	/* 补建学籍 and batch import (issue 12 item 5, R-DUP-4, R-REC-8):
	 * supplement.c; an import's body is the CSV file (2 MiB) */
	{ XJ_M_POST, "/api/school/v1/students/supplements", XJ_ROLE_STAFF, 4096,
	  xj_school_supplement, .action = XJ_ACT_SUPPLEMENT },	/* action: XJ_ACT_SUPPLEMENT */
	{ XJ_M_POST, "/api/school/v1/students/imports", XJ_ROLE_STAFF, 2097152,
	  xj_school_student_import, .action = XJ_ACT_STUDENT_IMPORT,
	  .flags = XJ_RT_RAW_BODY },	/* action: XJ_ACT_STUDENT_IMPORT */
	{ XJ_M_GET, "/api/school/v1/students/imports/template", XJ_ROLE_STAFF, 0,
	  xj_school_student_import_template, .action = XJ_ACT_STUDENT_IMPORT },	/* action: XJ_ACT_STUDENT_IMPORT */
	XJ_ROUTE_END
};
