/* gateway.h -- the HTTP client of the SMS gateway (docs/sms.md): one
 * signed JSON POST per message, with connect and total timeouts, over
 * libcurl (TLS verified, no redirects, http/https only). Used by the jobs
 * runner's sms-deliver only; workers never call out. Nothing here logs a
 * body: it holds a phone number and maybe a code. */
#ifndef XJ_SMS_GATEWAY_H
#define XJ_SMS_GATEWAY_H

#include <stddef.h>

struct xj_conf;

#define XJ_GW_APPID_MAX	64
#define XJ_GW_KEY_MAX	64

struct xj_sms_gw {
	char		 url[256];
	char		 path[256];		/* what the signature covers */
	char		 app_id[XJ_GW_APPID_MAX];
	unsigned char	 key[XJ_GW_KEY_MAX];
	size_t		 keylen;
	long		 connect_ms, timeout_ms;
	void		*curl;			/* CURL *, kept for its connection */
};

/* What a send came to. */
enum xj_gw_result {
	XJ_GW_SENT,		/* 2xx: the gateway took it */
	XJ_GW_RETRY,		/* no answer in time, connection failed, 429 or 5xx */
	XJ_GW_REFUSED		/* any other answer: retrying will not help */
};

/* Parse a credentials file's text "APP_ID SECRET_HEX" (pure). 0 or -1. */
int	xj_gw_parse_credentials(const char *text, struct xj_sms_gw *);
/* Set up from [sms]: 0, 1 when no gateway_url is configured (nothing to
 * do), -1 with err (credentials unreadable, bad URL). */
int	xj_gw_open(struct xj_sms_gw *, const struct xj_conf *, char *err, size_t errlen);
void	xj_gw_close(struct xj_sms_gw *);
/* POST body (len bytes of JSON) signed; *status = the HTTP status, 0
 * without one. */
enum xj_gw_result xj_gw_send(struct xj_sms_gw *, const char *body, size_t len, int *status);

#endif
