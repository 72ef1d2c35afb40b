/* test_apparmor_parser.c - warrenctl check-config's run of the parser on a rules file
 * (aa_rules_check, apparmor.h), with a stand-in for apparmor_parser that answers as the
 * real one does (Debian 12's 3.0.8: "AppArmor parser error for FILE in profile FILE at
 * line N: MSG" on stderr, exit 1): the text reaches it (a memory file it reads as
 * /proc/self/fd/N), it is asked to compile without loading, and its refusal comes back as
 * the rules file's FILE:LINE.  apparmor.c is built here with the stand-in's path. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static char fake_parser[64];
#define AA_PARSER fake_parser
#include "../../helper/policy/apparmor.c"

static char dir[] = "/tmp/test_apparmor_parser.XXXXXX";

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
	char script[1024];

	if (!mkdtemp(dir))
		return -1;
	snprintf(fake_parser, sizeof(fake_parser), "%s/apparmor_parser", dir);
	/* Its arguments into DIR/args, the text into DIR/text; a line with "capabilty" is
	 * a syntax error at that line. */
	snprintf(script, sizeof(script),
		 "#!/bin/sh\n"
		 "for a; do f=$a; done\n"
		 "echo \"$*\" >%1$s/args\n"
		 "/bin/cat \"$f\" >%1$s/text || exit 2\n"
		 "n=$(/bin/grep -n capabilty \"$f\" | /usr/bin/cut -d: -f1)\n"
		 "[ -z \"$n\" ] && exit 0\n"
		 "echo \"AppArmor parser error for $f in profile $f at line $n: syntax error, "
		 "unexpected TOK_ID, expecting TOK_MODE\" >&2\n"
		 "exit 1\n", dir);
	write_text(fake_parser, script, 0755);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *name)
{
	char path[128], *buf = calloc(1, 65536);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(buf);
	assert_true(read_file(path, buf, 65536) >= 0);
	return buf;
}

/* A typo on line 3 of the file: FILE:3, and the parser compiled without loading. */
static void test_typo_said_as_file_line(void **state)
{
	char rules[128];
	struct error err = { 0 };

	if (geteuid() != 0)
		skip(); /* a rules file must be root's (read_admin_file) */
	snprintf(rules, sizeof(rules), "%s/web.aa", dir);
	write_text(rules, "# the web group\ndeny /srv/x/** w,\ncapabilty sys_admin,\n", 0644);
	assert_int_equal(aa_rules_check(rules, &err), -EINVAL);
	assert_int_equal(strncmp(err.msg, rules, strlen(rules)), 0);
	assert_int_equal(strncmp(err.msg + strlen(rules), ":3: syntax error, unexpected TOK_ID", 35), 0);
	{
		_cleanup_free_ char *args = slurp("args"), *text = slurp("text");

		assert_non_null(strstr(args, "--skip-kernel-load"));
		assert_non_null(strstr(args, " /proc/self/fd/"));
		/* What it read is warren's profile, her rules inside it. */
		assert_non_null(strstr(text, "deny mount,\n"));
		assert_non_null(strstr(text, "deny /srv/x/** w,\ncapabilty sys_admin,\n}\n"));
	}
}

/* A good file passes; without the parser, only the file's own checks are made. */
static void test_good_and_no_parser(void **state)
{
	char rules[128], saved[64];
	struct error err = { 0 };

	if (geteuid() != 0)
		skip();
	snprintf(rules, sizeof(rules), "%s/good.aa", dir);
	write_text(rules, "deny /srv/x/** w,\n", 0644);
	assert_int_equal(aa_rules_check(rules, &err), 0);
	write_text(rules, "capabilty sys_admin,\n", 0644);
	memcpy(saved, fake_parser, sizeof(saved));
	strcat(fake_parser, ".missing");
	assert_int_equal(aa_rules_check(rules, &err), 0);
	memcpy(fake_parser, saved, sizeof(saved));
	assert_int_equal(aa_rules_check(rules, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "good.aa:1: "));
}

/* The lines of her file, as the parser's line numbers are mapped back: a last line
 * without its newline is one. */
static void test_file_lines(void **state)
{
	assert_int_equal(file_lines(NULL), 0);
	assert_int_equal(file_lines(""), 0);
	assert_int_equal(file_lines("a"), 1);
	assert_int_equal(file_lines("a\n"), 1);
	assert_int_equal(file_lines("a\nb"), 2);
	assert_int_equal(file_lines("a\n\nb\n"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typo_said_as_file_line),
		cmocka_unit_test(test_good_and_no_parser),
		cmocka_unit_test(test_file_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
