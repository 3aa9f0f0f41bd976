/* natcheck.h -- the national check in the database (issue 13 item 6,
 * sql/0030, sql/0031; docs/architecture.md "Ministry exchange: the
 * national check"): where a record stands with the ministry's check, and
 * what a CheckResult changes in it. Each function is one statement's
 * worth; what an answer means is exchange/checkresult.c's. */
#ifndef XJ_STORE_NATCHECK_H
#define XJ_STORE_NATCHECK_H

#include "db/db.h"
#include "registration.h"	/* XJ_CT_MAX */

/* The record is due for the next StudentBatch again (R-KEY-2): its
 * identity data changed, or a national problem was resolved here. One
 * never sent keeps its action (new, supplement); one the ministry saw is
 * sent as changed. Call in the transaction of the change. */
int	xj_natcheck_due(struct xj_db *, unsigned long long sid);
/* The producer wrote the record into a StudentBatch. */
int	xj_natcheck_sent(struct xj_db *, unsigned long long sid);

/* The record a CheckResult's ref names in the batch, locked. */
struct xj_nc_subject {
	unsigned long long	 id;
	char			 student_no[20];
	char			 kind[2];
	char			 doc_type[2];
	unsigned char		 ct[XJ_CT_MAX];
	size_t			 ctlen;
	char			 status[17];
	char			 national[9];
	int			 latest;	/* the batch is the record's latest */
};
/* XJ_OK, XJ_NO_ROW (not in the batch) or a db error. */
int	xj_natcheck_subject(struct xj_db *, unsigned long long outbox_id, const char *ref,
	    struct xj_nc_subject *);
/* The batch's record was answered by message_id. */
int	xj_natcheck_answered(struct xj_db *, const char *message_id, unsigned long long outbox_id,
	    const char *ref);
/* The ministry's number no is recorded as issued to record sid (R-REC-1;
 * the L number's row stays: never reused): XJ_OK, XJ_E_CONFLICT when it
 * was issued before (to any record). */
int	xj_natcheck_issue(struct xj_db *, unsigned long long sid, const char *no);
/* The answer came (R-DUP-4). no/kind (NULL: an answer without a number):
 * the record takes the number issued and its history gets number_issued
 * with the old and the new one. national_check = state when the batch is
 * the record's latest and no change is waiting. A record waiting for the
 * answer (status pending_check, a 补建 record) enters the school
 * (in_school), with a history event check_answered; *entered 1 when it
 * did. */
int	xj_natcheck_answer(struct xj_db *, const struct xj_nc_subject *, const char *state,
	    const char *no, const char *kind, int *entered);

#endif
