/* field.c -- unit tests of field encryption and blind indexes
 * (src/crypto/field.h): values round-trip under AES-256-GCM with a
 * self-describing header; the column name, every byte and the length are
 * authenticated; the row is bound (review L1) and values of the old
 * column-only format still decrypt; old key versions still decrypt after a
 * rotation; blind
 * indexes are deterministic per purpose and key; HKDF matches RFC 5869. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/field.h"
#include "crypto/keys.h"
#include "tap.h"

#define HEX_A	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX_B	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

#define ID	"11010120150101001X"
#define AAD_ID	"registration.id_number"
#define AAD_TEL	"registration.phone"
#define ROW	"2611010565951835"
#define ROW2	"2611010510660547"

static struct xj_keys	k1;	/* version 1 (HEX_A) */
static struct xj_keys	k12;	/* versions 1 and 2 (HEX_B), 2 active */
static struct xj_keys	k2;	/* version 2 only */
static struct xj_keys	k1b;	/* version 1 with another key (HEX_B) */

static int
make_keys(struct xj_keys *k, const char *hmac, const char *enc)
{
	char err[256];

	memset(k, 0, sizeof(*k));
	if (xj_keyring_parse(hmac, "blind", &k->blind, err, sizeof(err)) != 0 ||
	    xj_keys_parse_enc(enc, k, err, sizeof(err)) != 0) {
		printf("Bail out! keys: %s\n", err);
		exit(1);
	}
	return 0;
}

