/* nft.c - warren's firewall through libnftables (see nft.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/text.h"
#include "net/dns.h"
#include "net/nft.h"
#include "net/nftlib.h"

/* Positional: %1$s the bridge, %2$s the subnet's address, %3$u its prefix. */
#define COMMENT_FORMAT "warren: bridge %1$s subnet %2$s/%3$u"

int nft_error_code(const char *msg)
{
	/* libnftables hands back no errno, only the kernel's strerror() in its message. */
	return strstr(msg, "No such file or directory") ? -ENOENT : -EIO;
}

/* FD is a netfilter netlink socket: the one a context just opened. */
static bool nfnetlink_socket(int fd)
{
	int domain = 0, protocol = 0;
	socklen_t len = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return false;
	len = sizeof(int);
	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) == 0 &&
	       domain == AF_NETLINK && protocol == NETLINK_NETFILTER;
}

/* One libnftables context per process, kept, so that a start makes one: making one
 * costs about a millisecond here (it reads iproute2's tables), and a start runs a dozen
 * commands (each command still fetches what it needs of the ruleset: another process
 * may have changed it).  Kept only if its netlink socket can be made close-on-exec
 * (libnftables opens it without): it must not reach a tool, init or her command.  A
 * forked child makes its own: the parent's socket is the parent's.  NULL, -errno: none. */
static struct nft_ctx *context_new(const struct nftlib *nft, bool *keep)
{
	struct nft_ctx *ctx;
	int next;

	/* The lowest free descriptor is the socket's: a context opens that one alone
	 * (iproute2's files come and go before it). */
	next = fcntl(0, F_DUPFD_CLOEXEC, 0);
	if (next >= 0)
		close(next);
	if (!(ctx = nft->ctx_new(NFT_CTX_DEFAULT)))
		return NULL;
	nft->ctx_buffer_output(ctx);
	nft->ctx_buffer_error(ctx);
	*keep = next >= 0 && nfnetlink_socket(next) && fcntl(next, F_SETFD, FD_CLOEXEC) == 0;
	return ctx;
}

static struct nft_ctx *kept_ctx;
static pid_t kept_by;

static struct nft_ctx *context(const struct nftlib *nft, bool *kept)
{
	struct nft_ctx *ctx;

	if (kept_ctx && kept_by == getpid()) {
		*kept = true;
		return kept_ctx;
	}
	if (kept_ctx) {
		/* Our parent's (a fork's copy: its descriptor is ours to close). */
		nft->ctx_free(kept_ctx);
		kept_ctx = NULL;
	}
	if ((ctx = context_new(nft, kept)) && *kept) {
		kept_ctx = ctx;
		kept_by = getpid();
	}
	return ctx;
}

/* Run CMD; its output whole into *RET_OUT (if not NULL; free it); on failure ERR_TEXT
 * (if not NULL) gets nft's message, or why libnftables could not be loaded.  0, -ENOENT
 * if what it names is not there, -EIO (nft_error_code; a library that cannot be loaded
 * too), -ENOMEM. */
static int run_all(const char *cmd, char **ret_out, char *err_text, size_t err_len)
{
	char why[400];
	const struct nftlib *nft = nftlib_get(why, sizeof(why));
	struct nft_ctx *ctx;
	const char *msg, *out;
	bool kept = false;
	int r;

	if (!nft) {
		if (err_text)
			snprintf(err_text, err_len, "%s", why);
		return -EIO;
	}
	if (!(ctx = context(nft, &kept)))
		return -ENOMEM;
	r = nft->run_cmd_from_buffer(ctx, cmd);
	/* Both taken at every command: taking one empties it for the next. */
	out = nft->ctx_get_output_buffer(ctx);
	msg = nft->ctx_get_error_buffer(ctx);
	if (r == 0) {
		if (ret_out && !(*ret_out = strdup(out ?: "")))
			r = -ENOMEM;
	} else {
		if (err_text) {
			snprintf(err_text, err_len, "%s", msg ? msg : "");
			for (char *p = err_text; *p; p++)
				if (*p == '\n')
					*p = ' ';
		}
		r = nft_error_code(msg ? msg : "");
	}
	if (!kept)
		nft->ctx_free(ctx);
	return r;
}

/* run_all, the output (if OUT) cut to OUT_LEN. */
static int run(const char *cmd, char *out, size_t out_len, char *err_text, size_t err_len)
{
	_cleanup_free_ char *all = NULL;
	int r = run_all(cmd, out ? &all : NULL, err_text, err_len);

	if (out)
		snprintf(out, out_len, "%s", all ? all : "");
	return r;
}

/* The comment of chain rules_version (empty, never hooked) names the version of the
 * rules (nft.h), the bridge and its networks they were made for (bridge.subnet6: another
 * one, and the rules are replaced as an older version's are).  Not what changes while
 * containers run, such as which of the gateway's addresses take DNS (sets host_dns4,
 * host_dns6): a replacement flushes every chain of the table, the running containers'
 * chains of limits too.  A chain's comment, because "list chains" reads it at the cost of
 * the chains alone: reading a rule or the table's comment costs the whole table, each
 * container's elements and chain of limits (70 ms at 1000 containers). */
#define RULES_MARK_FORMAT "warren rules %d bridge %s subnet %s/%u subnet6 %s/64"
#define RULES_MARK_MAX 192

/* The comment of chain destinations_mark (empty, never hooked, as rules_version) names
 * what the last start loaded of what every start loads anew (the destinations from
 * bridge.deny and bridge.allow, the host's networks and nameservers; host_dns4 and
 * host_dns6): their commands' hash.  A start whose commands hash the same loads nothing:
 * the load costs what the containers add up to (2 ms at 1000 here, against 0.6 ms for a
 * first one).  Any change of theirs changes the hash, and they are loaded. */
#define DEST_MARK_FORMAT "warren destinations %016" PRIx64

