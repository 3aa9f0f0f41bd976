/* school.h -- the school and education-bureau portal, /api/school/v1/
 * (R-ORG-1..4): staff sign-in with one live session per account, and the
 * district's five-certificate review (R-COL-9). */
#ifndef XJ_SCHOOL_H
#define XJ_SCHOOL_H

#include "core/router.h"

struct xj_conf;
extern const struct xj_route xj_school_routes[];
extern const struct xj_conf *xj_school_conf;	/* set by xj_school_setup */
void	xj_school_setup(const struct xj_conf *);

struct xj_req;
/* session.c */
int	xj_school_login(struct xj_req *);
int	xj_school_whoami(struct xj_req *);
int	xj_school_logout(struct xj_req *);
/* certreview.c */
int	xj_school_certreview_list(struct xj_req *);
int	xj_school_certreview_get(struct xj_req *);
int	xj_school_certreview_decide(struct xj_req *);

#endif
