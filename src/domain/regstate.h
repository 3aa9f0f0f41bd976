/* regstate.h -- the life of a collection registration as data: states,
 * events and the one transition table (R-COL-1..5, R-COL-7, R-COL-9,
 * R-ADM-1).
 * Pure; no I/O. The store applies a transition with a conditional
 * `UPDATE … SET state = to, cert = cert_to WHERE id = ? AND state = from
 * AND cert = cert_from` (DESIGN.md: never read-compute-write).
 *
 * Two tracks. A registration has a main state and, for a non-local family
 * (非京籍), a certificate track: the five certificates reviewed by the
 * district (五证, R-COL-9). The tracks run independently -- a family may
 * file its certificates before or after the public-security answer -- and
 * meet at `printable`, which needs BOTH a verified identity (R-COL-5) AND
 * approved certificates (R-COL-9). So a position is the pair (state, cert):
 *
 *  - before identity is verified (submitted, id_mismatch) the main state
 *    says where identity stands; certificate events move only `cert`;
 *  - psb_match moves a non-local family to the main state that matches its
 *    certificate track: none -> id_verified, review -> cert_review,
 *    rejected -> cert_rejected, approved -> printable; a local family goes
 *    straight to printable (its cert stays none);
 *  - a child without a document number (type Z, "其他", R-COL-7) cannot be
 *    checked by public security; the district checks its no-ID
 *    certificate instead: noid_verified has exactly the consequences of
 *    psb_match, noid_rejected those of psb_mismatch (back to the parent,
 *    whose correction -- e.g. supplying a document -- starts over). Rows
 *    carry which identity check they belong to (enum xj_reg_doc), so the
 *    PSB events need a number and the district's events its absence;
 *  - once identity is verified, certificate events move both together, so
 *    id_verified / cert_review / cert_rejected / printable always agree
 *    with cert (xj_reg_pos_valid). The main state alone is then the whole
 *    answer for the parent; before verification, xj_cert_state_zh() says
 *    where the certificates stand.
 *
 * Parent actions (corrected, cancel) are allowed only inside the
 * collection window (R-COL-1, R-COL-4): the caller checks the window
 * (domain/window.h) before asking this table. After the window a district
 * change (district_change_approved) voids the old form instead. */
#ifndef XJ_REGSTATE_H
#define XJ_REGSTATE_H

#include <stddef.h>

enum xj_reg_state {
	XJ_REG_SUBMITTED,		/* registered; PSB check pending */
	XJ_REG_ID_VERIFIED,		/* non-local: identity verified, no certificates filed yet */
	XJ_REG_ID_MISMATCH,		/* back to the parent to correct (R-COL-5) */
	XJ_REG_ID_REJECTED,		/* PSB: false data; void (R-COL-5) */
	XJ_REG_CERT_REVIEW,		/* non-local: verified, certificates under review (R-COL-9) */
	XJ_REG_CERT_REJECTED,		/* non-local: verified, certificates refused; may refile */
	XJ_REG_PRINTABLE,		/* the form can be printed (R-COL-3, R-COL-9) */
	XJ_REG_SCHOOL_ACCEPTED,		/* ticked by a school (R-ADM-1) */
	XJ_REG_DISTRICT_APPROVED,	/* the district approved the school's list */
	XJ_REG_ADMITTED,		/* admission notice issued */
	XJ_REG_CANCELLED,		/* cancelled by the parent inside the window */
	XJ_REG_VOID,			/* replaced after a district change (R-COL-4), voided by
					 * the county, or released after an uncorrected mismatch */
	XJ_REG__N
};

enum xj_reg_event {
	XJ_REV_PSB_MATCH,
	XJ_REV_PSB_MISMATCH,
	XJ_REV_PSB_NOT_FOUND,		/* no such person: verified false data */
	XJ_REV_CORRECTED,		/* the parent corrected identity data */
	XJ_REV_CERTS_SUBMITTED,
	XJ_REV_CERTS_APPROVED,
	XJ_REV_CERTS_REJECTED,
	XJ_REV_CANCEL,
	XJ_REV_SCHOOL_TICK,
	XJ_REV_SCHOOL_UNTICK,
	XJ_REV_DISTRICT_APPROVE,
	XJ_REV_ADMIT,
	XJ_REV_DISTRICT_CHANGE_APPROVED,
	XJ_REV_NOID_VERIFIED,		/* the district verified the no-ID certificate (R-COL-7) */
	XJ_REV_NOID_REJECTED,		/* ... or did not: back to the parent to correct */
	XJ_REV_COUNTY_VOID,		/* the county voided a squat and freed the child (H1) */
	XJ_REV_MISMATCH_EXPIRED,	/* id_mismatch uncorrected past [claims] mismatch_release_days */
	XJ_REV__N
};

