/* fuzz_contact.c -- the normalisers and checks of a person's name and a
 * mobile number (src/domain/contact.c), which every registration and
 * sign-up runs on what parents type. The first byte picks name or phone.
 * Invariants: the normalised value is never longer than the input; a
 * value that passes its check passes again after a second normalisation
 * unchanged (normalising is idempotent on valid values). */
#include "config.h"

#include "core/err.h"
#include "core/str.h"
#include "domain/contact.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *out, *again;
	size_t n, m;

	if (size < 1 || size > 4096)
		return 0;
	in = fz_copy(data + 1, size - 1);
	out = malloc(size);
	again = malloc(size);
	if (out == NULL || again == NULL)
		abort();
	if (data[0] & 1) {
		n = xj_mobile_normalize(in, size - 1, out);
		FZ_ASSERT(n <= size - 1);
		fz_touch(out, n);
		if (xj_mobile_check((struct xj_str){ n, out }) == XJ_OK) {
			FZ_ASSERT(n == 11);
			m = xj_mobile_normalize(out, n, again);
			FZ_ASSERT(m == n && memcmp(out, again, n) == 0);
		}
	} else {
		n = xj_person_name_normalize(in, size - 1, out);
		FZ_ASSERT(n <= size - 1);
		fz_touch(out, n);
		if (xj_person_name_check((struct xj_str){ n, out }) == XJ_OK) {
			m = xj_person_name_normalize(out, n, again);
			FZ_ASSERT(m == n && memcmp(out, again, n) == 0);
		}
	}
	free(in);
	free(out);
	free(again);
	return 0;
}
