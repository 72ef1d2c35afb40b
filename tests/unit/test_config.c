/* test_config.c - unit tests for the warren.conf parser: values, errors, fail-closed policy. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/cleanup.h"
#include "policy/config.h"
#include "lib/strv.h"
#include "net/egress.h"
#include "net/net.h"

#define GOOD_CONFIG                                                                      \
	"# a complete config\n"                                                          \
	"image = \"/srv/warren/images/lab\";\n"                                          \
	"state_dir = \"/srv/warren\";\n"                                                 \
	"jail_groups = [ \"students\", \"guests\" ];\n"                                  \
	"exempt_users = ( \"root\", \"tutor\" );\n"                                      \
	"defaults = { idle_timeout = 600; };\n"

static void assert_strv(char **l, const char *a, const char *b)
{
	assert_non_null(l);
	assert_string_equal(l[0], a);
	if (b) {
		assert_non_null(l[1]);
		assert_string_equal(l[1], b);
		assert_null(l[2]);
	} else {
		assert_null(l[1]);
	}
}

/* What the defaults say of idle_timeout, else the built-in value. */
static uint64_t defaults_idle_timeout(const struct warren_config *c)
{
	const struct limit_set *d = &c->limits.defaults;

	return limit_set_has(d, LIMIT_IDLE_TIMEOUT) ? d->v[LIMIT_IDLE_TIMEOUT]
						    : limit_builtin(LIMIT_IDLE_TIMEOUT);
}

static void assert_defaults(const struct warren_config *c)
{
	assert_string_equal(c->image, "/var/lib/warren/images/default");
	assert_string_equal(c->state_dir, "/var/lib/warren");
	assert_strv(c->jail_groups, "warren", NULL);
	assert_strv(c->exempt_users, "root", NULL);
	assert_int_equal(defaults_idle_timeout(c), 300);
}

static void test_good(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct warren_config *policy = (void *)1;
	struct config_error err;

	assert_int_equal(config_parse_string(GOOD_CONFIG, "good.conf", &c, &policy, &err), 0);
	assert_null(policy);
	assert_non_null(c);
	assert_string_equal(c->path, "good.conf");
	assert_string_equal(c->image, "/srv/warren/images/lab");
	assert_string_equal(c->state_dir, "/srv/warren");
	assert_strv(c->jail_groups, "students", "guests");
	assert_strv(c->exempt_users, "root", "tutor");
	assert_int_equal(defaults_idle_timeout(c), 600);
	assert_true(strv_contains(c->jail_groups, "guests"));
	assert_false(strv_contains(c->jail_groups, "guest"));
	assert_false(strv_contains(NULL, "guest"));
}

static void test_defaults(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL, *d = NULL;
	struct config_error err;

	assert_int_equal(config_parse_string("", "empty.conf", &c, NULL, &err), 0);
	assert_defaults(c);
	assert_int_equal(config_parse_string("# only a comment\ndefaults = { };\n", "x", &d, NULL,
					     &err), 0);
	assert_defaults(d);
}

static void test_edges(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct config_error err;

	assert_int_equal(config_parse_string("jail_groups = [ ];\nexempt_users = [ ];\n"
					     "defaults = { idle_timeout = 604800L; };\n",
					     "x", &c, NULL, &err), 0);
	assert_non_null(c->jail_groups);
	assert_null(c->jail_groups[0]);
	assert_null(c->exempt_users[0]);
	assert_int_equal(defaults_idle_timeout(c), 604800);
	config_free(c);
	c = NULL;
	assert_int_equal(config_parse_string("defaults = { idle_timeout = 1; };\n"
					     "image = \"/a b/c.d/..e\";\n", "x", &c, NULL, &err), 0);
	assert_int_equal(defaults_idle_timeout(c), 1);
	assert_string_equal(c->image, "/a b/c.d/..e");
}

/* The shipped example's bridge.deny, commented out ("# deny = [ ... ];" over lines), is
 * bridge.deny's default, entry for entry. */
static void assert_shipped_deny(const char *text)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	static char *const want[] = EGRESS_DEFAULT_DENY;
	const char *p = strstr(text, "# deny = [");
	char conf[1024] = "bridge = { ";
	struct config_error err;
	char *const *deny;
	size_t i;

	assert_non_null(p);
	/* Its lines, each without what precedes and includes its "#", up to "];". */
	for (const char *end = strstr(p, "];"); p && p < end; p = strstr(p, "#")) {
		size_t n = strcspn(++p, "\n");

		strncat(conf, p, n < (size_t)(end - p) ? n : (size_t)(end - p));
		p += n;
	}
	assert_non_null(p);
	strcat(conf, "]; };");
	if (config_parse_string(conf, "conf/warren.conf", &c, NULL, &err) < 0)
		fail_msg("%s: %s", conf, err.msg);
	deny = egress_deny_config(c);
	for (i = 0; want[i] && deny[i]; i++)
		assert_string_equal(deny[i], want[i]);
	if (want[i] || deny[i])
		fail_msg("conf/warren.conf's bridge.deny is not the default: %s", conf);
}

