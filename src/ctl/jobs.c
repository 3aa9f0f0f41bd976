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
 * nothing left and exits: the tests call it to make a job run now.
 * `--once --batches N` stops each job after N batches, as a runner killed
 * between two batches would (tests/api/yearend.py resumes from there). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "core/err.h"
#include "core/log.h"
#include "ctl/ctl.h"
#include "crypto/field.h"
#include "crypto/keys.h"
#include "db/tx.h"
#include "store/certreview.h"
#include "store/idempotency.h"
#include "store/refdata.h"
#include "store/registration.h"
#include "store/staff.h"

struct xj_job {
	const char	*name;
	int		 idle_s;	/* wait after a batch that found nothing */
	/* one bounded batch; *done = items handled (0: nothing left) */
	int		(*batch)(struct xj_ctl *, long *done);
	const char	*doc;
};

/* ---- the jobs ----------------------------------------------------------- */

/* keys older than [collection] idempotency_retention hours (H3) */
static int
job_idem_purge(struct xj_ctl *x, long *done)
{
	unsigned long long n = 0;
	int rc = xj_idem_purge_batch(&x->db, x->conf.idempotency_retention, &n);

	*done = (long)n;
	return rc;
}

/* The runner's keys: one ring for every job (field encryption, SMS bodies),
 * read from the files of the configuration by the first job that needs
 * them and read again when a file changes. A rotation ("Keys" in
 * docs/operations.md) adds a key to a file and restarts the workers, which
 * then seal under the new version at once; a runner that kept the ring it
 * started with could not open what they write (an SMS code, given up as
 * unreadable). Wiped when the runner ends. */
static struct xj_keys	job_keys;
static int		job_keys_loaded;
static time_t		job_keys_checked;
static struct stat	job_keys_seen[5];

/* The key files' identities now (inode, size, mtime), as stat gives them:
 * a rewritten file (keygen --rotate renames a new one in) differs. */
static void
key_files_stat(const struct xj_conf *c, struct stat st[5])
{
	const char *f[5] = { c->session_key_file, c->csrf_key_file, c->blind_key_file,
	    c->sms_key_file, c->enc_key_file };

	memset(st, 0, 5 * sizeof(st[0]));
	for (int i = 0; i < 5; i++)
		if (f[i][0] && stat(f[i], &st[i]) != 0)
			memset(&st[i], 0, sizeof(st[i]));
}

static int
key_files_same(const struct stat *a, const struct stat *b)
{
	for (int i = 0; i < 5; i++)
		if (a[i].st_ino != b[i].st_ino || a[i].st_dev != b[i].st_dev ||
		    a[i].st_size != b[i].st_size ||
		    a[i].st_mtim.tv_sec != b[i].st_mtim.tv_sec ||
		    a[i].st_mtim.tv_nsec != b[i].st_mtim.tv_nsec)
			return 0;
	return 1;
}

const struct xj_keys *
xj_ctl_job_keys(struct xj_ctl *x, int recheck)
{
	struct stat now[5];
	struct xj_keys fresh;
	char err[256];
	time_t t = time(NULL);

	if (job_keys_loaded && !recheck && t == job_keys_checked)
		return &job_keys;
	job_keys_checked = t;
	key_files_stat(&x->conf, now);
	if (job_keys_loaded && key_files_same(now, job_keys_seen))
		return &job_keys;
	if (xj_keys_load(&x->conf, &fresh, err, sizeof(err)) != 0) {
		xj_log(XJ_LOG_ERROR, "job_keys", "%s", "error", err);
		/* a half-written file: keep what was loaded, try again later */
		return job_keys_loaded ? &job_keys : NULL;
	}
	if (job_keys_loaded)
		xj_log(XJ_LOG_INFO, "job_keys_reloaded", "");
	xj_keys_clear(&job_keys);
	job_keys = fresh;
	OPENSSL_cleanse(&fresh, sizeof(fresh));
	memcpy(job_keys_seen, now, sizeof(now));
	job_keys_loaded = 1;
	return &job_keys;
}

/* The runner's reference data (store/refdata.h: the division codes since
 * 1980 that the R-COL-7 check of an identity number reads), for the jobs
 * that run the check at the door. xuejid reloads it on SIGHUP; a runner
 * gets no such signal from the operator who imported new codes, so it
 * reads the tables again when its copy is older than JOB_REF_MAX_AGE --
 * one query set per ten minutes of work, nothing while idle. A failed
 * reload keeps the copy it has. */
#define JOB_REF_MAX_AGE	600
static int	job_ref_inited;
static time_t	job_ref_loaded;

const struct xj_refdata *
xj_ctl_job_ref(struct xj_ctl *x, struct xj_arena *a)
{
	time_t t = time(NULL);

	if (!job_ref_inited) {
		xj_ref_global_init();
		job_ref_inited = 1;
	}
	/* before the acquire: a reload takes the lock the acquire holds */
	if (t - job_ref_loaded >= JOB_REF_MAX_AGE && xj_ref_reload(&x->db) == XJ_OK)
		job_ref_loaded = t;
	return xj_ref_acquire(&x->db, a);
}

/* M9: five-certificate filings stored in clear before migration 0011,
 * encrypted in place, 50 a transaction (issue 10, C). */
struct seal_tx {
	const struct xj_keys	*k;
	struct xj_cert_clear	*rows;
	long			 done;
};

