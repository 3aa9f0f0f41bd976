/* xsign.c -- detached ECDSA P-256 / SM2 signatures of the ministry
 * exchange (see xsign.h for the header and the key files). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/conf.h"
#include "keys.h"
#include "xsign.h"

/* GM/T 0009's default distinguishing id; both sides must use the same */
static const char SM2_ID[] = "1234567812345678";

#define PEM_MAX		8192
#define PEERS_MAX	16384

const char *
xj_xalg_name(enum xj_xalg a)
{
	switch (a) {
	case XJ_XALG_P256: return "ecdsa-p256-sha256";
	case XJ_XALG_SM2: return "sm2-sm3";
	default: return "none";
	}
}

enum xj_xalg
xj_xalg_parse(const char *s, size_t len)
{
	if (len == 17 && memcmp(s, "ecdsa-p256-sha256", 17) == 0)
		return XJ_XALG_P256;
	if (len == 7 && memcmp(s, "sm2-sm3", 7) == 0)
		return XJ_XALG_SM2;
	return XJ_XALG_NONE;
}

int
xj_xkeyid_ok(const char *s, size_t len)
{
	if (len == 0 || len > XJ_XKEYID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Standard base64 with padding, nothing else; -1 when not. */
static int
b64_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *outlen)
{
	unsigned char buf[(XJ_XSIG_MAX / 3 + 1) * 4 + 4];
	int n, pad = 0;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > sizeof(buf) || len / 4 * 3 > cap + 2)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '=') {
			if (i < len - 2)
				return -1;
			pad++;
		} else if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return -1;
	}
	if ((n = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)len)) < 0 ||
	    (size_t)(n - pad) > cap)
		return -1;
	memcpy(out, buf, (size_t)(n - pad));
	*outlen = (size_t)(n - pad);
	return 0;
}

int
xj_xsig_parse(const char *hdr, size_t len, char keyid[XJ_XKEYID_MAX + 1],
    enum xj_xalg *alg, unsigned char sig[XJ_XSIG_MAX], size_t *siglen)
{
	const char *p = hdr, *end = hdr + len;
	int seen = 0;

	if (len == 0 || len > XJ_XSIG_HDR_MAX)
		return -1;
	while (p < end) {
		const char *m, *eq, *v, *ve;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		m = p;
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			return -1;
		v = eq + 1;
		ve = memchr(v, ';', (size_t)(end - v));
		if (ve == NULL)
			ve = end;
		p = ve < end ? ve + 1 : end;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		size_t ml = (size_t)(eq - m), vl = (size_t)(ve - v);
		if (ml == 5 && memcmp(m, "keyid", 5) == 0 && !(seen & 1)) {
			if (!xj_xkeyid_ok(v, vl))
				return -1;
			memcpy(keyid, v, vl);
			keyid[vl] = '\0';
			seen |= 1;
		} else if (ml == 3 && memcmp(m, "alg", 3) == 0 && !(seen & 2)) {
			if ((*alg = xj_xalg_parse(v, vl)) == XJ_XALG_NONE)
				return -1;
			seen |= 2;
		} else if (ml == 3 && memcmp(m, "sig", 3) == 0 && !(seen & 4)) {
			if (b64_decode(v, vl, sig, XJ_XSIG_MAX, siglen) != 0)
				return -1;
			seen |= 4;
		} else
			return -1;
	}
	return seen == 7 ? 0 : -1;
}

static enum xj_xalg
key_alg(EVP_PKEY *k)
{
	char group[64];
	size_t n = 0;

	if (EVP_PKEY_is_a(k, "SM2"))
		return XJ_XALG_SM2;
	if (!EVP_PKEY_is_a(k, "EC") ||
	    EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group,
	    sizeof(group), &n) != 1)
		return XJ_XALG_NONE;
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
		return XJ_XALG_P256;
	return XJ_XALG_NONE;
}