static const char *rules_mark(const char *br, const struct ipv4_subnet *subnet,
			      const struct ipv6_addr *subnet6, char buf[RULES_MARK_MAX])
{
	char net[16], net6[IPV6_TEXT_MAX];

	snprintf(buf, RULES_MARK_MAX, RULES_MARK_FORMAT, NFT_RULES_VERSION, br,
		 ipv4_format(subnet->net, net, sizeof(net)), subnet->prefix,
		 ipv6_format(subnet6, net6, sizeof(net6)));
	return buf;
}

/* The new connections a container opens through the host, forwarded (out, or to another
 * container) or to the host itself, go to her chain of limits (limits_commands): each
 * takes an entry of the host's conntrack table.  Before the other chains of both hooks,
 * so that what is refused costs no entry; by her address, which the bridge table keeps
 * hers.  Appended to BUF: how much, or -ENOSPC. */
static int limits_ruleset(const char *br, char *buf, size_t len)
{
	int n = snprintf(buf, len,
		"table inet warren {\n"
		"\tmap net_limits { type ipv4_addr : verdict; }\n"
		"\tmap net_limits6 { type ipv6_addr : verdict; }\n"
		"\tchain limits_forward {\n"
		"\t\ttype filter hook forward priority filter - 2; policy accept;\n"
		"\t\tiifname \"%1$s\" ct state new ip saddr vmap @net_limits\n"
		"\t\tiifname \"%1$s\" ct state new ip6 saddr vmap @net_limits6\n"
		"\t}\n"
		"\tchain limits_input {\n"
		"\t\ttype filter hook input priority filter - 2; policy accept;\n"
		"\t\tiifname \"%1$s\" ct state new ip saddr vmap @net_limits\n"
		"\t\tiifname \"%1$s\" ct state new ip6 saddr vmap @net_limits6\n"
		"\t}\n"
		"}\n", br);

	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

int nft_ruleset(const char *br, const struct ipv4_subnet *subnet, const struct ipv6_addr *subnet6,
		char *buf, size_t len)
{
	char net[16], gw[16], mark[RULES_MARK_MAX], net6[IPV6_TEXT_MAX], gw6[IPV6_TEXT_MAX];
	struct ipv6_addr g6 = ipv6_subnet_gateway(subnet6);
	int n, m;

	ipv4_format(subnet->net, net, sizeof(net));
	ipv4_format(ipv4_subnet_gateway(subnet), gw, sizeof(gw));
	ipv6_format(subnet6, net6, sizeof(net6));
	ipv6_format(&g6, gw6, sizeof(gw6));
	rules_mark(br, subnet, subnet6, mark);
	n = snprintf(buf, len,
		"table inet warren {\n"
		"\tcomment \"" COMMENT_FORMAT "\"\n"
		"\tset isolated { type ipv4_addr; }\n"
		"\tset isolated6 { type ipv6_addr; }\n"
		"\tset isolated_ports { type ipv4_addr . inet_proto . inet_service; flags interval; }\n"
		"\tset isolated_ports6 { type ipv6_addr . inet_proto . inet_service; flags interval; }\n"
		"\tmap peer_group { type ipv4_addr : mark; }\n"
		"\tmap peer_group6 { type ipv6_addr : mark; }\n"
		"\tset peer_member { type ipv4_addr . mark; }\n"
		"\tset peer_member6 { type ipv6_addr . mark; }\n"
		/* The gateway's address, in each, when the host's resolver serves containers
		 * there (dns.h): its elements set at every start (host_dns_commands). */
		"\tset host_dns4 { type ipv4_addr; }\n"
		"\tset host_dns6 { type ipv6_addr; }\n"
		"\tchain forward {\n"
		"\t\ttype filter hook forward priority filter; policy accept;\n"
		"\t\tiifname \"%1$s\" oifname \"%1$s\" jump between_containers\n"
		"\t\tiifname \"%1$s\" ip saddr != %2$s/%3$u drop\n"
		"\t\tiifname \"%1$s\" ip6 saddr != %5$s/64 drop\n"
		"\t\tiifname \"%1$s\" ip saddr @isolated drop\n"
		"\t\tiifname \"%1$s\" ip6 saddr @isolated6 drop\n"
		"\t\tiifname \"%1$s\" accept\n"
		"\t\toifname \"%1$s\" ct state established,related accept\n"
		"\t\toifname \"%1$s\" drop\n"
		"\t}\n"
		"\tchain between_containers {\n"
		"\t\tmeta mark set ip saddr map @peer_group\n"
		"\t\tmeta mark set ip6 saddr map @peer_group6\n"
		"\t\tip daddr . meta mark @peer_member accept\n"
		"\t\tip6 daddr . meta mark @peer_member6 accept\n"
		"\t\tdrop\n"
		"\t}\n"
		"\tchain input {\n"
		"\t\ttype filter hook input priority filter; policy accept;\n"
		"\t\tiifname \"%1$s\" ct state established,related accept\n"
		"\t\tiifname \"%1$s\" ip daddr %4$s icmp type echo-request accept\n"
		"\t\tiifname \"%1$s\" ip daddr %4$s ip saddr . meta l4proto . th dport @isolated_ports accept\n"
		"\t\tiifname \"%1$s\" ip saddr @isolated drop\n"
		/* The host's resolver, when containers use it; not for "isolated" ones,
		 * which have their isolated_ports instead. */
		"\t\tiifname \"%1$s\" ip daddr @host_dns4 udp dport 53 accept\n"
		"\t\tiifname \"%1$s\" ip daddr @host_dns4 tcp dport 53 accept\n"
		/* IPv6 alike (DNS too); and neighbour discovery with the gateway (the
		 * bridge table let through only what names her own address), never a
		 * router's messages. */
		"\t\tiifname \"%1$s\" ip6 daddr %6$s icmpv6 type echo-request accept\n"
		"\t\tiifname \"%1$s\" ip6 hoplimit 255 icmpv6 type { nd-neighbor-solicit, "
		"nd-neighbor-advert } accept\n"
		"\t\tiifname \"%1$s\" ip6 daddr %6$s ip6 saddr . meta l4proto . th dport @isolated_ports6 accept\n"
		"\t\tiifname \"%1$s\" ip6 saddr @isolated6 drop\n"
		"\t\tiifname \"%1$s\" ip6 daddr @host_dns6 udp dport 53 accept\n"
		"\t\tiifname \"%1$s\" ip6 daddr @host_dns6 tcp dport 53 accept\n"
		"\t\tiifname \"%1$s\" drop\n"
		"\t}\n"
		/* The host's own processes: only root's open anything into a container (what
		 * no socket sends, the kernel's replies and errors, has no owner to match). */
		"\tchain output {\n"
		"\t\ttype filter hook output priority filter; policy accept;\n"
		"\t\toifname \"%1$s\" ct state established,related accept\n"
		"\t\toifname \"%1$s\" meta skuid != 0 drop\n"
		"\t}\n"
		"\tchain postrouting {\n"
		"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
		"\t\tip saddr %2$s/%3$u oifname != \"%1$s\" masquerade\n"
		"\t\tip6 saddr %5$s/64 oifname != \"%1$s\" masquerade\n"
		"\t}\n"
		"}\n"
		"table bridge warren {\n"
		"\tcomment \"" COMMENT_FORMAT "\"\n"
		"\tset ports { type ifname . ipv4_addr . ether_addr; }\n"
		"\tset ports6 { type ifname . ipv6_addr . ether_addr; }\n"
		/* The target address a neighbour advertisement of a port may name: hers
		 * (@th,64,128: nft 1.0.6 has no icmpv6 taddr). */
		"\tset nd_targets { typeof iifname . @th,64,128; }\n"
		/* Her MAC, as the link-layer address option of her neighbour solicitations
		 * and advertisements has it (@th,208,48): nft compares a raw field with a
		 * set of its own type only, not with ether saddr or set macs. */
		"\tset nd_lladdrs { typeof iifname . @th,208,48; }\n"
		"\tset macs { type ifname . ether_addr; }\n"
		/* The containers' ports by name, one element each (nft_member_commands), not
		 * by a pattern: a port named so on another bridge must lose nothing. */
		"\tset port_names { type ifname; }\n"
		"\tchain prerouting {\n"
		"\t\ttype filter hook prerouting priority filter; policy accept;\n"
		"\t\tiifname != @port_names accept\n"
		"\t\tiifname . ether saddr != @macs drop\n"
		"\t\tether type ip iifname . ip saddr . ether saddr @ports accept\n"
		"\t\tether type arp iifname . arp saddr ip . arp saddr ether @ports accept\n"
		/* IPv6 (none without an element of ports6: bridge.ipv6 = false): no router's
		 * messages, and no router solicitation (her kernel sends hers from her
		 * link-local address, which ports6 drops; the gateway would take its
		 * link-layer address), neighbour advertisements for her own address only,
		 * her source address.  meta l4proto and @th find ICMPv6 behind extension
		 * headers too. */
		"\t\ticmpv6 type { nd-router-solicit, nd-router-advert, nd-redirect } drop\n"
		"\t\ticmpv6 type nd-neighbor-advert iifname . @th,64,128 != @nd_targets drop\n"
		/* Her neighbour solicitations and advertisements name her own MAC only, as
		 * her ARP does (the gateway takes the link-layer address option into its
		 * entry for her address): no extension header (Linux sends none; the
		 * message's length is then the payload's), and no option but at most one, a
		 * link-layer address option (source or target, 8 bytes) naming her MAC.  nft
		 * cannot walk a list of options: a message with another, or more, is
		 * dropped; her kernel sends none such.  ICMPv6 by its number, 58: nft looks a
		 * protocol's name up in /etc/protocols, which a host without netbase lacks. */
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 nexthdr != 58 drop\n"
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 length != { 24, 32 } drop\n"
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 length 32 "
		"@th,192,16 != { 0x0101, 0x0201 } drop\n"
		"\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 length 32 "
		"iifname . @th,208,48 != @nd_lladdrs drop\n"
		"\t\tether type ip6 iifname . ip6 saddr . ether saddr @ports6 accept\n"
		"\t\tdrop\n"
		"\t}\n"
		"}\n",
		br, net, subnet->prefix, gw, net6, gw6);
	if (n < 0 || (size_t)n >= len || (m = limits_ruleset(br, buf + n, len - (size_t)n)) < 0)
		return -ENOSPC;
	n += m;
	/* The mark last, made anew: a chain that is there keeps its comment when added
	 * again with another. */
	m = snprintf(buf + n, len - (size_t)n, "add chain inet warren rules_version\n"
		     "delete chain inet warren rules_version\n"
		     "add chain inet warren rules_version { comment \"%s\"; }\n", mark);
	return m < 0 || (size_t)m >= len - (size_t)n ? -ENOSPC : 0;
}

/* Does chain NAME of table inet warren have comment COMMENT in CHAINS (what "list chains"
 * printed)?  And (into *TABLES, if not NULL) are tables bridge and arp warren there? */
static bool inet_chain_says(const char *chains, const char *name, const char *comment,
			    bool *tables)
{
	char want[RULES_MARK_MAX + 16];
	char family[16] = "", table[64] = "";
	bool marked = false, bridge_table = false, arp_table = false, in_warren = false;
	bool in_chain = false;
	size_t want_len, name_len = strlen(name);

	snprintf(want, sizeof(want), "comment \"%s\"", comment);
	want_len = strlen(want);
	for (const char *line = chains, *eol; *line; line = *eol ? eol + 1 : eol) {
		const char *t = line + strspn(line, "\t");

		eol = strchrnul(line, '\n');
		/* "table FAMILY NAME {" at the left, "chain NAME {" one tab in, then what the
		 * chain has.  The chain lines by hand: one sscanf for each container's chain
		 * of limits cost more than the listing. */
		if (t == line) {
			if (sscanf(line, "table %15s %63s {", family, table) != 2)
				family[0] = table[0] = '\0';
			in_warren = strcmp(family, "inet") == 0 && strcmp(table, "warren") == 0;
			in_chain = false;
			bridge_table |= strcmp(family, "bridge") == 0 && strcmp(table, "warren") == 0;
			arp_table |= strcmp(family, "arp") == 0 && strcmp(table, "warren") == 0;
		} else if (t == line + 1) {
			in_chain = in_warren && strncmp(t, "chain ", 6) == 0 &&
				   strncmp(t + 6, name, name_len) == 0 && t[6 + name_len] == ' ';
		} else if (in_chain && (size_t)(eol - t) == want_len &&
			   strncmp(t, want, want_len) == 0) {
			marked = true;
		}
	}
	if (tables)
		*tables = bridge_table && arp_table;
	return marked;
}

bool nft_chains_current(const char *chains, const char *bridge, const struct ipv4_subnet *subnet,
			const struct ipv6_addr *subnet6)
{
	char mark[RULES_MARK_MAX];
	bool tables;

	return inet_chain_says(chains, "rules_version", rules_mark(bridge, subnet, subnet6, mark),
			       &tables) && tables;
}

/* What a port passes up itself, as a device of the host's: a frame to 01:80:c2:00:00:0X
 * skips the bridge's prerouting hook (0E every bridge hook) and reaches the host's IP
 * stack and ARP with the port as its way in (not the bridge), where no rule of chain
 * input looks.  Dropped before anything else (raw, before conntrack), and ARP in a table
 * of its own (no other family sees it).  The ports are named in sets (one element per
 * container, nft_member_commands), not by a pattern: a host interface that merely looks
 * like one must lose nothing. */
#define PORTS_RULESET                                                                       \
	"table inet warren {\n"                                                             \
	"\tset port_names { type ifname; }\n"                                               \
	"\tchain from_ports {\n"                                                            \
	"\t\ttype filter hook prerouting priority raw; policy accept;\n"                   \
	"\t\tiifname @port_names drop\n"                                                    \
	"\t}\n"                                                                             \
	"}\n"                                                                               \
	"table arp warren {\n"                                                              \
	"\tset port_names { type ifname; }\n"                                               \
	"\tchain input {\n"                                                                 \
	"\t\ttype filter hook input priority filter; policy accept;\n"                     \
	"\t\tiifname @port_names drop\n"                                                    \
	"\t}\n"                                                                             \
	"}\n"

/* The elements of sets host_dns4 and host_dns6 for HOST_DNS (dns.h): the gateway's address
 * where the host's resolver serves containers, else none.  A change of the host's
 * nameservers changes these alone, at the next start: no rule, no other chain. */
static void host_dns_commands(const struct ipv4_subnet *subnet, const struct ipv6_addr *subnet6,
			      unsigned host_dns, char *buf, size_t len)
{
	char gw[16], gw6[IPV6_TEXT_MAX];
	struct ipv6_addr g6 = ipv6_subnet_gateway(subnet6);
	int n = snprintf(buf, len, "flush set inet warren host_dns4\nflush set inet warren host_dns6\n");

	ipv4_format(ipv4_subnet_gateway(subnet), gw, sizeof(gw));
	ipv6_format(&g6, gw6, sizeof(gw6));
	if (host_dns & DNS_HOST4)
		n += snprintf(buf + n, len - (size_t)n, "add element inet warren host_dns4 { %s }\n", gw);
	if (host_dns & DNS_HOST6)
		snprintf(buf + n, len - (size_t)n, "add element inet warren host_dns6 { %s }\n", gw6);
}

int nft_tables_commands(const char *bridge, const struct ipv4_subnet *subnet,
			const struct ipv6_addr *subnet6, unsigned host_dns, const struct egress *dest,
			enum nft_tables_found found, char **ret, char *ret_mark)
{
	_cleanup_free_ char *destinations = NULL, *text = NULL, *egress = NULL;
	char rules[8192] = "", dns[256], mark[NFT_DEST_MARK_MAX];
	int r;

	if (found != NFT_TABLES_CURRENT &&
	    (r = nft_ruleset(bridge, subnet, subnet6, rules, sizeof(rules))) < 0)
		return r;
	if ((r = nft_destinations_format(bridge, dest, &destinations)) < 0)
		return r;
	host_dns_commands(subnet, subnet6, host_dns, dns, sizeof(dns));
	if (asprintf(&egress, "%s%s", destinations, dns) < 0)
		return -ENOMEM;
	snprintf(mark, sizeof(mark), DEST_MARK_FORMAT, text_hash(egress));
	/* An older version's rules go first (a flush keeps the sets, so the running
	 * containers' elements stay; the destinations' own sets are made anew anyway); the
	 * arp table came with version 4.  Then the mark of what follows: the destinations,
	 * and which of the gateway's addresses take DNS. */
	if (asprintf(&text, "%s%s%sadd chain inet warren destinations_mark\n"
		     "delete chain inet warren destinations_mark\n"
		     "add chain inet warren destinations_mark { comment \"%s\"; }\n%s",
		     found == NFT_TABLES_OLDER ? "flush table inet warren\n"
		     "flush table bridge warren\nadd table arp warren\nflush table arp warren\n" : "",
		     rules, found != NFT_TABLES_CURRENT ? PORTS_RULESET : "", mark, egress) < 0)
		return -ENOMEM;
	if (ret_mark)
		snprintf(ret_mark, NFT_DEST_MARK_MAX, "%s", mark);
	*ret = TAKE_PTR(text);
	return 0;
}

int nft_port_names_commands(const char *macs, FILE *f)
{
	const char *p = strstr(macs, "elements = {"), *end;

	if (!p)
		return 0;
	end = strchrnul(p, '}');
	/* Each element's port is its first quoted string: after "{" or ",". */
	for (const char *q = p; (q = strchr(q, '"')) && q < end;) {
		size_t n = strcspn(q + 1, "\"");

		if (q[1 + n] != '"' || n == 0 || n >= 16)
			return -EBADMSG;
		fprintf(f, "add element bridge warren port_names { \"%1$.*2$s\" }\n"
			"add element inet warren port_names { \"%1$.*2$s\" }\n"
			"add element arp warren port_names { \"%1$.*2$s\" }\n", q + 1, (int)n);
		q = strchrnul(q + 2 + n, ',');
	}
	return 0;
}

/* MAC's 12 hex digits, as set nd_lladdrs takes it, into BUF (13 bytes). */
static const char *mac_hex(const uint8_t mac[6], char buf[13])
{
	snprintf(buf, 13, "%02x%02x%02x%02x%02x%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int nft_nd_lladdrs_commands(const char *ports6, FILE *f)
{
	const char *q = strstr(ports6, "elements = {");

	if (!q)
		return 0;
	/* Each element: "PORT" . ADDRESS . MAC, then "," or " }". */
	while ((q = strchr(q, '"'))) {
		size_t n = strcspn(q + 1, "\"");
		const char *end = q + 1 + n + strcspn(q + 1 + n, ",}"), *mac = end;
		uint8_t b[6];
		char hex[13];
		int used = 0;

		while (mac > q && *(mac - 1) == ' ')
			mac--;
		mac -= 17;
		if (q[1 + n] != '"' || n == 0 || n >= 16 || !*end || mac < q + 1 + n + 3 ||
		    strncmp(mac - 3, " . ", 3) != 0 ||
		    sscanf(mac, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &b[0], &b[1], &b[2], &b[3],
			   &b[4], &b[5], &used) != 6 || used != 17)
			return -EBADMSG;
		fprintf(f, "add element bridge warren nd_lladdrs { \"%.*s\" . 0x%s }\n", (int)n, q + 1,
			mac_hex(b, hex));
		if (*end == '}')
			break;
		q = end;
	}
	return 0;
}

/* For tables of an older version, whose rules go: the running containers' ports (in set
 * macs since version 1), put into the sets of port names that this version's rules
 * match them by, and the MACs of those with IPv6 (in set ports6 since version 7) into set
 * nd_lladdrs, in the same transaction; else their frames would pass the bridge
 * unchecked, or their neighbour discovery fail, until their next start.  Into *RET (free
 * it), "" if none. */
static int running_ports_upgrade(char **ret)
{
	_cleanup_free_ char *text = NULL, *out = NULL, *out6 = NULL;
	size_t size = 0;
	FILE *f;
	int r, r6;

	if ((r = run_all("list set bridge warren macs", &out, NULL, 0)) < 0 && r != -ENOENT)
		return r;
	if ((r6 = run_all("list set bridge warren ports6", &out6, NULL, 0)) < 0 && r6 != -ENOENT)
		return r6;
	if (!(f = open_memstream(&text, &size)))
		return -ENOMEM;
	r = r < 0 ? 0 : nft_port_names_commands(out, f);
	if (r == 0 && r6 == 0)
		r = nft_nd_lladdrs_commands(out6, f);
	if (fclose(f) != 0)
		return -ENOMEM;
	if (r < 0)
		return r;
	*ret = TAKE_PTR(text);
	return 0;
}

int nft_chains_list(char **ret)
{
	return run_all("list chains", ret, NULL, 0);
}

int nft_tables_ensure(const char *bridge, const struct ipv4_subnet *subnet,
		      const struct ipv6_addr *subnet6, unsigned host_dns, const struct egress *dest,
		      const char *chains, struct error *err)
{
	char net[16], want[160], out[8192], msg[512], mark[NFT_DEST_MARK_MAX];
	_cleanup_free_ char *text = NULL, *ports = NULL, *all = NULL, *listed = NULL;
	enum nft_tables_found found = NFT_TABLES_NONE;
	int r;

	ipv4_format(subnet->net, net, sizeof(net));
	snprintf(want, sizeof(want), "comment \"" COMMENT_FORMAT "\"", bridge, net, subnet->prefix);
	/* At every start, so cheap: the chains say whether the tables are this version's,
	 * for this bridge.  What else there is to know is read when they are not. */
	if (!chains && nft_chains_list(&listed) == 0)
		chains = listed;
	if (chains && nft_chains_current(chains, bridge, subnet, subnet6)) {
		found = NFT_TABLES_CURRENT;
	} else if (run("list table inet warren", out, sizeof(out), NULL, 0) == 0 &&
		   run("list table bridge warren", NULL, 0, NULL, 0) == 0) {
		if (!strstr(out, want))
			return error_set(err, -EEXIST, "warren's firewall was made for another bridge or "
					 "subnet than bridge = { name = \"%s\"; subnet = \"%s/%u\"; }; stop "
					 "every container, then delete its tables (nft delete table inet "
					 "warren; nft delete table bridge warren; nft delete table arp "
					 "warren) and the old bridge",
					 bridge, net, subnet->prefix);
		found = NFT_TABLES_OLDER;
	} else {
		/* One of the two alone is a remnant: make both anew. */
		(void)nft_tables_delete(NULL);
	}
	/* One transaction: no packet sees the tables without this version's rules, nor
	 * without where containers may not go. */
	if ((r = nft_tables_commands(bridge, subnet, subnet6, host_dns, dest, found, &text,
				     mark)) < 0)
		return error_errno(err, r, "the firewall rules do not fit");
	/* What the last start loaded (its mark says so): nothing to do. */
	if (found == NFT_TABLES_CURRENT && inet_chain_says(chains, "destinations_mark", mark, NULL))
		return 0;
	if (found == NFT_TABLES_OLDER && (r = running_ports_upgrade(&ports)) < 0)
		return error_errno(err, r, "cannot read the running containers' ports from warren's "
				   "firewall (set macs of table bridge warren)");
	if (asprintf(&all, "%s%s", text, ports ? ports : "") < 0)
		return error_errno(err, -ENOMEM, "the firewall rules do not fit");
	if (run(all, NULL, 0, msg, sizeof(msg)) < 0)
		return error_set(err, -EIO, "cannot load %s: %s", found == NFT_TABLES_CURRENT ?
				 "bridge.deny and bridge.allow into warren's firewall" :
				 "warren's nftables tables", msg);
	if (found == NFT_TABLES_OLDER)
		log_info("warren's nftables tables had the rules of an older version: replaced by "
			 "version %d's, the containers' set elements kept", NFT_RULES_VERSION);
	return 0;
}

/* The sets of nft_destinations_format: name, type, and which of E's lists, of which
 * family, go in. */
static const struct {
	const char *name, *type;
	int family;
	size_t list; /* 0 deny, 1 allow, 2 dns */
} dest_sets[] = {
	{ "deny4", "ipv4_addr", AF_INET, 0 },   { "deny6", "ipv6_addr", AF_INET6, 0 },
	{ "allow4", "ipv4_addr", AF_INET, 1 },  { "allow6", "ipv6_addr", AF_INET6, 1 },
	{ "dns4", "ipv4_addr", AF_INET, 2 },    { "dns6", "ipv6_addr", AF_INET6, 2 },
};

#define DEST_CHAIN "destinations { type filter hook forward priority filter - 1; policy accept; }"

int nft_destinations_format(const char *br, const struct egress *e, char **ret)
{
	const struct cidr *lists[] = { e->deny, e->allow, e->dns };
	size_t counts[] = { e->n_deny, e->n_allow, e->n_dns };
	_cleanup_free_ char *text = NULL;
	char net[CIDR_TEXT_MAX];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return -ENOMEM;
	/* What there is goes (made first if missing: deleting what is not there fails), and
	 * comes back anew: one transaction, so no packet sees it half made. */
	fprintf(f, "add chain inet warren " DEST_CHAIN "\ndelete chain inet warren destinations\n");
	for (size_t i = 0; i < ELEMENTSOF(dest_sets); i++)
		fprintf(f, "add set inet warren %1$s { type %2$s; flags interval; }\n"
			"delete set inet warren %1$s\n", dest_sets[i].name, dest_sets[i].type);
	fprintf(f, "table inet warren {\n");
	for (size_t i = 0; i < ELEMENTSOF(dest_sets); i++) {
		const char *sep = " elements = { ";
		bool any = false;

		fprintf(f, "\tset %s { type %s; flags interval; auto-merge;", dest_sets[i].name,
			dest_sets[i].type);
		for (size_t j = 0; j < counts[dest_sets[i].list]; j++) {
			const struct cidr *c = &lists[dest_sets[i].list][j];

			if (c->family != dest_sets[i].family)
				continue;
			fprintf(f, "%s%s", sep, cidr_format(c, net, sizeof(net)));
			sep = ", ";
			any = true;
		}
		fprintf(f, "%s }\n", any ? " }" : "");
	}
	fprintf(f,
		"\tchain destinations {\n"
		"\t\ttype filter hook forward priority filter - 1; policy accept;\n"
		"\t\tiifname != \"%1$s\" accept\n"
		"\t\toifname \"%1$s\" accept\n"
		"\t\tip daddr @allow4 accept\n"
		"\t\tip6 daddr @allow6 accept\n"
		"\t\tip daddr @dns4 udp dport 53 accept\n"
		"\t\tip daddr @dns4 tcp dport 53 accept\n"
		"\t\tip6 daddr @dns6 udp dport 53 accept\n"
		"\t\tip6 daddr @dns6 tcp dport 53 accept\n"
		"\t\tip daddr @deny4 drop\n"
		"\t\tip6 daddr @deny6 drop\n"
		"\t}\n"
		"}\n", br);
	if (fclose(f) != 0)
		return -ENOMEM;
	*ret = TAKE_PTR(text);
	return 0;
}

int nft_tables_delete(struct error *err)
{
	char msg[512];

	(void)run("delete table bridge warren", NULL, 0, NULL, 0);
	(void)run("delete table arp warren", NULL, 0, NULL, 0);
	if (run("delete table inet warren", NULL, 0, msg, sizeof(msg)) < 0 &&
	    run("list table inet warren", NULL, 0, NULL, 0) == 0)
		return err ? error_set(err, -EIO, "cannot delete warren's nftables tables: %s", msg) : -EIO;
	return 0;
}

const char *nft_limits_chain(const struct nft_member *m, char *buf, size_t len)
{
	snprintf(buf, len, "limits_%s", m->port);
	return buf;
}

/* M's chain of limits and its element of map net_limits, one command per line, into BUF:
 * VERB "add" makes the chain anew (flushed: one left from before starts from nothing),
 * then the element that sends her there; "delete" removes the element first (it refers
 * to the chain), then the chain.  How much it wrote, or -ENOSPC. */
static int limits_commands(const struct nft_member *m, const char *verb, char *buf, size_t len)
{
	char addr[16], chain[32], addr6[IPV6_TEXT_MAX], six[128] = "";
	int n = 0;

	ipv4_format(m->addr, addr, sizeof(addr));
	ipv6_format(&m->addr6, addr6, sizeof(addr6));
	nft_limits_chain(m, chain, sizeof(chain));
	/* Her IPv6 address goes to the same chain: one count of both families. */
	if (m->has6 && strcmp(verb, "add") != 0)
		snprintf(six, sizeof(six), "delete element inet warren net_limits6 { %s }\n", addr6);
	else if (m->has6)
		snprintf(six, sizeof(six), "add element inet warren net_limits6 { %s : jump %s }\n",
			 addr6, chain);
	if (strcmp(verb, "add") != 0)
		n = snprintf(buf, len, "delete element inet warren net_limits { %2$s }\n%3$s"
			     "flush chain inet warren %1$s; delete chain inet warren %1$s\n", chain,
			     addr, six);
	else if (m->conns && m->rate)
		n = snprintf(buf, len,
			     "add chain inet warren %1$s\n"
			     "flush chain inet warren %1$s\n"
			     "add rule inet warren %1$s limit rate over %2$" PRIu32 "/second burst %2$"
			     PRIu32 " packets counter drop comment \"net_rate\"\n"
			     "add rule inet warren %1$s ct count over %3$" PRIu32
			     " counter drop comment \"net_conns\"\n"
			     "add element inet warren net_limits { %4$s : jump %1$s }\n%5$s",
			     chain, m->rate, m->conns, addr, six);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

int nft_member_commands(const struct nft_member *m, const char *verb, char *buf, size_t len)
{
	char addr[16], mac[18], port[32], addr6[IPV6_TEXT_MAX], hex6[33], machex[13];
	size_t o = 0;
	int n;

#define APPEND(...)                                                                         \
	do {                                                                                \
		n = snprintf(buf + o, len - o, __VA_ARGS__);                                \
		if (n < 0 || (size_t)n >= len - o)                                          \
			return -ENOSPC;                                                     \
		o += (size_t)n;                                                             \
	} while (0)

	ipv4_format(m->addr, addr, sizeof(addr));
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m->mac[0], m->mac[1], m->mac[2],
		 m->mac[3], m->mac[4], m->mac[5]);
	APPEND("%1$s element bridge warren ports { \"%2$s\" . %3$s . %4$s }\n"
	       "%1$s element bridge warren macs { \"%2$s\" . %4$s }\n", verb, m->port, addr, mac);
	APPEND("%1$s element bridge warren port_names { \"%2$s\" }\n"
	       "%1$s element inet warren port_names { \"%2$s\" }\n"
	       "%1$s element arp warren port_names { \"%2$s\" }\n", verb, m->port);
	ipv6_format(&m->addr6, addr6, sizeof(addr6));
	if (m->has6)
		APPEND("%1$s element bridge warren ports6 { \"%2$s\" . %3$s . %4$s }\n"
		       "%1$s element bridge warren nd_targets { \"%2$s\" . 0x%5$s }\n"
		       "%1$s element bridge warren nd_lladdrs { \"%2$s\" . 0x%6$s }\n", verb, m->port,
		       addr6, mac, ipv6_hex(&m->addr6, hex6, sizeof(hex6)), mac_hex(m->mac, machex));
	/* Each of her addresses: the IPv4 one, and the IPv6 one if she has it. */
	for (int six = 0; six <= (int)m->has6; six++) {
		const char *a = six ? addr6 : addr, *f = six ? "6" : "";

		if (m->isolated)
			APPEND("%s element inet warren isolated%s { %s }\n", verb, f, a);
		for (unsigned i = 0; m->isolated && i < m->ports.n && i < PORTS_MAX; i++)
			APPEND("%s element inet warren isolated_ports%s { %s . %s }\n", verb, f, a,
			       port_range_nft(&m->ports.v[i], port, sizeof(port)));
		if (m->peer_group)
			APPEND("%1$s element inet warren peer_group%4$s { %2$s : 0x%3$x }\n"
			       "%1$s element inet warren peer_member%4$s { %2$s . 0x%3$x }\n",
			       verb, a, m->peer_group, f);
	}
#undef APPEND
	return limits_commands(m, verb, buf + o, len - o) < 0 ? -ENOSPC : 0;
}

/* Room for every element of a member: a few lines, her chain of limits, and one per
 * port. */
#define MEMBER_CMD_MAX (3072 + PORTS_MAX * 2 * 128)

/* The sets of table inet warren whose elements are keyed by a container's address. */
static const char *const addr_sets[] = { "isolated", "isolated_ports", "peer_group",
					 "peer_member", "net_limits" };

int nft_purge_commands(const char *set, const char *listing, const char *a, FILE *f)
{
	const char *p = strstr(listing, "elements = {");
	char elem[128];
	size_t alen = strlen(a);

	if (!p)
		return 0;
	p += strlen("elements = {");
	/* Elements are separated by commas, the last one ends at "}". */
	while (*p && *p != '}') {
		size_t n = strcspn(p, ",}");
		char *key, *end;

		snprintf(elem, sizeof(elem), "%.*s", (int)(n < sizeof(elem) ? n : sizeof(elem) - 1), p);
		p += n;
		if (*p == ',')
			p++;
		key = elem + strspn(elem, " \t\n");
		/* A map's key ends at " : "; trailing blanks go. */
		if ((end = strstr(key, " : ")))
			*end = '\0';
		for (end = key + strlen(key); end > key && strchr(" \t\n", end[-1]); end--)
			end[-1] = '\0';
		if (strncmp(key, a, alen) == 0 && (key[alen] == '\0' || key[alen] == ' '))
			fprintf(f, "delete element inet warren %s { %s }\n", set, key);
	}
	return 0;
}

/* The commands that delete whatever elements of table inet warren are keyed by M's
 * address, left by an earlier container on it (a stop whose deletes failed, a record
 * lost): into *RET (free it), "" if none.  Added anew over them, a different peer group
 * or isolated_ports would clash with them ("File exists"), an old one stay. */
static int purge_commands(const struct nft_member *m, char **ret)
{
	_cleanup_free_ char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	char cmd[96], set[32], addr[16], addr6[IPV6_TEXT_MAX];

	if (!f)
		return -ENOMEM;
	ipv4_format(m->addr, addr, sizeof(addr));
	ipv6_format(&m->addr6, addr6, sizeof(addr6));
	/* Each set, and its IPv6 twin (named with a 6) where she has an IPv6 address. */
	for (size_t i = 0; i < 2 * ELEMENTSOF(addr_sets); i++) {
		_cleanup_free_ char *out = NULL;
		bool six = i >= ELEMENTSOF(addr_sets);
		const char *name = addr_sets[i % ELEMENTSOF(addr_sets)];

		if (six && !m->has6)
			break;
		snprintf(set, sizeof(set), "%s%s", name, six ? "6" : "");
		snprintf(cmd, sizeof(cmd), "list %s inet warren %s",
			 strcmp(name, "peer_group") == 0 || strcmp(name, "net_limits") == 0 ? "map" : "set",
			 set);
		/* Tables of an older version may lack a set: nothing of hers in it.  The
		 * listing whole: an element cut short would not be deleted. */
		if (run_all(cmd, &out, NULL, 0) == 0)
			(void)nft_purge_commands(set, out, six ? addr6 : addr, f);
	}
	if (fclose(f) != 0)
		return -ENOMEM;
	*ret = TAKE_PTR(text);
	return 0;
}

int nft_member_add(const struct nft_member *m, bool leftovers, struct error *err)
{
	char cmd[MEMBER_CMD_MAX], msg[512];
	_cleanup_free_ char *purge = NULL, *text = NULL;
	int r;

	if ((r = nft_member_commands(m, "add", cmd, sizeof(cmd))) < 0)
		return error_errno(err, r, "the firewall elements of %s do not fit", m->port);
	if ((leftovers && (r = purge_commands(m, &purge)) < 0) ||
	    asprintf(&text, "%s%s", purge ? purge : "", cmd) < 0)
		return error_errno(err, r < 0 ? r : -ENOMEM, "cannot make room for %s in warren's "
				   "firewall", m->port);
	/* One transaction: the old elements go as hers come. */
	if (run(text, NULL, 0, msg, sizeof(msg)) < 0)
		return error_set(err, -EIO, "cannot add %s to warren's firewall: %s", m->port, msg);
	return 0;
}

int nft_member_del(const struct nft_member *m)
{
	char cmd[MEMBER_CMD_MAX], one[256];
	int ret = 0, r;

	/* One command at a time: an element already gone (-ENOENT: a container without
	 * limits has no chain of them) must not keep the others. */
	if (nft_member_commands(m, "delete", cmd, sizeof(cmd)) < 0)
		return -ENOSPC;
	for (char *line = strtok(cmd, "\n"); line; line = strtok(NULL, "\n")) {
		snprintf(one, sizeof(one), "%s", line);
		if ((r = run(one, NULL, 0, NULL, 0)) < 0 && r != -ENOENT)
			ret = r;
	}
	return ret;
}

int nft_limit_hits_parse(const char *text, struct nft_limit_hits *ret)
{
	struct nft_limit_hits h = { 0 };
	bool conns = false, rate = false;

	for (const char *line = text, *eol; *line; line = *eol ? eol + 1 : eol) {
		const char *c = strstr(line, "counter packets "), *p;
		unsigned long long packets;
		unsigned v;

		eol = strchrnul(line, '\n');
		if (!c || c > eol || sscanf(c, "counter packets %llu", &packets) != 1)
			continue;
		if ((p = strstr(line, "limit rate over ")) && p < eol &&
		    sscanf(p, "limit rate over %u/second", &v) == 1) {
			h.rate = packets;
			h.rate_max = v;
			rate = true;
		} else if ((p = strstr(line, "ct count over ")) && p < eol &&
			   sscanf(p, "ct count over %u", &v) == 1) {
			h.conns = packets;
			h.conns_max = v;
			conns = true;
		}
	}
	if (!conns && !rate)
		return -ENODATA;
	if (!conns || !rate)
		return -EBADMSG;
	*ret = h;
	return 0;
}

int nft_limit_hits(const struct nft_member *m, struct nft_limit_hits *ret)
{
	char cmd[96], chain[32], out[2048];
	int r;

	snprintf(cmd, sizeof(cmd), "list chain inet warren %s",
		 nft_limits_chain(m, chain, sizeof(chain)));
	if ((r = run(cmd, out, sizeof(out), NULL, 0)) < 0)
		return r; /* -ENOENT: no such chain; -EIO: nft failed */
	r = nft_limit_hits_parse(out, ret);
	return r == -ENODATA ? r : r < 0 ? -EIO : 0;
}

int nft_forward_blocker(const char *chains, char *buf, size_t len)
{
	_cleanup_free_ char *out = NULL;
	char family[16] = "", table[64] = "", chain[64] = "";
	bool warren = false;

	/* The chains alone (their hook and policy), not the rules: the ruleset is each
	 * container's elements and chain of limits too. */
	if (!chains && nft_chains_list(&out) < 0)
		return -ENOENT;
	for (const char *line = chains ? chains : out, *eol; *line; line = *eol ? eol + 1 : eol) {
		const char *t = line + strspn(line, " \t");

		eol = strchrnul(line, '\n');
		if (strncmp(t, "table ", 6) == 0) {
			if (sscanf(t, "table %15s %63s", family, table) != 2)
				family[0] = table[0] = '\0';
			warren = strcmp(table, "warren") == 0;
			chain[0] = '\0';
		} else if (warren) {
			continue; /* warren's own, each container's chain of limits among them */
		} else if (strncmp(t, "chain ", 6) == 0) {
			snprintf(chain, sizeof(chain), "%.*s", (int)strcspn(t + 6, " \n"), t + 6);
		} else if (memmem(t, (size_t)(eol - t), "hook forward", 12) &&
			   memmem(t, (size_t)(eol - t), "policy drop", 11)) {
			snprintf(buf, len, "%s %s %s", family, table, chain);
			return 0;
		}
	}
	return -ENOENT;
}
