/* exchangeout.c -- what we send the ministry (issue 13 items 4-5):
 *
 *   job exchange-batch: the producer of the outbox. Records due for the
 *     national check (student.national_check = 'due': new, changed since
 *     the ministry saw them (R-KEY-2), supplements waiting for the answer
 *     (R-DUP-4); never a deleted one) are written as one StudentBatch of
 *     at most [exchange] batch_records records, action = the record's
 *     national_action, signed with our key, into the outbox IN THE SAME
 *     TRANSACTION as the exchange_outbox_record rows and national_check =
 *     'sent' that mark them sent: each time a record is due it is in
 *     exactly one batch, whatever crashes. A runner, not the admitting worker, writes
 *     the batch: the workers facing schools never hold the exchange's
 *     signing key, and a batch of many records is one message, not one
 *     message per admission.
 *   job exchange-outbox-alert: a message unacknowledged [exchange]
 *     outbox_deadline seconds after it was written is logged once
 *     (exchange_outbox_overdue, WARN): the operators' alert.
 *   exchange export-batch / import-batch: a StudentBatch file written and
 *     read in constant memory (the streaming writer and reader of
 *     exchange/batchw.c), for the bench and for batches handed over
 *     outside the pull. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <libxml/xmlwriter.h>

#include "core/err.h"
#include "core/log.h"
#include "crypto/field.h"
#include "crypto/xsign.h"
#include "db/tx.h"
#include "domain/window.h"
#include "exchange/batchw.h"
#include "exchange/xmlin.h"
#include "store/audit.h"
#include "store/natcheck.h"
#include "store/outbox.h"
#include "store/sql.h"
#include "store/student.h"
#include "ctl.h"

#define BATCH_MAX	100

/* our signing key, loaded by the first batch */
static struct xj_xkeys	own;
static int		own_loaded;

static const struct xj_xkey *
own_key(const struct xj_conf *c)
{
	char err[512];

	if (!own_loaded) {
		if (xj_xkeys_load(c->exchange_signing_key_file, c->exchange_signing_key_id,
		    c->exchange_org_code, "", &own, err, sizeof(err)) != 0) {
			xj_log(XJ_LOG_ERROR, "exchange_key", "%s", "error", err);
			return NULL;
		}
		own_loaded = 1;
	}
	return own.own.pkey ? &own.own : NULL;
}

const struct xj_xkey *
xj_ctl_exchange_key(const struct xj_conf *c)
{
	return own_key(c);
}

struct row {
	unsigned long long	 id;
	char			 no[20], name[72], sex[4], birth[11], doc[4], eth[4];
	char			 nat[40], hukou[16], school[16], county[8], status[20];
	char			 action[12];	/* new changed supplement */
	unsigned char		 ct[160];
	size_t			 ctlen;
	char			 idn[40];
	int			 year, level;
	char			 ref[24];
};

struct batch {
	struct xj_ctl		*x;
	const struct xj_keys	*keys;
	const struct xj_xkey	*key;
	struct row		 rows[BATCH_MAX];
	unsigned		 n;
	unsigned		 skipped;	/* numbers that did not open: left due */
};

