-- 0008_registration_procedures.sql -- a registration's writes as stored
-- procedures, each called as ONE prepared statement (CALL with every value
-- bound as a parameter; no SQL text is built from input here either).
--
-- Why (issue 5, docs/benchmarks.md): POST /api/parent/v1/registrations ran
-- 12 client round trips (session, county, window, age policy, BEGIN, row,
-- claim, guardian, event, PSB request, audit, COMMIT), and on this kind of
-- machine throughput tracked round trips, not rows. The transaction's eight
-- round trips are now one CALL of xj_reg_create, which is its own
-- transaction; the four reads before it are one SELECT (REG_CONTEXT).
--
-- xj_reg_insert: a new registration with what belongs to it -- the row
-- (version 1), the child's claim (R-COL-2: one live registration per child;
-- a second one fails on child_claim's primary key), up to four guardians
-- (p_gN_rel NULL: none), the "registered" event (state = p_state, detail =
-- p_detail) and, given p_psb_token, the public-security request (R-COL-5).
-- It joins the caller's transaction (the district change,
-- src/school/districtchange.c, runs it inside its own).
--
-- xj_reg_create: a parent's registration as one transaction: the
-- Idempotency-Key's stored answer (given p_idem_key; a repeated key fails
-- with 1062 "for key 'idempotency_key'", so that the caller can tell it from
-- the child's claim), xj_reg_insert, the audit entry, COMMIT. On any error
-- it rolls back and re-raises the error unchanged (a duplicate keeps its
-- key's name: registration_prereg or psb_token = draw again, PRIMARY = the
-- child is registered already).
--
-- SQL SECURITY INVOKER: the procedures run with the caller's rights, so the
-- application user needs its table rights as before plus EXECUTE
-- (xuejictl grant-app); audit_log stays insert-only for it.
-- Parameters are anchored to their columns (TYPE OF): a later change of a
-- column's type needs a migration that recreates these procedures.

DELIMITER $$

CREATE OR REPLACE PROCEDURE xj_reg_insert(
	IN p_prereg TYPE OF registration.prereg_no,
	IN p_year TYPE OF registration.year,
	IN p_county TYPE OF registration.county_code,
	IN p_school TYPE OF registration.school_org_id,
	IN p_parent TYPE OF registration.parent_id,
	IN p_state TYPE OF registration.state,
	IN p_cert TYPE OF registration.cert_state,
	IN p_local TYPE OF registration.local_family,
	IN p_special TYPE OF registration.special_category,
	IN p_bidx TYPE OF registration.child_bidx,
	IN p_name TYPE OF registration.child_name,
	IN p_sex TYPE OF registration.sex,
	IN p_birth TYPE OF registration.birth_date,
	IN p_doc TYPE OF registration.id_doc_type,
	IN p_idn TYPE OF registration.id_number_ct,
	IN p_eth TYPE OF registration.ethnicity,
	IN p_nat TYPE OF registration.nationality,
	IN p_hnat TYPE OF registration.hukou_nature,
	IN p_hcode TYPE OF registration.hukou_code,
	IN p_bplace TYPE OF registration.birthplace,
	IN p_native TYPE OF registration.native_place,
	IN p_cur TYPE OF registration.current_address,
	IN p_home TYPE OF registration.home_address,
	IN p_contact TYPE OF registration.contact_address,
	IN p_left TYPE OF registration.left_behind,
	IN p_migrant TYPE OF registration.migrant_worker_child,
	IN p_dist TYPE OF registration.distance_dm,
	IN p_agew TYPE OF registration.age_warning,
	IN p_g0_rel TYPE OF registration_guardian.relation,
	IN p_g0_rdesc TYPE OF registration_guardian.relation_desc,
	IN p_g0_name TYPE OF registration_guardian.name,
	IN p_g0_doc TYPE OF registration_guardian.id_doc_type,
	IN p_g0_idn TYPE OF registration_guardian.id_number_ct,
	IN p_g0_phone TYPE OF registration_guardian.phone_ct,
	IN p_g0_emp TYPE OF registration_guardian.employer,
	IN p_g1_rel TYPE OF registration_guardian.relation,
	IN p_g1_rdesc TYPE OF registration_guardian.relation_desc,
	IN p_g1_name TYPE OF registration_guardian.name,
	IN p_g1_doc TYPE OF registration_guardian.id_doc_type,
	IN p_g1_idn TYPE OF registration_guardian.id_number_ct,
	IN p_g1_phone TYPE OF registration_guardian.phone_ct,
	IN p_g1_emp TYPE OF registration_guardian.employer,
	IN p_g2_rel TYPE OF registration_guardian.relation,
	IN p_g2_rdesc TYPE OF registration_guardian.relation_desc,
	IN p_g2_name TYPE OF registration_guardian.name,
	IN p_g2_doc TYPE OF registration_guardian.id_doc_type,
	IN p_g2_idn TYPE OF registration_guardian.id_number_ct,
	IN p_g2_phone TYPE OF registration_guardian.phone_ct,
	IN p_g2_emp TYPE OF registration_guardian.employer,
	IN p_g3_rel TYPE OF registration_guardian.relation,
	IN p_g3_rdesc TYPE OF registration_guardian.relation_desc,
	IN p_g3_name TYPE OF registration_guardian.name,
	IN p_g3_doc TYPE OF registration_guardian.id_doc_type,
	IN p_g3_idn TYPE OF registration_guardian.id_number_ct,
	IN p_g3_phone TYPE OF registration_guardian.phone_ct,
	IN p_g3_emp TYPE OF registration_guardian.employer,
	IN p_detail TYPE OF registration_event.detail,
	IN p_psb_token TYPE OF psb_request.token)
