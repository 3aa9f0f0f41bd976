/* evidence.c -- evidence files in the database (see evidence.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/err.h"
#include "core/log.h"
#include "crypto/field.h"
#include "evidence.h"
#include "sql.h"

#define S(b)	XJ_COL_STR((b), sizeof(b))

#define AAD_BLOB	"evidence_blob.content"
#define AAD_NAME	"evidence_file.name"
#define PURPOSE		"evidence.content"

static void
hex(const unsigned char *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
blob_find(struct xj_db *db, const unsigned char bidx[XJ_BLIND_LEN], unsigned long long *id)
{
	struct xj_val v[1] = { XJ_VB(bidx, XJ_BLIND_LEN) };
	struct xj_col c[1] = { XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_EVID_BLOB_FIND, v, 1, c, 1);

	if (rc == XJ_OK)
		*id = (unsigned long long)c[0].i;
	return rc;
}

/* The bytes once per deployment: found by their blind index, or encrypted
 * and inserted (a concurrent insert of the same bytes wins the unique
 * key; this one then finds it). */
static int
blob_put(struct xj_db *db, const struct xj_keys *k, enum xj_file_kind kind,
    const unsigned char *bytes, size_t n, unsigned long long *id)
{
	unsigned char bidx[XJ_BLIND_LEN], *ct;
	char row[2 * XJ_BLIND_LEN + 1];
	size_t ctlen = 0;
	int rc;

	if (xj_blind_index(k, PURPOSE, bytes, n, bidx) != 0)
		return XJ_E_INTERNAL;
	if ((rc = blob_find(db, bidx, id)) != XJ_NO_ROW)
		return rc;
	if ((ct = OPENSSL_malloc(XJ_FIELD_CT_LEN(n))) == NULL)
		return XJ_E_TOO_COMPLEX;
	hex(bidx, sizeof(bidx), row);
	if (xj_field_encrypt(k, AAD_BLOB, row, bytes, n, ct, XJ_FIELD_CT_LEN(n), &ctlen) != 0) {
		OPENSSL_free(ct);
		return XJ_E_INTERNAL;
	}
	{
		struct xj_val v[4] = { XJ_VB(bidx, sizeof(bidx)), XJ_VS(xj_file_kind_name(kind)),
		    XJ_VI(n), XJ_VB(ct, ctlen) };
		rc = xj_db_exec(db, XJ_Q_EVID_BLOB_INSERT, v, 4);
	}
	OPENSSL_free(ct);
	if (rc == XJ_E_CONFLICT)
		return blob_find(db, bidx, id) == XJ_OK ? XJ_OK : XJ_E_INTERNAL;
	if (rc != XJ_OK)
		return rc;
	*id = xj_db_insert_id(db, XJ_Q_EVID_BLOB_INSERT);
	return XJ_OK;
}

static int
file_find(struct xj_db *db, unsigned long long student_id, unsigned long long blob_id,
    unsigned long long *id)
{
	struct xj_val v[2] = { XJ_VI(student_id), XJ_VI(blob_id) };
	struct xj_col c[1] = { XJ_COL_INT };
	int rc = xj_db_row(db, XJ_Q_EVID_FILE_FIND, v, 2, c, 1);

	if (rc == XJ_OK)
		*id = (unsigned long long)c[0].i;
	return rc;
}

