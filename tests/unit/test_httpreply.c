/* test_httpreply.c - an HTTP/1.1 answer read as it arrives (fleet/httpreply.h): the
 * framings etcd's gateway sends (a length; chunks, as its streams), and what must be
 * refused (not HTTP, cut short, too large, two lengths), each fed whole and a byte at a
 * time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet/httpreply.h"

/* Feed TEXT whole (STEP 0) or STEP bytes at a time, then the end of the connection if
 * the answer is not complete by then: what the last feed said. */
static int feed(struct http_reply *r, const char *text, size_t step)
{
	size_t len = strlen(text), at = 0;
	int k = 0;

	http_reply_init(r);
	if (!step)
		step = len ? len : 1;
	while (at < len && k == 0) {
		size_t n = len - at < step ? len - at : step;

		k = http_reply_feed(r, text + at, n, false);
		at += n;
	}
	return k == 0 ? http_reply_feed(r, NULL, 0, true) : k;
}

static const size_t steps[] = { 0, 1, 2, 7 };

/* TEXT, fed in each of the steps, is a kept 200 with BODY and DATE (-1: none). */
static void expect_ok(const char *text, const char *body, long long date)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct http_reply r;

		assert_int_equal(feed(&r, text, steps[i]), 1);
		assert_int_equal(r.status, 200);
		assert_true(r.keep);
		assert_string_equal(r.body, body);
		assert_int_equal(r.body_len, strlen(body));
		assert_int_equal(r.date, date);
		http_reply_clear(&r);
	}
}

static void test_length(void **state)
{
	expect_ok("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		  "Date: Mon, 07 Dec 2026 10:47:20 GMT\r\nContent-Length: 11\r\n\r\n"
		  "{\"ok\":true}",
		  "{\"ok\":true}", 1796640440);
}

/* etcd's gateway answers a stream (a lease keepalive) in chunks, a JSON object each. */
static void test_chunked(void **state)
{
	expect_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
		  "Content-Type: application/json\r\n\r\n"
		  "1f\r\n{\"result\":{\"ID\":\"7\",\"TTL\":\"5\"}}\r\n"
		  "1;ext=1\r\n\n\r\n0\r\nX-Trailer: t\r\n\r\n",
		  "{\"result\":{\"ID\":\"7\",\"TTL\":\"5\"}}\n", -1);
}

/* What ends the connection after the answer: Connection: close, HTTP/1.0, bytes no one
 * asked for. */
static void test_not_kept(void **state)
{
	static const char *const closing[] = {
		"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nconnection: Upgrade, Close\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n",
	};

	for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++) {
		struct http_reply r;

		assert_int_equal(feed(&r, closing[i], 0), 1);
		assert_false(r.keep);
		assert_string_equal(r.body, "{}");
		http_reply_clear(&r);
	}
}

/* An interim 100 Continue is dropped; 204 has no body; an error status is an answer. */
static void test_statuses(void **state)
{
	struct http_reply r;

	assert_int_equal(feed(&r, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\n"
			      "Content-Length: 4\r\n\r\nbusy", 1), 1);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.body, "busy");
	http_reply_clear(&r);
	assert_int_equal(feed(&r, "HTTP/1.1 204 No Content\r\n\r\n", 0), 1);
	assert_int_equal(r.status, 204);
	assert_string_equal(r.body, "");
	assert_true(r.keep);
	http_reply_clear(&r);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",                                             /* nothing before the end */
		"SSH-2.0-OpenSSH_9.2\r\n",                      /* not HTTP */
		"HTTP/2 200\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}",       /* cut short */
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}}",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n", /* no last chunk */
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n",     /* headers cut short */
		/* A body that ends with the connection: a cut could not be seen. */
		"HTTP/1.1 200 OK\r\n\r\n{}",
		"HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n{}",
		/* A size line without digits is not the last chunk. */
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n \r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n;x\r\n\r\n",
		/* A length and chunks, or chunks twice. */
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
		"0\r\n\r\n",
		/* Header lines read one way here and another elsewhere. */
		"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n x: folded\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\tfolded\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\rX: y\r\n\r\n{}",
		": no name\r\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (size_t j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
			struct http_reply r;

			assert_int_equal(feed(&r, bad[i], steps[j]), -EBADMSG);
			http_reply_clear(&r);
		}
}

