/* cidr.h - networks in CIDR form, IPv4 or IPv6 (bridge.deny, bridge.allow): parsed
 * strictly, formatted, and compared.  Pure: no syscalls. */
#ifndef WARREN_CIDR_H
#define WARREN_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cidr {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order; IPv4 in the first 4 bytes */
	unsigned prefix;  /* 0-32 or 0-128 */
};

/* The longest text cidr_format writes, with its NUL. */
#define CIDR_TEXT_MAX 48

/* "ADDRESS/PREFIX" (IPv4 as ipv4_parse reads it, IPv6 as inet_pton does), or an address
 * alone (a single host: /32, /128).  -EINVAL for the form, -ERANGE for the prefix, -EDOM
 * for host bits set (10.1.2.3/8: the network is 10.0.0.0/8). */
int cidr_parse(const char *s, struct cidr *ret);
/* "ADDRESS/PREFIX" into BUF (CIDR_TEXT_MAX); returns BUF. */
const char *cidr_format(const struct cidr *c, char *buf, size_t len);
/* Is ADDR (of FAMILY, network byte order) inside C? */
bool cidr_contains(const struct cidr *c, int family, const void *addr);
/* The network of ADDR/PREFIX: ADDR with its host bits cleared. */
struct cidr cidr_network(int family, const void *addr, unsigned prefix);

#endif
