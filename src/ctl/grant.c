/* grant.c -- xuejictl grant-app: create or update the application's DB
 * user and give it, table by table, exactly what the workers and the jobs
 * runner (the same user) use, from the explicit map below (review M8,
 * docs/security.md "Database privileges"): SELECT only on reference,
 * policy and org tables, no DELETE where nothing deletes, no UPDATE where
 * nothing updates, audit_log INSERT without `at` and `id` (the server sets
 * them, R-ADM-3), EXECUTE on the procedures (sql/0008), which run with the
 * caller's rights (SQL SECURITY INVOKER), so they open no way around these.
 *
 * Every table of the schema must have a row, and every row a table: a new
 * table fails grant-app loudly (before anything is revoked) instead of
 * silently getting nothing or everything. The map comes from reading
 * every statement of store/sql.h and the procedure; a row's comment says
 * which statements need what. grant-app first revokes everything, so a
 * right taken out of the map is gone after the next run (it runs after
 * every migrate). GRANT cannot take identifiers as parameters, so the
 * names are checked against a strict character set before they are
 * placed in the text. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "store/auditseal.h"
#include "store/sql.h"
#include "ctl.h"

static int
safe_ident(const char *s, const char *extra)
{
	if (*s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || strchr(extra, *s)))
			return 0;
	return 1;
}

static int
run(struct xj_db *db, const char *sql)
{
	if (xj_db_query_const(db, sql, strlen(sql)) != XJ_OK) {
		fprintf(stderr, "grant-app: MariaDB error %u\n", db->err);
		return -1;
	}
	return 0;
}

/* The names statement q lists for schema db (tables, procedures) into
 * names[]: how many, or -1 after an error. */
static char	names[256][65];

static int
names_of(struct xj_db *db, int q, const char *schema, const char *what)
{
	char name[65];
	struct xj_col col = XJ_COL_STR(name, sizeof(name));
	struct xj_val v = XJ_VS(schema);
	int n = 0, rc;

	if ((rc = xj_db_exec(db, q, &v, 1)) != XJ_OK) {
		fprintf(stderr, "grant-app: cannot list %s: MariaDB error %u\n", what, db->err);
		return -1;
	}
	while (n < 256 && (rc = xj_db_fetch(db, q, &col, 1)) == XJ_OK)
		snprintf(names[n++], sizeof(names[0]), "%s", name);
	xj_db_done(db, q);
	return n;
}

/* what the application user may do per table (workers and `xuejictl
 * jobs`); statements by their XJ_Q_ names, "proc" = xj_reg_create.
 * tests/unit/grants.c checks it against every statement of store/sql.h:
 * a statement that needs more fails there, and so does a right that no
 * statement needs. */
