/* statuscert.h -- the counterfoils (存根) of certificates of student status
 * (R-REC-7, sql/0021): the serial counter, the append-only counterfoil rows. */
#ifndef XJ_STORE_STATUSCERT_H
#define XJ_STORE_STATUSCERT_H

#include <stddef.h>

#include "domain/statuscert.h"

struct xj_db;

struct xj_scert_row {
	unsigned long long	 id;
	char			 serial[XJ_SC_SERIAL_LEN + 1];
	unsigned		 school_org_id;
	char			 school_code[13];
	char			 school_path[129];
	unsigned long long	 student_id;
	char			 status[17];
	unsigned long long	 issued_by;
	char			 issued_by_name[257];
	char			 issued_at[20];		/* UTC 'YYYY-MM-DD HH:MM:SS' */
	char			 key_id[XJ_SC_KEYID + 1];
	char			 document[XJ_SC_TEXT_MAX + 1];
	size_t			 document_len;
};

/* The next sequence number of school in year, inside the caller's
 * transaction (the counter row stays locked until it ends). XJ_OK or a
 * db error. */
int	xj_scert_next_seq(struct xj_db *, unsigned school, int year, long *seq);
/* Insert the counterfoil (id, school_code, school_path ignored; issued_at UTC).
 * XJ_OK with r->id; XJ_E_CONFLICT when the serial exists. */
int	xj_scert_insert(struct xj_db *, struct xj_scert_row *r);
/* XJ_OK or XJ_NO_ROW. */
int	xj_scert_by_serial(struct xj_db *, const char *serial, struct xj_scert_row *r);
/* Counterfoils of the schools under path (a prefix, R-ORG-3), of one student
 * when student is not 0, id order after `after`, at most limit, each to
 * fn (r is reused between calls). */
int	xj_scert_list(struct xj_db *, const char *path, unsigned long long student,
	    unsigned long long after, int limit, struct xj_scert_row *r,
	    void (*fn)(const struct xj_scert_row *, void *), void *arg);
/* The student's identity number ciphertext (for the masked copy). */
int	xj_scert_student_idn(struct xj_db *, unsigned long long student, unsigned char *ct,
	    size_t cap, size_t *len);

#endif