/* The shipped example must be valid and say exactly the built-in defaults. */
static void test_shipped_config(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	_cleanup_fclose_ FILE *f = fopen("conf/warren.conf", "re");
	char text[16384];
	struct config_error err;
	size_t n;

	if (!f)
		f = fopen("../../conf/warren.conf", "re");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	assert_true(n > 0 && n < sizeof(text) - 1);
	text[n] = '\0';
	if (config_parse_string(text, "conf/warren.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	assert_defaults(c);
	/* Its groups and users examples stay commented out, and its defaults are the built-ins. */
	assert_int_equal(c->limits.groups.n, 0);
	assert_int_equal(c->limits.users.n, 0);
	for (int k = 0; k < LIMIT__COUNT; k++)
		if (limit_set_has(&c->limits.defaults, k) && c->limits.defaults.v[k] != limit_builtin(k))
			fail_msg("defaults.%s is not the built-in value", limit_key_name(k));
	assert_shipped_deny(text);
}

#define KIB 1024ULL
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

/* Every form each limit key accepts, in defaults, groups and users. */
static void test_limits_good(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct config_error err;
	const struct limit_set *d, *g0, *g1;

	if (config_parse_string(
		    "defaults = { memory = \"1g\"; swap = \"max\"; cpus = 2; pids = \"max\";\n"
		    "  io_weight = 10000; disk = 68719476736L; idle_timeout = 60; };\n"
		    "groups = (\n"
		    "  { name = \"students\"; memory = \"16M\"; swap = 0; cpus = 0.01; pids = 8;\n"
		    "    io_weight = 1; disk = \"64M\"; idle_timeout = 604800; network = \"isolated\";\n"
		    "    peers = true; net_conns = 64; net_rate = 5; ptys = 16;\n"
		    "    bandwidth = { in = \"100Mbit\"; out = \"512kbit\"; };\n"
		    "    inotify_instances = 8; inotify_watches = 100;\n"
		    "    max_sessions = 3; root = true; seccomp = \"strict\"; home = \"host\";\n"
		    "    apparmor = \"unconfined\"; },\n"
		    "  { memory = \"max\"; cpus = \"max\"; disk = \"1T\"; name = \"_lab-2.x\"; }\n"
		    ");\n"
		    "users = ( { name = \"alice\"; memory = \"2147483648\"; pids = 4194304; },\n"
		    "          { name = \"bob\"; } );\n",
		    "limits.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	d = &c->limits.defaults;
	assert_true(d->v[LIMIT_MEMORY] == GIB && d->v[LIMIT_SWAP] == LIMIT_UNLIMITED);
	assert_true(d->v[LIMIT_CPUS] == 2000 && d->v[LIMIT_PIDS] == LIMIT_UNLIMITED);
	assert_true(d->v[LIMIT_IO_WEIGHT] == 10000 && d->v[LIMIT_DISK] == 64 * GIB);
	assert_int_equal(defaults_idle_timeout(c), 60);
	assert_int_equal(c->limits.groups.n, 2);
	g0 = &c->limits.groups.v[0].limits;
	g1 = &c->limits.groups.v[1].limits;
	assert_string_equal(c->limits.groups.v[0].name, "students");
	assert_true(g0->v[LIMIT_MEMORY] == 16 * MIB && g0->v[LIMIT_SWAP] == 0);
	assert_true(g0->v[LIMIT_CPUS] == 10 && g0->v[LIMIT_PIDS] == 8);
	assert_true(g0->v[LIMIT_IO_WEIGHT] == 1 && g0->v[LIMIT_DISK] == 64 * MIB);
	assert_true(g0->v[LIMIT_IDLE_TIMEOUT] == 604800);
	assert_true(g0->v[LIMIT_NETWORK] == NET_ISOLATED && g0->v[LIMIT_PEERS] == 1);
	assert_true(g0->v[LIMIT_NET_CONNS] == 64 && g0->v[LIMIT_NET_RATE] == 5);
	assert_true(g0->v[LIMIT_BANDWIDTH_IN] == 100000000 && g0->v[LIMIT_BANDWIDTH_OUT] == 512000);
	assert_true(g0->v[LIMIT_INOTIFY_INSTANCES] == 8 && g0->v[LIMIT_INOTIFY_WATCHES] == 100);
	assert_true(g0->v[LIMIT_MAX_SESSIONS] == 3);
	assert_true(g0->v[LIMIT_ROOT] == 1 && g0->v[LIMIT_SECCOMP] == 1);
	assert_true(g0->v[LIMIT_APPARMOR] == LIMIT_APPARMOR_UNCONFINED);
	assert_true(g0->v[LIMIT_HOME] == HOME_HOST);
	assert_int_equal(g0->set, (1u << LIMIT__COUNT) - 1);
	assert_string_equal(c->limits.groups.v[1].name, "_lab-2.x");
	assert_int_equal(g1->set, (1u << LIMIT_MEMORY) | (1u << LIMIT_CPUS) | (1u << LIMIT_DISK));
	assert_true(g1->v[LIMIT_MEMORY] == LIMIT_UNLIMITED && g1->v[LIMIT_CPUS] == LIMIT_UNLIMITED);
	assert_int_equal(c->limits.users.n, 2);
	assert_string_equal(c->limits.users.v[0].name, "alice");
	assert_true(c->limits.users.v[0].limits.v[LIMIT_MEMORY] == 2 * GIB);
	assert_true(c->limits.users.v[0].limits.v[LIMIT_PIDS] == 4194304);
	assert_string_equal(c->limits.users.v[1].name, "bob");
	assert_int_equal(c->limits.users.v[1].limits.set, 0);
}

/* layers: parsed in defaults, groups and users, and resolved as every limit is (user,
 * then the first group that sets it, then defaults, then none). */
static void test_layers(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	char *in_both[] = { "lab", "cs101", NULL }, *none[] = { NULL };
	struct limits_effective eff;
	struct config_error err;

	if (config_parse_string("defaults = { layers = [ \"base-tools\" ]; };\n"
				"groups = ( { name = \"lab\"; memory = \"1G\"; },\n"
				"  { name = \"cs101\"; layers = [ \"cs101\", \"py\" ]; },\n"
				"  { name = \"cs102\"; layers = [ \"cs102\" ]; } );\n"
				"users = ( { name = \"tutor\"; layers = [ ]; } );\n",
				"layers.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	limits_resolve(&c->limits, "ann", in_both, &eff);
	assert_string_equal(eff.layers[0], "cs101");
	assert_string_equal(eff.layers[1], "py");
	assert_null(eff.layers[2]);
	assert_int_equal(eff.layers_from.source, LIMIT_FROM_GROUP);
	assert_string_equal(eff.layers_from.name, "cs101");
	limits_resolve(&c->limits, "tutor", in_both, &eff);
	assert_null(eff.layers[0]);
	assert_int_equal(eff.layers_from.source, LIMIT_FROM_USER);
	limits_resolve(&c->limits, "bo", none, &eff);
	assert_string_equal(eff.layers[0], "base-tools");
	assert_int_equal(eff.layers_from.source, LIMIT_FROM_DEFAULTS);
	config_free(TAKE_PTR(c));
	assert_int_equal(config_parse_string("users = ( );\n", "x", &c, NULL, &err), 0);
	limits_resolve(&c->limits, "bo", none, &eff);
	assert_null(eff.layers[0]);
	assert_int_equal(eff.layers_from.source, LIMIT_FROM_BUILTIN);
}

/* isolated_ports: parsed in defaults, groups and users (ranges, both protocols, none at
 * all), resolved as layers are; the built-in is DNS, UDP and TCP. */
static void test_isolated_ports(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	char *lab[] = { "lab", NULL }, *none[] = { NULL }, text[256];
	struct limits_effective eff;
	struct config_error err;

	if (config_parse_string("defaults = { isolated_ports = [ \"53/udp\" ]; };\n"
				"groups = ( { name = \"lab\"; isolated_ports = [ \"8000-8099/tcp\", "
				"\"8080/udp\", \"65535/tcp\" ]; } );\n"
				"users = ( { name = \"tutor\"; isolated_ports = [ ]; } );\n",
				"ports.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	limits_resolve(&c->limits, "ann", lab, &eff);
	assert_int_equal(eff.isolated_ports_from.source, LIMIT_FROM_GROUP);
	assert_int_equal(port_list_format(eff.isolated_ports, ", ", text, sizeof(text)), 0);
	assert_string_equal(text, "8000-8099/tcp, 8080/udp, 65535/tcp");
	limits_resolve(&c->limits, "tutor", lab, &eff);
	assert_int_equal(eff.isolated_ports_from.source, LIMIT_FROM_USER);
	assert_int_equal(eff.isolated_ports->n, 0);
	limits_resolve(&c->limits, "bo", none, &eff);
	assert_int_equal(eff.isolated_ports_from.source, LIMIT_FROM_DEFAULTS);
	assert_int_equal(port_list_format(eff.isolated_ports, ",", text, sizeof(text)), 0);
	assert_string_equal(text, "53/udp");
	config_free(TAKE_PTR(c));
	assert_int_equal(config_parse_string("users = ( );\n", "x", &c, NULL, &err), 0);
	limits_resolve(&c->limits, "bo", none, &eff);
	assert_int_equal(eff.isolated_ports_from.source, LIMIT_FROM_BUILTIN);
	assert_int_equal(port_list_format(eff.isolated_ports, ",", text, sizeof(text)), 0);
	assert_string_equal(text, "53/udp,53/tcp");
}

/* seccomp = "/path": each file once in limits.seccomp_files, the value its place there. */
static void test_seccomp_files(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct config_error err;
	const struct limit_config *l;

	if (config_parse_string("defaults = { seccomp = \"/etc/warren/a.seccomp\"; };\n"
				"groups = ( { name = \"g1\"; seccomp = \"/etc/warren/b.seccomp\"; },\n"
				"  { name = \"g2\"; seccomp = \"/etc/warren/a.seccomp\"; },\n"
				"  { name = \"g3\"; seccomp = \"strict\"; } );\n",
				"s.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	l = &c->limits;
	assert_int_equal(l->defaults.v[LIMIT_SECCOMP], LIMIT_SECCOMP_FILE);
	assert_int_equal(l->groups.v[0].limits.v[LIMIT_SECCOMP], LIMIT_SECCOMP_FILE + 1);
	assert_int_equal(l->groups.v[1].limits.v[LIMIT_SECCOMP], LIMIT_SECCOMP_FILE);
	assert_int_equal(l->groups.v[2].limits.v[LIMIT_SECCOMP], 1);
	assert_string_equal(l->seccomp_files[0], "/etc/warren/a.seccomp");
	assert_string_equal(l->seccomp_files[1], "/etc/warren/b.seccomp");
	assert_null(l->seccomp_files[2]);
	assert_string_equal(limit_seccomp_name(l, 0), "default");
	assert_string_equal(limit_seccomp_name(l, 1), "strict");
	assert_string_equal(limit_seccomp_name(l, LIMIT_SECCOMP_FILE + 1), "/etc/warren/b.seccomp");
	assert_string_equal(limit_seccomp_name(l, LIMIT_SECCOMP_FILE + 2), "?");
}

/* apparmor = "/path": each rules file once in limits.apparmor_files, the value its place
 * there past "default" and "unconfined"; seccomp's files are a list of their own. */
static void test_apparmor_files(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct config_error err;
	const struct limit_config *l;

	if (config_parse_string("defaults = { apparmor = \"/etc/warren/a.aa\"; "
				"seccomp = \"/etc/warren/a.seccomp\"; };\n"
				"groups = ( { name = \"g1\"; apparmor = \"/etc/warren/b.aa\"; },\n"
				"  { name = \"g2\"; apparmor = \"/etc/warren/a.aa\"; },\n"
				"  { name = \"g3\"; apparmor = \"unconfined\"; },\n"
				"  { name = \"g4\"; apparmor = \"default\"; } );\n",
				"a.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	l = &c->limits;
	assert_int_equal(l->defaults.v[LIMIT_APPARMOR], LIMIT_APPARMOR_FILE);
	assert_int_equal(l->groups.v[0].limits.v[LIMIT_APPARMOR], LIMIT_APPARMOR_FILE + 1);
	assert_int_equal(l->groups.v[1].limits.v[LIMIT_APPARMOR], LIMIT_APPARMOR_FILE);
	assert_int_equal(l->groups.v[2].limits.v[LIMIT_APPARMOR], LIMIT_APPARMOR_UNCONFINED);
	assert_int_equal(l->groups.v[3].limits.v[LIMIT_APPARMOR], LIMIT_APPARMOR_DEFAULT);
	assert_string_equal(l->apparmor_files[0], "/etc/warren/a.aa");
	assert_string_equal(l->apparmor_files[1], "/etc/warren/b.aa");
	assert_null(l->apparmor_files[2]);
	assert_string_equal(l->seccomp_files[0], "/etc/warren/a.seccomp");
	assert_null(l->seccomp_files[1]);
	assert_string_equal(limit_file_choice_name(l, LIMIT_APPARMOR, 0), "default");
	assert_string_equal(limit_file_choice_name(l, LIMIT_APPARMOR, 1), "unconfined");
	assert_string_equal(limit_file_choice_name(l, LIMIT_APPARMOR, LIMIT_APPARMOR_FILE + 1),
			    "/etc/warren/b.aa");
	assert_string_equal(limit_file_choice_name(l, LIMIT_APPARMOR, LIMIT_APPARMOR_FILE + 2), "?");
	/* The built-in is warren's profile. */
	assert_int_equal(limit_builtin(LIMIT_APPARMOR), LIMIT_APPARMOR_DEFAULT);
}

/* bandwidth: in and out each optional, each a key of its own (so each is decided on its
 * own, as the limits are), bits per second in kbit, mbit or gbit of either case, or "max";
 * an empty group sets neither. */
static void test_bandwidth(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	char *groups[] = { "lab", NULL };
	struct limits_effective eff;
	struct config_error err;
	char buf[32];

	if (config_parse_string("defaults = { bandwidth = { in = \"1gbit\"; out = \"20mbit\"; }; };\n"
				"groups = ( { name = \"lab\"; bandwidth = { out = \"8Kbit\"; }; },\n"
				"  { name = \"x\"; bandwidth = { }; } );\n"
				"users = ( { name = \"alice\"; bandwidth = { in = \"max\"; }; },\n"
				"  { name = \"bob\"; bandwidth = { in = \"100GBIT\"; out = \"1500kbit\"; }; } );\n",
				"bw.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	assert_int_equal(c->limits.groups.v[1].limits.set, 0);
	limits_resolve(&c->limits, "alice", groups, &eff);
	assert_true(eff.v[LIMIT_BANDWIDTH_IN].value == LIMIT_UNLIMITED);
	assert_int_equal(eff.v[LIMIT_BANDWIDTH_IN].source, LIMIT_FROM_USER);
	assert_true(eff.v[LIMIT_BANDWIDTH_OUT].value == 8000);
	assert_int_equal(eff.v[LIMIT_BANDWIDTH_OUT].source, LIMIT_FROM_GROUP);
	limits_resolve(&c->limits, "carol", (char *[]){ NULL }, &eff);
	assert_true(eff.v[LIMIT_BANDWIDTH_IN].value == 1000000000);
	assert_true(eff.v[LIMIT_BANDWIDTH_OUT].value == 20000000);
	assert_int_equal(eff.v[LIMIT_BANDWIDTH_OUT].source, LIMIT_FROM_DEFAULTS);
	limits_resolve(&c->limits, "bob", groups, &eff);
	assert_true(eff.v[LIMIT_BANDWIDTH_IN].value == 100000000000ULL);
	assert_string_equal(limit_format(LIMIT_BANDWIDTH_IN, eff.v[LIMIT_BANDWIDTH_IN].value, buf,
					 sizeof(buf)), "100gbit");
	assert_string_equal(limit_format(LIMIT_BANDWIDTH_OUT, eff.v[LIMIT_BANDWIDTH_OUT].value, buf,
					 sizeof(buf)), "1500kbit");
	/* Nothing said: no limit. */
	config_free(c);
	c = NULL;
	assert_int_equal(config_parse_string("", "x", &c, NULL, &err), 0);
	limits_resolve(&c->limits, "carol", groups, &eff);
	assert_true(eff.v[LIMIT_BANDWIDTH_IN].value == LIMIT_UNLIMITED &&
		    eff.v[LIMIT_BANDWIDTH_OUT].value == LIMIT_UNLIMITED);
}

/* Empty lists, in either bracket, are no entries. */
static void test_limits_empty_lists(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct config_error err;

	assert_int_equal(config_parse_string("groups = ( );\nusers = [ ];\n", "x", &c, NULL, &err), 0);
	assert_int_equal(c->limits.groups.n, 0);
	assert_int_equal(c->limits.users.n, 0);
	assert_int_equal(c->limits.defaults.set, 0);
}

/* TEXT (a printf format of one %s, given ARG) parses, or not. */
static int parse_with(const char *fmt, const char *arg, struct config_error *err)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	static char text[16384];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(text, sizeof(text), fmt, arg);
#pragma GCC diagnostic pop
	return config_parse_string(text, "bounds.conf", &c, NULL, err);
}

/* A string of N bytes: PREFIX, then 'a's. */
static const char *long_string(const char *prefix, size_t n)
{
	static char s[8192];

	memset(s, 'a', n);
	memcpy(s, prefix, strlen(prefix));
	s[n] = '\0';
	return s;
}

/* Each length and count bound of the config at its edge: the most it says is taken,
 * one more is refused. */
static void test_bounds_at_edge(void **state)
{
	static char list[8192];
	struct config_error err;
	size_t o = 0;

	/* seccomp and apparmor files: less than 256 bytes */
	assert_int_equal(parse_with("defaults = { seccomp = \"%s\"; };", long_string("/", 255), &err), 0);
	assert_int_equal(parse_with("defaults = { seccomp = \"%s\"; };", long_string("/", 256), &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "is too long (256 bytes or more)"));
	/* a bind's paths: less than 512 bytes */
	assert_int_equal(parse_with("defaults = { binds = ( { from = \"%s\"; to = \"/d\"; } ); };",
				    long_string("/", 511), &err), 0);
	assert_int_equal(parse_with("defaults = { binds = ( { from = \"%s\"; to = \"/d\"; } ); };",
				    long_string("/", 512), &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is too long (512 bytes or more)"));
	/* an etcd endpoint: less than 256 bytes */
	assert_int_equal(parse_with("fleet = { store = \"/s\"; etcd = [ \"%s:1\" ]; };",
				    long_string("http://", 253), &err), 0);
	assert_int_equal(parse_with("fleet = { store = \"/s\"; etcd = [ \"%s:1\" ]; };",
				    long_string("http://", 254), &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is too long"));
	/* 16 etcd endpoints, not 17 */
	for (int i = 1; i <= 16; i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s\"http://e%d:1\"", i > 1 ? ", " : "", i);
	assert_int_equal(parse_with("fleet = { store = \"/s\"; etcd = [ %s ]; };", list, &err), 0);
	snprintf(list + o, sizeof(list) - o, ", \"http://e17:1\"");
	assert_int_equal(parse_with("fleet = { store = \"/s\"; etcd = [ %s ]; };", list, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "17 endpoints; expected 1 to 16"));
	/* bridge.deny: 256 networks, not 257 */
	o = 0;
	for (int i = 0; i < 256; i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s\"10.%d.0.0/16\"", i ? ", " : "", i);
	assert_int_equal(parse_with("bridge = { deny = [ %s ]; };", list, &err), 0);
	snprintf(list + o, sizeof(list) - o, ", \"11.0.0.0/16\"");
	assert_int_equal(parse_with("bridge = { deny = [ %s ]; };", list, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "257 networks; expected at most 256"));
	/* tc's bytes per second too large to say in bits: the fix says how, not a wrong rate */
	assert_int_equal(parse_with("defaults = { bandwidth = { in = \"%s\"; }; };", "20gbps", &err),
			 -EINVAL);
	assert_null(strstr(err.msg, "160gbit"));
	assert_non_null(strstr(err.msg, "eight times the number in bits"));
}

struct bad_case {
	const char *what;
	const char *text;
	int line;
	const char *msg;   /* a substring of err.msg */
	bool policy;       /* is a policy (who is jailed) still returned? */
};

static const struct bad_case bad_cases[] = {
	{ "syntax error", "image = \"/a\";\nstate_dir = ;\n", 2,
	  "libconfig: syntax error; expected NAME = VALUE;", false },
	{ "missing quote", "image = \"/a;\nstate_dir = \"/b\";\n", 2, "libconfig: syntax error", false },
	{ "duplicate setting", "image = \"/a\";\n\nimage = \"/b\";\n", 3,
	  "libconfig: duplicate setting name; expected each setting at most once", false },
	{ "mixed array", "jail_groups = [ \"a\", 5 ];\n", 1, "libconfig: mismatched element type",
	  false },
	{ "@include", "image = \"/a\";\n  @include \"/etc/shadow\"\n", 2,
	  "@include: not allowed; expected every setting in this one file", false },
	{ "unknown top key", "\n\nimages = \"/a\";\n", 3,
	  "images: unknown setting; expected one of: image, state_dir, jail_groups, "
	  "exempt_users, defaults", false },
	{ "misspelt jail_groups", "jail_group = [ \"staff\" ];\n", 1,
	  "jail_group: unknown setting", false },
	{ "unknown defaults key", "defaults = {\n\tidle = 5;\n};\n", 2,
	  "defaults.idle: unknown setting; expected one of: layers, isolated_ports, binds, memory, swap, cpus, pids, io_weight, "
	  "disk, idle_timeout", true },
	{ "defaults not a group", "defaults = 5;\n", 1,
	  "defaults: must be a group, not an integer; expected e.g. defaults = { idle_timeout = 300; };",
	  true },
	{ "image not a string", "\nimage = 5;\n", 2,
	  "image: must be a string (an absolute path), not an integer; "
	  "expected e.g. image = \"/var/lib/warren/images/default\";", true },
	{ "image relative", "image = \"images/default\";\n", 1,
	  "image: \"images/default\" is not an absolute path; expected an absolute path, "
	  "e.g. image = \"/var/lib/warren/images/default\";", true },
	{ "image empty", "image = \"\";\n", 1, "image: \"\" is empty", true },
	{ "image with ..", "image = \"/var/lib/../etc\";\n", 1,
	  "image: \"/var/lib/../etc\" has a '.' or '..' component", true },
	{ "image with .", "image = \"/var/./lib\";\n", 1, "has a '.' or '..' component", true },
	{ "image ending in ..", "image = \"/var/..\";\n", 1, "has a '.' or '..' component", true },
	{ "image with comma", "image = \"/var/lib/a,upperdir=/x\";\n", 1,
	  "contains ',', ':' or '\\' (separators in overlayfs mount options)", true },
	{ "image with colon", "image = \"/var/a:/b\";\n", 1, "contains ',', ':' or '\\'", true },
	{ "image with newline", "image = \"/var/a\\nb\";\n", 1,
	  "image: \"/var/a\\x0ab\" contains a control character", true },
	{ "image //", "image = \"//var/lib\";\n", 1, "has an empty component", true },
	{ "image trailing /", "image = \"/var/lib/\";\n", 1, "has an empty component", true },
	{ "image is /", "image = \"/\";\n", 1, "is the root directory itself", true },
	{ "long value quoted short", "image = \"relative/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";\n",
	  1, "image: \"relative/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"... is not", true },
	{ "state_dir relative", "state_dir = \"var/lib/warren\";\n", 1,
	  "state_dir: \"var/lib/warren\" is not an absolute path; expected an absolute path, "
	  "e.g. state_dir = \"/var/lib/warren\";", true },
	{ "state_dir not a string", "state_dir = [ \"/a\" ];\n", 1,
	  "state_dir: must be a string (an absolute path), not an array", true },
	{ "jail_groups not an array", "jail_groups = \"warren\";\n", 1,
	  "jail_groups: must be an array of group names, not a string; "
	  "expected e.g. jail_groups = [ \"warren\" ];", false },
	{ "jail_groups a group", "jail_groups = { a = 1; };\n", 1,
	  "jail_groups: must be an array of group names, not a group", false },
	{ "jail_groups element not a string", "jail_groups = (\n \"a\",\n 5\n);\n", 3,
	  "jail_groups[1]: must be a string (a group name), not an integer", false },
	{ "invalid group name", "jail_groups = [ \"bad name\" ];\n", 1,
	  "jail_groups[0]: \"bad name\" is not a valid group name; expected 1 to 32 characters: "
	  "a letter or '_', then letters, digits, '_', '.' or '-'", false },
	{ "group name ..", "jail_groups = [ \"..\" ];\n", 1,
	  "jail_groups[0]: \"..\" is not a valid group name", false },
	{ "duplicate group", "jail_groups = [\n\"a\",\n\"b\",\n\"a\" ];\n", 4,
	  "jail_groups[2]: \"a\" is listed twice; expected each group once", false },
	{ "exempt_users bad name", "exempt_users = [ \"root\", \"-x\" ];\n", 1,
	  "exempt_users[1]: \"-x\" is not a valid user name", false },
	{ "exempt_users not an array", "exempt_users = \"root\";\n", 1,
	  "exempt_users: must be an array of user names, not a string", false },
	{ "idle_timeout string", "defaults = { idle_timeout = \"300\"; };\n", 1,
	  "defaults.idle_timeout: must be an integer (seconds), not a string; "
	  "expected e.g. defaults = { idle_timeout = 300; };", true },
	{ "idle_timeout 0", "defaults = {\n idle_timeout = 0;\n};\n", 2,
	  "defaults.idle_timeout: 0 is out of range; expected an integer from 1 to 604800 (seconds)",
	  true },
	{ "network unknown", "defaults = {\n network = \"bridged\";\n};\n", 2,
	  "defaults.network: \"bridged\" is not one of \"none\", \"nat\", \"isolated\"; "
	  "expected e.g. defaults = { network = \"nat\"; };", true },
	{ "seccomp relative path", "groups = ( { name = \"g\"; seccomp = \"web.seccomp\"; } );\n", 1,
	  "groups[0].seccomp: \"web.seccomp\" is not one of \"default\", \"strict\" or the absolute "
	  "path of a profile file; expected e.g. { name = \"students\"; seccomp = \"strict\"; }", true },
	{ "seccomp path with ..", "defaults = {\n seccomp = \"/etc/../x\"; };\n", 2,
	  "defaults.seccomp: \"/etc/../x\" has a '.' or '..' component; expected \"default\", "
	  "\"strict\" or the absolute path of a profile file", true },
	{ "apparmor unknown", "groups = ( { name = \"g\"; apparmor = \"strict\"; } );\n", 1,
	  "groups[0].apparmor: \"strict\" is not one of \"default\", \"unconfined\" or the "
	  "absolute path of a rules file; expected e.g. { name = \"students\"; apparmor = "
	  "\"default\"; }", true },
	{ "apparmor relative path", "defaults = {\n apparmor = \"web.aa\"; };\n", 2,
	  "defaults.apparmor: \"web.aa\" is not one of \"default\", \"unconfined\" or the "
	  "absolute path of a rules file", true },
	{ "apparmor path with ..", "defaults = {\n apparmor = \"/etc/../x.aa\"; };\n", 2,
	  "defaults.apparmor: \"/etc/../x.aa\" has a '.' or '..' component; expected "
	  "\"default\", \"unconfined\" or the absolute path of a rules file, e.g. apparmor = "
	  "\"/etc/warren/web.aa\";", true },
	{ "apparmor not a string", "groups = ( { name = \"g\"; apparmor = false; } );\n", 1,
	  "groups[0].apparmor: must be a string, one of \"default\", \"unconfined\" or the "
	  "absolute path of a rules file, not a boolean", true },
	{ "network not a string", "groups = ( { name = \"g\"; network = 1; } );\n", 1,
	  "groups[0].network: must be a string, one of \"none\", \"nat\", \"isolated\", not an "
	  "integer; expected e.g. { name = \"students\"; network = \"nat\"; }", true },
	{ "peers a string", "groups = ( { name = \"g\"; peers = \"yes\"; } );\n", 1,
	  "groups[0].peers: must be true or false (no quotes), not a string; expected e.g. "
	  "{ name = \"students\"; peers = true; }", true },
	{ "idle_timeout negative", "defaults = { idle_timeout = -1; };\n", 1,
	  "defaults.idle_timeout: -1 is out of range", true },
	{ "idle_timeout too big", "defaults = { idle_timeout = 604801; };\n", 1,
	  "defaults.idle_timeout: 604801 is out of range", true },
	{ "idle_timeout int64 too big", "defaults = { idle_timeout = 9999999999L; };\n", 1,
	  "defaults.idle_timeout: 9999999999 is out of range", true },
	/* libconfig 1.5 would silently read these as 300 */
	{ "idle_timeout past 32 bits", "defaults = { idle_timeout = 4294967596; };\n", 1,
	  "defaults.idle_timeout: the number is out of range; expected an integer from 1 to 604800",
	  true },
	{ "idle_timeout hex past 32 bits", "defaults = { idle_timeout = 0x10000012C; };\n", 1,
	  "defaults.idle_timeout: the number is out of range", true },
	{ "idle_timeout float", "defaults = { idle_timeout = 300.0; };\n", 1,
	  "defaults.idle_timeout: must be an integer (seconds), not a floating-point number", true },
	{ "idle_timeout boolean", "defaults = { idle_timeout = true; };\n", 1,
	  "defaults.idle_timeout: must be an integer (seconds), not a boolean", true },
	/* Resource limits (issue 3).  None of them decides who is jailed: the policy stays. */
	{ "size not a size", "groups = (\n  { name = \"students\"; memory = \"12Q\"; }\n);\n", 2,
	  "groups[0].memory: \"12Q\" is not a size; expected a number with an optional K, M, G or T "
	  "suffix (e.g. \"512M\"), or \"max\"", true },
	{ "size MB suffix", "defaults = { memory = \"512MB\"; };\n", 1,
	  "defaults.memory: \"512MB\" is not a size", true },
	{ "size fraction", "defaults = { disk = \"1.5G\"; };\n", 1,
	  "defaults.disk: \"1.5G\" is not a size", true },
	{ "size P suffix", "defaults = { disk = \"1P\"; };\n", 1, "defaults.disk: \"1P\" is not a size",
	  true },
	{ "size empty", "defaults = { memory = \"\"; };\n", 1, "defaults.memory: \"\" is not a size",
	  true },
	{ "size negative", "defaults = { swap = -1; };\n", 1,
	  "defaults.swap: -1 is not a size; expected a number with an optional K, M, G or T suffix",
	  true },
	{ "size overflow", "defaults = { memory = \"99999999999T\"; };\n", 1,
	  "defaults.memory: \"99999999999T\" is too large; expected less than 8388608T (2^63 bytes), "
	  "or \"max\"", true },
	{ "size 2^64", "defaults = { memory = \"18446744073709551616\"; };\n", 1,
	  "defaults.memory: \"18446744073709551616\" is too large", true },
	{ "size past 32 bits", "defaults = { disk = 10737418240; };\n", 1,
	  "defaults.disk: the number is out of range for libconfig; expected a size as a string, "
	  "e.g. defaults = { disk = \"10G\"; };", true },
	{ "size float", "defaults = {\n memory = 1.5;\n};\n", 2,
	  "defaults.memory: must be a size (a string such as \"512M\", or a number of bytes), not a "
	  "floating-point number; expected e.g. defaults = { memory = \"1G\"; };", true },
	{ "memory too small", "defaults = { memory = \"8M\"; };\n", 1,
	  "defaults.memory: 8M is too small; expected at least 16M, or \"max\"", true },
	{ "memory 0", "users = ( { name = \"alice\"; memory = 0; } );\n", 1,
	  "users[0].memory: 0 is too small; expected at least 16M", true },
	{ "disk too small", "groups = ( { name = \"s\";\n disk = \"32M\"; } );\n", 2,
	  "groups[0].disk: 32M is too small; expected at least 64M, or \"max\"", true },
	{ "swap bad", "defaults = { swap = \"none\"; };\n", 1,
	  "defaults.swap: \"none\" is not a size", true },
	{ "swap boolean", "defaults = { swap = false; };\n", 1,
	  "defaults.swap: must be a size (a string such as \"512M\", or a number of bytes), not a "
	  "boolean", true },
	{ "cpus 0", "defaults = { cpus = 0; };\n", 1,
	  "defaults.cpus: 0 is out of range; expected a number of cores from 0.01 to 1024 (e.g. 0.5), "
	  "or \"max\"", true },
	{ "cpus negative", "defaults = { cpus = -1.5; };\n", 1, "defaults.cpus: -1.5 is out of range",
	  true },
	{ "cpus too small", "defaults = { cpus = 0.001; };\n", 1, "defaults.cpus: 0.001 is out of range",
	  true },
	{ "cpus too big", "groups = ( { name = \"s\"; cpus = 1025; } );\n", 1,
	  "groups[0].cpus: 1025 is out of range", true },
	{ "cpus string not max", "defaults = { cpus = \"2\"; };\n", 1,
	  "defaults.cpus: \"2\" is not a number of cores; expected a number from 0.01 to 1024 without "
	  "quotes (e.g. cpus = 0.5;), or \"max\"", true },
	{ "cpus boolean", "defaults = { cpus = true; };\n", 1,
	  "defaults.cpus: must be a number of cores or \"max\", not a boolean; "
	  "expected e.g. defaults = { cpus = 0.5; };", true },
	{ "pids too small", "defaults = { pids = 4; };\n", 1,
	  "defaults.pids: 4 is out of range; expected an integer from 8 to 4194304 (processes), "
	  "or \"max\"", true },
	{ "pids too big", "defaults = { pids = 4194305; };\n", 1, "defaults.pids: 4194305 is out of range",
	  true },
	{ "pids string", "defaults = { pids = \"lots\"; };\n", 1,
	  "defaults.pids: \"lots\" is not a number; expected an integer from 8 to 4194304 (processes) "
	  "without quotes, or \"max\"", true },
	{ "pids float", "defaults = { pids = 100.0; };\n", 1,
	  "defaults.pids: must be an integer (processes) or \"max\", not a floating-point number", true },
	{ "io_weight 0", "defaults = { io_weight = 0; };\n", 1,
	  "defaults.io_weight: 0 is out of range; expected an integer from 1 to 10000 "
	  "(relative I/O weight)", true },
	{ "io_weight too big", "users = ( { name = \"a\"; io_weight = 10001; } );\n", 1,
	  "users[0].io_weight: 10001 is out of range", true },
	{ "io_weight max", "defaults = { io_weight = \"max\"; };\n", 1,
	  "defaults.io_weight: must be an integer (relative I/O weight), not a string", true },
	{ "idle_timeout max", "groups = ( { name = \"s\"; idle_timeout = \"max\"; } );\n", 1,
	  "groups[0].idle_timeout: must be an integer (seconds), not a string", true },
	{ "groups not a list", "groups = { name = \"students\"; };\n", 1,
	  "groups: must be a list ( { name = ...; }, ... ) of group entries, not a group; expected e.g. "
	  "groups = ( { name = \"students\"; memory = \"512M\"; } );", true },
	{ "groups an array of names", "groups = [ \"students\" ];\n", 1,
	  "groups: must be a list ( { name = ...; }, ... ) of group entries, not an array", true },
	{ "groups element not a group", "groups = (\n { name = \"a\"; },\n 5\n);\n", 3,
	  "groups[1]: must be a group { name = ...; }, not an integer; expected e.g. "
	  "{ name = \"students\"; memory = \"512M\"; }", true },
	{ "group without name", "groups = (\n { name = \"a\"; },\n {\n  memory = \"1G\";\n }\n);\n",
	  3, "groups[1]: has no name; expected e.g. { name = \"students\"; memory = \"512M\"; }", true },
	{ "group name not a string", "groups = ( { name = 5; } );\n", 1,
	  "groups[0].name: must be a string (a group name), not an integer", true },
	{ "group name invalid", "groups = ( { name = \"my group\"; } );\n", 1,
	  "groups[0].name: \"my group\" is not a valid group name; expected 1 to 32 characters", true },
	{ "duplicate group name",
	  "groups = (\n { name = \"staff\"; },\n { name = \"s\"; },\n { name = \"staff\"; }\n);\n", 4,
	  "groups[2].name: \"staff\" is listed twice (also groups[0]); expected one entry per group",
	  true },
	{ "unknown key in a group", "groups = (\n { name = \"s\";\n   memroy = \"1G\"; }\n);\n", 3,
	  "groups[0].memroy: unknown setting; expected one of: name, layers, isolated_ports, binds, memory, swap, cpus, pids, "
	  "io_weight, disk, idle_timeout", true },
	{ "users entry bad name", "users = ( { name = \"-alice\"; } );\n", 1,
	  "users[0].name: \"-alice\" is not a valid user name", true },
	{ "duplicate user", "users = (\n { name = \"alice\"; memory = \"2G\"; },\n"
	  " { name = \"alice\"; cpus = 2; }\n);\n", 3,
	  "users[1].name: \"alice\" is listed twice (also users[0]); expected one entry per user", true },
	{ "users not a list", "users = \"alice\";\n", 1,
	  "users: must be a list ( { name = ...; }, ... ) of user entries, not a string; expected e.g. "
	  "users = ( { name = \"alice\"; memory = \"2G\"; } );", true },
	{ "unknown key in a user", "users = ( { name = \"alice\"; group = \"x\"; } );\n", 1,
	  "users[0].group: unknown setting; expected one of: name, layers, isolated_ports, binds, memory", true },
	{ "limit at top level", "memory = \"1G\";\n", 1,
	  "memory: unknown setting; expected one of: image, state_dir, jail_groups, exempt_users, "
	  "defaults, groups, users", false },
	{ "layer name", "groups = ( { name = \"a\"; layers = [ \"../etc\" ]; } );\n", 1,
	  "groups[0].layers[0]: \"../etc\" is not a valid layer name", true },
	{ "too many layers", "defaults = { layers = [ \"a\", \"b\", \"c\", \"d\", \"e\", \"f\", "
	  "\"g\", \"h\", \"i\" ]; };\n", 1, "defaults.layers: 9 layers; expected at most 8", true },
	{ "layers not names", "users = ( { name = \"a\"; layers = \"cs101\"; } );\n", 1,
	  "users[0].layers: must be an array of layer names, not a string", true },
	/* isolated_ports (issue 18): each bad form with where it is and the fix. */
	{ "isolated_ports not a list", "defaults = {\n isolated_ports = \"53/udp\"; };\n", 2,
	  "defaults.isolated_ports: must be an array of ports, not a string; expected e.g. defaults = "
	  "{ isolated_ports = [ \"53/udp\", \"53/tcp\", \"8080/tcp\" ];", true },
	{ "isolated port a number", "groups = ( { name = \"lab\"; isolated_ports = [ 80 ]; } );\n", 1,
	  "groups[0].isolated_ports[0]: must be a string (\"PORT/tcp\" or \"PORT/udp\" (PORT from 1 to "
	  "65535), or a range \"LOW-HIGH/tcp\"), not an integer", true },
	{ "isolated port without protocol", "users = ( { name = \"a\";\n isolated_ports = [ \"53/udp\", "
	  "\"8080\" ]; } );\n", 2, "users[0].isolated_ports[1]: \"8080\" is not a port; expected "
	  "\"PORT/tcp\" or \"PORT/udp\"", true },
	{ "isolated port sctp", "defaults = { isolated_ports = [ \"80/sctp\" ]; };\n", 1,
	  "defaults.isolated_ports[0]: \"80/sctp\" is not a port", true },
	{ "isolated port 0", "defaults = { isolated_ports = [ \"0/tcp\" ]; };\n", 1,
	  "defaults.isolated_ports[0]: \"0/tcp\": ports go from 1 to 65535, the lower first", true },
	{ "isolated port too big", "defaults = { isolated_ports = [ \"65536/udp\" ]; };\n", 1,
	  "defaults.isolated_ports[0]: \"65536/udp\": ports go from 1 to 65535", true },
	{ "isolated range backwards", "defaults = { isolated_ports = [ \"9000-8000/tcp\" ]; };\n", 1,
	  "defaults.isolated_ports[0]: \"9000-8000/tcp\": ports go from 1 to 65535, the lower first",
	  true },
	{ "isolated ports overlap", "defaults = { isolated_ports = [ \"8000-8099/tcp\", \"53/tcp\", "
	  "\"8080/tcp\" ]; };\n", 1, "defaults.isolated_ports[2]: \"8080/tcp\" overlaps 8000-8099/tcp "
	  "(defaults.isolated_ports[0]); expected each port once", true },
	{ "too many isolated ports", "defaults = { isolated_ports = [ \"1/tcp\", \"2/tcp\", \"3/tcp\", "
	  "\"4/tcp\", \"5/tcp\", \"6/tcp\", \"7/tcp\", \"8/tcp\", \"9/tcp\", \"10/tcp\", \"11/tcp\", "
	  "\"12/tcp\", \"13/tcp\", \"14/tcp\", \"15/tcp\", \"16/tcp\", \"17/tcp\" ]; };\n", 1,
	  "defaults.isolated_ports: 17 ports; expected at most 16", true },
	/* Binds (issue 20): each bad form with where it is and the fix; none loses the policy. */
	{ "binds not a list", "defaults = { binds = \"/srv/data\"; };\n", 1,
	  "defaults.binds: must be a list ( { from = ...; to = ...; }, ... ), not a string; expected "
	  "e.g. defaults = { binds = ( { from = \"/srv/datasets\"; to = \"/data\"; } );", true },
	{ "binds a group", "groups = ( { name = \"g\"; binds = { from = \"/a\"; to = \"/b\"; }; } );\n", 1,
	  "groups[0].binds: must be a list ( { from = ...; to = ...; }, ... ), not a group", true },
	{ "bind not a group", "groups = ( { name = \"g\";\n binds = ( \"/srv/data\" ); } );\n", 2,
	  "groups[0].binds[0]: must be a group { from = ...; to = ...; }, not a string; expected e.g. "
	  "{ from = \"/srv/datasets\"; to = \"/data\"; }", true },
	{ "bind without to", "users = ( { name = \"a\"; binds = (\n { from = \"/srv/data\"; }\n ); } );\n",
	  2, "users[0].binds[0]: has no to; expected e.g. { from = \"/srv/datasets\"; to = \"/data\"; }",
	  true },
	{ "bind without from", "defaults = { binds = ( { to = \"/data\"; write = true; } ); };\n", 1,
	  "defaults.binds[0]: has no from; expected e.g.", true },
	{ "bind from relative", "defaults = { binds = (\n { from = \"srv/data\"; to = \"/data\"; } ); };\n",
	  2, "defaults.binds[0].from: \"srv/data\" is not an absolute path; expected an absolute path, "
	  "e.g. from = \"/srv/datasets\";", true },
	{ "bind from empty", "defaults = { binds = ( { from = \"\"; to = \"/data\"; } ); };\n", 1,
	  "defaults.binds[0].from: \"\" is empty", true },
	{ "bind from with ..", "defaults = { binds = ( { from = \"/srv/../etc\"; to = \"/data\"; } ); };\n",
	  1, "defaults.binds[0].from: \"/srv/../etc\" has a '.' or '..' component; expected an absolute "
	  "path", true },
	{ "bind from %u/..", "defaults = { binds = ( { from = \"/srv/%u/..\"; to = \"/data\"; } ); };\n",
	  1, "defaults.binds[0].from: \"/srv/%u/..\" has a '.' or '..' component", true },
	{ "bind to with ..", "defaults = { binds = ( { from = \"/srv\"; to = \"/data/../proc\"; } ); };\n",
	  1, "defaults.binds[0].to: \"/data/../proc\" has a '.' or '..' component; expected an absolute "
	  "path, e.g. to = \"/data\";", true },
	{ "bind to relative", "defaults = { binds = ( { from = \"/srv\"; to = \"data\"; } ); };\n", 1,
	  "defaults.binds[0].to: \"data\" is not an absolute path", true },
	{ "bind to /", "defaults = { binds = ( { from = \"/srv\"; to = \"/\"; } ); };\n", 1,
	  "defaults.binds[0].to: \"/\" is the root directory itself", true },
	{ "bind to /proc", "defaults = { binds = ( { from = \"/srv\"; to = \"/proc\"; } ); };\n", 1,
	  "defaults.binds[0].to: \"/proc\" is under /proc, /sys or /dev, which the container mounts "
	  "itself; expected an absolute path, e.g. to = \"/data\";", true },
	{ "bind to under /proc", "defaults = { binds = ( { from = \"/srv\"; to = \"/proc/sys/x\"; } ); };\n",
	  1, "defaults.binds[0].to: \"/proc/sys/x\" is under /proc, /sys or /dev", true },
	{ "bind to under /sys", "groups = ( { name = \"g\"; binds = ( { from = \"/srv\"; to = \"/sys/fs\"; } ); } );\n",
	  1, "groups[0].binds[0].to: \"/sys/fs\" is under /proc, /sys or /dev", true },
	{ "bind to under /dev", "users = ( { name = \"u\"; binds = ( { from = \"/srv\"; to = \"/dev/shm\"; } ); } );\n",
	  1, "users[0].binds[0].to: \"/dev/shm\" is under /proc, /sys or /dev", true },
	{ "bind to /etc", "defaults = { binds = ( { from = \"/srv\"; to = \"/etc\"; } ); };\n", 1,
	  "defaults.binds[0].to: \"/etc\" is /etc, where the container's own passwd and group entries "
	  "are written", true },
	{ "bind to trailing /", "defaults = { binds = ( { from = \"/srv\"; to = \"/data/\"; } ); };\n", 1,
	  "defaults.binds[0].to: \"/data/\" has an empty component", true },
	{ "bind from with comma", "defaults = { binds = ( { from = \"/srv/a,b\"; to = \"/d\"; } ); };\n", 1,
	  "defaults.binds[0].from: \"/srv/a,b\" contains ',', ':' or '\\'", true },
	{ "bind from not a string", "defaults = { binds = ( { from = 5; to = \"/d\"; } ); };\n", 1,
	  "defaults.binds[0].from: must be a string (an absolute path), not an integer; expected e.g. "
	  "from = \"/srv/datasets\";", true },
	{ "bind from unknown token", "defaults = { binds = ( { from = \"/srv/%g\"; to = \"/d\"; } ); };\n",
	  1, "defaults.binds[0].from: \"/srv/%g\" has a '%' that is not %u; expected %u (her user name) "
	  "as the only token", true },
	{ "bind to trailing %", "defaults = { binds = ( { from = \"/srv\"; to = \"/d%\"; } ); };\n", 1,
	  "defaults.binds[0].to: \"/d%\" has a '%' that is not %u", true },
	{ "bind from %%", "defaults = { binds = ( { from = \"/srv/%%u\"; to = \"/d\"; } ); };\n", 1,
	  "defaults.binds[0].from: \"/srv/%%u\" has a '%' that is not %u", true },
	{ "bind from too long",
	  "defaults = { binds = ( { to = \"/d\"; from = \"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"; } ); };\n", 1,
	  "is too long (512 bytes or more)", true },
	{ "bind unknown key", "defaults = { binds = ( { from = \"/srv\"; to = \"/d\";\n readonly = true; } ); };\n",
	  2, "defaults.binds[0].readonly: unknown setting; expected one of: from, to, write, exec, create, "
	  "required", true },
	{ "bind write a string", "defaults = { binds = ( { from = \"/srv\"; to = \"/d\"; write = \"yes\"; } ); };\n",
	  1, "defaults.binds[0].write: must be true or false (no quotes), not a string; expected e.g. "
	  "write = true;", true },
	{ "bind exec an integer", "defaults = { binds = ( { from = \"/srv\"; to = \"/d\"; exec = 0; } ); };\n",
	  1, "defaults.binds[0].exec: must be true or false (no quotes), not an integer; expected e.g. "
	  "exec = true;", true },
	{ "bind required a string", "defaults = { binds = ( { from = \"/s\"; to = \"/d\"; required = \"true\"; } ); };\n",
	  1, "defaults.binds[0].required: must be true or false (no quotes), not a string", true },
	{ "bind create an integer", "defaults = { binds = ( { from = \"/s\"; to = \"/d\"; create = 0700; } ); };\n",
	  1, "defaults.binds[0].create: must be a string (an octal mode in quotes), not an integer; "
	  "expected e.g. create = \"0700\";", true },
	{ "bind create not octal", "defaults = { binds = ( { from = \"/s\"; to = \"/d\"; create = \"0789\"; } ); };\n",
	  1, "defaults.binds[0].create: \"0789\" is not an octal mode; expected up to four digits 0-7, "
	  "e.g. create = \"0700\";", true },
	{ "bind create symbolic", "defaults = { binds = ( { from = \"/s\"; to = \"/d\"; create = \"u=rwx\"; } ); };\n",
	  1, "defaults.binds[0].create: \"u=rwx\" is not an octal mode", true },
	{ "bind create too long", "defaults = { binds = ( { from = \"/s\"; to = \"/d\"; create = \"00700\"; } ); };\n",
	  1, "defaults.binds[0].create: \"00700\" is not an octal mode", true },
	{ "bind create setuid", "defaults = { binds = ( { from = \"/s\"; to = \"/d\"; create = \"4755\"; } ); };\n",
	  1, "defaults.binds[0].create: \"4755\" has bits beyond the permissions, setgid and sticky; "
	  "expected at most \"3777\"", true },
	{ "bind to twice in an entry", "groups = ( { name = \"g\"; binds = (\n"
	  " { from = \"/a\"; to = \"/data\"; },\n { from = \"/b\"; to = \"/x\"; },\n"
	  " { from = \"/c\";\n   to = \"/data\"; } ); } );\n", 5,
	  "groups[0].binds[2].to: \"/data\" is listed twice in this entry (also groups[0].binds[0]); "
	  "expected one bind per to in an entry", true },
	{ "too many binds", "defaults = { binds = ( "
	  "{from=\"/a\";to=\"/a1\";},{from=\"/a\";to=\"/a2\";},{from=\"/a\";to=\"/a3\";},{from=\"/a\";to=\"/a4\";},"
	  "{from=\"/a\";to=\"/a5\";},{from=\"/a\";to=\"/a6\";},{from=\"/a\";to=\"/a7\";},{from=\"/a\";to=\"/a8\";},"
	  "{from=\"/a\";to=\"/a9\";},{from=\"/a\";to=\"/b1\";},{from=\"/a\";to=\"/b2\";},{from=\"/a\";to=\"/b3\";},"
	  "{from=\"/a\";to=\"/b4\";},{from=\"/a\";to=\"/b5\";},{from=\"/a\";to=\"/b6\";},{from=\"/a\";to=\"/b7\";},"
	  "{from=\"/a\";to=\"/b8\";},{from=\"/a\";to=\"/b9\";},{from=\"/a\";to=\"/c1\";},{from=\"/a\";to=\"/c2\";},"
	  "{from=\"/a\";to=\"/c3\";},{from=\"/a\";to=\"/c4\";},{from=\"/a\";to=\"/c5\";},{from=\"/a\";to=\"/c6\";},"
	  "{from=\"/a\";to=\"/c7\";},{from=\"/a\";to=\"/c8\";},{from=\"/a\";to=\"/c9\";},{from=\"/a\";to=\"/d1\";},"
	  "{from=\"/a\";to=\"/d2\";},{from=\"/a\";to=\"/d3\";},{from=\"/a\";to=\"/d4\";},{from=\"/a\";to=\"/d5\";},"
	  "{from=\"/a\";to=\"/d6\";} ); };\n", 1, "defaults.binds: 33 binds; expected at most 32 in one entry",
	  true },
	{ "binds at top level", "binds = ( );\n", 1,
	  "binds: unknown setting; expected one of: image, state_dir", false },
	{ "home unknown", "defaults = {\n home = \"nfs\"; };\n", 2,
	  "defaults.home: \"nfs\" is not one of \"overlay\", \"host\"; expected e.g. defaults = { home = "
	  "\"host\"; };", true },
	{ "home a boolean", "users = ( { name = \"a\"; home = true; } );\n", 1,
	  "users[0].home: must be a string, one of \"overlay\", \"host\", not a boolean; expected e.g. "
	  "{ name = \"alice\"; home = \"host\"; }", true },
	{ "bandwidth bytes per second", "groups = ( { name = \"s\";\n  bandwidth = { in = \"100mbit\"; "
	  "out = \"20mbps\"; }; } );\n", 2,
	  "groups[0].bandwidth.out: \"20mbps\" is bytes per second (tc's kbps, mbps and gbps are bytes); "
	  "warren's rates are bits per second: write \"160mbit\"", true },
	{ "bandwidth kbps", "defaults = { bandwidth = { in = \"125kbps\"; }; };\n", 1,
	  "defaults.bandwidth.in: \"125kbps\" is bytes per second", true },
	{ "bandwidth no unit", "defaults = {\n bandwidth = {\n  in = \"100\"; }; };\n", 3,
	  "defaults.bandwidth.in: \"100\" is not a rate; expected bits per second with a unit kbit, "
	  "mbit or gbit (e.g. \"100mbit\"), or \"max\"", true },
	{ "bandwidth a number", "users = ( { name = \"a\"; bandwidth = { out = 100000; }; } );\n", 1,
	  "users[0].bandwidth.out: must be a rate in a string, not an integer; expected e.g. "
	  "{ name = \"alice\"; bandwidth = { out = \"20mbit\"; }; }", true },
	{ "bandwidth fraction", "defaults = { bandwidth = { in = \"1.5gbit\"; }; };\n", 1,
	  "defaults.bandwidth.in: \"1.5gbit\" is not a rate", true },
	{ "bandwidth bare bits", "defaults = { bandwidth = { in = \"9000bit\"; }; };\n", 1,
	  "defaults.bandwidth.in: \"9000bit\" is not a rate", true },
	{ "bandwidth too low", "defaults = { bandwidth = { out = \"4kbit\"; }; };\n", 1,
	  "defaults.bandwidth.out: \"4kbit\" is too low; expected at least 8kbit, or \"max\" for no "
	  "limit", true },
	{ "bandwidth too high", "defaults = { bandwidth = { out = \"101gbit\"; }; };\n", 1,
	  "defaults.bandwidth.out: \"101gbit\" is too high; expected at most 100gbit", true },
	{ "bandwidth past 64 bits", "defaults = { bandwidth = { out = \"99999999999999999999999gbit\"; }; };\n",
	  1, "defaults.bandwidth.out: \"99999999999999999999999gbit\" is too high", true },
	{ "bandwidth unknown key", "groups = ( { name = \"g\";\n bandwidth = {\n  egress = \"1mbit\"; }; } );\n",
	  3, "groups[0].bandwidth.egress: unknown setting; expected one of: in, out", true },
	{ "bandwidth not a group", "defaults = { bandwidth = \"100mbit\"; };\n", 1,
	  "defaults.bandwidth: must be a group { in, out }, each optional, not a string; expected e.g. "
	  "bandwidth = { in = \"100mbit\"; out = \"20mbit\"; };", true },
	{ "bandwidth at top level", "bandwidth = { in = \"1mbit\"; };\n", 1,
	  "bandwidth: unknown setting; expected one of: image, state_dir", false },
	{ "unknown key lists bandwidth once", "defaults = { bandwith = { in = \"1mbit\"; }; };\n", 1,
	  "net_rate, bandwidth, ptys", true },
	/* fleet (warren.conf(5), FLEET): each refusal names the fix. */
	{ "fleet not a group", "fleet = \"/shared\";\n", 1,
	  "fleet: must be a group, not a string; expected e.g. fleet = { store = \"/shared/warren\"; "
	  "etcd = [ \"https://10.1.0.5:2379\" ]; };", true },
	{ "fleet without store", "fleet = {\n etcd = [ \"http://127.0.0.1:2379\" ];\n};\n", 1,
	  "fleet: has no store; expected the shared mount every login host has", true },
	{ "fleet without etcd", "fleet = {\n store = \"/shared/warren\";\n};\n", 1,
	  "fleet: has no etcd; expected the endpoints", true },
	{ "fleet store relative", "fleet = {\n store = \"shared/warren\";\n etcd = [ \"http://a:1\" ]; };\n", 2,
	  "fleet.store: \"shared/warren\" is not an absolute path; expected an absolute path, e.g. "
	  "fleet = { store = \"/shared/warren\"; };", true },
	{ "fleet unknown key", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\" ]; ttl = 5; };\n", 1,
	  "fleet.ttl: unknown setting; expected one of: store, etcd, lease_ttl, takeover, cert, key, "
	  "cacert", true },
	{ "etcd not an array", "fleet = { store = \"/s\"; etcd = \"http://a:1\"; };\n", 1,
	  "fleet.etcd: must be an array of endpoint URLs, not a string", true },
	{ "etcd empty", "fleet = { store = \"/s\"; etcd = [ ]; };\n", 1,
	  "fleet.etcd: 0 endpoints; expected 1 to 16", true },
	{ "etcd no scheme", "fleet = { store = \"/s\";\n etcd = [ \"10.1.0.5:2379\" ]; };\n", 2,
	  "fleet.etcd[0]: \"10.1.0.5:2379\" does not start with http:// or https://; expected "
	  "http://HOST:PORT or https://HOST:PORT", true },
	{ "etcd other scheme", "fleet = { store = \"/s\"; etcd = [ \"unix:///run/etcd\" ]; };\n", 1,
	  "does not start with http:// or https://", true },
	{ "etcd no port", "fleet = { store = \"/s\"; etcd = [ \"https://etcd1.example.org\" ]; };\n", 1,
	  "fleet.etcd[0]: \"https://etcd1.example.org\" has no port (etcd's client port is usually 2379)",
	  true },
	{ "etcd port 0", "fleet = { store = \"/s\"; etcd = [ \"http://a:0\" ]; };\n", 1,
	  "has a port out of range (1 to 65535)", true },
	{ "etcd port 65536", "fleet = { store = \"/s\"; etcd = [ \"http://a:65536\" ]; };\n", 1,
	  "has a port out of range (1 to 65535)", true },
	{ "etcd port empty", "fleet = { store = \"/s\"; etcd = [ \"http://a:\" ]; };\n", 1,
	  "has no port number after ':'", true },
	{ "etcd path", "fleet = { store = \"/s\"; etcd = [ \"http://a:2379/v3\" ]; };\n", 1,
	  "has text after the port (a path, query or '/')", true },
	{ "etcd user", "fleet = { store = \"/s\"; etcd = [ \"http://u@a:2379\" ]; };\n", 1,
	  "has a character that is not part of a host name or address", true },
	{ "etcd no host", "fleet = { store = \"/s\"; etcd = [ \"http://:2379\" ]; };\n", 1,
	  "has no host name or address after the scheme", true },
	{ "etcd bad v6", "fleet = { store = \"/s\"; etcd = [ \"http://[fd00::1:2379\" ]; };\n", 1,
	  "has a '[' that is not an IPv6 address closed by ']'", true },
	{ "etcd twice", "fleet = { store = \"/s\"; etcd = [\n\"http://a:1\",\n\"http://a:1\" ]; };\n", 3,
	  "fleet.etcd[1]: \"http://a:1\" is listed twice; expected each endpoint once", true },
	{ "etcd mixed schemes", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\", \"https://b:1\" ]; };\n",
	  1, "fleet.etcd[1]: \"https://b:1\": the endpoints mix http:// and https://", true },
	{ "etcd not a string", "fleet = { store = \"/s\"; etcd = ( 2379 ); };\n", 1,
	  "fleet.etcd[0]: must be a string (an endpoint URL), not an integer", true },
	{ "lease_ttl 4", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\" ];\n lease_ttl = 4; };\n", 2,
	  "fleet.lease_ttl: 4 is out of range; expected an integer from 5 to 300 (seconds), e.g. "
	  "fleet = { lease_ttl = 15; };", true },
	{ "lease_ttl 301", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\" ]; lease_ttl = 301; };\n", 1,
	  "fleet.lease_ttl: 301 is out of range; expected an integer from 5 to 300", true },
	{ "lease_ttl mangled", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\" ]; lease_ttl = 4294967311; };\n",
	  1, "fleet.lease_ttl: the number is out of range", true },
	{ "lease_ttl string", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\" ]; lease_ttl = \"15\"; };\n",
	  1, "fleet.lease_ttl: must be an integer (seconds), not a string", true },
	{ "takeover unknown", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\" ];\n takeover = \"yes\"; };\n",
	  2, "fleet.takeover: \"yes\" is not one of \"never\", \"idle\", \"always\"; expected e.g. "
	  "fleet = { takeover = \"never\"; };", true },
	{ "takeover boolean", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\" ]; takeover = true; };\n",
	  1, "fleet.takeover: must be a string, one of \"never\", \"idle\", \"always\", not a boolean", true },
	{ "cert without key", "fleet = { store = \"/s\"; etcd = [ \"https://a:1\" ];\n cert = \"/c.pem\"; };\n",
	  1, "fleet: has cert without key; expected both", true },
	{ "key without cert", "fleet = { store = \"/s\"; etcd = [ \"https://a:1\" ]; key = \"/k.pem\"; };\n",
	  1, "fleet: has key without cert", true },
	{ "TLS over http", "fleet = { store = \"/s\"; etcd = [ \"http://a:1\" ]; cacert = \"/ca.pem\"; };\n",
	  1, "fleet: has TLS files but its etcd endpoints are http://; expected https://", true },
	{ "cert relative", "fleet = { store = \"/s\"; etcd = [ \"https://a:1\" ]; cert = \"c.pem\"; key = \"/k\"; };\n",
	  1, "fleet.cert: \"c.pem\" is not an absolute path", true },
	/* The first error in the file is reported; a later bad jail_groups still loses the policy. */
	{ "first error wins", "image = 5;\njail_groups = [ \"a b\" ];\n", 1,
	  "image: must be a string", false },
	{ "policy error after", "defaults = { idle_timeout = 0; };\nexempt_users = 5;\n", 1,
	  "defaults.idle_timeout: 0 is out of range", false },
};

static void test_bad_case(void **state)
{
	const struct bad_case *t = *state;
	struct warren_config *c = (void *)1, *policy = (void *)1;
	struct config_error err;
	char line[1024];

	assert_int_equal(config_parse_string(t->text, "bad.conf", &c, &policy, &err), -EINVAL);
	config_error_format(&err, line, sizeof(line));
	print_message("# %s\n", line);
	if (!strstr(err.msg, t->msg))
		fail_msg("%s: message \"%s\" lacks \"%s\"", t->what, err.msg, t->msg);
	assert_int_equal(err.line, t->line);
	assert_string_equal(err.file, "bad.conf");
	/* ret is written only on success */
	assert_ptr_equal(c, (void *)1);
	if (t->policy != (policy != NULL))
		fail_msg("%s: policy %s", t->what, policy ? "returned" : "missing");
	config_free(policy);
}

/* TEXT parsed without error, with its fleet group set. */
static struct warren_config *fleet_parse(const char *text)
{
	struct warren_config *c = NULL;
	struct config_error err;

	if (config_parse_string(text, "x", &c, NULL, &err) < 0)
		fail_msg("%d: %s", err.line, err.msg);
	assert_true(c->fleet.set);
	return c;
}

/* fleet: absent, it changes nothing; present, every key read as written. */
static void test_fleet(void **state)
{
	static const char *const urls[] = { "http://10.1.0.5:2379", "http://[fd00::5]:2379",
					    "http://etcd-3.example.org:12379", NULL };
	_cleanup_(config_freep) struct warren_config *none = NULL, *c = NULL, *tls = NULL,
						     *ca = NULL;
	struct config_error err;

	assert_int_equal(config_parse_string(GOOD_CONFIG, "x", &none, NULL, &err), 0);
	assert_false(none->fleet.set);
	assert_null(none->fleet.store);
	assert_null(none->fleet.etcd);
	c = fleet_parse("fleet = {\n store = \"/shared/warren\";\n etcd = [ \"http://10.1.0.5:2379\", "
			"\"http://[fd00::5]:2379\", \"http://etcd-3.example.org:12379\" ];\n};\n");
	assert_string_equal(c->fleet.store, "/shared/warren");
	for (size_t i = 0; i < ELEMENTSOF(urls); i++)
		assert_true(urls[i] ? !strcmp(c->fleet.etcd[i], urls[i]) : !c->fleet.etcd[i]);
	assert_int_equal(c->fleet.lease_ttl, FLEET_TTL_DEFAULT);
	assert_int_equal(c->fleet.takeover, FLEET_TAKEOVER_NEVER);
	assert_true(!c->fleet.cert && !c->fleet.key && !c->fleet.cacert);
	tls = fleet_parse("fleet = { store = \"/s\"; etcd = [ \"https://a:1\" ]; lease_ttl = 300; "
			  "takeover = \"idle\"; cert = \"/c.pem\"; key = \"/k.pem\"; cacert = \"/ca.pem\"; };\n");
	assert_int_equal(tls->fleet.lease_ttl, 300);
	assert_string_equal(fleet_takeover_name(tls->fleet.takeover), "idle");
	assert_string_equal(tls->fleet.cert, "/c.pem");
	assert_string_equal(tls->fleet.key, "/k.pem");
	assert_string_equal(tls->fleet.cacert, "/ca.pem");
	ca = fleet_parse("fleet = { store = \"/s\"; etcd = [ \"https://a:1\" ]; lease_ttl = 5; "
			 "takeover = \"always\"; cacert = \"/ca.pem\"; };\n");
	assert_int_equal(ca->fleet.lease_ttl, 5);
	assert_int_equal(ca->fleet.takeover, FLEET_TAKEOVER_ALWAYS);
}

/* The shipped config's commented fleet example, uncommented, is a valid fleet group. */
static void test_shipped_fleet_example(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	_cleanup_fclose_ FILE *f = fopen("conf/warren.conf", "re");
	char line[512], text[4096] = "";
	bool in = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		in = in || !strncmp(line, "# fleet = {", 11);
		if (in)
			strncat(text, line + (line[1] == ' ' ? 2 : 1), sizeof(text) - strlen(text) - 1);
		if (in && !strncmp(line, "# };", 4))
			break;
	}
	c = fleet_parse(text);
	assert_string_equal(c->fleet.store, "/shared/warren");
	assert_int_equal(c->fleet.lease_ttl, 15);
}

static void test_long_path(void **state)
{
	char text[5000];
	struct warren_config *c = NULL, *policy = NULL;
	struct config_error err;

	snprintf(text, sizeof(text), "image = \"/%04095d\";\n", 0);
	assert_int_equal(config_parse_string(text, "x", &c, &policy, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is too long (4096 bytes or more)"));
	config_free(policy);
	snprintf(text, sizeof(text), "image = \"/%04094d\";\n", 0);
	assert_int_equal(config_parse_string(text, "x", &c, NULL, &err), 0);
	config_free(c);
}

/* Only idle_timeout is wrong: who is jailed is still known, so the policy comes back
 * with the file's groups and users and the caller refuses exactly those logins. */
static void test_policy_kept(void **state)
{
	struct warren_config *c = NULL, *policy = NULL;
	struct config_error err;

	assert_int_equal(config_parse_string("jail_groups = [ \"students\" ];\n"
					     "exempt_users = [ \"root\", \"tutor\" ];\n"
					     "defaults = { idle_timeout = 0; };\n",
					     "p.conf", &c, &policy, &err), -EINVAL);
	assert_null(c);
	assert_non_null(policy);
	assert_strv(policy->jail_groups, "students", NULL);
	assert_strv(policy->exempt_users, "root", "tutor");
	assert_string_equal(policy->path, "p.conf");
	config_free(policy);
}

static void test_error_format(void **state)
{
	struct config_error err = { .file = "/etc/warren/warren.conf", .line = 3, .msg = "x: bad" };
	char buf[600];

	config_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/warren/warren.conf:3: x: bad");
	err.line = 0;
	config_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/warren/warren.conf: x: bad");
	config_error_format(&err, buf, 5);
	assert_string_equal(buf, "/etc");
}

/* A temporary config file with TEXT and MODE; the name goes to PATH. */
static void make_file(char path[64], const char *text, mode_t mode)
{
	_cleanup_close_ int fd = -EBADF;

	snprintf(path, 64, "/tmp/warren-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
}

static void assert_load_fails(const char *path, int rc, const char *msg)
{
	struct warren_config *c = (void *)1, *policy = (void *)1;
	struct config_error err;

	assert_int_equal(config_load(path, &c, &policy, &err), rc);
	assert_ptr_equal(c, (void *)1);
	assert_null(policy);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.file, path);
	if (!strstr(err.msg, msg))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
}

static void test_load_writable(void **state)
{
	char path[64], want[128];

	make_file(path, GOOD_CONFIG, 0666);
	snprintf(want, sizeof(want), "is writable by group or others (mode 0666); fix: chmod go-w %s",
		 path);
	assert_load_fails(path, -EPERM, want);
	assert_int_equal(chmod(path, 0620), 0);
	assert_load_fails(path, -EPERM, "(mode 0620); fix: chmod go-w");
	unlink(path);
}

/* As root, give the file to nobody (65534); as a user, the file is already the user's. */
static void test_load_owner(void **state)
{
	unsigned owner = getuid() == 0 ? 65534 : (unsigned)getuid();
	char path[64], want[128];

	make_file(path, GOOD_CONFIG, 0644);
	if (getuid() == 0)
		assert_int_equal(chown(path, owner, 0), 0);
	snprintf(want, sizeof(want), "owned by uid %u, must be owned by root; fix: chown root:root %s",
		 owner, path);
	assert_load_fails(path, -EPERM, want);
	unlink(path);
}

static void test_load_good(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = NULL;
	struct warren_config *policy = (void *)1;
	struct config_error err;
	char path[64];

	if (getuid() != 0)
		skip(); /* a file owned by root cannot be made without root */
	make_file(path, GOOD_CONFIG, 0644);
	assert_int_equal(config_load(path, &c, &policy, &err), 0);
	unlink(path);
	assert_null(policy);
	assert_string_equal(c->path, path);
	assert_strv(c->jail_groups, "students", "guests");
	assert_int_equal(defaults_idle_timeout(c), 600);
}

/* Errors found while parsing a loaded file carry its path and line. */
static void test_load_bad_content(void **state)
{
	struct warren_config *c = NULL, *policy = NULL;
	struct config_error err;
	char path[64], line[700], want[128];

	if (getuid() != 0)
		skip();
	make_file(path, "image = \"/a\";\ndefaults = { idle_timeout = 0; };\n", 0600);
	assert_int_equal(config_load(path, &c, &policy, &err), -EINVAL);
	unlink(path);
	config_error_format(&err, line, sizeof(line));
	snprintf(want, sizeof(want), "%s:2: defaults.idle_timeout: 0 is out of range", path);
	assert_non_null(strstr(line, want));
	assert_non_null(policy);
	config_free(policy);
}

static void test_load_missing(void **state)
{
	assert_load_fails("/nonexistent/warren.conf", -ENOENT,
			  "does not exist; expected the warren configuration here; fix: copy "
			  SYSCONFDIR "/warren/warren.conf.example to /nonexistent/warren.conf");
}

static void test_load_not_regular(void **state)
{
	char dir[64] = "/tmp/warren-test-XXXXXX", link[96], fifo[96];

	assert_non_null(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(symlink("/etc/hostname", link), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_load_fails(link, -ELOOP, "is a symbolic link; expected a regular file owned by root");
	/* a FIFO must be refused, not block the login forever */
	assert_load_fails(fifo, -EINVAL, "is not a regular file");
	assert_load_fails(dir, -EINVAL, "is not a regular file");
	unlink(link);
	unlink(fifo);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_shipped_config),
		cmocka_unit_test(test_limits_good),
		cmocka_unit_test(test_limits_empty_lists),
		cmocka_unit_test(test_bounds_at_edge),
		cmocka_unit_test(test_bandwidth),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_isolated_ports),
		cmocka_unit_test(test_seccomp_files),
		cmocka_unit_test(test_apparmor_files),
		cmocka_unit_test(test_fleet),
		cmocka_unit_test(test_shipped_fleet_example),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_policy_kept),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_load_writable),
		cmocka_unit_test(test_load_owner),
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_load_bad_content),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_not_regular),
	};
	struct CMUnitTest tests[ELEMENTSOF(fixed) + ELEMENTSOF(bad_cases)];
	size_t i, n = 0;

	for (i = 0; i < ELEMENTSOF(fixed); i++)
		tests[n++] = fixed[i];
	/* One TAP line per malformed config, named after the case. */
	for (i = 0; i < ELEMENTSOF(bad_cases); i++)
		tests[n++] = (struct CMUnitTest){ .name = bad_cases[i].what,
						  .test_func = test_bad_case,
						  .initial_state = (void *)&bad_cases[i] };
	return _cmocka_run_group_tests("config", tests, n, NULL, NULL);
}
