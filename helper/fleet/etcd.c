/* etcd.c - etcd v3 over its HTTP/JSON gateway (see etcd.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet/etcd.h"
#include "fleet/http.h"
#include "lib/cleanup.h"
#include "lib/strv.h"

/* The least time one endpoint gets within a call (unless less is left): enough for a TLS
 * handshake and an answer on a site's network. */
#define TRY_MIN_MS 500

/* The text of why one endpoint did not serve a call. */
#define WHY_MAX 256

struct etcd {
	struct http *http;
	char **endpoints;
	size_t n_endpoints;
	size_t first;           /* the endpoint a call tries first: the last that answered */
	long connect_ms, call_ms;
	const char *last;       /* the endpoint of the last answer */
	time_t date, date_local;
};

void etcd_free(struct etcd *e)
{
	if (!e)
		return;
	http_free(e->http);
	strv_free(e->endpoints);
	free(e);
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
	if (!(e = calloc(1, sizeof(*e))) || !(e->endpoints = calloc(n + 1, sizeof(char *))))
		goto oom;
	for (size_t i = 0; i < n; i++)
		if (!(e->endpoints[i] = strdup(o->endpoints[i])))
			goto oom;
	e->n_endpoints = n;
	e->connect_ms = o->connect_ms > 0 ? o->connect_ms : ETCD_CONNECT_MS;
	e->call_ms = o->call_ms > 0 ? o->call_ms : ETCD_CALL_MS;
	e->date = -1;
	/* The config holds every endpoint to one scheme: TLS's files are read only for
	 * https:// ones. */
	if ((r = http_new(strncmp(e->endpoints[0], "https://", 8) ? NULL : &o->tls, &e->http,
			  err)) < 0) {
		etcd_free(e);
		return r;
	}
	*ret = e;
	return 0;
oom:
	etcd_free(e);
	return error_set(err, -ENOMEM, "out of memory");
}

/* An answer of etcd's: an error's code and message, or 0 (*RET_BODY taken). */
static int take_answer(struct etcd *e, const char *endpoint, const char *path,
		       struct http_reply *a, char **ret_body, struct error *err)
{
	char msg[256];
	int r;

	e->last = endpoint;
	e->date = a->date;
	e->date_local = time(NULL);
	r = etcd_parse_error(a->body, msg, sizeof(msg));
	if (r < 0 && r != -EBADMSG)
		return error_set(err, r, "etcd at %s: %s: %s", endpoint, path, msg);
	if (a->status != 200 || r == -EBADMSG)
		return error_set(err, -EPROTO, "etcd at %s: %s: HTTP %d, not an answer of etcd's v3 "
				 "gateway (is this etcd 3.4 or later?)", endpoint, path, a->status);
	*ret_body = TAKE_PTR(a->body);
	return 0;
}

/* An answer another member may not give: etcd's UNAVAILABLE ("no leader"), DEADLINE_EXCEEDED
 * and RESOURCE_EXHAUSTED ("too many requests"), or the gateway's HTTP 429 and 5xx for them. */
static bool answer_is_retryable(const struct http_reply *a, char why[WHY_MAX])
{
	char msg[256];
	int r = etcd_parse_error(a->body, msg, sizeof(msg));

	if (r != -EAGAIN && r != -ETIMEDOUT && a->status != 429 && a->status < 500)
		return false;
	/* A message cut at WHY_MAX still says what matters. */
	if (snprintf(why, WHY_MAX, "HTTP %d: %.200s", a->status,
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
	int64_t deadline = http_now_ms() + e->call_ms;
	char why[WHY_MAX] = "";
	const char *endpoint = e->endpoints[e->first];
	int status = -EHOSTUNREACH;

	for (size_t i = 0; i < e->n_endpoints; i++) {
		size_t k = (e->first + i) % e->n_endpoints;
		struct http_reply a;
		int64_t now = http_now_ms(), left = deadline - now, share = left / (int64_t)(e->n_endpoints - i);
		int r;

		if (left <= 0) {
			status = -ETIMEDOUT;
			break;
		}
		if (share < TRY_MIN_MS)
			share = left < TRY_MIN_MS ? left : TRY_MIN_MS;
		endpoint = e->endpoints[k];
		status = http_post(e->http, endpoint, path, body, now + e->connect_ms, now + share,
				   &a, why, sizeof(why));
		if (status == -EFBIG || status == -ENOMEM) {
			e->last = endpoint;
			return error_set(err, status, "etcd at %s: %s: %s", endpoint, path,
					 why[0] ? why : "out of memory");
		}
		if (status == 0 && answer_is_retryable(&a, why))
			status = -EAGAIN;
		if (status < 0) {
			http_reply_clear(&a);
			continue;
		}
		e->first = k;
		r = take_answer(e, endpoint, path, &a, ret_body, err);
		http_reply_clear(&a);
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
