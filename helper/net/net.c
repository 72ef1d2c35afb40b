/* net.c - a container's place on the bridged network (see net.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <sched.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/benchmark.h"
#include "lib/cleanup.h"
#include "net/dns.h"
#include "net/egress.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/names.h"
#include "net/net.h"
#include "net/netalloc.h"
#include "net/netlink.h"
#include "net/tc.h"
#include "lib/state.h"
#include "lib/tool.h"

/* The fields of a network record, after its version (net.h). */
#define STR_(x) #x
#define STR(x) STR_(x)
#define RECORD_FIELDS "%15s %" SCNx32 " %hhx:%hhx:%hhx:%hhx:%hhx:%hhx %d %" SCNx32

int net_plan(const struct warren_config *cfg, const struct user_spec *u, struct net_plan *ret,
	     struct error *err)
{
	struct nft_member *m = &ret->member;
	const char *from;
	uint32_t slot;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->mode = (enum net_mode)u->limits[LIMIT_NETWORK];
	if (ret->mode == NET_NONE)
		return 0;
	snprintf(ret->bridge, sizeof(ret->bridge), "%s", cfg->bridge.name);
	ret->subnet = cfg->bridge.subnet;
	ret->gateway = ipv4_subnet_gateway(&ret->subnet);
	if ((r = netalloc_get(cfg->state_dir, u->name, ipv4_subnet_slots(&ret->subnet), &slot, err)) < 0)
		return r;
	veth_name(slot, m->port, sizeof(m->port));
	m->addr = ipv4_subnet_slot_addr(&ret->subnet, slot);
	/* Locally administered, unicast, from the slot: stable, and unique on the bridge. */
	m->mac[0] = 0x02;
	m->mac[1] = 0x77;
	m->mac[2] = (uint8_t)(slot >> 24);
	m->mac[3] = (uint8_t)(slot >> 16);
	m->mac[4] = (uint8_t)(slot >> 8);
	m->mac[5] = (uint8_t)slot;
	ret->subnet6 = cfg->bridge.subnet6;
	ret->gateway6 = ipv6_subnet_gateway(&ret->subnet6);
	ret->ipv6 = m->has6 = cfg->bridge.ipv6;
	if (m->has6)
		m->addr6 = ipv6_subnet_slot_addr(&ret->subnet6, slot);
	m->isolated = ret->mode == NET_ISOLATED;
	if (m->isolated)
		m->ports = u->isolated_ports;
	m->peer_group = u->peer_group;
	m->conns = (uint32_t)u->limits[LIMIT_NET_CONNS]; /* within the table's ranges */
	m->rate = (uint32_t)u->limits[LIMIT_NET_RATE];
	ret->bw_in = u->limits[LIMIT_BANDWIDTH_IN] == LIMIT_UNLIMITED ? 0 : u->limits[LIMIT_BANDWIDTH_IN];
	ret->bw_out = u->limits[LIMIT_BANDWIDTH_OUT] == LIMIT_UNLIMITED ? 0 : u->limits[LIMIT_BANDWIDTH_OUT];
	ret->deny = egress_deny_config(cfg);
	ret->allow = cfg->bridge.allow;
	dns_resolv_conf(cfg->bridge.dns, ret->gateway, ret->ipv6 ? &ret->gateway6 : NULL,
			ret->resolv, sizeof(ret->resolv), &ret->host_dns, &from);
	log_info("nameservers of the container of %s: from %s", u->name, from);
	return 0;
}

/* Write VALUE to sysctl KEY ("net/...") beneath SYS, a dirfd of a /proc/sys (-EBADF:
 * this process's /proc/sys): what it sets is the network namespace's of the writer. */
static int sysctl_set(int sys, const char *key, const char *value)
{
	char path[128];

	if (sys >= 0)
		return write_file_beneath(sys, key, value);
	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	return write_file(path, value);
}

/* Write VALUE to IFNAME's IPv6 sysctl KEY (this network namespace's own), beneath SYS. */
static int ipv6_conf_at(int sys, const char *ifname, const char *key, const char *value)
{
	char k[96];

	snprintf(k, sizeof(k), "net/ipv6/conf/%s/%s", ifname, key);
	return sysctl_set(sys, k, value);
}

static int ipv6_conf(const char *ifname, const char *key, const char *value)
{
	return ipv6_conf_at(-EBADF, ifname, key, value);
}

