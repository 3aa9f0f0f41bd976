-- 0019_workflow.sql -- one workflow engine for every approval chain of a
-- student record (issue 11 §1, §4, §5, §7; R-MOV-1..4, R-MOV-7, R-ORG-6):
-- chains as data (workflow_type, workflow_type_step, per-province
-- variants), cases (workflow) with their steps (workflow_step), the
-- notices the engine leaves for an org (reminders, overdue steps,
-- escalations, a record pulled away), and provincial transfer freezes.
-- docs/architecture.md, "Workflow engine", says why it is shaped so.
-- New tables: run `xuejictl grant-app` again after migrating.

-- A kind of chain. province = '' is the national chain; a province's own
-- row of the same code replaces it there (R-MOV-6: chains configurable per
-- province). subject: what a case is about ('student').
CREATE TABLE IF NOT EXISTS workflow_type (
	code			VARCHAR(32)	NOT NULL,
	province		VARCHAR(6)	NOT NULL DEFAULT '',
	name			VARCHAR(64)	NOT NULL,
	subject			VARCHAR(16)	NOT NULL DEFAULT 'student',
	enabled			TINYINT(1)	NOT NULL DEFAULT 1,
	PRIMARY KEY (code, province)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Its ordered steps. party: who acts, relative to the case; role: the
-- staff role that decides (an org's admin may too); days: the deadline in
-- working days from the day the step opens (R-MOV-3); on_approve: what an
-- approval does (school/workflow.c's table: 'advance' opens the next
-- step, 'transfer_pull' pulls the record, R-MOV-4); by_exchange: the step
-- is played by the ministry exchange (R-EXC-1), not by staff here.
CREATE TABLE IF NOT EXISTS workflow_type_step (
	type_code		VARCHAR(32)	NOT NULL,
	province		VARCHAR(6)	NOT NULL DEFAULT '',
	seq			TINYINT UNSIGNED NOT NULL,
	party			ENUM('receiving_school','receiving_county','sending_school',
				     'sending_county','bureau_above','exchange') NOT NULL,
	role			ENUM('clerk','reviewer','admin') NOT NULL DEFAULT 'reviewer',
	days			TINYINT UNSIGNED NOT NULL DEFAULT 10,
	on_approve		VARCHAR(24)	NOT NULL DEFAULT 'advance',
	by_exchange		TINYINT(1)	NOT NULL DEFAULT 0,
	PRIMARY KEY (type_code, province, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A case. The parties are resolved once, at the start, into org ids
-- (a later change of the tree does not move an open case). open_subject
-- is the subject while the case is open and NULL after: its unique key
-- makes "one business in progress per student" (R-MOV-2, code 2002) hold
-- under two schools starting at once, not just on a read before.
CREATE TABLE IF NOT EXISTS workflow (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	type_code		VARCHAR(32)	NOT NULL,
	province		VARCHAR(6)	NOT NULL DEFAULT '',	-- whose variant of the type
	subject_id		BIGINT UNSIGNED	NOT NULL,		-- student.id
	state			ENUM('open','approved','rejected') NOT NULL DEFAULT 'open',
	open_subject		BIGINT UNSIGNED	NULL,
	current_seq		TINYINT UNSIGNED NOT NULL DEFAULT 1,
	initiator_org_id	INT UNSIGNED	NOT NULL,
	receiving_school_id	INT UNSIGNED	NOT NULL,
	receiving_county_id	INT UNSIGNED	NOT NULL,
	sending_school_id	INT UNSIGNED	NOT NULL,
	sending_county_id	INT UNSIGNED	NOT NULL,
	bureau_above_id		INT UNSIGNED	NOT NULL,		-- lowest common bureau (R-ORG-6)
	target_class_id		INT UNSIGNED	NULL,			-- the receiving school's class
	reason			VARCHAR(200)	NOT NULL DEFAULT '',	-- the rejection's
	started_by		INT UNSIGNED	NOT NULL,
	started_at		DATETIME(6)	NOT NULL,
	closed_at		DATETIME(6)	NULL,
	PRIMARY KEY (id),
	UNIQUE KEY workflow_open_subject (open_subject),
	KEY workflow_subject (subject_id, id),
	KEY workflow_initiator (initiator_org_id, state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A step of a case, copied from its type at the start. org_id/org_path:
-- the org that must act now (after a forced escalation, the bureau that
-- decides in its place, R-ORG-6); party_org_id: the one the chain named.
-- state: waiting (not reached), open, approved, rejected, cancelled (not
-- reached before a rejection). Deadlines are Beijing dates; provisional
-- when counted over a year without a holiday calendar (R-MOV-3).
CREATE TABLE IF NOT EXISTS workflow_step (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	seq			TINYINT UNSIGNED NOT NULL,
	party			VARCHAR(20)	NOT NULL,
	role			VARCHAR(12)	NOT NULL,
	days			TINYINT UNSIGNED NOT NULL,
	on_approve		VARCHAR(24)	NOT NULL,
	by_exchange		TINYINT(1)	NOT NULL DEFAULT 0,
	party_org_id		INT UNSIGNED	NOT NULL,
	org_id			INT UNSIGNED	NOT NULL,
	org_path		VARCHAR(128)	NOT NULL,
	state			ENUM('waiting','open','approved','rejected','cancelled') NOT NULL,
	opened_at		DATETIME(6)	NULL,
	deadline		DATE		NULL,
	deadline_provisional	TINYINT(1)	NOT NULL DEFAULT 0,
	reminded_on		DATE		NULL,
	overdue			TINYINT(1)	NOT NULL DEFAULT 0,
	escalations		TINYINT UNSIGNED NOT NULL DEFAULT 0,
	escalated_at		DATETIME(6)	NULL,
	escalated_by		INT UNSIGNED	NULL,
	escalation_reason	VARCHAR(200)	NULL,
	decided_by		INT UNSIGNED	NULL,
	decided_org_id		INT UNSIGNED	NULL,
	decided_at		DATETIME(6)	NULL,
	reason			VARCHAR(200)	NULL,
	PRIMARY KEY (id),
	UNIQUE KEY step_seq (workflow_id, seq),
	-- the inbox of one org: its open steps by deadline
	KEY step_inbox (org_id, state, deadline, id),
	-- counts per org under a bureau: a range of paths, covered
	KEY step_scope (state, org_path, org_id, deadline, overdue),
	-- the tick: open steps by deadline; provisional deadlines to recount
	KEY step_due (state, deadline, id),
	KEY step_provisional (deadline_provisional, state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What the engine tells an org (or the family, through the case): a
-- reminder (due within 2 working days), an overdue step, an escalation
-- to it, a record pulled away from the sending school (R-MOV-4).
CREATE TABLE IF NOT EXISTS workflow_notice (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	org_id			INT UNSIGNED	NOT NULL,
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	step_seq		TINYINT UNSIGNED NOT NULL DEFAULT 0,
	kind			ENUM('reminder','overdue','escalated','transferred_out','decided') NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	KEY notice_org (org_id, id),
	KEY notice_case (workflow_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Transfer freezes (R-MOV-3, issue 11 §7): no new transfer starts in a
-- province from starts_on to ends_on (Beijing dates, both included). Set
-- with `xuejictl transfer-freeze` as the owner account (policy, review M8).
CREATE TABLE IF NOT EXISTS transfer_freeze (
	province		VARCHAR(6)	NOT NULL,
	starts_on		DATE		NOT NULL,
	ends_on			DATE		NOT NULL,
	reason			VARCHAR(200)	NOT NULL DEFAULT '',
	set_at			DATETIME(6)	NOT NULL,
	PRIMARY KEY (province, starts_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The national chains (R-MOV-1). Step 1 is the receiving school's
-- application: starting a case decides it (the starter's approval).
-- The cross-province chain names the
-- ministry exchange's relay as a step: the exchange is a separate issue,
-- so such a case cannot start yet (workflow_exchange_unavailable).
INSERT IGNORE INTO workflow_type (code, province, name) VALUES
	('transfer_county',   '', '县内转学'),
	('transfer_province', '', '省内跨县转学'),
	('transfer_national', '', '跨省转学');
INSERT IGNORE INTO workflow_type_step (type_code, province, seq, party, role, days, on_approve, by_exchange) VALUES
	('transfer_county',   '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('transfer_county',   '', 2, 'sending_school',   'reviewer', 10, 'advance', 0),
	('transfer_county',   '', 3, 'sending_county',   'reviewer', 10, 'transfer_pull', 0),
	('transfer_province', '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('transfer_province', '', 2, 'receiving_county', 'reviewer', 10, 'advance', 0),
	('transfer_province', '', 3, 'sending_school',   'reviewer', 10, 'advance', 0),
	('transfer_province', '', 4, 'sending_county',   'reviewer', 10, 'transfer_pull', 0),
	('transfer_national', '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('transfer_national', '', 2, 'receiving_county', 'reviewer', 10, 'advance', 0),
	('transfer_national', '', 3, 'exchange',         'reviewer', 10, 'advance', 1),
	('transfer_national', '', 4, 'sending_school',   'reviewer', 10, 'advance', 0),
	('transfer_national', '', 5, 'sending_county',   'reviewer', 10, 'transfer_pull', 0);
