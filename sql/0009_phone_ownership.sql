-- 0009_phone_ownership.sql -- issue 10 (A): phone ownership by SMS
-- one-time code (review H1, M1b, M4), the SMS outbox, rate counters, and
-- the per-account cap and create rate of registrations (H1).
--
-- Codes are never stored in clear: phone_code.code_mac is an HMAC of
-- (purpose, phone, code) under a key derived from the instance HMAC key
-- (src/store/phonecode.h). Messages wait in sms_outbox encrypted
-- (field encryption, src/crypto/field.h) and the body is blanked once
-- delivered or given up; `xuejictl jobs` (sms-deliver) sends them.

-- What a code is for. A purpose is a row here and a row of the table in
-- src/parent/smscode.c (a later sign-in by code adds 'login' to both).
CREATE TABLE IF NOT EXISTS sms_purpose (
	code		VARCHAR(16)	NOT NULL,
	name		VARCHAR(64)	NOT NULL,
	PRIMARY KEY (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO sms_purpose (code, name) VALUES
	('signup', '注册账号'),
	('reset', '找回密码');

-- One live code per phone and purpose: a new request replaces the old
-- one. tries_left counts down on every check, right or wrong, under the
-- row's lock, so parallel guesses never evaluate more than the tries.
CREATE TABLE IF NOT EXISTS phone_code (
	phone_bidx	BINARY(32)	NOT NULL,	-- the blind index of parent_account.phone_bidx
	purpose		VARCHAR(16)	NOT NULL,
	code_mac	BINARY(32)	NOT NULL,
	tries_left	TINYINT UNSIGNED NOT NULL,
	created_at	DATETIME(6)	NOT NULL,
	expires_at	DATETIME(6)	NOT NULL,
	PRIMARY KEY (phone_bidx, purpose),
	KEY phone_code_expiry (expires_at),
	CONSTRAINT phone_code_purpose_fk FOREIGN KEY (purpose) REFERENCES sms_purpose (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Fixed-window counters shared by every worker (workers are stateless).
-- subject is a keyed hash (blind index) of the phone or client address,
-- never the value itself.
CREATE TABLE IF NOT EXISTS rate_counter (
	scope		VARCHAR(16)	NOT NULL,
	subject		BINARY(32)	NOT NULL,
	window_start	DATETIME(6)	NOT NULL,
	hits		INT UNSIGNED	NOT NULL,
	PRIMARY KEY (scope, subject),
	KEY rate_counter_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Messages to send. body_ct: the gateway request's phone, template and
-- parameters (JSON), AES-256-GCM under aad "sms_outbox.body"; NULL once
-- sent, failed for good or expired. A runner claims due rows by setting
-- lease_token/lease_until (one UPDATE), sends, and settles each row only
-- if its lease is still its own. msg_id goes to the gateway, which
-- deduplicates by it: delivery is at least once, shown once.
CREATE TABLE IF NOT EXISTS sms_outbox (
	id		BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	msg_id		CHAR(32)	NOT NULL,
	purpose		VARCHAR(16)	NOT NULL,
	kind		VARCHAR(16)	NOT NULL,	-- code, notice
	body_ct		VARBINARY(1024)	NULL,
	state		VARCHAR(12)	NOT NULL,	-- pending, sent, failed, expired
	attempts	SMALLINT UNSIGNED NOT NULL DEFAULT 0,
	next_at		DATETIME(6)	NOT NULL,
	expires_at	DATETIME(6)	NOT NULL,	-- a code's message is useless after it
	lease_token	CHAR(32)	NULL,
	lease_until	DATETIME(6)	NULL,
	last_status	SMALLINT	NULL,		-- HTTP status of the last try; 0: no answer
	created_at	DATETIME(6)	NOT NULL,
	sent_at		DATETIME(6)	NULL,
	PRIMARY KEY (id),
	UNIQUE KEY sms_outbox_msg (msg_id),
	KEY sms_outbox_due (state, next_at),
	KEY sms_outbox_lease (lease_token),
	KEY sms_outbox_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Registrations made for an account, counted by xj_reg_create at every
-- insert (it is the only code that inserts registrations, sql/0008): the
-- write that locks the account's row while its limits are checked (below),
-- a bound that spares the count for accounts with fewer registrations than
-- the limits (nearly all), and a figure for spotting accounts that file
-- for many children. Never below the account's registrations: started
-- from the rows there are.
ALTER TABLE parent_account
	ADD COLUMN IF NOT EXISTS reg_creates INT UNSIGNED NOT NULL DEFAULT 0;
UPDATE parent_account p
SET p.reg_creates = (SELECT COUNT(*) FROM registration r WHERE r.parent_id = p.id)
WHERE p.reg_creates = 0;

-- The cap and the create rate count an account's registrations of a year
-- from this index alone (no row reads): live ones by state, recent ones by
-- creation time, in one range scan whose cost stays flat however many
-- rows an account has (the bench drives hundreds through each account).
ALTER TABLE registration
	ADD INDEX IF NOT EXISTS registration_parent_year (parent_id, year, state, created_at);

-- xj_reg_create with the cap and the rate (issue 10, A; defined in 0016):
-- three parameters more at the end and one block after the
-- Idempotency-Key's insert.
-- p_cap: most live registrations (not cancelled, not void) of the account
-- in p_year; NULL or 0: no cap (a district change moves a registration, it
-- adds none). p_rate: most registrations the account created in p_year
-- during the last p_rate_window seconds, cancelled ones included; NULL or
-- 0: no limit. The account's row is written first (reg_creates + 1, at
-- every call): one account's concurrent creates queue on its lock, so the
-- count after it cannot race; on Galera the write also makes two nodes'
-- concurrent creates of one account conflict in certification (a SELECT
-- ... FOR UPDATE would lock on one node only). An account's live and
-- recent registrations are never more than its reg_creates before this
-- one: while that is below both limits, nothing needs counting (a
-- statement less for nearly every account: the count cost a fifth of the
-- transaction in bench/dbload). Past either limit the call signals SQLSTATE 45000 with
-- MESSAGE_TEXT 'registration_limit' or 'registration_rate <seconds>' (the
-- Retry-After); after the Idempotency-Key's insert, so that a repeated
-- key is still answered with its first answer.

-- (The procedure itself is defined once, in 0016_privacy.sql, with the
-- other changes issue 10 made to it; this file only adds what it needs.)
