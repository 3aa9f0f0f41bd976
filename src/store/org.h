/* org.h -- the organisation tree (R-ORG-1): lookups by code and id. An
 * org's `path` is the chain of codes from the top; scope tests compare
 * path prefixes (R-ORG-3). */
#ifndef XJ_STORE_ORG_H
#define XJ_STORE_ORG_H

struct xj_db;

struct xj_org {
	unsigned	 id;
	char		 kind[12];
	char		 code[13];
	char		 name[401];
	char		 path[129];
};

/* XJ_OK, XJ_NO_ROW or a db error. */
int	xj_org_by_code(struct xj_db *, const char *kind, const char *code, struct xj_org *);
int	xj_org_by_id(struct xj_db *, unsigned id, struct xj_org *);
/* 1 when `inner` lies within `outer` (or is it). */
int	xj_org_within(const struct xj_org *inner, const struct xj_org *outer);

#endif
