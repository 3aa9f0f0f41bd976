/* notice.c -- GET /api/ref/v1/privacy-notice: the privacy notice in force
 * (PIPL arts. 17, 31; review finding M12; docs/privacy.md). A guardian
 * reads it before registering and the registration names the version
 * accepted (privacy_notice_version); a create naming any other version is
 * refused with privacy_notice_outdated.
 *   200 {"version","published_at","text":{"zh","en"}}
 *   503 when no notice is published (a deployment must publish one) */
#include "config.h"

#include "core/err.h"
#include "core/req.h"
#include "domain/window.h"
#include "store/privacy.h"
#include "system.h"

int
xj_system_privacy_notice(struct xj_req *r)
{
	struct xj_privacy_notice *n = xj_calloc(r->arena, 1, sizeof(*n));
	char t[26];
	yajl_gen g;
	int rc;

	if (n == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_privacy_notice_current(r->db, n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_UNAVAILABLE : rc;
	xj_datetime_format_db(n->published_at, t);
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_int(g, "version", n->version);
	xj_gen_str(g, "published_at", t);
	xj_gen_key(g, "text");
	yajl_gen_map_open(g);
	xj_gen_str(g, "zh", n->text_zh);
	xj_gen_str(g, "en", n->text_en);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
