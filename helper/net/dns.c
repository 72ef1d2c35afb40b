/* dns.c - a container's nameservers (see dns.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "net/dns.h"
#include "lib/fsutil.h"
#include "lib/log.h"
#include "net/netlink.h"

/* How much of S's first N bytes to keep within MAX: all of them, or the whole words (blank
 * separated) that fit, never part of one. */
static size_t whole_words(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && s[max] != ' ' && s[max] != '\t')
		max--;
	while (max > 0 && (s[max - 1] == ' ' || s[max - 1] == '\t'))
		max--;
	return max;
}

int resolv_parse(const char *text, struct nameserver *ns, int max, char *search, size_t search_len)
{
	int n = 0;

	if (search_len)
		search[0] = '\0';
	for (const char *p = text, *eol; *p; p = *eol ? eol + 1 : eol) {
		char line[512], word[64], *value, *addr, *zone;
		size_t len;

		eol = strchrnul(p, '\n');
		/* The line alone: sscanf on the rest of the text would read past a blank
		 * line's end into the next (counting a nameserver twice, taking "search" with
		 * nothing after it for the next line).  A longer one than ours (a search list:
		 * glibc reads any length) keeps the whole words that fit. */
		len = whole_words(p, (size_t)(eol - p), sizeof(line) - 1);
		memcpy(line, p, len);
		line[len] = '\0';
		if (sscanf(line, "%63s", word) != 1)
			continue;
		value = strstr(line, word) + strlen(word);
		value += strspn(value, " \t");
		if (!*value)
			continue;
		if (!strcmp(word, "nameserver") && n < max) {
			addr = strtok(value, " \t");
			/* A link-local address names its link: kept as fe80::/10, which
			 * nameserver_usable refuses, rather than lost without a trace. */
			if (addr && (zone = strchr(addr, '%')))
				*zone = '\0';
			if (nameserver_parse(addr, &ns[n]) == 0)
				n++;
		} else if (!strcmp(word, "search") && search_len) {
			snprintf(search, search_len, "%.*s",
				 (int)whole_words(value, strlen(value), search_len - 1), value);
		}
	}
	return n;
}

bool nameserver_usable(const struct nameserver *ns, bool ipv6)
{
	/* Not loopback (hers, not the host's), not link-local (the host's %zone, a link no
	 * container shares), nothing that is no nameserver's address (bind() takes
	 * 0.0.0.0 and a multicast one, so host_has would call them the host's own). */
	return nameserver_kind(ns) == NAMESERVER_UNICAST && (ns->family == AF_INET || ipv6);
}

struct own_search {
	const struct nameserver *ns;
	bool found;
};

static void own_cb(int ifindex, int family, const void *addr, unsigned prefix, void *data)
{
	struct own_search *o = data;

	if (family == o->ns->family && !memcmp(addr, o->ns->addr, family == AF_INET ? 4 : 16))
		o->found = true;
}

/* Is NS one of this host's addresses (in our network namespace, the host's)?  The kernel
 * tells: an address of one of its links (the list has tentative ones too: an IPv6 address
 * during DAD, as after a link flap, is the host's all the same), or one its routes call
 * local (127.0.0.0/8, an "AnyIP" range).  Not bind(): with net.ipv{4,6}.ip_nonlocal_bind
 * it takes any address, and it refuses a tentative one.  What cannot be asked is taken as
 * another host's, and logged. */
static bool host_has(const struct nameserver *ns)
{
	struct own_search o = { .ns = ns };
	char a[INET6_ADDRSTRLEN];
	struct nl nl = { 0 };
	int r;

	if ((r = nl_open(&nl)) == 0 && (r = nl_addr_each(&nl, ns->family, own_cb, &o)) == 0 &&
	    !o.found && (r = nl_route_local(&nl, ns->family, ns->addr)) > 0)
		o.found = true;
	nl_close(&nl);
	if (r < 0)
		log_warning(r, "cannot ask the kernel whether nameserver %s is this host's own: "
			    "taken as another host's", inet_ntop(ns->family, ns->addr, a, sizeof(a)));
	return o.found;
}

/* Is NS one of the K in LIST? */
static bool nameserver_in(const struct nameserver *ns, const struct nameserver *list, int k)
{
	for (int j = 0; j < k; j++)
		if (list[j].family == ns->family && !memcmp(list[j].addr, ns->addr, 16))
			return true;
	return false;
}

