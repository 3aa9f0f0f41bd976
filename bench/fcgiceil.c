/* fcgiceil.c -- the bare-FastCGI ceilings of the bench (docs/benchmarks.md):
 * a FastCGI responder threaded like xuejid, with nothing of xuejid's in
 * front of the database -- no dispatcher, no session, no JSON parser --
 * so that bench/bench.py can measure, through the same nginx, what one
 * FastCGI round trip costs alone, with one primary-key SELECT and with
 * one durable INSERT. It is a bench program only: the production worker
 * has no such routes.
 *
 *   fcgiceil --listen PATH [--threads N] [--socket SOCK] [--user USER]
 *            [--password-file FILE] [--db NAME]
 *
 * Routes (DOCUMENT_URI, else SCRIPT_NAME, else REQUEST_URI without query):
 *   /bench/fcgi/none    200, a fixed small JSON body, no database
 *   /bench/fcgi/select  200, one primary-key SELECT of the row made at start
 *   /bench/fcgi/insert  201 {"id":N}: one INSERT of a ~200-byte row into
 *                       bench_ceiling in autocommit mode, i.e. its own
 *                       durable commit (the bench server runs with
 *                       innodb_flush_log_at_trx_commit=1, sync_binlog=1).
 *                       GET or POST; a POST body (up to 255 bytes) is the
 *                       row's payload, else a 200-byte filler is.
 *
 * Threads: N, each with its own FCGX_Request, MariaDB connection and
 * prepared statements, each waiting on its own epoll set that holds the
 * non-blocking listening socket with EPOLLEXCLUSIVE and a stop pipe (as
 * src/xuejid.c wait_setup/wait_ready): a connection wakes one idle
 * thread; a thread that loses the race gets EAGAIN and waits again.
 * SIGTERM/SIGINT: the socket is unlinked, queued connections are served,
 * the threads end. Every SQL statement is prepared. Logs go to stderr. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcgiapp.h>
#include <mysql.h>

#define PAYLOAD_MAX	255
#define FILLER_LEN	200
#define BODY_MAX	65536	/* what is read of a POST body at most */

static const char SQL_CREATE[] =
    "CREATE TABLE IF NOT EXISTS bench_ceiling ("
    " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
    " worker SMALLINT UNSIGNED NOT NULL,"
    " kind VARCHAR(16) NOT NULL,"
    " payload VARBINARY(255) NOT NULL"
    ") ENGINE=InnoDB";
static const char SQL_INSERT[] =
    "INSERT INTO bench_ceiling (worker, kind, payload) VALUES (?, ?, ?)";
static const char SQL_SELECT[] =
    "SELECT id, worker, kind, payload FROM bench_ceiling WHERE id = ?";

struct worker {
	pthread_t		 tid;
	unsigned short		 idx;
	int			 epfd;
	FCGX_Request		 fcgx;
	MYSQL			*my;
	MYSQL_STMT		*ins, *sel;
	unsigned long long	 seq;
	char			 payload[PAYLOAD_MAX + 1];
	char			 body[PAYLOAD_MAX + 1];
};

static const char *o_socket, *o_user = "root", *o_db = "xueji";
static char password[256];
static int have_password;
static int listen_fd = -1;
static int stop_pipe[2] = { -1, -1 };
static unsigned long long seed_id;
static atomic_long nerrors;

static void
logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fcgiceil: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void
die(const char *what, const char *detail)
{
	logmsg("%s: %s", what, detail);
	exit(1);
}

/* ---- database -------------------------------------------------------- */

static void
db_close(struct worker *w)
{
	if (w->ins != NULL)
		mysql_stmt_close(w->ins);
	if (w->sel != NULL)
		mysql_stmt_close(w->sel);
	if (w->my != NULL)
		mysql_close(w->my);
	w->ins = w->sel = NULL;
	w->my = NULL;
}

