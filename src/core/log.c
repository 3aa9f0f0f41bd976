/* log.c -- JSON-lines logger (see log.h). One write(2) per line, so lines
 * from several threads never interleave. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum xj_loglevel min_level = XJ_LOG_INFO;
static __thread char cur_req[48];
static const char *names[] = { "debug", "info", "warn", "error" };

void
xj_log_init(enum xj_loglevel min)
{
	min_level = min;
}

int
xj_log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void
xj_log_set_request(const char *id)
{
	snprintf(cur_req, sizeof(cur_req), "%s", id ? id : "");
}

struct buf {
	char	 b[2048];
	size_t	 n;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (n > sizeof(b->b) - 2 - b->n)
		n = sizeof(b->b) - 2 - b->n;
	memcpy(b->b + b->n, s, n);
	b->n += n;
}

static void
puts_esc(struct buf *b, const char *s)
{
	char tmp[8];

	put(b, "\"", 1);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			put(b, tmp, 2);
		} else if (c < 0x20) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			put(b, tmp, 6);
		} else
			put(b, (const char *)&c, 1);
	}
	put(b, "\"", 1);
}

void
xj_log(enum xj_loglevel lvl, const char *msg, const char *fmt, ...)
{
	struct buf b;
	struct timespec ts;
	struct tm tm;
	char tbuf[128], num[32];
	va_list ap;
	const char *f;

	if (lvl < min_level)
		return;
	b.n = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(tbuf, sizeof(tbuf), "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"level\":\"%s\"",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[lvl]);
	put(&b, tbuf, strlen(tbuf));
	if (cur_req[0]) {
		put(&b, ",\"req\":", 7);
		puts_esc(&b, cur_req);
	}
	put(&b, ",\"msg\":", 7);
	puts_esc(&b, msg);

	va_start(ap, fmt);
	for (f = fmt ? fmt : ""; *f; ) {
		const char *key;
		if (f[0] != '%')
			break;
		key = va_arg(ap, const char *);
		put(&b, ",", 1);
		puts_esc(&b, key);
		put(&b, ":", 1);
		if (strncmp(f, "%s", 2) == 0) {
			puts_esc(&b, va_arg(ap, const char *));
			f += 2;
		} else if (strncmp(f, "%lld", 4) == 0) {
			snprintf(num, sizeof(num), "%lld", va_arg(ap, long long));
			put(&b, num, strlen(num));
			f += 4;
		} else if (strncmp(f, "%ld", 3) == 0) {
			snprintf(num, sizeof(num), "%ld", va_arg(ap, long));
			put(&b, num, strlen(num));
			f += 3;
		} else if (strncmp(f, "%u", 2) == 0) {
			snprintf(num, sizeof(num), "%u", va_arg(ap, unsigned));
			put(&b, num, strlen(num));
			f += 2;
		} else if (strncmp(f, "%d", 2) == 0) {
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			put(&b, num, strlen(num));
			f += 2;
		} else
			break;
	}
	va_end(ap);
	memcpy(b.b + b.n, "}\n", 2);	/* put() always leaves 2 bytes */
	b.n += 2;
	/* A failed write to stderr has nowhere to be reported. */
	if (write(STDERR_FILENO, b.b, b.n) < 0)
		return;
}
