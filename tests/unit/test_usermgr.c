/* test_usermgr.c - would a systemd user manager start for a jailed login (issue 20:
 * home = "host" is refused where one would)?  PAM stacks in a temporary tree. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "policy/usermgr.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char dir[128];

	snprintf(root, sizeof(root), "/tmp/warren-test-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/etc", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/etc/pam.d", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	/* Debian's, as installed. */
	put("etc/pam.d/common-session",
	    "# here are the per-package modules (the \"Primary\" block)\n"
	    "session\t[default=1]\t\t\tpam_permit.so\n"
	    "session\trequisite\t\t\tpam_deny.so\n"
	    "session\trequired\t\t\tpam_permit.so\n"
	    "session\trequired\tpam_unix.so \n"
	    "session\toptional\tpam_systemd.so \n");
	put("etc/pam.d/sshd", "@include common-auth\naccount    required     pam_nologin.so\n"
			      "@include common-account\n"
			      "session [success=ok ignore=ignore module_unknown=ignore default=bad]"
			      "        pam_selinux.so close\n"
			      "@include common-session\n"
			      "session    required     pam_env.so user_readenv=1\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* usermgr_would_start(SERVICE) is WANT, its reason holding MSG. */
static void assert_start(const char *service, int want, const char *msg)
{
	char why[512] = "";

	assert_int_equal(usermgr_would_start(root, service, why, sizeof(why)), want);
	print_message("# %s: %s\n", service, why);
	if (!strstr(why, msg))
		fail_msg("\"%s\" lacks \"%s\"", why, msg);
}

static void test_debian(void **state)
{
	assert_start("sshd", 1, "pam_systemd is in the session stack: ");
	assert_start("sshd", 1, "/etc/pam.d/common-session:6");
}

static void test_not_in_stack(void **state)
{
	put("etc/pam.d/plain", "@include common-auth\nsession required pam_unix.so\n"
			       "#session optional pam_systemd.so\n"
			       "session optional pam_unix.so # pam_systemd.so\n"
			       "auth optional pam_systemd.so\n"
			       "session optional pam_systemd_home.so\n"
			       "@include missing-file\n");
	assert_start("plain", 0, "no pam_systemd in the session stack of ");
}

/* Each way a stack may call it: -session, a [ ] control, a full path, include and
 * substack of the session type. */
static void test_forms(void **state)
{
	put("etc/pam.d/dash", "-session optional pam_systemd.so\n");
	assert_start("dash", 1, "dash:1");
	put("etc/pam.d/bracket", "session [success=ok default=ignore] pam_systemd.so class=user\n");
	assert_start("bracket", 1, "bracket:1");
	put("etc/pam.d/path", "\n\nsession optional /lib/x86_64-linux-gnu/security/pam_systemd.so\n");
	assert_start("path", 1, "path:3");
	put("etc/pam.d/inc", "session include common-session\n");
	assert_start("inc", 1, "common-session:6");
	put("etc/pam.d/sub", "session substack dash\n");
	assert_start("sub", 1, "dash:1");
	/* Another type's include does not reach the session stack. */
	put("etc/pam.d/authinc", "auth include common-session\n");
	assert_start("authinc", 0, "no pam_systemd");
}

/* The directory of user@.service's drop-ins, under ROOT. */
static void dropin_dir(void)
{
	static const char *const dirs[] = { "etc/systemd", "etc/systemd/system",
					    "etc/systemd/system/user@.service.d" };
	char dir[160];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", root, dirs[i]);
		assert_int_equal(mkdir(dir, 0755), 0);
	}
}

/* install.sh's drop-in holds back the managers of jailed users. */
static void test_dropin(void **state)
{
	dropin_dir();
	put("etc/systemd/system/user@.service.d/warren.conf",
	    "# ExecCondition=+/bin/sh -c 'warren-helper check-user' commented\n[Service]\n");
	assert_start("sshd", 1, "common-session:6");
	put("etc/systemd/system/user@.service.d/warren.conf",
	    "[Service]\nExecCondition=+/bin/sh -c '/usr/libexec/warren/warren-helper check-user "
	    "\"$$1\"; test $$? -eq 3' warren-user-manager %u\n");
	assert_start("sshd", 0, "starts no user manager for a jailed user");
}

static void test_bad_services(void **state)
{
	assert_start("nosuch", -ENOENT, "cannot read ");
	assert_start("../etc/shadow", -EINVAL, "is not a PAM service name");
	assert_start("", -EINVAL, "is not a PAM service name");
	assert_start(".hidden", -EINVAL, "is not a PAM service name");
	assert_true(usermgr_service_valid("sshd-warren-test-123"));
	/* Includes that go round stop at the depth bound. */
	put("etc/pam.d/loop1", "@include loop2\n");
	put("etc/pam.d/loop2", "session include loop1\n");
	assert_start("loop1", 0, "no pam_systemd");
}

/* Service names: 1 to 64 of A-Z a-z 0-9 _ . -, not starting with '.' (usermgr.h). */
static void test_service_names(void **state)
{
	char name[80];

	memset(name, 'a', 64);
	name[64] = '\0';
	assert_true(usermgr_service_valid(name));
	name[64] = 'a';
	name[65] = '\0';
	assert_false(usermgr_service_valid(name));
	assert_true(usermgr_service_valid("a"));
	assert_true(usermgr_service_valid("my_service.v2-ssh"));
	assert_true(usermgr_service_valid("x.y"));
	assert_false(usermgr_service_valid("a/b"));
	assert_false(usermgr_service_valid("a b"));
	assert_false(usermgr_service_valid("a*"));
	assert_false(usermgr_service_valid(".."));
}

/* A line indented with a tab, a comment after the module, a stack only "session include"
 * goes round (stops at the bound), and a drop-in line that runs check-user but is not the
 * ExecCondition= (it holds back nothing). */
static void test_more_forms(void **state)
{
	put("etc/pam.d/tab", "\t session optional pam_systemd.so\n");
	assert_start("tab", 1, "tab:1");
	put("etc/pam.d/comment", "session optional pam_systemd.so# logind's\n");
	assert_start("comment", 1, "comment:1");
	put("etc/pam.d/short", "session\nsession required\n@include\nsession optional pam_systemd.so\n");
	assert_start("short", 1, "short:4");
	put("etc/pam.d/self", "session include self\nsession required pam_unix.so\n");
	assert_start("self", 0, "no pam_systemd");

	dropin_dir();
	put("etc/systemd/system/user@.service.d/warren.conf",
	    "[Service]\nExecStartPre=-/usr/libexec/warren/warren-helper check-user %u\n");
	assert_start("sshd", 1, "common-session:6");
}

/* PAM's includes go a few files deep: a stack eight includes deep is followed to the end.
 * Nine is past the module's bound (a copy of usermgr.c's INCLUDE_DEPTH_MAX, 8), which
 * stops loops. */
static void test_include_depth(void **state)
{
	char rel[64], text[64];

	for (int i = 0; i < 9; i++) {
		snprintf(rel, sizeof(rel), "etc/pam.d/deep%d", i);
		snprintf(text, sizeof(text), i % 2 ? "session include deep%d\n" : "@include deep%d\n",
			 i + 1);
		put(rel, text);
	}
	put("etc/pam.d/deep9", "session optional pam_systemd.so\n");
	assert_start("deep1", 1, "deep9:1");
	assert_start("deep0", 0, "no pam_systemd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_debian, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_in_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_services, setup, teardown),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test_setup_teardown(test_more_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_depth, setup, teardown),
	};

	return cmocka_run_group_tests_name("usermgr", tests, NULL, NULL);
}
