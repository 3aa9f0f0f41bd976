INSERT INTO t VALUES ('a;b', "c""d", `e``f`, 'g\'h'); -- x;
# y;
/* z; */ UPDATE t SET a=1;;
DELETE FROM t