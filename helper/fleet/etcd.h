/* etcd.h - a small etcd v3 client over its HTTP/JSON gateway (http.h; the bodies are
 * etcdjson.h's).  Every call is bounded in time: a dead or frozen etcd makes it fail,
 * never hang, so that what waits on it (a login) is refused instead (fail closed).
 * Nothing here logs: each call fills a struct error. */
#ifndef WARREN_ETCD_H
#define WARREN_ETCD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fleet/etcdjson.h"
#include "fleet/http.h"
#include "lib/errors.h"

/* Bounds of one call: to connect to one endpoint, and in all (every endpoint tried). */
#define ETCD_CONNECT_MS 1000
#define ETCD_CALL_MS 3000

struct etcd_options {
	char *const *endpoints;   /* NULL-terminated "http(s)://HOST:PORT", tried in order */
	struct http_tls tls;      /* for https:// endpoints: the client's certificate and key,
				   * the CA of etcd's certificates (none: the system's) */
	long connect_ms, call_ms; /* 0: ETCD_CONNECT_MS, ETCD_CALL_MS */
};

struct etcd;

int etcd_new(const struct etcd_options *o, struct etcd **ret, struct error *err);
void etcd_free(struct etcd *e);
static inline void etcd_freep(struct etcd **e)
{
	etcd_free(*e);
}

/* POST BODY to PATH ("/v3/kv/range") at the first endpoint that answers within the
 * bounds; etcd's answer into *RET_BODY (free it).  An answer that is an error becomes
 * etcd_parse_error's code and message; an endpoint that cannot be reached (refused,
 * timed out, TLS refused) passes the call on to the next; when none answered,
 * -EHOSTUNREACH or -ETIMEDOUT naming the last one's trouble. */
int etcd_call(struct etcd *e, const char *path, const char *body, char **ret_body,
	      struct error *err);

/* What the last answer's HTTP Date header said (the server's clock, to the second), and
 * when on this host's clock it arrived; -1 and 0 when there was none. */
time_t etcd_last_date(const struct etcd *e, time_t *ret_local);
/* The endpoint that gave the last answer, or NULL. */
const char *etcd_last_endpoint(const struct etcd *e);

/* The calls warren makes.  Leases: */
int etcd_lease_grant(struct etcd *e, int64_t ttl, int64_t *ret_id, struct error *err);
/* -ENOENT when etcd no longer has lease ID (it expired or was revoked). */
int etcd_lease_keepalive(struct etcd *e, int64_t id, int64_t *ret_ttl, struct error *err);
/* Revoking a lease deletes every key attached to it; -ENOENT when it is already gone. */
int etcd_lease_revoke(struct etcd *e, int64_t id, struct error *err);
/* Keys: put KEY = VALUE attached to LEASE only if KEY does not exist; -EEXIST when it
 * does, with what it holds in *RET_HOLDER (its key NULL if it vanished meanwhile). */
int etcd_put_if_absent(struct etcd *e, const char *key, const char *value, int64_t lease,
		       struct etcd_kv *ret_holder, struct error *err);
/* KEY into *RET; -ENOENT when it does not exist. */
/* Put KEY = VALUE attached to LEASE only if KEY is attached to LEASE; -ENOENT when not. */
int etcd_put_if_lease(struct etcd *e, const char *key, const char *value, int64_t lease,
		      struct error *err);
int etcd_get(struct etcd *e, const char *key, struct etcd_kv *ret, struct error *err);
/* Every key that starts with PREFIX (*RET, *RET_N; etcd_kvs_free). */
int etcd_get_prefix(struct etcd *e, const char *prefix, struct etcd_kv **ret, size_t *ret_n,
		    struct error *err);
int etcd_delete(struct etcd *e, const char *key, struct error *err);

#endif
