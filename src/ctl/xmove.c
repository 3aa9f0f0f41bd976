/* xmove.c -- cross-province moves, the receiving side (issue 13 item 7;
 * docs/architecture.md "Cross-province moves: the receiving side"):
 *   graduate-move-window set --province CODE --from D --to D [--reason T]
 *   graduate-move-window lift --province CODE --from D
 *   graduate-move-window list
 *     R-MOV-5: the province's window for graduate moves (within the
 *     national period), policy written by the owner account (review M8)
 *     as transfer-freeze, audited. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/tx.h"
#include "domain/idnum.h"
#include "store/audit.h"
#include "store/xmove.h"
#include "ctl.h"

/* ---- graduate-move-window ------------------------------------------------ */

struct gmw_tx {
	const char	*province, *from, *to, *reason;
	int		 lift;
};

static int
gmw_tx(struct xj_db *db, void *arg)
{
	struct gmw_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl-graduate-move-window", "" };
	char id[32];
	struct xj_audit a = { t->lift ? "graduate_move_window.lift" : "graduate_move_window.set",
	    "graduate_move_window", XJ_STR_NULL, XJ_STR_NULL, xj_str_c(t->lift ? "" : t->to) };
	int rc;

	rc = t->lift ? xj_gmw_delete(db, t->province, t->from) :
	    xj_gmw_set(db, t->province, t->from, t->to, t->reason);
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
gmw_line(const char *p, const char *f, const char *t, const char *r, void *arg)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\n", p, f, t, r);
}

int
xj_ctl_graduate_move_window(struct xj_ctl *x, int argc, char **argv)
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
		return xj_gmw_list(&x->db, gmw_line, NULL) == XJ_OK ? 0 : 1;
	if (strcmp(cmd, "set") != 0 && strcmp(cmd, "lift") != 0)
		return xj_ctl_usage(argv[0]);
	if (!province_ok(province) || !date_ok(from)) {
		fprintf(stderr, "graduate-move-window %s: --province is a province code (e.g. 110000),"
		    " --from a date\n", cmd);
		return 2;
	}
	if (strcmp(cmd, "set") == 0) {
		struct gmw_tx t = { province, from, to, reason, 0 };
		if (!date_ok(to) || strcmp(to, from) < 0 || strlen(reason) > 200) {
			fprintf(stderr, "graduate-move-window set: --to is a date not before --from;"
			    " --reason at most 200 bytes\n");
			return 2;
		}
		if (xj_tx_run(&x->db, gmw_tx, &t) != XJ_OK) {
			fprintf(stderr, "graduate-move-window set: failed (MariaDB error %u)\n", x->db.err);
			return 1;
		}
		printf("graduate-move-window: graduate moves open in %s from %s to %s\n", province,
		    from, to);
		return 0;
	}
	{
		struct gmw_tx t = { province, from, NULL, NULL, 1 };
		rc = xj_tx_run(&x->db, gmw_tx, &t);
	}
	if (rc == XJ_NO_ROW) {
		fprintf(stderr, "graduate-move-window lift: no window of %s starts on %s\n", province,
		    from);
		return 1;
	}
	if (rc != XJ_OK) {
		fprintf(stderr, "graduate-move-window lift: failed (MariaDB error %u)\n", x->db.err);
		return 1;
	}
	printf("graduate-move-window: the window of %s from %s is lifted\n", province, from);
	return 0;
}
