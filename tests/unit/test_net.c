/* test_net.c - the bridged network's pure parts: IPv4 addresses and subnets, veth and
 * bridge names, each user's slot (netalloc_find), the bridge section of the config,
 * networks in CIDR form and where containers may not go (bridge.deny, bridge.allow), and
 * the firewall's text, its fixed rules and the destinations that bridge.deny makes (checked
 * by nft -c in a network namespace of its own, where the machine lets an unprivileged user
 * have one).  Also netalloc_get on a temporary state dir when run as root (it wants root's
 * dirs). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <nftables/libnftables.h>
#include <sched.h>

#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/layout.h"
#include "policy/config.h"
#include "lib/cidr.h"
#include "lib/ipv4.h"
#include "lib/strv.h"
#include "lib/names.h"
#include "net/dns.h"
#include "net/egress.h"
#include "net/net.h"
#include "net/nft.h"
#include "net/netalloc.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static void test_ipv4(void **state)
{
	static const char *const bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4",
					   "1.2.3.4 ", " 1.2.3.4", "1..3.4", "a.b.c.d", "1.2.3.-4",
					   "1.2.3.4/8", "1234.1.1.1" };
	char buf[16];
	uint32_t a;

	assert_int_equal(ipv4_parse("10.213.0.1", &a), 0);
	assert_true(a == 0x0ad50001);
	assert_string_equal(ipv4_format(a, buf, sizeof(buf)), "10.213.0.1");
	assert_int_equal(ipv4_parse("0.0.0.0", &a), 0);
	assert_int_equal(ipv4_parse("255.255.255.255", &a), 0);
	assert_true(a == 0xffffffff);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		if (ipv4_parse(bad[i], &a) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
}

static void test_subnet(void **state)
{
	struct ipv4_subnet s;
	char buf[16];

	assert_int_equal(ipv4_subnet_parse("10.213.0.0/16", &s), 0);
	assert_true(s.net == 0x0ad50000 && s.prefix == 16);
	assert_string_equal(ipv4_format(ipv4_subnet_gateway(&s), buf, sizeof(buf)), "10.213.0.1");
	assert_int_equal(ipv4_subnet_slots(&s), 65533);
	assert_string_equal(ipv4_format(ipv4_subnet_slot_addr(&s, 0), buf, sizeof(buf)), "10.213.0.2");
	assert_string_equal(ipv4_format(ipv4_subnet_slot_addr(&s, 65532), buf, sizeof(buf)),
			    "10.213.255.254");
	assert_int_equal(ipv4_subnet_parse("192.168.7.0/29", &s), 0);
	assert_int_equal(ipv4_subnet_slots(&s), 5); /* .2 to .6 */
	assert_int_equal(ipv4_subnet_parse("10.0.0.0/30", &s), -ERANGE);
	assert_int_equal(ipv4_subnet_parse("10.0.0.0/7", &s), -ERANGE);
	assert_int_equal(ipv4_subnet_parse("10.213.0.1/16", &s), -EDOM);
	assert_int_equal(ipv4_subnet_parse("10.213.0.0", &s), -EINVAL);
	assert_int_equal(ipv4_subnet_parse("10.213.0.0/016", &s), -EINVAL);
	assert_int_equal(ipv4_subnet_parse("10.213.0.0/16x", &s), -EINVAL);
	assert_int_equal(ipv4_subnet_parse("10.213.0/16", &s), -EINVAL);
}

static void test_names(void **state)
{
	char buf[16];

	assert_string_equal(veth_name(0, buf, sizeof(buf)), "wr0");
	assert_string_equal(veth_name(65532, buf, sizeof(buf)), "wrfffc");
	assert_string_equal(veth_name(0xffffffff, buf, sizeof(buf)), "wrffffffff");
	assert_true(bridge_name_is_valid("warren0"));
	assert_true(bridge_name_is_valid("br-lab.1"));
	assert_true(bridge_name_is_valid("wrx"));
	assert_false(bridge_name_is_valid("wr1a"));     /* a user's veth */
	assert_false(bridge_name_is_valid("wr1a-ifb")); /* and its ifb (tc.h) */
	assert_false(bridge_name_is_valid("wrffffffff-ifb"));
	assert_true(bridge_name_is_valid("wrx-ifb"));
	assert_true(bridge_name_is_valid("lab-ifb"));
	assert_false(bridge_name_is_valid(""));
	assert_false(bridge_name_is_valid("."));
	assert_false(bridge_name_is_valid(".."));
	assert_true(bridge_name_is_valid("abcdefghijklmno")); /* 15: IFNAMSIZ - 1 */
	assert_true(bridge_name_is_valid("wr"));               /* no hex digit: no veth */
	assert_false(bridge_name_is_valid("1234567890123456"));
	assert_false(bridge_name_is_valid("br 0"));
	assert_false(bridge_name_is_valid("br/0"));
}

/* The config's names of network modes are enum net_mode's, in its order. */
static void test_modes(void **state)
{
	uint64_t v;

	assert_int_equal(limit_choice_parse(LIMIT_NETWORK, "none", &v), 0);
	assert_int_equal(v, NET_NONE);
	assert_int_equal(limit_choice_parse(LIMIT_NETWORK, "nat", &v), 0);
	assert_int_equal(v, NET_NAT);
	assert_int_equal(limit_choice_parse(LIMIT_NETWORK, "isolated", &v), 0);
	assert_int_equal(v, NET_ISOLATED);
	assert_int_equal(limit_builtin(LIMIT_NETWORK), NET_NAT);
}

static void assert_member(const struct nft_member *a, const struct nft_member *b)
{
	assert_string_equal(a->port, b->port);
	assert_int_equal(a->addr, b->addr);
	assert_memory_equal(a->mac, b->mac, sizeof(a->mac));
	assert_int_equal(a->isolated, b->isolated);
	assert_int_equal(a->peer_group, b->peer_group);
	assert_int_equal(a->ports.n, b->ports.n);
	assert_memory_equal(a->ports.v, b->ports.v, a->ports.n * sizeof(a->ports.v[0]));
}

/* A network record round-trips, its isolated ports with it; one without a version (before
 * it had one), one of version 2 (before the ports) and one of a later version with more
 * fields are read; anything else is refused. */
static void test_record(void **state)
{
	struct nft_member m = { .port = "wr1a", .addr = 0x0ad5001c, .mac = { 2, 0x77, 0, 0, 0, 0x1a },
				.isolated = true, .peer_group = 0x2a }, in;
	char text[NET_RECORD_MAX];

	assert_int_equal(net_record_format(&m, text, sizeof(text)), 0);
	assert_string_equal(text, "v4 wr1a ad5001c 02:77:00:00:00:1a 1 2a - -\n");
	assert_int_equal(net_record_parse(text, &in), 0);
	assert_member(&in, &m);
	memset(&in, 0, sizeof(in));
	assert_int_equal(net_record_parse("wr1a ad5001c 02:77:00:00:00:1a 1 2a\n", &in), 0);
	assert_member(&in, &m);
	assert_int_equal(net_record_parse("v2 wr1a ad5001c 02:77:00:00:00:1a 1 2a\n", &in), 0);
	assert_member(&in, &m);
	m.ports = (struct port_list){ .v = { { 53, 53, PORT_UDP }, { 8000, 8099, PORT_TCP } }, .n = 2 };
	assert_int_equal(net_record_format(&m, text, sizeof(text)), 0);
	assert_string_equal(text, "v4 wr1a ad5001c 02:77:00:00:00:1a 1 2a 53/udp,8000-8099/tcp -\n");
	assert_int_equal(net_record_parse(text, &in), 0);
	assert_member(&in, &m);
	assert_false(in.has6);
	/* Version 3 (before IPv6): no address of hers. */
	assert_int_equal(net_record_parse("v3 wr1a ad5001c 02:77:00:00:00:1a 1 2a 53/udp,8000-8099/tcp\n",
					  &in), 0);
	assert_member(&in, &m);
	assert_false(in.has6);
	/* Her IPv6 address (version 4) round-trips. */
	m.has6 = true;
	assert_int_equal(ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &m.addr6), 0);
	m.addr6 = ipv6_subnet_slot_addr(&m.addr6, 0x1a);
	assert_int_equal(net_record_format(&m, text, sizeof(text)), 0);
	assert_string_equal(text, "v4 wr1a ad5001c 02:77:00:00:00:1a 1 2a 53/udp,8000-8099/tcp "
			    "fd77617272656e00000000000000001c\n");
	memset(&in, 0, sizeof(in));
	assert_int_equal(net_record_parse(text, &in), 0);
	assert_member(&in, &m);
	assert_true(in.has6);
	assert_memory_equal(in.addr6.b, m.addr6.b, 16);
	assert_int_equal(net_record_parse("v5 wr1a ad5001c 02:77:00:00:00:1a 1 2a 53/udp,8000-8099/tcp "
					  "fd77617272656e00000000000000001c more\n", &in), 0);
	assert_member(&in, &m);
	assert_int_equal(net_record_parse("v4 wr1a ad5001c 02:77:00:00:00:1a 1 2a 53/udp\n", &in),
			 -EBADMSG);
	assert_int_equal(net_record_parse("v4 wr1a ad5001c 02:77:00:00:00:1a 1 2a 53/udp fd00::1c\n",
					  &in), -EBADMSG);
	assert_int_equal(net_record_format(&m, text, 20), -ENOSPC);
	assert_int_equal(net_record_parse("v1 wr1a ad5001c 02:77:00:00:00:1a 1 2a\n", &in), -EBADMSG);
	assert_int_equal(net_record_parse("vx wr1a ad5001c 02:77:00:00:00:1a 1 2a\n", &in), -EBADMSG);
	assert_int_equal(net_record_parse("v2 wr1a ad5001c 02:77:00:00:00 1 2a\n", &in), -EBADMSG);
	assert_int_equal(net_record_parse("v3 wr1a ad5001c 02:77:00:00:00:1a 1 2a\n", &in), -EBADMSG);
	assert_int_equal(net_record_parse("v3 wr1a ad5001c 02:77:00:00:00:1a 1 2a 53/icmp\n", &in),
			 -EBADMSG);
	assert_int_equal(net_record_parse("v3 wr1a ad5001c 02:77:00:00:00:1a 1 2a 53/udp,\n", &in),
			 -EBADMSG);
	assert_int_equal(net_record_parse("", &in), -EBADMSG);
}

/* Ports as isolated_ports writes them: the forms, their bounds, overlaps. */
static void test_ports(void **state)
{
	struct port_range r, o;
	char buf[32];

	assert_int_equal(port_range_parse("53/udp", &r), 0);
	assert_int_equal(r.lo, 53);
	assert_int_equal(r.hi, 53);
	assert_int_equal(r.proto, PORT_UDP);
	assert_string_equal(port_range_nft(&r, buf, sizeof(buf)), "udp . 53");
	assert_int_equal(port_range_parse("1-65535/tcp", &r), 0);
	assert_string_equal(port_range_format(&r, buf, sizeof(buf)), "1-65535/tcp");
	assert_string_equal(port_range_nft(&r, buf, sizeof(buf)), "tcp . 1-65535");
	assert_int_equal(port_range_parse("8080-8080/tcp", &o), 0);
	assert_string_equal(port_range_format(&o, buf, sizeof(buf)), "8080/tcp");
	assert_true(port_range_overlap(&r, &o));
	assert_int_equal(port_range_parse("8080/udp", &o), 0);
	assert_false(port_range_overlap(&r, &o));
	assert_int_equal(port_range_parse("0/tcp", &r), -ERANGE);
	assert_int_equal(port_range_parse("65536/tcp", &r), -ERANGE);
	assert_int_equal(port_range_parse("99999/tcp", &r), -ERANGE);
	assert_int_equal(port_range_parse("90-80/tcp", &r), -ERANGE);
	for (const char *const *bad = (const char *const[]){ "", "53", "53/", "/tcp", "053/tcp",
			"+53/tcp", "53/TCP", "53/tcp ", " 53/tcp", "53-/tcp", "-53/tcp", "1-2-3/tcp",
			"123456/tcp", "53/icmp", NULL }; *bad; bad++)
		if (port_range_parse(*bad, &r) != -EINVAL)
			fail_msg("\"%s\" is taken as a port", *bad);
}

/* nft -c -f PATH in a new user and network namespace: 0 accepted, 1 refused, -1 not
 * run (no nft, or no namespaces here), -2 not run (netbase's files could not be hidden).  In a mount namespace too, with /etc/protocols and
 * /etc/services hidden: a host without netbase (a minimal install, the v2 lane's VM) has
 * neither, and a rule that names a protocol nft looks up there does not load on it. */
