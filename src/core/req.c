/* req.c -- request parsing and the single response writer (see req.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "req.h"

static int retry_after = 5;

void
xj_resp_set_retry_after(int seconds)
{
	retry_after = seconds;
}

static int
valid_request_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '-'))
			return 0;
	return n >= 8 && n < 40;
}

int
xj_req_init(struct xj_req *r, FCGX_Request *f, struct xj_arena *a,
    struct xj_db *db, yajl_gen g)
{
	const char *s;

	memset(r, 0, sizeof(*r));
	r->magic = XJ_REQ_MAGIC;
	r->fcgx = f;
	r->arena = a;
	r->db = db;
	r->gen = g;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->status = 200;

	/* nginx's $request_id, passed as REQUEST_ID, ties our log lines to
	 * its access log; without nginx (tests of the worker alone) we make
	 * one. A client-supplied X-Request-Id is not trusted. */
	s = FCGX_GetParam("REQUEST_ID", f->envp);
	if (s != NULL && valid_request_id(s))
		snprintf(r->id, sizeof(r->id), "%s", s);
	else {
		unsigned char b[8];
		if (getrandom(b, sizeof(b), 0) != sizeof(b))
			memset(b, 0, sizeof(b));
		for (int i = 0; i < 8; i++)
			snprintf(r->id + 2 * i, 3, "%02x", b[i]);
	}
	r->method = xj_method_parse(FCGX_GetParam("REQUEST_METHOD", f->envp));
	/* DOCUMENT_URI is nginx's normalised, decoded $uri (no query). */
	s = FCGX_GetParam("DOCUMENT_URI", f->envp);
	if (s == NULL) {
		s = FCGX_GetParam("REQUEST_URI", f->envp);
		if (s != NULL) {
			const char *q = strchr(s, '?');
			r->path.p = s;
			r->path.len = q ? (size_t)(q - s) : strlen(s);
		}
	} else
		r->path = xj_str_c(s);
	if (r->path.p == NULL)
		r->path = XJ_STR("/");
	r->query = xj_str_c(FCGX_GetParam("QUERY_STRING", f->envp));
	r->content_type = xj_str_c(FCGX_GetParam("CONTENT_TYPE", f->envp));
	s = FCGX_GetParam("CONTENT_LENGTH", f->envp);
	if (s != NULL && *s) {
		char *end;
		errno = 0;
		r->content_length = strtoll(s, &end, 10);
		if (errno || *end || r->content_length < 0)
			r->content_length = -1;
	}
	s = FCGX_GetParam("REMOTE_ADDR", f->envp);
	r->client_addr = s ? s : "";
	return XJ_OK;
}

const char *
xj_req_param(const struct xj_req *r, const char *name)
{
	return FCGX_GetParam(name, r->fcgx->envp);
}

