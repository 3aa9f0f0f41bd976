/* db.c -- per-thread MariaDB connection and statement cache (see db.h). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "core/err.h"
#include "core/log.h"
#include "db.h"

/* Connector/C and server error numbers we act on. Several are newer than
 * some headers, so they are spelled out. */
#define E_DEADLOCK		1213
#define E_LOCK_WAIT		1205
#define E_CHECKREAD		1020	/* snapshot isolation conflict */
#define E_DUP_ENTRY		1062
#define E_DUP_WITH_KEY		1586
#define E_SIGNAL		1644	/* SIGNAL SQLSTATE '45000' of a procedure */
#define E_SERVER_SHUTDOWN	1053
#define E_UNKNOWN_COM		1047	/* Galera: node not ready */
#define E_CONN_KILLED		1927
#define E_IDLE_TIMEOUT		4031
#define CR_CONN_ERROR		2002
#define CR_HOST_ERROR		2003
#define CR_GONE			2006
#define CR_LOST			2013
#define CR_LOST_EXT		2055
#define CR_TLS_ERROR		2026	/* also a TLS connection reset mid-read */
#define CR_NET_READ		5013
#define CR_NET_WRITE		5014
#define E_UNKNOWN_ERR		1105	/* ER_UNKNOWN_ERROR: a failure with no code */

#define RECONNECT_THROTTLE_MS	250

int
xj_db_classify(unsigned err, unsigned flags)
{
	switch (err) {
	case 0:
		return XJ_OK;
	case E_DEADLOCK:
	case E_LOCK_WAIT:
	case E_CHECKREAD:
		return XJ_RETRY;
	case CR_CONN_ERROR:
	case CR_HOST_ERROR:
	case CR_GONE:
	case CR_LOST:
	case CR_LOST_EXT:
	/* session 7 (ops): libmariadb keeps a TLS error over "lost
	 * connection" when a TLS connection breaks mid-read (ma_net_safe_read:
	 * ECONNRESET of a killed node is "TLS/SSL error: Connection reset by
	 * peer"); at connect it is a certificate refusal, unavailable too */
	case CR_TLS_ERROR:
	case CR_NET_READ:
	case CR_NET_WRITE:
	case E_CONN_KILLED:
	case E_SERVER_SHUTDOWN:
	case E_UNKNOWN_COM:
	case E_IDLE_TIMEOUT:
		return XJ_E_UNAVAILABLE;
	case E_DUP_ENTRY:
	case E_DUP_WITH_KEY:
		return (flags & XJ_SQL_DUP_OK) ? XJ_E_CONFLICT : XJ_E_INTERNAL;
	case E_SIGNAL:
		return (flags & XJ_SQL_SIGNAL_OK) ? XJ_E_CONFLICT : XJ_E_INTERNAL;
	default:
		return XJ_E_INTERNAL;
	}
}

int
xj_db_init(struct xj_db *db, const struct xj_conf *c, const char *user,
    const char *password, const char *dbname, const struct xj_sqldef *defs,
    size_t ndefs)
{
	memset(db, 0, sizeof(*db));
	db->conf = c;
	db->user = user ? user : c->db_user;
	db->password = password ? password : c->db_password;
	db->dbname = dbname ? dbname : c->db_name;
	db->defs = defs;
	db->ndefs = ndefs;
	if (ndefs && (db->stmts = calloc(ndefs, sizeof(*db->stmts))) == NULL)
		return XJ_E_INTERNAL;
	return XJ_OK;
}

void
xj_db_drop(struct xj_db *db)
{
	for (size_t i = 0; i < db->ndefs; i++)
		if (db->stmts[i] != NULL) {
			mysql_stmt_close(db->stmts[i]);
			db->stmts[i] = NULL;
		}
	if (db->my != NULL) {
		mysql_close(db->my);
		db->my = NULL;
	}
	if (db->in_tx)
		db->tx_lost = 1;
	db->in_tx = 0;
}

void
xj_db_fini(struct xj_db *db)
{
	xj_db_drop(db);
	free(db->stmts);
	db->stmts = NULL;
}

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void	set_options(struct xj_db *, MYSQL *, unsigned, unsigned, unsigned, char *,
		    size_t);

