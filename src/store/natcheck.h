/* natcheck.h -- the national check in the database (issue 13 item 6,
 * sql/0030, sql/0031; docs/architecture.md "Ministry exchange: the
 * national check"): where a record stands with the ministry's check, and
 * what a CheckResult changes in it. Each function is one statement's
 * worth; what an answer means is exchange/checkresult.c's. */
#ifndef XJ_STORE_NATCHECK_H
#define XJ_STORE_NATCHECK_H

#include "core/arena.h"
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
/* The ministry's number no is recorded as issued to record sid (R-REC-1;
 * the L number's row stays: never reused): XJ_OK, XJ_E_CONFLICT when it
 * was issued before (to any record). */
int	xj_natcheck_issue(struct xj_db *, unsigned long long sid, const char *no);

/* A CheckResult is applied a chunk of records at a time (session 7,
 * ncspeed: about six round trips per record were the cost of a
 * province's first check). Each statement takes the chunk's rows as one
 * JSON array bound to one placeholder and read with JSON_TABLE, so every
 * statement stays prepared whatever the chunk's size and no SQL text is
 * ever built from a message. A chunk holds up to XJ_NC_CHUNK records
 * and changes each record once (a second answer for one record must see
 * what the first changed: xj_natcheck_subjects says when). */
#define XJ_NC_CHUNK	500

struct xj_nc_list {
	char		*buf;
	size_t		 len, cap;
	unsigned	 n;
};
struct xj_nc_chunk {
	struct xj_nc_list	 refs;		/* the subjects asked for, in order */
	struct xj_nc_list	 nos;		/* [sid, number]: student_no_issued */
	struct xj_nc_list	 states;	/* [sid, no, kind, latest, state] */
	struct xj_nc_list	 events;	/* [sid, kind, old no, new no] */
	struct xj_nc_list	 answered;	/* refs answered by the message */
};
/* The lists, sized from the arena for chunks of at most max records
 * (1..XJ_NC_CHUNK; once per message): XJ_OK or XJ_E_TOO_COMPLEX. */
int	xj_nc_chunk_init(struct xj_arena *, struct xj_nc_chunk *, unsigned max);
void	xj_nc_chunk_reset(struct xj_nc_chunk *);
/* ref is the chunk's next subject (a RecordRef: at most 40 bytes). */
int	xj_nc_want(struct xj_nc_chunk *, const char *ref);
/* The chunk's subjects in the batch, locked (each batch row with its
 * record): p[i] for the i-th ref wanted, p[i].id 0 when the batch does
 * not hold it. XJ_E_CONFLICT when two of the refs name one record (a
 * chunk changes each record once: the caller then applies those records
 * one at a time); nothing is changed by this call. */
int	xj_natcheck_subjects(struct xj_db *, const struct xj_nc_chunk *,
	    unsigned long long outbox_id, struct xj_nc_subject *p);
/* The number no to be recorded as issued to sid. */
int	xj_nc_issue_add(struct xj_nc_chunk *, unsigned long long sid, const char *no);
/* Every number added, in one statement: XJ_OK, or XJ_E_CONFLICT when
 * one of them was issued before or twice in the chunk -- the statement
 * then inserted nothing, and the caller records them one by one
 * (xj_natcheck_issue) to refuse exactly the records whose number is
 * taken. */
int	xj_natcheck_issue_all(struct xj_db *, const struct xj_nc_chunk *);
/* The answer came for p (R-DUP-4), to be applied by xj_natcheck_apply.
 * no/kind (NULL: an answer without a number): the record takes the
 * number issued and its history gets number_issued with the old and the
 * new one. national_check = state when the batch is the record's latest
 * and no change is waiting. A record waiting for the answer (status
 * pending_check, a 补建 record) enters the school (in_school), with a
 * history event check_answered; *entered 1 when it does. ref: the
 * batch's row, marked answered by the message. */
int	xj_nc_answer(struct xj_nc_chunk *, const struct xj_nc_subject *, const char *ref,
	    const char *state, const char *no, const char *kind, int *entered);
/* The chunk's answers: the records (one statement), their history (one,
 * in the order added) and the batch's rows answered by message_id
 * (one). */
int	xj_natcheck_apply(struct xj_db *, const struct xj_nc_chunk *, const char *message_id,
	    unsigned long long outbox_id);

#endif
