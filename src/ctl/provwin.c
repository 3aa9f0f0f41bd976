/* provwin.c -- the one body of the xuejictl commands that keep a
 * province's dated policy windows (a row per province and first day, with
 * a last day and a reason, written by the owner account, review M8, and
 * audited):
 *   transfer-freeze       the provincial transfer freezes (issue 11 §7)
 *   graduate-move-window  when graduate moves may start (R-MOV-5)
 * Each command is a row (struct xj_ctl_provwin) naming its store functions
 * and its words; this file parses set / lift / list, checks the province
 * code and the dates, and runs the change with its audit entry in one
 * transaction. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/tx.h"
#include "domain/idnum.h"
#include "store/audit.h"
#include "ctl.h"

struct pw_tx {
	const struct xj_ctl_provwin *w;
	const char	*province, *from, *to, *reason;
	int		 lift;
};

static int
pw_tx(struct xj_db *db, void *arg)
{
	struct pw_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, t->w->actor, "" };
	char id[32];
	struct xj_audit a = { t->lift ? t->w->audit_lift : t->w->audit_set, t->w->target_type,
	    XJ_STR_NULL, XJ_STR_NULL, xj_str_c(t->lift ? "" : t->to) };
	int rc;

	rc = t->lift ? t->w->del(db, t->province, t->from) :
	    t->w->set(db, t->province, t->from, t->to, t->reason);
	if (rc != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%s/%s", t->province, t->from);
	a.target_id = xj_str_c(id);
	return xj_audit_append(db, &who, &a);
}

static int
date_ok(const char *s)
{
	int y, m, d;

	return s != NULL && xj_date_parse(xj_str_c(s), &y, &m, &d) == XJ_OK;
}

static int
province_ok(const char *p)
{
	if (p == NULL || strlen(p) != 6 || strcmp(p + 2, "0000") != 0)
		return 0;
	for (int i = 0; i < 6; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static void
pw_line(const char *p, const char *f, const char *t, const char *r, void *arg)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\n", p, f, t, r);
}

int
xj_ctl_provwin(struct xj_ctl *x, int argc, char **argv, const struct xj_ctl_provwin *w)
{
	static const struct option opts[] = {
		{ "province", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'u' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *province = NULL, *from = NULL, *to = NULL, *reason = "", *cmd;
	int ch, rc;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'p': province = optarg; break;
		case 'f': from = optarg; break;
		case 'u': to = optarg; break;
		case 'r': reason = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc - 1)
		return xj_ctl_usage(argv[0]);
	cmd = argv[optind];
	if (strcmp(cmd, "list") == 0)
		return w->list(&x->db, pw_line, NULL) == XJ_OK ? 0 : 1;
	if (strcmp(cmd, "set") != 0 && strcmp(cmd, "lift") != 0)
		return xj_ctl_usage(argv[0]);
	if (!province_ok(province) || !date_ok(from)) {
		fprintf(stderr, "%s %s: --province is a province code (e.g. 110000), --from a date\n",
		    w->cmd, cmd);
		return 2;
	}
	if (strcmp(cmd, "set") == 0) {
		struct pw_tx t = { w, province, from, to, reason, 0 };
		if (!date_ok(to) || strcmp(to, from) < 0 || strlen(reason) > 200) {
			fprintf(stderr, "%s set: --to is a date not before --from; --reason at most 200"
			    " bytes\n", w->cmd);
			return 2;
		}
		if (xj_tx_run(&x->db, pw_tx, &t) != XJ_OK) {
			fprintf(stderr, "%s set: failed (MariaDB error %u)\n", w->cmd, x->db.err);
			return 1;
		}
		printf("%s: %s %s from %s to %s\n", w->cmd, w->set_says, province, from, to);
		return 0;
	}
	{
		struct pw_tx t = { w, province, from, NULL, NULL, 1 };
		rc = xj_tx_run(&x->db, pw_tx, &t);
	}
	if (rc == XJ_NO_ROW) {
		fprintf(stderr, "%s lift: no %s of %s starts on %s\n", w->cmd, w->what, province, from);
		return 1;
	}
	if (rc != XJ_OK) {
		fprintf(stderr, "%s lift: failed (MariaDB error %u)\n", w->cmd, x->db.err);
		return 1;
	}
	printf("%s: the %s of %s from %s is lifted\n", w->cmd, w->what, province, from);
	return 0;
}
