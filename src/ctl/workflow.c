/* workflow.c -- `xuejictl workflow tick`: the workflow engine's daily tick;
 * `xuejictl transfer-freeze`: the provincial transfer freezes (issue 11 §4, §7; R-MOV-3),
 * a row of ctl/provwin.c (the one body of the province-window commands).
 *   workflow tick [--today YYYY-MM-DD]
 *	one pass: provisional deadlines recounted once their year's calendar
 *	is imported; a reminder (notice 'reminder' to the acting org) for each
 *	open step due within 2 working days, and each open step past its
 *	deadline marked overdue (notice 'overdue' to the acting org and the
 *	initiator, who may then force-escalate it). Each step is reminded
 *	and marked once. --today stands for the day the tick runs (default:
 *	today in Beijing): tests and a catch-up after downtime use it. The
 *	job workflow-tick runs the same with today.
 *   transfer-freeze set --province CODE --from D --to D [--reason TEXT]
 *	no new transfer starts in the province from D to D (both included);
 *	again with the same --from changes the end
 *   transfer-freeze lift --province CODE --from D
 *   transfer-freeze list
 *	as the owner account (policy, review M8); audited. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "ctl/ctl.h"
#include "db/tx.h"
#include "domain/idnum.h"
#include "store/audit.h"
#include "store/workflow.h"

#define TICK_BATCH	500
#define REMIND_DAYS	2	/* R-MOV-3 / issue 11 §4: due within 2 working days */

struct tick_tx {
	const char		*today;
	char			 horizon[XJ_WF_DATE];
	unsigned long long	 after;		/* the recount's keyset */
	long			 recounted, reminded, overdue;
};

static int
tick_tx(struct xj_db *db, void *arg)
{
	struct tick_tx *t = arg;
	int rc;

	t->recounted = t->reminded = t->overdue = 0;
	/* first the deadlines a calendar import made final (R-MOV-3), so
	 * that the marks below use them */
	if ((rc = xj_wf_tick_recount(db, &t->after, TICK_BATCH, &t->recounted)) != XJ_OK)
		return rc;
	if ((rc = xj_wf_tick_overdue(db, t->today, TICK_BATCH, &t->overdue)) != XJ_OK)
		return rc;
	return xj_wf_tick_remind(db, t->today, t->horizon, TICK_BATCH, &t->reminded);
}

/* The recount's place in the provisional steps, across batches of this
 * process: a step that stays provisional is passed over, not read again
 * first in every batch. */
static unsigned long long recount_after;

/* One batch of the three passes for `today`. */
static int
tick(struct xj_ctl *x, const char *today, long *recounted, long *reminded, long *overdue)
{
	struct tick_tx t;
	int prov, rc;

	memset(&t, 0, sizeof(t));
	t.today = today;
	t.after = recount_after;
	/* one horizon for every province: the working-day function is
	 * national until the calendar's provincial overlay is merged */
	if ((rc = xj_wf_add_workdays(&x->db, "", today, REMIND_DAYS, t.horizon, &prov)) != XJ_OK)
		return rc;
	if ((rc = xj_tx_run(&x->db, tick_tx, &t)) != XJ_OK)
		return rc;
	recount_after = t.after;
	*recounted = t.recounted;
	*reminded = t.reminded;
	*overdue = t.overdue;
	return XJ_OK;
}

int
xj_ctl_job_workflow_tick(struct xj_ctl *x, long *done)
{
	char today[XJ_WF_DATE];
	long a = 0, b = 0, c = 0;
	int rc;

	xj_wf_today(today);
	rc = tick(x, today, &c, &a, &b);
	*done = a + b + c;
	return rc;
}

static int
date_ok(const char *s)
{
	int y, m, d;

	return s != NULL && xj_date_parse(xj_str_c(s), &y, &m, &d) == XJ_OK;
}

int
xj_ctl_workflow(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "today", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *today = NULL;
	char now[XJ_WF_DATE];
	long a, b, c, ta = 0, tb = 0, tc = 0;
	int ch;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 't': today = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc - 1 || strcmp(argv[optind], "tick") != 0)
		return xj_ctl_usage(argv[0]);
	if (today != NULL && !date_ok(today)) {
		fprintf(stderr, "workflow tick: --today must be a date YYYY-MM-DD\n");
		return 2;
	}
	if (today == NULL) {
		xj_wf_today(now);
		today = now;
	}
	do {
		if (tick(x, today, &c, &a, &b) != XJ_OK) {
			fprintf(stderr, "workflow tick: failed (MariaDB error %u)\n", x->db.err);
			return 1;
		}
		ta += a;
		tb += b;
		tc += c;
	} while (a + b + c > 0);
	printf("workflow tick %s: %ld deadlines recounted, %ld reminders, %ld steps overdue\n", today,
	    tc, ta, tb);
	return 0;
}

/* Freezes are policy, like the collection window: written by the owner
 * account (review M8), read by the workers. */
int
xj_ctl_transfer_freeze(struct xj_ctl *x, int argc, char **argv)
{
	static const struct xj_ctl_provwin w = {
		"transfer-freeze", "xuejictl-workflow", "transfer_freeze.set",
		"transfer_freeze.lift", "transfer_freeze", "freeze", "no new transfers in",
		xj_wf_freeze_set, xj_wf_freeze_delete, xj_wf_freeze_list
	};

	return xj_ctl_provwin(x, argc, argv, &w);
}
