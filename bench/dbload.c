/* dbload.c -- the "MariaDB alone" ceiling (docs/benchmarks.md): N client
 * threads, each with its own connection, run the registration
 * transaction -- registration, child claim, guardian, status event, PSB
 * request and audit entry, committed: one CALL of xj_reg_create (sql/0008)
 * -- with no HTTP, no FastCGI and no JSON in front, through the store's
 * own function and xj_tx_atomic, exactly as POST
 * /api/parent/v1/registrations runs it (bench/gen.c prepared the city).
 * --mode insert runs one single-row durable INSERT (an audit entry) per
 * transaction instead.
 *   dbload -c CONF [--threads N] [--seconds S] [--max M] [--start I] [--mode reg|insert]
 *          [--parents P]
 * --parents spreads the registrations over accounts 1..P round robin, as
 * the HTTP runs spread them over their P logged-in accounts: the
 * per-account cap and rate (sql/0009) lock the account's row, and one
 * account for every thread would serialise the load on it.
 * Prints one JSON line: {"mode","threads","tx","errors","seconds","tps",
 * "p50_ms","p99_ms","p999_ms"}. Bounded by --seconds and --max. */
#include "config.h"

#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>

#include "core/err.h"
#include "core/log.h"
#include "db/tx.h"
#include "domain/prereg.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/registration.h"
#include "benchdata.h"

static const struct xj_conf *conf;
static struct xj_keys keys;
static atomic_long next_child, ntx, nerr;
static long max_tx;
static double deadline;
static int year, mode_insert;
static long nparents = 256;

struct worker {
	pthread_t	 tid;
	double		*lat;	/* seconds per transaction */
	long		 nlat, cap;
};

struct one {
	struct xj_reg_rec	*rec;
};

/* --mode reg: what the route's transaction writes, as it writes it (one
 * CALL of xj_reg_create, a new number drawn when one is taken). */
static int
reg_once(struct xj_db *db, void *arg)
{
	struct xj_reg_rec *rec = arg;
	struct xj_reg_create_in in = { "dbload", "127.0.0.1", NULL, 0, 0, 0, 0 };
	int rc = XJ_E_CONFLICT;

	/* the account limits the route checks, checked the same way
	 * (issue 10, A: cap; sql/0009) */
	in.cap = conf->max_regs_per_year;
	in.rate = conf->reg_rate;
	in.rate_window = conf->reg_rate_window;
	for (int i = 0; i < 8 && rc == XJ_E_CONFLICT; i++) {
		unsigned rnd;
		RAND_bytes((unsigned char *)&rnd, sizeof(rnd));
		xj_prereg_make(rec->year, rec->county, rnd % XJ_PREREG_SERIAL_MAX, rec->prereg);
		rc = xj_reg_create(db, NULL, rec, &in);
	}
	return rc;
}

