/* tx.c -- transactions with bounded, jittered retry (see tx.h). */
#include "config.h"

#include <stdint.h>
#include <sys/random.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "db.h"
#include "tx.h"

#define BACKOFF_BASE_US	5000u
#define BACKOFF_CAP_US	250000u
#define E_LOCK_WAIT	1205
/* issue 15 D2: a lock-wait timeout already cost [db] lock_wait_timeout
 * seconds; after the second one in a request the answer is busy (503),
 * so a request waits at most about twice that, well under the request
 * timeouts, and what it answers is true: every attempt was rolled back. */
#define LOCK_WAITS_MAX	2

unsigned
xj_tx_backoff_us(int attempt, uint32_t rnd)
{
	unsigned ceil = BACKOFF_CAP_US;

	if (attempt < 0)
		attempt = 0;
	if (attempt < 16 && (BACKOFF_BASE_US << attempt) < BACKOFF_CAP_US)
		ceil = BACKOFF_BASE_US << attempt;
	/* full jitter: uniform in [1, ceil] spreads colliding retries */
	return 1 + (unsigned)(rnd % ceil);
}

static void
sleep_us(unsigned us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* One attempt; own: BEGIN and COMMIT around fn. */
static int
attempt(struct xj_db *db, xj_tx_fn fn, void *arg, int own)
{
	int rc;

	if (!own)
		return fn(db, arg);
	if ((rc = xj_db_begin(db)) != XJ_OK)
		return rc;
	rc = fn(db, arg);
	if (rc == XJ_OK && (rc = xj_db_commit(db)) == XJ_OK)
		return XJ_OK;
	xj_db_rollback(db);
	return rc;
}

static int
run(struct xj_db *db, xj_tx_fn fn, void *arg, int own)
{
	int n, rc, waits = 0;

	for (n = 0; ; n++) {
		uint32_t rnd = 0;

		if ((rc = attempt(db, fn, arg, own)) != XJ_RETRY)
			return rc;
		if (db->err == E_LOCK_WAIT)
			waits++;
		if (n >= db->conf->db_tx_retries || waits >= LOCK_WAITS_MAX) {
			xj_log(XJ_LOG_WARN, "tx_retries_exhausted", "%d%d", "attempts", n + 1,
			    "lock_waits", waits);
			return XJ_E_BUSY;
		}
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (uint32_t)n * 2654435761u;
		sleep_us(xj_tx_backoff_us(n, rnd));
	}
}

int
xj_tx_run(struct xj_db *db, xj_tx_fn fn, void *arg)
{
	return run(db, fn, arg, 1);
}

int
xj_tx_atomic(struct xj_db *db, xj_tx_fn fn, void *arg)
{
	return run(db, fn, arg, 0);
}
