/* auditchain.c -- unit tests of the audit chain (src/crypto/auditchain.h,
 * R-ADM-3, review M7): the canonical encoding against a known answer
 * computed independently (Python's hashlib, see below), that every field,
 * NULL-ness, a field boundary, the id and the order change the chain, and
 * that a signed head verifies only unchanged, only under its own key, and
 * under a retired key kept in the ring after a rotation. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/auditchain.h"
#include "tap.h"

/* python3:
 *   def leaf(id, fs): h = sha256(b"xueji-audit-entry-v1\0" + pack(">Q", id));
 *     each f: h.update(b"\0" if f is None else b"\1" + pack(">I", len(f)) + f)
 *   chain = sha256(b"xueji-audit-chain-v1\0" + prev + leaf).digest() */
#define WANT1	"4ac17f7002227d53bec2ff491d47f1a518f36ba3f6154166c61eadec5f89b3af"
#define WANT2	"a12d0603fdbc5b83b22a7a1e1979dbbf06df49b038f591ab3f6147924760046a"

static unsigned char after_digest[32];

static void
set(struct xj_ac_field *f, const char *s)
{
	f->p = s;
	f->len = s ? strlen(s) : 0;
	f->null = s == NULL;
}

static void
entry(struct xj_ac_entry *e, unsigned long long id, const char *req)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	set(&e->f[XJ_AE_AT], "2026-12-06 01:02:03.000004");
	set(&e->f[XJ_AE_REQUEST_ID], req);
	set(&e->f[XJ_AE_ACTOR_TYPE], "parent");
	set(&e->f[XJ_AE_ACTOR_ID], "7");
	set(&e->f[XJ_AE_ACTOR_ROLE], NULL);
	set(&e->f[XJ_AE_ACTOR_ORG_ID], NULL);
	set(&e->f[XJ_AE_ACTION], "registration.create");
	set(&e->f[XJ_AE_TARGET_TYPE], "registration");
	set(&e->f[XJ_AE_TARGET_ID], "2611010512345678");
	set(&e->f[XJ_AE_CLIENT_ADDR], "127.0.0.1");
	set(&e->f[XJ_AE_BEFORE], NULL);
	e->f[XJ_AE_AFTER].p = after_digest;
	e->f[XJ_AE_AFTER].len = 32;
	set(&e->f[XJ_AE_ROW_COUNT], "3");
	set(&e->f[XJ_AE_FILTER], "school=1110500001");
}

