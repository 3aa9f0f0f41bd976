/* audit.h -- the audit trail (R-ADM-3). Every state change calls
 * xj_audit_append inside its own transaction, so the change and its record
 * commit or roll back together. The application's DB user can only SELECT
 * and INSERT audit_log (docs/operations.md, "Database users"). */
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
const char	*xj_actor_type_name(enum xj_actor_type);

#endif