int dns_pick(const struct nameserver *all, int n, bool ipv6, struct nameserver *ns, int max)
{
	int k = 0;

	for (int i = 0; i < n && k < max; i++)
		if (nameserver_usable(&all[i], ipv6) && !nameserver_in(&all[i], ns, k))
			ns[k++] = all[i];
	return k;
}

/* The usable nameservers of a resolv.conf at PATH (distinct, DNS_CANDIDATES at most), and
 * its search line. */
static int from_file(const char *path, bool ipv6, struct nameserver *ns, char *search,
		     size_t search_len)
{
	char text[8192], s[256];
	struct nameserver all[DNS_CANDIDATES];
	int k;

	if (read_file(path, text, sizeof(text)) < 0)
		return 0;
	k = dns_pick(all, resolv_parse(text, all, (int)ELEMENTSOF(all), s, sizeof(s)), ipv6, ns,
		     DNS_CANDIDATES);
	if (k > 0)
		snprintf(search, search_len, "%s", s);
	return k;
}

void dns_resolv_text(const struct nameserver *ns, int n, const char *search, uint32_t gateway,
		     const struct ipv6_addr *gateway6, bool (*is_local)(const struct nameserver *),
		     char *buf, size_t len, unsigned *ret_host_dns)
{
	struct nameserver out[DNS_MAX];
	char a[INET6_ADDRSTRLEN];
	uint32_t gw = htonl(gateway);
	size_t o = 0;
	int k = 0;

	*ret_host_dns = 0;
	if (search && search[0])
		o += (size_t)snprintf(buf + o, len - o, "search %s\n", search);
	/* The cap counts what is written: the host's own are the gateway's by then, so
	 * that two of them take one slot, and a third server still gets hers. */
	for (int i = 0; i < n && k < DNS_MAX && o < len; i++) {
		struct nameserver s = ns[i];
		bool v4 = s.family == AF_INET;

		if (!v4 && !gateway6)
			continue;
		if (v4 ? !memcmp(s.addr, &gw, 4) : !memcmp(s.addr, gateway6->b, 16)) {
			*ret_host_dns |= v4 ? DNS_HOST4 : DNS_HOST6;
		} else if (is_local(&s)) {
			memset(s.addr, 0, sizeof(s.addr));
			memcpy(s.addr, v4 ? (const void *)&gw : gateway6->b, v4 ? 4 : 16);
			*ret_host_dns |= v4 ? DNS_HOST4 : DNS_HOST6;
		}
		if (nameserver_in(&s, out, k))
			continue;
		out[k++] = s;
		o += (size_t)snprintf(buf + o, len - o, "nameserver %s\n",
				      inet_ntop(s.family, s.addr, a, sizeof(a)));
	}
	if (o == 0)
		snprintf(buf, len, "# warren: no nameserver for containers (see bridge.dns)\n");
}

int dns_resolv_conf(char *const *configured, uint32_t gateway, const struct ipv6_addr *gateway6,
		    char *buf, size_t len, unsigned *ret_host_dns, const char **ret_from)
{
	struct nameserver ns[DNS_CANDIDATES], one;
	char search[256] = "";
	int n = 0;

	if (configured && configured[0]) {
		/* The config checked each; an IPv6 one counts only with bridge.ipv6. */
		for (; *configured && n < DNS_CANDIDATES; configured++)
			if (nameserver_parse(*configured, &one) == 0 &&
			    (one.family == AF_INET || gateway6))
				ns[n++] = one;
		*ret_from = "bridge.dns";
	} else if ((n = from_file("/etc/resolv.conf", gateway6 != NULL, ns, search, sizeof(search))) > 0) {
		*ret_from = "the host's /etc/resolv.conf";
	} else if ((n = from_file("/run/systemd/resolve/resolv.conf", gateway6 != NULL, ns, search,
				  sizeof(search))) > 0) {
		*ret_from = "systemd-resolved's upstream list, /run/systemd/resolve/resolv.conf";
	} else {
		*ret_from = "nowhere: the host has no nameserver a container can reach; set bridge.dns";
	}
	dns_resolv_text(ns, n, search, gateway, gateway6, host_has, buf, len, ret_host_dns);
	return n;
}
