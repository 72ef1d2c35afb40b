/* nft.h - warren's firewall, through libnftables, in two tables of its own in the
 * network namespace the helper runs in (the host's; a test's):
 *
 *   table inet warren    containers reach each other only within a peers group (a
 *                        forward drop bridge->bridge: port isolation alone is bypassed
 *                        by routing through the gateway), "isolated" ones nothing but
 *                        the gateway's ping and the ports of their isolated_ports (a
 *                        set keyed by address, protocol and port), the others no host
 *                        service beyond ping and what the host's DNS needs; NAT out
 *                        for the subnet; nothing from outside opens a connection into
 *                        a container, and of the host's own processes only root's
 *                        (an output chain: the host's other users may not); nothing
 *                        forwarded to where bridge.deny says (chain destinations,
 *                        egress.h); and, per container, what she opens through the host: the new
 *                        connections of her address, forwarded or to the host, go to a
 *                        chain of her own (map net_limits), which drops those past net_rate
 *                        per second and those past net_conns open at once, and counts
 *                        them (nft_limit_hits)
 *   table bridge warren  anti-spoofing: a frame from a container's port carries only
 *                        that container's address and MAC (a set keyed by port, one
 *                        element per container) and is IPv4 or ARP; the ports are
 *                        named in a set (port_names), so that an interface of another
 *                        bridge that merely looks like one loses nothing
 *   table arp warren     with chain from_ports of table inet warren: what a port passes
 *                        up itself, as a device of the host's, is dropped (ARP here, IP
 *                        there, before conntrack), the ports named in a set of each
 *                        table (one element per container).  A frame to
 *                        01:80:c2:00:00:0X skips the bridge's prerouting hook (and 0E
 *                        every bridge hook), so the anti-spoofing never sees it; it
 *                        reaches the host with the port, not the bridge, as its way in.
 *
 * IPv6 (bridge.ipv6) has the same rules beside IPv4's: each set and map keyed by a
 * container's address has a twin keyed by her IPv6 address (isolated6, ...,
 * net_limits6, her chain of limits the same), NAT66; in table bridge warren ports6 (her
 * IPv6 address and MAC), nd_targets (what a neighbour advertisement from her port may
 * name) and nd_lladdrs (the one link-layer address her neighbour solicitations and
 * advertisements may carry: her MAC), and no router solicitation, advertisement or
 * redirect from a port.  Without IPv6 she has no
 * element there, and every IPv6 frame of hers is dropped.
 *
 * Both carry a comment naming the bridge and subnet they were made for, and the output
 * chain a comment naming the version of the rules (NFT_RULES_VERSION) and the bridge's
 * IPv6 /64: tables of an older version, or of another subnet6, get this one's rules at
 * the next start, their set elements kept.  What changes while containers run is in set
 * elements, never in the rules: which of the gateway's addresses take DNS (sets
 * host_dns4, host_dns6, set at every start from the host's nameservers).  Per
 * container only set elements are added and removed, and her chain of limits (with its
 * element of map net_limits): a connection count kept in a set element would do without
 * rules, but the kernel collects an element whose count is idle, and with it her limit
 * (nft_connlimit_gc; seen on 6.18), so that her next connections would get the rule's
 * one for all.  A flush of an older version's rules empties these chains too: her
 * container runs without limits until its next start.  At every start the
 * chain destinations and its sets are made anew (bridge.deny, the host's networks), in
 * the same transaction as the tables' rules when they are made or replaced. */
#ifndef WARREN_NFT_H
#define WARREN_NFT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/errors.h"
#include "lib/ipv4.h"
#include "lib/ipv6.h"
#include "net/egress.h"
#include "policy/ports.h"

