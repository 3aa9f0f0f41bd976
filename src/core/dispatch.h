/* dispatch.h -- the one walker every request goes through (STYLE.md
 * "one handler shape"): match the route, bound and read the body, require
 * JSON where a body is sent, parse it within limits, check the role and
 * the access policy of the route's action, run
 * the handler, turn a returned error into the error format, and write one
 * access-log line. Handlers start at step "bind and validate". */
#ifndef XJ_DISPATCH_H
#define XJ_DISPATCH_H

#include <stddef.h>
#include "json.h"
#include "router.h"

struct xj_req;

/* Establish who calls a route whose role is not public: XJ_OK with the
 * actor set on the request, or an error (401/403/...). Set by the
 * program (auth/ is above core/ in the dependency order). */
typedef int (*xj_auth_fn)(struct xj_req *, int role);
/* After auth, for a route naming an action (xj_route.action): XJ_OK when
 * the actor may take it (the portal's policy table, school/scope.c), or
 * an error (403); the hook may keep the resolved actor on the request
 * (r->policy_actor). Set by the program, like auth. */
typedef int (*xj_policy_fn)(struct xj_req *, const struct xj_route *);

struct xj_dispatch {
	const struct xj_route *const	*tables;	/* NULL-terminated */
	xj_auth_fn			 auth;
	xj_policy_fn			 policy;
	/* after the handler of a route whose auth admitted it for a while
	 * (XJ_ROLE_SIGNIN): gives the admission back */
	void				(*leave)(struct xj_req *, int role);
	/* a refusal before or by the handler, for routes whose callers do
	 * not read the JSON error format (XJ_ROLE_EXCHANGE: a signed XML
	 * Receipt): answers err and returns 1, or returns 0 to leave it to
	 * the error format. May be NULL. */
	int				(*refuse)(struct xj_req *, int role, int err);
	size_t				 body_limit;	/* global cap */
	struct xj_json_limits		 json;
};

void	xj_dispatch_run(const struct xj_dispatch *, struct xj_req *);

#endif
