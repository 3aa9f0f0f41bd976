-- 0008_registration_procedures.sql -- a registration's writes as one
-- stored procedure, called as ONE prepared statement (CALL with every value
-- bound as a parameter; no SQL text is built from input here either).
--
-- Why (issue 5, docs/benchmarks.md): POST /api/parent/v1/registrations ran
-- 12 client round trips (session, county, window, age policy, BEGIN, row,
-- claim, guardian, event, PSB request, audit, COMMIT). The transaction's
-- eight are now one CALL; the four reads before it are one SELECT
-- (REG_CONTEXT in src/store/sql.h).
--
-- xj_reg_create writes a new registration with what belongs to it: the row
-- (version 1), the child's claim (R-COL-2: one live registration per child;
-- a second one fails on child_claim's primary key), up to four guardians
-- (p_gN_rel NULL: none), the "registered" event (state = p_state, detail =
-- p_detail) and, given p_psb_token, the public-security request (R-COL-5).
-- Given p_request_id, the audit entry "registration.create" of the parent
-- p_parent; given p_idem_key, first of all the Idempotency-Key's stored
-- answer (a repeated key fails with 1062 "for key 'idempotency_key'", so
-- that the caller can tell it from the child's claim).
--
-- p_own_tx = 1 (a parent's registration): the call is its own transaction,
-- START TRANSACTION ... COMMIT, and on any error it rolls back and
-- re-raises the error unchanged (a duplicate keeps its key's name:
-- registration_prereg = draw another number, PRIMARY = the child is
-- registered already). p_own_tx = 0 (the district change,
-- src/school/districtchange.c): it joins the caller's transaction, which
-- rolls back on an error.
--
-- SQL SECURITY INVOKER: the procedure runs with the caller's rights, so the
-- application user needs its table rights as before plus EXECUTE
-- (xuejictl grant-app); audit_log stays insert-only for it.
-- Parameter types are written out, each equal to its column's type
-- (tests/api/database.py compares them with information_schema): a change
-- of such a column needs a migration that recreates the procedure.
-- Anchored types (TYPE OF t.c) would follow the columns by themselves, but
-- the server resolves them by opening every anchored table at each CALL:
-- a third of MariaDB's time in the registration (perf, docs/benchmarks.md).
-- One procedure rather than an inner one for the rows and an outer one for
-- the transaction: a nested CALL copies its 58 arguments each time.

DELIMITER $$

CREATE OR REPLACE PROCEDURE xj_reg_create(
	IN p_own_tx TINYINT,
	IN p_prereg CHAR(16),
	IN p_year SMALLINT,
	IN p_county CHAR(6),
	IN p_school INT UNSIGNED,
	IN p_parent BIGINT UNSIGNED,
	IN p_state VARCHAR(24),
	IN p_cert VARCHAR(16),
	IN p_local TINYINT(1),
	IN p_special VARCHAR(32),
	IN p_bidx BINARY(32),
	IN p_name VARCHAR(64),
	IN p_sex CHAR(1),
	IN p_birth DATE,
	IN p_doc CHAR(1),
	IN p_idn VARBINARY(160),
	IN p_eth CHAR(2),
	IN p_nat VARCHAR(32),
	IN p_hnat VARCHAR(16),
	IN p_hcode CHAR(12),
	IN p_bplace VARCHAR(128),
	IN p_native VARCHAR(128),
	IN p_cur VARCHAR(200),
	IN p_home VARCHAR(200),
	IN p_contact VARCHAR(200),
	IN p_left TINYINT(1),
	IN p_migrant TINYINT(1),
	IN p_dist INT UNSIGNED,
	IN p_agew TINYINT(1),
	IN p_g0_rel VARCHAR(8),
	IN p_g0_rdesc VARCHAR(32),
	IN p_g0_name VARCHAR(64),
	IN p_g0_doc CHAR(1),
	IN p_g0_idn VARBINARY(160),
	IN p_g0_phone VARBINARY(96),
	IN p_g0_emp VARCHAR(128),
	IN p_g1_rel VARCHAR(8),
	IN p_g1_rdesc VARCHAR(32),
	IN p_g1_name VARCHAR(64),
	IN p_g1_doc CHAR(1),
	IN p_g1_idn VARBINARY(160),
	IN p_g1_phone VARBINARY(96),
	IN p_g1_emp VARCHAR(128),
	IN p_g2_rel VARCHAR(8),
	IN p_g2_rdesc VARCHAR(32),
	IN p_g2_name VARCHAR(64),
	IN p_g2_doc CHAR(1),
	IN p_g2_idn VARBINARY(160),
	IN p_g2_phone VARBINARY(96),
	IN p_g2_emp VARCHAR(128),
	IN p_g3_rel VARCHAR(8),
	IN p_g3_rdesc VARCHAR(32),
	IN p_g3_name VARCHAR(64),
	IN p_g3_doc CHAR(1),
	IN p_g3_idn VARBINARY(160),
	IN p_g3_phone VARBINARY(96),
	IN p_g3_emp VARCHAR(128),
	IN p_detail VARCHAR(255),
	IN p_psb_token CHAR(32),
	IN p_request_id VARCHAR(40),
	IN p_client_addr VARCHAR(45),
	IN p_after_digest BINARY(32),
	IN p_idem_key BINARY(32),
	IN p_idem_request BINARY(32),
	IN p_idem_response MEDIUMTEXT)
SQL SECURITY INVOKER
MODIFIES SQL DATA
BEGIN
	DECLARE v_id BIGINT UNSIGNED;
	DECLARE EXIT HANDLER FOR SQLEXCEPTION
	BEGIN
		IF p_own_tx THEN
			ROLLBACK;
		END IF;
		RESIGNAL;
	END;

	IF p_own_tx THEN
		START TRANSACTION;
	END IF;
	IF p_idem_key IS NOT NULL THEN
		BEGIN
			DECLARE EXIT HANDLER FOR 1062
				SIGNAL SQLSTATE '23000' SET MYSQL_ERRNO = 1062,
				    MESSAGE_TEXT = 'Duplicate entry for key ''idempotency_key''';
			INSERT INTO idempotency_key (owner_id, scope, key_hash, request_hash, status,
			    response, created_at)
			VALUES (p_parent, 'registration', p_idem_key, p_idem_request, 201,
			    p_idem_response, UTC_TIMESTAMP(6));
		END;
	END IF;
	INSERT INTO registration (prereg_no, year, county_code, school_org_id, parent_id, state,
	    cert_state, version, local_family, special_category, child_bidx,
	    child_name, sex, birth_date, id_doc_type, id_number_ct, ethnicity,
	    nationality, hukou_nature, hukou_code, birthplace, native_place,
	    current_address, home_address, contact_address, left_behind,
	    migrant_worker_child, distance_dm, age_warning, created_at, updated_at)
	VALUES (p_prereg, p_year, p_county, p_school, p_parent, p_state, p_cert, 1,
	    p_local, p_special, p_bidx, p_name, p_sex, p_birth, p_doc, p_idn,
	    p_eth, p_nat, p_hnat, p_hcode, p_bplace, p_native, p_cur, p_home,
	    p_contact, p_left, p_migrant, p_dist, p_agew, UTC_TIMESTAMP(6),
	    UTC_TIMESTAMP(6));
	SET v_id = LAST_INSERT_ID();
	INSERT INTO child_claim (child_bidx, registration_id) VALUES (p_bidx, v_id);
	IF p_g0_rel IS NOT NULL THEN
		INSERT INTO registration_guardian (registration_id, idx, relation, relation_desc,
		    name, id_doc_type, id_number_ct, phone_ct, employer)
		VALUES (v_id, 0, p_g0_rel, p_g0_rdesc, p_g0_name, p_g0_doc,
		    p_g0_idn, p_g0_phone, p_g0_emp);
	END IF;
	IF p_g1_rel IS NOT NULL THEN
		INSERT INTO registration_guardian (registration_id, idx, relation, relation_desc,
		    name, id_doc_type, id_number_ct, phone_ct, employer)
		VALUES (v_id, 1, p_g1_rel, p_g1_rdesc, p_g1_name, p_g1_doc,
		    p_g1_idn, p_g1_phone, p_g1_emp);
	END IF;
	IF p_g2_rel IS NOT NULL THEN
		INSERT INTO registration_guardian (registration_id, idx, relation, relation_desc,
		    name, id_doc_type, id_number_ct, phone_ct, employer)
		VALUES (v_id, 2, p_g2_rel, p_g2_rdesc, p_g2_name, p_g2_doc,
		    p_g2_idn, p_g2_phone, p_g2_emp);
	END IF;
	IF p_g3_rel IS NOT NULL THEN
		INSERT INTO registration_guardian (registration_id, idx, relation, relation_desc,
		    name, id_doc_type, id_number_ct, phone_ct, employer)
		VALUES (v_id, 3, p_g3_rel, p_g3_rdesc, p_g3_name, p_g3_doc,
		    p_g3_idn, p_g3_phone, p_g3_emp);
	END IF;
	INSERT INTO registration_event (registration_id, at, event, state, detail)
	VALUES (v_id, UTC_TIMESTAMP(6), 'registered', p_state, p_detail);
	IF p_psb_token IS NOT NULL THEN
		INSERT INTO psb_request (token, registration_id, reg_version, state, created_at)
		VALUES (p_psb_token, v_id, 1, 'pending', UTC_TIMESTAMP(6));
	END IF;
	IF p_request_id IS NOT NULL THEN
		INSERT INTO audit_log (at, request_id, actor_type, actor_id, actor_role,
		    actor_org_id, action, target_type, target_id, client_addr, before_digest,
		    after_digest)
		VALUES (UTC_TIMESTAMP(6), p_request_id, 'parent', p_parent, NULL, NULL,
		    'registration.create', 'registration', p_prereg, p_client_addr, NULL,
		    p_after_digest);
	END IF;
	IF p_own_tx THEN
		COMMIT;
	END IF;
END$$

DELIMITER ;
