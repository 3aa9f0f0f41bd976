/* benchdata.h -- the bench's synthetic city (docs/benchmarks.md): child
 * number i, 0 <= i < XJB_MAX_CHILD, is one real-looking child of Beijing
 * with a unique, check-digit-correct ID number (GB 11643): district
 * i % 16, born on day (i / 16) % 366 after 2019-09-01, sequence
 * i / (16 * 366). Disjoint index ranges keep the pre-loaded city, the
 * HTTP scenarios and the MariaDB-alone load from colliding. */
#ifndef XJ_BENCHDATA_H
#define XJ_BENCHDATA_H

#include "core/conf.h"
#include "crypto/keys.h"
#include "db/db.h"
#include "store/registration.h"

#define XJB_MAX_CHILD		(16L * 366 * 1000)
#define XJB_RANGE_LOAD		0L		/* the pre-loaded city */
#define XJB_RANGE_HTTP		1000000L	/* registrations sent through nginx */
#define XJB_RANGE_DBLOAD	3000000L	/* bench/dbload */
#define XJB_PASSWORD		"Bench12345"

struct xjb_child {
	char	 id_number[19];
	char	 name[64];
	char	 sex[2];
	char	 birth_date[11];
	char	 district[7];
};

extern const char *const xjb_districts[16];

int	xjb_child(long i, struct xjb_child *);
/* The phone number of bench parent p (unique for p < 10^8). */
void	xjb_phone(long p, char out[12]);
/* Fill a registration as regform.c would from a valid form: the same
 * ciphertext purposes, blind index and derived fields. */
/* prereg: the number the ciphertexts are bound to (NULL: "bench") */
int	xjb_reg_fill(const struct xj_keys *, const struct xjb_child *,
	    unsigned long long parent_id, int year, const char *prereg, struct xj_reg_rec *);
/* Load the configuration, secrets and keys; open an admin connection. */
int	xjb_open(const char *conf_file, struct xj_conf *, struct xj_keys *);
int	xjb_connect(const struct xj_conf *, struct xj_db *);
double	xjb_now(void);

#endif
