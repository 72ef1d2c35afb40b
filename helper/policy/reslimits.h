/* reslimits.h - per-container resource limits: one row per key (its form, range, unit,
 * example and built-in value), the text forms of values, and which of defaults, groups
 * and users decides each one for a user.  Pure: no syscalls, no NSS.
 * (Not "limits.h": with -Ihelper it would shadow the C library's <limits.h>.)
 *
 * A new limit is a row in reslimits.c's table (the config parser, warrenctl explain and
 * the docs' built-in values read it) plus its writer in cgroup.c. */
#ifndef WARREN_RESLIMITS_H
#define WARREN_RESLIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/binds.h"
#include "policy/ports.h"

/* In the order the config documents and warrenctl prints them. */
enum limit_key {
	LIMIT_MEMORY,       /* bytes */
	LIMIT_SWAP,         /* bytes of swap on top of memory; 0 = none */
	LIMIT_CPUS,         /* thousandths of a core (500 = "0.5") */
	LIMIT_PIDS,         /* tasks */
	LIMIT_IO_WEIGHT,    /* 1..10000, cgroup v2's io.weight scale */
	LIMIT_DISK,         /* bytes of the user's persistent layers */
	LIMIT_IDLE_TIMEOUT, /* seconds */
	LIMIT_NETWORK,      /* enum net_mode (net.h) */
	LIMIT_PEERS,        /* 1: may reach the other members of the group that says so */
	LIMIT_NET_CONNS,    /* connections her container has open at once through the host */
	LIMIT_NET_RATE,     /* new connections per second (and as many at once) */
	LIMIT_BANDWIDTH_IN, /* bits per second into the container (bandwidth = { in = ...; }) */
	LIMIT_BANDWIDTH_OUT, /* bits per second out of it (bandwidth = { out = ...; }) */
	LIMIT_PTYS,         /* ptys the container's devpts instance holds at once */
	LIMIT_INOTIFY_INSTANCES, /* inotify instances (and fanotify groups) per uid inside */
	LIMIT_INOTIFY_WATCHES,   /* inotify watches (and fanotify marks) per uid inside */
	LIMIT_MAX_SESSIONS, /* SSH logins joined to the container at once */
	LIMIT_ROOT,         /* 1: the user may become root inside (sudo) */
	LIMIT_SECCOMP,      /* enum sysfilter_base, or LIMIT_SECCOMP_FILE + i: seccomp_files[i] */
	LIMIT_APPARMOR,     /* enum limit_apparmor, or LIMIT_APPARMOR_FILE + i: apparmor_files[i] */
	LIMIT_HOME,         /* enum home_mode */
	LIMIT__COUNT
};

/* home: where her home inside comes from. */
enum home_mode {
	HOME_OVERLAY, /* a copy-on-write home over the image's /etc/skel, in her layers */
	HOME_HOST,    /* her home directory of passwd on the host, bound read-write */
};

/* "max": the key lifts its limit.  Only keys whose row has max_ok take it. */
#define LIMIT_UNLIMITED UINT64_MAX

/* The forms a value may take, for parsing and for messages. */
enum limit_kind {
	LIMIT_KIND_SIZE,  /* "512M", "1G", bytes as digits or an integer, "max" */
	LIMIT_KIND_CPUS,  /* a number of cores, float or integer, or "max" */
	LIMIT_KIND_COUNT, /* an integer, or "max" where allowed */
	LIMIT_KIND_CHOICE, /* one of the key's names, as a string: the value is its index */
	LIMIT_KIND_BOOL,   /* true or false */
	LIMIT_KIND_RATE,   /* "100mbit": bits per second, as a string, or "max" */
};

/* Sizes above this are refused: the kernel's cgroup files take signed 64-bit values. */
#define LIMIT_SIZE_MAX ((uint64_t)INT64_MAX)
/* cgroups refuse a CPU quota under 1 ms per period; 1 ms of every 100 ms is 0.01 cores. */
#define LIMIT_CPUS_MIN 10          /* thousandths */
#define LIMIT_CPUS_MAX 1024000     /* 1024 cores */

/* A rate's bounds, in bits per second: 8kbit is one kilobyte a second; 100gbit is more
 * than a veth carries. */
#define LIMIT_RATE_MIN 8000ULL
#define LIMIT_RATE_MAX 100000000000ULL

