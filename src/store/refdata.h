/* refdata.h -- read-only reference data held in memory: divisions in force
 * today, every division code since 1980 (ID area codes, R-COL-7),
 * ethnicities and identity-document types. Loaded from the database at
 * start (or on first use when the database was down then) and replaced
 * whole on SIGHUP; requests hold a read reference for their duration, so a
 * reload never changes data under a running request. */
#ifndef XJ_REFDATA_H
#define XJ_REFDATA_H

#include <stddef.h>
#include <time.h>

struct xj_db;
struct xj_arena;

struct xj_ref_div {
	char	code[7];
	char	name[257];	/* VARCHAR(64) in utf8mb4 */
	int	level;		/* 1 province, 2 city, 3 county */
	char	parent[7];	/* "" for provinces */
};

struct xj_ref_code {
	char	code[4];
	char	name[257];	/* VARCHAR(64) in utf8mb4 */
};

struct xj_refdata {
	struct xj_ref_div	*div;		/* sorted by code */
	size_t			 ndiv;
	char			(*hist)[7];	/* sorted distinct codes since 1980 */
	size_t			 nhist;
	struct xj_ref_code	*eth;
	size_t			 neth;
	struct xj_ref_code	*doc;
	size_t			 ndoc;
	unsigned long		 generation;
	time_t			 loaded_at;
};

void	 xj_ref_global_init(void);
void	 xj_ref_global_fini(void);
/* Load from db and publish; XJ_OK or a db error. */
int	 xj_ref_reload(struct xj_db *);
/* The current data for this request (released when the arena is reset);
 * loads it first if it never was. NULL: unavailable (database down). */
const struct xj_refdata *xj_ref_acquire(struct xj_db *, struct xj_arena *);

const struct xj_ref_div	 *xj_ref_division(const struct xj_refdata *, const char *code6);
int			  xj_ref_code_ever(const struct xj_refdata *, const char *code6);
const struct xj_ref_code *xj_ref_ethnicity(const struct xj_refdata *, const char *code);
const struct xj_ref_code *xj_ref_doc_type(const struct xj_refdata *, const char *code);

#endif
