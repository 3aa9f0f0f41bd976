-- 0004_certificate_review.sql -- the district's five-certificate review
-- (五证, R-COL-9) and the study permit (就读证明) that its approval issues.
-- New table: run `xuejictl grant-app` again after migrating.

-- The district of each review, copied from its registration (which never
-- changes district: a change voids it, R-COL-4), so that a county's queue
-- is one range of this index, oldest first, with the keyset cursor
-- (submitted_at, registration_id) of the queue API.
ALTER TABLE cert_review ADD COLUMN IF NOT EXISTS county_code CHAR(6) NOT NULL AFTER registration_id;
CREATE INDEX IF NOT EXISTS cert_county_queue
	ON cert_review (county_code, state, submitted_at, registration_id);

-- Study permit numbers JD + year + county + 6-digit sequence
-- (docs/architecture.md, "Five certificates"). One counter row per county
-- and collection year, advanced by an upsert inside the approving
-- transaction: a rolled-back approval gives its number back (no gaps on
-- paper), and approvals in one county serialise on one row only.
CREATE TABLE IF NOT EXISTS study_permit_seq (
	county_code	CHAR(6)		NOT NULL,
	year		SMALLINT	NOT NULL,
	last_no		INT UNSIGNED	NOT NULL,
	PRIMARY KEY (county_code, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A permit number names one child: unique (NULL until issued, and NULLs do
-- not collide; Galera certifies the non-NULL values cluster-wide).
CREATE UNIQUE INDEX IF NOT EXISTS registration_study_permit
	ON registration (study_permit_no);
