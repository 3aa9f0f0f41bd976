-- 0022_org_import.sql -- the official school list (xuejictl org import,
-- issue 15 item 6, src/ctl/orgimport.c): whether a school is public or
-- private (公办/民办, R-ORG-2: a private school without its own code is a
-- branch campus of a public one), and the day the list stopped naming a
-- school. A school that left the list is closed, never deleted (R-ORG-5):
-- status = 'closed' (sql/0001) and closed_on say since when.
ALTER TABLE org ADD COLUMN IF NOT EXISTS ownership ENUM('public','private') NULL
	COMMENT 'school: 公办/民办 from the official list; NULL = not recorded';
ALTER TABLE org ADD COLUMN IF NOT EXISTS closed_on DATE NULL
	COMMENT 'R-ORG-5: the Beijing date the school list closed it';
