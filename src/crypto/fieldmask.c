/* fieldmask.c -- decrypt and mask (see fieldmask.h). */
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>

#include "crypto/field.h"
#include "fieldmask.h"

int
xj_field_masked(const struct xj_keys *k, const char *aad, const unsigned char *ct,
    size_t len, int kind, char *out, size_t cap)
{
	/* one byte more than the longest number, so that "longer than the
	 * rules allow" is seen rather than cut (and never written past) */
	char pt[XJ_DOCNO_MAX_BYTES + 1];
	size_t n = 0;
	int rc = -1;

	if (cap > 0)
		out[0] = '\0';
	if (len == 0 || cap == 0)
		return -1;
	if (xj_field_decrypt(k, aad, ct, len, pt, sizeof(pt), &n) != 0 ||
	    n > XJ_DOCNO_MAX_BYTES)
		goto out;
	xj_mask(kind, pt, n, out, cap);
	rc = 0;
out:
	OPENSSL_cleanse(pt, sizeof(pt));
	return rc;
}
