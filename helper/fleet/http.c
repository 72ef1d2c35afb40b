/* http.c - the HTTP/1.1 client of fleet/etcd.c, over TCP or OpenSSL (see http.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fleet/http.h"
#include "lib/cleanup.h"

/* An endpoint as the config checked it: scheme, host (an IPv6 address in [ ]), port. */
#define ENDPOINT_MAX 256

struct http {
	SSL_CTX *tls;             /* NULL: http:// only */
	int fd;                   /* the kept connection, or -1 */
	SSL *ssl;                 /* its TLS, or NULL */
	char endpoint[ENDPOINT_MAX]; /* whose connection it is */
};

/* An endpoint taken apart. */
struct where {
	bool tls;
	const char *hostport;     /* "HOST:PORT" as written: the Host header */
	char host[ENDPOINT_MAX];  /* without [ ] */
	char port[8];
};

int64_t http_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(why, len, fmt, ap) < 0)
		why[0] = '\0';
	va_end(ap);
}

/* OpenSSL's last error, as its text says it. */
static const char *ssl_reason(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (!e)
		return "the connection ended";
	ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

static int endpoint_parse(const char *url, struct where *w)
{
	const char *hp, *colon;
	size_t n;

	if (!strncmp(url, "http://", 7))
		w->tls = false, hp = url + 7;
	else if (!strncmp(url, "https://", 8))
		w->tls = true, hp = url + 8;
	else
		return -EINVAL;
	w->hostport = hp;
	if (!(colon = strrchr(hp, ':')) || strlen(colon + 1) >= sizeof(w->port) || !colon[1])
		return -EINVAL;
	if (*hp == '[') {
		hp++;
		if (colon == hp || colon[-1] != ']')
			return -EINVAL;
		n = (size_t)(colon - 1 - hp);
	} else {
		n = (size_t)(colon - hp);
	}
	if (!n || n >= sizeof(w->host))
		return -EINVAL;
	memcpy(w->host, hp, n);
	w->host[n] = '\0';
	strcpy(w->port, colon + 1);
	return 0;
}

/* Until FD is ready for EVENTS or DEADLINE passes: 0, -ETIMEDOUT, or -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };

	/* Looked at once more when the deadline has passed: a process that was not run for a
	 * while (a busy machine) must not call a connection that is ready timed out. */
	for (;;) {
		int64_t left = deadline - http_now_ms();
		int r;

		if (left < 0)
			left = 0;
		r = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (r > 0)
			return 0;
		if (r == 0 && left == 0)
			return -ETIMEDOUT;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* A lookup that failed: -EHOSTUNREACH, with why naming the host and glibc's reason. */
static int lookup_failed(const struct where *w, int gai, char *why, size_t len)
{
	say(why, len, "%s: %s", w->host, gai_strerror(gai));
	return -EHOSTUNREACH;
}

/* A name's addresses, within DEADLINE: an address is taken as it is; a name is looked up
 * by glibc's asynchronous getaddrinfo, so that a DNS server that does not answer cannot
 * hold the call past its bound. */
static int resolve(const struct where *w, int64_t deadline, struct addrinfo **ret, char *why,
		   size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct lookup {
		struct gaicb cb;
		struct addrinfo hints;
		char host[ENDPOINT_MAX], port[8];
	} *q;
	struct gaicb *list[1];
	int r;

	if ((r = getaddrinfo(w->host, w->port, &hints, ret)) == 0)
		return 0;
	if (r != EAI_NONAME)
		return lookup_failed(w, r, why, len);
	if (!(q = calloc(1, sizeof(*q))))
		return -ENOMEM;
	q->hints = (struct addrinfo){ .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	strcpy(q->host, w->host);
	strcpy(q->port, w->port);
	q->cb = (struct gaicb){ .ar_name = q->host, .ar_service = q->port, .ar_request = &q->hints };
	list[0] = &q->cb;
	if ((r = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL)) != 0) {
		free(q);
		return lookup_failed(w, r, why, len);
	}
	while ((r = gai_error(&q->cb)) == EAI_INPROGRESS) {
		int64_t left = deadline - http_now_ms();
		struct timespec t = { .tv_sec = left / 1000, .tv_nsec = left % 1000 * 1000000 };

		if (left <= 0)
			break;
		gai_suspend((const struct gaicb *const *)list, 1, &t);
	}
	if (r == EAI_INPROGRESS) {
		int c = gai_cancel(&q->cb);

		if (c == EAI_ALLDONE) {
			r = gai_error(&q->cb); /* it ended between the last look and the cancel */
		} else if (c != EAI_CANCELED) {
			/* Its thread still writes into Q: Q is left to it (a few hundred bytes
			 * a lookup that outlived its call). */
			q = NULL;
		}
	}
	if (q)
		*ret = r == 0 ? q->cb.ar_result : NULL;
	free(q);
	if (r == EAI_INPROGRESS || r == EAI_CANCELED) {
		say(why, len, "looking up %s took longer than the call's bound", w->host);
		return -ETIMEDOUT;
	}
	return r == 0 ? 0 : lookup_failed(w, r, why, len);
}

/* A TCP connection to W's first address that takes one by CONNECT_BY: its fd (non-blocking),
 * or -ETIMEDOUT, -EHOSTUNREACH with why. */
static int connect_to(const struct where *w, int64_t connect_by, char *why, size_t len)
{
	struct addrinfo *ai = NULL;
	int r = resolve(w, connect_by, &ai, why, len), fd = -1;

	if (r < 0)
		return r;
	r = -EHOSTUNREACH;
	for (struct addrinfo *a = ai; a; a = a->ai_next) {
		int e = 0, one = 1;
		socklen_t n = sizeof(e);

		fd = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			say(why, len, "socket: %s", strerror(errno));
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			e = errno;
			if (e == EINPROGRESS && (e = -wait_fd(fd, POLLOUT, connect_by)) == 0 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &n) < 0)
				e = errno;
		}
		if (e == 0) {
			/* A request goes out in one write: nothing to gain from Nagle's wait. */
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			break;
		}
		close(fd);
		fd = -1;
		r = e == ETIMEDOUT ? -ETIMEDOUT : -EHOSTUNREACH;
		say(why, len, e == ETIMEDOUT ? "connecting to %s port %s timed out" :
			       "cannot connect to %s port %s: %s", w->host, w->port, strerror(e));
		if (r == -ETIMEDOUT)
			break;
	}
	freeaddrinfo(ai);
	return fd >= 0 ? fd : r;
}

