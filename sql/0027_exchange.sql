-- 0027_exchange.sql -- the ministry exchange (issue 13 items 3-4,
-- docs/architecture.md "Ministry exchange", docs/xml/README.md).
-- New tables: run `xuejictl grant-app` again after migrating.

-- Every inbound message that was signed, well-formed and schema-valid,
-- keyed by (sender, message id): a message sent again with the same
-- bytes gets the stored receipt again, byte for byte; with other bytes
-- it is refused (message_id_reused). The row commits in the same
-- transaction as the message's effects, so a message is applied exactly
-- once: a worker killed half way leaves neither. Only the SHA-256 of the
-- body is kept, never the body (it carries identity numbers); the receipt
-- holds codes and record refs only.
CREATE TABLE IF NOT EXISTS exchange_inbox (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	sender			VARCHAR(16)	NOT NULL,
	message_id		VARCHAR(64)	NOT NULL,
	message_type		VARCHAR(32)	NOT NULL,
	correlation_id		VARCHAR(64)	NOT NULL DEFAULT '',
	body_sha256		BINARY(32)	NOT NULL,
	key_id			VARCHAR(64)	NOT NULL,
	status			VARCHAR(16)	NOT NULL,	-- accepted partial refused
	receipt			MEDIUMBLOB	NOT NULL,	-- the exact bytes answered
	received_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY exchange_inbox_message (sender, message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The messages we send, immutable once written; id is the cursor the
-- ministry pulls by (Ed-Fi change queries). This migration holds what the
-- inbound side reads (a Receipt acknowledges a row, a CheckResult answers
-- a StudentBatch row and its records); the pull route, redelivery and the
-- writers come with the outbox increment in a migration of their own.
CREATE TABLE IF NOT EXISTS exchange_outbox (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	message_id		VARCHAR(64)	NOT NULL,
	message_type		VARCHAR(32)	NOT NULL,
	receiver		VARCHAR(16)	NOT NULL,
	body			LONGBLOB	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	acked_at		DATETIME(6)	NULL,
	ack_status		VARCHAR(16)	NULL,		-- the receipt's: accepted partial refused
	ack_message_id		VARCHAR(64)	NULL,		-- the receipt's message id (its inbox row)
	PRIMARY KEY (id),
	UNIQUE KEY exchange_outbox_message (message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The records of a StudentBatch we sent, by their ref: a CheckResult
-- record whose ref is not here for its batch is refused (record_not_sent).
CREATE TABLE IF NOT EXISTS exchange_outbox_record (
	outbox_id		BIGINT UNSIGNED	NOT NULL,
	ref			VARCHAR(40)	NOT NULL,
	student_id		BIGINT UNSIGNED	NULL,
	answered_message_id	VARCHAR(64)	NULL,		-- the CheckResult that answered it
	PRIMARY KEY (outbox_id, ref)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
