/* field.c -- AES-256-GCM field encryption, blind indexes and HKDF (see
 * field.h for the stored format and the rules). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "field.h"
#include "kmac.h"

#define BLIND_INFO	"xueji blind index "
/* the column name authenticated with each value; longer is a caller bug */
#define AAD_MAX		255
#define AD_MAX		(NONCE_OFF + AAD_MAX + 1 + XJ_FIELD_ROW_MAX)
#define VERSION_OFF	1
#define NONCE_OFF	5

/* A key of all zero bytes is a key never loaded or already wiped by
 * xj_keys_clear: refuse it rather than encrypt or sign with it. */
static int
loaded(const unsigned char *key, size_t len)
{
	unsigned char acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= key[i];
	return acc != 0;
}

static int
keys_ok(const struct xj_keys *k)
{
	return k != NULL && xj_keyring_current(&k->enc, NULL) != NULL;
}

static const unsigned char *
key_of(const struct xj_keys *k, unsigned version)
{
	return xj_keyring_get(&k->enc, version);
}

static void
put32(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static unsigned
get32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 |
	    (unsigned)p[2] << 8 | (unsigned)p[3];
}

/* The GCM additional data: the 5-byte header (algorithm id, key version),
 * the column name and, in format 0x02, a NUL and the row's identity, so
 * none of them can be changed without failing the tag (review L1: a value
 * copied to another row no longer decrypts). The header has a fixed
 * length and the column holds no NUL, so the concatenation is
 * unambiguous. Format 0x01 (column only) is still read: the re-encryption
 * job (xuejictl rekey) upgrades it. Returns the length, or 0 when aad or
 * row is empty or too long. */
static size_t
make_aad(unsigned char *buf, const unsigned char *hdr, const char *aad, const char *row)
{
	size_t n, m = 0;

	if (aad == NULL || (n = strlen(aad)) == 0 || n > AAD_MAX)
		return 0;
	if (hdr[0] == XJ_FIELD_ALG_AES256GCM_ROW &&
	    (row == NULL || (m = strlen(row)) == 0 || m > XJ_FIELD_ROW_MAX))
		return 0;
	memcpy(buf, hdr, NONCE_OFF);
	memcpy(buf + NONCE_OFF, aad, n);
	if (hdr[0] != XJ_FIELD_ALG_AES256GCM_ROW)
		return NONCE_OFF + n;
	buf[NONCE_OFF + n] = '\0';
	memcpy(buf + NONCE_OFF + n + 1, row, m);
	return NONCE_OFF + n + 1 + m;
}

int
xj_field_encrypt(const struct xj_keys *k, const char *aad, const char *row,
    const void *pt, size_t len, unsigned char *out, size_t cap, size_t *outlen)
{
	unsigned char ad[AD_MAX];
	const unsigned char *key;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t adlen;
	unsigned version = 0;
	int n, fin, rc = XJ_FIELD_E_CRYPTO;

	if (!keys_ok(k) || (pt == NULL && len > 0) || out == NULL ||
	    outlen == NULL || len > XJ_FIELD_MAX_PT)
		return XJ_FIELD_E_INPUT;
	key = xj_keyring_current(&k->enc, &version);
	if (version == 0 || !loaded(key, XJ_KEY_LEN))
		return XJ_FIELD_E_INPUT;
	if (cap < XJ_FIELD_CT_LEN(len))
		return XJ_FIELD_E_SPACE;

	out[0] = XJ_FIELD_ALG_AES256GCM_ROW;
	put32(out + VERSION_OFF, version);
	if ((adlen = make_aad(ad, out, aad, row)) == 0)
		return XJ_FIELD_E_INPUT;
	if (RAND_bytes(out + NONCE_OFF, XJ_FIELD_NONCE_LEN) != 1)
		goto out;

	/* AES-GCM's default IV length is 12 bytes, the nonce stored */
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    out + NONCE_OFF) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, ad, (int)adlen) != 1)
		goto out;
	n = 0;
	if (len > 0 && (EVP_EncryptUpdate(ctx, out + XJ_FIELD_HDR_LEN, &n, pt,
	    (int)len) != 1 || (size_t)n != len))
		goto out;
	if (EVP_EncryptFinal_ex(ctx, out + XJ_FIELD_HDR_LEN + n, &fin) != 1 ||
	    fin != 0 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, XJ_FIELD_TAG_LEN,
	    out + XJ_FIELD_HDR_LEN + len) != 1)
		goto out;
	*outlen = XJ_FIELD_CT_LEN(len);
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	if (rc != 0)
		OPENSSL_cleanse(out, XJ_FIELD_CT_LEN(len));
	return rc;
}

