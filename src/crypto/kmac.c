/* kmac.c -- keyed HMAC-SHA256 contexts cached per purpose (kmac.h). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "field.h"
#include "kmac.h"

#define INFO_MAX	96

struct slot {
	unsigned char	 master[32];
	char		 info[INFO_MAX];
	EVP_MAC_CTX	*tmpl;		/* keyed; never used directly, only copied */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[XJ_KMAC_SLOTS];
static int nslots;
static EVP_MAC *hmac;

/* A keyed context for HKDF(master, info), or NULL. */
static EVP_MAC_CTX *
keyed(const unsigned char master[32], const char *info)
{
	unsigned char key[32];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;

	if (hmac == NULL && (hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	if (xj_hkdf(master, 32, info, key, sizeof(key)) != 0)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(hmac)) == NULL ||
	    EVP_MAC_init(ctx, key, sizeof(key), params) != 1) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	OPENSSL_cleanse(key, sizeof(key));
	return ctx;
}

/* The cached template for (master, info), made on first use; NULL when
 * the table is full or OpenSSL fails. Templates are never changed or
 * freed while in use, so callers copy them outside the lock. */
static EVP_MAC_CTX *
lookup(const unsigned char master[32], const char *info)
{
	EVP_MAC_CTX *t = NULL;

	pthread_mutex_lock(&mu);
	for (int i = 0; i < nslots; i++)
		if (strcmp(slots[i].info, info) == 0 &&
		    CRYPTO_memcmp(slots[i].master, master, 32) == 0) {
			t = slots[i].tmpl;
			goto out;
		}
	if (nslots < XJ_KMAC_SLOTS && (t = keyed(master, info)) != NULL) {
		memcpy(slots[nslots].master, master, 32);
		strcpy(slots[nslots].info, info);
		slots[nslots].tmpl = t;
		nslots++;
	}
out:
	pthread_mutex_unlock(&mu);
	return t;
}

static int
finish(EVP_MAC_CTX *ctx, const void *msg, size_t len, unsigned char out[XJ_KMAC_LEN])
{
	size_t n = 0;

	if (EVP_MAC_update(ctx, msg, len) != 1 ||
	    EVP_MAC_final(ctx, out, &n, XJ_KMAC_LEN) != 1 || n != XJ_KMAC_LEN)
		return -1;
	return 0;
}

int
xj_kmac(const unsigned char master[32], const char *info, const void *msg,
    size_t len, unsigned char out[XJ_KMAC_LEN])
{
	EVP_MAC_CTX *t, *ctx;
	int rc = -1;

	if (master == NULL || info == NULL || out == NULL || (msg == NULL && len > 0) ||
	    strlen(info) >= INFO_MAX)
		return -1;
	if (msg == NULL)
		msg = "";
	if ((t = lookup(master, info)) != NULL)
		ctx = EVP_MAC_CTX_dup(t);
	else {
		pthread_mutex_lock(&mu);	/* table full: the slow path */
		ctx = keyed(master, info);
		pthread_mutex_unlock(&mu);
	}
	if (ctx != NULL)
		rc = finish(ctx, msg, len, out);
	EVP_MAC_CTX_free(ctx);
	if (rc != 0)
		OPENSSL_cleanse(out, XJ_KMAC_LEN);
	return rc;
}

void
xj_kmac_clear(void)
{
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nslots; i++) {
		EVP_MAC_CTX_free(slots[i].tmpl);
		OPENSSL_cleanse(slots[i].master, sizeof(slots[i].master));
	}
	nslots = 0;
	EVP_MAC_free(hmac);
	hmac = NULL;
	pthread_mutex_unlock(&mu);
}

int
xj_sms_code_mac(const unsigned char key[32], const char *purpose, const char *phone,
    const char *code, size_t codelen, unsigned char out[XJ_KMAC_LEN])
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "%s\n%s\n%.*s", purpose, phone, (int)codelen, code);
	int rc;

	if (n < 0 || (size_t)n >= sizeof(msg))
		return -1;
	rc = xj_kmac(key, "xueji sms code", msg, (size_t)n, out);
	OPENSSL_cleanse(msg, sizeof(msg));
	return rc;
}
