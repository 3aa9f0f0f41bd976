/* audit.c -- the tamper-evident audit trail's two halves (R-ADM-3,
 * docs/security.md "Audit trail"): the sealer, a job of the jobs runner
 * (`audit-seal`), and `xuejictl audit verify`.
 *
 * The sealer chains entries in id order, in batches, without touching the
 * write path: workers keep inserting while it reads committed rows, and
 * only sealers lock the last head. It seals only entries older than
 * [audit] seal_after, stopping at the first younger one, because an id is
 * taken when a row is inserted, not when it commits: below the newest
 * committed id there may be a transaction still open (or one rolled back,
 * leaving a gap forever). Waiting seal_after, longer than any transaction
 * stays open, means every id below the head that will ever commit has
 * committed; a row that appears there later was put there by hand, and
 * verify names it. Each batch gets one head, signed with the Ed25519 key
 * of [audit] signing_key_file, which only this job reads.
 *
 * verify walks every head and every entry and chain row up to the last
 * head, in id order, and stops at the first thing that does not hold. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/auditchain.h"
#include "ctl/ctl.h"
#include "db/tx.h"
#include "store/auditseal.h"

#define SECRET_MAX	4096
#define PAGE		1000
#define HEADS		256

static void
hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static int
read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *b = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return -1;
	do {
		if (n == cap) {
			char *nb = cap < (1 << 20) ? realloc(b, cap ? cap * 2 : 4096) : NULL;
			if (nb == NULL) {
				free(b);
				fclose(f);
				return -1;
			}
			b = nb;
			cap = cap ? cap * 2 : 4096;
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*out = b;
	*len = n;
	return 0;
}

/* ---- the sealer ---------------------------------------------------------- */

struct seal {
	const struct xj_conf	*conf;
	void			*key;
	struct xj_ac_keyring	 ring;		/* to check the head it extends */
	struct xj_audit_row	*rows;
	struct xj_ac_head	 head;
	unsigned long long	 refused;	/* a head that does not verify */
	long			 done;
};

