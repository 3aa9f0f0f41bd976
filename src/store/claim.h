/* claim.h -- the child's claim (R-COL-2) when it is contested (review H1,
 * M1a): the county voids a registration and so frees the child, the
 * claim-release job voids registrations left in id_mismatch past
 * [claims] mismatch_release_days, and district staff look up who holds a
 * child. Store functions only: who may act is school/scope.c's. */
#ifndef XJ_STORE_CLAIM_H
#define XJ_STORE_CLAIM_H

#include <stddef.h>
#include "domain/regstate.h"

struct xj_db;
struct xj_actor;

/* A registration by number with its county's org path ("" when the
 * county has no org row): XJ_OK or XJ_NO_ROW. */
int	xj_claim_target(struct xj_db *, const char *prereg, unsigned long long *reg_id,
	    char county[7], char county_path[129]);

/* In the caller's transaction: lock the registration, move it to void by
 * ev (XJ_REV_COUNTY_VOID or XJ_REV_MISMATCH_EXPIRED) through the state
 * table, delete its claim, retire its open PSB request and certificate
 * review, write the history event (detail = reason, what the family
 * reads) and the audit entry `action` of `who`. XJ_OK with *prereg set;
 * XJ_NO_ROW; the state table's XJ_E_REG_TRANSITION / XJ_E_REG_ACCEPTED;
 * or a db error. */
int	xj_claim_void(struct xj_db *, unsigned long long reg_id, enum xj_reg_event ev,
	    const char *reason, const struct xj_actor *who, const char *action,
	    char prereg[17]);

/* Lock up to max registrations in id_mismatch not updated for `days`
 * days, oldest first, skipping rows another runner holds. */
int	xj_claim_expired(struct xj_db *, int days, size_t max, unsigned long long *ids,
	    size_t *n);

/* Who holds the claim on a child (blind index of the document). */
struct xj_claim_holder {
	char	prereg[17];
	char	county[7];
	char	county_name[401];
	char	state[25];
	char	child_name[257];
	char	created_at[20];		/* UTC */
	char	updated_at[20];
};
int	xj_claim_holder(struct xj_db *, const unsigned char bidx[32], struct xj_claim_holder *);

/* Count one look-up of a staff account in its hourly window: *used is
 * the count including this one, *retry_s the seconds until the window
 * ends. In the caller's transaction. */
int	xj_claim_quota_take(struct xj_db *, unsigned long long staff_id, long long *used,
	    long long *retry_s);

#endif
