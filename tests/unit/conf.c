/* conf.c -- unit tests of configuration (src/core/conf.h): defaults from
 * the key table, INI parsing, errors naming file:line, range checks, the
 * environment overriding the file, and secret files' permission rules. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "tap.h"

static char	tmpdir[256];

static const char *
tmpfile_with(const char *name, const char *text, mode_t mode)
{
	static char path[8][512];
	static int slot;
	char *p = path[slot++ % 8];
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	unlink(p);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) != 0 || close(fd) != 0)
		diag("cannot write %s: %s", p, strerror(errno));
	return p;
}

/* Tests must not see XUEJI_* variables from whoever runs them. */
static void
clear_env(void)
{
	char name[128];

	for (const struct xj_conf_key *k = xj_conf_keys; k->section; k++) {
		snprintf(name, sizeof(name), "XUEJI_%s_%s", k->section, k->key);
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		unsetenv(name);
	}
}

static void
test_defaults(void)
{
	struct xj_conf c;
	char err[512];
	int all = 1;

	memset(&c, 0x5a, sizeof(c));
	xj_conf_defaults(&c);
	is_int(c.db_port, 3306, "conf: default db port is 3306");
	is_str(c.db_host, "localhost", "conf: default db host is localhost");
	is_str(c.db_socket, "", "conf: default db socket is empty");
	is_str(c.portal, "all", "conf: default portal is all");
	is_int(c.threads, 0, "conf: default threads is 0 (2 x cores)");
	is_int(c.body_limit, 4194304, "conf: default body limit is 4 MiB (a ceiling over every route's own limit)");
	is_int(c.json_max_depth, 16, "conf: default JSON depth is 16");
	is_int(c.db_tx_retries, 5, "conf: default transaction reruns is 5");
	is_str(c.log_level, "info", "conf: default log level is info");
	is_str(c.db_password, "", "conf: no password before secrets are loaded");

	for (const struct xj_conf_key *k = xj_conf_keys; k->section; k++) {
		struct xj_conf tmp;
		if (k->doc == NULL || k->doc[0] == '\0' || k->def == NULL ||
		    xj_conf_set(&tmp, k->section, k->key, k->def, err, sizeof(err)) != 0) {
			diag("key [%s] %s", k->section, k->key);
			all = 0;
		}
	}
	ok(all, "conf: every key has a doc string and a valid default");
}

static void
test_parse(void)
{
	struct xj_conf c;
	char err[512] = "";
	const char *text =
	    "# Xueji configuration\n"
	    "; another comment style\n"
	    "\n"
	    "[server]\n"
	    "  threads = 8  \n"
	    "portal=parent\n"
	    "body_limit = 1048576\r\n"
	    "[ db ]\n"
	    "host = db.internal # not a comment: the value ends at the line\n"
	    "port = 3307\n"
	    "name =\n"
	    "\t[log]\n"
	    "level = debug";
	int rc;

	xj_conf_defaults(&c);
	rc = xj_conf_parse(&c, text, "t.ini", err, sizeof(err));
	is_int(rc, 0, "conf: INI with sections, comments and blank lines parses");
	if (rc != 0)
		diag("%s", err);
	is_int(c.threads, 8, "conf: whitespace around key and value trimmed");
	is_str(c.portal, "parent", "conf: key=value without spaces parsed");
	is_int(c.body_limit, 1048576, "conf: CRLF line ending accepted");
	is_int(c.db_port, 3307, "conf: section name with spaces inside brackets trimmed");
	is_str(c.db_host, "db.internal # not a comment: the value ends at the line",
	    "conf: '#' after a value is part of the value");
	is_str(c.db_name, "", "conf: empty value sets an empty string");
	is_str(c.log_level, "debug", "conf: last line without newline parsed");
	is_int(c.db_connect_timeout, 2, "conf: keys not in the file keep their default");
	ok(xj_conf_parse(&c, "", "empty.ini", err, sizeof(err)) == 0,
	    "conf: empty file accepted");

	xj_conf_defaults(&c);
	rc = xj_conf_parse(&c, "[db]\nport = 3306\nprot = 1\n", "t.ini", err, sizeof(err));
	is_int(rc, -1, "conf: unknown key refused");
	ok(strstr(err, "t.ini:3:") != NULL, "conf: unknown key error names file:line");
	ok(strstr(err, "prot") != NULL, "conf: unknown key error names the key");
	rc = xj_conf_parse(&c, "[dbx]\nport = 1\n", "t.ini", err, sizeof(err));
	ok(rc == -1 && strstr(err, "t.ini:2:") != NULL,
	    "conf: key in an unknown section refused with file:line");
	rc = xj_conf_parse(&c, "port = 1\n", "t.ini", err, sizeof(err));
	ok(rc == -1 && strstr(err, "t.ini:1:") != NULL,
	    "conf: key before any section refused");
	rc = xj_conf_parse(&c, "[db]\nport\n", "t.ini", err, sizeof(err));
	ok(rc == -1 && strstr(err, "t.ini:2:") != NULL,
	    "conf: line without '=' refused with file:line");
	rc = xj_conf_parse(&c, "\n\n[db\n", "t.ini", err, sizeof(err));
	ok(rc == -1 && strstr(err, "t.ini:3:") != NULL,
	    "conf: unclosed section header refused with file:line");
	rc = xj_conf_parse(&c, "[db] x\n", "t.ini", err, sizeof(err));
	is_int(rc, -1, "conf: text after a section header refused");
	{
		char longline[2048];
		memset(longline, 'x', sizeof(longline) - 1);
		longline[sizeof(longline) - 1] = '\0';
		rc = xj_conf_parse(&c, longline, "t.ini", err, sizeof(err));
		ok(rc == -1 && strstr(err, "t.ini:1:") != NULL,
		    "conf: overlong line refused, not truncated");
	}
}

