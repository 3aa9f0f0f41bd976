/* problem.c -- problem records (问题学籍, issue 12; R-DUP-1, R-COL-7): the
 * duplicate check at the door and the problem groups as staff read them.
 *
 * The check runs in the transaction that creates a record (the county's
 * admission approval) or changes its identity data, so a record never
 * exists unflagged: a hit opens the group of its key or joins the open
 * one, and every member gets student.problem_open -- the flag term
 * registration (R-REC-5) and the transfers (code 2003) read. It costs
 * index lookups only: the record's row (primary key), its peers by
 * child_bidx and by person_bidx (secondary keys), the open group by its
 * unique open_key. A resolved group is history; new data with the same key
 * opens a new group with every live record of the key (R-DUP-1: groups
 * reappear).
 *
 * Same identity number and same person are kept apart: records that share
 * the number are one same_id group, and the same_person check looks only
 * for records with another number (the same number and the same name is
 * one problem, not two to resolve). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/readaudit.h"
#include <stddef.h>

#include "core/arena.h"
#include "core/bind.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "crypto/field.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/idnum.h"
#include "domain/mask.h"
#include "domain/person.h"
#include "store/evidence.h"
#include "store/natcheck.h"
#include "store/problem.h"
#include "store/refdata.h"
#include "store/student.h"
#include "store/workflow.h"
#include "problem.h"
#include "records.h"
#include "school.h"
#include "workflow.h"

static int
ever(const char *code, void *arg)
{
	return xj_ref_code_ever(arg, code);
}

/* The R-COL-7 check of a type 1 number against the record: NULL when it
 * holds, else the reason a member row gives. */
static const char *
id_invalid(const struct xj_refdata *ref, const char *num, const char *sex, const char *birth)
{
	struct xj_idnum id;
	char d[11];

	switch (xj_idnum_parse(xj_str_c(num), &id)) {
	case XJ_OK:
		break;
	case XJ_E_F_ID_15:
		return "id_15";
	case XJ_E_F_ID_BIRTH:
		return "id_birth";
	case XJ_E_F_ID_CHECK:
		return "id_check";
	default:
		return "id_format";
	}
	if (!xj_idnum_area_ok(id.area, ever, (void *)ref))
		return "id_area";
	snprintf(d, sizeof(d), "%04d-%02d-%02d", id.year, id.month, id.day);
	if (strcmp(d, birth) != 0)
		return "id_birth_mismatch";
	if ((sex[0] == 'M') != id.male)
		return "id_sex";
	return NULL;
}

/* The record and its peers join the open group of (kind, key). */
static int
join(struct xj_db *db, const char *kind, const unsigned char key[32], unsigned long long sid,
    const char *reason, const unsigned long long *peers, unsigned n, const char *origin)
{
	unsigned long long gid;
	int rc, joined;

	if ((rc = xj_problem_group_open(db, kind, key, &gid)) != XJ_OK ||
	    (rc = xj_problem_member_add(db, gid, sid, reason, origin, &joined)) != XJ_OK)
		return rc;
	for (unsigned i = 0; i < n; i++)
		if ((rc = xj_problem_member_add(db, gid, peers[i], reason, origin, &joined)) != XJ_OK)
			return rc;
	return XJ_OK;
}

static void
add_kind(char kinds[XJ_PROBLEM_KINDS_MAX], const char *k)
{
	size_t n = strlen(kinds);

	snprintf(kinds + n, XJ_PROBLEM_KINDS_MAX - n, "%s%s", n ? "," : "", k);
}

