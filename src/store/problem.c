/* problem.c -- problem records in the database (see problem.h; issue 12,
 * R-DUP-1). A group is found by its open key (kind + blind index) under a
 * unique key, so two admissions of one key at once end in one group. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "core/err.h"
#include "problem.h"
#include "sql.h"

#define S(b)	XJ_COL_STR((b), sizeof(b))

int
xj_problem_subject(struct xj_db *db, unsigned long long sid, struct xj_student_identity *p)
{
	struct xj_val v = XJ_VI(sid);
	struct xj_col c[7];
	int rc;

	memset(p, 0, sizeof(*p));
	c[0] = S(p->name);
	c[1] = S(p->sex);
	c[2] = S(p->birth);
	c[3] = S(p->doc_type);
	c[4] = XJ_COL_BLOB((char *)p->idn_ct, sizeof(p->idn_ct));
	c[5] = XJ_COL_BLOB((char *)p->child_bidx, sizeof(p->child_bidx));
	c[6] = XJ_COL_BLOB((char *)p->person_bidx, sizeof(p->person_bidx));
	if ((rc = xj_db_row(db, XJ_Q_PROB_SUBJECT, &v, 1, c, 7)) != XJ_OK)
		return rc;
	p->idn_ct_len = c[4].is_null ? 0 : c[4].len;
	if (c[5].len != sizeof(p->child_bidx))
		return XJ_E_INTERNAL;
	p->has_person = !c[6].is_null && c[6].len == sizeof(p->person_bidx);
	p->ct_aad = "student.id_number";
	xj_student_row(sid, -1, p->ct_row);
	return XJ_OK;
}

int
xj_problem_set_person(struct xj_db *db, unsigned long long sid, const unsigned char bidx[32])
{
	struct xj_val v[2] = { XJ_VB(bidx, 32), XJ_VI(sid) };

	return xj_db_exec(db, XJ_Q_PROB_SET_PERSON, v, 2);
}

int
xj_problem_peers(struct xj_db *db, const unsigned char child[32], const unsigned char person[32],
    unsigned long long sid, unsigned long long *ids, int *same_id, unsigned *n)
{
	struct xj_val v[7] = { XJ_VB(child, 32), XJ_VI(sid), XJ_VI(XJ_PROBLEM_PEERS_MAX),
	    XJ_VB(child, 32), XJ_VB(person, 32), XJ_VI(sid), XJ_VI(XJ_PROBLEM_PEERS_MAX) };
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_PROB_PEERS, v, 7)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
		unsigned i;

		if ((rc = xj_db_fetch(db, XJ_Q_PROB_PEERS, c, 2)) != XJ_OK)
			break;
		/* a record of both keys comes from both lookups: once */
		for (i = 0; i < *n && ids[i] != (unsigned long long)c[0].i; i++)
			;
		if (i == *n && *n < 2 * XJ_PROBLEM_PEERS_MAX) {
			ids[*n] = (unsigned long long)c[0].i;
			same_id[*n] = c[1].i != 0;
			(*n)++;
		}
	}
	xj_db_done(db, XJ_Q_PROB_PEERS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_problem_group_open(struct xj_db *db, const char *kind, const unsigned char key[32],
    unsigned long long *gid)
{
	unsigned char open_key[40];
	size_t kl = strlen(kind);
	struct xj_col c = XJ_COL_INT;
	int rc;

	/* kind (at most 10 bytes here) + ':' + the key: 33..43 > 40 would
	 * not fit, so the kind is cut to its first 7 bytes, still distinct
	 * (same_id, same_pe, invalid) */
	if (kl > 7)
		kl = 7;
	memcpy(open_key, kind, kl);
	open_key[kl] = ':';
	memcpy(open_key + kl + 1, key, 32);
	{
		struct xj_val v[3] = { XJ_VS(kind), XJ_VB(key, 32), XJ_VB(open_key, kl + 33) };
		if ((rc = xj_db_exec(db, XJ_Q_PROB_GROUP_OPEN, v, 3)) != XJ_OK)
			return rc;
	}
	{
		struct xj_val v = XJ_VB(open_key, kl + 33);
		if ((rc = xj_db_row(db, XJ_Q_PROB_GROUP_BY_KEY, &v, 1, &c, 1)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	}
	*gid = (unsigned long long)c.i;
	return XJ_OK;
}

int
xj_problem_group_open_national(struct xj_db *db, const char *kind, const char *national_id,
    const char *national_kind, unsigned long long *gid)
{
	unsigned char key[32];
	struct xj_col c = XJ_COL_INT;
	int rc;

	/* the group's key is the ministry's id, hashed to the key's width:
	 * no personal data (R-DUP-1's keys are blind indexes) */
	SHA256((const unsigned char *)national_id, strlen(national_id), key);
	{
		struct xj_val v[5] = { XJ_VS(kind), XJ_VB(key, 32), XJ_VS(national_id),
		    XJ_VS(national_id), XJ_VS(national_kind) };
		if ((rc = xj_db_exec(db, XJ_Q_NC_GROUP_OPEN, v, 5)) != XJ_OK)
			return rc;
	}
	{
		struct xj_val v = XJ_VS(national_id);
		if ((rc = xj_db_row(db, XJ_Q_NC_GROUP_BY_ID, &v, 1, &c, 1)) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	}
	*gid = (unsigned long long)c.i;
	return XJ_OK;
}

int
xj_problem_others_set(struct xj_db *db, unsigned long long gid,
    const struct xj_problem_other *o, int n)
{
	struct xj_val g = XJ_VI(gid);
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_NC_OTHERS_CLEAR, &g, 1)) != XJ_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		struct xj_val v[9] = { XJ_VI(gid), XJ_VI(i + 1), XJ_VS(o[i].student_no),
		    XJ_VS(o[i].name), XJ_VS(o[i].sex), XJ_VS(o[i].birth),
		    o[i].id_masked[0] ? XJ_VS(o[i].id_masked) : XJ_VNULL, XJ_VS(o[i].province),
		    XJ_VS(o[i].school_name) };
		if ((rc = xj_db_exec(db, XJ_Q_NC_OTHER_ADD, v, 9)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

int
xj_problem_others(struct xj_db *db, unsigned long long gid,
    void (*fn)(const struct xj_problem_other *, void *), void *arg)
{
	struct xj_val v = XJ_VI(gid);
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_NC_OTHERS, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_problem_other o;
		struct xj_col c[7] = { S(o.student_no), S(o.name), S(o.sex), S(o.birth),
		    S(o.id_masked), S(o.province), S(o.school_name) };

		memset(&o, 0, sizeof(o));
		if ((rc = xj_db_fetch(db, XJ_Q_NC_OTHERS, c, 7)) != XJ_OK)
			break;
		fn(&o, arg);
	}
	xj_db_done(db, XJ_Q_NC_OTHERS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

/* The group is seen from every prefix of the member's school path. */
static int
scope_add(struct xj_db *db, unsigned long long gid, unsigned long long sid)
{
	struct xj_val v[2] = { XJ_VI(gid), XJ_VI(sid) };
	char path[129];
	struct xj_col c = S(path);
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_PROB_MEMBER_PATH, v, 2, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	for (size_t i = 0; path[i]; i++) {
		if (path[i] != '/')
			continue;
		{
			struct xj_val a[2] = { XJ_VSL(path, i + 1), XJ_VI(gid) };
			if ((rc = xj_db_exec(db, XJ_Q_PROB_SCOPE_ADD, a, 2)) != XJ_OK)
				return rc;
		}
	}
	return XJ_OK;
}

int
xj_problem_member_add(struct xj_db *db, unsigned long long gid, unsigned long long sid,
    const char *reason, const char *origin, int *joined)
{
	struct xj_val v[4] = { XJ_VI(gid), XJ_VS(reason), XJ_VS(origin), XJ_VI(sid) };
	struct xj_val g = XJ_VI(gid), s = XJ_VI(sid);
	int rc;

	*joined = 0;
	if ((rc = xj_db_exec(db, XJ_Q_PROB_MEMBER_ADD, v, 4)) != XJ_OK)
		return rc;
	if (xj_db_affected(db, XJ_Q_PROB_MEMBER_ADD) == 0)
		return XJ_OK;
	*joined = 1;
	if ((rc = scope_add(db, gid, sid)) != XJ_OK ||
	    (rc = xj_db_exec(db, XJ_Q_PROB_GROUP_GREW, &g, 1)) != XJ_OK ||
	    (rc = xj_db_exec(db, XJ_Q_PROB_FLAG, &s, 1)) != XJ_OK)
		return rc;
	return xj_problem_event(db, sid, "problem_open");
}

static void
group_cols(struct xj_problem_group *g, struct xj_col *c)
{
	c[0] = XJ_COL_INT;
	c[1] = S(g->kind);
	c[2] = S(g->state);
	c[3] = XJ_COL_INT;
	c[4] = S(g->created_at);
}

int
xj_problem_list(struct xj_db *db, const char *path, const char *after_state,
    unsigned long long after_id, int limit,
    void (*fn)(const struct xj_problem_group *, void *), void *arg)
{
	/* the cursor's (open, id); from the start: below (2, max) */
	int open = after_state[0] == '\0' ? 2 : strcmp(after_state, "open") == 0 ? 1 : 0;
	struct xj_val v[5];
	int rc;

	v[0] = XJ_VS(path);
	v[1] = XJ_VI(open);
	v[2] = XJ_VI(open);
	v[3] = XJ_VI(after_id ? after_id : ~0ULL >> 1);
	v[4] = XJ_VI(limit);
	if ((rc = xj_db_exec(db, XJ_Q_PROB_LIST, v, 5)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_problem_group g;
		struct xj_col c[6];

		memset(&g, 0, sizeof(g));
		group_cols(&g, c);
		c[5] = XJ_COL_INT;
		if ((rc = xj_db_fetch(db, XJ_Q_PROB_LIST, c, 6)) != XJ_OK)
			break;
		g.id = (unsigned long long)c[0].i;
		g.members = (int)c[3].i;
		g.national = c[5].i != 0;
		fn(&g, arg);
	}
	xj_db_done(db, XJ_Q_PROB_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_problem_group_get(struct xj_db *db, unsigned long long id, struct xj_problem_group *g)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[8];
	int rc;

	memset(g, 0, sizeof(*g));
	group_cols(g, c);
	c[5] = S(g->resolved_at);
	c[6] = S(g->national_id);
	c[7] = S(g->national_kind);
	if ((rc = xj_db_row(db, XJ_Q_PROB_GROUP_GET, &v, 1, c, 8)) != XJ_OK)
		return rc;
	g->id = (unsigned long long)c[0].i;
	g->members = (int)c[3].i;
	return XJ_OK;
}

int
xj_problem_members(struct xj_db *db, unsigned long long gid, int limit,
    struct xj_problem_member *m, void (*fn)(const struct xj_problem_member *, void *), void *arg)
{
	struct xj_val v[2] = { XJ_VI(gid), XJ_VI(limit) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_PROB_MEMBERS, v, 2)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col c[15];

		memset(m, 0, sizeof(*m));
		c[0] = XJ_COL_INT;
		c[1] = S(m->school_path);
		c[2] = S(m->reason);
		c[3] = S(m->origin);
		c[4] = S(m->state);
		c[5] = S(m->joined_at);
		c[6] = S(m->school_code);
		c[7] = S(m->school_name);
		c[8] = S(m->name);
		c[9] = S(m->sex);
		c[10] = S(m->birth);
		c[11] = S(m->doc_type);
		c[12] = XJ_COL_BLOB((char *)m->idn_ct, sizeof(m->idn_ct));
		c[13] = S(m->student_no);
		c[14] = S(m->status);
		if ((rc = xj_db_fetch(db, XJ_Q_PROB_MEMBERS, c, 15)) != XJ_OK)
			break;
		m->student_id = (unsigned long long)c[0].i;
		m->idn_ct_len = c[12].is_null ? 0 : c[12].len;
		fn(m, arg);
	}
	xj_db_done(db, XJ_Q_PROB_MEMBERS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_problem_event(struct xj_db *db, unsigned long long sid, const char *kind)
{
	struct xj_val v[2] = { XJ_VS(kind), XJ_VI(sid) };

	return xj_db_exec(db, XJ_Q_PROB_EVENT, v, 2);
}

int
xj_problem_group_lock(struct xj_db *db, unsigned long long gid, char state[12], char kind[16],
    unsigned char key[32], int *national)
{
	struct xj_val v = XJ_VI(gid);
	struct xj_col c[4] = { XJ_COL_STR(state, 12), XJ_COL_STR(kind, 16),
	    XJ_COL_BLOB((char *)key, 32), XJ_COL_INT };
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_PROB_GROUP_LOCK, &v, 1, c, 4)) != XJ_OK)
		return rc;
	if (national != NULL)
		*national = c[3].i != 0;
	return XJ_OK;
}

int
xj_problem_member_states(struct xj_db *db, unsigned long long gid, struct xj_problem_state *m,
    int max, int *n)
{
	struct xj_val v = XJ_VI(gid);
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_PROB_MEMBER_STATES, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_problem_state x;
		struct xj_col c[4] = { XJ_COL_INT, S(x.state), S(x.school_path), XJ_COL_INT };

		memset(&x, 0, sizeof(x));
		if ((rc = xj_db_fetch(db, XJ_Q_PROB_MEMBER_STATES, c, 4)) != XJ_OK)
			break;
		x.student_id = (unsigned long long)c[0].i;
		x.school_org_id = (unsigned)c[3].i;
		if (*n < max)
			m[(*n)++] = x;
	}
	xj_db_done(db, XJ_Q_PROB_MEMBER_STATES);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_problem_member_set(struct xj_db *db, unsigned long long gid, unsigned long long sid,
    const char *state, const char *evidence, unsigned actor)
{
	struct xj_val v[5] = { XJ_VS(state), evidence ? XJ_VS(evidence) : XJ_VNULL,
	    actor ? XJ_VI(actor) : XJ_VNULL, XJ_VI(gid), XJ_VI(sid) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_PROB_MEMBER_SET, v, 5)) != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_PROB_MEMBER_SET) == 1 ? XJ_OK : XJ_E_CONFLICT;
}

int
xj_problem_student_delete(struct xj_db *db, unsigned long long sid)
{
	struct xj_val v = XJ_VI(sid);

	return xj_db_exec(db, XJ_Q_PROB_STUDENT_DELETE, &v, 1);
}

int
xj_problem_group_resolve(struct xj_db *db, unsigned long long gid)
{
	struct xj_val v = XJ_VI(gid);
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_PROB_GROUP_RESOLVE, &v, 1)) != XJ_OK)
		return rc;
	return xj_db_exec(db, XJ_Q_PROB_SCOPE_CLOSE, &v, 1);
}

int
xj_problem_reflag(struct xj_db *db, unsigned long long sid)
{
	struct xj_val v = XJ_VI(sid);

	return xj_db_exec(db, XJ_Q_PROB_REFLAG, &v, 1);
}

static struct xj_val
opt(const char *v)
{
	return v[0] ? XJ_VS(v) : XJ_VNULL;
}

int
xj_problem_resolution_insert(struct xj_db *db, unsigned long long wf,
    const struct xj_problem_resolution *p)
{
	struct xj_val v[8] = { XJ_VI(wf), XJ_VI(p->group_id), XJ_VI(p->student_id), XJ_VS(p->action),
	    XJ_VS(p->evidence), opt(p->new_name), opt(p->new_sex), opt(p->new_birth) };

	return xj_db_exec(db, XJ_Q_PROB_RES_INSERT, v, 8);
}

int
xj_problem_resolution_get(struct xj_db *db, unsigned long long wf, struct xj_problem_resolution *p)
{
	struct xj_val v = XJ_VI(wf);
	struct xj_col c[7];
	int rc;

	memset(p, 0, sizeof(*p));
	c[0] = XJ_COL_INT;
	c[1] = XJ_COL_INT;
	c[2] = S(p->action);
	c[3] = S(p->evidence);
	c[4] = S(p->new_name);
	c[5] = S(p->new_sex);
	c[6] = S(p->new_birth);
	if ((rc = xj_db_row(db, XJ_Q_PROB_RES_GET, &v, 1, c, 7)) != XJ_OK)
		return rc;
	p->group_id = (unsigned long long)c[0].i;
	p->student_id = (unsigned long long)c[1].i;
	return XJ_OK;
}

int
xj_problem_student_change(struct xj_db *db, unsigned long long sid,
    const struct xj_problem_resolution *p)
{
	struct xj_val v[4] = { opt(p->new_name), opt(p->new_sex), opt(p->new_birth), XJ_VI(sid) };

	return xj_db_exec(db, XJ_Q_PROB_STUDENT_CHANGE, v, 4);
}

int
xj_problem_person_pending(struct xj_db *db, int max, unsigned long long *ids,
    struct xj_student_identity *ident, int *live, int *n)
{
	struct xj_val v = XJ_VI(max);
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_PROB_PERSON_PENDING, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_student_identity spare;	/* a row past max: dropped */
		struct xj_student_identity *p = *n < max ? &ident[*n] : &spare;
		struct xj_col c[8];

		memset(p, 0, sizeof(*p));
		c[0] = XJ_COL_INT;
		c[1] = S(p->name);
		c[2] = S(p->sex);
		c[3] = S(p->birth);
		c[4] = S(p->doc_type);
		c[5] = XJ_COL_BLOB((char *)p->idn_ct, sizeof(p->idn_ct));
		c[6] = XJ_COL_BLOB((char *)p->child_bidx, sizeof(p->child_bidx));
		c[7] = XJ_COL_INT;
		if ((rc = xj_db_fetch(db, XJ_Q_PROB_PERSON_PENDING, c, 8)) != XJ_OK)
			break;
		if (*n >= max)
			continue;
		if (c[6].len != sizeof(p->child_bidx)) {
			rc = XJ_E_INTERNAL;
			break;
		}
		p->idn_ct_len = c[5].is_null ? 0 : c[5].len;
		p->ct_aad = "student.id_number";
		xj_student_row((unsigned long long)c[0].i, -1, p->ct_row);
		live[*n] = c[7].i != 0;
		ids[(*n)++] = (unsigned long long)c[0].i;
	}
	xj_db_done(db, XJ_Q_PROB_PERSON_PENDING);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}
