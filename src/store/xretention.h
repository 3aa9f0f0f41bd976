/* xretention.h -- how long the exchange's outbox and inbox rows are kept
 * (session 7, ops; sql/0035; docs/operations.md "Exchange retention").
 * Each call is one bounded batch in one transaction with its audit entry;
 * several runners take disjoint batches (FOR UPDATE SKIP LOCKED). */
#ifndef XJ_STORE_XRETENTION_H
#define XJ_STORE_XRETENTION_H

struct xj_db;
struct xj_actor;

/* at most this many messages a batch */
#define XJ_XRET_BATCH	200

/* Outbox messages written more than `days` days ago, acknowledged (by a
 * Receipt or by the receiver's cursor) and -- a StudentBatch -- with
 * every record answered and holding a national number (no longer L),
 * deleted with their exchange_outbox_record rows. An unacknowledged
 * message, or a batch with a record still waiting for its CheckResult or
 * its number, is never deleted: the ministry may still pull it, and the
 * CheckResult that issues a record's number (a national problem resolved
 * later) is checked against the batch and its record row (NC_SUBJECTS).
 * XJ_OK with *n deleted (0: nothing left), or an error. */
int	xj_xret_outbox_batch(struct xj_db *, int days, unsigned limit,
	    const struct xj_actor *who, unsigned long *n);
/* Inbox rows received more than `days` days ago, deleted: the same
 * message id sent after that is no longer known (docs/operations.md:
 * why `days` must exceed the ministry's longest resend window). */
int	xj_xret_inbox_batch(struct xj_db *, int days, unsigned limit,
	    const struct xj_actor *who, unsigned long *n);

#endif
