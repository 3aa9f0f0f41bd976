/* fuzz_router.c -- xj_route_find (src/core/router.c) on request paths
 * (the first input byte picks the method). A found route's parameters
 * lie inside the path, are non-empty, contain no '/', and there are at
 * most XJ_MAX_PARAMS; a literal route matches only its own text. */
#include "config.h"

#include "core/router.h"
#include "fuzz.h"

static int h(struct xj_req *r) { (void)r; return 0; }

static const struct xj_route parent_routes[] = {
	{ XJ_M_GET, "/", 0, 0, h },
	{ XJ_M_GET, "/api/version", 0, 0, h },
	{ XJ_M_POST, "/api/parent/v1/registrations", 1, 65536, h },
	{ XJ_M_GET, "/api/parent/v1/registrations/{prereg_no}", 1, 0, h },
	{ XJ_M_PUT, "/api/parent/v1/registrations/{prereg_no}", 1, 65536, h },
	{ XJ_M_GET, "/api/school/v1/schools/{school}/classes/{class}", 2, 0, h },
	{ XJ_M_POST, "/api/school/v1/{a}/{b}/{c}/{d}", 2, 0, h },
	{ XJ_M_GET, "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", 0, 0, h },
	{ XJ_M_GET, "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", 0, 0, h },
	XJ_ROUTE_END
};

static const struct xj_route system_routes[] = {
	{ XJ_M_GET, "/healthz", 0, 0, h },
	{ XJ_M_HEAD, "/ping", 0, 0, h },
	{ XJ_M_DELETE, "/api/parent/v1/registrations/{prereg_no}", 1, 0, h },
	{ XJ_M_POST, "/callback/psb/v1/results", 3, 1 << 20, h },
	XJ_ROUTE_END
};

static const struct xj_route *const tables[] = {
	parent_routes, system_routes, NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum xj_method m[] = {
		XJ_M_OTHER, XJ_M_GET, XJ_M_HEAD, XJ_M_POST, XJ_M_PUT,
		XJ_M_PATCH, XJ_M_DELETE
	};
	const struct xj_route *r;
	struct xj_route_params pp;
	struct xj_str path;
	unsigned allow = 0;
	int known = 0;
	char *buf;

	if (size == 0 || size > 8192)
		return 0;
	buf = fz_copy(data + 1, size - 1);
	path = (struct xj_str){ size - 1, buf };
	memset(&pp, 0, sizeof(pp));
	r = xj_route_find(tables, m[data[0] % 7], path, &pp, &known, &allow);
	if (r != NULL) {
		FZ_ASSERT(r->method == m[data[0] % 7] ||
		    (m[data[0] % 7] == XJ_M_HEAD && r->method == XJ_M_GET));
		FZ_ASSERT(pp.n >= 0 && pp.n <= XJ_MAX_PARAMS);
		if (strchr(r->path, '{') == NULL)
			FZ_ASSERT(xj_str_eq(path, r->path));
		for (int i = 0; i < pp.n; i++) {
			struct xj_str v = pp.value[i];
			FZ_ASSERT(v.p >= buf && v.len > 0 &&
			    v.p + v.len <= buf + path.len);
			FZ_ASSERT(memchr(v.p, '/', v.len) == NULL);
			FZ_ASSERT(pp.name[i].p != NULL && pp.name[i].len > 0);
			FZ_ASSERT(xj_route_param(&pp, "prereg_no").p == NULL ||
			    xj_route_param(&pp, "prereg_no").len > 0);
		}
	} else if (known)
		FZ_ASSERT(allow != 0);
	(void)xj_method_parse(r ? r->path : "GET");
	free(buf);
	return 0;
}
