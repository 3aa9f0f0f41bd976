/* roster.c -- the roster (花名册) and the record search (R-REC-3,
 * R-ORG-3; issue 4 §5):
 *   GET /api/school/v1/roster?school=&level=&grade=&class=&limit=&after=
 *       in-school students of one school, in id order (keyset: after =
 *       the last id of the previous page); a school reads its own (school
 *       may be left out), a bureau names a school in its scope
 *   GET /api/school/v1/students?name=&student_no=&class=&school=&county=&status=&limit=&after=
 *       records of every status in the actor's scope: a name by prefix, a
 *       student number exactly, a class code (with or without a school)
 *   GET /api/school/v1/roster?format=csv&school=&level=&grade=&class=
 *       the same roster as one CSV file for a spreadsheet (issue 14):
 *       every row of the filter (limit and after are not read), streamed
 *       page by page so a big school's file never sits whole in memory;
 *       UTF-8 with a byte order mark, RFC 4180, formula injection
 *       neutralised (domain/csvcell.h), identity numbers masked (a G
 *       student number is the identity number: G + the masked number of
 *       domain/mask.h); one read-audit entry with the row count, written
 *       before the first byte (M6); a failure half way breaks the
 *       download (core/req.h xj_resp_abort), never a short whole file
 * A school or county named outside the actor's scope answers 404 like one
 * that does not exist. Grade is derived from the entry year, the record's
 * repeat/skip offset and today's school year (R-REC-10, issue 11 item 6),
 * so "grade 2" is the cohort (entry year - offset, sql/0035) one before
 * this school year's: the filter selects by the grade a record shows, a
 * repeater under its new grade (the class it sits in has that cohort).
 *
 * Review L12: above a county (city, province, ministry) a search needs a
 * school or a county, or an exact student number; a name prefix over a
 * whole province would sort every match on each call (400
 * filter_required). Review M6: every page read is audited with its
 * filter and row count; the filter keeps the name prefix (what was
 * looked for) but never a student number, which embeds the identity
 * number ("student_no=*"). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth/readaudit.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "domain/classcode.h"
#include "domain/csvcell.h"
#include "domain/mask.h"
#include "domain/studentno.h"
#include "store/org.h"
#include "store/student.h"
#include "records.h"
#include "school.h"

#define PAGE_DEFAULT	50
#define PAGE_MAX	200

struct page {
	yajl_gen		 g;
	int			 sy;	/* the school year, for grades */
	int			 n;
	unsigned long long	 last;
};

static void
item(const struct xj_student_item *it, void *arg)
{
	struct page *p = arg;
	yajl_gen g = p->g;
	/* with the record's repeat/skip offset (issue 11 item 6), as the
	 * grade filter selects (cohort_year, sql/0035) */
	int grade = xj_class_grade(it->entry_year, p->sy) + it->grade_offset;

	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)it->id);
	xj_school_gen_student_no(g, "student_no", it->student_no);
	xj_gen_str(g, "name", it->name);
	xj_gen_str(g, "sex", it->sex);
	xj_gen_str(g, "birth_date", it->birth_date);
	xj_gen_int(g, "entry_year", it->entry_year);
	xj_gen_int(g, "level", it->level);
	if (grade >= 1)
		xj_gen_int(g, "grade", grade);
	else
		xj_gen_null(g, "grade");
	xj_gen_str(g, "class_code", it->class_code[0] ? it->class_code : NULL);
	xj_gen_str(g, "status", it->status);
	xj_gen_key(g, "school");
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", it->school_code);
	xj_gen_str(g, "name", it->school_name);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	p->n++;
	p->last = it->id;
}

static yajl_gen
page_open(struct xj_req *r, struct page *p)
{
	memset(p, 0, sizeof(*p));
	p->sy = xj_rec_school_year();
	p->g = xj_resp_json(r, 200);
	yajl_gen_map_open(p->g);
	xj_gen_key(p->g, "items");
	yajl_gen_array_open(p->g);
	return p->g;
}

