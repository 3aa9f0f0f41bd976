/* db.h -- one MariaDB connection per worker thread, with its cache of
 * prepared statements (sqlbox-style registry: an index into a table of SQL
 * text and flags, prepared on first use). Connection loss is not fatal:
 * the connection is marked dead and the next request reconnects; while the
 * server is unreachable callers get XJ_E_UNAVAILABLE (HTTP 503). MariaDB's
 * error messages can quote row values (a duplicate key's value), so they
 * are never logged: only the error number, SQLSTATE and statement name. */
#ifndef XJ_DB_H
#define XJ_DB_H

#include <stddef.h>
#include <time.h>
#include <mysql.h>

#include "core/conf.h"

/* statement flags */
#define XJ_SQL_DUP_OK	0x1	/* duplicate key (1062) is an answer: XJ_E_CONFLICT */
#define XJ_SQL_CALL	0x2	/* CALL of a procedure that returns no rows: exec
				 * reads every status the server sends for it, so
				 * an error after the first (a failed COMMIT
				 * inside) is the exec's error */
#define XJ_SQL_SIGNAL_OK 0x4	/* a procedure's SIGNAL SQLSTATE '45000' is an
				 * answer: XJ_E_CONFLICT with its MESSAGE_TEXT
				 * in db->signal (our procedures put no row
				 * values there), e.g. "registration_limit" */

struct xj_sqldef {
	const char	*name;
	const char	*sql;
	unsigned	 flags;
};

enum xj_vtype { XJ_V_NULL, XJ_V_INT, XJ_V_STR, XJ_V_BLOB };

/* An input parameter. */
struct xj_val {
	enum xj_vtype	 t;
	long long	 i;
	const void	*p;
	size_t		 len;
};
#define XJ_VNULL	((struct xj_val){ XJ_V_NULL, 0, NULL, 0 })
#define XJ_VI(x)	((struct xj_val){ XJ_V_INT, (long long)(x), NULL, 0 })
#define XJ_VS(s)	((struct xj_val){ XJ_V_STR, 0, (s), strlen(s) })
#define XJ_VSL(s, l)	((struct xj_val){ XJ_V_STR, 0, (s), (l) })
#define XJ_VXS(x)	((struct xj_val){ XJ_V_STR, 0, (x).p, (x).len })
#define XJ_VB(b, l)	((struct xj_val){ XJ_V_BLOB, 0, (b), (l) })

/* An output column: INT into i; STR/BLOB into buf[cap] (len set; STR is
 * NUL-terminated, so cap must leave a byte for it). */
struct xj_col {
	enum xj_vtype	 t;
	char		*buf;
	size_t		 cap;
	unsigned long	 len;
	my_bool		 is_null;
	long long	 i;
};
#define XJ_COL_INT	((struct xj_col){ XJ_V_INT, NULL, 0, 0, 0, 0 })
#define XJ_COL_STR(b, c) ((struct xj_col){ XJ_V_STR, (b), (c), 0, 0, 0 })
#define XJ_COL_BLOB(b, c) ((struct xj_col){ XJ_V_BLOB, (b), (c), 0, 0, 0 })

struct xj_db {
	MYSQL			*my;
	const struct xj_conf	*conf;
	const char		*user;
	const char		*password;
	const char		*dbname;
	const struct xj_sqldef	*defs;
	size_t			 ndefs;
	MYSQL_STMT		**stmts;
	struct timespec		 last_fail;	/* throttles reconnect attempts */
	unsigned		 err;		/* last MariaDB error number */
	char			 sqlstate[6];
	char			 dupkey[65];	/* key named by the last 1062 */
	char			 signal[65];	/* MESSAGE_TEXT of the last SIGNAL_OK refusal */
	int			 in_tx;
	/* issue 15 (Galera): the entry of [db] socket or host (a comma-
	 * separated list of nodes) the next connect tries first */
	unsigned		 node;
	/* 1 + the locking read of this transaction whose outcome is not
	 * known yet (db.c tx_check), 0 for none */
	int			 lock_q;
	/* session 7 (ops, G2): the connection of the open transaction was
	 * lost; until the unit ends (commit or rollback) no statement runs,
	 * on a new connection neither (it would commit on its own) */
	int			 tx_lost;
};

/* Set up (no connection yet). user/password/dbname may be NULL for the
 * [db] ones of conf. */
int	 xj_db_init(struct xj_db *, const struct xj_conf *, const char *user,
	    const char *password, const char *dbname,
	    const struct xj_sqldef *defs, size_t ndefs);
void	 xj_db_fini(struct xj_db *);
/* Connect if not connected. XJ_OK or XJ_E_UNAVAILABLE. */
int	 xj_db_ensure(struct xj_db *);
/* Drop the connection (after a connection error). */
void	 xj_db_drop(struct xj_db *);

/* Execute statement q with parameters; a result set stays open for
 * xj_db_fetch until xj_db_done. Returns XJ_OK, XJ_RETRY (deadlock, lock
 * wait, Galera conflict), XJ_E_CONFLICT (duplicate on a DUP_OK statement),
 * XJ_E_UNAVAILABLE or XJ_E_INTERNAL. */
int	 xj_db_exec(struct xj_db *, int q, const struct xj_val *in, unsigned nin);
/* Next row into out: XJ_OK, XJ_NO_ROW, or an error as for exec. */
int	 xj_db_fetch(struct xj_db *, int q, struct xj_col *out, unsigned nout);
void	 xj_db_done(struct xj_db *, int q);
unsigned long long xj_db_affected(struct xj_db *, int q);
unsigned long long xj_db_insert_id(struct xj_db *, int q);
/* exec + fetch one row + done: XJ_OK, XJ_NO_ROW or error. */
int	 xj_db_row(struct xj_db *, int q, const struct xj_val *in, unsigned nin,
	    struct xj_col *out, unsigned nout);

/* Constant statements only (transaction control, session settings,
 * trusted migration files): never text built from input. */
int	 xj_db_query_const(struct xj_db *, const char *sql, size_t len);
int	 xj_db_begin(struct xj_db *);
int	 xj_db_commit(struct xj_db *);
void	 xj_db_rollback(struct xj_db *);

/* Classify a MariaDB error number (pure; unit-tested). */
int	 xj_db_classify(unsigned err, unsigned flags);
/* Issue 15 (Galera): [db] socket and host name one node or a comma-
 * separated list, this worker's own node first. Entry i of `list`
 * (blanks around it trimmed, empty entries skipped) into out, "" when
 * there is none or it does not fit; returns the number of entries. A
 * connect tries the node that served last first (after a failure the
 * next one), then the others in order. */
unsigned xj_db_node_addr(const char *list, unsigned i, char *out, size_t outlen);

#endif