static void
unhex(const char *hex, unsigned char *out)
{
	for (size_t i = 0; hex[2 * i] != '\0'; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
}

/* Encrypt ID under aad with k into ct; returns the length or 0. */
static size_t
enc(const struct xj_keys *k, const char *aad, unsigned char *ct)
{
	size_t n = 0;

	if (xj_field_encrypt(k, aad, ROW, ID, strlen(ID), ct,
	    XJ_FIELD_CT_LEN(strlen(ID)), &n) != 0)
		return 0;
	return n;
}

static int
dec(const struct xj_keys *k, const char *aad, const unsigned char *ct,
    size_t len)
{
	char out[128];
	size_t n;

	return xj_field_decrypt(k, aad, ROW, ct, len, out, sizeof(out), &n);
}

static void
test_round_trip(void)
{
	unsigned char ct[128], ct2[128];
	char out[64];
	size_t n, n2, m = 99;
	int rc;

	is_int(XJ_FIELD_OVERHEAD, 33, "field: overhead is 1 + 4 + 12 + 16 bytes");
	rc = xj_field_encrypt(&k1, AAD_ID, ROW, ID, strlen(ID), ct, sizeof(ct), &n);
	is_int(rc, 0, "field: encrypt succeeds");
	is_int(n, XJ_FIELD_CT_LEN(18), "field: ciphertext length is XJ_FIELD_CT_LEN(len)");
	is_int(ct[0], 0x02, "field: first byte is the row-bound AES-256-GCM id");
	ok(ct[1] == 0 && ct[2] == 0 && ct[3] == 0 && ct[4] == 1,
	    "field: key version stored big-endian after the id");
	ok(memmem(ct, n, ID, strlen(ID)) == NULL && memmem(ct, n, "1101012015", 10) == NULL,
	    "field: plaintext does not appear in the ciphertext");

	memset(out, 'z', sizeof(out));
	rc = xj_field_decrypt(&k1, AAD_ID, ROW, ct, n, out, sizeof(out), &m);
	is_int(rc, 0, "field: decrypt succeeds");
	is_strn(out, m, ID, "field: round trip gives the value back");
	is_str(out, ID, "field: decrypt NUL-terminates when there is room");

	memset(out, 'z', sizeof(out));
	rc = xj_field_decrypt(&k1, AAD_ID, ROW, ct, n, out, strlen(ID), &m);
	ok(rc == 0 && m == 18 && memcmp(out, ID, 18) == 0 && out[18] == 'z',
	    "field: decrypt into exactly len bytes writes no NUL");
	is_int(xj_field_decrypt(&k1, AAD_ID, ROW, ct, n, out, strlen(ID) - 1, &m),
	    XJ_FIELD_E_SPACE, "field: decrypt into too small a buffer refused");
	is_int(xj_field_encrypt(&k1, AAD_ID, ROW, ID, strlen(ID), ct2,
	    XJ_FIELD_CT_LEN(18) - 1, &n2), XJ_FIELD_E_SPACE,
	    "field: encrypt into too small a buffer refused");

	rc = xj_field_encrypt(&k1, AAD_ID, ROW, "", 0, ct2, sizeof(ct2), &n2);
	ok(rc == 0 && n2 == XJ_FIELD_OVERHEAD &&
	    xj_field_decrypt(&k1, AAD_ID, ROW, ct2, n2, out, sizeof(out), &m) == 0 &&
	    m == 0 && out[0] == '\0', "field: empty value round-trips");

	n2 = enc(&k1, AAD_ID, ct2);
	ok(n2 == n && memcmp(ct, ct2, n) != 0,
	    "field: two encryptions of one value differ");
	ok(memcmp(ct + 5, ct2 + 5, XJ_FIELD_NONCE_LEN) != 0,
	    "field: two encryptions use different nonces");
}

static void
test_refusals(void)
{
	unsigned char ct[128], bad[160];
	char out[64];
	size_t n, m, i;
	int all, auth;

	n = enc(&k1, AAD_ID, ct);
	is_int(dec(&k1, AAD_TEL, ct, n), XJ_FIELD_E_AUTH,
	    "field: ciphertext moved to another column (other aad) refused");
	is_int(dec(&k1, "", ct, n), XJ_FIELD_E_INPUT, "field: empty aad refused");
	is_int(dec(&k1, NULL, ct, n), XJ_FIELD_E_INPUT, "field: NULL aad refused");
	is_int(dec(&k1b, AAD_ID, ct, n), XJ_FIELD_E_AUTH,
	    "field: same version with another key refused");

	all = 1;
	auth = 1;
	for (i = 0; i < n; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			int rc;

			memcpy(bad, ct, n);
			bad[i] ^= (unsigned char)(1u << bit);
			rc = dec(&k12, AAD_ID, bad, n);
			if (rc >= 0) {
				diag("flip of bit %u of byte %zu accepted", bit, i);
				all = 0;
			}
			if (i >= 5 && rc != XJ_FIELD_E_AUTH)
				auth = 0;
		}
	}
	ok(all, "field: every single flipped bit of every byte refused");
	ok(auth, "field: flips in nonce, ciphertext and tag fail authentication");
	memcpy(bad, ct, n);
	bad[0] = 0x03;
	is_int(dec(&k1, AAD_ID, bad, n), XJ_FIELD_E_ALG, "field: unknown algorithm id refused");
	bad[0] = 0x01;
	is_int(dec(&k1, AAD_ID, bad, n), XJ_FIELD_E_AUTH,
	    "field: a row-bound value relabelled as the old format is refused");
	memcpy(bad, ct, n);
	bad[4] = 2;
	is_int(dec(&k12, AAD_ID, bad, n), XJ_FIELD_E_AUTH,
	    "field: version byte changed to another listed version refused");

	all = 1;
	for (i = 0; i < n; i++)
		if (dec(&k1, AAD_ID, ct, i) >= 0)
			all = 0;
	ok(all, "field: every truncation refused");
	is_int(dec(&k1, AAD_ID, ct, XJ_FIELD_OVERHEAD - 1), XJ_FIELD_E_INPUT,
	    "field: input shorter than the overhead is bad input");
	is_int(dec(&k1, AAD_ID, ct, n - 1), XJ_FIELD_E_AUTH,
	    "field: one byte cut from the tag fails authentication");
	memcpy(bad, ct, n);
	bad[n] = 0;
	is_int(dec(&k1, AAD_ID, bad, n + 1), XJ_FIELD_E_AUTH,
	    "field: an appended byte fails authentication");

	memcpy(bad, ct, n);
	bad[XJ_FIELD_HDR_LEN] ^= 1;
	memset(out, 'z', sizeof(out));
	xj_field_decrypt(&k1, AAD_ID, ROW, bad, n, out, sizeof(out), &m);
	ok(memchr(out, 'z', 18) == NULL && memmem(out, 18, "01012015", 8) == NULL,
	    "field: refused decryption leaves no plaintext in out");

	is_int(xj_field_encrypt(&k1, "", ROW, ID, 18, bad, sizeof(bad), &m),
	    XJ_FIELD_E_INPUT, "field: encrypt with empty aad refused");
	is_int(xj_field_encrypt(&k1, AAD_ID, ROW, ID, XJ_FIELD_MAX_PT + 1, bad,
	    sizeof(bad), &m), XJ_FIELD_E_INPUT, "field: encrypt of an oversize value refused");
}

