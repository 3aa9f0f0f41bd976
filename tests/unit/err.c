/* err.c -- unit tests of the error table (src/core/err.h): every row has an
 * HTTP error status, a unique non-empty machine code and messages in both
 * languages; lookups round-trip; unknown values fall back to internal_error.
 * The released machine codes are pinned here: the API promises never to
 * rename them, so a rename must fail a test. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "tap.h"

struct row {
	int		 err;
	const char	*name;
	int		 status;
	const char	*code;
};

static const struct row rows[] = {
#define XJ_ERR_TEST_ROW(n, st, c, zh, en) { XJ_E_##n, #n, st, c },
	XJ_ERRORS(XJ_ERR_TEST_ROW)
#undef XJ_ERR_TEST_ROW
};
#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/* machine codes as released: append, never edit */
static const struct { int err; int status; const char *code; } pinned[] = {
	{ XJ_E_INTERNAL, 500, "internal_error" },
	{ XJ_E_UNAVAILABLE, 503, "service_unavailable" },
	{ XJ_E_BUSY, 503, "busy_retry" },
	{ XJ_E_NOT_FOUND, 404, "not_found" },
	{ XJ_E_METHOD, 405, "method_not_allowed" },
	{ XJ_E_BODY_TOO_LARGE, 413, "body_too_large" },
	{ XJ_E_MEDIA_TYPE, 415, "unsupported_media_type" },
	{ XJ_E_BAD_JSON, 400, "malformed_json" },
	{ XJ_E_JSON_LIMIT, 400, "json_limit_exceeded" },
	{ XJ_E_BAD_QUERY, 400, "bad_query" },
	{ XJ_E_VALIDATION, 422, "validation_failed" },
	{ XJ_E_UNAUTHENTICATED, 401, "unauthenticated" },
	{ XJ_E_FORBIDDEN, 403, "forbidden" },
	{ XJ_E_CONFLICT, 409, "conflict" },
	{ XJ_E_TOO_COMPLEX, 413, "request_too_complex" },
	{ XJ_E_F_REQUIRED, 422, "required" },
	{ XJ_E_F_TYPE, 422, "wrong_type" },
	{ XJ_E_F_TOO_SHORT, 422, "too_short" },
	{ XJ_E_F_TOO_LONG, 422, "too_long" },
	{ XJ_E_F_RANGE, 422, "out_of_range" },
	{ XJ_E_F_FORMAT, 422, "bad_format" },
	{ XJ_E_F_CODE, 422, "unknown_code" },
	{ XJ_E_F_UNKNOWN, 422, "unknown_field" },
	{ XJ_E_F_TOO_MANY, 422, "too_many_items" },
	{ XJ_E_SCHEMA_OUTDATED, 503, "schema_outdated" },
	{ XJ_E_SCHOOL_UNLICENSED, 409, "school_unlicensed" },
	{ XJ_E_REPEATER, 409, "repeater_not_recorded" },
	{ XJ_E_CHANGE_IN_WINDOW, 409, "cancel_instead" },
	{ XJ_E_CHANGE_PENDING, 409, "district_change_pending" },
	{ XJ_E_REG_TRANSITION, 409, "invalid_transition" },
	{ XJ_E_REG_ACCEPTED, 409, "registration_accepted" },
	{ XJ_E_F_PHONE, 422, "mobile_number_format" },
	{ XJ_E_F_NAME, 422, "person_name_format" },
	{ XJ_E_F_DIVISION, 422, "division_code_format" },
	{ XJ_E_F_PREREG_FORMAT, 422, "prereg_number_format" },
	{ XJ_E_F_PREREG_CHECK, 422, "prereg_number_check_char" },
	{ XJ_E_F_DATETIME, 422, "invalid_datetime" },
	{ XJ_E_SESSION_EXPIRED, 401, "session_expired" },
	{ XJ_E_SESSION_REPLACED, 401, "session_replaced" },
	{ XJ_E_CSRF, 403, "csrf_token_invalid" },
	{ XJ_E_BAD_CREDENTIALS, 401, "invalid_credentials" },
	{ XJ_E_ACCOUNT_LOCKED, 403, "account_locked" },
	{ XJ_E_PHONE_TAKEN, 409, "phone_registered" },
	{ XJ_E_BAD_SIGNATURE, 401, "bad_signature" },
	{ XJ_E_STALE_TIMESTAMP, 401, "stale_timestamp" },
	{ XJ_E_REPLAYED_NONCE, 409, "replayed_nonce" },
	{ XJ_E_WINDOW_CLOSED, 403, "collection_window_closed" },
	{ XJ_E_DUPLICATE_CHILD, 409, "duplicate_child" },
	{ XJ_E_IDEM_REUSED, 422, "idempotency_key_reused" },
	{ XJ_E_FORM_UNAVAILABLE, 409, "form_not_printable" },
	{ XJ_E_F_WEAK_PASSWORD, 422, "weak_password" },
	{ XJ_E_F_UNKNOWN_DIVISION, 422, "unknown_division" },
	{ XJ_E_F_DATE, 422, "invalid_date" },
	{ XJ_E_F_ID_15, 422, "id_number_15_digits" },
	{ XJ_E_F_ID_FORMAT, 422, "id_number_format" },
	{ XJ_E_F_ID_BIRTH, 422, "id_number_birth_date" },
	{ XJ_E_F_ID_CHECK, 422, "id_number_check_char" },
	{ XJ_E_F_ID_AREA, 422, "id_number_area_code" },
	{ XJ_E_F_BIRTH_MISMATCH, 422, "birth_date_mismatch" },
	{ XJ_E_F_SEX_MISMATCH, 422, "sex_mismatch" },
	{ XJ_E_CERTS_NOT_REQUIRED, 409, "certificates_not_required" },
	{ XJ_E_ACCOUNT_DISABLED, 403, "account_disabled" },
	{ XJ_E_F_FUTURE_DATE, 422, "date_in_future" },
	{ XJ_E_F_EXPIRED, 422, "document_expired" },
	{ XJ_E_PSB_UNKNOWN_REQUEST, 404, "unknown_request" },
	{ XJ_E_PSB_CONFLICT, 409, "conflicting_result" },
	{ XJ_E_PSB_STALE, 409, "stale_request" },
	{ XJ_E_F_DUPLICATE, 422, "duplicate_item" },
	{ XJ_E_F_NOT_ALLOWED, 422, "not_allowed" },
	{ XJ_E_ALREADY_TICKED, 409, "already_ticked" },
	{ XJ_E_LOGIN_TAKEN, 409, "login_taken" },
	{ XJ_E_NOTHING_TO_SUBMIT, 409, "nothing_to_submit" },
	{ XJ_E_NOTICE_NOT_ISSUED, 409, "notice_not_issued" },
	{ XJ_E_F_WEAK_STAFF_PASSWORD, 422, "weak_staff_password" },
	{ XJ_E_ACCOUNT_IN_USE, 409, "account_in_use" },
	{ XJ_E_F_NOTICE_OUTDATED, 422, "privacy_notice_outdated" },
	{ XJ_E_F_WRONG_PASSWORD, 422, "wrong_current_password" },
	{ XJ_E_CLASS_EXISTS, 409, "class_exists" },
	{ XJ_E_CLASS_FULL, 409, "class_numbers_exhausted" },
	{ XJ_E_STUDENT_NOT_IN_SCHOOL, 409, "student_not_in_school" },
	{ XJ_E_F_STUDENTNO_FORMAT, 422, "student_number_format" },
	{ XJ_E_F_STUDENTNO_BIRTH, 422, "student_number_birth_date" },
	{ XJ_E_F_STUDENTNO_CHECK, 422, "student_number_check_char" },
	{ XJ_E_F_CLASS_CODE, 422, "class_code_format" },
	{ XJ_E_F_CLASS_BRANCH, 422, "class_number_branch" },
	{ XJ_E_F_CLASS_MISMATCH, 422, "class_mismatch" },
	{ XJ_E_F_TERM, 422, "term_format" },
	{ XJ_E_LIST_PARTLY_DECIDED, 409, "list_partly_decided" },
	/* issue 10, scope and audit (M5, L12) */
	{ XJ_E_LOOKUP_LIMITED, 429, "lookup_limited" },
	{ XJ_E_FILTER_REQUIRED, 400, "filter_required" },
	{ XJ_E_REG_VOID, 410, "registration_void" },
	/* issue 10 (D: logins) */
	{ XJ_E_PASSWORD_CHANGE_REQUIRED, 403, "password_change_required" },
	{ XJ_E_OTP_ENROLMENT_REQUIRED, 403, "second_factor_enrolment_required" },
	{ XJ_E_OTP_REQUIRED, 401, "otp_required" },
	{ XJ_E_OTP_INVALID, 401, "otp_invalid" },
	{ XJ_E_OTP_ENROLLED, 409, "second_factor_enrolled" },
	{ XJ_E_F_SAME_PASSWORD, 422, "same_password" },
	{ XJ_E_F_WRONG_OTP, 422, "wrong_otp" },
	/* issue 10 (A): phone ownership and per-account limits */
	{ XJ_E_RATE_LIMITED, 429, "rate_limited" },
	{ XJ_E_REG_LIMIT, 409, "registration_limit" },
	{ XJ_E_REG_RATE, 429, "registration_rate_limited" },
	{ XJ_E_F_SMS_CODE, 422, "sms_code_invalid" },
	/* issue 12 item 4: key-data changes */
	{ XJ_E_F_CONTROLLED, 422, "key_field_controlled" },
	{ XJ_E_F_NOT_CONTROLLED, 422, "key_field_not_controlled" },
	{ XJ_E_F_UNCHANGED, 422, "key_field_unchanged" },
	/* issue 11 item 9: certificates of student status, closed schools */
	{ XJ_E_SCHOOL_CLOSED, 409, "school_closed" },
	{ XJ_E_STATUS_NOT_CERTIFIABLE, 409, "status_not_certifiable" },
	/* issue 11 (wf): the workflow engine and transfers */
	{ XJ_E_TRANSFER_MISMATCH, 422, "transfer_refused_2001" },
	{ XJ_E_TRANSFER_BUSY, 409, "transfer_refused_2002" },
	{ XJ_E_TRANSFER_PROBLEM, 409, "transfer_refused_2003" },
	{ XJ_E_TRANSFER_SAME_SCHOOL, 409, "transfer_same_school" },
	{ XJ_E_TRANSFER_FROZEN, 409, "transfer_frozen" },
	{ XJ_E_WF_EXCHANGE, 409, "workflow_exchange_unavailable" },
	{ XJ_E_WF_STEP_DECIDED, 409, "workflow_step_decided" },
	{ XJ_E_WF_NOT_YOUR_STEP, 403, "workflow_not_your_step" },
	{ XJ_E_WF_NOT_OVERDUE, 409, "workflow_not_overdue" },
	/* issue 12: problem records */
	{ XJ_E_PROBLEM_CHANGE_NO_EFFECT, 409, "problem_change_no_effect" },
	{ XJ_E_PROBLEM_NOT_OPEN, 409, "problem_member_not_open" },
	/* issue 12 item 3: evidence files */
	{ XJ_E_EVIDENCE_LIMIT, 409, "evidence_limit" },
	{ XJ_E_EVIDENCE_REQUIRED, 422, "evidence_required" },
	{ XJ_E_EVIDENCE_UNKNOWN, 422, "evidence_file_unknown" },
	{ XJ_E_F_FILE_TYPE, 422, "evidence_file_type" },
	{ XJ_E_F_FILE_NAME, 422, "evidence_file_name" },
	/* issue 11 item 6: status changes */
	{ XJ_E_STATUS_MOVE_INVALID, 409, "status_change_not_allowed" },
	{ XJ_E_GRADE_CHANGE_OFF, 409, "grade_change_disabled" },
	{ XJ_E_WF_SAME_PERSON, 403, "workflow_same_person" },
	{ XJ_E_GRADE_CHANGE_RANGE, 409, "grade_change_out_of_range" },
	/* issue 12 item 5: 补建学籍 and batch import */
	{ XJ_E_IMPORT_MEDIA_TYPE, 415, "import_media_type" },
	{ XJ_E_F_SUPP_GRADE_ONE, 422, "supplement_grade_one" },
	{ XJ_E_F_IMPORT_COLUMN, 422, "import_column_unknown" },
	{ XJ_E_F_IMPORT_CSV, 422, "import_line_malformed" },
	{ XJ_E_F_IMPORT_ENCODING, 422, "import_encoding" },
	/* issue 13: the ministry exchange */
	{ XJ_E_X_UNAVAILABLE, 503, "exchange_not_configured" },
	{ XJ_E_X_SIG_MISSING, 401, "signature_missing" },
	{ XJ_E_X_SIG_INVALID, 401, "signature_invalid" },
	{ XJ_E_X_TOO_LARGE, 413, "message_too_large" },
	{ XJ_E_X_MEDIA_TYPE, 415, "xml_media_type" },
	{ XJ_E_X_MALFORMED, 400, "xml_malformed" },
	{ XJ_E_X_DOCTYPE, 400, "xml_doctype_refused" },
	{ XJ_E_X_LIMIT, 400, "xml_limit_exceeded" },
	{ XJ_E_X_VERSION, 400, "unknown_version" },
	{ XJ_E_X_SCHEMA, 422, "schema_violation" },
	{ XJ_E_X_TYPE_MISMATCH, 422, "type_mismatch" },
	{ XJ_E_X_RECEIVER, 422, "wrong_receiver" },
	{ XJ_E_X_SENDER, 403, "sender_mismatch" },
	{ XJ_E_X_ID_REUSED, 409, "message_id_reused" },
	{ XJ_E_X_CORRELATION, 422, "unknown_correlation" },
	{ XJ_E_X_NOT_SENT, 422, "record_not_sent" },
	{ XJ_E_X_CURSOR_UNKNOWN, 422, "outbox_cursor_unknown" },
	{ XJ_E_X_TYPE_NOT_ACCEPTED, 422, "type_not_accepted" },
	/* issue 13 item 6: a CheckResult's Issued refused per record */
	{ XJ_E_X_NC_MISMATCH, 422, "number_mismatch" },
	{ XJ_E_X_NC_TAKEN, 422, "number_taken" },
	{ XJ_E_X_NC_INVALID, 422, "number_invalid" },
	/* issue 13 item 7: cross-province moves, the receiving side */
	{ XJ_E_XMOVE_WINDOW_CLOSED, 409, "graduate_move_closed" },
	{ XJ_E_XMOVE_RECORD_HERE, 409, "transfer_record_here" },
	{ XJ_E_XMOVE_UNKNOWN, 422, "transfer_unknown" },
	{ XJ_E_XMOVE_NOT_WAITING, 409, "transfer_not_waiting" },
	{ XJ_E_XMOVE_STUDENT_MISMATCH, 422, "transfer_student_mismatch" },
	{ XJ_E_XMOVE_STEP, 422, "transfer_step_invalid" },
	{ XJ_E_XMOVE_UNANSWERED_LIMIT, 429, "transfer_unanswered_limit" },
	/* review R6: a worker's message the XSD cannot carry */
	{ XJ_E_X_UNSENDABLE, 409, "exchange_unsendable" },
	{ XJ_E_F_XMOVE_SAME_PROVINCE, 422, "transfer_same_province" },
	/* issue 11 item 8: year-end batches */
	{ XJ_E_YEAREND_EXISTS, 409, "yearend_batch_exists" },
	{ XJ_E_YEAREND_STARTED, 409, "yearend_batch_started" },
};

