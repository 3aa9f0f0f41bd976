/* scope.c -- who may do what in the school portal (R-ORG-3): the one
 * access policy. Every staff route names its action (routes.c); a row of
 * the table below says which kinds of org and which roles may take it at
 * all, and which scope of target it needs. The dispatcher applies the
 * kind and role test before the handler runs (xj_school_policy): a staff
 * member outside the row gets 403 forbidden whatever the target, so the
 * answer tells nothing about the target. Whether the target lies in the
 * actor's scope is the second test, made by each handler once it has the
 * target (path prefix, store/org.h; a school's territorial county for
 * applicants; a case's parties): outside it the answer is 404, as for a
 * target that does not exist. A staff route without an action, or an
 * action without a complete row, stops the start (xj_school_policy_check),
 * so no route escapes the table. The black-box matrix is generated from
 * it (xuejid --print-access-policy, tests/api/access_policy.py). */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/req.h"
#include "store/admission.h"
#include "store/org.h"
#include "school.h"

#define K_SCHOOL	0x01
#define K_COUNTY	0x02
#define K_CITY		0x04
#define K_PROVINCE	0x08
#define K_MINISTRY	0x10
#define K_BUREAU	(K_COUNTY | K_CITY | K_PROVINCE | K_MINISTRY)

#define R_CLERK		0x1
#define R_REVIEWER	0x2
#define R_ADMIN		0x4

/* A row: the action's public name (--print-access-policy; the enum's
 * name in lower case, never reused for another action), the org kinds
 * and roles that may take it, and the scope of the target it needs
 * (enum xj_school_scope). */
struct policy {
	unsigned		 kinds;
	unsigned		 roles;
	enum xj_school_scope	 scope;
	const char		*name;
};
#define ROW(act, nm, k, r, s)	[act] = { (k), (r), (s), nm }
#define K_ANY		(K_SCHOOL | K_BUREAU)
#define R_ANY		(R_CLERK | R_REVIEWER | R_ADMIN)

