/* xuejid.c -- the FastCGI worker. T threads, each with its own
 * FCGX_Request, arena, JSON generator and MariaDB connection, wait on one
 * listening socket (its own --listen, or the one inherited on fd 0 from
 * spawn-fcgi/systemd). Nothing a later request needs stays in the process
 * except read-only reference data, so any worker on any host can serve
 * any request. SIGTERM/SIGINT stop accepting and let in-flight requests
 * finish; SIGHUP reloads the reference data. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcgiapp.h>
#include <mysql.h>
#include <yajl/yajl_gen.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/dispatch.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "auth/auth.h"
#include "crypto/keys.h"
#include "crypto/kmac.h"
#include "db/db.h"
#include "store/refdata.h"
#include "store/schema.h"
#include "store/sql.h"
#include "parent/parent.h"
#include "psb/psb.h"
#include "exchange/exchange.h"
#include "school/school.h"
#include "system/system.h"

struct worker {
	pthread_t	 tid;
	int		 idx;
	FCGX_Request	 fcgx;
	struct xj_arena	*arena;
	struct xj_db	 db;
	yajl_gen	 gen;
	int		 epfd;		/* this thread's: listener + stop pipe */
};

static struct xj_conf conf;
static struct xj_keys keys;
static struct xj_dispatch disp;
static int listen_fd = -1;
static int stop_pipe[2] = { -1, -1 };
static const struct xj_route *tables[8];

static void
usage(FILE *f)
{
	fprintf(f,
"usage: xuejid [-c FILE] [--listen ADDR] [--portal NAME] [--threads N]\n"
"       xuejid --check-config [-c FILE]\n"
"       xuejid --help | --help-config | --print-access-policy | --version\n"
"\n"
"The Xueji FastCGI worker. It serves the parent portal, the school and\n"
"bureau portal, the ministry XML exchange and the public-security\n"
"callbacks behind nginx, on MariaDB.\n"
"\n"
"  -c, --config FILE   INI configuration (docs/xueji.conf.example); every key\n"
"                      may be overridden by XUEJI_<SECTION>_<KEY> in the\n"
"                      environment, and these options override both\n"
"      --listen ADDR   unix socket path, :port or host:port to bind; without it\n"
"                      the socket passed by systemd (LISTEN_FDS, fd 3) or else\n"
"                      the FastCGI socket inherited on fd 0 is used\n"
"      --portal NAME   parent, school, exchange, psb, auth (the sign-in pool:\n"
"                      parent and school routes) or all: the routes served\n"
"                      (/healthz, /api/version and /api/ref/ always)\n"
"      --threads N     worker threads (default: 2 x CPU cores)\n"
"      --check-config  load configuration, secrets and keys, then exit\n"
"      --help-config   print every configuration key with its default\n"
"      --print-access-policy\n"
"                      print the school portal's access policy, one staff route\n"
"                      a line: method, path, action, org kinds, roles, scope\n"
"\n"
"Signals: TERM/INT finish in-flight requests and exit; HUP reloads the\n"
"reference data (divisions, ethnicities, document types).\n"
"Logs: one JSON object per line on stderr.\n");
}

static void
die(const char *what, const char *detail)
{
	xj_log(XJ_LOG_ERROR, what, "%s", "detail", detail);
	exit(1);
}

/* The socket a supervisor passed: systemd's LISTEN_FDS protocol (fd 3,
 * when LISTEN_PID is this process: a .socket unit without
 * StandardInput=socket) or the FastCGI convention of fd 0 (spawn-fcgi,
 * StandardInput=socket). The variables are removed so that no child
 * takes them for its own. */
static int
inherited_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	int fd = 0;

	if (pid != NULL && n != NULL && atol(pid) == (long)getpid() && atoi(n) >= 1) {
		if (atoi(n) > 1)
			xj_log(XJ_LOG_WARN, "listen_fds", "%s%s", "detail",
			    "more than one socket passed; serving the first (fd 3)",
			    "LISTEN_FDS", n);
		fd = 3;
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return fd;
}

static int
open_listener(const char *addr)
{
	struct stat st;
	int fd, fl;

	if (addr[0] == '\0') {
		fd = inherited_fd();
		if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
			die("no_socket", fd == 0 ?
			    "no --listen given, no LISTEN_FDS and fd 0 is not a socket" :
			    "LISTEN_FDS names fd 3, which is not a socket");
	} else {
		if (addr[0] == '/')
			unlink(addr);	/* a stale socket of a previous run */
		if ((fd = FCGX_OpenSocket(addr, conf.backlog)) < 0)
			die("listen_failed", addr);
		/* nginx may run as another user; the socket's directory is
		 * what keeps strangers out (docs/operations.md) */
		if (addr[0] == '/' && chmod(addr, 0666) != 0)
			die("listen_chmod_failed", addr);
	}
	/* Non-blocking, so that threads can poll it together with the stop
	 * pipe: a thread that loses the race for a connection gets EAGAIN
	 * and polls again. Accepted connections are blocking (Linux accept
	 * does not inherit O_NONBLOCK). */
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die("listen_nonblock_failed", strerror(errno));
	return fd;
}

