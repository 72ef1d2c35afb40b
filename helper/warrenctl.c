/* warrenctl.c - the administrator's command line for warren.
 *
 * Its commands are one table (commands[], below): each row has the command's synopsis
 * and help, from which usage and --help are made, the number of arguments and the flags
 * it takes, which main() checks, and its handler.  It acts on containers only through
 * warren-helper's verbs, which take the user's lock (ctl/exec.c: enter, exec, stop, gc,
 * reset); the rest reads (config, NSS, the runtime records, cgroups) or builds images.
 * check-config and explain need no root: one reads a file, the other asks NSS.  This is
 * the only file that prints; the library code it calls returns codes and filled-in errors.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/layout.h"
#include "policy/config.h"
#include "ctl/log.h"
#include "ctl/ls.h"
#include "ctl/doctor.h"
#include "ctl/fleet.h"
#include "ctl/exec.h"
#include "ctl/image.h"
#include "storage/disk.h"
#include "policy/lastgood.h"
#include "lib/names.h"
#include "lib/ipv4.h"
#include "lib/ipv6.h"
#include "net/egress.h"
#include "net/net.h"
#include "net/netalloc.h"
#include "policy/reslimits.h"
#include "lib/strv.h"
#include "lib/text.h"
#include "wire/confine.h"
#include "wire/sysprofile.h"
#include "policy/apparmor.h"
#include "policy/users.h"

#define EXIT_USAGE 2
#define PW_BUF_MAX (1024 * 1024)

/* The flags, each allowed by the commands whose row says so; above any short
 * option's character, which getopt_long returns for those. */
enum {
	OPT_JSON = 1 << 8,
	OPT_ALL = 1 << 9,
	OPT_ROOT = 1 << 10,
	OPT_MEMORY = 1 << 11,
	OPT_ONCE = 1 << 12,
	OPT_HOME = 1 << 13,
	OPT_YES = 1 << 14,
	OPT_STOP = 1 << 15,
	OPT_SUITE = 1 << 16, /* these four take a value */
	OPT_PACKAGES = 1 << 17,
	OPT_FROM = 1 << 18,
	OPT_DEB = 1 << 19,
	OPT_FLEET = 1 << 20,
};

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "root", no_argument, NULL, OPT_ROOT },
	{ "memory", no_argument, NULL, OPT_MEMORY },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "home", no_argument, NULL, OPT_HOME },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "stop", no_argument, NULL, OPT_STOP },
	{ "suite", required_argument, NULL, OPT_SUITE },
	{ "packages", required_argument, NULL, OPT_PACKAGES },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "deb", required_argument, NULL, OPT_DEB },
	{ "fleet", no_argument, NULL, OPT_FLEET },
	{ NULL, 0, NULL, 0 },
};

static const char *arg_config;
static unsigned arg_opts;
static struct image_options arg_image;

static bool opt(unsigned o)
{
	return arg_opts & o;
}

static void usage(FILE *f);

/* A usage error: say what is wrong (FMT, unless getopt already did), then how to call. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fputs("warrenctl: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputs("\n", stderr);
	}
	usage(stderr);
	return EXIT_USAGE;
}

/* NAME with control characters (C1 too) and bytes that are not UTF-8 shown as '?':
 * names from NSS are not ours to trust. */
static void print_name(const char *name)
{
	_cleanup_free_ char *safe = strdup(name);

	if (!safe)
		return (void)fputs("?", stdout);
	text_mask(safe, '?');
	fputs(safe, stdout);
}

