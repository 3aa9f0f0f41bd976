/* notice.c -- the admission notice (录取通知书, R-ADM-1):
 *   POST /api/school/v1/admissions/{no}/notice   200 | 403 | 404 | 409
 *        the school's reviewer issues it once the county approved:
 *        district_approved -> admitted, a notice number per school and year
 *   GET  /api/school/v1/admissions/{no}/notice   200 text/html | 404 | 409 notice_not_issued
 * The family opens the same page (GET /api/parent/v1/registrations/{no}/notice,
 * parent/notice.c) through xj_notice_page().
 * Only the admitting school sees its notice; any other number answers 404.
 * The page is printed and handed to the family: every value goes through
 * one escaping writer and the page is served under a CSP that allows no
 * script (as the collection form, parent/form.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/html.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "store/admission.h"
#include "store/org.h"
#include "school.h"
#include "notice.h"

#define NOTICE_CSP	"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; " \
			"form-action 'none'; frame-ancestors 'none'"

/* The applicant {no}, admitted (or to be admitted) by the actor's school. */
static int
load_own(struct xj_req *r, struct xj_school_actor *a, struct xj_applicant *ap)
{
	int rc;

	if ((rc = xj_school_applicant_load(r, a, xj_route_param(&r->params, "no"), ap)) != XJ_OK ||
	    r->responded)
		return rc;
	if (!ap->adm_state[0] || ap->adm_school_id != a->org.id)
		return XJ_E_NOT_FOUND;
	return XJ_OK;
}

struct issue_tx {
	struct xj_req			*r;
	const struct xj_school_actor	*a;
	unsigned long long		 reg_id;
	char				 notice[XJ_NOTICE_NO_LEN + 1];
};

