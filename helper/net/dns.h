/* dns.h - the nameservers a container gets in its /etc/resolv.conf.
 *
 * bridge.dns when the config lists some; else the host's own (/etc/resolv.conf), unless
 * they are all on loopback - a local stub such as systemd-resolved's 127.0.0.53, which a
 * container cannot reach - in which case the stub's upstream list
 * (/run/systemd/resolve/resolv.conf).  A nameserver that is one of the host's own
 * addresses is reached at the gateway instead (the firewall lets DNS to the gateway in). */
#ifndef WARREN_DNS_H
#define WARREN_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Pure: the nameservers in TEXT (resolv.conf syntax), IPv4 only, into ADDRS (at most MAX);
 * returns how many; *RET_SEARCH gets the search line's domains ("" if none) into SEARCH. */
int resolv_parse(const char *text, uint32_t *addrs, int max, char *search, size_t search_len);

/* The container's resolv.conf (into BUF) for a container behind GATEWAY, from CONFIGURED
 * (NULL-terminated, may be NULL) or the host's; *RET_HOST_DNS is set when a nameserver is
 * the gateway (the host serves DNS); *RET_FROM says where they came from, for the log. */
int dns_resolv_conf(char *const *configured, uint32_t gateway, char *buf, size_t len,
		    bool *ret_host_dns, const char **ret_from);

#endif
