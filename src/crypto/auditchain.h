/* auditchain.h -- the audit trail's hash chain and signed heads (R-ADM-3,
 * docs/security.md "Audit trail"). Pure functions over OpenSSL, no
 * database: the sealer (ctl/audit.c) and `xuejictl audit verify` feed them
 * what the store reads, the unit test (tests/unit/auditchain.c) pins them.
 *
 * An entry's canonical encoding is its id (8 bytes, big-endian) and its
 * fields in a fixed order (XJ_AE_*), each 0x00 for NULL or 0x01, a 4-byte
 * big-endian length and the bytes, after a domain label. The chain runs
 * over the entries in id order: chain(0) = 32 zero bytes, chain(i) =
 * SHA-256(label || chain(i-1) || SHA-256(encoding of entry i)). A head
 * says "seal n covers every entry up to last_id, adds `entries` of them,
 * and the chain after them is `chain`", with the UTC time and the id of
 * the key that signs it, in Ed25519 (one-shot EVP_DigestSign). A key id
 * is the first 8 bytes of SHA-256 of the raw public key, in hex. */
#ifndef XJ_AUDITCHAIN_H
#define XJ_AUDITCHAIN_H

#include <stddef.h>

#define XJ_AC_HASH	32
#define XJ_AC_SIG	64
#define XJ_AC_KEYID	16	/* hex characters */
#define XJ_AC_MAX_KEYS	16

/* the hashed fields of an audit_log row, in chain order */
enum {
	XJ_AE_AT, XJ_AE_REQUEST_ID, XJ_AE_ACTOR_TYPE, XJ_AE_ACTOR_ID,
	XJ_AE_ACTOR_ROLE, XJ_AE_ACTOR_ORG_ID, XJ_AE_ACTION, XJ_AE_TARGET_TYPE,
	XJ_AE_TARGET_ID, XJ_AE_CLIENT_ADDR, XJ_AE_BEFORE, XJ_AE_AFTER,
	/* a read entry's row count and filter (sql/0013, review M6) */
	XJ_AE_ROW_COUNT, XJ_AE_FILTER,
	XJ_AE__COUNT
};

struct xj_ac_field {
	const void	*p;
	size_t		 len;
	int		 null;
};

struct xj_ac_entry {
	unsigned long long	 id;
	struct xj_ac_field	 f[XJ_AE__COUNT];	/* at as 'YYYY-MM-DD HH:MM:SS.ffffff' */
};

struct xj_ac_head {
	unsigned long long	 seal_id;
	unsigned long long	 last_id;
	unsigned long long	 entries;
	unsigned char		 chain[XJ_AC_HASH];
	char			 sealed_at[20];		/* 'YYYY-MM-DD HH:MM:SS' UTC */
	char			 key_id[XJ_AC_KEYID + 1];
	unsigned char		 sig[XJ_AC_SIG];
};

/* the public keys verify accepts, by id */
struct xj_ac_keyring {
	int		 n;
	char		 id[XJ_AC_MAX_KEYS][XJ_AC_KEYID + 1];
	void		*pkey[XJ_AC_MAX_KEYS];		/* EVP_PKEY * */
};

/* chain = next link after prev for entry e (prev and chain may alias). */
void	xj_ac_step(const unsigned char prev[XJ_AC_HASH], const struct xj_ac_entry *e,
	    unsigned char chain[XJ_AC_HASH]);
/* The signed bytes of a head (without its signature) into buf; their
 * length, or 0 when cap is too small. */
size_t	xj_ac_head_message(const struct xj_ac_head *, unsigned char *buf, size_t cap);

/* Ed25519 private key from PEM text (a secret file's content); NULL with
 * err when it is not one. Free with xj_ac_key_free. */
void	*xj_ac_key_parse(const char *pem, size_t len, char *err, size_t errlen);
void	 xj_ac_key_free(void *pkey);
/* Key id of a private or public Ed25519 key. 0 or -1. */
int	 xj_ac_key_id(void *pkey, char id[XJ_AC_KEYID + 1]);
/* Sign h (key_id and sig filled). 0 or -1. */
int	 xj_ac_sign(void *pkey, struct xj_ac_head *h);
/* Ed25519 over any n bytes: the one signing mechanism of the instance,
 * used by the audit heads above and by the certificates of student
 * status (domain/statuscert.h), each under its own key file (the
 * workers never hold the audit key). 0 or -1. */
int	 xj_ac_sign_msg(void *pkey, const void *msg, size_t n, unsigned char sig[XJ_AC_SIG]);

/* Public keys from PEM text (one or more PUBLIC KEY blocks, the current
 * and every retired key). 0, or -1 with err. */
int	 xj_ac_keyring_parse(struct xj_ac_keyring *, const char *pem, size_t len,
	    char *err, size_t errlen);
void	 xj_ac_keyring_free(struct xj_ac_keyring *);
/* 1 when h's signature verifies under the key its key_id names, 0 when
 * it does not, -1 when the ring holds no such key. */
int	 xj_ac_verify(const struct xj_ac_keyring *, const struct xj_ac_head *h);
/* The same for a message signed with xj_ac_sign_msg by the key key_id. */
int	 xj_ac_verify_msg(const struct xj_ac_keyring *, const char *key_id, const void *msg,
	    size_t n, const unsigned char sig[XJ_AC_SIG]);

/* Write a new key pair (xuejictl keygen): the private key as PKCS#8 PEM
 * (mode 0600, O_EXCL) and its public key appended to pub_path (created
 * 0644 if missing). 1 written, 0 the private file exists already (nothing
 * done), -1 error. */
int	 xj_ac_keygen(const char *priv_path, const char *pub_path, char *err,
	    size_t errlen);

#endif
