/* ports.c - isolated_ports values (see ports.h).  Pure: no syscalls. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy/ports.h"

const struct port_list port_list_builtin = {
	.v = { { 53, 53, PORT_UDP }, { 53, 53, PORT_TCP } },
	.n = 2,
};

/* A port in [P, END): 1..65535, decimal, no leading zero.  -EINVAL or -ERANGE. */
static int parse_port(const char *p, const char *end, uint16_t *ret)
{
	unsigned long v = 0;

	if (p == end || *p == '0' || (size_t)(end - p) > 5)
		return p != end && *p == '0' && end - p == 1 ? -ERANGE : -EINVAL;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return -ERANGE;
	*ret = (uint16_t)v;
	return 0;
}

int port_range_parse(const char *s, struct port_range *ret)
{
	const char *slash = strchr(s, '/'), *dash;
	struct port_range r;
	int a, b;

	if (!slash)
		return -EINVAL;
	if (strcmp(slash + 1, "tcp") == 0)
		r.proto = PORT_TCP;
	else if (strcmp(slash + 1, "udp") == 0)
		r.proto = PORT_UDP;
	else
		return -EINVAL;
	dash = memchr(s, '-', (size_t)(slash - s));
	a = parse_port(s, dash ? dash : slash, &r.lo);
	b = dash ? parse_port(dash + 1, slash, &r.hi) : a;
	if (!dash)
		r.hi = r.lo;
	if (a == -EINVAL || b == -EINVAL)
		return -EINVAL;
	if (a < 0 || b < 0 || r.lo > r.hi)
		return -ERANGE;
	*ret = r;
	return 0;
}

static const char *proto_name(const struct port_range *r)
{
	return r->proto == PORT_TCP ? "tcp" : "udp";
}

const char *port_range_format(const struct port_range *r, char *buf, size_t len)
{
	if (r->lo == r->hi)
		snprintf(buf, len, "%u/%s", r->lo, proto_name(r));
	else
		snprintf(buf, len, "%u-%u/%s", r->lo, r->hi, proto_name(r));
	return buf;
}

int port_range_overlap(const struct port_range *a, const struct port_range *b)
{
	return a->proto == b->proto && a->lo <= b->hi && b->lo <= a->hi;
}

const char *port_range_nft(const struct port_range *r, char *buf, size_t len)
{
	if (r->lo == r->hi)
		snprintf(buf, len, "%s . %u", proto_name(r), r->lo);
	else
		snprintf(buf, len, "%s . %u-%u", proto_name(r), r->lo, r->hi);
	return buf;
}

int port_list_format(const struct port_list *l, const char *sep, char *buf, size_t len)
{
	char one[24];
	size_t o = 0;
	int n;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (l->n == 0)
		return snprintf(buf, len, "-") >= (int)len ? -ENOSPC : 0;
	for (unsigned i = 0; i < l->n && i < PORTS_MAX; i++) {
		n = snprintf(buf + o, len - o, "%s%s", i ? sep : "",
			     port_range_format(&l->v[i], one, sizeof(one)));
		if (n < 0 || (size_t)n >= len - o)
			return -ENOSPC;
		o += (size_t)n;
	}
	return 0;
}

int port_list_parse(const char *s, struct port_list *ret)
{
	struct port_list l = { .n = 0 };
	char one[24];

	if (strcmp(s, "-") == 0) {
		*ret = l;
		return 0;
	}
	for (const char *p = s, *end;; p = end + 1) {
		end = strchrnul(p, ',');
		if (l.n == PORTS_MAX || (size_t)(end - p) >= sizeof(one))
			return -EBADMSG;
		memcpy(one, p, (size_t)(end - p));
		one[end - p] = '\0';
		if (port_range_parse(one, &l.v[l.n++]) < 0)
			return -EBADMSG;
		if (!*end)
			break;
	}
	*ret = l;
	return 0;
}
