-- 0005_admission.sql -- admission (入学, R-ADM-1..3): the school's check of
-- the documents a family brings (三证 / 五证, R-COL-12), the tick (打钩)
-- that pre-admits a child, the school's admission list that its county
-- approves or returns, and the admission notice. District changes after
-- the window (R-COL-4) are decided on the existing district_change rows.
-- New tables: run `xuejictl grant-app` again after migrating.

-- One row per ticked child. The primary key on registration_id is the
-- rule "a child can be ticked by one school only" (R-ADM-1): two schools
-- racing insert the same key, one wins (Galera certifies it cluster-wide).
-- Untick deletes the row; registration_event and audit_log keep history.
CREATE TABLE IF NOT EXISTS admission (
	registration_id		BIGINT UNSIGNED	NOT NULL,
	school_org_id		INT UNSIGNED	NOT NULL,
	county_code		CHAR(6)		NOT NULL,	-- the registration's district
	chosen_school_org_id	INT UNSIGNED	NULL,		-- the parent's choice, restored by untick
	state			VARCHAR(12)	NOT NULL,	-- ticked listed returned approved admitted
	list_id			BIGINT UNSIGNED	NULL,		-- the list it was last sent in
	reason			VARCHAR(255)	NOT NULL DEFAULT '',	-- the county's, when returned
	ticked_by		INT UNSIGNED	NOT NULL,
	ticked_at		DATETIME(6)	NOT NULL,
	decided_at		DATETIME(6)	NULL,
	admitted_at		DATETIME(6)	NULL,
	notice_no		VARCHAR(32)	NULL,
	student_id		BIGINT UNSIGNED	NULL,
	PRIMARY KEY (registration_id),
	UNIQUE KEY admission_notice (notice_no),
	KEY admission_school (school_org_id, state),
	KEY admission_list (list_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A school's list of ticked children sent to its county.
CREATE TABLE IF NOT EXISTS admission_list (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	school_org_id		INT UNSIGNED	NOT NULL,
	county_code		CHAR(6)		NOT NULL,
	state			VARCHAR(12)	NOT NULL,	-- submitted decided
	children		INT UNSIGNED	NOT NULL,
	approved		INT UNSIGNED	NOT NULL DEFAULT 0,
	returned		INT UNSIGNED	NOT NULL DEFAULT 0,
	submitted_by		INT UNSIGNED	NOT NULL,
	submitted_at		DATETIME(6)	NOT NULL,
	decided_by		INT UNSIGNED	NULL,
	decided_at		DATETIME(6)	NULL,
	PRIMARY KEY (id),
	KEY list_county (county_code, state, id),
	KEY list_school (school_org_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What a school checked of the documents a family brought (R-COL-12);
-- the latest check per registration and school.
CREATE TABLE IF NOT EXISTS documents_check (
	registration_id		BIGINT UNSIGNED	NOT NULL,
	school_org_id		INT UNSIGNED	NOT NULL,
	items			VARCHAR(255)	NOT NULL,	-- comma-separated item codes
	note			VARCHAR(255)	NOT NULL DEFAULT '',
	checked_by		INT UNSIGNED	NOT NULL,
	checked_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (registration_id, school_org_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Admission notice numbers per school and year (LQ + school code + year +
-- 5-digit sequence), advanced inside the issuing transaction like the
-- study permit counter (no gaps on paper).
CREATE TABLE IF NOT EXISTS admission_notice_seq (
	school_org_id		INT UNSIGNED	NOT NULL,
	year			SMALLINT	NOT NULL,
	last_no			INT UNSIGNED	NOT NULL,
	PRIMARY KEY (school_org_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-COL-4 after the window: who decided, and the registration that
-- replaced the voided one in the new district.
ALTER TABLE district_change ADD COLUMN IF NOT EXISTS revoked_by INT UNSIGNED NULL;
ALTER TABLE district_change ADD COLUMN IF NOT EXISTS revoked_at DATETIME(6) NULL;
ALTER TABLE district_change ADD COLUMN IF NOT EXISTS decided_by INT UNSIGNED NULL;
ALTER TABLE district_change ADD COLUMN IF NOT EXISTS decision_reason VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE district_change ADD COLUMN IF NOT EXISTS new_registration_id BIGINT UNSIGNED NULL;
CREATE INDEX IF NOT EXISTS change_from_queue ON district_change (from_county, state);