static const char *format_time(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;

	if (!localtime_r(&t->tv_sec, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "@%lld", (long long)t->tv_sec);
	return buf;
}

/* What a broken file at PATH does as the live config (policy.h: fail closed). */
static void print_consequence(const char *path)
{
	_cleanup_(config_freep) struct warren_config *good = NULL;
	struct lastgood_info info;
	char when[64], copy[4096];

	if (lastgood_load(path, &good, &info) < 0) {
		fprintf(stderr, "warrenctl: as the live config, this file refuses every login but "
				"root's: no earlier version of it ever loaded (there is no %s)\n",
			lastgood_path(path, copy, sizeof(copy)) ? copy : "last good copy");
		return;
	}
	fprintf(stderr, "warrenctl: as the live config, this file refuses the logins of users "
			"jailed by its last good version (of %s, kept in %s), or by what of it is "
			"still readable, and of users with warren state; others log in as usual\n",
		format_time(&info.mtime, when, sizeof(when)),
		lastgood_path(path, copy, sizeof(copy)) ? copy : "?");
}

/* The profile files of seccomp = "/path" (sysprofile.h), as a login reads them: a bad
 * one refuses the logins of the users it is for. */
static int check_seccomp_files(const struct warren_config *cfg)
{
	struct sysfilter_profile p;
	int r = 0;

	for (char **f = cfg->limits.seccomp_files; f && *f; f++) {
		struct error err = { 0 };

		if (sysprofile_read(*f, &p, &err) < 0) {
			fprintf(stderr, "%s\nwarrenctl: the logins of users with seccomp = \"%s\" are "
				"refused until it is fixed\n", err.msg, *f);
			r = -EINVAL;
		}
	}
	return r;
}

/* The rules files of apparmor = "/path" (apparmor.h), as a login reads them (and
 * compiles them, where the parser is installed): a bad one refuses the logins of the
 * users it is for, where the kernel runs AppArmor. */
static int check_apparmor_files(const struct warren_config *cfg)
{
	int r = 0;

	for (char **f = cfg->limits.apparmor_files; f && *f; f++) {
		struct error err = { 0 };

		if (aa_rules_check(*f, &err) < 0) {
			fprintf(stderr, "%s\nwarrenctl: where the kernel runs AppArmor, the logins of "
				"users with apparmor = \"%s\" are refused until it is fixed\n",
				err.msg, *f);
			r = -EINVAL;
		}
	}
	return r;
}

static int lookup_user(const char *name, struct passwd *pwbuf, char **ret_buf, struct passwd **ret);

/* The binds of each user with an entry in users that cannot be made for her whatever the
 * host holds (binds.h: onto her home, where home = "host" binds it), each with its line:
 * her home and groups come from NSS.  An entry for a user NSS does not know is left. */
static int check_user_binds(const struct warren_config *cfg)
{
	int r = 0;

	for (size_t i = 0; i < cfg->limits.users.n; i++) {
		const char *name = cfg->limits.users.v[i].name;
		_cleanup_(strv_freep) char **groups = NULL;
		_cleanup_free_ struct bind_spec *v = NULL;
		_cleanup_free_ char *pwstrings = NULL;
		struct passwd pwbuf, *pw = NULL;
		struct limits_effective eff;
		size_t n = 0;

		if (lookup_user(name, &pwbuf, &pwstrings, &pw) < 0 || user_group_names(pw, &groups) < 0)
			continue;
		limits_resolve(&cfg->limits, name, groups, &eff);
		if (limits_resolve_binds(&cfg->limits, name, groups, pw->pw_dir,
					 eff.v[LIMIT_HOME].value == HOME_HOST, &v, &n) < 0)
			return -ENOMEM;
		for (size_t j = 0; j < n; j++) {
			if (!v[j].problem || v[j].shadowed_by >= 0)
				continue;
			fprintf(stderr, "%s:%d: binds: to \"%s\" (%s), for user %s: %s\n", cfg->path,
				v[j].line, v[j].to, v[j].source, name, v[j].problem);
			r = -EINVAL;
		}
	}
	return r;
}

static int cmd_check_config(const char *path)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL;
	_cleanup_free_ char *text = NULL;
	struct config_error err = { 0 };
	struct lastgood_info info;
	char msg[1024], when[64];

	if (config_read_text(path, &text, NULL, &err) < 0 ||
	    config_parse_string(text, path, &cfg, NULL, &err) < 0) {
		config_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		print_consequence(path);
		return EXIT_FAILURE;
	}
	if (check_seccomp_files(cfg) < 0 || check_apparmor_files(cfg) < 0 ||
	    check_user_binds(cfg) < 0)
		return EXIT_FAILURE;
	printf("%s: ok\n", path);
	if (lastgood_differs(path, text) == 1) {
		_cleanup_(config_freep) struct warren_config *good = NULL;

		if (lastgood_load(path, &good, &info) == 0)
			printf("%s: differs from the last good version the helper loaded (of %s); "
			       "the next login takes this one\n",
			       path, format_time(&info.mtime, when, sizeof(when)));
	}
	return EXIT_SUCCESS;
}

