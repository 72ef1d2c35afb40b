/* config.c - read warren.conf (libconfig) into a validated struct warren_config
 * (HACKING.md §4, §5.7). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "policy/config.h"
#include "lib/names.h"
#include "lib/cidr.h"
#include "lib/ipv4.h"
#include "lib/nameserver.h"
#include "lib/strv.h"

/* A config file is a few hundred bytes; anything near this is not one. */
#define CONFIG_MAX_SIZE (1024 * 1024)
/* PATH_MAX: the kernel refuses longer paths anyway, and overlayfs options must fit a page. */
#define CONFIG_PATH_MAX 4096
/* Untrusted values in messages are escaped and cut to this many bytes. */
#define QUOTE_MAX 40
#define QUOTE_SIZE (QUOTE_MAX * 4 + 8)
#define KEY_SIZE 128

/* Validation state for one file.  The first error is the one the admin sees;
 * policy_ok says whether who-is-jailed is still known despite it (fail closed). */
struct parse_ctx {
	const char *text; /* the file's text, for the integer literal check */
	struct warren_config *c;
	struct config_error *err;
	int rc;
	bool policy_ok;
	struct limit_set *limits;        /* where limit keys go: defaults or an entry's */
	struct limit_entries *entries;   /* groups or users, while one of their entries is read */
	const char *entries_key;         /* "groups" or "users", for messages */
};

struct key;
typedef int key_check(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
		      const char *key);

/* One known setting.  A new setting is a row here plus a field in struct warren_config;
 * a new limit is a row in reslimits.c, taken wherever limits are (LIMITS_PRE). */
struct key {
	const char *name;
	key_check *check;
	size_t offset;          /* of its field in struct warren_config */
	const char *noun;       /* name lists and entries: "group" or "user" */
	const char *example;    /* a correct line, quoted in messages */
	bool policy;            /* decides who is jailed: an error here loses the policy */
	const struct key *sub;  /* a group's settings (the file's, an entry's) */
	size_t n_sub;
	const struct key *entry; /* groups, users: what each of their entries is */
	/* Groups that take every limit key: the text around "KEY = VALUE;" that makes a
	 * limit's example a line that could be pasted where the error is. */
	const char *limits_pre, *limits_post;
	/* Lists of strings that are not names: what each must be, and its form. */
	bool (*elem_valid)(const char *s);
	const char *elem_what, *elem_form;
};

/* The limit key being checked, with its example in the place it was found. */
struct limit_check {
	enum limit_key key;
	const struct limit_def *def;
	const char *example;
};

/* The checks of the rows below, each of type key_check. */
static key_check check_path, check_names, check_layers, check_isolated_ports, check_binds,
	check_entry_name, check_entries, check_defaults, check_group, check_ifname, check_subnet,
	check_subnet6, check_flag, check_networks, check_fleet, check_endpoints, check_lease_ttl, check_takeover;
static bool nameserver_valid(const char *s), deny_valid(const char *s), allow_valid(const char *s);

#define FIELD(f) offsetof(struct warren_config, f)

/* Image layers (directories beside the base image), in defaults and every entry. */
#define LAYERS_KEY(where)                                                                   \
	{ .name = "layers", .check = check_layers, .noun = "layer",                          \
	  .example = where "layers = [ \"cs101\" ];" }

/* The gateway's ports an "isolated" container reaches (ports.h), in defaults and every
 * entry. */
#define ISOLATED_PORTS_KEY(where)                                                           \
	{ .name = "isolated_ports", .check = check_isolated_ports,                           \
	  .example = where "isolated_ports = [ \"53/udp\", \"53/tcp\", \"8080/tcp\" ];" }

/* Host directories bound in (binds.h), in defaults and every entry. */
#define BIND_EXAMPLE "{ from = \"/srv/datasets\"; to = \"/data\"; }"
#define BINDS_KEY(where)                                                                    \
	{ .name = "binds", .check = check_binds, .noun = "bind",                             \
	  .example = where "binds = ( " BIND_EXAMPLE " );" }

static const struct key defaults_keys[] = {
	LAYERS_KEY("defaults = { "),
	ISOLATED_PORTS_KEY("defaults = { "),
	BINDS_KEY("defaults = { "),
};

static const struct key group_entry_keys[] = {
	{ .name = "name", .check = check_entry_name, .noun = "group",
	  .example = "{ name = \"students\"; memory = \"512M\"; }" },
	LAYERS_KEY("{ name = \"cs101\"; "),
	ISOLATED_PORTS_KEY("{ name = \"cs101\"; "),
	BINDS_KEY("{ name = \"cs101\"; "),
};

static const struct key user_entry_keys[] = {
	{ .name = "name", .check = check_entry_name, .noun = "user",
	  .example = "{ name = \"alice\"; memory = \"2G\"; }" },
	LAYERS_KEY("{ name = \"alice\"; "),
	ISOLATED_PORTS_KEY("{ name = \"alice\"; "),
	BINDS_KEY("{ name = \"alice\"; "),
};

/* An entry of groups or users takes a name and every limit key. */
static const struct key group_entry = { .sub = group_entry_keys, .n_sub = ELEMENTSOF(group_entry_keys),
					.limits_pre = "{ name = \"students\"; ", .limits_post = " }" };
static const struct key user_entry = { .sub = user_entry_keys, .n_sub = ELEMENTSOF(user_entry_keys),
				       .limits_pre = "{ name = \"alice\"; ", .limits_post = " }" };

static const struct key bridge_keys[] = {
	{ .name = "name", .check = check_ifname, .offset = FIELD(bridge.name),
	  .example = "bridge = { name = \"warren0\"; };" },
	{ .name = "subnet", .check = check_subnet, .offset = FIELD(bridge.subnet),
	  .example = "bridge = { subnet = \"10.213.0.0/16\"; };" },
	{ .name = "ipv6", .check = check_flag, .offset = FIELD(bridge.ipv6),
	  .example = "bridge = { ipv6 = false; };" },
	{ .name = "subnet6", .check = check_subnet6, .offset = FIELD(bridge.subnet6),
	  .example = "bridge = { subnet6 = \"" IPV6_SUBNET_DEFAULT "\"; };" },
	{ .name = "dns", .check = check_names, .offset = FIELD(bridge.dns), .noun = "nameserver",
	  .example = "bridge = { dns = [ \"192.0.2.53\", \"2001:db8::53\" ]; };",
	  .elem_valid = nameserver_valid, .elem_what = "a nameserver's IPv4 or IPv6 address",
	  .elem_form = "four numbers 0-255 such as 192.0.2.53, or an IPv6 address such as "
	  "2001:db8::53, not link-local (fe80::/10: a container has no link of the host's), "
	  "nor unspecified (0.0.0.0, ::), multicast (224.0.0.0/4, ff00::/8) or broadcast "
	  "(255.255.255.255)" },
	{ .name = "deny", .check = check_networks, .offset = FIELD(bridge.deny), .noun = "network",
	  .example = "bridge = { deny = [ \"connected\", \"169.254.0.0/16\", \"10.0.0.0/8\" ]; };",
	  .elem_valid = deny_valid, .elem_what = "a network or \"connected\"",
	  .elem_form = "ADDRESS/PREFIX such as 10.0.0.0/8 or fd00::/8, an address alone, or "
	  "\"connected\" (the host's own networks)" },
	{ .name = "allow", .check = check_networks, .offset = FIELD(bridge.allow), .noun = "network",
	  .example = "bridge = { allow = [ \"10.1.2.3\" ]; };", .elem_valid = allow_valid,
	  .elem_what = "a network",
	  .elem_form = "ADDRESS/PREFIX such as 10.1.2.0/24 or fd00::/64, or an address alone" },
};

#define FLEET_EXAMPLE "fleet = { store = \"/shared/warren\"; etcd = [ \"https://10.1.0.5:2379\" ]; };"
#define ENDPOINT_FORM "http://HOST:PORT or https://HOST:PORT (HOST a name, an IPv4 address or " \
	"an IPv6 address in [ ]), e.g. \"https://10.1.0.5:2379\""

static const struct key fleet_keys[] = {
	{ .name = "store", .check = check_path, .offset = FIELD(fleet.store),
	  .example = "fleet = { store = \"/shared/warren\"; };" },
	{ .name = "etcd", .check = check_endpoints, .offset = FIELD(fleet.etcd),
	  .example = "fleet = { etcd = [ \"https://10.1.0.5:2379\", \"https://10.1.0.6:2379\" ]; };" },
	{ .name = "lease_ttl", .check = check_lease_ttl, .offset = FIELD(fleet.lease_ttl),
	  .example = "fleet = { lease_ttl = 15; };" },
	{ .name = "takeover", .check = check_takeover, .offset = FIELD(fleet.takeover),
	  .example = "fleet = { takeover = \"never\"; };" },
	{ .name = "cert", .check = check_path, .offset = FIELD(fleet.cert),
	  .example = "fleet = { cert = \"/etc/warren/etcd-client.pem\"; };" },
	{ .name = "key", .check = check_path, .offset = FIELD(fleet.key),
	  .example = "fleet = { key = \"/etc/warren/etcd-client-key.pem\"; };" },
	{ .name = "cacert", .check = check_path, .offset = FIELD(fleet.cacert),
	  .example = "fleet = { cacert = \"/etc/warren/etcd-ca.pem\"; };" },
};

