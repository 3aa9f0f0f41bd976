/* auth.c -- sessions, CSRF and PSB signatures (see auth.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "crypto/keys.h"
#include "crypto/password.h"
#include "crypto/sign.h"
#include "crypto/token.h"
#include "db/db.h"
#include "store/audit.h"
#include "store/parent.h"
#include "store/staff.h"
#include "store/sql.h"
#include "auth.h"

static const struct xj_conf *conf;
static const struct xj_keys *keys;
/* the PSB gateway's key ring (docs/psb.md §2: X-PSB-Key-Id picks the key) */
static struct xj_keyring psb_keys;
/* refusal log lines: at most PSB_LOG_BURST a second per process (review
 * L6: a caller in the allow-list must not flood the log); the rest are
 * counted and the count is logged with the next line let through */
#define PSB_LOG_BURST	5
static pthread_mutex_t psb_log_mu = PTHREAD_MUTEX_INITIALIZER;
static time_t psb_log_sec;
static unsigned psb_log_n, psb_log_dropped;
/* margin kept beyond the timestamp window before a nonce is purged: the
 * database nodes' clocks may differ by this much (review L5) */
#define NONCE_MARGIN	60
/* A gate: at most `slots` callers inside at once, and at most `door`
 * callers hashing or waiting for a slot (the rest refused at once), a
 * wait of at most wait_s. Without the door a login storm parked every
 * worker thread in the wait and starved all other requests although only
 * the slots' worth of them worked (docs/benchmarks.md, "login storm").
 * Two gates, one mechanism: password hashes (hash_slots, 5 s) and the
 * sign-in routes (signin_slots, 2 s; issue 16). */
struct gate {
	sem_t	slots;
	sem_t	door;
	int	wait_s;
	int	live;
};

static struct gate hash_gate, signin_gate;

static int
gate_init(struct gate *g, int slots, int door, int wait_s)
{
	g->wait_s = wait_s;
	if (sem_init(&g->slots, 0, (unsigned)slots) != 0)
		return -1;
	if (sem_init(&g->door, 0, (unsigned)door) != 0) {
		sem_destroy(&g->slots);
		return -1;
	}
	g->live = 1;
	return 0;
}

static void
gate_fini(struct gate *g)
{
	if (!g->live)
		return;
	sem_destroy(&g->slots);
	sem_destroy(&g->door);
	g->live = 0;
}

/* 0 inside, -1 refused (the door full, or no slot within the wait) */
static int
gate_enter(struct gate *g)
{
	struct timespec ts;

	if (sem_trywait(&g->door) != 0)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += g->wait_s;
	while (sem_timedwait(&g->slots, &ts) != 0)
		if (errno != EINTR) {
			sem_post(&g->door);
			return -1;
		}
	return 0;
}

static void
gate_leave(struct gate *g)
{
	sem_post(&g->slots);
	sem_post(&g->door);
}

/* a hash at the configured cost that no password matches (made at start) */
static char dummy_hash[XJ_PW_HASH_MAX];


#define REFRESH_AFTER	60	/* re-issue a sliding cookie at most once a minute */

/* Walk the comma-separated kinds of list: 1 when kind is one of them
 * (kind NULL: 0, but every token checked); -1 on an unknown token. */
