-- 0025_status_changes.sql -- status changes of a student record on the
-- workflow engine (issue 11 item 6; R-MOV-6, R-REC-3; seeds 002 §十八,
-- 004 第一篇 二): suspension (休学), resumption (复学), abroad (出国(境)),
-- left (其他离校), dropped out (辍学), death (死亡), and repeating (留级) /
-- skipping (跳级) a year where the province has switched them on.
-- docs/architecture.md, "Status changes", says why it is shaped so.
-- New tables: run `xuejictl grant-app` again after migrating.

-- What a status-change case asks for, beside its workflow row (as
-- problem_resolution does for problem records): the kind, the status the
-- record had when the school applied and the one it gets on the last
-- approval (or, for repeat/skip, the grade move), who asked (R-MOV-6: the
-- student or the guardian applies for a suspension), the date it takes
-- effect and the school's reason. Written once at the start, never changed.
CREATE TABLE IF NOT EXISTS status_change (
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	student_id		BIGINT UNSIGNED	NOT NULL,
	kind			VARCHAR(16)	NOT NULL,	-- domain/statusmove.c's table
	from_status		VARCHAR(16)	NOT NULL,
	to_status		VARCHAR(16)	NOT NULL,
	grade_delta		TINYINT		NOT NULL DEFAULT 0,	-- repeat -1, skip +1
	requested_by		VARCHAR(12)	NOT NULL,	-- student | guardian | school
	effective_date		DATE		NOT NULL,
	reason			VARCHAR(200)	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (workflow_id),
	KEY status_change_student (student_id, workflow_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Repeating and skipping a year (seed 002 §四: whether they are used at all
-- is the province's decision): a row per province and kind that has been
-- set with `xuejictl grade-change` as the owner account; no row = off.
CREATE TABLE IF NOT EXISTS grade_change_policy (
	province		VARCHAR(6)	NOT NULL,
	kind			ENUM('repeat','skip') NOT NULL,
	enabled			TINYINT(1)	NOT NULL,
	set_at			DATETIME(6)	NOT NULL,
	PRIMARY KEY (province, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The national chains. Parties of a status change: receiving_school and
-- sending_school are both the record's school, receiving_county and
-- sending_county its territorial county, bureau_above the bureau above
-- that county (a city, or the province where no city sits between) --
-- the party a province's variant names for a re-review above the county
-- (docs/operations.md, "Status-change chains per province").
-- Step 1 is the school's application: starting the case decides it.
-- Suspension (R-MOV-6, seed 004): the student or guardian applies, the
-- school submits (1), the school reviews (2), the county re-reviews (3).
-- The others: the school submits, the county approves.
INSERT IGNORE INTO workflow_type (code, province, name) VALUES
	('status_suspension', '', '休学'),
	('status_resumption', '', '复学'),
	('status_abroad',     '', '出国（境）'),
	('status_left',       '', '其他离校'),
	('status_dropout',    '', '辍学'),
	('status_death',      '', '死亡'),
	('grade_repeat',      '', '留级'),
	('grade_skip',        '', '跳级');
INSERT IGNORE INTO workflow_type_step (type_code, province, seq, party, role, days, on_approve, by_exchange) VALUES
	('status_suspension', '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('status_suspension', '', 2, 'receiving_school', 'reviewer', 10, 'advance', 0),
	('status_suspension', '', 3, 'receiving_county', 'reviewer', 10, 'status_apply', 0),
	('status_resumption', '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('status_resumption', '', 2, 'receiving_county', 'reviewer', 10, 'status_apply', 0),
	('status_abroad',     '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('status_abroad',     '', 2, 'receiving_county', 'reviewer', 10, 'status_apply', 0),
	('status_left',       '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('status_left',       '', 2, 'receiving_county', 'reviewer', 10, 'status_apply', 0),
	('status_dropout',    '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('status_dropout',    '', 2, 'receiving_county', 'reviewer', 10, 'status_apply', 0),
	('status_death',      '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('status_death',      '', 2, 'receiving_county', 'reviewer', 10, 'status_apply', 0),
	('grade_repeat',      '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('grade_repeat',      '', 2, 'receiving_county', 'reviewer', 10, 'status_apply', 0),
	('grade_skip',        '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('grade_skip',        '', 2, 'receiving_county', 'reviewer', 10, 'status_apply', 0);
