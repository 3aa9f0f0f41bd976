/* json.h -- JSON in through yajl's event parser into an arena tree, with
 * limits on depth, element count and string length checked *during* the
 * parse (yajl's own tree builder has no depth limit). Duplicate keys in
 * an object are refused: two values for one field is an ambiguity an
 * attacker can use against a proxy or log that reads the other one. */
#ifndef XJ_JSON_H
#define XJ_JSON_H

#include <stddef.h>
#include "arena.h"
#include "str.h"

enum xj_jtype { XJ_J_NULL, XJ_J_BOOL, XJ_J_NUM, XJ_J_STR, XJ_J_OBJ, XJ_J_ARR };

struct xj_json {
	enum xj_jtype	 type;
	struct xj_str	 key;		/* member name inside an object */
	struct xj_str	 s;		/* STR value, NUM source text */
	int		 b;		/* BOOL */
	size_t		 n;		/* OBJ/ARR: number of children */
	struct xj_json	*child;		/* first child */
	struct xj_json	*last;
	struct xj_json	*next;		/* next sibling */
	struct xj_json	*parent;
};

struct xj_json_limits {
	int		 max_depth;	/* nesting of objects/arrays */
	size_t		 max_nodes;	/* values in the whole document */
	size_t		 max_str;	/* bytes in one string or key */
};

/* Parse buf into *out (arena-owned). Returns XJ_OK, XJ_E_BAD_JSON,
 * XJ_E_JSON_LIMIT (also: more than 256 members in one object),
 * XJ_E_TOO_COMPLEX (arena exhausted) or XJ_E_INTERNAL; on error *where (if not NULL) gets a short English
 * reason safe to log (no input echoed). */
/* The NUL-terminated s as the inside of a JSON string (no quotes): '"'
 * and '\\' escaped, control characters as \u00XX; 0, or -1 (out then
 * holds what fitted) when it does not fit in cap bytes. For JSON made by
 * hand outside yajl (audit digests, the SMS gateway's request). */
int	xj_json_escape(const char *s, char *out, size_t cap);
int	xj_json_parse(struct xj_arena *, const char *buf, size_t len,
	    const struct xj_json_limits *, struct xj_json **out,
	    const char **where);
/* Member of an object by name, or NULL. */
const struct xj_json *xj_json_get(const struct xj_json *obj, const char *key);

#endif
