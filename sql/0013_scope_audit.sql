-- 0013_scope_audit.sql -- issue 10, "Scope and audit" (review M6, L12).
-- M6: reads of full identifiers and bulk lists of minors are audited.
-- A read entry says how many rows it returned and with which filter
-- (org codes, grades, the letters of a name prefix -- never an identity
-- number: a student number, which embeds one, is recorded as "*").
-- Write entries leave both NULL.
ALTER TABLE audit_log
	ADD COLUMN IF NOT EXISTS row_count INT UNSIGNED NULL
		COMMENT 'M6: rows a read returned; NULL for a state change',
	ADD COLUMN IF NOT EXISTS filter VARCHAR(255) NULL
		COMMENT 'M6: the query of a bulk read, without identity numbers';
-- M5: a school that is not the family's choice must present the printed
-- form; wrong tokens or identity numbers are audited
-- (applicant.proof_refused) and a staff account with too many of them in
-- the last minutes is refused further lookups (src/school/applicant.c).
-- This index answers that count without scanning the trail.
CREATE INDEX IF NOT EXISTS audit_actor_action ON audit_log (actor_id, action, at);
