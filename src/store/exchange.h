/* exchange.h -- the ministry exchange's tables (sql/0027): the inbox of
 * inbound messages, keyed by (sender, message id), and the outbox rows
 * the inbound side reads (a Receipt acknowledges one, a CheckResult
 * answers a StudentBatch's records). Each function is one statement; the
 * caller holds the transaction (exchange/inbound.c). */
#ifndef XJ_STORE_EXCHANGE_H
#define XJ_STORE_EXCHANGE_H

#include <stddef.h>

struct xj_db;

struct xj_xinbox_row {
	unsigned long long	 id;
	unsigned char		 sha[32];
	size_t			 receipt_len;
};

/* XJ_OK with row filled (the stored receipt's length, not its bytes),
 * XJ_NO_ROW, or an error. */
int	xj_xinbox_get(struct xj_db *, const char *sender, const char *message_id,
	    struct xj_xinbox_row *);
/* The stored receipt of row id into buf (len bytes, from
 * xj_xinbox_get): XJ_OK, or XJ_E_INTERNAL when it is not that long. A
 * receipt is as long as its records make it (a refused record's
 * refusal is longer than the record that caused it), so the reader is
 * sized by the row, not by the message. */
int	xj_xinbox_receipt(struct xj_db *, unsigned long long id, char *buf, size_t len);
/* XJ_OK, XJ_E_CONFLICT when (sender, message_id) exists, or an error. */
int	xj_xinbox_insert(struct xj_db *, const char *sender, const char *message_id,
	    const char *type, const char *correlation, const unsigned char sha[32],
	    const char *key_id, const char *status, const char *receipt, size_t len);

struct xj_xoutbox_row {
	unsigned long long	 id;
	char			 type[33];
	char			 receiver[17];
	int			 acked;
};
/* The outbox message with this id, locked; XJ_OK, XJ_NO_ROW or error. */
int	xj_xoutbox_find(struct xj_db *, const char *message_id, struct xj_xoutbox_row *);
/* Record the first acknowledgement; *changed 0 when acknowledged before. */
int	xj_xoutbox_ack(struct xj_db *, unsigned long long id, const char *status,
	    const char *ack_message_id, int *changed);

#endif
