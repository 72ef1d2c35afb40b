/* test_dns.c - a container's nameservers (dns.h): resolv.conf's nameservers parsed, IPv4
 * and IPv6; what a container cannot use left out (loopback, link-local with its zone, IPv6
 * without bridge.ipv6) before the first three are taken, in the file's order; the host's
 * own addresses become the gateway's, IPv4 or IPv6, and say so; bridge.dns's IPv6
 * addresses checked by the config; what is no nameserver's address refused, an
 * IPv4-mapped one taken as the IPv4 address it maps (lib/nameserver.h). */
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "lib/cleanup.h"
#include "lib/ipv6.h"
#include "net/dns.h"
#include "policy/config.h"

/* The host of these tests: 10.99.0.1, 10.99.0.2 and 2001:db8:99::1 are its own addresses. */
static bool fake_local(const struct nameserver *ns)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(ns->family, ns->addr, a, sizeof(a));
	return !strcmp(a, "10.99.0.1") || !strcmp(a, "10.99.0.2") || !strcmp(a, "2001:db8:99::1");
}

static const char host_resolv[] =
	"# a comment\n"
	"search lab.example example\n"
	"nameserver ::1\n"
	"nameserver fe80::1%eth0\n"
	"nameserver 127.0.0.53\n"
	"nameserver dns.example\n"
	"nameserver 2001:db8:99::1\n"
	"nameserver 10.99.0.1\n"
	"nameserver 2001:db8:100::53   # trailing words\n"
	"nameserver 198.51.100.53\n"
	"options edns0\n";

static void format(const struct nameserver *ns, int n, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "",
				      inet_ntop(ns[i].family, ns[i].addr, a, sizeof(a)));
}

static void test_parse(void **state)
{
	struct nameserver all[16], one;
	char search[64], text[256];
	int n = resolv_parse(host_resolv, all, 16, search, sizeof(search));

	/* Both families, the link-local one without its zone; a name is no address. */
	format(all, n, text, sizeof(text));
	assert_string_equal(text, "::1 fe80::1 127.0.0.53 2001:db8:99::1 10.99.0.1 2001:db8:100::53 "
			    "198.51.100.53");
	assert_string_equal(search, "lab.example example");
	assert_int_equal(resolv_parse(host_resolv, all, 2, search, sizeof(search)), 2);
	assert_int_equal(nameserver_parse("2001:db8::53", &one), 0);
	assert_int_equal(one.family, AF_INET6);
	assert_int_equal(nameserver_parse("192.0.2.53", &one), 0);
	assert_int_equal(one.family, AF_INET);
	assert_int_equal(nameserver_parse("fe80::1%eth0", &one), -EINVAL);
	assert_int_equal(nameserver_parse("192.0.2", &one), -EINVAL);
}

/* The first three usable, in the file's order; IPv6 ones only with bridge.ipv6. */
static void test_pick(void **state)
{
	struct nameserver all[16], ns[DNS_MAX];
	char search[64], text[256];
	int n = resolv_parse(host_resolv, all, 16, search, sizeof(search));

	format(ns, dns_pick(all, n, true, ns, DNS_MAX), text, sizeof(text));
	assert_string_equal(text, "2001:db8:99::1 10.99.0.1 2001:db8:100::53");
	format(ns, dns_pick(all, n, false, ns, DNS_MAX), text, sizeof(text));
	assert_string_equal(text, "10.99.0.1 198.51.100.53");
	assert_int_equal(dns_pick(all, 3, true, ns, DNS_MAX), 0); /* ::1, fe80::1, 127.0.0.53 */
}

