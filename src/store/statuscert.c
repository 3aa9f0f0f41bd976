/* statuscert.c -- counterfoils of certificates of student status (statuscert.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "db/db.h"
#include "store/sql.h"
#include "statuscert.h"

int
xj_scert_next_seq(struct xj_db *db, unsigned school, int year, long *seq)
{
	struct xj_val v[2] = { XJ_VI(school), XJ_VI(year) };
	struct xj_col c = XJ_COL_INT;
	int rc;

	*seq = 0;
	if ((rc = xj_db_exec(db, XJ_Q_SCERT_SEQ_NEXT, v, 2)) != XJ_OK ||
	    (rc = xj_db_row(db, XJ_Q_SCERT_SEQ_GET, v, 2, &c, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	*seq = (long)c.i;
	return XJ_OK;
}

int
xj_scert_insert(struct xj_db *db, struct xj_scert_row *r)
{
	struct xj_val v[9] = { XJ_VS(r->serial), XJ_VI(r->school_org_id), XJ_VI(r->student_id),
	    XJ_VS(r->status), XJ_VI(r->issued_by), XJ_VS(r->issued_by_name), XJ_VS(r->issued_at),
	    XJ_VS(r->key_id), XJ_VB(r->document, r->document_len) };
	int rc;

	if ((rc = xj_db_exec(db, XJ_Q_SCERT_INSERT, v, 9)) != XJ_OK)
		return rc;
	r->id = xj_db_insert_id(db, XJ_Q_SCERT_INSERT);
	return XJ_OK;
}

static void
cols(struct xj_scert_row *r, struct xj_col c[12])
{
	c[0] = XJ_COL_INT;
	c[1] = XJ_COL_STR(r->serial, sizeof(r->serial));
	c[2] = XJ_COL_INT;
	c[3] = XJ_COL_STR(r->school_code, sizeof(r->school_code));
	c[4] = XJ_COL_STR(r->school_path, sizeof(r->school_path));
	c[5] = XJ_COL_INT;
	c[6] = XJ_COL_STR(r->status, sizeof(r->status));
	c[7] = XJ_COL_INT;
	c[8] = XJ_COL_STR(r->issued_by_name, sizeof(r->issued_by_name));
	c[9] = XJ_COL_STR(r->issued_at, sizeof(r->issued_at));
	c[10] = XJ_COL_STR(r->key_id, sizeof(r->key_id));
	/* a STR column: the document is UTF-8 text, NUL-terminated here */
	c[11] = XJ_COL_STR(r->document, sizeof(r->document));
}

static void
fill(struct xj_scert_row *r, const struct xj_col c[12])
{
	r->id = (unsigned long long)c[0].i;
	r->school_org_id = (unsigned)c[2].i;
	r->student_id = (unsigned long long)c[5].i;
	r->issued_by = (unsigned long long)c[7].i;
	r->document_len = c[11].len;
}

int
xj_scert_by_serial(struct xj_db *db, const char *serial, struct xj_scert_row *r)
{
	struct xj_val v = XJ_VS(serial);
	struct xj_col c[12];
	int rc;

	memset(r, 0, sizeof(*r));
	cols(r, c);
	if ((rc = xj_db_row(db, XJ_Q_SCERT_BY_SERIAL, &v, 1, c, 12)) == XJ_OK)
		fill(r, c);
	return rc;
}

int
xj_scert_list(struct xj_db *db, const char *path, unsigned long long student,
    unsigned long long after, int limit, struct xj_scert_row *r,
    void (*fn)(const struct xj_scert_row *, void *), void *arg)
{
	char like[140];
	struct xj_val v[5];
	struct xj_col c[12];
	int rc;

	/* a path holds digits and '/' only: no LIKE wildcard in it */
	snprintf(like, sizeof(like), "%s%%", path);
	v[0] = XJ_VS(like);
	v[1] = XJ_VI(student);
	v[2] = XJ_VI(student);
	v[3] = XJ_VI(after);
	v[4] = XJ_VI(limit);
	if ((rc = xj_db_exec(db, XJ_Q_SCERT_LIST, v, 5)) != XJ_OK)
		return rc;
	for (;;) {
		memset(r, 0, sizeof(*r));
		cols(r, c);
		if ((rc = xj_db_fetch(db, XJ_Q_SCERT_LIST, c, 12)) != XJ_OK)
			break;
		fill(r, c);
		fn(r, arg);
	}
	xj_db_done(db, XJ_Q_SCERT_LIST);
	return rc == XJ_NO_ROW ? XJ_OK : rc;
}

int
xj_scert_student_idn(struct xj_db *db, unsigned long long student, unsigned char *ct,
    size_t cap, size_t *len)
{
	struct xj_val v = XJ_VI(student);
	struct xj_col c = XJ_COL_BLOB((char *)ct, cap);
	int rc = xj_db_row(db, XJ_Q_SCERT_STUDENT_IDN, &v, 1, &c, 1);

	*len = rc == XJ_OK ? c.len : 0;
	return rc;
}
