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

int
xj_keys_parse_hmac(const char *text, struct xj_keys *k, char *err, size_t errlen)
{
	size_t n = strlen(text);

	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (n != 2 * XJ_KEY_LEN || unhex(text, XJ_KEY_LEN, k->hmac) != 0) {
		snprintf(err, errlen, "HMAC key file must hold %d hex digits", 2 * XJ_KEY_LEN);
		return -1;
	}
	return 0;
}

int
xj_keys_parse_enc(const char *text, struct xj_keys *k, char *err, size_t errlen)
{
	const char *p = text;
	int line = 0;

	k->nenc = 0;
	k->active = -1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char buf[160], hex[80];
		unsigned ver;

		line++;
		if (len >= sizeof(buf)) {
			snprintf(err, errlen, "encryption key file line %d too long", line);
			return -1;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len + (nl ? 1 : 0);
		if (buf[strspn(buf, " \t\r")] == '\0' || buf[strspn(buf, " \t")] == '#')
			continue;
		int end = 0;
		if (sscanf(buf, "%u %79s %n", &ver, hex, &end) != 2 || ver == 0 ||
		    strlen(hex) != 2 * XJ_KEY_LEN || buf[end + strspn(buf + end, " \t\r")] != '\0') {
			snprintf(err, errlen, "encryption key file line %d: expected 'VERSION HEX64'", line);
			return -1;
		}
		if (k->nenc == XJ_MAX_ENC_KEYS) {
			snprintf(err, errlen, "more than %d encryption keys", XJ_MAX_ENC_KEYS);
			return -1;
		}
		for (int i = 0; i < k->nenc; i++)
			if (k->enc[i].version == ver) {
				snprintf(err, errlen, "encryption key version %u listed twice", ver);
				return -1;
			}
		if (unhex(hex, XJ_KEY_LEN, k->enc[k->nenc].key) != 0) {
			snprintf(err, errlen, "encryption key file line %d: bad hex", line);
			return -1;
		}
		k->enc[k->nenc].version = ver;
		if (k->active < 0 || ver > k->enc[k->active].version)
			k->active = k->nenc;
		k->nenc++;
	}
	if (k->nenc == 0) {
		snprintf(err, errlen, "encryption key file holds no key");
		return -1;
	}
	return 0;
}

int
xj_keys_load(const char *hmac_path, const char *enc_path, struct xj_keys *k,
    char *err, size_t errlen)
{
	char text[2048];
	int rc;

	memset(k, 0, sizeof(*k));
	if (hmac_path == NULL || !*hmac_path || enc_path == NULL || !*enc_path) {
		snprintf(err, errlen, "security.hmac_key_file and security.enc_key_file must be set (xuejictl keygen writes them)");
		return -1;
	}
	if (xj_conf_read_secret(hmac_path, text, sizeof(text), err, errlen) != 0)
		return -1;
	rc = xj_keys_parse_hmac(text, k, err, errlen);
	if (rc == 0 && (rc = xj_conf_read_secret(enc_path, text, sizeof(text), err, errlen)) == 0)
		rc = xj_keys_parse_enc(text, k, err, errlen);
	OPENSSL_cleanse(text, sizeof(text));
	if (rc != 0)
		xj_keys_clear(k);
	return rc;
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
xj_keys_generate(const char *path, const char *kind, char *err, size_t errlen)
{
	char hex[2 * XJ_KEY_LEN + 1], text[128];
	int rc;

	if (random_hex(hex, XJ_KEY_LEN) != 0) {
		snprintf(err, errlen, "no randomness");
		return -1;
	}
	if (strcmp(kind, "enc") == 0)
		snprintf(text, sizeof(text), "# VERSION KEY: the highest version encrypts\n1 %s\n", hex);
	else
		snprintf(text, sizeof(text), "%s\n", hex);
	rc = write_new(path, text, err, errlen);
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
