/* certreview.h -- the five-certificate review of a non-local family
 * (五证, R-COL-9): one cert_review row per registration holding what the
 * family filed (canonical JSON, `details`), the district's decision and
 * its reason; the study permit number the approval issues (counter per
 * county and year, domain/studypermit.h); and the review queue of an org
 * scope (R-ORG-3). The registration's own (state, cert_state) pair moves
 * through store/registration.h's xj_reg_move in the same transaction. */
#ifndef XJ_STORE_CERTREVIEW_H
#define XJ_STORE_CERTREVIEW_H

#include <stddef.h>
#include "domain/regstate.h"
#include "domain/studypermit.h"

struct xj_db;

/* The largest details document the parent portal writes (its field
 * limits add up to well under this, escaped, in UTF-8). */
#define XJ_CERT_DETAILS_MAX	8192
/* the same encrypted (M9): the 33 bytes of crypto/field.h, rounded up */
#define XJ_CERT_DETAILS_CT_MAX	(XJ_CERT_DETAILS_MAX + 64)
/* the column it is encrypted under (the AAD of crypto/field.h) */
#define XJ_CERT_DETAILS_AAD	"cert_review.details"
/* the members every answer masks ("object.member", NULL-terminated) */
extern const char *const xj_cert_masked_members[];

/* A registration with its review (review fields empty when nothing was
 * filed), the reviewer's display name and the org of its county. */
struct xj_certreview {
	unsigned long long	 reg_id;
	char			 prereg[17];
	int			 year;
	char			 county[7];
	unsigned long long	 parent_id;
	struct xj_reg_pos	 pos;
	int			 local_family;
	char			 child_name[257];
	char			 sex[2];
	char			 birth_date[11];
	char			 hukou_code[13];
	char			 study_permit[33];
	char			 state[16];		/* submitted approved rejected; "" = none */
	/* M9: details_ct, encrypted; details only for a filing stored before
	 * migration 0011 and not yet encrypted by cert-details-encrypt */
	char			 details[XJ_CERT_DETAILS_MAX + 1];
	size_t			 details_len;
	unsigned char		 details_ct[XJ_CERT_DETAILS_CT_MAX];
	size_t			 details_ct_len;
	char			 submitted_at[20];	/* UTC; "" = none */
	char			 reviewed_at[20];
	unsigned		 reviewer_id;
	char			 reviewer_name[257];
	char			 reason[1021];
	unsigned		 county_org_id;
	char			 county_path[129];
};

/* By pre-registration number: XJ_OK, XJ_NO_ROW or a db error. */
int	xj_certreview_get(struct xj_db *, const char *prereg, struct xj_certreview *);
/* In a transaction: lock the registration and its review for a
 * certificate event and read where they stand; review_state "" when no
 * review row exists. XJ_OK, XJ_NO_ROW or a db error. */
int	xj_certreview_lock(struct xj_db *, unsigned long long reg_id, struct xj_reg_pos *pos,
	    int *local_family, char review_state[16]);
/* File the certificates (ct: the canonical JSON encrypted under
 * XJ_CERT_DETAILS_AAD): a first filing inserts the row, a refiling
 * rewrites a rejected one back to submitted. XJ_E_CONFLICT when the row
 * is not where the caller's lock said it was. */
int	xj_certreview_file(struct xj_db *, unsigned long long reg_id, const char *county,
	    const unsigned char *ct, size_t len, int refile);
/* Filings still in clear (before 0011), at most XJ_CERT_CLEAR_BATCH,
 * locked in the caller's transaction (SKIP LOCKED: runners on several
 * hosts share the work), into out[]; *n = how many. */
#define XJ_CERT_CLEAR_BATCH	50
struct xj_cert_clear {
	unsigned long long	 reg_id;
	char			 prereg[17];	/* the row its ciphertext is bound to (L1) */
	char			 details[XJ_CERT_DETAILS_MAX + 1];
	size_t			 len;
};
int	xj_certreview_clear_batch(struct xj_db *, struct xj_cert_clear *out, int *n);
/* Replace a clear filing by its ciphertext, if it is still that text. */
int	xj_certreview_seal(struct xj_db *, unsigned long long reg_id, const char *details,
	    size_t len, const unsigned char *ct, size_t ctlen);
/* A cancelled registration takes its pending review out of the queue. */
int	xj_certreview_withdraw(struct xj_db *, unsigned long long reg_id);
/* Decide a submitted review: state "approved" or "rejected".
 * XJ_E_CONFLICT when it is no longer submitted. */
int	xj_certreview_decide(struct xj_db *, unsigned long long reg_id, const char *state,
	    unsigned long long reviewer, const char *reason);
/* Draw the next study permit number of the county and year and record it
 * on the registration, in the caller's transaction (see the migration
 * 0004 for why a counter row and not AUTO_INCREMENT). */
int	xj_study_permit_issue(struct xj_db *, unsigned long long reg_id, const char *county,
	    int year, char out[XJ_STUDY_PERMIT_LEN + 1]);

struct xj_certreview_item {
	char			 prereg[17];
	char			 county[7];
	char			 reg_state[25];
	char			 child_name[257];
	char			 state[16];
	char			 submitted_at[20];	/* UTC */
	char			 cursor[21];		/* submitted_at as YYYYMMDDHHMMSSffffff */
	unsigned long long	 reg_id;
	char			 reviewed_at[20];	/* "" = not yet */
};
/* Reviews in `state` of the counties whose org path starts with
 * path_prefix, oldest first, after the keyset (after_at "YYYY-MM-DD
 * HH:MM:SS.ffffff" UTC, after_id), at most limit, each to fn. Submitted
 * reviews of registrations that ended (cancelled, void, identity
 * rejected) are left out: there is nothing left to decide. */
int	xj_certreview_queue(struct xj_db *, const char *path_prefix, const char *state,
	    const char *after_at, unsigned long long after_id, int limit,
	    void (*fn)(const struct xj_certreview_item *, void *), void *arg);

#endif
