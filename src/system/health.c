/* health.c -- GET /healthz: 200 with the database round-trip time; 503
 * (with Retry-After, in the error format) when the database cannot be
 * reached, when a write cannot complete (issue 15 D4: a full disk or
 * binary log stalls commits while reads still work), or when its schema
 * is older than this build expects (a worker that was deployed before
 * `xuejictl migrate` ran takes itself out of the pool). Load balancers and
 * nginx health checks call it; it never touches personal data. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "db/db.h"
#include "store/migrate.h"
#include "store/schema.h"
#include "store/sql.h"
#include "system.h"

/* The write probe (issue 15 D4). Reads keep working on a full disk, so a
 * SELECT says nothing about writes; the probe commits one small row
 * change (this process's heartbeat row in rate_counter, scope 'healthz',
 * purged with the other counters after two days), which writes the redo
 * log and the binary log like every real commit. It runs on its own
 * connection whose read timeout is [db] health_write_timeout, so that a
 * stalled commit answers 503 within that bound, at most once a second per
 * process (other health checks meanwhile take the last result: /healthz
 * stays cheap under a load balancer's polling), one probe at a time. A
 * probe that timed out leaves its commit waiting in the server; while
 * that server thread exists the next probes only look for it in the
 * process list (a read) and answer 503, so a long stall does not pile up
 * a waiting connection per probe. */
#define PROBE_EVERY_MS	1000

static pthread_mutex_t probe_mu = PTHREAD_MUTEX_INITIALIZER;
static struct xj_conf probe_conf;
static struct xj_db probe_db;
static int probe_ready;
static struct timespec probe_at;
static int probe_rc = XJ_OK;
static unsigned long long stuck_id;	/* server thread of a probe that timed out */
static unsigned char probe_subject[32];

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static int
probe_init(const struct xj_db *db)
{
	char host[64] = "";

	probe_conf = *db->conf;
	probe_conf.db_read_timeout = probe_conf.db_health_write_timeout;
	probe_conf.db_write_timeout = probe_conf.db_health_write_timeout;
	if (xj_db_init(&probe_db, &probe_conf, db->user, db->password, db->dbname,
	    xj_store_sql, XJ_Q__COUNT) != XJ_OK)
		return XJ_E_INTERNAL;
	/* one row per process: no two probes wait for each other's row lock,
	 * nor conflict in Galera certification */
	gethostname(host, sizeof(host) - 1);
	snprintf((char *)probe_subject, sizeof(probe_subject), "%d@%s", (int)getpid(), host);
	probe_ready = 1;
	return XJ_OK;
}

static int
probe_run(void)
{
	struct xj_val beat[1] = { XJ_VB(probe_subject, sizeof(probe_subject)) };
	unsigned long long id;
	int rc;

	if (stuck_id != 0) {
		struct xj_val v[1] = { XJ_VI(stuck_id) };
		struct xj_col c = XJ_COL_INT;
		if ((rc = xj_db_row(&probe_db, XJ_Q_HEALTH_STUCK, v, 1, &c, 1)) != XJ_OK)
			return XJ_E_UNAVAILABLE;
		if (c.i > 0)
			return XJ_E_UNAVAILABLE;	/* the last probe's commit still waits */
		xj_log(XJ_LOG_INFO, "health_write_recovered", NULL);
		stuck_id = 0;
	}
	if ((rc = xj_db_ensure(&probe_db)) != XJ_OK)
		return XJ_E_UNAVAILABLE;
	id = mysql_thread_id(probe_db.my);
	rc = xj_db_exec(&probe_db, XJ_Q_HEALTH_BEAT, beat, 1);
	if (rc == XJ_OK)
		return XJ_OK;
	if (probe_db.my == NULL) {	/* timed out (or lost): it may still be waiting */
		stuck_id = id;
		xj_log(XJ_LOG_WARN, "health_write_stalled", "%d", "timeout_s",
		    probe_conf.db_health_write_timeout);
	}
	return XJ_E_UNAVAILABLE;
}

static int
write_probe(struct xj_db *db)
{
	int rc;

	if (pthread_mutex_trylock(&probe_mu) != 0)
		return __atomic_load_n(&probe_rc, __ATOMIC_RELAXED);
	if (!probe_ready && probe_init(db) != XJ_OK) {
		pthread_mutex_unlock(&probe_mu);
		return XJ_E_INTERNAL;
	}
	if (probe_at.tv_sec != 0 && ms_since(&probe_at) < PROBE_EVERY_MS) {
		rc = probe_rc;
	} else {
		rc = probe_run();
		clock_gettime(CLOCK_MONOTONIC, &probe_at);
		__atomic_store_n(&probe_rc, rc, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&probe_mu);
	return rc;
}

static int
ping(struct xj_db *db, long long *level)
{
	int rc = xj_schema_level(db, level);

	/* a connection that died while idle (server restarted) fails once;
	 * one fresh connection decides */
	if (rc == XJ_E_UNAVAILABLE && db->my == NULL) {
		db->last_fail.tv_sec = 0;
		rc = xj_schema_level(db, level);
	}
	if (rc != XJ_OK)
		return XJ_E_UNAVAILABLE;
	return *level < XJ_SCHEMA_VERSION ? XJ_E_SCHEMA_OUTDATED : XJ_OK;
}

/* At exit, after the worker threads are joined: the probe's connection. */
void
xj_system_health_fini(void)
{
	if (probe_ready) {
		xj_db_fini(&probe_db);
		probe_ready = 0;
	}
}

int
xj_system_healthz(struct xj_req *r)
{
	struct timespec t0, t1;
	long long level = 0;
	yajl_gen g;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ping(r->db, &level);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != XJ_OK)
		return xj_resp_error(r, rc, "db");
	if ((rc = write_probe(r->db)) != XJ_OK)
		return xj_resp_error(r, rc, "db_write");
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "status", "ok");
	xj_gen_key(g, "db");
	yajl_gen_map_open(g);
	xj_gen_bool(g, "ok", 1);
	{
		long us = (t1.tv_sec - t0.tv_sec) * 1000000L +
		    (t1.tv_nsec - t0.tv_nsec) / 1000;
		char num[32];
		int n = snprintf(num, sizeof(num), "%ld.%03ld", us / 1000, us % 1000);
		xj_gen_key(g, "rtt_ms");
		yajl_gen_number(g, num, (size_t)n);
	}
	xj_gen_int(g, "schema_version", level);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
