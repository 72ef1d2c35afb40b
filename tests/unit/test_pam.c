/* test_pam.c - pam_warren driven through a real libpam (pam_start_confdir) with stub
 * helpers: what the module returns, and that it fails closed.  Only the guard test needs
 * root (it is skipped otherwise); the paths where the helper answers "ready" are covered
 * end to end (tests/e2e). */
#include <fcntl.h>
#include <limits.h>
#include <security/pam_appl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[PATH_MAX];

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	return PAM_CONV_ERR;
}

static void write_text(const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* A PAM service "svc" in DIR whose warren lines use HELPER; AUTH adds the auth line. */
static void write_service(const char *helper, int auth)
{
	char text[8 * PATH_MAX], cwd[PATH_MAX];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(text, sizeof(text),
		 "auth required pam_permit.so\n"
		 "%sauth optional %s/pam_warren.so helper=%s/%s config=%s/none.conf\n"
		 "session required pam_permit.so\n"
		 "session required %s/pam_warren.so helper=%s/%s config=%s/none.conf\n",
		 auth ? "" : "#", cwd, dir, helper, dir, cwd, dir, helper, dir);
	write_text("svc", text, 0644);
}

/* Start service "svc" for "nobody" in a child, so that whatever the module does to its
 * process stays there, and run STEP(pamh, ARG) in it; returns STEP's PAM result. */
static int in_child(int (*step)(pam_handle_t *pamh, int arg), int arg)
{
	struct pam_conv c = { conv, NULL };
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pam_handle_t *pamh = NULL;
		int r;

		if (pam_start_confdir("svc", "nobody", &c, dir, &pamh) != PAM_SUCCESS)
			_exit(200);
		r = step(pamh, arg);
		pam_end(pamh, r);
		_exit(r);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int step_open_session(pam_handle_t *pamh, int auth)
{
	if (auth)
		pam_setcred(pamh, PAM_ESTABLISH_CRED);
	return pam_open_session(pamh, 0);
}

/* open_session (after setcred if AUTH) with HELPER; returns the PAM result. */
static int open_session(const char *helper, int auth)
{
	write_service(helper, auth);
	return in_child(step_open_session, auth);
}

static void test_not_jailed_is_ignored(void **state)
{
	(void)state;
	write_text("notjailed", "#!/bin/sh\nexit 3\n", 0755);
	/* PAM_IGNORE: the stack's other modules decide, as if warren were not there. */
	assert_int_equal(open_session("notjailed", 1), PAM_SUCCESS);
	assert_int_equal(open_session("notjailed", 0), PAM_SUCCESS);
}

static void test_refusal_is_a_session_error(void **state)
{
	(void)state;
	write_text("refuse", "#!/bin/sh\nexit 1\n", 0755);
	assert_int_equal(open_session("refuse", 1), PAM_SESSION_ERR);
}

/* sshd's post-auth child after a refused open_session: setcred there must end it (the
 * module _exits), not return - sshd ignores setcred's result for key logins.  Returns
 * the child's exit status: 1 if it was ended, 100 if setcred returned. */
static int setcred_after_refusal(const char *helper)
{
	struct pam_conv c = { conv, NULL };
	int status;
	pid_t pid;

	write_service(helper, 1);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pam_handle_t *pamh = NULL;
		pid_t child;

		if (pam_start_confdir("svc", "nobody", &c, dir, &pamh) != PAM_SUCCESS)
			_exit(200);
		pam_setcred(pamh, PAM_ESTABLISH_CRED);
		if (pam_open_session(pamh, 0) != PAM_SESSION_ERR)
			_exit(201);
		/* The post-auth child: a fork of the monitor, calling setcred again. */
		child = fork();
		if (child == 0) {
			pam_setcred(pamh, PAM_ESTABLISH_CRED);
			_exit(100);
		}
		if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
			_exit(202);
		_exit(WEXITSTATUS(status));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_refused_session_ends_in_setcred(void **state)
{
	(void)state;
	write_text("refuse", "#!/bin/sh\nexit 1\n", 0755);
	assert_int_equal(setcred_after_refusal("refuse"), 1);
	assert_int_equal(setcred_after_refusal("no-such-helper"), 1);
}

/* What a refused monitor leaves for a post-auth child that goes on unjoined (no auth
 * line): every shell /etc/shells lists covered (here by /dev/null: the stub helper has
 * no warren-refuse beside it), and a network namespace of its own, empty.  Root only
 * (the module needs it for both); bit N of the child's status is check N failing. */
static void test_refused_monitor_guards_shells_and_network(void **state)
{
	struct pam_conv c = { conv, NULL };
	struct stat before, shell;
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	write_text("refuse", "#!/bin/sh\nexit 1\n", 0755);
	write_service("refuse", 0);
	assert_int_equal(stat("/proc/self/ns/net", &before), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pam_handle_t *pamh = NULL;
		struct stat now;
		char *line = NULL;
		size_t size = 0;
		int failed = 0, shells = 0;
		FILE *f;

		if (pam_start_confdir("svc", "nobody", &c, dir, &pamh) != PAM_SUCCESS ||
		    pam_open_session(pamh, 0) != PAM_SESSION_ERR)
			_exit(200);
		if (stat("/proc/self/ns/net", &now) < 0 || now.st_ino == before.st_ino)
			failed |= 1;
		f = fopen("/etc/shells", "re");
		while (f && getline(&line, &size, f) > 0) {
			line[strcspn(line, " \t\n")] = '\0';
			if (line[0] != '/' || stat(line, &now) < 0)
				continue;
			shells++;
			if (!S_ISCHR(now.st_mode))
				failed |= 2;
		}
		if (!shells)
			failed |= 4;
		_exit(failed);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* And nothing of it reached this process. */
	assert_int_equal(stat("/bin/sh", &shell), 0);
	assert_true(S_ISREG(shell.st_mode));
}

static int step_account(pam_handle_t *pamh, int unused)
{
	(void)unused;
	return pam_acct_mgmt(pamh, 0);
}

/* pam_acct_mgmt through an account stack with pam_warren (OPTION, HELPER) after
 * pam_permit; returns the PAM result. */
static int account(const char *helper, const char *option)
{
	char text[8 * PATH_MAX], cwd[PATH_MAX];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(text, sizeof(text),
		 "account required pam_permit.so\n"
		 "account required %s/pam_warren.so %s helper=%s/%s config=%s/none.conf\n",
		 cwd, option, dir, helper, dir);
	write_text("svc", text, 0644);
	return in_child(step_account, 0);
}

/* refuse_jailed, for cron, atd or su: a jailed user is refused, and so is one the helper
 * cannot place; without the option the module decides nothing. */
static void test_account_refuses_jailed_users(void **state)
{
	(void)state;
	write_text("jailed", "#!/bin/sh\nexit 0\n", 0755);
	write_text("notjailed", "#!/bin/sh\nexit 3\n", 0755);
	write_text("refuse", "#!/bin/sh\nexit 1\n", 0755);
	assert_int_equal(account("jailed", "refuse_jailed"), PAM_PERM_DENIED);
	assert_int_equal(account("refuse", "refuse_jailed"), PAM_PERM_DENIED);
	assert_int_equal(account("no-such-helper", "refuse_jailed"), PAM_PERM_DENIED);
	assert_int_equal(account("notjailed", "refuse_jailed"), PAM_SUCCESS);
	assert_int_equal(account("jailed", "debug"), PAM_SUCCESS);
}

static void test_missing_helper_is_a_session_error(void **state)
{
	(void)state;
	assert_int_equal(open_session("no-such-helper", 1), PAM_SESSION_ERR);
}

static void test_hanging_up_helper_is_a_session_error(void **state)
{
	(void)state;
	/* Exit 0 without the answer (no pidfd, no cgroup): never a success. */
	write_text("mute", "#!/bin/sh\nexit 0\n", 0755);
	assert_int_equal(open_session("mute", 1), PAM_SESSION_ERR);
	assert_int_equal(open_session("mute", 0), PAM_SESSION_ERR);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/warren-test-pam.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	const char *files[] = { "svc", "notjailed", "refuse", "mute", "jailed" };
	char path[PATH_MAX + 64];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_jailed_is_ignored),
		cmocka_unit_test(test_refusal_is_a_session_error),
		cmocka_unit_test(test_missing_helper_is_a_session_error),
		cmocka_unit_test(test_hanging_up_helper_is_a_session_error),
		cmocka_unit_test(test_refused_session_ends_in_setcred),
		cmocka_unit_test(test_refused_monitor_guards_shells_and_network),
		cmocka_unit_test(test_account_refuses_jailed_users),
	};

	return cmocka_run_group_tests_name("pam_warren", tests, setup, teardown);
}
