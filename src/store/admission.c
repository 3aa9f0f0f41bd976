/* admission.c -- admission rows, lists, notices, staff accounts and
 * district-change decisions (see admission.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "admission.h"
#include "sql.h"

#define NCOLS_APPLICANT	26

static int
applicant(struct xj_db *db, int q, const struct xj_val *v, struct xj_applicant *o)
{
	char state[25], cert[17];
	struct xj_col c[NCOLS_APPLICANT] = {
		XJ_COL_INT, XJ_COL_STR(o->prereg, sizeof(o->prereg)), XJ_COL_INT,
		XJ_COL_STR(o->county, sizeof(o->county)), XJ_COL_STR(state, sizeof(state)),
		XJ_COL_STR(cert, sizeof(cert)), XJ_COL_INT,
		XJ_COL_STR(o->child_name, sizeof(o->child_name)), XJ_COL_STR(o->sex, sizeof(o->sex)),
		XJ_COL_STR(o->birth_date, sizeof(o->birth_date)),
		XJ_COL_STR(o->doc_type, sizeof(o->doc_type)),
		XJ_COL_BLOB((char *)o->idn_ct, sizeof(o->idn_ct)),
		XJ_COL_STR(o->hukou_code, sizeof(o->hukou_code)),
		XJ_COL_STR(o->study_permit, sizeof(o->study_permit)), XJ_COL_INT, XJ_COL_INT,
		XJ_COL_INT, XJ_COL_INT, XJ_COL_STR(o->adm_state, sizeof(o->adm_state)),
		XJ_COL_STR(o->adm_reason, sizeof(o->adm_reason)), XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(o->ticked_at, sizeof(o->ticked_at)),
		XJ_COL_STR(o->admitted_at, sizeof(o->admitted_at)),
		XJ_COL_STR(o->notice_no, sizeof(o->notice_no)),
		XJ_COL_STR(o->guardian_link, sizeof(o->guardian_link)),
	};
	int rc = xj_db_row(db, q, v, 1, c, NCOLS_APPLICANT);

	if (rc != XJ_OK)
		return rc;
	o->reg_id = (unsigned long long)c[0].i;
	o->year = (int)c[2].i;
	o->pos.state = (enum xj_reg_state)xj_reg_state_parse(state);
	o->pos.cert = (enum xj_cert_state)xj_cert_state_parse(cert);
	if ((int)o->pos.state < 0 || (int)o->pos.cert < 0)
		return XJ_E_INTERNAL;
	o->local_family = (int)c[6].i;
	o->idn_ct_len = c[11].len;
	o->age_warning = (int)c[14].i;
	o->parent_id = (unsigned long long)c[15].i;
	o->reg_school_id = (unsigned)c[16].i;
	o->adm_school_id = (unsigned)c[17].i;
	o->list_id = (unsigned long long)c[20].i;
	o->chosen_school_id = (unsigned)c[21].i;
	return XJ_OK;
}

int
xj_adm_applicant(struct xj_db *db, const char *prereg, struct xj_applicant *o)
{
	struct xj_val v = XJ_VS(prereg);

	return applicant(db, XJ_Q_ADM_APPLICANT, &v, o);
}

int
xj_adm_applicant_lock(struct xj_db *db, unsigned long long reg_id, struct xj_applicant *o)
{
	struct xj_val v = XJ_VI(reg_id);

	return applicant(db, XJ_Q_ADM_APPLICANT_LOCK, &v, o);
}

int
xj_adm_school_county(struct xj_db *db, unsigned school_id, char county[7])
{
	struct xj_val v = XJ_VI(school_id);
	struct xj_col c = XJ_COL_STR(county, 7);

	return xj_db_row(db, XJ_Q_ADM_SCHOOL_COUNTY, &v, 1, &c, 1);
}

int
xj_adm_docs_get(struct xj_db *db, unsigned long long reg_id, unsigned school_id,
    char items[256], char note[256], char checked_at[20], char checker[65])
{
	struct xj_val v[2] = { XJ_VI(reg_id), XJ_VI(school_id) };
	struct xj_col c[4] = { XJ_COL_STR(items, 256), XJ_COL_STR(note, 256),
	    XJ_COL_STR(checked_at, 20), XJ_COL_STR(checker, 65) };

	return xj_db_row(db, XJ_Q_ADM_DOCS_GET, v, 2, c, 4);
}

int
xj_adm_docs_put(struct xj_db *db, unsigned long long reg_id, unsigned school_id,
    const char *items, const char *note, unsigned long long actor)
{
	struct xj_val v[5] = { XJ_VI(reg_id), XJ_VI(school_id), XJ_VS(items), XJ_VS(note),
	    XJ_VI(actor) };

	return xj_db_exec(db, XJ_Q_ADM_DOCS_PUT, v, 5);
}

int
xj_adm_tick(struct xj_db *db, unsigned long long reg_id, unsigned school_id,
    const char *county, unsigned chosen_school_id, unsigned long long actor)
{
	struct xj_val v[5] = { XJ_VI(reg_id), XJ_VI(school_id), XJ_VS(county),
	    chosen_school_id ? XJ_VI(chosen_school_id) : XJ_VNULL, XJ_VI(actor) };

	return xj_db_exec(db, XJ_Q_ADM_TICK, v, 5);
}

int
xj_adm_untick(struct xj_db *db, unsigned long long reg_id, unsigned school_id)
{
	struct xj_val v[2] = { XJ_VI(reg_id), XJ_VI(school_id) };
	int rc = xj_db_exec(db, XJ_Q_ADM_UNTICK, v, 2);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_ADM_UNTICK) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_adm_reg_school(struct xj_db *db, unsigned long long reg_id, unsigned school_id)
{
	struct xj_val v[2] = { school_id ? XJ_VI(school_id) : XJ_VNULL, XJ_VI(reg_id) };

	return xj_db_exec(db, XJ_Q_ADM_REG_SCHOOL, v, 2);
}

int
xj_adm_list_create(struct xj_db *db, unsigned school_id, const char *county,
    unsigned long long actor, unsigned long long *id, unsigned *n)
{
	struct xj_val v[3] = { XJ_VI(school_id), XJ_VS(county), XJ_VI(actor) };
	struct xj_val t[3], c[2];
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_ADM_LIST_INSERT, v, 3)) != XJ_OK)
		return rc;
	*id = xj_db_insert_id(db, XJ_Q_ADM_LIST_INSERT);
	t[0] = XJ_VI(*id);
	t[1] = XJ_VI(school_id);
	t[2] = XJ_VS(county);
	if ((rc = xj_db_exec(db, XJ_Q_ADM_LIST_TAKE, t, 3)) != XJ_OK)
		return rc;
	*n = (unsigned)xj_db_affected(db, XJ_Q_ADM_LIST_TAKE);
	c[0] = XJ_VI(*n);
	c[1] = XJ_VI(*id);
	return xj_db_exec(db, XJ_Q_ADM_LIST_COUNT, c, 2);
}

#define LIST_COLS(l) { \
	XJ_COL_INT, XJ_COL_INT, XJ_COL_STR((l)->school_code, sizeof((l)->school_code)), \
	XJ_COL_STR((l)->school_name, sizeof((l)->school_name)), \
	XJ_COL_STR((l)->school_path, sizeof((l)->school_path)), \
	XJ_COL_STR((l)->county, sizeof((l)->county)), \
	XJ_COL_STR((l)->county_path, sizeof((l)->county_path)), \
	XJ_COL_STR((l)->state, sizeof((l)->state)), XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, \
	XJ_COL_STR((l)->submitted_at, sizeof((l)->submitted_at)), \
	XJ_COL_STR((l)->decided_at, sizeof((l)->decided_at)) }

static void
list_ints(struct xj_adm_list *l, const struct xj_col *c)
{
	l->id = (unsigned long long)c[0].i;
	l->school_id = (unsigned)c[1].i;
	l->children = (unsigned)c[8].i;
	l->approved = (unsigned)c[9].i;
	l->returned = (unsigned)c[10].i;
}

int
xj_adm_list_get(struct xj_db *db, unsigned long long id, struct xj_adm_list *l)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[13] = LIST_COLS(l);
	int rc = xj_db_row(db, XJ_Q_ADM_LIST_GET, &v, 1, c, 13);

	if (rc == XJ_OK)
		list_ints(l, c);
	return rc;
}

int
xj_adm_list_lock(struct xj_db *db, unsigned long long id, char state[13])
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c = XJ_COL_STR(state, 13);

	return xj_db_row(db, XJ_Q_ADM_LIST_LOCK, &v, 1, &c, 1);
}

int
xj_adm_lists(struct xj_db *db, const char *path, const char *state,
    void (*fn)(const struct xj_adm_list *, void *), void *arg)
{
	struct xj_adm_list l;
	char like[140];
	struct xj_val v[4];
	struct xj_col c[13] = LIST_COLS(&l);
	int rc;

	snprintf(like, sizeof(like), "%s%%", path);
	v[0] = XJ_VS(like);
	v[1] = XJ_VS(like);
	v[2] = XJ_VS(state);
	v[3] = XJ_VS(state);
	if ((rc = xj_db_exec(db, XJ_Q_ADM_LISTS, v, 4)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_ADM_LISTS, c, 13)) == XJ_OK) {
		list_ints(&l, c);
		fn(&l, arg);
	}
	xj_db_done(db, XJ_Q_ADM_LISTS);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_adm_list_children(struct xj_db *db, unsigned long long list_id,
    void (*fn)(const struct xj_adm_child *, void *), void *arg)
{
	struct xj_adm_child ch;
	struct xj_val v = XJ_VI(list_id);
	struct xj_col c[9] = { XJ_COL_INT, XJ_COL_STR(ch.prereg, sizeof(ch.prereg)),
	    XJ_COL_STR(ch.child_name, sizeof(ch.child_name)), XJ_COL_STR(ch.sex, sizeof(ch.sex)),
	    XJ_COL_STR(ch.birth_date, sizeof(ch.birth_date)), XJ_COL_INT,
	    XJ_COL_STR(ch.reg_state, sizeof(ch.reg_state)), XJ_COL_STR(ch.state, sizeof(ch.state)),
	    XJ_COL_STR(ch.reason, sizeof(ch.reason)) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_ADM_LIST_CHILDREN, &v, 1)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_ADM_LIST_CHILDREN, c, 9)) == XJ_OK) {
		ch.reg_id = (unsigned long long)c[0].i;
		ch.local_family = (int)c[5].i;
		fn(&ch, arg);
	}
	xj_db_done(db, XJ_Q_ADM_LIST_CHILDREN);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_adm_decide_child(struct xj_db *db, unsigned long long reg_id, unsigned long long list_id,
    const char *state, const char *reason)
{
	struct xj_val v[4] = { XJ_VS(state), XJ_VS(reason), XJ_VI(reg_id), XJ_VI(list_id) };
	int rc = xj_db_exec(db, XJ_Q_ADM_DECIDE_CHILD, v, 4);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_ADM_DECIDE_CHILD) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_adm_set_student(struct xj_db *db, unsigned long long reg_id, unsigned long long student_id)
{
	struct xj_val v[2] = { XJ_VI(student_id), XJ_VI(reg_id) };

	return xj_db_exec(db, XJ_Q_ADM_SET_STUDENT, v, 2);
}

int
xj_adm_list_pending(struct xj_db *db, unsigned long long list_id, unsigned max,
    unsigned long long *ids, unsigned *n)
{
	struct xj_val v[2] = { XJ_VI(list_id), XJ_VI(max) };
	struct xj_col c = XJ_COL_INT;
	int rc;

	*n = 0;
	if ((rc = xj_db_exec(db, XJ_Q_ADM_LIST_PENDING, v, 2)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_ADM_LIST_PENDING, &c, 1)) == XJ_OK)
		if (*n < max)
			ids[(*n)++] = (unsigned long long)c.i;
	xj_db_done(db, XJ_Q_ADM_LIST_PENDING);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_adm_list_outcomes(struct xj_db *db, unsigned long long list_id,
    void (*fn)(const char *prereg, const char *state, void *), void *arg)
{
	char prereg[17], state[13];
	struct xj_val v = XJ_VI(list_id);
	struct xj_col c[2] = { XJ_COL_STR(prereg, sizeof(prereg)), XJ_COL_STR(state, sizeof(state)) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_ADM_LIST_OUTCOMES, &v, 1)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_ADM_LIST_OUTCOMES, c, 2)) == XJ_OK)
		fn(prereg, state, arg);
	xj_db_done(db, XJ_Q_ADM_LIST_OUTCOMES);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_adm_list_advance(struct xj_db *db, unsigned long long id, unsigned approved,
    unsigned returned)
{
	struct xj_val v[3] = { XJ_VI(approved), XJ_VI(returned), XJ_VI(id) };
	int rc = xj_db_exec(db, XJ_Q_ADM_LIST_ADVANCE, v, 3);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_ADM_LIST_ADVANCE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_adm_list_close(struct xj_db *db, unsigned long long id, unsigned approved,
    unsigned returned, unsigned long long actor)
{
	struct xj_val v[4] = { XJ_VI(approved), XJ_VI(returned), XJ_VI(actor), XJ_VI(id) };
	int rc = xj_db_exec(db, XJ_Q_ADM_LIST_CLOSE, v, 4);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_ADM_LIST_CLOSE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_adm_admit(struct xj_db *db, unsigned long long reg_id, unsigned school_id,
    const char *school_code, int year, char out[XJ_NOTICE_NO_LEN + 1])
{
	struct xj_val s[2] = { XJ_VI(school_id), XJ_VI(year) };
	struct xj_val u[3];
	struct xj_col c = XJ_COL_INT;
	int rc;

	out[0] = '\0';
	/* the counter row rolls back with the notice: no gaps on paper */
	if ((rc = xj_db_exec(db, XJ_Q_ADM_NOTICE_SEQ_NEXT, s, 2)) != XJ_OK ||
	    (rc = xj_db_row(db, XJ_Q_ADM_NOTICE_SEQ_GET, s, 2, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (c.i < 1 || c.i > 99999 || strlen(school_code) != 10)
		return XJ_E_INTERNAL;
	snprintf(out, XJ_NOTICE_NO_LEN + 1, "LQ%s%04d%05lld", school_code, year, c.i);
	u[0] = XJ_VS(out);
	u[1] = XJ_VI(reg_id);
	u[2] = XJ_VI(school_id);
	if ((rc = xj_db_exec(db, XJ_Q_ADM_ADMIT, u, 3)) != XJ_OK)
		return rc;
	return xj_db_affected(db, XJ_Q_ADM_ADMIT) == 1 ? XJ_OK : XJ_E_CONFLICT;
}

/* ---- staff accounts ---- */

int
xj_adm_staff_get(struct xj_db *db, const char *login, struct xj_staff_target *t)
{
	struct xj_val v = XJ_VS(login);
	struct xj_col c[4] = { XJ_COL_INT, XJ_COL_STR(t->status, sizeof(t->status)),
	    XJ_COL_STR(t->role, sizeof(t->role)), XJ_COL_STR(t->org_path, sizeof(t->org_path)) };
	int rc = xj_db_row(db, XJ_Q_STAFF_ADMIN_GET, &v, 1, c, 4);

	t->id = (unsigned long long)c[0].i;
	return rc;
}

int
xj_adm_org_get(struct xj_db *db, const char *kind, const char *code, unsigned *id,
    char path[129])
{
	struct xj_val v[2] = { XJ_VS(kind), XJ_VS(code) };
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_STR(path, 129) };
	int rc = xj_db_row(db, XJ_Q_STAFF_ORG_GET, v, 2, c, 2);

	*id = (unsigned)c[0].i;
	return rc;
}

int
xj_adm_staff_disable(struct xj_db *db, unsigned long long id)
{
	struct xj_val v = XJ_VI(id);
	int rc = xj_db_exec(db, XJ_Q_STAFF_DISABLE, &v, 1);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_STAFF_DISABLE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

/* ---- district changes ---- */

#define CHANGE_COLS(d) { \
	XJ_COL_INT, XJ_COL_INT, XJ_COL_STR((d)->prereg, sizeof((d)->prereg)), \
	XJ_COL_STR((d)->child_name, sizeof((d)->child_name)), \
	XJ_COL_STR((d)->from_county, sizeof((d)->from_county)), \
	XJ_COL_STR((d)->to_county, sizeof((d)->to_county)), \
	XJ_COL_STR((d)->state, sizeof((d)->state)), XJ_COL_STR((d)->reason, sizeof((d)->reason)), \
	XJ_COL_STR((d)->decision_reason, sizeof((d)->decision_reason)), \
	XJ_COL_STR((d)->requested_at, sizeof((d)->requested_at)), \
	XJ_COL_STR((d)->revoked_at, sizeof((d)->revoked_at)), \
	XJ_COL_STR((d)->decided_at, sizeof((d)->decided_at)), \
	XJ_COL_STR((d)->new_prereg, sizeof((d)->new_prereg)), \
	XJ_COL_STR((d)->from_path, sizeof((d)->from_path)), \
	XJ_COL_STR((d)->to_path, sizeof((d)->to_path)) }

int
xj_adm_change_get(struct xj_db *db, unsigned long long id, struct xj_change_case *d)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[15] = CHANGE_COLS(d);
	int rc = xj_db_row(db, XJ_Q_CHANGE_GET, &v, 1, c, 15);

	d->id = (unsigned long long)c[0].i;
	d->reg_id = (unsigned long long)c[1].i;
	return rc;
}

