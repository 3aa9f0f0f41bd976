/* outbox.h -- the outbox the ministry pulls (issue 13 item 4, sql/0027
 * and sql/0029; docs/architecture.md "Ministry exchange: the outbox").
 * A message is written once, in the transaction of the change that causes
 * it (xj_xoutbox_write), sealed with the field key; the ministry pages
 * through it by cursor (the row id), acknowledges by cursor, and what it
 * passed without acknowledging is offered again after the deadline. Each
 * function is one statement or one read loop; the caller holds the
 * transaction. */
#ifndef XJ_STORE_OUTBOX_H
#define XJ_STORE_OUTBOX_H

#include <stddef.h>

struct xj_db;
struct xj_keys;
struct xj_arena;

/* the longest message body the outbox holds */
#define XJ_XOB_BODY_MAX	(64u * 1024)

/* The one way a message enters the outbox: its exact signed bytes and
 * the Xueji-Signature header value over them. Sealed under aad
 * "exchange_outbox.body", row = message_id. len at most
 * XJ_XOB_BODY_MAX (64 KiB: a message of the outbox is a part of a batch,
 * docs/xml/README.md). XJ_OK with *id (the cursor), or an error
 * (XJ_E_INTERNAL for a body too large to seal). */
int	xj_xoutbox_write(struct xj_db *, const struct xj_keys *, const char *message_id,
	    const char *type, const char *receiver, const char *body, size_t len,
	    const char *signature, unsigned long long *id);
/* A record a StudentBatch carried (its ref and student). */
int	xj_xoutbox_add_record(struct xj_db *, unsigned long long outbox_id, const char *ref,
	    unsigned long long student_id);

struct xj_xob_msg {
	unsigned long long	 id;
	char			 message_id[65];
	char			 type[33];
	char			 created[20];	/* UTC, YYYY-MM-DD HH:MM:SS */
	char			 signature[513];
	unsigned		 offered;	/* times offered before this pull */
	int			 again;		/* offered again (unacknowledged) */
	char			*body;		/* arena, plaintext */
	size_t			 len;
};

/* One page for receiver: first what was passed unacknowledged and last
 * offered more than deadline_s ago (at most limit), then the messages
 * after the cursor, up to limit in all and while their bodies fit in
 * max_bytes (one message always). Every message returned is marked
 * offered. *n messages into out[limit] (bodies in the arena, opened with
 * keys); *more 1 when messages after the page remain. out has room for
 * limit + 1 messages. */
int	xj_xoutbox_page(struct xj_db *, const struct xj_keys *, struct xj_arena *,
	    const char *receiver, unsigned long long after, unsigned limit, long deadline_s,
	    size_t max_bytes, struct xj_xob_msg *out, unsigned *n, int *more);

/* Acknowledge every message to receiver up to cursor upto (monotonic).
 * XJ_OK with *acked the cursor now stored, XJ_NO_ROW when upto names no
 * message offered to receiver, or an error. upto 0 only reads. */
int	xj_xoutbox_ack_upto(struct xj_db *, const char *receiver, unsigned long long upto,
	    unsigned long long *acked);

/* The alert job's batch: up to limit unacknowledged messages created
 * more than deadline_s ago and not alerted yet, each marked alerted and
 * passed to fn (id, message id, receiver, times offered). *n handled. */
int	xj_xoutbox_overdue(struct xj_db *, long deadline_s, unsigned limit,
	    void (*fn)(unsigned long long, const char *, const char *, unsigned),
	    unsigned *n);

/* Messages built in the transaction of the change that causes them by a
 * worker that holds no signing key (a reviewer's decision in the school
 * portal, sql/0034): their final bytes are sealed (aad
 * "exchange_outbox_pending.body", row = the message id) and queued; the
 * jobs runner's exchange-sign (ctl/exchangesign.c) signs each and moves
 * it into the outbox with xj_xoutbox_write, one transaction per message,
 * in the order they were queued. XJ_OK or an error. */
int	xj_xoutbox_queue(struct xj_db *, const struct xj_keys *, const char *message_id,
	    const char *type, const char *receiver, const char *body, size_t len);
struct xj_xob_pending {
	unsigned long long	 id;
	char			 message_id[65];
	char			 type[33];
	char			 receiver[17];
	char			*body;		/* OPENSSL_malloc'd plaintext */
	size_t			 len;
};
/* The oldest queued message, locked (SKIP LOCKED): XJ_OK (free with
 * xj_xoutbox_pending_free), XJ_NO_ROW or an error. */
int	xj_xoutbox_pending_next(struct xj_db *, const struct xj_keys *, struct xj_xob_pending *);
void	xj_xoutbox_pending_free(struct xj_xob_pending *);
/* Remove it once written into the outbox (same transaction). */
int	xj_xoutbox_pending_done(struct xj_db *, unsigned long long id);

#endif
