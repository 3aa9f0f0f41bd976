/* fuzz_mask.c -- the one masking rule (src/domain/mask.c, review H2, L3)
 * over any bytes a decrypted column might hold. The first byte is the
 * kind (a document type code or XJ_MASK_PHONE). Invariants: the output is
 * NUL-terminated inside cap, valid UTF-8, never longer than the input, and
 * a GB 11643 shaped type-1 number shows nothing but its first six digits. */
#include "config.h"

#include "domain/mask.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[XJ_MASK_CAP], small[8];
	char *v;
	size_t n, len, i;

	if (size < 1 || size > 2 * XJ_DOCNO_MAX_BYTES)
		return 0;
	len = size - 1;
	v = fz_copy(data + 1, len);
	memset(out, 'x', sizeof(out));
	n = xj_mask(data[0] == 0xff ? XJ_MASK_PHONE : data[0], v, len, out, sizeof(out));
	FZ_ASSERT(n < sizeof(out) && out[n] == '\0' && strlen(out) == n);
	FZ_ASSERT(n <= len || len == 0);
	for (i = 0; i < n; ) {
		size_t c = xj_utf8_char((const unsigned char *)out + i, n - i);
		FZ_ASSERT(c > 0);
		i += c;
	}
	if (data[0] == '1' && xj_mask_gb11643_shape(v, len)) {
		FZ_ASSERT(n == 18 && memcmp(out, v, 6) == 0);
		for (i = 6; i < 18; i++)
			FZ_ASSERT(out[i] == '*');
	}
	/* a small buffer is never overrun nor cut inside a character */
	n = xj_mask(data[0], v, len, small, sizeof(small));
	FZ_ASSERT(n < sizeof(small) && small[n] == '\0');
	free(v);
	return 0;
}