static const struct policy may[XJ_ACT__N] = {
	/* the session and one's own password and second factor: every staff
	 * member, whatever the role (the only rows a session that must
	 * change its password reaches, review M10) */
	ROW(XJ_ACT_ANY_STAFF, "any_staff",	K_ANY,		R_ANY,		XJ_SCOPE_SELF),
	/* a school looks its applicants up, checks documents and ticks (R-ADM-1) */
	ROW(XJ_ACT_APPLICANT, "applicant",	K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_APPLICANT),
	ROW(XJ_ACT_TICK, "tick",	K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_APPLICANT),
	/* the school's reviewer signs its own list off to the county */
	ROW(XJ_ACT_LIST_SUBMIT, "list_submit",	K_SCHOOL,	R_REVIEWER,	XJ_SCOPE_NONE),
	ROW(XJ_ACT_LIST_READ, "list_read",	K_ANY,		R_ANY,		XJ_SCOPE_PATH),
	/* approval is the territorial county's (seed 001: 建档权) */
	ROW(XJ_ACT_LIST_DECIDE, "list_decide",	K_COUNTY,	R_REVIEWER | R_ADMIN, XJ_SCOPE_COUNTY),
	/* the admitting school's reviewer issues the notice, its staff print */
	ROW(XJ_ACT_NOTICE_ISSUE, "notice_issue", K_SCHOOL,	R_REVIEWER,	XJ_SCOPE_OWN_SCHOOL),
	ROW(XJ_ACT_NOTICE_READ, "notice_read",	K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_OWN_SCHOOL),
	/* bureau administrators manage accounts of their org and below */
	ROW(XJ_ACT_ACCOUNTS, "accounts",	K_BUREAU,	R_ADMIN,	XJ_SCOPE_PATH),
	/* R-COL-4: the old county revokes, the new one decides; both, and
	 * the bureaus above, read */
	ROW(XJ_ACT_CHANGE_READ, "change_read",	K_BUREAU,	R_REVIEWER | R_ADMIN, XJ_SCOPE_PATH),
	ROW(XJ_ACT_CHANGE_REVOKE, "change_revoke", K_COUNTY,	R_REVIEWER | R_ADMIN, XJ_SCOPE_OLD_COUNTY),
	ROW(XJ_ACT_CHANGE_DECIDE, "change_decide", K_COUNTY,	R_REVIEWER | R_ADMIN, XJ_SCOPE_NEW_COUNTY),
	/* R-COL-7: the no-ID certificate is checked by the child's district;
	 * bureaus above it see the queue */
	ROW(XJ_ACT_NOID_READ, "noid_read",	K_BUREAU,	R_REVIEWER | R_ADMIN, XJ_SCOPE_PATH),
	ROW(XJ_ACT_NOID_DECIDE, "noid_decide",	K_COUNTY,	R_REVIEWER | R_ADMIN, XJ_SCOPE_COUNTY),
	/* R-COL-9: the five certificates are the child's district's to decide
	 * (it issues the study permit); bureaus above it read (review L9) */
	ROW(XJ_ACT_CERT_READ, "cert_read",	K_BUREAU,	R_REVIEWER | R_ADMIN, XJ_SCOPE_PATH),
	ROW(XJ_ACT_CERT_DECIDE, "cert_decide",	K_COUNTY,	R_REVIEWER | R_ADMIN, XJ_SCOPE_COUNTY),
	/* review H1: the registration's county, and the bureaus above it,
	 * void a squat and free the child */
	ROW(XJ_ACT_REG_VOID, "reg_void",	K_BUREAU,	R_REVIEWER | R_ADMIN, XJ_SCOPE_PATH),
	/* review M1a: the bureau the family chose looks the claim up,
	 * wherever the child is registered (audited, rate-limited) */
	ROW(XJ_ACT_CLAIM_LOOKUP, "claim_lookup", K_BUREAU,	R_REVIEWER | R_ADMIN, XJ_SCOPE_ANYWHERE),
	/* student records (issue 4 §4-5): the school keeps its own records
	 * (classes, R-REC-2; the uncontrolled fields and the term
	 * registration, R-REC-5); every staff member reads the records and
	 * statistics in scope (R-ORG-3) */
	ROW(XJ_ACT_REC_CLASSES, "rec_classes",	K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_OWN_SCHOOL),
	ROW(XJ_ACT_REC_READ, "rec_read",	K_ANY,		R_ANY,		XJ_SCOPE_PATH),
	ROW(XJ_ACT_REC_MAINTAIN, "rec_maintain", K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_OWN_SCHOOL),
	ROW(XJ_ACT_REC_STATS, "rec_stats",	K_ANY,		R_ANY,		XJ_SCOPE_PATH),
	/* issue 11 item 3: every staff member sees the alerts (a missing
	 * working-day calendar); they name no one */
	ROW(XJ_ACT_ALERTS_READ, "alerts_read",	K_ANY,		R_ANY,		XJ_SCOPE_NONE),
	/* R-REC-7: the school issues and prints certificates of its own
	 * students (经办人: a clerk or reviewer); the school and the bureaus
	 * above it read the counterfoils in their scope */
	ROW(XJ_ACT_SCERT_ISSUE, "scert_issue",	K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_OWN_SCHOOL),
	ROW(XJ_ACT_SCERT_PRINT, "scert_print",	K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_OWN_SCHOOL),
	ROW(XJ_ACT_SCERT_READ, "scert_read",	K_ANY,		R_ANY,		XJ_SCOPE_PATH),
	/* issue 11 (wf), R-MOV-1: the receiving school applies for a student
	 * wherever it is; every party and the bureaus above read the cases
	 * and their inboxes; the open step's org decides (the step row names
	 * the role, school/workflow.c); the initiating school forces an
	 * overdue step up (R-ORG-6) */
	ROW(XJ_ACT_TRANSFER_START, "transfer_start", K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_ANYWHERE),
	/* R-MOV-5: the receiving school applies for a graduate of another
	 * province (issue 13 item 7) */
	ROW(XJ_ACT_GRADUATE_MOVE_START, "graduate_move_start", K_SCHOOL, R_CLERK | R_REVIEWER, XJ_SCOPE_ANYWHERE),
	ROW(XJ_ACT_WF_READ, "wf_read",	K_ANY,		R_ANY,		XJ_SCOPE_PARTY),
	ROW(XJ_ACT_WF_DECIDE, "wf_decide",	K_ANY,		R_REVIEWER | R_ADMIN, XJ_SCOPE_STEP),
	ROW(XJ_ACT_WF_ESCALATE, "wf_escalate",	K_SCHOOL,	R_REVIEWER,	XJ_SCOPE_INITIATOR),
	/* issue 11 item 8: a school's reviewer runs its own year-end
	 * batches, a county's reviewer or administrator its county's or one
	 * of its schools'; the staff of the scope and bureaus above read
	 * the progress */
	ROW(XJ_ACT_YEAREND_RUN, "yearend_run",	K_SCHOOL | K_COUNTY, R_REVIEWER | R_ADMIN, XJ_SCOPE_PATH),
	ROW(XJ_ACT_YEAREND_READ, "yearend_read", K_ANY,		R_ANY,		XJ_SCOPE_PATH),
	/* the record's history: whoever may read the record (R-ORG-3) */
	ROW(XJ_ACT_RECORD_HISTORY, "record_history", K_ANY,	R_ANY,		XJ_SCOPE_PATH),
	/* issue 12 (R-DUP-1): the problem groups with a record in scope --
	 * the school that resolves, the county that approves, the bureaus
	 * above that watch */
	ROW(XJ_ACT_PROBLEM_READ, "problem_read", K_ANY,		R_ANY,		XJ_SCOPE_PATH),
	/* R-DUP-2: the record's school resolves (a delete is its own
	 * decision, self-approved; its reviewer signs it, as it signs a list) */
	ROW(XJ_ACT_PROBLEM_RESOLVE, "problem_resolve", K_SCHOOL,	R_REVIEWER,	XJ_SCOPE_PATH),
	/* issue 12 item 3 (R-DUP-2): the record's school files the evidence
	 * (经办人: a clerk or reviewer); whoever may read the record reads
	 * the files -- its school and the bureaus above, who approve */
	ROW(XJ_ACT_EVIDENCE_UPLOAD, "evidence_upload", K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_OWN_SCHOOL),
	ROW(XJ_ACT_EVIDENCE_READ, "evidence_read", K_ANY,	R_ANY,		XJ_SCOPE_PATH),
	/* issue 12 item 4 (R-KEY-1): every staff member reads which fields are
	 * controlled where they work; the record's school applies for a
	 * change of a controlled field (its clerk or reviewer, as for other
	 * applications); the approvals are the engine's (XJ_ACT_WF_DECIDE) */
	ROW(XJ_ACT_KEYFIELD_READ, "keyfield_read", K_ANY,	R_ANY,		XJ_SCOPE_NONE),
	ROW(XJ_ACT_KEYDATA_START, "keydata_start", K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_OWN_SCHOOL),
	/* issue 11 item 6 (R-MOV-6): the record's school applies for a status
	 * change (its clerk records the family's request and submits); the
	 * chain's steps name who decides (school/workflow.c); whoever may read
	 * the record reads its status changes */
	ROW(XJ_ACT_STATUS_START, "status_start", K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_OWN_SCHOOL),
	ROW(XJ_ACT_STATUS_READ, "status_read", K_ANY,		R_ANY,		XJ_SCOPE_PATH),
	/* issue 12 item 5 (R-DUP-4, R-REC-8): a school keys in a record for a
	 * pupil above grade 1 (补建) or imports a file of them, for itself
	 * only (the body names no school); no approval before the ministry's
	 * check (seed 002 §六: the school reports, the bureaus relay) */
	ROW(XJ_ACT_SUPPLEMENT, "supplement",	K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_NONE),
	ROW(XJ_ACT_STUDENT_IMPORT, "student_import", K_SCHOOL,	R_CLERK | R_REVIEWER, XJ_SCOPE_NONE),
};

