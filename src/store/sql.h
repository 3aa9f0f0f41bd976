/* sql.h -- the statement registry (kcgi's sqlbox): every SQL statement the
 * programs run is a row here, prepared per connection on first use, always
 * with bound parameters. Store functions name statements by XJ_Q_*; no
 * other file holds SQL text (migration files aside). */
#ifndef XJ_STORE_SQL_H
#define XJ_STORE_SQL_H

#include "db/db.h"

/* issue 11 item 8: the cohorts a year-end batch changes (six bounds:
 * primary, junior, senior); store/yearend.c binds them */
#define XJ_YE_COHORTS \
	" AND ((s.level = 1 AND s.entry_year - s.grade_offset BETWEEN ? AND ?)" \
	" OR (s.level = 2 AND s.entry_year - s.grade_offset BETWEEN ? AND ?)" \
	" OR (s.level = 3 AND s.entry_year - s.grade_offset BETWEEN ? AND ?))"

/* Issue 15 (Galera): the reads the API promises to show a client's own
 * write at once, even when the write committed through another node
 * (docs/operations.md "Galera", "Read your writes"): the node first
 * applies everything committed in the cluster before the read starts
 * (a causality wait of one group round trip). Only these rows: every
 * other read may lag a node's applier by a few milliseconds. Servers
 * without Galera ignore the variable (MariaDB has it in every build with
 * wsrep support, Debian's included). */
#define XJ_SQL_CAUSAL	"SET STATEMENT wsrep_sync_wait = 1 FOR "

