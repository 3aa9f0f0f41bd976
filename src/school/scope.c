/* scope.c -- who may do what in the school portal (R-ORG-3), in one table.
 * A row says which kinds of org and which roles may take an action at all;
 * a staff member outside it gets 403 forbidden whatever the target, so the
 * answer tells nothing about the target. Whether the target lies in the
 * actor's scope is the second test, made by each handler once it has the
 * target (path prefix, store/org.h; a school's territorial county for
 * applicants): outside it the answer is 404, as for a target that does not
 * exist. tests/api/access_matrix.txt holds the cases the black-box tests
 * check against this table. */
#include "config.h"

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

static const struct {
	unsigned	kinds;
	unsigned	roles;
} may[XJ_ACT__N] = {
	/* a school looks its applicants up, checks documents and ticks (R-ADM-1) */
	[XJ_ACT_APPLICANT]	= { K_SCHOOL,		R_CLERK | R_REVIEWER },
	[XJ_ACT_TICK]		= { K_SCHOOL,		R_CLERK | R_REVIEWER },
	/* the school's reviewer signs the list off to the county */
	[XJ_ACT_LIST_SUBMIT]	= { K_SCHOOL,		R_REVIEWER },
	[XJ_ACT_LIST_READ]	= { K_SCHOOL | K_BUREAU, R_CLERK | R_REVIEWER | R_ADMIN },
	/* approval is the territorial county's (seed 001: 建档权) */
	[XJ_ACT_LIST_DECIDE]	= { K_COUNTY,		R_REVIEWER | R_ADMIN },
	[XJ_ACT_NOTICE_ISSUE]	= { K_SCHOOL,		R_REVIEWER },
	[XJ_ACT_NOTICE_READ]	= { K_SCHOOL,		R_CLERK | R_REVIEWER },
	/* bureau administrators manage accounts of their org and below */
	[XJ_ACT_ACCOUNTS]	= { K_BUREAU,		R_ADMIN },
	[XJ_ACT_CHANGE_READ]	= { K_BUREAU,		R_REVIEWER | R_ADMIN },
	/* R-COL-4: the old county revokes, the new one decides */
	[XJ_ACT_CHANGE_DECIDE]	= { K_COUNTY,		R_REVIEWER | R_ADMIN },
	/* R-COL-7: the no-ID certificate is checked by the child's district;
	 * bureaus above it see the queue */
	[XJ_ACT_NOID_READ]	= { K_BUREAU,		R_REVIEWER | R_ADMIN },
	[XJ_ACT_NOID_DECIDE]	= { K_COUNTY,		R_REVIEWER | R_ADMIN },
	/* R-COL-9: the five certificates are the child's district's to decide
	 * (it issues the study permit); bureaus above it read (review L9) */
	[XJ_ACT_CERT_READ]	= { K_BUREAU,		R_REVIEWER | R_ADMIN },
	[XJ_ACT_CERT_DECIDE]	= { K_COUNTY,		R_REVIEWER | R_ADMIN },
	/* review H1: the registration's county, and the bureaus above it,
	 * void a squat and free the child (scope: the county's path) */
	[XJ_ACT_REG_VOID]	= { K_BUREAU,		R_REVIEWER | R_ADMIN },
	/* review M1a: the bureau the family chose looks the claim up,
	 * wherever the child is registered (audited, rate-limited) */
	[XJ_ACT_CLAIM_LOOKUP]	= { K_BUREAU,		R_REVIEWER | R_ADMIN },
	/* issue 11 item 3: every staff member sees the alerts (a missing
	 * working-day calendar); they name no one */
	[XJ_ACT_ALERTS_READ]	= { K_SCHOOL | K_BUREAU, R_CLERK | R_REVIEWER | R_ADMIN },
	/* R-REC-7: the school issues and prints certificates of its own
	 * students (经办人: a clerk or reviewer); the school and the bureaus
	 * above it read the counterfoils in their scope */
	[XJ_ACT_SCERT_ISSUE]	= { K_SCHOOL,		R_CLERK | R_REVIEWER },
	[XJ_ACT_SCERT_PRINT]	= { K_SCHOOL,		R_CLERK | R_REVIEWER },
	[XJ_ACT_SCERT_READ]	= { K_SCHOOL | K_BUREAU, R_CLERK | R_REVIEWER | R_ADMIN },
	/* issue 11 (wf), R-MOV-1: the receiving school applies; every party
	 * and the bureaus above read the cases and their inboxes; the open
	 * step's org decides (the step row names the role, school/workflow.c);
	 * the initiating school forces an overdue step up (R-ORG-6) */
	[XJ_ACT_TRANSFER_START]	= { K_SCHOOL,		R_CLERK | R_REVIEWER },
	[XJ_ACT_WF_READ]	= { K_SCHOOL | K_BUREAU, R_CLERK | R_REVIEWER | R_ADMIN },
	[XJ_ACT_WF_DECIDE]	= { K_SCHOOL | K_BUREAU, R_REVIEWER | R_ADMIN },
	[XJ_ACT_WF_ESCALATE]	= { K_SCHOOL,		R_REVIEWER },
	/* issue 11 item 8: a school's reviewer runs its own year-end
	 * batches, a county's reviewer or administrator its county's or one
	 * of its schools'; the staff of the scope and bureaus above read
	 * the progress */
	[XJ_ACT_YEAREND_RUN]	= { K_SCHOOL | K_COUNTY, R_REVIEWER | R_ADMIN },
	[XJ_ACT_YEAREND_READ]	= { K_SCHOOL | K_BUREAU, R_CLERK | R_REVIEWER | R_ADMIN },
	/* the record's history: whoever may read the record (R-ORG-3) */
	[XJ_ACT_RECORD_HISTORY]	= { K_SCHOOL | K_BUREAU, R_CLERK | R_REVIEWER | R_ADMIN },
	/* issue 12 (R-DUP-1): the problem groups with a record in scope --
	 * the school that resolves, the county that approves, the bureaus
	 * above that watch */
	[XJ_ACT_PROBLEM_READ]	= { K_SCHOOL | K_BUREAU, R_CLERK | R_REVIEWER | R_ADMIN },
	/* R-DUP-2: the record's school resolves (a delete is its own
	 * decision, self-approved; its reviewer signs it, as it signs a list) */
	[XJ_ACT_PROBLEM_RESOLVE] = { K_SCHOOL,		R_REVIEWER },
};