static void test_resolv_text(void **state)
{
	struct nameserver all[16], ns[DNS_MAX];
	struct ipv6_addr net6, gw6;
	char search[64], buf[512];
	unsigned host_dns;
	int n = resolv_parse(host_resolv, all, 16, search, sizeof(search));

	assert_int_equal(ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &net6), 0);
	gw6 = ipv6_subnet_gateway(&net6);
	/* The host's own addresses become the gateway's, each family its own. */
	dns_resolv_text(ns, dns_pick(all, n, true, ns, DNS_MAX), search, 0x0ad50001, &gw6,
			fake_local, buf, sizeof(buf), &host_dns);
	assert_string_equal(buf, "search lab.example example\n"
				 "nameserver fd77:6172:7265:6e00::1\n"
				 "nameserver 10.213.0.1\n"
				 "nameserver 2001:db8:100::53\n");
	assert_int_equal(host_dns, DNS_HOST4 | DNS_HOST6);
	/* Without bridge.ipv6: no IPv6 nameserver, none on the IPv6 gateway. */
	dns_resolv_text(ns, dns_pick(all, n, false, ns, DNS_MAX), search, 0x0ad50001, NULL,
			fake_local, buf, sizeof(buf), &host_dns);
	assert_string_equal(buf, "search lab.example example\n"
				 "nameserver 10.213.0.1\n"
				 "nameserver 198.51.100.53\n");
	assert_int_equal(host_dns, DNS_HOST4);
	/* IPv6 alone, one of them the gateway's own address already, one the host's: written
	 * once; an IPv4 one that is not the host's: no DNS to the IPv4 gateway. */
	assert_int_equal(nameserver_parse("fd77:6172:7265:6e00::1", &ns[0]), 0);
	assert_int_equal(nameserver_parse("2001:db8:99::1", &ns[1]), 0);
	assert_int_equal(nameserver_parse("192.0.2.53", &ns[2]), 0);
	dns_resolv_text(ns, 3, "", 0x0ad50001, &gw6, fake_local, buf, sizeof(buf), &host_dns);
	assert_string_equal(buf, "nameserver fd77:6172:7265:6e00::1\n"
				 "nameserver 192.0.2.53\n");
	assert_int_equal(host_dns, DNS_HOST6);
	/* IPv6 ones only, bridge.ipv6 off: nothing, and a line that says so. */
	dns_resolv_text(ns, 2, "", 0x0ad50001, NULL, fake_local, buf, sizeof(buf), &host_dns);
	assert_string_equal(buf, "# warren: no nameserver for containers (see bridge.dns)\n");
	assert_int_equal(host_dns, 0);
}

/* Each line by itself (review 29, finding 4): a blank line does not make the next one
 * count twice, "search" alone takes no next line, nor "nameserver" alone the address on
 * the next; duplicates take no slot of the three, nor do two of the host's own (both are
 * the gateway's), so a third server is not lost. */