SQL SECURITY INVOKER
MODIFIES SQL DATA
BEGIN
	DECLARE v_id BIGINT UNSIGNED;

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
END$$

CREATE OR REPLACE PROCEDURE xj_reg_create(
	IN p_prereg TYPE OF registration.prereg_no,
	IN p_year TYPE OF registration.year,
	IN p_county TYPE OF registration.county_code,
	IN p_school TYPE OF registration.school_org_id,
	IN p_parent TYPE OF registration.parent_id,
	IN p_state TYPE OF registration.state,
	IN p_cert TYPE OF registration.cert_state,
	IN p_local TYPE OF registration.local_family,
	IN p_special TYPE OF registration.special_category,
	IN p_bidx TYPE OF registration.child_bidx,
	IN p_name TYPE OF registration.child_name,
	IN p_sex TYPE OF registration.sex,
	IN p_birth TYPE OF registration.birth_date,
	IN p_doc TYPE OF registration.id_doc_type,
	IN p_idn TYPE OF registration.id_number_ct,
	IN p_eth TYPE OF registration.ethnicity,
	IN p_nat TYPE OF registration.nationality,
	IN p_hnat TYPE OF registration.hukou_nature,
	IN p_hcode TYPE OF registration.hukou_code,
	IN p_bplace TYPE OF registration.birthplace,
	IN p_native TYPE OF registration.native_place,
	IN p_cur TYPE OF registration.current_address,
	IN p_home TYPE OF registration.home_address,
	IN p_contact TYPE OF registration.contact_address,
	IN p_left TYPE OF registration.left_behind,
	IN p_migrant TYPE OF registration.migrant_worker_child,
	IN p_dist TYPE OF registration.distance_dm,
	IN p_agew TYPE OF registration.age_warning,
	IN p_g0_rel TYPE OF registration_guardian.relation,
	IN p_g0_rdesc TYPE OF registration_guardian.relation_desc,
	IN p_g0_name TYPE OF registration_guardian.name,
	IN p_g0_doc TYPE OF registration_guardian.id_doc_type,
	IN p_g0_idn TYPE OF registration_guardian.id_number_ct,
	IN p_g0_phone TYPE OF registration_guardian.phone_ct,
	IN p_g0_emp TYPE OF registration_guardian.employer,
	IN p_g1_rel TYPE OF registration_guardian.relation,
	IN p_g1_rdesc TYPE OF registration_guardian.relation_desc,
	IN p_g1_name TYPE OF registration_guardian.name,
	IN p_g1_doc TYPE OF registration_guardian.id_doc_type,
	IN p_g1_idn TYPE OF registration_guardian.id_number_ct,
	IN p_g1_phone TYPE OF registration_guardian.phone_ct,
	IN p_g1_emp TYPE OF registration_guardian.employer,
	IN p_g2_rel TYPE OF registration_guardian.relation,
	IN p_g2_rdesc TYPE OF registration_guardian.relation_desc,
	IN p_g2_name TYPE OF registration_guardian.name,
	IN p_g2_doc TYPE OF registration_guardian.id_doc_type,
	IN p_g2_idn TYPE OF registration_guardian.id_number_ct,
	IN p_g2_phone TYPE OF registration_guardian.phone_ct,
	IN p_g2_emp TYPE OF registration_guardian.employer,
	IN p_g3_rel TYPE OF registration_guardian.relation,
	IN p_g3_rdesc TYPE OF registration_guardian.relation_desc,
	IN p_g3_name TYPE OF registration_guardian.name,
	IN p_g3_doc TYPE OF registration_guardian.id_doc_type,
	IN p_g3_idn TYPE OF registration_guardian.id_number_ct,
	IN p_g3_phone TYPE OF registration_guardian.phone_ct,
	IN p_g3_emp TYPE OF registration_guardian.employer,
	IN p_detail TYPE OF registration_event.detail,
	IN p_psb_token TYPE OF psb_request.token,
	IN p_request_id TYPE OF audit_log.request_id,
	IN p_client_addr TYPE OF audit_log.client_addr,
	IN p_after_digest TYPE OF audit_log.after_digest,
	IN p_idem_key TYPE OF idempotency_key.key_hash,
	IN p_idem_request TYPE OF idempotency_key.request_hash,
	IN p_idem_response TYPE OF idempotency_key.response)