static int nft_check(const char *path)
{
	const char *nft = access("/usr/sbin/nft", X_OK) == 0 ? "/usr/sbin/nft" : "/sbin/nft";
	int status;
	pid_t pid;

	if (access(nft, X_OK) < 0 || access("/usr/bin/unshare", X_OK) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		execl("/usr/bin/unshare", "unshare", "--user", "--map-root-user", "--net", "--mount",
		      "/bin/sh", "-c", "for f in /etc/protocols /etc/services; do [ ! -e $f ] || "
		      "mount --bind /dev/null $f || exit 3; done; exec \"$0\" -c -f \"$1\"", nft,
		      path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	switch (WEXITSTATUS(status)) {
	case 0: return 0;
	case 1: return 1;
	case 3: return -2;
	default: return -1;
	}
}

/* The firewall as warren hands it to libnftables, in the one transaction of a start: the
 * rules of issue 18 are there (isolated containers reach their isolated_ports on the
 * gateway and nothing else of the host; of the host's processes only root's reach into a
 * container; through NAT, not where bridge.deny says), with this version's mark; what a
 * port passes up itself (link-local frames) is dropped, for IP and for ARP; and nft
 * accepts the tables with the destinations and a member's elements. */
static void test_ruleset(void **state)
{
	static char *const deny[] = { "169.254.0.0/16", "10.0.0.0/8", "fc00::/7", NULL };
	static char *const allow[] = { "10.1.2.3", NULL };
	struct ipv4_subnet net;
	struct ipv6_addr net6;
	struct nft_member m = { .port = "wr1a", .addr = 0x0ad5001c, .mac = { 2, 0x77, 0, 0, 0, 0x1a },
				.isolated = true, .peer_group = 0x2a };
	_cleanup_free_ char *text = NULL, *older = NULL, *current = NULL;
	struct egress e = { 0 };
	char rules[8192], cmds[4096], path[] = "/tmp/warren-test-nft.XXXXXX", marked[256];
	char mark[NFT_DEST_MARK_MAX], mark_v4[NFT_DEST_MARK_MAX], mark_none[NFT_DEST_MARK_MAX];
	char mark_again[NFT_DEST_MARK_MAX];
	const char *flush = "flush table inet warren\nflush table bridge warren\n"
			    "add table arp warren\nflush table arp warren\n", *output, *dest;
	const char *both = "flush set inet warren host_dns4\nflush set inet warren host_dns6\n"
			   "add element inet warren host_dns4 { 10.213.0.1 }\n"
			   "add element inet warren host_dns6 { fd77:6172:7265:6e00::1 }\n";
	const char *v4_only = "}\nflush set inet warren host_dns4\nflush set inet warren host_dns6\n"
			      "add element inet warren host_dns4 { 10.213.0.1 }\n";
	const char *none = "}\nflush set inet warren host_dns4\nflush set inet warren host_dns6\n";
	const char *ports;
	int fd, r;

	assert_int_equal(ipv4_subnet_parse("10.213.0.0/16", &net), 0);
	assert_int_equal(ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &net6), 0);
	assert_int_equal(nft_ruleset("warren0", &net, &net6, rules, sizeof(rules)), 0);
	assert_int_equal(egress_resolve(deny, allow, NULL, 0, "nameserver 10.99.0.2\n"
					"nameserver fc00::53\n", &e), 0);
	assert_int_equal(nft_tables_commands("warren0", &net, &net6, DNS_HOST4 | DNS_HOST6, &e,
					     NFT_TABLES_NONE, &text, mark), 0);
	print_message("%s", text);
	/* The fixed rules first, then the destinations, made anew. */
	assert_ptr_equal(strstr(text, rules), text);
	assert_non_null(strstr(text, "\tset isolated_ports { type ipv4_addr . inet_proto . "
				     "inet_service; flags interval; }\n"));
	/* In this order: the listed ports, then nothing else for isolated ones, then DNS. */
	assert_non_null(strstr(text,
		"\t\tiifname \"warren0\" ip daddr 10.213.0.1 icmp type echo-request accept\n"
		"\t\tiifname \"warren0\" ip daddr 10.213.0.1 ip saddr . meta l4proto . th dport "
		"@isolated_ports accept\n"
		"\t\tiifname \"warren0\" ip saddr @isolated drop\n"
		"\t\tiifname \"warren0\" ip daddr @host_dns4 udp dport 53 accept\n"));
	assert_null(strstr(text, "ip saddr @isolated ip daddr 10.213.0.1 accept"));
	assert_non_null(output = strstr(text,
		"\tchain output {\n"
		"\t\ttype filter hook output priority filter; policy accept;\n"
		"\t\toifname \"warren0\" ct state established,related accept\n"
		"\t\toifname \"warren0\" meta skuid != 0 drop\n"
		"\t}\n"));
	/* The mark: the version, the bridge and its networks, in a chain's comment, made
	 * anew after the rules (a chain that is there keeps its comment). */
	assert_non_null(strstr(text, "}\nadd chain inet warren rules_version\n"
				     "delete chain inet warren rules_version\n"
				     "add chain inet warren rules_version { comment \"warren rules "
				     STR(NFT_RULES_VERSION) " bridge warren0 subnet 10.213.0.0/16 subnet6 "
				     "fd77:6172:7265:6e00::/64\"; }\n"));
	/* Her new connections, forwarded or to the host, go to her chain of limits, before
	 * the other chains of either hook. */
	assert_non_null(strstr(text,
		"\tmap net_limits { type ipv4_addr : verdict; }\n"
		"\tmap net_limits6 { type ipv6_addr : verdict; }\n"
		"\tchain limits_forward {\n"
		"\t\ttype filter hook forward priority filter - 2; policy accept;\n"
		"\t\tiifname \"warren0\" ct state new ip saddr vmap @net_limits\n"
		"\t\tiifname \"warren0\" ct state new ip6 saddr vmap @net_limits6\n"
		"\t}\n"
		"\tchain limits_input {\n"
		"\t\ttype filter hook input priority filter - 2; policy accept;\n"
		"\t\tiifname \"warren0\" ct state new ip saddr vmap @net_limits\n"
		"\t\tiifname \"warren0\" ct state new ip6 saddr vmap @net_limits6\n"
		"\t}\n"));
	/* IPv6 as IPv4 (issue 18, item 6): her source in the bridge's /64, isolated ones
	 * dropped, peers by their group, the gateway's ping and neighbour discovery (but no
	 * router's messages) and an isolated one's ports, NAT66 out. */
	assert_non_null(strstr(text,
		"\t\tiifname \"warren0\" ip saddr != 10.213.0.0/16 drop\n"
		"\t\tiifname \"warren0\" ip6 saddr != fd77:6172:7265:6e00::/64 drop\n"
		"\t\tiifname \"warren0\" ip saddr @isolated drop\n"
		"\t\tiifname \"warren0\" ip6 saddr @isolated6 drop\n"
		"\t\tiifname \"warren0\" accept\n"));
	assert_non_null(strstr(text,
		"\t\tmeta mark set ip saddr map @peer_group\n"
		"\t\tmeta mark set ip6 saddr map @peer_group6\n"
		"\t\tip daddr . meta mark @peer_member accept\n"
		"\t\tip6 daddr . meta mark @peer_member6 accept\n"
		"\t\tdrop\n"));
	assert_non_null(strstr(text,
		"\t\tiifname \"warren0\" ip daddr @host_dns4 tcp dport 53 accept\n"
		"\t\tiifname \"warren0\" ip6 daddr fd77:6172:7265:6e00::1 icmpv6 type echo-request accept\n"
		"\t\tiifname \"warren0\" ip6 hoplimit 255 icmpv6 type { nd-neighbor-solicit, "
		"nd-neighbor-advert } accept\n"
		"\t\tiifname \"warren0\" ip6 daddr fd77:6172:7265:6e00::1 ip6 saddr . meta l4proto . "
		"th dport @isolated_ports6 accept\n"
		"\t\tiifname \"warren0\" ip6 saddr @isolated6 drop\n"
		"\t\tiifname \"warren0\" ip6 daddr @host_dns6 udp dport 53 accept\n"
		"\t\tiifname \"warren0\" ip6 daddr @host_dns6 tcp dport 53 accept\n"
		"\t\tiifname \"warren0\" drop\n"));
	assert_non_null(strstr(text,
		"\t\tip6 saddr fd77:6172:7265:6e00::/64 oifname != \"warren0\" masquerade\n"));
	/* The bridge: a port's IPv6 from her address and MAC only, no router's messages nor
	 * router solicitation, no neighbour advertisement for another's address, and her
	 * neighbour discovery names her MAC alone (issue 18, as her ARP): no extension
	 * header, no option but one link-layer address option, with her MAC. */
	assert_non_null(strstr(text,
		"\tset nd_lladdrs { typeof iifname . @th,208,48; }\n"));
	assert_non_null(strstr(text,
		"\t\ticmpv6 type { nd-router-solicit, nd-router-advert, nd-redirect } drop\n"
		"\t\ticmpv6 type nd-neighbor-advert iifname . @th,64,128 != @nd_targets drop\n"
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 nexthdr != "
		"58 drop\n"
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 length != "
		"{ 24, 32 } drop\n"
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 length 32 "
		"@th,192,16 != { 0x0101, 0x0201 } drop\n"
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 length 32 "
		"iifname . @th,208,48 != @nd_lladdrs drop\n"
		"\t\tether type ip6 iifname . ip6 saddr . ether saddr @ports6 accept\n"
		"\t\tdrop\n"));
	/* What a port passes up itself (a link-local frame: the port, not the bridge, is its
	 * way in) is dropped before conntrack, IP and ARP, for the ports in the sets. */
	assert_non_null(ports = strstr(text,
		"table inet warren {\n"
		"\tset port_names { type ifname; }\n"
		"\tchain from_ports {\n"
		"\t\ttype filter hook prerouting priority raw; policy accept;\n"
		"\t\tiifname @port_names drop\n"
		"\t}\n"
		"}\n"
		"table arp warren {\n"
		"\tset port_names { type ifname; }\n"
		"\tchain input {\n"
		"\t\ttype filter hook input priority filter; policy accept;\n"
		"\t\tiifname @port_names drop\n"
		"\t}\n"
		"}\n"));
	assert_null(strstr(text, "\"wr*\""));
	/* The bridge's anti-spoofing looks at the containers' ports, by name, in a set. */
	assert_non_null(strstr(text,
		"\tset port_names { type ifname; }\n"
		"\tchain prerouting {\n"
		"\t\ttype filter hook prerouting priority filter; policy accept;\n"
		"\t\tiifname != @port_names accept\n"
		"\t\tiifname . ether saddr != @macs drop\n"));
	assert_non_null(dest = strstr(text, "add chain inet warren destinations { type filter hook "
					    "forward priority filter - 1; policy accept; }\n"
					    "delete chain inet warren destinations\n"));
	assert_true(output < ports && ports < dest);
	assert_non_null(strstr(dest, "\tset deny4 { type ipv4_addr; flags interval; auto-merge; "
				     "elements = { 169.254.0.0/16, 10.0.0.0/8 } }\n"));
	assert_non_null(strstr(dest, "\tset deny6 { type ipv6_addr; flags interval; auto-merge; "
				     "elements = { fc00::/7 } }\n"));
	assert_non_null(strstr(dest, "\tset dns4 { type ipv4_addr; flags interval; auto-merge; "
				     "elements = { 10.99.0.2/32 } }\n"));
	/* An IPv6 nameserver, though bridge.deny covers it (fc00::/7), as IPv4's. */
	assert_non_null(strstr(dest, "\tset dns6 { type ipv6_addr; flags interval; auto-merge; "
				     "elements = { fc00::53/128 } }\n"));
	assert_non_null(strstr(dest,
		"\tchain destinations {\n"
		"\t\ttype filter hook forward priority filter - 1; policy accept;\n"
		"\t\tiifname != \"warren0\" accept\n"
		"\t\toifname \"warren0\" accept\n"
		"\t\tip daddr @allow4 accept\n"
		"\t\tip6 daddr @allow6 accept\n"
		"\t\tip daddr @dns4 udp dport 53 accept\n"
		"\t\tip daddr @dns4 tcp dport 53 accept\n"
		"\t\tip6 daddr @dns6 udp dport 53 accept\n"
		"\t\tip6 daddr @dns6 tcp dport 53 accept\n"
		"\t\tip daddr @deny4 drop\n"
		"\t\tip6 daddr @deny6 drop\n"
		"\t}\n"));
	/* An older version's tables: flushed first, in the same transaction; this version's:
	 * the destinations alone. */
	assert_int_equal(nft_tables_commands("warren0", &net, &net6, DNS_HOST4 | DNS_HOST6, &e,
					     NFT_TABLES_OLDER, &older, NULL), 0);
	assert_ptr_equal(strstr(older, flush), older);
	assert_string_equal(older + strlen(flush), text);
	assert_int_equal(nft_tables_commands("warren0", &net, &net6, DNS_HOST4 | DNS_HOST6, &e,
					     NFT_TABLES_CURRENT, &current, mark_again), 0);
	/* This version's tables: the mark of the destinations and DNS elements, then they.
	 * The same for the same (a start that finds it loads nothing: nft_tables_ensure). */
	snprintf(marked, sizeof(marked), "add chain inet warren destinations_mark\n"
		 "delete chain inet warren destinations_mark\n"
		 "add chain inet warren destinations_mark { comment \"%s\"; }\n", mark);
	assert_int_equal(strncmp(mark, "warren destinations ", 20), 0);
	assert_int_equal(strlen(mark), 20 + 16);
	assert_ptr_equal(strstr(text, marked) + strlen(marked), dest);
	assert_string_equal(mark_again, mark);
	assert_ptr_equal(strstr(current, marked), current);
	assert_string_equal(current + strlen(marked), dest);
	assert_int_equal(nft_ruleset("warren0", &net, &net6, cmds, 100), -ENOSPC);
	/* Which of the gateway's addresses take DNS (dns.h) is in set elements, last, never
	 * in the rules or the mark: a change of it replaces no rule, and no chain of limits
	 * is flushed (each family's by itself: the host's IPv4 nameserver opens no IPv6 port
	 * 53, and none opens neither). */
	assert_non_null(strstr(text, "\tset host_dns4 { type ipv4_addr; }\n"
				     "\tset host_dns6 { type ipv6_addr; }\n"));
	assert_null(strstr(text, "ip daddr 10.213.0.1 udp dport 53"));
	assert_null(strstr(text, "ip6 daddr fd77:6172:7265:6e00::1 udp dport 53"));
	assert_null(strstr(text, " dns "));
	assert_string_equal(text + strlen(text) - strlen(both), both);
	free(current);
	assert_int_equal(nft_tables_commands("warren0", &net, &net6, DNS_HOST4, &e,
					     NFT_TABLES_CURRENT, &current, mark_v4), 0);
	assert_string_equal(current + strlen(current) - strlen(v4_only), v4_only);
	assert_int_equal(strncmp(strstr(current, "add chain inet warren destinations {"), dest,
				 strlen(dest) - strlen(both)), 0);
	free(current);
	assert_int_equal(nft_tables_commands("warren0", &net, &net6, 0, &e, NFT_TABLES_CURRENT,
					     &current, mark_none), 0);
	assert_string_equal(current + strlen(current) - strlen(none), none);
	/* Another set of DNS elements, another mark: loaded. */
	assert_string_not_equal(mark_v4, mark);
	assert_string_not_equal(mark_none, mark);
	assert_string_not_equal(mark_none, mark_v4);
	assert_null(strstr(current, "add element"));
	egress_clear(&e);

	m.ports = (struct port_list){ .v = { { 53, 53, PORT_UDP }, { 8000, 8099, PORT_TCP } }, .n = 2 };
	m.conns = 64;
	m.rate = 5;
	assert_int_equal(nft_member_commands(&m, "add", cmds, sizeof(cmds)), 0);
	print_message("%s", cmds);
	assert_non_null(strstr(cmds, "add element bridge warren port_names { \"wr1a\" }\n"
				     "add element inet warren port_names { \"wr1a\" }\n"
				     "add element arp warren port_names { \"wr1a\" }\n"));
	/* Her chain of limits, made anew, then the element that sends her address there. */
	assert_non_null(strstr(cmds,
		"add chain inet warren limits_wr1a\n"
		"flush chain inet warren limits_wr1a\n"
		"add rule inet warren limits_wr1a limit rate over 5/second burst 5 packets counter "
		"drop comment \"net_rate\"\n"
		"add rule inet warren limits_wr1a ct count over 64 counter drop comment "
		"\"net_conns\"\n"
		"add element inet warren net_limits { 10.213.0.28 : jump limits_wr1a }\n"));
	assert_non_null(strstr(cmds, "add element inet warren isolated { 10.213.0.28 }\n"
				     "add element inet warren isolated_ports { 10.213.0.28 . udp . 53 }\n"
				     "add element inet warren isolated_ports { 10.213.0.28 . tcp . 8000-8099 }\n"));
	m.isolated = false; /* a nat container has no port elements, whatever its list */
	assert_int_equal(nft_member_commands(&m, "delete", cmds + strlen(cmds) / 2, 2048), 0);
	assert_null(strstr(cmds + strlen(cmds) / 2, "isolated"));
	/* The element goes before the chain it refers to, each on its line (nft_member_del
	 * runs them one at a time); the limits are not needed for that (a record has none). */
	m.conns = m.rate = 0;
	assert_int_equal(nft_member_commands(&m, "delete", cmds + strlen(cmds) / 2, 2048), 0);
	assert_non_null(strstr(cmds + strlen(cmds) / 2,
		"delete element inet warren net_limits { 10.213.0.28 }\n"
		"flush chain inet warren limits_wr1a; delete chain inet warren limits_wr1a\n"));
	assert_int_equal(nft_member_commands(&m, "add", cmds + strlen(cmds) / 2, 2048), 0);
	assert_null(strstr(cmds + strlen(cmds) / 2, "limits"));
	m.conns = 64;
	m.rate = 5;
	m.isolated = true;
	assert_int_equal(nft_member_commands(&m, "add", cmds, 64), -ENOSPC);

	/* Her IPv6 address: the bridge's elements (her source, the neighbour advertisements
	 * she may send, the MAC her neighbour discovery may name), the same elements as her
	 * IPv4 address's, and her chain of limits for it too. */
	m.has6 = true;
	m.addr6 = ipv6_subnet_slot_addr(&net6, 0x1a);
	assert_int_equal(nft_member_commands(&m, "add", cmds, sizeof(cmds)), 0);
	assert_non_null(strstr(cmds,
		"add element bridge warren ports6 { \"wr1a\" . fd77:6172:7265:6e00::1c . 02:77:00:00:00:1a }\n"
		"add element bridge warren nd_targets { \"wr1a\" . 0xfd77617272656e00000000000000001c }\n"
		"add element bridge warren nd_lladdrs { \"wr1a\" . 0x02770000001a }\n"));
	assert_non_null(strstr(cmds,
		"add element inet warren isolated6 { fd77:6172:7265:6e00::1c }\n"
		"add element inet warren isolated_ports6 { fd77:6172:7265:6e00::1c . udp . 53 }\n"
		"add element inet warren isolated_ports6 { fd77:6172:7265:6e00::1c . tcp . 8000-8099 }\n"
		"add element inet warren peer_group6 { fd77:6172:7265:6e00::1c : 0x2a }\n"
		"add element inet warren peer_member6 { fd77:6172:7265:6e00::1c . 0x2a }\n"));
	assert_non_null(strstr(cmds,
		"add element inet warren net_limits { 10.213.0.28 : jump limits_wr1a }\n"
		"add element inet warren net_limits6 { fd77:6172:7265:6e00::1c : jump limits_wr1a }\n"));
	assert_int_equal(nft_member_commands(&m, "delete", cmds + strlen(cmds) / 2, 2048), 0);
	assert_non_null(strstr(cmds + strlen(cmds) / 2,
		"delete element inet warren net_limits { 10.213.0.28 }\n"
		"delete element inet warren net_limits6 { fd77:6172:7265:6e00::1c }\n"
		"flush chain inet warren limits_wr1a; delete chain inet warren limits_wr1a\n"));

	assert_int_equal(nft_member_commands(&m, "add", cmds, sizeof(cmds)), 0);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	assert_true(write(fd, cmds, strlen(cmds)) == (ssize_t)strlen(cmds));
	close(fd);
	r = nft_check(path);
	unlink(path);
	if (r < 0) {
		print_message("# nft -c not run: %s\n", r == -2 ?
			      "/etc/protocols or /etc/services could not be hidden in a mount namespace" :
			      "no nft, or no user namespace for it here");
		skip();
	}
	assert_int_equal(r, 0);
}

/* The tables of older warrens, with a running container's elements: rules version 1 (no
 * output chain, every gateway port open to isolated containers); version 1 with bridge.deny's
 * destinations chain (before the versions met); version 2 (the output chain and its mark,
 * the isolated ports, no destinations). */
#define OLD_TABLES_V1                                                                      \
	"table inet warren {\n"                                                        \
	"\tcomment \"warren: bridge warren0 subnet 10.213.0.0/16\"\n"                    \
	"\tset isolated { type ipv4_addr; }\n"                                          \
	"\tchain input {\n"                                                             \
	"\t\ttype filter hook input priority filter; policy accept;\n"                  \
	"\t\tiifname \"warren0\" ip saddr @isolated ip daddr 10.213.0.1 accept\n"        \
	"\t\tiifname \"warren0\" drop\n"                                                \
	"\t}\n"                                                                         \
	"}\n"                                                                            \
	"table bridge warren {\n"                                                      \
	"\tcomment \"warren: bridge warren0 subnet 10.213.0.0/16\"\n"                    \
	"\tset macs { type ifname . ether_addr; }\n"                                    \
	"}\n"                                                                            \
	"add element inet warren isolated { 10.213.0.5 }\n"                              \
	"add element bridge warren macs { \"wr5\" . 02:77:00:00:00:05 }\n"
#define OLD_TABLES_DENY                                                                    \
	OLD_TABLES_V1                                                                      \
	"table inet warren {\n"                                                        \
	"\tset deny4 { type ipv4_addr; flags interval; elements = { 192.0.2.0/24 } }\n"  \
	"\tchain destinations {\n"                                                      \
	"\t\ttype filter hook forward priority filter - 1; policy accept;\n"            \
	"\t\tiifname != \"warren0\" accept\n"                                           \
	"\t\tip daddr @deny4 drop\n"                                                    \
	"\t}\n"                                                                         \
	"}\n"
#define OLD_TABLES_V2                                                                      \
	OLD_TABLES_V1                                                                      \
	"table inet warren {\n"                                                        \
	"\tset isolated_ports { type ipv4_addr . inet_proto . inet_service; flags interval; }\n" \
	"\tchain output {\n"                                                            \
	"\t\ttype filter hook output priority filter; policy accept;\n"                 \
	"\t\toifname \"warren0\" meta skuid != 0 drop comment \"warren rules 2\"\n"      \
	"\t}\n"                                                                         \
	"}\n"                                                                            \
	"add element inet warren isolated_ports { 10.213.0.5 . tcp . 7001 }\n"

#define OLD_TABLES_V3                                                                      \
	OLD_TABLES_V2                                                                      \
	"table inet warren {\n"                                                        \
	"\tchain output {\n"                                                            \
	"\t\toifname \"warren0\" meta skuid != 0 drop comment \"warren rules 3\"\n"      \
	"\t}\n"                                                                         \
	"}\n"

/* Version 8: the gateway's DNS by address in the input chain, the mark naming it. */
#define OLD_TABLES_V8                                                                      \
	OLD_TABLES_V2                                                                      \
	"table inet warren {\n"                                                        \
	"\tset dns6 { type ipv6_addr; flags interval; }\n"                              \
	"\tchain input {\n"                                                             \
	"\t\tiifname \"warren0\" ip daddr 10.213.0.1 udp dport 53 accept\n"            \
	"\t\tiifname \"warren0\" ip6 daddr fd77:6172:7265:6e00::1 udp dport 53 accept\n" \
	"\t}\n"                                                                         \
	"\tchain output {\n"                                                            \
	"\t\toifname \"warren0\" meta skuid != 0 drop comment \"warren rules 8 subnet6 "  \
	"fd77:6172:7265:6e00::/64 dns 3\"\n"                                            \
	"\t}\n"                                                                         \
	"}\n"

/* Version 9: IPv6 without a check of neighbour discovery's link-layer addresses; the
 * running container has an IPv6 address. */
#define OLD_TABLES_V9                                                                      \
	OLD_TABLES_V2                                                                      \
	"table bridge warren {\n"                                                      \
	"\tset ports6 { type ifname . ipv6_addr . ether_addr; }\n"                      \
	"\tset nd_targets { typeof iifname . @th,64,128; }\n"                           \
	"}\n"                                                                            \
	"table inet warren {\n"                                                        \
	"\tchain output {\n"                                                            \
	"\t\toifname \"warren0\" meta skuid != 0 drop comment \"warren rules 9 subnet6 "  \
	"fd77:6172:7265:6e00::/64\"\n"                                                  \
	"\t}\n"                                                                         \
	"}\n"                                                                            \
	"add element bridge warren ports6 { \"wr5\" . fd77:6172:7265:6e00::5 . 02:77:00:00:00:05 }\n"

/* Version 10: the mark in the output chain's last rule, not in a chain's comment. */
#define OLD_TABLES_V10                                                                     \
	OLD_TABLES_V9                                                                      \
	"table bridge warren {\n"                                                      \
	"\tset nd_lladdrs { typeof iifname . @th,208,48; }\n"                           \
	"}\n"                                                                            \
	"table inet warren {\n"                                                        \
	"\tchain output {\n"                                                            \
	"\t\toifname \"warren0\" meta skuid != 0 drop comment \"warren rules 10 subnet6 " \
	"fd77:6172:7265:6e00::/64\"\n"                                                  \
	"\t}\n"                                                                         \
	"}\n"

#define NFT_RULES_VERSION_TEXT STR(NFT_RULES_VERSION)

/* How often NEEDLE is in HAYSTACK. */
static int occurrences(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* In a network namespace of its own (this process's, a child's): a context of
 * libnftables that ran FIRST, or NULL if there is no nf_tables here, or no capability
 * over it. */
static struct nft_ctx *private_nft(const char *first)
{
	struct nft_ctx *ctx;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0 && unshare(CLONE_NEWNET) < 0)
		return NULL;
	if (!(ctx = nft_ctx_new(NFT_CTX_DEFAULT)) || nft_run_cmd_from_buffer(ctx, first) != 0)
		return NULL;
	return ctx;
}

/* CHILD(ARG) in a child: its exit 0 passes, 77 skips (no namespace), else WHAT fails. */
static void in_child(int (*child)(const char *), const char *arg, const char *what)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child(arg));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("# no network namespace with nf_tables for this test here\n");
		skip();
	}
	if (WEXITSTATUS(status) != 0)
		fail_msg("%s", what);
}

