/* sqlsplit.c -- unit tests of the migration file splitter and the DML
 * test (src/store/migrate.h): statements end at ';' outside quotes and
 * comments, empty ones are skipped, a last statement without ';' still
 * runs, an unterminated quote or comment is an error; INSERT, UPDATE,
 * DELETE and REPLACE are DML (a migration of DML only runs in one
 * transaction), also after leading comments. The real reference-data
 * migration, sql/0002_reference_data.sql, must split into DML only. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrate.h"
#include "tap.h"

#define MAX_STMTS	16

struct got {
	int	 n;
	char	 s[MAX_STMTS][256];
	int	 stop_at;	/* return stop_rc from this call (1-based), 0 never */
	int	 stop_rc;
};

static int
collect(const char *stmt, size_t len, void *arg)
{
	struct got *g = arg;

	if (g->n < MAX_STMTS)
		snprintf(g->s[g->n], sizeof(g->s[0]), "%.*s", (int)len, stmt);
	g->n++;
	return g->n == g->stop_at ? g->stop_rc : 0;
}

static struct got	g;

/* Split text, collecting the statements in g; returns the split's result. */
static int
split(const char *text)
{
	memset(&g, 0, sizeof(g));
	return xj_sql_split(text, strlen(text), collect, &g);
}

/* One statement, exactly want, came out of text. */
static int
one(const char *text, const char *want)
{
	return split(text) == 0 && g.n == 1 && strcmp(g.s[0], want) == 0;
}

static void
test_split(void)
{
	int rc;

	rc = split("CREATE TABLE a (x INT);\nINSERT INTO a VALUES (1);\n");
	is_int(rc, 0, "sqlsplit: two statements split without error");
	is_int(g.n, 2, "sqlsplit: two statements delivered");
	is_str(g.s[0], "CREATE TABLE a (x INT)", "sqlsplit: first statement without its ';'");
	is_str(g.s[1], "INSERT INTO a VALUES (1)",
	    "sqlsplit: second statement without leading newline or ';'");

	ok(one("INSERT INTO t VALUES ('a;b');", "INSERT INTO t VALUES ('a;b')"),
	    "sqlsplit: ';' inside '...' does not split");
	ok(one("INSERT INTO t VALUES (\"a;b\");", "INSERT INTO t VALUES (\"a;b\")"),
	    "sqlsplit: ';' inside \"...\" does not split");
	ok(one("SELECT `a;b` FROM t;", "SELECT `a;b` FROM t"),
	    "sqlsplit: ';' inside `...` does not split");
	ok(one("INSERT INTO t VALUES ('it''s;');", "INSERT INTO t VALUES ('it''s;')"),
	    "sqlsplit: doubled '' inside a string does not end it");
	ok(one("INSERT INTO t VALUES (\"say \"\"hi;\"\"\");",
	    "INSERT INTO t VALUES (\"say \"\"hi;\"\"\")"),
	    "sqlsplit: doubled \"\" inside a string does not end it");
	ok(one("SELECT `a``;b` FROM t;", "SELECT `a``;b` FROM t"),
	    "sqlsplit: doubled `` inside an identifier does not end it");
	ok(one("INSERT INTO t VALUES ('it\\'s;');", "INSERT INTO t VALUES ('it\\'s;')"),
	    "sqlsplit: backslash-escaped quote does not end a string");
	ok(one("INSERT INTO t VALUES ('a\\\\');", "INSERT INTO t VALUES ('a\\\\')"),
	    "sqlsplit: escaped backslash before the closing quote ends the string");
	ok(one("INSERT INTO t VALUES (\"it\\\";\");", "INSERT INTO t VALUES (\"it\\\";\")"),
	    "sqlsplit: backslash-escaped quote does not end a \"...\" string");

	ok(one("INSERT INTO t -- a; comment\nVALUES (1);",
	    "INSERT INTO t -- a; comment\nVALUES (1)"),
	    "sqlsplit: ';' in a -- comment does not split");
	ok(one("INSERT INTO t # a; comment\nVALUES (1);",
	    "INSERT INTO t # a; comment\nVALUES (1)"),
	    "sqlsplit: ';' in a # comment does not split");
	ok(one("INSERT INTO t /* a;\n b; */ VALUES (1);",
	    "INSERT INTO t /* a;\n b; */ VALUES (1)"),
	    "sqlsplit: ';' in a /* */ comment does not split");
	ok(one("INSERT INTO t VALUES ('-- not; a comment');",
	    "INSERT INTO t VALUES ('-- not; a comment')"),
	    "sqlsplit: -- inside a string is not a comment");
	ok(one("INSERT INTO t VALUES ('/* x');", "INSERT INTO t VALUES ('/* x')"),
	    "sqlsplit: /* inside a string is not a comment");
	ok(one("INSERT INTO t VALUES (1) /* ' */;", "INSERT INTO t VALUES (1) /* ' */"),
	    "sqlsplit: a quote inside a comment opens no string");

	rc = split("UPDATE t SET a = a--1;\nUPDATE t SET b = 2;");
	ok(rc == 0 && g.n == 2 && strcmp(g.s[0], "UPDATE t SET a = a--1") == 0,
	    "sqlsplit: -- not followed by a blank is no comment (MariaDB reads a--1)");
	ok(one("/*!40101 SET NAMES utf8mb4 */;", "/*!40101 SET NAMES utf8mb4 */"),
	    "sqlsplit: an executable /*! comment alone is a statement");

	rc = split(";;\n ; INSERT INTO t VALUES (1);;\n;");
	ok(rc == 0 && g.n == 1 && strcmp(g.s[0], "INSERT INTO t VALUES (1)") == 0,
	    "sqlsplit: empty statements skipped");
	rc = split("INSERT INTO t VALUES (1);\n-- only a comment\n;\nINSERT INTO t VALUES (2);");
	ok(rc == 0 && g.n == 2, "sqlsplit: a statement of comments only is skipped");
	is_int(split(""), 0, "sqlsplit: empty text splits");
	is_int(g.n, 0, "sqlsplit: empty text delivers nothing");
	rc = split("  \n-- header\n\t\n");
	ok(rc == 0 && g.n == 0, "sqlsplit: text of a -- comment and blanks delivers nothing");

	rc = split("INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2)");
	ok(rc == 0 && g.n == 2 && strcmp(g.s[1], "INSERT INTO t VALUES (2)") == 0,
	    "sqlsplit: trailing statement without ';' delivered");
	rc = split("INSERT INTO t VALUES (1);\n-- the end\n");
	ok(rc == 0 && g.n == 1, "sqlsplit: trailing -- comment after the last ';' is no statement");
	rc = split("INSERT INTO t VALUES (1);\n# the end\n");
	ok(rc == 0 && g.n == 1, "sqlsplit: trailing # comment after the last ';' is no statement");
	rc = split("INSERT INTO t VALUES (1);\n/* the end */\n");
	ok(rc == 0 && g.n == 1, "sqlsplit: trailing /* */ comment after the last ';' is no statement");

	is_int(split("INSERT INTO t VALUES ('abc);\n"), -1,
	    "sqlsplit: unterminated '...' string refused");
	is_int(split("INSERT INTO t VALUES (\"abc);\n"), -1,
	    "sqlsplit: unterminated \"...\" string refused");
	is_int(split("SELECT `abc FROM t;\n"), -1, "sqlsplit: unterminated `...` refused");
	is_int(split("INSERT INTO t VALUES ('abc\\');"), -1,
	    "sqlsplit: string whose closing quote is escaped refused");
	is_int(split("INSERT INTO t VALUES (1); /* no end;\n"), -1,
	    "sqlsplit: unterminated /* comment refused");
	is_int(split("INSERT INTO t VALUES (1); /*/"), -1,
	    "sqlsplit: /*/ is an unterminated comment");

	memset(&g, 0, sizeof(g));
	g.stop_at = 2;
	g.stop_rc = 7;
	rc = xj_sql_split("A;B;C;D;", 8, collect, &g);
	is_int(rc, 7, "sqlsplit: callback's non-zero return is returned");
	is_int(g.n, 2, "sqlsplit: callback's non-zero return stops the split");
	memset(&g, 0, sizeof(g));
	g.stop_at = 2;
	g.stop_rc = 7;
	is_int(xj_sql_split("A;B", 3, collect, &g), 7,
	    "sqlsplit: trailing statement's callback return is returned");

	memset(&g, 0, sizeof(g));
	rc = xj_sql_split("INSERT INTO t VALUES (1);INSERT", 25, collect, &g);
	ok(rc == 0 && g.n == 1, "sqlsplit: text ends at len, not at a NUL");
}

