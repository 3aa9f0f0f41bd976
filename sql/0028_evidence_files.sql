-- 0028_evidence_files.sql -- evidence files (佐证材料, issue 12 item 3,
-- R-DUP-2): DOC, RAR or JPG of at most 2 MB, checked by content
-- (src/domain/filesniff.h), kept in the database -- outside the web root,
-- on every node of a replicated deployment, in every backup, and never on
-- one worker host's disk (workers keep no state). docs/architecture.md,
-- "Evidence files". New tables: run `xuejictl grant-app` again after
-- migrating.

-- The bytes, once per deployment: content_bidx is the blind index
-- (HMAC-SHA256, purpose evidence.content) of the plaintext, so the same
-- file uploaded twice is stored once, and the index tells nobody which
-- file it is (a plain SHA-256 of a well-known scan would). content is
-- AES-256-GCM (src/crypto/field.h) under column evidence_blob.content and
-- the row identity = LOWER(HEX(content_bidx)): the scans of identity cards
-- and household registers these files hold are personal data of minors.
CREATE TABLE IF NOT EXISTS evidence_blob (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	content_bidx		BINARY(32)	NOT NULL,
	kind			ENUM('doc','rar','jpg') NOT NULL,
	size			INT UNSIGNED	NOT NULL,
	content			MEDIUMBLOB	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY evidence_blob_content (content_bidx)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A file of a student record: who uploaded it, when, under which name
-- (encrypted: names such as "张三户口本.jpg" are personal data; column
-- evidence_file.name, row "s" + student_id). The same bytes uploaded
-- again for the same record are the same file (the unique key).
CREATE TABLE IF NOT EXISTS evidence_file (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	student_id		BIGINT UNSIGNED	NOT NULL,
	blob_id			BIGINT UNSIGNED	NOT NULL,
	name_ct			VARBINARY(320)	NULL,
	uploaded_by		BIGINT UNSIGNED	NOT NULL,
	org_id			INT UNSIGNED	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY evidence_file_once (student_id, blob_id),
	KEY evidence_file_blob (blob_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Which files support which case (a problem corroboration or change, a
-- key-data change request): written with the case, in its transaction;
-- the reviewers read them from the case.
CREATE TABLE IF NOT EXISTS workflow_evidence (
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	file_id			BIGINT UNSIGNED	NOT NULL,
	PRIMARY KEY (workflow_id, file_id),
	KEY workflow_evidence_file (file_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Corroborating and changing a problem record need a file (R-DUP-2), and
-- so does a change of key data (R-KEY-1): a flag of the chain, set for
-- every province's variant of it.
ALTER TABLE workflow_type ADD COLUMN IF NOT EXISTS needs_evidence TINYINT(1) NOT NULL DEFAULT 0;
UPDATE workflow_type SET needs_evidence = 1
 WHERE code IN ('problem_corroborate', 'problem_change', 'key_data_change');