/* Does a set port_names (of table bridge, inet, arp warren) lack PORT? */
static bool port_names_lack(struct nft_ctx *ctx, const char *port)
{
	static const char *const tables[] = { "bridge", "inet", "arp" };
	char cmd[64], want[32];

	snprintf(want, sizeof(want), "\"%s\"", port);
	for (size_t i = 0; i < ELEMENTSOF(tables); i++) {
		snprintf(cmd, sizeof(cmd), "list set %s warren port_names", tables[i]);
		if (nft_run_cmd_from_buffer(ctx, cmd) != 0 ||
		    !strstr(nft_ctx_get_output_buffer(ctx), want)) {
			fprintf(stderr, "set port_names of table %s warren lacks %s\n", tables[i], port);
			return true;
		}
	}
	return false;
}

/* In a network namespace of its own: OLD, then nft_tables_ensure twice.  Exit 0 if the
 * rules are this version's, once, with the destinations of this start, and the elements
 * of the containers stayed; 77 if no namespace could be had, 1 otherwise (what is wrong
 * on stderr). */
static int upgrade_child(const char *old)
{
	static char *const deny[] = { "169.254.0.0/16", NULL };
	struct nft_member m = { .port = "wr6", .addr = 0x0ad50006, .mac = { 2, 0x77, 0, 0, 0, 6 } };
	struct ipv4_subnet net;
	struct ipv6_addr net6;
	struct error err = { 0 };
	struct egress e = { 0 };
	struct nft_ctx *ctx = private_nft(old);
	const char *out;

	if (!ctx)
		return 77;
	(void)ipv4_subnet_parse("10.213.0.0/16", &net);
	(void)ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &net6);
	/* Twice; then once more without the arp table (as if someone deleted it): it is
	 * made again; then once the host serves DNS on the gateway's IPv6 address (port 53
	 * there opens, by an element); then a new container's elements. */
	if (egress_resolve(deny, NULL, NULL, 0, NULL, &e) < 0 ||
	    nft_tables_ensure("warren0", &net, &net6, 0, &e, NULL, &err) < 0 ||
	    nft_tables_ensure("warren0", &net, &net6, 0, &e, NULL, &err) < 0 ||
	    nft_run_cmd_from_buffer(ctx, "delete table arp warren") != 0 ||
	    nft_tables_ensure("warren0", &net, &net6, 0, &e, NULL, &err) < 0 ||
	    nft_tables_ensure("warren0", &net, &net6, DNS_HOST6, &e, NULL, &err) < 0 ||
	    nft_member_add(&m, true, &err) < 0) {
		fprintf(stderr, "nft_tables_ensure, nft_member_add: %s\n", err.msg);
		return 1;
	}
	nft_ctx_buffer_output(ctx);
	if (nft_run_cmd_from_buffer(ctx, "list ruleset") != 0)
		return 1;
	out = nft_ctx_get_output_buffer(ctx);
	fprintf(stderr, "%s", out);
	if (occurrences(out, "comment \"warren rules " NFT_RULES_VERSION_TEXT " bridge warren0 "
			"subnet 10.213.0.0/16 subnet6 " IPV6_SUBNET_DEFAULT "\"") != 1 ||
	    occurrences(out, "ip6 daddr @host_dns6 udp dport 53 accept") != 1 ||
	    occurrences(out, "ip daddr @host_dns4 udp dport 53 accept") != 1 ||
	    !strstr(out, "set host_dns6 {\n\t\ttype ipv6_addr\n\t\telements = { fd77:6172:7265:6e00::1 }") ||
	    !strstr(out, "set host_dns4 {\n\t\ttype ipv4_addr\n\t}") ||
	    strstr(out, "ip daddr 10.213.0.1 udp dport 53 accept") ||
	    strstr(out, "ip6 daddr fd77:6172:7265:6e00::1 udp dport 53 accept") ||
	    occurrences(out, "comment \"warren rules") != 1 ||
	    occurrences(out, "chain destinations {") != 1 ||
	    occurrences(out, "chain from_ports {") != 1 || occurrences(out, "table arp warren {") != 1 ||
	    occurrences(out, "iifname @port_names drop") != 2 ||
	    occurrences(out, "iifname != @port_names accept") != 1 ||
	    occurrences(out, "set port_names {") != 3 ||
	    occurrences(out, "ip daddr @deny4 drop") != 1 ||
	    !strstr(out, "elements = { 169.254.0.0/16 }") || strstr(out, "192.0.2.0/24") ||
	    !strstr(out, "elements = { 10.213.0.5 }") || !strstr(out, "\"wr5\" . 02:77:00:00:00:05") ||
	    strstr(out, "ip saddr @isolated ip daddr 10.213.0.1 accept") ||
	    occurrences(out, "ct state new ip saddr vmap @net_limits") != 2)
		return 1;
	if (strstr(old, "isolated_ports {") && !strstr(out, "10.213.0.5 . tcp . 7001"))
		return 1;
	/* (last: they run commands, and OUT is the context's buffer) The running
	 * container's port, and the new one's, in every set of port names. */
	if (port_names_lack(ctx, "wr5") || port_names_lack(ctx, "wr6"))
		return 1;
	/* The running container with IPv6: her MAC in set nd_lladdrs, else her neighbour
	 * discovery would fail until her next start. */
	if (strstr(old, "set ports6") &&
	    (nft_run_cmd_from_buffer(ctx, "list set bridge warren nd_lladdrs") != 0 ||
	     !strstr(nft_ctx_get_output_buffer(ctx), "\"wr5\" . 0x27700000005"))) {
		fprintf(stderr, "set nd_lladdrs lacks wr5's MAC\n");
		return 1;
	}
	return 0;
}

