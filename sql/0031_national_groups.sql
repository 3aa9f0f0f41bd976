-- 0031_national_groups.sql -- the national check applied (issue 13 item
-- 6): a CheckResult's numbers and national problem groups.
-- docs/architecture.md "Ministry exchange: the national check".

-- A national problem group is a problem_group like the door check's (one
-- mechanism: members, flags, scope rows, the resolutions), opened by the
-- ministry's answer instead of our own check. national_id is the
-- ministry's group id (kept after the group is resolved, for history);
-- national_open is the same id while the group is open and NULL after,
-- so the ministry's id names one open group at a time (a group resolved
-- here and reported again opens a new one, as R-DUP-1 groups reappear).
-- national_kind is the ministry's kind (same_id_number,
-- same_name_sex_birth, invalid_id_number); kind holds ours for it.
ALTER TABLE problem_group
	ADD COLUMN IF NOT EXISTS national_id VARCHAR(40) NULL,
	ADD COLUMN IF NOT EXISTS national_open VARCHAR(40) NULL,
	ADD COLUMN IF NOT EXISTS national_kind VARCHAR(24) NULL,
	ADD UNIQUE KEY IF NOT EXISTS problem_national_open (national_open);

-- The other provinces' records of a national group, as the ministry sent
-- them (masked there: the name as the ministry masks it, the ID number
-- area code only), plus province and school name. Their student number
-- is stored masked too (xj_mask_student_no: a G number is "G" + an
-- identity number). The latest CheckResult's list stands: a group
-- reported again replaces its rows (seq is the position in the message).
CREATE TABLE IF NOT EXISTS problem_national_other (
	group_id		BIGINT UNSIGNED	NOT NULL,
	seq			SMALLINT UNSIGNED NOT NULL,
	student_no_masked	VARCHAR(24)	NOT NULL,
	name_masked		VARCHAR(64)	NOT NULL,
	sex			CHAR(1)		NOT NULL,
	birth_date		DATE		NOT NULL,
	id_number_masked	VARCHAR(18)	NULL,
	province		CHAR(6)		NOT NULL,
	school_name		VARCHAR(200)	NOT NULL,
	received_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (group_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A number issued by the ministry replaces the L number (R-REC-1): the
-- record's history shows both (masked when shown, a G number holds the
-- identity number).
ALTER TABLE student_event
	ADD COLUMN IF NOT EXISTS student_no_old CHAR(19) NULL,
	ADD COLUMN IF NOT EXISTS student_no_new CHAR(19) NULL;
