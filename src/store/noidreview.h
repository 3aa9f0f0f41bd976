/* noidreview.h -- the district's check of a no-ID certificate (R-COL-7):
 * a child registered with document type Z and no number cannot be
 * checked by public security (R-COL-5), so the county bureau of its
 * district checks the certificate on file instead. There is no table of
 * its own: the queue is the registrations of type Z without a number that
 * wait in `submitted`, and a decision is an event of the state machine
 * (noid_verified, noid_rejected) applied through store/registration.h's
 * xj_reg_move and xj_reg_event in the caller's transaction. */
#ifndef XJ_STORE_NOIDREVIEW_H
#define XJ_STORE_NOIDREVIEW_H

#include "domain/regstate.h"

struct xj_db;

/* A registration named by its pre-registration number, with the org path
 * of its county ("" when the county has no org) for the scope test. */
struct xj_noid_target {
	unsigned long long	 reg_id;
	char			 prereg[17];
	char			 county[7];
	char			 county_path[129];
};
/* XJ_OK, XJ_NO_ROW or a db error. */
int	xj_noid_target(struct xj_db *, const char *prereg, struct xj_noid_target *);

/* Where the registration stands, its row locked (FOR UPDATE) for the
 * rest of the caller's transaction. */
struct xj_noid_pos {
	struct xj_reg_pos	 pos;
	unsigned		 version;
	int			 local_family;
	int			 noid;		/* xj_reg_noid of its document */
};
/* XJ_OK, XJ_NO_ROW or a db error. */
int	xj_noid_lock(struct xj_db *, unsigned long long reg_id, struct xj_noid_pos *);

struct xj_noid_item {
	unsigned long long	 reg_id;
	char			 prereg[17];
	char			 county[7];
	char			 child_name[257];
	char			 sex[2];
	char			 birth_date[11];
	int			 local_family;
	char			 cert[17];
	unsigned		 version;
	char			 created_at[20];	/* UTC */
	char			 updated_at[20];	/* UTC: registered or last corrected */
};
/* Registrations of type Z without a number waiting in `submitted` in the
 * counties whose org path starts with path_prefix, by id (oldest first)
 * after after_id, at most limit, each to fn. The scan is the index
 * registration_county_state (county_code, state) per county in scope: the
 * submitted rows of the May rush are transient (public security answers
 * within minutes), so it reads few rows besides the type-Z ones. */
int	xj_noid_queue(struct xj_db *, const char *path_prefix, unsigned long long after_id,
	    int limit, void (*fn)(const struct xj_noid_item *, void *), void *arg);

#endif
