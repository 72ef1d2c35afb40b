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
#include "lib/ipv4.h"

#define DNS_MAX 3 /* what the C library reads */

int resolv_parse(const char *text, uint32_t *addrs, int max, char *search, size_t search_len)
{
	int n = 0;

	if (search_len)
		search[0] = '\0';
	for (const char *p = text, *eol; *p; p = *eol ? eol + 1 : eol) {
		char word[64], value[256];
		uint32_t a;

		eol = strchrnul(p, '\n');
		if (sscanf(p, "%63s %255[^\n]", word, value) != 2)
			continue;
		if (!strcmp(word, "nameserver") && n < max && ipv4_parse(strtok(value, " \t"), &a) == 0)
			addrs[n++] = a;
		else if (!strcmp(word, "search") && search_len)
			snprintf(search, search_len, "%s", value);
	}
	return n;
}

static bool is_loopback(uint32_t a)
{
	return (a >> 24) == 127;
}

/* Is A one of this host's addresses (in our network namespace)?  Binding tells. */
static bool is_local(uint32_t a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(a) };
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return s >= 0 && bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0;
}

/* The nameservers of a resolv.conf at PATH that are not on loopback. */
static int from_file(const char *path, uint32_t *addrs, char *search, size_t search_len)
{
	char text[8192], s[256];
	uint32_t all[DNS_MAX];
	int n, k = 0;

	if (read_file(path, text, sizeof(text)) < 0)
		return 0;
	n = resolv_parse(text, all, DNS_MAX, s, sizeof(s));
	for (int i = 0; i < n; i++)
		if (!is_loopback(all[i]))
			addrs[k++] = all[i];
	if (k > 0)
		snprintf(search, search_len, "%s", s);
	return k;
}

int dns_resolv_conf(char *const *configured, uint32_t gateway, char *buf, size_t len,
		    bool *ret_host_dns, const char **ret_from)
{
	uint32_t addrs[DNS_MAX];
	char search[256] = "", a[16];
	size_t o = 0;
	int n = 0;

	if (configured && configured[0]) {
		for (; *configured && n < DNS_MAX; configured++)
			if (ipv4_parse(*configured, &addrs[n]) == 0)
				n++;
		*ret_from = "bridge.dns";
	} else if ((n = from_file("/etc/resolv.conf", addrs, search, sizeof(search))) > 0) {
		*ret_from = "the host's /etc/resolv.conf";
	} else if ((n = from_file("/run/systemd/resolve/resolv.conf", addrs, search, sizeof(search))) > 0) {
		*ret_from = "systemd-resolved's upstream list, /run/systemd/resolve/resolv.conf";
	} else {
		*ret_from = "nowhere: the host has no nameserver a container can reach; set bridge.dns";
	}
	*ret_host_dns = false;
	if (search[0])
		o += (size_t)snprintf(buf + o, len - o, "search %s\n", search);
	for (int i = 0; i < n && o < len; i++) {
		if (addrs[i] == gateway || is_local(addrs[i])) {
			addrs[i] = gateway;
			*ret_host_dns = true;
		}
		o += (size_t)snprintf(buf + o, len - o, "nameserver %s\n",
				      ipv4_format(addrs[i], a, sizeof(a)));
	}
	if (o == 0)
		snprintf(buf, len, "# warren: no nameserver for containers (see bridge.dns)\n");
	return n;
}
