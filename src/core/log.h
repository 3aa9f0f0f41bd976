/* log.h -- structured logging: one JSON object per line on stderr, each
 * carrying the request id of the thread's current request. Never pass
 * identity numbers, phone numbers, passwords, tokens or raw request bodies
 * to these functions: logs leave the protected database. */
#ifndef XJ_LOG_H
#define XJ_LOG_H

enum xj_loglevel { XJ_LOG_DEBUG, XJ_LOG_INFO, XJ_LOG_WARN, XJ_LOG_ERROR };

void	xj_log_init(enum xj_loglevel min);
int	xj_log_level_parse(const char *);
/* Request id for log lines written by this thread ("" = none). */
void	xj_log_set_request(const char *id);
/* msg is a fixed event name; fmt adds "key":value pairs: each "%s"
 * argument pair is a key and a string value (escaped), each "%d"/"%ld"/%u
 * or "%lld" a key and a number, e.g. xj_log(XJ_LOG_INFO, "request",
 * "%s%s%d", "method", "GET", "status", 200). */
void	xj_log(enum xj_loglevel, const char *msg, const char *fmt, ...);

#endif