/* Tables of an older version of the rules, whichever, get this version's at the next
 * start, in place: the running containers' set elements stay; once is enough (no rule
 * twice); the destinations are this start's; a missing arp table is made again; a new
 * container's port goes into both sets of the ports. */
static void test_ruleset_upgrade(void **state)
{
	static const char *const olds[] = { OLD_TABLES_V1, OLD_TABLES_DENY, OLD_TABLES_V2,
					    OLD_TABLES_V3, OLD_TABLES_V8, OLD_TABLES_V9,
					    OLD_TABLES_V10 };

	char what[64];

	for (size_t i = 0; i < ELEMENTSOF(olds); i++) {
		snprintf(what, sizeof(what), "older tables %zu were not brought up to this version", i);
		in_child(upgrade_child, olds[i], what);
	}
}

/* A network namespace of its own with no tables yet, and a container with limits for it
 * (net_conns 64, net_rate 5): the children below. */
struct limited_ns {
	struct nft_ctx *ctx;
	struct ipv4_subnet net;
	struct ipv6_addr net6;
	struct nft_member m;
};

/* Into L; false if no namespace with nf_tables could be had. */
static bool limited_ns_open(struct limited_ns *l)
{
	*l = (struct limited_ns){ .m = { .port = "wr3", .addr = 0x0ad50003,
					 .mac = { 2, 0x77, 0, 0, 0, 3 }, .conns = 64, .rate = 5 } };
	(void)ipv4_subnet_parse("10.213.0.0/16", &l->net);
	(void)ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &l->net6);
	return (l->ctx = private_nft("add table inet probe\ndelete table inet probe")) != NULL;
}

/* Does set SET of table inet warren hold exactly the elements WANT ("" none)? */
static bool host_dns_is(struct nft_ctx *ctx, const char *set, const char *want)
{
	char cmd[64];
	const char *out, *e;

	snprintf(cmd, sizeof(cmd), "list set inet warren %s", set);
	if (nft_run_cmd_from_buffer(ctx, cmd) != 0)
		return false;
	out = nft_ctx_get_output_buffer(ctx);
	e = strstr(out, "elements = { ");
	if (*want ? !e || strncmp(e + strlen("elements = { "), want, strlen(want)) != 0 ||
		    strncmp(e + strlen("elements = { ") + strlen(want), " }", 2) != 0 : e != NULL) {
		fprintf(stderr, "set %s is not { %s }:\n%s", set, want, out);
		return false;
	}
	return true;
}

/* In a network namespace of its own: a container with limits runs while the host's DNS
 * flags change, both ways, at two more starts.  Exit 0 if her chain of limits kept its
 * rules and the sets host_dns4, host_dns6 followed the flags; 77, 1. */
static int dns_change_child(const char *unused)
{
	struct limited_ns l;
	struct nft_limit_hits h;
	struct error err = { 0 };
	struct egress e = { 0 };
	int r = 0;

	if (!limited_ns_open(&l))
		return 77;
	nft_ctx_buffer_output(l.ctx);
	l.m.has6 = true;
	l.m.addr6 = ipv6_subnet_slot_addr(&l.net6, 3);
	if (nft_tables_ensure("warren0", &l.net, &l.net6, 0, &e, NULL, &err) < 0 ||
	    nft_member_add(&l.m, true, &err) < 0 || !host_dns_is(l.ctx, "host_dns4", "") ||
	    !host_dns_is(l.ctx, "host_dns6", "")) {
		fprintf(stderr, "first start: %s\n", err.msg);
		return 1;
	}
	if (nft_tables_ensure("warren0", &l.net, &l.net6, DNS_HOST4 | DNS_HOST6, &e, NULL,
			      &err) < 0 ||
	    (r = nft_limit_hits(&l.m, &h)) != 0 || h.conns_max != 64 ||
	    !host_dns_is(l.ctx, "host_dns4", "10.213.0.1") ||
	    !host_dns_is(l.ctx, "host_dns6", "fd77:6172:7265:6e00::1")) {
		fprintf(stderr, "the host's DNS on: her limits %d (%s)\n", r, err.msg);
		return 1;
	}
	if (nft_tables_ensure("warren0", &l.net, &l.net6, DNS_HOST4, &e, NULL, &err) < 0 ||
	    nft_tables_ensure("warren0", &l.net, &l.net6, 0, &e, NULL, &err) < 0 ||
	    (r = nft_limit_hits(&l.m, &h)) != 0 || h.conns_max != 64 ||
	    !host_dns_is(l.ctx, "host_dns4", "") || !host_dns_is(l.ctx, "host_dns6", "")) {
		fprintf(stderr, "the host's DNS off again: her limits %d (%s)\n", r, err.msg);
		return 1;
	}
	return 0;
}

