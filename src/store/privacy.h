/* privacy.h -- PIPL (review finding M12, docs/privacy.md): the published
 * privacy notice, the retention purge of registrations that never became
 * a student record, and the deletion of a parent's account. One way to
 * erase a registration serves both: xj_privacy_erase_reg deletes the row
 * and everything hanging off it, with an audit entry, in the caller's
 * transaction. */
#ifndef XJ_STORE_PRIVACY_H
#define XJ_STORE_PRIVACY_H

struct xj_db;
struct xj_actor;

#define XJ_NOTICE_TEXT_MAX	8192

struct xj_privacy_notice {
	unsigned	version;
	char		published_at[20];	/* "YYYY-MM-DD HH:MM:SS" UTC */
	char		text_zh[XJ_NOTICE_TEXT_MAX];
	char		text_en[XJ_NOTICE_TEXT_MAX];
};

/* The notice in force (the highest version published by now): XJ_OK, or
 * XJ_NO_ROW when none is. */
int	xj_privacy_notice_current(struct xj_db *, struct xj_privacy_notice *);

/* One retention batch, its own transaction: up to `limit` registrations
 * of school years <= last_year with no student record (not admitted) are
 * erased, each with an audit entry "registration.purge" of actor `who`.
 * *done = how many (0: nothing left). */
int	xj_privacy_retention_batch(struct xj_db *, int last_year, int limit,
	    const struct xj_actor *who, unsigned long *done);

/* Delete the parent account `parent` in the caller's transaction: its
 * closed registrations (cancelled, void) are erased, its stored answers
 * (Idempotency-Key) and the account row deleted, audited as
 * "parent.delete". XJ_E_ACCOUNT_IN_USE when a registration is still live
 * (any other state, or a student record made from it): nothing changes. */
int	xj_privacy_account_delete(struct xj_db *, unsigned long long parent,
	    const struct xj_actor *who);

#endif
