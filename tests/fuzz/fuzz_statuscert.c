/* fuzz_statuscert.c -- the QR text of a certificate of student status
 * (src/domain/statuscert.h), the input `xuejictl verify-document` reads
 * from anyone: xj_sc_parse on any bytes, then the signature check
 * (crypto/auditchain.h) under a fixed test key. For every input: parse
 * answers 0 or -1; a text it accepts has valid fields, holds no control
 * character, and is exactly the text xj_sc_message + xj_sc_text write
 * for what it parsed (one text per certificate, so a verifier never sees
 * two spellings of one signature); verification answers 1, 0 or -1
 * (unknown key) and a signature made by the test key verifies. */
#include "config.h"

#include "crypto/auditchain.h"
#include "domain/statuscert.h"
#include "fuzz.h"

/* a test key, nothing else signs with it */
static const char pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIM/czRo9D57t5DouWZA2XWGdNf6YzcqzMv+V7A5ama8W\n"
    "-----END PRIVATE KEY-----\n";

static void *key;
static struct xj_ac_keyring ring;

static void
setup(void)
{
	char err[256];

	if (key != NULL)
		return;
	key = xj_ac_key_parse(pem, sizeof(pem) - 1, err, sizeof(err));
	FZ_ASSERT(key != NULL);
	ring.n = 1;
	FZ_ASSERT(xj_ac_key_id(key, ring.id[0]) == 0);
	ring.pkey[0] = key;	/* a private key verifies too */
}

static void
no_control(const char *s)
{
	for (; *s; s++)
		FZ_ASSERT((unsigned char)*s >= 0x20 && *s != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, msg[XJ_SC_TEXT_MAX + 1], out[XJ_SC_TEXT_MAX + 1];
	unsigned char sig[XJ_SC_SIG], sig2[XJ_SC_SIG];
	struct xj_sc c;
	const char *why = NULL;
	size_t mlen = 0, n, len;
	int rc, vr;

	if (size > 2 * XJ_SC_TEXT_MAX)
		return 0;
	setup();
	text = fz_copy(data, size);
	rc = xj_sc_parse(text, size, &c, &mlen, sig, &why);
	FZ_ASSERT(rc == 0 || rc == -1);
	if (rc != 0) {
		FZ_ASSERT(why != NULL);
		free(text);
		return 0;
	}
	len = size;
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len > 0 && text[len - 1] == '\r')
		len--;
	FZ_ASSERT(mlen < len && len == mlen + XJ_SC_SIG_B64);
	FZ_ASSERT(xj_sc_valid(&c));
	no_control(c.school_name);
	no_control(c.name);
	no_control(c.id_masked);
	/* canonical: what we would write for these facts and this signature */
	n = xj_sc_message(&c, msg, sizeof(msg));
	FZ_ASSERT(n == mlen && memcmp(msg, text, mlen) == 0);
	n = xj_sc_text(msg, mlen, sig, out, sizeof(out));
	FZ_ASSERT(n == len && memcmp(out, text, len) == 0);

	vr = xj_ac_verify_msg(&ring, c.key_id, text, mlen, sig);
	FZ_ASSERT(vr == 1 || vr == 0 || vr == -1);
	FZ_ASSERT(vr != -1 || strcmp(c.key_id, ring.id[0]) != 0);
	/* what the test key signs verifies, under its id only */
	FZ_ASSERT(xj_ac_sign_msg(key, msg, mlen, sig2) == 0);
	FZ_ASSERT(xj_ac_verify_msg(&ring, ring.id[0], msg, mlen, sig2) == 1);
	free(text);
	return 0;
}