static int
kinds_scan(const char *list, const char *kind)
{
	static const char *const known[] = { "school", "county", "city", "province", "ministry" };
	const char *p = list;
	int found = 0;

	while (*p) {
		size_t n = strcspn(p, ",");
		const char *t = p;
		size_t m = n;
		int ok = 0;

		while (m && (*t == ' ' || *t == '\t'))
			t++, m--;
		while (m && (t[m - 1] == ' ' || t[m - 1] == '\t'))
			m--;
		if (m) {
			for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
				ok |= strlen(known[i]) == m && memcmp(known[i], t, m) == 0;
			if (!ok)
				return -1;
			if (kind && strlen(kind) == m && memcmp(kind, t, m) == 0)
				found = 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return found;
}

static int
totp_kinds_valid(const char *list)
{
	return kinds_scan(list, NULL) < 0 ? -1 : 0;
}

int
xj_auth_totp_required(const char *org_kind)
{
	return kinds_scan(conf->staff_totp_required, org_kind) == 1;
}

int
xj_auth_init(const struct xj_conf *c, const struct xj_keys *k, int load_psb, char *err,
    size_t errlen)
{
	int slots = xj_auth_hash_slots(c->hash_slots, (int)sysconf(_SC_NPROCESSORS_ONLN));

	conf = c;
	keys = k;
	if (totp_kinds_valid(c->staff_totp_required) != 0) {
		snprintf(err, errlen, "[security] staff_totp_required: not a list of org kinds "
		    "(school, county, city, province, ministry): %s", c->staff_totp_required);
		return -1;
	}
	memset(&psb_keys, 0, sizeof(psb_keys));
	/* a key ring like the others; the old 64-hex-digit file is key id 1 */
	if (load_psb && c->psb_key_file[0] &&
	    xj_keyring_load(c->psb_key_file, "PSB", &psb_keys, err, errlen) != 0)
		return -1;
	if (slots < 1)
		slots = 1;
	{
		unsigned char junk[32];
		if (RAND_bytes(junk, sizeof(junk)) != 1 ||
		    xj_pw_hash((const char *)junk, sizeof(junk), c->scrypt_log2n, c->scrypt_r,
		    c->scrypt_p, dummy_hash, sizeof(dummy_hash)) != 0) {
			snprintf(err, errlen, "password hashing does not work");
			return -1;
		}
	}
	{
		int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
		int threads = c->threads > 0 ? c->threads : 2 * (ncpu > 0 ? ncpu : 1);
		int ss = xj_auth_signin_slots(c->signin_slots, threads);
		int sd = xj_auth_hash_door(ss, threads, ncpu);

		if (gate_init(&hash_gate, slots, xj_auth_hash_door(slots, c->threads, ncpu), 5) != 0 ||
		    gate_init(&signin_gate, ss, sd > ss ? sd : ss, 2) != 0) {
			snprintf(err, errlen, "sem_init: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* [security] hash_slots 0: half the cores this process may run on (at
 * least one), so that a storm of sign-ins leaves the other half to
 * everything else (issue 16). */
int
xj_auth_hash_slots(int configured, int ncpu)
{
	if (configured > 0)
		return configured;
	return ncpu / 2 > 0 ? ncpu / 2 : 1;
}

/* As many waiting as hashing, but never more than half the threads:
 * the other half always serves requests that hash nothing. */
int
xj_auth_hash_door(int slots, int threads, int ncpu)
{
	int nt = threads > 0 ? threads : 2 * (ncpu > 0 ? ncpu : 1);
	int door = 2 * slots;

	if (door > nt / 2)
		door = nt / 2;
	return door < 1 ? 1 : door;
}

void
xj_auth_fini(void)
{
	OPENSSL_cleanse(&psb_keys, sizeof(psb_keys));
	gate_fini(&hash_gate);
	gate_fini(&signin_gate);
}

const struct xj_keys *
xj_auth_keys(void)
{
	return keys;
}

int
xj_auth_hash_enter(void)
{
	return gate_enter(&hash_gate);
}

void
xj_auth_hash_leave(void)
{
	gate_leave(&hash_gate);
}

/* [security] signin_slots 0: a quarter of the threads, at least 2. */
int
xj_auth_signin_slots(int configured, int threads)
{
	if (configured > 0)
		return configured;
	return threads / 4 > 2 ? threads / 4 : 2;
}

int
xj_auth_password_hash(const char *pw, size_t len, char *out)
{
	int rc;

	if (xj_auth_hash_enter() != 0)
		return XJ_E_BUSY;
	rc = xj_pw_hash(pw, len, conf->scrypt_log2n, conf->scrypt_r, conf->scrypt_p,
	    out, XJ_PW_HASH_MAX) == 0 ? XJ_OK : XJ_E_INTERNAL;
	xj_auth_hash_leave();
	return rc;
}

int
xj_auth_password_verify(const char *pw, size_t len, const char *stored)
{
	int ok;

	if (xj_auth_hash_enter() != 0)
		return XJ_E_BUSY;
	ok = xj_pw_verify(pw, len, stored ? stored : dummy_hash);
	xj_auth_hash_leave();
	return stored ? ok : 0;
}

int
xj_auth_password_verify_held(const char *pw, size_t len, const char *stored)
{
	int ok = xj_pw_verify(pw, len, stored ? stored : dummy_hash);

	if (ok < 0)
		return XJ_E_INTERNAL;	/* a malformed stored hash */
	return stored ? ok : 0;
}

static int
set_cookie(struct xj_req *r, char kind, const char *value, long max_age)
{
	char buf[512];

	/* __Host-: Secure, Path=/ and no Domain, so that no sibling subdomain
	 * can set or shadow it (review L10). Always Secure, also in
	 * development: browsers keep Secure cookies from http://localhost
	 * (docs/development.md), and the test clients send them anyway. */
	snprintf(buf, sizeof(buf), "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict; Secure",
	    kind == 'p' ? XJ_COOKIE_PARENT : XJ_COOKIE_STAFF, value, max_age);
	return xj_resp_header(r, "Set-Cookie", buf);
}

static int
issue(struct xj_req *r, const struct xj_session *s)
{
	char tok[XJ_TOKEN_BUF], *csrf;
	long absolute = s->kind == 'p' ? conf->parent_absolute : conf->staff_absolute;
	long left = absolute - (long)(s->seen - s->iat);

	if ((csrf = xj_alloc(r->arena, XJ_CSRF_BUF)) == NULL)
		return XJ_E_TOO_COMPLEX;
	if (xj_token_make(keys, s, tok, sizeof(tok)) < 0 ||
	    xj_csrf_make(keys, s, csrf, XJ_CSRF_BUF) < 0)
		return XJ_E_INTERNAL;
	r->csrf = csrf;
	return set_cookie(r, s->kind, tok, left > 0 ? left : 1);
}

int
xj_auth_start(struct xj_req *r, char kind, unsigned long long account, unsigned gen)
{
	struct xj_session s;

	s.kind = kind;
	s.account = account;
	s.gen = gen;
	s.iat = s.seen = (long long)time(NULL);
	r->actor_type = kind == 'p' ? XJ_ACTOR_PARENT : XJ_ACTOR_STAFF;
	r->actor_id = account;
	return issue(r, &s);
}

int
xj_auth_clear(struct xj_req *r, char kind)
{
	return set_cookie(r, kind, "", 0);
}

/* Account row check for the session's generation. */
static int
session_live(struct xj_req *r, const struct xj_session *s, int role)
{
	unsigned gen = 0;
	int rc;

	if (s->kind == 'p') {
		rc = xj_parent_gen(r->db, s->account, &gen);
		if (rc == XJ_NO_ROW)
			return XJ_E_UNAUTHENTICATED;
		if (rc != XJ_OK)
			return rc;
		return gen == s->gen ? XJ_OK : XJ_E_SESSION_EXPIRED;
	} else {
		struct xj_staff_session ss;
		rc = xj_staff_session(r->db, s->account, &ss);
		if (rc == XJ_NO_ROW)
			return XJ_E_UNAUTHENTICATED;
		if (rc != XJ_OK)
			return rc;
		if (strcmp(ss.status, "active") != 0)
			return XJ_E_UNAUTHENTICATED;
		/* R-ORG-4: a newer login bumped the generation */
		if (ss.gen != s->gen)
			return XJ_E_SESSION_REPLACED;
		r->actor_org = ss.org_id;
		r->actor_role = xj_strndup(r->arena, ss.role, strlen(ss.role));
		/* M10: until the password is changed (first login, admin
		 * reset) and a required second factor enrolled, only the
		 * XJ_ROLE_STAFF_SETUP routes answer */
		if (role != XJ_ROLE_STAFF_SETUP) {
			if (ss.must_change_pw)
				return XJ_E_PASSWORD_CHANGE_REQUIRED;
			if (!ss.totp_enabled && xj_auth_totp_required(ss.org_kind))
				return XJ_E_OTP_ENROLMENT_REQUIRED;
		}
		return XJ_OK;
	}
}

static int
check_session(struct xj_req *r, char kind, int confirm_later, int role)
{
	struct xj_str cookie = xj_req_cookie(r, kind == 'p' ? XJ_COOKIE_PARENT : XJ_COOKIE_STAFF);
	long idle = kind == 'p' ? conf->parent_idle : conf->staff_idle;
	long absolute = kind == 'p' ? conf->parent_absolute : conf->staff_absolute;
	long long now = (long long)time(NULL);
	struct xj_session s;
	const char *hdr;
	int rc;

	if (cookie.p == NULL || cookie.len == 0)
		return XJ_E_UNAUTHENTICATED;
	if (xj_token_parse(keys, cookie.p, cookie.len, &s) != 0 || s.kind != kind)
		return XJ_E_UNAUTHENTICATED;
	if (!xj_session_fresh(&s, now, idle, absolute))
		return XJ_E_SESSION_EXPIRED;
	if (confirm_later && kind == 'p') {
		r->live_pending = 1;
		r->live_gen = s.gen;
	} else if ((rc = session_live(r, &s, role)) != XJ_OK)
		return rc;
	r->actor_type = kind == 'p' ? XJ_ACTOR_PARENT : XJ_ACTOR_STAFF;
	r->actor_id = s.account;
	if (xj_req_changes_state(r)) {
		hdr = xj_req_param(r, "HTTP_X_CSRF_TOKEN");
		if (hdr == NULL || !xj_csrf_check(keys, &s, hdr, strlen(hdr)))
			return XJ_E_CSRF;
	}
	/* the CSRF token is made only by the routes that return it */
	r->sess_kind = kind;
	r->sess_gen = s.gen;
	r->sess_iat = s.iat;
	/* sliding idle expiry: a fresh cookie now and then */
	if (now - s.seen >= REFRESH_AFTER) {
		s.seen = now;
		return issue(r, &s);
	}
	return XJ_OK;
}

const char *
xj_auth_csrf(struct xj_req *r)
{
	struct xj_session s;
	char *csrf;

	if (r->csrf != NULL || r->sess_kind == 0)
		return r->csrf;
	s.kind = r->sess_kind;
	s.account = r->actor_id;
	s.gen = r->sess_gen;
	s.iat = s.seen = r->sess_iat;
	if ((csrf = xj_alloc(r->arena, XJ_CSRF_BUF)) == NULL ||
	    xj_csrf_make(keys, &s, csrf, XJ_CSRF_BUF) < 0)
		return NULL;
	return r->csrf = csrf;
}

/* A timestamp is 1..12 decimal digits; anything else counts as a bad
 * signature (docs/psb.md §2), not as a stale one. */
static int
ts_wellformed(const char *ts)
{
	size_t n = strlen(ts);

	if (n == 0 || n > XJ_SIGN_TS_DIGITS)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (ts[i] < '0' || ts[i] > '9')
			return 0;
	return 1;
}

/* A refused gateway call: the reason, where from and what (the route's
 * pattern); never the body, the headers' values or the signature. */
static void
psb_refused(const struct xj_req *r, const char *reason, long long skew)
{
	const char *method = xj_method_name(r->method);
	const char *route = r->route ? r->route->path : "";
	const char *addr = r->client_addr ? r->client_addr : "";
	time_t now = time(NULL);
	unsigned dropped = 0;
	int say;

	pthread_mutex_lock(&psb_log_mu);
	if (now != psb_log_sec) {
		psb_log_sec = now;
		psb_log_n = 0;
	}
	if ((say = psb_log_n < PSB_LOG_BURST) != 0) {
		psb_log_n++;
		dropped = psb_log_dropped;
		psb_log_dropped = 0;
	} else
		psb_log_dropped++;
	pthread_mutex_unlock(&psb_log_mu);
	if (!say)
		return;
	if (dropped)
		xj_log(XJ_LOG_WARN, "psb_refused_unlogged", "%u", "count", dropped);
	if (skew != 0)
		xj_log(XJ_LOG_WARN, "psb_refused", "%s%s%s%s%lld", "reason", reason,
		    "client", addr, "method", method, "route", route, "skew_s", skew);
	else
		xj_log(XJ_LOG_WARN, "psb_refused", "%s%s%s%s", "reason", reason,
		    "client", addr, "method", method, "route", route);
}

/* The key named by X-PSB-Key-Id (1..4294967295; absent: key id 1, what
 * a gateway from before key ids signs with), or NULL. */
static const unsigned char *
psb_key(const char *id)
{
	unsigned long v = 1;
	char *end;

	if (id != NULL) {
		if (*id < '1' || *id > '9' || strlen(id) > 10)
			return NULL;
		errno = 0;
		v = strtoul(id, &end, 10);
		if (errno != 0 || *end != '\0' || v > 0xfffffffful)
			return NULL;
	}
	return xj_keyring_get(&psb_keys, (unsigned)v);
}

/* PSB gateway: signature first, over the raw body before anything parses
 * it (dispatch.c calls this before the JSON parser for XJ_ROLE_PSB; review
 * L6), so a caller without the key can use up no nonce and make us parse
 * nothing; then the timestamp window, then the nonce, stored in the
 * database so that every worker sees it (docs/psb.md). */
static int
check_psb(struct xj_req *r)
{
	const char *ts = xj_req_param(r, "HTTP_X_PSB_TIMESTAMP");
	const char *nonce = xj_req_param(r, "HTTP_X_PSB_NONCE");
	const char *sig = xj_req_param(r, "HTTP_X_PSB_SIGNATURE");
	const char *uri = xj_req_param(r, "REQUEST_URI");
	const unsigned char *key = psb_key(xj_req_param(r, "HTTP_X_PSB_KEY_ID"));
	struct xj_val v[4];
	long long t;
	int rc;

	if (key == NULL || ts == NULL || nonce == NULL || sig == NULL || uri == NULL ||
	    !ts_wellformed(ts) || !xj_sign_nonce_ok(nonce, strlen(nonce)) ||
	    !xj_sign_psb_verify(key, XJ_KEY_LEN, ts, nonce,
	    xj_method_name(r->method), uri, r->body.p, r->body.len, sig, strlen(sig))) {
		psb_refused(r, "bad_signature", 0);
		return XJ_E_BAD_SIGNATURE;
	}
	t = strtoll(ts, NULL, 10);
	/* a first look on our clock spares the database a hopeless call */
	if (!xj_sign_ts_fresh(ts, (long long)time(NULL), conf->psb_window)) {
		long long skew = (long long)time(NULL) - t;
		psb_refused(r, "stale_timestamp", skew ? skew : 1);
		return XJ_E_STALE_TIMESTAMP;
	}
	/* the nonce is stored with the request's timestamp, and inserted
	 * only when that timestamp is fresh on the DATABASE clock, the one
	 * the purge below uses (review L5): no nonce is purged while its
	 * timestamp could still pass this check on any worker */
	v[0] = XJ_VS(nonce);
	v[1] = XJ_VI(t);
	v[2] = XJ_VI(t);
	v[3] = XJ_VI(conf->psb_window);
	rc = xj_db_exec(r->db, XJ_Q_NONCE_INSERT, v, 4);
	if (rc == XJ_E_CONFLICT) {
		psb_refused(r, "replayed_nonce", 0);
		return XJ_E_REPLAYED_NONCE;
	}
	if (rc != XJ_OK)
		return rc;
	if (xj_db_affected(r->db, XJ_Q_NONCE_INSERT) != 1) {
		psb_refused(r, "stale_timestamp", 1);
		return XJ_E_STALE_TIMESTAMP;
	}
	/* keep the table small: drop what the window already refuses, by the
	 * request's timestamp, with a margin for the database nodes' clocks */
	v[0] = XJ_VI(conf->psb_window + NONCE_MARGIN);
	if ((rc = xj_db_exec(r->db, XJ_Q_NONCE_PURGE, v, 1)) != XJ_OK)
		return rc;
	r->actor_type = XJ_ACTOR_PSB;
	return XJ_OK;
}

int
xj_auth_confirm(struct xj_req *r, int found, unsigned gen)
{
	if (!r->live_pending)
		return XJ_OK;
	if (!found)
		return XJ_E_UNAUTHENTICATED;
	if (gen != r->live_gen)
		return XJ_E_SESSION_EXPIRED;
	r->live_pending = 0;
	return XJ_OK;
}

int
xj_auth_check(struct xj_req *r, int role)
{
	switch (role) {
	case XJ_ROLE_PARENT:
	case XJ_ROLE_PARENT_CONFIRM:
		return check_session(r, 'p', role == XJ_ROLE_PARENT_CONFIRM, role);
	case XJ_ROLE_STAFF:
	case XJ_ROLE_STAFF_SETUP:
		return check_session(r, 's', 0, role);
	case XJ_ROLE_PSB:
		/* dispatch.c calls this before the body is parsed */
		return check_psb(r);
	case XJ_ROLE_SIGNIN:
		/* dispatch.c calls xj_auth_leave after the handler */
		return gate_enter(&signin_gate) == 0 ? XJ_OK : XJ_E_BUSY;
	default:
		return XJ_E_FORBIDDEN;
	}
}

void
xj_auth_leave(struct xj_req *r, int role)
{
	(void)r;
	if (role == XJ_ROLE_SIGNIN)
		gate_leave(&signin_gate);
}
