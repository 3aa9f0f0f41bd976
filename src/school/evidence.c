/* evidence.c -- evidence files of student records (佐证材料, issue 12
 * item 3, R-DUP-2): the record's school uploads DOC, RAR or JPG files of
 * at most 2 MB, recognised by their bytes (domain/filesniff.h), never by
 * their name or declared type; whoever may read the record lists and
 * downloads them; a case (a problem corroboration or change) carries the
 * ones its school names, and its reviewers read them from the case.
 *
 *   POST /api/school/v1/students/{id}/evidence-files   the bytes as the body
 *   GET  /api/school/v1/students/{id}/evidence-files   the record's files
 *   GET  /api/school/v1/evidence-files/{id}            one file's bytes
 *
 * The body is the file itself (any Content-Type: the bytes decide), its
 * name optional in `X-File-Name`, percent-encoded UTF-8. A file the
 * record already has is that file again (200, "duplicate": true); bytes
 * the deployment already has are stored once (store/evidence.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/readaudit.h"
#include "core/bind.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/req.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/filesniff.h"
#include "store/evidence.h"
#include "store/student.h"
#include "school.h"

static void
gen_file(yajl_gen g, const struct xj_evidence_file *e)
{
	yajl_gen_map_open(g);
	xj_gen_int(g, "id", (long long)e->id);
	xj_gen_str(g, "kind", e->kind);
	xj_gen_int(g, "size", e->size);
	xj_gen_str(g, "name", e->name[0] ? e->name : NULL);
	xj_gen_str(g, "uploaded_by_org", e->org_name[0] ? e->org_name : NULL);
	xj_school_gen_time(g, "uploaded_at", e->created_at);
	yajl_gen_map_close(g);
}

static int
gen_item(void *arg, const struct xj_evidence_file *e)
{
	gen_file(arg, e);
	return XJ_OK;
}

void
xj_school_gen_case_evidence(struct xj_db *db, yajl_gen g, unsigned long long workflow_id)
{
	xj_gen_key(g, "evidence_files");
	yajl_gen_array_open(g);
	(void)xj_evidence_of_case(db, xj_auth_keys(), workflow_id, gen_item, g);
	yajl_gen_array_close(g);
}

/* One field's error, in the validation_failed answer every form gets. */
static int
field_error(struct xj_req *r, const char *field, int code)
{
	struct xj_ferrs fe = { 0 };

	xj_ferr_add(&fe, r->arena, field, code);
	return xj_resp_ferrs(r, &fe);
}

/* The record, if the actor may see it: 404 otherwise (R-ORG-3). */
static int
record(struct xj_req *r, const struct xj_school_actor *a, unsigned long long id,
    struct xj_student **s)
{
	int rc;

