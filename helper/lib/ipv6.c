/* ipv6.c - IPv6 addresses of the bridged network (see ipv6.h).  Pure. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/cidr.h"
#include "lib/ipv6.h"

int ipv6_subnet_parse(const char *s, struct ipv6_addr *ret)
{
	struct cidr c;
	int r;

	/* An address alone is a /128 to cidr_parse: the prefix must be written. */
	if (!strchr(s, '/') || !strchr(s, ':'))
		return -EINVAL;
	if ((r = cidr_parse(s, &c)) == -EINVAL || (r == 0 && c.family != AF_INET6))
		return -EINVAL;
	if (r == -ERANGE || (r == 0 && c.prefix != IPV6_SUBNET_PREFIX))
		return -ERANGE;
	if (r == -EDOM) {
		/* cidr_parse's -EDOM for a wrong prefix would hide it: say the prefix first. */
		const char *slash = strrchr(s, '/');

		return strcmp(slash, "/64") ? -ERANGE : -EDOM;
	}
	if (r < 0)
		return r;
	if ((c.addr[0] & 0xfe) != 0xfc)
		return -EADDRNOTAVAIL;
	memcpy(ret->b, c.addr, 16);
	return 0;
}

const char *ipv6_format(const struct ipv6_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(AF_INET6, a->b, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* NET with its last 32 bits V (a /64 has 64 host bits: more slots than any subnet4). */
static struct ipv6_addr host(const struct ipv6_addr *net, uint32_t v)
{
	struct ipv6_addr a = *net;

	a.b[12] = (uint8_t)(v >> 24);
	a.b[13] = (uint8_t)(v >> 16);
	a.b[14] = (uint8_t)(v >> 8);
	a.b[15] = (uint8_t)v;
	return a;
}

struct ipv6_addr ipv6_subnet_gateway(const struct ipv6_addr *net)
{
	return host(net, 1);
}

struct ipv6_addr ipv6_subnet_slot_addr(const struct ipv6_addr *net, uint32_t slot)
{
	/* ipv4_subnet_slots is at most 2^24 - 3: no overflow. */
	return host(net, slot + 2);
}

const char *ipv6_hex(const struct ipv6_addr *a, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < 16 && o + 2 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x", a->b[i]);
	return buf;
}

int ipv6_hex_parse(const char *s, struct ipv6_addr *ret)
{
	struct ipv6_addr a;

	if (strlen(s) != 32 || strspn(s, "0123456789abcdef") != 32)
		return -EINVAL;
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		a.b[i] = (uint8_t)v;
	}
	*ret = a;
	return 0;
}