static void test_lines(void **state)
{
	struct nameserver all[DNS_CANDIDATES], ns[DNS_CANDIDATES];
	struct ipv6_addr net6, gw6;
	char search[64], text[256], buf[512], long_line[700];
	unsigned host_dns;
	int n;

	n = resolv_parse("nameserver 192.0.2.1\n\nnameserver 192.0.2.2\n\nnameserver 192.0.2.3\n"
			 "nameserver 192.0.2.4\n", all, DNS_CANDIDATES, search, sizeof(search));
	format(all, n, text, sizeof(text));
	assert_string_equal(text, "192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4");
	format(ns, dns_pick(all, n, false, ns, DNS_MAX), text, sizeof(text));
	assert_string_equal(text, "192.0.2.1 192.0.2.2 192.0.2.3");
	n = resolv_parse("search\nnameserver 192.0.2.7\nnameserver\n192.0.2.8\n \n\t\nnameserver 192.0.2.9",
			 all, DNS_CANDIDATES, search, sizeof(search));
	format(all, n, text, sizeof(text));
	assert_string_equal(text, "192.0.2.7 192.0.2.9");
	assert_string_equal(search, "");
	/* A line longer than ours keeps its whole words that fit; the next one is read. */
	snprintf(long_line, sizeof(long_line), "nameserver 192.0.2.1 %0600d\nnameserver 192.0.2.2\n", 0);
	n = resolv_parse(long_line, all, DNS_CANDIDATES, search, sizeof(search));
	format(all, n, text, sizeof(text));
	assert_string_equal(text, "192.0.2.1 192.0.2.2");
	/* A search list longer than the line (glibc reads any) or than SEARCH: the domains
	 * that fit, whole, never a cut one (review 30: it was dropped whole). */
	strcpy(long_line, "search");
	for (int i = 0; i < 40; i++)
		snprintf(long_line + strlen(long_line), sizeof(long_line) - strlen(long_line),
			 " d%02d.example.org", i);
	strcat(long_line, "\nnameserver 192.0.2.3\n");
	n = resolv_parse(long_line, all, DNS_CANDIDATES, search, sizeof(search));
	format(all, n, text, sizeof(text));
	assert_string_equal(text, "192.0.2.3");
	assert_string_equal(search, "d00.example.org d01.example.org d02.example.org d03.example.org");
	n = resolv_parse(long_line, all, DNS_CANDIDATES, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 31 * 16 - 1);
	assert_string_equal(buf + strlen(buf) - 15, "d30.example.org");

	/* A line of exactly our length is kept whole; tabs separate as blanks do, and a
	 * cut is made at a blank, with the blanks before it dropped. */
	snprintf(long_line, sizeof(long_line), "search %0504d\n", 7);
	assert_int_equal(strlen(long_line), 511 + 1);
	n = resolv_parse(long_line, all, DNS_CANDIDATES, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 504);
	n = resolv_parse("search\tlab.example\nnameserver\t192.0.2.5\t# here\n"
			 "nameserver 192.0.2.6\t# there\n", all, DNS_CANDIDATES, search, sizeof(search));
	format(all, n, text, sizeof(text));
	assert_string_equal(text, "192.0.2.5 192.0.2.6");
	assert_string_equal(search, "lab.example");
	resolv_parse("search aaaaaaaaaa  bbbbbbbbbb\n", all, DNS_CANDIDATES, search, 16);
	assert_string_equal(search, "aaaaaaaaaa");
	resolv_parse("search aaaaaaaaaa\tbbbbbbbbbb\n", all, DNS_CANDIDATES, search, 16);
	assert_string_equal(search, "aaaaaaaaaa");

	/* Duplicates (the same address written two ways too) take no slot. */
	n = resolv_parse("nameserver 192.0.2.1\nnameserver 192.0.2.1\nnameserver ::ffff:192.0.2.1\n"
			 "nameserver 192.0.2.2\nnameserver 192.0.2.3\n", all, DNS_CANDIDATES, search,
			 sizeof(search));
	format(ns, dns_pick(all, n, false, ns, DNS_MAX), text, sizeof(text));
	assert_string_equal(text, "192.0.2.1 192.0.2.2 192.0.2.3");
	/* Two of the host's own are one slot, the gateway's: two servers beyond still go. */
	assert_int_equal(ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &net6), 0);
	gw6 = ipv6_subnet_gateway(&net6);
	n = resolv_parse("nameserver 10.99.0.1\nnameserver 10.99.0.2\nnameserver 192.0.2.1\n"
			 "nameserver 192.0.2.2\nnameserver 192.0.2.3\n", all, DNS_CANDIDATES, search,
			 sizeof(search));
	dns_resolv_text(ns, dns_pick(all, n, true, ns, DNS_CANDIDATES), "", 0x0ad50001, &gw6,
			fake_local, buf, sizeof(buf), &host_dns);
	assert_string_equal(buf, "nameserver 10.213.0.1\n"
				 "nameserver 192.0.2.1\n"
				 "nameserver 192.0.2.2\n");
	assert_int_equal(host_dns, DNS_HOST4);
}

/* Is loopback up here?  Only then does the kernel route 127.0.0.0/8 "local" (a network
 * namespace of a package build's sandbox may have it down). */
static bool loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
}

/* bridge.dns's duplicates of the host's own, through dns_resolv_conf and the kernel
 * (127.0.0.0/8 is the host's own, routed "local", where loopback is up). */
static void test_lines_kernel(void **state)
{
	const char *from = NULL;
	char buf[512];
	unsigned host_dns = 0;

	(void)state;
	if (!loopback_up()) {
		printf("# loopback is down in this network namespace: no address is local here\n");
		skip();
	}
	dns_resolv_conf((char *[]){ "127.0.0.1", "127.0.0.2", "203.0.113.1", "203.0.113.2", NULL },
			0x0ad50001, NULL, buf, sizeof(buf), &host_dns, &from);
	assert_string_equal(buf, "nameserver 10.213.0.1\n"
				 "nameserver 203.0.113.1\n"
				 "nameserver 203.0.113.2\n");
	assert_string_equal(from, "bridge.dns");
}

