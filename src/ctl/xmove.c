/* xmove.c -- cross-province moves, the receiving side (issue 13 item 7;
 * docs/architecture.md "Cross-province moves: the receiving side"):
 *
 *   job exchange-xmove: the requests the receiving counties approved
 *     (xmove.request = due, set in the approval's transaction by the
 *     effect xmove_request) written as signed TransferRequest or
 *     GraduateMove messages into the outbox, each IN THE SAME
 *     TRANSACTION as the row that marks it sent: a request is in the
 *     outbox exactly once, whatever crashes. The runner writes them, not
 *     the approving worker, for the StudentBatch's reason: the workers
 *     facing schools never hold the exchange's signing key.
 *   graduate-move-window set --province CODE --from D --to D [--reason T]
 *   graduate-move-window lift --province CODE --from D
 *   graduate-move-window list
 *     R-MOV-5: the province's window for graduate moves (within the
 *     national period), policy written by the owner account (review M8)
 *     as transfer-freeze, audited. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include <libxml/xmlwriter.h>

#include "core/err.h"
#include "core/log.h"
#include "crypto/xsign.h"
#include "db/tx.h"
#include "domain/idnum.h"
#include "domain/window.h"
#include "exchange/xmovew.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/xmove.h"
#include "ctl.h"

#define XMOVE_BATCH	20

struct job {
	struct xj_ctl		*x;
	const struct xj_keys	*keys;
	const struct xj_xkey	*key;
	struct xj_xmove		 rows[XMOVE_BATCH];
	int			 n;
};

static int
write_one(struct xj_db *db, struct job *j, const struct xj_xmove *m)
{
	const struct xj_conf *c = &j->x->conf;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, NULL, NULL };
	struct xj_audit au = { "exchange.outbox_write", "exchange_outbox", XJ_STR_NULL,
	    XJ_STR_NULL, XJ_STR_NULL };
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	unsigned char rnd[8];
	char mid[64], created[26], sig[XJ_XSIG_HDR_MAX], after[128];
	unsigned long long oid;
	struct xj_xhdr h;
	int rc = XJ_E_INTERNAL;

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd) ||
	    xj_datetime_format_local((long long)time(NULL), created) != XJ_OK)
		return XJ_E_INTERNAL;
	snprintf(mid, sizeof(mid), "%s-x-%02x%02x%02x%02x%02x%02x%02x%02x", c->exchange_org_code,
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	h = (struct xj_xhdr){ mid, c->exchange_org_code, "MOE", created, NULL };
	if ((buf = xmlBufferCreate()) == NULL || (w = xmlNewTextWriterMemory(buf, 0)) == NULL ||
	    xj_xmove_write(w, &h, m) != 0)
		goto out;
	xmlFreeTextWriter(w);
	w = NULL;
	if (xj_xsign(j->key, xmlBufferContent(buf), (size_t)xmlBufferLength(buf), sig,
	    sizeof(sig)) != 0)
		goto out;
	if ((rc = xj_xoutbox_write(db, j->keys, mid, xj_xmove_msg_type(m), "MOE",
	    (const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf), sig, &oid)) != XJ_OK)
		goto out;
	if ((rc = xj_xmove_sent(db, m->wf, mid)) != XJ_OK) {
		rc = rc == XJ_E_CONFLICT ? XJ_RETRY : rc;
		goto out;
	}
	snprintf(after, sizeof(after), "{\"type\":\"%s\",\"transfer_id\":\"%s\"}",
	    xj_xmove_msg_type(m), m->transfer_id);
	au.target_id = xj_str_c(mid);
	au.after = xj_str_c(after);
	rc = xj_audit_append(db, &who, &au);
out:
	if (buf != NULL) {
		explicit_bzero(buf->content, buf->size);
		xmlBufferFree(buf);
	}
	if (w != NULL)
		xmlFreeTextWriter(w);
	return rc;
}

static int
job_tx(struct xj_db *db, void *arg)
{
	struct job *j = arg;
	int rc;

	if ((rc = xj_xmove_due(db, XMOVE_BATCH, j->rows, &j->n)) != XJ_OK)
		return rc;
	for (int i = 0; i < j->n; i++)
		if ((rc = write_one(db, j, &j->rows[i])) != XJ_OK)
			return rc;
	return XJ_OK;
}

int
xj_ctl_job_exchange_xmove(struct xj_ctl *x, long *done)
{
	static struct job j;
	int rc;

	*done = 0;
	if (x->conf.exchange_org_code[0] == '\0')
		return XJ_OK;	/* no exchange configured: no case could start */
	memset(&j, 0, sizeof(j));
	j.x = x;
	if ((j.keys = xj_ctl_job_keys(x, 0)) == NULL ||
	    (j.key = xj_ctl_exchange_own_key(&x->conf)) == NULL)
		return XJ_E_INTERNAL;
	if ((rc = xj_tx_run(&x->db, job_tx, &j)) != XJ_OK)
		return rc;
	if (j.n)
		xj_log(XJ_LOG_INFO, "exchange_xmove_written", "%d", "messages", j.n);
	*done = j.n;
	return XJ_OK;
}

