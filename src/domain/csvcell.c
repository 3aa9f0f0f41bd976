/* csvcell.c -- see csvcell.h. */
#include "config.h"

#include <string.h>

#include "csvcell.h"

int
xj_csv_formula_lead(const char *v, size_t len)
{
	return len > 0 && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' ||
	    v[0] == '\t' || v[0] == '\r');
}

int
xj_csv_cell(char *out, size_t cap, size_t *pos, int first, const char *v, size_t len)
{
	size_t p = *pos;

#define PUT(c) do { if (p >= cap) return -1; out[p++] = (c); } while (0)
	if (!first)
		PUT(',');
	PUT('"');
	if (xj_csv_formula_lead(v, len))
		PUT('\'');
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '"')
			PUT('"');
		PUT(v[i]);
	}
	PUT('"');
#undef PUT
	*pos = p;
	return 0;
}
