/* idcheck.c -- POST /api/ref/v1/id-number-checks: check an identity
 * number the way registration will (R-COL-7: structure, birth date, check
 * character, area code that ever existed; agreement with a declared birth
 * date and sex), so a form can tell a parent about a typo at once. Stores
 * and logs nothing: the number is personal data.
 *   200 {"valid":true,"area_code","area_name","birth_date","sex"}
 *   422 validation_failed with every field error
 *   400/413/415 malformed, oversized or non-JSON bodies */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/bind.h"
#include "core/err.h"
#include "core/req.h"
#include "domain/age.h"
#include "domain/idnum.h"
#include "domain/window.h"
#include "store/refdata.h"
#include "system.h"

struct idcheck_in {
	struct xj_str	 id_number;
	struct xj_str	 birth_date;
	struct xj_str	 sex;
};

static int
sex_check(struct xj_str s)
{
	return xj_str_eq(s, "M") || xj_str_eq(s, "F") ? XJ_OK : XJ_E_F_CODE;
}

static const struct xj_field idcheck_fields[] = {
	{ "id_number", XJ_F_STR, XJ_REQ, 1, 18, NULL, offsetof(struct idcheck_in, id_number), NULL, 0, 0, 0 },
	{ "birth_date", XJ_F_STR, XJ_OPT, 10, 10, xj_date_check, offsetof(struct idcheck_in, birth_date), NULL, 0, 0, 0 },
	{ "sex", XJ_F_STR, XJ_OPT, 1, 1, sex_check, offsetof(struct idcheck_in, sex), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

static int
ever(const char *code, void *arg)
{
	return xj_ref_code_ever(arg, code);
}

int
xj_system_idcheck(struct xj_req *r)
{
	const struct xj_refdata *ref;
	struct xj_ferrs fe = { 0 };
	struct idcheck_in in;
	struct xj_idnum id;
	struct xj_localtime today;
	const struct xj_ref_div *div;
	char date[11];
	yajl_gen g;
	int rc;

	memset(&in, 0, sizeof(in));
	rc = xj_bind(r->arena, r->json, idcheck_fields, &in, &fe);
	if (rc != XJ_OK && rc != XJ_E_VALIDATION)
		return rc;
	if ((ref = xj_ref_acquire(r->db, r->arena)) == NULL)
		return XJ_E_UNAVAILABLE;
	/* nobody is born after today (Beijing): a typo in the number or the date */
	xj_utc_to_shanghai((long long)time(NULL), &today);
	if (in.birth_date.p != NULL) {
		int by, bm, bd;
		if (xj_date_parse(in.birth_date, &by, &bm, &bd) == XJ_OK &&
		    xj_birth_date_check(by, bm, bd, today.year, today.month, today.day) != XJ_OK)
			xj_ferr_add(&fe, r->arena, "birth_date", XJ_E_F_FUTURE_DATE);
	}
	if (in.id_number.p != NULL) {
		rc = xj_idnum_parse(in.id_number, &id);
		if (rc == XJ_OK && !xj_idnum_area_ok(id.area, ever, (void *)ref))
			rc = XJ_E_F_ID_AREA;
		if (rc == XJ_OK)
			rc = xj_birth_date_check(id.year, id.month, id.day,
			    today.year, today.month, today.day);
		if (rc != XJ_OK)
			xj_ferr_add(&fe, r->arena, "id_number", rc);
		else {
			snprintf(date, sizeof(date), "%04d-%02d-%02d", id.year, id.month, id.day);
			if (in.birth_date.p && !xj_str_eq(in.birth_date, date))
				xj_ferr_add(&fe, r->arena, "birth_date", XJ_E_F_BIRTH_MISMATCH);
			if (in.sex.p && xj_str_eq(in.sex, "M") != id.male)
				xj_ferr_add(&fe, r->arena, "sex", XJ_E_F_SEX_MISMATCH);
		}
	}
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	div = xj_ref_division(ref, id.area);
	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_bool(g, "valid", 1);
	xj_gen_str(g, "area_code", id.area);
	/* a code no longer in force has no current name: null */
	xj_gen_str(g, "area_name", div ? div->name : NULL);
	xj_gen_str(g, "birth_date", date);
	xj_gen_str(g, "sex", id.male ? "M" : "F");
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