static const struct key top_keys[] = {
	{ .name = "image", .check = check_path, .offset = FIELD(image),
	  .example = "image = \"/var/lib/warren/images/default\";" },
	{ .name = "state_dir", .check = check_path, .offset = FIELD(state_dir),
	  .example = "state_dir = \"/var/lib/warren\";" },
	{ .name = "jail_groups", .check = check_names, .offset = FIELD(jail_groups),
	  .noun = "group", .example = "jail_groups = [ \"warren\" ];", .policy = true },
	{ .name = "exempt_users", .check = check_names, .offset = FIELD(exempt_users),
	  .noun = "user", .example = "exempt_users = [ \"root\" ];", .policy = true },
	{ .name = "defaults", .check = check_defaults,
	  .example = "defaults = { idle_timeout = 300; };",
	  .sub = defaults_keys, .n_sub = ELEMENTSOF(defaults_keys),
	  .limits_pre = "defaults = { ", .limits_post = " };" },
	{ .name = "groups", .check = check_entries, .offset = FIELD(limits.groups), .noun = "group",
	  .example = "groups = ( { name = \"students\"; memory = \"512M\"; } );",
	  .entry = &group_entry },
	{ .name = "users", .check = check_entries, .offset = FIELD(limits.users), .noun = "user",
	  .example = "users = ( { name = \"alice\"; memory = \"2G\"; } );",
	  .entry = &user_entry },
	{ .name = "bridge", .check = check_group,
	  .example = "bridge = { name = \"warren0\"; subnet = \"10.213.0.0/16\"; dns = [ ]; };",
	  .sub = bridge_keys, .n_sub = ELEMENTSOF(bridge_keys) },
	{ .name = "fleet", .check = check_fleet, .example = FLEET_EXAMPLE,
	  .sub = fleet_keys, .n_sub = ELEMENTSOF(fleet_keys) },
};

/* The file itself: a group whose settings are top_keys. */
static const struct key top_level = { .sub = top_keys, .n_sub = ELEMENTSOF(top_keys) };

void config_free(struct warren_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->image);
	free(c->state_dir);
	strv_free(c->jail_groups);
	strv_free(c->exempt_users);
	free(c->bridge.name);
	strv_free(c->bridge.dns);
	strv_free(c->bridge.deny);
	strv_free(c->bridge.allow);
	free(c->fleet.store);
	strv_free(c->fleet.etcd);
	free(c->fleet.cert);
	free(c->fleet.key);
	free(c->fleet.cacert);
	limit_config_clear(&c->limits);
	free(c);
}

/* The documented defaults (conf/warren.conf, warren.conf(5)). */
static struct warren_config *config_new_default(const char *path)
{
	struct warren_config *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->path = strdup(path);
	c->image = strdup("/var/lib/warren/images/default");
	c->state_dir = strdup("/var/lib/warren");
	c->jail_groups = strv_new1("warren");
	c->exempt_users = strv_new1("root");
	c->bridge.name = strdup("warren0");
	(void)ipv4_subnet_parse("10.213.0.0/16", &c->bridge.subnet);
	c->bridge.ipv6 = true;
	(void)ipv6_subnet_parse(IPV6_SUBNET_DEFAULT, &c->bridge.subnet6);
	c->fleet.lease_ttl = FLEET_TTL_DEFAULT;
	c->fleet.takeover = FLEET_TAKEOVER_NEVER;
	if (!c->path || !c->image || !c->state_dir || !c->jail_groups || !c->exempt_users ||
	    !c->bridge.name) {
		config_free(c);
		return NULL;
	}
	return c;
}

/* S as a C string literal: a value with a newline must not split a log line. */
static const char *quote(const char *s, char buf[QUOTE_SIZE])
{
	size_t i, o = 0;

	buf[o++] = '"';
	for (i = 0; s[i] && i < QUOTE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			o += (size_t)snprintf(buf + o, QUOTE_SIZE - o, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			o += (size_t)snprintf(buf + o, QUOTE_SIZE - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o++] = '"';
	if (s[i])
		o += (size_t)snprintf(buf + o, QUOTE_SIZE - o, "...");
	buf[o] = '\0';
	return buf;
}

static void error_reset(struct config_error *err, const char *file)
{
	snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = 0;
	err->msg[0] = '\0';
}

static int error_set(struct config_error *err, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int error_set(struct config_error *err, int line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Record an error about setting S unless an earlier one is already recorded. */
static int key_error(struct parse_ctx *ctx, int rc, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int key_error(struct parse_ctx *ctx, int rc, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;

	if (ctx->rc < 0)
		return rc;
	ctx->rc = rc;
	ctx->err->line = s ? (int)config_setting_source_line(s) : 0;
	va_start(ap, fmt);
	vsnprintf(ctx->err->msg, sizeof(ctx->err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

static const char *type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a floating-point number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	default:
		return "something else";
	}
}

/* What is wrong with PATH as a directory warren mounts from, or NULL if nothing. */
static const char *path_problem(const char *path)
{
	const char *p;

	if (!*path)
		return "is empty";
	if (path[0] != '/')
		return "is not an absolute path";
	if (strlen(path) >= CONFIG_PATH_MAX)
		return "is too long (4096 bytes or more)";
	/* ',' and ':' separate overlayfs mount options and lower layers; '\\' escapes them. */
	if (strpbrk(path, ",:\\"))
		return "contains ',', ':' or '\\' (separators in overlayfs mount options)";
	for (p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "contains a control character such as a newline";
	if (strcmp(path, "/") == 0)
		return "is the root directory itself";
	if (strstr(path, "//") || path[strlen(path) - 1] == '/')
		return "has an empty component ('//' or a trailing '/')";
	for (p = path; p; p = strchr(p + 1, '/')) {
		size_t len = strcspn(p + 1, "/");

		if ((len == 1 && p[1] == '.') || (len == 2 && p[1] == '.' && p[2] == '.'))
			return "has a '.' or '..' component";
	}
	return NULL;
}

static int check_path(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
		      const char *key)
{
	char **field = (char **)((char *)ctx->c + k->offset);
	char q[QUOTE_SIZE];
	const char *v, *why;
	char *copy;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s,
				 "%s: must be a string (an absolute path), not %s; expected e.g. %s",
				 key, type_name(s), k->example);
	v = config_setting_get_string(s);
	why = path_problem(v);
	if (why)
		return key_error(ctx, -EINVAL, s, "%s: %s %s; expected an absolute path, e.g. %s",
				 key, quote(v, q), why, k->example);
	copy = strdup(v);
	if (!copy)
		return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	free(*field);
	*field = copy;
	return 0;
}

/* Check element I of a name list; 0 if it may be added to LIST. */
static int check_name_elem(struct parse_ctx *ctx, const struct key *k, const char *key, int i,
			   config_setting_t *e, char **list)
{
	char q[QUOTE_SIZE];
	const char *v;

	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, e, "%s[%d]: must be a string (%s%s%s), not %s; expected e.g. %s",
				 key, i, k->elem_valid ? k->elem_what : "a ", k->elem_valid ? "" : k->noun,
				 k->elem_valid ? "" : " name", type_name(e), k->example);
	v = config_setting_get_string(e);
	if (k->elem_valid && !k->elem_valid(v))
		return key_error(ctx, -EINVAL, e, "%s[%d]: %s is not %s; expected %s", key, i,
				 quote(v, q), k->elem_what, k->elem_form);
	if (!k->elem_valid && !name_is_valid(v))
		return key_error(ctx, -EINVAL, e,
				 "%s[%d]: %s is not a valid %s name; expected 1 to 32 characters: "
				 "a letter or '_', then letters, digits, '_', '.' or '-'",
				 key, i, quote(v, q), k->noun);
	if (strv_contains(list, v))
		return key_error(ctx, -EINVAL, e, "%s[%d]: %s is listed twice; expected each %s once",
				 key, i, quote(v, q), k->noun);
	return 0;
}

/* An array of names (as K says) into *RET (free it). */
static int name_list(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
		     const char *key, char ***ret)
{
	_cleanup_(strv_freep) char **list = NULL;
	int i, n, r;

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST)
		return key_error(ctx, -EINVAL, s, "%s: must be an array of %s names, not %s; expected e.g. %s",
				 key, k->noun, type_name(s), k->example);
	n = config_setting_length(s);
	list = calloc((size_t)n + 1, sizeof(char *));
	if (!list)
		return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	for (i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		r = check_name_elem(ctx, k, key, i, e, list);
		if (r < 0)
			return r;
		list[i] = strdup(config_setting_get_string(e));
		if (!list[i])
			return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	}
	*ret = TAKE_PTR(list);
	return 0;
}

static int check_names(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
		       const char *key)
{
	char ***field = (char ***)((char *)ctx->c + k->offset);
	char **list;
	int r;

	if ((r = name_list(ctx, k, s, key, &list)) < 0)
		return r;
	strv_free(*field);
	*field = list;
	return 0;
}

/* layers, in defaults or an entry: at most LAYERS_MAX layer names (reslimits.h). */
static int check_layers(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			const char *key)
{
	char **list;
	int r;

	if (config_setting_length(s) > LAYERS_MAX)
		return key_error(ctx, -EINVAL, s, "%s: %d layers; expected at most %d", key,
				 config_setting_length(s), LAYERS_MAX);
	if ((r = name_list(ctx, k, s, key, &list)) < 0)
		return r;
	strv_free(ctx->limits->layers);
	ctx->limits->layers = list;
	ctx->limits->set |= 1u << LIMIT_LAYERS;
	return 0;
}

#define PORT_FORM "\"PORT/tcp\" or \"PORT/udp\" (PORT from 1 to 65535), or a range \"LOW-HIGH/tcp\""

/* Element I of isolated_ports (E) into *RET: a port or range, sharing no port with the
 * N before it in L (an nftables interval set refuses overlapping elements). */
static int check_port_elem(struct parse_ctx *ctx, const struct key *k, const char *key, int i,
			   config_setting_t *e, const struct port_list *l, struct port_range *ret)
{
	char q[QUOTE_SIZE], other[24];
	const char *v;
	int r;

	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, e, "%s[%d]: must be a string (" PORT_FORM "), not %s; "
				 "expected e.g. %s", key, i, type_name(e), k->example);
	v = config_setting_get_string(e);
	r = port_range_parse(v, ret);
	if (r == -ERANGE)
		return key_error(ctx, -EINVAL, e, "%s[%d]: %s: ports go from 1 to 65535, the lower "
				 "first; expected " PORT_FORM, key, i, quote(v, q));
	if (r < 0)
		return key_error(ctx, -EINVAL, e, "%s[%d]: %s is not a port; expected " PORT_FORM
				 ", e.g. %s", key, i, quote(v, q), k->example);
	for (unsigned j = 0; j < l->n; j++)
		if (port_range_overlap(&l->v[j], ret))
			return key_error(ctx, -EINVAL, e, "%s[%d]: %s overlaps %s (%s[%u]); expected "
					 "each port once", key, i, quote(v, q),
					 port_range_format(&l->v[j], other, sizeof(other)), key, j);
	return 0;
}

/* isolated_ports, in defaults or an entry: at most PORTS_MAX ports or ranges, none
 * overlapping another.  An empty list is allowed: ping only. */
static int check_isolated_ports(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
				const char *key)
{
	struct port_list l = { .n = 0 };
	int i, n, r;

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST)
		return key_error(ctx, -EINVAL, s, "%s: must be an array of ports, not %s; expected "
				 "e.g. %s", key, type_name(s), k->example);
	n = config_setting_length(s);
	if (n > PORTS_MAX)
		return key_error(ctx, -EINVAL, s, "%s: %d ports; expected at most %d (a range such as "
				 "\"8000-8099/tcp\" counts as one)", key, n, PORTS_MAX);
	for (i = 0; i < n; i++) {
		r = check_port_elem(ctx, k, key, i, config_setting_get_elem(s, (unsigned)i), &l,
				    &l.v[l.n]);
		if (r < 0)
			return r;
		l.n++;
	}
	ctx->limits->isolated_ports = l;
	ctx->limits->set |= 1u << LIMIT_ISOLATED_PORTS;
	return 0;
}

/* The settings of one bind, { from = ...; to = ...; ... }. */
static const char *const bind_keys[] = { "from", "to", "write", "exec", "create", "required" };

/* from or to of a bind: an absolute path (path_problem), %u its only token; to also
 * not where the container mounts its own (bind_to_problem).  A copy into *FIELD. */
static int check_bind_path(struct parse_ctx *ctx, config_setting_t *s, const char *key,
			   bool to, char **field)
{
	const char *example = to ? "to = \"/data\";" : "from = \"/srv/datasets\";";
	char q[QUOTE_SIZE];
	const char *v, *why;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a string (an absolute path), not %s; "
				 "expected e.g. %s", key, type_name(s), example);
	v = config_setting_get_string(s);
	why = path_problem(v);
	if (!why && strlen(v) >= BIND_PATH_MAX)
		why = "is too long (512 bytes or more)";
	if (!why)
		why = bind_token_problem(v);
	if (!why && to)
		why = bind_to_problem(v);
	if (why)
		return key_error(ctx, -EINVAL, s, "%s: %s %s; expected an absolute path, e.g. %s",
				 key, quote(v, q), why, example);
	free(*field);
	if (!(*field = strdup(v)))
		return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	return 0;
}

static int check_bind_bool(struct parse_ctx *ctx, config_setting_t *s, const char *key,
			   bool *field)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return key_error(ctx, -EINVAL, s, "%s: must be true or false (no quotes), not %s; "
				 "expected e.g. %s = true;", key, type_name(s), config_setting_name(s));
	*field = config_setting_get_bool(s);
	return 0;
}

