/* netlink.c - rtnetlink requests through libmnl (see netlink.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "net/netlink.h"

#define NL_BUF (MNL_SOCKET_BUFFER_SIZE)

int nl_open(struct nl *nl)
{
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return r;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/* A request header of TYPE with FLAGS (plus NLM_F_REQUEST | NLM_F_ACK) in BUF. */
static struct nlmsghdr *request(struct nl *nl, char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* Send NLH and run CB over the answer until its ACK (or error). */
static int transact(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[NL_BUF];
	int r;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, nl->portid, cb, data);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

int nl_request(struct nl *nl, struct nlmsghdr *nlh, nl_msg_fn *fn, void *data)
{
	nlh->nlmsg_seq = ++nl->seq;
	return transact(nl, nlh, fn, data);
}

/* Make something that may already be there (an address, a route): that is fine. */
static int transact_create(struct nl *nl, struct nlmsghdr *nlh)
{
	int r = transact(nl, nlh, NULL, NULL);

	return r == -EEXIST ? 0 : r;
}

static struct ifinfomsg *link_header(struct nlmsghdr *nlh, int family, int ifindex)
{
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = (unsigned char)family;
	ifm->ifi_index = ifindex;
	return ifm;
}

struct index_answer {
	int ifindex;
	unsigned flags;
};

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	((struct index_answer *)data)->ifindex = ifm->ifi_index;
	((struct index_answer *)data)->flags = ifm->ifi_flags;
	return MNL_CB_OK;
}

int nl_link_find(struct nl *nl, const char *name, unsigned *ret_flags)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_GETLINK, 0);
	struct index_answer a = { -ENODEV, 0 };
	int r;

	link_header(nlh, AF_UNSPEC, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = transact(nl, nlh, index_cb, &a);
	if (r == 0 && ret_flags)
		*ret_flags = a.flags;
	return r < 0 ? r : a.ifindex;
}

int nl_link_index(struct nl *nl, const char *name)
{
	return nl_link_find(nl, name, NULL);
}

/* A link of KIND named NAME, made down. */
static int link_add(struct nl *nl, const char *name, const char *kind)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info;

	link_header(nlh, AF_UNSPEC, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
	return transact(nl, nlh, NULL, NULL);
}

int nl_bridge_add(struct nl *nl, const char *name)
{
	return link_add(nl, name, "bridge");
}

int nl_ifb_add(struct nl *nl, const char *name)
{
	return link_add(nl, name, "ifb");
}

int nl_bridge_no_linklocal_learn(struct nl *nl, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWLINK, 0);
	struct br_boolopt_multi opt = { .optval = 1u << BR_BOOLOPT_NO_LL_LEARN,
					.optmask = 1u << BR_BOOLOPT_NO_LL_LEARN };
	struct nlattr *info, *data;

	link_header(nlh, AF_UNSPEC, ifindex);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put(nlh, IFLA_BR_MULTI_BOOLOPT, sizeof(opt), &opt);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return transact(nl, nlh, NULL, NULL);
}

int nl_link_up(struct nl *nl, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm = link_header(nlh, AF_UNSPEC, ifindex);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return transact(nl, nlh, NULL, NULL);
}

int nl_link_del(struct nl *nl, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_DELLINK, 0);

	link_header(nlh, AF_UNSPEC, ifindex);
	return transact(nl, nlh, NULL, NULL);
}

struct addr_walk {
	nl_addr_fn *fn;
	void *data;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *local = NULL, *address = NULL;
	struct addr_walk *w = data;
	size_t len = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;

	if (len == 0)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_payload_len(attr) != len)
			continue;
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = attr;
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = attr;
	}
	/* IFA_LOCAL is this end's (IFA_ADDRESS the peer's on point-to-point links); IPv6
	 * has IFA_ADDRESS alone. */
	if (local || address)
		w->fn((int)ifa->ifa_index, ifa->ifa_family,
		      mnl_attr_get_payload(local ? local : address), ifa->ifa_prefixlen, w->data);
	return MNL_CB_OK;
}

int nl_addr_each(struct nl *nl, int family, nl_addr_fn *fn, void *data)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr_walk w = { .fn = fn, .data = data };

	ifa->ifa_family = (unsigned char)family;
	return transact(nl, nlh, addr_cb, &w);
}

struct first_ipv4 {
	int ifindex;
	int found;
	uint32_t addr;
	unsigned prefix;
};

static void first_ipv4_cb(int ifindex, int family, const void *addr, unsigned prefix, void *data)
{
	struct first_ipv4 *a = data;
	uint32_t be;

	if (ifindex != a->ifindex || family != AF_INET || a->found)
		return;
	memcpy(&be, addr, 4);
	a->addr = ntohl(be);
	a->prefix = prefix;
	a->found = 1;
}

