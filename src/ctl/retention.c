/* retention.c -- `xuejictl retention run` and the job retention-purge:
 * PIPL retention (review finding M12, docs/privacy.md). A registration
 * that never became a student record is deleted, with its guardians, its
 * history, its verification and review rows and the family's stored
 * answers, [privacy] retention_months after its school year started
 * (1 September of the registration's year, Beijing time). Each deletion
 * is audited ("registration.purge"); batches are bounded and several
 * runners take disjoint ones (store/privacy.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "domain/retention.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/privacy.h"
#include "ctl/ctl.h"

#define RETENTION_BATCH	100

int
xj_ctl_retention_batch(struct xj_ctl *x, int months, long *done)
{
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl-retention", "" };
	struct xj_localtime today;
	unsigned long n = 0;
	int rc;

	xj_utc_to_shanghai((long long)time(NULL), &today);
	rc = xj_privacy_retention_batch(&x->db,
	    xj_retention_last_year(today.year, today.month, months), RETENTION_BATCH, &who, &n);
	*done = (long)n;
	return rc;
}

int
xj_ctl_retention(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "months", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct xj_localtime today;
	long months = x->conf.retention_months, done, total = 0;
	int ch;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'm':
			if (xj_ctl_int(argv[0], "--months", optarg, 0, 120, &months) != 0)
				return 2;
			break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc - 1 || strcmp(argv[optind], "run") != 0)
		return xj_ctl_usage(argv[0]);
	xj_utc_to_shanghai((long long)time(NULL), &today);
	do {
		if (xj_ctl_retention_batch(x, (int)months, &done) != XJ_OK) {
			fprintf(stderr, "retention: failed (MariaDB error %u)\n", x->db.err);
			return 1;
		}
		total += done;
	} while (done > 0);
	printf("retention: %ld registrations of school years up to %d deleted\n", total,
	    xj_retention_last_year(today.year, today.month, (int)months));
	return 0;
}