int
xj_xkey_from_pem(const char *pem, size_t len, int priv, const char *id, const char *org,
    struct xj_xkey *key, char *err, size_t errlen)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = NULL;

	memset(key, 0, sizeof(*key));
	if (!xj_xkeyid_ok(id, strlen(id)) || strlen(org) > XJ_XORG_MAX) {
		snprintf(err, errlen, "key id must be 1..64 of [A-Za-z0-9._-], org at most %d characters",
		    XJ_XORG_MAX);
		BIO_free(b);
		return -1;
	}
	if (b != NULL)
		k = priv ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) :
		    PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	if (k == NULL || (key->alg = key_alg(k)) == XJ_XALG_NONE) {
		snprintf(err, errlen, "not an EC P-256 or SM2 %s key in PEM (xuejictl exchange-keygen writes one)",
		    priv ? "private" : "public");
		EVP_PKEY_free(k);
		return -1;
	}
	snprintf(key->id, sizeof(key->id), "%s", id);
	snprintf(key->org, sizeof(key->org), "%s", org);
	key->pkey = k;
	return 0;
}

void
xj_xkey_free(struct xj_xkey *k)
{
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof(*k));
}

/* A public key file (not secret: no permission check), at most PEM_MAX. */
static int
read_public(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(out, 1, cap - 1, f);
	if (ferror(f) || !feof(f)) {
		snprintf(err, errlen, "%s: unreadable or over %zu bytes", path, cap - 1);
		fclose(f);
		return -1;
	}
	fclose(f);
	out[n] = '\0';
	return 0;
}

int
xj_xkeys_parse_peers(const char *text, const char *dir, struct xj_xkeys *ks, char *err,
    size_t errlen)
{
	const char *p = text;
	int lineno = 0;

	while (*p) {
		char line[1024], id[128], org[64], file[512], path[1200], pem[PEM_MAX], e[256];
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *s;

		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "peer keys line %d: too long", lineno);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : p + n;
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		s = line;
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s == '\0')
			continue;
		if (sscanf(s, "%127s %63s %511s", id, org, file) != 3) {
			snprintf(err, errlen, "peer keys line %d: want KEYID ORG FILE", lineno);
			return -1;
		}
		if (ks->npeers == XJ_XPEERS_MAX) {
			snprintf(err, errlen, "peer keys line %d: more than %d keys", lineno,
			    XJ_XPEERS_MAX);
			return -1;
		}
		if (xj_xkeys_peer(ks, id) != NULL) {
			snprintf(err, errlen, "peer keys line %d: key id %s listed twice", lineno, id);
			return -1;
		}
		if (file[0] == '/' || dir == NULL)
			snprintf(path, sizeof(path), "%s", file);
		else
			snprintf(path, sizeof(path), "%s%s%s", dir,
			    dir[strlen(dir) - 1] == '/' ? "" : "/", file);
		if (read_public(path, pem, sizeof(pem), err, errlen) != 0)
			return -1;
		if (xj_xkey_from_pem(pem, strlen(pem), 0, id, org, &ks->peer[ks->npeers], e,
		    sizeof(e)) != 0) {
			snprintf(err, errlen, "peer keys line %d (%s): %s", lineno, path, e);
			return -1;
		}
		ks->npeers++;
	}
	return 0;
}

int
xj_xkeys_load(const char *own_file, const char *own_id, const char *own_org,
    const char *peers_file, struct xj_xkeys *ks, char *err, size_t errlen)
{
	char pem[PEM_MAX], e[256], dir[512];
	char *text = NULL;
	int rc = -1;

	memset(ks, 0, sizeof(*ks));
	if (own_file[0]) {
		if (xj_conf_read_secret(own_file, pem, sizeof(pem), e, sizeof(e)) != 0 ||
		    xj_xkey_from_pem(pem, strlen(pem), 1, own_id, own_org, &ks->own, e,
		    sizeof(e)) != 0) {
			snprintf(err, errlen, "[exchange] signing_key_file %s: %s", own_file, e);
			goto out;
		}
	}
	if (peers_file[0]) {
		const char *slash = strrchr(peers_file, '/');
		if ((text = malloc(PEERS_MAX)) == NULL ||
		    read_public(peers_file, text, PEERS_MAX, e, sizeof(e)) != 0) {
			snprintf(err, errlen, "[exchange] peer_keys_file: %s", text ? e : "out of memory");
			goto out;
		}
		/* relative names resolve against the list's directory
		 * ("/peers": "/", "peers": ".") */
		if (slash == NULL)
			snprintf(dir, sizeof(dir), ".");
		else if (slash == peers_file)
			snprintf(dir, sizeof(dir), "/");
		else
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - peers_file), peers_file);
		if (xj_xkeys_parse_peers(text, dir, ks, e, sizeof(e)) != 0) {
			snprintf(err, errlen, "[exchange] peer_keys_file %s: %s", peers_file, e);
			goto out;
		}
	}
	rc = 0;
