/* nft.h - warren's firewall, through libnftables, in two tables of its own in the
 * network namespace the helper runs in (the host's; a test's):
 *
 *   table inet warren    containers reach each other only within a peers group (a
 *                        forward drop bridge->bridge: port isolation alone is bypassed
 *                        by routing through the gateway), "isolated" ones nothing but
 *                        the gateway, none a host service beyond ping and what the
 *                        host's DNS needs; NAT out for the subnet; nothing opens a
 *                        connection into a container; nothing forwarded to where
 *                        bridge.deny says (chain destinations, egress.h)
 *   table bridge warren  anti-spoofing: a frame from a container's port carries only
 *                        that container's address and MAC (a set keyed by port, one
 *                        element per container) and is IPv4 or ARP
 *
 * Both carry a comment naming the bridge and subnet they were made for.  Per container
 * only set elements are added and removed, never rules. */
#ifndef WARREN_NFT_H
#define WARREN_NFT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/errors.h"
#include "lib/ipv4.h"
#include "net/egress.h"

/* What a container puts in the sets. */
struct nft_member {
	char port[16];      /* its host-side veth */
	uint32_t addr;      /* its IPv4 address */
	uint8_t mac[6];
	bool isolated;
	uint32_t peer_group; /* 0: none */
};

/* The tables for BRIDGE and SUBNET, made if missing (lock held).  -EEXIST with ERR
 * saying so if they exist for another bridge or subnet. */
int nft_tables_ensure(const char *bridge, const struct ipv4_subnet *subnet, bool host_dns,
		      struct error *err);
/* Remove warren's tables (they were made for another bridge or subnet). */
int nft_tables_delete(struct error *err);
/* The chain "destinations" of table inet warren, and its sets, anew from E (egress.h):
 * what containers on BRIDGE forward to deny4/deny6 is dropped, unless it goes to
 * allow4/allow6, or to a nameserver (dns4) on port 53.  Format: the commands, into *RET
 * (free it); pure.  Load: in one transaction (lock held). */
int nft_destinations_format(const char *bridge, const struct egress *e, char **ret);
int nft_destinations_load(const char *bridge, const struct egress *e, struct error *err);
int nft_member_add(const struct nft_member *m, struct error *err);
/* Remove M's elements; elements already gone are fine. */
int nft_member_del(const struct nft_member *m);

/* A chain of another table that drops forwarded packets by policy (a host firewall such
 * as Docker's or ufw's): its "FAMILY TABLE CHAIN" into BUF; 0 if found, -ENOENT if not. */
int nft_forward_blocker(char *buf, size_t len);

#endif
