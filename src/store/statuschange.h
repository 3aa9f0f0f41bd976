/* statuschange.h -- the rows of status changes (sql/0025, issue 11 item
 * 6; R-REC-3, R-MOV-6): what a case asks for (status_change, beside its
 * workflow row), the record's status and grade as the change needs them,
 * the change applied with its history event, and the provinces' switches
 * for repeating and skipping a year (grade_change_policy). Which move is
 * valid from which status: domain/statusmove.h; the chain and its effect:
 * school/statuschange.c. */
#ifndef XJ_STORE_STATUSCHANGE_H
#define XJ_STORE_STATUSCHANGE_H

struct xj_db;

struct xj_status_change {
	unsigned long long	 student_id;
	char			 kind[17];
	char			 from_status[17];
	char			 to_status[17];
	int			 grade_delta;
	char			 requested_by[13];
	char			 effective_date[11];
	char			 reason[801];
};
int	xj_sc_insert(struct xj_db *, unsigned long long wf, const struct xj_status_change *);
/* XJ_OK or XJ_NO_ROW (a case of another kind). */
int	xj_sc_get(struct xj_db *, unsigned long long wf, struct xj_status_change *);

/* The record's status changes, newest first, with their cases' state. */
struct xj_sc_item {
	unsigned long long	 wf;
	char			 state[10];
	char			 started_at[20];
	char			 closed_at[20];	/* "" while open */
	struct xj_status_change	 c;
};
int	xj_sc_list(struct xj_db *, unsigned long long student, int limit,
	    void (*fn)(const struct xj_sc_item *, void *), void *);

/* The record as a status change needs it. */
struct xj_sc_student {
	unsigned	 school_org_id;
	char		 school_path[129];
	char		 status[17];
	int		 entry_year, level, grade_offset;
};
/* XJ_OK or XJ_NO_ROW; with lock, the row is locked (FOR UPDATE). */
int	xj_sc_student(struct xj_db *, unsigned long long id, int lock, struct xj_sc_student *);
/* The new status and grade offset (+delta; a grade move leaves the class,
 * which belongs to the old cohort), conditional on the status read under
 * the lock: XJ_OK or XJ_E_CONFLICT. */
int	xj_sc_apply(struct xj_db *, unsigned long long id, const char *from, const char *to,
	    int grade_delta);
/* The record's history event (kind, grades 0 = none; the status it has now). */
int	xj_sc_event(struct xj_db *, unsigned long long id, const char *kind, int from_grade,
	    int to_grade);

/* Repeat / skip per province (seed 002 §四): XJ_OK with *on (0 without a row). */
int	xj_sc_grade_policy(struct xj_db *, const char *province, const char *kind, int *on);
int	xj_sc_grade_policy_set(struct xj_db *, const char *province, const char *kind, int on);
int	xj_sc_grade_policy_list(struct xj_db *, void (*fn)(const char *province, const char *kind,
	    int on, const char *set_at, void *), void *);

#endif
