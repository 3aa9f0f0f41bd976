/* xsign.h -- detached signatures of the ministry exchange (issue 13 item
 * 2, docs/xml/README.md "Transport and signature"). Every message is
 * signed by its sender over its exact bytes; the signature travels in an
 * HTTP header
 *
 *   Xueji-Signature: keyid=MOE-2026-1; alg=ecdsa-p256-sha256; sig=BASE64
 *
 * sig is the DER signature in standard base64. Two algorithms:
 * ecdsa-p256-sha256 (the default) and sm2-sm3 (GM/T 0003 over SM3, with
 * the standard distinguishing id 1234567812345678). The algorithm is a
 * property of the key: a header whose alg differs from its key's is
 * refused, so a sender cannot choose how we verify (no algorithm
 * confusion).
 *
 * Keys are PEM files: our private key ([exchange] signing_key_file, its
 * id signing_key_id) and the peers' public keys, listed in
 * [exchange] peer_keys_file, one line per key:
 *
 *   # key id     org code   public key file (relative: to this file)
 *   MOE-2026-1   MOE        moe-2026-1.pem
 *
 * Rotation: the peer adds a line with a new id and signs with it; the old
 * line goes when nothing signed under it is still in flight
 * (docs/operations.md "Exchange keys"). Thread-safe after loading. */
#ifndef XJ_XSIGN_H
#define XJ_XSIGN_H

#include <stddef.h>

enum xj_xalg {
	XJ_XALG_NONE = 0,
	XJ_XALG_P256,		/* ecdsa-p256-sha256 */
	XJ_XALG_SM2		/* sm2-sm3 */
};

#define XJ_XKEYID_MAX	64	/* [A-Za-z0-9._-] */
#define XJ_XORG_MAX	16
#define XJ_XPEERS_MAX	32
#define XJ_XSIG_MAX	160	/* DER: 72 bytes for either curve; room to spare */
#define XJ_XSIG_HDR_MAX	512

struct xj_xkey {
	char		 id[XJ_XKEYID_MAX + 1];
	char		 org[XJ_XORG_MAX + 1];
	enum xj_xalg	 alg;
	void		*pkey;		/* EVP_PKEY */
};

struct xj_xkeys {
	struct xj_xkey	 own;		/* private; pkey NULL: none */
	struct xj_xkey	 peer[XJ_XPEERS_MAX];
	int		 npeers;
};

const char	*xj_xalg_name(enum xj_xalg);
enum xj_xalg	 xj_xalg_parse(const char *s, size_t len);
/* 1 when s is a key id: 1..64 of [A-Za-z0-9._-]. */
int		 xj_xkeyid_ok(const char *s, size_t len);

/* Parse a header value: the three members in any order, each once,
 * separated by ';' and optional spaces. 0, or -1 (missing, repeated or
 * unknown member, bad key id, unknown alg, bad base64, too long). */
int	xj_xsig_parse(const char *hdr, size_t len, char keyid[XJ_XKEYID_MAX + 1],
	    enum xj_xalg *alg, unsigned char sig[XJ_XSIG_MAX], size_t *siglen);

/* A key from PEM text: private (priv set) or public. id and org are
 * copied; the algorithm follows from the key (P-256 or SM2); any other
 * key is refused. 0 or -1 with err. */
int	xj_xkey_from_pem(const char *pem, size_t len, int priv, const char *id,
	    const char *org, struct xj_xkey *, char *err, size_t errlen);
void	xj_xkey_free(struct xj_xkey *);

/* Our key (permission-checked PEM file) and the peers' list; either path
 * may be empty (no own key / no peers). 0 or -1 with err. */
int	xj_xkeys_load(const char *own_file, const char *own_id, const char *own_org,
	    const char *peers_file, struct xj_xkeys *, char *err, size_t errlen);
/* Parse a peers list's text; dir resolves relative file names. */
int	xj_xkeys_parse_peers(const char *text, const char *dir, struct xj_xkeys *,
	    char *err, size_t errlen);
const struct xj_xkey *xj_xkeys_peer(const struct xj_xkeys *, const char *id);
void	xj_xkeys_free(struct xj_xkeys *);

/* Sign data with a private key and write the whole header value
 * ("keyid=...; alg=...; sig=...") to out. 0 or -1. */
int	xj_xsign(const struct xj_xkey *, const void *data, size_t len, char *out,
	    size_t cap);
/* 1 when sig is key's signature of data under alg (which must be the
 * key's), else 0 -- also on any error. */
int	xj_xverify(const struct xj_xkey *, enum xj_xalg, const void *data, size_t len,
	    const unsigned char *sig, size_t siglen);

/* Write a fresh key pair: private PEM (mode 0600, never overwritten) and
 * public PEM. 1 written, 0 the private file exists, -1 error. */
int	xj_xkeygen(enum xj_xalg, const char *priv_path, const char *pub_path, char *err,
	    size_t errlen);

#endif
