/* router.h -- routes are data (nginx's ngx_command_t): rows of
 * {method, path pattern, role, body limit, handler, action}. One walker
 * matches method and path, and the dispatcher bounds the body, checks the
 * role and, for staff routes, the action's access policy (school/policy.c)
 * before any handler runs. Patterns are literal segments and {name}
 * parameters, each parameter one whole segment. */
#ifndef XJ_ROUTER_H
#define XJ_ROUTER_H

#include <stddef.h>
#include "str.h"

enum xj_method {
	XJ_M_OTHER = 0, XJ_M_GET, XJ_M_HEAD, XJ_M_POST, XJ_M_PUT,
	XJ_M_PATCH, XJ_M_DELETE
};

/* Portals a worker can be restricted to (--portal). */
enum xj_portal {
	XJ_P_SYSTEM	= 0x01,		/* /healthz, /api/version: always on */
	XJ_P_PARENT	= 0x02,
	XJ_P_SCHOOL	= 0x04,
	XJ_P_EXCHANGE	= 0x08,
	XJ_P_PSB	= 0x10,
	XJ_P_ALL	= 0x1f
};

/* Who may call a route; checked before the handler runs. */
enum xj_role {
	XJ_ROLE_PUBLIC = 0,		/* no session needed */
	XJ_ROLE_PARENT,			/* a parent's session cookie */
	/* a parent's session cookie whose generation (logout, password
	 * change) the handler confirms in its own query with
	 * xj_auth_confirm(): one round trip less on a hot route (the status
	 * poll, the registration). A handler that writes confirms before it
	 * writes; until confirmed no 2xx can leave (req.c refuses it). */
	XJ_ROLE_PARENT_CONFIRM,
	XJ_ROLE_STAFF,			/* any staff session */
	/* a staff session, also one that must first change its password or
	 * enrol a second factor (review M10): the password and TOTP routes,
	 * who-am-I and logout; every other staff route refuses such a
	 * session with password_change_required or
	 * second_factor_enrolment_required */
	XJ_ROLE_STAFF_SETUP,
	XJ_ROLE_PSB,			/* the PSB gateway's signature */
	/* no session needed, but admitted through the sign-in door first:
	 * sign-in, sign-up, codes, password reset (issue 16). At most
	 * [security] signin_slots of them run at once per process; one that
	 * cannot get in within a short wait answers 503 busy_retry with
	 * Retry-After, so a storm of them cannot take the threads and the
	 * database sessions the registrations need */
	XJ_ROLE_SIGNIN,
	/* the ministry exchange (issue 13): a detached signature over the
	 * raw body (Xueji-Signature), checked before anything parses it; the
	 * body is XML, parsed by the handler (exchange/xmlin.c), never by the
	 * JSON parser; refusals are answered as signed Receipts */
	XJ_ROLE_EXCHANGE
};

#define XJ_MAX_PARAMS	4
#define XJ_MAX_SEGMENTS	16

struct xj_req;
typedef int (*xj_handler)(struct xj_req *);

struct xj_route {
	enum xj_method	 method;
	const char	*path;
	int		 role;
	size_t		 body_limit;	/* bytes; 0 = no body accepted */
	xj_handler	 handler;
	/* what the route does, for the access policy of its portal: the
	 * school portal's enum xj_school_act (school/school.h); 0 = none
	 * (public, parent and PSB routes; a staff route must name one,
	 * xj_school_policy_check) */
	int		 action;
	unsigned	 flags;		/* XJ_RT_* */
};
#define XJ_ROUTE_END	{ XJ_M_OTHER, NULL, 0, 0, NULL, 0, 0 }
/* The body is bytes the handler reads itself (an evidence file, issue
 * 12), not JSON: the dispatcher bounds it and parses nothing. */
#define XJ_RT_RAW_BODY	0x1

struct xj_route_params {
	int		 n;
	struct xj_str	 name[XJ_MAX_PARAMS];
	struct xj_str	 value[XJ_MAX_PARAMS];
};

enum xj_method	 xj_method_parse(const char *);
const char	*xj_method_name(enum xj_method);
int		 xj_portal_parse(const char *);	/* mask, or -1 */

/* Find the route for method + path in a NULL-terminated list of tables.
 * Returns the route, or NULL with *path_known set when some route has
 * this path but another method (405) and *allow the methods' mask. */
const struct xj_route *xj_route_find(const struct xj_route *const *tables,
	    enum xj_method, struct xj_str path, struct xj_route_params *,
	    int *path_known, unsigned *allow);
/* Value of a path parameter by name (XJ_STR_NULL if none). */
struct xj_str	 xj_route_param(const struct xj_route_params *, const char *);

#endif
