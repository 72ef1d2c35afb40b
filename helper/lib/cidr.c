/* cidr.c - networks in CIDR form (see cidr.h).  Pure. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/cidr.h"
#include "lib/ipv4.h"

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int cidr_parse(const char *s, struct cidr *ret)
{
	const char *slash = strchr(s, '/');
	struct cidr c = { 0 };
	char addr[INET6_ADDRSTRLEN];
	size_t n = slash ? (size_t)(slash - s) : strlen(s), digits;
	uint32_t a4;

	if (n == 0 || n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (ipv4_parse(addr, &a4) == 0) {
		c.family = AF_INET;
		a4 = htonl(a4);
		memcpy(c.addr, &a4, 4);
	} else if (strchr(addr, ':') && inet_pton(AF_INET6, addr, c.addr) == 1) {
		c.family = AF_INET6;
	} else {
		return -EINVAL;
	}
	c.prefix = 8 * (unsigned)addr_len(c.family);
	if (slash) {
		digits = strspn(slash + 1, "0123456789");
		if (digits == 0 || digits > 3 || slash[1 + digits] || (digits > 1 && slash[1] == '0'))
			return -EINVAL;
		c.prefix = 0;
		for (size_t i = 0; i < digits; i++)
			c.prefix = c.prefix * 10 + (unsigned)(slash[1 + i] - '0');
		if (c.prefix > 8 * addr_len(c.family))
			return -ERANGE;
	}
	if (memcmp(cidr_network(c.family, c.addr, c.prefix).addr, c.addr, addr_len(c.family)))
		return -EDOM;
	*ret = c;
	return 0;
}

const char *cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	(void)inet_ntop(c->family, c->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, c->prefix);
	return buf;
}

struct cidr cidr_network(int family, const void *addr, unsigned prefix)
{
	struct cidr c = { .family = family, .prefix = prefix };
	size_t len = addr_len(family);

	memcpy(c.addr, addr, len);
	for (size_t i = 0; i < len; i++) {
		unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;

		c.addr[i] &= (uint8_t)~(0xff >> keep);
	}
	return c;
}

bool cidr_contains(const struct cidr *c, int family, const void *addr)
{
	struct cidr n;

	if (family != c->family)
		return false;
	n = cidr_network(family, addr, c->prefix);
	return memcmp(n.addr, c->addr, addr_len(family)) == 0;
}