unsigned
xj_db_node_addr(const char *list, unsigned i, char *out, size_t outlen)
{
	unsigned n = 0;
	const char *p = list;

	out[0] = '\0';
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *a = p, *b = p + len;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			if (n == i && (size_t)(b - a) < outlen) {
				memcpy(out, a, (size_t)(b - a));
				out[b - a] = '\0';
			}
			n++;
		}
		if (p[len] == '\0')
			return n;
		p += len + 1;
	}
}

/* One connect to the node of entry i of [db] socket (or host). */
static int
connect_node(struct xj_db *db, MYSQL *my, unsigned i)
{
	const struct xj_conf *c = db->conf;
	char addr[XJ_CONF_STR];
	int sock = c->db_socket[0] != '\0';

	xj_db_node_addr(sock ? c->db_socket : c->db_host, i, addr, sizeof(addr));
	return mysql_real_connect(my, sock ? NULL : addr, db->user,
	    db->password[0] ? db->password : NULL, db->dbname, (unsigned)c->db_port,
	    sock ? addr : NULL, 0) != NULL;
}

int
xj_db_ensure(struct xj_db *db)
{
	const struct xj_conf *c = db->conf;
	unsigned ct = (unsigned)c->db_connect_timeout;
	unsigned rt = (unsigned)c->db_read_timeout;
	unsigned wt = (unsigned)c->db_write_timeout;
	char lockwait[64], addr[XJ_CONF_STR];
	unsigned nodes, k;
	MYSQL *my;

	if (db->my != NULL)
		return XJ_OK;
	/* While the server is down, do not let every request pay a connect
	 * attempt: fail fast for a short while after a failure. */
	if (db->last_fail.tv_sec != 0 && ms_since(&db->last_fail) < RECONNECT_THROTTLE_MS)
		return XJ_E_UNAVAILABLE;
	nodes = xj_db_node_addr(c->db_socket[0] ? c->db_socket : c->db_host, 0, addr,
	    sizeof(addr));
	if (nodes == 0)
		nodes = 1;
	/* issue 15 (Galera): from the node that served last, or after it
	 * failed the next one, through the list once */
	for (k = 0; k < nodes; k++) {
		unsigned i = (db->node + k) % nodes;

		if ((my = mysql_init(NULL)) == NULL)
			return XJ_E_INTERNAL;
		set_options(db, my, ct, rt, wt, lockwait, sizeof(lockwait));
		if (connect_node(db, my, i)) {
			if (nodes > 1)	/* which node of the list, after a failure */
				xj_log(XJ_LOG_INFO, "db_node", "%u", "node", i);
			db->node = i;
			db->my = my;
			db->last_fail.tv_sec = 0;
			db->in_tx = 0;
			return XJ_OK;
		}
		db->err = mysql_errno(my);
		xj_log(XJ_LOG_WARN, "db_connect_failed", "%u%u", "errno", db->err, "node", i);
		mysql_close(my);
	}
	clock_gettime(CLOCK_MONOTONIC, &db->last_fail);
	return XJ_E_UNAVAILABLE;
}

/* The options and session settings of every connection. */
static void
set_options(struct xj_db *db, MYSQL *my, unsigned ct, unsigned rt, unsigned wt,
    char *lockwait, size_t lwlen)
{
	const struct xj_conf *c = db->conf;

	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rt);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* READ COMMITTED: our writes are conditional UPDATEs and unique
	 * inserts, which need no gap locks; fewer deadlocks under the May
	 * insert rush, and Galera certifies on write sets anyway. */
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	/* issue 15 D2: a locked row is waited for [db] lock_wait_timeout
	 * seconds (MariaDB's default is 50, longer than every request
	 * timeout), then 1205 rolls back and reruns (db/tx.c); set once per
	 * connection, no round trip on the hot path */
	snprintf(lockwait, lwlen,
	    "SET SESSION innodb_lock_wait_timeout = %d", c->db_lock_wait_timeout);
	mysql_options(my, MYSQL_INIT_COMMAND, lockwait);
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET SESSION time_zone = '+00:00', SESSION sql_mode = "
	    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
	/* review M13: TLS to MariaDB, the server's certificate and name
	 * verified against [db] ssl_ca; refused when the server offers no TLS */
	if (c->db_ssl_ca[0]) {
		my_bool yes = 1;
		mysql_options(my, MYSQL_OPT_SSL_CA, c->db_ssl_ca);
		if (c->db_ssl_cert[0]) {
			mysql_options(my, MYSQL_OPT_SSL_CERT, c->db_ssl_cert);
			mysql_options(my, MYSQL_OPT_SSL_KEY, c->db_ssl_key);
		}
		mysql_options(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
		mysql_options(my, MYSQL_OPT_SSL_ENFORCE, &yes);
	}
}

