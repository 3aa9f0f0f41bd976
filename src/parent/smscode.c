/* smscode.c -- one-time codes that prove a phone's owner (issue 10, A;
 * review H1, M1b, M4; docs/sms.md):
 *   POST /api/parent/v1/sms-codes {phone, purpose}
 *        202 {expires_in, resend_after} | 422 | 429 rate_limited
 * The answer is the same whether or not the number has an account (M1b):
 * what differs is only what the phone receives. Each purpose says whether
 * a code goes to a number with an account (reset) or without one
 * (signup); a number on the other side gets the purpose's notice instead
 * ("this number has an account: sign in or reset"), or nothing. Every
 * check of a code then answers one way for "wrong", "expired", "used",
 * "no tries left" and "never sent", so neither step tells whether a
 * number is registered.
 *
 * A code is 6 digits from RAND_bytes, valid [sms] code_ttl seconds and
 * [sms] code_tries checks; the database holds only HMAC(purpose, phone,
 * code) under a key of its own derived from the HMAC key (crypto/kmac.h).
 * The message waits in the outbox encrypted (crypto/field.h); the jobs
 * runner sends it (ctl/sms.c). Requests are counted per phone and per
 * client address in MariaDB (store/ratelimit.h): workers are stateless.
 *
 * Purposes are rows: the sign-in by code of issue 16 is one more row here
 * and in sql table sms_purpose. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth/auth.h"
#include "core/bind.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/req.h"
#include "crypto/field.h"
#include "crypto/kmac.h"
#include "db/db.h"
#include "db/tx.h"
#include "domain/otp.h"
#include "store/audit.h"
#include "store/parent.h"
#include "store/phonecode.h"
#include "store/ratelimit.h"
#include "store/smsoutbox.h"
#include "parent.h"

extern const struct xj_conf *xj_parent_conf;	/* routes.c */

struct sms_purpose {
	const char	*name;		/* sms_purpose.code */
	const char	*zh;		/* what the code is for, in the message */
	int		 with_account;	/* a code goes to numbers with (1) / without (0) an account */
	const char	*notice;	/* template for a number on the other side; NULL: send nothing */
};

static const struct sms_purpose purposes[] = {
	{ "signup", "注册账号", 0, "XJ_REGISTERED" },
	{ "reset", "找回密码", 1, NULL },
	/* issue 16: sign-in without a password hash (POST /session with a code) */
	{ "login", "登录", 1, NULL },
	{ NULL, NULL, 0, NULL }
};

static const struct sms_purpose *
purpose_find(struct xj_str s)
{
	for (const struct sms_purpose *p = purposes; p->name; p++)
		if (strlen(p->name) == s.len && memcmp(p->name, s.p, s.len) == 0)
			return p;
	return NULL;
}

/* HMAC(HKDF(sms key, "xueji sms code"), purpose "\n" phone "\n" code),
 * under the current key of sms.key (review M11: a key of its own; a
 * rotation makes the codes of the last few minutes fail once, and the
 * family asks for another):
 * a code row is bound to its number and purpose, and a database dump
 * does not give codes away (10^6 candidates need the key). */
int
xj_parent_code_mac(const char *purpose, const struct xj_parent_phone *ph, struct xj_str code,
    unsigned char out[32])
{
	const unsigned char *key = xj_keyring_current(&xj_auth_keys()->sms, NULL);

	return key && xj_sms_code_mac(key, purpose, ph->digits, code.p, code.len, out) == 0 ?
	    XJ_OK : XJ_E_INTERNAL;
}

struct check_tx {
	const char			*purpose;
	const struct xj_parent_phone	*ph;
	const unsigned char		*mac;
	int				 ok;
};

static int
check_tx(struct xj_db *db, void *arg)
{
	struct check_tx *t = arg;

	return xj_code_try(db, t->ph->bidx, t->purpose, t->mac, &t->ok);
}

int
xj_parent_code_check(struct xj_req *r, const char *purpose, const struct xj_parent_phone *ph,
    struct xj_str code, unsigned char mac[32])
{
	struct check_tx t = { purpose, ph, mac, 0 };
	int rc;

