/* problem.h -- the duplicate check at the door (issue 12 item 1, R-DUP-1):
 * called inside the transaction that creates a student record or changes
 * its identity data, and by the jobs runner on records written before the
 * check existed (ctl/problemindex.c). The keys are a parameter, not
 * xj_auth_keys(): that ring is xuejid's, the runner has its own
 * (xj_ctl_job_keys). */
#ifndef XJ_SCHOOL_PROBLEM_H
#define XJ_SCHOOL_PROBLEM_H

struct xj_db;
struct xj_keys;
struct xj_refdata;

/* the kinds found, comma-separated ("same_id,invalid_id"): the longest */
#define XJ_PROBLEM_KINDS_MAX	40

/* Check record sid against the whole deployment: same identity number,
 * same name + sex + birth date (normalised, domain/person.h), an invalid
 * identity number (R-COL-7 with historic area codes, against ref). Each
 * hit opens or joins a problem group, and every record of it is flagged
 * (student.problem_open) with a history event. origin names the entry
 * path ("admission", "change", "backfill"). k: the blind-index key (the
 * person key) and the field key (the number, decrypted for R-COL-7).
 * kinds gets what was found ("" = none). XJ_OK or an error; the caller's
 * transaction is rolled back on error. */
int	xj_problem_check(struct xj_db *, const struct xj_keys *k, const struct xj_refdata *ref,
	    unsigned long long sid, const char *origin, char kinds[XJ_PROBLEM_KINDS_MAX]);
/* The same for a record whose identity the caller has just read or
 * written (the admission: store/student.h fills it while creating the
 * record, person_bidx stored with the row): no second read. */
struct xj_student_identity;
int	xj_problem_check_identity(struct xj_db *, const struct xj_keys *k,
	    const struct xj_refdata *ref, unsigned long long sid,
	    const struct xj_student_identity *id, const char *origin,
	    char kinds[XJ_PROBLEM_KINDS_MAX]);

/* The effect 'problem_resolve' of the corroborate and change chains
 * (school/workflow.c's table): the county approved. */
struct xj_req;
struct xj_wf_case;
int	xj_problem_wf_resolve(struct xj_db *, struct xj_req *, const struct xj_wf_case *);

/* After an approved key-data change of record sid (school/keydata.c,
 * after xj_problem_check): in each of the open groups gids[0..n) where the
 * record is an open member and no longer carries the group's problem (its
 * number, its person key, or a number now valid with its data), the
 * record counts as changed (R-DUP-3) and the group settles -- the last
 * record corroborated by the system, the group resolved, the flags
 * following. The groups are locked in the order given. */
struct xj_req;
int	xj_problem_key_changed(struct xj_db *, struct xj_req *, const struct xj_refdata *ref,
	    unsigned long long sid, const unsigned long long *gids, int n);

/* issue 13 item 6: record sid joins the open national group of the
 * ministry's id (opened when there is none) with reason national_kind and
 * origin "exchange", flagged with a history event as any member; the
 * group's other provinces' records become others[0..n). *joined 0 when
 * it was a member already. */
struct xj_problem_other;
int	xj_problem_join_national(struct xj_db *, unsigned long long sid, const char *national_id,
	    const char *national_kind, const struct xj_problem_other *others, int n, int *joined);

#endif
