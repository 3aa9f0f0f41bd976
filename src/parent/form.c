/* form.c -- the printable collection form (信息采集表, R-COL-3, issue 3 §7):
 *   GET /api/parent/v1/registrations/{no}/form
 *        200 text/html | 404 | 409 form_not_printable | 422 (mistyped number)
 * The official paper the family takes to the school: every registered
 * field (R-COL-6), identity and phone numbers in full, the
 * pre-registration number as text and as a QR code. Only a registration
 * whose checks passed prints (R-COL-5, and R-COL-9: a non-local family's
 * only after the certificate approval -- the state machine encodes both,
 * domain/regstate.h); otherwise 409 says what is still missing.
 *
 * The QR code holds "<prereg_no>-<form token>" and the token is printed
 * under it (crypto/formtoken.h): a school the family did not choose sees
 * the applicant only with it (review M5). Each print is audited (M6): the
 * page carries the full identity numbers and phones.
 *
 * Every value goes through one escaping writer: names and addresses are
 * typed by parents, and the page is served under a CSP that allows no
 * script at all, so even a missed escape could not run one. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/err.h"
#include "core/html.h"
#include "core/log.h"
#include "core/req.h"
#include "auth/readaudit.h"
#include "crypto/field.h"
#include "crypto/formtoken.h"
#include "crypto/keys.h"
#include "domain/mask.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "domain/window.h"
#include "store/org.h"
#include "store/refdata.h"
#include "store/registration.h"
#include "parent.h"
#include "core/qrsvg.h"

/* Inline <style> and the inline SVG need nothing else; no script, no
 * fetch, no form, no frame. */
#define FORM_CSP	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* ---- the escaping writer ------------------------------------------------ */


/* Data, or a dash when there is none. */
static void
text_or_dash(struct xj_html *h, const char *s)
{
	xj_html_text(h, s && s[0] ? s : "—");
}

/* ---- values in words ------------------------------------------------------ */

static const char *
sex_zh(const char *s)
{
	return s[0] == 'M' ? "男" : s[0] == 'F' ? "女" : s;
}

static const char *
hukou_nature_zh(const char *s)
{
	if (strcmp(s, "agricultural") == 0)
		return "农业户口";
	if (strcmp(s, "non_agricultural") == 0)
		return "非农业户口";
	if (strcmp(s, "resident") == 0)
		return "居民户口";
	return s;
}

/* R-COL-6: the special categories treated as local families */
static const char *
special_zh(const char *s)
{
	static const char *const t[][2] = {
		{ "taiwan_compatriot", "台胞子女" },
		{ "postdoc", "博士后子女" },
		{ "work_residence_permit", "持本市工作居住证人员子女" },
		{ "overseas_chinese", "华侨子女" },
		{ "serviceman", "现役军人子女" },
		{ "zhiqing", "知青子女" },
	};

	if (s[0] == '\0')
		return "无";
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i][0]) == 0)
			return t[i][1];
	return s;
}

static const char *
yes_no(int v)
{
	return v ? "是" : "否";
}

static const char *
doc_zh(const struct xj_refdata *ref, const char *code)
{
	const struct xj_ref_code *c = code[0] ? xj_ref_doc_type(ref, code) : NULL;
	return c ? c->name : code;
}

/* "北京市朝阳区", "广东省深圳市南山区": a county with its province and
 * city; the placeholder city level of the municipalities (市辖区) is left
 * out. "" for a code not in today's list. */
static void
div_full(const struct xj_refdata *ref, const char *county, char *out, size_t cap)
{
	const struct xj_ref_div *d = xj_ref_division(ref, county), *c, *p;

	out[0] = '\0';
	if (d == NULL)
		return;
	c = d->parent[0] ? xj_ref_division(ref, d->parent) : NULL;
	p = c && c->parent[0] ? xj_ref_division(ref, c->parent) : NULL;
	snprintf(out, cap, "%s%s%s", p ? p->name : "",
	    c && c->level == 2 && strcmp(c->name, "市辖区") != 0 &&
	    strcmp(c->name, "县") != 0 ? c->name : "", d->name);
}

/* The stored number in full: this is the paper the school checks
 * against the documents. */
static int
plain(const unsigned char *ct, size_t len, const char *aad, const char *prereg,
    int guardian, char *out, size_t cap)
{
	char row[XJ_REG_ROW_MAX];
	size_t n = 0;

	out[0] = '\0';
	if (len == 0)
		return XJ_OK;
	xj_reg_row(prereg, guardian, row);
	if (xj_field_decrypt(xj_auth_keys(), aad, row, ct, len, out, cap, &n) != 0 || n >= cap) {
		out[0] = '\0';
		xj_log(XJ_LOG_ERROR, "form_decrypt_failed", "%s", "column", aad);
		return XJ_E_INTERNAL;
	}
	out[n] = '\0';
	return XJ_OK;
}

