/* psb.h -- identity verification requests (R-COL-5, docs/psb.md): the
 * queue the PSB gateway pulls under leases, and the answers it posts.
 * A request row is pending -> offered (leased until offered_until; an
 * expired lease makes it offerable again) -> answered, or superseded
 * when its registration moved on (corrected, cancelled, void). The
 * `token` column is the opaque verification_id of the wire protocol. */
#ifndef XJ_STORE_PSB_H
#define XJ_STORE_PSB_H

#include <stddef.h>
#include "domain/regstate.h"
#include "store/registration.h"

struct xj_db;

#define XJ_PSB_TOKEN_LEN	32	/* 32 hex digits (xj_reg_psb_enqueue) */

/* A request locked by a pull. */
struct xj_psb_claim {
	unsigned long long	 id;
	char			 token[XJ_PSB_TOKEN_LEN + 1];
	unsigned long long	 reg_id;
	unsigned		 reg_version;
};

/* Lock up to max requests that may be offered -- pending, or offered
 * with the lease run out -- oldest first, skipping rows another
 * transaction holds (SELECT ... FOR UPDATE SKIP LOCKED), so that two
 * pulls never claim the same request. out must hold 2 * max rows
 * (both candidate lists); *n gets at most max. Inside a transaction. */
int	xj_psb_claim(struct xj_db *, size_t max, struct xj_psb_claim *out, size_t *n);

/* The registration's identity data as PSB checks it (non-locking read). */
struct xj_psb_subject {
	struct xj_reg_pos	 pos;
	unsigned		 version;
	int			 local_family;
	char			 name[257];
	char			 sex[2];
	char			 birth_date[11];
	char			 doc_type[2];
	unsigned char		 idn_ct[XJ_CT_MAX];
	unsigned long		 idn_ct_len;
	char			 prereg[17];	/* the row idn_ct is bound to */
	/* the first guardian (idx 0), whose link to the child PSB reports
	 * (protocol version 2); g_idn_ct_len 0: no number given */
	char			 g_name[257];
	char			 g_doc_type[2];
	unsigned char		 g_idn_ct[XJ_CT_MAX];
	unsigned long		 g_idn_ct_len;
};
/* XJ_OK, XJ_NO_ROW or a db error. */
int	xj_psb_subject(struct xj_db *, unsigned long long reg_id, struct xj_psb_subject *);

/* Lease a claimed request for lease seconds (offers + 1). */
int	xj_psb_offer(struct xj_db *, unsigned long long id, int lease);
/* Retire one unanswered request: its registration moved on. */
int	xj_psb_retire(struct xj_db *, unsigned long long id);

/* A request as the results callback sees it. */
struct xj_psb_req {
	unsigned long long	 id;
	unsigned long long	 reg_id;
	unsigned		 reg_version;
	char			 state[13];	/* pending offered answered superseded */
	char			 outcome[13];	/* "" while unanswered */
	char			 mismatched[65];	/* "name,birth_date"; "" = none */
	char			 guardian_link[13];	/* "" = none given (protocol 1) */
};
/* By verification id (non-locking): XJ_OK, XJ_NO_ROW or a db error. */
int	xj_psb_by_token(struct xj_db *, const char *token, size_t len, struct xj_psb_req *);
/* Re-read a request FOR UPDATE (after its registration was locked). */
int	xj_psb_lock(struct xj_db *, unsigned long long id, struct xj_psb_req *);
/* Store the answer of an unanswered request: XJ_OK, or XJ_E_CONFLICT
 * when it was answered or retired meanwhile. */
int	xj_psb_answer(struct xj_db *, unsigned long long id, const char *outcome,
	    const char *mismatched, const char *guardian_link);
/* What PSB said of the first guardian (parent household none unknown),
 * on the registration the answer applied to. */
int	xj_psb_set_guardian_link(struct xj_db *, unsigned long long reg_id, const char *link);

/* The registration a result applies to, locked FOR UPDATE: lock order is
 * registration, then psb_request, as a parent's correction takes them. */
struct xj_psb_target {
	char			 prereg[17];
	struct xj_reg_pos	 pos;
	unsigned		 version;
	int			 local_family;
};
int	xj_psb_target_lock(struct xj_db *, unsigned long long reg_id, struct xj_psb_target *);

#endif
