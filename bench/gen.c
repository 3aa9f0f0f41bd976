/* gen.c -- the bench's data generator (docs/benchmarks.md):
 *   gen -c CONF load --count N [--start S] [--threads T] [--batch B]
 *       [--sample K --out FILE]
 *     adds N parents (phone 139NNNNNNNN, password XJB_PASSWORD, one scrypt
 *     hash computed once at the configured cost so that logins are real)
 *     and one registration each, for children S..S+N-1 of benchdata.h,
 *     through the store's own statements (the same rows, ciphertext and
 *     blind indexes as POST /api/parent/v1/registrations), in batched
 *     transactions. Even-numbered children are already verified by PSB
 *     (state printable, a psb_match event), the others wait with a
 *     pending PSB request. The audit trail of this history is not
 *     generated. Writes "phone<TAB>prereg<TAB>printable" of the first K
 *     parents to FILE.
 *   gen -c CONF codes --count N [--start S] --out FILE
 *     plants a live sign-in code (purpose login, issue 16) for each of the
 *     parents S..S+N-1 that `load` made, as POST /sms-codes would have
 *     (xj_sms_code_mac, xj_code_put: the same rows), valid an hour, and
 *     writes "phone<TAB>code" lines: the code sign-in storm's data,
 *     without a gateway round trip per code.
 *   gen children --start S --count N
 *     prints "id_number<TAB>name<TAB>sex<TAB>birth_date<TAB>district" of
 *     children S..S+N-1, for the HTTP scenarios' request bodies.
 * Both bounded by --count; refused outside [server] environment =
 * development. */
#include "config.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "crypto/field.h"
#include "crypto/keys.h"
#include "crypto/kmac.h"
#include "crypto/password.h"
#include "db/tx.h"
#include "domain/prereg.h"
#include "domain/window.h"
#include "store/parent.h"
#include "store/phonecode.h"
#include "store/registration.h"
#include "benchdata.h"

struct job {
	const struct xj_conf	*conf;
	const struct xj_keys	*keys;
	const char		*pw_hash;
	int			 year;
	long			 from, to;	/* children [from, to) */
	long			 next;		/* first of the current batch */
	long			 batch;
	long			 sample;	/* write the first `sample` */
	FILE			*out;
	pthread_mutex_t		*out_mu;
	long			 done;
	int			 rc;
};

static int
batch_tx(struct xj_db *db, void *arg)
{
	struct job *j = arg;
	long end = j->next + j->batch < j->to ? j->next + j->batch : j->to;
	struct xj_reg_rec *rec = malloc(sizeof(*rec));
	int rc = XJ_OK;

	if (rec == NULL)
		return XJ_E_INTERNAL;
	for (long i = j->next; i < end && rc == XJ_OK; i++) {
		struct xjb_child c;
		char phone[12], prereg[17], row[XJ_PARENT_ROW_LEN];
		unsigned char bidx[XJ_BLIND_LEN], ct[XJ_FIELD_CT_LEN(24)];
		size_t ctlen;
		unsigned long long pid;
		int printable;

		xjb_child(i, &c);
		xjb_phone(i, phone);
		if (xj_blind_index(j->keys, "parent.phone", phone, strlen(phone), bidx) != 0 ||
		    xj_field_encrypt(j->keys, "parent_account.phone", xj_parent_phone_row(bidx, row),
		    phone, strlen(phone), ct, sizeof(ct), &ctlen) != 0) {
			rc = XJ_E_INTERNAL;
			break;
		}
		if ((rc = xj_parent_insert(db, bidx, ct, ctlen, j->pw_hash, &pid)) != XJ_OK)
			break;
		/* serial i / 16 is unique within the district i % 16 */
		xj_prereg_make(j->year, c.district, (unsigned)(i / 16) % XJ_PREREG_SERIAL_MAX,
		    prereg);
		if (xjb_reg_fill(j->keys, &c, pid, j->year, prereg, rec) != 0) {
			rc = XJ_E_INTERNAL;
			break;
		}
		/* every other child was verified by PSB already: its form
		 * prints (local family, R-COL-5); the rest still wait. As the
		 * parent portal does: the registration (with its PSB request
		 * for those still waiting), then PSB's answer for the others. */
		printable = i % 2 == 0;
		if ((rc = xj_reg_insert(db, rec, "", !printable)) != XJ_OK)
			break;
		if (printable) {
			struct xj_reg_pos to = rec->pos;
			to.state = XJ_REG_PRINTABLE;
			if ((rc = xj_reg_move(db, rec->id, rec->pos, to)) != XJ_OK ||
			    (rc = xj_reg_event(db, rec->id, "psb_match",
			    xj_reg_state_name(to.state), "")) != XJ_OK)
				break;
		}
		if (i - j->from < j->sample && j->out) {
			pthread_mutex_lock(j->out_mu);
			fprintf(j->out, "%s\t%s\t%d\n", phone, rec->prereg, printable);
			pthread_mutex_unlock(j->out_mu);
		}
	}
	free(rec);
	return rc;
}

