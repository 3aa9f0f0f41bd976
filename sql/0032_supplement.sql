-- 0032_supplement.sql -- 补建学籍 and batch import (issue 12 item 5, the
-- batch-import entry path of issue 12 item 1; R-DUP-4, R-REC-8).
-- docs/architecture.md "补建学籍 and batch import".
--
-- A record made by 补建 or by an import is a student row like any other
-- (registration_id NULL, origin supplement | import, sql/0030); it waits
-- for the ministry's national check with status 'pending_check' (off the
-- rosters, term registration, statistics, transfers and certificates,
-- which all read 'in_school'), national_check 'due' and national_action
-- 'supplement'. Nothing of that needs a column; what an import needs is
-- its own row and one row per line, so that a re-sent Idempotency-Key
-- rebuilds the answer (the L number of every line) from what the import
-- created, and the school can see which file made which record.

CREATE TABLE IF NOT EXISTS student_import (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	school_org_id		INT UNSIGNED	NOT NULL,
	actor_id		BIGINT UNSIGNED	NOT NULL,	-- the staff account that sent it
	line_count		INT UNSIGNED	NOT NULL,	-- records created (lines after the header)
	body_sha256		BINARY(32)	NOT NULL,	-- the file as sent (not kept: personal data)
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	KEY student_import_school (school_org_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS student_import_line (
	import_id		BIGINT UNSIGNED	NOT NULL,
	line			INT UNSIGNED	NOT NULL,	-- line number in the file (header = 1)
	student_id		BIGINT UNSIGNED	NOT NULL,
	PRIMARY KEY (import_id, line),
	UNIQUE KEY student_import_line_student (student_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotency-Key of the two staff creates: the stored pointer is the
-- created thing, never the answer (sql/0011, H3) -- 'S' + the student id
-- (补建) or 'I' + the import id, 15 digits, the 16 characters the
-- column's pointers have. The CHECK admits those two forms as well.
ALTER TABLE idempotency_key DROP CONSTRAINT IF EXISTS idempotency_pointer_only;
ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_pointer_only
	CHECK (response = '' OR response REGEXP '^[0-9]{15}[0-9X]$'
	    OR response REGEXP '^[SI][0-9]{15}$');
