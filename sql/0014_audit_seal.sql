-- 0014_audit_seal.sql -- a tamper-evident audit trail (R-ADM-3, issue 10
-- item 14, review M7; docs/security.md "Audit trail").
--
-- 1. The time of an entry is the server's: `at` defaults to
--    UTC_TIMESTAMP(6) (an expression default: the session's time_zone does
--    not move it), and `xuejictl grant-app` gives the application user
--    INSERT on audit_log's other columns only, so it can neither back-date
--    an entry nor choose its id (MariaDB refuses with error 1143). The
--    session clock itself (SET timestamp) is closed by the server option
--    secure_timestamp = YES (docs/operations.md "MariaDB settings").
-- 2. audit_chain and audit_seal hold what the sealer (`xuejictl jobs`,
--    job audit-seal, src/ctl/audit.c) adds: for every sealed entry the
--    running hash of the chain up to it, and for every batch a head (last
--    entry, number of entries, chain hash, time) signed with Ed25519 by a
--    key kept in a file outside the database. Workers never touch them;
--    the application user may only SELECT and INSERT (no UPDATE, no
--    DELETE), and a head it could insert without the key fails
--    `xuejictl audit verify`.
-- 3. xj_reg_create's audit INSERT names no `at` (0016, where the
--    procedure is defined: it runs with the caller's rights, which no
--    longer include that column).

ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT (UTC_TIMESTAMP(6));

-- one row per sealed audit entry: hash = H(previous entry's hash, entry),
-- so verify names the first entry that no longer hashes to what was sealed
CREATE TABLE IF NOT EXISTS audit_chain (
	audit_id	BIGINT UNSIGNED	NOT NULL,
	seal_id		INT UNSIGNED	NOT NULL,
	hash		BINARY(32)	NOT NULL,
	PRIMARY KEY (audit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='sealed audit entries: the chain hash up to each (src/crypto/auditchain.h)';

-- one row per sealed batch; id = the previous head's + 1 (two sealers
-- racing for the same batch collide on it, one rolls back)
CREATE TABLE IF NOT EXISTS audit_seal (
	id		INT UNSIGNED	NOT NULL,
	last_audit_id	BIGINT UNSIGNED	NOT NULL,	-- every entry <= it was settled and is chained
	entries		INT UNSIGNED	NOT NULL,	-- entries this head adds
	chain		BINARY(32)	NOT NULL,	-- chain hash after last_audit_id
	sealed_at	DATETIME	NOT NULL,	-- UTC, signed
	key_id		CHAR(16)	NOT NULL,	-- which public key verifies it
	signature	BINARY(64)	NOT NULL,	-- Ed25519 over the head (auditchain.h)
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='signed heads of the audit chain';

-- (The procedure itself is defined once, in 0016_privacy.sql, with the
-- other changes issue 10 made to it.)
