/* enter.c - warren-helper enter: run a command as the user inside her container.
 *
 * What a login does, without sshd: an admin's way in, and the helper-level tests'.
 * The command gets a session of its own, a fresh pty of the container (or pipes) that
 * the helper relays (relay.h), none of the caller's environment but TERM, and no
 * capability anywhere: nothing of the admin's reaches code the user controls.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wire/creds.h"
#include "container/enter.h"
#include "lib/log.h"
#include "container/relay.h"
#include "wire/confine.h"

/* Who the command runs as: the user, or root inside (with a login shell of /bin/sh). */
struct identity {
	const char *name, *home, *shell;
};

/* In the forked child: confine it (confine.h) as the user, or as root inside, and exec.
 * Returns only on failure. */
static int run_command(const struct user_spec *u, const struct relay *relay, char *const argv[],
		       bool as_root, struct error *err)
{
	struct identity id = { .name = u->name, .home = u->home, .shell = u->shell };
	char *login_shell[] = { NULL, "-l", NULL };
	/* The admin's root is root already: it needs no setuid binary, so no_new_privs
	 * whatever the user's own root may do. */
	struct confine_plan plan = u->plan;
	char term[64] = "";
	int r;

	if (relay->pty && getenv("TERM"))
		snprintf(term, sizeof(term), "%s", getenv("TERM"));
	if ((r = relay_child_stdio(relay)) < 0)
		return error_errno(err, r, "cannot set up the command's terminal");
	plan.root = false;
	if (as_root)
		id = (struct identity){ .name = "root", .home = "/root", .shell = "/bin/sh" };
	if ((r = confine(&plan, -EBADF, as_root ? (uid_t)-1 : u->uid, u->gid, err)) < 0)
		return error_wrap(err, "cannot run a command as %s inside the container", id.name);
	if (chdir(id.home) < 0 && chdir("/") < 0)
		return error_errno(err, -errno, "chdir");
	if (clearenv() != 0 || setenv("HOME", id.home, 1) < 0 || setenv("USER", id.name, 1) < 0 ||
	    setenv("LOGNAME", id.name, 1) < 0 || setenv("SHELL", id.shell, 1) < 0 ||
	    setenv("PATH", as_root ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
				   : "/usr/local/bin:/usr/bin:/bin", 1) < 0 ||
	    (term[0] && setenv("TERM", term, 1) < 0))
		return error_errno(err, -errno, "setenv");
	if (!argv || !argv[0]) {
		login_shell[0] = (char *)id.shell;
		argv = login_shell;
	}
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
		    bool as_root, struct error *err)
{
	static const cap_value_t relay_caps[] = { CAP_KILL };
	struct error child = { 0 };
	struct relay relay;
	pid_t pid;
	int r;

	relay_init(&relay);
	if ((r = cgroup_attach(&c->cg, getpid())) < 0) {
		error_errno(err, r, "join its cgroup");
		goto fail;
	}
	/* The namespaces (confine.h's first step) here: a new pid namespace takes only the
	 * children of who joins it. */
	if ((r = confine_join(&u->plan, c->init_pidfd, u->gid, err)) < 0)
		goto fail;
	/* The pty from the container's own devpts, as the container's root: whatever
	 * mount namespace we were started in, and with no more power than root inside.
	 * Hers for her command (0620, as a login's); root's alone (0600) for root's, which
	 * she must neither read nor write to (review M3). */
	if ((r = relay_open(&relay, "/dev/pts/ptmx", as_root ? 0 : u->uid, as_root ? 0600 : 0620,
			    err)) < 0)
		goto fail;
	/* setns(CLONE_NEWPID) places our children, not us, in the container's pid ns. */
	pid = fork();
	if (pid < 0) {
		r = error_errno(err, -errno, "fork");
		goto fail;
	}
	if (pid > 0) {
		/* From here on this process only relays and waits: of its power as root inside
		 * it keeps kill, to pass a hangup or an interrupt on to the command. */
		if ((r = creds_keep_only(relay_caps, 1)) < 0) {
			kill(pid, SIGKILL);
			wait_command(pid);
			r = error_errno(err, r, "cannot drop the relay's capabilities");
			goto fail;
		}
		if ((r = relay_run(&relay, pid)) < 0)
			log_warning(r, "the relay of %s's command stopped", u->name);
		return wait_command(pid);
	}
	/* The child is the top of its own operation: it reports its failure itself. */
	run_command(u, &relay, argv, as_root, &child);
	log_failure(&child);
	_exit(127);
fail:
	relay_close(&relay);
	return error_wrap(err, "cannot enter the container of %s", u->name);
}
