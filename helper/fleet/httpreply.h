/* httpreply.h - an HTTP/1.1 answer read as it arrives, as a pure function (no I/O): its
 * status, the headers warren needs (Content-Length, Transfer-Encoding, Connection, Date)
 * and its body, within bounds.  fleet/http.c feeds it what it reads from etcd;
 * tests/unit/test_httpreply.c holds it to the framings etcd's gateway and others send. */
#ifndef WARREN_HTTPREPLY_H
#define WARREN_HTTPREPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The most an answer's status line and headers, and its body, may take: an answer larger
 * than this is not etcd's to warren (a list of every user's lease is a few hundred bytes a
 * user). */
#define HTTP_HEAD_MAX (16 * 1024)
#define HTTP_BODY_MAX (4 * 1024 * 1024)

enum http_framing {
	HTTP_HEAD,              /* reading the status line and headers */
	HTTP_LENGTH,            /* a body of Content-Length bytes */
	HTTP_CHUNK_SIZE,        /* chunked: a chunk's size line */
	HTTP_CHUNK_DATA,        /* chunked: a chunk's bytes */
	HTTP_CHUNK_END,         /* chunked: the line end after a chunk's bytes */
	HTTP_TRAILER,           /* chunked: trailer lines, to the empty one */
	HTTP_DONE,
};

struct http_reply {
	int status;             /* 0 until the status line is read */
	bool keep;              /* the connection may carry another request after this one */
	time_t date;            /* the Date header (the server's clock), or -1 */
	char *body;             /* NUL-terminated, malloc'd (take it, or http_reply_clear) */
	size_t body_len;

	/* The reading's own state. */
	enum http_framing framing;
	size_t left;            /* bytes left of the body (HTTP_LENGTH) or the chunk */
	size_t head_scan;       /* HTTP_HEAD: where in raw the lines not yet looked at start */
	char *raw;              /* bytes read and not yet consumed */
	size_t raw_len;
};

void http_reply_init(struct http_reply *r);
void http_reply_clear(struct http_reply *r);

/* Add LEN bytes read from the connection; EOF when it ended (LEN 0).  1: the answer is
 * complete; 0: more is to be read; -EBADMSG: not an HTTP/1.x answer, or one cut short;
 * -EFBIG: larger than the bounds above; -ENOMEM.  An answer with a body must say where it
 * ends (Content-Length, or chunked, as etcd's gateway always does): one that ends with
 * the connection could be cut short by anyone on the path, unseen (http.c takes a TLS
 * connection's end without close_notify as an end), and is refused. */
int http_reply_feed(struct http_reply *r, const char *data, size_t len, bool eof);

/* An HTTP date (RFC 9110's IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"), or -1. */
time_t http_date_parse(const char *s);

#endif
