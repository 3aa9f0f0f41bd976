/* rekey.c -- xuejictl rekey: re-encrypt every encrypted column to the
 * current enc.key version and to the row-bound format (crypto/field.h,
 * review M11 and L1), while the system runs.
 *
 * The encrypted columns are the rows of enc_cols below: a new encrypted
 * column is a new row (its table, key columns, the SQL expression of the
 * row identity its ciphertexts are bound to, the AAD). Each column is
 * walked in key order in batches: one plain SELECT (a consistent read, no
 * locks), then for each value that needs it (xj_field_needs_rekey: an older
 * key version or the old column-only format) one autocommitted UPDATE ...
 * WHERE key = ? AND column = <the value read>. A row that the application
 * changed in between no longer matches: the UPDATE touches nothing and the
 * new value (written under the current key by the application) is kept.
 * Nothing holds a lock longer than one row's update. Running it again is
 * the resume: current values are recognised from their 5-byte header and
 * skipped. The statements are built here from the constant identifiers of
 * the table, never from input, and prepared with bound values. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "crypto/field.h"
#include "crypto/keys.h"
#include "ctl/ctl.h"
#include "store/certreview.h"
#include "store/evidence.h"
#include "store/registration.h"

struct enc_col {
	const char	*table;
	const char	*k1, *k2;	/* key columns in order; k2 NULL: one */
	const char	*join;		/* more FROM text for the row identity */
	const char	*row;		/* SQL of the row identity (field.h) */
	const char	*column;	/* the ciphertext column */
	const char	*aad;		/* the column's AAD (format 0x02) */
	const char	*legacy_aad;	/* its AAD in the column-only format */
	size_t		 ct_max;	/* longest ciphertext; 0: CT_MAX. Columns
					 * of files go one row a batch */
};

/* The row identities are the ones the application encrypts with:
 * xj_reg_row (registration.h), xj_student_row (student.h) and
 * xj_parent_phone_row (parent.h). Student rows were copies of their
 * registration's values before review L1: their old AAD is the
 * registration's. */
static const struct enc_col enc_cols[] = {
	{ "registration", "id", NULL, "", "t.prereg_no",
	  "id_number_ct", "registration.id_number", "registration.id_number" },
	{ "registration_guardian", "registration_id", "idx",
	  " JOIN registration r ON r.id = t.registration_id", "CONCAT(r.prereg_no, '/', t.idx)",
	  "id_number_ct", "registration_guardian.id_number", "registration_guardian.id_number" },
	{ "registration_guardian", "registration_id", "idx",
	  " JOIN registration r ON r.id = t.registration_id", "CONCAT(r.prereg_no, '/', t.idx)",
	  "phone_ct", "registration_guardian.phone", "registration_guardian.phone" },
	{ "student", "id", NULL, "", "CONCAT('s', t.id)",
	  "id_number_ct", "student.id_number", "registration.id_number" },
	{ "student_guardian", "student_id", "idx", "", "CONCAT('s', t.student_id, '/', t.idx)",
	  "id_number_ct", "student_guardian.id_number", "registration_guardian.id_number" },
	{ "student_guardian", "student_id", "idx", "", "CONCAT('s', t.student_id, '/', t.idx)",
	  "phone_ct", "student_guardian.phone", "registration_guardian.phone" },
	{ "parent_account", "id", NULL, "", "LOWER(HEX(t.phone_bidx))",
	  "phone_ct", "parent_account.phone", "parent_account.phone" },
	/* the five-certificate filing, bound to its registration (M9) */
	{ "cert_review", "registration_id", NULL,
	  " JOIN registration r ON r.id = t.registration_id", "r.prereg_no",
	  "details_ct", "cert_review.details", "cert_review.details" },
	/* an SMS waiting in the outbox, bound to its message id (H1) */
	{ "sms_outbox", "id", NULL, "", "t.msg_id",
	  "body_ct", "sms_outbox.body", "sms_outbox.body" },
	/* a staff account's TOTP secret, bound to the account (M10) */
	{ "staff_account", "id", NULL, "", "CAST(t.id AS CHAR)",
	  "totp_secret_ct", "staff_account.totp_secret", "staff_account.totp_secret" },
	/* an evidence file's name, bound to its record, and its bytes, bound
	 * to their content index (issue 12 item 3) */
	{ "evidence_file", "id", NULL, "", "CONCAT('s', t.student_id)",
	  "name_ct", "evidence_file.name", "evidence_file.name" },
	{ "evidence_blob", "id", NULL, "", "LOWER(HEX(t.content_bidx))",
	  "content", "evidence_blob.content", "evidence_blob.content",
	  XJ_FIELD_CT_LEN(XJ_EVIDENCE_MAX_BYTES) },
	/* a key-data change's old and new identity number (issue 12 item 4),
	 * bound to the case; one row per case holds them (the id_number
	 * field's), so the case id alone is the key */
	{ "key_data_change_field", "workflow_id", NULL, "", "CONCAT('k', t.workflow_id, '/old')",
	  "old_ct", "key_data_change.id_number", "key_data_change.id_number" },
	{ "key_data_change_field", "workflow_id", NULL, "", "CONCAT('k', t.workflow_id, '/new')",
	  "new_ct", "key_data_change.id_number", "key_data_change.id_number" },
};
#define NCOLS	(sizeof(enc_cols) / sizeof(enc_cols[0]))

