/* routes.c -- the parent portal's route table (/api/parent/v1/). Body
 * limits are per route: a registration is the largest form. */
#include "config.h"

#include <stddef.h>

#include "core/conf.h"
#include "parent.h"

const struct xj_conf *xj_parent_conf;

void
xj_parent_setup(const struct xj_conf *c)
{
	xj_parent_conf = c;
}

const struct xj_route xj_parent_routes[] = {
	/* issue 10 (A): phone ownership by SMS code */
	{ XJ_M_POST, "/api/parent/v1/sms-codes", XJ_ROLE_SIGNIN, 1024, xj_parent_sms_code },
	{ XJ_M_POST, "/api/parent/v1/password-reset", XJ_ROLE_SIGNIN, 1024, xj_parent_password_reset },
	{ XJ_M_POST, "/api/parent/v1/accounts", XJ_ROLE_SIGNIN, 1024, xj_parent_signup },
	{ XJ_M_POST, "/api/parent/v1/session", XJ_ROLE_SIGNIN, 1024, xj_parent_login },
	{ XJ_M_GET, "/api/parent/v1/session", XJ_ROLE_PARENT, 0, xj_parent_whoami },
	{ XJ_M_DELETE, "/api/parent/v1/session", XJ_ROLE_PARENT, 0, xj_parent_logout },
	{ XJ_M_PUT, "/api/parent/v1/account/password", XJ_ROLE_PARENT, 1024, xj_parent_password },
	{ XJ_M_DELETE, "/api/parent/v1/account", XJ_ROLE_PARENT, 0, xj_parent_account_delete },
	{ XJ_M_POST, "/api/parent/v1/registrations", XJ_ROLE_PARENT_CONFIRM, 16384, xj_parent_reg_create },
	{ XJ_M_GET, "/api/parent/v1/registrations", XJ_ROLE_PARENT, 0, xj_parent_reg_list },
	{ XJ_M_GET, "/api/parent/v1/registrations/{no}", XJ_ROLE_PARENT, 0, xj_parent_reg_get },
	{ XJ_M_GET, "/api/parent/v1/registrations/{no}/form", XJ_ROLE_PARENT, 0, xj_parent_reg_form },
	/* issue 14 (webparent): the admission notice the family opens, notice.c */
	{ XJ_M_GET, "/api/parent/v1/registrations/{no}/notice", XJ_ROLE_PARENT, 0, xj_parent_reg_notice },
	{ XJ_M_PUT, "/api/parent/v1/registrations/{no}", XJ_ROLE_PARENT, 16384, xj_parent_reg_correct },
	{ XJ_M_POST, "/api/parent/v1/registrations/{no}/cancel", XJ_ROLE_PARENT, 0, xj_parent_reg_cancel },
	{ XJ_M_GET, "/api/parent/v1/registrations/{no}/status", XJ_ROLE_PARENT_CONFIRM, 0, xj_parent_reg_status },
	{ XJ_M_POST, "/api/parent/v1/registrations/{no}/district-change", XJ_ROLE_PARENT, 1024, xj_parent_change_request },
	{ XJ_M_GET, "/api/parent/v1/registrations/{no}/district-change", XJ_ROLE_PARENT, 0, xj_parent_change_list },
	/* issue 11 (wf): R-MOV-7, changes.c */
	{ XJ_M_GET, "/api/parent/v1/registrations/{no}/record-changes", XJ_ROLE_PARENT, 0, xj_parent_record_changes },
	{ XJ_M_POST, "/api/parent/v1/registrations/{no}/certificates", XJ_ROLE_PARENT, 16384, xj_parent_certs_submit },
	{ XJ_M_GET, "/api/parent/v1/registrations/{no}/certificates", XJ_ROLE_PARENT, 0, xj_parent_certs_get },
	XJ_ROUTE_END
};
