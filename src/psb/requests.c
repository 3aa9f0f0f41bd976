/* requests.c -- GET /callback/psb/v1/requests?max=N (docs/psb.md §3):
 * hand the PSB gateway up to N identity verification requests (R-COL-5),
 * oldest first, each leased for [collection] psb_lease seconds.
 *
 * Pulls run in parallel (two gateway hosts, two workers): the claim is
 * SELECT ... FOR UPDATE SKIP LOCKED, so a pull never waits for another
 * and never gets a request another pull holds; the lease is written in
 * the same transaction. A request whose registration no longer waits for
 * an answer (corrected since, cancelled, void) is retired instead of
 * handed out, and the claim runs again to fill the batch. Only the
 * psb_request rows are locked: the registration is read without a lock,
 * so a pull takes no lock a parent's correction or a result could wait
 * for in the other order. A GET that leases is not safe to resend:
 * nginx's PSB location has fastcgi_next_upstream off. Each pull that
 * hands out requests is audited in the same transaction (review M6).
 *
 * Protocol version 2 (docs/psb.md §3): each request also carries the first
 * guardian's name and document number, decrypted like the child's, so
 * that PSB can say whether that person is the child's parent or on the
 * same household register (review H1); "guardian" is null when the
 * family gave no number for the first guardian. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "auth/auth.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/req.h"
#include "crypto/field.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/mask.h"
#include "domain/regstate.h"
#include "store/audit.h"
#include "store/psb.h"
#include "psb.h"

#define DEFAULT_MAX	100
#define PROTOCOL	2	/* docs/psb.md §3: 2 adds "guardian" */
#define CLAIM_ROUNDS	8	/* refills after retired requests; then a short batch */

/* One request as handed out. */
struct offered {
	char	token[XJ_PSB_TOKEN_LEN + 1];
	char	name[257];
	char	sex[2];
	char	birth_date[11];
	char	doc_type[2];
	char	id_number[XJ_DOCNO_MAX_BYTES + 1];	/* plaintext: wiped with the arena (L3: whole) */
	int	has_guardian;
	char	g_name[257];
	char	g_doc_type[2];
	char	g_id_number[XJ_DOCNO_MAX_BYTES + 1];	/* plaintext: wiped with the arena */
};

struct pull_tx {
	struct xj_req		*r;
	size_t			 max;
	int			 lease;
	struct xj_psb_claim	*claim;		/* 2 * max */
	struct xj_psb_subject	 subj;
	struct offered		*out;		/* max */
	size_t			 n;
	size_t			 retired;
};

struct wipe {
	void	*p;
	size_t	 len;
};

static void
wipe(void *arg)
{
	struct wipe *w = arg;

	OPENSSL_cleanse(w->p, w->len);
}

/* The query is empty or exactly max=DIGITS, 1..cap; anything else
 * (another parameter, a repeated max) is refused. */
static int
parse_max(struct xj_str q, long cap, size_t *max)
{
	long v = 0;

	*max = DEFAULT_MAX < cap ? DEFAULT_MAX : (size_t)cap;
	if (q.len == 0)
		return XJ_OK;
	if (q.len < 5 || q.len > 8 || memcmp(q.p, "max=", 4) != 0)
		return XJ_E_BAD_QUERY;
	for (size_t i = 4; i < q.len; i++) {
		if (q.p[i] < '0' || q.p[i] > '9')
			return XJ_E_BAD_QUERY;
		v = v * 10 + (q.p[i] - '0');
	}
	if (v < 1 || v > cap)
		return XJ_E_BAD_QUERY;
	*max = (size_t)v;
	return XJ_OK;
}

/* Can a PSB answer still move this registration? The state table
 * decides, not a list of states here. */
static int
answerable(const struct xj_psb_subject *s)
{
	static const enum xj_reg_event ev[] = {
		XJ_REV_PSB_MATCH, XJ_REV_PSB_MISMATCH, XJ_REV_PSB_NOT_FOUND
	};
	struct xj_reg_pos to;

	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		if (xj_reg_next(s->pos, ev[i], s->local_family, &to) == XJ_OK)
			return 1;
	return 0;
}

static int
fill(struct offered *o, const struct xj_psb_claim *c, const struct xj_psb_subject *s)
{
	char row[XJ_REG_ROW_MAX];
	size_t n = 0;
	int rc;

	memcpy(o->token, c->token, sizeof(o->token));
	memcpy(o->name, s->name, sizeof(o->name));
	memcpy(o->sex, s->sex, sizeof(o->sex));
	memcpy(o->birth_date, s->birth_date, sizeof(o->birth_date));
	memcpy(o->doc_type, s->doc_type, sizeof(o->doc_type));
	xj_reg_row(s->prereg, -1, row);
	rc = xj_field_decrypt(xj_auth_keys(), "registration.id_number", row, s->idn_ct,
	    s->idn_ct_len, o->id_number, sizeof(o->id_number), &n);
	if (rc != 0 || n >= sizeof(o->id_number)) {
		/* a key missing from the key file, or a damaged value: an
		 * operator must look (the log names the request); the request
		 * is retired so that it cannot stop the queue behind it */
		xj_log(XJ_LOG_ERROR, "psb_decrypt_failed", "%s%d", "verification_id",
		    c->token, "rc", rc);
		return XJ_NO_ROW;
	}
	o->id_number[n] = '\0';
	/* the first guardian, when the family gave a number for them */
	o->has_guardian = 0;
	if (s->g_idn_ct_len == 0 || s->g_doc_type[0] == '\0')
		return XJ_OK;
	xj_reg_row(s->prereg, 0, row);
	rc = xj_field_decrypt(xj_auth_keys(), "registration_guardian.id_number", row, s->g_idn_ct,
	    s->g_idn_ct_len, o->g_id_number, sizeof(o->g_id_number), &n);
	if (rc != 0 || n >= sizeof(o->g_id_number)) {
		/* the child can still be checked: the link stays unknown */
		xj_log(XJ_LOG_ERROR, "psb_decrypt_failed", "%s%s%d", "verification_id",
		    c->token, "field", "guardian", "rc", rc);
		return XJ_OK;
	}
	o->g_id_number[n] = '\0';
	memcpy(o->g_name, s->g_name, sizeof(o->g_name));
	memcpy(o->g_doc_type, s->g_doc_type, sizeof(o->g_doc_type));
	o->has_guardian = 1;
	return XJ_OK;
}