#define CT_MAX	XJ_CERT_DETAILS_CT_MAX	/* the longest: a certificate filing */

enum { Q_SELECT, Q_UPDATE, Q_COUNT };

struct tally {
	unsigned long long	 seen, done, changed, failed;
};

/* The two statements of column c into sel and upd. */
static void
build(const struct enc_col *c, char *sel, size_t sl, char *upd, size_t ul)
{
	if (c->k2 == NULL) {
		snprintf(sel, sl, "SELECT t.%s, 0, %s, t.%s FROM %s t%s WHERE t.%s > ?"
		    " AND LENGTH(t.%s) > 0 ORDER BY t.%s LIMIT ?",
		    c->k1, c->row, c->column, c->table, c->join, c->k1, c->column, c->k1);
		snprintf(upd, ul, "UPDATE %s SET %s = ? WHERE %s = ? AND %s = ?",
		    c->table, c->column, c->k1, c->column);
	} else {
		snprintf(sel, sl, "SELECT t.%s, t.%s, %s, t.%s FROM %s t%s"
		    " WHERE (t.%s > ? OR (t.%s = ? AND t.%s > ?)) AND LENGTH(t.%s) > 0"
		    " ORDER BY t.%s, t.%s LIMIT ?",
		    c->k1, c->k2, c->row, c->column, c->table, c->join,
		    c->k1, c->k1, c->k2, c->column, c->k1, c->k2);
		snprintf(upd, ul, "UPDATE %s SET %s = ? WHERE %s = ? AND %s = ? AND %s = ?",
		    c->table, c->column, c->k1, c->k2, c->column);
	}
}

/* One batch of column c after (*k1, *k2): XJ_OK with *more, or an error.
 * Buffers from the heap: a batch of short values, or one file. */
static int
batch(struct xj_db *db, const struct xj_keys *k, const struct enc_col *c, long size,
    long long *k1, long long *k2, int dry, struct tally *t, int *more)
{
	size_t cap = c->ct_max ? c->ct_max : CT_MAX;
	unsigned char *cts, *out;
	static unsigned long len[500];
	static long long key1[500], key2[500];
	static char row[500][XJ_FIELD_ROW_MAX + 1];
	struct xj_val in[4];
	unsigned nin = 0;
	long n = 0;
	int rc;

	if (c->ct_max)
		size = 1;
	if ((cts = malloc((size_t)size * cap)) == NULL || (out = malloc(cap)) == NULL) {
		free(cts);
		return XJ_E_TOO_COMPLEX;
	}
	in[nin++] = XJ_VI(*k1);
	if (c->k2 != NULL) {
		in[nin++] = XJ_VI(*k1);
		in[nin++] = XJ_VI(*k2);
	}
	in[nin++] = XJ_VI(size);
	if ((rc = xj_db_exec(db, Q_SELECT, in, nin)) != XJ_OK)
		goto done;
	for (;;) {
		struct xj_col col[4] = { XJ_COL_INT, XJ_COL_INT,
		    XJ_COL_STR(row[n], sizeof(row[n])), XJ_COL_BLOB((char *)cts + n * cap, cap) };
		if ((rc = xj_db_fetch(db, Q_SELECT, col, 4)) != XJ_OK)
			break;
		key1[n] = col[0].i;
		key2[n] = col[1].i;
		len[n] = col[3].len;
		n++;
	}
	xj_db_done(db, Q_SELECT);
	if (rc != XJ_NO_ROW)
		goto done;
	rc = XJ_OK;
	*more = n == size;
	for (long i = 0; i < n; i++) {
		const unsigned char *ct = cts + i * cap;
		size_t outlen = 0;
		int need = xj_field_needs_rekey(k, ct, len[i]);

		t->seen++;
		*k1 = key1[i];
		*k2 = key2[i];
		if (need == 0)
			continue;
		/* never the value: the table, the key and the reason */
		if (need < 0 || xj_field_reseal(k, ct[0] == XJ_FIELD_ALG_AES256GCM ?
		    c->legacy_aad : c->aad, row[i], c->aad, row[i], ct, len[i], out,
		    cap, &outlen) != 0) {
			fprintf(stderr, "rekey: %s.%s key %lld/%lld: cannot decrypt (%s)\n",
			    c->table, c->column, key1[i], key2[i],
			    need == XJ_FIELD_E_VERSION ? "key version not in enc.key" :
			    "damaged, moved from another row, or another key");
			t->failed++;
			continue;
		}
		if (dry) {
			t->done++;
			continue;
		}
		{
			struct xj_val u[4];
			unsigned nu = 0;
			u[nu++] = XJ_VB(out, outlen);
			u[nu++] = XJ_VI(key1[i]);
			if (c->k2 != NULL)
				u[nu++] = XJ_VI(key2[i]);
			u[nu++] = XJ_VB(ct, len[i]);
			if ((rc = xj_db_exec(db, Q_UPDATE, u, nu)) != XJ_OK)
				goto done;
			if (xj_db_affected(db, Q_UPDATE) == 1)
				t->done++;
			else
				t->changed++;	/* written meanwhile: the new value stays */
		}
	}
done:
	free(cts);
	free(out);
	return rc;
}