static void
test_rotation(void)
{
	unsigned char c1[128], c2[128];
	char out[64];
	size_t n1, n2, m;
	int rc;

	n1 = enc(&k1, AAD_ID, c1);
	is_int(k12.enc.k[k12.enc.active].id, 2, "field: key file with 1 and 2 has 2 active");
	rc = xj_field_decrypt(&k12, AAD_ID, ROW, c1, n1, out, sizeof(out), &m);
	ok(rc == 0 && m == 18 && memcmp(out, ID, 18) == 0,
	    "field: after rotation the version-1 value still decrypts");
	n2 = enc(&k12, AAD_ID, c2);
	ok(n2 > 0 && c2[1] == 0 && c2[2] == 0 && c2[3] == 0 && c2[4] == 2,
	    "field: after rotation new values use version 2");
	rc = xj_field_decrypt(&k12, AAD_ID, ROW, c2, n2, out, sizeof(out), &m);
	ok(rc == 0 && m == 18 && memcmp(out, ID, 18) == 0,
	    "field: version-2 value decrypts");
	is_int(xj_field_needs_rekey(&k12, c1, n1), 1, "field: version-1 value needs rekey");
	is_int(xj_field_needs_rekey(&k12, c2, n2), 0, "field: version-2 value needs no rekey");
	is_int(xj_field_needs_rekey(&k1, c1, n1), 0,
	    "field: value under the only key needs no rekey");
	is_int(dec(&k1, AAD_ID, c2, n2), XJ_FIELD_E_VERSION,
	    "field: unknown key version refused");
	is_int(dec(&k2, AAD_ID, c1, n1), XJ_FIELD_E_VERSION,
	    "field: version dropped from the key file refused");
	is_int(xj_field_needs_rekey(&k2, c1, n1), XJ_FIELD_E_VERSION,
	    "field: needs_rekey reports a version dropped from the key file");
	is_int(xj_field_needs_rekey(&k12, c1, XJ_FIELD_OVERHEAD - 1), XJ_FIELD_E_INPUT,
	    "field: needs_rekey refuses truncated input");
	c1[0] = 0x7f;
	is_int(xj_field_needs_rekey(&k12, c1, n1), XJ_FIELD_E_ALG,
	    "field: needs_rekey refuses an unknown algorithm id");
}

static void
test_blind(void)
{
	unsigned char a[XJ_BLIND_LEN], b[XJ_BLIND_LEN], want[XJ_BLIND_LEN];
	struct xj_keys other, wiped;
	int rc;

	/* printf '%s' 11010120150101001X | openssl dgst -sha256 -mac HMAC
	 *   -macopt hexkey:$(openssl kdf -keylen 32 -kdfopt digest:SHA256
	 *   -kdfopt hexkey:HEX_A -kdfopt "info:xueji blind index
	 *   child.id_number" HKDF) */
	unhex("93f81d785f1ac7ec2e2bab92436e5679d1a7e2a679036993052ffb93284204e2", want);
	is_int(XJ_BLIND_LEN, 32, "blind: an index is 32 bytes");
	rc = xj_blind_index(&k1, "child.id_number", ID, 18, a);
	ok(rc == 0 && memcmp(a, want, sizeof(a)) == 0,
	    "blind: known answer (HKDF + HMAC-SHA256 computed with openssl(1))");
	xj_blind_index(&k1, "child.id_number", ID, 18, b);
	ok(memcmp(a, b, sizeof(a)) == 0, "blind: deterministic");
	xj_blind_index(&k1, "parent.id_number", ID, 18, b);
	ok(memcmp(a, b, sizeof(a)) != 0, "blind: differs by purpose");
	make_keys(&other, HEX_B, "1 " HEX_A);
	xj_blind_index(&other, "child.id_number", ID, 18, b);
	ok(memcmp(a, b, sizeof(a)) != 0, "blind: differs by HMAC key");
	xj_blind_index(&k12, "child.id_number", ID, 18, b);
	ok(memcmp(a, b, sizeof(a)) == 0,
	    "blind: independent of the encryption keys (survives rotation)");
	xj_blind_index(&k1, "child.id_number", "11010120150101001x", 18, b);
	ok(memcmp(a, b, sizeof(a)) != 0,
	    "blind: not normalised (caller upper-cases the X)");
	is_int(xj_blind_index(&k1, "", ID, 18, b), XJ_FIELD_E_INPUT,
	    "blind: empty purpose refused");
	is_int(xj_blind_index(&k1,
	    "01234567890123456789012345678901234567890123456789012345678901234",
	    ID, 18, b), XJ_FIELD_E_INPUT, "blind: purpose over 64 bytes refused");
	is_int(xj_blind_index(&k1, "child.id_number", "", 0, b), 0,
	    "blind: empty value has an index");

	wiped = k1;
	xj_keys_clear(&wiped);
	is_int(xj_blind_index(&wiped, "child.id_number", ID, 18, b), XJ_FIELD_E_INPUT,
	    "blind: wiped (all-zero) HMAC key refused");
	is_int(xj_field_encrypt(&wiped, AAD_ID, ROW, ID, 18, b, sizeof(b), &(size_t){0}),
	    XJ_FIELD_E_INPUT, "field: wiped key set refused");
	xj_keys_clear(&other);
}

