/* egress.h - where containers may not go through the bridge's NAT: the host's network
 * identity.  With masquerade every container speaks as the host, so by default none
 * reaches the cloud's metadata service (169.254.169.254: the VM's credentials), nor the
 * host's own networks or private space (NFS exports, license servers and BMCs that trust
 * the host's address):
 *
 *   deny   bridge.deny, or EGRESS_DEFAULT_DENY; "connected" is each prefix of the host's
 *          own addresses (netlink), read each time a container starts
 *   allow  bridge.allow: reached all the same (a course's server)
 *   dns    the container's nameservers, on port 53 only, wherever they are
 *
 * The firewall (nft.h) drops what containers forward into DENY but not into ALLOW (or
 * DNS to a nameserver).  Traffic between containers and to the host itself is decided
 * elsewhere (peers, the input chain), not here. */
#ifndef WARREN_EGRESS_H
#define WARREN_EGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/cidr.h"
#include "lib/errors.h"
#include "policy/config.h"

/* The default of bridge.deny (warren.conf(5)): link-local (the metadata services of
 * AWS, GCP, Azure, OpenStack), Azure's WireServer (168.63.129.16: waagent guards it with
 * an OUTPUT owner match, which forwarded packets skip), Alibaba's metadata address,
 * shared address space (RFC 6598: carrier-grade NAT, Tailscale's tailnets), the host's
 * networks, RFC 1918, and IPv6's link-local and unique local (AWS's fd00:ec2::254)
 * space. */
#define EGRESS_DEFAULT_DENY                                                                 \
	{ "169.254.0.0/16", "168.63.129.16", "100.100.100.200", "100.64.0.0/10",             \
	  BRIDGE_DENY_CONNECTED, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",           \
	  "fe80::/10", "fc00::/7", NULL }

struct egress {
	struct cidr *deny, *allow, *dns;
	size_t n_deny, n_allow, n_dns;
};

/* CFG's bridge.deny, or the default when it is not set. */
char *const *egress_deny_config(const struct warren_config *cfg);

/* The networks of the host's own addresses (in this network namespace), but loopback's
 * and BRIDGE's: each address's prefix, once.  Into *RET (free it), *RET_N of them. */
int egress_connected(const char *bridge, struct cidr **ret, size_t *ret_n);

/* E from DENY (with "connected" as CONNECTED), ALLOW and the nameservers of RESOLV (a
 * resolv.conf's text).  Pure. */
int egress_resolve(char *const *deny, char *const *allow, const struct cidr *connected,
		   size_t n_connected, const char *resolv, struct egress *ret);
void egress_clear(struct egress *e);

/* Is ADDR (of FAMILY, network byte order) in E's deny and not in its allow? */
bool egress_blocks(const struct egress *e, int family, const void *addr);

/* All of it for the container's network: connected read here; ERR names what failed. */
int egress_plan(char *const *deny, char *const *allow, const char *bridge, const char *resolv,
		struct egress *ret, struct error *err);

#endif
