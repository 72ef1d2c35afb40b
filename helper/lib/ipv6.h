/* ipv6.h - IPv6 addresses of the bridged network (bridge.ipv6, bridge.subnet6): a unique
 * local /64 per bridge, its gateway (the bridge's address, ::1), and each user's address
 * from her slot, as ipv4.h does for IPv4.  Pure: no syscalls.
 *
 * In the /64 N, N::1 is the gateway; slot S is N::(S + 2), so that her IPv6 address is
 * as stable as her IPv4 address and her port's name (netalloc.h). */
#ifndef WARREN_IPV6_H
#define WARREN_IPV6_H

#include <stddef.h>
#include <stdint.h>

/* An address in network byte order. */
struct ipv6_addr {
	uint8_t b[16];
};

/* Every bridge's /64 has this prefix length: no other is accepted. */
#define IPV6_SUBNET_PREFIX 64
/* The longest text ipv6_format writes, with its NUL. */
#define IPV6_TEXT_MAX 46
/* The default of bridge.subnet6: "fd" and a global ID spelling "warre", subnet "n" (RFC
 * 4193's form; chosen, not random: every host of a fleet may use the same one, as it
 * is never routed beyond the host). */
#define IPV6_SUBNET_DEFAULT "fd77:6172:7265:6e00::/64"

/* "ADDRESS/64", a unique local network (fc00::/7) without host bits: 0; -EINVAL for the
 * form, -ERANGE for a prefix other than /64, -EDOM for host bits set, -EADDRNOTAVAIL for
 * an address outside fc00::/7. */
int ipv6_subnet_parse(const char *s, struct ipv6_addr *ret);
/* ADDR as inet_ntop writes it, into BUF (IPV6_TEXT_MAX); returns BUF. */
const char *ipv6_format(const struct ipv6_addr *a, char *buf, size_t len);
/* NET's gateway, N::1. */
struct ipv6_addr ipv6_subnet_gateway(const struct ipv6_addr *net);
/* The address of SLOT in NET: N::(SLOT + 2). */
struct ipv6_addr ipv6_subnet_slot_addr(const struct ipv6_addr *net, uint32_t slot);
/* 32 hex digits (a network record's field) into BUF (33 bytes); parse: 0 or -EINVAL. */
const char *ipv6_hex(const struct ipv6_addr *a, char *buf, size_t len);
int ipv6_hex_parse(const char *s, struct ipv6_addr *ret);

#endif