/* IFNAME's IPv6 off, through this network namespace's own sysctl of it (never the
 * machine's defaults): the ports and ifbs never have it, the bridge only with
 * bridge.ipv6, and frames a port passes up itself (link-local ones) must find nothing
 * of the host's to talk to over it.  A kernel without IPv6 has nothing to turn off. */
static int ipv6_off(const char *ifname)
{
	if (access("/proc/sys/net/ipv6", F_OK) < 0 && errno == ENOENT)
		return 0;
	return ipv6_conf(ifname, "disable_ipv6", "1");
}

/* The bridge's IPv6 (bridge.ipv6): on, taking no router advertisement, with the /64's
 * ::1; another unique local address on it is another subnet6's: refused, as for IPv4. */
struct ula_found {
	int ifindex;
	struct ipv6_addr want, other;
	unsigned prefix;
	bool have, clash;
};

static void ula_cb(int ifindex, int family, const void *addr, unsigned prefix, void *data)
{
	struct ula_found *f = data;
	const uint8_t *a = addr;

	if (ifindex != f->ifindex || family != AF_INET6 || (a[0] & 0xfe) != 0xfc)
		return;
	if (!memcmp(a, f->want.b, 16) && prefix == IPV6_SUBNET_PREFIX) {
		f->have = true;
	} else if (!f->clash) {
		f->clash = true;
		memcpy(f->other.b, a, 16);
		f->prefix = prefix;
	}
}

static int bridge_ipv6(struct nl *nl, const struct net_plan *p, int br, struct error *err)
{
	struct ula_found f = { .ifindex = br, .want = p->gateway6 };
	char want[IPV6_TEXT_MAX], have[IPV6_TEXT_MAX];
	int r;

	ipv6_format(&p->gateway6, want, sizeof(want));
	if ((r = ipv6_conf(p->bridge, "accept_ra", "0")) < 0 ||
	    (r = ipv6_conf(p->bridge, "disable_ipv6", "0")) < 0)
		return error_errno(err, r, "cannot turn on IPv6 on bridge %s (bridge.ipv6 = false "
				   "turns it off for containers)", p->bridge);
	if ((r = nl_addr_each(nl, AF_INET6, ula_cb, &f)) < 0)
		return error_errno(err, r, "cannot read the IPv6 addresses of bridge %s", p->bridge);
	if (f.clash)
		return error_set(err, -EEXIST, "bridge %s has address %s/%u, not %s/64 as "
				 "bridge.subnet6 says: it was made for another subnet; stop every "
				 "container and delete it (ip link delete %s), or restore the subnet",
				 p->bridge, ipv6_format(&f.other, have, sizeof(have)), f.prefix, want,
				 p->bridge);
	if (!f.have && (r = nl_addr6_add(nl, br, p->gateway6.b, IPV6_SUBNET_PREFIX, false)) < 0)
		return error_errno(err, r, "cannot give bridge %s the address %s/64", p->bridge, want);
	return 0;
}

/* The bridge with the gateway address, learning nothing from link-local frames, without
 * IPv6, up; one made for another subnet is refused. */