static int
batch_tx(struct xj_db *db, void *arg)
{
	struct batch *b = arg;
	const struct xj_conf *c = &b->x->conf;
	struct xj_val lim = XJ_VI(c->exchange_batch_records);
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	char mid[XJ_XMSG_ID_MAX + 1], created[26], sig[XJ_XSIG_HDR_MAX], after[96];
	unsigned long long oid;
	struct xj_xhdr h;
	int rc;

	b->n = 0;
	b->skipped = 0;
	if ((rc = xj_db_exec(db, XJ_Q_XOB_UNSENT, &lim, 1)) != XJ_OK)
		return rc;
	for (;;) {
		struct row *r = &b->rows[b->n];
		struct xj_col o[16] = { XJ_COL_INT, XJ_COL_STR(r->no, sizeof(r->no)),
		    XJ_COL_STR(r->name, sizeof(r->name)), XJ_COL_STR(r->sex, sizeof(r->sex)),
		    XJ_COL_STR(r->birth, sizeof(r->birth)), XJ_COL_STR(r->doc, sizeof(r->doc)),
		    XJ_COL_BLOB((char *)r->ct, sizeof(r->ct)), XJ_COL_STR(r->eth, sizeof(r->eth)),
		    XJ_COL_STR(r->nat, sizeof(r->nat)), XJ_COL_STR(r->hukou, sizeof(r->hukou)),
		    XJ_COL_STR(r->school, sizeof(r->school)),
		    XJ_COL_STR(r->county, sizeof(r->county)), XJ_COL_INT, XJ_COL_INT,
		    XJ_COL_STR(r->status, sizeof(r->status)),
		    XJ_COL_STR(r->action, sizeof(r->action)) };
		if (b->n >= BATCH_MAX || (rc = xj_db_fetch(db, XJ_Q_XOB_UNSENT, o, 16)) != XJ_OK)
			break;
		r->id = (unsigned long long)o[0].i;
		r->ctlen = o[6].len;
		r->year = (int)o[12].i;
		r->level = (int)o[13].i;
		b->n++;
	}
	xj_db_done(db, XJ_Q_XOB_UNSENT);
	if (rc != XJ_NO_ROW && rc != XJ_OK)
		return rc;
	/* the identity numbers first: a record whose number does not open
	 * (a key lost from the ring, a damaged row) is logged and left due,
	 * and the others go out without it -- one such record must not stop
	 * every batch behind it */
	{
		unsigned k = 0;

		for (unsigned i = 0; i < b->n; i++) {
			struct row *r = &b->rows[i];
			char srow[XJ_STUDENT_ROW_MAX];
			size_t nl;

			xj_student_row(r->id, -1, srow);
			if (xj_field_decrypt(b->keys, "student.id_number", srow, r->ct, r->ctlen,
			    r->idn, sizeof(r->idn), &nl) != 0 || nl >= sizeof(r->idn)) {
				xj_log(XJ_LOG_ERROR, "exchange_batch_decrypt_failed", "%lld", "student",
				    (long long)r->id);
				b->skipped++;
				continue;
			}
			/* a number the StudentBatch cannot carry (characters
			 * outside the XSD's DocNumber) would make the whole
			 * batch schema-invalid for the ministry: this record
			 * waits, the others go (review R7). None at all (a
			 * child without a document, type Z, R-COL-7) is sent
			 * without IdNumber: the ministry issues it a J number */
			if (nl > 0 && !xj_xdoc_number_ok(r->idn, nl)) {
				xj_log(XJ_LOG_ERROR, "exchange_batch_unsendable", "%lld", "student",
				    (long long)r->id);
				explicit_bzero(r->idn, sizeof(r->idn));
				b->skipped++;
				continue;
			}
			if (k != i) {
				b->rows[k] = *r;
				explicit_bzero(r->idn, sizeof(r->idn));
			}
			k++;
		}
		b->n = k;
	}
	if (b->n == 0)
		return XJ_OK;
	if (xj_xmsg_new_id(c->exchange_org_code, 'b', mid, created) != 0)
		return XJ_E_INTERNAL;
	h = (struct xj_xhdr){ mid, c->exchange_org_code, "MOE", created, NULL };
	rc = XJ_E_INTERNAL;
	if ((buf = xmlBufferCreate()) == NULL || (w = xmlNewTextWriterMemory(buf, 0)) == NULL ||
	    xj_xbatch_begin(w, &h, 1, 1) != 0)
		goto out;
	for (unsigned i = 0; i < b->n; i++) {
		struct row *r = &b->rows[i];
		struct xj_xbrec e;

		snprintf(r->ref, sizeof(r->ref), "s%llu", r->id);
		e = (struct xj_xbrec){ r->ref, r->action, r->no, r->name, r->sex, r->birth, r->doc,
		    r->idn, r->eth, r->nat, r->hukou, r->school, r->county, r->status, r->year,
		    r->level };
		if (xj_xbatch_record(w, &e) != 0)
			goto out;
	}
	if (xj_xbatch_end(w) != 0)
		goto out;
	xmlFreeTextWriter(w);
	w = NULL;
	if (xj_xsign(b->key, xmlBufferContent(buf), (size_t)xmlBufferLength(buf), sig,
	    sizeof(sig)) != 0)
		goto out;
	if ((rc = xj_xoutbox_write(db, b->keys, mid, "StudentBatch", "MOE",
	    (const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf), sig, &oid)) != XJ_OK)
		goto out;
	/* each record is in this batch and sent, with the message */
	for (unsigned i = 0; i < b->n; i++)
		if ((rc = xj_xoutbox_add_record(db, oid, b->rows[i].ref, b->rows[i].id)) != XJ_OK ||
		    (rc = xj_natcheck_sent(db, b->rows[i].id)) != XJ_OK)
			goto out;
	{
		struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, NULL, NULL };
		struct xj_audit au = { "exchange.outbox_write", "exchange_outbox", XJ_STR_NULL,
		    XJ_STR_NULL, XJ_STR_NULL };
		snprintf(after, sizeof(after), "{\"type\":\"StudentBatch\",\"records\":%u}", b->n);
		au.target_id = xj_str_c(mid);
		au.after = xj_str_c(after);
		rc = xj_audit_append(db, &who, &au);
	}
