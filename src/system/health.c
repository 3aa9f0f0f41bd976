/* health.c -- GET /healthz: 200 with the database round-trip time; 503
 * (with Retry-After, in the error format) when the database cannot be
 * reached or its schema is older than this build expects (a worker that
 * was deployed before `xuejictl migrate` ran takes itself out of the
 * pool). Load balancers and nginx health checks call it; it never touches
 * personal data. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "core/err.h"
#include "core/req.h"
#include "db/db.h"
#include "store/migrate.h"
#include "store/schema.h"
#include "system.h"

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
