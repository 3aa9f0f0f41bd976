/* arena.c -- bounded bump allocator owned by one request (see arena.h). */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ALIGN		16
#define CHUNK_MIN	(16 * 1024)
#define MAX_CLEANUPS	32

struct chunk {
	struct chunk	*next;
	size_t		 size;
	size_t		 used;
	/* data follows, ALIGN-aligned */
};

struct cleanup {
	xj_cleanup_fn	 fn;
	void		*arg;
};

struct xj_arena {
	struct chunk	*head;		/* current chunk; first chunk is last in list */
	size_t		 cap;		/* hard limit of bytes handed out */
	size_t		 total;		/* bytes handed out since reset */
	struct cleanup	 cleanups[MAX_CLEANUPS];
	int		 ncleanups;
#ifdef XJ_ARENA_DEBUG
	void		**blocks;
	size_t		 nblocks, blockcap;
#endif
};

static size_t
hdr_size(void)
{
	return (sizeof(struct chunk) + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static struct chunk *
chunk_new(size_t size)
{
	struct chunk *c = malloc(hdr_size() + size);

	if (c == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct xj_arena *
xj_arena_new(size_t cap)
{
	struct xj_arena *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->cap = cap;
	a->head = chunk_new(cap < CHUNK_MIN ? cap : CHUNK_MIN);
	if (a->head == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

static void
run_cleanups(struct xj_arena *a)
{
	/* last registered, first run: later objects may depend on earlier */
	while (a->ncleanups > 0) {
		struct cleanup *c = &a->cleanups[--a->ncleanups];
		c->fn(c->arg);
	}
}

void
xj_arena_reset(struct xj_arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	run_cleanups(a);
	/* keep only the first (oldest) chunk */
	for (c = a->head; c->next != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = c;
	c->used = 0;
	a->total = 0;
#ifdef XJ_ARENA_DEBUG
	for (size_t i = 0; i < a->nblocks; i++)
		free(a->blocks[i]);
	a->nblocks = 0;
#endif
}

void
xj_arena_free(struct xj_arena *a)
{
	if (a == NULL)
		return;
	xj_arena_reset(a);
	free(a->head);
#ifdef XJ_ARENA_DEBUG
	free(a->blocks);
#endif
	free(a);
}

void *
xj_alloc(struct xj_arena *a, size_t n)
{
	struct chunk *c;
	size_t need;

	if (n == 0)
		n = 1;
	need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need < n || a->total + need > a->cap || a->total + need < a->total)
		return NULL;
#ifdef XJ_ARENA_DEBUG
	{
		void *p;
		if (a->nblocks == a->blockcap) {
			size_t nc = a->blockcap ? a->blockcap * 2 : 64;
			void **nb = realloc(a->blocks, nc * sizeof(*nb));
			if (nb == NULL)
				return NULL;
			a->blocks = nb;
			a->blockcap = nc;
		}
		if ((p = malloc(n)) == NULL)
			return NULL;
		a->blocks[a->nblocks++] = p;
		a->total += need;
		return p;
	}
#endif
	c = a->head;
	if (c->size - c->used < need) {
		size_t sz = need > CHUNK_MIN ? need : CHUNK_MIN;
		struct chunk *nc = chunk_new(sz);
		if (nc == NULL)
			return NULL;
		nc->next = c;
		a->head = c = nc;
	}
	{
		char *p = (char *)c + hdr_size() + c->used;
		c->used += need;
		a->total += need;
		return p;
	}
}

void *
xj_calloc(struct xj_arena *a, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	if ((p = xj_alloc(a, n * size)) != NULL)
		memset(p, 0, n * size);
	return p;
}

char *
xj_strndup(struct xj_arena *a, const char *s, size_t n)
{
	char *p = xj_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xj_printf(struct xj_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = xj_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int
xj_arena_cleanup(struct xj_arena *a, xj_cleanup_fn fn, void *arg)
{
	if (a->ncleanups == MAX_CLEANUPS)
		return -1;
	a->cleanups[a->ncleanups].fn = fn;
	a->cleanups[a->ncleanups].arg = arg;
	a->ncleanups++;
	return 0;
}

size_t
xj_arena_used(const struct xj_arena *a)
{
	return a->total;
}