	if ((*s = xj_calloc(r->arena, 1, sizeof(**s))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_student_get(r->db, id, *s)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	return xj_school_in_scope(a, (*s)->school_path) ? XJ_OK : XJ_E_NOT_FOUND;
}

/* X-File-Name: percent-encoded UTF-8, at most XJ_EVIDENCE_NAME_MAX bytes
 * once decoded, no control characters; a path is cut to its last part.
 * "" when absent. */
static int
file_name(struct xj_req *r, const char **out)
{
	const char *h = xj_req_param(r, "HTTP_X_FILE_NAME");
	char *buf, *base;
	size_t n = h ? strlen(h) : 0, len = 0;

	*out = "";
	if (n == 0)
		return XJ_OK;
	if (n > 3 * XJ_EVIDENCE_NAME_MAX || (buf = xj_alloc(r->arena, n + 1)) == NULL ||
	    xj_pct_decode(h, n, 0, buf, &len) != 0 || len > XJ_EVIDENCE_NAME_MAX ||
	    xj_utf8_len((struct xj_str){ len, buf }) < 0)
		return XJ_E_F_FILE_NAME;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			return XJ_E_F_FILE_NAME;
	base = buf;
	for (char *p = buf; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	*out = base;
	return XJ_OK;
}

struct upload_tx {
	struct xj_req			*r;
	const struct xj_student		*s;
	enum xj_file_kind		 kind;
	const char			*name;
	unsigned long long		 file_id;
	int				 existed;
};

static int
upload_tx(struct xj_db *db, void *arg)
{
	struct upload_tx *t = arg;
	struct xj_evidence_limits lim = { (unsigned)xj_school_conf->evidence_max_files,
	    (unsigned long long)xj_school_conf->evidence_max_bytes };
	char sid[24], what[48];
	int rc;

	rc = xj_evidence_put(db, xj_auth_keys(), t->s->id, t->kind,
	    (const unsigned char *)t->r->body.p, t->r->body.len, t->name,
	    (unsigned long long)t->r->actor_id, t->r->actor_org, &lim, &t->file_id, &t->existed);
	if (rc == XJ_NO_ROW)
		return XJ_E_NOT_FOUND;
	if (rc != XJ_OK || t->existed)
		return rc;
	snprintf(sid, sizeof(sid), "%llu", t->s->id);
	snprintf(what, sizeof(what), "file %llu %s %zu", t->file_id, xj_file_kind_name(t->kind),
	    t->r->body.len);
	return xj_school_audit(db, t->r, "evidence.upload", "student", sid, xj_str_c(what));
}

int
xj_school_evidence_upload(struct xj_req *r)
{
	struct upload_tx t;
	struct xj_school_actor a;
	struct xj_student *s;
	struct xj_evidence_file *e;
	unsigned long long id;
	const char *why;
	yajl_gen g;
	int rc;

	memset(&t, 0, sizeof(t));
	a = *xj_school_actor(r);	/* the dispatcher checked XJ_ACT_EVIDENCE_UPLOAD */
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK ||
	    (rc = record(r, &a, id, &s)) != XJ_OK)
		return rc;
	if (r->body.len == 0)
		return field_error(r, "file", XJ_E_F_REQUIRED);
	if ((t.kind = xj_file_sniff((const unsigned char *)r->body.p, r->body.len, &why)) ==
	    XJ_FILE_NONE)
		return field_error(r, "file", XJ_E_F_FILE_TYPE);
	if ((rc = file_name(r, &t.name)) != XJ_OK)
		return field_error(r, "name", rc);
	t.r = r;
	t.s = s;
	if ((rc = xj_tx_run(r->db, upload_tx, &t)) != XJ_OK)
		return rc;
	if ((e = xj_calloc(r->arena, 1, sizeof(*e))) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_evidence_get(r->db, xj_auth_keys(), t.file_id, e)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_INTERNAL : rc;
	g = xj_resp_json(r, t.existed ? 200 : 201);
	yajl_gen_map_open(g);
	xj_gen_bool(g, "duplicate", t.existed);
	xj_gen_int(g, "student_id", (long long)s->id);
	xj_gen_key(g, "file");
	gen_file(g, e);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_school_evidence_list(struct xj_req *r)
{
	struct xj_school_actor a;
	struct xj_student *s;
	unsigned long long id;
	char sid[24];
	yajl_gen g;
	int rc;

	a = *xj_school_actor(r);	/* the dispatcher checked XJ_ACT_EVIDENCE_READ */
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK ||
	    (rc = record(r, &a, id, &s)) != XJ_OK)
		return rc;
	snprintf(sid, sizeof(sid), "%llu", s->id);
	if ((rc = xj_audit_read(r, "evidence.list", "student", sid, NULL, 0)) != XJ_OK)
		return rc;
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_int(g, "student_id", (long long)s->id);
	xj_gen_int(g, "max_files", xj_school_conf->evidence_max_files);
	xj_gen_int(g, "max_bytes", xj_school_conf->evidence_max_bytes);
	xj_gen_int(g, "max_file_bytes", XJ_EVIDENCE_MAX_BYTES);
	xj_gen_key(g, "items");
	yajl_gen_array_open(g);
	if ((rc = xj_evidence_of_student(r->db, xj_auth_keys(), s->id, gen_item, g)) != XJ_OK)
		return rc;
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}

int
xj_school_evidence_get(struct xj_req *r)
{
	struct xj_evidence_file *e = xj_calloc(r->arena, 1, sizeof(*e));
	struct xj_school_actor a;
	struct xj_student *s;
	unsigned long long id;
	unsigned char *buf;
	size_t n = 0;
	char fid[24], disp[64];
	int rc;

	if (e == NULL)
		return XJ_E_TOO_COMPLEX;
	a = *xj_school_actor(r);	/* the dispatcher checked XJ_ACT_EVIDENCE_READ */
	if ((rc = xj_school_id_param(r, &id)) != XJ_OK)
		return rc;
	if ((rc = xj_evidence_get(r->db, NULL, id, e)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	if ((rc = record(r, &a, e->student_id, &s)) != XJ_OK)
		return rc;
	if ((buf = xj_alloc(r->arena, (size_t)e->size + 1)) == NULL)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_evidence_bytes(r->db, xj_auth_keys(), e, buf, (size_t)e->size + 1, &n)) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	snprintf(fid, sizeof(fid), "%llu", e->id);
	if ((rc = xj_audit_read(r, "evidence.read", "evidence_file", fid, NULL, 1)) != XJ_OK)
		return rc;
	/* a neutral name: the stored one may name the child, and headers
	 * end up in proxies' logs */
	snprintf(disp, sizeof(disp), "attachment; filename=\"evidence-%llu.%s\"", e->id, e->kind);
	if ((rc = xj_resp_header(r, "Content-Disposition", disp)) != XJ_OK ||
	    (rc = xj_resp_header(r, "Content-Security-Policy", "default-src 'none'; sandbox")) != XJ_OK)
		return rc;
	return xj_resp_body(r, 200, xj_file_kind_mime(xj_file_kind_parse(e->kind)), (const char *)buf, n);
}