/* Record the error of the connection or statement, log it, map it. */
static int
fail(struct xj_db *db, int q, unsigned err, const char *state, const char *msg)
{
	unsigned flags = q >= 0 ? db->defs[q].flags : 0;
	int rc;

	/* called because a call failed: "no error" is not an answer */
	if (err == 0)
		err = E_UNKNOWN_ERR;
	rc = xj_db_classify(err, flags);

	db->err = err;
	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
	db->dupkey[0] = '\0';
	db->signal[0] = '\0';
	if (rc == XJ_E_CONFLICT && err == E_SIGNAL && msg != NULL)
		snprintf(db->signal, sizeof(db->signal), "%s", msg);
	if ((err == E_DUP_ENTRY || err == E_DUP_WITH_KEY) && msg != NULL) {
		/* "Duplicate entry '...' for key 'name'": keep the key only */
		const char *k = strstr(msg, "for key '");
		if (k != NULL) {
			size_t n = strcspn(k + 9, "'");
			if (n >= sizeof(db->dupkey))
				n = sizeof(db->dupkey) - 1;
			memcpy(db->dupkey, k + 9, n);
			db->dupkey[n] = '\0';
		}
	}
	if (rc == XJ_E_UNAVAILABLE) {
		xj_db_drop(db);
		/* the node is gone, shutting down or not ready (1047): the
		 * next connect starts at the next node of the list */
		db->node++;
	}
	if (rc == XJ_E_INTERNAL)
		xj_log(XJ_LOG_ERROR, "db_error", "%s%u%s", "stmt",
		    q >= 0 ? db->defs[q].name : "-", "errno", err,
		    "sqlstate", db->sqlstate);
	else if (rc == XJ_RETRY)
		xj_log(XJ_LOG_INFO, "db_conflict", "%s%u", "stmt",
		    q >= 0 ? db->defs[q].name : "-", "errno", err);
	return rc;
}

/* session 7 (ops, Galera G2): Connector/C reports an error met while
 * reading a row -- the connection lost (a DB node killed), or an error
 * packet in place of the next row (a deadlock victim, KILL) -- on the
 * connection only: mysql_stmt_fetch() returns 1 and the statement's own
 * error is still the one its execute cleared (libmariadb
 * stmt_unbuffered_fetch(), 3.3). Read from the statement alone, that was
 * "no error": classified XJ_OK, the read answered a row it never read
 * (the output buffers as the last row left them) and then "no more rows"
 * -- a shortened result taken for a whole one -- and the handle, whose
 * socket the connector had closed, was kept. So the statement's error
 * first, else the connection's, else (a call failed and nobody says
 * why) a connection lost when its socket is gone, an internal error
 * otherwise: never XJ_OK. */
static int
stmt_fail(struct xj_db *db, int q, MYSQL_STMT *st)
{
	if (mysql_stmt_errno(st) != 0)
		return fail(db, q, mysql_stmt_errno(st), mysql_stmt_sqlstate(st),
		    mysql_stmt_error(st));
	if (db->my != NULL && mysql_errno(db->my) != 0)
		return fail(db, q, mysql_errno(db->my), mysql_sqlstate(db->my),
		    mysql_error(db->my));
	return fail(db, q, db->my == NULL || (int)mysql_get_socket(db->my) < 0 ? CR_LOST :
	    E_UNKNOWN_ERR, "", NULL);
}

/* issue 15 D1: an idle connection the server closed (restart, KILL,
 * wait_timeout) is found before a statement is sent on it, without a
 * round trip: between commands the server sends nothing, so a readable
 * socket is its farewell (an error packet, or end of file). Outside a
 * transaction the connection is then replaced at once and the statement
 * goes to the new one; inside one, the transaction is gone with the
 * connection and the error reaches db/tx.c as before. */
static void
drop_if_closed(struct xj_db *db)
{
	struct pollfd p;

	if (db->my == NULL || db->in_tx)
		return;
	p.fd = (int)mysql_get_socket(db->my);
	p.events = POLLIN;
	p.revents = 0;
	/* no socket: the connector closed it itself after a failed read
	 * (session 7, G2) -- as dead as a readable one */
	if (p.fd >= 0 && poll(&p, 1, 0) <= 0)
		return;
	xj_log(XJ_LOG_INFO, "db_idle_closed", "%d", "revents", p.fd < 0 ? -1 : (int)p.revents);
	xj_db_drop(db);
	db->last_fail.tv_sec = 0;	/* reconnect now, not throttled */
}