/* A header value that does not fit is refused, not cut (cut, it says less than it does:
 * a length of 300 zeros and a 2, a close at the end of a long list); a NUL in the head. */
static void test_long_values(void **state)
{
	static const char nul[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\0xyz\r\n\r\n{}";
	char zeros[301], text[512];
	struct http_reply r;

	memset(zeros, '0', 300);
	zeros[300] = '\0';
	snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nContent-Length: %s2\r\n\r\n{}", zeros);
	assert_int_equal(feed(&r, text, 0), -EBADMSG);
	http_reply_clear(&r);
	snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: %s, "
		 "close\r\n\r\n{}", zeros);
	assert_int_equal(feed(&r, text, 0), -EBADMSG);
	http_reply_clear(&r);
	http_reply_init(&r);
	assert_int_equal(http_reply_feed(&r, nul, sizeof(nul) - 1, false), -EBADMSG);
	http_reply_clear(&r);
	/* The bound is exact: a value of 255 bytes is read, one of 256 is not. */
	snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nContent-Length: %.254s2\r\n\r\n{}", zeros);
	assert_int_equal(feed(&r, text, 0), 1);
	assert_string_equal(r.body, "{}");
	http_reply_clear(&r);
	snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nContent-Length: %.255s2\r\n\r\n{}", zeros);
	assert_int_equal(feed(&r, text, 0), -EBADMSG);
	http_reply_clear(&r);
}

static void test_too_big(void **state)
{
	struct http_reply r;
	char head[128], *junk;
	size_t n = HTTP_HEAD_MAX + 2;

	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", HTTP_BODY_MAX + 1);
	assert_int_equal(feed(&r, head, 0), -EFBIG);
	http_reply_clear(&r);
	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n",
		 HTTP_BODY_MAX + 1);
	assert_int_equal(feed(&r, head, 0), -EFBIG);
	http_reply_clear(&r);
	/* Headers that never end. */
	assert_non_null(junk = malloc(n + 1));
	memcpy(junk, "HTTP/1.1 200 OK\r\n", 17);
	memset(junk + 17, 'x', n - 17);
	junk[n] = '\0';
	assert_int_equal(feed(&r, junk, 4096), -EFBIG);
	http_reply_clear(&r);
	free(junk);
	/* Headers that end, but past the bound, all in one read. */
	assert_non_null(junk = malloc(HTTP_HEAD_MAX + 128));
	strcpy(junk, "HTTP/1.1 200 OK\r\n");
	for (n = strlen(junk); n < HTTP_HEAD_MAX + 64; n += 13)
		strcpy(junk + n, "X-Pad: 0000\r\n");
	strcpy(junk + n, "Content-Length: 0\r\n\r\n");
	assert_int_equal(feed(&r, junk, 0), -EFBIG);
	http_reply_clear(&r);
	free(junk);
}

/* What an answer may say and still be read: the status line's bounds, white space
 * around a value (spaces and tabs), a chunk's size line with blanks before its
 * extensions, a token that only begins with "close", an interim answer's date. */
