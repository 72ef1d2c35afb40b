/* test_apparmor.c - the AppArmor profile of a container (apparmor.h, warren.conf(5)
 * apparmor): its text for given options (the denials the man page promises, her rules
 * file inside it, where its lines are), when the parser must run again, and how a
 * refusal of the parser reaches the admin (FILE:LINE).  No AppArmor needed: the text is
 * a pure function, and no parser is run. */
#include <errno.h>
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
#include "lib/errors.h"
#include "policy/apparmor.h"
#include "policy/reslimits.h"

/* Line N (from 1) of TEXT, into BUF. */
static const char *line_of(const char *text, unsigned n, char *buf, size_t len)
{
	const char *p = text;

	for (unsigned i = 1; i < n && p; i++)
		if ((p = strchr(p, '\n')))
			p++;
	snprintf(buf, len, "%.*s", p ? (int)strcspn(p, "\n") : 0, p ? p : "");
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* warren.conf(5)'s promises, each a rule of the text. */
static void test_default_denials(void **state)
{
	static const char *const rules[] = {
		"profile warren-alice flags=(attach_disconnected,mediate_deleted) {",
		"  deny mount,",
		"  deny umount,",
		"  deny pivot_root,",
		"  deny /proc/sys/** wklx,",
		"  deny /proc/sysrq-trigger rwklx,",
		"  deny /proc/kcore rwklx,",
		"  deny /proc/kmem rwklx,",
		"  deny /proc/mem rwklx,",
		"  deny /dev/mem rwklx,",
		"  deny /dev/kmem rwklx,",
		"  deny /dev/port rwklx,",
		/* /sys written only under /sys/fs/cgroup: every other branch, letter by letter. */
		"  deny /sys/[^f]*/** wklx,",
		"  deny /sys/f[^s]*/** wklx,",
		"  deny /sys/fs/[^c]*/** wklx,",
		"  deny /sys/fs/c[^g]*/** wklx,",
		"  deny /sys/fs/cg[^r]*/** wklx,",
		"  deny /sys/firmware/** rwklx,",
		"  deny /sys/kernel/security/** rwklx,",
		/* Signals, ptrace and unix peers: its own profile (and the host's, unconfined). */
		"  signal (send, receive) peer=warren-alice,",
		"  signal (receive) peer=unconfined,",
		"  ptrace (trace, read, tracedby, readby) peer=warren-alice,",
		"  ptrace (read) peer=unconfined,",
		"  unix (connect, send, receive) peer=(label=warren-alice),",
		"  unix (connect, send, receive) peer=(label=unconfined),",
		/* What a login shell and root inside need. */
		"  file,",
		"  network,",
		"  capability,",
		"}",
	};
	_cleanup_free_ char *text = NULL;
	unsigned line = 99, open = 0, close = 0;

	assert_int_equal(aa_profile_text("warren-alice", NULL, NULL, &text, &line), 0);
	assert_int_equal(line, 0); /* no rules file */
	for (size_t i = 0; i < ELEMENTSOF(rules); i++)
		if (!has_line(text, rules[i])) {
			/* The text line by line as TAP comments: cmocka cuts a long message
			 * short, and a cut line would swallow the "not ok" after it. */
			for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
				char l[256];

				line_of(p, 1, l, sizeof(l));
				print_message("# | %s\n", l);
			}
			fail_msg("no line \"%s\" in the profile above", rules[i]);
		}
	/* Nothing lets a unix connection, a signal or a ptrace reach another profile. */
	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char l[256];

		line_of(p, 1, l, sizeof(l));
		if ((strstr(l, "unix") || strstr(l, "signal") || strstr(l, "ptrace")) &&
		    l[strspn(l, " ")] != '#' && strstr(l, "connect") && !strstr(l, "peer="))
			fail_msg("a rule without a peer: \"%s\"", l);
		if ((!strncmp(l, "  signal", 8) || !strncmp(l, "  ptrace", 8)) && !strstr(l, "peer="))
			fail_msg("a rule without a peer: \"%s\"", l);
		if (!strcmp(l, "  unix,") || !strcmp(l, "  signal,") || !strcmp(l, "  ptrace,"))
			fail_msg("a rule for every peer: \"%s\"", l);
		if (strstr(l, "peer=unconfined") && (strstr(l, "trace,") || strstr(l, "send")) &&
		    !strstr(l, "unix"))
			fail_msg("a signal or a trace of the host's processes: \"%s\"", l);
		if (strstr(l, "peer=") && !strstr(l, "warren-alice") && !strstr(l, "unconfined"))
			fail_msg("a peer of another profile: \"%s\"", l);
	}
	for (const char *p = text; *p; p++) {
		open += *p == '{';
		close += *p == '}';
	}
	assert_int_equal(open, 1);
	assert_int_equal(close, 1);
	assert_int_equal(text[strlen(text) - 1], '\n');
}