int
xj_problem_check_identity(struct xj_db *db, const struct xj_keys *k, const struct xj_refdata *ref,
    unsigned long long sid, const struct xj_student_identity *p, const char *origin,
    char kinds[XJ_PROBLEM_KINDS_MAX])
{
	unsigned long long peers[2 * XJ_PROBLEM_PEERS_MAX], same[XJ_PROBLEM_PEERS_MAX],
	    like[XJ_PROBLEM_PEERS_MAX];
	int is_same[2 * XJ_PROBLEM_PEERS_MAX];
	unsigned n, ns = 0, nl = 0;
	const char *bad = NULL;
	int rc;

	kinds[0] = '\0';
	if (ref == NULL)
		return XJ_E_UNAVAILABLE;
	/* both keys in one lookup; without a person key (a blank name) the
	 * number stands in for it and finds nothing more. A type Z record's
	 * number index is random (no document, regform.c): it never matches */
	if ((rc = xj_problem_peers(db, p->child_bidx, p->has_person ? p->person_bidx : p->child_bidx,
	    sid, peers, is_same, &n)) != XJ_OK)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		if (is_same[i] && ns < XJ_PROBLEM_PEERS_MAX)
			same[ns++] = peers[i];
		else if (!is_same[i] && nl < XJ_PROBLEM_PEERS_MAX)
			like[nl++] = peers[i];
	}
	if (ns) {
		if ((rc = join(db, "same_id", p->child_bidx, sid, "same_id", same, ns, origin)) != XJ_OK)
			return rc;
		add_kind(kinds, "same_id");
	}
	if (nl) {
		if ((rc = join(db, "same_person", p->person_bidx, sid, "same_person", like, nl,
		    origin)) != XJ_OK)
			return rc;
		add_kind(kinds, "same_person");
	}

	/* an invalid identity number (R-COL-7): the form refuses one, but a
	 * record's sex or birth date may disagree with it after a change, an
	 * import or the exchange may bring one, and an area code is checked
	 * against the history list of the day. Decrypted here, in memory,
	 * and wiped. */
	if (p->doc_type[0] == '1' && p->idn_ct_len > 0) {
		char num[XJ_DOCNO_MAX_BYTES + 1];
		size_t len = 0;

		if (xj_field_decrypt(k, p->ct_aad, p->ct_row, p->idn_ct, p->idn_ct_len,
		    num, sizeof(num), &len) != 0 || len >= sizeof(num))
			return XJ_E_INTERNAL;
		num[len] = '\0';
		for (char *c = num; *c; c++)
			if (*c == 'x')
				*c = 'X';
		bad = id_invalid(ref, num, p->sex, p->birth);
		memset(num, 0, sizeof(num));
		if (bad != NULL) {
			if ((rc = join(db, "invalid_id", p->child_bidx, sid, bad, NULL, 0, origin)) != XJ_OK)
				return rc;
			add_kind(kinds, "invalid_id");
		}
	}
	return XJ_OK;
}

int
xj_problem_check(struct xj_db *db, const struct xj_keys *k, const struct xj_refdata *ref,
    unsigned long long sid, const char *origin, char kinds[XJ_PROBLEM_KINDS_MAX])
{
	struct xj_student_identity *p = calloc(1, sizeof(*p));
	int rc;

	kinds[0] = '\0';
	if (p == NULL)
		return XJ_E_INTERNAL;
	if ((rc = xj_problem_subject(db, sid, p)) != XJ_OK) {
		rc = rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
		goto out;
	}
	/* the person key of the data as it is now (a changed name, sex or
	 * birth date has another key) */
	if ((p->has_person = xj_student_person_bidx(k, p->name, p->sex, p->birth,
	    p->person_bidx)) < 0) {
		rc = XJ_E_INTERNAL;
		goto out;
	}
	if (p->has_person && (rc = xj_problem_set_person(db, sid, p->person_bidx)) != XJ_OK)
		goto out;
	rc = xj_problem_check_identity(db, k, ref, sid, p, origin, kinds);
out:
	free(p);
	return rc;
}

/* ---- a national group (issue 13 item 6, the ministry's CheckResult) -- */

/* our kind for the ministry's */
static const char *
national_kind_ours(const char *k)
{
	if (strcmp(k, "same_id_number") == 0)
		return "same_id";
	if (strcmp(k, "same_name_sex_birth") == 0)
		return "same_person";
	return "invalid_id";
}

int
xj_problem_join_national(struct xj_db *db, unsigned long long sid, const char *national_id,
    const char *national_kind, const struct xj_problem_other *others, int n, int *joined)
{
	unsigned long long gid;
	int rc;

	/* the same joining as the door check's (flag, scope, history);
	 * reason = the ministry's kind, origin = exchange */
	if ((rc = xj_problem_group_open_national(db, national_kind_ours(national_kind), national_id,
	    national_kind, &gid)) != XJ_OK ||
	    (rc = xj_problem_member_add(db, gid, sid, national_kind, "exchange", joined)) != XJ_OK)
		return rc;
	return xj_problem_others_set(db, gid, others, n);
}

/* ---- reading --------------------------------------------------------- */

#define LIST_LIMIT_MAX	200
#define LIST_LIMIT_DEF	50
/* a group is a few records; its page shows this many */
#define MEMBERS_MAX	XJ_PROBLEM_PEERS_MAX + 1

struct list_ctx {
	yajl_gen	 g;
	int		 n;
	struct xj_problem_group last;
};

static void
list_item(const struct xj_problem_group *p, void *arg)
{
	struct list_ctx *c = arg;

	yajl_gen_map_open(c->g);
	xj_gen_int(c->g, "id", (long long)p->id);
	xj_gen_str(c->g, "kind", p->kind);
	xj_gen_str(c->g, "state", p->state);
	xj_gen_int(c->g, "members", p->members);
	xj_school_gen_time(c->g, "created_at", p->created_at);
	xj_gen_bool(c->g, "national", p->national);
	yajl_gen_map_close(c->g);
	c->n++;
	c->last = *p;
}

