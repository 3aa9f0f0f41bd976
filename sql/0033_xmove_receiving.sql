-- 0033_xmove_receiving.sql -- cross-province moves, the receiving side
-- (issue 13 item 7; R-MOV-1's third chain, R-MOV-4, R-MOV-5, R-MOV-7).
-- docs/architecture.md "Cross-province moves: the receiving side" says
-- why it is shaped so. New tables: run `xuejictl grant-app` again.

-- A cross-province case of ours (transfer_national, graduate_move_in):
-- what the case needs that is not a local record. The student is named
-- by the number and name the receiving school typed (the sending side
-- checks them, R-MOV-2); the sending school and county are codes of
-- another deployment, not orgs of ours. transfer_id is the id every hop
-- carries (`<org code>-T<case id>`, `-M` for a graduate move; SHARED
-- contract). request: waiting (the receiving county has not approved),
-- sent (approved: the TransferRequest or GraduateMove, message_id, was
-- queued for the signing job in the approval's transaction).
-- student_id: the record the Dossier created (or brought back).
CREATE TABLE IF NOT EXISTS xmove (
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	transfer_id		VARCHAR(40)	NOT NULL,
	kind			ENUM('transfer','graduate') NOT NULL,
	student_no		CHAR(19)	NOT NULL,
	name			VARCHAR(64)	NOT NULL,
	from_school		CHAR(10)	NOT NULL,
	from_county		CHAR(6)		NOT NULL,
	to_school		CHAR(10)	NOT NULL,
	to_county		CHAR(6)		NOT NULL,
	graduation_year		SMALLINT	NULL,
	reason			VARCHAR(200)	NOT NULL DEFAULT '',
	requested_at		DATETIME(6)	NOT NULL,
	request			ENUM('waiting','sent') NOT NULL DEFAULT 'waiting',
	message_id		VARCHAR(64)	NULL,
	student_id		BIGINT UNSIGNED	NULL,
	PRIMARY KEY (workflow_id),
	UNIQUE KEY xmove_transfer (transfer_id),
	KEY xmove_student_no (student_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The other province's decisions, one row per TransferDecision received
-- (the case's progress, R-MOV-7): step sending_school, sending_county or
-- graduating_county; refusal_code 2001..2003 when the sending side
-- refused at once (R-MOV-2); decided: the sender's time as it wrote it.
CREATE TABLE IF NOT EXISTS xmove_decision (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	step			VARCHAR(20)	NOT NULL,
	decision		VARCHAR(8)	NOT NULL,
	refusal_code		CHAR(4)		NULL,
	reason			VARCHAR(200)	NOT NULL DEFAULT '',
	decided			CHAR(25)	NOT NULL,
	message_id		VARCHAR(64)	NOT NULL,
	received_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	KEY xmove_decision_case (workflow_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-MOV-5: the province's window for graduate moves (within the national
-- period), Beijing dates, both included. Set with `xuejictl
-- graduate-move-window` as the owner account (policy, review M8).
CREATE TABLE IF NOT EXISTS graduate_move_window (
	province		VARCHAR(6)	NOT NULL,
	starts_on		DATE		NOT NULL,
	ends_on			DATE		NOT NULL,
	reason			VARCHAR(200)	NOT NULL DEFAULT '',
	set_at			DATETIME(6)	NOT NULL,
	PRIMARY KEY (province, starts_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A Dossier's history events (the other province's kinds are codes of
-- up to 48 characters, with a note); their school is not an org of ours
-- (school_org_id 0).
ALTER TABLE student_event
	MODIFY COLUMN kind VARCHAR(48) NOT NULL,
	ADD COLUMN IF NOT EXISTS note VARCHAR(200) NULL;

-- The chains as this deployment runs them: the receiving side's steps
-- and the exchange's. The sending school's and county's steps are played
-- in the other deployment and arrive as TransferDecisions (progress, not
-- steps of ours: their orgs are not in our tree). The receiving county's
-- approval has the request sent (effect xmove_request); the exchange step
-- is decided by the Dossier (approved) or a rejection; its deadline is
-- the two sending steps' 10 working days each.
DELETE FROM workflow_type_step WHERE type_code = 'transfer_national' AND province = '' AND seq > 3;
UPDATE workflow_type_step SET on_approve = 'xmove_request'
	WHERE type_code = 'transfer_national' AND province = '' AND seq = 2;
UPDATE workflow_type_step SET days = 20
	WHERE type_code = 'transfer_national' AND province = '' AND seq = 3;
INSERT IGNORE INTO workflow_type (code, province, name) VALUES
	('graduate_move_in', '', '跨省毕业生转入');
INSERT IGNORE INTO workflow_type_step (type_code, province, seq, party, role, days, on_approve, by_exchange) VALUES
	('graduate_move_in', '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('graduate_move_in', '', 2, 'receiving_county', 'reviewer', 10, 'xmove_request', 0),
	('graduate_move_in', '', 3, 'exchange',         'reviewer', 10, 'advance', 1);