static int
page_close(struct xj_req *r, struct page *p, int limit)
{
	char next[24];

	yajl_gen_array_close(p->g);
	/* a full page may have a next one; an empty next page ends the walk */
	snprintf(next, sizeof(next), "%llu", p->last);
	xj_gen_str(p->g, "next_after", p->n == limit ? next : NULL);
	yajl_gen_map_close(p->g);
	return xj_resp_send(r);
}

/* ?limit= and ?after=: XJ_OK or a 400 sent. */
static int
paging(struct xj_req *r, int *limit, unsigned long long *after)
{
	unsigned long long l;
	int rc;

	if ((rc = xj_rec_query_uint(r, "limit", PAGE_MAX, &l)) != XJ_OK || r->responded)
		return rc;
	*limit = l ? (int)l : PAGE_DEFAULT;
	return xj_rec_query_uint(r, "after", ~0ULL >> 1, after);
}

/* ?school=CODE within the actor's scope, the actor's own school when
 * absent (bureaus: *school zeroed, required is the caller's call). */
static int
school_of(struct xj_req *r, const struct xj_org *actor, struct xj_org *school)
{
	const char *code;
	int rc;

	memset(school, 0, sizeof(*school));
	if ((rc = xj_rec_query(r, "school", 12, &code)) != XJ_OK || r->responded)
		return rc;
	if (code == NULL) {
		if (strcmp(actor->kind, "school") == 0)
			*school = *actor;
		return XJ_OK;
	}
	if ((rc = xj_org_by_code(r->db, "school", code, school)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return xj_org_within(school, actor) ? XJ_OK : XJ_E_NOT_FOUND;
}

/* ---- the CSV export (issue 14) ------------------------------------- */

#define CSV_PAGE	200		/* rows per database read */
#define CSV_LINE	4096		/* one row: 11 cells, names <= 256 and 400 bytes */

static const char csv_header[] = XJ_CSV_BOM
    "\"学籍号\",\"姓名\",\"性别\",\"出生日期\",\"入学年份\",\"学段\",\"年级\",\"班级\","
    "\"学籍状态\",\"学校标识码\",\"学校名称\"\r\n";

struct csv {
	struct xj_req		*r;
	int			 sy;
	int			 rc;		/* the first failure */
	int			 n;		/* rows of this page */
	unsigned long long	 last;
};

static const char *
level_zh(int level)
{
	return level == XJ_LEVEL_PRIMARY ? "小学" : level == XJ_LEVEL_JUNIOR ? "初中" :
	    level == XJ_LEVEL_SENIOR ? "高中" : "";
}

static void
csv_row(const struct xj_student_item *it, void *arg)
{
	struct csv *c = arg;
	char line[CSV_LINE], no[1 + XJ_MASK_CAP], year[8], grade[4];
	const char *sex = it->sex[0] == 'M' ? "男" : it->sex[0] == 'F' ? "女" : it->sex;
	int g = xj_class_grade(it->entry_year, c->sy) + it->grade_offset;
	size_t pos = 0;
	int bad = 0;

	c->n++;
	c->last = it->id;
	if (c->rc != XJ_OK)
		return;
	/* a G number is G + the child's identity number: masked like every
	 * identity number an answer shows; J and L numbers hold none */
	xj_mask_student_no(it->student_no, no, sizeof(no));
	snprintf(year, sizeof(year), "%d", it->entry_year);
	if (g >= 1 && g <= 12)
		snprintf(grade, sizeof(grade), "%d", g);
	else
		grade[0] = '\0';
#define CELL(first, v) (bad |= xj_csv_cell(line, sizeof(line) - 2, &pos, first, v, strlen(v)))
	CELL(1, no);
	CELL(0, it->name);
	CELL(0, sex);
	CELL(0, it->birth_date);
	CELL(0, year);
	CELL(0, level_zh(it->level));
	CELL(0, grade);
	CELL(0, it->class_code);
	CELL(0, strcmp(it->status, "in_school") == 0 ? "在校" : it->status);
	CELL(0, it->school_code);
	CELL(0, it->school_name);
#undef CELL
	if (bad) {
		c->rc = XJ_E_INTERNAL;	/* cannot happen: the columns are bounded */
		return;
	}
	line[pos++] = '\r';
	line[pos++] = '\n';
	c->rc = xj_resp_write(c->r, line, pos);
}

static int
roster_csv(struct xj_req *r, const struct xj_org *school, unsigned class_id, int y0, int y1,
    int l0, int l1, const char *filter)
{
	struct csv c;
	unsigned long long rows = 0;
	char disp[64];
	int rc;

	if ((rc = xj_student_roster_count(r->db, school->id, class_id, y0, y1, l0, l1, &rows)) !=
	    XJ_OK)
		return rc;
	/* M6: recorded before the first byte leaves, or nothing leaves */
	if ((rc = xj_audit_read(r, "student.roster_export", "org", school->code, filter,
	    (unsigned long)rows)) != XJ_OK)
		return rc;
	/* the school code is 10 digits: nothing to quote in the header */
	snprintf(disp, sizeof(disp), "attachment; filename=\"roster-%s.csv\"", school->code);
	if ((rc = xj_resp_header(r, "Content-Disposition", disp)) != XJ_OK)
		return rc;
	if ((rc = xj_resp_stream(r, 200, "text/csv; charset=utf-8")) != XJ_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.sy = xj_rec_school_year();
	if ((c.rc = xj_resp_write(r, csv_header, sizeof(csv_header) - 1)) != XJ_OK)
		goto broken;
	do {
		c.n = 0;
		if ((rc = xj_student_roster(r->db, school->id, class_id, y0, y1, l0, l1, c.last,
		    CSV_PAGE, csv_row, &c)) != XJ_OK) {
			c.rc = rc;
			goto broken;
		}
		if (c.rc != XJ_OK)
			goto broken;
	} while (c.n == CSV_PAGE);
	return XJ_OK;
broken:
	/* half a file must not look like a whole one */
	xj_log(XJ_LOG_WARN, "roster_export_broken", "%s", "error", xj_err_info(c.rc)->code);
	xj_resp_abort(r);
	return c.rc;
}

int
xj_school_roster(struct xj_req *r)
{
	struct xj_org actor, school;
	unsigned long long level = 0, grade = 0, after = 0;
	char filter[128];
	const char *cls, *fmt;
	struct xj_class cl;
	struct page p;
	int rc, limit, csv, y0 = 0, y1 = 9999, l0 = 1, l1 = 3;

	actor = xj_school_actor(r)->org;
	if ((rc = school_of(r, &actor, &school)) != XJ_OK || r->responded)
		return rc;
	if (school.id == 0)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "school");	/* a roster is one school's */
	if ((rc = xj_rec_query(r, "format", 4, &fmt)) != XJ_OK || r->responded)
		return rc;
	if (fmt != NULL && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "format");
	csv = fmt != NULL && strcmp(fmt, "csv") == 0;
	if ((rc = xj_rec_query_uint(r, "level", XJ_LEVEL_SENIOR, &level)) != XJ_OK || r->responded ||
	    (rc = xj_rec_query_uint(r, "grade", 6, &grade)) != XJ_OK || r->responded ||
	    (rc = xj_rec_query(r, "class", 7, &cls)) != XJ_OK || r->responded ||
	    (rc = paging(r, &limit, &after)) != XJ_OK || r->responded)
		return rc;
	if (cls != NULL && xj_classcode_check(xj_str_c(cls)) != XJ_OK)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "class");
	if (level)
		l0 = l1 = (int)level;
	if (grade)
		y0 = y1 = xj_grade_entry_year((int)grade, xj_rec_school_year());
	memset(&cl, 0, sizeof(cl));
	if (cls != NULL) {
		if ((rc = xj_class_by_code(r->db, school.id, cls, &cl)) == XJ_NO_ROW)
			return XJ_E_NOT_FOUND;
		if (rc != XJ_OK)
			return rc;
	}
	if (csv) {
		snprintf(filter, sizeof(filter), "format=csv school=%s level=%llu grade=%llu class=%s",
		    school.code, level, grade, cls ? cls : "");
		/* a class and a grade or level that disagree with it: no one */
		if (cl.id != 0 && !(cl.entry_year >= y0 && cl.entry_year <= y1 &&
		    cl.level >= l0 && cl.level <= l1))
			y0 = 1, y1 = 0, cl.id = 0;
		return roster_csv(r, &school, cl.id, y0, y1, l0, l1, filter);
	}
	page_open(r, &p);
	/* a class and a grade or level that disagree with it: no one */
	if (cl.id == 0 || (cl.entry_year >= y0 && cl.entry_year <= y1 && cl.level >= l0 &&
	    cl.level <= l1)) {
		if ((rc = xj_student_roster(r->db, school.id, cl.id, y0, y1, l0, l1, after, limit,
		    item, &p)) != XJ_OK)
			return rc;
	}
	snprintf(filter, sizeof(filter), "school=%s level=%llu grade=%llu class=%s after=%llu limit=%d",
	    school.code, level, grade, cls ? cls : "", after, limit);
	if ((rc = xj_audit_read(r, "student.roster", "org", school.code, filter,
	    (unsigned long)p.n)) != XJ_OK)
		return rc;
	return page_close(r, &p, limit);
}

int
xj_school_students(struct xj_req *r)
{
	static const char *const statuses[] = XJ_STUDENT_STATUSES;
	struct xj_org actor, school, county;
	unsigned long long after = 0;
	const char *name, *no, *cls, *status, *ccode, *path;
	char filter[512];
	struct page p;
	int rc, limit;

	actor = xj_school_actor(r)->org;
	if ((rc = school_of(r, &actor, &school)) != XJ_OK || r->responded)
		return rc;
	/* ?county=CODE narrows the search to one district of the scope */
	if ((rc = xj_rec_query(r, "county", 6, &ccode)) != XJ_OK || r->responded)
		return rc;
	memset(&county, 0, sizeof(county));
	if (ccode != NULL) {
		if ((rc = xj_org_by_code(r->db, "county", ccode, &county)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
		if (!xj_org_within(&county, &actor))
			return XJ_E_NOT_FOUND;	/* R-ORG-3 */
	}
	path = county.id ? county.path : actor.path;
	if ((rc = xj_rec_query(r, "name", 256, &name)) != XJ_OK || r->responded ||
	    (rc = xj_rec_query(r, "student_no", 19, &no)) != XJ_OK || r->responded ||
	    (rc = xj_rec_query(r, "class", 7, &cls)) != XJ_OK || r->responded ||
	    (rc = xj_rec_query(r, "status", 16, &status)) != XJ_OK || r->responded ||
	    (rc = paging(r, &limit, &after)) != XJ_OK || r->responded)
		return rc;
	if (name != NULL && (name[0] == '\0' || xj_utf8_len(xj_str_c(name)) < 0))
		return xj_resp_error(r, XJ_E_BAD_QUERY, "name");
	if (no != NULL && xj_studentno_check(xj_str_c(no), NULL) != XJ_OK)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "student_no");
	if (cls != NULL && xj_classcode_check(xj_str_c(cls)) != XJ_OK)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "class");
	if (status != NULL) {
		const char *const *s;
		for (s = statuses; *s && strcmp(*s, status) != 0; s++)
			;
		if (*s == NULL)
			return xj_resp_error(r, XJ_E_BAD_QUERY, "status");
	}
	/* L12: no province- or nation-wide scans by name or class */
	if (strcmp(actor.kind, "school") != 0 && strcmp(actor.kind, "county") != 0 &&
	    school.id == 0 && county.id == 0 && no == NULL)
		return xj_resp_error(r, XJ_E_FILTER_REQUIRED, "county");
	page_open(r, &p);
	if ((rc = xj_student_search(r->db, path, name ? name : "", no ? no : "",
	    school.id, cls ? cls : "", status ? status : "", after, limit, item, &p)) != XJ_OK)
		return rc;
	snprintf(filter, sizeof(filter),
	    "school=%s county=%s class=%s status=%s student_no=%s after=%llu limit=%d name=%s",
	    school.id ? school.code : "", county.id ? county.code : "", cls ? cls : "",
	    status ? status : "", no ? "*" : "", after, limit, name ? name : "");
	if ((rc = xj_audit_read(r, "student.search", "org", actor.code, filter,
	    (unsigned long)p.n)) != XJ_OK)
		return rc;
	return page_close(r, &p, limit);
}