/* issue 14: the names of the actions, as the session answer lists what
 * the signed-in staff member may do (GET /session "may"), so that the
 * staff pages show only what this table allows: the pages keep no copy
 * of it. A name is the enum's, lower case; a name is never reused. */
static const char *const act_name[XJ_ACT__N] = {
	[XJ_ACT_APPLICANT] = "applicant",
	[XJ_ACT_TICK] = "tick",
	[XJ_ACT_LIST_SUBMIT] = "list_submit",
	[XJ_ACT_LIST_READ] = "list_read",
	[XJ_ACT_LIST_DECIDE] = "list_decide",
	[XJ_ACT_NOTICE_ISSUE] = "notice_issue",
	[XJ_ACT_NOTICE_READ] = "notice_read",
	[XJ_ACT_ACCOUNTS] = "accounts",
	[XJ_ACT_CHANGE_READ] = "change_read",
	[XJ_ACT_CHANGE_DECIDE] = "change_decide",
	[XJ_ACT_NOID_READ] = "noid_read",
	[XJ_ACT_NOID_DECIDE] = "noid_decide",
	[XJ_ACT_CERT_READ] = "cert_read",
	[XJ_ACT_CERT_DECIDE] = "cert_decide",
	[XJ_ACT_REG_VOID] = "reg_void",
	[XJ_ACT_CLAIM_LOOKUP] = "claim_lookup",
	[XJ_ACT_ALERTS_READ] = "alerts_read",
	[XJ_ACT_SCERT_ISSUE] = "scert_issue",
	[XJ_ACT_SCERT_PRINT] = "scert_print",
	[XJ_ACT_SCERT_READ] = "scert_read",
	[XJ_ACT_TRANSFER_START] = "transfer_start",
	[XJ_ACT_WF_READ] = "wf_read",
	[XJ_ACT_WF_DECIDE] = "wf_decide",
	[XJ_ACT_WF_ESCALATE] = "wf_escalate",
	[XJ_ACT_YEAREND_RUN] = "yearend_run",
	[XJ_ACT_YEAREND_READ] = "yearend_read",
	[XJ_ACT_RECORD_HISTORY] = "record_history",
	[XJ_ACT_PROBLEM_READ] = "problem_read",
	[XJ_ACT_PROBLEM_RESOLVE] = "problem_resolve",
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

int
xj_school_may(struct xj_req *r, enum xj_school_act act, struct xj_school_actor *a)
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

void
xj_school_may_gen(yajl_gen g, const char *kind, const char *role)
{
	unsigned k = kind_bit(kind), rb = role_bit(role);

	for (unsigned a = 0; a < XJ_ACT__N; a++)
		if ((may[a].kinds & k) && (may[a].roles & rb) && act_name[a] != NULL)
			yajl_gen_string(g, (const unsigned char *)act_name[a], strlen(act_name[a]));
}