/* M6: a pull hands out full identity numbers; its entry commits with
 * the leases (an empty pull, the gateway's idle poll, leaves none). */
static int
audit(struct xj_db *db, const struct pull_tx *t)
{
	struct xj_actor who = { XJ_ACTOR_PSB, 0, NULL, 0, t->r->id, t->r->client_addr };
	struct xj_audit a = { "psb.pull", "psb_request", xj_str_c(t->out[0].token),
	    XJ_STR_NULL, XJ_STR_NULL };
	char filter[128];

	snprintf(filter, sizeof(filter), "max=%zu first=%s last=%s", t->max, t->out[0].token,
	    t->out[t->n - 1].token);
	return xj_audit_append_read(db, &who, &a, (unsigned long)t->n, filter);
}

static int
pull_tx(struct xj_db *db, void *arg)
{
	struct pull_tx *t = arg;
	int rc;

	t->n = t->retired = 0;
	for (int round = 0; round < CLAIM_ROUNDS && t->n < t->max; round++) {
		size_t k;

		if ((rc = xj_psb_claim(db, t->max - t->n, t->claim, &k)) != XJ_OK)
			return rc;
		if (k == 0)
			break;
		for (size_t i = 0; i < k; i++) {
			const struct xj_psb_claim *c = &t->claim[i];

			rc = xj_psb_subject(db, c->reg_id, &t->subj);
			if (rc != XJ_OK && rc != XJ_NO_ROW)
				return rc;
			if (rc == XJ_NO_ROW || t->subj.version != c->reg_version ||
			    !answerable(&t->subj)) {
				if ((rc = xj_psb_retire(db, c->id)) != XJ_OK)
					return rc;
				t->retired++;
				continue;
			}
			if ((rc = fill(&t->out[t->n], c, &t->subj)) == XJ_NO_ROW) {
				if ((rc = xj_psb_retire(db, c->id)) != XJ_OK)
					return rc;
				t->retired++;
				continue;
			}
			if (rc != XJ_OK || (rc = xj_psb_offer(db, c->id, t->lease)) != XJ_OK)
				return rc;
			t->n++;
		}
	}
	return t->n ? audit(db, t) : XJ_OK;
}

int
xj_psb_pull(struct xj_req *r)
{
	struct pull_tx t;
	struct wipe *w;
	yajl_gen g;
	int rc;

	/* HEAD matches every GET route, but a pull leases: a HEAD would
	 * lease requests and hand out nothing */
	if (r->method == XJ_M_HEAD) {
		xj_resp_header(r, "Allow", "GET");
		return xj_resp_error(r, XJ_E_METHOD, NULL);
	}
	memset(&t, 0, sizeof(t));
	t.r = r;
	if ((rc = parse_max(r->query, xj_psb_conf->psb_batch_max, &t.max)) != XJ_OK)
		return xj_resp_error(r, rc, "max");
	t.lease = xj_psb_conf->psb_lease;
	if ((t.claim = xj_calloc(r->arena, 2 * t.max, sizeof(*t.claim))) == NULL ||
	    (t.out = xj_calloc(r->arena, t.max, sizeof(*t.out))) == NULL ||
	    (w = xj_alloc(r->arena, sizeof(*w))) == NULL)
		return XJ_E_TOO_COMPLEX;
	w->p = t.out;
	w->len = t.max * sizeof(*t.out);
	if (xj_arena_cleanup(r->arena, wipe, w) != 0)
		return XJ_E_TOO_COMPLEX;
	if ((rc = xj_tx_run(r->db, pull_tx, &t)) != XJ_OK)
		return rc;
	xj_log(XJ_LOG_INFO, "psb_pull", "%d%d%d", "max", (int)t.max, "offered", (int)t.n,
	    "retired", (int)t.retired);

	g = xj_resp_json(r, 200);
	yajl_gen_map_open(g);
	xj_gen_key(g, "requests");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < t.n; i++) {
		const struct offered *o = &t.out[i];
		yajl_gen_map_open(g);
		xj_gen_str(g, "verification_id", o->token);
		xj_gen_str(g, "name", o->name);
		xj_gen_str(g, "sex", o->sex);
		xj_gen_str(g, "birth_date", o->birth_date);
		xj_gen_str(g, "id_doc_type", o->doc_type);
		xj_gen_str(g, "id_number", o->id_number);
		xj_gen_key(g, "guardian");
		if (o->has_guardian) {
			yajl_gen_map_open(g);
			xj_gen_str(g, "name", o->g_name);
			xj_gen_str(g, "id_doc_type", o->g_doc_type);
			xj_gen_str(g, "id_number", o->g_id_number);
			yajl_gen_map_close(g);
		} else
			yajl_gen_null(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	xj_gen_int(g, "lease_seconds", t.lease);
	xj_gen_int(g, "version", PROTOCOL);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
