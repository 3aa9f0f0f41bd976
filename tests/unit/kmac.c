/* kmac.c -- unit tests of the cached purpose MACs (src/crypto/kmac.h):
 * the cached path gives exactly HMAC-SHA256(HKDF-SHA256(master, info),
 * msg) as computed the slow way with OpenSSL's one-shot functions; so
 * does the uncached path once the table is full; another master key or
 * purpose gives another MAC; many threads at once get the same answers. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/field.h"
#include "crypto/kmac.h"
#include "tap.h"

static unsigned char ma[32], mb[32];

/* the reference: HKDF then a one-shot HMAC */
static void
slow(const unsigned char *master, const char *info, const char *msg, unsigned char out[32])
{
	unsigned char key[32];
	unsigned int n = 0;

	if (xj_hkdf(master, 32, info, key, sizeof(key)) != 0 ||
	    HMAC(EVP_sha256(), key, 32, (const unsigned char *)msg, strlen(msg), out, &n) == NULL)
		memset(out, 0, 32);
}

static int
same(const unsigned char *master, const char *info, const char *msg)
{
	unsigned char a[32], b[32];

	if (xj_kmac(master, info, msg, strlen(msg), a) != 0)
		return 0;
	slow(master, info, msg, b);
	return memcmp(a, b, 32) == 0;
}

static int thread_bad;

static void *
hammer(void *arg)
{
	const char *info = arg;

	for (int i = 0; i < 2000; i++)
		if (!same(i & 1 ? ma : mb, info, i & 2 ? "v1.payload" : ""))
			__atomic_add_fetch(&thread_bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

int
main(void)
{
	unsigned char x[32], y[32];
	char info[64];
	pthread_t t[8];
	static const char *purposes[4] = { "xueji session", "xueji csrf",
	    "xueji blind index parent.phone", "xueji blind index child.document" };
	int all = 1;

	plan_lazy();
	for (int i = 0; i < 32; i++) {
		ma[i] = (unsigned char)i;
		mb[i] = (unsigned char)(255 - i);
	}
	ok(same(ma, "xueji session", "v1.AAAA"), "first call (fills the table) = HMAC(HKDF(master, info), msg)");
	ok(same(ma, "xueji session", "v1.AAAA"), "second call (from the table) = the same");
	ok(same(ma, "xueji session", ""), "an empty message");
	xj_kmac(ma, "xueji session", "m", 1, x);
	xj_kmac(mb, "xueji session", "m", 1, y);
	ok(memcmp(x, y, 32) != 0, "another master key, another MAC (the table keys on the master)");
	xj_kmac(ma, "xueji csrf", "m", 1, y);
	ok(memcmp(x, y, 32) != 0, "another purpose, another MAC");
	for (int i = 0; i < XJ_KMAC_SLOTS + 8; i++) {
		snprintf(info, sizeof(info), "purpose %d", i);
		all &= same(ma, info, "beyond the table");
	}
	ok(all, "more purposes than slots: the uncached path answers the same");
	ok(xj_kmac(ma, NULL, "m", 1, x) == -1 && xj_kmac(NULL, "i", "m", 1, x) == -1 &&
	    xj_kmac(ma, "i", NULL, 3, x) == -1, "bad input refused");
	memset(info, 'i', sizeof(info));
	info[sizeof(info) - 1] = '\0';
	ok(same(ma, info, "m"), "a 63-byte purpose");
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, hammer, (void *)purposes[i % 4]);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	is_int(thread_bad, 0, "8 threads x 2000 calls over 4 purposes and 2 keys: every MAC right");
	xj_kmac_clear();
	ok(same(ma, "xueji session", "after clear"), "after clearing the table it fills again");
	xj_kmac_clear();
	return done_testing();
}
