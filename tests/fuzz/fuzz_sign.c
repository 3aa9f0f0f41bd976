/* fuzz_sign.c -- the PSB gateway's header checks (src/crypto/sign.c):
 * X-Timestamp through xj_sign_ts_fresh, X-Nonce through xj_sign_nonce_ok,
 * X-Signature through xj_sign_psb_verify. The input is split at the
 * first two newlines into timestamp, nonce and signature; the rest is
 * the body. A fresh timestamp is 1..12 digits within the window; a good
 * nonce is 16..64 characters of [A-Za-z0-9_-]; a signature verifies only
 * if it is the one xj_sign_psb computes (either case of hex). */
#include "config.h"

#include <ctype.h>

#include "crypto/sign.h"
#include "fuzz.h"

#define NOW	1760000000LL
#define WINDOW	300

static const unsigned char key[32] = "fuzz-psb-key-0123456789abcdefghi";

static const char *
field(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));

	*len = nl ? (size_t)(nl - s) : (size_t)(end - s);
	*p = nl ? nl + 1 : end;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *ts, *nonce, want[XJ_SIGN_HEX_LEN + 1];
	const char *p, *end, *f, *sig, *body;
	size_t tl, nl, sl;
	int fresh, nok, good;

	if (size > 8192)
		return 0;
	buf = fz_copy(data, size);
	p = buf;
	end = buf + size;
	f = field(&p, end, &tl);
	ts = fz_cstr((const uint8_t *)f, tl);
	f = field(&p, end, &nl);
	nonce = fz_copy((const uint8_t *)f, nl);
	sig = field(&p, end, &sl);
	body = p;

	fresh = xj_sign_ts_fresh(ts, NOW, WINDOW);
	FZ_ASSERT(fresh == 0 || fresh == 1);
	if (fresh) {
		long long t = 0;
		size_t n = strlen(ts);
		FZ_ASSERT(n >= 1 && n <= XJ_SIGN_TS_DIGITS);
		for (size_t i = 0; i < n; i++) {
			FZ_ASSERT(ts[i] >= '0' && ts[i] <= '9');
			t = t * 10 + (ts[i] - '0');
		}
		FZ_ASSERT(t >= NOW - WINDOW && t <= NOW + WINDOW);
	}
	/* a hostile clock never makes a timestamp fresh by overflow */
	FZ_ASSERT(xj_sign_ts_fresh(ts, 0x7fffffffffffffffLL, WINDOW) == 0 ||
	    strlen(ts) > 12);

	nok = xj_sign_nonce_ok(nonce, nl);
	FZ_ASSERT(nok == 0 || nok == 1);
	if (nok) {
		FZ_ASSERT(nl >= XJ_SIGN_NONCE_MIN && nl <= XJ_SIGN_NONCE_MAX);
		for (size_t i = 0; i < nl; i++)
			FZ_ASSERT(isalnum((unsigned char)nonce[i]) ||
			    nonce[i] == '_' || nonce[i] == '-');
	}

	/* verify needs C strings without '\n' for ts and nonce */
	if (nok && tl > 0 && memchr(ts, '\0', tl) == NULL) {
		char *nz = fz_cstr((const uint8_t *)nonce, nl);
		good = xj_sign_psb_verify(key, sizeof(key), ts, nz, "POST",
		    "/callback/psb/v1/results", body, (size_t)(end - body), sig, sl);
		FZ_ASSERT(good == 0 || good == 1);
		FZ_ASSERT(xj_sign_psb(key, sizeof(key), ts, nz, "POST",
		    "/callback/psb/v1/results", body, (size_t)(end - body), want) == 0);
		FZ_ASSERT(xj_sign_psb_verify(key, sizeof(key), ts, nz, "POST",
		    "/callback/psb/v1/results", body, (size_t)(end - body), want,
		    XJ_SIGN_HEX_LEN) == 1);
		if (good) {
			FZ_ASSERT(sl == XJ_SIGN_HEX_LEN);
			for (size_t i = 0; i < sl; i++)
				FZ_ASSERT(tolower((unsigned char)sig[i]) == want[i]);
		}
		free(nz);
	}
	free(nonce);
	free(ts);
	free(buf);
	return 0;
}