/* "2026年05月10日 14:23:05" in Beijing time from the database's UTC. */
static void
beijing(const char *utc, char *out, size_t cap)
{
	struct xj_localtime lt;
	int y, mo, d, hh, mi, s;

	if (sscanf(utc, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &hh, &mi, &s) != 6) {
		snprintf(out, cap, "%s", "");
		return;
	}
	xj_utc_to_shanghai(xj_days_from_civil(y, mo, d) * 86400LL + hh * 3600 + mi * 60 + s, &lt);
	snprintf(out, cap, "%04d年%02d月%02d日 %02d:%02d:%02d", lt.year, lt.month, lt.day,
	    lt.hour, lt.min, lt.sec);
}

/* ---- the page ------------------------------------------------------------- */

static const char style[] =
	"@page{size:A4;margin:12mm 14mm}"
	"*{box-sizing:border-box}"
	"html,body{margin:0;padding:0;background:#fff;color:#000}"
	"body{font-family:SimSun,'宋体','Songti SC','Noto Serif CJK SC','Source Han Serif SC',serif;"
	"font-size:10.5pt;line-height:1.4}"
	".sheet{width:182mm;margin:0 auto}"
	"@media screen{.sheet{margin:10mm auto}}"
	"@media print{.screen{display:none}}"
	"h1{font-family:SimHei,'黑体','Heiti SC','Noto Sans CJK SC','Source Han Sans SC',sans-serif;"
	"font-size:17pt;text-align:center;letter-spacing:.08em;margin:0 0 4mm}"
	".top{display:flex;justify-content:space-between;align-items:center;margin-bottom:3mm}"
	".no .k{font-size:10.5pt}"
	".no .v{font-family:'DejaVu Sans Mono','Liberation Mono',Consolas,monospace;font-size:22pt;"
	"font-weight:bold;letter-spacing:.04em;white-space:nowrap}"
	".no .s{font-size:9pt;margin-top:1mm}"
	".qr{width:30mm;height:30mm}.qr svg{width:30mm;height:30mm;display:block}"
	"table{width:100%;border-collapse:collapse;table-layout:fixed;page-break-inside:avoid}"
	"table+table{margin-top:-.3mm}"
	"th,td{border:.3mm solid #000;padding:1.3mm 1.6mm;vertical-align:middle;"
	"overflow-wrap:anywhere;text-align:left}"
	"th{font-weight:normal;text-align:center}"
	"th.sec{width:8mm;padding:1mm;letter-spacing:.3em;font-weight:bold;writing-mode:vertical-rl}"
	"td.num{font-family:'DejaVu Sans Mono','Liberation Mono',Consolas,monospace}"
	".gd td.num{font-size:9.5pt;white-space:nowrap}"
	".pledge td{height:30mm;vertical-align:top}"
	".sig{display:flex;justify-content:space-between;margin-top:9mm}"
	".line{display:inline-block;width:34mm;border-bottom:.3mm solid #000}"
	".notes{font-size:9pt;margin-top:3mm}.notes p{margin:.6mm 0}"
	".screen{font-size:9pt;text-align:center;margin-bottom:4mm}";

/* one <th>label</th><td>value</td> pair; colspan for a wide value */
static void
cell(struct xj_html *h, const char *label, const char *value, int colspan, int num)
{
	char b[64];

	xj_html_raw(h, "<th>");
	xj_html_text(h, label);
	snprintf(b, sizeof(b), "</th><td%s colspan=\"%d\">", num ? " class=\"num\"" : "", colspan);
	xj_html_raw(h, b);
	text_or_dash(h, value);
	xj_html_raw(h, "</td>");
}

static void
section(struct xj_html *h, const char *name, int rows)
{
	char b[64];

	snprintf(b, sizeof(b), "<tr><th class=\"sec\" rowspan=\"%d\">", rows);
	xj_html_raw(h, b);
	xj_html_text(h, name);
	xj_html_raw(h, "</th>");
}

/* the four-column grid: section | label | value | label | value */
static void
table_open(struct xj_html *h)
{
	xj_html_raw(h, "<table><colgroup><col style=\"width:8mm\"><col style=\"width:27mm\"><col>"
	    "<col style=\"width:27mm\"><col></colgroup>");
}