static MYSQL_STMT *
prepare(MYSQL *my, const char *sql)
{
	MYSQL_STMT *st = mysql_stmt_init(my);

	if (st == NULL)
		return NULL;
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
		logmsg("prepare failed (%u): %s", mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

static MYSQL *
db_connect(void)
{
	unsigned ct = 5, rt = 30, wt = 30;
	MYSQL *my = mysql_init(NULL);

	if (my == NULL)
		return NULL;
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rt);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* the session settings of src/db/db.c */
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	if (mysql_real_connect(my, NULL, o_user, have_password ? password : NULL, o_db, 0,
	    o_socket, 0) == NULL) {
		logmsg("cannot connect to MariaDB as %s (%u): %s", o_user, mysql_errno(my),
		    mysql_error(my));
		mysql_close(my);
		return NULL;
	}
	if (mysql_autocommit(my, 1) != 0) {
		mysql_close(my);
		return NULL;
	}
	return my;
}

/* This thread's connection and statements; 0 ready. */
static int
db_ensure(struct worker *w)
{
	if (w->my != NULL)
		return 0;
	if ((w->my = db_connect()) == NULL ||
	    (w->ins = prepare(w->my, SQL_INSERT)) == NULL ||
	    (w->sel = prepare(w->my, SQL_SELECT)) == NULL) {
		db_close(w);
		return -1;
	}
	return 0;
}

/* After a failed statement: drop the connection if it is gone (client
 * errors 2000-2999, e.g. 2006 server gone, 2013 lost), so that the next
 * request reconnects. */
static void
db_failed(struct worker *w, MYSQL_STMT *st, const char *what)
{
	unsigned e = mysql_stmt_errno(st);

	if (atomic_fetch_add(&nerrors, 1) < 20)
		logmsg("%s failed (%u): %s", what, e, mysql_stmt_error(st));
	if (e >= 2000 && e < 3000)
		db_close(w);
}

/* One INSERT of (worker, kind, payload); the row's id, 0 on error. */
static unsigned long long
db_insert(struct worker *w, MYSQL_STMT *st, const char *kind, const char *payload, size_t len)
{
	MYSQL_BIND b[3];
	unsigned long klen = (unsigned long)strlen(kind), plen = (unsigned long)len;
	unsigned short wk = w->idx;

	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_SHORT;
	b[0].buffer = &wk;
	b[0].is_unsigned = 1;
	b[1].buffer_type = MYSQL_TYPE_STRING;
	b[1].buffer = (void *)kind;
	b[1].buffer_length = klen;
	b[1].length = &klen;
	b[2].buffer_type = MYSQL_TYPE_BLOB;
	b[2].buffer = (void *)payload;
	b[2].buffer_length = plen;
	b[2].length = &plen;
	if (mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0) {
		db_failed(w, st, "insert");
		return 0;
	}
	return (unsigned long long)mysql_stmt_insert_id(st);
}

struct row {
	unsigned long long	 id;
	unsigned short		 worker;
	char			 kind[17];
	unsigned long		 kind_len, payload_len;
	char			 payload[PAYLOAD_MAX + 1];
};

/* SELECT of row `id`; 1 found, 0 none, -1 error. */
static int
db_select(struct worker *w, unsigned long long id, struct row *r)
{
	MYSQL_STMT *st = w->sel;
	MYSQL_BIND p, b[4];
	int rc, found = 0;

	memset(&p, 0, sizeof(p));
	p.buffer_type = MYSQL_TYPE_LONGLONG;
	p.buffer = &id;
	p.is_unsigned = 1;
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_LONGLONG;
	b[0].buffer = &r->id;
	b[0].is_unsigned = 1;
	b[1].buffer_type = MYSQL_TYPE_SHORT;
	b[1].buffer = &r->worker;
	b[1].is_unsigned = 1;
	b[2].buffer_type = MYSQL_TYPE_STRING;
	b[2].buffer = r->kind;
	b[2].buffer_length = sizeof(r->kind) - 1;
	b[2].length = &r->kind_len;
	b[3].buffer_type = MYSQL_TYPE_BLOB;
	b[3].buffer = r->payload;
	b[3].buffer_length = sizeof(r->payload) - 1;
	b[3].length = &r->payload_len;
	if (mysql_stmt_bind_param(st, &p) != 0 || mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_bind_result(st, b) != 0) {
		db_failed(w, st, "select");
		return -1;
	}
	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED)
		found = 1;
	if (rc != MYSQL_NO_DATA) {
		db_failed(w, st, "fetch");
		return -1;
	}
	mysql_stmt_free_result(st);
	if (found) {
		if (r->kind_len >= sizeof(r->kind))
			r->kind_len = sizeof(r->kind) - 1;
		r->kind[r->kind_len] = '\0';
	}
	return found;
}

/* ---- requests ---------------------------------------------------------- */

static void
answer(struct worker *w, const char *status, const char *body)
{
	char buf[512];
	int n;

	/* formatted here: libfcgi's own FCGX_FPrintF knows no %zu */
	n = snprintf(buf, sizeof(buf), "Status: %s\r\nContent-Type: application/json\r\n"
	    "Cache-Control: no-store\r\nContent-Length: %zu\r\n\r\n%s", status,
	    strlen(body), body);
	if (n > 0 && (size_t)n < sizeof(buf))
		FCGX_PutStr(buf, n, w->fcgx.out);
}

/* The request path: DOCUMENT_URI (what nginx/fastcgi_xueji_params
 * sends), else SCRIPT_NAME, else REQUEST_URI up to '?'; into buf. */
