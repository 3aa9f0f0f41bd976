/* policy.c -- unit tests of the school portal's access policy
 * (src/school/scope.c): every staff route of the real table names an
 * action with a complete row, and a table in which a staff route escapes
 * the policy is refused, as xuejid refuses to start with it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/router.h"
#include "school/school.h"
#include "tap.h"

static int h(struct xj_req *r) { (void)r; return 0; }

static int
refused(const struct xj_route *t, const char *want)
{
	char err[256] = "";
	int rc = xj_school_policy_check(t, err, sizeof(err));

	if (rc == 0)
		return 0;
	if (strstr(err, want) == NULL) {
		diag("error: %s", err);
		return 0;
	}
	return 1;
}

int
main(void)
{
	char err[256] = "";
	int staff = 0, named = 0;

	plan_lazy();
	ok(xj_school_policy_check(xj_school_routes, err, sizeof(err)) == 0,
	    "policy_every_school_route_names_an_action %s", err);
	for (const struct xj_route *rt = xj_school_routes; rt->path; rt++)
		if (rt->role == XJ_ROLE_STAFF || rt->role == XJ_ROLE_STAFF_SETUP) {
			staff++;
			named += rt->action > XJ_ACT_NONE && rt->action < XJ_ACT__N;
		}
	ok(staff > 40 && named == staff, "policy_staff_routes_counted %d of %d", named, staff);
	{
		/* the public names (printed, and listed to the staff pages): one
		 * per action, lower case, none twice */
		int bad = 0;
		for (int a = XJ_ACT_NONE + 1; a < XJ_ACT__N; a++) {
			const char *n = xj_school_act_name((enum xj_school_act)a);
			if (n == NULL || strspn(n, "abcdefghijklmnopqrstuvwxyz_") != strlen(n))
				bad++;
			for (int b = a + 1; n && b < XJ_ACT__N; b++) {
				const char *m = xj_school_act_name((enum xj_school_act)b);
				bad += m != NULL && strcmp(n, m) == 0;
			}
		}
		ok(bad == 0, "policy_action_names_lower_case_and_unique (%d bad)", bad);
		ok(xj_school_act_name(XJ_ACT_NONE) == NULL, "policy_no_action_has_no_name");
	}
	{
		static const struct xj_route t[] = {
			{ XJ_M_GET, "/api/school/v1/alerts", XJ_ROLE_STAFF, 0, h,
			  .action = XJ_ACT_ALERTS_READ },
			{ XJ_M_GET, "/api/school/v1/new-thing", XJ_ROLE_STAFF, 0, h },
			XJ_ROUTE_END
		};
		ok(refused(t, "/api/school/v1/new-thing names no action"),
		    "policy_staff_route_without_action_refused");
	}
	{
		static const struct xj_route t[] = {
			{ XJ_M_GET, "/api/school/v1/x", XJ_ROLE_STAFF, 0, h, .action = XJ_ACT__N },
			XJ_ROUTE_END
		};
		ok(refused(t, "names no action"), "policy_action_out_of_range_refused");
	}
	{
		/* a setup route reaches a session that must change its password
		 * first: it may only be an any-staff action */
		static const struct xj_route t[] = {
			{ XJ_M_GET, "/api/school/v1/x", XJ_ROLE_STAFF_SETUP, 0, h,
			  .action = XJ_ACT_REC_READ },
			XJ_ROUTE_END
		};
		ok(refused(t, "XJ_ROLE_STAFF_SETUP"), "policy_setup_route_only_any_staff");
	}
	{
		static const struct xj_route t[] = {
			{ XJ_M_GET, "/api/school/v1/x", XJ_ROLE_STAFF, 0, h,
			  .action = XJ_ACT_ANY_STAFF },
			XJ_ROUTE_END
		};
		ok(refused(t, "XJ_ROLE_STAFF_SETUP"), "policy_any_staff_only_on_setup_routes");
	}
	{
		static const struct xj_route t[] = {
			{ XJ_M_GET, "/api/school/v1/x", XJ_ROLE_PUBLIC, 0, h,
			  .action = XJ_ACT_REC_READ },
			XJ_ROUTE_END
		};
		ok(refused(t, "not a staff route"), "policy_public_route_with_action_refused");
	}
	{
		static const struct xj_route t[] = {
			{ XJ_M_POST, "/api/school/v1/session", XJ_ROLE_SIGNIN, 1024, h },
			XJ_ROUTE_END
		};
		ok(xj_school_policy_check(t, err, sizeof(err)) == 0,
		    "policy_signin_route_needs_no_action");
	}
	return done_testing();
}
