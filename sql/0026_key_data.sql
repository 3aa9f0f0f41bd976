-- 0026_key_data.sql -- key-data changes (关键数据变更, issue 12 item 4,
-- R-KEY-1, R-KEY-2; seed 004 §七): which fields of a record are
-- controlled (受控字段), set per level of the org tree, and the change
-- requests that alone change a controlled field, on the workflow engine
-- of sql/0019. docs/architecture.md, "Key-data changes".
-- New tables: run `xuejictl grant-app` again after migrating.

-- The controlled fields an org sets for everything under it (R-KEY-1:
-- province, city and county; the ministry's row are the national
-- defaults). The set in force for a record is the union of the rows of
-- every org on its school's path: a lower level adds, it never removes
-- (xuejictl key-fields set refuses an org's list that leaves out a field
-- set above it, and stores only what it adds). field: a name of the
-- catalogue in src/school/keydata.c (the record's own fields).
CREATE TABLE IF NOT EXISTS key_field (
	org_path		VARCHAR(128)	NOT NULL,
	field			VARCHAR(24)	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (org_path, field)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- National defaults: the identity (name, sex, birth date, document type
-- and number, which the duplicate check reads) and ethnicity and
-- nationality. Hukou, birthplace and native place are left to the
-- provinces (seed 004 §七: the levels set them before the function is used).
INSERT IGNORE INTO key_field (org_path, field, created_at) VALUES
	('/', 'name', UTC_TIMESTAMP(6)),
	('/', 'sex', UTC_TIMESTAMP(6)),
	('/', 'birth_date', UTC_TIMESTAMP(6)),
	('/', 'id_doc_type', UTC_TIMESTAMP(6)),
	('/', 'id_number', UTC_TIMESTAMP(6)),
	('/', 'ethnicity', UTC_TIMESTAMP(6)),
	('/', 'nationality', UTC_TIMESTAMP(6));

-- A change request: one workflow case (type key_data_change). What waits
-- for the approval is here; the last approval applies it (the effect
-- 'key_data_apply', school/keydata.c), a rejection leaves it as history.
CREATE TABLE IF NOT EXISTS key_data_change (
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	student_id		BIGINT UNSIGNED	NOT NULL,
	reason			VARCHAR(500)	NOT NULL,
	evidence		VARCHAR(500)	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (workflow_id),
	KEY key_data_change_student (student_id, workflow_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Its fields, old and new value. An identity number is never stored in
-- clear: old_ct and new_ct are AES-256-GCM ciphertexts (crypto/field.h,
-- column key_data_change.id_number, rows "k<case>/old" and "k<case>/new")
-- and new_bidx the blind index of the new document (student.child_bidx
-- takes it on approval); its old_value and new_value hold the document
-- TYPES (what the masking rule needs), never a number. One row per case
-- at most has ciphertexts (xuejictl rekey walks them by workflow_id).
-- Booleans are '0' or '1'. VARBINARY(192): a number of 32 characters of
-- 4 bytes encrypted (review L3, sql/0011).
CREATE TABLE IF NOT EXISTS key_data_change_field (
	workflow_id		BIGINT UNSIGNED	NOT NULL,
	field			VARCHAR(24)	NOT NULL,
	old_value		VARCHAR(200)	NULL,
	new_value		VARCHAR(200)	NULL,
	old_ct			VARBINARY(192)	NULL,
	new_ct			VARBINARY(192)	NULL,
	new_bidx		BINARY(32)	NULL,
	PRIMARY KEY (workflow_id, field)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The record's history says which case changed it and which fields (a
-- key-data change, a direct edit of uncontrolled fields).
ALTER TABLE student_event ADD COLUMN IF NOT EXISTS workflow_id BIGINT UNSIGNED NULL AFTER batch_id;
ALTER TABLE student_event ADD COLUMN IF NOT EXISTS fields VARCHAR(255) NULL AFTER workflow_id;

-- The national chain: the record's school applies (step 1, decided by
-- starting), its county approves (step 2), whose approval applies the
-- change. A province's own rows of the same code add levels (R-KEY-1:
-- "up the chain"), e.g. the city (bureau_above: the county's parent
-- bureau for this chain) -- docs/operations.md "Key-data changes".
INSERT IGNORE INTO workflow_type (code, province, name) VALUES
	('key_data_change', '', '关键数据变更');
INSERT IGNORE INTO workflow_type_step (type_code, province, seq, party, role, days, on_approve, by_exchange) VALUES
	('key_data_change', '', 1, 'receiving_school', 'clerk',     0, 'advance', 0),
	('key_data_change', '', 2, 'receiving_county', 'reviewer', 10, 'key_data_apply', 0);
