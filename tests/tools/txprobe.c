/* txprobe.c -- drives xj_tx_run (src/db/tx.c) against a real MariaDB, for
 * tests/api/transactions.py: two threads that deadlock on purpose, a
 * lock-wait timeout, and retries running out. Prints one JSON line.
 *   txprobe CONFIG deadlock   two transactions lock rows 1,2 and 2,1
 *   txprobe CONFIG lockwait   update row 1 while the test holds its lock
 *   txprobe CONFIG exhaust    the same with [db] tx_retries = 0
 *   txprobe CONFIG silent     two transactions each insert a row the
 *                             other's locking SELECT ... ORDER BY ...
 *                             LIMIT (the duplicate check's shape) scans:
 *                             the lighter one is the deadlock victim,
 *                             which MariaDB may answer without an error
 *   txprobe CONFIG killfetch  the connection is killed while its rows
 *                             stream (as a DB node killed under load,
 *                             tests/cluster G2): the read must end in an
 *                             error, never as if complete, and the next
 *                             statement must run on a new connection
 *   txprobe CONFIG lostmid    a transaction whose connection is killed
 *                             after its first write; its unit goes on
 *                             after the failed second one (as code that
 *                             takes a failed read for "none" would):
 *                             nothing of it may commit
 *   txprobe CONFIG refused    a write outside a transaction (a CALL, as
 *                             a registration's) that the node refuses
 *                             unrun with 1047 (a Galera node not ready:
 *                             joining after a restart), stood in for by
 *                             the test's procedure tx_probe_refuse
 * Uses the [admin_db] account; the test creates tables tx_probe, tx_scan. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <mysql.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "db/tx.h"

static const struct xj_sqldef sql[] = {
	{ "probe_bump", "UPDATE tx_probe SET v = v + 1 WHERE id = ?", 0 },
	{ "probe_get", "SELECT v FROM tx_probe WHERE id = ?", 0 },
	{ "probe_scan_put", "INSERT INTO tx_scan (k, k2) VALUES (?, ?)", 0 },
	/* the shape of PROB_PEERS (src/store/sql.h) */
	{ "probe_scan", "SELECT id, k = ? FROM tx_scan WHERE (k = ? OR k2 = ?) AND id <> 0"
	  " AND status NOT IN ('g', 'd') ORDER BY id LIMIT 128 LOCK IN SHARE MODE", 0 },
	{ "probe_scan_count", "SELECT COUNT(*) FROM tx_scan WHERE k = ?", 0 },
	/* killfetch: more rows than the socket holds (the server waits on
	 * its writes), and a statement after them */
	{ "probe_slow", "SELECT seq, REPEAT('x', 4000) FROM seq_1_to_20000", 0 },
	{ "probe_one", "SELECT 1", 0 },
	/* refused: 1047 on its first call, then bumps row 1 */
	{ "probe_refuse", "CALL tx_probe_refuse()", XJ_SQL_CALL },
};

static struct xj_conf conf;
static pthread_barrier_t barrier;

struct job {
	struct xj_db	 db;
	int		 first, second;
	int		 attempts;
	int		 rc;
};

static int
bump(struct xj_db *db, int id)
{
	struct xj_val v = XJ_VI(id);

	return xj_db_exec(db, 0, &v, 1);
}

static int
two_rows(struct xj_db *db, void *arg)
{
	struct job *j = arg;
	int rc;

	j->attempts++;
	if ((rc = bump(db, j->first)) != XJ_OK)
		return rc;
	if (j->attempts == 1)
		pthread_barrier_wait(&barrier);	/* both hold their first row */
	return bump(db, j->second);
}

static int
one_row(struct xj_db *db, void *arg)
{
	struct job *j = arg;

	j->attempts++;
	return bump(db, 1);
}

static void *
run_job(void *arg)
{
	struct job *j = arg;

	mysql_thread_init();
	j->rc = xj_tx_run(&j->db, two_rows, j);
	mysql_thread_end();
	return NULL;
}

/* lostmid: row 1 bumped, the connection killed, row 2 bumped twice, the
 * first failure not looked at */
static struct xj_db *killer;

