-- 0020_yearend.sql -- year-end batches (issue 11 item 8, R-REC-3,
-- R-REC-10; docs/architecture.md "Year-end batches"): promotion of every
-- in-school student of a school or county up one grade and graduation of
-- the last grade, chunked and resumable, and the record's history.
-- New tables: run `xuejictl grant-app` again after migrating.

-- Grade stays derived from the cohort (R-REC-10: entry year, the class
-- code's first four digits): grade in school year Y = Y - entry_year + 1 +
-- grade_offset. The offset is the only per-student correction: -1 per
-- repeated year (留级), +1 per skipped one (跳级), set by the status-change
-- chains (issue 11 item 6) where a province allows them; 0 for everyone
-- else, so nothing changes for records created before this migration.
ALTER TABLE student
	ADD COLUMN IF NOT EXISTS grade_offset TINYINT NOT NULL DEFAULT 0 AFTER level;

-- The batches' walk: one school's in-school records in id order, from the
-- batch's cursor (the roster's indexes put class or entry year before id).
CREATE INDEX IF NOT EXISTS student_school_status_id ON student (school_org_id, status, id);

-- A year-end batch: a kind over a scope (a school, or a county = every
-- school whose territorial county it is) for the school year that ends
-- (2025 = 2025/26, run in the summer of 2026). The dry-run count is taken
-- when the batch is created; the jobs runner (job `yearend`) then applies
-- it one chunk per transaction and moves the cursor (school, last student
-- id) in the same transaction, so a runner killed between chunks resumes
-- where the last commit left it. One batch per scope, kind and year; the
-- handler also refuses a batch overlapping another's scope (a school of a
-- county that already has one).
CREATE TABLE IF NOT EXISTS yearend_batch (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	kind			VARCHAR(12)	NOT NULL,	-- promotion | graduation
	scope_org_id		INT UNSIGNED	NOT NULL,	-- a school or a county
	scope_kind		VARCHAR(8)	NOT NULL,	-- school | county
	scope_path		VARCHAR(128)	NOT NULL,	-- org.path, for read scope
	school_year		SMALLINT	NOT NULL,	-- the year that ends
	state			VARCHAR(8)	NOT NULL DEFAULT 'created',	-- created running done
	total			INT UNSIGNED	NOT NULL,	-- the dry-run count at creation
	done			INT UNSIGNED	NOT NULL DEFAULT 0,	-- students changed so far
	chunks			INT UNSIGNED	NOT NULL DEFAULT 0,
	cursor_school		INT UNSIGNED	NOT NULL DEFAULT 0,	-- the school being walked
	cursor_id		BIGINT UNSIGNED	NOT NULL DEFAULT 0,	-- its last student id done
	created_by		INT UNSIGNED	NOT NULL,
	created_at		DATETIME(6)	NOT NULL,
	started_at		DATETIME(6)	NULL,
	finished_at		DATETIME(6)	NULL,
	PRIMARY KEY (id),
	UNIQUE KEY yearend_once (scope_org_id, kind, school_year),
	KEY yearend_year (school_year, kind),
	KEY yearend_state (state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The creators' turn: creating a batch first upserts the row of its
-- county (a school's territorial county, or the county itself), kind and
-- year, which holds that row's lock until commit, so two staff creating
-- overlapping batches at once take turns and the second sees the first
-- (connections run READ COMMITTED: a gap lock would not serialise them).
CREATE TABLE IF NOT EXISTS yearend_claim (
	county_org_id		INT UNSIGNED	NOT NULL,
	kind			VARCHAR(12)	NOT NULL,
	school_year		SMALLINT	NOT NULL,
	batches			INT UNSIGNED	NOT NULL DEFAULT 0,
	PRIMARY KEY (county_org_id, kind, school_year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The record's history (R-REC-3: every change of grade or status visible):
-- one row per event, append only. yearend_year is set only by year-end
-- batches: (student_id, yearend_year) is unique, so a student is promoted
-- or graduated at most once per school year, whichever batch, runner or
-- retry tries again (NULLs do not collide: other kinds of event leave it
-- NULL). Later chains (transfers, status changes) append their own kinds.
CREATE TABLE IF NOT EXISTS student_event (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT,
	student_id		BIGINT UNSIGNED	NOT NULL,
	kind			VARCHAR(16)	NOT NULL,	-- promoted | graduated | ...
	school_org_id		INT UNSIGNED	NOT NULL,	-- the school at the time
	from_grade		TINYINT		NULL,
	to_grade		TINYINT		NULL,
	status			VARCHAR(16)	NOT NULL,	-- the status after the event
	yearend_year		SMALLINT	NULL,
	batch_id		BIGINT UNSIGNED	NULL,
	created_at		DATETIME(6)	NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY student_event_yearend (student_id, yearend_year),
	KEY student_event_student (student_id, id),
	KEY student_event_batch (batch_id, student_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