/* DELIMITER, as the mariadb client reads it: procedure bodies. */
static void
test_delimiter(void)
{
	int rc;

	rc = split("CREATE TABLE a (x INT);\nDELIMITER $$\n"
	    "CREATE PROCEDURE p() BEGIN INSERT INTO a VALUES (1); INSERT INTO a VALUES (2); END$$\n"
	    "DELIMITER ;\nINSERT INTO a VALUES (3);\n");
	is_int(rc, 0, "sqlsplit: DELIMITER text splits");
	is_int(g.n, 3, "sqlsplit: DELIMITER lines are no statements");
	is_str(g.s[1], "CREATE PROCEDURE p() BEGIN INSERT INTO a VALUES (1); INSERT INTO a VALUES (2); END",
	    "sqlsplit: ';' inside a body under DELIMITER $$ does not split");
	is_str(g.s[2], "INSERT INTO a VALUES (3)", "sqlsplit: DELIMITER ; restores ';'");
	rc = split("-- header\ndelimiter //\nSELECT 1; SELECT 2//\nSELECT 3//");
	ok(rc == 0 && g.n == 2 && strcmp(g.s[0], "SELECT 1; SELECT 2") == 0 &&
	    strcmp(g.s[1], "SELECT 3") == 0,
	    "sqlsplit: delimiter (lower case, after a comment) applies until the end");
	rc = split("DELIMITER $$\nSELECT '$$' $$\n");
	ok(rc == 0 && g.n == 1 && strcmp(g.s[0], "SELECT '$$' ") == 0,
	    "sqlsplit: the delimiter inside a string does not split");
	rc = split("SELECT delimiter_col FROM t;\nSELECT 2;");
	ok(rc == 0 && g.n == 2 && strcmp(g.s[0], "SELECT delimiter_col FROM t") == 0,
	    "sqlsplit: DELIMITER counts only as the first word of a statement");
	rc = split("SELECT 1;\nDELIMITERX ;\n");
	ok(rc == 0 && g.n == 2, "sqlsplit: DELIMITERX is no directive");
	is_int(split("DELIMITER \nSELECT 1;"), -1, "sqlsplit: an empty delimiter refused");
	is_int(split("DELIMITER 0123456789abcdefg\nSELECT 1;"), -1,
	    "sqlsplit: an overlong delimiter refused");
}