static void drop(struct http *h)
{
	SSL_free(h->ssl);
	h->ssl = NULL;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	h->endpoint[0] = '\0';
}

/* Wait for what OpenSSL's call wants (SSL_get_error's E): 0, or -ETIMEDOUT, -EHOSTUNREACH. */
static int tls_wait(struct http *h, int e, int64_t deadline)
{
	int r;

	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		return -EHOSTUNREACH;
	r = wait_fd(h->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
	return r == 0 || r == -ETIMEDOUT ? r : -EHOSTUNREACH;
}

/* TLS on the new connection, the server's certificate checked against W's host. */
static int tls_start(struct http *h, const struct where *w, int64_t deadline, char *why, size_t len)
{
	unsigned char addr[sizeof(struct in6_addr)];
	bool is_ip = inet_pton(AF_INET, w->host, addr) == 1 || inet_pton(AF_INET6, w->host, addr) == 1;
	char buf[256];
	int r;

	ERR_clear_error();
	if (!(h->ssl = SSL_new(h->tls)) || !SSL_set_fd(h->ssl, h->fd) ||
	    (is_ip ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(h->ssl), w->host) :
		     !SSL_set_tlsext_host_name(h->ssl, w->host) || !SSL_set1_host(h->ssl, w->host))) {
		say(why, len, "TLS: %s", ssl_reason(buf, sizeof(buf)));
		return -ENOMEM;
	}
	while ((r = SSL_connect(h->ssl)) != 1) {
		int e = SSL_get_error(h->ssl, r), k = tls_wait(h, e, deadline);
		long v = SSL_get_verify_result(h->ssl);

		if (k == 0)
			continue;
		if (k == -ETIMEDOUT)
			say(why, len, "the TLS handshake with %s port %s timed out", w->host, w->port);
		else if (v != X509_V_OK)
			say(why, len, "SSL certificate problem: %s", X509_verify_cert_error_string(v));
		else
			say(why, len, "TLS handshake with %s port %s: %s", w->host, w->port,
			    ssl_reason(buf, sizeof(buf)));
		return k;
	}
	return 0;
}

