/* regform.c -- registration input: field table and rules (regform.h). */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>

#include "auth/auth.h"
#include "core/err.h"
#include "core/req.h"
#include "crypto/field.h"
#include "domain/age.h"
#include "domain/contact.h"
#include "domain/division.h"
#include "domain/idnum.h"
#include "domain/mask.h"
#include "domain/window.h"
#include "store/refdata.h"
#include "regfields.h"
#include "regform.h"


static void
copy(char *dst, size_t cap, struct xj_str s)
{
	size_t n = s.p == NULL ? 0 : (s.len < cap ? s.len : cap - 1);

	if (n)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

static int
ever(const char *code, void *arg)
{
	return xj_ref_code_ever(arg, code);
}

/* Check an identity document; for type 1 the full R-COL-7 rules and a
 * birth date not after today. On success *norm holds the normalised
 * number (upper-case X). */
static int
check_doc(const struct xj_refdata *ref, struct xj_str type, struct xj_str num,
    char *norm, size_t cap, struct xj_idnum *id, const struct xj_localtime *today)
{
	char t[2];
	int rc;

	copy(t, sizeof(t), type);
	if (xj_ref_doc_type(ref, t) == NULL)
		return XJ_E_F_CODE;
	/* L3: never cut a number (the binder allows 32 characters, at most
	 * XJ_DOCNO_MAX_BYTES bytes; the blind index must see every byte) */
	if (num.len >= cap)
		return XJ_E_F_TOO_LONG;
	copy(norm, cap, num);
	if (t[0] == '1') {
		for (char *p = norm; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if ((rc = xj_idnum_parse(xj_str_c(norm), id)) != XJ_OK)
			return rc;
		if (!xj_idnum_area_ok(id->area, ever, (void *)ref))
			return XJ_E_F_ID_AREA;
		return xj_birth_date_check(id->year, id->month, id->day,
		    today->year, today->month, today->day);
	}
	return XJ_OK;
}

static int
encrypt(const char *aad, const char *row, const char *pt, unsigned char *out,
    unsigned long *outlen)
{
	size_t n;

	if (xj_field_encrypt(xj_auth_keys(), aad, row, pt, strlen(pt), out, XJ_CT_MAX, &n) != 0)
		return XJ_E_INTERNAL;
	*outlen = n;
	return XJ_OK;
}

int
xj_regform_seal(struct xj_reg_rec *rec)
{
	char row[XJ_REG_ROW_MAX];
	int rc;

	xj_reg_row(rec->prereg, -1, row);
	if (rec->idn_pt != NULL && (rc = encrypt("registration.id_number", row,
	    rec->idn_pt, rec->idn_ct, &rec->idn_ct_len)) != XJ_OK)
		return rc;
	for (size_t i = 0; i < rec->nguardians; i++) {
		struct xj_guardian_rec *g = &rec->g[i];
		xj_reg_row(rec->prereg, (int)i, row);
		if (g->phone_pt != NULL && (rc = encrypt("registration_guardian.phone", row,
		    g->phone_pt, g->phone_ct, &g->phone_ct_len)) != XJ_OK)
			return rc;
		if (g->idn_pt != NULL && (rc = encrypt("registration_guardian.id_number", row,
		    g->idn_pt, g->idn_ct, &g->idn_ct_len)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

static int
name_norm(struct xj_str in, char *out, size_t cap, int *rc)
{
	char buf[512];
	size_t n;

	if (in.len >= sizeof(buf) / 2) {	/* the binder allows 60 characters */
		*rc = XJ_E_F_TOO_LONG;
		return -1;
	}
	n = xj_person_name_normalize(in.p, in.len, buf);
	buf[n] = '\0';
	*rc = xj_person_name_check((struct xj_str){ n, buf });
	snprintf(out, cap, "%s", buf);
	return *rc == XJ_OK ? 0 : -1;
}

/* Local (R-COL-6): hukou in the district's own city -- for the four
 * municipalities their province (domain/division.h) -- or a special
 * category treated as local. */
static int
local_family(const char *hukou_county, const char *district, int special)
{
	return special || xj_division_local(hukou_county, district);
}

int
xj_regform_read(struct xj_req *r, const struct xj_refdata *ref, struct xj_reg_rec *rec,
    char school_code[11], struct xj_ferrs *fe)
{
	struct reg_in in;
	struct child_in *c = &in.child;
	struct xj_idnum id;
	struct xj_localtime today;
	char num[XJ_DOCNO_MAX_BYTES + 1], path[64], county[7];
	unsigned char bidx_in[2 + XJ_DOCNO_MAX_BYTES + 1];	/* "T:" number */
	int rc, have_id = 0;

	memset(&in, 0, sizeof(in));
	memset(rec, 0, sizeof(*rec));
	rc = xj_bind(r->arena, r->json, xj_regform_fields, &in, fe);
	if (rc != XJ_OK && rc != XJ_E_VALIDATION)
		return rc;

	copy(rec->county, sizeof(rec->county), in.district);
	if (in.district.p && xj_ref_division(ref, rec->county) == NULL)
		xj_ferr_add(fe, r->arena, "district", XJ_E_F_UNKNOWN_DIVISION);
	copy(school_code, 11, in.school_code);
	if (in.school_code.p && strspn(school_code, "0123456789") != 10)
		xj_ferr_add(fe, r->arena, "school_code", XJ_E_F_FORMAT);

	/* the child */
	if (c->name.p && name_norm(c->name, rec->child_name, sizeof(rec->child_name), &rc) != 0)
		xj_ferr_add(fe, r->arena, "child.name", rc);
	copy(rec->sex, sizeof(rec->sex), c->sex);
	copy(rec->birth_date, sizeof(rec->birth_date), c->birth_date);
	/* nobody is born after today (Beijing): a typo, refused at once */
	xj_utc_to_shanghai((long long)time(NULL), &today);
	if (c->birth_date.p) {
		int by, bm, bd;
		if (xj_date_parse(c->birth_date, &by, &bm, &bd) == XJ_OK &&
		    xj_birth_date_check(by, bm, bd, today.year, today.month, today.day) != XJ_OK)
			xj_ferr_add(fe, r->arena, "child.birth_date", XJ_E_F_FUTURE_DATE);
	}
	copy(rec->doc_type, sizeof(rec->doc_type), c->id_doc_type);
	if (c->id_doc_type.p) {
		if (rec->doc_type[0] != 'Z' && c->id_number.p == NULL)
			xj_ferr_add(fe, r->arena, "child.id_number", XJ_E_F_REQUIRED);
		else if (c->id_number.p == NULL) {
			/* R-COL-7: type Z, no number; a no-ID certificate on file.
			 * Such a child has no document to be unique on: a random
			 * claim never collides (duplicates of document-less
			 * children are R-DUP-1's name + sex + birth date check) */
			if (RAND_bytes(rec->child_bidx, sizeof(rec->child_bidx)) != 1)
				return XJ_E_INTERNAL;
		} else if ((rc = check_doc(ref, c->id_doc_type, c->id_number, num,
		    sizeof(num), &id, &today)) != XJ_OK)
			xj_ferr_add(fe, r->arena, rc == XJ_E_F_CODE ? "child.id_doc_type" :
			    "child.id_number", rc);
		else {
			have_id = 1;
			if (rec->doc_type[0] == '1') {
				char d[11];
				snprintf(d, sizeof(d), "%04d-%02d-%02d", id.year, id.month, id.day);
				if (c->birth_date.p && strcmp(d, rec->birth_date) != 0)
					xj_ferr_add(fe, r->arena, "child.birth_date", XJ_E_F_BIRTH_MISMATCH);
				if (c->sex.p && (rec->sex[0] == 'M') != id.male)
					xj_ferr_add(fe, r->arena, "child.sex", XJ_E_F_SEX_MISMATCH);
			}
			if ((rec->idn_pt = xj_strndup(r->arena, num, strlen(num))) == NULL)
				return XJ_E_TOO_COMPLEX;
			/* a length now, the ciphertext once the row is known */
			rec->idn_ct_len = XJ_FIELD_CT_LEN(strlen(num));
			/* R-COL-2: the child is its document, anywhere */
			snprintf((char *)bidx_in, sizeof(bidx_in), "%s:%s", rec->doc_type, num);
			if (xj_blind_index(xj_auth_keys(), "child.document", bidx_in,
			    strlen((char *)bidx_in), rec->child_bidx) != 0)
				return XJ_E_INTERNAL;
		}
	}
	copy(rec->ethnicity, sizeof(rec->ethnicity), c->ethnicity);
	if (c->ethnicity.p && xj_ref_ethnicity(ref, rec->ethnicity) == NULL)
		xj_ferr_add(fe, r->arena, "child.ethnicity", XJ_E_F_CODE);
	copy(rec->nationality, sizeof(rec->nationality), c->nationality);
	copy(rec->hukou_nature, sizeof(rec->hukou_nature), c->hukou_nature);
	copy(rec->hukou_code, sizeof(rec->hukou_code), c->hukou_location);
	if (c->hukou_location.p && xj_hukou_county(c->hukou_location, county) == XJ_OK &&
	    xj_ref_division(ref, county) == NULL)
		xj_ferr_add(fe, r->arena, "child.hukou_location", XJ_E_F_UNKNOWN_DIVISION);
	copy(rec->birthplace, sizeof(rec->birthplace), c->birthplace);
	copy(rec->native_place, sizeof(rec->native_place), c->native_place);
	copy(rec->current_address, sizeof(rec->current_address), c->current_address);
	copy(rec->home_address, sizeof(rec->home_address), c->home_address);
	copy(rec->contact_address, sizeof(rec->contact_address), c->contact_address);

	/* guardians (R-COL-6, R-REC-11) */
	rec->nguardians = in.nguardians;
	for (size_t i = 0; i < in.nguardians; i++) {
		struct guardian_in *g = &in.guardians[i];
		struct xj_guardian_rec *o = &rec->g[i];
		char digits[24];
		size_t n;

		if (g->name.p == NULL || g->relation.p == NULL || g->phone.p == NULL)
			continue;	/* reported by the binder */
		copy(o->relation, sizeof(o->relation), g->relation);
		copy(o->relation_desc, sizeof(o->relation_desc), g->relation_desc);
		if (strcmp(o->relation, "其他") == 0 && o->relation_desc[0] == '\0') {
			snprintf(path, sizeof(path), "guardians[%zu].relation_desc", i);
			xj_ferr_add(fe, r->arena, path, XJ_E_F_REQUIRED);
		}
		if (name_norm(g->name, o->name, sizeof(o->name), &rc) != 0) {
			snprintf(path, sizeof(path), "guardians[%zu].name", i);
			xj_ferr_add(fe, r->arena, path, rc);
		}
		n = xj_mobile_normalize(g->phone.p, g->phone.len < 20 ? g->phone.len : 20, digits);
		digits[n] = '\0';
		if ((rc = xj_mobile_check((struct xj_str){ n, digits })) != XJ_OK) {
			snprintf(path, sizeof(path), "guardians[%zu].phone", i);
			xj_ferr_add(fe, r->arena, path, rc);
		} else if ((o->phone_pt = xj_strndup(r->arena, digits, n)) == NULL)
			return XJ_E_TOO_COMPLEX;
		else
			o->phone_ct_len = XJ_FIELD_CT_LEN(n);
		copy(o->employer, sizeof(o->employer), g->employer);
		/* R-REC-11: optional when the child has an ID, required when not */
		if (g->id_number.p == NULL) {
			if (!have_id && c->id_doc_type.p && rec->doc_type[0] == 'Z') {
				snprintf(path, sizeof(path), "guardians[%zu].id_number", i);
				xj_ferr_add(fe, r->arena, path, XJ_E_F_REQUIRED);
			}
			continue;
		}
		if (g->id_doc_type.p == NULL) {
			snprintf(path, sizeof(path), "guardians[%zu].id_doc_type", i);
			xj_ferr_add(fe, r->arena, path, XJ_E_F_REQUIRED);
			continue;
		}
		copy(o->doc_type, sizeof(o->doc_type), g->id_doc_type);
		if ((rc = check_doc(ref, g->id_doc_type, g->id_number, num, sizeof(num), &id, &today)) != XJ_OK) {
			snprintf(path, sizeof(path), rc == XJ_E_F_CODE ? "guardians[%zu].id_doc_type" :
			    "guardians[%zu].id_number", i);
			xj_ferr_add(fe, r->arena, path, rc);
		} else if ((o->idn_pt = xj_strndup(r->arena, num, strlen(num))) == NULL)
			return XJ_E_TOO_COMPLEX;
		else
			o->idn_ct_len = XJ_FIELD_CT_LEN(strlen(num));
	}

	copy(rec->special_category, sizeof(rec->special_category), in.special_category);
	rec->left_behind = (int)in.left_behind.v;
	rec->migrant_worker_child = (int)in.migrant_worker_child.v;
	rec->distance_dm = (unsigned)in.distance_km.v;
	rec->notice_version = in.privacy_notice_version.set ?
	    (unsigned)in.privacy_notice_version.v : 0;
	/* R-REC-10: derived, never typed */
	if (in.district.p && c->hukou_location.p)
		rec->local_family = local_family(rec->hukou_code, rec->county,
		    rec->special_category[0] != '\0');
	return XJ_OK;
}
