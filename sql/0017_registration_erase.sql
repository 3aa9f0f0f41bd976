-- 0017_registration_erase.sql -- issue 10: erasing a registration is one
-- door, not a DELETE right on its history.
--
-- Retention (`xuejictl retention run`, job retention-purge) and a parent's
-- account deletion erase whole registrations with everything that hangs off
-- them (docs/privacy.md). Done with plain statements, that needs DELETE on
-- registration_event for the application user, which review M7 took away
-- (the history is append-only: a worker must not be able to remove single
-- events). Instead the erasure is this procedure, SQL SECURITY DEFINER (it
-- runs with the rights of the schema owner that migrates), which the
-- application user may only EXECUTE (grant-app grants EXECUTE on the
-- schema's procedures). It erases only a registration that may go: one
-- that never became a student record and is either cancelled or void, or
-- of a collection year before the current one (Beijing time); anything
-- else is refused with SQLSTATE 45000, so a compromised worker can neither
-- pick single events out of a history nor erase this year's live
-- registrations. The caller writes the audit entry in the same
-- transaction (store/privacy.c); the procedure starts no transaction.

DELIMITER $$
CREATE OR REPLACE PROCEDURE xj_reg_erase(IN p_id BIGINT UNSIGNED)
SQL SECURITY DEFINER
MODIFIES SQL DATA
BEGIN
	DECLARE v_state VARCHAR(16);
	DECLARE v_year SMALLINT UNSIGNED;
	DECLARE v_student INT DEFAULT 0;

	SELECT state, year INTO v_state, v_year FROM registration WHERE id = p_id FOR UPDATE;
	SELECT COUNT(*) INTO v_student FROM student WHERE registration_id = p_id;
	IF v_state IS NULL OR v_student > 0 OR v_state = 'admitted' OR
	    (v_state NOT IN ('cancelled', 'void') AND
	     v_year >= YEAR(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', '+08:00'))) THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'xj_reg_erase: registration may not be erased';
	END IF;
	-- the family's stored answers made up to its last change (they may
	-- name it: Idempotency-Key, sql/0011 keeps a pointer only)
	DELETE k FROM idempotency_key k JOIN registration r ON r.parent_id = k.owner_id
	    WHERE r.id = p_id AND k.scope IN ('registration', 'certificates')
	    AND k.created_at <= r.updated_at;
	DELETE FROM registration_guardian WHERE registration_id = p_id;
	DELETE FROM child_claim WHERE registration_id = p_id;
	DELETE FROM registration_event WHERE registration_id = p_id;
	DELETE FROM psb_request WHERE registration_id = p_id;
	DELETE FROM cert_review WHERE registration_id = p_id;
	DELETE FROM district_change WHERE registration_id = p_id;
	DELETE FROM admission WHERE registration_id = p_id;
	DELETE FROM documents_check WHERE registration_id = p_id;
	DELETE FROM registration WHERE id = p_id;
END$$
DELIMITER ;
