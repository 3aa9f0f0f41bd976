/* notice.h -- the admission notice page (录取通知书, R-ADM-1), one
 * renderer for the school that prints it and the family that opens it. */
#ifndef XJ_SCHOOL_NOTICE_H
#define XJ_SCHOOL_NOTICE_H

struct xj_req;
struct xj_applicant;
struct xj_org;

/* Sends the printable page (text/html, a CSP that allows no script) of
 * ap, admitted with a notice number by school. XJ_OK or an error code. */
int	xj_notice_page(struct xj_req *, const struct xj_applicant *ap, const struct xj_org *school);

#endif
