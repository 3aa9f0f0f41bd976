-- 0021_status_certificates.sql -- certificates of student status (学籍证明,
-- R-REC-7, seed 004 第四篇; issue 11 item 9; docs/certificates.md).
-- New tables: run `xuejictl grant-app` again after migrating.

-- The counterfoil (存根) of every certificate a school issued, kept on file: what
-- was certified (the signed text, word for word as its QR code holds
-- it), by whom, when, under which key. Append-only for the application
-- (SELECT, INSERT): a certificate is never edited, and nothing in R-REC-7
-- or the seed revokes one (docs/certificates.md, "No revocation").
-- The text holds the student's name and a masked identity number (area
-- code only, domain/mask.h): no more than the student row itself holds
-- in clear.
CREATE TABLE IF NOT EXISTS status_certificate (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	serial			CHAR(22)	NOT NULL,	-- ZM + school code + year + 6 digits
	school_org_id		INT UNSIGNED	NOT NULL,
	student_id		BIGINT UNSIGNED	NOT NULL,
	status			VARCHAR(16)	NOT NULL,	-- the status certified (R-REC-3)
	issued_by		INT UNSIGNED	NOT NULL,	-- staff_account.id (经办人)
	issued_by_name		VARCHAR(64)	NOT NULL,	-- the name as it was then
	issued_at		DATETIME(6)	NOT NULL,
	key_id			CHAR(16)	NOT NULL,	-- the signing key (crypto/auditchain.h)
	document		VARBINARY(2048)	NOT NULL,	-- the signed QR text
	PRIMARY KEY (id),
	UNIQUE KEY status_certificate_serial (serial),
	KEY status_certificate_school (school_org_id, id),
	KEY status_certificate_student (student_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Serial numbers per school and Beijing year, advanced inside the issuing
-- transaction (no gaps on paper), as admission_notice_seq.
CREATE TABLE IF NOT EXISTS status_certificate_seq (
	school_org_id		INT UNSIGNED	NOT NULL,
	year			SMALLINT	NOT NULL,
	last_no			INT UNSIGNED	NOT NULL,
	PRIMARY KEY (school_org_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
