/* reslimits.c - resource limit keys, values and their precedence (see reslimits.h).
 * Pure: no syscalls. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/reslimits.h"
#include "lib/strv.h"

#define KIB 1024ULL
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

static const char *const seccomp_profiles[] = { "default", "strict", NULL };
/* enum limit_apparmor's built-in choices. */
static const char *const apparmor_profiles[] = { "default", "unconfined", NULL };
/* enum net_mode (net.h), in its order; the built-in is nat. */
static const char *const net_modes[] = { "none", "nat", "isolated", NULL };
/* enum home_mode, in its order; the built-in is overlay. */
static const char *const home_modes[] = { "overlay", "host", NULL };

static const struct limit_def limit_defs[LIMIT__COUNT] = {
	[LIMIT_MEMORY] = { .name = "memory", .kind = LIMIT_KIND_SIZE, .min = 16 * MIB,
			   .max = LIMIT_SIZE_MAX, .example = "\"1G\"", .max_ok = true,
			   .builtin = GIB },
	[LIMIT_SWAP] = { .name = "swap", .kind = LIMIT_KIND_SIZE, .min = 0, .max = LIMIT_SIZE_MAX,
			 .example = "\"0\"", .max_ok = true, .builtin = 0 },
	[LIMIT_CPUS] = { .name = "cpus", .kind = LIMIT_KIND_CPUS, .min = LIMIT_CPUS_MIN,
			 .max = LIMIT_CPUS_MAX, .example = "0.5", .max_ok = true, .builtin = 1000 },
	[LIMIT_PIDS] = { .name = "pids", .kind = LIMIT_KIND_COUNT, .min = 8, .max = 4194304,
			 .unit = "processes", .example = "512", .max_ok = true, .builtin = 512 },
	/* A weight shares, it does not limit: "max" would mean nothing. */
	[LIMIT_IO_WEIGHT] = { .name = "io_weight", .kind = LIMIT_KIND_COUNT, .min = 1, .max = 10000,
			      .unit = "relative I/O weight", .example = "100", .builtin = 100 },
	[LIMIT_DISK] = { .name = "disk", .kind = LIMIT_KIND_SIZE, .min = 64 * MIB,
			 .max = LIMIT_SIZE_MAX, .example = "\"10G\"", .max_ok = true,
			 .builtin = 10 * GIB },
	/* A container that never stops is what `warren-helper stop` is for. */
	[LIMIT_IDLE_TIMEOUT] = { .name = "idle_timeout", .kind = LIMIT_KIND_COUNT, .min = 1,
				 .max = 604800, .unit = "seconds", .example = "300", .builtin = 300 },
	[LIMIT_NETWORK] = { .name = "network", .kind = LIMIT_KIND_CHOICE, .choices = net_modes,
			    .example = "\"nat\"", .builtin = 1 },
	[LIMIT_PEERS] = { .name = "peers", .kind = LIMIT_KIND_BOOL, .example = "true", .builtin = 0 },
	/* Every container's connections take entries of the host's one conntrack table
	 * (nf_conntrack_max): past it the host drops new connections, its admins' SSH too.
	 * Bounds per container (nft.h) that a normal user never meets; warren.conf(5) says
	 * why these numbers. */
	[LIMIT_NET_CONNS] = { .name = "net_conns", .kind = LIMIT_KIND_COUNT, .min = 1,
			      .max = 1048576, .unit = "connections", .example = "1024",
			      .builtin = 1024 },
	[LIMIT_NET_RATE] = { .name = "net_rate", .kind = LIMIT_KIND_COUNT, .min = 1, .max = 100000,
			     .unit = "new connections per second", .example = "100",
			     .builtin = 100 },
	/* Traffic control on the host's side of her veth (net/tc.h): "in" is what reaches
	 * her container, "out" what it sends.  No limit unless the config says one. */
	[LIMIT_BANDWIDTH_IN] = { .name = "bandwidth.in", .kind = LIMIT_KIND_RATE,
				 .min = LIMIT_RATE_MIN, .max = LIMIT_RATE_MAX,
				 .unit = "bits per second", .example = "\"100mbit\"", .max_ok = true,
				 .builtin = LIMIT_UNLIMITED },
	[LIMIT_BANDWIDTH_OUT] = { .name = "bandwidth.out", .kind = LIMIT_KIND_RATE,
				  .min = LIMIT_RATE_MIN, .max = LIMIT_RATE_MAX,
				  .unit = "bits per second", .example = "\"20mbit\"", .max_ok = true,
				  .builtin = LIMIT_UNLIMITED },
	/* Every container's ptys come from the kernel's one pool (kernel.pty.max): a bound
	 * per container keeps one user from taking them all. */
	[LIMIT_PTYS] = { .name = "ptys", .kind = LIMIT_KIND_COUNT, .min = 1, .max = 4096,
			 .unit = "ptys", .example = "64", .builtin = 64 },
	/* Bounds of the container's user namespace, per uid inside; the host's own
	 * fs.inotify.max_user_* bound each container as a whole (its owner is the user's
	 * subordinate root, see build.c).  The built-ins are Debian's host defaults. */
	[LIMIT_INOTIFY_INSTANCES] = { .name = "inotify_instances", .kind = LIMIT_KIND_COUNT,
				      .min = 1, .max = 65536, .unit = "instances", .example = "128",
				      .builtin = 128 },
	[LIMIT_INOTIFY_WATCHES] = { .name = "inotify_watches", .kind = LIMIT_KIND_COUNT, .min = 1,
				    .max = 4194304, .unit = "watches", .example = "65536",
				    .builtin = 65536 },
	/* Each login is an sshd process in the container's cgroup, which it joins past
	 * pids.max (a move is not a fork): this bounds them apart from the processes. */
	[LIMIT_MAX_SESSIONS] = { .name = "max_sessions", .kind = LIMIT_KIND_COUNT, .min = 1,
				 .max = 65536, .unit = "logins", .example = "32", .max_ok = true,
				 .builtin = 32 },
	/* Root inside: sudo in the image works for her (no no_new_privs, no nosuid), within
	 * a reduced bounding set and the seccomp profile. */
	[LIMIT_ROOT] = { .name = "root", .kind = LIMIT_KIND_BOOL, .example = "true", .builtin = 0 },
	[LIMIT_SECCOMP] = { .name = "seccomp", .kind = LIMIT_KIND_CHOICE, .choices = seccomp_profiles,
			    .example = "\"strict\"", .builtin = 0 },
	/* Where the kernel runs AppArmor, a profile of warren's per container (policy/apparmor.h). */
	[LIMIT_APPARMOR] = { .name = "apparmor", .kind = LIMIT_KIND_CHOICE,
			     .choices = apparmor_profiles, .example = "\"default\"",
			     .builtin = LIMIT_APPARMOR_DEFAULT },
	/* "host": her real home, bound in; the disk limit then covers her root layer only. */
	[LIMIT_HOME] = { .name = "home", .kind = LIMIT_KIND_CHOICE, .choices = home_modes,
			 .example = "\"host\"", .builtin = HOME_OVERLAY },
};

