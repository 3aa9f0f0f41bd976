/* keys.h -- the instance's secret keys, read from files outside the
 * database (conf.h checks their permissions). The HMAC key signs session
 * tokens and computes blind indexes; the encryption keys are versioned,
 * one "VERSION HEX" line each: the highest version encrypts, every listed
 * version decrypts, so keys rotate without a flag day (docs/security.md). */
#ifndef XJ_KEYS_H
#define XJ_KEYS_H

#include <stddef.h>

#define XJ_KEY_LEN	32
#define XJ_MAX_ENC_KEYS	8

struct xj_keys {
	unsigned char	 hmac[XJ_KEY_LEN];
	struct {
		unsigned	 version;
		unsigned char	 key[XJ_KEY_LEN];
	}		 enc[XJ_MAX_ENC_KEYS];
	int		 nenc;
	int		 active;	/* index of the highest version */
};

/* Parse key file texts (pure; unit-tested). 0 or -1 with err. */
int	xj_keys_parse_hmac(const char *text, struct xj_keys *, char *err, size_t errlen);
int	xj_keys_parse_enc(const char *text, struct xj_keys *, char *err, size_t errlen);
/* Read both files (permission-checked) into k. */
int	xj_keys_load(const char *hmac_path, const char *enc_path,
	    struct xj_keys *, char *err, size_t errlen);
/* Write a fresh key file (mode 0600) unless it exists: kind "hmac" or
 * "enc". 1 written, 0 already there, -1 error. */
int	xj_keys_generate(const char *path, const char *kind, char *err, size_t errlen);
/* Random hex password file for DB users (mode 0600), unless it exists. */
int	xj_keys_generate_password(const char *path, char *err, size_t errlen);
/* Wipe key material. */
void	xj_keys_clear(struct xj_keys *);

#endif