static void *
run_job(void *arg)
{
	struct job *j = arg;
	struct xj_db db;

	if (xjb_connect(j->conf, &db) != 0) {
		j->rc = XJ_E_UNAVAILABLE;
		return NULL;
	}
	for (j->next = j->from; j->next < j->to; j->next += j->batch) {
		if ((j->rc = xj_tx_run(&db, batch_tx, j)) != XJ_OK) {
			fprintf(stderr, "gen: batch at %ld failed: %s (MariaDB error %u)\n",
			    j->next, xj_err_info(j->rc)->code, db.err);
			break;
		}
		j->done = (j->next + j->batch < j->to ? j->next + j->batch : j->to) - j->from;
	}
	xj_db_fini(&db);
	return NULL;
}

/* The configuration and keys, for a development instance only. */
static int
open_dev(const char *cfile, struct xj_conf *conf, struct xj_keys *keys)
{
	if (xjb_open(cfile, conf, keys) != 0)
		return -1;
	if (strcmp(conf->environment, "development") != 0) {
		fprintf(stderr, "gen: refused: [server] environment is not development\n");
		xj_keys_clear(keys);
		return -1;
	}
	return 0;
}

static int
cmd_load(const char *cfile, long start, long count, int threads, long batch,
    long sample, const char *outpath)
{
	struct xj_conf conf;
	struct xj_keys keys;
	struct xj_localtime now;
	char hash[XJ_PW_HASH_MAX];
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_t tid[64];
	struct job jobs[64];
	FILE *out = NULL;
	double t0;
	long done = 0;
	int rc = 0;

	if (open_dev(cfile, &conf, &keys) != 0)
		return 1;
	if (xj_pw_hash(XJB_PASSWORD, strlen(XJB_PASSWORD), conf.scrypt_log2n, conf.scrypt_r,
	    conf.scrypt_p, hash, sizeof(hash)) != 0) {
		fprintf(stderr, "gen: password hashing failed\n");
		return 1;
	}
	if (outpath && (out = fopen(outpath, "w")) == NULL) {
		perror(outpath);
		return 1;
	}
	xj_utc_to_shanghai((long long)time(NULL), &now);
	t0 = xjb_now();
	for (int t = 0; t < threads; t++) {
		long per = (count + threads - 1) / threads;
		struct job *j = &jobs[t];
		memset(j, 0, sizeof(*j));
		j->conf = &conf;
		j->keys = &keys;
		j->pw_hash = hash;
		j->year = now.year;
		j->from = start + t * per;
		j->to = start + (t + 1) * per < start + count ? start + (t + 1) * per : start + count;
		j->batch = batch;
		/* the sample comes from the first thread's range */
		j->sample = t == 0 ? sample : 0;
		j->out = out;
		j->out_mu = &mu;
		if (j->from >= j->to)
			j->from = j->to;
		pthread_create(&tid[t], NULL, run_job, j);
	}
	for (int t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		if (jobs[t].rc != XJ_OK)
			rc = 1;
		done += jobs[t].done;
	}
	if (out)
		fclose(out);
	printf("gen: %ld parents and registrations in %.1f s (%.0f/s)\n", done,
	    xjb_now() - t0, (double)done / (xjb_now() - t0));
	xj_keys_clear(&keys);
	return rc;
}

/* Codes for parents [next, next + batch) in one transaction. */
struct codes_job {
	const struct xj_keys	*keys;
	long			 next, end;
	FILE			*out;
};

