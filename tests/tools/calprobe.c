/* calprobe.c -- drives the working-day calendar's store API
 * (src/store/calendar.h) against a real MariaDB as the application's
 * user ([db] user: the grants the workers have), for tests/api/calendar.py.
 * Reads one request a line from stdin and prints one JSON line each:
 *   add PROVINCE FROM N          {"rc":"ok","date":"YYYY-MM-DD","provisional":0}
 *   between PROVINCE FROM TO     {"rc":"ok","days":N,"provisional":0}
 * PROVINCE is a 6-digit code or "-" for the national calendar only. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mysql.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "store/calendar.h"
#include "store/sql.h"

int
main(int argc, char *argv[])
{
	static struct xj_conf conf;
	struct xj_db db;
	char err[512], line[256], op[16], prov[16], a[16], b[16], out[11];
	int prv, days, rc;

	if (argc != 2)
		return 2;
	xj_log_init(XJ_LOG_ERROR);
	if (xj_conf_load(&conf, argv[1], err, sizeof(err)) != 0 ||
	    xj_conf_load_secrets(&conf, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	mysql_library_init(0, NULL, NULL);
	if (xj_db_init(&db, &conf, NULL, NULL, NULL, xj_store_sql, XJ_Q__COUNT) != XJ_OK ||
	    xj_db_ensure(&db) != XJ_OK) {
		fprintf(stderr, "cannot connect\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		const char *p;

		if (sscanf(line, "%15s %15s %15s %15s", op, prov, a, b) != 4) {
			printf("{\"rc\":\"usage\"}\n");
			continue;
		}
		p = strcmp(prov, "-") == 0 ? NULL : prov;
		if (strcmp(op, "add") == 0) {
			rc = xj_calendar_add_workdays(&db, p, a, atoi(b), out, &prv);
			printf("{\"rc\":\"%s\",\"date\":\"%s\",\"provisional\":%d}\n",
			    rc ? xj_err_info(rc)->code : "ok", out, prv);
		} else {
			rc = xj_calendar_workdays_between(&db, p, a, b, &days, &prv);
			printf("{\"rc\":\"%s\",\"days\":%d,\"provisional\":%d}\n",
			    rc ? xj_err_info(rc)->code : "ok", days, prv);
		}
	}
	xj_db_fini(&db);
	mysql_library_end();
	return 0;
}
