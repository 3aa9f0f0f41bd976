-- 0006_student_records.sql -- student records (学籍, R-ADM-2, R-REC-1..5,
-- R-REC-10): classes with their R-REC-2 codes, the records created from
-- district-approved admissions, every student number ever issued, term
-- registration (注册), and the indexes behind the roster, search and
-- statistics (docs/architecture.md, "Student records").
-- New tables: run `xuejictl grant-app` again after migrating.

-- A class of a school. Numbers run across a campus group: a branch campus
-- (org.main_campus_id, R-ORG-2) continues its main campus's numbers of the
-- same entry year and level (R-REC-2), so (campus_group_id, entry_year,
-- level, number) is unique -- two campuses never share "2026101" within
-- one group, and two clerks racing for a number collide on this key.
-- campus_group_id is the main campus's org id (a main campus: its own).
CREATE TABLE IF NOT EXISTS school_class (
	id			INT UNSIGNED	NOT NULL AUTO_INCREMENT,
	school_org_id		INT UNSIGNED	NOT NULL,
	campus_group_id		INT UNSIGNED	NOT NULL,
	entry_year		SMALLINT	NOT NULL,
	level			TINYINT UNSIGNED NOT NULL,	-- 1 primary, 2 junior, 3 senior
	number			TINYINT UNSIGNED NOT NULL,	-- 1..99
	code			CHAR(7)		NOT NULL,	-- domain/classcode.h: YYYY L NN
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY class_school_code (school_org_id, code),
	UNIQUE KEY class_group_number (campus_group_id, entry_year, level, number),
	KEY class_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The student record. Personal data is copied from the registration as it
-- is stored there: identity numbers stay AES-256-GCM ciphertext with the
-- child's blind index (no decryption on the way). Grade is not stored: it
-- follows from entry_year and the school year (R-REC-10).
CREATE TABLE IF NOT EXISTS student (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	registration_id		BIGINT UNSIGNED	NOT NULL,	-- R-ADM-2: the approved admission
	school_org_id		INT UNSIGNED	NOT NULL,
	county_code		CHAR(6)		NOT NULL,	-- the registration's district
	student_no		CHAR(19)	NOT NULL,	-- R-REC-1: L... until the ministry's G/J
	student_no_kind		CHAR(1)		NOT NULL,	-- G J L
	name			VARCHAR(64)	NOT NULL,
	sex			CHAR(1)		NOT NULL,
	birth_date		DATE		NOT NULL,
	id_doc_type		CHAR(1)		NOT NULL,
	id_number_ct		VARBINARY(160)	NOT NULL,
	child_bidx		BINARY(32)	NOT NULL,	-- for the duplicate check (R-DUP-1)
	ethnicity		CHAR(2)		NOT NULL,
	nationality		VARCHAR(32)	NOT NULL,
	hukou_nature		VARCHAR(16)	NOT NULL,
	hukou_code		CHAR(12)	NOT NULL,
	birthplace		VARCHAR(128)	NOT NULL,
	native_place		VARCHAR(128)	NOT NULL,
	current_address		VARCHAR(200)	NOT NULL,	-- uncontrolled (PATCH)
	home_address		VARCHAR(200)	NOT NULL,	-- uncontrolled (PATCH)
	contact_address		VARCHAR(200)	NOT NULL,	-- uncontrolled (PATCH)
	local_family		TINYINT(1)	NOT NULL,
	left_behind		TINYINT(1)	NOT NULL,	-- uncontrolled (PATCH)
	migrant_worker_child	TINYINT(1)	NOT NULL,	-- derived (R-REC-10), copied
	boarding		TINYINT(1)	NOT NULL DEFAULT 0,	-- 住校 (seed 004 §三.15), uncontrolled
	entry_year		SMALLINT	NOT NULL,	-- R-REC-4: first grade of the level
	level			TINYINT UNSIGNED NOT NULL,
	class_id		INT UNSIGNED	NULL,		-- assigned by the school
	status			VARCHAR(16)	NOT NULL DEFAULT 'in_school',
		-- R-REC-3: in_school suspended abroad left dropped_out graduated deceased
	-- Set by the duplicate-check / problem-record module (R-DUP-1, not
	-- built yet) while the record belongs to an unresolved problem
	-- group; such a record cannot be registered for a term (R-REC-5).
	problem_open		TINYINT(1)	NOT NULL DEFAULT 0,
	version			INT UNSIGNED	NOT NULL DEFAULT 1,
	created_at		DATETIME(6)	NOT NULL,
	updated_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY student_registration (registration_id),
	UNIQUE KEY student_number (student_no),
	-- roster (R-REC-3): one school's in-school rows, by class or grade,
	-- in id order for the keyset cursor
	KEY student_roster_class (school_org_id, status, class_id, id),
	KEY student_roster_grade (school_org_id, status, entry_year, level, id),
	-- search across a scope by name prefix
	KEY student_name (name, id),
	KEY student_child (child_bidx)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS student_guardian (
	student_id		BIGINT UNSIGNED	NOT NULL,
	idx			TINYINT UNSIGNED NOT NULL,
	relation		VARCHAR(8)	NOT NULL,
	relation_desc		VARCHAR(32)	NOT NULL DEFAULT '',
	name			VARCHAR(64)	NOT NULL,
	id_doc_type		CHAR(1)		NULL,
	id_number_ct		VARBINARY(160)	NULL,
	phone_ct		VARBINARY(96)	NOT NULL,
	employer		VARCHAR(128)	NOT NULL DEFAULT '',
	PRIMARY KEY (student_id, idx)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every student number ever issued, with its record (R-REC-1: an L number
-- is replaced, never reused). The primary key is what a newly drawn
-- temporary number collides with -- also a number whose record has since
-- received its national number -- so the draw retries with other digits.
CREATE TABLE IF NOT EXISTS student_no_issued (
	student_no		CHAR(19)	NOT NULL,
	student_id		BIGINT UNSIGNED	NOT NULL,
	issued_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (student_no),
	KEY issued_student (student_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Term registration (注册, R-REC-5): one row per student and term
-- ("2026-1" = autumn of school year 2026/27, "2026-2" = its spring).
CREATE TABLE IF NOT EXISTS student_term (
	student_id		BIGINT UNSIGNED	NOT NULL,
	term			CHAR(6)		NOT NULL,
	school_org_id		INT UNSIGNED	NOT NULL,
	registered_by		INT UNSIGNED	NOT NULL,
	registered_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (student_id, term),
	KEY term_school (school_org_id, term)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Statistics (issue 4 §6): GROUP BY over covering indexes. Per county:
-- a range of (county_code) read in index order, never a table row; per
-- school the same on school_org_id (the chosen, later the ticking school).
CREATE INDEX IF NOT EXISTS registration_stats_county
	ON registration (county_code, state, local_family);
CREATE INDEX IF NOT EXISTS registration_stats_school
	ON registration (school_org_id, state, local_family);