/* A change of the host's nameservers (which of the gateway's addresses take DNS) at a
 * start changes the elements of sets host_dns4 and host_dns6 alone: a running
 * container's chain of limits keeps its rules (review 29, finding 1: version 8's mark
 * named the flags, and a flip replaced the rules, flushing every chain of limits). */
static void test_dns_change_keeps_limits(void **state)
{
	in_child(dns_change_child, NULL, "a change of the host's DNS flags lost a running "
		 "container's limits, or the sets host_dns4, host_dns6 did not follow it");
}

/* Is set SET of table inet warren, as listed, holding HAS and not HAS_NOT? */
static bool dest_set_is(struct nft_ctx *ctx, const char *set, const char *has, const char *has_not)
{
	char cmd[64];
	const char *out;

	snprintf(cmd, sizeof(cmd), "list set inet warren %s", set);
	if (nft_run_cmd_from_buffer(ctx, cmd) != 0)
		return false;
	out = nft_ctx_get_output_buffer(ctx);
	if (!strstr(out, has) || strstr(out, has_not)) {
		fprintf(stderr, "set %s: wanted %s, not %s:\n%s", set, has, has_not, out);
		return false;
	}
	return true;
}

/* In a network namespace of its own: starts with this version's tables, bridge.deny
 * changed between them, then back; and bridge.allow.  Each start's destinations are the
 * ones loaded (a start that finds the same loads nothing: the mark must not hide a
 * change).  Exit 0, 77 with no namespace, 1. */
static int dest_change_child(const char *unused)
{
	static char *const deny_a[] = { "192.0.2.0/24", NULL };
	static char *const deny_b[] = { "198.51.100.0/24", NULL };
	static char *const allow[] = { "192.0.2.128/25", NULL };
	struct ipv4_subnet net;
	struct ipv6_addr net6;
	struct error err = { 0 };
	struct egress a = { 0 }, b = { 0 }, c = { 0 };
	struct nft_ctx *ctx = private_nft("add table inet probe\ndelete table inet probe");

	if (!ctx)
		return 77;
	nft_ctx_buffer_output(ctx);
	(void)ipv4_subnet_parse("10.213.0.0/16", &net);
	(void)ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &net6);
	if (egress_resolve(deny_a, NULL, NULL, 0, NULL, &a) < 0 ||
	    egress_resolve(deny_b, NULL, NULL, 0, NULL, &b) < 0 ||
	    egress_resolve(deny_a, allow, NULL, 0, NULL, &c) < 0)
		return 1;
	if (nft_tables_ensure("warren0", &net, &net6, 0, &a, NULL, &err) < 0 ||
	    nft_tables_ensure("warren0", &net, &net6, 0, &a, NULL, &err) < 0 ||
	    !dest_set_is(ctx, "deny4", "192.0.2.0/24", "198.51.100.0/24") ||
	    nft_tables_ensure("warren0", &net, &net6, 0, &b, NULL, &err) < 0 ||
	    !dest_set_is(ctx, "deny4", "198.51.100.0/24", "192.0.2.0/24") ||
	    nft_tables_ensure("warren0", &net, &net6, 0, &a, NULL, &err) < 0 ||
	    !dest_set_is(ctx, "deny4", "192.0.2.0/24", "198.51.100.0/24") ||
	    !dest_set_is(ctx, "allow4", "type ipv4_addr", "192.0.2.128/25") ||
	    nft_tables_ensure("warren0", &net, &net6, 0, &c, NULL, &err) < 0 ||
	    !dest_set_is(ctx, "allow4", "192.0.2.128/25", "198.51.100.0/24")) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	egress_clear(&a);
	egress_clear(&b);
	egress_clear(&c);
	return 0;
}

static void test_dest_change_loaded(void **state)
{
	in_child(dest_change_child, NULL, "a start did not load its changed destinations");
}

/* In a network namespace of its own: nft_limit_hits of a container with limits, of one
 * whose chain an upgrade flushed, and of one with none.  Exit 0, 77, 1. */
static int limit_hits_child(const char *unused)
{
	struct limited_ns l;
	struct nft_limit_hits h;
	struct error err = { 0 };
	struct egress e = { 0 };
	int r;

	if (!limited_ns_open(&l))
		return 77;
	if ((r = nft_limit_hits(&l.m, &h)) != -ENOENT) {
		fprintf(stderr, "no tables: %d, not -ENOENT\n", r);
		return 1;
	}
	if (nft_tables_ensure("warren0", &l.net, &l.net6, 0, &e, NULL, &err) < 0 ||
	    nft_member_add(&l.m, true, &err) < 0 || (r = nft_limit_hits(&l.m, &h)) != 0 ||
	    h.conns_max != 64) {
		fprintf(stderr, "her limits: %d %s\n", r, err.msg);
		return 1;
	}
	if (nft_run_cmd_from_buffer(l.ctx, "flush chain inet warren limits_wr3") != 0 ||
	    (r = nft_limit_hits(&l.m, &h)) != -ENODATA) {
		fprintf(stderr, "a flushed chain: %d, not -ENODATA\n", r);
		return 1;
	}
	return 0;
}

/* "list chains" as nft prints it, with warren's tables of this version for warren0
 * (MARK), whose table inet warren has what is in INET too. */
#define CHAINS(mark, inet, bridge, arp)                                                    \
	"table inet warren {\n"                                                        \
	"\tchain forward {\n"                                                           \
	"\t\ttype filter hook forward priority filter; policy accept;\n"                \
	"\t}\n"                                                                         \
	inet                                                                               \
	"\tchain rules_version {\n"                                                     \
	"\t\tcomment \"" mark "\"\n"                                                    \
	"\t}\n"                                                                         \
	"}\n"                                                                            \
	"table ip filter {\n"                                                          \
	"\tchain forward {\n"                                                           \
	"\t\ttype filter hook forward priority filter; policy drop;\n"                  \
	"\t}\n"                                                                         \
	"}\n"                                                                            \
	bridge arp
#define MARK "warren rules " STR(NFT_RULES_VERSION) " bridge warren0 subnet 10.213.0.0/16 " \
	"subnet6 fd77:6172:7265:6e00::/64"
#define BRIDGE_TABLE                                                                       \
	"table bridge warren {\n\tchain prerouting {\n"                                 \
	"\t\ttype filter hook prerouting priority filter; policy accept;\n\t}\n}\n"
#define ARP_TABLE                                                                          \
	"table arp warren {\n\tchain input {\n"                                          \
	"\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n"

/* A host firewall's forward chain that drops by policy is named from the chains' listing
 * ("FAMILY TABLE CHAIN"); warren's own chains, whatever their policy, are not. */
static void test_forward_blocker(void **state)
{
	char chain[160] = "";

	assert_int_equal(nft_forward_blocker(CHAINS(MARK, "", BRIDGE_TABLE, ARP_TABLE), chain,
					     sizeof(chain)), 0);
	assert_string_equal(chain, "ip filter forward");
	assert_int_equal(nft_forward_blocker("table inet warren {\n\tchain forward {\n"
					     "\t\ttype filter hook forward priority filter; "
					     "policy drop;\n\t}\n}\ntable ip nat {\n\tchain "
					     "postrouting {\n\t\ttype nat hook postrouting priority "
					     "srcnat; policy accept;\n\t}\n}\n", chain, sizeof(chain)),
			 -ENOENT);
	assert_int_equal(nft_forward_blocker("table inet fw {\n\tchain input {\n\t\ttype filter "
					     "hook input priority filter; policy drop;\n\t}\n"
					     "\tchain fwd {\n\t\ttype filter hook forward priority "
					     "filter; policy drop;\n\t}\n}\n", chain, sizeof(chain)), 0);
	assert_string_equal(chain, "inet fw fwd");
	assert_int_equal(nft_forward_blocker("", chain, sizeof(chain)), -ENOENT);
}

/* The tables are this version's, for this bridge, only when the chains say all of it:
 * the mark, whole, in chain rules_version of table inet warren, and tables bridge and arp
 * warren there.  Else a start reads the tables whole and replaces their rules. */
static void test_chains_current(void **state)
{
	static const struct {
		const char *chains;
		bool current;
	} cases[] = {
		{ CHAINS(MARK, "", BRIDGE_TABLE, ARP_TABLE), true },
		{ CHAINS(MARK, "\tchain limits_wr1 {\n\t}\n", ARP_TABLE, BRIDGE_TABLE), true },
		{ CHAINS(MARK, "", BRIDGE_TABLE, ""), false },
		{ CHAINS(MARK, "", "", ARP_TABLE), false },
		{ CHAINS(MARK " extra", "", BRIDGE_TABLE, ARP_TABLE), false },
		{ CHAINS("warren rules 10 bridge warren0 subnet 10.213.0.0/16 subnet6 "
			 "fd77:6172:7265:6e00::/64", "", BRIDGE_TABLE, ARP_TABLE), false },
		{ CHAINS("warren rules " STR(NFT_RULES_VERSION) " bridge warren1 subnet 10.213.0.0/16 "
			 "subnet6 fd77:6172:7265:6e00::/64", "", BRIDGE_TABLE, ARP_TABLE), false },
		{ CHAINS("warren rules " STR(NFT_RULES_VERSION) " bridge warren0 subnet 10.214.0.0/16 "
			 "subnet6 fd77:6172:7265:6e00::/64", "", BRIDGE_TABLE, ARP_TABLE), false },
		{ CHAINS("warren rules " STR(NFT_RULES_VERSION) " bridge warren0 subnet 10.213.0.0/16 "
			 "subnet6 fd77:6172:7265:6e01::/64", "", BRIDGE_TABLE, ARP_TABLE), false },
		/* The mark elsewhere: in another chain, in another table. */
		{ "table inet warren {\n\tchain forward {\n\t\tcomment \"" MARK "\"\n\t}\n}\n"
		  BRIDGE_TABLE ARP_TABLE, false },
		{ "table inet warren {\n\tchain forward {\n\t}\n}\n"
		  "table inet other {\n\tchain rules_version {\n\t\tcomment \"" MARK "\"\n\t}\n}\n"
		  BRIDGE_TABLE ARP_TABLE, false },
		{ "table ip warren {\n\tchain rules_version {\n\t\tcomment \"" MARK "\"\n\t}\n}\n"
		  BRIDGE_TABLE ARP_TABLE, false },
		/* In a chain whose name only starts with rules_version's. */
		{ "table inet warren {\n\tchain rules_version2 {\n\t\tcomment \"" MARK "\"\n\t}\n}\n"
		  BRIDGE_TABLE ARP_TABLE, false },
		{ "", false },
	};
	struct ipv4_subnet net;
	struct ipv6_addr net6;

	assert_int_equal(ipv4_subnet_parse("10.213.0.0/16", &net), 0);
	assert_int_equal(ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &net6), 0);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		if (nft_chains_current(cases[i].chains, "warren0", &net, &net6) != cases[i].current)
			fail_msg("case %zu: taken as %s:\n%s", i, cases[i].current ? "older" : "current",
				 cases[i].chains);
}

/* How often a container met its limits, from her chain as nft lists it (warrenctl show,
 * the event at her stop); a chain without both rules is not hers. */
static void test_limit_hits(void **state)
{
	static const char listed[] =
		"table inet warren {\n"
		"\tchain limits_wr1a {\n"
		"\t\tlimit rate over 5/second burst 5 packets counter packets 31 bytes 1860 drop "
		"comment \"net_rate\"\n"
		"\t\tct count over 64 counter packets 0 bytes 0 drop comment \"net_conns\"\n"
		"\t}\n"
		"}\n";
	struct nft_member m = { .port = "wr1a" };
	struct nft_limit_hits h = { 0 };
	char chain[32];

	assert_string_equal(nft_limits_chain(&m, chain, sizeof(chain)), "limits_wr1a");
	assert_int_equal(nft_limit_hits_parse(listed, &h), 0);
	assert_true(h.rate == 31 && h.rate_max == 5 && h.conns == 0 && h.conns_max == 64);
	assert_int_equal(nft_limit_hits_parse(
		"\t\tlimit rate over 100/second burst 100 packets counter packets 0 bytes 0 drop\n"
		"\t\tct count over 1048576 counter packets 18446744073709551615 bytes 1 drop\n", &h), 0);
	assert_true(h.rate == 0 && h.rate_max == 100 && h.conns == UINT64_MAX &&
		    h.conns_max == 1048576);
	/* Flushed by an upgrade of the rules: her limits are lost until her next start. */
	assert_int_equal(nft_limit_hits_parse("table inet warren {\n\tchain limits_wr1a {\n\t}\n}\n",
					      &h), -ENODATA);
	assert_int_equal(nft_limit_hits_parse(
		"\t\tlimit rate over 5/second burst 5 packets counter packets 1 bytes 60 drop\n", &h),
		-EBADMSG);
	assert_int_equal(nft_limit_hits_parse("\t\tct count over 64 counter packets 0 bytes 0 drop\n",
					      &h), -EBADMSG);
	in_child(limit_hits_child, NULL, "nft_limit_hits told a chain missing, emptied or "
		 "unreadable wrong");
}

