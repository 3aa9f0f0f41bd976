/* student.c -- student records (see student.h): created from an approved
 * admission inside the approver's transaction, classes, roster and
 * search, record maintenance, term registration and the statistics
 * queries. Personal data moves from registration to student inside the
 * database (INSERT ... SELECT): ciphertext is copied, never decrypted. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <openssl/rand.h>

#include "core/err.h"
#include "core/log.h"
#include "crypto/field.h"
#include "db/db.h"
#include "domain/idnum.h"
#include "domain/person.h"
#include "domain/studentno.h"
#include "org.h"
#include "registration.h"
#include "sql.h"
#include "student.h"

/* A clash needs another child born the same day in the same district
 * whose number drew the same 4 digits (1 in 10,000 per such child), so
 * eight draws failing means something is wrong, not bad luck. */
#define TEMP_NO_DRAWS	8

/* Reserve a temporary number for the child (R-REC-1): the primary key of
 * student_no_issued holds every number ever issued, so a number in use
 * or replaced since is never drawn again. */
static int
draw_temp_no(struct xj_db *db, const char *county, const char *birth, char no[20])
{
	struct xj_str b = xj_str_c(birth);
	int y, m, d, rc;

	if (xj_date_parse(b, &y, &m, &d) != XJ_OK)
		return XJ_E_INTERNAL;
	for (int i = 0; i < TEMP_NO_DRAWS; i++) {
		unsigned char r[4];
		unsigned rand4;
		struct xj_val v;

		if (RAND_bytes(r, sizeof(r)) != 1)
			return XJ_E_INTERNAL;
		/* 2^32 mod 10^4 = 7296: the bias is below 3 in a million */
		rand4 = ((unsigned)r[0] << 24 | (unsigned)r[1] << 16 | (unsigned)r[2] << 8 | r[3]) %
		    XJ_STUDENTNO_RAND_MAX;
		if (xj_studentno_temp(county, y, m, d, rand4, no) != XJ_OK)
			return XJ_E_INTERNAL;
		v = XJ_VS(no);
		rc = xj_db_exec(db, XJ_Q_STU_NO_RESERVE, &v, 1);
		if (rc != XJ_E_CONFLICT)
			return rc;
	}
	xj_log(XJ_LOG_ERROR, "student_no_exhausted", "%s", "county", county);
	return XJ_E_INTERNAL;
}

int
xj_student_may_enrol(struct xj_db *db, unsigned long long registration_id,
    unsigned school_org_id)
{
	struct xj_val v[2] = { XJ_VI(school_org_id), XJ_VI(registration_id) };
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_STU_MAY_ENROL, v, 2, c, 2);

	if (rc != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if (c[0].i == 0)
		return XJ_E_SCHOOL_UNLICENSED;
	return c[1].i > 0 ? XJ_E_REPEATER : XJ_OK;
}

void
xj_student_row(unsigned long long id, int guardian, char out[XJ_STUDENT_ROW_MAX])
{
	if (guardian < 0)
		snprintf(out, XJ_STUDENT_ROW_MAX, "s%llu", id);
	else
		snprintf(out, XJ_STUDENT_ROW_MAX, "s%llu/%d", id, guardian);
}

/* One copied ciphertext re-encrypted for the student's row (review L1). */
static int
reseal(const struct xj_keys *k, const char *from_aad, const char *prereg, int idx,
    const char *to_aad, unsigned long long sid, const unsigned char *ct, size_t len,
    unsigned char *out, size_t *outlen)
{
	char from[XJ_REG_ROW_MAX], to[XJ_STUDENT_ROW_MAX];

	*outlen = 0;
	if (len == 0)
		return XJ_OK;
	xj_reg_row(prereg, idx, from);
	xj_student_row(sid, idx, to);
	if (xj_field_reseal(k, from_aad, from, to_aad, to, ct, len, out, XJ_CT_MAX, outlen) != 0) {
		xj_log(XJ_LOG_ERROR, "student_reseal_failed", "%s", "column", to_aad);
		return XJ_E_INTERNAL;
	}
	return XJ_OK;
}

