/* xsign.c -- unit tests of the exchange's detached signatures
 * (src/crypto/xsign.h): P-256 and SM2 keys made by xj_xkeygen sign and
 * verify; any changed byte, another key, another algorithm tag fail; the
 * header parser takes the three members in any order and refuses the
 * rest; the peers list resolves relative files and refuses repeats. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/xsign.h"
#include "tap.h"

static const char msg[] = "<Message>exact bytes</Message>";

static int
load_pair(const char *dir, const char *name, enum xj_xalg alg, struct xj_xkey *priv,
    struct xj_xkey *pub, const char *id)
{
	char p1[512], p2[512], err[256], buf[8192];
	FILE *f;
	size_t n;

	snprintf(p1, sizeof(p1), "%s/%s.key", dir, name);
	snprintf(p2, sizeof(p2), "%s/%s.pem", dir, name);
	if (xj_xkeygen(alg, p1, p2, err, sizeof(err)) != 1)
		return diag("keygen: %s", err), -1;
	if ((f = fopen(p1, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	if (xj_xkey_from_pem(buf, n, 1, id, "MOE", priv, err, sizeof(err)) != 0)
		return diag("priv: %s", err), -1;
	if ((f = fopen(p2, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	if (xj_xkey_from_pem(buf, n, 0, id, "MOE", pub, err, sizeof(err)) != 0)
		return diag("pub: %s", err), -1;
	return 0;
}

static int
roundtrip(const struct xj_xkey *priv, const struct xj_xkey *pub, const char *data,
    size_t len, const char *vdata, size_t vlen)
{
	char hdr[XJ_XSIG_HDR_MAX], id[XJ_XKEYID_MAX + 1];
	unsigned char sig[XJ_XSIG_MAX];
	size_t slen;
	enum xj_xalg alg;

	if (xj_xsign(priv, data, len, hdr, sizeof(hdr)) != 0 ||
	    xj_xsig_parse(hdr, strlen(hdr), id, &alg, sig, &slen) != 0)
		return -1;
	return xj_xverify(pub, alg, vdata, vlen, sig, slen);
}

int
main(void)
{
	char dir[] = "/tmp/xj-xsign-XXXXXX", err[256], hdr[XJ_XSIG_HDR_MAX], id[XJ_XKEYID_MAX + 1];
	struct xj_xkey ep, eq, sp, sq, e2p, e2q;
	unsigned char sig[XJ_XSIG_MAX];
	size_t slen;
	enum xj_xalg alg;

	plan_lazy();
	if (mkdtemp(dir) == NULL)
		return 1;
	ok(load_pair(dir, "p256", XJ_XALG_P256, &ep, &eq, "MOE-1") == 0, "P-256 key pair made and loaded");
	is_int(ep.alg, XJ_XALG_P256, "the P-256 key is ecdsa-p256-sha256");
	is_int(roundtrip(&ep, &eq, msg, strlen(msg), msg, strlen(msg)), 1, "P-256 signs and verifies");
	is_int(roundtrip(&ep, &eq, msg, strlen(msg), msg, strlen(msg) - 1), 0,
	    "one byte less does not verify");
	{
		char other[sizeof(msg)];
		memcpy(other, msg, sizeof(msg));
		other[3] ^= 1;
		is_int(roundtrip(&ep, &eq, msg, strlen(msg), other, strlen(other)), 0,
		    "one changed bit does not verify");
	}
	ok(load_pair(dir, "p256b", XJ_XALG_P256, &e2p, &e2q, "MOE-2") == 0, "a second P-256 pair");
	is_int(roundtrip(&ep, &e2q, msg, strlen(msg), msg, strlen(msg)), 0,
	    "another key's public half does not verify");

	ok(load_pair(dir, "sm2", XJ_XALG_SM2, &sp, &sq, "MOE-SM2") == 0,
	    "SM2 key pair made and loaded (OpenSSL 3.0 of Debian 12 has SM2/SM3)");
	is_int(sp.alg, XJ_XALG_SM2, "the SM2 key is sm2-sm3");
	is_int(roundtrip(&sp, &sq, msg, strlen(msg), msg, strlen(msg)), 1, "SM2/SM3 signs and verifies");
	is_int(roundtrip(&sp, &sq, msg, strlen(msg), "x", 1), 0, "SM2: other bytes do not verify");

	/* algorithm confusion: an SM2 header on a P-256 key */
	ok(xj_xsign(&ep, msg, strlen(msg), hdr, sizeof(hdr)) == 0 &&
	    xj_xsig_parse(hdr, strlen(hdr), id, &alg, sig, &slen) == 0, "header parses");
	is_str(id, "MOE-1", "key id read back");
	is_int(xj_xverify(&eq, XJ_XALG_SM2, msg, strlen(msg), sig, slen), 0,
	    "a tag other than the key's algorithm is refused");
	is_int(xj_xverify(&eq, alg, msg, strlen(msg), sig, slen), 1, "the right tag verifies");

	/* header grammar */
	is_int(xj_xsig_parse("alg=ecdsa-p256-sha256;sig=AAAA;keyid=k1", 39, id, &alg, sig, &slen), 0,
	    "members in any order, no spaces");
	is_int(slen, 3, "base64 decoded (AAAA = 3 bytes)");
	is_int(xj_xsig_parse("keyid=k1; alg=ecdsa-p256-sha256", 31, id, &alg, sig, &slen), -1,
	    "sig missing is refused");
	is_int(xj_xsig_parse("keyid=k1; keyid=k2; alg=sm2-sm3; sig=AAAA", 41, id, &alg, sig, &slen), -1,
	    "a repeated member is refused");
	is_int(xj_xsig_parse("keyid=k1; alg=rsa; sig=AAAA", 27, id, &alg, sig, &slen), -1,
	    "an unknown algorithm is refused");
	is_int(xj_xsig_parse("keyid=k 1; alg=sm2-sm3; sig=AAAA", 32, id, &alg, sig, &slen), -1,
	    "a key id with a space is refused");
	is_int(xj_xsig_parse("keyid=k1; alg=sm2-sm3; sig=AA=A", 31, id, &alg, sig, &slen), -1,
	    "padding inside base64 is refused");
	is_int(xj_xsig_parse("keyid=k1; alg=sm2-sm3; sig=AAAA; x=1", 36, id, &alg, sig, &slen), -1,
	    "an unknown member is refused");
	is_int(xj_xsig_parse("", 0, id, &alg, sig, &slen), -1, "empty is refused");

	/* the peers list */
	{
		struct xj_xkeys ks;
		memset(&ks, 0, sizeof(ks));
		ok(xj_xkeys_parse_peers("# ministry\nMOE-1 MOE p256.pem\nMOE-SM2 MOE sm2.pem # sm2\n\n",
		    dir, &ks, err, sizeof(err)) == 0, "peers list parses (%s)", err);
		is_int(ks.npeers, 2, "two peer keys");
		ok(xj_xkeys_peer(&ks, "MOE-SM2") != NULL && xj_xkeys_peer(&ks, "MOE-SM2")->alg == XJ_XALG_SM2,
		    "looked up by id with its algorithm");
		ok(xj_xkeys_peer(&ks, "nope") == NULL, "unknown id: NULL");
		xj_xkeys_free(&ks);
		memset(&ks, 0, sizeof(ks));
		ok(xj_xkeys_parse_peers("k MOE p256.pem\nk MOE sm2.pem\n", dir, &ks, err, sizeof(err)) != 0,
		    "a key id listed twice is refused");
		xj_xkeys_free(&ks);
		memset(&ks, 0, sizeof(ks));
		ok(xj_xkeys_parse_peers("k MOE p256.key\n", dir, &ks, err, sizeof(err)) != 0,
		    "a private key file in the peers list is refused (wants a public key)");
		xj_xkeys_free(&ks);
	}
	{
		char p[512];
		snprintf(p, sizeof(p), "%s/p256.key", dir);
		is_int(xj_xkeygen(XJ_XALG_P256, p, "/dev/null", err, sizeof(err)), 0,
		    "keygen never overwrites a private key");
	}
	xj_xkey_free(&ep); xj_xkey_free(&eq); xj_xkey_free(&sp); xj_xkey_free(&sq);
	xj_xkey_free(&e2p); xj_xkey_free(&e2q);
	{
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
