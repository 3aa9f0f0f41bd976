/* admission.h -- admission (入学, R-ADM-1..3): a school's view of an
 * applicant, the documents it checked (R-COL-12), the tick (打钩) that
 * pre-admits a child -- one school per child, the admission row's primary
 * key -- the school's admission lists and the county's decisions, the
 * admission notice; and the counties' side of district changes after the
 * window (R-COL-4). Store functions only: no HTTP, no rules beyond the
 * conditional updates that make races safe. */
#ifndef XJ_STORE_ADMISSION_H
#define XJ_STORE_ADMISSION_H

#include <stddef.h>
#include "domain/regstate.h"
#include "store/registration.h"

struct xj_db;

struct xj_applicant {
	unsigned long long	 reg_id;
	char			 prereg[17];
	int			 year;
	char			 county[7];
	struct xj_reg_pos	 pos;
	int			 local_family;
	char			 child_name[257];
	char			 sex[2];
	char			 birth_date[11];
	char			 doc_type[2];
	unsigned char		 idn_ct[XJ_CT_MAX];
	unsigned long		 idn_ct_len;
	char			 hukou_code[13];
	char			 study_permit[33];
	int			 age_warning;
	unsigned long long	 parent_id;
	unsigned		 reg_school_id;		/* registration.school_org_id, 0 = none */
	/* the admission row; adm_state "" = not ticked */
	unsigned		 adm_school_id;
	char			 adm_state[13];		/* ticked listed returned approved admitted */
	char			 adm_reason[256];
	unsigned long long	 list_id;
	unsigned		 chosen_school_id;
	char			 ticked_at[20];		/* UTC */
	char			 admitted_at[20];
	char			 notice_no[33];
	/* set by the school's scope check (M5): "chosen", "form_token",
	 * "id_number" -- how this school may see the child */
	const char		*access;
	char			 guardian_link[13];	/* PSB: parent household none unknown; "" = not answered */
};

/* XJ_OK, XJ_NO_ROW or a db error. _lock takes the registration (and its
 * admission row) FOR UPDATE in the caller's transaction. */
int	xj_adm_applicant(struct xj_db *, const char *prereg, struct xj_applicant *);
int	xj_adm_applicant_lock(struct xj_db *, unsigned long long reg_id, struct xj_applicant *);
/* A school's territorial county code (属地, R-ORG-1): XJ_OK or XJ_NO_ROW. */
int	xj_adm_school_county(struct xj_db *, unsigned school_id, char county[7]);

/* Documents checked (R-COL-12): items comma-separated. */
int	xj_adm_docs_get(struct xj_db *, unsigned long long reg_id, unsigned school_id,
	    char items[256], char note[256], char checked_at[20], char checker[65]);
int	xj_adm_docs_put(struct xj_db *, unsigned long long reg_id, unsigned school_id,
	    const char *items, const char *note, unsigned long long actor);

/* The tick: XJ_OK or XJ_E_CONFLICT when another school holds the child. */
int	xj_adm_tick(struct xj_db *, unsigned long long reg_id, unsigned school_id,
	    const char *county, unsigned chosen_school_id, unsigned long long actor);
/* Untick: XJ_OK, or XJ_E_CONFLICT when the row is not this school's or
 * is listed or decided. */
int	xj_adm_untick(struct xj_db *, unsigned long long reg_id, unsigned school_id);
int	xj_adm_reg_school(struct xj_db *, unsigned long long reg_id, unsigned school_id);

struct xj_adm_list {
	unsigned long long	 id;
	unsigned		 school_id;
	char			 school_code[13];
	char			 school_name[401];
	char			 school_path[129];
	char			 county[7];
	char			 county_path[129];
	char			 state[13];		/* submitted deciding decided */
	unsigned		 children, approved, returned;
	char			 submitted_at[20];	/* UTC */
	char			 decided_at[20];
};

/* Put every ticked or returned child of the school into a new list: the
 * list id, and *n children (0: nothing to submit; the caller rolls back). */
int	xj_adm_list_create(struct xj_db *, unsigned school_id, const char *county,
	    unsigned long long actor, unsigned long long *id, unsigned *n);
