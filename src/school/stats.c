/* stats.c -- enrolment statistics (issue 4 §6):
 *   GET /api/school/v1/statistics?scope=<org code>
 *       200 {scope, totals, counties[], schools[]} | 404
 * Counts of registrations (live: not cancelled, void or refused by
 * public security), local and non-local families, identity verified,
 * ticked by a school (school_accepted and later), approved by the
 * district (district_approved and later), admitted, and in-school
 * records, per county and per school, for any org the actor's scope
 * holds (R-ORG-3: scope defaults to the actor's own org; outside it,
 * 404). Per county counts every registration of the district; per school
 * those whose school (the parent's choice, then the ticking school) is
 * that school. A school's scope has no county rows: a school does not
 * read its district's totals.
 *
 * Speed: two GROUP BY queries over covering indexes of registration
 * ((county_code, state, local_family) and (school_org_id, state,
 * local_family), sql/0006) and one over student's roster index; the
 * states are folded into the counts here, so the SQL never changes when a
 * state is added (docs/architecture.md, "Student records"). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/req.h"
#include "domain/regstate.h"
#include "store/org.h"
#include "store/student.h"
#include "records.h"
#include "school.h"

struct counts {
	long long	 registrations, local, non_local, verified, ticked, approved, admitted;
	long long	 cancelled_or_void;
	long long	 students;
	int		 has_students;
};

static void
add(struct counts *c, const char *state, int local_family, long long n)
{
	int s = xj_reg_state_parse(state);

	if (s == XJ_REG_CANCELLED || s == XJ_REG_VOID || s == XJ_REG_ID_REJECTED) {
		c->cancelled_or_void += n;
		return;
	}
	c->registrations += n;
	if (local_family)
		c->local += n;
	else
		c->non_local += n;
	switch (s) {
	case XJ_REG_ADMITTED:
		c->admitted += n;
		/* FALLTHROUGH */
	case XJ_REG_DISTRICT_APPROVED:
		c->approved += n;
		/* FALLTHROUGH */
	case XJ_REG_SCHOOL_ACCEPTED:
		c->ticked += n;
		/* FALLTHROUGH */
	case XJ_REG_ID_VERIFIED:
	case XJ_REG_CERT_REVIEW:
	case XJ_REG_CERT_REJECTED:
	case XJ_REG_PRINTABLE:
		c->verified += n;
		break;
	default:
		break;	/* submitted, id_mismatch, or a state this build does not know */
	}
}

static void
sum(struct counts *t, const struct counts *c)
{
	t->registrations += c->registrations;
	t->local += c->local;
	t->non_local += c->non_local;
	t->verified += c->verified;
	t->ticked += c->ticked;
	t->approved += c->approved;
	t->admitted += c->admitted;
	t->cancelled_or_void += c->cancelled_or_void;
	t->students += c->students;
}

static void
gen_counts(yajl_gen g, const struct counts *c)
{
	xj_gen_int(g, "registrations", c->registrations);
	xj_gen_int(g, "local", c->local);
	xj_gen_int(g, "non_local", c->non_local);
	xj_gen_int(g, "verified", c->verified);
	xj_gen_int(g, "ticked", c->ticked);
	xj_gen_int(g, "approved", c->approved);
	xj_gen_int(g, "admitted", c->admitted);
	xj_gen_int(g, "cancelled_or_void", c->cancelled_or_void);
	xj_gen_int(g, "students_in_school", c->students);
}

/* ---- per county: rows arrive grouped and ordered by county code ---- */

/* review H1: registrations whose guardian link is not confirmed, per
 * county (xj_stats_unlinked), read before the county rows */
struct unlinked {
	struct unlinked	*next;
	char		 code[13];
	long long	 n;
};

struct county_walk {
	yajl_gen	 g;
	char		 code[13], name[401];
	struct counts	 c, total;
	int		 open;
	struct xj_req	*r;
	struct unlinked	*unlinked;
	long long	 unlinked_total;
	int		 oom;
};

static void
unlinked_row(const struct xj_stat_row *row, void *arg)
{
	struct county_walk *w = arg;
	struct unlinked *u = xj_calloc(w->r->arena, 1, sizeof(*u));

	if (u == NULL) {
		w->oom = 1;
		return;
	}
	snprintf(u->code, sizeof(u->code), "%s", row->code);
	u->n = row->n;
	u->next = w->unlinked;
	w->unlinked = u;
}

static long long
unlinked_of(const struct county_walk *w, const char *code)
{
	for (const struct unlinked *u = w->unlinked; u; u = u->next)
		if (strcmp(u->code, code) == 0)
			return u->n;
	return 0;
}

static void
county_flush(struct county_walk *w)
{
	if (!w->open)
		return;
	yajl_gen_map_open(w->g);
	xj_gen_str(w->g, "code", w->code);
	xj_gen_str(w->g, "name", w->name);
	gen_counts(w->g, &w->c);
	xj_gen_int(w->g, "guardian_link_unconfirmed", unlinked_of(w, w->code));
	w->unlinked_total += unlinked_of(w, w->code);
	yajl_gen_map_close(w->g);
	sum(&w->total, &w->c);
	memset(&w->c, 0, sizeof(w->c));
	w->open = 0;
}

static void
county_row(const struct xj_stat_row *row, void *arg)
{
	struct county_walk *w = arg;

	if (w->open && strcmp(w->code, row->code) != 0)
		county_flush(w);
	if (!w->open) {
		snprintf(w->code, sizeof(w->code), "%s", row->code);
		snprintf(w->name, sizeof(w->name), "%s", row->name);
		w->open = 1;
	}
	add(&w->c, row->state, row->local_family, row->n);
}

