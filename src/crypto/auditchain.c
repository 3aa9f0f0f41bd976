/* auditchain.c -- the audit chain's encoding, hashes and Ed25519 heads
 * (see auditchain.h), and the Ed25519 signing they rest on, which the
 * certificates of student status use too (domain/statuscert.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "auditchain.h"
#include "keys.h"

static const char ENTRY_LABEL[] = "xueji-audit-entry-v1";
static const char CHAIN_LABEL[] = "xueji-audit-chain-v1";
static const char HEAD_LABEL[] = "xueji-audit-seal-v1";

static void
be64(unsigned char *b, unsigned long long v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)(v & 0xff);
}

static void
be32(unsigned char *b, unsigned long v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)(v & 0xff);
}

void
xj_ac_step(const unsigned char prev[XJ_AC_HASH], const struct xj_ac_entry *e,
    unsigned char chain[XJ_AC_HASH])
{
	unsigned char leaf[XJ_AC_HASH], b[8], in[XJ_AC_HASH];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n;

	/* an internal error of OpenSSL here has no answer but to stop: a
	 * wrong hash would be sealed */
	if (ctx == NULL)
		abort();
	memcpy(in, prev, XJ_AC_HASH);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, ENTRY_LABEL, sizeof(ENTRY_LABEL));	/* with its NUL */
	be64(b, e->id);
	EVP_DigestUpdate(ctx, b, 8);
	for (int i = 0; i < XJ_AE__COUNT; i++) {
		const struct xj_ac_field *f = &e->f[i];
		unsigned char tag = f->null ? 0 : 1;
		EVP_DigestUpdate(ctx, &tag, 1);
		if (f->null)
			continue;
		be32(b, (unsigned long)f->len);
		EVP_DigestUpdate(ctx, b, 4);
		if (f->len)
			EVP_DigestUpdate(ctx, f->p, f->len);
	}
	EVP_DigestFinal_ex(ctx, leaf, &n);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, CHAIN_LABEL, sizeof(CHAIN_LABEL));
	EVP_DigestUpdate(ctx, in, XJ_AC_HASH);
	EVP_DigestUpdate(ctx, leaf, XJ_AC_HASH);
	EVP_DigestFinal_ex(ctx, chain, &n);
	EVP_MD_CTX_free(ctx);
}

size_t
xj_ac_head_message(const struct xj_ac_head *h, unsigned char *buf, size_t cap)
{
	size_t at = strnlen(h->sealed_at, sizeof(h->sealed_at));
	size_t kid = strnlen(h->key_id, sizeof(h->key_id));
	size_t n = sizeof(HEAD_LABEL) + 24 + XJ_AC_HASH + 1 + at + 1 + kid;
	unsigned char *p = buf;

	if (n > cap)
		return 0;
	memcpy(p, HEAD_LABEL, sizeof(HEAD_LABEL));
	p += sizeof(HEAD_LABEL);
	be64(p, h->seal_id);
	be64(p + 8, h->last_id);
	be64(p + 16, h->entries);
	p += 24;
	memcpy(p, h->chain, XJ_AC_HASH);
	p += XJ_AC_HASH;
	*p++ = (unsigned char)at;
	memcpy(p, h->sealed_at, at);
	p += at;
	*p++ = (unsigned char)kid;
	memcpy(p, h->key_id, kid);
	return n;
}

void *
xj_ac_key_parse(const char *pem, size_t len, char *err, size_t errlen)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = NULL;

	if (b != NULL)
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	if (k == NULL || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		snprintf(err, errlen, "not an Ed25519 private key in PEM (xuejictl keygen writes one)");
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

void
xj_ac_key_free(void *pkey)
{
	EVP_PKEY_free(pkey);
}

int
xj_ac_key_id(void *pkey, char id[XJ_AC_KEYID + 1])
{
	unsigned char raw[32], d[SHA256_DIGEST_LENGTH];
	size_t n = sizeof(raw);

	if (EVP_PKEY_get_raw_public_key(pkey, raw, &n) != 1 || n != sizeof(raw))
		return -1;
	SHA256(raw, n, d);
	for (int i = 0; i < XJ_AC_KEYID / 2; i++)
		snprintf(id + 2 * i, 3, "%02x", d[i]);
	return 0;
}

int
xj_ac_sign_msg(void *pkey, const void *msg, size_t n, unsigned char sig[XJ_AC_SIG])
{
	size_t siglen = XJ_AC_SIG;
	EVP_MD_CTX *ctx;
	int rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, msg, n) == 1 && siglen == XJ_AC_SIG)
		rc = 0;
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
xj_ac_sign(void *pkey, struct xj_ac_head *h)
{
	unsigned char msg[256];
	size_t n;

	if (xj_ac_key_id(pkey, h->key_id) != 0 ||
	    (n = xj_ac_head_message(h, msg, sizeof(msg))) == 0)
		return -1;
	return xj_ac_sign_msg(pkey, msg, n, h->sig);
}

int
xj_ac_keyring_parse(struct xj_ac_keyring *r, const char *pem, size_t len,
    char *err, size_t errlen)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k;

	memset(r, 0, sizeof(*r));
	if (b == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while ((k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL)) != NULL) {
		if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519 || r->n == XJ_AC_MAX_KEYS ||
		    xj_ac_key_id(k, r->id[r->n]) != 0) {
			snprintf(err, errlen, r->n == XJ_AC_MAX_KEYS ?
			    "more than %d public keys" : "key %d is not an Ed25519 public key",
			    r->n == XJ_AC_MAX_KEYS ? XJ_AC_MAX_KEYS : r->n + 1);
			EVP_PKEY_free(k);
			BIO_free(b);
			xj_ac_keyring_free(r);
			return -1;
		}
		r->pkey[r->n++] = k;
	}
	BIO_free(b);
	if (r->n == 0) {
		snprintf(err, errlen, "no PEM public key in it");
		return -1;
	}
	return 0;
}

void
xj_ac_keyring_free(struct xj_ac_keyring *r)
{
	for (int i = 0; i < r->n; i++)
		EVP_PKEY_free(r->pkey[i]);
	r->n = 0;
}

int
xj_ac_verify_msg(const struct xj_ac_keyring *r, const char *key_id, const void *msg, size_t n,
    const unsigned char sig[XJ_AC_SIG])
{
	EVP_MD_CTX *ctx;
	int i, ok = 0;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->id[i], key_id) == 0)
			break;
	if (i == r->n)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return 0;
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, r->pkey[i]) == 1 &&
	    EVP_DigestVerify(ctx, sig, XJ_AC_SIG, msg, n) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

int
xj_ac_verify(const struct xj_ac_keyring *r, const struct xj_ac_head *h)
{
	unsigned char msg[256];
	size_t n;
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->id[i], h->key_id) == 0)
			break;
	if (i == r->n)
		return -1;
	if ((n = xj_ac_head_message(h, msg, sizeof(msg))) == 0)
		return 0;
	return xj_ac_verify_msg(r, h->key_id, msg, n, h->sig);
}

int
xj_ac_keygen(const char *priv_path, const char *pub_path, char *err, size_t errlen)
{
	/* the public half appended: the verify file keeps the retired keys */
	return xj_pem_keypair("ED25519", NULL, priv_path, pub_path, 1, err, errlen);
}
