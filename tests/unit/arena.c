/* arena.c -- unit tests of the bounded request arena (src/core/arena.h):
 * 16-byte alignment, the hard cap, cleanups run last-first on reset, and
 * reuse after reset. Also passes when built with XJ_ARENA_DEBUG. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "tap.h"

static int	order[64];
static int	norder;

static void
record(void *arg)
{
	if (norder < (int)(sizeof(order) / sizeof(order[0])))
		order[norder] = *(int *)arg;
	norder++;
}

static void
test_alignment(void)
{
	struct xj_arena *a = xj_arena_new(1 << 20);
	static const size_t sizes[] = { 1, 3, 7, 15, 16, 17, 31, 33, 100, 20000 };
	int aligned = 1;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *p = xj_alloc(a, sizes[i]);
		if (p == NULL || (uintptr_t)p % 16 != 0)
			aligned = 0;
		else
			memset(p, 0xa5, sizes[i]);
	}
	ok(aligned, "arena: every allocation is 16-byte aligned, odd sizes included");
	{
		char *s = xj_strndup(a, "abc", 3);
		void *p = xj_alloc(a, 8);
		ok(s != NULL && p != NULL && (uintptr_t)p % 16 == 0,
		    "arena: allocation after an odd-length string stays aligned");
	}
	{
		void *p = xj_alloc(a, 0), *q = xj_alloc(a, 0);
		ok(p != NULL && q != NULL && p != q,
		    "arena: zero-byte allocations return distinct pointers");
	}
	xj_arena_free(a);
}

static void
test_cap(void)
{
	struct xj_arena *a = xj_arena_new(1024);
	void *p;

	ok(a != NULL, "arena: new arena with a 1 KiB cap");
	is_int(xj_arena_used(a), 0, "arena: a new arena has used nothing");
	p = xj_alloc(a, 1);
	is_int(xj_arena_used(a), 16, "arena: a 1-byte allocation counts its rounded 16 bytes");
	p = xj_alloc(a, 1000);
	ok(p != NULL, "arena: allocation below the cap succeeds");
	is_int(xj_arena_used(a), 16 + 1008, "arena: used counts every allocation");
	p = xj_alloc(a, 1);
	ok(p == NULL, "arena: allocation past the cap returns NULL");
	is_int(xj_arena_used(a), 1024, "arena: a refused allocation is not counted");
	xj_arena_reset(a);
	p = xj_alloc(a, 1024);
	ok(p != NULL, "arena: allocation of exactly the cap succeeds");
	ok(xj_alloc(a, 1) == NULL, "arena: nothing fits once the cap is used up");
	xj_arena_free(a);

	a = xj_arena_new(64 * 1024);
	ok(xj_alloc(a, SIZE_MAX) == NULL,
	    "arena: SIZE_MAX allocation refused (rounding does not wrap)");
	ok(xj_alloc(a, SIZE_MAX - 8) == NULL,
	    "arena: allocation near SIZE_MAX refused");
	ok(xj_calloc(a, SIZE_MAX / 2, 4) == NULL,
	    "arena: xj_calloc refuses n * size overflow");
	is_int(xj_arena_used(a), 0, "arena: refused huge allocations count nothing");
	p = xj_alloc(a, 40000);
	ok(p != NULL, "arena: allocation larger than one chunk succeeds under the cap");
	if (p != NULL)
		memset(p, 1, 40000);
	ok(xj_alloc(a, 30000) == NULL,
	    "arena: cap counts bytes across chunks");
	xj_arena_free(a);
}

static void
test_reset(void)
{
	struct xj_arena *a = xj_arena_new(64 * 1024);
	static int ids[] = { 1, 2, 3 };
	unsigned char *p;
	int all_zero = 1;

	norder = 0;
	for (int i = 0; i < 3; i++)
		xj_arena_cleanup(a, record, &ids[i]);
	for (int i = 0; i < 5; i++)
		xj_alloc(a, 20000);	/* several chunks */
	xj_arena_reset(a);
	is_int(norder, 3, "arena: reset runs every cleanup");
	ok(norder == 3 && order[0] == 3 && order[1] == 2 && order[2] == 1,
	    "arena: reset runs cleanups last registered first");
	is_int(xj_arena_used(a), 0, "arena: reset returns used to zero");
	xj_arena_reset(a);
	is_int(norder, 3, "arena: a second reset does not rerun cleanups");

	p = xj_alloc(a, 60 * 1024);
	ok(p != NULL, "arena: after reset the whole cap is available again");
	if (p != NULL)
		memset(p, 0xff, 60 * 1024);
	xj_arena_reset(a);
	p = xj_calloc(a, 1000, 4);
	for (int i = 0; p != NULL && i < 4000; i++)
		if (p[i] != 0)
			all_zero = 0;
	ok(p != NULL && all_zero, "arena: xj_calloc zeroes reused memory");

	norder = 0;
	xj_arena_cleanup(a, record, &ids[0]);
	xj_arena_cleanup(a, record, &ids[1]);
	xj_arena_free(a);
	ok(norder == 2 && order[0] == 2 && order[1] == 1,
	    "arena: free runs pending cleanups last registered first");

	a = xj_arena_new(4096);
	{
		int rc = 0, n;
		norder = 0;
		for (n = 0; n < 1000 && rc == 0; n++)
			rc = xj_arena_cleanup(a, record, &ids[0]);
		ok(rc == -1 && n < 1000,
		    "arena: cleanup registration is bounded and fails with -1");
		norder = 0;
		xj_arena_reset(a);
		is_int(norder, n - 1, "arena: every accepted cleanup runs");
	}
	xj_arena_free(a);

	xj_arena_reset(NULL);
	xj_arena_free(NULL);
	ok(1, "arena: reset and free accept NULL");
}

static void
test_strings(void)
{
	struct xj_arena *a = xj_arena_new(64 * 1024);
	char *s;
	size_t before;

	s = xj_printf(a, "%s-%d-%05.1f", "reg", 42, 3.14159);
	is_str(s, "reg-42-003.1", "arena: xj_printf formats into the arena");
	before = xj_arena_used(a);
	s = xj_printf(a, "%s", "");
	is_str(s, "", "arena: xj_printf of an empty string gives \"\"");
	ok(xj_arena_used(a) > before, "arena: xj_printf counts against the cap");
	{
		char big[20000];
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		s = xj_printf(a, "<%s>", big);
		ok(s != NULL && strlen(s) == sizeof(big) + 1 && s[0] == '<' &&
		    s[sizeof(big)] == '>',
		    "arena: xj_printf output longer than a chunk is complete");
	}

	s = xj_strndup(a, "hello world", 5);
	is_str(s, "hello", "arena: xj_strndup copies n bytes and terminates");
	s = xj_strndup(a, "a\0b", 3);
	ok(s != NULL && memcmp(s, "a\0b", 4) == 0,
	    "arena: xj_strndup copies embedded NUL bytes and terminates");
	s = xj_strndup(a, NULL, 0);
	is_str(s, "", "arena: xj_strndup of zero bytes gives \"\"");
	xj_arena_free(a);

	a = xj_arena_new(64);
	ok(xj_printf(a, "%0100d", 1) == NULL,
	    "arena: xj_printf past the cap returns NULL");
	ok(xj_strndup(a, "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789", 80) == NULL,
	    "arena: xj_strndup past the cap returns NULL");
	xj_arena_free(a);
}

int
main(void)
{
	plan_lazy();
	test_alignment();
	test_cap();
	test_reset();
	test_strings();
	return done_testing();
}
