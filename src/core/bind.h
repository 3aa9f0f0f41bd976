/* bind.h -- table-driven input binding (kcgi's validator tables, nginx's
 * offsetof slots). An endpoint declares its fields once; xj_bind() walks
 * the parsed JSON, applies every row, fills the C struct and collects
 * *every* field error, so that a parent sees all mistakes at once.
 * Handlers never look at raw JSON. */
#ifndef XJ_BIND_H
#define XJ_BIND_H

#include <stddef.h>
#include "arena.h"
#include "json.h"
#include "str.h"

enum xj_ftype {
	XJ_F_STR,	/* target: struct xj_str (p == NULL when absent) */
	XJ_F_INT,	/* target: struct xj_num */
	XJ_F_DEC,	/* decimal with `scale` places, target: struct xj_num (scaled) */
	XJ_F_BOOL,	/* target: struct xj_num (0/1) */
	XJ_F_OBJ,	/* target: the sub-struct, inline */
	XJ_F_ARR,	/* array of objects: target: pointer to sub-struct array, count at off_n */
	XJ_F_STRS,	/* array of strings: target: struct xj_str *, count at off_n;
			   min/max: items; each item text as for STR, then `check`
			   (a code list bounds its length); errors at "name[i]" */
	XJ_F_IDS	/* array of row ids (integers 1..10^18-1): target: long long *,
			   count at off_n; min/max: items; errors at "name[i]" */
};

#define XJ_OPT		0x0
#define XJ_REQ		0x1
#define XJ_MULTILINE	0x2	/* STR may hold newlines and tabs */

struct xj_num {
	int		 set;
	long long	 v;
};

typedef int (*xj_check_str)(struct xj_str);	/* XJ_OK or XJ_E_F_* */

struct xj_field {
	const char		*name;
	enum xj_ftype		 type;
	int			 flags;
	long long		 min, max;	/* STR: characters; INT/DEC: value (scaled); ARR, STRS: items */
	xj_check_str		 check;		/* STR, STRS items: extra rule from src/domain/ */
	size_t			 off;
	const struct xj_field	*sub;		/* OBJ/ARR */
	size_t			 sub_size;	/* ARR: sizeof element */
	size_t			 off_n;		/* ARR, STRS: size_t count */
	int			 scale;		/* DEC: digits after the point */
};
#define XJ_FIELD_END	{ NULL, 0, 0, 0, 0, NULL, 0, NULL, 0, 0, 0 }

#define XJ_MAX_FERRS	64

struct xj_ferr {
	const char	*field;		/* path: "guardians[0].name" */
	int		 code;		/* XJ_E_F_* or a domain code */
};

struct xj_ferrs {
	size_t		 n;
	struct xj_ferr	 e[XJ_MAX_FERRS];
};

/* Bind an object to a struct. XJ_OK, XJ_E_VALIDATION (errs filled),
 * XJ_E_BAD_JSON (root not an object) or XJ_E_TOO_COMPLEX. */
int	xj_bind(struct xj_arena *, const struct xj_json *root,
	    const struct xj_field *fields, void *out, struct xj_ferrs *errs);
/* Add a cross-field error after binding; path is copied. */
void	xj_ferr_add(struct xj_ferrs *, struct xj_arena *, const char *path,
	    int code);
/* 1 when errs already holds an error for this path. */
int	xj_ferr_has(const struct xj_ferrs *, const char *path);
/* UTF-8 characters in s, or -1 if s is not valid UTF-8. */
long	xj_utf8_len(struct xj_str s);

#endif
