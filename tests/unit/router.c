/* router.c -- unit tests of route matching (src/core/router.h): literal
 * and {param} segments, 404 against 405 with the Allow mask, HEAD served by
 * GET, strict path shape, and the method and portal parsers. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/router.h"
#include "tap.h"

static int h_root(struct xj_req *r) { (void)r; return 0; }
static int h_version(struct xj_req *r) { (void)r; return 0; }
static int h_create(struct xj_req *r) { (void)r; return 0; }
static int h_get(struct xj_req *r) { (void)r; return 0; }
static int h_put(struct xj_req *r) { (void)r; return 0; }
static int h_class(struct xj_req *r) { (void)r; return 0; }
static int h_health(struct xj_req *r) { (void)r; return 0; }
static int h_deep(struct xj_req *r) { (void)r; return 0; }
static int h_too_deep(struct xj_req *r) { (void)r; return 0; }
static int h_head(struct xj_req *r) { (void)r; return 0; }

static const struct xj_route parent_routes[] = {
	{ XJ_M_GET, "/", 0, 0, h_root },
	{ XJ_M_GET, "/api/version", 0, 0, h_version },
	{ XJ_M_POST, "/api/parent/registrations", 0, 65536, h_create },
	{ XJ_M_GET, "/api/parent/registrations/{id}", 0, 0, h_get },
	{ XJ_M_PUT, "/api/parent/registrations/{id}", 0, 4096, h_put },
	{ XJ_M_GET, "/api/schools/{school}/classes/{class}", 0, 0, h_class },
	{ XJ_M_GET, "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", 0, 0, h_deep },
	{ XJ_M_GET, "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", 0, 0, h_too_deep },
	XJ_ROUTE_END
};

static const struct xj_route system_routes[] = {
	{ XJ_M_GET, "/healthz", 0, 0, h_health },
	{ XJ_M_HEAD, "/ping", 0, 0, h_head },
	{ XJ_M_DELETE, "/api/parent/registrations/{id}", 0, 0, h_put },
	XJ_ROUTE_END
};

static const struct xj_route *const tables[] = {
	parent_routes, system_routes, NULL
};

struct res {
	const struct xj_route	*r;
	struct xj_route_params	 pp;
	int			 known;
	unsigned		 allow;
};

static struct res
find(enum xj_method m, const char *path)
{
	struct res x;

	memset(&x, 0, sizeof(x));
	x.known = -1;
	x.allow = 0xdead;
	x.r = xj_route_find(tables, m, xj_str_c(path), &x.pp, &x.known, &x.allow);
	return x;
}

static int
is_404(struct res x)
{
	return x.r == NULL && x.known == 0 && x.allow == 0;
}

#define BIT(m)	(1u << (m))

static void
test_match(void)
{
	struct res x;
	struct xj_str v;

	x = find(XJ_M_GET, "/api/version");
	ok(x.r && x.r->handler == h_version, "router: literal path matches its route");
	ok(x.r && x.pp.n == 0, "router: literal route captures no parameters");
	x = find(XJ_M_GET, "/healthz");
	ok(x.r && x.r->handler == h_health, "router: route in the second table found");
	x = find(XJ_M_GET, "/");
	ok(x.r && x.r->handler == h_root, "router: \"/\" matches the root route");

	x = find(XJ_M_GET, "/api/parent/registrations/R2024-0042");
	ok(x.r && x.r->handler == h_get, "router: {param} segment matches any segment");
	is_int(x.pp.n, 1, "router: one {param} captured");
	v = xj_route_param(&x.pp, "id");
	is_strn(v.p, v.len, "R2024-0042", "router: xj_route_param returns the captured segment");
	v = xj_route_param(&x.pp, "ID");
	ok(v.p == NULL && v.len == 0, "router: xj_route_param of an unknown name is XJ_STR_NULL");

	x = find(XJ_M_GET, "/api/schools/1101/classes/3");
	ok(x.r && x.r->handler == h_class, "router: route with two {param}s matches");
	v = xj_route_param(&x.pp, "school");
	is_strn(v.p, v.len, "1101", "router: first of two parameters captured by name");
	v = xj_route_param(&x.pp, "class");
	is_strn(v.p, v.len, "3", "router: second of two parameters captured by name");
	x = find(XJ_M_GET, "/api/schools/1101/klasses/3");
	ok(is_404(x), "router: literal between parameters must match");

	x = find(XJ_M_PUT, "/api/parent/registrations/7");
	ok(x.r && x.r->handler == h_put && x.r->body_limit == 4096,
	    "router: same path, other method selects the other row");
	x = find(XJ_M_DELETE, "/api/parent/registrations/7");
	ok(x.r && x.r->handler == h_put && x.r->method == XJ_M_DELETE,
	    "router: method found in a later table for a path known earlier");

	{
		static const char buf[] = "/api/version?lang=zh";
		struct xj_route_params pp;
		int known;
		unsigned allow;
		struct xj_str p = { 12, buf };
		ok(xj_route_find(tables, XJ_M_GET, p, &pp, &known, &allow) != NULL,
		    "router: path length comes from len, not a NUL");
	}
	{
		struct xj_route_params pp = { 0 };
		int known;
		unsigned allow;
		struct xj_str p = XJ_STR("/api/parent/registrations/9");
		const struct xj_route *r = xj_route_find(tables, XJ_M_GET, p, &pp,
		    &known, &allow);
		v = xj_route_param(&pp, "id");
		ok(r && v.p >= p.p && v.p + v.len <= p.p + p.len,
		    "router: parameter values point into the request path (no copy)");
	}
}

static void
test_status(void)
{
	struct res x;

	x = find(XJ_M_GET, "/nope");
	ok(is_404(x), "router: unknown path is 404 (not path_known, empty allow)");
	x = find(XJ_M_DELETE, "/api/version");
	ok(x.r == NULL && x.known == 1, "router: known path with another method is 405");
	is_int(x.allow, BIT(XJ_M_GET), "router: 405 allow mask holds the path's GET");
	x = find(XJ_M_GET, "/api/parent/registrations");
	ok(x.r == NULL && x.known == 1 && x.allow == BIT(XJ_M_POST),
	    "router: GET on a POST-only path is 405 allowing POST");
	x = find(XJ_M_POST, "/api/parent/registrations/5");
	ok(x.r == NULL && x.known == 1 &&
	    x.allow == (BIT(XJ_M_GET) | BIT(XJ_M_PUT) | BIT(XJ_M_DELETE)),
	    "router: 405 allow mask collects methods across tables");
	x = find(XJ_M_OTHER, "/api/version");
	ok(x.r == NULL && x.known == 1, "router: unknown method on a known path is 405");

	x = find(XJ_M_HEAD, "/api/version");
	ok(x.r && x.r->handler == h_version, "router: HEAD matches a GET route");
	x = find(XJ_M_HEAD, "/api/parent/registrations");
	ok(x.r == NULL && x.known == 1, "router: HEAD on a POST-only path is 405");
	x = find(XJ_M_HEAD, "/ping");
	ok(x.r && x.r->handler == h_head, "router: explicit HEAD route matches HEAD");
	x = find(XJ_M_GET, "/ping");
	ok(x.r == NULL && x.known == 1, "router: GET does not match a HEAD-only route");
}

static void
test_shape(void)
{
	char path[256];
	struct res x;

	ok(is_404(find(XJ_M_GET, "/api/version/")), "router: trailing slash does not match");
	ok(is_404(find(XJ_M_GET, "/api//version")), "router: empty segment does not match");
	ok(is_404(find(XJ_M_GET, "//api/version")), "router: leading double slash does not match");
	ok(is_404(find(XJ_M_GET, "/api/parent/registrations/")),
	    "router: empty {param} segment does not match");
	ok(is_404(find(XJ_M_GET, "/api/parent/registrations/1/x")),
	    "router: {param} does not span a slash");
	ok(is_404(find(XJ_M_GET, "api/version")), "router: path without leading slash does not match");
	ok(is_404(find(XJ_M_GET, "")), "router: empty path does not match");
	ok(is_404(find(XJ_M_GET, "/api/versionx")), "router: longer segment does not match");
	ok(is_404(find(XJ_M_GET, "/api/versio")), "router: shorter segment does not match");
	ok(is_404(find(XJ_M_GET, "/API/version")), "router: segments are case-sensitive");
	ok(is_404(find(XJ_M_GET, "/api")), "router: prefix of a route does not match");
	ok(is_404(find(XJ_M_GET, "/api/version/extra")), "router: extra segment does not match");
	{
		struct xj_route_params pp;
		int known;
		unsigned allow;
		struct xj_str p = { 6, "/a\0b/c" };
		ok(xj_route_find(tables, XJ_M_GET, p, &pp, &known, &allow) == NULL,
		    "router: path holding a NUL byte does not match");
	}

	x = find(XJ_M_GET, "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16");
	ok(x.r && x.r->handler == h_deep, "router: XJ_MAX_SEGMENTS segments match");
	x = find(XJ_M_GET, "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17");
	ok(is_404(x), "router: more than XJ_MAX_SEGMENTS segments do not match");
	path[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(path, "/a");
	ok(is_404(find(XJ_M_GET, path)), "router: 100 segments refused without overflow");
}

static void
test_parsers(void)
{
	static const struct { const char *s; enum xj_method m; } methods[] = {
		{ "GET", XJ_M_GET }, { "HEAD", XJ_M_HEAD }, { "POST", XJ_M_POST },
		{ "PUT", XJ_M_PUT }, { "PATCH", XJ_M_PATCH }, { "DELETE", XJ_M_DELETE },
	};
	char name[128];

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		snprintf(name, sizeof(name), "router: xj_method_parse(\"%s\")", methods[i].s);
		is_int(xj_method_parse(methods[i].s), methods[i].m, name);
		snprintf(name, sizeof(name), "router: xj_method_name round-trips %s", methods[i].s);
		is_str(xj_method_name(methods[i].m), methods[i].s, name);
	}
	is_int(xj_method_parse("get"), XJ_M_OTHER, "router: methods are case-sensitive");
	is_int(xj_method_parse("OPTIONS"), XJ_M_OTHER, "router: OPTIONS is OTHER");
	is_int(xj_method_parse("GETX"), XJ_M_OTHER, "router: method with a suffix is OTHER");
	is_int(xj_method_parse(""), XJ_M_OTHER, "router: empty method is OTHER");
	is_int(xj_method_parse(NULL), XJ_M_OTHER, "router: NULL method is OTHER");
	is_str(xj_method_name((enum xj_method)99), "OTHER",
	    "router: xj_method_name of an out-of-range value is OTHER");

	is_int(xj_portal_parse("parent"), XJ_P_SYSTEM | XJ_P_PARENT,
	    "router: portal parent includes system routes");
	is_int(xj_portal_parse("school"), XJ_P_SYSTEM | XJ_P_SCHOOL,
	    "router: portal school includes system routes");
	is_int(xj_portal_parse("exchange"), XJ_P_SYSTEM | XJ_P_EXCHANGE,
	    "router: portal exchange includes system routes");
	is_int(xj_portal_parse("psb"), XJ_P_SYSTEM | XJ_P_PSB,
	    "router: portal psb includes system routes");
	is_int(xj_portal_parse("all"), XJ_P_ALL, "router: portal all is every portal");
	is_int(xj_portal_parse("Parent"), -1, "router: portal names are case-sensitive");
	is_int(xj_portal_parse("system"), -1, "router: system is not a selectable portal");
	is_int(xj_portal_parse(""), -1, "router: empty portal refused");
	is_int(xj_portal_parse(NULL), -1, "router: NULL portal refused");
}

int
main(void)
{
	plan_lazy();
	test_match();
	test_status();
	test_shape();
	test_parsers();
	return done_testing();
}
