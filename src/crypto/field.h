/* field.h -- encryption at rest of identity numbers and phone numbers
 * (DESIGN.md "Data"), and their blind indexes.
 *
 * A value is stored as AES-256-GCM ciphertext that describes itself
 * (DESIGN.md pitfall "Ciphertext is self-describing"):
 *
 *   offset  0  1 byte   format / algorithm id: 0x02 = AES-256-GCM bound
 *                       to column and row; 0x01 = AES-256-GCM bound to the
 *                       column only (written before review L1, still read)
 *           1  4 bytes  key version, big-endian (the VERSION of keys.h)
 *           5 12 bytes  random nonce
 *          17  n bytes  ciphertext
 *        17+n 16 bytes  GCM tag
 *
 * so keys rotate without a flag day: the active (highest) version
 * encrypts, every version still listed in the key file decrypts, and
 * xj_field_needs_rekey() finds the values a re-encryption job must touch.
 * The caller's aad (the column, e.g. "registration.id_number"), the row's
 * identity (row: the pre-registration number, "prereg/guardian index",
 * "s" + the student id, ...; field.h's callers list theirs in
 * src/ctl/rekey.c's table) and the 5-byte header are authenticated with
 * the value, so a ciphertext copied into another column or another row,
 * or given another algorithm id or key version, fails to decrypt. Nonces
 * are random: at most 2^32 values per key version, far above the lifetime
 * of a key here.
 *
 * The blind index is what the database searches and keeps unique (R-COL-2):
 * HMAC-SHA256 under a key derived per purpose from the blind-index key,
 * so equal values give equal indexes within a purpose and nothing links
 * them across purposes. It is deterministic, so the CALLER NORMALISES the
 * value first, the same way on insert and on search: ID numbers with an
 * upper-case 'X' check character, phone numbers as bare digits without
 * "+86" or spaces. Ciphertexts are not normalised: they are random.
 *
 * Pure functions (OpenSSL only, no I/O, no global state), thread-safe.
 * Every function returns 0 (XJ_OK) or a negative XJ_FIELD_E_* value,
 * except xj_field_needs_rekey (below). */
#ifndef XJ_FIELD_H
#define XJ_FIELD_H

#include <stddef.h>

#include "crypto/keys.h"

#define XJ_FIELD_ALG_AES256GCM	0x01	/* column-only AAD: read, never written */
#define XJ_FIELD_ALG_AES256GCM_ROW 0x02	/* column and row AAD */
/* longest row identity */
#define XJ_FIELD_ROW_MAX	96
#define XJ_FIELD_NONCE_LEN	12
#define XJ_FIELD_TAG_LEN	16
#define XJ_FIELD_HDR_LEN	(1 + 4 + XJ_FIELD_NONCE_LEN)
/* bytes added to the plaintext: 33 */
#define XJ_FIELD_OVERHEAD	(XJ_FIELD_HDR_LEN + XJ_FIELD_TAG_LEN)
/* ciphertext length of n plaintext bytes (size of a VARBINARY column) */
#define XJ_FIELD_CT_LEN(n)	((size_t)(n) + XJ_FIELD_OVERHEAD)
/* longest plaintext accepted: a field is a short string, the longest
 * value an evidence file (issue 12, 2 MiB; store/evidence.h) */
#define XJ_FIELD_MAX_PT		(4u * 1024 * 1024)
#define XJ_BLIND_LEN		32
/* longest blind index purpose, e.g. "child.id_number" */
#define XJ_BLIND_PURPOSE_MAX	64

/* Errors, distinct so that logs tell a rotation mistake (E_VERSION) from
 * tampering or a wrong column (E_AUTH). */
#define XJ_FIELD_E_INPUT	(-1)	/* NULL / empty argument, truncated or
					   oversize input, malformed keys */
#define XJ_FIELD_E_VERSION	(-2)	/* key version not in the key file */
#define XJ_FIELD_E_AUTH		(-3)	/* tag mismatch: altered bytes, wrong
					   aad or wrong key */
#define XJ_FIELD_E_ALG		(-4)	/* unknown format / algorithm id */
#define XJ_FIELD_E_SPACE	(-5)	/* output buffer too small */
#define XJ_FIELD_E_CRYPTO	(-6)	/* OpenSSL failed (RAND, EVP) */

/* Encrypt len bytes (0..XJ_FIELD_MAX_PT) with the active key under aad (a
 * non-empty column name) and row (the row's identity, 1..XJ_FIELD_ROW_MAX
 * bytes). out needs XJ_FIELD_CT_LEN(len) bytes; *outlen gets that length. */
int	xj_field_encrypt(const struct xj_keys *k, const char *aad,
	    const char *row, const void *pt, size_t len, unsigned char *out,
	    size_t cap, size_t *outlen);
/* Decrypt with the key of the stored version and verify the tag under aad
 * and row (row is not used by format 0x01). out needs len -
 * XJ_FIELD_OVERHEAD bytes, one more for the NUL that is added when there
 * is room; *outlen gets the plaintext length. On any failure out holds no
 * plaintext. */
int	xj_field_decrypt(const struct xj_keys *k, const char *aad,
	    const char *row, const unsigned char *ct, size_t len, char *out,
	    size_t cap, size_t *outlen);
/* 1 when ct was encrypted under another version than the active one or in
 * the old column-only format, 0 when current, negative XJ_FIELD_E_* when
 * ct is malformed. Reads the header only: it does not authenticate. */
int	xj_field_needs_rekey(const struct xj_keys *k, const unsigned char *ct,
	    size_t len);

/* Decrypt ct (stored under from_aad, from_row; either format) and
 * encrypt the value again with the current key for to_aad, to_row: a value
 * copied to another row (a student record from its registration) or
 * re-encrypted by xuejictl rekey. out needs len bytes. The plaintext
 * never leaves the function. 0 or negative XJ_FIELD_E_*. */
int	xj_field_reseal(const struct xj_keys *k, const char *from_aad,
	    const char *from_row, const char *to_aad, const char *to_row,
	    const unsigned char *ct, size_t len, unsigned char *out, size_t cap,
	    size_t *outlen);

/* Blind index of a normalised value (see above) for purpose (a non-empty
 * name of at most XJ_BLIND_PURPOSE_MAX bytes, e.g. "child.id_number"):
 * HMAC-SHA256(HKDF(blind key, "xueji blind index " + purpose), v). */
int	xj_blind_index(const struct xj_keys *k, const char *purpose,
	    const void *v, size_t len, unsigned char out[XJ_BLIND_LEN]);

/* HKDF-SHA256 (RFC 5869) without salt: outlen (1..255*32) bytes derived
 * from key for the purpose named by info, a C string ("" allowed). Used to
 * give every use of the HMAC key its own key. 0 or -1. */
int	xj_hkdf(const unsigned char *key, size_t keylen, const char *info,
	    unsigned char *out, size_t outlen);

#endif
