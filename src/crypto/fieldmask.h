/* fieldmask.h -- a stored (encrypted) number as an answer shows it:
 * decrypted into a buffer that holds the longest value the rules allow
 * and one byte more (L4), masked by the one rule of domain/mask.h, the
 * plaintext wiped. Every view that shows an identity, document or phone
 * number goes through here or, for a value already in the clear in
 * memory, through xj_mask itself. */
#ifndef XJ_FIELDMASK_H
#define XJ_FIELDMASK_H

#include <stddef.h>

#include "crypto/keys.h"
#include "domain/mask.h"

/* The masked value of ct (len bytes, encrypted under aad for row, review
 * L1: crypto/field.h) into out (cap
 * bytes; XJ_MASK_CAP holds any). kind as for xj_mask. 0, or -1 with out ""
 * when len is 0, the value does not decrypt or is longer than any number
 * the rules accept (never cut: a value that long is not shown at all). */
int	xj_field_masked(const struct xj_keys *, const char *aad, const char *row,
	    const unsigned char *ct,
	    size_t len, int kind, char *out, size_t cap);

struct xj_arena;
struct xj_json;
struct xj_json_limits;

/* A JSON document kept encrypted under aad (ct, ctlen), or in clear
 * (clear, clearlen) when ctlen is 0 -- a row written before its column
 * was encrypted -- parsed into *out with the string members named by
 * paths ("object.member", NULL-terminated) masked as document numbers
 * (M9: the five-certificate filing). XJ_OK, XJ_E_TOO_COMPLEX (arena or
 * limits), or XJ_E_INTERNAL when it does not decrypt or parse. */
int	xj_field_json_masked(const struct xj_keys *, const char *aad, const char *row,
	    const unsigned char *ct, size_t ctlen, const char *clear, size_t clearlen,
	    struct xj_arena *, const struct xj_json_limits *, const char *const *paths,
	    struct xj_json **out);

#endif