/* A locking read: the statements that wait for row locks without
 * writing, and whose deadlock MariaDB may not report (tx_check). */
static int
is_locking_read(const struct xj_sqldef *d)
{
	return strncasecmp(d->sql, "SELECT", 6) == 0 &&
	    (strstr(d->sql, "FOR UPDATE") != NULL || strstr(d->sql, "LOCK IN SHARE MODE") != NULL);
}

/* The server can end a transaction without the statement saying so:
 * MariaDB 10.11 answers a locking SELECT that it chose as the victim of a
 * deadlock with a result and no error, the status of its answer still
 * "in transaction", and rolls the transaction back (the bench's (e)
 * flake: docs/architecture.md "A transaction the server ended"). Every
 * statement after it would then commit on its own: half a transaction.
 * So, inside a transaction, after a locking read and before anything
 * else is sent (the next statement or COMMIT), one "DO 0" asks: its
 * answer's in-transaction flag is gone when the transaction was rolled
 * back, and the caller gets XJ_RETRY, as for a deadlock the server
 * reports (db/tx.c reruns the unit). The flag of every other answer is
 * looked at too, which costs nothing. */
static int
tx_check(struct xj_db *db)
{
	int q = db->lock_q - 1;

	if (!db->in_tx || db->my == NULL)
		return XJ_OK;
	db->lock_q = 0;
	if (q >= 0 && mysql_real_query(db->my, "DO 0", 4) != 0)
		return fail(db, q, mysql_errno(db->my), mysql_sqlstate(db->my), NULL);
	if (db->my->server_status & SERVER_STATUS_IN_TRANS)
		return XJ_OK;
	db->err = E_DEADLOCK;
	db->sqlstate[0] = '\0';
	xj_log(XJ_LOG_WARN, "db_tx_lost", "%s", "stmt", q >= 0 ? db->defs[q].name : "-");
	return XJ_RETRY;
}

/* A failure that lost the connection outside a transaction, on a
 * statement that may be sent again: reconnect once and resend. */
static int
resend_ok(struct xj_db *db, int rc, int in_tx)
{
	if (rc != XJ_E_UNAVAILABLE || in_tx || db->my != NULL)
		return 0;
	db->last_fail.tv_sec = 0;
	return 1;
}

static MYSQL_STMT *
prepared(struct xj_db *db, int q, int *rc)
{
	MYSQL_STMT *st;
	int in_tx = db->in_tx, tries;

	drop_if_closed(db);
	for (tries = 0; ; tries++) {
		if ((*rc = xj_db_ensure(db)) != XJ_OK)
			return NULL;
		if ((st = db->stmts[q]) != NULL)
			return st;
		if ((st = mysql_stmt_init(db->my)) == NULL) {
			*rc = XJ_E_INTERNAL;
			return NULL;
		}
		if (mysql_stmt_prepare(st, db->defs[q].sql, strlen(db->defs[q].sql)) == 0)
			break;
		*rc = stmt_fail(db, q, st);
		mysql_stmt_close(st);
		/* preparing changes nothing: always safe to do again */
		if (tries > 0 || !resend_ok(db, *rc, in_tx))
			return NULL;
	}
	db->stmts[q] = st;
	return st;
}

/* A read outside a transaction may be sent again after the connection
 * was lost in flight; a write never (it may have committed). */
static int
is_read(const struct xj_sqldef *d)
{
	return !(d->flags & XJ_SQL_CALL) && strncasecmp(d->sql, "SELECT", 6) == 0 &&
	    strstr(d->sql, "FOR UPDATE") == NULL;
}

#define MAX_BIND 80	/* columns or parameters of one statement */

static int exec_once(struct xj_db *, int, const struct xj_val *, unsigned);