static void
test_values(void)
{
	struct xj_conf c;
	char err[512] = "", big[300];

	xj_conf_defaults(&c);
	is_int(xj_conf_set(&c, "db", "port", "65535", err, sizeof(err)), 0,
	    "conf: int at the top of its range accepted");
	is_int(xj_conf_set(&c, "db", "port", "1", err, sizeof(err)), 0,
	    "conf: int at the bottom of its range accepted");
	is_int(xj_conf_parse(&c, "[db]\nport = 70000\n", "t.ini", err, sizeof(err)), -1,
	    "conf: out-of-range int refused");
	ok(strstr(err, "t.ini:2:") != NULL && strstr(err, "65535") != NULL,
	    "conf: range error names file:line and the allowed range");
	is_int(c.db_port, 1, "conf: refused value leaves the setting unchanged");
	is_int(xj_conf_set(&c, "db", "port", "0", err, sizeof(err)), -1,
	    "conf: int below its range refused");
	is_int(xj_conf_set(&c, "db", "port", "-1", err, sizeof(err)), -1,
	    "conf: negative int refused where the range starts at 1");
	is_int(xj_conf_set(&c, "db", "port", "33o6", err, sizeof(err)), -1,
	    "conf: int with trailing junk refused");
	is_int(xj_conf_set(&c, "db", "port", "", err, sizeof(err)), -1,
	    "conf: empty int refused");
	is_int(xj_conf_set(&c, "db", "port", "99999999999999999999", err, sizeof(err)), -1,
	    "conf: int overflowing long refused");
	is_int(xj_conf_set(&c, "server", "body_limit", "67108865", err, sizeof(err)), -1,
	    "conf: long above its range refused");
	is_int(xj_conf_set(&c, "server", "body_limit", "67108864", err, sizeof(err)), 0,
	    "conf: long at the top of its range accepted");
	is_int(c.body_limit, 67108864, "conf: long value stored");

	/* session 7 (ops): the inbox's retention is the exactly-once guard:
	 * below the floor (180 days) the configuration is refused */
	is_int(xj_conf_set(&c, "exchange", "inbox_retention_days", "179", err, sizeof(err)), -1,
	    "ops: [exchange] inbox_retention_days below the 180-day floor refused");
	is_int(xj_conf_set(&c, "exchange", "outbox_retention_days", "30", err, sizeof(err)), -1,
	    "ops: [exchange] outbox_retention_days below the 180-day floor refused");
	is_int(xj_conf_set(&c, "exchange", "inbox_retention_days", "180", err, sizeof(err)), 0,
	    "ops: [exchange] inbox_retention_days at the floor accepted");
	is_int(c.exchange_inbox_retention_days, 180, "ops: inbox retention stored");

	memset(big, 'a', 63);
	big[63] = '\0';
	is_int(xj_conf_set(&c, "db", "name", big, err, sizeof(err)), 0,
	    "conf: string filling its buffer but the NUL accepted");
	big[63] = 'a';
	big[64] = '\0';
	is_int(xj_conf_set(&c, "db", "name", big, err, sizeof(err)), -1,
	    "conf: string longer than its buffer refused");
	is_int(strlen(c.db_name), 63, "conf: refused string leaves the setting unchanged");
}

