-- 0001_core.sql -- reference tables, the organisation tree, staff accounts
-- and the audit log. InnoDB only, a primary key on every table, no
-- triggers: Galera-compatible (DESIGN.md "Data").
-- Times are UTC DATETIME(6); the API converts to Asia/Shanghai.

CREATE TABLE IF NOT EXISTS division (
	code		CHAR(6)		NOT NULL,	-- GB/T 2260, 6 digits: 110000, 110100, 110101
	name		VARCHAR(64)	NOT NULL,
	level		TINYINT		NOT NULL,	-- 1 province, 2 city (prefecture), 3 county
	parent_code	CHAR(6)		NULL,
	PRIMARY KEY (code),
	KEY division_parent (parent_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='divisions in force today: hukou and address fields take these (DESIGN.md)';

CREATE TABLE IF NOT EXISTS division_history (
	code		CHAR(6)		NOT NULL,
	name		VARCHAR(64)	NOT NULL,
	first_year	SMALLINT	NOT NULL,
	last_year	SMALLINT	NULL,		-- NULL: still in force
	PRIMARY KEY (code, first_year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='every division code since 1980: ID-number area codes (R-COL-7)';

CREATE TABLE IF NOT EXISTS ethnicity (
	code		CHAR(2)		NOT NULL,
	name		VARCHAR(32)	NOT NULL,
	PRIMARY KEY (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS id_doc_type (
	code		CHAR(1)		NOT NULL,
	name		VARCHAR(64)	NOT NULL,
	PRIMARY KEY (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- R-ORG-1: ministry -> province -> city -> county -> school. `path` is the
-- chain of codes from the top ('/', '/110000/', '/110000/110100/', ...):
-- an actor's scope is every org whose path starts with the actor's path
-- (R-ORG-3), one indexed range scan.
CREATE TABLE IF NOT EXISTS org (
	id		INT UNSIGNED	NOT NULL AUTO_INCREMENT,
	kind		ENUM('ministry','province','city','county','school') NOT NULL,
	code		VARCHAR(12)	NOT NULL,	-- division code; school: 10-digit 学校标识码
	name		VARCHAR(100)	NOT NULL,
	parent_id	INT UNSIGNED	NULL,
	path		VARCHAR(128)	NOT NULL,
	county_id	INT UNSIGNED	NULL,		-- school: territorial county (属地)
	supervisor_id	INT UNSIGNED	NULL,		-- school: supervising bureau (主管), may differ
	main_campus_id	INT UNSIGNED	NULL,		-- R-ORG-2: branch campus of this school
	status		ENUM('open','closed') NOT NULL DEFAULT 'open',	-- R-ORG-5: closed = read-only, kept
	created_at	DATETIME(6)	NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	UNIQUE KEY org_kind_code (kind, code),
	UNIQUE KEY org_path (path),
	KEY org_parent (parent_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS staff_account (
	id		INT UNSIGNED	NOT NULL AUTO_INCREMENT,
	org_id		INT UNSIGNED	NOT NULL,
	login		VARCHAR(64)	NOT NULL,
	display_name	VARCHAR(64)	NOT NULL,
	role		ENUM('clerk','reviewer','admin') NOT NULL,
	pw_hash		VARCHAR(255)	NOT NULL,	-- scrypt, self-describing (crypto/password.h)
	session_gen	INT UNSIGNED	NOT NULL DEFAULT 0,	-- R-ORG-4: one live session
	failed_logins	INT UNSIGNED	NOT NULL DEFAULT 0,
	locked_until	DATETIME(6)	NULL,
	status		ENUM('active','disabled') NOT NULL DEFAULT 'active',
	created_at	DATETIME(6)	NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	UNIQUE KEY staff_login (login),
	KEY staff_org (org_id),
	CONSTRAINT staff_org_fk FOREIGN KEY (org_id) REFERENCES org (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Append-only (R-ADM-3): written in the same transaction as the change it
-- records; the application user has only SELECT and INSERT here
-- (xuejictl grant-app). Digests are SHA-256 of the canonical JSON of the
-- target before and after, so the log proves a change without copying
-- personal data into it.
CREATE TABLE IF NOT EXISTS audit_log (
	id		BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	at		DATETIME(6)	NOT NULL,
	request_id	VARCHAR(40)	NOT NULL,
	actor_type	ENUM('system','parent','staff','psb','ministry') NOT NULL,
	actor_id	BIGINT UNSIGNED	NULL,
	actor_role	VARCHAR(16)	NULL,
	actor_org_id	INT UNSIGNED	NULL,
	action		VARCHAR(64)	NOT NULL,
	target_ty