/* What FN (one of the upgrade's, nft lists a set, the commands go into a file) writes for
 * the listing of set SET with the elements ELEMENTS, then for that set empty, in a string
 * (free it). */
static char *upgrade_commands(int (*fn)(const char *, FILE *), const char *set,
			      const char *elements)
{
	char *text = NULL, listed[512];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	snprintf(listed, sizeof(listed), "\tset %s {\n\t\ttype ifname . ether_addr\n"
		 "\t\telements = { %s }\n\t}\n", set, elements);
	assert_int_equal(fn(listed, f), 0);
	snprintf(listed, sizeof(listed), "\tset %s {\n\t\ttype ifname . ether_addr\n\t}\n", set);
	assert_int_equal(fn(listed, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* At an upgrade of the rules, the running containers' ports (set macs) go into the sets
 * of port names. */
static void test_port_names_upgrade(void **state)
{
	_cleanup_free_ char *text = upgrade_commands(nft_port_names_commands, "macs",
		"\"wr5\" . 02:77:00:00:00:05,\n\t\t\t     \"wr1a\" . 02:77:00:00:00:1a");

	assert_string_equal(text,
		"add element bridge warren port_names { \"wr5\" }\n"
		"add element inet warren port_names { \"wr5\" }\n"
		"add element arp warren port_names { \"wr5\" }\n"
		"add element bridge warren port_names { \"wr1a\" }\n"
		"add element inet warren port_names { \"wr1a\" }\n"
		"add element arp warren port_names { \"wr1a\" }\n");
}

/* At an upgrade of the rules, the MACs of the running containers with IPv6 (set ports6)
 * go into set nd_lladdrs; a listing nft would not write is refused. */
static void test_nd_lladdrs_upgrade(void **state)
{
	_cleanup_free_ char *text = upgrade_commands(nft_nd_lladdrs_commands, "ports6",
		"\"wr5\" . fd77:6172:7265:6e00::5 . 02:77:00:00:00:05,\n\t\t\t     \"wr1a\" . "
		"fd77:6172:7265:6e00::1a . 02:77:00:00:00:1a");
	FILE *f = fopen("/dev/null", "w");

	assert_string_equal(text,
		"add element bridge warren nd_lladdrs { \"wr5\" . 0x027700000005 }\n"
		"add element bridge warren nd_lladdrs { \"wr1a\" . 0x02770000001a }\n");
	assert_non_null(f);
	assert_int_equal(nft_nd_lladdrs_commands("elements = { \"wr5\" . fd77::5 . 02:77:00 }", f),
			 -EBADMSG);
	assert_int_equal(nft_nd_lladdrs_commands("elements = { \"wr5\" . fd77::5 . 02:77:00:00:00:05",
						 f), -EBADMSG);
	assert_int_equal(nft_nd_lladdrs_commands("elements = { \"wr5 . fd77::5 . 02:77:00:00:00:05 }",
						 f), -EBADMSG);
	fclose(f);
}

/* The deletes of what an earlier container left keyed by an address: that address's
 * elements only (not 10.213.0.22's for 10.213.0.2), a map's by its key. */
/* The netfilter netlink sockets this process holds: how many, how many would pass an
 * exec. */
static void nfnetlink_held(int *all, int *inheritable)
{
	int domain, protocol;
	socklen_t len;

	*all = *inheritable = 0;
	for (int fd = 3; fd < 1024; fd++) {
		len = sizeof(domain);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_NETLINK)
			continue;
		len = sizeof(protocol);
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) < 0 ||
		    protocol != NETLINK_NETFILTER)
			continue;
		(*all)++;
		if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			(*inheritable)++;
	}
}

/* The firewall's libnftables context is kept for the process (its start is dear): one
 * netlink socket however many commands, and close-on-exec, though libnftables opens it
 * inheritable, so that no tool, init or command of hers gets it.  A forked child makes
 * its own and closes its copy of the parent's.  (Whether the command succeeds,
 * unprivileged, does not matter here: the context opens its socket either way.) */
static void test_nft_context_kept_cloexec(void **state)
{
	char chain[160];
	int all, inheritable, status;
	pid_t pid;

	(void)state;
	(void)nft_forward_blocker(NULL, chain, sizeof(chain));
	(void)nft_forward_blocker(NULL, chain, sizeof(chain));
	nfnetlink_held(&all, &inheritable);
	assert_int_equal(all, 1);
	assert_int_equal(inheritable, 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		(void)nft_forward_blocker(NULL, chain, sizeof(chain));
		nfnetlink_held(&all, &inheritable);
		_exit(all == 1 && inheritable == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_purge_commands(void **state)
{
	_cleanup_free_ char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	assert_int_equal(nft_purge_commands("isolated_ports",
		"table inet warren {\n\tset isolated_ports {\n\t\ttype ipv4_addr . inet_proto . "
		"inet_service\n\t\tflags interval\n\t\telements = { 10.213.0.2 . udp . 53,\n"
		"\t\t\t     10.213.0.22 . tcp . 22,\n\t\t\t     10.213.0.2 . tcp . 1000-2000 }\n"
		"\t}\n}\n", "10.213.0.2", f), 0);
	assert_int_equal(nft_purge_commands("peer_group",
		"\tmap peer_group {\n\t\ttype ipv4_addr : mark\n\t\telements = { 10.213.0.2 : "
		"0x00000005, 10.213.0.3 : 0x00000005 }\n\t}\n", "10.213.0.2", f), 0);
	assert_int_equal(nft_purge_commands("isolated", "\tset isolated {\n\t\ttype ipv4_addr\n"
		"\t\telements = { 10.213.0.22, 10.213.0.2 }\n\t}\n", "10.213.0.2", f), 0);
	assert_int_equal(nft_purge_commands("net_limits", "\tmap net_limits {\n\t\ttype ipv4_addr "
		": verdict\n\t\telements = { 10.213.0.2 : jump limits_wr2 }\n\t}\n", "10.213.0.2", f), 0);
	assert_int_equal(nft_purge_commands("isolated", "\tset isolated {\n\t\ttype ipv4_addr\n"
		"\t}\n", "10.213.0.2", f), 0);
	assert_int_equal(nft_purge_commands("isolated6", "\tset isolated6 {\n\t\ttype ipv6_addr\n"
		"\t\telements = { fd77::22, fd77::2 }\n\t}\n", "fd77::2", f), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text,
		"delete element inet warren isolated_ports { 10.213.0.2 . udp . 53 }\n"
		"delete element inet warren isolated_ports { 10.213.0.2 . tcp . 1000-2000 }\n"
		"delete element inet warren peer_group { 10.213.0.2 }\n"
		"delete element inet warren isolated { 10.213.0.2 }\n"
		"delete element inet warren net_limits { 10.213.0.2 }\n"
		"delete element inet warren isolated6 { fd77::2 }\n");
	assert_int_equal(nft_error_code("Error: Could not process rule: No such file or directory"),
			 -ENOENT);
	assert_int_equal(nft_error_code("Error: Could not process rule: Device or resource busy"),
			 -EIO);
	assert_int_equal(nft_error_code(""), -EIO);
}

/* In a network namespace of its own: her elements of an earlier container left behind (a
 * stop that failed), a start with another peer group and other isolated_ports takes
 * their place; a stop finds the elements of a container without limits gone and says
 * nothing, but one that cannot go is an error.  Exit 0, 77 with no namespace, 1. */
static int leftovers_child(const char *unused)
{
	struct nft_member m = { .port = "wr2", .addr = 0x0ad50002, .mac = { 2, 0x77, 0, 0, 0, 2 },
				.isolated = true, .peer_group = 5, .conns = 64, .rate = 5 };
	struct ipv4_subnet net;
	struct ipv6_addr net6;
	struct error err = { 0 };
	struct egress e = { 0 };
	struct nft_ctx *ctx = private_nft("add table inet probe\ndelete table inet probe");
	const char *out;

	if (!ctx)
		return 77;
	(void)ipv4_subnet_parse("10.213.0.0/16", &net);
	(void)ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &net6);
	(void)port_list_parse("53/udp,8000-8099/tcp", &m.ports);
	if (nft_tables_ensure("warren0", &net, &net6, 0, &e, NULL, &err) < 0 ||
	    nft_member_add(&m, true, &err) < 0) {
		fprintf(stderr, "first start: %s\n", err.msg);
		return 1;
	}
	m.peer_group = 6;
	(void)port_list_parse("8050-8200/tcp", &m.ports);
	if (nft_member_add(&m, true, &err) < 0) {
		fprintf(stderr, "start over leftovers: %s\n", err.msg);
		return 1;
	}
	nft_ctx_buffer_output(ctx);
	if (nft_run_cmd_from_buffer(ctx, "list table inet warren") != 0)
		return 1;
	out = nft_ctx_get_output_buffer(ctx);
	fprintf(stderr, "%s", out);
	if (strstr(out, "0x00000005") || !strstr(out, "10.213.0.2 : 0x00000006") ||
	    strstr(out, "udp . 53") || !strstr(out, "10.213.0.2 . tcp . 8050-8200"))
		return 1;
	/* A record's member: no limits in it (their chain and element go all the same). */
	m.conns = m.rate = 0;
	if (nft_member_del(&m) != 0 || nft_member_del(&m) != 0) {
		fprintf(stderr, "a stop, or a second one, failed\n");
		return 1;
	}
	/* Her chain of limits, held by someone's rule: it cannot go. */
	m.conns = m.rate = 5;
	if (nft_member_add(&m, true, &err) < 0 ||
	    nft_run_cmd_from_buffer(ctx, "add chain inet warren held\n"
				    "add rule inet warren held jump limits_wr2") != 0)
		return 1;
	m.conns = m.rate = 0;
	if (nft_member_del(&m) != -EIO) {
		fprintf(stderr, "a delete that failed was not said\n");
		return 1;
	}
	return 0;
}

static void test_member_leftovers(void **state)
{
	in_child(leftovers_child, NULL, "a start over leftover elements, or a stop, went wrong");
}

/* Does "list table inet warren" hold each of WANT and none of NOT (NULL-ended)? */
static bool inet_table_is(struct nft_ctx *ctx, const char *const *want, const char *const *not)
{
	const char *out;

	if (nft_run_cmd_from_buffer(ctx, "list table inet warren") != 0)
		return false;
	out = nft_ctx_get_output_buffer(ctx);
	for (; *want; want++)
		if (!strstr(out, *want)) {
			fprintf(stderr, "inet warren lacks %s:\n%s", *want, out);
			return false;
		}
	for (; *not; not++)
		if (strstr(out, *not)) {
			fprintf(stderr, "inet warren has %s:\n%s", *not, out);
			return false;
		}
	return true;
}

/* net_admit and net_detach with a runtime directory of their own: namespaces of the
 * child's (its user namespace maps it, so that it owns what it writes), a tmpfs on /run. */
static struct nft_ctx *private_runtime(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct nft_ctx *ctx;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) == 0) {
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_file("/proc/self/uid_map", map) < 0 ||
		    write_file("/proc/self/setgroups", "deny") < 0)
			return NULL;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_file("/proc/self/gid_map", map) < 0)
			return NULL;
	} else if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
		return NULL;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") < 0 || runtime_prepare() < 0 ||
	    user_rundir_create("wta") < 0)
		return NULL;
	if (!(ctx = nft_ctx_new(NFT_CTX_DEFAULT)) ||
	    nft_run_cmd_from_buffer(ctx, "add table inet probe\ndelete table inet probe") != 0)
		return NULL;
	nft_ctx_buffer_output(ctx);
	return ctx;
}

