/* results.c -- POST /callback/psb/v1/results (docs/psb.md §4, §5): the
 * PSB gateway's answers. The body is validated whole first (a refused
 * body applies nothing); then each result is decided in its own
 * transaction, in order, by the first rule that holds:
 *
 *   1. no such verification_id                     refused  unknown_request
 *   2. answered before with the same answer        duplicate
 *   3. answered before with another answer         refused  conflicting_result
 *   4. superseded, corrected since (version), or
 *      the state table refuses the event           refused  stale_request
 *   5. otherwise                                   applied
 *
 * Rule 2 comes before 4, so a retried delivery of an answer that took
 * effect is a duplicate even after the parent corrected the data. An
 * applied answer stores the outcome, moves the registration by the state
 * table (R-COL-5: match -> printable or the certificate track, mismatch ->
 * id_mismatch, not_found -> id_rejected), records the history event and
 * the audit entry, all in one commit. Refusals are logged with the reason
 * and the verification id, which carries no personal data.
 *
 * Protocol version 2 adds guardian_link per result (docs/psb.md §4): what
 * PSB found between the child and the first guardian -- parent,
 * household, none, unknown. It is stored on the request (a resend must
 * say the same to be a duplicate) and on the registration, where the
 * school sees it; a result without it (a version-1 gateway) is read as
 * unknown. An unconfirmed link never changes the state (review H1:
 * relatives may be guardians). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/regstate.h"
#include "store/audit.h"
#include "store/psb.h"
#include "store/registration.h"
#include "psb.h"

#define MAX_RESULTS	1000	/* [collection] psb_batch_max's ceiling; the setting is checked too */
#define VID_MAX		64

/* mismatched_fields, in the order they are stored and shown */
static const char *const FIELDS[] = { "name", "sex", "birth_date", "id_number" };
#define NFIELDS		(sizeof(FIELDS) / sizeof(FIELDS[0]))

static const struct {
	const char		*name;
	enum xj_reg_event	 ev;
} OUTCOMES[] = {
	{ "match", XJ_REV_PSB_MATCH },
	{ "mismatch", XJ_REV_PSB_MISMATCH },
	{ "not_found", XJ_REV_PSB_NOT_FOUND },
};
#define NOUTCOMES	(sizeof(OUTCOMES) / sizeof(OUTCOMES[0]))

/* guardian_link (protocol 2): the first guardian is the child's parent,
 * on the same household register, neither, or PSB cannot tell */
static const char *const LINKS[] = { "parent", "household", "none", "unknown" };
#define NLINKS		(sizeof(LINKS) / sizeof(LINKS[0]))

struct result_in {
	struct xj_str	 verification_id;
	struct xj_str	 outcome;
	struct xj_str	*fields;
	size_t		 nfields;
	struct xj_str	 guardian_link;
};

struct results_in {
	struct result_in	*results;
	size_t			 n;
};

/* Opaque, chosen by us: 1..64 of [A-Za-z0-9_-] (docs/psb.md §3). */
static int
vid_check(struct xj_str s)
{
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return XJ_E_F_FORMAT;
	}
	return XJ_OK;
}

static int
outcome_index(struct xj_str s)
{
	for (size_t i = 0; i < NOUTCOMES; i++)
		if (xj_str_eq(s, OUTCOMES[i].name))
			return (int)i;
	return -1;
}

static int
outcome_check(struct xj_str s)
{
	return outcome_index(s) < 0 ? XJ_E_F_CODE : XJ_OK;
}

static int
field_index(struct xj_str s)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (xj_str_eq(s, FIELDS[i]))
			return (int)i;
	return -1;
}

static int
field_check(struct xj_str s)
{
	return field_index(s) < 0 ? XJ_E_F_CODE : XJ_OK;
}

static int
link_check(struct xj_str s)
{
	for (size_t i = 0; i < NLINKS; i++)
		if (xj_str_eq(s, LINKS[i]))
			return XJ_OK;
	return XJ_E_F_CODE;
}

