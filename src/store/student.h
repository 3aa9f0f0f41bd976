/* student.h -- student records (学籍, R-ADM-2, R-REC-1..5): created only
 * from a district-approved admission, inside the approving transaction.
 * This header is the contract between the admission flow (school/
 * admission) and the records module (store/student.c). */
#ifndef XJ_STORE_STUDENT_H
#define XJ_STORE_STUDENT_H

#include "registration.h"	/* XJ_CT_MAX */

struct xj_db;
/* the row identity of a student: "s<id>" or "s<id>/<guardian>" */
#define XJ_STUDENT_ROW_MAX	32

/* Create the student record of an approved admission: reads the
 * registration `registration_id` (in the caller's transaction), copies the
 * child's data, enrols the child at `school_org_id` (entry year = the
 * registration's year, level primary, grade 1, no class yet, status in
 * school) and draws a temporary number (R-REC-1: L + 6-digit area code +
 * 8-digit birth date + 4 random digits, unique, never reused). XJ_OK with
 * *student_id; XJ_E_CONFLICT when the registration already has a record;
 * or a db error (XJ_RETRY propagates to xj_tx_run). The copied
 * ciphertexts are re-encrypted for the student's rows with keys (review
 * L1: a ciphertext is bound to its row, xj_student_row). */
/* R-REC-9: may this registration's child get a grade-1 primary record at
 * this school? XJ_OK, XJ_E_SCHOOL_UNLICENSED, XJ_E_REPEATER (the child
 * already has a primary-school record), XJ_E_NOT_FOUND or a db error.
 * xj_student_create_from_registration checks it too. */
int	xj_student_may_enrol(struct xj_db *, unsigned long long registration_id,
	    unsigned school_org_id);
struct xj_keys;
/* A record's identity as the duplicate check at the door (issue 12,
 * school/problem.h) needs it: what the record stores, and where its
 * identity number's ciphertext is bound (ct_aad, ct_row: the record's own
 * row, or the registration it was copied from -- the same number). */
struct xj_student_identity {
	char		 name[257];
	char		 sex[2];
	char		 birth[11];
	char		 doc_type[2];
	unsigned char	 child_bidx[32];
	unsigned char	 person_bidx[32];
	int		 has_person;	/* 0: a name without a key (blank) */
	unsigned char	 idn_ct[XJ_CT_MAX];
	unsigned long	 idn_ct_len;
	const char	*ct_aad;
	char		 ct_row[XJ_STUDENT_ROW_MAX];
};
/* The same-person blind index of name, sex, birth date (domain/person.h
 * normalises the name): 1 written to out, 0 when the name has no key,
 * -1 on a crypto failure. */
int	xj_student_person_bidx(const struct xj_keys *, const char *name, const char *sex,
	    const char *birth, unsigned char out[32]);
/* ... and *id gets the new record's identity (its person_bidx is stored
 * with the row). */
int	xj_student_create_from_registration(struct xj_db *, const struct xj_keys *keys,
	    unsigned long long registration_id, unsigned school_org_id,
	    unsigned long long *student_id, struct xj_student_identity *id);
/* A record that did not come through this deployment's admission
 * (issue 12 item 5: 补建学籍, batch import; school/supplement.c checks
 * the data and runs the check at the door; issue 13 item 7: the record
 * a Dossier brings, exchange/xrecv.c): registration_id NULL. */
struct xj_student_new {
	unsigned	 school_org_id;
	char		 county[7];	/* the school's territorial county: the L number's area */
	const char	*name, *sex, *birth, *doc_type, *ethnicity, *nationality, *hukou_nature,
			*hukou_code, *birthplace, *native_place, *current_address, *home_address,
			*contact_address;
	const char	*id_number;	/* in clear; encrypted here for the record's row */
	unsigned char	 child_bidx[32];
	int		 local_family, left_behind, migrant_worker_child, boarding;
	int		 entry_year, level;
	unsigned	 class_id;	/* 0 = none */
	const char	*status;	/* pending_check | in_school */
	const char	*origin;	/* supplement | import | transfer_in */
	const char	*national_action; /* supplement | new */
	/* NULL: a temporary number drawn (R-REC-1); else the number the
	 * record keeps (a Dossier's), its kind its letter */
	const char	*student_no;
	const char	*national_check; /* NULL: due */
};
/* Insert the record with a temporary number drawn as admission draws it
 * (R-REC-1), or in->student_no (XJ_E_CONFLICT: a number issued before,
 * to any record), into no, its identity number encrypted for its row
 * (student.id_number, xj_student_row) with its blind indexes; *id gets
 * what the duplicate check at the door reads (no second read). XJ_OK or
 * a db error (XJ_RETRY propagates). */
