/* netlink.h - the few rtnetlink requests warren's network needs (libmnl): links, bridges,
 * veth pairs with one end created straight in another network namespace, bridge port
 * isolation, addresses (made and read, both families) and routes.  Each works in
 * the caller's network namespace. */
#ifndef WARREN_NETLINK_H
#define WARREN_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

struct mnl_socket;
struct nlmsghdr;

struct nl {
	struct mnl_socket *sock;
	unsigned portid;
	unsigned seq;
};

int nl_open(struct nl *nl);
void nl_close(struct nl *nl);

/* The index of link NAME, or -ENODEV. */
int nl_link_index(struct nl *nl, const char *name);
/* The same, and its flags (IFF_UP...) into *RET_FLAGS if not NULL. */
int nl_link_find(struct nl *nl, const char *name, unsigned *ret_flags);
/* Make bridge NAME (-EEXIST if there is one). */
int nl_bridge_add(struct nl *nl, const char *name);
/* Bridge IFINDEX learns nothing from link-local frames (01:80:c2:00:00:0X, which skip
 * its prerouting hook: a container could move another's MAC to its own port with one). */
int nl_bridge_no_linklocal_learn(struct nl *nl, int ifindex);
int nl_link_up(struct nl *nl, int ifindex);
int nl_link_del(struct nl *nl, int ifindex);
/* The first IPv4 address of link IFINDEX, or -ENOENT if it has none. */
int nl_link_ipv4(struct nl *nl, int ifindex, uint32_t *ret_addr, unsigned *ret_prefix);
/* Every address of FAMILY (AF_UNSPEC: IPv4 and IPv6) on every link: FN with ADDR in
 * network byte order (4 or 16 bytes). */
typedef void nl_addr_fn(int ifindex, int family, const void *addr, unsigned prefix, void *data);
int nl_addr_each(struct nl *nl, int family, nl_addr_fn *fn, void *data);
/* ADDR/PREFIX on link IFINDEX; an address it already has is fine.  With NOPREFIXROUTE
 * the kernel adds no on-link route for the prefix. */
int nl_addr_add(struct nl *nl, int ifindex, uint32_t addr, unsigned prefix, bool noprefixroute);
/* A route to DST/PREFIX (0/0: the default route) through link IFINDEX: via GATEWAY, or
 * on the link itself when GATEWAY is 0.  One that exists is fine. */
int nl_route_add(struct nl *nl, uint32_t dst, unsigned prefix, uint32_t gateway, int ifindex);
/* The same for IPv6 (ADDR, DST, GATEWAY in network byte order; GATEWAY NULL: on the
 * link); the address without duplicate address detection. */
int nl_addr6_add(struct nl *nl, int ifindex, const uint8_t addr[16], unsigned prefix,
		 bool noprefixroute);
int nl_route6_add(struct nl *nl, const uint8_t dst[16], unsigned prefix, const uint8_t *gateway,
		  int ifindex);

/* Does the kernel take ADDR (of FAMILY, network byte order) as this namespace's own: does a
 * route lookup find a local route (RTN_LOCAL: an address of a link's, or a range routed
 * "local", such as 127.0.0.0/8)?  1 or 0, or -errno.  Not for an IPv6 address still in
 * duplicate address detection: its local route comes when DAD ends. */
int nl_route_local(struct nl *nl, int family, const void *addr);
/* An ifb device NAME, down (tc.h: what a port's ingress redirects to it leaves it, shaped,
 * back into that port).  -EEXIST if there is one. */
int nl_ifb_add(struct nl *nl, const char *name);

/* Send NLH, a request built elsewhere (tc.h), with the next sequence number of NL, and run
 * FN over each message of the answer (a dump's too) until its end: 0 or -errno. */
typedef int nl_msg_fn(const struct nlmsghdr *nlh, void *data);
int nl_request(struct nl *nl, struct nlmsghdr *nlh, nl_msg_fn *fn, void *data);

/* A veth pair: NAME here, down (nl_link_up once it is set up), a port of bridge MASTER;
 * its peer PEER_NAME with address PEER_MAC made directly in the network namespace
 * NETNS_FD (moving it there later costs far more). */
int nl_veth_add(struct nl *nl, const char *name, int master, const char *peer_name,
		const uint8_t peer_mac[6], int netns_fd);
/* Bridge port IFINDEX isolated (it forwards to no other isolated port), and learning no
 * MAC address from what comes in on it: where a MAC is, a static entry says
 * (nl_fdb_add). */
int nl_port_confine(struct nl *nl, int ifindex);
/* A static, sticky entry in the forwarding database of the bridge of port IFINDEX: MAC
 * is on that port (replaced if there is one; it goes with the port). */
int nl_fdb_add(struct nl *nl, int ifindex, const uint8_t mac[6]);

#endif
