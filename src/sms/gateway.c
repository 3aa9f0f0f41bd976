/* gateway.c -- the SMS gateway's HTTP client (see gateway.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/conf.h"
#include "crypto/sign.h"
#include "gateway.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
xj_gw_parse_credentials(const char *text, struct xj_sms_gw *g)
{
	const char *p = text, *id, *hex;
	size_t idlen, hexlen;

	while (*p == ' ' || *p == '\t')
		p++;
	id = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	idlen = (size_t)(p - id);
	while (*p == ' ' || *p == '\t')
		p++;
	hex = p;
	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))
		p++;
	hexlen = (size_t)(p - hex);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (idlen == 0 || idlen >= sizeof(g->app_id) || *p != '\0' || hexlen % 2 ||
	    hexlen / 2 < XJ_SIGN_KEY_MIN || hexlen / 2 > sizeof(g->key))
		return -1;
	for (size_t i = 0; i < idlen; i++) {
		unsigned char c = (unsigned char)id[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_' || c == '-' || c == '.'))
			return -1;
	}
	memcpy(g->app_id, id, idlen);
	g->app_id[idlen] = '\0';
	g->keylen = hexlen / 2;
	for (size_t i = 0; i < g->keylen; i++)
		g->key[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	return 0;
}

int
xj_gw_open(struct xj_sms_gw *g, const struct xj_conf *c, char *err, size_t errlen)
{
	char text[512];
	const char *s;

	memset(g, 0, sizeof(*g));
	if (c->sms_gateway_url[0] == '\0')
		return 1;
	if (strncmp(c->sms_gateway_url, "https://", 8) != 0 &&
	    strncmp(c->sms_gateway_url, "http://", 7) != 0) {
		snprintf(err, errlen, "[sms] gateway_url must start with https:// (or http:// for a local simulator)");
		return -1;
	}
	snprintf(g->url, sizeof(g->url), "%s", c->sms_gateway_url);
	s = strchr(g->url + (g->url[4] == 's' ? 8 : 7), '/');
	snprintf(g->path, sizeof(g->path), "%s", s ? s : "/");
	if (c->sms_credentials_file[0] == '\0') {
		snprintf(err, errlen, "[sms] credentials_file is required with a gateway_url");
		return -1;
	}
	if (xj_conf_read_secret(c->sms_credentials_file, text, sizeof(text), err, errlen) != 0)
		return -1;
	if (xj_gw_parse_credentials(text, g) != 0) {
		OPENSSL_cleanse(text, sizeof(text));
		snprintf(err, errlen, "%s: want one line 'APP_ID SECRET_HEX' (32..128 hex digits)",
		    c->sms_credentials_file);
		return -1;
	}
	OPENSSL_cleanse(text, sizeof(text));
	g->connect_ms = c->sms_connect_timeout_ms;
	g->timeout_ms = c->sms_timeout_ms;
	if ((g->curl = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	return 0;
}

void
xj_gw_close(struct xj_sms_gw *g)
{
	if (g->curl != NULL)
		curl_easy_cleanup(g->curl);
	OPENSSL_cleanse(g->key, sizeof(g->key));
	g->curl = NULL;
}

/* The gateway's answer is read and dropped (its status decides); at
 * most 64 KiB of it. */
static size_t
drop(char *p, size_t sz, size_t n, void *arg)
{
	size_t *total = arg;

	(void)p;
	*total += sz * n;
	return *total > 65536 ? 0 : sz * n;
}

enum xj_gw_result
xj_gw_send(struct xj_sms_gw *g, const char *body, size_t len, int *status)
{
	CURL *cu = g->curl;
	struct curl_slist *h = NULL;
	unsigned char rnd[16];
	char ts[24], nonce[33], sig[XJ_SIGN_HEX_LEN + 1], line[160];
	size_t got = 0;
	long code = 0;
	CURLcode rc;

	*status = 0;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return XJ_GW_RETRY;
	for (int i = 0; i < 16; i++)
		snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	if (xj_sign_psb(g->key, g->keylen, ts, nonce, "POST", g->path, body, len, sig) != 0)
		return XJ_GW_RETRY;
	h = curl_slist_append(h, "Content-Type: application/json; charset=utf-8");
	snprintf(line, sizeof(line), "X-Sms-App-Id: %s", g->app_id);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "X-Sms-Timestamp: %s", ts);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "X-Sms-Nonce: %s", nonce);
	h = curl_slist_append(h, line);
	snprintf(line, sizeof(line), "X-Sms-Signature: %s", sig);
	h = curl_slist_append(h, line);
	h = curl_slist_append(h, "Expect:");
	curl_easy_reset(cu);
	curl_easy_setopt(cu, CURLOPT_URL, g->url);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, g->connect_ms);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, g->timeout_ms);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(cu, CURLOPT_POST, 1L);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, drop);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &got);
	rc = curl_easy_perform(cu);
	curl_slist_free_all(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
	/* the request buffer is the caller's: drop curl's pointer to it */
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, NULL);
	if (rc != CURLE_OK)
		return XJ_GW_RETRY;
	*status = (int)code;
	if (code >= 200 && code < 300)
		return XJ_GW_SENT;
	if (code == 429 || code >= 500 || code == 408)
		return XJ_GW_RETRY;
	return XJ_GW_REFUSED;
}
