/* etcdjson.h - what goes to and comes from etcd's v3 HTTP/JSON gateway, as pure functions
 * (no I/O): the request bodies, the answers parsed, and base64, in which the gateway
 * carries every key and value.  Numbers of 64 bits travel as JSON strings ("ID":"42").
 * etcd.h sends them; tests/unit/test_etcdjson.c holds them to etcd 3.4's answers. */
#ifndef WARREN_ETCDJSON_H
#define WARREN_ETCDJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* warren's keys and values are short text: anything longer is not one of ours. */
#define ETCD_KEY_MAX 512
#define ETCD_VALUE_MAX 4096

/* One key of a range answer, decoded. */
struct etcd_kv {
	char *key;               /* NUL-terminated */
	char *value;             /* NUL-terminated; a value holding a NUL is refused */
	int64_t lease;           /* 0: none */
	int64_t create_revision;
	int64_t mod_revision;
};

void etcd_kv_clear(struct etcd_kv *kv);
void etcd_kvs_free(struct etcd_kv *kvs, size_t n);

/* Standard base64 (RFC 4648, with padding) of LEN bytes at DATA; NULL when out of memory. */
char *base64_encode(const void *data, size_t len);
/* TEXT (standard base64, padded) decoded into *RET (NUL-terminated, free it) and *RET_LEN
 * (if not NULL); -EINVAL when TEXT is not base64, -ENOMEM. */
int base64_decode(const char *text, char **ret, size_t *ret_len);

/* The end of the range of keys that start with PREFIX (etcd's "range_end": PREFIX with its
 * last byte one up, bytes of 0xff dropped) into BUF; -EINVAL for "" or all 0xff, -ENAMETOOLONG. */
int etcd_prefix_end(const char *prefix, char *buf, size_t len);

/* Request bodies (malloc'd JSON; NULL when out of memory). */
char *etcd_json_grant(int64_t ttl);                     /* /v3/lease/grant */
char *etcd_json_lease(int64_t id);                      /* keepalive, revoke, timetolive */
/* /v3/kv/range: KEY alone, or [KEY, RANGE_END) when RANGE_END is not NULL. */
char *etcd_json_range(const char *key, const char *range_end, bool count_only);
/* /v3/kv/txn: put KEY = VALUE attached to LEASE only if KEY does not exist (its
 * create_revision is 0); otherwise read KEY, so that the answer names who holds it. */
char *etcd_json_put_if_absent(const char *key, const char *value, int64_t lease);
/* /v3/kv/txn: put KEY = VALUE attached to LEASE only if KEY is attached to LEASE already
 * (a holder's update of its own record, never of another's); otherwise read KEY. */
char *etcd_json_put_if_lease(const char *key, const char *value, int64_t lease);
char *etcd_json_delete(const char *key);                /* /v3/kv/deleterange */

/* An error answer ({"error": ..., "code": N}, alone or inside a stream's "result"
 * wrapper) into MSG and a -errno from its gRPC code (NOT_FOUND -ENOENT, INVALID_ARGUMENT
 * -EINVAL, DEADLINE_EXCEEDED -ETIMEDOUT, PERMISSION_DENIED and UNAUTHENTICATED -EACCES,
 * UNAVAILABLE -EAGAIN, else -EPROTO); 0 when BODY is no error; -EBADMSG when not JSON. */
int etcd_parse_error(const char *body, char *msg, size_t len);

/* The answers, each -EBADMSG when BODY is not what etcd sends (or an error: ask
 * etcd_parse_error first). */
int etcd_parse_grant(const char *body, int64_t *ret_id, int64_t *ret_ttl);
/* A keepalive's answer: the lease's TTL, or -ENOENT when etcd no longer has the lease
 * (it answers with no TTL: expired or revoked). */
int etcd_parse_keepalive(const char *body, int64_t *ret_ttl);
/* etcd_json_put_if_absent's answer: *RET_SUCCEEDED, and when it did not succeed the key
 * that stood in the way into *RET_HOLDER (key NULL if it was gone by the read). */
int etcd_parse_txn(const char *body, bool *ret_succeeded, struct etcd_kv *ret_holder);
/* A range answer: its kvs (*RET, *RET_N; free with etcd_kvs_free) and its count. */
int etcd_parse_range(const char *body, struct etcd_kv **ret, size_t *ret_n, int64_t *ret_count);

#endif