/* The student row and its guardians' rows got the registration's
 * ciphertexts by INSERT ... SELECT: encrypt them again for these rows. */
static int
reseal_student(struct xj_db *db, const struct xj_keys *k, unsigned long long reg_id,
    unsigned long long sid)
{
	char prereg[17];
	unsigned char ct[XJ_CT_MAX], ct2[XJ_CT_MAX], out[XJ_CT_MAX], out2[XJ_CT_MAX];
	struct { long long idx; unsigned char idn[XJ_CT_MAX], ph[XJ_CT_MAX];
	    unsigned long idn_len, ph_len; } g[XJ_REG_MAX_GUARDIANS];
	size_t n = 0, m = 0, ng = 0;
	struct xj_val v = XJ_VI(reg_id);
	struct xj_col c[2] = { XJ_COL_STR(prereg, sizeof(prereg)), XJ_COL_BLOB((char *)ct, sizeof(ct)) };
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_STU_RESEAL_SRC, &v, 1, c, 2)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = reseal(k, "registration.id_number", prereg, -1, "student.id_number", sid,
	    ct, c[1].is_null ? 0 : c[1].len, out, &n)) != XJ_OK)
		return rc;
	{
		struct xj_val u[2] = { XJ_VB(out, n), XJ_VI(sid) };
		if ((rc = xj_db_exec(db, XJ_Q_STU_SET_CT, u, 2)) != XJ_OK)
			return rc;
	}
	if ((rc = xj_db_exec(db, XJ_Q_STU_RESEAL_GSRC, &v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct xj_col gc[3] = { XJ_COL_INT, XJ_COL_BLOB((char *)ct, sizeof(ct)),
		    XJ_COL_BLOB((char *)ct2, sizeof(ct2)) };
		if ((rc = xj_db_fetch(db, XJ_Q_STU_RESEAL_GSRC, gc, 3)) != XJ_OK)
			break;
		if (ng == XJ_REG_MAX_GUARDIANS)
			continue;
		g[ng].idx = gc[0].i;
		g[ng].idn_len = gc[1].is_null ? 0 : gc[1].len;
		g[ng].ph_len = gc[2].is_null ? 0 : gc[2].len;
		memcpy(g[ng].idn, ct, g[ng].idn_len);
		memcpy(g[ng].ph, ct2, g[ng].ph_len);
		ng++;
	}
	xj_db_done(db, XJ_Q_STU_RESEAL_GSRC);
	if (rc != XJ_NO_ROW)
		return rc;
	for (size_t i = 0; i < ng; i++) {
		int idx = (int)g[i].idx;
		if ((rc = reseal(k, "registration_guardian.id_number", prereg, idx,
		    "student_guardian.id_number", sid, g[i].idn, g[i].idn_len, out, &n)) != XJ_OK ||
		    (rc = reseal(k, "registration_guardian.phone", prereg, idx,
		    "student_guardian.phone", sid, g[i].ph, g[i].ph_len, out2, &m)) != XJ_OK)
			return rc;
		{
			struct xj_val u[4] = { n ? XJ_VB(out, n) : XJ_VNULL, XJ_VB(out2, m),
			    XJ_VI(sid), XJ_VI(idx) };
			if ((rc = xj_db_exec(db, XJ_Q_STU_GUARDIAN_SET_CT, u, 4)) != XJ_OK)
				return rc;
		}
	}
	return XJ_OK;
}

int
xj_student_person_bidx(const struct xj_keys *k, const char *name, const char *sex,
    const char *birth, unsigned char out[32])
{
	char key[XJ_PERSON_KEY_MAX];
	size_t n = xj_person_key(name, strlen(name), sex, birth, key, sizeof(key));

	if (n == (size_t)-1)
		return 0;
	return xj_blind_index(k, "student.person", key, n, out) == 0 ? 1 : -1;
}

int
xj_student_create_from_registration(struct xj_db *db, const struct xj_keys *keys,
    unsigned long long registration_id, unsigned school_org_id,
    unsigned long long *student_id, struct xj_student_identity *id)
{
	char county[7], no[20], prereg[17];
	struct xj_val r = XJ_VI(registration_id);
	struct xj_col c[9] = { XJ_COL_STR(county, sizeof(county)), XJ_COL_INT,
	    XJ_COL_STR(id->birth, sizeof(id->birth)), XJ_COL_STR(id->name, sizeof(id->name)),
	    XJ_COL_STR(id->sex, sizeof(id->sex)), XJ_COL_STR(id->doc_type, sizeof(id->doc_type)),
	    XJ_COL_BLOB((char *)id->child_bidx, sizeof(id->child_bidx)),
	    XJ_COL_STR(prereg, sizeof(prereg)),
	    XJ_COL_BLOB((char *)id->idn_ct, sizeof(id->idn_ct)) };
	struct xj_col e = XJ_COL_INT;
	const char *birth = id->birth;
	int rc;

	memset(id, 0, sizeof(*id));

	*student_id = 0;
	/* one record per registration: say so before drawing a number (the
	 * unique key student_registration stays the guarantee) */
	if ((rc = xj_db_row(db, XJ_Q_STU_BY_REG, &r, 1, &e, 1)) == XJ_OK) {
		*student_id = (unsigned long long)e.i;
		return XJ_E_CONFLICT;
	}
	if (rc != XJ_NO_ROW)
		return rc;
	if ((rc = xj_student_may_enrol(db, registration_id, school_org_id)) != XJ_OK)
		return rc;
	if ((rc = xj_db_row(db, XJ_Q_STU_REG_SOURCE, &r, 1, c, 9)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	/* issue 12: what the duplicate check at the door reads, from the row
	 * the record is copied from (no second read); the number's
	 * ciphertext as the registration holds it */
	if (c[6].len != sizeof(id->child_bidx))
		return XJ_E_INTERNAL;
	id->idn_ct_len = c[8].is_null ? 0 : c[8].len;
	id->ct_aad = "registration.id_number";
	xj_reg_row(prereg, -1, id->ct_row);
	if ((id->has_person = xj_student_person_bidx(keys, id->name, id->sex, id->birth,
	    id->person_bidx)) < 0)
		return XJ_E_INTERNAL;
	/* the area code of an L number: the district that admitted the child */
	if ((rc = draw_temp_no(db, county, birth, no)) != XJ_OK)
		return rc;
	{
		struct xj_val v[4] = { XJ_VI(school_org_id), XJ_VS(no),
		    id->has_person ? XJ_VB(id->person_bidx, 32) : XJ_VNULL, XJ_VI(registration_id) };
		if ((rc = xj_db_exec(db, XJ_Q_STU_INSERT, v, 4)) != XJ_OK)
			return rc;
		if (xj_db_affected(db, XJ_Q_STU_INSERT) != 1)
			return XJ_E_NOT_FOUND;
		*student_id = xj_db_insert_id(db, XJ_Q_STU_INSERT);
	}
	{
		struct xj_val v[2] = { XJ_VI(*student_id), XJ_VS(no) };
		if ((rc = xj_db_exec(db, XJ_Q_STU_NO_BIND, v, 2)) != XJ_OK)
			return rc;
	}
	{
		struct xj_val v[2] = { XJ_VI(*student_id), XJ_VI(registration_id) };
		if ((rc = xj_db_exec(db, XJ_Q_STU_GUARDIANS_COPY, v, 2)) != XJ_OK)
			return rc;
	}
	return reseal_student(db, keys, registration_id, *student_id);
}

int
xj_student_create_direct(struct xj_db *db, const struct xj_keys *keys,
    const struct xj_student_new *in, unsigned long long *student_id, char no[20],
    struct xj_student_identity *id)
{
	size_t n = 0;
	int rc;

	memset(id, 0, sizeof(*id));
	*student_id = 0;
	snprintf(id->name, sizeof(id->name), "%s", in->name);
	snprintf(id->sex, sizeof(id->sex), "%s", in->sex);
	snprintf(id->birth, sizeof(id->birth), "%s", in->birth);
	snprintf(id->doc_type, sizeof(id->doc_type), "%s", in->doc_type);
	memcpy(id->child_bidx, in->child_bidx, sizeof(id->child_bidx));
	if ((id->has_person = xj_student_person_bidx(keys, id->name, id->sex, id->birth,
	    id->person_bidx)) < 0)
		return XJ_E_INTERNAL;
	/* the area code of an L number: the school's territorial county, as
	 * the admitting district's for an admission; a number the record
	 * brings is every number's row too (never reused, R-REC-1) */
	if (in->student_no == NULL)
		rc = draw_temp_no(db, in->county, in->birth, no);
	else {
		struct xj_val v = XJ_VS(in->student_no);

		snprintf(no, 20, "%s", in->student_no);
		rc = xj_db_exec(db, XJ_Q_STU_NO_RESERVE, &v, 1);
	}
	if (rc != XJ_OK)
		return rc;
	{
		char kind[2] = { no[0], '\0' };
		struct xj_val v[30] = { XJ_VI(in->school_org_id), XJ_VS(in->county), XJ_VS(no),
		    XJ_VS(kind), XJ_VS(in->name), XJ_VS(in->sex), XJ_VS(in->birth), XJ_VS(in->doc_type),
		    XJ_VB(in->child_bidx, 32),
		    id->has_person ? XJ_VB(id->person_bidx, 32) : XJ_VNULL,
		    XJ_VS(in->ethnicity), XJ_VS(in->nationality), XJ_VS(in->hukou_nature),
		    XJ_VS(in->hukou_code), XJ_VS(in->birthplace), XJ_VS(in->native_place),
		    XJ_VS(in->current_address), XJ_VS(in->home_address), XJ_VS(in->contact_address),
		    XJ_VI(in->local_family), XJ_VI(in->left_behind), XJ_VI(in->migrant_worker_child),
		    XJ_VI(in->boarding), XJ_VI(in->entry_year), XJ_VI(in->level),
		    in->class_id ? XJ_VI(in->class_id) : XJ_VNULL, XJ_VS(in->status),
		    XJ_VS(in->origin), XJ_VS(in->national_check ? in->national_check : "due"),
		    XJ_VS(in->national_action) };
		if ((rc = xj_db_exec(db, XJ_Q_SUPP_INSERT, v, 30)) != XJ_OK)
			return rc;
		*student_id = xj_db_insert_id(db, XJ_Q_SUPP_INSERT);
	}
	{
		struct xj_val v[2] = { XJ_VI(*student_id), XJ_VS(no) };
		if ((rc = xj_db_exec(db, XJ_Q_STU_NO_BIND, v, 2)) != XJ_OK)
			return rc;
	}
	/* the number encrypted for the record's own row (review L1): the row
	 * is known once the insert gave the id */
	xj_student_row(*student_id, -1, id->ct_row);
	id->ct_aad = "student.id_number";
	if (xj_field_encrypt(keys, id->ct_aad, id->ct_row, in->id_number, strlen(in->id_number),
	    id->idn_ct, sizeof(id->idn_ct), &n) != 0)
		return XJ_E_INTERNAL;
	id->idn_ct_len = n;
	{
		struct xj_val u[2] = { XJ_VB(id->idn_ct, n), XJ_VI(*student_id) };
		return xj_db_exec(db, XJ_Q_STU_SET_CT, u, 2);
	}
}

int
xj_student_national(struct xj_db *db, unsigned long long id, char origin[17], char check[9],
    char action[13])
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[3] = { XJ_COL_STR(origin, 17), XJ_COL_STR(check, 9),
	    XJ_COL_STR(action, 13) };

	return xj_db_row(db, XJ_Q_SUPP_NATIONAL, &v, 1, c, 3);
}

int
xj_student_get(struct xj_db *db, unsigned long long id, struct xj_student *s)
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[37] = {
		XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(s->school_code, sizeof(s->school_code)),
		XJ_COL_STR(s->school_name, sizeof(s->school_name)),
		XJ_COL_STR(s->school_path, sizeof(s->school_path)),
		XJ_COL_STR(s->county, sizeof(s->county)),
		XJ_COL_STR(s->student_no, sizeof(s->student_no)),
		XJ_COL_STR(s->student_no_kind, sizeof(s->student_no_kind)),
		XJ_COL_STR(s->name, sizeof(s->name)), XJ_COL_STR(s->sex, sizeof(s->sex)),
		XJ_COL_STR(s->birth_date, sizeof(s->birth_date)),
		XJ_COL_STR(s->id_doc_type, sizeof(s->id_doc_type)),
		XJ_COL_STR(s->ethnicity, sizeof(s->ethnicity)),
		XJ_COL_STR(s->nationality, sizeof(s->nationality)),
		XJ_COL_STR(s->hukou_nature, sizeof(s->hukou_nature)),
		XJ_COL_STR(s->hukou_code, sizeof(s->hukou_code)),
		XJ_COL_STR(s->birthplace, sizeof(s->birthplace)),
		XJ_COL_STR(s->native_place, sizeof(s->native_place)),
		XJ_COL_STR(s->current_address, sizeof(s->current_address)),
		XJ_COL_STR(s->home_address, sizeof(s->home_address)),
		XJ_COL_STR(s->contact_address, sizeof(s->contact_address)),
		XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, XJ_COL_INT,
		XJ_COL_INT, XJ_COL_STR(s->class_code, sizeof(s->class_code)),
		XJ_COL_STR(s->status, sizeof(s->status)), XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(s->created_at, sizeof(s->created_at)),
		XJ_COL_STR(s->updated_at, sizeof(s->updated_at)), XJ_COL_INT, XJ_COL_INT,
	};
	int rc = xj_db_row(db, XJ_Q_STU_GET, &v, 1, c, 37);

	if (rc != XJ_OK)
		return rc;
	s->id = (unsigned long long)c[0].i;
	s->registration_id = (unsigned long long)c[1].i;
	s->school_org_id = (unsigned)c[2].i;
	s->local_family = (int)c[22].i;
	s->left_behind = (int)c[23].i;
	s->migrant_worker_child = (int)c[24].i;
	s->boarding = (int)c[25].i;
	s->entry_year = (int)c[26].i;
	s->level = (int)c[27].i;
	s->class_id = (unsigned)c[28].i;
	s->problem_open = (int)c[31].i;
	s->version = (unsigned)c[32].i;
	s->guardians = (int)c[35].i;
	s->grade_offset = (int)c[36].i;
	return XJ_OK;
}

int
xj_student_lock(struct xj_db *db, unsigned long long id, unsigned *version, char status[17])
{
	struct xj_val v = XJ_VI(id);
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_STR(status, 17) };
	int rc = xj_db_row(db, XJ_Q_STU_LOCK, &v, 1, c, 2);

	*version = (unsigned)c[0].i;
	return rc;
}