	if ((rc = xj_parent_code_mac(purpose, ph, code, mac)) != XJ_OK)
		return rc;
	if ((rc = xj_tx_run(r->db, check_tx, &t)) != XJ_OK)
		return rc;
	return t.ok ? XJ_OK : XJ_E_F_SMS_CODE;
}

/* ---- POST /api/parent/v1/sms-codes ---------------------------------------- */

struct code_req {
	struct xj_str	 phone;
	struct xj_str	 purpose;
};

static const struct xj_field code_req_fields[] = {
	{ "phone", XJ_F_STR, XJ_REQ, 1, 20, NULL, offsetof(struct code_req, phone), NULL, 0, 0, 0 },
	{ "purpose", XJ_F_STR, XJ_REQ, 1, 16, NULL, offsetof(struct code_req, purpose), NULL, 0, 0, 0 },
	XJ_FIELD_END
};

enum send_kind { SEND_NOTHING, SEND_CODE, SEND_NOTICE };

struct send_tx {
	struct xj_req			*r;
	const struct sms_purpose	*p;
	const struct xj_parent_phone	*ph;
	unsigned char			 addr_bidx[XJ_BLIND_LEN];
	unsigned long long		 account;	/* 0: none */
	enum send_kind			 kind;
	unsigned char			 mac[32];
	char				 msg_id[XJ_SMS_MSGID_LEN + 1];
	unsigned char			 ct[XJ_SMS_BODY_CT_MAX];
	size_t				 ct_len;
	long				 retry_after;
};

/* The counters first: a refused request rolls back and counts nothing,
 * and writes nothing. */
static int
send_tx(struct xj_db *db, void *arg)
{
	const struct xj_conf *c = xj_parent_conf;
	struct send_tx *t = arg;
	struct xj_actor who = { XJ_ACTOR_PARENT, t->account, NULL, 0, t->r->id, t->r->client_addr };
	struct xj_audit a = { "sms.none", "sms_outbox", XJ_STR_NULL, XJ_STR_NULL, XJ_STR_NULL };
	int rc;

	t->retry_after = 0;
	if (c->sms_phone_interval > 0 &&
	    (rc = xj_rate_hit(db, "sms.phone.min", t->ph->bidx, c->sms_phone_interval, 1,
	    &t->retry_after)) != XJ_OK)
		return rc;
	if ((rc = xj_rate_hit(db, "sms.phone.hour", t->ph->bidx, 3600, c->sms_phone_hourly,
	    &t->retry_after)) != XJ_OK)
		return rc;
	if ((rc = xj_rate_hit(db, "sms.addr.hour", t->addr_bidx, 3600, c->sms_addr_hourly,
	    &t->retry_after)) != XJ_OK)
		return rc;
	if (t->kind == SEND_CODE &&
	    (rc = xj_code_put(db, t->ph->bidx, t->p->name, t->mac, c->sms_code_tries,
	    c->sms_code_ttl)) != XJ_OK)
		return rc;
	if (t->kind != SEND_NOTHING) {
		if ((rc = xj_sms_put(db, t->msg_id, t->p->name, t->kind == SEND_CODE ? "code" : "notice",
		    t->ct, t->ct_len, c->sms_code_ttl)) != XJ_OK)
			return rc;
		a.action = t->kind == SEND_CODE ? "sms.code" : "sms.notice";
		a.target_id = xj_str_c(t->msg_id);
	}
	return xj_audit_append(db, &who, &a);
}

/* The message's fields for the gateway (docs/sms.md), encrypted. */
static int
seal(struct send_tx *t, const char *code)
{
	const struct xj_conf *c = xj_parent_conf;
	char pt[512];
	int n;

	if (t->kind != SEND_NOTICE)
		n = snprintf(pt, sizeof(pt), "{\"phone\":\"%s\",\"template\":\"XJ_CODE\","
		    "\"params\":{\"code\":\"%s\",\"purpose\":\"%s\",\"minutes\":\"%d\"}}",
		    t->ph->digits, code, t->p->zh, (c->sms_code_ttl + 59) / 60);
	else
		n = snprintf(pt, sizeof(pt), "{\"phone\":\"%s\",\"template\":\"%s\",\"params\":{}}",
		    t->ph->digits, t->p->notice);
	if (n < 0 || (size_t)n >= sizeof(pt) ||
	    xj_field_encrypt(xj_auth_keys(), "sms_outbox.body", t->msg_id, pt, (size_t)n, t->ct,
	    sizeof(t->ct), &t->ct_len) != 0) {
		OPENSSL_cleanse(pt, sizeof(pt));
		return XJ_E_INTERNAL;
	}
	OPENSSL_cleanse(pt, sizeof(pt));
	return XJ_OK;
}