static int check_bind_create(struct parse_ctx *ctx, config_setting_t *s, const char *key,
			     int *field)
{
	char q[QUOTE_SIZE];
	int r;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a string (an octal mode in quotes), not "
				 "%s; expected e.g. create = \"0700\";", key, type_name(s));
	r = bind_parse_mode(config_setting_get_string(s), field);
	if (r == -ERANGE)
		return key_error(ctx, -EINVAL, s, "%s: %s has bits beyond the permissions, setgid and "
				 "sticky; expected at most \"3777\", e.g. create = \"0700\";", key,
				 quote(config_setting_get_string(s), q));
	if (r < 0)
		return key_error(ctx, -EINVAL, s, "%s: %s is not an octal mode; expected up to four "
				 "digits 0-7, e.g. create = \"0700\";", key,
				 quote(config_setting_get_string(s), q));
	return 0;
}

/* One setting S (named NAME) of bind B. */
static int check_bind_setting(struct parse_ctx *ctx, config_setting_t *s, const char *name,
			      const char *key, struct bind_def *b)
{
	char known[128] = "";
	size_t o = 0;

	if (strcmp(name, "from") == 0 || strcmp(name, "to") == 0)
		return check_bind_path(ctx, s, key, name[0] == 't', name[0] == 't' ? &b->to : &b->from);
	if (strcmp(name, "write") == 0)
		return check_bind_bool(ctx, s, key, &b->write);
	if (strcmp(name, "exec") == 0)
		return check_bind_bool(ctx, s, key, &b->exec);
	if (strcmp(name, "required") == 0)
		return check_bind_bool(ctx, s, key, &b->required);
	if (strcmp(name, "create") == 0)
		return check_bind_create(ctx, s, key, &b->create);
	for (size_t i = 0; i < ELEMENTSOF(bind_keys); i++)
		o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s", i ? ", " : "", bind_keys[i]);
	return key_error(ctx, -EINVAL, s, "%s: unknown setting; expected one of: %s", key, known);
}

/* Element I of binds (KEY) into L->v[I]: a group with from and to, a to not listed
 * before in the same entry. */
static void check_bind(struct parse_ctx *ctx, config_setting_t *e, const char *key, int i,
		       struct bind_list *l)
{
	struct bind_def *b = &l->v[l->n++];
	char prefix[KEY_SIZE], sub[2 * KEY_SIZE], q[QUOTE_SIZE];
	int n;

	*b = (struct bind_def){ .exec = true, .create = BIND_NO_CREATE,
				.line = (int)config_setting_source_line(e) };
	/* libconfig gives a group the line where it ends: its first setting's is where
	 * an admin looks for it. */
	if (config_setting_type(e) == CONFIG_TYPE_GROUP && config_setting_length(e) > 0)
		b->line = (int)config_setting_source_line(config_setting_get_elem(e, 0));
	snprintf(prefix, sizeof(prefix), "%s[%d]", key, i);
	if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
		key_error(ctx, -EINVAL, e, "%s: must be a group { from = ...; to = ...; }, not %s; "
			  "expected e.g. " BIND_EXAMPLE, prefix, type_name(e));
		return;
	}
	n = config_setting_length(e);
	for (int j = 0; j < n; j++) {
		config_setting_t *s = config_setting_get_elem(e, (unsigned)j);

		snprintf(sub, sizeof(sub), "%s.%s", prefix, config_setting_name(s));
		check_bind_setting(ctx, s, config_setting_name(s), sub, b);
	}
	if (!b->from || !b->to) {
		key_error(ctx, -EINVAL, e, "%s: has no %s; expected e.g. " BIND_EXAMPLE, prefix,
			  b->from ? "to" : "from");
		return;
	}
	for (size_t j = 0; j + 1 < l->n; j++)
		if (l->v[j].to && strcmp(l->v[j].to, b->to) == 0) {
			key_error(ctx, -EINVAL, config_setting_lookup(e, "to"), "%s.to: %s is listed "
				  "twice in this entry (also %s[%zu]); expected one bind per to in an "
				  "entry", prefix, quote(b->to, q), key, j);
			return;
		}
}

