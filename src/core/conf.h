/* conf.h -- configuration: one INI file, every key in one table with its
 * default and documentation (PgBouncer's CF_ABS table), each overridable by
 * an environment variable XUEJI_<SECTION>_<KEY> (upper case). Secrets (DB
 * password, HMAC and encryption keys) are never in the file itself: the
 * file names other files, which must not be readable by group or others. */
#ifndef XJ_CONF_H
#define XJ_CONF_H

#include <stddef.h>

#define XJ_CONF_STR	256

struct xj_conf {
	/* [server] */
	char	listen[XJ_CONF_STR];
	char	portal[16];
	char	environment[16];
	int	threads;
	int	backlog;
	long	body_limit;
	int	json_max_depth;
	long	json_max_nodes;
	long	arena_size;
	/* [db] */
	char	db_host[XJ_CONF_STR];
	int	db_port;
	char	db_socket[XJ_CONF_STR];
	char	db_name[64];
	char	db_user[64];
	char	db_password_file[XJ_CONF_STR];
	char	db_ssl_ca[XJ_CONF_STR];
	char	db_ssl_cert[XJ_CONF_STR];
	char	db_ssl_key[XJ_CONF_STR];
	int	db_connect_timeout;
	int	db_read_timeout;
	int	db_write_timeout;
	int	db_tx_retries;
	int	db_lock_wait_timeout;
	int	db_retry_after;
	int	db_health_write_timeout;
	/* [admin_db] */
	char	admin_user[64];
	char	admin_password_file[XJ_CONF_STR];
	/* [security] */
	char	session_key_file[XJ_CONF_STR];
	char	csrf_key_file[XJ_CONF_STR];
	char	blind_key_file[XJ_CONF_STR];
	char	sms_key_file[XJ_CONF_STR];
	char	hmac_key_file[XJ_CONF_STR];
	char	enc_key_file[XJ_CONF_STR];
	int	scrypt_log2n;
	int	scrypt_r;
	int	scrypt_p;
	char	psb_key_file[XJ_CONF_STR];
	int	parent_idle;
	int	parent_absolute;
	int	staff_idle;
	int	staff_absolute;
	int	parent_max_failures;
	int	parent_lockout;
	int	staff_max_failures;
	int	staff_lockout;
	char	staff_totp_required[64];	/* org kinds, comma-separated */
	int	hash_slots;
	int	signin_slots;
	/* [collection] */
	int	psb_lease;
	int	psb_window;
	int	psb_batch_max;
	int	idempotency_retention;	/* hours (issue 10, H3) */
	/* [claims] (issue 10, review H1, M1a) */
	int	mismatch_release_days;
	int	claim_lookups_per_hour;
	/* [parent] (issue 10, A: per-account limits) */
	int	max_regs_per_year;
	int	reg_rate;
	int	reg_rate_window;
	/* [sms] (issue 10, A: phone ownership; docs/sms.md) */
	char	sms_gateway_url[XJ_CONF_STR];
	char	sms_credentials_file[XJ_CONF_STR];
	char	sms_sign_name[64];
	int	sms_connect_timeout_ms;
	int	sms_timeout_ms;
	int	sms_max_attempts;
	int	sms_backoff_base;
	int	sms_backoff_max;
	int	sms_batch;
	int	sms_keep_days;
	int	sms_code_ttl;
	int	sms_code_tries;
	int	sms_phone_interval;
	int	sms_phone_hourly;
	int	sms_addr_hourly;
	/* [admission] */
	int	decide_budget_ms;
	/* [evidence] (issue 12 item 3) */
	int	evidence_max_files;
	long	evidence_max_bytes;
	/* [yearend] (issue 11 item 8) */
	int	yearend_chunk;
	/* [audit] */
	char	audit_signing_key_file[XJ_CONF_STR];
	char	audit_verify_key_file[XJ_CONF_STR];
	int	audit_seal_after;
	int	audit_seal_batch;
	/* [documents] (certificates of student status, R-REC-7) */
	char	documents_signing_key_file[XJ_CONF_STR];
	/* [privacy] */
	int	retention_months;
	/* [calendar] (issue 11 item 3) */
	char	calendar_today[16];	/* "" or YYYY-MM-DD: alerts' today, not in production */
	/* [log] */
	char	log_level[16];
	/* [paths] */
	char	sql_dir[XJ_CONF_STR];
	char	calendar_dir[XJ_CONF_STR];
	char	xsd_dir[XJ_CONF_STR];		/* issue 13: the exchange's XSDs */
	/* [exchange] (issue 13: the ministry exchange, docs/xml/README.md) */
	char	exchange_org_code[24];
	char	exchange_signing_key_file[XJ_CONF_STR];
	char	exchange_signing_key_id[72];
	char	exchange_peer_keys_file[XJ_CONF_STR];
	long	exchange_message_limit;
	int	exchange_xml_max_depth;
	long	exchange_xml_text_max;
	long	exchange_xml_max_nodes;
	int	exchange_outbox_deadline;	/* issue 13 item 4: seconds */
	long	exchange_outbox_page_bytes;
	int	exchange_batch_records;
	/* session 7 (ops): retention of the exchange's rows, days */
	int	exchange_outbox_retention_days;
	int	exchange_inbox_retention_days;

	/* session 7 (capcase): a school's cross-province starts still
	 * waiting for the other side's first answer (school/xmove.c) */
	int	xprovince_unanswered_max;

	/* loaded from the secret files, not from the INI */
	char	db_password[128];
	char	admin_password[128];
};

struct xj_conf_key {
	const char	*section;
	const char	*key;
	int		 type;		/* XJ_CT_* */
	size_t		 off;
	size_t		 size;		/* STR: buffer size */
	long		 min, max;	/* INT/LONG */
	const char	*def;
	const char	*doc;
};
enum { XJ_CT_STR, XJ_CT_INT, XJ_CT_LONG };

extern const struct xj_conf_key xj_conf_keys[];

/* Defaults, then the file (if path is not NULL), then the environment.
 * Returns 0, or -1 with a message in err (file, line, key, reason). */
int	xj_conf_load(struct xj_conf *, const char *path, char *err, size_t errlen);
/* Parse INI text (the file's content); used by xj_conf_load and tests. */
int	xj_conf_parse(struct xj_conf *, const char *text, const char *name,
	    char *err, size_t errlen);
int	xj_conf_set(struct xj_conf *, const char *section, const char *key,
	    const char *value, char *err, size_t errlen);
void	xj_conf_defaults(struct xj_conf *);
/* Read a secret file: regular file, mode without group/other bits, at
 * most cap-1 bytes; trailing whitespace trimmed. 0 or -1 with err. */
int	xj_conf_read_secret(const char *path, char *out, size_t cap,
	    char *err, size_t errlen);
/* Load the [db] password named by the config (empty path = no password)
 * and, with admin set (xuejictl), the [admin_db] one. */
int	xj_conf_load_secrets(struct xj_conf *, int admin, char *err, size_t errlen);
/* Print every key with its default and doc (xuejid --help-config). */
void	xj_conf_print_keys(void);

#endif