/* A value in the format written before review L1 (0x01: the AAD is the
 * header and the column only), made here with OpenSSL directly. */
static size_t
enc_v1(const unsigned char key[32], const char *aad, unsigned char *ct)
{
	unsigned char ad[300];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, f = 0;

	ct[0] = 0x01;
	ct[1] = ct[2] = ct[3] = 0;
	ct[4] = 1;
	memset(ct + 5, 0x5a, 12);
	memcpy(ad, ct, 5);
	memcpy(ad + 5, aad, strlen(aad));
	EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, ct + 5);
	EVP_EncryptUpdate(c, NULL, &n, ad, (int)(5 + strlen(aad)));
	EVP_EncryptUpdate(c, ct + 17, &n, (const unsigned char *)ID, 18);
	EVP_EncryptFinal_ex(c, ct + 17 + n, &f);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, ct + 17 + 18);
	EVP_CIPHER_CTX_free(c);
	return 17 + 18 + 16;
}

static void
test_row_binding(void)
{
	unsigned char ct[128], old[128], out2[128];
	char out[64];
	size_t n, m = 0, n2 = 0;
	int rc;

	n = enc(&k1, AAD_ID, ct);
	rc = xj_field_decrypt(&k1, AAD_ID, ROW2, ct, n, out, sizeof(out), &m);
	is_int(rc, XJ_FIELD_E_AUTH,
	    "L1: a ciphertext moved to another row fails to decrypt");
	is_int(xj_field_decrypt(&k1, AAD_ID, "", ct, n, out, sizeof(out), &m), XJ_FIELD_E_INPUT,
	    "L1: decrypt without a row identity refused");
	is_int(xj_field_decrypt(&k1, AAD_ID, NULL, ct, n, out, sizeof(out), &m), XJ_FIELD_E_INPUT,
	    "L1: decrypt with a NULL row identity refused");
	is_int(xj_field_encrypt(&k1, AAD_ID, "", ID, 18, old, sizeof(old), &m), XJ_FIELD_E_INPUT,
	    "L1: encrypt without a row identity refused");
	/* "col" + row "x" must not equal "colx" + row "" or "co" + "lx" */
	ok(xj_field_encrypt(&k1, "registration.id", "_number" ROW, ID, 18, old, sizeof(old), &m) == 0 &&
	    xj_field_decrypt(&k1, AAD_ID, ROW, old, m, out, sizeof(out), &n2) == XJ_FIELD_E_AUTH,
	    "L1: column and row cannot be traded against each other");

	n = enc_v1(k1.enc.k[0].key, AAD_ID, old);
	rc = xj_field_decrypt(&k1, AAD_ID, ROW2, old, n, out, sizeof(out), &m);
	ok(rc == 0 && m == 18 && memcmp(out, ID, 18) == 0,
	    "L1: an old-format (column-only) ciphertext still decrypts");
	is_int(dec(&k1, AAD_TEL, old, n), XJ_FIELD_E_AUTH,
	    "L1: an old-format ciphertext is still bound to its column");
	is_int(xj_field_needs_rekey(&k1, old, n), 1,
	    "L1: an old-format ciphertext under the current key needs rekey");

	rc = xj_field_reseal(&k1, AAD_ID, ROW, AAD_ID, ROW, old, n, out2, sizeof(out2), &n2);
	ok(rc == 0 && out2[0] == 0x02 && xj_field_needs_rekey(&k1, out2, n2) == 0 &&
	    xj_field_decrypt(&k1, AAD_ID, ROW, out2, n2, out, sizeof(out), &m) == 0 &&
	    m == 18 && memcmp(out, ID, 18) == 0,
	    "L1: reseal upgrades an old-format value to the row-bound one");
	n = enc(&k1, AAD_ID, ct);
	rc = xj_field_reseal(&k1, AAD_ID, ROW, "student.id_number", "s42", ct, n, out2,
	    sizeof(out2), &n2);
	ok(rc == 0 && xj_field_decrypt(&k1, "student.id_number", "s42", out2, n2, out,
	    sizeof(out), &m) == 0 && m == 18 && memcmp(out, ID, 18) == 0 &&
	    xj_field_decrypt(&k1, AAD_ID, ROW, out2, n2, out, sizeof(out), &m) == XJ_FIELD_E_AUTH,
	    "L1: reseal moves a value to another column and row (student copy)");
	is_int(xj_field_reseal(&k1, AAD_ID, ROW2, AAD_ID, ROW, ct, n, out2, sizeof(out2), &n2),
	    XJ_FIELD_E_AUTH, "L1: reseal from the wrong row refused");
	rc = xj_field_reseal(&k12, AAD_ID, ROW, AAD_ID, ROW, ct, n, out2, sizeof(out2), &n2);
	ok(rc == 0 && out2[4] == 2 && xj_field_needs_rekey(&k12, out2, n2) == 0,
	    "rekey: reseal under a rotated key file uses the new version");
	{
		/* issue 12 item 3: a file of 2 MiB seals, reseals and opens */
		size_t big = 2u * 1024 * 1024, m1 = 0, m2 = 0, m3 = 0;
		unsigned char *pt = calloc(1, big), *c1 = malloc(XJ_FIELD_CT_LEN(big)),
		    *c2 = malloc(XJ_FIELD_CT_LEN(big));
		char *back = malloc(big + 1);

		memset(pt, 0x5a, big);
		ok(pt && c1 && c2 && back &&
		    xj_field_encrypt(&k1, "evidence_blob.content", "ab", pt, big, c1,
		    XJ_FIELD_CT_LEN(big), &m1) == 0 &&
		    xj_field_reseal(&k12, "evidence_blob.content", "ab", "evidence_blob.content", "ab",
		    c1, m1, c2, XJ_FIELD_CT_LEN(big), &m2) == 0 &&
		    xj_field_decrypt(&k12, "evidence_blob.content", "ab", c2, m2, back, big + 1, &m3) == 0 &&
		    m3 == big && memcmp(back, pt, big) == 0 && xj_field_needs_rekey(&k12, c2, m2) == 0,
		    "issue 12: a 2 MiB file encrypts, reseals under the new version and decrypts");
		free(pt);
		free(c1);
		free(c2);
		free(back);
	}
}

