/* jobs.c -- `xuejictl jobs`: the periodic work of a deployment (purges,
 * deliveries, releases, sealing), one mechanism for all of it instead of
 * a thread in every worker or a daemon per concern. Workers stay pure
 * request handlers; the runner is one more supervised process (systemd in
 * production, scripts/stack.py locally) connected as the application's
 * database user.
 *
 * A job is a row: a name, how long to wait after a batch that found
 * nothing left, and a function doing ONE bounded batch (a few hundred
 * rows, one or a few short transactions) that reports how many items it
 * handled. A batch that handled something is followed at once by the next;
 * an empty one waits `idle_s`. Every job must be safe when several runners
 * run it at the same time on different hosts (claim rows with a lease
 * column or SELECT ... FOR UPDATE SKIP LOCKED, delete by bounded key
 * ranges): a runner per host is how the jobs scale and survive a host.
 *
 * `xuejictl jobs --once NAME...` runs each named job until a batch finds
 * nothing left and exits: the tests call it to make a job run now. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "ctl/ctl.h"
#include "store/idempotency.h"

struct xj_job {
	const char	*name;
	int		 idle_s;	/* wait after a batch that found nothing */
	/* one bounded batch; *done = items handled (0: nothing left) */
	int		(*batch)(struct xj_ctl *, long *done);
	const char	*doc;
};

/* ---- the jobs ----------------------------------------------------------- */

static int
job_idem_purge(struct xj_ctl *x, long *done)
{
	unsigned long long n = 0;
	int rc = xj_idem_purge(&x->db, 7, &n);

	*done = (long)n;
	return rc;
}

static const struct xj_job jobs[] = {
	{ "idempotency-purge", 3600, job_idem_purge,
	  "delete Idempotency-Key records past their retention" },
	/* issue 10 (A): the SMS outbox (docs/sms.md) */
	{ "sms-deliver", 1, xj_ctl_job_sms_deliver,
	  "send due SMS messages to the gateway; retries with exponential backoff" },
	{ "sms-purge", 3600, xj_ctl_job_sms_purge,
	  "delete expired one-time codes, idle rate counters and settled outbox rows past [sms] keep_days" },
	{ NULL, 0, NULL, NULL }
};

/* ---- the runner ---------------------------------------------------------- */

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static const struct xj_job *
find(const char *name)
{
	for (const struct xj_job *j = jobs; j->name; j++)
		if (strcmp(j->name, name) == 0)
			return j;
	return NULL;
}

static long
elapsed_us(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000L + (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* One batch of j, logged. XJ_OK with *done, or an error. */
static int
run_batch(struct xj_ctl *x, const struct xj_job *j, long *done)
{
	struct timespec t0;
	int rc;

	*done = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = xj_db_ensure(&x->db)) == XJ_OK)
		rc = j->batch(x, done);
	if (rc != XJ_OK) {
		xj_log(XJ_LOG_WARN, "job_failed", "%s%d%u", "job", j->name, "rc", rc,
		    "db_errno", x->db.err);
		/* a dropped connection is re-made by the next batch */
		if (rc != XJ_NO_ROW)
			xj_db_drop(&x->db);
		return rc;
	}
	if (*done > 0)
		xj_log(XJ_LOG_INFO, "job", "%s%ld%ld", "job", j->name, "done", *done,
		    "us", elapsed_us(&t0));
	return XJ_OK;
}

static int
run_once(struct xj_ctl *x, const struct xj_job *const *sel, int n)
{
	for (int i = 0; i < n; i++) {
		long done, total = 0;
		int batches = 0;
		do {
			if (run_batch(x, sel[i], &done) != XJ_OK) {
				fprintf(stderr, "jobs: %s failed (MariaDB error %u)\n",
				    sel[i]->name, x->db.err);
				return 1;
			}
			total += done;
		} while (done > 0 && ++batches < 1000000 && !stopping);
		printf("job %s: %ld done\n", sel[i]->name, total);
	}
	return 0;
}

static int
run_loop(struct xj_ctl *x, const struct xj_job *const *sel, int n)
{
	time_t due[64];
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (int i = 0; i < n; i++)
		due[i] = 0;
	xj_log(XJ_LOG_INFO, "jobs_started", "%d", "jobs", n);
	while (!stopping) {
		time_t now = time(NULL), next = now + 1;
		struct timespec ts = { 0, 0 };
		for (int i = 0; i < n && !stopping; i++) {
			long done;
			if (due[i] > now)
				continue;
			if (run_batch(x, sel[i], &done) != XJ_OK)
				/* back off, but not for a whole idle period */
				due[i] = now + (sel[i]->idle_s < 10 ? sel[i]->idle_s : 10);
			else
				due[i] = done > 0 ? now : now + sel[i]->idle_s;
		}
		for (int i = 0; i < n; i++)
			if (due[i] < next)
				next = due[i];
		now = time(NULL);
		/* sleep at most 1 s at a time so that SIGTERM is seen soon */
		if (next > now) {
			ts.tv_sec = 1;
			while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !stopping)
				;
		}
	}
	xj_log(XJ_LOG_INFO, "jobs_stopped", "");
	return 0;
}

int
xj_ctl_jobs(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const struct xj_job *sel[64];
	int ch, once = 0, n = 0, lvl;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'o': once = 1; break;
		case 'l':
			for (const struct xj_job *j = jobs; j->name; j++)
				printf("%-24s every %ds when idle: %s\n", j->name, j->idle_s, j->doc);
			return 0;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind == argc) {
		for (const struct xj_job *j = jobs; j->name && n < 64; j++)
			sel[n++] = j;
	} else {
		for (int i = optind; i < argc; i++) {
			if (n == 64 || (sel[n] = find(argv[i])) == NULL) {
				fprintf(stderr, "jobs: unknown job '%s' (xuejictl jobs --list)\n",
				    argv[i]);
				return 2;
			}
			n++;
		}
	}
	lvl = xj_log_level_parse(x->conf.log_level);
	xj_log_init(lvl < 0 ? XJ_LOG_INFO : (enum xj_loglevel)lvl);
	return once ? run_once(x, sel, n) : run_loop(x, sel, n);
}
