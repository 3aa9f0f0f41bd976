-- 0011_stored_copies.sql -- issue 10 (C): masking and stored copies
-- (docs/security.md, "Encrypted columns", "Idempotency-Key"; review
-- findings H3, M9, L3).
--
-- L3: a document number is 1..32 characters of up to 4 bytes (128 bytes)
-- and is never cut; encrypted (field.h: 33 bytes more) it needs 161
-- bytes, so the encrypted number columns and the procedure's parameters
-- of the same type grow to VARBINARY(192) (both widths keep a one-byte
-- length prefix, so InnoDB can extend the columns without rebuilding the
-- rows). The procedure's five parameters of that type grow with them in
-- 0016, where it is defined: -- issue 10 (C).
--
-- H3: idempotency_key.response held the whole 201 answer in clear (names,
-- birth date, masked numbers), which a dump could read without any key.
-- It now holds a pointer, the pre-registration number the key created,
-- and the answer is rebuilt on a replay (src/store/idempotency.h). The
-- bodies already stored become their number (both kinds of answer carry
-- prereg_no); a row without one is deleted. A CHECK keeps anything else
-- out of the column for good.
--
-- M9: the five-certificate filing (cert_review.details: the residence
-- permit number, which is a citizen ID number, the hukou book number,
-- contract and property numbers, addresses) is stored encrypted in
-- details_ct (AES-256-GCM, field.h, AAD "cert_review.details"); details
-- is '' for every new filing. Rows filed before stay readable and are
-- encrypted by the jobs runner's cert-details-encrypt job.
--
-- DDL: re-runnable (IF EXISTS / IF NOT EXISTS, idempotent updates).

ALTER TABLE registration MODIFY id_number_ct VARBINARY(192) NOT NULL;
ALTER TABLE registration_guardian MODIFY id_number_ct VARBINARY(192) NULL;
ALTER TABLE student MODIFY id_number_ct VARBINARY(192) NOT NULL;
ALTER TABLE student_guardian MODIFY id_number_ct VARBINARY(192) NULL;

UPDATE idempotency_key SET response = COALESCE(JSON_VALUE(response, '$.prereg_no'), '')
WHERE response <> '' AND response NOT REGEXP '^[0-9]{15}[0-9X]$';
DELETE FROM idempotency_key WHERE response NOT REGEXP '^[0-9]{15}[0-9X]$';
ALTER TABLE idempotency_key DROP CONSTRAINT IF EXISTS idempotency_pointer_only;
-- '' only between the key's insert and its answer, inside one transaction
ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_pointer_only
	CHECK (response = '' OR response REGEXP '^[0-9]{15}[0-9X]$');

ALTER TABLE cert_review ADD COLUMN IF NOT EXISTS details_ct BLOB NULL AFTER details;

-- (The procedure itself is defined once, in 0016_privacy.sql, with the
-- other changes issue 10 made to it.)
