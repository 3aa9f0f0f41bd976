/* audit.h -- the audit trail (R-ADM-3). Every state change calls
 * xj_audit_append inside its own transaction, so the change and its record
 * commit or roll back together. The application's DB user can only SELECT
 * and INSERT audit_log (docs/operations.md, "Database users"). Reads of
 * personal data that need an entry (M6) append one outside any
 * transaction, before the answer leaves: no entry, no answer. */
#ifndef XJ_AUDIT_H
#define XJ_AUDIT_H

#include <stddef.h>
#include "core/str.h"

struct xj_db;

enum xj_actor_type {
	XJ_ACTOR_SYSTEM, XJ_ACTOR_PARENT, XJ_ACTOR_STAFF, XJ_ACTOR_PSB,
	XJ_ACTOR_MINISTRY
};

/* Who acts, from where, in which request. */
struct xj_actor {
	enum xj_actor_type	 type;
	unsigned long long	 id;		/* 0 = none */
	const char		*role;		/* NULL = none */
	unsigned		 org_id;	/* 0 = none */
	const char		*request_id;
	const char		*client_addr;
};

struct xj_audit {
	const char		*action;	/* "staff.create", "registration.cancel" */
	const char		*target_type;
	struct xj_str		 target_id;
	/* canonical JSON of the target before/after; only their SHA-256
	 * digests are stored, never the personal data itself */
	struct xj_str		 before;
	struct xj_str		 after;
};

/* XJ_OK or a db error (XJ_RETRY etc. propagate to xj_tx_run). */
int		 xj_audit_append(struct xj_db *, const struct xj_actor *,
		    const struct xj_audit *);
/* M6: the entry of a read of full identifiers or of a bulk list of
 * minors: the rows it returned and its filter (no identity numbers;
 * NULL = none). before/after are not used. */
int		 xj_audit_append_read(struct xj_db *, const struct xj_actor *,
		    const struct xj_audit *, unsigned long rows, const char *filter);
/* Entries of one action by one actor in the last `seconds` (a per-actor
 * counter kept by the trail itself, M5): XJ_OK with *n, or a db error. */
int		 xj_audit_count_recent(struct xj_db *, enum xj_actor_type, unsigned long long id,
		    const char *action, int seconds, long long *n);
const char	*xj_actor_type_name(enum xj_actor_type);

#endif
