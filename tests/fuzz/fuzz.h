/* fuzz.h -- shared bits of the fuzz harnesses (tests/fuzz/fuzz_*.c). Each
 * harness defines LLVMFuzzerTestOneInput; run.sh links it with libFuzzer
 * (clang), Makefile.am with replay.c (gcc, make check). Inputs are copied
 * into buffers of their exact size so that ASan sees any read past the
 * end; invariants that must hold for *every* input abort(). */
#ifndef XJ_FUZZ_H
#define XJ_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n",	\
		    #c, __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)

/* The input in a malloc'd buffer of exactly size bytes (no NUL). */
static inline char *
fz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);

	if (p == NULL)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

/* The input as a C string: size bytes and a NUL (embedded NULs stay). */
static inline char *
fz_cstr(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (p == NULL)
		abort();
	if (size)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}

/* Touch every byte of [p, p+n) so that ASan checks the range. */
static inline unsigned
fz_touch(const char *p, size_t n)
{
	volatile unsigned sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (unsigned char)p[i];
	return sum;
}

/* The arena size and JSON limits of a worker with the default config
 * (src/core/conf.c: arena_size, json_max_depth, json_max_nodes,
 * body_limit). */
#define FZ_ARENA	(4u << 20)
#define FZ_DEPTH	16
#define FZ_NODES	4096
#define FZ_MAX_STR	65536
#define FZ_BODY_MAX	65536	/* longer input is refused by nginx/dispatch */

#endif
