/* auditseal.h -- what the audit sealer and `xuejictl audit verify` read
 * and write (sql/0014: audit_chain, audit_seal; docs/security.md "Audit
 * trail"). The hashing and signing are crypto/auditchain.h's; this module
 * only moves rows. */
#ifndef XJ_STORE_AUDITSEAL_H
#define XJ_STORE_AUDITSEAL_H

#include "crypto/auditchain.h"

struct xj_db;

#define XJ_AUDIT_FIELD	260	/* VARCHAR(64) in utf8mb4, with its NUL */

/* One audit_log row as hashed, and (verify) its chain row. */
struct xj_audit_row {
	unsigned long long	 id;
	int			 present;	/* verify: the entry exists */
	int			 settled;	/* seal: older than seal_after */
	char			 buf[XJ_AE__COUNT][XJ_AUDIT_FIELD];
	unsigned long		 len[XJ_AE__COUNT];
	char			 null[XJ_AE__COUNT];
	int			 chained;	/* verify: a chain row exists */
	unsigned long long	 seal_id;
	unsigned char		 hash[XJ_AC_HASH];
};

/* The row as the chain sees it (pointers into r). */
void	xj_audit_row_entry(const struct xj_audit_row *r, struct xj_ac_entry *e);

/* The last head, locked (sealers queue here; workers never do): XJ_OK,
 * XJ_NO_ROW (nothing sealed yet) or an error. */
int	xj_auditseal_last(struct xj_db *, struct xj_ac_head *);
/* Up to max entries after after_id in id order into rows (*n), each
 * marked settled when older than seal_after seconds; now = the server's
 * UTC time 'YYYY-MM-DD HH:MM:SS'. */
int	xj_auditseal_pending(struct xj_db *, unsigned long long after_id, int seal_after,
	    int max, struct xj_audit_row *rows, int *n, char now[20]);
/* One chain row, one head; XJ_E_CONFLICT when another sealer was first. */
int	xj_auditseal_chain(struct xj_db *, unsigned long long audit_id,
	    unsigned long long seal_id, const unsigned char hash[XJ_AC_HASH]);
int	xj_auditseal_head(struct xj_db *, const struct xj_ac_head *);

/* verify: up to max heads after seal id after (*n). */
int	xj_auditseal_heads(struct xj_db *, unsigned long long after, int max,
	    struct xj_ac_head *heads, int *n);
/* verify: entries and chain rows with ids in (after, upto], in id order,
 * up to max of them. */
int	xj_auditseal_walk(struct xj_db *, unsigned long long after, unsigned long long upto,
	    int max, struct xj_audit_row *rows, int *n);
/* verify: entries after last_id (not sealed) and the age of the oldest in
 * seconds; chain rows after last_id (none unless forged). */
int	xj_auditseal_unsealed(struct xj_db *, unsigned long long last_id,
	    unsigned long long *count, long long *oldest_s, unsigned long long *stray);
/* The server's secure_timestamp setting ("YES", "NO", ...) into out. */
int	xj_auditseal_secure_timestamp(struct xj_db *, char *out, size_t cap);

#endif
