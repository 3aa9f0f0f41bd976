/* system.h -- routes every worker answers whatever its portal: health,
 * version and the public reference code lists. */
#ifndef XJ_SYSTEM_H
#define XJ_SYSTEM_H

#include "core/router.h"

extern const struct xj_route xj_system_routes[];

struct xj_req;
int	xj_system_healthz(struct xj_req *);
void	xj_system_health_fini(void);
int	xj_system_version(struct xj_req *);
int	xj_system_idcheck(struct xj_req *);
int	xj_system_privacy_notice(struct xj_req *);

/* Set once at start for /api/version. */
void	xj_system_set_portal(const char *portal);

#endif
