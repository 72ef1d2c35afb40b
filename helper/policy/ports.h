/* ports.h - isolated_ports: the ports of the gateway that a container with network =
 * "isolated" may reach, as the config writes them ("53/udp", "8000-8099/tcp"), and as
 * the firewall's set elements and the network record carry them.  Pure. */
#ifndef WARREN_PORTS_H
#define WARREN_PORTS_H

#include <stddef.h>
#include <stdint.h>

/* Entries of one isolated_ports list, at most: each is a set element per container. */
#define PORTS_MAX 16

/* IP protocol numbers, as nftables' meta l4proto matches them. */
enum port_proto {
	PORT_TCP = 6,
	PORT_UDP = 17,
};

struct port_range {
	uint16_t lo, hi; /* 1..65535, lo <= hi */
	uint8_t proto;   /* enum port_proto */
};

struct port_list {
	struct port_range v[PORTS_MAX];
	unsigned n;
};

/* The built-in list: DNS on the gateway, "53/udp" and "53/tcp". */
extern const struct port_list port_list_builtin;

/* "PORT/PROTO" or "LOW-HIGH/PROTO", PROTO "tcp" or "udp", ports 1..65535 in decimal
 * without sign or leading zero: 0, -EINVAL (not of that form), -ERANGE (a port out of
 * range, or LOW > HIGH). */
int port_range_parse(const char *s, struct port_range *ret);
/* R as the config writes it ("53/udp", "8000-8099/tcp"); returns BUF. */
const char *port_range_format(const struct port_range *r, char *buf, size_t len);
/* Do A and B share a port of the same protocol? */
int port_range_overlap(const struct port_range *a, const struct port_range *b);
/* "PROTO . LOW" or "PROTO . LOW-HIGH": R's part of an nftables set element. */
const char *port_range_nft(const struct port_range *r, char *buf, size_t len);

/* L as entries joined by SEP ("53/udp,53/tcp"), "-" for none: 0, or -ENOSPC. */
int port_list_format(const struct port_list *l, const char *sep, char *buf, size_t len);
/* The inverse for SEP ",": 0, or -EBADMSG (pure, fuzzed through net_record_parse). */
int port_list_parse(const char *s, struct port_list *ret);

#endif
