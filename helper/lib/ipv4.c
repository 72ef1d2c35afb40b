/* ipv4.c - IPv4 addresses of the bridged network (see ipv4.h).  Pure. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/ipv4.h"

int ipv4_parse(const char *s, uint32_t *ret)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t digits = strspn(s, "0123456789");

		if (digits == 0 || digits > 3 || (digits > 1 && s[0] == '0'))
			return -EINVAL;
		for (size_t i = 0; i < digits; i++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (v > 255)
			return -EINVAL;
		a = a << 8 | v;
		s += digits;
		if (part < 3 && *s++ != '.')
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	*ret = a;
	return 0;
}

const char *ipv4_format(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

int ipv4_subnet_parse(const char *s, struct ipv4_subnet *ret)
{
	const char *slash = strchr(s, '/');
	char addr[16];
	unsigned prefix = 0;
	size_t digits;
	uint32_t a;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (ipv4_parse(addr, &a) < 0)
		return -EINVAL;
	digits = strspn(slash + 1, "0123456789");
	if (digits == 0 || digits > 2 || slash[1 + digits] || (digits > 1 && slash[1] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < digits; i++)
		prefix = prefix * 10 + (unsigned)(slash[1 + i] - '0');
	if (prefix < IPV4_PREFIX_MIN || prefix > IPV4_PREFIX_MAX)
		return -ERANGE;
	if (a & (0xffffffffu >> prefix))
		return -EDOM;
	*ret = (struct ipv4_subnet){ .net = a, .prefix = prefix };
	return 0;
}

uint32_t ipv4_subnet_gateway(const struct ipv4_subnet *s)
{
	return s->net + 1;
}

uint32_t ipv4_subnet_slots(const struct ipv4_subnet *s)
{
	/* All addresses but the network's, the gateway's and the broadcast. */
	return (uint32_t)((1ULL << (32 - s->prefix)) - 3);
}

uint32_t ipv4_subnet_slot_addr(const struct ipv4_subnet *s, uint32_t slot)
{
	return s->net + 2 + slot;
}
