/* evidence.h -- evidence files of student records (佐证材料, issue 12
 * item 3, R-DUP-2) in the database: the bytes once per deployment
 * (evidence_blob, encrypted, found by a blind index of the content), a
 * row per record that has them (evidence_file), and the files a case
 * carries (workflow_evidence). sql/0028; docs/architecture.md "Evidence
 * files". */
#ifndef XJ_STORE_EVIDENCE_H
#define XJ_STORE_EVIDENCE_H

#include <stddef.h>

#include "crypto/keys.h"
#include "db/db.h"
#include "domain/filesniff.h"

/* bytes of a file: R-DUP-2's "at most 2 MB" */
#define XJ_EVIDENCE_MAX_BYTES	(2u * 1024 * 1024)
/* longest name kept (bytes of UTF-8) */
#define XJ_EVIDENCE_NAME_MAX	255
/* files one case may carry */
#define XJ_EVIDENCE_PER_CASE	10

struct xj_evidence_file {
	unsigned long long	id;
	unsigned long long	student_id;
	unsigned long long	blob_id;
	char			kind[4];
	unsigned		size;
	char			name[XJ_EVIDENCE_NAME_MAX + 1];	/* "" when none or unreadable */
	char			org_name[129];
	char			created_at[20];
};

struct xj_evidence_limits {
	unsigned		max_files;	/* per record */
	unsigned long long	max_bytes;	/* per record, the files' sizes summed */
};

/* In the caller's transaction: lock the record, check its limits, store
 * the bytes unless the deployment has them already, and add the file to
 * the record unless it has it already (*existed = 1, *file_id the old
 * one). XJ_OK, XJ_NO_ROW (no such record), XJ_E_EVIDENCE_LIMIT, or a db
 * error (XJ_RETRY propagates). */
int	xj_evidence_put(struct xj_db *, const struct xj_keys *, unsigned long long student_id,
	    enum xj_file_kind, const unsigned char *bytes, size_t n, const char *name,
	    unsigned long long uploaded_by, unsigned org_id, const struct xj_evidence_limits *,
	    unsigned long long *file_id, int *existed);

/* One file's row (no bytes). XJ_OK, XJ_NO_ROW or a db error. The name
 * is decrypted with k (NULL: left empty). */
int	xj_evidence_get(struct xj_db *, const struct xj_keys *, unsigned long long id,
	    struct xj_evidence_file *);

/* The file's bytes, decrypted into buf[cap] (cap >= its size); *n gets
 * the length. XJ_OK, XJ_NO_ROW or XJ_E_INTERNAL (a blob that does not
 * decrypt: logged, never served). */
int	xj_evidence_bytes(struct xj_db *, const struct xj_keys *, const struct xj_evidence_file *,
	    unsigned char *buf, size_t cap, size_t *n);

/* Every file of a record (oldest first), or of a case, to fn. */
typedef int (*xj_evidence_fn)(void *arg, const struct xj_evidence_file *);
int	xj_evidence_of_student(struct xj_db *, const struct xj_keys *, unsigned long long student_id,
	    xj_evidence_fn, void *arg);
int	xj_evidence_of_case(struct xj_db *, const struct xj_keys *, unsigned long long workflow_id,
	    xj_evidence_fn, void *arg);

/* In the case's transaction: link files ids[0..n) of the subject's record
 * to the case. A chain whose type needs evidence (workflow_type.
 * needs_evidence) and gets none: XJ_E_EVIDENCE_REQUIRED; an id that is
 * not a file of this record: XJ_E_EVIDENCE_UNKNOWN. */
int	xj_evidence_attach(struct xj_db *, unsigned long long workflow_id, const char *type_code,
	    const char *variant, unsigned long long student_id, const long long *ids, size_t n);

#endif
