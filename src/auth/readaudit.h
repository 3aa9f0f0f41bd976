/* readaudit.h -- reads of personal data leave an audit entry (review M6,
 * PIPL art. 51/54, 等保 8.1.4.3). Every route that returns full identity
 * numbers (PSB pull, the printable form) or a child's record (applicant,
 * student record, certificate-review details), and every bulk list of
 * minors (roster, student search), appends one entry: the request's
 * actor, the target (a number) or the filter (a list), the rows
 * returned, the request id. The entry is written before the answer
 * leaves; when it cannot be written the read fails (503), so no personal
 * data leaves unrecorded. One INSERT, in autocommit: a read takes no
 * transaction for it. */
#ifndef XJ_READAUDIT_H
#define XJ_READAUDIT_H

struct xj_req;

/* XJ_OK or a db error. target: at most 64 bytes (a number, an id, an
 * org code); filter: NULL or a query summary without identity numbers,
 * cut to 255 bytes on a UTF-8 boundary. */
int	xj_audit_read(struct xj_req *, const char *action, const char *target_type,
	    const char *target, const char *filter, unsigned long rows);

#endif