int
xj_student_set_class(struct xj_db *db, unsigned long long id, unsigned class_id, unsigned version)
{
	struct xj_val v[3] = { XJ_VI(class_id), XJ_VI(id), XJ_VI(version) };
	int rc = xj_db_exec(db, XJ_Q_STU_SET_CLASS, v, 3);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_STU_SET_CLASS) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

int
xj_student_update(struct xj_db *db, const struct xj_student *s, unsigned version)
{
	struct xj_val v[7] = { XJ_VS(s->current_address), XJ_VS(s->home_address),
	    XJ_VS(s->contact_address), XJ_VI(s->left_behind), XJ_VI(s->boarding), XJ_VI(s->id),
	    XJ_VI(version) };
	int rc = xj_db_exec(db, XJ_Q_STU_UPDATE, v, 7);

	if (rc == XJ_OK && xj_db_affected(db, XJ_Q_STU_UPDATE) != 1)
		return XJ_E_CONFLICT;
	return rc;
}

static int
list_items(struct xj_db *db, int q, const struct xj_val *v, unsigned nv, xj_student_fn fn,
    void *arg)
{
	struct xj_student_item it;
	struct xj_col c[12] = {
		XJ_COL_INT, XJ_COL_STR(it.student_no, sizeof(it.student_no)),
		XJ_COL_STR(it.name, sizeof(it.name)), XJ_COL_STR(it.sex, sizeof(it.sex)),
		XJ_COL_STR(it.birth_date, sizeof(it.birth_date)), XJ_COL_INT, XJ_COL_INT,
		XJ_COL_STR(it.class_code, sizeof(it.class_code)),
		XJ_COL_STR(it.status, sizeof(it.status)),
		XJ_COL_STR(it.school_code, sizeof(it.school_code)),
		XJ_COL_STR(it.school_name, sizeof(it.school_name)), XJ_COL_INT,
	};
	int rc;

	if ((rc = xj_db_exec(db, q, v, nv)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, q, c, 12)) == XJ_OK) {
		it.id = (unsigned long long)c[0].i;
		it.entry_year = (int)c[5].i;
		it.level = (int)c[6].i;
		it.grade_offset = (int)c[11].i;
		fn(&it, arg);
	}
	xj_db_done(db, q);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_student_roster(struct xj_db *db, unsigned school, unsigned class_id, int y0, int y1,
    int l0, int l1, unsigned long long after, int limit, xj_student_fn fn, void *arg)
{
	if (class_id) {
		struct xj_val v[4] = { XJ_VI(school), XJ_VI(class_id), XJ_VI(after), XJ_VI(limit) };
		return list_items(db, XJ_Q_STU_ROSTER_CLASS, v, 4, fn, arg);
	} else {
		struct xj_val v[7] = { XJ_VI(school), XJ_VI(y0), XJ_VI(y1), XJ_VI(l0), XJ_VI(l1),
		    XJ_VI(after), XJ_VI(limit) };
		return list_items(db, XJ_Q_STU_ROSTER, v, 7, fn, arg);
	}
}

