/* net.h - a container's place on the bridged network (network = "nat" or "isolated"):
 * its slot, address and MAC, the host's bridge and firewall, its veth pair and what it
 * puts in the firewall's sets.  Nothing of this happens for network = "none".
 *
 *   net_plan          the helper, before the build: the user's slot (netalloc.h) and
 *                     what follows from it, and her resolv.conf
 *   net_host_prepare  the helper, under the network lock: the bridge (made, addressed,
 *                     learning nothing from link-local frames, IPv6 only with
 *                     bridge.ipv6, its /64's ::1 then, up), warren's
 *                     firewall tables (nft.h) with where containers may not go
 *                     (egress.h) anew, ip_forward (and IPv6 forwarding) for "nat"
 *   net_admit         the helper, after net_host_prepare: her port's set elements (what
 *                     a port of that name or her addresses left purged), recorded in the
 *                     user's runtime dir, before the port exists (the helper's process
 *                     has libnftables warm: net_host_prepare used it)
 *   net_ping_allow    the builder, for every mode: ICMP echo sockets for her in the
 *                     container's network namespace (ping without CAP_NET_RAW)
 *   net_attach        the builder, once the container's network namespace exists: the
 *                     veth, its peer made directly in there as eth0; the port isolated,
 *                     learning no MAC, hers on it in a static entry, no IPv6 on the
 *                     host's side, her bandwidth shaped (tc.h), then up.  A step that
 *                     fails: no network, the start fails
 *   net_inside        the container's first process: eth0's addresses (IPv6 too with
 *                     bridge.ipv6, no SLAAC, no router advertisement taken), up, the
 *                     default routes ("nat"); net_hosts and net_resolv, its /etc/hosts and
 *                     /etc/resolv.conf, which rootfs.c binds
 *   net_detach        cleanup: the host veth if it lingers, her ifb (tc.h), then the set elements; the
 *                     record stays if either does (gc tries again)
 *                     (the kernel removes the pair with the network namespace)
 *   net_limit_hits    warrenctl show, the supervisor at her stop: how often her
 *                     container met net_conns and net_rate
 *   net_bandwidth     warrenctl show: her bandwidth as the kernel shapes it
 */
#ifndef WARREN_NET_H
#define WARREN_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/config.h"
#include "lib/errors.h"
#include "net/nft.h"
#include "policy/spec.h"

#define NET_RESOLV_MAX 1024

/* The config key network: what the container's network namespace has besides loopback.
 * In the order of the key's choices (reslimits.c; test_net checks it). */
enum net_mode {
	NET_NONE,     /* loopback only */
	NET_NAT,      /* a veth on the bridge, and out through NAT */
	NET_ISOLATED, /* a veth on the bridge, reaching the gateway only */
};

struct net_plan {
	enum net_mode mode;
	char bridge[16];
	struct ipv4_subnet subnet; /* the bridge's (IPv4) */
	uint32_t gateway;          /* its IPv4 address: the bridge's */
	bool ipv6;                 /* bridge.ipv6: the bridge and she have IPv6 (member.has6) */
	struct ipv6_addr subnet6;  /* bridge.subnet6, the bridge's /64 (the rules name it always) */
	struct ipv6_addr gateway6; /* its ::1, the bridge's */
	struct nft_member member;  /* port (the host veth), address, MAC, isolation, peers */
	unsigned host_dns;         /* a nameserver is the gateway (DNS_HOST4, DNS_HOST6 of
				    * dns.h): the firewall lets DNS to it in */
	uint64_t bw_in, bw_out;    /* bandwidth.in, .out in bits per second; 0: no limit (tc.h) */
	char *const *deny;         /* bridge.deny or its default, bridge.allow (the config's) */
	char *const *allow;
	char resolv[NET_RESOLV_MAX];
};

/* The plan for U under CFG (mode none: nothing else is filled in). */
int net_plan(const struct warren_config *cfg, const struct user_spec *u, struct net_plan *ret,
	     struct error *err);
int net_host_prepare(const struct net_plan *p, struct error *err);
/* In the builder, for the container whose first process is CHILD (any mode): its network
 * namespace's net.ipv4.ping_group_range opened to every gid, as Docker does, so that
 * iputils' ping works for her through an ICMP echo socket; the host's own is not
 * touched.  The builder joins her namespace for the write alone: it is back in the
 * host's when this returns, or it has exited. */
int net_ping_allow(pid_t child, struct error *err);
/* In the helper, for USER's container to be: her port in the firewall's sets, and her
 * network record (which net_detach undoes, if the start fails after). */
int net_admit(const struct net_plan *p, const char *user, struct error *err);
/* In the builder, for the container whose first process is CHILD. */
int net_attach(const struct net_plan *p, pid_t child, struct error *err);
/* In the container, as its root, in its network namespace; its sysctls beneath SYS, a
 * dirfd of its own /proc/sys (not the host's: fsutil.h's proc_sys_private says why). */
int net_inside(const struct net_plan *p, int sys, struct error *err);
/* Cleanup of USER's stopped container; a container without network has no record. */
int net_detach(const char *user, struct error *err);
/* What the chain of limits of USER's running container says (nft.h): 0; -ENODEV if she
 * has no network record (no container, or network "none"), -ENOENT if her container has
 * no chain (started under an older version of the rules), -EBADMSG if her record is not
 * one, -EIO. */
int net_limit_hits(const char *user, struct nft_limit_hits *ret);
/* The rates (bits per second; 0: none) that the kernel holds USER's running container
 * to, read from the qdiscs of her port and of its ifb (tc.h): 0; -ENODEV if she has no
 * network record, -EBADMSG if her record is not one, or a netlink error. */
int net_bandwidth(const char *user, uint64_t *ret_in, uint64_t *ret_out);
/* The host-side veth of USER's address slot (under STATE_DIR), and its ifb, if they
 * linger: removed (gc).  1 if there was one. */
int net_release_port(const char *state_dir, const char *user);
/* The files of /etc the network decides, as the container's first process binds them:
 * its hosts (HOSTNAME on its own address, or on 127.0.1.1 without one, and the gateway
 * as warren-gateway) into BUF; its resolv.conf, or NULL for network "none" (the image's
 * stays). */
const char *net_hosts(const struct net_plan *p, const char *hostname, char *buf, size_t len);
const char *net_resolv(const struct net_plan *p);

/* A container's network record, RUN_NET (layout.h), as net_attach writes it:
 *   "v4 PORT ADDRESS MAC ISOLATED PEER_GROUP PORTS ADDRESS6" (PORT the host veth,
 * ADDRESS its IPv4 address in hex, MAC, ISOLATED 0|1, PEER_GROUP in hex, PORTS its
 * isolated ports as port_list_format writes them with ",", "-" for none, ADDRESS6 its
 * IPv6 address in 32 hex digits, "-" for none).  A later version only adds fields at
 * the end, which this one skips; version 3 had no ADDRESS6, version 2 no PORTS, and a
 * record without the version (before it had one) is version 1, the fields of version 2.
 * Format into BUF; parse: 0, or -EBADMSG (pure, fuzzed). */
#define NET_RECORD_VERSION 4
#define NET_RECORD_PORTS_LEN 400 /* PORTS_MAX of "65535-65535/tcp," */
#define NET_RECORD_MAX 512
int net_record_format(const struct nft_member *m, char *buf, size_t len);
int net_record_parse(const char *text, struct nft_member *ret);

#endif
