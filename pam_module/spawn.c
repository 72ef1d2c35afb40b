/* spawn.c - run warren-helper the way pam_exec runs a helper: empty environment, only
 * stdio, default SIGCHLD, EINTR-safe wait, bounded in time; started without copying sshd.
 * Its answer arrives on a SEQPACKET socket with the init's pidfd attached (protocol.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "pam_warren.h"

/* The helper started with posix_spawn: glibc's clone(CLONE_VM | CLONE_VFORK) copies none
 * of sshd's page tables, which fork() did for each helper (a millisecond of a login).
 * Its stdin and stderr /dev/null, SOCK its stdout, nothing else open; its own process
 * group (on a timeout the helper and what it runs, mkfs or resize2fs, are killed
 * together; a container's supervisor leaves the group with setsid); no signal blocked.
 * 0 with *RET_PID, or -errno (the exec's own error too). */
static int spawn_helper(const struct module_options *opt, enum helper_verb verb, const char *user,
			int sock, pid_t *ret_pid)
{
	const char *argv[HELPER_ARGV_MAX];
	char *const envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	int r;

	helper_argv(opt->helper, opt->config, opt->service, verb, user, argv);
	sigemptyset(&none);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0)
		return -r;
	if ((r = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -r;
	}
	if (!(r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0)) &&
	    !(r = posix_spawn_file_actions_adddup2(&fa, sock, 1)) &&
	    !(r = posix_spawn_file_actions_adddup2(&fa, 0, 2)) &&
	    !(r = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) &&
	    !(r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK)) &&
	    !(r = posix_spawnattr_setpgroup(&attr, 0)) &&
	    !(r = posix_spawnattr_setsigmask(&attr, &none)))
		r = posix_spawn(ret_pid, opt->helper, &fa, &attr, (char *const *)argv, envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

static int wait_helper(pid_t pid, bool kill_it)
{
	int status;

	if (kill_it)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

static void collect_abandoned(const struct module_options *opt, const char *user);

int helper_run(const struct module_options *opt, enum helper_verb verb, const char *user,
	       struct helper_reply *reply)
{
	_cleanup_close_pair_ int sv[2] = { -EBADF, -EBADF };
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	int got, r;
	pid_t pid;

	helper_reply_init(reply);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* sshd may have a SIGCHLD handler that would reap our helper before we do. */
	sigaction(SIGCHLD, &dfl, &old);
	if ((r = spawn_helper(opt, verb, user, sv[1], &pid)) < 0) {
		sigaction(SIGCHLD, &old, NULL);
		errno = -r;
		snprintf(reply->error, sizeof(reply->error), "cannot execute %s: %m", opt->helper);
		return r;
	}
	close(TAKE_FD(sv[1]));
	got = protocol_recv_reply(sv[0], opt->timeout_ms, reply);
	/* Taken: the helper tells the new container's supervisor so (protocol.h). */
	if (got == 1)
		(void)protocol_send_ack(sv[0]);
	/* Closed before the wait: a helper waiting for the acknowledgement gets EOF. */
	close(TAKE_FD(sv[0]));
	r = wait_helper(pid, got == -ETIMEDOUT);
	sigaction(SIGCHLD, &old, NULL);
	/* Killed in the middle of a build: what it made on the host goes now, not at some
	 * later login (a container it finished stops by itself, never handed over). */
	if (got == -ETIMEDOUT && verb == HELPER_ENSURE)
		collect_abandoned(opt, user);
	if (got == -ETIMEDOUT)
		snprintf(reply->error, sizeof(reply->error), "warren-helper %s did not answer in time",
			 helper_verb_name(verb));
	else if (r == 127)
		snprintf(reply->error, sizeof(reply->error), "cannot execute %s", opt->helper);
	else if (r == -ECHILD)
		snprintf(reply->error, sizeof(reply->error), "warren-helper %s was killed by a signal",
			 helper_verb_name(verb));
	else if (got == -EPROTO)
		snprintf(reply->error, sizeof(reply->error), "warren-helper's answer is malformed");
	else if (r != HELPER_EXIT_OK && r != HELPER_EXIT_NOT_JAILED && !reply->error[0])
		snprintf(reply->error, sizeof(reply->error), "warren-helper %s failed without a reason",
			 helper_verb_name(verb));
	/* "ensure" succeeded only with a complete answer (protocol_recv_reply checks it). */
	if (r == HELPER_EXIT_OK && verb == HELPER_ENSURE && (got != 1 || reply->error[0])) {
		if (!reply->error[0])
			snprintf(reply->error, sizeof(reply->error), "incomplete answer from warren-helper");
		helper_reply_done(reply);
		r = -EPROTO;
	}
	return r;
}

/* warren-helper collect USER, bounded like any helper: what a helper killed on the
 * timeout left of a container it was building (cgroups, devpts, network, runtime state),
 * unless her container runs. */
static void collect_abandoned(const struct module_options *opt, const char *user)
{
	struct helper_reply scratch;

	(void)helper_run(opt, HELPER_COLLECT, user, &scratch);
	helper_reply_done(&scratch);
}
