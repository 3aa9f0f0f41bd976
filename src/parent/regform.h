/* regform.h -- the registration form (R-COL-6) as the parent submits it:
 * the field table, and the cross-field rules (R-COL-7, R-REC-10/11) that
 * turn it into a registration record with the child's blind index
 * computed; xj_regform_seal then encrypts every identity and phone number
 * for the row. Shared by create and correct. */
#ifndef XJ_PARENT_REGFORM_H
#define XJ_PARENT_REGFORM_H

#include "core/bind.h"
#include "store/registration.h"

struct xj_req;
struct xj_refdata;

/* Validate the request body into rec (every error into fe); XJ_OK (look at
 * fe->n), or an error that is not the client's (arena, crypto). The
 * district's and school's existence are checked by the caller (a query). */
int	xj_regform_read(struct xj_req *, const struct xj_refdata *, struct xj_reg_rec *rec,
	    char school_code[11], struct xj_ferrs *fe);
/* Encrypt the numbers read by xj_regform_read for the row rec->prereg
 * names (crypto/field.h binds each ciphertext to its row, review L1):
 * after the pre-registration number is drawn (create) or copied (correct).
 * XJ_OK or XJ_E_INTERNAL. */
int	xj_regform_seal(struct xj_reg_rec *rec);

#endif
