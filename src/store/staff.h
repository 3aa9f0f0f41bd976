/* staff.h -- staff accounts of schools and education bureaus (R-ORG-1..4):
 * a login name, a scrypt password hash, the account's org and role
 * (clerk, reviewer, admin), the lockout counters and the session
 * generation. R-ORG-4: every successful login and every logout bumps the
 * generation, so at most one session token of an account is ever live
 * (auth/auth.c refuses the others with session_replaced). */
#ifndef XJ_STORE_STAFF_H
#define XJ_STORE_STAFF_H

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
/* Count a failure; the max-th one in a row locks for lockout seconds. */
int	xj_staff_login_failed(struct xj_db *, unsigned long long id, int max, int lockout);
/* End every session of the account (logout). */
int	xj_staff_bump_gen(struct xj_db *, unsigned long long id);
/* Replace the password hash (same password, today's cost). */
int	xj_staff_rehash(struct xj_db *, unsigned long long id, const char *pw_hash);

#endif
