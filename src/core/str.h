/* str.h -- length-carrying strings. Strings that cross the DB, JSON or
 * FastCGI boundary carry their length; nothing trusts a NUL. */
#ifndef XJ_STR_H
#define XJ_STR_H

#include <stddef.h>
#include <string.h>

struct xj_str {
	size_t		 len;
	const char	*p;
};

#define XJ_STR(lit)	((struct xj_str){ sizeof(lit) - 1, (lit) })
#define XJ_STR_NULL	((struct xj_str){ 0, NULL })

static inline struct xj_str
xj_str_c(const char *s)
{
	return (struct xj_str){ s ? strlen(s) : 0, s };
}

static inline int
xj_str_eq(struct xj_str a, const char *lit)
{
	size_t n = strlen(lit);
	return a.len == n && (n == 0 || memcmp(a.p, lit, n) == 0);
}

/* 1 when s is absent, empty or only spaces, tabs and line breaks. */
static inline int
xj_str_blank(struct xj_str s)
{
	for (size_t i = 0; s.p && i < s.len; i++)
		if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\n' && s.p[i] != '\r')
			return 0;
	return 1;
}

/* 1 when the n bytes at s are all ASCII digits (n 0: 1). */
static inline int
xj_all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

#endif