/* Each thread waits on its own epoll set: the listener with
 * EPOLLEXCLUSIVE, so that a connection wakes one idle thread and not all
 * of them (with poll() every connection woke every idle thread: the
 * profile of the status poll showed ~40% of the worker's CPU in the
 * scheduler, docs/benchmarks.md), and the stop pipe without it, so that
 * the stop wakes everyone. The pipe is never drained. */
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

/* Wait for a connection or the stop signal: 1 ready, 0 stop. */
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
	struct xj_req r;

	int draining = 0;

	mysql_thread_init();
	xj_db_ensure(&w->db);	/* early, so the first request is fast; may fail */
	for (;;) {
		int rc;
		/* After the stop signal, keep taking connections that are
		 * already queued (nginx sent them before the socket was
		 * unlinked), and leave when the queue is empty. */
		if (!wait_ready(w))
			draining = 1;
		rc = FCGX_Accept_r(&w->fcgx);
		if (rc < 0) {
			if (draining)
				break;
			if (rc != -EAGAIN && rc != -EWOULDBLOCK)
				xj_log(XJ_LOG_WARN, "accept_failed", "%d", "rc", rc);
			continue;
		}
		xj_req_init(&r, &w->fcgx, w->arena, &w->db, w->gen);
		xj_log_set_request(r.id);
		xj_dispatch_run(&disp, &r);
		FCGX_Finish_r(&w->fcgx);
		if (w->db.in_tx)	/* a handler bug must not leak a transaction */
			xj_db_rollback(&w->db);
		xj_log_set_request(NULL);
		xj_arena_reset(w->arena);
	}
	FCGX_Free(&w->fcgx, 1);
	close(w->epfd);
	xj_db_fini(&w->db);
	mysql_thread_end();
	return NULL;
}

/* Who is calling: the exchange's signature (exchange/ is above auth/'s
 * reach), every other role through auth/. */
static int
auth_hook(struct xj_req *r, int role)
{
	return role == XJ_ROLE_EXCHANGE ? xj_exchange_verify(r) : xj_auth_check(r, role);
}

