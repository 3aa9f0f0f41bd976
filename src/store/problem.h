/* problem.h -- problem records (问题学籍, issue 12, R-DUP-1) in the
 * database: the subject of a check, its peers, problem groups and their
 * members. Each function does one statement's worth; the check itself
 * (what is a hit, which group) is school/problem.c's. */
#ifndef XJ_STORE_PROBLEM_H
#define XJ_STORE_PROBLEM_H

#include "db/db.h"
#include "registration.h"	/* XJ_CT_MAX */
#include "student.h"

/* the most records read as peers of one record: a group larger than this
 * is a data accident (a bulk import of one number), not a family */
#define XJ_PROBLEM_PEERS_MAX	64

struct xj_student_identity;

/* The record's identity (store/student.h) from its own row, locked for
 * the transaction; its person_bidx as stored (has_person 0 when NULL).
 * XJ_OK, XJ_NO_ROW or a db error. */
int	xj_problem_subject(struct xj_db *, unsigned long long sid, struct xj_student_identity *);
int	xj_problem_set_person(struct xj_db *, unsigned long long sid, const unsigned char bidx[32]);
/* Records without a person index (written before 0024), locked, skipping
 * rows another runner holds: at most max into ids/ident (as
 * xj_problem_subject, person_bidx unset), live[i] 1 when the record is
 * one the check's peers include (not graduated, not deleted), *n the
 * count. */
int	xj_problem_person_pending(struct xj_db *, int max, unsigned long long *ids,
	    struct xj_student_identity *ident, int *live, int *n);
/* Other live records (not graduated, not deleted) with the same identity
 * number or the same person key, in one lookup: their ids into ids and
 * same_id[i] 1 when ids[i] has the same number (at most
 * XJ_PROBLEM_PEERS_MAX of each kind), *n the count. */
int	xj_problem_peers(struct xj_db *, const unsigned char child[32], const unsigned char person[32],
	    unsigned long long sid, unsigned long long *ids, int *same_id, unsigned *n);
/* The open group of kind for key, opened when there is none: *gid. */
int	xj_problem_group_open(struct xj_db *, const char *kind, const unsigned char key[32],
	    unsigned long long *gid);
/* issue 13 item 6: the open national group of the ministry's id
 * (opened when there is none; sql/0031): *gid. kind is ours for the
 * ministry's national_kind. */
int	xj_problem_group_open_national(struct xj_db *, const char *kind, const char *national_id,
	    const char *national_kind, unsigned long long *gid);
/* Another province's record of a national group, as the ministry sent it
 * (masked there), its number masked here. */
struct xj_problem_other {
	char		 student_no[25];
	char		 name[257];
	char		 sex[2];
	char		 birth[11];
	char		 id_masked[19];	/* "" = none sent */
	char		 province[7];
	char		 school_name[801];
};
/* The group's other records are o[0..n) (the latest answer's list). */
int	xj_problem_others_set(struct xj_db *, unsigned long long gid,
	    const struct xj_problem_other *o, int n);
int	xj_problem_others(struct xj_db *, unsigned long long gid,
	    void (*fn)(const struct xj_problem_other *, void *), void *);
/* The record joins the group (reason, origin); *joined 0 when it was
 * already a member. A new member is flagged (student.problem_open) and
 * gets a history event. */
int	xj_problem_member_add(struct xj_db *, unsigned long long gid, unsigned long long sid,
	    const char *reason, const char *origin, int *joined);

struct xj_problem_group {
	unsigned long long id;
	char		 kind[16];
	char		 state[12];
	int		 members;
	char		 created_at[20];
	char		 resolved_at[20];
	char		 national_id[41];	/* "" = our own check's group */
	int		 national;		/* the list: a national group */
	char		 national_kind[25];
};
/* The groups with a member under path (an org path: problem_scope), open
 * first, newest first, after the cursor (state "" = from the start), at
 * most limit. */
int	xj_problem_list(struct xj_db *, const char *path, const char *after_state,
	    unsigned long long after_id, int limit,
	    void (*fn)(const struct xj_problem_group *, void *), void *);
int	xj_problem_group_get(struct xj_db *, unsigned long long id, struct xj_problem_group *);

struct xj_problem_member {
	unsigned long long student_id;
	char		 school_path[129];
	char		 reason[25];
	char		 origin[17];
	char		 state[20];
	char		 joined_at[20];
	char		 school_code[13];
	char		 school_name[401];
	char		 name[257];
	char		 sex[2];
	char		 birth[11];
	char		 doc_type[2];
	unsigned char	 idn_ct[XJ_CT_MAX];
	unsigned long	 idn_ct_len;
	char		 student_no[20];
	char		 status[17];
};
/* The members of a group, at most limit; m is filled for each call. */
int	xj_problem_members(struct xj_db *, unsigned long long gid, int limit,
	    struct xj_problem_member *m, void (*fn)(const struct xj_problem_member *, void *), void *);

/* ---- the resolution (R-DUP-2, R-DUP-3) ---- */
/* A history event of kind (problem_open, problem_deleted, ...) for sid. */
int	xj_problem_event(struct xj_db *, unsigned long long sid, const char *kind);
/* The group row locked for the transaction: XJ_OK with its state, kind,
 * key and whether it is a national group (may be NULL), XJ_NO_ROW. */
int	xj_problem_group_lock(struct xj_db *, unsigned long long gid, char state[12], char kind[16],
	    unsigned char key[32], int *national);
struct xj_problem_state {
	unsigned long long student_id;
	char		 state[20];
	char		 school_path[129];
	unsigned	 school_org_id;
};
/* Every member's state, in student id order (at most max). */
int	xj_problem_member_states(struct xj_db *, unsigned long long gid,
	    struct xj_problem_state *, int max, int *n);
/* An open member resolved as state (evidence may be NULL, actor 0 = the
 * system): XJ_OK, XJ_E_CONFLICT when it was not open. */
int	xj_problem_member_set(struct xj_db *, unsigned long long gid, unsigned long long sid,
	    const char *state, const char *evidence, unsigned actor);
/* The record leaves the rosters and the checks (status deleted). */
int	xj_problem_student_delete(struct xj_db *, unsigned long long sid);
int	xj_problem_group_resolve(struct xj_db *, unsigned long long gid);
/* student.problem_open again from the member rows. */
int	xj_problem_reflag(struct xj_db *, unsigned long long sid);

/* A resolution waiting for the county (corroborate, change). */
struct xj_problem_resolution {
	unsigned long long group_id, student_id;
	char		 action[12];
	char		 evidence[2001];
	char		 new_name[257];	/* "" = unchanged */
	char		 new_sex[2];
	char		 new_birth[11];
};
int	xj_problem_resolution_insert(struct xj_db *, unsigned long long wf,
	    const struct xj_problem_resolution *);
/* XJ_OK, XJ_NO_ROW or a db error. */
int	xj_problem_resolution_get(struct xj_db *, unsigned long long wf, struct xj_problem_resolution *);
/* The corrected identity data ("" fields unchanged). */
int	xj_problem_student_change(struct xj_db *, unsigned long long sid,
	    const struct xj_problem_resolution *);

#endif
