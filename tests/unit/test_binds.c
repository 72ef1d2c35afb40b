/* test_binds.c - unit tests for binds (issue 20): parsing in defaults, groups and users,
 * which apply to a user and which are shadowed, %u, home = "host", and their forms. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/cleanup.h"
#include "policy/binds.h"
#include "policy/config.h"

#define COURSE_CONFIG                                                                      \
	"defaults = { binds = (\n"                                                           \
	"  { from = \"/srv/datasets\"; to = \"/data\"; },\n"                                 \
	"  { from = \"/srv/scratch\"; to = \"/scratch\"; write = true; exec = false; }\n"    \
	"); };\n"                                                                            \
	"groups = (\n"                                                                       \
	"  { name = \"cs101-staff\"; binds = (\n"                                            \
	"      { from = \"/srv/cs101/course\"; to = \"/course\"; write = true; },\n"         \
	"      { from = \"/srv/cs101/handin\"; to = \"/handin\"; write = true; } ); },\n"    \
	"  { name = \"cs101\"; home = \"overlay\"; binds = (\n"                              \
	"      { from = \"/srv/cs101/course\"; to = \"/course\"; },\n"                       \
	"      { from = \"/srv/cs101/handin/%u\"; to = \"/handin\"; write = true;\n"         \
	"        create = \"0700\"; required = true; } ); },\n"                              \
	"  { name = \"cs102\"; binds = ( { from = \"/srv/cs102\"; to = \"/cs102\"; } ); },\n" \
	"  { name = \"lab\"; memory = \"1G\"; }\n"                                           \
	");\n"                                                                               \
	"users = ( { name = \"ann\"; binds = (\n"                                            \
	"    { from = \"/srv/ann-data\"; to = \"/data\"; write = true; } ); },\n"            \
	"  { name = \"bo\"; home = \"host\"; binds = (\n"                                    \
	"    { from = \"/srv/x\"; to = \"/home/bo/x\"; },\n"                                 \
	"    { from = \"/srv/y\"; to = \"/home/bob\"; } ); } );\n"

static struct warren_config *parse(const char *text)
{
	struct warren_config *c = NULL;
	struct config_error err;

	if (config_parse_string(text, "binds.conf", &c, NULL, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	return c;
}

/* Each key's value, the defaults of those not written, and the line of each bind. */
static void test_parse(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse(COURSE_CONFIG);
	const struct bind_list *d = &c->limits.defaults.binds, *g;

	assert_int_equal(d->n, 2);
	assert_string_equal(d->v[0].from, "/srv/datasets");
	assert_string_equal(d->v[0].to, "/data");
	assert_false(d->v[0].write);
	assert_true(d->v[0].exec);
	assert_false(d->v[0].required);
	assert_int_equal(d->v[0].create, BIND_NO_CREATE);
	assert_int_equal(d->v[0].line, 2);
	assert_true(d->v[1].write);
	assert_false(d->v[1].exec);
	assert_int_equal(d->v[1].line, 3);
	g = &c->limits.groups.v[1].limits.binds;
	assert_int_equal(g->n, 2);
	assert_string_equal(g->v[1].from, "/srv/cs101/handin/%u");
	assert_int_equal(g->v[1].create, 0700);
	assert_true(g->v[1].required);
	assert_int_equal(g->v[1].line, 11);
	assert_int_equal(c->limits.groups.v[1].limits.v[LIMIT_HOME], HOME_OVERLAY);
	assert_int_equal(c->limits.groups.v[3].limits.binds.n, 0);
	assert_int_equal(c->limits.users.v[1].limits.v[LIMIT_HOME], HOME_HOST);
	assert_true(limit_set_has(&c->limits.users.v[1].limits, LIMIT_HOME));
	assert_false(limit_set_has(&c->limits.users.v[0].limits, LIMIT_HOME));
	assert_int_equal(limit_builtin(LIMIT_HOME), HOME_OVERLAY);
}

