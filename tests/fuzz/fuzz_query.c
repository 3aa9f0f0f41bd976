/* fuzz_query.c -- the query string and the Cookie header as the request
 * layer reads them (src/core/req.c: xj_req_query, xj_req_cookie). The
 * input is the query string, a newline, then the Cookie header. A query
 * value is %-decoded into the arena (never longer than its raw text,
 * NUL-terminated); a cookie value is a slice of the header without ';'. */
#include "config.h"

#include <fcgiapp.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/req.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const qnames[] = { "page", "q", "prereg_no", "", "a b" };
	static const char *const cnames[] = { "__Host-xj_parent", "__Host-xj_staff", "x" };
	struct xj_req r;
	FCGX_Request f;
	char *buf, *cookie = NULL, *envp[2] = { NULL, NULL };
	const char *nl;
	size_t qlen;

	if (size > 16384)
		return 0;
	buf = fz_copy(data, size);
	nl = memchr(buf, '\n', size);
	qlen = nl ? (size_t)(nl - buf) : size;
	if (nl) {
		size_t clen = size - qlen - 1;
		cookie = malloc(sizeof("HTTP_COOKIE=") + clen);
		if (cookie == NULL)
			abort();
		memcpy(cookie, "HTTP_COOKIE=", 12);
		memcpy(cookie + 12, nl + 1, clen);
		cookie[12 + clen] = '\0';
		envp[0] = cookie;
	}
	memset(&f, 0, sizeof(f));
	f.envp = envp;
	memset(&r, 0, sizeof(r));
	r.fcgx = &f;
	r.query = (struct xj_str){ qlen, buf };
	if ((r.arena = xj_arena_new(FZ_ARENA)) == NULL)
		abort();

	for (size_t i = 0; i < sizeof(qnames) / sizeof(qnames[0]); i++) {
		int err = -1;
		struct xj_str v = xj_req_query(&r, qnames[i], &err);
		FZ_ASSERT(err == XJ_OK || err == XJ_E_BAD_QUERY || err == XJ_E_TOO_COMPLEX);
		if (v.p != NULL) {
			FZ_ASSERT(err == XJ_OK);
			FZ_ASSERT(v.len < qlen);
			FZ_ASSERT(v.p[v.len] == '\0');
			fz_touch(v.p, v.len + 1);
		}
	}
	for (size_t i = 0; i < sizeof(cnames) / sizeof(cnames[0]); i++) {
		struct xj_str v = xj_req_cookie(&r, cnames[i]);
		if (v.p != NULL) {
			FZ_ASSERT(cookie != NULL);
			FZ_ASSERT(v.p >= cookie + 12 && v.p + v.len <= cookie + strlen(cookie));
			FZ_ASSERT(memchr(v.p, ';', v.len) == NULL);
			FZ_ASSERT(v.p[-1] == '=');
		}
	}
	xj_arena_free(r.arena);
	free(cookie);
	free(buf);
	return 0;
}
