-- 0016_privacy.sql -- issue 10 (H): PIPL (review finding M12).
--
-- The privacy notice a guardian accepts is versioned and published
-- (GET /api/ref/v1/privacy-notice); each registration records the version
-- its guardian accepted (registration.privacy_notice_version; NULL for
-- registrations made before this migration). A new version is a new row
-- with a later published_at: from then on a create must name it.
--
-- Retention (docs/privacy.md): `xuejictl retention run` and the job
-- `retention-purge` delete registrations that never became a student
-- record a configurable time after their school year started; the year
-- index keeps each batch a range read.
--
-- xj_reg_create (sql/0008) is recreated with one more parameter,
-- p_notice, stored in the new column; every change is marked
-- "issue 10 (H: notice)". Being the last definition of the procedure, it
-- also carries the changes of the migrations before it that recreated it:
-- 0009's per-account cap ("issue 10 (A: cap)"), 0011's wider identity
-- numbers and 0014's server-set audit time ("issue 10 (C)", "(F: ...)").

CREATE TABLE IF NOT EXISTS privacy_notice (
	version		SMALLINT UNSIGNED NOT NULL,
	published_at	DATETIME(6)	NOT NULL,	-- UTC; in force from then on
	text_zh		TEXT		NOT NULL,
	text_en		TEXT		NOT NULL,
	PRIMARY KEY (version),
	KEY notice_published (published_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO privacy_notice (version, published_at, text_zh, text_en) VALUES (1,
 '2026-01-01 00:00:00',
 '学籍系统个人信息处理告知（第1版）。处理者：本区县教育行政部门。目的：学龄人口信息采集、入学资格审核（含向公安机关核验身份、审核“五证”材料）、招生录取和建立学籍。依据：《中华人民共和国义务教育法》规定的入学义务和《个人信息保护法》第十三条第一款第三项（履行法定职责）；儿童为不满十四周岁的未成年人，其个人信息属敏感个人信息，由监护人代为提交并确认本告知（第三十一条）。处理的信息：儿童及监护人的姓名、证件号码、出生日期、户籍、住址、联系电话等登记表所列信息。保存期限：未被录取的登记及其监护人信息，在该学年开学后按规定期限删除；录取后转为学籍档案，按学籍管理规定保存。您可以查询、更正登记信息，撤销登记，并在无进行中的登记时注销账号。证件号码等加密存储，访问留有审计记录。',
 'Xueji privacy notice (version 1). Controller: the county education bureau. Purposes: the school-age census, the entry checks (identity verification with public security, the five-certificate review), admission and the student record. Legal basis: the duty of school attendance under the Compulsory Education Law and PIPL art. 13(1)(3) (statutory duties); the child is under 14, so its data is sensitive personal information, submitted by a guardian who accepts this notice (PIPL art. 31). Data: the names, document numbers, birth dates, hukou, addresses and phone numbers of the form. Retention: registrations that do not lead to admission, with their guardians, are deleted a set time after the school year starts; an admission becomes a student record kept under the student-record rules. You may read and correct the registration, cancel it, and delete your account when nothing is in progress. Document numbers are encrypted; access is audited.');

ALTER TABLE registration ADD COLUMN IF NOT EXISTS privacy_notice_version SMALLINT UNSIGNED NULL
	AFTER age_warning;
CREATE INDEX IF NOT EXISTS registration_year ON registration (year, id);

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
	IN p_idem_response MEDIUMTEXT,	-- issue 10 (C): H3, the prereg number (0011 CHECK)
	IN p_notice SMALLINT UNSIGNED,		-- issue 10 (H: notice)
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
	    migrant_worker_child, distance_dm, age_warning, created_at, updated_at,
	    privacy_notice_version)			-- issue 10 (H: notice)
	VALUES (p_prereg, p_year, p_county, p_school, p_parent, p_state, p_cert, 1,
	    p_local, p_special, p_bidx, p_name, p_sex, p_birth, p_doc, p_idn,
	    p_eth, p_nat, p_hnat, p_hcode, p_bplace, p_native, p_cur, p_home,
	    p_contact, p_left, p_migrant, p_dist, p_agew, UTC_TIMESTAMP(6),
	    UTC_TIMESTAMP(6), p_notice);		-- issue 10 (H: notice)
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