static const char *const scope_name[XJ_SCOPE__N] = {
	[XJ_SCOPE_UNSET] = "unset", [XJ_SCOPE_SELF] = "self", [XJ_SCOPE_NONE] = "none",
	[XJ_SCOPE_PATH] = "path", [XJ_SCOPE_OWN_SCHOOL] = "own-school",
	[XJ_SCOPE_APPLICANT] = "applicant", [XJ_SCOPE_COUNTY] = "county",
	[XJ_SCOPE_OLD_COUNTY] = "old-county", [XJ_SCOPE_NEW_COUNTY] = "new-county",
	[XJ_SCOPE_PARTY] = "party", [XJ_SCOPE_STEP] = "step",
	[XJ_SCOPE_INITIATOR] = "initiator", [XJ_SCOPE_ANYWHERE] = "anywhere",
};

static unsigned
kind_bit(const char *k)
{
	return strcmp(k, "school") == 0 ? K_SCHOOL : strcmp(k, "county") == 0 ? K_COUNTY :
	    strcmp(k, "city") == 0 ? K_CITY : strcmp(k, "province") == 0 ? K_PROVINCE :
	    strcmp(k, "ministry") == 0 ? K_MINISTRY : 0;
}

static unsigned
role_bit(const char *r)
{
	return r == NULL ? 0 : strcmp(r, "clerk") == 0 ? R_CLERK :
	    strcmp(r, "reviewer") == 0 ? R_REVIEWER : strcmp(r, "admin") == 0 ? R_ADMIN : 0;
}

