/* registration.h -- collection registrations (R-COL-2..6): the row, its
 * guardians, the child's claim (one live registration per child), the
 * status history and state transitions as conditional updates. Identity
 * and phone numbers arrive and leave as ciphertext (crypto/field.h). */
#ifndef XJ_STORE_REGISTRATION_H
#define XJ_STORE_REGISTRATION_H

#include <stddef.h>
#include "domain/regstate.h"
#include "domain/window.h"
#include "store/org.h"

struct xj_db;
struct xj_arena;
struct xj_idem;

#define XJ_REG_MAX_GUARDIANS	4
/* an encrypted number: 32 characters of up to 4 bytes (L3) and the 33
 * bytes of field.h, rounded up; the columns are VARBINARY(192) (0011) */
#define XJ_CT_MAX		192

/* The row identity that the ciphertexts of a registration (guardian < 0)
 * or of its guardian number `guardian` are bound to (crypto/field.h,
 * review L1): the pre-registration number, "/" and the guardian's idx. */
#define XJ_REG_ROW_MAX		24
void	xj_reg_row(const char *prereg, int guardian, char out[XJ_REG_ROW_MAX]);

struct xj_guardian_rec {
	char		 relation[16];
	char		 relation_desc[129];
	char		 name[257];
	char		 doc_type[2];		/* "" = none given */
	unsigned char	 idn_ct[XJ_CT_MAX];
	unsigned long	 idn_ct_len;		/* 0 = none */
	unsigned char	 phone_ct[XJ_CT_MAX];
	unsigned long	 phone_ct_len;
	char		 employer[513];
	/* the form's numbers until parent/regform.c seals them for the row */
	const char	*idn_pt, *phone_pt;
};

struct xj_reg_rec {
	unsigned long long	 id;
	char			 prereg[17];
	int			 year;
	char			 county[7];
	unsigned		 school_org_id;		/* 0 = none */
	unsigned long long	 parent_id;
	struct xj_reg_pos	 pos;
	unsigned		 version;
	int			 local_family;
	char			 special_category[33];	/* "" = none */
	unsigned char		 child_bidx[32];
	char			 child_name[257];
	char			 sex[2];
	char			 birth_date[11];
	char			 doc_type[2];
	unsigned char		 idn_ct[XJ_CT_MAX];
	unsigned long		 idn_ct_len;
	const char		*idn_pt;	/* as g[].idn_pt */
	char			 ethnicity[3];
	char			 nationality[129];
	char			 hukou_nature[17];
	char			 hukou_code[13];
	char			 birthplace[513];
	char			 native_place[513];
	char			 current_address[801];
	char			 home_address[801];
	char			 contact_address[801];
	int			 left_behind;
	int			 migrant_worker_child;
	unsigned		 distance_dm;
	int			 age_warning;
	unsigned		 notice_version;	/* privacy notice accepted; 0: none recorded */
	char			 study_permit[33];
	char			 created_at[20];
	char			 updated_at[20];
	size_t			 nguardians;
	struct xj_guardian_rec	 g[XJ_REG_MAX_GUARDIANS];
};

/* A new registration (state, cert from rec->pos, version 1) with the
 * child's claim, its guardians, the "registered" event (detail) and, when
 * psb is set and the child has a document number, the PSB request -- in
 * the caller's transaction: one CALL (sql/0008) and one read of the new
 * id (rec->id). XJ_E_CONFLICT: the pre-registration number is taken (draw
 * another); XJ_E_DUPLICATE_CHILD: a live registration holds the child
 * (R-COL-2, any worker, any Galera node). */
int	xj_reg_insert(struct xj_db *, struct xj_reg_rec *, const char *detail, int psb);

struct xj_reg_create_in {
	const char		*request_id;
	const char		*client_addr;
	struct xj_idem		*idem;		/* NULL without Idempotency-Key; the
						   key keeps the prereg number (H3) */
	/* issue 10 (A: cap): the account's limits, 0 = none (sql/0009) */
	int			 cap;		/* live registrations per year */
	int			 rate;		/* creates per rate_window seconds */
	int			 rate_window;
	long			 retry_after;	/* out: with XJ_E_REG_RATE */
};
/* A parent's new registration as its own transaction, in one round trip
 * (procedure xj_reg_create): what xj_reg_insert writes (with the PSB
 * request), the idempotent answer and the audit entry. Not inside another
 * transaction. XJ_OK; XJ_NO_ROW: the key was answered before
 * (idem->replay_* set); XJ_E_CONFLICT and XJ_E_DUPLICATE_CHILD as for
 * xj_reg_insert; XJ_E_IDEM_REUSED; XJ_E_REG_LIMIT past the cap,
 * XJ_E_REG_RATE past the rate (retry_after set); XJ_RETRY (deadlock: run it again); or a
 * db error. rec->id is not set. */
