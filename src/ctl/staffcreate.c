/* staffcreate.c -- xuejictl staff-create: the first administrator of a
 * fresh production install (review L11), or any staff account, without
 * demo data or hand-written SQL. The password never appears on the
 * command line (where ps and shell histories would keep it): it is read
 * from the terminal with echo off, typed twice, or from a file
 * descriptor (--password-fd N, for provisioning scripts: a pipe). The
 * staff password rule applies (domain/pwpolicy.h); the account must
 * change its password at its first login (M10), and the creation is
 * audited, in one transaction. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <getopt.h>
#include <openssl/crypto.h>

#include "core/err.h"
#include "crypto/password.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/pwpolicy.h"
#include "store/audit.h"
#include "store/sql.h"
#include "store/staff.h"
#include "ctl.h"

#define PW_MAX	128

struct sc {
	const char		*org, *kind, *login, *name, *role;
	unsigned		 org_id;
	char			 org_kind[12];
	char			 hash[XJ_PW_HASH_MAX];
	unsigned long long	 id;
};

/* One line (without its end) from fd into buf: length, or -1 when
 * nothing could be read or the line is too long. */
static long
read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t k = read(fd, &c, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || c == '\n')
			break;
		if (n + 1 >= cap)
			return -1;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (long)n;
}

/* Prompt on the terminal with echo off. */
static long
read_tty(const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return -2;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return -2;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	/* echo off before the prompt shows: what is typed after it is never
	 * echoed, and nothing typed after it is flushed away (TCSAFLUSH drops
	 * only what came before) */
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0 || write(fd, prompt, strlen(prompt)) < 0) {
		tcsetattr(fd, TCSAFLUSH, &old);
		close(fd);
		return -2;
	}
	n = read_line(fd, buf, cap);
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		n = -1;
	close(fd);
	return n;
}

static long
get_password(const char *login, int fd, char *pw, size_t cap)
{
	char again[PW_MAX + 2], prompt[128];
	long n, m;

	if (fd >= 0)
		return read_line(fd, pw, cap);
	snprintf(prompt, sizeof(prompt), "Password for %s: ", login);
	if ((n = read_tty(prompt, pw, cap)) < 0)
		return n;
	if ((m = read_tty("Again: ", again, sizeof(again))) < 0)
		return m;
	if (m != n || memcmp(again, pw, (size_t)n) != 0) {
		OPENSSL_cleanse(again, sizeof(again));
		fprintf(stderr, "staff-create: the two passwords differ\n");
		return -3;
	}
	OPENSSL_cleanse(again, sizeof(again));
	return n;
}

static int
create_tx(struct xj_db *db, void *arg)
{
	struct sc *s = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl", "" };
	struct xj_audit a = { "staff.create", "staff_account", xj_str_c(s->login), XJ_STR_NULL,
	    xj_str_c(s->role) };
	int rc = xj_staff_create(db, s->org_id, s->login, s->name, s->role, s->hash, &s->id);

	if (rc != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

static int
valid_login(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

int
xj_ctl_staff_create(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "kind", required_argument, NULL, 'k' },
		{ "login", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "password-fd", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct sc s;
	char pw[PW_MAX + 2], path[129], name[401];
	long fd = -1, n;
	int ch, rc, school;

	memset(&s, 0, sizeof(s));
	s.role = "admin";
	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'o': s.org = optarg; break;
		case 'k': s.kind = optarg; break;
		case 'l': s.login = optarg; break;
		case 'n': s.name = optarg; break;
		case 'r': s.role = optarg; break;
		case 'f':
			if (xj_ctl_int(argv[0], "--password-fd", optarg, 0, 1024, &fd) != 0)
				return 2;
			break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc || s.org == NULL || s.login == NULL || s.name == NULL ||
	    !valid_login(s.login) || strlen(s.name) == 0 || strlen(s.name) > 64 ||
	    (strcmp(s.role, "admin") != 0 && strcmp(s.role, "reviewer") != 0 &&
	    strcmp(s.role, "clerk") != 0))
		return xj_ctl_usage(argv[0]);
	{
		struct xj_val v = XJ_VS(s.org);
		struct xj_val w[2] = { XJ_VS(s.kind ? s.kind : ""), XJ_VS(s.org) };
		struct xj_col c[4] = { XJ_COL_INT, XJ_COL_STR(s.org_kind, sizeof(s.org_kind)),
		    XJ_COL_STR(name, sizeof(name)), XJ_COL_STR(path, sizeof(path)) };
		struct xj_col ck[2] = { XJ_COL_INT, XJ_COL_STR(path, sizeof(path)) };

		if (s.kind != NULL) {
			rc = xj_db_row(&x->db, XJ_Q_ORG_BY_KIND_CODE, w, 2, ck, 2);
			snprintf(s.org_kind, sizeof(s.org_kind), "%s", s.kind);
			s.org_id = (unsigned)ck[0].i;
		} else {
			rc = xj_db_row(&x->db, XJ_Q_ORG_BY_CODE_ANY, &v, 1, c, 4);
			s.org_id = (unsigned)c[0].i;
		}
		if (rc == XJ_NO_ROW) {
			fprintf(stderr, "staff-create: no org with code %s\n", s.org);
			return 1;
		}
		if (rc != XJ_OK) {
			fprintf(stderr, "staff-create: MariaDB error %u\n", x->db.err);
			return 1;
		}
	}
	/* a school has clerks and reviewers, a bureau reviewers and admins
	 * (as POST /api/school/v1/accounts) */
	school = strcmp(s.org_kind, "school") == 0;
	if (school ? strcmp(s.role, "admin") == 0 : strcmp(s.role, "clerk") == 0) {
		fprintf(stderr, "staff-create: a %s has no %s accounts\n", s.org_kind, s.role);
		return 2;
	}
	if ((n = get_password(s.login, (int)fd, pw, sizeof(pw))) < 0) {
		if (n == -2)
			fprintf(stderr, "staff-create: no terminal to read the password from: "
			    "use --password-fd N\n");
		else if (n == -1)
			fprintf(stderr, "staff-create: could not read the password (at most %d bytes)\n",
			    PW_MAX);
		OPENSSL_cleanse(pw, sizeof(pw));
		return 1;
	}
	if (xj_pwpolicy_staff((struct xj_str){ (size_t)n, pw }) != XJ_OK) {
		OPENSSL_cleanse(pw, sizeof(pw));
		fprintf(stderr, "staff-create: a staff password needs at least %d characters with "
		    "letters and digits\n", XJ_STAFF_PW_MIN);
		return 1;
	}
	rc = xj_pw_hash(pw, (size_t)n, x->conf.scrypt_log2n, x->conf.scrypt_r, x->conf.scrypt_p,
	    s.hash, sizeof(s.hash));
	OPENSSL_cleanse(pw, sizeof(pw));
	if (rc != 0) {
		fprintf(stderr, "staff-create: password hashing failed\n");
		return 1;
	}
	rc = xj_tx_run(&x->db, create_tx, &s);
	if (rc == XJ_E_CONFLICT) {
		fprintf(stderr, "staff-create: the login %s is taken\n", s.login);
		return 1;
	}
	if (rc != XJ_OK) {
		fprintf(stderr, "staff-create: MariaDB error %u\n", x->db.err);
		return 1;
	}
	printf("staff account %s (id %llu): %s of %s %s; must change the password at first "
	    "login\n", s.login, s.id, s.role, s.org_kind, s.org);
	return 0;
}
