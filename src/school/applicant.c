/* applicant.c -- a school checks an applicant (R-ADM-1, R-COL-12):
 *   GET  /api/school/v1/applicants/{no}                    200 | 403 | 404 | 422
 *   POST /api/school/v1/applicants/{no}/documents-checked  200 | 403 | 404 | 422
 *   POST /api/school/v1/applicants/{no}/tick               200 | 403 | 404 | 409
 *   POST /api/school/v1/applicants/{no}/untick             200 | 403 | 404 | 409
 * Who: clerks and reviewers of a school (scope.c). Scope (R-ORG-3, review
 * M5): a child registered in the school's territorial county (属地,
 * R-ORG-1) whom the family chose at this school, or whom this school has
 * ticked; any other school of the county sees the child only when the
 * clerk holds the printed form and only once it prints: the form's token
 * (crypto/formtoken.h; header X-Form-Token, the token or the QR code's
 * whole text) or the child's identity number (header X-Child-Id-Number).
 * Every other case answers 404 like a number that does not exist, so a
 * pre-registration number alone tells a school nothing. Headers, not the
 * query string: nginx logs query strings in places, never these headers.
 * Lookups are rate-limited per staff session at nginx (docs/security.md).
 * The school sees the identity check and five-certificate state, never
 * the full ID number; each view is audited (M6).
 *
 * The tick (打钩) pre-admits a printable registration. A child can be
 * ticked by one school only: the transaction locks the registration row,
 * applies the state machine (printable -> school_accepted) with a
 * conditional update, and inserts the admission row whose primary key is
 * the registration; of two schools racing, the second waits on the lock,
 * then finds the child accepted and gets 409 already_ticked (and were the
 * lock ever bypassed, the key would refuse it). Each step writes a
 * registration_event (the parent's status history) and an audit entry in
 * the same transaction (R-ADM-3). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "auth/readaudit.h"
#include "crypto/field.h"
#include "crypto/formtoken.h"
#include "crypto/keys.h"
#include "crypto/fieldmask.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/mask.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "domain/window.h"
#include "store/admission.h"
#include "store/audit.h"
#include "store/student.h"
#include "store/org.h"
#include "school.h"

/* R-COL-12: what a family brings to the school. */
static const char *const local_docs[] = {
	"hukou_book", "residence_proof", "birth_certificate", NULL		/* 三证 */
};
static const char *const nonlocal_docs[] = {
	"work_in_city", "residence_in_city", "hukou_book", "residence_permit",
	"no_guardian_at_home", NULL						/* 五证 */
};
#define DOC_EXTRA	"collection_form"	/* the printed 信息采集表, either family */

void
xj_school_time(const char *utc, char out[26])
{
	xj_datetime_format_db(utc, out);	/* the one time format (domain/window.h) */
}

void
xj_school_gen_time(yajl_gen g, const char *key, const char *utc)
{
	char t[26];

	xj_school_time(utc, t);
	xj_gen_str(g, key, t[0] ? t : NULL);
}

void
xj_school_gen_student_no(yajl_gen g, const char *key, const char *no)
{
	char out[1 + XJ_MASK_CAP];

	xj_mask_student_no(no, out, sizeof(out));
	xj_gen_str(g, key, out);
}

int
xj_school_audit(struct xj_db *db, struct xj_req *r, const char *action, const char *type,
    const char *id, struct xj_str after)
{
	struct xj_actor who = { XJ_ACTOR_STAFF, r->actor_id, r->actor_role, r->actor_org,
	    r->id, r->client_addr };
	struct xj_audit a = { action, type, xj_str_c(id), XJ_STR_NULL, after };

	return xj_audit_append(db, &who, &a);
}

/* M5: wrong forms a staff account may present within PROOF_WINDOW
 * seconds before lookups with a form are refused (429): enough for typos
 * at a busy counter, far too few to guess an identity number (the
 * birth-date and sequence digits leave ~10^5 candidates for a known
 * pre-registration number). */
#define PROOF_FAILS	10
#define PROOF_WINDOW	600

/* The child's identity number as the clerk typed it: spaces dropped,
 * upper case; 1 when it is the registered number. */