/* The actor's org, its school flag and county, when the role and the
 * org kind may take act. */
static int
resolve(struct xj_req *r, enum xj_school_act act, struct xj_school_actor *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if ((unsigned)act >= XJ_ACT__N || !(may[act].roles & role_bit(r->actor_role)))
		return XJ_E_FORBIDDEN;
	if ((rc = xj_org_by_id(r->db, r->actor_org, &a->org)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_FORBIDDEN : rc;
	if (!(may[act].kinds & kind_bit(a->org.kind)))
		return XJ_E_FORBIDDEN;
	a->school = strcmp(a->org.kind, "school") == 0;
	if (a->school && (rc = xj_adm_school_county(r->db, a->org.id, a->county)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_FORBIDDEN : rc;
	if (strcmp(a->org.kind, "county") == 0)
		memcpy(a->county, a->org.code, sizeof(a->county) - 1);
	return XJ_OK;
}

int
xj_school_policy(struct xj_req *r, const struct xj_route *rt)
{
	struct xj_school_actor *a;
	int act = rt->action, rc;

	if (rt->role != XJ_ROLE_STAFF && rt->role != XJ_ROLE_STAFF_SETUP)
		return XJ_OK;		/* not the school portal's */
	if (act <= XJ_ACT_NONE || act >= XJ_ACT__N || may[act].roles == 0)
		return XJ_E_FORBIDDEN;	/* xj_school_policy_check refuses such a table */
	/* any staff: no org to resolve (the session routes answer also for
	 * a session that must change its password first) */
	if (act == XJ_ACT_ANY_STAFF)
		return XJ_OK;
	if ((a = xj_alloc(r->arena, sizeof(*a))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = resolve(r, (enum xj_school_act)act, a)) != XJ_OK)
		return rc;
	r->policy_actor = a;
	return XJ_OK;
}

const struct xj_school_actor *
xj_school_actor(const struct xj_req *r)
{
	/* the dispatcher resolved it before this route's handler ran */
	assert(r->policy_actor != NULL);
	return r->policy_actor;
}

int
xj_school_may(struct xj_req *r, enum xj_school_act act, struct xj_school_actor *a)
{
	const struct xj_school_actor *have = r->policy_actor;

	if (have == NULL)
		return resolve(r, act, a);
	memset(a, 0, sizeof(*a));
	if ((unsigned)act >= XJ_ACT__N || !(may[act].roles & role_bit(r->actor_role)) ||
	    !(may[act].kinds & kind_bit(have->org.kind)))
		return XJ_E_FORBIDDEN;
	*a = *have;
	return XJ_OK;
}

const char *
xj_school_act_name(enum xj_school_act act)
{
	return (unsigned)act < XJ_ACT__N ? may[act].name : NULL;
}

static int
staff_route(const struct xj_route *rt)
{
	return rt->role == XJ_ROLE_STAFF || rt->role == XJ_ROLE_STAFF_SETUP;
}

int
xj_school_policy_check(const struct xj_route *rt, char *err, size_t errlen)
{
	for (; rt->path != NULL; rt++) {
		const char *why = NULL;
		if (!staff_route(rt)) {
			if (rt->action != XJ_ACT_NONE)
				why = "names an action but is not a staff route";
		} else if (rt->action <= XJ_ACT_NONE || rt->action >= XJ_ACT__N)
			why = "names no action (add .action = XJ_ACT_..., school/scope.c)";
		else if (may[rt->action].roles == 0 || may[rt->action].kinds == 0 ||
		    may[rt->action].scope == XJ_SCOPE_UNSET || may[rt->action].name == NULL)
			why = "names an action without a complete policy row (school/scope.c)";
		/* the setup routes (must change the password first) reach only
		 * what any staff member may do */
		else if ((rt->role == XJ_ROLE_STAFF_SETUP) != (rt->action == XJ_ACT_ANY_STAFF))
			why = "XJ_ROLE_STAFF_SETUP goes with XJ_ACT_ANY_STAFF, and only it";
		if (why != NULL) {
			snprintf(err, errlen, "school route %s %s %s", xj_method_name(rt->method),
			    rt->path, why);
			return -1;
		}
	}
	return 0;
}

static void
print_bits(FILE *f, unsigned bits, const char *const *names, int n)
{
	int first = 1;

	for (int i = 0; i < n; i++)
		if (bits & (1u << i)) {
			fprintf(f, "%s%s", first ? "" : ",", names[i]);
			first = 0;
		}
}

void
xj_school_policy_print(FILE *f)
{
	static const char *const kinds[] = { "school", "county", "city", "province", "ministry" };
	static const char *const roles[] = { "clerk", "reviewer", "admin" };

	fprintf(f, "# method\tpath\taction\tkinds\troles\tscope\n");
	for (const struct xj_route *rt = xj_school_routes; rt->path != NULL; rt++) {
		const struct policy *p;
		if (!staff_route(rt))
			continue;
		if (rt->action <= XJ_ACT_NONE || rt->action >= XJ_ACT__N) {
			fprintf(f, "%s\t%s\t-\t-\t-\t-\n", xj_method_name(rt->method), rt->path);
			continue;
		}
		p = &may[rt->action];
		fprintf(f, "%s\t%s\t%s\t", xj_method_name(rt->method), rt->path,
		    p->name ? p->name : "?");
		print_bits(f, p->kinds, kinds, 5);
		fputc('\t', f);
		print_bits(f, p->roles, roles, 3);
		fprintf(f, "\t%s\n", scope_name[p->scope]);
	}
}

int
xj_school_in_scope(const struct xj_school_actor *a, const char *path)
{
	size_t n = strlen(a->org.path);

	return n > 0 && strncmp(path, a->org.path, n) == 0;
}

int
xj_school_id_param(struct xj_req *r, unsigned long long *id)
{
	struct xj_str s = xj_route_param(&r->params, "id");

	*id = 0;
	if (s.len == 0 || s.len > 18)
		return XJ_E_NOT_FOUND;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return XJ_E_NOT_FOUND;
		*id = *id * 10 + (unsigned long long)(s.p[i] - '0');
	}
	return *id ? XJ_OK : XJ_E_NOT_FOUND;	/* ids start at 1 */
}

/* issue 14: the names of the actions the session answer lists (GET
 * /session "may"), so that the staff pages show only what this table
 * allows: the pages keep no copy of it. */
void
xj_school_may_gen(yajl_gen g, const char *kind, const char *role)
{
	unsigned k = kind_bit(kind), rb = role_bit(role);

	for (unsigned a = 0; a < XJ_ACT__N; a++)
		if ((may[a].kinds & k) && (may[a].roles & rb) && may[a].name != NULL)
			yajl_gen_string(g, (const unsigned char *)may[a].name, strlen(may[a].name));
}
