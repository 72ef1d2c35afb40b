/* enter.c - warren-helper enter: run a command as the user inside her container.
 *
 * What a login does, without sshd: an admin's way in, and the helper-level tests'.
 * The command gets a new session (setsid), so it has no controlling terminal it
 * could push input into with TIOCSTI (the admin's), and no capability anywhere.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "nsjoin.h"

/* From the container's root to the user; the drop is verified as OpenSSH does. */
static int drop_to_user(const struct user_info *u)
{
	if (setresgid(u->gid, u->gid, u->gid) < 0 || setresuid(u->uid, u->uid, u->uid) < 0)
		return -errno;
	if (setresuid(0, 0, 0) == 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -EPERM;
	return 0;
}

static int run_command(const struct user_info *u, char *const argv[])
{
	char *const login_shell[] = { (char *)u->shell, "-l", NULL };
	int r;

	if ((r = drop_to_user(u)) < 0)
		return log_error_errno(r, "cannot become %s inside the container", u->name);
	if (chdir(u->home) < 0 && chdir("/") < 0)
		return log_error_errno(-errno, "chdir");
	setsid();
	if (setenv("HOME", u->home, 1) < 0 || setenv("USER", u->name, 1) < 0 ||
	    setenv("LOGNAME", u->name, 1) < 0 || setenv("SHELL", u->shell, 1) < 0 ||
	    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1) < 0)
		return log_error_errno(-errno, "setenv");
	if (!argv || !argv[0])
		argv = login_shell;
	execvp(argv[0], argv);
	return log_error_errno(-errno, "cannot run %s in the container of %s", argv[0], u->name);
}

/* The command's exit status, as a shell would report it. */
static int wait_command(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int container_enter(const struct container *c, const struct user_info *u, char *const argv[])
{
	const char *step = "join the container's cgroup";
	pid_t pid;
	int r;

	if ((r = cgroup_attach(&c->cg, getpid())) < 0 ||
	    (r = nsjoin_as_container_root(c->init_pidfd, u->gid, &step)) < 0)
		return log_error_errno(r, "cannot enter the container of %s: %s", u->name, step);
	/* setns(CLONE_NEWPID) places our children, not us, in the container's pid ns. */
	pid = fork();
	if (pid < 0)
		return log_error_errno(-errno, "fork");
	if (pid > 0)
		return wait_command(pid);
	_exit(run_command(u, argv) < 0 ? 127 : 0);
}

