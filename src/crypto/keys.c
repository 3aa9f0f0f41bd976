/* keys.c -- key files: parse, load, generate (see keys.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "core/conf.h"
#include "keys.h"

static int
unhex(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				v |= c - 'A' + 10;
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* One key line: "ID HEX64", or a bare "HEX64" (the old single-key
 * files) when bare is allowed, which means id 1. 0 or -1. */
static int
parse_line(const char *buf, int bare, unsigned *id, unsigned char key[XJ_KEY_LEN])
{
	char hex[80];
	int end = 0;

	if (bare && sscanf(buf, "%79s %n", hex, &end) == 1 &&
	    buf[end + strspn(buf + end, " \t\r")] == '\0' &&
	    strlen(hex) == 2 * XJ_KEY_LEN && unhex(hex, XJ_KEY_LEN, key) == 0) {
		*id = 1;
		return 0;
	}
	end = 0;
	if (buf[strspn(buf, " \t")] == '-' ||
	    sscanf(buf, "%u %79s %n", id, hex, &end) != 2 || *id == 0 ||
	    strlen(hex) != 2 * XJ_KEY_LEN || buf[end + strspn(buf + end, " \t\r")] != '\0' ||
	    unhex(hex, XJ_KEY_LEN, key) != 0)
		return -1;
	return 0;
}