/* Her rules file goes inside her profile, after the template (its denials hold), and the
 * line given is its first line's. */
static void test_rules_inside(void **state)
{
	const char *rules = "deny /srv/data/private/** rw,\n# a comment\ndeny /opt/x r,\n";
	_cleanup_free_ char *text = NULL, *bare = NULL;
	unsigned line = 0, none = 0;
	char l[128];

	assert_int_equal(aa_profile_text("warren-bob", "/etc/warren/web.aa", rules, &text, &line), 0);
	assert_true(line > 0);
	assert_string_equal(line_of(text, line, l, sizeof(l)), "deny /srv/data/private/** rw,");
	assert_string_equal(line_of(text, line + 2, l, sizeof(l)), "deny /opt/x r,");
	assert_string_equal(line_of(text, line + 3, l, sizeof(l)), "}");
	assert_true(strstr(line_of(text, line - 1, l, sizeof(l)), "/etc/warren/web.aa") != NULL);
	/* The template is all there before it. */
	assert_int_equal(aa_profile_text("warren-bob", NULL, NULL, &bare, &none), 0);
	assert_memory_equal(text, bare, strlen(bare) - 2); /* all but its "}\n" */
	assert_true(strstr(text, "deny mount,") < strstr(text, "deny /srv/data"));
}

/* A file whose last line has no newline still closes the profile on a line of its own. */
static void test_rules_no_newline(void **state)
{
	_cleanup_free_ char *text = NULL;
	unsigned line = 0;
	char l[64];

	assert_int_equal(aa_profile_text("warren-bob", "/etc/warren/x.aa", "deny /x r,", &text,
					 &line), 0);
	assert_string_equal(line_of(text, line, l, sizeof(l)), "deny /x r,");
	assert_string_equal(line_of(text, line + 1, l, sizeof(l)), "}");
	free(text);
	text = NULL;
	assert_int_equal(aa_profile_text("warren-bob", "/etc/warren/x.aa", "", &text, &line), 0);
	assert_string_equal(line_of(text, line, l, sizeof(l)), "}");
	free(text);
	text = NULL;
	/* An empty file adds no line, whatever byte lies before it in memory. */
	{
		static const char before_empty[] = "x";

		assert_int_equal(aa_profile_text("warren-bob", "/etc/warren/x.aa", before_empty + 1, &text,
						 &line), 0);
		assert_string_equal(line_of(text, line, l, sizeof(l)), "}");
	}
}

/* The same options, the same text (so no parser run); any change of them, another one
 * (so a reload). */
static void test_text_follows_options(void **state)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
	unsigned l;

	assert_int_equal(aa_profile_text("warren-alice", "/etc/warren/a.aa", "deny /x r,\n", &a, &l), 0);
	assert_int_equal(aa_profile_text("warren-alice", "/etc/warren/a.aa", "deny /x r,\n", &b, &l), 0);
	assert_string_equal(a, b);
	assert_int_equal(aa_profile_text("warren-alice", "/etc/warren/a.aa", "deny /y r,\n", &c, &l), 0);
	assert_string_not_equal(a, c);
	assert_int_equal(aa_profile_text("warren-alic", "/etc/warren/a.aa", "deny /x r,\n", &d, &l), 0);
	assert_string_not_equal(a, d);
	assert_int_equal(aa_profile_text("warren-alice", NULL, NULL, &e, &l), 0);
	assert_string_not_equal(a, e);
	assert_null(strstr(d, "warren-alice"));
}