static void
test_hkdf(void)
{
	unsigned char ikm[22], okm[42], want[42];

	/* RFC 5869 A.3 (test case 3): SHA-256, no salt, no info, L = 42.
	 * xj_hkdf takes no salt, so test case 1 (13-byte salt) does not apply. */
	memset(ikm, 0x0b, sizeof(ikm));
	unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f"
	    "3c738d2d9d201395faa4b61a96c8", want);
	ok(xj_hkdf(ikm, sizeof(ikm), "", okm, sizeof(okm)) == 0 &&
	    memcmp(okm, want, sizeof(okm)) == 0,
	    "hkdf: RFC 5869 test case 3 (no salt, no info)");
	/* openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:HEX_A
	 *   -kdfopt "info:xueji blind index child.id_number" HKDF */
	unhex("54dcf5fa4f633aa7e50234937f198ab66daa99906c5439696acd680b9a938591", want);
	ok(xj_hkdf(k1.blind.k[0].key, XJ_KEY_LEN, "xueji blind index child.id_number", okm, 32) == 0 &&
	    memcmp(okm, want, 32) == 0, "hkdf: info string matches openssl(1)");
	is_int(xj_hkdf(ikm, sizeof(ikm), "x", okm, 0), -1, "hkdf: zero output length refused");
	is_int(xj_hkdf(ikm, 0, "x", okm, 32), -1, "hkdf: empty key refused");
}

int
main(void)
{
	plan_lazy();
	make_keys(&k1, HEX_A, "1 " HEX_A "\n");
	make_keys(&k12, HEX_A, "1 " HEX_A "\n2 " HEX_B "\n");
	make_keys(&k2, HEX_A, "2 " HEX_B "\n");
	make_keys(&k1b, HEX_A, "1 " HEX_B "\n");
	test_round_trip();
	test_refusals();
	test_rotation();
	test_blind();
	test_row_binding();
	test_hkdf();
	xj_keys_clear(&k1);
	xj_keys_clear(&k12);
	xj_keys_clear(&k2);
	xj_keys_clear(&k1b);
	return done_testing();
}