static void
test_load(void)
{
	struct xj_conf c;
	char err[512] = "";
	const char *path = tmpfile_with("xueji.ini",
	    "[db]\nport = 3307\nhost = filehost\n", 0644);
	int rc;

	rc = xj_conf_load(&c, path, err, sizeof(err));
	is_int(rc, 0, "conf: xj_conf_load reads a file");
	if (rc != 0)
		diag("%s", err);
	is_int(c.db_port, 3307, "conf: file value beats the default");
	is_int(c.backlog, 1024, "conf: xj_conf_load applies defaults first");

	setenv("XUEJI_DB_PORT", "3310", 1);
	rc = xj_conf_load(&c, path, err, sizeof(err));
	ok(rc == 0 && c.db_port == 3310, "conf: XUEJI_DB_PORT beats the file");
	is_str(c.db_host, "filehost", "conf: keys without a variable keep the file's value");
	setenv("XUEJI_SERVER_JSON_MAX_DEPTH", "20", 1);
	ok(xj_conf_load(&c, NULL, err, sizeof(err)) == 0 && c.json_max_depth == 20 &&
	    c.db_port == 3310, "conf: environment applies without a file");
	unsetenv("XUEJI_SERVER_JSON_MAX_DEPTH");
	setenv("XUEJI_DB_PORT", "not-a-port", 1);
	rc = xj_conf_load(&c, path, err, sizeof(err));
	ok(rc == -1 && strstr(err, "XUEJI_DB_PORT") != NULL,
	    "conf: bad environment value refused, error names the variable");
	setenv("XUEJI_DB_PORT", "0", 1);
	is_int(xj_conf_load(&c, path, err, sizeof(err)), -1,
	    "conf: out-of-range environment value refused");
	unsetenv("XUEJI_DB_PORT");
	setenv("xueji_db_port", "3311", 1);
	ok(xj_conf_load(&c, path, err, sizeof(err)) == 0 && c.db_port == 3307,
	    "conf: lower-case variable name is not an override");
	unsetenv("xueji_db_port");

	path = tmpfile_with("bad.ini", "[db]\n\nport = 3306\nbogus = 1\n", 0644);
	rc = xj_conf_load(&c, path, err, sizeof(err));
	ok(rc == -1 && strstr(err, path) != NULL && strstr(err, ":4:") != NULL,
	    "conf: unknown key in a file: error mentions the file path and line");
	{
		char missing[600];
		snprintf(missing, sizeof(missing), "%s/does-not-exist.ini", tmpdir);
		rc = xj_conf_load(&c, missing, err, sizeof(err));
		ok(rc == -1 && strstr(err, "does-not-exist.ini") != NULL,
		    "conf: missing file refused, error names it");
	}
	{
		static const char nul[] = "[db]\nport = 3306\0\nhost = x\n";
		char p2[600];
		int fd;
		snprintf(p2, sizeof(p2), "%s/nul.ini", tmpdir);
		fd = open(p2, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, nul, sizeof(nul) - 1) != (ssize_t)sizeof(nul) - 1)
			diag("cannot write %s", p2);
		if (fd >= 0)
			close(fd);
		is_int(xj_conf_load(&c, p2, err, sizeof(err)), -1,
		    "conf: file holding a NUL byte refused");
		unlink(p2);
	}
}