int	xj_adm_list_get(struct xj_db *, unsigned long long id, struct xj_adm_list *);
/* The list's state, FOR UPDATE. */
int	xj_adm_list_lock(struct xj_db *, unsigned long long id, char state[13]);
/* Lists of schools under `path` or of counties under it, newest first. */
int	xj_adm_lists(struct xj_db *, const char *path, const char *state,
	    void (*fn)(const struct xj_adm_list *, void *), void *arg);

struct xj_adm_child {
	unsigned long long	 reg_id;
	char			 prereg[17];
	char			 child_name[257];
	char			 sex[2];
	char			 birth_date[11];
	int			 local_family;
	char			 reg_state[25];
	char			 state[13];
	char			 reason[256];
};
int	xj_adm_list_children(struct xj_db *, unsigned long long list_id,
	    void (*fn)(const struct xj_adm_child *, void *), void *arg);
/* A child of a submitted list: approved or returned. XJ_E_CONFLICT when it
 * is no longer listed there. */
int	xj_adm_decide_child(struct xj_db *, unsigned long long reg_id, unsigned long long list_id,
	    const char *state, const char *reason);
int	xj_adm_set_student(struct xj_db *, unsigned long long reg_id, unsigned long long student_id);
/* A list is decided in chunks, one transaction each: up to `max` children
 * still listed on it, registration id order (*n of them); every child on
 * it with its admission state, to fn; a chunk that leaves children listed
 * adds its counts and marks the list deciding (_advance), the last one
 * adds its counts and closes it (_close). Both: XJ_E_CONFLICT when the
 * list is decided already. */
int	xj_adm_list_pending(struct xj_db *, unsigned long long list_id, unsigned max,
	    unsigned long long *ids, unsigned *n);
int	xj_adm_list_outcomes(struct xj_db *, unsigned long long list_id,
	    void (*fn)(const char *prereg, const char *state, void *), void *arg);
int	xj_adm_list_advance(struct xj_db *, unsigned long long id, unsigned approved,
	    unsigned returned);
int	xj_adm_list_close(struct xj_db *, unsigned long long id, unsigned approved,
	    unsigned returned, unsigned long long actor);

/* The admission notice number LQ + school code (10) + year (4) + 5-digit
 * sequence per school and year, and the admission row admitted. */
#define XJ_NOTICE_NO_LEN	21
int	xj_adm_admit(struct xj_db *, unsigned long long reg_id, unsigned school_id,
	    const char *school_code, int year, char out[XJ_NOTICE_NO_LEN + 1]);

/* ---- staff accounts (R-ORG-3) ---- */
struct xj_staff_target {
	unsigned long long	 id;
	char			 status[16];
	char			 role[16];
	char			 org_path[129];
};
int	xj_adm_staff_get(struct xj_db *, const char *login, struct xj_staff_target *);
/* An open org by kind and code: XJ_OK with id and path, or XJ_NO_ROW. */
int	xj_adm_org_get(struct xj_db *, const char *kind, const char *code, unsigned *id,
	    char path[129]);
/* Disable and end its session: XJ_E_CONFLICT when already disabled. */
int	xj_adm_staff_disable(struct xj_db *, unsigned long long id);

/* ---- district changes after the window (R-COL-4) ---- */
struct xj_change_case {
	unsigned long long	 id;
	unsigned long long	 reg_id;
	char			 prereg[17];
	char			 child_name[257];
	char			 from_county[7];
	char			 to_county[7];
	char			 state[17];		/* requested revoked approved refused */
	char			 reason[1021];
	char			 decision_reason[1021];
	char			 requested_at[20];	/* UTC */
	char			 revoked_at[20];
	char			 decided_at[20];
	char			 new_prereg[17];
	char			 from_path[129];
	char			 to_path[129];
};
int	xj_adm_change_get(struct xj_db *, unsigned long long id, struct xj_change_case *);
int	xj_adm_change_queue(struct xj_db *, const char *path, const char *state,
	    void (*fn)(const struct xj_change_case *, void *), void *arg);
/* Conditional moves: XJ_E_CONFLICT when the request is no longer `from`. */
int	xj_adm_change_revoke(struct xj_db *, unsigned long long id, unsigned long long actor);
int	xj_adm_change_decide(struct xj_db *, unsigned long long id, const char *from,
	    const char *to, unsigned long long actor, const char *reason,
	    unsigned long long new_reg_id);

#endif
