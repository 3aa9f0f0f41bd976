/* xmove.h -- cross-province moves, the receiving side (issue 13 item 7,
 * sql/0033; docs/architecture.md "Cross-province moves: the receiving
 * side"): the case's own row (xmove: the claimed student, the other
 * province's parties, the TransferId, where the request stands), the
 * other province's decisions, the graduate-move windows, and the record a
 * Dossier creates. Store functions only; the caller holds the
 * transaction. */
#ifndef XJ_STORE_XMOVE_H
#define XJ_STORE_XMOVE_H

#include <stddef.h>

struct xj_db;

/* The workflow subject of a claimed number that is no record of ours:
 * 2^62 + a bijective code of the number (G/J/L, 18 characters; below
 * 2^63, as the driver binds signed), so that
 * the engine's unique open_subject keeps one open case per claimed
 * number (code 2002) as it does per record, and never meets a record's
 * id. 0 for a string that is not a student number's form. Pure. */
unsigned long long	xj_xmove_subject(const char *student_no);

/* kind: "transfer" | "graduate" */
struct xj_xmove {
	unsigned long long	 wf;
	char			 transfer_id[41];
	char			 kind[9];
	char			 student_no[20];
	char			 name[257];
	char			 from_school[11], from_county[7], to_school[11], to_county[7];
	int			 graduation_year;	/* 0: a transfer */
	char			 reason[801];
	char			 requested[26];	/* YYYY-MM-DDTHH:MM:SS+08:00 (XMV_GET) */
	char			 request[8];	/* waiting sent */
	unsigned long long	 student_id;	/* 0: no Dossier yet */
};

int	xj_xmove_insert(struct xj_db *, const struct xj_xmove *);
int	xj_xmove_get(struct xj_db *, unsigned long long wf, struct xj_xmove *);
/* The staff account that started case wf (0: none): XJ_OK or XJ_NO_ROW. */
int	xj_xmove_starter(struct xj_db *, unsigned long long wf, unsigned long long *staff);
/* The case of a TransferId, its row locked: XJ_OK or XJ_NO_ROW. */
int	xj_xmove_by_transfer(struct xj_db *, const char *transfer_id, struct xj_xmove *);
/* The request queued as message_id (XJ_OK, or XJ_E_CONFLICT when it was
 * not waiting). */
int	xj_xmove_sent(struct xj_db *, unsigned long long wf, const char *message_id);

struct xj_xmove_decision {
	char	 step[21];
	char	 decision[9];
	char	 code[5];	/* "" = none */
	char	 reason[801];
	char	 decided[26];
};
int	xj_xmove_decision_add(struct xj_db *, unsigned long long wf,
	    const struct xj_xmove_decision *, const char *message_id);
#define XJ_XMOVE_DECISIONS_MAX	16
int	xj_xmove_decisions(struct xj_db *, unsigned long long wf,
	    struct xj_xmove_decision out[XJ_XMOVE_DECISIONS_MAX], int *n);
/* The record the Dossier made; the case's subject becomes it. */
int	xj_xmove_set_student(struct xj_db *, unsigned long long wf, unsigned long long sid);

/* R-MOV-5: the window open in province on today: XJ_OK with *open. */
int	xj_gmw_open(struct xj_db *, const char *province, const char *today, int *open);
int	xj_gmw_set(struct xj_db *, const char *province, const char *from, const char *to,
	    const char *reason);
int	xj_gmw_delete(struct xj_db *, const char *province, const char *from);
int	xj_gmw_list(struct xj_db *, void (*fn)(const char *province, const char *from,
	    const char *to, const char *reason, void *), void *);

/* ---- a record of ours a Dossier brings back (R-MOV-4) ------------------ */
/* (a new record is store/student.h's xj_student_create_direct, as every
 * record that does not come through admission) */
struct xj_xmove_record {
	unsigned		 school;		/* org id: the case's receiving school */
	const char		*county_code;		/* its county's code */
	const char		*student_no, *kind;	/* "G" "J" "L" */
	const char		*name, *sex, *birth, *doc_type;
	const unsigned char	*child_bidx, *person_bidx;	/* person_bidx NULL: none */
	const char		*ethnicity, *nationality, *hukou_code;
	int			 entry_year, level;
	unsigned		 class_id;		/* 0 = none */
	const char		*national_check;	/* issued | due */
};
/* The row sid of ours with status transferred brought back: XJ_OK,
 * XJ_E_CONFLICT when it is not transferred. The identity number's
 * ciphertext is set after (STU_SET_CT: bound to the row). */
int	xj_xmove_revive(struct xj_db *, unsigned long long sid, const struct xj_xmove_record *);
/* 1 when class class_id of school has entry_year and level, 0 if not,
 * <0 an error. */
int	xj_xmove_class_fits(struct xj_db *, unsigned class_id, unsigned school, int entry_year,
	    int level);
int	xj_xmove_set_ct(struct xj_db *, unsigned long long sid, const unsigned char *ct,
	    size_t len);
/* A guardian of the Dossier at place idx: relation one of ours
 * (domain/relation.h), else 其他 with the text in relation_desc. */
int	xj_xmove_guardian(struct xj_db *, unsigned long long sid, int idx, const char *relation,
	    const char *relation_desc, const char *name, const char *doc_type,
	    const unsigned char *idn_ct, size_t idn_len, const unsigned char *phone_ct,
	    size_t phone_len);
/* A history event of the Dossier (at: Beijing "YYYY-MM-DD HH:MM:SS";
 * school 0: not an org of ours), or ours now (XMV_EVENT_NOW). */
int	xj_xmove_event(struct xj_db *, unsigned long long sid, const char *kind, unsigned school,
	    const char *status, unsigned long long wf, const char *note, const char *at);
int	xj_xmove_event_now(struct xj_db *, unsigned long long sid, const char *kind,
	    unsigned school, unsigned long long wf);

/* session 7 (capcase): lock the receiving school's org row (two starts
 * of one school queue here; call it first in the start's transaction)
 * and count its cross-province cases still open with no answer of the
 * other side received: XJ_OK, XJ_NO_ROW (no such org) or an error. */
int	xj_xmove_unanswered_locked(struct xj_db *, unsigned school, long long *n);

#endif