static const char *
req_path(FCGX_ParamArray env, char *buf, size_t cap)
{
	const char *p;
	size_t n;

	if ((p = FCGX_GetParam("DOCUMENT_URI", env)) != NULL && *p)
		return p;
	if ((p = FCGX_GetParam("SCRIPT_NAME", env)) != NULL && *p)
		return p;
	if ((p = FCGX_GetParam("REQUEST_URI", env)) == NULL)
		return "";
	n = strcspn(p, "?");
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* The request body, its first PAYLOAD_MAX bytes kept in w->body; the
 * rest (up to BODY_MAX) read and dropped. */
static size_t
read_body(struct worker *w)
{
	char junk[4096];
	size_t kept = 0, total = 0;
	int n;

	while (kept < PAYLOAD_MAX &&
	    (n = FCGX_GetStr(w->body + kept, (int)(PAYLOAD_MAX - kept), w->fcgx.in)) > 0)
		kept += (size_t)n;
	while (total < BODY_MAX && (n = FCGX_GetStr(junk, (int)sizeof(junk), w->fcgx.in)) > 0)
		total += (size_t)n;
	if (kept > PAYLOAD_MAX)
		kept = PAYLOAD_MAX;
	w->body[kept] = '\0';
	return kept;
}

static void
handle(struct worker *w)
{
	char pbuf[256], out[256];
	const char *path = req_path(w->fcgx.envp, pbuf, sizeof(pbuf));
	const char *method = FCGX_GetParam("REQUEST_METHOD", w->fcgx.envp);
	int get = method && strcmp(method, "GET") == 0;
	int post = method && strcmp(method, "POST") == 0;

	if (strcmp(path, "/bench/fcgi/none") == 0) {
		if (!get)
			answer(w, "405 Method Not Allowed", "{\"error\":\"method_not_allowed\"}");
		else
			answer(w, "200 OK", "{\"status\":\"ok\",\"bench\":\"fcgi\"}");
	} else if (strcmp(path, "/bench/fcgi/select") == 0) {
		struct row r;
		int rc;

		if (!get) {
			answer(w, "405 Method Not Allowed", "{\"error\":\"method_not_allowed\"}");
			return;
		}
		if (db_ensure(w) != 0 || (rc = db_select(w, seed_id, &r)) < 0) {
			answer(w, "503 Service Unavailable", "{\"error\":\"db_unavailable\"}");
			return;
		}
		if (rc == 0) {
			answer(w, "404 Not Found", "{\"error\":\"not_found\"}");
			return;
		}
		snprintf(out, sizeof(out), "{\"id\":%llu,\"worker\":%u,\"kind\":\"%s\",\"bytes\":%lu}",
		    r.id, (unsigned)r.worker, r.kind, r.payload_len);
		answer(w, "200 OK", out);
	} else if (strcmp(path, "/bench/fcgi/insert") == 0) {
		unsigned long long id;
		const char *pl = w->payload;
		size_t len;

		if (!get && !post) {
			answer(w, "405 Method Not Allowed", "{\"error\":\"method_not_allowed\"}");
			return;
		}
		if (post && (len = read_body(w)) > 0)
			pl = w->body;
		else {
			/* 200 bytes: a per-thread counter and a filler */
			int n = snprintf(w->payload, sizeof(w->payload), "w%u-%llu-", (unsigned)w->idx,
			    ++w->seq);
			for (len = (size_t)n; len < FILLER_LEN; len++)
				w->payload[len] = (char)('a' + len % 26);
			w->payload[len] = '\0';
		}
		if (db_ensure(w) != 0 || (id = db_insert(w, w->ins, "insert", pl, len)) == 0) {
			answer(w, "503 Service Unavailable", "{\"error\":\"db_unavailable\"}");
			return;
		}
		snprintf(out, sizeof(out), "{\"id\":%llu}", id);
		answer(w, "201 Created", out);
	} else
		answer(w, "404 Not Found", "{\"error\":\"not_found\"}");
}

/* ---- threads ------------------------------------------------------------ */

static int
wait_setup(struct worker *w)
{
	struct epoll_event l = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = listen_fd };
	struct epoll_event s = { .events = EPOLLIN, .data.fd = stop_pipe[0] };

	if ((w->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -1;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, stop_pipe[0], &s) != 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, listen_fd, &l) != 0) {
		close(w->epfd);
		w->epfd = -1;
		return -1;
	}
	return 0;
}