out:
	OPENSSL_cleanse(pem, sizeof(pem));
	free(text);
	if (rc != 0)
		xj_xkeys_free(ks);
	return rc;
}

const struct xj_xkey *
xj_xkeys_peer(const struct xj_xkeys *ks, const char *id)
{
	for (int i = 0; i < ks->npeers; i++)
		if (strcmp(ks->peer[i].id, id) == 0)
			return &ks->peer[i];
	return NULL;
}

void
xj_xkeys_free(struct xj_xkeys *ks)
{
	xj_xkey_free(&ks->own);
	for (int i = 0; i < ks->npeers; i++)
		xj_xkey_free(&ks->peer[i]);
	ks->npeers = 0;
}

/* A digest-sign/verify context for the key's algorithm; *pctx must be
 * freed after mctx (SM2 sets its id on a context it does not own). */
static EVP_MD_CTX *
md_ctx(const struct xj_xkey *k, int sign, EVP_PKEY_CTX **pctx)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok;

	*pctx = NULL;
	if (m == NULL)
		return NULL;
	if (k->alg == XJ_XALG_SM2) {
		if ((*pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) == NULL ||
		    EVP_PKEY_CTX_set1_id(*pctx, SM2_ID, sizeof(SM2_ID) - 1) != 1) {
			EVP_MD_CTX_free(m);
			return NULL;
		}
		EVP_MD_CTX_set_pkey_ctx(m, *pctx);
		ok = sign ? EVP_DigestSignInit(m, NULL, EVP_sm3(), NULL, k->pkey) :
		    EVP_DigestVerifyInit(m, NULL, EVP_sm3(), NULL, k->pkey);
	} else
		ok = sign ? EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, k->pkey) :
		    EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, k->pkey);
	if (ok != 1) {
		EVP_MD_CTX_free(m);
		return NULL;
	}
	return m;
}

int
xj_xsign(const struct xj_xkey *k, const void *data, size_t len, char *out, size_t cap)
{
	unsigned char sig[XJ_XSIG_MAX];
	char b64[(XJ_XSIG_MAX / 3 + 1) * 4 + 1];
	size_t slen = sizeof(sig);
	EVP_PKEY_CTX *pctx;
	EVP_MD_CTX *m;
	int rc = -1, n;

	if (k->pkey == NULL || (m = md_ctx(k, 1, &pctx)) == NULL)
		return -1;
	if (EVP_DigestSign(m, sig, &slen, data, len) == 1 &&
	    (n = EVP_EncodeBlock((unsigned char *)b64, sig, (int)slen)) > 0 &&
	    snprintf(out, cap, "keyid=%s; alg=%s; sig=%s", k->id, xj_xalg_name(k->alg), b64) <
	    (int)cap)
		rc = 0;
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

int
xj_xverify(const struct xj_xkey *k, enum xj_xalg alg, const void *data, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_PKEY_CTX *pctx;
	EVP_MD_CTX *m;
	int ok;

	if (k == NULL || k->pkey == NULL || alg != k->alg || (m = md_ctx(k, 0, &pctx)) == NULL)
		return 0;
	ok = EVP_DigestVerify(m, sig, siglen, data, len) == 1;
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(pctx);
	return ok;
}

int
xj_xkeygen(enum xj_xalg alg, const char *priv_path, const char *pub_path, char *err,
    size_t errlen)
{
	if (alg == XJ_XALG_NONE) {
		snprintf(err, errlen, "unknown algorithm");
		return -1;
	}
	return alg == XJ_XALG_SM2 ?
	    xj_pem_keypair("SM2", NULL, priv_path, pub_path, 0, err, errlen) :
	    xj_pem_keypair("EC", "P-256", priv_path, pub_path, 0, err, errlen);
}