/* What a container puts in the sets. */
struct nft_member {
	char port[16];      /* its host-side veth */
	uint32_t addr;      /* its IPv4 address */
	bool has6;          /* an IPv6 address too (bridge.ipv6): */
	struct ipv6_addr addr6;
	uint8_t mac[6];
	bool isolated;
	uint32_t peer_group; /* 0: none */
	struct port_list ports; /* isolated: the gateway's ports it reaches */
	uint32_t conns;     /* net_conns, net_rate: her chain of limits; 0 (a record's */
	uint32_t rate;      /* member, to delete): none made */
};

/* The chain of M's limits (its name from M's port, unique on the bridge), into BUF. */
const char *nft_limits_chain(const struct nft_member *m, char *buf, size_t len);

/* What the chain of a container's limits says: the new connections (packets that would
 * open one: a retransmitted SYN counts again) it refused past each limit since her start,
 * and the limits. */
struct nft_limit_hits {
	uint64_t conns, rate;
	uint32_t conns_max, rate_max;
};
/* From TEXT, the chain as nft lists it: 0, -ENODATA if neither rule is there (an
 * upgrade of the rules flushed the chain), -EBADMSG if one is not.  Pure. */
int nft_limit_hits_parse(const char *text, struct nft_limit_hits *ret);
/* Read the chain of M's limits: 0, -ENOENT if there is none (a container of an older
 * version of the rules, or none running), -ENODATA if it has no rules (her limits were
 * lost at an upgrade of the rules: they return at her next start), -EIO (nft failed, or
 * the chain is not one of limits). */
int nft_limit_hits(const struct nft_member *m, struct nft_limit_hits *ret);

/* The version of the rules nft_ruleset writes, with the shape of the destinations chain
 * and sets that nft_destinations_format adds; a new one for every change of them (3: the
 * destinations chain beside version 2's output chain and isolated ports; 4: chain
 * from_ports, table arp warren, and their sets of the ports; 5: the chains that send
 * containers' new connections to their limits; 6: table bridge warren matches the ports
 * by its own set port_names, not by "wr*"; 7: IPv6, the bridge's /64 named in the mark;
 * 8: DNS over IPv6, to the gateway's IPv6 address and set dns6; 9: DNS to the gateway by
 * sets host_dns4 and host_dns6, whose elements each start sets, the mark no longer naming
 * it: a change of the host's nameservers replaced version 8's rules, and with them every
 * running container's limits; 10: a port's neighbour solicitations and advertisements
 * name her MAC alone, by set nd_lladdrs, and no router solicitation passes; 11: the mark
 * is the comment of chain rules_version, naming the bridge and its subnet too, not the
 * output chain's last rule). */
#define NFT_RULES_VERSION 11

/* The ruleset for BRIDGE and SUBNET (the text handed to libnftables) into BUF: 0, or
 * -ENOSPC.  Pure: for review and for the unit test. */
int nft_ruleset(const char *bridge, const struct ipv4_subnet *subnet,
		const struct ipv6_addr *subnet6, char *buf, size_t len);
/* The commands that add (VERB "add") or delete (VERB "delete") M's set elements and her
 * chain of limits, one per line, into BUF: 0, or -ENOSPC.  Pure. */
int nft_member_commands(const struct nft_member *m, const char *verb, char *buf, size_t len);

/* Do CHAINS (what "list chains" printed) show warren's tables, of this version of the
 * rules, made for BRIDGE, SUBNET and SUBNET6?  Pure. */
bool nft_chains_current(const char *chains, const char *bridge, const struct ipv4_subnet *subnet,
			const struct ipv6_addr *subnet6);

/* What nft_tables_ensure found: no tables (or a remnant, deleted), tables of an older
 * version of the rules, tables of this one. */