/* getpwnam_r into a buffer that grows as NSS asks; *RET_BUF keeps the strings. */
static int lookup_user(const char *name, struct passwd *pwbuf, char **ret_buf, struct passwd **ret)
{
	size_t size = 16384;

	for (;;) {
		_cleanup_free_ char *buf = malloc(size);
		int r;

		if (!buf)
			return -ENOMEM;
		r = getpwnam_r(name, pwbuf, buf, size, ret);
		if (r == ERANGE && size < PW_BUF_MAX) {
			size *= 2;
			continue;
		}
		if (r != 0)
			return -r;
		if (!*ret)
			return -ENOENT;
		*ret_buf = TAKE_PTR(buf);
		return 0;
	}
}

static void print_jailed(enum jail_verdict v, const char *group)
{
	switch (v) {
	case JAIL_YES:
		printf("jailed: yes (member of jail group \"");
		print_name(group);
		printf("\")\n");
		break;
	case JAIL_NO_ROOT:
		printf("jailed: no (root is never jailed)\n");
		break;
	case JAIL_NO_EXEMPT:
		printf("jailed: no (exempt: listed in exempt_users)\n");
		break;
	default:
		printf("jailed: no (not in any jail group)\n");
		break;
	}
}

/* Her image layers, over the base image (stack.h). */
static void print_layers(const struct limits_effective *eff)
{
	char source[128];

	printf("%-17s ", "layers");
	if (!eff->layers[0])
		printf("none");
	for (char *const *l = eff->layers; *l; l++)
		printf("%s%s", l == eff->layers ? "" : ", ", *l);
	printf(" (");
	print_name(limit_source_format(&eff->layers_from, source, sizeof(source)));
	printf(")\n");
}

/* The gateway's ports her container reaches with network "isolated" (ports.h). */
static void print_isolated_ports(const struct limits_effective *eff)
{
	char source[128], ports[512];

	if (port_list_format(eff->isolated_ports, ", ", ports, sizeof(ports)) < 0 ||
	    !eff->isolated_ports->n)
		snprintf(ports, sizeof(ports), "none (ping only)");
	printf("%-17s %s (", "isolated_ports", ports);
	print_name(limit_source_format(&eff->isolated_ports_from, source, sizeof(source)));
	printf(")%s\n", eff->v[LIMIT_NETWORK].value == NET_ISOLATED ? ""
		: ": for network \"isolated\" only");
}

/* Her binds (binds.h), in the config's order: each with the entry and line it comes
 * from; a shadowed one with the entry that wins its to, one that cannot be made for her
 * with why. */
static void print_binds(const struct warren_config *cfg, const struct passwd *pw,
			char *const *groups, bool home_host)
{
	_cleanup_free_ struct bind_spec *v = NULL;
	char opts[96];
	size_t n = 0;

	if (limits_resolve_binds(&cfg->limits, pw->pw_name, groups, pw->pw_dir, home_host, &v, &n) < 0) {
		printf("%-17s cannot be listed: out of memory\n", "binds");
		return;
	}
	if (n == 0)
		printf("%-17s none\n", "binds");
	for (size_t i = 0; i < n; i++) {
		printf("%-17s ", "bind");
		print_name(v[i].to);
		printf(" from ");
		print_name(v[i].from);
		printf(", %s (", bind_options_format(&v[i], opts, sizeof(opts)));
		print_name(v[i].source);
		printf(", line %d)", v[i].line);
		if (v[i].shadowed_by >= 0) {
			printf(": shadowed by ");
			print_name(v[v[i].shadowed_by].source);
		} else if (v[i].problem) {
			printf(": not made: %s", v[i].problem);
		}
		putchar('\n');
	}
}

