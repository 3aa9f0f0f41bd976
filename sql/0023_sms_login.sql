-- 0023_sms_login.sql -- parents sign in with a one-time SMS code (issue 16):
-- the opening-morning storm no longer hashes passwords. The purpose is a
-- row here and a row of the table in src/parent/smscode.c.
INSERT IGNORE INTO sms_purpose (code, name) VALUES ('login', '登录');
