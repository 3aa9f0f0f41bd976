/* keys.c -- unit tests of key files (src/crypto/keys.h): the HMAC key is
 * 64 hex digits; the encryption key file holds "VERSION HEX" lines whose
 * highest version encrypts; generated files are new, mode 0600, loadable,
 * never overwritten; a key file readable by others is refused. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/keys.h"
#include "tap.h"

#define HEX_A	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX_B	"FFEEDDCCBBAA99887766554433221100ffeeddccbbaa99887766554433221100"
/* HEX_A less its last digit, and HEX_A with its first digit not hex */
#define HEX_63	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1"
#define HEX_G	"g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static char	tmpdir[256];

static const char *
tmp_path(const char *name)
{
	static char path[8][512];
	static int slot;
	char *p = path[slot++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	return p;
}

/* Whole content of a small file, or "" if unreadable. */
static const char *
slurp(const char *path)
{
	static char buf[4096];
	ssize_t n = 0;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY)) < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) != 0 || close(fd) != 0) {
		diag("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
parse_hmac(const char *text)
{
	struct xj_keys k;
	char err[256];

	memset(&k, 0, sizeof(k));
	return xj_keys_parse_hmac(text, &k, err, sizeof(err));
}

static int
parse_enc(const char *text, struct xj_keys *k, char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	err[0] = '\0';
	return xj_keys_parse_enc(text, k, err, errlen);
}

static void
test_hmac(void)
{
	struct xj_keys k;
	char err[256];
	static const unsigned char want[XJ_KEY_LEN] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
		0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
		0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	};

	memset(&k, 0, sizeof(k));
	is_int(xj_keys_parse_hmac(HEX_A, &k, err, sizeof(err)), 0,
	    "keys: HMAC key of 64 hex digits accepted");
	ok(memcmp(k.hmac, want, XJ_KEY_LEN) == 0,
	    "keys: HMAC key hex decoded byte by byte");
	is_int(parse_hmac(HEX_A "\n"), 0, "keys: HMAC key with a trailing newline accepted");
	is_int(parse_hmac(HEX_B), 0, "keys: HMAC key in upper and lower case accepted");
	is_int(parse_hmac(HEX_63), -1, "keys: HMAC key of 63 hex digits refused");
	is_int(parse_hmac(HEX_A "0"), -1, "keys: HMAC key of 65 hex digits refused");
	is_int(parse_hmac(HEX_G), -1, "keys: HMAC key with a non-hex digit refused");
	is_int(parse_hmac(""), -1, "keys: empty HMAC key refused");
	err[0] = '\0';
	xj_keys_parse_hmac(HEX_63, &k, err, sizeof(err));
	ok(strstr(err, "64 hex digits") != NULL,
	    "keys: HMAC refusal says 64 hex digits are expected");
}

static void
test_enc(void)
{
	struct xj_keys k;
	char err[256], text[2048];
	int rc;

	rc = parse_enc("1 " HEX_A "\n", &k, err, sizeof(err));
	ok(rc == 0 && k.nenc == 1 && k.enc[0].version == 1 && k.active == 0,
	    "keys: one \"VERSION HEX\" line gives one active key");
	ok(rc == 0 && k.enc[0].key[0] == 0x00 && k.enc[0].key[31] == 0x1f,
	    "keys: encryption key hex decoded");
	rc = parse_enc("1 " HEX_A, &k, err, sizeof(err));
	ok(rc == 0 && k.nenc == 1, "keys: last line without a newline read");

	rc = parse_enc("# VERSION KEY\n\n1 " HEX_A "\n  \n\t# old key above\n2 " HEX_B "\n",
	    &k, err, sizeof(err));
	ok(rc == 0 && k.nenc == 2, "keys: comments and blank lines skipped");
	ok(rc == 0 && k.enc[k.active].version == 2,
	    "keys: highest version is active when listed last");
	rc = parse_enc("3 " HEX_B "\n1 " HEX_A "\n2 " HEX_A "\n", &k, err, sizeof(err));
	ok(rc == 0 && k.nenc == 3 && k.enc[k.active].version == 3 &&
	    k.enc[k.active].key[0] == 0xff,
	    "keys: highest version is active when listed first");
	rc = parse_enc("1 " HEX_A "\r\n2 " HEX_B "\r\n", &k, err, sizeof(err));
	ok(rc == 0 && k.nenc == 2, "keys: CRLF line ends accepted");

	rc = parse_enc("0 " HEX_A "\n", &k, err, sizeof(err));
	is_int(rc, -1, "keys: version 0 refused");
	rc = parse_enc("1 " HEX_A "\n1 " HEX_B "\n", &k, err, sizeof(err));
	is_int(rc, -1, "keys: duplicate version refused");
	ok(strstr(err, "listed twice") != NULL, "keys: duplicate version named in the error");

	text[0] = '\0';
	for (int v = 1; v <= XJ_MAX_ENC_KEYS; v++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    "%d %s\n", v, HEX_A);
	rc = parse_enc(text, &k, err, sizeof(err));
	ok(rc == 0 && k.nenc == XJ_MAX_ENC_KEYS, "keys: XJ_MAX_ENC_KEYS keys accepted");
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "%d %s\n",
	    XJ_MAX_ENC_KEYS + 1, HEX_A);
	rc = parse_enc(text, &k, err, sizeof(err));
	is_int(rc, -1, "keys: more than XJ_MAX_ENC_KEYS keys refused");

	is_int(parse_enc("", &k, err, sizeof(err)), -1, "keys: empty encryption key file refused");
	is_int(parse_enc("# only a comment\n\n", &k, err, sizeof(err)), -1,
	    "keys: encryption key file of comments only refused");
	is_int(parse_enc("1 " HEX_G, &k, err, sizeof(err)), -1,
	    "keys: encryption key with a non-hex digit refused");
	is_int(parse_enc("1 " HEX_63, &k, err, sizeof(err)), -1,
	    "keys: encryption key of 63 hex digits refused");
	is_int(parse_enc("1 " HEX_A "0", &k, err, sizeof(err)), -1,
	    "keys: encryption key of 65 hex digits refused");
	is_int(parse_enc(HEX_A "\n", &k, err, sizeof(err)), -1,
	    "keys: encryption key line without a version refused");
	is_int(parse_enc("x " HEX_A "\n", &k, err, sizeof(err)), -1,
	    "keys: non-numeric version refused");
}