struct page {
	const struct xj_refdata		*ref;
	const struct xj_reg_rec		*rec;
	const struct xj_org		*school;	/* NULL: none chosen */
	const char			*svg;
	char				 token[20];	/* 16 characters in 4 groups of 4, '-' between */
	char				 child_idn[XJ_DOCNO_MAX_BYTES + 1];	/* L3 */
	char				 g_idn[XJ_REG_MAX_GUARDIANS][XJ_DOCNO_MAX_BYTES + 1];
	char				 g_phone[XJ_REG_MAX_GUARDIANS][32];
};

static void
page_head(struct xj_html *h, const struct page *pg, const char *disp, const char *district)
{
	const struct xj_reg_rec *rec = pg->rec;
	char b[160];

	xj_html_raw(h, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\"><title>");
	snprintf(b, sizeof(b), "信息采集表 %s", disp);
	xj_html_text(h, b);
	xj_html_raw(h, "</title><style>");
	xj_html_raw(h, style);
	xj_html_raw(h, "</style></head><body><div class=\"sheet\">"
	    "<p class=\"screen\">请使用浏览器的“打印”功能（Ctrl+P）以 A4 纸打印本表。</p><h1>");
	snprintf(b, sizeof(b), "%d年", rec->year);
	xj_html_text(h, b);
	xj_html_text(h, district);
	xj_html_text(h, "义务教育阶段入学信息采集表");
	xj_html_raw(h, "</h1><div class=\"top\"><div class=\"no\"><div class=\"k\">预登记号</div>"
	    "<div class=\"v\" id=\"prereg-no\">");
	xj_html_text(h, disp);
	xj_html_raw(h, "</div><div class=\"s\">登记时间：");
	beijing(rec->created_at, b, sizeof(b));
	xj_html_text(h, b);
	xj_html_raw(h, "（北京时间）</div><div class=\"s\" id=\"form-token\">表单验证码：");
	xj_html_text(h, pg->token);
	xj_html_raw(h, "</div></div><div class=\"qr\" role=\"img\" aria-label=\"预登记号二维码\">");
	xj_html_raw(h, pg->svg);	/* ours: built by xj_qr_svg from digits and base32 */
	xj_html_raw(h, "</div></div>");
}

static void
page_reg(struct xj_html *h, const struct page *pg, const char *district)
{
	const struct xj_reg_rec *rec = pg->rec;
	char b[1024];

	table_open(h);
	section(h, "登记信息", 3);
	snprintf(b, sizeof(b), "%s（%s）", district, rec->county);
	cell(h, "登记区", b, 3, 0);
	xj_html_raw(h, "</tr><tr>");
	if (pg->school) {
		snprintf(b, sizeof(b), "%s（学校标识码 %s）", pg->school->name, pg->school->code);
		cell(h, "意向学校", b, 3, 0);
	} else
		cell(h, "意向学校", "未选择", 3, 0);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "户籍类别", !rec->local_family ? "非本地户籍（“五证”审核已通过）" :
	    rec->special_category[0] ? "按本地户籍对待（特殊类别）" : "本地户籍", 1, 0);
	cell(h, "就读证明编号", rec->local_family ? "不适用" : rec->study_permit, 1, !rec->local_family);
	xj_html_raw(h, "</tr></table>");
}

static void
page_child(struct xj_html *h, const struct page *pg)
{
	const struct xj_reg_rec *rec = pg->rec;
	const struct xj_ref_code *eth = xj_ref_ethnicity(pg->ref, rec->ethnicity);
	char county[7], where[800], b[900];

	table_open(h);
	section(h, "儿童信息", 9);
	cell(h, "姓名", rec->child_name, 1, 0);
	cell(h, "性别", sex_zh(rec->sex), 1, 0);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "出生日期", rec->birth_date, 1, 1);
	cell(h, "民族", eth ? eth->name : rec->ethnicity, 1, 0);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "身份证件类型", doc_zh(pg->ref, rec->doc_type), 1, 0);
	cell(h, "身份证件号码", pg->child_idn, 1, 1);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "国籍", rec->nationality, 1, 0);
	cell(h, "户口性质", hukou_nature_zh(rec->hukou_nature), 1, 0);
	xj_html_raw(h, "</tr><tr>");
	snprintf(county, sizeof(county), "%.6s", rec->hukou_code);
	div_full(pg->ref, county, where, sizeof(where));
	snprintf(b, sizeof(b), "%s　%s", where[0] ? where : "—", rec->hukou_code);
	cell(h, "户籍所在地", b, 3, 0);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "出生地", rec->birthplace, 1, 0);
	cell(h, "籍贯", rec->native_place, 1, 0);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "现住址", rec->current_address, 3, 0);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "家庭住址", rec->home_address, 3, 0);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "通信地址", rec->contact_address, 3, 0);
	xj_html_raw(h, "</tr></table>");
}

