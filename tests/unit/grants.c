/* grants.c -- unit test of grant-app's map (src/ctl/grant.c, review M8)
 * against the statement registry (src/store/sql.h): every table a
 * statement of the workers or the jobs runner reads, inserts into, updates
 * or deletes from has that right in the map, every INSERT names only
 * columns the map grants (audit_log: never `id` or `at`), and the map
 * grants no INSERT, UPDATE or DELETE that no statement needs. A statement
 * added with a new need fails here, not in production with error 1142. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "store/sql.h"
#include "tap.h"

/* run by xuejictl as the schema owner only, never by the app user */
static const char *owner_only[] = {
	"ORG_INSERT_SCHOOL", "WINDOW_UPSERT", "AGE_POLICY_UPSERT", "MIG_INSERT", "MIG_LIST",
	"TABLES_OF_SCHEMA", "PROCEDURES_OF_SCHEMA",
	"CAL_DAYS_DELETE", "CAL_DAY_INSERT", "CAL_YEAR_UPSERT",	/* xuejictl calendar import */
	/* issue 15 item 6: xuejictl org import */
	"ORGIMP_BUREAU", "ORGIMP_LOCK", "ORGIMP_SCHOOL", "ORGIMP_INSERT", "ORGIMP_UPDATE",
	"ORGIMP_OPEN_IN", "ORGIMP_CLOSE",
	/* issue 11: xuejictl transfer-freeze (policy, like the window) */
	"WF_FREEZE_SET", "WF_FREEZE_DEL",
	"GMW_SET", "GMW_DEL",	/* graduate-move-window (ctl/xmove.c) */
	/* xuejictl key-fields (issue 12 item 4): the controlled fields are policy */
	"KD_FIELDS_DELETE", "KD_FIELDS_ADD",
	"SC_GRADE_POLICY_SET",	/* xuejictl grade-change (issue 11 item 6) */
	NULL
};

/* what CALL xj_reg_create (sql/0008, 0014) writes: INSERT only */
static const char *proc_inserts[] = {
	"idempotency_key", "registration", "child_claim", "registration_guardian",
	"registration_event", "psb_request", "audit_log", NULL
};

enum { P_SELECT, P_INSERT, P_UPDATE, P_DELETE, P__N };
static const char *pname[P__N] = { "SELECT", "INSERT", "UPDATE", "DELETE" };

#define MAXT 160
static char	used_table[MAXT][65];
static int	used[MAXT][P__N], nused;

static const struct xj_ctl_grant *
row(const char *table)
{
	for (size_t i = 0; i < xj_ctl_ngrants; i++)
		if (strcmp(xj_ctl_grants[i].table, table) == 0)
			return &xj_ctl_grants[i];
	return NULL;
}

static int
grants(const struct xj_ctl_grant *g, int p)
{
	const char *s = g->privs;

	while ((s = strstr(s, pname[p])) != NULL) {
		if ((s == g->privs || !isalpha((unsigned char)s[-1])) &&
		    !isalpha((unsigned char)s[strlen(pname[p])]))
			return 1;
		s++;
	}
	return 0;
}

static void
need(const char *stmt, const char *table, int p)
{
	const struct xj_ctl_grant *g = row(table);
	int i;

	for (i = 0; i < nused && strcmp(used_table[i], table) != 0; i++)
		;
	if (i == nused && nused < MAXT)
		snprintf(used_table[nused++], 65, "%s", table);
	if (i < MAXT)
		used[i][p] = 1;
	ok(g != NULL && grants(g, p), "grants: %s needs %s on %s", stmt, pname[p], table);
}

/* the identifier at s into out (lower case); its end */
static const char *
ident(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	while (*s == ' ' || *s == '(')
		s++;
	while ((isalnum((unsigned char)*s) || *s == '_' || *s == '.') && n + 1 < cap)
		out[n++] = (char)tolower((unsigned char)*s++);
	out[n] = '\0';
	return s;
}

/* each occurrence of word kw (lower-case text) followed by a table */
static void
each(const char *name, const char *text, const char *kw, int p)
{
	const char *s = text;
	char t[65];

	while ((s = strstr(s, kw)) != NULL) {
		if (s != text && (isalnum((unsigned char)s[-1]) || s[-1] == '_')) {
			s++;
			continue;
		}
		s = ident(s + strlen(kw), t, sizeof(t));
		/* DUAL is no table (INSERT ... SELECT ... FROM DUAL WHERE), nor
		 * is a derived table (FROM (SELECT ...): its own FROM counts),
		 * nor JSON_TABLE(?, ...), rows of a bound parameter (natcheck) */
		if (t[0] && strncmp(t, "information_schema.", 19) != 0 && strcmp(t, "dual") != 0 &&
		    strcmp(t, "select") != 0 && strcmp(t, "json_table") != 0)
			need(name, t, p);
	}
}