/* binds, in defaults or an entry: a list ( { from; to; ... }, ... ) of at most BINDS_MAX. */
static int check_binds(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
		       const char *key)
{
	struct bind_list *l = &ctx->limits->binds;
	int n = config_setting_length(s);

	/* libconfig reads an empty "[ ]" as an array: that is an empty list too. */
	if (config_setting_type(s) != CONFIG_TYPE_LIST &&
	    !(config_setting_type(s) == CONFIG_TYPE_ARRAY && n == 0))
		return key_error(ctx, -EINVAL, s, "%s: must be a list ( { from = ...; to = ...; }, ... ), "
				 "not %s; expected e.g. %s", key, type_name(s), k->example);
	if (n > BINDS_MAX)
		return key_error(ctx, -EINVAL, s, "%s: %d binds; expected at most %d in one entry", key,
				 n, BINDS_MAX);
	bind_list_clear(l);
	if (n && !(l->v = calloc((size_t)n, sizeof(*l->v))))
		return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	for (int i = 0; i < n; i++)
		check_bind(ctx, config_setting_get_elem(s, (unsigned)i), key, i, l);
	return 0;
}

/* libconfig 1.5 reads a decimal integer without an 'L' suffix with atoi(), so that
 * 4294967596 silently becomes 300.  Find S's literal on its line in the text and tell
 * whether it differs from the value libconfig stored.  A line may set the same name more
 * than once ("users = ( { name = "a"; pids = 64; }, { name = "b"; pids = 96; } );"),
 * and libconfig does not say which is S: one literal that reads as V clears it.  If the
 * literal cannot be found (value on another line), trust libconfig: this is a safety
 * net, not the parser. */
static bool int_literal_mangled(const char *text, const config_setting_t *s, long long v)
{
	const char *name = config_setting_name(s), *p = text, *eol;
	size_t nlen = strlen(name);
	bool differs = false;
	int line;

	for (line = 1; line < (int)config_setting_source_line(s); line++) {
		p = strchr(p, '\n');
		if (!p)
			return false;
		p++;
	}
	eol = strchrnul(p, '\n');
	for (p = strstr(p, name); p && p < eol; p = strstr(p + 1, name)) {
		const char *q = p + nlen;
		char *end;
		long long lit;

		if (p > text && (isalnum((unsigned char)p[-1]) || strchr("_-*", p[-1])))
			continue;
		q += strspn(q, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q += 1 + strspn(q + 1, " \t");
		/* libconfig reads "0300" as decimal, so only "0x" switches the base. */
		errno = 0;
		lit = strtoll(q, &end, strncasecmp(q, "0x", 2) == 0 ? 16 : 10);
		if (end == q)
			continue;
		if (errno != ERANGE && lit == v)
			return false;
		differs = true;
	}
	return differs;
}

static bool is_integer(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_INT || config_setting_type(s) == CONFIG_TYPE_INT64;
}

/* S's integer into *RET; -ERANGE if libconfig silently cut the literal in the file. */
static int read_integer(const struct parse_ctx *ctx, const config_setting_t *s, long long *ret)
{
	*ret = config_setting_get_int64(s);
	if (config_setting_type(s) == CONFIG_TYPE_INT && int_literal_mangled(ctx->text, s, *ret))
		return -ERANGE;
	return 0;
}

/* pids, io_weight, idle_timeout: an integer in the key's range, or "max" where it lifts
 * a limit. */
static int check_count(struct parse_ctx *ctx, const struct limit_check *k, config_setting_t *s,
		       const char *key)
{
	const struct limit_def *d = k->def;
	bool max_ok = d->max_ok;
	const char *or_max = max_ok ? ", or \"max\"" : "";
	long long min = (long long)d->min, max = (long long)d->max;
	char q[QUOTE_SIZE];
	long long v;

	if (max_ok && config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *str = config_setting_get_string(s);

		if (strcmp(str, "max") != 0)
			return key_error(ctx, -EINVAL, s,
					 "%s: %s is not a number; expected an integer from %lld to %lld "
					 "(%s) without quotes, or \"max\"",
					 key, quote(str, q), min, max, d->unit);
		limit_set_put(ctx->limits, k->key, LIMIT_UNLIMITED);
		return 0;
	}
	if (!is_integer(s))
		return key_error(ctx, -EINVAL, s, "%s: must be an integer (%s)%s, not %s; expected e.g. %s",
				 key, d->unit, max_ok ? " or \"max\"" : "", type_name(s), k->example);
	if (read_integer(ctx, s, &v) < 0)
		return key_error(ctx, -EINVAL, s,
				 "%s: the number is out of range; expected an integer from %lld to %lld (%s)%s",
				 key, min, max, d->unit, or_max);
	if (v < min || v > max)
		return key_error(ctx, -EINVAL, s,
				 "%s: %lld is out of range; expected an integer from %lld to %lld (%s)%s",
				 key, v, min, max, d->unit, or_max);
	limit_set_put(ctx->limits, k->key, (uint64_t)v);
	return 0;
}

#define SIZE_FORM \
	"expected a number with an optional K, M, G or T suffix (e.g. \"512M\"), or \"max\""

/* A size as a string ("512M", "max") or a number of bytes into *RET. */
static int read_size(struct parse_ctx *ctx, const struct limit_check *k, config_setting_t *s,
		     const char *key, uint64_t *ret)
{
	char q[QUOTE_SIZE];
	long long v;
	int r;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *str = config_setting_get_string(s);

		r = limit_parse_size(str, ret);
		if (r == -ERANGE)
			return key_error(ctx, -EINVAL, s, "%s: %s is too large; expected less than "
					 "8388608T (2^63 bytes), or \"max\"", key, quote(str, q));
		if (r < 0)
			return key_error(ctx, -EINVAL, s, "%s: %s is not a size; " SIZE_FORM, key,
					 quote(str, q));
		return 0;
	}
	if (!is_integer(s))
		return key_error(ctx, -EINVAL, s, "%s: must be a size (a string such as \"512M\", or a "
				 "number of bytes), not %s; expected e.g. %s", key, type_name(s), k->example);
	/* Past 2^31 a plain literal needs an L suffix; a string says it better. */
	if (read_integer(ctx, s, &v) < 0)
		return key_error(ctx, -EINVAL, s, "%s: the number is out of range for libconfig; "
				 "expected a size as a string, e.g. %s", key, k->example);
	if (v < 0)
		return key_error(ctx, -EINVAL, s, "%s: %lld is not a size; " SIZE_FORM, key, v);
	*ret = (uint64_t)v;
	return 0;
}

/* memory, swap, disk: a size of at least the key's minimum, or "max". */
static int check_size(struct parse_ctx *ctx, const struct limit_check *k, config_setting_t *s,
		      const char *key)
{
	char got[32], least[32];
	uint64_t v;
	int r;

	r = read_size(ctx, k, s, key, &v);
	if (r < 0)
		return r;
	if (v != LIMIT_UNLIMITED && v < k->def->min)
		return key_error(ctx, -EINVAL, s, "%s: %s is too small; expected at least %s, or \"max\"",
				 key, limit_format(k->key, v, got, sizeof(got)),
				 limit_format(k->key, k->def->min, least, sizeof(least)));
	limit_set_put(ctx->limits, k->key, v);
	return 0;
}

#define CPUS_FORM "expected a number of cores from 0.01 to 1024 (e.g. 0.5), or \"max\""

/* cpus: a number of cores, floating-point or integer, or "max". */
static int check_cpus(struct parse_ctx *ctx, const struct limit_check *k, config_setting_t *s,
		      const char *key)
{
	char q[QUOTE_SIZE];
	uint64_t m;
	long long v;
	double d;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_FLOAT:
		d = config_setting_get_float(s);
		break;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (read_integer(ctx, s, &v) < 0)
			return key_error(ctx, -EINVAL, s, "%s: the number is out of range; " CPUS_FORM, key);
		d = (double)v;
		break;
	case CONFIG_TYPE_STRING:
		if (strcmp(config_setting_get_string(s), "max") == 0) {
			limit_set_put(ctx->limits, k->key, LIMIT_UNLIMITED);
			return 0;
		}
		return key_error(ctx, -EINVAL, s, "%s: %s is not a number of cores; expected a number "
				 "from 0.01 to 1024 without quotes (e.g. cpus = 0.5;), or \"max\"", key,
				 quote(config_setting_get_string(s), q));
	default:
		return key_error(ctx, -EINVAL, s, "%s: must be a number of cores or \"max\", not %s; "
				 "expected e.g. %s", key, type_name(s), k->example);
	}
	if (limit_cpus_from_double(d, &m) < 0)
		return key_error(ctx, -EINVAL, s, "%s: %g is out of range; " CPUS_FORM, key, d);
	limit_set_put(ctx->limits, k->key, m);
	return 0;
}

/* seccomp = "/path", apparmor = "/path": a file of the admin's, its path checked here and
 * its text where it is used (sysprofile.h, policy/apparmor.h; warrenctl check-config reads
 * it too).  The value is its place in the key's list of files, past the built-in choices. */
