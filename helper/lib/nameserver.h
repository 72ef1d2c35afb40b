/* nameserver.h - a nameserver's address, as resolv.conf and bridge.dns give it, and what
 * kind of address it is.  Pure: no syscalls.
 *
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it maps: the C library
 * reaches such a nameserver over IPv4, so it is an IPv4 nameserver (loopback if a.b.c.d
 * is, reached through bridge.deny's dns4 exception if not), never an IPv6 one. */
#ifndef WARREN_NAMESERVER_H
#define WARREN_NAMESERVER_H

#include <stdint.h>

struct nameserver {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order; IPv4 in the first 4 bytes, the rest 0 */
};

/* S as a nameserver's address (an IPv4 or IPv6 address, no zone; an IPv4-mapped one as
 * IPv4): 0, or -EINVAL. */
int nameserver_parse(const char *s, struct nameserver *ret);

enum nameserver_kind {
	NAMESERVER_UNICAST,    /* one that may serve a container */
	NAMESERVER_LOOPBACK,   /* 127.0.0.0/8, ::1: a container's own, not the host's */
	NAMESERVER_LINK_LOCAL, /* fe80::/10: a link of the host's, which no container is on */
	NAMESERVER_NONE,       /* no nameserver's at all: unspecified (0.0.0.0/8, ::),
				* multicast (224.0.0.0/4, ff00::/8), broadcast (255.255.255.255) */
};
enum nameserver_kind nameserver_kind(const struct nameserver *ns);

#endif
