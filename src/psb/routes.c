/* routes.c -- the PSB gateway's route table (/callback/psb/v1/). A pull
 * has no body; a results post of psb_batch_max (500) mismatches naming
 * every field with 64-character ids is about 90 KB, so 128 KiB (nginx's
 * client_max_body_size for the location and the PSB pool's [server]
 * body_limit must allow it too; docs/psb.md §8). */
#include "config.h"

#include <stddef.h>

#include "core/conf.h"
#include "psb.h"

#define RESULTS_BODY_LIMIT	(128 * 1024)

const struct xj_conf *xj_psb_conf;

void
xj_psb_setup(const struct xj_conf *c)
{
	xj_psb_conf = c;
}

const struct xj_route xj_psb_routes[] = {
	{ XJ_M_GET, "/callback/psb/v1/requests", XJ_ROLE_PSB, 0, xj_psb_pull },
	{ XJ_M_POST, "/callback/psb/v1/results", XJ_ROLE_PSB, RESULTS_BODY_LIMIT, xj_psb_results },
	XJ_ROUTE_END
};