static void test_accepted(void **state)
{
	static const struct {
		const char *text, *body;
		int status;
		bool keep;
	} v[] = {
		{ "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\n{}", "{}", 200, true },
		{ "HTTP/1.1 200 OK\r\nContent-Length:\t2\t \r\n\r\n{}", "{}", 200, true },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2 \t\r\n\r\n{}", "{}", 200, true },
		{ "HTTP/1.1 200 OK\r\nContent-Length:2\r\n\r\n{}", "{}", 200, true },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding:\tchunked\t\r\n\r\n2\t;x=y\r\n{}\r\n0 \r\n\r\n",
		  "{}", 200, true },
		{ "HTTP/1.1 200 OK\r\nConnection: closed, xclose, close-not\r\nContent-Length: 2\r\n\r\n{}",
		  "{}", 200, true },
		{ "HTTP/1.1 200 OK\r\nConnection: keep-alive,close\r\nContent-Length: 2\r\n\r\n{}",
		  "{}", 200, false },
		{ "HTTP/1.1 200 OK\r\nConnection: close\t\r\nContent-Length: 2\r\n\r\n{}", "{}", 200, false },
		{ "HTTP/1.1 200 OK\r\nConnection: x,\tclose\t,y\r\nContent-Length: 2\r\n\r\n{}", "{}", 200, false },
		{ "HTTP/1.1 200 OK\r\nConnection: close\t,y\r\nContent-Length: 2\r\n\r\n{}", "{}", 200, false },
		{ "HTTP/1.1 200 OK\r\nX-B3-Id2: 7\r\nContent-Length: 2\r\n\r\n{}", "{}", 200, true },
		{ "HTTP/1.1 304 Not Modified\r\n\r\n", "", 304, true },
		{ "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "", 404, true },
		{ "HTTP/1.1 199 Early\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", "x", 200, true },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
			struct http_reply r;
			int k = feed(&r, v[i].text, steps[j]);

			if (k != 1 || r.status != v[i].status || r.keep != v[i].keep || !r.body ||
			    strcmp(r.body, v[i].body))
				fail_msg("answer %zu, step %zu: %d, status %d, keep %d, body %s", i, steps[j], k,
					 r.status, r.keep, r.body ? r.body : "(none)");
			http_reply_clear(&r);
		}
	/* The date of an interim answer is not the answer's. */
	{
		struct http_reply r;

		assert_int_equal(feed(&r, "HTTP/1.1 100 Continue\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"
				      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 0), 1);
		assert_int_equal(r.date, -1);
		http_reply_clear(&r);
	}
}

/* More that must be refused: a status line out of shape, a header without a name, a
 * length past 64 bits, a chunk size past a size_t or with something after it. */
static void test_refused_more(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.2 200 OK\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 200OK\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 000 Low\r\nContent-Length: 2\r\n\r\n{}",
		/* below 100 is no interim answer to drop */
		"HTTP/1.1 099 Low\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\n: x\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2x\r\n{}\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n{}\r\n0\r\n\r\n",
		/* 2^64: wrapped, it would be the last chunk */
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000002\r\n{}\r\n0\r\n\r\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (size_t j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
			struct http_reply r;
			int k = feed(&r, bad[i], steps[j]);

			if (k != -EBADMSG)
				fail_msg("answer %zu, step %zu: %d", i, steps[j], k);
			http_reply_clear(&r);
		}
}

/* Refused as soon as it is seen, before the connection ends: a chunk's data followed by
 * two bytes that are no line end; a size line longer than any (waiting or whole); chunks
 * that together pass HTTP_BODY_MAX (at the size line, before their data). */
static void test_refused_early(void **state)
{
	static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
	struct http_reply r;
	char *text;
	size_t n;

	http_reply_init(&r);
	assert_int_equal(http_reply_feed(&r, chunked, strlen(chunked), false), 0);
	assert_int_equal(http_reply_feed(&r, "2\r\n{}X", 6, false), 0); /* one byte: it may be \r */
	assert_int_equal(http_reply_feed(&r, "X", 1, false), -EBADMSG);
	http_reply_clear(&r);
	/* A size line of 1100 zeros: a size of 0 it is not. */
	assert_non_null(text = malloc(strlen(chunked) + 1200));
	n = (size_t)sprintf(text, "%s", chunked);
	memset(text + n, '0', 1100);
	n += 1100;
	http_reply_init(&r);
	assert_int_equal(http_reply_feed(&r, text, n, false), -EBADMSG);
	http_reply_clear(&r);
	strcpy(text + n, "\r\n\r\n");
	http_reply_init(&r);
	assert_int_equal(http_reply_feed(&r, text, strlen(text), false), -EBADMSG);
	http_reply_clear(&r);
	free(text);
	/* The body's bound counts every chunk. */
	assert_non_null(text = malloc(HTTP_BODY_MAX + 256));
	n = (size_t)sprintf(text, "%s%x\r\n", chunked, HTTP_BODY_MAX - 1);
	memset(text + n, 'x', HTTP_BODY_MAX - 1);
	n += HTTP_BODY_MAX - 1;
	n += (size_t)sprintf(text + n, "\r\n2\r\n");
	http_reply_init(&r);
	assert_int_equal(http_reply_feed(&r, text, n, false), -EFBIG);
	http_reply_clear(&r);
	/* and just to it is read */
	n -= 3;
	n += (size_t)sprintf(text + n, "1\r\ny\r\n0\r\n\r\n");
	http_reply_init(&r);
	assert_int_equal(http_reply_feed(&r, text, n, false), 1);
	assert_int_equal(r.body_len, HTTP_BODY_MAX);
	http_reply_clear(&r);
	free(text);
}

