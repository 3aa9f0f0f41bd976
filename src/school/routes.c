/* routes.c -- the school portal's route table (/api/school/v1/). Every
 * staff route needs a staff session (auth/auth.h); which staff role may do
 * what is the handler's business, after it knows the target (R-ORG-3). */
#include "config.h"

#include <stddef.h>

#include "core/conf.h"
#include "school.h"

const struct xj_conf *xj_school_conf;

void
xj_school_setup(const struct xj_conf *c)
{
	xj_school_conf = c;
}

const struct xj_route xj_school_routes[] = {
	{ XJ_M_POST, "/api/school/v1/session", XJ_ROLE_PUBLIC, 1024, xj_school_login },
	{ XJ_M_GET, "/api/school/v1/session", XJ_ROLE_STAFF, 0, xj_school_whoami },
	{ XJ_M_DELETE, "/api/school/v1/session", XJ_ROLE_STAFF, 0, xj_school_logout },
	{ XJ_M_GET, "/api/school/v1/certificate-reviews", XJ_ROLE_STAFF, 0, xj_school_certreview_list },
	{ XJ_M_GET, "/api/school/v1/certificate-reviews/{no}", XJ_ROLE_STAFF, 0, xj_school_certreview_get },
	{ XJ_M_POST, "/api/school/v1/certificate-reviews/{no}/decision", XJ_ROLE_STAFF, 2048,
	  xj_school_certreview_decide },
	XJ_ROUTE_END
};
