/* tx.h -- run a unit of work in one transaction, rerunning it after
 * deadlock (1213), lock-wait timeout (1205), snapshot conflicts (1020) and
 * Galera certification failures (reported as 1213), a bounded number of
 * times with exponential backoff and full jitter. The unit of work must be
 * re-runnable: no effects outside the transaction, state reset on entry. */
#ifndef XJ_TX_H
#define XJ_TX_H

#include <stdint.h>

struct xj_db;

typedef int (*xj_tx_fn)(struct xj_db *, void *arg);

/* XJ_OK after COMMIT; the unit's own error (rolled back); XJ_E_BUSY when
 * retries ran out; XJ_E_UNAVAILABLE when the connection was lost (the
 * outcome of a lost COMMIT is unknown: clients retry with their
 * Idempotency-Key). */
int		xj_tx_run(struct xj_db *, xj_tx_fn, void *arg);
/* The same reruns for a unit that is one self-contained transaction
 * already (a procedure that commits or rolls back itself, such as
 * xj_reg_create): no BEGIN or COMMIT around it. */
int		xj_tx_atomic(struct xj_db *, xj_tx_fn, void *arg);
/* Microseconds to sleep before rerun number attempt+1 (pure). */
unsigned	xj_tx_backoff_us(int attempt, uint32_t rnd);

#endif
