-- 0012_staff_logins.sql -- issue 10 (D: logins; review M2, M3, M10, L10,
-- L11). Staff lockout per (account, client address) so that an attacker
-- who locks his own address does not lock the owner out (M3); a forced
-- password change at first login and after an administrator's reset, and
-- an optional TOTP second factor (M10). Additive only.
CREATE TABLE IF NOT EXISTS staff_login_guard (
	account_id	INT UNSIGNED	NOT NULL,
	-- the client's address: IPv4 as is, IPv6 its /64 prefix
	-- (school/session.c client_key)
	client_key	VARCHAR(48)	NOT NULL,
	-- attempts reserved before hashing (M2), wrong or still in flight
	failed		INT UNSIGNED	NOT NULL DEFAULT 0,
	locked_until	DATETIME(6)	NULL,
	updated_at	DATETIME(6)	NOT NULL,
	PRIMARY KEY (account_id, client_key),
	KEY staff_login_guard_updated (updated_at),
	CONSTRAINT staff_login_guard_fk FOREIGN KEY (account_id) REFERENCES staff_account (id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

ALTER TABLE staff_account
	ADD COLUMN IF NOT EXISTS must_change_pw TINYINT(1) NOT NULL DEFAULT 0
		COMMENT 'M10: 1 = the session may only change the password',
	ADD COLUMN IF NOT EXISTS pw_changed_at DATETIME(6) NULL,
	-- the TOTP secret (RFC 6238), field-encrypted (crypto/field.h, aad
	-- "staff_account.totp_secret"); pending until confirmed with a code
	ADD COLUMN IF NOT EXISTS totp_secret_ct VARBINARY(96) NULL,
	ADD COLUMN IF NOT EXISTS totp_enabled TINYINT(1) NOT NULL DEFAULT 0,
	-- the last 30-second step accepted: a code is never accepted twice
	ADD COLUMN IF NOT EXISTS totp_last_step BIGINT NULL;
