/* keydata.h -- key-data changes (关键数据变更, issue 12 item 4, R-KEY-1,
 * R-KEY-2): the controlled fields, the direct edit of the others and the
 * change requests on the workflow engine (school/keydata.c). */
#ifndef XJ_SCHOOL_KEYDATA_H
#define XJ_SCHOOL_KEYDATA_H

#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "core/str.h"
#include "domain/mask.h"	/* XJ_DOCNO_MAX_BYTES */

struct xj_db;
struct xj_req;
struct xj_student;
struct xj_wf_case;
struct xj_refdata;

/* PATCH /api/school/v1/students/{id} for the record s of the actor's own
 * school (records.c checked that): uncontrolled fields are written with
 * an audit entry and a history event; a body naming a controlled field
 * is refused whole (422, each such field `key_field_controlled`). XJ_OK
 * with s reread, or an answer sent (r->responded), or an error. */
int	xj_kd_patch(struct xj_req *, struct xj_student *s);
/* The effect 'key_data_apply' (workflow.c's table): the case's last
 * approval writes the change, checks the record at the door again
 * (R-KEY-2) and appends the record's history. */
int	xj_kd_wf_apply(struct xj_db *, struct xj_req *, const struct xj_wf_case *);
/* The case detail's members of a key-data case ("changes": old -> new,
 * numbers masked; "change_reason", "change_evidence"); nothing for another
 * case. A GET of it is a read of a child's data (review M6): audited. */
int	xj_kd_gen_detail(yajl_gen, struct xj_req *, const struct xj_wf_case *);

/* The validators a record's data goes through, shared with the records
 * that do not come through admission (school/supplement.c): the form's
 * rules (parent/regfields.c) for one text field f of store/keydata.h
 * (not the number, not a boolean), normalised into out -- a name without
 * inner spaces (R-REC-10), a birth date not in the future, codes of the
 * reference lists. XJ_OK or an XJ_E_F_* code. */
int	xj_kd_value(const struct xj_refdata *, int f, struct xj_str v, char *out, size_t cap);
/* A document of type `type` (a code of the list, not Z) and number v,
 * R-COL-7 for type 1 (structure, check character, a birth date that
 * exists and is not in the future, an area code that ever existed, the
 * sex and birth date the record will have): num gets the number (upper
 * case for type 1), bidx its blind index (the same-number key) in every
 * case but XJ_E_F_TOO_LONG and XJ_E_INTERNAL. XJ_OK or an XJ_E_F_* code
 * for the field *field (XJ_KD_ID_NUMBER, _SEX or _BIRTH_DATE). The caller
 * wipes num. */
int	xj_kd_document(const struct xj_refdata *, const char *type, struct xj_str v,
	    const char *sex, const char *birth, char num[XJ_DOCNO_MAX_BYTES + 1],
	    unsigned char bidx[32], int *field);

#endif