static void test_profiles_list(void **state)
{
	const char *list = "/usr/sbin/ntpd (enforce)\nwarren-alice2 (enforce)\n"
			   "warren-bob (complain)\nwarren-alice (enforce)\nwarren-carol (enforce)";

	assert_true(aa_profiles_list_has(list, "warren-alice"));
	assert_true(aa_profiles_list_has(list, "warren-carol")); /* the last, no newline */
	assert_false(aa_profiles_list_has(list, "warren-bob"));  /* not enforced */
	assert_false(aa_profiles_list_has(list, "warren-alic"));
	assert_false(aa_profiles_list_has(list, "warren-dave"));
	assert_false(aa_profiles_list_has("", "warren-alice"));
	/* The whole " (enforce)", then the line's end. */
	assert_false(aa_profiles_list_has("warren-alice (enforce]\n", "warren-alice"));
	assert_false(aa_profiles_list_has("warren-alice (enforce) x\n", "warren-alice"));
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The parser runs again only when the kept text differs or the kernel lost the profile. */
static void test_is_current(void **state)
{
	char dir[] = "/tmp/test_apparmor.XXXXXX", kept[64], list[64];
	_cleanup_free_ char *text = NULL, *other = NULL;
	unsigned l;

	assert_non_null(mkdtemp(dir));
	snprintf(kept, sizeof(kept), "%s/warren-alice", dir);
	snprintf(list, sizeof(list), "%s/profiles", dir);
	assert_int_equal(aa_profile_text("warren-alice", NULL, NULL, &text, &l), 0);
	assert_int_equal(aa_profile_text("warren-alice", "/etc/warren/a.aa", "deny /x r,\n", &other,
					 &l), 0);
	write_text(list, "warren-alice (enforce)\n");
	assert_false(aa_profile_is_current(kept, "warren-alice", text, list)); /* never loaded */
	write_text(kept, text);
	assert_true(aa_profile_is_current(kept, "warren-alice", text, list));
	assert_false(aa_profile_is_current(kept, "warren-alice", other, list)); /* rules changed */
	{
		_cleanup_free_ char *longer = NULL;

		/* A kept text that begins with this one but goes on is another. */
		assert_true(asprintf(&longer, "%s# more\n", text) > 0);
		write_text(kept, longer);
		assert_false(aa_profile_is_current(kept, "warren-alice", text, list));
		write_text(kept, text);
	}
	write_text(list, "warren-bob (enforce)\n");
	assert_false(aa_profile_is_current(kept, "warren-alice", text, list)); /* torn down */
	unlink(list);
	assert_false(aa_profile_is_current(kept, "warren-alice", text, list)); /* no AppArmor */
	unlink(kept);
	rmdir(dir);
}

/* The parser's refusal of a rule of her file is said as FILE:LINE. */
static void test_parser_error(void **state)
{
	struct error err = { 0 };

	assert_int_equal(aa_parser_error("Warning from /proc/self/fd/5 (line 2): x\n"
					 "AppArmor parser error for /proc/self/fd/5 in profile "
					 "/proc/self/fd/5 at line 42: syntax error, unexpected "
					 "TOK_ID, expecting TOK_MODE\n",
					 "/run/warren/apparmor/warren-bob", "/etc/warren/web.aa", 40, 3,
					 &err), -EINVAL);
	assert_string_equal(err.msg, "/etc/warren/web.aa:3: syntax error, unexpected TOK_ID, "
			    "expecting TOK_MODE; fix: the rule on that line (apparmor.d(5)), or "
			    "another apparmor value for its users");
	/* A rule left open at the file's end: the parser stops on the brace after it. */
	err = (struct error){ 0 };
	aa_parser_error("AppArmor parser error for x in profile x at line 43: syntax error\n",
			"/run/warren/apparmor/warren-bob", "/etc/warren/web.aa", 40, 3, &err);
	assert_true(!strncmp(err.msg, "/etc/warren/web.aa:3: syntax error;", 35));
	/* The first line of the file. */
	err = (struct error){ 0 };
	aa_parser_error("AppArmor parser error for x in profile x at line 40: Invalid capability "
			"sys_admn.\n", "/run/p", "/etc/warren/web.aa", 40, 3, &err);
	assert_true(!strncmp(err.msg, "/etc/warren/web.aa:1: Invalid capability sys_admn.;", 50));
	/* Not in her file: warren's own text, said whole, with where it is. */
	err = (struct error){ 0 };
	aa_parser_error("AppArmor parser error for x in profile x at line 7: syntax error\n",
			"/run/warren/apparmor/warren-bob", "/etc/warren/web.aa", 40, 3, &err);
	assert_non_null(strstr(err.msg, "apparmor_parser refuses warren's profile "
				   "/run/warren/apparmor/warren-bob: AppArmor parser error"));
	assert_non_null(strstr(err.msg, "at line 7: syntax error; fix: "));
	/* The line after the brace that follows her file is warren's again. */
	err = (struct error){ 0 };
	aa_parser_error("AppArmor parser error for x in profile x at line 44: syntax error\n",
			"/run/warren/apparmor/warren-bob", "/etc/warren/web.aa", 40, 3, &err);
	assert_non_null(strstr(err.msg, "apparmor_parser refuses warren's profile "));
	err = (struct error){ 0 };
	aa_parser_error("AppArmor parser error for x in profile x at line 39: syntax error\n",
			"/run/warren/apparmor/warren-bob", "/etc/warren/web.aa", 40, 3, &err);
	assert_non_null(strstr(err.msg, "apparmor_parser refuses warren's profile "));
	/* An empty file has no line to blame. */
	err = (struct error){ 0 };
	aa_parser_error("AppArmor parser error for x in profile x at line 40: syntax error\n",
			"/run/warren/apparmor/warren-bob", "/etc/warren/web.aa", 40, 0, &err);
	assert_non_null(strstr(err.msg, "apparmor_parser refuses warren's profile "));
	/* A warning before the error, itself "at line" one of her file's: the error's line
	 * counts, and the message said is the error's, not the warning's. */
	err = (struct error){ 0 };
	aa_parser_error("Warning from x at line 41: a rule not enforced\n"
			"AppArmor parser error for x in profile x at line 7: syntax error\n",
			"/run/warren/apparmor/warren-bob", "/etc/warren/web.aa", 40, 3, &err);
	assert_non_null(strstr(err.msg, "apparmor_parser refuses warren's profile "
				   "/run/warren/apparmor/warren-bob: AppArmor parser error"));
	assert_null(strstr(err.msg, "Warning"));
	err = (struct error){ 0 };
	aa_parser_error("", "/run/p", "", 0, 0, &err);
	assert_non_null(strstr(err.msg, "(it said nothing)"));
}

/* A rules file is checked as a seccomp profile file is: writable by others, refused. */
static void test_rules_file_checked(void **state)
{
	char path[] = "/tmp/test_apparmor.XXXXXX";
	struct error err = { 0 };
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "deny /x r,\n", 11), 11);
	close(fd);
	assert_int_equal(chmod(path, 0666), 0);
	assert_true(aa_rules_check(path, &err) < 0);
	assert_int_equal(strncmp(err.msg, path, strlen(path)), 0);
	err = (struct error){ 0 };
	unlink(path);
	assert_int_equal(aa_rules_check(path, &err), -ENOENT);
}