static int
seal_tx(struct xj_db *db, void *arg)
{
	struct seal_tx *t = arg;
	unsigned char ct[XJ_CERT_DETAILS_CT_MAX];
	size_t len;
	int n, rc;

	t->done = 0;
	if ((rc = xj_certreview_clear_batch(db, t->rows, &n)) != XJ_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		char row[XJ_REG_ROW_MAX];
		xj_reg_row(t->rows[i].prereg, -1, row);
		if (xj_field_encrypt(t->k, XJ_CERT_DETAILS_AAD, row, t->rows[i].details, t->rows[i].len,
		    ct, sizeof(ct), &len) != 0)
			return XJ_E_INTERNAL;
		if ((rc = xj_certreview_seal(db, t->rows[i].reg_id, t->rows[i].details,
		    t->rows[i].len, ct, len)) != XJ_OK)
			return rc;
	}
	t->done = n;
	return XJ_OK;
}

static int
job_cert_seal(struct xj_ctl *x, long *done)
{
	static struct xj_cert_clear rows[XJ_CERT_CLEAR_BATCH];	/* 400 KiB: not on the stack */
	struct seal_tx t = { NULL, rows, 0 };
	int rc;

	*done = 0;
	if ((t.k = xj_ctl_job_keys(x, 0)) == NULL)
		return XJ_E_INTERNAL;
	rc = xj_tx_run(&x->db, seal_tx, &t);
	*done = t.done;
	memset(rows, 0, sizeof(rows));
	return rc;
}

/* issue 10 (H): PIPL retention (ctl/retention.c, docs/privacy.md) */
static int
job_retention(struct xj_ctl *x, long *done)
{
	return xj_ctl_retention_batch(x, x->conf.retention_months, done);
}

/* issue 10 (D): staff lockout rows of (account, address) pairs that
 * neither sign in nor fail any more (an attacker's addresses) */
static int
job_staff_guard_purge(struct xj_ctl *x, long *done)
{
	unsigned long long n = 0;
	int rc = xj_staff_guard_purge(&x->db, 86400, 500, &n);

	*done = (long)n;
	return rc;
}


static const struct xj_job jobs[] = {
	{ "idempotency-purge", 3600, job_idem_purge,
	  "delete Idempotency-Key records past [collection] idempotency_retention hours" },
	{ "audit-seal", 60, xj_ctl_audit_seal_batch,
	  "chain audit entries older than [audit] seal_after under a signed head (ctl/audit.c)" },
	{ "cert-details-encrypt", 3600, job_cert_seal,
	  "encrypt five-certificate filings stored in clear before migration 0011" },
	{ "claim-release", 3600, xj_ctl_job_claim_release,
	  "void registrations left in id_mismatch past [claims] mismatch_release_days, freeing the child (claimrelease.c)" },
	{ "retention-purge", 3600, job_retention,
	  "delete registrations that did not become student records [privacy] retention_months after their school year began" },
	{ "staff-login-guard-purge", 3600, job_staff_guard_purge,
	  "delete staff lockout rows (account, client address) untouched for a day and not locked" },
	/* issue 10 (A): the SMS outbox (docs/sms.md) */
	{ "sms-deliver", 1, xj_ctl_job_sms_deliver,
	  "send due SMS messages to the gateway; retries with exponential backoff" },
	{ "sms-purge", 3600, xj_ctl_job_sms_purge,
	  "delete expired one-time codes, idle rate counters and settled outbox rows past [sms] keep_days" },
	/* issue 11 (wf): reminders and overdue steps (ctl/workflow.c); a
	 * step is reminded and marked once, so the hourly run is a daily
	 * tick that also catches up after downtime */
	{ "workflow-tick", 3600, xj_ctl_job_workflow_tick,
	  "remind the orgs of workflow steps due within 2 working days, mark overdue steps (xuejictl workflow tick)" },
	/* issue 11 item 8: year-end batches (ctl/yearend.c) */
	{ "yearend", 5, xj_ctl_job_yearend,
	  "apply one chunk ([yearend] chunk records, one transaction) of a started year-end promotion or graduation batch" },
	/* issue 12: the same-person index of records before 0024 and the
	 * check at the door on them (ctl/problemindex.c) */
	{ "problem-person-index", 3600, xj_ctl_job_problem_person,
	  "index student records written before migration 0024 (same person) and check them for duplicates and invalid ID numbers" },
	/* issue 13 item 4: the ministry outbox (ctl/exchangeout.c) */
	{ "exchange-batch", 60, xj_ctl_job_exchange_batch,
	  "write records with a temporary (L) number never sent to the ministry as a signed StudentBatch into the outbox ([exchange] batch_records a message)" },
	{ "exchange-outbox-alert", 300, xj_ctl_job_exchange_alert,
	  "log exchange_outbox_overdue once for each outbox message unacknowledged [exchange] outbox_deadline seconds after it was written" },
	/* issue 13 item 7 (xsend): messages a school-portal worker built
	 * (a transfer decision, a Dossier) signed into the outbox */
	{ "exchange-sign", 5, xj_ctl_job_exchange_sign,
	  "sign the messages queued by workers without the signing key (cross-province transfer decisions, Dossiers) into the outbox, oldest first" },
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
run_once(struct xj_ctl *x, const struct xj_job *const *sel, int n, long max_batches)
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
		} while (done > 0 && ++batches < max_batches && !stopping);
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
		{ "batches", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const struct xj_job *sel[64];
	int ch, once = 0, n = 0, lvl;
	long max_batches = 1000000;
	char *end;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'o': once = 1; break;
		case 'b':
			max_batches = strtol(optarg, &end, 10);
			if (*end != '\0' || max_batches < 1 || max_batches > 1000000) {
				fprintf(stderr, "jobs: --batches takes 1..1000000\n");
				return 2;
			}
			break;
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
	ch = once ? run_once(x, sel, n, max_batches) : run_loop(x, sel, n);
	xj_keys_clear(&job_keys);
	if (job_ref_inited)
		xj_ref_global_fini();
	return ch;
}