static int check_choice_file(struct parse_ctx *ctx, const struct limit_check *k,
			     config_setting_t *s, const char *key, const char *names)
{
	bool seccomp = k->key == LIMIT_SECCOMP;
	char ***files = seccomp ? &ctx->c->limits.seccomp_files : &ctx->c->limits.apparmor_files;
	const char *v = config_setting_get_string(s), *why = path_problem(v);
	char q[QUOTE_SIZE];
	uint64_t i = 0;

	if (!why && strlen(v) >= LIMIT_SECCOMP_PATH_MAX)
		why = "is too long (256 bytes or more)";
	if (why)
		return key_error(ctx, -EINVAL, s, "%s: %s %s; expected %s, e.g. %s = \"/etc/warren/"
				 "web.%s\";", key, quote(v, q), why, names, k->def->name,
				 seccomp ? "seccomp" : "aa");
	while (*files && (*files)[i] && strcmp((*files)[i], v) != 0)
		i++;
	if (!(*files && (*files)[i]) && strv_push(files, v) < 0)
		return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	limit_set_put(ctx->limits, k->key, (seccomp ? LIMIT_SECCOMP_FILE : LIMIT_APPARMOR_FILE) + i);
	return 0;
}

/* network, seccomp, apparmor: one of the key's names (or, for the last two, a file). */
static int check_choice(struct parse_ctx *ctx, const struct limit_check *k, config_setting_t *s,
			const char *key)
{
	char q[QUOTE_SIZE], names[128] = "";
	bool file = limit_takes_file(k->key);
	size_t o = 0;
	uint64_t v;

	for (const char *const *c = k->def->choices; *c && o < sizeof(names); c++)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s\"%s\"", o ? ", " : "", *c);
	if (file && o < sizeof(names))
		snprintf(names + o, sizeof(names) - o, " or the absolute path of a %s file",
			 k->key == LIMIT_SECCOMP ? "profile" : "rules");
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a string, one of %s, not %s; expected "
				 "e.g. %s", key, names, type_name(s), k->example);
	if (file && config_setting_get_string(s)[0] == '/')
		return check_choice_file(ctx, k, s, key, names);
	if (limit_choice_parse(k->key, config_setting_get_string(s), &v) < 0)
		return key_error(ctx, -EINVAL, s, "%s: %s is not one of %s; expected e.g. %s", key,
				 quote(config_setting_get_string(s), q), names, k->example);
	limit_set_put(ctx->limits, k->key, v);
	return 0;
}

/* peers: true or false. */
static int check_bool(struct parse_ctx *ctx, const struct limit_check *k, config_setting_t *s,
		      const char *key)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return key_error(ctx, -EINVAL, s, "%s: must be true or false (no quotes), not %s; "
				 "expected e.g. %s", key, type_name(s), k->example);
	limit_set_put(ctx->limits, k->key, config_setting_get_bool(s) ? 1 : 0);
	return 0;
}

#define RATE_FORM "expected bits per second with a unit kbit, mbit or gbit (e.g. \"100mbit\"), " \
	"or \"max\""

/* bandwidth.in, bandwidth.out: a rate as a string ("100mbit") within the key's range, or
 * "max". */
static int check_rate(struct parse_ctx *ctx, const struct limit_check *k, config_setting_t *s,
		      const char *key)
{
	char q[QUOTE_SIZE], got[32], bound[32], fix[32];
	const char *str;
	uint64_t v;
	int r;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a rate in a string, not %s; expected "
				 "e.g. %s", key, type_name(s), k->example);
	str = config_setting_get_string(s);
	r = limit_parse_rate(str, &v);
	if (r == -EPROTO) {
		/* tc's kbps, mbps, gbps are bytes: the same number of bits is eight times it. */
		char bits[48];

		snprintf(bits, sizeof(bits), "%.*sbit", (int)(strlen(str) - 3), str);
		if (limit_parse_rate(bits, &v) == 0 && v <= LIMIT_RATE_MAX / 8)
			snprintf(fix, sizeof(fix), "\"%s\"", limit_format(k->key, v * 8, got, sizeof(got)));
		else
			snprintf(fix, sizeof(fix), "eight times the number in bits");
		return key_error(ctx, -EINVAL, s, "%s: %s is bytes per second (tc's kbps, mbps and gbps "
				 "are bytes); warren's rates are bits per second: write %s", key,
				 quote(str, q), fix);
	}
	if (r == -EINVAL)
		return key_error(ctx, -EINVAL, s, "%s: %s is not a rate; " RATE_FORM, key, quote(str, q));
	if (r == -ERANGE || (v != LIMIT_UNLIMITED && v > k->def->max))
		return key_error(ctx, -EINVAL, s, "%s: %s is too high; expected at most %s, or \"max\" "
				 "for no limit", key, quote(str, q),
				 limit_format(k->key, k->def->max, bound, sizeof(bound)));
	if (v != LIMIT_UNLIMITED && v < k->def->min)
		return key_error(ctx, -EINVAL, s, "%s: %s is too low; expected at least %s, or \"max\" "
				 "for no limit", key, quote(str, q),
				 limit_format(k->key, k->def->min, bound, sizeof(bound)));
	limit_set_put(ctx->limits, k->key, v);
	return 0;
}

/* Limit key LK found in a group that takes limits (PARENT), by the key's kind. */
static int check_limit(struct parse_ctx *ctx, const struct key *parent, enum limit_key lk,
		       config_setting_t *s, const char *key)
{
	const struct limit_def *d = limit_def(lk);
	char example[KEY_SIZE];
	struct limit_check k = { .key = lk, .def = d, .example = example };

	const char *dot = strchr(d->name, '.');

	/* "bandwidth.in" is in of the group bandwidth: "bandwidth = { in = ...; };". */
	if (dot)
		snprintf(example, sizeof(example), "%s%.*s = { %s = %s; };%s", parent->limits_pre,
			 (int)(dot - d->name), d->name, dot + 1, d->example, parent->limits_post);
	else
		snprintf(example, sizeof(example), "%s%s = %s;%s", parent->limits_pre, d->name,
			 d->example, parent->limits_post);
	switch (d->kind) {
	case LIMIT_KIND_RATE:
		return check_rate(ctx, &k, s, key);
	case LIMIT_KIND_SIZE:
		return check_size(ctx, &k, s, key);
	case LIMIT_KIND_CPUS:
		return check_cpus(ctx, &k, s, key);
	case LIMIT_KIND_CHOICE:
		return check_choice(ctx, &k, s, key);
	case LIMIT_KIND_BOOL:
		return check_bool(ctx, &k, s, key);
	default:
		return check_count(ctx, &k, s, key);
	}
}

/* A nameserver a container can be given: an IPv4 or IPv6 address (an IPv4-mapped one is
 * the IPv4 address it maps: nameserver.h), but no IPv6 link-local one (fe80::/10), which
 * names a link of the host's (its %zone) that no container is on, and none that is no
 * nameserver's: unspecified, multicast, broadcast. */
static bool nameserver_valid(const char *s)
{
	struct nameserver ns;
	enum nameserver_kind k;

	if (nameserver_parse(s, &ns) < 0)
		return false;
	k = nameserver_kind(&ns);
	return k != NAMESERVER_LINK_LOCAL && k != NAMESERVER_NONE;
}

/* The form of a network (cidr_parse): its host bits are checked_networks's to explain. */
static bool allow_valid(const char *s)
{
	struct cidr c;

	return cidr_parse(s, &c) != -EINVAL;
}

static bool deny_valid(const char *s)
{
	return !strcmp(s, BRIDGE_DENY_CONNECTED) || allow_valid(s);
}

/* The network that S (ADDRESS/PREFIX with host bits set) is in, into BUF. */
static const char *cidr_fix(const char *s, char *buf, size_t len)
{
	const char *slash = strchr(s, '/');
	struct cidr host = { 0 }, net;
	char addr[CIDR_TEXT_MAX];

	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - s), s);
	(void)cidr_parse(addr, &host);
	net = cidr_network(host.family, host.addr, (unsigned)atoi(slash + 1));
	return cidr_format(&net, buf, len);
}

/* bridge.deny, bridge.allow: lists of networks (and "connected" in deny), at most
 * BRIDGE_NETWORKS_MAX, each without host bits. */
