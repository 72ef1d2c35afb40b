/* netaddr.h - IPv4 addresses of the bridged network: the subnet from the config, the
 * gateway (the bridge's address), and each user's slot in it.  Pure: no syscalls.
 *
 * In a subnet N/P the network address, N+1 (the gateway, the bridge on the host) and the
 * broadcast address are taken; users get the others, slot 0 being N+2.  A slot is also
 * what names the user's host-side veth ("wr" and the slot in hex), so both are stable and
 * unique as long as the slot is (netalloc.h). */
#ifndef WARREN_NETADDR_H
#define WARREN_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Host byte order throughout. */
struct subnet {
	uint32_t net;
	unsigned prefix;
};

/* Prefixes from /8 (16M users) to /29 (5). */
#define SUBNET_PREFIX_MIN 8
#define SUBNET_PREFIX_MAX 29

/* A dotted quad, strictly: four decimal numbers 0-255, no leading zeros, nothing else. */
int ipv4_parse(const char *s, uint32_t *ret);
/* "a.b.c.d" into BUF (at least 16 bytes); returns BUF. */
const char *ipv4_format(uint32_t a, char *buf, size_t len);

/* "10.213.0.0/16": an address with no host bits set, and a prefix in range.
 * -EINVAL for the form, -ERANGE for the prefix, -EDOM for host bits. */
int subnet_parse(const char *s, struct subnet *ret);
uint32_t subnet_gateway(const struct subnet *s);
/* How many users the subnet holds. */
uint32_t subnet_slots(const struct subnet *s);
/* The address of SLOT (< subnet_slots). */
uint32_t subnet_slot_addr(const struct subnet *s, uint32_t slot);

/* The host-side veth of SLOT: "wr" and the slot in hex, at most 15 bytes (IFNAMSIZ). */
const char *veth_name(uint32_t slot, char *buf, size_t len);

/* Is NAME a usable interface name for the bridge: 1 to 15 characters of [A-Za-z0-9_.-],
 * not "." or "..", and not one of the veth names warren makes? */
bool bridge_name_is_valid(const char *name);

#endif