int
xj_evidence_put(struct xj_db *db, const struct xj_keys *k, unsigned long long student_id,
    enum xj_file_kind kind, const unsigned char *bytes, size_t n, const char *name,
    unsigned long long uploaded_by, unsigned org_id, const struct xj_evidence_limits *lim,
    unsigned long long *file_id, int *existed)
{
	struct xj_val sv[1] = { XJ_VI(student_id) };
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_INT };
	unsigned long long blob = 0;
	unsigned char nct[XJ_FIELD_CT_LEN(XJ_EVIDENCE_NAME_MAX)];
	size_t nlen = name ? strlen(name) : 0, nctlen = 0;
	char row[24];
	int rc;

	*existed = 0;
	*file_id = 0;
	if (kind == XJ_FILE_NONE || n == 0 || n > XJ_EVIDENCE_MAX_BYTES || nlen > XJ_EVIDENCE_NAME_MAX)
		return XJ_E_INTERNAL;
	/* the record row first: uploads to one record take turns, so the
	 * limits hold under concurrent uploads */
	if ((rc = xj_db_row(db, XJ_Q_EVID_STUDENT_LOCK, sv, 1, c, 1)) != XJ_OK)
		return rc;
	if ((rc = blob_put(db, k, kind, bytes, n, &blob)) != XJ_OK)
		return rc;
	if ((rc = file_find(db, student_id, blob, file_id)) == XJ_OK) {
		*existed = 1;
		return XJ_OK;
	}
	if (rc != XJ_NO_ROW)
		return rc;
	if ((rc = xj_db_row(db, XJ_Q_EVID_USAGE, sv, 1, c, 2)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if ((unsigned long long)c[0].i + 1 > lim->max_files ||
	    (unsigned long long)c[1].i + n > lim->max_bytes)
		return XJ_E_EVIDENCE_LIMIT;
	snprintf(row, sizeof(row), "s%llu", student_id);
	if (nlen > 0 && xj_field_encrypt(k, AAD_NAME, row, name, nlen, nct, sizeof(nct), &nctlen) != 0)
		return XJ_E_INTERNAL;
	{
		struct xj_val v[5] = { XJ_VI(student_id), XJ_VI(blob),
		    nlen ? XJ_VB(nct, nctlen) : XJ_VNULL, XJ_VI(uploaded_by), XJ_VI(org_id) };
		rc = xj_db_exec(db, XJ_Q_EVID_FILE_INSERT, v, 5);
	}
	if (rc != XJ_OK)
		return rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
	*file_id = xj_db_insert_id(db, XJ_Q_EVID_FILE_INSERT);
	return XJ_OK;
}

/* A file row from the 8 columns the three reads share. */
struct fcols {
	struct xj_col	c[8];
	unsigned char	nct[XJ_FIELD_CT_LEN(XJ_EVIDENCE_NAME_MAX) + 1];
};

static void
fcols_init(struct fcols *f, struct xj_evidence_file *e)
{
	memset(e, 0, sizeof(*e));
	f->c[0] = XJ_COL_INT;
	f->c[1] = XJ_COL_INT;
	f->c[2] = XJ_COL_INT;
	f->c[3] = S(e->kind);
	f->c[4] = XJ_COL_INT;
	f->c[5] = XJ_COL_BLOB((char *)f->nct, sizeof(f->nct));
	f->c[6] = S(e->org_name);
	f->c[7] = S(e->created_at);
}

static void
fcols_done(const struct xj_keys *k, struct fcols *f, struct xj_evidence_file *e)
{
	char row[24];
	size_t len = 0;

	e->id = (unsigned long long)f->c[0].i;
	e->student_id = (unsigned long long)f->c[1].i;
	e->blob_id = (unsigned long long)f->c[2].i;
	e->size = (unsigned)f->c[4].i;
	e->name[0] = '\0';
	if (k == NULL || f->c[5].is_null || f->c[5].len == 0)
		return;
	snprintf(row, sizeof(row), "s%llu", e->student_id);
	if (xj_field_decrypt(k, AAD_NAME, row, f->nct, f->c[5].len, e->name, sizeof(e->name),
	    &len) != 0 || len >= sizeof(e->name))
		e->name[0] = '\0';
	else
		e->name[len] = '\0';
}

int
xj_evidence_get(struct xj_db *db, const struct xj_keys *k, unsigned long long id,
    struct xj_evidence_file *e)
{
	struct xj_val v[1] = { XJ_VI(id) };
	struct fcols f;
	int rc;

	fcols_init(&f, e);
	if ((rc = xj_db_row(db, XJ_Q_EVID_FILE_GET, v, 1, f.c, 8)) != XJ_OK)
		return rc;
	fcols_done(k, &f, e);
	return XJ_OK;
}

static int
each(struct xj_db *db, const struct xj_keys *k, int q, unsigned long long id, xj_evidence_fn fn,
    void *arg)
{
	struct xj_val v[1] = { XJ_VI(id) };
	struct xj_evidence_file e;
	struct fcols f;
	int rc, stop = XJ_OK;

	if ((rc = xj_db_exec(db, q, v, 1)) != XJ_OK)
		return rc;
	for (;;) {
		fcols_init(&f, &e);
		if ((rc = xj_db_fetch(db, q, f.c, 8)) != XJ_OK)
			break;
		fcols_done(k, &f, &e);
		if (stop == XJ_OK)
			stop = fn(arg, &e);
	}
	xj_db_done(db, q);
	if (rc != XJ_NO_ROW)
		return rc;
	return stop;
}

int
xj_evidence_of_student(struct xj_db *db, const struct xj_keys *k, unsigned long long student_id,
    xj_evidence_fn fn, void *arg)
{
	return each(db, k, XJ_Q_EVID_OF_STUDENT, student_id, fn, arg);
}

int
xj_evidence_of_case(struct xj_db *db, const struct xj_keys *k, unsigned long long workflow_id,
    xj_evidence_fn fn, void *arg)
{
	return each(db, k, XJ_Q_EVID_OF_CASE, workflow_id, fn, arg);
}

int
xj_evidence_bytes(struct xj_db *db, const struct xj_keys *k, const struct xj_evidence_file *e,
    unsigned char *buf, size_t cap, size_t *n)
{
	struct xj_val v[1] = { XJ_VI(e->blob_id) };
	unsigned char bidx[XJ_BLIND_LEN + 1], *ct;
	char row[2 * XJ_BLIND_LEN + 1];
	size_t ctcap = XJ_FIELD_CT_LEN(e->size) + 1;
	int rc;

	if ((ct = OPENSSL_malloc(ctcap)) == NULL)
		return XJ_E_TOO_COMPLEX;
	{
		struct xj_col c[2] = { XJ_COL_BLOB((char *)ct, ctcap),
		    XJ_COL_BLOB((char *)bidx, sizeof(bidx)) };
		rc = xj_db_row(db, XJ_Q_EVID_CONTENT, v, 1, c, 2);
		if (rc == XJ_OK && c[1].len != XJ_BLIND_LEN)
			rc = XJ_E_INTERNAL;
		if (rc == XJ_OK) {
			hex(bidx, XJ_BLIND_LEN, row);
			if (xj_field_decrypt(k, AAD_BLOB, row, ct, c[0].len, (char *)buf, cap, n) != 0) {
				xj_log(XJ_LOG_ERROR, "evidence_undecryptable", "%lld", "blob",
				    (long long)e->blob_id);
				rc = XJ_E_INTERNAL;
			}
		}
	}
	OPENSSL_free(ct);
	return rc;
}

int
xj_evidence_attach(struct xj_db *db, unsigned long long workflow_id, const char *type_code,
    const char *variant, unsigned long long student_id, const long long *ids, size_t n)
{
	struct xj_val tv[2] = { XJ_VS(type_code), XJ_VS(variant) };
	struct xj_col tc[1] = { XJ_COL_INT };
	int rc;

	if ((rc = xj_db_row(db, XJ_Q_EVID_TYPE_NEEDS, tv, 2, tc, 1)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	if (tc[0].i && n == 0)
		return XJ_E_EVIDENCE_REQUIRED;
	for (size_t i = 0; i < n; i++) {
		struct xj_val v[3] = { XJ_VI(workflow_id), XJ_VI(ids[i]), XJ_VI(student_id) };
		rc = xj_db_exec(db, XJ_Q_EVID_LINK, v, 3);
		if (rc == XJ_E_CONFLICT)	/* the same id twice in the list */
			continue;
		if (rc != XJ_OK)
			return rc;
		if (xj_db_affected(db, XJ_Q_EVID_LINK) != 1)
			return XJ_E_EVIDENCE_UNKNOWN;
	}
	return XJ_OK;
}