/* The head's bound is exact: HTTP_HEAD_MAX bytes with its empty line are read, one more is
 * refused; a trailer that never ends is refused as too big, not as cut. */
static void test_head_bound(void **state)
{
	static const char start[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Pad: ";
	char *text = malloc(HTTP_HEAD_MAX + 64);
	struct http_reply r;
	size_t pad = HTTP_HEAD_MAX - strlen(start) - 4;

	assert_non_null(text);
	for (int extra = 0; extra <= 1; extra++) {
		strcpy(text, start);
		memset(text + strlen(start), 'p', pad + extra);
		strcpy(text + strlen(start) + pad + extra, "\r\n\r\n{}");
		assert_int_equal(strlen(text), HTTP_HEAD_MAX + extra + 2);
		assert_int_equal(feed(&r, text, 0), extra ? -EFBIG : 1);
		http_reply_clear(&r);
	}
	free(text);
	assert_non_null(text = malloc(HTTP_HEAD_MAX + 128));
	strcpy(text, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: ");
	memset(text + strlen(text), 't', HTTP_HEAD_MAX + 8);
	text[HTTP_HEAD_MAX + 8 + 60] = '\0';
	assert_int_equal(feed(&r, text, 0), -EFBIG);
	http_reply_clear(&r);
	free(text);
}

/* What one read may add is bounded too: a head, the largest body and a chunk line. */
static void test_read_bound(void **state)
{
	size_t max = HTTP_HEAD_MAX + HTTP_BODY_MAX + 1024;
	char *text = malloc(max + 2);
	struct http_reply r;
	int n;

	assert_non_null(text);
	n = sprintf(text, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
	memset(text + n, 'z', max + 1 - (size_t)n);
	http_reply_init(&r);
	assert_int_equal(http_reply_feed(&r, text, max, false), 1);
	assert_false(r.keep);
	http_reply_clear(&r);
	http_reply_init(&r);
	assert_int_equal(http_reply_feed(&r, text, max + 1, false), -EFBIG);
	http_reply_clear(&r);
	free(text);
}

static void test_date(void **state)
{
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
	assert_int_equal(http_date_parse("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	assert_int_equal(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun Nov  6 08:49:37 1994"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nob 1994 08:49:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 25:49:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT and more"), -1);
	/* Signed or short fields. */
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:-1:-1 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 -1:-1:-1 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, +6 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun,  6 Nov 1994 08:49:37 GMT"), -1);
	/* Each field's bounds, both sides. */
	assert_int_equal(http_date_parse("Mon, 01 Dec 2025 00:00:00 GMT"), 1764547200);
	assert_int_equal(http_date_parse("Wed, 31 Dec 2025 23:59:59 GMT"), 1767225599);
	assert_int_equal(http_date_parse("Wed, 31 Dec 2025 23:59:60 GMT"), 1767225600); /* a leap second */
	assert_int_equal(http_date_parse("Sun, 00 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 32 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1969 08:49:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 24:00:00 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:60:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:61 GMT"), -1);
	/* A month is one of twelve names, not three letters found across two. */
	assert_int_equal(http_date_parse("Sun, 06 anF 1994 08:49:37 GMT"), -1);
	assert_int_equal(http_date_parse("Sun, 06 ebM 1994 08:49:37 GMT"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length),     cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_not_kept),   cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_refused),    cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_accepted),   cmocka_unit_test(test_refused_more),
		cmocka_unit_test(test_refused_early), cmocka_unit_test(test_head_bound),
		cmocka_unit_test(test_read_bound),
		cmocka_unit_test(test_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