static int
has_non_ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static int
printable_ascii(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* machine codes are identifiers: [a-z][a-z0-9_]* */
static int
snake_case(const char *s)
{
	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static void
test_rows(void)
{
	for (size_t i = 0; i < NROWS; i++) {
		const struct xj_errinfo *e = xj_err_info(rows[i].err);
		const char *c = rows[i].code;
		char name[128];
		int unique = 1;

		ok(e->status >= 400 && e->status <= 599 && e->status == rows[i].status,
		    "err: %s has its table status %d, within 400..599",
		    rows[i].name, rows[i].status);
		ok(snake_case(e->code) && strcmp(e->code, c) == 0,
		    "err: %s has the non-empty machine code %s", rows[i].name, c);
		for (size_t j = 0; j < NROWS; j++)
			if (j != i && strcmp(rows[j].code, c) == 0)
				unique = 0;
		ok(unique, "err: machine code %s is unique", c);
		ok(e->zh && *e->zh && has_non_ascii(e->zh),
		    "err: %s has a Chinese message", c);
		ok(printable_ascii(e->en), "err: %s has an English message", c);
		snprintf(name, sizeof(name),
		    "err: xj_err_by_code(\"%s\") round-trips to %s", c, rows[i].name);
		is_int(xj_err_by_code(c), rows[i].err, name);
		ok(rows[i].err < 0, "err: %s is a negative value", c);
	}
}

static void
test_pinned(void)
{
	size_t n = sizeof(pinned) / sizeof(pinned[0]);

	for (size_t i = 0; i < n; i++) {
		const struct xj_errinfo *e = xj_err_info(pinned[i].err);
		ok(strcmp(e->code, pinned[i].code) == 0 && e->status == pinned[i].status,
		    "err: released code %s keeps its name and status %d",
		    pinned[i].code, pinned[i].status);
	}
	is_int(NROWS, n, "err: every row is pinned (pin new codes when adding them)");
}

static void
test_unknown(void)
{
	ok(strcmp(xj_err_info(12345)->code, "internal_error") == 0,
	    "err: unknown positive value maps to internal_error");
	ok(strcmp(xj_err_info(-12345)->code, "internal_error") == 0,
	    "err: unknown negative value maps to internal_error");
	ok(strcmp(xj_err_info(XJ_E__FIRST)->code, "internal_error") == 0,
	    "err: XJ_E__FIRST maps to internal_error");
	ok(strcmp(xj_err_info(XJ_E__LAST)->code, "internal_error") == 0,
	    "err: XJ_E__LAST maps to internal_error");
	ok(strcmp(xj_err_info(XJ_OK)->code, "internal_error") == 0,
	    "err: XJ_OK passed as an error maps to internal_error");
	ok(strcmp(xj_err_info(XJ_RETRY)->code, "internal_error") == 0,
	    "err: an unhandled XJ_RETRY maps to internal_error");
	is_int(xj_err_info(XJ_E__LAST)->status, 500, "err: unknown value answers 500");
	is_int(xj_err_by_code("no_such_code"), 0, "err: xj_err_by_code of an unknown code is 0");
	is_int(xj_err_by_code(""), 0, "err: xj_err_by_code of \"\" is 0");
	is_int(xj_err_by_code("Internal_Error"), 0, "err: xj_err_by_code is case-sensitive");
	ok(XJ_RETRY > XJ_E__LAST && XJ_NO_ROW > 0,
	    "err: XJ_RETRY and XJ_NO_ROW lie outside the error range");
	is_int(XJ_E_INTERNAL, XJ_E__FIRST + 1, "err: internal_error is the first row");
}

int
main(void)
{
	plan_lazy();
	test_rows();
	test_pinned();
	test_unknown();
	return done_testing();
}
