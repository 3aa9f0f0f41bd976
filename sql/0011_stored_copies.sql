-- 0011_stored_copies.sql -- issue 10 (C): masking and stored copies
-- (docs/security.md, "Encrypted columns", "Idempotency-Key"; review
-- findings H3, M9, L3).
--
-- L3: a document number is 1..32 characters of up to 4 bytes (128 bytes)
-- and is never cut; encrypted (field.h: 33 bytes more) it needs 161
-- bytes, so the encrypted number columns and the procedure's parameters
-- of the same type grow to VARBINARY(192) (both widths keep a one-byte
-- length prefix, so InnoDB can extend the columns without rebuilding the
-- rows). The procedure below is 0008's with those five parameter types
-- (and a comment on p_idem_response) changed, nothing else: -- issue 10 (C).
--
-- H3: idempotency_key.response held the whole 201 answer in clear (names,
-- birth date, masked numbers), which a dump could read without any key.
-- It now holds a pointer, the pre-registration number the key created,
-- and the answer is rebuilt on a replay (src/store/idempotency.h). The
-- bodies already stored become their number (both kinds of answer carry
-- prereg_no); a row without one is deleted. A CHECK keeps anything else
-- out of the column for good.
--
-- M9: the five-certificate filing (cert_review.details: the residence
-- permit number, which is a citizen ID number, the hukou book number,
-- contract and property numbers, addresses) is stored encrypted in
-- details_ct (AES-256-GCM, field.h, AAD "cert_review.details"); details
-- is '' for every new filing. Rows filed before stay readable and are
-- encrypted by the jobs runner's cert-details-encrypt job.
--
-- DDL: re-runnable (IF EXISTS / IF NOT EXISTS, idempotent updates).

ALTER TABLE registration MODIFY id_number_ct VARBINARY(192) NOT NULL;
ALTER TABLE registration_guardian MODIFY id_number_ct VARBINARY(192) NULL;
ALTER TABLE student MODIFY id_number_ct VARBINARY(192) NOT NULL;
ALTER TABLE student_guardian MODIFY id_number_ct VARBINARY(192) NULL;

UPDATE idempotency_key SET response = COALESCE(JSON_VALUE(response, '$.prereg_no'), '')
WHERE response <> '' AND response NOT REGEXP '^[0-9]{15}[0-9X]$';
DELETE FROM idempotency_key WHERE response NOT REGEXP '^[0-9]{15}[0-9X]$';
ALTER TABLE idempotency_key DROP CONSTRAINT IF EXISTS idempotency_pointer_only;
-- '' only between the key's insert and its answer, inside one transaction
ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_pointer_only
	CHECK (response = '' OR response REGEXP '^[0-9]{15}[0-9X]$');

ALTER TABLE cert_review ADD COLUMN IF NOT EXISTS details_ct BLOB NULL AFTER details;

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
	IN p_idn VARBINARY(192),		-- issue 10 (C): L3, was 160
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
	IN p_g0_idn VARBINARY(192),		-- issue 10 (C): L3, was 160
	IN p_g0_phone VARBINARY(96),
	IN p_g0_emp VARCHAR(128),
	IN p_g1_rel VARCHAR(8),
	IN p_g1_rdesc VARCHAR(32),
	IN p_g1_name VARCHAR(64),
	IN p_g1_doc CHAR(1),
	IN p_g1_idn VARBINARY(192),		-- issue 10 (C): L3, was 160
	IN p_g1_phone VARBINARY(96),
	IN p_g1_emp VARCHAR(128),
	IN p_g2_rel VARCHAR(8),
	IN p_g2_rdesc VARCHAR(32),
	IN p_g2_name VARCHAR(64),
	IN p_g2_doc CHAR(1),
	IN p_g2_idn VARBINARY(192),		-- issue 10 (C): L3, was 160
	IN p_g2_phone VARBINARY(96),
	IN p_g2_emp VARCHAR(128),
	IN p_g3_rel VARCHAR(8),
	IN p_g3_rdesc VARCHAR(32),
	IN p_g3_name VARCHAR(64),
	IN p_g3_doc CHAR(1),
	IN p_g3_idn VARBINARY(192),		-- issue 10 (C): L3, was 160
	IN p_g3_phone VARBINARY(96),
	IN p_g3_emp VARCHAR(128),
	IN p_detail VARCHAR(255),
	IN p_psb_token CHAR(32),
	IN p_request_id VARCHAR(40),
	IN p_client_addr VARCHAR(45),
	IN p_after_digest BINARY(32),
	IN p_idem_key BINARY(32),
	IN p_idem_request BINARY(32),
	IN p_idem_response MEDIUMTEXT)	-- issue 10 (C): H3, the prereg number (0011 CHECK)
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
