/* workflow.h -- the engine's functions the chains' own handlers share
 * (school/workflow.c; the transfer chain in school/transfer.c). */
#ifndef XJ_SCHOOL_WORKFLOW_H
#define XJ_SCHOOL_WORKFLOW_H

#include <yajl/yajl_gen.h>

#include "core/str.h"
#include "store/workflow.h"

struct xj_db;
struct xj_req;

/* The province code of an org path: its first component. */
void	xj_wf_province_of(const char *path, char out[7]);
/* Open step s of case wf with its deadline counted from today. */
int	xj_wf_open_step(struct xj_db *, unsigned long long wf, const char *province,
	    const struct xj_wf_step *s, const char *today);
/* Approve step seq as the request's actor (inside the caller's
 * transaction, the case locked): its effect, then the next step opens or
 * the case closes approved. XJ_E_WF_STEP_DECIDED when it is not open. */
int	xj_wf_approve(struct xj_db *, struct xj_req *, const struct xj_wf_case *,
	    const struct xj_wf_step *steps, int n, int seq, const char *reason);
/* Reject step seq (the caller's transaction, the case locked): the
 * decision hook, the case closed rejected, the initiator's notice. */
int	xj_wf_reject(struct xj_db *, struct xj_req *, const struct xj_wf_case *,
	    const struct xj_wf_step *steps, int n, int seq, const char *reason);
/* The orgs of a case's parties (a status change: the student's school
 * and county on both sides). */
struct xj_wf_parties {
	const struct xj_wf_org	*recv_school, *recv_county, *send_school, *send_county, *above;
};
/* Start a case of the chain defs[0..n) inside the caller's transaction:
 * the case (w's parties are filled from p), its steps, step 1 (the
 * initiator's application) decided by the request's actor, step 2 open
 * with its deadline, the audit entry `action`. XJ_OK with *id;
 * XJ_E_CONFLICT when the subject has a case open. A new kind of chain is
 * its rows and a handler calling this. */
int	xj_wf_start(struct xj_db *, struct xj_req *, struct xj_wf_new *w,
	    const struct xj_wf_def *defs, int n, const struct xj_wf_parties *p, const char *action,
	    unsigned long long *id);
/* Start a case whose application was made elsewhere (a request the
 * ministry relayed from another province, issue 13 item 7) inside the
 * caller's transaction: the case and its steps, step 1 open with its
 * deadline, nobody's decision; no audit entry (the caller's). Parties of
 * the other deployment are orgs with id 0 and may name no step.
 * XJ_E_CONFLICT when the subject has a case open. */
int	xj_wf_start_received(struct xj_db *, struct xj_wf_new *w, const struct xj_wf_def *defs,
	    int n, const struct xj_wf_parties *p, unsigned long long *id);
/* The case with its steps as JSON (the school's view). */
void	xj_wf_gen_case(yajl_gen, const struct xj_wf_case *, const struct xj_wf_step *, int n,
	    const char *today);
/* Answer `status` with the case {id}. */
int	xj_wf_answer(struct xj_req *, unsigned long long id, int status);

/* transfer.c: the effect "transfer_pull" (R-MOV-4) */
int	xj_transfer_pull(struct xj_db *, struct xj_req *, const struct xj_wf_case *);
/* statuschange.c: the effect "status_apply" (R-MOV-6, R-REC-3) */
int	xj_status_change_apply(struct xj_db *, struct xj_req *, const struct xj_wf_case *);

/* xmove.c: cross-province moves, the receiving side (issue 13 item 7).
 * A chain with an exchange step runs only as one of these. */
int	xj_xmove_chain(const char *type);
/* What the receiving school claims (the sending side checks it). */
struct xj_xmove_claim {
	char			 student_no[20];
	char			 name[257];
	char			 from_school[11], from_county[7];
	char			 reason[801];
	char			 class_code[8];
	int			 graduation_year;	/* 0: a transfer */
	unsigned long long	 local_id;	/* a record of ours, status transferred */
};
/* Start the case (validated form): answers 201 with the case. */
int	xj_xmove_start(struct xj_req *, const struct xj_xmove_claim *);
/* school/transfer.c: the starting account's guess limit (refusals 2001,
 * local and the other provinces' answers): XJ_OK or XJ_E_LOOKUP_LIMITED */
int	xj_transfer_guesses(struct xj_req *);
/* the effect "xmove_request": the receiving county approved */
int	xj_xmove_request(struct xj_db *, struct xj_req *, const struct xj_wf_case *);
/* the case view's "exchange" member */
int	xj_xmove_gen_detail(yajl_gen, struct xj_req *, const struct xj_wf_case *);
/* the sending school's code of a case of ours */
int	xj_xmove_from_code(struct xj_db *, unsigned long long wf, char code[13]);
/* form checks: a 10-digit school code, a 6-digit county code */
int	xj_xmove_check_school(struct xj_str);
int	xj_xmove_check_county(struct xj_str);
void	xj_xmove_trim(char *);
/* exchange/xsend.c (issue 13 item 7): the effect "dossier_send" (the
 * Dossier of a cross-province move, the record transferred out), the
 * decision hook (a TransferDecision per decided step) and the case view's
 * detail (who asks) */
int	xj_xsend_dossier(struct xj_db *, struct xj_req *, const struct xj_wf_case *);
int	xj_xsend_decided(struct xj_db *, struct xj_req *, const struct xj_wf_case *,
	    const struct xj_wf_step *, int approved, const char *reason);
int	xj_xsend_gen_detail(yajl_gen, struct xj_req *, const struct xj_wf_case *);

#endif
