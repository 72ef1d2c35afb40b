/* net.h - a container's place on the bridged network (network = "nat" or "isolated"):
 * its slot, address and MAC, the host's bridge and firewall, its veth pair and what it
 * puts in the firewall's sets.  Nothing of this happens for network = "none".
 *
 *   net_plan          the helper, before the build: the user's slot (netalloc.h) and
 *                     what follows from it, and her resolv.conf
 *   net_host_prepare  the helper, under the network lock: the bridge (made, addressed,
 *                     up), warren's firewall tables (nft.h), ip_forward for "nat"
 *   net_attach        the builder, once the container's network namespace exists: the
 *                     veth, its peer made directly in there as eth0, port isolation, the
 *                     set elements; recorded in the user's runtime dir
 *   net_inside        the container's first process: eth0's address, up, the default
 *                     route ("nat"); /etc/resolv.conf and /etc/hosts (rootfs.c)
 *   net_detach        cleanup: the set elements go, and the host veth if it lingers
 *                     (the kernel removes the pair with the network namespace)
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

struct net_plan {
	uint64_t mode;       /* enum net_mode */
	char bridge[16];
	struct subnet subnet;
	uint32_t gateway;
	struct nft_member member; /* port (the host veth), address, MAC, isolation, peers */
	bool host_dns;       /* a nameserver is the gateway: the firewall lets DNS in */
	char resolv[NET_RESOLV_MAX];
};

/* The plan for U under CFG (mode none: nothing else is filled in). */
int net_plan(const struct warren_config *cfg, const struct user_spec *u, struct net_plan *ret,
	     struct error *err);
int net_host_prepare(const struct net_plan *p, struct error *err);
/* In the builder, for the container whose first process is CHILD; USER names the record. */
int net_attach(const struct net_plan *p, const char *user, pid_t child, struct error *err);
/* In the container, as its root, in its network namespace. */
int net_inside(const struct net_plan *p, struct error *err);
/* Cleanup of USER's stopped container; a container without network has no record. */
int net_detach(const char *user, struct error *err);
/* The host-side veth of USER's address slot (under STATE_DIR), if it lingers: removed
 * (gc).  1 if there was one. */
int net_release_port(const char *state_dir, const char *user);
/* A container's network record (its port, address, MAC, isolation and peer group, as
 * net_attach writes it under /run/warren): 0, or -EBADMSG (pure, fuzzed). */
int net_record_parse(const char *text, struct nft_member *ret);

#endif
