/* psb.h -- identity verification with public security (公安身份核验,
 * R-COL-5): the gateway's side of docs/psb.md, /callback/psb/v1/. Every
 * route has role XJ_ROLE_PSB: the dispatcher checks the signed headers
 * (auth/auth.c) before a handler runs. */
#ifndef XJ_PSB_H
#define XJ_PSB_H

#include "core/router.h"

extern const struct xj_route xj_psb_routes[];

struct xj_conf;
/* Once at start: the [collection] psb_* settings (lease, batch size). */
void	xj_psb_setup(const struct xj_conf *);
extern const struct xj_conf *xj_psb_conf;

struct xj_req;
/* requests.c: GET /callback/psb/v1/requests?max=N */
int	xj_psb_pull(struct xj_req *);
/* results.c: POST /callback/psb/v1/results */
int	xj_psb_results(struct xj_req *);

#endif
