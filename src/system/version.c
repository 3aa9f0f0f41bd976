/* version.c -- GET /api/version: build, schema level expected by this
 * build, the portal this worker serves and the reference data generation
 * (which changes on SIGHUP). Answers without a database; the reference
 * data part is null until it could be loaded. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "core/req.h"
#include "domain/window.h"
#include "store/refdata.h"
#include "store/schema.h"
#include "system.h"



static const char *portal = "all";

void
xj_system_set_portal(const char *p)
{
	portal = p;
}

int
xj_system_version(struct xj_req *r)
{
	const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
	yajl_gen g = xj_resp_json(r, 200);
	char ts[32];

	yajl_gen_map_open(g);
	xj_gen_str(g, "name", PACKAGE_NAME);
	xj_gen_str(g, "version", PACKAGE_VERSION);
	xj_gen_int(g, "schema_version", XJ_SCHEMA_VERSION);
	xj_gen_str(g, "portal", portal);
	xj_gen_key(g, "reference_data");
	if (ref == NULL)
		yajl_gen_null(g);
	else {
		/* the API's one time format (domain/window.h) */
		xj_datetime_format_local((long long)ref->loaded_at, ts);
		yajl_gen_map_open(g);
		xj_gen_int(g, "generation", (long long)ref->generation);
		xj_gen_str(g, "loaded_at", ts);
		xj_gen_int(g, "divisions", (long long)ref->ndiv);
		xj_gen_int(g, "division_codes_since_1980", (long long)ref->nhist);
		xj_gen_int(g, "ethnicities", (long long)ref->neth);
		xj_gen_int(g, "id_doc_types", (long long)ref->ndoc);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
