/* nameserver.c - a nameserver's address (see nameserver.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/ipv4.h"
#include "lib/nameserver.h"

int nameserver_parse(const char *s, struct nameserver *ret)
{
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint32_t a;

	*ret = (struct nameserver){ .family = AF_INET };
	if (s && ipv4_parse(s, &a) == 0) {
		a = htonl(a);
		memcpy(ret->addr, &a, 4);
		return 0;
	}
	if (!s || inet_pton(AF_INET6, s, ret->addr) != 1)
		return -EINVAL;
	if (memcmp(ret->addr, v4mapped, sizeof(v4mapped)) != 0) {
		ret->family = AF_INET6;
		return 0;
	}
	memmove(ret->addr, ret->addr + 12, 4);
	memset(ret->addr + 4, 0, 12);
	return 0;
}

enum nameserver_kind nameserver_kind(const struct nameserver *ns)
{
	static const uint8_t zero[16], loopback6[16] = { [15] = 1 };
	const uint8_t *a = ns->addr;

	if (ns->family == AF_INET) {
		if (a[0] == 127)
			return NAMESERVER_LOOPBACK;
		if (a[0] == 0 || (a[0] & 0xf0) == 224 || !memcmp(a, "\xff\xff\xff\xff", 4))
			return NAMESERVER_NONE;
		return NAMESERVER_UNICAST;
	}
	if (!memcmp(a, loopback6, 16))
		return NAMESERVER_LOOPBACK;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return NAMESERVER_LINK_LOCAL;
	if (!memcmp(a, zero, 16) || a[0] == 0xff)
		return NAMESERVER_NONE;
	return NAMESERVER_UNICAST;
}