int
xj_student_roster_count(struct xj_db *db, unsigned school, unsigned class_id, int y0, int y1,
    int l0, int l1, unsigned long long *n)
{
	struct xj_col c = XJ_COL_INT;
	int rc;

	if (class_id) {
		struct xj_val v[2] = { XJ_VI(school), XJ_VI(class_id) };
		rc = xj_db_row(db, XJ_Q_STU_ROSTER_CLASS_COUNT, v, 2, &c, 1);
	} else {
		struct xj_val v[5] = { XJ_VI(school), XJ_VI(y0), XJ_VI(y1), XJ_VI(l0), XJ_VI(l1) };
		rc = xj_db_row(db, XJ_Q_STU_ROSTER_COUNT, v, 5, &c, 1);
	}
	*n = rc == XJ_OK ? (unsigned long long)c.i : 0;
	return rc;
}

int
xj_student_search(struct xj_db *db, const char *path, const char *name_prefix,
    const char *student_no, unsigned school, const char *class_code, const char *status,
    unsigned long long after, int limit, xj_student_fn fn, void *arg)
{
	char like[136], name_like[2 * 256 + 2];
	size_t n = 0;
	struct xj_val v[14];

	/* org paths are digits and '/': nothing LIKE would read as a pattern */
	snprintf(like, sizeof(like), "%s%%", path);
	/* a name prefix, its LIKE signs escaped ('!' is the escape) */
	for (const char *p = name_prefix; *p && n + 3 < sizeof(name_like); p++) {
		if (*p == '%' || *p == '_' || *p == '!')
			name_like[n++] = '!';
		name_like[n++] = *p;
	}
	name_like[n++] = '%';
	name_like[n] = '\0';
	v[0] = XJ_VS(like);
	v[1] = XJ_VS(name_prefix);
	v[2] = XJ_VS(name_like);
	v[3] = XJ_VS(student_no);
	v[4] = XJ_VS(student_no);
	v[5] = XJ_VI(school);
	v[6] = XJ_VI(school);
	v[7] = XJ_VS(class_code);
	v[8] = XJ_VS(class_code);
	v[9] = XJ_VS(status);
	v[10] = XJ_VS(status);
	v[11] = XJ_VI(after);
	v[12] = XJ_VI(limit);
	return list_items(db, XJ_Q_STU_SEARCH, v, 13, fn, arg);
}