static void
test_secret(void)
{
	char out[64], err[512] = "";
	const char *path;
	int rc;

	path = tmpfile_with("secret", "s3cret pass\n", 0644);
	memset(out, 0, sizeof(out));
	rc = xj_conf_read_secret(path, out, sizeof(out), err, sizeof(err));
	is_int(rc, -1, "conf: secret file with mode 0644 refused");
	ok(strstr(err, "0644") != NULL, "conf: mode refusal mentions the mode 0644");
	ok(strstr(out, "s3cret") == NULL, "conf: refused secret is not read");

	chmod(path, 0640);
	is_int(xj_conf_read_secret(path, out, sizeof(out), err, sizeof(err)), -1,
	    "conf: secret file readable by group (0640) refused");
	chmod(path, 0604);
	is_int(xj_conf_read_secret(path, out, sizeof(out), err, sizeof(err)), -1,
	    "conf: secret file readable by others (0604) refused");

	chmod(path, 0600);
	rc = xj_conf_read_secret(path, out, sizeof(out), err, sizeof(err));
	is_int(rc, 0, "conf: secret file with mode 0600 accepted");
	if (rc != 0)
		diag("%s", err);
	is_str(out, "s3cret pass", "conf: secret's trailing newline trimmed, inner space kept");
	chmod(path, 0400);
	ok(xj_conf_read_secret(path, out, sizeof(out), err, sizeof(err)) == 0,
	    "conf: secret file with mode 0400 accepted");

	path = tmpfile_with("secret-crlf", "  pw\r\n\n \t", 0600);
	ok(xj_conf_read_secret(path, out, sizeof(out), err, sizeof(err)) == 0 &&
	    strcmp(out, "  pw") == 0,
	    "conf: trailing CR, LF, spaces and tabs trimmed; leading kept");

	path = tmpfile_with("secret-big",
	    "0123456789012345678901234567890123456789012345678901234567890123456789",
	    0600);
	is_int(xj_conf_read_secret(path, out, sizeof(out), err, sizeof(err)), -1,
	    "conf: secret larger than the buffer refused, not truncated");

	{
		char link[600], missing[600];
		path = tmpfile_with("secret-target", "pw\n", 0600);
		snprintf(link, sizeof(link), "%s/secret-link", tmpdir);
		unlink(link);
		if (symlink(path, link) != 0)
			diag("symlink: %s", strerror(errno));
		is_int(xj_conf_read_secret(link, out, sizeof(out), err, sizeof(err)), -1,
		    "conf: secret named through a symlink refused");
		unlink(link);
		is_int(xj_conf_read_secret(tmpdir, out, sizeof(out), err, sizeof(err)), -1,
		    "conf: directory as a secret refused");
		snprintf(missing, sizeof(missing), "%s/no-secret", tmpdir);
		rc = xj_conf_read_secret(missing, out, sizeof(out), err, sizeof(err));
		ok(rc == -1 && strstr(err, "no-secret") != NULL,
		    "conf: missing secret refused, error names it");
	}

	{
		struct xj_conf c;
		xj_conf_defaults(&c);
		ok(xj_conf_load_secrets(&c, 1, err, sizeof(err)) == 0 &&
		    c.db_password[0] == '\0' && c.admin_password[0] == '\0',
		    "conf: empty password_file means no password");
		snprintf(c.db_password_file, sizeof(c.db_password_file), "%s",
		    tmpfile_with("db-pw", "app-pw\n", 0600));
		ok(xj_conf_load_secrets(&c, 0, err, sizeof(err)) == 0 &&
		    strcmp(c.db_password, "app-pw") == 0,
		    "conf: xj_conf_load_secrets reads the db password file");
		snprintf(c.admin_password_file, sizeof(c.admin_password_file), "%s",
		    tmpfile_with("admin-pw", "admin-pw\n", 0644));
		is_int(xj_conf_load_secrets(&c, 1, err, sizeof(err)), -1,
		    "conf: xj_conf_load_secrets refuses a 0644 admin password file");
		ok(xj_conf_load_secrets(&c, 0, err, sizeof(err)) == 0 &&
		    c.admin_password[0] == '\0',
		    "conf: a worker (admin = 0) never reads the admin password file");
	}
}

static void
cleanup(void)
{
	static const char *const names[] = {
		"xueji.ini", "bad.ini", "secret", "secret-crlf", "secret-big",
		"secret-target", "db-pw", "admin-pw"
	};
	char p[600];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(tmpdir);
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	plan_lazy();
	snprintf(tmpdir, sizeof(tmpdir), "%s/xj-conf-XXXXXX",
	    base && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 1;
	}
	umask(022);
	clear_env();
	test_defaults();
	test_parse();
	test_values();
	test_load();
	test_secret();
	cleanup();
	return done_testing();
}
