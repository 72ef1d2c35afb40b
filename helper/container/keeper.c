/* keeper.c - warren-lease, started by the helper, held by the builder (see keeper.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/keeper.h"
#include "container/leave.h"
#include "lib/cleanup.h"
#include "lib/fsutil.h"
#include "lib/tool.h"

/* Longest a release may take: warren-lease's own bound on a call, and then some. */
#define KEEPER_RELEASE_MS 5000

/* In the child: out of the login (as the builder leaves it: leave.h), stdin HOLD,
 * stdout REPORT, stderr /dev/null, no other fd, an empty environment (HACKING.md §5.1,
 * §5.4); never returns. */
__attribute__((noreturn)) static void keeper_exec(int exe_fd, int hold, int report,
						   const char *config, const char *user)
{
	const char *argv[] = { "warren-lease", "keep", config, user, NULL };
	char *const envp[] = { NULL };
	int null;

	setsid();
	leave_login();
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || dup2(hold, 0) < 0 || dup2(report, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	/* fd 3 is the binary itself, close-on-exec (fexecve of an ELF file needs no more). */
	if ((exe_fd == 3 ? fcntl(3, F_SETFD, FD_CLOEXEC) : dup3(exe_fd, 3, O_CLOEXEC)) < 0)
		_exit(127);
	close_range(4, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	fexecve(3, (char *const *)argv, envp);
	_exit(127);
}

int keeper_spawn(int exe_fd, const char *config, const char *user, struct keeper *ret,
		 struct error *err)
{
	_cleanup_close_pair_ int hold[2] = { -EBADF, -EBADF }, report[2] = { -EBADF, -EBADF };
	struct keeper k = KEEPER_NONE;

	if (pipe2(hold, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0)
		return error_errno(err, -errno, "cannot make the pipes of warren-lease");
	k.pid = fork();
	if (k.pid < 0)
		return error_errno(err, -errno, "cannot start warren-lease");
	if (k.pid == 0)
		keeper_exec(exe_fd, hold[0], report[1], config, user);
	/* Unreaped, its pid is still its own: the pidfd is of the right process. */
	k.pidfd = pidfd_of(k.pid);
	if (k.pidfd < 0) {
		(void)kill(k.pid, SIGKILL);
		while (waitpid(k.pid, NULL, 0) < 0 && errno == EINTR)
			;
		return error_errno(err, k.pidfd, "cannot hold warren-lease by a pidfd");
	}
	k.report_fd = TAKE_FD(report[0]);
	k.hold_fd = TAKE_FD(hold[1]);
	*ret = k;
	return 0;
}

int keeper_taken(struct keeper *k, struct error *err)
{
	int r = error_recv(k->report_fd, false, "warren-lease", err);

	if (r < 0)
		keeper_release(k);
	return r;
}

void keeper_let_go(struct keeper *k)
{
	if (k->pid <= 0)
		return;
	close(TAKE_FD(k->hold_fd));
	close(TAKE_FD(k->report_fd));
	close(TAKE_FD(k->pidfd));
	k->pid = 0;
}

void keeper_note(struct keeper *k, unsigned long long id)
{
	char line[32];
	int n;

	if (k->pid <= 0 || k->hold_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%llu\n", id);
	/* One write, smaller than PIPE_BUF: whole or not at all.  A keeper that is gone
	 * says so on its report pipe, which the supervisor watches. */
	(void)write_all(k->hold_fd, line, (size_t)n);
}

int keeper_read(struct keeper *k, struct error *err)
{
	int r = error_recv(k->report_fd, false, "warren-lease", err);

	return r < 0 ? r : error_set(err, -EPROTO, "warren-lease gave up without a reason");
}

void keeper_refuse(struct keeper *k, const char *reason)
{
	char line[256];
	int n;

	if (k->pid <= 0 || k->hold_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "refuse %s\n", reason);
	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1, line[n - 1] = '\n';
	(void)write_all(k->hold_fd, line, (size_t)n);
}

void keeper_release(struct keeper *k)
{
	struct pollfd p = { .fd = k->pidfd, .events = POLLIN };

	if (k->pid <= 0)
		return;
	if (k->hold_fd >= 0)
		close(TAKE_FD(k->hold_fd));
	if (k->report_fd >= 0)
		close(TAKE_FD(k->report_fd));
	if (k->pidfd >= 0) {
		if (poll(&p, 1, KEEPER_RELEASE_MS) == 0)
			(void)pidfd_kill(k->pidfd, SIGKILL);
		/* Reaped here only by the helper, its parent; elsewhere ECHILD at once. */
		while (waitid(P_PIDFD, (id_t)k->pidfd, NULL, WEXITED) < 0 && errno == EINTR)
			;
		close(TAKE_FD(k->pidfd));
	}
	k->pid = 0;
}