/* Her start looks for an earlier container's elements where her network record says a
 * stop could not delete them, and they go; a start after a clean stop finds none to
 * clash with.  Exit 0, 77 with no namespaces, 1. */
static int admit_child(const char *unused)
{
	struct net_plan p = { .mode = NET_NAT,
			      .member = { .port = "wr2", .addr = 0x0ad50002,
					  .mac = { 2, 0x77, 0, 0, 0, 2 }, .isolated = true,
					  .peer_group = 5, .conns = 64, .rate = 5 } };
	struct error err = { 0 };
	struct egress e = { 0 };
	struct nft_ctx *ctx = private_runtime();
	char path[256];

	if (!ctx)
		return 77;
	(void)ipv4_subnet_parse("10.213.0.0/16", &p.subnet);
	(void)ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &p.subnet6);
	(void)port_list_parse("53/udp", &p.member.ports);
	if (nft_tables_ensure("warren0", &p.subnet, &p.subnet6, 0, &e, NULL, &err) < 0 ||
	    net_admit(&p, "wta", &err) < 0) {
		fprintf(stderr, "first start: %s\n", err.msg);
		return 1;
	}
	/* Her stop failed: her record stays, and so do her elements. */
	p.member.peer_group = 6;
	(void)port_list_parse("8050-8200/tcp", &p.member.ports);
	if (net_admit(&p, "wta", &err) < 0) {
		fprintf(stderr, "a start after a stop that failed: %s\n", err.msg);
		return 1;
	}
	if (!inet_table_is(ctx, (const char *const[]){ "10.213.0.2 : 0x00000006",
						       "10.213.0.2 . tcp . 8050-8200", NULL },
			   (const char *const[]){ "0x00000005", "udp . 53", NULL }))
		return 1;
	if (net_detach("wta", &err) < 0 ||
	    access(user_run_path("wta", RUN_NET, path, sizeof(path)), F_OK) == 0 ||
	    !inet_table_is(ctx, (const char *const[]){ NULL },
			   (const char *const[]){ "10.213.0.2", "limits_wr2", NULL })) {
		fprintf(stderr, "a stop left her elements or her record: %s\n", err.msg);
		return 1;
	}
	p.member.peer_group = 7;
	if (net_admit(&p, "wta", &err) < 0 ||
	    !inet_table_is(ctx, (const char *const[]){ "10.213.0.2 : 0x00000007", NULL },
			   (const char *const[]){ "0x00000006", NULL })) {
		fprintf(stderr, "a start after a clean stop: %s\n", err.msg);
		return 1;
	}
	return 0;
}

static void test_admit_leftovers(void **state)
{
	in_child(admit_child, NULL, "a start after a stop that failed kept its elements");
}

/* /etc/hosts and resolv.conf: her name on her address (on 127.0.1.1 without one). */
static void test_etc_files(void **state)
{
	struct net_plan p = { .mode = NET_NAT, .gateway = 0x0ad50001, .resolv = "nameserver 10.213.0.1\n" };
	char buf[256];

	p.member.addr = 0x0ad50002;
	assert_string_equal(net_hosts(&p, "alice", buf, sizeof(buf)),
			    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n10.213.0.2\talice\n"
			    "10.213.0.1\twarren-gateway\n");
	assert_string_equal(net_resolv(&p), "nameserver 10.213.0.1\n");
	p.mode = NET_NONE;
	assert_string_equal(net_hosts(&p, "alice", buf, sizeof(buf)),
			    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n127.0.1.1\talice\n");
	assert_null(net_resolv(&p));
}

static void test_alloc_find(void **state)
{
	uint32_t slot = 99;
	unsigned line = 0;

	assert_int_equal(netalloc_find("", "alice", 5, &slot, &line), 1);
	assert_int_equal(slot, 0);
	assert_int_equal(netalloc_find("alice 0\nbob 1\n", "bob", 5, &slot, &line), 0);
	assert_int_equal(slot, 1);
	/* The lowest free slot, whatever the order of the lines. */
	assert_int_equal(netalloc_find("bob 2\nalice 0\n\ncarol 3\n", "dave", 5, &slot, &line), 1);
	assert_int_equal(slot, 1);
	/* A slot is the user's even outside a (now smaller) subnet: the caller refuses it. */
	assert_int_equal(netalloc_find("alice 7\n", "alice", 5, &slot, &line), 0);
	assert_int_equal(slot, 7);
	assert_int_equal(netalloc_find("a 0\nb 1\nc 2\nd 3\ne 4\n", "f", 5, &slot, &line), -ENOSPC);
	assert_int_equal(netalloc_find("alice 0\nbob\n", "carol", 5, &slot, &line), -EBADMSG);
	assert_int_equal(line, 2);
	assert_int_equal(netalloc_find("alice -1\n", "carol", 5, &slot, &line), -EBADMSG);
	assert_int_equal(netalloc_find("al/ce 1\n", "carol", 5, &slot, &line), -EBADMSG);
	assert_int_equal(netalloc_find("alice 99999999999\n", "carol", 5, &slot, &line), -EBADMSG);
	/* A slot that wraps 64 bits (2^64 + 1) is no slot either, nor is none at all. */
	assert_int_equal(netalloc_find("alice 18446744073709551617\n", "alice", 5, &slot, &line),
			 -EBADMSG);
	assert_int_equal(netalloc_find("alice \n", "alice", 5, &slot, &line), -EBADMSG);
	/* The ends: the largest 32-bit slot, and a name of 32 characters (name_is_valid's). */
	assert_int_equal(netalloc_find("alice 4294967295\n", "alice", 5, &slot, &line), 0);
	assert_true(slot == 4294967295U);
	assert_int_equal(netalloc_find("abcdefghijklmnopqrstuvwxyz012345 3\n",
				       "abcdefghijklmnopqrstuvwxyz012345", 5, &slot, &line), 0);
	assert_int_equal(slot, 3);
	assert_int_equal(netalloc_find("abcdefghijklmnopqrstuvwxyz0123456 3\n", "bob", 5, &slot,
				       &line), -EBADMSG);
}

/* PATH's text into BUF (LEN), NUL-ended. */
static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
}

/* netalloc_get over a slots file already there: a last line without its newline gets one
 * before hers; her slot at the subnet's size is outside it; netalloc_lookup of a user with
 * no slot is -ENOENT; a file too large to be ours is refused, not read in part. */
