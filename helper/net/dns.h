/* dns.h - the nameservers a container gets in its /etc/resolv.conf.
 *
 * bridge.dns when the config lists some; else the host's own (/etc/resolv.conf), unless
 * none of them is one a container can use - a local stub such as systemd-resolved's
 * 127.0.0.53 - in which case the stub's upstream list (/run/systemd/resolve/resolv.conf).
 * A nameserver that is one of the host's own addresses is reached at the gateway instead
 * (its IPv4 or IPv6 address, as the nameserver's; the firewall lets DNS to it in).
 *
 * IPv4 and IPv6 alike, in the order of the list; IPv6 ones only with bridge.ipv6 (the
 * container has no IPv6 without).  The first DNS_MAX distinct ones are taken, counted as
 * written (two of the host's own are one, the gateway's).  What a container cannot use is
 * left out before they are taken: loopback (its own, not the host's; ::ffff:127.0.0.53 too, an
 * IPv4-mapped address being the IPv4 one it maps: nameserver.h), IPv6 link-local
 * addresses (fe80::/10, "fe80::1%eth0": they name a link of the host's by its zone, and a
 * container's only link is the bridge), and what is no nameserver's address (0.0.0.0, ::,
 * multicast, 255.255.255.255). */
#ifndef WARREN_DNS_H
#define WARREN_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ipv6.h"
#include "lib/nameserver.h"

#define DNS_MAX 3 /* what the C library reads */
#define DNS_CANDIDATES 16 /* of which DNS_MAX are written, once each */

/* What *RET_HOST_DNS says: the host serves DNS on the gateway's IPv4, IPv6 address. */
#define DNS_HOST4 1u
#define DNS_HOST6 2u

/* Pure: the nameservers in TEXT (resolv.conf syntax), IPv4 and IPv6 (one with a %zone
 * too: nameserver_usable leaves it out), the first MAX into NS; returns how many; the
 * search line's domains ("" if none) into SEARCH: those that fit, whole (a line longer
 * than 511 characters, too, keeps its whole words that fit). */
int resolv_parse(const char *text, struct nameserver *ns, int max, char *search, size_t search_len);
/* Pure: can a container use NS (with IPv6 when IPV6)?  A unicast address only
 * (nameserver_kind): not loopback, not IPv6 link-local, not unspecified, multicast or
 * broadcast. */
bool nameserver_usable(const struct nameserver *ns, bool ipv6);
/* Pure: the first MAX usable ones of the N in ALL, in their order, each once (a duplicate
 * takes no slot), into NS; how many. */
int dns_pick(const struct nameserver *all, int n, bool ipv6, struct nameserver *ns, int max);

/* Pure: the resolv.conf of the first DNS_MAX distinct of N nameservers NS (already usable)
 * and SEARCH, into BUF: each that IS_LOCAL says is one of the host's own addresses becomes
 * GATEWAY (IPv4) or *GATEWAY6 (IPv6; NULL: bridge.ipv6 is off), and the bits of
 * *RET_HOST_DNS say which; a nameserver written already is not written again, nor
 * counted (the cap counts what is written). */
void dns_resolv_text(const struct nameserver *ns, int n, const char *search, uint32_t gateway,
		     const struct ipv6_addr *gateway6, bool (*is_local)(const struct nameserver *),
		     char *buf, size_t len, unsigned *ret_host_dns);

/* The container's resolv.conf (into BUF) for a container behind GATEWAY and GATEWAY6
 * (NULL without bridge.ipv6), from CONFIGURED (NULL-terminated, may be NULL) or the
 * host's; *RET_HOST_DNS as dns_resolv_text's; *RET_FROM says where they came from, for
 * the log.  How many nameservers. */
int dns_resolv_conf(char *const *configured, uint32_t gateway, const struct ipv6_addr *gateway6,
		    char *buf, size_t len, unsigned *ret_host_dns, const char **ret_from);

#endif