int
xj_adm_change_queue(struct xj_db *db, const char *path, const char *state,
    void (*fn)(const struct xj_change_case *, void *), void *arg)
{
	struct xj_change_case d;
	char like[140];
	struct xj_val v[4];
	struct xj_col c[15] = CHANGE_COLS(&d);
	int rc;

	snprintf(like, sizeof(like), "%s%%", path);
	v[0] = XJ_VS(like);
	v[1] = XJ_VS(like);
	v[2] = XJ_VS(state);
	v[3] = XJ_VS(state);
	if ((rc = xj_db_exec(db, XJ_Q_CHANGE_QUEUE, v, 4)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_CHANGE_QUEUE, c, 15)) == XJ_OK) {
		d.id = (unsigned long long)c[0].i;
		d.reg_id = (unsigned long long)c[1].i;
		fn(&d, arg);
	}
	xj_db_done(db, XJ_Q_CHANGE_QUEUE);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_adm_change_revoke(struct xj_db *db, unsigned long long id, unsigned long long actor)
{
	struct xj_val v[2] = { XJ_VI(actor), XJ_VI(id) };
	int rc = xj_db_exec(db, XJ_Q_CHANGE_REVOKE, v, 2);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_CHANGE_REVOKE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_adm_change_decide(struct xj_db *db, unsigned long long id, const char *from,
    const char *to, unsigned long long actor, const char *reason, unsigned long long new_reg_id)
{
	struct xj_val v[6] = { XJ_VS(to), XJ_VI(actor), XJ_VS(reason),
	    new_reg_id ? XJ_VI(new_reg_id) : XJ_VNULL, XJ_VI(id), XJ_VS(from) };
	int rc = xj_db_exec(db, XJ_Q_CHANGE_DECIDE, v, 6);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_CHANGE_DECIDE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}
