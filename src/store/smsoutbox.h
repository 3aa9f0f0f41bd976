/* smsoutbox.h -- messages waiting for the SMS gateway (issue 10, A; the
 * outbox of DESIGN.md "Outside parties"). Workers add rows; the jobs
 * runner's sms-deliver claims due rows with a lease, sends them and
 * settles each one only while its lease is still its own, so several
 * runners never send one message at the same time, and a runner that
 * dies leaves its rows to the next one after the lease (at least once;
 * the gateway drops a msg_id it has seen). The body (phone, template,
 * parameters) is stored encrypted and blanked once the row is settled. */
#ifndef XJ_STORE_SMSOUTBOX_H
#define XJ_STORE_SMSOUTBOX_H

#include <stddef.h>

struct xj_db;

#define XJ_SMS_MSGID_LEN	32
#define XJ_SMS_TOKEN_LEN	32
#define XJ_SMS_BODY_CT_MAX	1024

struct xj_sms_row {
	unsigned long long	 id;
	char			 msg_id[XJ_SMS_MSGID_LEN + 1];
	char			 purpose[17];
	unsigned char		 body_ct[XJ_SMS_BODY_CT_MAX];
	size_t			 body_ct_len;
	int			 attempts;	/* tries before this one */
	int			 expired;	/* past expires_at: do not send */
};

/* Queue a message; it expires ttl_s seconds from now. */
int	xj_sms_put(struct xj_db *, const char *msg_id, const char *purpose,
	    const char *kind, const unsigned char *body_ct, size_t ct_len, int ttl_s);
/* Lease up to max due rows to token for lease_s seconds and read them
 * into rows[max]: XJ_OK with *n (0: nothing due). One UPDATE (the claim
 * is atomic: two runners never hold one row) and one SELECT. */
int	xj_sms_claim(struct xj_db *, const char *token, int lease_s, int max,
	    struct xj_sms_row *rows, int *n);
/* Settle a leased row; each is a no-op when the lease was lost. */
int	xj_sms_sent(struct xj_db *, unsigned long long id, const char *token, int status);
int	xj_sms_retry(struct xj_db *, unsigned long long id, const char *token,
	    int status, unsigned delay_s);
/* state "failed" (tried max times, or refused for good) or "expired"
 * (never tried: too late to matter); tried = 1 when this try counts. */
int	xj_sms_give_up(struct xj_db *, unsigned long long id, const char *token,
	    const char *state, int tried, int status);
/* Delete settled rows older than days: one bounded batch, *n deleted. */
int	xj_sms_purge(struct xj_db *, int days, unsigned long long *n);

#endif