static int
rekey_column(struct xj_ctl *x, const struct xj_keys *k, const struct enc_col *c,
    long size, long pause_ms, int dry, struct tally *all)
{
	static char sel[1024], upd[512];
	struct xj_sqldef defs[Q_COUNT];
	struct tally t = { 0, 0, 0, 0 };
	const char *user = x->conf.admin_user[0] ? x->conf.admin_user : x->conf.db_user;
	const char *pw = x->conf.admin_user[0] ? x->conf.admin_password : x->conf.db_password;
	long long k1 = 0, k2 = -1;	/* keys start at 1, idx at 0 */
	struct xj_db db;
	int rc, more = 1;

	build(c, sel, sizeof(sel), upd, sizeof(upd));
	defs[Q_SELECT] = (struct xj_sqldef){ "REKEY_SELECT", sel, 0 };
	defs[Q_UPDATE] = (struct xj_sqldef){ "REKEY_UPDATE", upd, 0 };
	if (xj_db_init(&db, &x->conf, user, pw, NULL, defs, Q_COUNT) != XJ_OK ||
	    xj_db_ensure(&db) != XJ_OK) {
		fprintf(stderr, "rekey: cannot connect as %s\n", user);
		return -1;
	}
	while (more) {
		if ((rc = batch(&db, k, c, size, &k1, &k2, dry, &t, &more)) != XJ_OK) {
			fprintf(stderr, "rekey: %s.%s: database error %u after key %lld/%lld; "
			    "run again to resume\n", c->table, c->column, db.err, k1, k2);
			xj_db_fini(&db);
			return -1;
		}
		if (more && pause_ms > 0) {
			struct timespec ts = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	xj_db_fini(&db);
	printf("%s.%s: %llu values, %llu %s, %llu changed meanwhile, %llu failed\n",
	    c->table, c->column, t.seen, t.done, dry ? "to re-encrypt" : "re-encrypted",
	    t.changed, t.failed);
	all->seen += t.seen;
	all->done += t.done;
	all->changed += t.changed;
	all->failed += t.failed;
	return 0;
}

int
xj_ctl_rekey(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "pause-ms", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct xj_keys keys;
	struct tally all = { 0, 0, 0, 0 };
	char err[512];
	long size = 200, pause_ms = 0;
	int ch, dry = 0, rc = 0;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'b':
			if (xj_ctl_int("rekey", "--batch", optarg, 1, 500, &size) != 0)
				return 2;
			break;
		case 'p':
			if (xj_ctl_int("rekey", "--pause-ms", optarg, 0, 60000, &pause_ms) != 0)
				return 2;
			break;
		case 'n': dry = 1; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc)
		return xj_ctl_usage(argv[0]);
	if (xj_keys_load(&x->conf, &keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "rekey: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < NCOLS && rc == 0; i++)
		rc = rekey_column(x, &keys, &enc_cols[i], size, pause_ms, dry, &all);
	xj_keys_clear(&keys);
	if (rc != 0)
		return 1;
	printf("rekey: %llu values, %llu %s, %llu failed\n", all.seen, all.done,
	    dry ? "to re-encrypt" : "re-encrypted", all.failed);
	return all.failed ? 1 : 0;
}