int
xj_req_read_body(struct xj_req *r, size_t limit)
{
	char *buf, sink[4096];
	size_t want, got = 0;
	int n;

	if (r->content_length <= 0) {
		r->body = XJ_STR("");
		return r->content_length < 0 ? XJ_E_BODY_TOO_LARGE : XJ_OK;
	}
	if ((unsigned long long)r->content_length > limit) {
		/* Drain what nginx sends (bounded by its client_max_body_size)
		 * so that it reads our answer instead of a broken pipe. */
		while (FCGX_GetStr(sink, sizeof(sink), r->fcgx->in) > 0)
			;
		return XJ_E_BODY_TOO_LARGE;
	}
	want = (size_t)r->content_length;
	if ((buf = xj_alloc(r->arena, want + 1)) == NULL)
		return XJ_E_TOO_COMPLEX;
	while (got < want && (n = FCGX_GetStr(buf + got, (int)(want - got), r->fcgx->in)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	r->body.p = buf;
	r->body.len = got;
	return got == want ? XJ_OK : XJ_E_BAD_JSON;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
xj_pct_decode(const char *in, size_t n, int plus_space, char *out, size_t *outlen)
{
	size_t k = 0;

	for (const char *v = in, *end = in + n; v < end; v++) {
		if (*v == '%') {
			int hi, lo;
			if (end - v < 3 || (hi = hexval(v[1])) < 0 || (lo = hexval(v[2])) < 0)
				return -1;
			out[k++] = (char)(hi * 16 + lo);
			v += 2;
		} else
			out[k++] = plus_space && *v == '+' ? ' ' : *v;
	}
	out[k] = '\0';
	*outlen = k;
	return 0;
}

struct xj_str
xj_req_query(struct xj_req *r, const char *name, int *err)
{
	const char *p = r->query.p, *end = p + r->query.len;
	size_t nlen = strlen(name);

	*err = XJ_OK;
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pe = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			const char *v = eq + 1;
			char *out = xj_alloc(r->arena, (size_t)(pe - v) + 1);
			size_t k = 0;
			if (out == NULL) {
				*err = XJ_E_TOO_COMPLEX;
				return XJ_STR_NULL;
			}
			if (xj_pct_decode(v, (size_t)(pe - v), 1, out, &k) != 0) {
				*err = XJ_E_BAD_QUERY;
				return XJ_STR_NULL;
			}
			return (struct xj_str){ k, out };
		}
		p = amp ? amp + 1 : end;
	}
	return XJ_STR_NULL;
}

struct xj_str
xj_req_cookie(const struct xj_req *r, const char *name)
{
	const char *p = FCGX_GetParam("HTTP_COOKIE", r->fcgx->envp);
	size_t nlen = strlen(name);

	while (p != NULL && *p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && *p == ' ') {
			p++;
			len--;
		}
		if (len > nlen && p[nlen] == '=' && memcmp(p, name, nlen) == 0)
			return (struct xj_str){ len - nlen - 1, p + nlen + 1 };
		p = end ? end + 1 : NULL;
	}
	return XJ_STR_NULL;
}

int
xj_req_changes_state(const struct xj_req *r)
{
	return r->method != XJ_M_GET && r->method != XJ_M_HEAD;
}

int
xj_resp_header(struct xj_req *r, const char *name, const char *value)
{
	size_t need = strlen(name) + strlen(value) + 4;

	/* header values are ours, never user input; refuse CR/LF anyway */
	if (strpbrk(value, "\r\n") != NULL)
		return XJ_E_INTERNAL;
	if (r->hdrs_len + need + 1 > r->hdrs_cap) {
		size_t cap = r->hdrs_cap ? r->hdrs_cap * 2 : 512;
		char *n;
		while (cap < r->hdrs_len + need + 1)
			cap *= 2;
		if ((n = xj_alloc(r->arena, cap)) == NULL)
			return XJ_E_TOO_COMPLEX;
		if (r->hdrs_len)
			memcpy(n, r->hdrs, r->hdrs_len);
		r->hdrs = n;
		r->hdrs_cap = cap;
	}
	r->hdrs_len += (size_t)snprintf(r->hdrs + r->hdrs_len,
	    r->hdrs_cap - r->hdrs_len, "%s: %s\r\n", name, value);
	return XJ_OK;
}

yajl_gen
xj_resp_json(struct xj_req *r, int status)
{
	r->status = status;
	yajl_gen_reset(r->gen, NULL);
	yajl_gen_clear(r->gen);
	return r->gen;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default:  return status >= 500 ? "Internal Server Error" : "OK";
	}
}

static int
emit(struct xj_req *r, const char *ctype, const char *body, size_t len)
{
	FCGX_Stream *out = r->fcgx->out;

	if (r->responded)
		return XJ_E_INTERNAL;
	/* a session never confirmed against its account row gets no answer
	 * but an error: the dispatcher turns this into a 500 */
	if (r->live_pending && r->status < 400) {
		xj_log(XJ_LOG_ERROR, "session_unconfirmed", "%s", "route",
		    r->route ? r->route->path : "-");
		return XJ_E_INTERNAL;
	}
	r->responded = 1;
	FCGX_FPrintF(out, "Status: %d %s\r\nContent-Type: %s\r\n"
	    "X-Request-Id: %s\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n",
	    r->status, reason(r->status), ctype, r->id);
	if (r->hdrs_len)
		FCGX_PutStr(r->hdrs, (int)r->hdrs_len, out);
	FCGX_PutStr("\r\n", 2, out);
	if (r->method != XJ_M_HEAD && len)
		FCGX_PutStr(body, (int)len, out);
	return XJ_OK;
}