static void print_explanation(const struct warren_config *cfg, const struct passwd *pw,
			      char *const *groups)
{
	const char *jail_group = NULL;
	enum jail_verdict v;
	struct limits_effective eff;

	v = config_jail_verdict(cfg, pw->pw_uid, pw->pw_name, groups, &jail_group);
	limits_resolve(&cfg->limits, pw->pw_name, groups, &eff);
	printf("user %s (uid %u), groups:", pw->pw_name, (unsigned)pw->pw_uid);
	for (char *const *g = groups; *g; g++) {
		putchar(' ');
		print_name(*g);
	}
	putchar('\n');
	print_jailed(v, jail_group);
	for (int k = 0; k < LIMIT__COUNT; k++) {
		char value[32], source[128], note[128];

		printf("%-17s %-8s (", limit_key_name(k),
		       limit_takes_file(k) ? limit_file_choice_name(&cfg->limits, k, eff.v[k].value)
					   : limit_format(k, eff.v[k].value, value, sizeof(value)));
		print_name(limit_source_format(&eff.v[k], source, sizeof(source)));
		printf(")%s\n", k == LIMIT_APPARMOR ? aa_explain(eff.v[k].value, pw->pw_name,
								  confine_apparmor_enabled(), note,
								  sizeof(note)) : "");
	}
	if (eff.v[LIMIT_HOME].value == HOME_HOST) {
		printf("%-17s her home ", "");
		print_name(pw->pw_dir);
		printf(" on the host, bound read-write; disk covers her root layer only\n");
	}
	print_layers(&eff);
	print_isolated_ports(&eff);
	print_binds(cfg, pw, groups, eff.v[LIMIT_HOME].value == HOME_HOST);
}

/* Where her container may not go through NAT, and the holes (egress.h), as her next
 * start would load them. */
static void print_destinations(const struct warren_config *cfg)
{
	_cleanup_free_ struct cidr *connected = NULL;
	char *const *deny = egress_deny_config(cfg);
	char net[CIDR_TEXT_MAX];
	size_t n = 0;
	int r = -ENOENT;

	printf("denied:      ");
	for (char *const *d = deny; *d; d++) {
		printf("%s%s", d == deny ? "" : ", ", *d);
		if (strcmp(*d, BRIDGE_DENY_CONNECTED))
			continue;
		if ((r = egress_connected(cfg->bridge.name, &connected, &n)) < 0) {
			printf(" (cannot be read: %s)", strerror(-r));
			continue;
		}
		printf(" (now");
		for (size_t i = 0; i < n; i++)
			printf("%s %s", i ? "," : "", cidr_format(&connected[i], net, sizeof(net)));
		printf("%s)", n ? "" : " none");
	}
	printf("%s (bridge.deny%s)\n", *deny ? "" : "nothing", cfg->bridge.deny ? "" : ", the default");
	printf("allowed:     ");
	for (char *const *a = cfg->bridge.allow; a && *a; a++)
		printf("%s, ", *a);
	printf("her nameservers on port 53 (bridge.allow, bridge.dns)\n");
}

/* Her address on the bridge, once her first start gave her one (netalloc.h). */
static void print_address(const struct warren_config *cfg, const struct passwd *pw,
			  char *const *groups)
{
	struct limits_effective eff;
	char a[16], sub[16];
	uint32_t slot;
	int r;

	limits_resolve(&cfg->limits, pw->pw_name, groups, &eff);
	if (eff.v[LIMIT_NETWORK].value == NET_NONE)
		return;
	r = netalloc_lookup(cfg->state_dir, pw->pw_name, &slot);
	ipv4_format(cfg->bridge.subnet.net, sub, sizeof(sub));
	if (r == 0 && slot < ipv4_subnet_slots(&cfg->bridge.subnet)) {
		printf("address:     %s on bridge %s (%s/%u)\n",
		       ipv4_format(ipv4_subnet_slot_addr(&cfg->bridge.subnet, slot), a, sizeof(a)),
		       cfg->bridge.name, sub, cfg->bridge.subnet.prefix);
		/* Her IPv6 address is the same slot's in bridge.subnet6 (ipv6.h). */
		if (cfg->bridge.ipv6) {
			struct ipv6_addr a6 = ipv6_subnet_slot_addr(&cfg->bridge.subnet6, slot);
			char t6[IPV6_TEXT_MAX], n6[IPV6_TEXT_MAX];

			printf("address6:    %s on bridge %s (%s/%u)\n", ipv6_format(&a6, t6, sizeof(t6)),
			       cfg->bridge.name, ipv6_format(&cfg->bridge.subnet6, n6, sizeof(n6)),
			       IPV6_SUBNET_PREFIX);
		}
	} else if (r == -ENOENT)
		printf("address:     none yet: her first container start gives her one in %s/%u\n",
		       sub, cfg->bridge.subnet.prefix);
	else
		printf("address:     cannot be read (%s)\n", r < 0 ? strerror(-r) : "outside the subnet");
	if (eff.v[LIMIT_NETWORK].value == NET_NAT)
		print_destinations(cfg);
}

