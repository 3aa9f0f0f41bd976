/* yearend.h -- year-end batches in the database (issue 11 item 8,
 * sql/0020, docs/architecture.md "Year-end batches"): the batch row with
 * its progress cursor, the chunk's statements and the record's history
 * (student_event). Which records a batch takes: domain/yearend.h. */
#ifndef XJ_STORE_YEAREND_H
#define XJ_STORE_YEAREND_H

struct xj_db;

#define XJ_YE_CHUNK_MAX	5000	/* [yearend] chunk's upper bound */

struct xj_ye_batch {
	unsigned long long	 id;
	int			 kind;			/* domain/yearend.h */
	unsigned		 scope_org_id;
	char			 scope_kind[9];		/* school | county */
	char			 scope_path[129];
	char			 scope_code[13];
	char			 scope_name[401];
	int			 school_year;
	char			 state[9];		/* created running done */
	long long		 total, done, chunks;
	unsigned		 cursor_school;
	unsigned long long	 cursor_id;
	char			 created_at[20], started_at[20], finished_at[20];
};

/* The dry-run count: in-school records of a school (county_id 0) or of
 * every school of a county (school_id 0) that `kind` changes in `year`. */
int	xj_ye_count(struct xj_db *, int kind, int year, unsigned school_id, unsigned county_id,
	    long long *n);
/* Batches of kind and year overlapping a scope: those of org_id or of
 * county_id (a school's county; for a county itself again) or of a school
 * of schools_of (a county's; 0 for a school scope). It first takes the
 * turn of county_id, kind and year (yearend_claim's row lock, held to
 * commit), so that overlapping creators see each other. XJ_OK with *n. */
int	xj_ye_overlap(struct xj_db *, int kind, int year, unsigned org_id, unsigned county_id,
	    unsigned schools_of, long long *n);
/* XJ_OK with b->id; XJ_E_CONFLICT when the scope has one already. */
int	xj_ye_batch_insert(struct xj_db *, struct xj_ye_batch *b, unsigned long long staff_id);
int	xj_ye_batch_get(struct xj_db *, unsigned long long id, struct xj_ye_batch *);
/* Up to max batch ids whose scope lies under path (of year; 0 = any),
 * newest first. */
int	xj_ye_batch_list(struct xj_db *, const char *path, int year, int max,
	    unsigned long long *ids, int *n);
/* created -> running with its first school: XJ_OK or XJ_E_CONFLICT. */
int	xj_ye_batch_start(struct xj_db *, unsigned long long id, unsigned first_school);
/* The runner's next running batch no other runner holds, locked:
 * XJ_OK or XJ_NO_ROW. Fills id, kind, scope, year and the cursor. */
int	xj_ye_batch_next(struct xj_db *, struct xj_ye_batch *);
int	xj_ye_batch_advance(struct xj_db *, unsigned long long id, unsigned school,
	    unsigned long long after, long long n);
int	xj_ye_batch_finish(struct xj_db *, unsigned long long id, long long n);
/* The county's next school after `after` (0: none). */
int	xj_ye_next_school(struct xj_db *, unsigned county_id, unsigned after, unsigned *school);
/* The chunk's records: up to max ids of school after `after`, locked. */
int	xj_ye_chunk_ids(struct xj_db *, int kind, int year, unsigned school,
	    unsigned long long after, int max, unsigned long long *ids, int *n);
/* Apply the batch to the records of school in (after, last]: one event
 * each (unless some batch already changed the record this year) and, for
 * graduation, the status. *n = records changed. */
int	xj_ye_apply(struct xj_db *, const struct xj_ye_batch *, unsigned school,
	    unsigned long long after, unsigned long long last, long long *n);

/* ---- the record's history ------------------------------------------- */
struct xj_student_event {
	unsigned long long	 id;
	char			 kind[49];		/* a Dossier's kinds: up to 48 (sql/0033) */
	char			 school_code[13];
	int			 from_grade, to_grade;	/* 0 = none */
	char			 status[17];
	int			 yearend_year;		/* 0 = none */
	unsigned long long	 batch_id;		/* 0 = none */
	char			 created_at[20];
	unsigned long long	 workflow_id;		/* 0 = none (sql/0026) */
	char			 fields[256];		/* "name,sex": a change's fields */
	char			 no_old[20], no_new[20];	/* number_issued (sql/0031) */
};
int	xj_student_events(struct xj_db *, unsigned long long student_id, int limit,
	    void (*fn)(const struct xj_student_event *, void *), void *);

#endif