/* INSERT INTO t (cols): every column granted when the grant names columns */
static void
insert_columns(const char *name, const char *text)
{
	const char *s = strstr(text, "insert into "), *cols, *end;
	const struct xj_ctl_grant *g;
	char t[65], c[65];

	if (s == NULL)
		return;
	s = ident(s + 12, t, sizeof(t));
	if ((g = row(t)) == NULL || (cols = strstr(g->privs, "INSERT (")) == NULL)
		return;
	while (*s == ' ')
		s++;
	ok(*s == '(', "grants: %s names its columns (%s grants INSERT by column)", name, t);
	if (*s != '(' || (end = strchr(s, ')')) == NULL)
		return;
	while (s < end) {
		s = ident(s + 1, c, sizeof(c));
		if (c[0]) {
			char want[70];
			const char *m = cols + 7;
			size_t l = strlen(c);
			int found = 0;
			snprintf(want, sizeof(want), "%s", c);
			while ((m = strstr(m, want)) != NULL && !found) {
				found = !isalnum((unsigned char)m[-1]) && m[-1] != '_' &&
				    !isalnum((unsigned char)m[l]) && m[l] != '_';
				m++;
			}
			ok(found, "grants: %s inserts column %s.%s, which is granted", name, t, c);
		}
		while (s < end && *s != ',')
			s++;
	}
}

int
main(void)
{
	char text[8192], t[65];

	plan_lazy();
	for (int q = 0; q < XJ_Q__COUNT; q++) {
		const char *name = xj_store_sql[q].name, *s;
		int skip = 0;
		size_t n;

		for (int i = 0; owner_only[i]; i++)
			skip |= strcmp(owner_only[i], name) == 0;
		if (skip)
			continue;
		for (n = 0; xj_store_sql[q].sql[n] && n + 1 < sizeof(text); n++)
			text[n] = (char)tolower((unsigned char)xj_store_sql[q].sql[n]);
		text[n] = '\0';
		/* sql/0017: SQL SECURITY DEFINER, the owner's rights */
		if (strncmp(text, "call xj_reg_erase", 17) == 0)
			continue;
		if (strncmp(text, "call xj_reg_create", 18) == 0) {
			for (int i = 0; proc_inserts[i]; i++)
				need(name, proc_inserts[i], P_INSERT);
			continue;
		}
		each(name, text, "from ", P_SELECT);
		each(name, text, "join ", P_SELECT);
		each(name, text, "insert into ", P_INSERT);
		each(name, text, "insert ignore into ", P_INSERT);
		each(name, text, "delete from ", P_DELETE);
		/* UPDATE t SET, but not FOR UPDATE or ON DUPLICATE KEY UPDATE */
		for (s = text; (s = strstr(s, "update ")) != NULL; s++) {
			if (s != text && s[-1] != ' ')
				continue;
			if ((s >= text + 4 && strncmp(s - 4, "for ", 4) == 0) ||
			    (s >= text + 4 && strncmp(s - 4, "key ", 4) == 0))
				continue;
			ident(s + 7, t, sizeof(t));
			/* UPDATE JSON_TABLE(?, ...) j STRAIGHT_JOIN t ... SET t.c:
			 * the rows come from the parameter, t is updated (and read
			 * to join) */
			if (strcmp(t, "json_table") == 0) {
				const char *sj = strstr(s, " straight_join ");
				if (sj == NULL) {
					ok(0, "grants: %s updates a table after JSON_TABLE", name);
					continue;
				}
				ident(sj + 15, t, sizeof(t));
				need(name, t, P_SELECT);
			}
			need(name, t, P_UPDATE);
		}
		if (strstr(text, "on duplicate key update") != NULL) {
			ident(strstr(text, "insert into ") + 12, t, sizeof(t));
			need(name, t, P_UPDATE);
		}
		insert_columns(name, text);
	}
	/* the other way: no write right that nothing uses */
	for (size_t i = 0; i < xj_ctl_ngrants; i++) {
		const struct xj_ctl_grant *g = &xj_ctl_grants[i];
		int k;
		for (k = 0; k < nused && strcmp(used_table[k], g->table) != 0; k++)
			;
		for (int p = P_INSERT; p < P__N; p++)
			if (grants(g, p))
				ok(k < nused && used[k][p], "grants: %s on %s is used by a statement",
				    pname[p], g->table);
	}
	ok(row("audit_log") != NULL && strstr(row("audit_log")->privs, " at,") == NULL &&
	    strstr(row("audit_log")->privs, "(at") == NULL &&
	    strstr(row("audit_log")->privs, "(id") == NULL,
	    "grants: audit_log's INSERT leaves out id and at (M7)");
	ok(row("registration_event") != NULL && !grants(row("registration_event"), P_DELETE) &&
	    !grants(row("registration_event"), P_UPDATE), "grants: registration_event is append-only");
	ok(row("student_event") != NULL && !grants(row("student_event"), P_DELETE) &&
	    !grants(row("student_event"), P_UPDATE), "grants: student_event is append-only");
	return done_testing();
}
