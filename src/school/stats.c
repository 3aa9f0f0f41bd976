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
 * state is added (docs/architecture.md, "Student records"). A county row
 * counts the in-school records of the schools in that territorial county.
 *
 * Cache (review L12): a province's or the ministry's answer groups every
 * registration of its provinces. Each worker process keeps such answers
 * for CACHE_TTL seconds per scope org and serves them to any actor whose
 * scope holds that org (the scope check runs on every request; the body
 * depends only on the scope). The cache is per process, not shared: the
 * answer holds no personal data, staleness is bounded by the TTL and is
 * shown in "as_of", and the database then computes each wide scope at
 * most once per TTL per worker process -- a few dozen times in five
 * minutes for a province, against once per click before. A shared table
 * would add a write and a lock to every refresh for no stronger bound. A
 * refresh in progress does not hold the others: they serve the previous
 * answer meanwhile. Smaller scopes are computed on each call (their
 * queries read one county's index range). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/req.h"
#include "domain/window.h"
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

struct stu;

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
	struct stu	*stu;	/* in-school counts per county, ascending code */
	struct xj_req	*r;
	struct unlinked	*unlinked;
	long long	 unlinked_total;
	int		 oom;
};

static void county_students_before(struct county_walk *, const char *code);
static long long unlinked_of(const struct county_walk *, const char *code);

static void
county_emit(struct county_walk *w, const char *code, const char *name, struct counts *c)
{
	long long unlinked = unlinked_of(w, code);

	yajl_gen_map_open(w->g);
	xj_gen_str(w->g, "code", code);
	xj_gen_str(w->g, "name", name);
	gen_counts(w->g, c);
	xj_gen_int(w->g, "guardian_link_unconfirmed", unlinked);
	w->unlinked_total += unlinked;
	yajl_gen_map_close(w->g);
	sum(&w->total, c);
}

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
	county_students_before(w, w->code);
	county_emit(w, w->code, w->name, &w->c);
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
	struct stu	*stu;		/* in-school counts, ascending id */
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

/* Counties with records before code `upto` ("" = all) are emitted with
 * their in-school counts only; the county `upto` itself takes its count. */
static void
county_students_before(struct county_walk *w, const char *upto)
{
	while (w->stu != NULL && (upto[0] == '\0' || strcmp(w->stu->code, upto) < 0)) {
		struct counts c;
		memset(&c, 0, sizeof(c));
		c.students = w->stu->n;
		county_emit(w, w->stu->code, w->stu->name, &c);
		w->stu = w->stu->next;
	}
	if (upto[0] && w->stu != NULL && strcmp(w->stu->code, upto) == 0) {
		w->c.students = w->stu->n;
		w->stu = w->stu->next;
	}
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

struct stu_list {
	struct xj_req	*r;
	struct stu	*head, **tail;
	int		 oom;
};

static void
student_row(const struct xj_stat_row *row, void *arg)
{
	struct stu_list *l = arg;
	struct stu *s = xj_calloc(l->r->arena, 1, sizeof(*s));

	if (s == NULL) {
		l->oom = 1;
		return;
	}
	s->id = row->org_id;
	snprintf(s->code, sizeof(s->code), "%s", row->code);
	snprintf(s->name, sizeof(s->name), "%s", row->name);
	s->n = row->n;
	*l->tail = s;
	l->tail = &s->next;
}

/* ---- the cache of wide scopes (L12; see the top of the file) ---------- */

#define CACHE_TTL	300	/* seconds */
#define CACHE_SLOTS	64	/* provinces and the ministry: 35 scopes */

struct blob {
	unsigned	 refs;
	size_t		 len;
	char		 p[];
};

static struct {
	unsigned	 org_id;
	time_t		 at;
	int		 refreshing;
	struct blob	*b;
}			 cache[CACHE_SLOTS];
static pthread_mutex_t	 cache_mu = PTHREAD_MUTEX_INITIALIZER;

static int
cached_kind(const char *kind)
{
	return strcmp(kind, "province") == 0 || strcmp(kind, "ministry") == 0;
}

static void
blob_drop(struct blob *b)
{
	if (b != NULL && --b->refs == 0)
		free(b);
}

/* A fresh answer for org (a reference the caller drops), NULL with
 * *compute set when this thread should compute it, or NULL without when
 * the cache cannot help (full). A stale answer is served while another
 * thread refreshes it. */
static struct blob *
cache_get(unsigned org, time_t now, int *compute)
{
	struct blob *b = NULL;
	int i, free_slot = -1;

	*compute = 0;
	pthread_mutex_lock(&cache_mu);
	for (i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i].org_id == org)
			break;
		if (cache[i].org_id == 0 && free_slot < 0)
			free_slot = i;
	}
	if (i == CACHE_SLOTS && free_slot >= 0) {
		i = free_slot;
		cache[i].org_id = org;
	}
	if (i < CACHE_SLOTS) {
		if (cache[i].b != NULL && (now - cache[i].at < CACHE_TTL || cache[i].refreshing)) {
			b = cache[i].b;
			b->refs++;
		} else if (!cache[i].refreshing) {
			cache[i].refreshing = 1;
			*compute = 1;
		} else
			*compute = 1;	/* first computation under way: compute too */
	}
	pthread_mutex_unlock(&cache_mu);
	return b;
}