/* Sparse disk images can promise more than their filesystem holds (disk.h). */
static void print_disk_images(const struct warren_config *cfg)
{
	char dir[4200], size[32], unalloc[32], avail[32];
	struct disk_usage u;
	int r;

	r = disk_overcommit(layout_disks_dir(config_disks_base(cfg), dir, sizeof(dir)), &u);
	if (r == -ENOENT) {
		printf("disk images: none yet (%s)\n", dir);
		return;
	}
	if (r < 0) {
		printf("disk images: cannot look into %s: %s\n", dir, strerror(-r));
		return;
	}
	printf("disk images: %u in %s, %s in all, %s of it not allocated yet, %s free there%s\n",
	       u.images, dir, size_format_mib(u.size, size, sizeof(size)),
	       size_format_mib(u.unallocated, unalloc, sizeof(unalloc)),
	       size_format_mib(u.free, avail, sizeof(avail)),
	       u.unallocated > u.free ? " - OVERCOMMITTED: users may get \"No space left\" below "
					"their disk limits" : "");
}

/* The binds of her container as it runs (ctl_show_binds), against her binds now. */
static void show_binds(const struct warren_config *cfg, const struct passwd *pw,
		       char *const *groups)
{
	_cleanup_free_ struct bind_spec *v = NULL;
	struct limits_effective eff;
	size_t n = 0;

	limits_resolve(&cfg->limits, pw->pw_name, groups, &eff);
	if (limits_resolve_binds(&cfg->limits, pw->pw_name, groups, pw->pw_dir,
				 eff.v[LIMIT_HOME].value == HOME_HOST, &v, &n) == 0)
		ctl_show_binds(pw->pw_name, v, n);
}

static int cmd_explain(const char *user, const char *path, bool show)
{
	_cleanup_(config_freep) struct warren_config *cfg = NULL, *policy = NULL;
	_cleanup_(strv_freep) char **groups = NULL;
	_cleanup_free_ char *pwstrings = NULL;
	struct config_error err = { 0 };
	struct passwd pwbuf, *pw = NULL;
	char msg[1024];
	int r;

	if (!name_is_valid(user))
		return usage_error("\"%s\" is not a user name warren accepts "
				   "(1 to 32 of A-Z a-z 0-9 _ . -, not starting with a digit, . or -)",
				   user);
	r = lookup_user(user, &pwbuf, &pwstrings, &pw);
	if (r < 0) {
		fprintf(stderr, "warrenctl: %s %s\n", r == -ENOENT ? "no such user" : "cannot look up",
			user);
		return EXIT_FAILURE;
	}
	if (config_load(path, &cfg, &policy, &err) < 0) {
		config_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\nwarrenctl: cannot explain %s's limits until the config is valid\n",
			msg, user);
		return EXIT_FAILURE;
	}
	r = user_group_names(pw, &groups);
	if (r < 0) {
		fprintf(stderr, "warrenctl: cannot read the groups of %s: %s\n", user, strerror(-r));
		return EXIT_FAILURE;
	}
	print_explanation(cfg, pw, groups);
	print_address(cfg, pw, groups);
	print_disk_images(cfg);
	if (show) {
		if (ctl_show_container(cfg, user) != 0)
			return EXIT_FAILURE;
		show_binds(cfg, pw, groups);
	}
	return EXIT_SUCCESS;
}

static const char *config_path(void)
{
	return arg_config ? arg_config : WARREN_DEFAULT_CONFIG;
}

/* The commands, each from its arguments (already counted against its row). */
static int run_check_config(char **args, int n)
{
	if (n == 1 && arg_config)
		return usage_error("check-config takes one FILE (or --config FILE)");
	return cmd_check_config(n ? args[0] : config_path());
}

static int run_explain(char **args, int n)
{
	return cmd_explain(args[0], config_path(), false);
}

static int run_show(char **args, int n)
{
	return cmd_explain(args[0], config_path(), true);
}

static int run_log(char **args, int n)
{
	return ctl_log(config_path(), n ? args[0] : NULL, opt(OPT_JSON));
}

static int run_ls(char **args, int n)
{
	if (opt(OPT_FLEET))
		return ctl_ls_fleet(config_path(), opt(OPT_JSON));
	return ctl_ls(config_path(), opt(OPT_JSON));
}

