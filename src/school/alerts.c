/* alerts.c -- what staff should know now, whatever their screen:
 *   GET /api/school/v1/alerts
 *       200 {today, items: [{code, severity, message, message_en, ...}]}
 * A list so that other alerts can be added as rows of the same answer;
 * today it holds one kind:
 *
 *   calendar_missing (R-MOV-3): the national working-day calendar of
 *   `year` is not imported (xuejictl calendar import), so every deadline
 *   counted into that year is provisional (weekends only). Raised for
 *   next year from 1 December (Beijing date; the State Council publishes
 *   its notice in October to December), and for the current year
 *   whenever it is missing.
 *
 * "Today" is the Beijing date of the worker's clock, or [calendar] today
 * when set (tests, rehearsals), which production ignores. Any staff
 * member may read it (XJ_ACT_ALERTS_READ); the answer holds nothing of
 * anyone. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "domain/window.h"
#include "domain/workday.h"
#include "store/calendar.h"
#include "school.h"

static void
today(int *y, int *m, int *d, char out[11])
{
	const struct xj_conf *c = xj_school_conf;
	struct xj_localtime now;
	long long day;

	if (c != NULL && c->calendar_today[0] && strcmp(c->environment, "production") != 0 &&
	    xj_workday_parse(c->calendar_today, &day) == 0) {
		xj_workday_format(day, out);
		sscanf(out, "%d-%d-%d", y, m, d);
		return;
	}
	xj_utc_to_shanghai((long long)time(NULL), &now);
	*y = now.year;
	*m = now.month;
	*d = now.day;
	snprintf(out, 11, "%04d-%02d-%02d", now.year % 10000, now.month, now.day);
}

static void
calendar_missing(yajl_gen g, int year, int next)
{
	char zh[256], en[320];

	snprintf(zh, sizeof(zh), "%d年工作日历（放假调休安排）尚未导入：%s涉及该年的办理期限暂按只排除周末计算（临时），"
	    "请管理员按国务院办公厅通知导入", year, next ? "" : "当前");
	snprintf(en, sizeof(en), "the working-day calendar of %d (holidays and make-up working days) is "
	    "not imported: deadlines in that year are provisional, counted on weekends only; an "
	    "administrator imports it from the State Council notice (xuejictl calendar import)", year);
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", "calendar_missing");
	xj_gen_str(g, "severity", next ? "warning" : "error");
	xj_gen_int(g, "year", year);
	xj_gen_str(g, "message", zh);
	xj_gen_str(g, "message_en", en);
	yajl_gen_map_close(g);
}

int
xj_school_alerts(struct xj_req *r)
{
	char day[11];
	int y, m, d, rc, have_this, have_next = 1;
	yajl_gen g;

	/* every staff member (XJ_ACT_ALERTS_READ): the alerts name no one */
	today(&y, &m, &d, day);
	have_this = xj_calendar_year_imported(r->db, y, &rc);
	if (rc != XJ_OK)
		return rc;
	if (m == 12) {
		have_next = xj_calendar_year_imported(r->db, y + 1, &rc);
		if (rc != XJ_OK)
			return rc;
	}
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "today", day);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if (!have_this)
		calendar_missing(g, y, 0);
	if (!have_next)
		calendar_missing(g, y + 1, 1);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