int
xj_field_decrypt(const struct xj_keys *k, const char *aad, const char *row,
    const unsigned char *ct, size_t len, char *out, size_t cap, size_t *outlen)
{
	unsigned char ad[AD_MAX];
	unsigned char *pt = (unsigned char *)out;
	const unsigned char *key;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t adlen, ptlen;
	int n, fin, rc = XJ_FIELD_E_CRYPTO;

	if (!keys_ok(k) || ct == NULL || outlen == NULL ||
	    len < XJ_FIELD_OVERHEAD || len > XJ_FIELD_CT_LEN(XJ_FIELD_MAX_PT))
		return XJ_FIELD_E_INPUT;
	if (ct[0] != XJ_FIELD_ALG_AES256GCM && ct[0] != XJ_FIELD_ALG_AES256GCM_ROW)
		return XJ_FIELD_E_ALG;
	if ((key = key_of(k, get32(ct + VERSION_OFF))) == NULL)
		return XJ_FIELD_E_VERSION;
	if (!loaded(key, XJ_KEY_LEN) || (adlen = make_aad(ad, ct, aad, row)) == 0)
		return XJ_FIELD_E_INPUT;
	ptlen = len - XJ_FIELD_OVERHEAD;
	if (out == NULL && cap > 0)
		return XJ_FIELD_E_INPUT;
	if (cap < ptlen)
		return XJ_FIELD_E_SPACE;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    ct + NONCE_OFF) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, ad, (int)adlen) != 1)
		goto out;
	n = 0;
	if (ptlen > 0 && (EVP_DecryptUpdate(ctx, pt, &n, ct + XJ_FIELD_HDR_LEN,
	    (int)ptlen) != 1 || (size_t)n != ptlen))
		goto out;
	/* OpenSSL takes a non-const tag pointer but only reads it */
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, XJ_FIELD_TAG_LEN,
	    (void *)(ct + XJ_FIELD_HDR_LEN + ptlen)) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(ctx, pt + n, &fin) != 1 || fin != 0) {
		rc = XJ_FIELD_E_AUTH;
		goto out;
	}
	if (cap > ptlen)
		out[ptlen] = '\0';
	*outlen = ptlen;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	/* GCM decrypts before the tag is checked: drop unauthenticated text */
	if (rc != 0 && ptlen > 0)
		OPENSSL_cleanse(out, ptlen);
	return rc;
}

int
xj_field_needs_rekey(const struct xj_keys *k, const unsigned char *ct,
    size_t len)
{
	unsigned version;

	if (!keys_ok(k) || ct == NULL || len < XJ_FIELD_OVERHEAD)
		return XJ_FIELD_E_INPUT;
	if (ct[0] != XJ_FIELD_ALG_AES256GCM && ct[0] != XJ_FIELD_ALG_AES256GCM_ROW)
		return XJ_FIELD_E_ALG;
	version = get32(ct + VERSION_OFF);
	/* a version dropped from the key file cannot be re-encrypted: say so
	 * rather than send the job into a decryption failure */
	if (key_of(k, version) == NULL)
		return XJ_FIELD_E_VERSION;
	/* the old column-only binding is upgraded as well (review L1) */
	return ct[0] != XJ_FIELD_ALG_AES256GCM_ROW ||
	    version != k->enc.k[k->enc.active].id;
}

int
xj_field_reseal(const struct xj_keys *k, const char *from_aad, const char *from_row,
    const char *to_aad, const char *to_row, const unsigned char *ct, size_t len,
    unsigned char *out, size_t cap, size_t *outlen)
{
	char small[1024], *pt = small;
	size_t n = 0, ptcap = sizeof(small);
	int rc;

	if (ct == NULL || len < XJ_FIELD_OVERHEAD || len > XJ_FIELD_CT_LEN(XJ_FIELD_MAX_PT))
		return XJ_FIELD_E_INPUT;
	/* a short value on the stack; a file (store/evidence.h) on the heap */
	if (len - XJ_FIELD_OVERHEAD >= sizeof(small)) {
		ptcap = len - XJ_FIELD_OVERHEAD + 1;
		if ((pt = OPENSSL_malloc(ptcap)) == NULL)
			return XJ_FIELD_E_CRYPTO;
	}
	if ((rc = xj_field_decrypt(k, from_aad, from_row, ct, len, pt, ptcap, &n)) == 0)
		rc = xj_field_encrypt(k, to_aad, to_row, pt, n, out, cap, outlen);
	if (pt == small)
		OPENSSL_cleanse(pt, sizeof(small));
	else
		OPENSSL_clear_free(pt, ptcap);
	return rc;
}

int
xj_blind_index(const struct xj_keys *k, const char *purpose, const void *v,
    size_t len, unsigned char out[XJ_BLIND_LEN])
{
	char info[sizeof(BLIND_INFO) + XJ_BLIND_PURPOSE_MAX];
	size_t plen;
	int rc = XJ_FIELD_E_CRYPTO;

	const unsigned char *key = k != NULL ? xj_keyring_current(&k->blind, NULL) : NULL;

	if (key == NULL || purpose == NULL || out == NULL ||
	    (v == NULL && len > 0) || !loaded(key, XJ_KEY_LEN))
		return XJ_FIELD_E_INPUT;
	if ((plen = strlen(purpose)) == 0 || plen > XJ_BLIND_PURPOSE_MAX)
		return XJ_FIELD_E_INPUT;
	memcpy(info, BLIND_INFO, sizeof(BLIND_INFO) - 1);
	memcpy(info + sizeof(BLIND_INFO) - 1, purpose, plen + 1);

	if (xj_kmac(key, info, v != NULL ? v : (const void *)"", len, out) == 0)
		rc = 0;
	if (rc != 0)
		OPENSSL_cleanse(out, XJ_BLIND_LEN);
	return rc;
}

int
xj_hkdf(const unsigned char *key, size_t keylen, const char *info,
    unsigned char *out, size_t outlen)
{
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[4];
	int rc = -1;

	if (key == NULL || keylen == 0 || info == NULL || out == NULL ||
	    outlen == 0 || outlen > 255 * 32)
		return -1;
	/* OpenSSL declares these parameters non-const; it only reads them */
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)key, keylen);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)info, strlen(info));
	params[3] = OSSL_PARAM_construct_end();
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (ctx = EVP_KDF_CTX_new(kdf)) == NULL ||
	    EVP_KDF_derive(ctx, out, outlen, params) != 1)
		goto out;
	rc = 0;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	if (rc != 0)
		OPENSSL_cleanse(out, outlen);
	return rc;
}
