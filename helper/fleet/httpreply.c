/* httpreply.c - an HTTP/1.1 answer read as it arrives (see httpreply.h). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fleet/httpreply.h"

/* A chunk's size line is hex digits and perhaps extensions, which warren ignores. */
#define CHUNK_LINE_MAX 1024

void http_reply_init(struct http_reply *r)
{
	*r = (struct http_reply){ .date = -1, .framing = HTTP_HEAD };
}

void http_reply_clear(struct http_reply *r)
{
	free(r->body);
	free(r->raw);
	http_reply_init(r);
}

time_t http_date_parse(const char *s)
{
	/* "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions, so that no field is signed,
	 * spaced or short. */
	static const char shape[] = "Www, 00 Mmm 0000 00:00:00 GMT";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm = { 0 };
	const char *m;
	char mon[4];

	if (strlen(s) != sizeof(shape) - 1)
		return -1;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == '0' ? !isdigit((unsigned char)s[i]) :
		    isupper((unsigned char)shape[i]) || islower((unsigned char)shape[i]) ?
		    !isalpha((unsigned char)s[i]) : s[i] != shape[i])
			return -1;
	memcpy(mon, s + 8, 3);
	mon[3] = '\0';
	if (strcmp(s + 26, "GMT") || !(m = strstr(months, mon)) || (m - months) % 3)
		return -1;
	tm.tm_mday = atoi(s + 5);
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year = atoi(s + 12) - 1900;
	tm.tm_hour = atoi(s + 17);
	tm.tm_min = atoi(s + 20);
	tm.tm_sec = atoi(s + 23);
	if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_year < 70 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	return timegm(&tm);
}

/* The next line of R's unread bytes from *AT (its end, \n or \r\n, cut off) into *LINE
 * and *LEN; false when it has not all arrived. */
static bool next_line(const struct http_reply *r, size_t *at, const char **line, size_t *len)
{
	const char *start, *nl;

	if (*at >= r->raw_len)
		return false;
	start = r->raw + *at;
	if (!(nl = memchr(start, '\n', r->raw_len - *at)))
		return false;
	*line = start;
	*len = (size_t)(nl - start);
	if (*len && start[*len - 1] == '\r')
		(*len)--;
	*at += (size_t)(nl - start) + 1;
	return true;
}

/* A header line is a field name (RFC 9110's token: no space before the colon), a colon
 * and a value: anything else (an obs-fold continuation too) is not an answer of etcd's. */
static bool header_valid(const char *line, size_t len)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~";
	size_t i = 0;

	while (i < len && (isalnum((unsigned char)line[i]) || (line[i] && strchr(tchar, line[i]))))
		i++;
	return i > 0 && i < len && line[i] == ':';
}

/* Does header line LINE (LEN bytes) have NAME?  1 with its value (spaces cut) in VALUE; 0;
 * -EBADMSG when the value does not fit SIZE (cut, it could say less than it does). */
static int header_is(const char *line, size_t len, const char *name, char *value, size_t size)
{
	size_t n = strlen(name);

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n))
		return 0;
	line += n + 1;
	len -= n + 1;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len >= size)
		return -EBADMSG;
	memcpy(value, line, len);
	value[len] = '\0';
	return 1;
}