static int
lost_tx(struct xj_db *db, void *arg)
{
	struct job *j = arg;
	char kill[64];
	struct timespec ts = { 0, 200000000 };
	int rc;

	j->attempts++;
	if ((rc = bump(db, 1)) != XJ_OK)
		return rc;
	if (j->attempts == 1) {
		snprintf(kill, sizeof(kill), "KILL CONNECTION %lu", mysql_thread_id(db->my));
		if ((rc = xj_db_query_const(killer, kill, strlen(kill))) != XJ_OK)
			return rc;
		nanosleep(&ts, NULL);
	}
	(void)bump(db, 2);
	return bump(db, 2);
}

/* silent: job "a" (first = 1) inserts its key, job "b" its key and
 * fillers (more undo: "a" is the victim); both then scan for the other's
 * key, "a" first; then "a" writes its second row, the rest of its
 * transaction, which must never commit without the first. */
static int
put(struct xj_db *db, const char *k, const char *k2)
{
	struct xj_val v[2] = { XJ_VS(k), XJ_VS(k2) };

	return xj_db_exec(db, 2, v, 2);
}

static int
scan_tx(struct xj_db *db, void *arg)
{
	struct job *j = arg;
	const char *mine = j->first == 1 ? "a-key" : "b-key";
	const char *theirs = j->first == 1 ? "b-key" : "a-key";
	struct xj_val v[3] = { XJ_VS(theirs), XJ_VS(theirs), XJ_VS(theirs) };
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
	int rc;

	j->attempts++;
	if ((rc = put(db, mine, "-")) != XJ_OK)
		return rc;
	for (int i = 0; j->first == 2 && i < 3; i++)
		if ((rc = put(db, "b-filler", "-")) != XJ_OK)
			return rc;
	if (j->attempts == 1) {
		pthread_barrier_wait(&barrier);	/* both rows written, locked */
		if (j->first == 2) {		/* "a" waits on "b" first */
			struct timespec ts = { 0, 300000000 };
			nanosleep(&ts, NULL);
		}
	}
	if ((rc = xj_db_exec(db, 3, v, 3)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, 3, c, 2)) == XJ_OK)
		;
	xj_db_done(db, 3);
	if (rc != XJ_NO_ROW)
		return rc;
	return j->first == 1 ? put(db, "a-after", "-") : XJ_OK;
}

static void *
run_scan(void *arg)
{
	struct job *j = arg;

	mysql_thread_init();
	j->rc = xj_tx_run(&j->db, scan_tx, j);
	mysql_thread_end();
	return NULL;
}

static long long
count(struct xj_db *db, const char *k)
{
	struct xj_val v = XJ_VS(k);
	struct xj_col c = XJ_COL_INT;

	return xj_db_row(db, 4, &v, 1, &c, 1) == XJ_OK ? c.i : -1;
}

static int
open_db(struct xj_db *db)
{
	static const char wait1[] = "SET SESSION innodb_lock_wait_timeout = 1";

	xj_db_init(db, &conf, conf.admin_user, conf.admin_password, NULL, sql,
	    sizeof(sql) / sizeof(sql[0]));
	return xj_db_query_const(db, wait1, sizeof(wait1) - 1);
}

static long long
value(struct xj_db *db, int id)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c = XJ_COL_INT;

	return xj_db_row(db, 1, &v, 1, &c, 1) == XJ_OK ? c.i : -1;
}

