/* parent.h -- parent accounts: a mobile number (encrypted, found by its
 * blind index), a scrypt password hash, the session generation that
 * logout and password changes bump, and the lockout counters. */
#ifndef XJ_STORE_PARENT_H
#define XJ_STORE_PARENT_H

#include <stddef.h>

struct xj_db;

struct xj_parent_login {
	unsigned long long	 id;
	char			 pw_hash[256];
	unsigned		 gen;
	unsigned		 failed;
	long long		 locked_for;	/* seconds still locked, <= 0: not locked */
};

/* XJ_OK with *id, XJ_E_CONFLICT when the number has an account. */
/* The row identity parent_account.phone_ct is bound to (crypto/field.h,
 * review L1): the row's unique phone blind index in hex, into out. */
#define XJ_PARENT_ROW_LEN	65
const char *xj_parent_phone_row(const unsigned char bidx[32], char out[XJ_PARENT_ROW_LEN]);
int	xj_parent_insert(struct xj_db *, const unsigned char *phone_bidx,
	    const unsigned char *phone_ct, size_t ct_len, const char *pw_hash,
	    unsigned long long *id);
/* XJ_OK, XJ_NO_ROW or a db error. */
int	xj_parent_by_phone(struct xj_db *, const unsigned char *phone_bidx,
	    struct xj_parent_login *);
int	xj_parent_by_id(struct xj_db *, unsigned long long id,
	    struct xj_parent_login *);
int	xj_parent_gen(struct xj_db *, unsigned long long id, unsigned *gen);
int	xj_parent_login_ok(struct xj_db *, unsigned long long id);
/* Reserve one attempt before the password is hashed (review M2): counts
 * it as a failure until a success resets the count; the max-th in a row
 * locks for lockout seconds. XJ_OK reserved, XJ_E_ACCOUNT_LOCKED when
 * the account is locked (nothing counted), or a db error. Run it in its
 * own transaction so that parallel attempts see each other's. */
int	xj_parent_login_reserve(struct xj_db *, unsigned long long id, int max,
	    int lockout);
/* Bump the session generation: every token issued before is dead. */
int	xj_parent_bump_gen(struct xj_db *, unsigned long long id);
int	xj_parent_set_password(struct xj_db *, unsigned long long id, const char *hash);
/* Replace the hash of the same password (a raised cost); sessions live. */
int	xj_parent_rehash(struct xj_db *, unsigned long long id, const char *hash);

#endif
