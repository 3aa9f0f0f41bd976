/* idempotency.h -- Idempotency-Key for creates (DESIGN.md "A retry is not
 * a duplicate"). In the create's transaction, xj_idem_begin inserts the
 * key first: a concurrent request with the same key waits on that row
 * and, once the first commits, is answered with its stored response; the
 * same key with another body is refused. xj_idem_finish stores the
 * answer's status and a pointer to what was created in the same
 * transaction, so a rolled-back create leaves no key.
 *
 * Issue 10 (H3): the pointer, never the answer. The stored answer used to
 * be the whole 201 body (names, birth date, masked numbers) in clear, so a
 * dump rebuilt what the encrypted columns protect; it also went stale when
 * the registration changed. What is stored is the pre-registration number
 * of the created registration (a CHECK of migration 0011 refuses anything
 * else); a replay rebuilds the answer from the registration as it is now.
 * Keys are purged after [collection] idempotency_retention hours (the
 * jobs runner's idempotency-purge, and xuejictl purge-keys). */
#ifndef XJ_STORE_IDEMPOTENCY_H
#define XJ_STORE_IDEMPOTENCY_H

#include <stddef.h>

struct xj_db;
struct xj_arena;

/* the pointer stored with a key: a pre-registration number */
#define XJ_IDEM_TARGET_MAX	16

struct xj_idem {
	unsigned long long	 owner;
	const char		*scope;
	unsigned char		 key_hash[32];
	unsigned char		 req_hash[32];
	/* set by xj_idem_begin when the key was used before */
	int			 replay_status;
	char			 replay_target[XJ_IDEM_TARGET_MAX + 1];
};

/* Hash the key and the request body into i. */
void	xj_idem_prepare(struct xj_idem *, unsigned long long owner, const char *scope,
	    const char *key, size_t keylen, const void *body, size_t bodylen);
/* XJ_OK: new key, go on. XJ_NO_ROW: answered before, replay_* set.
 * XJ_E_IDEM_REUSED: the key came with another body. Or a db error. */
int	xj_idem_begin(struct xj_db *, struct xj_idem *);
/* The stored answer of a key that another request holds (after its
 * insert failed as a duplicate): XJ_NO_ROW with replay_* set,
 * XJ_E_IDEM_REUSED, XJ_RETRY when that request rolled back meanwhile, or
 * a db error. */
int	xj_idem_load(struct xj_db *, struct xj_idem *);
/* The start of a create's unit of work: nothing to do without a key
 * (i == NULL); *replay set when the key was answered before. XJ_OK or an
 * error as for xj_idem_begin (never XJ_NO_ROW). */
int	xj_idem_start(struct xj_db *, struct xj_idem *i, int *replay);
/* One batch (at most XJ_IDEM_PURGE_BATCH rows, autocommit) of keys older
 * than `hours`; *n the rows deleted (< XJ_IDEM_PURGE_BATCH: none left). */
#define XJ_IDEM_PURGE_BATCH	1000
int	xj_idem_purge_batch(struct xj_db *, int hours, unsigned long long *n);
/* Every key older than `hours`, batch after batch; *n the rows deleted. */
int	xj_idem_purge(struct xj_db *, int hours, unsigned long long *n);
/* Store the answer's status and target (the created registration's
 * pre-registration number) with the key, in the create's transaction. */
int	xj_idem_finish(struct xj_db *, const struct xj_idem *, int status, const char *target);

#endif