const struct xj_ctl_grant xj_ctl_grants[] = {
	/* reference data and policy: read only (owner: migrate, window-set,
	 * age-policy-set, seed-demo) */
	{ "division",		"SELECT" },
	{ "division_history",	"SELECT" },
	{ "ethnicity",		"SELECT" },
	{ "id_doc_type",	"SELECT" },
	{ "org",		"SELECT" },	/* its path is the scope (R-ORG-3) */
	{ "collection_window",	"SELECT" },
	{ "age_policy",		"SELECT" },
	{ "calendar_day",	"SELECT" },	/* issue 11: calendar import is the owner's */
	{ "calendar_year",	"SELECT" },
	{ "schema_migrations",	"SELECT" },
	/* the audit trail: append without choosing id or time; the sealer
	 * reads it and appends chain rows and heads (sql/0014) */
	{ "audit_log",		"SELECT, INSERT (request_id, actor_type, actor_id, actor_role,"
				" actor_org_id, action, target_type, target_id, client_addr,"
				" before_digest, after_digest, row_count, filter)" },
	{ "audit_chain",	"SELECT, INSERT" },
	{ "audit_seal",		"SELECT, INSERT" },
	/* accounts: STAFF_INSERT (accounts route), logins, rehash, disable */
	{ "staff_account",	"SELECT, INSERT, UPDATE" },
	/* PRIVACY_ACCOUNT_DELETE: a parent deletes the account (docs/privacy.md) */
	{ "parent_account",	"SELECT, INSERT, UPDATE, DELETE" },
	/* registrations: proc, REG_UPDATE/TRANSITION, PERMIT_SET, ADM_REG_SCHOOL */
	{ "registration",	"SELECT, INSERT, UPDATE" },
	/* REG_GUARDIANS_DELETE: a correction replaces the guardians */
	{ "registration_guardian", "SELECT, INSERT, DELETE" },
	/* REG_UNCLAIM: a cancelled registration frees the child (R-COL-2) */
	{ "child_claim",	"SELECT, INSERT, DELETE" },
	/* the history: append only */
	{ "registration_event",	"SELECT, INSERT" },
	{ "psb_request",	"SELECT, INSERT, UPDATE" },
	/* NONCE_PURGE */
	{ "psb_nonce",		"SELECT, INSERT, DELETE" },
	{ "cert_review",	"SELECT, INSERT, UPDATE" },
	{ "district_change",	"SELECT, INSERT, UPDATE" },
	/* IDEM_FINISH; IDEM_PURGE (job idempotency-purge) */
	{ "idempotency_key",	"SELECT, INSERT, UPDATE, DELETE" },
	/* the sequences: INSERT ... ON DUPLICATE KEY UPDATE */
	{ "study_permit_seq",	"SELECT, INSERT, UPDATE" },
	{ "admission_notice_seq", "SELECT, INSERT, UPDATE" },
	/* ADM_UNTICK */
	{ "admission",		"SELECT, INSERT, UPDATE, DELETE" },
	{ "admission_list",	"SELECT, INSERT, UPDATE" },
	{ "documents_check",	"SELECT, INSERT, UPDATE" },	/* ADM_DOCS_PUT upserts */
	{ "school_class",	"SELECT, INSERT" },
	{ "student",		"SELECT, INSERT, UPDATE" },
	/* STU_GUARDIAN_SET_CT: the copy re-encrypted for its row (L1), nothing else */
	/* XMV_GUARDIAN_SET: a record back from another province takes the
	 * Dossier's guardians over its own */
	{ "student_guardian",	"SELECT, INSERT, UPDATE (relation, relation_desc, name, id_doc_type,"
	  " id_number_ct, phone_ct, employer)" },
	{ "student_no_issued",	"SELECT, INSERT, UPDATE" },	/* STU_NO_BIND */
	{ "student_term",	"SELECT, INSERT, UPDATE" },	/* TERM_REGISTER upserts */
	/* certificates of student status (sql/0021): the counterfoil is append-only;
	 * the serial counter upserts */
	{ "status_certificate",	"SELECT, INSERT" },
	{ "status_certificate_seq", "SELECT, INSERT, UPDATE" },
	/* issue 11 item 8 (sql/0020): the record's history, append only; the
	 * year-end batches' rows and cursors */
	{ "student_event",	"SELECT, INSERT" },
	/* issue 12 item 5 (sql/0032): an import and its lines; the count is
	 * written once the lines are in (SUPP_IMPORT_COUNT) */
	{ "student_import",	"SELECT, INSERT, UPDATE" },
	{ "student_import_line", "SELECT, INSERT" },
	{ "yearend_batch",	"SELECT, INSERT, UPDATE" },
	{ "yearend_claim",	"SELECT, INSERT, UPDATE" },	/* YE_CLAIM upserts */
	/* the notice in force (sql/0016): the owner publishes a version */
	{ "privacy_notice",	"SELECT" },
	/* STAFF_GUARD_*: failed sign-ins per (account, client address), M3
	 * (sql/0012); the job staff-login-guard-purge deletes stale rows */
	{ "staff_login_guard",	"SELECT, INSERT, UPDATE, DELETE" },
	/* phone ownership (sql/0009): one-time codes, the workers' rate
	 * counters, the SMS outbox the job sms-deliver leases and sends;
	 * sms-purge deletes what expired */
	{ "sms_purpose",	"SELECT" },
	{ "phone_code",		"SELECT, INSERT, UPDATE, DELETE" },
	{ "rate_counter",	"SELECT, INSERT, UPDATE, DELETE" },
	{ "sms_outbox",		"SELECT, INSERT, UPDATE, DELETE" },
	/* CLAIM_QUOTA_*: a staff account's hourly claim look-ups (sql/0010) */
	{ "claim_lookup_quota",	"SELECT, INSERT, UPDATE" },
	/* the workflow engine (sql/0019): chains are read-only data; cases,
	 * steps and notices are written, never deleted (the history);
	 * freezes are policy, set by xuejictl transfer-freeze as the owner (M8) */
	{ "workflow_type",	"SELECT" },
	{ "workflow_type_step",	"SELECT" },
	{ "workflow",		"SELECT, INSERT, UPDATE" },
	{ "workflow_step",	"SELECT, INSERT, UPDATE" },
	{ "workflow_notice",	"SELECT, INSERT" },
	{ "transfer_freeze",	"SELECT" },
	/* issue 13 item 7 (sql/0033): cross-province moves, the receiving
	 * side; the windows are policy (xuejictl graduate-move-window) */
	{ "xmove",		"SELECT, INSERT, UPDATE" },
	{ "xmove_decision",	"SELECT, INSERT" },
	{ "graduate_move_window", "SELECT" },
	/* issue 12 (sql/0024): problem groups and their members are written,
	 * never deleted (a resolved group is history); a member's row
	 * changes with its resolution */
	{ "problem_group",	"SELECT, INSERT, UPDATE" },
	{ "problem_member",	"SELECT, INSERT, UPDATE" },
	{ "problem_resolution",	"SELECT, INSERT" },
	/* issue 12 item 3: evidence files are never changed or removed by
	 * the workers (xuejictl rekey re-encrypts as the owner) */
	{ "evidence_blob",	"SELECT, INSERT" },
	{ "evidence_file",	"SELECT, INSERT" },
	{ "workflow_evidence",	"SELECT, INSERT" },
	{ "problem_scope",	"SELECT, INSERT, UPDATE" },
	/* issue 12 item 4 (sql/0026): the controlled fields are the owner's
	 * (xuejictl key-fields); a change request is written once, read after */
	{ "key_field",		"SELECT" },
	{ "key_data_change",	"SELECT, INSERT" },
	{ "key_data_change_field", "SELECT, INSERT" },
	/* issue 11 item 6 (sql/0025): what a status change asks for, written
	 * once; the provinces' repeat/skip switches are policy, set by
	 * xuejictl grade-change as the owner */
	{ "status_change",	"SELECT, INSERT" },
	{ "grade_change_policy", "SELECT" },
	/* issue 13 (sql/0027): the ministry exchange. The inbox is append
	 * only but for its retention (its rows are the exactly-once record);
	 * an outbox row is immutable but for its acknowledgement. The outbox's writers (the
	 * next increment) add INSERT on the outbox tables */
	/* session 7 (ops): the jobs runner deletes inbox rows past [exchange]
	 * inbox_retention_days, acknowledged outbox messages past
	 * outbox_retention_days and their answered record rows */
	{ "exchange_inbox",	"SELECT, INSERT, DELETE" },
	/* issue 13 item 4 (sql/0029): the outbox's writer inserts; of a
	 * written message only its acknowledgement, offer and alert
	 * columns change, never its bytes, signature, id or receiver */
	{ "exchange_outbox",	"SELECT, INSERT, DELETE, UPDATE (acked_at, ack_status, ack_message_id,"
	  " offered_count, last_offered_at, alerted_at)" },
	/* issue 13 item 6: the CheckResult that answered a record; session 7
	 * (ops): the retention job deletes a deleted message's records */
	{ "exchange_outbox_record", "SELECT, INSERT, DELETE, UPDATE (answered_message_id)" },
	/* issue 13 item 6 (sql/0031): the other provinces' records of a
	 * national group are the ministry's latest list, replaced whole */
	{ "problem_national_other", "SELECT, INSERT, DELETE" },
	{ "exchange_outbox_cursor", "SELECT, INSERT, UPDATE" },
	/* issue 13 item 7, xsend (sql/0034): a relayed request once per
	 * TransferId; messages waiting for the signing job, deleted when
	 * moved into the outbox */
	{ "xsend_request",	"SELECT, INSERT" },
	{ "exchange_outbox_pending", "SELECT, INSERT, DELETE" },
};
const size_t xj_ctl_ngrants = sizeof(xj_ctl_grants) / sizeof(xj_ctl_grants[0]);

