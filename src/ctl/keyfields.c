/* keyfields.c -- xuejictl key-fields: which fields of a student record are
 * controlled (受控字段, R-KEY-1; seed 004 §七.1: set by province, city and
 * county before key-data changes are used). A policy table like the
 * transfer freezes: written by the owner account, read by the workers.
 *   key-fields show --org CODE|national
 *   key-fields set  --org CODE|national FIELD[,FIELD...]
 * `set` names the whole list in force at that org; every field an upper
 * level set must be in it (a lower level adds, never removes: refused
 * otherwise) and only what the org adds is stored as its rows. The
 * national list must hold the identity (the duplicate check reads it).
 * Audited. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "db/tx.h"
#include "store/audit.h"
#include "store/keydata.h"
#include "store/org.h"
#include "store/student.h"
#include "ctl.h"

struct above {
	const char	*self;
	unsigned	 mask;
	const char	*by[XJ_KD__N];
	char		 paths[XJ_KD__N][129];
};

static void
add_above(int f, const char *org, void *arg)
{
	struct above *a = arg;

	if (strcmp(org, a->self) == 0)
		return;
	if (!(a->mask & (1u << f))) {
		snprintf(a->paths[f], sizeof(a->paths[f]), "%s", org);
		a->by[f] = a->paths[f];
	}
	a->mask |= 1u << f;
}

static void
show_line(int f, const char *org, void *arg)
{
	(void)arg;
	printf("%s\t%s\n", xj_kd_names[f], org);
}

struct set_tx {
	const char	*path, *code, *list;
	unsigned	 own;
};

static int
set_tx(struct xj_db *db, void *arg)
{
	struct set_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl-key-fields", "" };
	struct xj_audit a = { "key_fields.set", "org", xj_str_c(t->code), XJ_STR_NULL,
	    xj_str_c(t->list) };
	int rc;

	if ((rc = xj_kd_set(db, t->path, t->own)) != XJ_OK)
		return rc;
	return xj_audit_append(db, &who, &a);
}

static void
names(FILE *f)
{
	for (int i = 0; i < XJ_KD__N; i++)
		fprintf(f, "%s%s", i ? ", " : "", xj_kd_names[i]);
	fputc('\n', f);
}

int
xj_ctl_key_fields(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *code = NULL, *cmd;
	struct xj_org org;
	struct above ab;
	unsigned given = 0;
	int ch, rc;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'o': code = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind >= argc || code == NULL)
		return xj_ctl_usage(argv[0]);
	cmd = argv[optind];
	memset(&org, 0, sizeof(org));
	if (strcmp(code, "national") == 0) {
		snprintf(org.kind, sizeof(org.kind), "ministry");
		snprintf(org.path, sizeof(org.path), "/");
	} else if ((rc = xj_org_by_code_any(&x->db, code, &org)) != XJ_OK) {
		fprintf(stderr, "key-fields: no org %s\n", code);
		return rc == XJ_NO_ROW ? 2 : 1;
	}
	if (strcmp(cmd, "show") == 0 && optind == argc - 1) {
		/* the set in force there, with the level that set each field */
		if (xj_kd_controlled(&x->db, org.path, show_line, NULL) != XJ_OK) {
			fprintf(stderr, "key-fields show: MariaDB error %u\n", x->db.err);
			return 1;
		}
		return 0;
	}
	if (strcmp(cmd, "set") != 0 || optind != argc - 2)
		return xj_ctl_usage(argv[0]);
	if (strcmp(org.kind, "school") == 0) {
		fprintf(stderr, "key-fields set: a school sets no fields; its county's, city's and "
		    "province's apply (R-KEY-1)\n");
		return 2;
	}
	{
		const char *p = argv[optind + 1];
		while (*p) {
			size_t n = strcspn(p, ",");
			int f = xj_kd_field_of(p, n);
			if (f < 0) {
				fprintf(stderr, "key-fields set: %.*s is not a field of a record; the fields: ",
				    (int)n, p);
				names(stderr);
				return 2;
			}
			given |= 1u << f;
			p += n;
			if (*p == ',')
				p++;
		}
	}
	memset(&ab, 0, sizeof(ab));
	ab.self = org.path;
	if (xj_kd_controlled(&x->db, org.path, add_above, &ab) != XJ_OK) {
		fprintf(stderr, "key-fields set: MariaDB error %u\n", x->db.err);
		return 1;
	}
	for (int f = 0; f < XJ_KD__N; f++) {
		if ((ab.mask & (1u << f)) && !(given & (1u << f))) {
			fprintf(stderr, "key-fields set: %s is controlled above %s (by %s): a lower "
			    "level adds controlled fields, it does not remove them; nothing changed\n",
			    xj_kd_names[f], code, ab.by[f]);
			return 1;
		}
		if (strcmp(org.path, "/") == 0 && xj_kd_identity(f) && !(given & (1u << f))) {
			fprintf(stderr, "key-fields set: the national list keeps the identity (%s): "
			    "the duplicate check reads it; nothing changed\n", xj_kd_names[f]);
			return 1;
		}
	}
	{
		struct set_tx t = { org.path, code, argv[optind + 1], given & ~ab.mask };
		if (xj_tx_run(&x->db, set_tx, &t) != XJ_OK) {
			fprintf(stderr, "key-fields set: failed (MariaDB error %u)\n", x->db.err);
			return 1;
		}
	}
	printf("key-fields: %s controls %s\n", code, argv[optind + 1]);
	return 0;
}
