/* notice.c -- the admission notice as the family opens it (R-ADM-1):
 *   GET /api/parent/v1/registrations/{no}/notice
 *        200 text/html | 404 | 409 notice_not_issued | 422 (mistyped number)
 * The school issues the notice once its county approved the child
 * (school/notice.c); from then on the family opens and prints the same
 * page the school prints (one renderer, xj_notice_page). Only the
 * family's own registration (another's answers 404 like one that does not
 * exist); before the notice is issued 409 notice_not_issued, as the
 * school's route. The page names the child with sex and birth date:
 * each read is audited (registration.notice, review M6). */
#include "config.h"

#include <string.h>

#include "core/err.h"
#include "core/req.h"
#include "auth/readaudit.h"
#include "domain/regstate.h"
#include "store/admission.h"
#include "store/org.h"
#include "store/registration.h"
#include "school/notice.h"
#include "parent.h"

int
xj_parent_reg_notice(struct xj_req *r)
{
	struct xj_reg_rec *rec = xj_calloc(r->arena, 1, sizeof(*rec));
	struct xj_applicant *ap = xj_calloc(r->arena, 1, sizeof(*ap));
	struct xj_org school;
	int rc;

	if (rec == NULL || ap == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_parent_reg_load(r, rec)) != XJ_OK || r->responded)
		return rc;
	if (rec->pos.state != XJ_REG_ADMITTED)
		return XJ_E_NOTICE_NOT_ISSUED;
	if ((rc = xj_adm_applicant(r->db, rec->prereg, ap)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (strcmp(ap->adm_state, "admitted") != 0 || !ap->notice_no[0])
		return XJ_E_NOTICE_NOT_ISSUED;
	if ((rc = xj_org_by_id(r->db, ap->adm_school_id, &school)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	/* M6: the child's name, sex and birth date leave here */
	if ((rc = xj_audit_read(r, "registration.notice", "registration", rec->prereg,
	    NULL, 1)) != XJ_OK)
		return rc;
	return xj_notice_page(r, ap, &school);
}
