/* egress.c - where containers may not go (see egress.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/cleanup.h"
#include "net/dns.h"
#include "net/egress.h"
#include "net/netlink.h"
#include "lib/strv.h"

char *const *egress_deny_config(const struct warren_config *cfg)
{
	static char *const builtin[] = EGRESS_DEFAULT_DENY;

	return cfg->bridge.deny ? cfg->bridge.deny : builtin;
}

struct found {
	int skip; /* the bridge's ifindex */
	struct cidr *v;
	size_t n, cap;
	int r;
};

static bool is_loopback(int family, const uint8_t *a)
{
	static const uint8_t v6[16] = { [15] = 1 };

	return family == AF_INET ? a[0] == 127 : !memcmp(a, v6, 16);
}

static bool cidr_in(const struct cidr *v, size_t n, const struct cidr *c)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].family == c->family && v[i].prefix == c->prefix &&
		    !memcmp(v[i].addr, c->addr, sizeof(c->addr)))
			return true;
	return false;
}

static int cidr_push(struct cidr **v, size_t *n, size_t *cap, const struct cidr *c)
{
	if (cidr_in(*v, *n, c))
		return 0;
	if (*n == *cap) {
		size_t want = *cap ? 2 * *cap : 16;
		struct cidr *p = reallocarray(*v, want, sizeof(**v));

		if (!p)
			return -ENOMEM;
		*v = p;
		*cap = want;
	}
	(*v)[(*n)++] = *c;
	return 0;
}

static void connected_cb(int ifindex, int family, const void *addr, unsigned prefix, void *data)
{
	struct found *f = data;
	struct cidr c = cidr_network(family, addr, prefix);

	if (ifindex == f->skip || is_loopback(family, addr) || f->r < 0)
		return;
	f->r = cidr_push(&f->v, &f->n, &f->cap, &c);
}

int egress_connected(const char *bridge, struct cidr **ret, size_t *ret_n)
{
	struct found f = { .skip = -1 };
	struct nl nl = { 0 };
	int r;

	if ((r = nl_open(&nl)) < 0)
		return r;
	f.skip = nl_link_index(&nl, bridge);
	r = nl_addr_each(&nl, AF_UNSPEC, connected_cb, &f);
	nl_close(&nl);
	if (r == 0)
		r = f.r;
	if (r < 0) {
		free(f.v);
		return r;
	}
	*ret = f.v;
	*ret_n = f.n;
	return 0;
}

void egress_clear(struct egress *e)
{
	free(e->deny);
	free(e->allow);
	free(e->dns);
	*e = (struct egress){ 0 };
}

int egress_resolve(char *const *deny, char *const *allow, const struct cidr *connected,
		   size_t n_connected, const char *resolv, struct egress *ret)
{
	struct egress e = { 0 };
	size_t cap_deny = 0, cap_allow = 0, cap_dns = 0;
	struct nameserver ns[DNS_MAX];
	struct cidr c;
	int n, r = 0;

	for (char *const *d = deny; d && *d && r == 0; d++) {
		if (!strcmp(*d, BRIDGE_DENY_CONNECTED))
			for (size_t i = 0; i < n_connected && r == 0; i++)
				r = cidr_push(&e.deny, &e.n_deny, &cap_deny, &connected[i]);
		else if (cidr_parse(*d, &c) == 0) /* the config checked it */
			r = cidr_push(&e.deny, &e.n_deny, &cap_deny, &c);
	}
	for (char *const *a = allow; a && *a && r == 0; a++)
		if (cidr_parse(*a, &c) == 0)
			r = cidr_push(&e.allow, &e.n_allow, &cap_allow, &c);
	n = resolv ? resolv_parse(resolv, ns, DNS_MAX, NULL, 0) : 0;
	for (int i = 0; i < n && r == 0; i++) {
		c = cidr_network(ns[i].family, ns[i].addr, ns[i].family == AF_INET ? 32 : 128);
		r = cidr_push(&e.dns, &e.n_dns, &cap_dns, &c);
	}
	if (r < 0) {
		egress_clear(&e);
		return r;
	}
	*ret = e;
	return 0;
}

int egress_plan(char *const *deny, char *const *allow, const char *bridge, const char *resolv,
		struct egress *ret, struct error *err)
{
	_cleanup_free_ struct cidr *connected = NULL;
	size_t n = 0;
	int r;

	if (strv_contains(deny, BRIDGE_DENY_CONNECTED) &&
	    (r = egress_connected(bridge, &connected, &n)) < 0)
		return error_errno(err, r, "cannot read the host's addresses (bridge.deny's "
				   "\"connected\")");
	if ((r = egress_resolve(deny, allow, connected, n, resolv, ret)) < 0)
		return error_errno(err, r, "cannot list where containers may not go");
	return 0;
}

static bool in_any(const struct cidr *v, size_t n, int family, const void *addr)
{
	for (size_t i = 0; i < n; i++)
		if (cidr_contains(&v[i], family, addr))
			return true;
	return false;
}

bool egress_blocks(const struct egress *e, int family, const void *addr)
{
	return in_any(e->deny, e->n_deny, family, addr) && !in_any(e->allow, e->n_allow, family, addr);
}