/* --mode insert: one durable single-row INSERT (an audit entry). */
static int
insert_tx(struct xj_db *db, void *arg)
{
	struct xj_reg_rec *rec = arg;
	struct xj_actor who = { XJ_ACTOR_PARENT, rec->parent_id, NULL, 0, "dbload", "127.0.0.1" };
	struct xj_audit a = { "registration.create", "registration", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };

	a.target_id = xj_str_c("dbload");
	a.after = (struct xj_str){ sizeof(rec->child_bidx), (const char *)rec->child_bidx };
	return xj_audit_append(db, &who, &a);
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct xj_reg_rec *rec = malloc(sizeof(*rec));
	struct xj_db db;

	if (rec == NULL || xjb_connect(conf, &db) != 0) {
		atomic_fetch_add(&nerr, 1);
		free(rec);
		return NULL;
	}
	for (;;) {
		struct xjb_child c;
		double t0 = xjb_now();
		long i;

		if (t0 >= deadline || atomic_fetch_add(&ntx, 1) >= max_tx)
			break;
		i = atomic_fetch_add(&next_child, 1);
		if (xjb_child(i, &c) != 0 || xjb_reg_fill(&keys, &c,
		    1 + (unsigned long long)(i % nparents), year, NULL, rec) != 0) {
			atomic_fetch_add(&nerr, 1);
			break;
		}
		if ((mode_insert ? xj_tx_run(&db, insert_tx, rec) :
		    xj_tx_atomic(&db, reg_once, rec)) != XJ_OK) {
			atomic_fetch_add(&nerr, 1);
			continue;
		}
		if (w->nlat < w->cap)
			w->lat[w->nlat++] = xjb_now() - t0;
	}
	xj_db_fini(&db);
	free(rec);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "max", required_argument, NULL, 'm' },
		{ "start", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'M' },
		{ "parents", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	static struct xj_conf cf;
	const char *cfile = NULL, *mode = "reg";
	int threads = 32, ch;
	double seconds = 10, t0, el;
	long start = 0, n = 0, ok;
	struct worker *w;
	struct xj_localtime now;
	double *all;

	max_tx = 1000000;
	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1)
		switch (ch) {
		case 'c': cfile = optarg; break;
		case 't': threads = atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'm': max_tx = atol(optarg); break;
		case 'i': start = atol(optarg); break;
		case 'M': mode = optarg; break;
		case 'p': nparents = atol(optarg); break;
		default: return 2;
		}
	if (cfile == NULL || threads < 1 || threads > 512 || seconds <= 0 || seconds > 600 ||
	    max_tx < 1 || start < 0 || nparents < 1 ||
	    XJB_RANGE_DBLOAD + start + max_tx > XJB_MAX_CHILD ||
	    (strcmp(mode, "reg") != 0 && strcmp(mode, "insert") != 0)) {
		fprintf(stderr, "usage: dbload -c CONF [--threads N] [--seconds S] [--max M]"
		    " [--start I] [--mode reg|insert] [--parents P]\n");
		return 2;
	}
	mode_insert = strcmp(mode, "insert") == 0;
	xj_log_init(XJ_LOG_WARN);
	if (xjb_open(cfile, &cf, &keys) != 0 || mysql_library_init(0, NULL, NULL) != 0)
		return 1;
	conf = &cf;
	xj_utc_to_shanghai((long long)time(NULL), &now);
	year = now.year;
	atomic_store(&next_child, XJB_RANGE_DBLOAD + start);
	if ((w = calloc((size_t)threads, sizeof(*w))) == NULL)
		return 1;
	for (int t = 0; t < threads; t++) {
		w[t].cap = max_tx / threads + 1024;
		if ((w[t].lat = malloc(sizeof(double) * (size_t)w[t].cap)) == NULL)
			return 1;
	}
	t0 = xjb_now();
	deadline = t0 + seconds;
	for (int t = 0; t < threads; t++)
		pthread_create(&w[t].tid, NULL, work, &w[t]);
	for (int t = 0; t < threads; t++) {
		pthread_join(w[t].tid, NULL);
		n += w[t].nlat;
	}
	el = xjb_now() - t0;
	all = malloc(sizeof(double) * (size_t)(n ? n : 1));
	ok = 0;
	for (int t = 0; t < threads; t++)
		for (long i = 0; i < w[t].nlat; i++)
			all[ok++] = w[t].lat[i];
	qsort(all, (size_t)n, sizeof(double), cmp);
#define PCT(p)	(n ? all[(long)((double)(n - 1) * (p))] * 1000 : 0)
	printf("{\"mode\":\"%s\",\"threads\":%d,\"tx\":%ld,\"errors\":%ld,\"seconds\":%.3f,"
	    "\"tps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f}\n",
	    mode, threads, n, atomic_load(&nerr), el, (double)n / el, PCT(0.5), PCT(0.99),
	    PCT(0.999));
	for (int t = 0; t < threads; t++)
		free(w[t].lat);
	free(w);
	free(all);
	xj_keys_clear(&keys);
	mysql_library_end();
	return atomic_load(&nerr) ? 1 : 0;
}