/* Why sending or receiving (DOING) failed, R what waiting said: -ETIMEDOUT or -EHOSTUNREACH. */
static int io_failed(const struct http *h, int r, const char *doing, char *why, size_t wlen)
{
	char buf[256];
	int e = errno;

	if (r == -ETIMEDOUT)
		say(why, wlen, "%s timed out", doing);
	else if (h->ssl)
		say(why, wlen, "%s: %s", doing, ssl_reason(buf, sizeof(buf)));
	else
		say(why, wlen, "%s: %s", doing, strerror(r < 0 ? -r : e));
	return r == -ETIMEDOUT ? -ETIMEDOUT : -EHOSTUNREACH;
}

/* All LEN bytes of DATA out by DEADLINE. */
static int send_all(struct http *h, const char *data, size_t len, int64_t deadline, char *why,
		    size_t wlen)
{
	while (len) {
		ssize_t n;
		int r = 0;

		if (h->ssl) {
			ERR_clear_error();
			n = SSL_write(h->ssl, data, (int)(len > 1 << 20 ? 1 << 20 : len));
			if (n <= 0 && (r = tls_wait(h, SSL_get_error(h->ssl, (int)n), deadline)) == 0)
				continue;
		} else {
			n = send(h->fd, data, len, MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN && (r = wait_fd(h->fd, POLLOUT, deadline)) == 0)
				continue;
		}
		if (n == 0 && !h->ssl)
			errno = EPIPE; /* nothing taken: its errno is an old one */
		if (n <= 0)
			return io_failed(h, r, "sending the request", why, wlen);
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Some bytes of the answer by DEADLINE: how many, 0 at the connection's end. */
static ssize_t receive(struct http *h, char *buf, size_t len, int64_t deadline, char *why, size_t wlen)
{
	for (;;) {
		ssize_t n;
		int r = 0, e;

		if (h->ssl) {
			ERR_clear_error();
			if ((n = SSL_read(h->ssl, buf, (int)len)) > 0)
				return n;
			if ((e = SSL_get_error(h->ssl, (int)n)) == SSL_ERROR_ZERO_RETURN)
				return 0;
			if ((r = tls_wait(h, e, deadline)) == 0)
				continue;
		} else {
			if ((n = recv(h->fd, buf, len, 0)) >= 0)
				return n;
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && (r = wait_fd(h->fd, POLLIN, deadline)) == 0)
				continue;
		}
		return io_failed(h, r, "reading the answer", why, wlen);
	}
}

/* May the kept connection carry another request?  Not when the server closed it or sent
 * what no one asked for; TLS 1.3 may leave a session ticket to read, which is no answer. */
static bool still_open(struct http *h)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };
	char c;
	int r;

	if (poll(&p, 1, 0) == 0)
		return true;
	if (!h->ssl || (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
		return false;
	ERR_clear_error();
	r = SSL_peek(h->ssl, &c, 1);
	if (r > 0)
		return false;
	r = SSL_get_error(h->ssl, r);
	ERR_clear_error();
	return r == SSL_ERROR_WANT_READ;
}

/* OpenSSL writes to its socket with write(2), which raises SIGPIPE when the peer has gone:
 * SIGPIPE is held blocked for a call, and one the call raised is taken back. */
struct sigpipe_hold {
	sigset_t old;
	bool was_pending;
};

static void sigpipe_block(struct sigpipe_hold *s)
{
	sigset_t pipe, pending;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigpending(&pending);
	s->was_pending = sigismember(&pending, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe, &s->old);
}

static void sigpipe_restore(const struct sigpipe_hold *s)
{
	sigset_t pipe, pending;
	struct timespec none = { 0 };

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigpending(&pending);
	if (!s->was_pending && sigismember(&pending, SIGPIPE))
		sigtimedwait(&pipe, NULL, &none);
	sigprocmask(SIG_SETMASK, &s->old, NULL);
}

/* One request and its answer.  *AGAIN: it failed on a kept connection before any byte of
 * an answer came (the server closed it as it went out: an idle timeout's race with
 * still_open), so that the request is worth sending once more on a new one. */
static int post(struct http *h, const char *endpoint, const char *path, const char *body,
		int64_t connect_by, int64_t deadline, struct http_reply *ret, bool *again, char *why,
		size_t wlen)
{
	_cleanup_free_ char *req = NULL;
	struct where w;
	char buf[16384];
	size_t received = 0;
	bool kept;
	int r, n;

	if (endpoint_parse(endpoint, &w) < 0 || strlen(endpoint) >= sizeof(h->endpoint) ||
	    (w.tls && !h->tls)) {
		say(why, wlen, "not an endpoint warren can reach: %s", endpoint);
		return -EHOSTUNREACH;
	}
	if (h->fd >= 0 && (strcmp(h->endpoint, endpoint) || !still_open(h)))
		drop(h);
	kept = h->fd >= 0;
	if (h->fd < 0) {
		if ((r = connect_to(&w, connect_by < deadline ? connect_by : deadline, why, wlen)) < 0)
			return r;
		h->fd = r;
		if (w.tls && (r = tls_start(h, &w, deadline, why, wlen)) < 0)
			return r;
		strcpy(h->endpoint, endpoint);
	}
	n = asprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: warren\r\n"
		     "Accept: application/json\r\nContent-Type: application/json\r\n"
		     "Content-Length: %zu\r\n\r\n%s", path, w.hostport, strlen(body), body);
	if (n < 0) {
		req = NULL;
		return -ENOMEM;
	}
	if ((r = send_all(h, req, (size_t)n, deadline, why, wlen)) < 0) {
		*again = kept && r == -EHOSTUNREACH;
		return r;
	}
	do {
		ssize_t got = receive(h, buf, sizeof(buf), deadline, why, wlen);

		if (got < 0) {
			*again = kept && !received && got == -EHOSTUNREACH;
			return (int)got;
		}
		received += (size_t)got;
		r = http_reply_feed(ret, buf, (size_t)got, got == 0);
	} while (r == 0);
	*again = kept && !received;
	if (r == -EBADMSG) {
		say(why, wlen, !received ? "the connection ended before an answer" :
			       "not an HTTP/1.1 answer");
		return -EHOSTUNREACH;
	}
	if (r == -EFBIG)
		say(why, wlen, "the answer is larger than %d bytes", HTTP_BODY_MAX);
	if (r < 0)
		return r;
	if (!ret->keep)
		drop(h);
	return 0;
}