static int
new_code(char out[XJ_OTP_DIGITS + 1])
{
	uint32_t rnd;

	do {
		if (RAND_bytes((unsigned char *)&rnd, sizeof(rnd)) != 1)
			return XJ_E_INTERNAL;
	} while (xj_otp_from_random(rnd, out) != 0);
	return XJ_OK;
}

int
xj_parent_sms_code(struct xj_req *r)
{
	const struct xj_conf *c = xj_parent_conf;
	const char *addr = r->client_addr ? r->client_addr : "";
	struct xj_ferrs fe = { 0 };
	struct xj_parent_login acc;
	struct xj_parent_phone ph;
	struct code_req in;
	struct send_tx t;
	char code[XJ_OTP_DIGITS + 1], ra[24];
	unsigned char rb[16];
	yajl_gen g;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(&t, 0, sizeof(t));
	if ((rc = xj_bind(r->arena, r->json, code_req_fields, &in, &fe)) != XJ_OK &&
	    rc != XJ_E_VALIDATION)
		return rc;
	if (in.phone.p && (rc = xj_parent_phone_prepare(in.phone, &ph, 0)) != XJ_OK) {
		if (rc == XJ_E_INTERNAL)
			return rc;
		xj_ferr_add(&fe, r->arena, "phone", rc);
	}
	if (in.purpose.p && (t.p = purpose_find(in.purpose)) == NULL)
		xj_ferr_add(&fe, r->arena, "purpose", XJ_E_F_CODE);
	if (fe.n)
		return xj_resp_ferrs(r, &fe);
	t.r = r;
	t.ph = &ph;
	if (xj_blind_index(xj_auth_keys(), "client.addr", addr, strlen(addr), t.addr_bidx) != 0)
		return XJ_E_INTERNAL;
	rc = xj_parent_by_phone(r->db, ph.bidx, &acc);
	if (rc != XJ_OK && rc != XJ_NO_ROW)
		return rc;
	t.account = rc == XJ_OK ? acc.id : 0;
	if ((rc == XJ_OK) == t.p->with_account)
		t.kind = SEND_CODE;
	else
		t.kind = t.p->notice ? SEND_NOTICE : SEND_NOTHING;
	/* the message's id first: its body is sealed for it (review L1) */
	if (RAND_bytes(rb, sizeof(rb)) != 1)
		return XJ_E_INTERNAL;
	for (int i = 0; i < 16; i++)
		snprintf(t.msg_id + 2 * i, 3, "%02x", rb[i]);
	/* the same work on every path: a code drawn, a MAC, a message sealed */
	if ((rc = new_code(code)) != XJ_OK ||
	    (rc = xj_parent_code_mac(t.p->name, &ph, xj_str_c(code), t.mac)) != XJ_OK ||
	    (rc = seal(&t, code)) != XJ_OK) {
		OPENSSL_cleanse(code, sizeof(code));
		return rc;
	}
	OPENSSL_cleanse(code, sizeof(code));
	rc = xj_tx_run(r->db, send_tx, &t);
	if (rc == XJ_E_RATE_LIMITED) {
		snprintf(ra, sizeof(ra), "%ld", t.retry_after);
		xj_resp_header(r, "Retry-After", ra);
		return xj_resp_error(r, XJ_E_RATE_LIMITED, NULL);
	}
	if (rc != XJ_OK)
		return rc;
	g = xj_resp_json(r, 202);
	yajl_gen_map_open(g);
	xj_gen_int(g, "expires_in", c->sms_code_ttl);
	xj_gen_int(g, "resend_after", c->sms_phone_interval);
	yajl_gen_map_close(g);
	return xj_resp_send(r);
}
