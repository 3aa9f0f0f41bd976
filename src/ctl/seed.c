/* seed.c -- xuejictl seed-demo: demo schools and staff accounts for a
 * local instance: Beijing (province 110000, city 110100) with its 16
 * districts, three schools in each (a primary, a junior and a nine-year
 * school) with 10-digit school codes, and an account for every role at
 * every level; a collection window for Beijing open all through the
 * current year (a real one is 7-31 May: xuejictl window-set) and the age
 * cut-off of 6 years by 31 August (R-COL-8); and the working-day
 * calendars of [paths] calendar_dir (data/calendar: the State Council's
 * notices, R-MOV-3), each file its own audited import. Refused when [server]
 * environment is production. Runs in one transaction with its audit
 * entries; a second run changes nothing. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "crypto/password.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/window.h"
#include "store/audit.h"
#include "store/policy.h"
#include "store/sql.h"
#include "ctl.h"

struct seed {
	const struct xj_conf	*conf;
	const char		*password;
	char			 pw_hash[XJ_PW_HASH_MAX];
	int			 schools, accounts;
};

/* school names as the official lists write them: city, district, then
 * the school ("北京市朝阳区第一实验小学"), never a code (review 2026-12 Q4) */
static const char *kinds[] = { "实验小学", "中学", "九年一贯制学校" };
static const char *ordinal[] = { "第一", "第二", "第三" };

static int
org_id(struct xj_db *db, const char *kind, const char *code, unsigned *id, char *path, size_t cap)
{
	struct xj_val v[2] = { XJ_VS(kind), XJ_VS(code) };
	struct xj_col c[2] = { XJ_COL_INT, XJ_COL_STR(path, cap) };
	int rc = xj_db_row(db, XJ_Q_ORG_BY_KIND_CODE, v, 2, c, 2);

	*id = (unsigned)c[0].i;
	return rc;
}

/* a bureau's name by its code (the county first: sql/0002) */
static int
org_name(struct xj_db *db, const char *code, char *name, size_t cap)
{
	char kind[12], path[130];
	struct xj_val v = XJ_VS(code);
	struct xj_col c[4] = { XJ_COL_INT, XJ_COL_STR(kind, sizeof(kind)), XJ_COL_STR(name, cap),
	    XJ_COL_STR(path, sizeof(path)) };

	return xj_db_row(db, XJ_Q_ORG_BY_CODE_ANY, &v, 1, c, 4);
}

static int
audit(struct xj_db *db, const char *action, const char *type, const char *id)
{
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "seed-demo", "" };
	struct xj_audit a = { action, type, xj_str_c(id), XJ_STR_NULL, xj_str_c(id) };

	return xj_audit_append(db, &who, &a);
}

static int
account(struct xj_db *db, struct seed *s, unsigned org, const char *login,
    const char *name, const char *role)
{
	struct xj_val v[5] = { XJ_VI(org), XJ_VS(login), XJ_VS(name), XJ_VS(role), XJ_VS(s->pw_hash) };
	int rc = xj_db_exec(db, XJ_Q_STAFF_INSERT, v, 5);

	if (rc == XJ_E_CONFLICT)
		return XJ_OK;	/* seeded before */
	if (rc == XJ_OK) {
		s->accounts++;
		rc = audit(db, "staff.create", "staff_account", login);
	}
	return rc;
}

static int
bureau_accounts(struct xj_db *db, struct seed *s, const char *kind,
    const char *code, const char *prefix, const char *label)
{
	char path[130], login[64], name[64];
	unsigned id;
	int rc;

	if ((rc = org_id(db, kind, code, &id, path, sizeof(path))) != XJ_OK)
		return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
	snprintf(login, sizeof(login), "%s.admin", prefix);
	snprintf(name, sizeof(name), "%s管理员", label);
	if ((rc = account(db, s, id, login, name, "admin")) != XJ_OK)
		return rc;
	snprintf(login, sizeof(login), "%s.reviewer", prefix);
	snprintf(name, sizeof(name), "%s审核员", label);
	return account(db, s, id, login, name, "reviewer");
}