static void test_empty(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse("defaults = { binds = [ ]; };\n"
							       "users = ( { name = \"a\"; binds = ( ); } );\n");
	struct bind_spec *v = (void *)1;
	char *groups[] = { NULL };
	size_t n = 99;

	assert_int_equal(c->limits.defaults.binds.n, 0);
	assert_int_equal(limits_resolve_binds(&c->limits, "a", groups, "/home/a", false, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
}

/* Resolve the binds of USER in GROUPS; the caller frees *V. */
static size_t resolve(const struct warren_config *c, const char *user, char **groups,
		      const char *home, bool home_host, struct bind_spec **v)
{
	size_t n = 0;

	assert_int_equal(limits_resolve_binds(&c->limits, user, groups, home, home_host, v, &n), 0);
	return n;
}

static void assert_bind(const struct bind_spec *b, const char *from, const char *to,
			const char *source, int shadowed_by)
{
	assert_string_equal(b->from, from);
	assert_string_equal(b->to, to);
	assert_string_equal(b->source, source);
	assert_int_equal(b->shadowed_by, shadowed_by);
}

/* Binds add up over defaults, her groups (in the config's order, whatever hers) and her
 * users entry; of one to, the more specific entry's wins; %u is her name. */
static void test_resolve_add_up(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse(COURSE_CONFIG);
	_cleanup_free_ struct bind_spec *v = NULL;
	char *groups[] = { "lab", "cs102", "cs101", NULL };
	size_t n = resolve(c, "cat", groups, "/home/cat", false, &v);

	assert_int_equal(n, 5);
	assert_bind(&v[0], "/srv/datasets", "/data", "defaults", -1);
	assert_bind(&v[1], "/srv/scratch", "/scratch", "defaults", -1);
	assert_bind(&v[2], "/srv/cs101/course", "/course", "group cs101", -1);
	assert_bind(&v[3], "/srv/cs101/handin/cat", "/handin", "group cs101", -1);
	assert_bind(&v[4], "/srv/cs102", "/cs102", "group cs102", -1);
	assert_true(v[3].write && v[3].required && v[3].create == 0700);
	assert_null(v[3].problem);
	assert_int_equal(v[3].line, 11);
}

/* Two groups bind the same to: the first listed in the config wins, whatever her own
 * order of groups; her users entry wins over the defaults. */
static void test_resolve_shadowed(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse(COURSE_CONFIG);
	_cleanup_free_ struct bind_spec *v = NULL;
	char *groups[] = { "cs101", "cs101-staff", NULL };
	size_t n = resolve(c, "ann", groups, "/home/ann", false, &v);

	assert_int_equal(n, 7);
	assert_bind(&v[0], "/srv/datasets", "/data", "defaults", 6);
	assert_bind(&v[1], "/srv/scratch", "/scratch", "defaults", -1);
	assert_bind(&v[2], "/srv/cs101/course", "/course", "group cs101-staff", -1);
	assert_true(v[2].write);
	assert_bind(&v[3], "/srv/cs101/handin", "/handin", "group cs101-staff", -1);
	assert_bind(&v[4], "/srv/cs101/course", "/course", "group cs101", 2);
	assert_bind(&v[5], "/srv/cs101/handin/ann", "/handin", "group cs101", 3);
	assert_bind(&v[6], "/srv/ann-data", "/data", "user ann", -1);
}

/* Her users entry wins over the first group listed too, not only over the defaults. */
static void test_resolve_user_over_first_group(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse(
		"groups = ( { name = \"g\"; binds = ( { from = \"/srv/g\"; to = \"/d\"; } ); } );\n"
		"users = ( { name = \"u\"; binds = ( { from = \"/srv/u\"; to = \"/d\"; } ); } );\n");
	_cleanup_free_ struct bind_spec *v = NULL;
	char *groups[] = { "g", NULL };
	size_t n = resolve(c, "u", groups, "/home/u", false, &v);

	assert_int_equal(n, 2);
	assert_bind(&v[0], "/srv/g", "/d", "group g", 1);
	assert_bind(&v[1], "/srv/u", "/d", "user u", -1);
}

/* home = "host": a bind onto her home or below it cannot be made for her; /home/bob is
 * not below /home/bo. */
static void test_resolve_home_host(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse(COURSE_CONFIG);
	_cleanup_free_ struct bind_spec *v = NULL, *w = NULL;
	char *groups[] = { NULL };
	size_t n = resolve(c, "bo", groups, "/home/bo", true, &v);

	assert_int_equal(n, 4);
	assert_bind(&v[2], "/srv/x", "/home/bo/x", "user bo", -1);
	assert_non_null(v[2].problem);
	assert_non_null(strstr(v[2].problem, "her home or below it, which home = \"host\" binds"));
	assert_null(v[3].problem);
	assert_null(v[0].problem);
	/* With her home an overlay, a bind below it is hers to have. */
	n = resolve(c, "bo", groups, "/home/bo", false, &w);
	assert_null(w[2].problem);
}

static void test_resolve_home_itself(void **state)
{
	_cleanup_(config_freep) struct warren_config *c =
		parse("defaults = { home = \"host\"; binds = ( { from = \"/srv/h/%u\"; to = \"/home/%u\"; } ); };\n");
	_cleanup_free_ struct bind_spec *v = NULL;
	char *groups[] = { NULL };

	assert_int_equal(resolve(c, "cy", groups, "/home/cy", true, &v), 1);
	assert_bind(&v[0], "/srv/h/cy", "/home/cy", "defaults", -1);
	assert_non_null(v[0].problem);
}

/* A user who is in no group with binds and has no entry gets the defaults' only. */
static void test_resolve_nobody_special(void **state)
{
	_cleanup_(config_freep) struct warren_config *c = parse(COURSE_CONFIG);
	_cleanup_free_ struct bind_spec *v = NULL;
	char *groups[] = { "lab", NULL };

	assert_int_equal(resolve(c, "dee", groups, "/home/dee", false, &v), 2);
}

static void test_expand(void **state)
{
	char buf[16];

	assert_int_equal(bind_expand("/a/%u/b%u", "bo", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/a/bo/bbo");
	assert_int_equal(bind_expand("/plain", "bo", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/plain");
	assert_int_equal(bind_expand("/aaaaaaaaaa/%u", "bobby", buf, sizeof(buf)), -ENAMETOOLONG);
	assert_int_equal(bind_expand("/aaaaaaaaa/%u", "bo", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/aaaaaaaaa/bo");
	/* 15 bytes and the NUL fit; 16 do not. */
	assert_int_equal(bind_expand("/aaaaaaaaaaa/%u", "bo", buf, sizeof(buf)), 0);
	assert_int_equal(bind_expand("/aaaaaaaaaaaa/%u", "bo", buf, sizeof(buf)), -ENAMETOOLONG);
}

/* A path that fits the config's 511 bytes but not with %u replaced. */
static void test_resolve_too_long(void **state)
{
	char text[1200], from[600];
	_cleanup_free_ struct bind_spec *v = NULL;
	_cleanup_(config_freep) struct warren_config *c = NULL;
	char *groups[] = { NULL };

	memset(from, 'a', 505);
	memcpy(from, "/", 1);
	strcpy(from + 505, "/%u");
	snprintf(text, sizeof(text), "defaults = { binds = ( { from = \"%s\"; to = \"/d\"; } ); };\n",
		 from);
	c = parse(text);
	assert_int_equal(resolve(c, "abcdefghij", groups, "/home/x", false, &v), 1);
	assert_non_null(v[0].problem);
	assert_non_null(strstr(v[0].problem, "too long with %u replaced"));
}

static void test_mode(void **state)
{
	int m = -5;

	assert_int_equal(bind_parse_mode("0700", &m), 0);
	assert_int_equal(m, 0700);
	assert_int_equal(bind_parse_mode("2770", &m), 0);
	assert_int_equal(m, 02770);
	assert_int_equal(bind_parse_mode("755", &m), 0);
	assert_int_equal(m, 0755);
	assert_int_equal(bind_parse_mode("0", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(bind_parse_mode("3777", &m), 0);
	assert_int_equal(bind_parse_mode("4700", &m), -ERANGE);
	assert_int_equal(bind_parse_mode("", &m), -EINVAL);
	assert_int_equal(bind_parse_mode("0x1ff", &m), -EINVAL);
	assert_int_equal(bind_parse_mode(" 700", &m), -EINVAL);
	assert_int_equal(bind_parse_mode("-700", &m), -EINVAL);
	assert_int_equal(bind_parse_mode("07000", &m), -EINVAL);
}

static void test_to_problem(void **state)
{
	assert_null(bind_to_problem("/data"));
	assert_null(bind_to_problem("/process"));
	assert_null(bind_to_problem("/system"));
	assert_null(bind_to_problem("/devel"));
	assert_null(bind_to_problem("/etc/skel2"));
	assert_null(bind_to_problem("/home/%u/data"));
	assert_non_null(bind_to_problem("/"));
	assert_non_null(bind_to_problem("/proc"));
	assert_non_null(bind_to_problem("/proc/1"));
	assert_non_null(bind_to_problem("/sys"));
	assert_non_null(bind_to_problem("/dev"));
	assert_non_null(bind_to_problem("/dev/pts"));
	assert_non_null(bind_to_problem("/etc"));
	assert_null(bind_token_problem("/a/%u/%u"));
	assert_null(bind_token_problem("/a/b"));
	assert_non_null(bind_token_problem("/a/%U"));
	assert_non_null(bind_token_problem("/a/%"));
	assert_non_null(bind_token_problem("/a/%u%"));
}

static void test_options_format(void **state)
{
	struct bind_spec b = { .exec = true, .create = BIND_NO_CREATE };
	char buf[128];

	assert_string_equal(bind_options_format(&b, buf, sizeof(buf)), "read-only");
	b.write = true;
	b.exec = false;
	b.create = 0700;
	b.required = true;
	assert_string_equal(bind_options_format(&b, buf, sizeof(buf)),
			    "read-write, noexec, create 0700, required");
	b.create = 02770;
	b.required = false;
	b.exec = true;
	assert_string_equal(bind_options_format(&b, buf, sizeof(buf)), "read-write, create 2770");
	/* create = "0": made with no permission bits, still a create */
	b.create = 0;
	assert_string_equal(bind_options_format(&b, buf, sizeof(buf)), "read-write, create 0000");
}

/* binds_append copies each field of a bind as the entry gives it, and nothing is shadowed
 * before binds_shadow; of one entry's two binds with the same to, the first listed wins. */
static void test_append_and_shadow(void **state)
{
	struct bind_def defs[] = {
		{ .from = "/srv/a", .to = "/x", .write = true, .exec = false, .required = false,
		  .create = BIND_NO_CREATE, .line = 3 },
		{ .from = "/srv/b/%u", .to = "/x", .write = false, .exec = true, .required = true,
		  .create = 0750, .line = 4 },
		{ .from = "/srv/c", .to = "/y", .write = false, .exec = true, .required = false,
		  .create = BIND_NO_CREATE, .line = 5 },
	};
	struct bind_list l = { .v = defs, .n = 3 }, none = { 0 };
	_cleanup_free_ struct bind_spec *v = NULL;
	size_t n = 0;

	assert_int_equal(binds_append(&v, &n, &none, "defaults", 0, "eve", "/home/eve", true), 0);
	assert_int_equal(n, 0);
	assert_int_equal(binds_append(&v, &n, &l, "group lab", 2, "eve", "/home/eve", true), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].shadowed_by, -1);
		assert_int_equal(v[i].rank, 2);
		assert_string_equal(v[i].source, "group lab");
		assert_null(v[i].problem);
		assert_int_equal(v[i].write, defs[i].write);
		assert_int_equal(v[i].exec, defs[i].exec);
		assert_int_equal(v[i].required, defs[i].required);
		assert_int_equal(v[i].create, defs[i].create);
		assert_int_equal(v[i].line, defs[i].line);
	}
	assert_string_equal(v[1].from, "/srv/b/eve");
	binds_shadow(v, n);
	assert_int_equal(v[0].shadowed_by, -1);
	assert_int_equal(v[1].shadowed_by, 0);
	assert_int_equal(v[2].shadowed_by, -1);
}

/* Only %u is replaced: another '%' is copied as it is. */
static void test_expand_other_percent(void **state)
{
	char buf[64];

	assert_int_equal(bind_expand("/a%b%%u/%", "al", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/a%b%al/%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_resolve_add_up),
		cmocka_unit_test(test_resolve_shadowed),
		cmocka_unit_test(test_resolve_user_over_first_group),
		cmocka_unit_test(test_resolve_home_host),
		cmocka_unit_test(test_resolve_home_itself),
		cmocka_unit_test(test_resolve_nobody_special),
		cmocka_unit_test(test_resolve_too_long),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_to_problem),
		cmocka_unit_test(test_options_format),
		cmocka_unit_test(test_append_and_shadow),
		cmocka_unit_test(test_expand_other_percent),
	};

	return cmocka_run_group_tests_name("binds", tests, NULL, NULL);
}