const struct limit_def *limit_def(enum limit_key k)
{
	static const struct limit_def unknown = { .name = "?" };

	return (unsigned)k < LIMIT__COUNT ? &limit_defs[k] : &unknown;
}

int limit_choice_parse(enum limit_key k, const char *name, uint64_t *ret)
{
	const char *const *c = limit_def(k)->choices;

	for (uint64_t i = 0; c && c[i]; i++)
		if (strcmp(c[i], name) == 0) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

int limit_key_lookup(const char *name, enum limit_key *ret)
{
	for (int k = 0; k < LIMIT__COUNT; k++)
		if (strcmp(limit_defs[k].name, name) == 0) {
			*ret = (enum limit_key)k;
			return 0;
		}
	return -ENOENT;
}

static void entries_clear(struct limit_entries *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		strv_free(l->v[i].limits.layers);
		bind_list_clear(&l->v[i].limits.binds);
	}
	free(l->v);
	*l = (struct limit_entries){ 0 };
}

void limit_config_clear(struct limit_config *lc)
{
	entries_clear(&lc->groups);
	entries_clear(&lc->users);
	strv_free(lc->defaults.layers);
	bind_list_clear(&lc->defaults.binds);
	strv_free(lc->seccomp_files);
	lc->seccomp_files = NULL;
	strv_free(lc->apparmor_files);
	lc->apparmor_files = NULL;
	lc->defaults = (struct limit_set){ 0 };
}

