/* statuscert.c -- certificates of student status (学籍证明, R-REC-7, seed
 * 004 第四篇; issue 11 item 9; docs/certificates.md):
 *   POST /api/school/v1/students/{id}/status-certificates
 *        201 counterfoil | 403 | 404 | 409 school_closed, status_not_certifiable | 503
 *   GET  /api/school/v1/status-certificates?student=&after=&limit=   200 {items}
 *   GET  /api/school/v1/status-certificates/{serial}                 200 counterfoil | 404
 *   GET  /api/school/v1/status-certificates/{serial}/print           200 text/html | 404
 * A school's clerk or reviewer issues a certificate for one of its own
 * students (in school or graduated) and prints it; the school and the
 * bureaus above it read the counterfoils (存根) in their scope (R-ORG-3). The
 * certificate's QR code holds the certified facts signed with the
 * deployment's document key (Ed25519, crypto/auditchain.h's one signing
 * mechanism, its own key file: the workers sign, and must never hold the
 * audit seal's key), so that anyone verifies it offline with the
 * published public key (xuejictl verify-document, or openssl alone).
 * The page is drawn from the counterfoil's signed text, never from today's
 * record: a reprint shows what was certified. A closed school (R-ORG-5)
 * reads and prints what it issued and issues nothing new (409).
 * Nothing in R-REC-7 or the seed revokes a certificate: there is no
 * revocation route. Issue, counterfoil reads and prints are audited. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth/auth.h"
#include "auth/readaudit.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/html.h"
#include "core/log.h"
#include "core/qrsvg.h"
#include "core/req.h"
#include "crypto/auditchain.h"
#include "crypto/fieldmask.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/classcode.h"
#include "domain/mask.h"
#include "domain/statuscert.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/registration.h"
#include "store/staff.h"
#include "store/statuscert.h"
#include "store/student.h"
#include "records.h"
#include "school.h"

#define PAGE_DEFAULT	50
#define PAGE_MAX	200
#define PRINT_CSP	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* ---- the document key: process-owned, read once at start ---------------- */

static void	*doc_key;			/* EVP_PKEY *, NULL: not configured */
static char	 doc_key_id[XJ_AC_KEYID + 1];

int
xj_school_scert_init(const struct xj_conf *c, char *err, size_t errlen)
{
	char pem[4096];

	if (c->documents_signing_key_file[0] == '\0')
		return 0;	/* issuing answers 503 and logs the hint */
	if (xj_conf_read_secret(c->documents_signing_key_file, pem, sizeof(pem), err,
	    errlen) != 0)
		return -1;
	doc_key = xj_ac_key_parse(pem, strlen(pem), err, errlen);
	OPENSSL_cleanse(pem, sizeof(pem));
	if (doc_key == NULL || xj_ac_key_id(doc_key, doc_key_id) != 0) {
		xj_school_scert_fini();
		if (err[0] == '\0')
			snprintf(err, errlen, "[documents] signing_key_file: no public key");
		return -1;
	}
	return 0;
}

void
xj_school_scert_fini(void)
{
	xj_ac_key_free(doc_key);
	doc_key = NULL;
	doc_key_id[0] = '\0';
}

/* ---- the counterfoil as JSON ------------------------------------------------------ */

static void
certifies(yajl_gen g, const struct xj_sc *c)
{
	xj_gen_key(g, "certifies");
	yajl_gen_map_open(g);
	xj_gen_str(g, "issued_on", c->issued);
	xj_gen_str(g, "school_code", c->school_code);
	xj_gen_str(g, "school_name", c->school_name);
	xj_gen_str(g, "name", c->name);
	xj_gen_str(g, "sex", c->sex);
	xj_gen_str(g, "birth_date", c->birth_date);
	xj_gen_str(g, "id_number_masked", c->id_masked);
	xj_gen_str(g, "student_no", c->student_no);
	xj_gen_str(g, "status", c->status);
	xj_gen_int(g, "entry_year", c->entry_year);
	if (c->grade > 0)
		xj_gen_int(g, "grade", c->grade);
	else
		xj_gen_null(g, "grade");
	xj_gen_str(g, "class_code", c->class_code[0] ? c->class_code : NULL);
	yajl_gen_map_close(g);
}

