/* idempotency.h -- Idempotency-Key for creates (DESIGN.md "A retry is not
 * a duplicate"). In the create's transaction, xj_idem_begin inserts the
 * key first: a concurrent request with the same key waits on that row
 * and, once the first commits, is answered with its stored response; the
 * same key with another body is refused. xj_idem_finish stores the
 * response in the same transaction, so a rolled-back create leaves no key. */
#ifndef XJ_STORE_IDEMPOTENCY_H
#define XJ_STORE_IDEMPOTENCY_H

#include <stddef.h>

struct xj_db;
struct xj_arena;

#define XJ_IDEM_MAX_RESPONSE	(64 * 1024)	/* a stored answer, at most */

struct xj_idem {
	unsigned long long	 owner;
	const char		*scope;
	unsigned char		 key_hash[32];
	unsigned char		 req_hash[32];
	/* set by xj_idem_begin when the key was used before */
	int			 replay_status;
	char			*replay_body;
	size_t			 replay_len;
};

/* Hash the key and the request body into i. */
void	xj_idem_prepare(struct xj_idem *, unsigned long long owner, const char *scope,
	    const char *key, size_t keylen, const void *body, size_t bodylen);
/* XJ_OK: new key, go on. XJ_NO_ROW: answered before, replay_* set.
 * XJ_E_IDEM_REUSED: the key came with another body. Or a db error. */
int	xj_idem_begin(struct xj_db *, struct xj_arena *, struct xj_idem *);
/* The stored answer of a key that another request holds (after its
 * insert failed as a duplicate): XJ_NO_ROW with replay_* set,
 * XJ_E_IDEM_REUSED, XJ_RETRY when that request rolled back meanwhile, or
 * a db error. */
int	xj_idem_load(struct xj_db *, struct xj_arena *, struct xj_idem *);
/* The start of a create's unit of work: nothing to do without a key
 * (i == NULL); *replay set when the key was answered before. XJ_OK or an
 * error as for xj_idem_begin (never XJ_NO_ROW). */
int	xj_idem_start(struct xj_db *, struct xj_arena *, struct xj_idem *i, int *replay);
/* Delete keys older than `days` in batches; *n the rows deleted. */
int	xj_idem_purge(struct xj_db *, int days, unsigned long long *n);
int	xj_idem_finish(struct xj_db *, const struct xj_idem *, int status,
	    const char *body, size_t len);

#endif
