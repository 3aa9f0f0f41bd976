/* dispatch.c -- route, bound, parse, authorise, handle, log (dispatch.h). */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "dispatch.h"
#include "err.h"
#include "log.h"
#include "req.h"
#include "store/audit.h"

static int
is_json(struct xj_str ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof(want) - 1;

	if (ct.len < n || strncasecmp(ct.p, want, n) != 0)
		return 0;
	return ct.len == n || ct.p[n] == ';' || ct.p[n] == ' ';
}

static int
allow_header(struct xj_req *r, unsigned allow)
{
	char buf[64] = "";

	if (allow & (1u << XJ_M_GET))
		allow |= 1u << XJ_M_HEAD;
	for (int m = XJ_M_GET; m <= XJ_M_DELETE; m++)
		if (allow & (1u << m)) {
			if (buf[0])
				strcat(buf, ", ");
			strcat(buf, xj_method_name((enum xj_method)m));
		}
	return xj_resp_header(r, "Allow", buf);
}

static int
authorise(const struct xj_dispatch *d, struct xj_req *r, int role)
{
	return d->auth == NULL ? XJ_E_FORBIDDEN : d->auth(r, role);
}

static int parse_and_handle(const struct xj_dispatch *, struct xj_req *,
    const struct xj_route *, int authorised);

static int
run(const struct xj_dispatch *d, struct xj_req *r)
{
	const struct xj_route *rt;
	int known, rc, signed_body;
	unsigned allow;
	size_t limit;

	rt = xj_route_find(d->tables, r->method, r->path, &r->params, &known, &allow);
	if (rt == NULL) {
		if (!known)
			return XJ_E_NOT_FOUND;
		allow_header(r, allow);
		return xj_resp_error(r, XJ_E_METHOD, NULL);
	}
	r->route = rt;
	limit = rt->body_limit < d->body_limit ? rt->body_limit : d->body_limit;
	if ((rc = xj_req_read_body(r, limit)) != XJ_OK)
		return rc;
	/* a signature over the raw body is checked before anything parses
	 * the body: an unsigned caller makes us parse nothing (review L6);
	 * a sign-in is admitted before its body is parsed too (issue 16) */
	signed_body = rt->role == XJ_ROLE_PSB || rt->role == XJ_ROLE_SIGNIN ||
	    rt->role == XJ_ROLE_EXCHANGE;
	if (signed_body && (rc = authorise(d, r, rt->role)) != XJ_OK)
		return rc;
	if (rt->role == XJ_ROLE_SIGNIN) {
		rc = parse_and_handle(d, r, rt, 1);
		if (d->leave != NULL)
			d->leave(r, rt->role);
		return rc;
	}
	return parse_and_handle(d, r, rt, signed_body);
}

static int
parse_and_handle(const struct xj_dispatch *d, struct xj_req *r, const struct xj_route *rt,
    int authorised)
{
	int rc;

	/* XML, not JSON: the handler reads it within its own limits
	 * (exchange/xmlin.c); the signature was checked in run() */
	if (rt->role == XJ_ROLE_EXCHANGE)
		return rt->handler(r);
	if (r->body.len > 0 && !(rt->flags & XJ_RT_RAW_BODY)) {
		const char *why = NULL;
		if (!is_json(r->content_type))
			return XJ_E_MEDIA_TYPE;
		rc = xj_json_parse(r->arena, r->body.p, r->body.len, &d->json,
		    &r->json, &why);
		if (rc != XJ_OK) {
			xj_log(XJ_LOG_INFO, "json_refused", "%s", "reason", why);
			return rc;
		}
	}
	if (!authorised && rt->role != XJ_ROLE_PUBLIC &&
	    (rc = authorise(d, r, rt->role)) != XJ_OK)
		return rc;
	/* who may take the route's action, before the handler: one table
	 * (school/scope.c), not a check each handler may forget; a route
	 * naming an action and no hook to judge it is refused */
	if (rt->action != 0 &&
	    (rc = d->policy == NULL ? XJ_E_FORBIDDEN : d->policy(r, rt)) != XJ_OK)
		return rc;
	return rt->handler(r);
}

void
xj_dispatch_run(const struct xj_dispatch *d, struct xj_req *r)
{
	struct timespec t1;
	long us;
	int rc;

	rc = run(d, r);
	if (!r->responded && !(d->refuse != NULL && r->route != NULL &&
	    d->refuse(r, r->route->role, rc == XJ_OK ? XJ_E_INTERNAL : rc)))
		xj_resp_error(r, rc == XJ_OK ? XJ_E_INTERNAL : rc, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (t1.tv_sec - r->t0.tv_sec) * 1000000L + (t1.tv_nsec - r->t0.tv_nsec) / 1000;
	/* the route pattern, never the raw path: paths carry identifiers;
	 * who asked (M6): the account and org ids the session named, never a
	 * login, phone or number (0 = nobody signed in) */
	xj_log(r->status >= 500 ? XJ_LOG_WARN : XJ_LOG_INFO, "request",
	    "%s%s%d%s%ld%s%lld%u", "method", xj_method_name(r->method),
	    "route", r->route ? r->route->path : "-", "status", r->status,
	    "error", r->err ? xj_err_info(r->err)->code : "", "us", us,
	    "actor", r->actor_type ? xj_actor_type_name((enum xj_actor_type)r->actor_type) : "-",
	    "actor_id", (long long)r->actor_id, "org", r->actor_org);
}
