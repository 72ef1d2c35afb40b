/* test_pam.c - pam_warren driven through a real libpam (pam_start_confdir) with stub
 * helpers: what the module returns, and that it fails closed.  Only the guard test needs
 * root (it is skipped otherwise); the paths where the helper answers "ready" are covered
 * end to end (tests/e2e). */
#include <fcntl.h>
#include <limits.h>
#include <security/pam_appl.h>
#include <setjmp.h>
#include <signal.h>
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
/* Whom the tests' PAM transactions are for. */
static const char *pam_user = "nobody";

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

		if (pam_start_confdir("svc", pam_user, &c, dir, &pamh) != PAM_SUCCESS)
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

/* The service "svc" with the session line's OPTIONS (after helper=DIR/HELPER). */
static void write_session_options(const char *helper, const char *options)
{
	char text[8 * PATH_MAX], cwd[PATH_MAX];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(text, sizeof(text),
		 "auth required pam_permit.so\n"
		 "auth optional %s/pam_warren.so helper=%s/%s\n"
		 "session required pam_permit.so\n"
		 "session required %s/pam_warren.so helper=%s/%s %s\n",
		 cwd, dir, helper, cwd, dir, helper, options);
	write_text("svc", text, 0644);
}

/* A helper that notes its arguments and environment in DIR/args and DIR/env, then says
 * "not jailed". */
static void write_recorder(void)
{
	char text[4 * PATH_MAX];

	snprintf(text, sizeof(text), "#!/bin/sh\necho \"$@\" > %s/args\nenv > %s/env\n"
		 "echo \"0=$(readlink /proc/$$/fd/0) 2=$(readlink /proc/$$/fd/2)\" >> %s/env\nexit 3\n",
		 dir, dir, dir);
	write_text("recorder", text, 0755);
}

static void read_text(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX + 64];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
}

/* The helper is run as `helper [--config FILE] [--service NAME] ensure USER` (an absolute
 * config= only), with nothing of sshd's environment. */
static void test_helper_arguments(void **state)
{
	char opts[PATH_MAX + 64], want[PATH_MAX + 128], got[4096];

	(void)state;
	write_recorder();
	setenv("WARREN_TEST_LEAK", "1", 1);
	snprintf(opts, sizeof(opts), "config=%s/none.conf", dir);
	write_session_options("recorder", opts);
	assert_int_equal(in_child(step_open_session, 1), PAM_SUCCESS);
	read_text("args", got, sizeof(got));
	snprintf(want, sizeof(want), "--config %s/none.conf --service svc ensure nobody\n", dir);
	assert_string_equal(got, want);
	read_text("env", got, sizeof(got));
	/* stdin and stderr /dev/null; no variable but what the shell sets itself. */
	assert_non_null(strstr(got, "0=/dev/null 2=/dev/null\n"));
	for (char *line = strtok(got, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "PWD=", 4) && strncmp(line, "OLDPWD=", 7) &&
		    strncmp(line, "SHLVL=", 6) && strncmp(line, "_=", 2) && strncmp(line, "0=", 2))
			fail_msg("the helper's environment holds %s", line);
	unsetenv("WARREN_TEST_LEAK");
	write_session_options("recorder", "config=none.conf debug");
	assert_int_equal(in_child(step_open_session, 1), PAM_SUCCESS);
	read_text("args", got, sizeof(got));
	assert_string_equal(got, "--service svc ensure nobody\n");
	unlink(strcat(strcpy(want, dir), "/env"));
	unlink(strcat(strcpy(want, dir), "/recorder"));
}

/* timeout=SECONDS, 1 to 600: the helper's answer is waited for that long; any other
 * value is the default's 60 s. */
static void test_timeout_option(void **state)
{
	static const struct {
		const char *option;
		int want;
	} cases[] = {
		{ "timeout=1", PAM_SESSION_ERR }, /* killed after 1 s */
		{ "timeout=3", PAM_SUCCESS },     /* answered (not jailed) within 3 s */
		{ "timeout=600", PAM_SUCCESS },
		{ "timeout=0", PAM_SUCCESS },     /* not a value: 60 s */
		{ "timeout=601", PAM_SUCCESS },
		{ "timeout=1x", PAM_SUCCESS },
	};
	char path[PATH_MAX + 64];

	(void)state;
	write_text("slow", "#!/bin/sh\nsleep 1.2\nexit 3\n", 0755);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_session_options("slow", cases[i].option);
		if (in_child(step_open_session, 1) != cases[i].want)
			fail_msg("%s: not %d", cases[i].option, cases[i].want);
	}
	snprintf(path, sizeof(path), "%s/slow", dir);
	unlink(path);
}

/* Root is never the module's to jail; a user NSS cannot find is refused (fail closed), at
 * open_session and by refuse_jailed alike. */
