/* router.c -- match method + path against route tables (see router.h). */
#include "config.h"

#include <string.h>

#include "router.h"

static const char *mnames[] = {
	"OTHER", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"
};

enum xj_method
xj_method_parse(const char *s)
{
	if (s == NULL)
		return XJ_M_OTHER;
	for (int i = 1; i < (int)(sizeof(mnames) / sizeof(mnames[0])); i++)
		if (strcmp(s, mnames[i]) == 0)
			return (enum xj_method)i;
	return XJ_M_OTHER;
}

const char *
xj_method_name(enum xj_method m)
{
	return (unsigned)m < sizeof(mnames) / sizeof(mnames[0]) ? mnames[m] : "OTHER";
}

int
xj_portal_parse(const char *s)
{
	static const struct { const char *n; int m; } t[] = {
		{ "parent", XJ_P_SYSTEM | XJ_P_PARENT },
		{ "school", XJ_P_SYSTEM | XJ_P_SCHOOL },
		{ "exchange", XJ_P_SYSTEM | XJ_P_EXCHANGE },
		{ "psb", XJ_P_SYSTEM | XJ_P_PSB },
		/* issue 16: the sign-in pool, sent only the sign-in, sign-up,
		 * code and password routes of both portals by nginx */
		{ "auth", XJ_P_SYSTEM | XJ_P_PARENT | XJ_P_SCHOOL },
		{ "all", XJ_P_ALL },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (s && strcmp(s, t[i].n) == 0)
			return t[i].m;
	return -1;
}

/* Split "/a/b/c" into segments; the path must start with '/', must not end
 * with '/' (except "/" itself) and must not hold empty segments. */
static int
split(struct xj_str path, struct xj_str *seg, int max)
{
	int n = 0;
	size_t i = 1, start;

	if (path.len == 0 || path.p[0] != '/')
		return -1;
	if (path.len == 1)
		return 0;
	while (i <= path.len) {
		start = i;
		while (i < path.len && path.p[i] != '/')
			i++;
		if (i == start || n == max)
			return -1;
		seg[n].p = path.p + start;
		seg[n].len = i - start;
		n++;
		i++;
	}
	return n;
}

static int
match(const char *pattern, const struct xj_str *seg, int nseg,
    struct xj_route_params *pp)
{
	const char *p = pattern;
	int k = 0;

	pp->n = 0;
	if (strcmp(p, "/") == 0)
		return nseg == 0;
	while (*p == '/') {
		const char *end = strchr(p + 1, '/');
		size_t len = end ? (size_t)(end - p - 1) : strlen(p + 1);
		if (k == nseg)
			return 0;
		if (len >= 2 && p[1] == '{' && p[len] == '}') {
			if (pp->n == XJ_MAX_PARAMS)
				return 0;
			pp->name[pp->n].p = p + 2;
			pp->name[pp->n].len = len - 2;
			pp->value[pp->n] = seg[k];
			pp->n++;
		} else if (seg[k].len != len || memcmp(seg[k].p, p + 1, len) != 0)
			return 0;
		k++;
		p += len + 1;
	}
	return k == nseg;
}

const struct xj_route *
xj_route_find(const struct xj_route *const *tables, enum xj_method m,
    struct xj_str path, struct xj_route_params *pp, int *path_known,
    unsigned *allow)
{
	struct xj_str seg[XJ_MAX_SEGMENTS];
	struct xj_route_params tmp;
	int nseg = split(path, seg, XJ_MAX_SEGMENTS);

	*path_known = 0;
	*allow = 0;
	if (nseg < 0)
		return NULL;
	for (; *tables; tables++)
		for (const struct xj_route *r = *tables; r->path; r++) {
			if (!match(r->path, seg, nseg, &tmp))
				continue;
			if (r->method == m || (m == XJ_M_HEAD && r->method == XJ_M_GET)) {
				*pp = tmp;
				return r;
			}
			*path_known = 1;
			*allow |= 1u << r->method;
		}
	return NULL;
}

struct xj_str
xj_route_param(const struct xj_route_params *pp, const char *name)
{
	for (int i = 0; i < pp->n; i++)
		if (xj_str_eq(pp->name[i], name))
			return pp->value[i];
	return XJ_STR_NULL;
}