/* Does the comma-separated list LIST hold TOKEN (any case)? */
static bool has_token(const char *list, const char *token)
{
	size_t n = strlen(token);

	for (const char *p = list; *p;) {
		p += strspn(p, " \t,");
		if (!strncasecmp(p, token, n) && strchr(" \t,", p[n]))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

/* The status line and headers, complete in R->raw up to HEAD_END: how the body is framed.
 * An interim answer (1xx) is dropped: the real one follows. */
static int read_head(struct http_reply *r, size_t head_end)
{
	char value[256];
	const char *line;
	size_t len, at = 0;
	bool chunked = false, has_length = false, http11;
	unsigned long long length = 0;
	int status;

	if (!next_line(r, &at, &line, &len) || len < 12 || strncmp(line, "HTTP/1.", 7) ||
	    (line[7] != '0' && line[7] != '1') || line[8] != ' ' || !isdigit((unsigned char)line[9]) ||
	    !isdigit((unsigned char)line[10]) || !isdigit((unsigned char)line[11]) ||
	    (len > 12 && line[12] != ' '))
		return -EBADMSG;
	http11 = line[7] == '1';
	status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	if (status < 100)
		return -EBADMSG;
	r->keep = http11;
	/* A NUL or a lone CR in the head: its lines could be read two ways. */
	for (size_t i = 0; i < head_end; i++)
		if (!r->raw[i] || (r->raw[i] == '\r' && (i + 1 == head_end || r->raw[i + 1] != '\n')))
			return -EBADMSG;
	while (next_line(r, &at, &line, &len) && len) {
		int k;

		if (!header_valid(line, len))
			return -EBADMSG;
		if ((k = header_is(line, len, "Content-Length", value, sizeof(value))) > 0) {
			char *end;
			unsigned long long n;

			errno = 0;
			n = strtoull(value, &end, 10);
			/* Two lengths that differ: which one frames the body is anyone's guess. */
			if (!isdigit((unsigned char)value[0]) || *end || errno ||
			    (has_length && n != length))
				return -EBADMSG;
			has_length = true;
			length = n;
		} else if (!k && (k = header_is(line, len, "Transfer-Encoding", value,
						sizeof(value))) > 0) {
			/* Only chunked is a coding warren reads (it asks for no compression),
			 * and only once: chunked twice is two codings. */
			if (strcasecmp(value, "chunked") || chunked)
				return -EBADMSG;
			chunked = true;
		} else if (!k && (k = header_is(line, len, "Connection", value, sizeof(value))) > 0) {
			if (has_token(value, "close"))
				r->keep = false;
		} else if (!k && (k = header_is(line, len, "Date", value, sizeof(value))) > 0) {
			r->date = http_date_parse(value);
		}
		if (k < 0)
			return k;
	}
	/* Both a length and chunks: a request smuggler's answer (RFC 9112 §6.3). */
	if (chunked && has_length)
		return -EBADMSG;
	if (status < 200) {
		r->date = -1;
		return 0; /* the caller drops the head and reads on */
	}
	r->status = status;
	if (status == 204 || status == 304) {
		r->framing = HTTP_DONE;
	} else if (chunked) {
		r->framing = HTTP_CHUNK_SIZE;
	} else if (has_length) {
		if (length > HTTP_BODY_MAX)
			return -EFBIG;
		r->framing = length ? HTTP_LENGTH : HTTP_DONE;
		r->left = (size_t)length;
	} else {
		return -EBADMSG; /* its end would be the connection's: see httpreply.h */
	}
	return 0;
}

/* LEN bytes of DATA after *BUF's *BUF_LEN, which may grow to MAX: kept NUL-terminated. */
static int append(char **buf, size_t *buf_len, const char *data, size_t len, size_t max)
{
	char *p;

	if (*buf_len + len > max)
		return -EFBIG;
	if (!(p = realloc(*buf, *buf_len + len + 1)))
		return -ENOMEM;
	memcpy(p + *buf_len, data, len);
	*buf = p;
	*buf_len += len;
	p[*buf_len] = '\0';
	return 0;
}

/* LEN more bytes of the body. */
static int body_add(struct http_reply *r, const char *data, size_t len)
{
	return append(&r->body, &r->body_len, data, len, HTTP_BODY_MAX);
}

/* A chunk's size line: its size (hex, extensions after ';' ignored), or -EBADMSG. */
static int chunk_size(const char *line, size_t len, size_t *ret)
{
	size_t n = 0, i = 0;

	for (; i < len && isxdigit((unsigned char)line[i]); i++) {
		if (n > (SIZE_MAX >> 4))
			return -EBADMSG;
		n = n * 16 + (size_t)(isdigit((unsigned char)line[i]) ? line[i] - '0' :
				      tolower((unsigned char)line[i]) - 'a' + 10);
	}
	if (i == 0)
		return -EBADMSG; /* no digits: not a size, and certainly not the last chunk */
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < len && line[i] != ';')
		return -EBADMSG;
	*ret = n;
	return 0;
}

/* Consume what R->raw holds from *AT on, as far as the framing allows. */
static int consume(struct http_reply *r, size_t *at, bool eof)
{
	const char *line;
	size_t len, n;
	int k;

	for (;;) {
		size_t have = r->raw_len - *at;

		switch (r->framing) {
		case HTTP_HEAD: {
			/* The head is complete at its empty line: look for it from the first
			 * line not yet looked at (every one before it had something). */
			size_t end = r->head_scan;

			do {
				if (!next_line(r, &end, &line, &len)) {
					r->head_scan = end;
					return r->raw_len > HTTP_HEAD_MAX ? -EFBIG : 0;
				}
			} while (len);
			r->head_scan = 0;
			if (end > HTTP_HEAD_MAX)
				return -EFBIG;
			if ((k = read_head(r, end)) < 0)
				return k;
			*at = end;
			if (r->framing == HTTP_HEAD) { /* an interim answer: drop it */
				memmove(r->raw, r->raw + end, r->raw_len - end);
				r->raw_len -= end;
				*at = 0;
			}
			continue;
		}
		case HTTP_LENGTH:
		case HTTP_CHUNK_DATA:
			n = have < r->left ? have : r->left;
			if ((k = body_add(r, r->raw + *at, n)) < 0)
				return k;
			*at += n;
			r->left -= n;
			if (r->left)
				return eof ? -EBADMSG : 0;
			r->framing = r->framing == HTTP_LENGTH ? HTTP_DONE : HTTP_CHUNK_END;
			continue;
		case HTTP_CHUNK_SIZE:
			if (!next_line(r, at, &line, &len))
				return have > CHUNK_LINE_MAX || eof ? -EBADMSG : 0;
			if (len > CHUNK_LINE_MAX || chunk_size(line, len, &n) < 0)
				return -EBADMSG;
			if (n > HTTP_BODY_MAX - r->body_len)
				return -EFBIG;
			r->left = n;
			r->framing = n ? HTTP_CHUNK_DATA : HTTP_TRAILER;
			continue;
		case HTTP_CHUNK_END:
			if (!next_line(r, at, &line, &len))
				return have >= 2 || eof ? -EBADMSG : 0;
			if (len)
				return -EBADMSG;
			r->framing = HTTP_CHUNK_SIZE;
			continue;
		case HTTP_TRAILER:
			if (!next_line(r, at, &line, &len))
				return have > HTTP_HEAD_MAX ? -EFBIG : eof ? -EBADMSG : 0;
			if (!len)
				r->framing = HTTP_DONE;
			continue;
		case HTTP_DONE:
			/* Bytes after the answer were not asked for: the connection is not
			 * kept for another request. */
			if (have)
				r->keep = false;
			if (!r->body && body_add(r, "", 0) < 0)
				return -ENOMEM;
			return 1;
		}
	}
}

int http_reply_feed(struct http_reply *r, const char *data, size_t len, bool eof)
{
	size_t at = 0;
	int k;

	if (r->framing == HTTP_DONE)
		return 1;
	if (len && (k = append(&r->raw, &r->raw_len, data, len,
			       HTTP_HEAD_MAX + HTTP_BODY_MAX + CHUNK_LINE_MAX)) < 0)
		return k;
	k = consume(r, &at, eof);
	if (k == 0 && eof)
		k = -EBADMSG; /* it ended before the answer did */
	/* What was consumed goes; the rest (a line not yet complete) waits for more. */
	if (at && r->raw) {
		memmove(r->raw, r->raw + at, r->raw_len - at);
		r->raw_len -= at;
	}
	return k;
}
