/* arena.h -- bounded per-request memory (nginx pools, Varnish workspace).
 * Everything a request allocates comes from its arena and is dropped in one
 * call after the response is sent. The arena has a hard cap: running out is
 * an error (NULL), never silent growth. Configure with --enable-arena-debug
 * to give every allocation its own malloc so that ASan sees overflows. */
#ifndef XJ_ARENA_H
#define XJ_ARENA_H

#include <stddef.h>
#include "str.h"

struct xj_arena;

typedef void (*xj_cleanup_fn)(void *);

struct xj_arena	*xj_arena_new(size_t cap);
void		 xj_arena_free(struct xj_arena *);
/* Drop everything allocated since creation (runs cleanups); keeps the
 * first chunk so that a worker thread reuses it for the next request. */
void		 xj_arena_reset(struct xj_arena *);
void		*xj_alloc(struct xj_arena *, size_t);
void		*xj_calloc(struct xj_arena *, size_t n, size_t size);
char		*xj_strndup(struct xj_arena *, const char *, size_t);
char		*xj_printf(struct xj_arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Run fn(arg) when the arena is reset or freed (yajl trees, results). */
int		 xj_arena_cleanup(struct xj_arena *, xj_cleanup_fn, void *);
size_t		 xj_arena_used(const struct xj_arena *);

#endif
