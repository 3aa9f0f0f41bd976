-- 0018_calendar.sql -- issue 11 item 3 (R-MOV-3): the working-day calendar.
--
-- calendar_day holds only the special days of a year: public holidays (off
-- though a weekday) and make-up working days (调休: on though a weekend);
-- every other day follows the week (Monday..Friday on). Rows with province
-- NULL are the national calendar from the State Council notice; rows with a
-- province ('xx0000') are that province's overlay, which wins over the
-- national row of the same day. calendar_year says which (year, province)
-- has been imported, from which source and when: a year without a national
-- row there is "not imported", never "no holidays" (deadlines in it are
-- provisional, domain/workday.h). prov_key makes NULL (national) a value
-- the unique keys can see (VARCHAR: MariaDB refuses a stored expression of
-- CHAR columns, whose value depends on PAD_CHAR_TO_FULL_LENGTH). Written only by `xuejictl calendar import`
-- (schema owner); the workers only read (ctl/grant.c).

CREATE TABLE calendar_day (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT,
	day		DATE NOT NULL,
	province	VARCHAR(6) NULL,
	prov_key	VARCHAR(6) AS (COALESCE(province, '')) PERSISTENT,
	kind		ENUM('holiday', 'workday') NOT NULL,
	name		VARCHAR(32) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY calendar_day_key (prov_key, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE calendar_year (
	id		INT UNSIGNED NOT NULL AUTO_INCREMENT,
	year		SMALLINT UNSIGNED NOT NULL,
	province	VARCHAR(6) NULL,
	prov_key	VARCHAR(6) AS (COALESCE(province, '')) PERSISTENT,
	source		VARCHAR(512) NOT NULL,
	days		INT UNSIGNED NOT NULL,
	digest		CHAR(64) NOT NULL,	-- SHA-256 of the rows and source: a re-import of the same set changes nothing
	imported_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY calendar_year_key (prov_key, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