static void
test_generate(void)
{
	struct xj_keys k1, k2;
	char err[512], before[4096];
	const char *h1 = tmp_path("hmac1"), *e1 = tmp_path("enc1");
	const char *h2 = tmp_path("hmac2"), *e2 = tmp_path("enc2");
	const char *pw = tmp_path("dbpass");
	struct stat st;
	int rc;

	is_int(xj_keys_generate(h1, "hmac", err, sizeof(err)), 1,
	    "keys: generate writes a new HMAC key file");
	is_int(xj_keys_generate(e1, "enc", err, sizeof(err)), 1,
	    "keys: generate writes a new encryption key file");
	ok(stat(h1, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "keys: generated HMAC key file has mode 0600");
	ok(stat(e1, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "keys: generated encryption key file has mode 0600");

	memset(&k1, 0, sizeof(k1));
	rc = xj_keys_load(h1, e1, &k1, err, sizeof(err));
	if (!is_int(rc, 0, "keys: generated files load"))
		diag("%s", err);
	ok(rc == 0 && k1.nenc == 1 && k1.enc[k1.active].version == 1,
	    "keys: generated encryption file holds version 1");

	snprintf(before, sizeof(before), "%s", slurp(h1));
	is_int(xj_keys_generate(h1, "hmac", err, sizeof(err)), 0,
	    "keys: generate on an existing HMAC file returns 0");
	is_str(slurp(h1), before, "keys: generate leaves an existing HMAC file unchanged");
	snprintf(before, sizeof(before), "%s", slurp(e1));
	is_int(xj_keys_generate(e1, "enc", err, sizeof(err)), 0,
	    "keys: generate on an existing encryption file returns 0");
	is_str(slurp(e1), before, "keys: generate leaves an existing encryption file unchanged");

	xj_keys_generate(h2, "hmac", err, sizeof(err));
	xj_keys_generate(e2, "enc", err, sizeof(err));
	memset(&k2, 0, sizeof(k2));
	rc = xj_keys_load(h2, e2, &k2, err, sizeof(err));
	ok(rc == 0 && memcmp(k1.hmac, k2.hmac, XJ_KEY_LEN) != 0,
	    "keys: two generated HMAC keys differ");
	ok(rc == 0 && memcmp(k1.enc[0].key, k2.enc[0].key, XJ_KEY_LEN) != 0,
	    "keys: two generated encryption keys differ");
	xj_keys_clear(&k1);
	ok(k1.nenc == 0 && k1.hmac[0] == 0 && k1.hmac[31] == 0,
	    "keys: xj_keys_clear wipes the keys");
	xj_keys_clear(&k2);

	is_int(xj_keys_generate(tmp_path("no/such/dir"), "hmac", err, sizeof(err)), -1,
	    "keys: generate into a missing directory fails");

	is_int(xj_keys_generate_password(pw, err, sizeof(err)), 1,
	    "keys: generate_password writes a new file");
	ok(stat(pw, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "keys: generated password file has mode 0600");
	snprintf(before, sizeof(before), "%s", slurp(pw));
	ok(strlen(before) == 49 && before[48] == '\n' &&
	    strspn(before, "0123456789abcdef") == 48,
	    "keys: generated password is 48 hex digits and a newline");
	is_int(xj_keys_generate_password(pw, err, sizeof(err)), 0,
	    "keys: generate_password on an existing file returns 0");
	is_str(slurp(pw), before, "keys: generate_password leaves an existing file unchanged");
	xj_keys_generate_password(tmp_path("dbpass2"), err, sizeof(err));
	ok(strcmp(slurp(tmp_path("dbpass2")), before) != 0,
	    "keys: two generated passwords differ");
}

static void
test_load(void)
{
	struct xj_keys k;
	char err[512];
	const char *h = tmp_path("hmac-open"), *e = tmp_path("enc1");
	int rc;

	write_file(h, HEX_A "\n", 0644);
	memset(&k, 0, sizeof(k));
	err[0] = '\0';
	rc = xj_keys_load(h, e, &k, err, sizeof(err));
	is_int(rc, -1, "keys: load refuses a key file with mode 0644");
	ok(strstr(err, "0644") != NULL, "keys: refusal names the mode 0644");
	write_file(h, HEX_A "\n", 0600);
	is_int(xj_keys_load(h, e, &k, err, sizeof(err)), 0,
	    "keys: the same file with mode 0600 loads");
	xj_keys_clear(&k);
	write_file(h, HEX_63, 0600);
	rc = xj_keys_load(h, e, &k, err, sizeof(err));
	ok(rc == -1 && k.nenc == 0 && k.hmac[0] == 0,
	    "keys: a failed load leaves no key material");
	is_int(xj_keys_load(tmp_path("missing"), e, &k, err, sizeof(err)), -1,
	    "keys: load of a missing file fails");
	is_int(xj_keys_load("", e, &k, err, sizeof(err)), -1,
	    "keys: load with no HMAC path configured fails");
}

static void
cleanup(void)
{
	static const char *names[] = {
		"hmac1", "enc1", "hmac2", "enc2", "dbpass", "dbpass2", "hmac-open",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(tmp_path(names[i]));
	rmdir(tmpdir);
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	plan_lazy();
	snprintf(tmpdir, sizeof(tmpdir), "%s/xj-keys-XXXXXX",
	    base && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 1;
	}
	umask(022);
	test_hmac();
	test_enc();
	test_generate();
	test_load();
	cleanup();
	return done_testing();
}