/* ---- graduate-move-window ------------------------------------------------ */

struct gmw_tx {
	const char	*province, *from, *to, *reason;
	int		 lift;
};

static int
gmw_tx(struct xj_db *db, void *arg)
{
	struct gmw_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_SYSTEM, 0, NULL, 0, "xuejictl-graduate-move-window", "" };
	char id[32];
	struct xj_audit a = { t->lift ? "graduate_move_window.lift" : "graduate_move_window.set",
	    "graduate_move_window", XJ_STR_NULL, XJ_STR_NULL, xj_str_c(t->lift ? "" : t->to) };
	int rc;

	rc = t->lift ? xj_gmw_delete(db, t->province, t->from) :
	    xj_gmw_set(db, t->province, t->from, t->to, t->reason);
	if (rc != XJ_OK)
		return rc;
	snprintf(id, sizeof(id), "%s/%s", t->province, t->from);
	a.target_id = xj_str_c(id);
	return xj_audit_append(db, &who, &a);
}

static int
date_ok(const char *s)
{
	int y, m, d;

	return s != NULL && xj_date_parse(xj_str_c(s), &y, &m, &d) == XJ_OK;
}

static int
province_ok(const char *p)
{
	if (p == NULL || strlen(p) != 6 || strcmp(p + 2, "0000") != 0)
		return 0;
	for (int i = 0; i < 6; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static void
gmw_line(const char *p, const char *f, const char *t, const char *r, void *arg)
{
	(void)arg;
	printf("%s\t%s\t%s\t%s\n", p, f, t, r);
}

int
xj_ctl_graduate_move_window(struct xj_ctl *x, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "province", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'u' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *province = NULL, *from = NULL, *to = NULL, *reason = "", *cmd;
	int ch, rc;

	while ((ch = xj_ctl_getopt(argc, argv, "", opts)) != -1)
		switch (ch) {
		case 'p': province = optarg; break;
		case 'f': from = optarg; break;
		case 'u': to = optarg; break;
		case 'r': reason = optarg; break;
		default: return xj_ctl_usage(argv[0]);
		}
	if (optind != argc - 1)
		return xj_ctl_usage(argv[0]);
	cmd = argv[optind];
	if (strcmp(cmd, "list") == 0)
		return xj_gmw_list(&x->db, gmw_line, NULL) == XJ_OK ? 0 : 1;
	if (strcmp(cmd, "set") != 0 && strcmp(cmd, "lift") != 0)
		return xj_ctl_usage(argv[0]);
	if (!province_ok(province) || !date_ok(from)) {
		fprintf(stderr, "graduate-move-window %s: --province is a province code (e.g. 110000),"
		    " --from a date\n", cmd);
		return 2;
	}
	if (strcmp(cmd, "set") == 0) {
		struct gmw_tx t = { province, from, to, reason, 0 };
		if (!date_ok(to) || strcmp(to, from) < 0 || strlen(reason) > 200) {
			fprintf(stderr, "graduate-move-window set: --to is a date not before --from;"
			    " --reason at most 200 bytes\n");
			return 2;
		}
		if (xj_tx_run(&x->db, gmw_tx, &t) != XJ_OK) {
			fprintf(stderr, "graduate-move-window set: failed (MariaDB error %u)\n", x->db.err);
			return 1;
		}
		printf("graduate-move-window: graduate moves open in %s from %s to %s\n", province,
		    from, to);
		return 0;
	}
	{
		struct gmw_tx t = { province, from, NULL, NULL, 1 };
		rc = xj_tx_run(&x->db, gmw_tx, &t);
	}
	if (rc == XJ_NO_ROW) {
		fprintf(stderr, "graduate-move-window lift: no window of %s starts on %s\n", province,
		    from);
		return 1;
	}
	if (rc != XJ_OK) {
		fprintf(stderr, "graduate-move-window lift: failed (MariaDB error %u)\n", x->db.err);
		return 1;
	}
	printf("graduate-move-window: the window of %s from %s is lifted\n", province, from);
	return 0;
}