/* bridge.dns's IPv6 nameservers count for nothing without bridge.ipv6: they take none of
 * the candidates' places, so an IPv4 one after many of them is still written. */
static void test_configured_ipv6_off(void **state)
{
	char *dns[DNS_CANDIDATES + 2], addrs[DNS_CANDIDATES][32], buf[512];
	const char *from = NULL;
	unsigned host_dns = 7;

	for (int i = 0; i < DNS_CANDIDATES; i++) {
		snprintf(addrs[i], sizeof(addrs[i]), "2001:db8::%x", i + 1);
		dns[i] = addrs[i];
	}
	dns[DNS_CANDIDATES] = "203.0.113.9";
	dns[DNS_CANDIDATES + 1] = NULL;
	assert_int_equal(dns_resolv_conf(dns, 0x0ad50001, NULL, buf, sizeof(buf), &host_dns, &from), 1);
	assert_string_equal(buf, "nameserver 203.0.113.9\n");
	assert_int_equal(host_dns, 0);
}

/* A buffer too small for the text: cut, never written past. */
static void test_resolv_text_small(void **state)
{
	struct nameserver ns[3];
	struct {
		char buf[24];
		char guard[64];
	} out;
	unsigned host_dns;

	assert_int_equal(nameserver_parse("192.0.2.1", &ns[0]), 0);
	assert_int_equal(nameserver_parse("192.0.2.2", &ns[1]), 0);
	assert_int_equal(nameserver_parse("192.0.2.3", &ns[2]), 0);
	memset(&out, 'x', sizeof(out));
	dns_resolv_text(ns, 3, "", 0x0ad50001, NULL, fake_local, out.buf, 22, &host_dns);
	assert_string_equal(out.buf, "nameserver 192.0.2.1\n");
	for (size_t i = 22; i < sizeof(out.buf); i++)
		assert_int_equal(out.buf[i], 'x');
	for (size_t i = 0; i < sizeof(out.guard); i++)
		assert_int_equal(out.guard[i], 'x');
}

/* What kind of address a nameserver is (review 29, finding 3): an IPv4-mapped one is the
 * IPv4 address it maps, so ::ffff:127.0.0.53 is loopback and ::ffff:10.0.0.53 an IPv4
 * nameserver (for dns4, not dns6); unspecified, multicast and broadcast addresses are no
 * nameserver's (bind() takes them, so the host would call them its own). */
static void test_kind(void **state)
{
	static const char *const unusable[] = { "127.0.0.53", "::1", "::ffff:127.0.0.53",
		"fe80::1", "febf::1", /* fe80::/10's ends */ "0.0.0.0", "0.1.2.3", "::", "224.0.0.1", "224.0.0.251",
		"239.255.255.250", "255.255.255.255", "ff02::fb", "ff05::1:3", "::ffff:224.0.0.1",
		"::ffff:0.0.0.0", NULL };
	static const char *const usable[] = { "192.0.2.9", "10.0.0.53", "223.255.255.1",
		"2001:db8::53", "fd00::53", "fec0::53", /* past fe80::/10 */ "::ffff:10.0.0.53", "::10.0.0.53", NULL };
	struct nameserver all[16], ns[DNS_MAX], one;
	char search[64], text[256], a[INET6_ADDRSTRLEN];
	int n;

	for (const char *const *s = unusable; *s; s++) {
		assert_int_equal(nameserver_parse(*s, &one), 0);
		if (nameserver_usable(&one, true))
			fail_msg("%s is taken as a container's nameserver", *s);
	}
	for (const char *const *s = usable; *s; s++) {
		assert_int_equal(nameserver_parse(*s, &one), 0);
		if (!nameserver_usable(&one, true))
			fail_msg("%s is not taken as a container's nameserver", *s);
	}
	assert_int_equal(nameserver_parse("::ffff:10.0.0.53", &one), 0);
	assert_int_equal(one.family, AF_INET);
	assert_string_equal(inet_ntop(one.family, one.addr, a, sizeof(a)), "10.0.0.53");
	assert_memory_equal(one.addr + 4, (uint8_t[12]){ 0 }, 12);
	assert_true(nameserver_usable(&one, false)); /* IPv4: needs no bridge.ipv6 */
	assert_int_equal(nameserver_kind(&one), NAMESERVER_UNICAST);
	assert_int_equal(nameserver_parse("::ffff:127.0.0.53", &one), 0);
	assert_int_equal(nameserver_kind(&one), NAMESERVER_LOOPBACK);
	/* The review's case: the host's stub, v4-mapped, is left out, not mapped to the
	 * gateway's IPv6 address; a v4-mapped one beyond goes out as IPv4. */
	n = resolv_parse("nameserver ::ffff:127.0.0.53\nnameserver 192.0.2.9\n"
			 "nameserver ::ffff:198.51.100.53\nnameserver ff02::fb\n", all, 16, search,
			 sizeof(search));
	format(ns, dns_pick(all, n, true, ns, DNS_MAX), text, sizeof(text));
	assert_string_equal(text, "192.0.2.9 198.51.100.53");
	assert_int_equal(ns[1].family, AF_INET);
}

