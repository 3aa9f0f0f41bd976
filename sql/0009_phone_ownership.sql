-- 0009_phone_ownership.sql -- issue 10 (A): phone ownership by SMS
-- one-time code (review H1, M1b, M4), the SMS outbox, rate counters, and
-- the per-account cap and create rate of registrations (H1).
--
-- Codes are never stored in clear: phone_code.code_mac is an HMAC of
-- (purpose, phone, code) under a key derived from the instance HMAC key
-- (src/store/phonecode.h). Messages wait in sms_outbox encrypted
-- (field encryption, src/crypto/field.h) and the body is blanked once
-- delivered or given up; `xuejictl jobs` (sms-deliver) sends them.

-- What a code is for. A purpose is a row here and a row of the table in
-- src/parent/smscode.c (a later sign-in by code adds 'login' to both).
CREATE TABLE IF NOT EXISTS sms_purpose (
	code		VARCHAR(16)	NOT NULL,
	name		VARCHAR(64)	NOT NULL,
	PRIMARY KEY (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO sms_purpose (code, name) VALUES
	('signup', '注册账号'),
	('reset', '找回密码');

-- One live code per phone and purpose: a new request replaces the old
-- one. tries_left counts down on every check, right or wrong, under the
-- row's lock, so parallel guesses never evaluate more than the tries.
CREATE TABLE IF NOT EXISTS phone_code (
	phone_bidx	BINARY(32)	NOT NULL,	-- the blind index of parent_account.phone_bidx
	purpose		VARCHAR(16)	NOT NULL,
	code_mac	BINARY(32)	NOT NULL,
	tries_left	TINYINT UNSIGNED NOT NULL,
	created_at	DATETIME(6)	NOT NULL,
	expires_at	DATETIME(6)	NOT NULL,
	PRIMARY KEY (phone_bidx, purpose),
	KEY phone_code_expiry (expires_at),
	CONSTRAINT phone_code_purpose_fk FOREIGN KEY (purpose) REFERENCES sms_purpose (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Fixed-window counters shared by every worker (workers are stateless).
-- subject is a keyed hash (blind index) of the phone or client address,
-- never the value itself.
CREATE TABLE IF NOT EXISTS rate_counter (
	scope		VARCHAR(16)	NOT NULL,
	subject		BINARY(32)	NOT NULL,
	window_start	DATETIME(6)	NOT NULL,
	hits		INT UNSIGNED	NOT NULL,
	PRIMARY KEY (scope, subject),
	KEY rate_counter_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Messages to send. body_ct: the gateway request's phone, template and
-- parameters (JSON), AES-256-GCM under aad "sms_outbox.body"; NULL once
-- sent, failed for good or expired. A runner claims due rows by setting
-- lease_token/lease_until (one UPDATE), sends, and settles each row only
-- if its lease is still its own. msg_id goes to the gateway, which
-- deduplicates by it: delivery is at least once, shown once.
CREATE TABLE IF NOT EXISTS sms_outbox (
	id		BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	msg_id		CHAR(32)	NOT NULL,
	purpose		VARCHAR(16)	NOT NULL,
	kind		VARCHAR(16)	NOT NULL,	-- code, notice
	body_ct		VARBINARY(1024)	NULL,
	state		VARCHAR(12)	NOT NULL,	-- pending, sent, failed, expired
	attempts	SMALLINT UNSIGNED NOT NULL DEFAULT 0,
	next_at		DATETIME(6)	NOT NULL,
	expires_at	DATETIME(6)	NOT NULL,	-- a code's message is useless after it
	lease_token	CHAR(32)	NULL,
	lease_until	DATETIME(6)	NULL,
	last_status	SMALLINT	NULL,		-- HTTP status of the last try; 0: no answer
	created_at	DATETIME(6)	NOT NULL,
	sent_at		DATETIME(6)	NULL,
	PRIMARY KEY (id),
	UNIQUE KEY sms_outbox_msg (msg_id),
	KEY sms_outbox_due (state, next_at),
	KEY sms_outbox_lease (lease_token),
	KEY sms_outbox_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Registrations made for an account, counted by xj_reg_create at every
-- insert (it is the only code that inserts registrations, sql/0008): the
-- write that locks the account's row while its limits are checked (below),
-- a bound that spares the count for accounts with fewer registrations than
-- the limits (nearly all), and a figure for spotting accounts that file
-- for many children. Never below the account's registrations: started
-- from the rows there are.
ALTER TABLE parent_account
	ADD COLUMN IF NOT EXISTS reg_creates INT UNSIGNED NOT NULL DEFAULT 0;
UPDATE parent_account p
SET p.reg_creates = (SELECT COUNT(*) FROM registration r WHERE r.parent_id = p.id)
WHERE p.reg_creates = 0;

-- The cap and the create rate count an account's registrations of a year
-- from this index alone (no row reads): live ones by state, recent ones by
-- creation time, in one range scan whose cost stays flat however many
-- rows an account has (the bench drives hundreds through each account).
ALTER TABLE registration
	ADD INDEX IF NOT EXISTS registration_parent_year (parent_id, year, state, created_at);

-- xj_reg_create of 0008 with the cap and the rate (issue 10, A). Three
-- parameters more at the end and one block after the Idempotency-Key's
-- insert; everything else is 0008's text unchanged.
-- p_cap: most live registrations (not cancelled, not void) of the account
-- in p_year; NULL or 0: no cap (a district change moves a registration, it
-- adds none). p_rate: most registrations the account created in p_year
-- during the last p_rate_window seconds, cancelled ones included; NULL or
-- 0: no limit. The account's row is written first (reg_creates + 1, at
-- every call): one account's concurrent creates queue on its lock, so the
-- count after it cannot race; on Galera the write also makes two nodes'
-- concurrent creates of one account conflict in certification (a SELECT
-- ... FOR UPDATE would lock on one node only). An account's live and
-- recent registrations are never more than its reg_creates before this
-- one: while that is below both limits, nothing needs counting (a
-- statement less for nearly every account: the count cost a fifth of the
-- transaction in bench/dbload). Past either limit the call signals SQLSTATE 45000 with
-- MESSAGE_TEXT 'registration_limit' or 'registration_rate <seconds>' (the
-- Retry-After); after the Idempotency-Key's insert, so that a repeated
-- key is still answered with its first answer.

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
	IN p_idem_response MEDIUMTEXT,
	-- issue 10 (A: cap)
	IN p_cap SMALLINT UNSIGNED,
	IN p_rate SMALLINT UNSIGNED,
	IN p_rate_window INT UNSIGNED)
SQL SECURITY INVOKER
MODIFIES SQL DATA
BEGIN
	DECLARE v_id BIGINT UNSIGNED;
	-- issue 10 (A: cap)
	DECLARE v_n INT UNSIGNED;
	DECLARE v_recent INT UNSIGNED;
	DECLARE v_wait BIGINT;
	DECLARE v_msg VARCHAR(64);
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
	-- issue 10 (A: cap) begin
	SET @xj_reg_made = 65536;	-- no account row: count
	UPDATE parent_account SET reg_creates = (@xj_reg_made := reg_creates + 1)
	WHERE id = p_parent;
	IF (p_cap > 0 AND @xj_reg_made > p_cap) OR (p_rate > 0 AND @xj_reg_made > p_rate) THEN
		SELECT COUNT(IF(state NOT IN ('cancelled', 'void'), 1, NULL)),
		    COUNT(IF(created_at > UTC_TIMESTAMP(6) - INTERVAL p_rate_window SECOND, 1, NULL)),
		    CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6),
			MIN(IF(created_at > UTC_TIMESTAMP(6) - INTERVAL p_rate_window SECOND,
			created_at, NULL)) + INTERVAL p_rate_window SECOND) / 1000000)
		INTO v_n, v_recent, v_wait
		FROM registration WHERE parent_id = p_parent AND year = p_year;
		IF p_cap > 0 AND v_n >= p_cap THEN
			SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'registration_limit';
		END IF;
		IF p_rate > 0 AND v_recent >= p_rate THEN
			SET v_msg = CONCAT('registration_rate ', GREATEST(COALESCE(v_wait, 1), 1));
			SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
		END IF;
	END IF;
	-- issue 10 (A: cap) end
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
