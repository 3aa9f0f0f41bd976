-- 0014_audit_seal.sql -- a tamper-evident audit trail (R-ADM-3, issue 10
-- item 14, review M7; docs/security.md "Audit trail").
--
-- 1. The time of an entry is the server's: `at` defaults to
--    UTC_TIMESTAMP(6) (an expression default: the session's time_zone does
--    not move it), and `xuejictl grant-app` gives the application user
--    INSERT on audit_log's other columns only, so it can neither back-date
--    an entry nor choose its id (MariaDB refuses with error 1143). The
--    session clock itself (SET timestamp) is closed by the server option
--    secure_timestamp = YES (docs/operations.md "MariaDB settings").
-- 2. audit_chain and audit_seal hold what the sealer (`xuejictl jobs`,
--    job audit-seal, src/ctl/audit.c) adds: for every sealed entry the
--    running hash of the chain up to it, and for every batch a head (last
--    entry, number of entries, chain hash, time) signed with Ed25519 by a
--    key kept in a file outside the database. Workers never touch them;
--    the application user may only SELECT and INSERT (no UPDATE, no
--    DELETE), and a head it could insert without the key fails
--    `xuejictl audit verify`.
-- 3. xj_reg_create (0008) again, with the one change that its audit INSERT
--    names no `at` (marked below): the procedure runs with the caller's
--    rights, which no longer include that column.

ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT (UTC_TIMESTAMP(6));

-- one row per sealed audit entry: hash = H(previous entry's hash, entry),
-- so verify names the first entry that no longer hashes to what was sealed
CREATE TABLE IF NOT EXISTS audit_chain (
	audit_id	BIGINT UNSIGNED	NOT NULL,
	seal_id		INT UNSIGNED	NOT NULL,
	hash		BINARY(32)	NOT NULL,
	PRIMARY KEY (audit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='sealed audit entries: the chain hash up to each (src/crypto/auditchain.h)';

-- one row per sealed batch; id = the previous head's + 1 (two sealers
-- racing for the same batch collide on it, one rolls back)
CREATE TABLE IF NOT EXISTS audit_seal (
	id		INT UNSIGNED	NOT NULL,
	last_audit_id	BIGINT UNSIGNED	NOT NULL,	-- every entry <= it was settled and is chained
	entries		INT UNSIGNED	NOT NULL,	-- entries this head adds
	chain		BINARY(32)	NOT NULL,	-- chain hash after last_audit_id
	sealed_at	DATETIME	NOT NULL,	-- UTC, signed
	key_id		CHAR(16)	NOT NULL,	-- which public key verifies it
	signature	BINARY(64)	NOT NULL,	-- Ed25519 over the head (auditchain.h)
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='signed heads of the audit chain';

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
		-- issue 10 (F: audit at): no `at`, the server's default sets it
		INSERT INTO audit_log (request_id, actor_type, actor_id, actor_role,
		    actor_org_id, action, target_type, target_id, client_addr, before_digest,
		    after_digest)
		VALUES (p_request_id, 'parent', p_parent, NULL, NULL,
		    'registration.create', 'registration', p_prereg, p_client_addr, NULL,
		    p_after_digest);
	END IF;
	IF p_own_tx THEN
		COMMIT;
	END IF;
END$$

DELIMITER ;
