/* statuscert.c -- unit tests of the certificate of student status's serial
 * and QR text (src/domain/statuscert.h, R-REC-7) and of its Ed25519
 * signature through the one signing mechanism (src/crypto/auditchain.h):
 * the text round-trips byte for byte, '|' and '%' in a value are escaped
 * and nothing else is, every malformed text is refused with a reason, a
 * changed byte or another key fails the signature. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "crypto/auditchain.h"
#include "domain/statuscert.h"
#include "tap.h"

static void
sample(struct xj_sc *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->serial, "ZM11105000012026000017");
	strcpy(c->issued, "2026-12-06");
	strcpy(c->school_code, "1110500001");
	strcpy(c->school_name, "北京市110105第一小学");
	strcpy(c->name, "王小明");
	strcpy(c->sex, "M");
	strcpy(c->birth_date, "2019-05-01");
	strcpy(c->id_masked, "110105************");
	strcpy(c->student_no, "L110105201905011234");
	strcpy(c->status, "in_school");
	c->entry_year = 2025;
	c->grade = 2;
	strcpy(c->class_code, "2025101");
	strcpy(c->key_id, "0123456789abcdef");
}

static const char want_msg[] =
    "XJSC1|ZM11105000012026000017|2026-12-06|1110500001|北京市110105第一小学|王小明|M|"
    "2019-05-01|110105************|L110105201905011234|in_school|2025|2|2025101|"
    "0123456789abcdef|";

/* a fresh Ed25519 key: private, and a ring holding its public half */
static void *
key(struct xj_ac_keyring *ring)
{
	char dir[] = "/tmp/xj-sc-XXXXXX", priv[64], pub[64], err[256], *pem;
	void *k = NULL;
	FILE *f;
	long n;

	if (mkdtemp(dir) == NULL)
		return NULL;
	snprintf(priv, sizeof(priv), "%s/k", dir);
	snprintf(pub, sizeof(pub), "%s/p", dir);
	if (xj_ac_keygen(priv, pub, err, sizeof(err)) != 1)
		return NULL;
	pem = calloc(1, 8192);
	if ((f = fopen(priv, "r")) != NULL) {
		n = (long)fread(pem, 1, 8191, f);
		fclose(f);
		k = xj_ac_key_parse(pem, (size_t)n, err, sizeof(err));
	}
	memset(pem, 0, 8192);
	if ((f = fopen(pub, "r")) != NULL) {
		n = (long)fread(pem, 1, 8191, f);
		fclose(f);
		if (xj_ac_keyring_parse(ring, pem, (size_t)n, err, sizeof(err)) != 0)
			k = NULL;
	}
	free(pem);
	unlink(priv);
	unlink(pub);
	rmdir(dir);
	return k;
}

static int
parses(const char *text, const char **why)
{
	struct xj_sc c;
	unsigned char sig[XJ_SC_SIG];
	size_t m;

	return xj_sc_parse(text, strlen(text), &c, &m, sig, why) == 0;
}

