-- 0010_claims.sql -- issue 10, "Claims and accounts" 3-5 (review H1, M1a):
-- the guardian-child link public security reports (docs/psb.md §3-§5),
-- the county's void of a squatted registration and the automatic release
-- of claims held in id_mismatch ([claims] mismatch_release_days).

-- What PSB said about the first guardian: parent (the child's parent),
-- household (on the same household register), none (neither), unknown
-- (PSB could not tell: no guardian number, another document type, or a
-- gateway of protocol version 1). NULL until PSB answers. An unconfirmed
-- link (none, unknown) does not block the family: relatives may be
-- guardians. The school sees it at the documents check; the county
-- counts it (statistics: guardian_link IN ('none', 'unknown') of live
-- registrations, over the index below).
ALTER TABLE registration
	ADD COLUMN IF NOT EXISTS guardian_link VARCHAR(12) NULL,
	ADD INDEX IF NOT EXISTS registration_guardian_link (guardian_link, county_code, state),
	-- the claim-release job: id_mismatch rows oldest first
	ADD INDEX IF NOT EXISTS registration_state_updated (state, updated_at);

-- The answer as posted, so that a resent result compares equal (rule 2).
ALTER TABLE psb_request
	ADD COLUMN IF NOT EXISTS guardian_link VARCHAR(12) NULL;

-- The staff claim look-up (POST /api/school/v1/claims/lookup, review M1a)
-- is rate-limited per staff account: a fixed hourly window, at most
-- [claims] lookup_per_hour look-ups in it. New table: run
-- `xuejictl grant-app` again after migrating (SELECT, INSERT, UPDATE).
CREATE TABLE IF NOT EXISTS claim_lookup_quota (
	staff_id		BIGINT UNSIGNED	NOT NULL,
	window_start		DATETIME(6)	NOT NULL,
	used			INT UNSIGNED	NOT NULL,
	PRIMARY KEY (staff_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
