-- 0034_xprovince_out.sql -- cross-province moves, the sending side
-- (issue 13 item 7, R-MOV-1, R-MOV-2, R-MOV-4, R-MOV-5; docs/architecture.md
-- "Cross-province moves: the sending side").
-- New tables: run `xuejictl grant-app` again after migrating.

-- The chains the sending deployment runs when the ministry relays a
-- TransferRequest or a GraduateMove from another province. The receiving
-- side's application was made there: a case of these types starts with
-- its first step open (school/workflow.c, xj_wf_start_received), nobody
-- here decides an application step. The last approval's effect
-- 'dossier_send' writes the Dossier (调档, R-MOV-4); every decision of
-- these steps writes a TransferDecision (the engine's decision hook).
-- A graduate move (R-MOV-5) is decided by the graduating county alone:
-- its one step's party is the record's county (sending_county).
INSERT IGNORE INTO workflow_type (code, province, name) VALUES
	('transfer_national_out', '', '跨省转出'),
	('graduate_move_out',     '', '毕业生跨省转出');
INSERT IGNORE INTO workflow_type_step (type_code, province, seq, party, role, days, on_approve, by_exchange) VALUES
	('transfer_national_out', '', 1, 'sending_school', 'reviewer', 10, 'advance', 0),
	('transfer_national_out', '', 2, 'sending_county', 'reviewer', 10, 'dossier_send', 0),
	('graduate_move_out',     '', 1, 'sending_county', 'reviewer', 10, 'dossier_send', 0);

-- A relayed request, once per TransferId (made by the receiving side:
-- "<its org code>-T<case id>" or "-M<case id>"): the same request relayed
-- again under a new MessageId finds this row and is answered from it, it
-- opens no second case and writes no second refusal. workflow_id is the
-- case it opened, NULL when it was refused at once (refusal_code 2001,
-- 2002, 2003, R-MOV-2). The receiving side's parties are codes of another
-- deployment, not orgs of ours: they are kept here as sent.
CREATE TABLE IF NOT EXISTS xsend_request (
	transfer_id		VARCHAR(40)	NOT NULL,
	kind			ENUM('transfer','graduate_move') NOT NULL,
	workflow_id		BIGINT UNSIGNED	NULL,
	student_id		BIGINT UNSIGNED	NULL,
	refusal_code		CHAR(4)		NULL,
	recv_school_code	VARCHAR(12)	NOT NULL,
	recv_county_code	CHAR(6)		NOT NULL,
	from_school_code	VARCHAR(12)	NOT NULL,
	from_county_code	CHAR(6)		NOT NULL,
	reason			VARCHAR(200)	NOT NULL DEFAULT '',
	graduation_year		SMALLINT	NULL,
	requested_at		CHAR(25)	NOT NULL,	-- the request's Requested, as sent
	message_id		VARCHAR(64)	NOT NULL,	-- the relayed message that came first
	received_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (transfer_id),
	UNIQUE KEY xsend_request_case (workflow_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Messages built in the transaction of the change that causes them but
-- not signed yet: a school-portal worker (a reviewer's decision) never
-- holds the exchange's signing key (docs/architecture.md "Ministry
-- exchange: the outbox"), so it stores the message's final bytes here,
-- sealed with the field key (aad "exchange_outbox_pending.body", row =
-- the message id), and the jobs runner's `exchange-sign` signs them and
-- moves them into exchange_outbox in one transaction, in id order.
CREATE TABLE IF NOT EXISTS exchange_outbox_pending (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	message_id		VARCHAR(64)	NOT NULL,
	message_type		VARCHAR(32)	NOT NULL,
	receiver		VARCHAR(16)	NOT NULL,
	body			LONGBLOB	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY exchange_outbox_pending_message (message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