/* one counterfoil; its signed text parsed again (it was written by us: a text
 * that does not parse is a broken row, XJ_E_INTERNAL) */
static int
counterfoil_json(yajl_gen g, const struct xj_scert_row *s)
{
	struct xj_sc c;
	unsigned char sig[XJ_SC_SIG];
	size_t mlen;

	if (xj_sc_parse(s->document, s->document_len, &c, &mlen, sig, NULL) != 0) {
		xj_log(XJ_LOG_ERROR, "status_certificate_unreadable", "%s", "serial", s->serial);
		return XJ_E_INTERNAL;
	}
	yajl_gen_map_open(g);
	xj_gen_str(g, "serial", s->serial);
	xj_gen_key(g, "school");
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", s->school_org_id);
	xj_gen_str(g, "code", s->school_code);
	yajl_gen_map_close(g);
	xj_gen_int(g, "student_id", (long long)s->student_id);
	xj_gen_str(g, "status", s->status);
	xj_gen_key(g, "issued_by");
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)s->issued_by);
	xj_gen_str(g, "name", s->issued_by_name);
	yajl_gen_map_close(g);
	xj_school_gen_time(g, "issued_at", s->issued_at);
	xj_gen_str(g, "key_id", s->key_id);
	xj_gen_strn(g, "document", (struct xj_str){ s->document_len, s->document });
	certifies(g, &c);
	yajl_gen_map_close(g);
	return XJ_OK;
}

/* ---- issue ------------------------------------------------------------------ */

struct issue_tx {
	struct xj_req			*r;
	const struct xj_school_actor	*a;
	struct xj_student		*s;
	const char			*issuer;
	struct xj_scert_row		*row;
};

/* the facts of the record, masked (R-REC-7 with domain/mask.h's one
 * rule: no full identity number on paper) */
static int
facts(struct xj_db *db, const struct xj_student *s, const struct xj_localtime *now,
    struct xj_sc *c)
{
	unsigned char ct[XJ_CT_MAX];
	char row[XJ_STUDENT_ROW_MAX];
	size_t len = 0;
	int rc, grade;

