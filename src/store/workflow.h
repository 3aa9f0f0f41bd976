/* workflow.h -- the workflow engine's rows (sql/0019, issue 11 §1, §4,
 * §7): chain definitions (workflow_type, workflow_type_step), cases
 * (workflow) and their steps (workflow_step), the notices the engine
 * leaves for an org, and transfer freezes. Store functions only: what a
 * transition means is school/workflow.c's (the engine) and what a tick
 * does is ctl/workflow.c's. Dates are Beijing dates "YYYY-MM-DD". */
#ifndef XJ_STORE_WORKFLOW_H
#define XJ_STORE_WORKFLOW_H

struct xj_db;

#define XJ_WF_MAX_STEPS	8
#define XJ_WF_DATE	11	/* "YYYY-MM-DD" + NUL */

/* A step of a chain definition. */
struct xj_wf_def {
	int	 seq;
	char	 party[21];	/* receiving_school ... bureau_above, exchange */
	char	 role[13];
	int	 days;
	char	 on_approve[25];
	int	 by_exchange;
};

/* The province variant of type `code` in force for `province` (its own
 * row, else the national one): XJ_OK with variant ("" = national) and its
 * steps in order; XJ_NO_ROW when no enabled type has that code. */
int	xj_wf_type(struct xj_db *, const char *code, const char *province, char variant[7],
	    struct xj_wf_def defs[XJ_WF_MAX_STEPS], int *n);

/* An org as the engine needs it. */
struct xj_wf_org {
	unsigned	 id;
	char		 kind[12];
	char		 code[13];
	char		 name[401];
	char		 path[129];
	unsigned	 county_id;	/* school: territorial county */
	unsigned	 parent_id;	/* 0 = the ministry */
	int		 closed;	/* R-ORG-5 */
};
int	xj_wf_org(struct xj_db *, unsigned id, struct xj_wf_org *);
int	xj_wf_org_by_path(struct xj_db *, const char *path, unsigned *id);

/* A student as a transfer start needs it, by any number it ever had. */
struct xj_wf_student {
	unsigned long long	 id;
	char			 name[257];
	unsigned		 school_org_id;
	char			 status[17];
	int			 problem_open;
	int			 entry_year, level;
};
int	xj_wf_student_by_no(struct xj_db *, const char *no, struct xj_wf_student *);
/* R-MOV-2 / code 2003: 1 when the record is a problem record (today the
 * duplicate-check module's flag student.problem_open; the problem-records
 * issue fills this function with its own table), 0 if not, <0 error. */
int	xj_wf_problem_record(struct xj_db *, unsigned long long student_id);

/* A new case with its parties. */
struct xj_wf_new {
	const char		*type;
	const char		*variant;
	unsigned long long	 subject_id;
	unsigned		 initiator, recv_school, recv_county, send_school, send_county, above;
	unsigned		 target_class;	/* 0 = none */
	unsigned long long	 started_by;
};
/* XJ_OK with *id; XJ_E_CONFLICT when the subject has an open case. */
int	xj_wf_insert(struct xj_db *, const struct xj_wf_new *, unsigned long long *id);
int	xj_wf_step_insert(struct xj_db *, unsigned long long wf, const struct xj_wf_def *,
	    unsigned party_org, const char *org_path);
/* Open step seq (waiting -> open) with its deadline: XJ_OK or
 * XJ_E_CONFLICT; and the case's current step. */
int	xj_wf_step_open(struct xj_db *, unsigned long long wf, int seq, const char *deadline,
	    int provisional);
/* Lock the case: XJ_OK with its state and current step, or XJ_NO_ROW. */
int	xj_wf_lock(struct xj_db *, unsigned long long wf, char state[10], int *seq);

struct xj_wf_case {
	unsigned long long	 id;
	char			 type[33];
	char			 variant[7];
	char			 type_name[257];
	unsigned long long	 subject_id;
	char			 state[10];
	int			 current_seq;
	unsigned		 initiator, recv_school, recv_county, send_school, send_county, above;
	unsigned		 target_class;
	char			 reason[801];
	char			 started_at[20];
	char			 closed_at[20];
	char			 student_name[257];
	char			 student_no[20];
};
int	xj_wf_get(struct xj_db *, unsigned long long wf, struct xj_wf_case *);

struct xj_wf_step {
	int		 seq;
	char		 party[21];
	char		 role[13];
	char		 on_approve[25];
	int		 by_exchange;
	unsigned	 party_org, org;	/* named by the chain; acting now */
	char		 org_code[13];
	char		 org_name[401];
	char		 org_path[129];
	char		 state[10];
	char		 deadline[XJ_WF_DATE];
	int		 provisional, overdue, escalations, days;
	char		 escalated_at[20];
	char		 escalation_reason[801];
	char		 decided_at[20];
	char		 reason[801];
	unsigned long long decided_by;	/* staff account; 0 = not decided */
};
/* All steps in order: XJ_OK with *n. */
int	xj_wf_steps(struct xj_db *, unsigned long long wf, struct xj_wf_step s[XJ_WF_MAX_STEPS],
	    int *n);
/* The conditional decision of open step seq: XJ_OK, or XJ_E_CONFLICT when
 * it is not open any more (another reviewer was first). */
int	xj_wf_step_decide(struct xj_db *, unsigned long long wf, int seq, const char *state,
	    unsigned long long actor, unsigned org, const char *reason);
