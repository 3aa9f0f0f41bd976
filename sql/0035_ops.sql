-- 0035_ops.sql -- session 7, part ops: the roster's grade filter for
-- repeaters and skippers (issue 11 item 6) and the exchange's retention
-- (issue 13; docs/operations.md "Exchange retention").

-- The grade a record shows is Y - entry_year + 1 + grade_offset in school
-- year Y (sql/0020, R-REC-10): its cohort is entry_year - grade_offset,
-- the entry year of the classmates it now sits with. The roster's grade
-- filter selects by it, so a pupil who repeated a year is listed under
-- the grade it shows, not under the one its entry year alone would give.
-- A virtual column (computed, not stored: adding it rewrites nothing)
-- with the roster's index on it, in the order of the old entry-year index
-- (student_roster_grade): one school, one status, one cohort and level,
-- then id -- the keyset walk of a page reads only its rows.
ALTER TABLE student
	ADD COLUMN IF NOT EXISTS cohort_year SMALLINT AS (entry_year - grade_offset) VIRTUAL;
CREATE INDEX IF NOT EXISTS student_roster_cohort
	ON student (school_org_id, status, cohort_year, level, id);

-- Retention (jobs exchange-outbox-purge and exchange-inbox-purge): the
-- oldest rows first, a bounded batch at a time.
ALTER TABLE exchange_outbox
	ADD KEY IF NOT EXISTS exchange_outbox_created (created_at, id);
ALTER TABLE exchange_inbox
	ADD KEY IF NOT EXISTS exchange_inbox_received (received_at, id);