/* log2 of the multiplier for suffix CH (either case), or -1 if it is not one. */
static int size_shift(char ch)
{
	static const char suffixes[] = "kmgt";
	const char *p;

	if (ch >= 'A' && ch <= 'Z')
		ch = (char)(ch - 'A' + 'a');
	p = ch ? strchr(suffixes, ch) : NULL;
	return p ? 10 * (int)(p - suffixes + 1) : -1;
}

int limit_parse_size(const char *s, uint64_t *ret)
{
	size_t digits = strspn(s, "0123456789");
	uint64_t v = 0;
	int shift = 0;

	if (strcmp(s, "max") == 0) {
		*ret = LIMIT_UNLIMITED;
		return 0;
	}
	/* The form first, so that a long number with a bad suffix is "not a size". */
	if (digits == 0)
		return -EINVAL;
	if (s[digits]) {
		shift = size_shift(s[digits]);
		if (shift < 0 || s[digits + 1])
			return -EINVAL;
	}
	for (size_t i = 0; i < digits; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (LIMIT_SIZE_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > LIMIT_SIZE_MAX >> shift)
		return -ERANGE;
	*ret = v << shift;
	return 0;
}

/* A rate's units, powers of 1000 (tc's): bits per second, then tc's bytes per second,
 * which warren does not take. */
static const struct {
	const char *name;
	uint64_t mult;
	bool bytes;
} rate_units[] = {
	{ "kbit", 1000ULL, false }, { "mbit", 1000000ULL, false }, { "gbit", 1000000000ULL, false },
	{ "bps", 1, true }, { "kbps", 1000ULL, true }, { "mbps", 1000000ULL, true },
	{ "gbps", 1000000000ULL, true },
};

int limit_parse_rate(const char *s, uint64_t *ret)
{
	size_t digits = strspn(s, "0123456789");
	uint64_t v = 0;

	if (strcmp(s, "max") == 0) {
		*ret = LIMIT_UNLIMITED;
		return 0;
	}
	if (digits == 0)
		return -EINVAL;
	for (size_t u = 0; u < sizeof(rate_units) / sizeof(rate_units[0]); u++) {
		if (strcasecmp(s + digits, rate_units[u].name) != 0)
			continue;
		if (rate_units[u].bytes)
			return -EPROTO;
		for (size_t i = 0; i < digits; i++) {
			v = v * 10 + (uint64_t)(s[i] - '0');
			if (v > LIMIT_RATE_MAX)
				return -ERANGE;
		}
		if (v > LIMIT_RATE_MAX / rate_units[u].mult)
			return -ERANGE;
		*ret = v * rate_units[u].mult;
		return 0;
	}
	return -EINVAL;
}

int limit_cpus_from_double(double cores, uint64_t *ret)
{
	uint64_t m;

	/* Written so that NaN fails too. */
	if (!(cores > 0 && cores <= (double)LIMIT_CPUS_MAX / 1000))
		return -ERANGE;
	m = (uint64_t)(cores * 1000.0 + 0.5);
	if (m < LIMIT_CPUS_MIN)
		return -ERANGE;
	*ret = m;
	return 0;
}

static void format_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "TGMK";
	int shift = 40;

	for (const char *u = units; *u; u++, shift -= 10)
		if (v && v % (1ULL << shift) == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", v >> shift, *u);
			return;
		}
	snprintf(buf, len, "%" PRIu64, v);
}