static int
mapped(const char *table)
{
	for (size_t i = 0; i < xj_ctl_ngrants; i++)
		if (strcmp(xj_ctl_grants[i].table, table) == 0)
			return (int)i;
	return -1;
}

/* The audit trail trusts the server's clock; a session that may set its
 * own (SET timestamp) could back-date what it writes. */
static void
secure_timestamp_check(struct xj_db *db)
{
	char st[32];

	if (xj_auditseal_secure_timestamp(db, st, sizeof(st)) == XJ_OK &&
	    strcmp(st, "YES") != 0 && strcmp(st, "REPLICATION") != 0)
		fprintf(stderr, "grant-app: warning: MariaDB runs with secure_timestamp=%s: the"
		    " application user can set its session clock and back-date audit entries;"
		    " set secure_timestamp = YES (docs/operations.md \"MariaDB settings\")\n", st);
}

int
xj_ctl_grant_app(struct xj_db *db, const struct xj_conf *c, const char *host)
{
	char sql[1024];
	int n, bad = 0;

	if (!safe_ident(c->db_user, "") || !safe_ident(host, ".%-:") ||
	    !safe_ident(c->db_name, "")) {
		fprintf(stderr, "grant-app: user, host and database names must be [A-Za-z0-9_] (host also . %% - :)\n");
		return 1;
	}
	if (c->db_password[0] == '\0' || !safe_ident(c->db_password, "")) {
		fprintf(stderr, "grant-app: [db] password_file must hold a password of letters and digits (xuejictl keygen writes one)\n");
		return 1;
	}
	/* every table mapped, every row a table, before anything changes */
	if ((n = names_of(db, XJ_Q_TABLES_OF_SCHEMA, c->db_name, "tables")) < 0)
		return 1;
	for (size_t i = 0; i < xj_ctl_ngrants; i++) {
		int found = 0;
		for (int j = 0; j < n && !found; j++)
			found = strcmp(names[j], xj_ctl_grants[i].table) == 0;
		if (!found) {
			fprintf(stderr, "grant-app: table %s of the grant map is not in schema %s:"
			    " run xuejictl migrate first\n", xj_ctl_grants[i].table, c->db_name);
			bad++;
		}
	}
	for (int j = 0; j < n; j++)
		if (mapped(names[j]) < 0) {
			fprintf(stderr, "grant-app: table %s has no row in the grant map"
			    " (src/ctl/grant.c): say what the workers and jobs need on it\n",
			    safe_ident(names[j], "") ? names[j] : "(unusual name)");
			bad++;
		}
	if (bad) {
		fprintf(stderr, "grant-app: nothing granted or revoked\n");
		return 1;
	}
	snprintf(sql, sizeof(sql), "CREATE USER IF NOT EXISTS '%s'@'%s' IDENTIFIED BY '%s'",
	    c->db_user, host, c->db_password);
	if (run(db, sql) != 0)
		return 1;
	snprintf(sql, sizeof(sql), "ALTER USER '%s'@'%s' IDENTIFIED BY '%s'",
	    c->db_user, host, c->db_password);
	if (run(db, sql) != 0)
		return 1;
	/* start from nothing: a right taken out of the map is gone */
	snprintf(sql, sizeof(sql), "REVOKE ALL PRIVILEGES, GRANT OPTION FROM '%s'@'%s'",
	    c->db_user, host);
	if (run(db, sql) != 0)
		return 1;
	for (size_t i = 0; i < xj_ctl_ngrants; i++) {
		snprintf(sql, sizeof(sql), "GRANT %s ON `%s`.`%s` TO '%s'@'%s'",
		    xj_ctl_grants[i].privs, c->db_name, xj_ctl_grants[i].table, c->db_user, host);
		if (run(db, sql) != 0)
			return 1;
		printf("grant %s on %s to %s@%s\n", xj_ctl_grants[i].privs, xj_ctl_grants[i].table,
		    c->db_user, host);
	}
	if ((n = names_of(db, XJ_Q_PROCEDURES_OF_SCHEMA, c->db_name, "procedures")) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		if (!safe_ident(names[i], "")) {
			fprintf(stderr, "grant-app: skipping procedure with unusual name\n");
			continue;
		}
		snprintf(sql, sizeof(sql), "GRANT EXECUTE ON PROCEDURE `%s`.`%s` TO '%s'@'%s'",
		    c->db_name, names[i], c->db_user, host);
		if (run(db, sql) != 0)
			return 1;
		printf("grant EXECUTE on procedure %s to %s@%s\n", names[i], c->db_user, host);
	}
	secure_timestamp_check(db);
	return 0;
}
