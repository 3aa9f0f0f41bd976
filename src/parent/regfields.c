/* regfields.c -- the registration form's field table (regfields.h):
 * names, types, bounds and the code-list checks of R-COL-6. */
#include "config.h"

#include <stddef.h>

#include "core/err.h"
#include "domain/division.h"
#include "domain/idnum.h"
#include "domain/relation.h"
#include "regfields.h"

static int
one_of(struct xj_str s, const char *const *list)
{
	for (; *list; list++)
		if (xj_str_eq(s, *list))
			return XJ_OK;
	return XJ_E_F_CODE;
}

int
xj_regfield_sex(struct xj_str s)
{
	static const char *const v[] = { "M", "F", NULL };
	return one_of(s, v);
}

/* R-COL-6 guardian relations: the one list (domain/relation.c) */
static int
relation_check(struct xj_str s)
{
	return xj_relation_known(s.p, s.len) ? XJ_OK : XJ_E_F_CODE;
}

int
xj_regfield_hukou_nature(struct xj_str s)
{
	static const char *const v[] = { "agricultural", "non_agricultural", "resident", NULL };
	return one_of(s, v);
}

/* R-COL-6: special categories treated as local */
static int
special_check(struct xj_str s)
{
	static const char *const v[] = {
		"taiwan_compatriot", "postdoc", "work_residence_permit",
		"overseas_chinese", "serviceman", "zhiqing", NULL
	};
	return one_of(s, v);
}

#define F(name, type, flags, lo, hi, chk, st, member) \
	{ name, type, flags, lo, hi, chk, offsetof(st, member), NULL, 0, 0, 0 }

static const struct xj_field guardian_fields[] = {
	F("relation", XJ_F_STR, XJ_REQ, 1, 8, relation_check, struct guardian_in, relation),
	F("relation_desc", XJ_F_STR, XJ_OPT, 0, 32, NULL, struct guardian_in, relation_desc),
	F("name", XJ_F_STR, XJ_REQ, 1, 60, NULL, struct guardian_in, name),
	F("id_doc_type", XJ_F_STR, XJ_OPT, 1, 1, NULL, struct guardian_in, id_doc_type),
	F("id_number", XJ_F_STR, XJ_OPT, 1, 32, NULL, struct guardian_in, id_number),
	F("phone", XJ_F_STR, XJ_REQ, 1, 20, NULL, struct guardian_in, phone),
	F("employer", XJ_F_STR, XJ_OPT, 0, 128, NULL, struct guardian_in, employer),
	XJ_FIELD_END
};

static const struct xj_field child_fields[] = {
	F("name", XJ_F_STR, XJ_REQ, 1, 60, NULL, struct child_in, name),
	F("sex", XJ_F_STR, XJ_REQ, 1, 1, xj_regfield_sex, struct child_in, sex),
	F("birth_date", XJ_F_STR, XJ_REQ, 10, 10, xj_date_check, struct child_in, birth_date),
	F("id_doc_type", XJ_F_STR, XJ_REQ, 1, 1, NULL, struct child_in, id_doc_type),
	F("id_number", XJ_F_STR, XJ_OPT, 1, 32, NULL, struct child_in, id_number),
	F("ethnicity", XJ_F_STR, XJ_REQ, 2, 2, NULL, struct child_in, ethnicity),
	F("nationality", XJ_F_STR, XJ_REQ, 1, 32, NULL, struct child_in, nationality),
	F("hukou_nature", XJ_F_STR, XJ_REQ, 1, 16, xj_regfield_hukou_nature, struct child_in, hukou_nature),
	F("hukou_location", XJ_F_STR, XJ_REQ, 12, 12, xj_hukou_code_check, struct child_in, hukou_location),
	F("birthplace", XJ_F_STR, XJ_REQ, 1, 128, NULL, struct child_in, birthplace),
	F("native_place", XJ_F_STR, XJ_REQ, 1, 128, NULL, struct child_in, native_place),
	F("current_address", XJ_F_STR, XJ_REQ, 1, 200, NULL, struct child_in, current_address),
	F("home_address", XJ_F_STR, XJ_REQ, 1, 200, NULL, struct child_in, home_address),
	F("contact_address", XJ_F_STR, XJ_REQ, 1, 200, NULL, struct child_in, contact_address),
	XJ_FIELD_END
};

const struct xj_field xj_regform_fields[] = {
	F("district", XJ_F_STR, XJ_REQ, 6, 6, xj_county_code_check, struct reg_in, district),
	F("school_code", XJ_F_STR, XJ_OPT, 10, 10, NULL, struct reg_in, school_code),
	{ "child", XJ_F_OBJ, XJ_REQ, 0, 0, NULL, offsetof(struct reg_in, child), child_fields, 0, 0, 0 },
	{ "guardians", XJ_F_ARR, XJ_REQ, 1, XJ_REG_MAX_GUARDIANS, NULL,
	  offsetof(struct reg_in, guardians), guardian_fields, sizeof(struct guardian_in),
	  offsetof(struct reg_in, nguardians), 0 },
	F("special_category", XJ_F_STR, XJ_OPT, 1, 32, special_check, struct reg_in, special_category),
	F("left_behind", XJ_F_BOOL, XJ_REQ, 0, 1, NULL, struct reg_in, left_behind),
	F("migrant_worker_child", XJ_F_BOOL, XJ_REQ, 0, 1, NULL, struct reg_in, migrant_worker_child),
	{ "distance_km", XJ_F_DEC, XJ_REQ, 0, 9999, NULL, offsetof(struct reg_in, distance_km), NULL, 0, 0, 1 },
	/* the privacy notice the guardian accepted (M12): required by the
	 * create (registration.c), ignored by a correction */
	F("privacy_notice_version", XJ_F_INT, XJ_OPT, 1, 65535, NULL, struct reg_in, privacy_notice_version),
	XJ_FIELD_END
};
