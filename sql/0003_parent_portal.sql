-- 0003_parent_portal.sql -- the May collection (学龄人口信息采集):
-- parent accounts, collection windows and age policy, registrations with
-- their guardians, the one-child-one-district claim, status history,
-- identity verification with public security, five-certificate review,
-- district changes and idempotency keys. R-COL-1..9.
-- Identity and phone numbers are AES-256-GCM ciphertext (*_ct, see
-- crypto/field.h) with an HMAC blind index (*_bidx) where a rule needs
-- equality: NOT NULL, so that Galera certifies uniqueness (DESIGN.md).

CREATE TABLE IF NOT EXISTS parent_account (
	id		BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	phone_bidx	BINARY(32)	NOT NULL,
	phone_ct	VARBINARY(96)	NOT NULL,
	pw_hash		VARCHAR(255)	NOT NULL,
	session_gen	INT UNSIGNED	NOT NULL DEFAULT 0,	-- bumped by logout and password change
	failed_logins	INT UNSIGNED	NOT NULL DEFAULT 0,
	locked_until	DATETIME(6)	NULL,
	created_at	DATETIME(6)	NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	UNIQUE KEY parent_phone (phone_bidx)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-COL-1: one window per year and division (province, city or county);
-- the most specific one applies. UTC; entered and shown as Asia/Shanghai.
CREATE TABLE IF NOT EXISTS collection_window (
	id		INT UNSIGNED	NOT NULL AUTO_INCREMENT,
	year		SMALLINT	NOT NULL,
	division_code	CHAR(6)		NOT NULL,
	opens_at	DATETIME(6)	NOT NULL,
	closes_at	DATETIME(6)	NOT NULL,	-- exclusive
	PRIMARY KEY (id),
	UNIQUE KEY window_year_division (year, division_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-COL-8: the age cut-off per province (a warning for staff, not a refusal)
CREATE TABLE IF NOT EXISTS age_policy (
	province_code	CHAR(6)		NOT NULL,
	min_age		TINYINT UNSIGNED NOT NULL,
	cutoff_month	TINYINT UNSIGNED NOT NULL,
	cutoff_day	TINYINT UNSIGNED NOT NULL,
	PRIMARY KEY (province_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS registration (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	prereg_no		CHAR(16)	NOT NULL,	-- R-COL-3, domain/prereg.h
	year			SMALLINT	NOT NULL,
	county_code		CHAR(6)		NOT NULL,	-- R-COL-2: the district registered in
	school_org_id		INT UNSIGNED	NULL,		-- target school, if chosen
	parent_id		BIGINT UNSIGNED	NOT NULL,
	state			VARCHAR(24)	NOT NULL,	-- domain/regstate.h: main state
	cert_state		VARCHAR(16)	NOT NULL,	-- five-certificate track (R-COL-9)
	version			INT UNSIGNED	NOT NULL DEFAULT 1,	-- bumped by each correction
	local_family		TINYINT(1)	NOT NULL,
	special_category	VARCHAR(32)	NULL,
	child_bidx		BINARY(32)	NOT NULL,	-- doc type + number
	child_name		VARCHAR(64)	NOT NULL,
	sex			CHAR(1)		NOT NULL,
	birth_date		DATE		NOT NULL,
	id_doc_type		CHAR(1)		NOT NULL,
	id_number_ct		VARBINARY(160)	NOT NULL,
	ethnicity		CHAR(2)		NOT NULL,
	nationality		VARCHAR(32)	NOT NULL,
	hukou_nature		VARCHAR(16)	NOT NULL,
	hukou_code		CHAR(12)	NOT NULL,
	birthplace		VARCHAR(128)	NOT NULL,
	native_place		VARCHAR(128)	NOT NULL,
	current_address		VARCHAR(200)	NOT NULL,
	home_address		VARCHAR(200)	NOT NULL,
	contact_address		VARCHAR(200)	NOT NULL,
	left_behind		TINYINT(1)	NOT NULL,
	migrant_worker_child	TINYINT(1)	NOT NULL,
	distance_dm		INT UNSIGNED	NOT NULL,	-- distance to school in 0.1 km
	age_warning		TINYINT(1)	NOT NULL DEFAULT 0,	-- R-COL-8
	study_permit_no		VARCHAR(32)	NULL,		-- R-COL-9 就读证明
	created_at		DATETIME(6)	NOT NULL,
	updated_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY registration_prereg (prereg_no),
	KEY registration_parent (parent_id, id),
	KEY registration_county_state (county_code, state),
	KEY registration_child (child_bidx)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS registration_guardian (
	registration_id		BIGINT UNSIGNED	NOT NULL,
	idx			TINYINT UNSIGNED NOT NULL,
	relation		VARCHAR(8)	NOT NULL,	-- 父 母 祖父母 外祖父母 其他 (R-COL-6)
	relation_desc		VARCHAR(32)	NOT NULL DEFAULT '',
	name			VARCHAR(64)	NOT NULL,
	id_doc_type		CHAR(1)		NULL,
	id_number_ct		VARBINARY(160)	NULL,		-- R-REC-11: optional when the child has one
	phone_ct		VARBINARY(96)	NOT NULL,
	employer		VARCHAR(128)	NOT NULL DEFAULT '',
	PRIMARY KEY (registration_id, idx)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-COL-2: one live registration per child, anywhere. The primary key is
-- what two racing workers (or Galera nodes) collide on; a cancel deletes
-- the claim and frees the child for another district.
CREATE TABLE IF NOT EXISTS child_claim (
	child_bidx		BINARY(32)	NOT NULL,
	registration_id		BIGINT UNSIGNED	NOT NULL,
	PRIMARY KEY (child_bidx),
	UNIQUE KEY claim_registration (registration_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The status history a parent sees (and staff audit beside audit_log).
CREATE TABLE IF NOT EXISTS registration_event (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	registration_id		BIGINT UNSIGNED	NOT NULL,
	at			DATETIME(6)	NOT NULL,
	event			VARCHAR(32)	NOT NULL,
	state			VARCHAR(24)	NOT NULL,	-- state after the event
	detail			VARCHAR(255)	NOT NULL DEFAULT '',
	PRIMARY KEY (id),
	KEY event_registration (registration_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-COL-5: identity verification requests, pulled by the PSB gateway in
-- batches (leased: offered ones come back after a timeout) and answered
-- by signed callbacks. `token` is the opaque request id given out.
CREATE TABLE IF NOT EXISTS psb_request (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	token			CHAR(32)	NOT NULL,
	registration_id		BIGINT UNSIGNED	NOT NULL,
	reg_version		INT UNSIGNED	NOT NULL,
	state			VARCHAR(12)	NOT NULL,	-- pending offered answered superseded
	offered_until		DATETIME(6)	NULL,
	offers			INT UNSIGNED	NOT NULL DEFAULT 0,
	outcome			VARCHAR(12)	NULL,		-- match mismatch not_found
	mismatched		VARCHAR(64)	NULL,
	created_at		DATETIME(6)	NOT NULL,
	answered_at		DATETIME(6)	NULL,
	PRIMARY KEY (id),
	UNIQUE KEY psb_token (token),
	KEY psb_state (state, id),
	KEY psb_registration (registration_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Nonces of signed callbacks: never reused; rows older than twice the
-- timestamp window are purged (a nonce that old is refused by time).
CREATE TABLE IF NOT EXISTS psb_nonce (
	nonce			VARCHAR(64)	NOT NULL,
	seen_at			DATETIME(6)	NOT NULL,
	PRIMARY KEY (nonce),
	KEY nonce_seen (seen_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-COL-9: the five certificates of a non-local family and the district's
-- review. `details` holds the five items and the rental-housing check.
CREATE TABLE IF NOT EXISTS cert_review (
	registration_id		BIGINT UNSIGNED	NOT NULL,
	state			VARCHAR(12)	NOT NULL,	-- submitted approved rejected
	details			TEXT		NOT NULL,
	submitted_at		DATETIME(6)	NOT NULL,
	reviewed_at		DATETIME(6)	NULL,
	reviewer_id		INT UNSIGNED	NULL,
	reason			VARCHAR(255)	NOT NULL DEFAULT '',
	PRIMARY KEY (registration_id),
	KEY cert_queue (state, submitted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-COL-4: after the window a change of district is a request that the
-- old district revokes and the new district approves.
CREATE TABLE IF NOT EXISTS district_change (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	registration_id		BIGINT UNSIGNED	NOT NULL,
	from_county		CHAR(6)		NOT NULL,
	to_county		CHAR(6)		NOT NULL,
	state			VARCHAR(16)	NOT NULL,	-- requested revoked approved refused
	reason			VARCHAR(255)	NOT NULL DEFAULT '',
	requested_at		DATETIME(6)	NOT NULL,
	decided_at		DATETIME(6)	NULL,
	PRIMARY KEY (id),
	KEY change_registration (registration_id),
	KEY change_queue (to_county, state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotency-Key: the first response of a create is kept with the key,
-- so a retry after a timeout gets it back instead of a second create.
CREATE TABLE IF NOT EXISTS idempotency_key (
	owner_id		BIGINT UNSIGNED	NOT NULL,
	scope			VARCHAR(24)	NOT NULL,
	key_hash		BINARY(32)	NOT NULL,
	request_hash		BINARY(32)	NOT NULL,
	status			SMALLINT	NOT NULL,
	response		MEDIUMTEXT	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (owner_id, scope, key_hash),
	KEY idem_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