/* ---- per school: registration rows and student rows, both ordered by
 * school id, merged ------------------------------------------------------ */

struct stu {
	struct stu	*next;
	unsigned	 id;
	char		 code[13], name[401];
	long long	 n;
};

struct school_walk {
	struct xj_req	*r;
	yajl_gen	 g;
	unsigned	 id;
	char		 code[13], name[401];
	struct counts	 c, total;
	int		 open, oom;
	struct stu	*stu, **tail;	/* in-school counts, ascending id */
};

static void
school_emit(struct school_walk *w, const char *code, const char *name, struct counts *c)
{
	yajl_gen_map_open(w->g);
	xj_gen_str(w->g, "code", code);
	xj_gen_str(w->g, "name", name);
	gen_counts(w->g, c);
	yajl_gen_map_close(w->g);
	sum(&w->total, c);
}

/* Schools with records but no registration row before id `upto`. */
static void
students_only(struct school_walk *w, unsigned upto)
{
	while (w->stu != NULL && w->stu->id < upto) {
		struct counts c;
		memset(&c, 0, sizeof(c));
		c.students = w->stu->n;
		school_emit(w, w->stu->code, w->stu->name, &c);
		w->stu = w->stu->next;
	}
}

static void
school_flush(struct school_walk *w)
{
	if (!w->open)
		return;
	students_only(w, w->id);
	if (w->stu != NULL && w->stu->id == w->id) {
		w->c.students = w->stu->n;
		w->stu = w->stu->next;
	}
	school_emit(w, w->code, w->name, &w->c);
	memset(&w->c, 0, sizeof(w->c));
	w->open = 0;
}

static void
school_row(const struct xj_stat_row *row, void *arg)
{
	struct school_walk *w = arg;

	if (w->open && w->id != row->org_id)
		school_flush(w);
	if (!w->open) {
		w->id = row->org_id;
		snprintf(w->code, sizeof(w->code), "%s", row->code);
		snprintf(w->name, sizeof(w->name), "%s", row->name);
		w->open = 1;
	}
	add(&w->c, row->state, row->local_family, row->n);
}

static void
student_row(const struct xj_stat_row *row, void *arg)
{
	struct school_walk *w = arg;
	struct stu *s = xj_calloc(w->r->arena, 1, sizeof(*s));

	if (s == NULL) {
		w->oom = 1;
		return;
	}
	s->id = row->org_id;
	snprintf(s->code, sizeof(s->code), "%s", row->code);
	snprintf(s->name, sizeof(s->name), "%s", row->name);
	s->n = row->n;
	*w->tail = s;
	w->tail = &s->next;
}

int
xj_school_stats(struct xj_req *r)
{
	struct xj_org actor, scope;
	struct county_walk cw;
	struct school_walk sw;
	const char *code;
	int rc, is_school;

	if ((rc = xj_rec_actor(r, XJ_REC_STATS, &actor)) != XJ_OK)
		return rc;
	if ((rc = xj_rec_query(r, "scope", 12, &code)) != XJ_OK || r->responded)
		return rc;
	if (code == NULL)
		scope = actor;
	else if ((rc = xj_org_by_code_any(r->db, code, &scope)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (!xj_org_within(&scope, &actor))
		return XJ_E_NOT_FOUND;	/* R-ORG-3 */
	is_school = strcmp(scope.kind, "school") == 0;

	memset(&sw, 0, sizeof(sw));
	sw.r = r;
	sw.tail = &sw.stu;
	if ((rc = xj_stats_students(r->db, scope.path, student_row, &sw)) != XJ_OK)
		return rc;
	if (sw.oom)
		return XJ_E_TOO_COMPLEX;

	memset(&cw, 0, sizeof(cw));
	cw.r = r;
	if (!is_school && (rc = xj_stats_unlinked(r->db, scope.path, unlinked_row, &cw)) != XJ_OK)
		return rc;
	if (cw.oom)
		return XJ_E_TOO_COMPLEX;
	cw.g = sw.g = xj_resp_json(r, 200);
	yajl_gen_map_open(cw.g);
	xj_gen_key(cw.g, "scope");
	yajl_gen_map_open(cw.g);
	xj_gen_str(cw.g, "code", scope.code);
	xj_gen_str(cw.g, "kind", scope.kind);
	xj_gen_str(cw.g, "name", scope.name);
	yajl_gen_map_close(cw.g);

	xj_gen_key(cw.g, "counties");
	yajl_gen_array_open(cw.g);
	if (!is_school) {
		if ((rc = xj_stats_counties(r->db, scope.path, county_row, &cw)) != XJ_OK)
			return rc;
		county_flush(&cw);
	}
	yajl_gen_array_close(cw.g);

	xj_gen_key(sw.g, "schools");
	yajl_gen_array_open(sw.g);
	if ((rc = xj_stats_schools(r->db, scope.path, school_row, &sw)) != XJ_OK)
		return rc;
	school_flush(&sw);
	students_only(&sw, ~0u);
	yajl_gen_array_close(sw.g);

	/* a county or above: every registration of its districts (some have
	 * no school yet); a school: its own row */
	if (!is_school)
		cw.total.students = sw.total.students;
	xj_gen_key(cw.g, "totals");
	yajl_gen_map_open(cw.g);
	gen_counts(cw.g, is_school ? &sw.total : &cw.total);
	if (!is_school)
		xj_gen_int(cw.g, "guardian_link_unconfirmed", cw.unlinked_total);
	yajl_gen_map_close(cw.g);
	yajl_gen_map_close(cw.g);
	return xj_resp_send(r);
}