int	xj_student_create_direct(struct xj_db *, const struct xj_keys *keys,
	    const struct xj_student_new *in, unsigned long long *student_id, char no[20],
	    struct xj_student_identity *id);
/* The record's place with the national check (sql/0030). */
int	xj_student_national(struct xj_db *, unsigned long long id, char origin[17],
	    char check[9], char action[13]);

/* The row identity of a student's (guardian < 0) or of its guardian's
 * ciphertexts: "s" id ["/" idx]. */
void	xj_student_row(unsigned long long id, int guardian, char out[XJ_STUDENT_ROW_MAX]);

/* ---- the records module's own functions (school/records.c, roster.c,
 * stats.c); none of them is part of the contract above ---------------- */

#include <stddef.h>

/* R-REC-3 status values */
#define XJ_STUDENT_STATUSES \
	{ "in_school", "suspended", "abroad", "left", "dropped_out", "graduated", "deceased", \
	  "deleted", "pending_check", "transferred", NULL }	/* deleted: a problem record's school deleted it \
	  (R-DUP-2); pending_check: a 补建 record waiting for the national check (R-DUP-4); \
	  transferred: moved to another province's deployment (调档, issue 13 item 7), readable \
	  here, on no roster */

struct xj_student {
	unsigned long long	 id;
	unsigned long long	 registration_id;
	unsigned		 school_org_id;
	char			 school_code[13];
	char			 school_name[401];
	char			 school_path[129];
	char			 county[7];
	char			 student_no[20];
	char			 student_no_kind[2];
	char			 name[257];
	char			 sex[2];
	char			 birth_date[11];
	char			 id_doc_type[2];
	char			 ethnicity[3];
	char			 nationality[129];
	char			 hukou_nature[17];
	char			 hukou_code[13];
	char			 birthplace[513];
	char			 native_place[513];
	char			 current_address[801];
	char			 home_address[801];
	char			 contact_address[801];
	int			 local_family, left_behind, migrant_worker_child, boarding;
	int			 entry_year, level;
	int			 grade_offset;		/* -1 per repeated year, +1 per skipped (sql/0020) */
	unsigned		 class_id;		/* 0 = none yet */
	char			 class_code[8];		/* "" = none yet */
	char			 status[17];
	int			 problem_open;
	unsigned		 version;
	char			 created_at[20];
	char			 updated_at[20];
	int			 guardians;
};

/* The record with its school and class: XJ_OK or XJ_NO_ROW. */
int	xj_student_get(struct xj_db *, unsigned long long id, struct xj_student *);
/* Lock the row: its version and status. XJ_OK or XJ_NO_ROW. */
int	xj_student_lock(struct xj_db *, unsigned long long id, unsigned *version, char status[17]);
/* Conditional on the version read under the lock: XJ_OK or XJ_E_CONFLICT. */
int	xj_student_set_class(struct xj_db *, unsigned long long id, unsigned class_id,
	    unsigned version);
/* The uncontrolled fields (school/records.c lists them). */
int	xj_student_update(struct xj_db *, const struct xj_student *, unsigned version);

/* One line of the roster or a search. */
struct xj_student_item {
	unsigned long long	 id;
	char			 student_no[20];
	char			 name[257];
	char			 sex[2];
	char			 birth_date[11];
	int			 entry_year, level;
	int			 grade_offset;		/* repeat/skip (issue 11 item 6) */
	char			 class_code[8];
	char			 status[17];
	char			 school_code[13];
	char			 school_name[401];
};
typedef void (*xj_student_fn)(const struct xj_student_item *, void *);

