/* relation.c -- a guardian's relation (see relation.h). */
#include "config.h"

#include <string.h>

#include "relation.h"

/* R-COL-6 guardian relations (R-REC-11 spells them 父亲/母亲; accept both) */
static const char *const relations[] = {
	"父", "母", "父亲", "母亲", "祖父母", "外祖父母", XJ_RELATION_OTHER, NULL
};

int
xj_relation_known(const char *s, size_t len)
{
	for (const char *const *r = relations; *r != NULL; r++)
		if (strlen(*r) == len && memcmp(*r, s, len) == 0)
			return 1;
	return 0;
}