int
xj_resp_send(struct xj_req *r)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(r->gen, &buf, &len) != yajl_gen_status_ok)
		return XJ_E_INTERNAL;
	return emit(r, "application/json; charset=utf-8", (const char *)buf, len);
}

int
xj_resp_body(struct xj_req *r, int status, const char *ctype,
    const char *body, size_t len)
{
	r->status = status;
	return emit(r, ctype, body, len);
}

int
xj_resp_stream(struct xj_req *r, int status, const char *ctype)
{
	int rc;

	r->status = status;
	if ((rc = emit(r, ctype, NULL, 0)) != XJ_OK)
		return rc;
	/* the headers go now: the client learns at once that a file comes */
	return FCGX_FFlush(r->fcgx->out) == 0 ? XJ_OK : XJ_E_UNAVAILABLE;
}

int
xj_resp_write(struct xj_req *r, const char *p, size_t len)
{
	if (!r->responded || len > INT_MAX)
		return XJ_E_INTERNAL;
	if (r->method == XJ_M_HEAD || len == 0)
		return XJ_OK;
	if (FCGX_PutStr(p, (int)len, r->fcgx->out) != (int)len)
		return XJ_E_UNAVAILABLE;	/* the client (nginx) is gone */
	return XJ_OK;
}

void
xj_resp_abort(struct xj_req *r)
{
	/* nginx reads a worker's end of connection as the end of the answer
	 * (fastcgi_keep_conn off: no length to compare), so closing alone
	 * would end the client's download as complete. What nginx does take
	 * as a broken upstream is a record it cannot parse: after what was
	 * written so far, a header of FastCGI version 0, then the socket shut
	 * (FCGX_Finish_r's writes then fail; SIGPIPE is blocked in every
	 * thread). nginx logs "upstream sent unsupported FastCGI protocol
	 * version" and, the response header sent, closes the client's
	 * connection without the last chunk. */
	static const unsigned char bad[8] = { 0 };

	if (r->fcgx != NULL && r->fcgx->ipcFd >= 0) {
		if (r->fcgx->out != NULL)
			FCGX_FFlush(r->fcgx->out);
		if (write(r->fcgx->ipcFd, bad, sizeof(bad)) != (ssize_t)sizeof(bad))
			xj_log(XJ_LOG_WARN, "abort_write_failed", "%d", "errno", errno);
		shutdown(r->fcgx->ipcFd, SHUT_RDWR);
	}
	r->status = 500;	/* for the request log line */
}

void
xj_gen_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void
xj_gen_str(yajl_gen g, const char *key, const char *val)
{
	xj_gen_key(g, key);
	if (val == NULL)
		yajl_gen_null(g);
	else
		yajl_gen_string(g, (const unsigned char *)val, strlen(val));
}

void
xj_gen_strn(yajl_gen g, const char *key, struct xj_str val)
{
	xj_gen_key(g, key);
	if (val.p == NULL)
		yajl_gen_null(g);
	else
		yajl_gen_string(g, (const unsigned char *)val.p, val.len);
}

void
xj_gen_int(yajl_gen g, const char *key, long long val)
{
	xj_gen_key(g, key);
	yajl_gen_integer(g, val);
}

void
xj_gen_bool(yajl_gen g, const char *key, int val)
{
	xj_gen_key(g, key);
	yajl_gen_bool(g, val);
}

void
xj_gen_null(yajl_gen g, const char *key)
{
	xj_gen_key(g, key);
	yajl_gen_null(g);
}