/* Store what this thread computed (body NULL: it failed). */
static void
cache_put(unsigned org, time_t at, const unsigned char *body, size_t len)
{
	struct blob *b = NULL, *old = NULL;

	if (body != NULL && (b = malloc(sizeof(*b) + len)) != NULL) {
		b->refs = 1;
		b->len = len;
		memcpy(b->p, body, len);
	}
	pthread_mutex_lock(&cache_mu);
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].org_id == org) {
			cache[i].refreshing = 0;
			if (b != NULL) {
				old = cache[i].b;
				cache[i].b = b;
				cache[i].at = at;
				b = NULL;
			}
			break;
		}
	blob_drop(old);
	blob_drop(b);
	pthread_mutex_unlock(&cache_mu);
}

static int
send_blob(struct xj_req *r, struct blob *b)
{
	int rc = xj_resp_body(r, 200, "application/json; charset=utf-8", b->p, b->len);

	pthread_mutex_lock(&cache_mu);
	blob_drop(b);
	pthread_mutex_unlock(&cache_mu);
	return rc;
}

void
xj_school_stats_clear(void)
{
	pthread_mutex_lock(&cache_mu);
	for (int i = 0; i < CACHE_SLOTS; i++) {
		blob_drop(cache[i].b);
		memset(&cache[i], 0, sizeof(cache[i]));
	}
	pthread_mutex_unlock(&cache_mu);
}

int
xj_school_stats(struct xj_req *r)
{
	struct xj_org actor, scope;
	struct county_walk cw;
	struct school_walk sw;
	struct stu_list sl, cl;
	struct blob *b;
	const unsigned char *buf;
	const char *code;
	char asof[26];
	time_t now = time(NULL);
	size_t len;
	int rc, is_school, compute = 0;

	actor = xj_school_actor(r)->org;
	if ((rc = xj_rec_query(r, "scope", 12, &code)) != XJ_OK || r->responded)
		return rc;
	if (code == NULL)
		scope = actor;
	else if ((rc = xj_org_by_code_any(r->db, code, &scope)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (!xj_org_within(&scope, &actor))
		return XJ_E_NOT_FOUND;	/* R-ORG-3 */
	is_school = strcmp(scope.kind, "school") == 0;
	if (cached_kind(scope.kind) && (b = cache_get(scope.id, now, &compute)) != NULL)
		return send_blob(r, b);

	memset(&sl, 0, sizeof(sl));
	sl.r = r;
	sl.tail = &sl.head;
	memset(&cl, 0, sizeof(cl));
	cl.r = r;
	cl.tail = &cl.head;
	if ((rc = xj_stats_students(r->db, scope.path, student_row, &sl)) != XJ_OK ||
	    (!is_school && (rc = xj_stats_county_students(r->db, scope.path, student_row,
	    &cl)) != XJ_OK))
		goto out;
	if (sl.oom || cl.oom) {
		rc = XJ_E_TOO_COMPLEX;
		goto out;
	}

	memset(&sw, 0, sizeof(sw));
	sw.r = r;
	sw.stu = sl.head;
	memset(&cw, 0, sizeof(cw));
	cw.stu = cl.head;
	cw.r = r;
	if (!is_school && (rc = xj_stats_unlinked(r->db, scope.path, unlinked_row, &cw)) != XJ_OK)
		goto out;
	if (cw.oom) {
		rc = XJ_E_TOO_COMPLEX;
		goto out;
	}
	cw.g = sw.g = xj_resp_json(r, 200);
	yajl_gen_map_open(cw.g);
	xj_gen_key(cw.g, "scope");
	yajl_gen_map_open(cw.g);
	xj_gen_str(cw.g, "code", scope.code);
	xj_gen_str(cw.g, "kind", scope.kind);
	xj_gen_str(cw.g, "name", scope.name);
	yajl_gen_map_close(cw.g);
	xj_datetime_format_local((long long)now, asof);
	xj_gen_str(cw.g, "as_of", asof);

	xj_gen_key(cw.g, "counties");
	yajl_gen_array_open(cw.g);
	if (!is_school) {
		if ((rc = xj_stats_counties(r->db, scope.path, county_row, &cw)) != XJ_OK)
			goto out;
		county_flush(&cw);
		county_students_before(&cw, "");
	}
	yajl_gen_array_close(cw.g);

	xj_gen_key(sw.g, "schools");
	yajl_gen_array_open(sw.g);
	if ((rc = xj_stats_schools(r->db, scope.path, school_row, &sw)) != XJ_OK)
		goto out;
	school_flush(&sw);
	students_only(&sw, ~0u);
	yajl_gen_array_close(sw.g);

	/* a county or above: every registration of its districts (some have
	 * no school yet); a school: its own row */
	if (!is_school)
		cw.total.students = sw.total.students;	/* schools without a county too */
	xj_gen_key(cw.g, "totals");
	yajl_gen_map_open(cw.g);
	gen_counts(cw.g, is_school ? &sw.total : &cw.total);
	if (!is_school)
		xj_gen_int(cw.g, "guardian_link_unconfirmed", cw.unlinked_total);
	yajl_gen_map_close(cw.g);
	yajl_gen_map_close(cw.g);
	if (compute) {
		if (yajl_gen_get_buf(r->gen, &buf, &len) == yajl_gen_status_ok)
			cache_put(scope.id, now, buf, len);
		else
			cache_put(scope.id, now, NULL, 0);
		compute = 0;
	}
	rc = xj_resp_send(r);
out:
	if (compute)
		cache_put(scope.id, now, NULL, 0);	/* let the next one try */
	return rc;
}
