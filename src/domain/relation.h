/* relation.h -- a guardian's relation to the child (R-COL-6, R-REC-11):
 * one of a short list, anything else is 其他 with a free-text
 * description. The one list: the parent's form and an arriving
 * Dossier (exchange/xrecv.c) both check against it. libc only. */
#ifndef XJ_RELATION_H
#define XJ_RELATION_H

#include <stddef.h>

/* the relation of a guardian the list does not name */
#define XJ_RELATION_OTHER	"其他"
/* relation_desc is VARCHAR(32): characters, not bytes */
#define XJ_RELATION_DESC_CHARS	32

/* 1 when the len bytes at s are a relation of the list, else 0. */
int	xj_relation_known(const char *s, size_t len);

#endif
