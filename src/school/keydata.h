/* keydata.h -- key-data changes (关键数据变更, issue 12 item 4, R-KEY-1,
 * R-KEY-2): the controlled fields, the direct edit of the others and the
 * change requests on the workflow engine (school/keydata.c). */
#ifndef XJ_SCHOOL_KEYDATA_H
#define XJ_SCHOOL_KEYDATA_H

#include <yajl/yajl_gen.h>

struct xj_db;
struct xj_req;
struct xj_student;
struct xj_wf_case;

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

#endif