/* The certificate track (non-local families only; always none for local). */
enum xj_cert_state {
	XJ_CERT_NONE,			/* nothing filed */
	XJ_CERT_REVIEW,
	XJ_CERT_APPROVED,		/* study permit (就读证明) issued */
	XJ_CERT_REJECTED,
	XJ_CERT__N
};

struct xj_reg_pos {
	enum xj_reg_state	state;
	enum xj_cert_state	cert;
};

/* Who a row applies to. */
enum xj_reg_family {
	XJ_FAM_ANY,
	XJ_FAM_LOCAL,
	XJ_FAM_NONLOCAL			/* the certificate events and their consequences */
};

/* Which identity check a row belongs to (R-COL-5, R-COL-7). */
enum xj_reg_doc {
	XJ_DOC_ANY,
	XJ_DOC_NUMBER,			/* a document number: public security checks it */
	XJ_DOC_NOID			/* type Z without a number: the district checks the no-ID certificate */
};

#define XJ_CERT_BIT(c)	(1u << (c))
#define XJ_CERT_ANY	((1u << XJ_CERT__N) - 1)
#define XJ_CERT_KEEP	(-1)		/* cert_to: leave the certificate track as it is */

struct xj_reg_rule {
	enum xj_reg_state	from;
	enum xj_reg_event	ev;
	enum xj_reg_family	family;
	unsigned		certs;		/* XJ_CERT_BIT set the row applies to */
	enum xj_reg_state	to;
	int			cert_to;	/* an xj_cert_state or XJ_CERT_KEEP */
	enum xj_reg_doc		doc;
};

/* The transition table, for tests and generated documentation. */
const struct xj_reg_rule	*xj_reg_rules(size_t *n);
/* 1 if (state, cert) is a position a registration of this family can be in. */
int	xj_reg_pos_valid(struct xj_reg_pos pos, int local_family);
/* Apply an event. XJ_OK and *to set; or, *to untouched,
 * XJ_E_REG_ACCEPTED (cancel or district change once a school accepted the
 * child, R-COL-4) or XJ_E_REG_TRANSITION (anything else not in the table,
 * or an inconsistent position). */
int	xj_reg_next(struct xj_reg_pos from, enum xj_reg_event ev, int local_family,
	    struct xj_reg_pos *to);
/* The same for a registration whose child has no document number when
 * noid is 1 (see xj_reg_noid); xj_reg_next is noid = 0. */
int	xj_reg_next_doc(struct xj_reg_pos from, enum xj_reg_event ev, int local_family,
	    int noid, struct xj_reg_pos *to);
/* R-COL-7: 1 for document type Z without a number -- identity checked by
 * the district's review of the no-ID certificate, not by public security. */
int	xj_reg_noid(const char *doc_type, size_t number_len);

/* 1 when the collection form may be printed in this state (R-COL-3,
 * R-COL-9: identity verified and, for non-local families, certificates
 * approved -- and every later state). */
int	xj_reg_form_printable(enum xj_reg_state);

/* Machine names for the API and the database ("submitted", "psb_match",
 * "review"); NULL for a value out of range. _parse returns the value or -1. */
const char	*xj_reg_state_name(enum xj_reg_state);
int		 xj_reg_state_parse(const char *);
const char	*xj_reg_event_name(enum xj_reg_event);
int		 xj_reg_event_parse(const char *);
const char	*xj_cert_state_name(enum xj_cert_state);
int		 xj_cert_state_parse(const char *);

/* What a parent reads, in plain words; NULL for a value out of range. */
const char	*xj_reg_state_zh(enum xj_reg_state);
const char	*xj_reg_state_en(enum xj_reg_state);
/* The same words for a child without a document number (xj_reg_noid):
 * where public security is named, the district's check is (submitted,
 * id_mismatch); otherwise xj_reg_state_zh/en. */
const char	*xj_reg_state_zh_doc(enum xj_reg_state, int noid);
const char	*xj_reg_state_en_doc(enum xj_reg_state, int noid);
const char	*xj_cert_state_zh(enum xj_cert_state);
const char	*xj_cert_state_en(enum xj_cert_state);

#endif
