-- 0029_outbox.sql -- the outbox the ministry pulls (issue 13 item 4,
-- docs/architecture.md "Ministry exchange: the outbox").
-- New table and columns: run `xuejictl grant-app` again after migrating.
--
-- exchange_outbox (sql/0027) holds each message we send, written in the
-- same transaction as the change that causes it. body is the message's
-- exact signed bytes sealed with the field key (aad
-- "exchange_outbox.body", row = the message id): a StudentBatch carries
-- identity numbers, and personal data is encrypted at rest. signature is
-- the Xueji-Signature header value made over the plaintext bytes when the
-- row was written. The application user has no UPDATE on body, signature,
-- message_id, message_type, receiver or created_at (grant-app): once
-- written, a message is what every pull returns, byte for byte.
ALTER TABLE exchange_outbox
	ADD COLUMN IF NOT EXISTS signature	VARCHAR(512)	NOT NULL DEFAULT '',
	ADD COLUMN IF NOT EXISTS offered_count	INT UNSIGNED	NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS last_offered_at DATETIME(6)	NULL,
	-- when the jobs runner raised the "unacknowledged past the deadline"
	-- alert for this message (once per message)
	ADD COLUMN IF NOT EXISTS alerted_at	DATETIME(6)	NULL,
	ADD KEY IF NOT EXISTS exchange_outbox_pull (receiver, id),
	ADD KEY IF NOT EXISTS exchange_outbox_alert (alerted_at, created_at);

-- which records a StudentBatch carried: the producer's "not sent yet"
-- test (exchange/batchjob: NOT EXISTS on student_id)
ALTER TABLE exchange_outbox_record
	ADD KEY IF NOT EXISTS exchange_outbox_record_student (student_id);

-- the producer reads only records still holding a temporary number: its
-- scan is the backlog of the national check, not the whole table (the
-- CheckResult increment moves records out of it with their G/J number)
ALTER TABLE student
	ADD KEY IF NOT EXISTS student_no_kind_id (student_no_kind, id);

-- The acknowledgement cursor per receiver (Ed-Fi style): every message
-- to that receiver with id <= acked_upto is acknowledged. One row per
-- receiver, so an acknowledgement of a million messages is one update.
CREATE TABLE IF NOT EXISTS exchange_outbox_cursor (
	receiver		VARCHAR(16)	NOT NULL,
	acked_upto		BIGINT UNSIGNED	NOT NULL DEFAULT 0,
	acked_at		DATETIME(6)	NULL,
	PRIMARY KEY (receiver)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