out:
	for (unsigned i = 0; i < b->n; i++)
		explicit_bzero(b->rows[i].idn, sizeof(b->rows[i].idn));
	/* the writer first: freeing it flushes into the buffer (a record
	 * that failed half-way crashed the runner when the buffer went
	 * first) */
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL) {
		explicit_bzero(buf->content, buf->size);
		xmlBufferFree(buf);
	}
	return rc;
}

int
xj_ctl_job_exchange_batch(struct xj_ctl *x, long *done)
{
	static struct batch b;
	int rc;

	*done = 0;
	if (x->conf.exchange_org_code[0] == '\0')
		return XJ_OK;	/* no exchange configured: nothing to send */
	memset(&b, 0, sizeof(b));
	b.x = x;
	if ((b.keys = xj_ctl_job_keys(x, 0)) == NULL || (b.key = own_key(&x->conf)) == NULL)
		return XJ_E_INTERNAL;
	if ((rc = xj_tx_run(&x->db, batch_tx, &b)) != XJ_OK)
		return rc;
	if (b.n)
		xj_log(XJ_LOG_INFO, "exchange_batch_written", "%u%u", "records", b.n, "skipped",
		    b.skipped);
	*done = b.n;
	return XJ_OK;
}

static void
overdue(unsigned long long id, const char *mid, const char *receiver, unsigned offered)
{
	/* the operators' alert (docs/operations.md "Exchange outbox") */
	xj_log(XJ_LOG_WARN, "exchange_outbox_overdue", "%lld%s%s%u", "cursor", (long long)id, "message_id",
	    mid, "receiver", receiver, "offered", offered);
}

struct alert {
	long		 deadline;
	unsigned	 n;
};

static int
alert_tx(struct xj_db *db, void *arg)
{
	struct alert *a = arg;

	return xj_xoutbox_overdue(db, a->deadline, 100, overdue, &a->n);
}

int
xj_ctl_job_exchange_alert(struct xj_ctl *x, long *done)
{
	struct alert a = { x->conf.exchange_outbox_deadline, 0 };
	int rc = xj_tx_run(&x->db, alert_tx, &a);

	*done = a.n;
	return rc;
}

/* ---- export-batch / import-batch ----------------------------------------- */

static long
peak_rss_kb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* CPU seconds of this process: on a shared machine the wall clock
 * measures the neighbours too */
static double
cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --synthetic N: N made-up records (the bench; no database, no
 * personal data), written to FILE with the streaming writer */