int
xj_keyring_parse(const char *text, const char *what, struct xj_keyring *r,
    char *err, size_t errlen)
{
	const char *p = text;
	int line = 0, nlines = 0;

	memset(r, 0, sizeof(*r));
	r->active = -1;
	/* a bare key is only the whole file: count the key lines first */
	for (const char *q = text; *q; ) {
		const char *nl = strchr(q, '\n');
		size_t len = nl ? (size_t)(nl - q) : strlen(q);
		size_t sp = strspn(q, " \t\r");
		if (sp < len && q[sp] != '#')
			nlines++;
		q += len + (nl ? 1 : 0);
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char buf[160];
		unsigned id;

		line++;
		if (len >= sizeof(buf)) {
			snprintf(err, errlen, "%s key file line %d too long", what, line);
			goto fail;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len + (nl ? 1 : 0);
		if (buf[strspn(buf, " \t\r")] == '\0' || buf[strspn(buf, " \t")] == '#')
			continue;
		if (r->n == XJ_RING_MAX) {
			snprintf(err, errlen, "%s key file: more than %d keys", what, XJ_RING_MAX);
			goto fail;
		}
		if (parse_line(buf, nlines == 1, &id, r->k[r->n].key) != 0) {
			snprintf(err, errlen, "%s key file line %d: expected 'ID HEX' (a key id and %d hex digits)",
			    what, line, 2 * XJ_KEY_LEN);
			goto fail;
		}
		for (int i = 0; i < r->n; i++)
			if (r->k[i].id == id) {
				snprintf(err, errlen, "%s key file: key id %u listed twice", what, id);
				goto fail;
			}
		r->k[r->n].id = id;
		if (r->active < 0 || id > r->k[r->active].id)
			r->active = r->n;
		r->n++;
	}
	if (r->n == 0) {
		snprintf(err, errlen, "%s key file holds no key", what);
		goto fail;
	}
	return 0;
fail:
	OPENSSL_cleanse(r, sizeof(*r));
	r->active = -1;
	return -1;
}

const unsigned char *
xj_keyring_get(const struct xj_keyring *r, unsigned id)
{
	if (r == NULL || id == 0)
		return NULL;
	for (int i = 0; i < r->n && i < XJ_RING_MAX; i++)
		if (r->k[i].id == id)
			return r->k[i].key;
	return NULL;
}

const unsigned char *
xj_keyring_current(const struct xj_keyring *r, unsigned *id)
{
	if (r == NULL || r->n < 1 || r->n > XJ_RING_MAX || r->active < 0 ||
	    r->active >= r->n)
		return NULL;
	if (id != NULL)
		*id = r->k[r->active].id;
	return r->k[r->active].key;
}

int
xj_keyring_load(const char *path, const char *what, struct xj_keyring *r,
    char *err, size_t errlen)
{
	char text[2048];
	int rc;

	memset(r, 0, sizeof(*r));
	r->active = -1;
	if (xj_conf_read_secret(path, text, sizeof(text), err, errlen) != 0)
		return -1;
	rc = xj_keyring_parse(text, what, r, err, errlen);
	OPENSSL_cleanse(text, sizeof(text));
	return rc;
}

int
xj_keys_parse_enc(const char *text, struct xj_keys *k, char *err, size_t errlen)
{
	return xj_keyring_parse(text, "encryption", &k->enc, err, errlen);
}

int
xj_keys_load(const struct xj_conf *c, struct xj_keys *k, char *err, size_t errlen)
{
	const struct { const char *path, *what; struct xj_keyring *r; int optional; } f[] = {
		{ c->session_key_file, "session", &k->session, 0 },
		{ c->csrf_key_file, "csrf", &k->csrf, 0 },
		{ c->blind_key_file, "blind index", &k->blind, 0 },
		{ c->sms_key_file, "sms", &k->sms, 1 },
		{ c->enc_key_file, "encryption", &k->enc, 0 },
	};

	memset(k, 0, sizeof(*k));
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		f[i].r->active = -1;
		if (f[i].path[0] == '\0') {
			if (f[i].optional)
				continue;
			if (c->hmac_key_file[0])
				snprintf(err, errlen, "security.hmac_key_file is replaced by one key file per purpose: "
				    "run 'xuejictl keygen DIR' (it copies hmac.key to blind.key) and set "
				    "session_key_file, csrf_key_file, blind_key_file and sms_key_file "
				    "(docs/operations.md \"Upgrading from hmac.key\")");
			else
				snprintf(err, errlen, "security.%s_key_file must be set (xuejictl keygen writes it)",
				    f[i].r == &k->blind ? "blind" : f[i].what);
			goto fail;
		}
		if (xj_keyring_load(f[i].path, f[i].what, f[i].r, err, errlen) != 0)
			goto fail;
	}
	/* a blind index cannot be recomputed from the stored ciphertexts
	 * without a full re-index: one key, never two in use at once */
	if (k->blind.n != 1) {
		snprintf(err, errlen, "the blind index key file must hold exactly one key "
		    "(blind indexes cannot rotate with an overlap; docs/operations.md \"Keys\")");
		goto fail;
	}
	return 0;
fail:
	xj_keys_clear(k);
	return -1;
}

void
xj_keys_clear(struct xj_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

static int
write_new(const char *path, const char *text, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t n = strlen(text);

	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, text, n) != (ssize_t)n || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 1;
}