enum nft_tables_found { NFT_TABLES_NONE, NFT_TABLES_OLDER, NFT_TABLES_CURRENT };
/* The one transaction nft_tables_ensure hands libnftables when it FOUND that, into *RET
 * (free it): the flush of an older version's rules, nft_ruleset's and those of chain
 * from_ports and table arp warren (but for current tables), then chain destinations_mark
 * with the comment RET_MARK (if not NULL; NFT_DEST_MARK_MAX bytes) that names what
 * follows: the destinations from DEST (nft_destinations_format), then the elements of
 * sets host_dns4 and host_dns6 for HOST_DNS (dns.h: the gateway's address in each whose
 * bit is set).  0, or -ENOSPC, -ENOMEM.  Pure. */
#define NFT_DEST_MARK_MAX 48
int nft_tables_commands(const char *bridge, const struct ipv4_subnet *subnet,
			const struct ipv6_addr *subnet6, unsigned host_dns, const struct egress *dest,
			enum nft_tables_found found, char **ret, char *ret_mark);
/* What "list chains" prints (every table's chains, their hooks, policies and comments,
 * no rule), into *RET (free it): 0, or as nft_tables_ensure's reading fails. */
int nft_chains_list(char **ret);
/* The tables for BRIDGE and SUBNET, made if missing, their rules replaced if they are of
 * an older version, and the chain destinations with its sets made anew from DEST (unless
 * the last start loaded the same: destinations_mark's comment says so): all of it in one
 * transaction (lock held).  CHAINS: nft_chains_list's text at this start, or
 * NULL to read it.  -EEXIST with ERR saying so if they exist for another bridge or
 * subnet. */
int nft_tables_ensure(const char *bridge, const struct ipv4_subnet *subnet,
		      const struct ipv6_addr *subnet6, unsigned host_dns, const struct egress *dest,
		      const char *chains, struct error *err);
/* Into F, for each element of MACS (set macs of table bridge warren as nft lists it),
 * the commands that add its port to the three sets port_names: 0, or -EBADMSG.  Pure. */
int nft_port_names_commands(const char *macs, FILE *f);
/* Into F, for each element of PORTS6 (set ports6 of table bridge warren as nft lists it),
 * the command that adds its port and MAC to set nd_lladdrs: 0, or -EBADMSG.  Pure. */
int nft_nd_lladdrs_commands(const char *ports6, FILE *f);
/* Remove warren's tables (they were made for another bridge or subnet). */
int nft_tables_delete(struct error *err);
/* The chain "destinations" of table inet warren, and its sets, anew from E (egress.h):
 * what containers on BRIDGE forward to deny4/deny6 is dropped, unless it goes to
 * allow4/allow6, or to a nameserver (dns4/dns6) on port 53.  The commands, into *RET (free
 * it), to follow the tables in a transaction (nft_tables_ensure); pure. */
int nft_destinations_format(const char *bridge, const struct egress *e, char **ret);
/* M's elements and chain of limits, in one transaction; with LEFTOVERS, with the deletion
 * of whatever elements keyed by her address an earlier container left (nft_purge_commands:
 * a listing of every set keyed by addresses, whose cost grows with the containers). */
int nft_member_add(const struct nft_member *m, bool leftovers, struct error *err);
/* Remove M's elements; elements already gone are fine: 0, or -EIO if one that is there
 * could not go (the record of them must stay, for gc to try again). */
int nft_member_del(const struct nft_member *m);
/* Into F, a "delete element inet warren SET { KEY }" line for each element of LISTING
 * (the set or map SET as nft lists it) keyed by ADDR (as nft writes it), alone or first of a
 * concatenation.  Pure. */
int nft_purge_commands(const char *set, const char *listing, const char *addr, FILE *f);
/* What an nft failure with message MSG means: -ENOENT if what it names is not there,
 * else -EIO.  Pure. */
int nft_error_code(const char *msg);

/* A chain of another table that drops forwarded packets by policy (a host firewall such
 * as Docker's or ufw's), in CHAINS (nft_chains_list's text; NULL: read it): its "FAMILY
 * TABLE CHAIN" into BUF; 0 if found, -ENOENT if not. */
int nft_forward_blocker(const char *chains, char *buf, size_t len);

#endif