/* One batch in one transaction: re-runnable (xj_tx_run) */
static int
seal_tx(struct xj_db *db, void *arg)
{
	struct seal *s = arg;
	struct xj_ac_head *h = &s->head;
	unsigned long long seal, last;
	char now[20];
	int rc, n, k;

	s->done = 0;
	s->refused = 0;
	memset(h, 0, sizeof(*h));	/* no head yet: the chain starts at zeros */
	rc = xj_auditseal_last(db, h);
	if (rc != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	/* never extend a head this key ring cannot verify (one the
	 * application user appended without the key): sealing stops, loudly,
	 * until the owner removes it, instead of building on it */
	if (rc == XJ_OK && xj_ac_verify(&s->ring, h) != 1) {
		s->refused = h->seal_id;
		return XJ_E_INTERNAL;
	}
	seal = h->seal_id;
	last = h->last_id;
	if ((rc = xj_auditseal_pending(db, last, s->conf->audit_seal_after,
	    s->conf->audit_seal_batch, s->rows, &n, now)) != XJ_OK)
		return rc;
	for (k = 0; k < n && s->rows[k].settled; k++) {
		struct xj_ac_entry e;
		xj_audit_row_entry(&s->rows[k], &e);
		xj_ac_step(h->chain, &e, h->chain);
		if ((rc = xj_auditseal_chain(db, e.id, seal + 1, h->chain)) != XJ_OK)
			return rc;
	}
	if (k == 0)
		return XJ_OK;
	h->seal_id = seal + 1;
	h->last_id = s->rows[k - 1].id;
	h->entries = (unsigned long long)k;
	snprintf(h->sealed_at, sizeof(h->sealed_at), "%s", now);
	if (xj_ac_sign(s->key, h) != 0)
		return XJ_E_INTERNAL;
	if ((rc = xj_auditseal_head(db, h)) != XJ_OK)
		return rc;
	s->done = k;
	return XJ_OK;
}

/* The public keys the sealer checks the last head with: [audit]
 * verify_key_file's, and its own key's (the ring then holds `own` keys it
 * must not free). 0 or -1 with err. */
static int
seal_ring(struct seal *s, int *own, char *err, size_t errlen)
{
	char *pem = NULL, id[XJ_AC_KEYID + 1];
	size_t len;
	int rc;

	*own = 0;
	memset(&s->ring, 0, sizeof(s->ring));
	if (s->conf->audit_verify_key_file[0]) {
		if (read_file(s->conf->audit_verify_key_file, &pem, &len) != 0) {
			snprintf(err, errlen, "cannot read %s", s->conf->audit_verify_key_file);
			return -1;
		}
		rc = xj_ac_keyring_parse(&s->ring, pem, len, err, errlen);
		free(pem);
		if (rc != 0)
			return -1;
	}
	if (xj_ac_key_id(s->key, id) != 0) {
		snprintf(err, errlen, "signing key has no public key");
		return -1;
	}
	for (int i = 0; i < s->ring.n; i++)
		if (strcmp(s->ring.id[i], id) == 0)
			return 0;
	if (s->ring.n == XJ_AC_MAX_KEYS) {
		snprintf(err, errlen, "too many keys in %s", s->conf->audit_verify_key_file);
		return -1;
	}
	memcpy(s->ring.id[s->ring.n], id, sizeof(id));
	s->ring.pkey[s->ring.n++] = s->key;	/* a private key verifies too */
	*own = 1;
	return 0;
}

int
xj_ctl_audit_seal_batch(struct xj_ctl *x, long *done)
{
	char pem[SECRET_MAX], err[512], chain[2 * XJ_AC_HASH + 1];
	struct seal s;
	int rc, own = 0;

	*done = 0;
	memset(&s, 0, sizeof(s));
	s.conf = &x->conf;
	if (x->conf.audit_signing_key_file[0] == '\0') {
		xj_log(XJ_LOG_WARN, "audit_seal_no_key", "%s", "hint",
		    "set [audit] signing_key_file (xuejictl keygen writes audit_sign.key)");
		return XJ_E_INTERNAL;
	}
	/* read at every batch, not kept: a batch a minute costs nothing, and
	 * a rotated key is used without a restart */
	if (xj_conf_read_secret(x->conf.audit_signing_key_file, pem, sizeof(pem), err,
	    sizeof(err)) != 0 ||
	    (s.key = xj_ac_key_parse(pem, strlen(pem), err, sizeof(err))) == NULL) {
		OPENSSL_cleanse(pem, sizeof(pem));
		xj_log(XJ_LOG_WARN, "audit_seal_key_error", "%s", "reason", err);
		return XJ_E_INTERNAL;
	}
	OPENSSL_cleanse(pem, sizeof(pem));
	if (seal_ring(&s, &own, err, sizeof(err)) != 0) {
		xj_log(XJ_LOG_WARN, "audit_seal_key_error", "%s", "reason", err);
		rc = XJ_E_INTERNAL;
		goto out;
	}
	if ((s.rows = calloc((size_t)x->conf.audit_seal_batch, sizeof(*s.rows))) == NULL) {
		rc = XJ_E_INTERNAL;
		goto out;
	}
	rc = xj_tx_run(&x->db, seal_tx, &s);
	if (rc == XJ_E_CONFLICT)	/* another runner sealed this batch */
		rc = XJ_OK;
	else if (s.refused)
		xj_log(XJ_LOG_ERROR, "audit_seal_refused", "%lld%s", "seal",
		    (long long)s.refused, "reason",
		    "the last head does not verify: run xuejictl audit verify");
	else if (rc == XJ_OK && s.done > 0) {
		/* the head in the log too: a copy outside the database, against
		 * which a removal of the newest seals shows */
		hex(s.head.chain, XJ_AC_HASH, chain);
		xj_log(XJ_LOG_INFO, "audit_sealed", "%lld%lld%lld%s%s", "seal",
		    (long long)s.head.seal_id, "last_entry", (long long)s.head.last_id,
		    "entries", (long long)s.head.entries, "chain", chain, "key_id",
		    s.head.key_id);
		*done = s.done;
	}
out:
	free(s.rows);
	s.ring.n -= own;	/* the signing key is freed below, once */
	xj_ac_keyring_free(&s.ring);
	xj_ac_key_free(s.key);
	return rc;
}

/* xuejictl keygen's audit key pair (a new one only when none is there):
 * rotation is a new pair in another directory, its public key appended to
 * the verify file (docs/operations.md "Audit seals"). */
int
xj_ctl_audit_keygen(const char *dir)
{
	char priv[4096], pub[4096], err[512];
	int rc;

	snprintf(priv, sizeof(priv), "%s/audit_sign.key", dir);
	snprintf(pub, sizeof(pub), "%s/audit_verify.pem", dir);
	if ((rc = xj_ac_keygen(priv, pub, err, sizeof(err))) < 0) {
		fprintf(stderr, "keygen: %s\n", err);
		return 1;
	}
	printf("%s %s\n", rc ? "wrote" : "kept", priv);
	if (rc)
		printf("appended its public key to %s\n", pub);
	return 0;
}

/* ---- verify ------------------------------------------------------------ */

struct verify {
	struct xj_db		*db;
	const struct xj_ac_keyring *ring;
	struct xj_audit_row	*rows;
	struct xj_ac_head	 heads[HEADS];
	unsigned char		 chain[XJ_AC_HASH];
	unsigned long long	 seals, entries, last_seal, last_id;
};

static int
bad(unsigned long long entry, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(unsigned long long entry, const char *fmt, ...)
{
	va_list ap;

	printf("audit verify: FAILED at entry %llu: ", entry);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return 1;
}

static int
dberr(struct verify *v)
{
	fprintf(stderr, "audit verify: MariaDB error %u\n", v->db->err);
	return 1;
}

/* The entries of head h, after the previous head's. 0 ok, else reported. */
static int
verify_seal(struct verify *v, const struct xj_ac_head *h)
{
	unsigned long long after = v->last_id, count = 0;
	unsigned char next[XJ_AC_HASH];
	char hx[2 * XJ_AC_HASH + 1];
	int n, vr;

	if (h->seal_id != v->last_seal + 1)
		return bad(v->last_id + 1, "seal %llu follows seal %llu: seals %llu to %llu were removed",
		    h->seal_id, v->last_seal, v->last_seal + 1, h->seal_id - 1);
	if ((vr = xj_ac_verify(v->ring, h)) < 0)
		return bad(v->last_id + 1, "seal %llu is signed by key %s, which is not in "
		    "[audit] verify_key_file", h->seal_id, h->key_id);
	if (vr == 0)
		return bad(v->last_id + 1, "seal %llu: its signature does not verify "
		    "(the head was altered or forged)", h->seal_id);
	if (h->last_id <= v->last_id)
		return bad(v->last_id + 1, "seal %llu ends at entry %llu, not after seal %llu's %llu",
		    h->seal_id, h->last_id, v->last_seal, v->last_id);
	do {
		if (xj_auditseal_walk(v->db, after, h->last_id, PAGE, v->rows, &n) != XJ_OK)
			return dberr(v);
		for (int i = 0; i < n; i++) {
			const struct xj_audit_row *r = &v->rows[i];
			struct xj_ac_entry e;
			if (!r->present)
				return bad(r->id, "removed (it was sealed by seal %llu)", r->seal_id);
			if (!r->chained)
				return bad(r->id, "inserted below seal %llu after it was sealed "
				    "(by hand, or by a transaction open longer than [audit] seal_after)",
				    h->seal_id);
			if (r->seal_id != h->seal_id)
				return bad(r->id, "its chain row names seal %llu, but it lies in seal %llu",
				    r->seal_id, h->seal_id);
			xj_audit_row_entry(r, &e);
			xj_ac_step(v->chain, &e, next);
			if (memcmp(next, r->hash, XJ_AC_HASH) != 0)
				return bad(r->id, "altered: it no longer hashes to its sealed chain value "
				    "(or the entry before it was removed with its chain row)");
			memcpy(v->chain, next, XJ_AC_HASH);
			count++;
			after = r->id;
		}
	} while (n == PAGE);
	if (count != h->entries || memcmp(v->chain, h->chain, XJ_AC_HASH) != 0) {
		hex(h->chain, XJ_AC_HASH, hx);
		return bad(v->last_id + 1, "seal %llu: entries %llu to %llu (%llu found, %llu sealed) "
		    "do not hash to the signed head %s: entries were removed with their chain rows, "
		    "or the chain rows were rewritten", h->seal_id, v->last_id + 1, h->last_id,
		    count, h->entries, hx);
	}
	v->last_seal = h->seal_id;
	v->last_id = h->last_id;
	v->seals++;
	v->entries += count;
	return 0;
}

static int
verify(struct xj_ctl *x, const struct xj_ac_keyring *ring, long max_unsealed)
{
	struct verify *v;
	unsigned long long unsealed, stray;
	long long oldest;
	char hx[2 * XJ_AC_HASH + 1], st[32];
	int n, rc = 1;

	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (v->rows = calloc(PAGE, sizeof(*v->rows))) == NULL) {
		free(v);
		fprintf(stderr, "audit verify: out of memory\n");
		return 1;
	}
	v->db = &x->db;
	v->ring = ring;
	do {
		if (xj_auditseal_heads(v->db, v->last_seal, HEADS, v->heads, &n) != XJ_OK) {
			dberr(v);
			goto out;
		}
		for (int i = 0; i < n; i++)
			if (verify_seal(v, &v->heads[i]) != 0)
				goto out;
	} while (n == HEADS);
	if (xj_auditseal_unsealed(v->db, v->last_id, &unsealed, &oldest, &stray) != XJ_OK) {
		dberr(v);
		goto out;
	}
	if (stray > 0) {
		bad(v->last_id + 1, "%llu chain rows lie beyond the last seal %llu (forged, or "
		    "the newest seals were removed)", stray, v->last_seal);
		goto out;
	}
	hex(v->chain, XJ_AC_HASH, hx);
	printf("audit verify: ok: %llu seals, %llu entries sealed up to entry %llu, "
	    "last seal %llu chain %s; %llu entries not sealed yet", v->seals, v->entries,
	    v->last_id, v->last_seal, hx, unsealed);
	if (unsealed > 0)
		printf(" (the oldest %llds old)", oldest);
	printf("\n");
	if (xj_auditseal_secure_timestamp(v->db, st, sizeof(st)) == XJ_OK &&
	    strcmp(st, "YES") != 0 && strcmp(st, "REPLICATION") != 0)
		printf("audit verify: warning: MariaDB runs with secure_timestamp=%s: a session "
		    "can set its clock and back-date the entries it writes\n", st);
	if (max_unsealed >= 0 && unsealed > 0 && oldest > max_unsealed) {
		printf("audit verify: FAILED: entries older than %ld s are not sealed (is the "
		    "audit-seal job running? were the newest seals removed?)\n", max_unsealed);
		goto out;
	}
	rc = 0;
out:
	free(v->rows);
	free(v);
	return rc;
}

int
xj_ctl_audit(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-unsealed-age", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 }
	};
	struct xj_ac_keyring ring;
	char err[256], *pem;
	size_t len;
	long max_unsealed = -1;
	int ch, rc;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'M':
			if (xj_ctl_int(argv[0], "--max-unsealed-age", optarg, 0, 100000000,
			    &max_unsealed) != 0)
				return 2;
			break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind + 1 != argc || strcmp(argv[optind], "verify") != 0)
		return xj_ctl_usage(argv[0]);
	if (x->conf.audit_verify_key_file[0] == '\0') {
		fprintf(stderr, "audit verify: set [audit] verify_key_file (the public keys)\n");
		return 1;
	}
	if (read_file(x->conf.audit_verify_key_file, &pem, &len) != 0) {
		fprintf(stderr, "audit verify: cannot read %s\n", x->conf.audit_verify_key_file);
		return 1;
	}
	rc = xj_ac_keyring_parse(&ring, pem, len, err, sizeof(err));
	free(pem);
	if (rc != 0) {
		fprintf(stderr, "audit verify: %s: %s\n", x->conf.audit_verify_key_file, err);
		return 1;
	}
	rc = verify(x, &ring, max_unsealed);
	xj_ac_keyring_free(&ring);
	return rc;
}