/* ---- classes -------------------------------------------------------- */

int
xj_school_campus(struct xj_db *db, unsigned org_id, char kind[12], unsigned *main_campus,
    char status[8])
{
	struct xj_val v = XJ_VI(org_id);
	struct xj_col c[3] = { XJ_COL_STR(kind, 12), XJ_COL_INT, XJ_COL_STR(status, 8) };
	int rc = xj_db_row(db, XJ_Q_SCHOOL_CAMPUS, &v, 1, c, 3);

	*main_campus = (unsigned)c[1].i;
	return rc;
}

int
xj_class_group_max(struct xj_db *db, unsigned group, int entry_year, int level,
    int *main_max, int *branch_max)
{
	struct xj_val v[3] = { XJ_VI(group), XJ_VI(entry_year), XJ_VI(level) };
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_CLASS_GROUP_MAX, v, 3, c, 2);

	*main_max = (int)c[0].i;
	*branch_max = (int)c[1].i;
	return rc;
}

int
xj_class_insert(struct xj_db *db, unsigned school, unsigned group, struct xj_class *c)
{
	struct xj_val v[6] = { XJ_VI(school), XJ_VI(group), XJ_VI(c->entry_year), XJ_VI(c->level),
	    XJ_VI(c->number), XJ_VS(c->code) };
	int rc = xj_db_exec(db, XJ_Q_CLASS_INSERT, v, 6);

	if (rc == XJ_OK)
		c->id = (unsigned)xj_db_insert_id(db, XJ_Q_CLASS_INSERT);
	return rc;
}

