/* admin.c -- the schema owner's commands of xuejictl (ctl/ctl.h): keys,
 * migrations, grants, policy rows, demo data, the manual key purge. Each
 * parses its own options; the work is in grant.c, policy.c, seed.c and
 * the store. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "crypto/keys.h"
#include "ctl/ctl.h"
#include "store/idempotency.h"
#include "store/migrate.h"
#include "store/schema.h"

/* keygen DIR: one file per purpose (crypto/keys.h), never overwritten.
 * An instance upgraded from the single hmac.key gets blind.key as a copy
 * of it, so every blind index stays valid; sessions and CSRF get fresh
 * keys (everyone signs in again once). keygen --rotate FILE adds a key
 * with the next id to a ring: the first step of a rotation. */
int
xj_ctl_keygen(struct xj_ctl *x, int argc, char **argv)
{
	static const struct { const char *file, *kind; } k[] = {
		{ "session.key", "key" }, { "csrf.key", "key" }, { "blind.key", "blind" },
		{ "sms.key", "key" }, { "enc.key", "key" }, { "psb.key", "key" },
		{ "db_app.pw", "pw" },
	};
	char path[4096], old[4096], err[512];
	unsigned id;

	(void)x;
	if (argc == 3 && strcmp(argv[1], "--rotate") == 0) {
		if (xj_keys_add(argv[2], &id, err, sizeof(err)) != 0) {
			fprintf(stderr, "keygen: %s\n", err);
			return 1;
		}
		printf("added key id %u to %s\n", id, argv[2]);
		return 0;
	}
	if (argc != 2)
		return xj_ctl_usage(argv[0]);
	snprintf(old, sizeof(old), "%s/hmac.key", argv[1]);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		int rc;
		snprintf(path, sizeof(path), "%s/%s", argv[1], k[i].file);
		if (strcmp(k[i].kind, "pw") == 0)
			rc = xj_keys_generate_password(path, err, sizeof(err));
		else
			rc = xj_keys_generate(path, strcmp(k[i].kind, "blind") == 0 &&
			    access(old, F_OK) == 0 ? old : NULL, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "keygen: %s\n", err);
			return 1;
		}
		printf("%s %s%s\n", rc ? "wrote" : "kept", path,
		    rc && strcmp(k[i].kind, "blind") == 0 && access(old, F_OK) == 0 ?
		    " (a copy of hmac.key: blind indexes unchanged)" : "");
	}
	if (xj_ctl_audit_keygen(argv[1]) != 0)
		return 1;
	return xj_ctl_doc_keygen(argv[1]);
}

int
xj_ctl_migrate(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, status = 0;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'S': status = 1; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc)
		return xj_ctl_usage(argv[0]);
	return xj_migrate(&x->db, x->sql_dir ? x->sql_dir : x->conf.sql_dir,
	    XJ_SCHEMA_VERSION, status, stdout) == 0 ? 0 : 1;
}

int
xj_ctl_grant_app_cmd(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *host = "localhost";
	int ch;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'H': host = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc)
		return xj_ctl_usage(argv[0]);
	return xj_ctl_grant_app(&x->db, &x->conf, host);
}

int
xj_ctl_seed_demo_cmd(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	const char *pw = "xueji-demo";
	int ch;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'P': pw = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc)
		return xj_ctl_usage(argv[0]);
	return xj_ctl_seed_demo(&x->db, &x->conf, pw);
}

int
xj_ctl_window_set_cmd(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, 'Y' },
		{ "division", required_argument, NULL, 'D' },
		{ "opens", required_argument, NULL, 'O' },
		{ "closes", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	const char *division = NULL, *opens = "", *closes = "";
	long year = 0;
	int ch;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'Y':
			if (xj_ctl_int(argv[0], "--year", optarg, 0, 99999, &year) != 0)
				return 2;
			break;
		case 'D': division = optarg; break;
		case 'O': opens = optarg; break;
		case 'E': closes = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc)
		return xj_ctl_usage(argv[0]);
	return xj_ctl_window_set(&x->db, (int)year, division, opens, closes);
}

int
xj_ctl_age_set_cmd(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "province", required_argument, NULL, 'R' },
		{ "min-age", required_argument, NULL, 'A' },
		{ "cutoff", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 }
	};
	const char *province = NULL, *cutoff = NULL;
	long min_age = 0;
	int ch;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'R': province = optarg; break;
		case 'A':
			if (xj_ctl_int(argv[0], "--min-age", optarg, 0, 999, &min_age) != 0)
				return 2;
			break;
		case 'U': cutoff = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc)
		return xj_ctl_usage(argv[0]);
	return xj_ctl_age_set(&x->db, province, (int)min_age, cutoff);
}

int
xj_ctl_purge_keys(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hours", required_argument, NULL, 'H' },
		{ "days", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long n;
	long hours = x->conf.idempotency_retention, days;
	int ch;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'H':
			if (xj_ctl_int(argv[0], "--hours", optarg, 1, 876000, &hours) != 0)
				return 2;
			break;
		case 'N':
			if (xj_ctl_int(argv[0], "--days", optarg, 1, 36500, &days) != 0)
				return 2;
			hours = days * 24;
			break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc)
		return xj_ctl_usage(argv[0]);
	if (xj_idem_purge(&x->db, (int)hours, &n) != XJ_OK) {
		fprintf(stderr, "purge-keys: MariaDB error %u\n", x->db.err);
		return 1;
	}
	printf("purge-keys: %llu idempotency keys older than %ld hours deleted\n", n, hours);
	return 0;
}