/* Bits per second in the largest unit that divides them: "20mbit", "1500kbit". */
static void format_rate(uint64_t v, char *buf, size_t len)
{
	for (int u = 2; u >= 0; u--)
		if (v && v % rate_units[u].mult == 0) {
			snprintf(buf, len, "%" PRIu64 "%s", v / rate_units[u].mult, rate_units[u].name);
			return;
		}
	snprintf(buf, len, "%" PRIu64 "bit", v);
}

/* Thousandths as a decimal with at least one digit after the point: 500 -> "0.5". */
static void format_cpus(uint64_t v, char *buf, size_t len)
{
	unsigned frac = (unsigned)(v % 1000);
	int digits = 3;

	while (digits > 1 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%" PRIu64 ".%0*u", v / 1000, digits, frac);
}

static const char *choice_name(enum limit_key k, uint64_t v)
{
	const char *const *c = limit_defs[k].choices;

	for (uint64_t i = 0; c && c[i]; i++)
		if (i == v)
			return c[i];
	return "?";
}

bool limit_takes_file(enum limit_key k)
{
	return k == LIMIT_SECCOMP || k == LIMIT_APPARMOR;
}

const char *limit_file_choice_name(const struct limit_config *lc, enum limit_key k, uint64_t v)
{
	/* The files come after the built-in choices (2 for both keys). */
	char **files = k == LIMIT_SECCOMP ? lc->seccomp_files : lc->apparmor_files;
	uint64_t first = k == LIMIT_SECCOMP ? LIMIT_SECCOMP_FILE : LIMIT_APPARMOR_FILE;
	size_t n = 0;

	if (v < first)
		return choice_name(k, v);
	while (files && files[n])
		n++;
	return v - first < n ? files[v - first] : "?";
}

const char *limit_format(enum limit_key k, uint64_t v, char *buf, size_t len)
{
	if (v == LIMIT_UNLIMITED)
		snprintf(buf, len, "max");
	else if (limit_defs[k].kind == LIMIT_KIND_SIZE)
		format_size(v, buf, len);
	else if (limit_defs[k].kind == LIMIT_KIND_CPUS)
		format_cpus(v, buf, len);
	else if (limit_defs[k].kind == LIMIT_KIND_RATE)
		format_rate(v, buf, len);
	else if (limit_defs[k].kind == LIMIT_KIND_CHOICE)
		snprintf(buf, len, "%s", choice_name(k, v));
	else if (limit_defs[k].kind == LIMIT_KIND_BOOL)
		snprintf(buf, len, "%s", v ? "true" : "false");
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

const char *size_format_mib(uint64_t bytes, char *buf, size_t len)
{
	format_size((bytes + MIB / 2) / MIB * MIB, buf, len);
	return buf;
}

const char *limit_source_format(const struct limit_value *v, char *buf, size_t len)
{
	switch (v->source) {
	case LIMIT_FROM_USER:
		snprintf(buf, len, "user %s", v->name);
		break;
	case LIMIT_FROM_GROUP:
		snprintf(buf, len, "group %s", v->name);
		break;
	case LIMIT_FROM_DEFAULTS:
		snprintf(buf, len, "defaults");
		break;
	default:
		snprintf(buf, len, "built-in");
		break;
	}
	return buf;
}

static const struct limit_entry *entry_find(const struct limit_entries *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* Key K from the first of LC's groups, in config order, that USER is in and that sets it. */
static const struct limit_entry *group_for_key(const struct limit_config *lc, char *const *groups,
					       unsigned k)
{
	for (size_t i = 0; i < lc->groups.n; i++) {
		const struct limit_entry *e = &lc->groups.v[i];

		if (limit_set_has(&e->limits, k) && strv_contains(groups, e->name))
			return e;
	}
	return NULL;
}

/* The entry that decides list key K (LIMIT_LAYERS, LIMIT_ISOLATED_PORTS) for her, as
 * limits_resolve says, into *FROM: its limit_set, or NULL for the built-in value. */
static const struct limit_set *list_key_resolve(const struct limit_config *lc,
						const struct limit_entry *u, char *const *groups,
						unsigned k, struct limit_value *from)
{
	const struct limit_entry *g;

	if (u && limit_set_has(&u->limits, k)) {
		*from = (struct limit_value){ 0, LIMIT_FROM_USER, u->name };
		return &u->limits;
	}
	if ((g = group_for_key(lc, groups, k))) {
		*from = (struct limit_value){ 0, LIMIT_FROM_GROUP, g->name };
		return &g->limits;
	}
	if (limit_set_has(&lc->defaults, k)) {
		*from = (struct limit_value){ 0, LIMIT_FROM_DEFAULTS, NULL };
		return &lc->defaults;
	}
	*from = (struct limit_value){ 0, LIMIT_FROM_BUILTIN, NULL };
	return NULL;
}

static void lists_resolve(const struct limit_config *lc, const struct limit_entry *u,
			  char *const *groups, struct limits_effective *ret)
{
	static char *const none[] = { NULL };
	const struct limit_set *s;

	s = list_key_resolve(lc, u, groups, LIMIT_LAYERS, &ret->layers_from);
	ret->layers = s ? s->layers : none;
	s = list_key_resolve(lc, u, groups, LIMIT_ISOLATED_PORTS, &ret->isolated_ports_from);
	ret->isolated_ports = s ? &s->isolated_ports : &port_list_builtin;
}

void limits_resolve(const struct limit_config *lc, const char *user, char *const *groups,
		    struct limits_effective *ret)
{
	const struct limit_entry *u = entry_find(&lc->users, user), *g;

	for (int k = 0; k < LIMIT__COUNT; k++) {
		struct limit_value *out = &ret->v[k];

		if (u && limit_set_has(&u->limits, k))
			*out = (struct limit_value){ u->limits.v[k], LIMIT_FROM_USER, u->name };
		else if ((g = group_for_key(lc, groups, k)))
			*out = (struct limit_value){ g->limits.v[k], LIMIT_FROM_GROUP, g->name };
		else if (limit_set_has(&lc->defaults, k))
			*out = (struct limit_value){ lc->defaults.v[k], LIMIT_FROM_DEFAULTS, NULL };
		else
			*out = (struct limit_value){ limit_defs[k].builtin, LIMIT_FROM_BUILTIN, NULL };
	}
	lists_resolve(lc, u, groups, ret);
}

int limits_resolve_binds(const struct limit_config *lc, const char *user, char *const *groups,
			 const char *home, bool home_host, struct bind_spec **ret, size_t *ret_n)
{
	const struct limit_entry *u = entry_find(&lc->users, user);
	struct bind_spec *v = NULL;
	char source[64];
	size_t n = 0;
	int r;

	/* Ranks: defaults 0, the groups from n (the first listed) down to 1, hers n + 1. */
	r = binds_append(&v, &n, &lc->defaults.binds, "defaults", 0, user, home, home_host);
	for (size_t i = 0; r == 0 && i < lc->groups.n; i++) {
		const struct limit_entry *g = &lc->groups.v[i];

		if (!strv_contains(groups, g->name))
			continue;
		snprintf(source, sizeof(source), "group %s", g->name);
		r = binds_append(&v, &n, &g->limits.binds, source, (int)(lc->groups.n - i), user,
				 home, home_host);
	}
	if (r == 0 && u) {
		snprintf(source, sizeof(source), "user %s", u->name);
		r = binds_append(&v, &n, &u->limits.binds, source, (int)lc->groups.n + 1, user, home,
				 home_host);
	}
	if (r < 0) {
		free(v);
		return r;
	}
	binds_shadow(v, n);
	*ret = v;
	*ret_n = n;
	return 0;
}