static void
hex(const unsigned char *b, char *out)
{
	for (int i = 0; i < XJ_AC_HASH; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static int
differs(const struct xj_ac_entry *a, const struct xj_ac_entry *b)
{
	unsigned char zero[XJ_AC_HASH] = { 0 }, x[XJ_AC_HASH], y[XJ_AC_HASH];

	xj_ac_step(zero, a, x);
	xj_ac_step(zero, b, y);
	return memcmp(x, y, XJ_AC_HASH) != 0;
}

static void *
fresh_key(const char *dir, const char *name, const char *pubname, struct xj_ac_keyring *ring)
{
	char priv[512], pub[512], err[256], pem[4096];
	FILE *f;
	size_t n;
	void *k;

	snprintf(priv, sizeof(priv), "%s/%s.key", dir, name);
	snprintf(pub, sizeof(pub), "%s/%s.pem", dir, pubname);
	if (xj_ac_keygen(priv, pub, err, sizeof(err)) != 1)
		return NULL;
	f = fopen(priv, "r");
	n = fread(pem, 1, sizeof(pem) - 1, f);
	fclose(f);
	pem[n] = '\0';
	k = xj_ac_key_parse(pem, n, err, sizeof(err));
	if (ring) {
		f = fopen(pub, "r");
		n = fread(pem, 1, sizeof(pem) - 1, f);
		fclose(f);
		xj_ac_keyring_free(ring);
		xj_ac_keyring_parse(ring, pem, n, err, sizeof(err));
	}
	return k;
}

int
main(void)
{
	unsigned char zero[XJ_AC_HASH] = { 0 }, c1[XJ_AC_HASH], c2[XJ_AC_HASH], c3[XJ_AC_HASH];
	struct xj_ac_entry a, b;
	struct xj_ac_head h, h2;
	struct xj_ac_keyring ring = { 0 }, other = { 0 };
	char hx[2 * XJ_AC_HASH + 1], dir[] = "/tmp/xj-auditchain-XXXXXX", err[256], path[512];
	void *k1, *k2, *k3;
	struct stat st;

	plan_lazy();
	for (int i = 0; i < 32; i++)
		after_digest[i] = (unsigned char)i;

	/* the encoding */
	entry(&a, 42, "req-1");
	xj_ac_step(zero, &a, c1);
	hex(c1, hx);
	is_str(hx, WANT1, "auditchain: first link matches the independent computation");
	entry(&b, 43, "req-2");
	xj_ac_step(c1, &b, c2);
	hex(c2, hx);
	is_str(hx, WANT2, "auditchain: second link chains on the first");
	xj_ac_step(zero, &b, c3);
	xj_ac_step(c3, &a, c3);
	ok(memcmp(c2, c3, XJ_AC_HASH) != 0, "auditchain: the order of entries changes the chain");
	memcpy(c3, c1, XJ_AC_HASH);
	xj_ac_step(c3, &b, c3);
	ok(memcmp(c2, c3, XJ_AC_HASH) == 0, "auditchain: step may work in place");

	for (int i = 0; i < XJ_AE__COUNT; i++) {
		entry(&b, 42, "req-1");
		if (b.f[i].null)
			set(&b.f[i], "");
		else if (i == XJ_AE_AFTER)
			b.f[i].len = 31;
		else
			b.f[i].len--;
		ok(differs(&a, &b), "auditchain: field %d changed changes the hash", i);
	}
	entry(&b, 42, "req-1");
	set(&b.f[XJ_AE_ACTOR_ROLE], "");
	ok(differs(&a, &b), "auditchain: NULL and empty differ");
	entry(&b, 43, "req-1");
	ok(differs(&a, &b), "auditchain: the id is hashed");
	entry(&a, 42, "ab");
	set(&a.f[XJ_AE_ACTOR_TYPE], "c");
	entry(&b, 42, "a");
	set(&b.f[XJ_AE_ACTOR_TYPE], "bc");
	ok(differs(&a, &b), "auditchain: moving a field boundary changes the hash");

	/* keys and heads */
	if (mkdtemp(dir) == NULL)
		return 1;
	k1 = fresh_key(dir, "one", "verify", &ring);
	ok(k1 != NULL && ring.n == 1, "auditchain: keygen writes a key pair that parses");
	snprintf(path, sizeof(path), "%s/one.key", dir);
	ok(stat(path, &st) == 0 && (st.st_mode & 077) == 0, "auditchain: private key mode 0600");
	is_int(xj_ac_keygen(path, "/dev/null", err, sizeof(err)), 0,
	    "auditchain: keygen keeps an existing key");
	ok(xj_ac_key_parse("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 60,
	    err, sizeof(err)) == NULL, "auditchain: garbage is no key");

	memset(&h, 0, sizeof(h));
	h.seal_id = 3;
	h.last_id = 1234;
	h.entries = 17;
	memcpy(h.chain, c2, XJ_AC_HASH);
	snprintf(h.sealed_at, sizeof(h.sealed_at), "2026-12-06 01:02:03");
	is_int(xj_ac_sign(k1, &h), 0, "auditchain: sign a head");
	is_int((long long)strlen(h.key_id), XJ_AC_KEYID, "auditchain: key id is 16 hex digits");
	is_str(h.key_id, ring.id[0], "auditchain: the head names the signing key");
	is_int(xj_ac_verify(&ring, &h), 1, "auditchain: the head verifies");
#define TAMPER(what, stmt) do { h2 = h; stmt; \
	is_int(xj_ac_verify(&ring, &h2), 0, "auditchain: a changed " what " fails"); } while (0)
	TAMPER("seal id", h2.seal_id++);
	TAMPER("last entry", h2.last_id--);
	TAMPER("entry count", h2.entries++);
	TAMPER("chain", h2.chain[31] ^= 1);
	TAMPER("time", h2.sealed_at[18] = '4');
	TAMPER("signature", h2.sig[0] ^= 0x80);
	h2 = h;
	h2.key_id[0] = h2.key_id[0] == '0' ? '1' : '0';
	is_int(xj_ac_verify(&ring, &h2), -1, "auditchain: an unknown key id is no key");

	/* a forger with another key */
	k2 = fresh_key(dir, "forger", "forger", NULL);
	h2 = h;
	xj_ac_sign(k2, &h2);
	is_int(xj_ac_verify(&ring, &h2), -1, "auditchain: a head by a key not in the ring fails");
	memcpy(h2.key_id, h.key_id, sizeof(h.key_id));
	is_int(xj_ac_verify(&ring, &h2), 0, "auditchain: another key's signature under our id fails");

	/* rotation: the ring holds old and new public keys (keygen appends) */
	xj_ac_keyring_free(&ring);
	k3 = fresh_key(dir, "two", "verify", &ring);
	is_int(ring.n, 2, "auditchain: the verify file keeps every appended key");
	h2 = h;
	xj_ac_sign(k3, &h2);
	ok(strcmp(h2.key_id, h.key_id) != 0, "auditchain: a new key has a new id");
	is_int(xj_ac_verify(&ring, &h), 1, "auditchain: after rotation the old head verifies");
	is_int(xj_ac_verify(&ring, &h2), 1, "auditchain: and the new one");
	ok(xj_ac_keyring_parse(&other, "nothing here", 12, err, sizeof(err)) != 0,
	    "auditchain: a verify file without keys is refused");

	xj_ac_keyring_free(&ring);
	xj_ac_key_free(k1);
	xj_ac_key_free(k2);
	xj_ac_key_free(k3);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