static void test_root_and_unknown_users(void **state)
{
	(void)state;
	write_text("refuse", "#!/bin/sh\nexit 1\n", 0755);
	pam_user = "root";
	assert_int_equal(open_session("refuse", 1), PAM_SUCCESS);
	assert_int_equal(account("refuse", "refuse_jailed"), PAM_SUCCESS);
	write_text("notjailed", "#!/bin/sh\nexit 3\n", 0755);
	pam_user = "warren-no-such-user-x";
	assert_int_equal(open_session("notjailed", 1), PAM_SESSION_ERR);
	assert_int_equal(account("notjailed", "refuse_jailed"), PAM_PERM_DENIED);
	pam_user = "nobody";
}

/* The post-auth child's setcred with FLAGS, after the monitor's setcred and open_session
 * of the service in DIR: 1 if it was ended, 100 if setcred returned. */
static int post_auth_setcred(int flags)
{
	struct pam_conv c = { conv, NULL };
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pam_handle_t *pamh = NULL;
		pid_t child;

		if (pam_start_confdir("svc", "nobody", &c, dir, &pamh) != PAM_SUCCESS)
			_exit(200);
		pam_setcred(pamh, PAM_ESTABLISH_CRED);
		(void)pam_open_session(pamh, 0);
		child = fork();
		if (child == 0) {
			pam_setcred(pamh, flags);
			_exit(100);
		}
		if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
			_exit(202);
		/* The monitor's own setcred again: never ended (else this exits 1). */
		pam_setcred(pamh, PAM_ESTABLISH_CRED);
		_exit(50 + WEXITSTATUS(status));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) >= 50);
	return WEXITSTATUS(status) - 50;
}

/* After a refused session, setcred ends the child when it establishes or reinitializes
 * credentials, not when it deletes them.  Without the session line (the module's session
 * line missing), the child is ended unless the helper says she is not jailed. */
static void test_setcred_cases(void **state)
{
	char text[8 * PATH_MAX], cwd[PATH_MAX];

	(void)state;
	write_text("refuse", "#!/bin/sh\nexit 1\n", 0755);
	write_service("refuse", 1);
	assert_int_equal(post_auth_setcred(PAM_REINITIALIZE_CRED), 1);
	assert_int_equal(post_auth_setcred(PAM_DELETE_CRED), 100);
	assert_int_equal(post_auth_setcred(PAM_REFRESH_CRED), 100);

	write_text("jailed", "#!/bin/sh\nexit 0\n", 0755);
	write_text("notjailed", "#!/bin/sh\nexit 3\n", 0755);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	for (int i = 0; i < 3; i++) {
		const char *helper = i == 0 ? "jailed" : i == 1 ? "notjailed" : "no-such-helper";

		snprintf(text, sizeof(text),
			 "auth required pam_permit.so\n"
			 "auth optional %s/pam_warren.so helper=%s/%s\n"
			 "session required pam_permit.so\n", cwd, dir, helper);
		write_text("svc", text, 0644);
		assert_int_equal(post_auth_setcred(PAM_ESTABLISH_CRED), i == 1 ? 100 : 1);
	}
}

/* A helper that does not answer in time is killed with what it started (its process
 * group), and `collect USER` is run after an ensure that was cut short. */
static void test_timeout_kills_and_collects(void **state)
{
	char text[4 * PATH_MAX], got[4096], path[PATH_MAX + 64];
	int pid = 0, alive = 1;
	FILE *f;

	(void)state;
	snprintf(text, sizeof(text),
		 "#!/bin/sh\necho \"$@\" >> %s/args\n"
		 "[ \"$1\" = collect ] && exit 0\n"
		 "sleep 30 &\necho $! > %s/bgpid\nsleep 30\n", dir, dir);
	write_text("stuck", text, 0755);
	write_session_options("stuck", "timeout=1");
	assert_int_equal(in_child(step_open_session, 1), PAM_SESSION_ERR);
	read_text("args", got, sizeof(got));
	assert_string_equal(got, "--service svc ensure nobody\n--service svc collect nobody\n");
	snprintf(path, sizeof(path), "%s/bgpid", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	unlink(path);
	/* Gone (or a zombie about to be reaped): killed before the module returned; up to
	 * 5 s for a busy machine to show it. */
	for (int i = 0; i < 100 && alive; i++) {
		char stat_path[64], st[256] = "";
		FILE *s;

		snprintf(stat_path, sizeof(stat_path), "/proc/%d/stat", pid);
		if (!(s = fopen(stat_path, "r")))
			alive = 0;
		else {
			if (fgets(st, sizeof(st), s) && strstr(st, ") Z "))
				alive = 0;
			fclose(s);
		}
		if (alive)
			usleep(50000);
	}
	if (alive)
		kill(pid, SIGKILL);
	assert_false(alive);
	snprintf(path, sizeof(path), "%s/stuck", dir);
	unlink(path);
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
		cmocka_unit_test(test_helper_arguments),
		cmocka_unit_test(test_timeout_option),
		cmocka_unit_test(test_timeout_kills_and_collects),
		cmocka_unit_test(test_root_and_unknown_users),
		cmocka_unit_test(test_setcred_cases),
	};

	return cmocka_run_group_tests_name("pam_warren", tests, setup, teardown);
}
