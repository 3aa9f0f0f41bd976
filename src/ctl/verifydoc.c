/* verifydoc.c -- `xuejictl verify-document`: the offline check of a
 * certificate of student status (R-REC-7, docs/certificates.md), for a
 * school, a bureau or anyone holding the published public key file. It
 * needs no configuration and no database: the QR text (an argument, or
 * stdin) is parsed by domain/statuscert.h's strict parser, its signature
 * checked with crypto/auditchain.h's Ed25519 against the key the text
 * names among those of the PEM file (the current key and every retired
 * one). Exit 0 and the certified facts when the signature holds; 1 and
 * the reason when not. The parser lets no control character through, so
 * what is printed cannot drive the terminal.
 *
 * keygen's document key pair lives here too: doc_sign.key (the workers'
 * secret, [documents] signing_key_file) and doc_verify.pem (public). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/auditchain.h"
#include "ctl/ctl.h"
#include "domain/statuscert.h"

#define PEM_MAX		(64 * 1024)

static int
slurp(FILE *f, char *buf, size_t cap, size_t *len)
{
	size_t n = 0, r;

	while (n < cap && (r = fread(buf + n, 1, cap - n, f)) > 0)
		n += r;
	if (ferror(f))
		return -1;
	*len = n;
	return 0;
}

int
xj_ctl_doc_keygen(const char *dir)
{
	char priv[4096], pub[4096], err[512];
	int rc;

	snprintf(priv, sizeof(priv), "%s/doc_sign.key", dir);
	snprintf(pub, sizeof(pub), "%s/doc_verify.pem", dir);
	if ((rc = xj_ac_keygen(priv, pub, err, sizeof(err))) < 0) {
		fprintf(stderr, "keygen: %s\n", err);
		return 1;
	}
	printf("%s %s\n", rc ? "wrote" : "kept", priv);
	if (rc)
		printf("appended its public key to %s (publish it: docs/certificates.md)\n", pub);
	return 0;
}

static void
show(const struct xj_sc *c)
{
	printf("serial: %s\n", c->serial);
	printf("issued_on: %s\n", c->issued);
	printf("school: %s (%s)\n", c->school_name, c->school_code);
	printf("name: %s\n", c->name);
	printf("sex: %s\n", c->sex[0] == 'M' ? "男 (M)" : "女 (F)");
	printf("birth_date: %s\n", c->birth_date);
	printf("id_number_masked: %s\n", c->id_masked[0] ? c->id_masked : "-");
	printf("student_no: %s\n", c->student_no);
	printf("status: %s (%s)\n", c->status, xj_sc_status_zh(c->status));
	printf("entry_year: %d\n", c->entry_year);
	if (c->grade > 0)
		printf("grade: %d\n", c->grade);
	if (c->class_code[0])
		printf("class_code: %s\n", c->class_code);
	printf("key_id: %s\n", c->key_id);
}

int
xj_ctl_verify_document(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	struct xj_ac_keyring ring;
	struct xj_sc c;
	unsigned char sig[XJ_SC_SIG];
	const char *keyfile = NULL, *why = "";
	char *pem = NULL, *text = NULL, err[256];
	size_t pemlen = 0, len = 0, mlen = 0;
	FILE *f;
	int ch, vr, rc = 1;

	(void)x;
	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'K': keyfile = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (keyfile == NULL || argc - optind > 1)
		return xj_ctl_usage(argv[0]);
	if ((pem = malloc(PEM_MAX)) == NULL || (text = malloc(XJ_SC_TEXT_MAX + 4)) == NULL) {
		fprintf(stderr, "verify-document: out of memory\n");
		goto out;
	}
	if ((f = fopen(keyfile, "r")) == NULL) {
		fprintf(stderr, "verify-document: cannot read %s\n", keyfile);
		goto out;
	}
	vr = slurp(f, pem, PEM_MAX, &pemlen);
	fclose(f);
	if (vr != 0 || xj_ac_keyring_parse(&ring, pem, pemlen, err, sizeof(err)) != 0) {
		fprintf(stderr, "verify-document: %s: %s\n", keyfile, vr ? "read error" : err);
		goto out;
	}
	if (optind < argc) {
		len = strlen(argv[optind]);
		if (len > XJ_SC_TEXT_MAX + 3)
			len = XJ_SC_TEXT_MAX + 3;	/* too long still: the parser says so */
		memcpy(text, argv[optind], len);
	} else if (slurp(stdin, text, XJ_SC_TEXT_MAX + 3, &len) != 0) {
		fprintf(stderr, "verify-document: cannot read stdin\n");
		goto ring;
	}
	if (xj_sc_parse(text, len, &c, &mlen, sig, &why) != 0) {
		printf("verify-document: FAILED: not a certificate's text: %s\n", why);
		goto ring;
	}
	vr = xj_ac_verify_msg(&ring, c.key_id, text, mlen, sig);
	if (vr < 0)
		printf("verify-document: FAILED: signed by key %s, which is not in %s\n",
		    c.key_id, keyfile);
	else if (vr == 0)
		printf("verify-document: FAILED: the signature does not hold (the text was "
		    "altered, or not signed by this deployment)\n");
	else {
		printf("verify-document: ok: a certificate of student status signed by key %s\n",
		    c.key_id);
		show(&c);
		rc = 0;
	}
ring:
	xj_ac_keyring_free(&ring);
out:
	free(pem);
	free(text);
	return rc;
}
