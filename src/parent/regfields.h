/* regfields.h -- the registration form's field table (R-COL-6) and the
 * structs it binds into: the input shape of POST and PUT
 * /api/parent/v1/registrations. Kept apart from the rules of regform.c,
 * which depend on keys and reference data, so that the fuzz harness
 * (tests/fuzz/fuzz_bind.c) binds against this very table. */
#ifndef XJ_PARENT_REGFIELDS_H
#define XJ_PARENT_REGFIELDS_H

#include "core/bind.h"
#include "store/registration.h"

struct guardian_in {
	struct xj_str	 relation, relation_desc, name, id_doc_type, id_number, phone, employer;
};

struct child_in {
	struct xj_str	 name, sex, birth_date, id_doc_type, id_number, ethnicity, nationality;
	struct xj_str	 hukou_nature, hukou_location, birthplace, native_place;
	struct xj_str	 current_address, home_address, contact_address;
};

struct reg_in {
	struct xj_str		 district, school_code, special_category;
	struct child_in		 child;
	struct guardian_in	*guardians;
	size_t			 nguardians;
	struct xj_num		 left_behind, migrant_worker_child, distance_km;
	struct xj_num		 privacy_notice_version;	/* issue 10 (H): M12 */
};

extern const struct xj_field xj_regform_fields[];

/* a child's sex (M, F) and hukou nature: XJ_OK or XJ_E_F_CODE; the form's
 * checks, used by every record made outside it too (school/supplement.c) */
int	xj_regfield_sex(struct xj_str);
int	xj_regfield_hukou_nature(struct xj_str);

#endif