int http_post(struct http *h, const char *endpoint, const char *path, const char *body,
	      int64_t connect_by, int64_t deadline, struct http_reply *ret, char *why, size_t why_len)
{
	struct sigpipe_hold s;
	int r;

	sigpipe_block(&s);
	for (int i = 0; i < 2; i++) {
		bool again = false;

		why[0] = '\0';
		http_reply_init(ret);
		r = post(h, endpoint, path, body, connect_by, deadline, ret, &again, why, why_len);
		if (r >= 0)
			break;
		/* Whatever the connection holds now is no answer to the next request. */
		drop(h);
		http_reply_clear(ret);
		if (!again)
			break;
	}
	sigpipe_restore(&s);
	return r;
}

/* A PEM file's bytes as an OpenSSL memory BIO (it reads them in place). */
static BIO *pem_bio(const struct http_pem *p)
{
	/* (A length of -1 would have OpenSSL take strlen: lease.c's files are 1 MiB at most.) */
	return p->len <= INT_MAX ? BIO_new_mem_buf(p->data, (int)p->len) : NULL;
}

/* A passphrase is never asked: a key that has one is refused (warren-lease has no one to
 * ask, and must not wait on a terminal). */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return 0;
}

/* Did the last PEM read stop at the end of its bytes (no more certificates), rather than
 * at one it could not read? */
static bool pem_ended(void)
{
	unsigned long e = ERR_peek_last_error();

	return !e || (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE);
}