int
xj_class_by_code(struct xj_db *db, unsigned school, const char *code, struct xj_class *cl)
{
	struct xj_val v[2] = { XJ_VI(school), XJ_VS(code) };
	struct xj_col c[4] = { XJ_COL_INT, XJ_COL_INT, XJ_COL_INT, XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_CLASS_BY_CODE, v, 2, c, 4);

	if (rc == XJ_OK) {
		cl->id = (unsigned)c[0].i;
		cl->entry_year = (int)c[1].i;
		cl->level = (int)c[2].i;
		cl->number = (int)c[3].i;
		snprintf(cl->code, sizeof(cl->code), "%s", code);
		cl->students = 0;
	}
	return rc;
}

int
xj_class_list(struct xj_db *db, unsigned school, void (*fn)(const struct xj_class *, void *),
    void *arg)
{
	struct xj_class cl;
	struct xj_val v = XJ_VI(school);
	struct xj_col c[6] = { XJ_COL_INT, XJ_COL_STR(cl.code, sizeof(cl.code)), XJ_COL_INT,
	    XJ_COL_INT, XJ_COL_INT, XJ_COL_INT };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_CLASS_LIST, &v, 1)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_CLASS_LIST, c, 6)) == XJ_OK) {
		cl.id = (unsigned)c[0].i;
		cl.entry_year = (int)c[2].i;
		cl.level = (int)c[3].i;
		cl.number = (int)c[4].i;
		cl.students = c[5].i;
		fn(&cl, arg);
	}
	xj_db_done(db, XJ_Q_CLASS_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

/* ---- term registration ---------------------------------------------- */

static int
term_count(struct xj_db *db, unsigned school, const char *term, long long *n)
{
	struct xj_val v[2] = { XJ_VI(school), XJ_VS(term) };
	struct xj_col c = XJ_COL_INT;
	int rc = xj_db_row(db, XJ_Q_TERM_COUNT, v, 2, &c, 1);

	*n = c.i;
	return rc;
}

int
xj_term_register(struct xj_db *db, unsigned school, const char *term, unsigned long long actor,
    long long *before, long long *after)
{
	struct xj_val v[3] = { XJ_VS(term), XJ_VI(actor), XJ_VI(school) };
	int rc;

	if ((rc = term_count(db, school, term, before)) != XJ_OK ||
	    (rc = xj_db_exec(db, XJ_Q_TERM_REGISTER, v, 3)) != XJ_OK)
		return rc;
	return term_count(db, school, term, after);
}

int
xj_term_refused(struct xj_db *db, unsigned school, int limit,
    void (*fn)(unsigned long long, const char *, const char *, void *), void *arg, long long *n)
{
	char no[20], name[257];
	struct xj_val v[2] = { XJ_VI(school), XJ_VI(limit) };
	struct xj_col c[3] = { XJ_COL_INT, XJ_COL_STR(no, sizeof(no)), XJ_COL_STR(name, sizeof(name)) };
	struct xj_col k = XJ_COL_INT;
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_TERM_REFUSED_COUNT, v, 1, &k, 1)) != XJ_OK)
		return rc;
	*n = k.i;
	if ((rc = xj_db_exec(db, XJ_Q_TERM_REFUSED, v, 2)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, XJ_Q_TERM_REFUSED, c, 3)) == XJ_OK)
		fn((unsigned long long)c[0].i, no, name, arg);
	xj_db_done(db, XJ_Q_TERM_REFUSED);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