static int
dml(const char *s)
{
	return xj_sql_is_dml(s, strlen(s));
}

static void
test_is_dml(void)
{
	is_int(dml("INSERT INTO t VALUES (1)"), 1, "is_dml: INSERT is DML");
	is_int(dml("UPDATE t SET x = 1"), 1, "is_dml: UPDATE is DML");
	is_int(dml("DELETE FROM t"), 1, "is_dml: DELETE is DML");
	is_int(dml("REPLACE INTO t VALUES (1)"), 1, "is_dml: REPLACE is DML");
	is_int(dml("insert into t values (1)"), 1, "is_dml: lower-case insert is DML");
	is_int(dml("Update t SET x = 1"), 1, "is_dml: mixed-case Update is DML");
	is_int(dml("  \n\tDELETE FROM t"), 1, "is_dml: DML after leading whitespace");
	is_int(dml("-- fill t\nINSERT INTO t VALUES (1)"), 1,
	    "is_dml: DML after a leading -- comment");
	is_int(dml("/* fill t */ INSERT INTO t VALUES (1)"), 1,
	    "is_dml: DML after a leading /* */ comment");
	is_int(dml("# fill t\nINSERT INTO t VALUES (1)"), 1,
	    "is_dml: DML after a leading # comment");
	is_int(dml("-- a\n  /* b */\n-- c\n  REPLACE INTO t VALUES (1)"), 1,
	    "is_dml: DML after several comments and blank lines");
	is_int(dml("INSERT"), 1, "is_dml: a bare keyword is DML");

	is_int(dml("CREATE TABLE t (x INT)"), 0, "is_dml: CREATE is not DML");
	is_int(dml("ALTER TABLE t ADD y INT"), 0, "is_dml: ALTER is not DML");
	is_int(dml("SELECT * FROM t"), 0, "is_dml: SELECT is not DML");
	is_int(dml("DROP TABLE t"), 0, "is_dml: DROP is not DML");
	is_int(dml("-- INSERT\nCREATE TABLE t (x INT)"), 0,
	    "is_dml: DML keyword in a comment does not count");
	is_int(dml("INSERTS"), 0, "is_dml: a longer word starting with INSERT is not DML");
	is_int(dml(""), 0, "is_dml: empty statement is not DML");
	is_int(xj_sql_is_dml("INSERT", 3), 0, "is_dml: the word ends at len");
}

struct refctx {
	int	 n;
	int	 dml;
	char	 first_bad[80];
};

static int
check_ref(const char *s, size_t len, void *arg)
{
	struct refctx *c = arg;

	c->n++;
	if (xj_sql_is_dml(s, len))
		c->dml++;
	else if (c->first_bad[0] == '\0')
		snprintf(c->first_bad, sizeof(c->first_bad), "%.*s",
		    (int)(len < 60 ? len : 60), s);
	return 0;
}

static void
test_reference_file(void)
{
	const char *dir = getenv("XJ_SRCDIR");
	char path[4096];
	struct refctx c;
	char *buf = NULL;
	long sz;
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/sql/0002_reference_data.sql",
	    dir && *dir ? dir : ".");
	if ((fp = fopen(path, "rb")) == NULL) {
		ok(1, "sqlsplit: sql/0002_reference_data.sql is all DML skipped: no XJ_SRCDIR");
		diag("%s: %s", path, strerror(errno));
		return;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (buf = malloc((size_t)sz + 1)) == NULL ||
	    fread(buf, 1, (size_t)sz, fp) != (size_t)sz) {
		fclose(fp);
		free(buf);
		ok(0, "sqlsplit: %s read", path);
		return;
	}
	fclose(fp);
	buf[sz] = '\0';

	memset(&c, 0, sizeof(c));
	rc = xj_sql_split(buf, (size_t)sz, check_ref, &c);
	is_int(rc, 0, "sqlsplit: sql/0002_reference_data.sql splits");
	ok(c.n > 0, "sqlsplit: sql/0002_reference_data.sql holds statements");
	if (!ok(c.n == c.dml, "sqlsplit: every statement of sql/0002_reference_data.sql is DML"))
		diag("%d of %d statements are not DML; first: %s", c.n - c.dml, c.n,
		    c.first_bad);
	free(buf);
}

int
main(void)
{
	plan_lazy();
	test_split();
	test_delimiter();
	test_is_dml();
	test_reference_file();
	return done_testing();
}
