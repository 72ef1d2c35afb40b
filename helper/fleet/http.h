/* http.h - the HTTP/1.1 client fleet/etcd.c needs, and no more: one POST of JSON at a time
 * on one kept connection, over TCP or TLS (OpenSSL), every step within the caller's
 * deadline; no proxy, no redirect, no signal (SIGPIPE) raised.
 *
 * It replaced libcurl, whose 36 shared libraries cost warren-lease 12 ms of its start on
 * every cold fleet login (issue 19): this links libssl and libcrypto only. */
#ifndef WARREN_HTTP_H
#define WARREN_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "fleet/httpreply.h"
#include "lib/errors.h"

/* A TLS file's bytes (PEM), read and checked by the caller: OpenSSL is given these, never
 * the path, so that no one can swap the file between the check and its use. */
struct http_pem {
	char *data;               /* NULL: none */
	size_t len;
};

struct http_tls {
	struct http_pem cert, key; /* the client's certificate (and its chain) and key, or none */
	struct http_pem cacert;   /* the only CA trusted for the server's certificate; none:
				   * the system's CAs */
};

struct http;

/* A client; TLS: the files for https:// endpoints (NULL: http:// only).  The files are
 * read here (bad PEM, a key that is not the certificate's: an error naming which). */
int http_new(const struct http_tls *tls, struct http **ret, struct error *err);
void http_free(struct http *h);

/* Milliseconds of CLOCK_MONOTONIC: the clock of the deadlines below. */
int64_t http_now_ms(void);

/* POST BODY (JSON) to PATH at ENDPOINT ("http(s)://HOST:PORT", as the config checked it),
 * connecting by CONNECT_BY and done by DEADLINE (http_now_ms's clock).  The connection is
 * kept for the next call to the same endpoint while the server allows.  0: *RET holds
 * the answer, whatever its status; else -ETIMEDOUT, -EHOSTUNREACH (no connection, TLS
 * refused, the connection lost, or not an HTTP answer), -EFBIG (an answer over
 * httpreply.h's bounds) or -ENOMEM, with the reason in WHY. */
int http_post(struct http *h, const char *endpoint, const char *path, const char *body,
	      int64_t connect_by, int64_t deadline, struct http_reply *ret, char *why, size_t why_len);

#endif
