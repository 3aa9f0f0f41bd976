/* refcodes.c -- public code lists for forms: GET /api/ref/v1/ethnicities,
 * /api/ref/v1/id-doc-types and /api/ref/v1/divisions[?parent=CODE]
 * (children of a division; provinces without parent). Served from the
 * in-memory reference data, so the May form traffic costs no query. */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "core/req.h"
#include "store/refdata.h"
#include "system.h"


static int
code_list(struct xj_req *r, int doc)
{
	const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
	const struct xj_ref_code *c;
	size_t n;
	yajl_gen g;

	if (ref == NULL)
		return XJ_E_UNAVAILABLE;
	c = doc ? ref->doc : ref->eth;
	n = doc ? ref->ndoc : ref->neth;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		xj_gen_str(g, "code", c[i].code);
		xj_gen_str(g, "name", c[i].name);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

static int
ethnicities(struct xj_req *r)
{
	return code_list(r, 0);
}

static int
doc_types(struct xj_req *r)
{
	return code_list(r, 1);
}

static int
divisions(struct xj_req *r)
{
	const struct xj_refdata *ref;
	struct xj_str parent;
	char want[7] = "";
	yajl_gen g;
	int err;

	parent = xj_req_query(r, "parent", &err);
	if (err != XJ_OK)
		return err;
	if (parent.p != NULL) {
		if (parent.len != 6 || strspn(parent.p, "0123456789") != 6)
			return xj_resp_error(r, XJ_E_BAD_QUERY, "parent");
		memcpy(want, parent.p, 6);
	}
	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	if (want[0] && xj_ref_division(ref, want) == NULL)
		return xj_resp_error(r, XJ_E_NOT_FOUND, "parent");
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < ref->ndiv; i++) {
		const struct xj_ref_div *d = &ref->div[i];
		if (strcmp(d->parent, want) != 0)
			continue;
		yajl_gen_map_open(g);
		xj_gen_str(g, "code", d->code);
		xj_gen_str(g, "name", d->name);
		xj_gen_int(g, "level", d->level);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

const struct xj_route xj_system_routes[] = {
	{ XJ_M_GET, "/healthz", XJ_ROLE_PUBLIC, 0, xj_system_healthz },
	{ XJ_M_GET, "/api/version", XJ_ROLE_PUBLIC, 0, xj_system_version },
	{ XJ_M_GET, "/api/ref/v1/ethnicities", XJ_ROLE_PUBLIC, 0, ethnicities },
	{ XJ_M_GET, "/api/ref/v1/id-doc-types", XJ_ROLE_PUBLIC, 0, doc_types },
	{ XJ_M_GET, "/api/ref/v1/divisions", XJ_ROLE_PUBLIC, 0, divisions },
	{ XJ_M_POST, "/api/ref/v1/id-number-checks", XJ_ROLE_PUBLIC, 1024, xj_system_idcheck },
	{ XJ_M_GET, "/api/ref/v1/privacy-notice", XJ_ROLE_PUBLIC, 0, xj_system_privacy_notice },
	XJ_ROUTE_END
};
