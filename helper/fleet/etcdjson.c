/* etcdjson.c - etcd's v3 HTTP/JSON gateway: request bodies and answers (see etcdjson.h). */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/etcdjson.h"
#include "lib/cleanup.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static inline void json_putp(struct json_object **o)
{
	json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_putp)

void etcd_kv_clear(struct etcd_kv *kv)
{
	free(kv->key);
	free(kv->value);
	*kv = (struct etcd_kv){ 0 };
}

void etcd_kvs_free(struct etcd_kv *kvs, size_t n)
{
	for (size_t i = 0; kvs && i < n; i++)
		etcd_kv_clear(&kvs[i]);
	free(kvs);
}

char *base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < len ? p[i + 2] : 0);

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < len ? b64[v >> 6 & 63] : '=';
		*o++ = i + 2 < len ? b64[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

int base64_decode(const char *text, char **ret, size_t *ret_len)
{
	size_t n = strlen(text), o = 0;
	_cleanup_free_ char *out = NULL;

	if (n % 4)
		return -EINVAL;
	if (!(out = malloc(n / 4 * 3 + 1)))
		return -ENOMEM;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;

		for (int j = 0; j < 4; j++) {
			bool last = i + 4 == n;

			v[j] = b64_value(text[i + j]);
			if (v[j] < 0 && last && text[i + j] == '=' && j >= 2 &&
			    (j == 3 || text[i + 3] == '=')) {
				v[j] = 0;
				pad++;
			} else if (v[j] < 0 || pad) {
				return -EINVAL;
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];

		out[o++] = (char)(w >> 16);
		if (pad < 2)
			out[o++] = (char)(w >> 8 & 0xff);
		if (pad < 1)
			out[o++] = (char)(w & 0xff);
	}
	out[o] = '\0';
	if (ret_len)
		*ret_len = o;
	*ret = TAKE_PTR(out);
	return 0;
}

int etcd_prefix_end(const char *prefix, char *buf, size_t len)
{
	size_t n = strlen(prefix);

	if (n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, prefix, n + 1);
	while (n > 0 && (unsigned char)buf[n - 1] == 0xff)
		buf[--n] = '\0';
	if (n == 0)
		return -EINVAL;
	buf[n - 1] = (char)((unsigned char)buf[n - 1] + 1);
	return 0;
}

/* The request bodies are written as text: every string in them is base64 (A-Z a-z 0-9
 * + / =) or a fixed word, and every number is printed by us, so nothing needs escaping. */

char *etcd_json_grant(int64_t ttl)
{
	char *s;

	return asprintf(&s, "{\"TTL\":\"%" PRId64 "\"}", ttl) < 0 ? NULL : s;
}

char *etcd_json_lease(int64_t id)
{
	char *s;

	return asprintf(&s, "{\"ID\":\"%" PRId64 "\"}", id) < 0 ? NULL : s;
}

char *etcd_json_range(const char *key, const char *range_end, bool count_only)
{
	_cleanup_free_ char *k = base64_encode(key, strlen(key));
	_cleanup_free_ char *e = range_end ? base64_encode(range_end, strlen(range_end)) : NULL;
	char *s;

	if (!k || (range_end && !e))
		return NULL;
	return asprintf(&s, "{\"key\":\"%s\"%s%s%s%s}", k, e ? ",\"range_end\":\"" : "", e ? e : "",
			e ? "\"" : "", count_only ? ",\"count_only\":true" : "") < 0 ? NULL : s;
}

char *etcd_json_delete(const char *key)
{
	_cleanup_free_ char *k = base64_encode(key, strlen(key));
	char *s;

	return !k || asprintf(&s, "{\"key\":\"%s\"}", k) < 0 ? NULL : s;
}

/* /v3/kv/txn: if KEY's COMPARE (its target, result and value), put KEY = VALUE attached
 * to LEASE, else read KEY. */
static char *put_txn(const char *key, const char *compare, const char *value, int64_t lease)
{
	_cleanup_free_ char *k = base64_encode(key, strlen(key));
	_cleanup_free_ char *v = base64_encode(value, strlen(value));
	char *s;

	if (!k || !v)
		return NULL;
	return asprintf(&s, "{\"compare\":[{\"key\":\"%s\",%s}],"
			"\"success\":[{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\",\"lease\":\"%" PRId64 "\"}}],"
			"\"failure\":[{\"request_range\":{\"key\":\"%s\"}}]}", k, compare, k, v, lease, k) < 0 ?
		       NULL : s;
}

char *etcd_json_put_if_absent(const char *key, const char *value, int64_t lease)
{
	/* The key's create_revision is 0, that is, the key does not exist. */
	return put_txn(key, "\"target\":\"CREATE\",\"result\":\"EQUAL\",\"create_revision\":\"0\"",
		       value, lease);
}

char *etcd_json_put_if_lease(const char *key, const char *value, int64_t lease)
{
	char compare[96];

	snprintf(compare, sizeof(compare), "\"target\":\"LEASE\",\"result\":\"EQUAL\",\"lease\":\"%" PRId64 "\"",
		 lease);
	return put_txn(key, compare, value, lease);
}

/* BODY parsed; NULL when it is not a JSON object. */
static struct json_object *parse(const char *body)
{
	struct json_object *o = body ? json_tokener_parse(body) : NULL;

	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* The member NAME of O, or NULL. */
static struct json_object *member(struct json_object *o, const char *name)
{
	struct json_object *m = NULL;

	return o && json_object_object_get_ex(o, name, &m) ? m : NULL;
}

/* A 64-bit number of O's member NAME (a string of digits, or a number); -ENOENT when it
 * is absent (proto3 leaves out zeros), -EBADMSG when it is not a number. */
static int get_i64(struct json_object *o, const char *name, int64_t *ret)
{
	struct json_object *m = member(o, name);
	const char *s;
	char *end;

	if (!m)
		return -ENOENT;
	if (json_object_is_type(m, json_type_int)) {
		*ret = json_object_get_int64(m);
		return 0;
	}
	if (!json_object_is_type(m, json_type_string))
		return -EBADMSG;
	s = json_object_get_string(m);
	errno = 0;
	*ret = strtoll(s, &end, 10);
	return errno || end == s || *end ? -EBADMSG : 0;
}

/* A 64-bit member that may be left out: 0 then. */
static int get_i64_or_0(struct json_object *o, const char *name, int64_t *ret)
{
	int r = get_i64(o, name, ret);

	if (r == -ENOENT)
		*ret = 0;
	return r == -ENOENT ? 0 : r;
}

/* O's base64 member NAME decoded into *RET, at most MAX bytes and without a NUL. */
static int get_b64(struct json_object *o, const char *name, size_t max, char **ret)
{
	struct json_object *m = member(o, name);
	size_t n;
	int r;

	if (!m) /* proto3 leaves out an empty value */
		return (*ret = strdup("")) ? 0 : -ENOMEM;
	if (!json_object_is_type(m, json_type_string))
		return -EBADMSG;
	r = base64_decode(json_object_get_string(m), ret, &n);
	if (r < 0)
		return r == -EINVAL ? -EBADMSG : r;
	if (n > max || strlen(*ret) != n) {
		free(TAKE_PTR(*ret));
		return -EBADMSG;
	}
	return 0;
}

/* One element of a range answer's "kvs". */
static int parse_kv(struct json_object *o, struct etcd_kv *kv)
{
	int r;

	*kv = (struct etcd_kv){ 0 };
	if (!json_object_is_type(o, json_type_object) || !member(o, "key"))
		return -EBADMSG;
	if ((r = get_b64(o, "key", ETCD_KEY_MAX, &kv->key)) < 0 ||
	    (r = get_b64(o, "value", ETCD_VALUE_MAX, &kv->value)) < 0 ||
	    (r = get_i64_or_0(o, "lease", &kv->lease)) < 0 ||
	    (r = get_i64_or_0(o, "create_revision", &kv->create_revision)) < 0 ||
	    (r = get_i64_or_0(o, "mod_revision", &kv->mod_revision)) < 0) {
		etcd_kv_clear(kv);
		return r;
	}
	return 0;
}

/* A streamed answer (keepalive) is wrapped: {"result": {...}} or {"error": {...}}. */
static struct json_object *unwrap(struct json_object *o)
{
	struct json_object *r = member(o, "result");

	if (r && json_object_is_type(r, json_type_object))
		return r;
	r = member(o, "error");
	return r && json_object_is_type(r, json_type_object) ? r : o;
}

int etcd_parse_error(const char *body, char *msg, size_t len)
{
	_cleanup_json_ struct json_object *top = parse(body);
	struct json_object *o = unwrap(top), *m;
	int64_t code = 0;

	if (!top)
		return -EBADMSG;
	if (!member(o, "error") && !member(o, "message") && get_i64(o, "code", &code) < 0)
		return 0;
	m = member(o, "message") ? member(o, "message") : member(o, "error");
	snprintf(msg, len, "%s", m && json_object_is_type(m, json_type_string) ?
		 json_object_get_string(m) : "an error without a message");
	/* A stream's error says grpc_code. */
	if (get_i64(o, "code", &code) < 0 && get_i64(o, "grpc_code", &code) < 0)
		code = -1;
	switch (code) {
	case 3:
		return -EINVAL;
	case 4:
		return -ETIMEDOUT;
	case 5:
		return -ENOENT;
	case 7:
	case 16:
		return -EACCES;
	case 8:  /* RESOURCE_EXHAUSTED: too many requests */
	case 14: /* UNAVAILABLE: no leader, or shutting down */
		return -EAGAIN;
	default:
		return -EPROTO;
	}
}

int etcd_parse_grant(const char *body, int64_t *ret_id, int64_t *ret_ttl)
{
	_cleanup_json_ struct json_object *o = parse(body);
	int64_t id, ttl;

	if (!o || get_i64(o, "ID", &id) < 0 || get_i64(o, "TTL", &ttl) < 0 || id == 0 || ttl <= 0)
		return -EBADMSG;
	*ret_id = id;
	*ret_ttl = ttl;
	return 0;
}

int etcd_parse_keepalive(const char *body, int64_t *ret_ttl)
{
	_cleanup_json_ struct json_object *top = parse(body);
	struct json_object *o = unwrap(top);
	int64_t ttl;
	int r;

	if (!top || !member(top, "result") || !member(o, "header"))
		return -EBADMSG;
	r = get_i64(o, "TTL", &ttl);
	if (r == -EBADMSG)
		return r;
	if (r == -ENOENT || ttl <= 0)
		return -ENOENT;
	*ret_ttl = ttl;
	return 0;
}

int etcd_parse_txn(const char *body, bool *ret_succeeded, struct etcd_kv *ret_holder)
{
	_cleanup_json_ struct json_object *o = parse(body);
	struct json_object *resp, *range, *kvs, *ok;

	if (!o || !member(o, "header"))
		return -EBADMSG;
	ok = member(o, "succeeded");
	if (ok && !json_object_is_type(ok, json_type_boolean))
		return -EBADMSG;
	*ret_holder = (struct etcd_kv){ 0 };
	if ((*ret_succeeded = ok && json_object_get_boolean(ok)))
		return 0;
	resp = member(o, "responses");
	if (!resp || !json_object_is_type(resp, json_type_array) || json_object_array_length(resp) != 1)
		return -EBADMSG;
	range = member(json_object_array_get_idx(resp, 0), "response_range");
	if (!range)
		return -EBADMSG;
	kvs = member(range, "kvs");
	if (kvs && !json_object_is_type(kvs, json_type_array))
		return -EBADMSG;
	if (!kvs || json_object_array_length(kvs) == 0) /* gone between compare and read */
		return 0;
	return parse_kv(json_object_array_get_idx(kvs, 0), ret_holder);
}

int etcd_parse_range(const char *body, struct etcd_kv **ret, size_t *ret_n, int64_t *ret_count)
{
	_cleanup_json_ struct json_object *o = parse(body);
	struct json_object *kvs;
	struct etcd_kv *v = NULL;
	size_t n = 0;
	int64_t count;
	int r;

	if (!o || !member(o, "header") || get_i64_or_0(o, "count", &count) < 0)
		return -EBADMSG;
	kvs = member(o, "kvs");
	if (kvs && !json_object_is_type(kvs, json_type_array))
		return -EBADMSG;
	n = kvs ? json_object_array_length(kvs) : 0;
	if (n && !(v = calloc(n, sizeof(*v))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if ((r = parse_kv(json_object_array_get_idx(kvs, i), &v[i])) < 0) {
			etcd_kvs_free(v, i);
			return r;
		}
	*ret = v;
	*ret_n = n;
	if (ret_count)
		*ret_count = count;
	return 0;
}