static int check_networks(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			  const char *key)
{
	char ***field = (char ***)((char *)ctx->c + k->offset);
	_cleanup_(strv_freep) char **list = NULL;
	char q[QUOTE_SIZE], net[CIDR_TEXT_MAX];
	struct cidr c;
	int r;

	if ((config_setting_type(s) == CONFIG_TYPE_ARRAY || config_setting_type(s) == CONFIG_TYPE_LIST) &&
	    config_setting_length(s) > BRIDGE_NETWORKS_MAX)
		return key_error(ctx, -EINVAL, s, "%s: %d networks; expected at most %d (join "
				 "neighbours into one shorter prefix)", key, config_setting_length(s),
				 BRIDGE_NETWORKS_MAX);
	if ((r = name_list(ctx, k, s, key, &list)) < 0)
		return r;
	for (int i = 0; list[i]; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		r = strcmp(list[i], BRIDGE_DENY_CONNECTED) ? cidr_parse(list[i], &c) : 0;
		if (r == -ERANGE)
			return key_error(ctx, -EINVAL, e, "%s[%d]: %s: the prefix is longer than the "
					 "address (/32 for IPv4, /128 for IPv6); expected e.g. %s", key, i,
					 quote(list[i], q), k->example);
		if (r == -EDOM)
			return key_error(ctx, -EINVAL, e, "%s[%d]: %s has host bits set; expected the "
					 "network's own address, \"%s\" (or the address alone for that "
					 "one host)", key, i, quote(list[i], q), cidr_fix(list[i], net,
											 sizeof(net)));
	}
	strv_free(*field);
	*field = TAKE_PTR(list);
	return 0;
}

/* bridge.name: an interface name. */
static int check_ifname(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			const char *key)
{
	char **field = (char **)((char *)ctx->c + k->offset);
	char q[QUOTE_SIZE];
	const char *v;
	char *copy;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a string (an interface name), not %s; "
				 "expected e.g. %s", key, type_name(s), k->example);
	v = config_setting_get_string(s);
	if (!bridge_name_is_valid(v))
		return key_error(ctx, -EINVAL, s, "%s: %s is not an interface name warren can use; "
				 "expected 1 to 15 of A-Z a-z 0-9 _ . - (and not wr followed by hex "
				 "digits, alone or with -ifb: those are the users' veths and ifbs), e.g. %s",
				 key, quote(v, q), k->example);
	if (!(copy = strdup(v)))
		return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	free(*field);
	*field = copy;
	return 0;
}

/* bridge.subnet: an IPv4 network in CIDR form. */
static int check_subnet(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			const char *key)
{
	struct ipv4_subnet *field = (struct ipv4_subnet *)(void *)((char *)ctx->c + k->offset);
	char q[QUOTE_SIZE];
	const char *v;
	int r;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a string (an IPv4 network), not %s; "
				 "expected e.g. %s", key, type_name(s), k->example);
	v = config_setting_get_string(s);
	r = ipv4_subnet_parse(v, field);
	if (r == -ERANGE)
		return key_error(ctx, -EINVAL, s, "%s: %s: the prefix must be from /%d to /%d; expected "
				 "e.g. %s", key, quote(v, q), IPV4_PREFIX_MIN, IPV4_PREFIX_MAX,
				 k->example);
	if (r == -EDOM)
		return key_error(ctx, -EINVAL, s, "%s: %s has host bits set; expected the network's "
				 "own address, e.g. %s", key, quote(v, q), k->example);
	if (r < 0)
		return key_error(ctx, -EINVAL, s, "%s: %s is not an IPv4 network; expected "
				 "ADDRESS/PREFIX, e.g. %s", key, quote(v, q), k->example);
	return 0;
}

/* bridge.subnet6: a unique local IPv6 /64. */
static int check_subnet6(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			 const char *key)
{
	struct ipv6_addr *field = (struct ipv6_addr *)(void *)((char *)ctx->c + k->offset);
	char q[QUOTE_SIZE];
	const char *v;
	int r;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a string (a unique local IPv6 /64), "
				 "not %s; expected e.g. %s", key, type_name(s), k->example);
	v = config_setting_get_string(s);
	r = ipv6_subnet_parse(v, field);
	if (r == -ERANGE)
		return key_error(ctx, -EINVAL, s, "%s: %s: the prefix must be /64 (one network per "
				 "bridge, addresses from the users' slots); expected e.g. %s", key,
				 quote(v, q), k->example);
	if (r == -EDOM)
		return key_error(ctx, -EINVAL, s, "%s: %s has host bits set; expected the network's "
				 "own address, e.g. %s", key, quote(v, q), k->example);
	if (r == -EADDRNOTAVAIL)
		return key_error(ctx, -EINVAL, s, "%s: %s is not a unique local network (fc00::/7, "
				 "RFC 4193): containers' addresses are never routed beyond the host, "
				 "NAT66 takes them out; expected e.g. %s", key, quote(v, q), k->example);
	if (r < 0)
		return key_error(ctx, -EINVAL, s, "%s: %s is not an IPv6 network; expected "
				 "ADDRESS/64, e.g. %s", key, quote(v, q), k->example);
	return 0;
}

/* A setting that is true or false (bridge.ipv6). */
static int check_flag(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
		      const char *key)
{
	bool *field = (bool *)(void *)((char *)ctx->c + k->offset);

	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return key_error(ctx, -EINVAL, s, "%s: must be true or false (no quotes), not %s; "
				 "expected e.g. %s", key, type_name(s), k->example);
	*field = config_setting_get_bool(s) != 0;
	return 0;
}

/* The name of a groups or users entry: valid, and not the name of an earlier entry. */
static int check_entry_name(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			    const char *key)
{
	struct limit_entries *l = ctx->entries;
	char q[QUOTE_SIZE];
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a string (a %s name), not %s; "
				 "expected e.g. %s", key, k->noun, type_name(s), k->example);
	v = config_setting_get_string(s);
	if (!name_is_valid(v))
		return key_error(ctx, -EINVAL, s,
				 "%s: %s is not a valid %s name; expected 1 to 32 characters: "
				 "a letter or '_', then letters, digits, '_', '.' or '-'",
				 key, quote(v, q), k->noun);
	for (size_t i = 0; i + 1 < l->n; i++)
		if (strcmp(l->v[i].name, v) == 0)
			return key_error(ctx, -EINVAL, s, "%s: %s is listed twice (also %s[%zu]); "
					 "expected one entry per %s", key, quote(v, q), ctx->entries_key,
					 i, k->noun);
	l->v[l->n - 1].name = strdup(v);
	if (!l->v[l->n - 1].name)
		return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	return 0;
}

static void check_settings(struct parse_ctx *ctx, config_setting_t *group, const char *prefix,
			   const struct key *parent);

static int check_group(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
		       const char *key)
{
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return key_error(ctx, -EINVAL, s, "%s: must be a group, not %s; expected e.g. %s", key,
				 type_name(s), k->example);
	check_settings(ctx, s, key, k);
	return 0;
}

static int check_defaults(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			  const char *key)
{
	int r;

	ctx->limits = &ctx->c->limits.defaults;
	r = check_group(ctx, k, s, key);
	ctx->limits = NULL;
	return r;
}

static const char *const takeover_names[] = { "never", "idle", "always" };

const char *fleet_takeover_name(enum fleet_takeover t)
{
	return (size_t)t < ELEMENTSOF(takeover_names) ? takeover_names[t] : "?";
}

/* What is wrong with URL as an etcd endpoint (ENDPOINT_FORM), or NULL if nothing.  Only
 * a scheme, a host and a port: a path, user or query would be sent somewhere else. */
static const char *endpoint_problem(const char *url)
{
	const char *host, *p;
	unsigned long port;
	char *end;

	if (strlen(url) >= FLEET_URL_MAX)
		return "is too long (256 bytes or more)";
	if (!strncmp(url, "http://", 7))
		host = url + 7;
	else if (!strncmp(url, "https://", 8))
		host = url + 8;
	else
		return "does not start with http:// or https://";
	if (*host == '[') {
		p = host + 1 + strspn(host + 1, "0123456789abcdefABCDEF:.");
		if (*p != ']' || p == host + 1)
			return "has a '[' that is not an IPv6 address closed by ']'";
		p++;
	} else {
		p = host + strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789.-");
		if (p == host)
			return "has no host name or address after the scheme";
	}
	if (*p != ':')
		return *p ? "has a character that is not part of a host name or address" :
			    "has no port (etcd's client port is usually 2379)";
	if (!isdigit((unsigned char)p[1]))
		return "has no port number after ':'";
	errno = 0;
	port = strtoul(p + 1, &end, 10);
	if (errno || port < 1 || port > 65535)
		return "has a port out of range (1 to 65535)";
	if (*end)
		return "has text after the port (a path, query or '/'): give the scheme, host and "
		       "port only";
	return NULL;
}

