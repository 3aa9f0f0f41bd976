/* parent.h -- the parent portal, /api/parent/v1/ (R-COL-1..9). */
#ifndef XJ_PARENT_H
#define XJ_PARENT_H

#include <stddef.h>

#include "core/router.h"
#include "core/str.h"
#include "crypto/field.h"

extern const struct xj_route xj_parent_routes[];

struct xj_conf;
void	xj_parent_setup(const struct xj_conf *);

struct xj_req;

/* A mobile number normalised (bare digits), its blind index and, when
 * asked for, its ciphertext. */
struct xj_parent_phone {
	char		 digits[24];
	size_t		 len;
	unsigned char	 bidx[XJ_BLIND_LEN];
	unsigned char	 ct[XJ_FIELD_CT_LEN(24)];
	size_t		 ct_len;
};
/* XJ_OK; a field code (mobile_number_format); XJ_E_INTERNAL. */
int	xj_parent_phone_prepare(struct xj_str in, struct xj_parent_phone *, int encrypt);

/* account.c */
int	xj_parent_signup(struct xj_req *);
int	xj_parent_password_reset(struct xj_req *);
int	xj_parent_login(struct xj_req *);
int	xj_parent_logout(struct xj_req *);
int	xj_parent_whoami(struct xj_req *);
int	xj_parent_password(struct xj_req *);
int	xj_parent_account_delete(struct xj_req *);
/* smscode.c (issue 10, A): codes proving a phone's owner */
int	xj_parent_sms_code(struct xj_req *);
/* Check the code of purpose for the phone, counting one try (its own
 * transaction): XJ_OK with mac = the code's MAC (for xj_code_take in the
 * transaction that acts on it); XJ_E_F_SMS_CODE; or an error. */
/* The MAC a code of purpose for the phone is stored as: XJ_OK or
 * XJ_E_INTERNAL. */
int	xj_parent_code_mac(const char *purpose, const struct xj_parent_phone *,
	    struct xj_str code, unsigned char mac[32]);
int	xj_parent_code_check(struct xj_req *, const char *purpose,
	    const struct xj_parent_phone *, struct xj_str code, unsigned char mac[32]);
/* registration.c */
int	xj_parent_reg_create(struct xj_req *);
int	xj_parent_reg_list(struct xj_req *);
int	xj_parent_reg_get(struct xj_req *);
/* lifecycle.c, status.c */
int	xj_parent_reg_correct(struct xj_req *);
int	xj_parent_reg_cancel(struct xj_req *);
int	xj_parent_change_request(struct xj_req *);
int	xj_parent_change_list(struct xj_req *);
/* changes.c: the record's workflow cases in words (R-MOV-7, issue 11) */
int	xj_parent_record_changes(struct xj_req *);
int	xj_parent_reg_status(struct xj_req *);
/* Load the caller's own registration named by the {no} path parameter:
 * XJ_OK; or a 422 already sent for a mistyped number (r->responded), or
 * XJ_E_NOT_FOUND for a number that is not theirs. */
struct xj_reg_rec;
int	xj_parent_reg_load(struct xj_req *, struct xj_reg_rec *);
/* Parse the {no} path parameter: XJ_OK, or a 422 sent (r->responded). */
struct xj_prereg;
int	xj_parent_prereg_param(struct xj_req *, struct xj_prereg *);
/* form.c */
int	xj_parent_reg_form(struct xj_req *);
int	xj_parent_reg_notice(struct xj_req *);
/* certificates.c */
int	xj_parent_certs_submit(struct xj_req *);
int	xj_parent_certs_get(struct xj_req *);

#endif