static int
export_batch(struct xj_ctl *x, unsigned long long n, const char *path)
{
	const struct xj_conf *c = &x->conf;
	xmlTextWriterPtr w;
	char created[26], ref[24], no[20], idn[20];
	struct xj_xhdr h;
	double t0 = now_s(), c0 = cpu_s(), dt, dc;
	int rc = 1;

	if (xj_datetime_format_local((long long)time(NULL), created) != XJ_OK ||
	    (w = xmlNewTextWriterFilename(path, 0)) == NULL) {
		fprintf(stderr, "exchange export-batch: cannot write %s\n", path);
		return 1;
	}
	h = (struct xj_xhdr){ "bench-export-1", c->exchange_org_code[0] ? c->exchange_org_code :
	    "310000", "MOE", created, NULL };
	if (xj_xbatch_begin(w, &h, 1, 1) != 0)
		goto out;
	for (unsigned long long i = 0; i < n; i++) {
		struct xj_xbrec e;
		snprintf(ref, sizeof(ref), "s%llu", i + 1);
		snprintf(no, sizeof(no), "L310104201903%06llu", i % 1000000);
		snprintf(idn, sizeof(idn), "310104201903%06llu", i % 1000000);
		e = (struct xj_xbrec){ ref, "new", no, "张小明", "M", "2019-03-15", "1", idn, "01",
		    "中国", "310104000000", "3101040001", "310104", "in_school", 2026, 1 };
		if (xj_xbatch_record(w, &e) != 0)
			goto out;
	}
	if (xj_xbatch_end(w) != 0)
		goto out;
	rc = 0;
out:
	xmlFreeTextWriter(w);
	dt = now_s() - t0;
	dc = cpu_s() - c0;
	if (rc != 0)
		fprintf(stderr, "exchange export-batch: write failed\n");
	else
		printf("records=%llu seconds=%.3f records_per_s=%.0f peak_rss_kb=%ld cpu_seconds=%.3f"
		    " records_per_cpu_s=%.0f\n", n, dt, dt > 0 ? (double)n / dt : 0.0, peak_rss_kb(),
		    dc, dc > 0 ? (double)n / dc : 0.0);
	return rc;
}

static int
import_batch(struct xj_ctl *x, const char *path)
{
	struct xj_xml_limits lim = { x->conf.exchange_xml_max_depth,
	    (size_t)x->conf.exchange_xml_text_max, (size_t)x->conf.exchange_xml_max_nodes };
	struct xj_xml_where where;
	unsigned long long n = 0;
	char err[512];
	double t0, dt, c0, dc;
	int fd, rc;

	if (xj_xmlin_init(x->conf.xsd_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "exchange import-batch: [paths] xsd_dir: %s\n", err);
		return 1;
	}
	if (strcmp(path, "-") == 0)
		fd = 0;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "exchange import-batch: %s: %s\n", path, strerror(errno));
		xj_xmlin_fini();
		return 1;
	}
	t0 = now_s();
	c0 = cpu_s();
	rc = xj_xbatch_read_fd(fd, &lim, NULL, NULL, &n, &where);
	dt = now_s() - t0;
	dc = cpu_s() - c0;
	if (fd != 0)
		close(fd);
	xj_xmlin_fini();
	if (rc != XJ_OK) {
		/* the code, the line and an element name; never a value */
		fprintf(stderr, "exchange import-batch: refused: %s (line %d%s%s) after %llu records\n",
		    xj_err_info(rc)->code, where.line, where.element[0] ? ", element " : "",
		    where.element, n);
		printf("refused=%s records=%llu seconds=%.3f peak_rss_kb=%ld\n",
		    xj_err_info(rc)->code, n, dt, peak_rss_kb());
		return 3;
	}
	printf("records=%llu seconds=%.3f records_per_s=%.0f peak_rss_kb=%ld cpu_seconds=%.3f"
	    " records_per_cpu_s=%.0f\n", n, dt, dt > 0 ? (double)n / dt : 0.0, peak_rss_kb(), dc,
	    dc > 0 ? (double)n / dc : 0.0);
	return 0;
}

int
xj_ctl_exchange(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "synthetic", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long n = 0;
	char *end;
	int ch;

	if (argc < 2)
		return xj_ctl_usage(argv[0]);
	argc--;
	argv++;
	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 's':
			errno = 0;
			n = strtoull(optarg, &end, 10);
			if (errno || *end || n == 0 || n > 100000000ULL) {
				fprintf(stderr, "exchange: --synthetic is 1..100000000\n");
				return 2;
			}
			break;
		default:
			return xj_ctl_usage(argv[-1]);
		}
	if (argc - optind != 1)
		return xj_ctl_usage(argv[-1]);
	if (strcmp(argv[0], "export-batch") == 0) {
		if (n == 0) {
			fprintf(stderr, "exchange export-batch: --synthetic N is required (batches of"
			    " real records are the outbox's, job exchange-batch)\n");
			return 2;
		}
		return export_batch(x, n, argv[optind]);
	}
	if (strcmp(argv[0], "import-batch") == 0)
		return import_batch(x, argv[optind]);
	return xj_ctl_usage(argv[-1]);
}