static void
page_guardians(struct xj_html *h, const struct page *pg)
{
	const struct xj_reg_rec *rec = pg->rec;
	char b[300];

	/* an 18-character ID number and an 11-digit phone on one line each */
	xj_html_raw(h, "<table class=\"gd\"><colgroup><col style=\"width:8mm\"><col style=\"width:17mm\">"
	    "<col style=\"width:20mm\"><col style=\"width:24mm\"><col style=\"width:44mm\">"
	    "<col style=\"width:29mm\"><col></colgroup>");
	section(h, "监护人", (int)rec->nguardians + 1);
	xj_html_raw(h, "<th>关系</th><th>姓名</th><th>证件类型</th><th>证件号码</th>"
	    "<th>联系电话</th><th>工作单位</th></tr>");
	for (size_t i = 0; i < rec->nguardians; i++) {
		const struct xj_guardian_rec *g = &rec->g[i];

		xj_html_raw(h, "<tr class=\"guardian\"><td>");
		if (g->relation_desc[0])
			snprintf(b, sizeof(b), "%s（%s）", g->relation, g->relation_desc);
		else
			snprintf(b, sizeof(b), "%s", g->relation);
		xj_html_text(h, b);
		xj_html_raw(h, "</td><td>");
		xj_html_text(h, g->name);
		xj_html_raw(h, "</td><td>");
		text_or_dash(h, doc_zh(pg->ref, g->doc_type));
		xj_html_raw(h, "</td><td class=\"num\">");
		text_or_dash(h, pg->g_idn[i]);
		xj_html_raw(h, "</td><td class=\"num\">");
		text_or_dash(h, pg->g_phone[i]);
		xj_html_raw(h, "</td><td>");
		text_or_dash(h, g->employer);
		xj_html_raw(h, "</td></tr>");
	}
	xj_html_raw(h, "</table>");
}

static void
page_other(struct xj_html *h, const struct page *pg)
{
	const struct xj_reg_rec *rec = pg->rec;
	char b[32];

	table_open(h);
	section(h, "其他信息", 2);
	cell(h, "特殊类别", special_zh(rec->special_category), 1, 0);
	cell(h, "留守儿童", yes_no(rec->left_behind), 1, 0);
	xj_html_raw(h, "</tr><tr>");
	cell(h, "进城务工人员随迁子女", yes_no(rec->migrant_worker_child), 1, 0);
	snprintf(b, sizeof(b), "%u.%u 公里", rec->distance_dm / 10, rec->distance_dm % 10);
	cell(h, "居住地距学校", b, 1, 0);
	xj_html_raw(h, "</tr></table>");
}

static void
page_foot(struct xj_html *h)
{
	table_open(h);
	xj_html_raw(h, "<tr class=\"pledge\"><th class=\"sec\">监护人承诺</th><td colspan=\"4\">"
	    "本人承诺以上信息真实、准确、完整，如有虚假，本人愿承担由此产生的一切后果。"
	    "<div class=\"sig\"><span>监护人（签字）：<span class=\"line\"></span></span>"
	    "<span>日期：　　　　年　　月　　日</span></div></td></tr>"
	    "<tr class=\"pledge\"><th class=\"sec\">学校验证</th><td colspan=\"4\">"
	    "验证意见："
	    "<div class=\"sig\"><span>验证人（签字）：<span class=\"line\"></span></span>"
	    "<span>学校（盖章）</span>"
	    "<span>日期：　　　　年　　月　　日</span></div></td></tr></table>"
	    "<div class=\"notes\"><p>说明：1. 请携带本表及儿童户口簿、身份证件和房产（租房）等证明材料，"
	    "按学校通知的时间到校验证。</p>"
	    "<p>2. 预登记号是本次登记的唯一凭证。所选学校可输入预登记号调取登记信息；其他学校须扫描二维码，"
	    "或输入预登记号和表单验证码（或儿童身份证件号码）。请勿将本表交给无关人员。"
	    "本表内容与网上登记信息一致，涂改无效。</p></div></div></body></html>\n");
}