int
xj_db_exec(struct xj_db *db, int q, const struct xj_val *in, unsigned nin)
{
	int in_tx = db->in_tx;
	int rc;

	if (q < 0 || (size_t)q >= db->ndefs || nin > MAX_BIND) {
		xj_log(XJ_LOG_ERROR, "db_exec_shape", "%d%u", "stmt", q, "params", nin);
		return XJ_E_INTERNAL;
	}
	rc = exec_once(db, q, in, nin);
	/* session 7 (ops, Galera G2): a node that is not ready (1047: a
	 * node joining after its restart, which the worker reconnects to
	 * first, or one out of the primary component) answers every command
	 * so before running it: a write outside a transaction (a
	 * registration's CALL) may go to the next node as a read does,
	 * instead of answering 503. Inside a transaction the unit's own
	 * rerun decides (db/tx.c). */
	if ((is_read(&db->defs[q]) || (rc == XJ_E_UNAVAILABLE && db->err == E_UNKNOWN_COM)) &&
	    resend_ok(db, rc, in_tx)) {
		xj_log(XJ_LOG_INFO, "db_read_resent", "%s%u", "stmt", db->defs[q].name, "errno",
		    db->err);
		rc = exec_once(db, q, in, nin);
	}
	return rc;
}

static int
exec_once(struct xj_db *db, int q, const struct xj_val *in, unsigned nin)
{
	MYSQL_BIND b[MAX_BIND];
	my_bool isnull = 1;
	MYSQL_STMT *st;
	int rc;

	/* session 7 (ops, G2): the transaction died with its connection;
	 * a statement now would reconnect and commit on its own, the rest
	 * of a unit without its beginning. The unit's end clears it. */
	if (db->tx_lost)
		return XJ_E_UNAVAILABLE;
	if ((st = prepared(db, q, &rc)) == NULL)
		return rc;
	if ((rc = tx_check(db)) != XJ_OK)
		return rc;
	if (mysql_stmt_param_count(st) != nin) {
		xj_log(XJ_LOG_ERROR, "db_param_count", "%s%u", "stmt",
		    db->defs[q].name, "want", (unsigned)mysql_stmt_param_count(st));
		return XJ_E_INTERNAL;
	}
	memset(b, 0, sizeof(b));
	for (unsigned i = 0; i < nin; i++) {
		switch (in[i].t) {
		case XJ_V_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			b[i].is_null = &isnull;
			break;
		case XJ_V_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&in[i].i;
			break;
		case XJ_V_STR:
		case XJ_V_BLOB:
			b[i].buffer_type = in[i].t == XJ_V_STR ?
			    MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)(in[i].p ? in[i].p : "");
			b[i].buffer_length = in[i].len;
			b[i].length_value = in[i].len;
			b[i].length = &b[i].length_value;
			break;
		}
	}
	if ((nin && mysql_stmt_bind_param(st, b) != 0) || mysql_stmt_execute(st) != 0)
		return stmt_fail(db, q, st);
	if (db->in_tx && is_locking_read(&db->defs[q]))
		db->lock_q = q + 1;
	if (db->defs[q].flags & XJ_SQL_CALL) {
		int more;
		while ((more = mysql_stmt_next_result(st)) == 0)
			mysql_stmt_free_result(st);
		if (more > 0)
			return stmt_fail(db, q, st);
	}
	return XJ_OK;
}

int
xj_db_fetch(struct xj_db *db, int q, struct xj_col *out, unsigned nout)
{
	MYSQL_BIND b[MAX_BIND];
	MYSQL_STMT *st = db->stmts[q];
	int r;

	if (st == NULL || nout > MAX_BIND || mysql_stmt_field_count(st) != nout) {
		xj_log(XJ_LOG_ERROR, "db_fetch_shape", "%s%u", "stmt", db->defs[q].name,
		    "columns", st ? (unsigned)mysql_stmt_field_count(st) : 0);
		return XJ_E_INTERNAL;
	}
	memset(b, 0, sizeof(b));
	for (unsigned i = 0; i < nout; i++) {
		b[i].is_null = &out[i].is_null;
		b[i].length = &out[i].len;
		switch (out[i].t) {
		case XJ_V_INT:
		case XJ_V_NULL:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &out[i].i;
			break;
		case XJ_V_STR:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = out[i].buf;
			b[i].buffer_length = out[i].cap;
			break;
		case XJ_V_BLOB:
			b[i].buffer_type = MYSQL_TYPE_BLOB;
			b[i].buffer = out[i].buf;
			b[i].buffer_length = out[i].cap;
			break;
		}
	}
	if (mysql_stmt_bind_result(st, b) != 0)
		return stmt_fail(db, q, st);
	r = mysql_stmt_fetch(st);
	if (r == MYSQL_NO_DATA)
		return XJ_NO_ROW;
	if (r == MYSQL_DATA_TRUNCATED) {
		xj_log(XJ_LOG_ERROR, "db_truncated", "%s", "stmt", db->defs[q].name);
		return XJ_E_INTERNAL;
	}
	if (r != 0)
		return stmt_fail(db, q, st);
	for (unsigned i = 0; i < nout; i++) {
		out[i].i = out[i].is_null ? 0 : out[i].i;
		if (out[i].t == XJ_V_STR && out[i].buf != NULL) {
			/* the connector NUL-terminates when room is left */
			if (out[i].len >= out[i].cap)
				return XJ_E_INTERNAL;
			out[i].buf[out[i].is_null ? 0 : out[i].len] = '\0';
		}
	}
	return XJ_OK;
}

