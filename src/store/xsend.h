/* xsend.h -- the rows of cross-province moves on the sending side
 * (sql/0034, issue 13 item 7; docs/architecture.md "Cross-province moves:
 * the sending side"): a relayed TransferRequest or GraduateMove once per
 * TransferId, what a Dossier carries of a record, the record marked
 * transferred out, and the outbox's messages waiting for their
 * signature. Store functions only; the caller holds the transaction. */
#ifndef XJ_STORE_XSEND_H
#define XJ_STORE_XSEND_H

#include <stddef.h>

struct xj_db;
struct xj_keys;

/* a relayed request as stored (xsend_request) */
struct xj_xs_req {
	char			 transfer_id[41];
	char			 kind[16];	/* transfer | graduate_move */
	unsigned long long	 wf;		/* 0: refused at once */
	unsigned long long	 student_id;	/* 0: none found */
	char			 refusal[5];	/* "" or 2001 2002 2003 */
	char			 recv_school[13], recv_county[7];
	char			 from_school[13], from_county[7];
	char			 reason[801];
	int			 graduation_year;	/* 0: a transfer */
	char			 requested[26];
	char			 message_id[65];
};
/* XJ_OK or XJ_NO_ROW */
int	xj_xs_req_get(struct xj_db *, const char *transfer_id, struct xj_xs_req *);
int	xj_xs_req_by_case(struct xj_db *, unsigned long long wf, struct xj_xs_req *);
/* XJ_OK, or XJ_E_CONFLICT when the TransferId is stored already */
int	xj_xs_req_insert(struct xj_db *, const struct xj_xs_req *);

/* a record as the Dossier's StudentRecord needs it */
struct xj_xs_record {
	char		 no[20], name[257], sex[2], birth[11], doc[2];
	unsigned char	 ct[160];
	size_t		 ctlen;
	char		 eth[3], nat[129], hukou[13], school[13], county[7], status[17];
	int		 year, level;
};
int	xj_xs_record(struct xj_db *, unsigned long long student, struct xj_xs_record *);
struct xj_xs_guardian {
	int		 idx;
	char		 relation[9], relation_desc[129], name[257], doc[2];
	unsigned char	 ct[160];
	size_t		 ctlen;
};
#define XJ_XS_GUARDIANS_MAX	4	/* the XSD's maxOccurs */
int	xj_xs_guardians(struct xj_db *, unsigned long long student,
	    struct xj_xs_guardian g[XJ_XS_GUARDIANS_MAX], int *n);
struct xj_xs_event {
	/* kind: ours, or a Dossier's (up to 48, sql/0033); school "" and
	 * note the other province's for an event that came with a Dossier */
	char		 kind[49], status[17], school[13], at[20];	/* at: UTC */
	char		 note[801];	/* VARCHAR(200): characters of up to 4 bytes */
	int		 from_grade, to_grade;
};
#define XJ_XS_EVENTS_MAX	256	/* the XSD's maxOccurs */
/* the newest `limit` events, oldest first, each passed to fn */
int	xj_xs_events(struct xj_db *, unsigned long long student, int limit,
	    int (*fn)(const struct xj_xs_event *, void *), void *);
/* in_school -> transferred: XJ_OK, or XJ_E_CONFLICT when not in school */
int	xj_xs_mark_transferred(struct xj_db *, unsigned long long student);
/* a history event of the record (its status after, the case, a note) */
int	xj_xs_event_add(struct xj_db *, unsigned long long student, const char *kind,
	    unsigned long long wf, const char *note);
/* the school year of the batch that graduated the record, 0 if none */
int	xj_xs_grad_year(struct xj_db *, unsigned long long student, int *year);

#endif