int	xj_wf_set_seq(struct xj_db *, unsigned long long wf, int seq);
/* Close the case (approved | rejected), cancelling steps not reached. */
int	xj_wf_close(struct xj_db *, unsigned long long wf, const char *state, const char *reason);
/* R-ORG-6: step seq, open and overdue on `today`, now acted by org (path)
 * with a new deadline: XJ_OK or XJ_E_CONFLICT (not open, not overdue). */
int	xj_wf_escalate(struct xj_db *, unsigned long long wf, int seq, unsigned org,
	    const char *path, unsigned long long actor, const char *reason, const char *deadline,
	    int provisional, const char *today);
int	xj_wf_notice(struct xj_db *, unsigned org, unsigned long long wf, int seq, const char *kind);

/* The inbox of one org: its open steps by deadline (at most limit). */
struct xj_wf_item {
	unsigned long long	 wf;
	int			 seq;
	char			 party[21];
	char			 type[33];
	char			 deadline[XJ_WF_DATE];
	int			 provisional, overdue, escalations;
	char			 student_name[257];
	char			 student_no[20];
	/* a request relayed from another province (sql/0034): who asks;
	 * "" otherwise */
	char			 asked_school[13], asked_county[7];
	char			 asked_reason[801];
};
int	xj_wf_inbox(struct xj_db *, unsigned org, const char *today, int limit,
	    void (*fn)(const struct xj_wf_item *, void *), void *);
/* Open steps per acting org under path (a bureau's scope), in path order,
 * at most XJ_WF_COUNTS_MAX orgs. */
#define XJ_WF_COUNTS_MAX	500
struct xj_wf_count {
	unsigned	 org;
	char		 code[13];
	char		 name[401];
	char		 path[129];
	long long	 open, overdue;
};
int	xj_wf_counts(struct xj_db *, const char *path, const char *today, int limit,
	    void (*fn)(const struct xj_wf_count *, void *), void *);
struct xj_wf_note {
	unsigned long long	 wf;
	int			 seq;
	char			 kind[16];
	char			 at[20];
	char			 student_name[257];
};
int	xj_wf_notices(struct xj_db *, unsigned org, int limit,
	    void (*fn)(const struct xj_wf_note *, void *), void *);
/* The open cases org started (its applications in progress), newest
 * first, at most limit (pages, issue 14). */
struct xj_wf_started {
	unsigned long long	 wf;
	char			 type[33];
	int			 step;
	char			 at[20];
	char			 student_name[257];
	int			 exchange;	/* a cross-province case (xmove) */
};
int	xj_wf_started(struct xj_db *, unsigned org, int limit,
	    void (*fn)(const struct xj_wf_started *, void *), void *);
/* The newest cases of a subject (ids, newest first). */
int	xj_wf_by_subject(struct xj_db *, unsigned long long subject, unsigned long long *ids,
	    int max, int *n);
int	xj_wf_student_of_registration(struct xj_db *, unsigned long long reg,
	    unsigned long long *student);
/* R-MOV-4: move an in-school record to school (class 0 = none) under
 * the version read by xj_student_lock: XJ_OK or XJ_E_CONFLICT. */
int	xj_wf_student_move(struct xj_db *, unsigned long long student, unsigned school,
	    unsigned class_id, unsigned version);

/* The tick's two passes, one bounded batch each: steps due from `today`
 * to `horizon` not yet reminded (reminded_on = today, a 'reminder' notice
 * to the acting org), and steps past their deadline not yet marked (a
 * 'overdue' notice to the acting org and to the initiator). *n: steps. */
int	xj_wf_tick_remind(struct xj_db *, const char *today, const char *horizon, int limit,
	    long *n);
int	xj_wf_tick_overdue(struct xj_db *, const char *today, int limit, long *n);
/* Provisional deadlines of open steps with id > *after, recounted from
 * the day each step opened (or was escalated): *n changed, *after the
 * last id read (0 when the batch reached the end). A deadline moved
 * clears the step's reminder and overdue marks: they are made again. */
int	xj_wf_tick_recount(struct xj_db *, unsigned long long *after, int limit, long *n);

/* Freezes (issue 11 §7): XJ_OK with *frozen (and until = its last day). */
int	xj_wf_frozen(struct xj_db *, const char *province, const char *today, int *frozen,
	    char until[XJ_WF_DATE]);
int	xj_wf_freeze_set(struct xj_db *, const char *province, const char *from, const char *to,
	    const char *reason);
/* XJ_OK or XJ_NO_ROW. */
int	xj_wf_freeze_delete(struct xj_db *, const char *province, const char *from);
int	xj_wf_freeze_list(struct xj_db *, void (*fn)(const char *province, const char *from,
	    const char *to, const char *reason, void *), void *);

/* ---- working days (R-MOV-3) ----------------------------------------- */
/* The n-th working day after `from` (counting from the next day) in
 * province ("" = national): the one place deadlines are computed, on the
 * working-day calendar (store/calendar.h); *provisional = 1 when a year
 * crossed has no calendar imported (weekends only there), and the tick
 * recounts such deadlines. XJ_OK or an error. */
int	xj_wf_add_workdays(struct xj_db *, const char *province, const char *from, int n,
	    char out[XJ_WF_DATE], int *provisional);
/* Pure: the same over weekends only (unit-tested; the engine uses the
 * calendar). 0 ok, -1 bad date. */
int	xj_wf_weekdays_after(const char *from, int n, char out[XJ_WF_DATE]);
/* Today's Beijing date. */
void	xj_wf_today(char out[XJ_WF_DATE]);

#endif