static int
random_hex(char *out, size_t nbytes)
{
	unsigned char b[64];

	if (nbytes > sizeof(b) || RAND_bytes(b, (int)nbytes) != 1)
		return -1;
	for (size_t i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	OPENSSL_cleanse(b, sizeof(b));
	return 0;
}

int
xj_keys_generate(const char *path, const char *copy_from, char *err, size_t errlen)
{
	char hex[2 * XJ_KEY_LEN + 1], text[2048];
	int rc;

	if (access(path, F_OK) == 0)
		return 0;
	if (copy_from != NULL) {
		struct xj_keyring r;
		size_t o = 0;
		if (xj_keyring_load(copy_from, copy_from, &r, err, errlen) != 0)
			return -1;
		o += (size_t)snprintf(text, sizeof(text), "# ID KEY: the highest id is current\n");
		for (int i = 0; i < r.n; i++) {
			for (int j = 0; j < XJ_KEY_LEN; j++)
				snprintf(hex + 2 * j, 3, "%02x", r.k[i].key[j]);
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%u %s\n", r.k[i].id, hex);
		}
		OPENSSL_cleanse(&r, sizeof(r));
	} else {
		if (random_hex(hex, XJ_KEY_LEN) != 0) {
			snprintf(err, errlen, "no randomness");
			return -1;
		}
		snprintf(text, sizeof(text), "# ID KEY: the highest id is current\n1 %s\n", hex);
	}
	rc = write_new(path, text, err, errlen);
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(hex, sizeof(hex));
	return rc;
}

int
xj_keys_add(const char *path, unsigned *id, char *err, size_t errlen)
{
	char text[2048], tmp[4096], hex[2 * XJ_KEY_LEN + 1];
	struct xj_keyring r;
	size_t o = 0;
	int rc = -1;

	if (xj_keyring_load(path, path, &r, err, errlen) != 0)
		return -1;
	if (r.n == XJ_RING_MAX || r.k[r.active].id == 0xffffffffu) {
		snprintf(err, errlen, "%s: already %d keys; remove an old one first", path, r.n);
		goto out;
	}
	*id = r.k[r.active].id + 1;
	o += (size_t)snprintf(text, sizeof(text), "# ID KEY: the highest id is current\n");
	for (int i = 0; i < r.n; i++) {
		for (int j = 0; j < XJ_KEY_LEN; j++)
			snprintf(hex + 2 * j, 3, "%02x", r.k[i].key[j]);
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%u %s\n", r.k[i].id, hex);
	}
	if (random_hex(hex, XJ_KEY_LEN) != 0) {
		snprintf(err, errlen, "no randomness");
		goto out;
	}
	snprintf(text + o, sizeof(text) - o, "%u %s\n", *id, hex);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	if ((rc = write_new(tmp, text, err, errlen)) != 1 || rename(tmp, path) != 0) {
		if (rc == 1)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(&r, sizeof(r));
	OPENSSL_cleanse(text, sizeof(text));
	OPENSSL_cleanse(hex, sizeof(hex));
	return rc;
}

int
xj_keys_generate_password(const char *path, char *err, size_t errlen)
{
	char hex[49], text[64];
	int rc;

	if (random_hex(hex, 24) != 0) {
		snprintf(err, errlen, "no randomness");
		return -1;
	}
	snprintf(text, sizeof(text), "%s\n", hex);
	rc = write_new(path, text, err, errlen);
	OPENSSL_cleanse(text, sizeof(text));
	return rc;
}

int
xj_pem_keypair(const char *type, const char *curve, const char *priv_path,
    const char *pub_path, int append_pub, char *err, size_t errlen)
{
	EVP_PKEY *k = NULL;
	FILE *f = NULL;
	int fd, rc = -1;

	fd = open(priv_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "%s: %s", priv_path, strerror(errno));
		return -1;
	}
	k = curve != NULL ? EVP_PKEY_Q_keygen(NULL, NULL, type, curve) :
	    EVP_PKEY_Q_keygen(NULL, NULL, type);
	if (k == NULL || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: cannot generate a %s key", priv_path, type);
		goto out;
	}
	fd = -1;
	if (PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) != 1 || fclose(f) != 0) {
		f = NULL;
		snprintf(err, errlen, "%s: write failed", priv_path);
		goto out;
	}
	f = NULL;
	if ((fd = open(pub_path, O_WRONLY | O_CREAT | (append_pub ? O_APPEND : O_TRUNC) |
	    O_NOFOLLOW | O_CLOEXEC, 0644)) < 0 || (f = fdopen(fd, append_pub ? "a" : "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", pub_path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (PEM_write_PUBKEY(f, k) != 1 || fclose(f) != 0) {
		f = NULL;
		snprintf(err, errlen, "%s: write failed", pub_path);
		goto out;
	}
	f = NULL;
	rc = 1;
out:
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(priv_path);	/* a half-written key must not stay behind */
	EVP_PKEY_free(k);
	return rc;
}
