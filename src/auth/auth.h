/* auth.h -- who is calling. Parents and staff carry an HMAC-signed
 * session cookie (crypto/token.h) whose generation must match their
 * account row, so logout, a password change or (staff, R-ORG-4) a new
 * login elsewhere end it; every state-changing call also carries the
 * X-CSRF-Token header bound to that session. The PSB gateway signs each
 * call (crypto/sign.h) with a timestamp and a nonce that is never
 * accepted twice. The dispatcher calls xj_auth_check for every route
 * whose role is not public. */
#ifndef XJ_AUTH_H
#define XJ_AUTH_H

#include <stddef.h>

struct xj_conf;
struct xj_keys;
struct xj_req;

/* __Host- (review L10): the browser keeps them only when Secure, with
 * Path=/ and no Domain, so no sibling subdomain can plant one */
#define XJ_COOKIE_PARENT	"__Host-xj_parent"
#define XJ_COOKIE_STAFF		"__Host-xj_staff"

/* Once at start; keys and conf must outlive the workers. The PSB key is
 * read from conf->psb_key_file (permission-checked) only by workers that
 * serve the PSB routes (load_psb); 0 or -1 with err. */
int	xj_auth_init(const struct xj_conf *, const struct xj_keys *, int load_psb,
	    char *err, size_t errlen);
void	xj_auth_fini(void);
const struct xj_keys *xj_auth_keys(void);

/* The dispatcher's hook (core/dispatch.h). */
int	xj_auth_check(struct xj_req *, int role);
/* After the handler of a route xj_auth_check admitted (XJ_ROLE_SIGNIN:
 * the sign-in gate, issue 16). */
void	xj_auth_leave(struct xj_req *, int role);
/* The sign-in gate's slots (pure): [security] signin_slots when set,
 * else a quarter of the threads, at least 2. */
int	xj_auth_signin_slots(int configured, int threads);
/* XJ_ROLE_PARENT_CONFIRM routes: the account row's existence and session
 * generation as the handler's own query read them. XJ_OK when the
 * session is live (no-op when nothing is pending), otherwise the error
 * session_live() would have given. */
int	xj_auth_confirm(struct xj_req *, int found, unsigned gen);
/* The session's anti-CSRF token (made on first use, in the arena), or
 * NULL without a session. */
const char *xj_auth_csrf(struct xj_req *);
/* Start a session for the account (kind 'p' or 's') after a login or a
 * sign-up: sets the cookie and r->csrf. */
int	xj_auth_start(struct xj_req *, char kind, unsigned long long account, unsigned gen);
/* Clear the cookie (logout). */
int	xj_auth_clear(struct xj_req *, char kind);

/* Passwords, through the hashing pool below, at the configured cost:
 * XJ_OK / XJ_E_BUSY (pool full: 503) / XJ_E_INTERNAL. */
int	xj_auth_password_hash(const char *pw, size_t len, char *out /* XJ_PW_HASH_MAX */);
/* 1 match, 0 no, <0 XJ_E_BUSY or error. stored NULL (no such account)
 * still costs one hash at the configured cost and answers 0, so that
 * timing does not tell which accounts exist. */
int	xj_auth_password_verify(const char *pw, size_t len, const char *stored);

/* As xj_auth_password_verify, for a caller that already holds a slot of
 * the pool (xj_auth_hash_enter): a login takes the slot first and then
 * reserves its attempt, so that an attempt refused busy (503) is never
 * counted as a failure (review M2). */
int	xj_auth_password_verify_held(const char *pw, size_t len, const char *stored);
/* (1 match, 0 no, XJ_E_INTERNAL for a malformed stored hash) */
/* 1 when [security] staff_totp_required lists this org kind (M10). */
int	xj_auth_totp_required(const char *org_kind);

/* A bounded pool for password hashing: at most conf hash_slots hashes at
 * once per process, and at most xj_auth_hash_door() threads hashing or
 * waiting for a slot, so that a login storm leaves threads for everything
 * else. Returns 0 with a slot; -1 at once when too many already wait, or
 * when no slot freed up within the wait (callers answer 503 busy). */
int	xj_auth_hash_enter(void);
void	xj_auth_hash_leave(void);
/* The slots (pure): [security] hash_slots when set, else half of ncpu,
 * at least 1. */
int	xj_auth_hash_slots(int configured, int ncpu);
/* How many threads may be inside the pool (pure): 2 x slots, at most half
 * of the worker threads (threads 0 = 2 x ncpu), at least 1. */
int	xj_auth_hash_door(int slots, int threads, int ncpu);

#endif
