/* html.h -- building an HTML page in the request's arena (the printable
 * collection form, the admission notice). Markup is ours (xj_html_raw);
 * every value from a person goes through xj_html_text, which escapes the
 * five characters that matter in text and attribute values. Running out
 * of arena sets err once; later calls do nothing. */
#ifndef XJ_HTML_H
#define XJ_HTML_H

#include <stddef.h>

struct xj_arena;

struct xj_html {
	struct xj_arena	*a;
	char		*p;
	size_t		 len, cap;
	int		 err;		/* XJ_E_TOO_COMPLEX once the arena ran out */
};

void	xj_html_put(struct xj_html *, const char *s, size_t n);
void	xj_html_raw(struct xj_html *, const char *markup);
void	xj_html_text(struct xj_html *, const char *data);

#endif