int
main(int argc, char *argv[])
{
	char err[512];
	struct job a, b;
	pthread_t ta, tb;

	if (argc != 3)
		return 2;
	xj_log_init(getenv("XJ_PROBE_LOG") ? XJ_LOG_INFO : XJ_LOG_ERROR);
	if (xj_conf_load(&conf, argv[1], err, sizeof(err)) != 0 ||
	    xj_conf_load_secrets(&conf, 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	mysql_library_init(0, NULL, NULL);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (open_db(&a.db) != XJ_OK || open_db(&b.db) != XJ_OK) {
		fprintf(stderr, "cannot connect\n");
		return 2;
	}
	if (strcmp(argv[2], "deadlock") == 0) {
		pthread_barrier_init(&barrier, NULL, 2);
		a.first = 1, a.second = 2;
		b.first = 2, b.second = 1;
		pthread_create(&ta, NULL, run_job, &a);
		pthread_create(&tb, NULL, run_job, &b);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		printf("{\"rc_a\":\"%s\",\"rc_b\":\"%s\",\"attempts\":%d,\"v1\":%lld,\"v2\":%lld}\n",
		    a.rc ? xj_err_info(a.rc)->code : "ok", b.rc ? xj_err_info(b.rc)->code : "ok",
		    a.attempts + b.attempts, value(&a.db, 1), value(&a.db, 2));
	} else if (strcmp(argv[2], "silent") == 0) {
		pthread_barrier_init(&barrier, NULL, 2);
		a.first = 1;
		b.first = 2;
		pthread_create(&ta, NULL, run_scan, &a);
		pthread_create(&tb, NULL, run_scan, &b);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		printf("{\"rc_a\":\"%s\",\"rc_b\":\"%s\",\"attempts_a\":%d,\"attempts_b\":%d,"
		    "\"a_key\":%lld,\"a_after\":%lld,\"b_key\":%lld}\n",
		    a.rc ? xj_err_info(a.rc)->code : "ok", b.rc ? xj_err_info(b.rc)->code : "ok",
		    a.attempts, b.attempts, count(&a.db, "a-key"), count(&a.db, "a-after"),
		    count(&a.db, "b-key"));
	} else if (strcmp(argv[2], "killfetch") == 0) {
		static char pad[4096];
		struct xj_col c[2] = { XJ_COL_INT, XJ_COL_STR(pad, sizeof(pad)) }, o = XJ_COL_INT;
		unsigned long id, id2 = 0;
		char kill[64];
		int rows = 0, phantom = 0, rc, rc2;

		if ((rc = xj_db_exec(&a.db, 5, NULL, 0)) == XJ_OK &&
		    (rc = xj_db_fetch(&a.db, 5, c, 2)) == XJ_OK)
			rows++;
		id = mysql_thread_id(a.db.my);
		snprintf(kill, sizeof(kill), "KILL CONNECTION %lu", id);
		if (rc == XJ_OK)
			rc = xj_db_query_const(&b.db, kill, strlen(kill));
		while (rc == XJ_OK && (rc = xj_db_fetch(&a.db, 5, c, 2)) == XJ_OK) {
			rows++;
			if (c[0].i != rows)
				phantom++;	/* not the next row: nothing was read */
		}
		xj_db_done(&a.db, 5);
		rc2 = xj_db_row(&a.db, 6, NULL, 0, &o, 1);
		if (a.db.my != NULL)
			id2 = mysql_thread_id(a.db.my);
		printf("{\"rows\":%d,\"phantom\":%d,\"rc\":\"%s\",\"after_rc\":\"%s\",\"after\":%lld,"
		    "\"new_connection\":%s}\n", rows, phantom,
		    rc == XJ_NO_ROW ? "no_row" : rc ? xj_err_info(rc)->code : "ok",
		    rc2 == XJ_NO_ROW ? "no_row" : rc2 ? xj_err_info(rc2)->code : "ok",
		    (long long)o.i, id2 != 0 && id2 != id ? "true" : "false");
	} else if (strcmp(argv[2], "lostmid") == 0) {
		killer = &b.db;
		a.rc = xj_tx_run(&a.db, lost_tx, &a);
		printf("{\"rc\":\"%s\",\"attempts\":%d,\"v1\":%lld,\"v2\":%lld}\n",
		    a.rc ? xj_err_info(a.rc)->code : "ok", a.attempts, value(&b.db, 1),
		    value(&b.db, 2));
	} else if (strcmp(argv[2], "refused") == 0) {
		int rc = xj_db_exec(&a.db, 7, NULL, 0);

		printf("{\"rc\":\"%s\",\"v1\":%lld}\n", rc ? xj_err_info(rc)->code : "ok",
		    value(&a.db, 1));
	} else {
		if (strcmp(argv[2], "exhaust") == 0)
			conf.db_tx_retries = 0;
		a.rc = xj_tx_run(&a.db, one_row, &a);
		printf("{\"rc\":\"%s\",\"attempts\":%d,\"v1\":%lld}\n",
		    a.rc ? xj_err_info(a.rc)->code : "ok", a.attempts, value(&a.db, 1));
	}
	xj_db_fini(&a.db);
	xj_db_fini(&b.db);
	mysql_library_end();
	return 0;
}