int	xj_reg_create(struct xj_db *, struct xj_arena *, const struct xj_reg_rec *,
	    struct xj_reg_create_in *);

/* What a new registration is checked against, read in one round trip:
 * the parent's account (session generation), the county and the school
 * asked for (id 0: no such org; school_code "" asks for none), the
 * collection window that applies (R-COL-1, most specific of county, city,
 * province) and the province's age rule (R-COL-8). */
struct xj_reg_ctx {
	int			 account;	/* 0: no such parent account */
	unsigned		 session_gen;
	struct xj_org		 county;
	struct xj_org		 school;
	int			 has_window;
	struct xj_window	 window;
	int			 has_age;
	int			 min_age, cutoff_month, cutoff_day;
	unsigned		 notice_version;	/* the privacy notice in force; 0: none */
};
int	xj_reg_context(struct xj_db *, unsigned long long parent, const char *county6,
	    const char *school_code, int year, struct xj_reg_ctx *);
int	xj_reg_insert_guardians(struct xj_db *, const struct xj_reg_rec *);
/* R-COL-2: claim the child for this registration; XJ_E_CONFLICT when a
 * live registration holds it (any worker, any Galera node). */
int	xj_reg_claim(struct xj_db *, const unsigned char *bidx, unsigned long long reg_id);
int	xj_reg_unclaim(struct xj_db *, unsigned long long reg_id);
/* Read a registration with its guardians: XJ_OK or XJ_NO_ROW. */
int	xj_reg_get(struct xj_db *, const char *prereg, struct xj_reg_rec *);
/* Move from `from` to `to` if the row is still at `from`: XJ_OK, or
 * XJ_E_CONFLICT when another request moved it first. */
int	xj_reg_move(struct xj_db *, unsigned long long id, struct xj_reg_pos from,
	    struct xj_reg_pos to);
int	xj_reg_event(struct xj_db *, unsigned long long id, const char *event,
	    const char *state, const char *detail);
struct xj_reg_summary {
	char	prereg[17];
	char	county[7];
	char	state[25];
	char	cert[17];
	char	child_name[257];
	char	created_at[20];
	char	doc_type[2];
	long long idn_ct_len;	/* xj_reg_noid: the state's words differ without a number */
};
/* The parent's registrations, newest first (at most 50), each to fn. */
int	xj_reg_list_by_parent(struct xj_db *, unsigned long long parent_id,
	    void (*fn)(const struct xj_reg_summary *, void *), void *arg);
/* A correction (R-COL-4/5): rewrite the row from rec (same district),
 * version + 1, moving from `from` to rec->pos; XJ_E_CONFLICT when the
 * row changed meanwhile. Guardians are replaced. */
int	xj_reg_update(struct xj_db *, const struct xj_reg_rec *rec, struct xj_reg_pos from,
	    unsigned version);
/* Open verification requests of the registration no longer count. */
int	xj_reg_psb_supersede(struct xj_db *, unsigned long long id);

struct xj_change_row {
	unsigned long long	 id;
	char			 from_county[7];
	char			 to_county[7];
	char			 state[17];
	char			 reason[1021];
	char			 requested_at[20];
	char			 decided_at[20];
};
/* R-COL-4 district change requests. open: requests not yet decided. */
int	xj_change_open_count(struct xj_db *, unsigned long long reg_id, long long *n);
int	xj_change_insert(struct xj_db *, unsigned long long reg_id, const char *from,
	    const char *to, const char *reason);
int	xj_change_list(struct xj_db *, unsigned long long reg_id,
	    void (*fn)(const struct xj_change_row *, void *), void *arg);
struct xj_reg_event_row {
	unsigned long long id;	/* set by xj_reg_status_read only */
	char	at[20];		/* UTC */
	char	event[33];
	char	state[25];
	char	detail[1021];
};
/* The status poll's single query (XJ_Q_REG_STATUS): *found = 0 when the
 * account is gone; *gen its session generation; rec->id = 0 when the
 * registration is not this parent's (or does not exist); otherwise
 * rec->pos, rec->local_family, rec->doc_type and rec->idn_ct_len (the
 * number's length only, never the ciphertext: enough for xj_reg_noid) set
 * and fn called per event in no
 * particular order (sort by e->id for the history). */
int	xj_reg_status_read(struct xj_db *, unsigned long long parent_id,
	    const char *prereg, int *found, unsigned *gen, struct xj_reg_rec *rec,
	    void (*fn)(const struct xj_reg_event_row *, void *), void *arg);
/* Queue an identity verification (R-COL-5) for this version. */
int	xj_reg_psb_enqueue(struct xj_db *, unsigned long long id, unsigned version);

#endif