	memset(c, 0, sizeof(*c));
	snprintf(c->issued, sizeof(c->issued), "%04d-%02d-%02d", now->year, now->month, now->day);
	snprintf(c->school_code, sizeof(c->school_code), "%s", s->school_code);
	snprintf(c->school_name, sizeof(c->school_name), "%s", s->school_name);
	snprintf(c->name, sizeof(c->name), "%s", s->name);
	snprintf(c->sex, sizeof(c->sex), "%s", s->sex);
	snprintf(c->birth_date, sizeof(c->birth_date), "%s", s->birth_date);
	/* a G number is the identity number: the certificate shows it masked
	 * like the identity number beside it (review of issue 14) */
	xj_mask_student_no(s->student_no, c->student_no, sizeof(c->student_no));
	snprintf(c->status, sizeof(c->status), "%s", s->status);
	snprintf(c->class_code, sizeof(c->class_code), "%s", s->class_code);
	c->entry_year = s->entry_year;
	/* with the record's repeat/skip offset (issue 11 item 6) */
	grade = xj_class_grade(s->entry_year, xj_rec_school_year()) + s->grade_offset;
	c->grade = strcmp(s->status, "in_school") == 0 && grade >= 1 && grade <= 12 ? grade : 0;
	snprintf(c->key_id, sizeof(c->key_id), "%s", doc_key_id);
	if ((rc = xj_scert_student_idn(db, s->id, ct, sizeof(ct), &len)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	xj_student_row(s->id, -1, row);
	if (len > 0 && xj_field_masked(xj_auth_keys(), "student.id_number", row, ct, len,
	    s->id_doc_type[0], c->id_masked, sizeof(c->id_masked)) != 0) {
		xj_log(XJ_LOG_ERROR, "status_certificate_decrypt_failed", "%lld", "student",
		    (long long)s->id);
		return XJ_E_INTERNAL;
	}
	return XJ_OK;
}

static void
after_json(yajl_gen g, void *arg)
{
	const struct xj_scert_row *row = arg;

	yajl_gen_map_open(g);
	xj_gen_str(g, "serial", row->serial);
	xj_gen_int(g, "student_id", (long long)row->student_id);
	xj_gen_str(g, "status", row->status);
	xj_gen_str(g, "key_id", row->key_id);
	yajl_gen_map_close(g);
}

static int
issue_tx(struct xj_db *db, void *arg)
{
	struct issue_tx *t = arg;
	struct xj_scert_row *row = t->row;
	struct xj_localtime now;
	struct xj_str after;
	struct xj_sc c;
	unsigned char sig[XJ_SC_SIG];
	char kind[12], ostatus[8], status[17], msg[XJ_SC_TEXT_MAX + 1];
	unsigned main_campus, version;
	size_t mlen;
	long long t0 = (long long)time(NULL);
	struct tm utc;
	time_t tt = (time_t)t0;
	long seq;
	int rc;

	/* R-ORG-5: read under the transaction; a closed school starts nothing */
	if ((rc = xj_school_campus(db, t->a->org.id, kind, &main_campus, ostatus)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_FORBIDDEN : rc;
	if (strcmp(ostatus, "open") != 0)
		return XJ_E_SCHOOL_CLOSED;
	/* the record as it is now, under its lock: a status change racing
	 * the issue is either before it (refused) or after it */
	if ((rc = xj_student_lock(db, t->s->id, &version, status)) != XJ_OK ||
	    (rc = xj_student_get(db, t->s->id, t->s)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (t->s->school_org_id != t->a->org.id)
		return XJ_E_NOT_FOUND;
	if (xj_sc_status_zh(t->s->status) == NULL)
		return XJ_E_STATUS_NOT_CERTIFIABLE;
	xj_utc_to_shanghai(t0, &now);
	if ((rc = facts(db, t->s, &now, &c)) != XJ_OK)
		return rc;
	if ((rc = xj_scert_next_seq(db, t->a->org.id, now.year, &seq)) != XJ_OK)
		return rc;
	if (xj_sc_serial(c.school_code, now.year, seq, c.serial) != 0 ||
	    (mlen = xj_sc_message(&c, msg, sizeof(msg))) == 0 ||
	    xj_ac_sign_msg(doc_key, msg, mlen, sig) != 0 ||
	    (row->document_len = xj_sc_text(msg, mlen, sig, row->document,
	    sizeof(row->document))) == 0) {
		xj_log(XJ_LOG_ERROR, "status_certificate_unsignable", "%lld%ld", "student",
		    (long long)t->s->id, "seq", seq);
		return XJ_E_INTERNAL;
	}
	memcpy(row->serial, c.serial, sizeof(row->serial));
	row->school_org_id = t->a->org.id;
	snprintf(row->school_code, sizeof(row->school_code), "%s", t->a->org.code);
	row->student_id = t->s->id;
	snprintf(row->status, sizeof(row->status), "%s", c.status);
	row->issued_by = t->r->actor_id;
	snprintf(row->issued_by_name, sizeof(row->issued_by_name), "%s", t->issuer);
	gmtime_r(&tt, &utc);
	strftime(row->issued_at, sizeof(row->issued_at), "%Y-%m-%d %H:%M:%S", &utc);
	memcpy(row->key_id, doc_key_id, sizeof(row->key_id));
	if ((rc = xj_scert_insert(db, row)) != XJ_OK)
		return rc;
	if ((rc = xj_gen_text(t->r->arena, after_json, row, &after)) != XJ_OK)
		return rc;
	return xj_school_audit(db, t->r, "status_certificate.issue", "status_certificate",
	    row->serial, after);
}

int
xj_school_scert_issue(struct xj_req *r)
{
	struct xj_student *s = xj_calloc(r->arena, 1, sizeof(*s));
	struct xj_scert_row *row = xj_calloc(r->arena, 1, sizeof(*row));
	struct xj_staff_info me;
	struct xj_school_actor a;
	struct issue_tx t;
	unsigned long long id;
	yajl_gen g;
	int rc;

	if (s == NULL || row == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	/* a school certifies its own students only; any other id is 404 */
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_student_get(r->db, id, s)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (s->school_org_id != a.org.id)
		return XJ_E_NOT_FOUND;
	if (doc_key == NULL) {
		xj_log(XJ_LOG_WARN, "status_certificate_no_key", "%s", "hint",
		    "set [documents] signing_key_file (xuejictl keygen writes doc_sign.key)");
		return XJ_E_UNAVAILABLE;
	}
	if ((rc = xj_staff_by_id(r->db, r->actor_id, &me)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_FORBIDDEN : rc;
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.a = &a;
	t.s = s;
	t.issuer = me.display_name;
	t.row = row;
	if ((rc = xj_tx_run(r->db, issue_tx, &t)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 201);
	if ((rc = counterfoil_json(g, row)) != XJ_OK)
		return rc;
	return xj_resp_send(r);
}

/* ---- read ----------------------------------------------------------------- */

/* The counterfoil {serial} in the actor's scope: XJ_OK, or 404 for a serial
 * malformed, unknown or outside it. */
static int
load(struct xj_req *r, struct xj_school_actor *a,
    struct xj_scert_row *row)
{
	struct xj_str p = xj_route_param(&r->params, "serial");
	char serial[XJ_SC_SERIAL_LEN + 1];
	int rc;

	*a = *xj_school_actor(r);
	if (!xj_sc_serial_ok(p.p, p.len))
		return XJ_E_NOT_FOUND;
	memcpy(serial, p.p, p.len);
	serial[p.len] = '\0';
	if ((rc = xj_scert_by_serial(r->db, serial, row)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return xj_school_in_scope(a, row->school_path) ? XJ_OK : XJ_E_NOT_FOUND;
}

int
xj_school_scert_get(struct xj_req *r)
{
	struct xj_scert_row *row = xj_calloc(r->arena, 1, sizeof(*row));
	struct xj_school_actor a;
	yajl_gen g;
	int rc;

	if (row == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = load(r, &a, row)) != XJ_OK)
		return rc;
	if ((rc = xj_audit_read(r, "status_certificate.read", "status_certificate", row->serial,
	    NULL, 1)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	if ((rc = counterfoil_json(g, row)) != XJ_OK)
		return rc;
	return xj_resp_send(r);
}

struct page {
	yajl_gen		 g;
	int			 n, err;
	unsigned long long	 last;
};

static void
item(const struct xj_scert_row *row, void *arg)
{
	struct page *p = arg;

	if (p->err == XJ_OK)
		p->err = counterfoil_json(p->g, row);
	p->n++;
	p->last = row->id;
}

int
xj_school_scert_list(struct xj_req *r)
{
	struct xj_scert_row *row = xj_calloc(r->arena, 1, sizeof(*row));
	unsigned long long student = 0, after = 0, limit = 0;
	struct xj_school_actor a;
	struct page p;
	char filter[96], next[24];
	int rc;

	if (row == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = xj_rec_query_uint(r, "student", ~0ULL >> 1, &student)) != XJ_OK ||
	    r->responded ||
	    (rc = xj_rec_query_uint(r, "limit", PAGE_MAX, &limit)) != XJ_OK || r->responded ||
	    (rc = xj_rec_query_uint(r, "after", ~0ULL >> 1, &after)) != XJ_OK || r->responded)
		return rc;
	if (limit == 0)
		limit = PAGE_DEFAULT;
	memset(&p, 0, sizeof(p));
	p.g = xj_resp_json(r, 200);
	yajl_gen_map_open(p.g);
	xj_gen_key(p.g, "items");
	yajl_gen_array_open(p.g);
	if ((rc = xj_scert_list(r->db, a.org.path, student, after, (int)limit, row, item,
	    &p)) != XJ_OK)
		return rc;
	if (p.err != XJ_OK)
		return p.err;
	yajl_gen_array_close(p.g);
	snprintf(next, sizeof(next), "%llu", p.last);
	xj_gen_str(p.g, "next_after", (unsigned long long)p.n == limit ? next : NULL);
	yajl_gen_map_close(p.g);
	/* M6: a list of minors' names */
	snprintf(filter, sizeof(filter), "student=%llu after=%llu limit=%llu", student, after,
	    limit);
	if ((rc = xj_audit_read(r, "status_certificate.list", "org", a.org.code, filter,
	    (unsigned long)p.n)) != XJ_OK)
		return rc;
	return xj_resp_send(r);
}

/* ---- the printed certificate --------------------------------------------- */

static const char style[] =
	"@page{size:A4;margin:18mm 20mm}"
	"*{box-sizing:border-box}"
	"html,body{margin:0;padding:0;background:#fff;color:#000}"
	"body{font-family:SimSun,'宋体','Songti SC','Noto Serif CJK SC','Source Han Serif SC',serif;"
	"font-size:14pt;line-height:2}"
	".sheet{width:170mm;margin:0 auto}"
	"@media screen{.sheet{margin:10mm auto}}"
	"@media print{.screen{display:none}}"
	"h1{font-family:SimHei,'黑体','Heiti SC','Noto Sans CJK SC','Source Han Sans SC',sans-serif;"
	"font-size:24pt;text-align:center;letter-spacing:.6em;margin:0 0 4mm}"
	"h2{font-size:15pt;text-align:center;letter-spacing:.3em;margin:0 0 2mm}"
	".no{text-align:right;font-size:11pt}"
	".no span{font-family:'DejaVu Sans Mono','Liberation Mono',Consolas,monospace}"
	"p.body{text-indent:2em;margin:6mm 0}"
	".sig{display:flex;justify-content:space-between;align-items:flex-end;margin-top:10mm}"
	".sig .right{text-align:right}"
	".qr{width:40mm;height:40mm}.qr svg{width:40mm;height:40mm;display:block}"
	".verify{font-size:9pt;line-height:1.4;margin-top:3mm}"
	".cut{border-top:.4mm dashed #000;margin:10mm 0 6mm;text-align:center;font-size:9pt}"
	".counterfoil{font-size:11pt;line-height:1.7}"
	".screen{font-size:9pt;text-align:center;margin-bottom:4mm}";

static const char *
sex_zh(const char *s)
{
	return s[0] == 'M' ? "男" : s[0] == 'F' ? "女" : s;
}

/* "2026年12月06日" from YYYY-MM-DD */
static void
date_zh(const char *d, char *out, size_t cap)
{
	snprintf(out, cap, "%.4s年%.2s月%.2s日", d, d + 5, d + 8);
}

/* the sentence of the seed's form: 兹有…特此证明 */
static void
body(struct xj_html *h, const struct xj_sc *c)
{
	char b[160], birth[40];

	xj_html_raw(h, "<p class=\"body\">兹有<b class=\"name\">");
	xj_html_text(h, c->name);
	xj_html_raw(h, "</b>（");
	xj_html_text(h, sex_zh(c->sex));
	date_zh(c->birth_date, birth, sizeof(birth));
	snprintf(b, sizeof(b), "，%s出生），身份证件号码为：", birth);
	xj_html_text(h, b);
	xj_html_raw(h, "<span class=\"idn\">");
	xj_html_text(h, c->id_masked[0] ? c->id_masked : "无");
	xj_html_raw(h, "</span>，全国学籍号为：<span class=\"sno\">");
	xj_html_text(h, c->student_no);
	snprintf(b, sizeof(b), "</span>，于%d年9月入学，", c->entry_year);
	xj_html_raw(h, b);
	if (c->grade > 0) {
		snprintf(b, sizeof(b), "现在我校%d年级", c->grade);
		xj_html_text(h, b);
		if (c->class_code[0]) {
			xj_html_text(h, "（班级代码 ");
			xj_html_text(h, c->class_code);
			xj_html_text(h, "）");
		}
		xj_html_text(h, "就读");
	} else
		xj_html_text(h, xj_sc_status_zh(c->status));
	xj_html_raw(h, "。</p><p class=\"body\">特此证明。</p>");
}

static int
render(struct xj_req *r, const struct xj_scert_row *row, const struct xj_sc *c,
    struct xj_html *h)
{
	char when[40];
	const char *svg;
	size_t svglen;

	if ((svg = xj_qr_svg(r->arena, row->document, &svglen)) == NULL)
		return XJ_E_TOO_COMPLEX;
	date_zh(c->issued, when, sizeof(when));
	h->a = r->arena;
	xj_html_raw(h, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\"><title>学籍证明 ");
	xj_html_text(h, c->serial);
	xj_html_raw(h, "</title><style>");
	xj_html_raw(h, style);
	xj_html_raw(h, "</style></head><body><div class=\"sheet\">"
	    "<p class=\"screen\">请使用浏览器的“打印”功能（Ctrl+P）以 A4 纸打印，加盖学校公章和骑缝章。</p>"
	    "<h1>学籍证明</h1><div class=\"no\">编号：<span id=\"serial\">");
	xj_html_text(h, c->serial);
	xj_html_raw(h, "</span></div>");
	body(h, c);
	xj_html_raw(h, "<div class=\"sig\"><div><div class=\"qr\" role=\"img\" "
	    "aria-label=\"学籍证明验证二维码\">");
	xj_html_raw(h, svg);		/* ours: built by xj_qr_svg */
	xj_html_raw(h, "</div><div class=\"verify\">二维码内容经本系统数字签名，<br>"
	    "可用公布的公钥离线验证真伪。</div></div><div class=\"right\">经办人：");
	xj_html_text(h, row->issued_by_name);
	xj_html_raw(h, "<br>");
	xj_html_text(h, c->school_name);
	xj_html_raw(h, "（公章）<br>");
	xj_html_text(h, when);
	xj_html_raw(h, "</div></div><div class=\"cut\">盖 骑 缝 章</div>"
	    "<div class=\"counterfoil\"><h2>学籍证明存根</h2><div class=\"no\">编号：<span>");
	xj_html_text(h, c->serial);
	xj_html_raw(h, "</span></div>");
	body(h, c);
	xj_html_raw(h, "<div class=\"right\">经办人：");
	xj_html_text(h, row->issued_by_name);
	xj_html_raw(h, "　开具日期：");
	xj_html_text(h, when);
	xj_html_raw(h, "</div></div></div></body></html>\n");
	return h->err;
}

int
xj_school_scert_print(struct xj_req *r)
{
	struct xj_scert_row *row = xj_calloc(r->arena, 1, sizeof(*row));
	struct xj_sc *c = xj_calloc(r->arena, 1, sizeof(*c));
	struct xj_html h = { 0 };
	struct xj_school_actor a;
	unsigned char sig[XJ_SC_SIG];
	size_t mlen;
	int rc;

	if (row == NULL || c == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_resp_header(r, "Content-Security-Policy", PRINT_CSP)) != XJ_OK)
		return rc;
	if ((rc = load(r, &a, row)) != XJ_OK)
		return rc;
	if (xj_sc_parse(row->document, row->document_len, c, &mlen, sig, NULL) != 0) {
		xj_log(XJ_LOG_ERROR, "status_certificate_unreadable", "%s", "serial", row->serial);
		return XJ_E_INTERNAL;
	}
	if ((rc = render(r, row, c, &h)) != XJ_OK)
		return rc;
	if ((rc = xj_audit_read(r, "status_certificate.print", "status_certificate",
	    row->serial, NULL, 1)) != XJ_OK)
		return rc;
	return xj_resp_body(r, 200, "text/html; charset=utf-8", h.p, h.len);
}