/* USER as a command's argument: one warren could have made a container for. */
static int bad_user(const char *user)
{
	return usage_error("\"%s\" is not a user name warren accepts", user);
}

static int run_stop(char **args, int n)
{
	if (opt(OPT_ALL) == (n == 1))
		return usage_error("stop takes one USER, or --all");
	if (n && !name_is_valid(args[0]))
		return bad_user(args[0]);
	return ctl_stop(config_path(), n ? args[0] : NULL);
}

static int run_doctor(char **args, int n)
{
	return ctl_doctor(config_path());
}

static int run_enter(char **args, int n)
{
	return name_is_valid(args[0]) ? ctl_exec(config_path(), args[0], false, NULL)
				       : bad_user(args[0]);
}

static int run_top(char **args, int n)
{
	return ctl_top(config_path(), opt(OPT_MEMORY), opt(OPT_ONCE) ? 1 : 0);
}

static int run_gc(char **args, int n)
{
	return ctl_gc(config_path());
}

static int run_exec(char **args, int n)
{
	return name_is_valid(args[0]) ? ctl_exec(config_path(), args[0], opt(OPT_ROOT), args + 1)
				       : bad_user(args[0]);
}

static int run_reset(char **args, int n)
{
	return name_is_valid(args[0]) ? ctl_reset(config_path(), args[0], opt(OPT_HOME),
						  opt(OPT_YES), opt(OPT_STOP))
				       : bad_user(args[0]);
}

static int run_image(char **args, int n)
{
	return ctl_image(config_path(), args, n, &arg_image, opt(OPT_JSON));
}

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct command {
	const char *name;
	const char *synopsis; /* its arguments and flags: usage's lines, one per "\n" part */
	const char *help;     /* what it does, for --help ("\n": a line of its own) */
	int min_args, max_args;
	unsigned opts; /* the flags it takes */
	int (*run)(char **args, int n);
	const char *args_text; /* for a usage error */
} commands[] = {
	{ "check-config", "[FILE]",
	  "validate FILE (default " WARREN_DEFAULT_CONFIG ") without changing anything",
	  0, 1, 0, run_check_config, "at most one FILE" },
	{ "explain", "USER [--config FILE]",
	  "show USER's effective limits and where each comes from",
	  1, 1, 0, run_explain, "exactly one USER" },
	{ "log", "[USER] [--config FILE] [--json]",
	  "the last " STR(CTL_LOG_LINES) " containers started, joined, stopped and logins\n"
	  "refused (of USER), from warren's own record",
	  0, 1, OPT_JSON, run_log, "at most one USER" },
	{ "ls", "[--config FILE] [--json] [--fleet]",
	  "the running containers: uptime, logins, memory, pids, CPU, address;\n"
	  "--fleet: every user's lease in the fleet's etcd (host, since)",
	  0, 0, OPT_JSON | OPT_FLEET, run_ls, "no argument" },
	{ "show", "USER [--config FILE]",
	  "explain, plus USER's container as it runs: ids, maps, cgroups, layers",
	  1, 1, 0, run_show, "exactly one USER" },
	{ "stop", "USER | --all",
	  "SIGTERM to USER's programs and logins, then stop her container\n"
	  "(warren-helper stop, under her lock; --all: every container)",
	  0, 1, OPT_ALL, run_stop, "one USER, or --all" },
	{ "doctor", "[--config FILE]",
	  "check this host for warren, each problem with its fix",
	  0, 0, 0, run_doctor, "no argument" },
	{ "enter", "USER",
	  "a login shell in USER's container, on a pty of the container's that\n"
	  "warrenctl relays",
	  1, 1, 0, run_enter, "exactly one USER" },
	{ "exec", "USER [--root] -- CMD [ARG...]",
	  "CMD in USER's container, as USER or (--root) as root inside, relayed\n"
	  "as enter's shell is",
	  2, 250, OPT_ROOT, run_exec, "USER -- CMD [ARG...]" },
	{ "gc", "[--config FILE]",
	  "remove what containers that no longer run left on the host",
	  0, 0, 0, run_gc, "no argument" },
	{ "top", "[--memory] [--once]",
	  "the containers by CPU use each second (--memory: by memory)",
	  0, 0, OPT_MEMORY | OPT_ONCE, run_top, "no argument" },
	{ "reset", "USER [--home] [--yes] [--stop]",
	  "drop USER's root layer (packages, system changes), keep her home;\n"
	  "--home: her home too (asks for her name unless --yes); --stop:\n"
	  "stop her container first (a running one is refused)",
	  1, 1, OPT_HOME | OPT_YES | OPT_STOP, run_reset, "exactly one USER" },
	{ "image", "ls [--json]\n"
		   "build NAME [--suite S] [--packages a,b]\n"
		   "layer NAME --from IMAGE [--packages a,b] [--deb FILE]...\n"
		   "rm NAME",
	  "the base images and layers beside the configured image: list\n"
	  "them, build one (debootstrap), build a layer of packages over\n"
	  "an image, remove one nothing uses",
	  1, 2, OPT_JSON | OPT_SUITE | OPT_PACKAGES | OPT_FROM | OPT_DEB, run_image,
	  "ls, or build|layer|rm NAME" },
};