static int bridge_ensure(struct nl *nl, const struct net_plan *p, struct error *err)
{
	char have[16], want[16], path[96];
	uint32_t addr;
	unsigned prefix, flags = 0;
	int br = nl_link_find(nl, p->bridge, &flags), r;

	if (br == -ENODEV) {
		r = nl_bridge_add(nl, p->bridge);
		if (r < 0 && r != -EEXIST)
			return error_errno(err, r, "cannot make bridge %s", p->bridge);
		br = nl_link_find(nl, p->bridge, &flags);
	}
	if (br < 0)
		return error_errno(err, br, "cannot find bridge %s", p->bridge);
	ipv4_format(p->gateway, want, sizeof(want));
	r = nl_link_ipv4(nl, br, &addr, &prefix);
	if (r == 0 && (addr != p->gateway || prefix != p->subnet.prefix))
		return error_set(err, -EEXIST, "bridge %s has address %s/%u, not %s/%u as "
				 "bridge.subnet says: it was made for another subnet; stop every "
				 "container and delete it (ip link delete %s), or restore the subnet",
				 p->bridge, ipv4_format(addr, have, sizeof(have)), prefix, want,
				 p->subnet.prefix, p->bridge);
	if (r == -ENOENT && (r = nl_addr_add(nl, br, p->gateway, p->subnet.prefix, false)) < 0)
		return error_errno(err, r, "cannot give bridge %s the address %s", p->bridge, want);
	if (r < 0)
		return error_errno(err, r, "cannot read the address of bridge %s", p->bridge);
	if ((r = nl_bridge_no_linklocal_learn(nl, br)) < 0)
		return error_errno(err, r, "cannot turn off learning from link-local frames on "
				   "bridge %s (no_linklocal_learn: Linux 5.0 has it)", p->bridge);
	if (p->ipv6 && (r = bridge_ipv6(nl, p, br, err)) < 0)
		return r;
	if (!p->ipv6 && (r = ipv6_off(p->bridge)) < 0)
		return error_errno(err, r, "cannot turn off IPv6 on bridge %s", p->bridge);
	/* Only if it is down: setting a bridge that is up "up" again makes the host send
	 * its multicast reports anew, out of every port, to every container (their cost
	 * grew with them: issue 22). */
	if (!(flags & IFF_UP) && (r = nl_link_up(nl, br)) < 0)
		return error_errno(err, r, "cannot bring bridge %s up", p->bridge);
	/* Containers talk to each other through the gateway (net_inside): telling them to
	 * go around it would only fail on the isolated ports. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/send_redirects", p->bridge);
	if ((r = write_file(path, "0")) < 0)
		return error_errno(err, r, "cannot turn off redirects on bridge %s", p->bridge);
	return 0;
}

/* NAT forwards: forwarding on (KEY, under /proc/sys/net), in this network namespace
 * only, and said so once. */
static int forwarding_on(const char *key, const char *why, struct error *err)
{
	char v[8] = "", path[96];
	int r;

	snprintf(path, sizeof(path), "/proc/sys/net/%s", key);
	if (read_file(path, v, sizeof(v)) >= 0 && v[0] == '1')
		return 0;
	if ((r = write_file(path, "1")) < 0)
		return error_errno(err, r, "cannot turn on net.%s for NAT", key);
	log_info("turned on net.%s in this network namespace: containers with network = "
		 "\"nat\" are routed through it%s", key, why);
	return 0;
}

/* IPv6 forwarding on makes every interface with accept_ra 1 ignore router advertisements:
 * a host that takes its address or default route from them (most clouds) would lose its
 * IPv6 when their lifetime ends.  Before it goes on, such interfaces (and the default for
 * new ones) get accept_ra 2, which takes them while forwarding, as they did before; the
 * bridge has 0, the ports no IPv6 at all.  A failure is said and left: it costs the
 * host's IPv6 route, never the containers' isolation. */
static void keep_router_advertisements(void)
{
	_cleanup_closedir_ DIR *d = NULL;
	char v[8] = "";
	struct dirent *e;

	if (read_file("/proc/sys/net/ipv6/conf/all/forwarding", v, sizeof(v)) < 0 || v[0] == '1' ||
	    !(d = opendir("/proc/sys/net/ipv6/conf")))
		return;
	while ((e = readdir(d))) {
		char path[300], ra[8] = "";
		int r;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "all") || !strcmp(e->d_name, "lo"))
			continue;
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra", e->d_name);
		if (read_file(path, ra, sizeof(ra)) < 0 || strcmp(ra, "1\n") != 0)
			continue;
		if ((r = write_file(path, "2")) < 0)
			log_warning(r, "cannot set net.ipv6.conf.%s.accept_ra to 2 before IPv6 "
				    "forwarding goes on: it ignores router advertisements from now on",
				    e->d_name);
		else
			log_info("set net.ipv6.conf.%s.accept_ra from 1 to 2: it keeps taking router "
				 "advertisements with IPv6 forwarding on for containers", e->d_name);
	}
}

/* A host firewall that drops forwarded packets by policy drops the containers' too. */
static void warn_forward_blocker(const struct net_plan *p, const char *chains)
{
	char chain[160];

	if (nft_forward_blocker(chains, chain, sizeof(chain)) < 0)
		return;
	log_warning(0, "nftables chain %s drops forwarded packets by policy, so containers on "
		    "bridge %s cannot get out; add to it: iifname \"%s\" accept; oifname \"%s\" "
		    "ct state established,related accept", chain, p->bridge, p->bridge, p->bridge);
}