/* "open.123" / "resolved.45": the cursor of the last row of a page */
static int
cursor_parse(struct xj_str s, char state[12], unsigned long long *id)
{
	size_t i = 0, k;

	while (i < s.len && s.p[i] != '.')
		i++;
	if (i == s.len || !((i == 4 && memcmp(s.p, "open", 4) == 0) ||
	    (i == 8 && memcmp(s.p, "resolved", 8) == 0)))
		return -1;
	memcpy(state, s.p, i);
	state[i] = '\0';
	*id = 0;
	if (s.len - i - 1 < 1 || s.len - i - 1 > 18)
		return -1;
	for (k = i + 1; k < s.len; k++) {
		if (s.p[k] < '0' || s.p[k] > '9')
			return -1;
		*id = *id * 10 + (unsigned)(s.p[k] - '0');
	}
	return *id ? 0 : -1;
}

int
xj_school_problem_list(struct xj_req *r)
{
	struct xj_school_actor a;
	struct list_ctx c;
	struct xj_str qa;
	char state[12] = "";
	unsigned long long after = 0, limit = 0;
	int rc, e;

	a = *xj_school_actor(r);
	if ((rc = xj_rec_query_uint(r, "limit", LIST_LIMIT_MAX, &limit)) != XJ_OK || r->responded)
		return rc;
	qa = xj_req_query(r, "after", &e);
	if (e != XJ_OK)
		return e;
	if (qa.p != NULL && cursor_parse(qa, state, &after) != 0)
		return xj_resp_error(r, XJ_E_BAD_QUERY, "after");
	if (limit == 0)
		limit = LIST_LIMIT_DEF;
	if ((rc = xj_audit_read(r, "problem_group.list", "org", a.org.code, NULL, 0)) != XJ_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	c.g = xj_resp_json(r, 200);
	yajl_gen_map_open(c.g);
	xj_gen_key(c.g, "items");
	yajl_gen_array_open(c.g);
	if ((rc = xj_problem_list(r->db, a.org.path, state, after, (int)limit, list_item, &c)) != XJ_OK)
		return rc;
	yajl_gen_array_close(c.g);
	if (c.n == (int)limit) {
		char cur[40];
		snprintf(cur, sizeof(cur), "%s.%llu", c.last.state, c.last.id);
		xj_gen_str(c.g, "next", cur);
	} else
		xj_gen_null(c.g, "next");
	yajl_gen_map_close(c.g);
	return xj_resp_send(r);
}

struct members_ctx {
	const struct xj_school_actor *a;
	yajl_gen	 g;
	int		 in_scope;	/* a member's school lies in the actor's scope */
};

static void
scope_item(const struct xj_problem_member *m, void *arg)
{
	struct members_ctx *c = arg;

	if (xj_school_in_scope(c->a, m->school_path))
		c->in_scope = 1;
}

static void
member_item(const struct xj_problem_member *m, void *arg)
{
	struct members_ctx *c = arg;
	int mine = xj_school_in_scope(c->a, m->school_path);
	char row[XJ_STUDENT_ROW_MAX], num[XJ_DOCNO_MAX_BYTES + 1], masked[XJ_MASK_CAP];
	size_t nl = 0;

	yajl_gen_map_open(c->g);
	xj_gen_int(c->g, "student_id", (long long)m->student_id);
	xj_gen_bool(c->g, "in_scope", mine);
	xj_gen_str(c->g, "school_code", m->school_code);
	xj_gen_str(c->g, "school_name", m->school_name);
	/* another scope's pupil: which school, not who (R-ORG-3) */
	if (mine) {
		xj_gen_str(c->g, "name", m->name);
		xj_school_gen_student_no(c->g, "student_no", m->student_no);
		xj_gen_str(c->g, "status", m->status);
	} else {
		xj_gen_null(c->g, "name");
		xj_gen_null(c->g, "student_no");
		xj_gen_null(c->g, "status");
	}
	xj_gen_str(c->g, "sex", m->sex);
	xj_gen_str(c->g, "birth_date", m->birth);
	xj_gen_str(c->g, "id_doc_type", m->doc_type);
	/* the one masking rule (domain/mask.h): the area code at most */
	if (m->idn_ct_len > 0) {
		xj_student_row(m->student_id, -1, row);
		if (xj_field_decrypt(xj_auth_keys(), "student.id_number", row, m->idn_ct,
		    m->idn_ct_len, num, sizeof(num), &nl) != 0 || nl >= sizeof(num)) {
			/* shown as all stars; the log says which row */
			xj_log(XJ_LOG_ERROR, "problem_member_decrypt_failed", "%llu", "student",
			    m->student_id);
			nl = 0;
		}
		xj_mask(m->doc_type[0], num, nl, masked, sizeof(masked));
		memset(num, 0, sizeof(num));
		xj_gen_str(c->g, "id_number_masked", masked);
	} else
		xj_gen_null(c->g, "id_number_masked");
	xj_gen_str(c->g, "reason", m->reason);
	xj_gen_str(c->g, "origin", m->origin);
	xj_gen_str(c->g, "state", m->state);
	xj_school_gen_time(c->g, "joined_at", m->joined_at);
	yajl_gen_map_close(c->g);
}

static void
other_item(const struct xj_problem_other *o, void *arg)
{
	yajl_gen g = arg;

	yajl_gen_map_open(g);
	xj_gen_str(g, "student_no", o->student_no);
	xj_gen_str(g, "name", o->name);
	xj_gen_str(g, "sex", o->sex);
	xj_gen_str(g, "birth_date", o->birth);
	if (o->id_masked[0])
		xj_gen_str(g, "id_number_masked", o->id_masked);
	else
		xj_gen_null(g, "id_number_masked");
	xj_gen_str(g, "province", o->province);
	xj_gen_str(g, "school_name", o->school_name);
	yajl_gen_map_close(g);
}

/* The group as staff read it (200), or 404 when none of its records is
 * in the actor's scope. audit: a read (the get), not after a write. */
static int
group_view(struct xj_req *r, const struct xj_school_actor *a, unsigned long long id, int audit)
{
	struct xj_problem_member *m = xj_calloc(r->arena, 1, sizeof(*m));
	struct xj_problem_group grp;
	struct members_ctx c;
	char idbuf[24];
	int rc;

	if (m == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_problem_group_get(r->db, id, &grp)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	memset(&c, 0, sizeof(c));
	c.a = a;
	/* a group is the actor's when one of its records is */
	if ((rc = xj_problem_members(r->db, id, MEMBERS_MAX, m, scope_item, &c)) != XJ_OK)
		return rc;
	if (!c.in_scope)
		return XJ_E_NOT_FOUND;
	snprintf(idbuf, sizeof(idbuf), "%llu", id);
	if (audit && (rc = xj_audit_read(r, "problem_group.read", "problem_group", idbuf, NULL,
	    (unsigned long)grp.members)) != XJ_OK)
		return rc;
	c.g = xj_resp_json(r, 200);
	yajl_gen_map_open(c.g);
	xj_gen_int(c.g, "id", (long long)grp.id);
	xj_gen_str(c.g, "kind", grp.kind);
	xj_gen_str(c.g, "state", grp.state);
	xj_school_gen_time(c.g, "created_at", grp.created_at);
	if (grp.resolved_at[0])
		xj_school_gen_time(c.g, "resolved_at", grp.resolved_at);
	else
		xj_gen_null(c.g, "resolved_at");
	xj_gen_key(c.g, "members");
	yajl_gen_array_open(c.g);
	if ((rc = xj_problem_members(r->db, id, MEMBERS_MAX, m, member_item, &c)) != XJ_OK)
		return rc;
	yajl_gen_array_close(c.g);
	/* a national group (issue 13 item 6): the ministry's id and kind and
	 * the other provinces' records as it sent them, masked */
	if (grp.national_id[0]) {
		xj_gen_key(c.g, "national");
		yajl_gen_map_open(c.g);
		xj_gen_str(c.g, "group_id", grp.national_id);
		xj_gen_str(c.g, "kind", grp.national_kind);
		xj_gen_key(c.g, "others");
		yajl_gen_array_open(c.g);
		if ((rc = xj_problem_others(r->db, id, other_item, c.g)) != XJ_OK)
			return rc;
		yajl_gen_array_close(c.g);
		yajl_gen_map_close(c.g);
	} else
		xj_gen_null(c.g, "national");
	yajl_gen_map_close(c.g);
	return xj_resp_send(r);
}

int
xj_school_problem_get(struct xj_req *r)
{
	struct xj_school_actor a;
	unsigned long long id;
	int rc;

	a = *xj_school_actor(r);
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	return group_view(r, &a, id, 1);
}

/* ---- resolution (R-DUP-2, R-DUP-3) ----------------------------------- */

struct resolve_in {
	struct xj_num	 student_id;
	struct xj_str	 action;
	struct xj_str	 evidence;
	struct xj_str	 name, sex, birth_date;	/* change: the corrected data */
	long long	*files;			/* evidence files (issue 12 item 3) */
	size_t		 nfiles;
};

static int
action_check(struct xj_str s)
{
	return xj_str_eq(s, "delete") || xj_str_eq(s, "corroborate") || xj_str_eq(s, "change") ?
	    XJ_OK : XJ_E_F_CODE;
}

static int
sex_check(struct xj_str s)
{
	return xj_str_eq(s, "M") || xj_str_eq(s, "F") ? XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field resolve_fields[] = {
	{ "student_id", XJ_F_INT, XJ_REQ, 1, 999999999999999999LL, NULL,
	  offsetof(struct resolve_in, student_id), NULL, 0, 0, 0 },
	{ "action", XJ_F_STR, XJ_REQ, 1, 16, action_check, offsetof(struct resolve_in, action), NULL, 0, 0, 0 },
	{ "evidence", XJ_F_STR, XJ_REQ | XJ_MULTILINE, 1, 500, NULL, offsetof(struct resolve_in, evidence),
	  NULL, 0, 0, 0 },
	{ "name", XJ_F_STR, XJ_OPT, 1, 64, NULL, offsetof(struct resolve_in, name), NULL, 0, 0, 0 },
	{ "sex", XJ_F_STR, XJ_OPT, 1, 1, sex_check, offsetof(struct resolve_in, sex), NULL, 0, 0, 0 },
	{ "birth_date", XJ_F_STR, XJ_OPT, 10, 10, xj_date_check, offsetof(struct resolve_in, birth_date),
	  NULL, 0, 0, 0 },
	{ "evidence_files", XJ_F_IDS, XJ_OPT, 0, XJ_EVIDENCE_PER_CASE, NULL,
	  offsetof(struct resolve_in, files), NULL, 0, offsetof(struct resolve_in, nfiles), 0 },
	XJ_FIELD_END
};

struct resolve_tx {
	struct xj_req			*r;
	const struct xj_school_actor	*a;
	unsigned long long		 gid, sid;
	const char			*evidence;
	const long long			*files;	/* evidence files of the record */
	size_t				 nfiles;
	const char			*action;
	struct xj_problem_resolution	 res;	/* corroborate, change */
	const struct xj_refdata		*ref;
	char				 kind[16];	/* the group's */
	unsigned char			 key[32];
	int				 national;	/* the ministry's group (sql/0031) */
	unsigned long long		 wf;	/* their case */
	struct xj_problem_state		 m[MEMBERS_MAX];
	int				 n;
};

static const char *
state_of(const struct resolve_tx *t, unsigned long long sid)
{
	for (int i = 0; i < t->n; i++)
		if (t->m[i].student_id == sid)
			return t->m[i].state;
	return NULL;
}

/* R-DUP-3 and the group's end: when every record but one is deleted (or
 * changed and approved), the last is corroborated and approved by the
 * system; a group with no open record is resolved; every member's flag
 * follows its rows. */
static int
settle(struct xj_db *db, struct resolve_tx *t)
{
	int rc, gone = 0, open = 0, last = -1;

	if ((rc = xj_problem_member_states(db, t->gid, t->m, MEMBERS_MAX, &t->n)) != XJ_OK)
		return rc;
	for (int i = 0; i < t->n; i++) {
		if (strcmp(t->m[i].state, "deleted") == 0 || strcmp(t->m[i].state, "changed") == 0)
			gone++;
		else if (strcmp(t->m[i].state, "open") == 0) {
			open++;
			last = i;
		}
	}
	if (t->n >= 2 && gone == t->n - 1 && open == 1) {
		if ((rc = xj_problem_member_set(db, t->gid, t->m[last].student_id, "auto_corroborated",
		    NULL, 0)) != XJ_OK ||
		    (rc = xj_problem_event(db, t->m[last].student_id, "problem_auto_ok")) != XJ_OK)
			return rc;
		/* a national group counts our members only (the other
		 * provinces' are resolved there); the ministry hears of ours */
		if (t->national && (rc = xj_natcheck_due(db, t->m[last].student_id)) != XJ_OK)
			return rc;
		open = 0;
	}
	if (open == 0 && (rc = xj_problem_group_resolve(db, t->gid)) != XJ_OK)
		return rc;
	for (int i = 0; i < t->n; i++)
		if ((rc = xj_problem_reflag(db, t->m[i].student_id)) != XJ_OK)
			return rc;
	return XJ_OK;
}

/* A change must take the record out of its group's problem, or it would
 * count as resolved (R-DUP-3) while the problem stays: the corrected name,
 * sex and birth date are checked against the group's key now, before the
 * county sees them. A same-number group is not changed by them at all (a
 * number is corrected by a key-data change, R-KEY-1, a later part). */
static int
change_helps(struct xj_db *db, struct resolve_tx *t)
{
	struct xj_student_identity *p = xj_calloc(t->r->arena, 1, sizeof(*p));
	const char *name, *sex, *birth;
	int rc, still = 0;

	if (p == NULL)
		return XJ_E_TOO_COMPLEX;
	if (strcmp(t->kind, "same_id") == 0)
		return XJ_E_PROBLEM_CHANGE_NO_EFFECT;
	/* a national group's problem is the ministry's to judge: the changed
	 * record goes to it again (as changed, R-KEY-2) */
	if (t->national)
		return XJ_OK;
	if ((rc = xj_problem_subject(db, t->sid, p)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	name = t->res.new_name[0] ? t->res.new_name : p->name;
	sex = t->res.new_sex[0] ? t->res.new_sex : p->sex;
	birth = t->res.new_birth[0] ? t->res.new_birth : p->birth;
	if (strcmp(t->kind, "same_person") == 0) {
		unsigned char k[32];
		int has = xj_student_person_bidx(xj_auth_keys(), name, sex, birth, k);
		if (has < 0)
			return XJ_E_INTERNAL;
		still = has && memcmp(k, t->key, 32) == 0;
	} else if (p->doc_type[0] == '1' && p->idn_ct_len > 0) {
		char num[XJ_DOCNO_MAX_BYTES + 1];
		size_t len = 0;

		if (t->ref == NULL)
			return XJ_E_UNAVAILABLE;
		if (xj_field_decrypt(xj_auth_keys(), p->ct_aad, p->ct_row, p->idn_ct, p->idn_ct_len,
		    num, sizeof(num), &len) != 0 || len >= sizeof(num))
			return XJ_E_INTERNAL;
		num[len] = '\0';
		for (char *c = num; *c; c++)
			if (*c == 'x')
				*c = 'X';
		still = id_invalid(t->ref, num, sex, birth) != NULL;
		memset(num, 0, sizeof(num));
	}
	return still ? XJ_E_PROBLEM_CHANGE_NO_EFFECT : XJ_OK;
}

/* Corroborate or change: a case on the workflow engine, the record's
 * school applying (step 1) and its county approving (step 2, whose effect
 * is xj_problem_wf_resolve). The record has one case at a time (the
 * engine's open_subject: 2002). */
static int
apply_for(struct xj_db *db, struct resolve_tx *t)
{
	struct xj_wf_org *o = xj_calloc(t->r->arena, 2, sizeof(*o));
	struct xj_wf_def defs[XJ_WF_MAX_STEPS];
	struct xj_wf_parties p;
	struct xj_wf_new w;
	const char *type = strcmp(t->action, "change") == 0 ? "problem_change" : "problem_corroborate";
	char province[7], variant[7];
	unsigned school = 0;
	int rc, n;

	if (o == NULL)
		return XJ_E_TOO_COMPLEX;
	if (strcmp(t->action, "change") == 0 && (rc = change_helps(db, t)) != XJ_OK)
		return rc;
	for (int i = 0; i < t->n; i++)
		if (t->m[i].student_id == t->sid)
			school = t->m[i].school_org_id;
	if ((rc = xj_wf_org(db, school, &o[0])) != XJ_OK ||
	    (rc = xj_wf_org(db, o[0].county_id, &o[1])) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	xj_wf_province_of(o[0].path, province);
	if ((rc = xj_wf_type(db, type, province, variant, defs, &n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	p.recv_school = p.send_school = &o[0];
	p.recv_county = p.send_county = p.above = &o[1];
	memset(&w, 0, sizeof(w));
	w.type = type;
	w.variant = variant;
	w.subject_id = t->sid;
	w.initiator = school;
	w.started_by = t->r->actor_id;
	rc = xj_wf_start(db, t->r, &w, defs, n, &p,
	    strcmp(t->action, "change") == 0 ? "problem.change" : "problem.corroborate", &t->wf);
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_TRANSFER_BUSY : rc;
	/* the files the school names go with the case; corroborating and
	 * changing need at least one (R-DUP-2; workflow_type.needs_evidence) */
	if ((rc = xj_evidence_attach(db, t->wf, type, variant, t->sid, t->files, t->nfiles)) != XJ_OK)
		return rc;
	t->res.group_id = t->gid;
	t->res.student_id = t->sid;
	snprintf(t->res.action, sizeof(t->res.action), "%s", t->action);
	snprintf(t->res.evidence, sizeof(t->res.evidence), "%s", t->evidence);
	return xj_problem_resolution_insert(db, t->wf, &t->res);
}

/* The county approved (the chain's last step, in its transaction): the
 * member is corroborated, or the record takes the corrected data, is
 * checked again at the door (R-KEY-2) and counts as changed (R-DUP-3). */
int
xj_problem_wf_resolve(struct xj_db *db, struct xj_req *r, const struct xj_wf_case *w)
{
	struct resolve_tx *t = xj_calloc(r->arena, 1, sizeof(*t));
	char state[12], kinds[XJ_PROBLEM_KINDS_MAX];
	const char *ms;
	int change, rc;


	if (t == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_problem_resolution_get(db, w->id, &t->res)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	t->r = r;
	t->gid = t->res.group_id;
	t->sid = t->res.student_id;
	change = strcmp(t->res.action, "change") == 0;
	if ((rc = xj_problem_group_lock(db, t->gid, state, t->kind, t->key, &t->national)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if ((rc = xj_problem_member_states(db, t->gid, t->m, MEMBERS_MAX, &t->n)) != XJ_OK)
		return rc;
	/* resolved meanwhile (the last of a group corroborated by the system) */
	if ((ms = state_of(t, t->sid)) == NULL || strcmp(ms, "open") != 0 ||
	    strcmp(state, "open") != 0)
		return XJ_E_PROBLEM_NOT_OPEN;
	if ((rc = xj_problem_member_set(db, t->gid, t->sid, change ? "changed" : "corroborated",
	    t->res.evidence, (unsigned)r->actor_id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_PROBLEM_NOT_OPEN : rc;
	if ((rc = xj_problem_event(db, t->sid, change ? "problem_changed" : "problem_corrob")) != XJ_OK)
		return rc;
	if (change) {
		const struct xj_refdata *ref = xj_ref_acquire(r->db, r->arena);
		if ((rc = xj_problem_student_change(db, t->sid, &t->res)) != XJ_OK ||
		    (rc = xj_problem_check(db, xj_auth_keys(), ref, t->sid, "change", kinds)) != XJ_OK)
			return rc;
	}
	/* the ministry hears of it in the next StudentBatch (issue 13 item
	 * 6): changed identity data (R-KEY-2), or a national group's member
	 * corroborated here */
	if ((change || t->national) && (rc = xj_natcheck_due(db, t->sid)) != XJ_OK)
		return rc;
	return settle(db, t);
}

static int
resolve_tx(struct xj_db *db, void *arg)
{
	struct resolve_tx *t = arg;
	char state[12], sidbuf[24];
	const char *ms;
	int rc;

	/* the group row first: resolutions of one group take turns, and the
	 * last one sees what the others did (R-DUP-3) */
	if ((rc = xj_problem_group_lock(db, t->gid, state, t->kind, t->key, &t->national)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = xj_problem_member_states(db, t->gid, t->m, MEMBERS_MAX, &t->n)) != XJ_OK)
		return rc;
	/* the school resolves its own records; any other is not there */
	for (int i = 0; i < t->n; i++)
		if (t->m[i].student_id == t->sid && !xj_school_in_scope(t->a, t->m[i].school_path))
			return XJ_E_NOT_FOUND;
	if ((ms = state_of(t, t->sid)) == NULL)
		return XJ_E_NOT_FOUND;
	if (strcmp(state, "open") != 0 || strcmp(ms, "open") != 0)
		return XJ_E_PROBLEM_NOT_OPEN;
	if (strcmp(t->action, "delete") != 0)
		return apply_for(db, t);
	/* delete (删除) is the school's own decision (R-DUP-2): the record
	 * leaves the rosters and the checks and stays readable */
	if ((rc = xj_problem_member_set(db, t->gid, t->sid, "deleted", t->evidence,
	    (unsigned)t->r->actor_id)) != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_E_PROBLEM_NOT_OPEN : rc;
	if ((rc = xj_problem_student_delete(db, t->sid)) != XJ_OK ||
	    (rc = xj_problem_event(db, t->sid, "problem_deleted")) != XJ_OK ||
	    (rc = settle(db, t)) != XJ_OK)
		return rc;
	snprintf(sidbuf, sizeof(sidbuf), "%llu", t->sid);
	return xj_school_audit(db, t->r, "problem.delete", "student", sidbuf, xj_str_c(t->evidence));
}

int
xj_school_problem_resolve(struct xj_req *r)
{
	struct resolve_tx *t = xj_calloc(r->arena, 1, sizeof(*t));
	struct xj_ferrs fe = { 0 };
	struct xj_school_actor a;
	struct resolve_in in;
	unsigned long long id;
	int rc;

	if (t == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	memset(&in, 0, sizeof(in));
	if ((rc = xj_bind(r->arena, r->json, resolve_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	/* the corrected data belongs to a change, and a change has some */
	if (xj_str_eq(in.action, "delete") && in.nfiles > 0)
		xj_ferr_add(&fe, r->arena, "evidence_files", XJ_E_F_NOT_ALLOWED);
	if (!xj_str_eq(in.action, "change")) {
		if (in.name.p)
			xj_ferr_add(&fe, r->arena, "name", XJ_E_F_NOT_ALLOWED);
		if (in.sex.p)
			xj_ferr_add(&fe, r->arena, "sex", XJ_E_F_NOT_ALLOWED);
		if (in.birth_date.p)
			xj_ferr_add(&fe, r->arena, "birth_date", XJ_E_F_NOT_ALLOWED);
	} else if (!in.name.p && !in.sex.p && !in.birth_date.p)
		xj_ferr_add(&fe, r->arena, "name", XJ_E_F_REQUIRED);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	t->r = r;
	t->a = &a;
	t->gid = id;
	t->sid = (unsigned long long)in.student_id.v;
	t->action = xj_str_eq(in.action, "delete") ? "delete" : xj_str_eq(in.action, "change") ?
	    "change" : "corroborate";
	t->files = in.files;
	t->nfiles = in.nfiles;
	if ((t->evidence = xj_strndup(r->arena, in.evidence.p, in.evidence.len)) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((t->ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	snprintf(t->res.new_name, sizeof(t->res.new_name), "%.*s", (int)in.name.len,
	    in.name.p ? in.name.p : "");
	snprintf(t->res.new_sex, sizeof(t->res.new_sex), "%.*s", (int)in.sex.len,
	    in.sex.p ? in.sex.p : "");
	snprintf(t->res.new_birth, sizeof(t->res.new_birth), "%.*s", (int)in.birth_date.len,
	    in.birth_date.p ? in.birth_date.p : "");
	if ((rc = xj_tx_run(r->db, resolve_tx, t)) != XJ_OK)
		return rc == XJ_E_EVIDENCE_REQUIRED || rc == XJ_E_EVIDENCE_UNKNOWN ?
		    xj_resp_error(r, rc, "evidence_files") : rc;
	if (t->wf)
		return xj_wf_answer(r, t->wf, 201);
	return group_view(r, &a, id, 0);
}

/* ---- a key-data change (issue 12 item 4, R-KEY-1; school/keydata.c) --- */

/* 1 when the record's own number is still invalid with its data now. */
static int
still_invalid(const struct xj_refdata *ref, const struct xj_student_identity *p, int *bad)
{
	char num[XJ_DOCNO_MAX_BYTES + 1];
	size_t len = 0;

	*bad = 0;
	if (p->doc_type[0] != '1' || p->idn_ct_len == 0)
		return 0;
	if (ref == NULL)
		return -1;
	if (xj_field_decrypt(xj_auth_keys(), p->ct_aad, p->ct_row, p->idn_ct, p->idn_ct_len,
	    num, sizeof(num), &len) != 0 || len >= sizeof(num))
		return -1;
	num[len] = '\0';
	for (char *c = num; *c; c++)
		if (*c == 'x')
			*c = 'X';
	*bad = id_invalid(ref, num, p->sex, p->birth) != NULL;
	memset(num, 0, sizeof(num));
	return 0;
}

int
xj_problem_key_changed(struct xj_db *db, struct xj_req *r, const struct xj_refdata *ref,
    unsigned long long sid, const unsigned long long *gids, int n)
{
	struct resolve_tx *t = xj_calloc(r->arena, 1, sizeof(*t));
	struct xj_student_identity *p = xj_calloc(r->arena, 1, sizeof(*p));
	char state[12];
	const char *ms;
	int rc, still;

	if (t == NULL || p == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_problem_subject(db, sid, p)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	t->r = r;
	t->sid = sid;
	for (int i = 0; i < n; i++) {
		t->gid = gids[i];
		if ((rc = xj_problem_group_lock(db, t->gid, state, t->kind, t->key, &t->national)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
		if ((rc = xj_problem_member_states(db, t->gid, t->m, MEMBERS_MAX, &t->n)) != XJ_OK)
			return rc;
		if (strcmp(state, "open") != 0 || (ms = state_of(t, sid)) == NULL ||
		    strcmp(ms, "open") != 0)
			continue;
		/* does the record still carry the group's problem? */
		if (strcmp(t->kind, "same_id") == 0)
			still = memcmp(p->child_bidx, t->key, 32) == 0;
		else if (strcmp(t->kind, "same_person") == 0)
			still = p->has_person && memcmp(p->person_bidx, t->key, 32) == 0;
		else if (memcmp(p->child_bidx, t->key, 32) != 0)
			still = 0;	/* another number: its own check ran */
		else if (still_invalid(ref, p, &still) != 0)
			return XJ_E_INTERNAL;
		if (still)
			continue;
		/* changed and approved (R-DUP-3), as the problem chain's change */
		if ((rc = xj_problem_member_set(db, t->gid, sid, "changed", "key_data_change",
		    (unsigned)r->actor_id)) != XJ_OK)
			return rc == XJ_E_CONFLICT ? XJ_OK : rc;
		if ((rc = xj_problem_event(db, sid, "problem_changed")) != XJ_OK ||
		    (rc = settle(db, t)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}
