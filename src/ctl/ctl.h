/* ctl.h -- xuejictl subcommands. Each takes the loaded configuration and
 * an admin connection (the schema owner, [admin_db]) and prints what it
 * did; 0 ok, non-zero failure with a message on stderr. */
#ifndef XJ_CTL_H
#define XJ_CTL_H

#include "core/conf.h"

struct xj_db;

int	xj_ctl_grant_app(struct xj_db *, const struct xj_conf *, const char *host);
int	xj_ctl_seed_demo(struct xj_db *, const struct xj_conf *, const char *password);
int	xj_ctl_window_set(struct xj_db *, int year, const char *division,
	    const char *opens, const char *closes);
int	xj_ctl_age_set(struct xj_db *, const char *province, int min_age, const char *cutoff);

#endif