static const struct xj_field result_fields[] = {
	{ "verification_id", XJ_F_STR, XJ_REQ, 1, VID_MAX, vid_check,
	  offsetof(struct result_in, verification_id), NULL, 0, 0, 0 },
	{ "outcome", XJ_F_STR, XJ_REQ, 1, 16, outcome_check,
	  offsetof(struct result_in, outcome), NULL, 0, 0, 0 },
	{ "mismatched_fields", XJ_F_STRS, XJ_OPT, 0, NFIELDS, field_check,
	  offsetof(struct result_in, fields), NULL, 0, offsetof(struct result_in, nfields), 0 },
	{ "guardian_link", XJ_F_STR, XJ_OPT, 1, 16, link_check,
	  offsetof(struct result_in, guardian_link), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static const struct xj_field results_fields[] = {
	{ "results", XJ_F_ARR, XJ_REQ, 0, MAX_RESULTS, NULL,
	  offsetof(struct results_in, results), result_fields, sizeof(struct result_in),
	  offsetof(struct results_in, n), 0 },
	XJ_FIELD_END
};

enum status { ST_APPLIED, ST_DUPLICATE, ST_REFUSED };
static const char *const STATUS[] = { "applied", "duplicate", "refused" };

/* One result: input in canonical form, and what became of it. */
struct apply {
	struct xj_req		*r;
	char			 vid[VID_MAX + 1];
	const char		*outcome;
	enum xj_reg_event	 ev;
	char			 fields[64];	/* "name,birth_date"; "" = none */
	const char		*link;		/* one of LINKS; "" = not given */
	/* set by apply_tx */
	enum status		 status;
	int			 code;		/* XJ_E_PSB_* when refused */
	char			 stored[13];	/* the earlier outcome (conflicting_result) */
	struct xj_psb_req	 req;
	struct xj_psb_target	 tgt;
};

/* Cross-field rules, then the canonical answer: mismatched_fields only
 * with mismatch, never repeated, stored in the order of FIELDS so that a
 * resend in any order compares equal. */
static void
cross_check(struct xj_req *r, const struct result_in *in, size_t i, struct xj_ferrs *fe)
{
	char path[64];
	unsigned seen = 0;
	int oc = outcome_index(in->outcome);

	snprintf(path, sizeof(path), "results[%zu].mismatched_fields", i);
	if (in->outcome.p == NULL || oc < 0)
		return;
	/* not_found: there is no child to relate a guardian to */
	if (OUTCOMES[oc].ev == XJ_REV_PSB_NOT_FOUND && in->guardian_link.p != NULL) {
		char lp[64];
		snprintf(lp, sizeof(lp), "results[%zu].guardian_link", i);
		xj_ferr_add(fe, r->arena, lp, XJ_E_F_NOT_ALLOWED);
	}
	if (OUTCOMES[oc].ev != XJ_REV_PSB_MISMATCH) {
		if (in->fields != NULL)
			xj_ferr_add(fe, r->arena, path, XJ_E_F_NOT_ALLOWED);
		return;
	}
	if (in->nfields == 0) {
		xj_ferr_add(fe, r->arena, path, XJ_E_F_REQUIRED);
		return;
	}
	for (size_t k = 0; k < in->nfields; k++) {
		int f = field_index(in->fields[k]);
		if (f < 0)
			continue;	/* reported by xj_bind */
		if (seen & (1u << f)) {
			xj_ferr_add(fe, r->arena, path, XJ_E_F_DUPLICATE);
			return;
		}
		seen |= 1u << f;
	}
}

static void
canonical(const struct result_in *in, struct apply *a)
{
	unsigned seen = 0;
	size_t len = 0;

	memcpy(a->vid, in->verification_id.p, in->verification_id.len);
	a->vid[in->verification_id.len] = '\0';
	for (size_t i = 0; i < NOUTCOMES; i++)
		if (xj_str_eq(in->outcome, OUTCOMES[i].name)) {
			a->outcome = OUTCOMES[i].name;
			a->ev = OUTCOMES[i].ev;
		}
	for (size_t k = 0; k < in->nfields; k++) {
		int f = field_index(in->fields[k]);
		if (f >= 0)
			seen |= 1u << f;
	}
	a->link = "";
	for (size_t i = 0; in->guardian_link.p != NULL && i < NLINKS; i++)
		if (xj_str_eq(in->guardian_link, LINKS[i]))
			a->link = LINKS[i];
	a->fields[0] = '\0';
	for (size_t f = 0; f < NFIELDS; f++)
		if (seen & (1u << f))
			len += (size_t)snprintf(a->fields + len, sizeof(a->fields) - len, "%s%s",
			    len ? "," : "", FIELDS[f]);
}

static void
answered(struct apply *a)
{
	if (strcmp(a->req.outcome, a->outcome) == 0 && strcmp(a->req.mismatched, a->fields) == 0 &&
	    strcmp(a->req.guardian_link, a->link) == 0) {
		a->status = ST_DUPLICATE;
		return;
	}
	a->code = XJ_E_PSB_CONFLICT;
	snprintf(a->stored, sizeof(a->stored), "%s", a->req.outcome);
}

static int
audit(struct xj_db *db, struct apply *a, struct xj_reg_pos to)
{
	struct xj_actor who = { XJ_ACTOR_PSB, 0, NULL, 0, a->r->id, a->r->client_addr };
	struct xj_audit au = { "psb.result", "registration", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	char before[160], after[320];

	/* canonical JSON of the change; only its digests are stored */
	snprintf(before, sizeof(before), "{\"state\":\"%s\",\"cert\":\"%s\",\"version\":%u}",
	    xj_reg_state_name(a->tgt.pos.state), xj_cert_state_name(a->tgt.pos.cert),
	    a->tgt.version);
	snprintf(after, sizeof(after), "{\"verification_id\":\"%s\",\"outcome\":\"%s\","
	    "\"mismatched_fields\":\"%s\",\"guardian_link\":\"%s\",\"state\":\"%s\","
	    "\"cert\":\"%s\",\"version\":%u}",
	    a->vid, a->outcome, a->fields, a->link, xj_reg_state_name(to.state),
	    xj_cert_state_name(to.cert), a->tgt.version);
	au.target_id = xj_str_c(a->tgt.prereg);
	au.before = xj_str_c(before);
	au.after = xj_str_c(after);
	return xj_audit_append(db, &who, &au);
}

/* The unit of work for one result; re-runnable (state reset on entry). */
static int
apply_tx(struct xj_db *db, void *arg)
{
	struct apply *a = arg;
	struct xj_reg_pos to;
	int rc;

	a->status = ST_REFUSED;
	a->code = 0;
	a->stored[0] = '\0';
	rc = xj_psb_by_token(db, a->vid, strlen(a->vid), &a->req);
	if (rc == XJ_NO_ROW) {
		a->code = XJ_E_PSB_UNKNOWN_REQUEST;
		return XJ_OK;
	}
	if (rc != XJ_OK)
		return rc;
	/* an answer is final: rules 2 and 3 need no lock */
	if (a->req.outcome[0]) {
		answered(a);
		return XJ_OK;
	}
	if (strcmp(a->req.state, "superseded") == 0) {
		a->code = XJ_E_PSB_STALE;
		return XJ_OK;
	}
	/* Lock the registration, then the request, in the order a parent's
	 * correction or cancellation takes them, and decide again: another
	 * delivery or a correction may have come first. */
	rc = xj_psb_target_lock(db, a->req.reg_id, &a->tgt);
	if (rc == XJ_NO_ROW) {
		a->code = XJ_E_PSB_STALE;
		return xj_psb_retire(db, a->req.id);
	}
	if (rc != XJ_OK)
		return rc;
	if ((rc = xj_psb_lock(db, a->req.id, &a->req)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (a->req.outcome[0]) {
		answered(a);
		return XJ_OK;
	}
	if (strcmp(a->req.state, "superseded") == 0) {
		a->code = XJ_E_PSB_STALE;
		return XJ_OK;
	}
	if (a->req.reg_version != a->tgt.version ||
	    xj_reg_next(a->tgt.pos, a->ev, a->tgt.local_family, &to) != XJ_OK) {
		/* corrected since, or no longer waiting (cancelled, void):
		 * this request can never apply */
		a->code = XJ_E_PSB_STALE;
		return xj_psb_retire(db, a->req.id);
	}
	/* both rows are locked: a conflict here would be a bug, rerun */
	if ((rc = xj_psb_answer(db, a->req.id, a->outcome, a->fields, a->link)) != XJ_OK ||
	    (rc = xj_reg_move(db, a->req.reg_id, a->tgt.pos, to)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	/* not_found voids the registration: no link to keep */
	if (a->ev != XJ_REV_PSB_NOT_FOUND && (rc = xj_psb_set_guardian_link(db, a->req.reg_id,
	    a->link[0] ? a->link : "unknown")) != XJ_OK)
		return rc;
	if ((rc = xj_reg_event(db, a->req.reg_id, xj_reg_event_name(a->ev),
	    xj_reg_state_name(to.state), a->fields)) != XJ_OK ||
	    (rc = audit(db, a, to)) != XJ_OK)
		return rc;
	a->status = ST_APPLIED;
	return XJ_OK;
}

static void
log_refusal(const struct apply *a)
{
	const char *reason = xj_err_info(a->code)->code;

	if (a->code == XJ_E_PSB_CONFLICT)
		xj_log(XJ_LOG_WARN, "psb_result_refused", "%s%s%s%s", "reason", reason,
		    "verification_id", a->vid, "stored", a->stored, "offered", a->outcome);
	else
		xj_log(XJ_LOG_WARN, "psb_result_refused", "%s%s", "reason", reason,
		    "verification_id", a->vid);
}

int
xj_psb_results(struct xj_req *r)
{
	struct xj_ferrs fe = { 0 };
	struct results_in in;
	struct apply *a;
	int count[3] = { 0, 0, 0 };
	yajl_gen g;
	int rc;

	if (r->query.len)
		return xj_resp_error(r, XJ_E_BAD_QUERY, NULL);
	memset(&in, 0, sizeof(in));
	rc = xj_bind(r->arena, r->json, results_fields, &in, &fe);
	if (rc != XJ_OK && rc != XJ_E_VALIDATION)
		return rc;
	if (in.results != NULL && in.n > (size_t)xj_psb_conf->psb_batch_max)
		xj_ferr_add(&fe, r->arena, "results", XJ_E_F_TOO_MANY);
	for (size_t i = 0; in.results != NULL && i < in.n; i++)
		cross_check(r, &in.results[i], i, &fe);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((a = xj_calloc(r->arena, in.n ? in.n : 1, sizeof(*a))) == NULL)
		return XJ_E_TOO_COMPLEX;

	/* one transaction per result: what was applied stays applied if a
	 * later one fails, and the gateway's retry reports it duplicate */
	for (size_t i = 0; i < in.n; i++) {
		a[i].r = r;
		canonical(&in.results[i], &a[i]);
		if ((rc = xj_tx_run(r->db, apply_tx, &a[i])) != XJ_OK)
			return rc;
		if (a[i].status == ST_REFUSED)
			log_refusal(&a[i]);
		count[a[i].status]++;
	}
	xj_log(XJ_LOG_INFO, "psb_results", "%d%d%d", "applied", count[ST_APPLIED],
	    "duplicate", count[ST_DUPLICATE], "refused", count[ST_REFUSED]);

	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "results");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < in.n; i++) {
		yajl_gen_map_open(g);
		xj_gen_str(g, "verification_id", a[i].vid);
		xj_gen_str(g, "status", STATUS[a[i].status]);
		if (a[i].status == ST_REFUSED)
			xj_gen_str(g, "code", xj_err_info(a[i].code)->code);
		else
			xj_gen_null(g, "code");
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