static int tls_error(struct error *err, const char *what)
{
	char buf[256];

	return error_set(err, -EINVAL, "%s: %s", what, ssl_reason(buf, sizeof(buf)));
}

/* The CA file's certificates, the only ones trusted. */
static int trust_only(SSL_CTX *c, const struct http_pem *ca, struct error *err)
{
	BIO *b = pem_bio(ca);
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509_INFO) *infos = b ? PEM_X509_INFO_read_bio(b, NULL, no_passphrase, NULL) : NULL;
	int n = 0;

	for (int i = 0; infos && store && i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *in = sk_X509_INFO_value(infos, i);

		if (in->x509 && X509_STORE_add_cert(store, in->x509))
			n++;
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(b);
	if (!store || n == 0) {
		X509_STORE_free(store);
		return tls_error(err, "fleet.cacert holds no PEM certificate");
	}
	/* Each of them is a trust anchor, an intermediate CA too, as in etcd's own --cacert
	 * (Go's certificate pool): the chain need not reach a self-signed root. */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	SSL_CTX_set_cert_store(c, store);
	return 0;
}

/* The client's certificate, with the chain that follows it in its file, and its key. */
static int identity(SSL_CTX *c, const struct http_tls *t, struct error *err)
{
	BIO *b;
	X509 *x;
	EVP_PKEY *k;
	int ok;

	if (t->cert.data) {
		ERR_clear_error(); /* pem_ended looks at what the reads below leave */
		if (!(b = pem_bio(&t->cert)))
			return error_set(err, -ENOMEM, "out of memory");
		x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL);
		ok = x && SSL_CTX_use_certificate(c, x);
		X509_free(x);
		if (!ok) {
			BIO_free(b);
			return tls_error(err, "fleet.cert is not a PEM certificate");
		}
		while (ok && (x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL)))
			if (!SSL_CTX_add0_chain_cert(c, x)) {
				X509_free(x);
				ok = 0;
			}
		BIO_free(b);
		if (!ok || !pem_ended())
			return tls_error(err, "fleet.cert: a certificate of the chain after its first cannot be read");
		ERR_clear_error(); /* the end of the chain */
	}
	if (t->key.data) {
		if (!(b = pem_bio(&t->key)))
			return error_set(err, -ENOMEM, "out of memory");
		k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
		BIO_free(b);
		if (!k)
			return tls_error(err, "fleet.key is not a PEM private key without a passphrase");
		/* OpenSSL holds the key to the certificate given before it. */
		ok = SSL_CTX_use_PrivateKey(c, k);
		EVP_PKEY_free(k);
		if (!ok || (t->cert.data && !SSL_CTX_check_private_key(c)))
			return tls_error(err, "fleet.key is not the key of fleet.cert");
	}
	return 0;
}

static int tls_context(const struct http_tls *t, SSL_CTX **ret, struct error *err)
{
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());
	int r;

	if (!c)
		return tls_error(err, "TLS");
	if (!SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION)) {
		SSL_CTX_free(c);
		return tls_error(err, "TLS 1.2");
	}
	/* The peer and its name are verified (tls_start names the host), a wildcard only as a
	 * whole label ("*.example.org", not "etcd*.example.org"). */
	SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
	X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(c),
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	/* An answer is framed by its length or chunks, never by the connection's end: a
	 * server that closes without TLS's close_notify loses nothing. */
	SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (t->cacert.data)
		r = trust_only(c, &t->cacert, err);
	else
		r = SSL_CTX_set_default_verify_paths(c) ? 0 : tls_error(err, "the system's CAs");
	if (r >= 0)
		r = identity(c, t, err);
	if (r < 0) {
		SSL_CTX_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int http_new(const struct http_tls *tls, struct http **ret, struct error *err)
{
	struct http *h = calloc(1, sizeof(*h));
	int r;

	if (!h)
		return error_set(err, -ENOMEM, "out of memory");
	h->fd = -1;
	if (tls && (r = tls_context(tls, &h->tls, err)) < 0) {
		free(h);
		return r;
	}
	*ret = h;
	return 0;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	drop(h);
	SSL_CTX_free(h->tls);
	free(h);
}
