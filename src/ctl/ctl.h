/* ctl.h -- xuejictl's commands as data: a row per command (name, what it
 * needs, the function, its usage lines), one walker in xuejictl.c that
 * loads the configuration, connects and runs the row. Each command parses
 * its own options from (argc, argv), argv[0] being the command's name, and
 * prints what it did; 0 ok, 2 usage error, other non-zero failure with a
 * message on stderr. Add a command: a row in xj_ctl_cmds (xuejictl.c) and
 * its code in its own file under src/ctl/. */
#ifndef XJ_CTL_H
#define XJ_CTL_H

#include <stdio.h>

#include "core/conf.h"
#include "db/db.h"

enum {
	XJ_CTL_CONF	= 1 << 0,	/* loads the configuration and its secrets */
	XJ_CTL_ADMIN	= 1 << 1,	/* connected as [admin_db] user (schema owner) */
	XJ_CTL_APP	= 1 << 2,	/* connected as [db] user (the application's) */
};

struct xj_keys;

struct xj_ctl {
	const char	*conf_file;
	const char	*sql_dir;	/* --sql-dir, or NULL: [paths] sql_dir */
	struct xj_conf	 conf;
	struct xj_db	 db;		/* connected when the row asks for it */
};

struct xj_ctl_cmd {
	const char	*name;
	unsigned	 flags;		/* XJ_CTL_* */
	int		(*run)(struct xj_ctl *, int argc, char **argv);
	const char	*usage;		/* "  name ARGS   what it does\n" lines */
};

extern const struct xj_ctl_cmd xj_ctl_cmds[];

/* getopt_long over a command's own arguments (argv[0] = its name);
 * resets getopt's state first. */
int	xj_ctl_getopt(int argc, char **argv, const char *shortopts,
	    const void *longopts);
/* A command's usage line(s) on stderr; returns 2. */
int	xj_ctl_usage(const char *name);
/* "--days 7" style integer options: 0 ok, -1 (message printed) when s is
 * not a decimal integer in [min, max]. */
int	xj_ctl_int(const char *cmd, const char *opt, const char *s, long min,
	    long max, long *out);

/* admin.c */
int	xj_ctl_keygen(struct xj_ctl *, int, char **);
int	xj_ctl_migrate(struct xj_ctl *, int, char **);
int	xj_ctl_window_set_cmd(struct xj_ctl *, int, char **);
int	xj_ctl_age_set_cmd(struct xj_ctl *, int, char **);
int	xj_ctl_purge_keys(struct xj_ctl *, int, char **);
int	xj_ctl_grant_app_cmd(struct xj_ctl *, int, char **);
int	xj_ctl_seed_demo_cmd(struct xj_ctl *, int, char **);
/* rekey.c */
int	xj_ctl_rekey(struct xj_ctl *, int, char **);
/* staffcreate.c */
int	xj_ctl_staff_create(struct xj_ctl *, int, char **);
/* orgimport.c: `org import` (issue 15 item 6) */
int	xj_ctl_org(struct xj_ctl *, int, char **);
/* jobs.c */
int	xj_ctl_jobs(struct xj_ctl *, int, char **);
/* The runner's key ring for every job: loaded on first use, read again
 * when a key file changed (checked once a second, or now when recheck).
 * NULL when it cannot be read at all. */
const struct xj_keys *xj_ctl_job_keys(struct xj_ctl *, int recheck);
/* The runner's reference data for one batch (released when a is reset or
 * freed), read again from the database when older than ten minutes. NULL
 * when it cannot be read at all. */
struct xj_arena;
struct xj_refdata;
const struct xj_refdata *xj_ctl_job_ref(struct xj_ctl *, struct xj_arena *a);
/* audit.c: `audit verify`, and one batch of the jobs runner's audit-seal */
int	xj_ctl_audit(struct xj_ctl *, int, char **);
int	xj_ctl_audit_seal_batch(struct xj_ctl *, long *done);
int	xj_ctl_audit_keygen(const char *dir);
/* exchangekeygen.c: `exchange-keygen` (issue 13: the ministry exchange's key pair) */
int	xj_ctl_exchange_keygen(struct xj_ctl *, int, char **);
/* exchangeout.c (issue 13 items 4-5): `exchange export-batch|import-batch`,
 * the outbox's producer (job exchange-batch) and its overdue alert (job
 * exchange-outbox-alert) */
int	xj_ctl_exchange(struct xj_ctl *, int, char **);
int	xj_ctl_job_exchange_batch(struct xj_ctl *, long *done);
int	xj_ctl_job_exchange_alert(struct xj_ctl *, long *done);
/* our exchange signing key, loaded once ([exchange] signing_key_file);
 * NULL (logged) when it cannot be loaded */
