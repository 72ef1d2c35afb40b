/* dnsprobe.c - a container's resolv.conf as the helper would write it (net/dns.h), for
 * tests/e2e/99-dns-own-addresses.sh, in the network namespace it runs in (the test's,
 * playing the host's):
 *
 *   dnsprobe ADDRESS...    bridge.dns = [ ADDRESS... ], behind the default bridge's
 *                          gateways (10.213.0.1, fd77:6172:7265:6e00::1, bridge.ipv6 on):
 *                          prints the resolv.conf, then "host_dns4" and "host_dns6" when
 *                          the host serves DNS at that gateway (one of them was its own)
 *
 * Exit 1 when no address is usable. */
#include <stdio.h>

#include "lib/ipv6.h"
#include "net/dns.h"

int main(int argc, char **argv)
{
	struct ipv6_addr net6, gw6;
	const char *from = NULL;
	unsigned host_dns = 0;
	char buf[1024];
	int n;

	if (argc < 2 || ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &net6) < 0) {
		fprintf(stderr, "usage: dnsprobe ADDRESS...\n");
		return 2;
	}
	gw6 = ipv6_subnet_gateway(&net6);
	n = dns_resolv_conf(argv + 1, 0x0ad50001, &gw6, buf, sizeof(buf), &host_dns, &from);
	fputs(buf, stdout);
	if (host_dns & DNS_HOST4)
		puts("host_dns4");
	if (host_dns & DNS_HOST6)
		puts("host_dns6");
	return n > 0 ? 0 : 1;
}
