/* dispatch.h -- the one walker every request goes through (STYLE.md
 * "one handler shape"): match the route, bound and read the body, require
 * JSON where a body is sent, parse it within limits, check the role, run
 * the handler, turn a returned error into the error format, and write one
 * access-log line. Handlers start at step "bind and validate". */
#ifndef XJ_DISPATCH_H
#define XJ_DISPATCH_H

#include <stddef.h>
#include "json.h"
#include "router.h"

struct xj_req;

struct xj_dispatch {
	const struct xj_route *const	*tables;	/* NULL-terminated */
	size_t				 body_limit;	/* global cap */
	struct xj_json_limits		 json;
};

void	xj_dispatch_run(const struct xj_dispatch *, struct xj_req *);

#endif
