-- 0007_licensed_schools.sql -- R-REC-9: unlicensed schools get no student
-- records. A school is licensed unless a bureau records otherwise; the
-- admission flow refuses to tick for, and to create records at, an
-- unlicensed school. (Repeaters are refused from the records themselves:
-- a child with a primary-school record is not recorded in grade 1 again.)
ALTER TABLE org ADD COLUMN IF NOT EXISTS licensed TINYINT(1) NOT NULL DEFAULT 1
	COMMENT 'R-REC-9: 0 = unlicensed, no student records';
CREATE INDEX IF NOT EXISTS student_child_level ON student (child_bidx, level);