/* fleet.etcd: 1 to FLEET_ENDPOINTS_MAX endpoints, each once, all of one scheme. */
static int check_endpoints(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			   const char *key)
{
	_cleanup_(strv_freep) char **list = NULL;
	char q[QUOTE_SIZE];
	int n;

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST)
		return key_error(ctx, -EINVAL, s, "%s: must be an array of endpoint URLs, not %s; "
				 "expected e.g. %s", key, type_name(s), k->example);
	n = config_setting_length(s);
	if (n < 1 || n > FLEET_ENDPOINTS_MAX)
		return key_error(ctx, -EINVAL, s, "%s: %d endpoints; expected 1 to %d, e.g. %s", key, n,
				 FLEET_ENDPOINTS_MAX, k->example);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v, *why;

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return key_error(ctx, -EINVAL, e, "%s[%d]: must be a string (an endpoint URL), "
					 "not %s; expected " ENDPOINT_FORM, key, i, type_name(e));
		v = config_setting_get_string(e);
		if ((why = endpoint_problem(v)))
			return key_error(ctx, -EINVAL, e, "%s[%d]: %s %s; expected " ENDPOINT_FORM, key,
					 i, quote(v, q), why);
		if (strv_contains(list, v))
			return key_error(ctx, -EINVAL, e, "%s[%d]: %s is listed twice; expected each "
					 "endpoint once", key, i, quote(v, q));
		if (i > 0 && strncmp(v, list[0], 5) != 0)
			return key_error(ctx, -EINVAL, e, "%s[%d]: %s: the endpoints mix http:// and "
					 "https://; expected one scheme for all (https:// with cert and "
					 "key where etcd asks for client certificates)", key, i, quote(v, q));
		if (strv_push(&list, v) < 0)
			return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	}
	strv_free(ctx->c->fleet.etcd);
	ctx->c->fleet.etcd = TAKE_PTR(list);
	return 0;
}

/* fleet.lease_ttl: seconds, FLEET_TTL_MIN..FLEET_TTL_MAX. */
static int check_lease_ttl(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			   const char *key)
{
	long long v;

	if (!is_integer(s))
		return key_error(ctx, -EINVAL, s, "%s: must be an integer (seconds), not %s; expected "
				 "e.g. %s", key, type_name(s), k->example);
	if (read_integer(ctx, s, &v) < 0)
		return key_error(ctx, -EINVAL, s, "%s: the number is out of range; expected an integer "
				 "from %d to %d (seconds), e.g. %s", key, FLEET_TTL_MIN, FLEET_TTL_MAX,
				 k->example);
	if (v < FLEET_TTL_MIN || v > FLEET_TTL_MAX)
		return key_error(ctx, -EINVAL, s, "%s: %lld is out of range; expected an integer from "
				 "%d to %d (seconds), e.g. %s", key, v, FLEET_TTL_MIN, FLEET_TTL_MAX,
				 k->example);
	ctx->c->fleet.lease_ttl = (unsigned)v;
	return 0;
}

/* fleet.takeover: one of takeover_names. */
static int check_takeover(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			  const char *key)
{
	char q[QUOTE_SIZE];

	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		for (size_t i = 0; i < ELEMENTSOF(takeover_names); i++)
			if (!strcmp(config_setting_get_string(s), takeover_names[i])) {
				ctx->c->fleet.takeover = (enum fleet_takeover)i;
				return 0;
			}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return key_error(ctx, -EINVAL, s, "%s: must be a string, one of \"never\", \"idle\", "
				 "\"always\", not %s; expected e.g. %s", key, type_name(s), k->example);
	return key_error(ctx, -EINVAL, s, "%s: %s is not one of \"never\", \"idle\", \"always\"; "
			 "expected e.g. %s", key, quote(config_setting_get_string(s), q), k->example);
}

/* fleet = { ... }: its settings, then what they need of each other: a store and etcd
 * endpoints; TLS files only with https://, a certificate with its key. */
static int check_fleet(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
		       const char *key)
{
	struct fleet_config *f = &ctx->c->fleet;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return key_error(ctx, -EINVAL, s, "%s: must be a group, not %s; expected e.g. %s", key,
				 type_name(s), k->example);
	f->set = true;
	check_settings(ctx, s, key, k);
	if (ctx->rc < 0)
		return ctx->rc;
	if (!f->store)
		return key_error(ctx, -EINVAL, s, "%s: has no store; expected the shared mount every "
				 "login host has, e.g. %s", key, k->example);
	if (!f->etcd)
		return key_error(ctx, -EINVAL, s, "%s: has no etcd; expected the endpoints of the "
				 "site's etcd cluster, e.g. %s", key, k->example);
	if (!f->cert != !f->key)
		return key_error(ctx, -EINVAL, s, "%s: has %s without %s; expected both (the client's "
				 "certificate and its key) or neither", key, f->cert ? "cert" : "key",
				 f->cert ? "key" : "cert");
	if ((f->cert || f->cacert) && strncmp(f->etcd[0], "https://", 8) != 0)
		return key_error(ctx, -EINVAL, s, "%s: has TLS files but its etcd endpoints are "
				 "http://; expected https:// endpoints (or no cert, key and cacert)", key);
	return 0;
}

/* Element I of groups or users (K) into L, unless it is not a group with a valid name. */
static void check_entry(struct parse_ctx *ctx, const struct key *k, config_setting_t *e,
			const char *key, int i, struct limit_entries *l)
{
	char prefix[KEY_SIZE];

	snprintf(prefix, sizeof(prefix), "%s[%d]", key, i);
	if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
		key_error(ctx, -EINVAL, e, "%s: must be a group { name = ...; }, not %s; expected e.g. %s",
			  prefix, type_name(e), k->entry->sub[0].example);
		return;
	}
	l->n++; /* calloc'd: an entry with no name and no limits */
	ctx->entries = l;
	ctx->entries_key = key;
	ctx->limits = &l->v[l->n - 1].limits;
	check_settings(ctx, e, prefix, k->entry);
	if (!l->v[l->n - 1].name) {
		key_error(ctx, -EINVAL, e, "%s: has no name; expected e.g. %s", prefix,
			  k->entry->sub[0].example);
		/* A nameless entry would match nobody and trip up every lookup: drop it,
		 * and clear its slot for the next entry. */
		l->v[--l->n] = (struct limit_entry){ 0 };
	}
	ctx->entries = NULL;
	ctx->limits = NULL;
}

/* groups and users: a list of { name = ...; limits... } in ( ). */
static int check_entries(struct parse_ctx *ctx, const struct key *k, config_setting_t *s,
			 const char *key)
{
	struct limit_entries *l = (struct limit_entries *)(void *)((char *)ctx->c + k->offset);
	int i, n;

	/* libconfig reads an empty "[ ]" as an array: that is an empty list too. */
	if (config_setting_type(s) != CONFIG_TYPE_LIST &&
	    !(config_setting_type(s) == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0))
		return key_error(ctx, -EINVAL, s, "%s: must be a list ( { name = ...; }, ... ) of "
				 "%s entries, not %s; expected e.g. %s", key, k->noun, type_name(s),
				 k->example);
	n = config_setting_length(s);
	l->v = calloc((size_t)n + 1, sizeof(*l->v));
	if (!l->v)
		return key_error(ctx, -ENOMEM, s, "%s: out of memory", key);
	for (i = 0; i < n; i++)
		check_entry(ctx, k, config_setting_get_elem(s, (unsigned)i), key, i, l);
	return 0;
}

/* PARENT's settings, then the limit keys if it takes them, as "a, b, c" (a group of
 * limits, bandwidth, once). */
static int unknown_key(struct parse_ctx *ctx, const config_setting_t *s, const char *key,
		       const struct key *parent)
{
	size_t n_limits = parent->limits_pre ? LIMIT__COUNT : 0;
	char known[320] = "";
	const char *prev = "";
	size_t i, o = 0, prev_len = 0;

	for (i = 0; i < parent->n_sub + n_limits && o < sizeof(known); i++) {
		const char *name = i < parent->n_sub ? parent->sub[i].name
						     : limit_key_name((enum limit_key)(i - parent->n_sub));
		size_t len = strcspn(name, ".");

		if (len == prev_len && strncmp(prev, name, len) == 0)
			continue;
		o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%.*s", i ? ", " : "", (int)len,
				      name);
		prev = name;
		prev_len = len;
	}
	return key_error(ctx, -EINVAL, s, "%s: unknown setting; expected one of: %s", key, known);
}

/* The settings of GROUP if it is a group of limit keys ("in, out" of bandwidth, for
 * "bandwidth.in" and "bandwidth.out") into BUF; how many. */
static int limit_group_members(const char *group, char *buf, size_t len)
{
	size_t n = strlen(group), o = 0;
	int found = 0;

	buf[0] = '\0';
	for (int k = 0; k < LIMIT__COUNT; k++) {
		const char *l = limit_key_name((enum limit_key)k);

		if (strncmp(l, group, n) == 0 && l[n] == '.' && o < len) {
			o += (size_t)snprintf(buf + o, len - o, "%s%s", found ? ", " : "", l + n + 1);
			found++;
		}
	}
	return found;
}

/* A group of limit keys, bandwidth = { in = ...; out = ...; }: each of its settings is the
 * limit key "GROUP.SETTING", each optional. */
static int check_limit_group(struct parse_ctx *ctx, const struct key *parent, config_setting_t *s,
			     const char *key)
{
	const char *group = config_setting_name(s);
	char name[KEY_SIZE], sub[2 * KEY_SIZE], known[128];
	enum limit_key lk;

	limit_group_members(group, known, sizeof(known));
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return key_error(ctx, -EINVAL, s, "%s: must be a group { %s }, each optional, not %s; "
				 "expected e.g. %s = { in = \"100mbit\"; out = \"20mbit\"; };", key, known,
				 type_name(s), group);
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		snprintf(name, sizeof(name), "%s.%s", group, config_setting_name(e));
		snprintf(sub, sizeof(sub), "%s.%s", key, config_setting_name(e));
		if (limit_key_lookup(name, &lk) < 0)
			key_error(ctx, -EINVAL, e, "%s: unknown setting; expected one of: %s", sub, known);
		else
			check_limit(ctx, parent, lk, e, sub);
	}
	return 0;
}

