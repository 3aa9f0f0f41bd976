/* staff.h -- staff accounts of schools and education bureaus (R-ORG-1..4):
 * a login name, a scrypt password hash, the account's org and role
 * (clerk, reviewer, admin), the lockout counters and the session
 * generation. R-ORG-4: every successful login and every logout bumps the
 * generation, so at most one session token of an account is ever live
 * (auth/auth.c refuses the others with session_replaced). */
#ifndef XJ_STORE_STAFF_H
#define XJ_STORE_STAFF_H

#include <stddef.h>

struct xj_db;

struct xj_staff_login {
	unsigned long long	 id;
	char			 status[16];		/* active, disabled */
	char			 pw_hash[256];
	unsigned		 gen;
	unsigned		 failed;
	long long		 locked_for;		/* seconds still locked, <= 0: not locked */
	char			 role[16];		/* clerk, reviewer, admin */
	unsigned		 org_id;
	int			 must_change_pw;	/* M10: forced change pending */
	int			 totp_enabled;
	unsigned char		 totp_ct[96];		/* field-encrypted secret, or empty */
	size_t			 totp_ct_len;
	long long		 totp_last_step;	/* -1: none used yet */
};

/* What the auth hook reads per request (auth/auth.c): generation, status,
 * role, org, and whether the session is restricted to setting up its
 * password or second factor. */
struct xj_staff_session {
	unsigned		 gen;
	char			 status[16];
	char			 role[16];
	unsigned		 org_id;
	int			 must_change_pw;
	int			 totp_enabled;
	char			 org_kind[12];
};

struct xj_staff_info {
	char			 login[65];
	char			 display_name[257];
	char			 role[16];
	unsigned		 org_id;
	char			 org_kind[12];
	char			 org_code[13];
	char			 org_name[401];
};

/* XJ_OK, XJ_NO_ROW or a db error. */
int	xj_staff_by_login(struct xj_db *, const char *login, struct xj_staff_login *);
int	xj_staff_by_id(struct xj_db *, unsigned long long id, struct xj_staff_info *);
/* A successful login: clear the failure count and start a new session
 * generation (R-ORG-4), returned in *gen. XJ_E_CONFLICT when the account
 * was disabled meanwhile. */
int	xj_staff_login_ok(struct xj_db *, unsigned long long id, unsigned *gen);
/* The client's lockout row for the account (review M3: per account and
 * client address): reserve one attempt before hashing (M2). XJ_OK
 * reserved, XJ_E_ACCOUNT_LOCKED when this address is locked out of the
 * account (nothing counted). Its own transaction, so that parallel
 * attempts see each other's. */
int	xj_staff_guard_reserve(struct xj_db *, unsigned long long id, const char *client_key,
	    int max, int lockout);
/* A success from that address forgets its failures. */
int	xj_staff_guard_clear(struct xj_db *, unsigned long long id, const char *client_key);
/* Forget rows untouched for older_than seconds and not locked (jobs). */
int	xj_staff_guard_purge(struct xj_db *, long older_than, int batch, unsigned long long *n);
int	xj_staff_session(struct xj_db *, unsigned long long id, struct xj_staff_session *);
/* As xj_staff_by_login, by id (password change, TOTP enrolment). */
int	xj_staff_auth_by_id(struct xj_db *, unsigned long long id, struct xj_staff_login *);
/* A new account that must change its password at first login (M10,
 * L11): XJ_OK with *id, XJ_E_CONFLICT when the login is taken. */
int	xj_staff_create(struct xj_db *, unsigned org_id, const char *login,
	    const char *display_name, const char *role, const char *pw_hash,
	    unsigned long long *id);
/* The owner's own change: new hash, no forced change, a new session
 * generation returned in *gen. XJ_E_CONFLICT when no longer active. */
int	xj_staff_set_password(struct xj_db *, unsigned long long id, const char *pw_hash,
	    unsigned *gen);
/* An administrator's reset: new hash, forced change at next login, the
 * second factor and every lockout row of the account dropped, sessions
 * ended. */
int	xj_staff_reset_password(struct xj_db *, unsigned long long id, const char *pw_hash);
/* TOTP: store a pending secret (XJ_E_CONFLICT when one is confirmed);
 * confirm it with the step of a valid code; use a step at login
 * (XJ_E_CONFLICT when that step or a later one was used: a replay). */
int	xj_staff_totp_pending(struct xj_db *, unsigned long long id, const unsigned char *ct,
	    size_t len);
int	xj_staff_totp_enable(struct xj_db *, unsigned long long id, long long step);
int	xj_staff_totp_use(struct xj_db *, unsigned long long id, long long step);
/* End every session of the account (logout). */
int	xj_staff_bump_gen(struct xj_db *, unsigned long long id);
/* Replace the password hash (same password, today's cost). */
int	xj_staff_rehash(struct xj_db *, unsigned long long id, const char *pw_hash);

/* One account of an administrator's list (issue 14, school/accounts.c). */
struct xj_staff_row {
	unsigned long long	 id;
	char			 login[65];
	char			 display_name[257];
	char			 role[16];
	char			 status[16];
	int			 must_change_pw;
	int			 totp_enabled;
	char			 org_kind[12];
	char			 org_code[13];
	char			 org_name[401];
	char			 created_at[20];	/* UTC, YYYY-MM-DD HH:MM:SS */
};

/* A disabled account active again (issue 14): XJ_OK, XJ_E_CONFLICT when
 * it is not disabled, or a db error. Its session generation stays: the
 * disable ended every session it had. */
int	xj_staff_enable(struct xj_db *, unsigned long long id);
/* Accounts of the orgs whose path starts with `path` (R-ORG-3), id order
 * after `after`, at most limit: fn per row. XJ_OK or a db error. */
int	xj_staff_list(struct xj_db *, const char *path, unsigned long long after, int limit,
	    void (*fn)(const struct xj_staff_row *, void *), void *arg);

#endif
