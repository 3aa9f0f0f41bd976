/* html.c -- escaped HTML into the arena (see html.h). */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "err.h"
#include "html.h"

void
xj_html_put(struct xj_html *h, const char *s, size_t n)
{
	if (h->err)
		return;
	if (h->len + n > h->cap) {
		size_t cap = h->cap ? h->cap : 16384;
		char *np;
		while (cap < h->len + n)
			cap *= 2;
		if ((np = xj_alloc(h->a, cap)) == NULL) {
			h->err = XJ_E_TOO_COMPLEX;
			return;
		}
		if (h->len)
			memcpy(np, h->p, h->len);
		h->p = np;
		h->cap = cap;
	}
	memcpy(h->p + h->len, s, n);
	h->len += n;
}

void
xj_html_raw(struct xj_html *h, const char *s)
{
	xj_html_put(h, s, strlen(s));
}

void
xj_html_text(struct xj_html *h, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *e;
		switch (*s) {
		case '&':  e = "&amp;"; break;
		case '<':  e = "&lt;"; break;
		case '>':  e = "&gt;"; break;
		case '"':  e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default:   continue;
		}
		xj_html_put(h, run, (size_t)(s - run));
		xj_html_raw(h, e);
		run = s + 1;
	}
	xj_html_put(h, run, (size_t)(s - run));
}