/* R-REC-3: in-school students of a school, id order after `after`. With
 * class_id: that class; otherwise entry years [y0, y1] and levels
 * [l0, l1]. */
int	xj_student_roster(struct xj_db *, unsigned school, unsigned class_id, int y0, int y1,
	    int l0, int l1, unsigned long long after, int limit, xj_student_fn, void *);
/* The number of rows xj_student_roster would walk through with the same
 * filter (issue 14: the CSV export's read-audit entry). */
int	xj_student_roster_count(struct xj_db *, unsigned school, unsigned class_id, int y0,
	    int y1, int l0, int l1, unsigned long long *n);
/* Search in the org subtree `path` (R-ORG-3); empty strings and 0 mean
 * "any": name is a prefix, student_no exact, class a class code. */
int	xj_student_search(struct xj_db *, const char *path, const char *name_prefix,
	    const char *student_no, unsigned school, const char *class_code, const char *status,
	    unsigned long long after, int limit, xj_student_fn, void *);

/* ---- classes (R-REC-2) ---------------------------------------------- */
struct xj_class {
	unsigned	 id;
	char		 code[8];
	int		 entry_year, level, number;
	long long	 students;	/* in school */
};
/* An org's kind, main campus (0 = it is one) and status. */
int	xj_school_campus(struct xj_db *, unsigned org_id, char kind[12], unsigned *main_campus,
	    char status[8]);
/* Highest class numbers of a year and level in the campus group of main
 * campus `group`: the main campus's own and its branches'. */
int	xj_class_group_max(struct xj_db *, unsigned group, int entry_year, int level,
	    int *main_max, int *branch_max);
/* XJ_OK with c->id; XJ_E_CONFLICT when the code or the group number is taken. */
int	xj_class_insert(struct xj_db *, unsigned school, unsigned group, struct xj_class *c);
int	xj_class_by_code(struct xj_db *, unsigned school, const char *code, struct xj_class *);
int	xj_class_list(struct xj_db *, unsigned school, void (*fn)(const struct xj_class *, void *),
	    void *);

/* ---- term registration (R-REC-5) ------------------------------------ */
/* Register every in-school (and suspended, seed 003) record of the
 * school without an open problem for the term: *before and *after are
 * the school's registrations for the term around the insert. */
int	xj_term_register(struct xj_db *, unsigned school, const char *term, unsigned long long actor,
	    long long *before, long long *after);
/* Records refused for an open problem: at most `limit` to fn, the count
 * in *n. */
int	xj_term_refused(struct xj_db *, unsigned school, int limit,
	    void (*fn)(unsigned long long id, const char *no, const char *name, void *), void *,
	    long long *n);

/* ---- statistics (issue 4 §6) ---------------------------------------- */
struct xj_stat_row {
	unsigned	 org_id;		/* schools */
	char		 code[13];
	char		 name[401];
	char		 state[25];		/* registration state; "" for student counts */
	int		 local_family;
	long long	 n;
};
typedef void (*xj_stat_fn)(const struct xj_stat_row *, void *);
/* Registrations grouped by county, state and local family, for the
 * counties under path; ordered by county code. */
int	xj_stats_counties(struct xj_db *, const char *path, xj_stat_fn, void *);
/* The same by school (registration.school_org_id), ordered by school id. */
int	xj_stats_schools(struct xj_db *, const char *path, xj_stat_fn, void *);
/* Live registrations per county whose guardian link PSB did not confirm
 * (none, unknown; review H1), ordered by county code. */
int	xj_stats_unlinked(struct xj_db *, const char *path, xj_stat_fn, void *);
/* In-school records per school, ordered by school id. */
int	xj_stats_students(struct xj_db *, const char *path, xj_stat_fn, void *);
/* In-school records of the schools under path per territorial county
 * (org.county_id), ordered by county code. */
int	xj_stats_county_students(struct xj_db *, const char *path, xj_stat_fn, void *);
/* Any org by code (a school before a county of the same code): XJ_OK or XJ_NO_ROW. */
struct xj_org;
int	xj_org_by_code_any(struct xj_db *, const char *code, struct xj_org *);

#endif
