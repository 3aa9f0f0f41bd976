/* conf.c -- INI configuration with one key table (see conf.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

#ifndef XJ_SQL_DIR
#define XJ_SQL_DIR "/usr/local/share/xueji/sql"
#endif
#ifndef XJ_CALENDAR_DIR
#define XJ_CALENDAR_DIR "/usr/local/share/xueji/calendar"
#endif
#ifndef XJ_XSD_DIR
#define XJ_XSD_DIR "/usr/local/share/xueji/xml/v1"
#endif

#define S(f)	XJ_CT_STR, offsetof(struct xj_conf, f), sizeof(((struct xj_conf *)0)->f), 0, 0
#define I(f, lo, hi)	XJ_CT_INT, offsetof(struct xj_conf, f), 0, lo, hi
#define L(f, lo, hi)	XJ_CT_LONG, offsetof(struct xj_conf, f), 0, lo, hi

const struct xj_conf_key xj_conf_keys[] = {
	{ "server", "listen", S(listen), "",
	  "unix socket path or host:port to bind; empty: use the socket passed by systemd (LISTEN_FDS, fd 3) or else the FastCGI socket inherited on fd 0" },
	{ "server", "portal", S(portal), "all",
	  "routes this worker answers: parent, school, exchange, psb, auth (the sign-in pool, issue 16) or all (/healthz, /api/version and /api/ref/ always)" },
	{ "server", "environment", S(environment), "production",
	  "production or development; development allows demo data" },
	{ "server", "threads", I(threads, 0, 1024), "0",
	  "worker threads, each with its own FastCGI request and DB connection; 0 = 2 x CPU cores" },
	{ "server", "backlog", I(backlog, 1, 65535), "1024",
	  "listen backlog when the worker binds its own socket" },
	{ "server", "body_limit", L(body_limit, 1024, 64L << 20), "4194304",
	  "largest request body in bytes any route accepts (each route sets its own, smaller limit)" },
	{ "server", "json_max_depth", I(json_max_depth, 1, 64), "16",
	  "deepest nesting of JSON objects/arrays accepted" },
	{ "server", "json_max_nodes", L(json_max_nodes, 16, 1000000), "4096",
	  "most JSON values in one request body" },
	{ "server", "arena_size", L(arena_size, 65536, 256L << 20), "4194304",
	  "bytes one request may allocate; exceeding it fails the request" },
	{ "db", "host", S(db_host), "localhost",
	  "MariaDB host (ignored when socket is set); Galera: the nodes, comma-separated, this worker's own first" },
	{ "db", "port", I(db_port, 1, 65535), "3306", "MariaDB TCP port" },
	{ "db", "socket", S(db_socket), "", "MariaDB unix socket path; empty: use host and port; Galera: the nodes' sockets, comma-separated, this worker's own first" },
	{ "db", "name", S(db_name), "xueji", "database (schema) name" },
	{ "db", "user", S(db_user), "xueji_app",
	  "application user: xuejictl grant-app gives it, table by table, only what the workers and the jobs runner use" },
	{ "db", "password_file", S(db_password_file), "",
	  "file holding the application user's password (mode 0600 or stricter); empty: no password" },
	{ "db", "ssl_ca", S(db_ssl_ca), "",
	  "CA certificate file (PEM) that signed the MariaDB server's certificate; set: TLS is required and the server certificate and host name are verified" },
	{ "db", "ssl_cert", S(db_ssl_cert), "",
	  "client certificate file (PEM) for MariaDB, when the server requires one (REQUIRE X509)" },
	{ "db", "ssl_key", S(db_ssl_key), "",
	  "private key file of ssl_cert (permission-checked like the other secrets)" },
	{ "db", "connect_timeout", I(db_connect_timeout, 1, 60), "2", "seconds to wait for a connection" },
	{ "db", "read_timeout", I(db_read_timeout, 1, 3600), "30", "seconds to wait for a query result" },
	{ "db", "write_timeout", I(db_write_timeout, 1, 3600), "30", "seconds to wait when sending a query" },
	{ "db", "tx_retries", I(db_tx_retries, 0, 50), "5",
	  "reruns of a transaction after deadlock, lock-wait timeout or Galera certification failure" },
	{ "db", "lock_wait_timeout", I(db_lock_wait_timeout, 1, 60), "5",
	  "seconds a statement waits for a row lock (session innodb_lock_wait_timeout) before the transaction is rolled back and rerun; a second wait in one request answers 503 busy_retry, so keep twice this well under read_timeout" },
	{ "db", "retry_after", I(db_retry_after, 1, 3600), "5",
	  "Retry-After seconds sent with 503 while the database is unreachable" },
	{ "db", "health_write_timeout", I(db_health_write_timeout, 1, 60), "2",
	  "seconds /healthz waits for its write probe (one heartbeat row committed, at most once a second per worker) before it answers 503 db_write: a full disk or binary log stalls commits while reads still work" },
	{ "admin_db", "user", S(admin_user), "",
	  "user that xuejictl migrates and grants with (owner of the schema); empty: [db] user" },
	{ "admin_db", "password_file", S(admin_password_file), "",
	  "file holding the admin user's password; empty: no password (unix-socket auth)" },
	{ "security", "session_key_file", S(session_key_file), "",
	  "key ring for session cookies: 'ID HEX' lines, the highest id signs, every listed id verifies (xuejictl keygen writes it)" },
	{ "security", "csrf_key_file", S(csrf_key_file), "",
	  "key ring for anti-CSRF tokens, rotated like session_key_file" },
	{ "security", "blind_key_file", S(blind_key_file), "",
	  "key for blind indexes (exactly one 'ID HEX' line; changing it needs a re-index, docs/operations.md)" },
	{ "security", "sms_key_file", S(sms_key_file), "",
	  "key ring for the hashes of one-time SMS codes; empty: none" },
	{ "security", "hmac_key_file", S(hmac_key_file), "",
	  "deprecated: the single key of releases before per-purpose keys; set alone, the worker refuses to start and says how to upgrade" },
	{ "security", "enc_key_file", S(enc_key_file), "",
	  "key ring for AES-256-GCM field encryption; one 'ID HEX' line per key version, the highest encrypts" },
	{ "security", "scrypt_log2n", I(scrypt_log2n, 10, 20), "14",
	  "scrypt cost N = 2^log2n for password hashes; memory per hash 128 x r x N (14, r 8 = 16 MiB)" },
	{ "security", "scrypt_r", I(scrypt_r, 1, 16), "8", "scrypt block size r" },
	{ "security", "scrypt_p", I(scrypt_p, 1, 16), "5",
	  "scrypt parallelism p: lanes computed one after another, CPU time x p, memory unchanged (OWASP: N 2^14, r 8, p 5)" },
	{ "security", "psb_key_file", S(psb_key_file), "",
	  "key ring ('ID HEX' lines, or 64 hex digits = id 1) shared with the public-security gateway, which names its key with X-PSB-Key-Id; empty: PSB routes refuse every call" },
	{ "security", "parent_session_idle", I(parent_idle, 60, 86400), "1800",
	  "seconds a parent session may stay unused" },
	{ "security", "parent_session_absolute", I(parent_absolute, 300, 604800), "43200",
	  "seconds a parent session lasts at most" },
	{ "security", "staff_session_idle", I(staff_idle, 60, 86400), "900",
	  "seconds a staff session may stay unused (stricter than parents)" },
	{ "security", "staff_session_absolute", I(staff_absolute, 300, 604800), "28800",
	  "seconds a staff session lasts at most" },
	{ "security", "parent_max_failures", I(parent_max_failures, 1, 100), "5",
	  "wrong passwords in a row that lock a parent account" },
	{ "security", "parent_lockout", I(parent_lockout, 1, 86400), "900",
	  "seconds a locked parent account stays locked" },
	{ "security", "staff_max_failures", I(staff_max_failures, 1, 100), "3",
	  "wrong passwords in a row that lock a staff account" },
	{ "security", "staff_lockout", I(staff_lockout, 1, 86400), "1800",
	  "seconds a locked staff account stays locked" },
	{ "security", "staff_totp_required", S(staff_totp_required), "",
	  "org kinds whose staff must use a TOTP second factor, comma-separated (school, county, city, province, ministry); empty: optional for all" },
	{ "security", "hash_slots", I(hash_slots, 0, 1024), "0",
	  "password hashes computed at once by one worker process (0 = half the CPU cores, at least 1: a sign-in storm leaves the other half to everything else); as many more may wait, never more than half the threads, the rest get 503 at once, so a login storm cannot take every thread" },
	{ "security", "signin_slots", I(signin_slots, 0, 4096), "0",
	  "sign-in, sign-up, SMS-code and password-reset requests one worker process runs at once (0 = a quarter of the threads, at least 2); twice as many may wait up to 2 s, never more than half the threads; the rest answer 503 busy_retry with Retry-After at once, so a sign-in storm keeps its hands off the threads and database sessions registrations need" },
	{ "collection", "psb_lease", I(psb_lease, 5, 86400), "300",
	  "seconds a verification request handed to the PSB gateway stays leased before it is offered again" },
	{ "collection", "psb_window", I(psb_window, 10, 3600), "300",
	  "seconds a signed PSB callback's timestamp may differ from our clock" },
	{ "collection", "psb_batch_max", I(psb_batch_max, 1, 1000), "500",
	  "most verification requests or results in one PSB call" },
	{ "collection", "idempotency_retention", I(idempotency_retention, 1, 8760), "48",
	  "hours an Idempotency-Key is kept (a retry after that creates anew or answers 409 duplicate_child); the jobs runner's idempotency-purge and xuejictl purge-keys delete older keys" },
	{ "claims", "mismatch_release_days", I(mismatch_release_days, 1, 365), "14",
	  "days a registration may stay in id_mismatch uncorrected before the claim-release job voids it and frees the child (review H1)" },
	{ "claims", "lookup_per_hour", I(claim_lookups_per_hour, 1, 10000), "60",
	  "claim look-ups (POST /api/school/v1/claims/lookup) one staff account may make per hour (review M1a)" },
	/* issue 10 (A): per-account limits (review H1) */
	{ "parent", "max_registrations_per_year", I(max_regs_per_year, 0, 65535), "3",
	  "most live registrations (not cancelled or void) one parent account may hold per collection year; past it 409 registration_limit; 0: no cap" },
	{ "parent", "registration_rate", I(reg_rate, 0, 65535), "10",
	  "most registrations one account may create per registration_rate_window, cancelled ones included; past it 429 registration_rate_limited; 0: no limit" },
	{ "parent", "registration_rate_window", I(reg_rate_window, 1, 31 * 86400), "86400",
	  "seconds registration_rate looks back (a sliding window over the account's registrations of the year)" },
	/* issue 10 (A): phone ownership by SMS code (review H1, M1b, M4; docs/sms.md) */
	{ "sms", "gateway_url", S(sms_gateway_url), "",
	  "URL the sms-deliver job posts messages to (docs/sms.md); empty: messages wait in the outbox" },
	{ "sms", "credentials_file", S(sms_credentials_file), "",
	  "file (mode 0600) holding 'APP_ID SECRET_HEX': the gateway account and the key that signs requests" },
	{ "sms", "sign_name", S(sms_sign_name), "学籍登记",
	  "the signature (签名) registered with the gateway, shown in every message" },
	{ "sms", "connect_timeout_ms", I(sms_connect_timeout_ms, 100, 60000), "2000",
	  "milliseconds to connect to the gateway" },
	{ "sms", "timeout_ms", I(sms_timeout_ms, 100, 120000), "5000",
	  "milliseconds one gateway request may take in all; a slower answer counts as a failure and is retried" },
	{ "sms", "max_attempts", I(sms_max_attempts, 1, 100), "8",
	  "tries of one message before it is given up (state failed)" },
	{ "sms", "backoff_base", I(sms_backoff_base, 1, 3600), "5",
	  "seconds before the first retry; each further retry waits twice as long" },
	{ "sms", "backoff_max", I(sms_backoff_max, 1, 86400), "300",
	  "longest wait between two tries of one message, in seconds" },
	{ "sms", "batch", I(sms_batch, 1, 1000), "20",
	  "messages one sms-deliver batch claims (leased for batch x timeout + 30 s)" },
	{ "sms", "keep_days", I(sms_keep_days, 1, 3650), "30",
	  "days a settled outbox row (without its body) is kept before sms-purge deletes it" },
	{ "sms", "code_ttl", I(sms_code_ttl, 60, 3600), "300",
	  "seconds a one-time code stays valid" },
	{ "sms", "code_tries", I(sms_code_tries, 1, 20), "5",
	  "checks of one code, right or wrong, before it is dead" },
	{ "sms", "phone_interval", I(sms_phone_interval, 0, 3600), "60",
	  "seconds between two code requests for one phone number (0: no minimum)" },
	{ "sms", "phone_hourly", I(sms_phone_hourly, 1, 1000000), "5",
	  "code requests per phone number and hour" },
	{ "sms", "addr_hourly", I(sms_addr_hourly, 1, 1000000), "30",
	  "code requests per client address and hour (carrier NAT shares addresses: keep it above phone_hourly)" },
	{ "admission", "decide_budget_ms", I(decide_budget_ms, 0, 600000), "10000",
	  "milliseconds one admission-list decision may spend (0: one chunk of 50 children per request); a longer list answers 202 with the rest pending, and the same request again continues" },
	/* issue 12 item 3: evidence files (school/evidence.c) */
	{ "evidence", "max_files", I(evidence_max_files, 1, 1000), "20",
	  "evidence files one student record may hold (uploading the same file again adds none)" },
	{ "evidence", "max_bytes", L(evidence_max_bytes, 2097152, 1L << 30), "20971520",
	  "bytes of evidence files one student record may hold, summed (each file at most 2 MiB, R-DUP-2)" },
	/* issue 11 item 8: year-end batches (ctl/yearend.c) */
	{ "yearend", "chunk", I(yearend_chunk, 1, 5000), "500",
	  "student records one chunk of a year-end batch changes in one transaction (the jobs runner's yearend job)" },
	{ "audit", "signing_key_file", S(audit_signing_key_file), "",
	  "Ed25519 private key (PEM, mode 0600) with which the jobs runner signs audit seals; read only by the audit-seal job (xuejictl keygen writes audit_sign.key)" },
	{ "audit", "verify_key_file", S(audit_verify_key_file), "",
	  "PEM public keys that xuejictl audit verify accepts: the current signing key's and every retired one's (xuejictl keygen appends to audit_verify.pem)" },
	{ "audit", "seal_after", I(audit_seal_after, 0, 86400), "300",
	  "seconds an audit entry must be old before it is sealed: longer than any transaction stays open, so no entry below a seal commits later" },
	{ "audit", "seal_batch", I(audit_seal_batch, 1, 10000), "1000",
	  "most audit entries one seal covers" },
	{ "documents", "signing_key_file", S(documents_signing_key_file), "",
	  "Ed25519 private key (PEM, mode 0600) with which the school workers sign the QR code of certificates of student status; its public half (doc_verify.pem) is published for offline checks (xuejictl keygen writes doc_sign.key; docs/certificates.md)" },
	/* issue 10 (H): PIPL retention (docs/privacy.md) */
	{ "privacy", "retention_months", I(retention_months, 0, 120), "6",
	  "months after its school year starts (1 September) that a registration which did not become a student record is deleted, with its guardians (xuejictl retention run, job retention-purge)" },
	/* issue 11 item 3: the working-day calendar (docs/operations.md) */
	{ "calendar", "today", S(calendar_today), "",
	  "YYYY-MM-DD: the Beijing date GET /api/school/v1/alerts takes as today, for tests and rehearsals; empty: the clock; ignored when [server] environment is production" },
	{ "log", "level", S(log_level), "info", "debug, info, warn or error" },
	{ "paths", "sql_dir", S(sql_dir), XJ_SQL_DIR, "directory of numbered migrations (xuejictl migrate)" },
	{ "paths", "calendar_dir", S(calendar_dir), XJ_CALENDAR_DIR,
	  "directory of working-day calendars (*.csv) that xuejictl seed-demo imports" },
	{ "paths", "xsd_dir", S(xsd_dir), XJ_XSD_DIR,
	  "directory of the ministry exchange's XSDs (exchange.xsd and what it includes), loaded once at start by a worker serving the exchange" },
	/* issue 13: the ministry exchange (docs/xml/README.md) */
	{ "exchange", "org_code", S(exchange_org_code), "",
	  "this deployment's organisation code in the exchange (the province's 6-digit division code); empty: the exchange is not configured and its route answers exchange_not_configured" },
	{ "exchange", "signing_key_file", S(exchange_signing_key_file), "",
	  "our private key (PEM, EC P-256 or SM2, mode 0600; xuejictl exchange-keygen writes one): signs every message and receipt we send" },
	{ "exchange", "signing_key_id", S(exchange_signing_key_id), "",
	  "the key id the ministry knows our current public key by (1..64 of [A-Za-z0-9._-])" },
	{ "exchange", "peer_keys_file", S(exchange_peer_keys_file), "",
	  "the peers' public keys: one line 'KEYID ORG FILE' per key (FILE a PEM public key, relative to this file); every listed key verifies" },
	{ "exchange", "message_limit", L(exchange_message_limit, 4096, 64L << 20), "8388608",
	  "largest inbound message in bytes (nginx's client_max_body_size for /exchange/ and [server] body_limit must allow it)" },
	{ "exchange", "xml_max_depth", I(exchange_xml_max_depth, 8, 256), "32",
	  "most elements open at once in an inbound message (the XSD needs 8)" },
	{ "exchange", "xml_text_max", L(exchange_xml_text_max, 1024, 8L << 20), "65536",
	  "longest run of character data in an inbound message, in bytes (the XSD's longest value is 2000 characters)" },
	{ "exchange", "xml_max_nodes", L(exchange_xml_max_nodes, 1000, 10000000), "200000",
	  "most elements and text runs in an inbound message: bounds the memory of its tree (about 100 bytes a node; a CheckResult of 20,000 records has 120,000 to 200,000)" },
	/* issue 13 item 4: the outbox (docs/operations.md "Exchange outbox") */
	{ "exchange", "outbox_deadline", I(exchange_outbox_deadline, 1, 30 * 86400), "86400",
	  "seconds the ministry has to acknowledge an outbox message: one it pulled and passed without acknowledging is offered again after this long, and `xuejictl jobs` (job exchange-outbox-alert) logs exchange_outbox_overdue once per message unacknowledged this long after it was written" },
	{ "exchange", "outbox_page_bytes", L(exchange_outbox_page_bytes, 65536, 64L << 20), "1048576",
	  "most message bytes in one outbox pull (one message always fits); a worker serving the exchange needs [server] arena_size >= 4 times this + 1 MiB (ciphertext, plaintext and base64 of a page)" },
	{ "exchange", "batch_records", I(exchange_batch_records, 1, 100), "50",
	  "records per StudentBatch message the jobs runner writes to the outbox (job exchange-batch; a message of the outbox holds at most 64 KiB)" },
	/* session 7 (ops): retention (docs/operations.md "Exchange retention").
	 * The floor of 180 days is a refusal, not a clamp: the inbox row is
	 * the exactly-once guard, and a message the ministry sends again
	 * after its row is gone is applied again. */
	{ "exchange", "outbox_retention_days", I(exchange_outbox_retention_days, 180, 3650), "400",
	  "days an acknowledged outbox message is kept after it was written (job exchange-outbox-purge); a StudentBatch also waits until every record it carried is answered and numbered; an unacknowledged message is never deleted; at least 180" },
	{ "exchange", "inbox_retention_days", I(exchange_inbox_retention_days, 180, 3650), "400",
	  "days an inbound message's inbox row (its id, digest and receipt: the exactly-once guard) is kept (job exchange-inbox-purge); must exceed the ministry's longest resend window, so at least 180" },
	/* session 7 (capcase): the cap on unanswered cross-province starts
	 * (docs/security.md "Guessing across provinces counts too") */
	{ "transfer", "xprovince_unanswered_max", I(xprovince_unanswered_max, 0, 10000), "20",
	  "cross-province cases (transfer_national, graduate_move_in) one receiving school may have started and not yet answered by the other side (no TransferDecision or Dossier received, case still open); the next start answers 429 transfer_unanswered_limit; 0: no cap" },
	{ NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct xj_conf_key *
find_key(const char *section, const char *key)
{
	for (const struct xj_conf_key *k = xj_conf_keys; k->section; k++)
		if (strcmp(k->section, section) == 0 && strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

int
xj_conf_set(struct xj_conf *c, const char *section, const char *key,
    const char *value, char *err, size_t errlen)
{
	const struct xj_conf_key *k = find_key(section, key);
	char *end;
	long v;

	if (k == NULL) {
		snprintf(err, errlen, "unknown key [%s] %s", section, key);
		return -1;
	}
	if (k->type == XJ_CT_STR) {
		if (strlen(value) >= k->size) {
			snprintf(err, errlen, "[%s] %s: value longer than %zu bytes",
			    section, key, k->size - 1);
			return -1;
		}
		memcpy((char *)c + k->off, value, strlen(value) + 1);
		return 0;
	}
	errno = 0;
	v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < k->min || v > k->max) {
		snprintf(err, errlen, "[%s] %s: '%s' is not a whole number from %ld to %ld",
		    section, key, value, k->min, k->max);
		return -1;
	}
	if (k->type == XJ_CT_INT)
		*(int *)((char *)c + k->off) = (int)v;
	else
		*(long *)((char *)c + k->off) = v;
	return 0;
}

void
xj_conf_defaults(struct xj_conf *c)
{
	char err[256];

	memset(c, 0, sizeof(*c));
	for (const struct xj_conf_key *k = xj_conf_keys; k->section; k++)
		if (xj_conf_set(c, k->section, k->key, k->def, err, sizeof(err)) != 0)
			abort();	/* a bad default is a programming error */
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
xj_conf_parse(struct xj_conf *c, const char *text, const char *name,
    char *err, size_t errlen)
{
	char section[64] = "", line[1024], msg[512];
	const char *p = text;
	int lineno = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *s, *eq;

		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: line too long", name, lineno);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e == NULL || e[1] != '\0' || e - s - 1 >= (long)sizeof(section)) {
				snprintf(err, errlen, "%s:%d: bad section header", name, lineno);
				return -1;
			}
			*e = '\0';
			snprintf(section, sizeof(section), "%s", trim(s + 1));
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", name, lineno);
			return -1;
		}
		*eq = '\0';
		if (xj_conf_set(c, section, trim(s), trim(eq + 1), msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
			return -1;
		}
	}
	return 0;
}

static int
apply_env(struct xj_conf *c, char *err, size_t errlen)
{
	char name[128], msg[512];

	for (const struct xj_conf_key *k = xj_conf_keys; k->section; k++) {
		const char *v;
		size_t i;
		snprintf(name, sizeof(name), "XUEJI_%s_%s", k->section, k->key);
		for (i = 0; name[i]; i++)
			name[i] = (char)toupper((unsigned char)name[i]);
		if ((v = getenv(name)) == NULL)
			continue;
		if (xj_conf_set(c, k->section, k->key, v, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "environment %s: %s", name, msg);
			return -1;
		}
	}
	return 0;
}

/* Read all of fd (at most cap-2 bytes) into buf, NUL-terminated. */
static int
read_fd(int fd, const char *path, char *buf, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	ssize_t n;
	size_t got = 0;

	while ((n = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (got == cap - 1) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, cap - 2);
		return -1;
	}
	buf[got] = '\0';
	*len = got;
	return 0;
}

static int
read_file(const char *path, char *buf, size_t cap, size_t *len, char *err,
    size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = read_fd(fd, path, buf, cap, len, err, errlen);
	close(fd);
	return rc;
}

int
xj_conf_load(struct xj_conf *c, const char *path, char *err, size_t errlen)
{
	xj_conf_defaults(c);
	if (path != NULL) {
		static char text[64 * 1024];	/* loaded once at start */
		size_t len;
		if (read_file(path, text, sizeof(text), &len, err, errlen) != 0)
			return -1;
		if (memchr(text, '\0', len) != NULL) {
			snprintf(err, errlen, "%s: contains a NUL byte", path);
			return -1;
		}
		if (xj_conf_parse(c, text, path, err, errlen) != 0)
			return -1;
	}
	return apply_env(c, err, errlen);
}

int
xj_conf_read_secret(const char *path, char *out, size_t cap, char *err,
    size_t errlen)
{
	struct stat st;
	size_t len;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "secret %s: %s", path, strerror(errno));
		return -1;
	}
	/* checks and read use the one descriptor: the file checked is the
	 * file read, even if the path is replaced in between */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "secret %s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
		    "secret %s has mode %04o: it must not be accessible to group or others (chmod 600)",
		    path, (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	/* a file of another user means a mix-up or a planted key: refused
	 * for root too (review L7); root's own files are accepted */
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(err, errlen, "secret %s: owned by uid %u, neither this user nor root",
		    path, (unsigned)st.st_uid);
		goto fail;
	}
	if (read_fd(fd, path, out, cap, &len, err, errlen) != 0)
		goto fail;
	close(fd);
	while (len > 0 && isspace((unsigned char)out[len - 1]))
		out[--len] = '\0';
	return 0;