/* ---- statistics ----------------------------------------------------- */

static int
stats(struct xj_db *db, int q, const char *path, int with_id, int with_state, xj_stat_fn fn,
    void *arg)
{
	struct xj_stat_row row;
	char like[136];
	struct xj_val v;
	struct xj_col c[6];
	unsigned n = 0;
	int rc;

	snprintf(like, sizeof(like), "%s%%", path);
	v = XJ_VS(like);
	memset(&row, 0, sizeof(row));
	if (with_id)
		c[n++] = XJ_COL_INT;
	c[n++] = XJ_COL_STR(row.code, sizeof(row.code));
	c[n++] = XJ_COL_STR(row.name, sizeof(row.name));
	if (with_state) {
		c[n++] = XJ_COL_STR(row.state, sizeof(row.state));
		c[n++] = XJ_COL_INT;
	}
	c[n++] = XJ_COL_INT;
	if ((rc = xj_db_exec(db, q, &v, 1)) != XJ_OK)
		return rc;
	while ((rc = xj_db_fetch(db, q, c, n)) == XJ_OK) {
		row.org_id = with_id ? (unsigned)c[0].i : 0;
		row.local_family = with_state ? (int)c[n - 2].i : 0;
		row.n = c[n - 1].i;
		fn(&row, arg);
	}
	xj_db_done(db, q);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_stats_counties(struct xj_db *db, const char *path, xj_stat_fn fn, void *arg)
{
	return stats(db, XJ_Q_STATS_COUNTIES, path, 0, 1, fn, arg);
}

int
xj_stats_schools(struct xj_db *db, const char *path, xj_stat_fn fn, void *arg)
{
	return stats(db, XJ_Q_STATS_SCHOOLS, path, 1, 1, fn, arg);
}

int
xj_stats_unlinked(struct xj_db *db, const char *path, xj_stat_fn fn, void *arg)
{
	return stats(db, XJ_Q_STATS_UNLINKED, path, 0, 0, fn, arg);
}

int
xj_stats_students(struct xj_db *db, const char *path, xj_stat_fn fn, void *arg)
{
	return stats(db, XJ_Q_STATS_STUDENTS, path, 1, 0, fn, arg);
}

int
xj_stats_county_students(struct xj_db *db, const char *path, xj_stat_fn fn, void *arg)
{
	return stats(db, XJ_Q_STATS_COUNTY_STUDENTS, path, 0, 0, fn, arg);
}

int
xj_org_by_code_any(struct xj_db *db, const char *code, struct xj_org *o)
{
	struct xj_val v = XJ_VS(code);
	struct xj_col c[4] = { XJ_COL_INT, XJ_COL_STR(o->kind, sizeof(o->kind)),
	    XJ_COL_STR(o->name, sizeof(o->name)), XJ_COL_STR(o->path, sizeof(o->path)) };
	int rc = xj_db_row(db, XJ_Q_ORG_BY_CODE_ANY, &v, 1, c, 4);

	if (rc == XJ_OK) {
		o->id = (unsigned)c[0].i;
		snprintf(o->code, sizeof(o->code), "%s", code);
	}
	return rc;
}
