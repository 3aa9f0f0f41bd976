/* keys.h -- the instance's secret keys, read from files outside the
 * database (conf.h checks their permissions). Each purpose has its own
 * key file, so that a leak or a rotation of one touches nothing else
 * (review M11): session tokens, CSRF tokens, blind indexes, SMS code
 * hashes, field encryption, PSB signatures (auth.c loads that one) and
 * the audit seal (Ed25519, its own file).
 *
 * Every key file has one format, a key ring of "ID HEX" lines:
 *
 *   # comments and blank lines are skipped
 *   1 <64 hex digits>
 *   2 <64 hex digits>
 *
 * The highest id is current: it signs, encrypts, indexes. Every listed id
 * verifies or decrypts, so a key rotates with an overlap: add a line with
 * a higher id, reload, and remove the old line when nothing made under it
 * is still wanted (docs/operations.md "Keys"). A file holding just 64 hex
 * digits (the format of the old hmac.key and psb.key) is a ring of one key
 * with id 1: that is the upgrade path. */
#ifndef XJ_KEYS_H
#define XJ_KEYS_H

#include <stddef.h>

struct xj_conf;

#define XJ_KEY_LEN	32
#define XJ_RING_MAX	8
#define XJ_MAX_ENC_KEYS	XJ_RING_MAX

struct xj_keyring {
	struct {
		unsigned	 id;		/* 1..2^32-1 */
		unsigned char	 key[XJ_KEY_LEN];
	}		 k[XJ_RING_MAX];
	int		 n;
	int		 active;	/* index of the highest id, -1 when empty */
};

struct xj_keys {
	struct xj_keyring	 session;	/* session cookies (token.h) */
	struct xj_keyring	 csrf;		/* anti-CSRF tokens (token.h) */
	struct xj_keyring	 blind;		/* blind indexes: one key only */
	struct xj_keyring	 sms;		/* SMS code hashes; may be empty */
	struct xj_keyring	 enc;		/* field encryption (field.h) */
};

/* Parse a key ring file's text (pure; unit-tested); what names the file
 * in errors. 0, or -1 with err and r emptied. */
int	xj_keyring_parse(const char *text, const char *what, struct xj_keyring *r,
	    char *err, size_t errlen);
/* The key of id, or NULL when the ring does not list it. */
const unsigned char *xj_keyring_get(const struct xj_keyring *, unsigned id);
/* The current (highest) key and its id, or NULL for an empty ring. */
const unsigned char *xj_keyring_current(const struct xj_keyring *, unsigned *id);
/* Read a ring from a permission-checked file. */
int	xj_keyring_load(const char *path, const char *what, struct xj_keyring *,
	    char *err, size_t errlen);

/* The encryption ring alone, from text (tests and tools). */
int	xj_keys_parse_enc(const char *text, struct xj_keys *, char *err, size_t errlen);
/* Read every key file named by conf's [security] section into k. A conf
 * that still names only the old hmac_key_file is refused with the upgrade
 * steps (docs/operations.md "Upgrading from hmac.key"). */
int	xj_keys_load(const struct xj_conf *, struct xj_keys *, char *err, size_t errlen);
/* Write a fresh key file (mode 0600) unless it exists: one line "1 HEX",
 * or, when copy_from names an existing key file, that file's ring
 * (blind.key from the old hmac.key keeps every blind index valid).
 * 1 written, 0 already there, -1 error. */
int	xj_keys_generate(const char *path, const char *copy_from, char *err, size_t errlen);
/* Add a key with the next id to an existing ring file (rewritten
 * atomically, mode 0600): the rotation's first step. Prints nothing;
 * *id gets the new id. 0 or -1. */
int	xj_keys_add(const char *path, unsigned *id, char *err, size_t errlen);
/* Random hex password file for DB users (mode 0600), unless it exists. */
int	xj_keys_generate_password(const char *path, char *err, size_t errlen);
/* Wipe key material. */
void	xj_keys_clear(struct xj_keys *);

/* A new signing key pair in PEM files: the private key to priv_path (mode
 * 0600, created: an existing file is kept and 0 returned), its public
 * half to pub_path (0644; appended when append_pub, so that a ring of
 * the current and retired keys grows, else replaced). type: an OpenSSL
 * key type ("ED25519", "SM2", "EC" with curve "P-256"); curve NULL for
 * the others. 1 written, 0 kept, -1 with err (a half-written private key
 * is removed). Used by the audit seals, the certificates of student
 * status and the ministry exchange. */
int	xj_pem_keypair(const char *type, const char *curve, const char *priv_path,
	    const char *pub_path, int append_pub, char *err, size_t errlen);

#endif
