/* fuzz_keyring.c -- a key ring file's text ("ID HEX" lines, review M11;
 * src/crypto/keys.c xj_keyring_parse): read at every start from files an
 * operator edits by hand during a rotation. Invariants: a ring that parses
 * has 1..XJ_RING_MAX keys, distinct non-zero ids, and its current key is
 * the one of the highest id; a refused ring is left empty. */
#include "config.h"

#include "crypto/keys.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xj_keyring r;
	char *text, err[256];
	unsigned id = 0, max = 0;

	if (size > 4096)
		return 0;
	text = fz_cstr(data, size);
	memset(&r, 0xa5, sizeof(r));
	if (xj_keyring_parse(text, "fuzz", &r, err, sizeof(err)) == 0) {
		FZ_ASSERT(r.n >= 1 && r.n <= XJ_RING_MAX);
		for (int i = 0; i < r.n; i++) {
			FZ_ASSERT(r.k[i].id != 0);
			for (int j = 0; j < i; j++)
				FZ_ASSERT(r.k[i].id != r.k[j].id);
			if (r.k[i].id > max)
				max = r.k[i].id;
			FZ_ASSERT(xj_keyring_get(&r, r.k[i].id) == r.k[i].key);
		}
		FZ_ASSERT(xj_keyring_current(&r, &id) != NULL && id == max);
	} else {
		FZ_ASSERT(r.n == 0 && xj_keyring_current(&r, NULL) == NULL);
		FZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	}
	free(text);
	return 0;
}
