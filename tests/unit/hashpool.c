/* hashpool.c -- unit tests of the bounded password-hashing pool
 * (src/auth/auth.h): at most hash_slots hashes at once, and at most
 * xj_auth_hash_door() threads inside the pool, hashing or waiting, so a
 * login storm cannot park every worker thread in the wait. The bench
 * found the second bound missing: 64 logins held all 32 threads and
 * registrations waited seconds (docs/benchmarks.md). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/conf.h"
#include "crypto/keys.h"
#include "tap.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int waiter_rc = -2;

static void *
waiter(void *arg)
{
	(void)arg;
	waiter_rc = xj_auth_hash_enter();
	if (waiter_rc == 0)
		xj_auth_hash_leave();
	return NULL;
}

int
main(void)
{
	static struct xj_conf c;
	static struct xj_keys k;
	char err[256] = "";
	pthread_t t;
	double t0;
	int rc;

	plan_lazy();
	is_int(xj_auth_hash_door(2, 32, 2), 4, "door: twice the slots");
	is_int(xj_auth_hash_door(2, 4, 2), 2, "door: never more than half the threads");
	is_int(xj_auth_hash_door(2, 0, 2), 2, "door: threads 0 means 2 x CPU cores");
	is_int(xj_auth_hash_door(1, 1, 1), 1, "door: at least one");

	/* issue 16: by default half the cores hash, never fewer than one */
	is_int(xj_auth_hash_slots(0, 2), 1, "slots: half of 2 cores");
	is_int(xj_auth_hash_slots(0, 8), 4, "slots: half of 8 cores");
	is_int(xj_auth_hash_slots(0, 1), 1, "slots: at least one");
	is_int(xj_auth_hash_slots(3, 8), 3, "slots: a configured count wins");

	/* one slot, four threads: two may be inside (one hashing, one waiting) */
	if (xj_conf_load(&c, NULL, err, sizeof(err)) != 0) {
		diag("conf: %s", err);
		return 1;
	}
	c.hash_slots = 1;
	c.threads = 4;
	ok(xj_auth_init(&c, &k, 0, err, sizeof(err)) == 0, "pool: initialised (%s)", err);
	is_int(xj_auth_hash_enter(), 0, "pool: the first caller gets the slot");
	pthread_create(&t, NULL, waiter, NULL);
	t0 = now();
	while (now() - t0 < 0.2)
		;	/* the waiter is inside, blocked on the slot */
	t0 = now();
	rc = xj_auth_hash_enter();
	is_int(rc, -1, "pool: a third caller is refused (the door is full)");
	ok(now() - t0 < 1.0, "pool: the refusal is immediate, not after the 5 s wait");
	xj_auth_hash_leave();
	pthread_join(t, NULL);
	is_int(waiter_rc, 0, "pool: the waiter got the slot when it freed");
	is_int(xj_auth_hash_enter(), 0, "pool: the door reopens after both left");
	xj_auth_hash_leave();

	/* a hash made and verified through the pool */
	{
		char h[256];
		is_int(xj_auth_password_hash("pässwörd1", strlen("pässwörd1"), h), 0, "pool: a hash made");
		is_int(xj_auth_password_verify("pässwörd1", strlen("pässwörd1"), h), 1, "pool: and verified");
		is_int(xj_auth_password_verify("pässwörd2", strlen("pässwörd2"), h), 0, "pool: a wrong one is not");
	}
	xj_auth_fini();
	return done_testing();
}
