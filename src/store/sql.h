/* sql.h -- the statement registry (kcgi's sqlbox): every SQL statement the
 * programs run is a row here, prepared per connection on first use, always
 * with bound parameters. Store functions name statements by XJ_Q_*; no
 * other file holds SQL text (migration files aside). */
#ifndef XJ_STORE_SQL_H
#define XJ_STORE_SQL_H

#include "db/db.h"

/*  name               flags            sql */
#define XJ_STORE_SQL(X) \
	X(SCHEMA_VERSION,    0, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") \
	X(AUDIT_INSERT,      0, \
	  "INSERT INTO audit_log (at, request_id, actor_type, actor_id, actor_role," \
	  " actor_org_id, action, target_type, target_id, client_addr, before_digest," \
	  " after_digest) VALUES (UTC_TIMESTAMP(6), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") \
	X(REF_DIVISIONS,     0, "SELECT code, name, level, COALESCE(parent_code, '') FROM division ORDER BY code") \
	X(REF_HISTORY_CODES, 0, "SELECT DISTINCT code FROM division_history ORDER BY code") \
	X(REF_ETHNICITIES,   0, "SELECT code, name FROM ethnicity ORDER BY code") \
	X(REF_DOC_TYPES,     0, "SELECT code, name FROM id_doc_type ORDER BY code") \
	X(ORG_BY_KIND_CODE,  0, "SELECT id, path FROM org WHERE kind = ? AND code = ?") \
	X(ORG_INSERT_SCHOOL, XJ_SQL_DUP_OK, \
	  "INSERT INTO org (kind, code, name, parent_id, path, county_id, supervisor_id)" \
	  " VALUES ('school', ?, ?, ?, ?, ?, ?)") \
	X(STAFF_INSERT,      XJ_SQL_DUP_OK, \
	  "INSERT INTO staff_account (org_id, login, display_name, role, pw_hash)" \
	  " VALUES (?, ?, ?, ?, ?)") \
	X(MIG_LIST,          0, "SELECT version, name, checksum FROM schema_migrations ORDER BY version") \
	X(MIG_INSERT,        0, \
	  "INSERT INTO schema_migrations (version, name, checksum, applied_at)" \
	  " VALUES (?, ?, ?, UTC_TIMESTAMP(6))") \
	X(TABLES_OF_SCHEMA,  0, \
	  "SELECT table_name FROM information_schema.tables WHERE table_schema = ?" \
	  " AND table_type = 'BASE TABLE' ORDER BY table_name")

enum xj_q {
#define XJ_Q_ENUM(name, flags, sql) XJ_Q_##name,
	XJ_STORE_SQL(XJ_Q_ENUM)
#undef XJ_Q_ENUM
	XJ_Q__COUNT
};

extern const struct xj_sqldef xj_store_sql[XJ_Q__COUNT];

#endif