fail:
	close(fd);
	return -1;
}

int
xj_conf_load_secrets(struct xj_conf *c, int admin, char *err, size_t errlen)
{
	if (c->db_password_file[0] &&
	    xj_conf_read_secret(c->db_password_file, c->db_password,
	    sizeof(c->db_password), err, errlen) != 0)
		return -1;
	/* the TLS client key is a secret too: checked like the others */
	if (c->db_ssl_key[0]) {
		char pem[16384];
		int rc = xj_conf_read_secret(c->db_ssl_key, pem, sizeof(pem), err, errlen);
		memset(pem, 0, sizeof(pem));
		if (rc != 0)
			return -1;
	}
	if ((c->db_ssl_cert[0] != 0) != (c->db_ssl_key[0] != 0) ||
	    (c->db_ssl_cert[0] && !c->db_ssl_ca[0])) {
		snprintf(err, errlen, "[db] ssl_cert and ssl_key go together, and need ssl_ca");
		return -1;
	}
	if (admin && c->admin_password_file[0] &&
	    xj_conf_read_secret(c->admin_password_file, c->admin_password,
	    sizeof(c->admin_password), err, errlen) != 0)
		return -1;
	return 0;
}

void
xj_conf_print_keys(void)
{
	const char *sec = "";

	for (const struct xj_conf_key *k = xj_conf_keys; k->section; k++) {
		if (strcmp(sec, k->section) != 0) {
			printf("%s[%s]\n", *sec ? "\n" : "", k->section);
			sec = k->section;
		}
		printf("# %s\n%s = %s\n", k->doc, k->key, k->def);
	}
}
