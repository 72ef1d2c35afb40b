/* config.h - /etc/warren/warren.conf (libconfig) -> a validated struct, no side effects. */
#ifndef WARREN_CONFIG_H
#define WARREN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "lib/ipv4.h"
#include "lib/ipv6.h"
#include "policy/reslimits.h"


/* fleet = { ... }: several login hosts sharing a store and etcd leases (warren.conf(5),
 * FLEET): her lease (fleet/lease.h) and her data on the store (storage.h). */
#define FLEET_TTL_MIN 5         /* seconds: below, one slow renewal loses the lease */
#define FLEET_TTL_MAX 300       /* seconds: above, a dead host blocks her for too long */
#define FLEET_TTL_DEFAULT 15
#define FLEET_ENDPOINTS_MAX 16
#define FLEET_URL_MAX 256

enum fleet_takeover {
	FLEET_TAKEOVER_NEVER,   /* refuse the login, naming the host that runs her container */
	FLEET_TAKEOVER_IDLE,    /* ask that host to stop it if no session of hers is alive */
	FLEET_TAKEOVER_ALWAYS,  /* ask that host to stop it in any case */
};

struct fleet_config {
	bool set;               /* the file has a fleet group: everything below is checked */
	char *store;            /* the shared mount of per-user state */
	char **etcd;            /* NULL-terminated endpoints, "http(s)://HOST:PORT" */
	unsigned lease_ttl;     /* seconds, FLEET_TTL_MIN..FLEET_TTL_MAX */
	enum fleet_takeover takeover;
	char *cert, *key;       /* the client's TLS certificate and key (both or neither) */
	char *cacert;           /* the CA that signed etcd's certificates; NULL: the system's */
};

/* "never", "idle", "always". */
const char *fleet_takeover_name(enum fleet_takeover t);

struct warren_config {
	char *path;            /* the file it was read from, for messages */
	char *image;           /* shared base rootfs, read-only lower layer */
	char *state_dir;       /* users/NAME/{root,home,work} live here */
	char **jail_groups;    /* NULL-terminated; members are jailed */
	char **exempt_users;   /* NULL-terminated; never jailed */
	/* Resource limits (warren.conf(5)); a user's are limits_resolve(&limits, ...). */
	struct limit_config limits;
	/* The host bridge of containers with network "nat" or "isolated". */
	struct {
		char *name;           /* its interface name */
		struct ipv4_subnet subnet; /* the gateway (the bridge's address) and every user's */
		bool ipv6;            /* IPv6 for containers on it (default true) */
		struct ipv6_addr subnet6; /* its unique local /64 (lib/ipv6.h), used when ipv6 */
		char **dns;           /* nameservers given to containers; NULL: the host's */
		/* Where containers with network "nat" may not go (cidr.h networks and
		 * BRIDGE_DENY_CONNECTED); NULL: the default (net/egress.h).  ALLOW's
		 * networks they reach all the same; NULL: none. */
		char **deny;
		char **allow;
	} bridge;
	struct fleet_config fleet;
};

/* The fleet's shared store, where her data lives (storage.h); NULL without a fleet. */
static inline const char *config_store(const struct warren_config *c)
{
	return c->fleet.set ? c->fleet.store : NULL;
}

/* Where her disk image's directory is (layout.h's disks): the store, or the state dir. */
static inline const char *config_disks_base(const struct warren_config *c)
{
	return c->fleet.set ? c->fleet.store : c->state_dir;
}

/* In bridge.deny: the host's own networks (its addresses' prefixes), as they are when a
 * container starts. */
#define BRIDGE_DENY_CONNECTED "connected"
#define BRIDGE_NETWORKS_MAX 256

/* One error, as an admin needs it: where, and what is expected instead. */
struct config_error {
	char file[256];
	int line;       /* 0 when the error is about the file as a whole */
	char msg[512];  /* "KEY: what is wrong; expected FORM" */
};

/* Read and validate PATH.  Refuses a file that is not owned by root or is writable
 * by group or other (HACKING.md §4, §5.7).  On success *ret is set and 0 returned.
 * On failure a negative errno-style code is returned, *err filled, and
 * *ret_policy is set (non-NULL) only if jail_groups and exempt_users themselves were
 * readable and valid, so that the caller can still tell who is jailed and refuse
 * exactly those logins (fail closed); otherwise *ret_policy is NULL and the caller
 * must refuse every non-root login it would decide on. */
int config_load(const char *path, struct warren_config **ret, struct warren_config **ret_policy,
		struct config_error *err);

/* Read PATH with config_load's checks (a regular file, root's, not writable by group or
 * others, no symlink) into *RET_TEXT (free it); *RET_MTIME (if not NULL) gets its mtime. */
int config_read_text(const char *path, char **ret_text, struct timespec *ret_mtime,
		struct config_error *err);

/* The same, from a string (unit tests; no ownership check).  NAME stands for the file. */
int config_parse_string(const char *text, const char *name, struct warren_config **ret,
			struct warren_config **ret_policy, struct config_error *err);

void config_free(struct warren_config *c);
static inline void config_freep(struct warren_config **c)
{
	config_free(*c);
}

/* "FILE:LINE: MSG" (or "FILE: MSG" for line 0) into BUF. */
void config_error_format(const struct config_error *err, char *buf, size_t len);

/* Why POLICY jails a user or not, from the user's uid, name and NULL-terminated group
 * names; pure, the caller asks NSS (users.h).  For JAIL_YES, *ret_group (if non-NULL)
 * is set to the first of GROUPS that is a jail group. */
enum jail_verdict {
	JAIL_NO_ROOT,   /* uid 0 is never jailed */
	JAIL_NO_EXEMPT, /* listed in exempt_users */
	JAIL_NO_GROUP,  /* in no jail group */
	JAIL_YES,
};
enum jail_verdict config_jail_verdict(const struct warren_config *policy, unsigned uid,
				      const char *name, char *const *groups, const char **ret_group);

#endif