static int
issue_tx(struct xj_db *db, void *arg)
{
	struct issue_tx *t = arg;
	struct xj_applicant ap;
	struct xj_reg_pos to;
	int rc;

	memset(&ap, 0, sizeof(ap));
	if ((rc = xj_adm_applicant_lock(db, t->reg_id, &ap)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (ap.adm_school_id != t->a->org.id)
		return XJ_E_NOT_FOUND;
	if ((rc = xj_reg_next(ap.pos, XJ_REV_ADMIT, ap.local_family, &to)) != XJ_OK)
		return rc;
	if ((rc = xj_adm_admit(db, ap.reg_id, t->a->org.id, t->a->org.code, ap.year,
	    t->notice)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if ((rc = xj_reg_move(db, ap.reg_id, ap.pos, to)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if ((rc = xj_reg_event(db, ap.reg_id, xj_reg_event_name(XJ_REV_ADMIT),
	    xj_reg_state_name(to.state), t->a->org.name)) != XJ_OK)
		return rc;
	return xj_school_audit(db, t->r, "admission.notice", "registration", ap.prereg,
	    xj_str_c(t->notice));
}

int
xj_school_notice_issue(struct xj_req *r)
{
	struct xj_applicant *ap = xj_calloc(r->arena, 1, sizeof(*ap));
	struct xj_school_actor a;
	struct issue_tx t;
	yajl_gen g;
	int rc;

	if (ap == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = load_own(r, &a, ap)) != XJ_OK || r->responded)
		return rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.a = &a;
	t.reg_id = ap->reg_id;
	if ((rc = xj_tx_run(r->db, issue_tx, &t)) != XJ_OK)
		return rc;
	if ((rc = xj_adm_applicant(r->db, ap->prereg, ap)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", ap->prereg);
	xj_gen_str(g, "state", xj_reg_state_name(ap->pos.state));
	xj_gen_str(g, "notice_no", ap->notice_no);
	xj_school_gen_time(g, "admitted_at", ap->admitted_at);
	xj_gen_key(g, "school");
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", a.org.code);
	xj_gen_str(g, "name", a.org.name);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

/* ---- the printable page ------------------------------------------------------ */


static void
row(struct xj_html *h, const char *label, const char *value)
{
	xj_html_raw(h, "<tr><th>");
	xj_html_raw(h, label);
	xj_html_raw(h, "</th><td>");
	xj_html_text(h, value && value[0] ? value : "—");
	xj_html_raw(h, "</td></tr>\n");
}

/* The notice as the school prints it and as the family opens it
 * (parent/notice.c): one page, one renderer. ap is admitted with a
 * notice number; school is the admitting school. Sends the answer. */
int
xj_notice_page(struct xj_req *r, const struct xj_applicant *ap, const struct xj_org *school)
{
	struct xj_html h = { r->arena, NULL, 0, 0, 0 };
	char disp[20], when[26], date[32], year[8];
	int rc;

	xj_prereg_display(ap->prereg, disp);
	xj_school_time(ap->admitted_at, when);
	/* "2026-06-20T..." -> 2026年06月20日 */
	snprintf(date, sizeof(date), "%.4s年%.2s月%.2s日", when, when + 5, when + 8);
	snprintf(year, sizeof(year), "%d", ap->year);
	xj_html_raw(&h, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n<title>录取通知书 ");
	xj_html_text(&h, ap->notice_no);
	xj_html_raw(&h, "</title>\n<style>body{font-family:serif;max-width:40em;margin:2em auto;padding:0 1em}"
	    "h1{text-align:center;letter-spacing:.5em}table{border-collapse:collapse;width:100%}"
	    "th,td{border:1px solid #000;padding:.4em;text-align:left;overflow-wrap:anywhere}th{width:30%}"
	    ".sign{text-align:right;margin-top:3em}.screen{font-size:.9em;text-align:center}"
	    "@media print{body{margin:0}.screen{display:none}}</style>\n"
	    "</head><body><main>\n<p class=\"screen\">请使用浏览器的“打印”功能（Ctrl+P）打印本通知书。</p>\n"
	    "<h1>录取通知书</h1>\n<p>");
	xj_html_text(&h, ap->child_name);
	xj_html_raw(&h, " 同学的家长：</p>\n<p>经区教育行政部门审核批准，您的孩子已被我校录取为 ");
	xj_html_text(&h, year);
	xj_html_raw(&h, " 年一年级新生。请按学校通知的时间携带本通知书、户口簿及信息采集表到校报到。</p>\n<table>\n");
	row(&h, "通知书编号", ap->notice_no);
	row(&h, "学生姓名", ap->child_name);
	row(&h, "性别", ap->sex[0] == 'M' ? "男" : ap->sex[0] == 'F' ? "女" : ap->sex);
	row(&h, "出生日期", ap->birth_date);
	row(&h, "预登记号", disp);
	row(&h, "录取学校", school->name);
	row(&h, "学校标识码", school->code);
	row(&h, "录取日期", date);
	xj_html_raw(&h, "</table>\n<p class=\"sign\">");
	xj_html_text(&h, school->name);
	xj_html_raw(&h, "<br>");
	xj_html_text(&h, date);
	xj_html_raw(&h, "</p>\n</main></body></html>\n");
	if (h.err)
		return h.err;
	if ((rc = xj_resp_header(r, "Content-Security-Policy", NOTICE_CSP)) != XJ_OK)
		return rc;
	return xj_resp_body(r, 200, "text/html; charset=utf-8", h.p, h.len);
}

int
xj_school_notice_get(struct xj_req *r)
{
	struct xj_applicant *ap = xj_calloc(r->arena, 1, sizeof(*ap));
	struct xj_school_actor a;
	int rc;

	if (ap == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = load_own(r, &a, ap)) != XJ_OK || r->responded)
		return rc;
	if (ap->pos.state != XJ_REG_ADMITTED || !ap->notice_no[0])
		return XJ_E_NOTICE_NOT_ISSUED;
	return xj_notice_page(r, ap, &a.org);
}
