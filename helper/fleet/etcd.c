/* etcd.c - etcd v3 over its HTTP/JSON gateway with libcurl (see etcd.h). */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fleet/etcd.h"
#include "lib/cleanup.h"
#include "lib/strv.h"

/* An answer larger than this is not etcd's to warren (a list of every user's lease is a
 * few hundred bytes a user). */
#define ANSWER_MAX (4 * 1024 * 1024)

/* The least time one endpoint gets within a call (unless less is left): enough for a TLS
 * handshake and an answer on a site's network. */
#define TRY_MIN_MS 500

struct etcd {
	CURL *curl;
	char **endpoints;
	size_t n_endpoints;
	size_t first;           /* the endpoint a call tries first: the last that answered */
	long connect_ms, call_ms;
	const char *last;       /* the endpoint of the last answer */
	time_t date, date_local;
};

/* What one answer is being read into. */
struct answer {
	char *buf;
	size_t len;
	bool too_big;
	time_t date;
};

static size_t on_body(char *data, size_t size, size_t n, void *opaque)
{
	struct answer *a = opaque;
	size_t add = size * n;
	char *p;

	if (a->len + add > ANSWER_MAX || !(p = realloc(a->buf, a->len + add + 1))) {
		a->too_big = true;
		return 0;
	}
	memcpy(p + a->len, data, add);
	a->buf = p;
	a->len += add;
	a->buf[a->len] = '\0';
	return add;
}