/* TEXT, each "\n" starting a line of its own with PREFIX (and INDENT before the rest). */
static void print_lines(FILE *f, const char *first, const char *prefix, const char *text)
{
	for (const char *p = text, *eol;; p = eol + 1) {
		eol = strchrnul(p, '\n');
		fprintf(f, "%s%.*s\n", p == text ? first : prefix, (int)(eol - p), p);
		if (!*eol)
			break;
	}
}

/* Usage and help, from the table. */
static void usage(FILE *f)
{
	for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
		const char *syn = commands[i].synopsis;

		for (const char *p = syn, *eol;; p = eol + 1) {
			eol = strchrnul(p, '\n');
			fprintf(f, "%s warrenctl %s%s%.*s\n", i || p != syn ? "      " : "usage:",
				commands[i].name, eol > p ? " " : "", (int)(eol - p), p);
			if (!*eol)
				break;
		}
	}
	fprintf(f, "       warrenctl --help\n\n");
	for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
		char first[32];

		snprintf(first, sizeof(first), "  %-12s  ", commands[i].name);
		print_lines(f, first, "                ", commands[i].help);
	}
}

/* "a, b, ... or z": the commands' names, for an unknown one. */
static void print_names(FILE *f)
{
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(f, "%s%s", i == 0 ? "" : i + 1 < ELEMENTSOF(commands) ? ", " : " or ",
			commands[i].name);
}

/* The name of the first flag in OPTS, for a message. */
static const char *option_name(unsigned opts)
{
	for (const struct option *o = long_options; o->name; o++)
		if (o->val > 'z' && (opts & (unsigned)o->val))
			return o->name;
	return "?";
}

int main(int argc, char **argv)
{
	int c, nargs;

	while ((c = getopt_long(argc, argv, "c:h", long_options, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_SUCCESS;
		}
		if (c == 'c')
			arg_config = optarg;
		else if (c <= 'z')
			return usage_error(NULL);
		arg_opts |= c > 'z' ? (unsigned)c : 0;
		if (c == OPT_SUITE)
			arg_image.suite = optarg;
		else if (c == OPT_PACKAGES)
			arg_image.packages = optarg;
		else if (c == OPT_FROM)
			arg_image.from = optarg;
		else if (c == OPT_DEB && arg_image.n_debs == CTL_IMAGE_DEBS_MAX)
			return usage_error("at most %d --deb", CTL_IMAGE_DEBS_MAX);
		else if (c == OPT_DEB)
			arg_image.debs[arg_image.n_debs++] = optarg;
	}
	if (optind >= argc)
		return usage_error("no command given");
	nargs = argc - optind - 1;
	for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
		const struct command *cmd = &commands[i];

		if (strcmp(argv[optind], cmd->name))
			continue;
		if (nargs < cmd->min_args || nargs > cmd->max_args)
			return usage_error("%s takes %s", cmd->name, cmd->args_text);
		if (arg_opts & ~cmd->opts)
			return usage_error("--%s is not for %s", option_name(arg_opts & ~cmd->opts),
					   cmd->name);
		return cmd->run(argv + optind + 1, nargs);
	}
	fprintf(stderr, "warrenctl: unknown command \"%s\"; expected ", argv[optind]);
	print_names(stderr);
	fputs("\n", stderr);
	usage(stderr);
	return EXIT_USAGE;
}