struct xj_xkey;
const struct xj_xkey *xj_ctl_exchange_key(const struct xj_conf *);
/* exchangesign.c (issue 13 item 7): job exchange-sign */
int	xj_ctl_job_exchange_sign(struct xj_ctl *, long *done);
/* exchangeretention.c (session 7, ops): the exchange's retention jobs */
int	xj_ctl_job_exchange_outbox_purge(struct xj_ctl *, long *done);
int	xj_ctl_job_exchange_inbox_purge(struct xj_ctl *, long *done);
/* issue 13 item 7: the province's graduate-move windows (xmove.c) */
int	xj_ctl_graduate_move_window(struct xj_ctl *, int, char **);
/* verifydoc.c: `verify-document` (certificates of student status), and
 * keygen's document key pair doc_sign.key / doc_verify.pem */
int	xj_ctl_verify_document(struct xj_ctl *, int, char **);
int	xj_ctl_doc_keygen(const char *dir);

/* grant.c: the application user's rights per table, the map grant-app
 * grants from (tests/unit/grants.c checks it against store/sql.h) */
struct xj_ctl_grant {
	const char	*table;
	const char	*privs;		/* "SELECT, INSERT (col, ...), UPDATE, DELETE" */
};
extern const struct xj_ctl_grant xj_ctl_grants[];
extern const size_t xj_ctl_ngrants;
/* the jobs' batches (one file each) */
int	xj_ctl_job_claim_release(struct xj_ctl *, long *done);	/* claimrelease.c */
/* retention.c (issue 10, H: PIPL retention) */
int	xj_ctl_retention(struct xj_ctl *, int, char **);
int	xj_ctl_retention_batch(struct xj_ctl *, int months, long *done);
/* sms.c: jobs of the runner (one bounded batch each) */
int	xj_ctl_job_sms_deliver(struct xj_ctl *, long *done);
int	xj_ctl_job_sms_purge(struct xj_ctl *, long *done);
/* workflow.c (issue 11): the tick and the transfer freezes */
int	xj_ctl_workflow(struct xj_ctl *, int, char **);
int	xj_ctl_transfer_freeze(struct xj_ctl *, int, char **);

/* provwin.c: one body for the commands that keep a province's dated
 * policy windows (transfer-freeze, graduate-move-window): set, lift,
 * list, audited */
struct xj_db;
struct xj_ctl_provwin {
	const char	*cmd;		/* "transfer-freeze" */
	const char	*actor;		/* the audit actor's role */
	const char	*audit_set, *audit_lift, *target_type;
	const char	*what;		/* "freeze": "no freeze of ... starts on" */
	const char	*set_says;	/* "no new transfers in": "<it> <province> from .. to .." */
	int	(*set)(struct xj_db *, const char *province, const char *from, const char *to,
		    const char *reason);
	int	(*del)(struct xj_db *, const char *province, const char *from);
	int	(*list)(struct xj_db *, void (*fn)(const char *province, const char *from,
		    const char *to, const char *reason, void *arg), void *arg);
};
int	xj_ctl_provwin(struct xj_ctl *, int, char **, const struct xj_ctl_provwin *);
/* keyfields.c (issue 12 item 4, R-KEY-1): the controlled fields per level */
int	xj_ctl_key_fields(struct xj_ctl *, int, char **);
/* gradechange.c: `grade-change` (issue 11 item 6, seed 002 §四) */
int	xj_ctl_grade_change(struct xj_ctl *, int, char **);
int	xj_ctl_job_workflow_tick(struct xj_ctl *, long *done);
/* yearend.c: one chunk of a running year-end batch (issue 11 item 8) */
int	xj_ctl_job_yearend(struct xj_ctl *, long *done);
/* problemindex.c: issue 12, person_bidx of records before 0024 */
int	xj_ctl_job_problem_person(struct xj_ctl *, long *done);

/* calendar.c (issue 11 item 3): `calendar import|status`; one file, or
 * every *.csv of a directory in name order (seed-demo); 0 ok, else the
 * errors were printed */
int	xj_ctl_calendar(struct xj_ctl *, int, char **);
int	xj_ctl_calendar_import_file(struct xj_db *, const char *path, const char *source);
int	xj_ctl_calendar_import_dir(struct xj_db *, const char *dir, int *files);

/* the work behind the commands */
int	xj_ctl_grant_app(struct xj_db *, const struct xj_conf *, const char *host);
int	xj_ctl_seed_demo(struct xj_db *, const struct xj_conf *, const char *password);
int	xj_ctl_window_set(struct xj_db *, int year, const char *division,
	    const char *opens, const char *closes);
int	xj_ctl_age_set(struct xj_db *, const char *province, int min_age, const char *cutoff);

#endif