/* Depth is bounded by the parse that built the tree (json.h limits). */
static void
gen_value(yajl_gen g, const struct xj_json *v)
{
	const struct xj_json *c;

	switch (v->type) {
	case XJ_J_NULL:
		yajl_gen_null(g);
		break;
	case XJ_J_BOOL:
		yajl_gen_bool(g, v->b);
		break;
	case XJ_J_NUM:
		yajl_gen_number(g, v->s.p, v->s.len);
		break;
	case XJ_J_STR:
		yajl_gen_string(g, (const unsigned char *)v->s.p, v->s.len);
		break;
	case XJ_J_OBJ:
		yajl_gen_map_open(g);
		for (c = v->child; c; c = c->next) {
			yajl_gen_string(g, (const unsigned char *)c->key.p, c->key.len);
			gen_value(g, c);
		}
		yajl_gen_map_close(g);
		break;
	case XJ_J_ARR:
		yajl_gen_array_open(g);
		for (c = v->child; c; c = c->next)
			gen_value(g, c);
		yajl_gen_array_close(g);
		break;
	}
}

void
xj_gen_tree(yajl_gen g, const char *key, const struct xj_json *v)
{
	xj_gen_key(g, key);
	if (v == NULL)
		yajl_gen_null(g);
	else
		gen_value(g, v);
}

int
xj_gen_text(struct xj_arena *a, void (*fn)(yajl_gen, void *), void *arg,
    struct xj_str *out)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen g;
	char *p = NULL;
	int rc = XJ_OK;

	/* a generator of its own (the thread's one may hold the response),
	 * freed before returning: the text lives on in the arena */
	if ((g = yajl_gen_alloc(NULL)) == NULL)
		return XJ_E_INTERNAL;
	fn(g, arg);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		rc = XJ_E_INTERNAL;
	else if ((p = xj_strndup(a, (const char *)buf, len)) == NULL)
		rc = XJ_E_TOO_COMPLEX;
	else
		*out = (struct xj_str){ len, p };
	yajl_gen_free(g);
	return rc;
}

static void
gen_error_members(yajl_gen g, int err)
{
	const struct xj_errinfo *e = xj_err_info(err);

	xj_gen_str(g, "code", e->code);
	xj_gen_str(g, "message", e->zh);
	xj_gen_str(g, "message_en", e->en);
}

int
xj_resp_error(struct xj_req *r, int err, const char *field)
{
	return xj_resp_error_x(r, err, field, NULL, NULL);
}

int
xj_resp_error_x(struct xj_req *r, int err, const char *field,
    void (*fn)(yajl_gen, void *), void *arg)
{
	const struct xj_errinfo *e = xj_err_info(err);
	yajl_gen g;
	char ra[16];

	r->err = err;
	if (e->status == 503) {
		snprintf(ra, sizeof(ra), "%d", retry_after);
		xj_resp_header(r, "Retry-After", ra);
	}
	g = xj_resp_json(r, e->status);
	yajl_gen_map_open(g);
	xj_gen_key(g, "error");
	yajl_gen_map_open(g);
	gen_error_members(g, err);
	xj_gen_str(g, "field", field);
	xj_gen_str(g, "request_id", r->id);
	if (fn != NULL)
		fn(g, arg);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_resp_ferrs(struct xj_req *r, const struct xj_ferrs *fe)
{
	yajl_gen g;

	r->err = XJ_E_VALIDATION;
	g = xj_resp_json(r, 422);
	yajl_gen_map_open(g);
	xj_gen_key(g, "error");
	yajl_gen_map_open(g);
	gen_error_members(g, XJ_E_VALIDATION);
	xj_gen_str(g, "field", fe->n ? fe->e[0].field : NULL);
	xj_gen_str(g, "request_id", r->id);
	xj_gen_key(g, "fields");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < fe->n; i++) {
		yajl_gen_map_open(g);
		xj_gen_str(g, "field", fe->e[i].field);
		gen_error_members(g, fe->e[i].code);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
