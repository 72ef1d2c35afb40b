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
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *comma = strchr(s, ',');
	struct tm tm = { 0 };
	char mon[4] = "";
	const char *m;
	int year, end = 0;

	if (!comma || sscanf(comma + 1, " %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", &tm.tm_mday, mon,
			     &year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &end) != 6 || !end ||
	    comma[1 + end] != '\0')
		return -1;
	if (strlen(mon) != 3 || !(m = strstr(months, mon)) || (m - months) % 3 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || year < 1970 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year = year - 1900;
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

/* Does header line LINE (LEN bytes) have NAME?  Its value (spaces cut) into *VALUE. */
static bool header_is(const char *line, size_t len, const char *name, char *value, size_t size)
{
	size_t n = strlen(name), v;

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n))
		return false;
	line += n + 1;
	len -= n + 1;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	v = len < size - 1 ? len : size - 1;
	memcpy(value, line, v);
	value[v] = '\0';
	return true;
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
	while (next_line(r, &at, &line, &len) && len) {
		if (!memchr(line, ':', len))
			return -EBADMSG;
		if (header_is(line, len, "Content-Length", value, sizeof(value))) {
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
		} else if (header_is(line, len, "Transfer-Encoding", value, sizeof(value))) {
			/* Only chunked is a coding warren reads (it asks for no compression). */
			if (strcasecmp(value, "chunked"))
				return -EBADMSG;
			chunked = true;
		} else if (header_is(line, len, "Connection", value, sizeof(value))) {
			if (has_token(value, "close"))
				r->keep = false;
		} else if (header_is(line, len, "Date", value, sizeof(value))) {
			r->date = http_date_parse(value);
		}
	}
	if (at != head_end)
		return -EBADMSG;
	if (status < 200) {
		r->keep = false;
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
		r->framing = HTTP_TO_EOF;
		r->keep = false;
	}
	return 0;
}

/* LEN more bytes of the body. */
static int body_add(struct http_reply *r, const char *data, size_t len)
{
	char *p;

	if (r->body_len + len > HTTP_BODY_MAX)
		return -EFBIG;
	if (!(p = realloc(r->body, r->body_len + len + 1)))
		return -ENOMEM;
	memcpy(p + r->body_len, data, len);
	r->body = p;
	r->body_len += len;
	p[r->body_len] = '\0';
	return 0;
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
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == 0 || (i < len && line[i] != ';'))
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
			/* The head is complete at its empty line: look for it from the start. */
			size_t end = 0;

			do {
				if (!next_line(r, &end, &line, &len))
					return r->raw_len > HTTP_HEAD_MAX ? -EFBIG : 0;
			} while (len);
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
		case HTTP_TO_EOF:
			if ((k = body_add(r, r->raw + *at, have)) < 0)
				return k;
			*at += have;
			if (!eof)
				return 0;
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
	char *p;
	int k;

	if (r->framing == HTTP_DONE)
		return 1;
	if (len) {
		if (r->raw_len + len > HTTP_HEAD_MAX + HTTP_BODY_MAX + CHUNK_LINE_MAX)
			return -EFBIG;
		if (!(p = realloc(r->raw, r->raw_len + len + 1)))
			return -ENOMEM;
		memcpy(p + r->raw_len, data, len);
		r->raw = p;
		r->raw_len += len;
	}
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
