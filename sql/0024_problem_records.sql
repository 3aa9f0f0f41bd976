-- 0024_problem_records.sql -- problem records (问题学籍, issue 12 item 1,
-- R-DUP-1): the duplicate check at the door. A record created or whose
-- identity data changed is compared, in the same transaction, with every
-- record of the deployment: same identity number (student.child_bidx),
-- same name + sex + birth date (student.person_bidx below), an invalid
-- identity number (R-COL-7). A hit opens or joins a problem group and
-- sets student.problem_open, which term registration (R-REC-5) and the
-- transfers (code 2003) read. docs/architecture.md, "Problem records".
-- New tables: run `xuejictl grant-app` again after migrating.

-- The normalised blind index of name + sex + birth date
-- (src/domain/person.h says what is normalised and why). NULL for rows
-- written before this migration until they are checked again.
ALTER TABLE student ADD COLUMN IF NOT EXISTS person_bidx BINARY(32) NULL AFTER child_bidx;
CREATE INDEX IF NOT EXISTS student_person ON student (person_bidx);

-- A group of records that share one problem. key_bidx: the blind index
-- the records share (child_bidx for same_id and invalid_id, person_bidx
-- for same_person). open_key is kind + key while the group is open and
-- NULL after: its unique key makes "one open group per key" hold under
-- two admissions at once (the second joins the first's group). A resolved
-- group stays as it is; new data with the same key opens a new group
-- (R-DUP-1: groups reappear).
CREATE TABLE IF NOT EXISTS problem_group (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	kind			ENUM('same_id','same_person','invalid_id') NOT NULL,
	key_bidx		BINARY(32)	NOT NULL,
	state			ENUM('open','resolved') NOT NULL DEFAULT 'open',
	open_key		VARBINARY(40)	NULL,
	members			SMALLINT UNSIGNED NOT NULL DEFAULT 0,
	created_at		DATETIME(6)	NOT NULL,
	resolved_at		DATETIME(6)	NULL,
	PRIMARY KEY (id),
	UNIQUE KEY problem_open_key (open_key),
	KEY problem_key (kind, key_bidx, id),
	KEY problem_state (state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A record in a group and why. school_path: the record's school's org
-- path when it joined (whose staff see it, R-ORG-3; problem_scope below
-- has its prefixes for the lists). reason: what was found (same_id,
-- same_person, or the R-COL-7 check that failed: id_format, id_check,
-- id_birth, id_area, id_sex, id_birth_mismatch). origin: the entry path
-- (admission, change, ...). state: open until the school resolves it
-- (issue 12 item 3: corroborated, changed, deleted, auto_corroborated).
-- A deleted record gets student.status 'deleted' (R-DUP-2: it leaves the
-- rosters and the checks, and stays readable by its school and county).
CREATE TABLE IF NOT EXISTS problem_member (
	group_id		BIGINT UNSIGNED	NOT NULL,
	student_id		BIGINT UNSIGNED	NOT NULL,
	school_org_id		INT UNSIGNED	NOT NULL,
	school_path		VARCHAR(128)	NOT NULL,
	reason			VARCHAR(24)	NOT NULL,
	origin			VARCHAR(16)	NOT NULL,
	state			ENUM('open','corroborated','changed','deleted','auto_corroborated')
				NOT NULL DEFAULT 'open',
	joined_at		DATETIME(6)	NOT NULL,
	-- the resolution (R-DUP-2): the school's evidence text (files are a
	-- later part), who and when
	evidence		VARCHAR(500)	NULL,
	resolved_by		INT UNSIGNED	NULL,
	resolved_at		DATETIME(6)	NULL,
	PRIMARY KEY (group_id, student_id),
	KEY problem_member_student (student_id, group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The lists' index: one row per group and org path that sees it (every
-- prefix of a member's school path, '/' the ministry's), with the group's
-- openness copied. A list is then one backward range of
-- (scope_path, open, group_id): open first, newest first, LIMIT rows
-- read, whatever the number of groups in scope -- a range over
-- problem_member.school_path plus a sort measured 100 ms median, 425 ms
-- p99 at 50,000 groups in a county (docs/benchmarks.md).
CREATE TABLE IF NOT EXISTS problem_scope (
	scope_path		VARCHAR(128)	NOT NULL,
	group_id		BIGINT UNSIGNED	NOT NULL,
	open			TINYINT(1)	NOT NULL DEFAULT 1,
	PRIMARY KEY (scope_path, group_id),
	KEY problem_scope_list (scope_path, open, group_id),
	KEY problem_scope_group (group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A resolution that needs the county's approval (R-DUP-2): corroborate
-- (佐证) or change (变更), one workflow case each (the chains below, on
-- the engine of sql/0019). The evidence and the corrected data wait here
-- until the county approves (the step's effect 'problem_resolve', school/
-- problem.c); a rejection leaves the record open in its group.
CREATE TABLE IF NOT EXISTS problem_resolution (
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	group_id		BIGINT UNSIGNED	NOT NULL,
	student_id		BIGINT UNSIGNED	NOT NULL,
	action			ENUM('corroborate','change') NOT NULL,
	evidence		VARCHAR(500)	NOT NULL,
	new_name		VARCHAR(64)	NULL,
	new_sex			CHAR(1)		NULL,
	new_birth_date		DATE		NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (workflow_id),
	KEY problem_resolution_member (group_id, student_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The chains: the record's school applies (step 1, decided by starting),
-- its county approves (step 2), whose approval applies the resolution.
INSERT IGNORE INTO workflow_type (code, province, name) VALUES
	('problem_corroborate', '', '问题学籍佐证'),
	('problem_change',      '', '问题学籍变更');
INSERT IGNORE INTO workflow_type_step (type_code, province, seq, party, role, days, on_approve, by_exchange) VALUES
	('problem_corroborate', '', 1, 'receiving_school', 'reviewer',  0, 'advance', 0),
	('problem_corroborate', '', 2, 'receiving_county', 'reviewer', 10, 'problem_resolve', 0),
	('problem_change',      '', 1, 'receiving_school', 'reviewer',  0, 'advance', 0),
	('problem_change',      '', 2, 'receiving_county', 'reviewer', 10, 'problem_resolve', 0);
