/* regview.h -- a registration as the parent reads it (JSON): state in
 * plain words, masked identity and phone numbers, times in Beijing time. */
#ifndef XJ_PARENT_REGVIEW_H
#define XJ_PARENT_REGVIEW_H

#include <yajl/yajl_gen.h>
#include "store/registration.h"

struct xj_req;
struct xj_refdata;

/* The whole registration object. */
void	xj_regview(struct xj_req *, yajl_gen, const struct xj_refdata *,
	    const struct xj_reg_rec *, const char *school_code, const char *school_name);
/* "YYYY-MM-DD HH:MM:SS" UTC from the database as "...+08:00" */
void	xj_regview_time(const char *utc, char out[26]);
/* Decrypt a stored number and mask it: keep the first 6 and last 4. */
void	xj_regview_masked(const unsigned char *ct, size_t len, const char *aad,
	    const char *row, char *out, size_t cap);

#endif
