/* keydata.h -- key-data changes in the database (issue 12 item 4,
 * R-KEY-1, R-KEY-2; sql/0026): the controlled fields per org path, the
 * change requests with their old and new values, and the one update of a
 * record's data fields. What is valid and who may do what is
 * school/keydata.c's. */
#ifndef XJ_STORE_KEYDATA_H
#define XJ_STORE_KEYDATA_H

#include <stddef.h>

#include "registration.h"	/* XJ_CT_MAX */

struct xj_db;

/* The record's data fields, the catalogue of names a level may control
 * (R-KEY-1: only fields the record has). The first XJ_KD__TEXT are
 * columns read and written as text in this order (booleans "0"/"1");
 * id_number is the ciphertext and blind index. */
enum xj_kd_field {
	XJ_KD_NAME, XJ_KD_SEX, XJ_KD_BIRTH_DATE, XJ_KD_ID_DOC_TYPE, XJ_KD_ETHNICITY,
	XJ_KD_NATIONALITY, XJ_KD_HUKOU_NATURE, XJ_KD_HUKOU_LOCATION, XJ_KD_BIRTHPLACE,
	XJ_KD_NATIVE_PLACE, XJ_KD_CURRENT_ADDRESS, XJ_KD_HOME_ADDRESS, XJ_KD_CONTACT_ADDRESS,
	XJ_KD_LEFT_BEHIND, XJ_KD_BOARDING,
	XJ_KD__TEXT,
	XJ_KD_ID_NUMBER = XJ_KD__TEXT,
	XJ_KD__N
};
extern const char *const xj_kd_names[XJ_KD__N];
/* The field of a name, or -1. */
int	xj_kd_field_of(const char *name, size_t len);
/* 1 for the identity fields (name, sex, birth date, document type and
 * number): the duplicate check reads them, so they are controlled at
 * every level and the national set may not drop them. */
int	xj_kd_identity(int field);

/* The controlled fields in force for an org path: the rows of each of
 * its prefixes, upper levels first. fn gets the field and the path of
 * the org that set it. */
int	xj_kd_controlled(struct xj_db *, const char *path,
	    void (*fn)(int field, const char *org_path, void *), void *);
/* A bit per field (1u << field): the set in force for path. */
int	xj_kd_controlled_mask(struct xj_db *, const char *path, unsigned *mask);
/* Replace the fields org_path itself sets (its rows only). */
int	xj_kd_set(struct xj_db *, const char *org_path, unsigned mask);

/* A record's data as a change compares it. */
struct xj_kd_record {
	char		 v[XJ_KD__TEXT][801];
	unsigned char	 idn_ct[XJ_CT_MAX];
	unsigned long	 idn_ct_len;
	unsigned char	 child_bidx[32];
};
int	xj_kd_current(struct xj_db *, unsigned long long sid, struct xj_kd_record *);
/* Write the fields whose v[] is not NULL (and the number's ciphertext
 * and blind index when idn_ct is not NULL) in one update. */
struct xj_kd_update {
	const char		*v[XJ_KD__TEXT];
	const unsigned char	*idn_ct;
	size_t			 idn_ct_len;
	const unsigned char	*bidx;		/* 32 bytes */
};
int	xj_kd_apply(struct xj_db *, unsigned long long sid, const struct xj_kd_update *);
/* The record's history: an event of kind with its case (0: none) and fields. */
int	xj_kd_event(struct xj_db *, unsigned long long sid, const char *kind,
	    unsigned long long wf, const char *fields);

/* ---- a change request (one workflow case) ---------------------------- */
struct xj_kd_change_field {
	int		 field;
	char		 old_value[801], new_value[801];
	unsigned char	 old_ct[XJ_CT_MAX], new_ct[XJ_CT_MAX];
	unsigned long	 old_ct_len, new_ct_len;
	unsigned char	 new_bidx[32];
	int		 has_bidx;
};
int	xj_kd_insert(struct xj_db *, unsigned long long wf, unsigned long long sid,
	    const char *reason, const char *evidence);
int	xj_kd_field_insert(struct xj_db *, unsigned long long wf, const struct xj_kd_change_field *);
/* XJ_OK, XJ_NO_ROW (not a key-data case) or a db error. */
int	xj_kd_get(struct xj_db *, unsigned long long wf, unsigned long long *sid, char reason[501],
	    char evidence[501]);
int	xj_kd_fields(struct xj_db *, unsigned long long wf, struct xj_kd_change_field *f, int max,
	    int *n);
/* The approved steps of a case: who approved, where, when. */
struct xj_kd_approval {
	int	 seq;
	char	 party[21];
	char	 org_code[13];
	char	 org_name[401];
	char	 staff_name[257];
	char	 at[20];
};
int	xj_kd_approvals(struct xj_db *, unsigned long long wf,
	    void (*fn)(const struct xj_kd_approval *, void *), void *);

/* The open groups (problem records) in which sid is an open member: at
 * most max ids, in id order (the order their rows are locked in). */
int	xj_kd_open_groups(struct xj_db *, unsigned long long sid, unsigned long long *ids, int max,
	    int *n);
/* The family's words for the fields of case wf ("姓名、出生日期"; no
 * values). */
int	xj_kd_words(struct xj_db *, unsigned long long wf, char *zh, size_t zn, char *en,
	    size_t en_n);

#endif