int net_host_prepare(const struct net_plan *p, struct error *err)
{
	_cleanup_close_ int lock = -EBADF;
	_cleanup_free_ char *chains = NULL;
	struct egress dest = { 0 };
	struct nl nl = { 0 };
	int r;

	if (p->mode == NET_NONE)
		return 0;
	/* One setter-up at a time: the bridge and the tables are shared by all users. */
	if ((lock = network_lock()) < 0)
		return error_errno(err, lock, "cannot take the network lock");
	if ((r = nl_open(&nl)) < 0)
		return error_errno(err, r, "cannot open a netlink socket");
	r = bridge_ensure(&nl, p, err);
	nl_close(&nl);
	if (r < 0)
		return r;
	bench_mark("net-bridge");
	/* Anew at every start: the config, and the host's networks, may have changed. */
	if ((r = egress_plan(p->deny, p->allow, p->bridge, p->resolv, &dest, err)) < 0)
		return r;
	bench_mark("net-egress");
	/* Read once for both: the listing grows with the containers (each has a chain of
	 * limits).  The host firewall's chains are as they were before warren's changed. */
	(void)nft_chains_list(&chains);
	r = nft_tables_ensure(p->bridge, &p->subnet, &p->subnet6, p->host_dns, &dest, chains,
			      err);
	egress_clear(&dest);
	if (r < 0)
		return r;
	bench_mark("net-tables");
	if (p->mode == NET_NAT && (r = forwarding_on("ipv4/ip_forward", "", err)) < 0)
		return r;
	if (p->mode == NET_NAT && p->ipv6) {
		keep_router_advertisements();
		if ((r = forwarding_on("ipv6/conf/all/forwarding", "", err)) < 0)
			return r;
	}
	warn_forward_blocker(p, chains);
	return 0;
}

