-- 0030_national_check.sql -- what the national check (issue 13 item 6),
-- 补建学籍 and batch import (issue 12 item 5) and records arriving from
-- another province (issue 13 item 7) share in the student row.
-- docs/architecture.md "Ministry exchange: the national check".

-- registration_id: NULL for a record that did not come through this
-- deployment's admission: a 补建 record (a pupil above grade 1 whose
-- record is made up, R-DUP-4), a batch import, a Dossier from another
-- province (调档, R-MOV-4). The unique key stays: NULLs do not collide.
-- origin: the entry path that created the row (admission, supplement,
-- import, transfer_in), shown in the record and its history.
-- national_check: where the record stands with the ministry's national
-- duplicate check and number issuing (R-REC-1, R-DUP-1):
--   due      to be sent in the next StudentBatch (new, or changed since,
--            R-KEY-2), national_action says which;
--   sent     in a StudentBatch the ministry has not answered yet;
--   issued   the ministry issued its G or J number (the L one retired);
--   passed   checked again after a change, still unique;
--   problem  the ministry answered with a national problem group.
-- national_action: what the next (or the pending) StudentBatch record
-- says: new, changed, supplement (the record waits for the answer,
-- R-DUP-4).
ALTER TABLE student
	MODIFY COLUMN registration_id BIGINT UNSIGNED NULL,
	ADD COLUMN IF NOT EXISTS origin VARCHAR(16) NOT NULL DEFAULT 'admission',
	ADD COLUMN IF NOT EXISTS national_check VARCHAR(8) NOT NULL DEFAULT 'due',
	ADD COLUMN IF NOT EXISTS national_action VARCHAR(12) NOT NULL DEFAULT 'new',
	ADD KEY IF NOT EXISTS student_national (national_check, id);

-- Records that are in a batch already were sent; G and J numbers were
-- issued (none are written before this migration, but a restored dump
-- may hold some).
UPDATE student SET national_check = 'sent'
	WHERE national_check = 'due' AND student_no_kind = 'L'
	AND id IN (SELECT student_id FROM exchange_outbox_record WHERE student_id IS NOT NULL);
UPDATE student SET national_check = 'issued'
	WHERE national_check = 'due' AND student_no_kind IN ('G', 'J');

-- R-REC-1 (an L number is replaced, never reused) needs no table of its
-- own: student_no_issued (sql/0006) holds every number ever issued, so a
-- G or J number that replaces an L one is inserted there too, and the L
-- number stays in it, and a new draw collides with it; the replacement
-- is in the record's history (student_event).