static int
id_matches(const struct xj_applicant *ap, const char *typed)
{
	char pt[XJ_DOCNO_MAX_BYTES + 1], in[XJ_DOCNO_MAX_BYTES + 1], row[XJ_REG_ROW_MAX];
	size_t n = 0, k = 0;
	int ok;

	for (; *typed && k < sizeof(in) - 1; typed++)
		if (*typed != ' ')
			in[k++] = (char)(*typed >= 'a' && *typed <= 'z' ? *typed - 'a' + 'A' : *typed);
	if (k == 0 || *typed || ap->idn_ct_len == 0 ||
	    (xj_reg_row(ap->prereg, -1, row),
	    xj_field_decrypt(xj_auth_keys(), "registration.id_number", row, ap->idn_ct,
	    ap->idn_ct_len, pt, sizeof(pt) - 1, &n)) != 0)
		return 0;
	ok = n == k && CRYPTO_memcmp(pt, in, n) == 0;
	OPENSSL_cleanse(pt, sizeof(pt));
	OPENSSL_cleanse(in, sizeof(in));
	return ok;
}

/* M5: what the clerk presents of the printed form. The QR code's text is
 * "<prereg_no>-<token>"; the token alone (typed from the print) also
 * works. 1 token, 2 identity number, 0 nothing, -1 a wrong one. */
static int
presented(struct xj_req *r, const struct xj_applicant *ap)
{
	const char *tok = xj_req_param(r, "HTTP_X_FORM_TOKEN");
	const char *idn = xj_req_param(r, "HTTP_X_CHILD_ID_NUMBER");
	size_t plen = strlen(ap->prereg), n;

	if (tok != NULL && *tok) {
		n = strlen(tok);
		if (n > plen + 1 && strncmp(tok, ap->prereg, plen) == 0 && tok[plen] == '-') {
			tok += plen + 1;
			n -= plen + 1;
		}
		return xj_form_token_check(xj_keyring_current(&xj_auth_keys()->blind, NULL), ap->prereg, tok, n) ? 1 : -1;
	}
	if (idn != NULL && *idn)
		return id_matches(ap, idn) ? 2 : -1;
	return 0;
}

int
xj_school_applicant_load(struct xj_req *r, const struct xj_school_actor *a, struct xj_str no,
    struct xj_applicant *ap)
{
	struct xj_ferrs fe = { 0 };
	struct xj_prereg p;
	long long fails = 0;
	char retry[16];
	int rc, how, proof;