/* 1: a connection may be waiting; 0: stop. */
static int
wait_ready(struct worker *w)
{
	struct epoll_event ev[2];
	int n;

	for (;;) {
		if ((n = epoll_wait(w->epfd, ev, 2, -1)) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		for (int i = 0; i < n; i++)
			if (ev[i].data.fd == stop_pipe[0])
				return 0;
		if (n > 0)
			return 1;
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	int draining = 0;

	mysql_thread_init();
	(void)db_ensure(w);	/* early, so the first request is fast; may fail */
	for (;;) {
		int rc;

		/* after the stop, serve what is queued, then leave */
		if (!wait_ready(w))
			draining = 1;
		rc = FCGX_Accept_r(&w->fcgx);
		if (rc < 0) {
			if (draining)
				break;
			if (rc != -EAGAIN && rc != -EWOULDBLOCK)
				logmsg("accept failed: %d", rc);
			continue;
		}
		handle(w);
		FCGX_Finish_r(&w->fcgx);
	}
	FCGX_Free(&w->fcgx, 1);
	close(w->epfd);
	db_close(w);
	mysql_thread_end();
	return NULL;
}

/* ---- start -------------------------------------------------------------- */

static void
read_password(const char *file)
{
	FILE *f = fopen(file, "r");

	if (f == NULL)
		die("cannot open password file", file);
	if (fgets(password, sizeof(password), f) == NULL)
		password[0] = '\0';
	fclose(f);
	password[strcspn(password, "\r\n")] = '\0';
	have_password = 1;
}

/* bench_ceiling exists, and the row the SELECT route reads. */
static void
setup_table(void)
{
	struct worker w;
	MYSQL_STMT *st;
	char seed[FILLER_LEN + 1];

	memset(&w, 0, sizeof(w));
	if ((w.my = db_connect()) == NULL)
		die("setup", "no database connection");
	if ((st = prepare(w.my, SQL_CREATE)) == NULL || mysql_stmt_execute(st) != 0)
		die("setup", st ? mysql_stmt_error(st) : "prepare CREATE TABLE");
	mysql_stmt_close(st);
	if ((w.ins = prepare(w.my, SQL_INSERT)) == NULL)
		die("setup", "prepare INSERT");
	memset(seed, 's', FILLER_LEN);
	seed[FILLER_LEN] = '\0';
	if ((seed_id = db_insert(&w, w.ins, "seed", seed, FILLER_LEN)) == 0)
		die("setup", "seed row");
	db_close(&w);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: fcgiceil --listen PATH [--threads N] [--socket SOCK] [--user USER]\n"
	    "                [--password-file FILE] [--db NAME]\n");
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "socket", required_argument, NULL, 'S' },
		{ "user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *o_listen = NULL;
	int nthreads = 32, ch, fl;
	struct worker *w;
	sigset_t set;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		switch (ch) {
		case 'l': o_listen = optarg; break;
		case 't': nthreads = atoi(optarg); break;
		case 'S': o_socket = optarg; break;
		case 'u': o_user = optarg; break;
		case 'p': read_password(optarg); break;
		case 'd': o_db = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	if (optind != argc || o_listen == NULL || o_listen[0] != '/' || nthreads < 1 ||
	    nthreads > 1024) {
		usage(stderr);
		return 2;
	}

	/* signals go to the main thread only, through sigwait */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (mysql_library_init(0, NULL, NULL) != 0)
		die("init", "mysql_library_init");
	if (FCGX_Init() != 0)
		die("init", "FCGX_Init");
	setup_table();
	if (pipe2(stop_pipe, O_CLOEXEC) != 0)
		die("pipe", strerror(errno));
	unlink(o_listen);	/* a stale socket of a previous run */
	if ((listen_fd = FCGX_OpenSocket(o_listen, 1024)) < 0)
		die("cannot listen on", o_listen);
	if (chmod(o_listen, 0666) != 0 ||
	    (fl = fcntl(listen_fd, F_GETFL)) < 0 ||
	    fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) != 0)
		die("listener", strerror(errno));

	if ((w = calloc((size_t)nthreads, sizeof(*w))) == NULL)
		die("oom", "workers");
	for (int i = 0; i < nthreads; i++) {
		w[i].idx = (unsigned short)i;
		if (FCGX_InitRequest(&w[i].fcgx, listen_fd, 0) != 0)
			die("oom", "FCGX_InitRequest");
		if (wait_setup(&w[i]) != 0)
			die("epoll", strerror(errno));
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			die("pthread_create", strerror(errno));
	}
	logmsg("listening on %s, %d threads, seed row %llu", o_listen, nthreads, seed_id);

	for (;;) {
		int sig;

		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	/* new connections now fail at connect; queued ones are served */
	unlink(o_listen);
	if (write(stop_pipe[1], "x", 1) != 1)
		abort();
	for (int i = 0; i < nthreads; i++)
		pthread_join(w[i].tid, NULL);
	free(w);
	close(listen_fd);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	explicit_bzero(password, sizeof(password));
	mysql_library_end();
	logmsg("stopped (%ld database errors)", atomic_load(&nerrors));
	return 0;
}