/* One limit key: everything the parser, its messages and explain need to know. */
struct limit_def {
	const char *name;     /* in the config: "memory"; "bandwidth.in" is in of group bandwidth */
	enum limit_kind kind;
	uint64_t min, max;    /* accepted range, in the key's unit (cpus: see LIMIT_CPUS_*) */
	const char *unit;     /* COUNT keys: what the number counts, for messages */
	const char *example;  /* a correct value as written in the config: "\"1G\"" */
	const char *const *choices; /* CHOICE keys: the names, NULL-terminated */
	bool max_ok;          /* "max" is accepted */
	uint64_t builtin;     /* the value when nothing sets it (warren.conf(5)) */
};

const struct limit_def *limit_def(enum limit_key k);
/* The key named NAME, or -ENOENT. */
int limit_key_lookup(const char *name, enum limit_key *ret);

static inline const char *limit_key_name(enum limit_key k)
{
	return limit_def(k)->name;
}

static inline uint64_t limit_builtin(enum limit_key k)
{
	return limit_def(k)->builtin;
}

/* CHOICE keys: the value named NAME, or -EINVAL. */
int limit_choice_parse(enum limit_key k, const char *name, uint64_t *ret);

/* layers = [ "cs101" ]: the image layers stacked over the base image (the first listed on
 * top).  Not a limit, but each user's is decided the same way, so it has a bit in a
 * limit_set's SET past the limits'. */
#define LIMIT_LAYERS LIMIT__COUNT
#define LAYERS_MAX 8
/* isolated_ports = [ "53/udp", "53/tcp" ]: the gateway's ports a container with network
 * "isolated" reaches (ports.h); decided like layers, with the bit after theirs. */
#define LIMIT_ISOLATED_PORTS (LIMIT__COUNT + 1)

/* What one defaults/groups/users entry says; a key not in SET was not written. */
struct limit_set {
	uint64_t v[LIMIT__COUNT];
	unsigned set;  /* bit (1u << key) for each key the entry sets, LIMIT_LAYERS too */
	char **layers; /* NULL-terminated layer names, when it sets layers */
	struct port_list isolated_ports; /* when it sets isolated_ports */
	struct bind_list binds; /* its binds = ( ... ), which add up (binds.h) */
};

/* A groups[] or users[] element of the config. */
struct limit_entry {
	char *name;
	struct limit_set limits;
};

struct limit_entries {
	struct limit_entry *v;
	size_t n;
};

/* Everything the config says about limits, in the config's order. */
struct limit_config {
	struct limit_set defaults;    /* only what the defaults group sets */
	struct limit_entries groups;  /* the first matching group wins */
	struct limit_entries users;
	/* seccomp = "/path", apparmor = "/path": the files named, each once (NULL-terminated
	 * or NULL) */
	char **seccomp_files;
	char **apparmor_files;
};

void limit_config_clear(struct limit_config *lc);

/* seccomp: the first value that names a profile file of limit_config.seccomp_files. */
#define LIMIT_SECCOMP_FILE 2
/* A profile file's path travels to pam_warren in the reply: it fits PROTOCOL_PATH_MAX. */
#define LIMIT_SECCOMP_PATH_MAX 256
/* apparmor: the built-in choices, then the rules files of limit_config.apparmor_files. */
enum limit_apparmor {
	LIMIT_APPARMOR_DEFAULT,    /* warren's profile */
	LIMIT_APPARMOR_UNCONFINED, /* no profile */
	LIMIT_APPARMOR_FILE,       /* warren's profile and the rules of a file, + i */
};
/* The value V of K (seccomp or apparmor) as the config writes it: a built-in choice
 * ("default", "strict", "unconfined") or the file's path. */
const char *limit_file_choice_name(const struct limit_config *lc, enum limit_key k, uint64_t v);
/* Does K take the absolute path of a file of the admin's besides its choices? */
bool limit_takes_file(enum limit_key k);
static inline const char *limit_seccomp_name(const struct limit_config *lc, uint64_t v)
{
	return limit_file_choice_name(lc, LIMIT_SECCOMP, v);
}

enum limit_source {
	LIMIT_FROM_BUILTIN,
	LIMIT_FROM_DEFAULTS,
	LIMIT_FROM_GROUP,
	LIMIT_FROM_USER,
};

/* One effective value and who decided it; NAME (the group or user) points into the
 * limit_config the value was resolved from and lives as long as it does. */