void
xj_db_done(struct xj_db *db, int q)
{
	/* mysql_stmt_free_result reads and drops rows left unread, so the
	 * connection is free for the next command. Not mysql_stmt_reset: it
	 * sends COM_STMT_RESET, a round trip of its own after every read
	 * (SHOW GLOBAL STATUS: Com_stmt_reset = one per status poll), and
	 * resets only what this layer never uses (long data, cursors). */
	if (db->stmts[q] != NULL)
		mysql_stmt_free_result(db->stmts[q]);
}

unsigned long long
xj_db_affected(struct xj_db *db, int q)
{
	return db->stmts[q] ? (unsigned long long)mysql_stmt_affected_rows(db->stmts[q]) : 0;
}

unsigned long long
xj_db_insert_id(struct xj_db *db, int q)
{
	return db->stmts[q] ? (unsigned long long)mysql_stmt_insert_id(db->stmts[q]) : 0;
}

int
xj_db_row(struct xj_db *db, int q, const struct xj_val *in, unsigned nin,
    struct xj_col *out, unsigned nout)
{
	int rc = xj_db_exec(db, q, in, nin);

	if (rc != XJ_OK)
		return rc;
	rc = xj_db_fetch(db, q, out, nout);
	if (db->stmts[q] != NULL)
		xj_db_done(db, q);
	return rc;
}

int
xj_db_query_const(struct xj_db *db, const char *sql, size_t len)
{
	int rc;

	drop_if_closed(db);
	if ((rc = xj_db_ensure(db)) != XJ_OK)
		return rc;
	if (mysql_real_query(db->my, sql, len) != 0)
		return fail(db, -1, mysql_errno(db->my), mysql_sqlstate(db->my),
		    mysql_error(db->my));
	/* drain any result (SHOW, SELECT in migrations) */
	do {
		MYSQL_RES *res = mysql_store_result(db->my);
		if (res != NULL)
			mysql_free_result(res);
	} while (mysql_next_result(db->my) == 0);
	return XJ_OK;
}

int
xj_db_begin(struct xj_db *db)
{
	static const char begin[] = "START TRANSACTION";
	int rc;

	db->tx_lost = 0;
	rc = xj_db_query_const(db, begin, sizeof(begin) - 1);

	/* A connection that died while idle (server restarted) is found
	 * here, before any work was done: reconnecting is safe. */
	if (rc == XJ_E_UNAVAILABLE && db->my == NULL) {
		db->last_fail.tv_sec = 0;
		rc = xj_db_query_const(db, begin, sizeof(begin) - 1);
	}
	db->in_tx = rc == XJ_OK;
	db->lock_q = 0;
	db->tx_lost = 0;
	return rc;
}

int
xj_db_commit(struct xj_db *db)
{
	int rc = tx_check(db);

	db->in_tx = 0;
	db->lock_q = 0;
	if (rc != XJ_OK)
		return rc;
	if (db->my == NULL || db->tx_lost) {
		db->tx_lost = 0;
		return XJ_E_UNAVAILABLE;
	}
	if (mysql_commit(db->my) != 0)
		return fail(db, -1, mysql_errno(db->my), mysql_sqlstate(db->my),
		    mysql_error(db->my));
	return XJ_OK;
}

void
xj_db_rollback(struct xj_db *db)
{
	db->in_tx = 0;
	db->lock_q = 0;
	db->tx_lost = 0;
	if (db->my != NULL && mysql_rollback(db->my) != 0)
		fail(db, -1, mysql_errno(db->my), mysql_sqlstate(db->my), NULL);
}