static int
codes_tx(struct xj_db *db, void *arg)
{
	struct codes_job *j = arg;
	const unsigned char *key = xj_keyring_current(&j->keys->sms, NULL);
	int rc = XJ_OK;

	if (key == NULL)
		return XJ_E_INTERNAL;
	for (long i = j->next; i < j->end && rc == XJ_OK; i++) {
		char phone[12], code[8];
		unsigned char bidx[XJ_BLIND_LEN], mac[XJ_KMAC_LEN];

		xjb_phone(i, phone);
		/* a code of the parent's own: not a secret here (a bench) */
		snprintf(code, sizeof(code), "%06ld", (i * 7919 + 104729) % 1000000);
		if (xj_blind_index(j->keys, "parent.phone", phone, strlen(phone), bidx) != 0 ||
		    xj_sms_code_mac(key, "login", phone, code, 6, mac) != 0)
			return XJ_E_INTERNAL;
		if ((rc = xj_code_put(db, bidx, "login", mac, 5, 3600)) == XJ_OK)
			fprintf(j->out, "%s\t%s\n", phone, code);
	}
	return rc;
}

static int
cmd_codes(const char *cfile, long start, long count, long batch, const char *outpath)
{
	struct xj_conf conf;
	struct xj_keys keys;
	struct xj_db db;
	struct codes_job j;
	int rc = 0;

	if (open_dev(cfile, &conf, &keys) != 0)
		return 1;
	if (outpath == NULL || (j.out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "gen: codes needs --out FILE\n");
		return 1;
	}
	if (xjb_connect(&conf, &db) != 0)
		return 1;
	j.keys = &keys;
	for (j.next = start; j.next < start + count && rc == 0; j.next += batch) {
		j.end = j.next + batch < start + count ? j.next + batch : start + count;
		if (xj_tx_run(&db, codes_tx, &j) != XJ_OK) {
			fprintf(stderr, "gen: codes at %ld failed (MariaDB error %u)\n", j.next, db.err);
			rc = 1;
		}
	}
	xj_db_fini(&db);
	fclose(j.out);
	xj_keys_clear(&keys);
	if (rc == 0)
		printf("gen: %ld sign-in codes\n", count);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "start", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ "sample", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfile = NULL, *out = NULL, *cmd;
	long start = 0, count = 0, batch = 500, sample = 0;
	int threads = 2, ch, rc;

	while ((ch = getopt_long(argc, argv, "c:", opts, NULL)) != -1)
		switch (ch) {
		case 'c': cfile = optarg; break;
		case 's': start = atol(optarg); break;
		case 'n': count = atol(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'b': batch = atol(optarg); break;
		case 'k': sample = atol(optarg); break;
		case 'o': out = optarg; break;
		default: return 2;
		}
	if (optind >= argc) {
		fprintf(stderr, "usage: gen -c CONF load --count N [--start S] [--threads T]"
		    " [--batch B] [--sample K --out FILE]\n"
		    "       gen -c CONF codes --count N [--start S] --out FILE\n"
		    "       gen children --start S --count N\n");
		return 2;
	}
	cmd = argv[optind];
	if (count < 0 || start < 0 || start + count > XJB_MAX_CHILD || threads < 1 ||
	    threads > 64 || batch < 1) {
		fprintf(stderr, "gen: bad --start/--count/--threads/--batch\n");
		return 2;
	}
	if (strcmp(cmd, "children") == 0) {
		for (long i = start; i < start + count; i++) {
			struct xjb_child c;
			xjb_child(i, &c);
			printf("%s\t%s\t%s\t%s\t%s\n", c.id_number, c.name, c.sex, c.birth_date,
			    c.district);
		}
		return 0;
	}
	if ((strcmp(cmd, "load") != 0 && strcmp(cmd, "codes") != 0) || cfile == NULL) {
		fprintf(stderr, "gen: unknown command or no -c\n");
		return 2;
	}
	xj_log_init(XJ_LOG_WARN);
	if (mysql_library_init(0, NULL, NULL) != 0)
		return 1;
	rc = strcmp(cmd, "codes") == 0 ? cmd_codes(cfile, start, count, batch, out) :
	    cmd_load(cfile, start, count, threads, batch, sample, out);
	mysql_library_end();
	return rc;
}