static void
reload_refdata(struct xj_db *db)
{
	int rc = xj_ref_reload(db);

	if (rc != XJ_OK)
		xj_log(XJ_LOG_WARN, "refdata_reload_failed", "%s", "error",
		    xj_err_info(rc)->code);
	xj_db_drop(db);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "portal", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "help-config", no_argument, NULL, 'H' },
		{ "print-access-policy", no_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfile = NULL, *o_listen = NULL, *o_portal = NULL, *o_threads = NULL;
	int check_only = 0, ch, nthreads, portal, nt = 0, lvl;
	char err[512];
	struct worker *w;
	struct xj_db mdb;
	sigset_t set;

	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1)
		switch (ch) {
		case 'c': cfile = optarg; break;
		case 'l': o_listen = optarg; break;
		case 'p': o_portal = optarg; break;
		case 't': o_threads = optarg; break;
		case 'C': check_only = 1; break;
		case 'h': usage(stdout); return 0;
		case 'H': xj_conf_print_keys(); return 0;
		case 'P':
			if (xj_school_policy_check(xj_school_routes, err, sizeof(err)) != 0)
				die("config_error", err);
			xj_school_policy_print(stdout);
			return 0;
		case 'V': printf("xuejid %s (schema %d)\n", PACKAGE_VERSION, XJ_SCHEMA_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (xj_conf_load(&conf, cfile, err, sizeof(err)) != 0 ||
	    (o_listen && xj_conf_set(&conf, "server", "listen", o_listen, err, sizeof(err)) != 0) ||
	    (o_portal && xj_conf_set(&conf, "server", "portal", o_portal, err, sizeof(err)) != 0) ||
	    (o_threads && xj_conf_set(&conf, "server", "threads", o_threads, err, sizeof(err)) != 0))
		die("config_error", err);
	if ((lvl = xj_log_level_parse(conf.log_level)) < 0)
		die("config_error", "[log] level must be debug, info, warn or error");
	xj_log_init((enum xj_loglevel)lvl);
	if ((portal = xj_portal_parse(conf.portal)) < 0)
		die("config_error", "[server] portal must be parent, school, exchange, psb, auth or all");
	if (xj_conf_load_secrets(&conf, 0, err, sizeof(err)) != 0 ||
	    xj_keys_load(&conf, &keys, err, sizeof(err)) != 0 ||
	    xj_auth_init(&conf, &keys, (portal & XJ_P_PSB) != 0, err, sizeof(err)) != 0)
		die("secret_error", err);
	/* the document key (certificates of student status): a key named
	 * but unreadable stops the start, like every other secret */
	if ((portal & XJ_P_SCHOOL) && xj_school_scert_init(&conf, err, sizeof(err)) != 0)
		die("secret_error", err);
	/* the exchange's keys and XSDs (issue 13): named but unreadable
	 * stops the start */
	if ((portal & XJ_P_EXCHANGE) && xj_exchange_init(&conf, err, sizeof(err)) != 0)
		die("secret_error", err);
	if (check_only) {
		xj_exchange_fini();
		printf("configuration ok\n");
		xj_school_scert_fini();
		xj_auth_fini();
		xj_keys_clear(&keys);
		return 0;
	}

	tables[nt++] = xj_system_routes;
	if (portal & XJ_P_PARENT)
		tables[nt++] = xj_parent_routes;
	if (portal & XJ_P_SCHOOL)
		tables[nt++] = xj_school_routes;
	if (portal & XJ_P_PSB)
		tables[nt++] = xj_psb_routes;
	if (portal & XJ_P_EXCHANGE)
		tables[nt++] = xj_exchange_routes;
	tables[nt] = NULL;
	xj_parent_setup(&conf);
	if (xj_school_setup(&conf, err, sizeof(err)) != 0)
		die("config_error", err);
	xj_psb_setup(&conf);
	xj_system_set_portal(conf.portal);
	disp.tables = tables;
	disp.auth = auth_hook;
	disp.policy = xj_school_policy;
	disp.refuse = xj_exchange_refuse;
	disp.leave = xj_auth_leave;
	disp.body_limit = (size_t)conf.body_limit;
	disp.json.max_depth = conf.json_max_depth;
	disp.json.max_nodes = (size_t)conf.json_max_nodes;
	disp.json.max_str = (size_t)conf.body_limit;
	xj_resp_set_retry_after(conf.db_retry_after);

	nthreads = conf.threads > 0 ? conf.threads : 2 * (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 2;

	/* Signals go to the main thread only, through sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	/* A fixed mmap threshold: blocks of 256 KiB and more (scrypt's
	 * 16 MiB, big response buffers) come from mmap and go back to the
	 * system when freed. glibc's default raises the threshold after the
	 * first such free, after which every thread that hashed kept its
	 * 16 MiB in its malloc arena: 32 threads of logins held 93 MiB
	 * (docs/benchmarks.md, "RSS"). Setting it turns that off. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	if (mysql_library_init(0, NULL, NULL) != 0)
		die("mysql_init_failed", "mysql_library_init");
	if (FCGX_Init() != 0)
		die("fcgi_init_failed", "FCGX_Init");
	if (pipe2(stop_pipe, O_CLOEXEC) != 0)
		die("pipe_failed", strerror(errno));
	listen_fd = open_listener(conf.listen);
	xj_ref_global_init();
	xj_db_init(&mdb, &conf, NULL, NULL, NULL, xj_store_sql, XJ_Q__COUNT);
	reload_refdata(&mdb);	/* the database may be down: loaded on first use then */

	if ((w = calloc((size_t)nthreads, sizeof(*w))) == NULL)
		die("oom", "workers");
	for (int i = 0; i < nthreads; i++) {
		w[i].idx = i;
		if ((w[i].arena = xj_arena_new((size_t)conf.arena_size)) == NULL ||
		    (w[i].gen = yajl_gen_alloc(NULL)) == NULL ||
		    xj_db_init(&w[i].db, &conf, NULL, NULL, NULL, xj_store_sql, XJ_Q__COUNT) != XJ_OK ||
		    FCGX_InitRequest(&w[i].fcgx, listen_fd, 0) != 0)
			die("oom", "worker setup");
		if (wait_setup(&w[i]) != 0)
			die("epoll_failed", strerror(errno));
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			die("thread_failed", strerror(errno));
	}
	xj_log(XJ_LOG_INFO, "started", "%s%s%d%s", "version", PACKAGE_VERSION,
	    "portal", conf.portal, "threads", nthreads, "listen",
	    conf.listen[0] ? conf.listen : "fd0");

	for (;;) {
		int sig;
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			xj_log(XJ_LOG_INFO, "reload", NULL);
			reload_refdata(&mdb);
		} else if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	xj_log(XJ_LOG_INFO, "stopping", "%d", "threads", nthreads);
	/* New connections now fail at connect, which nginx may safely retry
	 * on another worker; queued ones are still served. */
	if (conf.listen[0] == '/')
		unlink(conf.listen);
	if (write(stop_pipe[1], "x", 1) != 1)
		abort();
	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		yajl_gen_free(w[i].gen);
		xj_arena_free(w[i].arena);
	}
	free(w);
	xj_system_health_fini();
	xj_db_fini(&mdb);
	xj_ref_global_fini();
	if (listen_fd > 0)
		close(listen_fd);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	xj_auth_fini();
	xj_exchange_fini();
	xj_keys_clear(&keys);
	xj_kmac_clear();	/* the keyed MAC states derived from them */
	xj_school_stats_clear();
	xj_school_scert_fini();
	mysql_library_end();
	xj_log(XJ_LOG_INFO, "stopped", NULL);
	return 0;
}