SQL SECURITY INVOKER
MODIFIES SQL DATA
BEGIN
	DECLARE EXIT HANDLER FOR SQLEXCEPTION
	BEGIN
		ROLLBACK;
		RESIGNAL;
	END;

	START TRANSACTION;
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
	CALL xj_reg_insert(p_prereg, p_year, p_county, p_school, p_parent, p_state, p_cert,
	    p_local, p_special, p_bidx, p_name, p_sex, p_birth, p_doc, p_idn,
	    p_eth, p_nat, p_hnat, p_hcode, p_bplace, p_native, p_cur, p_home,
	    p_contact, p_left, p_migrant, p_dist, p_agew, p_g0_rel, p_g0_rdesc,
	    p_g0_name, p_g0_doc, p_g0_idn, p_g0_phone, p_g0_emp, p_g1_rel,
	    p_g1_rdesc, p_g1_name, p_g1_doc, p_g1_idn, p_g1_phone, p_g1_emp,
	    p_g2_rel, p_g2_rdesc, p_g2_name, p_g2_doc, p_g2_idn, p_g2_phone,
	    p_g2_emp, p_g3_rel, p_g3_rdesc, p_g3_name, p_g3_doc, p_g3_idn,
	    p_g3_phone, p_g3_emp, p_detail, p_psb_token);
	INSERT INTO audit_log (at, request_id, actor_type, actor_id, actor_role, actor_org_id,
	    action, target_type, target_id, client_addr, before_digest, after_digest)
	VALUES (UTC_TIMESTAMP(6), p_request_id, 'parent', p_parent, NULL, NULL,
	    'registration.create', 'registration', p_prereg, p_client_addr, NULL, p_after_digest);
	COMMIT;
END$$

DELIMITER ;