int
main(void)
{
	struct xj_sc c, d;
	struct xj_ac_keyring ring, other_ring;
	unsigned char sig[XJ_SC_SIG], sig2[XJ_SC_SIG];
	char msg[XJ_SC_TEXT_MAX + 1], text[XJ_SC_TEXT_MAX + 1], t2[XJ_SC_TEXT_MAX + 1];
	char serial[XJ_SC_SERIAL_LEN + 1], again[XJ_SC_TEXT_MAX + 1];
	const char *why = NULL;
	size_t mlen, tlen, m2;
	void *k, *other;

	plan_lazy();

	/* serial */
	ok(xj_sc_serial("1110500001", 2026, 17, serial) == 0 &&
	    strcmp(serial, "ZM11105000012026000017") == 0,
	    "serial: ZM + school code + year + 6-digit sequence");
	ok(xj_sc_serial("1110500001", 2026, 0, serial) != 0 &&
	    xj_sc_serial("1110500001", 2026, 1000000, serial) != 0 &&
	    xj_sc_serial("111050000", 2026, 1, serial) != 0,
	    "serial: sequence 1..999999 and a 10-digit school code only");
	ok(xj_sc_serial_ok("ZM11105000012026000017", 22) &&
	    !xj_sc_serial_ok("ZM11105000012026000000", 22) &&
	    !xj_sc_serial_ok("LQ11105000012026000017", 22) &&
	    !xj_sc_serial_ok("ZM1110500001202600001", 21),
	    "serial_ok: the shape, sequence 0 refused");

	/* encoding */
	sample(&c);
	mlen = xj_sc_message(&c, msg, sizeof(msg));
	is_str(msg, want_msg, "message: the documented field order, '|' after each");
	is_int(mlen, strlen(want_msg), "message: its length");
	strcpy(c.school_name, "A|B%C");
	mlen = xj_sc_message(&c, msg, sizeof(msg));
	ok(strstr(msg, "|A%7CB%25C|") != NULL, "message: '|' and '%%' in a value are %%7C and %%25");
	sample(&c);
	strcpy(c.student_no, "G110105************");
	ok(xj_sc_message(&c, msg, sizeof(msg)) > 0,
	    "message: a G number is certified masked like the identity number (issue 14 review)");
	strcpy(c.student_no, "G11010520190501123X");
	is_int(xj_sc_message(&c, msg, sizeof(msg)), 0,
	    "message: a G number in clear (the identity number) is refused");
	sample(&c);
	strcpy(c.name, "王\n小明");
	is_int(xj_sc_message(&c, msg, sizeof(msg)), 0, "message: a control character is refused");
	sample(&c);
	strcpy(c.name, "\xe7\x8e");
	is_int(xj_sc_message(&c, msg, sizeof(msg)), 0, "message: broken UTF-8 is refused");
	sample(&c);
	strcpy(c.status, "left");
	is_int(xj_sc_message(&c, msg, sizeof(msg)), 0, "message: only in_school and graduated are certified");
	sample(&c);
	strcpy(c.serial, "ZM11105000022026000017");
	is_int(xj_sc_message(&c, msg, sizeof(msg)), 0, "message: the serial names the school");
	sample(&c);
	is_int(xj_sc_message(&c, msg, 50), 0, "message: too small a buffer is refused, not cut");

	/* signature and round trip */
	memset(&ring, 0, sizeof(ring));
	memset(&other_ring, 0, sizeof(other_ring));
	k = key(&ring);
	other = key(&other_ring);
	ok(k != NULL && other != NULL, "two Ed25519 keys");
	if (k == NULL || other == NULL)
		return done_testing();
	sample(&c);
	xj_ac_key_id(k, c.key_id);
	mlen = xj_sc_message(&c, msg, sizeof(msg));
	ok(xj_ac_sign_msg(k, msg, mlen, sig) == 0, "sign the message");
	tlen = xj_sc_text(msg, mlen, sig, text, sizeof(text));
	is_int(tlen, mlen + XJ_SC_SIG_B64, "text: message + 88 base64 characters");
	ok(text[tlen - 1] == '=' && text[tlen - 2] == '=', "text: base64 with its padding");
	ok(xj_sc_parse(text, tlen, &d, &m2, sig2, &why) == 0, "parse the text");
	is_int(m2, mlen, "parse: the signed part is the message");
	ok(memcmp(sig, sig2, XJ_SC_SIG) == 0, "parse: the signature decodes");
	ok(memcmp(&c, &d, sizeof(c)) == 0, "parse: every field as issued");
	ok(xj_sc_message(&d, again, sizeof(again)) == mlen && memcmp(again, text, mlen) == 0,
	    "parse then encode gives the same bytes (one text per certificate)");
	is_int(xj_ac_verify_msg(&ring, d.key_id, text, m2, sig2), 1, "verify: the signature holds");
	snprintf(t2, sizeof(t2), "%s\r\n", text);
	ok(parses(t2, &why), "parse: a scanner's trailing CRLF is ignored");

	/* tampering */
	strcpy(t2, text);
	memcpy(strstr(t2, "|M|"), "|F|", 3);
	ok(xj_sc_parse(t2, tlen, &d, &m2, sig2, &why) == 0 &&
	    xj_ac_verify_msg(&ring, d.key_id, t2, m2, sig2) == 0,
	    "tampered: a changed field parses but does not verify");
	strcpy(t2, text);
	t2[tlen - 5] = t2[tlen - 5] == 'A' ? 'B' : 'A';
	ok(xj_sc_parse(t2, tlen, &d, &m2, sig2, &why) != 0 ||
	    xj_ac_verify_msg(&ring, d.key_id, t2, m2, sig2) == 0,
	    "tampered: a changed signature does not verify");
	is_int(xj_ac_verify_msg(&other_ring, c.key_id, text, mlen, sig), -1,
	    "another key's ring: the key id is unknown");
	/* signed by another key that claims this key's id */
	ok(xj_ac_sign_msg(other, msg, mlen, sig2) == 0 &&
	    xj_ac_verify_msg(&ring, c.key_id, msg, mlen, sig2) == 0,
	    "another key: a signature by another key under this key's id does not verify");

	/* malformed texts are refused with a reason */
	ok(!parses("", &why) && why != NULL, "refused: empty");
	ok(!parses("XJSC2|a", &why), "refused: another magic");
	strcpy(t2, text);
	t2[tlen - 1] = 'A';
	ok(!parses(t2, &why), "refused: base64 without its padding");
	strcpy(t2, text);
	t2[tlen - 3] = 'B';	/* the last group's unused low bits non-zero */
	ok(!parses(t2, &why), "refused: base64 whose unused bits are not zero (one text per signature)");
	snprintf(t2, sizeof(t2), "%.*sX|%s", (int)mlen, text, text + mlen);
	ok(!parses(t2, &why), "refused: one field too many");
	strcpy(t2, text);
	{
		char *p = strstr(t2, "|2025|2|");
		char t3[XJ_SC_TEXT_MAX + 1];
		snprintf(t3, sizeof(t3), "%.*s|2025|02|%s", (int)(p - t2), t2, p + 8);
		ok(!parses(t3, &why), "refused: a number with a leading zero (one text per certificate)");
	}
	{
		char t3[XJ_SC_TEXT_MAX + 1], *p;
		strcpy(t3, text);
		p = strstr(t3, "王小明");
		memcpy(p, "%41", 3);	/* an escape of a character that needs none */
		ok(!parses(t3, &why), "refused: %%XX of a character that is not '|' or '%%'");
		strcpy(t3, text);
		p = strstr(t3, "王小明");
		memcpy(p, "%7", 2);
		p[2] = '\x01';
		ok(!parses(t3, &why), "refused: a control character");
	}
	ok(!parses("XJSC1|||||||||||||||", &why), "refused: empty fields");

	xj_ac_keyring_free(&ring);
	xj_ac_keyring_free(&other_ring);
	xj_ac_key_free(k);
	xj_ac_key_free(other);
	return done_testing();
}
