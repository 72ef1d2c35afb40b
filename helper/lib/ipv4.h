/* ipv4.h - IPv4 addresses of the bridged network: the subnet from the config, the
 * gateway (the bridge's address), and each user's slot in it.  Pure: no syscalls.
 *
 * In a subnet N/P the network address, N+1 (the gateway, the bridge on the host) and the
 * broadcast address are taken; users get the others, slot 0 being N+2.  A slot also
 * names the user's host-side veth (names.h), so both are stable and unique as long as
 * the slot is (netalloc.h). */
#ifndef WARREN_IPV4_H
#define WARREN_IPV4_H

#include <stddef.h>
#include <stdint.h>

/* Host byte order throughout: an address is a uint32_t. */
struct ipv4_subnet {
	uint32_t net;
	unsigned prefix;
};

/* Prefixes from /8 (16M users) to /29 (5). */
#define IPV4_PREFIX_MIN 8
#define IPV4_PREFIX_MAX 29

/* A dotted quad, strictly: four decimal numbers 0-255, no leading zeros, nothing else. */
int ipv4_parse(const char *s, uint32_t *ret);
/* "a.b.c.d" into BUF (at least 16 bytes); returns BUF. */
const char *ipv4_format(uint32_t a, char *buf, size_t len);

/* "10.213.0.0/16": an address with no host bits set, and a prefix in range.
 * -EINVAL for the form, -ERANGE for the prefix, -EDOM for host bits. */
int ipv4_subnet_parse(const char *s, struct ipv4_subnet *ret);
uint32_t ipv4_subnet_gateway(const struct ipv4_subnet *s);
/* How many users the subnet holds. */
uint32_t ipv4_subnet_slots(const struct ipv4_subnet *s);
/* The address of SLOT (< ipv4_subnet_slots). */
uint32_t ipv4_subnet_slot_addr(const struct ipv4_subnet *s, uint32_t slot);

#endif