static void test_alloc_get_existing(void **state)
{
	char dir[] = "/tmp/warren-test-net.XXXXXX", path[128], text[128];
	struct error err = { 0 };
	uint32_t slot = 99;
	FILE *f;

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(netalloc_lookup(dir, "alice", &slot), -ENOENT); /* no network dir */
	assert_int_equal(netalloc_get(dir, "alice", 10, &slot, &err), 0);
	snprintf(path, sizeof(path), "%s/network/slots", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("alice 0\ncarol 10", f);
	fclose(f);
	assert_int_equal(netalloc_get(dir, "bob", 10, &slot, &err), 0);
	assert_int_equal(slot, 1);
	slurp(path, text, sizeof(text));
	assert_string_equal(text, "alice 0\ncarol 10\nbob 1\n");
	assert_int_equal(netalloc_lookup(dir, "bob", &slot), 0);
	assert_int_equal(slot, 1);
	assert_int_equal(netalloc_lookup(dir, "dave", &slot), -ENOENT);
	/* carol's slot 10 is one past a subnet of 10. */
	assert_int_equal(netalloc_get(dir, "carol", 10, &slot, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "is outside bridge.subnet"));
	assert_int_equal(netalloc_get(dir, "carol", 11, &slot, &err), 0);
	assert_int_equal(slot, 10);
	/* 4 MiB of good lines: more than the file may hold. */
	f = fopen(path, "w");
	assert_non_null(f);
	for (unsigned i = 0; i < 300000; i++)
		fprintf(f, "u%u %u\n", i, i);
	fclose(f);
	assert_int_equal(netalloc_get(dir, "erin", 1000000, &slot, &err), -EFBIG);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* Two users get two slots, the first keeps hers, the file records both. */
static void test_alloc_get(void **state)
{
	char dir[] = "/tmp/warren-test-net.XXXXXX", path[64], text[128];
	struct error err = { 0 };
	uint32_t a, b, again;

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(netalloc_get(dir, "alice", 10, &a, &err), 0);
	assert_int_equal(netalloc_get(dir, "bob", 10, &b, &err), 0);
	assert_int_equal(netalloc_get(dir, "alice", 10, &again, &err), 0);
	assert_true(a == 0 && b == 1 && again == 0);
	snprintf(path, sizeof(path), "%s/network/slots", dir);
	slurp(path, text, sizeof(text));
	assert_string_equal(text, "alice 0\nbob 1\n");
	assert_int_equal(netalloc_get(dir, "carol", 1, &a, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "no address left for carol"));
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* 100 users allocating at once, from 20 processes: 100 distinct slots, all recorded. */
static void test_alloc_concurrent(void **state)
{
	char dir[] = "/tmp/warren-test-net.XXXXXX", cmd[128];
	struct error err = { 0 };
	bool seen[100] = { false };
	uint32_t slot;

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	for (int p = 0; p < 20; p++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			for (int i = 0; i < 5; i++) {
				char user[16];

				snprintf(user, sizeof(user), "u%d", p * 5 + i);
				if (netalloc_get(dir, user, 1000, &slot, &err) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < 20; p++) {
		int status;

		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int u = 0; u < 100; u++) {
		char user[16];

		snprintf(user, sizeof(user), "u%d", u);
		assert_int_equal(netalloc_lookup(dir, user, &slot), 0);
		assert_true(slot < 100);
		if (seen[slot])
			fail_msg("slot %u given twice", slot);
		seen[slot] = true;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_config_bridge(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL, *d = NULL;
	struct config_error err;
	char buf[IPV6_TEXT_MAX];

	assert_int_equal(config_parse_string("", "x", &d, NULL, &err), 0);
	assert_string_equal(d->bridge.name, "warren0");
	/* IPv6 by default, on the documented /64 (warren.conf(5)). */
	assert_true(d->bridge.ipv6);
	assert_string_equal(ipv6_format(&d->bridge.subnet6, buf, sizeof(buf)), "fd77:6172:7265:6e00::");
	assert_string_equal(ipv4_format(d->bridge.subnet.net, buf, sizeof(buf)), "10.213.0.0");
	assert_int_equal(d->bridge.subnet.prefix, 16);
	assert_null(d->bridge.dns);
	if (config_parse_string("bridge = { name = \"lab0\"; subnet = \"172.30.0.0/20\";\n"
				"  dns = [ \"192.0.2.53\", \"192.0.2.54\" ]; ipv6 = false;\n"
				"  subnet6 = \"fc00:1:2:3::/64\"; };\n",
				"x", &c, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_false(c->bridge.ipv6);
	assert_string_equal(ipv6_format(&c->bridge.subnet6, buf, sizeof(buf)), "fc00:1:2:3::");
	assert_string_equal(c->bridge.name, "lab0");
	assert_int_equal(c->bridge.subnet.prefix, 20);
	assert_string_equal(c->bridge.dns[1], "192.0.2.54");
	assert_null(c->bridge.dns[2]);
}

static const struct {
	const char *text;
	const char *msg;
} bridge_bad[] = {
	{ "bridge = { name = \"wr1f\"; };", "bridge.name: \"wr1f\" is not an interface name" },
	{ "bridge = { name = \"a-very-long-name\"; };", "is not an interface name" },
	{ "bridge = { subnet = \"10.213.0.1/16\"; };", "has host bits set" },
	{ "bridge = { subnet = \"10.213.0.0/31\"; };", "the prefix must be from /8 to /29" },
	{ "bridge = { subnet = 5; };", "bridge.subnet: must be a string (an IPv4 network)" },
	{ "bridge = { dns = [ \"dns.example\" ]; };",
	  "bridge.dns[0]: \"dns.example\" is not a nameserver's IPv4 or IPv6 address; expected four numbers" },
	{ "bridge = { dns = [ 5 ]; };",
	  "bridge.dns[0]: must be a string (a nameserver's IPv4 or IPv6 address)" },
	{ "bridge = { mtu = 1500; };",
	  "bridge.mtu: unknown setting; expected one of: name, subnet, ipv6, subnet6, dns" },
	{ "bridge = { ipv6 = \"yes\"; };",
	  "bridge.ipv6: must be true or false (no quotes), not a string; expected e.g. "
	  "bridge = { ipv6 = false; };" },
	{ "bridge = { subnet6 = \"fd77:6172:7265:6e00::/48\"; };",
	  "bridge.subnet6: \"fd77:6172:7265:6e00::/48\": the prefix must be /64" },
	{ "bridge = { subnet6 = \"fd77:6172:7265:6e00::1/48\"; };", "the prefix must be /64" },
	{ "bridge = { subnet6 = \"fd77:6172:7265:6e00::\"; };", "is not an IPv6 network; expected ADDRESS/64" },
	{ "bridge = { subnet6 = \"fd77:6172:7265:6e00::1/64\"; };",
	  "bridge.subnet6: \"fd77:6172:7265:6e00::1/64\" has host bits set" },
	{ "bridge = { subnet6 = \"2001:db8:1:2::/64\"; };",
	  "bridge.subnet6: \"2001:db8:1:2::/64\" is not a unique local network (fc00::/7, RFC 4193)" },
	{ "bridge = { subnet6 = \"10.0.0.0/64\"; };", "is not an IPv6 network" },
	{ "bridge = { subnet6 = 64; };", "bridge.subnet6: must be a string (a unique local IPv6 /64)" },
	{ "bridge = 5;", "bridge: must be a group" },
	{ "bridge = { deny = [ \"10.1.2.3/8\" ]; };",
	  "bridge.deny[0]: \"10.1.2.3/8\" has host bits set; expected the network's own address, "
	  "\"10.0.0.0/8\" (or the address alone for that one host)" },
	{ "bridge = { deny = [ \"connected\", \"fd00::1/8\" ]; };",
	  "bridge.deny[1]: \"fd00::1/8\" has host bits set; expected the network's own "
	  "address, \"fd00::/8\"" },
	{ "bridge = { deny = [ \"10.0.0.0/33\" ]; };",
	  "bridge.deny[0]: \"10.0.0.0/33\": the prefix is longer than the address" },
	{ "bridge = { deny = [ \"intranet\" ]; };",
	  "bridge.deny[0]: \"intranet\" is not a network or \"connected\"; expected ADDRESS/PREFIX" },
	{ "bridge = { deny = \"10.0.0.0/8\"; };", "bridge.deny: must be an array of network names" },
	{ "bridge = { deny = [ \"10.0.0.0/8\", \"10.0.0.0/8\" ]; };",
	  "bridge.deny[1]: \"10.0.0.0/8\" is listed twice" },
	{ "bridge = { allow = [ \"connected\" ]; };",
	  "bridge.allow[0]: \"connected\" is not a network; expected ADDRESS/PREFIX such as" },
	{ "bridge = { allow = [ 10 ]; };", "bridge.allow[0]: must be a string (a network)" },
	{ "bridge = { allow = [ \"10.1.2.3/24\" ]; };",
	  "bridge.allow[0]: \"10.1.2.3/24\" has host bits set; expected the network's own address, "
	  "\"10.1.2.0/24\"" },
};

static void test_config_bridge_bad(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(bridge_bad); i++) {
		struct warren_config *c = NULL, *policy = NULL;
		struct config_error err;

		if (config_parse_string(bridge_bad[i].text, "x", &c, &policy, &err) == 0)
			fail_msg("accepted: %s", bridge_bad[i].text);
		if (!strstr(err.msg, bridge_bad[i].msg))
			fail_msg("%s: got \"%s\"", bridge_bad[i].text, err.msg);
		/* Not a policy key: who is jailed is still known. */
		assert_non_null(policy);
		config_free(policy);
	}
}

static void test_cidr(void **state)
{
	static const struct {
		const char *in;
		int r;
		const char *out;
	} cases[] = {
		{ "10.0.0.0/8", 0, "10.0.0.0/8" },       { "169.254.169.254", 0, "169.254.169.254/32" },
		{ "0.0.0.0/0", 0, "0.0.0.0/0" },         { "fd00::/8", 0, "fd00::/8" },
		{ "fd00:ec2::254", 0, "fd00:ec2::254/128" }, { "::/0", 0, "::/0" },
		{ "10.0.0.1/8", -EDOM, NULL },           { "fd00::1/64", -EDOM, NULL },
		{ "10.0.0.0/33", -ERANGE, NULL },        { "::/129", -ERANGE, NULL },
		{ "10.0.0.0/08", -EINVAL, NULL },        { "10.0.0.0/", -EINVAL, NULL },
		{ "10.0.0/8", -EINVAL, NULL },           { "host/8", -EINVAL, NULL },
		{ "", -EINVAL, NULL },                   { "/8", -EINVAL, NULL },
		{ "10.0.0.0/8 ", -EINVAL, NULL },        { "1.2.3.4/-1", -EINVAL, NULL },
	};
	char buf[CIDR_TEXT_MAX];
	struct cidr c, n;
	uint8_t a[16];

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		int r = cidr_parse(cases[i].in, &c);

		if (r != cases[i].r)
			fail_msg("\"%s\": %d, not %d", cases[i].in, r, cases[i].r);
		if (r == 0)
			assert_string_equal(cidr_format(&c, buf, sizeof(buf)), cases[i].out);
	}
	assert_int_equal(cidr_parse("172.16.0.0/12", &c), 0);
	inet_pton(AF_INET, "172.31.255.1", a);
	assert_true(cidr_contains(&c, AF_INET, a));
	inet_pton(AF_INET, "172.32.0.1", a);
	assert_false(cidr_contains(&c, AF_INET, a));
	assert_false(cidr_contains(&c, AF_INET6, a));
	inet_pton(AF_INET6, "fe80::1:2", a);
	n = cidr_network(AF_INET6, a, 10);
	assert_string_equal(cidr_format(&n, buf, sizeof(buf)), "fe80::/10");
}

/* What the default of bridge.deny keeps containers from (warren.conf(5)): the metadata
 * services (Azure's WireServer too), shared address space (RFC 6598), private space; not
 * the Internet. */
static void assert_default_deny(char *const *deny)
{
	static const struct {
		const char *addr;
		bool blocked;
	} cases[] = {
		{ "169.254.169.254", true }, { "168.63.129.16", true },   { "100.100.100.200", true },
		{ "100.64.0.1", true },      { "100.127.255.254", true }, { "10.1.2.3", true },
		{ "172.31.0.1", true },      { "192.168.1.1", true },     { "100.128.0.1", false },
		{ "100.63.255.255", false }, { "168.63.129.17", false },  { "198.51.100.2", false },
	};
	struct egress e = { 0 };
	uint8_t a[16];

	assert_int_equal(egress_resolve(deny, NULL, NULL, 0, NULL, &e), 0);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		inet_pton(AF_INET, cases[i].addr, a);
		if (egress_blocks(&e, AF_INET, a) != cases[i].blocked)
			fail_msg("bridge.deny's default %s %s", cases[i].blocked ? "misses" :
				 "covers", cases[i].addr);
	}
	inet_pton(AF_INET6, "fd00:ec2::254", a);
	assert_true(egress_blocks(&e, AF_INET6, a));
	egress_clear(&e);
}

static void test_config_deny(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL, *d = NULL;
	static char *const want[] = EGRESS_DEFAULT_DENY;
	struct config_error err;

	assert_int_equal(config_parse_string("", "x", &d, NULL, &err), 0);
	assert_null(d->bridge.deny);
	assert_null(d->bridge.allow);
	for (size_t i = 0; want[i]; i++)
		assert_string_equal(egress_deny_config(d)[i], want[i]);
	assert_default_deny(egress_deny_config(d));
	if (config_parse_string("bridge = { deny = [ \"connected\", \"100.64.0.0/10\" ];\n"
				"  allow = [ \"10.1.2.3\", \"fd00::/64\" ]; };\n", "x", &c, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(egress_deny_config(c)[1], "100.64.0.0/10");
	assert_null(egress_deny_config(c)[2]);
	assert_string_equal(c->bridge.allow[1], "fd00::/64");
	config_free(c);
	c = NULL;
	/* deny = [ ]: nothing denied, which is not the default. */
	assert_int_equal(config_parse_string("bridge = { deny = [ ]; };", "x", &c, NULL, &err), 0);
	assert_null(egress_deny_config(c)[0]);
}

/* Where containers may not go, from the lists, the host's networks and a resolv.conf. */
static void test_egress(void **state)
{
	static char *const deny[] = { "169.254.0.0/16", "connected", "10.0.0.0/8", "fc00::/7", NULL };
	static char *const allow[] = { "10.1.2.3", NULL };
	struct cidr connected[2];
	struct egress e = { 0 };
	_cleanup_free_ char *text = NULL;
	char buf[CIDR_TEXT_MAX];
	uint8_t a[16];

	assert_int_equal(cidr_parse("192.0.2.0/24", &connected[0]), 0);
	assert_int_equal(cidr_parse("10.0.0.0/8", &connected[1]), 0); /* listed already: once */
	assert_int_equal(egress_resolve(deny, allow, connected, 2,
					"search lab\nnameserver 10.0.0.53\nnameserver 10.0.0.53\n", &e), 0);
	assert_int_equal(e.n_deny, 4);
	assert_string_equal(cidr_format(&e.deny[1], buf, sizeof(buf)), "192.0.2.0/24");
	assert_string_equal(cidr_format(&e.deny[3], buf, sizeof(buf)), "fc00::/7");
	assert_int_equal(e.n_allow, 1);
	assert_int_equal(e.n_dns, 1);
	assert_string_equal(cidr_format(&e.dns[0], buf, sizeof(buf)), "10.0.0.53/32");
	inet_pton(AF_INET, "169.254.169.254", a);
	assert_true(egress_blocks(&e, AF_INET, a));
	inet_pton(AF_INET, "10.1.2.3", a);
	assert_false(egress_blocks(&e, AF_INET, a)); /* allowed */
	inet_pton(AF_INET, "198.51.100.1", a);
	assert_false(egress_blocks(&e, AF_INET, a)); /* not denied */

	assert_int_equal(nft_destinations_format("warren0", &e, &text), 0);
	assert_non_null(strstr(text, "\tset deny4 { type ipv4_addr; flags interval; auto-merge; "
			       "elements = { 169.254.0.0/16, 192.0.2.0/24, 10.0.0.0/8 } }\n"));
	assert_non_null(strstr(text, "\tset deny6 { type ipv6_addr; flags interval; auto-merge; "
			       "elements = { fc00::/7 } }\n"));
	assert_non_null(strstr(text, "\tset allow4 { type ipv4_addr; flags interval; auto-merge; "
			       "elements = { 10.1.2.3/32 } }\n"));
	assert_non_null(strstr(text, "\tset allow6 { type ipv6_addr; flags interval; auto-merge; }\n"));
	assert_non_null(strstr(text, "\t\tiifname != \"warren0\" accept\n\t\toifname \"warren0\" accept\n"
			       "\t\tip daddr @allow4 accept\n"));
	assert_non_null(strstr(text, "\t\tip daddr @deny4 drop\n\t\tip6 daddr @deny6 drop\n"));
	/* The kernel takes it (nft -c: checked, not loaded), where a private network
	 * namespace can be had: root's, or an unprivileged user's. */
	if (system("unshare -rn true 2>/dev/null") == 0) {
		FILE *f = popen("unshare -rn nft -c -f - 2>&1", "w");

		assert_non_null(f);
		fprintf(f, "add table inet warren\n%s", text);
		if (pclose(f) != 0)
			fail_msg("nft -c refused:\n%s", text);
	}
	egress_clear(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_subnet),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_ruleset),
		cmocka_unit_test(test_limit_hits),
		cmocka_unit_test(test_chains_current),
		cmocka_unit_test(test_forward_blocker),
		cmocka_unit_test(test_ruleset_upgrade),
		cmocka_unit_test(test_dns_change_keeps_limits),
		cmocka_unit_test(test_dest_change_loaded),
		cmocka_unit_test(test_port_names_upgrade),
		cmocka_unit_test(test_nd_lladdrs_upgrade),
		cmocka_unit_test(test_purge_commands),
		cmocka_unit_test(test_nft_context_kept_cloexec),
		cmocka_unit_test(test_member_leftovers),
		cmocka_unit_test(test_admit_leftovers),
		cmocka_unit_test(test_etc_files),
		cmocka_unit_test(test_alloc_find),
		cmocka_unit_test(test_alloc_get),
		cmocka_unit_test(test_alloc_get_existing),
		cmocka_unit_test(test_alloc_concurrent),
		cmocka_unit_test(test_config_bridge),
		cmocka_unit_test(test_config_bridge_bad),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_config_deny),
		cmocka_unit_test(test_egress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