int nl_link_ipv4(struct nl *nl, int ifindex, uint32_t *ret_addr, unsigned *ret_prefix)
{
	struct first_ipv4 a = { .ifindex = ifindex };
	int r;

	if ((r = nl_addr_each(nl, AF_INET, first_ipv4_cb, &a)) < 0)
		return r;
	if (!a.found)
		return -ENOENT;
	*ret_addr = a.addr;
	*ret_prefix = a.prefix;
	return 0;
}

int nl_addr_add(struct nl *nl, int ifindex, uint32_t addr, unsigned prefix, bool noprefixroute)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	*ifa = (struct ifaddrmsg){ .ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix,
				   .ifa_index = (unsigned)ifindex };
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(addr));
	if (noprefixroute)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NOPREFIXROUTE);
	return transact_create(nl, nlh);
}

int nl_route_add(struct nl *nl, uint32_t dst, unsigned prefix, uint32_t gateway, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	*rtm = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = (unsigned char)prefix,
			       .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_STATIC,
			       .rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
			       .rtm_type = RTN_UNICAST };
	if (prefix)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(dst));
	if (gateway)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gateway));
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return transact_create(nl, nlh);
}

static int route_type_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWROUTE)
		*(int *)data = rtm->rtm_type;
	return MNL_CB_OK;
}

int nl_route_local(struct nl *nl, int family, const void *addr)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	size_t len = family == AF_INET ? 4 : 16;
	int type = -1, r;

	*rtm = (struct rtmsg){ .rtm_family = (unsigned char)family,
			       .rtm_dst_len = (unsigned char)(len * 8) };
	mnl_attr_put(nlh, RTA_DST, len, addr);
	/* No route at all (-ENETUNREACH, -EHOSTUNREACH) is no local one, nor is a reject
	 * route: blackhole (-EINVAL), prohibit (-EACCES), throw (-EAGAIN). */
	if ((r = transact(nl, nlh, route_type_cb, &type)) < 0)
		return r == -ENETUNREACH || r == -EHOSTUNREACH || r == -EINVAL || r == -EACCES ||
			       r == -EAGAIN ? 0 : r;
	return type == RTN_LOCAL;
}

int nl_addr6_add(struct nl *nl, int ifindex, const uint8_t addr[16], unsigned prefix,
		 bool noprefixroute)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	*ifa = (struct ifaddrmsg){ .ifa_family = AF_INET6, .ifa_prefixlen = (unsigned char)prefix,
				   .ifa_index = (unsigned)ifindex };
	mnl_attr_put(nlh, IFA_LOCAL, 16, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, addr);
	/* No duplicate address detection: the slot makes the address unique on the bridge,
	 * and a tentative address could not be used until DAD ended (a second, or never on
	 * a bridge without a port up). */
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD | (noprefixroute ? IFA_F_NOPREFIXROUTE : 0));
	return transact_create(nl, nlh);
}

int nl_route6_add(struct nl *nl, const uint8_t dst[16], unsigned prefix, const uint8_t *gateway,
		  int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	*rtm = (struct rtmsg){ .rtm_family = AF_INET6, .rtm_dst_len = (unsigned char)prefix,
			       .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_STATIC,
			       .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
	if (prefix)
		mnl_attr_put(nlh, RTA_DST, 16, dst);
	if (gateway)
		mnl_attr_put(nlh, RTA_GATEWAY, 16, gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return transact_create(nl, nlh);
}

int nl_veth_add(struct nl *nl, const char *name, int master, const char *peer_name,
		const uint8_t peer_mac[6], int netns_fd)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pifm;

	/* Down: nothing passes the port before it is confined (net_attach). */
	link_header(nlh, AF_UNSPEC, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of its own. */
	pifm = mnl_nlmsg_get_payload_tail(nlh);
	memset(pifm, 0, sizeof(*pifm));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return transact(nl, nlh, NULL, NULL);
}

int nl_port_confine(struct nl *nl, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_SETLINK, 0);
	struct nlattr *proto;

	link_header(nlh, AF_BRIDGE, ifindex);
	proto = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_ISOLATED, 1);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_LEARNING, 0);
	mnl_attr_nest_end(nlh, proto);
	return transact(nl, nlh, NULL, NULL);
}

int nl_fdb_add(struct nl *nl, int ifindex, const uint8_t mac[6])
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = request(nl, buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	/* NUD_NOARP: "static" (NUD_PERMANENT would be the host's own address); sticky: not
	 * moved to another port even by a frame the bridge would learn from. */
	*ndm = (struct ndmsg){ .ndm_family = AF_BRIDGE, .ndm_ifindex = ifindex,
			       .ndm_state = NUD_NOARP, .ndm_flags = NTF_MASTER | NTF_STICKY };
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return transact(nl, nlh, NULL, NULL);
}
