/* student.h -- student records (学籍, R-ADM-2, R-REC-1..5): created only
 * from a district-approved admission, inside the approving transaction.
 * This header is the contract between the admission flow (school/
 * admission) and the records module (store/student.c). */
#ifndef XJ_STORE_STUDENT_H
#define XJ_STORE_STUDENT_H

struct xj_db;

/* Create the student record of an approved admission: reads the
 * registration `registration_id` (in the caller's transaction), copies the
 * child's data, enrols the child at `school_org_id` (entry year = the
 * registration's year, level primary, grade 1, no class yet, status in
 * school) and draws a temporary number (R-REC-1: L + 6-digit area code +
 * 8-digit birth date + 4 random digits, unique, never reused). XJ_OK with
 * *student_id; XJ_E_CONFLICT when the registration already has a record;
 * or a db error (XJ_RETRY propagates to xj_tx_run). */
int	xj_student_create_from_registration(struct xj_db *, unsigned long long registration_id,
	    unsigned school_org_id, unsigned long long *student_id);

#endif
