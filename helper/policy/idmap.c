/* idmap.c - pick a user's subordinate ID range and format the container's ID map
 * (HACKING.md §3.2). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/idmap.h"

/* The highest host ID plus one: (uid_t)-1 means "no ID" to the kernel, so a range
 * may end at 4294967294 at most, i.e. START + COUNT <= ID_LIMIT. */
#define ID_LIMIT 4294967295ULL

/* One parsed "NAME:START:COUNT" line; NAME points into the caller's text. */
struct subid_line {
	const char *name;
	size_t name_len;
	unsigned long long start; /* wider than 32 bits, so that overflow stays visible */
	unsigned long long count;
};

/* Strict decimal: digits only (no sign, blanks or "0x"); strtoul would accept " -1"
 * and wrap it.  A value past 32 bits saturates at ID_LIMIT + 1, which no check passes,
 * so an overflowing range is seen as unusable rather than as a garbage line. */
static bool parse_id(const char *p, size_t len, unsigned long long *ret)
{
	unsigned long long v = 0;
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (v <= ID_LIMIT)
			v = v * 10 + (unsigned long long)(p[i] - '0');
	}
	*ret = v > ID_LIMIT ? ID_LIMIT + 1 : v;
	return true;
}

/* Split the line [P, P+LEN) into exactly three ':'-separated fields, as shadow does. */
static bool subid_line_parse(const char *p, size_t len, struct subid_line *ret)
{
	const char *end = p + len, *c1, *c2;
	struct subid_line l;

	c1 = memchr(p, ':', len);
	if (!c1 || c1 == p)
		return false;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c2 || memchr(c2 + 1, ':', (size_t)(end - c2 - 1)))
		return false;

	l.name = p;
	l.name_len = (size_t)(c1 - p);
	if (!parse_id(c1 + 1, (size_t)(c2 - c1 - 1), &l.start) ||
	    !parse_id(c2 + 1, (size_t)(end - c2 - 1), &l.count))
		return false;
	*ret = l;
	return true;
}

/* shadow lets an entry name the user or its numeric ID. */
static bool subid_line_matches(const struct subid_line *l, const char *user, unsigned long id)
{
	unsigned long long n;

	if (user && strlen(user) == l->name_len && memcmp(user, l->name, l->name_len) == 0)
		return true;
	return parse_id(l->name, l->name_len, &n) && n < ID_LIMIT && n == id;
}

/* Can IDs 0..SPAN-1 be mapped from START/COUNT next to the identity line for ID?
 * START 0 would make inside-root host root; and if ID fell inside the span we use,
 * two inside IDs would share one host ID (the kernel refuses such maps anyway). */
static bool range_usable(unsigned long long id, unsigned long long start,
			 unsigned long long count)
{
	if (start < 1 || start >= ID_LIMIT || count < WARREN_ID_SPAN || count > ID_LIMIT - start)
		return false;
	if (id >= ID_LIMIT)
		return false;
	return !(id >= start && id - start < WARREN_ID_SPAN);
}

static bool line_is_blank_or_comment(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i == len || p[i] == '#';
}

/* Lines that are not "NAME:START:COUNT" with strict numbers are ignored, the way
 * shadow's own tools skip them: one bad line must not lock every user out.  A matching
 * line whose range cannot be used (too small, START 0, past 32 bits, or containing the
 * user's own ID) is skipped too but turns "none" into -ERANGE, so the admin is told. */
int subid_find(const char *text, const char *user, unsigned long id, struct subid_range *ret)
{
	const char *p, *eol;
	struct subid_line l;
	int r = -ENOENT;

	if (!text)
		return -EINVAL;
	for (p = text; *p; p = *eol ? eol + 1 : eol) {
		size_t len;

		eol = strchrnul(p, '\n');
		len = (size_t)(eol - p);
		if (line_is_blank_or_comment(p, len) || !subid_line_parse(p, len, &l))
			continue;
		if (!subid_line_matches(&l, user, id))
			continue;
		if (!range_usable(id, l.start, l.count)) {
			r = -ERANGE;
			continue;
		}
		ret->start = (unsigned long)l.start;
		ret->count = (unsigned long)l.count;
		return 0;
	}
	return r;
}

int subid_overlap(const char *text, const char *user, unsigned long id,
		  const struct subid_range *r, char *other, size_t len)
{
	const unsigned long long lo = r->start, hi = r->start + WARREN_ID_SPAN;
	const char *p, *eol;
	struct subid_line l;

	for (p = text; p && *p; p = *eol ? eol + 1 : eol) {
		size_t n;

		eol = strchrnul(p, '\n');
		n = (size_t)(eol - p);
		if (line_is_blank_or_comment(p, n) || !subid_line_parse(p, n, &l) ||
		    subid_line_matches(&l, user, id) || l.count == 0)
			continue;
		if (l.start < hi && lo < l.start + l.count) {
			snprintf(other, len, "%.*s", (int)l.name_len, l.name);
			return 1;
		}
	}
	return 0;
}

/* Append "INSIDE HOST COUNT\n" at *POS; the kernel's map format. */
static int map_line_append(char *buf, size_t len, size_t *pos, unsigned long inside,
			   unsigned long host, unsigned long count)
{
	int n;

	if (*pos >= len)
		return -ENOSPC;
	n = snprintf(buf + *pos, len - *pos, "%lu %lu %lu\n", inside, host, count);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len - *pos)
		return -ENOSPC;
	*pos += (size_t)n;
	return 0;
}

static int id_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Inside LO..HI-1 from the range (R.start+x for x), if there is any. */
static int range_lines(char *buf, size_t len, size_t *pos, const struct subid_range *r,
		       unsigned long lo, unsigned long hi)
{
	return hi > lo ? map_line_append(buf, len, pos, lo, r->start + lo, hi - lo) : 0;
}

int idmap_format_ids(const unsigned long *ids, size_t n, const struct subid_range *r, char *buf,
		     size_t len)
{
	unsigned long sorted[IDMAP_IDS_MAX], next = 0;
	size_t pos = 0, m = 0;
	int k = 0;

	if (!r || n == 0 || n > IDMAP_IDS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!range_usable(ids[i], r->start, r->count))
			return -EINVAL;
	memcpy(sorted, ids, n * sizeof(*ids));
	qsort(sorted, n, sizeof(*sorted), id_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || sorted[i] != sorted[m - 1])
			sorted[m++] = sorted[i];
	/* Inside ID x other than the ids takes host start+x, so slot start+id stays
	 * unused for each id: no host ID is reached twice. */
	for (size_t i = 0; i < m && k >= 0 && sorted[i] < WARREN_ID_SPAN; i++) {
		k = range_lines(buf, len, &pos, r, next, sorted[i]);
		if (k >= 0)
			k = map_line_append(buf, len, &pos, sorted[i], sorted[i], 1);
		next = sorted[i] + 1;
	}
	if (k >= 0)
		k = range_lines(buf, len, &pos, r, next, WARREN_ID_SPAN);
	/* Above the span: the identity lines alone. */
	for (size_t i = 0; i < m && k >= 0; i++)
		if (sorted[i] >= WARREN_ID_SPAN)
			k = map_line_append(buf, len, &pos, sorted[i], sorted[i], 1);
	return k < 0 ? k : (int)pos;
}

int idmap_format(unsigned long id, const struct subid_range *r, char *buf, size_t len)
{
	return idmap_format_ids(&id, 1, r, buf, len);
}