int net_record_format(const struct nft_member *m, char *buf, size_t len)
{
	const uint8_t *mac = m->mac;
	char ports[NET_RECORD_MAX], addr6[33] = "-";
	int n;

	if (port_list_format(&m->ports, ",", ports, sizeof(ports)) < 0)
		return -ENOSPC;
	if (m->has6)
		ipv6_hex(&m->addr6, addr6, sizeof(addr6));
	n = snprintf(buf, len, "v%d %s %" PRIx32 " %02x:%02x:%02x:%02x:%02x:%02x %d %" PRIx32 " %s %s\n",
		     NET_RECORD_VERSION, m->port, m->addr, mac[0], mac[1], mac[2], mac[3], mac[4],
		     mac[5], m->isolated, m->peer_group, ports, addr6);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

static int record_write(const char *user, const struct nft_member *m)
{
	char path[256], text[NET_RECORD_MAX];
	int r = net_record_format(m, text, sizeof(text));

	return r < 0 ? r : write_new_file(user_run_path(user, RUN_NET, path, sizeof(path)), text);
}

/* Every gid (GID_T_MAX is the kernel's bound): the namespace holds her processes alone. */
#define PING_GROUPS "0 2147483647"

/* The range holds kernel gids, read through the writer's user namespace: written from
 * here (the host's) it covers her own gid and her subordinate ones; from inside it
 * could not (they are not one range there).  The builder joins the container's network
 * namespace for this write alone and comes back at once: a child forked for it cost as
 * much as the rest of her network.  One that cannot come back ends there, before it does
 * anything else in her namespace.  Through a /proc of the builder's own where the kernel
 * makes one (fsutil.h: through the host's, each start's lookup cost more as containers
 * added up, and so did the host's own sysctls'). */
int net_ping_allow(pid_t child, struct error *err)
{
	_cleanup_close_ int netns = -EBADF, own = -EBADF, sys = proc_sys_private();
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", child);
	if ((netns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return error_errno(err, -errno, "cannot open the container's network namespace");
	if ((own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return error_errno(err, -errno, "cannot open the builder's network namespace");
	if (setns(netns, CLONE_NEWNET) < 0)
		return error_errno(err, -errno, "cannot join the container's network namespace");
	r = sysctl_set(sys, "net/ipv4/ping_group_range", PING_GROUPS);
	if (setns(own, CLONE_NEWNET) < 0) {
		error_errno(err, -errno, "cannot return from the container's network namespace "
			    "to the host's; the builder stops");
		log_failure(err);
		_exit(EXIT_FAILURE);
	}
	if (r < 0)
		return error_errno(err, r, "cannot write net.ipv4.ping_group_range in the "
				   "container's network namespace");
	return 0;
}

/* The ifb of PORT (tc.h), if there is one, deleted: 0, or -errno. */
static int port_ifb_del(struct nl *nl, const char *port)
{
	char name[IFNAMSIZ];
	int ifb = nl_link_index(nl, tc_ifb_name(port, name, sizeof(name))), r;

	if (ifb == -ENODEV)
		return 0;
	r = ifb < 0 ? ifb : nl_link_del(nl, ifb);
	return r == -ENODEV ? 0 : r;
}

/* Her bandwidth (tc.h), set while port PORT is down: "in", what leaves the port, by a tbf
 * at its root; "out", what comes in on it, sent through her ifb, which a tbf of its own
 * shapes (up before anything is sent to it).  A step that fails refuses her start. */
static int port_bandwidth(struct nl *nl, const struct net_plan *p, int port, struct error *err)
{
	const char *name = p->member.port;
	char ifb_name[IFNAMSIZ], rate[32];
	int ifb, r;

	if (p->bw_in && (r = tc_tbf_add(nl, port, p->bw_in)) < 0)
		return error_errno(err, r, "cannot hold what reaches the container to bandwidth.in = "
				   "%s: a tbf qdisc on port %s (the kernel's sch_tbf)",
				   limit_format(LIMIT_BANDWIDTH_IN, p->bw_in, rate, sizeof(rate)), name);
	if (!p->bw_out)
		return 0;
	limit_format(LIMIT_BANDWIDTH_OUT, p->bw_out, rate, sizeof(rate));
	r = nl_ifb_add(nl, tc_ifb_name(name, ifb_name, sizeof(ifb_name)));
	ifb = r < 0 ? r : nl_link_index(nl, ifb_name);
	if (ifb < 0)
		return error_errno(err, ifb, "cannot make %s to hold what the container sends to "
				   "bandwidth.out = %s (the kernel's ifb)", ifb_name, rate);
	if ((r = ipv6_off(ifb_name)) < 0)
		return error_errno(err, r, "cannot turn off IPv6 on %s", ifb_name);
	if ((r = tc_tbf_add(nl, ifb, p->bw_out)) < 0)
		return error_errno(err, r, "cannot hold what the container sends to bandwidth.out = %s: "
				   "a tbf qdisc on %s (the kernel's sch_tbf)", rate, ifb_name);
	if ((r = nl_link_up(nl, ifb)) < 0)
		return error_errno(err, r, "cannot bring %s up", ifb_name);
	if ((r = tc_redirect_add(nl, port, ifb)) < 0)
		return error_errno(err, r, "cannot send what comes in on port %s through %s for "
				   "bandwidth.out = %s (the kernel's ingress qdisc, u32 filter and "
				   "mirred action)", name, ifb_name, rate);
	return 0;
}

/* Her port, made down, a port of the bridge, with its peer in NETNS as eth0; before
 * anything passes it: isolated, learning no MAC (a frame to 01:80:c2:00:00:0X skips the
 * bridge's anti-spoofing: learnt, it would move another container's MAC, and her
 * traffic, to this port), her own MAC on it for good instead, no IPv6 on the host's side
 * of it.  Its index, or a step's error: she gets no network, the start fails (the port
 * goes with her network namespace). */
static int port_make(struct nl *nl, const struct net_plan *p, int netns, struct error *err)
{
	const char *name = p->member.port;
	int br = nl_link_index(nl, p->bridge), old, port, r;

	/* A veth of an earlier container of hers, whose network namespace is still going,
	 * and an ifb of hers that a crash left. */
	old = nl_link_index(nl, name);
	if (old >= 0)
		(void)nl_link_del(nl, old);
	(void)port_ifb_del(nl, name);
	r = br < 0 ? br : nl_veth_add(nl, name, br, "eth0", p->member.mac, netns);
	port = r < 0 ? r : nl_link_index(nl, name);
	/* The kernel numbers a bridge's ports 1 to 1023 (BR_MAX_PORTS): no 1024th. */
	if (port == -EXFULL)
		return error_set(err, port, "bridge %s has 1023 ports, all a bridge can have: no "
				 "more containers with network run on this host; fix: stop idle ones "
				 "(warrenctl stop), or give some users network = \"none\"", p->bridge);
	if (port < 0)
		return error_errno(err, port, "cannot attach the container to bridge %s through %s",
				   p->bridge, name);
	if ((r = nl_port_confine(nl, port)) < 0)
		return error_errno(err, r, "cannot isolate port %s and turn off its MAC learning",
				   name);
	if ((r = nl_fdb_add(nl, port, p->member.mac)) < 0)
		return error_errno(err, r, "cannot put the container's MAC on port %s in the "
				   "forwarding database of bridge %s", name, p->bridge);
	if ((r = ipv6_off(name)) < 0)
		return error_errno(err, r, "cannot turn off IPv6 on port %s", name);
	if ((r = port_bandwidth(nl, p, port, err)) < 0)
		return r;
	return port;
}

/* Her elements are added only once her record is written, and the record goes only once
 * they are deleted (net_detach); her address is hers for good (netalloc.h).  So only a
 * record still there (an earlier stop whose deletes failed, kept for gc) means elements
 * keyed by her address may be left, with another peer group or other ports: then they
 * are looked for, set by set.  Not at every start: the listings cost what the containers
 * running add up to (4.8 ms at 1000 here, against 1 ms for a first one). */
int net_admit(const struct net_plan *p, const char *user, struct error *err)
{
	char path[256];
	struct stat st;
	bool leftovers;
	int r;

	if (p->mode == NET_NONE)
		return 0;
	user_run_path(user, RUN_NET, path, sizeof(path));
	/* In doubt (it cannot be looked at), they are looked for. */
	leftovers = lstat(path, &st) == 0 || errno != ENOENT;
	if ((r = record_write(user, &p->member)) < 0)
		return error_errno(err, r, "cannot record the network of %s", user);
	return nft_member_add(&p->member, leftovers, err);
}

int net_attach(const struct net_plan *p, pid_t child, struct error *err)
{
	_cleanup_close_ int netns = -EBADF;
	struct nl nl = { 0 };
	char path[64];
	int port, r;

	if (p->mode == NET_NONE)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", child);
	if ((netns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return error_errno(err, -errno, "cannot open the container's network namespace");
	if ((r = nl_open(&nl)) < 0)
		return error_errno(err, r, "cannot open a netlink socket");
	r = port = port_make(&nl, p, netns, err);
	bench_mark("veth-made");
	/* Up once the firewall knows the port (its sets, net_admit's), not before. */
	if (r >= 0 && (r = nl_link_up(&nl, port)) < 0)
		error_errno(err, r, "cannot bring port %s up", p->member.port);
	/* The port goes with her network namespace; her ifb would stay. */
	if (r < 0)
		(void)port_ifb_del(&nl, p->member.port);
	nl_close(&nl);
	return r < 0 ? r : 0;
}

/* Everything goes through the gateway, other containers too: the bridge forwards nothing
 * between isolated ports, so it is the firewall that decides who may reach whom
 * (peers).  So no on-link route for the subnet, and no redirect to go around it. */
int net_inside(const struct net_plan *p, int sys, struct error *err)
{
	struct nl nl = { 0 };
	int eth, r;

	if (p->mode == NET_NONE)
		return 0;
	/* eth0's own too: "all" is not handed down to it, and a host (not forwarding)
	 * takes a redirect when either says so.  The gateway redirects her to another
	 * container on the bridge (it forwards back out where the packet came in), with
	 * that one's MAC; the bridge forwards nothing between the ports, so traffic to a
	 * peer would be lost after the first redirect. */
	if ((r = sysctl_set(sys, "net/ipv4/conf/all/accept_redirects", "0")) < 0 ||
	    (r = sysctl_set(sys, "net/ipv4/conf/eth0/accept_redirects", "0")) < 0)
		return error_errno(err, r, "accept_redirects");
	/* Her IPv6 address is set, not learnt: no router advertisement, no redirect (eth0's
	 * own setting is the one IPv6 reads), no autoconfiguration (the bridge table drops
	 * a router's messages anyway). */
	if (p->member.has6 &&
	    ((r = ipv6_conf_at(sys, "all", "accept_redirects", "0")) < 0 ||
	     (r = ipv6_conf_at(sys, "eth0", "accept_redirects", "0")) < 0 ||
	     (r = ipv6_conf_at(sys, "eth0", "accept_ra", "0")) < 0 ||
	     (r = ipv6_conf_at(sys, "eth0", "autoconf", "0")) < 0 ||
	     (r = ipv6_conf_at(sys, "eth0", "disable_ipv6", "0")) < 0))
		return error_errno(err, r, "eth0's IPv6 settings");
	if ((r = nl_open(&nl)) < 0)
		return error_errno(err, r, "netlink");
	eth = nl_link_index(&nl, "eth0");
	r = eth < 0 ? eth : nl_addr_add(&nl, eth, p->member.addr, p->subnet.prefix, true);
	if (r == 0 && p->member.has6)
		r = nl_addr6_add(&nl, eth, p->member.addr6.b, IPV6_SUBNET_PREFIX, true);
	if (r == 0)
		r = nl_link_up(&nl, eth);
	if (r == 0)
		r = nl_route_add(&nl, p->gateway, 32, 0, eth);
	if (r == 0)
		r = nl_route_add(&nl, p->subnet.net, p->subnet.prefix, p->gateway, eth);
	if (r == 0 && p->mode == NET_NAT)
		r = nl_route_add(&nl, 0, 0, p->gateway, eth);
	/* The same for IPv6: the gateway on the link, the rest of the /64 and (nat) the
	 * world through it. */
	if (r == 0 && p->member.has6)
		r = nl_route6_add(&nl, p->gateway6.b, 128, NULL, eth);
	if (r == 0 && p->member.has6)
		r = nl_route6_add(&nl, p->subnet6.b, IPV6_SUBNET_PREFIX, p->gateway6.b, eth);
	if (r == 0 && p->member.has6 && p->mode == NET_NAT)
		r = nl_route6_add(&nl, p->subnet6.b, 0, p->gateway6.b, eth);
	nl_close(&nl);
	return r < 0 ? error_errno(err, r, "eth0") : 0;
}

int net_record_parse(const char *text, struct nft_member *ret)
{
	struct nft_member m = { 0 };
	char ports[NET_RECORD_MAX], addr6[40];
	int isolated = 0, version = 1, skip = 0, after = 0, after_ports = 0;

	/* "vN " first, since version 2; none before. */
	if (text[0] == 'v' && (sscanf(text, "v%d %n", &version, &skip) != 1 || skip == 0 ||
			       version < 2))
		return -EBADMSG;
	if (sscanf(text + skip, RECORD_FIELDS "%n", m.port, &m.addr, &m.mac[0], &m.mac[1], &m.mac[2],
		   &m.mac[3], &m.mac[4], &m.mac[5], &isolated, &m.peer_group, &after) != 10 ||
	    after == 0)
		return -EBADMSG;
	/* Version 3 added the isolated ports (none before: the container reached every port
	 * of the gateway, with no element of its own). */
	if (version >= 3 &&
	    (sscanf(text + skip + after, " %" STR(NET_RECORD_PORTS_LEN) "s%n", ports,
		    &after_ports) != 1 || port_list_parse(ports, &m.ports) < 0))
		return -EBADMSG;
	/* Version 4 added her IPv6 address ("-": none, bridge.ipv6 = false). */
	if (version >= 4) {
		if (sscanf(text + skip + after + after_ports, " %39s", addr6) != 1)
			return -EBADMSG;
		if (strcmp(addr6, "-") != 0) {
			if (ipv6_hex_parse(addr6, &m.addr6) < 0)
				return -EBADMSG;
			m.has6 = true;
		}
	}
	m.isolated = isolated;
	*ret = m;
	return 0;
}

const char *net_hosts(const struct net_plan *p, const char *hostname, char *buf, size_t len)
{
	char a[16], gw[16], a6[IPV6_TEXT_MAX], gw6[IPV6_TEXT_MAX];
	size_t o;

	/* Loopback only: her hostname on 127.0.1.1, as Debian does (sudo looks it up). */
	if (p->mode == NET_NONE) {
		snprintf(buf, len, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"
			 "127.0.1.1\t%s\n", hostname);
		return buf;
	}
	snprintf(buf, len, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"
		 "%s\t%s\n%s\twarren-gateway\n", ipv4_format(p->member.addr, a, sizeof(a)),
		 hostname, ipv4_format(p->gateway, gw, sizeof(gw)));
	o = strlen(buf);
	if (p->member.has6 && o < len)
		snprintf(buf + o, len - o, "%s\t%s\n%s\twarren-gateway\n",
			 ipv6_format(&p->member.addr6, a6, sizeof(a6)), hostname,
			 ipv6_format(&p->gateway6, gw6, sizeof(gw6)));
	return buf;
}

const char *net_resolv(const struct net_plan *p)
{
	return p->mode == NET_NONE ? NULL : p->resolv;
}

int net_release_port(const char *state_dir, const char *user)
{
	struct nl nl = { 0 };
	char name[16], ifb_name[IFNAMSIZ];
	uint32_t slot;
	int port, ifb, r = 0;

	if (netalloc_lookup(state_dir, user, &slot) < 0 || nl_open(&nl) < 0)
		return 0;
	veth_name(slot, name, sizeof(name));
	if ((port = nl_link_index(&nl, name)) >= 0)
		r = nl_link_del(&nl, port) >= 0 ? 1 : 0;
	if ((ifb = nl_link_index(&nl, tc_ifb_name(name, ifb_name, sizeof(ifb_name)))) >= 0)
		r = nl_link_del(&nl, ifb) >= 0 ? 1 : r;
	nl_close(&nl);
	return r;
}

int net_limit_hits(const char *user, struct nft_limit_hits *ret)
{
	struct nft_member m = { 0 };
	char path[256], text[NET_RECORD_MAX];

	if (read_file(user_run_path(user, RUN_NET, path, sizeof(path)), text, sizeof(text)) < 0)
		return -ENODEV;
	if (net_record_parse(text, &m) < 0)
		return -EBADMSG;
	return nft_limit_hits(&m, ret);
}

int net_bandwidth(const char *user, uint64_t *ret_in, uint64_t *ret_out)
{
	struct nft_member m = { 0 };
	struct nl nl = { 0 };
	char path[256], text[NET_RECORD_MAX], ifb_name[IFNAMSIZ];
	uint64_t in = 0, out = 0;
	int port, ifb, r;

	if (read_file(user_run_path(user, RUN_NET, path, sizeof(path)), text, sizeof(text)) < 0)
		return -ENODEV;
	if (net_record_parse(text, &m) < 0)
		return -EBADMSG;
	if ((r = nl_open(&nl)) < 0)
		return r;
	port = nl_link_index(&nl, m.port);
	ifb = nl_link_index(&nl, tc_ifb_name(m.port, ifb_name, sizeof(ifb_name)));
	r = port < 0 && port != -ENODEV ? port : ifb < 0 && ifb != -ENODEV ? ifb : 0;
	if (r == 0 && port >= 0)
		r = tc_tbf_rate(&nl, port, &in);
	if (r == 0 && ifb >= 0)
		r = tc_tbf_rate(&nl, ifb, &out);
	nl_close(&nl);
	if (r < 0)
		return r;
	*ret_in = in;
	*ret_out = out;
	return 0;
}

int net_detach(const char *user, struct error *err)
{
	struct nft_member m = { 0 };
	struct nl nl = { 0 };
	char path[256], text[NET_RECORD_MAX];
	int port, r;

	if (read_file(user_run_path(user, RUN_NET, path, sizeof(path)), text, sizeof(text)) < 0)
		return 0;
	if (net_record_parse(text, &m) < 0)
		return error_set(err, -EBADMSG, "%s is not a network record", path);
	/* The port before its set elements: without them (port_names) a frame up a port
	 * still there would be taken in (chain input matches the bridge, not the port).  The
	 * pair goes with the container's network namespace; a host end that lingers is
	 * removed, so that the next container can have its name. */
	if (nl_open(&nl) == 0) {
		if ((port = nl_link_index(&nl, m.port)) >= 0 && (r = nl_link_del(&nl, port)) < 0 &&
		    r != -ENODEV)
			error_errno(err, r, "cannot remove %s", m.port);
		if ((r = port_ifb_del(&nl, m.port)) < 0)
			error_errno(err, r, "cannot remove the ifb of %s", m.port);
		nl_close(&nl);
	}
	/* A port that stays keeps its elements.  The record of what stays is kept, for gc
	 * (container_collect) to try again; the next start of hers deletes leftover elements
	 * too (nft_member_add). */
	if (error_is_set(err))
		return err->code;
	if ((r = nft_member_del(&m)) < 0)
		return error_errno(err, r, "cannot remove the firewall elements of %s (port %s; "
				   "%s kept for warren-helper gc to try again)", user, m.port, path);
	if (unlink(path) < 0 && errno != ENOENT)
		return error_errno(err, -errno, "cannot remove %s", path);
	return 0;
}