/* warrenctl explain's apparmor line: "no LSM" where the kernel runs no AppArmor, whatever
 * the value; else the profile her container runs under, or none. */
static void test_explain(void **state)
{
	char buf[128];

	for (uint64_t v = 0; v <= LIMIT_APPARMOR_FILE + 1; v++)
		assert_non_null(strstr(aa_explain(v, "alice", false, buf, sizeof(buf)), ": no LSM ("));
	assert_non_null(strstr(aa_explain(LIMIT_APPARMOR_DEFAULT, "alice", true, buf, sizeof(buf)),
			       "profile warren-alice"));
	assert_non_null(strstr(aa_explain(LIMIT_APPARMOR_FILE, "alice", true, buf, sizeof(buf)),
			       "profile warren-alice"));
	assert_null(strstr(aa_explain(LIMIT_APPARMOR_FILE, "alice", true, buf, sizeof(buf)), "LSM"));
	assert_non_null(strstr(aa_explain(LIMIT_APPARMOR_UNCONFINED, "alice", true, buf, sizeof(buf)),
			       "no AppArmor profile"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_denials),
		cmocka_unit_test(test_rules_inside),
		cmocka_unit_test(test_rules_no_newline),
		cmocka_unit_test(test_text_follows_options),
		cmocka_unit_test(test_profiles_list),
		cmocka_unit_test(test_is_current),
		cmocka_unit_test(test_parser_error),
		cmocka_unit_test(test_rules_file_checked),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