/* Check every setting in GROUP against PARENT's keys (and the limit keys, where it
 * takes them), in file order, so the first error reported is the first in the file;
 * keep going so the policy keys are read even after one. */
static void check_settings(struct parse_ctx *ctx, config_setting_t *group, const char *prefix,
			   const struct key *parent)
{
	int i, n = config_setting_length(group);

	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct key *k = NULL;
		enum limit_key lk;
		char key[KEY_SIZE], members[128];
		size_t j;

		snprintf(key, sizeof(key), "%s%s%s", prefix ? prefix : "", prefix ? "." : "", name);
		for (j = 0; j < parent->n_sub && !k; j++)
			if (strcmp(parent->sub[j].name, name) == 0)
				k = &parent->sub[j];
		if (!k && parent->limits_pre && limit_key_lookup(name, &lk) == 0) {
			check_limit(ctx, parent, lk, s, key);
		} else if (!k && parent->limits_pre &&
			   limit_group_members(name, members, sizeof(members)) > 0) {
			check_limit_group(ctx, parent, s, key);
		} else if (!k) {
			unknown_key(ctx, s, key, parent);
			/* An unknown top-level key may be a misspelt jail_groups: the
			 * default in its place would jail the wrong people. */
			if (!prefix)
				ctx->policy_ok = false;
		} else if (k->check(ctx, k, s, key) < 0 && k->policy) {
			ctx->policy_ok = false;
		}
	}
}

/* libconfig follows @include to any path, and an included file escapes the ownership
 * check; so refuse the directive (libconfig recognises it only at a line's start). */
static int include_line(const char *text)
{
	const char *p;
	int line = 1;

	for (p = text; *p; line++) {
		p += strspn(p, " \t\r\f\v");
		if (strncmp(p, "@include", 8) == 0)
			return line;
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	return 0;
}

static int syntax_error(const config_t *lc, struct config_error *err)
{
	const char *text = config_error_text(lc) ? config_error_text(lc) : "unknown error";
	const char *hint = "NAME = VALUE; settings, strings in double quotes, arrays in [ ]"
			   " (look at this line and the end of the one before)";

	if (strstr(text, "duplicate"))
		hint = "each setting at most once";
	else if (strstr(text, "mismatched"))
		hint = "all elements of an array [ ] of one type, e.g. all strings";
	return error_set(err, config_error_line(lc), "libconfig: %s; expected %s", text, hint);
}

/* Parse TEXT into CTX->c; -EINVAL and *SYNTAX_OK = false if libconfig cannot read it. */
static int config_check_text(struct parse_ctx *ctx, bool *syntax_ok)
{
	config_t lc;
	int r = 0;

	config_init(&lc);
	*syntax_ok = config_read_string(&lc, ctx->text) == CONFIG_TRUE;
	if (!*syntax_ok)
		r = syntax_error(&lc, ctx->err);
	else
		check_settings(ctx, config_root_setting(&lc), NULL, &top_level);
	config_destroy(&lc);
	return r < 0 ? r : ctx->rc;
}

int config_parse_string(const char *text, const char *name, struct warren_config **ret,
			struct warren_config **ret_policy, struct config_error *err)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct config_error dummy;
	struct parse_ctx ctx;
	bool syntax_ok;
	int line, r;

	if (!err)
		err = &dummy;
	if (!name)
		name = "(string)";
	error_reset(err, name);
	if (ret_policy)
		*ret_policy = NULL;
	if (!text)
		return error_set(err, 0, "no text to parse");

	line = include_line(text);
	if (line > 0)
		return error_set(err, line, "@include: not allowed; expected every setting in this one "
				 "file (an included file would escape the ownership check)");
	c = config_new_default(name);
	if (!c) {
		error_set(err, 0, "out of memory");
		return -ENOMEM;
	}
	ctx = (struct parse_ctx){ .text = text, .c = c, .err = err, .policy_ok = true };
	r = config_check_text(&ctx, &syntax_ok);
	if (r < 0) {
		if (syntax_ok && ctx.policy_ok && ret_policy)
			*ret_policy = TAKE_PTR(c);
		return r;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

/* Open PATH itself, never what a symlink there points at; O_NONBLOCK so that a FIFO
 * planted there cannot hang every login (it is refused by the checks after fstat). */
static int config_file_open(const char *path, struct config_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int e = errno;

	if (fd >= 0)
		return fd;
	if (e == ENOENT) {
		error_set(err, 0, "does not exist; expected the warren configuration here; fix: "
			  "copy %s/warren/warren.conf.example to %s and review it", SYSCONFDIR, path);
		return -ENOENT;
	}
	if (e == ELOOP) {
		error_set(err, 0, "is a symbolic link; expected a regular file owned by root; "
			  "fix: replace the link with the file it points to");
		return -ELOOP;
	}
	error_set(err, 0, "cannot be opened: %s; expected a file root can read", strerror(e));
	return -e;
}

/* HACKING.md §4: whoever can write the config decides who is jailed and how. */
static int config_file_check(int fd, const char *path, size_t *ret_size, struct timespec *ret_mtime,
			     struct config_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int e = errno;

		error_set(err, 0, "cannot be inspected: %s", strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode))
		return error_set(err, 0, "is not a regular file; expected a regular file owned by root");
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		error_set(err, 0, "is writable by group or others (mode %04o); fix: chmod go-w %s",
			  (unsigned)(st.st_mode & 07777), path);
		return -EPERM;
	}
	if (st.st_uid != 0) {
		error_set(err, 0, "owned by uid %u, must be owned by root; fix: chown root:root %s",
			  (unsigned)st.st_uid, path);
		return -EPERM;
	}
	if (st.st_size > CONFIG_MAX_SIZE) {
		error_set(err, 0, "is %lld bytes; expected a config file of at most %d bytes",
			  (long long)st.st_size, CONFIG_MAX_SIZE);
		return -EFBIG;
	}
	*ret_size = (size_t)st.st_size;
	*ret_mtime = st.st_mtim;
	return 0;
}

/* Read the whole file from FD (SIZE bytes per fstat) into a NUL-terminated string. */
static int config_file_read(int fd, size_t size, char **ret, struct config_error *err)
{
	_cleanup_free_ char *text = malloc(size + 2);
	size_t got = 0;

	if (!text) {
		error_set(err, 0, "out of memory");
		return -ENOMEM;
	}
	/* Read one byte more than fstat said, to notice a file being rewritten. */
	while (got < size + 1) {
		ssize_t n = read(fd, text + got, size + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			error_set(err, 0, "cannot be read: %s", strerror(e));
			return -e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != size) {
		error_set(err, 0, "changed while being read; expected a file that is replaced "
			  "atomically (write a new file, then rename it)");
		return -EAGAIN;
	}
	text[got] = '\0';
	if (strlen(text) != got)
		return error_set(err, 0, "contains a NUL byte; expected a text file");
	*ret = TAKE_PTR(text);
	return 0;
}

int config_read_text(const char *path, char **ret_text, struct timespec *ret_mtime,
		struct config_error *err)
{
	_cleanup_close_ int fd = -EBADF;
	struct timespec mtime;
	size_t size = 0;
	int r;

	error_reset(err, path);
	fd = config_file_open(path, err);
	if (fd < 0)
		return fd;
	r = config_file_check(fd, path, &size, &mtime, err);
	if (r < 0)
		return r;
	/* What is parsed is what was read through the checked fd, never PATH again (a
	 * rename between check and use would swap the file). */
	r = config_file_read(fd, size, ret_text, err);
	if (r < 0)
		return r;
	if (ret_mtime)
		*ret_mtime = mtime;
	return 0;
}

int config_load(const char *path, struct warren_config **ret, struct warren_config **ret_policy,
		struct config_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct config_error dummy;
	int r;

	if (!err)
		err = &dummy;
	if (ret_policy)
		*ret_policy = NULL;
	/* In memory, because the @include and integer checks need the text. */
	r = config_read_text(path, &text, NULL, err);
	if (r < 0)
		return r;
	return config_parse_string(text, path, ret, ret_policy, err);
}

enum jail_verdict config_jail_verdict(const struct warren_config *policy, unsigned uid,
				      const char *name, char *const *groups, const char **ret_group)
{
	if (uid == 0)
		return JAIL_NO_ROOT;
	if (strv_contains(policy->exempt_users, name))
		return JAIL_NO_EXEMPT;
	for (; groups && *groups; groups++)
		if (strv_contains(policy->jail_groups, *groups)) {
			if (ret_group)
				*ret_group = *groups;
			return JAIL_YES;
		}
	return JAIL_NO_GROUP;
}

void config_error_format(const struct config_error *err, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	if (err->line > 0)
		snprintf(buf, len, "%s:%d: %s", err->file, err->line, err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
}