/* The Date header: etcd's clock (warrenctl doctor compares it with this host's). */
static size_t on_header(char *data, size_t size, size_t n, void *opaque)
{
	struct answer *a = opaque;
	size_t len = size * n;
	char line[128];

	if (len > 5 && len < sizeof(line) && !strncasecmp(data, "Date:", 5)) {
		memcpy(line, data + 5, len - 5);
		line[len - 5] = '\0';
		a->date = curl_getdate(line, NULL);
	}
	return len;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void etcd_free(struct etcd *e)
{
	if (!e)
		return;
	if (e->curl)
		curl_easy_cleanup(e->curl);
	strv_free(e->endpoints);
	free(e);
}

/* Give libcurl PEM's bytes for OPT; it keeps a copy (the caller wipes and frees its own). */
static bool blob(CURL *c, CURLoption opt, const struct etcd_pem *pem)
{
	struct curl_blob b = { .data = pem->data, .len = pem->len, .flags = CURL_BLOB_COPY };

	return curl_easy_setopt(c, opt, &b) == CURLE_OK;
}

/* The options every call shares: POST of JSON, no redirect, no proxy from the
 * environment, http(s) only, no signals (timeouts without SIGALRM), TLS files. */
static int setup(struct etcd *e, const struct etcd_options *o, struct error *err)
{
	CURL *c = e->curl;
	bool ok = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
		  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
		  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
		  curl_easy_setopt(c, CURLOPT_NOPROXY, "*") == CURLE_OK &&
		  curl_easy_setopt(c, CURLOPT_POST, 1L) == CURLE_OK &&
		  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
		  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;

	if (ok && o->cert.data)
		ok = blob(c, CURLOPT_SSLCERT_BLOB, &o->cert) && blob(c, CURLOPT_SSLKEY_BLOB, &o->key);
	/* Peer and name are verified (libcurl's defaults, said here so that they stay). With
	 * a cacert, that CA alone: Debian's libcurl also trusts the system's CA directory
	 * unless told not to, and any CA there could then vouch for "etcd" (the blob takes
	 * the place of the CA file). */
	if (ok)
		ok = curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
		     curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
	if (ok && o->cacert.data)
		ok = blob(c, CURLOPT_CAINFO_BLOB, &o->cacert) &&
		     curl_easy_setopt(c, CURLOPT_CAPATH, NULL) == CURLE_OK;
	if (!ok)
		return error_set(err, -EINVAL, "libcurl refuses an option warren needs (is it built "
				 "with http and https?)");
	return 0;
}

int etcd_new(const struct etcd_options *o, struct etcd **ret, struct error *err)
{
	struct etcd *e;
	size_t n = 0;
	int r;

	while (o->endpoints && o->endpoints[n])
		n++;
	if (n == 0)
		return error_set(err, -EINVAL, "no etcd endpoint");
	/* Idempotent, and the programs that call this run no other thread. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return error_set(err, -ENOMEM, "cannot initialise libcurl");
	if (!(e = calloc(1, sizeof(*e))) || !(e->endpoints = calloc(n + 1, sizeof(char *))))
		goto oom;
	for (size_t i = 0; i < n; i++)
		if (!(e->endpoints[i] = strdup(o->endpoints[i])))
			goto oom;
	e->n_endpoints = n;
	e->connect_ms = o->connect_ms > 0 ? o->connect_ms : ETCD_CONNECT_MS;
	e->call_ms = o->call_ms > 0 ? o->call_ms : ETCD_CALL_MS;
	e->date = -1;
	if (!(e->curl = curl_easy_init()))
		goto oom;
	if ((r = setup(e, o, err)) < 0) {
		etcd_free(e);
		return r;
	}
	*ret = e;
	return 0;
oom:
	etcd_free(e);
	return error_set(err, -ENOMEM, "out of memory");
}

/* One POST to ENDPOINT within MS milliseconds: the HTTP status, or a CURLcode's failure
 * (negative) with its text in WHY. */
static long post_one(struct etcd *e, const char *endpoint, const char *path, const char *body,
		     long ms, struct answer *a, char why[CURL_ERROR_SIZE])
{
	char url[512];
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	CURLcode c;
	long status = 0;

	snprintf(url, sizeof(url), "%s%s", endpoint, path);
	why[0] = '\0';
	curl_easy_setopt(e->curl, CURLOPT_URL, url);
	curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(e->curl, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(e->curl, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS, ms < e->connect_ms ? ms : e->connect_ms);
	c = curl_easy_perform(e->curl);
	curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	if (c != CURLE_OK) {
		if (!why[0])
			snprintf(why, CURL_ERROR_SIZE, "%s", curl_easy_strerror(c));
		return c == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EHOSTUNREACH;
	}
	curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

/* An answer of etcd's: an error's code and message, or 0 (*RET_BODY taken). */
static int take_answer(struct etcd *e, const char *endpoint, const char *path, long status,
		       struct answer *a, char **ret_body, struct error *err)
{
	char msg[256];
	int r;

	e->last = endpoint;
	e->date = a->date;
	e->date_local = time(NULL);
	if (a->too_big)
		return error_set(err, -EFBIG, "etcd at %s: %s: the answer is larger than %d bytes",
				 endpoint, path, ANSWER_MAX);
	r = etcd_parse_error(a->buf ? a->buf : "", msg, sizeof(msg));
	if (r < 0 && r != -EBADMSG)
		return error_set(err, r, "etcd at %s: %s: %s", endpoint, path, msg);
	if (status != 200 || r == -EBADMSG)
		return error_set(err, -EPROTO, "etcd at %s: %s: HTTP %ld, not an answer of etcd's v3 "
				 "gateway (is this etcd 3.4 or later?)", endpoint, path, status);
	*ret_body = TAKE_PTR(a->buf);
	return 0;
}

/* An answer another member may not give: etcd's UNAVAILABLE ("no leader"), DEADLINE_EXCEEDED
 * and RESOURCE_EXHAUSTED ("too many requests"), or the gateway's HTTP 429 and 5xx for them. */
static bool answer_is_retryable(long status, const struct answer *a, char why[CURL_ERROR_SIZE])
{
	char msg[256];
	int r = etcd_parse_error(a->buf ? a->buf : "", msg, sizeof(msg));

	if (r != -EAGAIN && r != -ETIMEDOUT && status != 429 && status < 500)
		return false;
	/* A message cut at CURL_ERROR_SIZE still says what matters. */
	if (snprintf(why, CURL_ERROR_SIZE, "HTTP %ld: %.200s", status,
		     r < 0 && r != -EBADMSG ? msg : "") < 0)
		why[0] = '\0';
	return true;
}

/* Each endpoint is tried once, from the one that answered last, each with an equal share of
 * the time left (TRY_MIN_MS at least): one member that accepts connections but never
 * answers, or answers that it has no leader, must not take the whole call while the others
 * hold a quorum. */
int etcd_call(struct etcd *e, const char *path, const char *body, char **ret_body,
	      struct error *err)
{
	long deadline = now_ms() + e->call_ms, status = -EHOSTUNREACH;
	char why[CURL_ERROR_SIZE] = "";
	const char *endpoint = e->endpoints[e->first];

	for (size_t i = 0; i < e->n_endpoints; i++) {
		size_t k = (e->first + i) % e->n_endpoints;
		struct answer a = { .date = -1 };
		long left = deadline - now_ms(), share = left / (long)(e->n_endpoints - i);
		int r;

		if (left <= 0) {
			status = -ETIMEDOUT;
			break;
		}
		if (share < TRY_MIN_MS)
			share = left < TRY_MIN_MS ? left : TRY_MIN_MS;
		endpoint = e->endpoints[k];
		status = post_one(e, endpoint, path, body, share, &a, why);
		if (status >= 0 && !a.too_big && answer_is_retryable(status, &a, why))
			status = -EAGAIN;
		if (status < 0) {
			free(a.buf);
			continue;
		}
		e->first = k;
		r = take_answer(e, endpoint, path, status, &a, ret_body, err);
		free(a.buf);
		return r;
	}
	e->last = NULL;
	if (status == -ETIMEDOUT)
		return error_set(err, -ETIMEDOUT, "etcd did not answer within %ld ms (last tried: "
				 "%s: %s)", e->call_ms, endpoint, why[0] ? why : "no time left");
	if (status == -EAGAIN)
		return error_set(err, -EAGAIN, "no etcd endpoint can serve now (last tried: %s: %s)",
				 endpoint, why);
	return error_set(err, -EHOSTUNREACH, "no etcd endpoint answers (last tried: %s: %s)",
			 endpoint, why);
}

time_t etcd_last_date(const struct etcd *e, time_t *ret_local)
{
	if (ret_local)
		*ret_local = e->date < 0 ? 0 : e->date_local;
	return e->date;
}

const char *etcd_last_endpoint(const struct etcd *e)
{
	return e->last;
}

/* etcd_call with a body from a builder (NULL: out of memory). */
static int call(struct etcd *e, const char *path, char *body, char **ret, struct error *err)
{
	_cleanup_free_ char *b = body;

	if (!b)
		return error_set(err, -ENOMEM, "out of memory");
	return etcd_call(e, path, b, ret, err);
}

static int bad_answer(struct error *err, const struct etcd *e, const char *path)
{
	return error_set(err, -EBADMSG, "etcd at %s: %s: an answer warren cannot read",
			 e->last ? e->last : "?", path);
}

int etcd_lease_grant(struct etcd *e, int64_t ttl, int64_t *ret_id, struct error *err)
{
	_cleanup_free_ char *a = NULL;
	int64_t got;
	int r = call(e, "/v3/lease/grant", etcd_json_grant(ttl), &a, err);

	if (r < 0)
		return r;
	if (etcd_parse_grant(a, ret_id, &got) < 0)
		return bad_answer(err, e, "/v3/lease/grant");
	return 0;
}

int etcd_lease_keepalive(struct etcd *e, int64_t id, int64_t *ret_ttl, struct error *err)
{
	_cleanup_free_ char *a = NULL;
	int r = call(e, "/v3/lease/keepalive", etcd_json_lease(id), &a, err);

	if (r < 0)
		return r;
	r = etcd_parse_keepalive(a, ret_ttl);
	if (r == -ENOENT)
		return error_set(err, -ENOENT, "etcd at %s no longer has lease %" PRIx64 " (it "
				 "expired or was revoked)", e->last, (uint64_t)id);
	return r < 0 ? bad_answer(err, e, "/v3/lease/keepalive") : 0;
}

int etcd_lease_revoke(struct etcd *e, int64_t id, struct error *err)
{
	_cleanup_free_ char *a = NULL;

	return call(e, "/v3/lease/revoke", etcd_json_lease(id), &a, err);
}

int etcd_put_if_absent(struct etcd *e, const char *key, const char *value, int64_t lease,
		       struct etcd_kv *ret_holder, struct error *err)
{
	_cleanup_free_ char *a = NULL;
	bool ok;
	int r = call(e, "/v3/kv/txn", etcd_json_put_if_absent(key, value, lease), &a, err);

	if (r < 0)
		return r;
	if (etcd_parse_txn(a, &ok, ret_holder) < 0)
		return bad_answer(err, e, "/v3/kv/txn");
	return ok ? 0 : -EEXIST;
}

int etcd_put_if_lease(struct etcd *e, const char *key, const char *value, int64_t lease,
		      struct error *err)
{
	_cleanup_free_ char *a = NULL;
	struct etcd_kv kv = { 0 };
	bool ok;
	int r = call(e, "/v3/kv/txn", etcd_json_put_if_lease(key, value, lease), &a, err);

	if (r < 0)
		return r;
	r = etcd_parse_txn(a, &ok, &kv);
	etcd_kv_clear(&kv);
	if (r < 0)
		return bad_answer(err, e, "/v3/kv/txn");
	return ok ? 0 : error_set(err, -ENOENT, "the key %s is not attached to lease %" PRIx64, key,
				  (uint64_t)lease);
}

int etcd_get(struct etcd *e, const char *key, struct etcd_kv *ret, struct error *err)
{
	_cleanup_free_ char *a = NULL;
	struct etcd_kv *kvs = NULL;
	size_t n = 0;
	int r = call(e, "/v3/kv/range", etcd_json_range(key, NULL, false), &a, err);

	if (r < 0)
		return r;
	if (etcd_parse_range(a, &kvs, &n, NULL) < 0 || n > 1) {
		etcd_kvs_free(kvs, n);
		return bad_answer(err, e, "/v3/kv/range");
	}
	if (n == 0)
		return -ENOENT;
	*ret = kvs[0];
	free(kvs);
	return 0;
}

int etcd_get_prefix(struct etcd *e, const char *prefix, struct etcd_kv **ret, size_t *ret_n,
		    struct error *err)
{
	_cleanup_free_ char *a = NULL;
	char end[ETCD_KEY_MAX + 1];
	int r;

	if (etcd_prefix_end(prefix, end, sizeof(end)) < 0)
		return error_set(err, -EINVAL, "not a key prefix: \"%s\"", prefix);
	r = call(e, "/v3/kv/range", etcd_json_range(prefix, end, false), &a, err);
	if (r < 0)
		return r;
	if (etcd_parse_range(a, ret, ret_n, NULL) < 0)
		return bad_answer(err, e, "/v3/kv/range");
	return 0;
}

int etcd_delete(struct etcd *e, const char *key, struct error *err)
{
	_cleanup_free_ char *a = NULL;

	return call(e, "/v3/kv/deleterange", etcd_json_delete(key), &a, err);
}
