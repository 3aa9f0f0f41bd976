/* fuzz_reqbody.c -- the request's Content-Length and body as the worker
 * reads them from FastCGI (src/core/req.c: xj_req_init parses
 * CONTENT_LENGTH, xj_req_read_body allocates and reads). The input is the
 * CONTENT_LENGTH value, a newline, then the body bytes the stream holds
 * (maybe fewer or more than announced). Invariants: an accepted body is
 * exactly the announced length, never above the limit, NUL-terminated. */
#include "config.h"

#include <fcgiapp.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/req.h"
#include "fuzz.h"

static void
at_eof(FCGX_Stream *s)
{
	s->isClosed = 1;
	s->rdNext = s->stop;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limit = 4096;
	struct xj_req r;
	FCGX_Request f;
	FCGX_Stream in;
	char *buf, *cl, *envp[2] = { NULL, NULL };
	const char *nl;
	size_t hlen, blen;

	if (size > 16384)
		return 0;
	buf = fz_copy(data, size);
	nl = memchr(buf, '\n', size);
	hlen = nl ? (size_t)(nl - buf) : size;
	blen = nl ? size - hlen - 1 : 0;
	if ((cl = malloc(sizeof("CONTENT_LENGTH=") + hlen)) == NULL)
		abort();
	memcpy(cl, "CONTENT_LENGTH=", 15);
	memcpy(cl + 15, buf, hlen);
	cl[15 + hlen] = '\0';
	envp[0] = cl;
	memset(&in, 0, sizeof(in));
	in.isReader = 1;
	in.rdNext = in.stopUnget = (unsigned char *)(nl ? (char *)nl + 1 : buf + size);
	in.stop = in.rdNext + blen;
	in.fillBuffProc = at_eof;
	memset(&f, 0, sizeof(f));
	f.envp = envp;
	f.in = &in;
	struct xj_arena *a = xj_arena_new(FZ_ARENA);
	if (a == NULL)
		abort();
	FZ_ASSERT(xj_req_init(&r, &f, a, NULL, NULL) == XJ_OK);
	if (xj_req_read_body(&r, limit) == XJ_OK) {
		FZ_ASSERT(r.body.len <= limit);
		FZ_ASSERT(r.content_length <= 0 || (size_t)r.content_length == r.body.len);
		FZ_ASSERT(r.body.p[r.body.len] == '\0');
		fz_touch(r.body.p, r.body.len);
	}
	xj_arena_free(a);
	free(cl);
	free(buf);
	return 0;
}
