/* gradechange.c -- `xuejictl grade-change`: whether a province allows
 * repeating (留级) and skipping (跳级) a year (issue 11 item 6; R-MOV-6;
 * seed 002 §四: "是否启用及具体操作权限，均完全在各地，由省级教育行政部门统筹
 * 管理"). Policy, like the transfer freezes: written by the owner account
 * (review M8), read by the workers; each change audited.
 *   grade-change set --province CODE --kind repeat|skip --on|--off
 *   grade-change list
 * A province without a row has both off. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "db/tx.h"
#include "store/audit.h"
#include "store/statuschange.h"
#include "ctl.h"

struct set_tx {
	const char	*province, *kind;
	int		 on;
};

static int
set_tx(struct xj_db *db, void *arg)
{
	struct set_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl-grade-change", "" };
	char id[24];
	struct xj_audit a = { "grade_change_policy.set", "grade_change_policy", XJ_STR_NULL,
	    XJ_STR_NULL, xj_str_c(t->on ? "on" : "off") };
	int rc;

	if ((rc = xj_sc_grade_policy_set(db, t->province, t->kind, t->on)) != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%s/%s", t->province, t->kind);
	a.target_id = xj_str_c(id);
	return xj_audit_append(db, &who, &a);
}

static void
line(const char *province, const char *kind, int on, const char *at, void *arg)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\n", province, kind, on ? "on" : "off", at);
}

static int
province_ok(const char *p)
{
	if (p == NULL || strlen(p) != 6 || strspn(p, "0123456789") != 6)
		return 0;
	return strcmp(p + 2, "0000") == 0 && strcmp(p, "000000") != 0;
}

int
xj_ctl_grade_change(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "province", required_argument, NULL, 'p' },
		{ "kind", required_argument, NULL, 'k' },
		{ "on", no_argument, NULL, '1' },
		{ "off", no_argument, NULL, '0' },
		{ NULL, 0, NULL, 0 }
	};
	struct set_tx t = { NULL, NULL, -1 };
	int ch;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'p': t.province = optarg; break;
		case 'k': t.kind = optarg; break;
		case '1': t.on = 1; break;
		case '0': t.on = 0; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc - 1)
		return xj_ctl_usage(argv[0]);
	if (strcmp(argv[optind], "list") == 0)
		return xj_sc_grade_policy_list(&x->db, line, NULL) == XJ_OK ? 0 : 1;
	if (strcmp(argv[optind], "set") != 0)
		return xj_ctl_usage(argv[0]);
	if (!province_ok(t.province) || t.kind == NULL ||
	    (strcmp(t.kind, "repeat") != 0 && strcmp(t.kind, "skip") != 0) || t.on < 0) {
		fprintf(stderr, "grade-change set: --province is a province code (e.g. 110000), --kind "
		    "repeat or skip, and --on or --off\n");
		return 2;
	}
	if (xj_tx_run(&x->db, set_tx, &t) != XJ_OK) {
		fprintf(stderr, "grade-change set: failed (MariaDB error %u)\n", x->db.err);
		return 1;
	}
	printf("grade-change: %s %s %s\n", t.kind == NULL ? "" : t.kind, t.on ? "on" : "off",
	    t.province);
	return 0;
}