static int
render(struct xj_req *r, struct page *pg, struct xj_html *h)
{
	const struct xj_reg_rec *rec = pg->rec;
	char disp[20], district[800], tok[XJ_FORM_TOKEN_LEN + 1], qr[40];
	size_t svglen;
	int rc;

	if ((rc = plain(rec->idn_ct, rec->idn_ct_len, "registration.id_number", rec->prereg, -1,
	    pg->child_idn, sizeof(pg->child_idn))) != XJ_OK)
		return rc;
	for (size_t i = 0; i < rec->nguardians; i++)
		if ((rc = plain(rec->g[i].idn_ct, rec->g[i].idn_ct_len,
		    "registration_guardian.id_number", rec->prereg, (int)i,
		    pg->g_idn[i], sizeof(pg->g_idn[i]))) != XJ_OK ||
		    (rc = plain(rec->g[i].phone_ct, rec->g[i].phone_ct_len,
		    "registration_guardian.phone", rec->prereg, (int)i,
		    pg->g_phone[i], sizeof(pg->g_phone[i]))) != XJ_OK)
			return rc;
	if (xj_form_token(xj_keyring_current(&xj_auth_keys()->blind, NULL), rec->prereg, tok) != 0)
		return XJ_E_INTERNAL;
	xj_form_token_display(tok, pg->token);
	snprintf(qr, sizeof(qr), "%s-%s", rec->prereg, tok);
	if ((pg->svg = xj_qr_svg(r->arena, qr, &svglen)) == NULL)
		return XJ_E_TOO_COMPLEX;
	xj_prereg_display(rec->prereg, disp);
	div_full(pg->ref, rec->county, district, sizeof(district));
	if (district[0] == '\0')
		snprintf(district, sizeof(district), "%s", rec->county);

	h->a = r->arena;
	page_head(h, pg, disp, district);
	page_reg(h, pg, district);
	page_child(h, pg);
	page_guardians(h, pg);
	page_other(h, pg);
	page_foot(h);
	return h->err;
}

/* ---- not printable yet: what is missing ----------------------------------- */

/* The state in plain words; before identity is verified a non-local
 * family also hears where its certificates stand (the two tracks of
 * domain/regstate.h). */
static void
missing_detail(yajl_gen g, void *arg)
{
	const struct xj_reg_rec *rec = arg;
	enum xj_reg_state s = rec->pos.state;
	int certs = !rec->local_family && rec->pos.cert != XJ_CERT_APPROVED &&
	    (s == XJ_REG_SUBMITTED || s == XJ_REG_ID_MISMATCH);
	int noid = xj_reg_noid(rec->doc_type, rec->idn_ct_len);	/* R-COL-7 */
	char zh[512], en[512];

	snprintf(zh, sizeof(zh), "%s%s%s", xj_reg_state_zh_doc(s, noid), certs ? "；" : "",
	    certs ? xj_cert_state_zh(rec->pos.cert) : "");
	snprintf(en, sizeof(en), "%s%s%s", xj_reg_state_en_doc(s, noid), certs ? "; " : "",
	    certs ? xj_cert_state_en(rec->pos.cert) : "");
	xj_gen_str(g, "state", xj_reg_state_name(s));
	xj_gen_str(g, "cert_state", rec->local_family ? NULL : xj_cert_state_name(rec->pos.cert));
	xj_gen_str(g, "detail", zh);
	xj_gen_str(g, "detail_en", en);
}

int
xj_parent_reg_form(struct xj_req *r)
{
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct page *pg = xj_calloc(r->arena, 1, sizeof(*pg));
	struct xj_html h = { 0 };
	struct xj_org school;
	int rc;

	if (rec == NULL || pg == NULL)
		return XJ_E_TOO_COMPLEX;
	/* on every answer of this URI, errors too: nginx adds no policy of
	 * its own here (nginx/production.conf.template) */
	if ((rc = xj_resp_header(r, "Content-Security-Policy", FORM_CSP)) != XJ_OK)
		return rc;
	if ((pg->ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	/* voided by the county (review H1) or replaced by a district change:
	 * the form is gone for good, not "not yet" */
	if (rec->pos.state == XJ_REG_VOID)
		return XJ_E_REG_VOID;
	if (!xj_reg_form_printable(rec->pos.state)) {
		return xj_resp_error_x(r, XJ_E_FORM_UNAVAILABLE, NULL, missing_detail, rec);
	}
	pg->rec = rec;
	if (rec->school_org_id) {
		if ((rc = xj_org_by_id(r->db, rec->school_org_id, &school)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
		pg->school = &school;
	}
	if ((rc = render(r, pg, &h)) != XJ_OK)
		return rc;
	/* M6: full identity numbers and phones leave here */
	if ((rc = xj_audit_read(r, "registration.form", "registration", rec->prereg,
	    NULL, 1)) != XJ_OK)
		return rc;
	return xj_resp_body(r, 200, "text/html; charset=utf-8", h.p, h.len);
}