	if ((rc = xj_prereg_parse(no, &p)) != XJ_OK) {
		xj_ferr_add(&fe, r->arena, "prereg_no", rc);
		return xj_resp_ferrs(r, &fe);
	}
	/* a clerk who keeps presenting wrong forms is guessing: stop the
	 * account before the next guess, whichever worker or nginx host it
	 * reaches */
	proof = xj_req_param(r, "HTTP_X_FORM_TOKEN") != NULL ||
	    xj_req_param(r, "HTTP_X_CHILD_ID_NUMBER") != NULL;
	if (proof) {
		if ((rc = xj_audit_count_recent(r->db, XJ_ACTOR_STAFF, r->actor_id,
		    "applicant.proof_refused", PROOF_WINDOW, &fails)) != XJ_OK)
			return rc;
		if (fails >= PROOF_FAILS) {
			snprintf(retry, sizeof(retry), "%d", PROOF_WINDOW);
			xj_resp_header(r, "Retry-After", retry);
			return XJ_E_LOOKUP_LIMITED;
		}
	}
	if ((rc = xj_adm_applicant(r->db, p.canon, ap)) != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	ap->access = NULL;
	if (rc == XJ_NO_ROW || !a->school || strcmp(ap->county, a->county) != 0)
		goto refuse;	/* R-ORG-3: only a school of the child's territorial county */
	/* M5: the family's choice, or the school holding the child */
	if (a->org.id == ap->reg_school_id || a->org.id == ap->chosen_school_id ||
	    a->org.id == ap->adm_school_id) {
		ap->access = "chosen";
		return XJ_OK;
	}
	/* any other school: the printed form, and only a form that prints */
	if (!xj_reg_form_printable(ap->pos.state) || (how = presented(r, ap)) <= 0)
		goto refuse;
	ap->access = how == 1 ? "form_token" : "id_number";
	return XJ_OK;
refuse:
	/* a form that did not open this child is recorded, so that guessing
	 * shows in the trail and counts against the account (above) */
	if (proof && (rc = xj_audit_read(r, "applicant.proof_refused", "registration", p.canon,
	    NULL, 0)) != XJ_OK)
		return rc;
	return XJ_E_NOT_FOUND;
}

/* H2: the one rule of domain/mask.h (the area code of a type-1 number,
 * since the birth date and sex are shown beside it). */
static void
masked(const struct xj_applicant *ap, char out[XJ_MASK_CAP])
{
	char row[XJ_REG_ROW_MAX];

	xj_reg_row(ap->prereg, -1, row);
	xj_field_masked(xj_auth_keys(), "registration.id_number", row, ap->idn_ct,
	    ap->idn_ct_len, ap->doc_type[0], out, XJ_MASK_CAP);
}

static const char *
identity(enum xj_reg_state s)
{
	switch (s) {
	case XJ_REG_SUBMITTED:		return "pending";
	case XJ_REG_ID_MISMATCH:	return "mismatch";
	case XJ_REG_ID_REJECTED:	return "rejected";
	case XJ_REG_CANCELLED:
	case XJ_REG_VOID:		return NULL;
	default:			return "verified";
	}
}

static void
gen_list(yajl_gen g, const char *key, const char *const *l)
{
	xj_gen_key(g, key);
	yajl_gen_array_open(g);
	for (; *l; l++)
		yajl_gen_string(g, (const unsigned char *)*l, strlen(*l));
	yajl_gen_array_close(g);
}

/* items "a,b,c" holds every required document */
static int
complete(const char *items, const char *const *req)
{
	for (; *req; req++) {
		const char *p = items;
		size_t n = strlen(*req);
		int found = 0;
		while (p && *p) {
			if (strncmp(p, *req, n) == 0 && (p[n] == ',' || p[n] == '\0'))
				found = 1;
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int
view(struct xj_req *r, const struct xj_school_actor *a, const struct xj_applicant *ap)
{
	const char *const *req = ap->local_family ? local_docs : nonlocal_docs;
	char items[256] = "", note[256] = "", at[20] = "", checker[65] = "", idm[XJ_MASK_CAP], disp[20];
	struct xj_org school;
	yajl_gen g;
	int rc, checked;

	rc = xj_adm_docs_get(r->db, ap->reg_id, a->org.id, items, note, at, checker);
	if (rc != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	checked = rc == XJ_OK;
	memset(&school, 0, sizeof(school));
	if (ap->adm_state[0] && (rc = xj_org_by_id(r->db, ap->adm_school_id, &school)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	masked(ap, idm);
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", ap->prereg);
	xj_prereg_display(ap->prereg, disp);
	xj_gen_str(g, "prereg_no_display", disp);
	xj_gen_int(g, "year", ap->year);
	xj_gen_str(g, "district", ap->county);
	xj_gen_key(g, "child");
	yajl_gen_map_open(g);
	xj_gen_str(g, "name", ap->child_name);
	xj_gen_str(g, "sex", ap->sex);
	xj_gen_str(g, "birth_date", ap->birth_date);
	xj_gen_str(g, "id_doc_type", ap->doc_type);
	xj_gen_str(g, "id_number_masked", idm[0] ? idm : NULL);
	xj_gen_str(g, "hukou_location", ap->hukou_code);
	yajl_gen_map_close(g);
	xj_gen_bool(g, "local_family", ap->local_family);
	xj_gen_bool(g, "age_warning", ap->age_warning);
	xj_gen_str(g, "registration_state", xj_reg_state_name(ap->pos.state));
	xj_gen_str(g, "identity", identity(ap->pos.state));
	/* review H1: what PSB said of the first guardian; anything but parent
	 * or household is for the school to clear with the hukou book */
	xj_gen_str(g, "guardian_link", ap->guardian_link[0] ? ap->guardian_link : NULL);
	xj_gen_bool(g, "guardian_link_confirmed", strcmp(ap->guardian_link, "parent") == 0 ||
	    strcmp(ap->guardian_link, "household") == 0);
	xj_gen_key(g, "certificates");
	yajl_gen_map_open(g);
	xj_gen_bool(g, "required", !ap->local_family);
	xj_gen_str(g, "state", xj_cert_state_name(ap->pos.cert));
	xj_gen_str(g, "study_permit_no", ap->study_permit[0] ? ap->study_permit : NULL);
	yajl_gen_map_close(g);
	xj_gen_bool(g, "form_printable", xj_reg_form_printable(ap->pos.state));
	xj_gen_key(g, "documents");
	yajl_gen_map_open(g);
	gen_list(g, "required", req);
	xj_gen_key(g, "checked");
	yajl_gen_array_open(g);
	for (char *p = items, *e; checked && *p; p = e ? e + 1 : p + strlen(p)) {
		e = strchr(p, ',');
		yajl_gen_string(g, (const unsigned char *)p, e ? (size_t)(e - p) : strlen(p));
		if (e == NULL)
			break;
	}
	yajl_gen_array_close(g);
	xj_gen_bool(g, "complete", checked && complete(items, req));
	xj_gen_str(g, "note", checked && note[0] ? note : NULL);
	xj_school_gen_time(g, "checked_at", checked ? at : NULL);
	xj_gen_str(g, "checked_by", checked ? checker : NULL);
	yajl_gen_map_close(g);
	xj_gen_key(g, "admission");
	if (ap->adm_state[0]) {
		yajl_gen_map_open(g);
		xj_gen_key(g, "school");
		yajl_gen_map_open(g);
		xj_gen_str(g, "code", school.code);
		xj_gen_str(g, "name", school.name);
		yajl_gen_map_close(g);
		xj_gen_bool(g, "ours", ap->adm_school_id == a->org.id);
		xj_gen_str(g, "state", ap->adm_state);
		xj_gen_str(g, "reason", ap->adm_reason[0] ? ap->adm_reason : NULL);
		xj_school_gen_time(g, "ticked_at", ap->ticked_at);
		xj_school_gen_time(g, "admitted_at", ap->admitted_at);
		xj_gen_str(g, "notice_no", ap->notice_no[0] ? ap->notice_no : NULL);
		yajl_gen_map_close(g);
	} else
		yajl_gen_null(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_school_applicant_get(struct xj_req *r)
{
	struct xj_applicant *ap = xj_calloc(r->arena, 1, sizeof(*ap));
	struct xj_school_actor a;
	int rc;

	if (ap == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = xj_school_applicant_load(r, &a, xj_route_param(&r->params, "no"), ap)) != XJ_OK ||
	    r->responded)
		return rc;
	/* M6: a child's record read; the filter says on what grounds */
	if ((rc = xj_audit_read(r, "applicant.read", "registration", ap->prereg,
	    ap->access, 1)) != XJ_OK)
		return rc;
	return view(r, &a, ap);
}

/* ---- documents checked ---------------------------------------------------- */

#define MAX_ITEMS	8

struct docs_in {
	struct xj_str	*items;
	size_t		 nitems;
	struct xj_str	 note;
};

static int
doc_code(struct xj_str s)
{
	const char *const *l;

	if (xj_str_eq(s, DOC_EXTRA))
		return XJ_OK;
	for (l = local_docs; *l; l++)
		if (xj_str_eq(s, *l))
			return XJ_OK;
	for (l = nonlocal_docs; *l; l++)
		if (xj_str_eq(s, *l))
			return XJ_OK;
	return XJ_E_F_CODE;
}

static const struct xj_field docs_fields[] = {
	{ "items", XJ_F_STRS, XJ_REQ, 0, MAX_ITEMS, doc_code, offsetof(struct docs_in, items), NULL, 0,
	  offsetof(struct docs_in, nitems), 0 },
	{ "note", XJ_F_STR, XJ_OPT | XJ_MULTILINE, 0, 200, NULL, offsetof(struct docs_in, note), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

struct docs_tx {
	struct xj_req		*r;
	struct xj_applicant	*ap;
	unsigned		 school;
	const char		*items, *note;
};

static int
docs_tx(struct xj_db *db, void *arg)
{
	struct docs_tx *t = arg;
	int rc;

	if ((rc = xj_adm_docs_put(db, t->ap->reg_id, t->school, t->items, t->note,
	    t->r->actor_id)) != XJ_OK)
		return rc;
	return xj_school_audit(db, t->r, "admission.documents_checked", "registration",
	    t->ap->prereg, xj_str_c(t->items));
}

int
xj_school_applicant_docs(struct xj_req *r)
{
	struct xj_applicant *ap = xj_calloc(r->arena, 1, sizeof(*ap));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct docs_in in;
	struct docs_tx t;
	char items[256], path[32];
	size_t n = 0;
	int rc;

	if (ap == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, docs_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	if ((rc = xj_school_applicant_load(r, &a, xj_route_param(&r->params, "no"), ap)) != XJ_OK ||
	    r->responded)
		return rc;
	/* the items must be the family's (三证 or 五证, R-COL-12), once each */
	items[0] = '\0';
	for (size_t i = 0; i < in.nitems; i++) {
		const char *const *l = ap->local_family ? local_docs : nonlocal_docs;
		int ok = xj_str_eq(in.items[i], DOC_EXTRA);
		for (; *l && !ok; l++)
			ok = xj_str_eq(in.items[i], *l);
		snprintf(path, sizeof(path), "items[%zu]", i);
		for (size_t j = 0; j < i; j++)
			if (in.items[j].len == in.items[i].len &&
			    memcmp(in.items[j].p, in.items[i].p, in.items[i].len) == 0)
				ok = -1;
		if (ok <= 0) {
			xj_ferr_add(&fe, r->arena, path, ok < 0 ? XJ_E_F_DUPLICATE : XJ_E_F_NOT_ALLOWED);
			continue;
		}
		n += (size_t)snprintf(items + n, sizeof(items) - n, "%s%.*s", n ? "," : "",
		    (int)in.items[i].len, in.items[i].p);
	}
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.ap = ap;
	t.school = a.org.id;
	t.items = items;
	t.note = in.note.p ? xj_strndup(r->arena, in.note.p, in.note.len) : "";
	if (t.note == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_tx_run(r->db, docs_tx, &t)) != XJ_OK)
		return rc;
	return view(r, &a, ap);
}

/* ---- tick and untick -------------------------------------------------------- */

struct tick_tx {
	struct xj_req			*r;
	const struct xj_school_actor	*a;
	unsigned long long		 reg_id;
	int				 tick;
};

static int
tick_tx(struct xj_db *db, void *arg)
{
	struct tick_tx *t = arg;
	struct xj_applicant ap;
	struct xj_reg_pos to;
	int rc;

	memset(&ap, 0, sizeof(ap));
	if ((rc = xj_adm_applicant_lock(db, t->reg_id, &ap)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (t->tick) {
		/* someone holds the child: another school, or this one already */
		if (ap.adm_state[0])
			return XJ_E_ALREADY_TICKED;
		if ((rc = xj_reg_next(ap.pos, XJ_REV_SCHOOL_TICK, ap.local_family, &to)) != XJ_OK)
			return rc;
		/* R-REC-9: no place where no record can follow */
		if ((rc = xj_student_may_enrol(db, ap.reg_id, t->a->org.id)) != XJ_OK)
			return rc;
		rc = xj_adm_tick(db, ap.reg_id, t->a->org.id, ap.county, ap.reg_school_id,
		    t->r->actor_id);
		if (rc != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_ALREADY_TICKED : rc;
		rc = xj_adm_reg_school(db, ap.reg_id, t->a->org.id);
	} else {
		/* only the ticking school, and only before the county has it */
		if (!ap.adm_state[0] || ap.adm_school_id != t->a->org.id)
			return XJ_E_REG_TRANSITION;
		if ((rc = xj_reg_next(ap.pos, XJ_REV_SCHOOL_UNTICK, ap.local_family, &to)) != XJ_OK)
			return rc;
		if ((rc = xj_adm_untick(db, ap.reg_id, t->a->org.id)) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
		rc = xj_adm_reg_school(db, ap.reg_id, ap.chosen_school_id);
	}
	if (rc != XJ_OK)
		return rc;
	if ((rc = xj_reg_move(db, ap.reg_id, ap.pos, to)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_REG_TRANSITION : rc;
	if ((rc = xj_reg_event(db, ap.reg_id,
	    xj_reg_event_name(t->tick ? XJ_REV_SCHOOL_TICK : XJ_REV_SCHOOL_UNTICK),
	    xj_reg_state_name(to.state), t->a->org.name)) != XJ_OK)
		return rc;
	return xj_school_audit(db, t->r, t->tick ? "admission.tick" : "admission.untick",
	    "registration", ap.prereg, xj_str_c(t->a->org.code));
}

static int
tick(struct xj_req *r, int on)
{
	struct xj_applicant *ap = xj_calloc(r->arena, 1, sizeof(*ap));
	struct xj_school_actor a;
	struct tick_tx t;
	int rc;

	if (ap == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = xj_school_applicant_load(r, &a, xj_route_param(&r->params, "no"), ap)) != XJ_OK ||
	    r->responded)
		return rc;
	t.r = r;
	t.a = &a;
	t.reg_id = ap->reg_id;
	t.tick = on;
	if ((rc = xj_tx_run(r->db, tick_tx, &t)) != XJ_OK)
		return rc;
	if ((rc = xj_adm_applicant(r->db, ap->prereg, ap)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return view(r, &a, ap);
}

int
xj_school_applicant_tick(struct xj_req *r)
{
	return tick(r, 1);
}

int
xj_school_applicant_untick(struct xj_req *r)
{
	return tick(r, 0);
}