/*  name               flags            sql */
#define XJ_STORE_SQL(X) \
	X(SCHEMA_VERSION,    0, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") \
	/* no `at`: the server's default sets it; the application user may \
	 * not name it (sql/0014, ctl/grant.c) */ \
	X(AUDIT_INSERT,      0, \
	  "INSERT INTO audit_log (request_id, actor_type, actor_id, actor_role," \
	  " actor_org_id, action, target_type, target_id, client_addr, before_digest," \
	  " after_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(REF_DIVISIONS,     0, "SELECT code, name, level, COALESCE(parent_code, '') FROM division ORDER BY code") \
	X(REF_HISTORY_CODES, 0, "SELECT DISTINCT code FROM division_history ORDER BY code") \
	X(REF_ETHNICITIES,   0, "SELECT code, name FROM ethnicity ORDER BY code") \
	X(REF_DOC_TYPES,     0, "SELECT code, name FROM id_doc_type ORDER BY code") \
	X(ORG_BY_KIND_CODE,  0, "SELECT id, path FROM org WHERE kind = ? AND code = ?") \
	X(ORG_BY_ID,         0, "SELECT kind, code, name, path FROM org WHERE id = ?") \
	X(ORG_INSERT_SCHOOL, XJ_SQL_DUP_OK, \
	  "INSERT INTO org (kind, code, name, parent_id, path, county_id, supervisor_id)" \
	  " VALUES ('school', ?, ?, ?, ?, ?, ?)") \
	X(STAFF_INSERT,      XJ_SQL_DUP_OK, \
	  "INSERT INTO staff_account (org_id, login, display_name, role, pw_hash)" \
	  " VALUES (?, ?, ?, ?, ?)") \
	X(PARENT_INSERT,     XJ_SQL_DUP_OK, \
	  "INSERT INTO parent_account (phone_bidx, phone_ct, pw_hash) VALUES (?, ?, ?)") \
	X(PARENT_BY_PHONE,   0, \
	  "SELECT id, pw_hash, session_gen, failed_logins," \
	  " COALESCE(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), locked_until), 0)" \
	  " FROM parent_account WHERE phone_bidx = ?") \
	X(PARENT_BY_ID,      0, \
	  "SELECT pw_hash, session_gen FROM parent_account WHERE id = ?") \
	X(PARENT_GEN,        0, "SELECT session_gen FROM parent_account WHERE id = ?") \
	X(PARENT_LOGIN_OK,   0, \
	  "UPDATE parent_account SET failed_logins = 0, locked_until = NULL WHERE id = ?") \
	X(PARENT_REHASH,     0, "UPDATE parent_account SET pw_hash = ? WHERE id = ?") \
	X(STAFF_REHASH,      0, "UPDATE staff_account SET pw_hash = ? WHERE id = ?") \
	X(PARENT_BUMP_GEN,   0, "UPDATE parent_account SET session_gen = session_gen + 1 WHERE id = ?") \
	X(PARENT_SET_PW,     0, \
	  "UPDATE parent_account SET pw_hash = ?, session_gen = session_gen + 1 WHERE id = ?") \
	X(STAFF_GEN,         0, \
	  "SELECT a.session_gen, a.status, a.role, a.org_id FROM staff_account a WHERE a.id = ?") \
	X(STAFF_BY_LOGIN,    0, \
	  "SELECT id, status, pw_hash, session_gen, failed_logins," \
	  " COALESCE(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), locked_until), 0), role, org_id," \
	  " must_change_pw, totp_enabled, COALESCE(totp_secret_ct, ''), COALESCE(totp_last_step, -1)" \
	  " FROM staff_account WHERE login = ?") \
	X(STAFF_BY_ID,       0, \
	  "SELECT a.login, a.display_name, a.role, o.id, o.kind, o.code, o.name FROM staff_account a" \
	  " JOIN org o ON o.id = a.org_id WHERE a.id = ?") \
	X(STAFF_LOGIN_OK,    0, \
	  "UPDATE staff_account SET failed_logins = 0, locked_until = NULL," \
	  " session_gen = session_gen + 1 WHERE id = ? AND status = 'active'") \
	X(STAFF_BUMP_GEN,    0, "UPDATE staff_account SET session_gen = session_gen + 1 WHERE id = ?") \
	/* issue 10 (G: L5): the nonce with its request timestamp, stored only \
	 * when that is fresh on the database clock; purged by it */ \
	X(NONCE_INSERT,      XJ_SQL_DUP_OK, \
	  "INSERT INTO psb_nonce (nonce, ts, seen_at) SELECT ?, ?, UTC_TIMESTAMP(6) FROM DUAL" \
	  " WHERE ABS(CAST(? AS SIGNED) - CAST(UNIX_TIMESTAMP() AS SIGNED)) <= ?") \
	X(NONCE_PURGE,       0, \
	  "DELETE FROM psb_nonce WHERE ts < CAST(UNIX_TIMESTAMP() AS SIGNED) - ? LIMIT 1000") \
	/* sql/0008: a registration with its claim, guardians, first event, \
	 * PSB request, audit entry and idempotent answer, as its own \
	 * transaction or inside the caller's (69 values: \
	 * store/registration.c create_vals; sql/0009 added the cap) */ \
	X(REG_CREATE,        XJ_SQL_DUP_OK | XJ_SQL_CALL | XJ_SQL_SIGNAL_OK, \
	  "CALL xj_reg_create(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?," \
	  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?," \
	  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?," \
	  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?," \
	  " ?, ?, ?, ?)") /* p_notice (sql/0016); p_cap, p_rate, p_rate_window (sql/0009) */ \
	X(REG_ID_BY_PREREG,  0, "SELECT id FROM registration WHERE prereg_no = ?") \
	/* what POST /registrations reads before it writes, in one round \
	 * trip: the session's account (generation), the county, the school \
	 * asked for, the collection windows of county, city and province \
	 * (R-COL-1) and the province's age rule (R-COL-8); one row per \
	 * window found, one row of NULLs beside the account without one */ \
	X(REG_CONTEXT,       0, \
	  "SELECT p.session_gen, c.id, c.path, s.id, s.name, s.path, w.division_code," \
	  " CAST(UNIX_TIMESTAMP(w.opens_at) AS SIGNED), CAST(UNIX_TIMESTAMP(w.closes_at) AS SIGNED)," \
	  " a.min_age, a.cutoff_month, a.cutoff_day," \
	  " (SELECT MAX(n.version) FROM privacy_notice n WHERE n.published_at <= UTC_TIMESTAMP(6))" \
	  " FROM parent_account p" \
	  " LEFT JOIN org c ON c.kind = 'county' AND c.code = ?" \
	  " LEFT JOIN org s ON s.kind = 'school' AND s.code = ?" \
	  " LEFT JOIN collection_window w ON w.year = ? AND w.division_code IN (?, ?, ?)" \
	  " LEFT JOIN age_policy a ON a.province_code = ?" \
	  " WHERE p.id = ?") \
	X(REG_GUARDIAN_INSERT, 0, \
	  "INSERT INTO registration_guardian (registration_id, idx, relation, relation_desc," \
	  " name, id_doc_type, id_number_ct, phone_ct, employer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(REG_GUARDIANS,     0, \
	  "SELECT relation, relation_desc, name, COALESCE(id_doc_type, ''), id_number_ct, phone_ct," \
	  " employer FROM registration_guardian WHERE registration_id = ? ORDER BY idx") \
	X(REG_CLAIM,         XJ_SQL_DUP_OK, \
	  "INSERT INTO child_claim (child_bidx, registration_id) VALUES (?, ?)") \
	X(REG_UNCLAIM,       0, "DELETE FROM child_claim WHERE registration_id = ?") \
	X(REG_EVENT_INSERT,  0, \
	  "INSERT INTO registration_event (registration_id, at, event, state, detail)" \
	  " VALUES (?, UTC_TIMESTAMP(6), ?, ?, ?)") \
	X(REG_BY_PREREG,     0, \
	  XJ_SQL_CAUSAL "SELECT id, prereg_no, year, county_code, COALESCE(school_org_id, 0), parent_id, state," \
	  " cert_state, version, local_family, COALESCE(special_category, ''), child_name, sex," \
	  " DATE_FORMAT(birth_date, '%Y-%m-%d'), id_doc_type, id_number_ct, ethnicity, nationality," \
	  " hukou_nature, hukou_code, birthplace, native_place, current_address, home_address," \
	  " contact_address, left_behind, migrant_worker_child, distance_dm, age_warning," \
	  " COALESCE(study_permit_no, ''), DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')," \
	  " DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s'), child_bidx," \
	  " COALESCE(privacy_notice_version, 0)" \
	  " FROM registration WHERE prereg_no = ?") \
	/* the parent's status poll in one round trip: the session's account \
	 * (its generation), the registration if it is that parent's, and its \
	 * history; one row per event (one row of NULLs without a match) */ \
	X(REG_STATUS,        0, \
	  XJ_SQL_CAUSAL "SELECT a.session_gen, r.id, r.state, r.cert_state, r.local_family," \
	  " DATE_FORMAT(e.at, '%Y-%m-%d %H:%i:%s'), e.event, e.state, e.detail, e.id," \
	  " r.id_doc_type, LENGTH(r.id_number_ct)" \
	  " FROM parent_account a" \
	  " LEFT JOIN registration r ON r.prereg_no = ? AND r.parent_id = a.id" \
	  " LEFT JOIN registration_event e ON e.registration_id = r.id" \
	  " WHERE a.id = ?") /* no ORDER BY: with it the join went through a \
	  temporary table and a filesort (EXPLAIN); the caller sorts by e.id */ \
	X(REG_LIST_BY_PARENT, 0, \
	  XJ_SQL_CAUSAL "SELECT prereg_no, county_code, state, cert_state, child_name," \
	  " DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), id_doc_type, LENGTH(id_number_ct)" \
	  " FROM registration WHERE parent_id = ?" \
	  " ORDER BY id DESC LIMIT 50") \
	X(REG_TRANSITION,    0, \
	  "UPDATE registration SET state = ?, cert_state = ?, updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ? AND state = ? AND cert_state = ?") \
	X(REG_UPDATE,        0, \
	  "UPDATE registration SET school_org_id = ?, state = ?, cert_state = ?, version = version + 1," \
	  " local_family = ?, special_category = ?, child_bidx = ?, child_name = ?, sex = ?," \
	  " birth_date = ?, id_doc_type = ?, id_number_ct = ?, ethnicity = ?, nationality = ?," \
	  " hukou_nature = ?, hukou_code = ?, birthplace = ?, native_place = ?, current_address = ?," \
	  " home_address = ?, contact_address = ?, left_behind = ?, migrant_worker_child = ?," \
	  " distance_dm = ?, age_warning = ?, guardian_link = NULL, updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ? AND state = ? AND cert_state = ? AND version = ?") \
	X(REG_GUARDIANS_DELETE, 0, "DELETE FROM registration_guardian WHERE registration_id = ?") \
	X(PSB_SUPERSEDE,     0, \
	  "UPDATE psb_request SET state = 'superseded' WHERE registration_id = ?" \
	  " AND state IN ('pending', 'offered')") \
	X(CHANGE_INSERT,     0, \
	  "INSERT INTO district_change (registration_id, from_county, to_county, state, reason," \
	  " requested_at) VALUES (?, ?, ?, 'requested', ?, UTC_TIMESTAMP(6))") \
	X(CHANGE_OPEN,       0, \
	  "SELECT COUNT(*) FROM district_change WHERE registration_id = ?" \
	  " AND state IN ('requested', 'revoked') FOR UPDATE") \
	X(CHANGE_LIST,       0, \
	  "SELECT id, from_county, to_county, state, reason," \
	  " DATE_FORMAT(requested_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(DATE_FORMAT(decided_at, '%Y-%m-%d %H:%i:%s'), '')" \
	  " FROM district_change WHERE registration_id = ? ORDER BY id") \
	X(PSB_ENQUEUE,       0, \
	  "INSERT INTO psb_request (token, registration_id, reg_version, state, created_at)" \
	  " VALUES (?, ?, ?, 'pending', UTC_TIMESTAMP(6))") \
	/* store/psb.c: FORCE INDEX keeps the claim an ordered walk of \
	 * (state, id) that stops after LIMIT rows; a filesort would lock \
	 * every candidate (docs/psb.md §3) */ \
	X(PSB_CLAIM_PENDING, 0, \
	  "SELECT id, token, registration_id, reg_version FROM psb_request FORCE INDEX (psb_state)" \
	  " WHERE state = 'pending' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED") \
	X(PSB_CLAIM_EXPIRED, 0, \
	  "SELECT id, token, registration_id, reg_version FROM psb_request FORCE INDEX (psb_state)" \
	  " WHERE state = 'offered' AND offered_until < UTC_TIMESTAMP(6) ORDER BY id LIMIT ?" \
	  " FOR UPDATE SKIP LOCKED") \
	X(PSB_SUBJECT,       0, \
	  "SELECT r.state, r.cert_state, r.version, r.local_family, r.child_name, r.sex," \
	  " DATE_FORMAT(r.birth_date, '%Y-%m-%d'), r.id_doc_type, r.id_number_ct, r.prereg_no," \
	  " COALESCE(g.name, ''), COALESCE(g.id_doc_type, ''), g.id_number_ct FROM registration r" \
	  " LEFT JOIN registration_guardian g ON g.registration_id = r.id AND g.idx = 0 WHERE r.id = ?") \
	X(PSB_OFFER,         0, \
	  "UPDATE psb_request SET state = 'offered', offered_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND," \
	  " offers = offers + 1 WHERE id = ?") \
	X(PSB_RETIRE,        0, \
	  "UPDATE psb_request SET state = 'superseded' WHERE id = ? AND state IN ('pending', 'offered')") \
	X(PSB_BY_TOKEN,      0, \
	  "SELECT id, registration_id, reg_version, state, COALESCE(outcome, ''), COALESCE(mismatched, '')," \
	  " COALESCE(guardian_link, '') FROM psb_request WHERE token = ?") \
	X(PSB_LOCK,          0, \
	  "SELECT id, registration_id, reg_version, state, COALESCE(outcome, ''), COALESCE(mismatched, '')," \
	  " COALESCE(guardian_link, '') FROM psb_request WHERE id = ? FOR UPDATE") \
	X(PSB_ANSWER,        0, \
	  "UPDATE psb_request SET state = 'answered', outcome = ?, mismatched = ?, guardian_link = ?," \
	  " answered_at = UTC_TIMESTAMP(6) WHERE id = ? AND state IN ('pending', 'offered')") \
	X(PSB_GUARDIAN_LINK, 0, "UPDATE registration SET guardian_link = ? WHERE id = ?") \
	X(PSB_TARGET_LOCK,   0, \
	  "SELECT prereg_no, state, cert_state, version, local_family FROM registration" \
	  " WHERE id = ? FOR UPDATE") \
	X(WINDOWS_FOR,       0, \
	  "SELECT division_code, CAST(UNIX_TIMESTAMP(opens_at) AS SIGNED), CAST(UNIX_TIMESTAMP(closes_at) AS SIGNED)" \
	  " FROM collection_window WHERE year = ? AND division_code IN (?, ?, ?)") \
	X(WINDOW_UPSERT,     0, \
	  "INSERT INTO collection_window (year, division_code, opens_at, closes_at)" \
	  " VALUES (?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))" \
	  " ON DUPLICATE KEY UPDATE opens_at = VALUES(opens_at), closes_at = VALUES(closes_at)") \
	X(AGE_POLICY,        0, \
	  "SELECT min_age, cutoff_month, cutoff_day FROM age_policy WHERE province_code = ?") \
	X(AGE_POLICY_UPSERT, 0, \
	  "INSERT INTO age_policy (province_code, min_age, cutoff_month, cutoff_day) VALUES (?, ?, ?, ?)" \
	  " ON DUPLICATE KEY UPDATE min_age = VALUES(min_age), cutoff_month = VALUES(cutoff_month)," \
	  " cutoff_day = VALUES(cutoff_day)") \
	X(IDEM_INSERT,       XJ_SQL_DUP_OK, \
	  "INSERT INTO idempotency_key (owner_id, scope, key_hash, request_hash, status, response," \
	  " created_at) VALUES (?, ?, ?, ?, 0, '', UTC_TIMESTAMP(6))") \
	X(IDEM_GET,          0, \
	  "SELECT request_hash, status, response FROM idempotency_key" \
	  " WHERE owner_id = ? AND scope = ? AND key_hash = ?") \
	/* issue 10 (C): retention in hours, XJ_IDEM_PURGE_BATCH rows a batch */ \
	X(IDEM_PURGE,        0, \
	  "DELETE FROM idempotency_key WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL ? HOUR LIMIT 1000") \
	X(IDEM_FINISH,       0, \
	  "UPDATE idempotency_key SET status = ?, response = ? WHERE owner_id = ? AND scope = ?" \
	  " AND key_hash = ?") \
	X(CERT_GET,          0, \
	  "SELECT r.id, r.prereg_no, r.year, r.county_code, r.parent_id, r.state, r.cert_state," \
	  " r.local_family, r.child_name, r.sex, DATE_FORMAT(r.birth_date, '%Y-%m-%d'), r.hukou_code," \
	  " COALESCE(r.study_permit_no, ''), COALESCE(c.state, ''), COALESCE(c.details, '')," \
	  " COALESCE(DATE_FORMAT(c.submitted_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(DATE_FORMAT(c.reviewed_at, '%Y-%m-%d %H:%i:%s'), ''), COALESCE(c.reviewer_id, 0)," \
	  " COALESCE(s.display_name, ''), COALESCE(c.reason, ''), COALESCE(o.id, 0), COALESCE(o.path, '')," \
	  " COALESCE(c.details_ct, '')" /* issue 10 (C): M9 */ \
	  " FROM registration r LEFT JOIN cert_review c ON c.registration_id = r.id" \
	  " LEFT JOIN staff_account s ON s.id = c.reviewer_id" \
	  " LEFT JOIN org o ON o.kind = 'county' AND o.code = r.county_code WHERE r.prereg_no = ?") \
	X(CERT_LOCK,         0, \
	  "SELECT r.state, r.cert_state, r.local_family, COALESCE(c.state, '') FROM registration r" \
	  " LEFT JOIN cert_review c ON c.registration_id = r.id WHERE r.id = ? FOR UPDATE") \
	X(CERT_INSERT,       XJ_SQL_DUP_OK, \
	  "INSERT INTO cert_review (registration_id, county_code, state, details, details_ct," \
	  " submitted_at) VALUES (?, ?, 'submitted', '', ?, UTC_TIMESTAMP(6))") \
	X(CERT_REFILE,       0, \
	  "UPDATE cert_review SET state = 'submitted', details = '', details_ct = ?," \
	  " submitted_at = UTC_TIMESTAMP(6)," \
	  " reviewed_at = NULL, reviewer_id = NULL, reason = '' WHERE registration_id = ? AND state = 'rejected'") \
	X(CERT_WITHDRAW,     0, \
	  "UPDATE cert_review SET state = 'withdrawn' WHERE registration_id = ? AND state = 'submitted'") \
	/* issue 10 (C), M9: filings stored in clear before 0011, encrypted by \
	 * the jobs runner (cert-details-encrypt) a batch at a time */ \
	X(CERT_CLEAR_BATCH,  0, \
	  "SELECT c.registration_id, c.details, r.prereg_no FROM cert_review c" \
	  " JOIN registration r ON r.id = c.registration_id WHERE c.details <> ''" \
	  " ORDER BY c.registration_id LIMIT 50 FOR UPDATE SKIP LOCKED") \
	X(CERT_SEAL,         0, \
	  "UPDATE cert_review SET details = '', details_ct = ? WHERE registration_id = ? AND details = ?") \
	X(CERT_DECIDE,       0, \
	  "UPDATE cert_review SET state = ?, reviewed_at = UTC_TIMESTAMP(6), reviewer_id = ?, reason = ?" \
	  " WHERE registration_id = ? AND state = 'submitted'") \
	X(CERT_QUEUE,        0, \
	  "SELECT r.prereg_no, r.county_code, r.state, r.child_name, c.state," \
	  " DATE_FORMAT(c.submitted_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(c.submitted_at, '%Y%m%d%H%i%s%f')," \
	  " c.registration_id, COALESCE(DATE_FORMAT(c.reviewed_at, '%Y-%m-%d %H:%i:%s'), '')" \
	  " FROM cert_review c JOIN org o ON o.kind = 'county' AND o.code = c.county_code" \
	  " JOIN registration r ON r.id = c.registration_id" \
	  " WHERE o.path LIKE ? AND c.state = ?" \
	  " AND (c.state <> 'submitted' OR r.state NOT IN ('cancelled', 'void', 'id_rejected'))" \
	  " AND (c.submitted_at > ? OR (c.submitted_at = ? AND c.registration_id > ?))" \
	  " ORDER BY c.submitted_at, c.registration_id LIMIT ?") \
	X(PERMIT_SEQ_NEXT,   0, \
	  "INSERT INTO study_permit_seq (county_code, year, last_no) VALUES (?, ?, 1)" \
	  " ON DUPLICATE KEY UPDATE last_no = last_no + 1") \
	X(PERMIT_SEQ_GET,    0, "SELECT last_no FROM study_permit_seq WHERE county_code = ? AND year = ?") \
	X(PERMIT_SET,        XJ_SQL_DUP_OK, \
	  "UPDATE registration SET study_permit_no = ?, updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ? AND study_permit_no IS NULL") \
	/* store/noidreview.c: the district's check of a no-ID certificate \
	 * (R-COL-7). "Type Z without a number" is domain/regstate.h's \
	 * xj_reg_noid in SQL: id_doc_type = 'Z' AND LENGTH(id_number_ct) = 0 */ \
	X(NOID_TARGET,       0, \
	  "SELECT r.id, r.prereg_no, r.county_code, COALESCE(o.path, '') FROM registration r" \
	  " LEFT JOIN org o ON o.kind = 'county' AND o.code = r.county_code WHERE r.prereg_no = ?") \
	X(NOID_LOCK,         0, \
	  "SELECT state, cert_state, version, local_family, id_doc_type, LENGTH(id_number_ct)" \
	  " FROM registration WHERE id = ? FOR UPDATE") \
	X(NOID_QUEUE,        0, \
	  "SELECT r.id, r.prereg_no, r.county_code, r.child_name, r.sex," \
	  " DATE_FORMAT(r.birth_date, '%Y-%m-%d'), r.local_family, r.cert_state, r.version," \
	  " DATE_FORMAT(r.created_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(r.updated_at, '%Y-%m-%d %H:%i:%s')" \
	  " FROM org o JOIN registration r ON r.county_code = o.code AND r.state = ?" \
	  " WHERE o.kind = 'county' AND o.path LIKE ? AND r.id_doc_type = 'Z'" \
	  " AND LENGTH(r.id_number_ct) = 0 AND r.id > ? ORDER BY r.id LIMIT ?") \
	/* store/admission.c: applicant check, tick, admission lists, notices, \
	 * district changes decided by the counties (R-ADM-1, R-COL-4) */ \
	X(ADM_SCHOOL_COUNTY, 0, \
	  "SELECT c.code FROM org s JOIN org c ON c.id = s.county_id WHERE s.id = ? AND s.kind = 'school'") \
	X(ADM_APPLICANT,     0, \
	  "SELECT r.id, r.prereg_no, r.year, r.county_code, r.state, r.cert_state, r.local_family," \
	  " r.child_name, r.sex, DATE_FORMAT(r.birth_date, '%Y-%m-%d'), r.id_doc_type, r.id_number_ct," \
	  " r.hukou_code, COALESCE(r.study_permit_no, ''), r.age_warning, r.parent_id," \
	  " COALESCE(r.school_org_id, 0), COALESCE(a.school_org_id, 0), COALESCE(a.state, '')," \
	  " COALESCE(a.reason, ''), COALESCE(a.list_id, 0), COALESCE(a.chosen_school_org_id, 0)," \
	  " COALESCE(DATE_FORMAT(a.ticked_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(DATE_FORMAT(a.admitted_at, '%Y-%m-%d %H:%i:%s'), ''), COALESCE(a.notice_no, '')," \
	  " COALESCE(r.guardian_link, '')" \
	  " FROM registration r LEFT JOIN admission a ON a.registration_id = r.id WHERE r.prereg_no = ?") \
	X(ADM_APPLICANT_LOCK, 0, \
	  "SELECT r.id, r.prereg_no, r.year, r.county_code, r.state, r.cert_state, r.local_family," \
	  " r.child_name, r.sex, DATE_FORMAT(r.birth_date, '%Y-%m-%d'), r.id_doc_type, r.id_number_ct," \
	  " r.hukou_code, COALESCE(r.study_permit_no, ''), r.age_warning, r.parent_id," \
	  " COALESCE(r.school_org_id, 0), COALESCE(a.school_org_id, 0), COALESCE(a.state, '')," \
	  " COALESCE(a.reason, ''), COALESCE(a.list_id, 0), COALESCE(a.chosen_school_org_id, 0)," \
	  " COALESCE(DATE_FORMAT(a.ticked_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(DATE_FORMAT(a.admitted_at, '%Y-%m-%d %H:%i:%s'), ''), COALESCE(a.notice_no, '')," \
	  " COALESCE(r.guardian_link, '')" \
	  " FROM registration r LEFT JOIN admission a ON a.registration_id = r.id WHERE r.id = ? FOR UPDATE") \
	X(ADM_DOCS_GET,      0, \
	  "SELECT d.items, d.note, DATE_FORMAT(d.checked_at, '%Y-%m-%d %H:%i:%s'), COALESCE(s.display_name, '')" \
	  " FROM documents_check d LEFT JOIN staff_account s ON s.id = d.checked_by" \
	  " WHERE d.registration_id = ? AND d.school_org_id = ?") \
	X(ADM_DOCS_PUT,      0, \
	  "INSERT INTO documents_check (registration_id, school_org_id, items, note, checked_by, checked_at)" \
	  " VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE items = VALUES(items)," \
	  " note = VALUES(note), checked_by = VALUES(checked_by), checked_at = VALUES(checked_at)") \
	X(ADM_TICK,          XJ_SQL_DUP_OK, \
	  "INSERT INTO admission (registration_id, school_org_id, county_code, chosen_school_org_id, state," \
	  " ticked_by, ticked_at) VALUES (?, ?, ?, ?, 'ticked', ?, UTC_TIMESTAMP(6))") \
	X(ADM_UNTICK,        0, \
	  "DELETE FROM admission WHERE registration_id = ? AND school_org_id = ?" \
	  " AND state IN ('ticked', 'returned')") \
	X(ADM_REG_SCHOOL,    0, \
	  "UPDATE registration SET school_org_id = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?") \
	X(ADM_LIST_INSERT,   0, \
	  "INSERT INTO admission_list (school_org_id, county_code, state, children, submitted_by, submitted_at)" \
	  " VALUES (?, ?, 'submitted', 0, ?, UTC_TIMESTAMP(6))") \
	/* a child returned from a list the county is still deciding stays on \
	 * it until the list is decided, so that repeating that decision finds \
	 * every child it names (school/admission.c) */ \
	X(ADM_LIST_TAKE,     0, \
	  "UPDATE admission SET state = 'listed', list_id = ?, reason = '' WHERE school_org_id = ?" \
	  " AND county_code = ? AND state IN ('ticked', 'returned') AND NOT EXISTS (SELECT 1" \
	  " FROM admission_list l WHERE l.id = admission.list_id AND l.state = 'deciding')") \
	X(ADM_LIST_COUNT,    0, "UPDATE admission_list SET children = ? WHERE id = ?") \
	X(ADM_LIST_GET,      0, \
	  "SELECT l.id, l.school_org_id, s.code, s.name, s.path, l.county_code, COALESCE(c.path, ''), l.state," \
	  " l.children, l.approved, l.returned, DATE_FORMAT(l.submitted_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(DATE_FORMAT(l.decided_at, '%Y-%m-%d %H:%i:%s'), '')" \
	  " FROM admission_list l JOIN org s ON s.id = l.school_org_id" \
	  " LEFT JOIN org c ON c.kind = 'county' AND c.code = l.county_code WHERE l.id = ?") \
	X(ADM_LIST_LOCK,     0, "SELECT state FROM admission_list WHERE id = ? FOR UPDATE") \
	X(ADM_LISTS,         0, \
	  "SELECT l.id, l.school_org_id, s.code, s.name, s.path, l.county_code, COALESCE(c.path, ''), l.state," \
	  " l.children, l.approved, l.returned, DATE_FORMAT(l.submitted_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(DATE_FORMAT(l.decided_at, '%Y-%m-%d %H:%i:%s'), '')" \
	  " FROM admission_list l JOIN org s ON s.id = l.school_org_id" \
	  " LEFT JOIN org c ON c.kind = 'county' AND c.code = l.county_code" \
	  " WHERE (s.path LIKE ? OR c.path LIKE ?) AND (? = '' OR l.state = ?) ORDER BY l.id DESC LIMIT 100") \
	X(ADM_LIST_CHILDREN, 0, \
	  "SELECT r.id, r.prereg_no, r.child_name, r.sex, DATE_FORMAT(r.birth_date, '%Y-%m-%d'), r.local_family," \
	  " r.state, a.state, a.reason FROM admission a JOIN registration r ON r.id = a.registration_id" \
	  " WHERE a.list_id = ? ORDER BY r.prereg_no") \
	X(ADM_DECIDE_CHILD,  0, \
	  "UPDATE admission SET state = ?, reason = ?, decided_at = UTC_TIMESTAMP(6)" \
	  " WHERE registration_id = ? AND list_id = ? AND state = 'listed'") \
	X(ADM_SET_STUDENT,   0, "UPDATE admission SET student_id = ? WHERE registration_id = ?") \
	/* a list is decided in chunks (school/admission.c): each adds its \
	 * counts; the last one closes it */ \
	X(ADM_LIST_PENDING,  0, \
	  "SELECT registration_id FROM admission WHERE list_id = ? AND state = 'listed'" \
	  " ORDER BY registration_id LIMIT ?") \
	X(ADM_LIST_OUTCOMES, 0, \
	  "SELECT r.prereg_no, a.state FROM admission a JOIN registration r ON r.id = a.registration_id" \
	  " WHERE a.list_id = ?") \
	X(ADM_LIST_ADVANCE,  0, \
	  "UPDATE admission_list SET state = 'deciding', approved = approved + ?, returned = returned + ?" \
	  " WHERE id = ? AND state IN ('submitted', 'deciding')") \
	X(ADM_LIST_CLOSE,    0, \
	  "UPDATE admission_list SET state = 'decided', approved = approved + ?, returned = returned + ?," \
	  " decided_by = ?, decided_at = UTC_TIMESTAMP(6) WHERE id = ? AND state IN ('submitted', 'deciding')") \
	X(ADM_NOTICE_SEQ_NEXT, 0, \
	  "INSERT INTO admission_notice_seq (school_org_id, year, last_no) VALUES (?, ?, 1)" \
	  " ON DUPLICATE KEY UPDATE last_no = last_no + 1") \
	X(ADM_NOTICE_SEQ_GET, 0, \
	  "SELECT last_no FROM admission_notice_seq WHERE school_org_id = ? AND year = ?") \
	X(ADM_ADMIT,         0, \
	  "UPDATE admission SET state = 'admitted', notice_no = ?, admitted_at = UTC_TIMESTAMP(6)" \
	  " WHERE registration_id = ? AND school_org_id = ? AND state = 'approved'") \
	X(STAFF_ADMIN_GET,   0, \
	  "SELECT a.id, a.status, a.role, o.path FROM staff_account a JOIN org o ON o.id = a.org_id" \
	  " WHERE a.login = ?") \
	X(STAFF_ORG_GET,     0, "SELECT id, path FROM org WHERE kind = ? AND code = ? AND status = 'open'") \
	X(STAFF_DISABLE,     0, \
	  "UPDATE staff_account SET status = 'disabled', session_gen = session_gen + 1" \
	  " WHERE id = ? AND status = 'active'") \
	X(CHANGE_GET,        0, \
	  "SELECT d.id, d.registration_id, r.prereg_no, r.child_name, d.from_county, d.to_county, d.state," \
	  " d.reason, d.decision_reason, DATE_FORMAT(d.requested_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(DATE_FORMAT(d.revoked_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(DATE_FORMAT(d.decided_at, '%Y-%m-%d %H:%i:%s'), ''), COALESCE(n.prereg_no, '')," \
	  " COALESCE(f.path, ''), COALESCE(t.path, '')" \
	  " FROM district_change d JOIN registration r ON r.id = d.registration_id" \
	  " LEFT JOIN registration n ON n.id = d.new_registration_id" \
	  " LEFT JOIN org f ON f.kind = 'county' AND f.code = d.from_county" \
	  " LEFT JOIN org t ON t.kind = 'county' AND t.code = d.to_county WHERE d.id = ?") \
	X(CHANGE_QUEUE,      0, \
	  "SELECT d.id, d.registration_id, r.prereg_no, r.child_name, d.from_county, d.to_county, d.state," \
	  " d.reason, d.decision_reason, DATE_FORMAT(d.requested_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(DATE_FORMAT(d.revoked_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(DATE_FORMAT(d.decided_at, '%Y-%m-%d %H:%i:%s'), ''), COALESCE(n.prereg_no, '')," \
	  " COALESCE(f.path, ''), COALESCE(t.path, '')" \
	  " FROM district_change d JOIN registration r ON r.id = d.registration_id" \
	  " LEFT JOIN registration n ON n.id = d.new_registration_id" \
	  " LEFT JOIN org f ON f.kind = 'county' AND f.code = d.from_county" \
	  " LEFT JOIN org t ON t.kind = 'county' AND t.code = d.to_county" \
	  " WHERE (f.path LIKE ? OR t.path LIKE ?) AND (? = '' OR d.state = ?) ORDER BY d.id DESC LIMIT 100") \
	X(CHANGE_REVOKE,     0, \
	  "UPDATE district_change SET state = 'revoked', revoked_by = ?, revoked_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ? AND state = 'requested'") \
	X(CHANGE_DECIDE,     0, \
	  "UPDATE district_change SET state = ?, decided_by = ?, decided_at = UTC_TIMESTAMP(6)," \
	  " decision_reason = ?, new_registration_id = ? WHERE id = ? AND state = ?") \
	/* store/student.c: student records, classes, roster, search, term \
	 * registration, statistics (R-ADM-2, R-REC-1..5; issue 4 §4-6) */ \
	X(STU_REG_SOURCE,    0, \
	  "SELECT county_code, year, DATE_FORMAT(birth_date, '%Y-%m-%d'), child_name, sex, id_doc_type," \
	  " child_bidx, prereg_no, id_number_ct FROM registration WHERE id = ?") \
	X(STU_BY_REG,        0, "SELECT id FROM student WHERE registration_id = ?") \
	X(STU_NO_RESERVE,    XJ_SQL_DUP_OK, \
	  "INSERT INTO student_no_issued (student_no, student_id, issued_at) VALUES (?, 0, UTC_TIMESTAMP(6))") \
	X(STU_NO_BIND,       0, "UPDATE student_no_issued SET student_id = ? WHERE student_no = ?") \
	X(STU_INSERT,        XJ_SQL_DUP_OK, \
	  "INSERT INTO student (registration_id, school_org_id, county_code, student_no, student_no_kind," \
	  " name, sex, birth_date, id_doc_type, id_number_ct, child_bidx, person_bidx, ethnicity, nationality," \
	  " hukou_nature, hukou_code, birthplace, native_place, current_address, home_address," \
	  " contact_address, local_family, left_behind, migrant_worker_child, entry_year, level," \
	  " status, created_at, updated_at)" \
	  " SELECT id, ?, county_code, ?, 'L', child_name, sex, birth_date, id_doc_type, id_number_ct," \
	  " child_bidx, ?, ethnicity, nationality, hukou_nature, hukou_code, birthplace, native_place," \
	  " current_address, home_address, contact_address, local_family, left_behind," \
	  " migrant_worker_child, year, 1, 'in_school', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)" \
	  " FROM registration WHERE id = ?") \
	X(STU_GUARDIANS_COPY, 0, \
	  "INSERT INTO student_guardian (student_id, idx, relation, relation_desc, name, id_doc_type," \
	  " id_number_ct, phone_ct, employer) SELECT ?, idx, relation, relation_desc, name, id_doc_type," \
	  " id_number_ct, phone_ct, employer FROM registration_guardian WHERE registration_id = ?") \
	/* issue 10 (G: L1): the copied ciphertexts, re-encrypted for the \
	 * student's rows */ \
	X(STU_RESEAL_SRC,    0, "SELECT prereg_no, id_number_ct FROM registration WHERE id = ?") \
	X(STU_RESEAL_GSRC,   0, \
	  "SELECT idx, id_number_ct, phone_ct FROM registration_guardian WHERE registration_id = ?" \
	  " ORDER BY idx") \
	X(STU_SET_CT,        0, "UPDATE student SET id_number_ct = ? WHERE id = ?") \
	X(STU_GUARDIAN_SET_CT, 0, \
	  "UPDATE student_guardian SET id_number_ct = ?, phone_ct = ? WHERE student_id = ? AND idx = ?") \
	X(STU_GET,           0, \
	  "SELECT s.id, s.registration_id, s.school_org_id, o.code, o.name, o.path, s.county_code," \
	  " s.student_no, s.student_no_kind, s.name, s.sex, DATE_FORMAT(s.birth_date, '%Y-%m-%d')," \
	  " s.id_doc_type, s.ethnicity, s.nationality, s.hukou_nature, s.hukou_code, s.birthplace," \
	  " s.native_place, s.current_address, s.home_address, s.contact_address, s.local_family," \
	  " s.left_behind, s.migrant_worker_child, s.boarding, s.entry_year, s.level," \
	  " COALESCE(s.class_id, 0), COALESCE(c.code, ''), s.status, s.problem_open, s.version," \
	  " DATE_FORMAT(s.created_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(s.updated_at, '%Y-%m-%d %H:%i:%s')," \
	  " (SELECT COUNT(*) FROM student_guardian g WHERE g.student_id = s.id), s.grade_offset" \
	  " FROM student s JOIN org o ON o.id = s.school_org_id LEFT JOIN school_class c ON c.id = s.class_id" \
	  " WHERE s.id = ?") \
	X(STU_LOCK,          0, "SELECT version, status FROM student WHERE id = ? FOR UPDATE") \
	X(STU_SET_CLASS,     0, \
	  "UPDATE student SET class_id = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ? AND version = ?") \
	X(STU_UPDATE,        0, \
	  "UPDATE student SET current_address = ?, home_address = ?, contact_address = ?, left_behind = ?," \
	  " boarding = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND version = ?") \
	X(STU_ROSTER_CLASS,  0, \
	  "SELECT s.id, s.student_no, s.name, s.sex, DATE_FORMAT(s.birth_date, '%Y-%m-%d'), s.entry_year," \
	  " s.level, COALESCE(c.code, ''), s.status, o.code, o.name, s.grade_offset FROM student s" \
	  " JOIN org o ON o.id = s.school_org_id LEFT JOIN school_class c ON c.id = s.class_id" \
	  " WHERE s.school_org_id = ? AND s.status = 'in_school' AND s.class_id = ? AND s.id > ?" \
	  " ORDER BY s.id LIMIT ?") \
	/* session 7 (ops): the grade filter by the grade a record shows, \
	 * cohort_year = entry_year - grade_offset (sql/0035, index \
	 * student_roster_cohort), so a repeater is under its new grade */ \
	X(STU_ROSTER,        0, \
	  "SELECT s.id, s.student_no, s.name, s.sex, DATE_FORMAT(s.birth_date, '%Y-%m-%d'), s.entry_year," \
	  " s.level, COALESCE(c.code, ''), s.status, o.code, o.name, s.grade_offset FROM student s" \
	  " JOIN org o ON o.id = s.school_org_id LEFT JOIN school_class c ON c.id = s.class_id" \
	  " WHERE s.school_org_id = ? AND s.status = 'in_school' AND s.cohort_year BETWEEN ? AND ?" \
	  " AND s.level BETWEEN ? AND ? AND s.id > ? ORDER BY s.id LIMIT ?") \
	X(STU_SEARCH,        0, \
	  "SELECT s.id, s.student_no, s.name, s.sex, DATE_FORMAT(s.birth_date, '%Y-%m-%d'), s.entry_year," \
	  " s.level, COALESCE(c.code, ''), s.status, o.code, o.name, s.grade_offset FROM student s" \
	  " JOIN org o ON o.id = s.school_org_id LEFT JOIN school_class c ON c.id = s.class_id" \
	  " WHERE o.path LIKE ? AND (? = '' OR s.name LIKE ? ESCAPE '!') AND (? = '' OR s.student_no = ?)" \
	  " AND (? = 0 OR s.school_org_id = ?) AND (? = '' OR c.code = ?) AND (? = '' OR s.status = ?)" \
	  " AND s.id > ? ORDER BY s.id LIMIT ?") \
	X(CLASS_INSERT,      XJ_SQL_DUP_OK, \
	  "INSERT INTO school_class (school_org_id, campus_group_id, entry_year, level, number, code, created_at)" \
	  " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(CLASS_GROUP_MAX,   0, \
	  "SELECT COALESCE(MAX(IF(school_org_id = campus_group_id, number, 0)), 0)," \
	  " COALESCE(MAX(IF(school_org_id <> campus_group_id, number, 0)), 0) FROM school_class" \
	  " WHERE campus_group_id = ? AND entry_year = ? AND level = ?") \
	X(CLASS_BY_CODE,     0, \
	  "SELECT id, entry_year, level, number FROM school_class WHERE school_org_id = ? AND code = ?") \
	X(CLASS_LIST,        0, \
	  "SELECT c.id, c.code, c.entry_year, c.level, c.number," \
	  " (SELECT COUNT(*) FROM student s WHERE s.school_org_id = c.school_org_id" \
	  " AND s.status = 'in_school' AND s.class_id = c.id)" \
	  " FROM school_class c WHERE c.school_org_id = ? ORDER BY c.code") \
	X(SCHOOL_CAMPUS,     0, \
	  "SELECT kind, COALESCE(main_campus_id, 0), status FROM org WHERE id = ?") \
	X(TERM_REGISTER,     0, \
	  "INSERT INTO student_term (student_id, term, school_org_id, registered_by, registered_at)" \
	  " SELECT s.id, ?, s.school_org_id, ?, UTC_TIMESTAMP(6) FROM student s" \
	  " WHERE s.school_org_id = ? AND s.status IN ('in_school', 'suspended') AND s.problem_open = 0" \
	  " ON DUPLICATE KEY UPDATE student_id = student_term.student_id") \
	X(TERM_COUNT,        0, \
	  "SELECT COUNT(*) FROM student_term WHERE school_org_id = ? AND term = ?") \
	X(TERM_REFUSED,      0, \
	  "SELECT s.id, s.student_no, s.name FROM student s WHERE s.school_org_id = ?" \
	  " AND s.status IN ('in_school', 'suspended') AND s.problem_open = 1 ORDER BY s.id LIMIT ?") \
	X(TERM_REFUSED_COUNT, 0, \
	  "SELECT COUNT(*) FROM student s WHERE s.school_org_id = ?" \
	  " AND s.status IN ('in_school', 'suspended') AND s.problem_open = 1") \
	X(ORG_BY_CODE_ANY,   0, \
	  "SELECT id, kind, name, path FROM org WHERE code = ?" \
	  " ORDER BY FIELD(kind, 'school', 'county', 'city', 'province', 'ministry') LIMIT 1") \
	X(STATS_COUNTIES,    0, \
	  "SELECT o.code, o.name, r.state, r.local_family, COUNT(*) FROM org o" \
	  " JOIN registration r ON r.county_code = o.code" \
	  " WHERE o.kind = 'county' AND o.path LIKE ? GROUP BY o.code, r.state, r.local_family" \
	  " ORDER BY o.code") \
	X(STATS_SCHOOLS,     0, \
	  "SELECT o.id, o.code, o.name, r.state, r.local_family, COUNT(*) FROM org o" \
	  " JOIN registration r ON r.school_org_id = o.id" \
	  " WHERE o.kind = 'school' AND o.path LIKE ? GROUP BY o.id, r.state, r.local_family" \
	  " ORDER BY o.id") \
	X(STATS_STUDENTS,    0, \
	  "SELECT o.id, o.code, o.name, COUNT(*) FROM org o JOIN student s ON s.school_org_id = o.id" \
	  " WHERE o.kind = 'school' AND o.path LIKE ? AND s.status = 'in_school' GROUP BY o.id ORDER BY o.id") \
	X(STU_MAY_ENROL,     0, \
	  "SELECT o.licensed, (SELECT COUNT(*) FROM student s WHERE s.child_bidx = r.child_bidx" \
	  " AND s.level = 1) FROM registration r JOIN org o ON o.id = ? WHERE r.id = ?") \
	/* issue 10 (A): phone ownership by SMS code, the SMS outbox, rate \
	 * counters (sql/0009; store/phonecode.c, smsoutbox.c, ratelimit.c) */ \
	X(CODE_PUT,          0, \
	  "INSERT INTO phone_code (phone_bidx, purpose, code_mac, tries_left, created_at, expires_at)" \
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL ? SECOND)" \
	  " ON DUPLICATE KEY UPDATE code_mac = VALUES(code_mac), tries_left = VALUES(tries_left)," \
	  " created_at = VALUES(created_at), expires_at = VALUES(expires_at)") \
	X(CODE_LOCK,         0, \
	  "SELECT code_mac, tries_left, expires_at > UTC_TIMESTAMP(6) FROM phone_code" \
	  " WHERE phone_bidx = ? AND purpose = ? FOR UPDATE") \
	X(CODE_TRY,          0, \
	  "UPDATE phone_code SET tries_left = tries_left - 1" \
	  " WHERE phone_bidx = ? AND purpose = ? AND tries_left > 0") \
	X(CODE_TAKE,         0, \
	  "DELETE FROM phone_code WHERE phone_bidx = ? AND purpose = ? AND code_mac = ?" \
	  " AND expires_at > UTC_TIMESTAMP(6)") \
	X(CODE_PURGE,        0, \
	  "DELETE FROM phone_code WHERE expires_at < UTC_TIMESTAMP(6) - INTERVAL 1 HOUR LIMIT 500") \
	X(RATE_HIT,          0, \
	  "INSERT INTO rate_counter (scope, subject, window_start, hits)" \
	  " VALUES (?, ?, UTC_TIMESTAMP(6), 1) ON DUPLICATE KEY UPDATE" \
	  " hits = IF(window_start > UTC_TIMESTAMP(6) - INTERVAL ? SECOND, hits + 1, 1)," \
	  " window_start = IF(window_start > UTC_TIMESTAMP(6) - INTERVAL ? SECOND," \
	  " window_start, UTC_TIMESTAMP(6))") \
	X(RATE_READ,         0, \
	  "SELECT hits, CAST(CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6)," \
	  " window_start + INTERVAL ? SECOND) / 1000000) AS SIGNED)" \
	  " FROM rate_counter WHERE scope = ? AND subject = ?") \
	/* issue 15 D4: /healthz's write probe (system/health.c), one row per \
	 * process; a probe that timed out is looked for among this user's \
	 * own server threads (no PROCESS privilege needed) */ \
	X(HEALTH_BEAT,       0, \
	  "INSERT INTO rate_counter (scope, subject, window_start, hits)" \
	  " VALUES ('healthz', ?, UTC_TIMESTAMP(6), 1) ON DUPLICATE KEY UPDATE" \
	  " window_start = UTC_TIMESTAMP(6), hits = 1") \
	X(HEALTH_STUCK,      0, \
	  "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?") \
	X(RATE_PURGE,        0, \
	  "DELETE FROM rate_counter WHERE window_start < UTC_TIMESTAMP(6) - INTERVAL 2 DAY LIMIT 500") \
	X(SMS_PUT,           0, \
	  "INSERT INTO sms_outbox (msg_id, purpose, kind, body_ct, state, next_at, expires_at," \
	  " created_at) VALUES (?, ?, ?, ?, 'pending', UTC_TIMESTAMP(6)," \
	  " UTC_TIMESTAMP(6) + INTERVAL ? SECOND, UTC_TIMESTAMP(6))") \
	X(SMS_CLAIM,         0, \
	  "UPDATE sms_outbox SET lease_token = ?, lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND" \
	  " WHERE state = 'pending' AND next_at <= UTC_TIMESTAMP(6)" \
	  " AND (lease_until IS NULL OR lease_until < UTC_TIMESTAMP(6)) ORDER BY next_at LIMIT ?") \
	X(SMS_CLAIMED,       0, \
	  "SELECT id, msg_id, purpose, body_ct, attempts, expires_at <= UTC_TIMESTAMP(6)" \
	  " FROM sms_outbox WHERE lease_token = ? AND state = 'pending' ORDER BY id") \
	X(SMS_SENT,          0, \
	  "UPDATE sms_outbox SET state = 'sent', body_ct = NULL, attempts = attempts + 1," \
	  " last_status = ?, sent_at = UTC_TIMESTAMP(6), lease_token = NULL, lease_until = NULL" \
	  " WHERE id = ? AND lease_token = ?") \
	X(SMS_RETRY,         0, \
	  "UPDATE sms_outbox SET attempts = attempts + 1, last_status = ?," \
	  " next_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND, lease_token = NULL, lease_until = NULL" \
	  " WHERE id = ? AND lease_token = ?") \
	X(SMS_GIVE_UP,       0, \
	  "UPDATE sms_outbox SET state = ?, body_ct = NULL, attempts = attempts + ?," \
	  " last_status = ?, lease_token = NULL, lease_until = NULL WHERE id = ? AND lease_token = ?") \
	X(SMS_PURGE,         0, \
	  "DELETE FROM sms_outbox WHERE state <> 'pending'" \
	  " AND created_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY LIMIT 500") \
	X(MIG_LIST,          0, "SELECT version, name, checksum FROM schema_migrations ORDER BY version") \
	X(MIG_INSERT,        0, \
	  "INSERT INTO schema_migrations (version, name, checksum, applied_at)" \
	  " VALUES (?, ?, ?, UTC_TIMESTAMP(6))") \
	X(TABLES_OF_SCHEMA,  0, \
	  "SELECT table_name FROM information_schema.tables WHERE table_schema = ?" \
	  " AND table_type = 'BASE TABLE' ORDER BY table_name") \
	X(PROCEDURES_OF_SCHEMA, 0, \
	  "SELECT routine_name FROM information_schema.routines WHERE routine_schema = ?" \
	  " AND routine_type = 'PROCEDURE' ORDER BY routine_name") \
	/* issue 10, scope and audit (M5, M6, L12): store/audit.c read entries */ \
	X(AUDIT_READ_INSERT, 0, \
	  "INSERT INTO audit_log (request_id, actor_type, actor_id, actor_role," \
	  " actor_org_id, action, target_type, target_id, client_addr, before_digest," \
	  " after_digest, row_count, filter)" \
	  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(AUDIT_COUNT_RECENT, 0, \
	  "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = ? AND actor_type = ?" \
	  " AND at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND") \
	/* store/student.c: in-school records per territorial county (the \
	 * county rows of the statistics counted none before) */ \
	X(STATS_COUNTY_STUDENTS, 0, \
	  "SELECT c.code, c.name, COUNT(*) FROM org o JOIN org c ON c.id = o.county_id" \
	  " JOIN student s ON s.school_org_id = o.id" \
	  " WHERE o.kind = 'school' AND o.path LIKE ? AND s.status = 'in_school'" \
	  " GROUP BY c.code, c.name ORDER BY c.code") \
	/* issue 10 (F: audit seal): store/auditseal.c, the sealer (job \
	 * audit-seal) and `xuejictl audit verify` (docs/security.md "Audit \
	 * trail"). An entry's fields are read as text, `at` in one fixed \
	 * format: what crypto/auditchain.c hashes. */ \
	X(SECURE_TIMESTAMP,  0, "SELECT @@GLOBAL.secure_timestamp") \
	X(AUDIT_SEAL_LAST,   0, \
	  "SELECT id, last_audit_id, entries, chain, DATE_FORMAT(sealed_at, '%Y-%m-%d %H:%i:%s')," \
	  " key_id, signature FROM audit_seal ORDER BY id DESC LIMIT 1 FOR UPDATE") \
	X(AUDIT_TO_SEAL,     0, \
	  "SELECT id, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), request_id, actor_type, actor_id," \
	  " actor_role, actor_org_id, action, target_type, target_id, client_addr, before_digest," \
	  " after_digest, row_count, filter, at < UTC_TIMESTAMP(6) - INTERVAL ? SECOND," \
	  " DATE_FORMAT(UTC_TIMESTAMP()," \
	  " '%Y-%m-%d %H:%i:%s') FROM audit_log WHERE id > ? ORDER BY id LIMIT ?") \
	X(AUDIT_CHAIN_INSERT, XJ_SQL_DUP_OK, \
	  "INSERT INTO audit_chain (audit_id, seal_id, hash) VALUES (?, ?, ?)") \
	X(AUDIT_SEAL_INSERT, XJ_SQL_DUP_OK, \
	  "INSERT INTO audit_seal (id, last_audit_id, entries, chain, sealed_at, key_id, signature)" \
	  " VALUES (?, ?, ?, ?, ?, ?, ?)") \
	X(AUDIT_SEALS,       0, \
	  "SELECT id, last_audit_id, entries, chain, DATE_FORMAT(sealed_at, '%Y-%m-%d %H:%i:%s')," \
	  " key_id, signature FROM audit_seal WHERE id > ? ORDER BY id LIMIT ?") \
	/* every audit entry and every chain row of an id range, side by \
	 * side, in id order (MariaDB has no FULL JOIN): the first column says \
	 * whether the entry exists, the last two are its chain row or NULL */ \
	X(AUDIT_VERIFY_PAGE, 0, \
	  "SELECT a.id, 1, DATE_FORMAT(a.at, '%Y-%m-%d %H:%i:%s.%f'), a.request_id, a.actor_type," \
	  " a.actor_id, a.actor_role, a.actor_org_id, a.action, a.target_type, a.target_id," \
	  " a.client_addr, a.before_digest, a.after_digest, a.row_count, a.filter, c.seal_id, c.hash" \
	  " FROM audit_log a LEFT JOIN audit_chain c ON c.audit_id = a.id" \
	  " WHERE a.id > ? AND a.id <= ?" \
	  " UNION ALL SELECT c.audit_id, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," \
	  " NULL, NULL, NULL, NULL, NULL, c.seal_id, c.hash FROM audit_chain c" \
	  " LEFT JOIN audit_log a ON a.id = c.audit_id" \
	  " WHERE c.audit_id > ? AND c.audit_id <= ? AND a.id IS NULL ORDER BY 1 LIMIT ?") \
	/* after the last head verify saw; a seal committed since (its chain \
	 * rows and head commit together) is neither unsealed nor stray */ \
	X(AUDIT_UNSEALED,    0, \
	  "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, MIN(a.at), UTC_TIMESTAMP(6)), 0)" \
	  " FROM audit_log a LEFT JOIN audit_chain c ON c.audit_id = a.id" \
	  " WHERE a.id > ? AND c.audit_id IS NULL") \
	X(AUDIT_CHAIN_BEYOND, 0, \
	  "SELECT COUNT(*) FROM audit_chain c LEFT JOIN audit_seal s ON s.id = c.seal_id" \
	  " WHERE c.audit_id > ? AND (s.id IS NULL OR c.audit_id > s.last_audit_id)") \
	/* ---- issue 10 (B: claims), review H1 and M1a: store/claim.c, the \
	 * county's void, the claim-release job, the staff look-up; \
	 * school/stats.c's count of unconfirmed guardian links ---- */ \
	X(CLAIM_TARGET,      0, \
	  "SELECT r.id, r.county_code, COALESCE(o.path, '') FROM registration r" \
	  " LEFT JOIN org o ON o.kind = 'county' AND o.code = r.county_code WHERE r.prereg_no = ?") \
	X(CLAIM_REG_LOCK,    0, \
	  "SELECT prereg_no, state, cert_state, local_family FROM registration WHERE id = ? FOR UPDATE") \
	/* oldest first over registration_state_updated (sql/0010); SKIP \
	 * LOCKED: runners on several hosts take disjoint batches */ \
	X(CLAIM_EXPIRED,     0, \
	  "SELECT id FROM registration FORCE INDEX (registration_state_updated)" \
	  " WHERE state = 'id_mismatch' AND updated_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY" \
	  " ORDER BY state, updated_at LIMIT ? FOR UPDATE SKIP LOCKED") \
	X(CLAIM_HOLDER,      0, \
	  "SELECT r.prereg_no, r.county_code, COALESCE(o.name, ''), r.state, r.child_name," \
	  " DATE_FORMAT(r.created_at, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(r.updated_at, '%Y-%m-%d %H:%i:%s')" \
	  " FROM child_claim c JOIN registration r ON r.id = c.registration_id" \
	  " LEFT JOIN org o ON o.kind = 'county' AND o.code = r.county_code WHERE c.child_bidx = ?") \
	/* a fixed hourly window per staff account: the first look-up after \
	 * the window opens a new one */ \
	X(CLAIM_QUOTA_TAKE,  0, \
	  "INSERT INTO claim_lookup_quota (staff_id, window_start, used) VALUES (?, UTC_TIMESTAMP(6), 1)" \
	  " ON DUPLICATE KEY UPDATE" \
	  " used = IF(window_start < UTC_TIMESTAMP(6) - INTERVAL 1 HOUR, 1, used + 1)," \
	  " window_start = IF(window_start < UTC_TIMESTAMP(6) - INTERVAL 1 HOUR, UTC_TIMESTAMP(6), window_start)") \
	X(CLAIM_QUOTA_GET,   0, \
	  "SELECT used, GREATEST(1, 3600 - TIMESTAMPDIFF(SECOND, window_start, UTC_TIMESTAMP(6)))" \
	  " FROM claim_lookup_quota WHERE staff_id = ?") \
	/* issue 10 (B: claims): live registrations per county whose first
	 * guardian PSB did not confirm as parent or household member (review
	 * H1), over index registration_guardian_link (sql/0010) */ \
	X(STATS_UNLINKED,    0, \
	  "SELECT o.code, o.name, COUNT(*) FROM org o JOIN registration r ON r.county_code = o.code" \
	  " AND r.guardian_link IN ('none', 'unknown') AND r.state NOT IN ('cancelled', 'void', 'id_rejected')" \
	  " WHERE o.kind = 'county' AND o.path LIKE ? GROUP BY o.code, o.name ORDER BY o.code") \
	/* ---- issue 10 (H): privacy (PIPL, M12; store/privacy.h) ---- */ \
	X(PRIVACY_NOTICE_CURRENT, 0, \
	  "SELECT version, DATE_FORMAT(published_at, '%Y-%m-%d %H:%i:%s'), text_zh, text_en" \
	  " FROM privacy_notice WHERE published_at <= UTC_TIMESTAMP(6) ORDER BY version DESC LIMIT 1") \
	/* retention: registrations of school years <= ? that never became a \
	 * student record (R-ADM-2 makes one at admission) */ \
	X(PRIVACY_RETENTION_PICK, 0, \
	  "SELECT r.id, r.prereg_no FROM registration r WHERE r.year <= ? AND r.state <> 'admitted'" \
	  " AND NOT EXISTS (SELECT 1 FROM student s WHERE s.registration_id = r.id)" \
	  " ORDER BY r.year, r.id LIMIT ? FOR UPDATE SKIP LOCKED") \
	/* one registration and everything that hangs off it, through the \
	 * owner's procedure (sql/0017: the app user has no DELETE on the \
	 * history) */ \
	X(PRIVACY_ERASE,     XJ_SQL_CALL, "CALL xj_reg_erase(?)") \
	/* account deletion: live = any registration not cancelled or void, \
	 * or one a student record was made from (docs/privacy.md) */ \
	X(PRIVACY_ACCOUNT_LOCK,    0, "SELECT id FROM parent_account WHERE id = ? FOR UPDATE") \
	X(PRIVACY_ACCOUNT_LIVE,    0, \
	  "SELECT COUNT(*) FROM registration r WHERE r.parent_id = ?" \
	  " AND (r.state NOT IN ('cancelled', 'void')" \
	  " OR EXISTS (SELECT 1 FROM student s WHERE s.registration_id = r.id))") \
	X(PRIVACY_ACCOUNT_REGS,    0, \
	  "SELECT id, prereg_no FROM registration WHERE parent_id = ? ORDER BY id LIMIT 64 FOR UPDATE") \
	X(PRIVACY_ACCOUNT_IDEM,    0, "DELETE FROM idempotency_key WHERE owner_id = ?" \
	  " AND scope IN ('registration', 'certificates')") \
	X(PRIVACY_ACCOUNT_DELETE,  0, "DELETE FROM parent_account WHERE id = ?") \
	/* issue 10 (D: logins; M2, M3, M10, L10, L11): an attempt is \
	 * reserved before its password is hashed, so parallel guesses never \
	 * outnumber the limit (the max-th reservation locks; left-to-right \
	 * assignment: locked_until sees the new count); staff per (account, \
	 * client address); the forced change, the admin reset, TOTP */ \
	X(PARENT_LOGIN_RESERVE, 0, \
	  "UPDATE parent_account SET failed_logins = IF(locked_until IS NULL, failed_logins + 1, 1)," \
	  " locked_until = IF(failed_logins >= ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND, NULL)" \
	  " WHERE id = ? AND (locked_until IS NULL OR locked_until <= UTC_TIMESTAMP(6))") \
	X(STAFF_GUARD_OPEN,  0, \
	  "INSERT INTO staff_login_guard (account_id, client_key, failed, updated_at)" \
	  " VALUES (?, ?, 0, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE account_id = account_id") \
	X(STAFF_GUARD_RESERVE, 0, \
	  "UPDATE staff_login_guard SET failed = IF(locked_until IS NULL, failed + 1, 1)," \
	  " locked_until = IF(failed >= ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND, NULL)," \
	  " updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE account_id = ? AND client_key = ?" \
	  " AND (locked_until IS NULL OR locked_until <= UTC_TIMESTAMP(6))") \
	X(STAFF_GUARD_CLEAR, 0, "DELETE FROM staff_login_guard WHERE account_id = ? AND client_key = ?") \
	X(STAFF_GUARD_CLEAR_ALL, 0, "DELETE FROM staff_login_guard WHERE account_id = ?") \
	X(STAFF_GUARD_PURGE, 0, \
	  "DELETE FROM staff_login_guard WHERE updated_at < UTC_TIMESTAMP(6) - INTERVAL ? SECOND" \
	  " AND (locked_until IS NULL OR locked_until < UTC_TIMESTAMP(6)) LIMIT ?") \
	X(STAFF_SESSION,     0, \
	  "SELECT a.session_gen, a.status, a.role, a.org_id, a.must_change_pw, a.totp_enabled, o.kind" \
	  " FROM staff_account a JOIN org o ON o.id = a.org_id WHERE a.id = ?") \
	X(STAFF_AUTH_BY_ID,  0, \
	  "SELECT id, status, pw_hash, session_gen, failed_logins," \
	  " COALESCE(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), locked_until), 0), role, org_id," \
	  " must_change_pw, totp_enabled, COALESCE(totp_secret_ct, ''), COALESCE(totp_last_step, -1)" \
	  " FROM staff_account WHERE id = ?") \
	X(STAFF_CREATE,      XJ_SQL_DUP_OK, \
	  "INSERT INTO staff_account (org_id, login, display_name, role, pw_hash, must_change_pw)" \
	  " VALUES (?, ?, ?, ?, ?, 1)") \
	X(STAFF_SET_PW,      0, \
	  "UPDATE staff_account SET pw_hash = ?, must_change_pw = 0, pw_changed_at = UTC_TIMESTAMP(6)," \
	  " session_gen = session_gen + 1 WHERE id = ? AND status = 'active'") \
	X(STAFF_RESET_PW,    0, \
	  "UPDATE staff_account SET pw_hash = ?, must_change_pw = 1, pw_changed_at = UTC_TIMESTAMP(6)," \
	  " session_gen = session_gen + 1, totp_enabled = 0, totp_secret_ct = NULL, totp_last_step = NULL" \
	  " WHERE id = ?") \
	X(STAFF_TOTP_PENDING, 0, \
	  "UPDATE staff_account SET totp_secret_ct = ? WHERE id = ? AND totp_enabled = 0") \
	X(STAFF_TOTP_ENABLE, 0, \
	  "UPDATE staff_account SET totp_enabled = 1, totp_last_step = ?" \
	  " WHERE id = ? AND totp_enabled = 0 AND totp_secret_ct IS NOT NULL") \
	X(STAFF_TOTP_USE,    0, \
	  "UPDATE staff_account SET totp_last_step = ? WHERE id = ? AND totp_enabled = 1" \
	  " AND (totp_last_step IS NULL OR totp_last_step < ?)") \
	/* issue 11 item 3 (R-MOV-3): the working-day calendar (sql/0018, \
	 * store/calendar.c). The special days of a span, national ('') and \
	 * the province's overlay, the overlay last on the same day; kind + 0 \
	 * is the ENUM's number (1 holiday, 2 workday = enum xj_daykind) */ \
	X(CAL_DAYS_RANGE,    0, \
	  "SELECT DATEDIFF(day, '1970-01-01'), kind + 0 FROM calendar_day" \
	  " WHERE prov_key IN ('', ?) AND day BETWEEN ? AND ? ORDER BY day, prov_key") \
	X(CAL_YEARS_RANGE,   0, \
	  "SELECT year FROM calendar_year WHERE prov_key = '' AND year BETWEEN ? AND ?") \
	X(CAL_DAYS_DELETE,   0, \
	  "DELETE FROM calendar_day WHERE prov_key = ? AND day BETWEEN ? AND ?") \
	X(CAL_DAY_INSERT,    XJ_SQL_DUP_OK, \
	  "INSERT INTO calendar_day (day, province, kind, name) VALUES (?, NULLIF(?, ''), ?, ?)") \
	X(CAL_YEAR_UPSERT,   0, \
	  "INSERT INTO calendar_year (year, province, source, days, digest, imported_at)" \
	  " VALUES (?, NULLIF(?, ''), ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE" \
	  " source = VALUES(source), days = VALUES(days), digest = VALUES(digest)," \
	  " imported_at = VALUES(imported_at)") \
	X(CAL_YEAR_DIGEST,   0, \
	  "SELECT digest FROM calendar_year WHERE prov_key = ? AND year = ? FOR UPDATE") \
	X(CAL_YEARS_LIST,    0, \
	  "SELECT year, prov_key, days, DATE_FORMAT(imported_at, '%Y-%m-%d %H:%i:%s'), source" \
	  " FROM calendar_year ORDER BY year, prov_key") \
	/* issue 15 item 6: xuejictl org import (src/ctl/orgimport.c), run \
	 * as the schema owner only. A bureau by code: a city without \
	 * counties is also its own county (sql/0002), the county first. */ \
	X(ORGIMP_BUREAU,     0, \
	  "SELECT id, kind, path FROM org WHERE code = ? AND kind <> 'school'" \
	  " ORDER BY FIELD(kind, 'county', 'city', 'province', 'ministry') LIMIT 1") \
	X(ORGIMP_LOCK,       0, "SELECT id FROM org WHERE id = ? FOR UPDATE") \
	X(ORGIMP_SCHOOL,     0, \
	  "SELECT id, name, county_id, COALESCE(supervisor_id, 0), COALESCE(ownership, '')," \
	  " COALESCE(main_campus_id, 0), licensed, status FROM org" \
	  " WHERE kind = 'school' AND code = ? FOR UPDATE") \
	X(ORGIMP_INSERT,     XJ_SQL_DUP_OK, \
	  "INSERT INTO org (kind, code, name, parent_id, path, county_id, supervisor_id, ownership," \
	  " main_campus_id, licensed) VALUES ('school', ?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(ORGIMP_UPDATE,     0, \
	  "UPDATE org SET name = ?, supervisor_id = ?, ownership = ?, main_campus_id = ?, licensed = ?" \
	  " WHERE id = ? AND status = 'open'") \
	X(ORGIMP_OPEN_IN,    0, \
	  "SELECT id, code, name FROM org WHERE kind = 'school' AND status = 'open' AND path LIKE ?" \
	  " ORDER BY code FOR UPDATE") \
	X(ORGIMP_CLOSE,      0, \
	  "UPDATE org SET status = 'closed', closed_on = ? WHERE id = ? AND status = 'open'") \
	/* issue 11 item 9: certificates of student status (R-REC-7, \
	 * sql/0021, store/statuscert.h); the serial advances inside the \
	 * issuing transaction, like the admission notice number */ \
	X(SCERT_SEQ_NEXT,    0, \
	  "INSERT INTO status_certificate_seq (school_org_id, year, last_no) VALUES (?, ?, 1)" \
	  " ON DUPLICATE KEY UPDATE last_no = last_no + 1") \
	X(SCERT_SEQ_GET,     0, \
	  "SELECT last_no FROM status_certificate_seq WHERE school_org_id = ? AND year = ?") \
	X(SCERT_INSERT,      XJ_SQL_DUP_OK, \
	  "INSERT INTO status_certificate (serial, school_org_id, student_id, status, issued_by," \
	  " issued_by_name, issued_at, key_id, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(SCERT_BY_SERIAL,   0, \
	  "SELECT c.id, c.serial, c.school_org_id, o.code, o.path, c.student_id, c.status, c.issued_by," \
	  " c.issued_by_name, DATE_FORMAT(c.issued_at, '%Y-%m-%d %H:%i:%s'), c.key_id, c.document" \
	  " FROM status_certificate c JOIN org o ON o.id = c.school_org_id WHERE c.serial = ?") \
	X(SCERT_LIST,        0, \
	  "SELECT c.id, c.serial, c.school_org_id, o.code, o.path, c.student_id, c.status, c.issued_by," \
	  " c.issued_by_name, DATE_FORMAT(c.issued_at, '%Y-%m-%d %H:%i:%s'), c.key_id, c.document" \
	  " FROM status_certificate c JOIN org o ON o.id = c.school_org_id" \
	  " WHERE o.path LIKE ? AND (? = 0 OR c.student_id = ?) AND c.id > ? ORDER BY c.id LIMIT ?") \
	X(SCERT_STUDENT_IDN, 0, "SELECT id_number_ct FROM student WHERE id = ?") \
	/* ---- issue 11 (wf): the workflow engine, transfers, freezes ------- \
	 * (sql/0019, store/workflow.c, school/workflow.c, ctl/workflow.c) */ \
	X(WF_TYPE_PICK,      0, \
	  "SELECT province FROM workflow_type WHERE code = ? AND province IN ('', ?) AND enabled = 1" \
	  " ORDER BY province DESC LIMIT 1") \
	X(WF_TYPE_STEPS,     0, \
	  "SELECT seq, party, role, days, on_approve, by_exchange FROM workflow_type_step" \
	  " WHERE type_code = ? AND province = ? ORDER BY seq") \
	X(WF_ORG,            0, \
	  "SELECT kind, code, name, path, COALESCE(county_id, 0), COALESCE(parent_id, 0), status" \
	  " FROM org WHERE id = ?") \
	X(WF_ORG_BY_PATH,    0, "SELECT id FROM org WHERE path = ?") \
	/* by any number the record ever had (R-REC-1: an L number replaced \
	 * by the national one still names it) */ \
	X(WF_STUDENT_BY_NO,  0, \
	  "SELECT s.id, s.name, s.school_org_id, s.status, s.problem_open, s.entry_year, s.level" \
	  " FROM student_no_issued i JOIN student s ON s.id = i.student_id WHERE i.student_no = ?") \
	X(WF_PROBLEM_OPEN,   0, "SELECT problem_open FROM student WHERE id = ?") \
	X(WF_INSERT,         XJ_SQL_DUP_OK, \
	  "INSERT INTO workflow (type_code, province, subject_id, state, open_subject, current_seq," \
	  " initiator_org_id, receiving_school_id, receiving_county_id, sending_school_id," \
	  " sending_county_id, bureau_above_id, target_class_id, started_by, started_at)" \
	  " VALUES (?, ?, ?, 'open', ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(WF_STEP_INSERT,    0, \
	  "INSERT INTO workflow_step (workflow_id, seq, party, role, days, on_approve, by_exchange," \
	  " party_org_id, org_id, org_path, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting')") \
	X(WF_STEP_OPEN,      0, \
	  "UPDATE workflow_step SET state = 'open', opened_at = UTC_TIMESTAMP(6), deadline = ?," \
	  " deadline_provisional = ? WHERE workflow_id = ? AND seq = ? AND state = 'waiting'") \
	X(WF_SET_SEQ,        0, "UPDATE workflow SET current_seq = ? WHERE id = ? AND state = 'open'") \
	X(WF_LOCK,           0, "SELECT state, current_seq FROM workflow WHERE id = ? FOR UPDATE") \
	X(WF_GET,            0, \
	  "SELECT w.id, w.type_code, w.province, w.subject_id, w.state, w.current_seq," \
	  " w.initiator_org_id, w.receiving_school_id, w.receiving_county_id, w.sending_school_id," \
	  " w.sending_county_id, w.bureau_above_id, COALESCE(w.target_class_id, 0), w.reason," \
	  " DATE_FORMAT(w.started_at, '%Y-%m-%d %H:%i:%s'), COALESCE(DATE_FORMAT(w.closed_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(s.name, x.name, ''), COALESCE(s.student_no, x.student_no, '')," \
	  " t.name FROM workflow w LEFT JOIN student s ON s.id = w.subject_id" \
	  " LEFT JOIN xmove x ON x.workflow_id = w.id" \
	  " JOIN workflow_type t ON t.code = w.type_code AND t.province = w.province WHERE w.id = ?") \
	X(WF_STEPS,          0, \
	  "SELECT st.seq, st.party, st.role, st.on_approve, st.by_exchange, st.party_org_id, st.org_id," \
	  " o.code, o.name, o.path, st.state, COALESCE(DATE_FORMAT(st.deadline, '%Y-%m-%d'), ''), st.deadline_provisional," \
	  " st.overdue, st.escalations, COALESCE(DATE_FORMAT(st.escalated_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(st.escalation_reason, ''), COALESCE(DATE_FORMAT(st.decided_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(st.reason, ''), st.days, COALESCE(st.decided_by, 0)" \
	  " FROM workflow_step st JOIN org o ON o.id = st.org_id" \
	  " WHERE st.workflow_id = ? ORDER BY st.seq") \
	/* the conditional update two reviewers race on: one changes the row */ \
	X(WF_STEP_DECIDE,    0, \
	  "UPDATE workflow_step SET state = ?, decided_by = ?, decided_org_id = ?," \
	  " decided_at = UTC_TIMESTAMP(6), reason = ? WHERE workflow_id = ? AND seq = ? AND state = 'open'") \
	X(WF_CANCEL_REST,    0, \
	  "UPDATE workflow_step SET state = 'cancelled' WHERE workflow_id = ? AND state = 'waiting'") \
	X(WF_CLOSE,          0, \
	  "UPDATE workflow SET state = ?, open_subject = NULL, reason = ?, closed_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ? AND state = 'open'") \
	X(WF_ESCALATE,       0, \
	  "UPDATE workflow_step SET org_id = ?, org_path = ?, escalations = escalations + 1," \
	  " escalated_at = UTC_TIMESTAMP(6), escalated_by = ?, escalation_reason = ?, deadline = ?," \
	  " deadline_provisional = ?, overdue = 0, reminded_on = NULL" \
	  " WHERE workflow_id = ? AND seq = ? AND state = 'open' AND (overdue = 1 OR deadline < ?)") \
	X(WF_INBOX,          0, \
	  "SELECT st.workflow_id, st.seq, st.party, w.type_code, COALESCE(DATE_FORMAT(st.deadline, '%Y-%m-%d'), '')," \
	  " st.deadline_provisional, st.overdue = 1 OR st.deadline < ?, st.escalations," \
	  " COALESCE(s.name, xm.name, ''), COALESCE(s.student_no, xm.student_no, '')," \
	  " COALESCE(x.recv_school_code, ''), COALESCE(x.recv_county_code, ''), COALESCE(x.reason, '')" \
	  " FROM workflow_step st JOIN workflow w ON w.id = st.workflow_id" \
	  /* xrecv (sql/0033): a case of ours about no record of ours yet */ \
	  " LEFT JOIN student s ON s.id = w.subject_id LEFT JOIN xmove xm ON xm.workflow_id = w.id" \
	  /* xsend (sql/0034): who asks, for a request relayed from another province */ \
	  " LEFT JOIN xsend_request x ON x.workflow_id = w.id" \
	  " WHERE st.org_id = ? AND st.state = 'open' ORDER BY st.deadline, st.id LIMIT ?") \
	/* a range of step_scope, covered and grouped in its order (a path \
	 * names one org: no temporary table, no sort); the orgs' names are \
	 * joined to the grouped rows, a primary-key read each, in the same \
	 * statement (lcbench: not a round trip per org counted) */ \
	X(WF_COUNTS,         0, \
	  "SELECT c.org_id, c.n, c.od, COALESCE(o.code, ''), COALESCE(o.name, ''), COALESCE(o.path, '')" \
	  " FROM (SELECT org_id, COUNT(*) AS n, SUM(overdue = 1 OR deadline < ?) AS od FROM workflow_step" \
	  " WHERE state = 'open' AND org_path LIKE ? GROUP BY org_path, org_id LIMIT ?) c" \
	  " LEFT JOIN org o ON o.id = c.org_id") \
	X(WF_DUE_REMIND,     0, \
	  "SELECT workflow_id, seq, org_id FROM workflow_step WHERE state = 'open' AND deadline >= ?" \
	  " AND deadline <= ? AND reminded_on IS NULL ORDER BY deadline, id LIMIT ?") \
	X(WF_MARK_REMINDED,  0, \
	  "UPDATE workflow_step SET reminded_on = ? WHERE workflow_id = ? AND seq = ? AND state = 'open'" \
	  " AND reminded_on IS NULL") \
	X(WF_DUE_OVERDUE,    0, \
	  "SELECT st.workflow_id, st.seq, st.org_id, w.initiator_org_id FROM workflow_step st" \
	  " JOIN workflow w ON w.id = st.workflow_id WHERE st.state = 'open' AND st.deadline < ?" \
	  " AND st.overdue = 0 ORDER BY st.deadline, st.id LIMIT ?") \
	/* provisional deadlines after a calendar import, by id (keyset) */ \
	X(WF_DUE_RECOUNT,    0, \
	  "SELECT id, days, DATE_FORMAT(COALESCE(escalated_at, opened_at) + INTERVAL 8 HOUR, '%Y-%m-%d')," \
	  " org_path, DATE_FORMAT(deadline, '%Y-%m-%d') FROM workflow_step" \
	  " WHERE deadline_provisional = 1 AND state = 'open' AND id > ? ORDER BY id LIMIT ?") \
	X(WF_SET_DEADLINE,   0, \
	  "UPDATE workflow_step SET deadline = ?, deadline_provisional = ?, overdue = 0, reminded_on = NULL" \
	  " WHERE id = ? AND state = 'open' AND deadline_provisional = 1") \
	X(WF_MARK_OVERDUE,   0, \
	  "UPDATE workflow_step SET overdue = 1 WHERE workflow_id = ? AND seq = ? AND state = 'open'" \
	  " AND overdue = 0") \
	X(WF_NOTICE_ADD,     0, \
	  "INSERT INTO workflow_notice (org_id, workflow_id, step_seq, kind, created_at)" \
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(WF_NOTICES,        0, \
	  "SELECT n.workflow_id, n.step_seq, n.kind, DATE_FORMAT(n.created_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(s.name, x.name, '') FROM workflow_notice n JOIN workflow w ON w.id = n.workflow_id" \
	  " LEFT JOIN student s ON s.id = w.subject_id LEFT JOIN xmove x ON x.workflow_id = w.id" \
	  " WHERE n.org_id = ? ORDER BY n.id DESC LIMIT ?") \
	X(WF_BY_SUBJECT,     0, \
	  "SELECT id FROM workflow WHERE subject_id = ? ORDER BY id DESC LIMIT ?") \
	X(WF_STUDENT_OF_REG, 0, "SELECT id FROM student WHERE registration_id = ?") \
	/* R-MOV-4: the receiving school pulls the record; entry year and \
	 * level stay (R-REC-4) */ \
	X(WF_STUDENT_MOVE,   0, \
	  "UPDATE student SET school_org_id = ?, class_id = ?, version = version + 1," \
	  " updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND version = ? AND status = 'in_school'") \
	X(WF_FROZEN,         0, \
	  "SELECT DATE_FORMAT(ends_on, '%Y-%m-%d') FROM transfer_freeze WHERE province = ? AND starts_on <= ?" \
	  " AND ends_on >= ? ORDER BY ends_on DESC LIMIT 1") \
	X(WF_FREEZE_SET,     0, \
	  "INSERT INTO transfer_freeze (province, starts_on, ends_on, reason, set_at)" \
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE ends_on = VALUES(ends_on)," \
	  " reason = VALUES(reason), set_at = VALUES(set_at)") \
	X(WF_FREEZE_DEL,     0, "DELETE FROM transfer_freeze WHERE province = ? AND starts_on = ?") \
	X(WF_FREEZE_LIST,    0, \
	  "SELECT province, DATE_FORMAT(starts_on, '%Y-%m-%d'), DATE_FORMAT(ends_on, '%Y-%m-%d'), reason FROM transfer_freeze" \
	  " ORDER BY province, starts_on") \
	/* issue 11 item 8: year-end batches (store/yearend.c, sql/0020). \
	 * XJ_YE_COHORTS: the records a batch changes, by cohort year \
	 * (entry_year - grade_offset) per level, the bounds computed by \
	 * domain/yearend.c from the kind and the school year */ \
	X(YE_COUNT_SCHOOL,   0, \
	  "SELECT COUNT(*) FROM student s WHERE s.school_org_id = ? AND s.status = 'in_school'" \
	  XJ_YE_COHORTS) \
	X(YE_COUNT_COUNTY,   0, \
	  "SELECT COUNT(*) FROM org o JOIN student s ON s.school_org_id = o.id AND s.status = 'in_school'" \
	  " WHERE o.kind = 'school' AND o.county_id = ?" XJ_YE_COHORTS) \
	/* the creators' turn per county, kind and year (row lock to commit) */ \
	X(YE_CLAIM,          0, \
	  "INSERT INTO yearend_claim (county_org_id, kind, school_year, batches) VALUES (?, ?, ?, 1)" \
	  " ON DUPLICATE KEY UPDATE batches = batches + 1") \
	/* the kind and year's batches whose scope overlaps (the scope, a \
	 * school's county, a county's schools) */ \
	X(YE_BATCH_OVERLAP,  0, \
	  "SELECT COUNT(*) FROM yearend_batch WHERE school_year = ? AND kind = ?" \
	  " AND (scope_org_id IN (?, ?) OR scope_org_id IN (SELECT id FROM org WHERE county_id = ?))") \
	X(YE_BATCH_INSERT,   XJ_SQL_DUP_OK, \
	  "INSERT INTO yearend_batch (kind, scope_org_id, scope_kind, scope_path, school_year, total," \
	  " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(YE_BATCH_GET,      0, \
	  "SELECT b.id, b.kind, b.scope_org_id, b.scope_kind, b.scope_path, o.code, o.name, b.school_year," \
	  " b.state, b.total, b.done, b.chunks, b.cursor_school, b.cursor_id," \
	  " DATE_FORMAT(b.created_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(DATE_FORMAT(b.started_at, '%Y-%m-%d %H:%i:%s'), '')," \
	  " COALESCE(DATE_FORMAT(b.finished_at, '%Y-%m-%d %H:%i:%s'), '')" \
	  " FROM yearend_batch b JOIN org o ON o.id = b.scope_org_id WHERE b.id = ?") \
	/* the batches in an org's subtree, newest first (a few per county \
	 * and year: no index on the path needed) */ \
	X(YE_BATCH_LIST,     0, \
	  "SELECT b.id FROM yearend_batch b WHERE b.scope_path LIKE CONCAT(?, '%')" \
	  " AND (? = 0 OR b.school_year = ?) ORDER BY b.id DESC LIMIT ?") \
	X(YE_BATCH_START,    0, \
	  "UPDATE yearend_batch SET state = 'running', started_at = UTC_TIMESTAMP(6)," \
	  " cursor_school = ? WHERE id = ? AND state = 'created'") \
	/* the runner's pick: a running batch no other runner holds */ \
	X(YE_BATCH_NEXT,     0, \
	  "SELECT id, kind, scope_org_id, scope_kind, school_year, cursor_school, cursor_id" \
	  " FROM yearend_batch WHERE state = 'running' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED") \
	X(YE_BATCH_ADVANCE,  0, \
	  "UPDATE yearend_batch SET cursor_school = ?, cursor_id = ?, done = done + ?, chunks = chunks + 1" \
	  " WHERE id = ? AND state = 'running'") \
	X(YE_BATCH_FINISH,   0, \
	  "UPDATE yearend_batch SET state = 'done', cursor_school = 0, cursor_id = 0, done = done + ?," \
	  " chunks = chunks + 1, finished_at = UTC_TIMESTAMP(6) WHERE id = ? AND state = 'running'") \
	/* a county's schools in id order (territorial county, R-ORG-1) */ \
	X(YE_NEXT_SCHOOL,    0, \
	  "SELECT COALESCE(MIN(id), 0) FROM org WHERE kind = 'school' AND county_id = ? AND id > ?") \
	/* the chunk: the next qualifying records of one school after the \
	 * cursor, locked */ \
	X(YE_CHUNK_IDS,      0, \
	  "SELECT s.id FROM student s WHERE s.school_org_id = ? AND s.status = 'in_school' AND s.id > ?" \
	  XJ_YE_COHORTS " ORDER BY s.id LIMIT ? FOR UPDATE") \
	/* one event per record of the chunk that no batch changed this year \
	 * yet (affected rows = new events). (student_id, yearend_year) is \
	 * unique: should a racing writer add one between the NOT EXISTS and \
	 * the insert, the duplicate key fails the chunk, which is rerun. Not \
	 * INSERT IGNORE (any other error would become a warning) nor ON \
	 * DUPLICATE KEY UPDATE (it needs UPDATE on the history) */ \
	X(YE_EVENTS_PROMOTE, XJ_SQL_DUP_OK, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, from_grade, to_grade, status," \
	  " yearend_year, batch_id, created_at)" \
	  " SELECT s.id, 'promoted', s.school_org_id, ? - s.entry_year + 1 + s.grade_offset," \
	  " ? - s.entry_year + 2 + s.grade_offset, 'in_school', ?, ?, UTC_TIMESTAMP(6) FROM student s" \
	  " WHERE s.school_org_id = ? AND s.status = 'in_school' AND s.id > ? AND s.id <= ?" \
	  XJ_YE_COHORTS " AND NOT EXISTS (SELECT 1 FROM student_event e WHERE e.student_id = s.id" \
	  " AND e.yearend_year = ?)") \
	X(YE_EVENTS_GRADUATE, XJ_SQL_DUP_OK, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, from_grade, to_grade, status," \
	  " yearend_year, batch_id, created_at)" \
	  " SELECT s.id, 'graduated', s.school_org_id, ? - s.entry_year + 1 + s.grade_offset, NULL," \
	  " 'graduated', ?, ?, UTC_TIMESTAMP(6) FROM student s" \
	  " WHERE s.school_org_id = ? AND s.status = 'in_school' AND s.id > ? AND s.id <= ?" \
	  XJ_YE_COHORTS " AND NOT EXISTS (SELECT 1 FROM student_event e WHERE e.student_id = s.id" \
	  " AND e.yearend_year = ?)") \
	/* R-REC-3: the graduates of this batch leave the in-school roster */ \
	X(YE_GRADUATE,       0, \
	  "UPDATE student s JOIN student_event e ON e.student_id = s.id AND e.batch_id = ?" \
	  " SET s.status = 'graduated', s.version = s.version + 1, s.updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE s.school_org_id = ? AND s.status = 'in_school' AND s.id > ? AND s.id <= ?") \
	/* the record's history, oldest first */ \
	X(STU_EVENTS,        0, \
	  "SELECT e.id, e.kind, COALESCE(o.code, ''), COALESCE(e.from_grade, 0), COALESCE(e.to_grade, 0), e.status," \
	  " COALESCE(e.yearend_year, 0), COALESCE(e.batch_id, 0)," \
	  " DATE_FORMAT(e.created_at, '%Y-%m-%d %H:%i:%s'), COALESCE(e.workflow_id, 0)," \
	  " COALESCE(e.fields, ''), COALESCE(e.student_no_old, ''), COALESCE(e.student_no_new, '')" \
	  " FROM student_event e" \
	  " LEFT JOIN org o ON o.id = e.school_org_id WHERE e.student_id = ? ORDER BY e.id LIMIT ?") \
	/* issue 12: problem records, the duplicate check at the door (sql/0024; \
	 * store/problem.c). The peers are read with shared locks: two \
	 * admissions of one key at once wait for each other (a deadlock, \
	 * retried by xj_tx_run) instead of both missing the other. */ \
	X(PROB_SUBJECT,      0, \
	  "SELECT s.name, s.sex, DATE_FORMAT(s.birth_date, '%Y-%m-%d'), s.id_doc_type, s.id_number_ct," \
	  " s.child_bidx, s.person_bidx FROM student s WHERE s.id = ? FOR UPDATE") \
	X(PROB_SET_PERSON,   0, "UPDATE student SET person_bidx = ? WHERE id = ?") \
	/* the job problem-person-index: records written before 0024, with \
	 * what the check at the door reads (the last column: live, i.e. \
	 * one PROB_PEERS would find) */ \
	X(PROB_PERSON_PENDING,  0, \
	  "SELECT id, name, sex, DATE_FORMAT(birth_date, '%Y-%m-%d'), id_doc_type, id_number_ct," \
	  " child_bidx, status NOT IN ('graduated', 'deleted', 'transferred') FROM student" \
	  " WHERE person_bidx IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED") \
	/* both keys in one round trip (an index merge of student_child and \
	 * student_person): the second column says which -- a record with the \
	 * same number is a same_id peer even when its name matches too */ \
	/* two index lookups, each locking only the rows of its key (a record \
	 * of both keys comes twice: the caller keeps it once). One statement \
	 * with "child_bidx = ? OR person_bidx = ?" was read by the primary key \
	 * on small tables and waited on every uncommitted new record, so two \
	 * approvals of unrelated children deadlocked (session 6) */ \
	X(PROB_PEERS,        0, \
	  "(SELECT id, 1 FROM student WHERE child_bidx = ? AND id <> ?" \
	  " AND status NOT IN ('graduated', 'deleted', 'transferred') LIMIT ? LOCK IN SHARE MODE)" \
	  " UNION ALL (SELECT id, child_bidx = ? FROM student WHERE person_bidx = ? AND id <> ?" \
	  " AND status NOT IN ('graduated', 'deleted', 'transferred') LIMIT ? LOCK IN SHARE MODE)") \
	X(PROB_GROUP_OPEN,   0, \
	  "INSERT IGNORE INTO problem_group (kind, key_bidx, open_key, created_at)" \
	  " VALUES (?, ?, ?, UTC_TIMESTAMP(6))") \
	X(PROB_GROUP_BY_KEY, 0, "SELECT id FROM problem_group WHERE open_key = ? FOR UPDATE") \
	X(PROB_MEMBER_ADD,   0, \
	  "INSERT IGNORE INTO problem_member (group_id, student_id, school_org_id, school_path, reason," \
	  " origin, joined_at) SELECT ?, s.id, s.school_org_id, o.path, ?, ?, UTC_TIMESTAMP(6)" \
	  " FROM student s JOIN org o ON o.id = s.school_org_id WHERE s.id = ?") \
	X(PROB_GROUP_GREW,   0, "UPDATE problem_group SET members = members + 1 WHERE id = ?") \
	X(PROB_FLAG,         0, \
	  "UPDATE student SET problem_open = 1, updated_at = UTC_TIMESTAMP(6) WHERE id = ?") \
	X(PROB_EVENT,        0, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, status, created_at)" \
	  " SELECT id, ?, school_org_id, status, UTC_TIMESTAMP(6) FROM student WHERE id = ?") \
	/* the resolution (R-DUP-2, R-DUP-3): the group row locked first, so \
	 * resolutions of one group take turns and the last one sees the others */ \
	X(PROB_GROUP_LOCK,   0, \
	  "SELECT state, kind, key_bidx, national_id IS NOT NULL FROM problem_group WHERE id = ? FOR UPDATE") \
	X(PROB_MEMBER_STATES, 0, \
	  "SELECT student_id, state, school_path, school_org_id FROM problem_member WHERE group_id = ?" \
	  " ORDER BY student_id") \
	X(PROB_RES_INSERT,   0, \
	  "INSERT INTO problem_resolution (workflow_id, group_id, student_id, action, evidence, new_name," \
	  " new_sex, new_birth_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(PROB_RES_GET,      0, \
	  "SELECT group_id, student_id, action, evidence, COALESCE(new_name, ''), COALESCE(new_sex, '')," \
	  " COALESCE(DATE_FORMAT(new_birth_date, '%Y-%m-%d'), '') FROM problem_resolution WHERE workflow_id = ?") \
	X(PROB_STUDENT_CHANGE, 0, \
	  "UPDATE student SET name = COALESCE(?, name), sex = COALESCE(?, sex)," \
	  " birth_date = COALESCE(?, birth_date), version = version + 1, updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ?") \
	X(PROB_MEMBER_SET,   0, \
	  "UPDATE problem_member SET state = ?, evidence = ?, resolved_by = ?, resolved_at = UTC_TIMESTAMP(6)" \
	  " WHERE group_id = ? AND student_id = ? AND state = 'open'") \
	X(PROB_STUDENT_DELETE, 0, \
	  "UPDATE student SET status = 'deleted', version = version + 1, updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ?") \
	X(PROB_GROUP_RESOLVE, 0, \
	  "UPDATE problem_group SET state = 'resolved', open_key = NULL, national_open = NULL," \
	  " resolved_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ? AND state = 'open'") \
	/* the flag is what the member rows say: an open membership of an open group */ \
	X(PROB_REFLAG,       0, \
	  "UPDATE student s SET s.problem_open = EXISTS (SELECT 1 FROM problem_member m" \
	  " JOIN problem_group g ON g.id = m.group_id WHERE m.student_id = s.id AND m.state = 'open'" \
	  " AND g.state = 'open') WHERE s.id = ?") \
	/* the groups an org sees (problem_scope: its path exactly), open \
	 * first, newest first; the cursor is (open, id) of the last row. \
	 * The scope rows drive, read backwards in index order, LIMIT rows: \
	 * left alone, the optimizer scanned every group and sorted them \
	 * (150 ms at 50,000 groups) */ \
	X(PROB_LIST,         0, \
	  "SELECT STRAIGHT_JOIN g.id, g.kind, g.state, g.members," \
	  " DATE_FORMAT(g.created_at, '%Y-%m-%d %H:%i:%s'), g.national_id IS NOT NULL" \
	  " FROM problem_scope sc FORCE INDEX (problem_scope_list)" \
	  " JOIN problem_group g ON g.id = sc.group_id WHERE sc.scope_path = ?" \
	  " AND (sc.open < ? OR (sc.open = ? AND sc.group_id < ?))" \
	  " ORDER BY sc.open DESC, sc.group_id DESC LIMIT ?") \
	X(PROB_MEMBER_PATH,  0, "SELECT school_path FROM problem_member WHERE group_id = ? AND student_id = ?") \
	X(PROB_SCOPE_ADD,    0, "INSERT IGNORE INTO problem_scope (scope_path, group_id, open) VALUES (?, ?, 1)") \
	X(PROB_SCOPE_CLOSE,  0, "UPDATE problem_scope SET open = 0 WHERE group_id = ?") \
	X(PROB_GROUP_GET,    0, \
	  "SELECT id, kind, state, members, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(DATE_FORMAT(resolved_at, '%Y-%m-%d %H:%i:%s'), ''), COALESCE(national_id, '')," \
	  " COALESCE(national_kind, '') FROM problem_group WHERE id = ?") \
	X(PROB_MEMBERS,      0, \
	  "SELECT m.student_id, m.school_path, m.reason, m.origin, m.state," \
	  " DATE_FORMAT(m.joined_at, '%Y-%m-%d %H:%i:%s'), o.code, o.name, s.name, s.sex," \
	  " DATE_FORMAT(s.birth_date, '%Y-%m-%d'), s.id_doc_type, s.id_number_ct, s.student_no, s.status" \
	  " FROM problem_member m JOIN student s ON s.id = m.student_id" \
	  " JOIN org o ON o.id = m.school_org_id WHERE m.group_id = ? ORDER BY m.student_id LIMIT ?") \
	/* ---- issue 12 item 3: evidence files (sql/0028, store/evidence.c) -- */ \
	X(EVID_STUDENT_LOCK, 0, "SELECT id FROM student WHERE id = ? FOR UPDATE") \
	X(EVID_USAGE,        0, \
	  "SELECT COUNT(*), COALESCE(SUM(b.size), 0) FROM evidence_file f" \
	  " JOIN evidence_blob b ON b.id = f.blob_id WHERE f.student_id = ?") \
	X(EVID_BLOB_FIND,    0, "SELECT id FROM evidence_blob WHERE content_bidx = ?") \
	X(EVID_BLOB_INSERT,  XJ_SQL_DUP_OK, \
	  "INSERT INTO evidence_blob (content_bidx, kind, size, content, created_at)" \
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(EVID_FILE_FIND,    0, "SELECT id FROM evidence_file WHERE student_id = ? AND blob_id = ?") \
	X(EVID_FILE_INSERT,  XJ_SQL_DUP_OK, \
	  "INSERT INTO evidence_file (student_id, blob_id, name_ct, uploaded_by, org_id, created_at)" \
	  " VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(EVID_FILE_GET,     0, \
	  "SELECT f.id, f.student_id, f.blob_id, b.kind, b.size, f.name_ct, COALESCE(o.name, '')," \
	  " DATE_FORMAT(f.created_at, '%Y-%m-%d %H:%i:%s')" \
	  " FROM evidence_file f JOIN evidence_blob b ON b.id = f.blob_id" \
	  " LEFT JOIN org o ON o.id = f.org_id WHERE f.id = ?") \
	X(EVID_OF_STUDENT,   0, \
	  "SELECT f.id, f.student_id, f.blob_id, b.kind, b.size, f.name_ct, COALESCE(o.name, '')," \
	  " DATE_FORMAT(f.created_at, '%Y-%m-%d %H:%i:%s')" \
	  " FROM evidence_file f JOIN evidence_blob b ON b.id = f.blob_id" \
	  " LEFT JOIN org o ON o.id = f.org_id WHERE f.student_id = ? ORDER BY f.id LIMIT 100") \
	X(EVID_OF_CASE,      0, \
	  "SELECT f.id, f.student_id, f.blob_id, b.kind, b.size, f.name_ct, COALESCE(o.name, '')," \
	  " DATE_FORMAT(f.created_at, '%Y-%m-%d %H:%i:%s')" \
	  " FROM workflow_evidence w JOIN evidence_file f ON f.id = w.file_id" \
	  " JOIN evidence_blob b ON b.id = f.blob_id LEFT JOIN org o ON o.id = f.org_id" \
	  " WHERE w.workflow_id = ? ORDER BY f.id") \
	X(EVID_CONTENT,      0, "SELECT content, content_bidx FROM evidence_blob WHERE id = ?") \
	X(EVID_TYPE_NEEDS,   0, "SELECT needs_evidence FROM workflow_type WHERE code = ? AND province = ?") \
	X(EVID_LINK,         XJ_SQL_DUP_OK, \
	  "INSERT INTO workflow_evidence (workflow_id, file_id)" \
	  " SELECT ?, id FROM evidence_file WHERE id = ? AND student_id = ?") \
	/* issue 12 item 4: key-data changes (sql/0026, store/keydata.c). The \
	 * controlled fields of a path are the rows of its prefixes (a record's \
	 * school path has at most six: '/', province, city, county, school). \
	 * One update writes a record's data fields, NULL keeping a column: the \
	 * approved change and the direct edit of uncontrolled fields. */ \
	X(KD_FIELDS,         0, \
	  "SELECT field, org_path FROM key_field WHERE org_path IN (?, ?, ?, ?, ?, ?)" \
	  " ORDER BY CHAR_LENGTH(org_path), field") \
	X(KD_FIELDS_DELETE,  0, "DELETE FROM key_field WHERE org_path = ?") \
	X(KD_FIELDS_ADD,     0, \
	  "INSERT INTO key_field (org_path, field, created_at) VALUES (?, ?, UTC_TIMESTAMP(6))") \
	X(KD_INSERT,         0, \
	  "INSERT INTO key_data_change (workflow_id, student_id, reason, evidence, created_at)" \
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(KD_FIELD_INSERT,   0, \
	  "INSERT INTO key_data_change_field (workflow_id, field, old_value, new_value, old_ct, new_ct," \
	  " new_bidx) VALUES (?, ?, ?, ?, ?, ?, ?)") \
	X(KD_GET,            0, "SELECT student_id, reason, evidence FROM key_data_change WHERE workflow_id = ?") \
	X(KD_FIELD_LIST,     0, \
	  "SELECT field, COALESCE(old_value, ''), COALESCE(new_value, ''), old_ct, new_ct, new_bidx" \
	  " FROM key_data_change_field WHERE workflow_id = ? ORDER BY field") \
	X(KD_CURRENT,        0, \
	  "SELECT name, sex, DATE_FORMAT(birth_date, '%Y-%m-%d'), id_doc_type, ethnicity, nationality," \
	  " hukou_nature, hukou_code, birthplace, native_place, current_address, home_address," \
	  " contact_address, left_behind, boarding, id_number_ct, child_bidx FROM student WHERE id = ?") \
	X(KD_APPLY,          0, \
	  "UPDATE student SET name = COALESCE(?, name), sex = COALESCE(?, sex)," \
	  " birth_date = COALESCE(?, birth_date), id_doc_type = COALESCE(?, id_doc_type)," \
	  " ethnicity = COALESCE(?, ethnicity), nationality = COALESCE(?, nationality)," \
	  " hukou_nature = COALESCE(?, hukou_nature), hukou_code = COALESCE(?, hukou_code)," \
	  " birthplace = COALESCE(?, birthplace), native_place = COALESCE(?, native_place)," \
	  " current_address = COALESCE(?, current_address), home_address = COALESCE(?, home_address)," \
	  " contact_address = COALESCE(?, contact_address), left_behind = COALESCE(?, left_behind)," \
	  " boarding = COALESCE(?, boarding), id_number_ct = COALESCE(?, id_number_ct)," \
	  " child_bidx = COALESCE(?, child_bidx), version = version + 1, updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ?") \
	X(KD_EVENT,          0, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, status, workflow_id, fields," \
	  " created_at) SELECT id, ?, school_org_id, status, ?, ?, UTC_TIMESTAMP(6) FROM student" \
	  " WHERE id = ?") \
	X(KD_APPROVALS,      0, \
	  "SELECT st.seq, st.party, o.code, o.name, COALESCE(a.display_name, '')," \
	  " DATE_FORMAT(st.decided_at, '%Y-%m-%d %H:%i:%s') FROM workflow_step st" \
	  " JOIN org o ON o.id = st.decided_org_id LEFT JOIN staff_account a ON a.id = st.decided_by" \
	  " WHERE st.workflow_id = ? AND st.state = 'approved' ORDER BY st.seq") \
	X(KD_OPEN_GROUPS,    0, \
	  "SELECT m.group_id FROM problem_member m JOIN problem_group g ON g.id = m.group_id" \
	  " WHERE m.student_id = ? AND m.state = 'open' AND g.state = 'open' ORDER BY m.group_id LIMIT ?") \
	/* issue 11 item 6: status changes on the workflow engine (sql/0025; \
	 * store/statuschange.c). The record is locked by the effect before it \
	 * changes; the update is conditional on the status read under the lock */ \
	X(SC_INSERT,         0, \
	  "INSERT INTO status_change (workflow_id, student_id, kind, from_status, to_status, grade_delta," \
	  " requested_by, effective_date, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?," \
	  " UTC_TIMESTAMP(6))") \
	X(SC_GET,            0, \
	  "SELECT student_id, kind, from_status, to_status, grade_delta, requested_by," \
	  " DATE_FORMAT(effective_date, '%Y-%m-%d'), reason FROM status_change WHERE workflow_id = ?") \
	X(SC_LIST,           0, \
	  "SELECT c.workflow_id, w.state, DATE_FORMAT(w.started_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(DATE_FORMAT(w.closed_at, '%Y-%m-%d %H:%i:%s'), ''), c.kind, c.from_status," \
	  " c.to_status, c.grade_delta, c.requested_by, DATE_FORMAT(c.effective_date, '%Y-%m-%d')," \
	  " c.reason FROM status_change c JOIN workflow w ON w.id = c.workflow_id" \
	  " WHERE c.student_id = ? ORDER BY c.workflow_id DESC LIMIT ?") \
	X(SC_STUDENT,        0, \
	  "SELECT s.school_org_id, o.path, s.status, s.entry_year, s.level, s.grade_offset FROM student s" \
	  " JOIN org o ON o.id = s.school_org_id WHERE s.id = ?") \
	X(SC_STUDENT_LOCK,   0, \
	  "SELECT s.school_org_id, o.path, s.status, s.entry_year, s.level, s.grade_offset FROM student s" \
	  " JOIN org o ON o.id = s.school_org_id WHERE s.id = ? FOR UPDATE") \
	/* a grade move leaves the class: it belongs to the old cohort */ \
	X(SC_APPLY,          0, \
	  "UPDATE student SET status = ?, grade_offset = grade_offset + ?," \
	  " class_id = IF(? <> 0, NULL, class_id), version = version + 1, updated_at = UTC_TIMESTAMP(6)" \
	  " WHERE id = ? AND status = ?") \
	X(SC_EVENT,          0, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, from_grade, to_grade, status," \
	  " created_at) SELECT id, ?, school_org_id, ?, ?, status, UTC_TIMESTAMP(6) FROM student" \
	  " WHERE id = ?") \
	X(SC_GRADE_POLICY,   0, "SELECT enabled FROM grade_change_policy WHERE province = ? AND kind = ?") \
	X(SC_GRADE_POLICY_SET, 0, \
	  "INSERT INTO grade_change_policy (province, kind, enabled, set_at)" \
	  " VALUES (?, ?, ?, UTC_TIMESTAMP(6))" \
	  " ON DUPLICATE KEY UPDATE enabled = VALUES(enabled), set_at = VALUES(set_at)") \
	X(SC_GRADE_POLICY_LIST, 0, \
	  "SELECT province, kind, enabled, DATE_FORMAT(set_at, '%Y-%m-%d %H:%i:%s')" \
	  " FROM grade_change_policy ORDER BY province, kind") \
	/* issue 14 (webstaff2): the roster export's row count, read before \
	 * the export (its read-audit entry, school/roster.c), on the roster's \
	 * own indexes; the accounts an administrator manages, in id order \
	 * (keyset) over the org subtree, and enabling one again \
	 * (school/accounts.c) */ \
	X(STU_ROSTER_CLASS_COUNT, 0, \
	  "SELECT COUNT(*) FROM student s WHERE s.school_org_id = ? AND s.status = 'in_school'" \
	  " AND s.class_id = ?") \
	X(STU_ROSTER_COUNT,  0, \
	  "SELECT COUNT(*) FROM student s WHERE s.school_org_id = ? AND s.status = 'in_school'" \
	  " AND s.cohort_year BETWEEN ? AND ? AND s.level BETWEEN ? AND ?") \
	X(STAFF_ENABLE,      0, \
	  "UPDATE staff_account SET status = 'active' WHERE id = ? AND status = 'disabled'") \
	X(STAFF_LIST,        0, \
	  "SELECT a.id, a.login, a.display_name, a.role, a.status, a.must_change_pw, a.totp_enabled," \
	  " o.kind, o.code, o.name, DATE_FORMAT(a.created_at, '%Y-%m-%d %H:%i:%s')" \
	  " FROM staff_account a JOIN org o ON o.id = a.org_id" \
	  " WHERE o.path LIKE ? AND a.id > ? ORDER BY a.id LIMIT ?") \
	/* issue 13: the ministry exchange (store/exchange.c, sql/0027) */ \
	X(XINBOX_GET,        0, \
	  "SELECT id, body_sha256, LENGTH(receipt) FROM exchange_inbox WHERE sender = ? AND message_id = ?") \
	/* the stored receipt, read into a buffer of its own length (natcheck: \
	 * a receipt of many refused records is longer than its message) */ \
	X(XINBOX_RECEIPT,    0, "SELECT receipt FROM exchange_inbox WHERE id = ?") \
	/* a duplicate (sender, message_id): another worker stored it first; \
	 * the caller reads that row */ \
	X(XINBOX_INSERT,     XJ_SQL_DUP_OK, \
	  "INSERT INTO exchange_inbox (sender, message_id, message_type, correlation_id," \
	  " body_sha256, key_id, status, receipt, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(XOUTBOX_FIND,      0, \
	  "SELECT id, message_type, receiver, acked_at IS NOT NULL FROM exchange_outbox" \
	  " WHERE message_id = ? FOR UPDATE") \
	X(XOUTBOX_ACK,       0, \
	  "UPDATE exchange_outbox SET acked_at = UTC_TIMESTAMP(6), ack_status = ?, ack_message_id = ?" \
	  " WHERE id = ? AND acked_at IS NULL") \
	/* issue 13 item 4: the outbox the ministry pulls (store/outbox.c, \
	 * sql/0029). Rows are written once; only the offer and alert \
	 * columns change (grant-app grants no UPDATE on the bytes) */ \
	X(XOB_INSERT,        0, \
	  "INSERT INTO exchange_outbox (message_id, message_type, receiver, body, signature," \
	  " created_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(XOB_RECORD_ADD,    0, \
	  "INSERT INTO exchange_outbox_record (outbox_id, ref, student_id) VALUES (?, ?, ?)") \
	/* the page after the cursor, then (below) what is offered again */ \
	X(XOB_PAGE,          0, \
	  "SELECT id, message_id, message_type, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')," \
	  " signature, offered_count, LENGTH(body) FROM exchange_outbox" \
	  " WHERE receiver = ? AND id > ? ORDER BY id LIMIT ?") \
	/* at or before the reader's cursor, after its acknowledgement, and \
	 * last offered longer ago than the deadline: the reader moved on \
	 * without acknowledging it, so it is offered again */ \
	X(XOB_REOFFER,       0, \
	  "SELECT o.id, o.message_id, o.message_type, DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i:%s')," \
	  " o.signature, o.offered_count, LENGTH(o.body) FROM exchange_outbox o" \
	  " WHERE o.receiver = ? AND o.id <= ? AND o.id > COALESCE((SELECT c.acked_upto" \
	  " FROM exchange_outbox_cursor c WHERE c.receiver = o.receiver), 0)" \
	  " AND o.last_offered_at < UTC_TIMESTAMP(6) - INTERVAL ? SECOND ORDER BY o.id LIMIT ?") \
	X(XOB_BODY,          0, \
	  "SELECT message_id, body FROM exchange_outbox WHERE id = ?") \
	X(XOB_OFFERED,       0, \
	  "UPDATE exchange_outbox SET offered_count = offered_count + 1," \
	  " last_offered_at = UTC_TIMESTAMP(6) WHERE id = ?") \
	/* an acknowledgement names a message offered to this receiver */ \
	X(XOB_WAS_OFFERED,   0, \
	  "SELECT offered_count FROM exchange_outbox WHERE receiver = ? AND id = ?") \
	/* monotonic: an older or repeated acknowledgement changes nothing \
	 * (MariaDB assigns left to right: acked_at reads the old acked_upto) */ \
	X(XOB_ACK,           0, \
	  "INSERT INTO exchange_outbox_cursor (receiver, acked_upto, acked_at)" \
	  " VALUES (?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE" \
	  " acked_at = IF(VALUES(acked_upto) > acked_upto, VALUES(acked_at), acked_at)," \
	  " acked_upto = GREATEST(acked_upto, VALUES(acked_upto))") \
	X(XOB_ACKED_UPTO,    0, \
	  "SELECT acked_upto FROM exchange_outbox_cursor WHERE receiver = ?") \
	/* the alert job: unacknowledged messages older than the deadline, \
	 * each alerted once */ \
	X(XOB_OVERDUE,       0, \
	  "SELECT o.id, o.message_id, o.receiver, o.offered_count FROM exchange_outbox o" \
	  " WHERE o.alerted_at IS NULL AND o.created_at < UTC_TIMESTAMP(6) - INTERVAL ? SECOND" \
	  " AND o.id > COALESCE((SELECT c.acked_upto FROM exchange_outbox_cursor c" \
	  " WHERE c.receiver = o.receiver), 0) ORDER BY o.alerted_at, o.created_at LIMIT ?" \
	  " FOR UPDATE SKIP LOCKED") \
	X(XOB_ALERTED,       0, \
	  "UPDATE exchange_outbox SET alerted_at = UTC_TIMESTAMP(6) WHERE id = ?") \
	/* the producer: records with a temporary (L) number never sent for \
	 * the national check (R-REC-1, R-DUP-1) */ \
	X(XOB_UNSENT,        0, \
	  "SELECT s.id, s.student_no, s.name, s.sex, DATE_FORMAT(s.birth_date, '%Y-%m-%d')," \
	  " s.id_doc_type, s.id_number_ct, s.ethnicity, s.nationality, s.hukou_code, o.code," \
	  " s.county_code, s.entry_year, s.level, s.status, s.national_action FROM student s" \
	  " JOIN org o ON o.id = s.school_org_id WHERE s.national_check = 'due'" \
	  " AND s.status <> 'deleted' ORDER BY s.id LIMIT ? FOR UPDATE SKIP LOCKED") \
	/* ---- issue 13 item 6 (natcheck): the national check applied \
	 * (store/natcheck.c, sql/0031). The producer marks what it sent; \
	 * a change of identity data makes a record due again (R-KEY-2): a \
	 * record never sent stays "new", one the ministry saw is "changed" */ \
	X(NC_SENT,           0, \
	  "UPDATE student SET national_check = 'sent' WHERE id = ? AND national_check = 'due'") \
	X(NC_DUE,            0, \
	  "UPDATE student SET national_action = IF(national_check = 'due', national_action," \
	  " 'changed'), national_check = 'due' WHERE id = ?") \
	/* a CheckResult's records, a chunk at a time (session 7, ncspeed): \
	 * each statement reads the chunk's rows from one JSON array (the \
	 * placeholder first) with JSON_TABLE, STRAIGHT_JOIN and the primary \
	 * key forced so that each row is one lookup whatever the tables' \
	 * statistics say (the optimizer otherwise scans the batch's rows \
	 * first, locking all of them). The records of the batch's refs, \
	 * locked with their batch rows, by the ref's ordinal in the list; the \
	 * last column: this batch is the record's latest */ \
	X(NC_SUBJECTS,       0, \
	  "SELECT STRAIGHT_JOIN j.n, s.id, s.student_no, s.student_no_kind, s.id_doc_type," \
	  " s.id_number_ct, s.status, s.national_check, r.outbox_id = (SELECT MAX(r2.outbox_id)" \
	  " FROM exchange_outbox_record r2 WHERE r2.student_id = s.id) FROM JSON_TABLE(?, '$[*]'" \
	  " COLUMNS (n FOR ORDINALITY, ref VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" \
	  " PATH '$')) j JOIN exchange_outbox_record r FORCE INDEX (PRIMARY) ON r.outbox_id = ?" \
	  " AND r.ref = j.ref JOIN student s FORCE INDEX (PRIMARY) ON s.id = r.student_id" \
	  " FOR UPDATE") \
	X(NC_ANSWERED_ALL,   0, \
	  "UPDATE JSON_TABLE(?, '$[*]' COLUMNS (ref VARCHAR(40) CHARACTER SET utf8mb4 COLLATE" \
	  " utf8mb4_bin PATH '$')) j STRAIGHT_JOIN exchange_outbox_record r FORCE INDEX (PRIMARY)" \
	  " ON r.outbox_id = ? AND r.ref = j.ref SET r.answered_message_id = ?") \
	/* a number issued to another record already: the duplicate (R-REC-1, \
	 * every number ever issued is a row); the chunk's numbers in one \
	 * statement, one by one when one of them is taken */ \
	X(NC_NO_ISSUE,       XJ_SQL_DUP_OK, \
	  "INSERT INTO student_no_issued (student_no, student_id, issued_at) VALUES (?, ?, UTC_TIMESTAMP(6))") \
	X(NC_NO_ISSUE_ALL,   XJ_SQL_DUP_OK, \
	  "INSERT INTO student_no_issued (student_no, student_id, issued_at) SELECT j.no, j.sid," \
	  " UTC_TIMESTAMP(6) FROM JSON_TABLE(?, '$[*]' COLUMNS (sid BIGINT UNSIGNED PATH '$[0]'," \
	  " no VARCHAR(19) PATH '$[1]')) j") \
	/* the history, in the order of the list: [sid, kind, old, new] */ \
	X(NC_EVENT_ALL,      0, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, status, created_at," \
	  " student_no_old, student_no_new) SELECT STRAIGHT_JOIN s.id, j.kind, s.school_org_id," \
	  " s.status, UTC_TIMESTAMP(6), j.old_no, j.new_no FROM JSON_TABLE(?, '$[*]' COLUMNS" \
	  " (n FOR ORDINALITY, sid BIGINT UNSIGNED PATH '$[0]', kind VARCHAR(16) PATH '$[1]'," \
	  " old_no VARCHAR(19) PATH '$[2]', new_no VARCHAR(19) PATH '$[3]')) j JOIN student s" \
	  " FORCE INDEX (PRIMARY) ON s.id = j.sid ORDER BY j.n") \
	/* the answer came (R-DUP-4): the number issued (null: none), where \
	 * the record stands with the check when this batch is its latest and \
	 * no change is waiting; a 补建 record waiting for it enters the \
	 * school. [sid, no, kind, latest, state] */ \
	X(NC_STATE_ALL,      0, \
	  "UPDATE JSON_TABLE(?, '$[*]' COLUMNS (sid BIGINT UNSIGNED PATH '$[0]', no VARCHAR(19)" \
	  " PATH '$[1]', kind VARCHAR(1) PATH '$[2]', latest INT PATH '$[3]', st VARCHAR(8)" \
	  " PATH '$[4]')) j STRAIGHT_JOIN student s FORCE INDEX (PRIMARY) ON s.id = j.sid" \
	  " SET s.student_no = COALESCE(j.no, s.student_no)," \
	  " s.student_no_kind = COALESCE(j.kind, s.student_no_kind)," \
	  " s.national_check = IF(j.latest AND s.national_check <> 'due', j.st, s.national_check)," \
	  " s.status = IF(s.status = 'pending_check', 'in_school', s.status)," \
	  " s.version = s.version + 1, s.updated_at = UTC_TIMESTAMP(6)") \
	/* a national problem group: opened once per ministry id while open */ \
	X(NC_GROUP_OPEN,     0, \
	  "INSERT IGNORE INTO problem_group (kind, key_bidx, national_id, national_open, national_kind," \
	  " created_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(NC_GROUP_BY_ID,    0, "SELECT id FROM problem_group WHERE national_open = ? FOR UPDATE") \
	X(NC_OTHERS_CLEAR,   0, "DELETE FROM problem_national_other WHERE group_id = ?") \
	X(NC_OTHER_ADD,      0, \
	  "INSERT INTO problem_national_other (group_id, seq, student_no_masked, name_masked, sex," \
	  " birth_date, id_number_masked, province, school_name, received_at)" \
	  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(NC_OTHERS,         0, \
	  "SELECT student_no_masked, name_masked, sex, DATE_FORMAT(birth_date, '%Y-%m-%d')," \
	  " COALESCE(id_number_masked, ''), province, school_name FROM problem_national_other" \
	  " WHERE group_id = ? ORDER BY seq LIMIT 64") \
	/* issue 12 item 5: 补建学籍 and batch import (sql/0032; \
	 * school/supplement.c, store/student.c xj_student_create_direct; \
	 * also the record a Dossier brings, exchange/xrecv.c) */ \
	X(SUPP_SCHOOL,       0, \
	  "SELECT o.kind, o.status, o.licensed, COALESCE(c.code, '') FROM org o" \
	  " LEFT JOIN org c ON c.id = o.county_id WHERE o.id = ?") \
	X(SUPP_INSERT,       XJ_SQL_DUP_OK, \
	  "INSERT INTO student (registration_id, school_org_id, county_code, student_no, student_no_kind," \
	  " name, sex, birth_date, id_doc_type, id_number_ct, child_bidx, person_bidx, ethnicity," \
	  " nationality, hukou_nature, hukou_code, birthplace, native_place, current_address," \
	  " home_address, contact_address, local_family, left_behind, migrant_worker_child, boarding," \
	  " entry_year, level, class_id, status, origin, national_check, national_action, created_at," \
	  " updated_at) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?," \
	  " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))") \
	X(SUPP_NATIONAL,     0, \
	  "SELECT origin, national_check, national_action FROM student WHERE id = ?") \
	X(SUPP_IMPORT_INSERT, 0, \
	  "INSERT INTO student_import (school_org_id, actor_id, line_count, body_sha256, created_at)" \
	  " VALUES (?, ?, 0, ?, UTC_TIMESTAMP(6))") \
	X(SUPP_IMPORT_COUNT, 0, "UPDATE student_import SET line_count = ? WHERE id = ?") \
	X(SUPP_IMPORT_LINE,  0, \
	  "INSERT INTO student_import_line (import_id, line, student_id) VALUES (?, ?, ?)") \
	X(SUPP_IMPORT_GET,   0, \
	  "SELECT school_org_id, line_count, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s')" \
	  " FROM student_import WHERE id = ?") \
	X(SUPP_PROBLEMS,     0, \
	  "SELECT g.id, g.kind FROM problem_member m JOIN problem_group g ON g.id = m.group_id" \
	  " WHERE m.student_id = ? AND g.state = 'open' AND m.state = 'open' ORDER BY g.id") \
	X(SUPP_IMPORT_LINES, 0, \
	  "SELECT l.line, s.id, s.student_no, s.status, s.problem_open FROM student_import_line l" \
	  " JOIN student s ON s.id = l.student_id WHERE l.import_id = ? ORDER BY l.line") \
	/* issue 13 item 7, xsend: cross-province moves, the sending side \
	 * (sql/0034; store/xsend.c, exchange/xsend.c). A relayed request \
	 * once per TransferId; the Dossier's record, guardians and history; \
	 * the record marked transferred out; messages waiting for the \
	 * signing job (exchange_outbox_pending, ctl/exchangesign.c) */ \
	X(XS_REQ_GET,        0, \
	  "SELECT kind, COALESCE(workflow_id, 0), COALESCE(student_id, 0), COALESCE(refusal_code, '')," \
	  " recv_school_code, recv_county_code, from_school_code, from_county_code, reason," \
	  " COALESCE(graduation_year, 0), requested_at, message_id FROM xsend_request" \
	  " WHERE transfer_id = ?") \
	X(XS_REQ_BY_CASE,    0, \
	  "SELECT transfer_id, kind, COALESCE(student_id, 0), recv_school_code, recv_county_code," \
	  " from_school_code, from_county_code, reason, COALESCE(graduation_year, 0), requested_at," \
	  " message_id FROM xsend_request WHERE workflow_id = ?") \
	X(XS_REQ_INSERT,     XJ_SQL_DUP_OK, \
	  "INSERT INTO xsend_request (transfer_id, kind, workflow_id, student_id, refusal_code," \
	  " recv_school_code, recv_county_code, from_school_code, from_county_code, reason," \
	  " graduation_year, requested_at, message_id, received_at)" \
	  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(XS_RECORD,         0, \
	  "SELECT s.student_no, s.name, s.sex, DATE_FORMAT(s.birth_date, '%Y-%m-%d'), s.id_doc_type," \
	  " s.id_number_ct, s.ethnicity, s.nationality, s.hukou_code, o.code, s.county_code," \
	  " s.entry_year, s.level, s.status FROM student s JOIN org o ON o.id = s.school_org_id" \
	  " WHERE s.id = ?") \
	X(XS_GUARDIANS,      0, \
	  "SELECT idx, relation, relation_desc, name, COALESCE(id_doc_type, ''), id_number_ct" \
	  " FROM student_guardian WHERE student_id = ? ORDER BY idx LIMIT 4") \
	/* the newest 256 events, oldest first (the Dossier's bound) */ \
	/* LEFT JOIN: a Dossier's events (school 0, another province's) \
	 * go with a record that moves on again, their note as it came */ \
	X(XS_EVENTS,         0, \
	  "SELECT kind, status, code, from_grade, to_grade, at, note FROM (SELECT e.id, e.kind," \
	  " e.status, COALESCE(o.code, '') AS code, COALESCE(e.from_grade, 0) AS from_grade," \
	  " COALESCE(e.to_grade, 0) AS to_grade, DATE_FORMAT(e.created_at, '%Y-%m-%d %H:%i:%s') AS at," \
	  " COALESCE(e.note, '') AS note FROM student_event e" \
	  " LEFT JOIN org o ON o.id = e.school_org_id WHERE e.student_id = ? ORDER BY e.id DESC LIMIT ?)" \
	  " t ORDER BY id") \
	X(XS_TRANSFERRED,    0, \
	  "UPDATE student SET status = 'transferred', version = version + 1," \
	  " updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND status = 'in_school'") \
	X(XS_EVENT,          0, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, status, workflow_id, fields," \
	  " created_at) SELECT id, ?, school_org_id, status, ?, ?, UTC_TIMESTAMP(6) FROM student" \
	  " WHERE id = ?") \
	/* the school year of the year-end batch that graduated the record \
	 * (R-MOV-5: GraduationYear is its calendar year, school year + 1) */ \
	X(XS_GRAD_YEAR,      0, \
	  "SELECT COALESCE(MAX(yearend_year), 0) FROM student_event WHERE student_id = ?" \
	  " AND kind = 'graduated'") \
	X(XOBP_INSERT,       0, \
	  "INSERT INTO exchange_outbox_pending (message_id, message_type, receiver, body, created_at)" \
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(XOBP_NEXT,         0, \
	  "SELECT id, message_id, message_type, receiver, body FROM exchange_outbox_pending" \
	  " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED") \
	X(XOBP_DELETE,       0, "DELETE FROM exchange_outbox_pending WHERE id = ?") \
	/* session 7 (ops): the exchange's retention (store/xretention.c, \
	 * sql/0035). An outbox message goes only when acknowledged -- by a \
	 * Receipt (acked_at) or by its receiver's cursor -- and, a \
	 * StudentBatch, when every record it carried is answered and holds \
	 * a national number: while a record keeps its L number (a national \
	 * problem not resolved yet) the CheckResult that issues it is \
	 * checked against this batch and its record row (NC_SUBJECTS). Never \
	 * an unacknowledged one. Oldest first, a bounded batch, SKIP \
	 * LOCKED: several runners take disjoint batches */ \
	X(XRET_OUTBOX_PICK,  0, \
	  "SELECT o.id FROM exchange_outbox o" \
	  " WHERE o.created_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY" \
	  " AND (o.acked_at IS NOT NULL OR o.id <= COALESCE((SELECT c.acked_upto" \
	  " FROM exchange_outbox_cursor c WHERE c.receiver = o.receiver), 0))" \
	  " AND NOT EXISTS (SELECT 1 FROM exchange_outbox_record r LEFT JOIN student s" \
	  " ON s.id = r.student_id WHERE r.outbox_id = o.id" \
	  " AND (r.answered_message_id IS NULL OR s.student_no_kind = 'L'))" \
	  " ORDER BY o.created_at, o.id LIMIT ? FOR UPDATE SKIP LOCKED") \
	X(XRET_OUTBOX_RECORDS_DELETE, 0, \
	  "DELETE FROM exchange_outbox_record WHERE outbox_id = ?") \
	X(XRET_OUTBOX_DELETE, 0, \
	  "DELETE FROM exchange_outbox WHERE id = ?") \
	X(XRET_INBOX_PICK,   0, \
	  "SELECT id FROM exchange_inbox WHERE received_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY" \
	  " ORDER BY received_at, id LIMIT ? FOR UPDATE SKIP LOCKED") \
	X(XRET_INBOX_DELETE, 0, \
	  "DELETE FROM exchange_inbox WHERE id = ?") \
	/* ---- issue 13 item 7 (xrecv): cross-province moves, the receiving \
	 * side (sql/0033, store/xmove.c, school/xmove.c, exchange/xrecv.c, \
	 * exchange/xmovew.c, ctl/xmove.c) */ \
	X(XMV_INSERT,        XJ_SQL_DUP_OK, \
	  "INSERT INTO xmove (workflow_id, transfer_id, kind, student_no, name, from_school, from_county," \
	  " to_school, to_county, graduation_year, reason, requested_at)" \
	  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	/* the receiving county approved: the request is queued for the \
	 * signing job in the same transaction */ \
	X(XMV_SENT,          0, \
	  "UPDATE xmove SET request = 'sent', message_id = ? WHERE workflow_id = ?" \
	  " AND request = 'waiting'") \
	X(XMV_BY_TRANSFER,   0, \
	  "SELECT workflow_id, kind, student_no, request, COALESCE(graduation_year, 0) FROM xmove" \
	  " WHERE transfer_id = ? FOR UPDATE") \
	X(XMV_GET,           0, \
	  "SELECT transfer_id, kind, student_no, name, from_school, from_county, to_school, to_county," \
	  " COALESCE(graduation_year, 0), reason, request, COALESCE(student_id, 0)," \
	  " DATE_FORMAT(requested_at + INTERVAL 8 HOUR, '%Y-%m-%dT%H:%i:%s+08:00') FROM xmove" \
	  " WHERE workflow_id = ?") \
	X(XMV_DECISION_ADD,  0, \
	  "INSERT INTO xmove_decision (workflow_id, step, decision, refusal_code, reason, decided," \
	  " message_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))") \
	X(XMV_DECISIONS,     0, \
	  "SELECT step, decision, COALESCE(refusal_code, ''), reason, decided FROM xmove_decision" \
	  " WHERE workflow_id = ? ORDER BY id LIMIT ?") \
	X(XMV_SET_STUDENT,   0, "UPDATE xmove SET student_id = ? WHERE workflow_id = ?") \
	/* the class the school chose, if it fits the record that arrived */ \
	X(XMV_CLASS_FITS,    0, \
	  "SELECT id FROM school_class WHERE id = ? AND school_org_id = ? AND entry_year = ? AND level = ?") \
	/* the case's subject becomes the record the Dossier created: the \
	 * record's history of cases shows its arrival */ \
	X(XMV_WF_SUBJECT,    0, "UPDATE workflow SET subject_id = ? WHERE id = ?") \
	/* a record of ours that left for another province and comes back \
	 * (status transferred): the same row, the Dossier's data */ \
	X(XMV_STU_REVIVE,    0, \
	  "UPDATE student SET school_org_id = ?, county_code = ?, name = ?, sex = ?, birth_date = ?," \
	  " id_doc_type = ?, child_bidx = ?, person_bidx = ?, ethnicity = ?, nationality = ?," \
	  " hukou_code = ?, entry_year = ?, level = ?, class_id = ?, status = 'in_school'," \
	  " origin = 'transfer_in', national_check = ?, national_action = 'new', version = version + 1," \
	  " updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND status = 'transferred'") \
	/* a guardian of the Dossier: over the row's own of that place (a \
	 * record that comes back), else a new one */ \
	X(XMV_GUARDIAN_SET,  0, \
	  "UPDATE student_guardian SET relation = ?, relation_desc = ?, name = ?, id_doc_type = ?," \
	  " id_number_ct = ?, phone_ct = ?, employer = '' WHERE student_id = ? AND idx = ?") \
	X(XMV_GUARDIAN_ADD,  0, \
	  "INSERT INTO student_guardian (student_id, idx, relation, relation_desc, name, id_doc_type," \
	  " id_number_ct, phone_ct, employer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')") \
	/* at: the event's Beijing time "YYYY-MM-DD HH:MM:SS", stored in UTC */ \
	X(XMV_EVENT,         0, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, status, workflow_id, note," \
	  " created_at) VALUES (?, ?, ?, ?, ?, ?, CAST(? AS DATETIME(6)) - INTERVAL 8 HOUR)") \
	X(XMV_EVENT_NOW,     0, \
	  "INSERT INTO student_event (student_id, kind, school_org_id, status, workflow_id, created_at)" \
	  " VALUES (?, ?, ?, 'in_school', ?, UTC_TIMESTAMP(6))") \
	/* R-MOV-5: the province's graduate-move windows */ \
	X(GMW_OPEN,          0, \
	  "SELECT DATE_FORMAT(ends_on, '%Y-%m-%d') FROM graduate_move_window WHERE province = ?" \
	  " AND starts_on <= ? AND ends_on >= ? ORDER BY ends_on DESC LIMIT 1") \
	X(GMW_SET,           0, \
	  "INSERT INTO graduate_move_window (province, starts_on, ends_on, reason, set_at)" \
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE ends_on = VALUES(ends_on)," \
	  " reason = VALUES(reason), set_at = VALUES(set_at)") \
	X(GMW_DEL,           0, "DELETE FROM graduate_move_window WHERE province = ? AND starts_on = ?") \
	X(GMW_LIST,          0, \
	  "SELECT province, DATE_FORMAT(starts_on, '%Y-%m-%d'), DATE_FORMAT(ends_on, '%Y-%m-%d'), reason" \
	  " FROM graduate_move_window ORDER BY province, starts_on") \
	/* ---- session 7 (entrymatrix): the account that started a \
	 * cross-province case, whose guesses a 2001 answer counts against */ \
	X(XMV_STARTER,       0, "SELECT started_by FROM workflow WHERE id = ?") \
	/* pages (issue 14): the open cases an org started, newest first -- \
	 * the receiving school follows its transfers (a cross-province one \
	 * past its own steps); an index range of workflow_initiator */ \
	X(WF_STARTED,        0, \
	  "SELECT w.id, w.type_code, w.current_seq, DATE_FORMAT(w.started_at, '%Y-%m-%d %H:%i:%s')," \
	  " COALESCE(s.name, xm.name, ''), xm.workflow_id IS NOT NULL FROM workflow w" \
	  " LEFT JOIN student s ON s.id = w.subject_id LEFT JOIN xmove xm ON xm.workflow_id = w.id" \
	  /* a request relayed from another province is that province's \
	   * application, not the sending school's (sql/0034) */ \
	  " LEFT JOIN xsend_request xs ON xs.workflow_id = w.id" \
	  " WHERE w.initiator_org_id = ? AND w.state = 'open' AND xs.workflow_id IS NULL" \
	  " ORDER BY w.id DESC LIMIT ?") \
	/* ---- session 7 (capcase): the cap on a school's unanswered \
	 * cross-province starts (school/xmove.c, [transfer] \
	 * xprovince_unanswered_max). The school's org row is the lock two \
	 * starts of one school queue on, taken first in the start's \
	 * transaction; the count reads under it (READ COMMITTED: what the \
	 * start before committed). Unanswered: open, and no TransferDecision \
	 * received (a Dossier closes the case); an index range of \
	 * workflow_initiator, the cases of a relayed request have no xmove \
	 * row */ \
	X(XMV_CAP_LOCK,      0, "SELECT id FROM org WHERE id = ? FOR UPDATE") \
	X(XMV_UNANSWERED,    0, \
	  "SELECT COUNT(*) FROM workflow w JOIN xmove x ON x.workflow_id = w.id" \
	  " WHERE w.initiator_org_id = ? AND w.state = 'open'" \
	  " AND NOT EXISTS (SELECT 1 FROM xmove_decision d WHERE d.workflow_id = w.id)")

enum xj_q {
#define XJ_Q_ENUM(name, flags, sql) XJ_Q_##name,
	XJ_STORE_SQL(XJ_Q_ENUM)
#undef XJ_Q_ENUM
	XJ_Q__COUNT
};

extern const struct xj_sqldef xj_store_sql[XJ_Q__COUNT];

#endif