struct limit_value {
	uint64_t value;
	enum limit_source source;
	const char *name;
};

struct limits_effective {
	struct limit_value v[LIMIT__COUNT];
	struct limit_value layers_from; /* who decided LAYERS (its value is unused) */
	char *const *layers;            /* NULL-terminated; empty: the base image alone */
	struct limit_value isolated_ports_from; /* who decided ISOLATED_PORTS */
	const struct port_list *isolated_ports;  /* built-in: port_list_builtin */
};

static inline bool limit_set_has(const struct limit_set *s, unsigned k)
{
	return s->set & (1u << k);
}

static inline void limit_set_put(struct limit_set *s, enum limit_key k, uint64_t v)
{
	s->v[k] = v;
	s->set |= 1u << k;
}

/* "512M", "2g", "1048576", "max" -> bytes (LIMIT_UNLIMITED for "max").  Digits with an
 * optional K, M, G or T suffix in either case, powers of 1024; nothing else (no sign,
 * space, fraction, or "B"/"MB"/"MiB": "MB" means 1000^2 to some and 1024^2 to others).
 * -EINVAL if S is not of that form, -ERANGE if it exceeds LIMIT_SIZE_MAX. */
int limit_parse_size(const char *s, uint64_t *ret);
/* "100mbit", "20Mbit", "512kbit", "1gbit", "max" -> bits per second (LIMIT_UNLIMITED for
 * "max"): digits and one of the units kbit, mbit, gbit in either case, powers of 1000 as
 * tc's; nothing else (no fraction, space or bare number).  -EINVAL if S is not of that
 * form, -EPROTO if its unit is one of bytes per second (tc's kbps, mbps, gbps: a slip the
 * config's message explains), -ERANGE if it exceeds LIMIT_RATE_MAX. */
int limit_parse_rate(const char *s, uint64_t *ret);
/* A number of cores -> thousandths, rounded to the nearest; -ERANGE outside
 * LIMIT_CPUS_MIN..LIMIT_CPUS_MAX (also for NaN). */
int limit_cpus_from_double(double cores, uint64_t *ret);

/* The value as the config would write it: sizes in the largest unit that divides them
 * ("2G", "1536M", "0"), rates in the largest unit that divides them ("20mbit", "1500kbit"),
 * cpus with at least one decimal ("0.5", "1.0"), others as digits;
 * "max" for LIMIT_UNLIMITED.  Returns BUF. */
const char *limit_format(enum limit_key k, uint64_t v, char *buf, size_t len);
/* BYTES to the nearest MiB, as limit_format writes sizes ("121M", "2G"): for messages. */
const char *size_format_mib(uint64_t bytes, char *buf, size_t len);
/* "user alice", "group students", "defaults" or "built-in" into BUF.  Returns BUF. */
const char *limit_source_format(const struct limit_value *v, char *buf, size_t len);

/* The effective limits of USER, a member of the NULL-terminated GROUPS (names, from NSS),
 * under LC, key by key:
 *   LC's users entry named USER, if there is one and it sets the key;
 *   else the first entry of LC's groups list, in config order, that names one of GROUPS
 *   and sets the key (so different keys may come from different groups);
 *   else LC's defaults, if they set the key;
 *   else the built-in value.
 * The order of GROUPS does not matter, only the config's.  Layers the same way (built-in:
 * none), and isolated_ports (built-in: port_list_builtin). */
void limits_resolve(const struct limit_config *lc, const char *user, char *const *groups,
		    struct limits_effective *ret);

/* The binds of USER, a member of the NULL-terminated GROUPS, with home HOME bound from
 * the host when HOME_HOST (her effective home key): those of LC's defaults, of each of
 * LC's group entries that names one of GROUPS and of her users entry, in that order, each
 * with its source and the shadowed ones marked (binds.h).  *RET (free it) of *RET_N;
 * -ENOMEM. */
int limits_resolve_binds(const struct limit_config *lc, const char *user, char *const *groups,
			 const char *home, bool home_host, struct bind_spec **ret, size_t *ret_n);

/* A user's limits: the effective value of each key (limits_resolve) in the config's
 * units, LIMIT_UNLIMITED for "max".  The cgroup writers convert to each file's unit and
 * ignore keys that are not cgroup limits. */
typedef uint64_t limit_values[LIMIT__COUNT];

#endif
