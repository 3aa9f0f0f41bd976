/* records.h -- helpers shared by the student-record handlers
 * (records.c, roster.c, stats.c; issue 4 §4-6). Who may do what is
 * scope.c's table (the routes name XJ_ACT_REC_CLASSES, XJ_ACT_REC_READ,
 * XJ_ACT_REC_MAINTAIN, XJ_ACT_REC_STATS), enforced by the dispatcher; the
 * target's scope (R-ORG-3) is the handler's test, 404 outside it. */
#ifndef XJ_SCHOOL_RECORDS_H
#define XJ_SCHOOL_RECORDS_H

#include "core/str.h"
#include "store/org.h"

struct xj_req;

enum xj_rec_act {
	XJ_REC_CLASSES,		/* create and read classes: the school's clerk and reviewer */
	XJ_REC_MAINTAIN,	/* assign classes, edit uncontrolled fields, term registration */
	XJ_REC_READ,		/* read records, roster, search: any staff, in scope */
	XJ_REC_STATS,		/* statistics: any staff, in scope */
	XJ_REC__N
};

/* Kept for handlers written before the route table named actions:
 * XJ_OK with the actor's org in *org; XJ_E_FORBIDDEN when the role or
 * org kind may not take the action at all (scope.c's rows). */
int	xj_rec_actor(struct xj_req *, enum xj_rec_act, struct xj_org *org);
/* A query parameter as a C string in the arena, at most max bytes:
 * XJ_OK (*out NULL when absent), or a 400 bad_query already sent. */
int	xj_rec_query(struct xj_req *, const char *name, size_t max, const char **out);
/* A positive decimal query parameter in [1, max]: XJ_OK (*out 0 when
 * absent) or 400 sent. */
int	xj_rec_query_uint(struct xj_req *, const char *name, unsigned long long max,
	    unsigned long long *out);
/* Today's school year in Beijing (domain/classcode.h). */
int	xj_rec_school_year(void);

#endif
