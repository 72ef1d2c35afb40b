/* enter.c - warren-helper enter: run a command as the user inside her container.
 *
 * What a login does, without sshd: an admin's way in, and the helper-level tests'.
 * The command gets a new session (setsid), so it has no controlling terminal it
 * could push input into with TIOCSTI (the admin's), and no capability anywhere.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "creds.h"
#include "enter.h"
#include "log.h"
#include "nsjoin.h"
#include "sysfilter.h"

/* In the forked child: become the user and exec.  Returns only on failure. */
static int run_command(const struct user_spec *u, char *const argv[], struct error *err)
{
	char *const login_shell[] = { (char *)u->shell, "-l", NULL };
	int r;

	if ((r = sysfilter_apply(err)) < 0)
		return r;
	if ((r = creds_drop_to_user(u->uid, u->gid)) < 0)
		return error_errno(err, r, "cannot become %s inside the container", u->name);
	if (chdir(u->home) < 0 && chdir("/") < 0)
		return error_errno(err, -errno, "chdir");
	setsid();
	if (setenv("HOME", u->home, 1) < 0 || setenv("USER", u->name, 1) < 0 ||
	    setenv("LOGNAME", u->name, 1) < 0 || setenv("SHELL", u->shell, 1) < 0 ||
	    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1) < 0)
		return error_errno(err, -errno, "setenv");
	if (!argv || !argv[0])
		argv = login_shell;
	execvp(argv[0], argv);
	return error_errno(err, -errno, "cannot run %s in the container of %s", argv[0], u->name);
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

int container_enter(const struct container *c, const struct user_spec *u, char *const argv[],
		    struct error *err)
{
	struct error child = { 0 };
	pid_t pid;
	int r;

	if ((r = cgroup_attach(&c->cg, getpid())) < 0)
		return error_errno(err, r, "cannot enter the container of %s: join its cgroup", u->name);
	if ((r = nsjoin_as_container_root(c->init_pidfd, u->gid, err)) < 0)
		return error_wrap(err, "cannot enter the container of %s", u->name);
	/* setns(CLONE_NEWPID) places our children, not us, in the container's pid ns. */
	pid = fork();
	if (pid < 0)
		return error_errno(err, -errno, "fork");
	if (pid > 0)
		return wait_command(pid);
	/* The child is the top of its own operation: it reports its failure itself. */
	run_command(u, argv, &child);
	log_failure(&child);
	_exit(127);
}
