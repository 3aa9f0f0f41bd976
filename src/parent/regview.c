/* regview.c -- registration JSON for parents (see regview.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/log.h"
#include "core/req.h"
#include "crypto/fieldmask.h"
#include "domain/prereg.h"
#include "domain/regstate.h"
#include "domain/window.h"
#include "store/refdata.h"
#include "regview.h"

void
xj_regview_time(const char *utc, char out[26])
{
	xj_datetime_format_db(utc, out);	/* the one time format (domain/window.h) */
}

static void
text(yajl_gen g, const char *key, const char *zh, const char *en)
{
	xj_gen_key(g, key);
	yajl_gen_map_open(g);
	xj_gen_str(g, "zh", zh);
	xj_gen_str(g, "en", en);
	yajl_gen_map_close(g);
}

void
xj_regview(struct xj_req *r, yajl_gen g, const struct xj_refdata *ref,
    const struct xj_reg_rec *rec, const char *school_code, const char *school_name)
{
	const struct xj_ref_div *div = xj_ref_division(ref, rec->county);
	int noid = xj_reg_noid(rec->doc_type, rec->idn_ct_len);	/* R-COL-7 */
	char disp[20], masked[XJ_MASK_CAP], t[26], dist[16], row[XJ_REG_ROW_MAX];

	(void)r;
	yajl_gen_map_open(g);
	xj_gen_str(g, "prereg_no", rec->prereg);
	xj_prereg_display(rec->prereg, disp);
	xj_gen_str(g, "prereg_no_display", disp);
	xj_gen_int(g, "year", rec->year);
	xj_gen_key(g, "district");
	yajl_gen_map_open(g);
	xj_gen_str(g, "code", rec->county);
	xj_gen_str(g, "name", div ? div->name : NULL);
	yajl_gen_map_close(g);
	xj_gen_key(g, "school");
	if (school_code && school_code[0]) {
		yajl_gen_map_open(g);
		xj_gen_str(g, "code", school_code);
		xj_gen_str(g, "name", school_name);
		yajl_gen_map_close(g);
	} else
		yajl_gen_null(g);
	xj_gen_str(g, "state", xj_reg_state_name(rec->pos.state));
	text(g, "state_text", xj_reg_state_zh_doc(rec->pos.state, noid),
	    xj_reg_state_en_doc(rec->pos.state, noid));
	xj_gen_bool(g, "local_family", rec->local_family);
	xj_gen_key(g, "certificates");
	yajl_gen_map_open(g);
	xj_gen_bool(g, "required", !rec->local_family);
	xj_gen_str(g, "state", xj_cert_state_name(rec->pos.cert));
	text(g, "state_text", xj_cert_state_zh(rec->pos.cert), xj_cert_state_en(rec->pos.cert));
	xj_gen_str(g, "study_permit_no", rec->study_permit[0] ? rec->study_permit : NULL);
	yajl_gen_map_close(g);
	xj_gen_bool(g, "form_printable", xj_reg_form_printable(rec->pos.state));

	xj_gen_key(g, "child");
	yajl_gen_map_open(g);
	xj_gen_str(g, "name", rec->child_name);
	xj_gen_str(g, "sex", rec->sex);
	xj_gen_str(g, "birth_date", rec->birth_date);
	xj_gen_str(g, "id_doc_type", rec->doc_type);
	/* H2: the one rule of domain/mask.h; the birth date is beside it */
	xj_reg_row(rec->prereg, -1, row);
	xj_field_masked(xj_auth_keys(), "registration.id_number", row, rec->idn_ct, rec->idn_ct_len,
	    rec->doc_type[0], masked, sizeof(masked));
	xj_gen_str(g, "id_number_masked", rec->idn_ct_len ? masked : NULL);
	xj_gen_str(g, "ethnicity", rec->ethnicity);
	xj_gen_str(g, "nationality", rec->nationality);
	xj_gen_str(g, "hukou_nature", rec->hukou_nature);
	xj_gen_str(g, "hukou_location", rec->hukou_code);
	xj_gen_str(g, "birthplace", rec->birthplace);
	xj_gen_str(g, "native_place", rec->native_place);
	xj_gen_str(g, "current_address", rec->current_address);
	xj_gen_str(g, "home_address", rec->home_address);
	xj_gen_str(g, "contact_address", rec->contact_address);
	yajl_gen_map_close(g);

	xj_gen_key(g, "guardians");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < rec->nguardians; i++) {
		const struct xj_guardian_rec *gr = &rec->g[i];
		yajl_gen_map_open(g);
		xj_gen_str(g, "relation", gr->relation);
		xj_gen_str(g, "relation_desc", gr->relation_desc);
		xj_gen_str(g, "name", gr->name);
		xj_gen_str(g, "id_doc_type", gr->doc_type[0] ? gr->doc_type : NULL);
		xj_reg_row(rec->prereg, (int)i, row);
		xj_field_masked(xj_auth_keys(), "registration_guardian.id_number", row, gr->idn_ct,
		    gr->idn_ct_len, gr->doc_type[0], masked, sizeof(masked));
		xj_gen_str(g, "id_number_masked", gr->idn_ct_len ? masked : NULL);
		xj_field_masked(xj_auth_keys(), "registration_guardian.phone", row, gr->phone_ct,
		    gr->phone_ct_len, XJ_MASK_PHONE, masked, sizeof(masked));
		xj_gen_str(g, "phone_masked", masked);
		xj_gen_str(g, "employer", gr->employer);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	xj_gen_str(g, "special_category", rec->special_category[0] ? rec->special_category : NULL);
	xj_gen_bool(g, "left_behind", rec->left_behind);
	xj_gen_bool(g, "migrant_worker_child", rec->migrant_worker_child);
	snprintf(dist, sizeof(dist), "%u.%u", rec->distance_dm / 10, rec->distance_dm % 10);
	xj_gen_key(g, "distance_km");
	yajl_gen_number(g, dist, strlen(dist));
	xj_gen_key(g, "warnings");
	yajl_gen_array_open(g);
	if (rec->age_warning) {
		yajl_gen_map_open(g);
		xj_gen_str(g, "code", "under_age");
		xj_gen_str(g, "message", "儿童未达到本省规定的入学年龄，登记有效，请留意学校审核意见");
		xj_gen_str(g, "message_en", "the child is younger than the province's entry age: the registration stands, staff will review it");
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	xj_regview_time(rec->created_at, t);
	xj_gen_str(g, "created_at", t[0] ? t : NULL);
	xj_regview_time(rec->updated_at, t);
	xj_gen_str(g, "updated_at", t[0] ? t : NULL);
	yajl_gen_map_close(g);
}
