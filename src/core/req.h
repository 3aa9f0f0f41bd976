/* req.h -- one HTTP request as a FastCGI worker sees it, and the only way
 * to answer it: every response, success or error, goes through the
 * functions here (kcgi: never printf a response). */
#ifndef XJ_REQ_H
#define XJ_REQ_H

#include <stddef.h>
#include <time.h>
#include <fcgiapp.h>
#include <yajl/yajl_gen.h>

#include "arena.h"
#include "bind.h"
#include "json.h"
#include "router.h"
#include "str.h"

#define XJ_REQ_MAGIC	0x786a7271u

struct xj_db;

struct xj_req {
	unsigned		 magic;
	FCGX_Request		*fcgx;
	struct xj_arena		*arena;
	struct xj_db		*db;		/* the thread's connection */
	yajl_gen		 gen;		/* the thread's generator, reset per request */
	struct timespec		 t0;

	enum xj_method		 method;
	struct xj_str		 path;
	struct xj_str		 query;
	struct xj_str		 content_type;
	long long		 content_length;
	const char		*client_addr;
	char			 id[40];	/* request id, echoed in X-Request-Id */

	/* who is calling, set by the dispatcher's auth hook (XJ_ACTOR_*
	 * values of store/audit.h; 0 = nobody) */
	int			 actor_type;
	unsigned long long	 actor_id;
	unsigned		 actor_org;
	const char		*actor_role;
	/* the portal's resolved actor, set by the dispatcher's policy hook
	 * (the school portal's struct xj_school_actor, school/school.h) */
	const void		*policy_actor;
	const char		*csrf;		/* the session's anti-CSRF token, once made */
	/* the checked session, from which auth/auth.h xj_auth_csrf() makes
	 * the token when a route returns it (sess_kind 0: none) */
	char			 sess_kind;
	unsigned		 sess_gen;
	long long		 sess_iat;
	/* XJ_ROLE_PARENT_CONFIRM: the session generation still to be
	 * matched against the account row (auth/auth.h xj_auth_confirm) */
	int			 live_pending;
	unsigned		 live_gen;

	const struct xj_route	*route;
	struct xj_route_params	 params;
	struct xj_str		 body;
	struct xj_json		*json;		/* parsed body, when JSON */

	/* response */
	int			 status;
	int			 responded;
	int			 err;		/* error code sent, for the access log */
	char			*hdrs;
	size_t			 hdrs_len, hdrs_cap;
};

/* Fill r from the FastCGI parameters of an accepted request. */
int	 xj_req_init(struct xj_req *, FCGX_Request *, struct xj_arena *,
	    struct xj_db *, yajl_gen);
/* A FastCGI parameter or request header ("HTTP_X_FOO"), or NULL. */
const char *xj_req_param(const struct xj_req *, const char *name);
/* Read the body: XJ_OK, or XJ_E_BODY_TOO_LARGE after draining it. */
int	 xj_req_read_body(struct xj_req *, size_t limit);
/* A query-string value, percent-decoded into the arena; XJ_STR_NULL when
 * absent. XJ_E_BAD_QUERY in *err when malformed. */
struct xj_str xj_req_query(struct xj_req *, const char *name, int *err);
/* Percent-decode n bytes of in into out (room for n + 1; NUL added),
 * '+' as a space when plus_space (a query string). 0, or -1 for a
 * malformed escape. */
int	 xj_pct_decode(const char *in, size_t n, int plus_space, char *out, size_t *outlen);

/* A cookie's value from the Cookie header (XJ_STR_NULL if absent). */
struct xj_str xj_req_cookie(const struct xj_req *, const char *name);
/* 1 for methods that change state (everything but GET and HEAD). */
int	 xj_req_changes_state(const struct xj_req *);

/* Response building. */
int	 xj_resp_header(struct xj_req *, const char *name, const char *value);
/* Start a JSON response; build the value with the thread's generator. */
yajl_gen xj_resp_json(struct xj_req *, int status);
/* Send what was built; exactly once per request. */
int	 xj_resp_send(struct xj_req *);
/* Send a non-JSON body (HTML pages, XML). */
int	 xj_resp_body(struct xj_req *, int status, const char *ctype,
	    const char *body, size_t len);
/* A streamed answer (the roster's CSV export): the status line and
 * headers now (flushed to nginx), then the body in pieces as it is read
 * from the database, so a big answer never sits whole in the arena. XJ_OK,
 * or an error when the client is gone. After a failure half way,
 * xj_resp_abort() makes nginx see a broken upstream (a record it cannot
 * parse, then the socket shut), so that the client's download fails
 * instead of ending as a complete but short file. */
int	 xj_resp_stream(struct xj_req *, int status, const char *ctype);
int	 xj_resp_write(struct xj_req *, const char *p, size_t len);
void	 xj_resp_abort(struct xj_req *);
/* Send the error format of DESIGN.md for err; field may be NULL. */
int	 xj_resp_error(struct xj_req *, int err, const char *field);
/* The same with extra members inside "error" written by fn (details a
 * client can act on, e.g. where a child is already registered). */
int	 xj_resp_error_x(struct xj_req *, int err, const char *field,
	    void (*fn)(yajl_gen, void *), void *arg);
/* 422 with every field error. */
int	 xj_resp_ferrs(struct xj_req *, const struct xj_ferrs *);
/* Seconds advertised in Retry-After with 503 answers. */
void	 xj_resp_set_retry_after(int seconds);

/* Generator shorthands: "key": value members of the open object. */
void	 xj_gen_str(yajl_gen, const char *key, const char *val);
void	 xj_gen_strn(yajl_gen, const char *key, struct xj_str val);
void	 xj_gen_int(yajl_gen, const char *key, long long val);
void	 xj_gen_bool(yajl_gen, const char *key, int val);
void	 xj_gen_null(yajl_gen, const char *key);
void	 xj_gen_key(yajl_gen, const char *key);
/* A parsed JSON value (a JSON column read back), or null for NULL. */
void	 xj_gen_tree(yajl_gen, const char *key, const struct xj_json *);
/* Build a JSON text with fn into the arena (a JSON column, the canonical
 * JSON an audit digest is taken of): XJ_OK and *out, or an error. */
int	 xj_gen_text(struct xj_arena *, void (*fn)(yajl_gen, void *), void *arg,
	    struct xj_str *out);

#endif