static int
seed_tx(struct xj_db *db, void *arg)
{
	static const char *districts[] = {
		"110101", "110102", "110105", "110106", "110107", "110108",
		"110109", "110111", "110112", "110113", "110114", "110115",
		"110116", "110117", "110118", "110119"
	};
	struct seed *s = arg;
	int rc;

	s->schools = s->accounts = 0;
	{
		struct xj_localtime now;
		xj_utc_to_shanghai((long long)time(NULL), &now);
		if ((rc = xj_policy_window_set(db, now.year, "110000",
		    xj_shanghai_to_utc(now.year, 1, 1, 0, 0, 0),
		    xj_shanghai_to_utc(now.year + 1, 1, 1, 0, 0, 0))) != XJ_OK ||
		    (rc = xj_policy_age_set(db, "110000", 6, 8, 31)) != XJ_OK)
			return rc;
	}
	if ((rc = bureau_accounts(db, s, "ministry", "000000", "moe", "教育部")) != XJ_OK ||
	    (rc = bureau_accounts(db, s, "province", "110000", "bj", "北京市教委")) != XJ_OK ||
	    (rc = bureau_accounts(db, s, "city", "110100", "bj.city", "北京市市辖区")) != XJ_OK)
		return rc;
	for (size_t d = 0; d < sizeof(districts) / sizeof(districts[0]); d++) {
		char cpath[130], spath[150], code[11], name[400], login[64], dname[400], label[420];
		unsigned county, school;

		if ((rc = org_id(db, "county", districts[d], &county, cpath, sizeof(cpath))) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
		if ((rc = org_name(db, districts[d], dname, sizeof(dname))) != XJ_OK)
			return rc == XJ_NO_ROW ? XJ_E_NOT_FOUND : rc;
		snprintf(label, sizeof(label), "%s教委", dname);
		if ((rc = bureau_accounts(db, s, "county", districts[d], districts[d], label)) != XJ_OK)
			return rc;
		for (int k = 0; k < 3; k++) {
			/* 学校标识码: 1 + province (2) + district (2) + sequence (5) */
			snprintf(code, sizeof(code), "111%s%05d", districts[d] + 4, k + 1);
			snprintf(name, sizeof(name), "北京市%s%s%s", dname, ordinal[k], kinds[k]);
			snprintf(spath, sizeof(spath), "%s%s/", cpath, code);
			{
				struct xj_val v[6] = { XJ_VS(code), XJ_VS(name), XJ_VI(county),
				    XJ_VS(spath), XJ_VI(county), XJ_VI(county) };
				rc = xj_db_exec(db, XJ_Q_ORG_INSERT_SCHOOL, v, 6);
			}
			if (rc == XJ_OK) {
				s->schools++;
				if ((rc = audit(db, "org.create", "org", code)) != XJ_OK)
					return rc;
			} else if (rc != XJ_E_CONFLICT)
				return rc;
			if ((rc = org_id(db, "school", code, &school, spath, sizeof(spath))) != XJ_OK)
				return rc;
			snprintf(login, sizeof(login), "%s.clerk", code);
			if ((rc = account(db, s, school, login, "学籍管理员", "clerk")) != XJ_OK)
				return rc;
			snprintf(login, sizeof(login), "%s.reviewer", code);
			if ((rc = account(db, s, school, login, "学校审核人", "reviewer")) != XJ_OK)
				return rc;
		}
	}
	return XJ_OK;
}

int
xj_ctl_seed_demo(struct xj_db *db, const struct xj_conf *c, const char *password)
{
	struct seed s;
	int rc;

	if (strcmp(c->environment, "production") == 0) {
		fprintf(stderr, "seed-demo: refused: [server] environment is production\n");
		return 1;
	}
	memset(&s, 0, sizeof(s));
	s.conf = c;
	s.password = password;
	/* one hash for every demo account: they share the demo password */
	if (xj_pw_hash(password, strlen(password), c->scrypt_log2n, c->scrypt_r,
	    c->scrypt_p, s.pw_hash, sizeof(s.pw_hash)) != 0) {
		fprintf(stderr, "seed-demo: password hashing failed\n");
		return 1;
	}
	if ((rc = xj_tx_run(db, seed_tx, &s)) != XJ_OK) {
		fprintf(stderr, "seed-demo: failed (%s, MariaDB error %u); run migrate first\n",
		    xj_err_info(rc)->code, db->err);
		return 1;
	}
	printf("seed-demo: %d schools and %d accounts added\n", s.schools, s.accounts);
	{
		int files;

		if (xj_ctl_calendar_import_dir(db, c->calendar_dir, &files) != 0) {
			fprintf(stderr, "seed-demo: working-day calendars of %s not imported "
			    "([paths] calendar_dir)\n", c->calendar_dir);
			return 1;
		}
		printf("seed-demo: %d working-day calendar file%s imported from %s\n", files,
		    files == 1 ? "" : "s", c->calendar_dir);
	}
	return 0;
}