/* bridge.dns takes IPv6 addresses, not link-local ones; the error names the line. */
static void test_config_dns(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "bridge = {\n  dns = [ \"fe80::1\" ]; };",
		  "bridge.dns[0]: \"fe80::1\" is not a nameserver's IPv4 or IPv6 address; expected "
		  "four numbers 0-255 such as 192.0.2.53, or an IPv6 address such as 2001:db8::53, "
		  "not link-local (fe80::/10: a container has no link of the host's), nor "
		  "unspecified (0.0.0.0, ::), multicast (224.0.0.0/4, ff00::/8) or broadcast "
		  "(255.255.255.255)" },
		{ "bridge = { dns = [ \"fe80::1%eth0\" ]; };", "\"fe80::1%eth0\" is not a nameserver's" },
		{ "bridge = { dns = [ \"2001:db8::53/128\" ]; };", "is not a nameserver's IPv4 or IPv6" },
		/* No nameserver's address at all (review 29, finding 3). */
		{ "bridge = { dns = [ \"224.0.0.251\" ]; };", "\"224.0.0.251\" is not a nameserver's" },
		{ "bridge = { dns = [ \"ff02::fb\" ]; };", "\"ff02::fb\" is not a nameserver's" },
		{ "bridge = { dns = [ \"255.255.255.255\" ]; };", "is not a nameserver's" },
		{ "bridge = { dns = [ \"0.0.0.0\" ]; };", "\"0.0.0.0\" is not a nameserver's" },
		{ "bridge = { dns = [ \"::\" ]; };", "\"::\" is not a nameserver's" },
		{ "bridge = { dns = [ \"::ffff:224.0.0.1\" ]; };", "is not a nameserver's" },
	};
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct config_error err;

	if (config_parse_string("bridge = { dns = [ \"2001:db8::53\", \"192.0.2.53\", \"fd00::53\" ]; };",
				"x", &c, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(c->bridge.dns[0], "2001:db8::53");
	/* An IPv4-mapped one is taken, as the IPv4 address it maps (nameserver.h). */
	config_free(c);
	c = NULL;
	if (config_parse_string("bridge = { dns = [ \"::ffff:10.0.0.53\" ]; };", "x", &c, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct warren_config *b = NULL, *policy = NULL;

		if (config_parse_string(bad[i].text, "x", &b, &policy, &err) == 0)
			fail_msg("accepted: %s", bad[i].text);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("%s: got \"%s\"", bad[i].text, err.msg);
		/* The file and line go with the message (warrenctl check-config prints them). */
		assert_string_equal(err.file, "x");
		assert_int_equal(err.line, i == 0 ? 2 : 1);
		config_free(policy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_resolv_text),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_lines_kernel),
		cmocka_unit_test(test_configured_ipv6_off),
		cmocka_unit_test(test_resolv_text_small),
		cmocka_unit_test(test_config_dns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
